//! The spec-driven client: `genl --spec FILE --do OP --json '{...}'`, with
//! the flags of the kernel's YNL command line. Requests are built from JSON
//! by the [`dynamic`](crate::dynamic) codec, checked against the spec before
//! anything is sent, and replies and notifications are printed as JSON.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::{Duration, Instant};

use genl_runtime::{Connection, Error, KernelError, RawRequest, RequestKind, wire};
use genl_spec::Spec;
use genl_spec::model::{Family, OpId};
use serde_json::Value;

use crate::dynamic::{Codec, Located};
use crate::listing;

/// The flags of the spec-driven client, as the kernel's YNL command line
/// spells them.
#[derive(clap::Args, Debug, Default)]
pub struct Args {
    /// The family's spec.
    #[arg(long, value_name = "FILE", conflicts_with = "family")]
    pub spec: Option<PathBuf>,
    /// Find the spec of this family on the search path: the directories of
    /// `GENL_SPEC_PATH` (separated by `:`), then `specs/`.
    #[arg(long, value_name = "NAME")]
    pub family: Option<String>,
    /// Send a `do` request of this operation and print its reply.
    #[arg(long = "do", value_name = "OP", group = "request")]
    pub do_: Option<String>,
    /// Send a `dump` request of this operation and print its replies as a
    /// JSON array.
    #[arg(long, value_name = "OP", group = "request")]
    pub dump: Option<String>,
    /// The request's attributes (and fixed header members) as a JSON object.
    #[arg(long, value_name = "JSON")]
    pub json: Option<String>,
    /// Several `do` requests in one send (repeatable): the operation and its
    /// JSON; one reply (or `null`) printed per request.
    #[arg(long, num_args = 2, value_names = ["OP", "JSON"], group = "request")]
    pub multi: Vec<String>,
    /// Join this multicast group and print its notifications, one JSON
    /// object a line (also while a request runs).
    #[arg(long, value_name = "GROUP")]
    pub subscribe: Vec<String>,
    /// How long to print notifications for, in seconds (default: until
    /// interrupted).
    #[arg(long, value_name = "SECS", alias = "sleep")]
    pub duration: Option<f64>,
    /// List the operations with their docs.
    #[arg(long)]
    pub list_ops: bool,
    /// List the messages the kernel sends on its own (notifications and
    /// events) with their multicast groups.
    #[arg(long)]
    pub list_msgs: bool,
    /// List the attributes an operation's requests and replies carry.
    #[arg(long, value_name = "OP")]
    pub list_attrs: Option<String>,
    /// `NLM_F_CREATE`: create the object if it does not exist.
    #[arg(long)]
    pub create: bool,
    /// `NLM_F_EXCL`: fail if the object exists.
    #[arg(long)]
    pub excl: bool,
    /// `NLM_F_REPLACE`: replace an existing object.
    #[arg(long)]
    pub replace: bool,
    /// `NLM_F_APPEND`: add to the end of a list.
    #[arg(long)]
    pub append: bool,
    /// Print JSON (the only output there is; accepted for compatibility).
    #[arg(long)]
    pub output_json: bool,
    /// Show attributes the spec does not know, under `"UnknownAttrs"`.
    #[arg(long)]
    pub process_unknown: bool,
}

impl Args {
    /// Whether any of the client's flags was given.
    pub fn any(&self) -> bool {
        self.spec.is_some() || self.family.is_some()
    }

    fn nl_flags(&self) -> u16 {
        [
            (self.create, wire::flags::CREATE),
            (self.excl, wire::flags::EXCL),
            (self.replace, wire::flags::REPLACE),
            (self.append, wire::flags::APPEND),
        ]
        .iter()
        .filter(|(on, _)| *on)
        .fold(0, |acc, (_, f)| acc | f)
    }
}

