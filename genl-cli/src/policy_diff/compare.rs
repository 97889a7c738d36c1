//! The comparison of a spec's operations with the kernel's policies.

use super::{Difference, KernelPolicies, Kind, Report, kernel_type_name};
use genl_runtime::nlctrl::{AttrType as K, PolicyAttrs};
use genl_spec::model::{Attr, AttrId, Bound, DefId, DefKind, Family, SetId};
use genl_spec::raw::{AttrType, KernelPolicy};
use std::collections::{BTreeMap, BTreeSet, HashSet};

/// Compares `family` with the kernel's policies of the same family.
///
/// Every request kind (do, dump) of every operation that has a request is
/// compared: whether the kernel implements it, then each attribute the
/// spec lists for the request against the kernel's entry of the same
/// number, and the attributes of nests likewise. Which attributes a
/// request's policy holds follows the family's `kernel-policy`, as the
/// kernel's code generator builds policies:
///
/// - `split` (the default): those of the request itself;
/// - `per-op`: those of the operation's do and dump requests together;
/// - `global`: those of every request of every operation on the same
///   attribute set. The kernel then checks every request against one
///   policy, so the comparison is made once per policy and reported as
///   `global <attribute set>` rather than once per operation.
///
/// Commands and request kinds only the kernel has are reported too.
pub fn diff(family: &Family, kernel: &KernelPolicies) -> Report {
    let mut out = Vec::new();
    let mut spec_cmds = BTreeSet::new();
    let global = matches!(family.kernel_policy, KernelPolicy::Global);
    // Under a global policy: each kernel policy to compare once, with the
    // attribute set and the first operation that uses it.
    let mut shared: BTreeMap<(Option<SetId>, u32), u32> = BTreeMap::new();
    for (i, op) in family.operations.list.iter().enumerate() {
        if op.is_async() {
            continue;
        }
        let Some(cmd) = op.request_value else {
            continue;
        };
        spec_cmds.insert(cmd);
        let kop = kernel.ops.get(&cmd);
        for (kind, sub) in [(Kind::Do, &op.do_), (Kind::Dump, &op.dump)] {
            let mut c = Ctx {
                family,
                kernel,
                out: &mut out,
                order: i as u32,
                op: &op.name,
                kind,
                visited: HashSet::new(),
            };
            let (accepts, policy) = match (kop, kind) {
                (Some(k), Kind::Do) => (k.do_, k.do_policy),
                (Some(k), Kind::Dump) => (k.dump, k.dump_policy),
                (None, _) | (Some(_), Kind::Global) => (false, None),
            };
            let Some(sub) = sub else {
                if accepts {
                    c.push(String::new(), "kernel accepts it, spec lacks it".into());
                }
                continue;
            };
            if !accepts {
                c.push(String::new(), "in spec, kernel lacks it".into());
                continue;
            }
            let attrs: Vec<AttrId> = if matches!(family.kernel_policy, KernelPolicy::PerOp) {
                // One policy serves both request kinds of the operation.
                let mut all: Vec<AttrId> = [&op.do_, &op.dump]
                    .into_iter()
                    .flatten()
                    .filter_map(|s| s.request.as_ref())
                    .flat_map(|r| r.attrs.iter().copied())
                    .collect();
                all.sort();
                all.dedup();
                all
            } else {
                sub.request
                    .as_ref()
                    .map_or_else(Vec::new, |r| r.attrs.clone())
            };
            match policy {
                Some(idx) if global => {
                    shared.entry((op.attr_set, idx)).or_insert(i as u32);
                }
                Some(idx) => c.set(String::new(), op.attr_set, &attrs, idx, None),
                None => {
                    let n = attrs
                        .iter()
                        .filter(|a| expected_types(family.attr(**a)).is_some())
                        .count();
                    if n > 0 {
                        c.push(
                            String::new(),
                            format!("spec lists {n} request attribute(s), kernel has no policy"),
                        );
                    }
                }
            }
        }
    }
    for ((set, idx), order) in shared {
        let name = set.map_or_else(String::new, |s| family.set(s).name.clone());
        let attrs = global_attrs(family, set);
        let mut c = Ctx {
            family,
            kernel,
            out: &mut out,
            order,
            op: &name,
            kind: Kind::Global,
            visited: HashSet::new(),
        };
        // A family's policy for all of its commands ends at the family's
        // largest attribute; the kernel reads an attribute up to it that
        // has no entry without a check.
        let max = (kernel.maxattr > 0).then_some(kernel.maxattr);
        c.set(String::new(), set, &attrs, idx, max);
    }
    for (cmd, k) in &kernel.ops {
        if spec_cmds.contains(cmd) {
            continue;
        }
        for (kind, accepts) in [(Kind::Do, k.do_), (Kind::Dump, k.dump)] {
            if accepts {
                out.push(Difference {
                    order: u32::MAX,
                    op: format!("cmd {cmd}"),
                    kind,
                    path: String::new(),
                    what: "kernel accepts it, spec lacks it".into(),
                });
            }
        }
    }
    out.sort();
    out.dedup();
    Report { differences: out }
}

