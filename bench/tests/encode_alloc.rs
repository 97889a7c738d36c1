//! Encoding the benchmark's flow into a reused buffer allocates nothing,
//! and into a new buffer of the right size only that buffer. The allocator
//! counts for the whole process, so this file holds a single test.

use genl_bench::messages;
use genl_ovs::flow::OvsHeader;
use genl_runtime::{CStruct, GenlMessage};
use stats_alloc::{INSTRUMENTED_SYSTEM, Region, StatsAlloc};
use std::alloc::System;

#[global_allocator]
static GLOBAL: &StatsAlloc<System> = &INSTRUMENTED_SYSTEM;

fn allocations(mut f: impl FnMut()) -> usize {
    f();
    (0..3)
        .map(|_| {
            let region = Region::new(GLOBAL);
            f();
            let c = region.change();
            c.allocations + c.reallocations
        })
        .max()
        .unwrap_or(0)
}

#[test]
fn encoding_a_flow_allocates_at_most_its_buffer() {
    let flow = messages::flow_new();
    let mut buf = Vec::with_capacity(4096);
    let reused = allocations(|| {
        buf.clear();
        messages::encode_payload(&flow, &mut buf);
    });
    assert_eq!(reused, 0, "reused buffer: {reused} allocations");
    let fresh = allocations(|| {
        let mut b = Vec::with_capacity(OvsHeader::SIZE + flow.encoded_len());
        messages::encode_payload(&flow, &mut b);
        std::hint::black_box(b);
    });
    assert_eq!(fresh, 1, "new buffer: {fresh} allocations");
}
