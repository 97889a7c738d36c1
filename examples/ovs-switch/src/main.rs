//! `ovs-switch`: a learning Ethernet switch on the kernel's Open vSwitch
//! datapath, written with the typed clients of `genl-ovs`.
//!
//! ```text
//! ovs-switch --dp sw0 veth-a veth-b
//! ```
//!
//! It creates the datapath (or takes it when it exists), attaches each
//! interface as a `netdev` port, and has the kernel send the packets that
//! match no flow (miss upcalls) to its own netlink socket. For each upcall:
//!
//! 1. the source MAC address is learned on the port the packet came in on;
//! 2. if the destination is known, a flow is installed that sends the
//!    packets of this in-port, source, destination and EtherType straight
//!    to the destination's port, and the packet itself is sent there with
//!    an `execute`; the following packets never leave the kernel;
//! 3. if the destination is unknown (or a group address), the packet is
//!    sent out of every other port with an `execute`, and no flow is
//!    installed.
//!
//! Flooding installs no flow on purpose. `ovs-vswitchd` does install one
//! for a flood, and its revalidator threads replace it once the
//! destination is learned; a switch without revalidators would keep
//! flooding in the kernel for ever. Here every broadcast and unknown
//! destination costs one upcall, which keeps the flow table right without
//! any bookkeeping. When an address moves to another port, the flows to
//! and from it are deleted.
//!
//! It stops on SIGINT or SIGTERM, after `--duration` seconds or after
//! `--packets` upcalls, and then deletes the datapath if it created it (or
//! else the ports and flows it added). It prints one line per port,
//! learned address and flow.

#![forbid(unsafe_code)]

mod learning;

use std::collections::{BTreeMap, HashMap};
use std::fmt;
use std::io::ErrorKind;
use std::process::ExitCode;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use clap::Parser;
use genl_ovs::{datapath, flow, packet, vport};
use genl_runtime::Error;
use genl_runtime::wire::Be;

use learning::{Decision, Learned, Mac, MacTable};

/// How long a wait for an upcall lasts before the stop conditions are
/// looked at again.
const POLL: Duration = Duration::from_millis(100);

/// A learning Ethernet switch on the kernel's Open vSwitch datapath.
#[derive(Debug, Parser)]
#[command(version)]
struct Args {
    /// The datapath: created when missing (and deleted on exit), taken
    /// when it exists.
    #[arg(long, default_value = "ovs-switch")]
    dp: String,
    /// Network devices to switch between; each becomes a port.
    #[arg(required = true, value_name = "INTERFACE")]
    interfaces: Vec<String>,
    /// Stop after this many seconds.
    #[arg(long, value_name = "SECONDS")]
    duration: Option<f64>,
    /// Stop after this many upcalls.
    #[arg(long, value_name = "N")]
    packets: Option<u64>,
}

fn main() -> ExitCode {
    let args = Args::parse();
    match run(&args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("ovs-switch: {e}");
            ExitCode::FAILURE
        }
    }
}

fn run(args: &Args) -> Result<(), String> {
    let stop = Arc::new(AtomicBool::new(false));
    for signal in [signal_hook::consts::SIGINT, signal_hook::consts::SIGTERM] {
        signal_hook::flag::register(signal, Arc::clone(&stop))
            .map_err(|e| format!("cannot handle signal {signal}: {e}"))?;
    }
    let duration = match args.duration {
        Some(s) => {
            Some(Duration::try_from_secs_f64(s).map_err(|e| format!("--duration {s}: {e}"))?)
        }
        None => None,
    };
    let until = Until {
        stop,
        deadline: duration.map(|d| Instant::now() + d),
        upcalls: args.packets,
    };

    let mut switch = Switch::open(&args.dp)?;
    let served = args
        .interfaces
        .iter()
        .try_for_each(|name| switch.add_port(name))
        .and_then(|()| switch.serve(&until));
    let closed = switch.close();
    served.and(closed)
}

/// When to stop serving.
struct Until {
    /// Set by SIGINT and SIGTERM.
    stop: Arc<AtomicBool>,
    deadline: Option<Instant>,
    upcalls: Option<u64>,
}

/// The datapath the switch runs on.
struct Datapath {
    name: String,
    ifindex: i32,
    /// Created by the switch, and so deleted on exit.
    created: bool,
}