/// The attributes of a global policy: every attribute of `set` that a
/// request of some operation on `set` lists, in the set's order.
fn global_attrs(family: &Family, set: Option<SetId>) -> Vec<AttrId> {
    let mut all: Vec<AttrId> = family
        .operations
        .list
        .iter()
        .filter(|op| !op.is_async() && op.attr_set == set)
        .flat_map(|op| [&op.do_, &op.dump])
        .flatten()
        .filter_map(|s| s.request.as_ref())
        .flat_map(|r| r.attrs.iter().copied())
        .collect();
    all.sort();
    all.dedup();
    all
}

/// Every attribute of a set.
fn set_attrs(family: &Family, set: SetId) -> Vec<AttrId> {
    (0..family.set(set).attrs.len() as u32)
        .map(|index| AttrId { set, index })
        .collect()
}

/// The kernel types that fit an attribute of the spec; `None` for
/// attributes that have no policy entry (`pad`, `unused`).
fn expected_types(attr: &Attr) -> Option<K> {
    Some(match attr.ty {
        AttrType::Flag => K::Flag,
        AttrType::Binary => K::Binary,
        AttrType::Bitfield32 => K::Bitfield32,
        AttrType::Uint => K::Uint,
        AttrType::Sint => K::Sint,
        AttrType::U8 => K::U8,
        AttrType::U16 => K::U16,
        AttrType::U32 => K::U32,
        AttrType::U64 => K::U64,
        AttrType::S8 => K::S8,
        AttrType::S16 => K::S16,
        AttrType::S32 => K::S32,
        AttrType::S64 => K::S64,
        AttrType::String if attr.checks.unterminated_ok => K::String,
        AttrType::String => K::NulString,
        AttrType::Nest | AttrType::NestTypeValue | AttrType::SubMessage => K::Nested,
        AttrType::IndexedArray => K::NestedArray,
        _ => return None,
    })
}

/// A `u16` or `u32` in network byte order.
fn is_big_endian_word(attr: &Attr) -> bool {
    matches!(attr.ty, AttrType::U16 | AttrType::U32)
        && matches!(attr.byte_order, Some(genl_spec::raw::ByteOrder::BigEndian))
}

/// The range of values of an integer type.
fn type_range(ty: K) -> (i128, i128) {
    match ty {
        K::U8 => (0, u8::MAX.into()),
        K::U16 => (0, u16::MAX.into()),
        K::U32 => (0, u32::MAX.into()),
        K::U64 | K::Uint => (0, u64::MAX.into()),
        K::S8 => (i8::MIN.into(), i8::MAX.into()),
        K::S16 => (i16::MIN.into(), i16::MAX.into()),
        K::S32 => (i32::MIN.into(), i32::MAX.into()),
        _ => (i64::MIN.into(), i64::MAX.into()),
    }
}

