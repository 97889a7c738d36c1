//! The project's own OVS specs (`specs/ovs_*.yaml`), as build.rs generates
//! them: ovs_flow with ordered action lists, ovs_packet with ovs_flow's key
//! set typing its `key` and `egress-tun-key`. Bytes laid out as
//! include/uapi/linux/openvswitch.h fixes them.

use genl_compile_tests::project::{ovs_datapath, ovs_flow, ovs_packet, ovs_vport};
use genl_runtime::wire::Be;
use genl_runtime::{Events, GenlMessage};

fn attr(ty: u16, payload: &[u8]) -> Vec<u8> {
    let len = 4 + payload.len() as u16;
    let mut out = [&len.to_ne_bytes()[..], &ty.to_ne_bytes(), payload].concat();
    out.resize(out.len().next_multiple_of(4), 0);
    out
}

fn nest(ty: u16, body: &[u8]) -> Vec<u8> {
    attr(ty | 0x8000, body)
}

/// An OVS_PACKET_CMD_MISS upcall as the datapath sends it: struct
/// ovs_header, OVS_PACKET_ATTR_PACKET (1), OVS_PACKET_ATTR_KEY (2) nesting
/// OVS_KEY_ATTR_* (a tunnel key whose OVS_TUNNEL_KEY_ATTR_ID is type 0, the
/// in-port, Ethernet addresses, the ethertype, IPv4 and TCP), and
/// OVS_PACKET_ATTR_HASH (11). The key decodes as ovs_flow's typed key.
#[test]
fn a_miss_upcall_key_decodes_typed() {
    let frame = [0u8; 54];
    let key = [
        nest(
            16, // OVS_KEY_ATTR_TUNNEL
            &[
                attr(0, &0x1234u64.to_be_bytes()), // OVS_TUNNEL_KEY_ATTR_ID, be64
                attr(2, &[192, 0, 2, 1]),          // OVS_TUNNEL_KEY_ATTR_IPV4_DST
            ]
            .concat(),
        ),
        attr(3, &2u32.to_ne_bytes()), // OVS_KEY_ATTR_IN_PORT
        attr(4, &[2, 0, 0, 0, 0, 1, 2, 0, 0, 0, 0, 2]), // OVS_KEY_ATTR_ETHERNET
        attr(6, &[0x08, 0x00]),       // OVS_KEY_ATTR_ETHERTYPE
        attr(7, &[10, 0, 0, 1, 10, 0, 0, 2, 6, 0, 64, 0]), // OVS_KEY_ATTR_IPV4
        attr(9, &[0xc0, 0x00, 0x00, 0x50]), // OVS_KEY_ATTR_TCP
    ]
    .concat();
    let attrs = [
        attr(1, &frame),
        nest(2, &key),
        attr(11, &0x1_0000_abcdu64.to_ne_bytes()),
    ]
    .concat();
    let payload = [&7i32.to_ne_bytes()[..], &attrs].concat();

    let ovs_packet::Event::Miss(header, miss) =
        ovs_packet::Event::decode_event(1, &payload).unwrap()
    else {
        panic!("command 1 is a miss")
    };
    assert_eq!(header.dp_ifindex, 7);
    assert_eq!(miss.packet.as_deref(), Some(&frame[..]));
    assert_eq!(miss.hash, Some(0x1_0000_abcd));
    let key: &ovs_flow::KeyAttrs = miss.key.as_ref().expect("a key");
    assert_eq!(key.in_port, Some(2));
    assert_eq!(key.ethertype, Some(Be(0x0800)));
    let eth = key.ethernet.expect("ethernet");
    assert_eq!(eth.eth_src, [2, 0, 0, 0, 0, 1]);
    let ip = key.ipv4.expect("ipv4");
    assert_eq!(
        (ip.ipv4_src, ip.ipv4_proto, ip.ipv4_ttl),
        (Be(0x0a00_0001), 6, 64)
    );
    let tcp = key.tcp.expect("tcp");
    assert_eq!((tcp.tcp_src, tcp.tcp_dst), (Be(49152), Be(80)));
    let tunnel = key.tunnel.as_ref().expect("tunnel");
    assert_eq!(tunnel.id, Some(Be(0x1234)));
    assert_eq!(tunnel.ipv4_dst, Some(Be(0xc000_0201)));
    // Encoded again (key attributes in the set's order), it reads the same.
    assert_eq!(
        ovs_packet::MissEvent::decode(&miss.to_bytes()).unwrap(),
        miss
    );
}

