//! `ovs_vport` through the typed client of `genl_ovs::vport`: internal,
//! netdev (a veth) and tunnel ports (VXLAN with its GBP extension, Geneve,
//! GRE) with their options; get, dump, set, del, upcall statistics; and
//! `ovs-dpctl show` as the peer that sees the same ports.

use std::process::Command;

use genl_ovs::vport::{
    Client, DelDoRequest, GetDoRequest, GetDumpRequest, NewDoReply, NewDoRequest, OvsHeader,
    SetDoRequest, VportOptions, VportType, VxlanExt,
};
use genl_runtime::Error;
use libtest_mimic::Failed;

use crate::datapath::{TypedDp, dpctl_show, ifindex_of};
use crate::support::{Test, TestResult, run};

/// The tests, by name.
pub const TESTS: &[Test] = &[
    ("vport_internal_and_netdev", vport_internal_and_netdev),
    ("vport_tunnels_with_options", vport_tunnels_with_options),
    ("vport_set_upcall_pids", vport_set_upcall_pids),
    ("vport_upcall_stats", vport_upcall_stats),
];

/// `ENODEV`.
const ENODEV: i32 = 19;

/// The `ovs_header` of a datapath, in this family's type.
fn header(dp: &TypedDp) -> OvsHeader {
    OvsHeader {
        dp_ifindex: dp.ifindex,
    }
}

/// Attaches a port and checks the echo's name and type.
fn attach(
    c: &mut Client,
    dp: &TypedDp,
    name: &str,
    ty: VportType,
    options: Option<VportOptions>,
) -> Result<NewDoReply, Failed> {
    let (h, reply) = c.new(
        &header(dp),
        &NewDoRequest {
            r#type: Some(ty),
            name: Some(name.into()),
            upcall_pid: Some(vec![0]),
            options,
            ..Default::default()
        },
    )?;
    eprintln!("new {name}: {h:?} {reply:?}");
    if h.dp_ifindex != dp.ifindex || reply.name.as_deref() != Some(name) || reply.r#type != Some(ty)
    {
        return Err(format!("new {name} echoed {h:?} {reply:?}").into());
    }
    if reply.port_no.is_none() || reply.stats.is_none() {
        return Err(format!("new {name}: no port number or stats in {reply:?}").into());
    }
    Ok(reply)
}

/// Checks that `ovs-dpctl show` lists `port N: NAME (TYPE...`, or
/// `port N: NAME` alone for an empty `ty`.
fn dpctl_sees(dp: &str, port: u32, name: &str, ty: &str) -> TestResult {
    let show = dpctl_show(dp)?;
    // A netdev port is shown without a type.
    let line = match ty {
        "" => format!("port {port}: {name}"),
        _ => format!("port {port}: {name} ({ty}"),
    };
    let seen = |l: &str| match ty {
        "" => l.trim() == line,
        _ => l.trim_start().starts_with(&line),
    };
    if !show.lines().any(seen) {
        return Err(format!("ovs-dpctl show lacks `{line}`:\n{show}").into());
    }
    Ok(())
}

