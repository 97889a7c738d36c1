//! Flow keys in ovs-dpctl's text form (`in_port(1),eth_type(0x0800),
//! ipv4(src=10.0.0.1,proto=6,frag=no)`) to and from a key and its mask as
//! [`KeyAttrs`].
//!
//! Parsing follows ovs-dpctl: a field that is absent from an attribute is
//! wildcarded (mask 0), a field without `/mask` is matched exactly.
//! Printing follows it too: attributes are printed in the order the kernel
//! dumps them; without `-m` an attribute whose mask is all zero is left
//! out, and inside an attribute so is a field whose mask is zero.

use genl_ovs::flow::{
    CtStateFlags, KeyAttrs, OvsKeyArp, OvsKeyCtTupleIpv4, OvsKeyCtTupleIpv6, OvsKeyEthernet,
    OvsKeyIcmp, OvsKeyIcmpv6, OvsKeyIpv4, OvsKeyIpv6, OvsKeyNd, OvsKeySctp, OvsKeyTcp, OvsKeyUdp,
    TunnelKeyAttrs,
};
use genl_runtime::wire::Be;
use std::net::Ipv4Addr;

use crate::text::{self, hex};

/// A flow match: the key and its mask.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Match {
    /// Values.
    pub key: KeyAttrs,
    /// Which bits of the values matter.
    pub mask: KeyAttrs,
}

fn frag_name(v: u8) -> &'static str {
    match v {
        0 => "no",
        1 => "first",
        2 => "later",
        _ => "<error>",
    }
}

fn frag_value(s: &str) -> Result<u8, String> {
    match s.to_ascii_lowercase().as_str() {
        "no" => Ok(0),
        "first" => Ok(1),
        "later" => Ok(2),
        _ => Err(format!("`{s}`: frag is no, first or later")),
    }
}

/// The names of connection-tracking state bits.
pub fn ct_state_name(bit: u32) -> Option<&'static str> {
    Some(match bit {
        0x01 => "new",
        0x02 => "est",
        0x04 => "rel",
        0x08 => "rpl",
        0x10 => "inv",
        0x20 => "trk",
        0x40 => "snat",
        0x80 => "dnat",
        _ => return None,
    })
}

/// The names of TCP flag bits.
pub fn tcp_flag_name(bit: u32) -> Option<&'static str> {
    Some(match bit {
        0x001 => "fin",
        0x002 => "syn",
        0x004 => "rst",
        0x008 => "psh",
        0x010 => "ack",
        0x020 => "urg",
        0x040 => "ece",
        0x080 => "cwr",
        0x100 => "ns",
        0x200 => "[200]",
        0x400 => "[400]",
        0x800 => "[800]",
        _ => return None,
    })
}

const TUN_OAM: u32 = 1;
const TUN_DF: u32 = 2;
const TUN_CSUM: u32 = 4;
const TUN_KEY: u32 = 8;

fn tun_flag_name(bit: u32) -> Option<&'static str> {
    Some(match bit {
        TUN_DF => "df",
        TUN_CSUM => "csum",
        TUN_KEY => "key",
        TUN_OAM => "oam",
        _ => return None,
    })
}

/// Flags as `a|b|c` (`0` when none), unknown bits as one hex number.
pub fn flags(v: u32, name: fn(u32) -> Option<&'static str>, del: char) -> String {
    if v == 0 {
        return "0".into();
    }
    let mut parts = Vec::new();
    let mut bad = 0;
    for i in 0..32 {
        let bit = 1u32 << i;
        if v & bit != 0 {
            match name(bit) {
                Some(n) => parts.push(n.to_owned()),
                None => bad |= bit,
            }
        }
    }
    if bad != 0 {
        parts.push(format!("0x{bad:x}"));
    }
    parts.join(&del.to_string())
}

/// Masked flags as `+a-b` (all bits of `max` set: as [`flags`]).
fn flags_masked(v: u32, m: u32, max: u32, name: fn(u32) -> Option<&'static str>) -> String {
    if m == max {
        return flags(v, name, '|');
    }
    if m == 0 {
        return "0/0".into();
    }
    let mut s = String::new();
    for i in 0..32 {
        let bit = 1u32 << i;
        if m & bit != 0 {
            s.push(if v & bit != 0 { '+' } else { '-' });
            s.push_str(name(bit).unwrap_or("[Unknown]"));
        }
    }
    s
}

/// Parses flags as `a|b`, `+a-b` or `VALUE/MASK` (`allowed` bits only);
/// unmasked flags have an all-ones mask.
pub fn parse_flags(
    s: &str,
    name: fn(u32) -> Option<&'static str>,
    allowed: u32,
) -> Result<(u32, u32), String> {
    let unknown = || format!("`{s}`: unknown flag(s)");
    if let Some((v, m)) = s.split_once('/')
        && let (Ok(v), Ok(m)) = (text::num(v), text::num(m))
    {
        let (v, m) = (v as u32, m as u32);
        if (v | m) & !allowed != 0 {
            return Err(unknown());
        }
        return Ok((v, m));
    }
    let lookup = |n: &str| (0..32).map(|i| 1u32 << i).find(|b| name(*b) == Some(n));
    if s.starts_with('+') || s.starts_with('-') {
        let (mut v, mut m) = (0u32, 0u32);
        let mut rest = s;
        while let Some(c) = rest.chars().next() {
            let set = c == '+';
            rest = &rest[1..];
            let end = rest.find(['+', '-']).unwrap_or(rest.len());
            let bit = lookup(&rest[..end]).ok_or_else(unknown)?;
            if m & bit != 0 {
                return Err(format!("`{s}`: each flag can be given only once"));
            }
            if bit & allowed == 0 {
                return Err(unknown());
            }
            m |= bit;
            if set {
                v |= bit;
            }
            rest = &rest[end..];
        }
        return Ok((v, m));
    }
    let mut v = 0u32;
    for part in s.split('|').filter(|p| !p.is_empty()) {
        let bit = match text::num(part) {
            Ok(n) => n as u32,
            Err(_) => lookup(part).ok_or_else(unknown)?,
        };
        if bit & !allowed != 0 {
            return Err(unknown());
        }
        v |= bit;
    }
    Ok((v, u32::MAX))
}

// ---------------------------------------------------------------- parsing

/// Parses a flow in ovs-dpctl's syntax.
pub fn parse(s: &str) -> Result<Match, String> {
    let mut m = parse_attrs(s)?;
    // The kernel expects tcp_flags with a TCP key; absent, it is wildcarded.
    if m.key.tcp.is_some() && m.key.tcp_flags.is_none() {
        m.key.tcp_flags = Some(Be(0));
        m.mask.tcp_flags = Some(Be(0));
    }
    Ok(m)
}

/// Parses key attributes as they are written, adding nothing.
pub fn parse_attrs(s: &str) -> Result<Match, String> {
    let mut m = Match::default();
    for part in text::split_top(s)? {
        parse_attr(part, &mut m.key, &mut m.mask)?;
    }
    Ok(m)
}

fn u32_masked(a: &str) -> Result<(u32, u32), String> {
    let (v, m) = text::num_masked(a, u32::MAX.into())?;
    Ok((v as u32, m as u32))
}

fn u8m(a: &str) -> Result<(u8, u8), String> {
    let (v, m) = text::num_masked(a, 255)?;
    Ok((v as u8, m as u8))
}

fn u16m(a: &str) -> Result<(u16, u16), String> {
    let (v, m) = text::num_masked(a, 0xffff)?;
    Ok((v as u16, m as u16))
}

fn be16m(a: &str) -> Result<(Be<u16>, Be<u16>), String> {
    let (v, m) = u16m(a)?;
    Ok((Be(v), Be(m)))
}

fn ip4m(a: &str) -> Result<(Be<u32>, Be<u32>), String> {
    let (v, m) = text::ipv4_masked(a)?;
    Ok((Be(v), Be(m)))
}

