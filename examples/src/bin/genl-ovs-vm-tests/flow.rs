//! Flows through the typed `ovs_flow` client: new, get by key and by ufid,
//! dump, set, del and flush; keys with every common header; action lists
//! read back as sent; counters that rise with matching packets; the
//! feature probe and its drop fallback.

use std::time::Duration;

use genl_ovs::features::{self, Features};
use genl_ovs::flow::{
    self, Action, CheckPktLenAttrs, CtAttrs, CtStateFlags, DecTtlAttrs, KeyAttrs, MaskedKeyAttrs,
    NatAttrs, OvsActionHash, OvsActionPushEth, OvsActionPushMpls, OvsActionPushVlan,
    OvsActionTrunc, OvsKeyArp, OvsKeyEthernet, OvsKeyIcmp, OvsKeyIpv4, OvsKeyIpv4Masked,
    OvsKeyIpv6, OvsKeyTcp, OvsKeyUdp, SampleAttrs, TunnelKeyAttrs, UserspaceAttrs,
};
use genl_ovs::packet;
use genl_runtime::wire::Be;
use genl_runtime::{Error, GenlMessage};
use libtest_mimic::Failed;

use crate::fixture::{Bridge, ETH_P_IP, IPPROTO_TCP, TcpFrame};
use crate::support::{Test, TestResult};

/// The tests, by name.
pub const TESTS: &[Test] = &[
    (
        "flow_new_get_dump_set_del_flush",
        flow_new_get_dump_set_del_flush,
    ),
    (
        "flow_lookup_by_key_is_exact_and_skips_ufid_flows",
        flow_lookup_by_key_is_exact_and_skips_ufid_flows,
    ),
    ("flow_keys_read_back", flow_keys_read_back),
    (
        "flow_actions_read_back_in_order",
        flow_actions_read_back_in_order,
    ),
    ("flow_actions_6_1_rejects", flow_actions_6_1_rejects),
    (
        "flow_counters_rise_with_packets",
        flow_counters_rise_with_packets,
    ),
    (
        "features_probe_and_drop_fallback",
        features_probe_and_drop_fallback,
    ),
];

const ETH_P_8021Q: u16 = 0x8100;
const ETH_P_IPV6: u16 = 0x86dd;
const ETH_P_ARP: u16 = 0x0806;
const ETH_P_MPLS_UC: u16 = 0x8847;
const EINVAL: i32 = 22;

fn ip(a: [u8; 4]) -> Be<u32> {
    Be(u32::from_be_bytes(a))
}

/// The key of a [`TcpFrame`] arriving on `in_port`, as [`tcp_mask`] keeps
/// it (TTL and TCP flags 0).
fn tcp_key(in_port: u32, f: &TcpFrame) -> KeyAttrs {
    KeyAttrs {
        in_port: Some(in_port),
        ethernet: Some(OvsKeyEthernet {
            eth_src: f.eth_src,
            eth_dst: f.eth_dst,
        }),
        ethertype: Some(Be(ETH_P_IP)),
        ipv4: Some(OvsKeyIpv4 {
            ipv4_src: ip(f.ip_src),
            ipv4_dst: ip(f.ip_dst),
            ipv4_proto: IPPROTO_TCP,
            ..Default::default()
        }),
        tcp: Some(OvsKeyTcp {
            tcp_src: Be(f.sport),
            tcp_dst: Be(f.dport),
        }),
        // A TCP key needs its flags, even where the mask leaves them out.
        tcp_flags: Some(Be(0)),
        ..Default::default()
    }
}

/// A mask matching in_port, Ethernet, ethertype, IPv4 addresses and
/// protocol, and TCP ports exactly; the rest wildcarded.
fn tcp_mask() -> KeyAttrs {
    KeyAttrs {
        in_port: Some(u32::MAX),
        ethernet: Some(OvsKeyEthernet {
            eth_src: [0xff; 6],
            eth_dst: [0xff; 6],
        }),
        ethertype: Some(Be(0xffff)),
        ipv4: Some(OvsKeyIpv4 {
            ipv4_src: Be(u32::MAX),
            ipv4_dst: Be(u32::MAX),
            ipv4_proto: 0xff,
            ..Default::default()
        }),
        tcp: Some(OvsKeyTcp {
            tcp_src: Be(0xffff),
            tcp_dst: Be(0xffff),
        }),
        ..Default::default()
    }
}

