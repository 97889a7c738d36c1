//! Attribute sets, their attributes and checks, and sub-messages.

use super::{Resolver, check_name, name_or_empty, opt_string};
use crate::model::*;
use crate::names::{self, c_upper};
use crate::raw::{self, AttrType, DefType};
use crate::source::{Span, Spanned};

/// The largest attribute type number: the top two bits of `nla_type` are flags.
const NLA_TYPE_MAX: u64 = 0x3fff;

fn def_type(defs: &[Definition], id: DefId) -> Option<DefType> {
    Some(match defs[id.index()].kind {
        DefKind::Const(_) => DefType::Const,
        DefKind::Enum(_) => DefType::Enum,
        DefKind::Flags(_) => DefType::Flags,
        DefKind::Struct(_) => DefType::Struct,
    })
}

fn is_int(t: AttrType) -> bool {
    use AttrType::*;
    matches!(t, U8 | U16 | U32 | U64 | S8 | S16 | S32 | S64 | Uint | Sint)
}

/// The full set a subset ultimately belongs to, or `None` on a cycle (reported
/// once, at the first set of the cycle) or a dangling name (reported elsewhere).
fn root_of(r: &mut Resolver<'_>, raw: &[Spanned<raw::AttrSet>], i: usize) -> Option<usize> {
    let mut chain = vec![i];
    let mut cur = i;
    loop {
        let Some(parent) = &raw[cur].subset_of else {
            return Some(cur);
        };
        cur = r.sets.get(&parent.value)?.index();
        if let Some(pos) = chain.iter().position(|&c| c == cur) {
            let cycle = &chain[pos..];
            if cycle.iter().min() == Some(&i) {
                let names: Vec<&str> = cycle
                    .iter()
                    .chain(std::iter::once(&cycle[0]))
                    .map(|&c| raw[c].name.as_ref().map_or("", |n| n.value.as_str()))
                    .collect();
                let span = raw[i].subset_of.as_ref().map_or(raw[i].span, |p| p.span);
                r.diags
                    .error(
                        span,
                        format!("`subset-of` goes round in a circle: {}", names.join(" → ")),
                    )
                    .with_label("a chain of subsets must end at a full set");
            }
            return None;
        }
        chain.push(cur);
    }
}

pub(super) fn resolve(
    r: &mut Resolver<'_>,
    raw: &[Spanned<raw::AttrSet>],
    defs: &[Definition],
) -> Vec<AttrSet> {
    for (i, s) in raw.iter().enumerate() {
        let name = name_or_empty(&s.name, s.span);
        check_name(r, s.name.as_ref(), "attribute set");
        r.sets.declare(r.diags, &name, SetId(i as u32));
    }
    let mut sets: Vec<AttrSet> = raw
        .iter()
        .map(|s| {
            let name = name_or_empty(&s.name, s.span);
            let default_prefix = if name.value == r.family {
                format!("{}-a-", r.family)
            } else {
                format!("{}-a-{}-", r.family, name.value)
            };
            let c_prefix = c_upper(&opt_string(&s.name_prefix).unwrap_or(default_prefix));
            AttrSet {
                rust_name: r.type_name("attribute set", &name),
                name: name.value.clone(),
                doc: opt_string(&s.doc),
                subset_of: None,
                c_enum_name: match &s.enum_name {
                    Some(n) => n.value.0.clone(),
                    None => Some(format!(
                        "{}_{}",
                        names::c_lower(&r.family),
                        names::c_lower(&name.value)
                    )),
                },
                c_cnt_name: opt_string(&s.attr_cnt_name)
                    .unwrap_or_else(|| format!("__{c_prefix}MAX")),
                c_max_name: opt_string(&s.attr_max_name)
                    .unwrap_or_else(|| format!("{c_prefix}MAX")),
                c_prefix,
                header: opt_string(&s.header),
                attrs: Vec::new(),
                usage: Usage::default(),
                recursive: false,
                span: s.span,
            }
        })
        .collect();

    // Full sets first: subsets take their numbers and properties from them.
    for (i, s) in raw.iter().enumerate() {
        if s.subset_of.is_none() {
            sets[i].attrs = full_set(r, s, defs, &sets[i].c_prefix);
        }
    }
    for (i, s) in raw.iter().enumerate() {
        let Some(parent) = &s.subset_of else { continue };
        if let Some(p) = &s.name_prefix {
            r.diags
                .error(
                    p.span,
                    "a subset cannot have its own `name-prefix`".to_string(),
                )
                .with_label("subsets take the names of their full set")
                .related
                .push((parent.span, "this set is a subset".into()));
        }
        if r.sets.lookup(r.diags, parent, "`subset-of`").is_none() {
            r.broken.insert(SetId(i as u32));
            continue;
        }
        let Some(root) = root_of(r, raw, i) else {
            r.broken.insert(SetId(i as u32));
            continue;
        };
        sets[i].subset_of = Some(SetId(root as u32));
        sets[i].c_prefix = sets[root].c_prefix.clone();
        let attrs = subset(r, s, &raw[root], &sets[root], defs);
        sets[i].attrs = attrs;
    }
    sets
}

