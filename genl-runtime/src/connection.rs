//! The blocking connection: requests, dumps and notifications over one
//! socket, with families resolved through nlctrl once and cached.

use std::io;
use std::marker::PhantomData;
use std::time::Duration;

use crate::error::Error;
use crate::exchange::{
    Collector, DumpState, Exchange, Pending, RawNotification, RawReply, RawRequest, Routed,
    bytes_at, chunk, decode_event, decode_reply, dumps_alone, replied, view_reply, with_view,
};
use crate::family::{self, Family};
use crate::nlctrl;
use crate::request::{Events, Reply, ReplyView, Request, RequestKind, ViewedReply};
use crate::socket::Socket;
use crate::view::HasView;
use crate::wire::{DecodeError, NlMsgHdr, messages, msg_type};

/// A generic netlink connection: one socket, its sequence numbers, the
/// families it has resolved, and the notifications that arrived while it
/// waited for replies (kept until read, never dropped).
///
/// Every request is checked against its spec's policy before it is sent;
/// [`Connection::skip_policy_checks`] is the one, explicit way to turn that
/// off; no constructor, client or flag turns it off on the way.
///
/// ```no_run
/// use genl_runtime::{Connection, nlctrl};
///
/// let mut conn = Connection::new()?;
/// for family in conn.dump(&(), &nlctrl::GetfamilyDumpRequest::default())? {
///     let ((), family) = family?;
///     println!("{}", family.family_name.unwrap_or_default());
/// }
/// # Ok::<(), genl_runtime::Error>(())
/// ```
#[derive(Debug)]
pub struct Connection {
    socket: Socket,
    /// The datagram being read: its length and group, and how far.
    rx_len: usize,
    rx_pos: usize,
    rx_group: Option<u32>,
    rx: Vec<u8>,
    ex: Exchange,
}

impl Connection {
    /// Opens a connection on a new socket.
    pub fn new() -> Result<Connection, Error> {
        Ok(Connection::with_socket(Socket::new()?))
    }

    /// A connection over a socket the caller opened (and perhaps tuned).
    pub fn with_socket(socket: Socket) -> Connection {
        let mut ex = Exchange::new();
        ex.port_id = socket.port_id();
        Connection {
            socket,
            rx_len: 0,
            rx_pos: 0,
            rx_group: None,
            rx: Vec::new(),
            ex,
        }
    }

    /// The socket.
    pub fn socket(&self) -> &Socket {
        &self.socket
    }

    /// Turns client-side policy checks off: the explicit opt-out. They are
    /// on for every new connection (and so for every generated client); with
    /// them off, a request that breaks its spec's policy goes to the kernel
    /// as it is, which refuses it or not. For tests of the kernel's own
    /// checks and for tools that send what they are told;
    /// [`Connection::check_policy`] turns them back on.
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

    /// Sets how long a receive may wait (`None`: for ever); a request or a
    /// notification not answered in time fails with an I/O error of kind
    /// `WouldBlock`.
    pub fn set_timeout(&mut self, timeout: Option<Duration>) -> Result<(), Error> {
        Ok(self.socket.set_recv_timeout(timeout)?)
    }

    /// Looks a family up by name through nlctrl (once; then from the cache).
    pub fn family(&mut self, name: &str) -> Result<&Family, Error> {
        if !self.ex.families.contains_key(name) {
            let req = family::lookup_request(name);
            // A name nlctrl's policy refuses (too long) fails here.
            self.ex.check(&req)?;
            let answer = self.request_with_id(msg_type::GENL_ID_CTRL, &(), &req, 0);
            let family = family::from_lookup(name, answer)?;
            self.ex.families.insert(name.to_owned(), family);
        }
        Ok(&self.ex.families[name])
    }

    fn family_id(&mut self, name: &str) -> Result<u16, Error> {
        if name == nlctrl::FAMILY_NAME {
            return Ok(msg_type::GENL_ID_CTRL);
        }
        self.family(name).map(|f| f.id)
    }

