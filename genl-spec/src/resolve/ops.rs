//! Operations: numbering in both models, attribute lists, notifications.

use super::{Resolver, check_name, name_or_empty, opt_string};
use crate::model::*;
use crate::names::{self, c_upper};
use crate::raw::{self, EnumModel};
use crate::source::{Span, Spanned};

pub(super) fn resolve(
    r: &mut Resolver<'_>,
    raw: &raw::Operations,
    sets: &[AttrSet],
    defs: &[Definition],
) -> Operations {
    let model = raw
        .enum_model
        .as_ref()
        .map_or(EnumModel::Unified, |m| m.value);
    let c_prefix =
        c_upper(&opt_string(&raw.name_prefix).unwrap_or_else(|| format!("{}-cmd-", r.family)));
    let c_async_prefix =
        opt_string(&raw.async_prefix).map_or_else(|| c_prefix.clone(), |p| c_upper(&p));
    let fixed_header = raw
        .fixed_header
        .as_ref()
        .and_then(|h| resolve_fixed_header(r, h, defs));
    let empty = Vec::new();
    let list = raw.list.as_ref().map_or(&empty, |l| &l.value);

    for (i, op) in list.iter().enumerate() {
        let name = name_or_empty(&op.name, op.span);
        check_name(r, op.name.as_ref(), "operation");
        r.ops.declare(r.diags, &name, OpId(i as u32));
    }
    let values = match model {
        EnumModel::Unified => unified_values(r, list),
        EnumModel::Directional => directional_values(r, list),
    };

    let mut scope = names::Scope::new();
    let mut ops = Vec::new();
    for (i, op) in list.iter().enumerate() {
        let name = name_or_empty(&op.name, op.span);
        let attr_set = op
            .attribute_set
            .as_ref()
            .and_then(|s| r.sets.lookup(r.diags, s, "`attribute-set`"));
        let set_ref = match attr_set {
            Some(id) if !r.broken.contains(&id) => SetRef::Resolved(id),
            None if op.attribute_set.is_none() && !op.invalid.contains(&"attribute-set") => {
                SetRef::Absent
            }
            _ => SetRef::Unresolved,
        };
        let has_cmd = op.do_.is_some() || op.dump.is_some();
        let is_async = op.notify.is_some() || op.event.is_some();
        if has_cmd && is_async {
            let span = op
                .notify
                .as_ref()
                .map(|n| n.span)
                .or(op.event.as_ref().map(|e| e.span))
                .unwrap_or(op.span);
            r.diags
                .error(span, format!("operation `{}` is both a command and a notification", name.value))
                .with_label("remove this or the `do`/`dump`")
                .with_note("an op is either a request (`do`, `dump`) or a message the kernel sends (`notify`, `event`)");
        }
        if let (Some(n), Some(e)) = (&op.notify, &op.event) {
            r.diags
                .error(
                    e.span,
                    format!("operation `{}` has both `notify` and `event`", name.value),
                )
                .with_related(n.span, "`notify` is here");
        }
        let sub = |r: &mut Resolver<'_>, s: &Option<Spanned<raw::SubOp>>| {
            s.as_ref().map(|s| SubOp {
                request: s
                    .request
                    .as_ref()
                    .map(|m| message(r, m, model, set_ref, sets, &name.value)),
                reply: s
                    .reply
                    .as_ref()
                    .map(|m| message(r, m, model, set_ref, sets, &name.value)),
                pre: opt_string(&s.pre),
                post: opt_string(&s.post),
            })
        };
        let do_ = sub(r, &op.do_);
        let dump = sub(r, &op.dump);
        let notify = op.notify.as_ref().and_then(|n| {
            let id = r.ops.lookup(r.diags, n, "`notify`")?;
            if id.index() == i {
                r.diags.error(
                    n.span,
                    format!("operation `{}` notifies with its own reply", n.value),
                );
                return None;
            }
            let target = &list[id.index()];
            let has_reply = [&target.do_, &target.dump]
                .into_iter()
                .flatten()
                .any(|s| s.reply.is_some());
            if !has_reply {
                r.diags
                    .error(
                        n.span,
                        format!("`notify` names `{}`, which has no reply to share", n.value),
                    )
                    .with_related(target.span, "declared here without a `reply`");
                return None;
            }
            Some(id)
        });
        let event = op.event.as_ref().map(|e| {
            e.attributes
                .as_ref()
                .map(|l| attr_list(r, l, set_ref, sets, &name.value))
                .unwrap_or_default()
        });
        let mcgrp = op.mcgrp.as_ref().and_then(|g| {
            let id = r.mcgrps.lookup(r.diags, g, "`mcgrp`")?;
            if !is_async {
                r.diags
                    .warning(
                        g.span,
                        format!(
                            "operation `{}` names a multicast group but is not a notification",
                            name.value
                        ),
                    )
                    .with_label("only `notify` and `event` ops are sent to a group");
            }
            Some(id)
        });
        let (request_value, reply_value) = values[i];
        let prefix = if is_async { &c_async_prefix } else { &c_prefix };
        ops.push(Op {
            rust_name: r.field_name(&mut scope, &name),
            c_name: format!("{prefix}{}", c_upper(&name.value)),
            name: name.value,
            doc: opt_string(&op.doc).unwrap_or_default(),
            request_value,
            reply_value,
            attr_set,
            flags: op
                .flags
                .as_ref()
                .map(|f| f.iter().map(|f| f.value).collect())
                .unwrap_or_default(),
            dont_validate: op
                .dont_validate
                .as_ref()
                .map(|f| f.iter().map(|f| f.value).collect())
                .unwrap_or_default(),
            config_cond: opt_string(&op.config_cond),
            fixed_header: op
                .fixed_header
                .as_ref()
                .and_then(|h| resolve_fixed_header(r, h, defs))
                .or(fixed_header),
            do_,
            dump,
            notify,
            event,
            mcgrp,
            span: op.span,
        });
    }
    r.unique_c_names(
        ops.iter()
            .map(|o| (o.c_name.as_str(), o.name.as_str(), o.span)),
        "operation",
    );
    Operations {
        enum_model: model,
        c_prefix,
        c_enum_name: match &raw.enum_name {
            Some(n) => n.value.0.clone(),
            None => Some(format!("{}_cmd", names::c_lower(&r.family))),
        },
        c_async_prefix,
        c_async_enum: raw.async_enum.as_ref().and_then(|n| n.value.0.clone()),
        fixed_header,
        list: ops,
    }
}

