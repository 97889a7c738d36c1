//! Action lists in ovs-dpctl's text form (`push_vlan(vid=10,pcp=0),1`,
//! `set(ipv4(dst=10.0.0.1))`, `ct(commit,nat(src=10.0.0.1))`, `drop`) to
//! and from the ordered [`Action`] list.
//!
//! `set(...)` becomes a plain set action when every bit of the field is
//! given, a masked set otherwise, and both print as `set(...)` (a plain
//! set with every field, a masked one with the fields its mask covers), as
//! ovs-dpctl does.

use genl_ovs::flow::{
    Action, CheckPktLenAttrs, CtAttrs, DecTtlAttrs, KeyAttrs, MaskedKeyAttrs, NatAttrs,
    OvsActionHash, OvsActionPushEth, OvsActionPushMpls, OvsActionPushVlan, OvsActionTrunc,
    OvsKeyEthernetMasked, OvsKeyIpv4, OvsKeyIpv4Masked, OvsKeyIpv6, OvsKeyIpv6Masked,
    OvsKeyMplsMasked, OvsKeyPortsMasked, OvsKeySctp, OvsKeyTcp, OvsKeyU32Masked, OvsKeyUdp,
    SampleAttrs, UserspaceAttrs,
};
use genl_runtime::wire::Be;
use std::net::{Ipv4Addr, Ipv6Addr};

use crate::flow;
use crate::text::{self, hex};

/// Parses an action list (`drop` or nothing: no actions).
pub fn parse(s: &str) -> Result<Vec<Action>, String> {
    let mut out = Vec::new();
    for part in text::split_top(s)? {
        if part.eq_ignore_ascii_case("drop") {
            continue;
        }
        out.push(one_action(part)?);
    }
    Ok(out)
}

fn u32_arg(a: &str) -> Result<u32, String> {
    Ok(text::num_max(a, u32::MAX.into())? as u32)
}

fn one_action(part: &str) -> Result<Action, String> {
    let (name, args) = text::item(part)?;
    Ok(match (name, args) {
        ("pop_vlan", None) => Action::PopVlan,
        ("pop_eth", None) => Action::PopEth,
        ("ct_clear", None) => Action::CtClear,
        ("ct", None) => Action::Ct(CtAttrs::default()),
        ("recirc", Some(a)) => Action::Recirc(u32_arg(a)?),
        ("meter", Some(a)) => Action::Meter(u32_arg(a)?),
        ("trunc", Some(a)) => Action::Trunc(OvsActionTrunc {
            max_len: u32_arg(a)?,
        }),
        ("userspace", Some(a)) => Action::Userspace(userspace(a)?),
        ("push_vlan", Some(a)) => {
            let (mut vid, mut pcp, mut tpid, mut cfi) = (0u64, 0u64, 0x8100u64, 1u64);
            for (f, v) in text::pairs(a)? {
                match f {
                    "vid" => vid = text::num_max(v, 4095)?,
                    "pcp" => pcp = text::num_max(v, 7)?,
                    "tpid" => tpid = text::num_max(v, 0xffff)?,
                    "cfi" => cfi = text::num_max(v, 1)?,
                    _ => return Err(format!("push_vlan has no field `{f}`")),
                }
            }
            Action::PushVlan(OvsActionPushVlan {
                vlan_tpid: Be(tpid as u16),
                vlan_tci: Be((pcp << 13 | cfi << 12 | vid) as u16),
            })
        }
        ("push_mpls", Some(a)) => {
            let (lse, et) = mpls_args(a)?;
            Action::PushMpls(OvsActionPushMpls {
                mpls_lse: Be(lse),
                mpls_ethertype: Be(et),
                pad: [0; 2],
            })
        }
        ("pop_mpls", Some(a)) => {
            let v = a
                .strip_prefix("eth_type=")
                .ok_or_else(|| format!("`{part}`: expected pop_mpls(eth_type=..)"))?;
            Action::PopMpls(Be(text::num_max(v, 0xffff)? as u16))
        }
        ("push_eth", Some(a)) => {
            let mut p = OvsActionPushEth::default();
            for (f, v) in text::pairs(a)? {
                let (mac, _) = text::mac_masked(v)?;
                match f {
                    "src" => p.eth_src = mac,
                    "dst" => p.eth_dst = mac,
                    "type" => {}
                    _ => return Err(format!("push_eth has no field `{f}`")),
                }
            }
            Action::PushEth(p)
        }
        ("hash", Some(a)) => {
            let (alg, basis) = match text::item(a)? {
                ("l4", Some(b)) => (0, b),
                ("sym_l4", Some(b)) => (1, b),
                _ => return Err(format!("`{part}`: expected hash(l4(N)) or hash(sym_l4(N))")),
            };
            Action::Hash(OvsActionHash {
                hash_alg: alg,
                hash_basis: u32_arg(basis)?,
            })
        }
        ("sample", Some(a)) => {
            let parts = text::split_top(a)?;
            let [p, acts] = parts.as_slice() else {
                return Err(format!("`{part}`: expected sample(sample=P%,actions(...))"));
            };
            let pct: f64 = p
                .strip_prefix("sample=")
                .and_then(|x| x.strip_suffix('%'))
                .and_then(|x| x.parse().ok())
                .filter(|x| (0.0..=100.0).contains(x))
                .ok_or_else(|| format!("`{p}`: expected sample=PERCENT%"))?;
            let acts = match text::item(acts)? {
                ("actions", Some(x)) => parse(x)?,
                _ => return Err(format!("`{acts}`: expected actions(...)")),
            };
            let prob = (f64::from(u32::MAX) * (pct / 100.0) + 0.5).floor();
            Action::Sample(SampleAttrs {
                probability: Some(prob.clamp(0.0, f64::from(u32::MAX)) as u32),
                actions: Some(acts),
                ..Default::default()
            })
        }
        ("clone", Some(a)) => Action::Clone(parse(a)?),
        ("dec_ttl", Some(a)) => {
            let inner = match text::item(a)? {
                ("le_1", Some(x)) => parse(x)?,
                _ => return Err(format!("`{part}`: expected dec_ttl(le_1(...))")),
            };
            Action::DecTtl(DecTtlAttrs {
                action: Some(inner),
                ..Default::default()
            })
        }
        ("check_pkt_len", Some(a)) => {
            let parts = text::split_top(a)?;
            let [size, gt, le] = parts.as_slice() else {
                return Err(format!(
                    "`{part}`: expected check_pkt_len(size=N,gt(..),le(..))"
                ));
            };
            let size = size
                .strip_prefix("size=")
                .ok_or_else(|| format!("`{size}`: expected size=N"))?;
            let branch = |s: &str, want: &str| match text::item(s)? {
                (n, Some(x)) if n == want => parse(x),
                _ => Err(format!("`{s}`: expected {want}(...)")),
            };
            Action::CheckPktLen(CheckPktLenAttrs {
                pkt_len: Some(text::num_max(size, 0xffff)? as u16),
                actions_if_greater: Some(branch(gt, "gt")?),
                actions_if_less_equal: Some(branch(le, "le")?),
                ..Default::default()
            })
        }
        ("ct", Some(a)) => Action::Ct(ct(a)?),
        ("set", Some(a)) => set(a)?,
        (port, None) => Action::Output(
            text::num_max(port, u32::MAX.into()).map_err(|_| format!("unknown action `{port}`"))?
                as u32,
        ),
        _ => return Err(format!("unknown action `{part}`")),
    })
}

