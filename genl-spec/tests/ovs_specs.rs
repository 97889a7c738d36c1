//! The project's OVS specs (`specs/ovs_*.yaml`) checked against the facts of
//! `include/uapi/linux/openvswitch.h`, written out here: every attribute and
//! command number, the multicast groups and versions, the size of every
//! struct (C's `sizeof`, tail padding included) and its big-endian members,
//! and the attribute types that the kernel's own specs get wrong.

mod common;

use genl_spec::Spec;
use genl_spec::model::Family;
use genl_spec::raw::{AttrType, ByteOrder, MemberType};

fn load(name: &str) -> Spec {
    Spec::load(common::project_spec(name)).unwrap_or_else(|e| panic!("{}", e.render()))
}

/// Asserts that `set` holds exactly these attributes, in this order, with
/// these C names and numbers.
fn assert_set(family: &Family, set: &str, expected: &[(&str, u16)]) {
    let id = family
        .set_by_name(set)
        .unwrap_or_else(|| panic!("{}: no set {set}", family.name));
    let got: Vec<(String, u16)> = family
        .set(id)
        .attrs
        .iter()
        .map(|a| (a.c_name.clone(), a.value))
        .collect();
    let expected: Vec<(String, u16)> = expected
        .iter()
        .map(|(n, v)| ((*n).to_owned(), *v))
        .collect();
    assert_eq!(got, expected, "{}: set {set}", family.name);
}

/// The C enum's values 0, 1, 2, ... from a list of names, skipping `UNSPEC`
/// where the header has it (`first` = 1).
fn numbered<'a>(first: u16, names: &[&'a str]) -> Vec<(&'a str, u16)> {
    names
        .iter()
        .enumerate()
        .map(|(i, n)| (*n, first + i as u16))
        .collect()
}

fn attr<'f>(family: &'f Family, set: &str, name: &str) -> &'f genl_spec::model::Attr {
    let id = family.set_by_name(set).expect("set");
    family
        .set(id)
        .attrs
        .iter()
        .find(|a| a.name == name)
        .unwrap_or_else(|| panic!("no {set}.{name}"))
}

/// `(op, command)`: OVS families number their commands in one enum (the
/// unified model), so a request, its reply and its notification share it.
fn assert_ops(family: &Family, expected: &[(&str, u32)]) {
    let got: Vec<(String, Option<u32>)> = family
        .operations
        .list
        .iter()
        .map(|o| {
            if o.request_value.is_some() && o.reply_value.is_some() {
                assert_eq!(o.request_value, o.reply_value, "{}", o.name);
            }
            (o.name.clone(), o.reply_value.or(o.request_value))
        })
        .collect();
    let expected: Vec<(String, Option<u32>)> = expected
        .iter()
        .map(|(n, v)| ((*n).to_owned(), Some(*v)))
        .collect();
    assert_eq!(got, expected, "{}: operations", family.name);
}

/// Every notification goes to `group`, the family's only group.
fn assert_notifications(family: &Family, group: &str, ntfs: &[&str]) {
    assert_eq!(
        family
            .mcast_groups
            .iter()
            .map(|g| g.name.as_str())
            .collect::<Vec<_>>(),
        [group]
    );
    for name in ntfs {
        let op = family.op(family.op_by_name(name).expect("notification"));
        assert!(op.notify.is_some(), "{name} is a notification");
        let g = op.mcgrp.expect("a group");
        assert_eq!(family.mcast_groups[g.index()].name, group, "{name}");
    }
}

/// `(struct, sizeof)`; the spec's layout must have C's size with no padding
/// left implicit.
fn assert_sizes(family: &Family, expected: &[(&str, u32)]) {
    for (name, size) in expected {
        let id = family
            .def_by_name(name)
            .unwrap_or_else(|| panic!("{}: no {name}", family.name));
        let s = family.struct_def(id).expect("a struct");
        assert_eq!(s.c_size, *size, "{name}: C sizeof");
        assert_eq!(
            s.size, *size,
            "{name}: the members' bytes (explicit tail padding)"
        );
    }
}