/// What the spec says about the values of an integer attribute.
#[derive(Default)]
struct IntRule {
    /// Allowed bits.
    mask: Option<u64>,
    /// Smallest value; `None` when unchecked.
    min: Option<i128>,
    /// Largest value; `None` when unchecked.
    max: Option<i128>,
    /// The minimum is a placeholder for a value from a C header.
    min_unknown: bool,
    /// The maximum is a placeholder for a value from a C header.
    max_unknown: bool,
}

struct Ctx<'a, 'o> {
    family: &'a Family,
    kernel: &'a KernelPolicies,
    out: &'o mut Vec<Difference>,
    order: u32,
    op: &'a str,
    kind: Kind,
    /// Nests being compared, against recursion.
    visited: HashSet<(SetId, u32)>,
}

impl Ctx<'_, '_> {
    fn push(&mut self, path: String, what: String) {
        self.out.push(Difference {
            order: self.order,
            op: self.op.to_owned(),
            kind: self.kind,
            path,
            what,
        });
    }

    /// Compares the spec's attributes `attrs` (of `set`) with kernel policy
    /// `idx`, whose largest attribute is `max` when known.
    fn set(
        &mut self,
        path: String,
        set: Option<SetId>,
        attrs: &[AttrId],
        idx: u32,
        max: Option<u32>,
    ) {
        let family = self.family;
        let empty = BTreeMap::new();
        let kernel = self.kernel.policy(idx).unwrap_or(&empty);
        let spec: BTreeMap<u16, &Attr> = attrs
            .iter()
            .map(|a| family.attr(*a))
            .filter(|a| expected_types(a).is_some())
            .map(|a| (a.value, a))
            .collect();
        let numbers: BTreeSet<u16> = spec.keys().chain(kernel.keys()).copied().collect();
        for n in numbers {
            match (spec.get(&n), kernel.get(&n)) {
                (Some(a), Some(k)) => self.attr(format!("{path}.{}", a.name), a, k),
                // Policy dumps of some kernels leave out big-endian 16 and
                // 32-bit integers (NLA_BE16, NLA_BE32).
                (Some(a), None) if is_big_endian_word(a) => {}
                // Up to the policy's largest attribute, one without an
                // entry passes unchecked (the kernel may read it in code).
                (Some(a), None) if max.is_some_and(|m| u32::from(n) <= m) => self.push(
                    format!("{path}.{}", a.name),
                    "in spec, kernel has no policy entry (no check)".into(),
                ),
                (Some(a), None) => self.push(
                    format!("{path}.{}", a.name),
                    "in spec, kernel does not accept it".into(),
                ),
                (None, Some(k)) => {
                    let name = set
                        .and_then(|s| family.set(s).attr_by_value(n))
                        .map_or_else(|| format!("{n}"), |(_, a)| a.name.clone());
                    let ty = k.r#type.map_or_else(|| "no type".into(), kernel_type_name);
                    self.push(
                        format!("{path}.{name}"),
                        format!("kernel accepts it ({ty}), spec lacks it"),
                    );
                }
                (None, None) => {}
            }
        }
    }

    fn attr(&mut self, path: String, attr: &Attr, k: &PolicyAttrs) {
        let Some(want) = expected_types(attr) else {
            return;
        };
        let got = k.r#type.unwrap_or(K::Invalid);
        if got != want {
            self.push(
                path,
                format!(
                    "spec {} ({}), kernel {}",
                    attr.ty,
                    kernel_type_name(want),
                    kernel_type_name(got)
                ),
            );
            return;
        }
        match attr.ty {
            AttrType::String | AttrType::Binary => self.lengths(path, attr, k),
            AttrType::Bitfield32 => {
                let spec = self.mask_of(attr);
                if spec != k.bitfield32_mask.map(u64::from) {
                    self.push(
                        path,
                        format!(
                            "spec mask {}, kernel mask {}",
                            hex(spec),
                            hex(k.bitfield32_mask.map(u64::from))
                        ),
                    );
                }
            }
            AttrType::Nest
            | AttrType::IndexedArray
            | AttrType::NestTypeValue
            | AttrType::SubMessage => self.nest(path, attr, k),
            AttrType::Flag => {}
            _ => self.integer(path, attr, want, k),
        }
    }