fn mpls_args(a: &str) -> Result<(u32, u16), String> {
    let (mut lse, mut et) = (0u32, None);
    for (f, v) in text::pairs(a)? {
        let (bits, shift) = match f {
            "label" => (20, 12),
            "tc" => (3, 9),
            "ttl" => (8, 0),
            "bos" => (1, 8),
            "eth_type" => {
                et = Some(text::num_max(v, 0xffff)? as u16);
                continue;
            }
            _ => return Err(format!("push_mpls has no field `{f}`")),
        };
        lse |= (text::num_max(v, (1 << bits) - 1)? as u32) << shift;
    }
    Ok((lse, et.ok_or("push_mpls needs eth_type=")?))
}

fn userspace(a: &str) -> Result<UserspaceAttrs, String> {
    let mut u = UserspaceAttrs::default();
    for p in text::split_top(a)? {
        match text::item(p)? {
            ("userdata", Some(hexs)) => {
                let hexs: String = hexs.chars().filter(|c| *c != '.').collect();
                if !hexs.len().is_multiple_of(2) {
                    return Err(format!("`{p}`: odd number of hex digits"));
                }
                let bytes = (0..hexs.len())
                    .step_by(2)
                    .map(|i| u8::from_str_radix(&hexs[i..i + 2], 16))
                    .collect::<Result<Vec<u8>, _>>()
                    .map_err(|_| format!("`{p}`: not hex"))?;
                // As ovs-dpctl sends it: at least 8 bytes, zero-padded.
                let mut bytes = bytes;
                if bytes.len() < 8 {
                    bytes.resize(8, 0);
                }
                u.userdata = Some(bytes);
            }
            ("actions", None) => u.actions = true,
            _ => match p.split_once('=') {
                Some(("pid", v)) => u.pid = Some(u32_arg(v)?),
                Some(("tunnel_out_port", v)) => u.egress_tun_port = Some(u32_arg(v)?),
                _ => return Err(format!("userspace: unsupported argument `{p}`")),
            },
        }
    }
    if u.pid.is_none() {
        return Err("userspace needs pid=".into());
    }
    Ok(u)
}