/// What stops a run of the client.
#[derive(Debug)]
pub enum Failure {
    /// A message for stderr, after `error: `.
    Message(String),
    /// Diagnostics already rendered (a spec that does not load).
    Rendered(String),
    /// The reader of the output went away (`genl ... | head`): stop quietly.
    Quiet,
}

impl Failure {
    fn text(self) -> String {
        match self {
            Failure::Message(m) | Failure::Rendered(m) => m,
            Failure::Quiet => String::new(),
        }
    }
}

impl From<std::io::Error> for Failure {
    fn from(e: std::io::Error) -> Self {
        if e.kind() == std::io::ErrorKind::BrokenPipe {
            Failure::Quiet
        } else {
            Failure::Message(e.to_string())
        }
    }
}

impl From<serde_json::Error> for Failure {
    fn from(e: serde_json::Error) -> Self {
        match e.io_error_kind() {
            Some(kind) => std::io::Error::from(kind).into(),
            None => Failure::Message(e.to_string()),
        }
    }
}

impl From<Error> for Failure {
    fn from(e: Error) -> Self {
        Failure::Message(e.to_string())
    }
}

/// Runs the client: exit 0 when everything asked for succeeded, 1 with a
/// message on stderr otherwise.
pub fn run(args: &Args) -> ExitCode {
    let mut out = std::io::stdout().lock();
    match run_to(args, &mut out) {
        Ok(()) => ExitCode::SUCCESS,
        Err(Failure::Quiet) => ExitCode::SUCCESS,
        Err(Failure::Rendered(text)) => {
            eprint!("{text}");
            ExitCode::FAILURE
        }
        Err(Failure::Message(message)) => {
            let _ = out.flush();
            eprintln!("error: {message}");
            ExitCode::FAILURE
        }
    }
}

fn run_to(args: &Args, out: &mut impl Write) -> Result<(), Failure> {
    let path = match (&args.spec, &args.family) {
        (Some(path), _) => path.clone(),
        (None, Some(name)) => find_spec(name)?,
        (None, None) => return Err(Failure::Message("give --spec FILE or --family NAME".into())),
    };
    let spec = Spec::load(&path).map_err(|e| Failure::Rendered(e.render()))?;
    let family = spec.family();

    if args.list_ops {
        write!(out, "{}", listing::ops(family))?;
    }
    if args.list_msgs {
        write!(out, "{}", listing::msgs(family))?;
    }
    if let Some(op) = &args.list_attrs {
        let id = find_op(family, op)?;
        write!(out, "{}", listing::attrs(family, id))?;
    }
    let asks = args.do_.is_some()
        || args.dump.is_some()
        || !args.multi.is_empty()
        || !args.subscribe.is_empty();
    if !asks {
        if args.list_ops || args.list_msgs || args.list_attrs.is_some() {
            return Ok(());
        }
        return Err(Failure::Message(
            "nothing to do: give --do, --dump, --multi, --subscribe or a --list flag".into(),
        ));
    }

    let codec = Codec::new(family).process_unknown(args.process_unknown);
    let client = Client {
        family,
        codec: &codec,
        flags: args.nl_flags(),
    };
    // Input is checked before the socket is even opened.
    let input = match args.json.as_deref() {
        Some(text) => serde_json::from_str::<Value>(text)
            .map_err(|e| Failure::Message(format!("--json: not valid JSON: {e}")))?,
        None => Value::Object(Default::default()),
    };
    let mut prepared = Vec::new();
    if let Some(op) = &args.do_ {
        prepared.push(client.prepare(op, RequestKind::Do, &input)?);
    }
    if let Some(op) = &args.dump {
        prepared.push(client.prepare(op, RequestKind::Dump, &input)?);
    }
    for pair in args.multi.chunks_exact(2) {
        let (op, text) = (&pair[0], &pair[1]);
        let json = serde_json::from_str::<Value>(text)
            .map_err(|e| Failure::Message(format!("--multi {op}: not valid JSON: {e}")))?;
        prepared.push(client.prepare(op, RequestKind::Do, &json)?);
    }

    let mut conn = Connection::new()?;
    conn.family(&family.name)
        .map_err(|e| Failure::Message(e.to_string()))?;
    for group in &args.subscribe {
        conn.subscribe(&family.name, group)?;
    }

    if args.multi.is_empty() {
        for p in &prepared {
            client.send_one(&mut conn, p, out)?;
        }
    } else {
        client.send_many(&mut conn, &prepared, out)?;
    }
    if !args.subscribe.is_empty() {
        client.listen(&mut conn, args.duration, out)?;
    }
    Ok(())
}

