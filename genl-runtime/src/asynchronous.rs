//! The async connection, on tokio's reactor: the socket is non-blocking and
//! registered with [`tokio::io::unix::AsyncFd`], so waiting for the kernel
//! is readiness-based, with no helper thread.

use std::io;
use std::marker::PhantomData;
use std::pin::Pin;
use std::task::{Context, Poll, ready};

use tokio::io::unix::AsyncFd;

use crate::connection::Answers;
use crate::error::Error;
use crate::exchange::{
    Collector, DumpState, Exchange, Pending, RawNotification, RawReply, RawRequest, Routed,
    bytes_at, chunk, decode_event, decode_reply, dumps_alone, replied, view_reply, with_view,
};
use crate::family::{self, Family};
use crate::nlctrl;
use crate::request::{Events, Reply, ReplyView, Request, RequestKind, ViewedReply};
use crate::shared::{Handover, SharedConnection};
use crate::socket::Socket;
use crate::view::HasView;
use crate::wire::{DecodeError, NLMSG_HDRLEN, NlMsgHdr, align, messages, msg_type};

/// The async counterpart of [`Connection`](crate::Connection): the same
/// requests, dumps (as a [`Stream`](futures_core::Stream)) and
/// notifications, awaited. Needs a tokio runtime with I/O enabled.
///
/// ```no_run
/// # async fn run() -> Result<(), genl_runtime::Error> {
/// use genl_runtime::{AsyncConnection, nlctrl};
///
/// let mut conn = AsyncConnection::new()?;
/// let mut dump = conn.dump(&(), &nlctrl::GetfamilyDumpRequest::default()).await?;
/// while let Some(family) = dump.next().await {
///     println!("{:?}", family?.1.family_name);
/// }
/// # Ok(())
/// # }
/// ```
#[derive(Debug)]
pub struct AsyncConnection {
    fd: AsyncFd<Socket>,
    rx: Vec<u8>,
    rx_len: usize,
    rx_pos: usize,
    rx_group: Option<u32>,
    ex: Exchange,
    /// A dump dropped before its end, read off before the next request.
    abandoned: Option<Pending>,
    /// An overrun came while `do` requests waited: the queue is read
    /// without waiting until their answers or its end.
    answer_lost: bool,
}

impl AsyncConnection {
    /// Opens a connection on a new non-blocking socket.
    pub fn new() -> Result<AsyncConnection, Error> {
        let socket = Socket::new_nonblocking()?;
        let mut ex = Exchange::new();
        ex.port_id = socket.port_id();
        Ok(AsyncConnection {
            fd: crate::socket::register(socket)?,
            rx: Vec::new(),
            rx_len: 0,
            rx_pos: 0,
            rx_group: None,
            ex,
            abandoned: None,
            answer_lost: false,
        })
    }

    /// The socket.
    pub fn socket(&self) -> &Socket {
        self.fd.get_ref()
    }

    /// Turns the connection into one that many tasks use at once: see
    /// [`SharedConnection`]. Its families, its policy setting and the
    /// notifications it kept go with it; the routing task starts on the
    /// current tokio runtime (an error outside one).
    pub fn into_shared(self) -> Result<SharedConnection, Error> {
        let unread = self
            .rx
            .get(self.rx_pos..self.rx_len)
            .unwrap_or_default()
            .to_vec();
        SharedConnection::start(Handover {
            socket: self.fd,
            seq: self.ex.seq,
            validate: self.ex.validate,
            port_id: self.ex.port_id,
            families: self.ex.families,
            notifications: self.ex.notifications,
            overrun: self.ex.overrun,
            unread,
            unread_group: self.rx_group,
            abandoned: self.abandoned,
        })
    }

    /// Turns client-side policy checks off, explicitly; see
    /// [`Connection::skip_policy_checks`](crate::Connection::skip_policy_checks).
    pub fn skip_policy_checks(&mut self) {
        self.ex.validate = false;
    }

