//! `#[derive(GenlSubMessage)]` and `sub_message, selector = ..` fields:
//! every shape of format, string and integer selectors (plain, big-endian,
//! enum), round trips (property tests), selector mismatches in `validate`,
//! malformed payloads with paths.

use genl_runtime::wire::{Be, DecodeErrorKind};
use genl_runtime::{GenlEnum, GenlMessage, GenlStruct, GenlSubMessage, MAX_DEPTH, SelectorValue};
use proptest::prelude::*;

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, GenlStruct)]
struct VlanHdr {
    #[genl(u16)]
    id: u16,
    #[genl(u16, be)]
    proto: Be<u16>,
}

/// A header whose size is not a multiple of 4: the attributes after it
/// start on the next multiple.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, GenlStruct)]
struct Odd {
    #[genl(binary, len = 6)]
    mac: [u8; 6],
}

#[derive(Clone, Debug, Default, PartialEq, Eq, GenlMessage)]
#[genl(set = "bridge-attrs")]
struct Bridge {
    #[genl(id = 1, u16, min = 1)]
    port: Option<u16>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, GenlMessage)]
#[genl(set = "vlan-attrs")]
struct Vlan {
    #[genl(id = 1, u32)]
    qos: Option<u32>,
}

#[derive(Clone, Debug, PartialEq, Eq, GenlSubMessage)]
enum Data {
    #[genl(value = "bridge")]
    Bridge(Bridge),
    #[genl(value = "vlan", fixed_header)]
    Vlan(VlanHdr, Vlan),
    #[genl(value = "hdr", fixed_header)]
    Hdr(VlanHdr),
    #[genl(value = "odd", fixed_header)]
    Odd(Odd, Bridge),
    #[genl(value = "dummy")]
    Dummy,
    #[genl(unknown)]
    Unknown(Vec<u8>),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, GenlEnum)]
enum Family {
    #[genl(value = 2)]
    Inet,
    #[genl(value = 10)]
    Inet6,
    #[genl(unknown)]
    Unknown(u64),
}

#[derive(Clone, Debug, PartialEq, Eq, GenlSubMessage)]
enum Addr {
    #[genl(value = 2, fixed_header)]
    Inet(VlanHdr),
    #[genl(value = 10)]
    Inet6(Bridge),
    #[genl(unknown)]
    Unknown(Vec<u8>),
}

/// A set that holds a sub-message whose format holds the set again.
#[derive(Clone, Debug, Default, PartialEq, Eq, GenlMessage)]
#[genl(set = "tree")]
struct Tree {
    #[genl(id = 1, u8)]
    kind: Option<u8>,
    #[genl(id = 2, sub_message, selector = kind)]
    child: Option<Box<Branch>>,
}

#[derive(Clone, Debug, PartialEq, Eq, GenlSubMessage)]
enum Branch {
    #[genl(value = 1)]
    Tree(Tree),
    #[genl(unknown)]
    Unknown(Vec<u8>),
}

#[derive(Clone, Debug, Default, PartialEq, Eq, GenlMessage)]
#[genl(set = "link-attrs")]
struct Link {
    #[genl(id = 2, sub_message, selector = r#type)]
    data: Option<Data>,
    #[genl(id = 1, string)]
    r#type: Option<String>,
    #[genl(id = 3, u8, enum_)]
    family: Option<Family>,
    #[genl(id = 4, sub_message, name = "address", selector = family)]
    addr: Option<Addr>,
    #[genl(id = 5, u16, be)]
    proto: Option<Be<u16>>,
    #[genl(id = 6, sub_message, selector = proto)]
    by_proto: Option<Addr>,
}

fn attr(ty: u16, payload: &[u8]) -> Vec<u8> {
    let len = 4 + payload.len() as u16;
    let mut out = [&len.to_ne_bytes()[..], &ty.to_ne_bytes(), payload].concat();
    out.resize(out.len().next_multiple_of(4), 0);
    out
}

fn nest(ty: u16, body: &[u8]) -> Vec<u8> {
    attr(ty | 0x8000, body)
}

