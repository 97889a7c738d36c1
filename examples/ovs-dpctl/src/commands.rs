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

/// The kernel name prefix of tunnel ports of a type, and its default UDP port.
fn tunnel_prefix(t: &str) -> Option<(&'static str, u16)> {
    match t {
        "vxlan" => Some(("vxlan_sys", 4789)),
        "geneve" => Some(("genev_sys", 6081)),
        "gre" => Some(("gre_sys", 0)),
        _ => None,
    }
}

/// What ovs-dpctl prints after a tunnel port's type: its configuration
/// as a fresh process sees it, the destination port when the port's name
/// (`vxlan_sys_4790`) gives one that is not the default, and the packet
/// type mode, which a fresh process does not know and prints as `ptap`.
fn tunnel_config(t: &str, name: &str) -> String {
    let Some((prefix, default)) = tunnel_prefix(t) else {
        return String::new();
    };
    let port = name
        .strip_prefix(prefix)
        .and_then(|r| r.strip_prefix('_'))
        .map(|r| {
            let digits: String = r.chars().take_while(|c| c.is_ascii_digit()).collect();
            digits.parse::<u16>().unwrap_or(0)
        })
        .filter(|p| *p != 0)
        .unwrap_or(default);
    if default != 0 && port != default {
        format!(": dst_port={port}, packet_type=ptap")
    } else {
        ": packet_type=ptap".into()
    }
}