    fn nest(&mut self, path: String, attr: &Attr, k: &PolicyAttrs) {
        match (attr.nested, k.policy_idx) {
            (Some(set), Some(idx)) => {
                if self.visited.insert((set, idx)) {
                    let attrs = set_attrs(self.family, set);
                    self.set(path, Some(set), &attrs, idx, k.policy_maxtype);
                    self.visited.remove(&(set, idx));
                }
            }
            (Some(set), None) => self.push(
                path,
                format!(
                    "spec nests `{}`, kernel does not check the nest's contents",
                    self.family.set(set).name
                ),
            ),
            (None, Some(idx)) => {
                let n = self.kernel.policy(idx).map_or(0, BTreeMap::len);
                self.push(
                    path,
                    format!("spec has no nested set, kernel checks {n} nested attribute(s)"),
                );
            }
            (None, None) => {}
        }
    }

    fn lengths(&mut self, path: String, attr: &Attr, k: &PolicyAttrs) {
        let c = &attr.checks;
        let (min, max) = match &c.exact_len {
            Some(b) => (Some(b), Some(b)),
            None => (c.min_len.as_ref(), c.max_len.as_ref()),
        };
        let known = |b: Option<&Bound>| b.is_some_and(|b| b.from_header);
        let mut spec = (min.map(|b| b.value), max.map(|b| b.value));
        let kernel = (k.min_length.map(i128::from), k.max_length.map(i128::from));
        // A bound taken from a C header has only a placeholder in the spec.
        if known(min) {
            spec.0 = kernel.0;
        }
        if known(max) {
            spec.1 = kernel.1;
        }
        // A struct without length checks: the kernel may insist on its size.
        if spec == (None, None)
            && let Some(s) = attr.struct_.and_then(|d| self.family.struct_def(d))
            && kernel.0 == kernel.1
            && kernel
                .0
                .is_some_and(|n| n == i128::from(s.size) || n == i128::from(s.c_size))
        {
            return;
        }
        if spec != kernel {
            self.push(
                path,
                format!("spec {}, kernel {}", lengths(spec), lengths(kernel)),
            );
        }
    }

    fn integer(&mut self, path: String, attr: &Attr, ty: K, k: &PolicyAttrs) {
        let rule = self.int_rule(attr);
        let signed = matches!(ty, K::S8 | K::S16 | K::S32 | K::S64 | K::Sint);
        let (lo, hi) = type_range(ty);
        if rule.mask.is_some() || k.mask.is_some() {
            if rule.mask != k.mask {
                let spec = match rule.mask {
                    Some(_) => format!("mask {}", hex(rule.mask)),
                    None => format!("range {}", range(rule.min, rule.max)),
                };
                let kernel = match k.mask {
                    Some(_) => format!("mask {}", hex(k.mask)),
                    None => format!(
                        "range {}",
                        range(self.kmin(k, signed, lo), self.kmax(k, signed, hi))
                    ),
                };
                self.push(path, format!("spec {spec}, kernel {kernel}"));
            }
            return;
        }
        let norm = |v: Option<i128>, limit: i128| v.filter(|v| *v != limit);
        let kmin = self.kmin(k, signed, lo);
        let kmax = self.kmax(k, signed, hi);
        let smin = if rule.min_unknown {
            kmin
        } else {
            norm(rule.min, lo)
        };
        let smax = if rule.max_unknown {
            kmax
        } else {
            norm(rule.max, hi)
        };
        if smin != kmin {
            self.push(
                path.clone(),
                format!("spec min {}, kernel min {}", num(smin), num(kmin)),
            );
        }
        if smax != kmax {
            self.push(
                path,
                format!("spec max {}, kernel max {}", num(smax), num(kmax)),
            );
        }
    }

