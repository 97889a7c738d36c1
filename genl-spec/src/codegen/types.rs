//! The Rust type and `#[genl(...)]` annotation of each attribute.

use crate::model::{Attr, AttrId, Bound, DefId, DefKind, Family, SetId, SubMsgId};
use crate::raw::{AttrType, ByteOrder};
use crate::vocab::{Checks, FieldAttr, FormatValue, MessageField};
use proc_macro2::{Ident, Span, TokenStream};
use quote::quote;

/// How generated code names the prelude types: plainly (`Option<u32>`), as
/// hand-written code does, unless the family defines a type of the same name.
/// It also carries the attributes that options retype, and the whole-family
/// facts that types depend on.
pub(super) struct Prelude {
    pub option: TokenStream,
    pub vec: TokenStream,
    pub string: TokenStream,
    pub boxed: TokenStream,
    /// (set, attribute) → Rust path of an extern set.
    pub extern_sets: Vec<(String, String, syn::Path)>,
    /// By set: the Rust name of its enum when it is ordered
    /// ([`super::Options::with_ordered_set`]).
    pub ordered: Vec<Option<String>>,
    /// By set: whether a field nesting it boxes it, since it contains itself
    /// other than through a `Vec` (ordered sets are `Vec`s).
    pub boxed_sets: Vec<bool>,
    /// By sub-message: how its formats are selected, when it is typed.
    pub sub_messages: Vec<Option<SubMessageTyping>>,
}

/// The kind of value that selects a sub-message's format.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum SelectorKind {
    /// A `string` selector.
    Str,
    /// An integer selector, with the enum of its values if it has one.
    Int(Option<DefId>),
}

/// How a typed sub-message is selected: the kind of its selectors, and the
/// value of each format (in the order of [`crate::model::SubMessage::formats`]).
pub(super) struct SubMessageTyping {
    pub kind: SelectorKind,
    pub values: Vec<FormatValue>,
}

/// The Rust name of an ordered set's enum: its set's name without `Attrs`
/// (`action-attrs` is `Action`, one element of the list), unless another
/// type of the family has that name.
fn ordered_name(family: &Family, set: SetId, taken: &[String]) -> String {
    let full = &family.set(set).rust_name;
    match full.strip_suffix("Attrs") {
        Some(short)
            if short.starts_with(|c: char| c.is_ascii_uppercase())
                && !taken.iter().any(|t| t == short) =>
        {
            short.to_owned()
        }
        _ => full.clone(),
    }
}

/// The type names of a family's generated items, for [`ordered_name`].
fn type_names(family: &Family) -> Vec<String> {
    let mut out: Vec<String> = family
        .definitions
        .iter()
        .map(|d| d.rust_name.clone())
        .chain(family.attr_sets.iter().map(|s| s.rust_name.clone()))
        .chain(family.sub_messages.iter().map(|m| m.rust_name.clone()))
        .collect();
    for op in &family.operations.list {
        let base = crate::names::rust_type(&op.name);
        for suffix in [
            "DoRequest",
            "DoReply",
            "DumpRequest",
            "DumpReply",
            "Event",
            "Notification",
        ] {
            out.push(format!("{base}{suffix}"));
        }
    }
    out
}

/// The sets an attribute leads to: its nested set and its sub-message
/// formats' sets (as the analysis of recursion counts them).
fn targets(family: &Family, attr: &Attr) -> Vec<SetId> {
    let mut out: Vec<SetId> = attr.nested.into_iter().collect();
    if let Some(m) = attr.sub_message {
        out.extend(
            family
                .sub_message(m)
                .formats
                .iter()
                .filter_map(|f| f.attr_set),
        );
    }
    out
}

/// Whether `start` contains itself through sets that are not ordered: an
/// ordered set is held in a `Vec`, which has a size of its own. Without
/// ordered sets, this is [`crate::model::AttrSet::recursive`].
fn contains_itself(family: &Family, ordered: &[Option<String>], start: SetId) -> bool {
    let edges = |s: SetId| -> Vec<SetId> {
        family
            .set(s)
            .attrs
            .iter()
            .flat_map(|a| targets(family, a))
            .filter(|t| ordered[t.index()].is_none())
            .collect()
    };
    let mut seen = vec![false; family.attr_sets.len()];
    let mut stack = edges(start);
    while let Some(s) = stack.pop() {
        if s == start {
            return true;
        }
        if !std::mem::replace(&mut seen[s.index()], true) {
            stack.extend(edges(s));
        }
    }
    false
}