    /// Turns client-side policy checks back on (they are on by default).
    pub fn check_policy(&mut self) {
        self.ex.validate = true;
    }

    /// Whether requests are checked against their policy before sending.
    pub fn checks_policy(&self) -> bool {
        self.ex.validate
    }

    /// Looks a family up by name through nlctrl (once; then from the cache).
    pub async fn family(&mut self, name: &str) -> Result<&Family, Error> {
        if !self.ex.families.contains_key(name) {
            let req = family::lookup_request(name);
            // A name nlctrl's policy refuses (too long) fails here.
            self.ex.check(&req)?;
            let answer = self
                .request_with_id(msg_type::GENL_ID_CTRL, &(), &req, 0)
                .await;
            let family = family::from_lookup(name, answer)?;
            self.ex.families.insert(name.to_owned(), family);
        }
        Ok(&self.ex.families[name])
    }

    async fn family_id(&mut self, name: &str) -> Result<u16, Error> {
        if name == nlctrl::FAMILY_NAME {
            return Ok(msg_type::GENL_ID_CTRL);
        }
        self.family(name).await.map(|f| f.id)
    }

    /// Sends a `do` request and waits for its acknowledgement; see
    /// [`Connection::request`](crate::Connection::request).
    pub async fn request<R: Request>(
        &mut self,
        header: &R::Header,
        req: &R,
    ) -> Result<Option<Reply<R>>, Error> {
        // Checked before the family lookup: a request that breaks its
        // policy fails the same with or without the family in the kernel.
        self.ex.check(req)?;
        let id = self.family_id(R::FAMILY).await?;
        self.request_with_id(id, header, req, 0).await
    }

    /// Like [`AsyncConnection::request`], with extra `nlmsg_flags`.
    pub async fn request_with_flags<R: Request>(
        &mut self,
        header: &R::Header,
        req: &R,
        nl_flags: u16,
    ) -> Result<Option<Reply<R>>, Error> {
        // Checked before the family lookup: a request that breaks its
        // policy fails the same with or without the family in the kernel.
        self.ex.check(req)?;
        let id = self.family_id(R::FAMILY).await?;
        self.request_with_id(id, header, req, nl_flags).await
    }

    async fn request_with_id<R: Request>(
        &mut self,
        family_id: u16,
        header: &R::Header,
        req: &R,
        nl_flags: u16,
    ) -> Result<Option<Reply<R>>, Error> {
        self.exchange_do(family_id, header, req, nl_flags, decode_reply::<R>)
            .await
    }

    /// Sends a `do` request and reads its answer; `read` gets the first
    /// reply's payload in place. See the blocking connection's.
    async fn exchange_do<R: Request, T>(
        &mut self,
        family_id: u16,
        header: &R::Header,
        req: &R,
        nl_flags: u16,
        read: impl FnOnce(&[u8]) -> Result<T, Error>,
    ) -> Result<Option<T>, Error> {
        self.finish_abandoned().await;
        let pending = self.ex.build(family_id, header, req, nl_flags);
        self.send().await?;
        let mut read = Some(read);
        let mut reply = None;
        loop {
            match std::future::poll_fn(|cx| self.poll_next_for(cx, &pending)).await? {
                Routed::Data { at, .. } => {
                    if let Some(read) = read.take() {
                        reply = Some(read(bytes_at(&self.rx, at)));
                    }
                }
                Routed::Ack | Routed::Done(Ok(())) => break,
                Routed::Failed(e) | Routed::Done(Err(e)) => return Err(e.into()),
                Routed::Elsewhere => {}
            }
        }
        reply.transpose()
    }

