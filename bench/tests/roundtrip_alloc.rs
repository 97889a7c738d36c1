//! A round trip read in place allocates nothing once the connection is set
//! up: get-family through `Connection::request_view` and a dump of every
//! family through `Connection::dump_view`, against the running kernel's
//! nlctrl; the owned path allocates (its strings and lists), which shows
//! the count is live. The allocator counts for the whole process, so this
//! file holds a single test.

use genl_runtime::nlctrl::{GetfamilyDoRequest, GetfamilyDumpRequest};
use genl_runtime::{Connection, Error};
use stats_alloc::{INSTRUMENTED_SYSTEM, Region, StatsAlloc};
use std::alloc::System;

#[global_allocator]
static GLOBAL: &StatsAlloc<System> = &INSTRUMENTED_SYSTEM;

/// The most allocations of three runs of `f`, after a first one.
fn allocations(mut f: impl FnMut() -> Result<(), Error>) -> Result<usize, Error> {
    f()?;
    let mut most = 0;
    for _ in 0..3 {
        let region = Region::new(GLOBAL);
        f()?;
        let c = region.change();
        most = most.max(c.allocations + c.reallocations);
    }
    Ok(most)
}

#[test]
fn a_round_trip_read_in_place_allocates_nothing() {
    let mut conn = match Connection::new() {
        Ok(c) => c,
        Err(e) => {
            genl_testkit::skip(
                "a_round_trip_read_in_place_allocates_nothing",
                &format!("no generic netlink socket: {e}"),
            );
            return;
        }
    };
    let req = GetfamilyDoRequest {
        family_name: Some("nlctrl".into()),
        ..Default::default()
    };
    let one = allocations(|| {
        let id = conn.request_view(&(), &req, |(), family| family.family_id())?;
        assert_eq!(id, Some(0x10));
        Ok(())
    })
    .unwrap();
    assert_eq!(one, 0, "get-family read in place: {one} allocations");

    let dump = allocations(|| {
        let mut replies = conn.dump_view(&(), &GetfamilyDumpRequest::default())?;
        let mut n = 0;
        while let Some(reply) = replies.next() {
            let ((), family) = reply?;
            std::hint::black_box(family.family_id().ok());
            n += 1;
        }
        assert!(n > 1, "{n} families");
        Ok(())
    })
    .unwrap();
    assert_eq!(dump, 0, "dump read in place: {dump} allocations");

    let owned = allocations(|| conn.request(&(), &req).map(drop)).unwrap();
    assert!(owned > 0, "the owned reply allocates its strings and lists");
}
