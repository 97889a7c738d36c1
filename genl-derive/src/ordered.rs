//! `#[derive(GenlAttr)]`: the enum of an ordered attribute set, one variant
//! per attribute, so that a `Vec` of it keeps the order of the wire.
//!
//! Each variant takes the options of a field ([`MessageField`]); its one
//! unnamed field holds the value ([`Codec`] as for a struct), and a `flag`
//! is a unit variant. The shape of a variant is simpler than a field's: the
//! variant's presence is the attribute's.

use crate::codec::{Codec, keyword};
use crate::input;
use crate::message::{bind_policies, policy_table, policy_value};
use crate::types;
use genl_spec::raw::AttrType;
use genl_spec::vocab::{Checks, ContainerAttr, Errors, FieldAttr, MessageField, variant_spec_name};
use proc_macro2::{Span, TokenStream};
use quote::{format_ident, quote, quote_spanned};
use syn::spanned::Spanned;

/// How a variant holds the value of its attribute.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Shape {
    /// No field: a `flag`.
    Unit,
    /// `V(E)`.
    Bare,
    /// `V(Box<E>)`, for a recursive `nest`.
    Boxed,
    /// `V(Vec<E>)`: the elements of an `indexed_array`.
    Whole,
}

/// A variant that is an attribute.
struct AttrVariant<'a> {
    ident: &'a syn::Ident,
    /// Spec name, for policies and error paths.
    name: String,
    id: u16,
    /// The type of one value; `bool` for a flag.
    elem: syn::Type,
    shape: Shape,
    codec: Codec,
    checks: Checks,
    span: Span,
}

