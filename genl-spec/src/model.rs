//! The resolved family: what code generation and the dynamic client read.
//!
//! A [`Family`] is produced only by [`crate::Spec`] after every check has
//! passed, and handed out by shared reference, so it cannot change after
//! validation. Every cross-reference is a typed id ([`SetId`], [`AttrId`],
//! [`DefId`], [`OpId`], [`McgrpId`], [`SubMsgId`]) into the family's tables;
//! numbering, C names and Rust names are already worked out.

use crate::raw::{
    AttrType, ByteOrder, DisplayHint, DontValidate, EnumModel, KernelPolicy, MemberType, OpFlag,
    Protocol, Scope,
};
use crate::source::Span;

macro_rules! id {
    ($(#[$m:meta])* $name:ident) => {
        $(#[$m])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub struct $name(pub(crate) u32);

        impl $name {
            /// Position in the family's table.
            pub fn index(self) -> usize {
                self.0 as usize
            }
        }
    };
}

id!(
    /// A definition: [`Family::def`].
    DefId
);
id!(
    /// An attribute set: [`Family::set`].
    SetId
);
id!(
    /// An operation: [`Family::op`].
    OpId
);
id!(
    /// A multicast group: [`Family::mcast_group`].
    McgrpId
);
id!(
    /// A sub-message: [`Family::sub_message`].
    SubMsgId
);

/// An attribute: its set and its position in that set's list.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct AttrId {
    /// The set.
    pub set: SetId,
    /// Position in [`AttrSet::attrs`].
    pub index: u32,
}

/// One generic netlink (or raw netlink) family.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct Family {
    /// Family name, as the kernel registers it.
    pub name: String,
    /// Documentation.
    pub doc: String,
    /// Level of the spec format.
    pub protocol: Protocol,
    /// Family version put in the genl header (1 unless the spec says otherwise).
    pub version: u32,
    /// Netlink protocol number (netlink-raw only).
    pub protonum: Option<u32>,
    /// uAPI header (`linux/<name>.h` unless given).
    pub uapi_header: String,
    /// C names of family-wide constants.
    pub c_names: FamilyCNames,
    /// Where the kernel keeps its input policy.
    pub kernel_policy: KernelPolicy,
    /// Constants, enums, flags and structs.
    pub definitions: Vec<Definition>,
    /// Attribute sets.
    pub attr_sets: Vec<AttrSet>,
    /// Operations and their numbering.
    pub operations: Operations,
    /// Multicast groups.
    pub mcast_groups: Vec<McastGroup>,
    /// Sub-message formats (netlink-raw).
    pub sub_messages: Vec<SubMessage>,
    /// Extra kernel code generation details.
    pub kernel_family: Option<KernelFamily>,
    /// The Rust module name of the family.
    pub rust_name: String,
}

/// C names of family-wide constants.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct FamilyCNames {
    /// Define of the family name (`<FAMILY>_FAMILY_NAME`).
    pub family_name: String,
    /// Define of the version (`<FAMILY>_FAMILY_VERSION`).
    pub version_name: String,
    /// Counts are defines, not enum values.
    pub max_by_define: bool,
    /// Name of the last command (`<FAMILY>_CMD_MAX`).
    pub cmd_max_name: String,
    /// Name of the command count (`__<FAMILY>_CMD_MAX`).
    pub cmd_cnt_name: String,
}

/// `kernel-family`.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct KernelFamily {
    /// Extra headers.
    pub headers: Vec<String>,
    /// Socket private state type.
    pub sock_priv: Option<String>,
}

/// A constant, enum, flags or struct definition.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct Definition {
    /// Spec name.
    pub name: String,
    /// Documentation.
    pub doc: Option<String>,
    /// C header that already defines it.
    pub header: Option<String>,
    /// Where it is rendered in C.
    pub scope: Scope,
    /// What it is.
    pub kind: DefKind,
    /// C name: the define of a const (with its `name-prefix`), else the type's name.
    pub c_name: String,
    /// Rust name (a type name for enums, flags and structs; a const name for consts).
    pub rust_name: String,
    /// Where it is declared.
    pub span: Span,
}

/// The kinds of [`Definition`].
#[derive(Clone, Debug)]
#[non_exhaustive]
pub enum DefKind {
    /// A named constant.
    Const(ConstValue),
    /// An enumeration.
    Enum(EnumDef),
    /// Bit flags; each entry's value is its mask.
    Flags(EnumDef),
    /// A C struct.
    Struct(StructDef),
}

