//! Hostile and odd input: each malformed message gives a typed
//! [`DecodeError`] with the path to the bad attribute (or is handled as the
//! kernel intends), never a panic, and never an allocation sized by a
//! length field the buffer does not back.

use genl_runtime::extack::{Ack, parse_done, parse_error};
use genl_runtime::nlctrl::GetfamilyDoReply;
use genl_runtime::wire::{
    DecodeErrorKind, GENL_HDRLEN, GenlMsgHdr, NLMSG_HDRLEN, NlMsgHdr, PathSegment, Writer, attrs,
    begin_message, end_message, flags, messages, msg_type,
};
use genl_runtime::{GenlMessage, UnknownAttr};

/// A getfamily reply with a name, an id and one operation.
fn reply() -> Vec<u8> {
    let mut buf = Vec::new();
    let mut w = Writer::new(&mut buf);
    w.scalar(1, 16u16);
    w.string(2, "nlctrl");
    let ops = w.begin_nest(6);
    let op = w.begin_nest(1);
    w.scalar(1, 3u32);
    w.scalar(2, 0x0eu32);
    w.end_nest(op);
    w.end_nest(ops);
    buf
}

fn attr(ty: u16, payload: &[u8]) -> Vec<u8> {
    let mut v = ((4 + payload.len()) as u16).to_ne_bytes().to_vec();
    v.extend_from_slice(&ty.to_ne_bytes());
    v.extend_from_slice(payload);
    v.resize(v.len().next_multiple_of(4), 0);
    v
}

fn path(e: &genl_runtime::wire::DecodeError) -> String {
    e.path_string()
}

#[test]
fn the_reply_itself_decodes() {
    let r = GetfamilyDoReply::decode(&reply()).unwrap();
    assert_eq!(r.family_name.as_deref(), Some("nlctrl"));
    assert_eq!(r.ops.len(), 1);
}

#[test]
fn truncated_netlink_and_genl_headers() {
    let mut buf = Vec::new();
    let m = begin_message(
        &mut buf,
        NlMsgHdr {
            ty: 0x10,
            ..Default::default()
        },
    );
    GenlMsgHdr { cmd: 1, version: 2 }.write(&mut buf);
    buf.extend_from_slice(&reply());
    end_message(&mut buf, m);
    for cut in 0..NLMSG_HDRLEN {
        let e = NlMsgHdr::parse(&buf[..cut]).unwrap_err();
        assert!(
            matches!(e.kind(), DecodeErrorKind::Truncated { have, .. } if *have == cut),
            "{e}"
        );
        // A datagram cut inside the header is one error, then the end.
        let mut it = messages(&buf[..cut]);
        if cut > 0 {
            assert!(it.next().unwrap().is_err());
        }
        assert!(it.next().is_none());
    }
    // The length says more than the datagram holds.
    for cut in NLMSG_HDRLEN..buf.len() {
        let e = messages(&buf[..cut]).next().unwrap().unwrap_err();
        assert!(
            matches!(e.kind(), DecodeErrorKind::BadMessageLen { .. }),
            "{e}"
        );
    }
    // nlmsg_len below the header: an error, not an endless loop.
    let mut small = buf.clone();
    small[..4].copy_from_slice(&8u32.to_ne_bytes());
    let all: Vec<_> = messages(&small).collect();
    assert_eq!(all.len(), 1);
    assert!(matches!(
        all[0].as_ref().unwrap_err().kind(),
        DecodeErrorKind::BadMessageLen { len: 8, .. }
    ));
    // A genl header cut short.
    for cut in 0..GENL_HDRLEN {
        let payload = &buf[NLMSG_HDRLEN..NLMSG_HDRLEN + cut];
        assert!(matches!(
            GenlMsgHdr::parse(payload).unwrap_err().kind(),
            DecodeErrorKind::Truncated { .. }
        ));
    }
}

