//! Open vSwitch attributes written by hand for rust-netlink's
//! `netlink-packet-core` / `netlink-packet-generic`, the way hand-rolled OVS
//! clients on those crates do it: one enum per attribute set implementing
//! [`Nla`] (encoding) and [`Parseable`] over an [`NlaBuffer`] (decoding),
//! and one message type per family implementing [`GenlFamily`], [`Emitable`]
//! and [`ParseableParametrized`]. Only the attributes of the benchmark's
//! messages have variants; any other attribute is kept as a [`DefaultNla`].
//!
//! Numbers and layouts are those of `include/uapi/linux/openvswitch.h`.

use netlink_packet_core::{
    DecodeError, DefaultNla, Emitable, NLA_F_NESTED, Nla, NlaBuffer, NlasIterator, Parseable,
    ParseableParametrized, parse_u8, parse_u16_be, parse_u32, parse_u32_be, parse_u64,
    parse_u64_be,
};
use netlink_packet_generic::{GenlFamily, GenlHeader};

/// Writes a value's bytes at the start of an attribute's payload (whose
/// length `value_len` gave).
fn put(buf: &mut [u8], bytes: &[u8]) {
    buf[..bytes.len()].copy_from_slice(bytes);
}

/// Parses every attribute of a nest into `T`.
fn parse_nest<T>(payload: &[u8]) -> Result<Vec<T>, DecodeError>
where
    T: for<'a> Parseable<NlaBuffer<&'a [u8]>>,
{
    NlasIterator::new(payload)
        .map(|nla| T::parse(&nla?))
        .collect()
}

/// The encoded length of a list of attributes.
fn nest_len<T: Nla>(nlas: &[T]) -> usize {
    nlas.as_ref().buffer_len()
}

/// Copies a fixed-size payload, or says which attribute was short.
fn fixed<const N: usize>(payload: &[u8], what: &str) -> Result<[u8; N], DecodeError> {
    payload
        .get(..N)
        .and_then(|p| p.try_into().ok())
        .ok_or_else(|| DecodeError::from(format!("{what}: {} bytes, expected {N}", payload.len())))
}

/// `OVS_TUNNEL_KEY_ATTR_*`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TunnelAttr {
    /// Tunnel id (big-endian u64).
    Id(u64),
    /// Outer IPv4 source (big-endian).
    Ipv4Src(u32),
    /// Outer IPv4 destination (big-endian).
    Ipv4Dst(u32),
    /// Outer TOS.
    Tos(u8),
    /// Outer TTL.
    Ttl(u8),
    /// Outer UDP destination port (big-endian).
    TpDst(u16),
    /// Any other attribute.
    Other(DefaultNla),
}

impl Nla for TunnelAttr {
    fn value_len(&self) -> usize {
        match self {
            TunnelAttr::Id(_) => 8,
            TunnelAttr::Ipv4Src(_) | TunnelAttr::Ipv4Dst(_) => 4,
            TunnelAttr::Tos(_) | TunnelAttr::Ttl(_) => 1,
            TunnelAttr::TpDst(_) => 2,
            TunnelAttr::Other(n) => n.value_len(),
        }
    }
    fn kind(&self) -> u16 {
        match self {
            TunnelAttr::Id(_) => 0,
            TunnelAttr::Ipv4Src(_) => 1,
            TunnelAttr::Ipv4Dst(_) => 2,
            TunnelAttr::Tos(_) => 3,
            TunnelAttr::Ttl(_) => 4,
            TunnelAttr::TpDst(_) => 10,
            TunnelAttr::Other(n) => n.kind(),
        }
    }
    fn emit_value(&self, buf: &mut [u8]) {
        match self {
            TunnelAttr::Id(v) => put(buf, &v.to_be_bytes()),
            TunnelAttr::Ipv4Src(v) | TunnelAttr::Ipv4Dst(v) => put(buf, &v.to_be_bytes()),
            TunnelAttr::Tos(v) | TunnelAttr::Ttl(v) => buf[0] = *v,
            TunnelAttr::TpDst(v) => put(buf, &v.to_be_bytes()),
            TunnelAttr::Other(n) => n.emit_value(buf),
        }
    }
}