/// Expands `#[derive(GenlAttr)]`.
pub(crate) fn expand(input: &syn::DeriveInput) -> TokenStream {
    let mut errors = Errors::new();
    let container = ContainerAttr::parse(&input.attrs, &mut errors);
    if container.view {
        errors.error_at(
            &input.ident,
            "`view` is for `#[derive(GenlMessage)]` structs, not for an ordered set's enum",
        );
    }
    input::no_generics(input, "GenlAttr", &mut errors);
    let set = container
        .set
        .clone()
        .unwrap_or_else(|| input.ident.to_string());
    let variants: Vec<&syn::Variant> = match &input.data {
        syn::Data::Enum(e) if e.variants.is_empty() => {
            errors.error_at(
                &input.ident,
                "#[derive(GenlAttr)] needs one variant per attribute of the set",
            );
            Vec::new()
        }
        syn::Data::Enum(e) => e.variants.iter().collect(),
        syn::Data::Struct(s) => {
            errors.error_at(
                s.struct_token,
                "#[derive(GenlAttr)] is for the enum of an ordered set, one variant per \
                 attribute; a struct of attributes derives `GenlMessage`",
            );
            Vec::new()
        }
        syn::Data::Union(u) => {
            errors.error_at(
                u.union_token,
                "#[derive(GenlAttr)] is for the enum of an ordered set, not unions",
            );
            Vec::new()
        }
    };

    let mut attrs: Vec<AttrVariant<'_>> = Vec::new();
    let mut ids: Vec<(u16, &syn::Ident)> = Vec::new();
    let mut unknown: Option<&syn::Ident> = None;
    for v in variants {
        match MessageField::parse_variant(v, &mut errors) {
            Some(MessageField::Attr(f)) => {
                if let Some((_, other)) = ids.iter().find(|(id, _)| *id == f.id) {
                    errors.error_at(
                        types::genl_attrs_or(&v.attrs, &v.ident),
                        format!("attribute type {} is already used by `{other}`", f.id),
                    );
                }
                ids.push((f.id, &v.ident));
                attrs.extend(attr_variant(v, f, &mut errors));
            }
            Some(MessageField::Unknown) => {
                if let Some(first) = unknown {
                    errors.error_at(
                        types::genl_attrs_or(&v.attrs, &v.ident),
                        format!("only one variant can be `#[genl(unknown)]`; `{first}` is already"),
                    );
                    continue;
                }
                unknown = Some(&v.ident);
                if one_field(&v.fields).is_none() {
                    errors.error_at(
                        &v.ident,
                        "the `#[genl(unknown)]` variant holds the attribute in one field: \
                         `Unknown(::genl_runtime::UnknownAttr)`",
                    );
                }
            }
            None => {}
        }
    }

    let ident = &input.ident;
    match errors.finish() {
        Ok(()) => generate(ident, &set, &attrs, unknown, container.max_nesting),
        Err(e) => {
            let fallback = input::can_fall_back(input).then(|| fallback(ident, &set));
            let errors = e.into_compile_error();
            quote!(#errors #fallback)
        }
    }
}

/// The type of a variant's single unnamed field.
fn one_field(fields: &syn::Fields) -> Option<&syn::Type> {
    match fields {
        syn::Fields::Unnamed(f) if f.unnamed.len() == 1 => f.unnamed.first().map(|f| &f.ty),
        _ => None,
    }
}

/// Checks a variant's field against its annotation.
fn attr_variant<'a>(
    v: &'a syn::Variant,
    f: FieldAttr,
    errors: &mut Errors,
) -> Option<AttrVariant<'a>> {
    let at = types::genl_attrs_or(&v.attrs, &v.ident);
    if f.multi_attr {
        errors.error_at(
            &at,
            "`multi_attr` does not apply to a variant: every attribute of an ordered set \
             is an element of its own, repeated or not",
        );
        return None;
    }
    if f.ty == AttrType::SubMessage {
        errors.error_at(
            &at,
            "a `sub_message` is not a variant of an ordered set, where its selector would be \
             another element: keep its payload as `binary`",
        );
        return None;
    }
    let codec = Codec::of(&f, &at, errors)?;
    let t = keyword(f.ty);
    let (shape, elem) = if f.ty == AttrType::Flag {
        if !matches!(v.fields, syn::Fields::Unit) {
            errors.error_at(
                &v.fields,
                "a `flag` variant has no field: the attribute is there or not",
            );
            return None;
        }
        (Shape::Unit, syn::parse_quote!(bool))
    } else {
        let Some(ty) = one_field(&v.fields) else {
            let hint = if matches!(v.fields, syn::Fields::Unit) {
                v.ident.span()
            } else {
                v.fields.span()
            };
            errors.push(syn::Error::new(
                hint,
                format!(
                    "a `{t}` variant holds the attribute's value in one unnamed field, such as \
                     `{}(u32)`",
                    v.ident
                ),
            ));
            return None;
        };
        if f.ty == AttrType::IndexedArray {
            match types::vec_of(ty) {
                Some(elem) => (Shape::Whole, elem.clone()),
                None => {
                    errors.error_at(
                        ty,
                        "an `indexed_array` variant holds a `Vec` of its elements",
                    );
                    return None;
                }
            }
        } else {
            match types::box_of(ty) {
                Some(elem) if f.ty == AttrType::Nest => (Shape::Boxed, elem.clone()),
                Some(_) => {
                    errors.error_at(
                        ty,
                        format!("`Box` is for recursive `nest` attributes, not for a `{t}` one"),
                    );
                    return None;
                }
                None => (Shape::Bare, ty.clone()),
            }
        }
    };
    if let Some(wrong) = codec.expect().mismatch(&elem) {
        errors.error_at(&elem, format!("a `{t}` attribute holds {wrong}"));
        return None;
    }
    let span = match one_field(&v.fields) {
        Some(ty) => ty.span(),
        None => v.ident.span(),
    };
    Some(AttrVariant {
        ident: &v.ident,
        name: f
            .name
            .unwrap_or_else(|| variant_spec_name(&v.ident.to_string())),
        id: f.id,
        elem,
        shape,
        codec,
        checks: f.checks,
        span,
    })
}