#[test]
fn nla_len_below_the_header_or_past_the_end() {
    for len in [0u16, 1, 2, 3] {
        let mut bytes = reply();
        bytes[..2].copy_from_slice(&len.to_ne_bytes());
        let e = GetfamilyDoReply::decode(&bytes).unwrap_err();
        assert_eq!(
            e.kind(),
            &DecodeErrorKind::BadAttrLen {
                len,
                remaining: bytes.len()
            }
        );
    }
    let mut bytes = reply();
    bytes[..2].copy_from_slice(&4000u16.to_ne_bytes());
    let e = GetfamilyDoReply::decode(&bytes).unwrap_err();
    assert!(
        matches!(e.kind(), DecodeErrorKind::BadAttrLen { len: 4000, .. }),
        "{e}"
    );
    // Fewer than 4 bytes left after the last attribute end the walk, as
    // the kernel's nla_ok() ends it: no attribute header fits.
    let mut bytes = reply();
    bytes.extend_from_slice(&[8, 0, 1]);
    let r = GetfamilyDoReply::decode(&bytes).unwrap();
    assert_eq!(r, GetfamilyDoReply::decode(&reply()).unwrap());
}

#[test]
fn a_nest_that_claims_more_than_its_parent() {
    // ops (6) holds op 1, whose inner attribute claims 64 bytes.
    let inner = {
        let mut a = attr(1, &3u32.to_ne_bytes());
        a[..2].copy_from_slice(&64u16.to_ne_bytes());
        a
    };
    let bytes = attr(6, &attr(1, &inner));
    let e = GetfamilyDoReply::decode(&bytes).unwrap_err();
    assert!(
        matches!(e.kind(), DecodeErrorKind::BadAttrLen { len: 64, .. }),
        "{e}"
    );
    assert_eq!(path(&e), ".ops[0]");
    // The element itself claims more than `ops` holds.
    let mut elem = attr(1, &attr(1, &3u32.to_ne_bytes()));
    elem[..2].copy_from_slice(&200u16.to_ne_bytes());
    let e = GetfamilyDoReply::decode(&attr(6, &elem)).unwrap_err();
    assert!(
        matches!(e.kind(), DecodeErrorKind::BadAttrLen { len: 200, .. }),
        "{e}"
    );
    // Reported at the first element of `ops`, the one that overruns.
    assert_eq!(path(&e), ".ops[0]");
}

#[test]
fn wrong_scalar_sizes_name_the_attribute() {
    for size in [0usize, 1, 3, 4, 8] {
        let bytes = attr(1, &vec![0; size]); // family-id is a u16
        let e = GetfamilyDoReply::decode(&bytes).unwrap_err();
        assert_eq!(
            e.kind(),
            &DecodeErrorKind::WrongSize {
                ty: "u16",
                expected: &[2],
                got: size
            }
        );
        assert_eq!(path(&e), ".family-id");
    }
    let bytes = attr(6, &attr(1, &attr(2, &[1, 2]))); // op flags, a u32
    let e = GetfamilyDoReply::decode(&bytes).unwrap_err();
    assert_eq!(path(&e), ".ops[0].flags");
}

#[test]
fn strings_without_nul_or_with_bad_utf8() {
    let e = GetfamilyDoReply::decode(&attr(2, b"nlctrl")).unwrap_err();
    assert_eq!(e.kind(), &DecodeErrorKind::MissingNul);
    assert_eq!(e.to_string(), ".family-name: string is not NUL-terminated");
    let e = GetfamilyDoReply::decode(&attr(2, b"nl\xffctrl\0")).unwrap_err();
    assert_eq!(e.kind(), &DecodeErrorKind::BadUtf8);
    assert_eq!(path(&e), ".family-name");
    let e = GetfamilyDoReply::decode(&attr(2, b"")).unwrap_err();
    assert_eq!(path(&e), ".family-name");
}

#[test]
fn unknown_attributes_are_kept_not_fatal() {
    let mut bytes = reply();
    bytes.extend_from_slice(&attr(99, b"new!"));
    bytes.extend_from_slice(&attr(0x8000 | 98, &attr(1, &[7; 4])));
    let r = GetfamilyDoReply::decode(&bytes).unwrap();
    assert_eq!(r.family_name.as_deref(), Some("nlctrl"));
    assert_eq!(r.unknown.len(), 2);
    let UnknownAttr { ty, .. } = &r.unknown[0];
    assert_eq!(*ty & 0x3fff, 99);
    // And they go back on the wire as they came.
    let again = GetfamilyDoReply::decode(&r.to_bytes()).unwrap();
    assert_eq!(again, r);
}

