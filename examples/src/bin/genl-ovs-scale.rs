//! Open vSwitch flows at scale (benchmark B3): inserts N distinct
//! exact-match flows into a new datapath with the typed `ovs_flow` client,
//! dumps them (counting, streaming), deletes them one by one and by a
//! flush, and reports flows per second for each phase and the peak memory
//! of the dump after N/10 and after N flows. Debian's `ovs-dpctl` (C) is
//! timed on the same table: `dump-flows` (output to /dev/null),
//! `del-flows`, and `add-flow` one process per flow on a sample.
//!
//! It runs as root in a VM with `openvswitch.ko` (the host test
//! `examples/tests/ovs_scale.rs` boots it, see BENCHMARKS.md) and refuses
//! to run without `GENL_IN_VM=1`: it creates a datapath.
//!
//! ```text
//! genl-ovs-scale [--flows N] [--dpctl-adds M] [--send one|batch|batch-no-echo]
//! ```

use std::process::{Command, ExitCode, Stdio};
use std::time::Instant;

use genl_examples::ovs_scale::{self, ScaleDatapath, Send};
use genl_ovs::flow;

/// The datapath the program makes (and deletes).
const DP: &str = "gscale";

/// The most the peak memory of the dump of N flows may exceed that of N/10,
/// in KiB, before the run fails.
const FLAT_KIB: u64 = 1024;

struct Options {
    flows: u32,
    dpctl_adds: u32,
    send: Send,
}

fn options() -> Result<Options, String> {
    let mut o = Options {
        flows: 100_000,
        dpctl_adds: 200,
        send: Send::BatchNoEcho,
    };
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let mut value = || args.next().ok_or(format!("{arg} needs a value"));
        match arg.as_str() {
            "--flows" => o.flows = value()?.parse().map_err(|e| format!("--flows: {e}"))?,
            "--dpctl-adds" => {
                o.dpctl_adds = value()?.parse().map_err(|e| format!("--dpctl-adds: {e}"))?
            }
            "--send" => {
                let v = value()?;
                o.send = Send::parse(&v).ok_or(format!("--send: no mode {v}"))?;
            }
            _ => return Err(format!("unknown argument {arg}")),
        }
    }
    if o.flows < 10 || o.flows >= 1 << 24 {
        return Err("--flows: from 10 to 2^24 - 1".into());
    }
    if o.dpctl_adds >= 1 << 24 || o.flows + o.dpctl_adds >= 1 << 24 {
        return Err("--dpctl-adds: too many".into());
    }
    Ok(o)
}

/// Prints one phase: `phase: N flows in T s = R flows/s`.
fn rate(phase: &str, n: u64, start: Instant) {
    let t = start.elapsed().as_secs_f64();
    println!(
        "{phase}: {n} flows in {t:.3} s = {:.0} flows/s",
        n as f64 / t
    );
}

