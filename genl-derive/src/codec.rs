//! One value of an attribute: how each wire type is written, sized, read,
//! checked and described in a policy, as calls into
//! `::genl_runtime::encoding`. Each [`Codec`] owns all of its behaviour; the
//! shape of the field around the value (`Option`, `Vec`, ...) is
//! [`crate::message`]'s business.

use crate::types::{Expect, Int};
use genl_spec::raw::AttrType;
use genl_spec::vocab::{Checks, Errors, FieldAttr};
use proc_macro2::{Span, TokenStream};
use quote::quote_spanned;

/// How an integer attribute's value is typed in Rust.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Repr {
    /// The integer itself (`u32`, `Be<u32>`, `u64`).
    Plain,
    /// A `GenlEnum`.
    Enum,
    /// A bitflags type.
    Flags,
}

/// The kind of value an attribute carries.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Codec {
    /// `flag`: a `bool`.
    Flag,
    /// `u8` … `s64`.
    Int { int: Int, be: bool, repr: Repr },
    /// `uint`.
    Uint { repr: Repr },
    /// `sint`.
    Sint,
    /// `string`.
    String { unterminated_ok: bool },
    /// `binary`: `Vec<u8>`.
    Binary,
    /// `binary, struct_`: a `CStruct`.
    Struct,
    /// `binary, struct_, sub_type = binary`: `Vec<T>` of `CStruct`s, back to
    /// back in one attribute.
    StructArray,
    /// `binary, sub_type = <int>`: `Vec<int>`.
    Array { int: Int, be: bool },
    /// `nest`: a `GenlMessage`.
    Nest,
    /// `nest_type_value`: a `TypeValue<T>`.
    TypeValue,
    /// `indexed_array, sub_type = nest`: `Vec<T>` of `GenlMessage`s, one attribute.
    IndexedNests,
    /// `indexed_array, sub_type = <int>`: `Vec<int>`, one attribute.
    IndexedInts { int: Int, be: bool },
    /// `bitfield32`.
    Bitfield32,
    /// `sub_message, selector = field`: a `GenlSubMessage`, decoded in the
    /// format its selector names.
    SubMessage,
}

/// The name of a wire type as written in `#[genl(...)]`.
pub(crate) fn keyword(ty: AttrType) -> String {
    ty.as_str().replace('-', "_")
}

