//! Benchmarks of genl against a hand-written floor: the same Open vSwitch
//! messages encoded and decoded ([`messages`], [`floor`]), and the same
//! controller requests sent to the running kernel ([`floor::RawSocket`]).
//!
//! The benchmark binaries are in `benches/`; `bench/run` runs them all.
#![deny(unsafe_code)]

pub mod floor;
pub mod messages;
