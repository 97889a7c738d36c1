//! The runtime of genl-generated code.
//!
//! Today it holds the netlink wire format, sans-IO ([`wire`]): message and
//! generic netlink headers, attributes written in place and read without
//! copies, and decode errors that name the path to the failing attribute.
//! The policy tables that check a request before it is sent, blocking and
//! async sockets, and the family-resolving client build on it; `unsafe` will
//! be confined to the socket module.
#![forbid(unsafe_code)]

pub mod wire;
