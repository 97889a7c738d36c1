//! Wire functions per kind of attribute, called by derived code: each kind
//! has `encode(ty, &value, w)`, `len(&value)` and `decode(&attr, ...)`.
//!
//! Decode functions return errors without a path; the caller adds the
//! attribute's name as the error goes up.

use crate::codec::{Bitfield32, CStruct, GenlEnum, GenlMessage, MAX_DEPTH, UnknownAttr};
use crate::wire::{
    Attr, DecodeError, DecodeErrorKind, NLA_F_NESTED, NLA_HDRLEN, Scalar, Writer, align, attrs,
};

/// Size of an attribute with `payload` bytes, padding included.
pub const fn attr_len(payload: usize) -> usize {
    align(NLA_HDRLEN + payload)
}

fn too_deep() -> DecodeError {
    DecodeError::new(DecodeErrorKind::TooDeep { limit: MAX_DEPTH })
}

/// Fixed-size integers (`u8` … `s64`, big-endian through [`Be`](crate::wire::Be)).
pub mod scalar {
    use super::*;

    /// Writes the attribute.
    pub fn encode<T: Scalar>(ty: u16, value: &T, w: &mut Writer<'_>) {
        w.scalar(ty, *value);
    }

    /// Its size.
    pub fn len<T: Scalar>(_: &T) -> usize {
        attr_len(T::SIZE)
    }

    /// Reads the value.
    pub fn decode<T: Scalar>(attr: &Attr<'_>) -> Result<T, DecodeError> {
        attr.scalar()
    }
}

/// `uint`: 4 bytes when the value fits, else 8.
pub mod uint {
    use super::*;

    /// Writes the attribute.
    pub fn encode(ty: u16, value: &u64, w: &mut Writer<'_>) {
        w.uint(ty, *value);
    }

    /// Its size.
    pub fn len(value: &u64) -> usize {
        attr_len(if u32::try_from(*value).is_ok() { 4 } else { 8 })
    }

    /// Reads the value.
    #[inline]
    pub fn decode(attr: &Attr<'_>) -> Result<u64, DecodeError> {
        attr.uint()
    }
}

/// `sint`: 4 bytes when the value fits, else 8.
pub mod sint {
    use super::*;

    /// Writes the attribute.
    pub fn encode(ty: u16, value: &i64, w: &mut Writer<'_>) {
        w.sint(ty, *value);
    }

    /// Its size.
    pub fn len(value: &i64) -> usize {
        attr_len(if i32::try_from(*value).is_ok() { 4 } else { 8 })
    }

    /// Reads the value.
    #[inline]
    pub fn decode(attr: &Attr<'_>) -> Result<i64, DecodeError> {
        attr.sint()
    }
}

/// `flag`: present (`true`) or absent.
pub mod flag {
    use super::*;

    /// Writes the attribute when the flag is set.
    pub fn encode(ty: u16, value: &bool, w: &mut Writer<'_>) {
        if *value {
            w.flag(ty);
        }
    }

    /// Its size (none when unset).
    pub fn len(value: &bool) -> usize {
        if *value { attr_len(0) } else { 0 }
    }

    /// A flag that is there is set; its payload is ignored, as the kernel does.
    pub fn decode(_: &Attr<'_>) -> Result<bool, DecodeError> {
        Ok(true)
    }
}

/// `string`: UTF-8 with a terminating NUL.
pub mod string {
    use super::*;

    /// Writes the attribute.
    pub fn encode(ty: u16, value: &str, w: &mut Writer<'_>) {
        w.string(ty, value);
    }

    /// Its size.
    pub fn len(value: &str) -> usize {
        attr_len(value.len() + 1)
    }

    /// Reads the value; with `unterminated_ok` the NUL may be missing.
    pub fn decode(attr: &Attr<'_>, unterminated_ok: bool) -> Result<String, DecodeError> {
        attr.string(unterminated_ok).map(str::to_owned)
    }
}

/// `binary`: bytes as they are.
pub mod binary {
    use super::*;

    /// Writes the attribute.
    pub fn encode(ty: u16, value: &[u8], w: &mut Writer<'_>) {
        w.bytes(ty, value);
    }

    /// Its size.
    pub fn len(value: &[u8]) -> usize {
        attr_len(value.len())
    }

    /// Reads the value.
    pub fn decode(attr: &Attr<'_>) -> Result<Vec<u8>, DecodeError> {
        Ok(attr.payload.to_vec())
    }
}

