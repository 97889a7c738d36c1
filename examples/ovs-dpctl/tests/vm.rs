//! Compares this `ovs-dpctl` with Debian's in a VM with `openvswitch.ko`.
//!
//! On the host it boots one VM whose guest program is this test binary;
//! inside (`GENL_IN_VM=1`) it runs the guest trials, each of which drives
//! both tools (ours on the guest `PATH` as `genl-ovs-dpctl`) against the
//! same datapath and compares their output. Only `used:` times are
//! normalised (they depend on when each tool ran).

use libtest_mimic::{Arguments, Failed, Trial};
use std::process::Command;

const OURS: &str = "genl-ovs-dpctl";
const PEER: &str = "ovs-dpctl";

fn run(tool: &str, args: &[&str]) -> (bool, String, String) {
    match Command::new(tool).args(args).output() {
        Ok(o) => (
            o.status.success(),
            String::from_utf8_lossy(&o.stdout).into_owned(),
            String::from_utf8_lossy(&o.stderr).into_owned(),
        ),
        Err(e) => (false, String::new(), format!("cannot run {tool}: {e}")),
    }
}

fn ok(tool: &str, args: &[&str]) -> Result<String, Failed> {
    let (good, out, err) = run(tool, args);
    if !good {
        return Err(format!("{tool} {args:?} failed: {err}").into());
    }
    Ok(out)
}

/// `used:0.123s` → `used:T` (times differ between two runs).
fn normalise(s: &str) -> String {
    s.lines()
        .map(|l| match l.find("used:") {
            Some(i) => {
                let rest = &l[i + 5..];
                let end = rest.find(',').unwrap_or(rest.len());
                let t = if &rest[..end] == "never" {
                    "never"
                } else {
                    "T"
                };
                format!("{}used:{t}{}", &l[..i], &rest[end..])
            }
            None => l.to_owned(),
        })
        .collect::<Vec<_>>()
        .join("\n")
}

fn same(args: &[&str]) -> Result<String, Failed> {
    let ours = normalise(&ok(OURS, args)?);
    let peer = normalise(&ok(PEER, args)?);
    if ours != peer {
        return Err(format!("{args:?} differs:\n--- ours\n{ours}\n--- ovs-dpctl\n{peer}").into());
    }
    Ok(ours)
}

fn show_after_add_dp() -> Result<(), Failed> {
    ok(OURS, &["add-dp", "t1", "t1p,type=internal"])?;
    let r = same(&["show", "system@t1"]);
    let _ = run(PEER, &["del-dp", "t1"]);
    let out = r?;
    if !out.contains("port 1: t1p (internal)") {
        return Err(format!("no port in:\n{out}").into());
    }
    Ok(())
}

fn show_stats() -> Result<(), Failed> {
    ok(PEER, &["add-dp", "t2"])?;
    let r = same(&["show", "-s", "t2"]);
    let _ = run(OURS, &["del-dp", "t2"]);
    r.map(drop)
}

const FLOWS: &[(&str, &str)] = &[
    (
        "in_port(1),eth_type(0x0800),ipv4(src=10.0.0.1,dst=10.0.0.2,proto=6,frag=no),tcp(dst=80)",
        "2",
    ),
    (
        "in_port(1),eth(src=00:01:02:03:04:05,dst=0a:0b:0c:0d:0e:0f),eth_type(0x0800),ipv4(proto=17,frag=no),udp(dst=53)",
        "push_vlan(vid=10,pcp=0),2",
    ),
    (
        "recirc_id(0x3),in_port(2),eth_type(0x0800),ipv4(src=10.1.0.0/255.255.0.0,frag=no)",
        "drop",
    ),
];

fn flows_both_ways() -> Result<(), Failed> {
    ok(
        OURS,
        &["add-dp", "t3", "t3a,type=internal", "t3b,type=internal"],
    )?;
    let r = (|| {
        for (i, (f, a)) in FLOWS.iter().enumerate() {
            let tool = if i % 2 == 0 { OURS } else { PEER };
            ok(tool, &["add-flow", "t3", f, a])?;
        }
        let dump = same(&["dump-flows", "t3"])?;
        if dump.lines().count() != FLOWS.len() {
            return Err(format!("expected {} flows:\n{dump}", FLOWS.len()).into());
        }
        // The only datapath is the default.
        same(&["dump-flows"])?;
        // Debian's get-flow looks flows up by ufid only (it prints nothing
        // for a key), so ours is checked against the dump line.
        let got = normalise(&ok(OURS, &["get-flow", "t3", FLOWS[2].0])?);
        if !dump.lines().any(|l| l == got.trim_end()) {
            return Err(format!("get-flow printed {got:?}, not a line of:\n{dump}").into());
        }
        ok(OURS, &["mod-flow", "t3", FLOWS[0].0, "1"])?;
        same(&["dump-flows", "t3"])?;
        ok(OURS, &["del-flow", "t3", FLOWS[1].0])?;
        let dump = same(&["dump-flows", "t3"])?;
        if dump.lines().count() != FLOWS.len() - 1 {
            return Err(format!("del-flow left:\n{dump}").into());
        }
        ok(OURS, &["del-flows", "t3"])?;
        let dump = same(&["dump-flows", "t3"])?;
        if !dump.trim().is_empty() {
            return Err(format!("del-flows left:\n{dump}").into());
        }
        Ok(())
    })();
    let _ = run(PEER, &["del-dp", "t3"]);
    r
}

fn missing_datapath() -> Result<(), Failed> {
    let (a, _, ours) = run(OURS, &["show", "nodp"]);
    let (b, _, peer) = run(PEER, &["show", "nodp"]);
    if a || b {
        return Err("showing a missing datapath succeeded".into());
    }
    let last = |s: &str| s.lines().last().unwrap_or_default().to_owned();
    if last(&ours) != last(&peer) {
        return Err(format!("ours: {ours}\novs-dpctl: {peer}").into());
    }
    Ok(())
}

fn guest_trials() -> Vec<Trial> {
    vec![
        Trial::test("show_after_add_dp", show_after_add_dp),
        Trial::test("show_stats", show_stats),
        Trial::test("flows_both_ways", flows_both_ways),
        Trial::test("missing_datapath", missing_datapath),
    ]
}

fn host() {
    use genl_testkit::vm::Vm;
    let vm = match Vm::prepare() {
        Ok(vm) => vm,
        Err(skip) => return genl_testkit::skip("ovs_dpctl_in_vm", &skip.0),
    };
    let vm = vm.with_program_as(env!("CARGO_BIN_EXE_ovs-dpctl"), OURS);
    let exe = std::env::current_exe().expect("the test binary's path");
    let run = vm
        .run(&exe, &["--test-threads=1"])
        .unwrap_or_else(|e| panic!("{e}"));
    let expected: Vec<String> = guest_trials().iter().map(|t| t.name().to_owned()).collect();
    if let Err(e) = run.passed(&expected) {
        panic!("{e}");
    }
}

fn main() {
    let args = Arguments::from_args();
    if std::env::var_os("GENL_IN_VM").is_some() {
        libtest_mimic::run(&args, guest_trials()).exit();
    }
    let trial = Trial::test("ovs_dpctl_in_vm", || {
        host();
        Ok(())
    });
    libtest_mimic::run(&args, vec![trial]).exit();
}
