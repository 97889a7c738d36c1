//! `#[derive(GenlAttr)]`: an ordered set's enum, whose `Vec` keeps the
//! order of the attributes across their types. Round trips of every kind of
//! variant (property tests), policies per element with paths, malformed
//! input with paths, and the nesting bound.

use genl_runtime::wire::{Be, DecodeErrorKind, PathSegment};
use genl_runtime::{
    GenlAttr, GenlEnum, GenlMessage, GenlStruct, MAX_DEPTH, UnknownAttr, policy::Kind,
};
use proptest::prelude::*;

#[derive(Clone, Copy, Debug, PartialEq, Eq, GenlEnum)]
enum Hash {
    #[genl(value = 0)]
    L4,
    #[genl(value = 1)]
    SymL4,
    #[genl(unknown)]
    Unknown(u64),
}

/// `struct ovs_action_push_vlan`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, GenlStruct)]
struct PushVlan {
    #[genl(u16, be)]
    tpid: Be<u16>,
    #[genl(u16, be)]
    tci: Be<u16>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, GenlMessage)]
#[genl(set = "userspace-attrs")]
struct Userspace {
    #[genl(id = 1, u32, min = 1)]
    pid: Option<u32>,
    #[genl(id = 2, binary, max_len = 8)]
    userdata: Option<Vec<u8>>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, GenlMessage)]
#[genl(set = "sample-attrs")]
struct Sample {
    #[genl(id = 1, u32)]
    probability: Option<u32>,
    #[genl(id = 2, nest)]
    actions: Option<Vec<Action>>,
}

/// A set that contains itself without a `Vec`, so a variant boxes it.
#[derive(Clone, Debug, Default, PartialEq, Eq, GenlMessage)]
#[genl(set = "key-attrs")]
struct Key {
    #[genl(id = 1, u32)]
    in_port: Option<u32>,
    #[genl(id = 2, nest)]
    encap: Option<Box<Key>>,
}

/// Every kind of variant.
#[derive(Clone, Debug, PartialEq, Eq, GenlAttr)]
#[genl(set = "action-attrs")]
enum Action {
    #[genl(id = 1, u32, min = 1)]
    Output(u32),
    #[genl(id = 2, nest)]
    Userspace(Userspace),
    #[genl(id = 3, nest)]
    Set(Box<Key>),
    #[genl(id = 4, binary, struct_)]
    PushVlan(PushVlan),
    #[genl(id = 5, flag)]
    PopVlan,
    #[genl(id = 6, nest)]
    Sample(Sample),
    #[genl(id = 7, u32, enum_)]
    HashAlg(Hash),
    #[genl(id = 10, u16, be)]
    PopMpls(Be<u16>),
    #[genl(id = 13, string, name = "helper-name", max_len = 4)]
    Helper(String),
    #[genl(id = 19, indexed_array, sub_type = u32)]
    Meters(Vec<u32>),
    #[genl(id = 20, nest)]
    Clone(Vec<Action>),
    #[genl(id = 0, uint)]
    Zero(u64),
    #[genl(unknown)]
    Unknown(UnknownAttr),
}

/// An ordered set without an unknown variant: unknown attributes are skipped.
#[derive(Clone, Debug, PartialEq, Eq, GenlAttr)]
enum Strict {
    #[genl(id = 1, u32)]
    Output(u32),
}

