//! Compiles the code generated for the project's specs and, with
//! `GENL_CORPUS`, for every spec of the kernel corpus, with every warning
//! denied; its tests exercise the generated types.
#![deny(warnings)]
#![forbid(unsafe_code)]

include!(concat!(env!("OUT_DIR"), "/families.rs"));