fn full_set(
    r: &mut Resolver<'_>,
    s: &raw::AttrSet,
    defs: &[Definition],
    c_prefix: &str,
) -> Vec<Attr> {
    let set_name = s.name.as_ref().map_or("", |n| n.value.as_str()).to_owned();
    let Some(list) = &s.attributes else {
        return Vec::new();
    };
    let mut scope = names::Scope::new();
    let mut next: u64 = 1;
    let mut out = Vec::new();
    let mut pad: Option<Span> = None;
    let mut seen_names: Vec<(String, Span)> = Vec::new();
    let mut seen_values: Vec<(u64, Span, String)> = Vec::new();
    for a in list.iter() {
        let name = name_or_empty(&a.name, a.span);
        check_name(r, a.name.as_ref(), "attribute");
        let value = a.number.as_ref().map_or(next, |v| v.value);
        next = value.saturating_add(1);
        let vspan = a.number.as_ref().map_or(name.span, |v| v.span);
        if let Some((_, first)) = seen_names.iter().find(|(n, _)| *n == name.value) {
            r.diags
                .error(
                    name.span,
                    format!("duplicate attribute `{}` in set `{set_name}`", name.value),
                )
                .with_related(*first, "first declared here");
            continue;
        }
        seen_names.push((name.value.clone(), name.span));
        if let Some((_, first, other)) = seen_values.iter().find(|(v, _, _)| *v == value) {
            r.diags
                .error(
                    vspan,
                    format!(
                        "attribute `{}` has the number {value} of `{other}`",
                        name.value
                    ),
                )
                .with_label(format!("number {value} again"))
                .related
                .push((*first, format!("`{other}` is {value}")));
        }
        if value <= NLA_TYPE_MAX {
            seen_values.push((value, name.span, name.value.clone()));
        }
        if value > NLA_TYPE_MAX {
            // Implicit numbers past an explicit out-of-range one are not reported again.
            if a.number.is_some() {
                r.diags
                    .error(vspan, format!("attribute `{}` has the number {value}, above 16383", name.value))
                    .with_note("the top two bits of an attribute's type are the nested and byte-order flags");
            }
            out.push(placeholder(&name, 0, a.span));
            continue;
        }
        let Some(ty) = a.ty.as_ref() else {
            if !a.invalid.contains(&"type") {
                r.diags
                    .error(a.span, format!("attribute `{}` has no `type`", name.value))
                    .with_label("only attributes of a subset may leave out `type`");
            }
            // Keep the name, so that lists naming it do not report it again.
            out.push(placeholder(&name, value as u16, a.span));
            continue;
        };
        if ty.value == AttrType::Pad {
            if let Some(first) = pad {
                r.diags
                    .error(
                        ty.span,
                        format!("set `{set_name}` has more than one `pad` attribute"),
                    )
                    .with_related(first, "first pad")
                    .with_note("one pad attribute serves every 64-bit attribute of a set");
            }
            pad = Some(ty.span);
        }
        if let Some(attr) = attr(r, a, defs, &mut scope, value as u16, c_prefix) {
            out.push(attr);
        }
    }
    r.unique_c_names(
        out.iter()
            .filter(|a| !a.c_name.is_empty())
            .map(|a| (a.c_name.as_str(), a.name.as_str(), a.span)),
        "attribute",
    );
    out
}

