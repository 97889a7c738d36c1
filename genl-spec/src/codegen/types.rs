//! The Rust type and `#[genl(...)]` annotation of each attribute.

use crate::model::{Attr, Bound, DefKind, Family};
use crate::raw::{AttrType, ByteOrder};
use crate::vocab::{Checks, FieldAttr, MessageField};
use proc_macro2::{Ident, Span, TokenStream};
use quote::quote;

/// How generated code names the prelude types: plainly (`Option<u32>`), as
/// hand-written code does, unless the family defines a type of the same name.
/// It also carries the attributes that options retype.
pub(super) struct Prelude {
    pub option: TokenStream,
    pub vec: TokenStream,
    pub string: TokenStream,
    pub boxed: TokenStream,
    /// (set, attribute) → Rust path of an extern set.
    pub extern_sets: Vec<(String, String, syn::Path)>,
}

impl Prelude {
    pub fn for_family(family: &Family, options: &super::Options) -> Prelude {
        let extern_sets = options
            .extern_sets
            .iter()
            .filter_map(|e| {
                Some((
                    e.set.clone(),
                    e.attr.clone(),
                    syn::parse_str(&e.rust_path).ok()?,
                ))
            })
            .collect();
        let names = family
            .definitions
            .iter()
            .map(|d| d.rust_name.as_str())
            .chain(family.attr_sets.iter().map(|s| s.rust_name.as_str()))
            .chain(family.sub_messages.iter().map(|m| m.rust_name.as_str()));
        let shadowed = names
            .into_iter()
            .any(|n| matches!(n, "Option" | "Vec" | "String" | "Box"));
        if shadowed {
            Prelude {
                option: quote!(::std::option::Option),
                vec: quote!(::std::vec::Vec),
                string: quote!(::std::string::String),
                boxed: quote!(::std::boxed::Box),
                extern_sets,
            }
        } else {
            Prelude {
                option: quote!(Option),
                vec: quote!(Vec),
                string: quote!(String),
                boxed: quote!(Box),
                extern_sets,
            }
        }
    }
}

/// How one attribute becomes one field.
pub(super) struct Field {
    /// The field's type.
    pub ty: TokenStream,
    /// Its annotation.
    pub annotation: MessageField,
}

pub(super) fn ident(name: &str) -> Ident {
    match name.strip_prefix("r#") {
        Some(raw) => Ident::new_raw(raw, Span::call_site()),
        None => Ident::new(name, Span::call_site()),
    }
}

/// The Rust integer of a fixed-size wire type.
pub(super) fn int(ty: AttrType) -> Option<(TokenStream, u32)> {
    Some(match ty {
        AttrType::U8 => (quote!(u8), 1),
        AttrType::U16 => (quote!(u16), 2),
        AttrType::U32 => (quote!(u32), 4),
        AttrType::U64 => (quote!(u64), 8),
        AttrType::S8 => (quote!(i8), 1),
        AttrType::S16 => (quote!(i16), 2),
        AttrType::S32 => (quote!(i32), 4),
        AttrType::S64 => (quote!(i64), 8),
        _ => return None,
    })
}

/// The width in bytes of a flags definition's generated type (`u32` or `u64`).
pub(super) fn flags_width(family: &Family, def: crate::model::DefId) -> u32 {
    match &family.def(def).kind {
        DefKind::Flags(e) if e.entries.iter().all(|x| x.value <= u32::MAX.into()) => 4,
        _ => 8,
    }
}

/// A check bound that the client can enforce (not a placeholder for a C header's value).
fn known(b: &Option<Bound>) -> Option<i128> {
    b.as_ref().filter(|b| !b.from_header).map(|b| b.value)
}

fn len(b: &Option<Bound>) -> Option<u32> {
    known(b).and_then(|v| u32::try_from(v).ok())
}

/// The checks the kernel's generated policies derive from an integer
/// attribute's `enum` when the spec gives none: the range of the enum's
/// values, or the mask of its flags (`enum-as-flags`, or a flags definition).
fn derived_checks(family: &Family, attr: &Attr, checks: &mut Checks) {
    use AttrType::*;
    if !matches!(
        attr.ty,
        U8 | U16 | U32 | U64 | S8 | S16 | S32 | S64 | Uint | Sint
    ) {
        return;
    }
    let Some(id) = attr.enum_ else { return };
    let Some(e) = family.enum_def(id).filter(|e| !e.entries.is_empty()) else {
        return;
    };
    let is_flags_def = matches!(family.def(id).kind, DefKind::Flags(_));
    if is_flags_def || attr.enum_as_flags {
        if checks.flags_mask.is_none() {
            let bit = |x: &crate::model::EnumEntry| {
                if is_flags_def {
                    x.value
                } else {
                    1u64.checked_shl(u32::try_from(x.value).unwrap_or(64))
                        .unwrap_or(0)
                }
            };
            checks.flags_mask = Some(e.entries.iter().fold(0, |m, x| m | bit(x)));
        }
    } else if checks.min.is_none() && checks.max.is_none() {
        let low = e.entries.iter().map(|x| x.value).min().unwrap_or(0);
        let high = e.entries.iter().map(|x| x.value).max().unwrap_or(0);
        if low > 0 {
            checks.min = Some(low.into());
        }
        checks.max = Some(high.into());
    }
}

