//! What the peers share: the upcall reading their decoders return, and the
//! fixed structs they build from a [`Flow`].

use crate::floor::{Flow, Key};

/// What a MISS upcall decoder reads: the header, the packet (its length and
/// last byte: the packet itself stays where it is, or where the library put
/// it), every field of the key, and the hash.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct MissRead {
    /// `ovs_header.dp_ifindex`.
    pub dp_ifindex: i32,
    /// Length of the packet.
    pub packet_len: usize,
    /// Last byte of the packet.
    pub packet_last: u8,
    /// The key.
    pub key: Key,
    /// The skb hash.
    pub hash: u64,
}

impl MissRead {
    /// The same reading of the floor's decoded upcall.
    pub fn of_floor(dp_ifindex: i32, m: &crate::floor::Miss<'_>) -> MissRead {
        MissRead {
            dp_ifindex,
            packet_len: m.packet.len(),
            packet_last: m.packet.last().copied().unwrap_or(0),
            key: m.key,
            hash: m.hash,
        }
    }
}

pub(super) fn tcp_ports(k: &Key) -> [u8; 4] {
    let mut t = [0u8; 4];
    t[..2].copy_from_slice(&k.tcp_src.to_be_bytes());
    t[2..].copy_from_slice(&k.tcp_dst.to_be_bytes());
    t
}

pub(super) fn vlan(f: &Flow) -> [u8; 4] {
    let mut v = [0u8; 4];
    v[..2].copy_from_slice(&f.vlan_tpid.to_be_bytes());
    v[2..].copy_from_slice(&f.vlan_tci.to_be_bytes());
    v
}

pub(super) fn stats(p: u64, b: u64) -> [u8; 16] {
    let mut s = [0u8; 16];
    s[..8].copy_from_slice(&p.to_ne_bytes());
    s[8..].copy_from_slice(&b.to_ne_bytes());
    s
}