fn ct(a: &str) -> Result<CtAttrs, String> {
    let mut ct = CtAttrs::default();
    for p in text::split_top(a)? {
        if let ("nat", args) = text::item(p)? {
            ct.nat = Some(nat(args.unwrap_or(""))?);
            continue;
        }
        match p.split_once('=') {
            None if p == "commit" => ct.commit = true,
            None if p == "force_commit" => ct.force_commit = true,
            Some(("zone", v)) => {
                let z = text::num_max(v, 0xffff)? as u16;
                ct.zone = (z != 0).then_some(z);
            }
            Some(("mark", v)) => {
                let (val, m) = match v.split_once('/') {
                    Some((x, y)) => (hex_u32(x)?, hex_u32(y)?),
                    None => (hex_u32(v)?, u32::MAX),
                };
                if m != 0 {
                    let mut b = val.to_ne_bytes().to_vec();
                    b.extend(m.to_ne_bytes());
                    ct.mark = Some(b);
                }
            }
            Some(("label", v)) => {
                let (val, m) = text::u128_masked(v)?;
                if m != 0 {
                    let mut b = val.to_le_bytes().to_vec();
                    b.extend(m.to_le_bytes());
                    ct.labels = Some(b);
                }
            }
            Some(("helper", v)) if !v.is_empty() && v.len() <= 15 => ct.helper = Some(v.into()),
            Some(("timeout", v)) if !v.is_empty() && v.len() <= 31 => ct.timeout = Some(v.into()),
            _ => return Err(format!("ct: unsupported argument `{p}`")),
        }
    }
    if ct.commit && ct.force_commit {
        return Err("ct: commit and force_commit exclude each other".into());
    }
    // The kernel reads the attributes in order and takes NAT only after a
    // commit; force_commit comes after nat in attribute order, so commit
    // (before nat) is sent too. The kernel reports force_commit alone.
    if ct.force_commit && ct.nat.is_some() {
        ct.commit = true;
    }
    Ok(ct)
}

/// ct's `mark=` is hexadecimal with or without `0x`.
fn hex_u32(s: &str) -> Result<u32, String> {
    let h = s.strip_prefix("0x").unwrap_or(s);
    u32::from_str_radix(h, 16).map_err(|_| format!("`{s}` is not a hexadecimal number"))
}

fn nat(a: &str) -> Result<NatAttrs, String> {
    let mut n = NatAttrs::default();
    for p in text::split_top(a)? {
        let (kind, range) = match p.split_once('=') {
            Some((k, r)) => (k, Some(r)),
            None => (p, None),
        };
        match kind {
            "src" | "dst" => {
                if kind == "src" {
                    n.src = true;
                } else {
                    n.dst = true;
                }
                if let Some(r) = range {
                    nat_range(r, &mut n)?;
                }
            }
            "persistent" if range.is_none() => n.persistent = true,
            "hash" if range.is_none() => n.proto_hash = true,
            "random" if range.is_none() => n.proto_random = true,
            _ => return Err(format!("nat: unsupported argument `{p}`")),
        }
    }
    if n.src && n.dst {
        return Err("nat: only one of src and dst".into());
    }
    Ok(n)
}

/// `IP[-IP][:PORT[-PORT]]`, IPv6 addresses in brackets when a port follows.
fn nat_range(r: &str, n: &mut NatAttrs) -> Result<(), String> {
    let (addrs, ports) = if r.contains('[') {
        // [a]-[b]:p-q
        match r.rfind("]:") {
            Some(i) => (&r[..=i], Some(&r[i + 2..])),
            None => (r, None),
        }
    } else if r.matches(':').count() == 1 {
        let (a, p) = r.split_once(':').unwrap_or((r, ""));
        (a, Some(p))
    } else {
        (r, None)
    };
    let addr = |s: &str| -> Result<Vec<u8>, String> {
        let s = s.trim_start_matches('[').trim_end_matches(']');
        if let Ok(a) = s.parse::<Ipv4Addr>() {
            return Ok(a.octets().to_vec());
        }
        s.parse::<Ipv6Addr>()
            .map(|a| a.octets().to_vec())
            .map_err(|_| format!("`{s}` is not an IP address"))
    };
    let split = if addrs.contains(']') {
        addrs.split_once("]-")
    } else {
        addrs.split_once('-')
    };
    match split {
        Some((a, b)) => {
            n.ip_min = Some(addr(a)?);
            n.ip_max = Some(addr(b)?);
        }
        None => n.ip_min = Some(addr(addrs)?),
    }
    if let Some(p) = ports {
        match p.split_once('-') {
            Some((a, b)) => {
                n.proto_min = Some(text::num_max(a, 0xffff)? as u16);
                n.proto_max = Some(text::num_max(b, 0xffff)? as u16);
            }
            None => n.proto_min = Some(text::num_max(p, 0xffff)? as u16),
        }
    }
    Ok(())
}

