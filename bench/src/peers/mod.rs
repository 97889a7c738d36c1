//! The Rust libraries a user would pick instead of genl, doing the
//! benchmark's work with their own APIs:
//!
//! - [`bindings`]: netlink-bindings 0.3 (code generated from the kernel's
//!   YNL specs; builder-style encoding, lazy iterators for decoding), and
//!   [`netlink_socket2`] for the round trips;
//! - [`neli`]: neli 0.7 (`Genlmsghdr`, `GenlBuffer`, `Nlattr`) and its
//!   `NlRouter` socket;
//! - [`rust_netlink`]: netlink-packet-core 0.9 + netlink-packet-generic 0.5
//!   with the hand-written OVS attribute enums of [`crate::ovs_nla`], and
//!   netlink-sys for the socket.
//!
//! Every encoder writes a flow given as a [`Flow`] (or, for rust-netlink, as
//! its typed message built from one); every decoder reads every field of the
//! message into a [`Flow`] or a [`MissRead`], so that the benchmarks do the
//! same work and the tests can compare the results.
//!
//! [`bindings`] and what it uses ([`MissRead`] and the helpers of
//! `common.rs`) are files of their own, so that `bench/build-cost` can
//! compile them, with the floor's types, in a crate of their own: an
//! application doing B1's work with netlink-bindings.

use crate::floor::{Flow, Key, Tunnel};
use common::{stats, tcp_ports, vlan};

mod common;
pub use common::MissRead;

pub mod bindings;

/// netlink-socket2 0.3 with netlink-bindings' `nlctrl` module: the round
/// trips of netlink-bindings' users.
pub mod netlink_socket2 {
    /// A generic netlink client of netlink-socket2.
    pub struct Client {
        sock: netlink_socket2::NetlinkSocket,
    }

    impl Client {
        /// A client; its socket opens with the first request.
        pub fn new() -> Client {
            Client {
                sock: netlink_socket2::NetlinkSocket::new(),
            }
        }

        /// The id of the family `name` (nlctrl get-family, a `do`).
        pub fn family_id(&mut self, name: &std::ffi::CStr) -> std::io::Result<u16> {
            use netlink_bindings::nlctrl;
            let mut request = nlctrl::Request::new().op_getfamily_do();
            request.encode().push_family_name(name);
            let mut replies = self.sock.request(&request)?;
            let reply = replies.recv_one().map_err(std::io::Error::other)?;
            reply.get_family_id().map_err(std::io::Error::other)
        }

        /// Dumps every family; returns how many there are and the sum of their ids.
        pub fn dump_families(&mut self) -> std::io::Result<(usize, u32)> {
            use netlink_bindings::nlctrl;
            let request = nlctrl::Request::new().op_getfamily_dump();
            let mut replies = self.sock.request(&request)?;
            let (mut n, mut sum) = (0, 0u32);
            while let Some(reply) = replies.recv() {
                let reply = reply.map_err(std::io::Error::other)?;
                n += 1;
                sum += u32::from(reply.get_family_id().map_err(std::io::Error::other)?);
            }
            Ok((n, sum))
        }
    }

    impl Default for Client {
        fn default() -> Self {
            Client::new()
        }
    }
}

/// neli 0.7: attributes built and read with `Nlattr`, `GenlBuffer` and
/// `Genlmsghdr` (with `struct ovs_header` as its user header), and the
/// `NlRouter` socket.
pub mod neli {
    use super::{Flow, Key, MissRead, Tunnel};
    use neli::attr::Attribute;
    use neli::consts::nl::NlmF;
    use neli::err::{DeError, SerError};
    use neli::genl::{AttrTypeBuilder, Genlmsghdr, GenlmsghdrBuilder, Nlattr, NlattrBuilder};
    use neli::types::{Buffer, GenlBuffer};
    use neli::{FromBytesWithInput, Size, ToBytes};
    use std::io::Cursor;

    /// An attribute of neli with a numeric type.
    type Attr = Nlattr<u16, Buffer>;
    /// A genl message of an OVS family: `struct ovs_header` (its
    /// `dp_ifindex`) as the user header.
    pub type OvsMsg = Genlmsghdr<u8, u16, i32>;

    /// The errors of building or reading a neli message.
    #[derive(Debug)]
    pub struct Error(pub String);

