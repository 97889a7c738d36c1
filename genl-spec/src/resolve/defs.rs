//! Definitions: consts, enums, flags and structs, with struct layouts.

use super::{Resolver, check_name, check_pattern, name_or_empty, opt_string};
use crate::model::*;
use crate::names::{self, c_lower, c_upper};
use crate::raw::{self, DefType, IntOrStr, MemberType, Protocol, Scope};
use crate::source::{Span, Spanned};

pub(super) fn resolve(r: &mut Resolver<'_>, raw: &[Spanned<raw::Definition>]) -> Vec<Definition> {
    for (i, d) in raw.iter().enumerate() {
        let name = name_or_empty(&d.name, d.span);
        check_name(r, d.name.as_ref(), "definition");
        r.defs.declare(r.diags, &name, DefId(i as u32));
    }
    let kinds: Vec<Option<DefType>> = raw.iter().map(|d| d.ty.as_ref().map(|t| t.value)).collect();

    // Consts first: everything else may refer to them.
    let mut defs: Vec<Definition> = raw
        .iter()
        .map(|d| {
            let name = name_or_empty(&d.name, d.span);
            let kind = match d.ty.as_ref().map(|t| t.value) {
                Some(DefType::Const) => DefKind::Const(const_value(r, d)),
                _ => DefKind::Enum(EnumDef {
                    entries: Vec::new(),
                    c_enum_name: None,
                    c_prefix: String::new(),
                    render_max: false,
                    c_cnt_name: None,
                }),
            };
            let c_name = match kind {
                DefKind::Const(_) => c_upper(&format!(
                    "{}{}",
                    opt_string(&d.name_prefix).unwrap_or_default(),
                    name.value
                )),
                _ => c_lower(&name.value),
            };
            let rust_name = match kind {
                DefKind::Const(_) => names::rust_const(&name.value),
                _ => r.type_name("definition", &name),
            };
            Definition {
                name: name.value,
                doc: opt_string(&d.doc),
                header: opt_string(&d.header),
                scope: d.scope.as_ref().map_or(Scope::Uapi, |s| s.value),
                kind,
                c_name,
                rust_name,
                span: d.span,
            }
        })
        .collect();

    let mut clean = vec![true; raw.len()];
    for (i, d) in raw.iter().enumerate() {
        let errors = r.diags.error_count();
        let kind = match d.ty.as_ref().map(|t| t.value) {
            Some(DefType::Enum) => DefKind::Enum(enum_def(r, d, &defs, false)),
            Some(DefType::Flags) => DefKind::Flags(enum_def(r, d, &defs, true)),
            Some(DefType::Struct) => DefKind::Struct(struct_members(r, d, &defs, &kinds)),
            _ => continue,
        };
        defs[i].kind = kind;
        clean[i] = r.diags.error_count() == errors;
    }
    layout(r, &mut defs, &mut clean);
    defs
}

fn const_value(r: &mut Resolver<'_>, d: &raw::Definition) -> ConstValue {
    let what = "applies to enum, flags or struct definitions, not to a const";
    r.not_applicable(&d.entries, "entries", what);
    r.not_applicable(&d.value_start, "value-start", what);
    r.not_applicable(&d.members, "members", what);
    r.not_applicable(&d.render_max, "render-max", what);
    match &d.const_value {
        Some(v) => match &v.value {
            IntOrStr::Int(i) => ConstValue::Int(*i),
            IntOrStr::Str(s) => ConstValue::Str(s.clone()),
        },
        None if d.invalid.contains(&"value") => ConstValue::Int(0),
        None => {
            r.diags
                .error(d.span, "const definition has no `value`".to_string())
                .with_label("add `value:`");
            ConstValue::Int(0)
        }
    }
}

