//! Requests whose encoding the kernel ABI fixes, byte for byte, built with
//! the generated types.

use genl_compile_tests::project::nlctrl;
use genl_runtime::GenlMessage;

fn attr(ty: u16, payload: &[u8]) -> Vec<u8> {
    let len = 4 + payload.len() as u16;
    let mut out = [&len.to_ne_bytes()[..], &ty.to_ne_bytes(), payload].concat();
    out.resize(out.len().next_multiple_of(4), 0);
    out
}

#[test]
fn nlctrl_getfamily_by_name() {
    let req = nlctrl::GetfamilyDoRequest {
        family_name: Some("ovs_flow".into()),
        ..Default::default()
    };
    // CTRL_ATTR_FAMILY_NAME (2), NUL-terminated, padded to 4 bytes.
    assert_eq!(req.to_bytes(), attr(2, b"ovs_flow\0"));
    assert_eq!(req.encoded_len(), 16);
    assert!(req.validate().is_ok());
    let back = nlctrl::GetfamilyDoRequest::decode(&req.to_bytes()).unwrap();
    assert_eq!(back, req);
}

#[test]
fn nlctrl_policy_rejects_a_long_family_name() {
    let req = nlctrl::GetfamilyDoRequest {
        family_name: Some("sixteen-bytes!!!".into()),
        ..Default::default()
    };
    let e = req.validate().unwrap_err();
    assert_eq!(e.to_string(), ".family-name: length 16 is above max-len 15");
}

#[test]
fn nlctrl_reply_decodes_ops_and_groups() {
    let op =
        |id: u32, flags: u32| [attr(1, &id.to_ne_bytes()), attr(2, &flags.to_ne_bytes())].concat();
    let nest = |ty: u16, body: Vec<u8>| attr(ty | 0x8000, &body);
    let reply = [
        attr(1, &0x20u16.to_ne_bytes()),
        attr(2, b"ovs_flow\0"),
        attr(3, &1u32.to_ne_bytes()),
        nest(6, [nest(1, op(1, 0x0b)), nest(2, op(3, 0x0d))].concat()),
        nest(
            7,
            nest(
                1,
                [attr(1, b"ovs_flow\0"), attr(2, &9u32.to_ne_bytes())].concat(),
            ),
        ),
        attr(99, b"new"),
    ]
    .concat();
    let r = nlctrl::GetfamilyDoReply::decode(&reply).unwrap();
    assert_eq!(r.family_id, Some(0x20));
    assert_eq!(r.ops.len(), 2);
    assert_eq!(r.ops[1].id, Some(3));
    let flags = r.ops[0].flags.unwrap();
    assert!(flags.contains(
        nlctrl::OpFlags::ADMIN_PERM | nlctrl::OpFlags::CMD_CAP_DO | nlctrl::OpFlags::CMD_CAP_HASPOL
    ));
    assert_eq!(r.mcast_groups[0].name.as_deref(), Some("ovs_flow"));
    assert_eq!(
        r.unknown.len(),
        1,
        "attributes the spec does not know are kept"
    );
    assert_eq!(r.unknown[0].ty, 99);

    // A broken op deep inside: the error names its path.
    let broken = nest(6, nest(1, attr(1, &[1, 2])));
    let e = nlctrl::GetfamilyDoReply::decode(&broken).unwrap_err();
    assert_eq!(e.path_string(), ".ops[0].id");
}

#[cfg(genl_corpus)]
mod corpus {
    use super::attr;
    use genl_compile_tests::corpus::{netdev, ovs_flow};
    use genl_runtime::GenlMessage;
    use genl_runtime::wire::Be;

    #[test]
    fn ovs_flow_key_with_eth_ipv4_tcp() {
        let key = ovs_flow::KeyAttrs {
            in_port: Some(1),
            ethertype: Some(Be(0x0800)),
            ipv4: Some(ovs_flow::OvsKeyIpv4 {
                ipv4_src: Be(0x0a00_0001),
                ipv4_dst: Be(0x0a00_0002),
                ipv4_proto: 6,
                ipv4_tos: 0,
                ipv4_ttl: 64,
                ipv4_frag: 0,
            }),
            tcp: Some(ovs_flow::OvsKeyTcp {
                tcp_src: Be(49152),
                tcp_dst: Be(80),
            }),
            ..Default::default()
        };
        let expected = [
            attr(3, &1u32.to_ne_bytes()), // OVS_KEY_ATTR_IN_PORT
            attr(6, &[0x08, 0x00]),       // OVS_KEY_ATTR_ETHERTYPE, big-endian
            attr(7, &[10, 0, 0, 1, 10, 0, 0, 2, 6, 0, 64, 0]), // OVS_KEY_ATTR_IPV4
            attr(9, &[0xc0, 0x00, 0x00, 0x50]), // OVS_KEY_ATTR_TCP: ports 49152, 80
        ]
        .concat();
        assert_eq!(key.to_bytes(), expected);
        assert_eq!(ovs_flow::KeyAttrs::decode(&expected).unwrap(), key);
    }

