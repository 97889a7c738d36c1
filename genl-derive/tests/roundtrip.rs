//! Property tests of `#[derive(GenlMessage)]` over every supported wire type:
//! what is written reads back equal, `encoded_len` is exact, no input makes
//! the decoder panic, and nesting is bounded by `MAX_DEPTH`.

use genl_runtime::bitflags::bitflags;
use genl_runtime::wire::{Be, DecodeErrorKind};
use genl_runtime::{
    Bitfield32, GenlEnum, GenlMessage, GenlStruct, MAX_DEPTH, TypeValue, UnknownAttr,
};
use proptest::prelude::*;

bitflags! {
    /// 32-bit flags.
    #[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
    struct Feat: u32 {
        const A = 1;
        const B = 1 << 1;
        const _ = !0;
    }
}

bitflags! {
    /// 64-bit flags, for a `uint`.
    #[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
    struct Wide: u64 {
        const LOW = 1;
        const HIGH = 1 << 63;
        const _ = !0;
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, GenlEnum)]
enum Colour {
    #[genl(value = 0)]
    Red,
    #[genl(value = 1)]
    Green,
    #[genl(value = 7)]
    Blue,
    #[genl(unknown)]
    Unknown(u64),
}

/// `struct ovs_key_ipv4`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, GenlStruct)]
struct KeyIpv4 {
    #[genl(u32, be)]
    src: Be<u32>,
    #[genl(u32, be)]
    dst: Be<u32>,
    #[genl(u8)]
    proto: u8,
    #[genl(u8)]
    tos: u8,
    #[genl(u8)]
    ttl: u8,
    #[genl(u8)]
    frag: u8,
}

/// Every kind of C struct member.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, GenlStruct)]
struct Mixed {
    #[genl(u16)]
    a: u16,
    #[genl(pad, len = 2)]
    pad: [u8; 2],
    #[genl(struct_)]
    key: KeyIpv4,
    #[genl(binary, len = 6)]
    mac: [u8; 6],
    #[genl(string, len = 4)]
    tag: [u8; 4],
    #[genl(s64, be)]
    big: Be<i64>,
    #[genl(s8)]
    small: i8,
}

#[derive(Clone, Debug, Default, PartialEq, GenlMessage)]
#[genl(set = "leaf")]
struct Leaf {
    #[genl(id = 1, u32)]
    a: Option<u32>,
    #[genl(id = 2, string)]
    s: Option<String>,
}

/// Every wire type, shape and option the derive supports.
#[derive(Clone, Debug, Default, PartialEq, GenlMessage)]
#[genl(set = "all")]
struct All {
    #[genl(id = 0, u32)]
    r#type: Option<u32>,
    #[genl(id = 1, u8)]
    u8_: Option<u8>,
    #[genl(id = 2, u16)]
    u16_: Option<u16>,
    #[genl(id = 3, u32)]
    u32_: Option<u32>,
    #[genl(id = 4, u64)]
    u64_: Option<u64>,
    #[genl(id = 5, s8)]
    s8_: Option<i8>,
    #[genl(id = 6, s16)]
    s16_: Option<i16>,
    #[genl(id = 7, s32)]
    s32_: Option<i32>,
    #[genl(id = 8, s64)]
    s64_: Option<i64>,
    #[genl(id = 9, u16, be)]
    be16: Option<Be<u16>>,
    #[genl(id = 10, u32, be)]
    be32: Option<Be<u32>>,
    #[genl(id = 11, u64, be)]
    be64: Option<Be<u64>>,
    #[genl(id = 12, s32, be)]
    bes32: Option<Be<i32>>,
    #[genl(id = 13, u8, be)]
    u8_be: Option<u8>,
    #[genl(id = 14, uint)]
    uint: Option<u64>,
    #[genl(id = 15, sint)]
    sint: Option<i64>,
    #[genl(id = 16, flag)]
    flag: bool,
    #[genl(id = 17, string)]
    string: Option<String>,
    #[genl(id = 18, string, unterminated_ok)]
    loose: Option<String>,
    #[genl(id = 19, binary)]
    binary: Option<Vec<u8>>,
    #[genl(id = 20, binary, struct_)]
    key: Option<KeyIpv4>,
    #[genl(id = 21, binary, struct_)]
    mixed: Option<Mixed>,
    #[genl(id = 22, binary, sub_type = u32)]
    array: Option<Vec<u32>>,
    #[genl(id = 23, binary, sub_type = u16, be)]
    array_be: Option<Vec<Be<u16>>>,
    #[genl(id = 24, nest)]
    nest: Option<Leaf>,
    #[genl(id = 25, nest)]
    recursive: Option<Box<All>>,
    #[genl(id = 26, nest, multi_attr)]
    multi_nest: Vec<Leaf>,
    #[genl(id = 27, u32, multi_attr)]
    multi_u32: Vec<u32>,
    #[genl(id = 28, string, multi_attr)]
    multi_str: Vec<String>,
    #[genl(id = 29, indexed_array, sub_type = nest)]
    indexed: Vec<Leaf>,
    #[genl(id = 30, indexed_array, sub_type = u16)]
    indexed_u16: Vec<u16>,
    #[genl(id = 31, indexed_array, sub_type = u32, be)]
    indexed_be: Vec<Be<u32>>,
    #[genl(id = 32, u8, enum_)]
    colour: Option<Colour>,
    #[genl(id = 33, u16, enum_, be)]
    colour_be: Option<Colour>,
    #[genl(id = 34, uint, enum_)]
    colour_uint: Option<Colour>,
    #[genl(id = 35, u32, flags)]
    feat: Option<Feat>,
    #[genl(id = 36, u32, flags, be)]
    feat_be: Option<Feat>,
    #[genl(id = 37, uint, flags)]
    wide: Option<Wide>,
    #[genl(id = 38, bitfield32)]
    bitfield: Option<Bitfield32>,
    #[genl(id = 39, nest_type_value)]
    type_value: Option<TypeValue<Leaf>>,
    #[genl(id = 40, nest_type_value)]
    type_value2: Option<TypeValue<TypeValue<Leaf>>>,
    #[genl(id = 41, name = "renamed-u32", u32)]
    renamed: Option<u32>,
    #[genl(unknown)]
    unknown: Vec<UnknownAttr>,
}

