//! Netlink attributes (`struct nlattr`): writing in place, reading without copies.

use super::error::{DecodeError, DecodeErrorKind};
use super::scalar::{self, Scalar};

/// Attributes start on 4-byte boundaries.
pub const NLA_ALIGNTO: usize = 4;
/// Size of `struct nlattr`.
pub const NLA_HDRLEN: usize = 4;
/// The attribute holds nested attributes.
pub const NLA_F_NESTED: u16 = 1 << 15;
/// The payload is in network byte order.
pub const NLA_F_NET_BYTEORDER: u16 = 1 << 14;
/// The bits of `nla_type` that are the type.
pub const NLA_TYPE_MASK: u16 = !(NLA_F_NESTED | NLA_F_NET_BYTEORDER);

/// Rounds `len` up to the attribute alignment.
pub const fn align(len: usize) -> usize {
    (len + NLA_ALIGNTO - 1) & !(NLA_ALIGNTO - 1)
}

/// Appends attributes to a buffer. Nests are written in place: [`Writer::begin_nest`]
/// leaves room for the header, [`Writer::end_nest`] fills in the length.
#[derive(Debug)]
pub struct Writer<'a> {
    buf: &'a mut Vec<u8>,
}

/// An open nest; hand it back to [`Writer::end_nest`].
#[derive(Debug)]
#[must_use = "a nest must be closed with Writer::end_nest"]
pub struct NestToken {
    start: usize,
}

impl<'a> Writer<'a> {
    /// Writes attributes at the end of `buf`.
    pub fn new(buf: &'a mut Vec<u8>) -> Self {
        Writer { buf }
    }

    /// The buffer written so far.
    pub fn buf(&self) -> &[u8] {
        self.buf
    }

    /// Appends an attribute header (length and type, one 4-byte append).
    #[inline]
    fn header(&mut self, ty: u16, payload_len: usize) {
        let len = u16::try_from(NLA_HDRLEN + payload_len).unwrap_or(u16::MAX);
        let [l0, l1] = len.to_ne_bytes();
        let [t0, t1] = ty.to_ne_bytes();
        self.buf.extend_from_slice(&[l0, l1, t0, t1]);
    }

    /// Pads the buffer with zeros to the attribute alignment (at most 3).
    #[inline]
    fn pad(&mut self) {
        let len = self.buf.len();
        let pad = align(len) - len;
        if pad != 0 {
            self.buf.extend_from_slice(&[0; NLA_HDRLEN - 1][..pad]);
        }
    }

    /// An attribute with raw payload bytes.
    ///
    /// Payloads longer than 65531 bytes do not fit `nla_len`; callers check
    /// lengths against the policy before writing.
    #[inline]
    pub fn bytes(&mut self, ty: u16, payload: &[u8]) {
        self.header(ty, payload.len());
        self.buf.extend_from_slice(payload);
        self.pad();
    }

    /// An attribute whose payload `write` appends to the buffer in place
    /// (no intermediate buffer); its length is what `write` appended.
    #[inline]
    pub fn bytes_with(&mut self, ty: u16, write: impl FnOnce(&mut Vec<u8>)) {
        let start = self.begin_bytes(ty);
        write(self.buf);
        self.end_bytes(start);
    }

    /// Opens an attribute whose payload the caller appends (the part of
    /// [`Writer::bytes_with`] that is the same for every payload).
    #[inline]
    fn begin_bytes(&mut self, ty: u16) -> usize {
        let start = self.buf.len();
        self.header(ty, 0);
        start
    }

    /// Closes the attribute opened at `start`: writes its length, pads.
    #[inline]
    fn end_bytes(&mut self, start: usize) {
        let len = u16::try_from(self.buf.len() - start).unwrap_or(u16::MAX);
        self.buf[start..start + 2].copy_from_slice(&len.to_ne_bytes());
        self.pad();
    }

    /// A flag: an attribute with no payload.
    #[inline]
    pub fn flag(&mut self, ty: u16) {
        self.bytes(ty, &[]);
    }

    /// A fixed-size integer in its own byte order.
    #[inline]
    pub fn scalar<T: Scalar>(&mut self, ty: u16, value: T) {
        self.header(ty, T::SIZE);
        value.put(self.buf);
        self.pad();
    }

