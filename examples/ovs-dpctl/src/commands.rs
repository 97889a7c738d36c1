//! The commands: datapath name resolution, then one typed request (or a
//! dump) per command, printed as ovs-dpctl prints.

use genl_ovs::{datapath, flow, vport};
use genl_runtime::Error;

use crate::{Cli, Command, actions};

/// A failed command: the message ovs-dpctl prints after its name.
type Result<T> = std::result::Result<T, String>;

/// `strerror` of a kernel refusal, or the error's own text.
fn why(e: &Error) -> String {
    match e.errno() {
        Some(n) => {
            let s = std::io::Error::from_raw_os_error(n).to_string();
            match s.find(" (os error") {
                Some(i) => s[..i].to_owned(),
                None => s,
            }
        }
        None => e.to_string(),
    }
}

/// A request's outcome, when only success matters (the echoed object is
/// not needed).
fn done<T>(r: std::result::Result<T, Error>) -> std::result::Result<(), Error> {
    r.map(|_| ())
}

/// `system@dp0` or `dp0` → `dp0`.
pub fn dp_name(s: &str) -> Result<&str> {
    match s.split_once('@') {
        Some(("system", name)) => Ok(name),
        Some((t, _)) => Err(format!("unknown datapath type `{t}`")),
        None => Ok(s),
    }
}

struct Dp {
    name: String,
    ifindex: i32,
    reply: datapath::GetDoReply,
}

fn open(dp: &str) -> Result<Dp> {
    let name = dp_name(dp)?;
    let mut c =
        datapath::Client::connect().map_err(|e| format!("opening datapath ({})", why(&e)))?;
    let req = datapath::GetDoRequest {
        name: Some(name.to_owned()),
        ..Default::default()
    };
    let (h, reply) = c
        .get(&datapath::OvsHeader::default(), &req)
        .map_err(|e| format!("opening datapath {dp} failed ({})", why(&e)))?;
    Ok(Dp {
        name: name.to_owned(),
        ifindex: h.dp_ifindex,
        reply,
    })
}

fn all_dps() -> Result<Vec<String>> {
    let mut c = datapath::Client::connect().map_err(|e| why(&e))?;
    let mut names = Vec::new();
    let dump = c
        .get_dump(&datapath::OvsHeader::default(), &Default::default())
        .map_err(|e| why(&e))?;
    for r in dump {
        let (_, d) = r.map_err(|e| why(&e))?;
        names.extend(d.name);
    }
    names.sort();
    Ok(names)
}

/// The named datapath, or the only one.
fn one_dp(dp: Option<&str>) -> Result<Dp> {
    match dp {
        Some(d) => open(d),
        None => {
            let names = all_dps()?;
            match names.as_slice() {
                [one] => open(one),
                [] => Err("no datapaths exist".into()),
                _ => Err("multiple datapaths, specify one".into()),
            }
        }
    }
}

fn type_name(t: Option<vport::VportType>) -> &'static str {
    use vport::VportType::*;
    match t {
        Some(Internal) => "internal",
        Some(Gre) => "gre",
        Some(Vxlan) => "vxlan",
        Some(Geneve) => "geneve",
        _ => "system",
    }
}

