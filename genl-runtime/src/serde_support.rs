//! Serde support (the `serde` feature): generated types as JSON in the
//! conventions of the Linux kernel's YNL command line
//! (`tools/net/ynl/pyynl/cli.py --output-json`, decoding with `lib/ynl.py`).
//!
//! With [`genl_spec::codegen::Options::with_serde`], generated types
//! implement [`Serialize`] and [`Deserialize`] behind the including crate's
//! `serde` feature, through this module:
//!
//! | spec | JSON |
//! | --- | --- |
//! | attribute set, nest | object; keys are the spec names; absent attributes are left out |
//! | `flag` | `true` when present, left out when absent |
//! | integers | numbers (`u64` in full) |
//! | `enum` | the entry's spec name; a value the spec does not list as its number |
//! | flags, `enum-as-flags` | a list of entry names in spec order, then unlisted bits as numbers (their masks) |
//! | `string` | string |
//! | `binary` | hex string without separators (`"0a1b2c"`) |
//! | `display-hint: hex` | binary as spaced hex (`"0a 1b 2c"`), integers as `"0x1b"` |
//! | `display-hint: mac` | `"aa:bb:cc:dd:ee:ff"` |
//! | `display-hint: ipv4`, `ipv6`, `ipv4-or-v6` | address text (`"192.0.2.1"`, `"2001:db8::1"`); binary of another length as hex |
//! | `display-hint: uuid` | `"00112233-4455-6677-8899-aabbccddeeff"`; binary of another length as hex |
//! | `struct` (a C struct in a binary) | object of its members; padding left out |
//! | `multi-attr`, `indexed-array`, `binary` with `sub-type` | array |
//! | `nest-type-value` | array of objects: the `type-value` names with the types, and the nested attributes ([`TypeValues`]) |
//! | `bitfield32` | `{"value": n, "selector": n}` |
//! | sub-message (typed) | `{"selector": "vlan", "payload": "hex"}` ([`SubMessageBytes`]) |
//! | ordered set (a `Vec` of its enum) | `[{"output": 1}, "pop-vlan", ...]`: one object per attribute, a `flag` as its name |
//! | unknown attributes | `"UnknownAttrs": [{"type": n, "nested": true, "payload": "hex"}]`, left out when there are none |
//!
//! Deserializing takes what serializing writes, and more where the CLI
//! takes more: enum values and flags as numbers, a single flag name as a
//! string, hex with or without spaces, MACs without colons, integers with a
//! `hex` hint as numbers, missing C struct members as zeros. It relies on
//! `deserialize_any` for those choices, so it needs a self-describing format
//! such as JSON.
//!
//! The pieces are public for hand-written types too: [`impl_enum!`] and
//! [`impl_flags!`] implement the traits for a [`GenlEnum`] and a flags type,
//! and the [`Format`]s below, with [`As`], [`Opt`] and [`Many`], are
//! `#[serde(with = "...")]` modules for fields.
//!
//! [`genl_spec::codegen::Options::with_serde`]: https://docs.rs/genl-spec
//! [`impl_enum!`]: crate::serde_support::impl_enum
//! [`impl_flags!`]: crate::serde_support::impl_flags

use crate::codec::{
    Bitfield32, CStruct, GenlEnum, GenlSubMessage, SelectorValue, TypeValue, UnknownAttr,
};
use crate::wire::{Be, Writer, text};
use serde::de::value::MapAccessDeserializer;
use serde::de::{
    self, DeserializeOwned, DeserializeSeed, Deserializer, IntoDeserializer, MapAccess, SeqAccess,
    Unexpected, Visitor,
};
use serde::ser::{SerializeMap, SerializeSeq, SerializeStruct, Serializer};
use serde::{Deserialize, Serialize};
use std::fmt;
use std::marker::PhantomData;
use std::net::Ipv4Addr;

// ---------------------------------------------------------------------------
// Formats and the `with` wrappers
// ---------------------------------------------------------------------------

/// A way to write and read a `T` that is not `T`'s own `Serialize`: a MAC
/// address as text, an integer as the name of an enum entry.
pub trait Format<T> {
    /// Writes `value`.
    fn serialize_as<S: Serializer>(value: &T, serializer: S) -> Result<S::Ok, S::Error>;

    /// Reads a value.
    fn deserialize_as<'de, D: Deserializer<'de>>(deserializer: D) -> Result<T, D::Error>;
}

/// `#[serde(with = "As::<F>")]`: a field of type `T` in format `F`.
pub struct As<F>(PhantomData<fn() -> F>);

/// `#[serde(with = "Opt::<F>")]`: a field of type `Option<T>`, its value in
/// format `F` (`None` is `null`). Also the format of `Option<T>`.
pub struct Opt<F>(PhantomData<fn() -> F>);

/// `#[serde(with = "Many::<F>")]`: a field of type `Vec<T>`, an array of
/// values in format `F`. Also the format of `Vec<T>`.
pub struct Many<F>(PhantomData<fn() -> F>);

macro_rules! with_module {
    ($($w:ident),*) => {$(
        impl<F> $w<F> {
            /// Writes the field (for `#[serde(with = "...")]`).
            pub fn serialize<T, S: Serializer>(value: &T, serializer: S) -> Result<S::Ok, S::Error>
            where
                Self: Format<T>,
            {
                <Self as Format<T>>::serialize_as(value, serializer)
            }

            /// Reads the field (for `#[serde(with = "...")]`).
            pub fn deserialize<'de, T, D: Deserializer<'de>>(deserializer: D) -> Result<T, D::Error>
            where
                Self: Format<T>,
            {
                <Self as Format<T>>::deserialize_as(deserializer)
            }
        }
    )*};
}
with_module!(As, Opt, Many);

impl<T, F: Format<T>> Format<T> for As<F> {
    fn serialize_as<S: Serializer>(value: &T, serializer: S) -> Result<S::Ok, S::Error> {
        F::serialize_as(value, serializer)
    }

    fn deserialize_as<'de, D: Deserializer<'de>>(deserializer: D) -> Result<T, D::Error> {
        F::deserialize_as(deserializer)
    }
}

/// A value written in format `F`.
struct SerAs<'a, F, T>(&'a T, PhantomData<fn() -> F>);

impl<F: Format<T>, T> Serialize for SerAs<'_, F, T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        F::serialize_as(self.0, serializer)
    }
}

/// A value read in format `F`.
struct DeAs<F, T>(T, PhantomData<fn() -> F>);

impl<'de, F: Format<T>, T> Deserialize<'de> for DeAs<F, T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        F::deserialize_as(deserializer).map(|v| DeAs(v, PhantomData))
    }
}

impl<T, F: Format<T>> Format<Option<T>> for Opt<F> {
    fn serialize_as<S: Serializer>(value: &Option<T>, serializer: S) -> Result<S::Ok, S::Error> {
        match value {
            None => serializer.serialize_none(),
            Some(v) => serializer.serialize_some(&SerAs::<F, T>(v, PhantomData)),
        }
    }

    fn deserialize_as<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<T>, D::Error> {
        Option::<DeAs<F, T>>::deserialize(deserializer).map(|v| v.map(|v| v.0))
    }
}

impl<T, F: Format<T>> Format<Vec<T>> for Many<F> {
    fn serialize_as<S: Serializer>(value: &Vec<T>, serializer: S) -> Result<S::Ok, S::Error> {
        let mut seq = serializer.serialize_seq(Some(value.len()))?;
        for v in value {
            seq.serialize_element(&SerAs::<F, T>(v, PhantomData))?;
        }
        seq.end()
    }

    fn deserialize_as<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Vec<T>, D::Error> {
        Vec::<DeAs<F, T>>::deserialize(deserializer).map(|v| v.into_iter().map(|v| v.0).collect())
    }
}

