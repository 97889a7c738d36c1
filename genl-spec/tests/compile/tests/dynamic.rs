//! The dynamic codec of the `genl` command (`genl_cli::dynamic`), driven by
//! a spec at run time, against the code generated from the same spec: for
//! arbitrary values of the generated types of nlctrl and (with the corpus)
//! the OVS families, mptcp_pm, netdev and ethtool,
//!
//! - the bytes the generated encoder writes, decoded by the dynamic codec,
//!   give the JSON the generated serde writes;
//! - that JSON, encoded by the dynamic codec, gives the same bytes: for the
//!   structs of attribute sets (both write a set's attributes in its
//!   order), and for requests through `encode_request` (both write the
//!   attributes the operation lists, in its order, after its fixed header);
//!   replies, whose attributes the generated types hold in the operation's
//!   order, decode back to the same value.
//!
//! Values come from `arbitrary` fed by proptest, as in tests/roundtrip.rs.
#![cfg(all(feature = "arbitrary", feature = "serde"))]

mod common;

use arbitrary::{Arbitrary, Unstructured};
use genl_cli::dynamic::Codec;
use genl_runtime::wire::{DecodeErrorKind, align};
use genl_runtime::{CStruct, GenlMessage, Request};
use proptest::prelude::*;
use proptest::test_runner::TestCaseError;
use serde::Serialize;
use std::fmt::Debug;
use std::path::PathBuf;

/// Most input bytes for one value.
const MAX_INPUT: usize = 1024;

/// The spec of a family: the project's, or the corpus's.
fn spec(project: bool, family: &str) -> genl_spec::Spec {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../..");
    let dir = if project {
        root.join("specs")
    } else {
        let dir = PathBuf::from(
            std::env::var_os("GENL_CORPUS")
                .expect("the build saw GENL_CORPUS; the tests read the corpus's specs from it too"),
        );
        if dir.is_relative() {
            root.join(dir)
        } else {
            dir
        }
    };
    let path = dir.join(format!("{family}.yaml"));
    genl_spec::Spec::load(&path).unwrap_or_else(|e| panic!("{}", e.render()))
}

/// How a type's bytes are compared.
#[derive(Clone, Copy)]
enum Kind {
    /// A struct of an attribute set.
    Set,
    /// A request of an operation.
    Request,
    /// A reply of an operation.
    Reply,
}

/// The checks of one arbitrary value of `T`; `request` gives a request's
/// operation, kind and fixed-header size.
fn agree<T>(
    codec: &Codec<'_>,
    kind: Kind,
    request: Option<(&str, genl_runtime::RequestKind, usize)>,
    data: &[u8],
) -> Result<(), TestCaseError>
where
    T: GenlMessage + for<'a> Arbitrary<'a> + PartialEq + Debug + Serialize,
{
    let Ok(value) = T::arbitrary(&mut Unstructured::new(data)) else {
        return Err(TestCaseError::reject("arbitrary made no value"));
    };
    prop_assume!(
        !common::has_nul(&format!("{value:?}")),
        "a string holds a NUL"
    );
    let bytes = value.to_bytes();
    match T::decode(&bytes) {
        Ok(_) => {}
        Err(e) if matches!(e.kind(), DecodeErrorKind::TooDeep { .. }) => {
            return Err(TestCaseError::reject("nested deeper than MAX_DEPTH"));
        }
        Err(e) => return Err(TestCaseError::fail(format!("generated decode: {e}"))),
    }
    let json = serde_json::to_value(&value).expect("generated serde writes JSON");
    let set = codec
        .family()
        .set_by_name(T::policy().name)
        .expect("the generated type's set is in the spec");

    let dynamic = codec
        .decode_set(set, &bytes)
        .map_err(|e| TestCaseError::fail(format!("dynamic decode: {e} of {value:?}")))?;
    prop_assert_eq!(&dynamic, &json, "dynamic JSON (left), generated (right)");

    match (kind, request) {
        (Kind::Set, _) => {
            let back = codec
                .encode_set(set, &json)
                .map_err(|e| TestCaseError::fail(format!("dynamic encode: {e} of {json}")))?;
            prop_assert_eq!(back, bytes, "dynamic bytes (left), generated (right)");
        }
        (Kind::Request, Some((op, kind, header))) => {
            let back = codec
                .encode_request(op, kind, &json)
                .map_err(|e| TestCaseError::fail(format!("dynamic encode: {e} of {json}")))?;
            let mut expected = vec![0u8; align(header)];
            expected.extend_from_slice(&bytes);
            prop_assert_eq!(back, expected, "dynamic bytes (left), generated (right)");
        }
        (Kind::Request | Kind::Reply, _) => {
            let back = codec
                .encode_set(set, &json)
                .map_err(|e| TestCaseError::fail(format!("dynamic encode: {e} of {json}")))?;
            let again = T::decode(&back)
                .map_err(|e| TestCaseError::fail(format!("decoding dynamic bytes: {e}")))?;
            prop_assert_eq!(again, value, "from dynamic bytes (left), made (right)");
        }
    }
    Ok(())
}

