//! The floor: a hand-coded encoder and decoder for exactly the benchmark's
//! messages, and a raw `libc` netlink socket. Nothing here is general; it is
//! the least work the benchmarks' tasks can be done with.
#![allow(unsafe_code)]

const NESTED: u16 = 1 << 15;

fn align(n: usize) -> usize {
    (n + 3) & !3
}

fn put_attr(buf: &mut Vec<u8>, ty: u16, payload: &[u8]) {
    buf.extend_from_slice(&((4 + payload.len()) as u16).to_ne_bytes());
    buf.extend_from_slice(&ty.to_ne_bytes());
    buf.extend_from_slice(payload);
    buf.resize(align(buf.len()), 0);
}

fn begin(buf: &mut Vec<u8>, ty: u16) -> usize {
    let at = buf.len();
    buf.extend_from_slice(&[0, 0]);
    buf.extend_from_slice(&(ty | NESTED).to_ne_bytes());
    at
}

fn end(buf: &mut [u8], at: usize) {
    let len = (buf.len() - at) as u16;
    buf[at..at + 2].copy_from_slice(&len.to_ne_bytes());
}

/// Tunnel metadata, as the benchmark's messages carry it.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Tunnel {
    /// Tunnel id.
    pub id: u64,
    /// Outer IPv4 source.
    pub src: u32,
    /// Outer IPv4 destination.
    pub dst: u32,
    /// Outer TOS.
    pub tos: u8,
    /// Outer TTL.
    pub ttl: u8,
    /// Outer UDP destination port.
    pub tp_dst: u16,
}

/// A flow key with the fields of the benchmark.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Key {
    /// Input port.
    pub in_port: u32,
    /// struct ovs_key_ethernet as bytes.
    pub eth: [u8; 12],
    /// Ethertype.
    pub eth_type: u16,
    /// struct ovs_key_ipv4 as bytes.
    pub ipv4: [u8; 12],
    /// TCP source port.
    pub tcp_src: u16,
    /// TCP destination port.
    pub tcp_dst: u16,
    /// Tunnel metadata.
    pub tunnel: Tunnel,
}

/// A flow: key, mask, actions (set tunnel, push_vlan, output), ufid.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Flow {
    /// The key.
    pub key: Key,
    /// The mask.
    pub mask: Key,
    /// Tunnel of the set action.
    pub set_tunnel: Tunnel,
    /// VLAN TPID of push_vlan.
    pub vlan_tpid: u16,
    /// VLAN TCI of push_vlan.
    pub vlan_tci: u16,
    /// Output port.
    pub output: u32,
    /// Unique flow id.
    pub ufid: [u8; 16],
    /// Packets and bytes (replies only).
    pub stats: Option<(u64, u64)>,
    /// TCP flags (replies only).
    pub tcp_flags: Option<u8>,
    /// Last used (replies only).
    pub used: Option<u64>,
}

fn put_tunnel(buf: &mut Vec<u8>, t: &Tunnel) {
    let at = begin(buf, 16);
    put_attr(buf, 0, &t.id.to_be_bytes());
    put_attr(buf, 1, &t.src.to_be_bytes());
    put_attr(buf, 2, &t.dst.to_be_bytes());
    put_attr(buf, 3, &[t.tos]);
    put_attr(buf, 4, &[t.ttl]);
    put_attr(buf, 10, &t.tp_dst.to_be_bytes());
    end(buf, at);
}

fn put_key(buf: &mut Vec<u8>, ty: u16, k: &Key) {
    let at = begin(buf, ty);
    put_attr(buf, 3, &k.in_port.to_ne_bytes());
    put_attr(buf, 4, &k.eth);
    put_attr(buf, 6, &k.eth_type.to_be_bytes());
    put_attr(buf, 7, &k.ipv4);
    let mut tcp = [0u8; 4];
    tcp[..2].copy_from_slice(&k.tcp_src.to_be_bytes());
    tcp[2..].copy_from_slice(&k.tcp_dst.to_be_bytes());
    put_attr(buf, 9, &tcp);
    put_tunnel(buf, &k.tunnel);
    end(buf, at);
}

