//! Generates the six Open vSwitch families from `specs/`, as an
//! application's build script does. Action lists are ordered (an action may
//! repeat, and order is meaning: `push_vlan, output:1, pop_vlan, output:2`);
//! `ovs_packet`'s upcall key, actions and egress tunnel key are `ovs_flow`'s
//! sets, so an upcall's key is the same type a flow is installed with, and
//! execute takes the same action list as a flow. Action lists nest at most
//! 16 levels deep, as the kernel accepts; requests are checked before sending.
//!
//! Each family is generated when its cargo feature is on (all are by
//! default), and so are the views and the async clients.

/// The families, by cargo feature.
const FAMILIES: &[(&str, &str)] = &[
    ("DATAPATH", "ovs_datapath"),
    ("VPORT", "ovs_vport"),
    ("FLOW", "ovs_flow"),
    ("PACKET", "ovs_packet"),
    ("METER", "ovs_meter"),
    ("CT_LIMIT", "ovs_ct_limit"),
];

/// Whether the cargo feature `name` (upper case) is on.
fn feature(name: &str) -> bool {
    std::env::var_os(format!("CARGO_FEATURE_{name}")).is_some()
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut builder = genl_spec::Builder::new()
        .specs(
            FAMILIES
                .iter()
                .filter(|(f, _)| feature(f))
                .map(|(_, spec)| format!("../../specs/{spec}.yaml")),
        )
        .views(feature("VIEWS"))
        .async_client(feature("TOKIO"));
    if feature("FLOW") {
        builder = builder
            .ordered_set("action-attrs")
            // The kernel's OVS_COPY_ACTIONS_MAX_DEPTH, which the spec cannot state.
            .max_nesting("action-attrs", 16);
    }
    if feature("PACKET") {
        builder = builder
            .extern_set("packet-attrs.key", "crate::flow::KeyAttrs")
            .extern_set("packet-attrs.actions", "Vec<crate::flow::Action>")
            .extern_set("packet-attrs.egress-tun-key", "crate::flow::TunnelKeyAttrs");
    }
    builder.generate()?;
    Ok(())
}
