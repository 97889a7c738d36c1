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
//! Adding a test: write `fn name() -> TestResult` in the module of its
//! area and list it in that module's `TESTS`; a new module goes into
//! [`TESTS`] here.

mod ct_limit;
mod datapath;
mod fixture;
mod flow;
mod meter;
mod packet;
mod policy;
mod scale;
mod smoke;
mod support;
mod vport;

use libtest_mimic::{Arguments, ColorSetting, Trial};

/// The tests of each module.
const TESTS: &[&[support::Test]] = &[
    smoke::TESTS,
    datapath::TESTS,
    vport::TESTS,
    meter::TESTS,
    ct_limit::TESTS,
    policy::TESTS,
    flow::TESTS,
    packet::TESTS,
    scale::TESTS,
];

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
        .flat_map(|tests| tests.iter())
        .map(|&(name, test)| Trial::test(name, test))
        .collect();
    libtest_mimic::run(&args, trials).exit();
}