    impl std::fmt::Display for Error {
        fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str(&self.0)
        }
    }

    impl std::error::Error for Error {}

    macro_rules! from_err {
        ($($t:ty),*) => {$(
            impl From<$t> for Error {
                fn from(e: $t) -> Error {
                    Error(e.to_string())
                }
            }
        )*};
    }
    from_err!(
        SerError,
        DeError,
        neli::genl::NlattrBuilderError,
        neli::genl::AttrTypeBuilderError,
        neli::genl::GenlmsghdrBuilderError
    );

    fn attr<P: Size + ToBytes>(ty: u16, payload: P) -> Result<Attr, Error> {
        Ok(NlattrBuilder::default()
            .nla_type(AttrTypeBuilder::default().nla_type(ty).build()?)
            .nla_payload(payload)
            .build()?)
    }

    fn nest(ty: u16) -> Result<Attr, Error> {
        Ok(NlattrBuilder::default()
            .nla_type(
                AttrTypeBuilder::default()
                    .nla_type(ty)
                    .nla_nested(true)
                    .build()?,
            )
            .nla_payload(Vec::<u8>::new())
            .build()?)
    }

    fn tunnel(t: &Tunnel) -> Result<Attr, Error> {
        Ok(nest(16)?
            .nest(&attr(0, t.id.to_be_bytes())?)?
            .nest(&attr(1, t.src.to_be_bytes())?)?
            .nest(&attr(2, t.dst.to_be_bytes())?)?
            .nest(&attr(3, t.tos)?)?
            .nest(&attr(4, t.ttl)?)?
            .nest(&attr(10, t.tp_dst.to_be_bytes())?)?)
    }

    fn key(ty: u16, k: &Key) -> Result<Attr, Error> {
        Ok(nest(ty)?
            .nest(&attr(3, k.in_port)?)?
            .nest(&attr(4, k.eth)?)?
            .nest(&attr(6, k.eth_type.to_be_bytes())?)?
            .nest(&attr(7, k.ipv4)?)?
            .nest(&attr(9, super::tcp_ports(k))?)?
            .nest(&tunnel(&k.tunnel)?)?)
    }

    /// Builds the genl message of a flow (its attributes are written
    /// while they are built).
    pub fn flow_message(cmd: u8, dp_ifindex: i32, f: &Flow) -> Result<OvsMsg, Error> {
        let mut attrs = GenlBuffer::new();
        attrs.push(key(1, &f.key)?);
        attrs.push(
            nest(2)?
                .nest(&nest(3)?.nest(&tunnel(&f.set_tunnel)?)?)?
                .nest(&attr(4, super::vlan(f))?)?
                .nest(&attr(1, f.output)?)?,
        );
        if let Some((p, b)) = f.stats {
            attrs.push(attr(3, super::stats(p, b))?);
        }
        if let Some(t) = f.tcp_flags {
            attrs.push(attr(4, t)?);
        }
        if let Some(u) = f.used {
            attrs.push(attr(5, u)?);
        }
        attrs.push(key(7, &f.mask)?);
        attrs.push(attr(9, f.ufid)?);
        Ok(GenlmsghdrBuilder::default()
            .cmd(cmd)
            .version(1)
            .header(dp_ifindex)
            .attrs(attrs)
            .build_with_header()?)
    }

    /// Builds a flow message and writes it (genl header included) into
    /// `buf`, which it replaces.
    pub fn encode_flow(buf: &mut Cursor<Vec<u8>>, dp_ifindex: i32, f: &Flow) -> Result<(), Error> {
        let msg = flow_message(1, dp_ifindex, f)?;
        buf.get_mut().clear();
        buf.set_position(0);
        msg.to_bytes(buf)?;
        Ok(())
    }

    fn arr<const N: usize>(a: &Attr) -> Result<[u8; N], Error> {
        Ok(a.get_payload_as::<[u8; N]>()?)
    }

    fn read_tunnel(a: &Attr) -> Result<Tunnel, Error> {
        let mut t = Tunnel::default();
        for a in a.get_attr_handle::<u16>()?.iter() {
            match *a.nla_type().nla_type() {
                0 => t.id = u64::from_be_bytes(arr(a)?),
                1 => t.src = u32::from_be_bytes(arr(a)?),
                2 => t.dst = u32::from_be_bytes(arr(a)?),
                3 => t.tos = a.get_payload_as::<u8>()?,
                4 => t.ttl = a.get_payload_as::<u8>()?,
                10 => t.tp_dst = u16::from_be_bytes(arr(a)?),
                _ => {}
            }
        }
        Ok(t)
    }

    fn read_key(a: &Attr) -> Result<Key, Error> {
        let mut k = Key::default();
        for a in a.get_attr_handle::<u16>()?.iter() {
            match *a.nla_type().nla_type() {
                3 => k.in_port = a.get_payload_as::<u32>()?,
                4 => k.eth = arr(a)?,
                6 => k.eth_type = u16::from_be_bytes(arr(a)?),
                7 => k.ipv4 = arr(a)?,
                9 => {
                    let t: [u8; 4] = arr(a)?;
                    k.tcp_src = u16::from_be_bytes([t[0], t[1]]);
                    k.tcp_dst = u16::from_be_bytes([t[2], t[3]]);
                }
                16 => k.tunnel = read_tunnel(a)?,
                _ => {}
            }
        }
        Ok(k)
    }

    /// Parses a genl message (genl header first) of an OVS family.
    pub fn parse(buf: &[u8]) -> Result<OvsMsg, Error> {
        Ok(OvsMsg::from_bytes_with_input(
            &mut Cursor::new(buf),
            buf.len(),
        )?)
    }

    /// Reads every field of a flow message (genl header first).
    pub fn decode_flow(buf: &[u8]) -> Result<(i32, Flow), Error> {
        let msg = parse(buf)?;
        let mut f = Flow::default();
        for a in msg.attrs().iter() {
            match *a.nla_type().nla_type() {
                1 => f.key = read_key(a)?,
                7 => f.mask = read_key(a)?,
                2 => {
                    for act in a.get_attr_handle::<u16>()?.iter() {
                        match *act.nla_type().nla_type() {
                            3 => {
                                for s in act.get_attr_handle::<u16>()?.iter() {
                                    if *s.nla_type().nla_type() == 16 {
                                        f.set_tunnel = read_tunnel(s)?;
                                    }
                                }
                            }
                            4 => {
                                let v: [u8; 4] = arr(act)?;
                                f.vlan_tpid = u16::from_be_bytes([v[0], v[1]]);
                                f.vlan_tci = u16::from_be_bytes([v[2], v[3]]);
                            }
                            1 => f.output = act.get_payload_as::<u32>()?,
                            _ => {}
                        }
                    }
                }
                3 => {
                    let s: [u8; 16] = arr(a)?;
                    let (p, b) = s.split_at(8);
                    f.stats = Some((
                        u64::from_ne_bytes(p.try_into().unwrap_or_default()),
                        u64::from_ne_bytes(b.try_into().unwrap_or_default()),
                    ));
                }
                4 => f.tcp_flags = Some(a.get_payload_as::<u8>()?),
                5 => f.used = Some(a.get_payload_as::<u64>()?),
                9 => f.ufid = arr(a)?,
                _ => {}
            }
        }
        Ok((*msg.header(), f))
    }

    /// Reads every field of a MISS upcall (genl header first).
    pub fn decode_miss(buf: &[u8]) -> Result<MissRead, Error> {
        let msg = parse(buf)?;
        let mut m = MissRead {
            dp_ifindex: *msg.header(),
            ..Default::default()
        };
        for a in msg.attrs().iter() {
            match *a.nla_type().nla_type() {
                1 => {
                    let p = a.payload().as_ref();
                    m.packet_len = p.len();
                    m.packet_last = p.last().copied().unwrap_or(0);
                }
                2 => m.key = read_key(a)?,
                11 => m.hash = a.get_payload_as::<u64>()?,
                _ => {}
            }
        }
        Ok(m)
    }

    /// A generic netlink client on neli's `NlRouter`.
    pub struct Client {
        router: neli::router::synchronous::NlRouter,
    }

    type CtrlMsg = Genlmsghdr<neli::consts::genl::CtrlCmd, neli::consts::genl::CtrlAttr>;

    impl Client {
        /// Connects a router (a socket and its receiving thread).
        pub fn connect() -> Result<Client, Error> {
            let (router, _) = neli::router::synchronous::NlRouter::connect(
                neli::consts::socket::NlFamily::Generic,
                None,
                neli::utils::Groups::empty(),
            )
            .map_err(|e| Error(e.to_string()))?;
            Ok(Client { router })
        }

        /// The id of the family `name` (nlctrl get-family, a `do`).
        pub fn family_id(&self, name: &str) -> Result<u16, Error> {
            self.router
                .resolve_genl_family(name)
                .map_err(|e| Error(e.to_string()))
        }

        /// Dumps every family; returns how many there are and the sum of their ids.
        pub fn dump_families(&self) -> Result<(usize, u32), Error> {
            use neli::consts::genl::{CtrlAttr, CtrlCmd};
            use neli::consts::nl::GenlId;
            use neli::consts::nl::NlTypeWrapper;
            use neli::nl::NlPayload;
            let request: CtrlMsg = GenlmsghdrBuilder::default()
                .cmd(CtrlCmd::Getfamily)
                .version(2)
                .attrs(GenlBuffer::<CtrlAttr, Buffer>::new())
                .build()?;
            let replies = self
                .router
                .send::<_, _, NlTypeWrapper, CtrlMsg>(
                    GenlId::Ctrl,
                    NlmF::DUMP,
                    NlPayload::Payload(request),
                )
                .map_err(|e| Error(e.to_string()))?;
            let (mut n, mut sum) = (0, 0u32);
            for reply in replies {
                let reply = reply.map_err(|e| Error(e.to_string()))?;
                if let Some(p) = reply.get_payload() {
                    n += 1;
                    let id = p
                        .attrs()
                        .get_attr_handle()
                        .get_attr_payload_as::<u16>(CtrlAttr::FamilyId)?;
                    sum += u32::from(id);
                }
            }
            Ok((n, sum))
        }
    }
}

