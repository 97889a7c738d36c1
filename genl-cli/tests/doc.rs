//! `genl doc`: the Markdown reference of a family, on stdout or in a file.
//!
//! The references of the project's nlctrl spec and of the kernel's netdev
//! spec are kept in `tests/snapshots/`; `SNAPSHOTS=overwrite cargo test -p
//! genl-cli --test doc` accepts new output.

use snapbox::cmd::{Command, cargo_bin};
use std::path::{Path, PathBuf};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn genl() -> Command {
    Command::new(cargo_bin!("genl")).current_dir(root())
}

/// The kernel's spec of the given name from `GENL_CORPUS` (relative paths
/// are taken from the workspace root), or why it is not there.
fn corpus_spec(name: &str) -> Result<PathBuf, String> {
    let dir = std::env::var_os("GENL_CORPUS").ok_or_else(|| {
        "GENL_CORPUS is not set (point it at a folder of kernel YNL specs, e.g. ../shared/ynl-specs/kernel)"
            .to_owned()
    })?;
    let dir = root().join(dir);
    let spec = dir.join(format!("{name}.yaml"));
    if spec.is_file() {
        Ok(spec)
    } else {
        Err(format!("GENL_CORPUS={} has no {name}.yaml", dir.display()))
    }
}

#[test]
fn doc_of_nlctrl_matches_its_snapshot() {
    genl()
        .args(["doc", "specs/nlctrl.yaml"])
        .assert()
        .success()
        .stderr_eq("")
        .stdout_eq(snapbox::file!["snapshots/nlctrl.md"].raw());
}

#[test]
fn doc_of_the_kernels_netdev_matches_its_snapshot() {
    let spec = match corpus_spec("netdev") {
        Ok(spec) => spec,
        Err(reason) => {
            genl_testkit::skip("doc_of_the_kernels_netdev_matches_its_snapshot", &reason);
            return;
        }
    };
    genl()
        .arg("doc")
        .arg(&spec)
        .assert()
        .success()
        .stdout_eq(snapbox::file!["snapshots/netdev.md"].raw());
}

#[test]
fn doc_writes_a_file_only_when_it_changes() {
    let dir = std::env::temp_dir().join(format!("genl-doc-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("nlctrl.md");
    let run = || {
        genl()
            .args(["doc", "specs/nlctrl.yaml", "-o"])
            .arg(&file)
            .assert()
            .success()
            .stdout_eq("")
            .stderr_eq("");
    };
    run();
    let written = std::fs::read_to_string(&file).unwrap();
    let stdout = genl()
        .args(["doc", "specs/nlctrl.yaml"])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    assert_eq!(
        written.as_bytes(),
        stdout,
        "the file holds what stdout shows"
    );
    let first = std::fs::metadata(&file).unwrap().modified().unwrap();
    std::thread::sleep(std::time::Duration::from_millis(20));
    run();
    assert_eq!(
        std::fs::metadata(&file).unwrap().modified().unwrap(),
        first,
        "unchanged output is not rewritten"
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn doc_of_an_invalid_spec_fails_with_located_diagnostics() {
    genl()
        .args(["doc", "genl-spec/tests/spec-fail/unknown-key.yaml"])
        .env("NO_COLOR", "1")
        .assert()
        .code(1)
        .stdout_eq("")
        .stderr_eq(
            "\
error: unknown key `multiattr` in attribute
 --> genl-spec/tests/spec-fail/unknown-key.yaml:8:9
  |
8 |         multiattr: true
  |         ^^^^^^^^^ unknown key
  |
  = help: did you mean `multi-attr`?

error: could not load `genl-spec/tests/spec-fail/unknown-key.yaml` due to 1 error
",
        );
}
