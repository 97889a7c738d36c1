//! Borrowing views allocate nothing: building the view of a reply and
//! reading every one of its fields, nests included, is counted by an
//! instrumented global allocator and must come to zero allocations.
//!
//! The allocator counts for the whole process, so this file is a test binary
//! of its own with a single test (the harness's other thread only waits
//! meanwhile), and each measured run is repeated: every run must be zero.

use genl_runtime::GenlMessage;
use genl_runtime::wire::DecodeError;
use stats_alloc::{INSTRUMENTED_SYSTEM, Region, StatsAlloc};
use std::alloc::System;
use std::hint::black_box;

#[global_allocator]
static GLOBAL: &StatsAlloc<System> = &INSTRUMENTED_SYSTEM;

/// Allocations (and reallocations) made by `f`, on its second and later
/// runs (the first is not counted, so that nothing lazily set up by the
/// test itself is), at most of three.
fn allocations(mut f: impl FnMut() -> Result<(), DecodeError>) -> usize {
    f().expect("the buffer reads");
    (0..3)
        .map(|_| {
            let region = Region::new(GLOBAL);
            let r = f();
            let change = region.change();
            r.expect("the buffer reads");
            change.allocations + change.reallocations
        })
        .max()
        .unwrap_or(0)
}

#[test]
fn reading_a_reply_through_its_view_allocates_nothing() {
    nlctrl_getfamily_reply();
    #[cfg(genl_corpus)]
    ovs::flow_dump_reply();
}

/// The controller's answer about a family: ops and multicast groups in
/// indexed arrays.
fn nlctrl_getfamily_reply() {
    use genl_compile_tests::project::nlctrl;
    let reply = nlctrl::GetfamilyDoReply {
        family_id: Some(0x20),
        family_name: Some("ovs_flow".into()),
        version: Some(1),
        hdrsize: Some(4),
        maxattr: Some(12),
        ops: (1..=6)
            .map(|id| nlctrl::OpAttrs {
                id: Some(id),
                flags: Some(nlctrl::OpFlags::CMD_CAP_DO),
                ..Default::default()
            })
            .collect(),
        mcast_groups: vec![nlctrl::McastGroupAttrs {
            name: Some("ovs_flow".into()),
            id: Some(9),
            ..Default::default()
        }],
        ..Default::default()
    };
    let bytes = reply.to_bytes();
    let n = allocations(|| {
        let v = nlctrl::GetfamilyDoReplyView::new(&bytes)?;
        black_box((v.family_id()?, v.family_name()?, v.version()?));
        black_box((v.hdrsize()?, v.maxattr()?));
        for op in v.ops() {
            let op = op?;
            black_box((op.id()?, op.flags()?, op.unknown().count()));
        }
        for g in v.mcast_groups() {
            let g = g?;
            black_box((g.name()?, g.id()?));
        }
        black_box(v.unknown().count());
        Ok(())
    });
    assert_eq!(n, 0, "nlctrl GETFAMILY reply: {n} allocations");
    // The counter counts: the owned decoder allocates.
    let owned = allocations(|| nlctrl::GetfamilyDoReply::decode(&bytes).map(drop));
    assert!(owned > 0);
}

#[cfg(genl_corpus)]
mod ovs {
    use super::{allocations, black_box};
    use genl_compile_tests::corpus::ovs_flow::*;
    use genl_runtime::GenlMessage;
    use genl_runtime::wire::{Be, DecodeError};

    /// A flow key as the kernel dumps it: tunnel, encapsulated VLAN,
    /// Ethernet, IPv4 and TCP, conntrack state.
    pub(super) fn key() -> KeyAttrs {
        KeyAttrs {
            encap: Some(Box::new(KeyAttrs {
                vlan: Some(Be(0x1064)),
                ethertype: Some(Be(0x0800)),
                ..Default::default()
            })),
            priority: Some(0),
            in_port: Some(2),
            ethernet: Some(OvsKeyEthernet {
                eth_src: [0x02, 0, 0, 0, 0, 1],
                eth_dst: [0x02, 0, 0, 0, 0, 2],
            }),
            ethertype: Some(Be(0x8100)),
            ipv4: Some(OvsKeyIpv4 {
                ipv4_src: Be(0x0a00_0001),
                ipv4_dst: Be(0x0a00_0002),
                ipv4_proto: 6,
                ipv4_tos: 0,
                ipv4_ttl: 64,
                ipv4_frag: 0,
            }),
            tcp: Some(OvsKeyTcp {
                tcp_src: Be(49152),
                tcp_dst: Be(80),
            }),
            skb_mark: Some(0),
            tunnel: Some(TunnelKeyAttrs {
                id: Some(Be(42)),
                ipv4_src: Some(Be(0xc0a8_0001)),
                ipv4_dst: Some(Be(0xc0a8_0002)),
                ttl: Some(64),
                csum: true,
                geneve_opts: Some(vec![1, 2, 3]),
                tp_dst: Some(Be(6081)),
                vxlan_opts: Some(VxlanExtAttrs {
                    gbp: Some(7),
                    ..Default::default()
                }),
                ..Default::default()
            }),
            tcp_flags: Some(Be(0x12)),
            dp_hash: Some(0x1234),
            recirc_id: Some(0),
            ct_state: Some(CtStateFlags::from_bits_retain(0x21)),
            ct_zone: Some(5),
            ct_mark: Some(0),
            ct_labels: Some(vec![0; 16]),
            nsh: Some(OvsNshKeyAttrs {
                base: Some(vec![0; 8]),
                ..Default::default()
            }),
            ..Default::default()
        }
    }