/// Runs `agree::<T>` on proptest's cases (256 unless `PROPTEST_CASES` says
/// otherwise) with a fixed seed, on a thread with a large stack.
fn check<T>(
    codec: &Codec<'_>,
    kind: Kind,
    request: Option<(&str, genl_runtime::RequestKind, usize)>,
) where
    T: GenlMessage + for<'a> Arbitrary<'a> + PartialEq + Debug + Serialize,
{
    common::run_cases(std::any::type_name::<T>(), MAX_INPUT, |data| {
        agree::<T>(codec, kind, request, data)
    });
}

/// The request shape of `R`, for `encode_request`.
fn request<R: Request>() -> Option<(&'static str, genl_runtime::RequestKind, usize)> {
    Some((R::OPERATION, R::KIND, <R::Header as CStruct>::SIZE))
}

/// A test per family: its spec, then its set structs, requests and replies.
macro_rules! agree {
    ($test:ident, $project:literal, $spec:literal, $($seg:ident)::+;
     sets: [$($set:ident),* $(,)?];
     requests: [$($req:ident),* $(,)?];
     replies: [$($rep:ident),* $(,)?]) => {
        #[test]
        fn $test() {
            use $($seg)::+ as family;
            let spec = spec($project, $spec);
            let codec = Codec::new(spec.family()).process_unknown(true).check_policy(false);
            $(check::<family::$set>(&codec, Kind::Set, None);)*
            $(check::<family::$req>(&codec, Kind::Request, request::<family::$req>());)*
            $(check::<family::$rep>(&codec, Kind::Reply, None);)*
        }
    };
}

agree!(nlctrl, true, "nlctrl", genl_compile_tests::project::nlctrl;
    sets: [CtrlAttrs, OpAttrs, McastGroupAttrs, PolicyAttrs, OpPolicyAttrs];
    requests: [GetfamilyDoRequest, GetfamilyDumpRequest, GetpolicyDumpRequest];
    replies: [GetfamilyDoReply, GetpolicyDumpReply, NewmcastGrpEvent]);

#[cfg(genl_corpus)]
agree!(ovs_datapath, false, "ovs_datapath", genl_compile_tests::corpus::ovs_datapath;
    sets: [Datapath];
    requests: [GetDoRequest, NewDoRequest, DelDoRequest];
    replies: [GetDoReply]);

#[cfg(genl_corpus)]
agree!(ovs_vport, false, "ovs_vport", genl_compile_tests::corpus::ovs_vport;
    sets: [VportOptions, UpcallStats, Vport];
    requests: [NewDoRequest, DelDoRequest, GetDoRequest];
    replies: [GetDoReply]);

#[cfg(genl_corpus)]
agree!(ovs_flow, false, "ovs_flow", genl_compile_tests::corpus::ovs_flow;
    sets: [FlowAttrs, KeyAttrs, ActionAttrs, TunnelKeyAttrs, CheckPktLenAttrs, SampleAttrs,
        UserspaceAttrs, OvsNshKeyAttrs, CtAttrs, NatAttrs, DecTtlAttrs, VxlanExtAttrs,
        PsampleAttrs];
    requests: [GetDoRequest, NewDoRequest];
    replies: [GetDoReply]);

#[cfg(genl_corpus)]
agree!(ovs_packet, false, "ovs_packet", genl_compile_tests::corpus::ovs_packet;
    sets: [Packet];
    requests: [ExecuteDoRequest];
    replies: [MissEvent, ActionEvent]);

#[cfg(genl_corpus)]
agree!(mptcp_pm, false, "mptcp_pm", genl_compile_tests::corpus::mptcp_pm;
    sets: [Address, SubflowAttribute, Endpoint, Attr, EventAttr];
    requests: [AddAddrDoRequest, GetAddrDoRequest, SetLimitsDoRequest, SetFlagsDoRequest];
    replies: [GetAddrDoReply, GetLimitsDoReply]);

#[cfg(genl_corpus)]
agree!(netdev, false, "netdev", genl_compile_tests::corpus::netdev;
    sets: [Dev, PagePool, PagePoolStats, Napi, Queue, Qstats, Dmabuf];
    requests: [DevGetDoRequest, QueueGetDoRequest, NapiSetDoRequest, BindRxDoRequest];
    replies: [DevGetDoReply, QstatsGetDumpReply]);

#[cfg(genl_corpus)]
agree!(ethtool, false, "ethtool", genl_compile_tests::corpus::ethtool;
    sets: [Header, Bitset, Strset, Linkinfo, Linkmodes, Rings, Features, Channels, Coalesce,
        Pause, Eee, Tsinfo, CableTest, TunnelInfo, Fec, Stats, Module, Pse, Rss, Plca, Phy];
    requests: [];
    replies: []);
