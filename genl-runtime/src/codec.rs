//! The traits that generated and derived types implement.

use crate::policy::{PolicyError, SetPolicy};
use crate::wire::{Attr, DecodeError, PathSegment, Writer, attrs};
use std::fmt;

/// A set of attributes: one attribute set of a spec, or the part of one that
/// an operation's request or reply uses. Implemented by `#[derive(GenlMessage)]`.
pub trait GenlMessage: Sized {
    /// The checks of every attribute, by spec name and number.
    fn policy() -> &'static SetPolicy;

    /// Appends the attributes (no headers) to `w`.
    fn encode(&self, w: &mut Writer<'_>);

    /// The number of bytes [`Self::encode`] writes.
    fn encoded_len(&self) -> usize;

    /// Reads the attributes of `buf`, at nesting depth `depth` (0 for a
    /// message's top level); deeper than [`MAX_DEPTH`] is an error.
    fn decode_at(buf: &[u8], depth: usize) -> Result<Self, DecodeError>;

    /// Reads the attributes of a message's top level.
    fn decode(buf: &[u8]) -> Result<Self, DecodeError> {
        Self::decode_at(buf, 0)
    }

    /// Checks every attribute set against its policy, nests included.
    fn validate(&self) -> Result<(), PolicyError>;

    /// Encodes into a new buffer.
    fn to_bytes(&self) -> Vec<u8> {
        let mut buf = Vec::with_capacity(self.encoded_len());
        self.encode(&mut Writer::new(&mut buf));
        buf
    }
}

/// One attribute of an ordered attribute set: an enum with one variant per
/// attribute, so that a `Vec` of them keeps the order of the wire across
/// attribute types (OVS actions: `output(1), push_vlan(..), output(2)`).
/// Implemented by `#[derive(GenlAttr)]`.
///
/// `Vec<T>` is then a [`GenlMessage`]: the attributes of a nest, one per
/// element, in order. An empty `Vec` is an empty nest, which is not the same
/// as an absent one (`None` in an `Option<Vec<T>>`).
pub trait GenlAttr: Sized {
    /// How many levels lists of this set may be nested in one another below
    /// the outermost, when the receiver has a limit the spec cannot state
    /// (`#[genl(max_nesting = N)]`); checked by [`GenlMessage::validate`]
    /// on `Vec<Self>`.
    const MAX_NESTING: Option<usize> = None;

    /// The checks of every attribute of the set, by spec name and number.
    fn policy() -> &'static SetPolicy;

    /// Appends the attribute, header included, to `w`.
    fn encode(&self, w: &mut Writer<'_>);

    /// The number of bytes [`Self::encode`] writes, padding included.
    fn encoded_len(&self) -> usize;

    /// Reads one attribute of a set at nesting depth `depth`; `Ok(None)` for
    /// an attribute the type does not know and has no variant to keep.
    fn decode_attr(attr: &Attr<'_>, depth: usize) -> Result<Option<Self>, DecodeError>;

    /// Checks the attribute against its policy, nests included.
    fn validate(&self) -> Result<(), PolicyError>;
}

/// The attributes of an ordered set, in order. Decode and policy errors
/// name the element by its position: `.actions[2].userspace.pid` (for
/// decode errors, the position of the attribute in the nest).
impl<T: GenlAttr> GenlMessage for Vec<T> {
    fn policy() -> &'static SetPolicy {
        T::policy()
    }

    fn encode(&self, w: &mut Writer<'_>) {
        for v in self {
            v.encode(w);
        }
    }

    fn encoded_len(&self) -> usize {
        self.iter().map(T::encoded_len).sum()
    }

    fn decode_at(buf: &[u8], depth: usize) -> Result<Self, DecodeError> {
        let mut out = Vec::new();
        for (i, a) in attrs(buf).enumerate() {
            let value = a
                .and_then(|a| T::decode_attr(&a, depth))
                .map_err(|e| e.within(PathSegment::Index(i)))?;
            out.extend(value);
        }
        Ok(out)
    }

    fn validate(&self) -> Result<(), PolicyError> {
        let each = || {
            self.iter()
                .enumerate()
                .try_for_each(|(i, v)| v.validate().map_err(|e| e.within(PathSegment::Index(i))))
        };
        match T::MAX_NESTING {
            Some(limit) => crate::policy::nested(T::policy().name, limit, each),
            None => each(),
        }
    }
}

/// The value of a sub-message's selector: a string (`kind = "bridge"`) or
/// an integer (an enum's value, zero-extended).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum SelectorValue<'a> {
    /// The value of a `string` selector.
    Str(&'a str),
    /// The value of an integer selector, as its bits.
    Int(u64),
}

impl fmt::Display for SelectorValue<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SelectorValue::Str(s) => write!(f, "{s:?}"),
            SelectorValue::Int(v) => write!(f, "{v}"),
        }
    }
}

