//! The items of a generated module: family constants, definitions,
//! attribute sets, and per-operation request and reply types.

use super::Options;
use super::types::{self, ident};
use crate::model::{AttrId, ConstValue, DefId, DefKind, Family, SetId};
use crate::names::{self, Scope};
use crate::raw::{EnumModel, MemberType};
use crate::vocab::{ContainerAttr, MessageField, StructField, VariantAttr, variant_spec_name};
use proc_macro2::{Literal, TokenStream};
use quote::{ToTokens, format_ident, quote};

/// The lines of a spec's doc text, made safe for rustdoc: spec docs are
/// prose (often reStructuredText), never Rust, so indented blocks are kept
/// below the 4 spaces that would make them doctests, and fenced blocks are
/// marked `text`.
pub(super) fn doc_lines(doc: &str) -> Vec<String> {
    let lines: Vec<&str> = doc.trim_matches('\n').lines().map(str::trim_end).collect();
    let indent = lines
        .iter()
        .filter(|l| !l.is_empty())
        .map(|l| l.len() - l.trim_start().len())
        .min()
        .unwrap_or(0);
    let mut in_fence = false;
    lines
        .iter()
        .map(|l| {
            let l = l.get(indent..).unwrap_or("");
            let body = l.trim_start();
            if body.starts_with("```") {
                let opening = !in_fence;
                in_fence = !in_fence;
                return if opening {
                    "```text".to_owned()
                } else {
                    "```".to_owned()
                };
            }
            if in_fence {
                return l.to_owned();
            }
            // A reStructuredText underline of tildes would open a Markdown fence.
            if body.len() >= 3 && body.chars().all(|c| c == '~') {
                return String::new();
            }
            // Brackets would be read as intra-doc links.
            let body = body.replace('[', "\\[").replace(']', "\\]");
            let depth = (l.len() - l.trim_start().len()).min(3);
            format!("{}{body}", " ".repeat(depth))
        })
        .collect()
}

