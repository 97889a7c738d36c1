//! From the typed mirror to the [`Family`] model, checking everything on the way.
//!
//! Every problem is reported and resolution carries on, so that one run
//! shows all of them. A [`Family`] comes out only when no error was found.
//! Passes, in order: definitions (consts first, then enums, flags and
//! structs, then struct layouts), attribute sets (full sets, then subsets),
//! sub-messages, multicast groups, operations, and the whole-family
//! analysis of [`crate::analysis`].

mod defs;
mod expr;
mod ops;
mod sets;

use crate::decode::closest;
use crate::diagnostic::Diagnostics;
use crate::model::*;
use crate::names::{self, c_upper};
use crate::raw::{self, Protocol};
use crate::source::{Span, Spanned};
use std::collections::HashMap;

/// A table of names to ids of one kind, for reference lookups.
pub(crate) struct Names<T> {
    map: HashMap<String, (T, Span)>,
    what: &'static str,
}

impl<T: Copy> Names<T> {
    fn new(what: &'static str) -> Self {
        Names {
            map: HashMap::new(),
            what,
        }
    }

    /// Registers a name, reporting a duplicate.
    fn declare(&mut self, diags: &mut Diagnostics, name: &Spanned<String>, id: T) {
        if let Some((_, first)) = self.map.get(&name.value) {
            diags
                .error(
                    name.span,
                    format!("duplicate {} name `{}`", self.what, name.value),
                )
                .with_label("declared again here")
                .related
                .push((*first, "first declared here".into()));
        } else {
            self.map.insert(name.value.clone(), (id, name.span));
        }
    }

    pub(crate) fn get(&self, name: &str) -> Option<T> {
        self.map.get(name).map(|(id, _)| *id)
    }

    /// Resolves a reference, reporting a dangling one with the closest name.
    fn lookup(&self, diags: &mut Diagnostics, name: &Spanned<String>, context: &str) -> Option<T> {
        if let Some(id) = self.get(&name.value) {
            return Some(id);
        }
        let d = diags.error(
            name.span,
            format!("{context} refers to unknown {} `{}`", self.what, name.value),
        );
        d.label = Some(format!("no {} of this name", self.what));
        if let Some(best) = closest(&name.value, self.map.keys().map(String::as_str)) {
            d.help.push(format!("did you mean `{best}`?"));
        }
        None
    }
}

/// Resolution state shared by the passes.
pub(crate) struct Resolver<'a> {
    pub protocol: Protocol,
    pub family: String,
    pub diags: &'a mut Diagnostics,
    pub defs: Names<DefId>,
    pub sets: Names<SetId>,
    pub ops: Names<OpId>,
    pub mcgrps: Names<McgrpId>,
    pub sub_msgs: Names<SubMsgId>,
    /// Rust type names of the family's module (definitions, sets, sub-messages).
    pub types: names::Scope,
    /// Sets that could not be resolved (a dangling or circular `subset-of`):
    /// names looked up in them are not reported again.
    pub broken: std::collections::HashSet<SetId>,
}

/// Spec names are `[0-9a-z-]+` at the genetlink and netlink-raw levels; the
/// genetlink-c and genetlink-legacy schemas take any string.
/// A missing name (`None`) was already reported while decoding.
pub(crate) fn check_name(r: &mut Resolver<'_>, name: Option<&Spanned<String>>, what: &str) {
    let Some(name) = name else { return };
    if !matches!(r.protocol, Protocol::Genetlink | Protocol::NetlinkRaw) {
        return;
    }
    check_pattern(
        r,
        name,
        what,
        |c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-',
        "lower-case letters, digits and `-`",
    );
}

pub(crate) fn check_pattern(
    r: &mut Resolver<'_>,
    name: &Spanned<String>,
    what: &str,
    ok: impl Fn(char) -> bool,
    allowed: &str,
) {
    if name.value.is_empty() || !name.value.chars().all(ok) {
        r.diags
            .error(name.span, format!("invalid {what} name `{}`", name.value))
            .with_label(format!("only {allowed} are allowed"));
    }
}