    /// Sends a `do` request and waits for its acknowledgement; returns the
    /// reply's fixed header and attributes, or `None` when the kernel only
    /// acknowledged. (Generated clients turn a missing reply the spec
    /// declares into [`Error::NoReply`].)
    pub fn request<R: Request>(
        &mut self,
        header: &R::Header,
        req: &R,
    ) -> Result<Option<Reply<R>>, Error> {
        // Checked before the family lookup: a request that breaks its
        // policy fails the same with or without the family in the kernel.
        self.ex.check(req)?;
        let id = self.family_id(R::FAMILY)?;
        self.request_with_id(id, header, req, 0)
    }

    /// Like [`Connection::request`], with extra `nlmsg_flags`
    /// ([`wire::flags`](crate::wire::flags): `CREATE`, `EXCL`, `REPLACE`,
    /// `APPEND`, `ECHO`).
    pub fn request_with_flags<R: Request>(
        &mut self,
        header: &R::Header,
        req: &R,
        nl_flags: u16,
    ) -> Result<Option<Reply<R>>, Error> {
        // Checked before the family lookup: a request that breaks its
        // policy fails the same with or without the family in the kernel.
        self.ex.check(req)?;
        let id = self.family_id(R::FAMILY)?;
        self.request_with_id(id, header, req, nl_flags)
    }

    fn request_with_id<R: Request>(
        &mut self,
        family_id: u16,
        header: &R::Header,
        req: &R,
        nl_flags: u16,
    ) -> Result<Option<Reply<R>>, Error> {
        self.exchange_do(family_id, header, req, nl_flags, decode_reply::<R>)
    }

    /// Sends a `do` request and reads its answer: `read` gets the payload
    /// of the first reply (after the genl header) where it lies in the
    /// receive area, and what it makes of it is returned once the kernel
    /// has acknowledged; `None` when the kernel only acknowledged.
    fn exchange_do<R: Request, T>(
        &mut self,
        family_id: u16,
        header: &R::Header,
        req: &R,
        nl_flags: u16,
        read: impl FnOnce(&[u8]) -> Result<T, Error>,
    ) -> Result<Option<T>, Error> {
        let pending = self.ex.build(family_id, header, req, nl_flags);
        let mut read = Some(read);
        let mut reply = None;
        self.send_and_await(&pending, &mut |payload| {
            // The first reply is the answer; a later one (none is
            // expected) is read off and dropped.
            if let Some(read) = read.take() {
                reply = Some(read(payload));
            }
        })?;
        reply.transpose()
    }

    /// Sends the message in `tx` and reads until the kernel has answered
    /// `pending`: `on_reply` gets each reply's payload (after the genl
    /// header) where it lies in the receive area. Not generic, so that each
    /// request type compiles only what is its own.
    fn send_and_await(
        &mut self,
        pending: &Pending,
        on_reply: &mut dyn FnMut(&[u8]),
    ) -> Result<(), Error> {
        self.socket.send(&self.ex.tx)?;
        loop {
            match self.next_for(pending)? {
                Routed::Data { at, .. } => on_reply(bytes_at(&self.rx, at)),
                Routed::Ack | Routed::Done(Ok(())) => return Ok(()),
                Routed::Failed(e) | Routed::Done(Err(e)) => return Err(e.into()),
                Routed::Elsewhere => {}
            }
        }
    }

    /// Sends a `do` request and reads its reply in place, without copying
    /// or allocating: `read` gets the reply's fixed header and a borrowing
    /// view of its attributes ([`HasView`]; the code generator writes views
    /// with `views(true)`), which point into the connection's receive area,
    /// and returns what the caller needs from them. The request is checked
    /// against its policy first, as [`Connection::request`] checks it.
    ///
    /// What `read` returns comes back once the kernel has acknowledged the
    /// request; a decode error in the reply or in `read` is an
    /// [`Error::Decode`] of the operation, and a request the kernel only
    /// acknowledged fails with [`Error::NoReply`]. Generated clients reach
    /// it through their `connection()`.
    ///
    /// ```no_run
    /// use genl_runtime::{Connection, nlctrl};
    ///
    /// let mut conn = Connection::new()?;
    /// let req = nlctrl::GetfamilyDoRequest {
    ///     family_name: Some("nlctrl".into()),
    ///     ..Default::default()
    /// };
    /// let id = conn.request_view(&(), &req, |(), family| family.family_id())?;
    /// assert_eq!(id, Some(0x10));
    /// # Ok::<(), genl_runtime::Error>(())
    /// ```
    pub fn request_view<R, T>(
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
        let id = self.family_id(R::FAMILY)?;
        let answer = self.exchange_do(id, header, req, 0, |payload| {
            with_view::<R, T>(payload, read)
        })?;
        replied::<R, T>(answer)
    }