/// An attribute that failed to resolve, kept only by name and number.
fn placeholder(name: &Spanned<String>, value: u16, span: Span) -> Attr {
    Attr {
        name: name.value.clone(),
        value,
        ty: AttrType::Unused,
        doc: None,
        byte_order: None,
        multi_attr: false,
        nested: None,
        enum_: None,
        enum_as_flags: false,
        checks: Checks::default(),
        sub_type: None,
        display_hint: None,
        struct_: None,
        sub_message: None,
        selector: None,
        type_value: Vec::new(),
        c_name: String::new(),
        rust_name: String::new(),
        span,
    }
}

fn subset(
    r: &mut Resolver<'_>,
    s: &raw::AttrSet,
    raw_root: &raw::AttrSet,
    root: &AttrSet,
    defs: &[Definition],
) -> Vec<Attr> {
    let Some(list) = &s.attributes else {
        return Vec::new();
    };
    let empty = Vec::new();
    let root_list = raw_root.attributes.as_ref().map_or(&empty, |l| &l.value);
    let mut scope = names::Scope::new();
    let mut out: Vec<Attr> = Vec::new();
    for a in list.iter() {
        let name = name_or_empty(&a.name, a.span);
        let Some(full) = root.attrs.iter().find(|x| x.name == name.value) else {
            if root_list
                .iter()
                .all(|x| x.name.as_ref().is_none_or(|n| n.value != name.value))
            {
                let d = r.diags.error(
                    name.span,
                    format!(
                        "`{}` is not an attribute of set `{}`",
                        name.value, root.name
                    ),
                );
                d.label = Some("a subset can only list attributes of its full set".into());
                if let Some(best) =
                    crate::decode::closest(&name.value, root.attrs.iter().map(|x| x.name.as_str()))
                {
                    d.help.push(format!("did you mean `{best}`?"));
                }
            }
            continue;
        };
        if let Some(first) = out.iter().find(|x| x.name == name.value) {
            r.diags
                .error(
                    name.span,
                    format!("duplicate attribute `{}` in subset", name.value),
                )
                .with_related(first.span, "first listed here");
            continue;
        }
        if let Some(v) = &a.number
            && v.value != u64::from(full.value)
        {
            r.diags.error(
                v.span,
                format!(
                    "a subset cannot renumber `{}` (it is {} in `{}`)",
                    name.value, full.value, root.name
                ),
            );
        }
        if let Some(t) = &a.ty
            && t.value != full.ty
            && full.ty != AttrType::Unused
        {
            r.diags
                .error(
                    t.span,
                    format!(
                        "a subset cannot change the type of `{}` (it is `{}` in `{}`)",
                        name.value, full.ty, root.name
                    ),
                )
                .with_label("subsets share their full set's wire format");
        }
        let Some(base) = root_list
            .iter()
            .find(|x| x.name.as_ref().is_some_and(|n| n.value == name.value))
        else {
            continue;
        };
        // Problems of the inherited keys are reported once, at the full set.
        let outer = std::mem::take(r.diags);
        let merged = a.overlay(base);
        let resolved = attr(r, &merged, defs, &mut scope, full.value, &root.c_prefix);
        let mut local = std::mem::replace(r.diags, outer);
        let inherited = base.extent;
        local.retain(|d| {
            d.span
                .is_none_or(|s| !(s.start >= inherited.start && s.end <= inherited.end))
        });
        r.diags.extend(local);
        if let Some(mut x) = resolved {
            x.span = a.span;
            out.push(x);
        }
    }
    out
}

