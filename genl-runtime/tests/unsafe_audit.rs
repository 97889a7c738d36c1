//! The workspace's `unsafe` code, audited from the sources: every `unsafe`
//! block is in genl-runtime's socket module (or the benchmarks' raw floor), each right under a
//! `// SAFETY:` comment, every other crate forbids `unsafe_code`, and their
//! number is the one the README states.

use std::fs;
use std::path::{Path, PathBuf};

/// The benchmarks' hand-written floor: raw `libc` calls, the fastest a
/// netlink round trip can be, measured beside the library. It is not part
/// of any library crate, and the README's count is of the library's blocks.
const BENCH_FLOOR: &str = "bench/src/floor.rs";

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("genl-runtime sits in the workspace")
        .to_path_buf()
}

/// Every `.rs` file under `dir`, skipping build output and hidden folders.
fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        let name = entry.file_name().to_string_lossy().into_owned();
        if path.is_dir() {
            if !name.starts_with('.') && name != "target" && !name.starts_with("target-") {
                rust_files(&path, out);
            }
        } else if name.ends_with(".rs") {
            out.push(path);
        }
    }
}

/// Whether `line` (code, not comment) uses the `unsafe` keyword.
fn uses_unsafe(line: &str) -> bool {
    let code = line.split("//").next().unwrap_or("");
    [
        "unsafe {",
        "unsafe fn",
        "unsafe impl",
        "unsafe extern",
        "unsafe trait",
    ]
    .iter()
    .any(|k| code.contains(k))
}

/// Whether the comment block just above line `i` (past at most one line of
/// the same statement) has a `SAFETY:` justification.
fn justified(lines: &[&str], i: usize) -> bool {
    let mut j = i;
    let mut code_lines = 0;
    while j > 0 {
        j -= 1;
        let t = lines[j].trim();
        if t.starts_with("//") {
            break;
        }
        code_lines += 1;
        if code_lines > 1 {
            return false;
        }
    }
    let mut k = j + 1;
    while k > 0 && lines[k - 1].trim().starts_with("//") {
        k -= 1;
        if lines[k].trim().starts_with("// SAFETY:") {
            return true;
        }
    }
    false
}

struct Site {
    file: String,
    line: usize,
    justified: bool,
}

fn sites() -> Vec<Site> {
    let root = workspace();
    let mut files = Vec::new();
    rust_files(&root, &mut files);
    files.sort();
    let mut sites = Vec::new();
    for path in files {
        if path.ends_with(file!()) || path.ends_with("tests/unsafe_audit.rs") {
            // This audit names the keyword in its patterns.
            continue;
        }
        let text = fs::read_to_string(&path).expect("a readable source file");
        let lines: Vec<&str> = text.lines().collect();
        let rel = path
            .strip_prefix(&root)
            .unwrap_or(&path)
            .display()
            .to_string();
        for (i, line) in lines.iter().enumerate() {
            if !line.trim_start().starts_with("//") && uses_unsafe(line) {
                sites.push(Site {
                    file: rel.clone(),
                    line: i + 1,
                    justified: justified(&lines, i),
                });
            }
        }
    }
    sites
}

#[test]
fn unsafe_is_confined_to_the_socket_module_and_justified() {
    let sites = sites();
    assert!(!sites.is_empty(), "the socket module has unsafe code");
    for s in &sites {
        assert!(
            s.file.starts_with("genl-runtime/src/socket/") || s.file == BENCH_FLOOR,
            "{}:{}: unsafe outside genl-runtime's socket module",
            s.file,
            s.line
        );
        assert!(
            s.justified,
            "{}:{}: unsafe without a `// SAFETY:` comment right above",
            s.file, s.line
        );
    }
}

#[test]
fn the_readme_states_the_number_of_unsafe_blocks() {
    let count = sites().iter().filter(|s| s.file != BENCH_FLOOR).count();
    let readme = fs::read_to_string(workspace().join("README.md")).expect("README.md");
    let marker = " `unsafe` blocks";
    let stated = readme
        .find(marker)
        .and_then(|at| readme[..at].rsplit(' ').next())
        .and_then(|n| n.parse::<usize>().ok())
        .expect("the README states \"N `unsafe` blocks\"");
    assert_eq!(
        stated, count,
        "README states {stated} `unsafe` blocks; the sources have {count}"
    );
}

#[test]
fn every_other_crate_forbids_unsafe_code() {
    let root = workspace();
    let mut files = Vec::new();
    rust_files(&root, &mut files);
    let roots: Vec<_> = files
        .iter()
        .filter(|p| {
            let name = p.file_name().and_then(|n| n.to_str()).unwrap_or("");
            let parent = p
                .parent()
                .and_then(|d| d.file_name())
                .and_then(|n| n.to_str());
            (name == "lib.rs" || name == "main.rs") && parent == Some("src")
        })
        .collect();
    assert!(roots.len() >= 5, "found the crate roots: {roots:?}");
    for path in roots {
        let text = fs::read_to_string(path).expect("a readable crate root");
        let rel = path
            .strip_prefix(&root)
            .unwrap_or(path)
            .display()
            .to_string();
        if rel == "genl-runtime/src/lib.rs" || rel == "bench/src/lib.rs" {
            assert!(text.contains("#![deny(unsafe_code)]"), "{rel}");
        } else {
            assert!(
                text.contains("#![forbid(unsafe_code)]"),
                "{rel} does not forbid unsafe code"
            );
        }
    }
}
