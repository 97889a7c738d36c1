//! The typed mirror of a spec file: every key of the YNL format, as written.
//!
//! Nothing is resolved here: names are strings, numbers are as written, and
//! every value keeps its [`Span`]. The mirror covers the union of the four
//! protocol levels of the kernel's JSON schemas (`genetlink`, `genetlink-c`,
//! `genetlink-legacy`, `netlink-raw`); a key or keyword that the spec's own
//! level does not allow is reported while decoding.
//!
//! Two places where the schema copies lag the kernel are accepted at every
//! level: the op flag `uns-admin-perm` and the display hint `ipv4-or-v6`.

use crate::decode::{Cx, FromNode, keywords, raw_struct};
use crate::diagnostic::Diagnostics;
use crate::source::{Span, Spanned};
use crate::yaml::{Node, NodeKind};

keywords! {
    /// The spec's level of the format (`protocol:`); `genetlink` when absent.
    pub enum Protocol, "protocol" {
        /// Plain generic netlink.
        Genetlink = "genetlink", ALL;
        /// Generic netlink with C naming overrides.
        GenetlinkC = "genetlink-c", ALL;
        /// Generic netlink with fixed headers, structs and directional ops.
        GenetlinkLegacy = "genetlink-legacy", ALL;
        /// A classic netlink protocol (rtnetlink and friends).
        NetlinkRaw = "netlink-raw", ALL;
    }
}

impl Protocol {
    pub(crate) fn bit(self) -> u8 {
        match self {
            Protocol::Genetlink => 1,
            Protocol::GenetlinkC => 2,
            Protocol::GenetlinkLegacy => 4,
            Protocol::NetlinkRaw => 8,
        }
    }

    /// Whether this is one of the generic netlink levels.
    pub fn is_genetlink(self) -> bool {
        self != Protocol::NetlinkRaw
    }
}

keywords! {
    /// Where the kernel keeps its input policy (`kernel-policy:`).
    pub enum KernelPolicy, "kernel policy" {
        /// One policy per operation and request kind (the default).
        Split = "split", ALL;
        /// One policy per operation.
        PerOp = "per-op", ALL;
        /// One policy for the whole family.
        Global = "global", ALL;
    }
}

keywords! {
    /// Where a definition is rendered in C (`scope:`).
    pub enum Scope, "scope" {
        /// The uAPI header (the default).
        Uapi = "uapi", ALL;
        /// Kernel-side generated code only.
        Kernel = "kernel", ALL;
        /// User-side generated code only.
        User = "user", ALL;
    }
}

keywords! {
    /// The kind of a definition.
    pub enum DefType, "definition type" {
        /// A named constant.
        Const = "const", ALL;
        /// An enumeration of values.
        Enum = "enum", ALL;
        /// A set of bit flags.
        Flags = "flags", ALL;
        /// A C struct with members.
        Struct = "struct", LR;
    }
}

keywords! {
    /// The type of a struct member.
    pub enum MemberType, "member type" {
        /// Unsigned 8-bit.
        U8 = "u8", ALL;
        /// Unsigned 16-bit.
        U16 = "u16", ALL;
        /// Unsigned 32-bit.
        U32 = "u32", ALL;
        /// Unsigned 64-bit.
        U64 = "u64", ALL;
        /// Signed 8-bit.
        S8 = "s8", ALL;
        /// Signed 16-bit.
        S16 = "s16", ALL;
        /// Signed 32-bit.
        S32 = "s32", ALL;
        /// Signed 64-bit.
        S64 = "s64", ALL;
        /// A fixed-size character array.
        String = "string", ALL;
        /// A fixed-size byte array or a nested struct.
        Binary = "binary", ALL;
        /// Explicit padding bytes.
        Pad = "pad", R;
    }
}

keywords! {
    /// Byte order of an integer (`byte-order:`).
    pub enum ByteOrder, "byte order" {
        /// Least significant byte first.
        LittleEndian = "little-endian", ALL;
        /// Network byte order.
        BigEndian = "big-endian", ALL;
    }
}

keywords! {
    /// How a value is best shown to a person (`display-hint:`).
    pub enum DisplayHint, "display hint" {
        /// Hexadecimal.
        Hex = "hex", ALL;
        /// A MAC address.
        Mac = "mac", ALL;
        /// An FDDI address.
        Fddi = "fddi", ALL;
        /// An IPv4 address.
        Ipv4 = "ipv4", ALL;
        /// An IPv6 address.
        Ipv6 = "ipv6", ALL;
        /// An IPv4 or IPv6 address, by length.
        Ipv4OrV6 = "ipv4-or-v6", ALL;
        /// A UUID.
        Uuid = "uuid", ALL;
    }
}