/// A port of the switch.
struct Port {
    name: String,
    /// Attached by the switch, and so detached on exit.
    added: bool,
}

/// What a flow matches: in-port, Ethernet addresses and EtherType; every
/// other field of the key is wildcarded.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
struct FlowMatch {
    in_port: u32,
    src: Mac,
    dst: Mac,
    ethertype: u16,
}

impl FlowMatch {
    /// The flow mask: ones over the matched fields.
    fn mask() -> flow::KeyAttrs {
        flow::KeyAttrs {
            in_port: Some(u32::MAX),
            ethernet: Some(flow::OvsKeyEthernet {
                eth_src: [0xff; 6],
                eth_dst: [0xff; 6],
            }),
            ethertype: Some(Be(0xffff)),
            ..Default::default()
        }
    }
}

impl fmt::Display for FlowMatch {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "in_port={} src={} dst={} eth_type=0x{:04x}",
            self.in_port, self.src, self.dst, self.ethertype
        )
    }
}

/// The switch: a client per OVS family, the ports, what it learned and
/// the flows it installed.
struct Switch {
    datapaths: datapath::Client,
    vports: vport::Client,
    flows: flow::Client,
    /// Sends packets out (`execute`).
    packets: packet::Client,
    /// Receives the upcalls: its socket's port id is the upcall pid.
    upcalls: packet::Client,
    dp: Datapath,
    ports: BTreeMap<u32, Port>,
    macs: MacTable,
    /// The flows installed, with the full key each was installed with
    /// (which deleting it needs).
    installed: HashMap<FlowMatch, flow::KeyAttrs>,
    n_upcalls: u64,
    n_flows: u64,
}

impl Switch {
    /// Opens the clients and creates (or takes) the datapath `name`.
    fn open(name: &str) -> Result<Switch, String> {
        let connect = |what: &str, e: Error| format!("cannot open a {what} client: {e}");
        let mut upcalls = packet::Client::connect().map_err(|e| connect("packet", e))?;
        // Look the family up now: from here on, receives wait only so long.
        upcalls
            .connection()
            .family(packet::FAMILY_NAME)
            .map_err(|e| format!("{}: {e} (is openvswitch loaded?)", packet::FAMILY_NAME))?;
        upcalls
            .connection()
            .set_timeout(Some(POLL))
            .map_err(|e| format!("cannot set a receive timeout: {e}"))?;
        let pid = upcalls.connection().socket().port_id();
        let mut datapaths = datapath::Client::connect().map_err(|e| connect("datapath", e))?;

        let new = datapath::NewDoRequest {
            name: Some(name.to_owned()),
            upcall_pid: Some(pid),
            ..Default::default()
        };
        let none = datapath::OvsHeader::default();
        let dp = match datapaths.new(&none, &new) {
            Ok((header, _)) => Datapath {
                name: name.to_owned(),
                ifindex: header.dp_ifindex,
                created: true,
            },
            Err(e) if errno_is(&e, &[ErrorKind::AlreadyExists]) => {
                let get = datapath::GetDoRequest {
                    name: Some(name.to_owned()),
                    ..Default::default()
                };
                let (header, _) = datapaths
                    .get(&none, &get)
                    .map_err(|e| format!("cannot read datapath {name}: {e}"))?;
                Datapath {
                    name: name.to_owned(),
                    ifindex: header.dp_ifindex,
                    created: false,
                }
            }
            Err(e) => return Err(format!("cannot create datapath {name}: {e}")),
        };
        println!(
            "datapath {} (ifindex {}) {}; upcalls to netlink port {pid}",
            dp.name,
            dp.ifindex,
            if dp.created { "created" } else { "taken" }
        );
        Ok(Switch {
            datapaths,
            vports: vport::Client::connect().map_err(|e| connect("vport", e))?,
            flows: flow::Client::connect().map_err(|e| connect("flow", e))?,
            packets: packet::Client::connect().map_err(|e| connect("packet", e))?,
            upcalls,
            dp,
            ports: BTreeMap::new(),
            macs: MacTable::default(),
            installed: HashMap::new(),
            n_upcalls: 0,
            n_flows: 0,
        })
    }

    fn vport_header(&self) -> vport::OvsHeader {
        vport::OvsHeader {
            dp_ifindex: self.dp.ifindex,
        }
    }

    fn flow_header(&self) -> flow::OvsHeader {
        flow::OvsHeader {
            dp_ifindex: self.dp.ifindex,
        }
    }

