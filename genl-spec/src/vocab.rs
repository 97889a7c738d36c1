//! The `#[genl(...)]` vocabulary: the one definition of the annotations that
//! the code generator writes and `#[derive(GenlMessage)]` (and its companion
//! derives) read.
//!
//! Each annotation is a plain struct here, with a parser from a
//! [`syn::Attribute`] that collects every problem with its span, and a
//! printer back to tokens; a round-trip test keeps the two in step.
//!
//! On a struct of attributes (`#[derive(GenlMessage)]`):
//! ```text
//! #[genl(set = "ctrl-attrs")]
//! pub struct CtrlAttrs {
//!     #[genl(id = 1, u16)]
//!     pub family_id: Option<u16>,
//!     #[genl(id = 2, string, max_len = 15)]
//!     pub family_name: Option<String>,
//!     #[genl(id = 6, indexed_array, sub_type = nest)]
//!     pub ops: Vec<OpAttrs>,
//!     #[genl(unknown)]
//!     pub unknown: Vec<genl_runtime::UnknownAttr>,
//! }
//! ```
//! On the struct, `set = "..."` is the spec name of the attribute set (by
//! default the struct's name), and `view` asks for a borrowing view as well,
//! `<Name>View<'a>`, that reads the attributes in place
//! (`genl_runtime::view`).
//!
//! On a field, the wire type is one of the spec's attribute types with `-`
//! written `_` (`u8` … `s64`, `uint`, `sint`, `flag`, `string`, `binary`,
//! `nest`, `indexed_array`, `nest_type_value`, `bitfield32`); the options are
//! `id = N` (the attribute type number), `name = "spec-name"` (for error
//! paths; by default the field name with `_` as `-`), `be` (big-endian),
//! `multi_attr`, `sub_type = T` (element type of an array), `enum_` (the field's
//! type is a [`GenlEnum`](#enums)), `flags` (the field's type is a bitflags
//! type), `struct_` (a binary attribute holding a C struct), the checks `min`,
//! `max`, `min_len`, `max_len`, `exact_len`, `flags_mask` (integers) and
//! `unterminated_ok`, and finally `unknown` for the field that keeps
//! attributes the type does not know. A `sub_message` field names the
//! field of the same struct that holds its selector: `#[genl(id = 2,
//! sub_message, selector = kind)]`.
//!
//! # Ordered sets
//! `#[derive(GenlAttr)]` on an enum with one variant per attribute of a set,
//! for sets whose order across attribute types matters (OVS actions); a
//! `Vec` of the enum is the set. The enum takes `#[genl(set = "...")]` as a
//! struct does, and each variant the options of a field, its value being
//! the variant's one field (none for a `flag`):
//! ```text
//! #[genl(set = "action-attrs")]
//! pub enum Action {
//!     #[genl(id = 1, u32)]
//!     Output(u32),
//!     #[genl(id = 5, flag)]
//!     PopVlan,
//!     #[genl(id = 20, nest)]
//!     Clone(Vec<Action>),
//!     #[genl(unknown)]
//!     Unknown(genl_runtime::UnknownAttr),
//! }
//! ```
//! A variant's spec name is its identifier in kebab case ([`variant_spec_name`])
//! unless `name = "..."` says otherwise.
//!
//! # Sub-messages
//! `#[derive(GenlSubMessage)]` on an enum with one variant per format of a
//! sub-message, each `#[genl(value = "bridge")]` (or an integer, for an
//! integer selector), with `fixed_header` when the variant's first field is
//! the format's fixed header; the attribute set, if any, is the last field,
//! and a format with neither is a unit variant. One variant
//! `#[genl(unknown)] Unknown(Vec<u8>)` keeps the payload of other formats.
//!
//! On a C struct (`#[derive(GenlStruct)]`) each field is `#[genl(u16)]`,
//! `#[genl(u16, be)]`, `#[genl(binary, len = 6)]` (a byte array),
//! `#[genl(pad, len = 2)]` or `#[genl(struct_)]`, in order: the struct is laid
//! out as declared.
//!
//! # Enums
//! `#[derive(GenlEnum)]` on a fieldless enum whose variants carry
//! `#[genl(value = N)]`, plus one variant `Unknown(u64)` marked
//! `#[genl(unknown)]` that keeps values the spec does not list. A variant's
//! spec name (for `GenlEnum::name` and JSON) is its identifier in kebab case
//! ([`variant_spec_name`]) unless `name = "..."` says otherwise:
//! `#[genl(value = 5, name = "802.1q")]`.

use proc_macro2::{Span, TokenStream};
use quote::{ToTokens, quote};

use crate::raw::AttrType;

/// Collects errors, each with its span, to be reported together.
#[derive(Debug, Default)]
pub struct Errors {
    errors: Vec<syn::Error>,
}

