//! A datapath with two ports, the two ends of one veth pair, made through
//! the typed `ovs_datapath` and `ovs_vport` clients and deleted on drop: a
//! packet sent out of one port arrives on the other, where the datapath
//! looks it up (a flow, or a MISS upcall). Frames to send through it.

use std::process::Command;

use genl_ovs::{datapath, vport};
use libtest_mimic::Failed;

use crate::support::run;

/// A datapath whose ports `a` and `b` are the ends of one veth pair.
pub struct Bridge {
    /// The datapath's name.
    pub name: String,
    /// Its ifindex: the `dp_ifindex` of every request about it.
    pub dp_ifindex: i32,
    /// The first veth end.
    pub a: Port,
    /// The second veth end, `a`'s peer.
    pub b: Port,
}

/// A port of a [`Bridge`].
pub struct Port {
    /// The network device (a veth end).
    pub dev: String,
    /// Its port number in the datapath.
    pub port_no: u32,
}

impl Port {
    /// The packets the device has received, from sysfs.
    pub fn rx_packets(&self) -> Result<u64, Failed> {
        let path = format!("/sys/class/net/{}/statistics/rx_packets", self.dev);
        Ok(std::fs::read_to_string(&path)
            .map_err(|e| format!("{path}: {e}"))?
            .trim()
            .parse()?)
    }
}

impl Bridge {
    /// Makes the datapath `name` (at most 13 characters) with the veth
    /// ends `name-a` and `name-b` as ports; upcalls of the datapath and of
    /// both ports go to the netlink port `upcall_pid` (0: none).
    pub fn new(name: &str, upcall_pid: u32) -> Result<Bridge, Failed> {
        let (dev_a, dev_b) = (format!("{name}-a"), format!("{name}-b"));
        run(
            "ip",
            &[
                "link", "add", &dev_a, "type", "veth", "peer", "name", &dev_b,
            ],
        )?;
        let mut bridge = Bridge {
            name: name.to_owned(),
            dp_ifindex: 0,
            a: Port {
                dev: dev_a,
                port_no: 0,
            },
            b: Port {
                dev: dev_b,
                port_no: 0,
            },
        };
        for dev in [&bridge.a.dev, &bridge.b.dev] {
            // No IPv6 router solicitations or MLD reports: the only frames
            // on the pair are the tests' own.
            let _ = std::fs::write(format!("/proc/sys/net/ipv6/conf/{dev}/disable_ipv6"), "1");
            run("ip", &["link", "set", dev, "up"])?;
        }
        let mut dp = datapath::Client::connect()?;
        dp.connection().request(
            &datapath::OvsHeader::default(),
            &datapath::NewDoRequest {
                name: Some(name.to_owned()),
                upcall_pid: Some(upcall_pid),
                ..Default::default()
            },
        )?;
        let (header, reply) = dp.get(
            &datapath::OvsHeader::default(),
            &datapath::GetDoRequest {
                name: Some(name.to_owned()),
                ..Default::default()
            },
        )?;
        if reply.name.as_deref() != Some(name) || header.dp_ifindex <= 0 {
            return Err(format!("datapath new answered {header:?} {reply:?}").into());
        }
        bridge.dp_ifindex = header.dp_ifindex;
        let mut ports = vport::Client::connect()?;
        for port in [&mut bridge.a, &mut bridge.b] {
            let vh = vport::OvsHeader {
                dp_ifindex: header.dp_ifindex,
            };
            ports.connection().request(
                &vh,
                &vport::NewDoRequest {
                    r#type: Some(vport::VportType::Netdev),
                    name: Some(port.dev.clone()),
                    upcall_pid: Some(vec![upcall_pid]),
                    ..Default::default()
                },
            )?;
            let (_, reply) = ports.get(
                &vh,
                &vport::GetDoRequest {
                    name: Some(port.dev.clone()),
                    ..Default::default()
                },
            )?;
            port.port_no = reply
                .port_no
                .ok_or_else(|| format!("vport new of {} answered no port number", port.dev))?;
        }
        eprintln!(
            "bridge {name}: ifindex {}, {} is port {}, {} is port {}",
            bridge.dp_ifindex, bridge.a.dev, bridge.a.port_no, bridge.b.dev, bridge.b.port_no
        );
        Ok(bridge)
    }
}

impl Drop for Bridge {
    fn drop(&mut self) {
        if let Ok(mut dp) = datapath::Client::connect() {
            let _ = dp.connection().request(
                &datapath::OvsHeader::default(),
                &datapath::DelDoRequest {
                    name: Some(self.name.clone()),
                    ..Default::default()
                },
            );
        }
        let _ = Command::new("ip")
            .args(["link", "del", &self.a.dev])
            .output();
    }
}

/// The addresses and ports of a TCP segment: what [`TcpFrame::bytes`] builds
/// and what a flow key of it holds.
#[derive(Clone, Copy, Debug)]
pub struct TcpFrame {
    pub eth_src: [u8; 6],
    pub eth_dst: [u8; 6],
    pub ip_src: [u8; 4],
    pub ip_dst: [u8; 4],
    pub sport: u16,
    pub dport: u16,
    /// TCP flags (`0x02` SYN).
    pub flags: u8,
}

impl Default for TcpFrame {
    fn default() -> TcpFrame {
        TcpFrame {
            eth_src: [0x02, 0, 0, 0, 0, 0x0a],
            eth_dst: [0x02, 0, 0, 0, 0, 0x0b],
            ip_src: [10, 0, 0, 1],
            ip_dst: [10, 0, 0, 2],
            sport: 40_000,
            dport: 80,
            flags: 0x02,
        }
    }
}

/// `ETH_P_IP`.
pub const ETH_P_IP: u16 = 0x0800;
/// `IPPROTO_TCP`.
pub const IPPROTO_TCP: u8 = 6;
/// The TTL of the frames built here.
pub const TTL: u8 = 64;

impl TcpFrame {
    /// The frame: Ethernet, IPv4 (checksummed, TTL [`TTL`]) and a TCP
    /// header without payload (54 bytes in all).
    pub fn bytes(&self) -> Vec<u8> {
        let mut f = Vec::with_capacity(54);
        f.extend_from_slice(&self.eth_dst);
        f.extend_from_slice(&self.eth_src);
        f.extend_from_slice(&ETH_P_IP.to_be_bytes());
        let ip_start = f.len();
        f.extend_from_slice(&[0x45, 0, 0, 40, 0, 1, 0x40, 0, TTL, IPPROTO_TCP, 0, 0]);
        f.extend_from_slice(&self.ip_src);
        f.extend_from_slice(&self.ip_dst);
        let sum = checksum(&f[ip_start..]);
        f[ip_start + 10..ip_start + 12].copy_from_slice(&sum.to_be_bytes());
        f.extend_from_slice(&self.sport.to_be_bytes());
        f.extend_from_slice(&self.dport.to_be_bytes());
        f.extend_from_slice(&[0, 0, 0, 1, 0, 0, 0, 0, 0x50, self.flags, 0xff, 0xff]);
        f.extend_from_slice(&[0, 0, 0, 0]);
        f
    }
}

/// The Internet checksum of `bytes`.
fn checksum(bytes: &[u8]) -> u16 {
    let mut sum: u32 = bytes
        .chunks(2)
        .map(|c| u32::from(u16::from_be_bytes([c[0], *c.get(1).unwrap_or(&0)])))
        .sum();
    while sum > 0xffff {
        sum = (sum & 0xffff) + (sum >> 16);
    }
    !(sum as u16)
}
