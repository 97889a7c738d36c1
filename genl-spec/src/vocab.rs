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
//! attributes the type does not know.
//!
//! On a C struct (`#[derive(GenlStruct)]`) each field is `#[genl(u16)]`,
//! `#[genl(u16, be)]`, `#[genl(binary, len = 6)]` (a byte array),
//! `#[genl(pad, len = 2)]` or `#[genl(struct_)]`, in order: the struct is laid
//! out as declared.
//!
//! # Enums
//! `#[derive(GenlEnum)]` on a fieldless enum whose variants carry
//! `#[genl(value = N)]`, plus one variant `Unknown(u64)` marked
//! `#[genl(unknown)]` that keeps values the spec does not list.

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
    /// `value = N`
    Value(u64),
    /// `unknown`: the `Unknown(u64)` variant.
    Unknown,
}

fn wire_type(ident: &str) -> Option<AttrType> {
    AttrType::from_keyword(&ident.replace('_', "-"))
}

fn type_ident(ty: AttrType) -> syn::Ident {
    syn::Ident::new(&ty.as_str().replace('-', "_"), Span::call_site())
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
        let items = items(&field.attrs, errors);
        if items.is_empty() {
            errors.error_at(
                field
                    .ident
                    .as_ref()
                    .map_or(field.ty.to_token_stream(), ToTokens::to_token_stream),
                "every field needs `#[genl(id = N, <wire type>)]` or `#[genl(unknown)]`",
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
                errors.error_at(field, "attribute type numbers go up to 16383");
                None
            }
            (None, _) => {
                errors.error_at(
                    field
                        .ident
                        .as_ref()
                        .map_or(field.ty.to_token_stream(), ToTokens::to_token_stream),
                    "missing `id = N`: the attribute type number",
                );
                None
            }
            (_, None) => {
                errors.error_at(
                    field
                        .ident
                        .as_ref()
                        .map_or(field.ty.to_token_stream(), ToTokens::to_token_stream),
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
                other => errors.error_at(
                    &item.key,
                    format!(
                        "unknown option `{other}` in `#[genl(...)]` on a struct; expected `set`"
                    ),
                ),
            }
        }
        out
    }
}

impl ToTokens for ContainerAttr {
    fn to_tokens(&self, out: &mut TokenStream) {
        if let Some(set) = &self.set {
            out.extend(quote!(#[genl(set = #set)]));
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
        for item in items(&variant.attrs, errors) {
            match item.name().as_str() {
                "value" => once(
                    &mut out,
                    item.int_in::<u64>(errors, "a value from 0 to 2^64 - 1")
                        .map(VariantAttr::Value),
                    &item,
                    errors,
                ),
                "unknown" => once(
                    &mut out,
                    Some(VariantAttr::Unknown).filter(|_| item.flag(errors)),
                    &item,
                    errors,
                ),
                other => errors.error_at(
                    &item.key,
                    format!(
                        "unknown option `{other}` on a variant; expected `value = N` or `unknown`"
                    ),
                ),
            }
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
            VariantAttr::Value(v) => {
                let v = proc_macro2::Literal::u64_unsuffixed(*v);
                quote!(#[genl(value = #v)])
            }
            VariantAttr::Unknown => quote!(#[genl(unknown)]),
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
        assert_eq!(
            vs,
            vec![Some(VariantAttr::Value(3)), Some(VariantAttr::Unknown)]
        );
    }
}
