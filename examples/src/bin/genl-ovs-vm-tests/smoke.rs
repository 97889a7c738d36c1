//! Smoke tests: the families resolve, and the reference `ovs-dpctl`'s
//! datapaths and ports are seen through raw requests.

use std::process::Command;

use genl_runtime::wire::attrs;
use genl_runtime::{Connection, RawRequest, RequestKind};
use libtest_mimic::Failed;

use crate::support::{Datapath, Test, TestResult, run};

/// The tests, by name.
pub const TESTS: &[Test] = &[
    ("families_resolve", families_resolve),
    (
        "dpctl_datapath_seen_by_raw_dump",
        dpctl_datapath_seen_by_raw_dump,
    ),
    ("dpctl_add_if_veth", dpctl_add_if_veth),
];

/// The OVS families the 6.1 kernel registers.
const OVS_FAMILIES: &[&str] = &[
    "ovs_datapath",
    "ovs_vport",
    "ovs_flow",
    "ovs_packet",
    "ovs_meter",
    "ovs_ct_limit",
];

// Facts from include/uapi/linux/openvswitch.h.
/// `struct ovs_header { int dp_ifindex; }`.
const OVS_HEADER_LEN: usize = 4;
/// `OVS_DP_CMD_GET`.
const OVS_DP_CMD_GET: u8 = 3;
/// `OVS_DP_ATTR_NAME`: a NUL-terminated string.
const OVS_DP_ATTR_NAME: u16 = 1;
/// `OVS_VPORT_CMD_GET`.
const OVS_VPORT_CMD_GET: u8 = 3;
/// `OVS_VPORT_ATTR_NAME`: a NUL-terminated string.
const OVS_VPORT_ATTR_NAME: u16 = 3;

/// Dumps `family`'s `cmd` with an `ovs_header` for `dp_ifindex`, and
/// returns the string attribute `name_attr` of every reply.
fn dump_names(
    family: &str,
    cmd: u8,
    dp_ifindex: i32,
    name_attr: u16,
) -> Result<Vec<String>, Failed> {
    let mut conn = Connection::new()?;
    let version = conn.family(family)?.version;
    let payload = dp_ifindex.to_ne_bytes();
    let replies = conn.request_raw(
        family,
        &RawRequest {
            cmd,
            version: u8::try_from(version).map_err(|_| format!("version {version}"))?,
            kind: RequestKind::Dump,
            flags: 0,
            payload: &payload,
        },
    )?;
    let mut names = Vec::new();
    for reply in replies {
        let body = reply
            .payload
            .get(OVS_HEADER_LEN..)
            .ok_or("reply shorter than ovs_header")?;
        for attr in attrs(body) {
            let attr = attr?;
            if attr.ty == name_attr {
                names.push(attr.string(false)?.to_owned());
            }
        }
    }
    eprintln!("{family} dump: {names:?}");
    Ok(names)
}

fn families_resolve() -> TestResult {
    let mut conn = Connection::new()?;
    for name in OVS_FAMILIES {
        let family = conn.family(name)?;
        eprintln!(
            "{name}: id {} version {} hdrsize {} groups {:?}",
            family.id, family.version, family.hdrsize, family.groups
        );
        if family.id == 0 || family.version == 0 {
            return Err(format!("{name}: implausible {family:?}").into());
        }
        if family.hdrsize as usize != OVS_HEADER_LEN {
            return Err(format!("{name}: header size {} (ovs_header is 4)", family.hdrsize).into());
        }
    }
    // Every OVS family but ovs_packet announces changes on a group of its own.
    for name in ["ovs_datapath", "ovs_vport", "ovs_flow"] {
        if conn.family(name)?.groups.is_empty() {
            return Err(format!("{name} has no multicast group").into());
        }
    }
    Ok(())
}

fn dpctl_datapath_seen_by_raw_dump() -> TestResult {
    let dump = || dump_names("ovs_datapath", OVS_DP_CMD_GET, 0, OVS_DP_ATTR_NAME);
    let dp = Datapath::add("genl0")?;
    if !dump()?.iter().any(|n| n == "genl0") {
        return Err("the datapath dump lacks genl0, which ovs-dpctl added".into());
    }
    run("ovs-dpctl", &["del-dp", "genl0"])?;
    std::mem::forget(dp);
    if dump()?.iter().any(|n| n == "genl0") {
        return Err("the datapath dump still has genl0 after ovs-dpctl del-dp".into());
    }
    Ok(())
}

fn dpctl_add_if_veth() -> TestResult {
    run(
        "ip",
        &[
            "link", "add", "genlv0", "type", "veth", "peer", "name", "genlv1",
        ],
    )?;
    run("ip", &["link", "set", "genlv0", "up"])?;
    let _dp = Datapath::add("genl1")?;
    run("ovs-dpctl", &["add-if", "genl1", "genlv0"])?;
    let show = run("ovs-dpctl", &["show", "genl1"])?;
    if !show
        .lines()
        .any(|l| l.contains("port") && l.contains("genlv0"))
    {
        return Err(format!("ovs-dpctl show lacks genlv0:\n{show}").into());
    }
    // Our side sees the port too, in the datapath's vport dump.
    let ifindex: i32 = std::fs::read_to_string("/sys/class/net/genl1/ifindex")?
        .trim()
        .parse()?;
    let ports = dump_names("ovs_vport", OVS_VPORT_CMD_GET, ifindex, OVS_VPORT_ATTR_NAME)?;
    if !ports.iter().any(|p| p == "genlv0") {
        return Err(format!("the vport dump of genl1 lacks genlv0: {ports:?}").into());
    }
    let _ = Command::new("ip").args(["link", "del", "genlv0"]).output();
    Ok(())
}
