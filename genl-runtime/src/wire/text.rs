//! The text forms of attribute values that the kernel's YNL CLI prints and
//! reads: hex, MAC addresses, IP addresses, UUIDs and hex integers. The
//! serde support and the `genl` command's dynamic codec both write and read
//! values through these functions, so the two agree to the byte.
//!
//! Parsers return `None` when the text is not of their form; callers say
//! which form they expected.

use std::fmt::Write;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

/// Lowercase hex, `sep` between bytes (`hex(&[1, 0xab], " ") == "01 ab"`).
pub fn hex(bytes: &[u8], sep: &str) -> String {
    let mut out = String::with_capacity(bytes.len() * (2 + sep.len()));
    for (i, b) in bytes.iter().enumerate() {
        if i > 0 {
            out.push_str(sep);
        }
        let _ = write!(out, "{b:02x}");
    }
    out
}

/// Bytes from hex digits, with any whitespace between them (as Python's
/// `bytes.fromhex` reads them).
pub fn parse_hex(s: &str) -> Option<Vec<u8>> {
    let digits: Vec<u8> = s.bytes().filter(|b| !b.is_ascii_whitespace()).collect();
    if !digits.len().is_multiple_of(2) {
        return None;
    }
    digits
        .chunks(2)
        .map(|pair| {
            std::str::from_utf8(pair)
                .ok()
                .and_then(|p| u8::from_str_radix(p, 16).ok())
        })
        .collect()
}

/// An integer in hex text, as Python's `int(s, 16)` takes it: an optional
/// sign, an optional `0x`.
pub fn parse_hex_int(s: &str) -> Option<i128> {
    let t = s.trim();
    let (neg, t) = match t.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, t.strip_prefix('+').unwrap_or(t)),
    };
    let t = t
        .strip_prefix("0x")
        .or_else(|| t.strip_prefix("0X"))
        .unwrap_or(t);
    let v = i128::from_str_radix(t, 16).ok()?;
    Some(if neg { -v } else { v })
}

/// A MAC address (any number of bytes) as `aa:bb:cc:00:01:02`.
pub fn mac(bytes: &[u8]) -> String {
    hex(bytes, ":")
}

/// A MAC address from `aa:bb:...`, or from hex without colons.
pub fn parse_mac(s: &str) -> Option<Vec<u8>> {
    if !s.contains(':') {
        return parse_hex(s);
    }
    s.split(':')
        .map(|part| u8::from_str_radix(part.trim(), 16).ok())
        .collect()
}

/// An address as Python's `ipaddress.ip_address` prints it: 4 bytes as
/// IPv4, 16 as IPv6 (RFC 5952), any other length as hex.
pub fn ip(bytes: &[u8]) -> String {
    if let Ok(b) = <[u8; 4]>::try_from(bytes) {
        Ipv4Addr::from(b).to_string()
    } else if let Ok(b) = <[u8; 16]>::try_from(bytes) {
        Ipv6Addr::from(b).to_string()
    } else {
        hex(bytes, "")
    }
}

/// The bytes of an IPv4 or IPv6 address, or of hex digits.
pub fn parse_ip(s: &str) -> Option<Vec<u8>> {
    match s.trim().parse::<IpAddr>() {
        Ok(IpAddr::V4(a)) => Some(a.octets().to_vec()),
        Ok(IpAddr::V6(a)) => Some(a.octets().to_vec()),
        Err(_) => parse_hex(s),
    }
}

/// 16 bytes as `00112233-4455-6677-8899-aabbccddeeff` (Python's
/// `str(uuid.UUID(bytes=...))`); any other length as hex.
pub fn uuid(bytes: &[u8]) -> String {
    if bytes.len() != 16 {
        return hex(bytes, "");
    }
    format!(
        "{}-{}-{}-{}-{}",
        hex(&bytes[..4], ""),
        hex(&bytes[4..6], ""),
        hex(&bytes[6..8], ""),
        hex(&bytes[8..10], ""),
        hex(&bytes[10..], "")
    )
}

/// A UUID with its dashes, or plain hex digits.
pub fn parse_uuid(s: &str) -> Option<Vec<u8>> {
    let t = s.trim();
    let dashed = t.len() == 36 && [8, 13, 18, 23].iter().all(|&i| t.as_bytes()[i] == b'-');
    if dashed {
        let digits: String = t.chars().filter(|&c| c != '-').collect();
        return parse_hex(&digits);
    }
    parse_hex(t)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn forms_round_trip() {
        assert_eq!(hex(&[1, 0xab, 0], " "), "01 ab 00");
        assert_eq!(parse_hex("01 ab00"), Some(vec![1, 0xab, 0]));
        assert_eq!(parse_hex("abc"), None);
        assert_eq!(parse_hex("zz"), None);
        assert_eq!(parse_hex_int("-0x1b"), Some(-27));
        assert_eq!(parse_hex_int("ff"), Some(255));
        assert_eq!(mac(&[0xaa, 0, 1]), "aa:00:01");
        assert_eq!(parse_mac("aa:00:01"), Some(vec![0xaa, 0, 1]));
        assert_eq!(parse_mac("aa:zz"), None);
        assert_eq!(ip(&[192, 0, 2, 1]), "192.0.2.1");
        assert_eq!(parse_ip("2001:db8::1").map(|b| b.len()), Some(16));
        assert_eq!(ip(&[1, 2]), "0102");
        let id: Vec<u8> = (0u8..16).collect();
        assert_eq!(uuid(&id), "00010203-0405-0607-0809-0a0b0c0d0e0f");
        assert_eq!(parse_uuid(&uuid(&id)), Some(id));
    }
}
