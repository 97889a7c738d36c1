//! The sans-IO half of a connection, shared by the blocking and the async
//! one: building requests, routing each received message to the request it
//! answers or to the queue of notifications, and decoding replies.

use std::collections::{HashMap, VecDeque};
use std::ops::Range;

use crate::codec::{CStruct, GenlMessage};
use crate::error::Error;
use crate::extack::{self, Ack, KernelError, RequestShape};
use crate::family::Family;
use crate::request::{Events, Reply, ReplyView, Request, RequestKind};
use crate::view::HasView;
use crate::wire::{
    DecodeError, GENL_HDRLEN, GenlMsgHdr, NlMsgHdr, Writer, begin_message, end_message, flags,
    msg_type,
};

/// A message the kernel sent on its own (a notification or an event), or
/// one that arrived for nobody: kept, owned, until it is read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RawNotification {
    /// The family id (`nlmsg_type`).
    pub family_id: u16,
    /// The multicast group it came on, when it came on one.
    pub group: Option<u32>,
    /// The genl command.
    pub cmd: u8,
    /// The genl version.
    pub version: u8,
    /// The bytes after the genl header: the fixed header, then attributes.
    pub payload: Vec<u8>,
}

/// A request put together by the caller rather than by generated code:
/// the genl command and version, the `nlmsg_flags` to add, and the payload
/// after the genl header (the fixed header, then the attributes). Nothing
/// checks it before it is sent; a dynamic client checks its input itself.
#[derive(Clone, Copy, Debug)]
pub struct RawRequest<'a> {
    /// The genl command.
    pub cmd: u8,
    /// The family version for the genl header.
    pub version: u8,
    /// `do` (acknowledged) or `dump`.
    pub kind: RequestKind,
    /// Extra `nlmsg_flags` ([`flags`]: `CREATE`, `EXCL`, `REPLACE`,
    /// `APPEND`, `ECHO`).
    pub flags: u16,
    /// The bytes after the genl header.
    pub payload: &'a [u8],
}

/// A reply to a [`RawRequest`], undecoded.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RawReply {
    /// The genl command.
    pub cmd: u8,
    /// The genl version.
    pub version: u8,
    /// The bytes after the genl header: the fixed header, then attributes.
    pub payload: Vec<u8>,
}

/// The request a connection waits for.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Pending {
    pub seq: u32,
    pub operation: &'static str,
    pub header_len: usize,
    /// The policy of the request's attributes, to name those an error
    /// points at; none for a raw request.
    pub policy: Option<&'static crate::policy::SetPolicy>,
    /// Whether it is a dump (answered as the reader reads) rather than a
    /// `do` (answered before the send returns).
    pub dump: bool,
    /// Where the request's message lies in the send buffer.
    pub at: usize,
    pub len: usize,
    /// The request asked for an echo (`NLM_F_ECHO`).
    pub echo: bool,
}

/// The operation name errors of raw requests carry.
const RAW: &str = "request";

/// What a received message means for the request waited for.
#[derive(Debug)]
pub(crate) enum Routed {
    /// A reply: its genl header, where the bytes after it lie in the
    /// message payload that was routed (nothing is copied: the receive
    /// area holds them until the next receive), and whether the kernel
    /// marked the dump interrupted.
    Data {
        genl: GenlMsgHdr,
        at: Range<usize>,
        interrupted: bool,
    },
    /// The request succeeded.
    Ack,
    /// The request failed.
    Failed(Box<KernelError>),
    /// A dump ended; with an error when the kernel reported one.
    Done(Result<(), Box<KernelError>>),
    /// Not for this request: queued, or dropped as stale.
    Elsewhere,
}

impl Routed {
    /// The same answer, with a reply's range moved by `by` bytes: from the
    /// message's payload to the receive area it sits in at `by`.
    pub fn offset(self, by: usize) -> Routed {
        match self {
            Routed::Data {
                genl,
                at,
                interrupted,
            } => Routed::Data {
                genl,
                at: at.start + by..at.end + by,
                interrupted,
            },
            other => other,
        }
    }
}

/// The bytes at `at` of `buf`; none when they are not all there (which
/// routing never gives).
pub(crate) fn bytes_at(buf: &[u8], at: Range<usize>) -> &[u8] {
    buf.get(at).unwrap_or(&[])
}

/// State shared by both kinds of connection.
#[derive(Debug)]
pub(crate) struct Exchange {
    pub seq: u32,
    pub families: HashMap<String, Family>,
    pub notifications: VecDeque<RawNotification>,
    /// An overrun not yet reported to a reader of notifications.
    pub overrun: bool,
    /// The last request, kept to name the attributes an error points at.
    pub tx: Vec<u8>,
    pub validate: bool,
    /// The socket's port id: echoes are addressed to it.
    pub port_id: u32,
}

