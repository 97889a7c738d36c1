//! The project's six OVS specs against the running kernel's policies
//! (`genl policy-diff`, through `genl_cli::policy_diff`), and what the
//! kernel lacks of the newest `openvswitch.h`.
//!
//! Each spec must agree with the kernel, or differ only where its docs
//! explain why; [`KNOWN`] lists those differences, one `genl policy-diff`
//! line each.

use genl_cli::policy_diff::{diff, kernel_policy};
use genl_ovs::flow::{
    Action, Client, KeyAttrs, NewDoRequest, OvsHeader, OvsKeyEthernet, PsampleAttrs,
};
use genl_runtime::Connection;
use genl_spec::Spec;

use crate::datapath::TypedDp;
use crate::support::{Test, TestResult};

/// The tests, by name.
pub const TESTS: &[Test] = &[
    ("policy_ovs_datapath", || policy("ovs_datapath")),
    ("policy_ovs_vport", || policy("ovs_vport")),
    ("policy_ovs_flow", || policy("ovs_flow")),
    ("policy_ovs_packet", || policy("ovs_packet")),
    ("policy_ovs_meter", || policy("ovs_meter")),
    ("policy_ovs_ct_limit", || policy("ovs_ct_limit")),
    (
        "kernel_lacks_drop_and_psample",
        kernel_lacks_drop_and_psample,
    ),
];

/// The project's specs, built in.
const SPECS: &[(&str, &str)] = &[
    (
        "ovs_datapath",
        include_str!("../../../../specs/ovs_datapath.yaml"),
    ),
    (
        "ovs_vport",
        include_str!("../../../../specs/ovs_vport.yaml"),
    ),
    ("ovs_flow", include_str!("../../../../specs/ovs_flow.yaml")),
    (
        "ovs_packet",
        include_str!("../../../../specs/ovs_packet.yaml"),
    ),
    (
        "ovs_meter",
        include_str!("../../../../specs/ovs_meter.yaml"),
    ),
    (
        "ovs_ct_limit",
        include_str!("../../../../specs/ovs_ct_limit.yaml"),
    ),
];

