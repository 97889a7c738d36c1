//! `ovs_datapath` through the typed client of `genl_ovs::datapath`: new,
//! get (by name and by ifindex), dump, set, statistics, del, the kernel's
//! errors, and the notifications of the datapath group; `ovs-dpctl show`
//! is the peer that sees what we make.

use std::time::Duration;

use genl_ovs::datapath::{
    Client, DelDoRequest, Event, GetDoRequest, GetDumpRequest, NewDoRequest, OvsHeader,
    SetDoRequest, UserFeatures, mcgrp,
};
use genl_runtime::Error;
use libtest_mimic::Failed;

use crate::support::{Test, TestResult, run};

/// The tests, by name.
pub const TESTS: &[Test] = &[
    ("dp_new_get_dump_del", dp_new_get_dump_del),
    ("dp_set_features_pids_cache", dp_set_features_pids_cache),
    ("dp_stats_match_dpctl", dp_stats_match_dpctl),
    ("dp_errors", dp_errors),
    ("dp_notifications", dp_notifications),
];

/// `EEXIST`.
const EEXIST: i32 = 17;
/// `ENODEV`.
const ENODEV: i32 = 19;

/// A datapath made through the typed client, deleted on drop.
pub struct TypedDp {
    /// Its name, which is also its local port's.
    pub name: &'static str,
    /// The ifindex of its local port, for `ovs_header`.
    pub ifindex: i32,
}

impl TypedDp {
    /// Creates the datapath `name`, sending no upcalls.
    pub fn new(name: &'static str) -> Result<TypedDp, Failed> {
        let mut client = Client::connect()?;
        let (header, reply) = client.new(
            &OvsHeader::default(),
            &NewDoRequest {
                name: Some(name.into()),
                upcall_pid: Some(0),
                ..Default::default()
            },
        )?;
        if reply.name.as_deref() != Some(name) {
            return Err(format!("new {name} answered for {:?}", reply.name).into());
        }
        Ok(TypedDp {
            name,
            ifindex: header.dp_ifindex,
        })
    }

    /// The `ovs_header` that selects this datapath.
    pub fn header(&self) -> OvsHeader {
        OvsHeader {
            dp_ifindex: self.ifindex,
        }
    }
}

impl Drop for TypedDp {
    fn drop(&mut self) {
        if let Ok(mut c) = Client::connect() {
            let _ = c.del(&self.header(), &DelDoRequest::default());
        }
    }
}

/// The ifindex of a network device, from sysfs.
pub fn ifindex_of(dev: &str) -> Result<i32, Failed> {
    Ok(
        std::fs::read_to_string(format!("/sys/class/net/{dev}/ifindex"))
            .map_err(|e| format!("no device {dev}: {e}"))?
            .trim()
            .parse()?,
    )
}

/// The text of `ovs-dpctl show NAME`.
pub fn dpctl_show(name: &str) -> Result<String, Failed> {
    run("ovs-dpctl", &["show", name])
}

fn dp_new_get_dump_del() -> TestResult {
    let mut c = Client::connect()?;
    let (header, new) = c.new(
        &OvsHeader::default(),
        &NewDoRequest {
            name: Some("genld0".into()),
            upcall_pid: Some(0),
            ..Default::default()
        },
    )?;
    eprintln!("new: {header:?} {new:?}");
    let dp = TypedDp {
        name: "genld0",
        ifindex: header.dp_ifindex,
    };
    if dp.ifindex != ifindex_of("genld0")? {
        return Err(format!("new answered ifindex {}, sysfs differs", dp.ifindex).into());
    }
    if new.name.as_deref() != Some("genld0") || new.stats.is_none() {
        return Err(format!("new's echo lacks the name or stats: {new:?}").into());
    }
    // By name (dp_ifindex 0) and by ifindex (no name): the same datapath.
    let (h1, by_name) = c.get(
        &OvsHeader::default(),
        &GetDoRequest {
            name: Some("genld0".into()),
            ..Default::default()
        },
    )?;
    let (h2, by_index) = c.get(&dp.header(), &GetDoRequest::default())?;
    eprintln!("get by name: {h1:?} {by_name:?}\nget by ifindex: {h2:?} {by_index:?}");
    if h1.dp_ifindex != dp.ifindex || h2.dp_ifindex != dp.ifindex || by_name != by_index {
        return Err("get by name and get by ifindex differ".into());
    }
    if by_name.masks_cache_size.is_none() || by_name.megaflow_stats.is_none() {
        return Err(format!("get lacks the mask cache or megaflow stats: {by_name:?}").into());
    }
    // The dump lists it, with the same attributes.
    let mut found = None;
    for reply in c.get_dump(&OvsHeader::default(), &GetDumpRequest::default())? {
        let (h, d) = reply?;
        if d.name.as_deref() == Some("genld0") {
            found = Some((h, d));
        }
    }
    let (h, d) = found.ok_or("the dump lacks genld0")?;
    if h.dp_ifindex != dp.ifindex || d.name != by_name.name || d.stats != by_name.stats {
        return Err(format!("the dump's genld0 differs from get's: {d:?}").into());
    }
    // The reference client sees it.
    let show = dpctl_show("genld0")?;
    if !show.contains("genld0") || !show.contains("port 0: genld0 (internal)") {
        return Err(format!("ovs-dpctl show lacks genld0:\n{show}").into());
    }
    // del echoes what it removed; then it is gone for everyone.
    let (dh, del) = c.del(
        &OvsHeader::default(),
        &DelDoRequest {
            name: Some("genld0".into()),
            ..Default::default()
        },
    )?;
    std::mem::forget(dp);
    eprintln!("del: {dh:?} {del:?}");
    if del.name.as_deref() != Some("genld0") || dh.dp_ifindex != h.dp_ifindex {
        return Err(format!("del echoed {dh:?} {del:?}").into());
    }
    if std::path::Path::new("/sys/class/net/genld0").exists() {
        return Err("genld0's local port outlived del".into());
    }
    if run("ovs-dpctl", &["show", "genld0"]).is_ok() {
        return Err("ovs-dpctl still shows genld0 after del".into());
    }
    Ok(())
}

