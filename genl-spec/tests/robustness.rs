//! No input makes the loader panic: property tests that truncate and mutate
//! real specs (the project's own, the spec-fail cases and, when
//! `GENL_CORPUS` is set, the kernel corpus) and check that loading returns
//! either a family or located diagnostics.

mod common;

use genl_spec::Spec;
use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};
use std::path::{Path, PathBuf};

fn seeds() -> Vec<(PathBuf, String)> {
    let here = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut dirs = vec![
        here.join("../specs"),
        here.join("tests/spec-fail"),
        here.join("tests/spec-warn"),
    ];
    if let Some(corpus) = common::corpus() {
        dirs.push(corpus);
    }
    let mut out = Vec::new();
    for dir in dirs {
        for p in common::corpus_specs(&dir) {
            let text = std::fs::read_to_string(&p).expect("readable spec");
            out.push((p, text));
        }
    }
    assert!(out.len() >= 2, "too few seed specs");
    out
}

/// Values that stress the resolver when put in place of any scalar.
const VALUES: &[&str] = &[
    "",
    "~",
    "0",
    "-1",
    "65535",
    "65536",
    "4294967296",
    "340282366920938463463374607431768211456",
    "0x7fffffffffffffffffffffffffffffff",
    "1.5",
    ".nan",
    "true",
    "\"\"",
    "[]",
    "{}",
    "[ a, b ]",
    "{ name: x }",
    "u8-max",
    "s64-min",
    "u32-max - 1",
    "unknown-const - 1",
    "- 1",
    "nest",
    "sub-message",
    "indexed-array",
    "binary",
    "struct",
    "pad",
    "directional",
    "genetlink-legacy",
    "netlink-raw",
    "main",
    "\"\\u0000\"",
    "é",
    "&a x",
    "*a",
    "!!binary aGk=",
    "|\n  text",
];

/// Loading must return, and every diagnostic must have a span inside the text
/// (and render, when `render` is set).
fn check(name: &str, text: &str, render: bool) -> Result<(), TestCaseError> {
    let diags = match Spec::parse(name, text) {
        Ok(spec) => spec.warnings().clone(),
        Err(e) => {
            prop_assert!(e.diagnostics.has_errors(), "rejected without an error");
            if render {
                let _ = e.render();
            }
            e.diagnostics
        }
    };
    for d in diags.iter() {
        if let Some(s) = d.span {
            prop_assert!(
                s.start <= s.end && s.end as usize <= text.len(),
                "span {s:?} outside the text"
            );
            prop_assert!(
                text.is_char_boundary(s.start as usize) && text.is_char_boundary(s.end as usize),
                "span {s:?} splits a character"
            );
        }
    }
    Ok(())
}

/// A runner with a fixed seed, so that CI runs are repeatable; set
/// `GENL_PROPTEST_CASES` for longer runs and `GENL_PROPTEST_RANDOM=1` for a
/// fresh seed each time.
fn runner() -> TestRunner {
    let cases = std::env::var("GENL_PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(256);
    let config = Config {
        cases,
        failure_persistence: None,
        ..Config::default()
    };
    if std::env::var_os("GENL_PROPTEST_RANDOM").is_some() {
        TestRunner::new(config)
    } else {
        let rng = proptest::test_runner::TestRng::deterministic_rng(config.rng_algorithm);
        TestRunner::new_with_rng(config, rng)
    }
}

fn floor_char_boundary(s: &str, mut i: usize) -> usize {
    while !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

#[test]
fn truncated_specs_never_panic() {
    let seeds = seeds();
    let n = seeds.len();
    runner()
        .run(&(0..n, any::<prop::sample::Index>()), |(i, at)| {
            let (path, text) = &seeds[i];
            let cut = floor_char_boundary(text, at.index(text.len() + 1));
            check(&path.display().to_string(), &text[..cut], true)
        })
        .unwrap();
}

#[derive(Clone, Debug)]
enum Mutation {
    /// Put a stress value after the `key:` of a line.
    Value(prop::sample::Index, usize),
    DeleteLine(prop::sample::Index),
    DuplicateLine(prop::sample::Index),
    SwapLines(prop::sample::Index, prop::sample::Index),
    /// Shift a line's indentation.
    Indent(prop::sample::Index, i8),
    /// Overwrite a byte.
    Byte(prop::sample::Index, u8),
}

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        4 => (any::<prop::sample::Index>(), 0..VALUES.len()).prop_map(|(l, v)| Mutation::Value(l, v)),
        1 => any::<prop::sample::Index>().prop_map(Mutation::DeleteLine),
        1 => any::<prop::sample::Index>().prop_map(Mutation::DuplicateLine),
        1 => (any::<prop::sample::Index>(), any::<prop::sample::Index>()).prop_map(|(a, b)| Mutation::SwapLines(a, b)),
        1 => (any::<prop::sample::Index>(), -4i8..4).prop_map(|(l, d)| Mutation::Indent(l, d)),
        1 => (any::<prop::sample::Index>(), any::<u8>()).prop_map(|(i, b)| Mutation::Byte(i, b)),
    ]
}