/// The impl of an enum whose annotations are all valid.
fn generate(
    ident: &syn::Ident,
    set: &str,
    attrs: &[AttrVariant<'_>],
    unknown: Option<&syn::Ident>,
    max_nesting: Option<usize>,
) -> TokenStream {
    let policy_names: Vec<syn::Ident> = (0..attrs.len())
        .map(|i| format_ident!("__genl_attr_policy{}", i))
        .collect();
    let policies = attrs.iter().map(|a| {
        let kind = a.codec.kind(&a.elem, a.span);
        policy_value(&a.name, a.id, kind, &a.checks, a.span)
    });
    let policy_table = policy_table(set, policies);
    let bind_policies = bind_policies(&policy_names);
    let v = quote!(__genl_v);
    let enc = quote!(__genl_enc);

    let mut encode = Vec::new();
    let mut len = Vec::new();
    let mut decode = Vec::new();
    let mut validate = Vec::new();
    for (a, p) in attrs.iter().zip(&policy_names) {
        let (vi, id, elem, span, name) = (a.ident, a.id, &a.elem, a.span, &a.name);
        // Binds `__genl_v` to `&E` (to the `Vec` for an indexed array).
        let (pat, bind) = match a.shape {
            Shape::Unit => (quote!(Self::#vi), TokenStream::new()),
            Shape::Bare | Shape::Whole => (quote!(Self::#vi(#v)), TokenStream::new()),
            Shape::Boxed => (
                quote!(Self::#vi(#v)),
                quote_spanned!(span=> let #v: &#elem = #v;),
            ),
        };
        if a.shape == Shape::Unit {
            encode.push(quote!(#pat => #enc::flag::encode(#id, &true, __genl_w),));
            len.push(quote!(#pat => #enc::flag::len(&true),));
            decode.push(quote!(#id => Self::#vi,));
            validate.push(quote!(#pat => {}));
            continue;
        }
        let one = a.codec.encode(id, elem, &v, span);
        encode.push(quote!(#pat => { #bind #one; }));
        let size = a.codec.len(elem, &v, span);
        len.push(quote!(#pat => { #bind #size }));
        let value = a.codec.decode(elem, span);
        let value = in_attr(&value, name, span);
        decode.push(match a.shape {
            Shape::Boxed => {
                quote_spanned!(span=> #id => Self::#vi(::std::boxed::Box::new(#value)),)
            }
            _ => quote_spanned!(span=> #id => Self::#vi(#value),),
        });
        let nests = a.codec.nests();
        let check = a.codec.validate(elem, &a.checks, p, &v, span);
        validate.push(match (check, a.shape, nests) {
            (None, ..) => quote!(#pat => {}),
            (Some(check), Shape::Whole, false) => quote_spanned! {span=>
                #pat => for #v in #v { #check?; }
            },
            (Some(check), Shape::Whole, true) => {
                let check = in_item(&check, &quote!(__genl_i), name, span);
                quote_spanned! {span=>
                    #pat => for (__genl_i, #v) in #v.iter().enumerate() { #check; }
                }
            }
            (Some(check), _, false) => quote_spanned!(span=> #pat => { #bind #check?; }),
            (Some(check), _, true) => {
                let check = in_attr(&check, name, span);
                quote_spanned!(span=> #pat => { #bind #check; })
            }
        });
    }
    let (unknown_encode, unknown_len, unknown_decode, unknown_validate) = match unknown {
        Some(u) => (
            quote!(Self::#u(#v) => #enc::unknown::encode(#v, __genl_w),),
            quote!(Self::#u(#v) => #enc::unknown::len(#v),),
            quote!(_ => Self::#u(#enc::unknown::decode(&__genl_attr)),),
            quote!(Self::#u(_) => {}),
        ),
        None => (
            TokenStream::new(),
            TokenStream::new(),
            quote!(_ => return ::core::result::Result::Ok(::core::option::Option::None),),
            TokenStream::new(),
        ),
    };
    let max_nesting = max_nesting.map(|n| {
        let n = proc_macro2::Literal::usize_unsuffixed(n);
        quote!(const MAX_NESTING: ::core::option::Option<usize> = ::core::option::Option::Some(#n);)
    });
    let uses_depth = attrs.iter().any(|a| a.codec.nests());
    let imports = crate::codec::imports();
    let depth_unused = (!uses_depth).then(|| quote!(let _ = __genl_depth;));

    quote! {
        #[doc(hidden)]
        const _: () = {
            #imports
            #policy_table

            #[automatically_derived]
            impl ::genl_runtime::GenlAttr for #ident {
                #max_nesting

                fn policy() -> &'static __genl_policy::SetPolicy {
                    &__GENL_POLICY
                }

                #[inline]
                fn encode(&self, __genl_w: &mut ::genl_runtime::wire::Writer<'_>) {
                    match self {
                        #(#encode)*
                        #unknown_encode
                    }
                }

                #[inline]
                fn encoded_len(&self) -> usize {
                    match self {
                        #(#len)*
                        #unknown_len
                    }
                }

                #[inline]
                fn decode_attr(
                    __genl_in: &::genl_runtime::wire::Attr<'_>,
                    __genl_depth: usize,
                ) -> ::core::result::Result<
                    ::core::option::Option<Self>,
                    ::genl_runtime::wire::DecodeError,
                > {
                    #depth_unused
                    let __genl_attr = *__genl_in;
                    ::core::result::Result::Ok(::core::option::Option::Some(match __genl_attr.ty {
                        #(#decode)*
                        #unknown_decode
                    }))
                }

                #[inline]
                fn validate(&self) -> ::core::result::Result<(), __genl_policy::PolicyError> {
                    #bind_policies
                    match self {
                        #(#validate)*
                        #unknown_validate
                    }
                    ::core::result::Result::Ok(())
                }
            }
        };
    }
}

/// An impl that keeps the rest of the crate compiling while the derive's
/// errors are reported: it is never run, since the crate does not build.
fn fallback(ident: &syn::Ident, set: &str) -> TokenStream {
    quote! {
        #[doc(hidden)]
        const _: () = {
            static __GENL_POLICY: ::genl_runtime::policy::SetPolicy =
                ::genl_runtime::policy::SetPolicy { name: #set, attrs: &[] };

            #[automatically_derived]
            impl ::genl_runtime::GenlAttr for #ident {
                fn policy() -> &'static ::genl_runtime::policy::SetPolicy {
                    &__GENL_POLICY
                }
                fn encode(&self, _: &mut ::genl_runtime::wire::Writer<'_>) {}
                fn encoded_len(&self) -> usize {
                    0
                }
                fn decode_attr(
                    _: &::genl_runtime::wire::Attr<'_>,
                    _: usize,
                ) -> ::core::result::Result<
                    ::core::option::Option<Self>,
                    ::genl_runtime::wire::DecodeError,
                > {
                    ::core::result::Result::Ok(::core::option::Option::None)
                }
                fn validate(&self) -> ::core::result::Result<(), ::genl_runtime::policy::PolicyError> {
                    ::core::result::Result::Ok(())
                }
            }
        };
    }
}

/// `result?`, its error inside the attribute `name`: one call of a shared
/// runtime function rather than a closure per field.
fn in_attr(result: &TokenStream, name: &str, span: Span) -> TokenStream {
    quote_spanned!(span=> __genl_ds::in_attr(#result, #name)?)
}

/// `result?`, its error at element `index` of the attribute `name`.
fn in_item(result: &TokenStream, index: &TokenStream, name: &str, span: Span) -> TokenStream {
    quote_spanned!(span=> __genl_ds::in_item(#result, #index, #name)?)
}
