//! The runtime of genl-generated code.
//!
//! Today it holds the netlink wire format, sans-IO ([`wire`]): message and
//! generic netlink headers, attributes written in place and read without
//! copies, and decode errors that name the path to the failing attribute.
//! [`codec`] has the traits that generated and derived types implement, and
//! [`encoding`] the wire functions per kind of attribute that they call.
//! [`policy`] holds the static policy tables and the checks run on a request
//! before it is sent. Blocking and async sockets and the family-resolving
//! client build on these; `unsafe` will be confined to the socket module.
#![forbid(unsafe_code)]

pub mod codec;
pub mod encoding;
mod include;
pub mod policy;
pub mod wire;

pub use codec::{Bitfield32, CStruct, GenlEnum, GenlMessage, MAX_DEPTH, TypeValue, UnknownAttr};