    /// Sends a `dump` request; the replies come from the returned iterator,
    /// one per object, until the kernel's `NLMSG_DONE`.
    pub fn dump<R: Request>(&mut self, header: &R::Header, req: &R) -> Result<Dump<'_, R>, Error> {
        let pending = self.start_dump(header, req)?;
        Ok(Dump {
            conn: self,
            pending,
            state: DumpState::default(),
            _reply: PhantomData,
        })
    }

    /// Checks and sends a `dump` request: what its replies answer.
    fn start_dump<R: Request>(&mut self, header: &R::Header, req: &R) -> Result<Pending, Error> {
        // Checked before the family lookup: a request that breaks its
        // policy fails the same with or without the family in the kernel.
        self.ex.check(req)?;
        let id = self.family_id(R::FAMILY)?;
        let pending = self.ex.build(id, header, req, 0);
        self.socket.send(&self.ex.tx)?;
        Ok(pending)
    }

    /// Sends a `dump` request whose replies are read in place: the returned
    /// [`DumpView`] hands out each reply's fixed header and a borrowing view
    /// of its attributes ([`HasView`]), pointing into the connection's
    /// receive area, one at a time (each until the next is asked for), so
    /// that nothing is copied or allocated. The request is checked against
    /// its policy first, as [`Connection::dump`] checks it.
    ///
    /// ```no_run
    /// use genl_runtime::{Connection, nlctrl};
    ///
    /// let mut conn = Connection::new()?;
    /// let mut dump = conn.dump_view(&(), &nlctrl::GetfamilyDumpRequest::default())?;
    /// let mut ids = 0u32;
    /// while let Some(reply) = dump.next() {
    ///     let ((), family) = reply?;
    ///     ids += u32::from(family.family_id()?.unwrap_or(0));
    ///     if let Some(name) = family.family_name()? {
    ///         println!("{name}"); // borrowed from the receive area
    ///     }
    /// }
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn dump_view<R>(&mut self, header: &R::Header, req: &R) -> Result<DumpView<'_, R>, Error>
    where
        R: Request,
        R::Reply: HasView,
    {
        let pending = self.start_dump(header, req)?;
        Ok(DumpView {
            conn: self,
            pending,
            state: DumpState::default(),
            _reply: PhantomData,
        })
    }

    /// Dumps until the kernel delivers a consistent view: a dump the
    /// kernel marks interrupted (`NLM_F_DUMP_INTR`: the objects changed
    /// while it ran) is thrown away and run again, at most `attempts` times
    /// in all. Gathers the replies, so it suits tables that fit in memory;
    /// [`Connection::dump`] streams, and reports an interruption as
    /// [`Error::DumpInterrupted`] after the last reply.
    ///
    /// ```no_run
    /// use genl_runtime::{Connection, nlctrl};
    ///
    /// let mut conn = Connection::new()?;
    /// let families = conn.dump_consistent(&(), &nlctrl::GetfamilyDumpRequest::default(), 3)?;
    /// println!("{} families", families.len());
    /// # Ok::<(), genl_runtime::Error>(())
    /// ```
    pub fn dump_consistent<R: Request>(
        &mut self,
        header: &R::Header,
        req: &R,
        attempts: usize,
    ) -> Result<Vec<Reply<R>>, Error> {
        crate::exchange::until_consistent(attempts, || self.dump(header, req)?.collect())
    }

    /// Sends several `do` requests of one operation in one datagram (the
    /// kernel handles them in order) and waits for every answer: per
    /// request, in the order given, its reply (`None` for a plain
    /// acknowledgement) or its error. All are checked against the policy
    /// first; if one breaks it, nothing is sent. A failing request does not
    /// stop the ones after it. The outer error is one of the exchange
    /// itself (the socket failed).
    ///
    /// ```no_run
    /// use genl_runtime::{Connection, nlctrl};
    ///
    /// let mut conn = Connection::new()?;
    /// let names = ["nlctrl", "no-such-family"];
    /// let requests: Vec<_> = names
    ///     .iter()
    ///     .map(|name| nlctrl::GetfamilyDoRequest {
    ///         family_name: Some(name.to_string()),
    ///         ..Default::default()
    ///     })
    ///     .collect();
    /// let answers = conn.request_many(requests.iter().map(|r| (&(), r)))?;
    /// assert!(answers[0].is_ok() && answers[1].is_err());
    /// # Ok::<(), genl_runtime::Error>(())
    /// ```
    pub fn request_many<'r, R: Request + 'r>(
        &mut self,
        requests: impl IntoIterator<Item = (&'r R::Header, &'r R)>,
    ) -> Result<Answers<Option<Reply<R>>>, Error>
    where
        R::Header: 'r,
    {
        if R::KIND != RequestKind::Do {
            return Err(dumps_alone());
        }
        let id = self.family_id(R::FAMILY)?;
        let requests: Vec<_> = requests.into_iter().collect();
        for (_, req) in &requests {
            self.ex.check(*req)?;
        }
        self.ex.tx.clear();
        let pending: Vec<Pending> = requests
            .into_iter()
            .map(|(header, req)| self.ex.append(id, header, req, 0))
            .collect();
        let answers = self.send_and_collect(&pending)?;
        Ok(answers
            .into_iter()
            .map(|answer| {
                let replies = answer?;
                replies
                    .first()
                    .map(|r| decode_reply::<R>(&r.payload))
                    .transpose()
            })
            .collect())
    }

    /// Sends a request put together by the caller to `family`, and waits for
    /// its answer: the replies (none for a plain acknowledgement; every
    /// reply of a dump), or the kernel's error. The error's bad attribute
    /// comes as an offset only: the caller knows what it sent.
    pub fn request_raw(
        &mut self,
        family: &str,
        request: &RawRequest<'_>,
    ) -> Result<Vec<RawReply>, Error> {
        let mut answers = self.send_raw(family, std::slice::from_ref(request))?;
        answers.pop().unwrap_or(Ok(Vec::new()))
    }

    /// Sends several `do` requests put together by the caller in one
    /// datagram, and waits for every answer: per request, in the order
    /// given, its replies or its error.
    pub fn request_raw_many(
        &mut self,
        family: &str,
        requests: &[RawRequest<'_>],
    ) -> Result<Answers<Vec<RawReply>>, Error> {
        if requests.iter().any(|r| r.kind != RequestKind::Do) {
            return Err(dumps_alone());
        }
        self.send_raw(family, requests)
    }

    fn send_raw(
        &mut self,
        family: &str,
        requests: &[RawRequest<'_>],
    ) -> Result<Answers<Vec<RawReply>>, Error> {
        let id = self.family_id(family)?;
        self.ex.tx.clear();
        let pending: Vec<Pending> = requests.iter().map(|r| self.ex.append_raw(id, r)).collect();
        self.send_and_collect(&pending)
    }

    /// Sends the messages of `pending` (all in the send buffer) and collects
    /// every answer, a [`chunk`] at a time, each answered before the next
    /// is sent, so that the answers always fit the receive buffer.
    fn send_and_collect(&mut self, pending: &[Pending]) -> Result<Answers<Vec<RawReply>>, Error> {
        let mut answers = Vec::with_capacity(pending.len());
        let mut rest = pending;
        while !rest.is_empty() {
            let (chunk, bytes) = chunk(rest);
            self.socket.send(&self.ex.tx[bytes])?;
            let mut collector = Collector::new(&rest[..chunk]);
            while !collector.is_done() {
                let (i, routed) = self.next_among(&rest[..chunk])?;
                collector.feed(i, routed, &self.rx);
            }
            answers.extend(collector.finish());
            rest = &rest[chunk..];
        }
        Ok(answers)
    }

    /// Joins a multicast group of a family, by the names of both.
    pub fn subscribe(&mut self, family: &str, group: &str) -> Result<(), Error> {
        let f = self.family(family)?;
        let id = f.group(group).ok_or_else(|| Error::GroupNotFound {
            family: family.to_owned(),
            group: group.to_owned(),
        })?;
        Ok(self.socket.add_membership(id)?)
    }

    /// Leaves a multicast group of a family.
    pub fn unsubscribe(&mut self, family: &str, group: &str) -> Result<(), Error> {
        let f = self.family(family)?;
        let id = f.group(group).ok_or_else(|| Error::GroupNotFound {
            family: family.to_owned(),
            group: group.to_owned(),
        })?;
        Ok(self.socket.drop_membership(id)?)
    }

    /// The next notification of any family, queued or received. An overrun
    /// since the last call is reported first, once, as [`Error::Overrun`].
    pub fn next_notification(&mut self) -> Result<RawNotification, Error> {
        self.next_notification_of(None)
    }

    /// The next notification of `E`'s family, typed. Notifications of other
    /// families stay queued for [`Connection::next_notification`].
    pub fn next_event<E: Events>(&mut self) -> Result<E, Error> {
        let id = self.family_id(E::FAMILY)?;
        let n = self.next_notification_of(Some(id))?;
        decode_event(&n)
    }

    fn next_notification_of(&mut self, family_id: Option<u16>) -> Result<RawNotification, Error> {
        loop {
            if std::mem::take(&mut self.ex.overrun) {
                return Err(Error::Overrun);
            }
            if let Some(n) = self.ex.take_notification(family_id) {
                return Ok(n);
            }
            let (hdr, start, end) = self.next_message()?;
            let group = self.rx_group;
            self.ex.route(&hdr, &self.rx[start..end], group, None)?;
        }
    }

    /// Reads messages until one is routed to `pending`.
    #[inline]
    fn next_for(&mut self, pending: &Pending) -> Result<Routed, Error> {
        self.next_among(std::slice::from_ref(pending))
            .map(|(_, routed)| routed)
    }

    /// Reads messages until one is routed to one of `pending`: which one,
    /// and what it says (a reply's bytes are then at its range of `rx`).
    ///
    /// After an overrun the kernel may have dropped the answer to a `do`
    /// request too (it answers those before the send returns, and drops
    /// what does not fit). So the queue is then read without waiting; when
    /// it runs dry without their answers, the requests fail with
    /// [`Error::Overrun`] rather than wait for ever. Dumps go on: the kernel
    /// produces their parts only as the reader makes room.
    fn next_among(&mut self, pending: &[Pending]) -> Result<(usize, Routed), Error> {
        let only_dos = pending.iter().all(|p| !p.dump);
        let mut lost = false;
        loop {
            let (hdr, start, end) = match self.next_message_with(lost) {
                Ok(m) => m,
                Err(Error::Overrun) => {
                    // Told to the next reader of notifications too.
                    self.ex.overrun = true;
                    lost = only_dos;
                    continue;
                }
                Err(Error::Io(e)) if lost && e.kind() == io::ErrorKind::WouldBlock => {
                    return Err(Error::Overrun);
                }
                Err(e) => return Err(e),
            };
            let group = self.rx_group;
            match self
                .ex
                .route_among(&hdr, &self.rx[start..end], group, pending)?
            {
                None | Some((_, Routed::Elsewhere)) => continue,
                Some((i, routed)) => return Ok((i, routed.offset(start))),
            }
        }
    }

    /// The next message: its header and the range of its payload in `rx`.
    fn next_message(&mut self) -> Result<(NlMsgHdr, usize, usize), Error> {
        self.next_message_with(false)
    }

    /// The next message, read without waiting when `nowait` (an empty
    /// queue is then an I/O error of kind `WouldBlock`).
    #[inline]
    fn next_message_with(&mut self, nowait: bool) -> Result<(NlMsgHdr, usize, usize), Error> {
        loop {
            if self.rx_pos < self.rx_len {
                let rest = &self.rx[self.rx_pos..self.rx_len];
                match messages(rest).next() {
                    Some(Ok((hdr, payload))) => {
                        let start = self.rx_pos + crate::wire::NLMSG_HDRLEN;
                        let end = start + payload.len();
                        self.rx_pos =
                            (self.rx_pos + crate::wire::align(hdr.len as usize)).min(self.rx_len);
                        return Ok((hdr, start, end));
                    }
                    Some(Err(e)) => {
                        self.rx_pos = self.rx_len;
                        return Err(Error::Protocol(format!("malformed datagram: {e}")));
                    }
                    None => self.rx_pos = self.rx_len,
                }
            }
            let received = if nowait {
                self.socket.try_recv_into(&mut self.rx)
            } else {
                self.socket.recv_into(&mut self.rx)
            };
            match received {
                Ok((len, group)) => {
                    self.rx_len = len;
                    self.rx_group = group;
                    self.rx_pos = 0;
                }
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => return Err(e.into()),
            }
        }
    }
}

/// The answers to several requests sent together, one per request in the
/// order they were given: what the request got back, or its error.
pub type Answers<T> = Vec<Result<T, Error>>;

/// The replies of a dump, in order; see [`Connection::dump`]. Each item is a
/// reply's fixed header and attributes, or the error that ended the dump.
/// Dropping it early reads the rest of the dump off the socket.
#[derive(Debug)]
pub struct Dump<'c, R: Request> {
    conn: &'c mut Connection,
    pending: Pending,
    state: DumpState,
    _reply: PhantomData<fn() -> R>,
}