fn show_one(dp: &Dp, stats: bool) -> Result<()> {
    println!("system@{}:", dp.name);
    let s = dp.reply.stats.unwrap_or_default();
    println!(
        "  lookups: hit:{} missed:{} lost:{}",
        s.n_hit, s.n_missed, s.n_lost
    );
    println!("  flows: {}", s.n_flows);
    if let Some(m) = dp.reply.megaflow_stats {
        let pkts = s.n_hit + s.n_missed;
        let per = if pkts == 0 {
            0.0
        } else {
            m.n_mask_hit as f64 / pkts as f64
        };
        println!(
            "  masks: hit:{} total:{} hit/pkt:{per:.2}",
            m.n_mask_hit, m.n_masks
        );
    }
    if let Some(size) = dp.reply.masks_cache_size {
        println!("  caches:");
        println!("    masks-cache: size:{size}");
    }
    let mut c = vport::Client::connect().map_err(|e| why(&e))?;
    let header = vport::OvsHeader {
        dp_ifindex: dp.ifindex,
    };
    let mut ports = Vec::new();
    for r in c
        .get_dump(&header, &Default::default())
        .map_err(|e| why(&e))?
    {
        let (_, p) = r.map_err(|e| why(&e))?;
        ports.push(p);
    }
    ports.sort_by_key(|p| p.port_no);
    for p in ports {
        let t = type_name(p.r#type);
        let name = p.name.unwrap_or_default();
        if t == "system" {
            println!("  port {}: {name}", p.port_no.unwrap_or(0));
        } else {
            println!("  port {}: {name} ({t})", p.port_no.unwrap_or(0));
        }
        if stats {
            let v = p.stats.unwrap_or_default();
            println!(
                "    RX packets:{} errors:{} dropped:{} overruns:0 frame:0",
                v.rx_packets, v.rx_errors, v.rx_dropped
            );
            println!(
                "    TX packets:{} errors:{} dropped:{} aborted:0 carrier:0",
                v.tx_packets, v.tx_errors, v.tx_dropped
            );
            println!("    collisions:0");
            println!("    RX bytes:{}  TX bytes:{}", v.rx_bytes, v.tx_bytes);
        }
    }
    Ok(())
}

fn add_ifs(dp: &Dp, ifaces: &[String]) -> Result<()> {
    let mut c = vport::Client::connect().map_err(|e| why(&e))?;
    for spec in ifaces {
        let mut parts = spec.split(',');
        let name = parts.next().unwrap_or_default().to_owned();
        let mut kind = vport::VportType::Netdev;
        for opt in parts {
            match opt.split_once('=') {
                Some(("type", "internal")) => kind = vport::VportType::Internal,
                Some(("type", "system")) => kind = vport::VportType::Netdev,
                Some(("type", t)) => return Err(format!("{name}: unsupported port type `{t}`")),
                _ => return Err(format!("{name}: unsupported option `{opt}`")),
            }
        }
        let req = vport::NewDoRequest {
            name: Some(name.clone()),
            r#type: Some(kind),
            upcall_pid: Some(vec![0]),
            ..Default::default()
        };
        done(c.new(
            &vport::OvsHeader {
                dp_ifindex: dp.ifindex,
            },
            &req,
        ))
        .map_err(|e| format!("adding {name} to {} failed ({})", dp.name, why(&e)))?;
    }
    Ok(())
}

fn flow_args(args: &[String], n: usize) -> Result<(Option<&str>, &[String])> {
    if args.len() > n {
        Ok((Some(args[0].as_str()), &args[1..]))
    } else {
        Ok((None, args))
    }
}

fn parse_flow(s: &str) -> Result<crate::flow::Match> {
    crate::flow::parse(s).map_err(|e| format!("parsing flow key ({e})"))
}

/// Runs one command.
pub fn run(cli: &Cli) -> Result<()> {
    match &cli.command {
        Command::Show { dps } => {
            let names = if dps.is_empty() {
                all_dps()?
            } else {
                dps.clone()
            };
            for d in names {
                show_one(&open(&d)?, cli.statistics)?;
            }
        }
        Command::AddDp { dp, ifaces } => {
            let name = dp_name(dp)?;
            let mut c = datapath::Client::connect().map_err(|e| why(&e))?;
            let req = datapath::NewDoRequest {
                name: Some(name.to_owned()),
                upcall_pid: Some(0),
                ..Default::default()
            };
            done(c.new(&datapath::OvsHeader::default(), &req))
                .map_err(|e| format!("add_dp ({})", why(&e)))?;
            add_ifs(&open(dp)?, ifaces)?;
        }
        Command::DelDp { dp } => {
            let d = open(dp)?;
            let mut c = datapath::Client::connect().map_err(|e| why(&e))?;
            let req = datapath::DelDoRequest {
                name: Some(d.name.clone()),
                ..Default::default()
            };
            done(c.del(&datapath::OvsHeader::default(), &req))
                .map_err(|e| format!("del_dp ({})", why(&e)))?;
        }
        Command::AddIf { dp, ifaces } => add_ifs(&open(dp)?, ifaces)?,
        Command::DelIf { dp, ifaces } => {
            let d = open(dp)?;
            let mut c = vport::Client::connect().map_err(|e| why(&e))?;
            for name in ifaces {
                let req = vport::DelDoRequest {
                    name: Some(name.clone()),
                    ..Default::default()
                };
                done(c.del(
                    &vport::OvsHeader {
                        dp_ifindex: d.ifindex,
                    },
                    &req,
                ))
                .map_err(|e| {
                    format!("deleting port {name} from {} failed ({})", d.name, why(&e))
                })?;
            }
        }
        Command::DumpFlows { dp } => {
            let d = one_dp(dp.as_deref())?;
            let mut c = flow::Client::connect().map_err(|e| why(&e))?;
            let header = flow::OvsHeader {
                dp_ifindex: d.ifindex,
            };
            for r in c
                .get_dump(&header, &Default::default())
                .map_err(|e| why(&e))?
            {
                let (_, f) = r.map_err(|e| why(&e))?;
                let key = f.key.as_deref().cloned().unwrap_or_default();
                let s = f.stats.unwrap_or_default();
                let used = match f.used {
                    None | Some(0) => "never".to_owned(),
                    Some(ms) => {
                        let now = now_ms();
                        format!("{:.3}s", now.saturating_sub(ms) as f64 / 1000.0)
                    }
                };
                println!(
                    "{}, packets:{}, bytes:{}, used:{used}, actions:{}",
                    crate::flow::format(&key, f.mask.as_deref()),
                    s.n_packets,
                    s.n_bytes,
                    actions::format(f.actions.as_deref().unwrap_or(&[]))
                );
            }
        }
        Command::AddFlow { args } | Command::ModFlow { args } => {
            let (dp, rest) = flow_args(args, 2)?;
            let d = one_dp(dp)?;
            let m = parse_flow(&rest[0])?;
            let acts = actions::parse(&rest[1]).map_err(|e| format!("parsing actions ({e})"))?;
            let mut c = flow::Client::connect().map_err(|e| why(&e))?;
            let header = flow::OvsHeader {
                dp_ifindex: d.ifindex,
            };
            if matches!(cli.command, Command::AddFlow { .. }) {
                let req = flow::NewDoRequest {
                    key: Some(Box::new(m.key)),
                    mask: Some(Box::new(m.mask)),
                    actions: Some(acts),
                    ..Default::default()
                };
                done(c.new(&header, &req))
                    .map_err(|e| format!("updating flow table ({})", why(&e)))?;
            } else {
                let req = flow::SetDoRequest {
                    key: Some(Box::new(m.key)),
                    mask: Some(Box::new(m.mask)),
                    actions: Some(acts),
                    clear: cli.clear || cli.statistics,
                    ..Default::default()
                };
                done(c.set(&header, &req))
                    .map_err(|e| format!("updating flow table ({})", why(&e)))?;
            }
        }
        Command::GetFlow { args } | Command::DelFlow { args } => {
            let (dp, rest) = flow_args(args, 1)?;
            let d = one_dp(dp)?;
            let m = parse_flow(&rest[0])?;
            let mut c = flow::Client::connect().map_err(|e| why(&e))?;
            let header = flow::OvsHeader {
                dp_ifindex: d.ifindex,
            };
            if matches!(cli.command, Command::DelFlow { .. }) {
                let req = flow::DelDoRequest {
                    key: Some(Box::new(m.key)),
                    ..Default::default()
                };
                done(c.del(&header, &req)).map_err(|e| format!("deleting flow ({})", why(&e)))?;
            } else {
                let req = flow::GetDoRequest {
                    key: Some(Box::new(m.key)),
                    ..Default::default()
                };
                let (_, f) = c
                    .get(&header, &req)
                    .map_err(|e| format!("getting flow ({})", why(&e)))?;
                let key = f.key.as_deref().cloned().unwrap_or_default();
                let s = f.stats.unwrap_or_default();
                println!(
                    "{}, packets:{}, bytes:{}, used:never, actions:{}",
                    crate::flow::format(&key, f.mask.as_deref()),
                    s.n_packets,
                    s.n_bytes,
                    actions::format(f.actions.as_deref().unwrap_or(&[]))
                );
            }
        }
        Command::DelFlows { dp } => {
            let d = one_dp(dp.as_deref())?;
            let mut c = flow::Client::connect().map_err(|e| why(&e))?;
            let header = flow::OvsHeader {
                dp_ifindex: d.ifindex,
            };
            // A flush (del without a key) is only acknowledged: the kernel
            // has no single flow to echo.
            match c.del(&header, &Default::default()) {
                Ok(_) | Err(Error::NoReply { .. }) => {}
                Err(e) => return Err(format!("deleting all flows ({})", why(&e))),
            }
        }
    }
    Ok(())
}

/// The kernel's `used` is in jiffies-derived milliseconds of the monotonic clock.
fn now_ms() -> u64 {
    std::fs::read_to_string("/proc/uptime")
        .ok()
        .and_then(|s| s.split_whitespace().next()?.parse::<f64>().ok())
        .map_or(0, |s| (s * 1000.0) as u64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn datapath_names() {
        assert_eq!(dp_name("system@dp0").unwrap(), "dp0");
        assert_eq!(dp_name("dp0").unwrap(), "dp0");
        assert!(dp_name("netdev@dp0").is_err());
    }
}
