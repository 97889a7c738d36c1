//! The netlink socket itself: the only place in genl that calls the
//! operating system, and the only module with `unsafe` code. Each call is a
//! thin wrapper around one libc function; everything above works on bytes.
#![allow(unsafe_code)]

use std::io;
use std::mem::{size_of, size_of_val, zeroed};
use std::os::fd::{AsFd, AsRawFd, BorrowedFd, FromRawFd, OwnedFd, RawFd};

/// `SOL_NETLINK`, the socket option level of netlink options.
const SOL_NETLINK: libc::c_int = 270;

/// Netlink socket options (`include/uapi/linux/netlink.h`).
pub(crate) mod opt {
    /// Join a multicast group.
    pub const ADD_MEMBERSHIP: libc::c_int = 1;
    /// Leave a multicast group.
    pub const DROP_MEMBERSHIP: libc::c_int = 2;
    /// Received multicast messages carry their group in a control message.
    pub const PKTINFO: libc::c_int = 3;
    /// Do not report receive overruns (`ENOBUFS`).
    pub const NO_ENOBUFS: libc::c_int = 5;
    /// Acknowledgements carry only the request's header, not its payload.
    pub const CAP_ACK: libc::c_int = 10;
    /// Errors carry extended ACK attributes.
    pub const EXT_ACK: libc::c_int = 11;
    /// Dump requests are checked strictly.
    pub const GET_STRICT_CHK: libc::c_int = 12;
}

/// A `NETLINK_GENERIC` socket bound to a port id the kernel chose.
#[derive(Debug)]
pub(crate) struct RawSocket {
    fd: OwnedFd,
    port_id: u32,
}

fn check(ret: libc::c_int) -> io::Result<libc::c_int> {
    if ret < 0 {
        Err(io::Error::last_os_error())
    } else {
        Ok(ret)
    }
}

fn check_size(ret: libc::ssize_t) -> io::Result<usize> {
    usize::try_from(ret).map_err(|_| io::Error::last_os_error())
}

impl RawSocket {
    /// Opens and binds a socket of `protocol` (close-on-exec; non-blocking
    /// when asked).
    pub(crate) fn open(protocol: libc::c_int, nonblocking: bool) -> io::Result<RawSocket> {
        let mut ty = libc::SOCK_RAW | libc::SOCK_CLOEXEC;
        if nonblocking {
            ty |= libc::SOCK_NONBLOCK;
        }
        // SAFETY: socket(2) takes no pointers; a non-negative return is a new
        // descriptor that nothing else owns, so OwnedFd may take it.
        let fd =
            unsafe { OwnedFd::from_raw_fd(check(libc::socket(libc::AF_NETLINK, ty, protocol))?) };
        // SAFETY: sockaddr_nl is plain data for which all zeroes is valid.
        let mut addr: libc::sockaddr_nl = unsafe { zeroed() };
        addr.nl_family = libc::AF_NETLINK as libc::sa_family_t;
        let len = size_of::<libc::sockaddr_nl>() as libc::socklen_t;
        // SAFETY: `addr` is a valid sockaddr_nl of `len` bytes that outlives the
        // call; a zero nl_pid asks the kernel to assign the port id.
        check(unsafe {
            libc::bind(
                fd.as_raw_fd(),
                (&raw const addr).cast::<libc::sockaddr>(),
                len,
            )
        })?;
        let mut out_len = len;
        // SAFETY: `addr` is writable for `out_len` bytes and `out_len` is a
        // valid pointer; the kernel writes at most that many bytes.
        check(unsafe {
            libc::getsockname(
                fd.as_raw_fd(),
                (&raw mut addr).cast::<libc::sockaddr>(),
                &raw mut out_len,
            )
        })?;
        Ok(RawSocket {
            fd,
            port_id: addr.nl_pid,
        })
    }

    /// The port id the kernel assigned.
    pub(crate) fn port_id(&self) -> u32 {
        self.port_id
    }

    /// Sets an integer option at `level` (`SOL_SOCKET`, or [`SOL_NETLINK`]
    /// through [`Self::set_netlink_opt`]).
    pub(crate) fn set_int_opt(
        &self,
        level: libc::c_int,
        name: libc::c_int,
        value: libc::c_int,
    ) -> io::Result<()> {
        // SAFETY: the option value is a c_int that lives for the call, and
        // its size is passed with it.
        check(unsafe {
            libc::setsockopt(
                self.fd.as_raw_fd(),
                level,
                name,
                (&raw const value).cast::<libc::c_void>(),
                size_of::<libc::c_int>() as libc::socklen_t,
            )
        })
        .map(drop)
    }

    /// Sets a netlink option ([`opt`]).
    pub(crate) fn set_netlink_opt(&self, name: libc::c_int, value: libc::c_int) -> io::Result<()> {
        self.set_int_opt(SOL_NETLINK, name, value)
    }

    /// Sets `SO_RCVTIMEO`: blocking receives fail with `WouldBlock` after
    /// `timeout` (`None`: wait for ever).
    pub(crate) fn set_recv_timeout(&self, timeout: Option<std::time::Duration>) -> io::Result<()> {
        let tv = match timeout {
            Some(d) => libc::timeval {
                tv_sec: libc::time_t::try_from(d.as_secs()).unwrap_or(libc::time_t::MAX),
                // Below a million, so it fits.
                tv_usec: d.subsec_micros() as libc::suseconds_t,
            },
            None => libc::timeval {
                tv_sec: 0,
                tv_usec: 0,
            },
        };
        // SAFETY: the option value is a timeval that lives for the call, and
        // its size is passed with it.
        check(unsafe {
            libc::setsockopt(
                self.fd.as_raw_fd(),
                libc::SOL_SOCKET,
                libc::SO_RCVTIMEO,
                (&raw const tv).cast::<libc::c_void>(),
                size_of::<libc::timeval>() as libc::socklen_t,
            )
        })
        .map(drop)
    }