fn no_field(attr: &str, f: &str) -> String {
    format!("{attr} has no field `{f}`")
}

/// Sets bits `bits` at `shift` of `(key, mask)` from `v[/m]`.
fn bitfield(a: &str, bits: u32, shift: u32, k: &mut u32, mk: &mut u32) -> Result<(), String> {
    let max = (1u64 << bits) - 1;
    let field = (max as u32) << shift;
    match a.split_once('/') {
        Some((v, m)) => {
            let (v, m) = (text::num_max(v, max)? as u32, text::num_max(m, max)? as u32);
            *k = (*k & !field) | v << shift;
            *mk = (*mk & !field) | m << shift;
        }
        None => {
            let v = text::num_max(a, max)? as u32;
            *k = (*k & !field) | v << shift;
            *mk |= field;
        }
    }
    Ok(())
}

fn parse_attr(part: &str, k: &mut KeyAttrs, mk: &mut KeyAttrs) -> Result<(), String> {
    let (name, args) = text::item(part)?;
    let a = args.ok_or_else(|| format!("`{part}`: expected {name}(...)"))?;
    match name {
        "recirc_id" => {
            k.recirc_id = Some(text::num_max(a, u32::MAX.into())? as u32);
            mk.recirc_id = Some(u32::MAX);
        }
        "dp_hash" => (k.dp_hash, mk.dp_hash) = some2(u32_masked(a)?),
        "skb_priority" => (k.priority, mk.priority) = some2(u32_masked(a)?),
        "skb_mark" => (k.skb_mark, mk.skb_mark) = some2(u32_masked(a)?),
        "ct_mark" => (k.ct_mark, mk.ct_mark) = some2(u32_masked(a)?),
        "ct_zone" => (k.ct_zone, mk.ct_zone) = some2(u16m(a)?),
        "ct_state" => {
            let (v, m) = parse_flags(a, ct_state_name, 0xff)?;
            k.ct_state = Some(CtStateFlags::from_bits_retain(v));
            mk.ct_state = Some(CtStateFlags::from_bits_retain(m));
        }
        "ct_label" => {
            let (v, m) = text::u128_masked(a)?;
            k.ct_labels = Some(v.to_le_bytes().to_vec());
            mk.ct_labels = Some(m.to_le_bytes().to_vec());
        }
        "ct_tuple4" => {
            let (mut v, mut m) = (OvsKeyCtTupleIpv4::default(), OvsKeyCtTupleIpv4::default());
            for (f, x) in text::pairs(a)? {
                match f {
                    "src" => (v.ipv4_src, m.ipv4_src) = ip4m(x)?,
                    "dst" => (v.ipv4_dst, m.ipv4_dst) = ip4m(x)?,
                    "proto" => (v.ipv4_proto, m.ipv4_proto) = u8m(x)?,
                    "tp_src" => (v.src_port, m.src_port) = be16m(x)?,
                    "tp_dst" => (v.dst_port, m.dst_port) = be16m(x)?,
                    _ => return Err(no_field(name, f)),
                }
            }
            (k.ct_orig_tuple_ipv4, mk.ct_orig_tuple_ipv4) = (Some(v), Some(m));
        }
        "ct_tuple6" => {
            let (mut v, mut m) = (OvsKeyCtTupleIpv6::default(), OvsKeyCtTupleIpv6::default());
            for (f, x) in text::pairs(a)? {
                match f {
                    "src" => (v.ipv6_src, m.ipv6_src) = text::ipv6_masked(x)?,
                    "dst" => (v.ipv6_dst, m.ipv6_dst) = text::ipv6_masked(x)?,
                    "proto" => (v.ipv6_proto, m.ipv6_proto) = u8m(x)?,
                    // ovs-dpctl reads tp_src/tp_dst and prints src_port/dst_port.
                    "tp_src" | "src_port" => (v.src_port, m.src_port) = be16m(x)?,
                    "tp_dst" | "dst_port" => (v.dst_port, m.dst_port) = be16m(x)?,
                    _ => return Err(no_field(name, f)),
                }
            }
            (k.ct_orig_tuple_ipv6, mk.ct_orig_tuple_ipv6) = (Some(v), Some(m));
        }
        "tunnel" => {
            let (v, m) = parse_tunnel(a)?;
            (k.tunnel, mk.tunnel) = (Some(v), Some(m));
        }
        "in_port" => (k.in_port, mk.in_port) = some2(u32_masked(a)?),
        "eth" => {
            let (mut v, mut m) = (OvsKeyEthernet::default(), OvsKeyEthernet::default());
            for (f, x) in text::pairs(a)? {
                match f {
                    "src" => (v.eth_src, m.eth_src) = text::mac_masked(x)?,
                    "dst" => (v.eth_dst, m.eth_dst) = text::mac_masked(x)?,
                    _ => return Err(no_field(name, f)),
                }
            }
            (k.ethernet, mk.ethernet) = (Some(v), Some(m));
        }
        "vlan" => {
            let (mut v, mut m) = (0x1000u32, 0x1000u32);
            for (f, x) in text::pairs(a)? {
                match f {
                    "vid" => bitfield(x, 12, 0, &mut v, &mut m)?,
                    "pcp" => bitfield(x, 3, 13, &mut v, &mut m)?,
                    "cfi" => bitfield(x, 1, 12, &mut v, &mut m)?,
                    _ => return Err(no_field(name, f)),
                }
            }
            (k.vlan, mk.vlan) = (Some(Be(v as u16)), Some(Be(m as u16)));
        }
        "eth_type" => (k.ethertype, mk.ethertype) = some2(be16m(a)?),
        "mpls" => {
            let (mut v, mut m) = (0u32, 0u32);
            for (f, x) in text::pairs(a)? {
                match f {
                    "label" => bitfield(x, 20, 12, &mut v, &mut m)?,
                    "tc" => bitfield(x, 3, 9, &mut v, &mut m)?,
                    "ttl" => bitfield(x, 8, 0, &mut v, &mut m)?,
                    "bos" => bitfield(x, 1, 8, &mut v, &mut m)?,
                    _ => return Err(no_field(name, f)),
                }
            }
            k.mpls.get_or_insert_default().push(Be(v));
            mk.mpls.get_or_insert_default().push(Be(m));
        }
        "ipv4" => {
            let (mut v, mut m) = (OvsKeyIpv4::default(), OvsKeyIpv4::default());
            for (f, x) in text::pairs(a)? {
                match f {
                    "src" => (v.ipv4_src, m.ipv4_src) = ip4m(x)?,
                    "dst" => (v.ipv4_dst, m.ipv4_dst) = ip4m(x)?,
                    "proto" => (v.ipv4_proto, m.ipv4_proto) = u8m(x)?,
                    "tos" => (v.ipv4_tos, m.ipv4_tos) = u8m(x)?,
                    "ttl" => (v.ipv4_ttl, m.ipv4_ttl) = u8m(x)?,
                    "frag" => (v.ipv4_frag, m.ipv4_frag) = (frag_value(x)?, 0xff),
                    _ => return Err(no_field(name, f)),
                }
            }
            (k.ipv4, mk.ipv4) = (Some(v), Some(m));
        }
        "ipv6" => {
            let (mut v, mut m) = (OvsKeyIpv6::default(), OvsKeyIpv6::default());
            for (f, x) in text::pairs(a)? {
                match f {
                    "src" => (v.ipv6_src, m.ipv6_src) = text::ipv6_masked(x)?,
                    "dst" => (v.ipv6_dst, m.ipv6_dst) = text::ipv6_masked(x)?,
                    "label" => {
                        let (a, b) = match x.split_once('/') {
                            Some((a, b)) => {
                                (text::num_max(a, 0xfffff)?, text::num_max(b, 0xfffff)?)
                            }
                            None => (text::num_max(x, 0xfffff)?, 0xfffff),
                        };
                        (v.ipv6_label, m.ipv6_label) = (Be(a as u32), Be(b as u32));
                    }
                    "proto" => (v.ipv6_proto, m.ipv6_proto) = u8m(x)?,
                    "tclass" => (v.ipv6_tclass, m.ipv6_tclass) = u8m(x)?,
                    "hlimit" => (v.ipv6_hlimit, m.ipv6_hlimit) = u8m(x)?,
                    "frag" => (v.ipv6_frag, m.ipv6_frag) = (frag_value(x)?, 0xff),
                    _ => return Err(no_field(name, f)),
                }
            }
            (k.ipv6, mk.ipv6) = (Some(v), Some(m));
        }
        "tcp" | "udp" | "sctp" => {
            let (mut sv, mut sm, mut dv, mut dm) = (Be(0), Be(0), Be(0), Be(0));
            for (f, x) in text::pairs(a)? {
                match f {
                    "src" => (sv, sm) = be16m(x)?,
                    "dst" => (dv, dm) = be16m(x)?,
                    _ => return Err(no_field(name, f)),
                }
            }
            match name {
                "tcp" => {
                    k.tcp = Some(OvsKeyTcp {
                        tcp_src: sv,
                        tcp_dst: dv,
                    });
                    mk.tcp = Some(OvsKeyTcp {
                        tcp_src: sm,
                        tcp_dst: dm,
                    });
                }
                "udp" => {
                    k.udp = Some(OvsKeyUdp {
                        udp_src: sv,
                        udp_dst: dv,
                    });
                    mk.udp = Some(OvsKeyUdp {
                        udp_src: sm,
                        udp_dst: dm,
                    });
                }
                _ => {
                    k.sctp = Some(OvsKeySctp {
                        sctp_src: sv,
                        sctp_dst: dv,
                    });
                    mk.sctp = Some(OvsKeySctp {
                        sctp_src: sm,
                        sctp_dst: dm,
                    });
                }
            }
        }
        "tcp_flags" => {
            let (v, m) = parse_flags(a, tcp_flag_name, 0x0fff)?;
            k.tcp_flags = Some(Be(v as u16));
            mk.tcp_flags = Some(Be(m as u16));
        }
        "icmp" | "icmpv6" => {
            let (mut tv, mut tm, mut cv, mut cm) = (0, 0, 0, 0);
            for (f, x) in text::pairs(a)? {
                match f {
                    "type" => (tv, tm) = u8m(x)?,
                    "code" => (cv, cm) = u8m(x)?,
                    _ => return Err(no_field(name, f)),
                }
            }
            if name == "icmp" {
                k.icmp = Some(OvsKeyIcmp {
                    icmp_type: tv,
                    icmp_code: cv,
                });
                mk.icmp = Some(OvsKeyIcmp {
                    icmp_type: tm,
                    icmp_code: cm,
                });
            } else {
                k.icmpv6 = Some(OvsKeyIcmpv6 {
                    icmpv6_type: tv,
                    icmpv6_code: cv,
                });
                mk.icmpv6 = Some(OvsKeyIcmpv6 {
                    icmpv6_type: tm,
                    icmpv6_code: cm,
                });
            }
        }
        "arp" => {
            let (mut v, mut m) = (OvsKeyArp::default(), OvsKeyArp::default());
            for (f, x) in text::pairs(a)? {
                match f {
                    "sip" => (v.arp_sip, m.arp_sip) = ip4m(x)?,
                    "tip" => (v.arp_tip, m.arp_tip) = ip4m(x)?,
                    "op" => (v.arp_op, m.arp_op) = be16m(x)?,
                    "sha" => (v.arp_sha, m.arp_sha) = text::mac_masked(x)?,
                    "tha" => (v.arp_tha, m.arp_tha) = text::mac_masked(x)?,
                    _ => return Err(no_field(name, f)),
                }
            }
            (k.arp, mk.arp) = (Some(v), Some(m));
        }
        "nd" => {
            let (mut v, mut m) = (OvsKeyNd::default(), OvsKeyNd::default());
            for (f, x) in text::pairs(a)? {
                match f {
                    "target" => (v.nd_target, m.nd_target) = text::ipv6_masked(x)?,
                    "sll" => (v.nd_sll, m.nd_sll) = text::mac_masked(x)?,
                    "tll" => (v.nd_tll, m.nd_tll) = text::mac_masked(x)?,
                    _ => return Err(no_field(name, f)),
                }
            }
            (k.nd, mk.nd) = (Some(v), Some(m));
        }
        "encap" => {
            let (mut ik, mut im) = (KeyAttrs::default(), KeyAttrs::default());
            for p in text::split_top(a)? {
                parse_attr(p, &mut ik, &mut im)?;
            }
            k.encap = Some(Box::new(ik));
            mk.encap = Some(Box::new(im));
        }
        _ => return Err(format!("unknown flow key `{name}`")),
    }
    Ok(())
}

