//! `#[derive(GenlMessage)]`: a struct of attributes.
//!
//! Every field is read through the shared vocabulary
//! ([`genl_spec::vocab::MessageField`]); [`Codec`] turns its wire type into
//! calls of `::genl_runtime::encoding`, and the field's [`Shape`] says how
//! the Rust field holds the values (`Option`, `Option<Box>`, `Vec`, `bool`).

use crate::codec::{Codec, keyword};
use crate::input;
use crate::types;
use genl_spec::raw::AttrType;
use genl_spec::vocab::{Checks, ContainerAttr, Errors, FieldAttr, MessageField};
use proc_macro2::{Span, TokenStream};
use quote::{format_ident, quote, quote_spanned};
use syn::spanned::Spanned;

/// How a field holds the values of its attribute.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Shape {
    /// The field is the value (`bool` for a flag).
    Bare,
    /// `Option<E>`.
    Single,
    /// `Option<Box<E>>`, for recursive nests.
    Boxed,
    /// `Vec<E>`: one attribute per element (`multi_attr`).
    Multi,
    /// `Vec<E>`: all elements in one attribute (`indexed_array`).
    Whole,
}

/// A field that is an attribute, ready to be written out.
struct AttrField<'a> {
    member: &'a syn::Ident,
    /// Spec name, for policies and error paths.
    name: String,
    id: u16,
    /// The type of one value (`E` of `Option<E>`, `Vec<E>`, `Option<Box<E>>`).
    elem: &'a syn::Type,
    shape: Shape,
    codec: Codec,
    checks: Checks,
    /// A sub-message's selector: the field named by `selector = ..`, then
    /// its position in the struct's attribute fields.
    selector: Option<String>,
    selector_index: Option<usize>,
    /// The field's `#[genl(...)]`, where errors about its options point.
    at: TokenStream,
    /// Where type errors of the generated code point: the field's type.
    span: Span,
}

/// The catch-all field.
struct UnknownField<'a> {
    member: &'a syn::Ident,
    span: Span,
}

/// Expands `#[derive(GenlMessage)]`.
pub(crate) fn expand(input: &syn::DeriveInput) -> TokenStream {
    let mut errors = Errors::new();
    let container = ContainerAttr::parse(&input.attrs, &mut errors);
    if container.max_nesting.is_some() {
        errors.error_at(
            &input.ident,
            "`max_nesting` is for an ordered set's enum (`#[derive(GenlAttr)]`), whose lists \
             nest in one another",
        );
    }
    input::no_generics(input, "GenlMessage", &mut errors);
    let set = container.set.unwrap_or_else(|| input.ident.to_string());
    let fields = input::named_fields(input, "GenlMessage", &mut errors).unwrap_or_default();

    let mut attrs: Vec<AttrField<'_>> = Vec::new();
    let mut ids: Vec<(u16, &syn::Ident)> = Vec::new();
    let mut unknown: Option<UnknownField<'_>> = None;
    let mut first_unknown: Option<&syn::Ident> = None;
    for field in fields {
        let Some(member) = field.ident.as_ref() else {
            continue;
        };
        match MessageField::parse(field, &mut errors) {
            Some(MessageField::Attr(f)) => {
                // Numbers are checked whatever else is wrong with the field.
                if let Some((_, other)) = ids.iter().find(|(id, _)| *id == f.id) {
                    errors.error_at(
                        types::genl_attrs_or(&field.attrs, field),
                        format!("attribute type {} is already used by `{other}`", f.id),
                    );
                }
                ids.push((f.id, member));
                attrs.extend(attr_field(field, member, f, &mut errors));
            }
            Some(MessageField::Unknown) => {
                if let Some(first) = first_unknown {
                    errors.error_at(
                        types::genl_attrs_or(&field.attrs, field),
                        format!("only one field can be `#[genl(unknown)]`; `{first}` is already"),
                    );
                    continue;
                }
                first_unknown = Some(member);
                if types::vec_of(&field.ty).is_none() {
                    errors.error_at(
                        &field.ty,
                        "the `#[genl(unknown)]` field is a `Vec<::genl_runtime::UnknownAttr>`",
                    );
                } else {
                    unknown = Some(UnknownField {
                        member,
                        span: field.ty.span(),
                    });
                }
            }
            None => {}
        }
    }

    resolve_selectors(&mut attrs, &mut errors);

    let ident = &input.ident;
    match errors.finish() {
        Ok(()) => generate(ident, &set, &attrs, unknown.as_ref()),
        Err(e) => {
            let fallback = input::can_fall_back(input).then(|| fallback(ident, &set));
            let errors = e.into_compile_error();
            quote!(#errors #fallback)
        }
    }
}

/// Checks a field's type against its annotation.
fn attr_field<'a>(
    field: &'a syn::Field,
    member: &'a syn::Ident,
    f: FieldAttr,
    errors: &mut Errors,
) -> Option<AttrField<'a>> {
    let at = types::genl_attrs_or(&field.attrs, field);
    let codec = Codec::of(&f, &at, errors);
    let shape = shape(&f, &field.ty, errors);
    let (shape, elem) = shape?;
    let codec = codec?;
    let selector = f.selector.clone();
    if let Some(wrong) = codec.expect().mismatch(elem) {
        let be = if codec_is_be(codec) {
            "big-endian "
        } else {
            ""
        };
        errors.error_at(
            elem,
            format!("a {be}`{}` attribute holds {wrong}", keyword(f.ty)),
        );
        return None;
    }
    Some(AttrField {
        member,
        name: f.name.unwrap_or_else(|| types::spec_name(member)),
        id: f.id,
        elem,
        shape,
        codec,
        checks: f.checks,
        selector,
        selector_index: None,
        at,
        span: field.ty.span(),
    })
}