/// The differences between the project's specs and Linux 6.1, by family,
/// as `genl policy-diff` prints them (specs/README.md explains them):
///
/// - The OVS families validate every request against one policy of the
///   whole attribute set, so the kernel "accepts" attributes a request of
///   the spec does not list (the kernel ignores them).
/// - 6.1 has no policy entries for datapath `per-cpu-pids`, vport
///   `upcall-pid`, flow `ufid` (read without a policy check), and none for
///   the contents of nests it parses in code (flow keys, actions, vport
///   options); ovs_packet's key and actions are nests the kernel parses.
/// - Kernel types and ranges that differ from the header's meaning:
///   `ifindex` is s32, `masks-cache-size` has a maximum of 4096, flags
///   attributes (`user-features`, `ufid-flags`) carry no mask, meter
///   `bands` and ct_limit `zone-limit` are plain nests (the latter holding
///   structs, not attributes).
const KNOWN: &[(&str, &str)] = &[
    (
        "ovs_datapath",
        "\
do new: .ifindex: spec u32 (u32), kernel s32
do new: .masks-cache-size: spec max none, kernel max 4096
do new: .per-cpu-pids: in spec, kernel does not accept it
do new: .user-features: spec mask 0xf, kernel range ..
do del: .ifindex: kernel accepts it (s32), spec lacks it
do del: .masks-cache-size: kernel accepts it (u32), spec lacks it
do del: .upcall-pid: kernel accepts it (u32), spec lacks it
do del: .user-features: kernel accepts it (u32), spec lacks it
do get: .ifindex: kernel accepts it (s32), spec lacks it
do get: .masks-cache-size: kernel accepts it (u32), spec lacks it
do get: .upcall-pid: kernel accepts it (u32), spec lacks it
do get: .user-features: kernel accepts it (u32), spec lacks it
do set: .ifindex: kernel accepts it (s32), spec lacks it
do set: .masks-cache-size: spec max none, kernel max 4096
do set: .per-cpu-pids: in spec, kernel does not accept it
do set: .upcall-pid: kernel accepts it (u32), spec lacks it
do set: .user-features: spec mask 0xf, kernel range ..
",
    ),
    (
        "ovs_vport",
        "\
do new: .ifindex: spec u32 (u32), kernel s32
do new: .netnsid: kernel accepts it (s32), spec lacks it
do new: .options: spec nests `vport-options`, kernel does not check the nest's contents
do new: .type: spec max 5, kernel max none
do new: .upcall-pid: in spec, kernel does not accept it
do del: .ifindex: kernel accepts it (s32), spec lacks it
do del: .netnsid: kernel accepts it (s32), spec lacks it
do del: .options: kernel accepts it (nested), spec lacks it
do del: .type: kernel accepts it (u32), spec lacks it
do get: .ifindex: kernel accepts it (s32), spec lacks it
do get: .netnsid: kernel accepts it (s32), spec lacks it
do get: .options: kernel accepts it (nested), spec lacks it
do get: .type: kernel accepts it (u32), spec lacks it
do set: .ifindex: kernel accepts it (s32), spec lacks it
do set: .netnsid: kernel accepts it (s32), spec lacks it
do set: .options: spec nests `vport-options`, kernel does not check the nest's contents
do set: .type: spec max 5, kernel max none
do set: .upcall-pid: in spec, kernel does not accept it
",
    ),
    (
        "ovs_flow",
        "\
do new: .actions: spec nests `action-attrs`, kernel does not check the nest's contents
do new: .clear: kernel accepts it (flag), spec lacks it
do new: .key: spec nests `key-attrs`, kernel does not check the nest's contents
do new: .mask: spec nests `key-attrs`, kernel does not check the nest's contents
do new: .ufid: in spec, kernel does not accept it
do new: .ufid-flags: spec mask 0x7, kernel range ..
do del: .actions: kernel accepts it (nested), spec lacks it
do del: .clear: kernel accepts it (flag), spec lacks it
do del: .key: spec nests `key-attrs`, kernel does not check the nest's contents
do del: .mask: kernel accepts it (nested), spec lacks it
do del: .ufid: in spec, kernel does not accept it
do del: .ufid-flags: spec mask 0x7, kernel range ..
do get: .actions: kernel accepts it (nested), spec lacks it
do get: .clear: kernel accepts it (flag), spec lacks it
do get: .key: spec nests `key-attrs`, kernel does not check the nest's contents
do get: .mask: kernel accepts it (nested), spec lacks it
do get: .ufid: in spec, kernel does not accept it
do get: .ufid-flags: spec mask 0x7, kernel range ..
dump get: spec lists 1 request attribute(s), kernel has no policy
do set: .actions: spec nests `action-attrs`, kernel does not check the nest's contents
do set: .key: spec nests `key-attrs`, kernel does not check the nest's contents
do set: .mask: spec nests `key-attrs`, kernel does not check the nest's contents
do set: .ufid: in spec, kernel does not accept it
do set: .ufid-flags: spec mask 0x7, kernel range ..
",
    ),
    (
        "ovs_packet",
        "\
do execute: .actions: spec binary (binary), kernel nested
do execute: .key: spec binary (binary), kernel nested
do execute: .packet: in spec, kernel does not accept it
do execute: .upcall-pid: in spec, kernel does not accept it
",
    ),
    (
        "ovs_meter",
        "\
do features: .bands: kernel accepts it (nested), spec lacks it
do features: .clear: kernel accepts it (flag), spec lacks it
do features: .id: kernel accepts it (u32), spec lacks it
do features: .kbps: kernel accepts it (flag), spec lacks it
do features: .max-bands: kernel accepts it (u32), spec lacks it
do features: .max-meters: kernel accepts it (u32), spec lacks it
do features: .used: kernel accepts it (u64), spec lacks it
do set: .bands: spec indexed-array (nested-array), kernel nested
do set: .max-bands: kernel accepts it (u32), spec lacks it
do set: .max-meters: kernel accepts it (u32), spec lacks it
do set: .used: kernel accepts it (u64), spec lacks it
do del: .bands: kernel accepts it (nested), spec lacks it
do del: .clear: kernel accepts it (flag), spec lacks it
do del: .kbps: kernel accepts it (flag), spec lacks it
do del: .max-bands: kernel accepts it (u32), spec lacks it
do del: .max-meters: kernel accepts it (u32), spec lacks it
do del: .used: kernel accepts it (u64), spec lacks it
do get: .bands: kernel accepts it (nested), spec lacks it
do get: .clear: kernel accepts it (flag), spec lacks it
do get: .kbps: kernel accepts it (flag), spec lacks it
do get: .max-bands: kernel accepts it (u32), spec lacks it
do get: .max-meters: kernel accepts it (u32), spec lacks it
do get: .used: kernel accepts it (u64), spec lacks it
",
    ),
    (
        "ovs_ct_limit",
        "\
do set: .zone-limit: spec binary (binary), kernel nested
do del: .zone-limit: spec binary (binary), kernel nested
do get: .zone-limit: spec binary (binary), kernel nested
",
    ),
];

