//! Typed clients for the kernel's Open vSwitch datapath, generated from the
//! project's specs (`specs/ovs_*.yaml`) by `genl gen` and kept in
//! `src/generated/`, so that the crate builds without a build script; the
//! command that regenerates each file is in its first lines, and
//! `tests/generated.rs` fails when a file differs from what the generator
//! writes (`SNAPSHOTS=overwrite cargo test -p genl-ovs --test generated`
//! rewrites them).
//!
//! Each family is a module with its request and reply types, its attribute
//! sets as structs, its fixed header (`struct ovs_header`, the datapath's
//! ifindex) and a `Client` that checks every request against the spec's
//! policy before sending it.
//!
//! ```no_run
//! use genl_ovs::datapath::{Client, GetDumpRequest, NewDoRequest, OvsHeader};
//!
//! # fn main() -> Result<(), genl_runtime::Error> {
//! let mut dp = Client::connect()?;
//! let new = NewDoRequest {
//!     name: Some("dp0".into()),
//!     upcall_pid: Some(0),
//!     ..Default::default()
//! };
//! let (header, _) = dp.new(&OvsHeader::default(), &new)?;
//! println!("dp0 is ifindex {}", header.dp_ifindex);
//! for reply in dp.get_dump(&OvsHeader::default(), &GetDumpRequest::default())? {
//!     let (_, datapath) = reply?;
//!     println!("{:?}: {:?}", datapath.name, datapath.stats);
//! }
//! # Ok(())
//! # }
//! ```
//!
//! Each family is behind a cargo feature of its name (`datapath`, `vport`,
//! `flow`, `packet`, which needs `flow`, `meter`, `ct_limit`), and so are
//! the borrowing views (`views`), the blocking clients (`client`) and the
//! async and shared clients (`tokio`); all are on by default. Without
//! `client` and `tokio` the crate has the types, their encoders, decoders
//! and policy checks and each request's `Request` impl, to send through a
//! `genl_runtime::Connection` of one's own; it then compiles in less time
//! (BENCHMARKS.md, B4).
#![forbid(unsafe_code)]

#[cfg(all(feature = "flow", feature = "client"))]
pub mod features;

#[cfg(feature = "datapath")]
/// `ovs_datapath`: datapaths, their features and statistics.
#[allow(missing_docs)]
#[rustfmt::skip] // formatted by the generator
#[path = "generated/ovs_datapath.rs"]
pub mod datapath;

#[cfg(feature = "vport")]
/// `ovs_vport`: the ports of a datapath.
#[allow(missing_docs)]
#[rustfmt::skip] // formatted by the generator
#[path = "generated/ovs_vport.rs"]
pub mod vport;

#[cfg(feature = "flow")]
/// `ovs_flow`: the flow table; keys, masks and ordered action lists.
#[allow(missing_docs)]
#[rustfmt::skip] // formatted by the generator
#[path = "generated/ovs_flow.rs"]
pub mod flow;

#[cfg(feature = "packet")]
/// `ovs_packet`: upcalls to userspace and packets executed by the datapath.
/// Keys are [`flow::KeyAttrs`].
#[allow(missing_docs, clippy::large_enum_variant)]
#[rustfmt::skip] // formatted by the generator
#[path = "generated/ovs_packet.rs"]
pub mod packet;

#[cfg(feature = "meter")]
/// `ovs_meter`: meters and their bands.
#[allow(missing_docs)]
#[rustfmt::skip] // formatted by the generator
#[path = "generated/ovs_meter.rs"]
pub mod meter;

#[cfg(feature = "ct_limit")]
/// `ovs_ct_limit`: connection-tracking limits per zone.
#[allow(missing_docs)]
#[rustfmt::skip] // formatted by the generator
#[path = "generated/ovs_ct_limit.rs"]
pub mod ct_limit;