fn some2<A, B>((a, b): (A, B)) -> (Option<A>, Option<B>) {
    (Some(a), Some(b))
}

fn parse_tunnel(a: &str) -> Result<(TunnelKeyAttrs, TunnelKeyAttrs), String> {
    let (mut v, mut m) = (TunnelKeyAttrs::default(), TunnelKeyAttrs::default());
    for p in text::split_top(a)? {
        if let Some(x) = p.strip_prefix("geneve(").and_then(|x| x.strip_suffix(')')) {
            let (gk, gm) = geneve_parse(x)?;
            (v.geneve_opts, m.geneve_opts) = (Some(gk), Some(gm));
            continue;
        }
        if let ("vxlan", Some(x)) = text::item(p)? {
            let Some(g) = x.strip_prefix("gbp(").and_then(|g| g.strip_suffix(')')) else {
                return Err(format!("`{p}`: expected vxlan(gbp(id=..,flags=..))"));
            };
            let (mut kv, mut mv) = (0u32, 0u32);
            for (f, y) in text::pairs(g)? {
                match f {
                    "id" => {
                        let (a, b) = u16m(y)?;
                        kv |= u32::from(a);
                        mv |= u32::from(b);
                    }
                    "flags" => {
                        let (a, b) = u8m(y)?;
                        kv |= u32::from(a) << 16;
                        mv |= u32::from(b) << 16;
                    }
                    _ => return Err(no_field("gbp", f)),
                }
            }
            // As ovs-dpctl: a zero value (or mask) is left out.
            let ext = |x: u32| {
                (x != 0).then(|| genl_ovs::flow::VxlanExtAttrs {
                    gbp: Some(x),
                    ..Default::default()
                })
            };
            (v.vxlan_opts, m.vxlan_opts) = (ext(kv), ext(mv));
            continue;
        }
        if let (name @ "flags", Some(x)) = text::item(p)? {
            let (fv, fm) = parse_flags(x, tun_flag_name, TUN_OAM | TUN_DF | TUN_CSUM | TUN_KEY)
                .map_err(|e| format!("tunnel {name}: {e}"))?;
            v.dont_fragment = fv & TUN_DF != 0;
            v.csum = fv & TUN_CSUM != 0;
            v.oam = fv & TUN_OAM != 0;
            m.dont_fragment = fm & TUN_DF != 0;
            m.csum = fm & TUN_CSUM != 0;
            m.oam = fm & TUN_OAM != 0;
            continue;
        }
        let (f, x) = p
            .split_once('=')
            .ok_or_else(|| format!("`{p}`: expected FIELD=VALUE"))?;
        match f {
            "tun_id" => {
                let (a, b) = match x.split_once('/') {
                    Some((a, b)) => (text::num(a)?, text::num(b)?),
                    None => (text::num(x)?, u64::MAX),
                };
                (v.id, m.id) = (Some(Be(a)), Some(Be(b)));
            }
            "src" => (v.ipv4_src, m.ipv4_src) = some2(ip4m(x)?),
            "dst" => (v.ipv4_dst, m.ipv4_dst) = some2(ip4m(x)?),
            "ipv6_src" => {
                let (a, b) = text::ipv6_masked(x)?;
                (v.ipv6_src, m.ipv6_src) = (Some(a.to_vec()), Some(b.to_vec()));
            }
            "ipv6_dst" => {
                let (a, b) = text::ipv6_masked(x)?;
                (v.ipv6_dst, m.ipv6_dst) = (Some(a.to_vec()), Some(b.to_vec()));
            }
            "tos" => (v.tos, m.tos) = some2(u8m(x)?),
            "ttl" => (v.ttl, m.ttl) = some2(u8m(x)?),
            "tp_src" => (v.tp_src, m.tp_src) = some2(be16m(x)?),
            "tp_dst" => (v.tp_dst, m.tp_dst) = some2(be16m(x)?),
            _ => return Err(no_field("tunnel", f)),
        }
    }
    Ok((v, m))
}