    /// OVS actions as an ordered list (`ovs_flow` generated with
    /// `Builder::ordered_set("action-attrs")` in build.rs): `ovs_flow::Action`,
    /// one variant per `OVS_ACTION_ATTR_*`.
    mod actions {
        use super::attr;
        use genl_compile_tests::ordered::ovs_flow::{self, Action, FlowAttrs};
        use genl_runtime::wire::Be;
        use genl_runtime::{GenlMessage, UnknownAttr};

        fn nest(ty: u16, body: &[u8]) -> Vec<u8> {
            attr(ty | 0x8000, body)
        }

        fn flow(actions: Vec<Action>) -> FlowAttrs {
            FlowAttrs {
                actions: Some(actions),
                ..Default::default()
            }
        }

        /// `output:1, push_vlan(tpid 0x8100, vid 10), output:2`, as
        /// include/uapi/linux/openvswitch.h lays it out:
        /// OVS_FLOW_ATTR_ACTIONS (2) nests OVS_ACTION_ATTR_OUTPUT (1, a u32
        /// port), OVS_ACTION_ATTR_PUSH_VLAN (4, struct ovs_action_push_vlan
        /// { __be16 vlan_tpid; __be16 vlan_tci; }), OUTPUT again.
        #[test]
        fn an_action_list_keeps_its_order_and_repeats() {
            let actions = vec![
                Action::Output(1),
                Action::PushVlan(ovs_flow::OvsActionPushVlan {
                    vlan_tpid: Be(0x8100),
                    vlan_tci: Be(0x1000 | 10), // VLAN_CFI_MASK | vid 10
                }),
                Action::Output(2),
            ];
            let f = flow(actions.clone());
            let expected = nest(
                2,
                &[
                    attr(1, &1u32.to_ne_bytes()),
                    attr(4, &[0x81, 0x00, 0x10, 0x0a]),
                    attr(1, &2u32.to_ne_bytes()),
                ]
                .concat(),
            );
            assert_eq!(f.to_bytes(), expected);
            assert_eq!(f.encoded_len(), expected.len());
            let back = FlowAttrs::decode(&expected).unwrap();
            assert_eq!(back.actions.as_deref(), Some(&actions[..]));
            // The list on its own is the nest's payload.
            assert_eq!(actions.to_bytes(), expected[4..]);
        }

        /// An empty `actions` nest clears a flow's actions
        /// (OVS_FLOW_CMD_SET); an absent one leaves them.
        #[test]
        fn an_empty_list_is_not_an_absent_one() {
            assert_eq!(flow(vec![]).to_bytes(), nest(2, &[]));
            assert_eq!(FlowAttrs::decode(&nest(2, &[])).unwrap(), flow(vec![]));
            assert_eq!(FlowAttrs::default().to_bytes(), Vec::<u8>::new());
            assert_eq!(FlowAttrs::decode(&[]).unwrap().actions, None);
        }

        #[test]
        fn sample_and_clone_nest_action_lists() {
            let actions = vec![
                Action::Sample(ovs_flow::SampleAttrs {
                    probability: Some(u32::MAX),
                    actions: Some(vec![Action::Output(3), Action::Output(3)]),
                    ..Default::default()
                }),
                Action::Clone(vec![Action::PopVlan, Action::Output(4)]),
                Action::Clone(vec![]),
            ];
            let f = flow(actions);
            let expected = nest(
                2,
                &[
                    nest(
                        6, // OVS_ACTION_ATTR_SAMPLE
                        &[
                            attr(1, &u32::MAX.to_ne_bytes()), // OVS_SAMPLE_ATTR_PROBABILITY
                            nest(
                                2, // OVS_SAMPLE_ATTR_ACTIONS
                                &[attr(1, &3u32.to_ne_bytes()), attr(1, &3u32.to_ne_bytes())]
                                    .concat(),
                            ),
                        ]
                        .concat(),
                    ),
                    nest(
                        20, // OVS_ACTION_ATTR_CLONE
                        &[attr(5, &[]), attr(1, &4u32.to_ne_bytes())].concat(),
                    ),
                    nest(20, &[]),
                ]
                .concat(),
            );
            assert_eq!(f.to_bytes(), expected);
            assert_eq!(FlowAttrs::decode(&expected).unwrap(), f);
        }

