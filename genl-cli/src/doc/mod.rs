//! A family's reference in Markdown.
//!
//! [`markdown`] renders a loaded spec as one Markdown page: the family's
//! summary, its operations, attribute sets, definitions, multicast groups
//! and sub-messages, each item with an HTML anchor (`op-…`, `set-…`,
//! `attr-<set>.<attr>`, `def-…`, `mcgrp-…`, `submsg-…`) that the other
//! sections link to.

mod defs;
mod ops;
mod sets;
mod text;

use genl_spec::Spec;
use genl_spec::model::Family;
use std::fmt::Write;

/// Renders the reference of a spec's family as Markdown.
///
/// The page starts with the family's name, documentation, version and
/// protocol, then a table of contents, then one section per kind of item:
///
/// - Operations: documentation, command numbers, flags, the request and
///   reply attributes of `do` and `dump` (with their types and checks), and
///   the multicast group of notifications and events.
/// - Attribute sets: a table per set with each attribute's number, name,
///   type (linked to the nested set, enum, flags, struct or sub-message),
///   byte order, repetition, checks and documentation.
/// - Definitions: constants with their values, enums and flags with their
///   entries' values, structs with their members' offsets, sizes and types.
/// - Multicast groups, and sub-messages when the family has any.
///
/// Documentation texts are trimmed and their wrapped lines joined into
/// paragraphs. The output depends on the spec only: the same spec always
/// gives the same text.
pub fn markdown(spec: &Spec) -> String {
    family_markdown(spec.family())
}

fn family_markdown(family: &Family) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "# Family `{}`\n", family.name);
    let doc = text::block(&family.doc);
    if !doc.is_empty() {
        let _ = writeln!(out, "{doc}\n");
    }
    summary(&mut out, family);
    contents(&mut out, family);
    if !family.operations.list.is_empty() {
        ops::section(&mut out, family);
    }
    if !family.attr_sets.is_empty() {
        sets::section(&mut out, family);
    }
    if !family.definitions.is_empty() {
        defs::section(&mut out, family);
    }
    if !family.mcast_groups.is_empty() {
        mcast_groups(&mut out, family);
    }
    if !family.sub_messages.is_empty() {
        sub_messages(&mut out, family);
    }
    while out.ends_with("\n\n") {
        out.pop();
    }
    out
}

fn summary(out: &mut String, family: &Family) {
    let mut rows = vec![
        vec!["Version".to_owned(), family.version.to_string()],
        vec![
            "Protocol".to_owned(),
            format!("`{}`", family.protocol.as_str()),
        ],
    ];
    if let Some(n) = family.protonum {
        rows.push(vec!["Netlink protocol number".to_owned(), n.to_string()]);
    }
    rows.push(vec![
        "uAPI header".to_owned(),
        format!("`{}`", text::escape_cell(&family.uapi_header)),
    ]);
    if let Some(id) = family.operations.fixed_header {
        rows.push(vec!["Fixed header".to_owned(), defs::link(family, id)]);
    }
    text::table(out, &["Property", "Value"], &rows);
}

fn contents(out: &mut String, family: &Family) {
    out.push_str("## Contents\n\n");
    let section = |out: &mut String, title: &str, id: &str, items: Vec<(String, String)>| {
        if items.is_empty() {
            return;
        }
        let _ = writeln!(out, "- [{title}](#{id})");
        for (name, anchor) in items {
            let _ = writeln!(out, "  - {}", text::link(&name, &anchor));
        }
    };
    let ops = family
        .operations
        .list
        .iter()
        .map(|o| (o.name.clone(), text::anchor("op", &[&o.name])))
        .collect();
    section(out, "Operations", "operations", ops);
    let sets = family
        .attr_sets
        .iter()
        .map(|s| (s.name.clone(), text::anchor("set", &[&s.name])))
        .collect();
    section(out, "Attribute sets", "attribute-sets", sets);
    let defs = family
        .definitions
        .iter()
        .map(|d| (d.name.clone(), text::anchor("def", &[&d.name])))
        .collect();
    section(out, "Definitions", "definitions", defs);
    let groups = family
        .mcast_groups
        .iter()
        .map(|g| (g.name.clone(), text::anchor("mcgrp", &[&g.name])))
        .collect();
    section(out, "Multicast groups", "multicast-groups", groups);
    let subs = family
        .sub_messages
        .iter()
        .map(|s| (s.name.clone(), text::anchor("submsg", &[&s.name])))
        .collect();
    section(out, "Sub-messages", "sub-messages", subs);
    out.push('\n');
}

/// A heading with an anchor of its own, so that links do not depend on how
/// a renderer derives ids from heading text.
fn heading(out: &mut String, level: usize, id: &str, title: &str) {
    let _ = writeln!(out, "{} <a id=\"{id}\"></a>{title}\n", "#".repeat(level));
}