    /// Sends a `do` request and reads its reply in place; see
    /// [`Connection::request_view`](crate::Connection::request_view).
    pub async fn request_view<R, T>(
        &mut self,
        header: &R::Header,
        req: &R,
        read: impl FnOnce(R::Header, ReplyView<'_, R>) -> Result<T, DecodeError>,
    ) -> Result<T, Error>
    where
        R: Request,
        R::Reply: HasView,
    {
        // Checked before the family lookup: a request that breaks its
        // policy fails the same with or without the family in the kernel.
        self.ex.check(req)?;
        let id = self.family_id(R::FAMILY).await?;
        let answer = self
            .exchange_do(id, header, req, 0, |payload| {
                with_view::<R, T>(payload, read)
            })
            .await?;
        replied::<R, T>(answer)
    }

    /// Sends a `dump` request; the replies come from the returned stream.
    pub async fn dump<R: Request>(
        &mut self,
        header: &R::Header,
        req: &R,
    ) -> Result<AsyncDump<'_, R>, Error> {
        let pending = self.start_dump(header, req).await?;
        Ok(AsyncDump {
            conn: self,
            pending,
            state: DumpState::default(),
            _reply: PhantomData,
        })
    }

    /// Sends a `dump` request whose replies are read in place; see
    /// [`Connection::dump_view`](crate::Connection::dump_view).
    pub async fn dump_view<R>(
        &mut self,
        header: &R::Header,
        req: &R,
    ) -> Result<AsyncDumpView<'_, R>, Error>
    where
        R: Request,
        R::Reply: HasView,
    {
        let pending = self.start_dump(header, req).await?;
        Ok(AsyncDumpView {
            conn: self,
            pending,
            state: DumpState::default(),
            _reply: PhantomData,
        })
    }

    /// Checks and sends a `dump` request: what its replies answer.
    async fn start_dump<R: Request>(
        &mut self,
        header: &R::Header,
        req: &R,
    ) -> Result<Pending, Error> {
        // Checked before the family lookup: a request that breaks its
        // policy fails the same with or without the family in the kernel.
        self.ex.check(req)?;
        let id = self.family_id(R::FAMILY).await?;
        self.finish_abandoned().await;
        let pending = self.ex.build(id, header, req, 0);
        self.send().await?;
        Ok(pending)
    }

    /// Dumps until the kernel delivers a consistent view, at most
    /// `attempts` times; see
    /// [`Connection::dump_consistent`](crate::Connection::dump_consistent).
    pub async fn dump_consistent<R: Request>(
        &mut self,
        header: &R::Header,
        req: &R,
        attempts: usize,
    ) -> Result<Vec<Reply<R>>, Error> {
        let mut left = attempts.max(1);
        loop {
            left -= 1;
            let mut replies = Vec::new();
            let mut dump = self.dump(header, req).await?;
            let outcome = loop {
                match dump.next().await {
                    Some(Ok(r)) => replies.push(r),
                    Some(Err(e)) => break Err(e),
                    None => break Ok(()),
                }
            };
            drop(dump);
            match outcome {
                Ok(()) => return Ok(replies),
                Err(Error::DumpInterrupted { .. }) if left > 0 => {}
                Err(e) => return Err(e),
            }
        }
    }

    /// Sends several `do` requests of one operation in one datagram; see
    /// [`Connection::request_many`](crate::Connection::request_many).
    pub async fn request_many<'r, R: Request + 'r>(
        &mut self,
        requests: impl IntoIterator<Item = (&'r R::Header, &'r R)>,
    ) -> Result<Answers<Option<Reply<R>>>, Error>
    where
        R::Header: 'r,
    {
        if R::KIND != RequestKind::Do {
            return Err(dumps_alone());
        }
        let id = self.family_id(R::FAMILY).await?;
        let requests: Vec<_> = requests.into_iter().collect();
        for (_, req) in &requests {
            self.ex.check(*req)?;
        }
        self.finish_abandoned().await;
        self.ex.tx.clear();
        let pending: Vec<Pending> = requests
            .into_iter()
            .map(|(header, req)| self.ex.append(id, header, req, 0))
            .collect();
        let answers = self.send_and_collect(&pending).await?;
        Ok(answers
            .into_iter()
            .map(|answer| {
                answer?
                    .first()
                    .map(|r| decode_reply::<R>(&r.payload))
                    .transpose()
            })
            .collect())
    }

