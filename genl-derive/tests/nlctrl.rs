//! Part of the generic netlink controller (`nlctrl`), written by hand with
//! the derive: golden request bytes, a hand-built reply, malformed replies
//! and the policy of the request.

use genl_runtime::policy::{Kind, Violation};
use genl_runtime::wire::DecodeErrorKind;
use genl_runtime::{GenlMessage, UnknownAttr};

/// `ctrl-attrs`, the attributes of the controller.
#[derive(Clone, Debug, Default, PartialEq, GenlMessage)]
#[genl(set = "ctrl-attrs")]
struct CtrlAttrs {
    #[genl(id = 1, u16)]
    family_id: Option<u16>,
    #[genl(id = 2, string, max_len = 15)]
    family_name: Option<String>,
    #[genl(id = 3, u32)]
    version: Option<u32>,
    #[genl(id = 4, u32)]
    hdrsize: Option<u32>,
    #[genl(id = 5, u32)]
    maxattr: Option<u32>,
    #[genl(id = 6, indexed_array, sub_type = nest)]
    ops: Vec<OpAttrs>,
    #[genl(id = 7, indexed_array, sub_type = nest)]
    mcast_groups: Vec<McastGroupAttrs>,
    #[genl(unknown)]
    unknown: Vec<UnknownAttr>,
}

/// `op-attrs`; no catch-all, so unknown attributes are skipped.
#[derive(Clone, Debug, Default, PartialEq, GenlMessage)]
#[genl(set = "op-attrs")]
struct OpAttrs {
    #[genl(id = 1, u32)]
    id: Option<u32>,
    #[genl(id = 2, u32)]
    flags: Option<u32>,
}

/// `mcast-group-attrs`.
#[derive(Clone, Debug, Default, PartialEq, GenlMessage)]
#[genl(set = "mcast-group-attrs")]
struct McastGroupAttrs {
    #[genl(id = 1, string)]
    name: Option<String>,
    #[genl(id = 2, u32)]
    id: Option<u32>,
}

/// One attribute, written by hand: header, payload, padding.
fn attr(ty: u16, payload: &[u8]) -> Vec<u8> {
    let len = u16::try_from(4 + payload.len()).unwrap();
    let mut out = [&len.to_ne_bytes()[..], &ty.to_ne_bytes(), payload].concat();
    out.resize(out.len().next_multiple_of(4), 0);
    out
}

/// A nest, written by hand (`NLA_F_NESTED` set).
fn nest(ty: u16, children: &[Vec<u8>]) -> Vec<u8> {
    attr(ty | 0x8000, &children.concat())
}

fn u32_attr(ty: u16, v: u32) -> Vec<u8> {
    attr(ty, &v.to_ne_bytes())
}

#[test]
fn getfamily_request_has_the_golden_bytes() {
    let req = CtrlAttrs {
        family_name: Some("ovs_flow".into()),
        ..CtrlAttrs::default()
    };
    let bytes = req.to_bytes();
    let golden = [
        &13u16.to_ne_bytes()[..],
        &2u16.to_ne_bytes(),
        b"ovs_flow\0",
        &[0, 0, 0],
    ]
    .concat();
    assert_eq!(bytes, golden);
    assert_eq!(bytes.len(), req.encoded_len());
    assert_eq!(CtrlAttrs::decode(&bytes).unwrap(), req);
}

fn reply() -> Vec<u8> {
    [
        attr(2, b"nlctrl\0"),
        attr(1, &0x10u16.to_ne_bytes()),
        u32_attr(3, 2),
        u32_attr(4, 0),
        u32_attr(5, 10),
        nest(
            6,
            &[
                nest(1, &[u32_attr(1, 3), u32_attr(2, 0xe)]),
                // An attribute `op-attrs` does not know is skipped.
                nest(2, &[u32_attr(1, 10), u32_attr(9, 99), u32_attr(2, 0x2)]),
            ],
        ),
        nest(7, &[nest(1, &[attr(1, b"notify\0"), u32_attr(2, 0x10)])]),
        // CTRL_ATTR_POLICY, which the struct does not declare.
        nest(8, &[u32_attr(1, 1)]),
    ]
    .concat()
}

#[test]
fn decodes_a_hand_built_reply() {
    let bytes = reply();
    let got = CtrlAttrs::decode(&bytes).unwrap();
    let expected = CtrlAttrs {
        family_id: Some(0x10),
        family_name: Some("nlctrl".into()),
        version: Some(2),
        hdrsize: Some(0),
        maxattr: Some(10),
        ops: vec![
            OpAttrs {
                id: Some(3),
                flags: Some(0xe),
            },
            OpAttrs {
                id: Some(10),
                flags: Some(0x2),
            },
        ],
        mcast_groups: vec![McastGroupAttrs {
            name: Some("notify".into()),
            id: Some(0x10),
        }],
        unknown: vec![UnknownAttr {
            ty: 8,
            nested: true,
            payload: u32_attr(1, 1),
        }],
    };
    assert_eq!(got, expected);
    // Written back, the reply is the same attributes in declaration order,
    // the unknown one kept as it came.
    let again = CtrlAttrs::decode(&got.to_bytes()).unwrap();
    assert_eq!(again, expected);
    assert_eq!(got.to_bytes().len(), got.encoded_len());
}

