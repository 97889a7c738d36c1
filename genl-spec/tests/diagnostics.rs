//! Spec-fail and spec-warn tests: every `*.yaml` under `tests/spec-fail/` must
//! be rejected, every one under `tests/spec-warn/` accepted with warnings, and
//! the rendered diagnostics must equal the `*.stderr` file next to it.
//!
//! A changed message fails the test with a diff (snapbox). To accept new
//! output, run `SNAPSHOTS=overwrite cargo test -p genl-spec --test diagnostics`
//! and review the changed `.stderr` files.

use genl_spec::Spec;
use std::path::{Path, PathBuf};

fn cases(dir: &str) -> Vec<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests")
        .join(dir);
    let mut out: Vec<PathBuf> = std::fs::read_dir(&root)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", root.display()))
        .map(|e| e.expect("directory entry").path())
        .collect();
    out.sort();
    // Every expectation belongs to a spec.
    for p in &out {
        if p.extension().is_some_and(|e| e == "stderr") {
            assert!(
                p.with_extension("yaml").exists(),
                "{} has no spec beside it",
                p.display()
            );
        }
    }
    out.retain(|p| p.extension().is_some_and(|e| e == "yaml"));
    out
}

/// Renders a case under a stable, relative path so that expectations do not
/// depend on where the repository is checked out.
fn render(dir: &str, path: &Path) -> (bool, String) {
    let text = std::fs::read_to_string(path).expect("readable case");
    let shown = format!(
        "tests/{dir}/{}",
        path.file_name().unwrap().to_string_lossy()
    );
    match Spec::parse(&shown, text) {
        Ok(spec) => (true, spec.warnings().render(spec.source())),
        Err(e) => (false, e.render()),
    }
}

fn run(dir: &str, expect_ok: bool) {
    let cases = cases(dir);
    assert!(!cases.is_empty(), "no cases in tests/{dir}");
    let assert = snapbox::Assert::new().action_env(snapbox::assert::DEFAULT_ACTION_ENV);
    let mut failures = Vec::new();
    for path in &cases {
        let (ok, rendered) = render(dir, path);
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        if ok != expect_ok {
            failures.push(format!(
                "{name}: expected the spec to be {}, but it was {}\n{rendered}",
                if expect_ok { "accepted" } else { "rejected" },
                if ok { "accepted" } else { "rejected" },
            ));
            continue;
        }
        if expect_ok && rendered.is_empty() {
            failures.push(format!("{name}: expected warnings, found none"));
            continue;
        }
        let expected = snapbox::Data::read_from(&path.with_extension("stderr"), None).raw();
        if let Err(e) = assert.try_eq(Some(&name), snapbox::Data::text(rendered).raw(), expected) {
            failures.push(format!("{name}: {e}"));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} cases failed (SNAPSHOTS=overwrite to accept new output):\n\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n\n")
    );
}

#[test]
fn spec_fail() {
    run("spec-fail", false);
}

#[test]
fn spec_warn() {
    run("spec-warn", true);
}