/// A request ready to send: its operation, kind and payload.
struct Prepared {
    op: OpId,
    kind: RequestKind,
    cmd: u8,
    /// A `do` with a declared reply is sent with `NLM_F_ECHO`, as the typed
    /// clients send it: families that answer through their notification
    /// (Open vSwitch) reply to the requester only then.
    echo: bool,
    payload: Vec<u8>,
}

struct Client<'a> {
    family: &'a Family,
    codec: &'a Codec<'a>,
    flags: u16,
}

impl Client<'_> {
    fn prepare(&self, op: &str, kind: RequestKind, json: &Value) -> Result<Prepared, Failure> {
        let id = find_op(self.family, op)?;
        let o = self.family.op(id);
        let has_kind = match kind {
            RequestKind::Do => o.do_.is_some(),
            RequestKind::Dump => o.dump.is_some(),
        };
        let (Some(cmd), true) = (o.request_value, has_kind) else {
            let kinds: Vec<&str> = [
                (o.do_.is_some() && o.request_value.is_some(), "--do"),
                (o.dump.is_some() && o.request_value.is_some(), "--dump"),
            ]
            .iter()
            .filter(|(on, _)| *on)
            .map(|(_, k)| *k)
            .collect();
            return Err(Failure::Message(format!(
                "operation `{op}` has no {} request{}",
                kind_name(kind),
                if kinds.is_empty() {
                    " (the kernel sends it on its own: --subscribe to its group)".to_string()
                } else {
                    format!(" (it takes {})", kinds.join(" and "))
                }
            )));
        };
        let payload = self
            .codec
            .encode_request(op, kind, json)
            .map_err(|e| Failure::Message(format!("{op}: {e}; nothing was sent")))?;
        Ok(Prepared {
            op: id,
            kind,
            echo: kind == RequestKind::Do && o.do_.as_ref().is_some_and(|d| d.reply.is_some()),
            cmd: u8::try_from(cmd)
                .map_err(|_| Failure::Message(format!("{op}: command {cmd} > 255")))?,
            payload,
        })
    }

    fn raw<'p>(&self, p: &'p Prepared) -> RawRequest<'p> {
        RawRequest {
            cmd: p.cmd,
            version: u8::try_from(self.family.version).unwrap_or(u8::MAX),
            kind: p.kind,
            flags: self.flags | if p.echo { wire::flags::ECHO } else { 0 },
            payload: &p.payload,
        }
    }

    fn send_one(
        &self,
        conn: &mut Connection,
        p: &Prepared,
        out: &mut impl Write,
    ) -> Result<(), Failure> {
        let replies = conn
            .request_raw(&self.family.name, &self.raw(p))
            .map_err(|e| self.failure(p, e))?;
        let values = replies
            .iter()
            .map(|r| self.decode_reply(p.op, r.cmd, &r.payload))
            .collect::<Result<Vec<_>, _>>()?;
        match p.kind {
            RequestKind::Dump => print_json(out, &Value::Array(values))?,
            RequestKind::Do => {
                for v in &values {
                    print_json(out, v)?;
                }
            }
        }
        Ok(())
    }

    fn send_many(
        &self,
        conn: &mut Connection,
        prepared: &[Prepared],
        out: &mut impl Write,
    ) -> Result<(), Failure> {
        let raws: Vec<RawRequest<'_>> = prepared.iter().map(|p| self.raw(p)).collect();
        let answers = conn.request_raw_many(&self.family.name, &raws)?;
        let mut failed = Vec::new();
        for (p, answer) in prepared.iter().zip(answers) {
            match answer {
                Ok(replies) => match replies.first() {
                    Some(r) => print_json(out, &self.decode_reply(p.op, r.cmd, &r.payload)?)?,
                    None => print_json(out, &Value::Null)?,
                },
                Err(e) => {
                    print_json(out, &Value::Null)?;
                    failed.push(self.failure(p, e).text());
                }
            }
        }
        if failed.is_empty() {
            Ok(())
        } else {
            Err(Failure::Message(failed.join("\nerror: ")))
        }
    }

    fn listen(
        &self,
        conn: &mut Connection,
        duration: Option<f64>,
        out: &mut impl Write,
    ) -> Result<(), Failure> {
        let id = conn.family(&self.family.name)?.id;
        let deadline = match duration {
            Some(secs) if secs.is_finite() && secs >= 0.0 => {
                Some(Instant::now() + Duration::from_secs_f64(secs))
            }
            Some(secs) => {
                return Err(Failure::Message(format!(
                    "--duration {secs}: not a duration"
                )));
            }
            None => None,
        };
        loop {
            let wait = match deadline {
                Some(d) => match d.checked_duration_since(Instant::now()) {
                    Some(left) if !left.is_zero() => Some(left),
                    _ => return Ok(()),
                },
                None => None,
            };
            conn.set_timeout(wait)?;
            let n = match conn.next_notification() {
                Ok(n) => n,
                Err(Error::Io(e))
                    if matches!(
                        e.kind(),
                        std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
                    ) =>
                {
                    return Ok(());
                }
                Err(Error::Overrun) => {
                    eprintln!("warning: notifications were lost (receive buffer overrun)");
                    continue;
                }
                Err(e) => return Err(e.into()),
            };
            if n.family_id != id {
                continue;
            }
            let Some(op) = self.codec.op_for_reply(n.cmd, true) else {
                eprintln!("warning: a notification of unknown command {}", n.cmd);
                continue;
            };
            let msg = self
                .codec
                .decode(op, &n.payload)
                .map_err(|e| Failure::Message(format!("{}: {e}", self.family.op(op).name)))?;
            let line = serde_json::json!({ "name": self.family.op(op).name, "msg": msg });
            writeln!(out, "{line}")?;
            out.flush()?;
        }
    }

    fn decode_reply(&self, op: OpId, cmd: u8, payload: &[u8]) -> Result<Value, Failure> {
        // A reply carries the op's reply command; another command is a
        // message of another op (an echo, a notification's format).
        let op = if self.family.op(op).reply_value == Some(u32::from(cmd)) {
            op
        } else {
            self.codec.op_for_reply(cmd, false).unwrap_or(op)
        };
        self.codec
            .decode(op, payload)
            .map_err(|e| Failure::Message(format!("{}: reply: {e}", self.family.op(op).name)))
    }

    /// The message of a failed request, with the attributes the kernel
    /// points at named from what was sent.
    fn failure(&self, p: &Prepared, e: Error) -> Failure {
        let op = &self.family.op(p.op).name;
        match e {
            Error::Kernel(k) => Failure::Message(format!("{op}: {}", self.describe(p, &k))),
            Error::DumpInterrupted { .. } => Failure::Message(format!(
                "{op}: the dump was interrupted (the objects changed meanwhile); dump again"
            )),
            e => Failure::Message(format!("{op}: {e}")),
        }
    }

    fn describe(&self, p: &Prepared, k: &KernelError) -> String {
        let mut text = KernelError {
            bad_attr: None,
            missing: None,
            operation: None,
            ..k.clone()
        }
        .to_string();
        let locate = |offset: u32| -> Option<Located> {
            let at = (offset as usize).checked_sub(wire::NLMSG_HDRLEN + wire::GENL_HDRLEN)?;
            self.codec
                .locate(&self.family.op(p.op).name, &p.payload, at)
        };
        if let Some(bad) = &k.bad_attr {
            match locate(bad.offset) {
                Some(l) => text.push_str(&format!("; bad attribute {}", l.path)),
                None => text.push_str(&format!("; bad attribute at offset {}", bad.offset)),
            }
        }
        if let Some(miss) = &k.missing {
            let (set, within) = match &miss.nest {
                None => (self.codec.request_set(p.op), None),
                Some(nest) => match locate(nest.offset) {
                    Some(l) => (l.nested, Some(l.path)),
                    None => (None, Some(format!("the nest at offset {}", nest.offset))),
                },
            };
            let name = set
                .zip(u16::try_from(miss.ty).ok())
                .and_then(|(set, ty)| self.codec.attr_name(set, ty));
            match name {
                Some(name) => text.push_str(&format!("; missing attribute {name}")),
                None => text.push_str(&format!("; missing attribute of type {}", miss.ty)),
            }
            if let Some(within) = within {
                text.push_str(&format!(" in {within}"));
            }
        }
        text
    }
}

