//! How one value shows in JSON: integers by enum, flags or display hint,
//! byte strings by display hint. The same table as the generated types'
//! serde (`genl_runtime::serde_support`), decided from the spec model.

use std::net::Ipv4Addr;

use genl_runtime::wire::text;

use genl_spec::model::{DefId, DefKind, Family};
use genl_spec::raw::{AttrType, ByteOrder, DisplayHint, Scope};
use serde_json::Value;

/// The wire shape of an integer.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct IntWire {
    /// Bytes on the wire (`uint`/`sint`: 8, written in 4 when it fits).
    pub width: usize,
    pub signed: bool,
    pub big_endian: bool,
    /// `uint` or `sint`: 4 or 8 bytes.
    pub variable: bool,
}

impl IntWire {
    pub fn fixed(width: u32, signed: bool, byte_order: Option<ByteOrder>) -> IntWire {
        IntWire {
            width: width as usize,
            signed,
            big_endian: byte_order == Some(ByteOrder::BigEndian),
            variable: false,
        }
    }

    /// The fixed-width integer of an attribute type (`u8` to `s64`), if it
    /// is one.
    pub fn of_type(ty: AttrType, byte_order: Option<ByteOrder>) -> Option<IntWire> {
        use AttrType::{S8, S16, S32, S64};
        let width = ty.int_width()?;
        Some(IntWire::fixed(
            width,
            matches!(ty, S8 | S16 | S32 | S64),
            byte_order,
        ))
    }

    /// The smallest and largest value.
    pub fn range(self) -> (i128, i128) {
        let bits = 8 * self.width as u32;
        if self.signed {
            (-(1i128 << (bits - 1)), (1i128 << (bits - 1)) - 1)
        } else {
            (0, (1i128 << bits) - 1)
        }
    }

    /// The type's name, for messages.
    pub fn name(self) -> String {
        match (self.variable, self.signed) {
            (true, false) => "uint".into(),
            (true, true) => "sint".into(),
            (false, s) => format!("{}{}", if s { 's' } else { 'u' }, 8 * self.width),
        }
    }

    /// Reads the value; `None` when `bytes` is not of a size the type has.
    pub fn read(self, bytes: &[u8]) -> Option<i128> {
        let width = if self.variable {
            match bytes.len() {
                4 | 8 => bytes.len(),
                _ => return None,
            }
        } else {
            self.width
        };
        if bytes.len() != width {
            return None;
        }
        // Host order is the machine's: the bytes of a big-endian number
        // either way on a big-endian machine.
        let mut raw = [0u8; 8];
        let unsigned = if self.big_endian || cfg!(target_endian = "big") {
            raw[8 - width..].copy_from_slice(bytes);
            u64::from_be_bytes(raw)
        } else {
            raw[..width].copy_from_slice(bytes);
            u64::from_le_bytes(raw)
        };
        Some(if self.signed {
            let shift = 64 - 8 * width as u32;
            i128::from(((unsigned << shift) as i64) >> shift)
        } else {
            i128::from(unsigned)
        })
    }

    /// Writes `value`, which fits.
    pub fn write(self, value: i128, out: &mut Vec<u8>) {
        let width = if self.variable {
            let fits32 = if self.signed {
                i32::try_from(value).is_ok()
            } else {
                u32::try_from(value).is_ok()
            };
            if fits32 { 4 } else { 8 }
        } else {
            self.width
        };
        let bits = value as u64;
        if self.big_endian || cfg!(target_endian = "big") {
            out.extend_from_slice(&bits.to_be_bytes()[8 - width..]);
        } else {
            out.extend_from_slice(&bits.to_le_bytes()[..width]);
        }
    }
}

/// How an integer shows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum IntFormat {
    /// A number.
    Plain,
    /// An enum entry's name; an unlisted value as its number.
    Enum(DefId),
    /// The names of the bits an enum's values number (`enum-as-flags`).
    EnumBits(DefId),
    /// The names of a flags definition's masks.
    Flags(DefId),
    /// `"0x1b"`.
    Hex,
    /// An IPv4 address in a 32-bit integer.
    Ipv4,
}