    /// Attaches the device `name` as a port whose upcalls come to us; a
    /// port the datapath already has is taken over.
    fn add_port(&mut self, name: &str) -> Result<(), String> {
        let pid = self.upcalls.connection().socket().port_id();
        let header = self.vport_header();
        let new = vport::NewDoRequest {
            name: Some(name.to_owned()),
            r#type: Some(vport::VportType::Netdev),
            upcall_pid: Some(vec![pid]),
            ..Default::default()
        };
        let (port_no, added) = match self.vports.new(&header, &new) {
            Ok((_, port)) => (port.port_no, true),
            Err(e) if errno_is(&e, &[ErrorKind::AlreadyExists, ErrorKind::ResourceBusy]) => {
                // Already attached: to this datapath, then send its upcalls here.
                let set = vport::SetDoRequest {
                    name: Some(name.to_owned()),
                    upcall_pid: Some(vec![pid]),
                    ..Default::default()
                };
                let (_, port) = self
                    .vports
                    .set(&header, &set)
                    .map_err(|_| format!("cannot add {name} to {}: {e}", self.dp.name))?;
                (port.port_no, false)
            }
            Err(e) => return Err(format!("cannot add {name} to {}: {e}", self.dp.name)),
        };
        let port_no = port_no.ok_or_else(|| format!("the kernel did not number port {name}"))?;
        println!("port {port_no}: {name}");
        self.ports.insert(
            port_no,
            Port {
                name: name.to_owned(),
                added,
            },
        );
        Ok(())
    }

    /// Handles upcalls until told to stop.
    fn serve(&mut self, until: &Until) -> Result<(), String> {
        println!("ready");
        while !until.stop.load(Ordering::Relaxed)
            && until.deadline.is_none_or(|d| Instant::now() < d)
            && until.upcalls.is_none_or(|n| self.n_upcalls < n)
        {
            match self.upcalls.next_event() {
                Ok(packet::Event::Miss(_, miss)) => self.on_miss(miss),
                // Action upcalls come from userspace actions, which this
                // switch never installs.
                Ok(_) => {}
                Err(Error::Io(e)) if matches!(e.kind(), ErrorKind::WouldBlock) => {}
                Err(Error::Overrun) => eprintln!("upcalls were lost: the socket's buffer was full"),
                Err(e @ Error::Decode { .. }) => eprintln!("an upcall was dropped: {e}"),
                Err(e) => return Err(format!("cannot receive upcalls: {e}")),
            }
        }
        Ok(())
    }

    /// A packet that matched no flow: learn, then forward or flood.
    fn on_miss(&mut self, miss: packet::MissEvent) {
        let (Some(key), Some(frame)) = (miss.key, miss.packet) else {
            return;
        };
        let (Some(in_port), Some(eth)) = (key.in_port, key.ethernet) else {
            return;
        };
        // Not one of ours (the datapath's local port, say).
        let Some(port) = self.ports.get(&in_port) else {
            return;
        };
        self.n_upcalls += 1;
        let (src, dst) = (Mac(eth.eth_src), Mac(eth.eth_dst));
        match self.macs.learn(src, in_port) {
            Learned::New => println!("learned {src} on port {in_port} ({})", port.name),
            Learned::Moved { from } => {
                println!(
                    "moved {src} from port {from} to port {in_port} ({})",
                    port.name
                );
                self.forget_flows_of(src);
            }
            Learned::Nothing => {}
        }
        let actions = match self.macs.decide(in_port, dst, self.ports.keys().copied()) {
            Decision::Forward(out) => {
                let actions = vec![flow::Action::Output(out)];
                self.install(&key, &actions);
                actions
            }
            Decision::Flood(ports) => ports.into_iter().map(flow::Action::Output).collect(),
            Decision::Drop => return,
        };
        self.execute(key, frame, actions);
    }