/// Sends a `do` request of the flow family and returns its reply, if the
/// kernel sent one (the typed methods fail without one).
fn request<R: genl_runtime::Request<Header = flow::OvsHeader>>(
    flows: &mut flow::Client,
    h: &flow::OvsHeader,
    req: &R,
) -> Result<Option<R::Reply>, Error> {
    Ok(flows.connection().request(h, req)?.map(|(_, r)| r))
}

fn header(bridge: &Bridge) -> flow::OvsHeader {
    flow::OvsHeader {
        dp_ifindex: bridge.dp_ifindex,
    }
}

fn ufid(n: u8) -> Vec<u8> {
    let mut u = *b"genl-flow-ufid-\0";
    u[15] = n;
    u.to_vec()
}

/// Whether every attribute of `sent` is in `got` with the same payload;
/// the nests among them (attribute types `nests`) compared the same way,
/// since the kernel adds fields it reports as zero.
fn contains(sent: &[u8], got: &[u8], nests: &[u16]) -> Result<(), String> {
    use genl_runtime::wire::attrs;
    for s in attrs(sent) {
        let s = s.map_err(|e| e.to_string())?;
        let g = attrs(got)
            .filter_map(Result::ok)
            .find(|g| g.ty == s.ty)
            .ok_or_else(|| format!("attribute {} is missing", s.ty))?;
        if g.payload != s.payload {
            if nests.contains(&s.ty) {
                contains(s.payload, g.payload, nests)
                    .map_err(|e| format!("in attribute {}: {e}", s.ty))?;
            } else {
                return Err(format!(
                    "attribute {}: sent {:02x?}, got {:02x?}",
                    s.ty, s.payload, g.payload
                ));
            }
        }
    }
    Ok(())
}

/// Key attributes that nest: encap (1) and tunnel (16).
const KEY_NESTS: &[u16] = &[1, 16];