fn dp_set_features_pids_cache() -> TestResult {
    let dp = TypedDp::new("genld1")?;
    let mut c = Client::connect()?;
    let (_, before) = c.get(&dp.header(), &GetDoRequest::default())?;
    eprintln!("before: {before:?}");
    if before.masks_cache_size != Some(256) {
        return Err(format!("default mask cache {:?}, not 256", before.masks_cache_size).into());
    }
    let cpus = std::thread::available_parallelism().map_or(1, |n| n.get());
    let pid = c.connection().socket().port_id();
    let pids = vec![pid; cpus];
    let features = UserFeatures::UNALIGNED | UserFeatures::DISPATCH_UPCALL_PER_CPU;
    let (_, set) = c.set(
        &dp.header(),
        &SetDoRequest {
            user_features: Some(features),
            masks_cache_size: Some(512),
            per_cpu_pids: Some(pids.clone()),
            ..Default::default()
        },
    )?;
    eprintln!("set: {set:?}");
    let (_, after) = c.get(&dp.header(), &GetDoRequest::default())?;
    eprintln!("after: {after:?}");
    let views = [
        (
            "set's echo",
            set.user_features,
            set.masks_cache_size,
            &set.per_cpu_pids,
        ),
        (
            "get",
            after.user_features,
            after.masks_cache_size,
            &after.per_cpu_pids,
        ),
    ];
    for (what, got_features, cache, got_pids) in views {
        if got_features != Some(features) {
            return Err(format!("{what}: features {got_features:?}").into());
        }
        if cache != Some(512) {
            return Err(format!("{what}: mask cache {cache:?}").into());
        }
        if got_pids.as_deref() != Some(&pids[..]) {
            return Err(format!("{what}: per-CPU pids {got_pids:?}, sent {pids:?}").into());
        }
    }
    let show = dpctl_show("genld1")?;
    if !show.contains("masks-cache: size:512") {
        return Err(format!("ovs-dpctl show does not see the cache size:\n{show}").into());
    }
    // The kernel takes only powers of two.
    let bad = c.set(
        &dp.header(),
        &SetDoRequest {
            masks_cache_size: Some(300),
            ..Default::default()
        },
    );
    match bad {
        Err(e) if e.errno().is_some() => eprintln!("cache size 300: {e}"),
        other => return Err(format!("cache size 300 was taken: {other:?}").into()),
    }
    // Above the policy's maximum of 4096, the spec's check refuses it
    // before the kernel would.
    let bad = c.set(
        &dp.header(),
        &SetDoRequest {
            masks_cache_size: Some(8192),
            ..Default::default()
        },
    );
    match bad {
        Err(Error::Policy { error, .. }) => eprintln!("cache size 8192: {error}"),
        other => return Err(format!("cache size 8192 was not refused: {other:?}").into()),
    }
    // A set without features clears them (the kernel's rule).
    let (_, cleared) = c.set(&dp.header(), &SetDoRequest::default())?;
    if cleared.user_features != Some(UserFeatures::empty()) || cleared.per_cpu_pids.is_some() {
        return Err(format!("a set without features kept {cleared:?}").into());
    }
    Ok(())
}