    /// Installs a flow for the packets like the one of `key`: the key as
    /// the upcall gave it, a mask that matches in-port, Ethernet addresses
    /// and EtherType. VLAN-tagged frames get no flow (their key nests the
    /// inner one, which the mask would have to follow); they are forwarded
    /// one upcall at a time.
    fn install(&mut self, key: &flow::KeyAttrs, actions: &[flow::Action]) {
        let (Some(in_port), Some(eth), Some(ethertype), None) =
            (key.in_port, key.ethernet, key.ethertype, key.vlan)
        else {
            return;
        };
        let m = FlowMatch {
            in_port,
            src: Mac(eth.eth_src),
            dst: Mac(eth.eth_dst),
            ethertype: ethertype.0,
        };
        if self.installed.contains_key(&m) {
            return; // upcalls queued before the flow was in
        }
        let request = flow::NewDoRequest {
            key: Some(Box::new(key.clone())),
            mask: Some(Box::new(FlowMatch::mask())),
            actions: Some(actions.to_vec()),
            ..Default::default()
        };
        match self.flows.new(&self.flow_header(), &request) {
            Ok(_) => {
                println!("flow {m} actions={}", show_actions(actions));
                self.installed.insert(m, key.clone());
                self.n_flows += 1;
            }
            Err(e) => eprintln!("cannot install flow {m}: {e}"),
        }
    }

    /// Deletes the flows from and to `mac`, which has moved.
    fn forget_flows_of(&mut self, mac: Mac) {
        let stale: Vec<FlowMatch> = self
            .installed
            .keys()
            .filter(|m| m.src == mac || m.dst == mac)
            .copied()
            .collect();
        for m in stale {
            if let Some(key) = self.installed.remove(&m) {
                self.delete_flow(&m, key);
            }
        }
    }

    fn delete_flow(&mut self, m: &FlowMatch, key: flow::KeyAttrs) {
        let request = flow::DelDoRequest {
            key: Some(Box::new(key)),
            ..Default::default()
        };
        match self.flows.del(&self.flow_header(), &request) {
            Ok(_) => println!("deleted flow {m}"),
            Err(e) => eprintln!("cannot delete flow {m}: {e}"),
        }
    }

    /// Has the datapath run `actions` on the packet `frame`, whose key
    /// (in-port and metadata) the upcall gave.
    fn execute(&mut self, key: flow::KeyAttrs, frame: Vec<u8>, actions: Vec<flow::Action>) {
        let request = packet::ExecuteDoRequest {
            packet: Some(frame),
            key: Some(key),
            actions: Some(actions.clone()),
            ..Default::default()
        };
        let header = packet::OvsHeader {
            dp_ifindex: self.dp.ifindex,
        };
        if let Err(e) = self.packets.execute(&header, &request) {
            eprintln!("cannot send a packet ({}): {e}", show_actions(&actions));
        }
    }

    /// Undoes what the switch did: deletes the datapath it created, or the
    /// flows and ports it added to one it took.
    fn close(mut self) -> Result<(), String> {
        println!(
            "stopping: {} upcalls, {} flows installed",
            self.n_upcalls, self.n_flows
        );
        if self.dp.created {
            let del = datapath::DelDoRequest {
                name: Some(self.dp.name.clone()),
                ..Default::default()
            };
            self.datapaths
                .del(&datapath::OvsHeader::default(), &del)
                .map_err(|e| format!("cannot delete datapath {}: {e}", self.dp.name))?;
            println!("deleted datapath {}", self.dp.name);
            return Ok(());
        }
        for (m, key) in std::mem::take(&mut self.installed) {
            self.delete_flow(&m, key);
        }
        let header = self.vport_header();
        let mut failed = Vec::new();
        for (port_no, port) in &self.ports {
            if !port.added {
                continue;
            }
            let del = vport::DelDoRequest {
                port_no: Some(*port_no),
                ..Default::default()
            };
            match self.vports.del(&header, &del) {
                Ok(_) => println!("removed port {port_no}: {}", port.name),
                Err(e) => failed.push(format!("cannot remove port {}: {e}", port.name)),
            }
        }
        if failed.is_empty() {
            Ok(())
        } else {
            Err(failed.join("; "))
        }
    }
}

/// `output:2,output:3`, as `ovs-dpctl` writes actions.
fn show_actions(actions: &[flow::Action]) -> String {
    let shown: Vec<String> = actions
        .iter()
        .map(|a| match a {
            flow::Action::Output(port) => format!("output:{port}"),
            other => format!("{other:?}"),
        })
        .collect();
    shown.join(",")
}

/// Whether the kernel refused a request with an errno of one of `kinds`.
fn errno_is(e: &Error, kinds: &[ErrorKind]) -> bool {
    matches!(e, Error::Kernel(k)
        if kinds.contains(&std::io::Error::from_raw_os_error(k.errno).kind()))
}