/// `Box<T>` in format `F` (for `Box<T>` where `F` is a format of `T`).
pub struct Boxed<F>(PhantomData<fn() -> F>);

impl<T, F: Format<T>> Format<Box<T>> for Boxed<F> {
    fn serialize_as<S: Serializer>(value: &Box<T>, serializer: S) -> Result<S::Ok, S::Error> {
        F::serialize_as(value, serializer)
    }

    fn deserialize_as<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Box<T>, D::Error> {
        F::deserialize_as(deserializer).map(Box::new)
    }
}

// ---------------------------------------------------------------------------
// Small helpers for generated code
// ---------------------------------------------------------------------------

/// For `skip_serializing_if` on a `flag` attribute: absent when `false`.
pub fn is_false(value: &bool) -> bool {
    !*value
}

/// A zeroed byte array: the default of a C struct's padding and of a
/// missing byte member (as the CLI fills missing members with zeros).
pub fn zeroed<const N: usize>() -> [u8; N] {
    [0; N]
}

/// A C struct read from zeros: the default of a missing nested C struct.
///
/// # Panics
///
/// When `T::read` rejects `T::SIZE` zero bytes, which no derived C struct does.
pub fn zeroed_struct<T: CStruct>() -> T {
    match T::read(&vec![0; T::SIZE]) {
        Ok(v) => v,
        Err(e) => panic!("a C struct of zeros does not read back: {e}"),
    }
}

// ---------------------------------------------------------------------------
// Integers and byte strings
// ---------------------------------------------------------------------------

/// The integers of attributes and C struct members, host or big-endian.
pub trait Int: Copy {
    /// Width in bits.
    const BITS: u32;
    /// The value.
    fn to_i128(self) -> i128;
    /// The integer of a value, if it fits.
    fn from_i128(v: i128) -> Option<Self>;
    /// The bits, zero-extended (signed values as their bits).
    fn to_bits(self) -> u64;
    /// The integer of `BITS` low bits of `bits`; `None` when higher bits are set.
    fn from_bits(bits: u64) -> Option<Self>;
}

macro_rules! int {
    ($($t:ty => $u:ty),*) => {$(
        impl Int for $t {
            const BITS: u32 = <$t>::BITS;
            fn to_i128(self) -> i128 {
                i128::from(self)
            }
            fn from_i128(v: i128) -> Option<Self> {
                <$t>::try_from(v).ok()
            }
            #[allow(clippy::cast_sign_loss)]
            fn to_bits(self) -> u64 {
                u64::from(self as $u)
            }
            #[allow(clippy::cast_possible_wrap)]
            fn from_bits(bits: u64) -> Option<Self> {
                <$u>::try_from(bits).ok().map(|v| v as $t)
            }
        }
    )*};
}
int!(u8 => u8, u16 => u16, u32 => u32, u64 => u64, i8 => u8, i16 => u16, i32 => u32, i64 => u64);

impl<T: Int> Int for Be<T> {
    const BITS: u32 = T::BITS;
    fn to_i128(self) -> i128 {
        self.0.to_i128()
    }
    fn from_i128(v: i128) -> Option<Self> {
        T::from_i128(v).map(Be)
    }
    fn to_bits(self) -> u64 {
        self.0.to_bits()
    }
    fn from_bits(bits: u64) -> Option<Self> {
        T::from_bits(bits).map(Be)
    }
}

/// Byte strings: `binary` attributes (`Vec<u8>`) and byte members of C
/// structs (`[u8; N]`).
pub trait Bytes: Sized {
    /// The bytes.
    fn as_bytes(&self) -> &[u8];
    /// A value of these bytes; an error when the length does not fit.
    fn from_bytes(bytes: Vec<u8>) -> Result<Self, String>;
}

impl Bytes for Vec<u8> {
    fn as_bytes(&self) -> &[u8] {
        self
    }
    fn from_bytes(bytes: Vec<u8>) -> Result<Self, String> {
        Ok(bytes)
    }
}

impl<const N: usize> Bytes for [u8; N] {
    fn as_bytes(&self) -> &[u8] {
        self
    }
    fn from_bytes(bytes: Vec<u8>) -> Result<Self, String> {
        let len = bytes.len();
        bytes
            .try_into()
            .map_err(|_| format!("{len} bytes where {N} are expected"))
    }
}

/// Bytes from hex digits, with any whitespace between bytes.
fn parse_hex(s: &str) -> Result<Vec<u8>, String> {
    text::parse_hex(s).ok_or_else(|| format!("{s:?} is not hex"))
}

/// Reads a string, a byte string or an array of byte values, then applies `parse`.
fn deserialize_bytes_with<'de, D, B>(
    deserializer: D,
    what: &'static str,
    parse: fn(&str) -> Result<Vec<u8>, String>,
) -> Result<B, D::Error>
where
    D: Deserializer<'de>,
    B: Bytes,
{
    struct V {
        what: &'static str,
        parse: fn(&str) -> Result<Vec<u8>, String>,
    }
    impl<'de> Visitor<'de> for V {
        type Value = Vec<u8>;
        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str(self.what)
        }
        fn visit_str<E: de::Error>(self, v: &str) -> Result<Vec<u8>, E> {
            (self.parse)(v).map_err(E::custom)
        }
        fn visit_bytes<E: de::Error>(self, v: &[u8]) -> Result<Vec<u8>, E> {
            Ok(v.to_vec())
        }
        fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Vec<u8>, A::Error> {
            let mut out = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(4096));
            while let Some(b) = seq.next_element::<u8>()? {
                out.push(b);
            }
            Ok(out)
        }
    }
    let bytes = deserializer.deserialize_any(V { what, parse })?;
    B::from_bytes(bytes).map_err(de::Error::custom)
}

/// `binary` without a display hint: hex digits without separators
/// (`"0a1b2c"`), as the CLI's JSON encoder writes `bytes`. Reads hex with
/// or without spaces, or an array of byte values.
pub enum HexBytes {}

impl<B: Bytes> Format<B> for HexBytes {
    fn serialize_as<S: Serializer>(value: &B, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&text::hex(value.as_bytes(), ""))
    }

    fn deserialize_as<'de, D: Deserializer<'de>>(deserializer: D) -> Result<B, D::Error> {
        deserialize_bytes_with(deserializer, "hex digits", parse_hex)
    }
}

/// `display-hint: hex`. Binary as hex with a space between bytes
/// (`"0a 1b 2c"`, ynl.py's `bytes.hex(raw, ' ')`); integers as Python's
/// `hex()` writes them (`"0x1b"`, `"-0x1b"`). Reads those, plain hex, and
/// integers as numbers.
pub enum HexHint {}

impl<T: Int> Format<T> for HexHint {
    fn serialize_as<S: Serializer>(value: &T, serializer: S) -> Result<S::Ok, S::Error> {
        let v = value.to_i128();
        let text = if v < 0 {
            format!("-{:#x}", v.unsigned_abs())
        } else {
            format!("{v:#x}")
        };
        serializer.serialize_str(&text)
    }

    fn deserialize_as<'de, D: Deserializer<'de>>(deserializer: D) -> Result<T, D::Error> {
        deserializer.deserialize_any(IntVisitor::<T>(PhantomData, text::parse_hex_int))
    }
}

impl Format<Vec<u8>> for HexHint {
    fn serialize_as<S: Serializer>(value: &Vec<u8>, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&text::hex(value, " "))
    }

    fn deserialize_as<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Vec<u8>, D::Error> {
        deserialize_bytes_with(deserializer, "hex digits", parse_hex)
    }
}

impl<const N: usize> Format<[u8; N]> for HexHint {
    fn serialize_as<S: Serializer>(value: &[u8; N], serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&text::hex(value, " "))
    }

    fn deserialize_as<'de, D: Deserializer<'de>>(deserializer: D) -> Result<[u8; N], D::Error> {
        deserialize_bytes_with(deserializer, "hex digits", parse_hex)
    }
}

