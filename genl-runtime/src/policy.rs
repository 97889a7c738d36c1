//! Policies: the checks the kernel applies to an attribute, as static tables,
//! and the checks themselves, run on a request before it is sent.
//!
//! A [`SetPolicy`] lists the [`AttrPolicy`] of every attribute of a set; code
//! generated from a spec holds one per attribute set in a `static`. The same
//! tables name attributes by type number, so that a kernel error that points
//! at an attribute can be turned back into a path of names.

use crate::wire::PathSegment;
use std::fmt;

/// The kind of value an attribute carries, as far as its policy is concerned.
#[derive(Clone, Copy, Debug)]
#[non_exhaustive]
pub enum Kind {
    /// No payload.
    Flag,
    /// Unsigned integer of this many bytes.
    Unsigned(u8),
    /// Signed integer of this many bytes.
    Signed(u8),
    /// `uint`: 4 or 8 bytes.
    Uint,
    /// `sint`: 4 or 8 bytes.
    Sint,
    /// NUL-terminated string.
    String,
    /// Bytes (or a struct, or an array of integers).
    Binary,
    /// Nested attributes of the set whose policy the function returns (a
    /// function, so that recursive sets can name themselves).
    Nest(fn() -> &'static SetPolicy),
    /// An array of elements in a nest.
    IndexedArray,
    /// A nest whose types carry values.
    NestTypeValue,
    /// A 32-bit value and selector.
    Bitfield32,
    /// A payload whose format another attribute selects.
    SubMessage,
    /// Padding or a reserved number.
    Unused,
}

/// The checks of one attribute.
#[derive(Clone, Copy, Debug)]
pub struct AttrPolicy {
    /// Spec name.
    pub name: &'static str,
    /// Attribute type number.
    pub ty: u16,
    /// What it carries.
    pub kind: Kind,
    /// Smallest value.
    pub min: Option<i128>,
    /// Largest value.
    pub max: Option<i128>,
    /// Smallest length (strings: without the NUL).
    pub min_len: Option<u32>,
    /// Largest length (strings: without the NUL).
    pub max_len: Option<u32>,
    /// Exact length.
    pub exact_len: Option<u32>,
    /// Only these bits may be set.
    pub flags_mask: Option<u64>,
}

impl AttrPolicy {
    /// A policy with no checks.
    pub const fn new(name: &'static str, ty: u16, kind: Kind) -> Self {
        AttrPolicy {
            name,
            ty,
            kind,
            min: None,
            max: None,
            min_len: None,
            max_len: None,
            exact_len: None,
            flags_mask: None,
        }
    }
}

/// The policies of one attribute set, in spec order.
#[derive(Debug)]
pub struct SetPolicy {
    /// Spec name of the set.
    pub name: &'static str,
    /// One entry per attribute.
    pub attrs: &'static [AttrPolicy],
}

impl SetPolicy {
    /// The policy of an attribute type number.
    pub fn by_type(&self, ty: u16) -> Option<&'static AttrPolicy> {
        self.attrs.iter().find(|a| a.ty == ty)
    }

    /// The policy of an attribute by spec name.
    pub fn by_name(&self, name: &str) -> Option<&'static AttrPolicy> {
        self.attrs.iter().find(|a| a.name == name)
    }
}

/// The rule a value broke.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Violation {
    /// Below `min`.
    BelowMin {
        /// The value.
        value: i128,
        /// The bound.
        min: i128,
    },
    /// Above `max`.
    AboveMax {
        /// The value.
        value: i128,
        /// The bound.
        max: i128,
    },
    /// Shorter than `min-len`.
    TooShort {
        /// The length.
        len: usize,
        /// The bound.
        min_len: u32,
    },
    /// Longer than `max-len`.
    TooLong {
        /// The length.
        len: usize,
        /// The bound.
        max_len: u32,
    },
    /// Not `exact-len`.
    WrongLength {
        /// The length.
        len: usize,
        /// The required length.
        exact_len: u32,
    },
    /// Bits outside `flags-mask`.
    BadFlags {
        /// The value.
        value: u64,
        /// The allowed bits.
        mask: u64,
    },
    /// A string with a NUL inside (it would end early on the wire).
    NulInString {
        /// Where the NUL is.
        at: usize,
    },
    /// More bytes than an attribute can hold.
    TooBig {
        /// The length.
        len: usize,
    },
    /// Lists of an ordered set nested in one another deeper than the
    /// receiver accepts (Open vSwitch: actions inside `clone`, `sample`,
    /// `check_pkt_len` and `dec_ttl`, at most 16 levels below the top).
    TooDeep {
        /// The attribute set of the lists.
        set: &'static str,
        /// The most levels of nesting allowed below the outermost list.
        limit: usize,
    },
    /// A sub-message whose format is not the one its selector names, so that
    /// the receiver would read it in another format.
    SelectorMismatch {
        /// The selector attribute, by spec name.
        selector: &'static str,
        /// The selector value the format is for (`"bridge"`, `7`); `None` for
        /// the payload of an unlisted format.
        format: Option<String>,
        /// The selector's value; `None` when it is absent.
        found: Option<String>,
    },
}