impl Codec {
    /// The codec of an annotated field, after checking that its options go
    /// together; errors point at `at` (the field's `#[genl(...)]`).
    pub fn of(f: &FieldAttr, at: &TokenStream, errors: &mut Errors) -> Option<Codec> {
        let t = f.ty;
        let tname = keyword(t);
        let int = Int::of(t);
        let is_int = int.is_some() || matches!(t, AttrType::Uint | AttrType::Sint);
        let unsigned = int.map_or(t == AttrType::Uint, |i| !i.signed);
        let mut ok = true;
        let mut not_for = |on: bool, what: &str, applies: &str| {
            if on {
                errors.error_at(
                    at,
                    format!("{what} applies to {applies}, not to a `{tname}` attribute"),
                );
                ok = false;
            }
        };
        let arrays = matches!(t, AttrType::Binary | AttrType::IndexedArray);
        not_for(
            f.be && int.is_none() && !arrays,
            "`be`",
            "fixed-size integers and integer arrays",
        );
        let enumerable = int.is_some() || t == AttrType::Uint;
        not_for(f.enum_ && !enumerable, "`enum_`", "integers");
        not_for(f.flags && !enumerable, "`flags`", "integers");
        not_for(f.struct_ && t != AttrType::Binary, "`struct_`", "`binary`");
        not_for(
            f.sub_type.is_some() && !arrays,
            "`sub_type`",
            "`binary` and `indexed_array`",
        );
        not_for(
            f.multi_attr && matches!(t, AttrType::Flag | AttrType::IndexedArray),
            "`multi_attr`",
            "attributes that can repeat",
        );
        not_for(
            f.selector.is_some() && t != AttrType::SubMessage,
            "`selector`",
            "`sub_message`",
        );
        let c = &f.checks;
        not_for(
            c.unterminated_ok && t != AttrType::String,
            "`unterminated_ok`",
            "`string`",
        );
        not_for(
            (c.min.is_some() || c.max.is_some()) && !is_int,
            "a range check (`min`, `max`)",
            "integers",
        );
        not_for(
            c.flags_mask.is_some() && !unsigned && t != AttrType::Bitfield32,
            "`flags_mask`",
            "unsigned integers and `bitfield32`",
        );
        not_for(
            (c.min_len.is_some() || c.max_len.is_some() || c.exact_len.is_some())
                && !matches!(t, AttrType::String | AttrType::Binary),
            "a length check (`min_len`, `max_len`, `exact_len`)",
            "`string` and `binary`",
        );
        if f.multi_attr && t == AttrType::SubMessage {
            errors.error_at(
                at,
                "a repeated `sub_message` is not supported: keep its payloads as \
                 `binary, multi_attr`",
            );
            ok = false;
        }
        let repr = if f.flags {
            Repr::Flags
        } else if f.enum_ {
            Repr::Enum
        } else {
            Repr::Plain
        };
        let codec = match t {
            AttrType::Flag => Some(Codec::Flag),
            AttrType::Uint => Some(Codec::Uint { repr }),
            AttrType::Sint => Some(Codec::Sint),
            AttrType::String => Some(Codec::String {
                unterminated_ok: c.unterminated_ok,
            }),
            AttrType::Binary => match (f.struct_, f.sub_type) {
                (true, Some(AttrType::Binary)) => Some(Codec::StructArray),
                (true, Some(_)) => {
                    errors.error_at(
                        at,
                        "with `struct_`, a `binary` attribute's `sub_type` is `binary` (an \
                         array of structs) or none (one struct)",
                    );
                    None
                }
                (true, None) => Some(Codec::Struct),
                (false, None) => Some(Codec::Binary),
                (false, Some(st)) => match Int::of(st) {
                    Some(int) => Some(Codec::Array { int, be: f.be }),
                    None => {
                        errors.error_at(
                            at,
                            format!(
                                "the `sub_type` of a `binary` array is an integer type such as \
                                 `u32`, not `{}`",
                                keyword(st)
                            ),
                        );
                        None
                    }
                },
            },
            AttrType::Nest => Some(Codec::Nest),
            AttrType::NestTypeValue => Some(Codec::TypeValue),
            AttrType::IndexedArray => match f.sub_type {
                Some(AttrType::Nest) => Some(Codec::IndexedNests),
                Some(st) => match Int::of(st) {
                    Some(int) => Some(Codec::IndexedInts { int, be: f.be }),
                    None => {
                        errors.error_at(
                            at,
                            format!(
                                "an `indexed_array` of `{}` is not supported by \
                                 #[derive(GenlMessage)]; its `sub_type` is `nest` or an \
                                 integer type",
                                keyword(st)
                            ),
                        );
                        None
                    }
                },
                None => {
                    errors.error_at(
                        at,
                        "an `indexed_array` needs its element type: `sub_type = nest` or an \
                         integer type such as `sub_type = u32`",
                    );
                    None
                }
            },
            AttrType::Bitfield32 => Some(Codec::Bitfield32),
            AttrType::SubMessage if f.selector.is_none() => {
                errors.error_at(
                    at,
                    "a `sub_message` attribute needs `selector = field`: the field of this \
                     struct whose value picks the format",
                );
                None
            }
            AttrType::SubMessage => Some(Codec::SubMessage),
            AttrType::Pad | AttrType::Unused => {
                errors.error_at(
                    at,
                    format!(
                        "`{tname}` attributes are not supported by #[derive(GenlMessage)]; \
                         the `#[genl(unknown)]` field keeps them"
                    ),
                );
                None
            }
            _ => int.map(|int| Codec::Int {
                int,
                be: f.be,
                repr,
            }),
        };
        codec.filter(|_| ok)
    }

