//! Hostile and odd input to the OVS types: action lists nested as deep as
//! the kernel allows and deeper, malformed upcalls, attributes the spec does
//! not know. Typed errors with paths, no panics.

use genl_ovs::flow::{Action, GetDumpReply, KeyAttrs, NewDoRequest, SampleAttrs};
use genl_ovs::packet::MissEvent;
use genl_runtime::policy::Violation;
use genl_runtime::view::{GenlView, HasView};
use genl_runtime::wire::{DecodeErrorKind, Writer};
use genl_runtime::{GenlMessage, MAX_DEPTH};

/// The kernel's limit on nested action lists (`OVS_COPY_ACTIONS_MAX_DEPTH`
/// in net/openvswitch/flow_netlink.c): the top-level list is depth 0, each
/// `clone`, `sample`, `check_pkt_len` or `dec_ttl` adds one, and a list
/// deeper than 16 is refused with `EOVERFLOW`.
const KERNEL_ACTION_DEPTH: usize = 16;

/// `clone(clone(...clone(output:1)))` with `depth` clones.
fn clones(depth: usize) -> Vec<Action> {
    let mut actions = vec![Action::Output(1)];
    for _ in 0..depth {
        actions = vec![Action::Clone(actions)];
    }
    actions
}

fn request(actions: Vec<Action>) -> NewDoRequest {
    NewDoRequest {
        key: Some(Box::new(KeyAttrs {
            in_port: Some(1),
            ..Default::default()
        })),
        actions: Some(actions),
        ..Default::default()
    }
}

#[test]
fn clones_as_deep_as_the_kernel_allows_round_trip() {
    let req = request(clones(KERNEL_ACTION_DEPTH));
    req.validate().expect("the kernel takes 16 nested clones");
    let bytes = req.to_bytes();
    assert_eq!(NewDoRequest::decode(&bytes).unwrap(), req);
    let view = NewDoRequest::view(&bytes).unwrap();
    assert_eq!(view.to_owned_at(0).unwrap(), req);
}

#[test]
fn clones_deeper_than_the_decoder_follows_are_an_error() {
    // The owned decoder stops at MAX_DEPTH levels of nests (the flow
    // attributes, the action list, then one level per clone).
    let bytes = request(clones(MAX_DEPTH + 4)).to_bytes();
    let e = NewDoRequest::decode(&bytes).unwrap_err();
    assert_eq!(e.kind(), &DecodeErrorKind::TooDeep { limit: MAX_DEPTH });
    assert!(e.path_string().starts_with(".actions"), "{e}");
    let e = NewDoRequest::view(&bytes)
        .and_then(|v| v.to_owned_at(0))
        .unwrap_err();
    assert_eq!(e.kind(), &DecodeErrorKind::TooDeep { limit: MAX_DEPTH });
    // A chain of nests as long as a 64 KiB message can hold returns too.
    let mut nest = Vec::new();
    Writer::new(&mut nest).scalar(1, 1u32);
    while nest.len() < 60_000 {
        let mut outer = Vec::new();
        let mut w = Writer::new(&mut outer);
        let t = w.begin_nest(20);
        w.raw(&nest);
        w.end_nest(t);
        nest = outer;
    }
    let mut bytes = Vec::new();
    let mut w = Writer::new(&mut bytes);
    let t = w.begin_nest(2);
    w.raw(&nest);
    w.end_nest(t);
    let e = GetDumpReply::decode(&bytes).unwrap_err();
    assert!(matches!(e.kind(), DecodeErrorKind::TooDeep { .. }), "{e}");
}