impl Errors {
    /// An empty collection.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds an error at the span of `tokens`.
    pub fn error_at(&mut self, tokens: impl ToTokens, message: impl std::fmt::Display) {
        self.errors.push(syn::Error::new_spanned(tokens, message));
    }

    /// Adds an error.
    pub fn push(&mut self, e: syn::Error) {
        self.errors.push(e);
    }

    /// Whether nothing was collected.
    pub fn is_empty(&self) -> bool {
        self.errors.is_empty()
    }

    /// All errors combined into one, or `Ok` when there are none.
    pub fn finish(self) -> syn::Result<()> {
        let mut iter = self.errors.into_iter();
        match iter.next() {
            None => Ok(()),
            Some(mut first) => {
                for e in iter {
                    first.combine(e);
                }
                Err(first)
            }
        }
    }
}

/// The checks of a field, as numbers.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Checks {
    /// `min = N`
    pub min: Option<i128>,
    /// `max = N`
    pub max: Option<i128>,
    /// `min_len = N`
    pub min_len: Option<u32>,
    /// `max_len = N`
    pub max_len: Option<u32>,
    /// `exact_len = N`
    pub exact_len: Option<u32>,
    /// `flags_mask = N`
    pub flags_mask: Option<u64>,
    /// `unterminated_ok`
    pub unterminated_ok: bool,
}

/// `#[genl(...)]` on a field of a `GenlMessage` struct.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FieldAttr {
    /// Attribute type number.
    pub id: u16,
    /// Wire type.
    pub ty: AttrType,
    /// Spec name, when it differs from the field name with `_` as `-`.
    pub name: Option<String>,
    /// Big-endian integer.
    pub be: bool,
    /// The attribute repeats (the field is a `Vec`).
    pub multi_attr: bool,
    /// Element type of an indexed-array or a binary array.
    pub sub_type: Option<AttrType>,
    /// The field's type is a `GenlEnum`.
    pub enum_: bool,
    /// The field's type is a bitflags type.
    pub flags: bool,
    /// The binary attribute holds a C struct.
    pub struct_: bool,
    /// For a `sub_message`: the field (a Rust identifier, of the same
    /// struct) holding the selector, whose value picks the format.
    pub selector: Option<String>,
    /// Checks.
    pub checks: Checks,
}

/// What a field of a `GenlMessage` struct is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum MessageField {
    /// An attribute.
    Attr(FieldAttr),
    /// The catch-all for attributes the struct does not know.
    Unknown,
}

/// `#[genl(...)]` on a `GenlMessage` struct.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ContainerAttr {
    /// Spec name of the attribute set (`set = "..."`), for policies and paths.
    pub set: Option<String>,
    /// `view`: the derive also writes a borrowing view of the struct,
    /// `<Name>View<'a>` (see `genl_runtime::view`).
    pub view: bool,
    /// `max_nesting = N`, on an ordered set's enum: lists of the set may be
    /// nested in one another at most `N` levels below the outermost, a
    /// limit of the kernel that a spec cannot state; `validate` checks it.
    pub max_nesting: Option<usize>,
}

/// `#[genl(...)]` on a field of a `GenlStruct` (a fixed C struct).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum StructField {
    /// An integer of the given member type, host or big-endian.
    Int {
        /// `u8` … `s64`.
        ty: AttrType,
        /// Big-endian.
        be: bool,
    },
    /// A byte array (`binary, len = N`) or a NUL-padded string (`string, len = N`).
    Bytes {
        /// `binary` or `string`.
        ty: AttrType,
        /// Length in bytes.
        len: u32,
    },
    /// Padding bytes, written as zeros and skipped when read.
    Pad {
        /// Length in bytes.
        len: u32,
    },
    /// A nested C struct.
    Struct,
}

/// `#[genl(...)]` on a variant of a `GenlEnum`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum VariantAttr {
    /// `value = N`, with `name = "..."` when the spec name is not the
    /// identifier in kebab case ([`variant_spec_name`]).
    Value {
        /// The value.
        value: u64,
        /// The spec name, if given.
        name: Option<String>,
    },
    /// `unknown`: the `Unknown(u64)` variant.
    Unknown,
}

/// The selector value of a sub-message's format.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FormatValue {
    /// `value = "bridge"`: for a `string` selector.
    Str(String),
    /// `value = 7`: for an integer selector (an enum's value).
    Int(u64),
}

/// `#[genl(...)]` on a variant of a sub-message's enum (`#[derive(GenlSubMessage)]`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FormatAttr {
    /// `value = ..`, with `fixed_header` when the variant's first field is
    /// the format's fixed header (a `GenlStruct`); the attribute set, if
    /// any, is the field after it.
    Format {
        /// The selector value.
        value: FormatValue,
        /// The first field is a fixed header.
        fixed_header: bool,
    },
    /// `unknown`: the `Unknown(Vec<u8>)` variant, which keeps the payload
    /// of a format the enum does not list.
    Unknown,
}

fn wire_type(ident: &str) -> Option<AttrType> {
    AttrType::from_keyword(&ident.replace('_', "-"))
}