/// Reads an integer from a number, or from a string with `parse`.
struct IntVisitor<T>(PhantomData<fn() -> T>, fn(&str) -> Option<i128>);

impl<T: Int> IntVisitor<T> {
    fn fit<E: de::Error>(v: i128) -> Result<T, E> {
        T::from_i128(v).ok_or_else(|| {
            E::custom(format_args!(
                "{v} does not fit {} bits{}",
                T::BITS,
                if T::from_i128(-1).is_some() {
                    " (signed)"
                } else {
                    ""
                }
            ))
        })
    }
}

impl<'de, T: Int> Visitor<'de> for IntVisitor<T> {
    type Value = T;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an integer, or its text")
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<T, E> {
        Self::fit(v.into())
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<T, E> {
        Self::fit(v.into())
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<T, E> {
        match (self.1)(v) {
            Some(n) => Self::fit(n),
            None => Err(E::invalid_value(Unexpected::Str(v), &self)),
        }
    }
}

/// `display-hint: mac`: `"aa:bb:cc:dd:ee:ff"` (any number of bytes). Reads
/// that, or hex without colons, as the CLI does.
pub enum Mac {}

fn parse_mac(s: &str) -> Result<Vec<u8>, String> {
    text::parse_mac(s).ok_or_else(|| format!("{s:?} is not a MAC address"))
}

impl<B: Bytes> Format<B> for Mac {
    fn serialize_as<S: Serializer>(value: &B, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&text::mac(value.as_bytes()))
    }

    fn deserialize_as<'de, D: Deserializer<'de>>(deserializer: D) -> Result<B, D::Error> {
        deserialize_bytes_with(deserializer, "a MAC address", parse_mac)
    }
}

/// `display-hint: ipv4`, `ipv6` and `ipv4-or-v6`: address text, as Python's
/// `ipaddress.ip_address` gives it. Binary of 4 bytes is an IPv4 address,
/// of 16 an IPv6 one (RFC 5952 text, IPv4-mapped as `::ffff:a.b.c.d`), of
/// any other length hex (where ynl.py fails); a `u32` (host or big-endian)
/// is an IPv4 address of its value. Reads addresses, hex, and numbers for
/// integers.
pub enum Ip {}

fn parse_ip(s: &str) -> Result<Vec<u8>, String> {
    text::parse_ip(s).ok_or_else(|| format!("{s:?} is not an IP address"))
}

impl<B: Bytes> Format<B> for Ip {
    fn serialize_as<S: Serializer>(value: &B, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&text::ip(value.as_bytes()))
    }

    fn deserialize_as<'de, D: Deserializer<'de>>(deserializer: D) -> Result<B, D::Error> {
        deserialize_bytes_with(deserializer, "an IP address", parse_ip)
    }
}

/// An IPv4 address held in an integer (`display-hint: ipv4` on a `u32`).
pub enum Ipv4Int {}

impl<T: Int> Format<T> for Ipv4Int {
    fn serialize_as<S: Serializer>(value: &T, serializer: S) -> Result<S::Ok, S::Error> {
        match u32::try_from(value.to_i128()) {
            Ok(v) => serializer.serialize_str(&Ipv4Addr::from(v).to_string()),
            Err(_) => value.to_i128().serialize(serializer),
        }
    }

    fn deserialize_as<'de, D: Deserializer<'de>>(deserializer: D) -> Result<T, D::Error> {
        fn parse(s: &str) -> Option<i128> {
            s.trim()
                .parse::<Ipv4Addr>()
                .ok()
                .map(|a| u32::from(a).into())
        }
        deserializer.deserialize_any(IntVisitor::<T>(PhantomData, parse))
    }
}

/// `display-hint: uuid`: 16 bytes as `"00112233-4455-6677-8899-aabbccddeeff"`
/// (Python's `str(uuid.UUID(bytes=...))`); other lengths as hex. Reads both.
pub enum Uuid {}

fn parse_uuid(s: &str) -> Result<Vec<u8>, String> {
    text::parse_uuid(s).ok_or_else(|| format!("{s:?} is not a UUID"))
}

impl<B: Bytes> Format<B> for Uuid {
    fn serialize_as<S: Serializer>(value: &B, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&text::uuid(value.as_bytes()))
    }

    fn deserialize_as<'de, D: Deserializer<'de>>(deserializer: D) -> Result<B, D::Error> {
        deserialize_bytes_with(deserializer, "a UUID", parse_uuid)
    }
}

/// A fixed-size string member of a C struct (`[u8; N]`, NUL-padded): a
/// string when the bytes are UTF-8 text followed by NULs only, else an array
/// of the byte values (ynl.py has no string members; this keeps every value).
/// Reads a string of at most `N` bytes (padded with NULs) or an array.
pub enum CString {}

impl<const N: usize> Format<[u8; N]> for CString {
    fn serialize_as<S: Serializer>(value: &[u8; N], serializer: S) -> Result<S::Ok, S::Error> {
        let end = value.iter().position(|&b| b == 0).unwrap_or(N);
        match std::str::from_utf8(&value[..end]) {
            Ok(text) if value[end..].iter().all(|&b| b == 0) => serializer.serialize_str(text),
            _ => value.as_slice().serialize(serializer),
        }
    }

    fn deserialize_as<'de, D: Deserializer<'de>>(deserializer: D) -> Result<[u8; N], D::Error> {
        struct V<const N: usize>;
        impl<'de, const N: usize> Visitor<'de> for V<N> {
            type Value = [u8; N];
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(
                    f,
                    "a string of at most {N} bytes, or an array of byte values"
                )
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<[u8; N], E> {
                self.visit_bytes(v.as_bytes())
            }
            fn visit_bytes<E: de::Error>(self, v: &[u8]) -> Result<[u8; N], E> {
                if v.len() > N {
                    return Err(E::invalid_length(v.len(), &self));
                }
                let mut out = [0; N];
                out[..v.len()].copy_from_slice(v);
                Ok(out)
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<[u8; N], A::Error> {
                let mut out = [0; N];
                let mut len = 0;
                while let Some(b) = seq.next_element::<u8>()? {
                    if len == N {
                        return Err(de::Error::invalid_length(len + 1, &self));
                    }
                    out[len] = b;
                    len += 1;
                }
                Ok(out)
            }
        }
        deserializer.deserialize_any(V::<N>)
    }
}

// ---------------------------------------------------------------------------
// Enums and flags
// ---------------------------------------------------------------------------

/// An enum by its spec name ([`GenlEnum::name`]); a value the enum does not
/// list (or without a name) by its number.
pub fn serialize_enum<E: GenlEnum, S: Serializer>(
    value: &E,
    serializer: S,
) -> Result<S::Ok, S::Error> {
    match value.name() {
        Some(name) => serializer.serialize_str(name),
        None => serializer.serialize_u64(value.value()),
    }
}

/// An enum from its spec name ([`GenlEnum::from_name`]) or its value.
pub fn deserialize_enum<'de, E: GenlEnum, D: Deserializer<'de>>(
    deserializer: D,
) -> Result<E, D::Error> {
    struct V<E>(PhantomData<fn() -> E>);
    impl<'de, E: GenlEnum> Visitor<'de> for V<E> {
        type Value = E;
        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            write!(f, "a name or value of `{}`", short_type_name::<E>())
        }
        fn visit_str<Er: de::Error>(self, v: &str) -> Result<E, Er> {
            E::from_name(v).ok_or_else(|| Er::invalid_value(Unexpected::Str(v), &self))
        }
        fn visit_u64<Er: de::Error>(self, v: u64) -> Result<E, Er> {
            Ok(E::from_value(v))
        }
        fn visit_i64<Er: de::Error>(self, v: i64) -> Result<E, Er> {
            u64::try_from(v)
                .map(E::from_value)
                .map_err(|_| Er::invalid_value(Unexpected::Signed(v), &self))
        }
    }
    deserializer.deserialize_any(V(PhantomData))
}

