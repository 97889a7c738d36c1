//! `genl policy-diff` against the running kernel, through the binary.
//!
//! The corpus specs are read from the folder named by `GENL_CORPUS`
//! (relative to the workspace root). Where the corpus, the family or a
//! policy dump is missing, a test says why it skips; `GENL_STRICT=1` makes
//! that a failure.

use genl_testkit::skip;
use snapbox::cmd::{Command, cargo_bin};
use std::path::{Path, PathBuf};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn genl() -> Command {
    Command::new(cargo_bin!("genl")).current_dir(root())
}

/// The corpus spec of `family`, or `None` after reporting a skip.
fn corpus_spec(test: &str, family: &str) -> Option<PathBuf> {
    let Some(dir) = std::env::var_os("GENL_CORPUS") else {
        skip(test, "GENL_CORPUS is not set");
        return None;
    };
    let path = root().join(dir).join(format!("{family}.yaml"));
    if !path.is_file() {
        skip(test, &format!("{} does not exist", path.display()));
        return None;
    }
    Some(path)
}

/// Whether the kernel has `family` and lets this process dump its policy;
/// reports a skip when not.
fn kernel_has(test: &str, family: &str) -> bool {
    let result = genl_runtime::Connection::new()
        .and_then(|mut c| genl_cli::policy_diff::kernel_policy(&mut c, family));
    match result {
        Ok(_) => true,
        Err(e) => {
            skip(test, &format!("cannot dump the policy of `{family}`: {e}"));
            false
        }
    }
}

/// Runs `genl policy-diff` on `spec`: exit code, stdout, stderr.
fn run(spec: &Path) -> (Option<i32>, String, String) {
    let out = genl()
        .args(["policy-diff".as_ref(), spec.as_os_str()])
        .env("NO_COLOR", "1")
        .output()
        .expect("the genl binary runs");
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn mptcp_pm_agrees_with_the_kernel() {
    let test = "mptcp_pm_agrees_with_the_kernel";
    let Some(spec) = corpus_spec(test, "mptcp_pm") else {
        return;
    };
    if !kernel_has(test, "mptcp_pm") {
        return;
    }
    let (code, stdout, stderr) = run(&spec);
    assert_eq!(stdout, "", "{stderr}");
    assert_eq!(code, Some(0), "{stderr}");
    assert_eq!(stderr, "`mptcp_pm`: spec and kernel agree\n");
}

/// What the corpus netdev spec has that this machine's kernel (6.x, before
/// the spec's newest additions and without page pool statistics) lacks.
const NETDEV_KNOWN: &str = "\
dump page-pool-get: .ifindex: in spec, kernel does not accept it
do page-pool-stats-get: in spec, kernel lacks it
dump page-pool-stats-get: in spec, kernel lacks it
do bind-rx: .rx-page-size: in spec, kernel does not accept it
do napi-set: .threaded: spec max 2, kernel max 1
do queue-create: in spec, kernel lacks it
";

#[test]
fn netdev_differs_from_the_kernel_as_known() {
    let test = "netdev_differs_from_the_kernel_as_known";
    let Some(spec) = corpus_spec(test, "netdev") else {
        return;
    };
    if !kernel_has(test, "netdev") {
        return;
    }
    let (code, stdout, stderr) = run(&spec);
    assert_eq!(stdout, NETDEV_KNOWN, "{stderr}");
    assert_eq!(code, Some(1), "{stderr}");
    assert_eq!(
        stderr,
        "`netdev`: 6 difference(s) between spec and kernel\n"
    );
}

#[test]
fn a_changed_check_is_reported() {
    let test = "a_changed_check_is_reported";
    let Some(spec) = corpus_spec(test, "netdev") else {
        return;
    };
    if !kernel_has(test, "netdev") {
        return;
    }
    let text = std::fs::read_to_string(&spec).unwrap();
    let from = "type: u32\n        checks:\n          max: s32-max\n      -\n        name: gro-flush-timeout";
    assert_eq!(text.matches(from).count(), 1, "netdev.yaml changed shape");
    let altered = text.replace(from, &from.replace("s32-max", "1000"));
    let dir = std::env::temp_dir().join(format!("genl-policy-diff-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("netdev.yaml");
    std::fs::write(&path, altered).unwrap();
    let (code, stdout, stderr) = run(&path);
    let _ = std::fs::remove_dir_all(&dir);
    assert_eq!(code, Some(1), "{stderr}");
    let line = "do napi-set: .defer-hard-irqs: spec max 1000, kernel max 2147483647\n";
    assert!(stdout.contains(line), "{stdout}");
    // Nothing else changes: the known differences plus this one.
    assert_eq!(stdout.replace(line, ""), NETDEV_KNOWN);
}

#[test]
fn a_family_the_kernel_lacks_is_named() {
    let dir = std::env::temp_dir().join(format!("genl-policy-diff-absent-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("absent.yaml");
    std::fs::write(
        &path,
        "name: genl-absent\ndoc: d\nattribute-sets:\n  - name: main\n    attributes:\n      - { name: a, type: u32 }\noperations:\n  list:\n    - { name: get, doc: g, attribute-set: main, do: { request: { attributes: [ a ] } } }\n",
    )
    .unwrap();
    let (code, stdout, stderr) = run(&path);
    let _ = std::fs::remove_dir_all(&dir);
    assert_eq!(code, Some(2), "{stderr}");
    assert_eq!(stdout, "");
    assert!(
        stderr.starts_with("error: the running kernel has no family `genl-absent`"),
        "{stderr}"
    );
}

#[test]
fn an_invalid_spec_gets_located_errors() {
    genl()
        .args(["policy-diff", "genl-spec/tests/spec-fail/unknown-key.yaml"])
        .env("NO_COLOR", "1")
        .assert()
        .code(2)
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