/// `set(FIELD(...))`: a plain set when the mask covers the whole field,
/// else a masked set.
fn set(a: &str) -> Result<Action, String> {
    let m = flow::parse_attrs(a)?;
    let (k, mk) = (m.key, m.mask);
    let n = count(&k);
    if n != 1 {
        return Err(format!("set(...) takes exactly one field, not `{a}`"));
    }
    if k.tunnel.is_some() || full(&mk) {
        return Ok(Action::Set(Box::new(k)));
    }
    to_masked(&k, &mk)
        .map(Action::SetMasked)
        .ok_or_else(|| format!("set(...): `{a}` cannot be set with a mask"))
}

/// How many attributes a key has (the one `set` may carry).
fn count(k: &KeyAttrs) -> usize {
    [
        k.priority.is_some(),
        k.skb_mark.is_some(),
        k.tunnel.is_some(),
        k.ethernet.is_some(),
        k.ipv4.is_some(),
        k.ipv6.is_some(),
        k.tcp.is_some(),
        k.udp.is_some(),
        k.sctp.is_some(),
        k.mpls.is_some(),
        k.ct_mark.is_some(),
        k.ct_labels.is_some(),
        k.in_port.is_some(),
        k.ethertype.is_some(),
        k.vlan.is_some(),
        k.arp.is_some(),
        k.icmp.is_some(),
        k.icmpv6.is_some(),
        k.nd.is_some(),
        k.recirc_id.is_some(),
        k.dp_hash.is_some(),
        k.ct_state.is_some(),
        k.ct_zone.is_some(),
        k.tcp_flags.is_some(),
    ]
    .iter()
    .filter(|b| **b)
    .count()
}

/// Whether the one attribute of a mask has all bits set.
fn full(m: &KeyAttrs) -> bool {
    let ones = |b: &[u8]| b.iter().all(|x| *x == 0xff);
    if let Some(v) = m.priority.or(m.skb_mark).or(m.ct_mark) {
        return v == u32::MAX;
    }
    if let Some(e) = &m.ethernet {
        return ones(&e.eth_src) && ones(&e.eth_dst);
    }
    if let Some(i) = &m.ipv4 {
        return i.ipv4_src.0 == u32::MAX
            && i.ipv4_dst.0 == u32::MAX
            && [i.ipv4_proto, i.ipv4_tos, i.ipv4_ttl, i.ipv4_frag] == [0xff; 4];
    }
    if let Some(i) = &m.ipv6 {
        return ones(&i.ipv6_src)
            && ones(&i.ipv6_dst)
            && i.ipv6_label.0 == u32::MAX
            && [i.ipv6_proto, i.ipv6_tclass, i.ipv6_hlimit, i.ipv6_frag] == [0xff; 4];
    }
    if let Some(t) = &m.tcp {
        return t.tcp_src.0 == 0xffff && t.tcp_dst.0 == 0xffff;
    }
    if let Some(t) = &m.udp {
        return t.udp_src.0 == 0xffff && t.udp_dst.0 == 0xffff;
    }
    if let Some(t) = &m.sctp {
        return t.sctp_src.0 == 0xffff && t.sctp_dst.0 == 0xffff;
    }
    if let Some(l) = &m.mpls {
        return l.iter().all(|x| x.0 == u32::MAX);
    }
    if let Some(l) = &m.ct_labels {
        return ones(l);
    }
    // Attributes that have no masked form.
    true
}

fn u32m(v: u32, m: u32) -> OvsKeyU32Masked {
    OvsKeyU32Masked { value: v, mask: m }
}

