//! `#[derive(GenlSubMessage)]`: the enum of a sub-message's formats, one
//! variant per format and one that keeps the payload of the others.
//!
//! A variant is read through the shared vocabulary ([`FormatAttr`]): its
//! selector value, and whether its first field is a fixed header. Its fields
//! are then the header (a `CStruct`) and the attribute set (a
//! `GenlMessage`), each optional.

use crate::input;
use genl_spec::vocab::{Errors, FormatAttr, FormatValue};
use proc_macro2::TokenStream;
use quote::{quote, quote_spanned};
use syn::spanned::Spanned;

/// One format.
struct Format<'a> {
    ident: &'a syn::Ident,
    value: FormatValue,
    header: Option<&'a syn::Type>,
    attrs: Option<&'a syn::Type>,
}

/// Expands `#[derive(GenlSubMessage)]`.
pub(crate) fn expand(input: &syn::DeriveInput) -> TokenStream {
    let mut errors = Errors::new();
    input::no_generics(input, "GenlSubMessage", &mut errors);
    let variants: Vec<&syn::Variant> = match &input.data {
        syn::Data::Enum(e) => e.variants.iter().collect(),
        syn::Data::Struct(s) => {
            errors.error_at(
                s.struct_token,
                "#[derive(GenlSubMessage)] is for the enum of a sub-message's formats",
            );
            Vec::new()
        }
        syn::Data::Union(u) => {
            errors.error_at(
                u.union_token,
                "#[derive(GenlSubMessage)] is for the enum of a sub-message's formats, not unions",
            );
            Vec::new()
        }
    };
    let mut formats: Vec<Format<'_>> = Vec::new();
    let mut unknown: Option<&syn::Ident> = None;
    for v in &variants {
        match FormatAttr::parse(v, &mut errors) {
            Some(FormatAttr::Format {
                value,
                fixed_header,
            }) => {
                if let Some(other) = formats.iter().find(|f| f.value == value) {
                    errors.error_at(
                        &v.ident,
                        format!(
                            "this selector value is already the format `{}`",
                            other.ident
                        ),
                    );
                }
                if let Some((header, attrs)) = fields(v, fixed_header, &mut errors) {
                    formats.push(Format {
                        ident: &v.ident,
                        value,
                        header,
                        attrs,
                    });
                }
            }
            Some(FormatAttr::Unknown) => {
                if let Some(first) = unknown {
                    errors.error_at(
                        &v.ident,
                        format!("only one variant can be `#[genl(unknown)]`; `{first}` is already"),
                    );
                    continue;
                }
                unknown = Some(&v.ident);
                if !matches!(&v.fields, syn::Fields::Unnamed(f) if f.unnamed.len() == 1) {
                    errors.error_at(
                        &v.ident,
                        "the `#[genl(unknown)]` variant holds the payload in one field: \
                         `Unknown(Vec<u8>)`",
                    );
                }
            }
            None => {}
        }
    }
    if unknown.is_none() && matches!(input.data, syn::Data::Enum(_)) {
        errors.error_at(
            &input.ident,
            "#[derive(GenlSubMessage)] needs a variant `#[genl(unknown)] Unknown(Vec<u8>)` \
             that keeps the payload of the formats the enum does not list",
        );
    }
    let ident = &input.ident;
    match (errors.finish(), unknown) {
        (Ok(()), Some(unknown)) => generate(ident, &formats, unknown),
        (Err(e), _) => {
            let fallback = input::can_fall_back(input).then(|| fallback(ident));
            let errors = e.into_compile_error();
            quote!(#errors #fallback)
        }
        (Ok(()), None) => fallback(ident),
    }
}

/// The header and attribute-set fields of a format's variant.
#[allow(clippy::type_complexity)]
fn fields<'a>(
    v: &'a syn::Variant,
    fixed_header: bool,
    errors: &mut Errors,
) -> Option<(Option<&'a syn::Type>, Option<&'a syn::Type>)> {
    let types: Vec<&syn::Type> = match &v.fields {
        syn::Fields::Unit => Vec::new(),
        syn::Fields::Unnamed(f) => f.unnamed.iter().map(|f| &f.ty).collect(),
        syn::Fields::Named(f) => {
            errors.error_at(
                f,
                "a format's variant has unnamed fields: its fixed header (with `fixed_header`), \
                 then its attribute set, such as `Vlan(VlanHeader, VlanAttrs)`",
            );
            return None;
        }
    };
    match (fixed_header, types.as_slice()) {
        (false, []) => Some((None, None)),
        (false, [attrs]) => Some((None, Some(*attrs))),
        (true, [header]) => Some((Some(*header), None)),
        (true, [header, attrs]) => Some((Some(*header), Some(*attrs))),
        (true, []) => {
            errors.error_at(
                &v.ident,
                "a `fixed_header` format holds its header in its first field, such as \
                 `Vlan(VlanHeader)`",
            );
            None
        }
        (false, [_, _]) => {
            errors.error_at(
                &v.fields,
                "a format of two fields starts with its fixed header: add `fixed_header`",
            );
            None
        }
        (_, _) => {
            errors.error_at(
                &v.fields,
                "a format's variant has at most two fields: its fixed header (with \
                 `fixed_header`), then its attribute set",
            );
            None
        }
    }
}