fn enum_def(
    r: &mut Resolver<'_>,
    d: &raw::Definition,
    defs: &[Definition],
    flags: bool,
) -> EnumDef {
    let kind = if flags { "flags" } else { "enum" };
    r.not_applicable(
        &d.const_value,
        "value",
        &format!("applies to const definitions, not to {kind}"),
    );
    r.not_applicable(
        &d.members,
        "members",
        &format!("applies to struct definitions, not to {kind}"),
    );
    let name = d.name.as_ref().map_or("", |n| n.value.as_str());
    let c_prefix = opt_string(&d.name_prefix)
        .map(|p| c_upper(&p))
        .unwrap_or_else(|| format!("{}_{}_", c_upper(&r.family), c_upper(name)));
    let start = d
        .value_start
        .as_ref()
        .and_then(|v| r.eval(defs, v))
        .map_or(0, |b| b.value);
    let Some(raw_entries) = &d.entries else {
        r.diags
            .error(
                d.span,
                format!("{kind} definition `{name}` has no `entries`"),
            )
            .with_label("add `entries:`");
        return EnumDef {
            entries: Vec::new(),
            c_enum_name: None,
            c_prefix,
            render_max: false,
            c_cnt_name: None,
        };
    };
    let mut scope = names::Scope::types();
    let mut seen_names: Vec<(String, crate::source::Span)> = Vec::new();
    let mut seen_values: Vec<(i128, crate::source::Span, String)> = Vec::new();
    let mut next = start;
    let mut entries = Vec::new();
    for e in raw_entries.iter() {
        let Some(ename) = e.value.name(e.span) else {
            continue;
        };
        // Only the mapping form of an entry has a name pattern in the schemas.
        if matches!(e.value, raw::EnumEntry::Full(_)) {
            check_name(r, Some(&ename), "entry");
        }
        let (explicit, doc) = match &e.value {
            raw::EnumEntry::Full(m) => (m.entry_value.clone(), opt_string(&m.doc)),
            raw::EnumEntry::Name(_) => (None, None),
        };
        let raw_value = explicit.as_ref().map_or(next, |v| v.value);
        next = raw_value.saturating_add(1);
        if let Some((_, first)) = seen_names.iter().find(|(n, _)| *n == ename.value) {
            r.diags
                .error(
                    ename.span,
                    format!("duplicate entry `{}` in {kind} `{name}`", ename.value),
                )
                .with_related(*first, "first declared here");
            continue;
        }
        seen_names.push((ename.value.clone(), ename.span));
        let vspan = explicit.as_ref().map_or(ename.span, |v| v.span);
        if let Some((_, first, other)) = seen_values.iter().find(|(v, _, _)| *v == raw_value) {
            r.diags
                .error(
                    vspan,
                    format!(
                        "{kind} `{name}`: `{}` has the value {raw_value} of `{other}`",
                        ename.value
                    ),
                )
                .with_related(*first, format!("`{other}` is {raw_value}"));
        }
        seen_values.push((raw_value, ename.span, ename.value.clone()));
        let (value, bit) = if flags {
            match u32::try_from(raw_value).ok().filter(|b| *b < 64) {
                Some(b) => (1u64 << b, Some(b)),
                None => {
                    r.diags
                        .error(
                            vspan,
                            format!("flag `{}` is bit {raw_value}, outside 0..=63", ename.value),
                        )
                        .with_note("flags entries are bit numbers, counted from `value-start`");
                    continue;
                }
            }
        } else {
            match u64::try_from(raw_value) {
                Ok(v) => (v, None),
                Err(_) => {
                    r.diags
                        .error(
                            vspan,
                            format!(
                                "enum entry `{}` has the value {raw_value}, outside 0..2^64",
                                ename.value
                            ),
                        )
                        .with_label("negative or too large");
                    continue;
                }
            }
        };
        let claimed = scope.claim(names::rust_type(&ename.value), &ename.value);
        r.warn_clash(&ename, &claimed, "name", true);
        let rust_name = claimed.ident;
        entries.push(EnumEntry {
            c_name: format!("{c_prefix}{}", c_upper(&ename.value)),
            name: ename.value,
            doc,
            value,
            bit,
            rust_name,
            span: e.span,
        });
    }
    r.unique_c_names(
        entries
            .iter()
            .map(|e| (e.c_name.as_str(), e.name.as_str(), e.span)),
        "entry",
    );
    if raw_entries.is_empty() && d.header.is_none() {
        r.diags
            .warning(d.span, format!("{kind} `{name}` has no entries"));
    }
    EnumDef {
        entries,
        c_enum_name: match &d.enum_name {
            Some(n) => n.value.0.clone(),
            None => Some(format!("{}_{}", c_lower(&r.family), c_lower(name))),
        },
        c_prefix,
        render_max: d.render_max.as_ref().is_some_and(|v| v.value),
        c_cnt_name: opt_string(&d.enum_cnt_name),
    }
}