/// `(struct, member, type)` of every `__be16`/`__be32`/`__be64` member.
fn assert_big_endian(family: &Family, expected: &[(&str, &str, MemberType)]) {
    for def in &family.definitions {
        let Some(id) = family.def_by_name(&def.name) else {
            continue;
        };
        let Some(s) = family.struct_def(id) else {
            continue;
        };
        for m in &s.members {
            let be = m.byte_order == Some(ByteOrder::BigEndian);
            let listed = expected
                .iter()
                .find(|(st, mem, _)| *st == def.name && *mem == m.name);
            assert_eq!(be, listed.is_some(), "{}.{}: big-endian", def.name, m.name);
            if let Some((_, _, ty)) = listed {
                assert_eq!(m.ty, *ty, "{}.{}: width", def.name, m.name);
            }
        }
    }
}

/// `struct ovs_header { int dp_ifindex; }` before the attributes of every
/// OVS family.
fn assert_ovs_header(family: &Family) {
    let id = family.operations.fixed_header.expect("a fixed header");
    assert_eq!(family.def(id).name, "ovs-header");
    let s = family.struct_def(id).expect("a struct");
    assert_eq!((s.size, s.c_size), (4, 4));
    assert_eq!(s.members.len(), 1);
    assert_eq!(s.members[0].name, "dp-ifindex");
    assert_eq!(s.members[0].ty, MemberType::S32);
}

#[test]
fn ovs_datapath_matches_the_header() {
    let spec = load("ovs_datapath");
    let f = spec.family();
    assert_eq!((f.name.as_str(), f.version), ("ovs_datapath", 2));
    assert_ovs_header(f);
    // enum ovs_datapath_attr
    assert_set(
        f,
        "datapath",
        &numbered(
            1,
            &[
                "OVS_DP_ATTR_NAME",
                "OVS_DP_ATTR_UPCALL_PID",
                "OVS_DP_ATTR_STATS",
                "OVS_DP_ATTR_MEGAFLOW_STATS",
                "OVS_DP_ATTR_USER_FEATURES",
                "OVS_DP_ATTR_PAD",
                "OVS_DP_ATTR_MASKS_CACHE_SIZE",
                "OVS_DP_ATTR_PER_CPU_PIDS",
                "OVS_DP_ATTR_IFINDEX",
            ],
        ),
    );
    // enum ovs_datapath_cmd: NEW 1, DEL 2, GET 3, SET 4; notifications
    // carry the command of the request that caused them.
    assert_ops(
        f,
        &[
            ("new", 1),
            ("del", 2),
            ("get", 3),
            ("set", 4),
            ("new-ntf", 1),
            ("del-ntf", 2),
            ("set-ntf", 4),
        ],
    );
    assert_notifications(f, "ovs_datapath", &["new-ntf", "del-ntf", "set-ntf"]);
    assert_sizes(
        f,
        &[
            ("ovs-dp-stats", 32),
            ("ovs-dp-megaflow-stats", 32),
            ("ovs-header", 4),
        ],
    );
    assert_big_endian(f, &[]);
    assert_eq!(attr(f, "datapath", "pad").ty, AttrType::Pad);
    assert_eq!(
        attr(f, "datapath", "per-cpu-pids").sub_type,
        Some(AttrType::U32)
    );
}