        #[test]
        fn unknown_actions_keep_their_place() {
            let bytes = nest(
                2,
                &[
                    attr(1, &1u32.to_ne_bytes()),
                    attr(99, &[1, 2, 3, 4]),
                    attr(1, &2u32.to_ne_bytes()),
                ]
                .concat(),
            );
            let f = FlowAttrs::decode(&bytes).unwrap();
            let unknown = Action::Unknown(UnknownAttr {
                ty: 99,
                nested: false,
                payload: vec![1, 2, 3, 4],
            });
            assert_eq!(
                f.actions,
                Some(vec![Action::Output(1), unknown, Action::Output(2)])
            );
            assert_eq!(f.to_bytes(), bytes);
        }

        #[test]
        fn errors_name_the_element() {
            // A 2-byte OUTPUT as the third action.
            let bytes = nest(
                2,
                &[attr(1, &1u32.to_ne_bytes()), attr(5, &[]), attr(1, &[2, 0])].concat(),
            );
            let e = FlowAttrs::decode(&bytes).unwrap_err();
            assert_eq!(e.path_string(), ".actions[2].output", "{e}");
            // Inside a sample's actions.
            let bytes = nest(2, &nest(6, &nest(2, &attr(1, &[3]))));
            let e = FlowAttrs::decode(&bytes).unwrap_err();
            assert_eq!(
                e.path_string(),
                ".actions[0].sample.actions[0].output",
                "{e}"
            );
            // Policy checks run per element: a conntrack helper with a NUL.
            let f = flow(vec![
                Action::Output(1),
                Action::Clone(vec![
                    Action::PopVlan,
                    Action::Ct(ovs_flow::CtAttrs {
                        helper: Some("f\0p".into()),
                        ..Default::default()
                    }),
                ]),
            ]);
            let e = f.validate().unwrap_err();
            assert_eq!(
                e.to_string(),
                ".actions[1].clone[1].ct.helper: string has a NUL byte at 1"
            );
        }
    }

    #[test]
    fn uint_needs_eight_bytes_when_it_does_not_fit_four() {
        let q = netdev::Qstats {
            rx_packets: Some(1 << 33),
            tx_packets: Some(5),
            ..Default::default()
        };
        // NETDEV_A_QSTATS_RX_PACKETS (8) in 8 bytes, TX_PACKETS (10) in 4.
        let expected = [
            attr(8, &(1u64 << 33).to_ne_bytes()),
            attr(10, &5u32.to_ne_bytes()),
        ]
        .concat();
        assert_eq!(q.to_bytes(), expected);
        assert_eq!(netdev::Qstats::decode(&expected).unwrap(), q);
    }
}

#[test]
fn operations_describe_themselves() {
    use genl_runtime::{NoAttrs, Request, RequestKind};
    // The kernel answers CTRL_CMD_GETFAMILY (3) with CTRL_CMD_NEWFAMILY (1).
    assert_eq!(<nlctrl::GetfamilyDoRequest as Request>::CMD, 3);
    assert_eq!(<nlctrl::GetfamilyDoRequest as Request>::REPLY_CMD, Some(1));
    assert_eq!(
        <nlctrl::GetfamilyDumpRequest as Request>::KIND,
        RequestKind::Dump
    );
    assert_eq!(<nlctrl::GetpolicyDumpRequest as Request>::CMD, 10);
    assert_eq!(<nlctrl::GetfamilyDoRequest as Request>::FAMILY, "nlctrl");
    assert_eq!(<nlctrl::GetfamilyDoRequest as Request>::VERSION, 2);
    // A dump without request attributes still has a (empty) request type.
    assert_eq!(
        nlctrl::GetfamilyDumpRequest::default().to_bytes(),
        Vec::<u8>::new()
    );
    // The dump's reply has the do reply's fields: its name is an alias.
    fn reply_of<R: Request>() -> std::any::TypeId
    where
        R::Reply: 'static,
    {
        std::any::TypeId::of::<R::Reply>()
    }
    assert_eq!(
        reply_of::<nlctrl::GetfamilyDumpRequest>(),
        std::any::TypeId::of::<nlctrl::GetfamilyDumpReply>()
    );
    assert_eq!(
        reply_of::<nlctrl::GetfamilyDumpRequest>(),
        std::any::TypeId::of::<nlctrl::GetfamilyDoReply>()
    );
    assert_eq!(NoAttrs.encoded_len(), 0);
}

