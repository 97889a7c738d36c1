//! A connection that many tasks use at once: one socket, one routing task
//! that reads it and hands each answer to the caller whose sequence number
//! it carries, and notifications to every subscriber.
//!
//! The router keeps a table of outstanding requests by sequence number.
//! A caller registers its request, sends it itself, and waits for the
//! router to fill its entry; a caller that goes away (its future dropped)
//! takes its entry out, and what the kernel still sends for it is dropped.
//! The kernel runs one dump per socket at a time, so dumps take turns: a
//! dump waits until the one before it has been read to its end by the
//! router (not by its consumer: the router buffers a dump's parts). `do`
//! requests go on during a dump.
//!
//! An overrun (`ENOBUFS`) may have cost any outstanding `do` request its
//! answer (the kernel answers those while they are sent, and drops what does
//! not fit the receive buffer). The router then reads the queue to its end;
//! each `do` request outstanding since the overrun that did not get its
//! answer by then fails once with [`Error::Overrun`]. Each subscriber hears
//! of the overrun once, before the notifications that came after it.

use std::collections::{HashMap, VecDeque};
use std::future::poll_fn;
use std::io;
use std::marker::PhantomData;
use std::pin::Pin;
use std::sync::{Arc, Mutex, MutexGuard};
use std::task::{Context, Poll, Waker, ready};

use tokio::io::unix::AsyncFd;

use crate::error::Error;
use crate::exchange::{
    Pending, RawNotification, RawReply, RawRequest, Routed, answers, bytes_at, decode_event,
    decode_reply, interpret, next_seq, notification, write_raw, write_request,
};
use crate::family::{self, Family};
use crate::nlctrl;
use crate::request::{Events, Reply, Request, RequestKind};
use crate::socket::Socket;
use crate::wire::{GenlMsgHdr, NLMSG_HDRLEN, NlMsgHdr, align, messages, msg_type};

/// The receive buffer assumed for each `do` request in flight when the
/// limit is derived from the socket's: a reply of a page and its
/// acknowledgement, as the kernel accounts for them.
const BYTES_PER_REQUEST: usize = 4096;

/// A generic netlink connection shared by many tasks: cheap to clone, `Send`
/// and `Sync`; every clone talks over the same socket, and requests from
/// all of them are in flight at once, each answered to its own caller. Made
/// from an [`AsyncConnection`](crate::AsyncConnection) by
/// [`into_shared`](crate::AsyncConnection::into_shared), which starts the
/// routing task on the current tokio runtime; the task ends when the last
/// clone (and the last dump or notification stream made from one) is
/// dropped.
///
/// At most [`max_in_flight`](SharedConnection::max_in_flight) `do` requests
/// are outstanding at a time (by default, as many as the socket's receive
/// buffer holds answers of a page); more callers wait for a turn. Requests
/// are checked against their policy as the connection was set when it was
/// made shared.
///
/// ```no_run
/// # async fn run() -> Result<(), genl_runtime::Error> {
/// use genl_runtime::{AsyncConnection, nlctrl};
///
/// let conn = AsyncConnection::new()?.into_shared()?;
/// let tasks: Vec<_> = ["nlctrl", "netdev", "ethtool"]
///     .into_iter()
///     .map(|name| {
///         let conn = conn.clone();
///         tokio::spawn(async move {
///             let req = nlctrl::GetfamilyDoRequest {
///                 family_name: Some(name.to_owned()),
///                 ..Default::default()
///             };
///             conn.request(&(), &req).await
///         })
///     })
///     .collect();
/// for task in tasks {
///     println!("{:?}", task.await.expect("no panic")?.map(|((), r)| r.family_id));
/// }
/// # Ok(())
/// # }
/// ```
#[derive(Clone, Debug)]
pub struct SharedConnection {
    alive: Arc<Alive>,
}

/// What the clones share; the router holds it too.
#[derive(Debug)]
struct Inner {
    fd: AsyncFd<Socket>,
    state: Mutex<State>,
    validate: bool,
    port_id: u32,
}

/// Held by every clone, dump and notification stream: when the last one
/// goes, the router stops.
#[derive(Debug)]
struct Alive {
    inner: Arc<Inner>,
}

impl Drop for Alive {
    fn drop(&mut self) {
        let mut state = self.inner.lock();
        state.closed = true;
        if let Some(w) = state.router.take() {
            w.wake();
        }
    }
}