impl Exchange {
    pub fn new() -> Self {
        Exchange {
            // Any start will do; a clock-derived one keeps two runs of a
            // program from sharing numbers.
            seq: first_seq(),
            families: HashMap::new(),
            notifications: VecDeque::new(),
            overrun: false,
            tx: Vec::with_capacity(4096),
            validate: true,
            port_id: 0,
        }
    }

    fn next_seq(&mut self) -> u32 {
        next_seq(&mut self.seq)
    }

    /// Writes the message of `req` as the whole of `tx` (unchecked: the
    /// connections call [`Exchange::check`] first, before they look the
    /// family up, so that a bad request fails the same with or without its
    /// family in the kernel).
    pub fn build<R: Request>(
        &mut self,
        family_id: u16,
        header: &R::Header,
        req: &R,
        extra_flags: u16,
    ) -> Pending {
        self.tx.clear();
        self.append(family_id, header, req, extra_flags)
    }

    /// Checks `req` against its policy, when checks are on.
    pub fn check<R: Request>(&self, req: &R) -> Result<(), Error> {
        if self.validate {
            req.validate().map_err(|error| Error::Policy {
                operation: R::OPERATION,
                error: Box::new(error),
            })?;
        }
        Ok(())
    }

    /// Writes the message of `req` after those already in `tx` (unchecked).
    pub fn append<R: Request>(
        &mut self,
        family_id: u16,
        header: &R::Header,
        req: &R,
        extra_flags: u16,
    ) -> Pending {
        let seq = self.next_seq();
        write_request(&mut self.tx, seq, family_id, header, req, extra_flags)
    }

    /// Writes a raw request after the messages already in `tx`.
    pub fn append_raw(&mut self, family_id: u16, req: &RawRequest<'_>) -> Pending {
        let seq = self.next_seq();
        write_raw(&mut self.tx, seq, family_id, req)
    }

    /// Routes one received message (`hdr` and the bytes after it), which
    /// came to multicast `group` or to this socket.
    pub fn route(
        &mut self,
        hdr: &NlMsgHdr,
        payload: &[u8],
        group: Option<u32>,
        pending: Option<&Pending>,
    ) -> Result<Routed, Error> {
        let ours = pending.filter(|p| self.answers(hdr, group, p));
        self.route_to(hdr, payload, group, ours)
    }

    /// Routes one received message to whichever of `pending` it answers.
    #[inline]
    pub fn route_among(
        &mut self,
        hdr: &NlMsgHdr,
        payload: &[u8],
        group: Option<u32>,
        pending: &[Pending],
    ) -> Result<Option<(usize, Routed)>, Error> {
        let ours = pending.iter().position(|p| self.answers(hdr, group, p));
        let routed = self.route_to(hdr, payload, group, ours.map(|i| &pending[i]))?;
        Ok(ours.map(|i| (i, routed)))
    }

    /// Whether a message answers `p`: its sequence number, sent to this
    /// socket alone; or, for a request that asked for an echo, addressed to
    /// this socket's port. An echo is the buffer of the family's
    /// notification sent once more, and `NETLINK_PKTINFO` still reports the
    /// notification's group for it (Open vSwitch's new, set and del).
    fn answers(&self, hdr: &NlMsgHdr, group: Option<u32>, p: &Pending) -> bool {
        answers(hdr, group, p, self.port_id)
    }

    #[inline]
    fn route_to(
        &mut self,
        hdr: &NlMsgHdr,
        payload: &[u8],
        group: Option<u32>,
        ours: Option<&Pending>,
    ) -> Result<Routed, Error> {
        let Some(p) = ours else {
            if group.is_some() || hdr.seq == 0 {
                self.notifications.extend(notification(hdr, payload, group));
            }
            // Otherwise an answer to a request nobody waits for any more
            // (a dump abandoned early): dropped.
            return Ok(Routed::Elsewhere);
        };
        interpret(
            hdr,
            payload,
            p,
            self.tx.get(p.at..p.at + p.len).unwrap_or(&[]),
        )
    }

    /// Takes the first queued notification of `family_id` (any family for `None`).
    pub fn take_notification(&mut self, family_id: Option<u16>) -> Option<RawNotification> {
        let at = self
            .notifications
            .iter()
            .position(|n| family_id.is_none_or(|id| n.family_id == id))?;
        self.notifications.remove(at)
    }
}

/// A first sequence number: any will do; a clock-derived one keeps two runs
/// of a program from sharing numbers.
pub(crate) fn first_seq() -> u32 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.subsec_nanos() | 1)
        .unwrap_or(1)
}