fn text() -> impl Strategy<Value = String> {
    "[a-zA-Z0-9 _.é-]{0,12}"
}

fn leaf() -> impl Strategy<Value = Leaf> {
    (any::<Option<u32>>(), proptest::option::of(text())).prop_map(|(a, s)| Leaf { a, s })
}

fn leaves() -> impl Strategy<Value = Vec<Leaf>> {
    prop::collection::vec(leaf(), 0..3)
}

fn key() -> impl Strategy<Value = KeyIpv4> {
    (any::<[u32; 2]>(), any::<[u8; 4]>()).prop_map(|([s, d], [p, t, l, f])| KeyIpv4 {
        src: Be(s),
        dst: Be(d),
        proto: p,
        tos: t,
        ttl: l,
        frag: f,
    })
}

fn mixed() -> impl Strategy<Value = Mixed> {
    (
        any::<u16>(),
        key(),
        any::<[u8; 6]>(),
        any::<[u8; 4]>(),
        any::<i64>(),
        any::<i8>(),
    )
        .prop_map(|(a, key, mac, tag, big, small)| Mixed {
            a,
            pad: [0; 2],
            key,
            mac,
            tag,
            big: Be(big),
            small,
        })
}

fn type_value<T: std::fmt::Debug>(
    inner: impl Strategy<Value = T>,
) -> impl Strategy<Value = TypeValue<T>> {
    prop::collection::vec((0u16..0x4000, inner), 0..3).prop_map(TypeValue)
}

fn unknown() -> impl Strategy<Value = Vec<UnknownAttr>> {
    prop::collection::vec(
        (
            100u16..0x4000,
            any::<bool>(),
            prop::collection::vec(any::<u8>(), 0..10),
        )
            .prop_map(|(ty, nested, payload)| UnknownAttr {
                ty,
                nested,
                payload,
            }),
        0..3,
    )
}