#[derive(Debug, Default)]
struct State {
    seq: u32,
    families: HashMap<String, Family>,
    waiters: HashMap<u32, Waiter>,
    /// `do` requests registered and not yet answered or given up.
    in_flight: usize,
    max_in_flight: usize,
    /// Callers waiting for a turn to send a `do` request.
    turn_wakers: Vec<Waker>,
    /// A dump is running on the socket.
    dump_busy: bool,
    dump_wakers: Vec<Waker>,
    subscribers: HashMap<u64, Subscriber>,
    next_subscriber: u64,
    /// Notifications (and an overrun) that came while nobody subscribed,
    /// for the first subscriber.
    backlog: Subscriber,
    /// After an overrun, until the queue is read to its end.
    draining: bool,
    router: Option<Waker>,
    closed: bool,
    /// The socket failed: why, for everyone after.
    failed: Option<(io::ErrorKind, String)>,
}

/// An outstanding request.
#[derive(Debug)]
struct Waiter {
    pending: Pending,
    /// The request as sent, to name the attributes an error points at.
    message: Vec<u8>,
    parts: VecDeque<(GenlMsgHdr, Vec<u8>, bool)>,
    end: Option<Result<(), Error>>,
    waker: Option<Waker>,
    /// An overrun came while it waited: it fails with it unless its answer
    /// is still queued.
    maybe_lost: bool,
    /// A dump whose consumer went away: read off to its end, then removed.
    abandoned: bool,
}

#[derive(Debug, Default)]
struct Subscriber {
    queue: VecDeque<RawNotification>,
    overrun: bool,
    waker: Option<Waker>,
}

impl Subscriber {
    fn wake(&mut self) {
        if let Some(w) = self.waker.take() {
            w.wake();
        }
    }
}

impl Inner {
    fn lock(&self) -> MutexGuard<'_, State> {
        // A panic while the lock was held leaves nothing half-done that the
        // next holder could trip over: every change is a single step.
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }
}

impl State {
    fn failure(&self) -> Option<Error> {
        self.failed
            .as_ref()
            .map(|(kind, what)| Error::Io(io::Error::new(*kind, what.clone())))
    }

    fn wake_turns(&mut self) {
        for w in self.turn_wakers.drain(..) {
            w.wake();
        }
    }

    fn wake_dumps(&mut self) {
        for w in self.dump_wakers.drain(..) {
            w.wake();
        }
    }

    /// Ends a request's wait with `end` (the first end counts).
    fn finish(&mut self, seq: u32, end: Result<(), Error>) {
        let Some(w) = self.waiters.get_mut(&seq) else {
            return;
        };
        if w.end.is_some() {
            return;
        }
        w.end = Some(end);
        if let Some(waker) = w.waker.take() {
            waker.wake();
        }
        let (dump, abandoned) = (w.pending.dump, w.abandoned);
        if dump {
            if abandoned {
                self.waiters.remove(&seq);
            }
            self.dump_busy = false;
            self.wake_dumps();
        } else {
            self.in_flight = self.in_flight.saturating_sub(1);
            self.wake_turns();
        }
    }

    /// Routes one received message.
    fn route(&mut self, hdr: &NlMsgHdr, payload: &[u8], group: Option<u32>, port_id: u32) {
        let ours = self
            .waiters
            .get(&hdr.seq)
            .filter(|w| answers(hdr, group, &w.pending, port_id));
        let Some(w) = ours else {
            if (group.is_some() || hdr.seq == 0)
                && let Some(n) = notification(hdr, payload, group)
            {
                self.notify(n);
            }
            // Otherwise an answer to a request nobody waits for any more:
            // dropped.
            return;
        };
        if w.end.is_some() {
            return;
        }
        let seq = hdr.seq;
        match interpret(hdr, payload, &w.pending, &w.message) {
            Ok(Routed::Data {
                genl,
                at,
                interrupted,
            }) => {
                let payload = bytes_at(payload, at).to_vec();
                let Some(w) = self.waiters.get_mut(&seq) else {
                    return;
                };
                if !w.abandoned {
                    w.parts.push_back((genl, payload, interrupted));
                    if let Some(waker) = w.waker.take() {
                        waker.wake();
                    }
                }
            }
            Ok(Routed::Ack | Routed::Done(Ok(()))) => self.finish(seq, Ok(())),
            Ok(Routed::Failed(e) | Routed::Done(Err(e))) => self.finish(seq, Err(e.into())),
            Ok(Routed::Elsewhere) => {}
            Err(e) => self.finish(seq, Err(e)),
        }
    }

    fn notify(&mut self, n: RawNotification) {
        if self.subscribers.is_empty() {
            self.backlog.queue.push_back(n);
            return;
        }
        for s in self.subscribers.values_mut() {
            s.queue.push_back(n.clone());
            s.wake();
        }
    }

