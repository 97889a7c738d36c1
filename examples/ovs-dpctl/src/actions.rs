//! Action lists in ovs-dpctl's text form (`push_vlan(vid=10,pcp=0),1`,
//! `drop`, `recirc(0x1)`) to and from the ordered [`Action`] list.

use genl_ovs::flow::{Action, CtAttrs, OvsActionPushVlan, OvsActionTrunc, UserspaceAttrs};
use genl_runtime::wire::Be;

use crate::text::{self, hex};

/// Parses an action list.
pub fn parse(s: &str) -> Result<Vec<Action>, String> {
    let mut out = Vec::new();
    for part in text::split_top(s)? {
        let (name, args) = text::item(part)?;
        let action = match (name, args) {
            ("drop", None) => continue,
            ("pop_vlan", None) => Action::PopVlan,
            ("ct_clear", None) => Action::CtClear,
            ("recirc", Some(a)) => Action::Recirc(text::num_max(a, u32::MAX.into())? as u32),
            ("meter", Some(a)) => Action::Meter(text::num_max(a, u32::MAX.into())? as u32),
            ("trunc", Some(a)) => Action::Trunc(OvsActionTrunc {
                max_len: text::num_max(a, u32::MAX.into())? as u32,
            }),
            ("userspace", Some(a)) => {
                let mut u = UserspaceAttrs::default();
                for (f, v) in text::pairs(a)? {
                    match f {
                        "pid" => u.pid = Some(text::num_max(v, u32::MAX.into())? as u32),
                        _ => return Err(format!("userspace has no field `{f}`")),
                    }
                }
                Action::Userspace(u)
            }
            ("push_vlan", Some(a)) => {
                let (mut vid, mut pcp, mut tpid) = (0u64, 0u64, 0x8100u64);
                for (f, v) in text::pairs(a)? {
                    match f {
                        "vid" => vid = text::num_max(v, 4095)?,
                        "pcp" => pcp = text::num_max(v, 7)?,
                        "tpid" => tpid = text::num_max(v, 0xffff)?,
                        _ => return Err(format!("push_vlan has no field `{f}`")),
                    }
                }
                Action::PushVlan(OvsActionPushVlan {
                    vlan_tpid: Be(tpid as u16),
                    vlan_tci: Be((pcp << 13 | 0x1000 | vid) as u16),
                })
            }
            ("ct", Some(a)) => {
                let mut ct = CtAttrs::default();
                for p in text::split_top(a)? {
                    match p.split_once('=') {
                        None if p == "commit" => ct.commit = true,
                        None if p == "force_commit" => ct.force_commit = true,
                        Some(("zone", v)) => ct.zone = Some(text::num_max(v, 0xffff)? as u16),
                        _ => return Err(format!("ct: unsupported argument `{p}`")),
                    }
                }
                Action::Ct(ct)
            }
            ("ct", None) => Action::Ct(CtAttrs::default()),
            (port, None) => Action::Output(
                text::num_max(port, u32::MAX.into())
                    .map_err(|_| format!("unknown action `{port}`"))? as u32,
            ),
            _ => return Err(format!("unknown action `{part}`")),
        };
        out.push(action);
    }
    Ok(out)
}

/// Prints an action list as ovs-dpctl does (`drop` when it is empty).
pub fn format(actions: &[Action]) -> String {
    if actions.is_empty() {
        return "drop".to_owned();
    }
    actions.iter().map(one).collect::<Vec<_>>().join(",")
}

fn one(a: &Action) -> String {
    match a {
        Action::Output(p) => p.to_string(),
        Action::PopVlan => "pop_vlan".into(),
        Action::CtClear => "ct_clear".into(),
        Action::Drop(_) => "drop".into(),
        Action::Recirc(r) => format!("recirc({})", hex((*r).into())),
        Action::Meter(m) => format!("meter({m})"),
        Action::Trunc(t) => format!("trunc({})", t.max_len),
        Action::Userspace(u) => format!("userspace(pid={})", u.pid.unwrap_or(0)),
        Action::PushVlan(v) => {
            let tci = v.vlan_tci.0;
            let tpid = if v.vlan_tpid.0 == 0x8100 {
                String::new()
            } else {
                format!("tpid={:#x},", v.vlan_tpid.0)
            };
            format!("push_vlan({tpid}vid={},pcp={})", tci & 0xfff, tci >> 13)
        }
        Action::Ct(ct) => {
            let mut f = Vec::new();
            if ct.commit {
                f.push("commit".to_owned());
            }
            if ct.force_commit {
                f.push("force_commit".to_owned());
            }
            if let Some(z) = ct.zone {
                f.push(format!("zone={z}"));
            }
            if f.is_empty() {
                "ct".into()
            } else {
                format!("ct({})", f.join(","))
            }
        }
        other => format!("{other:?}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips() {
        for s in [
            "drop",
            "1",
            "1,2,3",
            "push_vlan(vid=10,pcp=0),1",
            "push_vlan(vid=4095,pcp=7),pop_vlan,2",
            "push_vlan(tpid=0x88a8,vid=5,pcp=1)",
            "recirc(0x1)",
            "ct(commit,zone=1),recirc(0x2)",
            "ct",
            "ct_clear",
            "meter(3),1",
            "trunc(100),1",
            "userspace(pid=4)",
        ] {
            let a = parse(s).unwrap_or_else(|e| panic!("{s}: {e}"));
            assert_eq!(format(&a), s);
        }
    }

    #[test]
    fn bad_actions_are_errors() {
        for s in ["foo", "push_vlan(vid=5000)", "ct(nat)", "recirc(x)", "1("] {
            assert!(parse(s).is_err(), "{s}");
        }
    }
}