/// A port's type as ovs-dpctl names it: a plain device named like a
/// tunnel port (`vxlan_sys_4789`, made over rtnetlink) is that tunnel.
fn port_type(t: Option<vport::VportType>, name: &str) -> &'static str {
    let base = type_name(t);
    if base != "system" {
        return base;
    }
    for kind in ["vxlan", "geneve", "gre"] {
        if let Some((prefix, _)) = tunnel_prefix(kind)
            && name.starts_with(prefix)
        {
            return kind;
        }
    }
    base
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
        let name = p.name.unwrap_or_default();
        let t = port_type(p.r#type, &name);
        if t == "system" {
            println!("  port {}: {name}", p.port_no.unwrap_or(0));
        } else {
            println!(
                "  port {}: {name} ({t}{})",
                p.port_no.unwrap_or(0),
                tunnel_config(t, &name)
            );
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

/// A port to add: `NAME[,type=TYPE][,port_no=N][,KEY=VALUE]...`.
struct PortSpec {
    name: String,
    kind: vport::VportType,
    port_no: Option<u32>,
    options: Option<vport::VportOptions>,
}

fn port_spec(spec: &str) -> Result<PortSpec> {
    let mut parts = spec.split(',');
    let name = parts.next().unwrap_or_default().to_owned();
    if name.is_empty() {
        return Err(format!("{spec} is not a valid network device name"));
    }
    let mut type_name = "system".to_owned();
    let mut port_no = None;
    let mut args: Vec<(String, String)> = Vec::new();
    for opt in parts {
        let (k, v) = opt.split_once('=').unwrap_or((opt, ""));
        match k {
            "type" => type_name = v.to_owned(),
            "port_no" => {
                port_no = Some(
                    v.parse::<u32>()
                        .map_err(|_| format!("{name}: bad port_no `{v}`"))?,
                )
            }
            _ if args.iter().any(|(a, _)| a == k) => {
                return Err(format!("duplicate \"{k}\" option"));
            }
            _ => args.push((k.to_owned(), v.to_owned())),
        }
    }
    use vport::VportType::*;
    let kind = match type_name.as_str() {
        "system" => Netdev,
        "internal" => Internal,
        "vxlan" => Vxlan,
        "geneve" => Geneve,
        "gre" => Gre,
        t => {
            return Err(format!(
                "{name}: failed to open network device (unsupported port type `{t}`)"
            ));
        }
    };
    let mut options = None;
    let mut kname = name.clone();
    if let Some((prefix, default)) = tunnel_prefix(&type_name) {
        // Tunnels: the kernel takes the UDP destination port and VXLAN's
        // extensions; the rest configures ovs-vswitchd, which ovs-dpctl
        // checks but the kernel never sees.
        let mut o = vport::VportOptions::default();
        let mut remote = false;
        for (k, v) in &args {
            match k.as_str() {
                "remote_ip" => remote = !v.is_empty(),
                "dst_port" if default != 0 => {
                    o.dst_port = Some(
                        v.parse::<u16>()
                            .ok()
                            .filter(|p| *p != 0)
                            .ok_or_else(|| format!("{name}: bad dst_port `{v}`"))?,
                    )
                }
                "exts" if type_name == "vxlan" => {
                    for e in v.split(',').filter(|e| !e.is_empty()) {
                        match e {
                            "gbp" => {
                                o.extension = Some(vport::VxlanExt {
                                    gbp: true,
                                    ..Default::default()
                                })
                            }
                            _ => return Err(format!("{name}: unknown VXLAN extension `{e}`")),
                        }
                    }
                }
                "local_ip" | "key" | "in_key" | "out_key" | "tos" | "ttl" | "csum"
                | "df_default" | "packet_type" | "egress_pkt_mark" => {}
                _ => return Err(format!("{name}: unknown {type_name} argument '{k}'")),
            }
        }
        if !remote {
            return Err(format!(
                "{name}: {type_name} type requires valid 'remote_ip' argument"
            ));
        }
        if default != 0 {
            let port = o.dst_port.unwrap_or(default);
            o.dst_port = Some(port);
            kname = format!("{prefix}_{port}");
        } else {
            kname = prefix.to_owned();
        }
        options = Some(o);
    } else if let Some((k, _)) = args.first() {
        return Err(format!("{name}: unknown {type_name} argument '{k}'"));
    }
    Ok(PortSpec {
        name: kname,
        kind,
        port_no,
        options,
    })
}

fn add_ifs(dp: &Dp, ifaces: &[String]) -> Result<()> {
    let mut c = vport::Client::connect().map_err(|e| why(&e))?;
    for spec in ifaces {
        let p = port_spec(spec)?;
        let req = vport::NewDoRequest {
            name: Some(p.name.clone()),
            r#type: Some(p.kind),
            port_no: p.port_no,
            options: p.options,
            upcall_pid: Some(vec![0]),
            ..Default::default()
        };
        done(c.new(
            &vport::OvsHeader {
                dp_ifindex: dp.ifindex,
            },
            &req,
        ))
        .map_err(|e| format!("adding {} to {} failed ({})", p.name, dp.name, why(&e)))?;
    }
    Ok(())
}

/// `set-if DP IFACE[,OPTION=VALUE]...`: the type and port number cannot
/// change; `upcall_pid=PID[:PID...]` sets the port's upcall sockets; the
/// kernel refuses other changes of a port's options.
fn set_ifs(dp: &Dp, ifaces: &[String]) -> Result<()> {
    let mut c = vport::Client::connect().map_err(|e| why(&e))?;
    let header = vport::OvsHeader {
        dp_ifindex: dp.ifindex,
    };
    for spec in ifaces {
        let mut parts = spec.split(',');
        let name = parts.next().unwrap_or_default();
        if name.is_empty() {
            return Err(format!("{spec} is not a valid network device name"));
        }
        let (_, port) = c
            .get(
                &header,
                &vport::GetDoRequest {
                    name: Some(name.to_owned()),
                    ..Default::default()
                },
            )
            .map_err(|e| format!("{name}: failed to query port in {} ({})", dp.name, why(&e)))?;
        let t = type_name(port.r#type);
        let port_no = port.port_no.unwrap_or(0);
        let mut req = vport::SetDoRequest {
            name: Some(name.to_owned()),
            ..Default::default()
        };
        let mut change = false;
        for opt in parts {
            let (k, v) = opt.split_once('=').unwrap_or((opt, ""));
            match k {
                "type" if v != t => {
                    return Err(format!("{name}: can't change type from {t} to {v}"));
                }
                "type" => {}
                "port_no" if v.parse::<u32>().ok() != Some(port_no) => {
                    return Err(format!(
                        "{name}: can't change port number from {port_no} to {v}"
                    ));
                }
                "port_no" => {}
                "upcall_pid" => {
                    let pids = v
                        .split(':')
                        .map(|p| p.parse::<u32>())
                        .collect::<std::result::Result<Vec<_>, _>>()
                        .map_err(|_| format!("{name}: bad upcall_pid `{v}`"))?;
                    req.upcall_pid = Some(pids);
                    change = true;
                }
                "dst_port" => {
                    let p = v
                        .parse::<u16>()
                        .map_err(|_| format!("{name}: bad dst_port `{v}`"))?;
                    req.options = Some(vport::VportOptions {
                        dst_port: Some(p),
                        ..Default::default()
                    });
                    change = true;
                }
                _ => return Err(format!("{name}: unknown {t} argument '{k}'")),
            }
        }
        if change {
            done(c.set(&header, &req))
                .map_err(|e| format!("{name}: Error updating configuration ({})", why(&e)))?;
        }
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

/// A flow as ovs-dpctl takes it: `[ufid:UUID,]KEY...`.
fn parse_flow(s: &str) -> Result<(Option<Vec<u8>>, crate::flow::Match)> {
    let (ufid, rest) = match s.strip_prefix("ufid:") {
        Some(u) => {
            let (u, tail) = (u.get(..36).unwrap_or(u), u.get(36..).unwrap_or(""));
            let id = ufid_parse(u).ok_or("parsing flow ufid (Invalid argument)")?;
            (Some(id), tail.trim_start_matches(','))
        }
        None => (None, s),
    };
    let m = crate::flow::parse(rest).map_err(|e| format!("parsing flow key ({e})"))?;
    Ok((ufid, m))
}

/// A UFID as OVS writes it: a UUID whose four 32-bit words are the
/// kernel's 16 bytes in host order.
pub fn ufid_format(b: &[u8]) -> String {
    let mut w = [0u32; 4];
    for (i, x) in w.iter_mut().enumerate() {
        let c = b.get(i * 4..i * 4 + 4).unwrap_or(&[0; 4]);
        *x = u32::from_ne_bytes([c[0], c[1], c[2], c[3]]);
    }
    format!(
        "{:08x}-{:04x}-{:04x}-{:04x}-{:04x}{:08x}",
        w[0],
        w[1] >> 16,
        w[1] & 0xffff,
        w[2] >> 16,
        w[2] & 0xffff,
        w[3]
    )
}

/// Parses `xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx` into the kernel's bytes.
pub fn ufid_parse(s: &str) -> Option<Vec<u8>> {
    let g: Vec<&str> = s.split('-').collect();
    let lens = [8, 4, 4, 4, 12];
    if g.len() != 5
        || g.iter()
            .zip(lens)
            .any(|(p, n)| p.len() != n || !p.chars().all(|c| c.is_ascii_hexdigit()))
    {
        return None;
    }
    let h = |t: &str| u32::from_str_radix(t, 16).ok();
    let w = [
        h(g[0])?,
        h(g[1])? << 16 | h(g[2])?,
        h(g[3])? << 16 | h(&g[4][..4])?,
        h(&g[4][4..])?,
    ];
    Some(w.iter().flat_map(|x| x.to_ne_bytes()).collect())
}

/// What a flow reply holds, for printing.
struct FlowReply<'a> {
    key: Option<&'a genl_ovs::flow::KeyAttrs>,
    mask: Option<&'a genl_ovs::flow::KeyAttrs>,
    actions: Option<&'a [genl_ovs::flow::Action]>,
    stats: Option<flow::OvsFlowStats>,
    tcp_flags: Option<u8>,
    used: Option<u64>,
    ufid: Option<&'a [u8]>,
}

/// The [`FlowReply`] of a generated flow reply (the get and the dump reply
/// are types of their own with the same fields).
macro_rules! flow_reply {
    ($f:expr) => {
        FlowReply {
            key: $f.key.as_deref(),
            mask: $f.mask.as_deref(),
            actions: $f.actions.as_deref(),
            stats: $f.stats,
            tcp_flags: $f.tcp_flags,
            used: $f.used,
            ufid: $f.ufid.as_deref(),
        }
    };
}

/// TCP flags as tcpdump writes them (`S`, `F`, `P`, `R`, `U`, `.`, ...).
fn tcp_flags_letters(f: u16) -> String {
    if f == 0 {
        return "none".into();
    }
    let mut s = String::new();
    for (bit, t) in [
        (0x002, "S"),
        (0x001, "F"),
        (0x008, "P"),
        (0x004, "R"),
        (0x020, "U"),
        (0x010, "."),
        (0x040, "E"),
        (0x080, "C"),
        (0x100, "N"),
        (0x200, "[200]"),
        (0x400, "[400]"),
        (0x800, "[800]"),
    ] {
        if f & bit != 0 {
            s += t;
        }
    }
    s
}

/// A flow's counters: `packets:N, bytes:N, used:T[, flags:F]`.
fn stats_text(st: Option<flow::OvsFlowStats>, used: Option<u64>, tcp: Option<u8>) -> String {
    let st = st.unwrap_or_default();
    let mut s = format!("packets:{}, bytes:{}, used:", st.n_packets, st.n_bytes);
    match used {
        None | Some(0) => s += "never",
        Some(ms) => s += &format!("{:.3}s", now_ms().saturating_sub(ms) as f64 / 1000.0),
    }
    if let Some(t) = tcp.filter(|t| *t != 0) {
        s += &format!(", flags:{}", tcp_flags_letters(t.into()));
    }
    s
}

/// One flow as ovs-dpctl prints it; `more` is `-m`.
fn flow_line(f: &FlowReply<'_>, more: bool) -> String {
    let empty = genl_ovs::flow::KeyAttrs::default();
    let mut s = String::new();
    if more && let Some(u) = f.ufid {
        s += &format!("ufid:{}, ", ufid_format(u));
    }
    let key = f.key.unwrap_or(&empty);
    let k = crate::flow::format(key, f.mask, more);
    s += if k.is_empty() { "<empty>" } else { &k };
    s += ", ";
    s += &stats_text(f.stats, f.used, f.tcp_flags);
    if more {
        s += ", dp:ovs";
    }
    s += ", actions:";
    s += &actions::format(f.actions.unwrap_or(&[]));
    s
}

/// Adds or changes a flow: `[ufid:UUID,]KEY` and its actions.
/// Returns the flow's counters as `-s` prints them (a new flow's are
/// zero, a changed flow's are those before the change).
fn put_flow(d: &Dp, key: &str, acts: &str, modify: bool, clear: bool) -> Result<String> {
    let (ufid, m) = parse_flow(key)?;
    let acts = actions::parse(acts).map_err(|e| format!("parsing actions ({e})"))?;
    let mut c = flow::Client::connect().map_err(|e| why(&e))?;
    let header = flow::OvsHeader {
        dp_ifindex: d.ifindex,
    };
    let r = if modify {
        let req = flow::SetDoRequest {
            key: Some(Box::new(m.key)),
            mask: Some(Box::new(m.mask)),
            actions: Some(acts),
            clear,
            ufid,
            ..Default::default()
        };
        c.set(&header, &req)
            .map(|(_, f)| stats_text(f.stats, f.used, f.tcp_flags))
    } else {
        let req = flow::NewDoRequest {
            key: Some(Box::new(m.key)),
            mask: Some(Box::new(m.mask)),
            actions: Some(acts),
            ufid,
            ..Default::default()
        };
        c.new(&header, &req)
            .map(|(_, f)| stats_text(f.stats, f.used, f.tcp_flags))
    };
    r.map_err(|e| format!("updating flow table ({})", why(&e)))
}

/// How a request names a flow: its UFID, else its key.
type FlowId = (Option<Vec<u8>>, Option<Box<genl_ovs::flow::KeyAttrs>>);

/// A flow named by `ufid:UUID` or by its key.
fn flow_id(s: &str) -> Result<FlowId> {
    if let Some(u) = s.strip_prefix("ufid:") {
        let (u, tail) = (u.get(..36).unwrap_or(u), u.get(36..).unwrap_or(""));
        if !tail.trim_start_matches(',').is_empty() {
            return Err("parsing flow ufid (trailing text after the ufid)".into());
        }
        let id = ufid_parse(u).ok_or("parsing flow ufid (Invalid argument)")?;
        return Ok((Some(id), None));
    }
    let (ufid, m) = parse_flow(s)?;
    Ok(match ufid {
        Some(u) => (Some(u), None),
        None => (None, Some(Box::new(m.key))),
    })
}

/// Deletes one flow, named by UFID or key; returns its last counters.
fn del_flow(d: &Dp, s: &str) -> Result<String> {
    let (ufid, key) = flow_id(s)?;
    let mut c = flow::Client::connect().map_err(|e| why(&e))?;
    let header = flow::OvsHeader {
        dp_ifindex: d.ifindex,
    };
    let req = flow::DelDoRequest {
        key,
        ufid,
        ..Default::default()
    };
    c.del(&header, &req)
        .map(|(_, f)| stats_text(f.stats, f.used, f.tcp_flags))
        .map_err(|e| format!("deleting flow ({})", why(&e)))
}

/// Deletes every flow of a datapath.
fn flush(d: &Dp) -> Result<()> {
    let mut c = flow::Client::connect().map_err(|e| why(&e))?;
    let header = flow::OvsHeader {
        dp_ifindex: d.ifindex,
    };
    // A flush (del without a key) is only acknowledged: the kernel has no
    // single flow to echo.
    match c.del(&header, &Default::default()) {
        Ok(_) | Err(Error::NoReply { .. }) => Ok(()),
        Err(e) => Err(format!("deleting all flows ({})", why(&e))),
    }
}

/// One line of a flow file: `[add|modify|delete] FLOW [ACTIONS]`, as
/// (command, flow, actions); `None` for a blank line.
fn flow_line_parse<'a>(line: &'a str, default: &'a str) -> Option<(&'a str, &'a str, &'a str)> {
    let line = line.trim_start();
    let word_end = line.find([',', ' ', '\t']).unwrap_or(line.len());
    let (cmd, rest) = match &line[..word_end] {
        w @ ("add" | "modify" | "delete") => (w, &line[word_end..]),
        _ => (default, line),
    };
    let rest = rest.trim_start();
    let flow_end = rest.find([' ', '\t']).unwrap_or(rest.len());
    let (flow, acts) = (&rest[..flow_end], rest[flow_end..].trim());
    if flow.is_empty() {
        return None;
    }
    Some((cmd, flow, acts))
}

/// `add-flows`, `mod-flows`, `del-flows` with a file (`-`: standard
/// input): each line is done on its own; a failed line is reported and
/// the rest go on, as ovs-dpctl does.
fn process_flows(d: &Dp, file: &str, default: &str, clear: bool) -> Result<()> {
    let text = if file == "-" {
        std::io::read_to_string(std::io::stdin())
            .map_err(|e| format!("Opening file \"-\" failed ({e})"))?
    } else {
        std::fs::read_to_string(file)
            .map_err(|e| format!("Opening file \"{file}\" failed ({})", io_why(&e)))?
    };
    // Lines may continue after a backslash; `#` starts a comment.
    let joined = text.replace("\\\n", "");
    for (i, raw) in joined.lines().enumerate() {
        let line = raw.split('#').next().unwrap_or("");
        if line.trim().is_empty() {
            continue;
        }
        let r = match flow_line_parse(line, default) {
            Some(("delete", f, "")) => del_flow(d, f).map(drop),
            Some((c @ ("add" | "modify"), f, a)) if !a.is_empty() => {
                put_flow(d, f, a, c == "modify", clear).map(drop)
            }
            _ => Err(format!("Failed parsing line number {}, skipped!", i + 1)),
        };
        if let Err(e) = r {
            eprintln!("ovs-dpctl: {e}");
        }
    }
    Ok(())
}

fn io_why(e: &std::io::Error) -> String {
    let s = e.to_string();
    match s.find(" (os error") {
        Some(i) => s[..i].to_owned(),
        None => s,
    }
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
        Command::SetIf { dp, ifaces } => set_ifs(&open(dp)?, ifaces)?,
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
                println!("{}", flow_line(&flow_reply!(f), cli.more));
            }
        }
        Command::AddFlow { args } | Command::ModFlow { args } => {
            let (dp, rest) = flow_args(args, 2)?;
            let d = one_dp(dp)?;
            let modify = matches!(cli.command, Command::ModFlow { .. });
            let st = put_flow(&d, &rest[0], &rest[1], modify, cli.clear)?;
            if cli.statistics {
                println!("{st}");
            }
        }
        Command::AddFlows { args } | Command::ModFlows { args } => {
            let (dp, rest) = flow_args(args, 1)?;
            let d = one_dp(dp)?;
            let modify = matches!(cli.command, Command::ModFlows { .. });
            process_flows(
                &d,
                &rest[0],
                if modify { "modify" } else { "add" },
                cli.clear,
            )?;
        }
        Command::DelFlow { args } => {
            let (dp, rest) = flow_args(args, 1)?;
            let st = del_flow(&one_dp(dp)?, &rest[0])?;
            if cli.statistics {
                println!("{st}");
            }
        }
        Command::GetFlow { args } => {
            let (dp, rest) = flow_args(args, 1)?;
            let d = one_dp(dp)?;
            let (ufid, key) = flow_id(&rest[0])?;
            let mut c = flow::Client::connect().map_err(|e| why(&e))?;
            let header = flow::OvsHeader {
                dp_ifindex: d.ifindex,
            };
            let req = flow::GetDoRequest {
                key,
                ufid,
                ..Default::default()
            };
            let (_, f) = c
                .get(&header, &req)
                .map_err(|e| format!("getting flow ({})", why(&e)))?;
            println!("{}", flow_line(&flow_reply!(f), cli.more));
        }
        Command::DelFlows { args } => {
            // `del-flows [DP]` flushes; `del-flows [DP] FILE` deletes the
            // flows the file lists.
            let file = match args.as_slice() {
                [_, f] => Some(f.as_str()),
                [one] if open(one).is_err() => Some(one.as_str()),
                _ => None,
            };
            let dp = match (args.as_slice(), file) {
                ([d, _], _) => Some(d.as_str()),
                ([d], None) => Some(d.as_str()),
                _ => None,
            };
            let d = one_dp(dp)?;
            match file {
                Some(f) => process_flows(&d, f, "delete", false)?,
                None => flush(&d)?,
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

    #[test]
    fn flow_file_lines() {
        assert_eq!(
            flow_line_parse("in_port(1) 2", "add"),
            Some(("add", "in_port(1)", "2"))
        );
        assert_eq!(
            flow_line_parse("  modify in_port(1)  push_vlan(vid=1,pcp=0),2 ", "add"),
            Some(("modify", "in_port(1)", "push_vlan(vid=1,pcp=0),2"))
        );
        assert_eq!(
            flow_line_parse("delete in_port(1)", "add"),
            Some(("delete", "in_port(1)", ""))
        );
        assert_eq!(flow_line_parse("   ", "add"), None);
    }

    #[test]
    fn ufids_round_trip() {
        let u = "0a1b2c3d-4e5f-6071-8293-a4b5c6d7e8f9";
        let b = ufid_parse(u).unwrap();
        assert_eq!(b.len(), 16);
        assert_eq!(ufid_format(&b), u);
        assert!(ufid_parse("0a1b2c3d-4e5f-6071-8293").is_none());
        assert!(ufid_parse("0a1b2c3d-4e5f-6071-8293-a4b5c6d7e8fx").is_none());
    }

    #[test]
    fn flows_with_ufids() {
        let (u, m) = parse_flow("ufid:0a1b2c3d-4e5f-6071-8293-a4b5c6d7e8f9,in_port(1)").unwrap();
        assert!(u.is_some());
        assert_eq!(m.key.in_port, Some(1));
        assert!(parse_flow("ufid:zz,in_port(1)").is_err());
        assert!(parse_flow("ufid:ééééééééééééééééééééééééé,in_port(1)").is_err());
        assert!(flow_id("ufid:0a1b2c3d-4e5f-6071-8293-a4b5c6d7e8f9é").is_err());
    }

    #[test]
    fn tcp_flag_letters() {
        assert_eq!(tcp_flags_letters(0), "none");
        assert_eq!(tcp_flags_letters(0x12), "S.");
        assert_eq!(tcp_flags_letters(0x19), "FP.");
    }

    #[test]
    fn tunnel_ports() {
        let p = port_spec("vx0,type=vxlan,remote_ip=flow,dst_port=4790").unwrap();
        assert_eq!(p.name, "vxlan_sys_4790");
        assert_eq!(p.options.unwrap().dst_port, Some(4790));
        let p = port_spec("g0,type=geneve,remote_ip=10.0.0.1").unwrap();
        assert_eq!(p.name, "genev_sys_6081");
        let p = port_spec("gre0,type=gre,remote_ip=flow").unwrap();
        assert_eq!(p.name, "gre_sys");
        assert!(port_spec("vx0,type=vxlan").is_err());
        assert!(port_spec("vx0,type=vxlan,remote_ip=flow,bogus=1").is_err());
        assert!(port_spec("p0,type=foo").is_err());
        assert_eq!(
            tunnel_config("vxlan", "vxlan_sys_4790"),
            ": dst_port=4790, packet_type=ptap"
        );
        assert_eq!(
            tunnel_config("vxlan", "vxlan_sys_4789"),
            ": packet_type=ptap"
        );
        assert_eq!(tunnel_config("system", "p0"), "");
        assert_eq!(
            port_type(Some(vport::VportType::Netdev), "vxlan_sys_4789"),
            "vxlan"
        );
        assert_eq!(port_type(Some(vport::VportType::Netdev), "eth0"), "system");
    }
}