    /// The kernel reported an overrun.
    fn overrun(&mut self) {
        self.draining = true;
        for w in self.waiters.values_mut() {
            if !w.pending.dump && w.end.is_none() {
                w.maybe_lost = true;
            }
        }
        if self.subscribers.is_empty() {
            self.backlog.overrun = true;
        }
        for s in self.subscribers.values_mut() {
            s.overrun = true;
            s.wake();
        }
    }

    /// The queue ran dry after an overrun: whatever answer is not here by
    /// now was dropped.
    fn drained(&mut self) {
        self.draining = false;
        let lost: Vec<u32> = self
            .waiters
            .iter()
            .filter(|(_, w)| w.maybe_lost && w.end.is_none())
            .map(|(seq, _)| *seq)
            .collect();
        for seq in lost {
            self.finish(seq, Err(Error::Overrun));
        }
        for w in self.waiters.values_mut() {
            w.maybe_lost = false;
        }
    }

    /// The socket failed: every wait ends with the error.
    fn fail(&mut self, e: &io::Error) {
        self.failed = Some((e.kind(), e.to_string()));
        let seqs: Vec<u32> = self.waiters.keys().copied().collect();
        for seq in seqs {
            let err = self.failure().unwrap_or(Error::Overrun);
            self.finish(seq, Err(err));
        }
        self.wake_turns();
        self.wake_dumps();
        for s in self.subscribers.values_mut() {
            s.wake();
        }
    }
}

/// What an [`AsyncConnection`](crate::AsyncConnection) hands over when it
/// becomes shared.
pub(crate) struct Handover {
    pub socket: AsyncFd<Socket>,
    pub seq: u32,
    pub validate: bool,
    pub port_id: u32,
    pub families: HashMap<String, Family>,
    pub notifications: VecDeque<RawNotification>,
    pub overrun: bool,
    /// Messages received and not yet routed.
    pub unread: Vec<u8>,
    pub unread_group: Option<u32>,
    /// A dump dropped before its end: read off before the next dump.
    pub abandoned: Option<Pending>,
}

impl SharedConnection {
    pub(crate) fn start(h: Handover) -> Result<SharedConnection, Error> {
        let runtime = tokio::runtime::Handle::try_current().map_err(|e| {
            Error::Io(io::Error::other(format!(
                "a shared connection needs a tokio runtime: {e}"
            )))
        })?;
        let rcvbuf = h.socket.get_ref().recv_buffer().unwrap_or(0);
        // The router is always waiting to read while handles join groups.
        h.socket.get_ref().read_groups();
        let mut state = State {
            seq: h.seq,
            families: h.families,
            max_in_flight: default_max_in_flight(rcvbuf),
            ..State::default()
        };
        state.backlog.queue = h.notifications;
        state.backlog.overrun = h.overrun;
        if let Some(p) = h.abandoned {
            state.dump_busy = true;
            state
                .waiters
                .insert(p.seq, Waiter::new(p, Vec::new(), true));
        }
        let inner = Arc::new(Inner {
            fd: h.socket,
            state: Mutex::new(state),
            validate: h.validate,
            port_id: h.port_id,
        });
        {
            let mut state = inner.lock();
            route_datagram(&mut state, &h.unread, h.unread_group, h.port_id);
        }
        runtime.spawn(router(Arc::clone(&inner)));
        Ok(SharedConnection {
            alive: Arc::new(Alive { inner }),
        })
    }

    fn inner(&self) -> &Inner {
        &self.alive.inner
    }

    /// The socket.
    pub fn socket(&self) -> &Socket {
        self.inner().fd.get_ref()
    }

    /// Whether requests are checked against their policy before sending
    /// (as the connection was set when it was made shared).
    pub fn checks_policy(&self) -> bool {
        self.inner().validate
    }

    /// How many `do` requests are outstanding now (sent, or about to be,
    /// and not answered yet).
    pub fn in_flight(&self) -> usize {
        self.inner().lock().in_flight
    }

    /// How many `do` requests may be outstanding at once.
    pub fn max_in_flight(&self) -> usize {
        self.inner().lock().max_in_flight
    }

    /// Sets how many `do` requests may be outstanding at once (at least
    /// one). The kernel answers a request while it is sent and drops answers
    /// that do not fit the receive buffer; requests whose answers were
    /// dropped fail with [`Error::Overrun`], so a limit the buffer holds
    /// avoids that.
    pub fn set_max_in_flight(&self, n: usize) {
        let mut state = self.inner().lock();
        state.max_in_flight = n.max(1);
        state.wake_turns();
    }