impl Resolver<'_> {
    /// Claims a Rust type name for a `kind` of item (definitions, attribute
    /// sets and sub-messages share the module's type names, though the spec
    /// lets them share names), warning when two items map to the same one.
    pub(crate) fn type_name(&mut self, kind: &str, name: &Spanned<String>) -> String {
        let owner = format!("the {kind} `{}`", name.value);
        let claimed = self.types.claim(names::rust_type(&name.value), &owner);
        if let Some(other) = &claimed.clash {
            self.diags
                .warning(
                    name.span,
                    format!("{owner} has the same Rust type name as {other}"),
                )
                .with_label(format!("named `{}` in Rust", claimed.ident));
        }
        claimed.ident
    }

    /// Claims a Rust field-like name in `scope`.
    pub(crate) fn field_name(
        &mut self,
        scope: &mut names::Scope,
        name: &Spanned<String>,
    ) -> String {
        let claimed = scope.claim(names::rust_field(&name.value), &name.value);
        self.warn_clash(name, &claimed, "name", true);
        claimed.ident
    }

    /// Warns about a renamed Rust identifier, unless the two spec names also
    /// share a C name (an error reported on its own; `c_checked`).
    pub(crate) fn warn_clash(
        &mut self,
        name: &Spanned<String>,
        claimed: &names::Claimed,
        what: &str,
        c_checked: bool,
    ) {
        if let Some(other) = &claimed.clash
            && !(c_checked && c_upper(other) == c_upper(&name.value))
        {
            self.diags
                .warning(
                    name.span,
                    format!("`{}` has the same Rust {what} as `{other}`", name.value),
                )
                .with_label(format!("named `{}` in Rust", claimed.ident));
        }
    }

    /// Reports C names that two spec names share within one C enum.
    pub(crate) fn unique_c_names<'n>(
        &mut self,
        items: impl IntoIterator<Item = (&'n str, &'n str, Span)>,
        what: &str,
    ) {
        let mut seen: HashMap<&str, (&str, Span)> = HashMap::new();
        for (c_name, name, span) in items {
            match seen.get(c_name) {
                Some((other, first)) if *other != name => {
                    self.diags
                        .error(
                            span,
                            format!("{what} `{name}` has the same C name as `{other}`: `{c_name}`"),
                        )
                        .with_related(*first, format!("`{other}` is here"));
                }
                Some(_) => {}
                None => {
                    seen.insert(c_name, (name, span));
                }
            }
        }
    }

    /// Reports a key that has no meaning in this place.
    pub(crate) fn not_applicable<T>(&mut self, v: &Option<Spanned<T>>, key: &str, why: &str) {
        if let Some(v) = v {
            self.diags
                .error(v.span, format!("`{key}` {why}"))
                .with_label("not applicable here");
        }
    }
}

fn opt_string(v: &Option<Spanned<String>>) -> Option<String> {
    v.as_ref().map(|s| s.value.clone())
}

fn name_or_empty(v: &Option<Spanned<String>>, span: Span) -> Spanned<String> {
    v.clone()
        .unwrap_or_else(|| Spanned::new(String::new(), span))
}