fn data() -> impl Strategy<Value = (String, Data)> {
    let hdr = (any::<u16>(), any::<u16>()).prop_map(|(id, p)| VlanHdr { id, proto: Be(p) });
    let bridge = any::<Option<u16>>().prop_map(|port| Bridge { port });
    prop_oneof![
        bridge
            .clone()
            .prop_map(|b| ("bridge".into(), Data::Bridge(b))),
        (hdr.clone(), any::<Option<u32>>())
            .prop_map(|(h, qos)| ("vlan".into(), Data::Vlan(h, Vlan { qos }))),
        hdr.prop_map(|h| ("hdr".into(), Data::Hdr(h))),
        (any::<[u8; 6]>(), bridge).prop_map(|(mac, b)| ("odd".into(), Data::Odd(Odd { mac }, b))),
        Just(("dummy".into(), Data::Dummy)),
        ("[A-Z]{0,5}", prop::collection::vec(any::<u8>(), 0..20))
            .prop_map(|(k, b)| (k, Data::Unknown(b))),
    ]
}

proptest! {
    #[test]
    fn what_is_written_reads_back_equal((kind, data) in data(), inet in any::<Option<bool>>()) {
        let (family, addr) = match inet {
            Some(true) => (Some(Family::Inet), Some(Addr::Inet(VlanHdr::default()))),
            Some(false) => (Some(Family::Inet6), Some(Addr::Inet6(Bridge { port: Some(4) }))),
            None => (None, None),
        };
        let link = Link {
            r#type: Some(kind),
            data: Some(data),
            family,
            addr,
            proto: Some(Be(10)),
            by_proto: Some(Addr::Inet6(Bridge::default())),
        };
        prop_assert!(link.validate().is_ok(), "{:?}", link.validate());
        let bytes = link.to_bytes();
        prop_assert_eq!(bytes.len(), link.encoded_len());
        prop_assert_eq!(Link::decode(&bytes).unwrap(), link);
    }

    #[test]
    fn no_input_makes_the_decoder_panic(bytes in prop::collection::vec(any::<u8>(), 0..300)) {
        let _ = Link::decode(&bytes);
        let _ = Tree::decode(&bytes);
    }
}

#[test]
fn formats_are_written_as_their_shapes() {
    let link = |kind: &str, data| Link {
        r#type: Some(kind.into()),
        data: Some(data),
        ..Link::default()
    };
    let cases: Vec<(Link, Vec<u8>)> = vec![
        (
            link("bridge", Data::Bridge(Bridge { port: Some(3) })),
            nest(2, &attr(1, &3u16.to_ne_bytes())),
        ),
        (
            link(
                "vlan",
                Data::Vlan(
                    VlanHdr {
                        id: 5,
                        proto: Be(0x8100),
                    },
                    Vlan { qos: Some(1) },
                ),
            ),
            nest(
                2,
                &[
                    &5u16.to_ne_bytes()[..],
                    &[0x81, 0],
                    &attr(1, &1u32.to_ne_bytes()),
                ]
                .concat(),
            ),
        ),
        (
            link(
                "hdr",
                Data::Hdr(VlanHdr {
                    id: 5,
                    proto: Be(0x88a8),
                }),
            ),
            attr(2, &[&5u16.to_ne_bytes()[..], &[0x88, 0xa8]].concat()),
        ),
        (
            link(
                "odd",
                Data::Odd(
                    Odd {
                        mac: [1, 2, 3, 4, 5, 6],
                    },
                    Bridge { port: Some(9) },
                ),
            ),
            nest(
                2,
                &[&[1, 2, 3, 4, 5, 6, 0, 0][..], &attr(1, &9u16.to_ne_bytes())].concat(),
            ),
        ),
        (link("dummy", Data::Dummy), attr(2, &[])),
        (link("other", Data::Unknown(vec![7, 7])), attr(2, &[7, 7])),
    ];
    for (value, data) in cases {
        let kind = value.r#type.clone().unwrap();
        let bytes = [data, attr(1, format!("{kind}\0").as_bytes())].concat();
        assert_eq!(value.to_bytes(), bytes, "{kind}");
        assert_eq!(value.encoded_len(), bytes.len(), "{kind}");
        assert_eq!(Link::decode(&bytes).unwrap(), value, "{kind}");
    }
}

