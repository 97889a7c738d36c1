//! A generic netlink socket: opened with the options genl relies on, and
//! read one whole datagram at a time, whatever its size.

mod sys;

use std::io;
use std::os::fd::{AsFd, AsRawFd, BorrowedFd, RawFd};

use sys::{RawSocket, opt};

/// `NETLINK_GENERIC`.
const NETLINK_GENERIC: libc::c_int = 16;

/// The receive buffer genl asks for: large enough that a burst of replies
/// or notifications rarely overruns it.
const RCVBUF: libc::c_int = 4 << 20;

/// The smallest receive area: dumps fill datagrams up to 32 KiB when the
/// reader offers that much.
const MIN_RX: usize = 32 << 10;

/// A `NETLINK_GENERIC` socket bound to a kernel-assigned port id, with
/// extended ACKs (`NETLINK_EXT_ACK`), capped ACKs (`NETLINK_CAP_ACK`) and
/// strict checking of dump requests (`NETLINK_GET_STRICT_CHK`) on.
#[derive(Debug)]
pub struct Socket {
    raw: RawSocket,
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
        Ok(Socket { raw })
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

    /// Joins a multicast group by id.
    pub fn add_membership(&self, group: u32) -> io::Result<()> {
        let group = libc::c_int::try_from(group).map_err(|_| io::ErrorKind::InvalidInput)?;
        self.raw.set_netlink_opt(opt::ADD_MEMBERSHIP, group)
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
        let n = self.raw.send(buf)?;
        if n == buf.len() {
            Ok(())
        } else {
            Err(io::Error::new(
                io::ErrorKind::WriteZero,
                format!("sent {n} of {} bytes", buf.len()),
            ))
        }
    }

    /// Receives one datagram, whole, into the front of `buf` and returns its
    /// length and its multicast group (`None` for a unicast reply). `buf`
    /// is the receive area: it is made at least 32 KiB long once, and longer
    /// when a datagram needs it, never shorter. The datagram is first peeked
    /// with `MSG_TRUNC` to learn its size, and then taken off the queue
    /// without a second copy. An overrun is `ENOBUFS`; on a non-blocking
    /// socket an empty queue is `WouldBlock`; an empty read is
    /// `UnexpectedEof`.
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
        if buf.len() < MIN_RX {
            buf.resize(MIN_RX, 0);
        }
        loop {
            let (n, group) = self
                .raw
                .recv_msg(buf, libc::MSG_PEEK | libc::MSG_TRUNC | flags)?;
            if n > buf.len() {
                buf.resize(n, 0);
                continue;
            }
            self.raw
                .recv(&mut [], libc::MSG_TRUNC | libc::MSG_DONTWAIT)?;
            if n == 0 {
                // The kernel sends no empty datagrams: the socket has
                // nothing more to give, and a reader must not wait for the
                // rest of an answer (or spin on empty reads).
                return Err(io::Error::new(
                    io::ErrorKind::UnexpectedEof,
                    "the netlink socket returned an empty read (closed)",
                ));
            }
            return Ok((n, group));
        }
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