fn vport_internal_and_netdev() -> TestResult {
    let dp = TypedDp::new("genlp0")?;
    let mut c = Client::connect()?;
    let internal = attach(&mut c, &dp, "genlpi0", VportType::Internal, None)?;
    let ip = internal.port_no.unwrap_or_default();
    let sysfs = ifindex_of("genlpi0")?;
    if internal
        .ifindex
        .is_some_and(|i| i64::from(i) != i64::from(sysfs))
    {
        return Err("the internal port's ifindex differs from sysfs".into());
    }
    run(
        "ip",
        &[
            "link", "add", "genlpv0", "type", "veth", "peer", "name", "genlpv1",
        ],
    )?;
    let result = (|| -> TestResult {
        let netdev = attach(&mut c, &dp, "genlpv0", VportType::Netdev, None)?;
        let np = netdev.port_no.unwrap_or_default();
        if np == ip {
            return Err("two ports with one number".into());
        }
        dpctl_sees("genlp0", ip, "genlpi0", "internal")?;
        dpctl_sees("genlp0", np, "genlpv0", "")?;
        // get by name alone, and by datapath and number: the same port.
        let (_, by_name) = c.get(
            &OvsHeader::default(),
            &GetDoRequest {
                name: Some("genlpv0".into()),
                ..Default::default()
            },
        )?;
        let (_, by_no) = c.get(
            &header(&dp),
            &GetDoRequest {
                port_no: Some(np),
                ..Default::default()
            },
        )?;
        if by_name != by_no || by_name.r#type != Some(VportType::Netdev) {
            return Err(format!("get by name {by_name:?} and by number {by_no:?} differ").into());
        }
        // The dump has the local port, the internal port and the veth.
        let mut names = Vec::new();
        for reply in c.get_dump(&header(&dp), &GetDumpRequest::default())? {
            let (_, p) = reply?;
            names.push((p.port_no.unwrap_or(u32::MAX), p.name.unwrap_or_default()));
        }
        names.sort();
        eprintln!("dump: {names:?}");
        let want = vec![
            (0, "genlp0".to_owned()),
            (ip, "genlpi0".to_owned()),
            (np, "genlpv0".to_owned()),
        ];
        if names != want {
            return Err(format!("dump {names:?}, expected {want:?}").into());
        }
        // del by number, then by name; gone for the kernel and for dpctl.
        let (_, del) = c.del(
            &header(&dp),
            &DelDoRequest {
                port_no: Some(np),
                ..Default::default()
            },
        )?;
        if del.name.as_deref() != Some("genlpv0") {
            return Err(format!("del by number echoed {del:?}").into());
        }
        c.del(
            &OvsHeader::default(),
            &DelDoRequest {
                name: Some("genlpi0".into()),
                ..Default::default()
            },
        )?;
        let gone = c.get(
            &OvsHeader::default(),
            &GetDoRequest {
                name: Some("genlpi0".into()),
                ..Default::default()
            },
        );
        match gone {
            Err(e) if e.errno() == Some(ENODEV) => {}
            other => return Err(format!("get of a removed port: {other:?}").into()),
        }
        let show = dpctl_show("genlp0")?;
        if show.contains("genlpi0") || show.contains("genlpv0") {
            return Err(format!("ovs-dpctl still shows removed ports:\n{show}").into());
        }
        Ok(())
    })();
    let _ = Command::new("ip").args(["link", "del", "genlpv0"]).output();
    result
}

fn vport_tunnels_with_options() -> TestResult {
    let dp = TypedDp::new("genlp1")?;
    let mut c = Client::connect()?;
    let vxlan_opts = VportOptions {
        dst_port: Some(4789),
        extension: Some(VxlanExt {
            gbp: true,
            ..Default::default()
        }),
        ..Default::default()
    };
    let geneve_opts = VportOptions {
        dst_port: Some(6081),
        ..Default::default()
    };
    let cases = [
        ("genlvx0", VportType::Vxlan, Some(vxlan_opts), "vxlan"),
        ("genlgn0", VportType::Geneve, Some(geneve_opts), "geneve"),
        ("genlgr0", VportType::Gre, None, "gre"),
    ];
    for (name, ty, options, dpctl_type) in cases {
        let reply = attach(&mut c, &dp, name, ty, options.clone())?;
        let port = reply.port_no.unwrap_or_default();
        // The options come back as they were given (GRE has none to report).
        let (_, got) = c.get(
            &header(&dp),
            &GetDoRequest {
                name: Some(name.into()),
                ..Default::default()
            },
        )?;
        eprintln!("get {name}: {got:?}");
        let want = options.unwrap_or_default();
        let have = got.options.clone().unwrap_or_default();
        if have != want || reply.options != got.options {
            return Err(format!("{name}: options {have:?}, sent {want:?}").into());
        }
        dpctl_sees("genlp1", port, name, dpctl_type)?;
    }
    // Removing a VXLAN or Geneve port hangs this 6.1 guest
    // (`unregister_netdevice: waiting for genlvx0 to become free. Usage
    // count = 2`), and so would removing the datapath: the tunnel ports and
    // their datapath stay until the guest powers off.
    let dp = std::mem::ManuallyDrop::new(dp);
    // A VXLAN port needs its destination port.
    let bare = c.new(
        &header(&dp),
        &NewDoRequest {
            r#type: Some(VportType::Vxlan),
            name: Some("genlvx2".into()),
            upcall_pid: Some(vec![0]),
            ..Default::default()
        },
    );
    match bare {
        Err(Error::Kernel(k)) => eprintln!("vxlan without options: {k}"),
        other => return Err(format!("a VXLAN port without dst-port: {other:?}").into()),
    }
    eprintln!("left in place: {} with its tunnel ports", dp.name);
    Ok(())
}

