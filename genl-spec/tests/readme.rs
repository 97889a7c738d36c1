//! The spec shown in the README is valid and free of warnings.

#[test]
fn readme_spec_is_valid() {
    let readme =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../README.md")).unwrap();
    let start = readme
        .find("```yaml\n")
        .expect("a yaml block in the README")
        + "```yaml\n".len();
    let len = readme[start..]
        .find("```")
        .expect("the end of the yaml block");
    let spec = genl_spec::Spec::parse("README.md", &readme[start..start + len])
        .unwrap_or_else(|e| panic!("{}", e.render()));
    assert!(
        spec.warnings().is_empty(),
        "{}",
        spec.warnings().render(spec.source())
    );
    let f = spec.family();
    assert_eq!(
        f.op(f.op_by_name("changed").unwrap()).notify,
        f.op_by_name("get")
    );
}
