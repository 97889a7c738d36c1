//! The serde option ([`Options::with_serde`]): `Serialize` and `Deserialize`
//! for every generated type, behind the including crate's `serde` feature,
//! in the JSON conventions of the kernel's YNL CLI. The runtime's
//! `genl_runtime::serde_support` holds the conventions; this module only
//! picks, per field, the spec name and the format that applies.
//!
//! Everything here returns no tokens when the option is off, so that the
//! output is then unchanged.

use super::Options;
use crate::model::{Attr, AttrId, DefId, DefKind, Family, Member, SetId};
use crate::raw::{AttrType, DisplayHint, MemberType, Scope};
use crate::vocab::{FieldAttr, MessageField};
use proc_macro2::{Ident, TokenStream};
use quote::{format_ident, quote};

/// The runtime module of formats, as written in `with = "..."`.
const RT: &str = "::genl_runtime::serde_support";

/// `#[cfg_attr(feature = "serde", serde(...))]` with the given items.
fn serde_attr(items: Vec<TokenStream>) -> TokenStream {
    quote!(#[cfg_attr(feature = "serde", serde(#(#items),*))])
}

/// The derives and container attributes of a struct; `default` for structs
/// of attributes, whose absent attributes read as their defaults.
fn container(options: &Options, default: bool) -> TokenStream {
    if !options.serde {
        return TokenStream::new();
    }
    let default = default.then(|| quote!(, default));
    quote! {
        #[cfg_attr(
            feature = "serde",
            derive(::genl_runtime::serde::Serialize, ::genl_runtime::serde::Deserialize),
            serde(crate = "::genl_runtime::serde" #default)
        )]
    }
}

/// The derives of a struct of attributes.
pub(super) fn message_container(options: &Options) -> TokenStream {
    container(options, true)
}

/// The derives of a C struct.
pub(super) fn struct_container(options: &Options) -> TokenStream {
    container(options, false)
}

