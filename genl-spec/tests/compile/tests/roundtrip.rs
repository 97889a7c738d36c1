//! Round trips of the generated types: for every struct of attributes of
//! `nlctrl` and (with the corpus) of the four OVS families, an arbitrary
//! value encodes, decodes to the same value, and `encoded_len` is the number
//! of bytes written.
//!
//! Values come from `arbitrary` (the build script turns on
//! `Builder::arbitrary`), fed with random bytes by proptest, so that
//! proptest shrinks a failure to a small input. The generated `Arbitrary`
//! impls make only values the wire can carry back exactly (an enum's unknown
//! variant holds an unlisted value, C struct padding stays zero, unknown
//! attributes take type numbers no spec uses, `TypeValue` types fit 14 bits);
//! what they cannot rule out is handled here:
//!
//! - Strings with a NUL: the wire ends a string at its NUL, and `validate`
//!   rejects them. Such values are skipped (rejected, in proptest's terms).
//! - Size and depth: the input is at most [`MAX_INPUT`] bytes. Every
//!   attribute `arbitrary` makes costs at least one input byte and writes at
//!   most a few times that (a header and a small payload, or a C struct made
//!   of as many input bytes as it has), so a value is a few kilobytes at most
//!   and no attribute reaches the 65535 bytes `nla_len` can count (asserted).
//!   Nesting costs at least one byte a level too (`KeyAttrs::encap` is its
//!   first field), so recursion is at most [`MAX_INPUT`] levels deep, and
//!   each case runs on a thread with a 64 MiB stack, ample for that
//!   in a debug build. Random bytes nest a level with odds of about one in
//!   two, so values deeper than `MAX_DEPTH` (32), which the decoder refuses
//!   with `TooDeep`, hardly ever come up; they are skipped.
#![cfg(feature = "arbitrary")]

mod common;

use arbitrary::{Arbitrary, Unstructured};
use genl_runtime::GenlMessage;
use genl_runtime::wire::{DecodeErrorKind, Writer};
use proptest::prelude::*;
use proptest::test_runner::TestCaseError;
use std::fmt::Debug;

/// Most input bytes for one value.
const MAX_INPUT: usize = 2048;

/// The nlmsghdr and genlmsghdr in front of the attributes: a message's
/// attributes are written after them, and alignment counts from the start.
const HEADERS: usize = 20;

fn round_trip<T>(data: &[u8]) -> Result<(), TestCaseError>
where
    T: GenlMessage + for<'a> Arbitrary<'a> + PartialEq + Debug,
{
    // The same bytes, read as attributes, give a value or an error, never a panic.
    let _ = T::decode(data);
    let Ok(value) = T::arbitrary(&mut Unstructured::new(data)) else {
        return Err(TestCaseError::reject("arbitrary made no value"));
    };
    prop_assume!(
        !common::has_nul(&format!("{value:?}")),
        "a string holds a NUL"
    );

    let mut buf = vec![0u8; HEADERS];
    value.encode(&mut Writer::new(&mut buf));
    let written = buf.len() - HEADERS;
    prop_assert_eq!(value.encoded_len(), written, "encoded_len of {:?}", value);
    prop_assert!(
        written <= usize::from(u16::MAX),
        "{written} bytes: the input bound should keep every attribute within nla_len"
    );

    match T::decode(&buf[HEADERS..]) {
        Ok(back) => prop_assert_eq!(back, value, "decoded (left), made (right)"),
        Err(e) if matches!(e.kind(), DecodeErrorKind::TooDeep { .. }) => {
            return Err(TestCaseError::reject("nested deeper than MAX_DEPTH"));
        }
        Err(e) => return Err(TestCaseError::fail(format!("{e} decoding {value:?}"))),
    }
    Ok(())
}

/// Runs the round trip of `T` on proptest's cases (256 unless
/// `PROPTEST_CASES` says otherwise), on a thread with a large stack.
fn check<T>()
where
    T: GenlMessage + for<'a> Arbitrary<'a> + PartialEq + Debug,
{
    common::run_cases(std::any::type_name::<T>(), MAX_INPUT, |data| {
        round_trip::<T>(data)
    });
}

