//! Flow keys in ovs-dpctl's text form (`in_port(1),eth_type(0x0800),
//! ipv4(src=10.0.0.1,proto=6,frag=no)`) to and from a key and its mask as
//! [`KeyAttrs`].
//!
//! A field that is absent from the text is wildcarded (mask 0); a field
//! without `/mask` is matched exactly. Printing leaves out wildcarded
//! fields, and attributes whose mask is entirely zero.

use genl_ovs::flow::{KeyAttrs, OvsKeyEthernet, OvsKeyIcmp, OvsKeyIpv4, OvsKeyTcp, OvsKeyUdp};
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
        _ => "?",
    }
}

fn frag_value(s: &str) -> Result<u8, String> {
    match s {
        "no" => Ok(0),
        "first" => Ok(1),
        "later" => Ok(2),
        _ => Err(format!("`{s}`: frag is no, first or later")),
    }
}

/// Parses a flow in ovs-dpctl's syntax.
pub fn parse(s: &str) -> Result<Match, String> {
    let mut m = Match::default();
    for part in text::split_top(s)? {
        let (name, args) = text::item(part)?;
        let args = args.ok_or_else(|| format!("`{part}`: expected {name}(...)"))?;
        let (k, mk) = (&mut m.key, &mut m.mask);
        match name {
            "recirc_id" => {
                let (v, mm) = text::num_masked(args, u32::MAX.into())?;
                k.recirc_id = Some(v as u32);
                mk.recirc_id = Some(mm as u32);
            }
            "dp_hash" => {
                let (v, mm) = text::num_masked(args, u32::MAX.into())?;
                k.dp_hash = Some(v as u32);
                mk.dp_hash = Some(mm as u32);
            }
            "skb_priority" => {
                let (v, mm) = text::num_masked(args, u32::MAX.into())?;
                k.priority = Some(v as u32);
                mk.priority = Some(mm as u32);
            }
            "skb_mark" => {
                let (v, mm) = text::num_masked(args, u32::MAX.into())?;
                k.skb_mark = Some(v as u32);
                mk.skb_mark = Some(mm as u32);
            }
            "in_port" => {
                k.in_port = Some(text::num_max(args, u32::MAX.into())? as u32);
                mk.in_port = Some(u32::MAX);
            }
            "eth_type" => {
                let (v, mm) = text::num_masked(args, u16::MAX.into())?;
                k.ethertype = Some(Be(v as u16));
                mk.ethertype = Some(Be(mm as u16));
            }
            "eth" => {
                let (mut v, mut mm) = (OvsKeyEthernet::default(), OvsKeyEthernet::default());
                for (f, val) in text::pairs(args)? {
                    let (a, b) = text::mac_masked(val)?;
                    match f {
                        "src" => (v.eth_src, mm.eth_src) = (a, b),
                        "dst" => (v.eth_dst, mm.eth_dst) = (a, b),
                        _ => return Err(format!("eth has no field `{f}`")),
                    }
                }
                k.ethernet = Some(v);
                mk.ethernet = Some(mm);
            }
            "ipv4" => {
                let (mut v, mut mm) = (OvsKeyIpv4::default(), OvsKeyIpv4::default());
                for (f, val) in text::pairs(args)? {
                    match f {
                        "src" => {
                            let (a, b) = text::ipv4_masked(val)?;
                            (v.ipv4_src, mm.ipv4_src) = (Be(a), Be(b));
                        }
                        "dst" => {
                            let (a, b) = text::ipv4_masked(val)?;
                            (v.ipv4_dst, mm.ipv4_dst) = (Be(a), Be(b));
                        }
                        "proto" | "tos" | "ttl" => {
                            let (a, b) = text::num_masked(val, 255)?;
                            let (a, b) = (a as u8, b as u8);
                            match f {
                                "proto" => (v.ipv4_proto, mm.ipv4_proto) = (a, b),
                                "tos" => (v.ipv4_tos, mm.ipv4_tos) = (a, b),
                                _ => (v.ipv4_ttl, mm.ipv4_ttl) = (a, b),
                            }
                        }
                        "frag" => (v.ipv4_frag, mm.ipv4_frag) = (frag_value(val)?, 0xff),
                        _ => return Err(format!("ipv4 has no field `{f}`")),
                    }
                }
                k.ipv4 = Some(v);
                mk.ipv4 = Some(mm);
            }
            "tcp" | "udp" => {
                let (mut sv, mut sm, mut dv, mut dm) = (0u16, 0u16, 0u16, 0u16);
                for (f, val) in text::pairs(args)? {
                    let (a, b) = text::num_masked(val, u16::MAX.into())?;
                    match f {
                        "src" => (sv, sm) = (a as u16, b as u16),
                        "dst" => (dv, dm) = (a as u16, b as u16),
                        _ => return Err(format!("{name} has no field `{f}`")),
                    }
                }
                if name == "tcp" {
                    k.tcp = Some(OvsKeyTcp {
                        tcp_src: Be(sv),
                        tcp_dst: Be(dv),
                    });
                    mk.tcp = Some(OvsKeyTcp {
                        tcp_src: Be(sm),
                        tcp_dst: Be(dm),
                    });
                } else {
                    k.udp = Some(OvsKeyUdp {
                        udp_src: Be(sv),
                        udp_dst: Be(dv),
                    });
                    mk.udp = Some(OvsKeyUdp {
                        udp_src: Be(sm),
                        udp_dst: Be(dm),
                    });
                }
            }
            "icmp" => {
                let (mut v, mut mm) = (OvsKeyIcmp::default(), OvsKeyIcmp::default());
                for (f, val) in text::pairs(args)? {
                    let (a, b) = text::num_masked(val, 255)?;
                    match f {
                        "type" => (v.icmp_type, mm.icmp_type) = (a as u8, b as u8),
                        "code" => (v.icmp_code, mm.icmp_code) = (a as u8, b as u8),
                        _ => return Err(format!("icmp has no field `{f}`")),
                    }
                }
                k.icmp = Some(v);
                mk.icmp = Some(mm);
            }
            _ => return Err(format!("unknown flow key `{name}`")),
        }
    }
    // The kernel expects tcp_flags with a TCP key; absent, it is wildcarded.
    if m.key.tcp.is_some() && m.key.tcp_flags.is_none() {
        m.key.tcp_flags = Some(Be(0));
        m.mask.tcp_flags = Some(Be(0));
    }
    Ok(m)
}

