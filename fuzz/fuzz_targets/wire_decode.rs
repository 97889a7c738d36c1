//! The wire decoders of generated types on arbitrary bytes: nlctrl's
//! replies and events (genl-runtime's checked-in bindings), ovs_flow's
//! replies and notifications, ovs_packet's upcalls. The first byte picks
//! the decoder; the rest is the message payload after the genl header.
//!
//! Beyond "no panic": where a type has a borrowing view, the view reads
//! the same value as the owned decoder (and fails when it fails), and
//! every decoded value encodes to bytes that decode to the same value.
#![no_main]

use std::fmt::Debug;

use genl_ovs::{flow, packet};
use genl_runtime::view::{GenlView, HasView};
use genl_runtime::wire::messages;
use genl_runtime::{Events, GenlMessage};
use libfuzzer_sys::fuzz_target;

/// Owned decoding, then the re-encoding round trip.
fn owned<T: GenlMessage + PartialEq + Debug>(bytes: &[u8]) -> Option<T> {
    let value = T::decode(bytes).ok()?;
    let again = T::decode(&value.to_bytes()).expect("re-encoded value decodes");
    assert_eq!(again, value, "re-encoded value decodes to itself");
    Some(value)
}

/// Owned and view decoding agree.
fn both<T>(bytes: &[u8])
where
    T: GenlMessage + HasView + PartialEq + Debug,
    for<'a> T::View<'a>: Debug,
{
    let value = owned::<T>(bytes);
    let viewed = T::view(bytes).and_then(|v| {
        let _ = format!("{v:?}");
        v.to_owned_at(0)
    });
    match (value, viewed) {
        (Some(a), Ok(b)) => assert_eq!(a, b, "view and owned decoder agree"),
        (None, Err(_)) => {}
        (a, b) => panic!("owned decoder gave {a:?}, the view {b:?}"),
    }
}

fn events<E: Events + Debug>(cmd: u8, payload: &[u8]) {
    if let Ok(e) = E::decode_event(cmd, payload) {
        let _ = format!("{e:?}");
    }
}

fuzz_target!(|data: &[u8]| {
    let Some((&which, rest)) = data.split_first() else {
        return;
    };
    // The OVS messages start with the 4-byte ovs_header.
    let attrs = rest.get(4..).unwrap_or_default();
    match which % 8 {
        0 => {
            owned::<genl_runtime::nlctrl::GetfamilyDoReply>(rest);
        }
        1 => {
            owned::<genl_runtime::nlctrl::GetpolicyDumpReply>(rest);
        }
        2 => events::<genl_runtime::nlctrl::Event>(which >> 3, rest),
        3 => both::<flow::GetDumpReply>(attrs),
        4 => events::<flow::Event>(which >> 3, rest),
        5 => both::<packet::MissEvent>(attrs),
        6 => events::<packet::Event>(which >> 3, rest),
        _ => {
            // A whole datagram: the messages and their genl headers.
            for m in messages(rest) {
                let Ok((_, payload)) = m else { break };
                let _ = genl_runtime::wire::GenlMsgHdr::parse(payload);
            }
        }
    }
});