fn policy(family: &str) -> TestResult {
    let text = SPECS
        .iter()
        .find(|(f, _)| *f == family)
        .map(|(_, t)| *t)
        .ok_or("no such spec")?;
    let spec = Spec::parse(format!("specs/{family}.yaml"), text)?;
    let mut conn = Connection::new()?;
    let kernel = kernel_policy(&mut conn, family)?;
    let report = diff(spec.family(), &kernel).to_string();
    eprintln!("genl policy-diff specs/{family}.yaml:\n{report}");
    let known = KNOWN
        .iter()
        .find(|(f, _)| *f == family)
        .map_or("", |(_, k)| *k);
    if report != known {
        return Err(
            format!("{family}: the differences are\n{report}\nnot the known\n{known}").into(),
        );
    }
    Ok(())
}

/// A flow of its own Ethernet source, with `actions`.
fn flow(n: u8, actions: Vec<Action>) -> NewDoRequest {
    NewDoRequest {
        key: Some(Box::new(KeyAttrs {
            in_port: Some(0),
            ethernet: Some(OvsKeyEthernet {
                eth_src: [2, 0, 0, 0, 0, n],
                eth_dst: [2, 0, 0, 0, 0, 0xff],
            }),
            ..Default::default()
        })),
        actions: Some(actions),
        ..Default::default()
    }
}

/// `EINVAL`.
const EINVAL: i32 = 22;

/// Linux 6.1 validates flow actions in code, not by policy: the drop (6.6)
/// and psample (6.11) actions of the newest header are refused as invalid,
/// while the same flow with an output action is taken.
fn kernel_lacks_drop_and_psample() -> TestResult {
    let dp = TypedDp::new("genlk0")?;
    let h = OvsHeader {
        dp_ifindex: dp.ifindex,
    };
    let mut c = Client::connect()?;
    let (_, ok) = c.new(&h, &flow(1, vec![Action::Output(0)]))?;
    eprintln!("a flow with output:0: {ok:?}");
    let release = crate::vport::release()?;
    let cases = [
        ("drop", flow(2, vec![Action::Drop(0)])),
        (
            "psample",
            flow(
                3,
                vec![Action::Psample(PsampleAttrs {
                    group: Some(1),
                    ..Default::default()
                })],
            ),
        ),
    ];
    for (what, req) in cases {
        let got = c.new(&h, &req);
        eprintln!("a flow with a {what} action on {release}: {got:?}");
        if release.starts_with("6.1.") && got.as_ref().err().and_then(|e| e.errno()) != Some(EINVAL)
        {
            return Err(format!("{release} did not refuse the {what} action: {got:?}").into());
        }
    }
    Ok(())
}