/// `#[doc = "..."]` lines for a spec's doc text.
pub(super) fn docs(doc: Option<&str>) -> TokenStream {
    let Some(doc) = doc.map(str::trim).filter(|d| !d.is_empty()) else {
        return TokenStream::new();
    };
    let lines = doc_lines(doc).into_iter().map(|l| {
        let l = format!(" {l}");
        quote!(#[doc = #l])
    });
    quote!(#(#lines)*)
}

/// Like [`docs`], with `fallback` when the spec has no doc text (so that
/// crates with `missing_docs` on accept the generated code).
fn docs_or(doc: Option<&str>, fallback: impl FnOnce() -> String) -> TokenStream {
    match doc.map(str::trim).filter(|d| !d.is_empty()) {
        Some(d) => docs(Some(d)),
        None => docs(Some(&fallback())),
    }
}

/// [`docs`] of a spec's doc text, then a paragraph of the generator's own
/// on how the item is typed.
pub(super) fn docs_with_note(doc: Option<&str>, note: Option<&str>) -> TokenStream {
    let mut out = docs(doc);
    if let Some(note) = note {
        if !out.is_empty() {
            out.extend(quote!(#[doc = ""]));
        }
        out.extend(docs(Some(&wrap(note))));
    }
    out
}

/// The generator's own doc text, wrapped at 80 columns as hand-written
/// docs are.
pub(super) fn wrap(text: &str) -> String {
    let mut out = String::new();
    let mut line = 0;
    for word in text.split_whitespace() {
        if line > 0 && line + 1 + word.len() > 76 {
            out.push('\n');
            line = 0;
        } else if line > 0 {
            out.push(' ');
            line += 1;
        }
        out.push_str(word);
        line += word.len();
    }
    out
}

/// `#[cfg_attr(feature = "arbitrary", derive(::arbitrary::Arbitrary))]`
/// when [`Options::with_arbitrary`] is on; nothing otherwise.
pub(super) fn derive_arbitrary(options: &Options) -> TokenStream {
    if options.arbitrary {
        quote!(#[cfg_attr(feature = "arbitrary", derive(::arbitrary::Arbitrary))])
    } else {
        TokenStream::new()
    }
}

/// `#[cfg_attr(feature = "arbitrary", arbitrary(#how))]` on a field when
/// [`Options::with_arbitrary`] is on; nothing otherwise.
fn arbitrary_field(options: &Options, how: TokenStream) -> TokenStream {
    if options.arbitrary {
        quote!(#[cfg_attr(feature = "arbitrary", arbitrary(#how))])
    } else {
        TokenStream::new()
    }
}

pub(super) fn family_consts(family: &Family) -> TokenStream {
    let name = &family.name;
    let version = Literal::u8_unsuffixed(u8::try_from(family.version).unwrap_or(u8::MAX));
    let doc = docs(Some(&family.doc));
    let name_doc = format!(" The generic netlink family name, `{name}`.");
    quote! {
        #[doc = #name_doc]
        #[doc = ""]
        #doc
        pub const FAMILY_NAME: &str = #name;
        /// The family version written in the genl header of every request.
        pub const FAMILY_VERSION: u8 = #version;
    }
}

pub(super) fn definition(family: &Family, options: &Options, id: DefId) -> TokenStream {
    let def = family.def(id);
    // Kernel-only definitions (placeholders for values of kernel headers) are not part of the API.
    if def.scope == crate::raw::Scope::Kernel {
        return TokenStream::new();
    }
    let doc = docs(def.doc.as_deref());
    let arbitrary = derive_arbitrary(options);
    match &def.kind {
        DefKind::Const(value) => {
            let name = ident(&def.rust_name);
            let (ty, v) = match value {
                ConstValue::Str(s) => (quote!(&str), s.to_token_stream()),
                ConstValue::Int(i) => match (u64::try_from(*i), i64::try_from(*i)) {
                    (Ok(u), _) => (quote!(u64), Literal::u64_unsuffixed(u).into_token_stream()),
                    (_, Ok(s)) => (quote!(i64), Literal::i64_unsuffixed(s).into_token_stream()),
                    _ => (
                        quote!(i128),
                        Literal::i128_unsuffixed(*i).into_token_stream(),
                    ),
                },
            };
            quote! { #doc pub const #name: #ty = #v; }
        }
        DefKind::Enum(e) => {
            let name = ident(&def.rust_name);
            let unknown = if e.entries.iter().any(|x| x.rust_name == "Unknown") {
                format_ident!("Unlisted")
            } else {
                format_ident!("Unknown")
            };
            let variants = e.entries.iter().map(|x| {
                let v = ident(&x.rust_name);
                let doc = docs_or(x.doc.as_deref(), || format!("`{}` ({}).", x.name, x.value));
                // The spec name, when it is not the variant in kebab case.
                let name = (variant_spec_name(&x.rust_name) != x.name).then(|| x.name.clone());
                let value = VariantAttr::Value {
                    value: x.value,
                    name,
                };
                quote! { #doc #value #v, }
            });
            let serde = super::serde::enum_impls(options, &name);
            // Only values the spec does not list, so that the variant reads back as itself.
            let unlisted = arbitrary_field(
                options,
                quote!(with = ::genl_runtime::codec::arbitrary_unlisted(Self::#unknown)),
            );
            quote! {
                #doc
                #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, ::genl_runtime::GenlEnum)]
                #arbitrary
                pub enum #name {
                    #(#variants)*
                    /// A value this spec does not list.
                    #[genl(unknown)]
                    #unknown(#unlisted u64),
                }
                #serde
            }
        }
        DefKind::Flags(e) => {
            let name = ident(&def.rust_name);
            let bits = if types::flags_width(family, id) == 4 {
                quote!(u32)
            } else {
                quote!(u64)
            };
            let mut scope = Scope::new();
            let claimed: Vec<(String, proc_macro2::Ident)> = e
                .entries
                .iter()
                .map(|x| {
                    let c = scope.claim(names::rust_const(&x.name), &x.name).ident;
                    (x.name.clone(), ident(&c))
                })
                .collect();
            let serde = super::serde::flags_impls(options, &name, &claimed);
            let consts = e.entries.iter().zip(&claimed).map(|(x, (_, c))| {
                let doc = docs_or(x.doc.as_deref(), || {
                    format!("`{}` ({:#x}).", x.name, x.value)
                });
                let value = Literal::u64_unsuffixed(x.value);
                quote! { #doc const #c = #value; }
            });
            quote! {
                ::genl_runtime::bitflags::bitflags! {
                    #doc
                    #[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
                    #arbitrary
                    pub struct #name: #bits {
                        #(#consts)*
                        const _ = !0;
                    }
                }
                #serde
            }
        }
        DefKind::Struct(s) => {
            let name = ident(&def.rust_name);
            let fields = s.members.iter().map(|m| {
                let f = ident(&m.rust_name);
                let doc = docs(m.doc.as_deref());
                // Padding is written as zeros whatever it holds: arbitrary leaves it zero.
                let zeroed = if m.ty == MemberType::Pad && m.struct_.is_none() {
                    arbitrary_field(options, quote!(default))
                } else {
                    TokenStream::new()
                };
                let (annotation, ty) = match (m.ty, m.struct_) {
                    (_, Some(id)) => (StructField::Struct, {
                        let t = ident(&family.def(id).rust_name);
                        quote!(#t)
                    }),
                    (MemberType::Pad, _) => (StructField::Pad { len: m.size }, {
                        let n = Literal::usize_unsuffixed(m.size as usize);
                        quote!([u8; #n])
                    }),
                    (MemberType::Binary | MemberType::String, _) => {
                        let ty = if m.ty == MemberType::String {
                            crate::raw::AttrType::String
                        } else {
                            crate::raw::AttrType::Binary
                        };
                        let n = Literal::usize_unsuffixed(m.size as usize);
                        (StructField::Bytes { ty, len: m.size }, quote!([u8; #n]))
                    }
                    (t, None) => {
                        let at = crate::raw::AttrType::from_keyword(t.as_str())
                            .unwrap_or(crate::raw::AttrType::U8);
                        let (int, width) = types::int(at).unwrap_or((quote!(u8), 1));
                        let be =
                            m.byte_order == Some(crate::raw::ByteOrder::BigEndian) && width > 1;
                        let ty = if be {
                            quote!(::genl_runtime::wire::Be<#int>)
                        } else {
                            int
                        };
                        (StructField::Int { ty: at, be }, ty)
                    }
                };
                let serde = super::serde::struct_member(family, options, m);
                quote! { #doc #annotation #zeroed #serde pub #f: #ty, }
            });
            let serde = super::serde::struct_container(options);
            // All zeros, as C's `= {0}`; the standard library implements
            // `Default` for byte arrays of at most 32.
            let default = if zeroable(family, s) {
                quote!(Default,)
            } else {
                TokenStream::new()
            };
            quote! {
                #doc
                #[derive(Clone, Copy, Debug, #default PartialEq, Eq, Hash, ::genl_runtime::GenlStruct)]
                #arbitrary
                #serde
                pub struct #name {
                    #(#fields)*
                }
            }
        }
    }
}

/// A struct of attributes: the fields for `attrs` of `set`, plus the catch-all.
fn message_struct(
    family: &Family,
    options: &Options,
    p: &types::Prelude,
    name: &proc_macro2::Ident,
    set_name: &str,
    doc: TokenStream,
    attrs: &[AttrId],
) -> TokenStream {
    let mut taken: Vec<String> = Vec::new();
    let fields: Vec<TokenStream> = attrs
        .iter()
        .filter_map(|id| {
            let attr = family.attr(*id);
            let field = types::field(family, p, set_name, attr, Some(attrs))?;
            taken.push(attr.rust_name.clone());
            let f = ident(&attr.rust_name);
            let doc = docs_with_note(attr.doc.as_deref(), field.note.as_deref());
            let (ty, annotation) = (field.ty, field.annotation);
            let serde =
                super::serde::message_field(family, options, *id, &annotation, &field.value);
            Some(quote! { #doc #annotation #serde pub #f: #ty, })
        })
        .collect();
    let unknown_name = ["unknown", "unknown_attrs", "unknown_attributes"]
        .into_iter()
        .find(|n| !taken.iter().any(|t| t == n))
        .unwrap_or("genl_unknown");
    let unknown = ident(unknown_name);
    let container = ContainerAttr {
        set: Some(set_name.to_owned()),
        view: options.views && options.views_feature.is_none(),
        max_nesting: None,
    };
    let gated_view = match &options.views_feature {
        Some(feature) if options.views => quote!(#[cfg_attr(feature = #feature, genl(view))]),
        _ => TokenStream::new(),
    };
    let catch_all = MessageField::Unknown;
    let vec = &p.vec;
    let arbitrary = derive_arbitrary(options);
    let serde = super::serde::message_container(options);
    let serde_unknown = super::serde::unknown_field(options);
    quote! {
        #doc
        #[derive(Clone, Debug, Default, PartialEq, Eq, ::genl_runtime::GenlMessage)]
        #arbitrary
        #serde
        #container
        #gated_view
        pub struct #name {
            #(#fields)*
            /// Attributes this spec does not know, kept as they came.
            #catch_all
            #serde_unknown
            pub #unknown: #vec<::genl_runtime::UnknownAttr>,
        }
    }
}

pub(super) fn attr_set(
    family: &Family,
    options: &Options,
    p: &types::Prelude,
    id: SetId,
) -> TokenStream {
    let serde_markers = super::serde::type_value_markers(family, options, id);
    if p.ordered[id.index()].is_some() {
        let ordered = super::ordered::ordered_set(family, options, p, id);
        return quote!(#ordered #serde_markers);
    }
    let set = family.set(id);
    let name = ident(&set.rust_name);
    let attrs: Vec<AttrId> = (0..set.attrs.len() as u32)
        .map(|index| AttrId { set: id, index })
        .collect();
    let doc = docs(
        set.doc
            .as_deref()
            .or(Some(&format!("The attribute set `{}`.", set.name))),
    );
    let item = message_struct(family, options, p, &name, &set.name, doc, &attrs);
    quote!(#item #serde_markers)
}

/// The first paragraph of a doc text, on one line.
fn summary(doc: &str) -> String {
    doc.trim()
        .split("\n\n")
        .next()
        .unwrap_or("")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// A title line, then the op's own doc text.
pub(super) fn op_docs(title: &str, doc: &str) -> TokenStream {
    let title = format!(" {title}");
    let rest = docs(Some(doc));
    quote! { #[doc = #title] #[doc = ""] #rest }
}

/// The structs of attributes generated so far, by their fields (as
/// tokens): a reply or event with the same fields as one of them is an
/// alias of it, so that each distinct struct is derived (encoder, decoder,
/// checks, view) once.
struct Distinct {
    seen: Vec<(String, proc_macro2::Ident)>,
}

impl Distinct {
    /// Starts with the structs of the family's attribute sets.
    fn new(family: &Family, options: &Options, p: &types::Prelude) -> Self {
        let seen = family
            .set_ids()
            .filter(|id| p.ordered[id.index()].is_none())
            .map(|id| {
                let set = family.set(id);
                let attrs: Vec<AttrId> = (0..set.attrs.len() as u32)
                    .map(|index| AttrId { set: id, index })
                    .collect();
                let key = Self::key(family, options, p, &set.name, &attrs);
                (key, ident(&set.rust_name))
            })
            .collect();
        Distinct { seen }
    }

    /// What makes two structs the same: the struct without its name and doc.
    fn key(
        family: &Family,
        options: &Options,
        p: &types::Prelude,
        set_name: &str,
        attrs: &[AttrId],
    ) -> String {
        let anonymous = format_ident!("Same");
        message_struct(family, options, p, &anonymous, set_name, quote!(), attrs).to_string()
    }

    /// The struct `name` for `attrs` of `set_name`, or an alias of the
    /// struct generated earlier with the same fields (and of its view).
    #[allow(clippy::too_many_arguments)]
    fn struct_or_alias(
        &mut self,
        family: &Family,
        options: &Options,
        p: &types::Prelude,
        name: &proc_macro2::Ident,
        set_name: &str,
        doc: TokenStream,
        attrs: &[AttrId],
    ) -> TokenStream {
        let key = Self::key(family, options, p, set_name, attrs);
        let Some(same) = self.seen.iter().find(|(k, _)| *k == key).map(|(_, t)| t) else {
            self.seen.push((key, name.clone()));
            return message_struct(family, options, p, name, set_name, doc, attrs);
        };
        let note = format!(" The same attributes as [`{same}`](struct@{same}), whose type it is.");
        let view = options.views.then(|| {
            let (alias, of) = (format_ident!("{name}View"), format_ident!("{same}View"));
            let d =
                format!(" The borrowing view of [`{name}`](type@{name}): [`{of}`](struct@{of}).");
            let cfg = super::cfg_feature(options.views_feature.as_deref());
            quote! { #[doc = #d] #cfg pub type #alias<'a> = #of<'a>; }
        });
        quote! {
            #doc
            #[doc = ""]
            #[doc = #note]
            pub type #name = #same;
            #view
        }
    }
}

pub(super) fn operations(family: &Family, options: &Options, p: &types::Prelude) -> TokenStream {
    let mut items = Vec::new();
    let mut distinct = Distinct::new(family, options, p);
    let mut cmds = Vec::new();
    let mut notifications = Vec::new();
    let directional = family.operations.enum_model == EnumModel::Directional;
    for op in &family.operations.list {
        let base = names::rust_type(&op.name);
        let upper = names::rust_const(&op.name);
        let op_doc = summary(&op.doc);
        let num = |v: Option<u32>| {
            v.and_then(|v| u8::try_from(v).ok())
                .map(Literal::u8_unsuffixed)
        };
        match (directional, num(op.request_value), num(op.reply_value)) {
            (false, Some(v), _) => {
                let c = format_ident!("{}", upper);
                let d = format!(" `{}`: {op_doc}", op.name);
                cmds.push(quote! { #[doc = #d] pub const #c: u8 = #v; });
            }
            (true, req, rsp) => {
                if let Some(v) = req {
                    let c = format_ident!("{}_REQUEST", upper);
                    let d = format!(" `{}` request: {op_doc}", op.name);
                    cmds.push(quote! { #[doc = #d] pub const #c: u8 = #v; });
                }
                if let Some(v) = rsp {
                    let c = format_ident!("{}_REPLY", upper);
                    let d = format!(" `{}` reply: {op_doc}", op.name);
                    cmds.push(quote! { #[doc = #d] pub const #c: u8 = #v; });
                }
            }
            _ => {}
        }
        let set_name = op
            .attr_set
            .map_or_else(|| op.name.clone(), |s| family.set(s).name.clone());
        let header = match op.fixed_header {
            Some(id) => ident(&family.def(id).rust_name).to_token_stream(),
            None => quote!(()),
        };
        for (sub, kind) in [(&op.do_, "Do"), (&op.dump, "Dump")] {
            let Some(sub) = sub else { continue };
            let lower = kind.to_lowercase();
            let request = format_ident!("{}{}Request", base, kind);
            let doc = op_docs(&format!("The `{lower}` request of `{}`.", op.name), &op.doc);
            let attrs = sub
                .request
                .as_ref()
                .map(|m| m.attrs.as_slice())
                .unwrap_or_default();
            items.push(message_struct(
                family, options, p, &request, &set_name, doc, attrs,
            ));
            let reply = match &sub.reply {
                Some(m) => {
                    let reply = format_ident!("{}{}Reply", base, kind);
                    let doc = op_docs(&format!("The `{lower}` reply of `{}`.", op.name), &op.doc);
                    items.push(
                        distinct
                            .struct_or_alias(family, options, p, &reply, &set_name, doc, &m.attrs),
                    );
                    reply.to_token_stream()
                }
                None => quote!(::genl_runtime::NoAttrs),
            };
            let Some(cmd) = num(op.request_value) else {
                continue;
            };
            let reply_cmd = match num(op.reply_value) {
                Some(v) => quote!(Some(#v)),
                None => quote!(None),
            };
            let option = &p.option;
            let kind = format_ident!("{}", kind);
            let op_name = &op.name;
            items.push(quote! {
                impl ::genl_runtime::Request for #request {
                    const FAMILY: &'static str = FAMILY_NAME;
                    const VERSION: u8 = FAMILY_VERSION;
                    const OPERATION: &'static str = #op_name;
                    const CMD: u8 = #cmd;
                    const REPLY_CMD: #option<u8> = #reply_cmd;
                    const KIND: ::genl_runtime::RequestKind = ::genl_runtime::RequestKind::#kind;
                    type Header = #header;
                    type Reply = #reply;
                }
            });
        }
        if let Some(attrs) = &op.event {
            let name = format_ident!("{}Event", base);
            let doc = format!("The event `{}`.", op.name);
            let doc = op_docs(&doc, &op.doc);
            items.push(distinct.struct_or_alias(family, options, p, &name, &set_name, doc, attrs));
        }
        // A notification shares the reply type of the op it notifies with.
        if let Some(target) = op.notify {
            let t = family.op(target);
            let kind = if t.do_.as_ref().is_some_and(|d| d.reply.is_some()) {
                "Do"
            } else {
                "Dump"
            };
            let reply = format_ident!("{}{}Reply", names::rust_type(&t.name), kind);
            let alias = format_ident!("{}Notification", base);
            let doc = op_docs(
                &format!("The notification `{}`: a `{}` reply.", op.name, t.name),
                &op.doc,
            );
            items.push(quote! { #doc pub type #alias = #reply; });
        }
        if op.is_async()
            && let Some(cmd) = num(op.reply_value)
        {
            let c = format_ident!("{}", upper);
            let op_name = &op.name;
            let group = match op.mcgrp.map(|g| family.mcast_group(g).name.as_str()) {
                Some(g) => quote!(Some(#g)),
                None => quote!(None),
            };
            let d = format!(" `{}`: {op_doc}", op.name);
            notifications.push(quote! {
                #[doc = #d]
                pub const #c: ::genl_runtime::Notification = ::genl_runtime::Notification {
                    operation: #op_name,
                    cmd: #cmd,
                    group: #group,
                };
            });
        }
    }
    let groups = family.mcast_groups.iter().map(|g| {
        let c = format_ident!("{}", names::rust_const(&g.name));
        let name = &g.name;
        let d = format!(" The multicast group `{name}`.");
        quote! { #[doc = #d] pub const #c: &str = #name; }
    });
    quote! {
        #(#items)*
        /// Command numbers of the operations.
        pub mod cmd {
            #(#cmds)*
        }
        /// The messages the kernel sends on its own, by operation.
        pub mod notifications {
            #(#notifications)*
        }
        /// Names of the multicast groups.
        pub mod mcgrp {
            #(#groups)*
        }
    }
}

/// Whether a struct can derive `Default`: no byte array of its own or of a
/// nested struct is longer than 32.
fn zeroable(family: &Family, s: &crate::model::StructDef) -> bool {
    s.members.iter().all(|m| match m.struct_ {
        Some(id) => match &family.def(id).kind {
            DefKind::Struct(inner) => zeroable(family, inner),
            _ => true,
        },
        None => {
            !matches!(
                m.ty,
                MemberType::Pad | MemberType::Binary | MemberType::String
            ) || m.size <= 32
        }
    })
}

#[cfg(test)]
mod tests {
    use super::{Options, doc_lines};

    #[test]
    fn docs_never_become_doctests_or_links() {
        let doc = "Title\n~~~~~\nIntro [A_B]:\n\n    indented block\n      deeper\n\n```\ncode\n```\n  - item";
        let expected = [
            "Title",
            "",
            r"Intro \[A_B\]:",
            "",
            "   indented block",
            "   deeper",
            "",
            "```text",
            "code",
            "```",
            "  - item",
        ];
        assert_eq!(doc_lines(doc), expected);
    }

    #[test]
    fn a_reply_with_the_fields_of_an_earlier_struct_is_an_alias_of_it() {
        let spec = crate::Spec::parse(
            "t.yaml",
            "name: t\ndoc: d\nattribute-sets:\n  - name: attrs\n    attributes:\n      - { name: a, type: u32 }\n      - { name: b, type: string }\noperations:\n  list:\n    - { name: get, doc: g, attribute-set: attrs, do: { request: { attributes: [ a ] }, reply: { attributes: [ a, b ] } }, dump: { request: { attributes: [ a ] }, reply: { attributes: [ a, b ] } } }\n    - { name: del, doc: x, attribute-set: attrs, do: { request: { attributes: [ a ] }, reply: { attributes: [ b ] } } }\n",
        )
        .unwrap_or_else(|e| panic!("{}", e.render()));
        let code = crate::codegen::generate(&spec, &Options::default().with_views(true));
        // The replies with every attribute are the set's struct.
        assert!(code.contains("pub type GetDoReply = Attrs;"), "{code}");
        assert!(code.contains("pub type GetDumpReply = Attrs;"), "{code}");
        assert!(
            code.contains("pub type GetDumpReplyView<'a> = AttrsView<'a>;"),
            "{code}"
        );
        // Other fields, another struct; requests are never aliases, as each
        // implements `Request` with its own operation.
        assert!(code.contains("pub struct DelDoReply {"), "{code}");
        for request in ["GetDoRequest", "GetDumpRequest", "DelDoRequest"] {
            assert!(code.contains(&format!("pub struct {request} {{")), "{code}");
        }
    }

    #[test]
    fn the_arbitrary_option_derives_it_behind_the_feature() {
        let spec = crate::Spec::parse(
            "t.yaml",
            "name: t\nprotocol: netlink-raw\nprotonum: 0\ndoc: d\ndefinitions:\n  - { name: colour, type: enum, entries: [ red, green ] }\n  - { name: feat, type: flags, entries: [ a, b ] }\n  - name: hdr\n    type: struct\n    members:\n      - { name: x, type: u16 }\n      - { name: pad, type: pad, len: 2 }\nattribute-sets:\n  - name: attrs\n    attributes:\n      - { name: colour, type: u32, enum: colour }\n      - { name: feat, type: u32, enum: feat }\n      - { name: hdr, type: binary, struct: hdr }\noperations:\n  list:\n    - { name: get, doc: g, attribute-set: attrs, do: { request: { attributes: [ colour, feat, hdr ] } } }\n",
        )
        .unwrap_or_else(|e| panic!("{}", e.render()));
        let plain = crate::codegen::generate(&spec, &Options::default());
        assert!(!plain.contains("arbitrary"), "{plain}");
        let code = crate::codegen::generate(&spec, &Options::default().with_arbitrary(true));
        let derive = r#"#[cfg_attr(feature = "arbitrary", derive(::arbitrary::Arbitrary))]"#;
        // The enum, the flags (inside `bitflags!`, laid out differently), the
        // C struct, the set and the `do` request.
        let flat = code.split_whitespace().collect::<Vec<_>>().join(" ");
        assert_eq!(flat.matches(derive).count(), 5, "{code}");
        assert!(
            code.contains(
                "arbitrary(with = ::genl_runtime::codec::arbitrary_unlisted(Self::Unknown))"
            ),
            "{code}"
        );
        assert!(
            code.contains(
                "#[cfg_attr(feature = \"arbitrary\", arbitrary(default))]\n    pub pad: [u8; 2],"
            ),
            "{code}"
        );
    }
}
