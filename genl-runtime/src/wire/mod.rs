//! The netlink wire format, sans-IO: headers, attributes, scalars.
//!
//! Writing appends to a caller-owned `Vec<u8>`: nests are written in place
//! and their length is patched when they end, with no intermediate tree.
//! Reading walks a `&[u8]` without copying; every malformed length, size or
//! string is a [`DecodeError`] that carries the path of names down to the
//! failing attribute, never a panic.

mod attr;
mod error;
mod header;
mod message;
mod scalar;
pub mod text;

pub use attr::{
    Attr, AttrIter, NLA_ALIGNTO, NLA_F_NESTED, NLA_F_NET_BYTEORDER, NLA_HDRLEN, NLA_TYPE_MASK,
    NestToken, Writer, align, attrs,
};
pub(crate) use error::path_string;
pub use error::{DecodeError, DecodeErrorKind, PathSegment};
pub use header::{GENL_HDRLEN, GenlMsgHdr, NLMSG_HDRLEN, NlMsgHdr, flags, msg_type};
pub use message::{MessageIter, MessageToken, begin_message, end_message, messages};
pub use scalar::{Be, Scalar, get_sint, get_uint};