/// A key attribute and its mask as a masked-set attribute.
fn to_masked(k: &KeyAttrs, m: &KeyAttrs) -> Option<MaskedKeyAttrs> {
    let mut o = MaskedKeyAttrs::default();
    if let (Some(v), Some(mm)) = (k.priority, m.priority) {
        o.priority = Some(u32m(v, mm));
    } else if let (Some(v), Some(mm)) = (k.skb_mark, m.skb_mark) {
        o.skb_mark = Some(u32m(v, mm));
    } else if let (Some(v), Some(mm)) = (k.ct_mark, m.ct_mark) {
        o.ct_mark = Some(u32m(v, mm));
    } else if let (Some(v), Some(mm)) = (&k.ethernet, &m.ethernet) {
        o.ethernet = Some(OvsKeyEthernetMasked {
            eth_src: v.eth_src,
            eth_dst: v.eth_dst,
            eth_src_mask: mm.eth_src,
            eth_dst_mask: mm.eth_dst,
        });
    } else if let (Some(v), Some(mm)) = (&k.ipv4, &m.ipv4) {
        o.ipv4 = Some(OvsKeyIpv4Masked {
            ipv4_src: v.ipv4_src,
            ipv4_dst: v.ipv4_dst,
            ipv4_proto: v.ipv4_proto,
            ipv4_tos: v.ipv4_tos,
            ipv4_ttl: v.ipv4_ttl,
            ipv4_frag: v.ipv4_frag,
            ipv4_src_mask: mm.ipv4_src,
            ipv4_dst_mask: mm.ipv4_dst,
            ipv4_proto_mask: mm.ipv4_proto,
            ipv4_tos_mask: mm.ipv4_tos,
            ipv4_ttl_mask: mm.ipv4_ttl,
            ipv4_frag_mask: mm.ipv4_frag,
        });
    } else if let (Some(v), Some(mm)) = (&k.ipv6, &m.ipv6) {
        o.ipv6 = Some(OvsKeyIpv6Masked {
            ipv6_src: v.ipv6_src,
            ipv6_dst: v.ipv6_dst,
            ipv6_label: v.ipv6_label,
            ipv6_proto: v.ipv6_proto,
            ipv6_tclass: v.ipv6_tclass,
            ipv6_hlimit: v.ipv6_hlimit,
            ipv6_frag: v.ipv6_frag,
            ipv6_src_mask: mm.ipv6_src,
            ipv6_dst_mask: mm.ipv6_dst,
            ipv6_label_mask: mm.ipv6_label,
            ipv6_proto_mask: mm.ipv6_proto,
            ipv6_tclass_mask: mm.ipv6_tclass,
            ipv6_hlimit_mask: mm.ipv6_hlimit,
            ipv6_frag_mask: mm.ipv6_frag,
        });
    } else if let (Some(v), Some(mm)) = (&k.tcp, &m.tcp) {
        o.tcp = Some(ports(v.tcp_src, v.tcp_dst, mm.tcp_src, mm.tcp_dst));
    } else if let (Some(v), Some(mm)) = (&k.udp, &m.udp) {
        o.udp = Some(ports(v.udp_src, v.udp_dst, mm.udp_src, mm.udp_dst));
    } else if let (Some(v), Some(mm)) = (&k.sctp, &m.sctp) {
        o.sctp = Some(ports(v.sctp_src, v.sctp_dst, mm.sctp_src, mm.sctp_dst));
    } else if let (Some(v), Some(mm)) = (&k.mpls, &m.mpls) {
        let (v, mm) = (v.first()?, mm.first()?);
        o.mpls = Some(OvsKeyMplsMasked {
            mpls_lse: *v,
            mpls_lse_mask: *mm,
        });
    } else if let (Some(v), Some(mm)) = (&k.ct_labels, &m.ct_labels) {
        let mut b = v.clone();
        b.extend(mm);
        o.ct_labels = Some(b);
    } else {
        return None;
    }
    Some(o)
}

fn ports(s: Be<u16>, d: Be<u16>, ms: Be<u16>, md: Be<u16>) -> OvsKeyPortsMasked {
    OvsKeyPortsMasked {
        src: s,
        dst: d,
        src_mask: ms,
        dst_mask: md,
    }
}

