//! The attribute sets section, and the type and checks of an attribute as
//! the operations section shows them too.

use super::{defs, heading, text};
use genl_spec::model::{Attr, AttrId, Bound, Checks, Family, SetId};
use genl_spec::raw::AttrType;
use std::fmt::Write;

/// A link to an attribute set.
pub(super) fn link(family: &Family, id: SetId) -> String {
    let name = &family.set(id).name;
    text::link(name, &text::anchor("set", &[name]))
}

/// A link to an attribute in its set's table.
pub(super) fn attr_link(family: &Family, id: AttrId) -> String {
    let set = &family.set(id.set).name;
    let attr = &family.attr(id).name;
    text::link(attr, &text::anchor("attr", &[set, attr]))
}

/// The type of an attribute, with links to what it refers to.
pub(super) fn type_cell(family: &Family, attr: &Attr) -> String {
    let mut ty = format!("`{}`", attr.ty.as_str());
    if let Some(sub) = attr.sub_type {
        let _ = write!(ty, " of `{}`", sub.as_str());
    }
    if let Some(id) = attr.nested {
        let of = if matches!(attr.ty, AttrType::IndexedArray) && attr.sub_type.is_some() {
            " "
        } else {
            " of "
        };
        let _ = write!(ty, "{of}{}", link(family, id));
    }
    if let Some(id) = attr.enum_ {
        let word = if attr.enum_as_flags {
            "flags"
        } else {
            defs::kind_name(family.def(id))
        };
        let _ = write!(ty, ", {word} {}", defs::link(family, id));
    }
    if let Some(id) = attr.struct_ {
        let _ = write!(ty, ", struct {}", defs::link(family, id));
    }
    if let Some(id) = attr.sub_message {
        let name = &family.sub_message(id).name;
        let _ = write!(
            ty,
            " {}",
            text::link(name, &text::anchor("submsg", &[name]))
        );
        if let Some(sel) = attr.selector {
            let _ = write!(ty, " selected by {}", attr_link(family, sel));
        }
    }
    if !attr.type_value.is_empty() {
        let names: Vec<String> = attr.type_value.iter().map(|n| format!("`{n}`")).collect();
        let _ = write!(ty, ", types are {}", names.join(", "));
    }
    if let Some(hint) = attr.display_hint {
        let _ = write!(ty, ", shown as `{}`", hint.as_str());
    }
    ty
}

fn bound(b: &Bound) -> String {
    let mut s = b.expr.clone();
    if b.from_header {
        s.push_str(" (from a C header)");
    } else if b.expr != b.value.to_string() {
        let _ = write!(s, " ({})", b.value);
    }
    s
}

/// The checks of an attribute, `max-len: 15, min: 1` style.
pub(super) fn checks_cell(family: &Family, checks: &Checks) -> String {
    let mut parts = Vec::new();
    let bounds = [
        ("min", &checks.min),
        ("max", &checks.max),
        ("min-len", &checks.min_len),
        ("max-len", &checks.max_len),
        ("exact-len", &checks.exact_len),
    ];
    for (key, b) in bounds {
        if let Some(b) = b {
            parts.push(format!("{key}: {}", bound(b)));
        }
    }
    if let Some(id) = checks.flags_mask {
        parts.push(format!("flags-mask: {}", defs::link(family, id)));
    }
    if checks.unterminated_ok {
        parts.push("unterminated-ok".to_owned());
    }
    text::escape_cell(&parts.join(", "))
}

pub(super) fn section(out: &mut String, family: &Family) {
    heading(out, 2, "attribute-sets", "Attribute sets");
    for set in &family.attr_sets {
        heading(
            out,
            3,
            &text::anchor("set", &[&set.name]),
            &format!("`{}`", set.name),
        );
        if let Some(doc) = set
            .doc
            .as_deref()
            .map(text::block)
            .filter(|d| !d.is_empty())
        {
            let _ = writeln!(out, "{doc}\n");
        }
        if let Some(full) = set.subset_of {
            let _ = writeln!(out, "Subset of {}.\n", link(family, full));
        }
        let usage = [
            (set.usage.request, "requests"),
            (set.usage.reply, "replies"),
            (set.usage.notify, "notifications"),
        ]
        .iter()
        .filter(|(used, _)| *used)
        .map(|(_, what)| *what)
        .collect::<Vec<_>>();
        if !usage.is_empty() {
            let _ = writeln!(out, "Used in {}.\n", usage.join(", "));
        }
        if set.recursive {
            out.push_str("Contains itself, directly or through other sets.\n\n");
        }
        let rows: Vec<Vec<String>> = set
            .attrs
            .iter()
            .map(|a| {
                vec![
                    a.value.to_string(),
                    format!(
                        "<a id=\"{}\"></a>`{}`",
                        text::anchor("attr", &[&set.name, &a.name]),
                        text::escape_cell(&a.name)
                    ),
                    type_cell(family, a),
                    a.byte_order
                        .map(|b| b.as_str().to_owned())
                        .unwrap_or_default(),
                    if a.multi_attr { "yes" } else { "" }.to_owned(),
                    checks_cell(family, &a.checks),
                    a.doc.as_deref().map(text::cell).unwrap_or_default(),
                ]
            })
            .collect();
        if rows.is_empty() {
            out.push_str("No attributes.\n\n");
        } else {
            text::table(
                out,
                &[
                    "Value",
                    "Name",
                    "Type",
                    "Byte order",
                    "Multi",
                    "Checks",
                    "Doc",
                ],
                &rows,
            );
        }
    }
}
