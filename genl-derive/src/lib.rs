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
//! Every method the derives write is `#[inline]`. As for generic code, its
//! machine code is then made in the crate that calls it, for what that crate
//! calls, and not in the crate that defines the types: a crate of many
//! families compiles in less time, and an application compiles the
//! encoders and decoders of the messages it uses (BENCHMARKS.md, B4).
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
mod ordered;
mod sub_message;
mod types;
mod view;

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
/// `Vec<u8>`, with `struct_` a `GenlStruct` type, with `struct_,
/// sub_type = binary` a `Vec` of a `GenlStruct` type (the structs back to
/// back), with an integer `sub_type` a `Vec` of that integer (`be` on a
/// plain `binary` changes nothing); `nest` a `GenlMessage` type;
/// `nest_type_value` a `genl_runtime::TypeValue<T>`; `bitfield32` a
/// `genl_runtime::Bitfield32`; `sub_message, selector = field` a
/// `GenlSubMessage` (`Option<E>` or `Option<Box<E>>`), whose format the
/// value of the selector field names (a single `string` or integer
/// attribute of the same struct). `pad` and `unused` are not supported.
///
/// Decoding is one pass over the attributes: a repeated single attribute
/// keeps the last value, as the kernel does; attributes of unknown types go
/// to the `unknown` field, or are skipped; every error names the path of
/// attributes to the failing one. `validate` runs the checks of the
/// annotation (`min`, `max`, `flags_mask`, `min_len`, `max_len`,
/// `exact_len`; strings must have no NUL inside) on every value present,
/// nests included. A sub-message is read after the loop, once its selector
/// is known, and `validate` also checks that its format is the one its
/// selector names.
///
/// With `#[genl(set = "...", view)]` the derive also writes
/// `<Name>View<'a>`, a borrowing view that indexes a buffer's attribute
/// headers in one pass (a fixed-size array, no heap) and reads each field in
/// place through an accessor of the field's name: `bool` for a flag,
/// `Result<Option<T>, DecodeError>` for a single attribute (`&'a str`,
/// `&'a [u8]`, integers and C structs by value, nests as the views of their
/// sets, which must be marked `view` too), iterators for repeated attributes
/// and arrays; `to_owned()` reads every field into the owned struct. A
/// sub-message is read as its payload bytes for now. See
/// `genl_runtime::view`.
#[proc_macro_derive(GenlMessage, attributes(genl))]
pub fn derive_genl_message(input: proc_macro::TokenStream) -> proc_macro::TokenStream {
    let input = syn::parse_macro_input!(input as syn::DeriveInput);
    let mut out = message::expand(&input);
    out.extend(view::expand(&input));
    out.into()
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

/// Implements `genl_runtime::GenlAttr` for the enum of an ordered attribute
/// set: one variant per attribute, so that a `Vec` of the enum (a
/// `GenlMessage`) keeps the order of the attributes across their types.
///
/// The enum may carry `#[genl(set = "spec-name")]` (by default its name).
/// Each variant takes the options of a `GenlMessage` field but
/// `multi_attr` (every attribute is an element of its own) and holds the
/// value in one unnamed field: `#[genl(id = 1, u32)] Output(u32)`, a
/// `GenlMessage` for a `nest` (or `Box` of one), a `Vec` for an
/// `indexed_array`; a `flag` is a unit variant. The spec name of a variant
/// is its identifier in kebab case unless `name = "..."` says otherwise.
/// One variant may be `#[genl(unknown)] Unknown(genl_runtime::UnknownAttr)`,
/// which keeps attributes of other types (they are skipped without it).
/// Sub-messages are not supported: their selector would be another element.
///
/// ```
/// use genl_runtime::{GenlAttr, GenlMessage};
///
/// #[derive(Clone, Debug, PartialEq, GenlAttr)]
/// #[genl(set = "action-attrs")]
/// enum Action {
///     #[genl(id = 1, u32)]
///     Output(u32),
///     #[genl(id = 5, flag)]
///     PopVlan,
///     #[genl(id = 20, nest)]
///     Clone(Vec<Action>),
///     #[genl(unknown)]
///     Unknown(genl_runtime::UnknownAttr),
/// }
///
/// let actions = vec![Action::Output(1), Action::PopVlan, Action::Output(2)];
/// let bytes = actions.to_bytes();
/// assert_eq!(Vec::<Action>::decode(&bytes).unwrap(), actions);
/// ```
#[proc_macro_derive(GenlAttr, attributes(genl))]
pub fn derive_genl_attr(input: proc_macro::TokenStream) -> proc_macro::TokenStream {
    let input = syn::parse_macro_input!(input as syn::DeriveInput);
    ordered::expand(&input).into()
}

/// Implements `genl_runtime::GenlSubMessage` for the enum of a
/// sub-message's formats.
///
/// Each variant is a format, `#[genl(value = "bridge")]` (or an integer,
/// for an integer selector), with `fixed_header` when its first field is
/// the format's fixed header (a `CStruct`); its last field is the format's
/// attribute set (a `GenlMessage`), and a format with neither is a unit
/// variant. Exactly one variant is `#[genl(unknown)] Unknown(Vec<u8>)`: the
/// payload of a format the enum does not list, or of any format when the
/// selector is absent. The struct holding the sub-message names its
/// selector: `#[genl(id = 2, sub_message, selector = kind)]`.
///
/// ```
/// use genl_runtime::{GenlMessage, GenlSubMessage};
///
/// #[derive(Clone, Debug, Default, PartialEq, GenlMessage)]
/// struct BridgeAttrs {
///     #[genl(id = 1, u16)]
///     port: Option<u16>,
/// }
///
/// #[derive(Clone, Debug, PartialEq, GenlSubMessage)]
/// enum Data {
///     #[genl(value = "bridge")]
///     Bridge(BridgeAttrs),
///     #[genl(value = "dummy")]
///     Dummy,
///     #[genl(unknown)]
///     Unknown(Vec<u8>),
/// }
///
/// #[derive(Clone, Debug, Default, PartialEq, GenlMessage)]
/// struct Link {
///     #[genl(id = 1, string)]
///     kind: Option<String>,
///     #[genl(id = 2, sub_message, selector = kind)]
///     data: Option<Data>,
/// }
///
/// let link = Link {
///     kind: Some("bridge".into()),
///     data: Some(Data::Bridge(BridgeAttrs { port: Some(7) })),
/// };
/// assert_eq!(Link::decode(&link.to_bytes()).unwrap(), link);
/// let wrong = Link { kind: Some("dummy".into()), ..link };
/// assert_eq!(
///     wrong.validate().unwrap_err().to_string(),
///     r#".data: the format is for kind "bridge", but kind is "dummy""#
/// );
/// ```
#[proc_macro_derive(GenlSubMessage, attributes(genl))]
pub fn derive_genl_sub_message(input: proc_macro::TokenStream) -> proc_macro::TokenStream {
    let input = syn::parse_macro_input!(input as syn::DeriveInput);
    sub_message::expand(&input).into()
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
