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

/// Who can write a case: Debian's ovs-dpctl cannot parse every action it
/// prints (`hash`, `push_mpls`, `pop_mpls`, `push_eth`), so those are
/// added by ours only and compared on the dump.
#[derive(Clone, Copy, PartialEq)]
enum By {
    Both,
    Ours,
}

/// Keys and actions, one flow each (keys distinct), written in the
/// kernel's attribute order so that a dump prints them back unchanged.
const TABLE: &[(&str, &str, By)] = &[
    // Keys.
    (
        "in_port(1),eth(src=00:01:02:03:04:05,dst=0a:0b:0c:0d:0e:0f),eth_type(0x8100),vlan(vid=10,pcp=3),encap(eth_type(0x0800),ipv4(src=10.0.0.1,proto=6,frag=no),tcp(dst=80),tcp_flags(+syn))",
        "pop_vlan,2",
        By::Both,
    ),
    (
        "in_port(2),eth(),eth_type(0x86dd),ipv6(src=2001:db8::1,dst=2001:db8::/ffff:ffff::,label=0x5,proto=58,tclass=0x10,hlimit=255,frag=no),icmpv6(type=135,code=0),nd(target=2001:db8::2,sll=00:01:02:03:04:05)",
        "1",
        By::Both,
    ),
    (
        "in_port(3),eth(),eth_type(0x0806),arp(sip=10.0.0.1,tip=10.0.0.0/255.255.255.0,op=1/0xff,sha=00:01:02:03:04:05)",
        "1",
        By::Both,
    ),
    (
        "in_port(4),eth(),eth_type(0x0800),ipv4(src=10.0.0.1,proto=132,frag=no),sctp(dst=5/0xff)",
        "1",
        By::Both,
    ),
    (
        "in_port(5),eth(),eth_type(0x8847),mpls(label=100,tc=3,ttl=64,bos=1)",
        "pop_mpls(eth_type=0x800),1",
        By::Ours,
    ),
    (
        "recirc_id(0x1),in_port(6),ct_state(-new+est+trk),ct_zone(0x5),ct_mark(0x3/0xff),ct_label(0x1/0xff),eth(),eth_type(0x0800),ipv4(frag=no)",
        "1",
        By::Both,
    ),
    (
        "in_port(7),ct_state(+trk),ct_tuple4(src=10.0.0.1,dst=10.0.0.2,proto=6,tp_src=1,tp_dst=80),eth(),eth_type(0x0800),ipv4(proto=6,frag=no),tcp(dst=80),tcp_flags(+syn)",
        "1",
        By::Both,
    ),
    (
        "in_port(8),eth(),eth_type(0x0800),ipv4(proto=6,frag=no),tcp(dst=22),tcp_flags(+syn-ack)",
        "1",
        By::Both,
    ),
    (
        "tunnel(tun_id=0x5,src=10.0.0.1,dst=10.0.0.2,ttl=64,tp_dst=4789,flags(+df-csum+key)),in_port(9),eth(),eth_type(0x0800),ipv4(frag=no)",
        "1",
        By::Both,
    ),
    (
        "tunnel(tun_id=0x9,dst=10.0.0.2,ttl=64,vxlan(gbp(id=10,flags=0x1)),flags(+df-csum+key)),in_port(31),eth(),eth_type(0x0800),ipv4(frag=no)",
        "1",
        By::Both,
    ),
    (
        "in_port(32),ct_state(+trk),ct_tuple6(src=2001:db8::1,dst=2001:db8::2,proto=17,src_port=5,dst_port=53),eth(),eth_type(0x86dd),ipv6(proto=17,frag=no),udp(dst=53)",
        "1",
        By::Ours,
    ),
    (
        "tunnel(tun_id=0x9,dst=10.0.0.3,ttl=64,geneve({class=0x102,type=0x80,len=4,0xa}),flags(+df-csum+key)),in_port(33),eth(),eth_type(0x0800),ipv4(frag=no)",
        "1",
        By::Both,
    ),
    (
        "skb_priority(0x3),in_port(10),skb_mark(0x7/0xff),eth(src=00:01:02:03:04:05/ff:ff:ff:00:00:00),eth_type(0x0800),ipv4(dst=10.9.0.0/255.255.0.0,proto=17,tos=0x4/0xfc,ttl=9,frag=no),udp(src=53)",
        "1",
        By::Both,
    ),
    // Actions.
    (
        "in_port(11),eth(),eth_type(0x0800),ipv4(proto=6,frag=no),tcp(dst=9),tcp_flags(+syn)",
        "set(ipv4(src=10.0.0.1,dst=10.0.0.2,proto=6,tos=0,ttl=64,frag=no)),set(tcp(src=1,dst=2)),1",
        By::Both,
    ),
    (
        "in_port(12),eth(),eth_type(0x0800),ipv4(proto=17,frag=no),udp(dst=9)",
        "set(ipv4(dst=10.0.0.9)),set(udp(dst=53)),set(eth(dst=0a:0b:0c:0d:0e:0f)),set(skb_mark(0x5/0xff)),1",
        By::Both,
    ),
    (
        "in_port(13),eth(),eth_type(0x86dd),ipv6(frag=no)",
        "set(ipv6(dst=2001:db8::9,hlimit=9)),set(skb_priority(0x7)),1",
        By::Both,
    ),
    (
        "in_port(14),eth(),eth_type(0x0800),ipv4(frag=no)",
        "set(tunnel(tun_id=0x7,dst=10.0.0.9,ttl=64,flags(df|key))),1",
        By::Both,
    ),
    (
        "in_port(15),eth(),eth_type(0x0800),ipv4(frag=no)",
        "ct(commit,zone=5,mark=0x1/0xff,label=0x1234/0xffff),1",
        By::Both,
    ),
    (
        "in_port(24),eth(),eth_type(0x0800),ipv4(frag=no)",
        "ct(zone=5,nat),1",
        By::Both,
    ),
    (
        "in_port(25),eth(src=00:01:02:03:04:05,dst=0a:0b:0c:0d:0e:0f),eth_type(0x8100),vlan(vid=10,pcp=3),encap(eth_type(0x0800),ipv4(frag=no))",
        "2",
        By::Both,
    ),
    (
        "in_port(27),ct_state(+trk),eth(),eth_type(0x0800),ipv4(frag=no)",
        "ct(commit),1",
        By::Both,
    ),
    (
        "in_port(16),eth(),eth_type(0x0800),ipv4(frag=no)",
        "ct(commit,nat(src=10.0.0.1-10.0.0.9:1000-2000,persistent,random)),1",
        By::Both,
    ),
    (
        "in_port(17),eth(),eth_type(0x0800),ipv4(frag=no)",
        "ct(force_commit,nat(dst=10.1.1.1:80,hash)),ct_clear,1",
        By::Both,
    ),
    (
        "in_port(28),eth(),eth_type(0x0800),ipv4(frag=no)",
        "ct(force_commit),1",
        By::Both,
    ),
    (
        "in_port(29),eth(),eth_type(0x0800),ipv4(frag=no)",
        "ct_clear,1",
        By::Both,
    ),
    (
        "in_port(30),eth(),eth_type(0x0800),ipv4(frag=no)",
        "ct(commit,nat(dst=10.1.1.1:80,hash)),1",
        By::Both,
    ),
    (
        "in_port(18),eth(),eth_type(0x0800),ipv4(frag=no)",
        "sample(sample=50.0%,actions(1,2)),clone(push_vlan(vid=7,pcp=0),1),2",
        By::Both,
    ),
    (
        "in_port(19),eth(),eth_type(0x0800),ipv4(frag=no)",
        "check_pkt_len(size=200,gt(1),le(2,3))",
        By::Both,
    ),
    (
        "in_port(20),eth(),eth_type(0x0800),ipv4(frag=no)",
        "hash(l4(0)),recirc(0x7)",
        By::Ours,
    ),
    (
        "in_port(21),eth(),eth_type(0x0800),ipv4(frag=no)",
        "push_mpls(label=100,tc=0,ttl=64,bos=1,eth_type=0x8847),1",
        By::Ours,
    ),
    (
        "in_port(22),eth(),eth_type(0x0800),ipv4(frag=no)",
        "pop_eth,push_eth(src=00:01:02:03:04:05,dst=0a:0b:0c:0d:0e:0f),1",
        By::Ours,
    ),
    (
        "in_port(23),eth(),eth_type(0x0800),ipv4(frag=no)",
        "userspace(pid=7,userdata(0102ff0000000000)),push_vlan(tpid=0x88a8,vid=5,pcp=1),trunc(100),1",
        By::Both,
    ),
];

