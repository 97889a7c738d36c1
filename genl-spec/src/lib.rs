//! Load, resolve and validate YNL generic netlink family specs.
//!
//! A spec is a YAML file in the format of the Linux kernel's YNL specs
//! (`Documentation/netlink/specs/*.yaml`), at any of its four levels:
//! `genetlink`, `genetlink-c`, `genetlink-legacy` and `netlink-raw`.
//! [`Spec::load`] reads one and returns either the resolved [`Family`] model,
//! with any warnings, or every problem found, each located at
//! `file:line:col` and rendered in the style of rustc.
//!
//! ```
//! let text = r#"
//! name: demo
//! doc: A demo family.
//! attribute-sets:
//!   - name: main
//!     attributes:
//!       - { name: id, type: u32 }
//!       - { name: label, type: string, checks: { max-len: 15 } }
//! operations:
//!   list:
//!     - name: get
//!       doc: Get a thing.
//!       attribute-set: main
//!       do:
//!         request: { attributes: [ id ] }
//!         reply: { attributes: [ id, label ] }
//! "#;
//! let spec = genl_spec::Spec::parse("demo.yaml", text).expect("a valid spec");
//! let family = spec.family();
//! let main = family.set(family.set_by_name("main").unwrap());
//! assert_eq!(main.attr("label").unwrap().1.value, 2);
//! assert_eq!(family.op(family.op_by_name("get").unwrap()).request_value, Some(1));
//! ```
//!
//! # The data flow
//!
//! 1. [`yaml`]: the text becomes a tree of nodes, each with its span. The YAML
//!    parser is [serde-saphyr](https://docs.rs/serde-saphyr), read through
//!    serde with one generic `Deserialize` impl. It was chosen because it is
//!    maintained, panic-free, bounds nesting and alias expansion by default,
//!    and reports a line, a column and a byte span for every node (its
//!    `Spanned<T>`), which diagnostics need. serde_yaml is deprecated and has
//!    no positions for values; marked-yaml keeps positions but reads every
//!    scalar as a string, losing the difference between `1` and `"1"` that
//!    the format's schemas make.
//! 2. [`raw`]: the typed mirror of the format, built from the tree by
//!    [`decode`], which reports every unknown key, wrong type, missing key
//!    and key the spec's protocol level does not allow, and carries on.
//! 3. resolution: numbering as the kernel does it, C and Rust names,
//!    references turned into typed ids, and every check of the format;
//!    then whole-family facts such as which messages reach a set
//!    ([`model::AttrSet::usage`]) and which sets are recursive.
//! 4. [`model`]: the immutable result that code generation and the dynamic
//!    client read.
//! 5. [`codegen`]: Rust types annotated with the [`vocab`] that the derives
//!    of genl-derive implement; [`Builder`] runs it from a build script.
#![forbid(unsafe_code)]

mod analysis;
mod builder;
pub mod codegen;
pub mod decode;
pub mod diagnostic;
pub mod model;
pub mod names;
pub mod raw;
mod resolve;
pub mod source;
pub mod vocab;
pub mod yaml;

pub use builder::{BuildError, Builder, write_if_changed};
pub use diagnostic::{Diagnostic, Diagnostics, Severity};
pub use model::Family;
pub use source::Source;

use std::path::Path;

/// A spec that loaded and validated: its family model, its source and its warnings.
#[derive(Debug)]
pub struct Spec {
    source: Source,
    family: Family,
    warnings: Diagnostics,
}

/// A spec that did not load: every problem found, with its source for rendering.
#[derive(Debug)]
pub struct SpecError {
    /// The spec's text, for rendering the diagnostics.
    pub source: Source,
    /// Errors and warnings, in source order.
    pub diagnostics: Diagnostics,
}

impl SpecError {
    /// All diagnostics rendered rustc-style, with a summary line.
    pub fn render(&self) -> String {
        self.diagnostics.render(&self.source)
    }
}

impl std::fmt::Display for SpecError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.render().trim_end())
    }
}

impl std::error::Error for SpecError {}

impl Spec {
    /// Reads and validates a spec file.
    pub fn load(path: impl AsRef<Path>) -> Result<Spec, SpecError> {
        let path = path.as_ref();
        match Source::read(path) {
            Ok(source) => Spec::from_source(source),
            Err(e) => {
                let source = Source::new(path, "");
                let mut diagnostics = Diagnostics::new();
                diagnostics.push(Diagnostic::new(
                    Severity::Error,
                    None,
                    format!("cannot read `{}`: {e}", path.display()),
                ));
                Err(SpecError {
                    source,
                    diagnostics,
                })
            }
        }
    }

    /// Validates a spec given as text; `path` is only used in messages.
    pub fn parse(path: impl AsRef<Path>, text: impl Into<String>) -> Result<Spec, SpecError> {
        Spec::from_source(Source::new(path.as_ref(), text))
    }

    /// Validates a spec from a [`Source`].
    pub fn from_source(source: Source) -> Result<Spec, SpecError> {
        let mut diags = Diagnostics::new();
        let family = match yaml::parse(&source) {
            Ok(root) => {
                raw::decode(&root, &mut diags).and_then(|spec| resolve::resolve(&spec, &mut diags))
            }
            Err(d) => {
                diags.push(*d);
                None
            }
        };
        diags.sort();
        match family {
            Some(family) if !diags.has_errors() => Ok(Spec {
                source,
                family,
                warnings: diags,
            }),
            _ => Err(SpecError {
                source,
                diagnostics: diags,
            }),
        }
    }

    /// The resolved family.
    pub fn family(&self) -> &Family {
        &self.family
    }

    /// The spec's text.
    pub fn source(&self) -> &Source {
        &self.source
    }

    /// Warnings found while validating (the spec is usable).
    pub fn warnings(&self) -> &Diagnostics {
        &self.warnings
    }
}