/// The kind of selector `sel` is, if it can select a typed sub-message: a
/// single string, or a single integer whose field holds its number (plain,
/// or an enum of the spec).
fn selector_kind(family: &Family, sel: &Attr) -> Option<SelectorKind> {
    use AttrType::*;
    if sel.multi_attr {
        return None;
    }
    match sel.ty {
        String => Some(SelectorKind::Str),
        U8 | U16 | U32 | U64 | S8 | S16 | S32 | S64 | Uint | Sint => match sel.enum_ {
            None => Some(SelectorKind::Int(None)),
            Some(id) if !sel.enum_as_flags && matches!(family.def(id).kind, DefKind::Enum(_)) => {
                Some(SelectorKind::Int(Some(id)))
            }
            Some(_) => None,
        },
        _ => None,
    }
}

/// The selector values of a sub-message's formats for selectors of `kind`;
/// `None` when one does not convert (a negative number).
fn format_values(family: &Family, msg: SubMsgId, kind: SelectorKind) -> Option<Vec<FormatValue>> {
    let formats = &family.sub_message(msg).formats;
    formats
        .iter()
        .map(|f| match kind {
            SelectorKind::Str => Some(FormatValue::Str(f.value.clone())),
            SelectorKind::Int(Some(e)) => family
                .enum_def(e)?
                .entries
                .iter()
                .find(|x| x.name == f.value)
                .map(|x| FormatValue::Int(x.value)),
            SelectorKind::Int(None) => {
                let v: i128 = f.value.trim().parse().ok()?;
                u64::try_from(v).ok().map(FormatValue::Int)
            }
        })
        .collect()
}

/// The typing of every sub-message: that of its first attribute whose
/// selector can select (in the family's order); `None` when none can.
fn sub_message_typings(family: &Family) -> Vec<Option<SubMessageTyping>> {
    let mut out: Vec<Option<SubMessageTyping>> = family.sub_messages.iter().map(|_| None).collect();
    for set in &family.attr_sets {
        for attr in &set.attrs {
            let (Some(msg), Some(sel)) = (attr.sub_message, attr.selector) else {
                continue;
            };
            if out[msg.index()].is_some() {
                continue;
            }
            let Some(kind) = selector_kind(family, family.attr(sel)) else {
                continue;
            };
            if let Some(values) = format_values(family, msg, kind) {
                out[msg.index()] = Some(SubMessageTyping { kind, values });
            }
        }
    }
    out
}

impl Prelude {
    /// The Rust type of a nest of `set`: its struct, or a `Vec` of its
    /// enum when it is ordered.
    pub fn set_type(&self, family: &Family, set: SetId) -> TokenStream {
        match &self.ordered[set.index()] {
            Some(name) => {
                let (vec, name) = (&self.vec, ident(name));
                quote!(#vec<#name>)
            }
            None => {
                let name = ident(&family.set(set).rust_name);
                quote!(#name)
            }
        }
    }

    /// The type of a nest of `set` in a field or variant: boxed when the
    /// set contains itself.
    fn nest_type(&self, family: &Family, set: SetId) -> TokenStream {
        let t = self.set_type(family, set);
        if self.boxed_sets[set.index()] {
            let boxed = &self.boxed;
            quote!(#boxed<#t>)
        } else {
            t
        }
    }

    pub fn for_family(family: &Family, options: &super::Options) -> Prelude {
        let mut taken = type_names(family);
        let mut ordered: Vec<Option<String>> = Vec::new();
        for id in family.set_ids() {
            let name = &family.set(id).name;
            if options.ordered_sets.iter().any(|o| o == name) {
                let n = ordered_name(family, id, &taken);
                taken.push(n.clone());
                ordered.push(Some(n));
            } else {
                ordered.push(None);
            }
        }
        let boxed_sets = family
            .set_ids()
            .map(|s| contains_itself(family, &ordered, s))
            .collect();
        let sub_messages = sub_message_typings(family);
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
            .chain(family.sub_messages.iter().map(|m| m.rust_name.as_str()))
            .chain(ordered.iter().flatten().map(String::as_str));
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
                ordered,
                boxed_sets,
                sub_messages,
            }
        } else {
            Prelude {
                option: quote!(Option),
                vec: quote!(Vec),
                string: quote!(String),
                boxed: quote!(Box),
                extern_sets,
                ordered,
                boxed_sets,
                sub_messages,
            }
        }
    }

    /// The selector of the sub-message attribute `attr`, when the attribute
    /// is typed in a struct of the attributes `siblings` (`None` for an
    /// ordered set's enum, whose attributes are not fields): its sub-message
    /// is typed, and its selector is one of the siblings, of the
    /// sub-message's kind.
    fn typed_selector<'f>(
        &self,
        family: &'f Family,
        attr: &Attr,
        siblings: Option<&[AttrId]>,
    ) -> Option<&'f Attr> {
        let typing = self.sub_messages[attr.sub_message?.index()].as_ref()?;
        if attr.multi_attr {
            return None;
        }
        let sel = attr.selector?;
        if !siblings?.contains(&sel) {
            return None;
        }
        let sel_attr = family.attr(sel);
        let retyped = self
            .extern_sets
            .iter()
            .any(|(s, a, _)| *s == family.set(sel.set).name && *a == sel_attr.name);
        (!retyped && selector_kind(family, sel_attr) == Some(typing.kind)).then_some(sel_attr)
    }
}