fn int_width(ty: MemberType) -> Option<u32> {
    Some(match ty {
        MemberType::U8 | MemberType::S8 => 1,
        MemberType::U16 | MemberType::S16 => 2,
        MemberType::U32 | MemberType::S32 => 4,
        MemberType::U64 | MemberType::S64 => 8,
        _ => return None,
    })
}

fn struct_members(
    r: &mut Resolver<'_>,
    d: &raw::Definition,
    defs: &[Definition],
    kinds: &[Option<DefType>],
) -> StructDef {
    let what = "applies to enum or flags definitions, not to a struct";
    r.not_applicable(&d.entries, "entries", what);
    r.not_applicable(&d.value_start, "value-start", what);
    r.not_applicable(
        &d.const_value,
        "value",
        "applies to const definitions, not to a struct",
    );
    let sname = d.name.as_ref().map_or("", |n| n.value.as_str());
    let mut members = Vec::new();
    let Some(raw_members) = &d.members else {
        r.diags
            .error(d.span, format!("struct `{sname}` has no `members`"))
            .with_label("add `members:`");
        return StructDef {
            members,
            size: 0,
            c_size: 0,
            c_align: 1,
        };
    };
    if raw_members.is_empty() {
        r.diags
            .error(d.span, format!("struct `{sname}` has no members"));
    }
    let mut scope = names::Scope::new();
    let mut seen: Vec<(String, crate::source::Span)> = Vec::new();
    for m in raw_members.iter() {
        let name = name_or_empty(&m.name, m.span);
        if r.protocol == Protocol::NetlinkRaw {
            check_pattern(
                r,
                &name,
                "member",
                |c| c.is_ascii_alphanumeric() || c == '-',
                "letters, digits and `-`",
            );
        }
        if let Some((_, first)) = seen.iter().find(|(n, _)| *n == name.value) {
            r.diags
                .error(
                    name.span,
                    format!("duplicate member `{}` in struct `{sname}`", name.value),
                )
                .with_related(*first, "first declared here");
        }
        seen.push((name.value.clone(), name.span));
        let Some(ty) = m.ty.as_ref().map(|t| t.value) else {
            continue;
        };
        let is_int = int_width(ty).is_some();
        if !is_int && ty != MemberType::Binary {
            r.not_applicable(
                &m.byte_order,
                "byte-order",
                &format!("applies to integer and binary members, not to `{ty}`"),
            );
        }
        if !is_int {
            r.not_applicable(
                &m.enum_,
                "enum",
                &format!("applies to integer members, not to `{ty}`"),
            );
        }
        if ty != MemberType::Binary {
            r.not_applicable(
                &m.struct_,
                "struct",
                &format!("applies to binary members, not to `{ty}`"),
            );
        }
        if is_int {
            r.not_applicable(
                &m.len,
                "len",
                "applies to string, binary and pad members, not to integers",
            );
        }
        r.not_applicable(
            &m.enum_as_flags
                .as_ref()
                .filter(|_| m.enum_.is_none())
                .cloned(),
            "enum-as-flags",
            "needs an `enum`",
        );
        let enum_ = m.enum_.as_ref().and_then(|e| {
            let id = r.defs.lookup(r.diags, e, "member `enum`")?;
            match kinds[id.index()] {
                Some(DefType::Enum | DefType::Flags) => Some(id),
                _ => {
                    r.diags
                        .error(
                            e.span,
                            format!("`{}` is not an enum or flags definition", e.value),
                        )
                        .with_related(defs[id.index()].span, "defined here");
                    None
                }
            }
        });
        let struct_ = m
            .struct_
            .as_ref()
            .filter(|_| ty == MemberType::Binary)
            .and_then(|s| {
                let id = r.defs.lookup(r.diags, s, "member `struct`")?;
                if kinds[id.index()] == Some(DefType::Struct) {
                    Some(id)
                } else {
                    r.diags
                        .error(s.span, format!("`{}` is not a struct definition", s.value))
                        .with_related(defs[id.index()].span, "defined here");
                    None
                }
            });
        let len = if is_int {
            None
        } else {
            match &m.len {
                Some(l) => r.eval_len(defs, l).map(|b| b.value as u32),
                None if struct_.is_some() => None,
                None => {
                    if m.struct_.is_none() {
                        r.diags
                            .error(
                                m.span,
                                format!("`{ty}` member `{}` has no `len`", name.value),
                            )
                            .with_label(format!("a `{ty}` member needs `len` to have a size"));
                    }
                    None
                }
            }
        };
        let size = int_width(ty).or(len).unwrap_or(0);
        members.push(Member {
            rust_name: r.field_name(&mut scope, &name),
            name: name.value,
            doc: opt_string(&m.doc),
            ty,
            len,
            byte_order: m.byte_order.as_ref().map(|b| b.value),
            enum_,
            enum_as_flags: m.enum_as_flags.as_ref().is_some_and(|v| v.value),
            display_hint: m.display_hint.as_ref().map(|h| h.value),
            struct_,
            offset: 0,
            size,
            span: m.span,
        });
    }
    let c_names: Vec<String> = members.iter().map(|m| c_lower(&m.name)).collect();
    r.unique_c_names(
        members
            .iter()
            .zip(&c_names)
            .map(|(m, c)| (c.as_str(), m.name.as_str(), m.span)),
        "member",
    );
    StructDef {
        members,
        size: 0,
        c_size: 0,
        c_align: 1,
    }
}