/// `binary` with `struct`: a C struct.
pub mod cstruct {
    use super::*;

    /// Writes the attribute.
    pub fn encode<T: CStruct>(ty: u16, value: &T, w: &mut Writer<'_>) {
        w.bytes_with(ty, |out| value.write(out));
    }

    /// Its size.
    pub fn len<T: CStruct>(_: &T) -> usize {
        attr_len(T::SIZE)
    }

    /// Reads the value. A payload of another size than the struct is an error
    /// (the kernel checks these lengths too).
    #[inline]
    pub fn decode<T: CStruct>(attr: &Attr<'_>) -> Result<T, DecodeError> {
        if attr.payload.len() != T::SIZE {
            return Err(wrong_size(T::SIZE, attr.payload.len()));
        }
        T::read(attr.payload)
    }

    /// The error of a struct payload of `found` bytes, not `size`: one
    /// function for every struct type.
    #[cold]
    #[inline(never)]
    fn wrong_size(size: usize, found: usize) -> DecodeError {
        DecodeError::new(DecodeErrorKind::Invalid(format!(
            "the struct is {size} bytes, found {found}"
        )))
    }

    /// Writes the attribute of an array of structs (`binary` with `struct`
    /// and `sub-type: binary`): the structs back to back.
    pub fn encode_array<T: CStruct>(ty: u16, value: &[T], w: &mut Writer<'_>) {
        w.bytes_with(ty, |out| {
            for v in value {
                v.write(out);
            }
        });
    }

    /// The size of an array of structs' attribute.
    pub fn len_array<T: CStruct>(value: &[T]) -> usize {
        attr_len(payload_len(value))
    }

    /// The payload size of an array of structs.
    pub fn payload_len<T: CStruct>(value: &[T]) -> usize {
        value.len().saturating_mul(T::SIZE)
    }

    /// Reads an array of structs; a payload that is not a whole number of
    /// structs is an error.
    pub fn decode_array<T: CStruct>(attr: &Attr<'_>) -> Result<Vec<T>, DecodeError> {
        if T::SIZE == 0 || !attr.payload.len().is_multiple_of(T::SIZE) {
            return Err(DecodeError::new(DecodeErrorKind::Invalid(format!(
                "{} bytes are not a whole number of {}-byte structs",
                attr.payload.len(),
                T::SIZE
            ))));
        }
        attr.payload.chunks_exact(T::SIZE).map(T::read).collect()
    }
}

/// `binary` with an integer `sub-type`: a C array of integers.
pub mod array {
    use super::*;

    /// Writes the attribute.
    pub fn encode<T: Scalar>(ty: u16, value: &[T], w: &mut Writer<'_>) {
        w.bytes_with(ty, |out| {
            for v in value {
                v.put(out);
            }
        });
    }

    /// Its size.
    pub fn len<T: Scalar>(value: &[T]) -> usize {
        attr_len(value.len() * T::SIZE)
    }

    /// Reads the values; a length that is not a multiple of the element size is an error.
    pub fn decode<T: Scalar>(attr: &Attr<'_>) -> Result<Vec<T>, DecodeError> {
        if !attr.payload.len().is_multiple_of(T::SIZE) {
            return Err(DecodeError::new(DecodeErrorKind::Invalid(format!(
                "{} bytes are not a whole number of {}",
                attr.payload.len(),
                T::NAME
            ))));
        }
        attr.payload.chunks_exact(T::SIZE).map(T::get).collect()
    }
}

/// A fixed-size integer attribute that holds the bits of a flags type `F`,
/// written as `W` (`u32`, or `Be<u32>` for big-endian). Bits without a
/// name are kept.
pub mod flags {
    use super::*;
    use bitflags::Flags;

    /// Writes the attribute.
    #[inline]
    pub fn encode<F: Flags, W: FlagBits<Bits = F::Bits>>(ty: u16, value: &F, w: &mut Writer<'_>) {
        w.scalar(ty, W::from_bits(value.bits()));
    }

    /// Its size.
    #[inline]
    pub fn len<F, W: Scalar>(_: &F) -> usize {
        attr_len(W::SIZE)
    }

    /// Reads the value.
    #[inline]
    pub fn decode<F: Flags, W: FlagBits<Bits = F::Bits>>(
        attr: &Attr<'_>,
    ) -> Result<F, DecodeError> {
        match attr.scalar::<W>() {
            Ok(wire) => Ok(F::from_bits_retain(wire.bits())),
            Err(e) => Err(e),
        }
    }