    /// A `uint`: 4 bytes when the value fits, else 8.
    pub fn uint(&mut self, ty: u16, value: u64) {
        match u32::try_from(value) {
            Ok(v) => self.scalar(ty, v),
            Err(_) => self.scalar(ty, value),
        }
    }

    /// A `sint`: 4 bytes when the value fits, else 8.
    pub fn sint(&mut self, ty: u16, value: i64) {
        match i32::try_from(value) {
            Ok(v) => self.scalar(ty, v),
            Err(_) => self.scalar(ty, value),
        }
    }

    /// A NUL-terminated string.
    pub fn string(&mut self, ty: u16, value: &str) {
        self.header(ty, value.len() + 1);
        self.buf.extend_from_slice(value.as_bytes());
        self.buf.push(0);
        self.pad();
    }

    /// Bytes that are not an attribute, such as the fixed header at the
    /// start of a sub-message's nest, padded to the attribute alignment.
    pub fn raw(&mut self, bytes: &[u8]) {
        self.buf.extend_from_slice(bytes);
        self.pad();
    }

    /// Opens a nest of attribute type `ty` (`NLA_F_NESTED` is set).
    #[inline]
    pub fn begin_nest(&mut self, ty: u16) -> NestToken {
        let start = self.buf.len();
        self.header(ty | NLA_F_NESTED, 0);
        NestToken { start }
    }

    /// Closes a nest, writing its length.
    #[inline]
    pub fn end_nest(&mut self, token: NestToken) {
        let len = u16::try_from(self.buf.len() - token.start).unwrap_or(u16::MAX);
        self.buf[token.start..token.start + 2].copy_from_slice(&len.to_ne_bytes());
    }
}

/// One attribute read from a buffer; the payload borrows from it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Attr<'a> {
    /// Type number, without the flag bits.
    pub ty: u16,
    /// `NLA_F_NESTED` was set.
    pub nested: bool,
    /// `NLA_F_NET_BYTEORDER` was set.
    pub net_byteorder: bool,
    /// The payload, without padding.
    pub payload: &'a [u8],
}

impl<'a> Attr<'a> {
    /// A fixed-size integer.
    pub fn scalar<T: Scalar>(&self) -> Result<T, DecodeError> {
        T::get(self.payload)
    }

    /// A `uint` (4 or 8 bytes).
    #[inline]
    pub fn uint(&self) -> Result<u64, DecodeError> {
        scalar::get_uint(self.payload)
    }

    /// A `sint` (4 or 8 bytes).
    #[inline]
    pub fn sint(&self) -> Result<i64, DecodeError> {
        scalar::get_sint(self.payload)
    }

    /// A NUL-terminated UTF-8 string, without its NUL. With `unterminated_ok`
    /// the NUL may be missing; bytes after the first NUL are ignored either way.
    pub fn string(&self, unterminated_ok: bool) -> Result<&'a str, DecodeError> {
        let bytes = match self.payload.iter().position(|&b| b == 0) {
            Some(nul) => &self.payload[..nul],
            None if unterminated_ok => self.payload,
            None => return Err(DecodeError::new(DecodeErrorKind::MissingNul)),
        };
        std::str::from_utf8(bytes).map_err(|_| DecodeError::new(DecodeErrorKind::BadUtf8))
    }

    /// The attributes nested in this one.
    pub fn nested(&self) -> AttrIter<'a> {
        attrs(self.payload)
    }
}

/// Iterates over the attributes of a buffer.
///
/// A length below the header or past the end is an error, after which the
/// iterator ends. Fewer than 4 trailing bytes are ignored, as the kernel does.
pub fn attrs(buf: &[u8]) -> AttrIter<'_> {
    AttrIter { buf }
}

/// See [`attrs`].
#[derive(Clone, Debug)]
pub struct AttrIter<'a> {
    buf: &'a [u8],
}

impl<'a> Iterator for AttrIter<'a> {
    type Item = Result<Attr<'a>, DecodeError>;

