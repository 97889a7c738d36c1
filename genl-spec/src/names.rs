//! Names: C identifiers as the kernel's generator forms them, and Rust
//! identifiers that are always valid and unique in their scope.
//!
//! Spec names are lower case with dashes (`family-id`, `10baset-half`).
//! - C: upper case with underscores, after a prefix (`CTRL_ATTR_FAMILY_ID`).
//! - Rust types and variants: UpperCamelCase; a leading digit gets an `N`
//!   (`N10basetHalf`), and `Self` becomes `Self_`.
//! - Rust fields, methods and modules: snake_case; a leading digit gets an
//!   `_` (`_6rd`); keywords become raw identifiers (`r#type`), except those
//!   that cannot be raw (`self`, `super`, `crate`, `Self`), which get a
//!   trailing `_`.
//! - Rust consts: SCREAMING_SNAKE_CASE with the same rules.

use heck::{ToShoutySnakeCase, ToSnakeCase, ToUpperCamelCase};
use std::collections::HashMap;

/// Strict and reserved keywords of Rust 2024.
const KEYWORDS: &[&str] = &[
    "as", "async", "await", "break", "const", "continue", "crate", "dyn", "else", "enum", "extern",
    "false", "fn", "for", "gen", "if", "impl", "in", "let", "loop", "match", "mod", "move", "mut",
    "pub", "ref", "return", "self", "Self", "static", "struct", "super", "trait", "true", "type",
    "unsafe", "use", "where", "while", "abstract", "become", "box", "do", "final", "macro",
    "override", "priv", "typeof", "unsized", "virtual", "yield", "try",
];

/// Keywords that cannot be written as raw identifiers.
const NOT_RAW: &[&str] = &["self", "Self", "super", "crate", "_"];

/// C form of a spec name: `family-id` → `FAMILY_ID`.
pub fn c_upper(name: &str) -> String {
    name.replace(['-', ' ', '.'], "_").to_uppercase()
}

/// C form of a spec name in lower case: `ovs-key-ipv4` → `ovs_key_ipv4`.
pub fn c_lower(name: &str) -> String {
    name.replace(['-', ' ', '.'], "_").to_lowercase()
}

fn fix_keyword(ident: String) -> String {
    if NOT_RAW.contains(&ident.as_str()) {
        format!("{ident}_")
    } else if KEYWORDS.contains(&ident.as_str()) {
        format!("r#{ident}")
    } else {
        ident
    }
}

fn fallback(ident: String, name: &str, lead: &str) -> String {
    let ident = if ident.is_empty() {
        // Names made only of punctuation: keep something readable and valid.
        format!(
            "{lead}{}",
            name.bytes().map(|b| format!("{b:02x}")).collect::<String>()
        )
    } else {
        ident
    };
    if ident.starts_with(|c: char| c.is_ascii_digit()) {
        format!("{lead}{ident}")
    } else {
        ident
    }
}

/// Keeps ASCII letters, digits and separators, turning anything else into a separator.
fn ascii(name: &str) -> String {
    name.chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
        .collect()
}

/// A type or variant name: `ovs-key-ipv4` → `OvsKeyIpv4`.
pub fn rust_type(name: &str) -> String {
    let ident = fallback(ascii(name).to_upper_camel_case(), name, "N");
    if ident == "Self" {
        "Self_".into()
    } else {
        ident
    }
}

/// A field, method or module name: `family-id` → `family_id`, `type` → `r#type`.
pub fn rust_field(name: &str) -> String {
    fix_keyword(fallback(ascii(name).to_snake_case(), name, "_"))
}

/// A const name: `wg-key-len` → `WG_KEY_LEN`.
pub fn rust_const(name: &str) -> String {
    fallback(ascii(name).to_shouty_snake_case(), name, "_")
}

/// Hands out names that are unique within one scope: a second `foo` becomes
/// `foo_2` (fields, methods, consts) or a second `Foo` becomes `Foo2` (types).
#[derive(Debug, Default)]
pub struct Scope {
    /// Identifier → (spec name that took it, times it was asked for).
    taken: HashMap<String, (String, u32)>,
    separator: &'static str,
}

