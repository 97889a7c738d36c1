//! Resolution checked against the kernel's own values: numbering of
//! attributes, commands, enum and flags entries, subsets, directional
//! operations and struct layouts.

mod common;

use genl_spec::Spec;
use genl_spec::model::{DefKind, Family};
use genl_spec::raw::AttrType;

fn load(text: &str) -> Spec {
    Spec::parse("test.yaml", text).unwrap_or_else(|e| panic!("{}", e.render()))
}

/// `(C name, value)` of every attribute of a set.
fn attr_values(family: &Family, set: &str) -> Vec<(String, u16)> {
    let id = family
        .set_by_name(set)
        .unwrap_or_else(|| panic!("no set {set}"));
    family
        .set(id)
        .attrs
        .iter()
        .map(|a| (a.c_name.clone(), a.value))
        .collect()
}

fn value_of(family: &Family, set: &str, c_name: &str) -> u16 {
    attr_values(family, set)
        .into_iter()
        .find(|(n, _)| n == c_name)
        .unwrap_or_else(|| panic!("no {c_name} in {set}"))
        .1
}

fn struct_size(family: &Family, name: &str) -> (u32, u32) {
    let id = family
        .def_by_name(name)
        .unwrap_or_else(|| panic!("no definition {name}"));
    let s = family.struct_def(id).expect("a struct");
    (s.size, s.c_size)
}

/// `include/uapi/linux/genetlink.h`: (op, request command, reply command).
/// The kernel answers CTRL_CMD_GETFAMILY (3) with CTRL_CMD_NEWFAMILY (1).
const CTRL_CMD: &[(&str, Option<u32>, Option<u32>)] = &[
    ("getfamily", Some(3), Some(1)),
    ("getpolicy", Some(10), Some(10)),
    ("newfamily", None, Some(1)),
    ("delfamily", None, Some(2)),
    ("newmcast-grp", None, Some(7)),
    ("delmcast-grp", None, Some(8)),
];

const CTRL_ATTR: &[(&str, u16)] = &[
    ("CTRL_ATTR_FAMILY_ID", 1),
    ("CTRL_ATTR_FAMILY_NAME", 2),
    ("CTRL_ATTR_VERSION", 3),
    ("CTRL_ATTR_HDRSIZE", 4),
    ("CTRL_ATTR_MAXATTR", 5),
    ("CTRL_ATTR_OPS", 6),
    ("CTRL_ATTR_MCAST_GROUPS", 7),
    ("CTRL_ATTR_POLICY", 8),
    ("CTRL_ATTR_OP_POLICY", 9),
    ("CTRL_ATTR_OP", 10),
];

fn check_nlctrl(family: &Family) {
    let attrs = family
        .attr_sets
        .iter()
        .find(|s| s.c_prefix == "CTRL_ATTR_")
        .expect("a set with the CTRL_ATTR_ prefix");
    for (c_name, value) in CTRL_ATTR {
        let a = attrs
            .attrs
            .iter()
            .find(|a| a.c_name == *c_name)
            .unwrap_or_else(|| panic!("no {c_name}"));
        assert_eq!(a.value, *value, "{c_name}");
    }
    for (name, request, reply) in CTRL_CMD {
        let Some(id) = family.op_by_name(name) else {
            assert!(!name.starts_with("get"), "no op {name}");
            continue;
        };
        let op = family.op(id);
        assert_eq!(
            (op.request_value, op.reply_value),
            (*request, *reply),
            "{name}"
        );
    }
    let get = family.op(family.op_by_name("getfamily").expect("getfamily"));
    assert_eq!(get.c_name, "CTRL_CMD_GETFAMILY");
    assert!(get.do_.is_some() && get.dump.is_some());
    let ops = family.set(
        attrs
            .attrs
            .iter()
            .find(|a| a.c_name == "CTRL_ATTR_OPS")
            .unwrap()
            .nested
            .unwrap(),
    );
    assert_eq!(
        ops.attrs.iter().map(|a| a.value).collect::<Vec<_>>(),
        vec![1, 2]
    );
}

