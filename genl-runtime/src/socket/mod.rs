//! A generic netlink socket: opened with the options genl relies on, and
//! read one whole datagram at a time, whatever its size.

mod sys;

use std::io;
use std::os::fd::{AsFd, AsRawFd, BorrowedFd, RawFd};
use std::sync::atomic::{AtomicBool, Ordering};

use sys::{RawSocket, opt};

/// `NETLINK_GENERIC`.
const NETLINK_GENERIC: libc::c_int = 16;

/// The receive buffer genl asks for: large enough that a burst of replies
/// or notifications rarely overruns it.
const RCVBUF: libc::c_int = 4 << 20;

/// The size of the receive area. A datagram is read with one call, so
/// the area must hold the largest the kernel sends: dumps fill datagrams up
/// to 32 KiB, an OVS upcall carries a packet of up to 64 KiB, and a flow
/// reply carries up to 32 KiB of actions besides its key and mask. The area
/// is allocated zeroed, so pages the kernel never writes into cost no memory.
const RX_AREA: usize = 256 << 10;

/// A `NETLINK_GENERIC` socket bound to a kernel-assigned port id, with
/// extended ACKs (`NETLINK_EXT_ACK`), capped ACKs (`NETLINK_CAP_ACK`) and
/// strict checking of dump requests (`NETLINK_GET_STRICT_CHK`) on.
///
/// Until it joins a multicast group every datagram it receives is unicast,
/// and it reads them with `recv`; from the first [`Socket::add_membership`]
/// (or [`Socket::read_groups`]) on, with `recvmsg` and the group's control
/// message (`NETLINK_PKTINFO`), which costs the kernel more per read.
#[derive(Debug)]
pub struct Socket {
    raw: RawSocket,
    /// Whether reads ask for the multicast group: set once, never cleared
    /// (datagrams of a group left may still be queued).
    groups: AtomicBool,
}

impl Socket {
    /// Opens a blocking socket.
    pub fn new() -> io::Result<Socket> {
        Self::open(false)
    }

    /// Opens a non-blocking socket (receives fail with `WouldBlock` when
    /// nothing is queued).
    pub fn new_nonblocking() -> io::Result<Socket> {
        Self::open(true)
    }

    fn open(nonblocking: bool) -> io::Result<Socket> {
        let raw = RawSocket::open(NETLINK_GENERIC, nonblocking)?;
        raw.set_netlink_opt(opt::EXT_ACK, 1)?;
        raw.set_netlink_opt(opt::CAP_ACK, 1)?;
        raw.set_netlink_opt(opt::GET_STRICT_CHK, 1)?;
        raw.set_netlink_opt(opt::PKTINFO, 1)?;
        // Beyond rmem_max only with CAP_NET_ADMIN; the plain option is the
        // fallback, and the kernel default is enough when both fail.
        if raw
            .set_int_opt(libc::SOL_SOCKET, libc::SO_RCVBUFFORCE, RCVBUF)
            .is_err()
        {
            let _ = raw.set_int_opt(libc::SOL_SOCKET, libc::SO_RCVBUF, RCVBUF);
        }
        Ok(Socket {
            raw,
            groups: AtomicBool::new(false),
        })
    }

    /// The port id the kernel assigned.
    pub fn port_id(&self) -> u32 {
        self.raw.port_id()
    }

    /// Sets the receive buffer size (`SO_RCVBUF`; the kernel doubles it).
    /// Small buffers overrun sooner; tests use that.
    pub fn set_recv_buffer(&self, bytes: usize) -> io::Result<()> {
        let bytes = libc::c_int::try_from(bytes).unwrap_or(libc::c_int::MAX);
        self.raw
            .set_int_opt(libc::SOL_SOCKET, libc::SO_RCVBUF, bytes)
    }

    /// The receive buffer size as the kernel reports it.
    pub fn recv_buffer(&self) -> io::Result<usize> {
        let v = self.raw.socket_opt(libc::SO_RCVBUF)?;
        Ok(usize::try_from(v).unwrap_or(0))
    }

    /// Sets how long a blocking receive waits before it fails with
    /// `WouldBlock` (`None`, the default: for ever).
    pub fn set_recv_timeout(&self, timeout: Option<std::time::Duration>) -> io::Result<()> {
        self.raw.set_recv_timeout(timeout)
    }

