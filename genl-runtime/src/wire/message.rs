//! Whole netlink messages: writing one with its length patched at the end,
//! and walking the messages of a received buffer.

use super::attr::align;
use super::error::{DecodeError, DecodeErrorKind};
use super::header::{NLMSG_HDRLEN, NlMsgHdr};

/// An open message; hand it back to [`end_message`].
#[derive(Debug)]
#[must_use = "a message must be closed with end_message"]
pub struct MessageToken {
    start: usize,
}

/// Starts a message at the end of `buf` (4-byte aligned); its `len` is
/// written by [`end_message`].
pub fn begin_message(buf: &mut Vec<u8>, header: NlMsgHdr) -> MessageToken {
    buf.resize(align(buf.len()), 0);
    let start = buf.len();
    NlMsgHdr { len: 0, ..header }.write(buf);
    MessageToken { start }
}

/// Closes a message, writing its length.
pub fn end_message(buf: &mut [u8], token: MessageToken) {
    let len = u32::try_from(buf.len() - token.start).unwrap_or(u32::MAX);
    buf[token.start..token.start + 4].copy_from_slice(&len.to_ne_bytes());
}

/// Iterates over the messages of a received buffer: each header with its
/// payload (the bytes after the header, up to `nlmsg_len`).
pub fn messages(buf: &[u8]) -> MessageIter<'_> {
    MessageIter { buf }
}

/// See [`messages`].
#[derive(Clone, Debug)]
pub struct MessageIter<'a> {
    buf: &'a [u8],
}

impl<'a> Iterator for MessageIter<'a> {
    type Item = Result<(NlMsgHdr, &'a [u8]), DecodeError>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.buf.is_empty() {
            return None;
        }
        let header = match NlMsgHdr::parse(self.buf) {
            Ok(h) => h,
            Err(e) => {
                self.buf = &[];
                return Some(Err(e));
            }
        };
        let len = header.len as usize;
        if len < NLMSG_HDRLEN || len > self.buf.len() {
            let remaining = self.buf.len();
            self.buf = &[];
            return Some(Err(DecodeError::new(DecodeErrorKind::BadMessageLen {
                len: header.len,
                remaining,
            })));
        }
        let payload = &self.buf[NLMSG_HDRLEN..len];
        self.buf = self.buf.get(align(len)..).unwrap_or(&[]);
        Some(Ok((header, payload)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::wire::{GenlMsgHdr, Writer, attrs, flags, msg_type};

    #[test]
    fn getfamily_request_bytes() {
        // CTRL_CMD_GETFAMILY for "ovs_flow", as the kernel ABI lays it out.
        let mut buf = Vec::new();
        let hdr = NlMsgHdr {
            len: 0,
            ty: msg_type::GENL_ID_CTRL,
            flags: flags::REQUEST | flags::ACK,
            seq: 1,
            pid: 0,
        };
        let msg = begin_message(&mut buf, hdr);
        GenlMsgHdr { cmd: 3, version: 2 }.write(&mut buf);
        Writer::new(&mut buf).string(2, "ovs_flow");
        end_message(&mut buf, msg);
        #[rustfmt::skip]
        let expected: Vec<u8> = [
            &36u32.to_ne_bytes()[..], &0x10u16.to_ne_bytes(), &5u16.to_ne_bytes(),
            &1u32.to_ne_bytes(), &0u32.to_ne_bytes(),
            &[3, 2, 0, 0],
            &13u16.to_ne_bytes(), &2u16.to_ne_bytes(), b"ovs_flow\0", &[0, 0, 0],
        ]
        .concat();
        assert_eq!(buf, expected);

        let all: Vec<_> = messages(&buf).collect::<Result<_, _>>().unwrap();
        assert_eq!(all.len(), 1);
        assert_eq!(all[0].0.len, 36);
        let genl = GenlMsgHdr::parse(all[0].1).unwrap();
        assert_eq!(genl.cmd, 3);
        let name = attrs(&all[0].1[4..]).next().unwrap().unwrap();
        assert_eq!(name.string(false).unwrap(), "ovs_flow");
    }

    #[test]
    fn bad_message_lengths_are_errors() {
        let mut buf = Vec::new();
        NlMsgHdr {
            len: 40,
            ..Default::default()
        }
        .write(&mut buf);
        let mut it = messages(&buf);
        assert!(matches!(
            it.next().unwrap().unwrap_err().kind(),
            DecodeErrorKind::BadMessageLen { len: 40, .. }
        ));
        assert!(it.next().is_none());
        assert!(messages(&buf[..10]).next().unwrap().is_err());
    }
}
