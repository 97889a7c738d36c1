//! The borrowing view of a `#[derive(GenlMessage)]` struct marked
//! `#[genl(view)]`: `<Name>View<'a>`, which indexes a buffer's attributes in
//! one pass and reads each field in place (see `genl_runtime::view`).
//!
//! The view reads the same annotations as [`crate::message`] through the
//! shared vocabulary and the same [`Codec`]s; values that are copied anyway
//! (integers, enums, flags, C structs, `bitfield32`) are read by the very
//! expressions of the owned decoder, so that both agree by construction.
//! Everything else is read by `::genl_runtime::view`, borrowed.
//!
//! Problems with the annotations are [`crate::message`]'s to report: when
//! there are any, no view is written.

use crate::codec::{Codec, Repr};
use crate::input;
use crate::types;
use genl_spec::raw::AttrType;
use genl_spec::vocab::{ContainerAttr, Errors, FieldAttr, MessageField};
use proc_macro2::{Span, TokenStream};
use quote::{format_ident, quote, quote_spanned};
use syn::spanned::Spanned;

/// How a field holds the values of its attribute (as in [`crate::message`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Shape {
    /// `bool`, for a flag.
    Bare,
    /// `Option<E>` or `Option<Box<E>>`.
    Single { boxed: bool },
    /// `Vec<E>`, one attribute per element.
    Multi,
    /// `Vec<E>`, the elements in one attribute (`indexed_array`).
    Whole,
}

/// What the view reads for one value.
#[derive(Clone, Debug)]
enum Read {
    /// Set or not.
    Flag,
    /// Copied out by the function the owned decoder calls (a closure
    /// around its expression when that is not one call).
    Copied(TokenStream),
    /// `&'a str`.
    Str { unterminated_ok: bool },
    /// `&'a [u8]`.
    Bytes,
    /// `Scalars<'a, W>` of the wire type `W`.
    Scalars(TokenStream),
    /// The view of the nested set (`HasView`): nests and type-value nests.
    Nested,
    /// `indexed_array` of nests: views of the elements.
    IndexedViews,
    /// `indexed_array` of integers of the wire type `W`.
    IndexedValues(TokenStream),
    /// A kind the view does not type yet: the last attribute's payload.
    Raw,
}

/// A field that is an attribute.
struct ViewField<'a> {
    member: &'a syn::Ident,
    vis: &'a syn::Visibility,
    /// Spec name, for error paths.
    name: String,
    id: u16,
    elem: Option<&'a syn::Type>,
    shape: Shape,
    read: Read,
    docs: Vec<&'a syn::Attribute>,
    span: Span,
}

/// The view of a struct marked `view`; nothing for other structs, and
/// nothing when the derive reports errors.
pub(crate) fn expand(input: &syn::DeriveInput) -> TokenStream {
    // The errors are the same as `message::expand` reports: ignored here.
    let mut errors = Errors::new();
    let container = ContainerAttr::parse(&input.attrs, &mut errors);
    if !container.view || !input::can_fall_back(input) {
        return TokenStream::new();
    }
    let Some(fields) = input::named_fields(input, "GenlMessage", &mut errors) else {
        return TokenStream::new();
    };
    let mut attrs = Vec::new();
    let mut unknown = None;
    for field in fields {
        let Some(member) = field.ident.as_ref() else {
            continue;
        };
        match MessageField::parse(field, &mut errors) {
            Some(MessageField::Attr(f)) => {
                let at = types::genl_attrs_or(&field.attrs, field);
                if let Some(codec) = Codec::of(&f, &at, &mut errors) {
                    attrs.push(view_field(field, member, &f, codec));
                }
            }
            Some(MessageField::Unknown) => unknown = Some(member),
            None => {}
        }
    }
    if !errors.is_empty() {
        return TokenStream::new();
    }
    generate(input, &attrs, unknown)
}

/// The shape of a field's type, as [`crate::message`] requires it; `None`
/// for a field it does not know how to hold.
fn shape<'a>(f: &FieldAttr, ty: &'a syn::Type) -> Option<(Shape, &'a syn::Type)> {
    if f.ty == AttrType::Flag {
        return Some((Shape::Bare, ty));
    }
    if f.ty == AttrType::IndexedArray {
        return types::vec_of(ty).map(|e| (Shape::Whole, e));
    }
    if f.multi_attr {
        return types::vec_of(ty).map(|e| (Shape::Multi, e));
    }
    let inner = types::option_of(ty)?;
    Some(match types::box_of(inner) {
        Some(elem) => (Shape::Single { boxed: true }, elem),
        None => (Shape::Single { boxed: false }, inner),
    })
}

