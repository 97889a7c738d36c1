//! B2: round trips to the running kernel's generic netlink controller:
//! get-family of one name, and a dump of every family. genl (replies read
//! in place through views, doing the floor's work: the id, or the count and
//! sum of the ids; and the typed client's owned replies) against the peers'
//! sockets (netlink-socket2, neli's `NlRouter`, netlink-sys with
//! netlink-packet-generic) and the raw `libc` floor.

use criterion::{BenchmarkId, Criterion};
use genl_bench::floor::RawSocket;
use genl_bench::peers;
use genl_runtime::nlctrl::{Client, GetfamilyDoRequest, GetfamilyDumpRequest};
use std::hint::black_box;

/// genl's get-family read in place: the family id, as the floor reads it.
fn view_id(ours: &mut Client, req: &GetfamilyDoRequest) -> Result<u16, genl_runtime::Error> {
    let id = ours
        .connection()
        .request_view(&(), req, |(), family| family.family_id())?;
    Ok(id.unwrap_or(0))
}

/// genl's dump read in place: the number of families and the sum of their
/// ids, as the floor counts them.
fn view_dump(ours: &mut Client) -> Result<(usize, u32), genl_runtime::Error> {
    let mut dump = ours
        .connection()
        .dump_view(&(), &GetfamilyDumpRequest::default())?;
    let (mut n, mut sum) = (0, 0u32);
    while let Some(reply) = dump.next() {
        let ((), family) = reply?;
        n += 1;
        sum += u32::from(
            family
                .family_id()
                .map_err(|e| genl_runtime::Error::Decode {
                    operation: "getfamily",
                    error: Box::new(e),
                })?
                .unwrap_or(0),
        );
    }
    Ok((n, sum))
}