#[derive(Clone, Debug, Default, PartialEq, Eq, GenlMessage)]
#[genl(set = "flow-attrs")]
struct Flow {
    #[genl(id = 2, nest)]
    actions: Option<Vec<Action>>,
    #[genl(id = 3, nest, multi_attr)]
    lists: Vec<Vec<Action>>,
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

fn key() -> impl Strategy<Value = Key> {
    let leaf = any::<Option<u32>>().prop_map(|in_port| Key {
        in_port,
        encap: None,
    });
    leaf.prop_recursive(3, 8, 1, |inner| {
        (any::<Option<u32>>(), inner).prop_map(|(in_port, k)| Key {
            in_port,
            encap: Some(Box::new(k)),
        })
    })
}

fn leaf_action() -> impl Strategy<Value = Action> {
    prop_oneof![
        any::<u32>().prop_map(Action::Output),
        (any::<Option<u32>>(), any::<Option<Vec<u8>>>())
            .prop_map(|(pid, userdata)| Action::Userspace(Userspace { pid, userdata })),
        key().prop_map(|k| Action::Set(Box::new(k))),
        (any::<u16>(), any::<u16>()).prop_map(|(a, b)| Action::PushVlan(PushVlan {
            tpid: Be(a),
            tci: Be(b)
        })),
        Just(Action::PopVlan),
        (0u64..4).prop_map(|v| Action::HashAlg(Hash::from_value(v))),
        any::<u16>().prop_map(|v| Action::PopMpls(Be(v))),
        "[a-z]{0,6}".prop_map(Action::Helper),
        prop::collection::vec(any::<u32>(), 0..4).prop_map(Action::Meters),
        any::<u64>().prop_map(Action::Zero),
        (0x3f00u16..=0x3fff, prop::collection::vec(any::<u8>(), 0..9)).prop_map(|(ty, payload)| {
            Action::Unknown(UnknownAttr {
                ty,
                nested: false,
                payload,
            })
        }),
    ]
}

fn actions() -> impl Strategy<Value = Vec<Action>> {
    let leaf = prop::collection::vec(leaf_action(), 0..5);
    leaf.prop_recursive(4, 32, 4, |inner| {
        prop::collection::vec(
            prop_oneof![
                leaf_action(),
                inner.clone().prop_map(Action::Clone),
                (any::<Option<u32>>(), prop::option::of(inner)).prop_map(
                    |(probability, actions)| Action::Sample(Sample {
                        probability,
                        actions
                    })
                ),
            ],
            0..5,
        )
    })
}

proptest! {
    #[test]
    fn what_is_written_reads_back_equal(list in actions(), absent in any::<bool>()) {
        let bytes = list.to_bytes();
        prop_assert_eq!(bytes.len(), list.encoded_len());
        prop_assert_eq!(&Vec::<Action>::decode(&bytes).unwrap(), &list);
        let flow = Flow {
            actions: (!absent).then(|| list.clone()),
            lists: vec![list.clone(), vec![]],
        };
        let bytes = flow.to_bytes();
        prop_assert_eq!(bytes.len(), flow.encoded_len());
        prop_assert_eq!(Flow::decode(&bytes).unwrap(), flow);
    }

    #[test]
    fn no_input_makes_the_decoder_panic(bytes in prop::collection::vec(any::<u8>(), 0..300)) {
        let _ = Vec::<Action>::decode(&bytes);
        let _ = Flow::decode(&bytes);
    }
}

#[test]
fn order_and_repeats_are_kept_byte_for_byte() {
    let list = vec![
        Action::Output(1),
        Action::PushVlan(PushVlan {
            tpid: Be(0x8100),
            tci: Be(0x100a),
        }),
        Action::PopVlan,
        Action::Output(2),
    ];
    let expected = [
        attr(1, &1u32.to_ne_bytes()),
        attr(4, &[0x81, 0x00, 0x10, 0x0a]),
        attr(5, &[]),
        attr(1, &2u32.to_ne_bytes()),
    ]
    .concat();
    assert_eq!(list.to_bytes(), expected);
    assert_eq!(Vec::<Action>::decode(&expected).unwrap(), list);
    // A `name` other than the variant's in kebab case; type 0 is a type.
    assert_eq!(
        Action::policy().by_type(13).map(|p| p.name),
        Some("helper-name")
    );
    assert_eq!(Action::policy().by_type(0).map(|p| p.name), Some("zero"));
    assert!(matches!(
        Action::policy().by_name("clone").map(|p| p.kind),
        Some(Kind::Nest(_))
    ));
    assert_eq!(<Vec<Action> as GenlMessage>::policy().name, "action-attrs");
}

#[test]
fn an_empty_list_is_an_empty_nest_and_none_is_absent() {
    let empty = Flow {
        actions: Some(vec![]),
        ..Flow::default()
    };
    assert_eq!(empty.to_bytes(), nest(2, &[]));
    assert_eq!(Flow::decode(&nest(2, &[])).unwrap(), empty);
    assert_eq!(Flow::default().to_bytes(), Vec::<u8>::new());
}

#[test]
fn unknown_attributes_are_kept_in_place_or_skipped() {
    let bytes = [
        attr(1, &1u32.to_ne_bytes()),
        nest(77, &attr(1, &[1])),
        attr(1, &2u32.to_ne_bytes()),
    ]
    .concat();
    let list = Vec::<Action>::decode(&bytes).unwrap();
    assert_eq!(
        list[1],
        Action::Unknown(UnknownAttr {
            ty: 77,
            nested: true,
            payload: attr(1, &[1]),
        })
    );
    assert_eq!(list.to_bytes(), bytes);
    assert_eq!(
        Vec::<Strict>::decode(&bytes).unwrap(),
        vec![Strict::Output(1), Strict::Output(2)]
    );
}

#[test]
fn policies_run_per_element_with_paths() {
    let flow = Flow {
        actions: Some(vec![
            Action::Output(1),
            Action::PopVlan,
            Action::Userspace(Userspace {
                pid: Some(0),
                userdata: None,
            }),
        ]),
        ..Flow::default()
    };
    let e = flow.validate().unwrap_err();
    assert_eq!(e.to_string(), ".actions[2].userspace.pid: 0 is below min 1");

    let nested = vec![Action::Sample(Sample {
        probability: None,
        actions: Some(vec![Action::Clone(vec![
            Action::Helper("ok".into()),
            Action::Helper("too long".into()),
        ])]),
    })];
    let e = nested.validate().unwrap_err();
    assert_eq!(
        e.to_string(),
        "[0].sample.actions[0].clone[1].helper-name: length 8 is above max-len 4"
    );
    assert_eq!(
        Action::Output(0).validate().unwrap_err().to_string(),
        ".output: 0 is below min 1"
    );
    let lists = Flow {
        lists: vec![vec![], vec![Action::Output(0)]],
        ..Flow::default()
    };
    assert_eq!(
        lists.validate().unwrap_err().to_string(),
        ".lists[1][0].output: 0 is below min 1"
    );
}

#[test]
fn malformed_elements_are_errors_with_paths() {
    let bytes = nest(
        2,
        &[
            attr(5, &[]),
            nest(2, &attr(1, &[1, 2])), // userspace.pid in 2 bytes
        ]
        .concat(),
    );
    let e = Flow::decode(&bytes).unwrap_err();
    assert_eq!(e.path_string(), ".actions[1].userspace.pid", "{e}");
    let path: Vec<_> = e.path().cloned().collect();
    assert_eq!(
        path,
        [
            PathSegment::Attr("actions"),
            PathSegment::Index(1),
            PathSegment::Attr("userspace"),
            PathSegment::Attr("pid"),
        ]
    );

    let bytes = nest(
        2,
        &nest(
            20,
            &[attr(1, &1u32.to_ne_bytes()), attr(4, &[0; 3])].concat(),
        ),
    );
    let e = Flow::decode(&bytes).unwrap_err();
    assert_eq!(e.path_string(), ".actions[0].clone[1].push-vlan", "{e}");

    // A length past the end of the list.
    let e = Vec::<Action>::decode(&[attr(5, &[]), vec![99, 0, 1, 0]].concat()).unwrap_err();
    assert_eq!(e.path_string(), "[1]", "{e}");
    assert!(matches!(e.kind(), DecodeErrorKind::BadAttrLen { .. }));
}

/// `depth` clones nested in each other, around an output.
fn clones(depth: usize) -> Vec<Action> {
    (0..depth).fold(vec![Action::Output(1)], |inner, _| {
        vec![Action::Clone(inner)]
    })
}

#[test]
fn nesting_is_bounded_by_max_depth() {
    let ok = clones(MAX_DEPTH);
    assert_eq!(Vec::<Action>::decode(&ok.to_bytes()).unwrap(), ok);
    let deep = clones(MAX_DEPTH + 1);
    let e = Vec::<Action>::decode(&deep.to_bytes()).unwrap_err();
    assert!(matches!(e.kind(), DecodeErrorKind::TooDeep { .. }), "{e}");
    // Thousands of nested headers are an error, not a stack overflow.
    let mut bytes = attr(1, &1u32.to_ne_bytes());
    for _ in 0..5000 {
        let len = u16::try_from(bytes.len() + 4).unwrap_or(u16::MAX);
        bytes = [
            &len.to_ne_bytes()[..],
            &(20u16 | 0x8000).to_ne_bytes(),
            &bytes,
        ]
        .concat();
        if bytes.len() > 60000 {
            break;
        }
    }
    assert!(Vec::<Action>::decode(&bytes).is_err());
}