#[test]
fn nests_deeper_than_the_limit_are_an_error_not_a_stack_overflow() {
    // Policy attributes nest policy-attrs in policy-attrs through
    // `policy`/`op-policy`; whatever the set, a chain of nests ten thousand
    // deep in an attribute the decoder follows must stop at MAX_DEPTH.
    let mut nest = attr(1, &3u32.to_ne_bytes());
    for _ in 0..10_000 {
        nest = attr(1, &nest);
        if nest.len() > 60_000 {
            break;
        }
    }
    let bytes = attr(6, &nest);
    // ops[0] is op-attrs with scalars only: its attribute 1 is a u32, so the
    // first nest level already fails as a wrong size; the point is that it
    // returns at all.
    assert!(GetfamilyDoReply::decode(&bytes).is_err());
    // Unknown nested attributes are not followed at all.
    let bytes = attr(0x8000 | 90, &nest);
    let r = GetfamilyDoReply::decode(&bytes).unwrap();
    assert_eq!(r.unknown.len(), 1);
}

#[test]
fn a_huge_reply_decodes_without_a_copy_per_attribute_header() {
    // 1 MiB of attributes: many operations, then one large unknown blob.
    let mut bytes = Vec::new();
    let mut w = Writer::new(&mut bytes);
    let ops = w.begin_nest(6);
    for i in 1..=4000u16 {
        let op = w.begin_nest(i);
        w.scalar(1, u32::from(i));
        w.end_nest(op);
    }
    w.end_nest(ops);
    // An attribute holds at most 64 KiB; many of them fill a 1 MiB buffer.
    let mut blobs = 0;
    while bytes.len() < 1 << 20 {
        bytes.extend_from_slice(&attr(200, &vec![0xa5; 60_000]));
        blobs += 1;
    }
    let r = GetfamilyDoReply::decode(&bytes).unwrap();
    assert_eq!(r.ops.len(), 4000);
    assert_eq!(r.unknown.len(), blobs);
    // The same buffer with its last attribute cut: an error, at the end.
    let cut = &bytes[..bytes.len() - 10];
    let e = GetfamilyDoReply::decode(cut).unwrap_err();
    assert!(
        matches!(e.kind(), DecodeErrorKind::BadAttrLen { .. }),
        "{e}"
    );
}

fn error_message(errno: i32, flags: u16, echoed: &[u8], tlvs: &[u8]) -> Vec<u8> {
    let mut buf = Vec::new();
    let m = begin_message(
        &mut buf,
        NlMsgHdr {
            ty: msg_type::ERROR,
            flags,
            seq: 1,
            ..Default::default()
        },
    );
    buf.extend_from_slice(&(-errno).to_ne_bytes());
    buf.extend_from_slice(echoed);
    buf.extend_from_slice(tlvs);
    end_message(&mut buf, m);
    buf
}