/// Finds the field of each sub-message's selector; it must be a single
/// string or integer attribute of the same struct.
fn resolve_selectors(attrs: &mut [AttrField<'_>], errors: &mut Errors) {
    for i in 0..attrs.len() {
        let Some(sel) = attrs[i].selector.clone() else {
            continue;
        };
        let found = attrs.iter().position(|a| *a.member == sel);
        let Some(j) = found else {
            errors.error_at(
                &attrs[i].at,
                format!("`selector = {sel}`: this struct has no attribute field `{sel}`"),
            );
            continue;
        };
        let s = &attrs[j];
        let selects = s.shape == Shape::Single
            && s.codec
                .selector_value(&quote!(__genl_s), Span::call_site())
                .is_some();
        if !selects {
            errors.error_at(
                &attrs[i].at,
                format!(
                    "`selector = {sel}`: a selector is a single `string` or integer \
                     attribute (an `Option`, holding the number or an `enum_`), not the \
                     field `{sel}`"
                ),
            );
            continue;
        }
        attrs[i].selector_index = Some(j);
    }
}

/// Whether the values are written big-endian (`Be<_>`).
fn codec_is_be(codec: Codec) -> bool {
    match codec {
        Codec::Int { int, be, .. } | Codec::Array { int, be } | Codec::IndexedInts { int, be } => {
            int.is_be(be)
        }
        _ => false,
    }
}

/// The shape of the field's type, which the annotation dictates.
fn shape<'a>(
    f: &FieldAttr,
    ty: &'a syn::Type,
    errors: &mut Errors,
) -> Option<(Shape, &'a syn::Type)> {
    let t = keyword(f.ty);
    let written = quote!(#ty).to_string().replace(' ', "");
    if f.ty == AttrType::Flag {
        if types::is_bool(ty) {
            return Some((Shape::Bare, ty));
        }
        errors.error_at(
            ty,
            "a `flag` attribute is a `bool` field: `true` when the attribute is present",
        );
        return None;
    }
    if f.ty == AttrType::IndexedArray {
        if let Some(elem) = types::vec_of(ty) {
            return Some((Shape::Whole, elem));
        }
        errors.error_at(
            ty,
            format!(
                "an `indexed_array` attribute is a `Vec` of its elements (empty when absent), \
                 not `{written}`"
            ),
        );
        return None;
    }
    if f.multi_attr {
        if let Some(elem) = types::vec_of(ty) {
            return Some((Shape::Multi, elem));
        }
        errors.error_at(
            ty,
            format!(
                "a `multi_attr` attribute is a `Vec` with one element per attribute, \
                 not `{written}`"
            ),
        );
        return None;
    }
    let Some(inner) = types::option_of(ty) else {
        let hint = if f.ty == AttrType::Nest {
            format!("`Option<{written}>` (or `Option<Box<{written}>>` for a recursive set)")
        } else {
            format!("`Option<{written}>`")
        };
        errors.error_at(
            ty,
            format!("a `{t}` attribute may be absent: its field is an `Option`, such as {hint}"),
        );
        return None;
    };
    match types::box_of(inner) {
        Some(elem) if matches!(f.ty, AttrType::Nest | AttrType::SubMessage) => {
            Some((Shape::Boxed, elem))
        }
        Some(_) => {
            errors.error_at(
                ty,
                format!(
                    "`Box` is for recursive `nest` and `sub_message` attributes, not for a \
                     `{t}` attribute"
                ),
            );
            None
        }
        None => Some((Shape::Single, inner)),
    }
}

/// The impl of a struct whose annotations are all valid.
fn generate(
    ident: &syn::Ident,
    set: &str,
    attrs: &[AttrField<'_>],
    unknown: Option<&UnknownField<'_>>,
) -> TokenStream {
    let policy_names: Vec<syn::Ident> = (0..attrs.len())
        .map(|i| format_ident!("__genl_attr_policy{}", i))
        .collect();

    let policies = attrs.iter().map(policy);
    let policy_table = policy_table(set, policies);
    let bind_policies = bind_policies(&policy_names);
    let encode = attrs.iter().map(encode);
    let len = attrs.iter().map(len);
    let validate = attrs
        .iter()
        .zip(&policy_names)
        .map(|(a, p)| match a.selector_index {
            Some(j) => sub_message_validate(a, &attrs[j]),
            None => validate(a, p),
        });

    // The value starts empty, and each attribute is read into its field.
    let empty = attrs.iter().map(|a| {
        let m = a.member;
        let empty = match a.shape {
            Shape::Bare => quote_spanned!(a.span=> false),
            Shape::Single | Shape::Boxed => quote_spanned!(a.span=> ::core::option::Option::None),
            Shape::Multi | Shape::Whole => quote_spanned!(a.span=> ::std::vec::Vec::new()),
        };
        quote!(#m: #empty,)
    });
    let arms = attrs
        .iter()
        .enumerate()
        .map(|(i, a)| match a.selector_index {
            Some(_) => {
                let (id, raw) = (a.id, format_ident!("__genl_raw{}", i));
                quote_spanned! {a.span=>
                    #id => __genl_ds::keep(&mut #raw, __genl_attr),
                }
            }
            None => decode_arm(a),
        });
    // Sub-messages are read after the loop, once their selectors are.
    let raw_decl = attrs
        .iter()
        .enumerate()
        .filter(|(_, a)| a.selector_index.is_some())
        .map(|(i, a)| {
            let raw = format_ident!("__genl_raw{}", i);
            quote_spanned! {a.span=>
                let mut #raw: ::core::option::Option<::genl_runtime::wire::Attr<'_>> =
                    ::core::option::Option::None;
            }
        });
    let deferred = attrs.iter().enumerate().filter_map(|(i, a)| {
        let s = &attrs[a.selector_index?];
        let raw = format_ident!("__genl_raw{}", i);
        Some(sub_message_decode(a, s, &raw))
    });
    let uses_depth = attrs.iter().any(|a| a.codec.nests());
    let depth_unused = (!uses_depth).then(|| quote!(let _ = __genl_depth;));

    let (unknown_empty, unknown_arm, unknown_encode, unknown_len) = match unknown {
        Some(u) => {
            let member = u.member;
            (
                quote_spanned!(u.span=> #member: ::std::vec::Vec::new(),),
                quote_spanned! {u.span=>
                    _ => __genl_ds::keep_unknown(&mut __genl_out.#member, &__genl_attr),
                },
                quote_spanned! {u.span=>
                    for __genl_v in &self.#member {
                        __genl_enc::unknown::encode(__genl_v, __genl_w);
                    }
                },
                quote_spanned! {u.span=>
                    for __genl_v in &self.#member {
                        __genl_len += __genl_enc::unknown::len(__genl_v);
                    }
                },
            )
        }
        None => (
            TokenStream::new(),
            quote!(_ => ::core::result::Result::Ok(()),),
            TokenStream::new(),
            TokenStream::new(),
        ),
    };

    let imports = crate::codec::imports();
    quote! {
        #[doc(hidden)]
        const _: () = {
            #imports
            #policy_table

            #[automatically_derived]
            impl ::genl_runtime::GenlMessage for #ident {
                fn policy() -> &'static __genl_policy::SetPolicy {
                    &__GENL_POLICY
                }

                #[inline]
                fn encode(&self, __genl_w: &mut ::genl_runtime::wire::Writer<'_>) {
                    #(#encode)*
                    #unknown_encode
                }

                #[inline]
                fn encoded_len(&self) -> usize {
                    let mut __genl_len: usize = 0;
                    #(#len)*
                    #unknown_len
                    __genl_len
                }

                #[inline]
                fn decode_at(
                    __genl_buf: &[u8],
                    __genl_depth: usize,
                ) -> ::core::result::Result<Self, ::genl_runtime::wire::DecodeError> {
                    #depth_unused
                    let mut __genl_out = Self {
                        #(#empty)*
                        #unknown_empty
                    };
                    #(#raw_decl)*
                    for __genl_attr in ::genl_runtime::wire::attrs(__genl_buf) {
                        let __genl_attr = __genl_attr?;
                        let __genl_read: ::core::result::Result<(), ::genl_runtime::wire::DecodeError> =
                            match __genl_attr.ty {
                                #(#arms)*
                                #unknown_arm
                            };
                        __genl_read?;
                    }
                    #(#deferred)*
                    ::core::result::Result::Ok(__genl_out)
                }

                #[inline]
                fn validate(&self) -> ::core::result::Result<(), __genl_policy::PolicyError> {
                    #bind_policies
                    #(#validate)*
                    ::core::result::Result::Ok(())
                }
            }
        };
    }
}

/// The `AttrPolicy` of a field.
fn policy(a: &AttrField<'_>) -> TokenStream {
    let kind = a.codec.kind(a.elem, a.span);
    policy_value(&a.name, a.id, kind, &a.checks, a.span)
}

/// The policy of a set: `__GENL_ATTRS`, the `AttrPolicy` of each attribute
/// in one static table (one item for the compiler to check and evaluate,
/// where a constant per attribute was many), and `__GENL_POLICY`, the
/// set's `SetPolicy` over it.
pub(crate) fn policy_table(
    set: &str,
    policies: impl ExactSizeIterator<Item = TokenStream>,
) -> TokenStream {
    let n = proc_macro2::Literal::usize_unsuffixed(policies.len());
    quote! {
        static __GENL_ATTRS: [::genl_runtime::policy::AttrPolicy; #n] = [#(#policies),*];

        static __GENL_POLICY: ::genl_runtime::policy::SetPolicy =
            ::genl_runtime::policy::SetPolicy {
                name: #set,
                attrs: &__GENL_ATTRS,
            };
    }
}

/// `let [p0, p1, ...] = &__GENL_ATTRS;`: the policy of each attribute by
/// the name its checks use (nothing for a set without attributes).
pub(crate) fn bind_policies(names: &[syn::Ident]) -> TokenStream {
    if names.is_empty() {
        return TokenStream::new();
    }
    quote!(let [#(#names),*] = &__GENL_ATTRS;)
}

/// The `AttrPolicy` of the attribute `name` (number `id`), of policy kind
/// `kind`, with `checks`.
pub(crate) fn policy_value(
    name: &str,
    id: u16,
    kind: TokenStream,
    c: &Checks,
    span: Span,
) -> TokenStream {
    let ap = quote!(__genl_policy::AttrPolicy);
    let some = |v: Option<TokenStream>, field: &str| {
        v.map(|v| {
            let field = syn::Ident::new(field, Span::call_site());
            quote!(#field: ::core::option::Option::Some(#v),)
        })
    };
    let i128_lit = |v: i128| quote!(#v);
    let u32_lit = |v: u32| quote!(#v);
    let checks: Vec<TokenStream> = [
        some(c.min.map(i128_lit), "min"),
        some(c.max.map(i128_lit), "max"),
        some(c.min_len.map(u32_lit), "min_len"),
        some(c.max_len.map(u32_lit), "max_len"),
        some(c.exact_len.map(u32_lit), "exact_len"),
        some(c.flags_mask.map(|v| quote!(#v)), "flags_mask"),
    ]
    .into_iter()
    .flatten()
    .collect();
    let new = quote_spanned!(span=> #ap::new(#name, #id, #kind));
    if checks.is_empty() {
        new
    } else {
        quote!(#ap { #(#checks)* ..#new })
    }
}

/// Writes a field's attributes.
fn encode(a: &AttrField<'_>) -> TokenStream {
    let (m, id, elem) = (a.member, a.id, a.elem);
    let v = quote_spanned!(a.span=> __genl_v);
    let one = a.codec.encode(id, elem, &v, a.span);
    match a.shape {
        Shape::Bare => {
            let one = a
                .codec
                .encode(id, elem, &quote_spanned!(a.span=> &self.#m), a.span);
            quote_spanned!(a.span=> #one;)
        }
        Shape::Single => {
            quote_spanned!(a.span=> if let ::core::option::Option::Some(#v) = &self.#m { #one; })
        }
        Shape::Boxed => {
            quote_spanned!(a.span=> if let ::core::option::Option::Some(#v) = self.#m.as_deref() { #one; })
        }
        Shape::Multi => quote_spanned!(a.span=> for #v in &self.#m { #one; }),
        Shape::Whole => {
            let one = a
                .codec
                .encode(id, elem, &quote_spanned!(a.span=> &self.#m), a.span);
            quote_spanned!(a.span=> if !self.#m.is_empty() { #one; })
        }
    }
}

/// Adds a field's size to `__genl_len`.
fn len(a: &AttrField<'_>) -> TokenStream {
    let (m, elem) = (a.member, a.elem);
    let v = quote_spanned!(a.span=> __genl_v);
    let one = a.codec.len(elem, &v, a.span);
    match a.shape {
        Shape::Bare => {
            let one = a
                .codec
                .len(elem, &quote_spanned!(a.span=> &self.#m), a.span);
            quote_spanned!(a.span=> __genl_len += #one;)
        }
        Shape::Single => quote_spanned! {a.span=>
            if let ::core::option::Option::Some(#v) = &self.#m { __genl_len += #one; }
        },
        Shape::Boxed => quote_spanned! {a.span=>
            if let ::core::option::Option::Some(#v) = self.#m.as_deref() { __genl_len += #one; }
        },
        Shape::Multi => quote_spanned!(a.span=> for #v in &self.#m { __genl_len += #one; }),
        Shape::Whole => {
            let one = a
                .codec
                .len(elem, &quote_spanned!(a.span=> &self.#m), a.span);
            quote_spanned!(a.span=> if !self.#m.is_empty() { __genl_len += #one; })
        }
    }
}

/// The `match` arm that reads a field's attribute into `__genl_out`: one
/// call of a shared runtime function that stores the value, or returns the
/// error inside the attribute.
fn decode_arm(a: &AttrField<'_>) -> TokenStream {
    let (m, id, name) = (a.member, a.id, &a.name);
    let value = a.codec.decode(a.elem, a.span);
    let store = store(a.shape, a.span);
    quote_spanned!(a.span=> #id => #store(&mut __genl_out.#m, #value, #name),)
}

/// The `derive_support` function that keeps a decoded value in a field of
/// the shape `shape`.
fn store(shape: Shape, span: Span) -> TokenStream {
    let ds = quote_spanned!(span=> __genl_ds);
    match shape {
        Shape::Bare | Shape::Whole => quote_spanned!(span=> #ds::set),
        Shape::Single => quote_spanned!(span=> #ds::put),
        Shape::Boxed => quote_spanned!(span=> #ds::put_boxed),
        Shape::Multi => quote_spanned!(span=> #ds::push),
    }
}

/// Reads a sub-message from its attribute, kept in `raw` by the loop, in
/// the format its selector `s` names.
fn sub_message_decode(a: &AttrField<'_>, s: &AttrField<'_>, raw: &syn::Ident) -> TokenStream {
    let (m, name, sel_member) = (a.member, &a.name, s.member);
    let value = a.codec.decode(a.elem, a.span);
    let sel = s
        .codec
        .selector_value(&quote_spanned!(s.span=> __genl_s), s.span)
        .unwrap_or_default();
    let store = store(a.shape, a.span);
    quote_spanned! {a.span=>
        if let ::core::option::Option::Some(__genl_attr) = #raw {
            let __genl_selector = __genl_out.#sel_member.as_ref().map(|__genl_s| #sel);
            #store(&mut __genl_out.#m, #value, #name)?;
        }
    }
}

/// Checks a sub-message: its format is the one its selector `s` names,
/// and its attributes pass their policies.
fn sub_message_validate(a: &AttrField<'_>, s: &AttrField<'_>) -> TokenStream {
    let (m, name, elem) = (a.member, &a.name, a.elem);
    let (sel_member, sel_name) = (s.member, &s.name);
    let sel = s
        .codec
        .selector_value(&quote_spanned!(s.span=> __genl_s), s.span)
        .unwrap_or_default();
    let value = match a.shape {
        Shape::Boxed => quote_spanned!(a.span=> self.#m.as_deref()),
        _ => quote_spanned!(a.span=> self.#m.as_ref()),
    };
    quote_spanned! {a.span=>
        if let ::core::option::Option::Some(__genl_v) = #value {
            let __genl_v: &#elem = __genl_v;
            __genl_enc::sub_message::check_selector(
                __genl_v,
                #name,
                #sel_name,
                self.#sel_member.as_ref().map(|__genl_s| #sel),
            )?;
            __genl_ds::in_attr(
                ::genl_runtime::GenlSubMessage::validate(__genl_v),
                #name,
            )?;
        }
    }
}

/// Checks a field against its policy entry `p`.
fn validate(a: &AttrField<'_>, p: &syn::Ident) -> TokenStream {
    let (m, name, elem) = (a.member, &a.name, a.elem);
    let v = quote_spanned!(a.span=> __genl_v);
    let nests = a.codec.nests();
    let Some(check) = a.codec.validate(elem, &a.checks, p, &v, a.span) else {
        return TokenStream::new();
    };
    match (a.shape, nests) {
        (Shape::Bare, _) => {
            let check = a
                .codec
                .validate(
                    elem,
                    &a.checks,
                    p,
                    &quote_spanned!(a.span=> &self.#m),
                    a.span,
                )
                .unwrap_or_default();
            quote_spanned!(a.span=> #check?;)
        }
        (Shape::Single, false) => {
            quote_spanned!(a.span=> if let ::core::option::Option::Some(#v) = &self.#m { #check?; })
        }
        (Shape::Single, true) => quote_spanned! {a.span=>
            __genl_ds::validate_nest(self.#m.as_ref(), #name)?;
        },
        (Shape::Boxed, true) => quote_spanned! {a.span=>
            __genl_ds::validate_nest(self.#m.as_deref(), #name)?;
        },
        (Shape::Boxed, false) => quote_spanned! {a.span=>
            if let ::core::option::Option::Some(#v) = self.#m.as_deref() { #check?; }
        },
        (Shape::Multi | Shape::Whole, false) => {
            quote_spanned!(a.span=> for #v in &self.#m { #check?; })
        }
        (Shape::Multi | Shape::Whole, true) => quote_spanned! {a.span=>
            __genl_ds::validate_nests(&self.#m, #name)?;
        },
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
            impl ::genl_runtime::GenlMessage for #ident {
                fn policy() -> &'static ::genl_runtime::policy::SetPolicy {
                    &__GENL_POLICY
                }
                fn encode(&self, _: &mut ::genl_runtime::wire::Writer<'_>) {}
                fn encoded_len(&self) -> usize {
                    0
                }
                fn decode_at(
                    _: &[u8],
                    _: usize,
                ) -> ::core::result::Result<Self, ::genl_runtime::wire::DecodeError> {
                    ::core::result::Result::Err(::genl_runtime::wire::DecodeError::new(
                        ::genl_runtime::wire::DecodeErrorKind::Invalid(::std::string::String::from(
                            "#[derive(GenlMessage)] failed",
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