/// rust-netlink: netlink-packet-core 0.9, netlink-packet-generic 0.5 and
/// netlink-sys 0.9, with the OVS attributes of [`crate::ovs_nla`].
pub mod rust_netlink {
    use super::{Flow, Key, MissRead, Tunnel};
    use crate::ovs_nla::{
        ActionAttr, FlowAttr, FlowMessage, KeyAttr, PacketAttr, PacketMessage, TunnelAttr,
    };
    use netlink_packet_core::{
        DecodeError, Emitable, NLM_F_DUMP, NLM_F_REQUEST, NetlinkBuffer, NetlinkHeader,
        NetlinkMessage, NetlinkPayload, ParseableParametrized,
    };
    use netlink_packet_generic::GenlMessage;
    use netlink_packet_generic::ctrl::nlas::GenlCtrlAttrs;
    use netlink_packet_generic::ctrl::{GenlCtrl, GenlCtrlCmd};

    fn tunnel(t: &Tunnel) -> Vec<TunnelAttr> {
        vec![
            TunnelAttr::Id(t.id),
            TunnelAttr::Ipv4Src(t.src),
            TunnelAttr::Ipv4Dst(t.dst),
            TunnelAttr::Tos(t.tos),
            TunnelAttr::Ttl(t.ttl),
            TunnelAttr::TpDst(t.tp_dst),
        ]
    }