    /// Reads the value of a `uint` attribute; bits that do not fit the
    /// flags type are an error.
    #[inline]
    pub fn decode_uint<F: Flags>(attr: &Attr<'_>) -> Result<F, DecodeError>
    where
        F::Bits: TryFrom<u64>,
    {
        match attr.uint() {
            Ok(value) => crate::derive_support::flags_from_u64(value),
            Err(e) => Err(e),
        }
    }

    /// A wire integer that carries the bits of a flags type: the integer
    /// itself, or [`Be`](crate::wire::Be) of it.
    pub trait FlagBits: Scalar {
        /// The integer of the flags type.
        type Bits;
        /// The wire value of `bits`.
        fn from_bits(bits: Self::Bits) -> Self;
        /// The bits this wire value carries.
        fn bits(self) -> Self::Bits;
    }

    macro_rules! plain {
        ($($t:ty),*) => {$(
            impl FlagBits for $t {
                type Bits = $t;
                #[inline]
                fn from_bits(bits: $t) -> Self { bits }
                #[inline]
                fn bits(self) -> $t { self }
            }
        )*};
    }
    plain!(u8, u16, u32, u64, i8, i16, i32, i64);

    macro_rules! be {
        ($($t:ty),*) => {$(
            impl FlagBits for crate::wire::Be<$t> {
                type Bits = $t;
                #[inline]
                fn from_bits(bits: $t) -> Self { crate::wire::Be(bits) }
                #[inline]
                fn bits(self) -> $t { self.0 }
            }
        )*};
    }
    be!(u16, u32, u64, i16, i32, i64);
}

/// An integer attribute that holds an enum's value, written as `W`.
pub mod enumeration {
    use super::*;

    /// Writes the attribute; a value too large for `W` is cut to its low bits.
    pub fn encode<E: GenlEnum, W: Scalar + FromU64>(ty: u16, value: &E, w: &mut Writer<'_>) {
        w.scalar(ty, W::from_u64(value.value()));
    }

    /// Its size.
    pub fn len<E: GenlEnum, W: Scalar>(_: &E) -> usize {
        attr_len(W::SIZE)
    }

    /// Reads the value.
    pub fn decode<E: GenlEnum, W: Scalar + ToU64>(attr: &Attr<'_>) -> Result<E, DecodeError> {
        Ok(E::from_value(attr.scalar::<W>()?.to_u64()))
    }

    /// Reads the value of a `uint` attribute.
    #[inline]
    pub fn decode_uint<E: GenlEnum>(attr: &Attr<'_>) -> Result<E, DecodeError> {
        match attr.uint() {
            Ok(value) => Ok(E::from_value(value)),
            Err(e) => Err(e),
        }
    }

    /// Integers that an enum value is written as.
    pub trait FromU64 {
        /// The low bits of `v`.
        fn from_u64(v: u64) -> Self;
    }

    /// Integers that an enum value is read from.
    pub trait ToU64 {
        /// The value, zero-extended (signed values as their bits).
        fn to_u64(self) -> u64;
    }

    // Each wire integer with its unsigned twin: values are read as their
    // bits, zero-extended, so that `Unknown(200)` in an `s8` comes back as 200.
    macro_rules! int {
        ($($t:ty => $u:ty),*) => {$(
            impl FromU64 for $t {
                #[allow(clippy::cast_possible_truncation, clippy::cast_possible_wrap)]
                fn from_u64(v: u64) -> Self { v as $t }
            }
            impl ToU64 for $t {
                #[allow(clippy::cast_sign_loss)]
                fn to_u64(self) -> u64 { u64::from(self as $u) }
            }
        )*};
    }
    int!(u8 => u8, u16 => u16, u32 => u32, u64 => u64, i8 => u8, i16 => u16, i32 => u32, i64 => u64);

    macro_rules! be {
        ($($t:ty),*) => {$(
            impl FromU64 for crate::wire::Be<$t> {
                fn from_u64(v: u64) -> Self { crate::wire::Be(<$t>::from_u64(v)) }
            }
            impl ToU64 for crate::wire::Be<$t> {
                fn to_u64(self) -> u64 { self.0.to_u64() }
            }
        )*};
    }
    be!(u16, u32, u64, i16, i32, i64);

    #[cfg(test)]
    mod tests {
        use super::{FromU64, ToU64};

