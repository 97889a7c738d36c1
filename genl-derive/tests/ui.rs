//! Compile-fail tests: each error category of the derives, with the exact
//! message and span rustc shows. Bless changed outputs with
//! `TRYBUILD=overwrite cargo test -p genl-derive --test ui`.

#[test]
fn ui() {
    let t = trybuild::TestCases::new();
    t.compile_fail("tests/ui/*.rs");
}