/// The formats of a sub-message: an attribute whose payload is laid out as
/// the value of a sibling attribute, its selector, says (rtnetlink's
/// `IFLA_INFO_DATA` by `IFLA_INFO_KIND`). An enum with one variant per
/// format and one that keeps the payload of an unlisted format as bytes.
/// Implemented by `#[derive(GenlSubMessage)]`.
///
/// A format with an attribute set is written as a nest (`NLA_F_NESTED`);
/// its fixed header, if any, comes first and the attributes follow at the
/// header's size rounded up to 4 bytes (the headers of kernel formats are
/// multiples of 4).
pub trait GenlSubMessage: Sized {
    /// The selector value this value's format is for; `None` for the
    /// payload of an unlisted format.
    fn selector(&self) -> Option<SelectorValue<'static>>;

    /// Whether `selector` names one of the formats.
    fn has_format(selector: SelectorValue<'_>) -> bool;

    /// Appends the attribute of type `ty`, header included, to `w`.
    fn encode(&self, ty: u16, w: &mut Writer<'_>);

    /// The number of bytes [`Self::encode`] writes, padding included.
    fn encoded_len(&self) -> usize;

    /// Reads an attribute's payload in the format `selector` names (the
    /// unlisted variant when it names none or is absent); `depth` is the
    /// nesting depth of the attributes inside the payload.
    fn decode_payload(
        selector: Option<SelectorValue<'_>>,
        payload: &[u8],
        depth: usize,
    ) -> Result<Self, DecodeError>;

    /// Checks the format's attributes against their policies.
    fn validate(&self) -> Result<(), PolicyError>;
}

/// How deep [`GenlMessage::decode_at`] follows nests before it reports
/// [`DecodeErrorKind::TooDeep`](crate::wire::DecodeErrorKind::TooDeep). The
/// kernel nests OVS actions (`clone`, `sample`) up to 16 levels.
pub const MAX_DEPTH: usize = 32;

/// A fixed-layout C struct, laid out member after member as declared.
/// Implemented by `#[derive(GenlStruct)]`.
pub trait CStruct: Sized {
    /// Size in bytes.
    const SIZE: usize;

    /// Appends exactly [`Self::SIZE`] bytes.
    fn write(&self, out: &mut Vec<u8>);

    /// Reads from the front of `bytes`, which must hold at least [`Self::SIZE`].
    fn read(bytes: &[u8]) -> Result<Self, DecodeError>;
}

/// An enum of a spec, with a variant that keeps values the spec does not list.
/// Implemented by `#[derive(GenlEnum)]`.
pub trait GenlEnum: Copy + Sized {
    /// The variant of a value (the unknown variant for an unlisted one).
    fn from_value(value: u64) -> Self;

    /// The value of a variant.
    fn value(self) -> u64;

    /// The spec name of a listed variant (`nul-string`); `None` for the
    /// unknown variant. The derive names a variant by `#[genl(name = "...")]`,
    /// or by its identifier in kebab case.
    fn name(self) -> Option<&'static str> {
        None
    }

    /// The variant of a spec name, if the enum lists it.
    fn from_name(name: &str) -> Option<Self> {
        let _ = name;
        None
    }
}

/// An attribute a type does not know, kept as it came so that it can be
/// inspected or sent back unchanged.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct UnknownAttr {
    /// Type number.
    pub ty: u16,
    /// `NLA_F_NESTED` was set.
    pub nested: bool,
    /// The payload.
    pub payload: Vec<u8>,
}

/// A `bitfield32`: the bits to set and which of them to change.
///
/// With the `arbitrary` feature it implements `arbitrary::Arbitrary`: any
/// value and selector.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "arbitrary", derive(arbitrary::Arbitrary))]
pub struct Bitfield32 {
    /// The values of the selected bits.
    pub value: u32,
    /// Which bits to change.
    pub selector: u32,
}