/// Resolves one attribute (of a full set, or merged from a subset and its full set).
fn attr(
    r: &mut Resolver<'_>,
    a: &raw::Attribute,
    defs: &[Definition],
    scope: &mut names::Scope,
    value: u16,
    c_prefix: &str,
) -> Option<Attr> {
    let name = name_or_empty(&a.name, a.span);
    let ty = a.ty.as_ref()?.value;
    let tname = ty.as_str();
    use AttrType::*;

    let nests = matches!(ty, Nest | IndexedArray | NestTypeValue);
    if !nests {
        r.not_applicable(
            &a.nested_attributes,
            "nested-attributes",
            &format!("applies to nest types, not to `{tname}`"),
        );
    }
    if !matches!(ty, IndexedArray | Binary) {
        r.not_applicable(
            &a.sub_type,
            "sub-type",
            &format!("applies to indexed-array and binary, not to `{tname}`"),
        );
    }
    if ty != NestTypeValue
        && let Some(tv) = &a.type_value
    {
        r.diags
            .warning(
                tv.span,
                format!("`type-value` has no effect on a `{tname}` attribute"),
            )
            .with_label("only nest-type-value attributes carry values in their types");
    }
    if ty != SubMessage {
        r.not_applicable(
            &a.sub_message,
            "sub-message",
            &format!("applies to sub-message attributes, not to `{tname}`"),
        );
        r.not_applicable(
            &a.selector,
            "selector",
            &format!("applies to sub-message attributes, not to `{tname}`"),
        );
    }
    if ty != Binary {
        r.not_applicable(
            &a.struct_,
            "struct",
            &format!("applies to binary attributes, not to `{tname}`"),
        );
    }
    if !is_int(ty) && ty != Bitfield32 {
        r.not_applicable(
            &a.enum_,
            "enum",
            &format!("applies to integer attributes, not to `{tname}`"),
        );
    }
    if !is_int(ty) && ty != Binary {
        r.not_applicable(
            &a.byte_order,
            "byte-order",
            &format!("applies to integer and binary attributes, not to `{tname}`"),
        );
    }
    if a.enum_.is_none() {
        r.not_applicable(&a.enum_as_flags, "enum-as-flags", "needs an `enum`");
    }

    let sub_type = a.sub_type.as_ref().map(|s| s.value);
    let needs_set = match ty {
        Nest | NestTypeValue => true,
        IndexedArray => sub_type == Some(Nest),
        _ => false,
    };
    if ty == IndexedArray && sub_type.is_none() {
        r.diags
            .error(
                a.span,
                format!("indexed-array `{}` has no `sub-type`", name.value),
            )
            .with_label("add the element type, for example `sub-type: nest`");
    }
    // An array of structs: `sub-type: binary` with the element's `struct`.
    let struct_array = ty == Binary && sub_type == Some(Binary) && a.struct_.is_some();
    if let (Binary, Some(st)) = (ty, &a.sub_type)
        && !is_int(st.value)
        && !struct_array
    {
        let label = if st.value == Binary {
            "an array of structs names its element with `struct`"
        } else {
            "a binary attribute's sub-type is an integer type, or binary with a `struct`"
        };
        r.diags
            .error(
                st.span,
                format!("a binary array of `{}` is not supported", st.value),
            )
            .with_label(label);
    }
    if let (IndexedArray, Some(st)) = (ty, &a.sub_type)
        && matches!(
            st.value,
            IndexedArray | NestTypeValue | SubMessage | Unused | Pad | Flag
        )
    {
        r.diags
            .error(
                st.span,
                format!("an indexed-array of `{}` is not supported", st.value),
            )
            .with_label("expected nest, binary, string or an integer type");
    }
    let nested = match &a.nested_attributes {
        Some(n) if nests => r.sets.lookup(r.diags, n, "`nested-attributes`"),
        None if needs_set => {
            r.diags
                .error(
                    a.span,
                    format!(
                        "`{tname}` attribute `{}` has no `nested-attributes`",
                        name.value
                    ),
                )
                .with_label("name the attribute set nested inside");
            None
        }
        _ => None,
    };
    let enum_ = a.enum_.as_ref().and_then(|e| {
        let id = r.defs.lookup(r.diags, e, "`enum`")?;
        if matches!(def_type(defs, id), Some(DefType::Enum | DefType::Flags)) {
            Some(id)
        } else {
            r.diags
                .error(
                    e.span,
                    format!("`{}` is not an enum or flags definition", e.value),
                )
                .with_related(defs[id.index()].span, "defined here");
            None
        }
    });
    let struct_ = a.struct_.as_ref().filter(|_| ty == Binary).and_then(|s| {
        let id = r.defs.lookup(r.diags, s, "`struct`")?;
        if def_type(defs, id) == Some(DefType::Struct) {
            Some(id)
        } else {
            r.diags
                .error(s.span, format!("`{}` is not a struct definition", s.value))
                .with_related(defs[id.index()].span, "defined here");
            None
        }
    });
    let sub_message = if ty == SubMessage {
        if a.selector.is_none() {
            r.diags
                .error(
                    a.span,
                    format!("sub-message attribute `{}` has no `selector`", name.value),
                )
                .with_label("name the sibling attribute whose value picks the format");
        }
        match &a.sub_message {
            Some(m) => r.sub_msgs.lookup(r.diags, m, "`sub-message`"),
            None => {
                r.diags
                    .error(
                        a.span,
                        format!(
                            "sub-message attribute `{}` has no `sub-message`",
                            name.value
                        ),
                    )
                    .with_label("name the sub-message that lists the formats");
                None
            }
        }
    } else {
        None
    };
    let checks = a
        .checks
        .as_ref()
        .map(|c| checks(r, c, ty, defs))
        .unwrap_or_default();

    Some(Attr {
        rust_name: r.field_name(scope, &name),
        c_name: format!("{c_prefix}{}", c_upper(&name.value)),
        name: name.value,
        value,
        ty,
        doc: opt_string(&a.doc),
        byte_order: a.byte_order.as_ref().map(|b| b.value),
        multi_attr: a.multi_attr.as_ref().is_some_and(|m| m.value),
        nested,
        enum_,
        enum_as_flags: a.enum_as_flags.as_ref().is_some_and(|v| v.value),
        checks,
        sub_type,
        display_hint: a.display_hint.as_ref().map(|h| h.value),
        struct_,
        sub_message,
        selector: None,
        type_value: a
            .type_value
            .as_ref()
            .map(|t| t.iter().map(|s| s.value.clone()).collect())
            .unwrap_or_default(),
        span: a.span,
    })
}

