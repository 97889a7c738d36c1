//! Every implementation writes the same bytes for the benchmark's messages
//! and reads back the same values, so that the benchmarks time the same
//! work.

use genl_bench::{floor, messages, peers};
use genl_ovs::flow::{GetDumpReply, NewDoRequest};
use genl_ovs::packet::MissEvent;
use genl_runtime::GenlMessage;

#[test]
fn flow_new_is_written_alike() {
    let ours = messages::payload(&messages::flow_new());
    let mut theirs = Vec::new();
    floor::encode_flow(
        &mut theirs,
        messages::DP_IFINDEX,
        &messages::floor_flow(false),
    );
    assert_eq!(ours, theirs);
    assert_eq!(
        NewDoRequest::decode(&ours[4..]).unwrap(),
        messages::flow_new()
    );
    let (dp, flow) = floor::decode_flow(&ours).unwrap();
    assert_eq!(
        (dp, flow),
        (messages::DP_IFINDEX, messages::floor_flow(false))
    );
}

#[test]
fn flow_dump_reply_is_written_alike() {
    let ours = messages::payload(&messages::flow_dump_reply());
    let mut theirs = Vec::new();
    floor::encode_flow(
        &mut theirs,
        messages::DP_IFINDEX,
        &messages::floor_flow(true),
    );
    assert_eq!(ours, theirs);
    assert_eq!(
        GetDumpReply::decode(&ours[4..]).unwrap(),
        messages::flow_dump_reply()
    );
    let (_, flow) = floor::decode_flow(&ours).unwrap();
    assert_eq!(flow, messages::floor_flow(true));
}

#[test]
fn miss_upcall_reads_alike() {
    let bytes = messages::payload(&messages::miss());
    let ours = MissEvent::decode(&bytes[4..]).unwrap();
    assert_eq!(ours, messages::miss());
    let (_, m) = floor::decode_miss(&bytes).unwrap();
    assert_eq!(m.packet, messages::packet().as_slice());
    assert_eq!(m.key, messages::floor_flow(false).key);
    assert_eq!(m.hash, 0x1_dead_beef);
}

/// The genl payload (from `struct ovs_header` on) of the flow written by
/// each peer, for the request (`reply` false) or the dump reply.
fn peers_flow(reply: bool) -> Vec<(&'static str, Vec<u8>)> {
    let f = messages::floor_flow(reply);
    let dp = messages::DP_IFINDEX;
    let mut bindings = Vec::new();
    peers::bindings::encode_flow(&mut bindings, dp, &f);
    let mut neli = std::io::Cursor::new(Vec::new());
    peers::neli::encode_flow(&mut neli, dp, &f).unwrap();
    let mut rtnl = Vec::new();
    peers::rust_netlink::encode(&peers::rust_netlink::flow_message(1, dp, &f), &mut rtnl);
    // neli and rust-netlink write the genl header too.
    vec![
        ("netlink-bindings", bindings),
        ("neli", neli.into_inner()[4..].to_vec()),
        ("rust-netlink", rtnl[4..].to_vec()),
    ]
}

/// A genl header before a payload, for the peers that parse one.
fn with_genl_header(cmd: u8, payload: &[u8]) -> Vec<u8> {
    let mut b = vec![cmd, 1, 0, 0];
    b.extend_from_slice(payload);
    b
}

#[test]
fn peers_write_the_flow_alike() {
    for reply in [false, true] {
        let ours = if reply {
            messages::payload(&messages::flow_dump_reply())
        } else {
            messages::payload(&messages::flow_new())
        };
        for (peer, theirs) in peers_flow(reply) {
            assert_eq!(ours, theirs, "{peer}, reply {reply}");
        }
    }
}

#[test]
fn peers_read_the_flow_dump_alike() {
    let bytes = messages::payload(&messages::flow_dump_reply());
    let want = (messages::DP_IFINDEX, messages::floor_flow(true));
    assert_eq!(peers::bindings::decode_flow(&bytes).unwrap(), want);
    let genl = with_genl_header(1, &bytes);
    assert_eq!(peers::neli::decode_flow(&genl).unwrap(), want);
    assert_eq!(peers::rust_netlink::decode_flow(&genl).unwrap(), want);
    // rust-netlink's typed message is the one it encodes.
    assert_eq!(
        peers::rust_netlink::parse_flow(&genl).unwrap().payload,
        peers::rust_netlink::flow_message(1, messages::DP_IFINDEX, &want.1).payload
    );
}

#[test]
fn peers_read_the_miss_upcall_alike() {
    let bytes = messages::payload(&messages::miss());
    let (dp, m) = floor::decode_miss(&bytes).unwrap();
    let want = peers::MissRead::of_floor(dp, &m);
    assert_eq!(want.packet_len, 1500);
    assert_eq!(want.key, messages::floor_flow(false).key);
    assert_eq!(peers::bindings::decode_miss(&bytes).unwrap(), want);
    let genl = with_genl_header(1, &bytes);
    assert_eq!(peers::neli::decode_miss(&genl).unwrap(), want);
    assert_eq!(peers::rust_netlink::decode_miss(&genl).unwrap(), want);
}

#[test]
fn peers_reject_a_truncated_flow() {
    let bytes = messages::payload(&messages::flow_dump_reply());
    // Cut inside the key's nest: its length now runs past the end.
    let cut = &bytes[..40];
    assert!(peers::bindings::decode_flow(cut).is_err());
    assert!(peers::neli::decode_flow(&with_genl_header(1, cut)).is_err());
    assert!(peers::rust_netlink::decode_flow(&with_genl_header(1, cut)).is_err());
}
