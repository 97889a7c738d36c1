//! Every spec of the kernel corpus (`GENL_CORPUS`) and of the project's own
//! `specs/` loads and validates without errors.

mod common;

use genl_spec::Spec;

#[test]
fn corpus_specs_validate() {
    let Some(dir) = common::corpus() else { return };
    let specs = common::corpus_specs(&dir);
    assert!(
        specs.len() >= 10,
        "expected the whole corpus in {}, found {} specs",
        dir.display(),
        specs.len()
    );
    let failures: Vec<String> = specs
        .iter()
        .filter_map(|p| Spec::load(p).err().map(|e| e.render()))
        .collect();
    assert!(
        failures.is_empty(),
        "{} corpus specs failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn project_specs_validate_without_warnings() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../specs");
    let specs = common::corpus_specs(&dir);
    assert!(!specs.is_empty(), "no specs in {}", dir.display());
    for p in specs {
        match Spec::load(&p) {
            Ok(spec) => assert!(
                spec.warnings().is_empty(),
                "{} has warnings:\n{}",
                p.display(),
                spec.warnings().render(spec.source())
            ),
            Err(e) => panic!("{}", e.render()),
        }
    }
}
