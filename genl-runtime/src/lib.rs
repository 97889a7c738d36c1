//! The runtime of genl-generated code.
//!
//! [`wire`] holds the netlink wire format, sans-IO: message and generic
//! netlink headers, attributes written in place and read without copies, and
//! decode errors that name the path to the failing attribute. [`codec`] has
//! the traits that generated and derived types implement, and [`encoding`]
//! the wire functions per kind of attribute that they call. [`policy`] holds
//! the static policy tables and the checks run on a request before it is
//! sent.
//!
//! [`Connection`] talks to the kernel over a [`Socket`]: requests with
//! acknowledgements, dumps as iterators, notifications by multicast group,
//! families resolved through the generated [`nlctrl`] bindings, and kernel
//! errors with their extended ACK turned into attribute names
//! ([`KernelError`]). The socket module is the only code with `unsafe`.
//! With the `tokio` feature, [`AsyncConnection`] does the same on tokio's
//! reactor, and [`SharedConnection`] lets many tasks use one socket at once.
#![deny(unsafe_code)]

// Generated code names this crate `::genl_runtime`, also inside it (nlctrl).
extern crate self as genl_runtime;

#[cfg(feature = "tokio")]
mod asynchronous;
pub mod codec;
mod connection;
#[doc(hidden)]
pub mod derive_support;
pub mod encoding;
mod error;
mod exchange;
pub mod extack;
mod family;
mod include;
/// Bindings of the generic netlink controller (`nlctrl`), generated from
/// the project's `specs/nlctrl.yaml` with views (`genl gen --views
/// specs/nlctrl.yaml -o genl-runtime/src/nlctrl.rs`; a test fails when they
/// differ): how families, their operations, multicast groups and policies
/// are looked up.
#[rustfmt::skip] // formatted by the generator
pub mod nlctrl;
pub mod policy;
mod request;
#[cfg(feature = "tokio")]
mod shared;
mod socket;
pub mod view;
pub mod wire;

#[cfg(feature = "tokio")]
pub use asynchronous::{AsyncConnection, AsyncDump, AsyncDumpView};
pub use codec::{
    Bitfield32, CStruct, GenlAttr, GenlEnum, GenlMessage, GenlSubMessage, MAX_DEPTH, SelectorValue,
    TypeValue, UnknownAttr,
};
pub use connection::{Answers, Connection, Dump, DumpView};
pub use error::Error;
pub use exchange::{RawNotification, RawReply, RawRequest};
pub use extack::KernelError;
pub use family::{Family, FamilyOp};
pub use request::{
    Events, NoAttrs, Notification, Reply, ReplyView, Request, RequestKind, ViewedReply,
};
#[cfg(feature = "tokio")]
pub use shared::{EventStream, Notifications, SharedConnection, SharedDump};
pub use socket::Socket;

/// Derives the [`GenlMessage`](trait@GenlMessage) trait for a struct of
/// attributes annotated with `#[genl(...)]` (from `genl-derive`).
pub use genl_derive::GenlMessage;

/// Derives the [`CStruct`] trait for a fixed C struct annotated with
/// `#[genl(...)]` (from `genl-derive`).
pub use genl_derive::GenlStruct;

/// Derives the [`GenlAttr`](trait@GenlAttr) trait for an enum of the
/// attributes of an ordered set, annotated with `#[genl(...)]` (from
/// `genl-derive`).
pub use genl_derive::GenlAttr;

/// Derives the [`GenlSubMessage`](trait@GenlSubMessage) trait for an enum of
/// the formats of a sub-message, annotated with `#[genl(...)]` (from
/// `genl-derive`).
pub use genl_derive::GenlSubMessage;

/// Derives the [`GenlEnum`](trait@GenlEnum) trait for an enum of a spec
/// annotated with `#[genl(...)]` (from `genl-derive`).
pub use genl_derive::GenlEnum;

/// The `bitflags` crate, for the flags types of specs (`flags` attributes
/// and their [`Flags`](bitflags::Flags) trait), so that users and
/// generated code need no dependency of their own.
pub use bitflags;

// The serde option (`genl_spec::codegen::Options::with_serde`).
#[cfg(feature = "serde")]
pub mod serde_support;

/// The `serde` crate (with the `serde` feature), for the `Serialize` and
/// `Deserialize` impls of generated types, so that the crates including them
/// need no dependency of their own: generated code says
/// `#[serde(crate = "::genl_runtime::serde")]`.
#[cfg(feature = "serde")]
pub use serde;
