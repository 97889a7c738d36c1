//! B1: encoding and decoding Open vSwitch messages, no kernel involved.
//! genl (owned structs and borrowing views) against the hand-coded floor.

use criterion::{BenchmarkId, Criterion, Throughput};
use genl_bench::{floor, messages};
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

fn cases<'a>(
    new: &'a NewDoRequest,
    floor_new: &'a floor::Flow,
    dump: &'a [u8],
    miss: &'a [u8],
    buf: &'a std::cell::RefCell<Vec<u8>>,
) -> Vec<Case<'a>> {
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
    ]
}

fn main() {
    let new = messages::flow_new();
    let floor_new = messages::floor_flow(false);
    let dump = messages::payload(&messages::flow_dump_reply());
    let miss = messages::payload(&messages::miss());
    let buf = std::cell::RefCell::new(Vec::with_capacity(4096));
    let mut cases = cases(&new, &floor_new, &dump, &miss, &buf);

    // Allocations per message, counted before any timing.
    println!("allocations per message:");
    for (group, name, f) in &mut cases {
        println!("  {group:<20} {name:<24} {}", allocations(f));
    }

    // `--alloc-only` stops here (for callgrind runs, use `--callgrind`).
    let args: Vec<String> = std::env::args().collect();
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
