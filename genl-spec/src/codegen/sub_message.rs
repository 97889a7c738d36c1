//! Typed sub-messages: per sub-message, an enum with one variant per format,
//! deriving `GenlSubMessage`. The struct holding a sub-message attribute
//! names its selector (`#[genl(id = 2, sub_message, selector = kind)]`);
//! see [`types::field`] for when an attribute is typed.

use super::Options;
use super::items::{derive_arbitrary, docs, wrap};
use super::types::{self, ident};
use crate::model::{Family, SubMessage};
use crate::vocab::{FormatAttr, FormatValue};
use proc_macro2::TokenStream;
use quote::quote;

/// The enums of the family's typed sub-messages.
pub(super) fn sub_messages(family: &Family, options: &Options, p: &types::Prelude) -> TokenStream {
    let enums = family
        .sub_messages
        .iter()
        .zip(&p.sub_messages)
        .filter_map(|(msg, typing)| Some(sub_message(family, options, p, msg, typing.as_ref()?)));
    quote!(#(#enums)*)
}

fn sub_message(
    family: &Family,
    options: &Options,
    p: &types::Prelude,
    msg: &SubMessage,
    typing: &types::SubMessageTyping,
) -> TokenStream {
    let name = ident(&msg.rust_name);
    let variants = msg.formats.iter().zip(&typing.values).map(|(f, value)| {
        let v = ident(&f.rust_name);
        let header = f.fixed_header.map(|h| {
            let t = ident(&family.def(h).rust_name);
            quote!(#t)
        });
        let attrs = f.attr_set.map(|s| p.set_type(family, s));
        let annotation = FormatAttr::Format {
            value: value.clone(),
            fixed_header: header.is_some(),
        };
        let shown = match value {
            FormatValue::Str(_) => format!("`{}`", f.value),
            FormatValue::Int(i) if f.value.trim() == i.to_string() => format!("`{i}`"),
            FormatValue::Int(i) => format!("`{}` ({i})", f.value),
        };
        let header_name = f.fixed_header.map(|h| family.def(h).name.as_str());
        let set_name = f.attr_set.map(|s| family.set(s).name.as_str());
        let doc = match (header_name, set_name) {
            (None, None) => format!("The format for {shown}, which has no payload."),
            (Some(h), None) => format!("The format for {shown}: the fixed header `{h}`."),
            (None, Some(s)) => format!("The format for {shown}: the attributes of `{s}`."),
            (Some(h), Some(s)) => format!(
                "The format for {shown}: the fixed header `{h}`, then the attributes of `{s}`."
            ),
        };
        let doc = docs(Some(&wrap(&doc)));
        let fields: Vec<TokenStream> = header.into_iter().chain(attrs).collect();
        if fields.is_empty() {
            quote! { #doc #annotation #v, }
        } else {
            quote! { #doc #annotation #v(#(#fields),*), }
        }
    });
    let unknown = if msg.formats.iter().any(|f| f.rust_name == "Unknown") {
        ident("Unlisted")
    } else {
        ident("Unknown")
    };
    let doc = docs(Some(&wrap(&format!(
        "The sub-message `{}`: the payload of an attribute, in the format that \
         the value of its selector names.",
        msg.name
    ))));
    let vec = &p.vec;
    let arbitrary = derive_arbitrary(options);
    let catch_all = FormatAttr::Unknown;
    quote! {
        #doc
        #[derive(Clone, Debug, PartialEq, Eq, ::genl_runtime::GenlSubMessage)]
        #arbitrary
        pub enum #name {
            #(#variants)*
            /// The payload of a format this spec does not list (or of any
            /// format, when the selector is absent), as it came.
            #catch_all
            #unknown(#vec<u8>),
        }
    }
}
