//! Open vSwitch flow tables at scale, through the typed `ovs_flow` client:
//! many distinct exact-match flows inserted in batches, dumped as a stream
//! (counted, never gathered), deleted one by one or flushed; and the
//! process's memory, to show that a dump does not grow with the table.
//!
//! The `genl-ovs-scale` program (run inside the VM by the host test
//! `ovs_scale`) and the guest tests of `genl-ovs-vm-tests` share it.
//!
//! Flow `i` matches `in_port(1)`, fixed Ethernet addresses, IPv4 from
//! `10.0.0.0 + i` to `10.255.0.1`, UDP from port 1000 to 53 (every field
//! exact: no mask is sent), has the ufid `genl-scale` followed by `i`, and
//! outputs to port 2.

use std::ops::Range;

use genl_ovs::datapath;
use genl_ovs::flow::{self, Action, GetDumpReply, KeyAttrs, OvsKeyEthernet, OvsKeyIpv4, OvsKeyUdp};
use genl_runtime::wire::Be;
use genl_runtime::{Error, RawRequest, Request, RequestKind};

/// The port flows match on.
pub const IN_PORT: u32 = 1;
/// The port flows output to.
pub const OUT_PORT: u32 = 2;
/// The source Ethernet address of every flow.
pub const ETH_SRC: [u8; 6] = [0x02, 0, 0, 0, 0, 0x0a];
/// The destination Ethernet address of every flow.
pub const ETH_DST: [u8; 6] = [0x02, 0, 0, 0, 0, 0x0b];
/// The IPv4 destination of every flow (10.255.0.1).
pub const IPV4_DST: u32 = 0x0aff_0001;
/// `ETH_P_IP`.
const ETH_P_IP: u16 = 0x0800;
/// `IPPROTO_UDP`.
const IPPROTO_UDP: u8 = 17;
/// The UDP ports of every flow.
const UDP_SRC: u16 = 1000;
const UDP_DST: u16 = 53;
/// The IPv4 TTL of every flow.
const TTL: u8 = 64;

/// The key of flow `i` (distinct for every `i` below 2^24).
pub fn key(i: u32) -> KeyAttrs {
    KeyAttrs {
        in_port: Some(IN_PORT),
        ethernet: Some(OvsKeyEthernet {
            eth_src: ETH_SRC,
            eth_dst: ETH_DST,
        }),
        ethertype: Some(Be(ETH_P_IP)),
        ipv4: Some(OvsKeyIpv4 {
            ipv4_src: Be(ipv4_src(i)),
            ipv4_dst: Be(IPV4_DST),
            ipv4_proto: IPPROTO_UDP,
            ipv4_ttl: TTL,
            ..Default::default()
        }),
        udp: Some(OvsKeyUdp {
            udp_src: Be(UDP_SRC),
            udp_dst: Be(UDP_DST),
        }),
        ..Default::default()
    }
}

/// The IPv4 source of flow `i`: 10.0.0.0 plus `i`.
fn ipv4_src(i: u32) -> u32 {
    0x0a00_0000 | (i & 0x00ff_ffff)
}

/// The ufid of flow `i` (16 bytes).
pub fn ufid(i: u32) -> Vec<u8> {
    let mut u = b"genl-scale\0\0\0\0\0\0".to_vec();
    u[12..].copy_from_slice(&i.to_be_bytes());
    u
}

/// The request that installs flow `i`.
pub fn new_request(i: u32) -> flow::NewDoRequest {
    flow::NewDoRequest {
        key: Some(Box::new(key(i))),
        actions: Some(vec![Action::Output(OUT_PORT)]),
        ufid: Some(ufid(i)),
        ..Default::default()
    }
}

/// Flow `i` in `ovs-dpctl`'s syntax: its key, then its actions.
pub fn dpctl_flow(i: u32) -> (String, String) {
    let [a, b, c, d] = ipv4_src(i).to_be_bytes();
    let [e, f, g, h] = IPV4_DST.to_be_bytes();
    let mac = |m: [u8; 6]| {
        m.iter()
            .map(|b| format!("{b:02x}"))
            .collect::<Vec<_>>()
            .join(":")
    };
    (
        format!(
            "in_port({IN_PORT}),eth(src={},dst={}),eth_type(0x{ETH_P_IP:04x}),\
             ipv4(src={a}.{b}.{c}.{d},dst={e}.{f}.{g}.{h},proto={IPPROTO_UDP},tos=0,ttl={TTL},frag=no),\
             udp(src={UDP_SRC},dst={UDP_DST})",
            mac(ETH_SRC),
            mac(ETH_DST)
        ),
        OUT_PORT.to_string(),
    )
}