keywords! {
    /// The netlink type of an attribute.
    pub enum AttrType, "attribute type" {
        /// A number that is reserved and never sent.
        Unused = "unused", ALL;
        /// Alignment padding for 64-bit values.
        Pad = "pad", ALL;
        /// Present or absent, no payload.
        Flag = "flag", ALL;
        /// Opaque bytes, or a struct.
        Binary = "binary", ALL;
        /// A 32-bit value with a 32-bit selector mask.
        Bitfield32 = "bitfield32", LR;
        /// Unsigned, 4 or 8 bytes on the wire.
        Uint = "uint", ALL;
        /// Signed, 4 or 8 bytes on the wire.
        Sint = "sint", ALL;
        /// Unsigned 8-bit.
        U8 = "u8", ALL;
        /// Unsigned 16-bit.
        U16 = "u16", ALL;
        /// Unsigned 32-bit.
        U32 = "u32", ALL;
        /// Unsigned 64-bit.
        U64 = "u64", ALL;
        /// Signed 8-bit.
        S8 = "s8", GLR;
        /// Signed 16-bit.
        S16 = "s16", GLR;
        /// Signed 32-bit.
        S32 = "s32", ALL;
        /// Signed 64-bit.
        S64 = "s64", ALL;
        /// A NUL-terminated string.
        String = "string", ALL;
        /// Nested attributes of another set.
        Nest = "nest", ALL;
        /// An array of nests (or scalars) keyed by index.
        IndexedArray = "indexed-array", ALL;
        /// A nest whose attribute types carry values.
        NestTypeValue = "nest-type-value", ALL;
        /// A payload whose format another attribute selects.
        SubMessage = "sub-message", R;
    }
}

impl AttrType {
    /// The width in bytes of a fixed-size integer type (`u8` … `s64`).
    pub fn int_width(self) -> Option<u32> {
        use AttrType::*;
        match self {
            U8 | S8 => Some(1),
            U16 | S16 => Some(2),
            U32 | S32 => Some(4),
            U64 | S64 => Some(8),
            _ => None,
        }
    }
}

keywords! {
    /// How operations are numbered (`enum-model:`).
    pub enum EnumModel, "enum model" {
        /// One enum for all messages (the default).
        Unified = "unified", ALL;
        /// Requests and replies numbered separately.
        Directional = "directional", LR;
    }
}

keywords! {
    /// A flag of an operation or multicast group.
    pub enum OpFlag, "operation flag" {
        /// Needs `CAP_NET_ADMIN`.
        AdminPerm = "admin-perm", ALL;
        /// Needs `CAP_NET_ADMIN` in the user namespace.
        UnsAdminPerm = "uns-admin-perm", ALL;
    }
}

keywords! {
    /// A kernel validation relaxation of an operation (`dont-validate:`).
    pub enum DontValidate, "validation flag" {
        /// Not strictly validated.
        Strict = "strict", ALL;
        /// Dump requests not validated.
        Dump = "dump", ALL;
        /// Dump requests not strictly validated.
        DumpStrict = "dump-strict", GCL;
    }
}

/// A value that is an integer or a string: `16`, `wg-key-len`, `NAME - 1`, `u32-max`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum IntOrStr {
    /// An integer literal.
    Int(i128),
    /// A name or an expression.
    Str(String),
}

impl FromNode for IntOrStr {
    fn from_node(node: &Node, cx: &mut Cx<'_>) -> Option<Self> {
        match &node.kind {
            NodeKind::Int(i) => Some(IntOrStr::Int(*i)),
            NodeKind::Str(s) => Some(IntOrStr::Str(s.clone())),
            _ => {
                cx.type_error(node, "an integer or a name");
                None
            }
        }
    }
}

/// A string that may be written as `null` to mean "no name" (`enum-name: ~`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NullableName(pub Option<String>);

impl FromNode for NullableName {
    fn from_node(node: &Node, cx: &mut Cx<'_>) -> Option<Self> {
        match &node.kind {
            NodeKind::Null => Some(NullableName(None)),
            NodeKind::Str(s) => Some(NullableName(Some(s.clone()))),
            _ => {
                cx.type_error(node, "a string or null");
                None
            }
        }
    }
}