fn flow_new_get_dump_set_del_flush() -> TestResult {
    let bridge = Bridge::new("gfcrud", 0)?;
    let h = header(&bridge);
    let mut flows = flow::Client::connect()?;
    let frame = |n: u16| TcpFrame {
        sport: 1000 + n,
        ..TcpFrame::default()
    };
    let out_a = vec![Action::Output(bridge.a.port_no)];
    for n in 0..3u8 {
        let reply = request(
            &mut flows,
            &h,
            &flow::NewDoRequest {
                key: Some(Box::new(tcp_key(bridge.b.port_no, &frame(n.into())))),
                mask: Some(Box::new(tcp_mask())),
                actions: Some(out_a.clone()),
                ufid: Some(ufid(n)),
                ..Default::default()
            },
        )?;
        eprintln!("new echoed: {}", reply.is_some());
        if let Some(reply) = reply
            && (reply.ufid != Some(ufid(n)) || reply.actions.as_ref() != Some(&out_a))
        {
            return Err(format!("new answered {reply:?}").into());
        }
    }
    // By ufid: key, mask and actions as sent.
    let (_, got) = flows
        .get(
            &h,
            &flow::GetDoRequest {
                ufid: Some(ufid(1)),
                ..Default::default()
            },
        )
        .map_err(|e| format!("get by ufid: {e}"))?;
    let key = got.key.ok_or("get by ufid: no key")?;
    contains(
        &tcp_key(bridge.b.port_no, &frame(1)).to_bytes(),
        &key.to_bytes(),
        KEY_NESTS,
    )?;
    contains(
        &tcp_mask().to_bytes(),
        &got.mask.ok_or("no mask")?.to_bytes(),
        KEY_NESTS,
    )?;
    if got.actions.as_ref() != Some(&out_a) {
        return Err(format!("get by ufid: actions {:?}", got.actions).into());
    }
    // By key: a flow installed without mask or ufid is named by its key.
    let exact = tcp_key(bridge.b.port_no, &frame(9));
    request(
        &mut flows,
        &h,
        &flow::NewDoRequest {
            key: Some(Box::new(exact.clone())),
            actions: Some(out_a.clone()),
            ..Default::default()
        },
    )?;
    let (_, got) = flows
        .get(
            &h,
            &flow::GetDoRequest {
                key: Some(Box::new(exact.clone())),
                ..Default::default()
            },
        )
        .map_err(|e| format!("get by key: {e}"))?;
    contains(
        &exact.to_bytes(),
        &got.key.ok_or("get by key: no key")?.to_bytes(),
        KEY_NESTS,
    )?;
    if got.actions.as_ref() != Some(&out_a) {
        return Err(format!("get by key: actions {:?}", got.actions).into());
    }
    // Dump: all four, three with their ufids.
    let dumped: Vec<Vec<u8>> = flows
        .get_dump(&h, &flow::GetDumpRequest::default())?
        .map(|r| r.map(|(_, f)| f.ufid.unwrap_or_default()))
        .collect::<Result<_, Error>>()?;
    for n in 0..3 {
        if !dumped.contains(&ufid(n)) {
            return Err(format!("dump lacks flow {n}: {dumped:02x?}").into());
        }
    }
    // Set with actions replaces them; set without keeps them.
    let two = vec![
        Action::Output(bridge.a.port_no),
        Action::Output(bridge.b.port_no),
    ];
    let get0 = flow::GetDoRequest {
        ufid: Some(ufid(0)),
        ..Default::default()
    };
    request(
        &mut flows,
        &h,
        &flow::SetDoRequest {
            ufid: Some(ufid(0)),
            key: Some(Box::new(tcp_key(bridge.b.port_no, &frame(0)))),
            actions: Some(two.clone()),
            ..Default::default()
        },
    )?;
    let (_, set) = flows
        .get(&h, &get0)
        .map_err(|e| format!("get after set: {e}"))?;
    if set.actions.as_ref() != Some(&two) {
        return Err(format!("set answered actions {:?}", set.actions).into());
    }
    request(
        &mut flows,
        &h,
        &flow::SetDoRequest {
            ufid: Some(ufid(0)),
            key: Some(Box::new(tcp_key(bridge.b.port_no, &frame(0)))),
            clear: true,
            ..Default::default()
        },
    )?;
    let (_, set) = flows
        .get(&h, &get0)
        .map_err(|e| format!("get after set: {e}"))?;
    if set.actions.as_ref() != Some(&two) {
        return Err(format!("set without actions changed them: {:?}", set.actions).into());
    }
    // Del one: echoed, then gone.
    let del = request(
        &mut flows,
        &h,
        &flow::DelDoRequest {
            ufid: Some(ufid(0)),
            ..Default::default()
        },
    )?;
    if let Some(del) = del
        && del.ufid != Some(ufid(0))
    {
        return Err(format!("del answered {del:?}").into());
    }
    match flows.get(
        &h,
        &flow::GetDoRequest {
            ufid: Some(ufid(0)),
            ..Default::default()
        },
    ) {
        Err(Error::Kernel(e)) if e.errno == 2 => {}
        other => return Err(format!("get of a deleted flow: {other:?}").into()),
    }
    // Flush: del without key or ufid removes the rest; the kernel only
    // acknowledges it.
    let flushed = flows
        .connection()
        .request(&h, &flow::DelDoRequest::default())?;
    if flushed.is_some() {
        return Err(format!("flush answered {flushed:?}").into());
    }
    let left = flows
        .get_dump(&h, &flow::GetDumpRequest::default())?
        .count();
    if left != 0 {
        return Err(format!("{left} flows left after the flush").into());
    }
    Ok(())
}

/// `ENOENT`.
const ENOENT: i32 = 2;

/// Whether `got` failed with `ENOENT`.
fn is_enoent<T: std::fmt::Debug>(what: &str, got: Result<T, Error>) -> TestResult {
    match got {
        Err(e) if e.errno() == Some(ENOENT) => {
            eprintln!("{what}: ENOENT, as the kernel's lookup rule says");
            Ok(())
        }
        other => Err(format!("{what}: expected ENOENT, got {other:?}").into()),
    }
}

