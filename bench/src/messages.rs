//! The messages every implementation encodes and decodes, built with
//! genl's typed structs (`genl_ovs`).

use genl_ovs::flow::{
    Action, GetDumpReply, KeyAttrs, NewDoRequest, OvsActionPushVlan, OvsFlowStats, OvsHeader,
    OvsKeyEthernet, OvsKeyIpv4, OvsKeyTcp, TunnelKeyAttrs,
};
use genl_ovs::packet::MissEvent;
use genl_runtime::CStruct;
use genl_runtime::wire::{Be, Writer};

/// The datapath every message names.
pub const DP_IFINDEX: i32 = 7;

/// The tunnel metadata of the key (a VXLAN tunnel).
pub fn tunnel() -> TunnelKeyAttrs {
    TunnelKeyAttrs {
        id: Some(Be(0x1234)),
        ipv4_src: Some(Be(0x0a00_0001)),
        ipv4_dst: Some(Be(0x0a00_0002)),
        tos: Some(0),
        ttl: Some(64),
        tp_dst: Some(Be(4789)),
        ..Default::default()
    }
}

/// A realistic flow key: in_port, Ethernet, ethertype, IPv4, TCP, tunnel.
pub fn key() -> KeyAttrs {
    KeyAttrs {
        in_port: Some(1),
        ethernet: Some(OvsKeyEthernet {
            eth_src: [0x02, 0, 0, 0, 0, 1],
            eth_dst: [0x02, 0, 0, 0, 0, 2],
        }),
        ethertype: Some(Be(0x0800)),
        ipv4: Some(OvsKeyIpv4 {
            ipv4_src: Be(0xc0a8_0001),
            ipv4_dst: Be(0xc0a8_0002),
            ipv4_proto: 6,
            ipv4_tos: 0,
            ipv4_ttl: 64,
            ipv4_frag: 0,
        }),
        tcp: Some(OvsKeyTcp {
            tcp_src: Be(40000),
            tcp_dst: Be(80),
        }),
        tunnel: Some(tunnel()),
        ..Default::default()
    }
}

/// The mask of [`key`]: every field exact but the IPv4 TTL and TOS.
pub fn mask() -> KeyAttrs {
    KeyAttrs {
        in_port: Some(u32::MAX),
        ethernet: Some(OvsKeyEthernet {
            eth_src: [0xff; 6],
            eth_dst: [0xff; 6],
        }),
        ethertype: Some(Be(0xffff)),
        ipv4: Some(OvsKeyIpv4 {
            ipv4_src: Be(u32::MAX),
            ipv4_dst: Be(u32::MAX),
            ipv4_proto: 0xff,
            ipv4_tos: 0,
            ipv4_ttl: 0,
            ipv4_frag: 0xff,
        }),
        tcp: Some(OvsKeyTcp {
            tcp_src: Be(0xffff),
            tcp_dst: Be(0xffff),
        }),
        tunnel: Some(TunnelKeyAttrs {
            id: Some(Be(u64::MAX)),
            ipv4_src: Some(Be(u32::MAX)),
            ipv4_dst: Some(Be(u32::MAX)),
            tos: Some(0xff),
            ttl: Some(0xff),
            tp_dst: Some(Be(0xffff)),
            ..Default::default()
        }),
        ..Default::default()
    }
}

/// The actions: set(tunnel), push_vlan, output.
pub fn actions() -> Vec<Action> {
    vec![
        Action::Set(Box::new(KeyAttrs {
            tunnel: Some(TunnelKeyAttrs {
                id: Some(Be(0x5678)),
                ipv4_src: Some(Be(0x0a00_0001)),
                ipv4_dst: Some(Be(0x0a00_0003)),
                tos: Some(0),
                ttl: Some(64),
                tp_dst: Some(Be(4789)),
                ..Default::default()
            }),
            ..Default::default()
        })),
        Action::PushVlan(OvsActionPushVlan {
            vlan_tpid: Be(0x8100),
            vlan_tci: Be(0x1000 | 100),
        }),
        Action::Output(2),
    ]
}

/// The unique flow id of the flow.
pub const UFID: [u8; 16] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15];