// --------------------------------------------------------------- printing

/// Appends `name=value[/mask]`: left out when the mask is zero (unless
/// verbose), the mask printed when it is partial. `m` is (zero, full, text).
fn put(o: &mut Vec<String>, verbose: bool, name: &str, v: String, m: Option<(bool, bool, String)>) {
    let empty = m.as_ref().is_some_and(|m| m.0);
    if verbose || !empty {
        match m {
            Some((_, false, ms)) => o.push(format!("{name}={v}/{ms}")),
            _ => o.push(format!("{name}={v}")),
        }
    }
}

fn ip4(v: u32) -> String {
    Ipv4Addr::from(v).to_string()
}

fn f_ipv4(o: &mut Vec<String>, vb: bool, n: &str, k: Be<u32>, m: Option<Be<u32>>) {
    let m = m.map(|m| (m.0 == 0, m.0 == u32::MAX, ip4(m.0)));
    put(o, vb, n, ip4(k.0), m);
}

fn f_in6(o: &mut Vec<String>, vb: bool, n: &str, k: &[u8; 16], m: Option<&[u8; 16]>) {
    let m = m.map(|m| {
        (
            m.iter().all(|b| *b == 0),
            m.iter().all(|b| *b == 0xff),
            text::ip6(m),
        )
    });
    put(o, vb, n, text::ip6(k), m);
}

fn f_eth(o: &mut Vec<String>, vb: bool, n: &str, k: &[u8; 6], m: Option<&[u8; 6]>) {
    let m = m.map(|m| {
        (
            m.iter().all(|b| *b == 0),
            m.iter().all(|b| *b == 0xff),
            text::mac(m),
        )
    });
    put(o, vb, n, text::mac(k), m);
}

fn f_u8x(o: &mut Vec<String>, vb: bool, n: &str, k: u8, m: Option<u8>) {
    let m = m.map(|m| (m == 0, m == 0xff, hex(m.into())));
    put(o, vb, n, hex(k.into()), m);
}

fn f_u8u(o: &mut Vec<String>, vb: bool, n: &str, k: u8, m: Option<u8>) {
    let m = m.map(|m| (m == 0, m == 0xff, hex(m.into())));
    put(o, vb, n, k.to_string(), m);
}

fn f_be16(o: &mut Vec<String>, vb: bool, n: &str, k: Be<u16>, m: Option<Be<u16>>) {
    let m = m.map(|m| (m.0 == 0, m.0 == 0xffff, hex(m.0.into())));
    put(o, vb, n, k.0.to_string(), m);
}

fn f_frag(o: &mut Vec<String>, n: &str, k: u8, m: Option<u8>) {
    match m {
        Some(0) => {}
        None | Some(0xff) => o.push(format!("{n}={}", frag_name(k))),
        Some(m) => o.push(format!(
            "error: partial mask not supported for frag ({})",
            hex(m.into())
        )),
    }
}

/// C's `%#x` of a 128-bit number as OVS prints labels (`0` for zero).
fn hex128(v: u128) -> String {
    if v == 0 {
        "0".into()
    } else {
        format!("{v:#x}")
    }
}

fn u128_of(b: &[u8]) -> u128 {
    let mut a = [0u8; 16];
    let n = b.len().min(16);
    a[..n].copy_from_slice(&b[..n]);
    u128::from_le_bytes(a)
}

/// `vid=..,pcp=..[,cfi=0]` of a TCI and its mask.
pub fn vlan_tci(tci: u16, mask: u16, verbose: bool) -> String {
    let mut o = Vec::new();
    let (vid, mvid) = (tci & 0xfff, mask & 0xfff);
    let (pcp, mpcp) = (tci >> 13, mask >> 13);
    if verbose || vid != 0 || mvid != 0 {
        if mvid == 0xfff {
            o.push(format!("vid={vid}"));
        } else {
            o.push(format!("vid={vid}/0x{mvid:x}"));
        }
    }
    if verbose || pcp != 0 || mpcp != 0 {
        if mpcp == 7 {
            o.push(format!("pcp={pcp}"));
        } else {
            o.push(format!("pcp={pcp}/0x{mpcp:x}"));
        }
    }
    if tci & 0x1000 == 0 {
        o.push("cfi=0".into());
    }
    o.join(",")
}

/// `label=..,tc=..,ttl=..,bos=..` of an MPLS label stack entry.
pub fn mpls_lse(l: u32) -> String {
    format!(
        "label={},tc={},ttl={},bos={}",
        l >> 12,
        (l >> 9) & 7,
        l & 0xff,
        (l >> 8) & 1
    )
}

fn mpls_masked(l: u32, m: u32) -> String {
    format!(
        "label={}/0x{:x},tc={}/{:x},ttl={}/0x{:x},bos={}/{:x}",
        l >> 12,
        m >> 12,
        (l >> 9) & 7,
        (m >> 9) & 7,
        l & 0xff,
        m & 0xff,
        (l >> 8) & 1,
        (m >> 8) & 1
    )
}

/// One key attribute: its name and what it holds, and whether its mask
/// is all zero (a wildcard).
struct Attr {
    text: String,
    wildcard: bool,
    nested: bool,
}

fn zero<T: Default + PartialEq>(m: &T) -> bool {
    *m == T::default()
}

/// Prints a flow as ovs-dpctl does; a missing mask means an exact match.
/// `verbose` (`-m`) prints wildcarded attributes and fields too.
pub fn format(key: &KeyAttrs, mask: Option<&KeyAttrs>, verbose: bool) -> String {
    let mut out = Vec::new();
    for a in attrs(key, mask, verbose) {
        if verbose || !a.wildcard || a.nested {
            out.push(a.text);
        } else if a.text.starts_with("eth(") {
            out.push("eth()".into());
        }
    }
    if key.ethertype.is_none()
        && let Some(m) = mask.and_then(|m| m.ethertype)
    {
        out.push(format!("eth_type(0/0x{:04x})", m.0));
    }
    out.join(",")
}

/// Every attribute of a key with its mask, wildcards included, without
/// `-m`'s extra fields: the inside of a masked `set(...)`.
pub fn format_attrs_masked(key: &KeyAttrs, mask: &KeyAttrs) -> String {
    attrs(key, Some(mask), false)
        .into_iter()
        .map(|a| a.text)
        .collect::<Vec<_>>()
        .join(",")
}