/// Writes the genl payload (ovs_header, attributes) of a flow message.
pub fn encode_flow(buf: &mut Vec<u8>, dp_ifindex: i32, f: &Flow) {
    buf.extend_from_slice(&dp_ifindex.to_ne_bytes());
    put_key(buf, 1, &f.key);
    let actions = begin(buf, 2);
    let set = begin(buf, 3);
    put_tunnel(buf, &f.set_tunnel);
    end(buf, set);
    let mut vlan = [0u8; 4];
    vlan[..2].copy_from_slice(&f.vlan_tpid.to_be_bytes());
    vlan[2..].copy_from_slice(&f.vlan_tci.to_be_bytes());
    put_attr(buf, 4, &vlan);
    put_attr(buf, 1, &f.output.to_ne_bytes());
    end(buf, actions);
    if let Some((p, b)) = f.stats {
        let mut s = [0u8; 16];
        s[..8].copy_from_slice(&p.to_ne_bytes());
        s[8..].copy_from_slice(&b.to_ne_bytes());
        put_attr(buf, 3, &s);
    }
    if let Some(t) = f.tcp_flags {
        put_attr(buf, 4, &[t]);
    }
    if let Some(u) = f.used {
        put_attr(buf, 5, &u.to_ne_bytes());
    }
    put_key(buf, 7, &f.mask);
    put_attr(buf, 9, &f.ufid);
}

/// Walks the attributes of `buf`, calling `f(type, payload)`.
fn walk<'a>(mut buf: &'a [u8], mut f: impl FnMut(u16, &'a [u8]) -> Option<()>) -> Option<()> {
    while buf.len() >= 4 {
        let len = u16::from_ne_bytes([buf[0], buf[1]]) as usize;
        let ty = u16::from_ne_bytes([buf[2], buf[3]]) & 0x3fff;
        if len < 4 || len > buf.len() {
            return None;
        }
        f(ty, &buf[4..len])?;
        buf = &buf[align(len).min(buf.len())..];
    }
    Some(())
}

fn arr<const N: usize>(p: &[u8]) -> Option<[u8; N]> {
    p.get(..N)?.try_into().ok()
}

fn read_tunnel(p: &[u8]) -> Option<Tunnel> {
    let mut t = Tunnel::default();
    walk(p, |ty, p| {
        match ty {
            0 => t.id = u64::from_be_bytes(arr(p)?),
            1 => t.src = u32::from_be_bytes(arr(p)?),
            2 => t.dst = u32::from_be_bytes(arr(p)?),
            3 => t.tos = *p.first()?,
            4 => t.ttl = *p.first()?,
            10 => t.tp_dst = u16::from_be_bytes(arr(p)?),
            _ => {}
        }
        Some(())
    })?;
    Some(t)
}

fn read_key(p: &[u8]) -> Option<Key> {
    let mut k = Key::default();
    walk(p, |ty, p| {
        match ty {
            3 => k.in_port = u32::from_ne_bytes(arr(p)?),
            4 => k.eth = arr(p)?,
            6 => k.eth_type = u16::from_be_bytes(arr(p)?),
            7 => k.ipv4 = arr(p)?,
            9 => {
                k.tcp_src = u16::from_be_bytes(arr(p)?);
                k.tcp_dst = u16::from_be_bytes(arr(&p[2..])?);
            }
            16 => k.tunnel = read_tunnel(p)?,
            _ => {}
        }
        Some(())
    })?;
    Some(k)
}

