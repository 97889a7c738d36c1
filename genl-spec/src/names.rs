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
    taken: HashMap<String, u32>,
    separator: &'static str,
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

    /// Returns `ident`, or `ident_N` if it is taken; the second value says whether it was renamed.
    pub fn claim(&mut self, ident: String) -> (String, bool) {
        if !self.taken.contains_key(&ident) {
            self.taken.insert(ident.clone(), 1);
            return (ident, false);
        }
        let base = ident.strip_prefix("r#").unwrap_or(&ident).to_owned();
        let mut n = self.taken[&ident];
        loop {
            n += 1;
            let candidate = format!("{base}{}{n}", self.separator);
            if !self.taken.contains_key(&candidate) {
                self.taken.insert(ident, n);
                self.taken.insert(candidate.clone(), 1);
                return (candidate, true);
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
        assert_eq!(s.claim(rust_field("foo-bar")), ("foo_bar".into(), false));
        assert_eq!(s.claim(rust_field("foo_bar")), ("foo_bar_2".into(), true));
        assert_eq!(s.claim(rust_field("foo bar")), ("foo_bar_3".into(), true));
        assert_eq!(s.claim("foo_bar_4".into()), ("foo_bar_4".into(), false));
        assert_eq!(s.claim(rust_field("type")), ("r#type".into(), false));
        assert_eq!(s.claim(rust_field("type")), ("type_2".into(), true));
        let mut t = Scope::types();
        assert_eq!(t.claim(rust_type("a-b")), ("AB".into(), false));
        assert_eq!(t.claim(rust_type("a_b")), ("AB2".into(), true));
    }
}
