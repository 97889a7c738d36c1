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
/// as `genl policy-diff` prints them. Each OVS family checks every request
/// with one policy (`kernel-policy: global`), so a difference shows once,
/// as `global <attribute set>`. What remains is what a spec cannot say
/// (specs/README.md explains each):
///
/// - attributes the kernel reads without a policy entry (datapath
///   `per-cpu-pids`, vport `upcall-pid`, flow `ufid`, packet `packet`),
///   nests it parses in code (flow `key`, `mask`, `actions`, vport
///   `options`, packet `key` and `actions`) and bits or values it checks in
///   code (`user-features`, `ufid-flags`, vport `type`);
/// - policy entries for attributes that only replies carry (vport
///   `netnsid`, meter `used`, `max-meters`, `max-bands`);
/// - nests whose contents are not attributes of a set: meter `bands` (a
///   list of band nests), ct_limit `zone-limit` (zone limit structs);
/// - a flow dump reads `ufid-flags` without a policy.
const KNOWN: &[(&str, &str)] = &[
    (
        "ovs_datapath",
        "\
global datapath: .per-cpu-pids: in spec, kernel has no policy entry (no check)
global datapath: .user-features: spec mask 0xf, kernel range ..
",
    ),
    (
        "ovs_vport",
        "\
global vport: .netnsid: kernel accepts it (s32), spec lacks it
global vport: .options: spec nests `vport-options`, kernel does not check the nest's contents
global vport: .type: spec max 5, kernel max none
global vport: .upcall-pid: in spec, kernel has no policy entry (no check)
",
    ),
    (
        "ovs_flow",
        "\
global flow-attrs: .actions: spec nests `action-attrs`, kernel does not check the nest's contents
global flow-attrs: .key: spec nests `key-attrs`, kernel does not check the nest's contents
global flow-attrs: .mask: spec nests `key-attrs`, kernel does not check the nest's contents
global flow-attrs: .ufid: in spec, kernel has no policy entry (no check)
global flow-attrs: .ufid-flags: spec mask 0x7, kernel range ..
dump get: spec lists 1 request attribute(s), kernel has no policy
",
    ),
    (
        "ovs_packet",
        "\
global packet-attrs: .actions: spec binary (binary), kernel nested
global packet-attrs: .key: spec binary (binary), kernel nested
global packet-attrs: .packet: in spec, kernel has no policy entry (no check)
global packet-attrs: .upcall-pid: in spec, kernel does not accept it
",
    ),
    (
        "ovs_meter",
        "\
global meter: .bands: spec indexed-array (nested-array), kernel nested
global meter: .max-bands: kernel accepts it (u32), spec lacks it
global meter: .max-meters: kernel accepts it (u32), spec lacks it
global meter: .used: kernel accepts it (u64), spec lacks it
",
    ),
    (
        "ovs_ct_limit",
        "\
global ct-limit: .zone-limit: spec binary (binary), kernel nested
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