    #[inline]
    fn next(&mut self) -> Option<Self::Item> {
        if self.buf.len() < NLA_HDRLEN {
            return None;
        }
        let len = u16::from_ne_bytes([self.buf[0], self.buf[1]]);
        let raw_ty = u16::from_ne_bytes([self.buf[2], self.buf[3]]);
        let remaining = self.buf.len();
        if (len as usize) < NLA_HDRLEN || len as usize > remaining {
            self.buf = &[];
            return Some(Err(DecodeError::new(DecodeErrorKind::BadAttrLen {
                len,
                remaining,
            })));
        }
        let payload = &self.buf[NLA_HDRLEN..len as usize];
        self.buf = self.buf.get(align(len as usize)..).unwrap_or(&[]);
        Some(Ok(Attr {
            ty: raw_ty & NLA_TYPE_MASK,
            nested: raw_ty & NLA_F_NESTED != 0,
            net_byteorder: raw_ty & NLA_F_NET_BYTEORDER != 0,
            payload,
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::wire::Be;

    #[test]
    fn writes_aligned_attributes_and_nests_in_place() {
        let mut buf = Vec::new();
        let mut w = Writer::new(&mut buf);
        w.string(2, "nlctrl");
        let nest = w.begin_nest(6);
        w.scalar(1, 7u32);
        w.scalar(2, Be(80u16));
        w.flag(3);
        w.end_nest(nest);
        w.uint(4, 5);
        w.uint(5, 1 << 33);
        #[rustfmt::skip]
        let expected: Vec<u8> = [
            &[11, 0, 2, 0][..], b"nlctrl\0", &[0],            // string, padded to 12
            &[24, 0, 6, 0x80][..],                             // nest, 4 + 8 + 8 + 4
            &[8, 0, 1, 0][..], &7u32.to_ne_bytes(),
            &[6, 0, 2, 0][..], &[0, 80, 0, 0],                 // be16 and padding
            &[4, 0, 3, 0][..],                                 // flag
            &[8, 0, 4, 0][..], &5u32.to_ne_bytes(),            // uint in 4 bytes
            &[12, 0, 5, 0][..], &(1u64 << 33).to_ne_bytes(),   // uint in 8 bytes
        ]
        .concat();
        assert_eq!(buf, expected);

        let all: Vec<Attr<'_>> = attrs(&buf).collect::<Result<_, _>>().unwrap();
        assert_eq!(all.len(), 4);
        assert_eq!(all[0].string(false).unwrap(), "nlctrl");
        assert!(all[1].nested);
        let inner: Vec<Attr<'_>> = all[1].nested().collect::<Result<_, _>>().unwrap();
        assert_eq!(inner[0].scalar::<u32>().unwrap(), 7);
        assert_eq!(inner[1].scalar::<Be<u16>>().unwrap(), Be(80));
        assert!(inner[2].payload.is_empty());
        assert_eq!(all[2].uint().unwrap(), 5);
        assert_eq!(all[3].uint().unwrap(), 1 << 33);
    }

    #[test]
    fn malformed_lengths_are_errors() {
        // nla_len below the header.
        let e = attrs(&[2, 0, 1, 0]).next().unwrap().unwrap_err();
        assert_eq!(
            *e.kind(),
            DecodeErrorKind::BadAttrLen {
                len: 2,
                remaining: 4
            }
        );
        // nla_len past the end; the iterator stops after the error.
        let mut it = attrs(&[9, 0, 1, 0, 1, 2, 3, 4]);
        assert!(it.next().unwrap().is_err());
        assert!(it.next().is_none());
        // Trailing bytes shorter than a header are ignored.
        assert_eq!(attrs(&[4, 0, 1, 0, 0, 0]).count(), 1);
    }

    #[test]
    fn strings_need_nul_and_utf8() {
        let attr = |p: &'static [u8]| Attr {
            ty: 1,
            nested: false,
            net_byteorder: false,
            payload: p,
        };
        assert_eq!(attr(b"ab\0").string(false).unwrap(), "ab");
        assert_eq!(
            *attr(b"ab").string(false).unwrap_err().kind(),
            DecodeErrorKind::MissingNul
        );
        assert_eq!(attr(b"ab").string(true).unwrap(), "ab");
        assert_eq!(
            *attr(b"\xff\0").string(false).unwrap_err().kind(),
            DecodeErrorKind::BadUtf8
        );
    }
}
