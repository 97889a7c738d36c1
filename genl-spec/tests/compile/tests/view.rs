//! Borrowing views of the generated types (the build script turns
//! `Builder::views` on) read what the owned decoder reads: for every struct
//! of attributes of `nlctrl` and (with the corpus) of the four OVS families
//! (and of `ovs_flow` with its actions an ordered list), an arbitrary value
//! is encoded and read back through its view, accessor by accessor
//! (`to_owned` reads every field through them), and compared with the value
//! and with the owned decoder's result. Random bytes read as
//! attributes give the same value or an error through either, never a panic.
//!
//! Values come from `arbitrary`, fed with random bytes by proptest, as in
//! tests/roundtrip.rs (see there for the bounds on size and depth).
#![cfg(feature = "arbitrary")]

mod common;

use arbitrary::{Arbitrary, Unstructured};
use genl_runtime::GenlMessage;
use genl_runtime::view::{GenlView, HasView};
use genl_runtime::wire::DecodeErrorKind;
use proptest::prelude::*;
use proptest::test_runner::TestCaseError;
use std::fmt::Debug;

/// Most input bytes for one value.
const MAX_INPUT: usize = 2048;

fn agree<T>(data: &[u8]) -> Result<(), TestCaseError>
where
    T: GenlMessage + HasView + for<'a> Arbitrary<'a> + PartialEq + Debug,
{
    // The random bytes as attributes: the view builds or fails on a header,
    // and what it reads agrees with the owned decoder.
    match T::view(data) {
        Ok(view) => match (view.to_owned_at(0), T::decode(data)) {
            (Ok(v), Ok(o)) => prop_assert_eq!(v, o),
            (Err(e), Ok(o)) => {
                return Err(TestCaseError::fail(format!("view: {e}; owned: {o:?}")));
            }
            // The view reads the last of a repeated single attribute, the
            // owned decoder every one: it may fail where the view does not.
            (_, Err(_)) => {}
        },
        Err(e) => prop_assert!(T::decode(data).is_err(), "view: {}", e),
    }

    let Ok(value) = T::arbitrary(&mut Unstructured::new(data)) else {
        return Err(TestCaseError::reject("arbitrary made no value"));
    };
    prop_assume!(
        !common::has_nul(&format!("{value:?}")),
        "a string holds a NUL"
    );
    let bytes = value.to_bytes();
    let owned = match T::decode(&bytes) {
        Ok(o) => o,
        Err(e) if matches!(e.kind(), DecodeErrorKind::TooDeep { .. }) => {
            return Err(TestCaseError::reject("nested deeper than MAX_DEPTH"));
        }
        Err(e) => return Err(TestCaseError::fail(format!("{e} decoding {value:?}"))),
    };
    let view = T::view(&bytes).map_err(|e| TestCaseError::fail(format!("view: {e}")))?;
    prop_assert_eq!(view.bytes(), &bytes[..]);
    let read = view
        .to_owned_at(0)
        .map_err(|e| TestCaseError::fail(format!("{e} reading {value:?}")))?;
    prop_assert_eq!(
        &read,
        &owned,
        "through the view (left), owned decoder (right)"
    );
    prop_assert_eq!(&read, &value);
    Ok(())
}

/// Runs `agree::<T>` on proptest's cases (256 unless `PROPTEST_CASES` says
/// otherwise, a fixed seed unless `GENL_PROPTEST_RANDOM` is set), on a
/// thread with a large stack.
fn check<T>()
where
    T: GenlMessage + HasView + for<'a> Arbitrary<'a> + PartialEq + Debug,
{
    common::run_cases(std::any::type_name::<T>(), MAX_INPUT, |data| {
        agree::<T>(data)
    });
}

/// A module of tests named after a family, with one test per type.
macro_rules! views {
    ($family:ident = $($seg:ident)::+; $($ty:ident),+ $(,)?) => {
        mod $family {
            use $($seg)::+ as family;
            $(
                #[test]
                #[allow(non_snake_case)]
                fn $ty() {
                    super::check::<family::$ty>();
                }
            )+
        }
    };
}

views!(nlctrl = genl_compile_tests::project::nlctrl;
    CtrlAttrs, OpAttrs, McastGroupAttrs, PolicyAttrs, OpPolicyAttrs,
    GetfamilyDoRequest, GetfamilyDoReply, GetfamilyDumpReply, GetpolicyDumpRequest,
    GetpolicyDumpReply,
);

views!(project_ovs_datapath = genl_compile_tests::project::ovs_datapath;
    Datapath, GetDoReply, NewDoRequest,
);
views!(project_ovs_vport = genl_compile_tests::project::ovs_vport;
    VportOptions, UpcallStats, Vport, GetDoReply,
);
views!(project_ovs_flow = genl_compile_tests::project::ovs_flow;
    FlowAttrs, KeyAttrs, TunnelKeyAttrs, SampleAttrs, CheckPktLenAttrs, DecTtlAttrs, GetDoReply,
);
views!(project_ovs_packet = genl_compile_tests::project::ovs_packet;
    PacketAttrs, MissEvent, ExecuteDoRequest,
);
views!(project_ovs_meter = genl_compile_tests::project::ovs_meter;
    Meter, Band, GetDoReply,
);

#[cfg(genl_corpus)]
views!(ovs_datapath = genl_compile_tests::corpus::ovs_datapath;
    Datapath, GetDoReply, GetDumpReply, NewDoRequest,
);