fn checks(r: &mut Resolver<'_>, c: &raw::Checks, ty: AttrType, defs: &[Definition]) -> Checks {
    let tname = ty.as_str();
    let int = is_int(ty);
    let lengths = matches!(ty, AttrType::String | AttrType::Binary);
    if !int {
        let why = format!("is a range check: it applies to integers, not to `{tname}`");
        r.not_applicable(&c.min, "min", &why);
        r.not_applicable(&c.max, "max", &why);
    }
    if !lengths {
        let why = format!("is a length check: it applies to string and binary, not to `{tname}`");
        r.not_applicable(&c.min_len, "min-len", &why);
        r.not_applicable(&c.max_len, "max-len", &why);
        r.not_applicable(&c.exact_len, "exact-len", &why);
    }
    if ty != AttrType::String {
        r.not_applicable(
            &c.unterminated_ok,
            "unterminated-ok",
            &format!("applies to strings, not to `{tname}`"),
        );
    }
    let unsigned = matches!(
        ty,
        AttrType::U8 | AttrType::U16 | AttrType::U32 | AttrType::U64 | AttrType::Uint
    );
    if !unsigned && ty != AttrType::Bitfield32 {
        r.not_applicable(
            &c.flags_mask,
            "flags-mask",
            &format!("applies to unsigned integers and bitfield32, not to `{tname}`"),
        );
    }

    let mut out = Checks::default();
    if int {
        let (lo, hi) = super::expr::type_range(tname).expect("integer types have a range");
        let range = |r: &mut Resolver<'_>, v: &Option<Spanned<raw::IntOrStr>>, key: &str| {
            let v = v.as_ref()?;
            let b = r.eval(defs, v)?;
            if b.value < lo || b.value > hi {
                r.diags
                    .error(
                        v.span,
                        format!("`{key}` of {} is out of range for `{tname}`", b.value),
                    )
                    .with_label(format!("`{tname}` holds {lo}..={hi}"));
                return None;
            }
            Some(b)
        };
        out.min = range(r, &c.min, "min");
        out.max = range(r, &c.max, "max");
        if let (Some(min), Some(max)) = (&out.min, &out.max)
            && min.value > max.value
            && !min.from_header
            && !max.from_header
        {
            let span = c.min.as_ref().map_or(c.span, |v| v.span);
            r.diags
                .error(
                    span,
                    format!(
                        "`min` ({}) is greater than `max` ({})",
                        min.value, max.value
                    ),
                )
                .with_related(c.max.as_ref().map_or(c.span, |v| v.span), "`max` is here");
        }
    }
    if lengths {
        out.min_len = c.min_len.as_ref().and_then(|v| r.eval_len(defs, v));
        out.max_len = c.max_len.as_ref().and_then(|v| r.eval_len(defs, v));
        out.exact_len = c.exact_len.as_ref().and_then(|v| r.eval_len(defs, v));
        if let (Some(min), Some(max)) = (&out.min_len, &out.max_len)
            && min.value > max.value
            && !min.from_header
            && !max.from_header
        {
            let span = c.min_len.as_ref().map_or(c.span, |v| v.span);
            r.diags
                .error(
                    span,
                    format!(
                        "`min-len` ({}) is greater than `max-len` ({})",
                        min.value, max.value
                    ),
                )
                .with_related(
                    c.max_len.as_ref().map_or(c.span, |v| v.span),
                    "`max-len` is here",
                );
        }
        if let Some(exact) = &c.exact_len
            && (c.min_len.is_some() || c.max_len.is_some())
        {
            r.diags
                .error(
                    exact.span,
                    "`exact-len` cannot be combined with `min-len` or `max-len`".to_string(),
                )
                .with_label("an exact length already fixes both bounds");
        }
    }
    out.unterminated_ok =
        ty == AttrType::String && c.unterminated_ok.as_ref().is_some_and(|v| v.value);
    if unsigned || ty == AttrType::Bitfield32 {
        out.flags_mask = c.flags_mask.as_ref().and_then(|f| {
            let id = r.defs.lookup(r.diags, f, "`flags-mask`")?;
            if def_type(defs, id) == Some(DefType::Flags) {
                Some(id)
            } else {
                r.diags
                    .error(
                        f.span,
                        format!(
                            "`flags-mask` needs a flags definition; `{}` is not one",
                            f.value
                        ),
                    )
                    .with_related(defs[id.index()].span, "defined here");
                None
            }
        });
    }
    out
}