fn short_type_name<T>() -> &'static str {
    let full = std::any::type_name::<T>();
    full.rsplit("::").next().unwrap_or(full)
}

/// The spec names of a flags type's flags, for its JSON: implemented with
/// [`impl_flags!`](crate::serde_support::impl_flags).
pub trait FlagNames: bitflags::Flags + Copy + 'static {
    /// Each flag of the spec with its spec name, in spec order.
    const SPEC_NAMES: &'static [(&'static str, Self)];
}

/// One element of a list of flags.
enum FlagItem {
    Name(&'static str),
    Bits(u64),
}

impl Serialize for FlagItem {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            FlagItem::Name(n) => serializer.serialize_str(n),
            FlagItem::Bits(b) => serializer.serialize_u64(*b),
        }
    }
}

/// The names of the named flags in `bits`, in the order of `names`, then each
/// remaining bit as its mask.
fn flag_items(bits: u64, names: impl IntoIterator<Item = (&'static str, u64)>) -> Vec<FlagItem> {
    let mut rest = bits;
    let mut out = Vec::new();
    for (name, mask) in names {
        if mask != 0 && bits & mask == mask && rest & mask != 0 {
            out.push(FlagItem::Name(name));
            rest &= !mask;
        }
    }
    out.extend(
        (0..64)
            .map(|i| 1u64 << i)
            .filter(|m| rest & m != 0)
            .map(FlagItem::Bits),
    );
    out
}

/// Reads a list of flag names and masks, a single name, or a number; the
/// bits OR'ed together. `lookup` gives the mask of a name.
fn deserialize_flag_bits<'de, D: Deserializer<'de>>(
    deserializer: D,
    what: &'static str,
    lookup: &dyn Fn(&str) -> Option<u64>,
) -> Result<u64, D::Error> {
    struct Item<'a>(&'a dyn Fn(&str) -> Option<u64>, &'static str);
    impl<'de> DeserializeSeed<'de> for Item<'_> {
        type Value = u64;
        fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<u64, D::Error> {
            d.deserialize_any(self)
        }
    }
    impl<'de> Visitor<'de> for Item<'_> {
        type Value = u64;
        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            write!(
                f,
                "a list of flag names (of `{}`) or masks, a name, or a number",
                self.1
            )
        }
        fn visit_str<E: de::Error>(self, v: &str) -> Result<u64, E> {
            (self.0)(v).ok_or_else(|| E::invalid_value(Unexpected::Str(v), &self))
        }
        fn visit_u64<E: de::Error>(self, v: u64) -> Result<u64, E> {
            Ok(v)
        }
        fn visit_i64<E: de::Error>(self, v: i64) -> Result<u64, E> {
            u64::try_from(v).map_err(|_| E::invalid_value(Unexpected::Signed(v), &self))
        }
        fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<u64, A::Error> {
            let mut bits = 0;
            while let Some(b) = seq.next_element_seed(Item(self.0, self.1))? {
                bits |= b;
            }
            Ok(bits)
        }
    }
    deserializer.deserialize_any(Item(lookup, what))
}

/// A flags type as the list of its flags' spec names (see the module docs).
pub fn serialize_flags<F, S>(value: &F, serializer: S) -> Result<S::Ok, S::Error>
where
    F: FlagNames,
    F::Bits: Into<u64>,
    S: Serializer,
{
    let names = F::SPEC_NAMES.iter().map(|(n, f)| (*n, f.bits().into()));
    serializer.collect_seq(flag_items(value.bits().into(), names))
}

/// A flags type from a list of spec names and masks, a single name, or a number.
pub fn deserialize_flags<'de, F, D>(deserializer: D) -> Result<F, D::Error>
where
    F: FlagNames,
    F::Bits: Into<u64> + TryFrom<u64>,
    D: Deserializer<'de>,
{
    let lookup = |name: &str| {
        F::SPEC_NAMES
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, f)| f.bits().into())
    };
    let bits = deserialize_flag_bits(deserializer, short_type_name::<F>(), &lookup)?;
    F::Bits::try_from(bits)
        .map(F::from_bits_retain)
        .map_err(|_| {
            de::Error::custom(format_args!(
                "{bits:#x} has bits beyond the {} bits of `{}`",
                8 * std::mem::size_of::<F::Bits>(),
                short_type_name::<F>()
            ))
        })
}

fn fit_bits<T: Int, E: de::Error>(bits: u64) -> Result<T, E> {
    T::from_bits(bits)
        .ok_or_else(|| E::custom(format_args!("{bits:#x} does not fit {} bits", T::BITS)))
}

/// An integer that holds a value of the enum `E` (an `enum` on an attribute
/// or member whose Rust type stays an integer: `uint`, C struct members):
/// the entry's name, or the number.
pub struct EnumValue<E>(PhantomData<fn() -> E>);

impl<T: Int, E: GenlEnum> Format<T> for EnumValue<E> {
    fn serialize_as<S: Serializer>(value: &T, serializer: S) -> Result<S::Ok, S::Error> {
        serialize_enum(&E::from_value(value.to_bits()), serializer)
    }

    fn deserialize_as<'de, D: Deserializer<'de>>(deserializer: D) -> Result<T, D::Error> {
        let e: E = deserialize_enum(deserializer)?;
        fit_bits(e.value())
    }
}

/// An integer whose bits are numbered by the entries of the enum `E`
/// (`enum-as-flags`): the names of the set bits, in bit order (bits `E`
/// does not name as their masks).
pub struct EnumBits<E>(PhantomData<fn() -> E>);

impl<T: Int, E: GenlEnum> Format<T> for EnumBits<E> {
    fn serialize_as<S: Serializer>(value: &T, serializer: S) -> Result<S::Ok, S::Error> {
        let names = (0..64u64).filter_map(|i| E::from_value(i).name().map(|n| (n, 1u64 << i)));
        serializer.collect_seq(flag_items(value.to_bits(), names))
    }

    fn deserialize_as<'de, D: Deserializer<'de>>(deserializer: D) -> Result<T, D::Error> {
        let lookup = |name: &str| {
            E::from_name(name)
                .and_then(|e| u32::try_from(e.value()).ok())
                .and_then(|bit| 1u64.checked_shl(bit))
        };
        let bits = deserialize_flag_bits(deserializer, short_type_name::<E>(), &lookup)?;
        fit_bits(bits)
    }
}

/// An integer that holds flags of the flags type `F` where the Rust type
/// stays an integer (a `uint`, a member, a width other than `F`'s): the list
/// of flag names.
pub struct FlagBits<F>(PhantomData<fn() -> F>);

impl<T: Int, F> Format<T> for FlagBits<F>
where
    F: FlagNames,
    F::Bits: Into<u64>,
{
    fn serialize_as<S: Serializer>(value: &T, serializer: S) -> Result<S::Ok, S::Error> {
        let names = F::SPEC_NAMES.iter().map(|(n, f)| (*n, f.bits().into()));
        serializer.collect_seq(flag_items(value.to_bits(), names))
    }

    fn deserialize_as<'de, D: Deserializer<'de>>(deserializer: D) -> Result<T, D::Error> {
        let lookup = |name: &str| {
            F::SPEC_NAMES
                .iter()
                .find(|(n, _)| *n == name)
                .map(|(_, f)| f.bits().into())
        };
        let bits = deserialize_flag_bits(deserializer, short_type_name::<F>(), &lookup)?;
        fit_bits(bits)
    }
}