fn kind_name(kind: RequestKind) -> &'static str {
    match kind {
        RequestKind::Do => "do",
        RequestKind::Dump => "dump",
    }
}

fn print_json(out: &mut impl Write, value: &Value) -> Result<(), Failure> {
    serde_json::to_writer_pretty(&mut *out, value)?;
    writeln!(out)?;
    Ok(())
}

/// The operation of the given name, or an error that suggests the closest.
pub fn find_op(family: &Family, name: &str) -> Result<OpId, Failure> {
    Codec::new(family)
        .op(name)
        .map_err(|e| Failure::Message(e.to_string()))
}

/// ", did you mean `x`?" for the closest of `candidates`, or nothing.
pub fn suggest<'a>(name: &str, candidates: impl Iterator<Item = &'a str>) -> String {
    match crate::dynamic::format::closest(name, candidates).first() {
        Some(c) => format!("; did you mean `{c}`?"),
        None => String::new(),
    }
}

/// The directories searched for `--family`: `GENL_SPEC_PATH`, then `specs/`.
pub fn search_path() -> Vec<PathBuf> {
    let mut dirs: Vec<PathBuf> = std::env::var_os("GENL_SPEC_PATH")
        .map(|v| std::env::split_paths(&v).collect())
        .unwrap_or_default();
    dirs.push(PathBuf::from("specs"));
    dirs
}

