//! Derive macros of genl: typed generic netlink messages from plain Rust
//! types annotated with `#[genl(...)]`.
//!
//! - [`macro@GenlMessage`] on a struct of attributes (one attribute set of a
//!   spec): encoder, exact length, one-pass decoder, static policy table and
//!   policy checks.
//! - [`macro@GenlStruct`] on a fixed C struct carried in a `binary` attribute.
//! - [`macro@GenlEnum`] on an enum of a spec, with a variant for the values the
//!   spec does not list.
//!
//! The code generator of `genl-spec` emits exactly these annotated types, so
//! this crate is the one place where encoding code is produced; the
//! annotations are read only through the shared vocabulary of
//! `genl_spec::vocab`, whose documentation is the reference of the grammar.
//! The generated code calls `genl-runtime` by absolute paths
//! (`::genl_runtime::...`), so a crate using the derives depends on
//! `genl-runtime`, which re-exports them.
//!
//! Errors are reported all at once, each at the tokens it is about; a type
//! that does not fit its annotation is reported at the field's type.
//!
//! ```
//! use genl_runtime::{GenlEnum, GenlMessage, GenlStruct, wire::Be};
//!
//! #[derive(Clone, Copy, Debug, PartialEq, GenlEnum)]
//! enum Colour {
//!     #[genl(value = 0)]
//!     Red,
//!     #[genl(value = 1)]
//!     Green,
//!     #[genl(unknown)]
//!     Unknown(u64),
//! }
//!
//! #[derive(Clone, Copy, Debug, PartialEq, GenlStruct)]
//! struct Endpoint {
//!     #[genl(u32, be)]
//!     addr: Be<u32>,
//!     #[genl(u16, be)]
//!     port: Be<u16>,
//!     #[genl(pad, len = 2)]
//!     pad: [u8; 2],
//! }
//!
//! #[derive(Debug, Default, PartialEq, GenlMessage)]
//! #[genl(set = "main")]
//! struct Main {
//!     #[genl(id = 1, u32, min = 1)]
//!     id: Option<u32>,
//!     #[genl(id = 2, string, max_len = 15)]
//!     label: Option<String>,
//!     #[genl(id = 3, u8, enum_)]
//!     colour: Option<Colour>,
//!     #[genl(id = 4, binary, struct_)]
//!     endpoint: Option<Endpoint>,
//!     #[genl(id = 5, nest, multi_attr)]
//!     children: Vec<Main>,
//!     #[genl(unknown)]
//!     unknown: Vec<genl_runtime::UnknownAttr>,
//! }
//!
//! let m = Main {
//!     id: Some(7),
//!     label: Some("seven".into()),
//!     colour: Some(Colour::Green),
//!     children: vec![Main { id: Some(8), ..Main::default() }],
//!     ..Main::default()
//! };
//! let bytes = m.to_bytes();
//! assert_eq!(bytes.len(), m.encoded_len());
//! assert_eq!(Main::decode(&bytes).unwrap(), m);
//! assert!(m.validate().is_ok());
//! let bad = Main { id: Some(0), ..Main::default() };
//! assert_eq!(bad.validate().unwrap_err().path_string(), ".id");
//! ```
#![forbid(unsafe_code)]

mod codec;
mod cstruct;
mod enumeration;
mod input;
mod message;
mod types;

/// Implements `genl_runtime::GenlMessage` for a struct of attributes.
///
/// The struct may carry `#[genl(set = "spec-name")]` (by default its name),
/// the name of its policy table. Each field is `#[genl(id = N, <wire type>,
/// options...)]` or the catch-all `#[genl(unknown)]`
/// (`Vec<genl_runtime::UnknownAttr>`). The field's type follows from the
/// annotation:
///
/// | annotation | field |
/// |---|---|
/// | `flag` | `bool` |
/// | `multi_attr` | `Vec<E>`, one attribute per element, in order |
/// | `indexed_array, sub_type = nest` or `= u32` … | `Vec<E>`, one attribute; empty writes nothing |
/// | anything else | `Option<E>`; for `nest` also `Option<Box<E>>` |
///
/// and the element `E` from the wire type: `u8` … `u64`, `s8` … `s64` are
/// the Rust integers (`i8` for `s8`), `Be<uN>` with `be` (a byte has no byte
/// order, so `be` on `u8` changes nothing); with `enum_` a `GenlEnum`, with
/// `flags` a bitflags type of the same width; `uint` is `u64` (or an
/// `enum_`/`flags` type), `sint` `i64`; `string` a `String`; `binary` a
/// `Vec<u8>`, with `struct_` a `GenlStruct` type, with an integer
/// `sub_type` a `Vec` of that integer (`be` on a plain `binary` changes
/// nothing); `nest` a `GenlMessage` type;
/// `nest_type_value` a `genl_runtime::TypeValue<T>`; `bitfield32` a
/// `genl_runtime::Bitfield32`. `pad`, `unused` and `sub_message` are not
/// supported.
///
/// Decoding is one pass over the attributes: a repeated single attribute
/// keeps the last value, as the kernel does; attributes of unknown types go
/// to the `unknown` field, or are skipped; every error names the path of
/// attributes to the failing one. `validate` runs the checks of the
/// annotation (`min`, `max`, `flags_mask`, `min_len`, `max_len`,
/// `exact_len`; strings must have no NUL inside) on every value present,
/// nests included.
#[proc_macro_derive(GenlMessage, attributes(genl))]
pub fn derive_genl_message(input: proc_macro::TokenStream) -> proc_macro::TokenStream {
    let input = syn::parse_macro_input!(input as syn::DeriveInput);
    message::expand(&input).into()
}

/// Implements `genl_runtime::CStruct` for a fixed C struct, laid out member
/// after member as declared, with no implicit padding.
///
/// Each member is `#[genl(u16)]` (field `u16`), `#[genl(u16, be)]` (field
/// `Be<u16>`), `#[genl(binary, len = N)]` or `#[genl(string, len = N)]`
/// (field `[u8; N]`), `#[genl(pad, len = N)]` (field `[u8; N]`, written as
/// zeros and read as zeros) or `#[genl(struct_)]` (a field whose type is
/// itself a `CStruct`). Reading a buffer shorter than the struct is a
/// `Truncated` error, never a panic.
#[proc_macro_derive(GenlStruct, attributes(genl))]
pub fn derive_genl_struct(input: proc_macro::TokenStream) -> proc_macro::TokenStream {
    let input = syn::parse_macro_input!(input as syn::DeriveInput);
    cstruct::expand(&input).into()
}

/// Implements `genl_runtime::GenlEnum` for an enum of a spec.
///
/// Every variant is fieldless with `#[genl(value = N)]`, the values all
/// different, except exactly one `#[genl(unknown)]` variant shaped
/// `Unknown(u64)` that keeps the values the spec does not list. The enum
/// must also be `Copy`.
#[proc_macro_derive(GenlEnum, attributes(genl))]
pub fn derive_genl_enum(input: proc_macro::TokenStream) -> proc_macro::TokenStream {
    let input = syn::parse_macro_input!(input as syn::DeriveInput);
    enumeration::expand(&input).into()
}
