//! The operations section: each op's commands, flags, request kinds and
//! the messages the kernel sends on its own.

use super::{defs, flags, heading, sets, text};
use genl_spec::model::{AttrId, Family, MessageDef, Op, SubOp};
use std::fmt::Write;

fn op_link(op: &Op) -> String {
    text::link(&op.name, &text::anchor("op", &[&op.name]))
}

pub(super) fn section(out: &mut String, family: &Family) {
    heading(out, 2, "operations", "Operations");
    for op in &family.operations.list {
        operation(out, family, op);
    }
}

fn operation(out: &mut String, family: &Family, op: &Op) {
    heading(
        out,
        3,
        &text::anchor("op", &[&op.name]),
        &format!("`{}`", op.name),
    );
    let doc = text::block(&op.doc);
    if !doc.is_empty() {
        let _ = writeln!(out, "{doc}\n");
    }
    match (op.request_value, op.reply_value) {
        (Some(req), Some(rep)) if req == rep => {
            let _ = writeln!(out, "- Command: {req}");
        }
        (req, rep) => {
            if let Some(req) = req {
                let _ = writeln!(out, "- Request command: {req}");
            }
            if let Some(rep) = rep {
                let _ = writeln!(out, "- Reply command: {rep}");
            }
        }
    }
    if let Some(set) = op.attr_set {
        let _ = writeln!(out, "- Attribute set: {}", sets::link(family, set));
    }
    if let Some(id) = op.fixed_header {
        let _ = writeln!(out, "- Fixed header: {}", defs::link(family, id));
    }
    if !op.flags.is_empty() {
        let _ = writeln!(out, "- Flags: {}", flags(&op.flags));
    }
    if !op.dont_validate.is_empty() {
        let list: Vec<String> = op
            .dont_validate
            .iter()
            .map(|d| format!("`{}`", d.as_str()))
            .collect();
        let _ = writeln!(out, "- Not validated: {}", list.join(", "));
    }
    if let Some(cond) = &op.config_cond {
        let _ = writeln!(out, "- Kernel config: `{cond}`");
    }
    if let Some(id) = op.mcgrp {
        let name = &family.mcast_group(id).name;
        let _ = writeln!(
            out,
            "- Multicast group: {}",
            text::link(name, &text::anchor("mcgrp", &[name]))
        );
    }
    out.push('\n');
    if let Some(sub) = &op.do_ {
        sub_op(out, family, "do", sub);
    }
    if let Some(sub) = &op.dump {
        sub_op(out, family, "dump", sub);
    }
    if let Some(id) = op.notify {
        let source = family.op(id);
        let _ = writeln!(
            out,
            "**Notification**, with the reply attributes of {}:\n",
            op_link(source)
        );
        let reply = source
            .do_
            .as_ref()
            .and_then(|s| s.reply.as_ref())
            .or_else(|| source.dump.as_ref().and_then(|s| s.reply.as_ref()));
        match reply {
            Some(m) => attrs(out, family, &m.attrs),
            None => out.push_str("No attributes.\n\n"),
        }
    }
    if let Some(event) = &op.event {
        out.push_str("**Event** attributes:\n\n");
        attrs(out, family, event);
    }
}

fn sub_op(out: &mut String, family: &Family, kind: &str, sub: &SubOp) {
    let _ = writeln!(out, "#### `{kind}`\n");
    message(out, family, "Request", sub.request.as_ref());
    message(out, family, "Reply", sub.reply.as_ref());
}

fn message(out: &mut String, family: &Family, what: &str, msg: Option<&MessageDef>) {
    match msg {
        None => {}
        Some(m) if m.attrs.is_empty() => {
            let _ = writeln!(out, "{what}: no attributes.\n");
        }
        Some(m) => {
            let _ = writeln!(out, "{what} attributes:\n");
            attrs(out, family, &m.attrs);
        }
    }
}

fn attrs(out: &mut String, family: &Family, ids: &[AttrId]) {
    if ids.is_empty() {
        out.push_str("No attributes.\n\n");
        return;
    }
    let rows: Vec<Vec<String>> = ids
        .iter()
        .map(|&id| {
            let a = family.attr(id);
            vec![
                sets::attr_link(family, id),
                sets::type_cell(family, a),
                sets::checks_cell(family, &a.checks),
            ]
        })
        .collect();
    text::table(out, &["Attribute", "Type", "Checks"], &rows);
}