        #[test]
        fn signed_values_keep_their_bits() {
            assert_eq!(i8::from_u64(200).to_u64(), 200);
            assert_eq!((-1i16).to_u64(), 0xffff);
            assert_eq!(
                crate::wire::Be::<i32>::from_u64(0x8000_0000).to_u64(),
                0x8000_0000
            );
        }
    }
}

/// `nest`: the attributes of another set.
pub mod nest {
    use super::*;

    /// Writes the attribute, its length patched in place.
    pub fn encode<T: GenlMessage>(ty: u16, value: &T, w: &mut Writer<'_>) {
        let token = w.begin_nest(ty);
        value.encode(w);
        w.end_nest(token);
    }

    /// Its size.
    pub fn len<T: GenlMessage>(value: &T) -> usize {
        attr_len(value.encoded_len())
    }

    /// Reads the nested set at `depth` (the depth of the set holding the attribute).
    pub fn decode<T: GenlMessage>(attr: &Attr<'_>, depth: usize) -> Result<T, DecodeError> {
        if depth >= MAX_DEPTH {
            return Err(too_deep());
        }
        T::decode_at(attr.payload, depth + 1)
    }
}

/// `indexed-array`: a nest whose attributes are the elements, typed by
/// their position (written from 1, as the kernel does for nlctrl's ops).
pub mod indexed_array {
    use super::*;
    use crate::wire::PathSegment;

    fn index_type(i: usize) -> u16 {
        u16::try_from(i + 1).unwrap_or(u16::MAX) & crate::wire::NLA_TYPE_MASK
    }

    /// Writes an array of nests.
    pub fn encode_nests<T: GenlMessage>(ty: u16, value: &[T], w: &mut Writer<'_>) {
        let token = w.begin_nest(ty);
        for (i, v) in value.iter().enumerate() {
            super::nest::encode(index_type(i), v, w);
        }
        w.end_nest(token);
    }

    /// Size of an array of nests.
    pub fn len_nests<T: GenlMessage>(value: &[T]) -> usize {
        attr_len(value.iter().map(super::nest::len).sum())
    }

    /// Reads an array of nests, in order, whatever their index types.
    pub fn decode_nests<T: GenlMessage>(
        attr: &Attr<'_>,
        depth: usize,
    ) -> Result<Vec<T>, DecodeError> {
        if depth >= MAX_DEPTH {
            return Err(too_deep());
        }
        attrs(attr.payload)
            .enumerate()
            .map(|(i, a)| {
                a.and_then(|a| super::nest::decode(&a, depth + 1))
                    .map_err(|e| e.within(PathSegment::Index(i)))
            })
            .collect()
    }

    /// Writes an array of integers.
    pub fn encode_scalars<T: Scalar>(ty: u16, value: &[T], w: &mut Writer<'_>) {
        let token = w.begin_nest(ty);
        for (i, v) in value.iter().enumerate() {
            w.scalar(index_type(i), *v);
        }
        w.end_nest(token);
    }

    /// Size of an array of integers.
    pub fn len_scalars<T: Scalar>(value: &[T]) -> usize {
        attr_len(value.len() * attr_len(T::SIZE))
    }

    /// Reads an array of integers, in order.
    pub fn decode_scalars<T: Scalar>(attr: &Attr<'_>) -> Result<Vec<T>, DecodeError> {
        attrs(attr.payload)
            .enumerate()
            .map(|(i, a)| {
                a.and_then(|a| a.scalar())
                    .map_err(|e| e.within(PathSegment::Index(i)))
            })
            .collect()
    }
}

/// `bitfield32`: value and selector, 4 bytes each.
pub mod bitfield32 {
    use super::*;

    /// Writes the attribute.
    pub fn encode(ty: u16, value: &Bitfield32, w: &mut Writer<'_>) {
        let mut payload = [0u8; 8];
        payload[..4].copy_from_slice(&value.value.to_ne_bytes());
        payload[4..].copy_from_slice(&value.selector.to_ne_bytes());
        w.bytes(ty, &payload);
    }

    /// Its size.
    pub fn len(_: &Bitfield32) -> usize {
        attr_len(8)
    }

