//! `genl check`: exit codes and output.

use snapbox::cmd::{Command, cargo_bin};
use std::path::{Path, PathBuf};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn genl() -> Command {
    Command::new(cargo_bin!("genl")).current_dir(root())
}

#[test]
fn valid_spec_exits_zero() {
    genl()
        .args(["check", "specs/nlctrl.yaml"])
        .assert()
        .success()
        .stderr_eq("checked 1 spec: all valid\n");
}

#[test]
fn invalid_spec_prints_located_errors_and_exits_one() {
    genl()
        .args([
            "check",
            "genl-spec/tests/spec-fail/unknown-key.yaml",
            "specs/nlctrl.yaml",
        ])
        .env("NO_COLOR", "1")
        .assert()
        .code(1)
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
checked 2 specs: 1 invalid
",
        );
}

#[test]
fn warnings_are_printed_but_do_not_fail() {
    let dir = std::env::temp_dir().join(format!("genl-check-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let spec = dir.join("warn.yaml");
    std::fs::write(
        &spec,
        "name: demo\ndoc: d\nattribute-sets:\n  - name: main\n    attributes:\n      - { name: a, type: u32 }\n  - name: spare\n    attributes:\n      - { name: b, type: u32 }\noperations:\n  list:\n    - { name: get, doc: g, attribute-set: main, do: { request: { attributes: [ a ] } } }\n",
    )
    .unwrap();
    let out = genl()
        .arg("check")
        .arg(&spec)
        .env("NO_COLOR", "1")
        .assert()
        .success();
    let stderr = String::from_utf8(out.get_output().stderr.clone()).unwrap();
    assert!(
        stderr.contains("warning: attribute set `spare` is not used by any operation"),
        "{stderr}"
    );
    assert!(stderr.contains("warn.yaml:7:5"), "{stderr}");
    genl()
        .args(["check", "--quiet"])
        .arg(&spec)
        .assert()
        .success()
        .stderr_eq("");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn missing_file_is_an_error() {
    genl()
        .args(["check", "no/such/spec.yaml"])
        .env("NO_COLOR", "1")
        .assert()
        .code(1)
        .stderr_eq(
            "\
error: cannot read `no/such/spec.yaml`: No such file or directory (os error 2)

error: could not load `no/such/spec.yaml` due to 1 error
checked 1 spec: 1 invalid
",
        );
}

#[test]
fn no_spec_is_a_usage_error() {
    genl().arg("check").assert().code(2);
}
