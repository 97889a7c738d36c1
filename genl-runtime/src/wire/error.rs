//! Decode errors with the path of names down to the failing attribute.

use std::fmt;

/// One step of a [`DecodeError`]'s path.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PathSegment {
    /// An attribute, by its spec name.
    Attr(&'static str),
    /// An attribute the spec does not name, by its type number.
    Type(u16),
    /// An element of an array, by position.
    Index(usize),
}

/// What went wrong while decoding.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum DecodeErrorKind {
    /// Fewer bytes than a header or value needs.
    Truncated {
        /// What was being read.
        what: &'static str,
        /// Bytes needed.
        need: usize,
        /// Bytes there.
        have: usize,
    },
    /// An attribute's `nla_len` is below the 4-byte header or runs past its buffer.
    BadAttrLen {
        /// The `nla_len` read.
        len: u16,
        /// Bytes left in the buffer at the attribute.
        remaining: usize,
    },
    /// A message's `nlmsg_len` is below its header or runs past the buffer.
    BadMessageLen {
        /// The `nlmsg_len` read.
        len: u32,
        /// Bytes left in the buffer at the message.
        remaining: usize,
    },
    /// A value has the wrong size for its type.
    WrongSize {
        /// The type expected.
        ty: &'static str,
        /// The sizes it may have.
        expected: &'static [usize],
        /// The size found.
        got: usize,
    },
    /// A string without its terminating NUL.
    MissingNul,
    /// A string that is not UTF-8.
    BadUtf8,
    /// Nests deeper than the decoder follows.
    TooDeep {
        /// The limit.
        limit: usize,
    },
    /// Anything else, in words.
    Invalid(String),
}

/// A decode failure: what went wrong and where.
///
/// One pointer wide (its contents are boxed), so that a
/// `Result<T, DecodeError>` of a small `T` is returned in registers: the
/// success path of every decoder pays nothing for the error's size.
#[derive(Clone, PartialEq, Eq)]
pub struct DecodeError(Box<Inner>);

#[derive(Clone, PartialEq, Eq)]
struct Inner {
    kind: DecodeErrorKind,
    /// Innermost first; reversed for display.
    path: Vec<PathSegment>,
}

impl DecodeError {
    /// An error at the current position, with an empty path.
    #[cold]
    #[inline(never)]
    pub fn new(kind: DecodeErrorKind) -> Self {
        DecodeError(Box::new(Inner {
            kind,
            path: Vec::new(),
        }))
    }

    /// What went wrong.
    pub fn kind(&self) -> &DecodeErrorKind {
        &self.0.kind
    }

    /// The path from the outermost attribute to the failing one.
    pub fn path(&self) -> impl Iterator<Item = &PathSegment> {
        self.0.path.iter().rev()
    }

    /// Adds an enclosing step to the path; callers add theirs as the error goes up.
    #[cold]
    pub fn within(mut self, segment: PathSegment) -> Self {
        self.0.path.push(segment);
        self
    }

    /// Adds an enclosing attribute, by spec name.
    #[cold]
    pub fn in_attr(self, name: &'static str) -> Self {
        self.within(PathSegment::Attr(name))
    }

    /// The path written as `.key.ipv4[2]`.
    pub fn path_string(&self) -> String {
        path_string(&self.0.path)
    }
}

impl fmt::Debug for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DecodeError")
            .field("kind", &self.0.kind)
            .field("path", &self.0.path)
            .finish()
    }
}

/// Writes a path kept innermost-first as `.key.ipv4[2]`.
pub(crate) fn path_string(innermost_first: &[PathSegment]) -> String {
    let mut out = String::new();
    for seg in innermost_first.iter().rev() {
        match seg {
            PathSegment::Attr(name) => {
                out.push('.');
                out.push_str(name);
            }
            PathSegment::Type(t) => out.push_str(&format!(".<{t}>")),
            PathSegment::Index(i) => out.push_str(&format!("[{i}]")),
        }
    }
    out
}

impl fmt::Display for DecodeErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DecodeErrorKind::Truncated { what, need, have } => {
                write!(f, "truncated {what}: needs {need} bytes, has {have}")
            }
            DecodeErrorKind::BadAttrLen { len, remaining } => {
                write!(
                    f,
                    "attribute length {len} is invalid with {remaining} bytes left"
                )
            }
            DecodeErrorKind::BadMessageLen { len, remaining } => {
                write!(
                    f,
                    "message length {len} is invalid with {remaining} bytes left"
                )
            }
            DecodeErrorKind::WrongSize { ty, expected, got } => {
                let sizes: Vec<String> = expected.iter().map(usize::to_string).collect();
                write!(f, "a {ty} is {} bytes, found {got}", sizes.join(" or "))
            }
            DecodeErrorKind::MissingNul => f.write_str("string is not NUL-terminated"),
            DecodeErrorKind::BadUtf8 => f.write_str("string is not valid UTF-8"),
            DecodeErrorKind::TooDeep { limit } => {
                write!(f, "attributes nest deeper than {limit} levels")
            }
            DecodeErrorKind::Invalid(s) => f.write_str(s),
        }
    }
}

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.0.path.is_empty() {
            write!(f, "{}", self.0.kind)
        } else {
            write!(f, "{}: {}", self.path_string(), self.0.kind)
        }
    }
}

impl std::error::Error for DecodeError {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_read_outside_in() {
        let e = DecodeError::new(DecodeErrorKind::MissingNul)
            .in_attr("name")
            .within(PathSegment::Index(2))
            .in_attr("ops");
        assert_eq!(e.path_string(), ".ops[2].name");
        assert_eq!(e.to_string(), ".ops[2].name: string is not NUL-terminated");
    }
}
