//! Building the typed mirror ([`crate::raw`]) from a YAML [`Node`] tree.
//!
//! Decoding never stops at a problem: every unknown key, wrong value type,
//! missing key and key that the spec's protocol level does not allow is
//! reported, and decoding carries on with what is left.

use crate::diagnostic::Diagnostics;
use crate::raw::Protocol;
use crate::source::{Span, Spanned};
use crate::yaml::{Node, NodeKind};

/// The protocol levels a key or keyword is allowed at, as a bit set.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Levels(pub u8);

impl Levels {
    pub const L: Levels = Levels(4);
    pub const R: Levels = Levels(8);
    pub const ALL: Levels = Levels(15);
    /// genetlink-c, genetlink-legacy and netlink-raw.
    pub const CLR: Levels = Levels(2 | 4 | 8);
    /// genetlink-legacy and netlink-raw.
    pub const LR: Levels = Levels(4 | 8);
    /// The genetlink family of levels, not netlink-raw.
    pub const GCL: Levels = Levels(1 | 2 | 4);
    /// genetlink-c and genetlink-legacy.
    pub const CL: Levels = Levels(2 | 4);
    /// All but genetlink-c.
    pub const GLR: Levels = Levels(1 | 4 | 8);

    pub fn contains(self, p: Protocol) -> bool {
        self.0 & p.bit() != 0
    }

    /// The protocols of this set, for a help line.
    pub fn names(self) -> String {
        let names: Vec<_> = Protocol::ALL
            .iter()
            .filter(|p| self.contains(**p))
            .map(|p| format!("`{}`", p.as_str()))
            .collect();
        join_or(&names)
    }
}

/// `a`, `a or b`, `a, b or c`.
pub(crate) fn join_or(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [rest @ .., last] => format!("{} or {}", rest.join(", "), last),
    }
}

/// The closest of `candidates` to `word`, if it is close enough to suggest.
pub(crate) fn closest<'a>(
    word: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    candidates
        .into_iter()
        .map(|c| (strsim::jaro_winkler(word, c), c))
        .filter(|(score, _)| *score > 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, c)| c)
}

/// Decoding state: the protocol level and the diagnostics found so far.
pub(crate) struct Cx<'a> {
    pub protocol: Protocol,
    pub diags: &'a mut Diagnostics,
}

impl Cx<'_> {
    pub fn type_error(&mut self, node: &Node, expected: &str) {
        self.diags
            .error(
                node.span,
                format!("expected {expected}, found {}", node.kind.describe()),
            )
            .label = Some(format!("expected {expected}"));
    }

    /// The entries of a mapping node, or an error.
    pub fn map<'n>(&mut self, node: &'n Node, what: &str) -> Option<&'n [(Node, Node)]> {
        match &node.kind {
            NodeKind::Map(entries) => Some(entries),
            _ => {
                self.type_error(node, &format!("{what} (a mapping)"));
                None
            }
        }
    }

    /// The text of a mapping key, or an error for a key that is not a string.
    pub fn key<'n>(&mut self, node: &'n Node) -> Option<&'n str> {
        match &node.kind {
            NodeKind::Str(s) => Some(s),
            _ => {
                self.type_error(node, "a string key");
                None
            }
        }
    }

    pub fn unknown_key(&mut self, node: &Node, key: &str, known: &[(&str, Levels)], what: &str) {
        let allowed: Vec<&str> = known
            .iter()
            .filter(|(_, l)| l.contains(self.protocol))
            .map(|(k, _)| *k)
            .collect();
        let d = self
            .diags
            .error(node.span, format!("unknown key `{key}` in {what}"));
        d.label = Some("unknown key".into());
        if let Some(best) = closest(key, allowed.iter().copied()) {
            d.help.push(format!("did you mean `{best}`?"));
        } else {
            let list: Vec<String> = allowed.iter().map(|k| format!("`{k}`")).collect();
            d.notes.push(format!("{what} takes {}", join_or(&list)));
        }
    }

    /// Reports a key that exists in the format but not at this spec's protocol level.
    pub fn check_level(&mut self, node: &Node, key: &str, levels: Levels, what: &str) -> bool {
        if levels.contains(self.protocol) {
            return true;
        }
        self.diags
            .error(
                node.span,
                format!(
                    "`{key}` in {what} is not allowed with protocol `{}`",
                    self.protocol.as_str()
                ),
            )
            .help
            .push(format!("`{key}` needs protocol {}", levels.names()));
        false
    }

    pub fn missing(&mut self, span: Span, key: &str, what: &str) {
        self.diags
            .error(span, format!("missing required key `{key}` in {what}"))
            .label = Some(format!("this {what} has no `{key}`"));
    }
}