fn resolve_fixed_header(
    r: &mut Resolver<'_>,
    h: &Spanned<String>,
    defs: &[Definition],
) -> Option<DefId> {
    let id = r.defs.lookup(r.diags, h, "`fixed-header`")?;
    if matches!(defs[id.index()].kind, DefKind::Struct(_)) {
        Some(id)
    } else {
        r.diags
            .error(
                h.span,
                format!("fixed header `{}` is not a struct definition", h.value),
            )
            .with_related(defs[id.index()].span, "defined here");
        None
    }
}

fn message(
    r: &mut Resolver<'_>,
    m: &Spanned<raw::Message>,
    model: EnumModel,
    set: SetRef,
    sets: &[AttrSet],
    op: &str,
) -> MessageDef {
    if model == EnumModel::Unified
        && let Some(v) = &m.number
    {
        r.diags
            .error(v.span, "a message `value` applies to the directional enum model only".to_string())
            .with_help("set `enum-model: directional` in `operations`, or number the op with its own `value`");
    }
    MessageDef {
        attrs: m
            .attributes
            .as_ref()
            .map(|l| attr_list(r, l, set, sets, op))
            .unwrap_or_default(),
    }
}

/// What an op's `attribute-set` came to.
#[derive(Clone, Copy)]
enum SetRef {
    /// A usable set.
    Resolved(SetId),
    /// Written, but wrong (already reported): names are not checked against it.
    Unresolved,
    /// Not written.
    Absent,
}

/// Resolves attribute names of a request, reply or event against the op's set.
fn attr_list(
    r: &mut Resolver<'_>,
    list: &Spanned<Vec<Spanned<String>>>,
    set: SetRef,
    sets: &[AttrSet],
    op: &str,
) -> Vec<AttrId> {
    let set = match set {
        SetRef::Resolved(set) => set,
        SetRef::Unresolved => return Vec::new(),
        SetRef::Absent => {
            if !list.value.is_empty() {
                r.diags
                    .error(
                        list.span,
                        format!("operation `{op}` lists attributes but has no `attribute-set`"),
                    )
                    .with_label("these names have no set to come from");
            }
            return Vec::new();
        }
    };
    let s = &sets[set.index()];
    let mut out: Vec<AttrId> = Vec::new();
    let mut seen: Vec<(&str, Span)> = Vec::new();
    for name in &list.value {
        if let Some((_, first)) = seen.iter().find(|(n, _)| *n == name.value) {
            r.diags
                .error(
                    name.span,
                    format!("attribute `{}` is listed twice", name.value),
                )
                .with_related(*first, "first listed here");
            continue;
        }
        seen.push((&name.value, name.span));
        match s.attr(&name.value) {
            Some((index, _)) => out.push(AttrId { set, index }),
            None => {
                let d = r.diags.error(
                    name.span,
                    format!(
                        "operation `{op}` lists `{}`, which is not in set `{}`",
                        name.value, s.name
                    ),
                );
                d.label = Some("unknown attribute".into());
                if let Some(best) =
                    crate::decode::closest(&name.value, s.attrs.iter().map(|a| a.name.as_str()))
                {
                    d.help.push(format!("did you mean `{best}`?"));
                }
            }
        }
    }
    out
}

fn check_u32(r: &mut Resolver<'_>, v: &Spanned<u64>) -> u32 {
    u32::try_from(v.value).unwrap_or_else(|_| {
        r.diags.error(
            v.span,
            format!("command number {} is out of range", v.value),
        );
        0
    })
}

