//! Benchmark B3, Open vSwitch flows at scale: boots the VM
//! (`genl_testkit::vm`) and runs `genl-ovs-scale` in it, which inserts,
//! dumps and deletes N flows with genl and times Debian's `ovs-dpctl` on the
//! same table. It takes minutes under TCG, so it is ignored by default;
//! `bench/vm` runs it:
//!
//! ```text
//! cargo test --release -p genl-examples --test ovs_scale -- --ignored --nocapture
//! ```
//!
//! `GENL_SCALE_FLOWS` (default 100000), `GENL_SCALE_SEND` (`one`, `batch`,
//! `batch-no-echo`, the default) and `GENL_SCALE_DPCTL_ADDS` (default 200: under TCG each `ovs-dpctl` process takes about 0.4 s)
//! are passed on to the program. The guest's report is printed and written
//! to `ovs-scale.txt` in `bench/` of the Cargo target directory.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use genl_testkit::vm::Vm;

/// The guest's stdout: what follows the harness's marker in the log.
fn report(log: &str) -> &str {
    let body = log
        .split_once("--- guest program stdout ---")
        .map_or(log, |(_, rest)| rest);
    body.split_once("--- guest run took")
        .map_or(body, |(r, _)| r)
}

/// `target/bench`, beside the test executable's `target/<profile>/deps`.
fn bench_dir() -> Option<PathBuf> {
    let exe = std::env::current_exe().ok()?;
    let target = exe.ancestors().find(|d| d.join("CACHEDIR.TAG").is_file())?;
    Some(target.join("bench"))
}

#[test]
#[ignore = "a benchmark of minutes in the VM: bench/vm runs it"]
fn ovs_scale_in_vm() {
    let start = Instant::now();
    let vm = match Vm::prepare() {
        Ok(vm) => vm,
        Err(skip) => return genl_testkit::skip("ovs_scale_in_vm", &skip.0),
    };
    let vm = vm.with_timeout(Duration::from_secs(3600)).with_memory(1024);
    let var = |name: &str, default: &str| std::env::var(name).unwrap_or_else(|_| default.into());
    let flows = var("GENL_SCALE_FLOWS", "100000");
    let send = var("GENL_SCALE_SEND", "batch-no-echo");
    let adds = var("GENL_SCALE_DPCTL_ADDS", "200");
    let args = ["--flows", &flows, "--send", &send, "--dpctl-adds", &adds];
    let guest = Path::new(env!("CARGO_BIN_EXE_genl-ovs-scale"));
    let run = vm.run(guest, &args).unwrap_or_else(|e| panic!("{e}"));
    let report = report(&run.log).trim().to_owned();
    println!("{report}");
    println!(
        "kernel {} under TCG, whole run {:.1} s",
        vm.kernel_release(),
        start.elapsed().as_secs_f64()
    );
    assert_eq!(run.exit, 0, "genl-ovs-scale failed\n{}", run.log);
    assert!(report.contains("genl dump"), "no report\n{}", run.log);
    if let Some(dir) = bench_dir() {
        let text = format!(
            "{report}\nkernel {} under TCG (qemu, 2 vCPUs, 1 GiB)\n",
            vm.kernel_release()
        );
        let written = std::fs::create_dir_all(&dir)
            .and_then(|()| std::fs::write(dir.join("ovs-scale.txt"), text));
        if let Err(e) = written {
            println!("cannot write {}: {e}", dir.display());
        }
    }
}
