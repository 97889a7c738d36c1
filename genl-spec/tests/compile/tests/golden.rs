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
    fn reply_of<R: Request>() -> &'static str {
        std::any::type_name::<R::Reply>()
    }
    assert!(reply_of::<nlctrl::GetfamilyDumpRequest>().ends_with("GetfamilyDumpReply"));
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

#[test]
fn a_sub_message_payload_is_kept_as_bytes() {
    use genl_compile_tests::extra::links;
    let req = links::GetDoRequest {
        kind: Some("bridge".into()),
        data: Some(vec![1, 2, 3]),
        ..Default::default()
    };
    let back = links::GetDoRequest::decode(&req.to_bytes()).unwrap();
    assert_eq!(back, req);
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