raw_struct! {
    /// A whole spec file.
    pub struct Spec, "spec" {
        /// Family name.
        name: String = "name", ALL, required;
        /// Family documentation.
        doc: String = "doc", ALL, required;
        /// Level of the format.
        protocol: Protocol = "protocol", ALL;
        /// Netlink protocol number (netlink-raw).
        protonum: u64 = "protonum", R;
        /// uAPI header path.
        uapi_header: String = "uapi-header", ALL;
        /// C define of the family name.
        c_family_name: String = "c-family-name", CLR;
        /// C define of the family version.
        c_version_name: String = "c-version-name", CLR;
        /// Counts given by defines, not enum values.
        max_by_define: bool = "max-by-define", CLR;
        /// C name of the last command.
        cmd_max_name: String = "cmd-max-name", CLR;
        /// C name of the command count.
        cmd_cnt_name: String = "cmd-cnt-name", CLR;
        /// Where the kernel keeps the input policy.
        kernel_policy: KernelPolicy = "kernel-policy", LR;
        /// Generic netlink family version (default 1).
        version: u64 = "version", L;
        /// Constants, enums, flags and structs.
        definitions: Vec<Spanned<Definition>> = "definitions", ALL;
        /// Attribute sets.
        attribute_sets: Vec<Spanned<AttrSet>> = "attribute-sets", ALL, required;
        /// Sub-message formats.
        sub_messages: Vec<Spanned<SubMessage>> = "sub-messages", R;
        /// Operations.
        operations: Operations = "operations", ALL, required;
        /// Multicast groups.
        mcast_groups: McastGroups = "mcast-groups", ALL;
        /// Kernel code generation details.
        kernel_family: KernelFamily = "kernel-family", GCL;
    }
}

raw_struct! {
    /// One entry of `definitions`.
    pub struct Definition, "definition" {
        /// Name.
        name: String = "name", ALL, required;
        /// C header that already defines it.
        header: String = "header", ALL;
        /// Where it is rendered in C.
        scope: Scope = "scope", GLR;
        /// Kind of definition.
        ty: DefType = "type", ALL, required;
        /// Documentation.
        doc: String = "doc", ALL;
        /// Value of a const.
        const_value: IntOrStr = "value", ALL;
        /// First value of an enum, first bit of flags.
        value_start: IntOrStr = "value-start", ALL;
        /// Entries of an enum or flags.
        entries: Vec<Spanned<EnumEntry>> = "entries", ALL;
        /// Render the max member.
        render_max: bool = "render-max", ALL;
        /// C enum name.
        enum_name: NullableName = "enum-name", CLR;
        /// C prefix of the entries.
        name_prefix: String = "name-prefix", CLR;
        /// C name of the count entry.
        enum_cnt_name: String = "enum-cnt-name", CL;
        /// Members of a struct.
        members: Vec<Spanned<Member>> = "members", LR;
    }
}

/// An entry of an enum or flags: a bare name or a mapping.
#[derive(Clone, Debug)]
pub enum EnumEntry {
    /// `- name`
    Name(String),
    /// `- name: x` with optional `value` and `doc`.
    Full(EntryMap),
}

impl EnumEntry {
    /// The entry's name and its span, if it has one.
    pub fn name(&self, span: Span) -> Option<Spanned<String>> {
        match self {
            EnumEntry::Name(n) => Some(Spanned::new(n.clone(), span)),
            EnumEntry::Full(m) => m.name.clone(),
        }
    }
}

impl FromNode for EnumEntry {
    fn from_node(node: &Node, cx: &mut Cx<'_>) -> Option<Self> {
        match &node.kind {
            NodeKind::Str(s) => Some(EnumEntry::Name(s.clone())),
            NodeKind::Map(_) => EntryMap::from_node(node, cx).map(EnumEntry::Full),
            _ => {
                cx.type_error(node, "an entry name or an entry mapping");
                None
            }
        }
    }
}

raw_struct! {
    /// An entry of an enum or flags written as a mapping.
    pub struct EntryMap, "entry" {
        /// Name.
        name: String = "name", ALL, required;
        /// Explicit value (bit number for flags).
        entry_value: i128 = "value", ALL;
        /// Documentation.
        doc: String = "doc", ALL;
    }
}