#[test]
fn ovs_vport_matches_the_header() {
    let spec = load("ovs_vport");
    let f = spec.family();
    assert_eq!((f.name.as_str(), f.version), ("ovs_vport", 1));
    assert_ovs_header(f);
    assert_set(
        f,
        "vport",
        &numbered(
            1,
            &[
                "OVS_VPORT_ATTR_PORT_NO",
                "OVS_VPORT_ATTR_TYPE",
                "OVS_VPORT_ATTR_NAME",
                "OVS_VPORT_ATTR_OPTIONS",
                "OVS_VPORT_ATTR_UPCALL_PID",
                "OVS_VPORT_ATTR_STATS",
                "OVS_VPORT_ATTR_PAD",
                "OVS_VPORT_ATTR_IFINDEX",
                "OVS_VPORT_ATTR_NETNSID",
                "OVS_VPORT_ATTR_UPCALL_STATS",
            ],
        ),
    );
    // enum ovs_vport_upcall_attr has no UNSPEC: SUCCESS is 0.
    assert_set(
        f,
        "upcall-stats",
        &[
            ("OVS_VPORT_UPCALL_ATTR_SUCCESS", 0),
            ("OVS_VPORT_UPCALL_ATTR_FAIL", 1),
        ],
    );
    assert_set(
        f,
        "vport-options",
        &[
            ("OVS_TUNNEL_ATTR_DST_PORT", 1),
            ("OVS_TUNNEL_ATTR_EXTENSION", 2),
        ],
    );
    assert_set(f, "vxlan-ext", &[("OVS_VXLAN_EXT_GBP", 1)]);
    // "16-bit UDP port, used by L4 tunnels", in host order.
    let dst_port = attr(f, "vport-options", "dst-port");
    assert_eq!((dst_port.ty, dst_port.byte_order), (AttrType::U16, None));
    assert_eq!(attr(f, "vport", "netnsid").ty, AttrType::S32);
    assert_ops(
        f,
        &[
            ("new", 1),
            ("del", 2),
            ("get", 3),
            ("set", 4),
            ("new-ntf", 1),
            ("del-ntf", 2),
            ("set-ntf", 4),
        ],
    );
    assert_notifications(f, "ovs_vport", &["new-ntf", "del-ntf", "set-ntf"]);
    assert_sizes(f, &[("ovs-vport-stats", 64)]);
    assert_big_endian(f, &[]);
    // enum ovs_vport_type
    let types = f.def_by_name("vport-type").expect("vport-type");
    let genl_spec::model::DefKind::Enum(e) = &f.def(types).kind else {
        panic!("vport-type is an enum")
    };
    let entries: Vec<(&str, u64)> = e
        .entries
        .iter()
        .map(|x| (x.name.as_str(), x.value))
        .collect();
    assert_eq!(
        entries,
        [
            ("unspec", 0),
            ("netdev", 1),
            ("internal", 2),
            ("gre", 3),
            ("vxlan", 4),
            ("geneve", 5)
        ]
    );
}

const OVS_KEY_ATTR: &[&str] = &[
    "OVS_KEY_ATTR_ENCAP",
    "OVS_KEY_ATTR_PRIORITY",
    "OVS_KEY_ATTR_IN_PORT",
    "OVS_KEY_ATTR_ETHERNET",
    "OVS_KEY_ATTR_VLAN",
    "OVS_KEY_ATTR_ETHERTYPE",
    "OVS_KEY_ATTR_IPV4",
    "OVS_KEY_ATTR_IPV6",
    "OVS_KEY_ATTR_TCP",
    "OVS_KEY_ATTR_UDP",
    "OVS_KEY_ATTR_ICMP",
    "OVS_KEY_ATTR_ICMPV6",
    "OVS_KEY_ATTR_ARP",
    "OVS_KEY_ATTR_ND",
    "OVS_KEY_ATTR_SKB_MARK",
    "OVS_KEY_ATTR_TUNNEL",
    "OVS_KEY_ATTR_SCTP",
    "OVS_KEY_ATTR_TCP_FLAGS",
    "OVS_KEY_ATTR_DP_HASH",
    "OVS_KEY_ATTR_RECIRC_ID",
    "OVS_KEY_ATTR_MPLS",
    "OVS_KEY_ATTR_CT_STATE",
    "OVS_KEY_ATTR_CT_ZONE",
    "OVS_KEY_ATTR_CT_MARK",
    "OVS_KEY_ATTR_CT_LABELS",
    "OVS_KEY_ATTR_CT_ORIG_TUPLE_IPV4",
    "OVS_KEY_ATTR_CT_ORIG_TUPLE_IPV6",
    "OVS_KEY_ATTR_NSH",
    "OVS_KEY_ATTR_PACKET_TYPE",
    "OVS_KEY_ATTR_ND_EXTENSIONS",
    "OVS_KEY_ATTR_TUNNEL_INFO",
    "OVS_KEY_ATTR_IPV6_EXTHDRS",
];

