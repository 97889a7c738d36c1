//! Where a spec and the running kernel's policy disagree.
//!
//! [`kernel_policy`] reads the input policies of a family from nlctrl
//! (`getfamily` for the commands, a `getpolicy` dump for the policies and
//! which policy each command's do and dump requests use). [`diff`] compares
//! them with a spec's attribute types and checks, operation by operation,
//! following nests, and returns a [`Report`] of every difference.
//!
//! How the kernel reports what a spec declares:
//!
//! - `string` is `nul-string` (`string` when `unterminated-ok`); its
//!   `max-len` is the kernel's maximum length, the terminating NUL not
//!   counted.
//! - `exact-len` is a minimum and a maximum length of the same value.
//! - Unsigned and signed integers always carry a range: without checks it
//!   is the range of the type. An `enum` attribute without checks gets the
//!   range of its values when they are contiguous (the minimum only when it
//!   is not 0 or the type is signed); a `flags` enum, or `enum-as-flags`,
//!   and `flags-mask` become a mask of the allowed bits.
//! - `nest` is `nested`, `indexed-array` is `nested-array`; both name the
//!   policy of their inner attributes by index.
//! - `pad` and `unused` attributes have no policy entry.
//! - An attribute the kernel reads without a policy check (`NLA_UNSPEC`,
//!   also with a minimum length) has no entry either; up to the largest
//!   attribute of its policy (known for nests, and for families of
//!   `kernel-policy: global` from the family's `maxattr`) it passes
//!   unchecked, beyond it the kernel refuses or ignores it.

mod compare;
#[cfg(test)]
mod tests;

use genl_runtime::nlctrl::{self, GetpolicyDumpRequest, OpFlags, PolicyAttrs};
use genl_runtime::{Connection, Error};
use std::collections::BTreeMap;
use std::fmt;

pub use compare::diff;

/// One command as the kernel implements it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct KernelOp {
    /// The command accepts single requests.
    pub do_: bool,
    /// The command accepts dump requests.
    pub dump: bool,
    /// Index of the policy of single requests, when they are validated.
    pub do_policy: Option<u32>,
    /// Index of the policy of dump requests, when they are validated.
    pub dump_policy: Option<u32>,
}

/// The input policies of one family in the running kernel.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct KernelPolicies {
    /// The family's largest attribute number (`CTRL_ATTR_MAXATTR`): the
    /// end of the policy that a family with one policy for all of its
    /// commands checks every request with; 0 when the family has none.
    pub maxattr: u32,
    /// Commands by number.
    pub ops: BTreeMap<u32, KernelOp>,
    /// Policies by index, each the entries of its attributes by number.
    pub policies: BTreeMap<u32, BTreeMap<u16, PolicyAttrs>>,
}

impl KernelPolicies {
    /// The entries of the policy of the given index (none when unknown).
    pub fn policy(&self, idx: u32) -> Option<&BTreeMap<u16, PolicyAttrs>> {
        self.policies.get(&idx)
    }
}

/// Reads the policies of `family` from the running kernel.
///
/// A family the kernel lacks gives [`Error::FamilyNotFound`].
pub fn kernel_policy(conn: &mut Connection, family: &str) -> Result<KernelPolicies, Error> {
    let info = conn.family(family)?.clone();
    let mut out = KernelPolicies {
        maxattr: info.maxattr,
        ..KernelPolicies::default()
    };
    for op in &info.ops {
        out.ops.insert(
            op.cmd,
            KernelOp {
                do_: op.flags.contains(OpFlags::CMD_CAP_DO),
                dump: op.flags.contains(OpFlags::CMD_CAP_DUMP),
                ..KernelOp::default()
            },
        );
    }
    let all = dump_policy(conn, info.id, None)?;
    out.policies = all.policies;
    for (cmd, (d, p)) in all.ops {
        if let Some(op) = out.ops.get_mut(&cmd) {
            op.do_policy = d;
            op.dump_policy = p;
        }
    }
    // Some kernels file the policy of a dump-only command under command 0
    // in a whole-family dump; a dump of that command alone tells which it is.
    let missing: Vec<u32> = out
        .ops
        .iter()
        .filter(|(_, o)| (o.do_ && o.do_policy.is_none()) || (o.dump && o.dump_policy.is_none()))
        .map(|(cmd, _)| *cmd)
        .collect();
    for cmd in missing {
        let one = dump_policy(conn, info.id, Some(cmd))?;
        let base = out.policies.keys().next_back().map_or(0, |k| k + 1);
        for (idx, entries) in one.policies {
            let entries = entries
                .into_iter()
                .map(|(n, mut a)| {
                    a.policy_idx = a.policy_idx.map(|i| i + base);
                    (n, a)
                })
                .collect();
            out.policies.insert(idx + base, entries);
        }
        let op = out.ops.entry(cmd).or_default();
        for (d, p) in one.ops.into_values() {
            op.do_policy = op.do_policy.or(d.map(|i| i + base));
            op.dump_policy = op.dump_policy.or(p.map(|i| i + base));
        }
    }
    Ok(out)
}

