//! `#[derive(GenlStruct)]`: a fixed C struct, laid out member after member as
//! declared, with no implicit padding.

use crate::codec::keyword;
use crate::input;
use crate::types::{self, Expect, Int};
use genl_spec::vocab::{Errors, StructField};
use proc_macro2::{Literal, Span, TokenStream};
use quote::{quote, quote_spanned};
use syn::spanned::Spanned;

/// One member, ready to be written out.
struct Member<'a> {
    ident: &'a syn::Ident,
    /// Name in error paths.
    name: String,
    ty: &'a syn::Type,
    kind: StructField,
    span: Span,
}

/// Expands `#[derive(GenlStruct)]`.
pub(crate) fn expand(input: &syn::DeriveInput) -> TokenStream {
    let mut errors = Errors::new();
    if let Some(attr) = input.attrs.iter().find(|a| a.path().is_ident("genl")) {
        errors.error_at(
            attr,
            "#[derive(GenlStruct)] takes no `#[genl(...)]` on the struct, only on its members",
        );
    }
    input::no_generics(input, "GenlStruct", &mut errors);
    let fields = input::named_fields(input, "GenlStruct", &mut errors).unwrap_or_default();
    let mut members = Vec::new();
    for field in fields {
        let Some(ident) = field.ident.as_ref() else {
            continue;
        };
        if let Some(kind) = StructField::parse(field, &mut errors) {
            let (what, expect) = expectation(&kind);
            if let Some(wrong) = expect.mismatch(&field.ty) {
                errors.error_at(&field.ty, format!("{what} member is {wrong}"));
                continue;
            }
            members.push(Member {
                ident,
                name: types::spec_name(ident),
                ty: &field.ty,
                kind,
                span: field.ty.span(),
            });
        }
    }
    let ident = &input.ident;
    match errors.finish() {
        Ok(()) => generate(ident, &members),
        Err(e) => {
            let fallback = input::can_fall_back(input).then(|| fallback(ident));
            let errors = e.into_compile_error();
            quote!(#errors #fallback)
        }
    }
}

/// What a member is called in errors (`a big-endian `u16``), and what its
/// type must be.
fn expectation(kind: &StructField) -> (String, Expect) {
    match kind {
        StructField::Int { ty, be } => {
            let int = Int::of(*ty);
            let big = if int.is_some_and(|i| i.is_be(*be)) {
                "big-endian "
            } else {
                ""
            };
            (
                format!("a {big}`{}`", keyword(*ty)),
                Expect::Exactly(int.map(|i| i.name(*be)).unwrap_or_default()),
            )
        }
        StructField::Bytes { ty, len } => (
            format!("a `{}, len = {len}`", keyword(*ty)),
            Expect::Exactly(format!("[u8; {len}]")),
        ),
        StructField::Pad { len } => (
            format!("a `pad, len = {len}`"),
            Expect::Exactly(format!("[u8; {len}]")),
        ),
        StructField::Struct => (
            "a `struct_`".to_owned(),
            Expect::Other("a C struct type that implements `CStruct` (`#[derive(GenlStruct)]`)"),
        ),
    }
}

/// `[u8; N]`.
fn byte_array(len: u32, span: Span) -> TokenStream {
    let n = Literal::usize_unsuffixed(len as usize);
    quote_spanned!(span=> [u8; #n])
}

impl Member<'_> {
    /// The member's size, as a constant `usize` expression.
    fn size(&self) -> TokenStream {
        let ty = self.ty;
        match &self.kind {
            StructField::Int { ty: t, be } => {
                let wire = Int::of(*t).map(|i| i.rust(*be)).unwrap_or_default();
                quote_spanned!(self.span=> <#wire as ::genl_runtime::wire::Scalar>::SIZE)
            }
            StructField::Bytes { len, .. } | StructField::Pad { len } => {
                let n = Literal::usize_unsuffixed(*len as usize);
                quote!(#n)
            }
            StructField::Struct => {
                quote_spanned!(self.span=> <#ty as ::genl_runtime::CStruct>::SIZE)
            }
        }
    }

    /// Appends the member to `__genl_out`.
    fn write(&self) -> TokenStream {
        let (m, ty) = (self.ident, self.ty);
        match &self.kind {
            StructField::Int { ty: t, be } => {
                let wire = Int::of(*t).map(|i| i.rust(*be)).unwrap_or_default();
                quote_spanned! {self.span=>
                    <#wire as ::genl_runtime::wire::Scalar>::put(self.#m, __genl_out);
                }
            }
            StructField::Bytes { len, .. } => {
                let arr = byte_array(*len, self.span);
                quote_spanned! {self.span=>
                    let __genl_v: &#arr = &self.#m;
                    __genl_out.extend_from_slice(__genl_v);
                }
            }
            StructField::Pad { len } => {
                let arr = byte_array(*len, self.span);
                let n = Literal::usize_unsuffixed(*len as usize);
                quote_spanned! {self.span=>
                    let _: &#arr = &self.#m;
                    __genl_out.extend_from_slice(&[0u8; #n]);
                }
            }
            StructField::Struct => quote_spanned! {self.span=>
                <#ty as ::genl_runtime::CStruct>::write(&self.#m, __genl_out);
            },
        }
    }

    /// Reads the member from `__genl_r` (the struct's `Members`).
    fn read(&self) -> TokenStream {
        let (name, ty) = (&self.name, self.ty);
        match &self.kind {
            StructField::Int { ty: t, be } => {
                let wire = Int::of(*t).map(|i| i.rust(*be)).unwrap_or_default();
                quote_spanned!(self.span=> __genl_r.scalar::<#wire>(#name))
            }
            StructField::Bytes { len, .. } => {
                let n = Literal::usize_unsuffixed(*len as usize);
                quote_spanned!(self.span=> __genl_r.array::<#n>())
            }
            StructField::Pad { len } => {
                let n = Literal::usize_unsuffixed(*len as usize);
                quote_spanned!(self.span=> __genl_r.pad::<#n>())
            }
            StructField::Struct => {
                quote_spanned!(self.span=> __genl_r.nested::<#ty>(#name)?)
            }
        }
    }
}

fn generate(ident: &syn::Ident, members: &[Member<'_>]) -> TokenStream {
    let what = ident.to_string();
    let sizes = members.iter().map(Member::size);
    let writes = members.iter().map(Member::write);
    let reads = members.iter().map(Member::read);
    let names = members.iter().map(|m| m.ident);
    quote! {
        #[automatically_derived]
        impl ::genl_runtime::CStruct for #ident {
            const SIZE: usize = 0 #(+ #sizes)*;

            #[inline]
            fn write(&self, __genl_out: &mut ::std::vec::Vec<u8>) {
                #(#writes)*
            }

            #[inline]
            fn read(
                __genl_bytes: &[u8],
            ) -> ::core::result::Result<Self, ::genl_runtime::wire::DecodeError> {
                #[allow(unused_mut)]
                let mut __genl_r = ::genl_runtime::derive_support::Members::new(
                    __genl_bytes,
                    #what,
                    <Self as ::genl_runtime::CStruct>::SIZE,
                )?;
                let __genl_value = Self { #(#names: #reads),* };
                __genl_r.finish()?;
                ::core::result::Result::Ok(__genl_value)
            }
        }
    }
}

/// An impl that keeps the rest of the crate compiling while the derive's
/// errors are reported.
fn fallback(ident: &syn::Ident) -> TokenStream {
    quote! {
        #[automatically_derived]
        impl ::genl_runtime::CStruct for #ident {
            const SIZE: usize = 0;
            fn write(&self, _: &mut ::std::vec::Vec<u8>) {}
            fn read(_: &[u8]) -> ::core::result::Result<Self, ::genl_runtime::wire::DecodeError> {
                ::core::result::Result::Err(::genl_runtime::wire::DecodeError::new(
                    ::genl_runtime::wire::DecodeErrorKind::Invalid(::std::string::String::from(
                        "#[derive(GenlStruct)] failed",
                    )),
                ))
            }
        }
    }
}
