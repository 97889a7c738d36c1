//! Procedural macros of genl.
//!
//! This crate will hold `#[derive(GenlMessage)]` and its companions: the
//! derives that turn plain Rust structs annotated with `#[genl(...)]`
//! (attribute type ids, wire types, byte order, nesting, checks) into
//! encoders, decoders and policy checks built on `genl-runtime`, and the
//! macro that includes a generated family. The code generator of
//! `genl-spec` emits exactly these annotated types, so this crate is the one
//! place where encoding code is produced. It has no macros yet.
#![forbid(unsafe_code)]