/// Resolves and checks a decoded spec. Problems go to `diags`; the family is
/// returned only when there are no errors.
pub(crate) fn resolve(spec: &raw::Spec, diags: &mut Diagnostics) -> Option<Family> {
    let protocol = spec
        .protocol
        .as_ref()
        .map_or(Protocol::Genetlink, |p| p.value);
    let family_name = name_or_empty(&spec.name, spec.span);
    let mut r = Resolver {
        protocol,
        family: family_name.value.clone(),
        diags,
        defs: Names::new("definition"),
        sets: Names::new("attribute set"),
        ops: Names::new("operation"),
        mcgrps: Names::new("multicast group"),
        sub_msgs: Names::new("sub-message"),
        types: names::Scope::types(),
        broken: Default::default(),
    };
    if protocol == Protocol::Genetlink {
        check_name(&mut r, spec.name.as_ref(), "family");
    }
    if protocol.is_genetlink() && family_name.value.len() > 15 {
        r.diags
            .error(
                family_name.span,
                format!(
                    "family name `{}` is longer than 15 bytes",
                    family_name.value
                ),
            )
            .with_note("generic netlink family names are at most GENL_NAMSIZ - 1 = 15 bytes");
    }

    let empty = Vec::new();
    let raw_defs = spec.definitions.as_ref().map_or(&empty, |d| &d.value);
    let definitions = defs::resolve(&mut r, raw_defs);

    let empty_sets = Vec::new();
    let raw_sets = spec
        .attribute_sets
        .as_ref()
        .map_or(&empty_sets, |s| &s.value);
    let empty_msgs = Vec::new();
    let raw_msgs = spec.sub_messages.as_ref().map_or(&empty_msgs, |s| &s.value);
    // Sub-message names are needed by attributes, their formats need sets.
    for (i, m) in raw_msgs.iter().enumerate() {
        let name = name_or_empty(&m.name, m.span);
        r.sub_msgs.declare(r.diags, &name, SubMsgId(i as u32));
    }
    let mut attr_sets = sets::resolve(&mut r, raw_sets, &definitions);
    let sub_messages = sets::resolve_sub_messages(&mut r, raw_msgs, &definitions);
    sets::check_selectors(
        &mut r,
        raw_sets,
        &mut attr_sets,
        &definitions,
        &sub_messages,
    );

    let mcast_groups = resolve_mcast_groups(&mut r, spec.mcast_groups.as_ref());
    let empty_ops = raw::Operations::default();
    let raw_ops = spec.operations.as_ref().map_or(&empty_ops, |o| &o.value);
    let operations = ops::resolve(&mut r, raw_ops, &attr_sets, &definitions);

    let version = match &spec.version {
        Some(v) if v.value <= 255 => v.value as u32,
        Some(v) => {
            r.diags.error(
                v.span,
                format!(
                    "version {} does not fit the genl header's 8-bit version",
                    v.value
                ),
            );
            1
        }
        None => 1,
    };
    let protonum = spec.protonum.as_ref().and_then(|p| {
        u32::try_from(p.value)
            .inspect_err(|_| {
                r.diags
                    .error(p.span, format!("protonum {} is out of range", p.value))
                    .with_label("a netlink protocol number is below 2^32");
            })
            .ok()
    });

    let fam_upper = c_upper(&family_name.value);
    let c_names = FamilyCNames {
        family_name: opt_string(&spec.c_family_name)
            .unwrap_or_else(|| format!("{fam_upper}_FAMILY_NAME")),
        version_name: opt_string(&spec.c_version_name)
            .unwrap_or_else(|| format!("{fam_upper}_FAMILY_VERSION")),
        max_by_define: spec.max_by_define.as_ref().is_some_and(|v| v.value),
        cmd_max_name: opt_string(&spec.cmd_max_name)
            .unwrap_or_else(|| format!("{}MAX", operations.c_prefix)),
        cmd_cnt_name: opt_string(&spec.cmd_cnt_name)
            .unwrap_or_else(|| format!("__{}MAX", operations.c_prefix)),
    };

    let mut family = Family {
        name: family_name.value.clone(),
        doc: opt_string(&spec.doc).unwrap_or_default(),
        protocol,
        version,
        protonum,
        uapi_header: opt_string(&spec.uapi_header)
            .unwrap_or_else(|| format!("linux/{}.h", family_name.value)),
        c_names,
        kernel_policy: spec
            .kernel_policy
            .as_ref()
            .map_or(raw::KernelPolicy::Split, |k| k.value),
        definitions,
        attr_sets,
        operations,
        mcast_groups,
        sub_messages,
        kernel_family: spec.kernel_family.as_ref().map(|k| KernelFamily {
            headers: k
                .headers
                .as_ref()
                .map(|h| h.iter().map(|s| s.value.clone()).collect())
                .unwrap_or_default(),
            sock_priv: opt_string(&k.sock_priv),
        }),
        rust_name: names::rust_field(&family_name.value),
    };
    crate::analysis::analyse(&mut family, r.diags);
    if r.diags.has_errors() {
        None
    } else {
        Some(family)
    }
}

fn resolve_mcast_groups(
    r: &mut Resolver<'_>,
    groups: Option<&Spanned<raw::McastGroups>>,
) -> Vec<McastGroup> {
    let Some(groups) = groups else {
        return Vec::new();
    };
    let Some(list) = &groups.list else {
        return Vec::new();
    };
    let fam_upper = c_upper(&r.family);
    list.iter()
        .enumerate()
        .map(|(i, g)| {
            let name = name_or_empty(&g.name, g.span);
            if r.protocol == Protocol::Genetlink {
                check_name(r, g.name.as_ref(), "multicast group");
            }
            r.mcgrps.declare(r.diags, &name, McgrpId(i as u32));
            let value = g.number.as_ref().and_then(|v| {
                u32::try_from(v.value)
                    .inspect_err(|_| {
                        r.diags.error(
                            v.span,
                            format!("multicast group number {} is out of range", v.value),
                        );
                    })
                    .ok()
            });
            McastGroup {
                c_name: opt_string(&g.c_define_name)
                    .unwrap_or_else(|| format!("{fam_upper}_MCGRP_{}", c_upper(&name.value))),
                name: name.value,
                flags: g
                    .flags
                    .as_ref()
                    .map(|f| f.iter().map(|f| f.value).collect())
                    .unwrap_or_default(),
                value,
                span: g.span,
            }
        })
        .collect()
}