impl<'a, T: AsRef<[u8]> + ?Sized> Parseable<NlaBuffer<&'a T>> for TunnelAttr {
    fn parse(buf: &NlaBuffer<&'a T>) -> Result<Self, DecodeError> {
        let p = buf.value();
        Ok(match buf.kind() {
            0 => TunnelAttr::Id(parse_u64_be(p)?),
            1 => TunnelAttr::Ipv4Src(parse_u32_be(p)?),
            2 => TunnelAttr::Ipv4Dst(parse_u32_be(p)?),
            3 => TunnelAttr::Tos(parse_u8(p)?),
            4 => TunnelAttr::Ttl(parse_u8(p)?),
            10 => TunnelAttr::TpDst(parse_u16_be(p)?),
            _ => TunnelAttr::Other(DefaultNla::parse(buf)?),
        })
    }
}

/// `OVS_KEY_ATTR_*` (flow keys and masks).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum KeyAttr {
    /// Input port.
    InPort(u32),
    /// `struct ovs_key_ethernet`: source then destination address.
    Ethernet([u8; 12]),
    /// Ethertype (big-endian).
    Ethertype(u16),
    /// `struct ovs_key_ipv4`, as its 12 bytes.
    Ipv4([u8; 12]),
    /// `struct ovs_key_tcp`: source and destination port (big-endian).
    Tcp(u16, u16),
    /// Tunnel metadata (nested).
    Tunnel(Vec<TunnelAttr>),
    /// Any other attribute.
    Other(DefaultNla),
}

impl Nla for KeyAttr {
    fn value_len(&self) -> usize {
        match self {
            KeyAttr::InPort(_) | KeyAttr::Tcp(..) => 4,
            KeyAttr::Ethernet(_) | KeyAttr::Ipv4(_) => 12,
            KeyAttr::Ethertype(_) => 2,
            KeyAttr::Tunnel(t) => nest_len(t),
            KeyAttr::Other(n) => n.value_len(),
        }
    }
    fn kind(&self) -> u16 {
        match self {
            KeyAttr::InPort(_) => 3,
            KeyAttr::Ethernet(_) => 4,
            KeyAttr::Ethertype(_) => 6,
            KeyAttr::Ipv4(_) => 7,
            KeyAttr::Tcp(..) => 9,
            KeyAttr::Tunnel(_) => 16 | NLA_F_NESTED,
            KeyAttr::Other(n) => n.kind(),
        }
    }
    fn emit_value(&self, buf: &mut [u8]) {
        match self {
            KeyAttr::InPort(v) => put(buf, &v.to_ne_bytes()),
            KeyAttr::Ethernet(b) | KeyAttr::Ipv4(b) => buf[..12].copy_from_slice(b),
            KeyAttr::Ethertype(v) => put(buf, &v.to_be_bytes()),
            KeyAttr::Tcp(s, d) => {
                put(&mut buf[..2], &s.to_be_bytes());
                put(&mut buf[2..], &d.to_be_bytes());
            }
            KeyAttr::Tunnel(t) => t.as_slice().emit(buf),
            KeyAttr::Other(n) => n.emit_value(buf),
        }
    }
}

impl<'a, T: AsRef<[u8]> + ?Sized> Parseable<NlaBuffer<&'a T>> for KeyAttr {
    fn parse(buf: &NlaBuffer<&'a T>) -> Result<Self, DecodeError> {
        let p = buf.value();
        Ok(match buf.kind() {
            3 => KeyAttr::InPort(parse_u32(p)?),
            4 => KeyAttr::Ethernet(fixed(p, "ethernet")?),
            6 => KeyAttr::Ethertype(parse_u16_be(p)?),
            7 => KeyAttr::Ipv4(fixed(p, "ipv4")?),
            9 => {
                let t: [u8; 4] = fixed(p, "tcp")?;
                KeyAttr::Tcp(
                    u16::from_be_bytes([t[0], t[1]]),
                    u16::from_be_bytes([t[2], t[3]]),
                )
            }
            16 => KeyAttr::Tunnel(parse_nest(p)?),
            _ => KeyAttr::Other(DefaultNla::parse(buf)?),
        })
    }
}

/// `OVS_ACTION_ATTR_*`, in the order they are to run.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ActionAttr {
    /// Output to a port.
    Output(u32),
    /// Set a header field (one nested key attribute).
    Set(Vec<KeyAttr>),
    /// `struct ovs_action_push_vlan`: TPID and TCI (big-endian).
    PushVlan(u16, u16),
    /// Any other action.
    Other(DefaultNla),
}