    /// Joins a multicast group by id. Receives from then on report the
    /// group of each datagram. A receive already waiting in another thread
    /// when the first group is joined may report its datagram as unicast:
    /// a socket that one thread reads while others join groups calls
    /// [`Socket::read_groups`] first.
    pub fn add_membership(&self, group: u32) -> io::Result<()> {
        let group = libc::c_int::try_from(group).map_err(|_| io::ErrorKind::InvalidInput)?;
        self.read_groups();
        self.raw.set_netlink_opt(opt::ADD_MEMBERSHIP, group)
    }

    /// Reads every datagram with its multicast group from now on, as after
    /// the first [`Socket::add_membership`], whether or not a group is
    /// joined yet.
    pub fn read_groups(&self) {
        self.groups.store(true, Ordering::Release);
    }

    /// Leaves a multicast group by id.
    pub fn drop_membership(&self, group: u32) -> io::Result<()> {
        let group = libc::c_int::try_from(group).map_err(|_| io::ErrorKind::InvalidInput)?;
        self.raw.set_netlink_opt(opt::DROP_MEMBERSHIP, group)
    }

    /// Turns receive-overrun reports (`ENOBUFS`) off or on.
    pub fn set_report_overruns(&self, on: bool) -> io::Result<()> {
        self.raw.set_netlink_opt(opt::NO_ENOBUFS, i32::from(!on))
    }

    /// Sends a buffer of one or more messages to the kernel.
    pub fn send(&self, buf: &[u8]) -> io::Result<()> {
        sent_whole(self.raw.send(buf)?, buf)
    }

    /// Sends a buffer of messages to another netlink socket of this family,
    /// by its port id (0 is the kernel). Unprivileged processes may not.
    pub fn send_to_port(&self, buf: &[u8], port: u32) -> io::Result<()> {
        sent_whole(self.raw.send_to(buf, port, 0)?, buf)
    }

    /// Receives one datagram, whole, into the front of `buf` and returns its
    /// length and its multicast group (`None` for a unicast reply), with one
    /// `recv` (`recvmsg` once the socket reads groups). `buf` is the receive
    /// area: it is made 256 KiB long once (zeroed, so untouched pages cost
    /// nothing), never shorter. A datagram longer than the area cannot be
    /// read whole: it is reported as an `InvalidData` error naming its size,
    /// and the area grows to hold the next one that large. An overrun is
    /// `ENOBUFS`; on a non-blocking socket an empty queue is `WouldBlock`; an
    /// empty read is `UnexpectedEof`.
    pub fn recv_into(&self, buf: &mut Vec<u8>) -> io::Result<(usize, Option<u32>)> {
        self.recv_into_with(buf, 0)
    }

    /// Like [`Socket::recv_into`], without waiting: an empty queue is
    /// `WouldBlock` on any socket (`MSG_DONTWAIT`).
    pub fn try_recv_into(&self, buf: &mut Vec<u8>) -> io::Result<(usize, Option<u32>)> {
        self.recv_into_with(buf, libc::MSG_DONTWAIT)
    }

    fn recv_into_with(
        &self,
        buf: &mut Vec<u8>,
        flags: libc::c_int,
    ) -> io::Result<(usize, Option<u32>)> {
        if buf.len() < RX_AREA {
            *buf = vec![0; RX_AREA];
        }
        let flags = libc::MSG_TRUNC | flags;
        let (n, group) = if self.groups.load(Ordering::Acquire) {
            self.raw.recv_msg(buf, flags)?
        } else {
            (self.raw.recv(buf, flags)?, None)
        };
        if n == 0 {
            // The kernel sends no empty datagrams (and refuses to send one
            // from a user port, ENODATA): a reader must not wait for the rest
            // of an answer, or spin on empty reads, if one ever comes.
            return Err(io::Error::new(
                io::ErrorKind::UnexpectedEof,
                "the netlink socket returned an empty read (closed)",
            ));
        }
        if n > buf.len() {
            let area = buf.len();
            *buf = vec![0; n];
            return Err(io::Error::new(
                io::ErrorKind::InvalidData,
                format!(
                    "a datagram of {n} bytes was longer than the receive area of \
                     {area} bytes and was dropped; the area now holds {n}"
                ),
            ));
        }
        Ok((n, group))
    }
}

/// `Ok` when a send of `buf` wrote `n` bytes, all of it.
fn sent_whole(n: usize, buf: &[u8]) -> io::Result<()> {
    if n == buf.len() {
        Ok(())
    } else {
        Err(io::Error::new(
            io::ErrorKind::WriteZero,
            format!("sent {n} of {} bytes", buf.len()),
        ))
    }
}