/// The sequence number after `*seq`, never 0 (what notifications carry).
pub(crate) fn next_seq(seq: &mut u32) -> u32 {
    *seq = seq.wrapping_add(1);
    if *seq == 0 {
        *seq = 1;
    }
    *seq
}

/// Writes the message of `req` with sequence number `seq` after those
/// already in `tx` (unchecked).
pub(crate) fn write_request<R: Request>(
    tx: &mut Vec<u8>,
    seq: u32,
    family_id: u16,
    header: &R::Header,
    req: &R,
    extra_flags: u16,
) -> Pending {
    let genl = GenlMsgHdr {
        cmd: R::CMD,
        version: R::VERSION,
    };
    // A `do` that expects a reply asks for an echo: families that answer
    // through their notification (Open vSwitch's new, set and del) send
    // the requester a copy only then, and families that reply directly
    // ignore the flag.
    let echo = match (R::KIND, R::REPLY_CMD) {
        (RequestKind::Do, Some(_)) => flags::ECHO,
        _ => 0,
    };
    let mut pending = write_message(
        tx,
        seq,
        family_id,
        genl,
        R::KIND,
        extra_flags | echo,
        &mut |tx| {
            header.write(tx);
            req.encode(&mut Writer::new(tx));
        },
    );
    pending.operation = R::OPERATION;
    pending.header_len = R::Header::SIZE;
    pending.policy = Some(R::policy());
    pending
}

/// Writes a raw request with sequence number `seq` after the messages
/// already in `tx`.
pub(crate) fn write_raw(
    tx: &mut Vec<u8>,
    seq: u32,
    family_id: u16,
    req: &RawRequest<'_>,
) -> Pending {
    let genl = GenlMsgHdr {
        cmd: req.cmd,
        version: req.version,
    };
    write_message(tx, seq, family_id, genl, req.kind, req.flags, &mut |tx| {
        tx.extend_from_slice(req.payload)
    })
}

/// Writes a message whose payload after the genl header `body` writes
/// (not generic, so that each request type compiles only its `body`).
fn write_message(
    tx: &mut Vec<u8>,
    seq: u32,
    family_id: u16,
    genl: GenlMsgHdr,
    kind: RequestKind,
    extra_flags: u16,
    body: &mut dyn FnMut(&mut Vec<u8>),
) -> Pending {
    let nl_flags = flags::REQUEST
        | extra_flags
        | match kind {
            RequestKind::Do => flags::ACK,
            RequestKind::Dump => flags::DUMP,
        };
    let at = tx.len();
    let msg = begin_message(
        tx,
        NlMsgHdr {
            len: 0,
            ty: family_id,
            flags: nl_flags,
            seq,
            pid: 0,
        },
    );
    genl.write(tx);
    body(tx);
    end_message(tx, msg);
    Pending {
        seq,
        operation: RAW,
        header_len: 0,
        policy: None,
        dump: kind == RequestKind::Dump,
        at,
        len: tx.len() - at,
        echo: extra_flags & flags::ECHO != 0,
    }
}

/// Whether a message answers `p`: its sequence number, sent to this
/// socket alone; or, for a request that asked for an echo, addressed to
/// this socket's port (`port_id`). An echo is the buffer of the family's
/// notification sent once more, and `NETLINK_PKTINFO` still reports the
/// notification's group for it (Open vSwitch's new, set and del).
#[inline]
pub(crate) fn answers(hdr: &NlMsgHdr, group: Option<u32>, p: &Pending, port_id: u32) -> bool {
    hdr.seq == p.seq && (group.is_none() || (p.echo && port_id != 0 && hdr.pid == port_id))
}

/// What a message that answers `p` says; `sent` is the request's message as
/// it was sent, to name the attributes an error points at.
pub(crate) fn interpret(
    hdr: &NlMsgHdr,
    payload: &[u8],
    p: &Pending,
    sent: &[u8],
) -> Result<Routed, Error> {
    let shape = p.policy.map(|policy| RequestShape {
        message: sent,
        header_len: p.header_len,
        policy,
    });
    let with_op = |mut e: Box<KernelError>| {
        e.operation = p.policy.map(|_| p.operation);
        e
    };
    let protocol = |e: crate::wire::DecodeError| {
        Error::Protocol(format!("{}: malformed acknowledgement: {e}", p.operation))
    };
    match hdr.ty {
        msg_type::ERROR => match extack::parse_error(hdr, payload, shape).map_err(protocol)? {
            Ack::Ok { .. } => Ok(Routed::Ack),
            Ack::Err(e) => Ok(Routed::Failed(with_op(e))),
        },
        msg_type::DONE => Ok(Routed::Done(
            extack::parse_done(hdr, payload, shape)
                .map_err(protocol)?
                .map_err(|e| with_op(Box::new(e))),
        )),
        msg_type::NOOP | msg_type::OVERRUN => Ok(Routed::Elsewhere),
        _ => {
            let genl = GenlMsgHdr::parse(payload).map_err(|error| Error::Decode {
                operation: p.operation,
                error: Box::new(error),
            })?;
            Ok(Routed::Data {
                genl,
                at: GENL_HDRLEN..payload.len(),
                interrupted: hdr.flags & flags::DUMP_INTR != 0,
            })
        }
    }
}