/// The field for an attribute, or `None` for attributes that carry no data
/// (`unused`, `pad`). A sub-message's payload is kept as bytes for now.
pub(super) fn field(family: &Family, p: &Prelude, set_name: &str, attr: &Attr) -> Option<Field> {
    let Prelude {
        option,
        vec,
        string,
        boxed,
        ..
    } = p;
    let be = attr.byte_order == Some(ByteOrder::BigEndian);
    let mut f = FieldAttr {
        id: attr.value,
        ty: attr.ty,
        name: None,
        be: false,
        multi_attr: attr.multi_attr,
        sub_type: None,
        enum_: false,
        flags: false,
        struct_: false,
        checks: Checks {
            min: known(&attr.checks.min),
            max: known(&attr.checks.max),
            min_len: len(&attr.checks.min_len),
            max_len: len(&attr.checks.max_len),
            exact_len: len(&attr.checks.exact_len),
            flags_mask: attr
                .checks
                .flags_mask
                .and_then(|id| family.enum_def(id))
                .map(|e| e.entries.iter().fold(0, |m, x| m | x.value)),
            unterminated_ok: attr.checks.unterminated_ok,
        },
    };
    derived_checks(family, attr, &mut f.checks);
    let plain = attr
        .rust_name
        .strip_prefix("r#")
        .unwrap_or(&attr.rust_name)
        .replace('_', "-");
    if plain != attr.name {
        f.name = Some(attr.name.clone());
    }
    let extern_set = p
        .extern_sets
        .iter()
        .find(|(s, a, _)| s == set_name && *a == attr.name);
    let elem = match attr.ty {
        _ if extern_set.is_some() => {
            f.ty = AttrType::Nest;
            f.checks = Checks::default();
            let path = &extern_set.expect("checked").2;
            quote!(#path)
        }
        AttrType::Unused | AttrType::Pad => return None,
        // Typed sub-messages are not generated yet: the payload is kept as
        // bytes in its own field, for the caller to decode by the selector.
        AttrType::SubMessage => {
            f.ty = AttrType::Binary;
            quote!(#vec<u8>)
        }
        AttrType::Flag => {
            f.multi_attr = false;
            return Some(Field {
                ty: quote!(bool),
                annotation: MessageField::Attr(f),
            });
        }
        t @ (AttrType::U8
        | AttrType::U16
        | AttrType::U32
        | AttrType::U64
        | AttrType::S8
        | AttrType::S16
        | AttrType::S32
        | AttrType::S64) => {
            let (int, width) = int(t).expect("integer types");
            f.be = be && width > 1;
            match attr.enum_.map(|id| (id, &family.def(id).kind)) {
                Some((id, DefKind::Enum(_))) if !attr.enum_as_flags => {
                    f.enum_ = true;
                    let e = ident(&family.def(id).rust_name);
                    quote!(#e)
                }
                Some((id, DefKind::Flags(_)))
                    if flags_width(family, id) == width && t.as_str().starts_with('u') =>
                {
                    f.flags = true;
                    f.be = false;
                    let e = ident(&family.def(id).rust_name);
                    quote!(#e)
                }
                _ if f.be => quote!(::genl_runtime::wire::Be<#int>),
                _ => int,
            }
        }
        AttrType::Uint => quote!(u64),
        AttrType::Sint => quote!(i64),
        AttrType::String => quote!(#string),
        AttrType::Binary => match (attr.struct_, attr.sub_type.and_then(int)) {
            (Some(id), _) => {
                f.struct_ = true;
                let s = ident(&family.def(id).rust_name);
                quote!(#s)
            }
            (None, Some((int, width))) => {
                f.sub_type = attr.sub_type;
                f.be = be && width > 1;
                let elem = if f.be {
                    quote!(::genl_runtime::wire::Be<#int>)
                } else {
                    int
                };
                quote!(#vec<#elem>)
            }
            (None, None) => quote!(#vec<u8>),
        },
        AttrType::Nest => {
            // A validated nest always names its set.
            let set = family.set(attr.nested?);
            let name = ident(&set.rust_name);
            if set.recursive && !attr.multi_attr {
                quote!(#boxed<#name>)
            } else {
                quote!(#name)
            }
        }
        AttrType::IndexedArray => {
            f.sub_type = attr.sub_type;
            f.multi_attr = false;
            let elem = match attr.sub_type {
                Some(AttrType::Nest) => {
                    let s = ident(&family.set(attr.nested?).rust_name);
                    quote!(#s)
                }
                Some(t) => match int(t) {
                    Some((int, width)) => {
                        f.be = be && width > 1;
                        if f.be {
                            quote!(::genl_runtime::wire::Be<#int>)
                        } else {
                            int
                        }
                    }
                    None => return None,
                },
                None => return None,
            };
            return Some(Field {
                ty: quote!(#vec<#elem>),
                annotation: MessageField::Attr(f),
            });
        }
        AttrType::NestTypeValue => {
            let s = ident(&family.set(attr.nested?).rust_name);
            let mut t = quote!(#s);
            for _ in 0..attr.type_value.len().max(1) {
                t = quote!(::genl_runtime::TypeValue<#t>);
            }
            t
        }
        AttrType::Bitfield32 => quote!(::genl_runtime::Bitfield32),
    };
    let ty = if f.multi_attr {
        quote!(#vec<#elem>)
    } else {
        quote!(#option<#elem>)
    };
    Some(Field {
        ty,
        annotation: MessageField::Attr(f),
    })
}
