//! Load and faults: a dump of a large flow table streams in flat memory; a
//! datapath deleted under a running dump, or under an upcall loop, ends
//! them cleanly (an error or an end, no hang, no panic).
//!
//! What the kernel does when a datapath goes: a flow dump's next page fails
//! with `ENODEV` (sent as the dump's `NLMSG_DONE` error), and the socket
//! serves the next request; the upcall socket gets nothing itself (its
//! port simply stops receiving), while the `ovs_datapath` group announces
//! the deletion (`OVS_DP_CMD_DEL`), so an upcall loop that also listens to
//! that group learns of it.

use std::sync::mpsc;
use std::time::{Duration, Instant};

use genl_examples::ovs_scale::{self, ScaleDatapath, Send};
use genl_ovs::flow::{self, Action, KeyAttrs};
use genl_ovs::{datapath, packet};
use genl_runtime::{Error, Events};
use libtest_mimic::Failed;

use crate::fixture::{Bridge, TcpFrame};
use crate::support::{Test, TestResult};

/// The tests, by name.
pub const TESTS: &[Test] = &[
    (
        "flow_dump_streams_in_flat_memory",
        flow_dump_streams_in_flat_memory,
    ),
    (
        "flow_dump_ends_cleanly_when_the_datapath_goes",
        flow_dump_ends_cleanly_when_the_datapath_goes,
    ),
    (
        "upcall_loop_ends_cleanly_when_the_datapath_goes",
        upcall_loop_ends_cleanly_when_the_datapath_goes,
    ),
];

/// `ENODEV`.
const ENODEV: i32 = 19;

/// The flows of the smaller dump; the larger has ten times as many.
const FLOWS: u32 = 500;

/// The most the peak resident memory of the larger dump may exceed that of
/// the smaller, in KiB: a stream holds one datagram and one flow at a time
/// whatever the table's size.
const FLAT_KIB: u64 = 512;

fn flow_dump_streams_in_flat_memory() -> TestResult {
    let dp = ScaleDatapath::new("gsflat")?;
    let h = dp.header();
    let mut flows = flow::Client::connect()?;
    ovs_scale::insert(&mut flows, &h, 0..FLOWS, Send::BatchNoEcho)?;
    // The first dump sizes the receive buffer and touches the code.
    ovs_scale::count(&mut flows, &h)?;
    let (small, n) = ovs_scale::peak_growth(|| ovs_scale::count(&mut flows, &h))?;
    check_count(n?, FLOWS)?;
    let start = Instant::now();
    ovs_scale::insert(&mut flows, &h, FLOWS..10 * FLOWS, Send::BatchNoEcho)?;
    let inserted = start.elapsed();
    let start = Instant::now();
    let (large, n) = ovs_scale::peak_growth(|| ovs_scale::count(&mut flows, &h))?;
    check_count(n?, 10 * FLOWS)?;
    let dumped = start.elapsed();
    // The same dump gathered: what the bound must catch.
    let (gathered, all) = ovs_scale::peak_growth(|| ovs_scale::collect(&mut flows, &h))?;
    check_count(all?.len() as u64, 10 * FLOWS)?;
    eprintln!(
        "peak growth: {small} KiB dumping {FLOWS} flows, {large} KiB dumping {}, \
         {gathered} KiB gathering them; {} flows inserted in {inserted:?}, dumped in {dumped:?}",
        10 * FLOWS,
        9 * FLOWS
    );
    if large > small + FLAT_KIB {
        return Err(format!(
            "the dump of {} flows peaked {large} KiB above its start, that of {FLOWS} {small} KiB: \
             more than {FLAT_KIB} KiB apart",
            10 * FLOWS
        )
        .into());
    }
    if gathered <= small + FLAT_KIB {
        return Err(format!(
            "gathering {} flows peaked only {gathered} KiB above its start: \
             the bound of {FLAT_KIB} KiB would not catch a dump that holds the table",
            10 * FLOWS
        )
        .into());
    }
    Ok(())
}

fn check_count(n: u64, want: u32) -> TestResult {
    if n != u64::from(want) {
        return Err(format!("the dump has {n} flows, expected {want}").into());
    }
    Ok(())
}

fn flow_dump_ends_cleanly_when_the_datapath_goes() -> TestResult {
    let dp = ScaleDatapath::new("gsdel")?;
    let h = dp.header();
    let mut flows = flow::Client::connect()?;
    // Some tens of dump pages.
    let total = 3000;
    ovs_scale::insert(&mut flows, &h, 0..total, Send::BatchNoEcho)?;
    // A hang shows as a timeout, not as a test that never ends.
    flows
        .connection()
        .set_timeout(Some(Duration::from_secs(10)))?;
    let start = Instant::now();
    let mut dump = flows.get_dump(&h, &flow::GetDumpRequest::default())?;
    let mut got = 0u32;
    let mut end = None;
    for reply in dump.by_ref() {
        match reply {
            Ok(_) => got += 1,
            Err(e) => {
                end = Some(e);
                break;
            }
        }
        if got == 1 {
            // From a second socket, between the dump's first page and the
            // next ones.
            dp.delete()?;
        }
    }
    if dump.next().is_some() {
        return Err("the dump yields more after its end".into());
    }
    drop(dump);
    let took = start.elapsed();
    eprintln!(
        "dump of {total} flows with the datapath deleted after the first: \
         {got} flows, then {end:?}, in {took:?}"
    );
    match &end {
        None if got <= total => {}
        Some(Error::Kernel(k)) if k.errno == ENODEV && got < total => {}
        _ => {
            return Err(format!(
                "the dump ended with {got} flows and {end:?}; expected an ENODEV or an end"
            )
            .into());
        }
    }
    if took > Duration::from_secs(8) {
        return Err(format!("the dump took {took:?} to end").into());
    }
    // The socket serves the next request.
    match flows.get_dump(&h, &flow::GetDumpRequest::default())?.next() {
        Some(Err(Error::Kernel(k))) if k.errno == ENODEV => {}
        other => {
            return Err(format!("a dump of the deleted datapath answered {other:?}").into());
        }
    }
    let alive = ScaleDatapath::new("gsdel2")?;
    ovs_scale::insert(&mut flows, &alive.header(), 0..3, Send::Batch)?;
    check_count(ovs_scale::count(&mut flows, &alive.header())?, 3)?;
    Ok(())
}