/// Reads a flow message's genl payload; `None` when it is malformed.
pub fn decode_flow(buf: &[u8]) -> Option<(i32, Flow)> {
    let dp = i32::from_ne_bytes(arr(buf)?);
    let mut f = Flow::default();
    walk(&buf[4..], |ty, p| {
        match ty {
            1 => f.key = read_key(p)?,
            2 => walk(p, |ty, p| {
                match ty {
                    3 => walk(p, |ty, p| {
                        if ty == 16 {
                            f.set_tunnel = read_tunnel(p)?;
                        }
                        Some(())
                    })?,
                    4 => {
                        f.vlan_tpid = u16::from_be_bytes(arr(p)?);
                        f.vlan_tci = u16::from_be_bytes(arr(&p[2..])?);
                    }
                    1 => f.output = u32::from_ne_bytes(arr(p)?),
                    _ => {}
                }
                Some(())
            })?,
            3 => {
                f.stats = Some((
                    u64::from_ne_bytes(arr(p)?),
                    u64::from_ne_bytes(arr(&p[8..])?),
                ))
            }
            4 => f.tcp_flags = Some(*p.first()?),
            5 => f.used = Some(u64::from_ne_bytes(arr(p)?)),
            7 => f.mask = read_key(p)?,
            9 => f.ufid = arr(p)?,
            _ => {}
        }
        Some(())
    })?;
    Some((dp, f))
}

/// A MISS upcall, reading its packet in place.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Miss<'a> {
    /// The packet.
    pub packet: &'a [u8],
    /// Its key.
    pub key: Key,
    /// The skb hash.
    pub hash: u64,
}

/// Reads a MISS upcall's genl payload.
pub fn decode_miss(buf: &[u8]) -> Option<(i32, Miss<'_>)> {
    let dp = i32::from_ne_bytes(arr(buf)?);
    let mut m = Miss {
        packet: &[],
        key: Key::default(),
        hash: 0,
    };
    walk(&buf[4..], |ty, p| {
        match ty {
            1 => m.packet = p,
            2 => m.key = read_key(p)?,
            11 => m.hash = u64::from_ne_bytes(arr(p)?),
            _ => {}
        }
        Some(())
    })?;
    Some((dp, m))
}

/// A raw `NETLINK_GENERIC` socket driven with `libc` calls.
#[derive(Debug)]
pub struct RawSocket {
    fd: libc::c_int,
    seq: u32,
    rx: Vec<u8>,
    tx: Vec<u8>,
}

const GENL_ID_CTRL: u16 = 0x10;
const CTRL_CMD_GETFAMILY: u8 = 3;
const CTRL_ATTR_FAMILY_ID: u16 = 1;
const CTRL_ATTR_FAMILY_NAME: u16 = 2;
const NLMSG_ERROR: u16 = 2;
const NLMSG_DONE: u16 = 3;

impl RawSocket {
    /// Opens and binds the socket.
    pub fn open() -> std::io::Result<RawSocket> {
        // SAFETY: socket(2) takes no pointers; the result is checked.
        let fd = unsafe {
            libc::socket(
                libc::AF_NETLINK,
                libc::SOCK_RAW | libc::SOCK_CLOEXEC,
                libc::NETLINK_GENERIC,
            )
        };
        if fd < 0 {
            return Err(std::io::Error::last_os_error());
        }
        Ok(RawSocket {
            fd,
            seq: 1,
            rx: vec![0; 32768],
            tx: Vec::with_capacity(256),
        })
    }

    fn send(&mut self, flags: u16, name: Option<&str>) -> std::io::Result<u32> {
        self.seq = self.seq.wrapping_add(1);
        self.tx.clear();
        self.tx.extend_from_slice(&[0; 4]);
        self.tx.extend_from_slice(&GENL_ID_CTRL.to_ne_bytes());
        self.tx
            .extend_from_slice(&(flags | libc::NLM_F_REQUEST as u16).to_ne_bytes());
        self.tx.extend_from_slice(&self.seq.to_ne_bytes());
        self.tx.extend_from_slice(&0u32.to_ne_bytes());
        self.tx.extend_from_slice(&[CTRL_CMD_GETFAMILY, 2, 0, 0]);
        if let Some(name) = name {
            let mut z = Vec::with_capacity(name.len() + 1);
            z.extend_from_slice(name.as_bytes());
            z.push(0);
            put_attr(&mut self.tx, CTRL_ATTR_FAMILY_NAME, &z);
        }
        let len = self.tx.len() as u32;
        self.tx[..4].copy_from_slice(&len.to_ne_bytes());
        // SAFETY: the pointer and length describe `self.tx`, alive for the call.
        let n = unsafe { libc::send(self.fd, self.tx.as_ptr().cast(), self.tx.len(), 0) };
        if n < 0 {
            return Err(std::io::Error::last_os_error());
        }
        Ok(self.seq)
    }