fn type_ident(ty: AttrType) -> syn::Ident {
    syn::Ident::new(&ty.as_str().replace('-', "_"), Span::call_site())
}

/// An identifier, raw (`r#type`) when written so.
fn rust_ident(name: &str) -> syn::Ident {
    match name.strip_prefix("r#") {
        Some(raw) => syn::Ident::new_raw(raw, Span::call_site()),
        None => syn::Ident::new(name, Span::call_site()),
    }
}

/// The spec name a variant of an ordered set's enum has unless its
/// `#[genl(name = "...")]` says otherwise: its identifier in kebab case
/// (`PushVlan` is `push-vlan`).
pub fn variant_spec_name(ident: &str) -> String {
    use heck::ToKebabCase;
    ident.strip_prefix("r#").unwrap_or(ident).to_kebab_case()
}

/// Reads an integer literal, possibly negative.
fn int_value(expr: &syn::Expr) -> Option<i128> {
    match expr {
        syn::Expr::Lit(syn::ExprLit {
            lit: syn::Lit::Int(i),
            ..
        }) => i.base10_parse().ok(),
        syn::Expr::Unary(syn::ExprUnary {
            op: syn::UnOp::Neg(_),
            expr,
            ..
        }) => int_value(expr).map(|v| -v),
        syn::Expr::Group(g) => int_value(&g.expr),
        syn::Expr::Paren(p) => int_value(&p.expr),
        _ => None,
    }
}