/// A masked-set attribute as a key and its mask.
fn from_masked(o: &MaskedKeyAttrs) -> (KeyAttrs, KeyAttrs) {
    let (mut k, mut m) = (KeyAttrs::default(), KeyAttrs::default());
    if let Some(x) = o.priority {
        (k.priority, m.priority) = (Some(x.value), Some(x.mask));
    }
    if let Some(x) = o.skb_mark {
        (k.skb_mark, m.skb_mark) = (Some(x.value), Some(x.mask));
    }
    if let Some(x) = o.ct_mark {
        (k.ct_mark, m.ct_mark) = (Some(x.value), Some(x.mask));
    }
    if let Some(x) = &o.ethernet {
        k.ethernet = Some(genl_ovs::flow::OvsKeyEthernet {
            eth_src: x.eth_src,
            eth_dst: x.eth_dst,
        });
        m.ethernet = Some(genl_ovs::flow::OvsKeyEthernet {
            eth_src: x.eth_src_mask,
            eth_dst: x.eth_dst_mask,
        });
    }
    if let Some(x) = &o.ipv4 {
        k.ipv4 = Some(OvsKeyIpv4 {
            ipv4_src: x.ipv4_src,
            ipv4_dst: x.ipv4_dst,
            ipv4_proto: x.ipv4_proto,
            ipv4_tos: x.ipv4_tos,
            ipv4_ttl: x.ipv4_ttl,
            ipv4_frag: x.ipv4_frag,
        });
        m.ipv4 = Some(OvsKeyIpv4 {
            ipv4_src: x.ipv4_src_mask,
            ipv4_dst: x.ipv4_dst_mask,
            ipv4_proto: x.ipv4_proto_mask,
            ipv4_tos: x.ipv4_tos_mask,
            ipv4_ttl: x.ipv4_ttl_mask,
            ipv4_frag: x.ipv4_frag_mask,
        });
    }
    if let Some(x) = &o.ipv6 {
        k.ipv6 = Some(OvsKeyIpv6 {
            ipv6_src: x.ipv6_src,
            ipv6_dst: x.ipv6_dst,
            ipv6_label: x.ipv6_label,
            ipv6_proto: x.ipv6_proto,
            ipv6_tclass: x.ipv6_tclass,
            ipv6_hlimit: x.ipv6_hlimit,
            ipv6_frag: x.ipv6_frag,
        });
        m.ipv6 = Some(OvsKeyIpv6 {
            ipv6_src: x.ipv6_src_mask,
            ipv6_dst: x.ipv6_dst_mask,
            ipv6_label: x.ipv6_label_mask,
            ipv6_proto: x.ipv6_proto_mask,
            ipv6_tclass: x.ipv6_tclass_mask,
            ipv6_hlimit: x.ipv6_hlimit_mask,
            ipv6_frag: x.ipv6_frag_mask,
        });
    }
    if let Some(x) = &o.tcp {
        k.tcp = Some(OvsKeyTcp {
            tcp_src: x.src,
            tcp_dst: x.dst,
        });
        m.tcp = Some(OvsKeyTcp {
            tcp_src: x.src_mask,
            tcp_dst: x.dst_mask,
        });
    }
    if let Some(x) = &o.udp {
        k.udp = Some(OvsKeyUdp {
            udp_src: x.src,
            udp_dst: x.dst,
        });
        m.udp = Some(OvsKeyUdp {
            udp_src: x.src_mask,
            udp_dst: x.dst_mask,
        });
    }
    if let Some(x) = &o.sctp {
        k.sctp = Some(OvsKeySctp {
            sctp_src: x.src,
            sctp_dst: x.dst,
        });
        m.sctp = Some(OvsKeySctp {
            sctp_src: x.src_mask,
            sctp_dst: x.dst_mask,
        });
    }
    if let Some(x) = &o.mpls {
        (k.mpls, m.mpls) = (Some(vec![x.mpls_lse]), Some(vec![x.mpls_lse_mask]));
    }
    if let Some(x) = &o.ct_labels {
        let h = x.len() / 2;
        (k.ct_labels, m.ct_labels) = (Some(x[..h].to_vec()), Some(x[h..].to_vec()));
    }
    (k, m)
}

/// Prints an action list as ovs-dpctl does (`drop` when it is empty).
pub fn format(actions: &[Action]) -> String {
    if actions.is_empty() {
        return "drop".to_owned();
    }
    actions.iter().map(one).collect::<Vec<_>>().join(",")
}

fn one(a: &Action) -> String {
    match a {
        Action::Output(p) => p.to_string(),
        Action::PopVlan => "pop_vlan".into(),
        Action::PopEth => "pop_eth".into(),
        Action::PopNsh => "pop_nsh()".into(),
        Action::CtClear => "ct_clear".into(),
        Action::Drop(_) => "drop".into(),
        Action::Recirc(r) => format!("recirc({})", hex((*r).into())),
        Action::Meter(m) => format!("meter({m})"),
        Action::Trunc(t) => format!("trunc({})", t.max_len),
        Action::Userspace(u) => {
            let mut s = format!("userspace(pid={}", u.pid.unwrap_or(0));
            if let Some(d) = &u.userdata {
                s += ",userdata(";
                for b in d {
                    s += &format!("{b:02x}");
                }
                s += ")";
            }
            if u.actions {
                s += ",actions";
            }
            if let Some(p) = u.egress_tun_port {
                s += &format!(",tunnel_out_port={p}");
            }
            s + ")"
        }
        Action::PushVlan(v) => {
            let tpid = if v.vlan_tpid.0 == 0x8100 {
                String::new()
            } else {
                format!("tpid=0x{:04x},", v.vlan_tpid.0)
            };
            format!(
                "push_vlan({tpid}{})",
                flow::vlan_tci(v.vlan_tci.0, 0xffff, false)
            )
        }
        Action::PushMpls(p) => format!(
            "push_mpls({},eth_type=0x{:x})",
            flow::mpls_lse(p.mpls_lse.0),
            p.mpls_ethertype.0
        ),
        Action::AddMpls(p) => format!(
            "add_mpls({},eth_type=0x{:x})",
            flow::mpls_lse(p.mpls_lse.0),
            p.mpls_ethertype.0
        ),
        Action::PopMpls(e) => format!("pop_mpls(eth_type=0x{:x})", e.0),
        Action::PushEth(p) => format!(
            "push_eth(src={},dst={})",
            text::mac(&p.eth_src),
            text::mac(&p.eth_dst)
        ),
        Action::Hash(h) => match h.hash_alg {
            0 => format!("hash(l4({}))", h.hash_basis),
            1 => format!("hash(sym_l4({}))", h.hash_basis),
            n => format!("hash(Unknown hash algorithm({n}))"),
        },
        Action::Sample(s) => {
            let pct = 100.0 * f64::from(s.probability.unwrap_or(0)) / f64::from(u32::MAX);
            format!(
                "sample(sample={pct:.1}%,actions({}))",
                format(s.actions.as_deref().unwrap_or(&[]))
            )
        }
        Action::Clone(c) => format!("clone({})", format(c)),
        Action::DecTtl(d) => format!(
            "dec_ttl(le_1({}))",
            format(d.action.as_deref().unwrap_or(&[]))
        ),
        Action::CheckPktLen(c) => format!(
            "check_pkt_len(size={},gt({}),le({}))",
            c.pkt_len.unwrap_or(0),
            format(c.actions_if_greater.as_deref().unwrap_or(&[])),
            format(c.actions_if_less_equal.as_deref().unwrap_or(&[]))
        ),
        Action::Ct(ct) => format_ct(ct),
        Action::Set(k) => format!("set({})", flow::format(k, None, true)),
        Action::SetMasked(m) => {
            let (k, mk) = from_masked(m);
            format!("set({})", flow::format_attrs_masked(&k, &mk))
        }
        other => format!("{other:?}"),
    }
}