/// One policy dump as it came: policy indexes of each command's do and
/// dump, and the policies.
#[derive(Default)]
struct Dumped {
    ops: BTreeMap<u32, (Option<u32>, Option<u32>)>,
    policies: BTreeMap<u32, BTreeMap<u16, PolicyAttrs>>,
}

fn dump_policy(conn: &mut Connection, id: u16, op: Option<u32>) -> Result<Dumped, Error> {
    let req = GetpolicyDumpRequest {
        family_id: Some(id),
        op,
        ..Default::default()
    };
    let mut out = Dumped::default();
    for reply in conn.dump(&(), &req)? {
        let ((), reply) = reply?;
        if let Some(ops) = reply.op_policy {
            for (cmd, p) in ops.0 {
                let e = out.ops.entry(u32::from(cmd)).or_default();
                e.0 = e.0.or(p.r#do);
                e.1 = e.1.or(p.dump);
            }
        }
        if let Some(policies) = reply.policy {
            for (idx, attrs) in policies.0 {
                out.policies
                    .entry(u32::from(idx))
                    .or_default()
                    .extend(attrs.0);
            }
        }
    }
    Ok(out)
}

/// Which request of an operation a difference is about.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Kind {
    /// The single request.
    Do,
    /// The dump request.
    Dump,
    /// Every request of the operations on one attribute set, which a
    /// family of `kernel-policy: global` checks with one policy; the
    /// difference's `op` is then the attribute set's name.
    Global,
}

impl fmt::Display for Kind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Kind::Do => "do",
            Kind::Dump => "dump",
            Kind::Global => "global",
        })
    }
}

/// One disagreement between spec and kernel.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Difference {
    /// Position of the operation in the spec (commands only the kernel has
    /// come after all of the spec's, by number).
    pub order: u32,
    /// The operation's spec name, or `cmd N` for one the spec lacks; for
    /// [`Kind::Global`], the attribute set's name.
    pub op: String,
    /// Do or dump.
    pub kind: Kind,
    /// Attribute path (`.addr.id`); empty for the operation itself.
    pub path: String,
    /// What differs, spec first, then kernel.
    pub what: String,
}

impl fmt::Display for Difference {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}: ", self.kind, self.op)?;
        if !self.path.is_empty() {
            write!(f, "{}: ", self.path)?;
        }
        f.write_str(&self.what)
    }
}

/// Every difference between a spec and the kernel, sorted by operation (in
/// spec order), request kind and attribute path; one line each.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Report {
    /// The differences, sorted.
    pub differences: Vec<Difference>,
}

impl Report {
    /// Whether spec and kernel agree.
    pub fn is_empty(&self) -> bool {
        self.differences.is_empty()
    }

    /// Number of differences.
    pub fn len(&self) -> usize {
        self.differences.len()
    }
}

impl fmt::Display for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for d in &self.differences {
            writeln!(f, "{d}")?;
        }
        Ok(())
    }
}

/// The kernel's name of an attribute type, as a policy dump reports it.
pub fn kernel_type_name(ty: nlctrl::AttrType) -> String {
    use nlctrl::AttrType as K;
    match ty {
        K::Invalid => "invalid",
        K::Flag => "flag",
        K::U8 => "u8",
        K::U16 => "u16",
        K::U32 => "u32",
        K::U64 => "u64",
        K::S8 => "s8",
        K::S16 => "s16",
        K::S32 => "s32",
        K::S64 => "s64",
        K::Binary => "binary",
        K::String => "string",
        K::NulString => "nul-string",
        K::Nested => "nested",
        K::NestedArray => "nested-array",
        K::Bitfield32 => "bitfield32",
        K::Sint => "sint",
        K::Uint => "uint",
        K::Unknown(n) => return format!("type {n}"),
    }
    .to_owned()
}
