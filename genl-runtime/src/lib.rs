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
#[doc(hidden)]
pub mod derive_support;
pub mod encoding;
mod include;
pub mod policy;
mod request;
pub mod wire;

pub use codec::{Bitfield32, CStruct, GenlEnum, GenlMessage, MAX_DEPTH, TypeValue, UnknownAttr};
pub use request::{NoAttrs, Notification, Request, RequestKind};

/// Derives the [`GenlMessage`](trait@GenlMessage) trait for a struct of
/// attributes annotated with `#[genl(...)]` (from `genl-derive`).
pub use genl_derive::GenlMessage;

/// Derives the [`CStruct`] trait for a fixed C struct annotated with
/// `#[genl(...)]` (from `genl-derive`).
pub use genl_derive::GenlStruct;

/// Derives the [`GenlEnum`](trait@GenlEnum) trait for an enum of a spec
/// annotated with `#[genl(...)]` (from `genl-derive`).
pub use genl_derive::GenlEnum;

/// The `bitflags` crate, for the flags types of specs (`flags` attributes
/// and their [`Flags`](bitflags::Flags) trait), so that users and
/// generated code need no dependency of their own.
pub use bitflags;
