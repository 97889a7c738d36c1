//! Lexical helpers shared by the flow and action syntax: splitting at
//! top-level commas, `name(args)` items, numbers, addresses and masks.

use std::net::{Ipv4Addr, Ipv6Addr};

/// Splits `s` at commas that are not inside parentheses.
pub fn split_top(s: &str) -> Result<Vec<&str>, String> {
    let mut out = Vec::new();
    let mut depth = 0usize;
    let mut start = 0;
    for (i, c) in s.char_indices() {
        match c {
            '(' => depth += 1,
            ')' => {
                depth = depth
                    .checked_sub(1)
                    .ok_or_else(|| format!("unbalanced ')' in `{s}`"))?
            }
            ',' if depth == 0 => {
                out.push(s[start..i].trim());
                start = i + 1;
            }
            _ => {}
        }
    }
    if depth != 0 {
        return Err(format!("unbalanced '(' in `{s}`"));
    }
    let last = s[start..].trim();
    if !last.is_empty() || !out.is_empty() {
        out.push(last);
    }
    Ok(out.into_iter().filter(|p| !p.is_empty()).collect())
}

/// `name(args)` → (`name`, `Some(args)`); `name` → (`name`, `None`).
pub fn item(s: &str) -> Result<(&str, Option<&str>), String> {
    match s.find('(') {
        None => Ok((s, None)),
        Some(open) => {
            let inner = s[open + 1..]
                .strip_suffix(')')
                .ok_or_else(|| format!("`{s}`: missing ')'"))?;
            Ok((&s[..open], Some(inner)))
        }
    }
}

/// `key=value` pairs of an argument list.
pub fn pairs(args: &str) -> Result<Vec<(&str, &str)>, String> {
    split_top(args)?
        .into_iter()
        .map(|p| {
            p.split_once('=')
                .ok_or_else(|| format!("`{p}`: expected FIELD=VALUE"))
        })
        .collect()
}

/// A decimal or `0x` hexadecimal unsigned number.
pub fn num(s: &str) -> Result<u64, String> {
    let r = match s.strip_prefix("0x").or_else(|| s.strip_prefix("0X")) {
        Some(hex) => u64::from_str_radix(hex, 16),
        None => s.parse(),
    };
    r.map_err(|_| format!("`{s}` is not a number"))
}

/// A number that fits `max`.
pub fn num_max(s: &str, max: u64) -> Result<u64, String> {
    let v = num(s)?;
    if v > max {
        return Err(format!("`{s}` is out of range (at most {max})"));
    }
    Ok(v)
}

/// `value[/mask]` of a number no larger than `max`; the mask defaults to all ones.
pub fn num_masked(s: &str, max: u64) -> Result<(u64, u64), String> {
    match s.split_once('/') {
        Some((v, m)) => Ok((num_max(v, max)?, num_max(m, max)?)),
        None => Ok((num_max(s, max)?, max)),
    }
}

/// `a.b.c.d[/mask]` where the mask is dotted or a prefix length.
pub fn ipv4_masked(s: &str) -> Result<(u32, u32), String> {
    let ip = |t: &str| {
        t.parse::<Ipv4Addr>()
            .map(u32::from)
            .map_err(|_| format!("`{t}` is not an IPv4 address"))
    };
    match s.split_once('/') {
        None => Ok((ip(s)?, u32::MAX)),
        Some((a, m)) if m.contains('.') => Ok((ip(a)?, ip(m)?)),
        Some((a, m)) => {
            let len = num_max(m, 32)? as u32;
            let mask = if len == 0 { 0 } else { u32::MAX << (32 - len) };
            Ok((ip(a)?, mask))
        }
    }
}

/// `aa:bb:cc:dd:ee:ff[/mask]`.
pub fn mac_masked(s: &str) -> Result<([u8; 6], [u8; 6]), String> {
    let mac = |t: &str| -> Result<[u8; 6], String> {
        let parts: Vec<&str> = t.split(':').collect();
        let mut out = [0u8; 6];
        if parts.len() != 6 {
            return Err(format!("`{t}` is not an Ethernet address"));
        }
        for (o, p) in out.iter_mut().zip(parts) {
            *o = u8::from_str_radix(p, 16)
                .map_err(|_| format!("`{t}` is not an Ethernet address"))?;
        }
        Ok(out)
    };
    match s.split_once('/') {
        None => Ok((mac(s)?, [0xff; 6])),
        Some((a, m)) => Ok((mac(a)?, mac(m)?)),
    }
}

/// An IPv6 address, `[..]` brackets allowed.
pub fn ipv6(t: &str) -> Result<[u8; 16], String> {
    let t = t
        .strip_prefix('[')
        .and_then(|x| x.strip_suffix(']'))
        .unwrap_or(t);
    t.parse::<Ipv6Addr>()
        .map(|a| a.octets())
        .map_err(|_| format!("`{t}` is not an IPv6 address"))
}

/// `addr[/mask]` of IPv6, the mask as an address or a prefix length.
pub fn ipv6_masked(s: &str) -> Result<([u8; 16], [u8; 16]), String> {
    match s.split_once('/') {
        None => Ok((ipv6(s)?, [0xff; 16])),
        Some((a, m)) if m.contains(':') => Ok((ipv6(a)?, ipv6(m)?)),
        Some((a, m)) => {
            let len = num_max(m, 128)? as u32;
            let mask = if len == 0 {
                0
            } else {
                u128::MAX << (128 - len)
            };
            Ok((ipv6(a)?, mask.to_be_bytes()))
        }
    }
}

/// `value[/mask]` of a 128-bit number (hexadecimal with `0x`, or decimal).
pub fn u128_masked(s: &str) -> Result<(u128, u128), String> {
    let one = |t: &str| -> Result<u128, String> {
        let r = match t.strip_prefix("0x").or_else(|| t.strip_prefix("0X")) {
            Some(h) => u128::from_str_radix(h, 16),
            None => t.parse(),
        };
        r.map_err(|_| format!("`{t}` is not a 128-bit number"))
    };
    match s.split_once('/') {
        None => Ok((one(s)?, u128::MAX)),
        Some((v, m)) => Ok((one(v)?, one(m)?)),
    }
}

/// An IPv6 address as `inet_ntop` prints it.
pub fn ip6(a: &[u8; 16]) -> String {
    Ipv6Addr::from(*a).to_string()
}

/// `aa:bb:cc:dd:ee:ff`.
pub fn mac(m: &[u8; 6]) -> String {
    m.iter()
        .map(|b| format!("{b:02x}"))
        .collect::<Vec<_>>()
        .join(":")
}

/// C's `%#x`: `0` for zero, `0x..` otherwise.
pub fn hex(v: u64) -> String {
    if v == 0 {
        "0".to_owned()
    } else {
        format!("{v:#x}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_at_top_level_commas() {
        assert_eq!(
            split_top("a(1,2),b,c(d(3,4))").unwrap(),
            ["a(1,2)", "b", "c(d(3,4))"]
        );
        assert!(split_top("a(1").is_err());
        assert!(split_top("a)").is_err());
    }

    #[test]
    fn numbers_and_masks() {
        assert_eq!(num("0x10").unwrap(), 16);
        assert_eq!(num_masked("5/0xf", 255).unwrap(), (5, 15));
        assert!(num_max("256", 255).is_err());
        assert_eq!(
            ipv4_masked("10.0.0.0/8").unwrap(),
            (0x0a00_0000, 0xff00_0000)
        );
        assert_eq!(hex(0), "0");
        assert_eq!(hex(255), "0xff");
    }
}
