//! The errors of the dynamic codec: input that does not fit the spec, and
//! bytes that do not decode. Both name the path of spec names to the value.

use std::fmt;

use genl_runtime::wire::{DecodeError, DecodeErrorKind};

/// One step of a path: an attribute or member by name, or an array element.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Step {
    Name(String),
    Index(usize),
}

/// Writes a path kept innermost-first as `.key.ipv4[2]`.
fn path_string(innermost_first: &[Step]) -> String {
    let mut out = String::new();
    for step in innermost_first.iter().rev() {
        match step {
            Step::Name(n) => {
                out.push('.');
                out.push_str(n);
            }
            Step::Index(i) => out.push_str(&format!("[{i}]")),
        }
    }
    out
}

/// JSON input that does not fit the spec: where, what was wrong and what was
/// expected, and the closest names when a name was misspelt. Nothing is
/// sent when there is one.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InputError {
    path: Vec<Step>,
    message: String,
    suggestions: Vec<String>,
}

impl InputError {
    pub(crate) fn new(message: impl Into<String>) -> Self {
        InputError {
            path: Vec::new(),
            message: message.into(),
            suggestions: Vec::new(),
        }
    }

    pub(crate) fn suggesting(mut self, names: Vec<String>) -> Self {
        self.suggestions = names;
        self
    }

    pub(crate) fn at(mut self, step: Step) -> Self {
        self.path.push(step);
        self
    }

    pub(crate) fn in_name(self, name: &str) -> Self {
        self.at(Step::Name(name.to_owned()))
    }

    /// The path of the value, as `.key.ipv4[2]` (empty for the whole input).
    pub fn path(&self) -> String {
        path_string(&self.path)
    }

    /// What was wrong.
    pub fn message(&self) -> &str {
        &self.message
    }

    /// The closest known names, best first, when a name was not known.
    pub fn suggestions(&self) -> &[String] {
        &self.suggestions
    }
}

impl fmt::Display for InputError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if !self.path.is_empty() {
            write!(f, "{}: ", self.path())?;
        }
        f.write_str(&self.message)?;
        if let Some(best) = self.suggestions.first() {
            write!(f, "; did you mean `{best}`?")?;
        }
        Ok(())
    }
}

impl std::error::Error for InputError {}

/// Bytes that do not decode as the spec says: where and why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WireError {
    path: Vec<Step>,
    kind: DecodeErrorKind,
}

impl WireError {
    pub(crate) fn new(kind: DecodeErrorKind) -> Self {
        WireError {
            path: Vec::new(),
            kind,
        }
    }

    pub(crate) fn at(mut self, step: Step) -> Self {
        self.path.push(step);
        self
    }

    pub(crate) fn in_name(self, name: &str) -> Self {
        self.at(Step::Name(name.to_owned()))
    }

    /// The path of the attribute, as `.key.ipv4[2]`.
    pub fn path(&self) -> String {
        path_string(&self.path)
    }

    /// What went wrong.
    pub fn kind(&self) -> &DecodeErrorKind {
        &self.kind
    }
}

impl From<DecodeError> for WireError {
    /// Takes the runtime's error for one value (its path is empty).
    fn from(e: DecodeError) -> Self {
        WireError::new(e.kind().clone())
    }
}

impl fmt::Display for WireError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.path.is_empty() {
            write!(f, "{}", self.kind)
        } else {
            write!(f, "{}: {}", self.path(), self.kind)
        }
    }
}

impl std::error::Error for WireError {}
