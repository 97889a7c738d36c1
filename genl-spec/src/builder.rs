//! The build-script entry point, in the manner of prost-build.

use crate::codegen::{self, Options};
use crate::{Spec, SpecError};
use std::path::{Path, PathBuf};

/// Generates Rust for specs from a build script (`build.rs`).
///
/// Each spec becomes `<family>.rs` in `OUT_DIR` (written only when its
/// contents change), to be included with `genl_runtime::include_family!`.
/// Every spec read is reported with `cargo:rerun-if-changed`. A spec with
/// errors fails the build with the same located diagnostics as `genl check`.
///
/// ```no_run
/// // build.rs
/// fn main() -> Result<(), Box<dyn std::error::Error>> {
///     genl_spec::Builder::new().spec("specs/ovs_datapath.yaml").generate()?;
///     Ok(())
/// }
/// ```
/// ```ignore
/// // src/lib.rs
/// pub mod ovs_datapath {
///     genl_runtime::include_family!("ovs_datapath");
/// }
/// ```
#[derive(Clone, Debug, Default)]
pub struct Builder {
    specs: Vec<PathBuf>,
    out_dir: Option<PathBuf>,
    options: Options,
}

/// Why [`Builder::generate`] failed.
#[derive(Debug)]
pub enum BuildError {
    /// A spec is invalid; the diagnostics say why and where.
    Spec(Box<SpecError>),
    /// Writing the output failed.
    Io(PathBuf, std::io::Error),
    /// Neither [`Builder::out_dir`] nor `OUT_DIR` says where to write.
    NoOutDir,
    /// An option does not fit the spec it applies to.
    Option(String),
}

impl std::fmt::Display for BuildError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            BuildError::Spec(e) => write!(f, "{e}"),
            BuildError::Io(p, e) => write!(f, "cannot write `{}`: {e}", p.display()),
            BuildError::Option(e) => f.write_str(e),
            BuildError::NoOutDir => {
                f.write_str("OUT_DIR is not set: call Builder::out_dir or run from a build script")
            }
        }
    }
}

impl std::error::Error for BuildError {}

impl Builder {
    /// A builder with no specs.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a spec file.
    pub fn spec(mut self, path: impl AsRef<Path>) -> Self {
        self.specs.push(path.as_ref().to_owned());
        self
    }

    /// Adds several spec files.
    pub fn specs(mut self, paths: impl IntoIterator<Item = impl AsRef<Path>>) -> Self {
        self.specs
            .extend(paths.into_iter().map(|p| p.as_ref().to_owned()));
        self
    }

    /// Types the attribute `set.attr` (spec names) with a set generated
    /// elsewhere; see [`Options::with_extern_set`].
    ///
    /// ```no_run
    /// genl_spec::Builder::new()
    ///     .spec("specs/ovs_flow.yaml")
    ///     .spec("specs/ovs_packet.yaml")
    ///     .extern_set("packet-attrs.key", "crate::ovs_flow::KeyAttrs")
    ///     .generate()
    ///     .unwrap();
    /// ```
    pub fn extern_set(mut self, set_attr: &str, rust_path: &str) -> Self {
        self.options = self.options.with_extern_set(set_attr, rust_path);
        self
    }

    /// Derives `arbitrary::Arbitrary` for the generated types behind the
    /// including crate's `arbitrary` feature; see [`Options::with_arbitrary`].
    ///
    /// ```no_run
    /// genl_spec::Builder::new()
    ///     .spec("specs/nlctrl.yaml")
    ///     .arbitrary(true)
    ///     .generate()
    ///     .unwrap();
    /// ```
    pub fn arbitrary(mut self, on: bool) -> Self {
        self.options = self.options.with_arbitrary(on);
        self
    }

    /// Also generates an `AsyncClient` per family (needs genl-runtime's
    /// `tokio` feature); see [`Options::with_async_client`].
    pub fn async_client(mut self, on: bool) -> Self {
        self.options = self.options.with_async_client(on);
        self
    }

    /// Implements serde's `Serialize` and `Deserialize` for the generated
    /// types, in the JSON conventions of the kernel's YNL CLI, behind the
    /// including crate's `serde` feature; see [`Options::with_serde`].
    ///
    /// ```no_run
    /// genl_spec::Builder::new()
    ///     .spec("specs/nlctrl.yaml")
    ///     .serde(true)
    ///     .generate()
    ///     .unwrap();
    /// ```
    pub fn serde(mut self, on: bool) -> Self {
        self.options = self.options.with_serde(on);
        self
    }

