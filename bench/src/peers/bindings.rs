//! netlink-bindings 0.3 (features `ovs_flow`, `ovs_packet`): flows encoded
//! with its push builders and read with its attribute iterators.

use super::{Flow, Key, MissRead, Tunnel};
use netlink_bindings::ovs_flow::{
    self, ActionAttrs, FlowAttrs, IterableKeyAttrs, IterableTunnelKeyAttrs, KeyAttrs,
    OvsActionPushVlan, OvsFlowStats, OvsHeader, OvsKeyEthernet, OvsKeyIpv4, OvsKeyTcp,
    PushKeyAttrs, PushTunnelKeyAttrs, TunnelKeyAttrs,
};
use netlink_bindings::ovs_packet::{self, Packet};
use netlink_bindings::traits::Pusher;
use netlink_bindings::utils::ErrorContext;

fn tunnel<P: Pusher>(p: PushTunnelKeyAttrs<P>, t: &Tunnel) -> P {
    p.push_id(t.id)
        .push_ipv4_src(t.src)
        .push_ipv4_dst(t.dst)
        .push_tos(t.tos)
        .push_ttl(t.ttl)
        .push_tp_dst(t.tp_dst)
        .end_nested()
}

fn key<P: Pusher>(p: PushKeyAttrs<P>, k: &Key) -> P {
    let p = p
        .push_in_port(k.in_port)
        .push_ethernet(OvsKeyEthernet::new_from_array(k.eth))
        .push_ethertype(k.eth_type)
        .push_ipv4(OvsKeyIpv4::new_from_array(k.ipv4))
        .push_tcp(OvsKeyTcp::new_from_array(super::tcp_ports(k)));
    tunnel(p.nested_tunnel(), &k.tunnel).end_nested()
}

/// Writes the genl payload of a flow message after what `buf` holds.
pub fn encode_flow(buf: &mut Vec<u8>, dp_ifindex: i32, f: &Flow) {
    let header = OvsHeader {
        dp_ifindex: dp_ifindex as u32,
    };
    let p = ovs_flow::OpNewDo::encode_request(buf, &header);
    let p = key(p.nested_key(), &f.key);
    let set = tunnel(
        p.nested_actions().nested_set().nested_tunnel(),
        &f.set_tunnel,
    );
    let mut p = set
        .end_nested()
        .push_push_vlan(OvsActionPushVlan::new_from_array(super::vlan(f)))
        .push_output(f.output)
        .end_nested();
    if let Some((n_packets, n_bytes)) = f.stats {
        p = p.push_stats(OvsFlowStats::new_from_array(super::stats(
            n_packets, n_bytes,
        )));
    }
    if let Some(t) = f.tcp_flags {
        p = p.push_tcp_flags(t);
    }
    if let Some(u) = f.used {
        p = p.push_used(u);
    }
    key(p.nested_mask(), &f.mask).push_ufid(&f.ufid);
}

fn read_tunnel(attrs: IterableTunnelKeyAttrs<'_>) -> Result<Tunnel, ErrorContext> {
    let mut t = Tunnel::default();
    for a in attrs {
        match a? {
            TunnelKeyAttrs::Id(v) => t.id = v,
            TunnelKeyAttrs::Ipv4Src(v) => t.src = v,
            TunnelKeyAttrs::Ipv4Dst(v) => t.dst = v,
            TunnelKeyAttrs::Tos(v) => t.tos = v,
            TunnelKeyAttrs::Ttl(v) => t.ttl = v,
            TunnelKeyAttrs::TpDst(v) => t.tp_dst = v,
            _ => {}
        }
    }
    Ok(t)
}

fn read_key(attrs: IterableKeyAttrs<'_>) -> Result<Key, ErrorContext> {
    let mut k = Key::default();
    for a in attrs {
        match a? {
            KeyAttrs::InPort(v) => k.in_port = v,
            KeyAttrs::Ethernet(e) => k.eth = e.into_array(),
            KeyAttrs::Ethertype(v) => k.eth_type = v,
            KeyAttrs::Ipv4(i) => k.ipv4 = i.into_array(),
            KeyAttrs::Tcp(t) => {
                k.tcp_src = t.tcp_src();
                k.tcp_dst = t.tcp_dst();
            }
            KeyAttrs::Tunnel(t) => k.tunnel = read_tunnel(t)?,
            _ => {}
        }
    }
    Ok(k)
}

/// Reads every field of a flow message's genl payload.
pub fn decode_flow(buf: &[u8]) -> Result<(i32, Flow), ErrorContext> {
    let (header, attrs) = ovs_flow::OpGetDump::decode_request(buf);
    let mut f = Flow::default();
    for a in attrs {
        match a? {
            FlowAttrs::Key(k) => f.key = read_key(k)?,
            FlowAttrs::Mask(k) => f.mask = read_key(k)?,
            FlowAttrs::Actions(actions) => {
                for a in actions {
                    match a? {
                        ActionAttrs::Set(k) => {
                            for s in k {
                                if let KeyAttrs::Tunnel(t) = s? {
                                    f.set_tunnel = read_tunnel(t)?;
                                }
                            }
                        }
                        ActionAttrs::PushVlan(v) => {
                            f.vlan_tpid = v.vlan_tpid();
                            f.vlan_tci = v.vlan_tci();
                        }
                        ActionAttrs::Output(p) => f.output = p,
                        _ => {}
                    }
                }
            }
            FlowAttrs::Stats(s) => {
                let s = s.into_array();
                let n = |at: usize| {
                    u64::from_ne_bytes([
                        s[at],
                        s[at + 1],
                        s[at + 2],
                        s[at + 3],
                        s[at + 4],
                        s[at + 5],
                        s[at + 6],
                        s[at + 7],
                    ])
                };
                f.stats = Some((n(0), n(8)));
            }
            FlowAttrs::TcpFlags(t) => f.tcp_flags = Some(t),
            FlowAttrs::Used(u) => f.used = Some(u),
            FlowAttrs::Ufid(u) => {
                let n = u.len().min(16);
                f.ufid[..n].copy_from_slice(&u[..n]);
            }
            _ => {}
        }
    }
    Ok((header.dp_ifindex as i32, f))
}

/// Reads every field of a MISS upcall's genl payload. The packet
/// family's spec types the key as plain bytes (it cannot refer to the
/// flow family's key set), so the key is read with `ovs_flow`'s
/// `KeyAttrs::new`.
pub fn decode_miss(buf: &[u8]) -> Result<MissRead, ErrorContext> {
    let (header, attrs) = ovs_packet::OpExecuteDo::decode_request(buf);
    let mut m = MissRead {
        dp_ifindex: header.dp_ifindex as i32,
        ..Default::default()
    };
    for a in attrs {
        match a? {
            Packet::Packet(p) => {
                m.packet_len = p.len();
                m.packet_last = p.last().copied().unwrap_or(0);
            }
            Packet::Key(k) => m.key = read_key(KeyAttrs::new(k))?,
            Packet::Hash(h) => m.hash = h,
            _ => {}
        }
    }
    Ok(m)
}