/// Implements [`Serialize`] and [`Deserialize`] for [`GenlEnum`] types: by
/// spec name, unlisted values by number (see the module docs). Generated
/// enums use it; so can hand-written ones.
///
/// ```
/// use genl_runtime::GenlEnum;
///
/// #[derive(Clone, Copy, Debug, PartialEq, GenlEnum)]
/// enum Colour {
///     #[genl(value = 1, name = "dark-red")]
///     DarkRed,
///     #[genl(value = 2)]
///     Green, // named "green"
///     #[genl(unknown)]
///     Unknown(u64),
/// }
/// genl_runtime::serde_support::impl_enum!(Colour);
///
/// # fn main() -> Result<(), Box<dyn std::error::Error>> {
/// let json = serde_json::to_string(&[Colour::DarkRed, Colour::Green, Colour::Unknown(7)])?;
/// assert_eq!(json, r#"["dark-red","green",7]"#);
/// let back: Vec<Colour> = serde_json::from_str(r#"["dark-red", 2, 7]"#)?;
/// assert_eq!(back, [Colour::DarkRed, Colour::Green, Colour::Unknown(7)]);
/// # Ok(())
/// # }
/// ```
#[doc(inline)]
pub use crate::__genl_serde_impl_enum as impl_enum;

/// Implements [`Serialize`] and [`Deserialize`] (and [`FlagNames`]) for a
/// flags type (made with `bitflags!`), from the spec name of each flag: a
/// list of names (see the module docs). Generated flags types use it; so can
/// hand-written ones.
///
/// ```
/// genl_runtime::bitflags::bitflags! {
///     #[derive(Clone, Copy, Debug, PartialEq)]
///     struct Caps: u32 {
///         const CMD_CAP_DO = 2;
///         const CMD_CAP_DUMP = 4;
///         const _ = !0;
///     }
/// }
/// genl_runtime::serde_support::impl_flags!(Caps {
///     "cmd-cap-do" = CMD_CAP_DO,
///     "cmd-cap-dump" = CMD_CAP_DUMP,
/// });
///
/// # fn main() -> Result<(), Box<dyn std::error::Error>> {
/// let caps = Caps::CMD_CAP_DO | Caps::CMD_CAP_DUMP | Caps::from_bits_retain(0x100);
/// assert_eq!(serde_json::to_string(&caps)?, r#"["cmd-cap-do","cmd-cap-dump",256]"#);
/// assert_eq!(serde_json::from_str::<Caps>(r#""cmd-cap-do""#)?, Caps::CMD_CAP_DO);
/// assert_eq!(serde_json::from_str::<Caps>("6")?, Caps::CMD_CAP_DO | Caps::CMD_CAP_DUMP);
/// # Ok(())
/// # }
/// ```
#[doc(inline)]
pub use crate::__genl_serde_impl_flags as impl_flags;

#[doc(hidden)]
#[macro_export]
macro_rules! __genl_serde_impl_enum {
    ($($ty:ty),+ $(,)?) => {$(
        impl $crate::serde::Serialize for $ty {
            fn serialize<S>(&self, serializer: S) -> ::core::result::Result<S::Ok, S::Error>
            where
                S: $crate::serde::Serializer,
            {
                $crate::serde_support::serialize_enum(self, serializer)
            }
        }

        impl<'de> $crate::serde::Deserialize<'de> for $ty {
            fn deserialize<D>(deserializer: D) -> ::core::result::Result<Self, D::Error>
            where
                D: $crate::serde::Deserializer<'de>,
            {
                $crate::serde_support::deserialize_enum(deserializer)
            }
        }
    )+};
}

#[doc(hidden)]
#[macro_export]
macro_rules! __genl_serde_impl_flags {
    ($ty:ty { $($name:literal = $flag:ident),* $(,)? }) => {
        impl $crate::serde_support::FlagNames for $ty {
            const SPEC_NAMES: &'static [(&'static str, Self)] = &[$(($name, <$ty>::$flag)),*];
        }

        impl $crate::serde::Serialize for $ty {
            fn serialize<S>(&self, serializer: S) -> ::core::result::Result<S::Ok, S::Error>
            where
                S: $crate::serde::Serializer,
            {
                $crate::serde_support::serialize_flags(self, serializer)
            }
        }

        impl<'de> $crate::serde::Deserialize<'de> for $ty {
            fn deserialize<D>(deserializer: D) -> ::core::result::Result<Self, D::Error>
            where
                D: $crate::serde::Deserializer<'de>,
            {
                $crate::serde_support::deserialize_flags(deserializer)
            }
        }
    };
}

// ---------------------------------------------------------------------------
// Runtime value types
// ---------------------------------------------------------------------------

/// The host value, as a plain number.
impl<T: Serialize> Serialize for Be<T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.0.serialize(serializer)
    }
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Be<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        T::deserialize(deserializer).map(Be)
    }
}

#[derive(Serialize, Deserialize)]
#[serde(remote = "Bitfield32")]
struct Bitfield32Def {
    value: u32,
    selector: u32,
}

/// `{"value": n, "selector": n}`, as ynl.py decodes a `bitfield32`.
impl Serialize for Bitfield32 {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        Bitfield32Def::serialize(self, serializer)
    }
}

impl<'de> Deserialize<'de> for Bitfield32 {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Bitfield32Def::deserialize(deserializer)
    }
}

/// `{"type": 7, "nested": true, "payload": "0a1b"}`, `nested` left out when
/// false. ynl.py (with `--process-unknown`) writes an unknown attribute as
/// the key `UnknownAttr(7)`; a list under one key keeps every attribute,
/// repeated types and the nested flag included.
impl Serialize for UnknownAttr {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut s = serializer.serialize_struct("UnknownAttr", 2 + usize::from(self.nested))?;
        s.serialize_field("type", &self.ty)?;
        if self.nested {
            s.serialize_field("nested", &true)?;
        } else {
            s.skip_field("nested")?;
        }
        s.serialize_field("payload", &SerAs::<HexBytes, _>(&self.payload, PhantomData))?;
        s.end()
    }
}

impl<'de> Deserialize<'de> for UnknownAttr {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(rename = "UnknownAttr")]
        struct In {
            #[serde(rename = "type")]
            ty: u16,
            #[serde(default)]
            nested: bool,
            #[serde(default, with = "As::<HexBytes>")]
            payload: Vec<u8>,
        }
        let In {
            ty,
            nested,
            payload,
        } = In::deserialize(deserializer)?;
        Ok(UnknownAttr {
            ty,
            nested,
            payload,
        })
    }
}

// ---------------------------------------------------------------------------
// Sub-messages
// ---------------------------------------------------------------------------

/// A typed sub-message ([`GenlSubMessage`]) as the value of its selector and
/// its payload in hex: `{"selector": "bridge", "payload": "0800..."}`
/// (`selector` left out for the payload of an unlisted format). Reading
/// decodes the payload in the format the selector names, so every value
/// reads back as itself.
///
/// ynl.py writes a sub-message as one object of its fixed header's members
/// and its attributes; that form needs the selector (a sibling attribute)
/// to be read back, which a field's own `Deserialize` does not see.
pub enum SubMessageBytes {}

impl<T: GenlSubMessage> Format<T> for SubMessageBytes {
    fn serialize_as<S: Serializer>(value: &T, serializer: S) -> Result<S::Ok, S::Error> {
        let mut buf = Vec::with_capacity(value.encoded_len());
        value.encode(0, &mut Writer::new(&mut buf));
        let payload = match crate::wire::attrs(&buf).next() {
            Some(Ok(a)) => a.payload.to_vec(),
            _ => Vec::new(),
        };
        let selector = value.selector();
        let mut s =
            serializer.serialize_struct("SubMessage", 1 + usize::from(selector.is_some()))?;
        match selector {
            Some(SelectorValue::Str(v)) => s.serialize_field("selector", v)?,
            Some(SelectorValue::Int(v)) => s.serialize_field("selector", &v)?,
            None => s.skip_field("selector")?,
        }
        s.serialize_field("payload", &text::hex(&payload, ""))?;
        s.end()
    }