    /// Reads an integer option of `SOL_SOCKET`.
    pub(crate) fn socket_opt(&self, name: libc::c_int) -> io::Result<libc::c_int> {
        let mut value: libc::c_int = 0;
        let mut len = size_of::<libc::c_int>() as libc::socklen_t;
        // SAFETY: `value` is writable for `len` bytes and `len` is a valid
        // pointer; the kernel writes at most that many.
        check(unsafe {
            libc::getsockopt(
                self.fd.as_raw_fd(),
                libc::SOL_SOCKET,
                name,
                (&raw mut value).cast::<libc::c_void>(),
                &raw mut len,
            )
        })?;
        Ok(value)
    }

    /// Sends one buffer of messages to the kernel (`send` with no address:
    /// the socket is never connected, so it goes to port 0).
    pub(crate) fn send(&self, buf: &[u8]) -> io::Result<usize> {
        // SAFETY: `buf` is readable for its length and outlives the call.
        check_size(unsafe {
            libc::send(
                self.fd.as_raw_fd(),
                buf.as_ptr().cast::<libc::c_void>(),
                buf.len(),
                0,
            )
        })
    }

    /// Sends one buffer of messages to the port `port` (0 is the kernel)
    /// and, when `groups` has a bit set, to the multicast group of its
    /// lowest set bit (bit 0 is group 1).
    pub(crate) fn send_to(&self, buf: &[u8], port: u32, groups: u32) -> io::Result<usize> {
        // SAFETY: all zeroes is a valid sockaddr_nl.
        let mut addr: libc::sockaddr_nl = unsafe { zeroed() };
        addr.nl_family = libc::AF_NETLINK as libc::sa_family_t;
        addr.nl_pid = port;
        addr.nl_groups = groups;
        // SAFETY: `buf` is readable for its length and `addr` is a valid
        // sockaddr_nl of the size given; both outlive the call.
        check_size(unsafe {
            libc::sendto(
                self.fd.as_raw_fd(),
                buf.as_ptr().cast::<libc::c_void>(),
                buf.len(),
                0,
                (&raw const addr).cast::<libc::sockaddr>(),
                size_of::<libc::sockaddr_nl>() as libc::socklen_t,
            )
        })
    }

    /// Receives into `buf` with `flags`, returning the datagram's full length
    /// (with `MSG_TRUNC`, possibly more than `buf` holds).
    pub(crate) fn recv(&self, buf: &mut [u8], flags: libc::c_int) -> io::Result<usize> {
        // SAFETY: `buf` is writable for its length and exclusively borrowed
        // for the call; the kernel writes at most that many bytes.
        check_size(unsafe {
            libc::recv(
                self.fd.as_raw_fd(),
                buf.as_mut_ptr().cast::<libc::c_void>(),
                buf.len(),
                flags,
            )
        })
    }

    /// Like [`Self::recv`], and also returns, for a multicast datagram, its
    /// group (with [`opt::PKTINFO`] on).
    pub(crate) fn recv_msg(
        &self,
        buf: &mut [u8],
        flags: libc::c_int,
    ) -> io::Result<(usize, Option<u32>)> {
        let mut iov = libc::iovec {
            iov_base: buf.as_mut_ptr().cast::<libc::c_void>(),
            iov_len: buf.len(),
        };
        // Room for one cmsghdr with a struct nl_pktinfo (a u32), aligned.
        let mut control = [0u64; 4];
        // SAFETY: msghdr is plain data for which all zeroes is valid.
        let mut msg: libc::msghdr = unsafe { zeroed() };
        msg.msg_iov = &raw mut iov;
        msg.msg_iovlen = 1;
        msg.msg_control = control.as_mut_ptr().cast::<libc::c_void>();
        msg.msg_controllen = size_of_val(&control) as _;
        // SAFETY: `msg` points at `iov` (describing `buf`, writable for its
        // length) and at `control` (writable for msg_controllen bytes); all
        // of them outlive the call and the kernel writes within those bounds.
        let n = check_size(unsafe { libc::recvmsg(self.fd.as_raw_fd(), &raw mut msg, flags) })?;
        let mut group = None;
        // SAFETY: `msg` was filled by recvmsg, so the CMSG_* walk stays within
        // `control` as msg_controllen (set by the kernel) bounds it; the data
        // of an NETLINK_PKTINFO message is a u32, read unaligned.
        unsafe {
            let mut cmsg = libc::CMSG_FIRSTHDR(&raw const msg);
            while !cmsg.is_null() {
                if (*cmsg).cmsg_level == SOL_NETLINK && (*cmsg).cmsg_type == opt::PKTINFO {
                    group = Some(libc::CMSG_DATA(cmsg).cast::<u32>().read_unaligned());
                }
                cmsg = libc::CMSG_NXTHDR(&raw const msg, cmsg);
            }
        }
        Ok((n, group.filter(|&g| g != 0)))
    }
}

impl AsFd for RawSocket {
    fn as_fd(&self) -> BorrowedFd<'_> {
        self.fd.as_fd()
    }
}

impl AsRawFd for RawSocket {
    fn as_raw_fd(&self) -> RawFd {
        self.fd.as_raw_fd()
    }
}