fn view_field<'a>(
    field: &'a syn::Field,
    member: &'a syn::Ident,
    f: &FieldAttr,
    codec: Codec,
) -> ViewField<'a> {
    let span = field.ty.span();
    let shape = shape(f, &field.ty);
    let elem = shape.map(|(_, e)| e);
    let read = match (codec, elem) {
        (_, None) => Read::Raw,
        (Codec::Flag, _) => Read::Flag,
        (
            Codec::Int { .. }
            | Codec::Uint { .. }
            | Codec::Sint
            | Codec::Struct
            | Codec::Bitfield32,
            Some(elem),
        ) => Read::Copied(copied_fn(codec, elem, span)),
        (Codec::String { unterminated_ok }, _) => Read::Str { unterminated_ok },
        (Codec::Binary, _) => Read::Bytes,
        (Codec::Array { int, be }, _) => Read::Scalars(int.rust(be)),
        (Codec::Nest | Codec::TypeValue, _) => Read::Nested,
        (Codec::IndexedNests, _) => Read::IndexedViews,
        (Codec::IndexedInts { int, be }, _) => Read::IndexedValues(int.rust(be)),
        // Kinds added to the derive after the view: their payload, until the
        // view types them.
        #[allow(unreachable_patterns)]
        _ => Read::Raw,
    };
    let (shape, elem) = match (&read, shape) {
        (Read::Raw, _) | (_, None) => (Shape::Single { boxed: false }, None),
        (_, Some((shape, elem))) => (shape, Some(elem)),
    };
    ViewField {
        member,
        vis: &field.vis,
        name: f.name.clone().unwrap_or_else(|| types::spec_name(member)),
        id: f.id,
        elem,
        shape,
        read,
        docs: field
            .attrs
            .iter()
            .filter(|a| a.path().is_ident("doc"))
            .collect(),
        span,
    }
}