/// A module of tests named after a family, with one test per type; a type
/// may be written `Name = Type` (`Action = Vec<family::Action>`, an ordered
/// set's list).
macro_rules! round_trips {
    ($family:ident = $($seg:ident)::+; $($name:ident $(= $ty:ty)?),+ $(,)?) => {
        mod $family {
            #[allow(unused_imports)]
            use $($seg)::+ as family;
            $(
                #[test]
                #[allow(non_snake_case)]
                fn $name() {
                    round_trips!(@check $name $($ty)?);
                }
            )+
        }
    };
    (@check $name:ident) => { super::check::<family::$name>() };
    (@check $name:ident $ty:ty) => { super::check::<$ty>() };
}

round_trips!(nlctrl = genl_compile_tests::project::nlctrl;
    CtrlAttrs, OpAttrs, McastGroupAttrs, PolicyAttrs, OpPolicyAttrs,
    GetfamilyDoRequest, GetfamilyDoReply, GetfamilyDumpRequest, GetfamilyDumpReply,
    GetpolicyDumpRequest, GetpolicyDumpReply, NewmcastGrpEvent, DelmcastGrpEvent,
);

// The project's own OVS specs; its ovs_flow has ordered actions and its
// ovs_packet key is ovs_flow's key set (build.rs).
round_trips!(project_ovs_datapath = genl_compile_tests::project::ovs_datapath;
    Datapath, NewDoRequest, GetDoReply, SetDoRequest,
);
round_trips!(project_ovs_vport = genl_compile_tests::project::ovs_vport;
    VportOptions, VxlanExt, UpcallStats, Vport, NewDoRequest, GetDoReply, SetDoRequest,
);
round_trips!(project_ovs_flow = genl_compile_tests::project::ovs_flow;
    Action = Vec<family::Action>, FlowAttrs, KeyAttrs, TunnelKeyAttrs, NshKeyAttrs, CtAttrs,
    NatAttrs, SampleAttrs, CheckPktLenAttrs, DecTtlAttrs, PsampleAttrs, UserspaceAttrs,
    VxlanExtAttrs, NewDoRequest, GetDoReply, SetDoRequest,
);
round_trips!(project_ovs_packet = genl_compile_tests::project::ovs_packet;
    PacketAttrs, MissEvent, ActionEvent, ExecuteDoRequest,
);
round_trips!(project_ovs_meter = genl_compile_tests::project::ovs_meter;
    Meter, Band, FeaturesDoReply, SetDoRequest, GetDoReply,
);
round_trips!(project_ovs_ct_limit = genl_compile_tests::project::ovs_ct_limit;
    CtLimit, GetDoReply,
);

#[cfg(genl_corpus)]
round_trips!(ovs_datapath = genl_compile_tests::corpus::ovs_datapath;
    Datapath, GetDoRequest, GetDoReply, GetDumpRequest, GetDumpReply, NewDoRequest,
    DelDoRequest,
);

#[cfg(genl_corpus)]
round_trips!(ovs_vport = genl_compile_tests::corpus::ovs_vport;
    VportOptions, UpcallStats, Vport, NewDoRequest, DelDoRequest, GetDoRequest, GetDoReply,
    GetDumpRequest, GetDumpReply,
);

#[cfg(genl_corpus)]
round_trips!(ovs_flow = genl_compile_tests::corpus::ovs_flow;
    FlowAttrs, KeyAttrs, ActionAttrs, TunnelKeyAttrs, CheckPktLenAttrs, SampleAttrs,
    UserspaceAttrs, OvsNshKeyAttrs, CtAttrs, NatAttrs, DecTtlAttrs, VxlanExtAttrs,
    PsampleAttrs, GetDoRequest, GetDoReply, GetDumpRequest, GetDumpReply, NewDoRequest,
);

// `ovs_flow` with its actions an ordered list: the sets that hold actions.
#[cfg(genl_corpus)]
round_trips!(ovs_flow_ordered = genl_compile_tests::ordered::ovs_flow;
    Action = Vec<family::Action>, FlowAttrs, CheckPktLenAttrs, SampleAttrs, DecTtlAttrs,
    GetDoReply, NewDoRequest,
);

#[cfg(genl_corpus)]
round_trips!(ovs_packet = genl_compile_tests::corpus::ovs_packet;
    Packet, MissEvent, ActionEvent, ExecuteDoRequest,
);

#[test]
fn nul_detection_reads_debug_escapes() {
    assert!(common::has_nul(&format!("{:?}", Some("a\0b".to_owned()))));
    assert!(!common::has_nul(&format!(
        "{:?}",
        (Some(r"a\0b".to_owned()), vec![0u8; 3])
    )));
}