const OVS_ACTION_ATTR: &[&str] = &[
    "OVS_ACTION_ATTR_OUTPUT",
    "OVS_ACTION_ATTR_USERSPACE",
    "OVS_ACTION_ATTR_SET",
    "OVS_ACTION_ATTR_PUSH_VLAN",
    "OVS_ACTION_ATTR_POP_VLAN",
    "OVS_ACTION_ATTR_SAMPLE",
    "OVS_ACTION_ATTR_RECIRC",
    "OVS_ACTION_ATTR_HASH",
    "OVS_ACTION_ATTR_PUSH_MPLS",
    "OVS_ACTION_ATTR_POP_MPLS",
    "OVS_ACTION_ATTR_SET_MASKED",
    "OVS_ACTION_ATTR_CT",
    "OVS_ACTION_ATTR_TRUNC",
    "OVS_ACTION_ATTR_PUSH_ETH",
    "OVS_ACTION_ATTR_POP_ETH",
    "OVS_ACTION_ATTR_CT_CLEAR",
    "OVS_ACTION_ATTR_PUSH_NSH",
    "OVS_ACTION_ATTR_POP_NSH",
    "OVS_ACTION_ATTR_METER",
    "OVS_ACTION_ATTR_CLONE",
    "OVS_ACTION_ATTR_CHECK_PKT_LEN",
    "OVS_ACTION_ATTR_ADD_MPLS",
    "OVS_ACTION_ATTR_DEC_TTL",
    "OVS_ACTION_ATTR_DROP",
    "OVS_ACTION_ATTR_PSAMPLE",
];

const OVS_TUNNEL_KEY_ATTR: &[&str] = &[
    "OVS_TUNNEL_KEY_ATTR_ID",
    "OVS_TUNNEL_KEY_ATTR_IPV4_SRC",
    "OVS_TUNNEL_KEY_ATTR_IPV4_DST",
    "OVS_TUNNEL_KEY_ATTR_TOS",
    "OVS_TUNNEL_KEY_ATTR_TTL",
    "OVS_TUNNEL_KEY_ATTR_DONT_FRAGMENT",
    "OVS_TUNNEL_KEY_ATTR_CSUM",
    "OVS_TUNNEL_KEY_ATTR_OAM",
    "OVS_TUNNEL_KEY_ATTR_GENEVE_OPTS",
    "OVS_TUNNEL_KEY_ATTR_TP_SRC",
    "OVS_TUNNEL_KEY_ATTR_TP_DST",
    "OVS_TUNNEL_KEY_ATTR_VXLAN_OPTS",
    "OVS_TUNNEL_KEY_ATTR_IPV6_SRC",
    "OVS_TUNNEL_KEY_ATTR_IPV6_DST",
    "OVS_TUNNEL_KEY_ATTR_PAD",
    "OVS_TUNNEL_KEY_ATTR_ERSPAN_OPTS",
    "OVS_TUNNEL_KEY_ATTR_IPV4_INFO_BRIDGE",
];