/// Every field but the recursive one.
fn all_flat() -> BoxedStrategy<All> {
    let ints = (
        any::<Option<u32>>(),
        any::<Option<u8>>(),
        any::<Option<u16>>(),
        any::<Option<u32>>(),
        any::<Option<u64>>(),
        any::<Option<i8>>(),
        any::<Option<i16>>(),
        any::<Option<i32>>(),
        any::<Option<i64>>(),
    );
    let be = (
        any::<Option<u16>>(),
        any::<Option<u32>>(),
        any::<Option<u64>>(),
        any::<Option<i32>>(),
        any::<Option<u8>>(),
        prop_oneof![
            Just(None),
            any::<u64>().prop_map(Some),
            (u64::MAX - 3..).prop_map(Some)
        ],
        any::<Option<i64>>(),
        any::<bool>(),
    );
    let bytes = (
        proptest::option::of(text()),
        proptest::option::of(text()),
        proptest::option::of(prop::collection::vec(any::<u8>(), 0..20)),
        proptest::option::of(key()),
        proptest::option::of(mixed()),
        proptest::option::of(prop::collection::vec(any::<u32>(), 0..5)),
        proptest::option::of(prop::collection::vec(any::<u16>(), 0..5)),
    );
    let nests = (
        proptest::option::of(leaf()),
        leaves(),
        prop::collection::vec(any::<u32>(), 0..4),
        prop::collection::vec(text(), 0..4),
        leaves(),
        prop::collection::vec(any::<u16>(), 0..4),
        prop::collection::vec(any::<u32>(), 0..4),
    );
    let typed = (
        proptest::option::of(any::<u8>()),
        proptest::option::of(any::<u16>()),
        proptest::option::of(any::<u64>()),
        proptest::option::of(any::<u32>()),
        proptest::option::of(any::<u32>()),
        proptest::option::of(any::<u64>()),
        proptest::option::of(any::<(u32, u32)>()),
        proptest::option::of(type_value(leaf())),
        proptest::option::of(type_value(type_value(leaf()))),
        any::<Option<u32>>(),
        unknown(),
    );
    // Boxed: the value trees of big tuples are large, and debug builds move
    // them on the stack.
    (
        ints.boxed(),
        be.boxed(),
        bytes.boxed(),
        nests.boxed(),
        typed.boxed(),
    )
        .prop_map(|(ints, be, bytes, nests, typed)| {
            let (r#type, u8_, u16_, u32_, u64_, s8_, s16_, s32_, s64_) = ints;
            let (be16, be32, be64, bes32, u8_be, uint, sint, flag) = be;
            let (string, loose, binary, key, mixed, array, array_be) = bytes;
            let (nest, multi_nest, multi_u32, multi_str, indexed, indexed_u16, indexed_be) = nests;
            let (
                colour,
                colour_be,
                colour_uint,
                feat,
                feat_be,
                wide,
                bitfield,
                tv,
                tv2,
                renamed,
                unknown,
            ) = typed;
            All {
                r#type,
                u8_,
                u16_,
                u32_,
                u64_,
                s8_,
                s16_,
                s32_,
                s64_,
                be16: be16.map(Be),
                be32: be32.map(Be),
                be64: be64.map(Be),
                bes32: bes32.map(Be),
                u8_be,
                uint,
                sint,
                flag,
                string,
                loose,
                binary,
                key,
                mixed,
                array,
                array_be: array_be.map(|v| v.into_iter().map(Be).collect()),
                nest,
                recursive: None,
                multi_nest,
                multi_u32,
                multi_str,
                indexed,
                indexed_u16,
                indexed_be: indexed_be.into_iter().map(Be).collect(),
                colour: colour.map(|v| Colour::from_value(v.into())),
                colour_be: colour_be.map(|v| Colour::from_value(v.into())),
                colour_uint: colour_uint.map(Colour::from_value),
                feat: feat.map(Feat::from_bits_retain),
                feat_be: feat_be.map(Feat::from_bits_retain),
                wide: wide.map(Wide::from_bits_retain),
                bitfield: bitfield.map(|(value, selector)| Bitfield32 { value, selector }),
                type_value: tv,
                type_value2: tv2,
                renamed,
                unknown,
            }
        })
        .boxed()
}

/// Up to three levels of `All`, nested through the `Box`.
fn all() -> impl Strategy<Value = All> {
    (
        all_flat(),
        proptest::option::of(all_flat()),
        proptest::option::of(all_flat()),
    )
        .prop_map(|(mut top, middle, bottom)| {
            top.recursive = middle.map(|mut m| {
                m.recursive = bottom.map(Box::new);
                Box::new(m)
            });
            top
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn what_is_written_reads_back_equal(value in all()) {
        let bytes = value.to_bytes();
        prop_assert_eq!(bytes.len(), value.encoded_len());
        let back = All::decode(&bytes).map_err(|e| TestCaseError::fail(e.to_string()))?;
        prop_assert_eq!(back, value);
    }

    #[test]
    fn no_input_makes_the_decoder_panic(bytes in prop::collection::vec(any::<u8>(), 0..300)) {
        let _ = All::decode(&bytes);
    }

    #[test]
    fn mutated_encodings_do_not_panic(value in all_flat(), at in any::<prop::sample::Index>(), byte in any::<u8>()) {
        let mut bytes = value.to_bytes();
        if !bytes.is_empty() {
            let i = at.index(bytes.len());
            bytes[i] = byte;
        }
        if let Ok(v) = All::decode(&bytes) {
            let _ = v.validate();
        }
    }
}

#[test]
fn the_struct_members_are_in_the_policy() {
    let p = All::policy();
    assert_eq!(p.name, "all");
    assert_eq!(p.attrs.len(), 42);
    assert_eq!(p.by_type(0).unwrap().name, "type");
    assert_eq!(p.by_type(1).unwrap().name, "u8-");
    assert_eq!(p.by_type(41).unwrap().name, "renamed-u32");
    assert_eq!(p.by_type(25).unwrap().name, "recursive");
    match p.by_type(25).unwrap().kind {
        genl_runtime::policy::Kind::Nest(f) => assert_eq!(f().name, "all"),
        k => panic!("{k:?}"),
    }
}

/// A set that nests itself, directly and through an indexed array.
#[derive(Clone, Debug, Default, PartialEq, GenlMessage)]
struct Chain {
    #[genl(id = 1, nest)]
    next: Option<Box<Chain>>,
    #[genl(id = 2, indexed_array, sub_type = nest)]
    kids: Vec<Chain>,
    #[genl(id = 3, nest, multi_attr)]
    many: Vec<Chain>,
}

fn chain(nests: usize) -> Chain {
    let mut c = Chain::default();
    for _ in 0..nests {
        c = Chain {
            next: Some(Box::new(c)),
            ..Chain::default()
        };
    }
    c
}

#[test]
fn nesting_up_to_max_depth_decodes() {
    let c = chain(MAX_DEPTH);
    assert_eq!(Chain::decode(&c.to_bytes()).unwrap(), c);
}

#[test]
fn nesting_deeper_than_max_depth_is_an_error() {
    let c = chain(MAX_DEPTH + 1);
    let e = Chain::decode(&c.to_bytes()).unwrap_err();
    assert_eq!(*e.kind(), DecodeErrorKind::TooDeep { limit: MAX_DEPTH });
    assert_eq!(e.path_string(), ".next".repeat(MAX_DEPTH + 1));

    // Through indexed arrays and repeated attributes too.
    let mut c = Chain::default();
    for i in 0..=MAX_DEPTH {
        c = if i % 2 == 0 {
            Chain {
                kids: vec![c],
                ..Chain::default()
            }
        } else {
            Chain {
                many: vec![Chain::default(), c],
                ..Chain::default()
            }
        };
    }
    let e = Chain::decode(&c.to_bytes()).unwrap_err();
    assert_eq!(*e.kind(), DecodeErrorKind::TooDeep { limit: MAX_DEPTH });
    assert!(
        e.path_string().starts_with(".kids[0].many[1].kids[0]"),
        "{e}"
    );
}

#[test]
fn thousands_of_nests_are_an_error_not_a_stack_overflow() {
    // 16000 nested headers, each only a header: as deep as 64 KiB allows.
    let levels = 16_000usize;
    let mut bytes = Vec::with_capacity(levels * 4);
    for i in 0..levels {
        let len = u16::try_from((levels - i) * 4).unwrap();
        bytes.extend_from_slice(&len.to_ne_bytes());
        bytes.extend_from_slice(&(1u16 | 0x8000).to_ne_bytes());
    }
    let e = Chain::decode(&bytes).unwrap_err();
    assert_eq!(*e.kind(), DecodeErrorKind::TooDeep { limit: MAX_DEPTH });
}

#[test]
fn uint_values_take_four_or_eight_bytes() {
    let small = All {
        uint: Some(5),
        ..All::default()
    };
    assert_eq!(small.to_bytes().len(), 8);
    let big = All {
        uint: Some(u64::MAX),
        sint: Some(i64::MIN),
        ..All::default()
    };
    assert_eq!(big.to_bytes().len(), 24);
    assert_eq!(All::decode(&big.to_bytes()).unwrap(), big);
}

#[test]
fn wide_flags_that_do_not_fit_are_a_decode_error() {
    /// Flags of 8 bits, read from a `uint`.
    #[derive(Clone, Debug, Default, PartialEq, GenlMessage)]
    struct Narrow {
        #[genl(id = 1, uint, flags)]
        f: Option<Small>,
    }
    bitflags! {
        #[derive(Clone, Copy, Debug, PartialEq, Eq)]
        struct Small: u8 {
            const _ = !0;
        }
    }
    let ok = Narrow {
        f: Some(Small::from_bits_retain(0xff)),
    };
    assert_eq!(Narrow::decode(&ok.to_bytes()).unwrap(), ok);
    let wide = All {
        wide: Some(Wide::from_bits_retain(0x100)),
        ..All::default()
    }
    .to_bytes();
    // Renumber attribute 37 as 1.
    let mut bytes = wide;
    bytes[2..4].copy_from_slice(&1u16.to_ne_bytes());
    let e = Narrow::decode(&bytes).unwrap_err();
    assert_eq!(e.path_string(), ".f");
}