    /// What the type of one value must be.
    pub fn expect(self) -> Expect {
        const ENUM: &str = "a type that implements `GenlEnum` (`#[derive(GenlEnum)]`)";
        const FLAGS: &str = "a bitflags type of the same width";
        let with = |repr: Repr, plain: String| match repr {
            Repr::Plain => Expect::Exactly(plain),
            Repr::Enum => Expect::Other(ENUM),
            Repr::Flags => Expect::Other(FLAGS),
        };
        match self {
            Codec::Flag => Expect::Exactly("bool".into()),
            Codec::Int { int, be, repr } => with(repr, int.name(be)),
            Codec::Uint { repr } => with(repr, "u64".into()),
            Codec::Sint => Expect::Exactly("i64".into()),
            Codec::String { .. } => Expect::Exactly("String".into()),
            Codec::Binary => Expect::Exactly("Vec<u8>".into()),
            Codec::Struct => {
                Expect::Other("a C struct type that implements `CStruct` (`#[derive(GenlStruct)]`)")
            }
            Codec::StructArray => Expect::Other(
                "a `Vec` of a C struct type that implements `CStruct` (`#[derive(GenlStruct)]`)",
            ),
            Codec::Array { int, be } => Expect::Exactly(format!("Vec<{}>", int.name(be))),
            Codec::Nest | Codec::IndexedNests => {
                Expect::Other("a type that implements `GenlMessage` (`#[derive(GenlMessage)]`)")
            }
            Codec::TypeValue => Expect::Other("a `::genl_runtime::TypeValue<T>`"),
            Codec::IndexedInts { int, be } => Expect::Exactly(int.name(be)),
            Codec::Bitfield32 => Expect::Exactly("Bitfield32".into()),
            Codec::SubMessage => Expect::Other(
                "a type that implements `GenlSubMessage` (`#[derive(GenlSubMessage)]`)",
            ),
        }
    }

    /// Whether the value holds attribute sets: its errors get a path inside,
    /// and decoding it needs the nesting depth.
    pub fn nests(self) -> bool {
        matches!(
            self,
            Codec::Nest | Codec::TypeValue | Codec::IndexedNests | Codec::SubMessage
        )
    }

