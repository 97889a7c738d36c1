//! Whole-family facts: which sets each kind of message reaches, which sets
//! are recursive, and warnings about sets no message uses.

use crate::diagnostic::Diagnostics;
use crate::model::*;

/// The sets an attribute leads to: its nested set and its sub-message formats.
fn targets(family: &Family, attr: &Attr) -> Vec<SetId> {
    let mut out: Vec<SetId> = attr.nested.into_iter().collect();
    if let Some(m) = attr.sub_message {
        out.extend(
            family
                .sub_message(m)
                .formats
                .iter()
                .filter_map(|f| f.attr_set),
        );
    }
    out
}

/// The sets an attribute set leads to.
fn edges(family: &Family, set: SetId) -> Vec<SetId> {
    family
        .set(set)
        .attrs
        .iter()
        .flat_map(|a| targets(family, a))
        .collect()
}

/// Marks a message's own set and every set its listed attributes reach.
fn mark(family: &Family, set: Option<SetId>, attrs: &[AttrId], marked: &mut [bool]) {
    if let Some(s) = set {
        marked[s.index()] = true;
    }
    let mut explored = vec![false; marked.len()];
    let mut stack: Vec<SetId> = attrs
        .iter()
        .flat_map(|a| targets(family, family.attr(*a)))
        .collect();
    while let Some(s) = stack.pop() {
        if !std::mem::replace(&mut explored[s.index()], true) {
            marked[s.index()] = true;
            stack.extend(edges(family, s));
        }
    }
}

pub(crate) fn analyse(family: &mut Family, diags: &mut Diagnostics) {
    let n = family.attr_sets.len();
    let (mut req, mut rsp, mut ntf) = (vec![false; n], vec![false; n], vec![false; n]);
    for op in &family.operations.list {
        for sub in [&op.do_, &op.dump].into_iter().flatten() {
            if let Some(m) = &sub.request {
                mark(family, op.attr_set, &m.attrs, &mut req);
            }
            if let Some(m) = &sub.reply {
                mark(family, op.attr_set, &m.attrs, &mut rsp);
            }
        }
        if let Some(target) = op.notify {
            let t = family.op(target);
            for sub in [&t.do_, &t.dump].into_iter().flatten() {
                if let Some(m) = &sub.reply {
                    mark(family, t.attr_set, &m.attrs, &mut ntf);
                }
            }
        }
        if let Some(attrs) = &op.event {
            mark(family, op.attr_set, attrs, &mut ntf);
        }
    }
    let recursive: Vec<bool> = family
        .set_ids()
        .map(|s| reaches_itself(family, s))
        .collect();
    for (i, set) in family.attr_sets.iter_mut().enumerate() {
        set.usage = Usage {
            request: req[i],
            reply: rsp[i],
            notify: ntf[i],
        };
        set.recursive = recursive[i];
    }

    // A full set counts as used when one of its subsets is.
    let mut used: Vec<bool> = family.attr_sets.iter().map(|s| s.usage.any()).collect();
    for s in &family.attr_sets {
        if let Some(root) = s.subset_of
            && s.usage.any()
        {
            used[root.index()] = true;
        }
    }
    // With errors in the spec, ops may have lost their attributes: no guesses.
    if diags.has_errors() {
        return;
    }
    let has_messages =
        family.operations.list.iter().any(|o| {
            o.do_.is_some() || o.dump.is_some() || o.event.is_some() || o.notify.is_some()
        });
    if has_messages {
        for (i, s) in family.attr_sets.iter().enumerate() {
            if !used[i] {
                diags
                    .warning(
                        s.span,
                        format!("attribute set `{}` is not used by any operation", s.name),
                    )
                    .with_label("no request, reply or notification reaches this set")
                    .with_help("list it in an operation or nest it in a set that one uses");
            }
        }
    }
}

fn reaches_itself(family: &Family, start: SetId) -> bool {
    let mut seen = vec![false; family.attr_sets.len()];
    let mut stack = edges(family, start);
    while let Some(s) = stack.pop() {
        if s == start {
            return true;
        }
        if !std::mem::replace(&mut seen[s.index()], true) {
            stack.extend(edges(family, s));
        }
    }
    false
}
