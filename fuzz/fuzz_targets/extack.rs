//! The parser of `NLMSG_ERROR` and `NLMSG_DONE` payloads with extended ACK
//! attributes, naming the bad and missing attributes through the request
//! that was sent. The input is: two bytes of request length, the request
//! message (as the client sent it, ovs_flow's policy), then the error
//! message (its `nlmsghdr` and payload).
#![no_main]

use genl_runtime::GenlMessage;
use genl_runtime::extack::{Ack, RequestShape, parse_done, parse_error};
use genl_runtime::wire::{NLMSG_HDRLEN, NlMsgHdr};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((len, rest)) = data.split_first_chunk::<2>() else {
        return;
    };
    let split = usize::from(u16::from_le_bytes(*len)).min(rest.len());
    let (request, reply) = rest.split_at(split);
    let Ok(hdr) = NlMsgHdr::parse(reply) else {
        return;
    };
    let payload = reply.get(NLMSG_HDRLEN..).unwrap_or_default();
    let shape = RequestShape {
        message: request,
        header_len: 4,
        policy: <genl_ovs::flow::NewDoRequest as GenlMessage>::policy(),
    };
    for shape in [None, Some(shape)] {
        if let Ok(Ack::Err(e)) = parse_error(&hdr, payload, shape) {
            let _ = e.to_string();
        }
        if let Ok(Err(e)) = parse_done(&hdr, payload, shape) {
            let _ = e.to_string();
        }
    }
});
