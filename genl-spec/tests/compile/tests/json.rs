//! The serde option: generated types as JSON in the conventions of the
//! kernel's YNL CLI (`cli.py --output-json`), checked to the character for
//! an nlctrl family reply, an OVS flow key, enums, flags, binaries and their
//! display hints; what the CLI writes (and more) reads back; and, as a
//! property test over the types of tests/roundtrip.rs and a few families
//! with display hints, every value reads back from its JSON as itself.
#![cfg(feature = "serde")]

mod common;

use genl_compile_tests::project::nlctrl;
use genl_runtime::serde;
use genl_runtime::{TypeValue, UnknownAttr};

fn json<T: serde::Serialize>(value: &T) -> String {
    serde_json::to_string_pretty(value).expect("serializes")
}

#[track_caller]
fn read<T: serde::de::DeserializeOwned>(text: &str) -> T {
    serde_json::from_str(text).unwrap_or_else(|e| panic!("{e}: {text}"))
}

#[test]
fn nlctrl_family_reply() {
    let reply = nlctrl::GetfamilyDoReply {
        family_id: Some(0x1a),
        family_name: Some("ovs_flow".into()),
        version: Some(1),
        hdrsize: Some(4),
        maxattr: Some(22),
        ops: vec![
            nlctrl::OpAttrs {
                id: Some(1),
                flags: Some(
                    nlctrl::OpFlags::ADMIN_PERM
                        | nlctrl::OpFlags::CMD_CAP_DO
                        | nlctrl::OpFlags::CMD_CAP_HASPOL,
                ),
                ..Default::default()
            },
            nlctrl::OpAttrs {
                id: Some(3),
                flags: Some(
                    nlctrl::OpFlags::CMD_CAP_DO
                        | nlctrl::OpFlags::CMD_CAP_DUMP
                        | nlctrl::OpFlags::from_bits_retain(0x40),
                ),
                ..Default::default()
            },
        ],
        mcast_groups: vec![nlctrl::McastGroupAttrs {
            name: Some("ovs_flow".into()),
            id: Some(7),
            ..Default::default()
        }],
        ..Default::default()
    };
    let expected = r#"{
  "family-id": 26,
  "family-name": "ovs_flow",
  "version": 1,
  "hdrsize": 4,
  "maxattr": 22,
  "ops": [
    {
      "id": 1,
      "flags": [
        "admin-perm",
        "cmd-cap-do",
        "cmd-cap-haspol"
      ]
    },
    {
      "id": 3,
      "flags": [
        "cmd-cap-do",
        "cmd-cap-dump",
        64
      ]
    }
  ],
  "mcast-groups": [
    {
      "name": "ovs_flow",
      "id": 7
    }
  ]
}"#;
    assert_eq!(json(&reply), expected);
    assert_eq!(read::<nlctrl::GetfamilyDoReply>(expected), reply);
    // Flags as one number, or one name; an empty object is an empty reply.
    let op: nlctrl::OpAttrs = read(r#"{"id": 1, "flags": 5}"#);
    assert_eq!(
        op.flags,
        Some(nlctrl::OpFlags::ADMIN_PERM | nlctrl::OpFlags::CMD_CAP_DUMP)
    );
    let op: nlctrl::OpAttrs = read(r#"{"flags": "uns-admin-perm"}"#);
    assert_eq!(op.flags, Some(nlctrl::OpFlags::UNS_ADMIN_PERM));
    assert_eq!(
        read::<nlctrl::GetfamilyDoReply>("{}"),
        nlctrl::GetfamilyDoReply::default()
    );
}

#[test]
fn enums_by_name_and_unlisted_values_by_number() {
    let listed = nlctrl::PolicyAttrs {
        r#type: Some(nlctrl::AttrType::NulString),
        min_value_u: Some(u64::MAX),
        min_value_s: Some(i64::MIN),
        ..Default::default()
    };
    let expected = r#"{"type":"nul-string","min-value-s":-9223372036854775808,"min-value-u":18446744073709551615}"#;
    assert_eq!(serde_json::to_string(&listed).unwrap(), expected);
    assert_eq!(read::<nlctrl::PolicyAttrs>(expected), listed);
    let unlisted = nlctrl::PolicyAttrs {
        r#type: Some(nlctrl::AttrType::Unknown(99)),
        ..Default::default()
    };
    assert_eq!(serde_json::to_string(&unlisted).unwrap(), r#"{"type":99}"#);
    assert_eq!(read::<nlctrl::PolicyAttrs>(r#"{"type":99}"#), unlisted);
    // A listed value as its number reads as the listed variant.
    assert_eq!(
        read::<nlctrl::PolicyAttrs>(r#"{"type":12}"#).r#type,
        Some(nlctrl::AttrType::NulString)
    );
    let e = serde_json::from_str::<nlctrl::PolicyAttrs>(r#"{"type":"nul_string"}"#).unwrap_err();
    assert!(
        e.to_string()
            .contains("expected a name or value of `AttrType`"),
        "{e}"
    );
}

#[test]
fn nest_type_values_as_ynl_writes_them_and_unknown_attributes() {
    let reply = nlctrl::GetpolicyDumpReply {
        family_id: Some(0x1a),
        policy: Some(TypeValue(vec![(
            0,
            TypeValue(vec![(
                1,
                nlctrl::PolicyAttrs {
                    r#type: Some(nlctrl::AttrType::U32),
                    ..Default::default()
                },
            )]),
        )])),
        op_policy: Some(TypeValue(vec![(
            3,
            nlctrl::OpPolicyAttrs {
                r#do: Some(0),
                dump: Some(1),
                ..Default::default()
            },
        )])),
        unknown: vec![UnknownAttr {
            ty: 200,
            nested: false,
            payload: vec![1, 2, 3, 4],
        }],
    };
    let expected = r#"{
  "family-id": 26,
  "op-policy": [
    {
      "op-id": 3,
      "do": 0,
      "dump": 1
    }
  ],
  "policy": [
    {
      "policy-id": 0,
      "attr-id": 1,
      "type": "u32"
    }
  ],
  "UnknownAttrs": [
    {
      "type": 200,
      "payload": "01020304"
    }
  ]
}"#;
    assert_eq!(json(&reply), expected);
    assert_eq!(read::<nlctrl::GetpolicyDumpReply>(expected), reply);
    // ynl.py's form: one object per attribute.
    let ynl = r#"{"family-id": 26, "op-policy": {"op-id": 3, "do": 0, "dump": 1},
                  "policy": {"policy-id": 0, "attr-id": 1, "type": "u32"},
                  "UnknownAttrs": [{"type": 200, "payload": "01 02 03 04"}]}"#;
    assert_eq!(read::<nlctrl::GetpolicyDumpReply>(ynl), reply);
}

#[test]
fn sub_messages_as_their_selector_and_payload() {
    use genl_compile_tests::extra::links;
    let link = links::LinkAttrs {
        kind: Some("vlan".into()),
        data: Some(links::DataMsg::Vlan(
            links::VlanHdr { id: 5, flags: 1 },
            links::VlanAttrs {
                protocol: Some(genl_runtime::wire::Be(0x8100)),
                ..Default::default()
            },
        )),
        family: Some(links::AddrFamily::Inet),
        address: Some(links::AddrMsg::Inet(links::InAddr {
            addr: genl_runtime::wire::Be(0x7f00_0001),
        })),
        ..Default::default()
    };
    let payload = if cfg!(target_endian = "little") {
        "0500010006000100810000007f000001"
    } else {
        "0005000100060001810000007f000001"
    };
    let expected = format!(
        r#"{{"kind":"vlan","data":{{"selector":"vlan","payload":"{}"}},"family":"inet","address":{{"selector":2,"payload":"{}"}}}}"#,
        &payload[..24],
        &payload[24..]
    );
    assert_eq!(serde_json::to_string(&link).unwrap(), expected);
    assert_eq!(read::<links::LinkAttrs>(&expected), link);
    let unlisted = links::LinkAttrs {
        data: Some(links::DataMsg::Unknown(vec![1, 2])),
        ..Default::default()
    };
    let expected = r#"{"data":{"payload":"0102"}}"#;
    assert_eq!(serde_json::to_string(&unlisted).unwrap(), expected);
    assert_eq!(read::<links::LinkAttrs>(expected), unlisted);
}

#[cfg(genl_corpus)]
mod corpus {
    use super::{json, read};
    use genl_compile_tests::corpus::{ovs_datapath, ovs_flow, ovs_packet, tcp_metrics, wireguard};
    use genl_runtime::wire::Be;

    fn flow_key() -> ovs_flow::KeyAttrs {
        ovs_flow::KeyAttrs {
            in_port: Some(2),
            ethernet: Some(ovs_flow::OvsKeyEthernet {
                eth_src: [0x52, 0x54, 0x00, 0x12, 0x34, 0x56],
                eth_dst: [0xff; 6],
            }),
            ethertype: Some(Be(0x0800)),
            ipv4: Some(ovs_flow::OvsKeyIpv4 {
                ipv4_src: Be(0xc0a8_0001),
                ipv4_dst: Be(0x0a00_00fe),
                ipv4_proto: 6,
                ipv4_tos: 0,
                ipv4_ttl: 64,
                ipv4_frag: 1,
            }),
            tcp: Some(ovs_flow::OvsKeyTcp {
                tcp_src: Be(49152),
                tcp_dst: Be(80),
            }),
            ct_state: Some(ovs_flow::CtStateFlags::NEW | ovs_flow::CtStateFlags::TRACKED),
            ..Default::default()
        }
    }

    #[test]
    fn ovs_flow_key() {
        let key = flow_key();
        let expected = r#"{
  "in-port": 2,
  "ethernet": {
    "eth-src": "52:54:00:12:34:56",
    "eth-dst": "ff:ff:ff:ff:ff:ff"
  },
  "ethertype": 2048,
  "ipv4": {
    "ipv4-src": "192.168.0.1",
    "ipv4-dst": "10.0.0.254",
    "ipv4-proto": 6,
    "ipv4-tos": 0,
    "ipv4-ttl": 64,
    "ipv4-frag": "first"
  },
  "tcp": {
    "tcp-src": 49152,
    "tcp-dst": 80
  },
  "ct-state": [
    "new",
    "tracked"
  ]
}"#;
        assert_eq!(json(&key), expected);
        assert_eq!(read::<ovs_flow::KeyAttrs>(expected), key);
        // As the CLI also takes it: a MAC without colons, an address as a
        // number, an enum value as its number, flags as one; a C struct
        // with members missing (zeros).
        let loose = r#"{"in-port": 2, "ethertype": 2048,
            "ethernet": {"eth-src": "525400123456", "eth-dst": "ff:ff:ff:ff:ff:ff"},
            "ipv4": {"ipv4-src": 3232235521, "ipv4-dst": "10.0.0.254", "ipv4-proto": 6,
                     "ipv4-ttl": 64, "ipv4-frag": 1},
            "tcp": {"tcp-src": 49152, "tcp-dst": 80}, "ct-state": 33}"#;
        assert_eq!(read::<ovs_flow::KeyAttrs>(loose), key);
    }

    #[test]
    fn ordered_actions_as_one_object_per_attribute() {
        // `ovs_flow` with its actions an ordered list (build.rs).
        use genl_compile_tests::ordered::ovs_flow;
        use ovs_flow::Action;
        let actions = vec![
            Action::Output(1),
            Action::PopVlan,
            Action::PushVlan(ovs_flow::OvsActionPushVlan {
                vlan_tpid: Be(0x8100),
                vlan_tci: Be(0x1005),
            }),
            Action::Output(2),
        ];
        let expected = r#"[{"output":1},"pop-vlan",{"push-vlan":{"vlan-tpid":33024,"vlan-tci":4101}},{"output":2}]"#;
        assert_eq!(serde_json::to_string(&actions).unwrap(), expected);
        assert_eq!(read::<Vec<Action>>(expected), actions);
    }

    #[test]
    fn nested_keys_and_the_uuid_and_hex_hints() {
        let flow = ovs_flow::FlowAttrs {
            key: Some(Box::new(ovs_flow::KeyAttrs {
                encap: Some(Box::new(ovs_flow::KeyAttrs {
                    priority: Some(7),
                    ..Default::default()
                })),
                vlan: Some(Be(0x1064)),
                ..Default::default()
            })),
            ufid: Some((0..16).map(|i| i * 0x11).collect()),
            ufid_flags: Some(
                ovs_flow::OvsUfidFlags::OMIT_KEY | ovs_flow::OvsUfidFlags::OMIT_ACTIONS,
            ),
            ..Default::default()
        };
        let expected = r#"{"key":{"encap":{"priority":7},"vlan":4196},"ufid":"00112233-4455-6677-8899-aabbccddeeff","ufid-flags":["omit-key","omit-actions"]}"#;
        assert_eq!(serde_json::to_string(&flow).unwrap(), expected);
        assert_eq!(read::<ovs_flow::FlowAttrs>(expected), flow);
    }

    #[test]
    fn binaries_as_hex_or_by_their_display_hint() {
        // Plain binary: hex without separators; a binary array of `u32`s:
        // numbers.
        let packet = ovs_packet::Packet {
            packet: Some(vec![0xff, 0xff, 0x00, 0x0a, 0x1b]),
            userdata: Some(Vec::new()),
            ..Default::default()
        };
        let expected = r#"{"packet":"ffff000a1b","userdata":""}"#;
        assert_eq!(serde_json::to_string(&packet).unwrap(), expected);
        assert_eq!(read::<ovs_packet::Packet>(expected), packet);
        let dp = ovs_datapath::Datapath {
            name: Some("ovs-system".into()),
            per_cpu_pids: Some(vec![1, 0xffff_ffff]),
            user_features: Some(ovs_datapath::UserFeatures::UNALIGNED),
            ..Default::default()
        };
        let expected =
            r#"{"name":"ovs-system","user-features":["unaligned"],"per-cpu-pids":[1,4294967295]}"#;
        assert_eq!(serde_json::to_string(&dp).unwrap(), expected);
        assert_eq!(read::<ovs_datapath::Datapath>(expected), dp);

        // `display-hint: hex` on a binary: spaced hex, as ynl.py writes it.
        let device = wireguard::Wgdevice {
            ifname: Some("wg0".into()),
            public_key: Some(vec![0xde, 0xad, 0xbe, 0xef]),
            ..Default::default()
        };
        let expected = r#"{"ifname":"wg0","public-key":"de ad be ef"}"#;
        assert_eq!(serde_json::to_string(&device).unwrap(), expected);
        assert_eq!(read::<wireguard::Wgdevice>(expected), device);
        let unspaced: wireguard::Wgdevice = read(r#"{"ifname":"wg0","public-key":"deadbeef"}"#);
        assert_eq!(unspaced, device);

        // IPv4 in a big-endian u32, IPv6 in a binary.
        let mut v6 = vec![0u8; 16];
        v6[..2].copy_from_slice(&[0xfe, 0x80]);
        v6[15] = 1;
        let metrics = tcp_metrics::TcpMetrics {
            addr_ipv4: Some(Be(0x7f00_0001)),
            addr_ipv6: Some(v6),
            ..Default::default()
        };
        let expected = r#"{"addr-ipv4":"127.0.0.1","addr-ipv6":"fe80::1"}"#;
        assert_eq!(serde_json::to_string(&metrics).unwrap(), expected);
        assert_eq!(read::<tcp_metrics::TcpMetrics>(expected), metrics);
    }
}

/// Round trips through JSON of arbitrary values, as tests/roundtrip.rs does
/// through the wire (the same inputs, seed and stack).
#[cfg(feature = "arbitrary")]
mod round_trips {
    use arbitrary::{Arbitrary, Unstructured};
    use genl_runtime::serde::Serialize;
    use genl_runtime::serde::de::DeserializeOwned;
    use proptest::prelude::*;
    use proptest::test_runner::TestCaseError;
    use std::fmt::Debug;

    /// Most input bytes for one value.
    const MAX_INPUT: usize = 2048;

    fn round_trip<T>(data: &[u8]) -> Result<(), TestCaseError>
    where
        T: Serialize + DeserializeOwned + for<'a> Arbitrary<'a> + PartialEq + Debug,
    {
        let Ok(value) = T::arbitrary(&mut Unstructured::new(data)) else {
            return Err(TestCaseError::reject("arbitrary made no value"));
        };
        let text = serde_json::to_string(&value)
            .map_err(|e| TestCaseError::fail(format!("{e} writing {value:?}")))?;
        let back: T = match serde_json::from_str(&text) {
            Ok(back) => back,
            // serde_json refuses to nest deeper than 128 levels.
            Err(e) if e.to_string().contains("recursion limit exceeded") => {
                return Err(TestCaseError::reject("nested deeper than serde_json reads"));
            }
            Err(e) => return Err(TestCaseError::fail(format!("{e} reading {text}"))),
        };
        prop_assert_eq!(&back, &value, "read back (left), made (right): {}", text);
        Ok(())
    }

    fn check<T>()
    where
        T: Serialize + DeserializeOwned + for<'a> Arbitrary<'a> + PartialEq + Debug,
    {
        crate::common::run_cases(std::any::type_name::<T>(), MAX_INPUT, |data| {
            round_trip::<T>(data)
        });
    }

    /// A module of tests named after a family, with one test per type; a
    /// type may be written `Name = Type` (`Action = Vec<family::Action>`, an
    /// ordered set's list).
    macro_rules! round_trips {
        ($family:ident = $($seg:ident)::+; $($name:ident $(= $ty:ty)?),+ $(,)?) => {
            mod $family {
                #[allow(unused_imports)]
                use $($seg)::+ as family;
                $(
                    #[test]
                    #[allow(non_snake_case)]
                    fn $name() {
                        round_trips!(@check $name $($ty)?);
                    }
                )+
            }
        };
        (@check $name:ident) => { super::check::<family::$name>() };
        (@check $name:ident $ty:ty) => { super::check::<$ty>() };
    }

    round_trips!(nlctrl = genl_compile_tests::project::nlctrl;
        CtrlAttrs, OpAttrs, McastGroupAttrs, PolicyAttrs, OpPolicyAttrs,
        GetfamilyDoRequest, GetfamilyDoReply, GetfamilyDumpRequest, GetfamilyDumpReply,
        GetpolicyDumpRequest, GetpolicyDumpReply, NewmcastGrpEvent, DelmcastGrpEvent,
        AttrType, OpFlags,
    );

    #[cfg(genl_corpus)]
    round_trips!(ovs_datapath = genl_compile_tests::corpus::ovs_datapath;
        Datapath, GetDoRequest, GetDoReply, GetDumpRequest, GetDumpReply, NewDoRequest,
        DelDoRequest, OvsHeader, OvsDpStats,
    );

    #[cfg(genl_corpus)]
    round_trips!(ovs_vport = genl_compile_tests::corpus::ovs_vport;
        VportOptions, UpcallStats, Vport, NewDoRequest, DelDoRequest, GetDoRequest, GetDoReply,
        GetDumpRequest, GetDumpReply,
    );

    #[cfg(genl_corpus)]
    round_trips!(ovs_flow = genl_compile_tests::corpus::ovs_flow;
        FlowAttrs, KeyAttrs, ActionAttrs, TunnelKeyAttrs, CheckPktLenAttrs, SampleAttrs,
        UserspaceAttrs, OvsNshKeyAttrs, CtAttrs, NatAttrs, DecTtlAttrs, VxlanExtAttrs,
        PsampleAttrs, GetDoRequest, GetDoReply, GetDumpRequest, GetDumpReply, NewDoRequest,
        OvsKeyEthernet, OvsKeyIpv4, OvsKeyIpv6, OvsKeyArp, OvsKeyNd, OvsFragType,
        CtStateFlags,
    );

    // `ovs_flow` with its actions an ordered list (build.rs).
    #[cfg(genl_corpus)]
    round_trips!(ovs_flow_ordered = genl_compile_tests::ordered::ovs_flow;
        Action = Vec<family::Action>, FlowAttrs, CheckPktLenAttrs, SampleAttrs, DecTtlAttrs,
    );

    #[cfg(genl_corpus)]
    round_trips!(ovs_packet = genl_compile_tests::corpus::ovs_packet;
        Packet, MissEvent, ActionEvent, ExecuteDoRequest,
    );

    // Display hints and C string members the families above lack.
    #[cfg(genl_corpus)]
    round_trips!(wireguard = genl_compile_tests::corpus::wireguard;
        Wgdevice, Wgpeer, Wgallowedip,
    );

    #[cfg(genl_corpus)]
    round_trips!(tcp_metrics = genl_compile_tests::corpus::tcp_metrics;
        TcpMetrics, Metrics,
    );

    #[cfg(genl_corpus)]
    round_trips!(rt_addr = genl_compile_tests::corpus::rt_addr;
        Ifaddrmsg, AddrAttrs,
    );

    #[cfg(genl_corpus)]
    round_trips!(nfsd = genl_compile_tests::corpus::nfsd;
        SvcExport, Expkey, Sock, ServerSock,
    );
}