    /// Reads the value.
    #[inline]
    pub fn decode(attr: &Attr<'_>) -> Result<Bitfield32, DecodeError> {
        if attr.payload.len() != 8 {
            return Err(DecodeError::new(DecodeErrorKind::WrongSize {
                ty: "bitfield32",
                expected: &[8],
                got: attr.payload.len(),
            }));
        }
        Ok(Bitfield32 {
            value: u32::get(&attr.payload[..4])?,
            selector: u32::get(&attr.payload[4..])?,
        })
    }
}

/// `sub-message`: a payload in the format that its selector, a sibling
/// attribute, names. The struct holding it decodes the selector first.
pub mod sub_message {
    use super::*;
    use crate::codec::{GenlSubMessage, SelectorValue};
    use crate::policy::{PolicyError, Violation};

    /// Writes the attribute.
    pub fn encode<T: GenlSubMessage>(ty: u16, value: &T, w: &mut Writer<'_>) {
        value.encode(ty, w);
    }

    /// Its size.
    pub fn len<T: GenlSubMessage>(value: &T) -> usize {
        value.encoded_len()
    }

    /// Reads the payload in the format `selector` names, at `depth` (the
    /// depth of the set holding the attribute).
    pub fn decode<T: GenlSubMessage>(
        selector: Option<SelectorValue<'_>>,
        attr: &Attr<'_>,
        depth: usize,
    ) -> Result<T, DecodeError> {
        if depth >= MAX_DEPTH {
            return Err(too_deep());
        }
        T::decode_payload(selector, attr.payload, depth + 1)
    }

    /// Checks that `value`'s format is the one the selector (spec name
    /// `selector_name`, value `selector`) names, as decoding would pick it:
    /// a listed format needs its own value, the unlisted one any value that
    /// has no format (or none). The error's path is the attribute `attr`.
    pub fn check_selector<T: GenlSubMessage>(
        value: &T,
        attr: &'static str,
        selector_name: &'static str,
        selector: Option<SelectorValue<'_>>,
    ) -> Result<(), PolicyError> {
        let format = value.selector();
        let ok = match (format, selector) {
            (Some(f), Some(s)) => f == s,
            (Some(_), None) => false,
            (None, Some(s)) => !T::has_format(s),
            (None, None) => true,
        };
        if ok {
            return Ok(());
        }
        Err(PolicyError::new(
            attr,
            Violation::SelectorMismatch {
                selector: selector_name,
                format: format.map(|f| f.to_string()),
                found: selector.map(|s| s.to_string()),
            },
        ))
    }

    /// Writes a format without a fixed header or attributes: an empty attribute.
    pub fn encode_empty(ty: u16, w: &mut Writer<'_>) {
        w.bytes(ty, &[]);
    }

    /// Size of an empty format.
    pub fn len_empty() -> usize {
        attr_len(0)
    }

    /// Writes a format of a fixed header and attributes: a nest holding the
    /// header, padded to 4 bytes, then the attributes.
    pub fn encode_header_attrs<H: CStruct, M: GenlMessage>(
        ty: u16,
        header: &H,
        attrs: &M,
        w: &mut Writer<'_>,
    ) {
        let token = w.begin_nest(ty);
        let mut bytes = Vec::with_capacity(H::SIZE);
        header.write(&mut bytes);
        w.raw(&bytes);
        attrs.encode(w);
        w.end_nest(token);
    }

    /// Size of a format of a fixed header and attributes.
    pub fn len_header_attrs<H: CStruct, M: GenlMessage>(attrs: &M) -> usize {
        attr_len(align(H::SIZE) + attrs.encoded_len())
    }

    /// Reads a format that is a fixed header alone: the payload is exactly
    /// the header.
    pub fn decode_header<H: CStruct>(payload: &[u8]) -> Result<H, DecodeError> {
        if payload.len() != H::SIZE {
            return Err(DecodeError::new(DecodeErrorKind::Invalid(format!(
                "the fixed header is {} bytes, found {}",
                H::SIZE,
                payload.len()
            ))));
        }
        H::read(payload)
    }

    /// Reads a format of a fixed header and the attributes after it, at
    /// `depth` (the depth of those attributes).
    pub fn decode_header_attrs<H: CStruct, M: GenlMessage>(
        payload: &[u8],
        depth: usize,
    ) -> Result<(H, M), DecodeError> {
        if payload.len() < H::SIZE {
            return Err(DecodeError::new(DecodeErrorKind::Truncated {
                what: "fixed header",
                need: H::SIZE,
                have: payload.len(),
            }));
        }
        let header = H::read(payload)?;
        let rest = payload.get(align(H::SIZE)..).unwrap_or(&[]);
        Ok((header, M::decode_at(rest, depth)?))
    }
}

/// Attributes a type does not know, kept as they came.
pub mod unknown {
    use super::*;

