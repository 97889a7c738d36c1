//! `validate()` of derived messages: every check of the annotation, on every
//! shape of field, with the path of the failing attribute.

use genl_runtime::bitflags::bitflags;
use genl_runtime::policy::{Kind, Violation};
use genl_runtime::wire::Be;
use genl_runtime::{Bitfield32, GenlEnum, GenlMessage, GenlStruct, TypeValue};

bitflags! {
    #[derive(Clone, Copy, Debug, PartialEq, Eq)]
    struct Opts: u32 {
        const A = 1;
        const B = 2;
        const _ = !0;
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, GenlEnum)]
enum Mode {
    #[genl(value = 1)]
    On,
    #[genl(value = 2)]
    Off,
    #[genl(unknown)]
    Unknown(u64),
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, GenlStruct)]
struct Pair {
    #[genl(u16)]
    a: u16,
    #[genl(u16)]
    b: u16,
}

#[derive(Clone, Debug, Default, PartialEq, GenlMessage)]
#[genl(set = "inner")]
struct Inner {
    #[genl(id = 1, s32, min = -5, max = 5)]
    level: Option<i32>,
    #[genl(id = 2, string, min_len = 2)]
    tag: Option<String>,
}

#[derive(Clone, Debug, Default, PartialEq, GenlMessage)]
#[genl(set = "outer")]
struct Outer {
    #[genl(id = 1, u16, be, min = 1, max = 1024)]
    port: Option<Be<u16>>,
    #[genl(id = 2, u32, flags, flags_mask = 3)]
    opts: Option<Opts>,
    #[genl(id = 3, u8, enum_, max = 2)]
    mode: Option<Mode>,
    #[genl(id = 4, uint, max = 1000)]
    rate: Option<u64>,
    #[genl(id = 5, binary, exact_len = 4)]
    key: Option<Vec<u8>>,
    #[genl(id = 6, binary, struct_, exact_len = 4)]
    pair: Option<Pair>,
    #[genl(id = 7, binary, sub_type = u32, max_len = 8)]
    list: Option<Vec<u32>>,
    #[genl(id = 8, nest)]
    inner: Option<Inner>,
    #[genl(id = 9, nest, multi_attr)]
    many: Vec<Inner>,
    #[genl(id = 10, indexed_array, sub_type = nest)]
    array: Vec<Inner>,
    #[genl(id = 11, nest)]
    boxed: Option<Box<Outer>>,
    #[genl(id = 12, u32, multi_attr, min = 10)]
    values: Vec<u32>,
    #[genl(id = 13, string)]
    name: Option<String>,
    #[genl(id = 14, bitfield32, flags_mask = 6)]
    bits: Option<Bitfield32>,
    #[genl(id = 15, nest_type_value)]
    by_type: Option<TypeValue<Inner>>,
    #[genl(id = 16, sint, min = -1)]
    delta: Option<i64>,
}

fn fails(o: Outer) -> (String, Violation) {
    let e = o.validate().expect_err("the value breaks the policy");
    (e.path_string(), e.violation().clone())
}

#[test]
fn valid_values_pass() {
    let o = Outer {
        port: Some(Be(80)),
        opts: Some(Opts::A | Opts::B),
        mode: Some(Mode::Off),
        rate: Some(1000),
        key: Some(vec![1, 2, 3, 4]),
        pair: Some(Pair::default()),
        list: Some(vec![1, 2]),
        inner: Some(Inner {
            level: Some(-5),
            tag: Some("ab".into()),
        }),
        many: vec![Inner::default(); 2],
        array: vec![Inner::default()],
        boxed: Some(Box::new(Outer::default())),
        values: vec![10, 11],
        name: Some("x".into()),
        bits: Some(Bitfield32 {
            value: 2,
            selector: 6,
        }),
        by_type: Some(TypeValue(vec![(3, Inner::default())])),
        delta: Some(-1),
    };
    assert_eq!(o.validate(), Ok(()));
}