/// The value of a const definition.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ConstValue {
    /// A number.
    Int(i128),
    /// A string (for example a multicast group name).
    Str(String),
}

/// Entries of an enum or flags.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct EnumDef {
    /// Entries in spec order.
    pub entries: Vec<EnumEntry>,
    /// C enum type name, if any.
    pub c_enum_name: Option<String>,
    /// C prefix of the entries.
    pub c_prefix: String,
    /// Whether C renders a max member.
    pub render_max: bool,
    /// C name of the count member, if given.
    pub c_cnt_name: Option<String>,
}

/// One entry of an enum or flags.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct EnumEntry {
    /// Spec name.
    pub name: String,
    /// Documentation.
    pub doc: Option<String>,
    /// The value: the number for an enum, the mask (`1 << bit`) for flags.
    pub value: u64,
    /// For flags, the bit number.
    pub bit: Option<u32>,
    /// C name.
    pub c_name: String,
    /// Rust variant or constant name.
    pub rust_name: String,
    /// Where it is declared.
    pub span: Span,
}

/// A struct definition laid out as the spec declares it: members one after
/// another, no implicit padding (explicit `pad` members or binary fillers
/// make up the C layout).
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct StructDef {
    /// Members in order, with their offsets.
    pub members: Vec<Member>,
    /// Size in bytes as declared (the sum of the members).
    pub size: u32,
    /// `sizeof` of the same members in C with natural alignment.
    pub c_size: u32,
    /// Alignment of the C struct.
    pub c_align: u32,
}

/// A struct member.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct Member {
    /// Spec name.
    pub name: String,
    /// Documentation.
    pub doc: Option<String>,
    /// Type.
    pub ty: MemberType,
    /// Length of a string, binary or pad member.
    pub len: Option<u32>,
    /// Byte order (host order when `None`).
    pub byte_order: Option<ByteOrder>,
    /// Enum or flags of the values.
    pub enum_: Option<DefId>,
    /// The enum's values are bits.
    pub enum_as_flags: bool,
    /// Display hint.
    pub display_hint: Option<DisplayHint>,
    /// Nested struct.
    pub struct_: Option<DefId>,
    /// Offset in the declared layout.
    pub offset: u32,
    /// Size in bytes.
    pub size: u32,
    /// Rust field name.
    pub rust_name: String,
    /// Where it is declared.
    pub span: Span,
}

/// Which kinds of message reach an attribute set.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct Usage {
    /// Sent to the kernel in a request.
    pub request: bool,
    /// Received in a reply.
    pub reply: bool,
    /// Received in a notification or event.
    pub notify: bool,
}

impl Usage {
    /// Whether any message uses the set.
    pub fn any(self) -> bool {
        self.request || self.reply || self.notify
    }
}

/// An attribute set.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct AttrSet {
    /// Spec name.
    pub name: String,
    /// Documentation.
    pub doc: Option<String>,
    /// The full set, when this is a subset.
    pub subset_of: Option<SetId>,
    /// C prefix of the attribute enum (inherited by subsets).
    pub c_prefix: String,
    /// C enum type name, if any.
    pub c_enum_name: Option<String>,
    /// C name of the count.
    pub c_cnt_name: String,
    /// C name of the last attribute.
    pub c_max_name: String,
    /// C header that already defines it.
    pub header: Option<String>,
    /// Attributes in spec order.
    pub attrs: Vec<Attr>,
    /// Rust struct name.
    pub rust_name: String,
    /// Which messages use it.
    pub usage: Usage,
    /// Whether it contains itself, directly or through other sets.
    pub recursive: bool,
    /// Where it is declared.
    pub span: Span,
}

impl AttrSet {
    /// The attribute of the given name.
    pub fn attr(&self, name: &str) -> Option<(u32, &Attr)> {
        self.attrs
            .iter()
            .enumerate()
            .find(|(_, a)| a.name == name)
            .map(|(i, a)| (i as u32, a))
    }

    /// The attribute with the given number.
    pub fn attr_by_value(&self, value: u16) -> Option<(u32, &Attr)> {
        self.attrs
            .iter()
            .enumerate()
            .find(|(_, a)| a.value == value)
            .map(|(i, a)| (i as u32, a))
    }