/// The attributes of a key, in the kernel's order, each printed with its
/// mask (`None`: exact).
fn attrs(k: &KeyAttrs, mask: Option<&KeyAttrs>, vb: bool) -> Vec<Attr> {
    let mut out = Vec::new();
    let dflt = KeyAttrs::default();
    let mk = mask.unwrap_or(&dflt);
    let has_mask = mask.is_some();
    // The mask of an attribute: absent from the mask set, it is all zero.
    macro_rules! ma {
        ($f:ident) => {
            if has_mask {
                Some(mk.$f.clone().unwrap_or_default())
            } else {
                None
            }
        };
    }
    let mut push = |name: &str, body: String, wildcard: bool, nested: bool| {
        out.push(Attr {
            text: format!("{name}({body})"),
            wildcard,
            nested,
        })
    };
    let u32attr = |v: u32, m: Option<u32>| match m {
        Some(m) if m != u32::MAX => format!("{}/{}", hex(v.into()), hex(m.into())),
        _ => hex(v.into()),
    };
    for (name, v, m) in [
        ("recirc_id", k.recirc_id, ma!(recirc_id)),
        ("dp_hash", k.dp_hash, ma!(dp_hash)),
        ("skb_priority", k.priority, ma!(priority)),
    ] {
        if let Some(v) = v {
            push(name, u32attr(v, m), m == Some(0), false);
        }
    }
    if let Some(t) = &k.tunnel {
        let m = if has_mask {
            Some(mk.tunnel.clone().unwrap_or_default())
        } else {
            None
        };
        push("tunnel", tunnel(t, m.as_ref(), vb), false, true);
    }
    if let Some(p) = k.in_port {
        let m = ma!(in_port);
        let body = match m {
            None | Some(u32::MAX) => p.to_string(),
            Some(m) => format!("{p}/{}", hex(m.into())),
        };
        push("in_port", body, m == Some(0), false);
    }
    if let Some(v) = k.skb_mark {
        let m = ma!(skb_mark);
        push("skb_mark", u32attr(v, m), m == Some(0), false);
    }
    if let Some(v) = k.ct_state {
        let m = ma!(ct_state).map(|m| m.bits());
        let v = v.bits();
        let exact = m.is_none_or(|m| m == u32::MAX);
        let body = if vb {
            if exact {
                hex(v.into())
            } else {
                format!("{}/{}", hex(v.into()), hex(m.unwrap_or(0).into()))
            }
        } else if !exact {
            flags_masked(v, m.unwrap_or(0), u32::MAX, ct_state_name)
        } else {
            flags(v, ct_state_name, '|')
        };
        push("ct_state", body, m == Some(0), false);
    }
    if let Some(v) = k.ct_zone {
        let m = ma!(ct_zone);
        let body = if vb || m.is_some_and(|m| m != 0) {
            match m {
                Some(m) if m != 0xffff => format!("{}/{}", hex(v.into()), hex(m.into())),
                _ => hex(v.into()),
            }
        } else {
            String::new()
        };
        push("ct_zone", body, m == Some(0), false);
    }
    if let Some(v) = k.ct_mark {
        let m = ma!(ct_mark);
        let body = if vb || m.is_some_and(|m| m != 0) {
            u32attr(v, m)
        } else {
            String::new()
        };
        push("ct_mark", body, m == Some(0), false);
    }
    if let Some(v) = &k.ct_labels {
        let m = ma!(ct_labels).map(|m| u128_of(&m));
        let v = u128_of(v);
        let mut body = String::new();
        if vb || m.is_some_and(|m| m != 0) {
            body = hex128(v);
            if let Some(m) = m
                && m != u128::MAX
            {
                body += &format!("/{}", hex128(m));
            }
        }
        push("ct_label", body, m == Some(0), false);
    }
    if let Some(t) = &k.ct_orig_tuple_ipv4 {
        let m = ma!(ct_orig_tuple_ipv4);
        let mut o = Vec::new();
        let mm = m.as_ref();
        f_ipv4(&mut o, vb, "src", t.ipv4_src, mm.map(|m| m.ipv4_src));
        f_ipv4(&mut o, vb, "dst", t.ipv4_dst, mm.map(|m| m.ipv4_dst));
        f_u8u(&mut o, vb, "proto", t.ipv4_proto, mm.map(|m| m.ipv4_proto));
        f_be16(&mut o, vb, "tp_src", t.src_port, mm.map(|m| m.src_port));
        f_be16(&mut o, vb, "tp_dst", t.dst_port, mm.map(|m| m.dst_port));
        push(
            "ct_tuple4",
            o.join(","),
            m.as_ref().is_some_and(zero),
            false,
        );
    }
    if let Some(t) = &k.ct_orig_tuple_ipv6 {
        let m = ma!(ct_orig_tuple_ipv6);
        let mut o = Vec::new();
        let mm = m.as_ref();
        f_in6(&mut o, vb, "src", &t.ipv6_src, mm.map(|m| &m.ipv6_src));
        f_in6(&mut o, vb, "dst", &t.ipv6_dst, mm.map(|m| &m.ipv6_dst));
        f_u8u(&mut o, vb, "proto", t.ipv6_proto, mm.map(|m| m.ipv6_proto));
        f_be16(&mut o, vb, "src_port", t.src_port, mm.map(|m| m.src_port));
        f_be16(&mut o, vb, "dst_port", t.dst_port, mm.map(|m| m.dst_port));
        push(
            "ct_tuple6",
            o.join(","),
            m.as_ref().is_some_and(zero),
            false,
        );
    }
    if let Some(e) = &k.ethernet {
        let m = ma!(ethernet);
        let mut o = Vec::new();
        let mm = m.as_ref();
        f_eth(&mut o, vb, "src", &e.eth_src, mm.map(|m| &m.eth_src));
        f_eth(&mut o, vb, "dst", &e.eth_dst, mm.map(|m| &m.eth_dst));
        push("eth", o.join(","), m.as_ref().is_some_and(zero), false);
    }
    if let Some(t) = k.ethertype {
        let m = ma!(ethertype);
        let body = match m {
            Some(m) if m.0 != 0xffff => format!("0x{:04x}/0x{:04x}", t.0, m.0),
            _ => format!("0x{:04x}", t.0),
        };
        push("eth_type", body, m.is_some_and(|m| m.0 == 0), false);
    }
    if let Some(t) = k.vlan {
        let m = ma!(vlan);
        let body = vlan_tci(t.0, m.map_or(0xffff, |m| m.0), vb);
        push("vlan", body, m.is_some_and(|m| m.0 == 0), false);
    }
    if let Some(inner) = &k.encap {
        let im = mask.and_then(|m| m.encap.as_deref());
        let body = if zero(&**inner) {
            String::new()
        } else {
            format(inner, im.filter(|m| !zero(&**m)), vb)
        };
        push("encap", body, false, true);
    }
    if let Some(ip) = &k.ipv4 {
        let m = ma!(ipv4);
        let mm = m.as_ref();
        let mut o = Vec::new();
        f_ipv4(&mut o, vb, "src", ip.ipv4_src, mm.map(|m| m.ipv4_src));
        f_ipv4(&mut o, vb, "dst", ip.ipv4_dst, mm.map(|m| m.ipv4_dst));
        f_u8u(&mut o, vb, "proto", ip.ipv4_proto, mm.map(|m| m.ipv4_proto));
        f_u8x(&mut o, vb, "tos", ip.ipv4_tos, mm.map(|m| m.ipv4_tos));
        f_u8u(&mut o, vb, "ttl", ip.ipv4_ttl, mm.map(|m| m.ipv4_ttl));
        f_frag(&mut o, "frag", ip.ipv4_frag, mm.map(|m| m.ipv4_frag));
        push("ipv4", o.join(","), m.as_ref().is_some_and(zero), false);
    }
    if let Some(ip) = &k.ipv6 {
        let m = ma!(ipv6);
        let mm = m.as_ref();
        let mut o = Vec::new();
        f_in6(&mut o, vb, "src", &ip.ipv6_src, mm.map(|m| &m.ipv6_src));
        f_in6(&mut o, vb, "dst", &ip.ipv6_dst, mm.map(|m| &m.ipv6_dst));
        let lm = mm.map(|m| m.ipv6_label.0);
        if vb || lm != Some(0) {
            let v = hex(ip.ipv6_label.0.into());
            match lm {
                Some(l) if l & 0xfffff != 0xfffff => o.push(format!("label={v}/{}", hex(l.into()))),
                _ => o.push(format!("label={v}")),
            }
        }
        f_u8u(&mut o, vb, "proto", ip.ipv6_proto, mm.map(|m| m.ipv6_proto));
        f_u8x(
            &mut o,
            vb,
            "tclass",
            ip.ipv6_tclass,
            mm.map(|m| m.ipv6_tclass),
        );
        f_u8u(
            &mut o,
            vb,
            "hlimit",
            ip.ipv6_hlimit,
            mm.map(|m| m.ipv6_hlimit),
        );
        f_frag(&mut o, "frag", ip.ipv6_frag, mm.map(|m| m.ipv6_frag));
        push("ipv6", o.join(","), m.as_ref().is_some_and(zero), false);
    }
    if let Some(x) = &k.ipv6_exthdrs {
        // Unknown to ovs-dpctl 3.1: printed raw, with its mask, always.
        let bytes = |v: u16| {
            v.to_ne_bytes()
                .iter()
                .map(|b| format!("{b:02x}"))
                .collect::<Vec<_>>()
                .join(" ")
        };
        let m = ma!(ipv6_exthdrs).map(|m| m.hdrs);
        let body = match m {
            Some(m) if m != u16::MAX => format!("{}/{}", bytes(x.hdrs), bytes(m)),
            _ => bytes(x.hdrs),
        };
        push("key32", body, false, true);
    }
    if let Some(a) = &k.arp {
        let m = ma!(arp);
        let mm = m.as_ref();
        let mut o = Vec::new();
        f_ipv4(&mut o, vb, "sip", a.arp_sip, mm.map(|m| m.arp_sip));
        f_ipv4(&mut o, vb, "tip", a.arp_tip, mm.map(|m| m.arp_tip));
        f_be16(&mut o, vb, "op", a.arp_op, mm.map(|m| m.arp_op));
        f_eth(&mut o, vb, "sha", &a.arp_sha, mm.map(|m| &m.arp_sha));
        f_eth(&mut o, vb, "tha", &a.arp_tha, mm.map(|m| &m.arp_tha));
        push("arp", o.join(","), m.as_ref().is_some_and(zero), false);
    }
    if let Some(ls) = &k.mpls {
        let m = ma!(mpls);
        let exact = m.as_ref().is_none_or(|m| m.iter().all(|x| x.0 == u32::MAX));
        let body = ls
            .iter()
            .enumerate()
            .map(|(i, l)| {
                if exact {
                    mpls_lse(l.0)
                } else {
                    let mv = m.as_ref().and_then(|m| m.get(i)).map_or(0, |x| x.0);
                    mpls_masked(l.0, mv)
                }
            })
            .collect::<Vec<_>>()
            .join(",");
        let wild = m.as_ref().is_some_and(|m| m.iter().all(|x| x.0 == 0));
        push("mpls", body, wild, false);
    }
    let ports = |name: &str, s: Be<u16>, d: Be<u16>, m: Option<(Be<u16>, Be<u16>)>| {
        let mut o = Vec::new();
        f_be16(&mut o, vb, "src", s, m.map(|m| m.0));
        f_be16(&mut o, vb, "dst", d, m.map(|m| m.1));
        let wild = m.is_some_and(|m| m.0.0 == 0 && m.1.0 == 0);
        (name.to_owned(), o.join(","), wild)
    };
    let mut l4 = Vec::new();
    if let Some(t) = &k.tcp {
        let m = ma!(tcp).map(|m| (m.tcp_src, m.tcp_dst));
        l4.push(ports("tcp", t.tcp_src, t.tcp_dst, m));
    }
    if let Some(f) = k.tcp_flags {
        let m = ma!(tcp_flags);
        let body = match m {
            Some(m) if m.0 != 0xffff => {
                flags_masked(f.0.into(), u32::from(m.0) & 0xfff, 0xfff, tcp_flag_name)
            }
            _ => flags(f.0.into(), tcp_flag_name, '|'),
        };
        l4.push(("tcp_flags".into(), body, m.is_some_and(|m| m.0 == 0)));
    }
    if let Some(u) = &k.udp {
        let m = ma!(udp).map(|m| (m.udp_src, m.udp_dst));
        l4.push(ports("udp", u.udp_src, u.udp_dst, m));
    }
    if let Some(s) = &k.sctp {
        let m = ma!(sctp).map(|m| (m.sctp_src, m.sctp_dst));
        l4.push(ports("sctp", s.sctp_src, s.sctp_dst, m));
    }
    if let Some(i) = &k.icmp {
        let m = ma!(icmp);
        let mm = m.as_ref();
        let mut o = Vec::new();
        f_u8u(&mut o, vb, "type", i.icmp_type, mm.map(|m| m.icmp_type));
        f_u8u(&mut o, vb, "code", i.icmp_code, mm.map(|m| m.icmp_code));
        l4.push(("icmp".into(), o.join(","), m.as_ref().is_some_and(zero)));
    }
    if let Some(i) = &k.icmpv6 {
        let m = ma!(icmpv6);
        let mm = m.as_ref();
        let mut o = Vec::new();
        f_u8u(&mut o, vb, "type", i.icmpv6_type, mm.map(|m| m.icmpv6_type));
        f_u8u(&mut o, vb, "code", i.icmpv6_code, mm.map(|m| m.icmpv6_code));
        l4.push(("icmpv6".into(), o.join(","), m.as_ref().is_some_and(zero)));
    }
    if let Some(n) = &k.nd {
        let m = ma!(nd);
        let mm = m.as_ref();
        let mut o = Vec::new();
        f_in6(&mut o, vb, "target", &n.nd_target, mm.map(|m| &m.nd_target));
        f_eth(&mut o, vb, "sll", &n.nd_sll, mm.map(|m| &m.nd_sll));
        f_eth(&mut o, vb, "tll", &n.nd_tll, mm.map(|m| &m.nd_tll));
        l4.push(("nd".into(), o.join(","), m.as_ref().is_some_and(zero)));
    }
    for (name, body, wild) in l4 {
        push(&name, body, wild, false);
    }
    out
}