/// The spec of family `name` on the search path: `<name>.yaml` in the
/// first directory that has it (with `-` and `_` taken as the same).
pub fn find_spec(name: &str) -> Result<PathBuf, Failure> {
    let dirs = search_path();
    let wanted = name.replace('-', "_");
    for dir in &dirs {
        for file in [format!("{name}.yaml"), format!("{wanted}.yaml")] {
            let path = dir.join(&file);
            if path.is_file() {
                return Ok(path);
            }
        }
    }
    let known: Vec<String> = dirs.iter().flat_map(|d| yaml_stems(d)).collect();
    Err(Failure::Message(format!(
        "no spec of family `{name}` in {}{}",
        dirs.iter()
            .map(|d| format!("`{}`", d.display()))
            .collect::<Vec<_>>()
            .join(", "),
        suggest(name, known.iter().map(String::as_str))
    )))
}

fn yaml_stems(dir: &Path) -> Vec<String> {
    std::fs::read_dir(dir)
        .map(|entries| {
            entries
                .filter_map(|e| e.ok())
                .map(|e| e.path())
                .filter(|p| p.extension().is_some_and(|e| e == "yaml"))
                .filter_map(|p| Some(p.file_stem()?.to_string_lossy().into_owned()))
                .collect()
        })
        .unwrap_or_default()
}