/// How the kernel finds the flow of a get, set or del request that names
/// it by key (`ovs_flow_tbl_lookup_exact`): among the flows whose masked
/// key the request's key matches, only a flow identified by its key (made
/// without a ufid) whose unmasked key, as it was installed, equals the
/// request's key over the request's key attributes. So a flow made with a
/// ufid is found by its ufid only, and a masked flow only by the exact key
/// it was made with, not by another key it matches.
fn flow_lookup_by_key_is_exact_and_skips_ufid_flows() -> TestResult {
    let bridge = Bridge::new("gflook", 0)?;
    let h = header(&bridge);
    let mut flows = flow::Client::connect()?;
    let out_a = vec![Action::Output(bridge.a.port_no)];
    let frame = |n: u16| TcpFrame {
        sport: 2000 + n,
        ..TcpFrame::default()
    };
    // A masked flow with a ufid: its own key does not find it.
    let with_ufid = tcp_key(bridge.b.port_no, &frame(1));
    request(
        &mut flows,
        &h,
        &flow::NewDoRequest {
            key: Some(Box::new(with_ufid.clone())),
            mask: Some(Box::new(tcp_mask())),
            actions: Some(out_a.clone()),
            ufid: Some(ufid(1)),
            ..Default::default()
        },
    )?;
    is_enoent(
        "get by the key of a flow made with a ufid",
        flows.get(
            &h,
            &flow::GetDoRequest {
                key: Some(Box::new(with_ufid.clone())),
                ..Default::default()
            },
        ),
    )?;
    is_enoent(
        "del by the key of a flow made with a ufid",
        request(
            &mut flows,
            &h,
            &flow::DelDoRequest {
                key: Some(Box::new(with_ufid.clone())),
                ..Default::default()
            },
        ),
    )?;
    flows
        .get(
            &h,
            &flow::GetDoRequest {
                ufid: Some(ufid(1)),
                ..Default::default()
            },
        )
        .map_err(|e| format!("get by ufid: {e}"))?;
    // A masked flow without a ufid: found by the key it was made with,
    // not by a key that differs only in bits the mask leaves out (the
    // TTL), though packets of that key match the flow.
    let keyed = tcp_key(bridge.b.port_no, &frame(2));
    request(
        &mut flows,
        &h,
        &flow::NewDoRequest {
            key: Some(Box::new(keyed.clone())),
            mask: Some(Box::new(tcp_mask())),
            actions: Some(out_a.clone()),
            ..Default::default()
        },
    )?;
    let (_, got) = flows
        .get(
            &h,
            &flow::GetDoRequest {
                key: Some(Box::new(keyed.clone())),
                ..Default::default()
            },
        )
        .map_err(|e| format!("get by the key a masked flow was made with: {e}"))?;
    if got.actions.as_ref() != Some(&out_a) {
        return Err(format!("get by key: actions {:?}", got.actions).into());
    }
    let mut other = keyed.clone();
    if let Some(ip) = other.ipv4.as_mut() {
        ip.ipv4_ttl = 64;
    }
    is_enoent(
        "get by a key the masked flow matches, but not the one it was made with",
        flows.get(
            &h,
            &flow::GetDoRequest {
                key: Some(Box::new(other)),
                ..Default::default()
            },
        ),
    )?;
    request(&mut flows, &h, &flow::DelDoRequest::default())?;
    Ok(())
}

/// Installs a flow of `key` (and `mask`), reads it back by ufid and checks
/// that what was sent is in what came back.
fn key_reads_back(
    flows: &mut flow::Client,
    h: &flow::OvsHeader,
    n: u8,
    what: &str,
    key: KeyAttrs,
    mask: Option<KeyAttrs>,
) -> TestResult {
    request(
        flows,
        h,
        &flow::NewDoRequest {
            key: Some(Box::new(key.clone())),
            mask: mask.clone().map(Box::new),
            actions: Some(Vec::new()),
            ufid: Some(ufid(n)),
            ..Default::default()
        },
    )
    .map_err(|e| format!("{what}: new: {e}"))?;
    let (_, got) = flows.get(
        h,
        &flow::GetDoRequest {
            ufid: Some(ufid(n)),
            ..Default::default()
        },
    )?;
    eprintln!("{what}: {:?}", got.key);
    let got_key = got.key.ok_or_else(|| format!("{what}: no key"))?;
    contains(&key.to_bytes(), &got_key.to_bytes(), KEY_NESTS)
        .map_err(|e| format!("{what}: key: {e}"))?;
    if let Some(mask) = mask {
        let got_mask = got.mask.ok_or_else(|| format!("{what}: no mask"))?;
        contains(&mask.to_bytes(), &got_mask.to_bytes(), KEY_NESTS)
            .map_err(|e| format!("{what}: mask: {e}"))?;
    }
    Ok(())
}

