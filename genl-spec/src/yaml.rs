//! YAML text to a tree of [`Node`]s, each with its span.
//!
//! The tree is read through serde (serde-saphyr) with one generic
//! `Deserialize` impl, so any well-formed YAML becomes a tree; the typed
//! mirror in [`crate::raw`] is then built from the tree, collecting every
//! problem instead of stopping at the first.

use crate::diagnostic::Diagnostic;
use crate::source::{Source, Span};
use serde::de::{Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use std::fmt;

/// One YAML node.
#[derive(Clone, Debug, PartialEq)]
pub struct Node {
    /// What the node holds.
    pub kind: NodeKind,
    /// Where it is in the source: the whole scalar, or the first token of a collection.
    pub span: Span,
    /// The whole extent of the node, including everything nested in it.
    pub extent: Span,
}

/// The shapes a YAML node can take.
#[derive(Clone, Debug, PartialEq)]
pub enum NodeKind {
    /// `~`, `null` or nothing.
    Null,
    /// `true` / `false`.
    Bool(bool),
    /// An integer literal (decimal, hex, octal).
    Int(i128),
    /// A floating-point literal.
    Float(f64),
    /// A string scalar.
    Str(String),
    /// A sequence.
    Seq(Vec<Node>),
    /// A mapping, in source order.
    Map(Vec<(Node, Node)>),
}

impl NodeKind {
    /// A short name of the node's shape for messages ("a string", "a mapping").
    pub fn describe(&self) -> &'static str {
        match self {
            NodeKind::Null => "null",
            NodeKind::Bool(_) => "a boolean",
            NodeKind::Int(_) => "an integer",
            NodeKind::Float(_) => "a float",
            NodeKind::Str(_) => "a string",
            NodeKind::Seq(_) => "a sequence",
            NodeKind::Map(_) => "a mapping",
        }
    }
}

/// The serde-facing twin of [`Node`]: positions come from serde-saphyr.
enum Value {
    Null,
    Bool(bool),
    Int(i128),
    Float(f64),
    Str(String),
    Seq(Vec<serde_saphyr::Spanned<Value>>),
    Map(Vec<(serde_saphyr::Spanned<Value>, serde_saphyr::Spanned<Value>)>),
}

impl<'de> Deserialize<'de> for Value {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Value;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("any YAML value")
            }
            fn visit_unit<E>(self) -> Result<Value, E> {
                Ok(Value::Null)
            }
            fn visit_none<E>(self) -> Result<Value, E> {
                Ok(Value::Null)
            }
            fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Value, D::Error> {
                Value::deserialize(d)
            }
            fn visit_bool<E>(self, v: bool) -> Result<Value, E> {
                Ok(Value::Bool(v))
            }
            fn visit_i64<E>(self, v: i64) -> Result<Value, E> {
                Ok(Value::Int(v.into()))
            }
            fn visit_u64<E>(self, v: u64) -> Result<Value, E> {
                Ok(Value::Int(v.into()))
            }
            fn visit_i128<E>(self, v: i128) -> Result<Value, E> {
                Ok(Value::Int(v))
            }
            fn visit_u128<E: serde::de::Error>(self, v: u128) -> Result<Value, E> {
                i128::try_from(v)
                    .map(Value::Int)
                    .map_err(|_| E::custom("integer too large"))
            }
            fn visit_f64<E>(self, v: f64) -> Result<Value, E> {
                Ok(Value::Float(v))
            }
            fn visit_str<E>(self, v: &str) -> Result<Value, E> {
                Ok(Value::Str(v.to_owned()))
            }
            fn visit_string<E>(self, v: String) -> Result<Value, E> {
                Ok(Value::Str(v))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut a: A) -> Result<Value, A::Error> {
                let mut items = Vec::new();
                while let Some(item) = a.next_element()? {
                    items.push(item);
                }
                Ok(Value::Seq(items))
            }
            fn visit_map<A: MapAccess<'de>>(self, mut a: A) -> Result<Value, A::Error> {
                let mut entries = Vec::new();
                while let Some(entry) = a.next_entry()? {
                    entries.push(entry);
                }
                Ok(Value::Map(entries))
            }
        }
        d.deserialize_any(V)
    }
}

fn span_of(source: &Source, loc: &serde_saphyr::Location) -> Span {
    let span = loc.span();
    match (span.byte_offset(), span.byte_len()) {
        (Some(start), Some(len)) if start as usize <= source.text().len() => {
            Span::new(start as usize, start as usize + len as usize)
        }
        _ => {
            let start = source.offset_of(loc.line() as usize, loc.column() as usize);
            let len = source.text()[start..]
                .chars()
                .next()
                .map_or(0, char::len_utf8);
            Span::new(start, start + len)
        }
    }
}