    fn check<R: Request>(&self, req: &R) -> Result<(), Error> {
        if self.inner().validate {
            req.validate().map_err(|error| Error::Policy {
                operation: R::OPERATION,
                error: Box::new(error),
            })?;
        }
        Ok(())
    }

    /// Looks a family up by name through nlctrl (once; then from the cache).
    pub async fn family(&self, name: &str) -> Result<Family, Error> {
        if let Some(f) = self.inner().lock().families.get(name) {
            return Ok(f.clone());
        }
        let req = family::lookup_request(name);
        // A name nlctrl's policy refuses (too long) fails here.
        self.check(&req)?;
        let answer = self
            .request_with_id(msg_type::GENL_ID_CTRL, &(), &req, 0)
            .await;
        let family = family::from_lookup(name, answer)?;
        self.inner()
            .lock()
            .families
            .insert(name.to_owned(), family.clone());
        Ok(family)
    }

    async fn family_id(&self, name: &str) -> Result<u16, Error> {
        if name == nlctrl::FAMILY_NAME {
            return Ok(msg_type::GENL_ID_CTRL);
        }
        self.family(name).await.map(|f| f.id)
    }

    /// Sends a `do` request and waits for its answer; see
    /// [`Connection::request`](crate::Connection::request).
    pub async fn request<R: Request>(
        &self,
        header: &R::Header,
        req: &R,
    ) -> Result<Option<Reply<R>>, Error> {
        self.request_with_flags(header, req, 0).await
    }

    /// Like [`SharedConnection::request`], with extra `nlmsg_flags`.
    pub async fn request_with_flags<R: Request>(
        &self,
        header: &R::Header,
        req: &R,
        nl_flags: u16,
    ) -> Result<Option<Reply<R>>, Error> {
        // Checked before the family lookup: a request that breaks its
        // policy fails the same with or without the family in the kernel.
        self.check(req)?;
        let id = self.family_id(R::FAMILY).await?;
        self.request_with_id(id, header, req, nl_flags).await
    }

    async fn request_with_id<R: Request>(
        &self,
        family_id: u16,
        header: &R::Header,
        req: &R,
        nl_flags: u16,
    ) -> Result<Option<Reply<R>>, Error> {
        if R::KIND != RequestKind::Do {
            return self.dumps_by_dump();
        }
        let replies = self
            .exchange(|tx, seq| write_request(tx, seq, family_id, header, req, nl_flags))
            .await?;
        replies
            .first()
            .map(|(_, payload, _)| decode_reply::<R>(payload))
            .transpose()
    }

    fn dumps_by_dump<T>(&self) -> Result<T, Error> {
        Err(Error::Io(io::Error::new(
            io::ErrorKind::InvalidInput,
            "a dump request goes through `dump`",
        )))
    }

    /// Sends a request put together by the caller and waits for its whole
    /// answer (every reply of a dump); see
    /// [`Connection::request_raw`](crate::Connection::request_raw).
    pub async fn request_raw(
        &self,
        family: &str,
        request: &RawRequest<'_>,
    ) -> Result<Vec<RawReply>, Error> {
        let id = self.family_id(family).await?;
        let dump = request.kind == RequestKind::Dump;
        let parts = if dump {
            let mut call = self
                .start_dump(|tx, seq| write_raw(tx, seq, id, request))
                .await?;
            let mut parts = Vec::new();
            while let Some(part) = poll_fn(|cx| call.poll_part(cx)).await {
                parts.push(part?);
            }
            parts
        } else {
            self.exchange(|tx, seq| write_raw(tx, seq, id, request))
                .await?
        };
        Ok(parts
            .into_iter()
            .map(|(genl, payload, _)| RawReply {
                cmd: genl.cmd,
                version: genl.version,
                payload,
            })
            .collect())
    }

    /// Registers a `do` request (when its turn comes), sends it, and waits
    /// for its end.
    async fn exchange(
        &self,
        build: impl FnOnce(&mut Vec<u8>, u32) -> Pending,
    ) -> Result<Vec<(GenlMsgHdr, Vec<u8>, bool)>, Error> {
        poll_fn(|cx| self.poll_turn(cx)).await?;
        let mut call = self.register(build);
        self.send(&mut call).await?;
        poll_fn(|cx| call.poll_end(cx)).await?;
        Ok(call.take_parts())
    }

    fn poll_turn(&self, cx: &mut Context<'_>) -> Poll<Result<(), Error>> {
        let mut state = self.inner().lock();
        if let Some(e) = state.failure() {
            return Poll::Ready(Err(e));
        }
        if state.in_flight < state.max_in_flight {
            state.in_flight += 1;
            return Poll::Ready(Ok(()));
        }
        state.turn_wakers.push(cx.waker().clone());
        Poll::Pending
    }