/// `Serialize` and `Deserialize` of an enum: by spec name, unlisted values
/// by number.
pub(super) fn enum_impls(options: &Options, name: &Ident) -> TokenStream {
    if !options.serde {
        return TokenStream::new();
    }
    quote! {
        #[cfg(feature = "serde")]
        ::genl_runtime::serde_support::impl_enum!(#name);
    }
}

/// `Serialize` and `Deserialize` of a flags type: lists of the spec names of
/// `flags`, each given with the name of its constant.
pub(super) fn flags_impls(
    options: &Options,
    name: &Ident,
    flags: &[(String, Ident)],
) -> TokenStream {
    if !options.serde {
        return TokenStream::new();
    }
    let entries = flags.iter().map(|(spec, c)| quote!(#spec = #c));
    quote! {
        #[cfg(feature = "serde")]
        ::genl_runtime::serde_support::impl_flags!(#name { #(#entries),* });
    }
}

/// The type of a generated definition, if it is generated (kernel-only
/// definitions are not).
fn def_type(family: &Family, id: DefId) -> Option<String> {
    let def = family.def(id);
    (def.scope != Scope::Kernel).then(|| def.rust_name.clone())
}

/// The format of an integer that stays an integer in Rust, as ynl.py shows
/// it: by its enum when it has one (names, or lists of names for flags),
/// else by its display hint (`hex`, an IPv4 address in 4 bytes).
fn int_format(
    family: &Family,
    enum_: Option<DefId>,
    enum_as_flags: bool,
    hint: Option<DisplayHint>,
    width: Option<u32>,
) -> Option<String> {
    if let Some(id) = enum_
        && let Some(ty) = def_type(family, id)
    {
        return Some(match &family.def(id).kind {
            DefKind::Flags(_) => format!("{RT}::FlagBits<{ty}>"),
            DefKind::Enum(_) if enum_as_flags => format!("{RT}::EnumBits<{ty}>"),
            _ => format!("{RT}::EnumValue<{ty}>"),
        });
    }
    match hint {
        Some(DisplayHint::Hex) => Some(format!("{RT}::HexHint")),
        Some(DisplayHint::Ipv4 | DisplayHint::Ipv4OrV6) if width == Some(4) => {
            Some(format!("{RT}::Ipv4Int"))
        }
        _ => None,
    }
}

/// The format of a byte string by its display hint; plain hex without one
/// (and for `fddi`, which ynl.py leaves as bytes).
fn bytes_format(hint: Option<DisplayHint>) -> String {
    let f = match hint {
        Some(DisplayHint::Hex) => "HexHint",
        Some(DisplayHint::Mac) => "Mac",
        Some(DisplayHint::Ipv4 | DisplayHint::Ipv6 | DisplayHint::Ipv4OrV6) => "Ip",
        Some(DisplayHint::Uuid) => "Uuid",
        Some(DisplayHint::Fddi) | None => "HexBytes",
    };
    format!("{RT}::{f}")
}

/// The marker type that names the levels of a `nest-type-value` attribute.
fn type_value_marker(family: &Family, id: AttrId) -> Ident {
    let set = family.set(id.set);
    let attr = &set.attrs[id.index as usize];
    let field = attr.rust_name.strip_prefix("r#").unwrap_or(&attr.rust_name);
    format_ident!("__GenlTypeValue_{}_{}", set.rust_name, field)
}

/// The marker types of the `nest-type-value` attributes of a set, for
/// `genl_runtime::serde_support::TypeValues`.
pub(super) fn type_value_markers(family: &Family, options: &Options, set: SetId) -> TokenStream {
    if !options.serde {
        return TokenStream::new();
    }
    let s = family.set(set);
    let markers = s
        .attrs
        .iter()
        .enumerate()
        .filter(|(_, a)| a.ty == AttrType::NestTypeValue && a.nested.is_some())
        .map(|(i, a)| {
            let marker = type_value_marker(
                family,
                AttrId {
                    set,
                    index: i as u32,
                },
            );
            let names = &a.type_value;
            let doc = format!(" The levels of `{}.{}`.", s.name, a.name);
            quote! {
                #[cfg(feature = "serde")]
                #[doc = #doc]
                #[allow(non_camel_case_types)]
                enum #marker {}
                #[cfg(feature = "serde")]
                impl ::genl_runtime::serde_support::TypeValueNames for #marker {
                    const NAMES: &'static [&'static str] = &[#(#names),*];
                }
            }
        });
    quote!(#(#markers)*)
}

/// The shape of a field around its element type.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Shape {
    /// `Option<T>`
    Opt,
    /// `Vec<T>`
    Many,
    /// `bool` (a `flag`)
    Flag,
}

/// Whether a type is `Box<..>` (a recursive sub-message).
fn is_boxed(ty: &TokenStream) -> bool {
    match syn::parse2::<syn::Type>(ty.clone()) {
        Ok(syn::Type::Path(p)) => p.path.segments.last().is_some_and(|s| s.ident == "Box"),
        _ => false,
    }
}

/// The format of one value of an attribute (what an `Option` or a `Vec` of
/// the field holds), when its Rust type's own serde impls are not it.
/// `value` is the value's Rust type.
fn element_format(
    family: &Family,
    id: AttrId,
    attr: &Attr,
    f: &FieldAttr,
    value: &TokenStream,
) -> Option<String> {
    match f.ty {
        AttrType::U8
        | AttrType::U16
        | AttrType::U32
        | AttrType::U64
        | AttrType::S8
        | AttrType::S16
        | AttrType::S32
        | AttrType::S64
            if !f.enum_ && !f.flags =>
        {
            int_format(
                family,
                attr.enum_,
                attr.enum_as_flags,
                attr.display_hint,
                f.ty.int_width(),
            )
        }
        // ynl.py names the values of `uint` and `sint` by their enum, but
        // does not apply display hints to them.
        AttrType::Uint | AttrType::Sint => {
            int_format(family, attr.enum_, attr.enum_as_flags, None, None)
        }
        AttrType::Binary if f.struct_ => None,
        AttrType::Binary => match f.sub_type {
            Some(t) => int_format(
                family,
                attr.enum_,
                attr.enum_as_flags,
                attr.display_hint,
                t.int_width(),
            )
            .map(|e| format!("{RT}::Many<{e}>")),
            None => Some(bytes_format(attr.display_hint)),
        },
        AttrType::IndexedArray => match f.sub_type {
            Some(AttrType::Nest) | None => None,
            Some(t) => int_format(
                family,
                attr.enum_,
                attr.enum_as_flags,
                attr.display_hint,
                t.int_width(),
            ),
        },
        AttrType::NestTypeValue => {
            let marker = type_value_marker(family, id);
            let depth = attr.type_value.len().max(1);
            Some(format!("{RT}::TypeValues<{marker}, {depth}>"))
        }
        // A typed sub-message reads back only with its format named: the
        // selector value beside the payload, for now.
        AttrType::SubMessage if is_boxed(value) => {
            Some(format!("{RT}::Boxed<{RT}::SubMessageBytes>"))
        }
        AttrType::SubMessage => Some(format!("{RT}::SubMessageBytes")),
        _ => None,
    }
}

/// The serde attributes of the field of an attribute: its spec name, when
/// it is left out, and its format. `value` is the Rust type of one value.
pub(super) fn message_field(
    family: &Family,
    options: &Options,
    id: AttrId,
    annotation: &MessageField,
    value: &TokenStream,
) -> TokenStream {
    if !options.serde {
        return TokenStream::new();
    }
    let attr = family.attr(id);
    let MessageField::Attr(f) = annotation else {
        return unknown_field(options);
    };
    let shape = match f.ty {
        AttrType::Flag => Shape::Flag,
        AttrType::IndexedArray => Shape::Many,
        _ if f.multi_attr => Shape::Many,
        _ => Shape::Opt,
    };
    let element = element_format(family, id, attr, f, value);
    let name = &attr.name;
    let mut items = vec![quote!(rename = #name)];
    let skip = match shape {
        Shape::Opt => "::core::option::Option::is_none".to_owned(),
        Shape::Many => "::std::vec::Vec::is_empty".to_owned(),
        Shape::Flag => format!("{RT}::is_false"),
    };
    items.push(quote!(skip_serializing_if = #skip));
    if let Some(e) = element {
        let with = match shape {
            Shape::Opt => format!("{RT}::Opt::<{e}>"),
            Shape::Many => format!("{RT}::Many::<{e}>"),
            Shape::Flag => format!("{RT}::As::<{e}>"),
        };
        items.push(quote!(with = #with));
    }
    serde_attr(items)
}

/// The derives of an ordered set's enum (`Vec<Action>`): one element is one
/// object of one key, the attribute's spec name, and its value
/// (`[{"output": 1}, {"push-vlan": {...}}]`); a `flag` is its name alone
/// (`"pop-vlan"`). ynl.py has no ordered lists: it would write the
/// attributes as the keys of one object, where repeated ones overwrite
/// each other.
pub(super) fn ordered_container(options: &Options) -> TokenStream {
    container(options, false)
}

/// The serde attributes of a variant of an ordered set's enum, for the
/// attribute `attr` of `set`.
pub(super) fn ordered_variant(
    family: &Family,
    options: &Options,
    set: SetId,
    attr: &Attr,
    annotation: &MessageField,
    value: &TokenStream,
) -> TokenStream {
    if !options.serde {
        return TokenStream::new();
    }
    let MessageField::Attr(f) = annotation else {
        return ordered_unknown(options);
    };
    let name = &attr.name;
    let mut items = vec![quote!(rename = #name)];
    let index = family.set(set).attr(&attr.name).map_or(0, |(i, _)| i);
    if f.ty != AttrType::Flag
        && let Some(e) = element_format(family, AttrId { set, index }, attr, f, value)
    {
        let with = format!("{RT}::As::<{e}>");
        items.push(quote!(with = #with));
    }
    serde_attr(items)
}

/// The serde attributes of the variant of an ordered set's enum that keeps
/// an unknown attribute: `{"UnknownAttr": {...}}`.
pub(super) fn ordered_unknown(options: &Options) -> TokenStream {
    if !options.serde {
        return TokenStream::new();
    }
    serde_attr(vec![quote!(rename = "UnknownAttr")])
}

/// The serde attributes of the field that keeps unknown attributes:
/// `"UnknownAttrs"`, a key no spec name (lowercase, as C names are made
/// from them) takes; left out when empty.
pub(super) fn unknown_field(options: &Options) -> TokenStream {
    if !options.serde {
        return TokenStream::new();
    }
    serde_attr(vec![
        quote!(rename = "UnknownAttrs"),
        quote!(skip_serializing_if = "::std::vec::Vec::is_empty"),
    ])
}

/// The serde attributes of a C struct member: its spec name and format;
/// padding is left out, and a missing member reads as zeros (as the CLI
/// fills it).
pub(super) fn struct_member(family: &Family, options: &Options, m: &Member) -> TokenStream {
    if !options.serde {
        return TokenStream::new();
    }
    let name = &m.name;
    let zeroed = format!("{RT}::zeroed");
    if m.struct_.is_some() {
        let zeroed_struct = format!("{RT}::zeroed_struct");
        return serde_attr(vec![
            quote!(rename = #name),
            quote!(default = #zeroed_struct),
        ]);
    }
    let (format, default) = match m.ty {
        MemberType::Pad => return serde_attr(vec![quote!(skip), quote!(default = #zeroed)]),
        MemberType::String => (Some(format!("{RT}::CString")), quote!(default = #zeroed)),
        MemberType::Binary => (
            Some(bytes_format(m.display_hint)),
            quote!(default = #zeroed),
        ),
        t => {
            let width = AttrType::from_keyword(t.as_str()).and_then(AttrType::int_width);
            (
                int_format(family, m.enum_, m.enum_as_flags, m.display_hint, width),
                quote!(default),
            )
        }
    };
    let mut items = vec![quote!(rename = #name), default];
    if let Some(f) = format {
        let with = format!("{RT}::As::<{f}>");
        items.push(quote!(with = #with));
    }
    serde_attr(items)
}

#[cfg(test)]
mod tests {
    use crate::codegen::{Options, generate};

    fn spec() -> crate::Spec {
        crate::Spec::parse(
            "t.yaml",
            "name: t\nprotocol: netlink-raw\nprotonum: 0\ndoc: d\ndefinitions:\n  - { name: colour, type: enum, entries: [ red, dark-green ] }\n  - { name: feat, type: flags, entries: [ a, b-c ] }\n  - name: hdr\n    type: struct\n    members:\n      - { name: mac, type: binary, len: 6, display-hint: mac }\n      - { name: pad, type: pad, len: 2 }\n      - { name: kind, type: u8, enum: colour }\nattribute-sets:\n  - name: attrs\n    attributes:\n      - { name: colour, type: u32, enum: colour }\n      - { name: feat, type: u32, enum: feat }\n      - { name: hdr, type: binary, struct: hdr }\n      - { name: key, type: binary, display-hint: hex }\n      - { name: on, type: flag }\n      - { name: addr, type: u32, byte-order: big-endian, display-hint: ipv4, multi-attr: true }\noperations:\n  list:\n    - { name: get, doc: g, attribute-set: attrs, do: { request: { attributes: [ colour, feat, hdr ] } } }\n",
        )
        .unwrap_or_else(|e| panic!("{}", e.render()))
    }

    #[test]
    fn off_by_default_and_behind_the_feature_when_on() {
        let spec = spec();
        let plain = generate(&spec, &Options::default());
        assert!(!plain.contains("serde"), "{plain}");
        let code = generate(&spec, &Options::default().with_serde(true));
        // Without whitespace, whichever way prettyplease breaks the lines.
        let squash = |s: &str| s.split_whitespace().collect::<String>();
        let flat = squash(&code);
        let derive = "#[cfg_attr( feature = \"serde\", derive(::genl_runtime::serde::Serialize, ::genl_runtime::serde::Deserialize), serde(crate = \"::genl_runtime::serde\"";
        // The C struct, the set and the `do` request.
        assert_eq!(flat.matches(&squash(derive)).count(), 3, "{code}");
        for expected in [
            "::genl_runtime::serde_support::impl_enum!(Colour);",
            "::genl_runtime::serde_support::impl_flags!(Feat { \"a\" = A, \"b-c\" = B_C });",
            "#[cfg_attr( feature = \"serde\", serde(rename = \"mac\", default = \"::genl_runtime::serde_support::zeroed\", with = \"::genl_runtime::serde_support::As::<::genl_runtime::serde_support::Mac>\") )]",
            "serde(skip, default = \"::genl_runtime::serde_support::zeroed\")",
            "with = \"::genl_runtime::serde_support::As::<::genl_runtime::serde_support::EnumValue<Colour>>\"",
            "serde(rename = \"key\", skip_serializing_if = \"::core::option::Option::is_none\", with = \"::genl_runtime::serde_support::Opt::<::genl_runtime::serde_support::HexHint>\")",
            "serde(rename = \"on\", skip_serializing_if = \"::genl_runtime::serde_support::is_false\")",
            "with = \"::genl_runtime::serde_support::Many::<::genl_runtime::serde_support::Ipv4Int>\"",
            "serde(rename = \"UnknownAttrs\", skip_serializing_if = \"::std::vec::Vec::is_empty\")",
        ] {
            assert!(flat.contains(&squash(expected)), "{expected}\n{code}");
        }
        // The enum's names need no annotation: they are the variants in kebab case.
        assert!(!code.contains(", name = \""), "{code}");
    }
}
