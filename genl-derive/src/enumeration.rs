//! `#[derive(GenlEnum)]`: an enum of a spec, with a variant that keeps the
//! values the spec does not list.

use genl_spec::vocab::{Errors, VariantAttr, variant_spec_name};
use proc_macro2::TokenStream;
use quote::{quote, quote_spanned};
use syn::spanned::Spanned;

use crate::input;
use crate::types::{Expect, canonical};

/// Expands `#[derive(GenlEnum)]`.
pub(crate) fn expand(input: &syn::DeriveInput) -> TokenStream {
    let mut errors = Errors::new();
    if let Some(attr) = input.attrs.iter().find(|a| a.path().is_ident("genl")) {
        errors.error_at(
            attr,
            "#[derive(GenlEnum)] takes no `#[genl(...)]` on the enum, only on its variants",
        );
    }
    input::no_generics(input, "GenlEnum", &mut errors);
    let variants: Vec<&syn::Variant> = match &input.data {
        syn::Data::Enum(e) => e.variants.iter().collect(),
        syn::Data::Struct(s) => {
            errors.error_at(
                s.struct_token,
                "#[derive(GenlEnum)] is for enums, not structs; a struct of attributes derives \
                 `GenlMessage`, a C struct `GenlStruct`",
            );
            Vec::new()
        }
        syn::Data::Union(u) => {
            errors.error_at(
                u.union_token,
                "#[derive(GenlEnum)] is for enums, not unions",
            );
            Vec::new()
        }
    };

    let mut known: Vec<(&syn::Ident, u64, String)> = Vec::new();
    let mut unknown: Option<(&syn::Ident, &syn::Field)> = None;
    for v in &variants {
        match VariantAttr::parse(v, &mut errors) {
            Some(VariantAttr::Value { value, name }) => {
                if !matches!(v.fields, syn::Fields::Unit) {
                    errors.error_at(
                        &v.fields,
                        format!(
                            "a variant with `value = {value}` has no fields; only the \
                             `#[genl(unknown)]` variant holds a value"
                        ),
                    );
                }
                if let Some((other, _, _)) = known.iter().find(|(_, x, _)| *x == value) {
                    errors.error_at(
                        &v.ident,
                        format!("value {value} is already the value of `{other}`"),
                    );
                }
                let name = name.unwrap_or_else(|| variant_spec_name(&v.ident.to_string()));
                if let Some((other, _, _)) = known.iter().find(|(_, _, n)| *n == name) {
                    errors.error_at(
                        &v.ident,
                        format!(
                            "the name `{name}` is already the name of `{other}`; give one of \
                             them `name = \"...\"`"
                        ),
                    );
                }
                known.push((&v.ident, value, name));
            }
            Some(VariantAttr::Unknown) => {
                let field = match &v.fields {
                    syn::Fields::Unnamed(f) if f.unnamed.len() == 1 => f.unnamed.first(),
                    _ => None,
                };
                match (&unknown, field) {
                    (Some((first, _)), _) => errors.error_at(
                        &v.ident,
                        format!("only one variant can be `#[genl(unknown)]`; `{first}` is already"),
                    ),
                    (None, None) => errors.error_at(
                        v,
                        format!(
                            "the `#[genl(unknown)]` variant holds the value: `{}(u64)`",
                            v.ident
                        ),
                    ),
                    (None, Some(f)) => {
                        if let Some(wrong) = Expect::Exactly("u64".into()).mismatch(&f.ty) {
                            errors.error_at(
                                &f.ty,
                                format!("the `#[genl(unknown)]` variant holds {wrong}"),
                            );
                        }
                        unknown = Some((&v.ident, f));
                    }
                }
            }
            None => {}
        }
    }
    let ident = &input.ident;
    let is_enum = matches!(input.data, syn::Data::Enum(_));
    if unknown.is_none() && is_enum && !variants.iter().any(|v| is_marked_unknown(v)) {
        errors.error_at(
            ident,
            format!(
                "#[derive(GenlEnum)] needs a variant for the values the spec does not list: \
                 `#[genl(unknown)] Unknown(u64)`; `{ident}` has none"
            ),
        );
    }
    match (errors.finish(), unknown) {
        (Ok(()), Some((unknown, field))) => generate(ident, &known, unknown, field),
        (Ok(()), None) => TokenStream::new(),
        (Err(e), unknown) => {
            let errors = e.into_compile_error();
            // The fallback builds the unknown variant from a `u64`.
            let fallback = unknown
                .filter(|(_, f)| {
                    input::can_fall_back(input) && canonical(&f.ty).as_deref() == Some("u64")
                })
                .map(|(u, _)| fallback(ident, u));
            quote!(#errors #fallback)
        }
    }
}

/// Whether a variant says `#[genl(unknown)]`, however badly shaped.
fn is_marked_unknown(v: &syn::Variant) -> bool {
    let mut errors = Errors::new();
    VariantAttr::parse(v, &mut errors) == Some(VariantAttr::Unknown)
}

fn generate(
    ident: &syn::Ident,
    known: &[(&syn::Ident, u64, String)],
    unknown: &syn::Ident,
    field: &syn::Field,
) -> TokenStream {
    let names: Vec<_> = known.iter().map(|(n, _, _)| *n).collect();
    let values: Vec<_> = known.iter().map(|(_, v, _)| *v).collect();
    let spec_names: Vec<_> = known.iter().map(|(_, _, s)| s.as_str()).collect();
    let ty = &field.ty;
    let from_unknown = quote_spanned!(ty.span()=> {
        let __genl_v: #ty = __genl_value;
        Self::#unknown(__genl_v)
    });
    let to_unknown = quote_spanned!(ty.span()=> {
        let __genl_v: u64 = __genl_v;
        __genl_v
    });
    quote! {
        #[automatically_derived]
        impl ::genl_runtime::GenlEnum for #ident {
            fn from_value(__genl_value: u64) -> Self {
                match __genl_value {
                    #(#values => Self::#names,)*
                    _ => #from_unknown,
                }
            }

            fn value(self) -> u64 {
                match self {
                    #(Self::#names => #values,)*
                    Self::#unknown(__genl_v) => #to_unknown,
                }
            }

            fn name(self) -> ::core::option::Option<&'static str> {
                match self {
                    #(Self::#names => ::core::option::Option::Some(#spec_names),)*
                    Self::#unknown(_) => ::core::option::Option::None,
                }
            }

            fn from_name(__genl_name: &str) -> ::core::option::Option<Self> {
                match __genl_name {
                    #(#spec_names => ::core::option::Option::Some(Self::#names),)*
                    _ => ::core::option::Option::None,
                }
            }
        }
    }
}

/// An impl that keeps the rest of the crate compiling while the derive's
/// errors are reported.
fn fallback(ident: &syn::Ident, unknown: &syn::Ident) -> TokenStream {
    quote! {
        #[automatically_derived]
        impl ::genl_runtime::GenlEnum for #ident {
            fn from_value(__genl_value: u64) -> Self {
                Self::#unknown(__genl_value)
            }
            fn value(self) -> u64 {
                0
            }
        }
    }
}
