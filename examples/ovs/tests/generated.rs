//! The six families in `src/generated/` are the generator's output for the
//! project's specs with the options below: a change in a spec or in the
//! generator shows as a diff here. `SNAPSHOTS=overwrite cargo test -p
//! genl-ovs --test generated` rewrites the files; review them like code.
//!
//! The options: action lists are ordered (an action may repeat, and order is
//! meaning: `push_vlan, output:1, pop_vlan, output:2`) and nest at most 16
//! levels deep, as the kernel accepts (`OVS_COPY_ACTIONS_MAX_DEPTH`, which
//! the spec cannot state); `ovs_packet`'s upcall key, actions and egress
//! tunnel key are `ovs_flow`'s sets, so an upcall's key is the same type a
//! flow is installed with, and execute takes the same action list as a
//! flow. Views, the blocking clients and the async clients are behind the
//! crate's `views`, `client` and `tokio` features.

use genl_spec::Spec;
use genl_spec::codegen::{Options, generate};
use std::path::Path;

/// The families, by spec name.
const FAMILIES: &[&str] = &[
    "ovs_datapath",
    "ovs_vport",
    "ovs_flow",
    "ovs_packet",
    "ovs_meter",
    "ovs_ct_limit",
];

/// The generator's options for `family`.
fn options(family: &str) -> Options {
    let options = Options::default()
        .with_source_name(format!("specs/{family}.yaml"))
        .with_views_feature("views")
        .with_client_feature("client")
        .with_async_client_feature("tokio");
    match family {
        "ovs_flow" => options
            .with_ordered_set("action-attrs")
            .with_max_nesting("action-attrs", 16),
        "ovs_packet" => options
            .with_extern_set("packet-attrs.key", "crate::flow::KeyAttrs")
            .with_extern_set("packet-attrs.actions", "Vec<crate::flow::Action>")
            .with_extern_set("packet-attrs.egress-tun-key", "crate::flow::TunnelKeyAttrs"),
        _ => options,
    }
}

#[test]
fn generated_families_are_the_generators_output() {
    let crate_dir = Path::new(env!("CARGO_MANIFEST_DIR"));
    let assert = snapbox::Assert::new().action_env(snapbox::assert::DEFAULT_ACTION_ENV);
    let mut failures = Vec::new();
    for family in FAMILIES {
        let spec = crate_dir.join(format!("../../specs/{family}.yaml"));
        let spec = Spec::load(&spec).unwrap_or_else(|e| panic!("{}", e.render()));
        let options = options(family);
        options
            .check(spec.family())
            .unwrap_or_else(|e| panic!("{family}: {e}"));
        let code = generate(&spec, &options);
        let file = crate_dir.join(format!("src/generated/{family}.rs"));
        let expected = snapbox::Data::read_from(&file, None).raw();
        if let Err(e) = assert.try_eq(Some(family), snapbox::Data::text(code).raw(), expected) {
            failures.push(format!("{family}: {e}"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
