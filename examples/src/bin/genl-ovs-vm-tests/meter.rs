//! `ovs_meter` through the typed client of `genl_ovs::meter`: features,
//! set (new and replace), get, del, and the dump the kernel does not have.

use genl_ovs::meter::{
    Band, Client, DelDoRequest, FeaturesDoRequest, GetDoRequest, MeterBandType, OvsHeader,
    SetDoRequest,
};
use genl_runtime::{RawRequest, RequestKind};

use crate::datapath::TypedDp;
use crate::support::{Test, TestResult};

/// The tests, by name.
pub const TESTS: &[Test] = &[
    ("meter_features", meter_features),
    ("meter_set_get_del", meter_set_get_del),
    ("meter_has_no_dump", meter_has_no_dump),
];

/// `ENOENT`.
const ENOENT: i32 = 2;
/// `EINVAL`.
const EINVAL: i32 = 22;
/// `EOPNOTSUPP`.
const EOPNOTSUPP: i32 = 95;

fn header(dp: &TypedDp) -> OvsHeader {
    OvsHeader {
        dp_ifindex: dp.ifindex,
    }
}

fn drop_band(rate: u32, burst: u32) -> Band {
    Band {
        r#type: Some(MeterBandType::Drop),
        rate: Some(rate),
        burst: Some(burst),
        ..Default::default()
    }
}

fn meter_features() -> TestResult {
    let dp = TypedDp::new("genlm0")?;
    let mut c = Client::connect()?;
    let (_, f) = c.features(&header(&dp), &FeaturesDoRequest::default())?;
    eprintln!("features: {f:?}");
    if f.max_meters.unwrap_or(0) == 0 || f.max_bands.unwrap_or(0) == 0 {
        return Err(format!("no meters or bands: {f:?}").into());
    }
    // The band types the datapath implements: drop.
    let types: Vec<_> = f.bands.iter().map(|b| b.r#type).collect();
    if types != [Some(MeterBandType::Drop)] {
        return Err(format!("band types {types:?}, expected [drop]").into());
    }
    Ok(())
}

fn meter_set_get_del() -> TestResult {
    let dp = TypedDp::new("genlm1")?;
    let mut c = Client::connect()?;
    let set = SetDoRequest {
        id: Some(7),
        kbps: true,
        bands: vec![drop_band(1000, 100)],
        ..Default::default()
    };
    let (_, new) = c.set(&header(&dp), &set)?;
    eprintln!("set (new): {new:?}");
    if new.id != Some(7) || new.stats.is_some() {
        return Err(format!("a new meter's reply: {new:?}").into());
    }
    let (_, got) = c.get(
        &header(&dp),
        &GetDoRequest {
            id: Some(7),
            ..Default::default()
        },
    )?;
    eprintln!("get: {got:?}");
    let stats = got.stats.ok_or("get lacks the meter's stats")?;
    if got.id != Some(7) || stats.n_packets != 0 || got.bands.len() != 1 {
        return Err(format!("get: {got:?}").into());
    }
    if got.bands[0].stats.is_none_or(|s| s.n_packets != 0) {
        return Err(format!("the band's stats: {:?}", got.bands[0]).into());
    }
    // More bands than the features' max-bands (1 in 6.1) are refused.
    let (_, f) = c.features(&header(&dp), &FeaturesDoRequest::default())?;
    let two = c.set(
        &header(&dp),
        &SetDoRequest {
            bands: vec![drop_band(2000, 200), drop_band(5000, 500)],
            ..set.clone()
        },
    );
    if f.max_bands == Some(1) && two.as_ref().err().and_then(|e| e.errno()) != Some(EINVAL) {
        return Err(format!("two bands with max-bands 1: {two:?}").into());
    }
    // Replacing answers with the replaced meter's counters.
    let (_, replaced) = c.set(
        &header(&dp),
        &SetDoRequest {
            kbps: false,
            bands: vec![drop_band(2000, 200)],
            ..set.clone()
        },
    )?;
    eprintln!("set (replace): {replaced:?}");
    if replaced.id != Some(7) || replaced.stats.is_none() || replaced.bands.len() != 1 {
        return Err(format!("replacing answered {replaced:?}").into());
    }
    let (_, got) = c.get(
        &header(&dp),
        &GetDoRequest {
            id: Some(7),
            ..Default::default()
        },
    )?;
    if got.bands.len() != 1 {
        return Err(format!("the replaced meter has {} band(s)", got.bands.len()).into());
    }
    let (_, del) = c.del(
        &header(&dp),
        &DelDoRequest {
            id: Some(7),
            ..Default::default()
        },
    )?;
    eprintln!("del: {del:?}");
    if del.id != Some(7) || del.stats.is_none() || del.bands.len() != 1 {
        return Err(format!("del answered {del:?}").into());
    }
    match c.get(
        &header(&dp),
        &GetDoRequest {
            id: Some(7),
            ..Default::default()
        },
    ) {
        Err(e) if e.errno() == Some(ENOENT) => Ok(()),
        other => Err(format!("get of a removed meter: {other:?}").into()),
    }
}

fn meter_has_no_dump() -> TestResult {
    let dp = TypedDp::new("genlm2")?;
    let mut c = Client::connect()?;
    let conn = c.connection();
    let header = dp.ifindex.to_ne_bytes();
    let dump = conn.request_raw(
        genl_ovs::meter::FAMILY_NAME,
        &RawRequest {
            cmd: genl_ovs::meter::cmd::GET,
            version: genl_ovs::meter::FAMILY_VERSION,
            kind: RequestKind::Dump,
            flags: 0,
            payload: &header,
        },
    );
    match dump {
        Err(e) if e.errno() == Some(EOPNOTSUPP) => Ok(()),
        other => Err(format!("a meter dump: {other:?}").into()),
    }
}