/// How requests go to the kernel.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Send {
    /// One request per datagram, each answered before the next is sent
    /// (the kernel echoes the flow: `NLM_F_ECHO`, as the typed methods ask).
    One,
    /// [`Connection::request_many`](genl_runtime::Connection::request_many):
    /// up to 64 requests per datagram, echoed.
    Batch,
    /// [`Connection::request_raw_many`](genl_runtime::Connection::request_raw_many)
    /// with each request encoded (and policy-checked) by its typed struct,
    /// without `NLM_F_ECHO`: the kernel only acknowledges, as Open vSwitch's
    /// own daemon asks when it does not need the flow back.
    BatchNoEcho,
}

impl Send {
    /// Parses `one`, `batch` or `batch-no-echo`.
    pub fn parse(s: &str) -> Option<Send> {
        match s {
            "one" => Some(Send::One),
            "batch" => Some(Send::Batch),
            "batch-no-echo" => Some(Send::BatchNoEcho),
            _ => None,
        }
    }

    /// The name [`Send::parse`] reads.
    pub fn name(self) -> &'static str {
        match self {
            Send::One => "one",
            Send::Batch => "batch",
            Send::BatchNoEcho => "batch-no-echo",
        }
    }
}

/// Requests gathered before a batch is sent (the connection then splits
/// them into datagrams of at most 64).
const BATCH: usize = 1024;

/// A datapath without ports (flows need none to be installed), deleted on
/// drop.
#[derive(Debug)]
pub struct ScaleDatapath {
    /// Its name.
    pub name: String,
    /// Its ifindex, for the `ovs_header` of each request.
    pub dp_ifindex: i32,
}

impl ScaleDatapath {
    /// Creates datapath `name` (which must not exist), with no upcalls.
    pub fn new(name: &str) -> Result<ScaleDatapath, Error> {
        let mut dp = datapath::Client::connect()?;
        let (header, _) = dp.new(
            &datapath::OvsHeader::default(),
            &datapath::NewDoRequest {
                name: Some(name.to_owned()),
                upcall_pid: Some(0),
                ..Default::default()
            },
        )?;
        Ok(ScaleDatapath {
            name: name.to_owned(),
            dp_ifindex: header.dp_ifindex,
        })
    }

    /// The `ovs_header` of flow requests about it.
    pub fn header(&self) -> flow::OvsHeader {
        flow::OvsHeader {
            dp_ifindex: self.dp_ifindex,
        }
    }

    /// Deletes it now; an error if the kernel refuses.
    pub fn delete(&self) -> Result<(), Error> {
        let mut dp = datapath::Client::connect()?;
        dp.connection().request(
            &datapath::OvsHeader::default(),
            &datapath::DelDoRequest {
                name: Some(self.name.clone()),
                ..Default::default()
            },
        )?;
        Ok(())
    }
}

impl Drop for ScaleDatapath {
    fn drop(&mut self) {
        let _ = self.delete();
    }
}

/// Installs flows `range` (see [`key`]); fails on the first refusal.
pub fn insert(
    flows: &mut flow::Client,
    h: &flow::OvsHeader,
    range: Range<u32>,
    send: Send,
) -> Result<(), Error> {
    each(flows, h, range, send, new_request)
}

/// Deletes flows `range` one request each (by ufid); fails on the first
/// refusal (a flow that is not there is one).
pub fn delete_each(
    flows: &mut flow::Client,
    h: &flow::OvsHeader,
    range: Range<u32>,
    send: Send,
) -> Result<(), Error> {
    each(flows, h, range, send, |i| flow::DelDoRequest {
        ufid: Some(ufid(i)),
        ..Default::default()
    })
}

/// Deletes every flow of the datapath in one request (`del` without key
/// or ufid).
pub fn flush(flows: &mut flow::Client, h: &flow::OvsHeader) -> Result<(), Error> {
    flows
        .connection()
        .request(h, &flow::DelDoRequest::default())
        .map(drop)
}

