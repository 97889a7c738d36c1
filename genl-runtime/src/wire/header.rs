//! `struct nlmsghdr` and `struct genlmsghdr`.

use super::error::{DecodeError, DecodeErrorKind};

/// Size of `struct nlmsghdr`.
pub const NLMSG_HDRLEN: usize = 16;
/// Size of `struct genlmsghdr`.
pub const GENL_HDRLEN: usize = 4;

/// `nlmsg_type` values of the netlink core (`include/uapi/linux/netlink.h`).
pub mod msg_type {
    /// Nothing.
    pub const NOOP: u16 = 1;
    /// An error or an acknowledgement.
    pub const ERROR: u16 = 2;
    /// The end of a dump.
    pub const DONE: u16 = 3;
    /// Data lost.
    pub const OVERRUN: u16 = 4;
    /// The generic netlink controller's fixed family id (`GENL_ID_CTRL`).
    pub const GENL_ID_CTRL: u16 = 0x10;
}

/// `nlmsg_flags` bits (`include/uapi/linux/netlink.h`).
pub mod flags {
    /// A request.
    pub const REQUEST: u16 = 0x01;
    /// A multipart message; ends with `NLMSG_DONE`.
    pub const MULTI: u16 = 0x02;
    /// Ask for an acknowledgement.
    pub const ACK: u16 = 0x04;
    /// Echo the request.
    pub const ECHO: u16 = 0x08;
    /// The dump was inconsistent (interrupted).
    pub const DUMP_INTR: u16 = 0x10;
    /// The dump was filtered as requested.
    pub const DUMP_FILTERED: u16 = 0x20;
    /// GET: return the whole tree.
    pub const ROOT: u16 = 0x100;
    /// GET: return all matching.
    pub const MATCH: u16 = 0x200;
    /// GET: atomic snapshot.
    pub const ATOMIC: u16 = 0x400;
    /// GET: a dump (`ROOT | MATCH`).
    pub const DUMP: u16 = ROOT | MATCH;
    /// NEW: replace an existing object.
    pub const REPLACE: u16 = 0x100;
    /// NEW: do not touch an existing object.
    pub const EXCL: u16 = 0x200;
    /// NEW: create if it does not exist.
    pub const CREATE: u16 = 0x400;
    /// NEW: add to the end of a list.
    pub const APPEND: u16 = 0x800;
    /// ACK: the request was capped (`NETLINK_CAP_ACK`).
    pub const CAPPED: u16 = 0x100;
    /// ACK: extended ACK TLVs follow.
    pub const ACK_TLVS: u16 = 0x200;
}

/// `struct nlmsghdr`: the header of every netlink message (host byte order).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct NlMsgHdr {
    /// Length of the message including this header.
    pub len: u32,
    /// Message type: a family id, or one of [`msg_type`].
    pub ty: u16,
    /// [`flags`].
    pub flags: u16,
    /// Sequence number.
    pub seq: u32,
    /// Port id of the sender.
    pub pid: u32,
}

impl NlMsgHdr {
    /// Appends the header.
    pub fn write(&self, buf: &mut Vec<u8>) {
        // Put together first, then appended at once (one capacity check).
        let mut b = [0u8; NLMSG_HDRLEN];
        b[0..4].copy_from_slice(&self.len.to_ne_bytes());
        b[4..6].copy_from_slice(&self.ty.to_ne_bytes());
        b[6..8].copy_from_slice(&self.flags.to_ne_bytes());
        b[8..12].copy_from_slice(&self.seq.to_ne_bytes());
        b[12..16].copy_from_slice(&self.pid.to_ne_bytes());
        buf.extend_from_slice(&b);
    }

    /// Reads a header from the front of `buf`.
    pub fn parse(buf: &[u8]) -> Result<NlMsgHdr, DecodeError> {
        let b: &[u8; NLMSG_HDRLEN] = buf
            .get(..NLMSG_HDRLEN)
            .and_then(|b| b.try_into().ok())
            .ok_or_else(|| {
                DecodeError::new(DecodeErrorKind::Truncated {
                    what: "nlmsghdr",
                    need: NLMSG_HDRLEN,
                    have: buf.len(),
                })
            })?;
        Ok(NlMsgHdr {
            len: u32::from_ne_bytes([b[0], b[1], b[2], b[3]]),
            ty: u16::from_ne_bytes([b[4], b[5]]),
            flags: u16::from_ne_bytes([b[6], b[7]]),
            seq: u32::from_ne_bytes([b[8], b[9], b[10], b[11]]),
            pid: u32::from_ne_bytes([b[12], b[13], b[14], b[15]]),
        })
    }
}

/// `struct genlmsghdr`: the command and version of a generic netlink message.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct GenlMsgHdr {
    /// Command.
    pub cmd: u8,
    /// Family version.
    pub version: u8,
}

impl GenlMsgHdr {
    /// Appends the header (with its two reserved bytes).
    pub fn write(&self, buf: &mut Vec<u8>) {
        buf.extend_from_slice(&[self.cmd, self.version, 0, 0]);
    }

    /// Reads a header from the front of `buf`.
    pub fn parse(buf: &[u8]) -> Result<GenlMsgHdr, DecodeError> {
        match buf.get(..GENL_HDRLEN) {
            Some(b) => Ok(GenlMsgHdr {
                cmd: b[0],
                version: b[1],
            }),
            None => Err(DecodeError::new(DecodeErrorKind::Truncated {
                what: "genlmsghdr",
                need: GENL_HDRLEN,
                have: buf.len(),
            })),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headers_round_trip() {
        let h = NlMsgHdr {
            len: 36,
            ty: 0x10,
            flags: flags::REQUEST | flags::ACK,
            seq: 7,
            pid: 0,
        };
        let mut buf = Vec::new();
        h.write(&mut buf);
        GenlMsgHdr { cmd: 3, version: 2 }.write(&mut buf);
        assert_eq!(buf.len(), NLMSG_HDRLEN + GENL_HDRLEN);
        assert_eq!(NlMsgHdr::parse(&buf).unwrap(), h);
        assert_eq!(
            GenlMsgHdr::parse(&buf[NLMSG_HDRLEN..]).unwrap(),
            GenlMsgHdr { cmd: 3, version: 2 }
        );
        assert!(NlMsgHdr::parse(&buf[..15]).is_err());
        assert!(GenlMsgHdr::parse(&buf[NLMSG_HDRLEN..NLMSG_HDRLEN + 3]).is_err());
    }
}