fn vport_set_upcall_pids() -> TestResult {
    let dp = TypedDp::new("genlp2")?;
    let mut c = Client::connect()?;
    let reply = attach(&mut c, &dp, "genlpi2", VportType::Internal, None)?;
    if reply.upcall_pid.as_deref() != Some(&[0][..]) {
        return Err(format!("new's upcall pids {:?}", reply.upcall_pid).into());
    }
    // A port reports all of its upcall pids only when the datapath has
    // the vport-pids feature; otherwise the first.
    let mut dpc = genl_ovs::datapath::Client::connect()?;
    dpc.set(
        &dp.header(),
        &genl_ovs::datapath::SetDoRequest {
            user_features: Some(genl_ovs::datapath::UserFeatures::VPORT_PIDS),
            ..Default::default()
        },
    )?;
    let pid = c.connection().socket().port_id();
    let pids = vec![pid, pid + 1000, pid + 2000];
    let (_, set) = c.set(
        &header(&dp),
        &SetDoRequest {
            port_no: reply.port_no,
            upcall_pid: Some(pids.clone()),
            ..Default::default()
        },
    )?;
    let (_, got) = c.get(
        &header(&dp),
        &GetDoRequest {
            port_no: reply.port_no,
            ..Default::default()
        },
    )?;
    eprintln!("set: {set:?}\nget: {got:?}");
    if set.upcall_pid.as_deref() != Some(&pids[..]) || got.upcall_pid != set.upcall_pid {
        return Err(format!(
            "upcall pids {:?} / {:?}, sent {pids:?}",
            set.upcall_pid, got.upcall_pid
        )
        .into());
    }
    // The type, when given, must be the port's own.
    let wrong = c.set(
        &header(&dp),
        &SetDoRequest {
            port_no: reply.port_no,
            r#type: Some(VportType::Netdev),
            ..Default::default()
        },
    );
    match wrong {
        Err(Error::Kernel(k)) => eprintln!("set with another type: {k}"),
        other => return Err(format!("set with another type: {other:?}").into()),
    }
    Ok(())
}

/// The kernel release (`uname -r`).
pub fn release() -> Result<String, Failed> {
    Ok(std::fs::read_to_string("/proc/sys/kernel/osrelease")?
        .trim()
        .to_owned())
}

fn vport_upcall_stats() -> TestResult {
    let dp = TypedDp::new("genlp3")?;
    let mut c = Client::connect()?;
    let reply = attach(&mut c, &dp, "genlpi3", VportType::Internal, None)?;
    let (_, got) = c.get(
        &header(&dp),
        &GetDoRequest {
            port_no: reply.port_no,
            ..Default::default()
        },
    )?;
    eprintln!(
        "upcall stats: {:?}; unknown attributes: {:?}",
        got.upcall_stats, got.unknown
    );
    // OVS_VPORT_ATTR_UPCALL_STATS came with Linux 6.2; 6.1 sends none.
    let release = release()?;
    let old =
        release.starts_with("6.1.") || release.starts_with("6.0.") || release.starts_with("5.");
    match (&got.upcall_stats, old) {
        (None, true) => Ok(()),
        (Some(s), false) if s.success.is_some() && s.fail.is_some() => Ok(()),
        (stats, _) => Err(format!("kernel {release}: upcall stats {stats:?}").into()),
    }
}