#[test]
fn each_check_names_its_attribute() {
    let d = Outer::default;
    assert_eq!(
        fails(Outer {
            port: Some(Be(0)),
            ..d()
        }),
        (".port".into(), Violation::BelowMin { value: 0, min: 1 })
    );
    assert_eq!(
        fails(Outer {
            opts: Some(Opts::from_bits_retain(4)),
            ..d()
        }),
        (".opts".into(), Violation::BadFlags { value: 4, mask: 3 })
    );
    assert_eq!(
        fails(Outer {
            mode: Some(Mode::Unknown(3)),
            ..d()
        }),
        (".mode".into(), Violation::AboveMax { value: 3, max: 2 })
    );
    assert_eq!(
        fails(Outer {
            rate: Some(1001),
            ..d()
        })
        .0,
        ".rate"
    );
    assert_eq!(
        fails(Outer {
            key: Some(vec![1]),
            ..d()
        }),
        (
            ".key".into(),
            Violation::WrongLength {
                len: 1,
                exact_len: 4
            }
        )
    );
    assert_eq!(
        fails(Outer {
            list: Some(vec![1, 2, 3]),
            ..d()
        }),
        (
            ".list".into(),
            Violation::TooLong {
                len: 12,
                max_len: 8
            }
        )
    );
    assert_eq!(
        fails(Outer {
            values: vec![10, 9],
            ..d()
        })
        .0,
        ".values"
    );
    assert_eq!(
        fails(Outer {
            name: Some("a\0b".into()),
            ..d()
        }),
        (".name".into(), Violation::NulInString { at: 1 })
    );
    assert_eq!(
        fails(Outer {
            bits: Some(Bitfield32 {
                value: 0,
                selector: 1
            }),
            ..d()
        }),
        (".bits".into(), Violation::BadFlags { value: 1, mask: 6 })
    );
    assert_eq!(
        fails(Outer {
            delta: Some(-2),
            ..d()
        })
        .0,
        ".delta"
    );
}

#[test]
fn nested_checks_have_the_whole_path() {
    let bad = Inner {
        level: Some(6),
        ..Inner::default()
    };
    let short = Inner {
        tag: Some("a".into()),
        ..Inner::default()
    };
    let d = Outer::default;
    assert_eq!(
        fails(Outer {
            inner: Some(bad.clone()),
            ..d()
        }),
        (
            ".inner.level".into(),
            Violation::AboveMax { value: 6, max: 5 }
        )
    );
    assert_eq!(
        fails(Outer {
            many: vec![Inner::default(), short.clone()],
            ..d()
        })
        .0,
        ".many[1].tag"
    );
    assert_eq!(
        fails(Outer {
            array: vec![bad.clone()],
            ..d()
        })
        .0,
        ".array[0].level"
    );
    assert_eq!(
        fails(Outer {
            boxed: Some(Box::new(Outer {
                inner: Some(bad.clone()),
                ..d()
            })),
            ..d()
        })
        .0,
        ".boxed.inner.level"
    );
    assert_eq!(
        fails(Outer {
            by_type: Some(TypeValue(vec![(7, short)])),
            ..d()
        })
        .0,
        ".by-type.<7>.tag"
    );
}

#[test]
fn the_policy_table_carries_the_checks() {
    let p = Outer::policy();
    let port = p.by_name("port").unwrap();
    assert!(matches!(port.kind, Kind::Unsigned(2)));
    assert_eq!((port.min, port.max), (Some(1), Some(1024)));
    assert_eq!(p.by_name("opts").unwrap().flags_mask, Some(3));
    assert_eq!(p.by_name("key").unwrap().exact_len, Some(4));
    assert!(matches!(p.by_name("rate").unwrap().kind, Kind::Uint));
    assert!(matches!(p.by_name("delta").unwrap().kind, Kind::Sint));
    assert!(matches!(
        p.by_name("by-type").unwrap().kind,
        Kind::NestTypeValue
    ));
    assert!(matches!(p.by_name("bits").unwrap().kind, Kind::Bitfield32));
    match p.by_name("inner").unwrap().kind {
        Kind::Nest(f) => {
            let inner = f();
            assert_eq!(inner.name, "inner");
            assert_eq!(inner.by_type(1).unwrap().min, Some(-5));
            assert!(matches!(inner.by_type(1).unwrap().kind, Kind::Signed(4)));
        }
        k => panic!("{k:?}"),
    }
}