    fn deserialize_as<'de, D: Deserializer<'de>>(deserializer: D) -> Result<T, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Selector {
            Int(u64),
            Str(String),
        }
        #[derive(Deserialize)]
        #[serde(rename = "SubMessage")]
        struct In {
            #[serde(default)]
            selector: Option<Selector>,
            #[serde(default, with = "As::<HexBytes>")]
            payload: Vec<u8>,
        }
        let In { selector, payload } = In::deserialize(deserializer)?;
        let selector = match &selector {
            Some(Selector::Int(v)) => Some(SelectorValue::Int(*v)),
            Some(Selector::Str(v)) => Some(SelectorValue::Str(v)),
            None => None,
        };
        T::decode_payload(selector, &payload, 0).map_err(de::Error::custom)
    }
}

// ---------------------------------------------------------------------------
// nest-type-value
// ---------------------------------------------------------------------------

/// The names of the levels of a `nest-type-value` attribute (its spec's
/// `type-value` list, for example `[policy-id, attr-id]`), carried by a
/// marker type that generated code declares for [`TypeValues`].
pub trait TypeValueNames {
    /// One name per level, outermost first.
    const NAMES: &'static [&'static str];
}

/// The format of a `nest-type-value` of `D` levels (`TypeValue<T>` for 1,
/// `TypeValue<TypeValue<T>>` for 2, up to 3), its levels named by `N`.
///
/// ynl.py decodes such an attribute into one object: each level's name with
/// the type of the (first) nested attribute at that level, and the
/// innermost attributes beside them:
/// `{"policy-id": 0, "attr-id": 1, "type": "u32"}`. Here the value is an
/// array of such objects, one per outer entry, so that no entry is lost: an
/// entry whose inner level holds exactly one entry continues the chain in
/// the same object; an inner level with none or several is written under
/// its name as an array of objects of its own
/// (`{"policy-id": 0, "attr-id": [{"attr-id": 1, ...}, {"attr-id": 2, ...}]}`).
/// Reading takes that, and a single object for the whole array as ynl.py
/// writes it.
///
/// The innermost `T` must serialize as a struct or map (a generated set
/// does) and, for the array form, deserialize from no keys at all.
pub struct TypeValues<N, const D: usize>(PhantomData<fn() -> N>);

/// One level of a `nest-type-value`, whatever its depth.
enum Node<T> {
    Leaf(T),
    Level(Vec<(u16, Node<T>)>),
}

fn lower<'a, X, T>(
    tv: &'a TypeValue<X>,
    inner: impl Fn(&'a X) -> Node<&'a T>,
) -> Vec<(u16, Node<&'a T>)> {
    tv.0.iter().map(|(k, x)| (*k, inner(x))).collect()
}

fn raise<X, T>(
    entries: Vec<(u16, Node<T>)>,
    inner: impl Fn(Node<T>) -> Result<X, &'static str>,
) -> Result<TypeValue<X>, &'static str> {
    entries
        .into_iter()
        .map(|(k, n)| inner(n).map(|x| (k, x)))
        .collect::<Result<_, _>>()
        .map(TypeValue)
}

fn leaf<T>(n: Node<T>) -> Result<T, &'static str> {
    match n {
        Node::Leaf(t) => Ok(t),
        Node::Level(_) => Err("a nest-type-value level deeper than its type"),
    }
}

fn level<T>(n: Node<T>) -> Result<Vec<(u16, Node<T>)>, &'static str> {
    match n {
        Node::Level(v) => Ok(v),
        Node::Leaf(_) => Err("a nest-type-value level shallower than its type"),
    }
}

macro_rules! type_values {
    ($d:literal, $ty:ty, |$tv:ident| $lower:expr, |$v:ident| $raise:expr) => {
        impl<N: TypeValueNames, T: Serialize + DeserializeOwned> Format<$ty> for TypeValues<N, $d> {
            fn serialize_as<S: Serializer>($tv: &$ty, serializer: S) -> Result<S::Ok, S::Error> {
                let entries = $lower;
                EntriesOut {
                    names: Names::<N>::get($d),
                    level: 0,
                    entries: &entries,
                }
                .serialize(serializer)
            }

            fn deserialize_as<'de, D: Deserializer<'de>>(deserializer: D) -> Result<$ty, D::Error> {
                let $v: Vec<(u16, Node<T>)> = deserializer.deserialize_any(EntriesSeed::<T> {
                    names: Names::<N>::get($d),
                    level: 0,
                    _t: PhantomData,
                })?;
                $raise.map_err(de::Error::custom)
            }
        }
    };
}

type_values!(1, TypeValue<T>, |tv| lower(tv, Node::Leaf), |v| raise(
    v, leaf
));
type_values!(
    2,
    TypeValue<TypeValue<T>>,
    |tv| lower(tv, |x| Node::Level(lower(x, Node::Leaf))),
    |v| raise(v, |n| raise(level(n)?, leaf))
);
type_values!(
    3,
    TypeValue<TypeValue<TypeValue<T>>>,
    |tv| lower(tv, |x| Node::Level(lower(x, |y| Node::Level(lower(
        y,
        Node::Leaf
    ))))),
    |v| raise(v, |n| raise(level(n)?, |m| raise(level(m)?, leaf)))
);

struct Names<N>(PhantomData<N>);

impl<N: TypeValueNames> Names<N> {
    /// The names of `depth` levels; a level the marker does not name is `type`.
    fn get(depth: usize) -> &'static [&'static str] {
        const FALLBACK: &[&str] = &["type", "type", "type"];
        if N::NAMES.len() >= depth {
            &N::NAMES[..depth]
        } else {
            &FALLBACK[..depth]
        }
    }
}

/// The entries of level `level`: an array of objects.
struct EntriesOut<'a, T> {
    names: &'static [&'static str],
    level: usize,
    entries: &'a [(u16, Node<&'a T>)],
}

impl<T: Serialize> Serialize for EntriesOut<'_, T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(self.entries.iter().map(|(key, node)| EntryOut {
            names: self.names,
            level: self.level,
            key: *key,
            node,
        }))
    }
}

/// One entry: its key, the chain of single inner entries, then either the
/// innermost attributes or an inner level's array.
struct EntryOut<'a, T> {
    names: &'static [&'static str],
    level: usize,
    key: u16,
    node: &'a Node<&'a T>,
}

enum KeyOut<'a, T> {
    Num(u16),
    List(EntriesOut<'a, T>),
}

impl<T: Serialize> Serialize for KeyOut<'_, T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            KeyOut::Num(n) => serializer.serialize_u16(*n),
            KeyOut::List(l) => l.serialize(serializer),
        }
    }
}

struct KeysOut<'a, T>(Vec<(&'static str, KeyOut<'a, T>)>);

impl<T: Serialize> Serialize for KeysOut<'_, T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(self.0.len()))?;
        for (k, v) in &self.0 {
            map.serialize_entry(k, v)?;
        }
        map.end()
    }
}

#[derive(Serialize)]
#[serde(bound = "T: Serialize")]
struct FlatOut<'a, T> {
    #[serde(flatten)]
    keys: KeysOut<'a, T>,
    #[serde(flatten)]
    leaf: Option<&'a T>,
}

impl<T: Serialize> Serialize for EntryOut<'_, T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut keys = vec![(self.names[self.level], KeyOut::Num(self.key))];
        let mut node = self.node;
        let mut level = self.level + 1;
        let leaf = loop {
            match node {
                Node::Leaf(t) => break Some(*t),
                Node::Level(v) if v.len() == 1 => {
                    keys.push((self.names[level], KeyOut::Num(v[0].0)));
                    node = &v[0].1;
                    level += 1;
                }
                Node::Level(v) => {
                    let list = EntriesOut {
                        names: self.names,
                        level,
                        entries: v,
                    };
                    keys.push((self.names[level], KeyOut::List(list)));
                    break None;
                }
            }
        };
        FlatOut {
            keys: KeysOut(keys),
            leaf,
        }
        .serialize(serializer)
    }
}