#[test]
fn clones_one_deeper_than_the_kernel_allows_are_refused_before_sending() {
    let req = request(clones(KERNEL_ACTION_DEPTH + 1));
    let e = req.validate().unwrap_err();
    assert_eq!(
        e.violation(),
        &Violation::TooDeep {
            set: "action-attrs",
            limit: KERNEL_ACTION_DEPTH
        }
    );
    // The innermost clone's list is the 17th level below the flow's.
    let path = format!(".actions{}", "[0].clone".repeat(KERNEL_ACTION_DEPTH + 1));
    assert_eq!(e.path_string(), path, "{e}");
    // Every action that nests a list counts, and so does a list beside
    // others: sample's actions, check_pkt_len's two lists, dec_ttl's.
    let mut deep = clones(KERNEL_ACTION_DEPTH);
    deep = vec![Action::Sample(SampleAttrs {
        probability: Some(1),
        actions: Some(deep),
        ..Default::default()
    })];
    let e = request(deep).validate().unwrap_err();
    assert!(matches!(e.violation(), Violation::TooDeep { .. }), "{e}");
    assert!(
        e.path_string()
            .starts_with(".actions[0].sample.actions[0].clone"),
        "{e}"
    );
    // A client refuses it before sending (no socket needed to see that).
    let mut wide = clones(KERNEL_ACTION_DEPTH);
    wide.push(Action::Clone(clones(KERNEL_ACTION_DEPTH)));
    let e = request(wide.clone()).validate().unwrap_err();
    assert!(e.path_string().starts_with(".actions[1].clone[0]"), "{e}");
    // And as deep as allowed, in several branches, is fine.
    wide.pop();
    wide.push(Action::Clone(clones(KERNEL_ACTION_DEPTH - 1)));
    request(wide).validate().expect("16 levels in two branches");
}

fn miss(f: impl FnOnce(&mut Writer<'_>)) -> Vec<u8> {
    let mut buf = Vec::new();
    let mut w = Writer::new(&mut buf);
    w.bytes(1, &[0; 60]);
    f(&mut w);
    buf
}

#[test]
fn a_key_member_of_the_wrong_size_is_named() {
    let bytes = miss(|w| {
        let k = w.begin_nest(2);
        w.scalar(3, 1u32);
        w.bytes(4, &[0; 11]); // ethernet is 12 bytes
        w.end_nest(k);
    });
    let e = MissEvent::decode(&bytes).unwrap_err();
    assert_eq!(e.path_string(), ".key.ethernet", "{e}");
    let view = MissEvent::view(&bytes).unwrap();
    let e = view.to_owned_at(0).unwrap_err();
    assert_eq!(e.path_string(), ".key.ethernet", "{e}");
}

#[test]
fn unknown_key_and_action_attributes_are_kept() {
    let bytes = miss(|w| {
        let k = w.begin_nest(2);
        w.scalar(3, 1u32);
        w.bytes(200, b"from a newer kernel");
        w.end_nest(k);
        w.scalar(300, 7u64);
    });
    let m = MissEvent::decode(&bytes).unwrap();
    assert_eq!(m.unknown.len(), 1);
    let key = m.key.as_ref().unwrap();
    assert_eq!((key.in_port, key.unknown.len()), (Some(1), 1));
    assert_eq!(MissEvent::view(&bytes).unwrap().to_owned_at(0).unwrap(), m);

    let mut bytes = Vec::new();
    let mut w = Writer::new(&mut bytes);
    let a = w.begin_nest(2);
    w.scalar(1, 2u32);
    w.bytes(99, &[1, 2, 3]);
    w.scalar(1, 3u32);
    w.end_nest(a);
    let r = GetDumpReply::decode(&bytes).unwrap();
    let actions = r.actions.unwrap();
    assert_eq!(actions.len(), 3);
    assert!(matches!(actions[1], Action::Unknown(_)));
    assert_eq!(actions[2], Action::Output(3));
}

#[test]

fn a_view_rejects_what_the_owned_decoder_rejects() {
    let bytes = miss(|w| {
        w.bytes(2, &[0x00, 0x01, 0, 0]); // a key whose first attribute claims 256 bytes
        let k = w.begin_nest(2);
        w.scalar(3, 1u32);
        w.end_nest(k);
    });
    assert!(MissEvent::decode(&bytes).is_err());
    assert!(
        MissEvent::view(&bytes)
            .and_then(|v| v.to_owned_at(0))
            .is_err()
    );
}