    fn recv(&mut self) -> std::io::Result<usize> {
        // SAFETY: the pointer and length describe `self.rx`, alive and
        // exclusively borrowed for the call.
        let n = unsafe { libc::recv(self.fd, self.rx.as_mut_ptr().cast(), self.rx.len(), 0) };
        if n < 0 {
            return Err(std::io::Error::last_os_error());
        }
        Ok(n as usize)
    }

    /// Calls `f` with the attributes of each reply message of `seq`, until
    /// the request's end; returns the number of replies.
    fn replies(
        &mut self,
        seq: u32,
        dump: bool,
        mut f: impl FnMut(&[u8]),
    ) -> std::io::Result<usize> {
        let mut count = 0;
        loop {
            let n = self.recv()?;
            let mut off = 0;
            while off + 16 <= n {
                let b = &self.rx[off..n];
                let len = u32::from_ne_bytes([b[0], b[1], b[2], b[3]]) as usize;
                let ty = u16::from_ne_bytes([b[4], b[5]]);
                let mseq = u32::from_ne_bytes([b[8], b[9], b[10], b[11]]);
                if len < 16 || len > b.len() {
                    return Err(std::io::Error::other("truncated message"));
                }
                if mseq == seq {
                    if ty == NLMSG_DONE {
                        return Ok(count);
                    }
                    if ty == NLMSG_ERROR {
                        let code = i32::from_ne_bytes([b[16], b[17], b[18], b[19]]);
                        if code != 0 {
                            return Err(std::io::Error::from_raw_os_error(-code));
                        }
                        return Ok(count);
                    }
                    f(&b[20..len]);
                    count += 1;
                    if !dump {
                        return Ok(count);
                    }
                }
                off += align(len);
            }
        }
    }

    /// The id of the family `name`, asked without an acknowledgement: the
    /// kernel sends one datagram back.
    pub fn family_id(&mut self, name: &str) -> std::io::Result<u16> {
        self.family_id_with(0, name)
    }

    /// The id of the family `name`, asked with the flags genl's clients send
    /// on every `do` with a reply (`NLM_F_ACK | NLM_F_ECHO`, the same bytes):
    /// the kernel sends the reply and then the acknowledgement, which is read
    /// too.
    pub fn family_id_acked(&mut self, name: &str) -> std::io::Result<u16> {
        self.family_id_with((libc::NLM_F_ACK | libc::NLM_F_ECHO) as u16, name)
    }

    fn family_id_with(&mut self, flags: u16, name: &str) -> std::io::Result<u16> {
        let seq = self.send(flags, Some(name))?;
        let mut id = None;
        self.replies(seq, false, |attrs| {
            walk(attrs, |ty, p| {
                if ty == CTRL_ATTR_FAMILY_ID {
                    id = Some(u16::from_ne_bytes(arr(p)?));
                }
                Some(())
            });
        })?;
        id.ok_or_else(|| std::io::Error::other("no family id in the reply"))
    }

    /// Dumps every family; returns how many there are and the sum of their ids.
    pub fn dump_families(&mut self) -> std::io::Result<(usize, u32)> {
        let seq = self.send(libc::NLM_F_DUMP as u16, None)?;
        let mut sum = 0u32;
        let n = self.replies(seq, true, |attrs| {
            walk(attrs, |ty, p| {
                if ty == CTRL_ATTR_FAMILY_ID {
                    sum += u32::from(u16::from_ne_bytes(arr(p)?));
                }
                Some(())
            });
        })?;
        Ok((n, sum))
    }
}

impl Drop for RawSocket {
    fn drop(&mut self) {
        // SAFETY: `fd` is the socket this value owns; it is closed once.
        unsafe {
            libc::close(self.fd);
        }
    }
}