/// `dump-flows` lines, sorted (two datapaths list flows in their own order).
fn sorted(dump: &str) -> Vec<String> {
    let mut v: Vec<String> = dump.lines().map(str::to_owned).collect();
    v.sort();
    v
}

/// Every key and action of [`TABLE`]: ours adds each to one datapath and
/// Debian's ovs-dpctl (where it can parse the case) to another; both tools
/// dump both datapaths in the same words, with and without `-m`; each
/// flow ours added dumps as it was written.
fn keys_and_actions() -> Result<(), Failed> {
    ok(OURS, &["add-dp", "t4"])?;
    ok(PEER, &["add-dp", "t5"])?;
    let r = (|| {
        let mut problems = Vec::new();
        // One `add-flows` per tool (a process per flow is slow under TCG).
        let file = |all: bool| {
            TABLE
                .iter()
                .filter(|(_, _, by)| all || *by == By::Both)
                .map(|(f, a, _)| format!("{f} {a}\n"))
                .collect::<String>()
        };
        std::fs::write("/tmp/t4.flows", file(true))?;
        std::fs::write("/tmp/t5.flows", file(false))?;
        for (tool, dp) in [(OURS, "t4"), (PEER, "t5")] {
            let path = format!("/tmp/{dp}.flows");
            let (good, _, err) = run(tool, &["add-flows", dp, &path]);
            if !good || !err.is_empty() {
                problems.push(format!("{tool} add-flows {dp}: {err}"));
            }
        }
        let ours4 = same(&["dump-flows", "t4"])?;
        let peer5 = same(&["dump-flows", "t5"])?;
        same(&["dump-flows", "-m", "t4"])?;
        same(&["dump-flows", "-m", "t5"])?;
        // The kernel adds its IPv6 extension-header attribute (32), which
        // ovs-dpctl 3.1 prints raw as `key32(..)`.
        let plain = ours4.replace(",key32(00 00/00 00)", "");
        for (f, a, _) in TABLE {
            let want = format!("{f}, packets:0, bytes:0, used:never, actions:{a}");
            if !plain.lines().any(|l| l == want) {
                problems.push(format!("not dumped as written: {want}"));
            }
        }
        let both: Vec<String> = sorted(&ours4)
            .into_iter()
            .filter(|l| {
                let l = l.replace(",key32(00 00/00 00)", "");
                TABLE
                    .iter()
                    .any(|(f, _, by)| *by == By::Both && l.starts_with(&format!("{f}, ")))
            })
            .collect();
        if both != sorted(&peer5) {
            problems.push(format!(
                "flows added by ours and by ovs-dpctl differ:\n{}\n---\n{peer5}",
                both.join("\n")
            ));
        }
        // A flow file can delete too: the first two flows, by key.
        let del: String = TABLE[..2]
            .iter()
            .map(|(f, _, _)| format!("delete {f}\n"))
            .collect();
        std::fs::write("/tmp/t4.del", del)?;
        let (good, _, err) = run(OURS, &["del-flows", "t4", "/tmp/t4.del"]);
        let left = ok(OURS, &["dump-flows", "t4"])?;
        if !good || !err.is_empty() || left.lines().count() + 2 != ours4.lines().count() {
            problems.push(format!("del-flows t4 FILE ({err}) left:\n{left}"));
        }
        if problems.is_empty() {
            Ok(())
        } else {
            // The kernel says why it refused a flow in its log.
            let (_, log, _) = run("dmesg", &[]);
            let why: Vec<&str> = log.lines().filter(|l| l.contains("openvswitch")).collect();
            problems.push(format!("kernel log:\n{}", why.join("\n")));
            Err(problems.join("\n").into())
        }
    })();
    let _ = run(PEER, &["del-dp", "t4"]);
    let _ = run(PEER, &["del-dp", "t5"]);
    r
}