/// What [`Scope::claim`] handed out.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Claimed {
    /// The identifier to use.
    pub ident: String,
    /// The other spec name that already had the natural identifier, when renamed.
    pub clash: Option<String>,
}

impl Scope {
    /// A scope of snake_case or SCREAMING_SNAKE_CASE names.
    pub fn new() -> Self {
        Scope {
            taken: HashMap::new(),
            separator: "_",
        }
    }

    /// A scope of UpperCamelCase names.
    pub fn types() -> Self {
        Scope {
            taken: HashMap::new(),
            separator: "",
        }
    }

    /// Claims `ident` for the spec name `name`. A name that is claimed again
    /// (a duplicate, reported elsewhere) gets the same identifier; another
    /// name that maps to a taken identifier gets a numbered one.
    pub fn claim(&mut self, ident: String, name: &str) -> Claimed {
        match self.taken.get(&ident) {
            None => {
                self.taken.insert(ident.clone(), (name.to_owned(), 1));
                Claimed { ident, clash: None }
            }
            Some((owner, _)) if owner == name => Claimed { ident, clash: None },
            Some((owner, n)) => {
                let owner = owner.clone();
                let base = ident.strip_prefix("r#").unwrap_or(&ident).to_owned();
                let mut n = *n;
                loop {
                    n += 1;
                    let candidate = format!("{base}{}{n}", self.separator);
                    if !self.taken.contains_key(&candidate) {
                        self.taken.get_mut(&ident).expect("present").1 = n;
                        self.taken.insert(candidate.clone(), (name.to_owned(), 1));
                        return Claimed {
                            ident: candidate,
                            clash: Some(owner),
                        };
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn c_names() {
        assert_eq!(c_upper("family-id"), "FAMILY_ID");
        assert_eq!(c_lower("ovs-key-ipv4"), "ovs_key_ipv4");
    }

    #[test]
    fn type_names() {
        assert_eq!(rust_type("ovs-key-ipv4"), "OvsKeyIpv4");
        assert_eq!(rust_type("ctrl-attrs"), "CtrlAttrs");
        assert_eq!(rust_type("10baset-half"), "N10basetHalf");
        assert_eq!(rust_type("self"), "Self_");
        assert_eq!(rust_type("--"), "N2d2d");
        assert_eq!(rust_type("ipv4-or-v6"), "Ipv4OrV6");
    }

    #[test]
    fn field_names() {
        assert_eq!(rust_field("family-id"), "family_id");
        assert_eq!(rust_field("type"), "r#type");
        assert_eq!(rust_field("match"), "r#match");
        assert_eq!(rust_field("self"), "self_");
        assert_eq!(rust_field("crate"), "crate_");
        assert_eq!(rust_field("6rd"), "_6rd");
        assert_eq!(rust_field("ipv4-or-v6"), "ipv4_or_v6");
        assert_eq!(rust_field("MTU"), "mtu");
        assert_eq!(rust_field("a.b"), "a_b");
    }

    #[test]
    fn const_names() {
        assert_eq!(rust_const("wg-key-len"), "WG_KEY_LEN");
        assert_eq!(rust_const("16"), "_16");
    }

    #[test]
    fn collisions_get_suffixes() {
        let mut s = Scope::new();
        let mut claim = |name: &str| s.claim(rust_field(name), name);
        assert_eq!(claim("foo-bar").ident, "foo_bar");
        let second = claim("foo_bar");
        assert_eq!(
            (second.ident.as_str(), second.clash.as_deref()),
            ("foo_bar_2", Some("foo-bar"))
        );
        assert_eq!(claim("foo bar").ident, "foo_bar_3");
        assert_eq!(
            claim("foo-bar").ident,
            "foo_bar",
            "a duplicate keeps its identifier"
        );
        assert_eq!(claim("type").ident, "r#type");
        assert_eq!(claim("TYPE").ident, "type_2");
        let mut t = Scope::types();
        assert_eq!(t.claim(rust_type("a-b"), "a-b").ident, "AB");
        assert_eq!(t.claim(rust_type("a_b"), "a_b").ident, "AB2");
    }
}