    fn key(k: &Key) -> Vec<KeyAttr> {
        vec![
            KeyAttr::InPort(k.in_port),
            KeyAttr::Ethernet(k.eth),
            KeyAttr::Ethertype(k.eth_type),
            KeyAttr::Ipv4(k.ipv4),
            KeyAttr::Tcp(k.tcp_src, k.tcp_dst),
            KeyAttr::Tunnel(tunnel(&k.tunnel)),
        ]
    }

    /// The typed message of a flow (what a user of these crates builds).
    pub fn flow_message(cmd: u8, dp_ifindex: i32, f: &Flow) -> GenlMessage<FlowMessage> {
        let mut nlas = vec![
            FlowAttr::Key(key(&f.key)),
            FlowAttr::Actions(vec![
                ActionAttr::Set(vec![KeyAttr::Tunnel(tunnel(&f.set_tunnel))]),
                ActionAttr::PushVlan(f.vlan_tpid, f.vlan_tci),
                ActionAttr::Output(f.output),
            ]),
        ];
        if let Some((p, b)) = f.stats {
            nlas.push(FlowAttr::Stats(p, b));
        }
        if let Some(t) = f.tcp_flags {
            nlas.push(FlowAttr::TcpFlags(t));
        }
        if let Some(u) = f.used {
            nlas.push(FlowAttr::Used(u));
        }
        nlas.push(FlowAttr::Mask(key(&f.mask)));
        nlas.push(FlowAttr::Ufid(f.ufid.to_vec()));
        GenlMessage::from_payload(FlowMessage {
            cmd,
            dp_ifindex,
            nlas,
        })
    }