const UFID: &str = "0a1b2c3d-4e5f-6071-8293-a4b5c6d7e8f9";
const UFID2: &str = "11111111-2222-3333-4444-555555555555";

/// Flows with UFIDs: added by either tool, found by `get-flow ufid:` of
/// both, shown by `-m`, deleted by UFID.
fn flows_by_ufid() -> Result<(), Failed> {
    ok(OURS, &["add-dp", "t6"])?;
    let r = (|| {
        let f1 = format!("ufid:{UFID},in_port(1),eth(),eth_type(0x0800),ipv4(frag=no)");
        let f2 = format!("ufid:{UFID2},in_port(2),eth(),eth_type(0x0800),ipv4(frag=no)");
        ok(OURS, &["add-flow", "t6", &f1, "2"])?;
        ok(PEER, &["add-flow", "t6", &f2, "1"])?;
        for u in [UFID, UFID2] {
            let id = format!("ufid:{u}");
            let got = same(&["get-flow", "t6", &id])?;
            if got.lines().count() != 1 {
                return Err(format!("get-flow {id}: {got}").into());
            }
        }
        same(&["get-flow", "-m", "t6", &format!("ufid:{UFID2}")])?;
        let more = same(&["dump-flows", "-m", "t6"])?;
        for u in [UFID, UFID2] {
            if !more.contains(&format!("ufid:{u}, ")) {
                return Err(format!("no ufid {u} in:\n{more}").into());
            }
        }
        ok(OURS, &["del-flow", "t6", &format!("ufid:{UFID2}")])?;
        let left = ok(OURS, &["dump-flows", "t6"])?;
        if left.lines().count() != 1 || !left.starts_with("in_port(1),") {
            return Err(format!("del-flow by ufid left:\n{left}").into());
        }
        Ok(())
    })();
    let _ = run(PEER, &["del-dp", "t6"]);
    r
}

