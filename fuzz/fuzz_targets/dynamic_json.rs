//! The dynamic JSON codec of the `genl` command (`genl_cli::dynamic`) on the
//! project's specs: decoding arbitrary bytes as a message of an operation,
//! and encoding arbitrary JSON as its request. The first three bytes pick
//! the family, the operation and the mode; the rest is the payload after
//! the genl header (decoding) or the JSON text (encoding).
//!
//! Beyond "no panic": a request the codec encodes decodes again, and every
//! attribute offset in it is located without a panic.
#![no_main]

use std::sync::OnceLock;

use genl_cli::dynamic::{Codec, RequestKind};
use genl_spec::Spec;
use libfuzzer_sys::fuzz_target;

const SPECS: &[(&str, &str)] = &[
    ("nlctrl.yaml", include_str!("../../specs/nlctrl.yaml")),
    (
        "ovs_datapath.yaml",
        include_str!("../../specs/ovs_datapath.yaml"),
    ),
    ("ovs_vport.yaml", include_str!("../../specs/ovs_vport.yaml")),
    ("ovs_flow.yaml", include_str!("../../specs/ovs_flow.yaml")),
    (
        "ovs_packet.yaml",
        include_str!("../../specs/ovs_packet.yaml"),
    ),
    ("ovs_meter.yaml", include_str!("../../specs/ovs_meter.yaml")),
    (
        "ovs_ct_limit.yaml",
        include_str!("../../specs/ovs_ct_limit.yaml"),
    ),
];

fn specs() -> &'static [Spec] {
    static SPECS_LOADED: OnceLock<Vec<Spec>> = OnceLock::new();
    SPECS_LOADED.get_or_init(|| {
        SPECS
            .iter()
            .map(|(name, text)| Spec::parse(name, *text).expect("the project's specs load"))
            .collect()
    })
}

fuzz_target!(|data: &[u8]| {
    let Some(([fam, op, mode], rest)) = data.split_first_chunk::<3>() else {
        return;
    };
    let specs = specs();
    let family = specs[usize::from(*fam) % specs.len()].family();
    let ops = &family.operations.list;
    if ops.is_empty() {
        return;
    }
    let name = ops[usize::from(*op) % ops.len()].name.as_str();
    let codec = Codec::new(family)
        .process_unknown(mode & 2 != 0)
        .check_policy(mode & 4 == 0);
    let id = codec.op(name).expect("the operation exists");
    if mode & 1 == 0 {
        if let Ok(json) = codec.decode(id, rest) {
            let _ = json.to_string();
        }
        return;
    }
    let Ok(json) = serde_json::from_slice::<serde_json::Value>(rest) else {
        return;
    };
    let kind = if mode & 8 == 0 {
        RequestKind::Do
    } else {
        RequestKind::Dump
    };
    match codec.encode_request(name, kind, &json) {
        Ok(payload) => {
            if let Err(e) = codec.decode(id, &payload) {
                panic!("{name}: an encoded request does not decode: {e}; {json}");
            }
            for offset in 0..payload.len() {
                let _ = codec.locate(name, &payload, offset);
            }
        }
        Err(e) => {
            let _ = e.to_string();
        }
    }
});