fn format_ct(ct: &CtAttrs) -> String {
    let mut f = Vec::new();
    if ct.commit && !ct.force_commit {
        f.push("commit".to_owned());
    }
    if ct.force_commit {
        f.push("force_commit".to_owned());
    }
    if let Some(z) = ct.zone.filter(|z| *z != 0) {
        f.push(format!("zone={z}"));
    }
    if let Some(m) = ct.mark.as_deref().filter(|m| m.len() == 8) {
        let v = u32::from_ne_bytes([m[0], m[1], m[2], m[3]]);
        let mm = u32::from_ne_bytes([m[4], m[5], m[6], m[7]]);
        f.push(format!("mark={}/{}", hex(v.into()), hex(mm.into())));
    }
    if let Some(l) = ct.labels.as_deref().filter(|l| l.len() == 32) {
        let v = u128::from_le_bytes(l[..16].try_into().unwrap_or_default());
        let m = u128::from_le_bytes(l[16..].try_into().unwrap_or_default());
        let h = |x: u128| {
            if x == 0 {
                "0".into()
            } else {
                format!("{x:#x}")
            }
        };
        let mut s = format!("label={}", h(v));
        if m != u128::MAX {
            s += &format!("/{}", h(m));
        }
        f.push(s);
    }
    if let Some(h) = &ct.helper {
        f.push(format!("helper={h}"));
    }
    if let Some(t) = &ct.timeout {
        f.push(format!("timeout={t}"));
    }
    if let Some(n) = &ct.nat {
        f.push(format_nat(n));
    }
    if f.is_empty() {
        "ct".into()
    } else {
        format!("ct({})", f.join(","))
    }
}

