//! B1: encoding and decoding Open vSwitch messages, no kernel involved.
//! genl (owned structs and borrowing views) against the Rust peers
//! (netlink-bindings, neli, rust-netlink) and the hand-coded floor.

use criterion::{BenchmarkId, Criterion, Throughput};
use genl_bench::{floor, messages, peers};
use genl_ovs::flow::{
    GetDumpReply, GetDumpReplyView, KeyAttrsView, NewDoRequest, OvsActionPushVlan, OvsHeader,
    TunnelKeyAttrsView,
};
use genl_ovs::packet::{MissEvent, MissEventView};
use genl_runtime::wire::DecodeError;
use genl_runtime::{CStruct, GenlMessage};
use stats_alloc::{INSTRUMENTED_SYSTEM, Region, StatsAlloc};
use std::alloc::System;
use std::hint::black_box;

#[global_allocator]
static GLOBAL: &StatsAlloc<System> = &INSTRUMENTED_SYSTEM;

fn tunnel(t: TunnelKeyAttrsView<'_>) -> Result<u64, DecodeError> {
    let mut s = t.id()?.map_or(0, |v| v.0);
    s += u64::from(t.ipv4_src()?.map_or(0, |v| v.0));
    s += u64::from(t.ipv4_dst()?.map_or(0, |v| v.0));
    s += u64::from(t.tos()?.unwrap_or(0)) + u64::from(t.ttl()?.unwrap_or(0));
    s += u64::from(t.tp_dst()?.map_or(0, |v| v.0));
    Ok(s)
}

fn key(k: KeyAttrsView<'_>) -> Result<u64, DecodeError> {
    let mut s = u64::from(k.in_port()?.unwrap_or(0));
    s += k
        .ethernet()?
        .map_or(0, |e| u64::from(e.eth_src[5] ^ e.eth_dst[5]));
    s += u64::from(k.ethertype()?.map_or(0, |v| v.0));
    s += k.ipv4()?.map_or(0, |i| {
        u64::from(i.ipv4_src.0 ^ i.ipv4_dst.0) + u64::from(i.ipv4_ttl)
    });
    s += k.tcp()?.map_or(0, |t| u64::from(t.tcp_src.0 ^ t.tcp_dst.0));
    if let Some(t) = k.tunnel()? {
        s += tunnel(t)?;
    }
    Ok(s)
}

/// Reads every field of a flow dump reply through the view.
fn dump_view(bytes: &[u8]) -> Result<u64, DecodeError> {
    let dp = OvsHeader::read(bytes)?;
    let v = GetDumpReplyView::new(&bytes[OvsHeader::SIZE..])?;
    let mut s = dp.dp_ifindex as u64;
    if let Some(k) = v.key()? {
        s += key(k)?;
    }
    if let Some(m) = v.mask()? {
        s += key(m)?;
    }
    if let Some(a) = v.actions()? {
        // An ordered list: the attributes as they come, matched by type.
        for attr in a.attrs() {
            s += match attr.ty {
                1 => u64::from(attr.scalar::<u32>()?),
                3 => key(KeyAttrsView::new(attr.payload)?)?,
                4 => {
                    let p = OvsActionPushVlan::read(attr.payload)?;
                    u64::from(p.vlan_tpid.0 ^ p.vlan_tci.0)
                }
                _ => 0,
            };
        }
    }
    s += v.stats()?.map_or(0, |st| st.n_packets + st.n_bytes);
    s += u64::from(v.tcp_flags()?.unwrap_or(0)) + v.used()?.unwrap_or(0);
    s += v.ufid()?.map_or(0, |u| u64::from(u[15]));
    Ok(s)
}

/// Reads the packet and every field of the key of a MISS upcall.
fn miss_view(bytes: &[u8]) -> Result<u64, DecodeError> {
    let dp = OvsHeader::read(bytes)?;
    let v = MissEventView::new(&bytes[OvsHeader::SIZE..])?;
    let mut s = dp.dp_ifindex as u64;
    s += v
        .packet()?
        .map_or(0, |p| p.len() as u64 + u64::from(p[1499]));
    if let Some(k) = v.key()? {
        s += key(k)?;
    }
    s += v.hash()?.unwrap_or(0);
    Ok(s)
}

