//! Every spec of `specs/` is valid against the kernel's JSON schema of its
//! protocol level (`genetlink-legacy.yaml`, ...), the schemas being read from
//! `GENL_SCHEMAS` or else the `schemas/` folder beside `$GENL_CORPUS`. The
//! validation runs in Python's `jsonschema` (with PyYAML), the validator the
//! kernel's own tooling uses; without it the test says why it skips, and
//! fails instead under `GENL_STRICT=1`.

mod common;

use std::path::PathBuf;
use std::process::Command;

const VALIDATE: &str = r#"
import sys, yaml, jsonschema
schemas, specs = sys.argv[1], sys.argv[2:]
bad = 0
for path in specs:
    spec = yaml.safe_load(open(path))
    level = spec.get("protocol", "genetlink")
    schema = yaml.safe_load(open(f"{schemas}/{level}.yaml"))
    for e in jsonschema.Draft7Validator(schema).iter_errors(spec):
        bad += 1
        print(f"{path}: {'.'.join(map(str, e.absolute_path))}: {e.message}")
sys.exit(1 if bad else 0)
"#;

fn schemas() -> Option<PathBuf> {
    if let Some(dir) = std::env::var_os("GENL_SCHEMAS") {
        return Some(PathBuf::from(dir));
    }
    let dir = common::corpus()?.join("../schemas");
    dir.join("genetlink-legacy.yaml").is_file().then_some(dir)
}

fn skip(reason: &str) {
    let strict = std::env::var_os("GENL_STRICT").is_some_and(|v| v != "0");
    assert!(!strict, "GENL_STRICT is set: {reason}");
    eprintln!("skipped: {reason}");
}

#[test]
fn project_specs_are_valid_against_the_kernel_schemas() {
    let Some(schemas) = schemas() else {
        return skip("no schema folder (GENL_SCHEMAS, or schemas/ beside GENL_CORPUS)");
    };
    let probe = Command::new("python3")
        .args(["-c", "import yaml, jsonschema"])
        .output();
    if !probe.is_ok_and(|o| o.status.success()) {
        return skip("python3 with the yaml and jsonschema modules is not available");
    }
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../specs");
    let specs = common::corpus_specs(&dir);
    assert!(specs.len() >= 7, "nlctrl and the six OVS families");
    let out = Command::new("python3")
        .arg("-c")
        .arg(VALIDATE)
        .arg(&schemas)
        .args(&specs)
        .output()
        .expect("python3 runs");
    assert!(
        out.status.success(),
        "schema violations:\n{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}