impl<R: Request> Iterator for Dump<'_, R> {
    type Item = Result<Reply<R>, Error>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.state.finished {
            return None;
        }
        let received = self.conn.next_for(&self.pending);
        self.state.next::<R>(received, &self.conn.rx)
    }
}

impl<R: Request> Drop for Dump<'_, R> {
    fn drop(&mut self) {
        finish_dump(self.conn, &self.pending, &mut self.state);
    }
}

/// Reads a dump to its end: the kernel runs one dump per socket at a time,
/// and the next request can start only then.
fn finish_dump(conn: &mut Connection, pending: &Pending, state: &mut DumpState) {
    while !state.finished {
        match conn.next_for(pending) {
            Ok(Routed::Data { .. } | Routed::Elsewhere) => {}
            Ok(_) | Err(_) => state.finished = true,
        }
    }
}

/// The replies of a dump read in place; see [`Connection::dump_view`].
/// [`DumpView::next`] gives each reply's fixed header and a view of its
/// attributes, borrowing the connection's receive area until the next call
/// (so it is not an [`Iterator`], whose items cannot borrow from it).
/// Dropping it early reads the rest of the dump off the socket.
#[derive(Debug)]
pub struct DumpView<'c, R: Request> {
    conn: &'c mut Connection,
    pending: Pending,
    state: DumpState,
    _reply: PhantomData<fn() -> R>,
}

impl<R> DumpView<'_, R>
where
    R: Request,
    R::Reply: HasView,
{
    /// The next reply, read in place: its fixed header and a view of its
    /// attributes; `None` after the last. An error ends the dump (an
    /// interruption, [`Error::DumpInterrupted`], comes after the last reply,
    /// as [`Dump`] reports it).
    #[allow(clippy::should_implement_trait)] // a lending iterator: see the type
    #[inline]
    pub fn next(&mut self) -> Option<Result<ViewedReply<'_, R>, Error>> {
        if self.state.finished {
            return None;
        }
        let received = self.conn.next_for(&self.pending);
        let rx = &self.conn.rx;
        self.state
            .next_with::<R, _>(received, |at| view_reply::<R>(bytes_at(rx, at)))
    }
}

impl<R: Request> Drop for DumpView<'_, R> {
    fn drop(&mut self) {
        finish_dump(self.conn, &self.pending, &mut self.state);
    }
}