/// Runs `ovs-dpctl` with its stdout thrown away; fails with its stderr.
fn dpctl(args: &[&str]) -> Result<(), String> {
    let out = Command::new("ovs-dpctl")
        .args(args)
        .stdout(Stdio::null())
        .output()
        .map_err(|e| format!("cannot run ovs-dpctl: {e}"))?;
    if !out.status.success() {
        return Err(format!(
            "ovs-dpctl {args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        ));
    }
    Ok(())
}

fn expect_count(flows: &mut flow::Client, h: &flow::OvsHeader, want: u64) -> Result<(), String> {
    let n = ovs_scale::count(flows, h).map_err(|e| format!("dump: {e}"))?;
    if n != want {
        return Err(format!("the dump has {n} flows, expected {want}"));
    }
    Ok(())
}

fn run(o: &Options) -> Result<(), String> {
    let e = |what: &'static str| move |e: genl_runtime::Error| format!("{what}: {e}");
    let n = o.flows;
    let tenth = n / 10;
    let send = o.send;
    println!(
        "genl-ovs-scale: {n} flows, requests sent {} ({}), ovs-dpctl add-flow sample {}",
        send.name(),
        match send {
            Send::One => "one per datagram, echoed",
            Send::Batch => "request_many: 64 per datagram, echoed",
            Send::BatchNoEcho => "request_raw_many: 64 per datagram, acknowledged only",
        },
        o.dpctl_adds
    );
    let dp = ScaleDatapath::new(DP).map_err(e("datapath new"))?;
    let h = dp.header();
    let mut flows = flow::Client::connect().map_err(e("connect"))?;

    // Insert N/10, dump them; insert the rest, dump all: the peak memory of
    // the two dumps.
    let start = Instant::now();
    ovs_scale::insert(&mut flows, &h, 0..tenth, send).map_err(e("insert"))?;
    let first = start.elapsed();
    let (small, counted) =
        ovs_scale::peak_growth(|| ovs_scale::count(&mut flows, &h)).map_err(|e| e.to_string())?;
    let counted = counted.map_err(e("dump"))?;
    if counted != u64::from(tenth) {
        return Err(format!("the dump has {counted} flows, expected {tenth}"));
    }
    let (gathered, all) =
        ovs_scale::peak_growth(|| ovs_scale::collect(&mut flows, &h)).map_err(|e| e.to_string())?;
    drop(all.map_err(e("dump"))?);
    let start = Instant::now();
    ovs_scale::insert(&mut flows, &h, tenth..n, send).map_err(e("insert"))?;
    let t = (first + start.elapsed()).as_secs_f64();
    println!(
        "genl insert ({}): {n} flows in {t:.3} s = {:.0} flows/s",
        send.name(),
        f64::from(n) / t
    );
    let start = Instant::now();
    let (big, counted) =
        ovs_scale::peak_growth(|| ovs_scale::count(&mut flows, &h)).map_err(|e| e.to_string())?;
    let counted = counted.map_err(e("dump"))?;
    rate("genl dump (counted, each decoded)", counted, start);
    if counted != u64::from(n) {
        return Err(format!("the dump has {counted} flows, expected {n}"));
    }
    println!(
        "genl dump peak memory growth: {small} KiB over {tenth} flows, {big} KiB over {n} flows \
         (gathering the {tenth} flows in a Vec instead: {gathered} KiB)"
    );
    if big > small + FLAT_KIB {
        return Err(format!(
            "the dump of {n} flows peaked {big} KiB above its start, that of {tenth} {small} KiB: \
             it does not stream"
        ));
    }
    println!(
        "process memory: {:?}",
        ovs_scale::memory().map_err(|e| e.to_string())?
    );

    // The C tool's dump of the same table.
    let start = Instant::now();
    dpctl(&["dump-flows", DP])?;
    rate("ovs-dpctl dump-flows (to /dev/null)", n.into(), start);

    // Delete one by one.
    let start = Instant::now();
    ovs_scale::delete_each(&mut flows, &h, 0..n, send).map_err(e("delete"))?;
    rate(
        &format!("genl del per flow ({})", send.name()),
        n.into(),
        start,
    );
    expect_count(&mut flows, &h, 0)?;

    // Flush, ours and the C tool's.
    ovs_scale::insert(&mut flows, &h, 0..n, send).map_err(e("insert"))?;
    let start = Instant::now();
    ovs_scale::flush(&mut flows, &h).map_err(e("flush"))?;
    rate("genl flush", n.into(), start);
    expect_count(&mut flows, &h, 0)?;
    ovs_scale::insert(&mut flows, &h, 0..n, send).map_err(e("insert"))?;
    let start = Instant::now();
    dpctl(&["del-flows", DP])?;
    rate("ovs-dpctl del-flows", n.into(), start);
    expect_count(&mut flows, &h, 0)?;

    // Per-flow insertion: the C tool can add one flow per process, on a
    // sample; then flushed.
    if o.dpctl_adds > 0 {
        let start = Instant::now();
        for i in n..n + o.dpctl_adds {
            let (key, actions) = ovs_scale::dpctl_flow(i);
            dpctl(&["add-flow", DP, &key, &actions])?;
        }
        rate(
            "ovs-dpctl add-flow (one process per flow)",
            o.dpctl_adds.into(),
            start,
        );
        expect_count(&mut flows, &h, o.dpctl_adds.into())?;
        ovs_scale::flush(&mut flows, &h).map_err(e("flush"))?;
    }
    // The other ways of sending, on N/10 flows each.
    for other in [Send::One, Send::Batch, Send::BatchNoEcho] {
        if other == send {
            continue;
        }
        let start = Instant::now();
        ovs_scale::insert(&mut flows, &h, 0..tenth, other).map_err(e("insert"))?;
        rate(
            &format!("genl insert ({})", other.name()),
            tenth.into(),
            start,
        );
        expect_count(&mut flows, &h, tenth.into())?;
        let start = Instant::now();
        ovs_scale::delete_each(&mut flows, &h, 0..tenth, other).map_err(e("delete"))?;
        rate(
            &format!("genl del per flow ({})", other.name()),
            tenth.into(),
            start,
        );
        expect_count(&mut flows, &h, 0)?;
    }
    dp.delete().map_err(e("datapath del"))?;
    Ok(())
}

fn main() -> ExitCode {
    if std::env::var_os("GENL_IN_VM").is_none() {
        eprintln!(
            "genl-ovs-scale creates a datapath: it runs inside the VM that \
             `cargo test -p genl-examples --test ovs_scale -- --ignored` boots (GENL_IN_VM=1)"
        );
        return ExitCode::FAILURE;
    }
    let o = match options() {
        Ok(o) => o,
        Err(e) => {
            eprintln!("genl-ovs-scale: {e}");
            return ExitCode::from(2);
        }
    };
    match run(&o) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            println!("genl-ovs-scale: FAILED: {e}");
            ExitCode::FAILURE
        }
    }
}