fn each<R: Request<Header = flow::OvsHeader>>(
    flows: &mut flow::Client,
    h: &flow::OvsHeader,
    range: Range<u32>,
    send: Send,
    request: impl Fn(u32) -> R,
) -> Result<(), Error> {
    let conn = flows.connection();
    let mut start = range.start;
    while start < range.end {
        let end = range.end.min(start.saturating_add(BATCH as u32));
        match send {
            Send::One => {
                for i in start..end {
                    conn.request(h, &request(i))?;
                }
            }
            Send::Batch => {
                let requests: Vec<R> = (start..end).map(&request).collect();
                for answer in conn.request_many(requests.iter().map(|r| (h, r)))? {
                    answer?;
                }
            }
            Send::BatchNoEcho => {
                let mut payloads = Vec::with_capacity(BATCH);
                for i in start..end {
                    let req = request(i);
                    if conn.checks_policy() {
                        req.validate().map_err(|error| Error::Policy {
                            operation: R::OPERATION,
                            error: Box::new(error),
                        })?;
                    }
                    let mut payload = Vec::with_capacity(128);
                    genl_runtime::CStruct::write(h, &mut payload);
                    req.encode(&mut genl_runtime::wire::Writer::new(&mut payload));
                    payloads.push(payload);
                }
                let requests: Vec<RawRequest<'_>> = payloads
                    .iter()
                    .map(|payload| RawRequest {
                        cmd: R::CMD,
                        version: R::VERSION,
                        kind: RequestKind::Do,
                        flags: 0,
                        payload,
                    })
                    .collect();
                for answer in conn.request_raw_many(R::FAMILY, &requests)? {
                    answer?;
                }
            }
        }
        start = end;
    }
    Ok(())
}

/// Dumps the datapath's flows and counts them, each decoded (to the typed
/// struct) and dropped: nothing is kept.
pub fn count(flows: &mut flow::Client, h: &flow::OvsHeader) -> Result<u64, Error> {
    let mut n = 0;
    for reply in flows.get_dump(h, &flow::GetDumpRequest::default())? {
        let (_, f): (_, GetDumpReply) = reply?;
        std::hint::black_box(&f);
        n += 1;
    }
    Ok(n)
}

/// Dumps the datapath's flows into a vector: what a dump that holds the
/// table costs, to compare with [`count`].
pub fn collect(flows: &mut flow::Client, h: &flow::OvsHeader) -> Result<Vec<GetDumpReply>, Error> {
    flows
        .get_dump(h, &flow::GetDumpRequest::default())?
        .map(|r| r.map(|(_, f)| f))
        .collect()
}

/// This process's resident memory now and at its peak, in KiB (from
/// `/proc/self/status`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Memory {
    /// `VmRSS`.
    pub rss_kib: u64,
    /// `VmHWM`: the peak since the process started or since
    /// [`reset_peak`].
    pub hwm_kib: u64,
}

/// Reads [`Memory`] from `/proc/self/status`.
pub fn memory() -> std::io::Result<Memory> {
    let status = std::fs::read_to_string("/proc/self/status")?;
    let field = |name: &str| {
        status
            .lines()
            .find_map(|l| l.strip_prefix(name))
            .and_then(|rest| rest.trim().trim_end_matches("kB").trim().parse().ok())
            .ok_or_else(|| {
                std::io::Error::new(
                    std::io::ErrorKind::InvalidData,
                    format!("/proc/self/status has no {name}"),
                )
            })
    };
    Ok(Memory {
        rss_kib: field("VmRSS:")?,
        hwm_kib: field("VmHWM:")?,
    })
}

/// Sets the peak (`VmHWM`) back to the resident size now (writes `5` to
/// `/proc/self/clear_refs`).
pub fn reset_peak() -> std::io::Result<()> {
    std::fs::write("/proc/self/clear_refs", "5")
}

/// How much the peak resident memory rose above the resident memory before
/// `work` ran, in KiB, and what `work` returned.
pub fn peak_growth<T>(work: impl FnOnce() -> T) -> std::io::Result<(u64, T)> {
    reset_peak()?;
    let before = memory()?;
    let out = work();
    let after = memory()?;
    Ok((after.hwm_kib.saturating_sub(before.rss_kib), out))
}