#[test]
fn enums_and_flags_bound_their_attributes_as_kernel_policies_do() {
    let ok = nlctrl::PolicyAttrs {
        r#type: Some(nlctrl::AttrType::Uint),
        ..Default::default()
    };
    assert!(ok.validate().is_ok());
    let unknown = nlctrl::PolicyAttrs {
        r#type: Some(nlctrl::AttrType::Unknown(18)),
        ..Default::default()
    };
    assert_eq!(
        unknown.validate().unwrap_err().to_string(),
        ".type: 18 is above max 17"
    );
    let flags = nlctrl::OpAttrs {
        flags: Some(nlctrl::OpFlags::ADMIN_PERM | nlctrl::OpFlags::from_bits_retain(0x20)),
        ..Default::default()
    };
    assert_eq!(
        flags.validate().unwrap_err().to_string(),
        ".flags: 0x21 has bits outside flags-mask 0x1f (0x20)"
    );
}

/// Sub-messages of the test spec `links.yaml`: the payload of `data` is in
/// the format its sibling `kind` names (a string selector), that of
/// `address` in the one `family` names (an integer selector with an enum).
mod sub_messages {
    use super::attr;
    use genl_compile_tests::extra::links::{self, AddrFamily, AddrMsg, DataMsg, LinkAttrs};
    use genl_runtime::GenlMessage;
    use genl_runtime::wire::Be;
    use proptest::prelude::*;

    fn nest(ty: u16, body: &[u8]) -> Vec<u8> {
        attr(ty | 0x8000, body)
    }

    fn link(kind: &str, data: DataMsg) -> LinkAttrs {
        LinkAttrs {
            kind: Some(kind.into()),
            data: Some(data),
            ..Default::default()
        }
    }

    fn bridge(port: u16) -> DataMsg {
        DataMsg::Bridge(links::BridgeAttrs {
            port: Some(port),
            ..Default::default()
        })
    }

    #[test]
    fn each_format_has_its_bytes() {
        // An attribute set: a nest.
        let l = link("bridge", bridge(7));
        let expected = [attr(1, b"bridge\0"), nest(2, &attr(1, &7u16.to_ne_bytes()))].concat();
        assert_eq!(l.to_bytes(), expected);
        assert_eq!(l.encoded_len(), expected.len());
        assert_eq!(LinkAttrs::decode(&expected).unwrap(), l);

        // A fixed header, then attributes: a nest that starts with the header.
        let vlan = DataMsg::Vlan(
            links::VlanHdr { id: 100, flags: 1 },
            links::VlanAttrs {
                protocol: Some(Be(0x8100)),
                ..Default::default()
            },
        );
        let l = link("vlan", vlan);
        let body = [
            &100u16.to_ne_bytes()[..],
            &1u16.to_ne_bytes(),
            &attr(1, &[0x81, 0x00]),
        ]
        .concat();
        let expected = [attr(1, b"vlan\0"), nest(2, &body)].concat();
        assert_eq!(l.to_bytes(), expected);
        assert_eq!(l.encoded_len(), expected.len());
        assert_eq!(LinkAttrs::decode(&expected).unwrap(), l);

        // A fixed header alone: the payload is the struct.
        let hdr = links::TunnelHdr {
            local: Be(0x0a00_0001),
            remote: Be(0x0a00_0002),
        };
        let l = link("ipip", DataMsg::Ipip(hdr));
        let expected = [attr(1, b"ipip\0"), attr(2, &[10, 0, 0, 1, 10, 0, 0, 2])].concat();
        assert_eq!(l.to_bytes(), expected);
        assert_eq!(LinkAttrs::decode(&expected).unwrap(), l);

        // Neither: an empty attribute.
        let l = link("dummy", DataMsg::Dummy);
        let expected = [attr(1, b"dummy\0"), attr(2, &[])].concat();
        assert_eq!(l.to_bytes(), expected);
        assert_eq!(LinkAttrs::decode(&expected).unwrap(), l);

        // An integer selector with an enum: its value picks the format.
        let l = LinkAttrs {
            family: Some(AddrFamily::Inet),
            address: Some(AddrMsg::Inet(links::InAddr {
                addr: Be(0x7f00_0001),
            })),
            ..Default::default()
        };
        let expected = [attr(3, &[2]), attr(4, &[127, 0, 0, 1])].concat();
        assert_eq!(l.to_bytes(), expected);
        assert_eq!(LinkAttrs::decode(&expected).unwrap(), l);
    }

