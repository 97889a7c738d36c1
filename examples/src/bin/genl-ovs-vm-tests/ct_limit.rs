//! `ovs_ct_limit` through the typed client of `genl_ovs::ct_limit`: the
//! default limit and per-zone limits, set, get and del.

use genl_ovs::ct_limit::{
    Client, DelDoRequest, GetDoRequest, OVS_ZONE_LIMIT_DEFAULT_ZONE, OvsHeader, OvsZoneLimit,
    SetDoRequest,
};
use libtest_mimic::Failed;

use crate::datapath::TypedDp;
use crate::support::{Test, TestResult};

/// The tests, by name.
pub const TESTS: &[Test] = &[("ct_limit_set_get_del", ct_limit_set_get_del)];

/// The zone id of the default limit.
const DEFAULT: i32 = OVS_ZONE_LIMIT_DEFAULT_ZONE as i32;

/// The typed `zone-limit` of `(zone, limit)` pairs.
fn limits(pairs: &[(i32, u32)]) -> Vec<OvsZoneLimit> {
    pairs
        .iter()
        .map(|&(zone_id, limit)| OvsZoneLimit {
            zone_id,
            limit,
            count: 0,
        })
        .collect()
}

fn get(
    c: &mut Client,
    dp: &TypedDp,
    zones: Option<&[i32]>,
) -> Result<Vec<(i32, u32, u32)>, Failed> {
    let req = GetDoRequest {
        zone_limit: zones.map(|z| limits(&z.iter().map(|&z| (z, 0)).collect::<Vec<_>>())),
        ..Default::default()
    };
    let (_, reply) = c.get(
        &OvsHeader {
            dp_ifindex: dp.ifindex,
        },
        &req,
    )?;
    let got: Vec<(i32, u32, u32)> = reply
        .zone_limit
        .unwrap_or_default()
        .into_iter()
        .map(|z| (z.zone_id, z.limit, z.count))
        .collect();
    eprintln!("get {zones:?}: {got:?}");
    Ok(got)
}

fn ct_limit_set_get_del() -> TestResult {
    let dp = TypedDp::new("genlc0")?;
    let h = OvsHeader {
        dp_ifindex: dp.ifindex,
    };
    let mut c = Client::connect()?;
    c.set(
        &h,
        &SetDoRequest {
            zone_limit: Some(limits(&[(DEFAULT, 10), (1, 5), (2, 7)])),
            ..Default::default()
        },
    )?;
    // Every zone: the default first, then the zones with their own limit.
    let mut all = get(&mut c, &dp, None)?;
    if all.first() != Some(&(DEFAULT, 10, 0)) {
        return Err(format!("the default limit is not first: {all:?}").into());
    }
    all.sort();
    if all != [(DEFAULT, 10, 0), (1, 5, 0), (2, 7, 0)] {
        return Err(format!("all limits: {all:?}").into());
    }
    // Chosen zones; one without a limit of its own has the default.
    let some = get(&mut c, &dp, Some(&[2, 3]))?;
    if some != [(2, 7, 0), (3, 10, 0)] {
        return Err(format!("zones 2 and 3: {some:?}").into());
    }
    // del: zone 1 falls back to the default, and the default to none (0).
    c.del(
        &h,
        &DelDoRequest {
            zone_limit: Some(limits(&[(1, 0), (DEFAULT, 0)])),
            ..Default::default()
        },
    )?;
    let after = get(&mut c, &dp, Some(&[1, 2]))?;
    if after != [(1, 0, 0), (2, 7, 0)] {
        return Err(format!("after del: {after:?}").into());
    }
    let mut all = get(&mut c, &dp, None)?;
    all.sort();
    if all != [(DEFAULT, 0, 0), (2, 7, 0)] {
        return Err(format!("all limits after del: {all:?}").into());
    }
    // Leave no limits behind: they belong to the network namespace.
    c.del(
        &h,
        &DelDoRequest {
            zone_limit: Some(limits(&[(2, 0)])),
            ..Default::default()
        },
    )?;
    Ok(())
}