/// A message the kernel sent on its own, as a notification; `None` for
/// netlink's own messages and those without a genl header.
pub(crate) fn notification(
    hdr: &NlMsgHdr,
    payload: &[u8],
    group: Option<u32>,
) -> Option<RawNotification> {
    if hdr.ty < msg_type::GENL_ID_CTRL {
        return None;
    }
    let genl = GenlMsgHdr::parse(payload).ok()?;
    Some(RawNotification {
        family_id: hdr.ty,
        group,
        cmd: genl.cmd,
        version: genl.version,
        payload: payload[GENL_HDRLEN..].to_vec(),
    })
}

/// The most bytes of requests sent in one datagram: well inside the
/// kernel's default socket send buffer, which bounds a netlink datagram.
const MAX_DATAGRAM: usize = 64 * 1024;

/// The most requests sent in one datagram. The kernel answers them all
/// before the reader can run, and drops answers that do not fit the
/// receive buffer: this bounds what must fit.
const MAX_BATCH: usize = 64;

/// How many of `pending` (messages one after another in the send buffer)
/// go in the next datagram, at most [`MAX_BATCH`] and [`MAX_DATAGRAM`]
/// bytes (but at least one), and the range of their bytes.
pub(crate) fn chunk(pending: &[Pending]) -> (usize, std::ops::Range<usize>) {
    let Some(first) = pending.first() else {
        return (0, 0..0);
    };
    let n = pending
        .iter()
        .take(MAX_BATCH)
        .take_while(|p| p.at + p.len - first.at <= MAX_DATAGRAM)
        .count()
        .max(1);
    let last = &pending[n - 1];
    (n, first.at..last.at + last.len)
}

/// The kernel runs one dump per socket at a time, so dumps are not batched.
pub(crate) fn dumps_alone() -> Error {
    Error::Io(std::io::Error::new(
        std::io::ErrorKind::InvalidInput,
        "only do requests go several to a datagram: the kernel runs one dump at a time per socket",
    ))
}

/// The answers to several requests sent together, gathered as the messages
/// routed to them arrive.
#[derive(Debug)]
pub(crate) struct Collector {
    operations: Vec<&'static str>,
    replies: Vec<Vec<RawReply>>,
    interrupted: Vec<bool>,
    outcome: Vec<Option<Result<(), Error>>>,
    open: usize,
}

impl Collector {
    pub fn new(pending: &[Pending]) -> Self {
        Collector {
            operations: pending.iter().map(|p| p.operation).collect(),
            replies: vec![Vec::new(); pending.len()],
            interrupted: vec![false; pending.len()],
            outcome: pending.iter().map(|_| None).collect(),
            open: pending.len(),
        }
    }

    /// Takes a message routed to request `i`; a reply's bytes are in `rx`.
    pub fn feed(&mut self, i: usize, routed: Routed, rx: &[u8]) {
        let end = match routed {
            Routed::Data {
                genl,
                at,
                interrupted,
            } => {
                self.interrupted[i] |= interrupted;
                self.replies[i].push(RawReply {
                    cmd: genl.cmd,
                    version: genl.version,
                    payload: bytes_at(rx, at).to_vec(),
                });
                return;
            }
            Routed::Ack | Routed::Done(Ok(())) if self.interrupted[i] => {
                Err(Error::DumpInterrupted {
                    operation: self.operations[i],
                })
            }
            Routed::Ack | Routed::Done(Ok(())) => Ok(()),
            Routed::Failed(e) | Routed::Done(Err(e)) => Err(e.into()),
            Routed::Elsewhere => return,
        };
        if self.outcome[i].is_none() {
            self.outcome[i] = Some(end);
            self.open -= 1;
        }
    }

    /// Whether every request has its answer.
    pub fn is_done(&self) -> bool {
        self.open == 0
    }

    /// Per request, its replies or its error.
    pub fn finish(self) -> Vec<Result<Vec<RawReply>, Error>> {
        self.outcome
            .into_iter()
            .zip(self.replies)
            .map(|(outcome, replies)| outcome.unwrap_or(Ok(())).map(|()| replies))
            .collect()
    }
}

