//! `#[derive(GenlStruct)]` and `#[derive(GenlEnum)]`: layouts, exact bytes,
//! short buffers, and enum values.

use genl_runtime::wire::{Be, DecodeErrorKind};
use genl_runtime::{CStruct, GenlEnum, GenlStruct};

/// `struct ovs_key_ipv4`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, GenlStruct)]
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

/// A struct with padding, a string, and a nested struct.
#[derive(Clone, Copy, Debug, PartialEq, Eq, GenlStruct)]
struct Padded {
    #[genl(u8)]
    kind: u8,
    #[genl(pad, len = 3)]
    pad: [u8; 3],
    #[genl(u16)]
    host: u16,
    #[genl(string, len = 6)]
    name: [u8; 6],
    #[genl(struct_)]
    key: KeyIpv4,
}

const KEY: KeyIpv4 = KeyIpv4 {
    src: Be(0x0a00_0001),
    dst: Be(0x0a00_0002),
    proto: 6,
    tos: 0x10,
    ttl: 64,
    frag: 0,
};

fn bytes<T: CStruct>(v: &T) -> Vec<u8> {
    let mut out = Vec::new();
    v.write(&mut out);
    out
}

#[test]
fn ovs_key_ipv4_has_its_c_layout() {
    assert_eq!(KeyIpv4::SIZE, 12);
    assert_eq!(bytes(&KEY), [10, 0, 0, 1, 10, 0, 0, 2, 6, 0x10, 64, 0]);
    assert_eq!(KeyIpv4::read(&bytes(&KEY)).unwrap(), KEY);
}

#[test]
fn padding_is_written_as_zeros_and_ignored_when_read() {
    let p = Padded {
        kind: 1,
        pad: [9, 9, 9],
        host: 0x0102,
        name: *b"eth0\0\0",
        key: KEY,
    };
    assert_eq!(Padded::SIZE, 1 + 3 + 2 + 6 + 12);
    let out = bytes(&p);
    assert_eq!(out.len(), Padded::SIZE);
    let expected = [
        &[1, 0, 0, 0][..],
        &0x0102u16.to_ne_bytes(),
        b"eth0\0\0",
        &bytes(&KEY),
    ]
    .concat();
    assert_eq!(out, expected);
    let mut dirty = out.clone();
    dirty[1..4].copy_from_slice(&[7, 7, 7]);
    assert_eq!(Padded::read(&dirty).unwrap(), Padded { pad: [0; 3], ..p });
    // Bytes after the struct are not its business.
    dirty.extend_from_slice(&[1, 2, 3]);
    assert!(Padded::read(&dirty).is_ok());
}

#[test]
fn a_short_buffer_is_truncated_not_a_panic() {
    let out = bytes(&KEY);
    for n in 0..out.len() {
        let e = KeyIpv4::read(&out[..n]).unwrap_err();
        assert_eq!(
            *e.kind(),
            DecodeErrorKind::Truncated {
                what: "KeyIpv4",
                need: 12,
                have: n
            }
        );
    }
}

/// A hand-written struct whose reading always fails.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Picky;

impl CStruct for Picky {
    const SIZE: usize = 1;
    fn write(&self, out: &mut Vec<u8>) {
        out.push(0);
    }
    fn read(_: &[u8]) -> Result<Self, genl_runtime::wire::DecodeError> {
        Err(genl_runtime::wire::DecodeError::new(
            DecodeErrorKind::Invalid("never".into()),
        ))
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, GenlStruct)]
struct Holder {
    #[genl(u8)]
    before: u8,
    #[genl(struct_)]
    inner_part: Picky,
}

#[test]
fn errors_of_a_member_name_it() {
    assert_eq!(Holder::SIZE, 2);
    let e = Holder::read(&[1, 2]).unwrap_err();
    assert_eq!(e.path_string(), ".inner-part");
    assert_eq!(e.to_string(), ".inner-part: never");
}

/// A struct of no members.
#[derive(Clone, Copy, Debug, PartialEq, Eq, GenlStruct)]
struct Nothing {}

#[test]
fn an_empty_struct_is_zero_bytes() {
    assert_eq!(Nothing::SIZE, 0);
    assert!(bytes(&Nothing {}).is_empty());
    assert_eq!(Nothing::read(&[]).unwrap(), Nothing {});
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, GenlEnum)]
enum Cmd {
    #[genl(value = 1)]
    New,
    #[genl(value = 2)]
    Del,
    #[genl(value = 0xffff_ffff_ffff)]
    Far,
    /// Values the spec does not list.
    #[genl(unknown)]
    Unlisted(u64),
}

#[test]
fn enum_values_round_trip_and_unlisted_ones_are_kept() {
    for (c, v) in [(Cmd::New, 1), (Cmd::Del, 2), (Cmd::Far, 0xffff_ffff_ffff)] {
        assert_eq!(c.value(), v);
        assert_eq!(Cmd::from_value(v), c);
    }
    assert_eq!(Cmd::from_value(0), Cmd::Unlisted(0));
    assert_eq!(Cmd::Unlisted(77).value(), 77);
}

/// Only the catch-all.
#[derive(Clone, Copy, Debug, PartialEq, Eq, GenlEnum)]
enum Open {
    #[genl(unknown)]
    Other(u64),
}

#[test]
fn an_enum_of_only_the_catch_all() {
    assert_eq!(Open::from_value(5), Open::Other(5));
    assert_eq!(Open::Other(5).value(), 5);
}
