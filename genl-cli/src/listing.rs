//! What a family offers, as text for a terminal: `--list-ops`,
//! `--list-msgs` and `--list-attrs OP`.

use std::fmt::Write;

use genl_spec::model::{Attr, AttrId, Family, OpId};

/// The first sentence or line of a doc text, on one line.
fn summary(doc: &str) -> String {
    let text = doc.split("\n\n").next().unwrap_or("");
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// One line per operation the user can send: its name, `do` and/or `dump`,
/// and the first paragraph of its doc.
pub fn ops(family: &Family) -> String {
    let rows: Vec<(String, String, String)> = family
        .operations
        .list
        .iter()
        .filter(|o| o.request_value.is_some() && (o.do_.is_some() || o.dump.is_some()))
        .map(|o| {
            let kinds = [(o.do_.is_some(), "do"), (o.dump.is_some(), "dump")]
                .iter()
                .filter(|(on, _)| *on)
                .map(|(_, k)| *k)
                .collect::<Vec<_>>()
                .join(", ");
            (o.name.clone(), kinds, summary(&o.doc))
        })
        .collect();
    table(&rows)
}

/// One line per message the kernel sends on its own: its name, its
/// multicast group, and the first paragraph of its doc.
pub fn msgs(family: &Family) -> String {
    let rows: Vec<(String, String, String)> = family
        .operations
        .list
        .iter()
        .filter(|o| o.is_async() || o.mcgrp.is_some())
        .map(|o| {
            let group = o
                .mcgrp
                .map(|g| format!("group {}", family.mcast_group(g).name))
                .unwrap_or_else(|| "no group".into());
            (o.name.clone(), group, summary(&o.doc))
        })
        .collect();
    table(&rows)
}

fn table(rows: &[(String, String, String)]) -> String {
    let w0 = rows.iter().map(|r| r.0.len()).max().unwrap_or(0);
    let w1 = rows.iter().map(|r| r.1.len()).max().unwrap_or(0);
    let mut out = String::new();
    for (a, b, c) in rows {
        let line = format!("{a:w0$}  {b:w1$}  {c}");
        let _ = writeln!(out, "{}", line.trim_end());
    }
    out
}

/// The attributes of an operation's requests and replies, for each of its
/// kinds, with their types, checks and docs.
pub fn attrs(family: &Family, id: OpId) -> String {
    let op = family.op(id);
    let mut out = String::new();
    if !op.doc.trim().is_empty() {
        let _ = writeln!(out, "{}: {}", op.name, summary(&op.doc));
    }
    let kinds = [("do", op.do_.as_ref()), ("dump", op.dump.as_ref())];
    for (kind, sub) in kinds {
        let Some(sub) = sub else { continue };
        for (what, msg) in [("request", &sub.request), ("reply", &sub.reply)] {
            if let Some(msg) = msg {
                message(&mut out, family, &format!("{kind} {what}"), &msg.attrs);
            }
        }
    }
    if let Some(event) = &op.event {
        message(&mut out, family, "event", event);
    }
    if let Some(notify) = op.notify {
        let _ = writeln!(
            out,
            "\nnotification: as the reply of `{}`",
            family.op(notify).name
        );
    }
    out
}

fn message(out: &mut String, family: &Family, title: &str, attrs: &[AttrId]) {
    let _ = writeln!(out, "\n{title}:");
    if attrs.is_empty() {
        let _ = writeln!(out, "  (no attributes)");
        return;
    }
    let w = attrs
        .iter()
        .map(|a| family.attr(*a).name.len())
        .max()
        .unwrap_or(0);
    for id in attrs {
        let a = family.attr(*id);
        let line = format!("  {:w$}  {}", a.name, describe(family, a));
        let _ = writeln!(out, "{}", line.trim_end());
    }
}

/// An attribute's type, what it refers to, its checks and doc, on one line.
fn describe(family: &Family, a: &Attr) -> String {
    let mut parts = vec![a.ty.as_str().to_string()];
    if let Some(set) = a.nested {
        parts.push(format!("of {}", family.set(set).name));
    }
    if let Some(def) = a.enum_.or(a.struct_) {
        parts.push(format!("of {}", family.def(def).name));
    }
    if let Some(sub) = a.sub_type {
        parts.push(format!("of {}", sub.as_str()));
    }
    if a.multi_attr {
        parts.push("(repeated)".into());
    }
    let c = &a.checks;
    let bounds = [
        ("min", &c.min),
        ("max", &c.max),
        ("min-len", &c.min_len),
        ("max-len", &c.max_len),
        ("exact-len", &c.exact_len),
    ];
    let checks: Vec<String> = bounds
        .iter()
        .filter_map(|(name, b)| b.as_ref().map(|b| format!("{name} {}", b.expr)))
        .collect();
    if !checks.is_empty() {
        parts.push(format!("[{}]", checks.join(", ")));
    }
    if let Some(doc) = &a.doc {
        let doc = summary(doc);
        if !doc.is_empty() {
            parts.push(format!("— {doc}"));
        }
    }
    parts.join(" ")
}