    /// Sends a request put together by the caller; see
    /// [`Connection::request_raw`](crate::Connection::request_raw).
    pub async fn request_raw(
        &mut self,
        family: &str,
        request: &RawRequest<'_>,
    ) -> Result<Vec<RawReply>, Error> {
        let mut answers = self.send_raw(family, std::slice::from_ref(request)).await?;
        answers.pop().unwrap_or(Ok(Vec::new()))
    }

    /// Sends several `do` requests put together by the caller in one
    /// datagram; see
    /// [`Connection::request_raw_many`](crate::Connection::request_raw_many).
    pub async fn request_raw_many(
        &mut self,
        family: &str,
        requests: &[RawRequest<'_>],
    ) -> Result<Answers<Vec<RawReply>>, Error> {
        if requests.iter().any(|r| r.kind != RequestKind::Do) {
            return Err(dumps_alone());
        }
        self.send_raw(family, requests).await
    }

    async fn send_raw(
        &mut self,
        family: &str,
        requests: &[RawRequest<'_>],
    ) -> Result<Answers<Vec<RawReply>>, Error> {
        let id = self.family_id(family).await?;
        self.finish_abandoned().await;
        self.ex.tx.clear();
        let pending: Vec<Pending> = requests.iter().map(|r| self.ex.append_raw(id, r)).collect();
        self.send_and_collect(&pending).await
    }

    async fn send_and_collect(
        &mut self,
        pending: &[Pending],
    ) -> Result<Answers<Vec<RawReply>>, Error> {
        let mut answers = Vec::with_capacity(pending.len());
        let mut rest = pending;
        while !rest.is_empty() {
            let (n, bytes) = chunk(rest);
            self.send_range(bytes).await?;
            let mut collector = Collector::new(&rest[..n]);
            while !collector.is_done() {
                let (i, routed) =
                    std::future::poll_fn(|cx| self.poll_next_among(cx, &rest[..n])).await?;
                collector.feed(i, routed, &self.rx);
            }
            answers.extend(collector.finish());
            rest = &rest[n..];
        }
        Ok(answers)
    }

    /// Joins a multicast group of a family, by the names of both.
    pub async fn subscribe(&mut self, family: &str, group: &str) -> Result<(), Error> {
        let f = self.family(family).await?;
        let id = f.group(group).ok_or_else(|| Error::GroupNotFound {
            family: family.to_owned(),
            group: group.to_owned(),
        })?;
        Ok(self.fd.get_ref().add_membership(id)?)
    }

    /// The next notification of any family; an overrun since the last call
    /// is reported first, once.
    pub async fn next_notification(&mut self) -> Result<RawNotification, Error> {
        self.next_notification_of(None).await
    }

    /// The next notification of `E`'s family, typed.
    pub async fn next_event<E: Events>(&mut self) -> Result<E, Error> {
        let id = self.family_id(E::FAMILY).await?;
        let n = self.next_notification_of(Some(id)).await?;
        decode_event(&n)
    }

    async fn next_notification_of(
        &mut self,
        family_id: Option<u16>,
    ) -> Result<RawNotification, Error> {
        loop {
            if std::mem::take(&mut self.ex.overrun) {
                return Err(Error::Overrun);
            }
            if let Some(n) = self.ex.take_notification(family_id) {
                return Ok(n);
            }
            let (hdr, start, end) = std::future::poll_fn(|cx| self.poll_next_message(cx)).await?;
            let group = self.rx_group;
            self.ex.route(&hdr, &self.rx[start..end], group, None)?;
        }
    }

    async fn send(&mut self) -> Result<(), Error> {
        self.send_range(0..self.ex.tx.len()).await
    }

    async fn send_range(&mut self, bytes: std::ops::Range<usize>) -> Result<(), Error> {
        loop {
            let mut guard = self.fd.writable().await?;
            match guard.try_io(|fd| fd.get_ref().send(&self.ex.tx[bytes.clone()])) {
                Ok(result) => return Ok(result?),
                Err(_would_block) => continue,
            }
        }
    }

    async fn finish_abandoned(&mut self) {
        if let Some(p) = self.abandoned.take() {
            while let Ok(Routed::Data { .. } | Routed::Elsewhere) =
                std::future::poll_fn(|cx| self.poll_next_for(cx, &p)).await
            {}
        }
    }

    fn poll_next_for(
        &mut self,
        cx: &mut Context<'_>,
        pending: &Pending,
    ) -> Poll<Result<Routed, Error>> {
        self.poll_next_among(cx, std::slice::from_ref(pending))
            .map(|r| r.map(|(_, routed)| routed))
    }

    fn poll_next_among(
        &mut self,
        cx: &mut Context<'_>,
        pending: &[Pending],
    ) -> Poll<Result<(usize, Routed), Error>> {
        // As in the blocking connection: after an overrun, a `do` request
        // whose answer is not in the queue lost it, and fails with the
        // overrun rather than wait for ever.
        let only_dos = pending.iter().all(|p| !p.dump);
        loop {
            let next = if self.answer_lost {
                self.next_message_now()
            } else {
                ready!(self.poll_next_message(cx))
            };
            let (hdr, start, end) = match next {
                Ok(m) => m,
                Err(Error::Overrun) => {
                    self.ex.overrun = true;
                    self.answer_lost = only_dos;
                    continue;
                }
                Err(Error::Io(e)) if self.answer_lost && e.kind() == io::ErrorKind::WouldBlock => {
                    self.answer_lost = false;
                    return Poll::Ready(Err(Error::Overrun));
                }
                Err(e) => return Poll::Ready(Err(e)),
            };
            let routed = self
                .ex
                .route_among(&hdr, &self.rx[start..end], self.rx_group, pending);
            if matches!(routed, Ok(Some((_, ref r))) if !matches!(r, Routed::Elsewhere)) {
                self.answer_lost = false;
            }
            match routed {
                Ok(None | Some((_, Routed::Elsewhere))) => continue,
                Ok(Some((i, routed))) => return Poll::Ready(Ok((i, routed.offset(start)))),
                Err(e) => return Poll::Ready(Err(e)),
            }
        }
    }

    /// The next message without waiting: an empty queue is an I/O error of
    /// kind `WouldBlock`.
    fn next_message_now(&mut self) -> Result<(NlMsgHdr, usize, usize), Error> {
        let waker = std::task::Waker::noop();
        let mut cx = Context::from_waker(waker);
        if self.rx_pos >= self.rx_len {
            match self.fd.get_ref().try_recv_into(&mut self.rx) {
                Ok((len, group)) => {
                    self.rx_len = len;
                    self.rx_group = group;
                    self.rx_pos = 0;
                }
                Err(e) => return Err(e.into()),
            }
        }
        match self.poll_next_message(&mut cx) {
            Poll::Ready(r) => r,
            Poll::Pending => Err(Error::Io(io::ErrorKind::WouldBlock.into())),
        }
    }

    fn poll_next_message(
        &mut self,
        cx: &mut Context<'_>,
    ) -> Poll<Result<(NlMsgHdr, usize, usize), Error>> {
        loop {
            if self.rx_pos < self.rx_len {
                let rest = &self.rx[self.rx_pos..self.rx_len];
                match messages(rest).next() {
                    Some(Ok((hdr, payload))) => {
                        let start = self.rx_pos + NLMSG_HDRLEN;
                        let end = start + payload.len();
                        self.rx_pos = (self.rx_pos + align(hdr.len as usize)).min(self.rx_len);
                        return Poll::Ready(Ok((hdr, start, end)));
                    }
                    Some(Err(e)) => {
                        self.rx_pos = self.rx_len;
                        return Poll::Ready(Err(Error::Protocol(format!(
                            "malformed datagram: {e}"
                        ))));
                    }
                    None => self.rx_pos = self.rx_len,
                }
            }
            let mut guard = ready!(self.fd.poll_read_ready(cx))?;
            let rx = &mut self.rx;
            match guard.try_io(|fd| fd.get_ref().recv_into(rx)) {
                Ok(Ok((len, group))) => {
                    self.rx_len = len;
                    self.rx_group = group;
                    self.rx_pos = 0;
                }
                Ok(Err(e)) if e.kind() == io::ErrorKind::Interrupted => {}
                Ok(Err(e)) => return Poll::Ready(Err(e.into())),
                Err(_would_block) => {}
            }
        }
    }
}

/// The replies of a dump, in order, as a stream; see
/// [`AsyncConnection::dump`]. Dropping it early leaves the rest of the dump
/// to be read off before the connection's next request.
#[derive(Debug)]
pub struct AsyncDump<'c, R: Request> {
    conn: &'c mut AsyncConnection,
    pending: Pending,
    state: DumpState,
    _reply: PhantomData<fn() -> R>,
}

impl<R: Request> AsyncDump<'_, R> {
    /// The next reply; `None` after the last.
    pub async fn next(&mut self) -> Option<Result<Reply<R>, Error>> {
        std::future::poll_fn(|cx| self.poll_reply(cx)).await
    }