impl IntFormat {
    /// The format of an integer with these spec properties; `width` is the
    /// fixed width in bytes (`None` for `uint`/`sint`, which take no hint).
    pub fn of(
        family: &Family,
        enum_: Option<DefId>,
        enum_as_flags: bool,
        hint: Option<DisplayHint>,
        width: Option<u32>,
    ) -> IntFormat {
        if let Some(id) = enum_ {
            let def = family.def(id);
            // Definitions the kernel keeps to itself have no Rust type, and
            // their values stay numbers.
            if def.scope != Scope::Kernel {
                match &def.kind {
                    DefKind::Flags(_) => return IntFormat::Flags(id),
                    DefKind::Enum(_) if enum_as_flags => return IntFormat::EnumBits(id),
                    DefKind::Enum(_) => return IntFormat::Enum(id),
                    _ => {}
                }
            }
        }
        match hint {
            Some(DisplayHint::Hex) if width.is_some() => IntFormat::Hex,
            Some(DisplayHint::Ipv4 | DisplayHint::Ipv4OrV6) if width == Some(4) => IntFormat::Ipv4,
            _ => IntFormat::Plain,
        }
    }
}

/// The (name, mask) pairs of the bits a flags-like format names, in the
/// order they are written.
fn bit_names(family: &Family, format: IntFormat) -> Vec<(&str, u64)> {
    match format {
        IntFormat::Flags(id) => family
            .enum_def(id)
            .map(|e| {
                e.entries
                    .iter()
                    .map(|x| (x.name.as_str(), x.value))
                    .collect()
            })
            .unwrap_or_default(),
        IntFormat::EnumBits(id) => {
            let mut names: Vec<(&str, u64)> = family
                .enum_def(id)
                .map(|e| {
                    e.entries
                        .iter()
                        .filter(|x| x.value < 64)
                        .map(|x| (x.name.as_str(), 1u64 << x.value))
                        .collect()
                })
                .unwrap_or_default();
            // By bit, lowest first; the first entry of a value names it.
            names.sort_by_key(|(_, m)| *m);
            names.dedup_by_key(|(_, m)| *m);
            names
        }
        _ => Vec::new(),
    }
}

/// An integer as JSON.
pub(crate) fn int_to_json(family: &Family, format: IntFormat, value: i128) -> Value {
    match format {
        IntFormat::Plain => number(value),
        IntFormat::Enum(id) => {
            let bits = value as u64;
            let name = family
                .enum_def(id)
                .and_then(|e| e.entries.iter().find(|x| x.value == bits));
            match name {
                Some(x) => Value::String(x.name.clone()),
                None => Value::from(bits),
            }
        }
        IntFormat::EnumBits(_) | IntFormat::Flags(_) => {
            let bits = value as u64;
            let mut rest = bits;
            let mut out = Vec::new();
            for (name, mask) in bit_names(family, format) {
                if mask != 0 && bits & mask == mask && rest & mask != 0 {
                    out.push(Value::String(name.to_owned()));
                    rest &= !mask;
                }
            }
            out.extend(
                (0..64)
                    .map(|i| 1u64 << i)
                    .filter(|m| rest & m != 0)
                    .map(Value::from),
            );
            Value::Array(out)
        }
        IntFormat::Hex => Value::String(if value < 0 {
            format!("-{:#x}", value.unsigned_abs())
        } else {
            format!("{value:#x}")
        }),
        IntFormat::Ipv4 => match u32::try_from(value) {
            Ok(v) => Value::String(Ipv4Addr::from(v).to_string()),
            Err(_) => number(value),
        },
    }
}

fn number(value: i128) -> Value {
    if let Ok(v) = u64::try_from(value) {
        Value::from(v)
    } else if let Ok(v) = i64::try_from(value) {
        Value::from(v)
    } else {
        Value::String(value.to_string())
    }
}