/// Runs `dump` (a whole dump, gathered) until the kernel does not mark it
/// interrupted, at most `attempts` times (at least once); the last
/// [`Error::DumpInterrupted`] when every attempt was interrupted. Any other
/// error ends it at once.
pub(crate) fn until_consistent<T>(
    attempts: usize,
    mut dump: impl FnMut() -> Result<T, Error>,
) -> Result<T, Error> {
    let mut left = attempts.max(1);
    loop {
        left -= 1;
        match dump() {
            Err(Error::DumpInterrupted { .. }) if left > 0 => {}
            other => return other,
        }
    }
}

/// Where a dump stands, as its messages (or the failure to receive them)
/// come in: shared by the blocking and the async dump.
#[derive(Debug, Default)]
pub(crate) struct DumpState {
    pub finished: bool,
    interrupted: bool,
}

impl DumpState {
    /// The dump's next item for what the connection received for it: a
    /// reply (its bytes in `rx`), the end (`None`, or
    /// [`Error::DumpInterrupted`] when the kernel flagged a reply), or an
    /// error, after which the dump is over. A receive that failed before
    /// the kernel's `NLMSG_DONE` (the socket failed or returned nothing)
    /// ends the dump with that error: the caller learns the dump is
    /// incomplete, and nothing waits for a `NLMSG_DONE` that will not come.
    pub fn next<R: Request>(
        &mut self,
        received: Result<Routed, Error>,
        rx: &[u8],
    ) -> Option<Result<Reply<R>, Error>> {
        self.next_with::<R, _>(received, |at| decode_reply::<R>(bytes_at(rx, at)))
    }

    /// Like [`DumpState::next`], with `read` making the item of a reply out
    /// of where its payload (after the genl header) lies.
    #[inline]
    pub fn next_with<R: Request, T>(
        &mut self,
        received: Result<Routed, Error>,
        read: impl FnOnce(Range<usize>) -> Result<T, Error>,
    ) -> Option<Result<T, Error>> {
        if self.finished {
            return None;
        }
        match received {
            Ok(Routed::Data {
                at, interrupted, ..
            }) => {
                self.interrupted |= interrupted;
                Some(read(at))
            }
            Ok(Routed::Done(Ok(())) | Routed::Ack | Routed::Elsewhere) => {
                self.finished = true;
                self.interrupted.then_some(Err(Error::DumpInterrupted {
                    operation: R::OPERATION,
                }))
            }
            Ok(Routed::Done(Err(e)) | Routed::Failed(e)) => {
                self.finished = true;
                Some(Err(e.into()))
            }
            Err(e) => {
                self.finished = true;
                Some(Err(e))
            }
        }
    }
}

/// Decodes a reply's payload (after the genl header) as `R`'s header and reply.
pub(crate) fn decode_reply<R: Request>(payload: &[u8]) -> Result<Reply<R>, Error> {
    let (header, attrs) = split_reply::<R>(payload)?;
    let reply = R::Reply::decode(attrs).map_err(decode_error::<R>)?;
    Ok((header, reply))
}

