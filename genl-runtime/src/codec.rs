//! The traits that generated and derived types implement.

use crate::policy::{PolicyError, SetPolicy};
use crate::wire::{DecodeError, Writer};

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
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
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