    /// Writes a typed message (genl header first) into `buf`, which it
    /// replaces.
    pub fn encode<E: Emitable>(msg: &E, buf: &mut Vec<u8>) {
        buf.clear();
        buf.resize(msg.buffer_len(), 0);
        msg.emit(buf);
    }

    fn read_tunnel(attrs: &[TunnelAttr]) -> Tunnel {
        let mut t = Tunnel::default();
        for a in attrs {
            match *a {
                TunnelAttr::Id(v) => t.id = v,
                TunnelAttr::Ipv4Src(v) => t.src = v,
                TunnelAttr::Ipv4Dst(v) => t.dst = v,
                TunnelAttr::Tos(v) => t.tos = v,
                TunnelAttr::Ttl(v) => t.ttl = v,
                TunnelAttr::TpDst(v) => t.tp_dst = v,
                TunnelAttr::Other(_) => {}
            }
        }
        t
    }

    fn read_key(attrs: &[KeyAttr]) -> Key {
        let mut k = Key::default();
        for a in attrs {
            match a {
                KeyAttr::InPort(v) => k.in_port = *v,
                KeyAttr::Ethernet(e) => k.eth = *e,
                KeyAttr::Ethertype(v) => k.eth_type = *v,
                KeyAttr::Ipv4(i) => k.ipv4 = *i,
                KeyAttr::Tcp(s, d) => (k.tcp_src, k.tcp_dst) = (*s, *d),
                KeyAttr::Tunnel(t) => k.tunnel = read_tunnel(t),
                KeyAttr::Other(_) => {}
            }
        }
        k
    }

    /// Parses a flow message (genl header first) into its typed form.
    pub fn parse_flow(buf: &[u8]) -> Result<GenlMessage<FlowMessage>, DecodeError> {
        GenlMessage::parse_with_param(buf, 0)
    }

    /// Parses a flow message (genl header first) and reads every field.
    pub fn decode_flow(buf: &[u8]) -> Result<(i32, Flow), DecodeError> {
        let msg = parse_flow(buf)?;
        let mut f = Flow::default();
        for a in &msg.payload.nlas {
            match a {
                FlowAttr::Key(k) => f.key = read_key(k),
                FlowAttr::Mask(k) => f.mask = read_key(k),
                FlowAttr::Actions(actions) => {
                    for a in actions {
                        match a {
                            ActionAttr::Set(s) => {
                                for k in s {
                                    if let KeyAttr::Tunnel(t) = k {
                                        f.set_tunnel = read_tunnel(t);
                                    }
                                }
                            }
                            ActionAttr::PushVlan(tpid, tci) => {
                                (f.vlan_tpid, f.vlan_tci) = (*tpid, *tci)
                            }
                            ActionAttr::Output(p) => f.output = *p,
                            ActionAttr::Other(_) => {}
                        }
                    }
                }
                FlowAttr::Stats(p, b) => f.stats = Some((*p, *b)),
                FlowAttr::TcpFlags(t) => f.tcp_flags = Some(*t),
                FlowAttr::Used(u) => f.used = Some(*u),
                FlowAttr::Ufid(u) => {
                    let n = u.len().min(16);
                    f.ufid[..n].copy_from_slice(&u[..n]);
                }
                FlowAttr::Other(_) => {}
            }
        }
        Ok((msg.payload.dp_ifindex, f))
    }

    /// Parses a MISS upcall (genl header first) and reads every field.
    pub fn decode_miss(buf: &[u8]) -> Result<MissRead, DecodeError> {
        let msg: GenlMessage<PacketMessage> = GenlMessage::parse_with_param(buf, 0)?;
        let mut m = MissRead {
            dp_ifindex: msg.payload.dp_ifindex,
            ..Default::default()
        };
        for a in &msg.payload.nlas {
            match a {
                PacketAttr::Packet(p) => {
                    m.packet_len = p.len();
                    m.packet_last = p.last().copied().unwrap_or(0);
                }
                PacketAttr::Key(k) => m.key = read_key(k),
                PacketAttr::Hash(h) => m.hash = *h,
                PacketAttr::Other(_) => {}
            }
        }
        Ok(m)
    }

