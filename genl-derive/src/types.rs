//! The Rust side of a field: the shapes of types the derives accept
//! (`Option<T>`, `Option<Box<T>>`, `Vec<T>`, `bool`), integer types, and
//! the names fields have in error paths.

use genl_spec::raw::AttrType;
use proc_macro2::TokenStream;
use quote::{ToTokens, quote};
use syn::ext::IdentExt;

/// Strips invisible groups and parentheses around a type.
fn peel(mut ty: &syn::Type) -> &syn::Type {
    loop {
        match ty {
            syn::Type::Group(g) => ty = &g.elem,
            syn::Type::Paren(p) => ty = &p.elem,
            _ => return ty,
        }
    }
}

/// `T` when `ty` is `Name<T>` (any path ending in `Name`, such as
/// `std::option::Option<T>`), with exactly one type argument.
fn single_arg<'a>(ty: &'a syn::Type, name: &str) -> Option<&'a syn::Type> {
    let syn::Type::Path(p) = peel(ty) else {
        return None;
    };
    if p.qself.is_some() {
        return None;
    }
    let last = p.path.segments.last()?;
    if last.ident != name {
        return None;
    }
    let syn::PathArguments::AngleBracketed(args) = &last.arguments else {
        return None;
    };
    let mut args = args.args.iter();
    match (args.next(), args.next()) {
        (Some(syn::GenericArgument::Type(t)), None) => Some(t),
        _ => None,
    }
}

/// `T` of `Option<T>`.
pub(crate) fn option_of(ty: &syn::Type) -> Option<&syn::Type> {
    single_arg(ty, "Option")
}

/// `T` of `Vec<T>`.
pub(crate) fn vec_of(ty: &syn::Type) -> Option<&syn::Type> {
    single_arg(ty, "Vec")
}

/// `T` of `Box<T>`.
pub(crate) fn box_of(ty: &syn::Type) -> Option<&syn::Type> {
    single_arg(ty, "Box")
}

/// Whether `ty` is `bool`.
pub(crate) fn is_bool(ty: &syn::Type) -> bool {
    matches!(peel(ty), syn::Type::Path(p) if p.qself.is_none() && p.path.is_ident("bool"))
}

/// A fixed-size integer type of the wire.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Int {
    /// Size in bytes.
    pub bytes: u8,
    /// Signed.
    pub signed: bool,
}

impl Int {
    /// The integer of a wire type (`u8` … `s64`).
    pub fn of(ty: AttrType) -> Option<Int> {
        let (bytes, signed) = match ty {
            AttrType::U8 => (1, false),
            AttrType::U16 => (2, false),
            AttrType::U32 => (4, false),
            AttrType::U64 => (8, false),
            AttrType::S8 => (1, true),
            AttrType::S16 => (2, true),
            AttrType::S32 => (4, true),
            AttrType::S64 => (8, true),
            _ => return None,
        };
        Some(Int { bytes, signed })
    }

    /// The Rust primitive: `u32`, `i8`, ...
    pub fn primitive(self) -> TokenStream {
        let name = format!(
            "{}{}",
            if self.signed { 'i' } else { 'u' },
            u32::from(self.bytes) * 8
        );
        syn::Ident::new(&name, proc_macro2::Span::call_site()).into_token_stream()
    }

    /// The Rust type of a value: the primitive, or `Be<primitive>` for a
    /// big-endian value of more than one byte (a byte has no byte order).
    pub fn rust(self, be: bool) -> TokenStream {
        let prim = self.primitive();
        if be && self.bytes > 1 {
            quote!(::genl_runtime::wire::Be<#prim>)
        } else {
            prim
        }
    }

    /// The canonical name of [`Int::rust`], as [`canonical`] writes types.
    pub fn name(self, be: bool) -> String {
        let prim = self.primitive().to_string();
        if self.is_be(be) {
            format!("Be<{prim}>")
        } else {
            prim
        }
    }

    /// Whether a value written with `be` is wrapped in `Be`.
    pub fn is_be(self, be: bool) -> bool {
        be && self.bytes > 1
    }
}

/// Primitive types by name.
const PRIMITIVES: &[&str] = &[
    "u8", "u16", "u32", "u64", "u128", "usize", "i8", "i16", "i32", "i64", "i128", "isize", "f32",
    "f64", "bool", "char", "str",
];

/// A canonical name (`u32`, `Be<u16>`, `Vec<u8>`, `[u8; 6]`) for a type
/// whose meaning is known without name resolution: primitives, `String`,
/// and `Vec`, `Option`, `Box`, `Be` of such types, arrays of them, and any
/// reference, tuple, slice or pointer. `None` for every other type (a type of
/// the user's, or an alias), which only the compiler can judge.
pub(crate) fn canonical(ty: &syn::Type) -> Option<String> {
    match peel(ty) {
        syn::Type::Path(p) if p.qself.is_none() => {
            let last = p.path.segments.last()?;
            let name = last.ident.to_string();
            match &last.arguments {
                syn::PathArguments::None
                    if PRIMITIVES.contains(&name.as_str()) || name == "String" =>
                {
                    Some(name)
                }
                syn::PathArguments::AngleBracketed(a)
                    if matches!(name.as_str(), "Vec" | "Option" | "Box" | "Be") =>
                {
                    let mut args = a.args.iter();
                    match (args.next(), args.next()) {
                        (Some(syn::GenericArgument::Type(t)), None) => {
                            Some(format!("{name}<{}>", canonical(t)?))
                        }
                        _ => None,
                    }
                }
                _ => None,
            }
        }
        syn::Type::Array(a) => {
            let syn::Expr::Lit(syn::ExprLit {
                lit: syn::Lit::Int(n),
                ..
            }) = &a.len
            else {
                return None;
            };
            Some(format!("[{}; {}]", canonical(&a.elem)?, n.base10_digits()))
        }
        t @ (syn::Type::Reference(_)
        | syn::Type::Tuple(_)
        | syn::Type::Slice(_)
        | syn::Type::Ptr(_)
        | syn::Type::FnPtr(_)
        | syn::Type::Never(_)) => Some(quote!(#t).to_string()),
        _ => None,
    }
}

/// What a value's type must be.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Expect {
    /// Exactly this type, by its [`canonical`] name.
    Exactly(String),
    /// A type of the user's, described in words (`a type that implements ...`).
    Other(&'static str),
}

impl Expect {
    /// What is wrong with `ty`, when it is sure to be wrong.
    pub fn mismatch(&self, ty: &syn::Type) -> Option<String> {
        let found = canonical(ty)?;
        match self {
            Expect::Exactly(want) if *want == found => None,
            Expect::Exactly(want) => Some(format!("`{want}`, not `{found}`")),
            // A type named like a std type may be the user's own (a set
            // called `String`): only primitives and the like are sure.
            Expect::Other(_) if found.starts_with(|c: char| c.is_ascii_uppercase()) => None,
            Expect::Other(what) => Some(format!("{what}, not `{found}`")),
        }
    }
}

/// The spec name of a field: its identifier, without `r#`, with `_` as `-`.
pub(crate) fn spec_name(ident: &syn::Ident) -> String {
    ident.unraw().to_string().replace('_', "-")
}

/// The tokens of every `#[genl(...)]` of an item, to point an error at them;
/// the item itself when there are none.
pub(crate) fn genl_attrs_or(attrs: &[syn::Attribute], fallback: impl ToTokens) -> TokenStream {
    let genl: Vec<_> = attrs.iter().filter(|a| a.path().is_ident("genl")).collect();
    if genl.is_empty() {
        fallback.into_token_stream()
    } else {
        quote!(#(#genl)*)
    }
}
