//! Benchmarks of genl against the Rust libraries a user would pick instead
//! ([`peers`]) and a hand-written floor: the same Open vSwitch messages
//! encoded and decoded ([`messages`], [`floor`], [`peers`]), and the same
//! controller requests sent to the running kernel ([`floor::RawSocket`] and
//! each peer's socket).
//!
//! The benchmark binaries are in `benches/`; `bench/run` runs them all.
#![deny(unsafe_code)]

pub mod floor;
pub mod messages;
pub mod ovs_nla;
pub mod peers;
