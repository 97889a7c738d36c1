//! `ovs-switch` against a real kernel. On the host, one test boots a VM
//! with `openvswitch.ko` (`genl_testkit::vm`; skipped when the VM cannot be
//! had here, a failure under `GENL_STRICT=1`) and runs this same program
//! in it, with `ovs-switch` on the guest's `PATH`. In the guest
//! (`GENL_IN_VM=1`) the guest tests run: two network namespaces, each with
//! a veth whose peer is a port of the switch, ping each other.
//!
//! Output and filtering are libtest's (`libtest-mimic`); the guest's stdout
//! carries libtest's lines only, which the host reads.

#![forbid(unsafe_code)]

use libtest_mimic::{Arguments, ColorSetting, Failed, Trial};

/// A guest test: its name and its function.
type GuestTest = (&'static str, fn() -> Result<(), Failed>);

/// The guest tests.
const GUEST_TESTS: &[GuestTest] = &[
    (
        "forwards_ping_through_kernel_flows",
        guest::forwards_ping_through_kernel_flows,
    ),
    (
        "takes_an_existing_datapath",
        guest::takes_an_existing_datapath,
    ),
    (
        "fails_on_a_missing_interface_and_cleans_up",
        guest::fails_on_a_missing_interface_and_cleans_up,
    ),
];

fn main() {
    let mut args = Arguments::from_args();
    let trials = if std::env::var_os("GENL_IN_VM").is_some() {
        // The tests share the kernel's datapaths and namespaces; the serial
        // port is a terminal, but the host reads it as a file.
        args.test_threads = Some(1);
        args.color = Some(ColorSetting::Never);
        GUEST_TESTS
            .iter()
            .map(|&(name, test)| Trial::test(name, test))
            .collect()
    } else {
        vec![Trial::test("ovs_switch_in_vm", host::ovs_switch_in_vm)]
    };
    libtest_mimic::run(&args, trials).exit();
}

/// The host side: boots the VM and reads what the guest reported.
mod host {

    use genl_testkit::vm::Vm;
    use libtest_mimic::Failed;

    pub fn ovs_switch_in_vm() -> Result<(), Failed> {
        let vm = match Vm::prepare() {
            Ok(vm) => vm,
            Err(skip) => {
                genl_testkit::skip("ovs_switch_in_vm", &skip.0);
                return Ok(());
            }
        };
        let guest = std::env::current_exe()?;
        let run = vm
            .with_program(env!("CARGO_BIN_EXE_ovs-switch"))
            .run(&guest, &[])?;
        eprintln!("{}", run.log);
        for (name, outcome) in &run.results {
            eprintln!("guest: {name} ... {outcome:?}");
        }
        let expected: Vec<&str> = super::GUEST_TESTS.iter().map(|(name, _)| *name).collect();
        run.passed(&expected)?;
        Ok(())
    }
}

/// The guest side: namespaces, the switch, pings, and the kernel's counters.
mod guest {
    use std::io::{BufRead, BufReader};
    use std::process::{Child, Command, Stdio};
    use std::sync::mpsc::{self, Receiver, RecvTimeoutError};
    use std::thread::JoinHandle;
    use std::time::{Duration, Instant};

    use genl_ovs::{datapath, flow};
    use libtest_mimic::Failed;

    /// The two hosts: namespace, root-side port, MAC address, IPv4 address.
    const HOSTS: [(&str, &str, &str, &str); 2] = [
        ("swa", "swa0", "02:00:00:00:00:0a", "192.0.2.1"),
        ("swb", "swb0", "02:00:00:00:00:0b", "192.0.2.2"),
    ];

    /// Runs a program, returning its stdout, or failing with its output.
    fn run(program: &str, args: &[&str]) -> Result<String, Failed> {
        genl_testkit::output_of(program, args).map_err(Failed::from)
    }

    /// Two namespaces, each with a veth whose peer is in the root
    /// namespace; removed on drop.
    struct Hosts;

    impl Hosts {
        fn setup() -> Result<Hosts, Failed> {
            std::fs::create_dir_all("/var/run/netns")?;
            let hosts = Hosts;
            for (ns, port, mac, addr) in HOSTS {
                let peer = format!("{ns}1");
                let cidr = format!("{addr}/24");
                run("ip", &["netns", "add", ns])?;
                // No IPv6: its neighbour discovery would flood the switch
                // with multicasts while the counters are read.
                run(
                    "ip",
                    &[
                        "netns",
                        "exec",
                        ns,
                        "sysctl",
                        "-w",
                        "net.ipv6.conf.default.disable_ipv6=1",
                    ],
                )?;
                run(
                    "ip",
                    &[
                        "link", "add", port, "type", "veth", "peer", "name", &peer, "netns", ns,
                    ],
                )?;
                run("ip", &["-n", ns, "link", "set", &peer, "address", mac])?;
                run("ip", &["-n", ns, "addr", "add", &cidr, "dev", &peer])?;
                run("ip", &["-n", ns, "link", "set", &peer, "up"])?;
                run("ip", &["link", "set", port, "up"])?;
            }
            Ok(hosts)
        }
    }

    impl Drop for Hosts {
        fn drop(&mut self) {
            for (ns, port, _, _) in HOSTS {
                let _ = Command::new("ip").args(["netns", "del", ns]).output();
                let _ = Command::new("ip").args(["link", "del", port]).output();
            }
        }
    }

    /// A running `ovs-switch`, its stdout read line by line on a thread.
    struct Switch {
        child: Child,
        lines: Receiver<String>,
        reader: Option<JoinHandle<()>>,
        /// Every line read so far.
        seen: Vec<String>,
    }

    impl Switch {
        /// Starts it, and waits until it says it is ready.
        fn start(args: &[&str]) -> Result<Switch, Failed> {
            eprintln!("$ ovs-switch {}", args.join(" "));
            let mut child = Command::new("ovs-switch")
                .args(args)
                .stdout(Stdio::piped())
                .spawn()
                .map_err(|e| format!("cannot run ovs-switch: {e}"))?;
            let stdout = child.stdout.take().ok_or("ovs-switch without stdout")?;
            let (tx, lines) = mpsc::channel();
            let reader = std::thread::spawn(move || {
                for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                    eprintln!("ovs-switch: {line}");
                    if tx.send(line).is_err() {
                        break;
                    }
                }
            });
            let mut switch = Switch {
                child,
                lines,
                reader: Some(reader),
                seen: Vec::new(),
            };
            let deadline = Instant::now() + Duration::from_secs(20);
            loop {
                let left = deadline.saturating_duration_since(Instant::now());
                match switch.lines.recv_timeout(left) {
                    Ok(line) => {
                        let ready = line == "ready";
                        switch.seen.push(line);
                        if ready {
                            return Ok(switch);
                        }
                    }
                    Err(RecvTimeoutError::Timeout) => {
                        return Err("ovs-switch did not get ready in 20 s".into());
                    }
                    Err(RecvTimeoutError::Disconnected) => {
                        let status = switch.child.wait()?;
                        return Err(
                            format!("ovs-switch exited ({status}) before it was ready").into()
                        );
                    }
                }
            }
        }

        /// Stops it with SIGTERM; its whole output once it exited cleanly.
        fn stop(mut self) -> Result<Vec<String>, Failed> {
            let pid = rustix::process::Pid::from_child(&self.child);
            rustix::process::kill_process(pid, rustix::process::Signal::TERM)?;
            let deadline = Instant::now() + Duration::from_secs(10);
            let status = loop {
                if let Some(status) = self.child.try_wait()? {
                    break status;
                }
                if Instant::now() > deadline {
                    return Err("ovs-switch did not stop within 10 s of SIGTERM".into());
                }
                std::thread::sleep(Duration::from_millis(20));
            };
            if let Some(reader) = self.reader.take() {
                let _ = reader.join();
            }
            self.seen.extend(self.lines.try_iter());
            if !status.success() {
                return Err(format!("ovs-switch failed on SIGTERM: {status}").into());
            }
            Ok(std::mem::take(&mut self.seen))
        }
    }

    impl Drop for Switch {
        fn drop(&mut self) {
            if self.reader.is_some() {
                let _ = self.child.kill();
                let _ = self.child.wait();
            }
        }
    }

    /// Pings `to` from namespace `ns` `count` times, 0.1 s apart; fails
    /// unless every reply came.
    fn ping(ns: &str, to: &str, count: u32) -> Result<(), Failed> {
        let count = count.to_string();
        let out = run(
            "ip",
            &[
                "netns", "exec", ns, "ping", "-c", &count, "-i", "0.1", "-W", "5", to,
            ],
        )?;
        if !out.contains(" 0% packet loss") {
            return Err(format!("ping lost packets:\n{out}").into());
        }
        Ok(())
    }

    /// The kernel's counters of a datapath and its flows.
    #[derive(Debug)]
    struct Counters {
        /// Packets that matched no flow, each an upcall to the switch.
        missed: u64,
        hit: u64,
        lost: u64,
        /// The flows: (key, packets).
        flows: Vec<(flow::KeyAttrs, u64)>,
    }

    impl Counters {
        /// Reads them through the typed clients.
        fn read(dp: &str) -> Result<Counters, Failed> {
            let mut datapaths = datapath::Client::connect()?;
            let get = datapath::GetDoRequest {
                name: Some(dp.to_owned()),
                ..Default::default()
            };
            let (header, reply) = datapaths.get(&datapath::OvsHeader::default(), &get)?;
            let stats = reply.stats.ok_or("the datapath has no stats")?;
            let mut flows = flow::Client::connect()?;
            let header = flow::OvsHeader {
                dp_ifindex: header.dp_ifindex,
            };
            let mut listed = Vec::new();
            for reply in flows.get_dump(&header, &flow::GetDumpRequest::default())? {
                let (_, f) = reply?;
                let key = f.key.ok_or("a flow without a key")?;
                listed.push((*key, f.stats.map_or(0, |s| s.n_packets)));
            }
            let counters = Counters {
                missed: stats.n_missed,
                hit: stats.n_hit,
                lost: stats.n_lost,
                flows: listed,
            };
            eprintln!(
                "{dp}: missed {} hit {} lost {}, {} flows with {} packets",
                counters.missed,
                counters.hit,
                counters.lost,
                counters.flows.len(),
                counters.flow_packets()
            );
            Ok(counters)
        }

        fn flow_packets(&self) -> u64 {
            self.flows.iter().map(|(_, n)| n).sum()
        }
    }

    /// The MAC address of `HOSTS[i]` as bytes.
    fn mac(i: usize) -> [u8; 6] {
        let mut mac = [0; 6];
        for (b, part) in mac.iter_mut().zip(HOSTS[i].2.split(':')) {
            *b = u8::from_str_radix(part, 16).unwrap_or_default();
        }
        mac
    }

    pub fn forwards_ping_through_kernel_flows() -> Result<(), Failed> {
        let _hosts = Hosts::setup()?;
        let switch = Switch::start(&["--dp", "swtest", HOSTS[0].1, HOSTS[1].1])?;
        let (a, b) = (HOSTS[0], HOSTS[1]);

        // The first packets go up: ARP's broadcast is flooded, the rest
        // installs flows.
        ping(a.0, b.3, 3)?;
        let before = Counters::read("swtest")?;
        // Then the kernel forwards on its own.
        const PINGS: u64 = 10;
        ping(a.0, b.3, PINGS as u32)?;
        let after = Counters::read("swtest")?;
        let dpctl = run("ovs-dpctl", &["dump-flows", "swtest"])?;
        let lines = switch.stop()?;

        // The flows: one each way for IPv4 between a and b, none to the
        // broadcast address.
        for (src, dst) in [(mac(0), mac(1)), (mac(1), mac(0))] {
            let found = after.flows.iter().any(|(key, _)| {
                key.ethernet
                    .is_some_and(|e| e.eth_src == src && e.eth_dst == dst)
                    && key.ethertype.is_some_and(|t| t.0 == 0x0800)
            });
            if !found {
                return Err(format!("no IPv4 flow {src:02x?} -> {dst:02x?}: {after:#?}").into());
            }
        }
        if after
            .flows
            .iter()
            .any(|(key, _)| key.ethernet.is_some_and(|e| e.eth_dst == [0xff; 6]))
        {
            return Err(format!("a flow to the broadcast address: {after:#?}").into());
        }
        if !dpctl.contains("eth_type(0x0800)") {
            return Err(format!("ovs-dpctl sees no IPv4 flow:\n{dpctl}").into());
        }

        // The second round went through the flows: each echo and reply
        // counted there, and (nearly) no upcall. An ARP probe, once the
        // neighbour entries age, may still go up.
        let upcalls = after.missed - before.missed;
        let forwarded = after.flow_packets() - before.flow_packets();
        eprintln!("second round: {upcalls} upcalls, {forwarded} packets through flows");
        if upcalls > 2 {
            return Err(format!("{upcalls} upcalls while pinging through installed flows").into());
        }
        if forwarded < 2 * PINGS || after.hit - before.hit < 2 * PINGS {
            return Err(format!(
                "only {forwarded} packets went through flows ({} hits) for {PINGS} pings",
                after.hit - before.hit
            )
            .into());
        }
        if after.lost != 0 {
            return Err(format!("{} upcalls were lost", after.lost).into());
        }

        // What the switch said, and what it left behind.
        let said = |prefix: String| {
            if lines.iter().any(|l| l.starts_with(&prefix)) {
                Ok(())
            } else {
                Err(Failed::from(format!(
                    "ovs-switch never said `{prefix}`: {lines:#?}"
                )))
            }
        };
        said(format!("learned {} on port", a.2))?;
        said(format!("learned {} on port", b.2))?;
        said("flow in_port=".to_owned())?;
        said(format!(
            "flow in_port=1 src={} dst={} eth_type=0x0800 actions=output:2",
            a.2, b.2
        ))?;
        said(format!(
            "flow in_port=2 src={} dst={} eth_type=0x0800 actions=output:1",
            b.2, a.2
        ))?;
        said("deleted datapath swtest".to_owned())?;
        if Command::new("ovs-dpctl")
            .args(["show", "swtest"])
            .output()?
            .status
            .success()
        {
            return Err("the datapath is still there after ovs-switch stopped".into());
        }
        Ok(())
    }

    pub fn takes_an_existing_datapath() -> Result<(), Failed> {
        run("ovs-dpctl", &["add-dp", "swkeep"])?;
        let result = (|| {
            run("ip", &["link", "add", "swk0", "type", "dummy"])?;
            run("ip", &["link", "set", "swk0", "up"])?;
            let out = run(
                "ovs-switch",
                &["--dp", "swkeep", "--duration", "0.3", "swk0"],
            )?;
            for expected in [
                "datapath swkeep (ifindex ",
                "port 1: swk0",
                "removed port 1: swk0",
            ] {
                if !out.contains(expected) {
                    return Err(format!("ovs-switch never said `{expected}`:\n{out}").into());
                }
            }
            if !out.contains(") taken;") {
                return Err(format!("ovs-switch did not take the datapath:\n{out}").into());
            }
            // The datapath stays, without the port.
            let show = run("ovs-dpctl", &["show", "swkeep"])?;
            if show.contains("swk0") {
                return Err(format!("swk0 is still a port:\n{show}").into());
            }
            Ok(())
        })();
        let _ = Command::new("ovs-dpctl")
            .args(["del-dp", "swkeep"])
            .output();
        let _ = Command::new("ip").args(["link", "del", "swk0"]).output();
        result
    }

    pub fn fails_on_a_missing_interface_and_cleans_up() -> Result<(), Failed> {
        let out = Command::new("ovs-switch")
            .args(["--dp", "swbad", "nosuch0"])
            .output()?;
        let stderr = String::from_utf8_lossy(&out.stderr);
        eprintln!("ovs-switch --dp swbad nosuch0: {}\n{stderr}", out.status);
        if out.status.success() {
            return Err("ovs-switch succeeded with a missing interface".into());
        }
        if !stderr.contains("cannot add nosuch0 to swbad") {
            return Err(format!("an unclear error: {stderr}").into());
        }
        if Command::new("ovs-dpctl")
            .args(["show", "swbad"])
            .output()?
            .status
            .success()
        {
            let _ = Command::new("ovs-dpctl").args(["del-dp", "swbad"]).output();
            return Err("the datapath it created is still there".into());
        }
        Ok(())
    }
}