fn flow_keys_read_back() -> TestResult {
    let bridge = Bridge::new("gfkeys", 0)?;
    let h = header(&bridge);
    let mut flows = flow::Client::connect()?;
    let port = bridge.a.port_no;
    let eth = Some(OvsKeyEthernet {
        eth_src: [2, 0, 0, 0, 1, 1],
        eth_dst: [2, 0, 0, 0, 1, 2],
    });
    let base = KeyAttrs {
        in_port: Some(port),
        ethernet: eth,
        ..Default::default()
    };
    let ipv4 = |proto| OvsKeyIpv4 {
        ipv4_src: ip([10, 1, 0, 1]),
        ipv4_dst: ip([10, 1, 0, 2]),
        ipv4_proto: proto,
        ipv4_ttl: 64,
        ..Default::default()
    };
    // IPv4 and TCP with TCP flags, wildcarded by a mask.
    let mut mask = tcp_mask();
    mask.tcp_flags = Some(Be(0x0fff));
    let tcp = KeyAttrs {
        tcp_flags: Some(Be(0x0002)),
        ..tcp_key(port, &TcpFrame::default())
    };
    key_reads_back(&mut flows, &h, 1, "ipv4 tcp", tcp, Some(mask))?;
    // IPv6 and UDP.
    let ipv6 = KeyAttrs {
        ethertype: Some(Be(ETH_P_IPV6)),
        ipv6: Some(OvsKeyIpv6 {
            ipv6_src: [0xfd, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1],
            ipv6_dst: [0xfd, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2],
            ipv6_proto: 17,
            ipv6_hlimit: 64,
            ..Default::default()
        }),
        udp: Some(OvsKeyUdp {
            udp_src: Be(5000),
            udp_dst: Be(53),
        }),
        ..base.clone()
    };
    key_reads_back(&mut flows, &h, 2, "ipv6 udp", ipv6, None)?;
    // ICMP.
    let icmp = KeyAttrs {
        ethertype: Some(Be(ETH_P_IP)),
        ipv4: Some(ipv4(1)),
        icmp: Some(OvsKeyIcmp {
            icmp_type: 8,
            icmp_code: 0,
        }),
        ..base.clone()
    };
    key_reads_back(&mut flows, &h, 3, "icmp", icmp, None)?;
    // ARP (24 bytes, tail padding included).
    let arp = KeyAttrs {
        ethertype: Some(Be(ETH_P_ARP)),
        arp: Some(OvsKeyArp {
            arp_sip: ip([10, 1, 0, 1]),
            arp_tip: ip([10, 1, 0, 2]),
            arp_op: Be(1),
            arp_sha: [2, 0, 0, 0, 1, 1],
            arp_tha: [0; 6],
            pad: [0; 2],
        }),
        ..base.clone()
    };
    key_reads_back(&mut flows, &h, 4, "arp", arp, None)?;
    // A VLAN tag: the inner key in encap.
    let vlan = KeyAttrs {
        ethertype: Some(Be(ETH_P_8021Q)),
        vlan: Some(Be(0x1000 | 10)),
        encap: Some(Box::new(KeyAttrs {
            ethertype: Some(Be(ETH_P_IP)),
            ipv4: Some(ipv4(17)),
            udp: Some(OvsKeyUdp {
                udp_src: Be(1),
                udp_dst: Be(2),
            }),
            ..Default::default()
        })),
        ..base.clone()
    };
    key_reads_back(&mut flows, &h, 5, "vlan encap", vlan, None)?;
    // Connection tracking state and a recirculation id.
    let ct = KeyAttrs {
        ethertype: Some(Be(ETH_P_IP)),
        ipv4: Some(ipv4(6)),
        tcp: Some(OvsKeyTcp {
            tcp_src: Be(3),
            tcp_dst: Be(4),
        }),
        tcp_flags: Some(Be(0)),
        recirc_id: Some(7),
        ct_state: Some(CtStateFlags::TRACKED | CtStateFlags::ESTABLISHED),
        ..base.clone()
    };
    key_reads_back(&mut flows, &h, 6, "ct_state recirc_id", ct, None)?;
    // Tunnel metadata.
    let tunnel = KeyAttrs {
        tunnel: Some(TunnelKeyAttrs {
            id: Some(Be(42)),
            ipv4_src: Some(ip([192, 168, 0, 1])),
            ipv4_dst: Some(ip([192, 168, 0, 2])),
            // Reported only when nonzero.
            tos: Some(4),
            ttl: Some(64),
            tp_dst: Some(Be(4789)),
            ..Default::default()
        }),
        ethertype: Some(Be(ETH_P_IP)),
        ipv4: Some(ipv4(17)),
        udp: Some(OvsKeyUdp {
            udp_src: Be(5),
            udp_dst: Be(6),
        }),
        ..base.clone()
    };
    key_reads_back(&mut flows, &h, 7, "tunnel", tunnel, None)?;
    Ok(())
}