#[test]
fn project_nlctrl_matches_genetlink_h() {
    let spec =
        Spec::load(common::project_spec("nlctrl")).unwrap_or_else(|e| panic!("{}", e.render()));
    let family = spec.family();
    assert_eq!(family.name, "nlctrl");
    check_nlctrl(family);
    let notify = family
        .operations
        .list
        .iter()
        .find_map(|o| o.mcgrp)
        .expect("notifications on a group");
    assert_eq!(family.mcast_group(notify).name, "notify");
    for name in ["newfamily", "delfamily"] {
        let op = family.op(family.op_by_name(name).unwrap());
        assert_eq!(
            op.notify,
            family.op_by_name("getfamily"),
            "{name} shares getfamily's reply"
        );
    }
    // The policy dump's attribute types follow enum netlink_attribute_type.
    let id = family
        .definitions
        .iter()
        .position(|d| matches!(&d.kind, DefKind::Enum(e) if e.entries.iter().any(|x| x.name == "bitfield32")))
        .expect("the netlink attribute type enum");
    let DefKind::Enum(e) = &family.definitions[id].kind else {
        unreachable!()
    };
    let value = |n: &str| e.entries.iter().find(|x| x.name == n).map(|x| x.value);
    assert_eq!(value("invalid"), Some(0));
    assert_eq!(value("u32"), Some(4));
    assert_eq!(value("nested-array"), Some(14));
    assert_eq!(value("bitfield32"), Some(15));
    assert_eq!(value("uint"), Some(17));
    // Op flags are bits: GENL_ADMIN_PERM 0x1 .. GENL_UNS_ADMIN_PERM 0x10.
    let flags = family
        .definitions
        .iter()
        .find_map(|d| match &d.kind {
            DefKind::Flags(f) if f.entries.iter().any(|x| x.name == "admin-perm") => Some(f),
            _ => None,
        })
        .expect("op flags");
    let masks: Vec<u64> = flags.entries.iter().map(|x| x.value).collect();
    assert_eq!(masks, vec![0x1, 0x2, 0x4, 0x8, 0x10]);
}

#[test]
fn corpus_nlctrl_matches_genetlink_h() {
    let Some(dir) = common::corpus() else { return };
    let spec = Spec::load(dir.join("nlctrl.yaml")).unwrap_or_else(|e| panic!("{}", e.render()));
    check_nlctrl(spec.family());
}

#[test]
fn corpus_ovs_flow_matches_openvswitch_h() {
    let Some(dir) = common::corpus() else { return };
    let spec = Spec::load(dir.join("ovs_flow.yaml")).unwrap_or_else(|e| panic!("{}", e.render()));
    let f = spec.family();
    // include/uapi/linux/openvswitch.h, enum ovs_key_attr.
    let keys = [
        "ENCAP",
        "PRIORITY",
        "IN_PORT",
        "ETHERNET",
        "VLAN",
        "ETHERTYPE",
        "IPV4",
        "IPV6",
        "TCP",
        "UDP",
        "ICMP",
        "ICMPV6",
        "ARP",
        "ND",
        "SKB_MARK",
        "TUNNEL",
        "SCTP",
        "TCP_FLAGS",
        "DP_HASH",
        "RECIRC_ID",
        "MPLS",
        "CT_STATE",
        "CT_ZONE",
        "CT_MARK",
        "CT_LABELS",
        "CT_ORIG_TUPLE_IPV4",
        "CT_ORIG_TUPLE_IPV6",
        "NSH",
        "PACKET_TYPE",
        "ND_EXTENSIONS",
        "TUNNEL_INFO",
        "IPV6_EXTHDRS",
    ];
    for (i, k) in keys.iter().enumerate() {
        assert_eq!(
            value_of(f, "key-attrs", &format!("OVS_KEY_ATTR_{k}")),
            i as u16 + 1,
            "OVS_KEY_ATTR_{k}"
        );
    }
    // enum ovs_flow_attr.
    let flow = [
        "KEY",
        "ACTIONS",
        "STATS",
        "TCP_FLAGS",
        "USED",
        "CLEAR",
        "MASK",
        "PROBE",
        "UFID",
        "UFID_FLAGS",
        "PAD",
    ];
    for (i, k) in flow.iter().enumerate() {
        assert_eq!(
            value_of(f, "flow-attrs", &format!("OVS_FLOW_ATTR_{k}")),
            i as u16 + 1,
            "OVS_FLOW_ATTR_{k}"
        );
    }
    // The tunnel key starts at 0 (OVS_TUNNEL_KEY_ATTR_ID).
    assert_eq!(value_of(f, "tunnel-key-attrs", "OVS_TUNNEL_KEY_ATTR_ID"), 0);
    // Struct sizes as this spec declares them, and as C lays the members out.
    assert_eq!(struct_size(f, "ovs-key-ipv4"), (12, 12));
    assert_eq!(struct_size(f, "ovs-key-arp"), (22, 24));
    assert_eq!(struct_size(f, "ovs-key-ct-tuple-ipv4"), (13, 16));
    let arp = f.struct_def(f.def_by_name("ovs-key-arp").unwrap()).unwrap();
    let offsets: Vec<u32> = arp.members.iter().map(|m| m.offset).collect();
    assert_eq!(offsets, vec![0, 4, 8, 10, 16]);
    // The flow family's ops are numbered OVS_FLOW_CMD_NEW = 1 ...
    let get = f.op(f.op_by_name("get").unwrap());
    assert_eq!(get.request_value, Some(3));
    assert!(f.operations.fixed_header.is_some());
    // Keys nest keys (encap): the set is recursive.
    assert!(f.set(f.set_by_name("key-attrs").unwrap()).recursive);
}