impl fmt::Display for Violation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Violation::BelowMin { value, min } => write!(f, "{value} is below min {min}"),
            Violation::AboveMax { value, max } => write!(f, "{value} is above max {max}"),
            Violation::TooShort { len, min_len } => {
                write!(f, "length {len} is below min-len {min_len}")
            }
            Violation::TooLong { len, max_len } => {
                write!(f, "length {len} is above max-len {max_len}")
            }
            Violation::WrongLength { len, exact_len } => {
                write!(f, "length {len} is not exact-len {exact_len}")
            }
            Violation::BadFlags { value, mask } => {
                write!(
                    f,
                    "{value:#x} has bits outside flags-mask {mask:#x} ({:#x})",
                    value & !mask
                )
            }
            Violation::NulInString { at } => write!(f, "string has a NUL byte at {at}"),
            Violation::TooBig { len } => write!(f, "{len} bytes do not fit in an attribute"),
            Violation::TooDeep { set, limit } => write!(
                f,
                "`{set}` lists nested more than {limit} levels deep, which the kernel refuses"
            ),
            Violation::SelectorMismatch {
                selector,
                format,
                found,
            } => {
                match format {
                    Some(format) => write!(f, "the format is for {selector} {format}, but ")?,
                    None => write!(f, "the payload of an unlisted format, but ")?,
                }
                match (format, found) {
                    (_, None) => write!(f, "{selector} is absent"),
                    (Some(_), Some(found)) => write!(f, "{selector} is {found}"),
                    (None, Some(found)) => write!(f, "{selector} {found} has a format"),
                }
            }
        }
    }
}

/// A request that breaks its policy: which attribute, and which rule.
///
/// One pointer wide (its contents are boxed), like
/// [`DecodeError`](crate::wire::DecodeError): the `Result<(), PolicyError>`
/// of every check is a pointer, whatever the size of the violation.
#[derive(Clone, PartialEq, Eq)]
pub struct PolicyError(Box<PolicyErrorInner>);

#[derive(Clone, PartialEq, Eq)]
struct PolicyErrorInner {
    /// Innermost first; reversed for display.
    path: Vec<PathSegment>,
    violation: Violation,
}

impl PolicyError {
    /// An error about the attribute `name`.
    #[cold]
    pub fn new(name: &'static str, violation: Violation) -> Self {
        PolicyError(Box::new(PolicyErrorInner {
            path: vec![PathSegment::Attr(name)],
            violation,
        }))
    }

    /// An error about the value being checked, whose attribute the caller
    /// names (with [`PolicyError::in_attr`]).
    #[cold]
    pub fn here(violation: Violation) -> Self {
        PolicyError(Box::new(PolicyErrorInner {
            path: Vec::new(),
            violation,
        }))
    }

    /// Adds an enclosing step to the path.
    #[cold]
    pub fn within(mut self, segment: PathSegment) -> Self {
        self.0.path.push(segment);
        self
    }

    /// Adds an enclosing attribute, by spec name.
    pub fn in_attr(self, name: &'static str) -> Self {
        self.within(PathSegment::Attr(name))
    }

    /// The rule broken.
    pub fn violation(&self) -> &Violation {
        &self.0.violation
    }

    /// The path from the outermost attribute, written as `.key.ipv4`.
    pub fn path_string(&self) -> String {
        crate::wire::path_string(&self.0.path)
    }
}

impl fmt::Debug for PolicyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PolicyError")
            .field("path", &self.0.path)
            .field("violation", &self.0.violation)
            .finish()
    }
}

impl fmt::Display for PolicyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.path_string(), self.0.violation)
    }
}

impl std::error::Error for PolicyError {}

/// The largest payload of one attribute (`nla_len` is 16 bits).
pub const MAX_PAYLOAD: usize = u16::MAX as usize - 4;

impl AttrPolicy {
    fn fail(&self, v: Violation) -> Result<(), PolicyError> {
        Err(PolicyError::new(self.name, v))
    }

    /// Checks an integer against `min`, `max` and `flags-mask`.
    pub fn check_int(&self, value: impl Into<i128>) -> Result<(), PolicyError> {
        let value = value.into();
        if let Some(min) = self.min
            && value < min
        {
            return self.fail(Violation::BelowMin { value, min });
        }
        if let Some(max) = self.max
            && value > max
        {
            return self.fail(Violation::AboveMax { value, max });
        }
        if let Some(mask) = self.flags_mask {
            // Flags are unsigned; a negative value has every high bit set.
            let bits = u64::try_from(value).unwrap_or(u64::MAX);
            if bits & !mask != 0 {
                return self.fail(Violation::BadFlags { value: bits, mask });
            }
        }
        Ok(())
    }