/// Unified model: one counter from 1; an explicit `value` resets it.
fn unified_values(
    r: &mut Resolver<'_>,
    list: &[Spanned<raw::Operation>],
) -> Vec<(Option<u32>, Option<u32>)> {
    let mut next = 1u32;
    let mut numbers = Numbering::default();
    list.iter()
        .map(|op| {
            let value = op.number.as_ref().map_or(next, |v| check_u32(r, v));
            next = value.saturating_add(1);
            let at = op.number.as_ref().map(|v| v.span);
            check_value(r, op, value, at, &mut numbers, "command number");
            (Some(value), Some(value))
        })
        .collect()
}

/// The numbers of one enum handed out so far.
#[derive(Default)]
struct Numbering {
    seen: Vec<Seen>,
    /// Set after an explicit number out of range: the implicit ones that
    /// count on from it are out of range too, and not reported again.
    past_bad: bool,
}

/// A command number already taken.
struct Seen {
    value: u32,
    span: Span,
    op: String,
    /// The op that this one notifies with, if it is a notification.
    notify: Option<String>,
}

fn check_value(
    r: &mut Resolver<'_>,
    op: &raw::Operation,
    value: u32,
    at: Option<Span>,
    numbers: &mut Numbering,
    what: &str,
) {
    match at {
        Some(_) => numbers.past_bad = value > 255,
        None if numbers.past_bad => return,
        None => {}
    }
    let seen = &mut numbers.seen;
    let name = op.name.as_ref().map_or("", |n| n.value.as_str()).to_owned();
    let span = at.or(op.name.as_ref().map(|n| n.span)).unwrap_or(op.span);
    if value > 255 {
        r.diags
            .error(
                span,
                format!("operation `{name}` has the {what} {value}, above 255"),
            )
            .with_note("the genl header's command is 8 bits");
    }
    // A notification shares the number of the reply it notifies with.
    let notify = op.notify.as_ref().map(|n| n.value.clone());
    let clash = seen.iter().find(|x| {
        x.value == value
            && notify.as_deref() != Some(x.op.as_str())
            && x.notify.as_deref() != Some(name.as_str())
    });
    if let Some(x) = clash {
        r.diags
            .error(
                span,
                format!("operation `{name}` has the {what} {value} of `{}`", x.op),
            )
            .with_related(x.span, format!("`{}` is {value}", x.op));
    }
    seen.push(Seen {
        value,
        span,
        op: name,
        notify,
    });
}

/// Directional model: requests and replies count separately, each from 1.
/// A notification or event takes only a reply number; a `do`/`dump` takes
/// a request number, and a reply number when it has a reply.
fn directional_values(
    r: &mut Resolver<'_>,
    list: &[Spanned<raw::Operation>],
) -> Vec<(Option<u32>, Option<u32>)> {
    let (mut req, mut rsp) = (1u32, 1u32);
    let mut seen_req = Numbering::default();
    let mut seen_rsp = Numbering::default();
    let mut out = Vec::new();
    for op in list {
        if op.notify.is_some() || op.event.is_some() {
            if let Some(v) = &op.number {
                rsp = check_u32(r, v);
            }
            check_value(
                r,
                op,
                rsp,
                op.number.as_ref().map(|v| v.span),
                &mut seen_rsp,
                "reply number",
            );
            out.push((None, Some(rsp)));
            rsp = rsp.saturating_add(1);
            continue;
        }
        let Some(kind) = op.do_.as_ref().or(op.dump.as_ref()) else {
            r.diags
                .error(
                    op.span,
                    format!(
                        "operation `{}` has no `do`, `dump`, `notify` or `event`",
                        op.name.as_ref().map_or("", |n| n.value.as_str())
                    ),
                )
                .with_note("in the directional model each op needs one to be numbered");
            out.push((None, None));
            continue;
        };
        if let Some(v) = op.number.as_ref() {
            r.diags
                .error(
                    v.span,
                    "in the directional model, number the request and reply instead".to_string(),
                )
                .with_help("use `value` under `request` and `reply`");
        }
        if let Some(v) = kind.request.as_ref().and_then(|m| m.number.as_ref()) {
            req = check_u32(r, v);
        }
        if let Some(v) = kind.reply.as_ref().and_then(|m| m.number.as_ref()) {
            rsp = check_u32(r, v);
        }
        let req_span = kind
            .request
            .as_ref()
            .and_then(|m| m.number.as_ref())
            .map(|v| v.span);
        check_value(r, op, req, req_span, &mut seen_req, "request number");
        let reply = kind.reply.is_some().then_some(rsp);
        if reply.is_some() {
            let rsp_span = kind
                .reply
                .as_ref()
                .and_then(|m| m.number.as_ref())
                .map(|v| v.span);
            check_value(r, op, rsp, rsp_span, &mut seen_rsp, "reply number");
        }
        out.push((Some(req), reply));
        req = req.saturating_add(1);
        if reply.is_some() {
            rsp = rsp.saturating_add(1);
        }
    }
    out
}
