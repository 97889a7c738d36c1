//! Borrowing views (`#[genl(view)]`): every accessor reads what the owned
//! decoder reads, for arbitrary values of every wire type and shape; errors
//! carry the owned decoder's paths; malformed headers fail when the view is
//! built, malformed values when they are read.

use genl_runtime::bitflags::bitflags;
use genl_runtime::view::{GenlView, HasView, Trail};
use genl_runtime::wire::{Be, DecodeErrorKind};
use genl_runtime::{Bitfield32, GenlEnum, GenlMessage, GenlStruct, TypeValue, UnknownAttr};
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

#[derive(Clone, Copy, Debug, PartialEq, Eq, GenlEnum)]
enum Colour {
    #[genl(value = 0)]
    Red,
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

#[derive(Clone, Debug, Default, PartialEq, GenlMessage)]
#[genl(set = "leaf", view)]
struct Leaf {
    #[genl(id = 1, u32)]
    a: Option<u32>,
    #[genl(id = 2, string)]
    s: Option<String>,
}

/// Every wire type and shape the derive supports.
#[derive(Clone, Debug, Default, PartialEq, GenlMessage)]
#[genl(set = "all", view)]
struct All {
    #[genl(id = 0, u32)]
    r#type: Option<u32>,
    #[genl(id = 1, u8)]
    u8_: Option<u8>,
    #[genl(id = 2, s16)]
    s16_: Option<i16>,
    #[genl(id = 3, u64)]
    u64_: Option<u64>,
    #[genl(id = 4, u16, be)]
    be16: Option<Be<u16>>,
    #[genl(id = 5, s32, be)]
    bes32: Option<Be<i32>>,
    #[genl(id = 6, uint)]
    uint: Option<u64>,
    #[genl(id = 7, sint)]
    sint: Option<i64>,
    #[genl(id = 8, flag)]
    flag: bool,
    #[genl(id = 9, string)]
    string: Option<String>,
    #[genl(id = 10, string, unterminated_ok)]
    loose: Option<String>,
    #[genl(id = 11, binary)]
    binary: Option<Vec<u8>>,
    #[genl(id = 12, binary, struct_)]
    key: Option<KeyIpv4>,
    #[genl(id = 13, binary, sub_type = u32)]
    array: Option<Vec<u32>>,
    #[genl(id = 14, binary, sub_type = u16, be)]
    array_be: Option<Vec<Be<u16>>>,
    #[genl(id = 15, nest)]
    nest: Option<Leaf>,
    #[genl(id = 16, nest)]
    recursive: Option<Box<All>>,
    #[genl(id = 17, nest, multi_attr)]
    multi_nest: Vec<Leaf>,
    #[genl(id = 18, u32, multi_attr)]
    multi_u32: Vec<u32>,
    #[genl(id = 19, string, multi_attr)]
    multi_str: Vec<String>,
    #[genl(id = 20, binary, multi_attr)]
    multi_bin: Vec<Vec<u8>>,
    #[genl(id = 21, indexed_array, sub_type = nest)]
    indexed: Vec<Leaf>,
    #[genl(id = 22, indexed_array, sub_type = u32, be)]
    indexed_be: Vec<Be<u32>>,
    #[genl(id = 23, u8, enum_)]
    colour: Option<Colour>,
    #[genl(id = 24, uint, enum_)]
    colour_uint: Option<Colour>,
    #[genl(id = 25, u32, flags)]
    feat: Option<Feat>,
    #[genl(id = 26, u32, flags, be)]
    feat_be: Option<Feat>,
    #[genl(id = 27, bitfield32)]
    bitfield: Option<Bitfield32>,
    #[genl(id = 28, nest_type_value)]
    type_value: Option<TypeValue<Leaf>>,
    #[genl(id = 29, nest_type_value)]
    type_value2: Option<TypeValue<TypeValue<Leaf>>>,
    #[genl(id = 30, name = "renamed-u32", u32)]
    renamed: Option<u32>,
    #[genl(id = 31, binary, sub_type = u64, multi_attr)]
    multi_array: Vec<Vec<u64>>,
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
        any::<Option<i16>>(),
        any::<Option<u64>>(),
        any::<Option<u16>>(),
        any::<Option<i32>>(),
        any::<Option<u64>>(),
        any::<Option<i64>>(),
        any::<bool>(),
    );
    let bytes = (
        proptest::option::of(text()),
        proptest::option::of(text()),
        proptest::option::of(prop::collection::vec(any::<u8>(), 0..20)),
        proptest::option::of(key()),
        proptest::option::of(prop::collection::vec(any::<u32>(), 0..5)),
        proptest::option::of(prop::collection::vec(any::<u16>(), 0..5)),
    );
    let nests = (
        proptest::option::of(leaf()),
        leaves(),
        prop::collection::vec(any::<u32>(), 0..4),
        prop::collection::vec(text(), 0..4),
        prop::collection::vec(prop::collection::vec(any::<u8>(), 0..6), 0..3),
        leaves(),
        prop::collection::vec(any::<u32>(), 0..4),
    );
    let typed = (
        proptest::option::of(any::<u8>()),
        proptest::option::of(any::<u64>()),
        proptest::option::of(any::<u32>()),
        proptest::option::of(any::<u32>()),
        proptest::option::of(any::<(u32, u32)>()),
        proptest::option::of(type_value(leaf())),
        proptest::option::of(type_value(type_value(leaf()))),
        any::<Option<u32>>(),
        prop::collection::vec(prop::collection::vec(any::<u64>(), 0..3), 0..3),
        unknown(),
    );
    (ints.boxed(), bytes.boxed(), nests.boxed(), typed.boxed())
        .prop_map(|(ints, bytes, nests, typed)| {
            let (r#type, u8_, s16_, u64_, be16, bes32, uint, sint, flag) = ints;
            let (string, loose, binary, key, array, array_be) = bytes;
            let (nest, multi_nest, multi_u32, multi_str, multi_bin, indexed, indexed_be) = nests;
            let (
                colour,
                colour_uint,
                feat,
                feat_be,
                bitfield,
                tv,
                tv2,
                renamed,
                multi_array,
                unknown,
            ) = typed;
            All {
                r#type,
                u8_,
                s16_,
                u64_,
                be16: be16.map(Be),
                bes32: bes32.map(Be),
                uint,
                sint,
                flag,
                string,
                loose,
                binary,
                key,
                array,
                array_be: array_be.map(|v| v.into_iter().map(Be).collect()),
                nest,
                recursive: None,
                multi_nest,
                multi_u32,
                multi_str,
                multi_bin,
                indexed,
                indexed_be: indexed_be.into_iter().map(Be).collect(),
                colour: colour.map(|v| Colour::from_value(v.into())),
                colour_uint: colour_uint.map(Colour::from_value),
                feat: feat.map(Feat::from_bits_retain),
                feat_be: feat_be.map(Feat::from_bits_retain),
                bitfield: bitfield.map(|(value, selector)| Bitfield32 { value, selector }),
                type_value: tv,
                type_value2: tv2,
                renamed,
                multi_array,
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

/// Reads a leaf through its view, field by field.
fn leaf_of(v: LeafView<'_>) -> Leaf {
    Leaf {
        a: v.a().unwrap(),
        s: v.s().unwrap().map(str::to_owned),
    }
}

/// Reads `All` through its view, accessor by accessor (not through
/// `to_owned`), so that every accessor's type and value are checked.
fn all_of(v: AllView<'_>) -> All {
    let tv = |t: genl_runtime::view::TypeValueView<'_, Leaf>| {
        TypeValue(
            t.iter()
                .map(|e| e.map(|(ty, l)| (ty, leaf_of(l))))
                .collect::<Result<_, _>>()
                .unwrap(),
        )
    };
    All {
        r#type: v.r#type().unwrap(),
        u8_: v.u8_().unwrap(),
        s16_: v.s16_().unwrap(),
        u64_: v.u64_().unwrap(),
        be16: v.be16().unwrap(),
        bes32: v.bes32().unwrap(),
        uint: v.uint().unwrap(),
        sint: v.sint().unwrap(),
        flag: v.flag(),
        string: v.string().unwrap().map(str::to_owned),
        loose: v.loose().unwrap().map(str::to_owned),
        binary: v.binary().unwrap().map(<[u8]>::to_vec),
        key: v.key().unwrap(),
        array: v.array().unwrap().map(|a| {
            assert_eq!(a.len(), a.clone().count());
            a.collect()
        }),
        array_be: v.array_be().unwrap().map(Iterator::collect),
        nest: v.nest().unwrap().map(leaf_of),
        recursive: v.recursive().unwrap().map(|r| Box::new(all_of(r))),
        multi_nest: v.multi_nest().map(|l| leaf_of(l.unwrap())).collect(),
        multi_u32: v.multi_u32().map(Result::unwrap).collect(),
        multi_str: v.multi_str().map(|s| s.unwrap().to_owned()).collect(),
        multi_bin: v.multi_bin().map(|b| b.unwrap().to_vec()).collect(),
        indexed: v.indexed().map(|l| leaf_of(l.unwrap())).collect(),
        indexed_be: v.indexed_be().map(Result::unwrap).collect(),
        colour: v.colour().unwrap(),
        colour_uint: v.colour_uint().unwrap(),
        feat: v.feat().unwrap(),
        feat_be: v.feat_be().unwrap(),
        bitfield: v.bitfield().unwrap(),
        type_value: v.type_value().unwrap().map(tv),
        type_value2: v.type_value2().unwrap().map(|t| {
            TypeValue(
                t.iter()
                    .map(|e| e.map(|(ty, inner)| (ty, tv(inner))))
                    .collect::<Result<_, _>>()
                    .unwrap(),
            )
        }),
        renamed: v.renamed().unwrap(),
        multi_array: v.multi_array().map(|a| a.unwrap().collect()).collect(),
        unknown: v
            .unknown()
            .map(|a| UnknownAttr {
                ty: a.ty,
                nested: a.nested,
                payload: a.payload.to_vec(),
            })
            .collect(),
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn the_view_reads_what_the_owned_decoder_reads(value in all()) {
        let bytes = value.to_bytes();
        let owned = All::decode(&bytes).unwrap();
        prop_assert_eq!(&owned, &value);
        let view = AllView::new(&bytes).unwrap();
        prop_assert_eq!(view.bytes(), &bytes[..]);
        prop_assert_eq!(&all_of(view), &owned, "accessors");
        prop_assert_eq!(&view.to_owned().unwrap(), &owned, "to_owned");
        prop_assert_eq!(&All::view(&bytes).unwrap().to_owned().unwrap(), &owned);
    }

    #[test]
    fn no_input_panics_and_views_fail_where_the_owned_decoder_does(
        data in prop::collection::vec(any::<u8>(), 0..256),
    ) {
        let owned = All::decode(&data);
        match AllView::new(&data) {
            // Any accessor may fail, but none panics; reading everything
            // gives the owned decoder's value, or an error where it has one.
            Ok(view) => match (view.to_owned(), owned) {
                (Ok(v), Ok(o)) => prop_assert_eq!(v, o),
                (Err(_), Err(_)) => {}
                // The view reads the last of a repeated single attribute;
                // the owned decoder reads (and may fail on) every one.
                (Ok(_), Err(_)) => {}
                (Err(e), Ok(o)) => prop_assert!(false, "view: {e}, owned: {o:?}"),
            },
            // Bad headers at the top level fail both.
            Err(e) => {
                prop_assert!(owned.is_err(), "view: {e}");
                let bad_len = matches!(e.kind(), DecodeErrorKind::BadAttrLen { .. });
                prop_assert!(bad_len, "{}", e);
            }
        }
    }
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

#[test]
fn bad_headers_fail_when_the_view_is_built() {
    // nla_len below the header.
    let e = AllView::new(&[2, 0, 1, 0]).unwrap_err();
    assert_eq!(
        *e.kind(),
        DecodeErrorKind::BadAttrLen {
            len: 2,
            remaining: 4
        }
    );
    assert_eq!(e.path_string(), "");
    // Past the end, after a good attribute.
    let buf = [attr(3, &[1; 8]), vec![12, 0, 1, 0, 0, 0]].concat();
    let e = AllView::new(&buf).unwrap_err();
    assert_eq!(
        *e.kind(),
        DecodeErrorKind::BadAttrLen {
            len: 12,
            remaining: 6
        }
    );
    // Fewer than 4 trailing bytes are ignored, as the kernel does.
    let buf = [attr(3, &7u64.to_ne_bytes()), vec![0, 0]].concat();
    assert_eq!(AllView::new(&buf).unwrap().u64_().unwrap(), Some(7));
    // An empty buffer is an empty set.
    assert_eq!(
        AllView::new(&[]).unwrap().to_owned().unwrap(),
        All::default()
    );
}

#[test]
fn errors_have_the_paths_of_the_owned_decoder() {
    let cases: Vec<(Vec<u8>, &str)> = vec![
        // A u32 of 2 bytes.
        (attr(0, &[1, 2]), ".type"),
        (attr(30, &[1, 2]), ".renamed-u32"),
        // A string without its NUL, inside a nest.
        (nest(15, &attr(2, b"ab")), ".nest.s"),
        // Bad headers inside a nest, two levels down.
        (nest(16, &nest(15, &[9, 0, 1, 0])), ".recursive.nest"),
        // The second of a multi-attr's values.
        (
            [attr(18, &1u32.to_ne_bytes()), attr(18, &[1])].concat(),
            ".multi-u32[1]",
        ),
        // Inside the first nest of a multi-attr.
        (nest(17, &attr(1, &[1])), ".multi-nest[0].a"),
        // An element of an indexed array.
        (
            nest(21, &[nest(1, &[]), nest(2, &attr(1, &[0; 3]))].concat()),
            ".indexed[1].a",
        ),
        (nest(22, &attr(1, &[0; 3])), ".indexed-be[0]"),
        // A C struct of the wrong size.
        (attr(12, &[0; 11]), ".key"),
        // An array whose length is not a multiple of its integers'.
        (attr(13, &[0; 6]), ".array"),
        // A type-value entry.
        (nest(28, &nest(5, &attr(1, &[0]))), ".type-value.<5>.a"),
        // A uint of 3 bytes, three nests down.
        (
            nest(16, &nest(16, &nest(16, &attr(6, &[0; 3])))),
            ".recursive.recursive.recursive.uint",
        ),
    ];
    for (buf, path) in cases {
        let owned = All::decode(&buf).unwrap_err();
        assert_eq!(owned.path_string(), path, "owned decoder");
        // Through to_owned, which reads every field.
        let e = match AllView::new(&buf) {
            Ok(v) => v.to_owned().unwrap_err(),
            Err(e) => e,
        };
        assert_eq!(e, owned, "{path}");
    }

    // Through the accessors: the view built, the nested view too, and the
    // error comes from the one field that is bad.
    let buf = nest(16, &nest(15, &attr(2, b"ab")));
    let top = AllView::new(&buf).unwrap();
    let inner = top.recursive().unwrap().unwrap();
    assert_eq!(inner.nest().unwrap().unwrap().a().unwrap(), None);
    let e = inner.nest().unwrap().unwrap().s().unwrap_err();
    assert_eq!(
        e.to_string(),
        ".recursive.nest.s: string is not NUL-terminated"
    );
    assert_eq!(top.recursive().unwrap().unwrap().r#type().unwrap(), None);

    // Building a nested view checks its headers, with the path to it.
    let buf = nest(17, &[])
        .into_iter()
        .chain(nest(17, &[3, 0, 0, 0]))
        .collect::<Vec<_>>();
    let top = AllView::new(&buf).unwrap();
    let mut nests = top.multi_nest();
    assert_eq!(nests.size_hint().0, 1);
    assert!(nests.next().unwrap().is_ok());
    let e = nests.next().unwrap().unwrap_err();
    assert_eq!(e.path_string(), ".multi-nest[1]");
    assert!(nests.next().is_none());
}

#[test]
fn repeated_single_attributes_read_as_the_last() {
    let buf = [
        attr(0, &1u32.to_ne_bytes()),
        attr(9, b"x\0"),
        attr(0, &2u32.to_ne_bytes()),
        attr(18, &5u32.to_ne_bytes()),
        attr(0, &3u32.to_ne_bytes()),
        attr(18, &6u32.to_ne_bytes()),
        attr(200, b"??"),
    ]
    .concat();
    let v = AllView::new(&buf).unwrap();
    assert_eq!(v.r#type().unwrap(), Some(3));
    assert_eq!(
        v.multi_u32().collect::<Result<Vec<_>, _>>().unwrap(),
        [5, 6]
    );
    assert_eq!(v.unknown().map(|a| a.ty).collect::<Vec<_>>(), [200]);
    assert!(!v.flag());
    assert_eq!(v.to_owned().unwrap(), All::decode(&buf).unwrap());
    // Debug names the attributes present.
    let debug = format!("{v:?}");
    assert!(
        debug.starts_with("AllView { attrs: {type: 4, string: 2, type: 4"),
        "{debug}"
    );
}

#[test]
fn views_are_as_deep_as_the_owned_decoder_goes() {
    // 40 levels of `recursive`, beyond MAX_DEPTH (32).
    let mut buf = Vec::new();
    for _ in 0..40 {
        buf = nest(16, &buf);
    }
    let owned = All::decode(&buf).unwrap_err();
    assert!(matches!(owned.kind(), DecodeErrorKind::TooDeep { .. }));
    let view = AllView::new(&buf).unwrap();
    let e = view.to_owned().unwrap_err();
    assert_eq!(e.kind(), owned.kind());
    // The path is named from the top level when the error happens: whole,
    // as the owned decoder's.
    assert_eq!(e.path_string(), owned.path_string());
    assert_eq!(owned.path_string(), ".recursive".repeat(33));
    // The accessors themselves go as deep as asked.
    let mut v = view;
    for _ in 0..40 {
        v = v.recursive().unwrap().unwrap();
    }
    assert!(v.recursive().unwrap().is_none());
    let buf = {
        let mut b = attr(0, &[1]);
        for _ in 0..10 {
            b = nest(16, &b);
        }
        b
    };
    let mut v = AllView::new(&buf).unwrap();
    for _ in 0..10 {
        v = v.recursive().unwrap().unwrap();
    }
    let e = v.r#type().unwrap_err();
    assert_eq!(e.path_string(), format!("{}.type", ".recursive".repeat(10)));
}

#[test]
fn paths_are_named_from_the_top_level() {
    let good = attr(1, &1u32.to_ne_bytes());
    let bad = attr(1, &[1]);
    // The third `multi-nest` among other attributes, the last a repeat,
    // in a nest; then element 2 of an indexed array.
    let inner = [
        nest(17, &good),
        attr(9, b"x\0"),
        nest(17, &good),
        attr(0, &1u32.to_ne_bytes()),
        nest(17, &bad),
        attr(0, &2u32.to_ne_bytes()),
        nest(
            21,
            &[nest(0, &good), nest(1, &good), nest(2, &bad)].concat(),
        ),
    ]
    .concat();
    let buf = [attr(0, &1u32.to_ne_bytes()), nest(16, &inner)].concat();
    let v = AllView::new(&buf).unwrap();
    let r = v.recursive().unwrap().unwrap();
    let leaves = r.multi_nest().collect::<Result<Vec<_>, _>>().unwrap();
    assert_eq!(
        leaves[2].a().unwrap_err().path_string(),
        ".recursive.multi-nest[2].a"
    );
    assert!(leaves[1].a().is_ok());
    let elements = r.indexed().collect::<Result<Vec<_>, _>>().unwrap();
    assert_eq!(
        elements[2].a().unwrap_err().path_string(),
        ".recursive.indexed[2].a"
    );
    assert_eq!(
        All::decode(&buf).unwrap_err().path_string(),
        ".recursive.multi-nest[2].a"
    );
    // Debug writes where a view is.
    assert!(format!("{:?}", leaves[2]).ends_with("at: .recursive.multi-nest[2] }"));
    // A view of bytes it was not reached through is a top level of its own.
    let own = LeafView::new(&bad).unwrap();
    assert_eq!(own.a().unwrap_err().path_string(), ".a");
    let own = LeafView::parse(&bad, Trail::ROOT).unwrap();
    assert_eq!(own.a().unwrap_err().path_string(), ".a");
}

#[test]
fn attributes_beyond_256_kib_are_found() {
    // Five binaries of 60 000 bytes put what follows them beyond the 256 KiB
    // a slot reaches: those attributes are found by walking.
    let big = vec![7u8; 60_000];
    let mut parts = vec![attr(0, &1u32.to_ne_bytes()), attr(18, &1u32.to_ne_bytes())];
    parts.extend((0..5).map(|_| attr(11, &big)));
    parts.extend([
        attr(0, &2u32.to_ne_bytes()),
        attr(8, &[]),
        attr(18, &2u32.to_ne_bytes()),
        nest(15, &attr(1, &[1])),
        nest(17, &attr(1, &3u32.to_ne_bytes())),
    ]);
    let buf = parts.concat();
    assert!(buf.len() > 5 * 60_000);
    let v = AllView::new(&buf).unwrap();
    assert_eq!(v.r#type().unwrap(), Some(2));
    assert!(v.flag());
    assert_eq!(v.binary().unwrap(), Some(&big[..]));
    assert_eq!(
        v.multi_u32().collect::<Result<Vec<_>, _>>().unwrap(),
        [1, 2]
    );
    let leaves = v.multi_nest().collect::<Result<Vec<_>, _>>().unwrap();
    assert_eq!(leaves[0].a().unwrap(), Some(3));
    let e = v.nest().unwrap().unwrap().a().unwrap_err();
    assert_eq!(e.path_string(), ".nest.a");
    // The owned decoder fails on the bad nest too, at the same place.
    assert_eq!(v.to_owned().unwrap_err(), All::decode(&buf).unwrap_err());
    assert_eq!(All::decode(&buf).unwrap_err().path_string(), ".nest.a");
}