fn main() {
    let mut ours = match Client::connect() {
        Ok(c) => c,
        Err(e) => {
            println!("skipped: no generic netlink socket: {e}");
            return;
        }
    };
    let mut raw = RawSocket::open().expect("a raw netlink socket opens");
    let one = GetfamilyDoRequest {
        family_name: Some("nlctrl".into()),
        ..Default::default()
    };
    // Both see the same kernel answers before timing.
    let id = ours.getfamily(&one).expect("nlctrl").family_id;
    assert_eq!(id, Some(raw.family_id("nlctrl").expect("nlctrl")));
    assert_eq!(id, Some(raw.family_id_acked("nlctrl").expect("nlctrl")));
    let all: Vec<_> = ours
        .getfamily_dump(&GetfamilyDumpRequest::default())
        .expect("dump")
        .collect::<Result<_, _>>()
        .expect("dump");
    let (n, sum) = raw.dump_families().expect("dump");
    assert_eq!(all.len(), n);
    assert_eq!(view_id(&mut ours, &one).ok(), id);
    assert_eq!(view_dump(&mut ours).expect("dump"), (n, sum));
    let mut bindings = peers::netlink_socket2::Client::new();
    let neli = peers::neli::Client::connect().expect("a neli router connects");
    let mut rtnl = peers::rust_netlink::Client::connect().expect("a netlink-sys socket opens");
    let id = id.expect("nlctrl has an id");
    assert_eq!(bindings.family_id(c"nlctrl").expect("nlctrl"), id);
    assert_eq!(neli.family_id("nlctrl").expect("nlctrl"), id);
    assert_eq!(rtnl.family_id("nlctrl").expect("nlctrl"), id);
    assert_eq!(bindings.dump_families().expect("dump"), (n, sum));
    assert_eq!(neli.dump_families().expect("dump"), (n, sum));
    assert_eq!(rtnl.dump_families().expect("dump"), (n, sum));

    let args: Vec<String> = std::env::args().collect();
    if let Some(i) = args.iter().position(|a| a == "--repeat") {
        // Syscall counting (strace -c -f): one case, 1000 requests.
        let which = args.get(i + 1).map(String::as_str).unwrap_or("");
        for _ in 0..1000 {
            match which {
                "getfamily/genl" => drop(black_box(view_id(&mut ours, &one))),
                "getfamily/genl-owned" => drop(black_box(ours.getfamily(&one))),
                "getfamily/floor" => drop(black_box(raw.family_id("nlctrl"))),
                "getfamily/floor-acked" => drop(black_box(raw.family_id_acked("nlctrl"))),
                "dump/genl" => drop(black_box(view_dump(&mut ours))),
                "dump/genl-owned" => {
                    let n = ours
                        .getfamily_dump(&GetfamilyDumpRequest::default())
                        .map(Iterator::count);
                    drop(black_box(n));
                }
                "dump/floor" => drop(black_box(raw.dump_families())),
                "getfamily/netlink-socket2" => drop(black_box(bindings.family_id(c"nlctrl"))),
                "getfamily/neli" => drop(black_box(neli.family_id("nlctrl"))),
                "getfamily/netlink-sys" => drop(black_box(rtnl.family_id("nlctrl"))),
                "dump/netlink-socket2" => drop(black_box(bindings.dump_families())),
                "dump/neli" => drop(black_box(neli.dump_families())),
                "dump/netlink-sys" => drop(black_box(rtnl.dump_families())),
                _ => return,
            }
        }
        return;
    }

    let mut c = Criterion::default().configure_from_args();
    let mut g = c.benchmark_group("getfamily_one");
    g.bench_function(BenchmarkId::from_parameter("genl"), |b| {
        b.iter(|| view_id(&mut ours, &one).expect("nlctrl"))
    });
    g.bench_function(BenchmarkId::from_parameter("genl owned"), |b| {
        b.iter(|| ours.getfamily(&one).expect("nlctrl").family_id)
    });
    g.bench_function(BenchmarkId::from_parameter("floor"), |b| {
        b.iter(|| raw.family_id("nlctrl").expect("nlctrl"))
    });
    g.bench_function(BenchmarkId::from_parameter("floor, acked"), |b| {
        b.iter(|| raw.family_id_acked("nlctrl").expect("nlctrl"))
    });
    g.bench_function(BenchmarkId::from_parameter("netlink-socket2"), |b| {
        b.iter(|| bindings.family_id(c"nlctrl").expect("nlctrl"))
    });
    g.bench_function(BenchmarkId::from_parameter("neli"), |b| {
        b.iter(|| neli.family_id("nlctrl").expect("nlctrl"))
    });
    g.bench_function(BenchmarkId::from_parameter("netlink-sys"), |b| {
        b.iter(|| rtnl.family_id("nlctrl").expect("nlctrl"))
    });
    g.finish();
    let mut g = c.benchmark_group("getfamily_dump_all");
    g.bench_function(BenchmarkId::from_parameter("genl"), |b| {
        b.iter(|| view_dump(&mut ours).expect("dump"))
    });
    g.bench_function(BenchmarkId::from_parameter("genl owned"), |b| {
        b.iter(|| {
            ours.getfamily_dump(&GetfamilyDumpRequest::default())
                .expect("dump")
                .map(|r| r.expect("family").family_id.unwrap_or(0) as u32)
                .sum::<u32>()
        })
    });
    g.bench_function(BenchmarkId::from_parameter("floor"), |b| {
        b.iter(|| raw.dump_families().expect("dump"))
    });
    g.bench_function(BenchmarkId::from_parameter("netlink-socket2"), |b| {
        b.iter(|| bindings.dump_families().expect("dump"))
    });
    g.bench_function(BenchmarkId::from_parameter("neli"), |b| {
        b.iter(|| neli.dump_families().expect("dump"))
    });
    g.bench_function(BenchmarkId::from_parameter("netlink-sys"), |b| {
        b.iter(|| rtnl.dump_families().expect("dump"))
    });
    g.finish();
    c.final_summary();
}