/// Tunnel ports with options, added by ours (as the kernel's tunnel
/// vports, named as ovs-vswitchd names them) and by Debian's ovs-dpctl
/// (as a device made over rtnetlink): `show` agrees. The datapath stays
/// until the guest powers off (removing tunnel ports hangs in the VM).
fn tunnel_ports() -> Result<(), Failed> {
    ok(
        OURS,
        &[
            "add-dp",
            "t7",
            "vx,type=vxlan,remote_ip=flow,dst_port=4790",
            "gn,type=geneve,remote_ip=flow",
            "gr,type=gre,remote_ip=flow",
        ],
    )?;
    ok(PEER, &["add-if", "t7", "vx2,type=vxlan,remote_ip=flow"])?;
    let show = same(&["show", "t7"])?;
    for want in [
        "vxlan_sys_4790 (vxlan: dst_port=4790, packet_type=ptap)",
        "genev_sys_6081 (geneve: packet_type=ptap)",
        "gre_sys (gre: packet_type=ptap)",
        "vxlan_sys_4789 (vxlan: packet_type=ptap)",
    ] {
        if !show.contains(want) {
            return Err(format!("no `{want}` in:\n{show}").into());
        }
    }
    // The kernel cannot change a port's options.
    let (good, _, err) = run(OURS, &["set-if", "t7", "vxlan_sys_4790,dst_port=4791"]);
    if good || !err.contains("Operation not supported") {
        return Err(format!("set-if dst_port: {err}").into());
    }
    // A tunnel needs a remote, as ovs-dpctl says.
    let (good, _, err) = run(OURS, &["add-if", "t7", "vx3,type=vxlan"]);
    if good || !err.contains("vxlan type requires valid 'remote_ip' argument") {
        return Err(format!("add-if without remote_ip: {err}").into());
    }
    Ok(())
}

/// `set-if`: both tools refuse to change a port's type in the same words;
/// ours sets a port's upcall PID.
fn set_if() -> Result<(), Failed> {
    ok(OURS, &["add-dp", "t8", "t8p,type=internal"])?;
    let r = (|| {
        let args = ["set-if", "t8", "t8p,type=system"];
        let (a, _, ours) = run(OURS, &args);
        let (b, _, peer) = run(PEER, &args);
        let last = |s: &str| s.lines().last().unwrap_or_default().to_owned();
        if a || b || last(&ours) != last(&peer) {
            return Err(format!("set-if type: ours {ours:?}, ovs-dpctl {peer:?}").into());
        }
        ok(OURS, &["set-if", "t8", "t8p,type=internal,upcall_pid=7"])?;
        same(&["show", "t8"])?;
        Ok(())
    })();
    let _ = run(PEER, &["del-dp", "t8"]);
    r
}