#[test]
fn ovs_flow_matches_the_header() {
    use MemberType::{U16, U32};
    let spec = load("ovs_flow");
    let f = spec.family();
    assert_eq!((f.name.as_str(), f.version), ("ovs_flow", 1));
    assert_ovs_header(f);
    assert_set(
        f,
        "flow-attrs",
        &numbered(
            1,
            &[
                "OVS_FLOW_ATTR_KEY",
                "OVS_FLOW_ATTR_ACTIONS",
                "OVS_FLOW_ATTR_STATS",
                "OVS_FLOW_ATTR_TCP_FLAGS",
                "OVS_FLOW_ATTR_USED",
                "OVS_FLOW_ATTR_CLEAR",
                "OVS_FLOW_ATTR_MASK",
                "OVS_FLOW_ATTR_PROBE",
                "OVS_FLOW_ATTR_UFID",
                "OVS_FLOW_ATTR_UFID_FLAGS",
                "OVS_FLOW_ATTR_PAD",
            ],
        ),
    );
    // OVS_KEY_ATTR_UNSPEC (0) is no attribute; ENCAP..IPV6_EXTHDRS are 1..=32.
    assert_set(f, "key-attrs", &numbered(1, OVS_KEY_ATTR));
    assert_eq!(OVS_KEY_ATTR.len(), 32);
    // No UNSPEC: OVS_TUNNEL_KEY_ATTR_ID is 0.
    assert_set(f, "tunnel-key-attrs", &numbered(0, OVS_TUNNEL_KEY_ATTR));
    // DROP (24) comes before PSAMPLE (25).
    assert_set(f, "action-attrs", &numbered(1, OVS_ACTION_ATTR));
    assert_eq!(value(f, "action-attrs", "drop"), 24);
    assert_eq!(value(f, "action-attrs", "psample"), 25);
    assert_set(
        f,
        "userspace-attrs",
        &numbered(
            1,
            &[
                "OVS_USERSPACE_ATTR_PID",
                "OVS_USERSPACE_ATTR_USERDATA",
                "OVS_USERSPACE_ATTR_EGRESS_TUN_PORT",
                "OVS_USERSPACE_ATTR_ACTIONS",
            ],
        ),
    );
    assert_set(
        f,
        "sample-attrs",
        &numbered(
            1,
            &["OVS_SAMPLE_ATTR_PROBABILITY", "OVS_SAMPLE_ATTR_ACTIONS"],
        ),
    );
    assert_set(
        f,
        "ct-attrs",
        &numbered(
            1,
            &[
                "OVS_CT_ATTR_COMMIT",
                "OVS_CT_ATTR_ZONE",
                "OVS_CT_ATTR_MARK",
                "OVS_CT_ATTR_LABELS",
                "OVS_CT_ATTR_HELPER",
                "OVS_CT_ATTR_NAT",
                "OVS_CT_ATTR_FORCE_COMMIT",
                "OVS_CT_ATTR_EVENTMASK",
                "OVS_CT_ATTR_TIMEOUT",
            ],
        ),
    );
    assert_set(
        f,
        "nat-attrs",
        &numbered(
            1,
            &[
                "OVS_NAT_ATTR_SRC",
                "OVS_NAT_ATTR_DST",
                "OVS_NAT_ATTR_IP_MIN",
                "OVS_NAT_ATTR_IP_MAX",
                "OVS_NAT_ATTR_PROTO_MIN",
                "OVS_NAT_ATTR_PROTO_MAX",
                "OVS_NAT_ATTR_PERSISTENT",
                "OVS_NAT_ATTR_PROTO_HASH",
                "OVS_NAT_ATTR_PROTO_RANDOM",
            ],
        ),
    );
    assert_set(
        f,
        "check-pkt-len-attrs",
        &numbered(
            1,
            &[
                "OVS_CHECK_PKT_LEN_ATTR_PKT_LEN",
                "OVS_CHECK_PKT_LEN_ATTR_ACTIONS_IF_GREATER",
                "OVS_CHECK_PKT_LEN_ATTR_ACTIONS_IF_LESS_EQUAL",
            ],
        ),
    );
    assert_set(f, "dec-ttl-attrs", &[("OVS_DEC_TTL_ATTR_ACTION", 1)]);
    assert_set(
        f,
        "psample-attrs",
        &[
            ("OVS_PSAMPLE_ATTR_GROUP", 1),
            ("OVS_PSAMPLE_ATTR_COOKIE", 2),
        ],
    );
    assert_set(
        f,
        "nsh-key-attrs",
        &numbered(
            1,
            &[
                "OVS_NSH_KEY_ATTR_BASE",
                "OVS_NSH_KEY_ATTR_MD1",
                "OVS_NSH_KEY_ATTR_MD2",
            ],
        ),
    );
    assert_set(f, "vxlan-ext-attrs", &[("OVS_VXLAN_EXT_GBP", 1)]);
    assert_ops(
        f,
        &[
            ("new", 1),
            ("del", 2),
            ("get", 3),
            ("set", 4),
            ("new-ntf", 1),
            ("del-ntf", 2),
            ("set-ntf", 4),
        ],
    );
    assert_notifications(f, "ovs_flow", &["new-ntf", "del-ntf", "set-ntf"]);
    let get = f.op(f.op_by_name("get").expect("get"));
    assert!(get.do_.is_some() && get.dump.is_some());
    assert_sizes(
        f,
        &[
            ("ovs-flow-stats", 16),
            ("ovs-key-ethernet", 12),
            ("ovs-key-mpls", 4),
            ("ovs-key-ipv4", 12),
            ("ovs-key-ipv6", 40),
            ("ovs-key-ipv6-exthdrs", 2),
            ("ovs-key-tcp", 4),
            ("ovs-key-udp", 4),
            ("ovs-key-sctp", 4),
            ("ovs-key-icmp", 2),
            ("ovs-key-icmpv6", 2),
            ("ovs-key-arp", 24),
            ("ovs-key-nd", 28),
            ("ovs-key-ct-tuple-ipv4", 16),
            ("ovs-key-ct-tuple-ipv6", 40),
            ("ovs-nsh-key-base", 8),
            ("ovs-nsh-key-md1", 16),
            ("ovs-action-hash", 8),
            ("ovs-action-push-vlan", 4),
            ("ovs-action-push-mpls", 8),
            ("ovs-action-add-mpls", 8),
            ("ovs-action-push-eth", 12),
            ("ovs-action-trunc", 4),
            // set-masked's values: the key struct twice (value, mask).
            ("ovs-key-u32-masked", 8),
            ("ovs-key-ethernet-masked", 24),
            ("ovs-key-mpls-masked", 8),
            ("ovs-key-ipv4-masked", 24),
            ("ovs-key-ipv6-masked", 80),
            ("ovs-key-ports-masked", 8),
        ],
    );
    assert_big_endian(
        f,
        &[
            ("ovs-key-mpls", "mpls-lse", U32),
            // set-masked's values and masks: the key structs' members twice.
            ("ovs-key-mpls-masked", "mpls-lse", U32),
            ("ovs-key-mpls-masked", "mpls-lse-mask", U32),
            ("ovs-key-ipv4-masked", "ipv4-src", U32),
            ("ovs-key-ipv4-masked", "ipv4-dst", U32),
            ("ovs-key-ipv4-masked", "ipv4-src-mask", U32),
            ("ovs-key-ipv4-masked", "ipv4-dst-mask", U32),
            ("ovs-key-ipv6-masked", "ipv6-label", U32),
            ("ovs-key-ipv6-masked", "ipv6-label-mask", U32),
            ("ovs-key-ports-masked", "src", U16),
            ("ovs-key-ports-masked", "dst", U16),
            ("ovs-key-ports-masked", "src-mask", U16),
            ("ovs-key-ports-masked", "dst-mask", U16),
            ("ovs-key-ipv4", "ipv4-src", U32),
            ("ovs-key-ipv4", "ipv4-dst", U32),
            ("ovs-key-ipv6", "ipv6-label", U32),
            ("ovs-key-tcp", "tcp-src", U16),
            ("ovs-key-tcp", "tcp-dst", U16),
            ("ovs-key-udp", "udp-src", U16),
            ("ovs-key-udp", "udp-dst", U16),
            ("ovs-key-sctp", "sctp-src", U16),
            ("ovs-key-sctp", "sctp-dst", U16),
            ("ovs-key-arp", "arp-sip", U32),
            ("ovs-key-arp", "arp-tip", U32),
            ("ovs-key-arp", "arp-op", U16),
            ("ovs-key-ct-tuple-ipv4", "ipv4-src", U32),
            ("ovs-key-ct-tuple-ipv4", "ipv4-dst", U32),
            ("ovs-key-ct-tuple-ipv4", "src-port", U16),
            ("ovs-key-ct-tuple-ipv4", "dst-port", U16),
            ("ovs-key-ct-tuple-ipv6", "src-port", U16),
            ("ovs-key-ct-tuple-ipv6", "dst-port", U16),
            ("ovs-nsh-key-base", "path-hdr", U32),
            ("ovs-action-push-vlan", "vlan-tpid", U16),
            ("ovs-action-push-vlan", "vlan-tci", U16),
            ("ovs-action-push-mpls", "mpls-lse", U32),
            ("ovs-action-push-mpls", "mpls-ethertype", U16),
            ("ovs-action-add-mpls", "mpls-lse", U32),
            ("ovs-action-add-mpls", "mpls-ethertype", U16),
        ],
    );
    // OVS_FLOW_ATTR_PROBE is a flag; PAD is padding.
    assert_eq!(attr(f, "flow-attrs", "probe").ty, AttrType::Flag);
    assert_eq!(attr(f, "flow-attrs", "pad").ty, AttrType::Pad);
    assert_eq!(attr(f, "tunnel-key-attrs", "pad").ty, AttrType::Pad);
    // be64 tunnel id, be16 key attributes, be16 pop-mpls ethertype.
    for (set, name, ty) in [
        ("tunnel-key-attrs", "id", AttrType::U64),
        ("tunnel-key-attrs", "ipv4-src", AttrType::U32),
        ("tunnel-key-attrs", "tp-src", AttrType::U16),
        ("key-attrs", "vlan", AttrType::U16),
        ("key-attrs", "ethertype", AttrType::U16),
        ("key-attrs", "tcp-flags", AttrType::U16),
        ("key-attrs", "packet-type", AttrType::U32),
        ("key-attrs", "mpls", AttrType::Binary),
        ("action-attrs", "pop-mpls", AttrType::U16),
    ] {
        let a = attr(f, set, name);
        assert_eq!(
            (a.ty, a.byte_order),
            (ty, Some(ByteOrder::BigEndian)),
            "{set}.{name}"
        );
    }
    // Host-order integers where the header says u16/u32.
    assert_eq!(attr(f, "key-attrs", "ct-zone").byte_order, None);
    assert_eq!(attr(f, "action-attrs", "drop").ty, AttrType::U32);
    // Keys and masks are typed nests; set and set-masked nest a key
    // attribute; nested action lists are action-attrs.
    let nests = |set: &str, name: &str| {
        let a = attr(f, set, name);
        assert_eq!(a.ty, AttrType::Nest, "{set}.{name}");
        f.set(a.nested.expect("a nested set")).name.clone()
    };
    assert_eq!(nests("flow-attrs", "key"), "key-attrs");
    assert_eq!(nests("flow-attrs", "mask"), "key-attrs");
    assert_eq!(nests("flow-attrs", "actions"), "action-attrs");
    assert_eq!(nests("action-attrs", "set"), "key-attrs");
    assert_eq!(nests("action-attrs", "set-masked"), "masked-key-attrs");
    // set-masked's attributes have the numbers of the key attributes they
    // write, each its key struct twice.
    for name in [
        "priority",
        "ethernet",
        "ipv4",
        "ipv6",
        "tcp",
        "udp",
        "skb-mark",
        "sctp",
        "mpls",
        "ct-mark",
        "ct-labels",
        "nsh",
    ] {
        assert_eq!(
            value(f, "masked-key-attrs", name),
            value(f, "key-attrs", name),
            "masked-key-attrs.{name}"
        );
    }
    assert_eq!(nests("action-attrs", "clone"), "action-attrs");
    assert_eq!(nests("sample-attrs", "actions"), "action-attrs");
    assert_eq!(nests("dec-ttl-attrs", "action"), "action-attrs");
    assert_eq!(
        nests("check-pkt-len-attrs", "actions-if-greater"),
        "action-attrs"
    );
    assert_eq!(nests("ct-attrs", "nat"), "nat-attrs");
    assert_eq!(nests("key-attrs", "tunnel"), "tunnel-key-attrs");
    assert_eq!(nests("key-attrs", "encap"), "key-attrs");
}