/// Allocations (and reallocations) of one call of `f`, after a first
/// uncounted call.
fn allocations<R>(mut f: impl FnMut() -> R) -> usize {
    black_box(f());
    let region = Region::new(GLOBAL);
    black_box(f());
    let c = region.change();
    c.allocations + c.reallocations
}

/// The cases of the benchmark: (group, implementation, the work).
type Case<'a> = (&'static str, &'static str, Box<dyn FnMut() -> u64 + 'a>);

/// The inputs of the cases.
struct Inputs {
    new: NewDoRequest,
    floor_new: floor::Flow,
    rtnl_new: netlink_packet_generic::GenlMessage<genl_bench::ovs_nla::FlowMessage>,
    dump: Vec<u8>,
    miss: Vec<u8>,
    /// The same messages with a genl header first, for the peers that
    /// parse one.
    dump_genl: Vec<u8>,
    miss_genl: Vec<u8>,
}

fn with_genl_header(payload: &[u8]) -> Vec<u8> {
    let mut b = vec![1, 1, 0, 0];
    b.extend_from_slice(payload);
    b
}

fn cases<'a>(
    inputs: &'a Inputs,
    buf: &'a std::cell::RefCell<Vec<u8>>,
    cursor: &'a std::cell::RefCell<std::io::Cursor<Vec<u8>>>,
) -> Vec<Case<'a>> {
    let Inputs {
        new,
        floor_new,
        rtnl_new,
        dump,
        miss,
        dump_genl,
        miss_genl,
    } = inputs;
    vec![
        (
            "encode_flow_new",
            "genl (reused buffer)",
            Box::new(move || {
                let mut b = buf.borrow_mut();
                b.clear();
                messages::encode_payload(new, &mut b);
                b.len() as u64
            }),
        ),
        (
            "encode_flow_new",
            "genl (new buffer)",
            Box::new(move || {
                let mut b = Vec::with_capacity(new.encoded_len() + OvsHeader::SIZE);
                messages::encode_payload(new, &mut b);
                black_box(&b);
                b.len() as u64
            }),
        ),
        (
            "encode_flow_new",
            "floor (reused buffer)",
            Box::new(move || {
                let mut b = buf.borrow_mut();
                b.clear();
                floor::encode_flow(&mut b, messages::DP_IFINDEX, floor_new);
                b.len() as u64
            }),
        ),
        (
            "encode_flow_new",
            "netlink-bindings (reused buffer)",
            Box::new(move || {
                let mut b = buf.borrow_mut();
                b.clear();
                peers::bindings::encode_flow(&mut b, messages::DP_IFINDEX, floor_new);
                b.len() as u64
            }),
        ),
        (
            "encode_flow_new",
            "neli (reused buffer)",
            Box::new(move || {
                let mut c = cursor.borrow_mut();
                peers::neli::encode_flow(&mut c, messages::DP_IFINDEX, floor_new).expect("flow");
                c.get_ref().len() as u64
            }),
        ),
        (
            "encode_flow_new",
            "rust-netlink (reused buffer)",
            Box::new(move || {
                let mut b = buf.borrow_mut();
                peers::rust_netlink::encode(rtnl_new, &mut b);
                b.len() as u64
            }),
        ),
        (
            "decode_flow_dump",
            "genl owned",
            Box::new(move || {
                let h = OvsHeader::read(dump).expect("header");
                let r = GetDumpReply::decode(&dump[OvsHeader::SIZE..]).expect("reply");
                black_box(&r);
                h.dp_ifindex as u64 + r.used.unwrap_or(0)
            }),
        ),
        (
            "decode_flow_dump",
            "genl view",
            Box::new(move || dump_view(dump).expect("reply")),
        ),
        (
            "decode_flow_dump",
            "floor",
            Box::new(move || {
                let (dp, f) = floor::decode_flow(dump).expect("reply");
                black_box(&f);
                dp as u64 + f.used.unwrap_or(0)
            }),
        ),
        (
            "decode_flow_dump",
            "netlink-bindings",
            Box::new(move || {
                let (dp, f) = peers::bindings::decode_flow(dump).expect("reply");
                black_box(&f);
                dp as u64 + f.used.unwrap_or(0)
            }),
        ),
        (
            "decode_flow_dump",
            "neli",
            Box::new(move || {
                let (dp, f) = peers::neli::decode_flow(dump_genl).expect("reply");
                black_box(&f);
                dp as u64 + f.used.unwrap_or(0)
            }),
        ),
        (
            "decode_flow_dump",
            "rust-netlink",
            Box::new(move || {
                let (dp, f) = peers::rust_netlink::decode_flow(dump_genl).expect("reply");
                black_box(&f);
                dp as u64 + f.used.unwrap_or(0)
            }),
        ),
        (
            "decode_miss_upcall",
            "genl owned",
            Box::new(move || {
                let h = OvsHeader::read(miss).expect("header");
                let m = MissEvent::decode(&miss[OvsHeader::SIZE..]).expect("upcall");
                black_box(&m);
                h.dp_ifindex as u64 + m.hash.unwrap_or(0)
            }),
        ),
        (
            "decode_miss_upcall",
            "genl view",
            Box::new(move || miss_view(miss).expect("upcall")),
        ),
        (
            "decode_miss_upcall",
            "floor",
            Box::new(move || {
                let (dp, m) = floor::decode_miss(miss).expect("upcall");
                black_box(&m);
                dp as u64 + m.hash + m.packet.len() as u64
            }),
        ),
        (
            "decode_miss_upcall",
            "netlink-bindings",
            Box::new(move || {
                let m = peers::bindings::decode_miss(miss).expect("upcall");
                black_box(&m);
                m.dp_ifindex as u64 + m.hash + m.packet_len as u64
            }),
        ),
        (
            "decode_miss_upcall",
            "neli",
            Box::new(move || {
                let m = peers::neli::decode_miss(miss_genl).expect("upcall");
                black_box(&m);
                m.dp_ifindex as u64 + m.hash + m.packet_len as u64
            }),
        ),
        (
            "decode_miss_upcall",
            "rust-netlink",
            Box::new(move || {
                let m = peers::rust_netlink::decode_miss(miss_genl).expect("upcall");
                black_box(&m);
                m.dp_ifindex as u64 + m.hash + m.packet_len as u64
            }),
        ),
    ]
}

