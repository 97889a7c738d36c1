//! The runtime of genl-generated code.
//!
//! This crate will hold the netlink wire codec (sans-IO), the policy tables
//! that check a request before it is sent, blocking and async sockets, the
//! family-resolving client and its errors: everything code generated from a
//! spec, or written with `#[derive(GenlMessage)]`, calls at run time. It is
//! empty for now; `genl-spec` already loads and validates the specs.
//! `unsafe` will be confined to the socket module.