fn apply(text: &str, m: &Mutation) -> String {
    let mut lines: Vec<String> = text.lines().map(str::to_owned).collect();
    if lines.is_empty() {
        return text.to_owned();
    }
    let n = lines.len();
    match m {
        Mutation::Value(l, v) => {
            let line = &mut lines[l.index(n)];
            if let Some(colon) = line.find(": ") {
                line.truncate(colon + 2);
                line.push_str(VALUES[*v]);
            }
        }
        Mutation::DeleteLine(l) => {
            lines.remove(l.index(n));
        }
        Mutation::DuplicateLine(l) => {
            let i = l.index(n);
            lines.insert(i, lines[i].clone());
        }
        Mutation::SwapLines(a, b) => lines.swap(a.index(n), b.index(n)),
        Mutation::Indent(l, d) => {
            let line = &mut lines[l.index(n)];
            if *d > 0 {
                line.insert_str(0, &" ".repeat(*d as usize));
            } else {
                let strip = line.len() - line.trim_start_matches(' ').len();
                line.drain(..strip.min(d.unsigned_abs() as usize));
            }
        }
        Mutation::Byte(i, b) => {
            let mut bytes = lines.join("\n").into_bytes();
            let at = i
                .index(bytes.len().max(1))
                .min(bytes.len().saturating_sub(1));
            if let Some(x) = bytes.get_mut(at) {
                *x = *b;
            }
            return String::from_utf8_lossy(&bytes).into_owned();
        }
    }
    lines.join("\n")
}

#[test]
fn mutated_specs_never_panic() {
    let seeds = seeds();
    let n = seeds.len();
    runner()
        .run(
            &(0..n, prop::collection::vec(mutation(), 1..6)),
            |(i, ms)| {
                let (path, text) = &seeds[i];
                let mutated = ms.iter().fold(text.clone(), |t, m| apply(&t, m));
                check(&path.display().to_string(), &mutated, true)
            },
        )
        .unwrap();
}

#[test]
fn every_line_of_a_spec_can_be_stressed() {
    // Every line of the project's nlctrl spec, each with eight stress values,
    // rotating so that every value meets every kind of key.
    let path = common::project_spec("nlctrl");
    let text = std::fs::read_to_string(&path).expect("readable spec");
    let lines: Vec<&str> = text.lines().collect();
    for (i, line) in lines.iter().enumerate() {
        let Some(colon) = line.find(": ") else {
            continue;
        };
        for v in (0..8).map(|k| VALUES[(i * 7 + k * 5) % VALUES.len()]) {
            let mut copy: Vec<String> = lines.iter().map(|l| (*l).to_owned()).collect();
            copy[i] = format!("{}{v}", &line[..colon + 2]);
            let mutated = copy.join("\n");
            if let Err(e) = check("nlctrl.yaml", &mutated, false) {
                panic!("line {} set to `{v}`: {e}", i + 1);
            }
        }
    }
}