/// Big-endian bytes of a `0x..` number, right-aligned in `len` bytes.
fn hex_bytes(s: &str, len: usize) -> Result<Vec<u8>, String> {
    let h = s
        .strip_prefix("0x")
        .or_else(|| s.strip_prefix("0X"))
        .ok_or_else(|| format!("`{s}`: expected 0x and hex digits"))?;
    let h = h.trim_start_matches('0');
    if h.len() > len * 2 || !h.chars().all(|c| c.is_ascii_hexdigit()) {
        return Err(format!("`{s}` does not fit {len} bytes"));
    }
    let padded = format!("{h:0>w$}", w = len * 2);
    (0..len)
        .map(|i| u8::from_str_radix(&padded[i * 2..i * 2 + 2], 16).map_err(|e| e.to_string()))
        .collect()
}

/// C's `ds_put_hex`: `0x` and the bytes without leading zeros, or `0`.
fn put_hex(b: &[u8]) -> String {
    let mut s = String::new();
    for x in b.iter().skip_while(|x| **x == 0) {
        if s.is_empty() {
            s = format!("0x{x:x}");
        } else {
            s += &format!("{x:02x}");
        }
    }
    if s.is_empty() { "0".into() } else { s }
}

/// Geneve options `{class=..,type=..,len=..,0x..[/0x..]}...` as the
/// kernel's option bytes and their mask. Fields left out are wildcarded.
fn geneve_parse(x: &str) -> Result<(Vec<u8>, Vec<u8>), String> {
    let (mut key, mut mask) = (Vec::new(), Vec::new());
    let mut rest = x;
    while let Some(r) = rest.strip_prefix('{') {
        let end = r.find('}').ok_or_else(|| format!("`{x}`: missing '}}'"))?;
        let (body, after) = (&r[..end], &r[end + 1..]);
        rest = after;
        let (mut class, mut mclass) = (0u16, 0u16);
        let (mut typ, mut mtyp) = (0u8, 0u8);
        let (mut len, mut mlen) = (0u8, 0x1fu8);
        let (mut data, mut mdata) = (String::new(), None);
        for part in body.split(',').filter(|p| !p.is_empty()) {
            match part.split_once('=') {
                Some(("class", v)) => (class, mclass) = u16m(v)?,
                Some(("type", v)) => (typ, mtyp) = u8m(v)?,
                Some(("len", v)) => {
                    let (l, ml) = u8m(v)?;
                    if l > 124 || l % 4 != 0 {
                        return Err(format!("`{part}`: a length of 0 to 124, by 4"));
                    }
                    (len, mlen) = (l, ml & 0x1f);
                }
                None => match part.split_once('/') {
                    Some((d, md)) => (data, mdata) = (d.to_owned(), Some(md.to_owned())),
                    None => data = part.to_owned(),
                },
                Some((f, _)) => return Err(no_field("geneve", f)),
            }
        }
        let n = usize::from(len);
        let d = if data.is_empty() {
            vec![0; n]
        } else {
            hex_bytes(&data, n)?
        };
        let md = match &mdata {
            Some(m) => hex_bytes(m, n)?,
            None => vec![0xff; n],
        };
        key.extend(class.to_be_bytes());
        key.extend([typ, len / 4]);
        key.extend(d);
        mask.extend(mclass.to_be_bytes());
        mask.extend([mtyp, mlen]);
        mask.extend(md);
    }
    if !rest.is_empty() {
        return Err(format!("`{x}`: expected {{...}} options"));
    }
    Ok((key, mask))
}

