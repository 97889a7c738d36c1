//! Applications built on genl: Open vSwitch datapath tools and an upcall
//! handler will live here, each a small program on a generated client.
//! For now the crate shows the first step every such program takes:
//! loading and validating the family spec it is built from.
#![forbid(unsafe_code)]

/// Loads a family spec from the project's `specs/` folder by family name.
///
/// ```
/// let family = genl_examples::project_spec("nlctrl").expect("the project's nlctrl spec is valid");
/// assert_eq!(family.family().name, "nlctrl");
/// ```
pub fn project_spec(name: &str) -> Result<genl_spec::Spec, genl_spec::SpecError> {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../specs")
        .join(format!("{name}.yaml"));
    genl_spec::Spec::load(path)
}