/// The attributes of a `nest-type-value`: each nested attribute's type is a
/// value (an index, an id) and its payload a nest of `T`. Nesting it gives
/// the spec's several `type-value` levels: `TypeValue<TypeValue<T>>`.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct TypeValue<T>(pub Vec<(u16, T)>);

impl<T> Default for TypeValue<T> {
    fn default() -> Self {
        TypeValue(Vec::new())
    }
}

static TYPE_VALUE_POLICY: SetPolicy = SetPolicy {
    name: "type-value",
    attrs: &[],
};

impl<T: GenlMessage> GenlMessage for TypeValue<T> {
    fn policy() -> &'static SetPolicy {
        &TYPE_VALUE_POLICY
    }

    fn encode(&self, w: &mut Writer<'_>) {
        for (ty, v) in &self.0 {
            crate::encoding::nest::encode(*ty & crate::wire::NLA_TYPE_MASK, v, w);
        }
    }

    fn encoded_len(&self) -> usize {
        self.0
            .iter()
            .map(|(_, v)| crate::encoding::nest::len(v))
            .sum()
    }

    fn decode_at(buf: &[u8], depth: usize) -> Result<Self, DecodeError> {
        crate::wire::attrs(buf)
            .map(|a| {
                let a = a?;
                crate::encoding::nest::decode(&a, depth)
                    .map(|v| (a.ty, v))
                    .map_err(|e| e.within(crate::wire::PathSegment::Type(a.ty)))
            })
            .collect::<Result<_, _>>()
            .map(TypeValue)
    }

    fn validate(&self) -> Result<(), PolicyError> {
        self.0.iter().try_for_each(|(ty, v)| {
            v.validate()
                .map_err(|e| e.within(crate::wire::PathSegment::Type(*ty)))
        })
    }
}

/// `arbitrary::Arbitrary` for the runtime's value types, so that generated
/// types can derive it (`genl_spec::codegen::Options::with_arbitrary`). The
/// values made are those that survive a round trip through the wire exactly:
/// `decode(encode(v)) == v` for every value of a generated type (bar strings
/// with a NUL, which the wire cannot carry and `validate` rejects).
#[cfg(feature = "arbitrary")]
mod arbitrary_impls {
    use super::{GenlEnum, TypeValue, UnknownAttr};
    use crate::wire::{NLA_HDRLEN, NLA_TYPE_MASK};
    use arbitrary::{Arbitrary, Result, Unstructured, size_hint};

    /// The type numbers of arbitrary [`UnknownAttr`]s: the top of the 14-bit
    /// type space, above the attribute numbers of every spec, so that the
    /// attribute stays unknown to whichever set holds it and decodes back
    /// into its `unknown` field rather than into a named one.
    pub const UNKNOWN_TYPES: std::ops::RangeInclusive<u16> = 0x3f00..=NLA_TYPE_MASK;

    /// The largest payload an attribute can carry: `nla_len` is a `u16` that
    /// counts the 4-byte header too.
    const MAX_PAYLOAD: usize = u16::MAX as usize - NLA_HDRLEN;

    /// A type number in [`UNKNOWN_TYPES`], either `nested` flag, and a
    /// payload of at most 65531 bytes (the most `nla_len` can count).
    impl<'a> Arbitrary<'a> for UnknownAttr {
        fn arbitrary(u: &mut Unstructured<'a>) -> Result<Self> {
            let ty = u.int_in_range(UNKNOWN_TYPES)?;
            let nested = u.arbitrary()?;
            let len = u.arbitrary_len::<u8>()?.min(MAX_PAYLOAD);
            let payload = u.bytes(len)?.to_vec();
            Ok(UnknownAttr {
                ty,
                nested,
                payload,
            })
        }

        fn size_hint(depth: usize) -> (usize, Option<usize>) {
            size_hint::and_all(&[
                <u16 as Arbitrary>::size_hint(depth),
                <bool as Arbitrary>::size_hint(depth),
                (0, None),
            ])
        }
    }