    /// Actions with nests several levels deep.
    fn actions() -> ActionAttrs {
        ActionAttrs {
            output: Some(3),
            userspace: Some(UserspaceAttrs {
                pid: Some(1234),
                userdata: Some(vec![1, 2, 3, 4]),
                actions: true,
                ..Default::default()
            }),
            set: Some(Box::new(KeyAttrs {
                skb_mark: Some(9),
                ..Default::default()
            })),
            pop_vlan: true,
            sample: Some(Box::new(SampleAttrs {
                probability: Some(u32::MAX / 2),
                actions: Some(Box::new(ActionAttrs {
                    output: Some(4),
                    ..Default::default()
                })),
                ..Default::default()
            })),
            ct: Some(CtAttrs {
                commit: true,
                zone: Some(5),
                helper: Some("ftp".into()),
                nat: Some(NatAttrs {
                    src: true,
                    proto_min: Some(1024),
                    ..Default::default()
                }),
                ..Default::default()
            }),
            check_pkt_len: Some(Box::new(CheckPktLenAttrs {
                pkt_len: Some(1500),
                actions_if_greater: Some(Box::new(ActionAttrs {
                    trunc: Some(1500),
                    ..Default::default()
                })),
                ..Default::default()
            })),
            dec_ttl: Some(Box::new(DecTtlAttrs {
                action: Some(Box::new(ActionAttrs {
                    pop_eth: true,
                    ..Default::default()
                })),
                ..Default::default()
            })),
            psample: Some(PsampleAttrs {
                group: Some(1),
                cookie: Some(vec![9; 8]),
                ..Default::default()
            }),
            ..Default::default()
        }
    }

    /// One flow of an `OVS_FLOW_CMD_GET` dump.
    pub(super) fn reply() -> GetDumpReply {
        GetDumpReply {
            key: Some(Box::new(key())),
            ufid: Some((0..16).collect()),
            mask: Some(Box::new(KeyAttrs {
                in_port: Some(u32::MAX),
                ethertype: Some(Be(0xffff)),
                ..Default::default()
            })),
            stats: Some(OvsFlowStats {
                n_packets: 10,
                n_bytes: 1500,
            }),
            actions: Some(Box::new(actions())),
            ..Default::default()
        }
    }

    fn tunnel(t: TunnelKeyAttrsView<'_>) -> Result<(), DecodeError> {
        black_box((t.id()?, t.ipv4_src()?, t.ipv4_dst()?, t.tos()?, t.ttl()?));
        black_box((t.dont_fragment(), t.csum(), t.oam(), t.ipv4_info_bridge()));
        black_box(t.geneve_opts()?.map(|o| o.sum::<u32>()));
        black_box((t.tp_src()?, t.tp_dst()?));
        if let Some(v) = t.vxlan_opts()? {
            black_box((v.gbp()?, v.unknown().count()));
        }
        black_box((t.ipv6_src()?, t.ipv6_dst()?, t.pad()?, t.erspan_opts()?));
        black_box(t.unknown().count());
        Ok(())
    }

