//! The runtime of genl-generated code.
//!
//! Today it holds the netlink wire format, sans-IO ([`wire`]): message and
//! generic netlink headers, attributes written in place and read without
//! copies, and decode errors that name the path to the failing attribute.
//! [`policy`] holds the static policy tables and the checks run on a request
//! before it is sent. Blocking and async sockets and the family-resolving
//! client build on these; `unsafe` will be confined to the socket module.
#![forbid(unsafe_code)]

pub mod policy;
pub mod wire;