/// Reads the entries of a level: an array of objects, or one object.
struct EntriesSeed<T> {
    names: &'static [&'static str],
    level: usize,
    _t: PhantomData<fn() -> T>,
}

impl<'de, T: DeserializeOwned> Visitor<'de> for EntriesSeed<T> {
    type Value = Vec<(u16, Node<T>)>;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "an array of objects with `{}`", self.names[self.level])
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        let mut out = Vec::new();
        while let Some(e) = seq.next_element_seed(EntrySeed::<T> {
            names: self.names,
            level: self.level,
            _t: PhantomData,
        })? {
            out.push(e);
        }
        Ok(out)
    }
    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
        let entry = EntrySeed::<T> {
            names: self.names,
            level: self.level,
            _t: PhantomData,
        }
        .visit_map(map)?;
        Ok(vec![entry])
    }
}

/// Reads one entry of a level.
struct EntrySeed<T> {
    names: &'static [&'static str],
    level: usize,
    _t: PhantomData<fn() -> T>,
}

impl<'de, T: DeserializeOwned> DeserializeSeed<'de> for EntrySeed<T> {
    type Value = (u16, Node<T>);
    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_map(self)
    }
}

/// The value under a level's name: the type, or the array of an inner level.
enum KeyIn<T> {
    Num(u16),
    List(Vec<(u16, Node<T>)>),
}

struct KeySeed<T> {
    names: &'static [&'static str],
    level: usize,
    _t: PhantomData<fn() -> T>,
}

impl<'de, T: DeserializeOwned> DeserializeSeed<'de> for KeySeed<T> {
    type Value = KeyIn<T>;
    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<KeyIn<T>, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de, T: DeserializeOwned> Visitor<'de> for KeySeed<T> {
    type Value = KeyIn<T>;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "`{}`: an attribute type from 0 to 65535, or an array of objects",
            self.names[self.level]
        )
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<KeyIn<T>, E> {
        u16::try_from(v)
            .map(KeyIn::Num)
            .map_err(|_| E::invalid_value(Unexpected::Unsigned(v), &self))
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<KeyIn<T>, E> {
        u16::try_from(v)
            .map(KeyIn::Num)
            .map_err(|_| E::invalid_value(Unexpected::Signed(v), &self))
    }
    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<KeyIn<T>, A::Error> {
        EntriesSeed::<T> {
            names: self.names,
            level: self.level,
            _t: PhantomData,
        }
        .visit_seq(seq)
        .map(KeyIn::List)
    }
}

/// The entries of an object that are not level names, for the innermost
/// attributes; the level names' values go to `captured`.
struct Filter<'a, A, T> {
    inner: A,
    names: &'static [&'static str],
    level: usize,
    captured: &'a mut [Option<KeyIn<T>>],
}