fn main() {
    let floor_new = messages::floor_flow(false);
    let dump = messages::payload(&messages::flow_dump_reply());
    let miss = messages::payload(&messages::miss());
    let inputs = Inputs {
        new: messages::flow_new(),
        rtnl_new: peers::rust_netlink::flow_message(1, messages::DP_IFINDEX, &floor_new),
        floor_new,
        dump_genl: with_genl_header(&dump),
        miss_genl: with_genl_header(&miss),
        dump,
        miss,
    };
    let buf = std::cell::RefCell::new(Vec::with_capacity(4096));
    let cursor = std::cell::RefCell::new(std::io::Cursor::new(Vec::with_capacity(4096)));
    let mut cases = cases(&inputs, &buf, &cursor);

    let args: Vec<String> = std::env::args().collect();
    if args.iter().any(|a| a == "--list") {
        // The case names, one a line (bench/run counts instructions of each).
        for (group, name, _) in &cases {
            println!("{group}/{name}");
        }
        return;
    }

    // Allocations per message, counted before any timing.
    println!("allocations per message:");
    for (group, name, f) in &mut cases {
        println!("  {group:<20} {name:<32} {}", allocations(f));
    }

    // `--alloc-only` stops here (for callgrind runs, use `--callgrind`).
    if args.iter().any(|a| a == "--alloc-only") {
        return;
    }
    if let Some(i) = args.iter().position(|a| a == "--callgrind") {
        // One case, many times, for an instruction count.
        let which = args.get(i + 1).map(String::as_str).unwrap_or("");
        for (group, name, f) in &mut cases {
            if format!("{group}/{name}") == which {
                for _ in 0..10_000 {
                    black_box(f());
                }
            }
        }
        return;
    }

    let mut c = Criterion::default().configure_from_args();
    for g in ["encode_flow_new", "decode_flow_dump", "decode_miss_upcall"] {
        let mut group = c.benchmark_group(g);
        group.throughput(Throughput::Elements(1));
        for (_, name, f) in cases.iter_mut().filter(|(cg, _, _)| *cg == g) {
            group.bench_function(BenchmarkId::from_parameter(*name), |b| b.iter(&mut *f));
        }
        group.finish();
    }
    c.final_summary();
}