    /// Checks a payload length against `min-len`, `max-len` and `exact-len`.
    pub fn check_len(&self, len: usize) -> Result<(), PolicyError> {
        if len > MAX_PAYLOAD {
            return self.fail(Violation::TooBig { len });
        }
        if let Some(exact_len) = self.exact_len
            && len != exact_len as usize
        {
            return self.fail(Violation::WrongLength { len, exact_len });
        }
        if let Some(min_len) = self.min_len
            && len < min_len as usize
        {
            return self.fail(Violation::TooShort { len, min_len });
        }
        if let Some(max_len) = self.max_len
            && len > max_len as usize
        {
            return self.fail(Violation::TooLong { len, max_len });
        }
        Ok(())
    }

    /// Checks a string: no NUL inside, and its length (without the NUL that
    /// is added on the wire) against the length checks.
    pub fn check_str(&self, value: &str) -> Result<(), PolicyError> {
        if let Some(at) = value.bytes().position(|b| b == 0) {
            return self.fail(Violation::NulInString { at });
        }
        self.check_len(value.len())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const NAME: AttrPolicy = AttrPolicy {
        max_len: Some(15),
        ..AttrPolicy::new("name", 2, Kind::String)
    };
    const PORT: AttrPolicy = AttrPolicy {
        min: Some(1),
        max: Some(65535),
        ..AttrPolicy::new("port", 3, Kind::Unsigned(4))
    };
    const KEY: AttrPolicy = AttrPolicy {
        exact_len: Some(32),
        ..AttrPolicy::new("key", 4, Kind::Binary)
    };
    const FLAGS: AttrPolicy = AttrPolicy {
        flags_mask: Some(0b101),
        ..AttrPolicy::new("flags", 5, Kind::Unsigned(4))
    };
    static DP: SetPolicy = SetPolicy {
        name: "datapath",
        attrs: &[NAME, PORT, KEY, FLAGS],
    };

    #[test]
    fn ranges_reject_just_outside_and_accept_on_the_bounds() {
        assert!(PORT.check_int(1u32).is_ok());
        assert!(PORT.check_int(65535u32).is_ok());
        assert_eq!(
            *PORT.check_int(0u32).unwrap_err().violation(),
            Violation::BelowMin { value: 0, min: 1 }
        );
        assert_eq!(
            *PORT.check_int(65536u32).unwrap_err().violation(),
            Violation::AboveMax {
                value: 65536,
                max: 65535
            }
        );
    }

    #[test]
    fn lengths_and_strings() {
        assert!(NAME.check_str("fifteen-bytes!!").is_ok());
        let e = NAME
            .check_str("sixteen-bytes!!!")
            .unwrap_err()
            .in_attr("datapath");
        assert_eq!(
            e.to_string(),
            ".datapath.name: length 16 is above max-len 15"
        );
        assert!(matches!(
            NAME.check_str("a\0b").unwrap_err().violation(),
            Violation::NulInString { at: 1 }
        ));
        assert!(KEY.check_len(32).is_ok());
        assert!(KEY.check_len(31).is_err() && KEY.check_len(33).is_err());
        assert!(KEY.check_len(MAX_PAYLOAD + 1).is_err());
    }

    #[test]
    fn flags_mask() {
        assert!(FLAGS.check_int(0b101u32).is_ok());
        let e = FLAGS.check_int(0b111u32).unwrap_err();
        assert_eq!(
            e.to_string(),
            ".flags: 0x7 has bits outside flags-mask 0x5 (0x2)"
        );
        assert!(FLAGS.check_int(-1i32).is_err());
    }

    #[test]
    fn tables_name_attributes_by_number() {
        assert_eq!(DP.by_type(3).map(|p| p.name), Some("port"));
        assert_eq!(DP.by_name("key").map(|p| p.ty), Some(4));
        assert!(DP.by_type(9).is_none());
    }
}

thread_local! {
    /// How deep the lists of each limited ordered set are, in the checks
    /// running on this thread.
    static NESTING: std::cell::RefCell<Vec<(&'static str, usize)>> =
        const { std::cell::RefCell::new(Vec::new()) };
}

/// Runs `check` on a list of the ordered set `set` one level deeper than
/// the list around it (if any), and fails with [`Violation::TooDeep`] when
/// that is more than `limit` levels below the outermost list. Checks are
/// synchronous, so a per-thread count is the depth of the value being
/// checked; it is restored however `check` ends.
pub fn nested(
    set: &'static str,
    limit: usize,
    check: impl FnOnce() -> Result<(), PolicyError>,
) -> Result<(), PolicyError> {
    struct Level(&'static str);
    impl Drop for Level {
        fn drop(&mut self) {
            NESTING.with(|n| {
                let mut n = n.borrow_mut();
                if let Some(at) = n.iter().position(|(s, _)| *s == self.0) {
                    n[at].1 -= 1;
                    if n[at].1 == 0 {
                        n.swap_remove(at);
                    }
                }
            });
        }
    }
    let depth = NESTING.with(|n| {
        let mut n = n.borrow_mut();
        match n.iter_mut().find(|(s, _)| *s == set) {
            Some((_, d)) => {
                *d += 1;
                *d
            }
            None => {
                n.push((set, 1));
                1
            }
        }
    });
    let _level = Level(set);
    if depth - 1 > limit {
        return Err(PolicyError::here(Violation::TooDeep { set, limit }));
    }
    check()
}
