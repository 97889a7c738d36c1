//! Including code that a build script generated.

/// Includes the module body that [`genl_spec::Builder`] generated for a
/// family in `OUT_DIR`, by the family's name (`-` written `_`).
///
/// ```ignore
/// pub mod nlctrl {
///     genl_runtime::include_family!("nlctrl");
/// }
/// ```
///
/// [`genl_spec::Builder`]: https://docs.rs/genl-spec
#[macro_export]
macro_rules! include_family {
    ($family:literal) => {
        include!(concat!(env!("OUT_DIR"), "/", $family, ".rs"));
    };
}