/// Installs `actions` in a flow of an IPv4/UDP key on `in_port`, and
/// checks that the flow's actions read back equal them.
fn actions_read_back(
    flows: &mut flow::Client,
    h: &flow::OvsHeader,
    n: u8,
    in_port: u32,
    actions: Vec<Action>,
) -> TestResult {
    let key = KeyAttrs {
        in_port: Some(in_port),
        ethernet: Some(OvsKeyEthernet {
            eth_src: [2, 0, 0, 0, 2, 1],
            eth_dst: [2, 0, 0, 0, 2, 2],
        }),
        ethertype: Some(Be(ETH_P_IP)),
        ipv4: Some(OvsKeyIpv4 {
            ipv4_src: ip([10, 2, 0, 1]),
            ipv4_dst: ip([10, 2, 0, 2]),
            ipv4_proto: 17,
            ipv4_ttl: 64,
            ..Default::default()
        }),
        udp: Some(OvsKeyUdp {
            udp_src: Be(1000 + u16::from(n)),
            udp_dst: Be(53),
        }),
        ..Default::default()
    };
    let reply = request(
        flows,
        h,
        &flow::NewDoRequest {
            key: Some(Box::new(key)),
            actions: Some(actions.clone()),
            ufid: Some(ufid(n)),
            ..Default::default()
        },
    )
    .map_err(|e| format!("actions {n}: new: {e}"))?;
    let (_, got) = flows.get(
        h,
        &flow::GetDoRequest {
            ufid: Some(ufid(n)),
            ..Default::default()
        },
    )?;
    for (what, read) in [
        ("new", reply.map_or(got.actions.clone(), |r| r.actions)),
        ("get", got.actions),
    ] {
        if read.as_ref() != Some(&actions) {
            return Err(
                format!("actions {n}: {what} read back\n  {read:?}\nsent\n  {actions:?}").into(),
            );
        }
    }
    Ok(())
}