#[test]
fn nlmsg_error_with_a_truncated_extack() {
    let mut echoed = Vec::new();
    NlMsgHdr {
        len: 20,
        ty: 0x10,
        seq: 1,
        ..Default::default()
    }
    .write(&mut echoed);
    let mut tlvs = attr(1, b"bad attribute\0");
    tlvs.extend_from_slice(&attr(2, &20u32.to_ne_bytes()));
    let msg = error_message(22, flags::CAPPED | flags::ACK_TLVS, &echoed, &tlvs);
    let hdr = NlMsgHdr::parse(&msg).unwrap();
    let payload = &msg[NLMSG_HDRLEN..];
    let Ack::Err(e) = parse_error(&hdr, payload, None).unwrap() else {
        panic!("an error");
    };
    assert_eq!((e.errno, e.message.as_deref()), (22, Some("bad attribute")));
    // Cut anywhere: an error naming the extack attribute, or the errno
    // alone when the cut falls before the TLVs; never a panic.
    let tlv_start = 4 + NLMSG_HDRLEN;
    for cut in 0..payload.len() {
        match parse_error(&hdr, &payload[..cut], None) {
            Ok(Ack::Err(e)) => {
                // Cut before the TLVs, between them, or with fewer than 4
                // bytes of the next (no header fits; the walk ends as
                // nla_ok() ends it): what is there is read, nothing else.
                assert_eq!(e.errno, 22);
                assert!(e.message.is_none() || e.message.as_deref() == Some("bad attribute"));
                assert!(
                    e.bad_attr.is_none() || cut >= payload.len() - 2,
                    "cut {cut}: {e:?}"
                );
            }
            Ok(Ack::Ok { .. }) => panic!("an error read as success at cut {cut}"),
            Err(e) => {
                if cut > tlv_start {
                    assert_eq!(e.path().next(), Some(&PathSegment::Attr("extack")), "{e}");
                }
            }
        }
    }
    // The message attribute without its NUL is read as far as it goes;
    // with bad UTF-8 the extack is malformed, and the error says where.
    let msg = error_message(
        22,
        flags::CAPPED | flags::ACK_TLVS,
        &echoed,
        &attr(1, b"abc"),
    );
    let hdr = NlMsgHdr::parse(&msg).unwrap();
    let Ack::Err(e) = parse_error(&hdr, &msg[NLMSG_HDRLEN..], None).unwrap() else {
        panic!("an error");
    };
    assert_eq!(e.message.as_deref(), Some("abc"));
    let msg = error_message(
        22,
        flags::CAPPED | flags::ACK_TLVS,
        &echoed,
        &attr(1, b"a\xff\0"),
    );
    let hdr = NlMsgHdr::parse(&msg).unwrap();
    let e = parse_error(&hdr, &msg[NLMSG_HDRLEN..], None).unwrap_err();
    assert_eq!(e.path_string(), ".extack.msg");
    // An offset of the wrong size.
    let msg = error_message(22, flags::CAPPED | flags::ACK_TLVS, &echoed, &attr(2, &[1]));
    let hdr = NlMsgHdr::parse(&msg).unwrap();
    let e = parse_error(&hdr, &msg[NLMSG_HDRLEN..], None).unwrap_err();
    assert_eq!(e.path_string(), ".extack.offs");
    // An uncapped error whose echoed request claims more than is there.
    let mut lying = echoed.clone();
    lying[..4].copy_from_slice(&5000u32.to_ne_bytes());
    let msg = error_message(1, flags::ACK_TLVS, &lying, &tlvs);
    let hdr = NlMsgHdr::parse(&msg).unwrap();
    let Ack::Err(e) = parse_error(&hdr, &msg[NLMSG_HDRLEN..], None).unwrap() else {
        panic!("an error");
    };
    assert_eq!((e.errno, e.message), (1, None));
}

#[test]
fn a_done_with_odd_payloads() {
    let hdr = NlMsgHdr {
        ty: msg_type::DONE,
        flags: flags::MULTI | flags::ACK_TLVS,
        ..Default::default()
    };
    assert_eq!(parse_done(&hdr, &[], None).unwrap(), Ok(()));
    assert!(parse_done(&hdr, &[1, 2], None).is_err());
    // A TLV that claims more than the payload holds.
    let mut p = (-5i32).to_ne_bytes().to_vec();
    p.extend_from_slice(&[9, 0, 1, 0, b'a']);
    let e = parse_done(&hdr, &p, None).unwrap_err();
    assert_eq!(e.path_string(), ".extack");
    // Three bytes are no TLV: the errno alone.
    p.truncate(7);
    assert_eq!(parse_done(&hdr, &p, None).unwrap().unwrap_err().errno, 5);
    // i32::MIN has no positive errno; it must not overflow.
    let e = parse_done(&hdr, &i32::MIN.to_ne_bytes(), None)
        .unwrap()
        .unwrap_err();
    assert_eq!(e.errno, i32::MAX);
}

#[test]
fn attribute_iteration_stops_after_the_first_bad_length() {
    let mut bytes = attr(1, &[0; 4]);
    bytes.extend_from_slice(&[2, 0, 1, 0]); // nla_len 2
    bytes.extend_from_slice(&attr(1, &[0; 4]));
    let all: Vec<_> = attrs(&bytes).collect();
    assert_eq!(all.len(), 2);
    assert!(all[0].is_ok() && all[1].is_err());
}
