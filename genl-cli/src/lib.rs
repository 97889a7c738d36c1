//! The library behind the `genl` command: a spec-driven client with the
//! interface of the kernel's YNL CLI, a Markdown reference of a family, and
//! a comparison of a spec with the policy of the running kernel.
//!
//! - [`client`]: the spec-driven client (`genl --spec FILE --do OP`).
//! - [`listing`]: what a family offers (`--list-ops`, `--list-attrs OP`).
//! - [`dynamic`]: JSON to wire and wire to JSON, driven by a spec at run time.
//! - [`doc`]: a family's reference in Markdown.
//! - [`policy_diff`]: where a spec and the kernel's policy disagree.
#![forbid(unsafe_code)]

pub mod client;
pub mod doc;
pub mod dynamic;
pub mod listing;
pub mod policy_diff;