fn flow_actions_read_back_in_order() -> TestResult {
    let bridge = Bridge::new("gfacts", 0)?;
    let h = header(&bridge);
    let mut flows = flow::Client::connect()?;
    let (a, b) = (bridge.a.port_no, bridge.b.port_no);
    let vlan = OvsActionPushVlan {
        vlan_tpid: Be(ETH_P_8021Q),
        vlan_tci: Be(0x1000 | 20),
    };
    // Order and repeats: output, VLAN push and pop, rewrites.
    actions_read_back(
        &mut flows,
        &h,
        1,
        a,
        vec![
            Action::Output(b),
            Action::PushVlan(vlan),
            Action::Output(b),
            Action::PopVlan,
            Action::Set(Box::new(KeyAttrs {
                ipv4: Some(OvsKeyIpv4 {
                    ipv4_src: ip([10, 2, 0, 1]),
                    ipv4_dst: ip([10, 9, 9, 9]),
                    ipv4_proto: 17,
                    ipv4_ttl: 64,
                    ..Default::default()
                }),
                ..Default::default()
            })),
            Action::SetMasked(MaskedKeyAttrs {
                ipv4: Some(OvsKeyIpv4Masked {
                    ipv4_dst: ip([10, 8, 0, 0]),
                    ipv4_dst_mask: ip([255, 255, 0, 0]),
                    ..Default::default()
                }),
                ..Default::default()
            }),
            Action::Output(b),
            Action::Output(b),
        ],
    )?;
    // Nested lists: sample, clone, check_pkt_len, dec_ttl.
    actions_read_back(
        &mut flows,
        &h,
        2,
        a,
        vec![
            Action::Sample(SampleAttrs {
                probability: Some(u32::MAX / 2),
                actions: Some(vec![Action::Output(b), Action::Output(b)]),
                ..Default::default()
            }),
            Action::Clone(vec![Action::PushVlan(vlan), Action::Output(b)]),
            Action::CheckPktLen(CheckPktLenAttrs {
                pkt_len: Some(200),
                actions_if_greater: Some(vec![Action::Output(b)]),
                actions_if_less_equal: Some(vec![
                    Action::Trunc(OvsActionTrunc { max_len: 64 }),
                    Action::Output(b),
                ]),
                ..Default::default()
            }),
            Action::DecTtl(DecTtlAttrs {
                action: Some(vec![Action::Output(a)]),
                ..Default::default()
            }),
            Action::Output(b),
        ],
    )?;
    // Connection tracking with NAT, a userspace upcall, a meter, a hash,
    // recirculation.
    actions_read_back(
        &mut flows,
        &h,
        3,
        a,
        vec![
            Action::Meter(3),
            Action::Userspace(UserspaceAttrs {
                // The kernel refuses port id 0.
                pid: Some(4242),
                userdata: Some(b"genl-ud1".to_vec()),
                ..Default::default()
            }),
            Action::Recirc(9),
        ],
    )?;
    actions_read_back(
        &mut flows,
        &h,
        5,
        a,
        vec![
            Action::Ct(CtAttrs {
                commit: true,
                zone: Some(5),
                nat: Some(NatAttrs {
                    src: true,
                    ip_min: Some(vec![10, 3, 0, 1]),
                    ip_max: Some(vec![10, 3, 0, 9]),
                    ..Default::default()
                }),
                ..Default::default()
            }),
            Action::Hash(OvsActionHash {
                hash_alg: 0, // OVS_HASH_ALG_L4
                hash_basis: 7,
            }),
            Action::Recirc(9),
        ],
    )?;
    // MPLS and Ethernet push and pop.
    actions_read_back(
        &mut flows,
        &h,
        4,
        a,
        vec![
            Action::PushMpls(OvsActionPushMpls {
                mpls_lse: Be(100 << 12 | 1 << 8 | 64),
                mpls_ethertype: Be(ETH_P_MPLS_UC),
                pad: [0; 2],
            }),
            Action::Output(b),
            Action::PopMpls(Be(ETH_P_IP)),
            Action::PopEth,
            Action::PushEth(OvsActionPushEth {
                eth_src: [2, 0, 0, 0, 3, 1],
                eth_dst: [2, 0, 0, 0, 3, 2],
            }),
            Action::CtClear,
            Action::Output(b),
        ],
    )?;
    Ok(())
}

fn flow_actions_6_1_rejects() -> TestResult {
    let bridge = Bridge::new("gfrej", 0)?;
    let mut flows = flow::Client::connect()?;
    for (name, action) in [
        ("drop", Action::Drop(0)),
        (
            "psample",
            Action::Psample(flow::PsampleAttrs {
                group: Some(1),
                ..Default::default()
            }),
        ),
    ] {
        let request = flow::NewDoRequest {
            key: Some(Box::new(features::probe_key())),
            actions: Some(vec![action]),
            ..Default::default()
        };
        match self::request(&mut flows, &header(&bridge), &request) {
            Err(Error::Kernel(e)) if e.errno == EINVAL => {
                eprintln!("{name}: refused as expected: {e}");
            }
            other => {
                return Err(format!("{name}: 6.1 has no such action, yet: {other:?}").into());
            }
        }
    }
    Ok(())
}

/// The flow's counters after `frame` went out of port a (and so into b).
fn send_and_read(
    bridge: &Bridge,
    packets: &mut packet::Client,
    flows: &mut flow::Client,
    frame: &TcpFrame,
    n: u8,
) -> Result<flow::GetDoReply, Failed> {
    packets.execute(
        &packet::OvsHeader {
            dp_ifindex: bridge.dp_ifindex,
        },
        &packet::ExecuteDoRequest {
            packet: Some(frame.bytes()),
            key: Some(KeyAttrs {
                in_port: Some(0),
                ..Default::default()
            }),
            actions: Some(vec![Action::Output(bridge.a.port_no)]),
            ..Default::default()
        },
    )?;
    // The frame crosses the veth pair through a softirq.
    std::thread::sleep(Duration::from_millis(100));
    let (_, got) = flows.get(
        &header(bridge),
        &flow::GetDoRequest {
            ufid: Some(ufid(n)),
            ..Default::default()
        },
    )?;
    Ok(got)
}