raw_struct! {
    /// A member of a struct definition.
    pub struct Member, "struct member" {
        /// Name.
        name: String = "name", ALL, required;
        /// Type.
        ty: MemberType = "type", ALL, required;
        /// Length of a binary, string or pad member.
        len: IntOrStr = "len", ALL;
        /// Byte order of an integer member.
        byte_order: ByteOrder = "byte-order", ALL;
        /// Documentation.
        doc: String = "doc", ALL;
        /// Enum of the values.
        enum_: String = "enum", ALL;
        /// The enum's values are bits.
        enum_as_flags: bool = "enum-as-flags", R;
        /// Display hint.
        display_hint: DisplayHint = "display-hint", ALL;
        /// Nested struct of a binary member.
        struct_: String = "struct", ALL;
    }
}

raw_struct! {
    /// One entry of `attribute-sets`.
    pub struct AttrSet, "attribute set" {
        /// Name.
        name: String = "name", ALL, required;
        /// C prefix of the attribute enum.
        name_prefix: String = "name-prefix", ALL;
        /// C enum name.
        enum_name: NullableName = "enum-name", ALL;
        /// Documentation.
        doc: String = "doc", ALL;
        /// The full set this is a subset of.
        subset_of: String = "subset-of", ALL;
        /// C name of the count.
        attr_cnt_name: String = "attr-cnt-name", CLR;
        /// C name of the last attribute.
        attr_max_name: String = "attr-max-name", CLR;
        /// C header that already defines the set.
        header: String = "header", LR;
        /// Attributes.
        attributes: Vec<Spanned<Attribute>> = "attributes", ALL, required;
    }
}

raw_struct! {
    /// One attribute of a set.
    pub struct Attribute, "attribute" {
        /// Name.
        name: String = "name", ALL, required;
        /// Netlink type.
        ty: AttrType = "type", ALL;
        /// Documentation.
        doc: String = "doc", ALL;
        /// Explicit attribute number.
        number: u64 = "value", ALL;
        /// Names of the values carried in a nest-type-value's types.
        type_value: Vec<Spanned<String>> = "type-value", ALL;
        /// Byte order.
        byte_order: ByteOrder = "byte-order", ALL;
        /// The attribute repeats.
        multi_attr: bool = "multi-attr", ALL;
        /// The set nested inside.
        nested_attributes: String = "nested-attributes", ALL;
        /// Enum of the values.
        enum_: String = "enum", ALL;
        /// The enum's values are bits.
        enum_as_flags: bool = "enum-as-flags", ALL;
        /// Kernel input checks.
        checks: Checks = "checks", ALL;
        /// Element type of an array.
        sub_type: AttrType = "sub-type", ALL;
        /// Display hint.
        display_hint: DisplayHint = "display-hint", ALL;
        /// C prefix.
        name_prefix: String = "name-prefix", CLR;
        /// Struct carried in a binary attribute.
        struct_: String = "struct", LR;
        /// Sub-message of a sub-message attribute.
        sub_message: String = "sub-message", R;
        /// Sibling attribute selecting the sub-message format.
        selector: String = "selector", R;
    }
}

raw_struct! {
    /// The `checks` of an attribute.
    pub struct Checks, "checks" {
        /// A flags definition whose entries are the allowed bits.
        flags_mask: String = "flags-mask", ALL;
        /// Minimum value.
        min: IntOrStr = "min", ALL;
        /// Maximum value.
        max: IntOrStr = "max", GCL;
        /// Minimum length.
        min_len: IntOrStr = "min-len", ALL;
        /// Maximum length.
        max_len: IntOrStr = "max-len", ALL;
        /// Exact length.
        exact_len: IntOrStr = "exact-len", ALL;
        /// A string need not end in NUL.
        unterminated_ok: bool = "unterminated-ok", CLR;
    }
}

raw_struct! {
    /// One entry of `sub-messages`.
    pub struct SubMessage, "sub-message" {
        /// Name.
        name: String = "name", ALL, required;
        /// Formats by selector value.
        formats: Vec<Spanned<Format>> = "formats", ALL, required;
    }
}

raw_struct! {
    /// A sub-message format.
    pub struct Format, "sub-message format" {
        /// Selector value.
        selector_value: String = "value", ALL, required;
        /// Fixed header struct.
        fixed_header: String = "fixed-header", ALL;
        /// Attribute set.
        attribute_set: String = "attribute-set", ALL;
    }
}