impl Nla for ActionAttr {
    fn value_len(&self) -> usize {
        match self {
            ActionAttr::Output(_) | ActionAttr::PushVlan(..) => 4,
            ActionAttr::Set(k) => nest_len(k),
            ActionAttr::Other(n) => n.value_len(),
        }
    }
    fn kind(&self) -> u16 {
        match self {
            ActionAttr::Output(_) => 1,
            ActionAttr::Set(_) => 3 | NLA_F_NESTED,
            ActionAttr::PushVlan(..) => 4,
            ActionAttr::Other(n) => n.kind(),
        }
    }
    fn emit_value(&self, buf: &mut [u8]) {
        match self {
            ActionAttr::Output(v) => put(buf, &v.to_ne_bytes()),
            ActionAttr::Set(k) => k.as_slice().emit(buf),
            ActionAttr::PushVlan(tpid, tci) => {
                put(&mut buf[..2], &tpid.to_be_bytes());
                put(&mut buf[2..], &tci.to_be_bytes());
            }
            ActionAttr::Other(n) => n.emit_value(buf),
        }
    }
}

impl<'a, T: AsRef<[u8]> + ?Sized> Parseable<NlaBuffer<&'a T>> for ActionAttr {
    fn parse(buf: &NlaBuffer<&'a T>) -> Result<Self, DecodeError> {
        let p = buf.value();
        Ok(match buf.kind() {
            1 => ActionAttr::Output(parse_u32(p)?),
            3 => ActionAttr::Set(parse_nest(p)?),
            4 => {
                let v: [u8; 4] = fixed(p, "push_vlan")?;
                ActionAttr::PushVlan(
                    u16::from_be_bytes([v[0], v[1]]),
                    u16::from_be_bytes([v[2], v[3]]),
                )
            }
            _ => ActionAttr::Other(DefaultNla::parse(buf)?),
        })
    }
}

/// `OVS_FLOW_ATTR_*`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FlowAttr {
    /// The flow key.
    Key(Vec<KeyAttr>),
    /// The actions.
    Actions(Vec<ActionAttr>),
    /// `struct ovs_flow_stats`: packets and bytes.
    Stats(u64, u64),
    /// TCP flags seen.
    TcpFlags(u8),
    /// Last used (ms, monotonic).
    Used(u64),
    /// The mask of the key.
    Mask(Vec<KeyAttr>),
    /// Unique flow id.
    Ufid(Vec<u8>),
    /// Any other attribute.
    Other(DefaultNla),
}

impl Nla for FlowAttr {
    fn value_len(&self) -> usize {
        match self {
            FlowAttr::Key(k) | FlowAttr::Mask(k) => nest_len(k),
            FlowAttr::Actions(a) => nest_len(a),
            FlowAttr::Stats(..) => 16,
            FlowAttr::TcpFlags(_) => 1,
            FlowAttr::Used(_) => 8,
            FlowAttr::Ufid(u) => u.len(),
            FlowAttr::Other(n) => n.value_len(),
        }
    }
    fn kind(&self) -> u16 {
        match self {
            FlowAttr::Key(_) => 1 | NLA_F_NESTED,
            FlowAttr::Actions(_) => 2 | NLA_F_NESTED,
            FlowAttr::Stats(..) => 3,
            FlowAttr::TcpFlags(_) => 4,
            FlowAttr::Used(_) => 5,
            FlowAttr::Mask(_) => 7 | NLA_F_NESTED,
            FlowAttr::Ufid(_) => 9,
            FlowAttr::Other(n) => n.kind(),
        }
    }
    fn emit_value(&self, buf: &mut [u8]) {
        match self {
            FlowAttr::Key(k) | FlowAttr::Mask(k) => k.as_slice().emit(buf),
            FlowAttr::Actions(a) => a.as_slice().emit(buf),
            FlowAttr::Stats(p, b) => {
                put(&mut buf[..8], &p.to_ne_bytes());
                put(&mut buf[8..], &b.to_ne_bytes());
            }
            FlowAttr::TcpFlags(v) => buf[0] = *v,
            FlowAttr::Used(v) => put(buf, &v.to_ne_bytes()),
            FlowAttr::Ufid(u) => buf[..u.len()].copy_from_slice(u),
            FlowAttr::Other(n) => n.emit_value(buf),
        }
    }
}

impl<'a, T: AsRef<[u8]> + ?Sized> Parseable<NlaBuffer<&'a T>> for FlowAttr {
    fn parse(buf: &NlaBuffer<&'a T>) -> Result<Self, DecodeError> {
        let p = buf.value();
        Ok(match buf.kind() {
            1 => FlowAttr::Key(parse_nest(p)?),
            2 => FlowAttr::Actions(parse_nest(p)?),
            3 => FlowAttr::Stats(
                parse_u64(p.get(..8).unwrap_or_default())?,
                parse_u64(p.get(8..).unwrap_or_default())?,
            ),
            4 => FlowAttr::TcpFlags(parse_u8(p)?),
            5 => FlowAttr::Used(parse_u64(p)?),
            7 => FlowAttr::Mask(parse_nest(p)?),
            9 => FlowAttr::Ufid(p.to_vec()),
            _ => FlowAttr::Other(DefaultNla::parse(buf)?),
        })
    }
}