/// Geneve options as ovs-dpctl prints them.
fn geneve_format(k: &[u8], m: Option<&[u8]>, vb: bool) -> String {
    if let Some(m) = m
        && m.len() != k.len()
    {
        return format!("value len {} different from mask len {}", k.len(), m.len());
    }
    let mut out = String::new();
    let mut i = 0;
    while i < k.len() {
        if k.len() - i < 4 {
            out += &format!("opt len {} less than minimum 4", k.len() - i);
            break;
        }
        let dl = usize::from(k[i + 3] & 0x1f) * 4;
        if i + 4 + dl > k.len() {
            out += &format!("opt len {} greater than remaining {}", 4 + dl, k.len() - i);
            break;
        }
        let mm = m.map(|m| &m[i..i + 4 + dl]);
        let mut o = Vec::new();
        let class = Be(u16::from_be_bytes([k[i], k[i + 1]]));
        let mclass = mm.map(|m| u16::from_be_bytes([m[0], m[1]]));
        let cm = mclass.map(|c| (c == 0, c == 0xffff, hex(c.into())));
        put(&mut o, vb, "class", hex(class.0.into()), cm);
        f_u8x(&mut o, vb, "type", k[i + 2], mm.map(|m| m[2]));
        let lm = mm.map(|m| {
            if m[3] & 0x1f == 0x1f {
                0xff
            } else {
                m[3] & 0x1f
            }
        });
        f_u8u(&mut o, vb, "len", dl as u8, lm);
        let data = &k[i + 4..i + 4 + dl];
        let mdata = mm.map(|m| &m[4..]);
        if dl > 0 && (vb || mdata.is_none_or(|d| d.iter().any(|x| *x != 0))) {
            let mut d = put_hex(data);
            if let Some(md) = mdata
                && !md.iter().all(|x| *x == 0xff)
            {
                d += &format!("/{}", put_hex(md));
            }
            o.push(d);
        }
        out += &format!("{{{}}}", o.join(","));
        i += 4 + dl;
    }
    out
}