fn value(f: &Family, set: &str, name: &str) -> u16 {
    attr(f, set, name).value
}

#[test]
fn ovs_packet_matches_the_header() {
    let spec = load("ovs_packet");
    let f = spec.family();
    assert_eq!((f.name.as_str(), f.version), ("ovs_packet", 1));
    assert_ovs_header(f);
    assert_set(
        f,
        "packet-attrs",
        &numbered(
            1,
            &[
                "OVS_PACKET_ATTR_PACKET",
                "OVS_PACKET_ATTR_KEY",
                "OVS_PACKET_ATTR_ACTIONS",
                "OVS_PACKET_ATTR_USERDATA",
                "OVS_PACKET_ATTR_EGRESS_TUN_KEY",
                "OVS_PACKET_ATTR_UNUSED1",
                "OVS_PACKET_ATTR_UNUSED2",
                "OVS_PACKET_ATTR_PROBE",
                "OVS_PACKET_ATTR_MRU",
                "OVS_PACKET_ATTR_LEN",
                "OVS_PACKET_ATTR_HASH",
                "OVS_PACKET_ATTR_UPCALL_PID",
            ],
        ),
    );
    // enum ovs_packet_cmd: MISS 1 and ACTION 2 are upcalls; EXECUTE 3.
    assert_ops(f, &[("miss", 1), ("action", 2), ("execute", 3)]);
    assert!(f.mcast_groups.is_empty(), "upcalls are unicast");
    assert_eq!(attr(f, "packet-attrs", "probe").ty, AttrType::Flag);
    assert_eq!(attr(f, "packet-attrs", "mru").ty, AttrType::U16);
    assert_eq!(attr(f, "packet-attrs", "hash").ty, AttrType::U64);
}

