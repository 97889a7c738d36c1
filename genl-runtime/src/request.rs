//! What generated code says about each operation, for clients to act on.

use crate::codec::{CStruct, GenlMessage};
use crate::policy::{PolicyError, SetPolicy};
use crate::wire::{DecodeError, Writer};

/// How a request is answered.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum RequestKind {
    /// One reply (or an acknowledgement).
    Do,
    /// A series of replies ending with `NLMSG_DONE`.
    Dump,
}

/// A request type of an operation: its command, how it is answered, and the
/// types of its fixed header and replies. Generated for every `do` and
/// `dump` of a spec (`GetfamilyDoRequest`, `GetfamilyDumpRequest`, ...).
pub trait Request: GenlMessage {
    /// The family name, as the kernel registers it.
    const FAMILY: &'static str;
    /// The family version for the genl header.
    const VERSION: u8;
    /// The spec name of the operation.
    const OPERATION: &'static str;
    /// The command of the request.
    const CMD: u8;
    /// The command replies carry, when the spec says.
    const REPLY_CMD: Option<u8>;
    /// `do` or `dump`.
    const KIND: RequestKind;
    /// The fixed header between the genl header and the attributes (`()` when none).
    type Header: CStruct;
    /// The type of each reply (`NoAttrs` when replies carry no attributes).
    type Reply: GenlMessage;
}

/// No fixed header.
impl CStruct for () {
    const SIZE: usize = 0;

    fn write(&self, _: &mut Vec<u8>) {}

    fn read(_: &[u8]) -> Result<Self, DecodeError> {
        Ok(())
    }
}

/// A message without attributes: the reply of an operation whose spec lists
/// none (an acknowledgement is enough).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct NoAttrs;

static NO_ATTRS: SetPolicy = SetPolicy {
    name: "no-attributes",
    attrs: &[],
};

impl GenlMessage for NoAttrs {
    fn policy() -> &'static SetPolicy {
        &NO_ATTRS
    }

    fn encode(&self, _: &mut Writer<'_>) {}

    fn encoded_len(&self) -> usize {
        0
    }

    /// Attributes that come anyway are ignored, as unknown attributes are.
    fn decode_at(_: &[u8], _: usize) -> Result<Self, DecodeError> {
        Ok(NoAttrs)
    }

    fn validate(&self) -> Result<(), PolicyError> {
        Ok(())
    }
}

/// A message the kernel sends on its own (a spec's `notify` or `event`):
/// its command and the multicast group it comes on. Generated as constants
/// in each family's `notifications` module.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Notification {
    /// The spec name of the operation.
    pub operation: &'static str,
    /// The command the messages carry.
    pub cmd: u8,
    /// The multicast group, when the spec names one.
    pub group: Option<&'static str>,
}

/// The notifications and events of a family, decoded by command: a
/// generated `Event` enum with one variant per `notify` or `event`
/// operation of the spec.
pub trait Events: Sized {
    /// The family name, as the kernel registers it.
    const FAMILY: &'static str;

    /// Decodes a message of command `cmd`; `payload` is what follows the
    /// genl header (the fixed header, then the attributes).
    fn decode_event(cmd: u8, payload: &[u8]) -> Result<Self, DecodeError>;
}

/// What a request of `R` gets back: the reply's fixed header (`()` for
/// families without one) and its attributes.
pub type Reply<R> = (<R as Request>::Header, <R as Request>::Reply);

/// The borrowing view of a reply of `R`, read in place in the connection's
/// receive area (see [`Connection::request_view`](crate::Connection::request_view)).
pub type ReplyView<'a, R> = <<R as Request>::Reply as crate::view::HasView>::View<'a>;

/// A reply of `R` read in place: its fixed header and the view of its
/// attributes (see [`Connection::dump_view`](crate::Connection::dump_view)).
pub type ViewedReply<'a, R> = (<R as Request>::Header, ReplyView<'a, R>);
