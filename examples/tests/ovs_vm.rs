//! The Open vSwitch tests against a real kernel: boots a VM with
//! `openvswitch.ko` (`genl_testkit::vm`) and runs the `genl-ovs-vm-tests`
//! binary inside it. Skips when the VM cannot be had here (no root to
//! install qemu, no network for the kernel); `GENL_STRICT=1` makes that a
//! failure.

use std::path::Path;
use std::time::Instant;

use genl_testkit::vm::Vm;

/// Tests the guest must report as passed (it may have more).
const EXPECTED: &[&str] = &[
    "families_resolve",
    "dpctl_datapath_seen_by_raw_dump",
    "dpctl_add_if_veth",
    "dp_new_get_dump_del",
    "dp_set_features_pids_cache",
    "dp_stats_match_dpctl",
    "dp_errors",
    "dp_notifications",
    "vport_internal_and_netdev",
    "vport_tunnels_with_options",
    "vport_set_upcall_pids",
    "vport_upcall_stats",
    "meter_features",
    "meter_set_get_del",
    "meter_has_no_dump",
    "ct_limit_set_get_del",
    "policy_ovs_datapath",
    "policy_ovs_vport",
    "policy_ovs_flow",
    "policy_ovs_packet",
    "policy_ovs_meter",
    "policy_ovs_ct_limit",
    "kernel_lacks_drop_and_psample",
    "flow_new_get_dump_set_del_flush",
    "flow_lookup_by_key_is_exact_and_skips_ufid_flows",
    "flow_keys_read_back",
    "flow_actions_read_back_in_order",
    "flow_actions_6_1_rejects",
    "flow_counters_rise_with_packets",
    "features_probe_and_drop_fallback",
    "packet_execute_reaches_the_peer",
    "packet_miss_upcall_has_a_typed_key",
    "packet_userspace_action_upcall",
    "flow_dump_streams_in_flat_memory",
    "flow_dump_ends_cleanly_when_the_datapath_goes",
    "upcall_loop_ends_cleanly_when_the_datapath_goes",
];

#[test]
fn ovs_tests_pass_in_vm() {
    let start = Instant::now();
    let vm = match Vm::prepare() {
        Ok(vm) => vm,
        Err(skip) => return genl_testkit::skip("ovs_tests_pass_in_vm", &skip.0),
    };
    let prepared = start.elapsed();
    let guest = Path::new(env!("CARGO_BIN_EXE_genl-ovs-vm-tests"));
    let run = vm.run(guest, &[]).unwrap_or_else(|e| panic!("{e}"));
    println!("{}", run.log);
    println!(
        "kernel {}: prepared in {:.1} s, ran in {:.1} s",
        vm.kernel_release(),
        prepared.as_secs_f64(),
        (start.elapsed() - prepared).as_secs_f64()
    );
    for (name, outcome) in &run.results {
        println!("guest: {name} ... {outcome:?}");
    }
    if let Err(e) = run.passed(EXPECTED) {
        panic!("{e}");
    }
}
