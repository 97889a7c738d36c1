//! Shared by the integration tests: where the kernel's spec corpus is.
#![allow(dead_code)]

use std::path::PathBuf;

/// The folder of kernel YNL specs named by `GENL_CORPUS`, or `None` with a
/// printed reason. With `GENL_STRICT=1` (as in CI) a missing corpus fails
/// the test instead of skipping it.
pub fn corpus() -> Option<PathBuf> {
    let strict = std::env::var_os("GENL_STRICT").is_some_and(|v| v != "0");
    let reason = match std::env::var_os("GENL_CORPUS") {
        None => "GENL_CORPUS is not set (point it at a folder of kernel YNL specs, e.g. ../shared/ynl-specs/kernel)".to_owned(),
        Some(dir) => {
            let dir = PathBuf::from(dir);
            let dir = if dir.is_relative() {
                // Relative to the workspace root, where the README's commands run.
                PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..").join(dir)
            } else {
                dir
            };
            if dir.join("nlctrl.yaml").is_file() {
                return Some(dir);
            }
            format!("GENL_CORPUS={} has no nlctrl.yaml", dir.display())
        }
    };
    assert!(
        !strict,
        "GENL_STRICT is set and the spec corpus is missing: {reason}"
    );
    eprintln!("skipped: {reason}");
    None
}

/// Every `*.yaml` in the corpus, sorted.
pub fn corpus_specs(dir: &std::path::Path) -> Vec<PathBuf> {
    let mut specs: Vec<PathBuf> = std::fs::read_dir(dir)
        .expect("readable corpus")
        .map(|e| e.expect("directory entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "yaml"))
        .collect();
    specs.sort();
    specs
}

/// A spec of the project's own `specs/` folder.
pub fn project_spec(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../specs")
        .join(format!("{name}.yaml"))
}