    /// The `::genl_runtime::SelectorValue` of the value `s` (`&E`) of a
    /// selector; `None` for a wire type that cannot select (only strings and
    /// integers can, and an integer's field must hold its number or an enum).
    pub fn selector_value(self, s: &TokenStream, span: Span) -> Option<TokenStream> {
        let sv = quote_spanned!(span=> ::genl_runtime::SelectorValue);
        let to_u64 = quote_spanned!(span=> __genl_enc::enumeration::ToU64::to_u64);
        Some(match self {
            Codec::String { .. } => {
                quote_spanned!(span=> #sv::Str(::std::string::String::as_str(#s)))
            }
            Codec::Int {
                repr: Repr::Plain, ..
            }
            | Codec::Sint => quote_spanned!(span=> #sv::Int(#to_u64(*#s))),
            Codec::Uint { repr: Repr::Plain } => quote_spanned!(span=> #sv::Int(*#s)),
            Codec::Int {
                repr: Repr::Enum, ..
            }
            | Codec::Uint { repr: Repr::Enum } => {
                quote_spanned!(span=> #sv::Int(::genl_runtime::GenlEnum::value(*#s)))
            }
            _ => return None,
        })
    }

    /// The policy kind, given the element type `elem`.
    pub fn kind(self, elem: &syn::Type, span: Span) -> TokenStream {
        let k = quote_spanned!(span=> __genl_policy::Kind);
        match self {
            Codec::Flag => quote_spanned!(span=> #k::Flag),
            Codec::Int { int, .. } => {
                let bytes = proc_macro2::Literal::u8_unsuffixed(int.bytes);
                if int.signed {
                    quote_spanned!(span=> #k::Signed(#bytes))
                } else {
                    quote_spanned!(span=> #k::Unsigned(#bytes))
                }
            }
            Codec::Uint { .. } => quote_spanned!(span=> #k::Uint),
            Codec::Sint => quote_spanned!(span=> #k::Sint),
            Codec::String { .. } => quote_spanned!(span=> #k::String),
            Codec::Binary | Codec::Struct | Codec::StructArray | Codec::Array { .. } => {
                quote_spanned!(span=> #k::Binary)
            }
            Codec::Nest => {
                quote_spanned!(span=> #k::Nest(<#elem as ::genl_runtime::GenlMessage>::policy))
            }
            Codec::TypeValue => quote_spanned!(span=> #k::NestTypeValue),
            Codec::IndexedNests | Codec::IndexedInts { .. } => {
                quote_spanned!(span=> #k::IndexedArray)
            }
            Codec::Bitfield32 => quote_spanned!(span=> #k::Bitfield32),
            Codec::SubMessage => quote_spanned!(span=> #k::SubMessage),
        }
    }

    /// Writes the attribute `id` holding `*v` (for indexed arrays, `v` is
    /// the whole `Vec`).
    pub fn encode(self, id: u16, elem: &syn::Type, v: &TokenStream, span: Span) -> TokenStream {
        let enc = quote_spanned!(span=> __genl_enc);
        let w = quote_spanned!(span=> __genl_w);
        match self {
            Codec::Flag => quote_spanned!(span=> #enc::flag::encode(#id, #v, #w)),
            Codec::Int { int, be, repr } => {
                let wire = int.rust(be);
                match repr {
                    Repr::Plain => {
                        quote_spanned!(span=> #enc::scalar::encode::<#wire>(#id, #v, #w))
                    }
                    Repr::Enum => {
                        quote_spanned!(span=> #enc::enumeration::encode::<#elem, #wire>(#id, #v, #w))
                    }
                    Repr::Flags => {
                        quote_spanned!(span=> #enc::flags::encode::<#elem, #wire>(#id, #v, #w))
                    }
                }
            }
            Codec::Uint { repr } => {
                let value = uint_value(repr, v, span);
                quote_spanned!(span=> #enc::uint::encode(#id, #value, #w))
            }
            Codec::Sint => quote_spanned!(span=> #enc::sint::encode(#id, #v, #w)),
            Codec::String { .. } => quote_spanned!(span=> #enc::string::encode(#id, #v, #w)),
            Codec::Binary => quote_spanned!(span=> #enc::binary::encode(#id, #v, #w)),
            Codec::Struct => quote_spanned!(span=> #enc::cstruct::encode::<#elem>(#id, #v, #w)),
            Codec::StructArray => quote_spanned!(span=> #enc::cstruct::encode_array(#id, #v, #w)),
            Codec::Array { int, be } => {
                let wire = int.rust(be);
                quote_spanned!(span=> #enc::array::encode::<#wire>(#id, #v, #w))
            }
            Codec::Nest => quote_spanned!(span=> #enc::nest::encode::<#elem>(#id, #v, #w)),
            Codec::TypeValue => {
                quote_spanned!(span=> #enc::nest::encode::<::genl_runtime::TypeValue<_>>(#id, #v, #w))
            }
            Codec::IndexedNests => {
                quote_spanned!(span=> #enc::indexed_array::encode_nests::<#elem>(#id, #v, #w))
            }
            Codec::IndexedInts { int, be } => {
                let wire = int.rust(be);
                quote_spanned!(span=> #enc::indexed_array::encode_scalars::<#wire>(#id, #v, #w))
            }
            Codec::Bitfield32 => quote_spanned!(span=> #enc::bitfield32::encode(#id, #v, #w)),
            Codec::SubMessage => {
                quote_spanned!(span=> #enc::sub_message::encode::<#elem>(#id, #v, #w))
            }
        }
    }

    /// The size of what [`Codec::encode`] writes, as a `usize` expression.
    pub fn len(self, elem: &syn::Type, v: &TokenStream, span: Span) -> TokenStream {
        let enc = quote_spanned!(span=> __genl_enc);
        match self {
            Codec::Flag => quote_spanned!(span=> #enc::flag::len(#v)),
            Codec::Int { int, be, repr } => {
                let wire = int.rust(be);
                match repr {
                    Repr::Plain => quote_spanned!(span=> #enc::scalar::len::<#wire>(#v)),
                    Repr::Enum => quote_spanned!(span=> #enc::enumeration::len::<#elem, #wire>(#v)),
                    Repr::Flags => quote_spanned!(span=> #enc::flags::len::<#elem, #wire>(#v)),
                }
            }
            Codec::Uint { repr } => {
                let value = uint_value(repr, v, span);
                quote_spanned!(span=> #enc::uint::len(#value))
            }
            Codec::Sint => quote_spanned!(span=> #enc::sint::len(#v)),
            Codec::String { .. } => quote_spanned!(span=> #enc::string::len(#v)),
            Codec::Binary => quote_spanned!(span=> #enc::binary::len(#v)),
            Codec::Struct => quote_spanned!(span=> #enc::cstruct::len::<#elem>(#v)),
            Codec::StructArray => quote_spanned!(span=> #enc::cstruct::len_array(#v)),
            Codec::Array { int, be } => {
                let wire = int.rust(be);
                quote_spanned!(span=> #enc::array::len::<#wire>(#v))
            }
            Codec::Nest => quote_spanned!(span=> #enc::nest::len::<#elem>(#v)),
            Codec::TypeValue => {
                quote_spanned!(span=> #enc::nest::len::<::genl_runtime::TypeValue<_>>(#v))
            }
            Codec::IndexedNests => {
                quote_spanned!(span=> #enc::indexed_array::len_nests::<#elem>(#v))
            }
            Codec::IndexedInts { int, be } => {
                let wire = int.rust(be);
                quote_spanned!(span=> #enc::indexed_array::len_scalars::<#wire>(#v))
            }
            Codec::Bitfield32 => quote_spanned!(span=> #enc::bitfield32::len(#v)),
            Codec::SubMessage => quote_spanned!(span=> #enc::sub_message::len::<#elem>(#v)),
        }
    }

    /// Reads the value of the attribute `__genl_attr`: an expression of type
    /// `Result<_, DecodeError>`. A sub-message reads its selector's value
    /// from `__genl_selector`, which the caller binds.
    pub fn decode(self, elem: &syn::Type, span: Span) -> TokenStream {
        let enc = quote_spanned!(span=> __genl_enc);
        let a = quote_spanned!(span=> &__genl_attr);
        let depth = quote_spanned!(span=> __genl_depth);
        match self {
            Codec::Flag => quote_spanned!(span=> #enc::flag::decode(#a)),
            Codec::Int { int, be, repr } => {
                let wire = int.rust(be);
                match repr {
                    Repr::Plain => quote_spanned!(span=> #enc::scalar::decode::<#wire>(#a)),
                    Repr::Enum => {
                        quote_spanned!(span=> #enc::enumeration::decode::<#elem, #wire>(#a))
                    }
                    Repr::Flags => quote_spanned!(span=> #enc::flags::decode::<#elem, #wire>(#a)),
                }
            }
            Codec::Uint { repr } => match repr {
                Repr::Plain => quote_spanned!(span=> #enc::uint::decode(#a)),
                Repr::Enum => quote_spanned!(span=> #enc::enumeration::decode_uint::<#elem>(#a)),
                Repr::Flags => quote_spanned!(span=> #enc::flags::decode_uint::<#elem>(#a)),
            },
            Codec::Sint => quote_spanned!(span=> #enc::sint::decode(#a)),
            Codec::String { unterminated_ok } => {
                quote_spanned!(span=> #enc::string::decode(#a, #unterminated_ok))
            }
            Codec::Binary => quote_spanned!(span=> #enc::binary::decode(#a)),
            Codec::Struct => quote_spanned!(span=> #enc::cstruct::decode::<#elem>(#a)),
            Codec::StructArray => quote_spanned!(span=> #enc::cstruct::decode_array(#a)),
            Codec::Array { int, be } => {
                let wire = int.rust(be);
                quote_spanned!(span=> #enc::array::decode::<#wire>(#a))
            }
            Codec::Nest => quote_spanned!(span=> #enc::nest::decode::<#elem>(#a, #depth)),
            Codec::TypeValue => {
                quote_spanned!(span=> #enc::nest::decode::<::genl_runtime::TypeValue<_>>(#a, #depth))
            }
            Codec::IndexedNests => {
                quote_spanned!(span=> #enc::indexed_array::decode_nests::<#elem>(#a, #depth))
            }
            Codec::IndexedInts { int, be } => {
                let wire = int.rust(be);
                quote_spanned!(span=> #enc::indexed_array::decode_scalars::<#wire>(#a))
            }
            Codec::Bitfield32 => quote_spanned!(span=> #enc::bitfield32::decode(#a)),
            Codec::SubMessage => quote_spanned! {span=>
                #enc::sub_message::decode::<#elem>(__genl_selector, #a, #depth)
            },
        }
    }

    /// Checks one value `v` (`&E`; an element for arrays) against the policy
    /// entry `p`: an expression of type `Result<(), PolicyError>`, or `None`
    /// when there is nothing to check. For nests, the error's path starts
    /// inside the value and the caller adds the attribute's name.
    pub fn validate(
        self,
        elem: &syn::Type,
        checks: &Checks,
        p: &syn::Ident,
        v: &TokenStream,
        span: Span,
    ) -> Option<TokenStream> {
        let ranges = checks.min.is_some() || checks.max.is_some() || checks.flags_mask.is_some();
        let int_check =
            |value: TokenStream| ranges.then(|| quote_spanned!(span=> #p.check_int(#value)));
        match self {
            Codec::Flag => None,
            Codec::Int { int, be, repr } => int_check(match repr {
                Repr::Plain if int.is_be(be) => quote_spanned!(span=> #v.0),
                Repr::Plain => quote_spanned!(span=> *#v),
                Repr::Enum => quote_spanned!(span=> ::genl_runtime::GenlEnum::value(*#v)),
                Repr::Flags => quote_spanned!(span=> ::genl_runtime::bitflags::Flags::bits(#v)),
            }),
            Codec::Uint { repr } => {
                let value = uint_value(repr, v, span);
                int_check(quote_spanned!(span=> *#value))
            }
            Codec::Sint => int_check(quote_spanned!(span=> *#v)),
            Codec::IndexedInts { int, be } => int_check(if int.is_be(be) {
                quote_spanned!(span=> #v.0)
            } else {
                quote_spanned!(span=> *#v)
            }),
            Codec::String { .. } => Some(quote_spanned!(span=> #p.check_str(#v))),
            Codec::Binary => Some(quote_spanned!(span=> #p.check_len(#v.len()))),
            Codec::Struct => Some(quote_spanned! {span=>{
                let _: &#elem = #v;
                #p.check_len(<#elem as ::genl_runtime::CStruct>::SIZE)
            }}),
            Codec::StructArray => Some(quote_spanned! {span=>
                #p.check_len(__genl_enc::cstruct::payload_len(#v))
            }),
            Codec::Array { int, be } => {
                let wire = int.rust(be);
                Some(quote_spanned! {span=>
                    #p.check_len(#v.len().saturating_mul(<#wire as ::genl_runtime::wire::Scalar>::SIZE))
                })
            }
            Codec::Nest | Codec::TypeValue | Codec::IndexedNests => {
                Some(quote_spanned!(span=> ::genl_runtime::GenlMessage::validate(#v)))
            }
            Codec::SubMessage => {
                Some(quote_spanned!(span=> ::genl_runtime::GenlSubMessage::validate(#v)))
            }
            Codec::Bitfield32 => checks.flags_mask.is_some().then(|| {
                quote_spanned! {span=>
                    #p.check_int(#v.value).and_then(|()| #p.check_int(#v.selector))
                }
            }),
        }
    }
}

/// A `&u64` for the `uint` value `v`.
fn uint_value(repr: Repr, v: &TokenStream, span: Span) -> TokenStream {
    match repr {
        Repr::Plain => quote_spanned!(span=> #v),
        Repr::Enum => quote_spanned!(span=> &::genl_runtime::GenlEnum::value(*#v)),
        Repr::Flags => quote_spanned!(span=> &__genl_ds::flags_to_u64(#v)),
    }
}

/// The imports that the code of [`Codec`] and of the derives that use it
/// needs, at the top of the derive's `const _: () = { ... }` block: short
/// paths keep the expansion small.
pub(crate) fn imports() -> TokenStream {
    quote::quote! {
        #[allow(unused_imports)]
        use ::genl_runtime::{
            derive_support as __genl_ds, encoding as __genl_enc, policy as __genl_policy,
        };
    }
}