impl<'de, A: MapAccess<'de>, T: DeserializeOwned> MapAccess<'de> for Filter<'_, A, T> {
    type Error = A::Error;

    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, A::Error> {
        while let Some(key) = self.inner.next_key::<String>()? {
            let ours = self.names[self.level..].iter().position(|n| *n == key);
            match ours.map(|i| i + self.level) {
                Some(at) => {
                    if self.captured[at].is_some() {
                        return Err(de::Error::duplicate_field(self.names[at]));
                    }
                    let v = self.inner.next_value_seed(KeySeed::<T> {
                        names: self.names,
                        level: at,
                        _t: PhantomData,
                    })?;
                    self.captured[at] = Some(v);
                }
                None => return seed.deserialize(key.into_deserializer()).map(Some),
            }
        }
        Ok(None)
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value, A::Error> {
        self.inner.next_value_seed(seed)
    }
}

impl<'de, T: DeserializeOwned> Visitor<'de> for EntrySeed<T> {
    type Value = (u16, Node<T>);
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "an object with `{}`", self.names[self.level])
    }
    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
        let depth = self.names.len();
        let mut captured: Vec<Option<KeyIn<T>>> = (0..depth).map(|_| None).collect();
        let leaf = T::deserialize(MapAccessDeserializer::new(Filter {
            inner: map,
            names: self.names,
            level: self.level,
            captured: &mut captured,
        }))?;
        let key = match captured[self.level].take() {
            Some(KeyIn::Num(k)) => k,
            Some(KeyIn::List(_)) => {
                return Err(de::Error::custom(format_args!(
                    "`{}` is the type of this entry: a number",
                    self.names[self.level]
                )));
            }
            None => return Err(de::Error::missing_field(self.names[self.level])),
        };
        // The chain of single inner entries, then what ends it.
        let mut chain = Vec::new();
        let mut at = self.level + 1;
        let mut end = loop {
            if at == depth {
                break Node::Leaf(leaf);
            }
            match captured[at].take() {
                Some(KeyIn::Num(k)) => chain.push(k),
                Some(KeyIn::List(v)) => break Node::Level(v),
                None => break Node::Level(Vec::new()),
            }
            at += 1;
        };
        for k in chain.into_iter().rev() {
            end = Node::Level(vec![(k, end)]);
        }
        Ok((key, end))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn round_trip<F: Format<T>, T: PartialEq + fmt::Debug>(value: T, json: serde_json::Value) {
        let written = F::serialize_as(&value, serde_json::value::Serializer).unwrap();
        assert_eq!(written, json);
        let back: T = F::deserialize_as(json).unwrap();
        assert_eq!(back, value);
    }

    fn read<F: Format<T>, T>(json: serde_json::Value) -> Result<T, serde_json::Error> {
        F::deserialize_as(json)
    }

    #[test]
    fn binary_is_hex_and_the_hex_hint_spaces_it() {
        round_trip::<HexBytes, _>(vec![0x0a, 0x1b, 0xff], json!("0a1bff"));
        round_trip::<HexBytes, _>(Vec::new(), json!(""));
        round_trip::<HexHint, _>(vec![0x0a, 0x1b, 0xff], json!("0a 1b ff"));
        round_trip::<HexBytes, _>([1u8, 2], json!("0102"));
        assert_eq!(read::<HexBytes, Vec<u8>>(json!("0a 1B")).unwrap(), [10, 27]);
        assert_eq!(read::<HexBytes, Vec<u8>>(json!([1, 2])).unwrap(), [1, 2]);
        assert!(read::<HexBytes, [u8; 3]>(json!("0102")).is_err());
        assert!(read::<HexBytes, Vec<u8>>(json!("abc")).is_err());
    }

    #[test]
    fn integers_with_the_hex_hint_read_as_python_writes_them() {
        round_trip::<HexHint, _>(0x1bu32, json!("0x1b"));
        round_trip::<HexHint, _>(-27i16, json!("-0x1b"));
        round_trip::<HexHint, _>(Be(0xabcdu16), json!("0xabcd"));
        round_trip::<HexHint, _>(u64::MAX, json!("0xffffffffffffffff"));
        assert_eq!(read::<HexHint, u8>(json!(200)).unwrap(), 200);
        assert_eq!(read::<HexHint, u8>(json!("ff")).unwrap(), 255);
        assert!(read::<HexHint, u8>(json!("0x100")).is_err());
    }

    #[test]
    fn addresses() {
        round_trip::<Mac, _>([0xaa, 0xbb, 0xcc, 0, 1, 0xff], json!("aa:bb:cc:00:01:ff"));
        assert_eq!(
            read::<Mac, [u8; 6]>(json!("aabbcc0001ff")).unwrap(),
            [0xaa, 0xbb, 0xcc, 0, 1, 0xff]
        );
        round_trip::<Ip, _>(vec![192, 0, 2, 1], json!("192.0.2.1"));
        let mut v6 = [0u8; 16];
        v6[..4].copy_from_slice(&[0x20, 0x01, 0x0d, 0xb8]);
        v6[15] = 1;
        round_trip::<Ip, _>(v6, json!("2001:db8::1"));
        round_trip::<Ip, _>(vec![1, 2, 3], json!("010203"));
        assert!(read::<Ip, [u8; 16]>(json!("192.0.2.1")).is_err());
        round_trip::<Ipv4Int, _>(Be(0xc000_0201u32), json!("192.0.2.1"));
        assert_eq!(read::<Ipv4Int, u32>(json!(1)).unwrap(), 1);
        let uuid: Vec<u8> = (0..16).map(|i| i * 0x11).collect();
        round_trip::<Uuid, _>(uuid, json!("00112233-4455-6677-8899-aabbccddeeff"));
        round_trip::<Uuid, _>(vec![1, 2], json!("0102"));
    }

    #[test]
    fn c_strings_are_text_when_they_can_be() {
        round_trip::<CString, _>(*b"br0\0\0\0", json!("br0"));
        round_trip::<CString, _>(*b"abcd", json!("abcd"));
        round_trip::<CString, _>([b'a', 0, b'b'], json!([97, 0, 98]));
        round_trip::<CString, _>([0xff, 0], json!([255, 0]));
        assert!(read::<CString, [u8; 2]>(json!("abc")).is_err());
    }

    #[derive(Clone, Copy, Debug, PartialEq, genl_derive::GenlEnum)]
    enum Frag {
        #[genl(value = 0)]
        None,
        #[genl(value = 1, name = "first-frag")]
        First,
        #[genl(value = 2)]
        Later,
        #[genl(unknown)]
        Unknown(u64),
    }
    crate::serde_support::impl_enum!(Frag);

    #[test]
    fn enums_by_name_and_unlisted_values_by_number() {
        assert_eq!(
            serde_json::to_value(Frag::First).unwrap(),
            json!("first-frag")
        );
        assert_eq!(serde_json::to_value(Frag::Later).unwrap(), json!("later"));
        assert_eq!(serde_json::to_value(Frag::Unknown(9)).unwrap(), json!(9));
        assert_eq!(
            serde_json::from_value::<Frag>(json!("none")).unwrap(),
            Frag::None
        );
        assert_eq!(
            serde_json::from_value::<Frag>(json!(2)).unwrap(),
            Frag::Later
        );
        assert_eq!(
            serde_json::from_value::<Frag>(json!(9)).unwrap(),
            Frag::Unknown(9)
        );
        let e = serde_json::from_value::<Frag>(json!("first")).unwrap_err();
        assert_eq!(
            e.to_string(),
            "invalid value: string \"first\", expected a name or value of `Frag`"
        );
        round_trip::<EnumValue<Frag>, _>(1u8, json!("first-frag"));
        round_trip::<EnumValue<Frag>, _>(200u8, json!(200));
        assert!(read::<EnumValue<Frag>, u8>(json!(300)).is_err());
        round_trip::<EnumBits<Frag>, _>(0b1011u32, json!(["none", "first-frag", 8]));
        assert_eq!(read::<EnumBits<Frag>, u32>(json!("later")).unwrap(), 4);
        assert_eq!(read::<EnumBits<Frag>, u32>(json!(6)).unwrap(), 6);
    }

    bitflags::bitflags! {
        #[derive(Clone, Copy, Debug, PartialEq)]
        struct Caps: u32 {
            const DO = 2;
            const DUMP = 4;
            const _ = !0;
        }
    }
    crate::serde_support::impl_flags!(Caps { "cmd-cap-do" = DO, "cmd-cap-dump" = DUMP });

    #[test]
    fn flags_as_lists_of_names() {
        let caps = Caps::DO | Caps::DUMP | Caps::from_bits_retain(1 << 31);
        let json = json!(["cmd-cap-do", "cmd-cap-dump", 0x8000_0000u32]);
        assert_eq!(serde_json::to_value(caps).unwrap(), json);
        assert_eq!(serde_json::from_value::<Caps>(json).unwrap(), caps);
        assert_eq!(serde_json::to_value(Caps::empty()).unwrap(), json!([]));
        assert_eq!(
            serde_json::from_value::<Caps>(json!(6)).unwrap(),
            Caps::DO | Caps::DUMP
        );
        assert!(serde_json::from_value::<Caps>(json!(["cmd-cap-undo"])).is_err());
        assert!(serde_json::from_value::<Caps>(json!(1u64 << 40)).is_err());
        round_trip::<FlagBits<Caps>, _>(6u64, json!(["cmd-cap-do", "cmd-cap-dump"]));
        assert!(read::<FlagBits<Caps>, u8>(json!(["cmd-cap-do", 256])).is_err());
    }

    #[test]
    fn runtime_value_types() {
        assert_eq!(serde_json::to_value(Be(80u16)).unwrap(), json!(80));
        let bf = Bitfield32 {
            value: 1,
            selector: 3,
        };
        assert_eq!(
            serde_json::to_value(bf).unwrap(),
            json!({"value": 1, "selector": 3})
        );
        let u = UnknownAttr {
            ty: 99,
            nested: false,
            payload: vec![1, 2],
        };
        assert_eq!(
            serde_json::to_value(&u).unwrap(),
            json!({"type": 99, "payload": "0102"})
        );
        let n = UnknownAttr { nested: true, ..u };
        let json = json!({"type": 99, "nested": true, "payload": "0102"});
        assert_eq!(serde_json::to_value(&n).unwrap(), json);
        assert_eq!(serde_json::from_value::<UnknownAttr>(json).unwrap(), n);
    }

    #[derive(Debug, Default, PartialEq, Serialize, Deserialize)]
    #[serde(default)]
    struct Leaf {
        #[serde(skip_serializing_if = "Option::is_none")]
        kind: Option<String>,
    }

    enum PolicyNames {}
    impl TypeValueNames for PolicyNames {
        const NAMES: &'static [&'static str] = &["policy-id", "attr-id"];
    }

    fn leaf(kind: &str) -> Leaf {
        Leaf {
            kind: Some(kind.into()),
        }
    }

    #[test]
    fn type_values_write_chains_as_ynl_does_and_keep_every_entry() {
        type F = TypeValues<PolicyNames, 2>;
        let chain = TypeValue(vec![(0, TypeValue(vec![(1, leaf("u32"))]))]);
        round_trip::<F, _>(
            chain,
            json!([{"policy-id": 0, "attr-id": 1, "kind": "u32"}]),
        );
        // ynl.py's single object.
        assert_eq!(
            read::<F, _>(json!({"policy-id": 3, "attr-id": 4})).unwrap(),
            TypeValue(vec![(3, TypeValue(vec![(4, Leaf::default())]))])
        );
        let wide = TypeValue(vec![
            (0, TypeValue(vec![(1, leaf("u8")), (2, leaf("u16"))])),
            (0, TypeValue(vec![])),
            (5, TypeValue(vec![(1, Leaf::default())])),
        ]);
        round_trip::<F, _>(
            wide,
            json!([
                {"policy-id": 0, "attr-id": [{"attr-id": 1, "kind": "u8"}, {"attr-id": 2, "kind": "u16"}]},
                {"policy-id": 0, "attr-id": []},
                {"policy-id": 5, "attr-id": 1},
            ]),
        );
        assert!(read::<F, TypeValue<TypeValue<Leaf>>>(json!([{"attr-id": 1}])).is_err());
        type G = TypeValues<PolicyNames, 1>;
        round_trip::<G, _>(
            TypeValue(vec![(7, leaf("x")), (7, Leaf::default())]),
            json!([{"policy-id": 7, "kind": "x"}, {"policy-id": 7}]),
        );
    }
}