fn dp_stats_match_dpctl() -> TestResult {
    let dp = TypedDp::new("genld2")?;
    let mut c = Client::connect()?;
    let (_, got) = c.get(&dp.header(), &GetDoRequest::default())?;
    let stats = got.stats.ok_or("no stats")?;
    let mega = got.megaflow_stats.ok_or("no megaflow stats")?;
    eprintln!("{stats:?} {mega:?}");
    let show = dpctl_show("genld2")?;
    let want = [
        format!(
            "lookups: hit:{} missed:{} lost:{}",
            stats.n_hit, stats.n_missed, stats.n_lost
        ),
        format!("flows: {}", stats.n_flows),
        format!("masks: hit:{} total:{}", mega.n_mask_hit, mega.n_masks),
    ];
    for line in &want {
        if !show.contains(line.as_str()) {
            return Err(format!("ovs-dpctl show lacks `{line}`:\n{show}").into());
        }
    }
    if stats.n_flows != 0 || mega.n_masks != 0 {
        return Err("a new datapath has flows or masks".into());
    }
    Ok(())
}

/// The kernel's errno and extack text of a failed request.
fn kernel_error<T: std::fmt::Debug>(r: Result<T, Error>) -> Result<(i32, Option<String>), Failed> {
    match r {
        Err(Error::Kernel(k)) => {
            eprintln!("kernel error: {k}");
            Ok((k.errno, k.message.clone()))
        }
        other => Err(format!("expected a kernel error, got {other:?}").into()),
    }
}

fn dp_errors() -> TestResult {
    let dp = TypedDp::new("genld3")?;
    let mut c = Client::connect()?;
    let dup = NewDoRequest {
        name: Some(dp.name.into()),
        upcall_pid: Some(0),
        ..Default::default()
    };
    let (errno, msg) = kernel_error(c.new(&OvsHeader::default(), &dup))?;
    if errno != EEXIST {
        return Err(format!("a duplicate name gave errno {errno}, not EEXIST").into());
    }
    eprintln!("duplicate: extack {msg:?}");
    let missing = GetDoRequest {
        name: Some("genl-nodp".into()),
        ..Default::default()
    };
    let (errno, _) = kernel_error(c.get(&OvsHeader::default(), &missing))?;
    if errno != ENODEV {
        return Err(format!("a missing name gave errno {errno}, not ENODEV").into());
    }
    let (errno, _) =
        kernel_error(c.get(&OvsHeader { dp_ifindex: 99999 }, &GetDoRequest::default()))?;
    if errno != ENODEV {
        return Err(format!("a missing ifindex gave errno {errno}, not ENODEV").into());
    }
    // A name over the policy's 15 bytes never leaves the client ...
    let long = GetDoRequest {
        name: Some("genl-name-too-long".into()),
        ..Default::default()
    };
    match c.get(&OvsHeader::default(), &long) {
        Err(Error::Policy { .. }) => {}
        other => return Err(format!("a long name was not refused locally: {other:?}").into()),
    }
    // ... and, sent anyway, the kernel's policy refuses it with an extack
    // that points at the name attribute.
    c.connection().skip_policy_checks();
    match c.get(&OvsHeader::default(), &long) {
        Err(Error::Kernel(k)) => {
            eprintln!("kernel on a long name: {k}");
            let path = k.bad_attr.as_ref().and_then(|a| a.path.as_deref());
            if k.message.is_none() || path != Some(".name") {
                return Err(format!("the kernel's extack lacks text or the path: {k:?}").into());
            }
        }
        other => return Err(format!("the kernel took a long name: {other:?}").into()),
    }
    Ok(())
}

fn dp_notifications() -> TestResult {
    let mut listener = Client::connect()?;
    listener.subscribe(mcgrp::OVS_DATAPATH)?;
    listener
        .connection()
        .set_timeout(Some(Duration::from_secs(5)))?;
    let dp = TypedDp::new("genld4")?;
    let mut c = Client::connect()?;
    c.set(
        &dp.header(),
        &SetDoRequest {
            masks_cache_size: Some(128),
            ..Default::default()
        },
    )?;
    let ifindex = dp.ifindex;
    drop(dp);
    let mut seen = Vec::new();
    while seen.len() < 3 {
        let event = listener.next_event()?;
        eprintln!("event: {event:?}");
        match event {
            Event::NewNtf(h, d) if d.name.as_deref() == Some("genld4") => {
                seen.push(("new", h.dp_ifindex, d.masks_cache_size));
            }
            Event::SetNtf(h, d) if d.name.as_deref() == Some("genld4") => {
                seen.push(("set", h.dp_ifindex, d.masks_cache_size));
            }
            Event::DelNtf(h, d) if d.name.as_deref() == Some("genld4") => {
                seen.push(("del", h.dp_ifindex, d.masks_cache_size));
            }
            Event::Unknown { cmd, .. } => {
                return Err(format!("an unknown event, command {cmd}").into());
            }
            _ => {}
        }
    }
    let want = [
        ("new", ifindex, Some(256)),
        ("set", ifindex, Some(128)),
        ("del", ifindex, Some(128)),
    ];
    if seen != want {
        return Err(format!("events {seen:?}, expected {want:?}").into());
    }
    Ok(())
}