    /// The largest attribute number.
    pub fn max_value(&self) -> u16 {
        self.attrs.iter().map(|a| a.value).max().unwrap_or(0)
    }
}

/// One attribute.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct Attr {
    /// Spec name.
    pub name: String,
    /// Attribute type number.
    pub value: u16,
    /// Netlink type.
    pub ty: AttrType,
    /// Documentation.
    pub doc: Option<String>,
    /// Byte order (host order when `None`).
    pub byte_order: Option<ByteOrder>,
    /// Repeats.
    pub multi_attr: bool,
    /// Nested set.
    pub nested: Option<SetId>,
    /// Enum or flags of the values.
    pub enum_: Option<DefId>,
    /// The enum's values are bits.
    pub enum_as_flags: bool,
    /// Kernel input checks.
    pub checks: Checks,
    /// Element type of an array.
    pub sub_type: Option<AttrType>,
    /// Display hint.
    pub display_hint: Option<DisplayHint>,
    /// Struct carried in a binary attribute.
    pub struct_: Option<DefId>,
    /// Sub-message of a sub-message attribute.
    pub sub_message: Option<SubMsgId>,
    /// Sibling attribute selecting the sub-message format.
    pub selector: Option<AttrId>,
    /// Names of the values in a nest-type-value's types.
    pub type_value: Vec<String>,
    /// C name of the attribute's enum entry.
    pub c_name: String,
    /// Rust field name.
    pub rust_name: String,
    /// Where it is declared.
    pub span: Span,
}

/// A resolved check bound.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct Bound {
    /// The value.
    pub value: i128,
    /// As written in the spec (`16`, `wg-key-len`, `u32-max`).
    pub expr: String,
    /// The value comes from a C header (`header:` on the const) and the
    /// spec's number is only a placeholder.
    pub from_header: bool,
}

/// Kernel input checks of an attribute, resolved to numbers.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct Checks {
    /// Minimum value.
    pub min: Option<Bound>,
    /// Maximum value.
    pub max: Option<Bound>,
    /// Minimum length in bytes.
    pub min_len: Option<Bound>,
    /// Maximum length in bytes.
    pub max_len: Option<Bound>,
    /// Exact length in bytes.
    pub exact_len: Option<Bound>,
    /// A string need not be NUL-terminated.
    pub unterminated_ok: bool,
    /// Flags definition whose entries are the only allowed bits.
    pub flags_mask: Option<DefId>,
}

impl Checks {
    /// Whether there is no check at all.
    pub fn is_empty(&self) -> bool {
        *self == Checks::default()
    }
}

/// The operations of a family.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct Operations {
    /// Numbering model.
    pub enum_model: EnumModel,
    /// C prefix of commands.
    pub c_prefix: String,
    /// C enum name of commands.
    pub c_enum_name: Option<String>,
    /// C prefix of notifications.
    pub c_async_prefix: String,
    /// C enum name of notifications.
    pub c_async_enum: Option<String>,
    /// Fixed header of every message.
    pub fixed_header: Option<DefId>,
    /// The operations in spec order.
    pub list: Vec<Op>,
}

/// One operation.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct Op {
    /// Spec name.
    pub name: String,
    /// Documentation.
    pub doc: String,
    /// Command number of requests to the kernel (`None` for notifications and
    /// for directional ops without a request).
    pub request_value: Option<u32>,
    /// Command number of messages from the kernel (`None` for directional ops
    /// without a reply).
    pub reply_value: Option<u32>,
    /// Attribute set of the messages.
    pub attr_set: Option<SetId>,
    /// Flags.
    pub flags: Vec<OpFlag>,
    /// Validation relaxations.
    pub dont_validate: Vec<DontValidate>,
    /// Kernel config option gating the op.
    pub config_cond: Option<String>,
    /// Fixed header of the messages (the op's own or the family's).
    pub fixed_header: Option<DefId>,
    /// The do request kind.
    pub do_: Option<SubOp>,
    /// The dump request kind.
    pub dump: Option<SubOp>,
    /// The op whose reply this notification shares.
    pub notify: Option<OpId>,
    /// The attributes of an event.
    pub event: Option<Vec<AttrId>>,
    /// Multicast group the notification is sent on.
    pub mcgrp: Option<McgrpId>,
    /// C name of the command.
    pub c_name: String,
    /// Rust method name.
    pub rust_name: String,
    /// Where it is declared.
    pub span: Span,
}