    /// The kernel's minimum, `None` when it is the type's.
    fn kmin(&self, k: &PolicyAttrs, signed: bool, lo: i128) -> Option<i128> {
        let v = if signed {
            k.min_value_s.map(i128::from)
        } else {
            k.min_value_u.map(i128::from)
        };
        v.filter(|v| *v != lo)
    }

    /// The kernel's maximum, `None` when it is the type's.
    fn kmax(&self, k: &PolicyAttrs, signed: bool, hi: i128) -> Option<i128> {
        let v = if signed {
            k.max_value_s.map(i128::from)
        } else {
            k.max_value_u.map(i128::from)
        };
        v.filter(|v| *v != hi)
    }

    /// The spec's rule for an integer: its checks, or else what its enum
    /// implies.
    fn int_rule(&self, attr: &Attr) -> IntRule {
        let c = &attr.checks;
        let mut rule = IntRule {
            mask: c.flags_mask.map(|d| self.def_mask(d)),
            min: c.min.as_ref().map(|b| b.value),
            max: c.max.as_ref().map(|b| b.value),
            min_unknown: c.min.as_ref().is_some_and(|b| b.from_header),
            max_unknown: c.max.as_ref().is_some_and(|b| b.from_header),
        };
        if rule.mask.is_some() {
            return rule;
        }
        let Some(def) = attr.enum_ else {
            return rule;
        };
        let is_flags = matches!(self.family.def(def).kind, DefKind::Flags(_));
        if is_flags || attr.enum_as_flags {
            if rule.min.is_none() && rule.max.is_none() {
                rule.mask = Some(self.def_mask(def));
            }
            return rule;
        }
        let Some(e) = self.family.enum_def(def) else {
            return rule;
        };
        let values: BTreeSet<u64> = e.entries.iter().map(|e| e.value).collect();
        if let (Some(&low), Some(&high)) = (values.first(), values.last())
            && high - low + 1 == values.len() as u64
        {
            rule.min = rule.min.or(Some(i128::from(low)));
            rule.max = rule.max.or(Some(i128::from(high)));
        }
        rule
    }

    /// The bits a definition allows: a flags definition's values, or an
    /// enum's values taken as bit numbers.
    fn def_mask(&self, def: DefId) -> u64 {
        let Some(e) = self.family.enum_def(def) else {
            return 0;
        };
        let flags = matches!(self.family.def(def).kind, DefKind::Flags(_));
        e.entries
            .iter()
            .map(|x| {
                if flags {
                    x.value
                } else {
                    u32::try_from(x.value)
                        .ok()
                        .and_then(|b| 1u64.checked_shl(b))
                        .unwrap_or(0)
                }
            })
            .fold(0, |a, b| a | b)
    }

    /// The mask of a bitfield32: its `flags-mask`, or its enum's bits.
    fn mask_of(&self, attr: &Attr) -> Option<u64> {
        attr.checks
            .flags_mask
            .or(attr.enum_)
            .map(|d| self.def_mask(d))
    }
}

fn hex(v: Option<u64>) -> String {
    v.map_or_else(|| "none".into(), |v| format!("{v:#x}"))
}

fn num(v: Option<i128>) -> String {
    v.map_or_else(|| "none".into(), |v| v.to_string())
}

fn range(min: Option<i128>, max: Option<i128>) -> String {
    format!(
        "{}..{}",
        min.map_or_else(String::new, |v| v.to_string()),
        max.map_or_else(String::new, |v| v.to_string())
    )
}

fn lengths((min, max): (Option<i128>, Option<i128>)) -> String {
    match (min, max) {
        (None, None) => "no length check".into(),
        (Some(a), Some(b)) if a == b => format!("exact-len {a}"),
        (Some(a), None) => format!("min-len {a}"),
        (None, Some(b)) => format!("max-len {b}"),
        (Some(a), Some(b)) => format!("min-len {a} max-len {b}"),
    }
}