raw_struct! {
    /// The `operations` mapping.
    pub struct Operations, "operations" {
        /// Numbering model.
        enum_model: EnumModel = "enum-model", ALL;
        /// C prefix of commands.
        name_prefix: String = "name-prefix", ALL;
        /// C enum name of commands.
        enum_name: NullableName = "enum-name", ALL;
        /// C prefix of notifications.
        async_prefix: String = "async-prefix", ALL;
        /// C enum name of notifications.
        async_enum: NullableName = "async-enum", ALL;
        /// Fixed header of every message.
        fixed_header: String = "fixed-header", LR;
        /// The operations.
        list: Vec<Spanned<Operation>> = "list", ALL, required;
    }
}

raw_struct! {
    /// One operation.
    pub struct Operation, "operation" {
        /// Name.
        name: String = "name", ALL, required;
        /// Documentation.
        doc: String = "doc", ALL, required;
        /// Explicit command number.
        number: u64 = "value", ALL;
        /// Attribute set of requests and replies.
        attribute_set: String = "attribute-set", ALL;
        /// Flags.
        flags: Vec<Spanned<OpFlag>> = "flags", ALL;
        /// Validation relaxations.
        dont_validate: Vec<Spanned<DontValidate>> = "dont-validate", ALL;
        /// Kernel config option gating the op.
        config_cond: String = "config-cond", GCL;
        /// Fixed header of this op's messages.
        fixed_header: String = "fixed-header", LR;
        /// The do request kind.
        do_: SubOp = "do", ALL;
        /// The dump request kind.
        dump: SubOp = "dump", ALL;
        /// The op whose reply this notification shares.
        notify: String = "notify", ALL;
        /// An event with its own attributes.
        event: Event = "event", ALL;
        /// Multicast group of the notification.
        mcgrp: String = "mcgrp", ALL;
    }
}

raw_struct! {
    /// `do` or `dump` of an operation.
    pub struct SubOp, "request kind" {
        /// The request.
        request: Message = "request", ALL;
        /// The reply.
        reply: Message = "reply", ALL;
        /// Kernel hook before.
        pre: String = "pre", ALL;
        /// Kernel hook after.
        post: String = "post", ALL;
    }
}

raw_struct! {
    /// A request or reply.
    pub struct Message, "message" {
        /// Attribute names.
        attributes: Vec<Spanned<String>> = "attributes", ALL;
        /// Message number in the directional model.
        number: u64 = "value", LR;
    }
}

raw_struct! {
    /// An event's attributes.
    pub struct Event, "event" {
        /// Attribute names.
        attributes: Vec<Spanned<String>> = "attributes", ALL;
    }
}

raw_struct! {
    /// The `mcast-groups` mapping.
    pub struct McastGroups, "multicast groups" {
        /// The groups.
        list: Vec<Spanned<McastGroup>> = "list", ALL, required;
    }
}

raw_struct! {
    /// One multicast group.
    pub struct McastGroup, "multicast group" {
        /// Name.
        name: String = "name", ALL, required;
        /// C define override.
        c_define_name: String = "c-define-name", CLR;
        /// Flags.
        flags: Vec<Spanned<OpFlag>> = "flags", ALL;
        /// Group number (netlink-raw).
        number: i128 = "value", R;
    }
}

raw_struct! {
    /// `kernel-family`.
    pub struct KernelFamily, "kernel-family" {
        /// Extra headers.
        headers: Vec<Spanned<String>> = "headers", ALL;
        /// Socket private state type.
        sock_priv: String = "sock-priv", ALL;
    }
}

/// Decodes a spec's node tree, reporting every problem.
///
/// The protocol level is read first, since it decides which keys are allowed.
pub fn decode(root: &Node, diags: &mut Diagnostics) -> Option<Spec> {
    let protocol = match &root.kind {
        NodeKind::Map(entries) => entries
            .iter()
            .find(|(k, _)| matches!(&k.kind, NodeKind::Str(s) if s == "protocol"))
            .and_then(|(_, v)| match &v.kind {
                NodeKind::Str(s) => Protocol::from_keyword(s),
                _ => None,
            })
            .unwrap_or(Protocol::Genetlink),
        _ => Protocol::Genetlink,
    };
    let mut cx = Cx { protocol, diags };
    Spec::from_node(root, &mut cx)
}
