//! The definitions section: constants, enums, flags and structs.

use super::{heading, text};
use genl_spec::model::{ConstValue, DefId, DefKind, Definition, EnumDef, Family, StructDef};
use std::fmt::Write;

/// A link to a definition.
pub(super) fn link(family: &Family, id: DefId) -> String {
    let name = &family.def(id).name;
    text::link(name, &text::anchor("def", &[name]))
}

/// What a definition is, in words.
pub(super) fn kind_name(def: &Definition) -> &'static str {
    match def.kind {
        DefKind::Const(_) => "const",
        DefKind::Enum(_) => "enum",
        DefKind::Flags(_) => "flags",
        DefKind::Struct(_) => "struct",
        _ => "definition",
    }
}

pub(super) fn section(out: &mut String, family: &Family) {
    heading(out, 2, "definitions", "Definitions");
    for def in &family.definitions {
        heading(
            out,
            3,
            &text::anchor("def", &[&def.name]),
            &format!("`{}` ({})", def.name, kind_name(def)),
        );
        if let Some(doc) = def
            .doc
            .as_deref()
            .map(text::block)
            .filter(|d| !d.is_empty())
        {
            let _ = writeln!(out, "{doc}\n");
        }
        if let Some(header) = &def.header {
            let _ = writeln!(out, "Defined in `{header}`.\n");
        }
        match &def.kind {
            DefKind::Const(value) => {
                let value = match value {
                    ConstValue::Int(n) => n.to_string(),
                    ConstValue::Str(s) => format!("\"{s}\""),
                };
                let _ = writeln!(out, "Value: `{value}`\n");
            }
            DefKind::Enum(e) => entries(out, e, false),
            DefKind::Flags(e) => entries(out, e, true),
            DefKind::Struct(s) => members(out, family, s),
            _ => {}
        }
    }
}

fn entries(out: &mut String, e: &EnumDef, flags: bool) {
    let rows: Vec<Vec<String>> = e
        .entries
        .iter()
        .map(|entry| {
            let mut row = Vec::new();
            if flags {
                row.push(entry.bit.map(|b| b.to_string()).unwrap_or_default());
                row.push(format!("`{:#x}`", entry.value));
            } else {
                row.push(entry.value.to_string());
            }
            row.push(format!("`{}`", text::escape_cell(&entry.name)));
            row.push(entry.doc.as_deref().map(text::cell).unwrap_or_default());
            row
        })
        .collect();
    let header: &[&str] = if flags {
        &["Bit", "Mask", "Name", "Doc"]
    } else {
        &["Value", "Name", "Doc"]
    };
    text::table(out, header, &rows);
}

fn members(out: &mut String, family: &Family, s: &StructDef) {
    let _ = write!(out, "Size: {} bytes", s.size);
    if s.c_size != s.size {
        let _ = write!(out, " (C `sizeof`: {}, aligned to {})", s.c_size, s.c_align);
    }
    out.push_str("\n\n");
    let rows: Vec<Vec<String>> = s
        .members
        .iter()
        .map(|m| {
            let mut ty = format!("`{}`", m.ty.as_str());
            if let Some(len) = m.len {
                let _ = write!(ty, "[{len}]");
            }
            if let Some(id) = m.struct_ {
                let _ = write!(ty, ", struct {}", link(family, id));
            }
            if let Some(id) = m.enum_ {
                let word = if m.enum_as_flags {
                    "flags"
                } else {
                    kind_name(family.def(id))
                };
                let _ = write!(ty, ", {word} {}", link(family, id));
            }
            if let Some(hint) = m.display_hint {
                let _ = write!(ty, ", shown as `{}`", hint.as_str());
            }
            vec![
                m.offset.to_string(),
                m.size.to_string(),
                format!("`{}`", text::escape_cell(&m.name)),
                ty,
                m.byte_order
                    .map(|b| b.as_str().to_owned())
                    .unwrap_or_default(),
                m.doc.as_deref().map(text::cell).unwrap_or_default(),
            ]
        })
        .collect();
    text::table(
        out,
        &["Offset", "Size", "Member", "Type", "Byte order", "Doc"],
        &rows,
    );
}