#[test]
fn attributes_count_from_one_and_explicit_values_reset() {
    let spec = load(
        r#"
name: demo
doc: d
attribute-sets:
  - name: main
    attributes:
      - { name: unspec, type: unused, value: 0 }
      - { name: a, type: u32 }
      - { name: gap, type: unused }
      - { name: b, type: string, value: 10 }
      - { name: c, type: nest, nested-attributes: main }
operations:
  list:
    - { name: get, doc: g, attribute-set: main, do: { request: { attributes: [ a, b, c ] } } }
"#,
    );
    let f = spec.family();
    let vals: Vec<u16> = f
        .set(f.set_by_name("main").unwrap())
        .attrs
        .iter()
        .map(|a| a.value)
        .collect();
    assert_eq!(vals, vec![0, 1, 2, 10, 11]);
    assert_eq!(attr_values(f, "main")[1].0, "DEMO_A_MAIN_A");
    let main = f.set(f.set_by_name("main").unwrap());
    assert!(main.recursive);
    assert!(main.usage.request && !main.usage.reply);
}

#[test]
fn subsets_inherit_numbers_and_properties() {
    let spec = load(
        r#"
name: demo
doc: d
attribute-sets:
  - name: full
    name-prefix: demo-a-
    attributes:
      - { name: a, type: u32, checks: { max: 7 } }
      - { name: b, type: string, value: 5 }
      - { name: inner, type: nest, nested-attributes: full }
  - name: part
    subset-of: full
    attributes:
      - { name: b }
      - { name: inner, nested-attributes: part }
operations:
  list:
    - { name: get, doc: g, attribute-set: full, do: { request: { attributes: [ a ] } } }
    - { name: list, doc: l, attribute-set: part, dump: { reply: { attributes: [ b, inner ] } } }
"#,
    );
    let f = spec.family();
    let full = f.set_by_name("full").unwrap();
    let part = f.set(f.set_by_name("part").unwrap());
    assert_eq!(part.subset_of, Some(full));
    let b = part.attr("b").unwrap().1;
    assert_eq!(
        (b.value, b.ty, b.c_name.as_str()),
        (5, AttrType::String, "DEMO_A_B")
    );
    let inner = part.attr("inner").unwrap().1;
    assert_eq!(inner.value, 6);
    assert_eq!(inner.nested, f.set_by_name("part"));
    assert_eq!(
        f.set(full)
            .attr("a")
            .unwrap()
            .1
            .checks
            .max
            .as_ref()
            .map(|m| m.value),
        Some(7)
    );
    // Only replies use `part`.
    assert!(part.usage.reply && !part.usage.request);
}