fn flags(flags: &[genl_spec::raw::OpFlag]) -> String {
    flags
        .iter()
        .map(|f| format!("`{}`", f.as_str()))
        .collect::<Vec<_>>()
        .join(", ")
}

fn mcast_groups(out: &mut String, family: &Family) {
    heading(out, 2, "multicast-groups", "Multicast groups");
    let numbered = family.mcast_groups.iter().any(|g| g.value.is_some());
    let rows: Vec<Vec<String>> = family
        .mcast_groups
        .iter()
        .enumerate()
        .map(|(i, g)| {
            let notifications: Vec<String> = family
                .operations
                .list
                .iter()
                .filter(|o| o.mcgrp.is_some_and(|m| m.index() == i))
                .map(|o| text::link(&o.name, &text::anchor("op", &[&o.name])))
                .collect();
            let mut row = vec![format!(
                "<a id=\"{}\"></a>`{}`",
                text::anchor("mcgrp", &[&g.name]),
                text::escape_cell(&g.name)
            )];
            if numbered {
                row.push(g.value.map(|v| v.to_string()).unwrap_or_default());
            }
            row.push(flags(&g.flags));
            row.push(notifications.join(", "));
            row
        })
        .collect();
    let header: &[&str] = if numbered {
        &["Name", "Value", "Flags", "Messages"]
    } else {
        &["Name", "Flags", "Messages"]
    };
    text::table(out, header, &rows);
}

fn sub_messages(out: &mut String, family: &Family) {
    heading(out, 2, "sub-messages", "Sub-messages");
    for sub in &family.sub_messages {
        heading(
            out,
            3,
            &text::anchor("submsg", &[&sub.name]),
            &format!("`{}`", sub.name),
        );
        let selectors: Vec<String> = family
            .attr_sets
            .iter()
            .flat_map(|s| s.attrs.iter())
            .filter(|a| {
                a.sub_message
                    .is_some_and(|m| family.sub_message(m).name == sub.name)
            })
            .filter_map(|a| a.selector)
            .map(|id| sets::attr_link(family, id))
            .collect();
        if !selectors.is_empty() {
            let _ = writeln!(out, "Selected by {}.\n", selectors.join(", "));
        }
        let rows: Vec<Vec<String>> = sub
            .formats
            .iter()
            .map(|f| {
                vec![
                    format!("`{}`", text::escape_cell(&f.value)),
                    f.fixed_header
                        .map(|d| defs::link(family, d))
                        .unwrap_or_default(),
                    f.attr_set
                        .map(|s| sets::link(family, s))
                        .unwrap_or_default(),
                ]
            })
            .collect();
        text::table(
            out,
            &["Selector value", "Fixed header", "Attribute set"],
            &rows,
        );
    }
}

#[cfg(test)]
mod tests {
    use super::markdown;
    use genl_spec::Spec;

    const SPEC: &str = "\
name: demo
doc: |
  A demo family.
  Wrapped line.

  Second paragraph.
definitions:
  - { name: mode, type: enum, entries: [ off, on ] }
attribute-sets:
  - name: main
    attributes:
      - { name: name, type: string, doc: 'either a | b', checks: { max-len: 15 } }
      - { name: port, type: u16, byte-order: big-endian, checks: { min: 1, max: u16-max } }
      - { name: mode, type: u32, enum: mode, multi-attr: true }
operations:
  list:
    - { name: get, doc: g, attribute-set: main, flags: [ admin-perm ], do: { request: { attributes: [ name ] } } }
";

    #[test]
    fn cells_are_escaped_checks_shown_and_links_resolved() {
        let spec = Spec::parse("demo.yaml", SPEC).unwrap_or_else(|e| panic!("{}", e.render()));
        let md = markdown(&spec);
        assert!(
            md.starts_with(
                "# Family `demo`\n\nA demo family. Wrapped line.\n\nSecond paragraph.\n"
            ),
            "{md}"
        );
        assert!(md.contains("| either a \\| b |"), "{md}");
        assert!(md.contains("| max-len: 15 |"), "{md}");
        assert!(
            md.contains("| big-endian |  | min: 1, max: u16-max (65535) |"),
            "{md}"
        );
        assert!(
            md.contains("`u32`, enum [`mode`](#def-mode) |  | yes |"),
            "{md}"
        );
        assert!(md.contains("- Flags: `admin-perm`"), "{md}");
        assert!(
            md.contains("### <a id=\"def-mode\"></a>`mode` (enum)"),
            "{md}"
        );
        assert_eq!(md, markdown(&spec), "deterministic");
    }
}