#[cfg(genl_corpus)]
views!(ovs_vport = genl_compile_tests::corpus::ovs_vport;
    VportOptions, UpcallStats, Vport, GetDoReply, GetDumpReply,
);

#[cfg(genl_corpus)]
views!(ovs_flow = genl_compile_tests::corpus::ovs_flow;
    FlowAttrs, KeyAttrs, ActionAttrs, TunnelKeyAttrs, CheckPktLenAttrs, SampleAttrs,
    UserspaceAttrs, OvsNshKeyAttrs, CtAttrs, NatAttrs, DecTtlAttrs, VxlanExtAttrs,
    PsampleAttrs, GetDoReply, GetDumpReply, NewDoRequest,
);

#[cfg(genl_corpus)]
views!(ordered_ovs_flow = genl_compile_tests::ordered::ovs_flow;
    FlowAttrs, SampleAttrs, CheckPktLenAttrs, DecTtlAttrs, GetDumpReply, NewDoRequest,
);

#[cfg(genl_corpus)]
views!(ovs_packet = genl_compile_tests::corpus::ovs_packet;
    Packet, MissEvent, ActionEvent, ExecuteDoRequest,
);

/// Malformed replies: errors name the path to the bad attribute, as the
/// owned decoder's do, whether read field by field or all at once.
#[cfg(genl_corpus)]
mod malformed {
    use genl_compile_tests::corpus::ovs_flow;
    use genl_runtime::GenlMessage;
    use genl_runtime::wire::DecodeErrorKind;

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
    fn errors_name_the_path() {
        // OVS_FLOW_ATTR_KEY > OVS_KEY_ATTR_IPV4 of 11 bytes instead of 12.
        let bad_ipv4 = nest(
            1,
            &[attr(3, &1u32.to_ne_bytes()), attr(7, &[0; 11])].concat(),
        );
        let view = ovs_flow::GetDumpReplyView::new(&bad_ipv4).unwrap();
        let key = view.key().unwrap().unwrap();
        assert_eq!(key.in_port().unwrap(), Some(1), "the good fields read");
        let e = key.ipv4().unwrap_err();
        assert_eq!(e.to_string(), ".key.ipv4: the struct is 12 bytes, found 11");
        assert_eq!(
            view.to_owned().unwrap_err(),
            ovs_flow::GetDumpReply::decode(&bad_ipv4).unwrap_err()
        );

        // A tunnel id (type 0) of 4 bytes, in the key, in a `set` action.
        let bad_tunnel = nest(2, &nest(3, &nest(16, &attr(0, &[0; 4]))));
        let view = ovs_flow::GetDumpReplyView::new(&bad_tunnel).unwrap();
        let e = view.to_owned().unwrap_err();
        assert_eq!(e.path_string(), ".actions.set.tunnel.id");
        assert_eq!(e, ovs_flow::GetDumpReply::decode(&bad_tunnel).unwrap_err());

        // A header past the end of the key nest: the key's view fails to build.
        let bad_header = nest(1, &[8, 0, 3, 0, 1, 0]);
        let view = ovs_flow::GetDumpReplyView::new(&bad_header).unwrap();
        let e = view.key().unwrap_err();
        assert_eq!(e.path_string(), ".key");
        assert!(matches!(
            e.kind(),
            DecodeErrorKind::BadAttrLen {
                len: 8,
                remaining: 6
            }
        ));
        assert_eq!(e, ovs_flow::GetDumpReply::decode(&bad_header).unwrap_err());

        // A truncated top level fails when the view is built.
        let e = ovs_flow::GetDumpReplyView::new(&[8, 0, 1, 0]).unwrap_err();
        assert_eq!(
            e.to_string(),
            "attribute length 8 is invalid with 4 bytes left"
        );
    }
}

/// Kinds the view does not type yet: a sub-message reads as its payload
/// bytes, and `to_owned` then reads the whole set with the owned decoder.
#[test]
fn a_sub_message_reads_as_its_payload() {
    use genl_compile_tests::extra::links;
    let link = links::GetDoRequest {
        kind: Some("bridge".into()),
        data: Some(links::DataMsg::Bridge(links::BridgeAttrs {
            port: Some(7),
            ..Default::default()
        })),
        ..Default::default()
    };
    let bytes = link.to_bytes();
    let view = links::GetDoRequestView::new(&bytes).unwrap();
    assert_eq!(view.kind().unwrap(), Some("bridge"));
    let payload = view.data().unwrap().unwrap();
    let bridge = links::BridgeAttrsView::new(payload).unwrap();
    assert_eq!(bridge.port().unwrap(), Some(7));
    assert_eq!(view.to_owned().unwrap(), link);
}

/// An ordered set (`Builder::ordered_set`) is viewed as its attributes, in
/// the order of the wire.
#[cfg(genl_corpus)]
#[test]
fn an_ordered_set_reads_as_its_attributes_in_order() {
    use genl_compile_tests::ordered::ovs_flow::{Action, FlowAttrs, FlowAttrsView};
    let flow = FlowAttrs {
        actions: Some(vec![Action::Output(1), Action::PopVlan, Action::Output(2)]),
        ..Default::default()
    };
    let bytes = flow.to_bytes();
    let view = FlowAttrsView::new(&bytes).unwrap();
    let actions = view.actions().unwrap().unwrap();
    let types: Vec<u16> = actions.attrs().map(|a| a.ty).collect();
    assert_eq!(types, [1, 5, 1]);
    assert_eq!(view.to_owned().unwrap(), flow);
}