/// Packets through a flow: a TCP connection attempt leaves the guest by
/// an internal port into the datapath, where it matches a flow; both tools
/// print the same counters and `flags:S` (the TCP flags seen).
fn tcp_flags_and_counters() -> Result<(), Failed> {
    ok(OURS, &["add-dp", "t9", "t9p,type=internal"])?;
    let r = (|| {
        let flow =
            "in_port(1),eth(),eth_type(0x0800),ipv4(proto=6,frag=no),tcp(dst=80),tcp_flags(0/0)";
        ok(OURS, &["add-flow", "t9", flow, "drop"])?;
        for args in [
            &["link", "set", "t9p", "up"][..],
            &["addr", "add", "10.9.9.1/24", "dev", "t9p"],
            &[
                "neigh",
                "add",
                "10.9.9.2",
                "lladdr",
                "02:00:00:00:00:02",
                "dev",
                "t9p",
            ],
        ] {
            ok("ip", args)?;
        }
        // The SYN goes out and nothing answers.
        let to = std::net::SocketAddr::from(([10, 9, 9, 2], 80));
        let _ = std::net::TcpStream::connect_timeout(&to, std::time::Duration::from_millis(300));
        let dump = same(&["dump-flows", "t9"])?;
        let line = dump
            .lines()
            .find(|l| l.contains("tcp(dst=80)"))
            .ok_or_else(|| format!("no flow in:\n{dump}"))?;
        if line.contains("packets:0,") || !line.contains(", flags:S, actions:drop") {
            return Err(format!("no SYN counted: {line}").into());
        }
        // `-s del-flow` prints the counters the flow had.
        let gone = ok(OURS, &["-s", "del-flow", "t9", flow])?;
        let counts = |l: &str| l.split(", used:").next().unwrap_or_default().to_owned();
        if !line.contains(&counts(&gone)) || !gone.contains("flags:S") {
            return Err(format!("-s del-flow printed {gone:?} for {line}").into());
        }
        Ok(())
    })();
    let _ = run(PEER, &["del-dp", "t9"]);
    r
}

/// `dec_ttl`: the 6.1 kernel takes it and this tool prints it back;
/// ovs-dpctl 3.1 does not know the action (it reads attribute 23 as its
/// own `tnl_push`), so its output is not compared.
fn dec_ttl() -> Result<(), Failed> {
    ok(OURS, &["add-dp", "t10"])?;
    let r = (|| {
        let flow = "in_port(1),eth(),eth_type(0x0800),ipv4(frag=no)";
        let acts = "dec_ttl(le_1(userspace(pid=3,userdata(0102030405060708)))),2";
        ok(OURS, &["add-flow", "t10", flow, acts])?;
        let dump = normalise(&ok(OURS, &["dump-flows", "t10"])?);
        let want = format!("{flow}, packets:0, bytes:0, used:never, actions:{acts}");
        if dump.trim_end() != want {
            return Err(format!("dumped {dump:?}, not {want:?}").into());
        }
        Ok(())
    })();
    let _ = run(PEER, &["del-dp", "t10"]);
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

/// A guest trial that reports its time on stderr (the VM's console).
fn timed(name: &'static str, f: fn() -> Result<(), Failed>) -> Trial {
    Trial::test(name, move || {
        let t = std::time::Instant::now();
        let r = f();
        eprintln!("ovs-dpctl trial {name}: {:.1} s", t.elapsed().as_secs_f64());
        r
    })
}

fn guest_trials() -> Vec<Trial> {
    vec![
        timed("show_after_add_dp", show_after_add_dp),
        timed("show_stats", show_stats),
        timed("flows_both_ways", flows_both_ways),
        timed("missing_datapath", missing_datapath),
        timed("keys_and_actions", keys_and_actions),
        timed("flows_by_ufid", flows_by_ufid),
        timed("tunnel_ports", tunnel_ports),
        timed("set_if", set_if),
        timed("tcp_flags_and_counters", tcp_flags_and_counters),
        timed("dec_ttl", dec_ttl),
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
    // How long the guest's tests and the whole run took.
    for l in run.log.lines() {
        if l.contains("test result:")
            || l.contains("guest run took")
            || l.contains("ovs-dpctl trial ")
        {
            eprintln!("ovs_dpctl_in_vm: {}", l.trim_matches('-').trim());
        }
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