pub(super) fn resolve_sub_messages(
    r: &mut Resolver<'_>,
    raw: &[Spanned<raw::SubMessage>],
    defs: &[Definition],
) -> Vec<SubMessage> {
    raw.iter()
        .map(|m| {
            let name = name_or_empty(&m.name, m.span);
            let mut scope = names::Scope::types();
            let mut seen: Vec<(String, Span)> = Vec::new();
            let formats = m
                .formats
                .as_ref()
                .map(|f| f.value.as_slice())
                .unwrap_or_default()
                .iter()
                .map(|f| {
                    let value = name_or_empty(&f.selector_value, f.span);
                    if let Some((_, first)) = seen.iter().find(|(v, _)| *v == value.value) {
                        r.diags
                            .error(
                                value.span,
                                format!(
                                    "duplicate format `{}` in sub-message `{}`",
                                    value.value, name.value
                                ),
                            )
                            .with_related(*first, "first declared here");
                    }
                    seen.push((value.value.clone(), value.span));
                    let fixed_header = f.fixed_header.as_ref().and_then(|h| {
                        let id = r.defs.lookup(r.diags, h, "`fixed-header`")?;
                        if def_type(defs, id) == Some(DefType::Struct) {
                            Some(id)
                        } else {
                            r.diags
                                .error(
                                    h.span,
                                    format!(
                                        "fixed header `{}` is not a struct definition",
                                        h.value
                                    ),
                                )
                                .with_related(defs[id.index()].span, "defined here");
                            None
                        }
                    });
                    let attr_set = f
                        .attribute_set
                        .as_ref()
                        .and_then(|s| r.sets.lookup(r.diags, s, "sub-message format"));
                    let claimed = scope.claim(names::rust_type(&value.value), &value.value);
                    r.warn_clash(&value, &claimed, "variant name", false);
                    Format {
                        rust_name: claimed.ident,
                        value: value.value,
                        fixed_header,
                        attr_set,
                        span: value.span,
                    }
                })
                .collect();
            SubMessage {
                rust_name: r.type_name("sub-message", &name),
                name: name.value,
                formats,
                span: m.span,
            }
        })
        .collect()
}