    /// Gives every generated struct of attributes a borrowing view,
    /// `<Name>View<'a>`, that reads a message in place without allocating;
    /// see [`Options::with_views`].
    ///
    /// ```no_run
    /// genl_spec::Builder::new()
    ///     .spec("specs/ovs_flow.yaml")
    ///     .views(true)
    ///     .generate()
    ///     .unwrap();
    /// ```
    pub fn views(mut self, on: bool) -> Self {
        self.options = self.options.with_views(on);
        self
    }

    /// Generates the attribute set `set` (a spec name) as an ordered list:
    /// an enum with one variant per attribute, nested as `Option<Vec<_>>`;
    /// see [`Options::with_ordered_set`].
    ///
    /// ```no_run
    /// genl_spec::Builder::new()
    ///     .spec("specs/ovs_flow.yaml")
    ///     .ordered_set("action-attrs")
    ///     .generate()
    ///     .unwrap();
    /// ```
    pub fn ordered_set(mut self, set: &str) -> Self {
        self.options = self.options.with_ordered_set(set);
        self
    }

    /// Limits how deep lists of the ordered set `set` may be nested in one
    /// another (at most `levels` below the outermost), checked by the
    /// generated `validate` before a request is sent; see
    /// [`Options::with_max_nesting`]. The set must be an
    /// [ordered set](Builder::ordered_set).
    ///
    /// ```no_run
    /// genl_spec::Builder::new()
    ///     .spec("specs/ovs_flow.yaml")
    ///     .ordered_set("action-attrs")
    ///     .max_nesting("action-attrs", 16)
    ///     .generate()
    ///     .unwrap();
    /// ```
    pub fn max_nesting(mut self, set: &str, levels: usize) -> Self {
        self.options = self.options.with_max_nesting(set, levels);
        self
    }

    /// Writes to `dir` instead of `OUT_DIR`.
    pub fn out_dir(mut self, dir: impl AsRef<Path>) -> Self {
        self.out_dir = Some(dir.as_ref().to_owned());
        self
    }

    /// Generates every spec; returns the files written or left unchanged.
    pub fn generate(&self) -> Result<Vec<PathBuf>, BuildError> {
        let out_dir = match &self.out_dir {
            Some(d) => d.clone(),
            None => std::env::var_os("OUT_DIR")
                .map(PathBuf::from)
                .ok_or(BuildError::NoOutDir)?,
        };
        let mut written = Vec::new();
        // Attribute set names of every family, for checking the extern sets.
        let mut families: Vec<String> = Vec::new();
        for path in &self.specs {
            println!("cargo:rerun-if-changed={}", path.display());
            let spec = Spec::load(path).map_err(|e| BuildError::Spec(Box::new(e)))?;
            for w in spec.warnings().iter() {
                // Warnings reach the developer through cargo without failing the build.
                let at = w
                    .span
                    .map(|s| spec.source().location(s))
                    .unwrap_or_default();
                println!("cargo:warning={at}: {w}");
            }
            self.options
                .check(spec.family())
                .map_err(BuildError::Option)?;
            families.extend(spec.family().attr_sets.iter().map(|s| s.name.clone()));
            let options = self
                .options
                .clone()
                .with_source_name(path.display().to_string());
            let code = codegen::generate(&spec, &options);
            let file = out_dir.join(format!("{}.rs", crate::names::c_lower(&spec.family().name)));
            write_if_changed(&file, &code).map_err(|e| BuildError::Io(file.clone(), e))?;
            written.push(file);
        }
        for set in &self.options.ordered_sets {
            if !families.iter().any(|f| f == set) {
                return Err(BuildError::Option(format!(
                    "ordered set `{set}`: no spec given to this builder has an attribute set `{set}`"
                )));
            }
        }
        for e in &self.options.extern_sets {
            if !families.iter().any(|f| f == &e.set) {
                return Err(BuildError::Option(format!(
                    "extern set `{}.{}`: no spec given to this builder has an attribute set `{}`",
                    e.set, e.attr, e.set
                )));
            }
        }
        Ok(written)
    }
}

/// Writes `contents` unless the file already holds exactly that, so that
/// cargo does not rebuild for nothing.
pub fn write_if_changed(path: &Path, contents: &str) -> std::io::Result<()> {
    if std::fs::read(path).is_ok_and(|old| old == contents.as_bytes()) {
        return Ok(());
    }
    std::fs::write(path, contents)
}