    /// Writes the attribute back.
    pub fn encode(value: &UnknownAttr, w: &mut Writer<'_>) {
        let ty = if value.nested {
            value.ty | NLA_F_NESTED
        } else {
            value.ty
        };
        w.bytes(ty, &value.payload);
    }

    /// Its size.
    pub fn len(value: &UnknownAttr) -> usize {
        attr_len(value.payload.len())
    }

    /// Keeps the attribute.
    pub fn decode(attr: &Attr<'_>) -> UnknownAttr {
        UnknownAttr {
            ty: attr.ty,
            nested: attr.nested,
            payload: attr.payload.to_vec(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::wire::Be;

    #[test]
    fn lengths_match_what_is_written() {
        let mut buf = Vec::new();
        let mut w = Writer::new(&mut buf);
        uint::encode(1, &(1 << 40), &mut w);
        assert_eq!(w.buf().len(), uint::len(&(1 << 40)));
        let before = w.buf().len();
        string::encode(2, "abc", &mut w);
        assert_eq!(w.buf().len() - before, string::len("abc"));
        let before = w.buf().len();
        array::encode(3, &[Be(1u16), Be(2), Be(3)], &mut w);
        assert_eq!(
            w.buf().len() - before,
            array::len(&[Be(1u16), Be(2), Be(3)])
        );
        let before = w.buf().len();
        indexed_array::encode_scalars(4, &[7u32, 8], &mut w);
        assert_eq!(
            w.buf().len() - before,
            indexed_array::len_scalars(&[7u32, 8])
        );
        let before = w.buf().len();
        bitfield32::encode(
            5,
            &Bitfield32 {
                value: 1,
                selector: 3,
            },
            &mut w,
        );
        assert_eq!(
            w.buf().len() - before,
            bitfield32::len(&Bitfield32::default())
        );
        flag::encode(6, &false, &mut w);

        let all: Vec<Attr<'_>> = attrs(&buf).collect::<Result<_, _>>().unwrap();
        assert_eq!(all.len(), 5);
        assert_eq!(
            array::decode::<Be<u16>>(&all[2]).unwrap(),
            vec![Be(1), Be(2), Be(3)]
        );
        assert_eq!(
            indexed_array::decode_scalars::<u32>(&all[3]).unwrap(),
            vec![7, 8]
        );
        assert_eq!(
            bitfield32::decode(&all[4]).unwrap(),
            Bitfield32 {
                value: 1,
                selector: 3
            }
        );
        let odd = Attr {
            payload: &[1, 2, 3],
            ..all[2]
        };
        assert!(array::decode::<u16>(&odd).is_err());
    }

    /// A 4-byte struct of two `u16`s in host order.
    #[derive(Debug, PartialEq)]
    struct Pair(u16, u16);

    impl CStruct for Pair {
        const SIZE: usize = 4;
        fn write(&self, out: &mut Vec<u8>) {
            out.extend_from_slice(&self.0.to_ne_bytes());
            out.extend_from_slice(&self.1.to_ne_bytes());
        }
        fn read(bytes: &[u8]) -> Result<Self, DecodeError> {
            Ok(Pair(
                u16::from_ne_bytes([bytes[0], bytes[1]]),
                u16::from_ne_bytes([bytes[2], bytes[3]]),
            ))
        }
    }

    #[test]
    fn an_array_of_structs_is_the_structs_back_to_back() {
        let mut buf = Vec::new();
        let mut w = Writer::new(&mut buf);
        let pairs = [Pair(1, 2), Pair(3, 4)];
        cstruct::encode_array(9, &pairs, &mut w);
        assert_eq!(w.buf().len(), cstruct::len_array(&pairs));
        assert_eq!(cstruct::payload_len(&pairs), 8);
        let all: Vec<Attr<'_>> = attrs(&buf).collect::<Result<_, _>>().unwrap();
        assert_eq!(all[0].payload.len(), 8);
        assert_eq!(cstruct::decode_array::<Pair>(&all[0]).unwrap(), pairs);
        let empty = Attr {
            payload: &[],
            ..all[0]
        };
        assert_eq!(cstruct::decode_array::<Pair>(&empty).unwrap(), []);
        let partial = Attr {
            payload: &all[0].payload[..6],
            ..all[0]
        };
        let err = cstruct::decode_array::<Pair>(&partial).unwrap_err();
        assert!(err.to_string().contains("6 bytes"), "{err}");
    }
}