#[test]
fn enums_and_flags_number_from_value_start() {
    let spec = load(
        r#"
name: demo
doc: d
definitions:
  - { name: first, type: const, value: 10 }
  - name: colour
    type: enum
    value-start: first
    entries: [ red, green, { name: blue, value: 20 }, cyan ]
  - name: bits
    type: flags
    value-start: 2
    entries: [ x, y, { name: z, value: 5 } ]
attribute-sets:
  - name: main
    attributes:
      - { name: c, type: u32, enum: colour }
      - { name: f, type: u32, enum: bits, enum-as-flags: true, checks: { flags-mask: bits } }
operations:
  list:
    - { name: get, doc: g, attribute-set: main, do: { request: { attributes: [ c, f ] } } }
"#,
    );
    let f = spec.family();
    let e = f.enum_def(f.def_by_name("colour").unwrap()).unwrap();
    assert_eq!(
        e.entries.iter().map(|x| x.value).collect::<Vec<_>>(),
        vec![10, 11, 20, 21]
    );
    assert_eq!(e.entries[0].c_name, "DEMO_COLOUR_RED");
    assert_eq!(e.entries[0].rust_name, "Red");
    let b = f.enum_def(f.def_by_name("bits").unwrap()).unwrap();
    assert_eq!(
        b.entries.iter().map(|x| x.value).collect::<Vec<_>>(),
        vec![4, 8, 32]
    );
    assert_eq!(
        b.entries.iter().map(|x| x.bit).collect::<Vec<_>>(),
        vec![Some(2), Some(3), Some(5)]
    );
    let main = f.set(f.set_by_name("main").unwrap());
    assert_eq!(
        main.attr("f").unwrap().1.checks.flags_mask,
        f.def_by_name("bits")
    );
}

#[test]
fn directional_ops_count_requests_and_replies_apart() {
    let spec = load(
        r#"
name: demo
protocol: genetlink-legacy
doc: d
attribute-sets:
  - name: main
    attributes:
      - { name: a, type: u32 }
operations:
  enum-model: directional
  list:
    - name: one
      doc: request and reply
      attribute-set: main
      do: { request: { attributes: [ a ] }, reply: { attributes: [ a ] } }
    - name: two
      doc: request only
      attribute-set: main
      do: { request: { attributes: [ a ] } }
    - name: three
      doc: explicit numbers
      attribute-set: main
      do: { request: { value: 10, attributes: [ a ] }, reply: { value: 20, attributes: [ a ] } }
    - name: ntf
      doc: a notification takes a reply number
      notify: one
    - name: four
      doc: counting on
      attribute-set: main
      dump: { request: { attributes: [ a ] }, reply: { attributes: [ a ] } }
"#,
    );
    let f = spec.family();
    let v: Vec<(Option<u32>, Option<u32>)> = f
        .operations
        .list
        .iter()
        .map(|o| (o.request_value, o.reply_value))
        .collect();
    assert_eq!(
        v,
        vec![
            (Some(1), Some(1)),
            (Some(2), None),
            (Some(10), Some(20)),
            (None, Some(21)),
            (Some(11), Some(22))
        ]
    );
}

#[test]
fn unified_ops_share_one_counter() {
    let spec = load(
        r#"
name: demo
doc: d
attribute-sets:
  - name: main
    attributes:
      - { name: a, type: u32 }
operations:
  name-prefix: demo-c-
  list:
    - { name: get, doc: g, attribute-set: main, do: { reply: { attributes: [ a ] } } }
    - { name: ntf, doc: n, notify: get, mcgrp: events }
    - { name: late, doc: l, value: 9, attribute-set: main, event: { attributes: [ a ] }, mcgrp: events }
    - { name: after, doc: a, attribute-set: main, dump: { reply: { attributes: [ a ] } } }
mcast-groups:
  list:
    - name: events
"#,
    );
    let f = spec.family();
    let v: Vec<Option<u32>> = f.operations.list.iter().map(|o| o.request_value).collect();
    assert_eq!(v, vec![Some(1), Some(2), Some(9), Some(10)]);
    assert_eq!(f.operations.list[0].c_name, "DEMO_C_GET");
    assert_eq!(f.mcast_groups[0].c_name, "DEMO_MCGRP_EVENTS");
    let main = f.set(f.set_by_name("main").unwrap());
    assert!(main.usage.notify && main.usage.reply && !main.usage.request);
}