    fn poll_dump_turn(&self, cx: &mut Context<'_>) -> Poll<Result<(), Error>> {
        let mut state = self.inner().lock();
        if let Some(e) = state.failure() {
            return Poll::Ready(Err(e));
        }
        if !state.dump_busy {
            state.dump_busy = true;
            return Poll::Ready(Ok(()));
        }
        state.dump_wakers.push(cx.waker().clone());
        Poll::Pending
    }

    /// Enters a request in the table, under a fresh sequence number; its
    /// turn is already taken.
    fn register(&self, build: impl FnOnce(&mut Vec<u8>, u32) -> Pending) -> Call {
        let mut state = self.inner().lock();
        let mut message = Vec::new();
        let mut seq = next_seq(&mut state.seq);
        while state.waiters.contains_key(&seq) {
            seq = next_seq(&mut state.seq);
        }
        let pending = build(&mut message, seq);
        let mut waiter = Waiter::new(pending, message, false);
        waiter.maybe_lost = !pending.dump && state.draining;
        let message = waiter.message.clone();
        state.waiters.insert(seq, waiter);
        Call {
            conn: self.clone(),
            seq,
            message,
            dump: pending.dump,
            sent: false,
            ended: false,
        }
    }

    async fn send(&self, call: &mut Call) -> Result<(), Error> {
        let fd = &self.inner().fd;
        loop {
            let mut guard = fd.writable().await?;
            match guard.try_io(|fd| fd.get_ref().send(&call.message)) {
                Ok(result) => {
                    result?;
                    call.sent = true;
                    return Ok(());
                }
                Err(_would_block) => continue,
            }
        }
    }

    async fn start_dump(
        &self,
        build: impl FnOnce(&mut Vec<u8>, u32) -> Pending,
    ) -> Result<Call, Error> {
        poll_fn(|cx| self.poll_dump_turn(cx)).await?;
        let mut call = self.register(build);
        self.send(&mut call).await?;
        Ok(call)
    }

    /// Sends a `dump` request; the replies come from the returned stream.
    /// Dumps take turns on the socket (the kernel runs one at a time per
    /// socket): this waits until the dump before it has been received to
    /// its end. The router buffers a dump's replies as they come, so a dump
    /// read slowly holds them in memory; a dedicated
    /// [`AsyncConnection`](crate::AsyncConnection) streams with the
    /// kernel's own flow control.
    pub async fn dump<R: Request>(
        &self,
        header: &R::Header,
        req: &R,
    ) -> Result<SharedDump<R>, Error> {
        self.check(req)?;
        let id = self.family_id(R::FAMILY).await?;
        let call = self
            .start_dump(|tx, seq| write_request(tx, seq, id, header, req, 0))
            .await?;
        Ok(SharedDump {
            call,
            finished: false,
            interrupted: false,
            _reply: PhantomData,
        })
    }

    /// Joins a multicast group of a family, by the names of both; its
    /// messages go to every [`Notifications`] stream.
    pub async fn subscribe(&self, family: &str, group: &str) -> Result<(), Error> {
        let f = self.family(family).await?;
        let id = f.group(group).ok_or_else(|| Error::GroupNotFound {
            family: family.to_owned(),
            group: group.to_owned(),
        })?;
        Ok(self.socket().add_membership(id)?)
    }

    /// Leaves a multicast group of a family.
    pub async fn unsubscribe(&self, family: &str, group: &str) -> Result<(), Error> {
        let f = self.family(family).await?;
        let id = f.group(group).ok_or_else(|| Error::GroupNotFound {
            family: family.to_owned(),
            group: group.to_owned(),
        })?;
        Ok(self.socket().drop_membership(id)?)
    }

    /// A stream of the notifications received from now on, of every family
    /// and group joined; each stream gets each notification. The first
    /// stream also gets those that came while there was none.
    pub fn notifications(&self) -> Notifications {
        let mut state = self.inner().lock();
        let id = state.next_subscriber;
        state.next_subscriber += 1;
        let first = if state.subscribers.is_empty() {
            std::mem::take(&mut state.backlog)
        } else {
            Subscriber::default()
        };
        state.subscribers.insert(id, first);
        Notifications {
            conn: self.clone(),
            id,
        }
    }

    /// A stream of the notifications of `E`'s family, typed; see
    /// [`SharedConnection::notifications`].
    pub async fn events<E: Events>(&self) -> Result<EventStream<E>, Error> {
        let family_id = self.family_id(E::FAMILY).await?;
        Ok(EventStream {
            notifications: self.notifications(),
            family_id,
            _event: PhantomData,
        })
    }
}