/// The function that reads a copied value: the one the owned decoder calls
/// (shared by every view, rather than a closure per field), or a closure
/// around the owned decoder's expression.
fn copied_fn(codec: Codec, elem: &syn::Type, span: Span) -> TokenStream {
    let enc = quote_spanned!(span=> __genl_enc);
    match codec {
        Codec::Int {
            int,
            be,
            repr: Repr::Plain,
        } => {
            let wire = int.rust(be);
            quote_spanned!(span=> #enc::scalar::decode::<#wire>)
        }
        Codec::Int {
            int,
            be,
            repr: Repr::Enum,
        } => {
            let wire = int.rust(be);
            quote_spanned!(span=> #enc::enumeration::decode::<#elem, #wire>)
        }
        Codec::Uint { repr: Repr::Plain } => quote_spanned!(span=> #enc::uint::decode),
        Codec::Sint => quote_spanned!(span=> #enc::sint::decode),
        Codec::Struct => quote_spanned!(span=> #enc::cstruct::decode::<#elem>),
        Codec::Bitfield32 => quote_spanned!(span=> #enc::bitfield32::decode),
        _ => {
            let decode = codec.decode(elem, span);
            quote_spanned! {span=>
                |__genl_a: &::genl_runtime::wire::Attr<'a>| {
                    let __genl_attr = *__genl_a;
                    #decode
                }
            }
        }
    }
}

/// Paths the generated code uses.
struct Paths {
    view: TokenStream,
    error: TokenStream,
    result: TokenStream,
    option: TokenStream,
}

impl Paths {
    fn new() -> Paths {
        Paths {
            view: quote!(::genl_runtime::view),
            error: quote!(::genl_runtime::wire::DecodeError),
            result: quote!(::core::result::Result),
            option: quote!(::core::option::Option),
        }
    }
}

/// The struct, its inherent impl (constructor, accessors) and its trait impls.
fn generate(
    input: &syn::DeriveInput,
    attrs: &[ViewField<'_>],
    unknown: Option<&syn::Ident>,
) -> TokenStream {
    let p = Paths::new();
    let Paths {
        view,
        error,
        result,
        ..
    } = &p;
    let ident = &input.ident;
    let vis = &input.vis;
    let name = format_ident!("{}View", ident);
    let name_str = name.to_string();
    let slots = attrs
        .iter()
        .map(|a| usize::from(a.id) + 1)
        .max()
        .unwrap_or(0);
    let slots = proc_macro2::Literal::usize_unsuffixed(slots);

    let accessors = attrs.iter().map(|a| accessor(a, &p));
    let children = attrs.iter().filter_map(child);
    let owned = attrs.iter().map(|a| owned(a, &p));
    let members = attrs.iter().map(|a| a.member);
    let ids: Vec<u16> = attrs.iter().map(|a| a.id).collect();
    // One function for the accessor and `to_owned_at`, rather than a closure each.
    let known_fn = if unknown.is_none() {
        TokenStream::new()
    } else if ids.is_empty() {
        quote!(
            #[inline]
            fn __genl_known(_: u16) -> bool {
                false
            }
        )
    } else {
        quote!(
            #[inline]
            fn __genl_known(ty: u16) -> bool {
                ::core::matches!(ty, #(#ids)|*)
            }
        )
    };
    let known = quote!(__genl_known);
    let (unknown_accessor, unknown_owned) = match unknown {
        Some(m) => {
            let doc = " The attributes whose types this set does not know, as they \
                       came, walked as the iterator is.";
            (
                quote! {
                    #[doc = #doc]
                    #[inline]
                    #vis fn #m(&self) -> #view::Unknown<'a> {
                        self.index.reader().unknown(#known)
                    }
                },
                quote!(#m: self.index.reader().owned_unknown(#known),),
            )
        }
        None => (TokenStream::new(), TokenStream::new()),
    };

    // A kind the view reads only as bytes cannot be turned into the owned
    // field: the owned decoder reads the whole set then.
    let to_owned_body = if attrs.iter().any(|a| matches!(a.read, Read::Raw)) {
        quote! {
            <#ident as ::genl_runtime::GenlMessage>::decode_at(self.index.bytes(), __genl_depth)
                .map_err(|__genl_e| self.index.wrap(__genl_e))
        }
    } else {
        let uses_depth = attrs
            .iter()
            .any(|a| matches!(a.read, Read::Nested | Read::IndexedViews));
        let depth_unused = (!uses_depth).then(|| quote!(let _ = __genl_depth;));
        quote! {
            // A repeated attribute: every occurrence is checked by the owned
            // decoder, and only there.
            if self.index.repeats() {
                return <#ident as ::genl_runtime::GenlMessage>::decode_at(self.index.bytes(), __genl_depth)
                    .map_err(|__genl_e| self.index.wrap(__genl_e));
            }
            #depth_unused
            #result::Ok(#ident {
                #(#members: #owned,)*
                #unknown_owned
            })
        }
    };

    // Fields named like these keep the name; the trait methods remain.
    let taken = |n: &str| attrs.iter().any(|a| a.member == n) || unknown.is_some_and(|m| m == n);
    let new = (!taken("new")).then(|| {
        quote! {
            /// Checks the attribute headers of `buf` (the attributes of a
            /// message, without its headers) and indexes them, in one pass
            /// and without allocating.
            #[inline]
            #vis fn new(buf: &'a [u8]) -> #result<Self, #error> {
                <Self as #view::GenlView<'a>>::parse(buf, #view::Trail::ROOT)
            }
        }
    });
    let to_owned = (!taken("to_owned")).then(|| {
        let doc = format!(
            " Reads every field into a [`{ident}`], equal to what \
             `{ident}::decode` gives for the same bytes."
        );
        quote! {
            #[doc = #doc]
            #[inline]
            #vis fn to_owned(&self) -> #result<#ident, #error> {
                #view::GenlView::to_owned_at(self, 0)
            }
        }
    });
    let doc = format!(
        " A borrowing view of [`{ident}`]: its attributes read in place, without \
         allocating."
    );

    let imports = crate::codec::imports();
    quote! {
        #[doc = #doc]
        #[doc = ""]
        #[doc = " Built with `new` (or `HasView::view`), which checks every attribute \
                   header and indexes them; each accessor then reads its field in O(1). \
                   See `genl_runtime::view`."]
        #[derive(Clone, Copy)]
        #vis struct #name<'a> {
            index: #view::Index<'a, #slots>,
        }

        #[doc(hidden)]
        const _: () = {
            #imports
            #known_fn

            #[allow(dead_code)]
            impl<'a> #name<'a> {
                #new
                #to_owned
                #(#accessors)*
                #unknown_accessor
            }

            #[automatically_derived]
            impl<'a> #view::GenlView<'a> for #name<'a> {
                type Owned = #ident;

                #[inline]
                fn parse(buf: &'a [u8], trail: #view::Trail<'a>) -> #result<Self, #error> {
                    let trail = trail.rooted(buf, <Self as #view::GenlView<'a>>::locate);
                    match #view::Index::new(buf, trail) {
                        #result::Ok(index) => #result::Ok(#name { index }),
                        #result::Err(e) => #result::Err(e),
                    }
                }

                #[inline]
                fn bytes(&self) -> &'a [u8] {
                    self.index.bytes()
                }

                #[inline]
                fn to_owned_at(&self, __genl_depth: usize) -> #result<#ident, #error> {
                    #to_owned_body
                }

                #[inline]
                fn locate(
                    buf: &[u8],
                    target: #view::Target,
                    path: &mut ::std::vec::Vec<::genl_runtime::wire::PathSegment>,
                ) {
                    #view::locate(buf, target, path, |__genl_ty: u16| match __genl_ty {
                        #(#children)*
                        _ => ::core::option::Option::None,
                    })
                }
            }

            #[automatically_derived]
            impl #view::HasView for #ident {
                type View<'a> = #name<'a>;
            }

            #[automatically_derived]
            impl ::core::fmt::Debug for #name<'_> {
                #[inline]
                fn fmt(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
                    self.index.reader().fmt_view(
                        f,
                        #name_str,
                        <#ident as ::genl_runtime::GenlMessage>::policy(),
                    )
                }
            }
        };
    }
}