/// Resolves each sub-message attribute's selector to a sibling and checks the
/// formats against the selector's values.
pub(super) fn check_selectors(
    r: &mut Resolver<'_>,
    raw: &[Spanned<raw::AttrSet>],
    sets: &mut [AttrSet],
    defs: &[Definition],
    sub_messages: &[SubMessage],
) {
    // Selectors are resolved in full sets; subsets copy them below.
    let full_sets: Vec<usize> = (0..sets.len())
        .filter(|&i| sets[i].subset_of.is_none())
        .collect();
    for si in full_sets {
        let Some(list) = raw[si].attributes.as_ref() else {
            continue;
        };
        for ai in 0..sets[si].attrs.len() {
            let attr = &sets[si].attrs[ai];
            if attr.ty != AttrType::SubMessage {
                continue;
            }
            let Some(raw_attr) = list
                .iter()
                .find(|x| x.name.as_ref().is_some_and(|n| n.value == attr.name))
            else {
                continue;
            };
            let Some(sel) = &raw_attr.selector else {
                continue;
            };
            let Some((sel_index, sel_attr)) = sets[si].attr(&sel.value) else {
                let d = r.diags.error(
                    sel.span,
                    format!(
                        "selector `{}` is not an attribute of set `{}`",
                        sel.value, sets[si].name
                    ),
                );
                d.label = Some("the selector must be a sibling attribute".into());
                if let Some(best) = crate::decode::closest(
                    &sel.value,
                    sets[si].attrs.iter().map(|a| a.name.as_str()),
                ) {
                    d.help.push(format!("did you mean `{best}`?"));
                }
                continue;
            };
            if !(is_int(sel_attr.ty) || sel_attr.ty == AttrType::String) {
                r.diags
                    .error(
                        sel.span,
                        format!("selector `{}` is a `{}` attribute", sel.value, sel_attr.ty),
                    )
                    .with_label("a selector must be a string or an integer");
                continue;
            }
            if let Some(msg) = attr.sub_message {
                let msg = &sub_messages[msg.index()];
                let entries = sel_attr.enum_.and_then(|en| match &defs[en.index()].kind {
                    DefKind::Enum(e) | DefKind::Flags(e) => Some((&defs[en.index()].name, e)),
                    _ => None,
                });
                for f in &msg.formats {
                    let problem = match entries {
                        Some((_, e)) if e.entries.iter().any(|x| x.name == f.value) => None,
                        Some((enum_name, e)) => Some((
                            format!(
                                "format `{}` of sub-message `{}` is not an entry of enum `{enum_name}`",
                                f.value, msg.name
                            ),
                            format!(
                                "selector `{}` takes its values from `{enum_name}`: {}",
                                sel.value,
                                e.entries
                                    .iter()
                                    .map(|x| format!("`{}`", x.name))
                                    .collect::<Vec<_>>()
                                    .join(", ")
                            ),
                        )),
                        None if is_int(sel_attr.ty) && f.value.trim().parse::<i128>().is_err() => {
                            Some((
                                format!(
                                    "format `{}` of sub-message `{}` is not a number",
                                    f.value, msg.name
                                ),
                                format!(
                                    "selector `{}` is a `{}` without an enum",
                                    sel.value, sel_attr.ty
                                ),
                            ))
                        }
                        None => None,
                    };
                    if let Some((message, note)) = problem {
                        r.diags
                            .error(f.span, message)
                            .with_label("no selector value matches this")
                            .with_related(sel.span, "the selector")
                            .with_note(note);
                    }
                }
            }
            let id = AttrId {
                set: SetId(si as u32),
                index: sel_index,
            };
            sets[si].attrs[ai].selector = Some(id);
        }
    }
    // Subsets share their full set's selectors.
    for si in 0..sets.len() {
        let Some(root) = sets[si].subset_of else {
            continue;
        };
        for ai in 0..sets[si].attrs.len() {
            let name = sets[si].attrs[ai].name.clone();
            let full_sel = sets[root.index()].attr(&name).and_then(|(_, a)| a.selector);
            if let Some(sel) = full_sel {
                let sel_name = sets[root.index()].attrs[sel.index as usize].name.clone();
                sets[si].attrs[ai].selector = sets[si].attr(&sel_name).map(|(index, _)| AttrId {
                    set: SetId(si as u32),
                    index,
                });
            }
        }
    }
}