#[test]
fn integer_selectors_pick_by_value() {
    assert_eq!(
        Addr::Inet6(Bridge::default()).selector(),
        Some(SelectorValue::Int(10))
    );
    assert!(Addr::has_format(SelectorValue::Int(2)));
    assert!(!Addr::has_format(SelectorValue::Int(3)));
    assert!(!Addr::has_format(SelectorValue::Str("2")));
    let bytes = [
        attr(3, &[10]),
        nest(4, &attr(1, &8u16.to_ne_bytes())),
        attr(5, &[0, 2]),
        attr(6, &[1, 0, 0x80, 0]),
    ]
    .concat();
    let link = Link::decode(&bytes).unwrap();
    assert_eq!(link.family, Some(Family::Inet6));
    assert_eq!(link.addr, Some(Addr::Inet6(Bridge { port: Some(8) })));
    assert_eq!(
        link.by_proto,
        Some(Addr::Inet(VlanHdr {
            id: 1,
            proto: Be(0x8000)
        }))
    );
    // A value the enum does not list keeps the payload.
    let bytes = [attr(3, &[99]), nest(4, &[1, 2, 3, 4])].concat();
    assert_eq!(
        Link::decode(&bytes).unwrap().addr,
        Some(Addr::Unknown(vec![1, 2, 3, 4]))
    );
}

#[test]
fn validate_reports_a_format_its_selector_does_not_name() {
    let link = Link {
        r#type: Some("vlan".into()),
        data: Some(Data::Bridge(Bridge { port: Some(1) })),
        ..Link::default()
    };
    let e = link.validate().unwrap_err();
    assert_eq!(
        e.to_string(),
        r#".data: the format is for type "bridge", but type is "vlan""#
    );
    let link = Link {
        family: Some(Family::Unknown(3)),
        addr: Some(Addr::Inet(VlanHdr::default())),
        ..Link::default()
    };
    assert_eq!(
        link.validate().unwrap_err().to_string(),
        ".address: the format is for family 2, but family is 3"
    );
    let link = Link {
        proto: None,
        by_proto: Some(Addr::Unknown(vec![])),
        ..Link::default()
    };
    assert!(link.validate().is_ok());
    let link = Link {
        proto: Some(Be(2)),
        by_proto: Some(Addr::Unknown(vec![])),
        ..Link::default()
    };
    assert_eq!(
        link.validate().unwrap_err().to_string(),
        ".by-proto: the payload of an unlisted format, but proto 2 has a format"
    );
    let link = Link {
        r#type: Some("bridge".into()),
        data: Some(Data::Bridge(Bridge { port: Some(0) })),
        ..Link::default()
    };
    assert_eq!(
        link.validate().unwrap_err().to_string(),
        ".data.port: 0 is below min 1"
    );
}

#[test]
fn malformed_payloads_are_errors_with_paths() {
    let cases: Vec<(&str, Vec<u8>, &str)> = vec![
        ("bridge", nest(2, &attr(1, &[1])), ".data.port"),
        ("vlan", nest(2, &[0, 0, 0]), ".data"),
        (
            "vlan",
            nest(2, &[&[0, 0, 0, 0][..], &attr(1, &[1])].concat()),
            ".data.qos",
        ),
        ("hdr", attr(2, &[0; 5]), ".data"),
        ("odd", nest(2, &[0; 4]), ".data"),
        ("bridge", nest(2, &[200, 0, 1, 0]), ".data"),
    ];
    for (kind, data, path) in cases {
        let bytes = [attr(1, format!("{kind}\0").as_bytes()), data].concat();
        let e = Link::decode(&bytes).unwrap_err();
        assert_eq!(e.path_string(), path, "{kind}: {e}");
    }
    let e = Link::decode(&[attr(1, b"vlan\0"), nest(2, &[0, 0, 0])].concat()).unwrap_err();
    assert_eq!(
        e.to_string(),
        ".data: truncated fixed header: needs 4 bytes, has 3"
    );
}

/// `depth` trees nested in each other through their sub-message.
fn tree(depth: usize) -> Tree {
    (0..depth).fold(Tree::default(), |inner, _| Tree {
        kind: Some(1),
        child: Some(Box::new(Branch::Tree(inner))),
    })
}

#[test]
fn sub_messages_count_towards_the_nesting_bound() {
    let ok = tree(MAX_DEPTH);
    assert!(ok.validate().is_ok());
    assert_eq!(Tree::decode(&ok.to_bytes()).unwrap(), ok);
    let e = Tree::decode(&tree(MAX_DEPTH + 1).to_bytes()).unwrap_err();
    assert!(matches!(e.kind(), DecodeErrorKind::TooDeep { .. }), "{e}");
}