fn convert(source: &Source, v: serde_saphyr::Spanned<Value>) -> Node {
    let mut span = span_of(source, &v.referenced);
    let kind = match v.value {
        Value::Null => NodeKind::Null,
        Value::Bool(b) => NodeKind::Bool(b),
        Value::Int(i) => NodeKind::Int(i),
        // Integers beyond 64 bits come back as floats: keep them integers.
        Value::Float(f) => source
            .text()
            .get(span.range())
            .and_then(|t| t.trim().parse::<i128>().ok())
            .map_or(NodeKind::Float(f), NodeKind::Int),
        Value::Str(s) => NodeKind::Str(s),
        Value::Seq(items) => NodeKind::Seq(items.into_iter().map(|i| convert(source, i)).collect()),
        Value::Map(entries) => NodeKind::Map(
            entries
                .into_iter()
                .map(|(k, v)| (convert(source, k), convert(source, v)))
                .collect(),
        ),
    };
    let mut extent = span;
    let mut widen = |n: &Node| extent.end = extent.end.max(n.extent.end);
    match &kind {
        NodeKind::Seq(items) => items.iter().for_each(&mut widen),
        NodeKind::Map(entries) => entries.iter().for_each(|(k, v)| {
            widen(k);
            widen(v);
        }),
        _ => {}
    }
    // A collection is reported at its first token only.
    if matches!(kind, NodeKind::Seq(_) | NodeKind::Map(_)) {
        let first = source.text()[source.range(span).start..].chars().next();
        span.end = span.start + first.map_or(0, |c| c.len_utf8() as u32);
    }
    Node { kind, span, extent }
}

/// Parses YAML text into a node tree, or a located syntax error.
///
/// serde-saphyr's default budget bounds nesting depth (64), events and alias
/// expansion, so hostile input fails fast instead of exhausting memory.
/// Scalars follow the YAML 1.2 core schema: only `true`/`false` are
/// booleans, so entries such as `y` and `n` stay strings.
pub fn parse(source: &Source) -> Result<Node, Box<Diagnostic>> {
    let text = source.text();
    if text.trim().is_empty() {
        let span = Span::new(0, 0);
        let mut d = Diagnostic::error(span, "the spec is empty");
        d.with_label("expected a mapping here");
        return Err(Box::new(d));
    }
    match serde_saphyr::from_str_with_options::<serde_saphyr::Spanned<Value>>(
        text,
        serde_saphyr::options! { strict_booleans: true, underscored_numbers_as_strings: true },
    ) {
        Ok(v) => {
            let root = convert(source, v);
            if root.kind == NodeKind::Null {
                let mut d = Diagnostic::error(Span::new(0, 0), "the spec is empty");
                d.with_label("expected a mapping here");
                return Err(Box::new(d));
            }
            Ok(root)
        }
        Err(e) => {
            let span = e.location().map_or(Span::new(0, 0), |loc| {
                let start = source.offset_of(loc.line() as usize, loc.column() as usize);
                let end = source.text()[start..]
                    .chars()
                    .next()
                    .map_or(start, |c| start + c.len_utf8());
                Span::new(start, end)
            });
            Err(Box::new(Diagnostic::error(
                span,
                format!("invalid YAML: {}", syntax_message(&e)),
            )))
        }
    }
}

/// The parser's message without its own location prefix and source excerpt.
fn syntax_message(e: &serde_saphyr::Error) -> String {
    let full = e.to_string();
    let first = full.lines().next().unwrap_or("").trim();
    let first = first.strip_prefix("error:").unwrap_or(first).trim();
    // "line 2 column 2: message"
    let message = match first.split_once(": ") {
        Some((head, rest)) if head.starts_with("line ") => rest,
        _ => first,
    };
    // "duplicate mapping key: type, set DuplicateKeyPolicy in Options if acceptable"
    match message.strip_prefix("duplicate mapping key: ") {
        Some(rest) => format!(
            "duplicate key `{}`",
            rest.split(", set ").next().unwrap_or(rest)
        ),
        None => message.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tree(text: &str) -> Node {
        parse(&Source::new("t.yaml", text)).expect("valid yaml")
    }

    #[test]
    fn scalars_keep_their_types_and_spans() {
        let n = tree("a: 1\nb: \"2\"\nc: 0x10\nd: u32-max\ne: ~\nf: true\ng: n\n");
        let NodeKind::Map(m) = n.kind else { panic!() };
        let kinds: Vec<_> = m.iter().map(|(_, v)| v.kind.clone()).collect();
        assert_eq!(
            kinds,
            vec![
                NodeKind::Int(1),
                NodeKind::Str("2".into()),
                NodeKind::Int(16),
                NodeKind::Str("u32-max".into()),
                NodeKind::Null,
                NodeKind::Bool(true),
                NodeKind::Str("n".into()),
            ]
        );
        assert_eq!(m[3].1.span, Span::new(23, 30));
    }

    #[test]
    fn big_integers_stay_integers() {
        let n = tree("a: 18446744073709551616\nb: 1_000\n");
        let NodeKind::Map(m) = n.kind else { panic!() };
        assert_eq!(m[0].1.kind, NodeKind::Int(18446744073709551616));
        assert_eq!(m[1].1.kind, NodeKind::Str("1_000".into()));
    }

    #[test]
    fn comments_only_is_empty() {
        let err = parse(&Source::new("t.yaml", "# nothing\n")).unwrap_err();
        assert_eq!(err.message, "the spec is empty");
    }

    #[test]
    fn syntax_errors_are_located() {
        let src = Source::new("t.yaml", "a: [1\nb: {x: 1\n");
        let err = parse(&src).unwrap_err();
        assert!(err.message.starts_with("invalid YAML"), "{}", err.message);
        assert!(err.span.is_some());
    }

    #[test]
    fn duplicate_keys_are_errors() {
        let src = Source::new("t.yaml", "a: 1\na: 2\n");
        let err = parse(&src).unwrap_err();
        assert_eq!(err.message, "invalid YAML: duplicate key `a`");
        assert_eq!(src.location(err.span.unwrap()), "t.yaml:2:1");
    }
}
