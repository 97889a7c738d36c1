//! The build-script `Builder`: what it writes, and how it fails.

use genl_spec::{BuildError, Builder};
use std::path::{Path, PathBuf};

fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("genl-builder-{name}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn spec(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(name)
}

#[test]
fn writes_one_file_per_family_and_leaves_it_alone_when_unchanged() {
    let dir = temp_dir("ok");
    let written = Builder::new()
        .spec(spec("../specs/nlctrl.yaml"))
        .out_dir(&dir)
        .generate()
        .unwrap();
    assert_eq!(written, vec![dir.join("nlctrl.rs")]);
    let first = std::fs::metadata(&written[0]).unwrap().modified().unwrap();
    std::thread::sleep(std::time::Duration::from_millis(20));
    Builder::new()
        .spec(spec("../specs/nlctrl.yaml"))
        .out_dir(&dir)
        .generate()
        .unwrap();
    assert_eq!(
        std::fs::metadata(&written[0]).unwrap().modified().unwrap(),
        first
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn an_invalid_spec_fails_with_its_diagnostics() {
    let dir = temp_dir("bad");
    let err = Builder::new()
        .spec(spec("tests/spec-fail/unknown-key.yaml"))
        .out_dir(&dir)
        .generate()
        .unwrap_err();
    let BuildError::Spec(e) = &err else {
        panic!("{err}")
    };
    assert!(
        e.render().contains("unknown key `multiattr` in attribute"),
        "{}",
        e.render()
    );
    assert!(err.to_string().contains("unknown-key.yaml:8:9"), "{err}");
    assert!(
        std::fs::read_dir(&dir).unwrap().next().is_none(),
        "nothing is written"
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn an_extern_set_must_name_a_set_of_some_spec() {
    let dir = temp_dir("extern");
    let err = Builder::new()
        .spec(spec("../specs/nlctrl.yaml"))
        .extern_set("packet-attrs.key", "crate::ovs_flow::KeyAttrs")
        .out_dir(&dir)
        .generate()
        .unwrap_err();
    assert!(matches!(err, BuildError::Option(_)), "{err}");
    assert!(
        err.to_string()
            .contains("no spec given to this builder has an attribute set `packet-attrs`"),
        "{err}"
    );
    let err = Builder::new()
        .spec(spec("../specs/nlctrl.yaml"))
        .extern_set("ctrl-attrs.nope", "crate::x::Y")
        .out_dir(&dir)
        .generate()
        .unwrap_err();
    assert!(err.to_string().contains("has no attribute `nope`"), "{err}");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn an_ordered_set_must_be_a_set_of_some_spec() {
    let dir = temp_dir("ordered");
    let err = Builder::new()
        .spec(spec("../specs/nlctrl.yaml"))
        .ordered_set("action-attrs")
        .out_dir(&dir)
        .generate()
        .unwrap_err();
    assert!(matches!(err, BuildError::Option(_)), "{err}");
    assert!(
        err.to_string()
            .contains("no spec given to this builder has an attribute set `action-attrs`"),
        "{err}"
    );
    let files = Builder::new()
        .spec(spec("../specs/nlctrl.yaml"))
        .ordered_set("op-attrs")
        .out_dir(&dir)
        .generate()
        .unwrap();
    let code = std::fs::read_to_string(&files[0]).unwrap();
    assert!(code.contains("pub enum Op {"), "{code}");
    assert!(code.contains("pub ops: Vec<Vec<Op>>,"), "{code}");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn a_nesting_limit_is_for_an_ordered_set() {
    let dir = temp_dir("nesting");
    let err = Builder::new()
        .spec(spec("../specs/ovs_flow.yaml"))
        .max_nesting("action-attrs", 16)
        .out_dir(&dir)
        .generate()
        .unwrap_err();
    assert!(matches!(err, BuildError::Option(_)), "{err}");
    assert!(
        err.to_string().contains("max nesting of `action-attrs`"),
        "{err}"
    );
    let files = Builder::new()
        .spec(spec("../specs/ovs_flow.yaml"))
        .ordered_set("action-attrs")
        .max_nesting("action-attrs", 16)
        .out_dir(&dir)
        .generate()
        .unwrap();
    let code = std::fs::read_to_string(&files[0]).unwrap();
    assert!(
        code.contains("#[genl(set = \"action-attrs\", max_nesting = 16)]"),
        "{code}"
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn without_out_dir_it_says_so() {
    // Integration tests have no OUT_DIR.
    assert!(std::env::var_os("OUT_DIR").is_none());
    let err = Builder::new()
        .spec(spec("../specs/nlctrl.yaml"))
        .generate()
        .unwrap_err();
    assert!(matches!(err, BuildError::NoOutDir), "{err}");
}