fn lit(v: i128) -> TokenStream {
    if v < 0 {
        let abs = proc_macro2::Literal::u128_unsuffixed(v.unsigned_abs());
        quote!(-#abs)
    } else {
        proc_macro2::Literal::u128_unsuffixed(v as u128).into_token_stream()
    }
}

/// The `#[genl]` attributes among `attrs`.
fn genl_attrs(attrs: &[syn::Attribute]) -> impl Iterator<Item = &syn::Attribute> {
    attrs.iter().filter(|a| a.path().is_ident("genl"))
}

/// One `key` or `key = value` of a `#[genl(...)]` list.
struct Item {
    key: syn::Path,
    value: Option<syn::Expr>,
}

/// Splits every `#[genl(...)]` among `attrs` into items; syntax errors go to `errors`.
fn items(attrs: &[syn::Attribute], errors: &mut Errors) -> Vec<Item> {
    let mut out = Vec::new();
    for attr in genl_attrs(attrs) {
        let res = attr.parse_nested_meta(|meta| {
            let value = if meta.input.peek(syn::Token![=]) {
                Some(meta.value()?.parse::<syn::Expr>()?)
            } else {
                None
            };
            out.push(Item {
                key: meta.path,
                value,
            });
            Ok(())
        });
        if let Err(e) = res {
            errors.push(e);
        }
    }
    out
}

impl Item {
    fn name(&self) -> String {
        self.key
            .get_ident()
            .map(ToString::to_string)
            .unwrap_or_default()
    }

    fn int(&self, errors: &mut Errors) -> Option<i128> {
        match &self.value {
            Some(v) => int_value(v).or_else(|| {
                errors.error_at(v, format!("`{}` takes an integer literal", self.name()));
                None
            }),
            None => {
                errors.error_at(
                    &self.key,
                    format!("`{}` needs a value: `{} = ...`", self.name(), self.name()),
                );
                None
            }
        }
    }

    fn int_in<T: TryFrom<i128>>(&self, errors: &mut Errors, what: &str) -> Option<T> {
        let v = self.int(errors)?;
        T::try_from(v).ok().or_else(|| {
            errors.error_at(
                self.value
                    .as_ref()
                    .map_or(&self.key as &dyn ToTokens, |v| v as &dyn ToTokens),
                format!("`{}` must be {what}", self.name()),
            );
            None
        })
    }

    fn flag(&self, errors: &mut Errors) -> bool {
        if let Some(v) = &self.value {
            errors.error_at(v, format!("`{}` takes no value", self.name()));
        }
        true
    }

    fn string(&self, errors: &mut Errors) -> Option<String> {
        match &self.value {
            Some(syn::Expr::Lit(syn::ExprLit {
                lit: syn::Lit::Str(s),
                ..
            })) => Some(s.value()),
            Some(v) => {
                errors.error_at(v, format!("`{}` takes a string literal", self.name()));
                None
            }
            None => {
                errors.error_at(
                    &self.key,
                    format!(
                        "`{}` needs a value: `{} = \"...\"`",
                        self.name(),
                        self.name()
                    ),
                );
                None
            }
        }
    }

    /// A Rust identifier (`selector = kind`, `selector = r#type`).
    fn ident(&self, errors: &mut Errors) -> Option<String> {
        match &self.value {
            Some(syn::Expr::Path(p)) if p.qself.is_none() && p.path.get_ident().is_some() => {
                p.path.get_ident().map(ToString::to_string)
            }
            other => {
                errors.error_at(
                    other
                        .as_ref()
                        .map_or(&self.key as &dyn ToTokens, |v| v as &dyn ToTokens),
                    format!(
                        "`{}` takes the name of a field: `{} = field`",
                        self.name(),
                        self.name()
                    ),
                );
                None
            }
        }
    }

    fn wire_type(&self, errors: &mut Errors) -> Option<AttrType> {
        let ident = match &self.value {
            Some(syn::Expr::Path(p)) => p.path.get_ident().map(ToString::to_string),
            _ => None,
        };
        match ident.as_deref().and_then(wire_type) {
            Some(t) => Some(t),
            None => {
                errors.error_at(
                    self.value
                        .as_ref()
                        .map_or(&self.key as &dyn ToTokens, |v| v as &dyn ToTokens),
                    format!(
                        "`{}` takes a wire type such as `u32` or `nest`",
                        self.name()
                    ),
                );
                None
            }
        }
    }
}

/// Reports a repeated key.
fn once<T>(slot: &mut Option<T>, value: Option<T>, item: &Item, errors: &mut Errors) {
    if slot.is_some() {
        errors.error_at(&item.key, format!("`{}` is given twice", item.name()));
    } else {
        *slot = value;
    }
}

impl MessageField {
    /// Reads the `#[genl(...)]` of a field; `None` (with errors) when unusable.
    pub fn parse(field: &syn::Field, errors: &mut Errors) -> Option<MessageField> {
        let name = field
            .ident
            .as_ref()
            .map_or(field.ty.to_token_stream(), ToTokens::to_token_stream);
        Self::parse_attrs(&field.attrs, name, field, "field", errors)
    }

    /// Reads the `#[genl(...)]` of a variant of an ordered set's enum
    /// (`#[derive(GenlAttr)]`), which takes the options of a field.
    pub fn parse_variant(variant: &syn::Variant, errors: &mut Errors) -> Option<MessageField> {
        Self::parse_attrs(
            &variant.attrs,
            variant.ident.to_token_stream(),
            variant,
            "variant",
            errors,
        )
    }

    /// Reads `attrs`; errors about the item as a whole point at `name`, or
    /// at `whole`; `what` is `field` or `variant`.
    fn parse_attrs(
        attrs: &[syn::Attribute],
        name: TokenStream,
        whole: impl ToTokens,
        what: &str,
        errors: &mut Errors,
    ) -> Option<MessageField> {
        let items = items(attrs, errors);
        if items.is_empty() {
            errors.error_at(
                name,
                format!("every {what} needs `#[genl(id = N, <wire type>)]` or `#[genl(unknown)]`"),
            );
            return None;
        }
        if items.iter().any(|i| i.key.is_ident("unknown")) {
            for i in items.iter().filter(|i| !i.key.is_ident("unknown")) {
                errors.error_at(&i.key, "`unknown` takes no other options");
            }
            return Some(MessageField::Unknown);
        }
        let mut id = None;
        let mut ty = None;
        let mut f = FieldAttr {
            id: 0,
            ty: AttrType::Unused,
            name: None,
            be: false,
            multi_attr: false,
            sub_type: None,
            enum_: false,
            flags: false,
            struct_: false,
            selector: None,
            checks: Checks::default(),
        };
        // Set when an option is not one of the vocabulary's (already reported).
        let mut unknown_written = false;
        let c = &mut f.checks;
        for item in &items {
            let name = item.name();
            match name.as_str() {
                "id" => once(
                    &mut id,
                    item.int_in::<u16>(errors, "an attribute type from 0 to 16383"),
                    item,
                    errors,
                ),
                "name" => once(&mut f.name, item.string(errors), item, errors),
                "be" => f.be = item.flag(errors),
                "multi_attr" => f.multi_attr = item.flag(errors),
                "enum_" => f.enum_ = item.flag(errors),
                "flags" => f.flags = item.flag(errors),
                "struct_" => f.struct_ = item.flag(errors),
                "unterminated_ok" => c.unterminated_ok = item.flag(errors),
                "sub_type" => once(&mut f.sub_type, item.wire_type(errors), item, errors),
                "selector" => once(&mut f.selector, item.ident(errors), item, errors),
                "min" => once(&mut c.min, item.int(errors), item, errors),
                "max" => once(&mut c.max, item.int(errors), item, errors),
                "min_len" => once(
                    &mut c.min_len,
                    item.int_in(errors, "a length below 2^32"),
                    item,
                    errors,
                ),
                "max_len" => once(
                    &mut c.max_len,
                    item.int_in(errors, "a length below 2^32"),
                    item,
                    errors,
                ),
                "exact_len" => once(
                    &mut c.exact_len,
                    item.int_in(errors, "a length below 2^32"),
                    item,
                    errors,
                ),
                "flags_mask" => once(
                    &mut c.flags_mask,
                    item.int_in(errors, "a mask below 2^64"),
                    item,
                    errors,
                ),
                other => match wire_type(other) {
                    Some(t) if item.value.is_none() => once(&mut ty, Some(t), item, errors),
                    _ => {
                        unknown_written = true;
                        errors.error_at(
                            &item.key,
                            format!("unknown option `{other}` in `#[genl(...)]`"),
                        )
                    }
                },
            }
        }
        // Keys that were written but wrong are reported already.
        let id_written = items.iter().any(|i| i.key.is_ident("id"));
        match (id, ty) {
            (None, _) | (_, None)
                if (id.is_none() && id_written) || (ty.is_none() && unknown_written) =>
            {
                None
            }
            (Some(id), Some(ty)) if id <= 0x3fff => {
                f.id = id;
                f.ty = ty;
                Some(MessageField::Attr(f))
            }
            (Some(_), Some(_)) => {
                errors.error_at(whole, "attribute type numbers go up to 16383");
                None
            }
            (None, _) => {
                errors.error_at(name, "missing `id = N`: the attribute type number");
                None
            }
            (_, None) => {
                errors.error_at(
                    name,
                    "missing the wire type, such as `u32`, `string` or `nest`",
                );
                None
            }
        }
    }
}

impl ToTokens for MessageField {
    fn to_tokens(&self, out: &mut TokenStream) {
        let f = match self {
            MessageField::Unknown => return out.extend(quote!(#[genl(unknown)])),
            MessageField::Attr(f) => f,
        };
        let id = proc_macro2::Literal::u16_unsuffixed(f.id);
        let ty = type_ident(f.ty);
        let mut opts = vec![quote!(id = #id), quote!(#ty)];
        if let Some(n) = &f.name {
            opts.push(quote!(name = #n));
        }
        for (on, word) in [
            (f.be, "be"),
            (f.multi_attr, "multi_attr"),
            (f.enum_, "enum_"),
            (f.flags, "flags"),
            (f.struct_, "struct_"),
        ] {
            if on {
                let w = syn::Ident::new(word, Span::call_site());
                opts.push(quote!(#w));
            }
        }
        if let Some(st) = f.sub_type {
            let st = type_ident(st);
            opts.push(quote!(sub_type = #st));
        }
        if let Some(sel) = &f.selector {
            let sel = rust_ident(sel);
            opts.push(quote!(selector = #sel));
        }
        let c = &f.checks;
        for (word, v) in [
            ("min", c.min),
            ("max", c.max),
            ("min_len", c.min_len.map(i128::from)),
            ("max_len", c.max_len.map(i128::from)),
            ("exact_len", c.exact_len.map(i128::from)),
            ("flags_mask", c.flags_mask.map(i128::from)),
        ] {
            if let Some(v) = v {
                let w = syn::Ident::new(word, Span::call_site());
                let v = lit(v);
                opts.push(quote!(#w = #v));
            }
        }
        if c.unterminated_ok {
            opts.push(quote!(unterminated_ok));
        }
        out.extend(quote!(#[genl(#(#opts),*)]));
    }
}

impl ContainerAttr {
    /// Reads the `#[genl(...)]` of a struct.
    pub fn parse(attrs: &[syn::Attribute], errors: &mut Errors) -> ContainerAttr {
        let mut out = ContainerAttr::default();
        for item in items(attrs, errors) {
            match item.name().as_str() {
                "set" => once(&mut out.set, item.string(errors), &item, errors),
                "view" => out.view = item.flag(errors),
                "max_nesting" => once(
                    &mut out.max_nesting,
                    item.int_in::<usize>(errors, "a number of levels"),
                    &item,
                    errors,
                ),
                other => errors.error_at(
                    &item.key,
                    format!(
                        "unknown option `{other}` in `#[genl(...)]` on a struct; expected `set`, \
                         `view` or `max_nesting`"
                    ),
                ),
            }
        }
        out
    }
}

impl ToTokens for ContainerAttr {
    fn to_tokens(&self, out: &mut TokenStream) {
        let mut opts = Vec::new();
        if let Some(set) = &self.set {
            opts.push(quote!(set = #set));
        }
        if self.view {
            opts.push(quote!(view));
        }
        if let Some(n) = self.max_nesting {
            let n = proc_macro2::Literal::usize_unsuffixed(n);
            opts.push(quote!(max_nesting = #n));
        }
        if !opts.is_empty() {
            out.extend(quote!(#[genl(#(#opts),*)]));
        }
    }
}

impl StructField {
    /// Reads the `#[genl(...)]` of a C struct member.
    pub fn parse(field: &syn::Field, errors: &mut Errors) -> Option<StructField> {
        let items = items(&field.attrs, errors);
        let (mut ty, mut be, mut len, mut nested) = (None, false, None, false);
        for item in &items {
            let name = item.name();
            match name.as_str() {
                "be" => be = item.flag(errors),
                "len" => once(
                    &mut len,
                    item.int_in::<u32>(errors, "a length below 2^32"),
                    item,
                    errors,
                ),
                "struct_" => nested = item.flag(errors),
                "pad" if item.value.is_none() => once(&mut ty, Some(AttrType::Pad), item, errors),
                other => match wire_type(other) {
                    Some(t)
                        if (t.int_width().is_some()
                            || matches!(t, AttrType::Binary | AttrType::String))
                            && item.value.is_none() =>
                    {
                        once(&mut ty, Some(t), item, errors)
                    }
                    _ => errors.error_at(
                        &item.key,
                        format!("unknown option `{other}` for a C struct member"),
                    ),
                },
            }
        }
        let at = field
            .ident
            .as_ref()
            .map_or(field.ty.to_token_stream(), ToTokens::to_token_stream);
        match (ty, nested) {
            (None, true) => Some(StructField::Struct),
            (Some(AttrType::Pad), false) => match len {
                Some(len) => Some(StructField::Pad { len }),
                None => {
                    errors.error_at(at, "`pad` needs `len = N`");
                    None
                }
            },
            (Some(ty @ (AttrType::Binary | AttrType::String)), false) => match len {
                Some(len) => Some(StructField::Bytes { ty, len }),
                None => {
                    errors.error_at(at, format!("`{}` needs `len = N`", ty.as_str()));
                    None
                }
            },
            (Some(ty), false) => {
                if let Some(item) = items.iter().find(|i| i.key.is_ident("len")) {
                    errors.error_at(&item.key, "an integer member has no `len`");
                }
                Some(StructField::Int { ty, be })
            }
            (Some(_), true) => {
                errors.error_at(at, "`struct_` takes no wire type");
                None
            }
            (None, false) => {
                errors.error_at(at, "every member needs `#[genl(<type>)]`: an integer type, `binary, len = N`, `pad, len = N` or `struct_`");
                None
            }
        }
    }
}

impl ToTokens for StructField {
    fn to_tokens(&self, out: &mut TokenStream) {
        out.extend(match self {
            StructField::Int { ty, be: false } => {
                let ty = type_ident(*ty);
                quote!(#[genl(#ty)])
            }
            StructField::Int { ty, be: true } => {
                let ty = type_ident(*ty);
                quote!(#[genl(#ty, be)])
            }
            StructField::Bytes { ty, len } => {
                let ty = type_ident(*ty);
                let len = proc_macro2::Literal::u32_unsuffixed(*len);
                quote!(#[genl(#ty, len = #len)])
            }
            StructField::Pad { len } => {
                let len = proc_macro2::Literal::u32_unsuffixed(*len);
                quote!(#[genl(pad, len = #len)])
            }
            StructField::Struct => quote!(#[genl(struct_)]),
        });
    }
}

impl VariantAttr {
    /// Reads the `#[genl(...)]` of an enum variant.
    pub fn parse(variant: &syn::Variant, errors: &mut Errors) -> Option<VariantAttr> {
        let mut out = None;
        let mut name: Option<(String, syn::Path)> = None;
        for item in items(&variant.attrs, errors) {
            match item.name().as_str() {
                "value" => once(
                    &mut out,
                    item.int_in::<u64>(errors, "a value from 0 to 2^64 - 1")
                        .map(|value| VariantAttr::Value { value, name: None }),
                    &item,
                    errors,
                ),
                "name" => {
                    let n = item.string(errors).map(|n| (n, item.key.clone()));
                    once(&mut name, n, &item, errors);
                }
                "unknown" => once(
                    &mut out,
                    Some(VariantAttr::Unknown).filter(|_| item.flag(errors)),
                    &item,
                    errors,
                ),
                other => errors.error_at(
                    &item.key,
                    format!(
                        "unknown option `{other}` on a variant; expected `value = N`, `name = \"...\"` \
                         or `unknown`"
                    ),
                ),
            }
        }
        match (&mut out, name) {
            (Some(VariantAttr::Value { name, .. }), Some((n, _))) => *name = Some(n),
            (Some(VariantAttr::Unknown), Some((_, key))) => errors.error_at(
                key,
                "the `unknown` variant has no spec name: `name` goes with `value = N`",
            ),
            _ => {}
        }
        if out.is_none() {
            errors.error_at(&variant.ident, "every variant needs `#[genl(value = N)]`, or `#[genl(unknown)]` for the one that keeps other values");
        }
        out
    }
}

impl ToTokens for VariantAttr {
    fn to_tokens(&self, out: &mut TokenStream) {
        out.extend(match self {
            VariantAttr::Value { value, name: None } => {
                let v = proc_macro2::Literal::u64_unsuffixed(*value);
                quote!(#[genl(value = #v)])
            }
            VariantAttr::Value {
                value,
                name: Some(n),
            } => {
                let v = proc_macro2::Literal::u64_unsuffixed(*value);
                quote!(#[genl(value = #v, name = #n)])
            }
            VariantAttr::Unknown => quote!(#[genl(unknown)]),
        });
    }
}

impl FormatAttr {
    /// Reads the `#[genl(...)]` of a sub-message's variant.
    pub fn parse(variant: &syn::Variant, errors: &mut Errors) -> Option<FormatAttr> {
        let (mut value, mut fixed_header, mut unknown) = (None, false, None);
        for item in items(&variant.attrs, errors) {
            match item.name().as_str() {
                "value" => {
                    let v = match &item.value {
                        Some(syn::Expr::Lit(syn::ExprLit {
                            lit: syn::Lit::Str(s),
                            ..
                        })) => Some(FormatValue::Str(s.value())),
                        _ => item
                            .int_in::<u64>(errors, "a string, or an integer from 0 to 2^64 - 1")
                            .map(FormatValue::Int),
                    };
                    once(&mut value, v, &item, errors);
                }
                "fixed_header" => fixed_header = item.flag(errors),
                "unknown" => once(&mut unknown, Some(item.flag(errors)), &item, errors),
                other => errors.error_at(
                    &item.key,
                    format!(
                        "unknown option `{other}` on a sub-message variant; expected \
                         `value = ..`, `fixed_header` or `unknown`"
                    ),
                ),
            }
        }
        match (value, unknown) {
            (Some(value), None) => Some(FormatAttr::Format {
                value,
                fixed_header,
            }),
            (None, Some(_)) if !fixed_header => Some(FormatAttr::Unknown),
            (None, Some(_)) => {
                errors.error_at(
                    &variant.ident,
                    "the `unknown` variant keeps the payload as bytes: it has no `fixed_header`",
                );
                None
            }
            (Some(_), Some(_)) => {
                errors.error_at(
                    &variant.ident,
                    "a variant is a format (`value = ..`) or the `unknown` one, not both",
                );
                None
            }
            (None, None) => {
                errors.error_at(
                    &variant.ident,
                    "every variant needs `#[genl(value = \"...\")]` (or an integer), or \
                     `#[genl(unknown)]` for the one that keeps unlisted formats",
                );
                None
            }
        }
    }
}

impl ToTokens for FormatAttr {
    fn to_tokens(&self, out: &mut TokenStream) {
        out.extend(match self {
            FormatAttr::Format {
                value,
                fixed_header,
            } => {
                let v = match value {
                    FormatValue::Str(s) => s.to_token_stream(),
                    FormatValue::Int(i) => {
                        proc_macro2::Literal::u64_unsuffixed(*i).into_token_stream()
                    }
                };
                if *fixed_header {
                    quote!(#[genl(value = #v, fixed_header)])
                } else {
                    quote!(#[genl(value = #v)])
                }
            }
            FormatAttr::Unknown => quote!(#[genl(unknown)]),
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn field(tokens: TokenStream) -> syn::Field {
        let s: syn::ItemStruct = syn::parse2(quote!(struct S { #tokens x: u32 })).unwrap();
        s.fields.into_iter().next().unwrap()
    }

    #[test]
    fn message_fields_round_trip() {
        let cases = [
            quote!(#[genl(id = 1, u16)]),
            quote!(#[genl(id = 2, string, name = "family-name", max_len = 15, unterminated_ok)]),
            quote!(#[genl(id = 3, u16, be, min = -5, max = 70000)]),
            quote!(#[genl(id = 6, indexed_array, sub_type = nest)]),
            quote!(#[genl(id = 7, nest, multi_attr)]),
            quote!(#[genl(id = 0, binary, struct_, exact_len = 12)]),
            quote!(#[genl(id = 9, u32, enum_, flags, flags_mask = 7)]),
            quote!(#[genl(id = 10, sub_message, selector = kind)]),
            quote!(#[genl(id = 11, sub_message, selector = r#type)]),
            quote!(#[genl(unknown)]),
        ];
        for tokens in cases {
            let mut errors = Errors::new();
            let parsed = MessageField::parse(&field(tokens.clone()), &mut errors).expect("parses");
            assert!(errors.is_empty());
            let printed = parsed.to_token_stream();
            let mut errors = Errors::new();
            assert_eq!(
                MessageField::parse(&field(printed), &mut errors),
                Some(parsed),
                "{tokens}"
            );
        }
    }

    fn variant(tokens: TokenStream) -> syn::Variant {
        let e: syn::ItemEnum = syn::parse2(quote!(enum E { #tokens V(u32) })).unwrap();
        e.variants.into_iter().next().unwrap()
    }

    #[test]
    fn ordered_set_variants_round_trip() {
        for tokens in [
            quote!(#[genl(id = 1, u32)]),
            quote!(#[genl(id = 5, flag, name = "pop-vlan")]),
            quote!(#[genl(id = 4, binary, struct_, exact_len = 4)]),
            quote!(#[genl(unknown)]),
        ] {
            let mut errors = Errors::new();
            let parsed =
                MessageField::parse_variant(&variant(tokens.clone()), &mut errors).expect("parses");
            assert!(errors.is_empty());
            let mut errors = Errors::new();
            assert_eq!(
                MessageField::parse_variant(&variant(parsed.to_token_stream()), &mut errors),
                Some(parsed),
                "{tokens}"
            );
        }
        let mut errors = Errors::new();
        assert!(MessageField::parse_variant(&variant(quote!()), &mut errors).is_none());
        let e = errors.finish().unwrap_err().to_string();
        assert!(e.starts_with("every variant needs"), "{e}");
        assert_eq!(variant_spec_name("PushVlan"), "push-vlan");
        assert_eq!(variant_spec_name("Ipv4Info"), "ipv4-info");
    }

    #[test]
    fn sub_message_variants_round_trip() {
        for tokens in [
            quote!(#[genl(value = "bridge")]),
            quote!(#[genl(value = 7, fixed_header)]),
            quote!(#[genl(value = "vlan", fixed_header)]),
            quote!(#[genl(unknown)]),
        ] {
            let mut errors = Errors::new();
            let parsed = FormatAttr::parse(&variant(tokens.clone()), &mut errors).expect("parses");
            assert!(errors.is_empty());
            let mut errors = Errors::new();
            assert_eq!(
                FormatAttr::parse(&variant(parsed.to_token_stream()), &mut errors),
                Some(parsed),
                "{tokens}"
            );
        }
        for bad in [
            quote!(),
            quote!(#[genl(value = "a", unknown)]),
            quote!(#[genl(value = -1)]),
            quote!(#[genl(value = "a", value = "b")]),
            quote!(#[genl(unknown, fixed_header)]),
            quote!(#[genl(selector = 3)]),
        ] {
            let mut errors = Errors::new();
            let _ = FormatAttr::parse(&variant(bad.clone()), &mut errors);
            assert!(!errors.is_empty(), "{bad}");
        }
    }

    #[test]
    fn container_attrs_round_trip() {
        for tokens in [
            quote!(#[genl(set = "key-attrs")]),
            quote!(#[genl(set = "key-attrs", view)]),
            quote!(#[genl(view)]),
        ] {
            let s: syn::ItemStruct = syn::parse2(quote!(#tokens struct S {})).unwrap();
            let mut errors = Errors::new();
            let parsed = ContainerAttr::parse(&s.attrs, &mut errors);
            assert!(errors.is_empty(), "{tokens}");
            assert_eq!(parsed.to_token_stream().to_string(), tokens.to_string());
        }
    }

    #[test]
    fn every_problem_is_reported() {
        let mut errors = Errors::new();
        let f = field(quote!(#[genl(id = 99999, u33, min = "x", max, be = 1)]));
        assert!(MessageField::parse(&f, &mut errors).is_none());
        let e = errors.finish().unwrap_err();
        let messages: Vec<String> = e.into_iter().map(|e| e.to_string()).collect();
        assert_eq!(messages.len(), 5, "{messages:?}");
    }

    #[test]
    fn struct_fields_and_variants_round_trip() {
        for tokens in [
            quote!(#[genl(u16, be)]),
            quote!(#[genl(binary, len = 6)]),
            quote!(#[genl(pad, len = 2)]),
            quote!(#[genl(struct_)]),
            quote!(#[genl(string, len = 16)]),
        ] {
            let mut errors = Errors::new();
            let parsed = StructField::parse(&field(tokens.clone()), &mut errors).expect("parses");
            let mut errors2 = Errors::new();
            assert_eq!(
                StructField::parse(&field(parsed.to_token_stream()), &mut errors2),
                Some(parsed),
                "{tokens}"
            );
        }
        let e: syn::ItemEnum = syn::parse2(quote!(
            enum E {
                #[genl(value = 3)]
                A,
                #[genl(name = "802.1q", value = 4)]
                B,
                #[genl(unknown)]
                U(u64),
            }
        ))
        .unwrap();
        let mut errors = Errors::new();
        let vs: Vec<_> = e
            .variants
            .iter()
            .map(|v| VariantAttr::parse(v, &mut errors))
            .collect();
        let b = VariantAttr::Value {
            value: 4,
            name: Some("802.1q".into()),
        };
        assert_eq!(
            vs,
            vec![
                Some(VariantAttr::Value {
                    value: 3,
                    name: None
                }),
                Some(b.clone()),
                Some(VariantAttr::Unknown)
            ]
        );
        let v: syn::Variant = syn::parse2(quote!(#b B)).unwrap();
        assert_eq!(VariantAttr::parse(&v, &mut errors), Some(b));
        assert!(errors.is_empty());
        let v: syn::Variant = syn::parse2(quote!(
            #[genl(unknown, name = "x")]
            U(u64)
        ))
        .unwrap();
        VariantAttr::parse(&v, &mut errors);
        assert!(!errors.is_empty());
    }
}