fn flow_counters_rise_with_packets() -> TestResult {
    let bridge = Bridge::new("gfstat", 0)?;
    let mut flows = flow::Client::connect()?;
    let mut packets = packet::Client::connect()?;
    let frame = TcpFrame::default();
    request(
        &mut flows,
        &header(&bridge),
        &flow::NewDoRequest {
            key: Some(Box::new(tcp_key(bridge.b.port_no, &frame))),
            mask: Some(Box::new(tcp_mask())),
            actions: Some(Vec::new()),
            ufid: Some(ufid(1)),
            ..Default::default()
        },
    )?;
    let fresh = send_and_read(&bridge, &mut packets, &mut flows, &frame, 1)?;
    let stats = fresh.stats.ok_or("no stats after a matching packet")?;
    if stats.n_packets != 1 || stats.n_bytes != frame.bytes().len() as u64 {
        return Err(format!("after one packet: {stats:?}").into());
    }
    if fresh.used.unwrap_or(0) == 0 || fresh.tcp_flags != Some(0x02) {
        return Err(format!("used {:?}, tcp flags {:?}", fresh.used, fresh.tcp_flags).into());
    }
    let acked = TcpFrame {
        flags: 0x10,
        ..frame
    };
    let later = send_and_read(&bridge, &mut packets, &mut flows, &acked, 1)?;
    let stats = later.stats.ok_or("no stats")?;
    if stats.n_packets != 2 || later.tcp_flags != Some(0x12) {
        return Err(format!("after two packets: {stats:?}, flags {:?}", later.tcp_flags).into());
    }
    Ok(())
}

fn features_probe_and_drop_fallback() -> TestResult {
    let bridge = Bridge::new("gffeat", 0)?;
    let mut flows = flow::Client::connect()?;
    let features = Features::probe(&mut flows, bridge.dp_ifindex)?;
    eprintln!("features: {features:?}");
    // 6.1: no drop and no psample; everything else is older.
    let expected = Features {
        drop_action: false,
        psample: false,
        ..Features {
            dec_ttl: true,
            add_mpls: true,
            check_pkt_len: true,
            clone: true,
            trunc: true,
            ct_clear: true,
            set_masked: true,
            meter: true,
            ct_state: true,
            ct_orig_tuple: true,
            ..Features::default()
        }
    };
    if features != expected {
        return Err(format!("probed {features:?}, 6.1 has {expected:?}").into());
    }
    // The probes left no flow behind.
    let left = flows
        .get_dump(&header(&bridge), &flow::GetDumpRequest::default())?
        .count();
    if left != 0 {
        return Err(format!("{left} probe flows left").into());
    }
    // Drop falls back to no actions, which the kernel takes and which
    // drops: the frame matches, and nothing leaves port b for a.
    let drop = features.drop_actions();
    if !drop.is_empty() {
        return Err(format!("drop on 6.1 is {drop:?}").into());
    }
    let frame = TcpFrame::default();
    request(
        &mut flows,
        &header(&bridge),
        &flow::NewDoRequest {
            key: Some(Box::new(tcp_key(bridge.b.port_no, &frame))),
            mask: Some(Box::new(tcp_mask())),
            actions: Some(drop),
            ufid: Some(ufid(1)),
            ..Default::default()
        },
    )?;
    let a_rx = bridge.a.rx_packets()?;
    let mut packets = packet::Client::connect()?;
    let got = send_and_read(&bridge, &mut packets, &mut flows, &frame, 1)?;
    if got.stats.map(|s| s.n_packets) != Some(1) || got.actions != Some(Vec::new()) {
        return Err(format!("the drop flow: {got:?}").into());
    }
    if bridge.a.rx_packets()? != a_rx {
        return Err("a frame came back out of the dropping flow's port".into());
    }
    Ok(())
}
