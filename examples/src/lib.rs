//! Applications built on genl. Open vSwitch datapath tools and an upcall
//! handler will live here, each a small program on a generated client.
//!
//! The crate shows the two ways in. Its build script turns
//! `specs/nlctrl.yaml` into the [`nlctrl`] module with `genl_spec::Builder`;
//! [`hand_written`] uses the derives directly. The README's examples are
//! compiled and run as this crate's doctests.
#![forbid(unsafe_code)]
#![doc = ""]
#![doc = include_str!("../../README.md")]

/// The generic netlink controller, generated from `specs/nlctrl.yaml` by
/// this crate's build script.
#[allow(missing_docs)]
pub mod nlctrl {
    genl_runtime::include_family!("nlctrl");
}

pub mod ovs_scale;

/// Types written by hand with the derives, without a spec.
pub mod hand_written {
    use genl_runtime::{GenlEnum, GenlMessage};

    /// A colour, kept as a number on the wire.
    #[derive(Clone, Copy, Debug, PartialEq, Eq, GenlEnum)]
    pub enum Colour {
        /// Red.
        #[genl(value = 1)]
        Red,
        /// Green.
        #[genl(value = 2)]
        Green,
        /// A value this type does not list.
        #[genl(unknown)]
        Unknown(u64),
    }

    /// A set of attributes.
    #[derive(Clone, Debug, Default, PartialEq, Eq, GenlMessage)]
    #[genl(set = "thing")]
    pub struct Thing {
        /// Its id, 1 or more.
        #[genl(id = 1, u32, min = 1)]
        pub id: Option<u32>,
        /// Its label, at most 15 bytes.
        #[genl(id = 2, string, max_len = 15)]
        pub label: Option<String>,
        /// Its colour.
        #[genl(id = 3, u8, enum_)]
        pub colour: Option<Colour>,
        /// Attributes this type does not know.
        #[genl(unknown)]
        pub unknown: Vec<genl_runtime::UnknownAttr>,
    }
}