impl Op {
    /// Whether the kernel sends this on its own (notify or event).
    pub fn is_async(&self) -> bool {
        self.notify.is_some() || self.event.is_some()
    }
}

/// `do` or `dump` of an operation.
#[derive(Clone, Debug, Default)]
#[non_exhaustive]
pub struct SubOp {
    /// The request.
    pub request: Option<MessageDef>,
    /// The reply.
    pub reply: Option<MessageDef>,
    /// Kernel hook before.
    pub pre: Option<String>,
    /// Kernel hook after.
    pub post: Option<String>,
}

/// The attributes of a request or reply.
#[derive(Clone, Debug, Default)]
#[non_exhaustive]
pub struct MessageDef {
    /// The attributes, in the op's set.
    pub attrs: Vec<AttrId>,
}

/// A multicast group.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct McastGroup {
    /// Name, as the kernel registers it.
    pub name: String,
    /// C define name.
    pub c_name: String,
    /// Flags.
    pub flags: Vec<OpFlag>,
    /// Group number (netlink-raw).
    pub value: Option<u32>,
    /// Where it is declared.
    pub span: Span,
}

/// A sub-message: formats selected by another attribute's value.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct SubMessage {
    /// Spec name.
    pub name: String,
    /// Formats.
    pub formats: Vec<Format>,
    /// Rust type name.
    pub rust_name: String,
    /// Where it is declared.
    pub span: Span,
}

/// One format of a sub-message.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct Format {
    /// Selector value.
    pub value: String,
    /// Fixed header.
    pub fixed_header: Option<DefId>,
    /// Attribute set.
    pub attr_set: Option<SetId>,
    /// Rust variant name.
    pub rust_name: String,
    /// Where the format's value is written.
    pub span: Span,
}

impl Family {
    /// A definition.
    pub fn def(&self, id: DefId) -> &Definition {
        &self.definitions[id.index()]
    }

    /// An attribute set.
    pub fn set(&self, id: SetId) -> &AttrSet {
        &self.attr_sets[id.index()]
    }

    /// An attribute.
    pub fn attr(&self, id: AttrId) -> &Attr {
        &self.set(id.set).attrs[id.index as usize]
    }

    /// An operation.
    pub fn op(&self, id: OpId) -> &Op {
        &self.operations.list[id.index()]
    }

    /// A multicast group.
    pub fn mcast_group(&self, id: McgrpId) -> &McastGroup {
        &self.mcast_groups[id.index()]
    }

    /// A sub-message.
    pub fn sub_message(&self, id: SubMsgId) -> &SubMessage {
        &self.sub_messages[id.index()]
    }

    /// The definition of the given spec name.
    pub fn def_by_name(&self, name: &str) -> Option<DefId> {
        self.definitions
            .iter()
            .position(|d| d.name == name)
            .map(|i| DefId(i as u32))
    }

    /// The attribute set of the given spec name.
    pub fn set_by_name(&self, name: &str) -> Option<SetId> {
        self.attr_sets
            .iter()
            .position(|s| s.name == name)
            .map(|i| SetId(i as u32))
    }

    /// The operation of the given spec name.
    pub fn op_by_name(&self, name: &str) -> Option<OpId> {
        self.operations
            .list
            .iter()
            .position(|o| o.name == name)
            .map(|i| OpId(i as u32))
    }

    /// All definition ids.
    pub fn def_ids(&self) -> impl Iterator<Item = DefId> + '_ {
        (0..self.definitions.len() as u32).map(DefId)
    }

    /// All attribute set ids.
    pub fn set_ids(&self) -> impl Iterator<Item = SetId> + '_ {
        (0..self.attr_sets.len() as u32).map(SetId)
    }

    /// All operation ids.
    pub fn op_ids(&self) -> impl Iterator<Item = OpId> + '_ {
        (0..self.operations.list.len() as u32).map(OpId)
    }

    /// The struct of a definition, if it is one.
    pub fn struct_def(&self, id: DefId) -> Option<&StructDef> {
        match &self.def(id).kind {
            DefKind::Struct(s) => Some(s),
            _ => None,
        }
    }

    /// The entries of an enum or flags definition, if it is one.
    pub fn enum_def(&self, id: DefId) -> Option<&EnumDef> {
        match &self.def(id).kind {
            DefKind::Enum(e) | DefKind::Flags(e) => Some(e),
            _ => None,
        }
    }
}