/// Lays out every struct: as declared (packed) and as C would (natural
/// alignment), warning where the two differ. `clean[i]` is false for
/// definitions that already had errors: they get no layout warning.
fn layout(r: &mut Resolver<'_>, defs: &mut [Definition], clean: &mut [bool]) {
    #[derive(Clone, Copy, PartialEq)]
    enum State {
        Todo,
        Busy,
        Done,
    }
    fn visit(
        r: &mut Resolver<'_>,
        defs: &mut [Definition],
        clean: &mut [bool],
        state: &mut [State],
        i: usize,
    ) {
        if state[i] != State::Todo {
            return;
        }
        state[i] = State::Busy;
        let DefKind::Struct(s) = &defs[i].kind else {
            state[i] = State::Done;
            return;
        };
        let nested: Vec<(usize, Span, String)> = s
            .members
            .iter()
            .filter_map(|m| m.struct_.map(|id| (id.index(), m.span, m.name.clone())))
            .collect();
        for (n, span, member) in nested {
            if state[n] == State::Busy {
                r.diags
                    .error(
                        span,
                        format!(
                            "struct `{}` contains itself through member `{member}`",
                            defs[n].name
                        ),
                    )
                    .with_label(format!("`{member}` is a `{}`", defs[n].name))
                    .with_note("a struct cannot have a member of a struct type that contains it");
                clean[i] = false;
                clean[n] = false;
            } else {
                visit(r, defs, clean, state, n);
            }
        }
        let sizes: Vec<(u32, u32, u32)> = {
            let DefKind::Struct(s) = &defs[i].kind else {
                unreachable!()
            };
            s.members
                .iter()
                .map(|m| {
                    match m.struct_.and_then(|id| match &defs[id.index()].kind {
                        DefKind::Struct(n) if state[id.index()] == State::Done => Some(n),
                        _ => None,
                    }) {
                        Some(n) => (n.size, n.c_size, n.c_align),
                        None => (m.size, m.size, int_width(m.ty).unwrap_or(1)),
                    }
                })
                .collect()
        };
        let DefKind::Struct(s) = &mut defs[i].kind else {
            unreachable!()
        };
        let (mut offset, mut c_offset, mut c_align) = (0u32, 0u32, 1u32);
        for (m, (size, c_size, align)) in s.members.iter_mut().zip(sizes) {
            m.offset = offset;
            m.size = size;
            offset = offset.saturating_add(size);
            c_offset = c_offset.next_multiple_of(align).saturating_add(c_size);
            c_align = c_align.max(align);
        }
        s.size = offset;
        s.c_size = c_offset.next_multiple_of(c_align);
        s.c_align = c_align;
        if s.size != s.c_size && clean[i] {
            let (size, c_size, name) = (s.size, s.c_size, defs[i].name.clone());
            r.diags
                .warning(
                    defs[i].span,
                    format!("struct `{name}` is {size} bytes as declared, but a C struct of these members is {c_size} bytes"),
                )
                .with_label("declared without the padding C adds")
                .with_help(format!(
                    "unless the C struct is packed, declare the {} bytes of padding as members",
                    c_size.abs_diff(size)
                ));
        }
        state[i] = State::Done;
    }
    let mut state = vec![State::Todo; defs.len()];
    for i in 0..defs.len() {
        visit(r, defs, clean, &mut state, i);
    }
}