/// An integer from JSON, in the given format: the value, or what was wrong.
pub(crate) fn int_from_json(
    family: &Family,
    format: IntFormat,
    json: &Value,
) -> Result<i128, (String, Vec<String>)> {
    let plain = |json: &Value| -> Option<i128> {
        json.as_u64()
            .map(i128::from)
            .or_else(|| json.as_i64().map(i128::from))
    };
    match format {
        IntFormat::Plain => plain(json).ok_or_else(|| (expected("an integer", json), vec![])),
        IntFormat::Enum(id) => {
            if let Some(v) = plain(json) {
                return Ok(v);
            }
            let Some(name) = json.as_str() else {
                return Err((expected("an enum name or a number", json), vec![]));
            };
            let e = family.enum_def(id);
            let entries = e.map(|e| e.entries.as_slice()).unwrap_or_default();
            match entries.iter().find(|x| x.name == name) {
                Some(x) => Ok(i128::from(x.value)),
                None => Err((
                    format!("`{name}` is not an entry of `{}`", family.def(id).name),
                    closest(name, entries.iter().map(|x| x.name.as_str())),
                )),
            }
        }
        IntFormat::EnumBits(id) | IntFormat::Flags(id) => {
            let names = bit_names(family, format);
            let one = |item: &Value| -> Result<u64, (String, Vec<String>)> {
                if let Some(v) = item.as_u64() {
                    return Ok(v);
                }
                let Some(name) = item.as_str() else {
                    return Err((expected("a flag name or a number", item), vec![]));
                };
                names
                    .iter()
                    .find(|(n, _)| *n == name)
                    .map(|(_, m)| *m)
                    .ok_or_else(|| {
                        (
                            format!("`{name}` is not a flag of `{}`", family.def(id).name),
                            closest(name, names.iter().map(|(n, _)| *n)),
                        )
                    })
            };
            match json {
                Value::Array(items) => items
                    .iter()
                    .try_fold(0u64, |acc, item| one(item).map(|m| acc | m))
                    .map(i128::from),
                other => one(other).map(i128::from),
            }
        }
        IntFormat::Hex => {
            if let Some(v) = plain(json) {
                return Ok(v);
            }
            json.as_str()
                .and_then(text::parse_hex_int)
                .ok_or_else(|| (expected("an integer or its hex text", json), vec![]))
        }
        IntFormat::Ipv4 => {
            if let Some(v) = plain(json) {
                return Ok(v);
            }
            json.as_str()
                .and_then(|s| s.trim().parse::<Ipv4Addr>().ok())
                .map(|a| i128::from(u32::from(a)))
                .ok_or_else(|| (expected("an IPv4 address or a number", json), vec![]))
        }
    }
}

/// How a byte string shows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum BytesFormat {
    /// Hex without separators.
    Hex,
    /// Hex with a space between bytes (`display-hint: hex`).
    SpacedHex,
    /// `aa:bb:cc:dd:ee:ff`.
    Mac,
    /// An IPv4 or IPv6 address (by length; other lengths hex).
    Ip,
    /// A UUID (16 bytes; other lengths hex).
    Uuid,
}

impl BytesFormat {
    pub fn of(hint: Option<DisplayHint>) -> BytesFormat {
        match hint {
            Some(DisplayHint::Hex) => BytesFormat::SpacedHex,
            Some(DisplayHint::Mac) => BytesFormat::Mac,
            Some(DisplayHint::Ipv4 | DisplayHint::Ipv6 | DisplayHint::Ipv4OrV6) => BytesFormat::Ip,
            Some(DisplayHint::Uuid) => BytesFormat::Uuid,
            Some(DisplayHint::Fddi) | None => BytesFormat::Hex,
        }
    }

    pub fn to_json(self, bytes: &[u8]) -> Value {
        Value::String(match self {
            BytesFormat::Hex => hex(bytes, ""),
            BytesFormat::SpacedHex => hex(bytes, " "),
            BytesFormat::Mac => text::mac(bytes),
            BytesFormat::Ip => text::ip(bytes),
            BytesFormat::Uuid => text::uuid(bytes),
        })
    }

    /// The bytes of a JSON string in this format (or an array of byte values).
    pub fn parse_json(self, json: &Value) -> Result<Vec<u8>, String> {
        if let Value::Array(items) = json {
            return items
                .iter()
                .map(|v| {
                    v.as_u64()
                        .and_then(|b| u8::try_from(b).ok())
                        .ok_or_else(|| expected("a byte value", v))
                })
                .collect();
        }
        let Some(s) = json.as_str() else {
            return Err(expected(self.what(), json));
        };
        let parsed = match self {
            BytesFormat::Hex | BytesFormat::SpacedHex => parse_hex(s),
            BytesFormat::Mac => text::parse_mac(s),
            BytesFormat::Ip => text::parse_ip(s),
            BytesFormat::Uuid => text::parse_uuid(s),
        };
        parsed.ok_or_else(|| format!("{s:?} is not {}", self.what()))
    }