/// OVS_FLOW_CMD_NEW with key, mask, actions and ufid.
pub fn flow_new() -> NewDoRequest {
    NewDoRequest {
        key: Some(Box::new(key())),
        actions: Some(actions()),
        mask: Some(Box::new(mask())),
        ufid: Some(UFID.to_vec()),
        ..Default::default()
    }
}

/// One reply of a flow dump: the flow with its counters.
pub fn flow_dump_reply() -> GetDumpReply {
    GetDumpReply {
        key: Some(Box::new(key())),
        actions: Some(actions()),
        stats: Some(OvsFlowStats {
            n_packets: 1000,
            n_bytes: 1_500_000,
        }),
        tcp_flags: Some(0x12),
        used: Some(123_456_789),
        mask: Some(Box::new(mask())),
        ufid: Some(UFID.to_vec()),
        ..Default::default()
    }
}

/// A 1500-byte TCP packet matching [`key`].
pub fn packet() -> Vec<u8> {
    let mut p = vec![0u8; 1500];
    p[0..6].copy_from_slice(&[0x02, 0, 0, 0, 0, 2]);
    p[6..12].copy_from_slice(&[0x02, 0, 0, 0, 0, 1]);
    p[12..14].copy_from_slice(&[0x08, 0x00]);
    for (i, b) in p[14..].iter_mut().enumerate() {
        *b = i as u8;
    }
    p
}

/// A MISS upcall: the packet and its key.
pub fn miss() -> MissEvent {
    MissEvent {
        packet: Some(packet()),
        key: Some(key()),
        len: None,
        hash: Some(0x1_dead_beef),
        ..Default::default()
    }
}

/// Writes the genl payload of a message (struct ovs_header, then the
/// attributes) after what `buf` holds, the way genl's connection does.
pub fn encode_payload<M: genl_runtime::GenlMessage>(msg: &M, buf: &mut Vec<u8>) {
    OvsHeader {
        dp_ifindex: DP_IFINDEX,
    }
    .write(buf);
    msg.encode(&mut Writer::new(buf));
}

/// The genl payload of a message in a new buffer.
pub fn payload<M: genl_runtime::GenlMessage>(msg: &M) -> Vec<u8> {
    let mut buf = Vec::new();
    encode_payload(msg, &mut buf);
    buf
}

/// The floor's form of [`flow_new`] (or of [`flow_dump_reply`] with
/// `reply`).
pub fn floor_flow(reply: bool) -> crate::floor::Flow {
    use crate::floor::{Flow, Key, Tunnel};
    fn tun(t: &TunnelKeyAttrs) -> Tunnel {
        Tunnel {
            id: t.id.map_or(0, |v| v.0),
            src: t.ipv4_src.map_or(0, |v| v.0),
            dst: t.ipv4_dst.map_or(0, |v| v.0),
            tos: t.tos.unwrap_or(0),
            ttl: t.ttl.unwrap_or(0),
            tp_dst: t.tp_dst.map_or(0, |v| v.0),
        }
    }
    fn k(k: &KeyAttrs) -> Key {
        let mut eth = [0u8; 12];
        let mut ipv4 = Vec::new();
        if let Some(e) = k.ethernet {
            eth[..6].copy_from_slice(&e.eth_src);
            eth[6..].copy_from_slice(&e.eth_dst);
        }
        if let Some(i) = k.ipv4 {
            i.write(&mut ipv4);
        }
        let tcp = k.tcp.unwrap_or_default();
        Key {
            in_port: k.in_port.unwrap_or(0),
            eth,
            eth_type: k.ethertype.map_or(0, |v| v.0),
            ipv4: ipv4.try_into().unwrap_or([0; 12]),
            tcp_src: tcp.tcp_src.0,
            tcp_dst: tcp.tcp_dst.0,
            tunnel: k.tunnel.as_ref().map(tun).unwrap_or_default(),
        }
    }
    let set = match &actions()[0] {
        Action::Set(s) => s.tunnel.as_ref().map(tun).unwrap_or_default(),
        _ => Tunnel::default(),
    };
    Flow {
        key: k(&key()),
        mask: k(&mask()),
        set_tunnel: set,
        vlan_tpid: 0x8100,
        vlan_tci: 0x1000 | 100,
        output: 2,
        ufid: UFID,
        stats: reply.then_some((1000, 1_500_000)),
        tcp_flags: reply.then_some(0x12),
        used: reply.then_some(123_456_789),
    }
}