#[test]
fn a_repeated_attribute_keeps_the_last_value() {
    let bytes = [u32_attr(3, 1), u32_attr(3, 2)].concat();
    assert_eq!(CtrlAttrs::decode(&bytes).unwrap().version, Some(2));
}

#[test]
fn an_empty_array_writes_nothing() {
    assert!(CtrlAttrs::default().to_bytes().is_empty());
    assert_eq!(CtrlAttrs::default().encoded_len(), 0);
}

#[test]
fn malformed_replies_name_the_failing_path() {
    // A header whose length runs past the buffer.
    let truncated = [&u32_attr(3, 2)[..], &[12, 0, 4, 0, 1, 2]].concat();
    let e = CtrlAttrs::decode(&truncated).unwrap_err();
    assert!(
        matches!(e.kind(), DecodeErrorKind::BadAttrLen { .. }),
        "{e}"
    );

    // A u32 of two bytes.
    let short = attr(3, &[1, 2]);
    let e = CtrlAttrs::decode(&short).unwrap_err();
    assert_eq!(e.path_string(), ".version");
    assert!(matches!(e.kind(), DecodeErrorKind::WrongSize { .. }), "{e}");

    // A string without its NUL.
    let e = CtrlAttrs::decode(&attr(2, b"nlctrl")).unwrap_err();
    assert_eq!(e.path_string(), ".family-name");
    assert_eq!(*e.kind(), DecodeErrorKind::MissingNul);
    assert_eq!(e.to_string(), ".family-name: string is not NUL-terminated");

    // Deep inside the ops: the id of the second op is a u16.
    let bad_op = nest(
        6,
        &[
            nest(1, &[u32_attr(1, 3)]),
            nest(2, &[attr(1, &7u16.to_ne_bytes())]),
        ],
    );
    let e = CtrlAttrs::decode(&bad_op).unwrap_err();
    assert_eq!(e.path_string(), ".ops[1].id");

    // A truncated attribute inside the first op.
    let cut_op = nest(6, &[attr(1 | 0x8000, &[8, 0, 1, 0, 3, 0])]);
    let e = CtrlAttrs::decode(&cut_op).unwrap_err();
    assert_eq!(e.path_string(), ".ops[0]");
    assert!(
        matches!(e.kind(), DecodeErrorKind::BadAttrLen { .. }),
        "{e}"
    );

    // And in a multicast group's name.
    let bad_group = nest(7, &[nest(1, &[attr(1, &[0xff, 0])])]);
    let e = CtrlAttrs::decode(&bad_group).unwrap_err();
    assert_eq!(e.path_string(), ".mcast-groups[0].name");
    assert_eq!(*e.kind(), DecodeErrorKind::BadUtf8);
}

#[test]
fn the_family_name_is_checked_against_max_len() {
    let ok = CtrlAttrs {
        family_name: Some("fifteen-bytes!!".into()),
        ..CtrlAttrs::default()
    };
    assert!(ok.validate().is_ok());
    let long = CtrlAttrs {
        family_name: Some("sixteen-bytes!!!".into()),
        ..CtrlAttrs::default()
    };
    let e = long.validate().unwrap_err();
    assert_eq!(e.path_string(), ".family-name");
    assert_eq!(
        *e.violation(),
        Violation::TooLong {
            len: 16,
            max_len: 15
        }
    );
    assert_eq!(e.to_string(), ".family-name: length 16 is above max-len 15");
}

#[test]
fn the_policy_table_names_every_attribute() {
    let p = CtrlAttrs::policy();
    assert_eq!(p.name, "ctrl-attrs");
    let names: Vec<_> = p.attrs.iter().map(|a| (a.ty, a.name)).collect();
    assert_eq!(
        names,
        [
            (1, "family-id"),
            (2, "family-name"),
            (3, "version"),
            (4, "hdrsize"),
            (5, "maxattr"),
            (6, "ops"),
            (7, "mcast-groups"),
        ]
    );
    let name = p.by_name("family-name").unwrap();
    assert!(matches!(name.kind, Kind::String));
    assert_eq!(name.max_len, Some(15));
    assert!(matches!(p.by_type(1).unwrap().kind, Kind::Unsigned(2)));
    assert!(matches!(p.by_type(6).unwrap().kind, Kind::IndexedArray));
    assert_eq!(OpAttrs::policy().name, "op-attrs");
}