    #[test]
    fn the_selector_is_read_first_wherever_it_is() {
        let bytes = [nest(2, &attr(1, &9u16.to_ne_bytes())), attr(1, b"bridge\0")].concat();
        assert_eq!(
            LinkAttrs::decode(&bytes).unwrap(),
            link("bridge", bridge(9))
        );
    }

    #[test]
    fn other_formats_keep_their_payload() {
        let payload = attr(1, &5u32.to_ne_bytes());
        // A selector value no format lists.
        let bytes = [attr(1, b"veth\0"), nest(2, &payload)].concat();
        let l = LinkAttrs::decode(&bytes).unwrap();
        assert_eq!(l.data, Some(DataMsg::Unknown(payload.clone())));
        assert!(l.validate().is_ok());
        // No selector at all.
        let l = LinkAttrs::decode(&nest(2, &payload)).unwrap();
        assert_eq!(l.data, Some(DataMsg::Unknown(payload.clone())));
        assert_eq!(l.kind, None);
        // Written back as they came, but for NLA_F_NESTED, which bytes lack.
        assert_eq!(l.to_bytes(), attr(2, &payload));
        // An unlisted family.
        let bytes = [attr(3, &[99]), attr(4, &[1, 2, 3])].concat();
        let l = LinkAttrs::decode(&bytes).unwrap();
        assert_eq!(l.family, Some(AddrFamily::Unknown(99)));
        assert_eq!(l.address, Some(AddrMsg::Unknown(vec![1, 2, 3])));
    }

    #[test]
    fn malformed_payloads_are_errors_with_paths() {
        // The bridge format's port is 2 bytes.
        let bytes = [attr(1, b"bridge\0"), nest(2, &attr(1, &[7]))].concat();
        let e = LinkAttrs::decode(&bytes).unwrap_err();
        assert_eq!(e.path_string(), ".data.port", "{e}");
        // The vlan format's header is 4 bytes.
        let bytes = [attr(1, b"vlan\0"), nest(2, &[1, 0])].concat();
        let e = LinkAttrs::decode(&bytes).unwrap_err();
        assert_eq!(
            e.to_string(),
            ".data: truncated fixed header: needs 4 bytes, has 2"
        );
        // Its attributes follow the header.
        let body = [&[1, 0, 0, 0][..], &attr(1, &[0x81])].concat();
        let bytes = [attr(1, b"vlan\0"), nest(2, &body)].concat();
        let e = LinkAttrs::decode(&bytes).unwrap_err();
        assert_eq!(e.path_string(), ".data.protocol", "{e}");
        // A header alone is exactly the header.
        let bytes = [attr(1, b"ipip\0"), attr(2, &[0; 7])].concat();
        let e = LinkAttrs::decode(&bytes).unwrap_err();
        assert_eq!(e.to_string(), ".data: the fixed header is 8 bytes, found 7");
        let bytes = [attr(3, &[10]), attr(4, &[0; 4])].concat();
        let e = LinkAttrs::decode(&bytes).unwrap_err();
        assert_eq!(
            e.to_string(),
            ".address: the fixed header is 16 bytes, found 4"
        );
        // Broken attribute lengths inside the payload.
        let bytes = [attr(1, b"bridge\0"), nest(2, &[9, 0, 1, 0])].concat();
        let e = LinkAttrs::decode(&bytes).unwrap_err();
        assert_eq!(e.path_string(), ".data", "{e}");
    }