/// How one attribute becomes one field.
pub(super) struct Field {
    /// The field's type.
    pub ty: TokenStream,
    /// The type of the value of one attribute (`bool` for a flag): what a
    /// variant of an ordered set's enum holds.
    pub value: TokenStream,
    /// Its annotation.
    pub annotation: MessageField,
    /// A line for the field's docs, on how it is typed.
    pub note: Option<String>,
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
/// (`unused`, `pad`). `siblings` are the attributes of the struct that holds
/// the field (`None` for an ordered set's enum): a sub-message is typed when
/// its selector is one of them, and kept as bytes otherwise.
pub(super) fn field(
    family: &Family,
    p: &Prelude,
    set_name: &str,
    attr: &Attr,
    siblings: Option<&[AttrId]>,
) -> Option<Field> {
    let Prelude {
        option,
        vec,
        string,
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
        selector: None,
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
    let mut note = None;
    let elem = match attr.ty {
        _ if extern_set.is_some() => {
            f.ty = AttrType::Nest;
            f.checks = Checks::default();
            let path = &extern_set.expect("checked").2;
            quote!(#path)
        }
        AttrType::Unused | AttrType::Pad => return None,
        AttrType::SubMessage => {
            match (p.typed_selector(family, attr, siblings), attr.sub_message) {
                (Some(sel), Some(msg)) => {
                    f.selector = Some(sel.rust_name.clone());
                    let name = ident(&family.sub_message(msg).rust_name);
                    let formats = &family.sub_message(msg).formats;
                    if formats
                        .iter()
                        .filter_map(|x| x.attr_set)
                        .any(|s| p.boxed_sets[s.index()])
                    {
                        let boxed = &p.boxed;
                        quote!(#boxed<#name>)
                    } else {
                        quote!(#name)
                    }
                }
                // Without its selector the format cannot be picked: the payload
                // is kept as bytes, for the caller to decode.
                _ => {
                    f.ty = AttrType::Binary;
                    let msg = attr
                        .sub_message
                        .map(|m| family.sub_message(m).name.as_str())
                        .unwrap_or_default();
                    let sel = attr
                        .selector
                        .map(|s| family.attr(s).name.as_str())
                        .unwrap_or_default();
                    let why = match siblings {
                        None => {
                            format!("in an ordered list its selector `{sel}` is another element")
                        }
                        Some(_) if attr.multi_attr => "a repeated sub-message is not typed".into(),
                        Some(s) if !attr.selector.is_some_and(|id| s.contains(&id)) => format!(
                            "its selector `{sel}` is not an attribute of this message, so its \
                             format cannot be picked"
                        ),
                        Some(_) => format!(
                            "its selector `{sel}` cannot pick a format (a selector is a single \
                             string, or an integer with a format's number or an enum's entry)"
                        ),
                    };
                    note = Some(format!(
                        "The payload of sub-message `{msg}`, kept as bytes: {why}."
                    ));
                    quote!(#vec<u8>)
                }
            }
        }
        AttrType::Flag => {
            f.multi_attr = false;
            return Some(Field {
                ty: quote!(bool),
                value: quote!(bool),
                annotation: MessageField::Attr(f),
                note,
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
            (Some(id), _) if attr.sub_type == Some(AttrType::Binary) => {
                f.struct_ = true;
                f.sub_type = attr.sub_type;
                let s = ident(&family.def(id).rust_name);
                quote!(#vec<#s>)
            }
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
            let set = attr.nested?;
            if attr.multi_attr {
                p.set_type(family, set)
            } else {
                p.nest_type(family, set)
            }
        }
        AttrType::IndexedArray => {
            f.sub_type = attr.sub_type;
            f.multi_attr = false;
            let elem = match attr.sub_type {
                Some(AttrType::Nest) => p.set_type(family, attr.nested?),
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
            let ty = quote!(#vec<#elem>);
            return Some(Field {
                value: ty.clone(),
                ty,
                annotation: MessageField::Attr(f),
                note,
            });
        }
        AttrType::NestTypeValue => {
            let mut t = p.set_type(family, attr.nested?);
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
        value: elem,
        annotation: MessageField::Attr(f),
        note,
    })
}