/// The default limit of `do` requests in flight for a receive buffer of
/// `rcvbuf` bytes.
fn default_max_in_flight(rcvbuf: usize) -> usize {
    (rcvbuf / BYTES_PER_REQUEST).clamp(16, 4096)
}

impl Waiter {
    fn new(pending: Pending, message: Vec<u8>, abandoned: bool) -> Waiter {
        Waiter {
            pending,
            message,
            parts: VecDeque::new(),
            end: None,
            waker: None,
            maybe_lost: false,
            abandoned,
        }
    }
}

/// A caller's entry in the table; dropping it gives the entry up.
#[derive(Debug)]
struct Call {
    conn: SharedConnection,
    seq: u32,
    /// The request's message, to send.
    message: Vec<u8>,
    dump: bool,
    sent: bool,
    ended: bool,
}

impl Call {
    /// Waits for the end of a `do` request.
    fn poll_end(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Error>> {
        let mut state = self.conn.inner().lock();
        let Some(w) = state.waiters.get_mut(&self.seq) else {
            self.ended = true;
            return Poll::Ready(Err(state.failure().unwrap_or(Error::Overrun)));
        };
        match &w.end {
            Some(_) => {
                self.ended = true;
                Poll::Ready(w.end.take().unwrap_or(Ok(())))
            }
            None => {
                w.waker = Some(cx.waker().clone());
                Poll::Pending
            }
        }
    }

    /// The replies of an ended request, taken out of the table.
    fn take_parts(&mut self) -> Vec<(GenlMsgHdr, Vec<u8>, bool)> {
        let mut state = self.conn.inner().lock();
        state
            .waiters
            .remove(&self.seq)
            .map(|w| w.parts.into())
            .unwrap_or_default()
    }

    /// The next part of a dump, its end (`None`), or its error.
    #[allow(clippy::type_complexity)]
    fn poll_part(
        &mut self,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<(GenlMsgHdr, Vec<u8>, bool), Error>>> {
        if self.ended {
            return Poll::Ready(None);
        }
        let mut state = self.conn.inner().lock();
        let Some(w) = state.waiters.get_mut(&self.seq) else {
            self.ended = true;
            return Poll::Ready(Some(Err(state.failure().unwrap_or(Error::Overrun))));
        };
        if let Some(part) = w.parts.pop_front() {
            return Poll::Ready(Some(Ok(part)));
        }
        match w.end.take() {
            Some(end) => {
                self.ended = true;
                state.waiters.remove(&self.seq);
                Poll::Ready(end.err().map(Err))
            }
            None => {
                w.waker = Some(cx.waker().clone());
                Poll::Pending
            }
        }
    }
}

impl Drop for Call {
    fn drop(&mut self) {
        let mut state = self.conn.inner().lock();
        let Some(w) = state.waiters.get_mut(&self.seq) else {
            return;
        };
        if self.dump && self.sent && w.end.is_none() {
            // The kernel goes on with the dump: read it off to its end
            // before the next dump starts.
            w.abandoned = true;
            w.parts.clear();
            w.waker = None;
            return;
        }
        let open = w.end.is_none();
        state.waiters.remove(&self.seq);
        if open {
            if self.dump {
                state.dump_busy = false;
                state.wake_dumps();
            } else {
                state.in_flight = state.in_flight.saturating_sub(1);
                state.wake_turns();
            }
        }
    }
}

/// The replies of a dump on a [`SharedConnection`], in order, as a stream;
/// dropping it early leaves the rest to be read off and dropped.
#[derive(Debug)]
pub struct SharedDump<R: Request> {
    call: Call,
    finished: bool,
    interrupted: bool,
    _reply: PhantomData<fn() -> R>,
}

impl<R: Request> SharedDump<R> {
    /// The next reply; `None` after the last.
    pub async fn next(&mut self) -> Option<Result<Reply<R>, Error>> {
        poll_fn(|cx| self.poll_reply(cx)).await
    }

    fn poll_reply(&mut self, cx: &mut Context<'_>) -> Poll<Option<Result<Reply<R>, Error>>> {
        if self.finished {
            return Poll::Ready(None);
        }
        Poll::Ready(match ready!(self.call.poll_part(cx)) {
            Some(Ok((_, payload, interrupted))) => {
                self.interrupted |= interrupted;
                Some(decode_reply::<R>(&payload))
            }
            Some(Err(e)) => {
                self.finished = true;
                Some(Err(e))
            }
            None => {
                self.finished = true;
                self.interrupted.then_some(Err(Error::DumpInterrupted {
                    operation: R::OPERATION,
                }))
            }
        })
    }
}

impl<R: Request> futures_core::Stream for SharedDump<R> {
    type Item = Result<Reply<R>, Error>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        self.get_mut().poll_reply(cx)
    }
}

/// The notifications a [`SharedConnection`] receives, from the moment the
/// stream was made; see [`SharedConnection::notifications`]. An overrun is
/// reported once, as [`Error::Overrun`], before the notifications that
/// came after it. Unread notifications are kept (memory grows with them).
#[derive(Debug)]
pub struct Notifications {
    conn: SharedConnection,
    id: u64,
}

impl Notifications {
    /// The next notification.
    pub async fn next(&mut self) -> Result<RawNotification, Error> {
        poll_fn(|cx| self.poll_notification(cx, None)).await
    }