/// Reads a reply's payload (after the genl header) in place: `R`'s fixed
/// header, and a view of the attributes.
#[inline]
pub(crate) fn view_reply<R>(payload: &[u8]) -> Result<(R::Header, ReplyView<'_, R>), Error>
where
    R: Request,
    R::Reply: HasView,
{
    let (header, attrs) = split_reply::<R>(payload)?;
    let view = R::Reply::view(attrs).map_err(decode_error::<R>)?;
    Ok((header, view))
}

/// Reads a reply's payload (after the genl header) in place: `read` gets
/// `R`'s fixed header and a view of the attributes; its decode errors are
/// the operation's.
#[inline]
pub(crate) fn with_view<R, T>(
    payload: &[u8],
    read: impl FnOnce(R::Header, ReplyView<'_, R>) -> Result<T, DecodeError>,
) -> Result<T, Error>
where
    R: Request,
    R::Reply: HasView,
{
    let (header, view) = view_reply::<R>(payload)?;
    read(header, view).map_err(decode_error::<R>)
}

/// A reply's payload (after the genl header) split into `R`'s fixed header,
/// read, and the attributes after it.
#[inline]
fn split_reply<R: Request>(payload: &[u8]) -> Result<(R::Header, &[u8]), Error> {
    let header = R::Header::read(payload).map_err(decode_error::<R>)?;
    Ok((header, payload.get(R::Header::SIZE..).unwrap_or(&[])))
}

/// The answer to a `do` request of `R` that must have a reply: a request
/// the kernel only acknowledged is [`Error::NoReply`].
pub(crate) fn replied<R: Request, T>(answer: Option<T>) -> Result<T, Error> {
    answer.ok_or(Error::NoReply {
        operation: R::OPERATION,
    })
}

/// A decode error of a reply to `R`.
fn decode_error<R: Request>(error: DecodeError) -> Error {
    Error::Decode {
        operation: R::OPERATION,
        error: Box::new(error),
    }
}

/// Decodes a notification as one of a family's events.
pub(crate) fn decode_event<E: Events>(n: &RawNotification) -> Result<E, Error> {
    E::decode_event(n.cmd, &n.payload).map_err(|error| Error::Decode {
        operation: E::FAMILY,
        error: Box::new(error),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A raw request to family 0x20, with `flags` added.
    fn pending(ex: &mut Exchange, flags: u16) -> Pending {
        let req = RawRequest {
            cmd: 1,
            version: 1,
            kind: RequestKind::Do,
            flags,
            payload: &[0; 4],
        };
        ex.tx.clear();
        ex.append_raw(0x20, &req)
    }

    /// A message of family 0x20 from the kernel: its header, and a genl
    /// header with the ovs_header after it.
    fn message(seq: u32, pid: u32) -> (NlMsgHdr, Vec<u8>) {
        let hdr = NlMsgHdr {
            len: 24,
            ty: 0x20,
            flags: 0,
            seq,
            pid,
        };
        (hdr, vec![1, 1, 0, 0, 0, 0, 0, 0])
    }

    #[test]
    fn an_echo_on_a_group_answers_its_request() {
        let mut ex = Exchange::new();
        ex.port_id = 42;
        let p = pending(&mut ex, flags::ECHO);
        let (hdr, payload) = message(p.seq, 42);
        let routed = ex.route(&hdr, &payload, Some(9), Some(&p)).unwrap();
        assert!(matches!(routed, Routed::Data { .. }), "{routed:?}");
        assert!(ex.notifications.is_empty());
    }

    #[test]
    fn other_group_messages_stay_notifications() {
        let mut ex = Exchange::new();
        ex.port_id = 42;
        // Another socket's request with the same sequence number.
        let p = pending(&mut ex, flags::ECHO);
        let (hdr, payload) = message(p.seq, 43);
        let routed = ex.route(&hdr, &payload, Some(9), Some(&p)).unwrap();
        assert!(matches!(routed, Routed::Elsewhere), "{routed:?}");
        // Our own request without an echo: its notification is one.
        let p = pending(&mut ex, 0);
        let (hdr, payload) = message(p.seq, 42);
        let routed = ex.route(&hdr, &payload, Some(9), Some(&p)).unwrap();
        assert!(matches!(routed, Routed::Elsewhere), "{routed:?}");
        assert_eq!(ex.notifications.len(), 2);
        // A unicast reply answers whatever the flags.
        let (hdr, payload) = message(p.seq, 42);
        let routed = ex.route(&hdr, &payload, None, Some(&p)).unwrap();
        assert!(matches!(routed, Routed::Data { .. }), "{routed:?}");
    }

    use crate::wire::{begin_message, end_message};

    /// One nlctrl `newfamily` message of a dump, as the kernel sends it,
    /// with `NLM_F_DUMP_INTR` set or not.
    fn dump_message(seq: u32, interrupted: bool) -> (NlMsgHdr, Vec<u8>) {
        let mut buf = Vec::new();
        let flags = flags::MULTI | if interrupted { flags::DUMP_INTR } else { 0 };
        let token = begin_message(
            &mut buf,
            NlMsgHdr {
                len: 0,
                ty: msg_type::GENL_ID_CTRL,
                flags,
                seq,
                pid: 0,
            },
        );
        GenlMsgHdr { cmd: 1, version: 2 }.write(&mut buf);
        // CTRL_ATTR_FAMILY_ID (1) = 0x10, CTRL_ATTR_FAMILY_NAME (2) = "nlctrl".
        buf.extend_from_slice(&[6, 0, 1, 0, 0x10, 0, 0, 0]);
        buf.extend_from_slice(&[11, 0, 2, 0, b'n', b'l', b'c', b't', b'r', b'l', 0, 0]);
        end_message(&mut buf, token);
        let (hdr, payload) = crate::wire::messages(&buf).next().unwrap().unwrap();
        (hdr, payload.to_vec())
    }

    fn done(seq: u32) -> (NlMsgHdr, Vec<u8>) {
        let hdr = NlMsgHdr {
            len: 20,
            ty: msg_type::DONE,
            flags: flags::MULTI,
            seq,
            pid: 0,
        };
        (hdr, 0i32.to_ne_bytes().to_vec())
    }

    #[test]
    fn an_interrupted_dump_message_is_routed_as_interrupted() {
        let mut ex = Exchange::new();
        let pending = ex.append_raw(
            msg_type::GENL_ID_CTRL,
            &RawRequest {
                cmd: 3,
                version: 2,
                kind: RequestKind::Dump,
                flags: 0,
                payload: &[],
            },
        );
        let mut collector = Collector::new(std::slice::from_ref(&pending));
        for (hdr, payload) in [
            dump_message(pending.seq, false),
            dump_message(pending.seq, true),
            done(pending.seq),
        ] {
            let routed = ex.route(&hdr, &payload, None, Some(&pending)).unwrap();
            if let Routed::Data { interrupted, .. } = &routed {
                assert_eq!(*interrupted, hdr.flags & flags::DUMP_INTR != 0);
            }
            collector.feed(0, routed, &payload);
        }
        assert!(collector.is_done());
        let answers = collector.finish();
        assert!(
            matches!(answers[0], Err(Error::DumpInterrupted { .. })),
            "{answers:?}"
        );
    }

    #[test]
    fn a_dump_cut_off_before_its_done_ends_with_the_receive_error() {
        use crate::nlctrl::GetfamilyDumpRequest;
        let mut ex = Exchange::new();
        let pending = ex.build(
            msg_type::GENL_ID_CTRL,
            &(),
            &GetfamilyDumpRequest::default(),
            0,
        );
        let mut state = DumpState::default();
        // Two replies arrive...
        for _ in 0..2 {
            let (hdr, payload) = dump_message(pending.seq, false);
            let routed = ex.route(&hdr, &payload, None, Some(&pending));
            let ((), family) = state
                .next::<GetfamilyDumpRequest>(routed, &payload)
                .expect("a reply")
                .unwrap();
            assert_eq!(family.family_name.as_deref(), Some("nlctrl"));
        }
        // ...then the socket gives nothing more, as a receive reports it
        // (an empty read), before any NLMSG_DONE.
        let eof = std::io::Error::new(std::io::ErrorKind::UnexpectedEof, "closed");
        let item = state.next::<GetfamilyDumpRequest>(Err(eof.into()), &[]);
        match item {
            Some(Err(Error::Io(e))) => assert_eq!(e.kind(), std::io::ErrorKind::UnexpectedEof),
            other => panic!("the receive error, not {other:?}"),
        }
        // The dump is over: no more items, and nothing waits for a DONE.
        assert!(state.finished);
        assert!(
            state
                .next::<GetfamilyDumpRequest>(Ok(Routed::Ack), &[])
                .is_none()
        );
        // An overrun in the middle of a dump ends it the same way, named.
        let mut state = DumpState::default();
        let (hdr, payload) = dump_message(pending.seq, true);
        let routed = ex.route(&hdr, &payload, None, Some(&pending));
        assert!(matches!(
            state.next::<GetfamilyDumpRequest>(routed, &payload),
            Some(Ok(_))
        ));
        assert!(matches!(
            state.next::<GetfamilyDumpRequest>(Err(Error::Overrun), &[]),
            Some(Err(Error::Overrun))
        ));
        assert!(
            state
                .next::<GetfamilyDumpRequest>(Ok(Routed::Ack), &[])
                .is_none()
        );
    }

    #[test]
    fn a_dump_is_retried_until_consistent_and_no_more() {
        let interrupted = || Error::DumpInterrupted { operation: "dump" };
        let mut runs = 0;
        let got = until_consistent(5, || {
            runs += 1;
            if runs < 3 {
                Err(interrupted())
            } else {
                Ok(runs)
            }
        });
        assert_eq!(got.unwrap(), 3);

        let mut runs = 0;
        let got: Result<(), _> = until_consistent(2, || {
            runs += 1;
            Err(interrupted())
        });
        assert!(matches!(got, Err(Error::DumpInterrupted { .. })));
        assert_eq!(runs, 2);

        let mut runs = 0;
        let got: Result<(), _> = until_consistent(5, || {
            runs += 1;
            Err(Error::Overrun)
        });
        assert!(matches!(got, Err(Error::Overrun)));
        assert_eq!(runs, 1, "other errors are not retried");
    }
}

#[cfg(test)]
mod hostile {
    //! Routing of hostile or odd replies, without a socket.
    use super::*;
    use crate::nlctrl::GetfamilyDoRequest;

    fn message(ty: u16, flags: u16, seq: u32, payload: &[u8]) -> (NlMsgHdr, Vec<u8>) {
        let hdr = NlMsgHdr {
            len: (crate::wire::NLMSG_HDRLEN + payload.len()) as u32,
            ty,
            flags,
            seq,
            pid: 0,
        };
        (hdr, payload.to_vec())
    }

    fn pending(ex: &mut Exchange) -> Pending {
        let req = GetfamilyDoRequest {
            family_name: Some("nlctrl".into()),
            ..Default::default()
        };
        ex.build(msg_type::GENL_ID_CTRL, &(), &req, 0)
    }

    #[test]
    fn a_do_answered_by_an_acknowledgement_alone_has_no_reply() {
        let e = replied::<GetfamilyDoRequest, ()>(None).unwrap_err();
        assert!(
            matches!(
                e,
                Error::NoReply {
                    operation: "getfamily"
                }
            ),
            "{e:?}"
        );
        assert_eq!(replied::<GetfamilyDoRequest, u8>(Some(7)).unwrap(), 7);
    }

    #[test]
    fn a_view_of_a_cut_short_reply_is_the_operations_decode_error() {
        // nlctrl has no fixed header: a reply whose attributes are cut
        // short fails to index, as the operation's decode error.
        let e = view_reply::<GetfamilyDoRequest>(&[8, 0, 1, 0, 0]).unwrap_err();
        assert!(
            matches!(
                e,
                Error::Decode {
                    operation: "getfamily",
                    ..
                }
            ),
            "{e:?}"
        );
    }

    #[test]
    fn a_reply_with_a_sequence_number_not_sent_is_not_taken_for_ours() {
        let mut ex = Exchange::new();
        let p = pending(&mut ex);
        let genl = [1, 2, 0, 0];
        // Another sequence number: not routed to the request, and not queued
        // as a notification (a stale answer of an abandoned request).
        let (hdr, payload) = message(0x10, 0, p.seq.wrapping_add(7), &genl);
        let routed = ex.route(&hdr, &payload, None, Some(&p)).unwrap();
        assert!(matches!(routed, Routed::Elsewhere));
        assert!(ex.take_notification(None).is_none());
        // An error for a request nobody sent is dropped too.
        let mut err = (-22i32).to_ne_bytes().to_vec();
        err.extend_from_slice(&[0; 16]);
        let (hdr, payload) = message(msg_type::ERROR, 0, p.seq.wrapping_add(1), &err);
        assert!(matches!(
            ex.route(&hdr, &payload, None, Some(&p)).unwrap(),
            Routed::Elsewhere
        ));
        // Sequence 0 is the kernel's own message: queued.
        let (hdr, payload) = message(0x10, 0, 0, &genl);
        assert!(matches!(
            ex.route(&hdr, &payload, None, Some(&p)).unwrap(),
            Routed::Elsewhere
        ));
        assert_eq!(ex.take_notification(None).unwrap().cmd, 1);
        // Among several pending requests, each answer goes to its own.
        let q = pending(&mut ex);
        let (hdr, payload) = message(0x10, 0, q.seq, &genl);
        let routed = ex.route_among(&hdr, &payload, None, &[p, q]).unwrap();
        assert!(matches!(routed, Some((1, Routed::Data { .. }))));
        let (hdr, payload) = message(0x10, 0, 12345, &genl);
        assert!(
            ex.route_among(&hdr, &payload, None, &[p, q])
                .unwrap()
                .is_none()
        );
    }

    #[test]
    fn malformed_answers_to_our_request_are_protocol_errors() {
        let mut ex = Exchange::new();
        let p = pending(&mut ex);
        // An error message cut inside its errno.
        let (hdr, payload) = message(msg_type::ERROR, 0, p.seq, &[1, 2]);
        let e = ex.route(&hdr, &payload, None, Some(&p)).unwrap_err();
        assert!(
            matches!(e, Error::Protocol(ref m) if m.contains("getfamily")),
            "{e}"
        );
        // A reply without its genl header.
        let (hdr, payload) = message(0x10, 0, p.seq, &[1]);
        let e = ex.route(&hdr, &payload, None, Some(&p)).unwrap_err();
        assert!(
            matches!(
                e,
                Error::Decode {
                    operation: "getfamily",
                    ..
                }
            ),
            "{e}"
        );
        // The kernel's extack names our attribute, from the request sent.
        let mut err = (-22i32).to_ne_bytes().to_vec();
        err.extend_from_slice(&ex.tx[p.at..p.at + crate::wire::NLMSG_HDRLEN]);
        let mut w = Writer::new(&mut err);
        w.string(1, "bad name");
        w.scalar(2, 20u32); // the family-name attribute, after the headers
        let (hdr, payload) = message(
            msg_type::ERROR,
            flags::CAPPED | flags::ACK_TLVS,
            p.seq,
            &err,
        );
        let Routed::Failed(k) = ex.route(&hdr, &payload, None, Some(&p)).unwrap() else {
            panic!("a failure");
        };
        assert_eq!(k.operation, Some("getfamily"));
        assert_eq!(k.bad_attr.unwrap().path.as_deref(), Some(".family-name"));
    }
}
