//! Open vSwitch tests that run inside a virtual machine booting a real
//! kernel with `openvswitch.ko` (the host test `examples/tests/ovs_vm.rs`
//! boots it through `genl_testkit::vm` and runs this program as root with
//! `GENL_IN_VM=1`). Debian's `ovs-dpctl`, the C reference client, is the
//! peer that our side is checked against.
//!
//! Output and filtering are libtest's (`libtest-mimic`). Stdout carries
//! libtest's lines only, which the host parses: tests print with
//! `eprintln!` (stderr goes to the guest console, part of the host's log).
//! Tests run one at a time unless `--test-threads` says otherwise, since
//! they share the kernel's datapaths.
//!
//! Adding a test: write `fn name() -> TestResult` and list it in [`TESTS`].

use std::process::Command;

use genl_runtime::wire::attrs;
use genl_runtime::{Connection, RawRequest, RequestKind};
use libtest_mimic::{Arguments, ColorSetting, Failed, Trial};

/// What a test returns: `Err` with the reason when it fails.
type TestResult = Result<(), Failed>;

/// A test: its name and its function.
type Test = (&'static str, fn() -> TestResult);

/// The tests, by name.
const TESTS: &[Test] = &[
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

fn main() {
    if std::env::var_os("GENL_IN_VM").is_none() {
        println!(
            "genl-ovs-vm-tests runs inside the VM that `cargo test -p genl-examples --test ovs_vm` boots; nothing to do here"
        );
        return;
    }
    let mut args = Arguments::from_args();
    if args.test_threads.is_none() {
        args.test_threads = Some(1);
    }
    // The serial port is a terminal, but the host reads it as a file.
    if args.color.is_none() {
        args.color = Some(ColorSetting::Never);
    }
    let trials = TESTS
        .iter()
        .map(|&(name, test)| Trial::test(name, test))
        .collect();
    libtest_mimic::run(&args, trials).exit();
}

/// Runs a program, returning its stdout, or failing with its stderr.
fn run(program: &str, args: &[&str]) -> Result<String, Failed> {
    let out = Command::new(program)
        .args(args)
        .output()
        .map_err(|e| format!("cannot run {program}: {e}"))?;
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    eprintln!("$ {program} {}\n{stdout}", args.join(" "));
    if !out.status.success() {
        return Err(format!(
            "{program} {} failed ({}): {}",
            args.join(" "),
            out.status,
            String::from_utf8_lossy(&out.stderr)
        )
        .into());
    }
    Ok(stdout)
}

/// A datapath made by `ovs-dpctl add-dp`, deleted on drop.
struct Datapath(&'static str);

impl Datapath {
    fn add(name: &'static str) -> Result<Datapath, Failed> {
        run("ovs-dpctl", &["add-dp", name])?;
        Ok(Datapath(name))
    }
}

impl Drop for Datapath {
    fn drop(&mut self) {
        let _ = Command::new("ovs-dpctl").args(["del-dp", self.0]).output();
    }
}

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
