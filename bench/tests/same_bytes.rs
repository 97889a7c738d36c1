//! Every implementation writes the same bytes for the benchmark's messages
//! and reads back the same values, so that the benchmarks time the same
//! work.

use genl_bench::{floor, messages};
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