/// Appends `name=value[/mask]` unless the mask is zero.
fn field(out: &mut Vec<String>, name: &str, v: String, m: u64, full: u64, mask: String) {
    if m == 0 {
        return;
    }
    if m == full {
        out.push(format!("{name}={v}"));
    } else {
        out.push(format!("{name}={v}/{mask}"));
    }
}

fn scalar(out: &mut Vec<String>, name: &str, v: Option<u64>, m: Option<u64>, full: u64) {
    let Some(v) = v else { return };
    let m = m.unwrap_or(full);
    if m == 0 {
        return;
    }
    if m == full {
        out.push(format!("{name}({})", hex(v)));
    } else {
        out.push(format!("{name}({}/{})", hex(v), hex(m)));
    }
}

fn group(out: &mut Vec<String>, name: &str, fields: Vec<String>) {
    if !fields.is_empty() {
        out.push(format!("{name}({})", fields.join(",")));
    }
}

/// Prints a flow as ovs-dpctl does; a missing mask means an exact match.
pub fn format(key: &KeyAttrs, mask: Option<&KeyAttrs>) -> String {
    let none = KeyAttrs::default();
    let exact = mask.is_none();
    let mk = mask.unwrap_or(&none);
    let mut out = Vec::new();
    let m32 = |v: Option<u32>| {
        if exact {
            Some(u32::MAX.into())
        } else {
            v.map(u64::from)
        }
    };
    scalar(
        &mut out,
        "recirc_id",
        key.recirc_id.map(u64::from),
        m32(mk.recirc_id).or(Some(0)),
        u32::MAX.into(),
    );
    scalar(
        &mut out,
        "dp_hash",
        key.dp_hash.map(u64::from),
        m32(mk.dp_hash).or(Some(0)),
        u32::MAX.into(),
    );
    scalar(
        &mut out,
        "skb_priority",
        key.priority.map(u64::from),
        m32(mk.priority).or(Some(0)),
        u32::MAX.into(),
    );
    if let Some(p) = key.in_port
        && (exact || mk.in_port.unwrap_or(0) != 0)
    {
        out.push(format!("in_port({p})"));
    }
    scalar(
        &mut out,
        "skb_mark",
        key.skb_mark.map(u64::from),
        m32(mk.skb_mark).or(Some(0)),
        u32::MAX.into(),
    );
    if let Some(e) = &key.ethernet {
        let m = if exact {
            OvsKeyEthernet {
                eth_src: [0xff; 6],
                eth_dst: [0xff; 6],
            }
        } else {
            mk.ethernet.unwrap_or_default()
        };
        let mut f = Vec::new();
        for (n, v, mm) in [("src", e.eth_src, m.eth_src), ("dst", e.eth_dst, m.eth_dst)] {
            let mv = mm.iter().fold(0u64, |a, b| a << 8 | u64::from(*b));
            field(
                &mut f,
                n,
                text::mac(&v),
                mv,
                0xffff_ffff_ffff,
                text::mac(&mm),
            );
        }
        group(&mut out, "eth", f);
    }
    if let Some(t) = key.ethertype {
        let m = if exact {
            0xffff
        } else {
            mk.ethertype.map_or(0, |b| b.0)
        };
        if m == 0xffff {
            out.push(format!("eth_type({:#06x})", t.0));
        } else if m != 0 {
            out.push(format!("eth_type({:#06x}/{:#06x})", t.0, m));
        }
    }
    if let Some(ip) = &key.ipv4 {
        let m = if exact {
            OvsKeyIpv4 {
                ipv4_src: Be(u32::MAX),
                ipv4_dst: Be(u32::MAX),
                ipv4_proto: 0xff,
                ipv4_tos: 0xff,
                ipv4_ttl: 0xff,
                ipv4_frag: 0xff,
            }
        } else {
            mk.ipv4.unwrap_or_default()
        };
        let a = |v: u32| Ipv4Addr::from(v).to_string();
        let mut f = Vec::new();
        let full = u32::MAX.into();
        field(
            &mut f,
            "src",
            a(ip.ipv4_src.0),
            m.ipv4_src.0.into(),
            full,
            a(m.ipv4_src.0),
        );
        field(
            &mut f,
            "dst",
            a(ip.ipv4_dst.0),
            m.ipv4_dst.0.into(),
            full,
            a(m.ipv4_dst.0),
        );
        let p = |v: u8| v.to_string();
        let x = |v: u8| hex(v.into());
        field(
            &mut f,
            "proto",
            p(ip.ipv4_proto),
            m.ipv4_proto.into(),
            255,
            x(m.ipv4_proto),
        );
        field(
            &mut f,
            "tos",
            x(ip.ipv4_tos),
            m.ipv4_tos.into(),
            255,
            x(m.ipv4_tos),
        );
        field(
            &mut f,
            "ttl",
            p(ip.ipv4_ttl),
            m.ipv4_ttl.into(),
            255,
            x(m.ipv4_ttl),
        );
        if m.ipv4_frag != 0 {
            f.push(format!("frag={}", frag_name(ip.ipv4_frag)));
        }
        group(&mut out, "ipv4", f);
    }
    let ports = |out: &mut Vec<String>, name: &str, s: u16, d: u16, ms: u16, md: u16| {
        let mut f = Vec::new();
        let x = |v: u16| hex(v.into());
        field(&mut f, "src", s.to_string(), ms.into(), 0xffff, x(ms));
        field(&mut f, "dst", d.to_string(), md.into(), 0xffff, x(md));
        group(out, name, f);
    };
    if let Some(t) = &key.tcp {
        let m = if exact {
            OvsKeyTcp {
                tcp_src: Be(0xffff),
                tcp_dst: Be(0xffff),
            }
        } else {
            mk.tcp.unwrap_or_default()
        };
        ports(
            &mut out,
            "tcp",
            t.tcp_src.0,
            t.tcp_dst.0,
            m.tcp_src.0,
            m.tcp_dst.0,
        );
    }
    if let Some(u) = &key.udp {
        let m = if exact {
            OvsKeyUdp {
                udp_src: Be(0xffff),
                udp_dst: Be(0xffff),
            }
        } else {
            mk.udp.unwrap_or_default()
        };
        ports(
            &mut out,
            "udp",
            u.udp_src.0,
            u.udp_dst.0,
            m.udp_src.0,
            m.udp_dst.0,
        );
    }
    if let Some(i) = &key.icmp {
        let m = if exact {
            OvsKeyIcmp {
                icmp_type: 0xff,
                icmp_code: 0xff,
            }
        } else {
            mk.icmp.unwrap_or_default()
        };
        let mut f = Vec::new();
        let x = |v: u8| hex(v.into());
        field(
            &mut f,
            "type",
            i.icmp_type.to_string(),
            m.icmp_type.into(),
            255,
            x(m.icmp_type),
        );
        field(
            &mut f,
            "code",
            i.icmp_code.to_string(),
            m.icmp_code.into(),
            255,
            x(m.icmp_code),
        );
        group(&mut out, "icmp", f);
    }
    out.join(",")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn round_trip(s: &str) {
        let m = parse(s).unwrap_or_else(|e| panic!("{s}: {e}"));
        assert_eq!(format(&m.key, Some(&m.mask)), s);
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
        ] {
            round_trip(s);
        }
    }

    #[test]
    fn prefix_masks_print_dotted() {
        let m = parse("ipv4(src=10.1.0.0/16)").unwrap();
        assert_eq!(
            format(&m.key, Some(&m.mask)),
            "ipv4(src=10.1.0.0/255.255.0.0)"
        );
    }

    #[test]
    fn wildcarded_attributes_are_left_out() {
        let m = parse("recirc_id(0/0),in_port(3),ipv4(src=1.2.3.4/0.0.0.0)").unwrap();
        assert_eq!(format(&m.key, Some(&m.mask)), "in_port(3)");
    }

    #[test]
    fn without_a_mask_everything_is_exact() {
        let m = parse("in_port(1),eth_type(0x0800)").unwrap();
        assert_eq!(format(&m.key, None), "in_port(1),eth_type(0x0800)");
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
        ] {
            assert!(parse(s).is_err(), "{s}");
        }
    }
}