#[test]
fn struct_layout_is_packed_as_declared() {
    let spec = load(
        r#"
name: demo
protocol: genetlink-legacy
doc: d
definitions:
  - { name: six, type: const, value: 6 }
  - name: inner
    type: struct
    members:
      - { name: x, type: u16 }
      - { name: mac, type: binary, len: six }
  - name: outer
    type: struct
    members:
      - { name: a, type: u8 }
      - { name: pad, type: binary, len: 3 }
      - { name: b, type: u32, byte-order: big-endian }
      - { name: in, type: binary, struct: inner }
      - { name: c, type: u64 }
attribute-sets:
  - name: main
    attributes:
      - { name: s, type: binary, struct: outer }
operations:
  fixed-header: inner
  list:
    - { name: get, doc: g, attribute-set: main, do: { request: { attributes: [ s ] } } }
"#,
    );
    let f = spec.family();
    let inner = f.struct_def(f.def_by_name("inner").unwrap()).unwrap();
    assert_eq!((inner.size, inner.c_size, inner.c_align), (8, 8, 2));
    let outer = f.struct_def(f.def_by_name("outer").unwrap()).unwrap();
    let offsets: Vec<u32> = outer.members.iter().map(|m| m.offset).collect();
    assert_eq!(offsets, vec![0, 1, 4, 8, 16]);
    assert_eq!((outer.size, outer.c_size, outer.c_align), (24, 24, 8));
    assert_eq!(
        f.op(f.op_by_name("get").unwrap()).fixed_header,
        f.def_by_name("inner")
    );
}

#[test]
fn checks_resolve_names_and_limits() {
    let spec = load(
        r#"
name: demo
protocol: genetlink-legacy
doc: d
definitions:
  - { name: max-name, type: const, value: 16 }
  - { name: page-size, type: const, value: 0, header: asm/page.h }
attribute-sets:
  - name: main
    attributes:
      - { name: n, type: string, checks: { max-len: max-name - 1 } }
      - { name: u, type: u32, checks: { min: page-size, max: u32-max } }
      - { name: s, type: s16, checks: { min: s16-min, max: 5 } }
operations:
  list:
    - { name: get, doc: g, attribute-set: main, do: { request: { attributes: [ n, u, s ] } } }
"#,
    );
    let f = spec.family();
    let main = f.set(f.set_by_name("main").unwrap());
    assert_eq!(
        main.attr("n")
            .unwrap()
            .1
            .checks
            .max_len
            .as_ref()
            .unwrap()
            .value,
        15
    );
    let u = &main.attr("u").unwrap().1.checks;
    assert!(u.min.as_ref().unwrap().from_header);
    assert_eq!(u.max.as_ref().unwrap().value, u32::MAX.into());
    assert_eq!(
        main.attr("s").unwrap().1.checks.min.as_ref().unwrap().value,
        -32768
    );
}

#[test]
fn legacy_and_c_levels_take_free_form_names() {
    // Only the genetlink and netlink-raw schemas constrain names to `[0-9a-z-]+`.
    for protocol in ["genetlink-legacy", "genetlink-c"] {
        let text = format!(
            "name: demo\nprotocol: {protocol}\ndoc: d\nattribute-sets:\n  - name: Main\n    attributes:\n      - {{ name: Id_x, type: u32 }}\noperations:\n  list:\n    - {{ name: Get, doc: g, attribute-set: Main, do: {{ request: {{ attributes: [ Id_x ] }} }} }}\n"
        );
        let spec = load(&text);
        let f = spec.family();
        let main = f.set(f.set_by_name("Main").unwrap());
        assert_eq!(main.attrs[0].c_name, "DEMO_A_MAIN_ID_X");
        assert_eq!(main.rust_name, "Main");
        assert_eq!(f.op(f.op_by_name("Get").unwrap()).rust_name, "get");
    }
}
