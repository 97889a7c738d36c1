//! Ordered attribute sets ([`Options::with_ordered_set`]): an enum with one
//! variant per attribute, deriving `GenlAttr`, so that a `Vec` of it keeps
//! the order of the attributes across their types.

use super::Options;
use super::items::{derive_arbitrary, docs, docs_with_note, wrap};
use super::types::{self, ident};
use crate::model::{Family, SetId};
use crate::names::{self, Scope};
use crate::raw::AttrType;
use crate::vocab::{ContainerAttr, MessageField, variant_spec_name};
use proc_macro2::TokenStream;
use quote::quote;

/// The enum of the ordered set `id`.
pub(super) fn ordered_set(
    family: &Family,
    options: &Options,
    p: &types::Prelude,
    id: SetId,
) -> TokenStream {
    let set = family.set(id);
    let name = ident(p.ordered[id.index()].as_deref().unwrap_or(&set.rust_name));
    let mut scope = Scope::types();
    let variants: Vec<TokenStream> = set
        .attrs
        .iter()
        .filter_map(|attr| {
            let field = types::field(family, p, &set.name, attr, None)?;
            let MessageField::Attr(mut f) = field.annotation else {
                return None;
            };
            // Every attribute is an element of its own, repeated or not.
            f.multi_attr = false;
            let variant = scope.claim(names::rust_type(&attr.name), &attr.name).ident;
            f.name = (variant_spec_name(&variant) != attr.name).then(|| attr.name.clone());
            let fallback = format!("The `{}` attribute ({}).", attr.name, attr.value);
            let doc = docs_with_note(
                Some(attr.doc.as_deref().unwrap_or(&fallback)),
                field.note.as_deref(),
            );
            let is_flag = f.ty == AttrType::Flag;
            let annotation = MessageField::Attr(f);
            let v = ident(&variant);
            let value = field.value;
            let serde =
                super::serde::ordered_variant(family, options, id, attr, &annotation, &value);
            Some(if is_flag {
                quote! { #doc #annotation #serde #v, }
            } else {
                quote! { #doc #annotation #serde #v(#value), }
            })
        })
        .collect();
    let unknown = if set
        .attrs
        .iter()
        .any(|a| names::rust_type(&a.name) == "Unknown")
    {
        ident("Unlisted")
    } else {
        ident("Unknown")
    };
    let container = ContainerAttr {
        set: Some(set.name.clone()),
        max_nesting: options
            .max_nesting
            .iter()
            .rev()
            .find(|(s, _)| *s == set.name)
            .map(|(_, n)| *n),
        ..ContainerAttr::default()
    };
    let doc = docs(Some(
        set.doc
            .as_deref()
            .unwrap_or(&format!("The attribute set `{}`.", set.name)),
    ));
    let list = docs(Some(&wrap(
        "An ordered list of the set: one value is one attribute, and a `Vec` of \
         them keeps their order (an empty `Vec`, an empty nest, is not `None`, \
         an absent one).",
    )));
    let arbitrary = derive_arbitrary(options);
    let serde = super::serde::ordered_container(options);
    let serde_unknown = super::serde::ordered_unknown(options);
    quote! {
        #doc
        #[doc = ""]
        #list
        #[derive(Clone, Debug, PartialEq, Eq, ::genl_runtime::GenlAttr)]
        #arbitrary
        #serde
        #container
        pub enum #name {
            #(#variants)*
            /// An attribute this spec does not know, kept as it came.
            #[genl(unknown)]
            #serde_unknown
            #unknown(::genl_runtime::UnknownAttr),
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::codegen::{Options, generate};

    fn spec(extra_defs: &str) -> crate::Spec {
        let text = format!(
            "name: t\nprotocol: genetlink-legacy\ndoc: d\ndefinitions:\n  - {{ name: hdr, type: struct, members: [ {{ name: x, type: u32 }} ] }}\n{extra_defs}\
attribute-sets:\n  - name: action-attrs\n    attributes:\n      - {{ name: output, type: u32 }}\n      - {{ name: sample, type: nest, nested-attributes: sample-attrs }}\n      - {{ name: pop, type: flag }}\n      - {{ name: unknown, type: u8, multi-attr: true }}\n      - {{ name: push, type: binary, struct: hdr }}\n  - name: sample-attrs\n    attributes:\n      - {{ name: actions, type: nest, nested-attributes: action-attrs }}\n\
operations:\n  list:\n    - {{ name: get, doc: g, attribute-set: sample-attrs, do: {{ request: {{ attributes: [ actions ] }} }} }}\n"
        );
        crate::Spec::parse("t.yaml", &text).unwrap_or_else(|e| panic!("{}", e.render()))
    }

    #[test]
    fn an_ordered_set_is_an_enum_nested_as_an_optional_vec() {
        let plain = generate(&spec(""), &Options::default());
        // Recursion through the set needs boxes when it is a struct.
        assert!(
            plain.contains("pub actions: Option<Box<ActionAttrs>>,"),
            "{plain}"
        );
        assert!(
            plain.contains("pub sample: Option<Box<SampleAttrs>>,"),
            "{plain}"
        );

        let code = generate(
            &spec(""),
            &Options::default().with_ordered_set("action-attrs"),
        );
        assert!(!code.contains("Box<"), "a Vec breaks the recursion: {code}");
        for line in [
            "pub enum Action {",
            "    Output(u32),",
            "    #[genl(id = 2, nest)]\n    Sample(SampleAttrs),",
            "    #[genl(id = 3, flag)]\n    Pop,",
            // A repeated attribute is one element per repeat.
            "    #[genl(id = 4, u8)]\n    Unknown(u8),",
            "    #[genl(id = 5, binary, struct_)]\n    Push(Hdr),",
            "    #[genl(unknown)]\n    Unlisted(::genl_runtime::UnknownAttr),",
            "    pub actions: Option<Vec<Action>>,",
        ] {
            assert!(code.contains(line), "{line}\n{code}");
        }
        assert!(!code.contains("pub struct ActionAttrs"), "{code}");
        // The enum has no Default: a list has no natural first element.
        let derive = code
            .lines()
            .rev()
            .skip_while(|l| !l.starts_with("pub enum Action"))
            .find(|l| l.starts_with("#[derive"))
            .unwrap();
        assert!(!derive.contains("Default"), "{derive}");
    }

    #[test]
    fn the_enum_keeps_the_set_name_when_the_short_one_is_taken() {
        let s = spec("  - { name: action, type: enum, entries: [ a ] }\n");
        let code = generate(&s, &Options::default().with_ordered_set("action-attrs"));
        assert!(code.contains("pub enum ActionAttrs {"), "{code}");
        assert!(
            code.contains("pub actions: Option<Vec<ActionAttrs>>,"),
            "{code}"
        );
    }
}