fn format_nat(n: &NatAttrs) -> String {
    if !(n.src || n.dst) {
        return "nat".into();
    }
    let mut s = String::from(if n.src { "nat(src" } else { "nat(dst" });
    let pmin = n.proto_min.unwrap_or(0);
    let pmax = n.proto_max.unwrap_or(0);
    if let Some(min) = &n.ip_min {
        s.push('=');
        let max = n.ip_max.clone().unwrap_or_default();
        if min.len() == 4 {
            let a = |b: &[u8]| Ipv4Addr::new(b[0], b[1], b[2], b[3]).to_string();
            s += &a(min);
            if max.len() == 4 && max != [0; 4] && &max != min {
                s += &format!("-{}", a(&max));
            }
        } else if min.len() == 16 {
            let a = |b: &[u8]| {
                let arr: [u8; 16] = b.try_into().unwrap_or_default();
                let t = Ipv6Addr::from(arr).to_string();
                if pmin != 0 { format!("[{t}]") } else { t }
            };
            s += &a(min);
            if max.len() == 16 && max.iter().any(|b| *b != 0) && &max != min {
                s += &format!("-{}", a(&max));
            }
        }
        if pmin != 0 {
            s += &format!(":{pmin}");
            if pmax != 0 && pmax != pmin {
                s += &format!("-{pmax}");
            }
        }
    }
    if n.persistent {
        s += ",persistent";
    }
    if n.proto_hash {
        s += ",hash";
    }
    if n.proto_random {
        s += ",random";
    }
    s + ")"
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips() {
        for s in [
            "drop",
            "1",
            "1,2,3",
            "push_vlan(vid=10,pcp=0),1",
            "push_vlan(vid=4095,pcp=7),pop_vlan,2",
            "push_vlan(tpid=0x88a8,vid=5,pcp=1)",
            "push_vlan(vid=5,pcp=0,cfi=0)",
            "recirc(0x1)",
            "ct(commit,zone=1),recirc(0x2)",
            "ct",
            "ct_clear",
            "meter(3),1",
            "trunc(100),1",
            "userspace(pid=4)",
            "userspace(pid=4,userdata(0102ff0000000000),actions,tunnel_out_port=3)",
            // set: every field is a plain set, some fields a masked one.
            "set(ipv4(src=10.0.0.1,dst=10.0.0.2,proto=6,tos=0,ttl=64,frag=no))",
            "set(ipv4(dst=10.0.0.1))",
            "set(ipv4(src=10.0.0.0/255.0.0.0,ttl=9))",
            "set(eth(src=00:01:02:03:04:05,dst=0a:0b:0c:0d:0e:0f))",
            "set(eth(dst=0a:0b:0c:0d:0e:0f)),1",
            "set(tcp(dst=8080))",
            "set(udp(src=1,dst=2))",
            "set(sctp(src=5))",
            "set(ipv6(dst=2001:db8::1,hlimit=9))",
            "set(skb_mark(0x5))",
            "set(skb_mark(0x5/0xff))",
            "set(skb_priority(0x7))",
            "set(mpls(label=5,tc=0,ttl=64,bos=1))",
            "set(tunnel(tun_id=0x7,dst=10.0.0.9,ttl=64,flags(df|key)))",
            // Nested and other actions.
            "hash(l4(0)),recirc(0x7)",
            "hash(sym_l4(5))",
            "sample(sample=50.0%,actions(1,2))",
            "sample(sample=100.0%,actions(drop))",
            "clone(push_vlan(vid=7,pcp=0),1),2",
            "clone(drop)",
            "check_pkt_len(size=200,gt(1),le(2,3))",
            "check_pkt_len(size=64,gt(drop),le(clone(1)))",
            "dec_ttl(le_1(2)),1",
            "push_mpls(label=100,tc=0,ttl=64,bos=1,eth_type=0x8847),1",
            "pop_mpls(eth_type=0x800)",
            "push_eth(src=00:01:02:03:04:05,dst=0a:0b:0c:0d:0e:0f),pop_eth",
            // Connection tracking with NAT.
            "ct(commit,zone=5,mark=0x1/0xff,label=0x1234/0xffff)",
            "ct(force_commit,helper=ftp,timeout=t1)",
            "ct(force_commit,nat(dst=10.1.1.1:80,hash)),ct_clear",
            "ct(nat)",
            "ct(commit,nat(src=10.0.0.1))",
            "ct(commit,nat(src=10.0.0.1-10.0.0.9:1000-2000,persistent,random))",
            "ct(nat(dst=10.1.1.1:80,hash))",
            "ct(commit,nat(src=[2001:db8::1]-[2001:db8::9]:5-6))",
            "ct(commit,nat(dst=2001:db8::1))",
        ] {
            let a = parse(s).unwrap_or_else(|e| panic!("{s}: {e}"));
            assert_eq!(format(&a), s);
        }
    }

    #[test]
    fn set_kinds() {
        let full = parse("set(udp(src=1,dst=2))").unwrap();
        assert!(matches!(full[0], Action::Set(_)));
        let part = parse("set(udp(dst=2))").unwrap();
        assert!(matches!(part[0], Action::SetMasked(_)));
        let tun = parse("set(tunnel(dst=1.2.3.4))").unwrap();
        assert!(matches!(tun[0], Action::Set(_)));
    }

    #[test]
    fn sample_probability() {
        let a = parse("sample(sample=25.0%,actions(1))").unwrap();
        let Action::Sample(s) = &a[0] else {
            panic!("{a:?}")
        };
        assert_eq!(s.probability, Some(1_073_741_824));
    }

    #[test]
    fn bad_actions_are_errors() {
        for s in [
            "foo",
            "push_vlan(vid=5000)",
            "ct(bogus)",
            "ct(commit,force_commit)",
            "ct(nat(src,dst))",
            "recirc(x)",
            "1(",
            "set(ipv4(dst=1.2.3.4),eth())",
            "set(in_port(1)/0)",
            "hash(l3(1))",
            "sample(sample=150%,actions(1))",
            "check_pkt_len(size=1,gt(1))",
            "push_mpls(label=1)",
            "userspace(userdata(1))",
        ] {
            assert!(parse(s).is_err(), "{s}");
        }
    }
}
