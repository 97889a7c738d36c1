//! Generates the six Open vSwitch families from `specs/`, as an
//! application's build script does. Action lists are ordered (an action may
//! repeat, and order is meaning: `push_vlan, output:1, pop_vlan, output:2`);
//! `ovs_packet`'s upcall key, actions and egress tunnel key are `ovs_flow`'s
//! sets, so an upcall's key is the same type a flow is installed with, and
//! execute takes the same action list as a flow. Action lists nest at most
//! 16 levels deep, as the kernel accepts; requests are checked before sending.

const FAMILIES: &[&str] = &[
    "ovs_datapath",
    "ovs_vport",
    "ovs_flow",
    "ovs_packet",
    "ovs_meter",
    "ovs_ct_limit",
];

fn main() -> Result<(), Box<dyn std::error::Error>> {
    genl_spec::Builder::new()
        .specs(FAMILIES.iter().map(|f| format!("../../specs/{f}.yaml")))
        .ordered_set("action-attrs")
        // The kernel's OVS_COPY_ACTIONS_MAX_DEPTH, which the spec cannot state.
        .max_nesting("action-attrs", 16)
        .extern_set("packet-attrs.key", "crate::flow::KeyAttrs")
        .extern_set("packet-attrs.actions", "Vec<crate::flow::Action>")
        .extern_set("packet-attrs.egress-tun-key", "crate::flow::TunnelKeyAttrs")
        .views(true)
        .async_client(true)
        .generate()?;
    Ok(())
}