/// The inside of `tunnel(...)`.
fn tunnel(t: &TunnelKeyAttrs, m: Option<&TunnelKeyAttrs>, vb: bool) -> String {
    let mut o = Vec::new();
    let mut fl = 0u32;
    let mut mfl = 0u32;
    if let Some(id) = t.id {
        let mv = m.map(|m| m.id.map_or(0, |x| x.0));
        if vb || mv != Some(0) {
            match mv {
                Some(mv) if mv != u64::MAX => o.push(format!("tun_id=0x{:x}/{:#x}", id.0, mv)),
                _ => o.push(format!("tun_id=0x{:x}", id.0)),
            }
        }
        fl |= TUN_KEY;
        if m.is_some() {
            mfl |= TUN_KEY;
        }
    }
    if let Some(a) = t.ipv4_src {
        f_ipv4(
            &mut o,
            vb,
            "src",
            a,
            m.map(|m| m.ipv4_src.unwrap_or_default()),
        );
    }
    if let Some(a) = t.ipv4_dst {
        f_ipv4(
            &mut o,
            vb,
            "dst",
            a,
            m.map(|m| m.ipv4_dst.unwrap_or_default()),
        );
    }
    let v6 = |v: &Option<Vec<u8>>| -> Option<[u8; 16]> { v.as_deref()?.try_into().ok() };
    if let Some(a) = v6(&t.ipv6_src) {
        let mm = m.map(|m| v6(&m.ipv6_src).unwrap_or_default());
        f_in6(&mut o, vb, "ipv6_src", &a, mm.as_ref());
    }
    if let Some(a) = v6(&t.ipv6_dst) {
        let mm = m.map(|m| v6(&m.ipv6_dst).unwrap_or_default());
        f_in6(&mut o, vb, "ipv6_dst", &a, mm.as_ref());
    }
    if let Some(v) = t.tos {
        f_u8x(&mut o, vb, "tos", v, m.map(|m| m.tos.unwrap_or(0)));
    }
    if let Some(v) = t.ttl {
        f_u8u(&mut o, vb, "ttl", v, m.map(|m| m.ttl.unwrap_or(0)));
    }
    if t.dont_fragment {
        fl |= TUN_DF;
    }
    if t.csum {
        fl |= TUN_CSUM;
    }
    if let Some(v) = t.tp_src {
        f_be16(
            &mut o,
            vb,
            "tp_src",
            v,
            m.map(|m| m.tp_src.unwrap_or_default()),
        );
    }
    if let Some(v) = t.tp_dst {
        f_be16(
            &mut o,
            vb,
            "tp_dst",
            v,
            m.map(|m| m.tp_dst.unwrap_or_default()),
        );
    }
    if t.oam {
        fl |= TUN_OAM;
    }
    if let Some(x) = &t.vxlan_opts {
        let mut inner = Vec::new();
        if let Some(gbp) = x.gbp {
            // Without a mask the option is exact; with one, a missing mask
            // option is a wildcard.
            let mg = m.map(|m| m.vxlan_opts.as_ref().and_then(|o| o.gbp).unwrap_or(0));
            let mut g = Vec::new();
            let id = Be((gbp & 0xffff) as u16);
            f_be16(&mut g, vb, "id", id, mg.map(|mg| Be((mg & 0xffff) as u16)));
            let fl = ((gbp >> 16) & 0xff) as u8;
            f_u8x(
                &mut g,
                vb,
                "flags",
                fl,
                mg.map(|mg| ((mg >> 16) & 0xff) as u8),
            );
            inner.push(format!("gbp({})", g.join(",")));
        }
        o.push(format!("vxlan({})", inner.join(",")));
    }
    if let Some(g) = &t.geneve_opts {
        let mg = m.map(|m| m.geneve_opts.clone().unwrap_or_else(|| vec![0; g.len()]));
        o.push(format!("geneve({})", geneve_format(g, mg.as_deref(), vb)));
    }
    if let Some(m) = m {
        if m.dont_fragment {
            mfl |= TUN_DF;
        }
        if m.csum {
            mfl |= TUN_CSUM;
        }
        if m.oam {
            mfl |= TUN_OAM;
        }
    }
    if vb || m.is_none() || mfl != 0 {
        let body = if m.is_some() {
            flags_masked(fl, mfl & 0xf, 0xf, tun_flag_name)
        } else {
            flags(fl, tun_flag_name, '|')
        };
        o.push(format!("flags({body})"));
    }
    o.join(",")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn round_trip(s: &str) {
        let m = parse(s).unwrap_or_else(|e| panic!("{s}: {e}"));
        assert_eq!(format(&m.key, Some(&m.mask), false), s);
    }

    #[test]
    fn round_trips() {
        for s in [
            "in_port(1)",
            "recirc_id(0),in_port(1),eth_type(0x0800)",
            "recirc_id(0x5),dp_hash(0x10/0xff)",
            "skb_priority(0x3),in_port(2),skb_mark(0x7)",
            "in_port(1),eth(src=00:01:02:03:04:05,dst=0a:0b:0c:0d:0e:0f),eth_type(0x0800)",
            "eth(src=00:01:02:03:04:05/ff:ff:ff:00:00:00)",
            "eth(dst=ff:ff:ff:ff:ff:ff)",
            "eth_type(0x0800),ipv4(src=10.0.0.1,dst=10.0.0.2,proto=6,tos=0x10,ttl=64,frag=no)",
            "eth_type(0x0800),ipv4(src=10.0.0.0/255.0.0.0,frag=no)",
            "eth_type(0x0800),ipv4(proto=17,frag=first)",
            "eth_type(0x0800),ipv4(proto=6,frag=later),tcp(src=80,dst=1024)",
            "eth_type(0x0800),ipv4(proto=6,frag=no),tcp(dst=80)",
            "eth_type(0x0800),ipv4(proto=17,frag=no),udp(src=53/0xff00)",
            "eth_type(0x0800),ipv4(proto=1,frag=no),icmp(type=8,code=0)",
            "eth_type(0x86dd/0xff00)",
            // VLAN and encapsulation.
            "in_port(1),eth(),eth_type(0x8100),vlan(vid=10,pcp=3),encap(eth_type(0x0800),ipv4(proto=6,frag=no))",
            "eth_type(0x8100),vlan(vid=5/0xff0),encap()",
            "eth_type(0x8100),vlan(vid=5,cfi=0),encap(eth_type(0x0806))",
            // IPv6, ICMPv6, neighbour discovery.
            "eth_type(0x86dd),ipv6(src=2001:db8::1,dst=2001:db8::/ffff:ffff::,label=0x12345,proto=58,tclass=0x10,hlimit=255,frag=no),icmpv6(type=135,code=0),nd(target=2001:db8::2,sll=00:01:02:03:04:05,tll=00:00:00:00:00:00)",
            "eth_type(0x86dd),ipv6(label=0x5/0xff,frag=no)",
            // ARP, SCTP, MPLS.
            "eth_type(0x0806),arp(sip=10.0.0.1,tip=10.0.0.0/255.255.255.0,op=1,sha=00:01:02:03:04:05,tha=ff:ff:ff:ff:ff:ff)",
            "eth_type(0x0800),ipv4(proto=132,frag=no),sctp(src=1,dst=2/0xff)",
            "eth_type(0x8847),mpls(label=100,tc=3,ttl=64,bos=1)",
            "eth_type(0x8847),mpls(label=100/0xfffff,tc=0/0,ttl=0/0x0,bos=1/1)",
            // Connection tracking.
            "ct_state(-inv+trk),ct_zone(0x5),ct_mark(0x10/0xf0),ct_label(0x1234/0xffff)",
            "ct_state(-new-est-rel-rpl-inv-trk-snat-dnat)",
            "ct_tuple4(src=10.0.0.1,dst=10.0.0.2,proto=6,tp_src=1,tp_dst=80)",
            "ct_tuple6(src=2001:db8::1,dst=2001:db8::2,proto=17,src_port=5,dst_port=53)",
            "tunnel(ipv6_dst=2001:db8::9,ttl=64,flags(-df)),in_port(1)",
            "tunnel(dst=10.0.0.2,vxlan(gbp(id=10,flags=0x1)),flags(-df)),in_port(1)",
            "tunnel(dst=10.0.0.2,vxlan(gbp(id=10/0xff)),flags(-df)),in_port(1)",
            "tunnel(dst=10.0.0.2,geneve({class=0x102,type=0x80,len=4,0xa}),flags(-df)),in_port(1)",
            "tunnel(dst=10.0.0.2,geneve({class=0x102,type=0x80/0xf0,len=8,0xa0000000b/0xff00000000ff}{class=0x5,len=0}),flags(-df)),in_port(1)",
            // TCP flags.
            "eth_type(0x0800),ipv4(proto=6,frag=no),tcp(dst=22),tcp_flags(syn|ack)",
            "eth_type(0x0800),ipv4(proto=6,frag=no),tcp(src=1),tcp_flags(+syn-ack)",
            // Tunnels.
            "tunnel(tun_id=0x5,src=10.0.0.1,dst=10.0.0.2,ttl=64,tp_dst=4789,flags(+df-csum+key)),in_port(1)",
            "tunnel(dst=10.0.0.2,tos=0x1/0xf,flags(-df)),in_port(2)",
        ] {
            round_trip(s);
        }
    }

    #[test]
    fn ct_state_unmasked_is_an_all_ones_mask() {
        let m = parse("ct_state(trk|est)").unwrap();
        assert_eq!(m.mask.ct_state.unwrap().bits(), u32::MAX);
        assert_eq!(format(&m.key, Some(&m.mask), false), "ct_state(est|trk)");
    }

    #[test]
    fn verbose_prints_wildcards() {
        let mut m = parse("in_port(1),eth(src=00:01:02:03:04:05),eth_type(0x0800)").unwrap();
        m.key.recirc_id = Some(0);
        m.mask.recirc_id = Some(0);
        m.key.skb_mark = Some(0);
        m.mask.skb_mark = Some(0);
        assert_eq!(
            format(&m.key, Some(&m.mask), true),
            "recirc_id(0/0),in_port(1),skb_mark(0/0),eth(src=00:01:02:03:04:05,dst=00:00:00:00:00:00/00:00:00:00:00:00),eth_type(0x0800)"
        );
        assert_eq!(
            format(&m.key, Some(&m.mask), false),
            "in_port(1),eth(src=00:01:02:03:04:05),eth_type(0x0800)"
        );
    }

    #[test]
    fn prefix_masks_print_dotted() {
        let m = parse("ipv4(src=10.1.0.0/16)").unwrap();
        assert_eq!(
            format(&m.key, Some(&m.mask), false),
            "ipv4(src=10.1.0.0/255.255.0.0)"
        );
    }

    #[test]
    fn wildcarded_attributes_are_left_out() {
        let m = parse("recirc_id(0),skb_mark(0/0),in_port(3),ipv4(src=1.2.3.4/0.0.0.0)").unwrap();
        assert_eq!(
            format(&m.key, Some(&m.mask), false),
            "recirc_id(0),in_port(3)"
        );
    }

    #[test]
    fn without_a_mask_everything_is_exact() {
        let m = parse("in_port(1),eth_type(0x0800)").unwrap();
        assert_eq!(format(&m.key, None, false), "in_port(1),eth_type(0x0800)");
    }

    #[test]
    fn bad_input_is_an_error() {
        for s in [
            "foo(1)",
            "in_port",
            "in_port(x)",
            "eth(src=1:2)",
            "ipv4(frag=maybe)",
            "ipv4(proto=300)",
            "tcp(sport=1)",
            "in_port(1",
            "vlan(vid=4096)",
            "ct_state(+foo)",
            "ct_state(+trk+trk)",
            "tcp_flags(syn|bogus)",
            "ipv6(src=1.2.3.4)",
            "mpls(label=1048576)",
            "tunnel(flags(xyz))",
            "encap(foo(1))",
        ] {
            assert!(parse(s).is_err(), "{s}");
        }
    }
}