    fn what(self) -> &'static str {
        match self {
            BytesFormat::Hex | BytesFormat::SpacedHex => "hex digits",
            BytesFormat::Mac => "a MAC address",
            BytesFormat::Ip => "an IP address",
            BytesFormat::Uuid => "a UUID",
        }
    }
}

pub(crate) use genl_runtime::wire::text::{hex, parse_hex};

/// "expected X, found Y" for a JSON value.
pub(crate) fn expected(what: &str, found: &Value) -> String {
    let kind = match found {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    };
    format!("expected {what}, found {kind} `{found}`")
}

/// The candidates closest to `name`, best first (at most three).
pub(crate) fn closest<'a>(name: &str, candidates: impl Iterator<Item = &'a str>) -> Vec<String> {
    let mut scored: Vec<(f64, &str)> = candidates
        .map(|c| (strsim::jaro_winkler(name, c), c))
        .filter(|(score, _)| *score > 0.8)
        .collect();
    scored.sort_by(|a, b| b.0.total_cmp(&a.0));
    scored
        .into_iter()
        .take(3)
        .map(|(_, c)| c.to_owned())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn integers_read_and_write_in_either_byte_order() {
        let be = IntWire::fixed(2, false, Some(ByteOrder::BigEndian));
        let mut out = Vec::new();
        be.write(0x1234, &mut out);
        assert_eq!(out, [0x12, 0x34]);
        assert_eq!(be.read(&out), Some(0x1234));
        let host = IntWire::fixed(4, true, None);
        let mut out = Vec::new();
        host.write(-2, &mut out);
        assert_eq!(out, (-2i32).to_ne_bytes());
        assert_eq!(host.read(&out), Some(-2));
        assert_eq!(host.read(&out[..3]), None);
        let uint = IntWire {
            width: 8,
            signed: false,
            big_endian: false,
            variable: true,
        };
        let mut out = Vec::new();
        uint.write(1 << 40, &mut out);
        assert_eq!(out.len(), 8);
        let mut small = Vec::new();
        uint.write(7, &mut small);
        assert_eq!(small, 7u32.to_ne_bytes());
        assert_eq!(uint.read(&small), Some(7));
        assert_eq!(uint.range(), (0, u64::MAX as i128));
    }

    #[test]
    fn byte_strings_by_display_hint() {
        let mac = [0xaa, 0xbb, 0xcc, 0, 1, 2];
        assert_eq!(BytesFormat::Mac.to_json(&mac), "aa:bb:cc:00:01:02");
        assert_eq!(
            BytesFormat::Mac.parse_json(&"aa:bb:cc:00:01:02".into()),
            Ok(mac.to_vec())
        );
        assert_eq!(
            BytesFormat::Mac.parse_json(&"aabbcc000102".into()),
            Ok(mac.to_vec())
        );
        assert_eq!(BytesFormat::Ip.to_json(&[10, 0, 0, 1]), "10.0.0.1");
        let v6 = "2001:db8::1"
            .parse::<std::net::Ipv6Addr>()
            .unwrap()
            .octets();
        assert_eq!(BytesFormat::Ip.to_json(&v6), "2001:db8::1");
        assert_eq!(BytesFormat::Ip.to_json(&[1, 2, 3]), "010203");
        assert_eq!(BytesFormat::SpacedHex.to_json(&[1, 0xab]), "01 ab");
        assert_eq!(
            BytesFormat::Hex.parse_json(&"01 ab".into()),
            Ok(vec![1, 0xab])
        );
        assert!(BytesFormat::Hex.parse_json(&"abc".into()).is_err());
        assert!(BytesFormat::Hex.parse_json(&Value::Bool(true)).is_err());
        let uuid = BytesFormat::Uuid.to_json(&[0x11; 16]);
        assert_eq!(uuid, "11111111-1111-1111-1111-111111111111");
        assert_eq!(BytesFormat::Uuid.parse_json(&uuid), Ok(vec![0x11; 16]));
    }

    #[test]
    fn hex_integers_as_python_writes_them() {
        assert_eq!(text::parse_hex_int("0x1b"), Some(0x1b));
        assert_eq!(text::parse_hex_int("-0x1b"), Some(-0x1b));
        assert_eq!(text::parse_hex_int("ff"), Some(0xff));
        assert_eq!(text::parse_hex_int("0xzz"), None);
    }
}