/// Registers a non-blocking socket with tokio's reactor.
#[cfg(feature = "tokio")]
#[allow(unsafe_code)]
pub(crate) fn register(socket: Socket) -> io::Result<tokio::io::unix::AsyncFd<Socket>> {
    // SAFETY: a Socket owns its descriptor (an OwnedFd inside RawSocket) for
    // its whole life and `as_raw_fd` always returns that descriptor; the
    // AsyncFd takes ownership of the Socket, so the descriptor stays open
    // and the same until the AsyncFd is dropped.
    unsafe { tokio::io::unix::AsyncFd::register(socket) }.map_err(|e| e.into_parts().1)
}

impl AsFd for Socket {
    fn as_fd(&self) -> BorrowedFd<'_> {
        self.raw.as_fd()
    }
}

impl AsRawFd for Socket {
    fn as_raw_fd(&self) -> RawFd {
        self.raw.as_raw_fd()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Whether a send from one user port to another went; without
    /// CAP_NET_ADMIN, which such sends need, `test` skips.
    fn sent(test: &str, result: io::Result<()>) -> bool {
        match result {
            Ok(()) => true,
            Err(e) if e.raw_os_error() == Some(libc::EPERM) => {
                let reason = format!("sending to another netlink port needs CAP_NET_ADMIN: {e}");
                genl_testkit::skip(test, &reason);
                false
            }
            Err(e) => panic!("{test}: send: {e}"),
        }
    }

    /// A message of `len` bytes in all (a bare netlink header and padding).
    fn message(len: usize, seq: u32) -> Vec<u8> {
        let mut m = vec![0; len];
        m[..4].copy_from_slice(&u32::try_from(len).unwrap().to_ne_bytes());
        m[4..6].copy_from_slice(&0x20u16.to_ne_bytes());
        m[8..12].copy_from_slice(&seq.to_ne_bytes());
        m
    }

    #[test]
    fn datagrams_are_read_whole_and_an_oversized_one_is_reported_not_lost_silently() {
        let (rx, tx) = (Socket::new().unwrap(), Socket::new().unwrap());
        // A send larger than the send buffer fails with EMSGSIZE.
        let _ = tx
            .raw
            .set_int_opt(libc::SOL_SOCKET, libc::SO_SNDBUFFORCE, 1 << 20);
        let sizes = [16, 40_000, RX_AREA + 4096, 100];
        for (seq, &len) in sizes.iter().enumerate() {
            let result = tx.send_to_port(&message(len, seq as u32), rx.port_id());
            if !sent("datagrams_are_read_whole", result) {
                return;
            }
        }
        let mut buf = Vec::new();
        for (seq, &len) in sizes.iter().enumerate() {
            match rx.recv_into(&mut buf) {
                Ok((n, group)) => {
                    assert_eq!((n, group), (len, None));
                    assert_eq!(buf[8..12], (seq as u32).to_ne_bytes());
                }
                Err(e) => {
                    assert_eq!(len, RX_AREA + 4096, "only the oversized one fails: {e}");
                    assert_eq!(e.kind(), io::ErrorKind::InvalidData);
                    assert!(e.to_string().contains(&len.to_string()), "{e}");
                    assert!(buf.len() >= len, "the area grew");
                }
            }
        }
    }

    #[test]
    fn reads_report_the_group_from_the_first_membership_on() {
        // nlctrl's "notify" group, which any process may join.
        const NOTIFY: u32 = 0x10;
        let (rx, tx) = (Socket::new().unwrap(), Socket::new().unwrap());
        const TEST: &str = "reads_report_the_group";
        let mut buf = Vec::new();
        if !sent(TEST, tx.send_to_port(&message(16, 1), rx.port_id())) {
            return;
        }
        assert_eq!(rx.recv_into(&mut buf).unwrap(), (16, None));
        assert!(!rx.groups.load(Ordering::Relaxed), "read with recv");

        rx.add_membership(NOTIFY).unwrap();
        let notification = message(20, 2);
        let to_group = tx.raw.send_to(&notification, 0, 1 << (NOTIFY - 1));
        if !sent(TEST, to_group.and_then(|n| sent_whole(n, &notification))) {
            return;
        }
        tx.send_to_port(&message(24, 3), rx.port_id()).unwrap();
        assert_eq!(rx.recv_into(&mut buf).unwrap(), (20, Some(NOTIFY)));
        assert_eq!(buf[8..12], 2u32.to_ne_bytes());
        assert_eq!(rx.recv_into(&mut buf).unwrap(), (24, None));
    }
}