    fn poll_notification(
        &mut self,
        cx: &mut Context<'_>,
        family_id: Option<u16>,
    ) -> Poll<Result<RawNotification, Error>> {
        let mut state = self.conn.inner().lock();
        let failure = state.failure();
        let Some(s) = state.subscribers.get_mut(&self.id) else {
            return Poll::Ready(Err(failure.unwrap_or(Error::Overrun)));
        };
        if std::mem::take(&mut s.overrun) {
            return Poll::Ready(Err(Error::Overrun));
        }
        while let Some(n) = s.queue.pop_front() {
            if family_id.is_none_or(|id| id == n.family_id) {
                return Poll::Ready(Ok(n));
            }
        }
        if let Some(e) = failure {
            return Poll::Ready(Err(e));
        }
        s.waker = Some(cx.waker().clone());
        Poll::Pending
    }
}

impl futures_core::Stream for Notifications {
    type Item = Result<RawNotification, Error>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        self.get_mut().poll_notification(cx, None).map(Some)
    }
}

impl Drop for Notifications {
    fn drop(&mut self) {
        self.conn.inner().lock().subscribers.remove(&self.id);
    }
}

/// The notifications of one family, typed; see
/// [`SharedConnection::events`]. Those of other families are skipped.
#[derive(Debug)]
pub struct EventStream<E: Events> {
    notifications: Notifications,
    family_id: u16,
    _event: PhantomData<fn() -> E>,
}

impl<E: Events> EventStream<E> {
    /// The next event of the family.
    pub async fn next(&mut self) -> Result<E, Error> {
        let id = self.family_id;
        let n = poll_fn(|cx| self.notifications.poll_notification(cx, Some(id))).await?;
        decode_event(&n)
    }
}

impl<E: Events> futures_core::Stream for EventStream<E> {
    type Item = Result<E, Error>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = self.get_mut();
        let id = this.family_id;
        let n = ready!(this.notifications.poll_notification(cx, Some(id)));
        Poll::Ready(Some(n.and_then(|n| decode_event(&n))))
    }
}

/// Routes every message of a datagram.
fn route_datagram(state: &mut State, datagram: &[u8], group: Option<u32>, port_id: u32) {
    let mut at = 0;
    while at < datagram.len() {
        let rest = &datagram[at..];
        match messages(rest).next() {
            Some(Ok((hdr, payload))) => {
                state.route(&hdr, payload, group, port_id);
                at += align(hdr.len as usize).max(NLMSG_HDRLEN);
            }
            Some(Err(e)) => {
                // The rest of the datagram cannot be read: if its header
                // names a request, that request fails with the reason.
                if let Ok(hdr) = NlMsgHdr::parse(rest)
                    && state
                        .waiters
                        .get(&hdr.seq)
                        .is_some_and(|w| group.is_none() || w.pending.echo)
                {
                    state.finish(
                        hdr.seq,
                        Err(Error::Protocol(format!("malformed datagram: {e}"))),
                    );
                }
                return;
            }
            None => return,
        }
    }
}

/// The routing task: reads the socket until the last handle goes, or the
/// socket fails.
async fn router(inner: Arc<Inner>) {
    let mut rx = Vec::new();
    loop {
        let more = poll_fn(|cx| poll_router(&inner, &mut rx, cx)).await;
        if !more {
            return;
        }
    }
}