/// What the upcall loop saw, in order.
#[derive(Debug, PartialEq, Eq)]
enum Seen {
    Miss,
    DatapathDeleted,
    /// No message within the loop's wait: it ended there.
    Quiet,
}

fn upcall_loop_ends_cleanly_when_the_datapath_goes() -> TestResult {
    // The loop's socket: upcalls to its port, and the datapath group.
    let mut upcalls = packet::Client::connect()?;
    let pid = upcalls.connection().socket().port_id();
    upcalls.connection().subscribe(
        <datapath::Event as Events>::FAMILY,
        datapath::mcgrp::OVS_DATAPATH,
    )?;
    upcalls
        .connection()
        .set_timeout(Some(Duration::from_secs(3)))?;
    let bridge = Bridge::new("gsupc", pid)?;
    let dp_ifindex = bridge.dp_ifindex;
    let packet_family = upcalls
        .connection()
        .family(<packet::Event as Events>::FAMILY)?
        .id;
    let datapath_family = upcalls
        .connection()
        .family(<datapath::Event as Events>::FAMILY)?
        .id;

    let (tx, rx) = mpsc::channel();
    let looping = std::thread::spawn(move || -> Result<Vec<Seen>, String> {
        let mut seen = Vec::new();
        loop {
            let n = match upcalls.connection().next_notification() {
                Ok(n) => n,
                Err(Error::Io(e)) if e.kind() == std::io::ErrorKind::WouldBlock => {
                    seen.push(Seen::Quiet);
                    return Ok(seen);
                }
                Err(e) => return Err(format!("upcall loop: {e}")),
            };
            if n.family_id == packet_family {
                match packet::Event::decode_event(n.cmd, &n.payload) {
                    Ok(packet::Event::Miss(h, _)) if h.dp_ifindex == dp_ifindex => {
                        seen.push(Seen::Miss);
                        let _ = tx.send(());
                    }
                    Ok(other) => return Err(format!("upcall loop: {other:?}")),
                    Err(e) => return Err(format!("upcall loop: undecodable upcall: {e}")),
                }
            } else if n.family_id == datapath_family
                && let Ok(datapath::Event::DelNtf(h, _)) =
                    datapath::Event::decode_event(n.cmd, &n.payload)
                && h.dp_ifindex == dp_ifindex
            {
                seen.push(Seen::DatapathDeleted);
                // What comes after it, if anything, comes at once.
                upcalls
                    .connection()
                    .set_timeout(Some(Duration::from_secs(1)))
                    .map_err(|e| format!("upcall loop: {e}"))?;
            }
        }
    });

    // A packet into port b without a flow: a MISS for the loop.
    let frame = TcpFrame::default().bytes();
    let mut sender = packet::Client::connect()?;
    sender.execute(
        &packet::OvsHeader { dp_ifindex },
        &packet::ExecuteDoRequest {
            packet: Some(frame),
            key: Some(KeyAttrs {
                in_port: Some(0),
                ..Default::default()
            }),
            actions: Some(vec![Action::Output(bridge.a.port_no)]),
            ..Default::default()
        },
    )?;
    rx.recv_timeout(Duration::from_secs(5))
        .map_err(|_| "no MISS upcall reached the loop")?;
    // The loop waits in recv again: the datapath goes under it.
    std::thread::sleep(Duration::from_millis(200));
    let start = Instant::now();
    drop(bridge);
    let seen = join_within(looping, Duration::from_secs(10))?;
    eprintln!(
        "upcall loop after the datapath's deletion: {seen:?}, ended in {:?}",
        start.elapsed()
    );
    let want = [Seen::Miss, Seen::DatapathDeleted, Seen::Quiet];
    if seen != want {
        return Err(format!("the loop saw {seen:?}, expected {want:?}").into());
    }
    Ok(())
}

/// Waits for a thread at most `limit`; its panic or error is a failure.
fn join_within<T>(
    thread: std::thread::JoinHandle<Result<T, String>>,
    limit: Duration,
) -> Result<T, Failed> {
    let start = Instant::now();
    while !thread.is_finished() {
        if start.elapsed() > limit {
            return Err(format!("the upcall loop did not end within {limit:?}").into());
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    match thread.join() {
        Ok(result) => Ok(result?),
        Err(_) => Err("the upcall loop panicked".into()),
    }
}