#[test]
fn ovs_meter_matches_the_header() {
    let spec = load("ovs_meter");
    let f = spec.family();
    assert_eq!((f.name.as_str(), f.version), ("ovs_meter", 1));
    assert_ovs_header(f);
    assert_set(
        f,
        "meter",
        &numbered(
            1,
            &[
                "OVS_METER_ATTR_ID",
                "OVS_METER_ATTR_KBPS",
                "OVS_METER_ATTR_STATS",
                "OVS_METER_ATTR_BANDS",
                "OVS_METER_ATTR_USED",
                "OVS_METER_ATTR_CLEAR",
                "OVS_METER_ATTR_MAX_METERS",
                "OVS_METER_ATTR_MAX_BANDS",
                "OVS_METER_ATTR_PAD",
            ],
        ),
    );
    assert_set(
        f,
        "band",
        &numbered(
            1,
            &[
                "OVS_BAND_ATTR_TYPE",
                "OVS_BAND_ATTR_RATE",
                "OVS_BAND_ATTR_BURST",
                "OVS_BAND_ATTR_STATS",
            ],
        ),
    );
    // enum ovs_meter_cmd: FEATURES 1, SET 2, DEL 3, GET 4.
    assert_ops(f, &[("features", 1), ("set", 2), ("del", 3), ("get", 4)]);
    assert_notifications(f, "ovs_meter", &[]);
    assert_sizes(f, &[("ovs-flow-stats", 16)]);
    assert_eq!(attr(f, "meter", "kbps").ty, AttrType::Flag);
    assert_eq!(attr(f, "meter", "bands").ty, AttrType::IndexedArray);
}

#[test]
fn ovs_ct_limit_matches_the_header() {
    let spec = load("ovs_ct_limit");
    let f = spec.family();
    assert_eq!((f.name.as_str(), f.version), ("ovs_ct_limit", 1));
    assert_ovs_header(f);
    assert_set(f, "ct-limit", &[("OVS_CT_LIMIT_ATTR_ZONE_LIMIT", 1)]);
    // enum ovs_ct_limit_cmd: SET 1, DEL 2, GET 3.
    assert_ops(f, &[("set", 1), ("del", 2), ("get", 3)]);
    assert_notifications(f, "ovs_ct_limit", &[]);
    // struct ovs_zone_limit { int zone_id; __u32 limit; __u32 count; }
    assert_sizes(f, &[("ovs-zone-limit", 12)]);
    let id = f.def_by_name("ovs-zone-limit").expect("struct");
    let members: Vec<(&str, MemberType)> = f
        .struct_def(id)
        .expect("struct")
        .members
        .iter()
        .map(|m| (m.name.as_str(), m.ty))
        .collect();
    assert_eq!(
        members,
        [
            ("zone-id", MemberType::S32),
            ("limit", MemberType::U32),
            ("count", MemberType::U32)
        ]
    );
}