    #[test]
    fn validate_checks_the_format_against_the_selector() {
        assert!(link("bridge", bridge(7)).validate().is_ok());
        let e = link("vlan", bridge(7)).validate().unwrap_err();
        assert_eq!(
            e.to_string(),
            r#".data: the format is for kind "bridge", but kind is "vlan""#
        );
        let absent = LinkAttrs {
            kind: None,
            ..link("bridge", bridge(7))
        };
        assert_eq!(
            absent.validate().unwrap_err().to_string(),
            r#".data: the format is for kind "bridge", but kind is absent"#
        );
        let listed = link("bridge", DataMsg::Unknown(vec![]));
        assert_eq!(
            listed.validate().unwrap_err().to_string(),
            r#".data: the payload of an unlisted format, but kind "bridge" has a format"#
        );
        let l = LinkAttrs {
            family: Some(AddrFamily::Inet6),
            address: Some(AddrMsg::Inet(links::InAddr { addr: Be(1) })),
            ..Default::default()
        };
        assert_eq!(
            l.validate().unwrap_err().to_string(),
            ".address: the format is for family 2, but family is 10"
        );
        // The format's own policies, with paths.
        let e = link("bridge", bridge(0)).validate().unwrap_err();
        assert_eq!(e.to_string(), ".data.port: 0 is below min 1");
    }

    #[test]
    fn without_its_selector_a_sub_message_is_bytes() {
        // `set-data` lists `data` but not `kind`: the format cannot be picked.
        let req = links::SetDataDoRequest {
            data: Some(vec![1, 2, 3]),
            ..Default::default()
        };
        assert_eq!(req.to_bytes(), attr(2, &[1, 2, 3]));
        assert_eq!(
            links::SetDataDoRequest::decode(&req.to_bytes()).unwrap(),
            req
        );
    }

    fn data_msg() -> impl Strategy<Value = (String, DataMsg)> {
        prop_oneof![
            (1..=u16::MAX).prop_map(|p| ("bridge".to_owned(), bridge(p))),
            (
                any::<u16>(),
                any::<u16>(),
                any::<Option<u16>>(),
                any::<Option<u32>>()
            )
                .prop_map(|(id, flags, protocol, egress_qos)| {
                    let attrs = links::VlanAttrs {
                        protocol: protocol.map(Be),
                        egress_qos,
                        ..Default::default()
                    };
                    (
                        "vlan".to_owned(),
                        DataMsg::Vlan(links::VlanHdr { id, flags }, attrs),
                    )
                }),
            (any::<u32>(), any::<u32>()).prop_map(|(l, r)| {
                let hdr = links::TunnelHdr {
                    local: Be(l),
                    remote: Be(r),
                };
                ("ipip".to_owned(), DataMsg::Ipip(hdr))
            }),
            Just(("dummy".to_owned(), DataMsg::Dummy)),
            ("[a-z]{1,8}", prop::collection::vec(any::<u8>(), 0..32)).prop_map(|(k, b)| {
                let known = ["bridge", "vlan", "ipip", "dummy"].contains(&k.as_str());
                let k = if known { format!("{k}x") } else { k };
                (k, DataMsg::Unknown(b))
            }),
        ]
    }

    proptest! {
        /// Values whose format is the one their selector names come back
        /// as they were.
        #[test]
        fn round_trip((kind, data) in data_msg(), addr in any::<Option<[u8; 16]>>()) {
            let l = LinkAttrs {
                kind: Some(kind),
                data: Some(data),
                family: addr.map(|_| AddrFamily::Inet6),
                address: addr.map(|addr| AddrMsg::Inet6(links::In6Addr { addr })),
                ..Default::default()
            };
            prop_assert!(l.validate().is_ok());
            let bytes = l.to_bytes();
            prop_assert_eq!(bytes.len(), l.encoded_len());
            prop_assert_eq!(LinkAttrs::decode(&bytes).unwrap(), l);
        }

        /// Any bytes decode to a value or an error, never a panic.
        #[test]
        fn any_bytes_decode_without_panic(bytes in prop::collection::vec(any::<u8>(), 0..256)) {
            let _ = LinkAttrs::decode(&bytes);
        }
    }
}

#[test]
fn notifications_name_their_command_and_group() {
    use genl_runtime::Notification;
    assert_eq!(
        nlctrl::notifications::NEWFAMILY,
        Notification {
            operation: "newfamily",
            cmd: 1,
            group: Some("notify")
        }
    );
    assert_eq!(nlctrl::notifications::DELMCAST_GRP.cmd, 8);
    // A notification is a reply of the op it notifies with.
    let n: nlctrl::NewfamilyNotification = nlctrl::GetfamilyDoReply::default();
    assert_eq!(n.family_id, None);
}