/// struct ovs_key_arp is 24 bytes (22 of members, 2 of tail padding) and
/// struct ovs_key_ct_tuple_ipv4 16 (13 and 3); the kernel checks key
/// attribute lengths against sizeof.
#[test]
fn key_structs_have_cs_sizeof() {
    let key = ovs_flow::KeyAttrs {
        arp: Some(ovs_flow::OvsKeyArp {
            arp_sip: Be(0x0a00_0001),
            arp_tip: Be(0x0a00_0002),
            arp_op: Be(1),
            arp_sha: [2, 0, 0, 0, 0, 1],
            arp_tha: [0; 6],
            pad: [0; 2],
        }),
        ct_orig_tuple_ipv4: Some(ovs_flow::OvsKeyCtTupleIpv4 {
            ipv4_src: Be(0x0a00_0001),
            ipv4_dst: Be(0x0a00_0002),
            src_port: Be(1024),
            dst_port: Be(80),
            ipv4_proto: 6,
            pad: [0; 3],
        }),
        ..Default::default()
    };
    let expected = [
        attr(
            13, // OVS_KEY_ATTR_ARP
            &[
                10, 0, 0, 1, 10, 0, 0, 2, 0, 1, 2, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0,
            ],
        ),
        attr(
            26, // OVS_KEY_ATTR_CT_ORIG_TUPLE_IPV4
            &[10, 0, 0, 1, 10, 0, 0, 2, 0x04, 0x00, 0x00, 0x50, 6, 0, 0, 0],
        ),
    ]
    .concat();
    assert_eq!(key.to_bytes(), expected);
    assert_eq!(expected.len(), (4 + 24) + (4 + 16));
    assert_eq!(ovs_flow::KeyAttrs::decode(&expected).unwrap(), key);
}

/// OVS_ACTION_ATTR_DROP is 24 and OVS_ACTION_ATTR_PSAMPLE 25; push_mpls
/// carries struct ovs_action_push_mpls { __be32 mpls_lse; __be16
/// mpls_ethertype; } in 8 bytes.
#[test]
fn actions_are_ordered_and_numbered_as_the_header() {
    use ovs_flow::Action;
    let actions = vec![
        Action::PushMpls(ovs_flow::OvsActionPushMpls {
            mpls_lse: Be(0x0001_4140),
            mpls_ethertype: Be(0x8847),
            pad: [0; 2],
        }),
        Action::Output(1),
        Action::Psample(ovs_flow::PsampleAttrs {
            group: Some(3),
            ..Default::default()
        }),
        Action::Drop(0),
    ];
    let flow = ovs_flow::FlowAttrs {
        actions: Some(actions.clone()),
        ..Default::default()
    };
    let expected = nest(
        2,
        &[
            attr(9, &[0x00, 0x01, 0x41, 0x40, 0x88, 0x47, 0, 0]),
            attr(1, &1u32.to_ne_bytes()),
            nest(25, &attr(1, &3u32.to_ne_bytes())),
            attr(24, &0u32.to_ne_bytes()),
        ]
        .concat(),
    );
    assert_eq!(flow.to_bytes(), expected);
    assert_eq!(
        ovs_flow::FlowAttrs::decode(&expected).unwrap().actions,
        Some(actions)
    );
}

/// `probe` is a flag (an empty attribute), vport `dst-port` a u16, and
/// `upcall-stats.success` attribute type 0.
#[test]
fn flags_ports_and_type_zero() {
    let get = ovs_flow::GetDoRequest {
        probe: true,
        ..Default::default()
    };
    assert_eq!(get.to_bytes(), attr(8, &[]));

    let opts = ovs_vport::VportOptions {
        dst_port: Some(4789),
        ..Default::default()
    };
    assert_eq!(opts.to_bytes(), attr(1, &4789u16.to_ne_bytes()));

    let stats = [attr(0, &5u64.to_ne_bytes()), attr(1, &1u64.to_ne_bytes())].concat();
    let s = ovs_vport::UpcallStats::decode(&stats).unwrap();
    assert_eq!((s.success, s.fail), (Some(5), Some(1)));
}

/// Datapath, port and flow changes go to the family's group with the
/// command of the request.
#[test]
fn notifications_go_to_the_ovs_groups() {
    for (n, cmd, group) in [
        (ovs_datapath::notifications::NEW_NTF, 1, "ovs_datapath"),
        (ovs_vport::notifications::DEL_NTF, 2, "ovs_vport"),
        (ovs_flow::notifications::SET_NTF, 4, "ovs_flow"),
    ] {
        assert_eq!((n.cmd, n.group), (cmd, Some(group)));
    }
}