/// `SelectorValue::Str("bridge")` or `SelectorValue::Int(7)`, as an
/// expression or a pattern.
fn selector(value: &FormatValue) -> TokenStream {
    match value {
        FormatValue::Str(s) => quote!(::genl_runtime::SelectorValue::Str(#s)),
        FormatValue::Int(i) => quote!(::genl_runtime::SelectorValue::Int(#i)),
    }
}

/// The impl of an enum whose annotations are all valid.
fn generate(ident: &syn::Ident, formats: &[Format<'_>], unknown: &syn::Ident) -> TokenStream {
    let enc = quote!(::genl_runtime::encoding);
    let mut selectors = Vec::new();
    let mut values = Vec::new();
    let mut encode = Vec::new();
    let mut len = Vec::new();
    let mut decode = Vec::new();
    let mut validate = Vec::new();
    for f in formats {
        let vi = f.ident;
        let sel = selector(&f.value);
        values.push(sel.clone());
        let pat_any = match (f.header, f.attrs) {
            (None, None) => quote!(Self::#vi),
            _ => quote!(Self::#vi(..)),
        };
        selectors.push(quote!(#pat_any => ::core::option::Option::Some(#sel),));
        match (f.header, f.attrs) {
            (None, None) => {
                encode.push(
                    quote!(Self::#vi => #enc::sub_message::encode_empty(__genl_ty, __genl_w),),
                );
                len.push(quote!(Self::#vi => #enc::sub_message::len_empty(),));
                decode.push(quote!(::core::option::Option::Some(#sel) => Self::#vi,));
            }
            (Some(h), None) => {
                let s = h.span();
                encode.push(quote_spanned!(s=> Self::#vi(__genl_h) => #enc::cstruct::encode::<#h>(__genl_ty, __genl_h, __genl_w),));
                len.push(
                    quote_spanned!(s=> Self::#vi(__genl_h) => #enc::cstruct::len::<#h>(__genl_h),),
                );
                decode.push(quote_spanned! {s=>
                    ::core::option::Option::Some(#sel) => {
                        Self::#vi(#enc::sub_message::decode_header::<#h>(__genl_payload)?)
                    }
                });
            }
            (None, Some(m)) => {
                let s = m.span();
                encode.push(quote_spanned!(s=> Self::#vi(__genl_m) => #enc::nest::encode::<#m>(__genl_ty, __genl_m, __genl_w),));
                len.push(
                    quote_spanned!(s=> Self::#vi(__genl_m) => #enc::nest::len::<#m>(__genl_m),),
                );
                decode.push(quote_spanned! {s=>
                    ::core::option::Option::Some(#sel) => Self::#vi(
                        <#m as ::genl_runtime::GenlMessage>::decode_at(__genl_payload, __genl_depth)?,
                    ),
                });
                validate.push(quote_spanned! {s=>
                    Self::#vi(__genl_m) => ::genl_runtime::GenlMessage::validate(__genl_m),
                });
            }
            (Some(h), Some(m)) => {
                let s = m.span();
                encode.push(quote_spanned! {s=>
                    Self::#vi(__genl_h, __genl_m) => {
                        #enc::sub_message::encode_header_attrs::<#h, #m>(__genl_ty, __genl_h, __genl_m, __genl_w)
                    }
                });
                len.push(quote_spanned! {s=>
                    Self::#vi(_, __genl_m) => #enc::sub_message::len_header_attrs::<#h, #m>(__genl_m),
                });
                decode.push(quote_spanned! {s=>
                    ::core::option::Option::Some(#sel) => {
                        let (__genl_h, __genl_m) = #enc::sub_message::decode_header_attrs::<#h, #m>(
                            __genl_payload,
                            __genl_depth,
                        )?;
                        Self::#vi(__genl_h, __genl_m)
                    }
                });
                validate.push(quote_spanned! {s=>
                    Self::#vi(_, __genl_m) => ::genl_runtime::GenlMessage::validate(__genl_m),
                });
            }
        }
    }
    let depth_unused = formats
        .iter()
        .all(|f| f.attrs.is_none())
        .then(|| quote!(let _ = __genl_depth;));
    let has_format = if values.is_empty() {
        quote!(false)
    } else {
        quote!(::core::matches!(__genl_selector, #(#values)|*))
    };
    quote! {
        #[doc(hidden)]
        const _: () = {
            #[automatically_derived]
            impl ::genl_runtime::GenlSubMessage for #ident {
                fn selector(&self) -> ::core::option::Option<::genl_runtime::SelectorValue<'static>> {
                    match self {
                        #(#selectors)*
                        Self::#unknown(_) => ::core::option::Option::None,
                    }
                }

                fn has_format(__genl_selector: ::genl_runtime::SelectorValue<'_>) -> bool {
                    #has_format
                }

                #[inline]
                fn encode(&self, __genl_ty: u16, __genl_w: &mut ::genl_runtime::wire::Writer<'_>) {
                    match self {
                        #(#encode)*
                        Self::#unknown(__genl_b) => #enc::binary::encode(__genl_ty, __genl_b, __genl_w),
                    }
                }

                #[inline]
                fn encoded_len(&self) -> usize {
                    match self {
                        #(#len)*
                        Self::#unknown(__genl_b) => #enc::binary::len(__genl_b),
                    }
                }

                #[inline]
                fn decode_payload(
                    __genl_selector: ::core::option::Option<::genl_runtime::SelectorValue<'_>>,
                    __genl_payload: &[u8],
                    __genl_depth: usize,
                ) -> ::core::result::Result<Self, ::genl_runtime::wire::DecodeError> {
                    #depth_unused
                    ::core::result::Result::Ok(match __genl_selector {
                        #(#decode)*
                        _ => Self::#unknown(::std::borrow::ToOwned::to_owned(__genl_payload)),
                    })
                }

                #[inline]
                fn validate(&self) -> ::core::result::Result<(), ::genl_runtime::policy::PolicyError> {
                    match self {
                        #(#validate)*
                        _ => ::core::result::Result::Ok(()),
                    }
                }
            }
        };
    }
}

/// An impl that keeps the rest of the crate compiling while the derive's
/// errors are reported: it is never run, since the crate does not build.
fn fallback(ident: &syn::Ident) -> TokenStream {
    quote! {
        #[doc(hidden)]
        const _: () = {
            #[automatically_derived]
            impl ::genl_runtime::GenlSubMessage for #ident {
                fn selector(&self) -> ::core::option::Option<::genl_runtime::SelectorValue<'static>> {
                    ::core::option::Option::None
                }
                fn has_format(_: ::genl_runtime::SelectorValue<'_>) -> bool {
                    false
                }
                fn encode(&self, _: u16, _: &mut ::genl_runtime::wire::Writer<'_>) {}
                fn encoded_len(&self) -> usize {
                    0
                }
                fn decode_payload(
                    _: ::core::option::Option<::genl_runtime::SelectorValue<'_>>,
                    _: &[u8],
                    _: usize,
                ) -> ::core::result::Result<Self, ::genl_runtime::wire::DecodeError> {
                    ::core::result::Result::Err(::genl_runtime::wire::DecodeError::new(
                        ::genl_runtime::wire::DecodeErrorKind::Invalid(::std::string::String::from(
                            "#[derive(GenlSubMessage)] failed",
                        )),
                    ))
                }
                fn validate(&self) -> ::core::result::Result<(), ::genl_runtime::policy::PolicyError> {
                    ::core::result::Result::Ok(())
                }
            }
        };
    }
}