    /// A generic netlink client on a netlink-sys socket.
    pub struct Client {
        sock: netlink_sys::Socket,
        seq: u32,
        tx: Vec<u8>,
        rx: Vec<u8>,
    }

    impl Client {
        /// Opens and connects the socket.
        pub fn connect() -> std::io::Result<Client> {
            let mut sock = netlink_sys::Socket::new(netlink_sys::protocols::NETLINK_GENERIC)?;
            sock.bind_auto()?;
            sock.connect(&netlink_sys::SocketAddr::new(0, 0))?;
            Ok(Client {
                sock,
                seq: 0,
                tx: Vec::with_capacity(256),
                rx: Vec::with_capacity(32768),
            })
        }

        fn send(&mut self, flags: u16, nlas: Vec<GenlCtrlAttrs>) -> std::io::Result<u32> {
            self.seq = self.seq.wrapping_add(1);
            let mut header = NetlinkHeader::default();
            header.flags = NLM_F_REQUEST | flags;
            header.sequence_number = self.seq;
            let mut msg = NetlinkMessage::new(
                header,
                NetlinkPayload::from(GenlMessage::from_payload(GenlCtrl {
                    cmd: GenlCtrlCmd::GetFamily,
                    nlas,
                })),
            );
            msg.finalize();
            self.tx.clear();
            self.tx.resize(msg.buffer_len(), 0);
            msg.serialize(&mut self.tx);
            self.sock.send(&self.tx, 0)?;
            Ok(self.seq)
        }

        /// Receives the replies to `seq`, calling `f` with each family
        /// message, until the end of the request; returns how many came.
        fn replies(
            &mut self,
            seq: u32,
            dump: bool,
            mut f: impl FnMut(&GenlCtrl),
        ) -> std::io::Result<usize> {
            let mut count = 0;
            loop {
                self.rx.clear();
                self.sock.recv(&mut self.rx, 0)?;
                let mut off = 0;
                while off < self.rx.len() {
                    let bytes = &self.rx[off..];
                    let len = NetlinkBuffer::new_checked(bytes)
                        .map_err(std::io::Error::other)?
                        .length() as usize;
                    let msg = NetlinkMessage::<GenlMessage<GenlCtrl>>::deserialize(&bytes[..len])
                        .map_err(std::io::Error::other)?;
                    off += (len + 3) & !3;
                    if msg.header.sequence_number != seq {
                        continue;
                    }
                    match msg.payload {
                        NetlinkPayload::Done(_) => return Ok(count),
                        NetlinkPayload::Error(e) => {
                            return match e.code {
                                Some(code) => Err(std::io::Error::from_raw_os_error(-code.get())),
                                None => Ok(count),
                            };
                        }
                        NetlinkPayload::InnerMessage(m) => {
                            f(&m.payload);
                            count += 1;
                            if !dump {
                                return Ok(count);
                            }
                        }
                        _ => {}
                    }
                }
            }
        }

        fn id_of(ctrl: &GenlCtrl) -> Option<u16> {
            ctrl.nlas.iter().find_map(|a| match a {
                GenlCtrlAttrs::FamilyId(id) => Some(*id),
                _ => None,
            })
        }

        /// The id of the family `name` (nlctrl get-family, a `do`).
        pub fn family_id(&mut self, name: &str) -> std::io::Result<u16> {
            let seq = self.send(0, vec![GenlCtrlAttrs::FamilyName(name.to_owned())])?;
            let mut id = None;
            self.replies(seq, false, |m| id = Client::id_of(m))?;
            id.ok_or_else(|| std::io::Error::other("no family id in the reply"))
        }

        /// Dumps every family; returns how many there are and the sum of their ids.
        pub fn dump_families(&mut self) -> std::io::Result<(usize, u32)> {
            let seq = self.send(NLM_F_DUMP, Vec::new())?;
            let mut sum = 0u32;
            let n = self.replies(seq, true, |m| {
                sum += u32::from(Client::id_of(m).unwrap_or(0));
            })?;
            Ok((n, sum))
        }
    }
}