    /// Entries whose type numbers fit the 14 bits of `nla_type` (the
    /// encoder masks the flag bits off, so larger ones would not read back).
    impl<'a, T: Arbitrary<'a>> Arbitrary<'a> for TypeValue<T> {
        fn arbitrary(u: &mut Unstructured<'a>) -> Result<Self> {
            u.arbitrary_iter::<(u16, T)>()?
                .map(|e| e.map(|(ty, v)| (ty & NLA_TYPE_MASK, v)))
                .collect::<Result<_>>()
                .map(TypeValue)
        }

        fn size_hint(_depth: usize) -> (usize, Option<usize>) {
            (0, None)
        }
    }

    /// For the unknown variant of a generated enum, as
    /// `#[arbitrary(with = arbitrary_unlisted(Self::Unknown))]`: a value that
    /// the enum does not list, so that the variant is the one
    /// [`GenlEnum::from_value`] gives back (`Unknown(v)` of a listed `v` would
    /// decode as the listed variant). Values are below 256 so that they fit
    /// an attribute of any width (an enum does not know the width of the
    /// attributes that carry it, and wider values are cut to their low bits
    /// on the wire). An enum that lists all of 0 to 255 has no such value:
    /// that is `arbitrary::Error::IncorrectFormat`.
    pub fn arbitrary_unlisted<'a, E: GenlEnum + PartialEq>(
        unknown: fn(u64) -> E,
    ) -> impl FnOnce(&mut Unstructured<'a>) -> Result<u64> {
        move |u| {
            let start = u8::arbitrary(u)?;
            (start..=u8::MAX)
                .chain(0..start)
                .map(u64::from)
                .find(|&v| E::from_value(v) == unknown(v))
                .ok_or(arbitrary::Error::IncorrectFormat)
        }
    }
}

#[cfg(feature = "arbitrary")]
pub use arbitrary_impls::{UNKNOWN_TYPES as ARBITRARY_UNKNOWN_TYPES, arbitrary_unlisted};

#[cfg(all(test, feature = "arbitrary"))]
mod arbitrary_tests {
    use super::*;
    use crate::wire::{NLA_TYPE_MASK, attrs};
    use arbitrary::{Arbitrary, Unstructured};

    /// Lists 0 and 1, or every value up to 255.
    #[derive(Clone, Copy, Debug, PartialEq)]
    enum E<const ALL: bool> {
        Listed(u8),
        Unknown(u64),
    }

    impl<const ALL: bool> GenlEnum for E<ALL> {
        fn from_value(value: u64) -> Self {
            match u8::try_from(value) {
                Ok(v) if ALL || v < 2 => E::Listed(v),
                _ => E::Unknown(value),
            }
        }
        fn value(self) -> u64 {
            match self {
                E::Listed(v) => v.into(),
                E::Unknown(v) => v,
            }
        }
    }

    #[test]
    fn unknown_attrs_stay_unknown_and_fit_nla_len() {
        let data = vec![0xff; 70_000];
        let a = UnknownAttr::arbitrary(&mut Unstructured::new(&data)).unwrap();
        assert!(ARBITRARY_UNKNOWN_TYPES.contains(&a.ty));
        assert!(a.payload.len() <= 65531, "{}", a.payload.len());
        let mut buf = Vec::new();
        crate::encoding::unknown::encode(&a, &mut Writer::new(&mut buf));
        let back = crate::encoding::unknown::decode(&attrs(&buf).next().unwrap().unwrap());
        assert_eq!(back, a);
    }

    #[test]
    fn type_value_types_fit_nla_type() {
        let data = vec![0xff; 256];
        let tv = TypeValue::<u8>::arbitrary(&mut Unstructured::new(&data)).unwrap();
        assert!(!tv.0.is_empty());
        assert!(tv.0.iter().all(|(ty, _)| *ty <= NLA_TYPE_MASK));
    }

    #[test]
    fn unlisted_values_are_not_listed() {
        for start in 0..=u8::MAX {
            let data = [start];
            let v = arbitrary_unlisted(E::<false>::Unknown)(&mut Unstructured::new(&data)).unwrap();
            assert_eq!(v, u64::from(start.max(2)));
        }
        let none = arbitrary_unlisted(E::<true>::Unknown)(&mut Unstructured::new(&[7]));
        assert_eq!(none, Err(arbitrary::Error::IncorrectFormat));
    }
}