    pub(super) fn key_view(k: KeyAttrsView<'_>) -> Result<(), DecodeError> {
        if let Some(e) = k.encap()? {
            key_view(e)?;
        }
        black_box((k.priority()?, k.in_port()?, k.ethernet()?, k.vlan()?));
        black_box((k.ethertype()?, k.ipv4()?, k.ipv6()?, k.tcp()?, k.udp()?));
        black_box((k.icmp()?, k.icmpv6()?, k.arp()?, k.nd()?, k.skb_mark()?));
        if let Some(t) = k.tunnel()? {
            tunnel(t)?;
        }
        black_box((k.sctp()?, k.tcp_flags()?, k.dp_hash()?, k.recirc_id()?));
        black_box((k.mpls()?, k.ct_state()?, k.ct_zone()?, k.ct_mark()?));
        black_box((
            k.ct_labels()?,
            k.ct_orig_tuple_ipv4()?,
            k.ct_orig_tuple_ipv6()?,
        ));
        if let Some(n) = k.nsh()? {
            black_box((n.base()?, n.md1()?, n.md2()?, n.unknown().count()));
        }
        black_box((k.packet_type()?, k.nd_extensions()?, k.tunnel_info()?));
        black_box((k.ipv6_exthdrs()?, k.unknown().count()));
        Ok(())
    }

    fn actions_view(a: ActionAttrsView<'_>) -> Result<(), DecodeError> {
        black_box(a.output()?);
        if let Some(u) = a.userspace()? {
            black_box((u.pid()?, u.userdata()?, u.egress_tun_port()?, u.actions()));
            black_box(u.unknown().count());
        }
        if let Some(k) = a.set()? {
            key_view(k)?;
        }
        black_box((a.push_vlan()?, a.pop_vlan(), a.recirc()?, a.hash()?));
        if let Some(s) = a.sample()? {
            black_box((s.probability()?, s.unknown().count()));
            if let Some(inner) = s.actions()? {
                actions_view(inner)?;
            }
        }
        black_box((a.push_mpls()?, a.pop_mpls()?));
        if let Some(k) = a.set_masked()? {
            black_box((k.priority()?, k.ethernet()?, k.ipv4()?, k.ipv6()?));
            black_box((k.tcp()?, k.udp()?, k.skb_mark()?, k.sctp()?, k.mpls()?));
            black_box((k.ct_mark()?, k.ct_labels()?, k.nsh()?, k.unknown().count()));
        }
        if let Some(ct) = a.ct()? {
            black_box((
                ct.commit(),
                ct.zone()?,
                ct.mark()?,
                ct.labels()?,
                ct.helper()?,
            ));
            black_box((ct.force_commit(), ct.eventmask()?, ct.timeout()?));
            if let Some(nat) = ct.nat()? {
                black_box((nat.src(), nat.dst(), nat.ip_min()?, nat.ip_max()?));
                black_box((nat.proto_min()?, nat.proto_max()?, nat.persistent()));
                black_box((nat.proto_hash(), nat.proto_random(), nat.unknown().count()));
            }
            black_box(ct.unknown().count());
        }
        black_box((a.trunc()?, a.push_eth()?, a.pop_eth(), a.ct_clear()));
        if let Some(n) = a.push_nsh()? {
            black_box((n.base()?, n.md1()?, n.md2()?));
        }
        black_box((a.pop_nsh(), a.meter()?));
        if let Some(c) = a.clone()? {
            actions_view(c)?;
        }
        if let Some(c) = a.check_pkt_len()? {
            black_box(c.pkt_len()?);
            for inner in [c.actions_if_greater()?, c.actions_if_less_equal()?]
                .into_iter()
                .flatten()
            {
                actions_view(inner)?;
            }
        }
        black_box(a.add_mpls()?);
        if let Some(d) = a.dec_ttl()?
            && let Some(inner) = d.action()?
        {
            actions_view(inner)?;
        }
        if let Some(p) = a.psample()? {
            black_box((p.group()?, p.cookie()?, p.unknown().count()));
        }
        black_box(a.unknown().count());
        Ok(())
    }

    pub(super) fn reply_view(v: GetDumpReplyView<'_>) -> Result<(), DecodeError> {
        if let Some(k) = v.key()? {
            key_view(k)?;
        }
        black_box(v.ufid()?);
        if let Some(m) = v.mask()? {
            key_view(m)?;
        }
        black_box(v.stats()?);
        if let Some(a) = v.actions()? {
            actions_view(a)?;
        }
        black_box(v.unknown().count());
        Ok(())
    }

    pub(super) fn flow_dump_reply() {
        let reply = reply();
        let bytes = reply.to_bytes();
        // What is read is what was written (and so every nest above is reached).
        assert_eq!(
            GetDumpReplyView::new(&bytes).unwrap().to_owned().unwrap(),
            reply
        );
        let n = allocations(|| reply_view(GetDumpReplyView::new(&bytes)?));
        assert_eq!(n, 0, "OVS flow dump reply: {n} allocations");
        let owned = allocations(|| GetDumpReply::decode(&bytes).map(drop));
        assert!(owned > 10, "the owned decoder allocates ({owned})");
    }
}