    fn poll_reply(&mut self, cx: &mut Context<'_>) -> Poll<Option<Result<Reply<R>, Error>>> {
        if self.state.finished {
            return Poll::Ready(None);
        }
        let received = ready!(self.conn.poll_next_for(cx, &self.pending));
        Poll::Ready(self.state.next::<R>(received, &self.conn.rx))
    }
}

impl<R: Request> futures_core::Stream for AsyncDump<'_, R> {
    type Item = Result<Reply<R>, Error>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        self.get_mut().poll_reply(cx)
    }
}

impl<R: Request> Drop for AsyncDump<'_, R> {
    fn drop(&mut self) {
        abandon_dump(self.conn, self.pending, &self.state);
    }
}

/// Leaves a dump dropped before its end to be read off before the
/// connection's next request (a `Drop` cannot wait for the socket).
fn abandon_dump(conn: &mut AsyncConnection, pending: Pending, state: &DumpState) {
    if !state.finished {
        conn.abandoned = Some(pending);
    }
}

/// The replies of a dump read in place; see [`AsyncConnection::dump_view`].
/// [`AsyncDumpView::next`] gives each reply's fixed header and a view of its
/// attributes, borrowing the connection's receive area until the next call
/// (so it is not a [`Stream`](futures_core::Stream)). Dropping it early
/// leaves the rest of the dump to be read off before the connection's next
/// request.
#[derive(Debug)]
pub struct AsyncDumpView<'c, R: Request> {
    conn: &'c mut AsyncConnection,
    pending: Pending,
    state: DumpState,
    _reply: PhantomData<fn() -> R>,
}

impl<R> AsyncDumpView<'_, R>
where
    R: Request,
    R::Reply: HasView,
{
    /// The next reply, read in place: its fixed header and a view of its
    /// attributes; `None` after the last.
    pub async fn next(&mut self) -> Option<Result<ViewedReply<'_, R>, Error>> {
        if self.state.finished {
            return None;
        }
        let received = std::future::poll_fn(|cx| self.conn.poll_next_for(cx, &self.pending)).await;
        let rx = &self.conn.rx;
        self.state
            .next_with::<R, _>(received, |at| view_reply::<R>(bytes_at(rx, at)))
    }
}

impl<R: Request> Drop for AsyncDumpView<'_, R> {
    fn drop(&mut self) {
        abandon_dump(self.conn, self.pending, &self.state);
    }
}