/// A type that can be decoded from a YAML node.
pub(crate) trait FromNode: Sized {
    /// Decodes `node`, reporting every problem to `cx`; `None` when nothing usable is left.
    fn from_node(node: &Node, cx: &mut Cx<'_>) -> Option<Self>;
}

impl FromNode for String {
    fn from_node(node: &Node, cx: &mut Cx<'_>) -> Option<Self> {
        match &node.kind {
            NodeKind::Str(s) => Some(s.clone()),
            _ => {
                cx.type_error(node, "a string");
                None
            }
        }
    }
}

impl FromNode for bool {
    fn from_node(node: &Node, cx: &mut Cx<'_>) -> Option<Self> {
        match &node.kind {
            NodeKind::Bool(b) => Some(*b),
            _ => {
                cx.type_error(node, "`true` or `false`");
                None
            }
        }
    }
}

/// A non-negative integer (`$defs/uint`).
impl FromNode for u64 {
    fn from_node(node: &Node, cx: &mut Cx<'_>) -> Option<Self> {
        match &node.kind {
            NodeKind::Int(i) => match u64::try_from(*i) {
                Ok(v) => Some(v),
                Err(_) => {
                    cx.diags
                        .error(node.span, format!("`{i}` is out of range"))
                        .label = Some("expected a non-negative integer below 2^64".into());
                    None
                }
            },
            _ => {
                cx.type_error(node, "a non-negative integer");
                None
            }
        }
    }
}

impl FromNode for i128 {
    fn from_node(node: &Node, cx: &mut Cx<'_>) -> Option<Self> {
        match &node.kind {
            NodeKind::Int(i) => Some(*i),
            _ => {
                cx.type_error(node, "an integer");
                None
            }
        }
    }
}

impl<T: FromNode> FromNode for Vec<Spanned<T>> {
    fn from_node(node: &Node, cx: &mut Cx<'_>) -> Option<Self> {
        match &node.kind {
            NodeKind::Seq(items) => Some(
                items
                    .iter()
                    .filter_map(|item| T::from_node(item, cx).map(|v| Spanned::new(v, item.span)))
                    .collect(),
            ),
            _ => {
                cx.type_error(node, "a sequence");
                None
            }
        }
    }
}

/// Declares a struct of the typed mirror and how it is decoded from a mapping.
///
/// Each field is `Option<Spanned<T>>`: absent keys are `None`, and keys whose
/// value could not be decoded are reported and left `None`.
macro_rules! raw_struct {
    (
        $(#[$meta:meta])*
        pub struct $name:ident, $what:literal {
            $(
                $(#[$fmeta:meta])*
                $field:ident: $ty:ty = $key:literal, $levels:ident $(, $required:ident)?;
            )*
        }
    ) => {
        $(#[$meta])*
        #[derive(Clone, Debug, Default)]
        pub struct $name {
            /// Where the mapping starts.
            pub span: $crate::source::Span,
            /// The whole mapping.
            pub extent: $crate::source::Span,
            /// Keys that were written but whose value could not be decoded
            /// (already reported; later passes stay quiet about them).
            pub invalid: Vec<&'static str>,
            $(
                $(#[$fmeta])*
                pub $field: Option<$crate::source::Spanned<$ty>>,
            )*
        }

        impl $name {
            /// What this mapping is called in messages.
            pub const WHAT: &'static str = $what;
            /// Every key this mapping can have, with the protocol levels that allow it.
            pub(crate) const KEYS: &'static [(&'static str, $crate::decode::Levels)] =
                &[$(($key, $crate::decode::Levels::$levels)),*];

            /// This mapping's keys, with those it lacks taken from `base`.
            #[allow(dead_code)]
            pub(crate) fn overlay(&self, base: &Self) -> Self {
                $name {
                    span: self.span,
                    extent: self.extent,
                    invalid: self.invalid.iter().chain(&base.invalid).copied().collect(),
                    $( $field: self.$field.clone().or_else(|| base.$field.clone()), )*
                }
            }
        }

        impl $crate::decode::FromNode for $name {
            fn from_node(
                node: &$crate::yaml::Node,
                cx: &mut $crate::decode::Cx<'_>,
            ) -> Option<Self> {
                let entries = cx.map(node, $what)?;
                let mut out = $name { span: node.span, extent: node.extent, ..Default::default() };
                for (k, v) in entries {
                    let Some(key) = cx.key(k) else { continue };
                    match key {
                        $(
                            $key => {
                                if cx.check_level(k, $key, $crate::decode::Levels::$levels, $what) {
                                    out.$field = <$ty as $crate::decode::FromNode>::from_node(v, cx)
                                        .map(|x| $crate::source::Spanned::new(x, v.span));
                                    if out.$field.is_none() {
                                        out.invalid.push($key);
                                    }
                                }
                            }
                        )*
                        other => cx.unknown_key(k, other, Self::KEYS, $what),
                    }
                }
                $(
                    raw_struct!(@required out, node, cx, $what, $field, $key $(, $required)?);
                )*
                Some(out)
            }
        }
    };
    (@required $out:ident, $node:ident, $cx:ident, $what:literal, $field:ident, $key:literal, required) => {
        if $out.$field.is_none() && !$out.invalid.contains(&$key) {
            $cx.missing($node.span, $key, $what);
        }
    };
    (@required $out:ident, $node:ident, $cx:ident, $what:literal, $field:ident, $key:literal) => {};
}
pub(crate) use raw_struct;

/// Declares a keyword enum: a fixed set of strings, each allowed at some protocol levels.
macro_rules! keywords {
    (
        $(#[$meta:meta])*
        pub enum $name:ident, $what:literal {
            $( $(#[$vmeta:meta])* $variant:ident = $text:literal, $levels:ident; )*
        }
    ) => {
        $(#[$meta])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum $name {
            $( $(#[$vmeta])* $variant, )*
        }

        impl $name {
            /// Every keyword, in the order of the format's schema.
            pub const ALL: &'static [$name] = &[$($name::$variant),*];

            /// The keyword as written in a spec.
            pub fn as_str(self) -> &'static str {
                match self { $( $name::$variant => $text, )* }
            }

            /// Parses the keyword as written in a spec.
            pub fn from_keyword(s: &str) -> Option<Self> {
                match s { $( $text => Some($name::$variant), )* _ => None }
            }

            #[allow(dead_code)]
            pub(crate) fn levels(self) -> $crate::decode::Levels {
                match self { $( $name::$variant => $crate::decode::Levels::$levels, )* }
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl $crate::decode::FromNode for $name {
            fn from_node(
                node: &$crate::yaml::Node,
                cx: &mut $crate::decode::Cx<'_>,
            ) -> Option<Self> {
                let $crate::yaml::NodeKind::Str(s) = &node.kind else {
                    cx.type_error(node, $what);
                    return None;
                };
                match Self::from_keyword(s) {
                    Some(v) => {
                        if v.levels().contains(cx.protocol) {
                            Some(v)
                        } else {
                            cx.diags
                                .error(node.span, format!(
                                    "{} `{s}` is not allowed with protocol `{}`",
                                    $what, cx.protocol.as_str()))
                                .help
                                .push(format!("`{s}` needs protocol {}", v.levels().names()));
                            None
                        }
                    }
                    None => {
                        let allowed: Vec<&str> = Self::ALL
                            .iter()
                            .filter(|v| v.levels().contains(cx.protocol))
                            .map(|v| v.as_str())
                            .collect();
                        let d = cx.diags.error(node.span, format!("unknown {} `{s}`", $what));
                        d.label = Some(format!("not a known {}", $what));
                        if let Some(best) = $crate::decode::closest(s, allowed.iter().copied()) {
                            d.help.push(format!("did you mean `{best}`?"));
                        }
                        let list: Vec<String> = allowed.iter().map(|k| format!("`{k}`")).collect();
                        d.notes.push(format!("expected {}", $crate::decode::join_or(&list)));
                        None
                    }
                }
            }
        }
    };
}
pub(crate) use keywords;