/// `OVS_PACKET_ATTR_*` of an upcall.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PacketAttr {
    /// The packet.
    Packet(Vec<u8>),
    /// Its flow key.
    Key(Vec<KeyAttr>),
    /// The skb hash.
    Hash(u64),
    /// Any other attribute.
    Other(DefaultNla),
}

impl Nla for PacketAttr {
    fn value_len(&self) -> usize {
        match self {
            PacketAttr::Packet(p) => p.len(),
            PacketAttr::Key(k) => nest_len(k),
            PacketAttr::Hash(_) => 8,
            PacketAttr::Other(n) => n.value_len(),
        }
    }
    fn kind(&self) -> u16 {
        match self {
            PacketAttr::Packet(_) => 1,
            PacketAttr::Key(_) => 2 | NLA_F_NESTED,
            PacketAttr::Hash(_) => 11,
            PacketAttr::Other(n) => n.kind(),
        }
    }
    fn emit_value(&self, buf: &mut [u8]) {
        match self {
            PacketAttr::Packet(p) => buf[..p.len()].copy_from_slice(p),
            PacketAttr::Key(k) => k.as_slice().emit(buf),
            PacketAttr::Hash(h) => put(buf, &h.to_ne_bytes()),
            PacketAttr::Other(n) => n.emit_value(buf),
        }
    }
}

impl<'a, T: AsRef<[u8]> + ?Sized> Parseable<NlaBuffer<&'a T>> for PacketAttr {
    fn parse(buf: &NlaBuffer<&'a T>) -> Result<Self, DecodeError> {
        let p = buf.value();
        Ok(match buf.kind() {
            1 => PacketAttr::Packet(p.to_vec()),
            2 => PacketAttr::Key(parse_nest(p)?),
            11 => PacketAttr::Hash(parse_u64(p)?),
            _ => PacketAttr::Other(DefaultNla::parse(buf)?),
        })
    }
}

/// A message of an OVS family: `struct ovs_header`, then attributes `A`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OvsMessage<A> {
    /// The genl command.
    pub cmd: u8,
    /// `ovs_header.dp_ifindex`.
    pub dp_ifindex: i32,
    /// The attributes.
    pub nlas: Vec<A>,
}

/// A message of the `ovs_flow` family.
pub type FlowMessage = OvsMessage<FlowAttr>;
/// A message of the `ovs_packet` family.
pub type PacketMessage = OvsMessage<PacketAttr>;

/// The family name of an OVS attribute set's messages.
pub trait OvsFamily {
    /// The family name.
    const NAME: &'static str;
    /// The family's version (`OVS_*_VERSION`).
    const VERSION: u8;
}

impl OvsFamily for FlowAttr {
    const NAME: &'static str = "ovs_flow";
    const VERSION: u8 = 1;
}

impl OvsFamily for PacketAttr {
    const NAME: &'static str = "ovs_packet";
    const VERSION: u8 = 1;
}

impl<A: OvsFamily> GenlFamily for OvsMessage<A> {
    fn family_name() -> &'static str {
        A::NAME
    }
    fn command(&self) -> u8 {
        self.cmd
    }
    fn version(&self) -> u8 {
        A::VERSION
    }
}

impl<A: Nla> Emitable for OvsMessage<A> {
    fn buffer_len(&self) -> usize {
        4 + nest_len(&self.nlas)
    }
    fn emit(&self, buf: &mut [u8]) {
        buf[..4].copy_from_slice(&self.dp_ifindex.to_ne_bytes());
        self.nlas.as_slice().emit(&mut buf[4..]);
    }
}

impl<A> ParseableParametrized<[u8], GenlHeader> for OvsMessage<A>
where
    A: for<'a> Parseable<NlaBuffer<&'a [u8]>>,
{
    fn parse_with_param(buf: &[u8], header: GenlHeader) -> Result<Self, DecodeError> {
        let hdr: [u8; 4] = fixed(buf, "ovs_header")?;
        Ok(OvsMessage {
            cmd: header.cmd,
            dp_ifindex: i32::from_ne_bytes(hdr),
            nlas: parse_nest(&buf[4..])?,
        })
    }
}