/// Reads and routes what is queued; `false` when the router is to stop.
fn poll_router(inner: &Inner, rx: &mut Vec<u8>, cx: &mut Context<'_>) -> Poll<bool> {
    {
        let mut state = inner.lock();
        if state.closed {
            return Poll::Ready(false);
        }
        state.router = Some(cx.waker().clone());
    }
    for _ in 0..ROUTER_BUDGET {
        let mut guard = match inner.fd.poll_read_ready(cx) {
            Poll::Ready(Ok(guard)) => guard,
            Poll::Ready(Err(e)) => {
                inner.lock().fail(&e);
                return Poll::Ready(false);
            }
            Poll::Pending => return Poll::Pending,
        };
        match guard.try_io(|fd| fd.get_ref().recv_into(rx)) {
            Ok(Ok((len, group))) => {
                let mut state = inner.lock();
                route_datagram(&mut state, &rx[..len], group, inner.port_id);
                if state.closed {
                    return Poll::Ready(false);
                }
            }
            Ok(Err(e)) if e.raw_os_error() == Some(libc::ENOBUFS) => inner.lock().overrun(),
            Ok(Err(e)) if e.kind() == io::ErrorKind::Interrupted => {}
            Ok(Err(e)) => {
                inner.lock().fail(&e);
                return Poll::Ready(false);
            }
            Err(_would_block) => {
                // The queue is empty: an overrun's lost answers are known.
                let mut state = inner.lock();
                if state.draining {
                    state.drained();
                }
            }
        }
    }
    // Lets the callers run between long runs of datagrams.
    cx.waker().wake_by_ref();
    Poll::Pending
}

/// How many datagrams the router reads before it lets other tasks run.
const ROUTER_BUDGET: usize = 64;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::wire::{Writer, begin_message, end_message, flags};

    /// One message of an nlctrl dump (a family named `nlctrl`) or its
    /// `NLMSG_DONE`, as a datagram.
    fn datagram(seq: u32, done: bool) -> Vec<u8> {
        let mut buf = Vec::new();
        let ty = if done {
            msg_type::DONE
        } else {
            msg_type::GENL_ID_CTRL
        };
        let token = begin_message(
            &mut buf,
            NlMsgHdr {
                len: 0,
                ty,
                flags: flags::MULTI,
                seq,
                pid: 0,
            },
        );
        if done {
            buf.extend_from_slice(&0i32.to_ne_bytes());
        } else {
            GenlMsgHdr { cmd: 1, version: 2 }.write(&mut buf);
            Writer::new(&mut buf).string(2, "nlctrl");
        }
        end_message(&mut buf, token);
        buf
    }

    fn dump_waiter(state: &mut State) -> u32 {
        let seq = next_seq(&mut state.seq);
        let mut message = Vec::new();
        let req = RawRequest {
            cmd: 3,
            version: 2,
            kind: RequestKind::Dump,
            flags: 0,
            payload: &[],
        };
        let pending = write_raw(&mut message, seq, msg_type::GENL_ID_CTRL, &req);
        state.dump_busy = true;
        state
            .waiters
            .insert(seq, Waiter::new(pending, message, false));
        seq
    }

    #[test]
    fn a_dump_cut_off_before_its_done_ends_with_the_socket_error() {
        let mut state = State::default();
        let seq = dump_waiter(&mut state);
        for _ in 0..2 {
            route_datagram(&mut state, &datagram(seq, false), None, 1);
        }
        // The socket gives nothing more (as `Socket::recv_into` reports an
        // empty read): the router fails every wait.
        let eof = io::Error::new(io::ErrorKind::UnexpectedEof, "closed");
        state.fail(&eof);
        let w = &state.waiters[&seq];
        assert_eq!(w.parts.len(), 2, "the replies that came are kept");
        match &w.end {
            Some(Err(Error::Io(e))) => assert_eq!(e.kind(), io::ErrorKind::UnexpectedEof),
            other => panic!("the socket's error, not {other:?}"),
        }
        // Nothing waits for the dump's turn, and later requests hear why.
        assert!(!state.dump_busy);
        assert!(matches!(state.failure(), Some(Error::Io(_))));
    }

    #[test]
    fn an_abandoned_dump_is_read_off_to_its_done_and_gives_the_turn_back() {
        let mut state = State::default();
        let seq = dump_waiter(&mut state);
        state.waiters.get_mut(&seq).unwrap().abandoned = true;
        route_datagram(&mut state, &datagram(seq, false), None, 1);
        assert!(state.waiters[&seq].parts.is_empty(), "nobody reads it");
        assert!(state.dump_busy);
        route_datagram(&mut state, &datagram(seq, true), None, 1);
        assert!(!state.dump_busy);
        assert!(state.waiters.is_empty());
        // What still comes for it is dropped, not taken for a notification.
        route_datagram(&mut state, &datagram(seq, false), None, 1);
        assert!(state.backlog.queue.is_empty());
    }
}