/// The view type of the nested set of `elem`.
fn nested_view(elem: &syn::Type, span: Span) -> TokenStream {
    quote_spanned!(span=> <#elem as ::genl_runtime::view::HasView>::View<'a>)
}

/// The arm of `locate` for a field whose nests have views: how the view
/// reaches them, for the paths of errors.
fn child(a: &ViewField<'_>) -> Option<TokenStream> {
    let (id, name, span) = (a.id, &a.name, a.span);
    let step = match (&a.read, a.shape) {
        (Read::Nested, Shape::Single { .. }) => quote!(Nest),
        (Read::Nested, _) => quote!(Repeated),
        (Read::IndexedViews, _) => quote!(Indexed),
        _ => return None,
    };
    let v = nested_view(a.elem?, span);
    Some(quote_spanned! {span=>
        #id => ::core::option::Option::Some(::genl_runtime::view::Child::#step(
            #name,
            <#v as ::genl_runtime::view::GenlView<'a>>::locate,
        )),
    })
}

/// The function that reads one value, and the type it gives.
fn value_fn(a: &ViewField<'_>) -> Option<(TokenStream, TokenStream)> {
    let span = a.span;
    let view = quote_spanned!(span=> ::genl_runtime::view);
    Some(match &a.read {
        Read::Copied(f) => {
            let elem = a.elem?;
            (f.clone(), quote_spanned!(span=> #elem))
        }
        Read::Str { unterminated_ok } => {
            let f = if *unterminated_ok {
                quote_spanned!(span=> #view::string_unterminated)
            } else {
                quote_spanned!(span=> #view::string)
            };
            (f, quote_spanned!(span=> &'a str))
        }
        Read::Bytes | Read::Raw => (
            quote_spanned!(span=> #view::binary),
            quote_spanned!(span=> &'a [u8]),
        ),
        Read::Scalars(wire) => (
            quote_spanned!(span=> #view::array::<#wire>),
            quote_spanned!(span=> #view::Scalars<'a, #wire>),
        ),
        Read::IndexedValues(wire) => (
            quote_spanned!(span=> ::genl_runtime::encoding::scalar::decode::<#wire>),
            quote_spanned!(span=> #wire),
        ),
        Read::Flag | Read::Nested | Read::IndexedViews => return None,
    })
}

/// The accessor of a field.
fn accessor(a: &ViewField<'_>, p: &Paths) -> TokenStream {
    let Paths {
        view,
        error,
        result,
        option,
    } = p;
    let (m, vis, id, name, span) = (a.member, a.vis, a.id, &a.name, a.span);
    let what = match (&a.read, a.shape) {
        (Read::Raw, _) => {
            "the payload of the last such attribute, as bytes: the view does not type \
             this kind of attribute yet"
        }
        (Read::Flag, _) => "whether the flag is set",
        (_, Shape::Single { .. }) => "the value of the last such attribute, if any",
        (_, Shape::Multi) => "every such attribute, in order, read as the iterator is walked",
        (_, Shape::Whole | Shape::Bare) => {
            "the elements of the array, in order, read as the iterator is walked (none when \
             the attribute is absent)"
        }
    };
    let title = format!(" `{name}` (attribute {id}): {what}.");
    let docs = &a.docs;
    let docs = if docs.is_empty() {
        TokenStream::new()
    } else {
        quote!(#[doc = ""] #(#docs)*)
    };
    let (ret, body) = match (&a.read, a.shape, a.elem) {
        (Read::Flag, _, _) => (
            quote!(bool),
            quote_spanned!(span=> self.index.reader().has(#id)),
        ),
        (Read::Nested, Shape::Single { .. }, Some(elem)) => {
            let v = nested_view(elem, span);
            (
                quote_spanned!(span=> #result<#option<#v>, #error>),
                quote_spanned!(span=> self.index.reader().nest(#id)),
            )
        }
        (Read::Nested, _, Some(elem)) => {
            let v = nested_view(elem, span);
            (
                quote_spanned!(span=> #view::Views<'a, #v>),
                quote_spanned!(span=> self.index.reader().repeated_views(#id, #name)),
            )
        }
        (Read::IndexedViews, _, Some(elem)) => {
            let v = nested_view(elem, span);
            (
                quote_spanned!(span=> #view::Views<'a, #v>),
                quote_spanned!(span=> self.index.reader().indexed_views(#id, #name)),
            )
        }
        (read, shape, _) => {
            let Some((f, t)) = value_fn(a) else {
                return TokenStream::new();
            };
            match (read, shape) {
                (Read::IndexedValues(_), _) => (
                    quote_spanned!(span=> #view::Values<'a, #t>),
                    quote_spanned!(span=> self.index.reader().indexed(#id, #name, #f)),
                ),
                (Read::Raw, _) | (_, Shape::Single { .. } | Shape::Bare | Shape::Whole) => (
                    quote_spanned!(span=> #result<#option<#t>, #error>),
                    quote_spanned!(span=> self.index.reader().single(#id, #name, #f)),
                ),
                (_, Shape::Multi) => (
                    quote_spanned!(span=> #view::Values<'a, #t>),
                    quote_spanned!(span=> self.index.reader().repeated(#id, #name, #f)),
                ),
            }
        }
    };
    quote! {
        #[doc = #title]
        #docs
        #[inline]
        #vis fn #m(&self) -> #ret {
            #body
        }
    }
}

/// The owned value of a field, read through its accessor, in `to_owned_at`
/// (whose depth is `__genl_depth`).
fn owned(a: &ViewField<'_>, p: &Paths) -> TokenStream {
    let Paths { error, result, .. } = p;
    let (m, id, name, span) = (a.member, a.id, &a.name, a.span);
    let into = quote_spanned!(span=> ::core::convert::Into::into);
    let collect = quote_spanned!(span=> ::core::iter::Iterator::collect);
    let nested = |how: &str| {
        let v = nested_view(a.elem.expect("nests have an element type"), span);
        let how = format_ident!("{}", how);
        quote_spanned!(span=> self.index.reader().#how::<#v>(#id, #name, __genl_depth)?)
    };
    match (&a.read, a.shape) {
        (Read::Flag, _) => quote_spanned!(span=> self.#m()),
        (Read::Nested, Shape::Single { boxed }) => {
            let v = nested("owned_nest");
            if boxed {
                quote_spanned!(span=> #v.map(::std::boxed::Box::new))
            } else {
                v
            }
        }
        (Read::Nested, _) => nested("owned_repeated"),
        (Read::IndexedViews, _) => nested("owned_indexed"),
        (read, Shape::Single { .. } | Shape::Bare) => match read {
            Read::Str { .. } | Read::Bytes => quote_spanned!(span=> self.#m()?.map(#into)),
            Read::Scalars(_) => quote_spanned!(span=> self.#m()?.map(#collect)),
            _ => quote_spanned!(span=> self.#m()?),
        },
        (read, Shape::Multi | Shape::Whole) => {
            let each = match read {
                Read::Str { .. } | Read::Bytes => {
                    quote_spanned!(span=> .map(|__genl_r| __genl_r.map(#into)))
                }
                Read::Scalars(_) => {
                    quote_spanned!(span=> .map(|__genl_r| __genl_r.map(#collect)))
                }
                _ => TokenStream::new(),
            };
            quote_spanned!(span=> self.#m() #each .collect::<#result<_, #error>>()?)
        }
    }
}
