//! The spec loader on arbitrary bytes: YAML parsing, decoding into the raw
//! model, resolution and validation must end in a spec or in diagnostics
//! (rendered here, as `genl check` renders them), never in a panic. A spec
//! that loads must also generate code that parses as Rust.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data).into_owned();
    match genl_spec::Spec::parse("fuzz.yaml", text) {
        Ok(spec) => {
            let code = genl_spec::codegen::generate(&spec, &genl_spec::codegen::Options::default());
            assert!(
                !code.starts_with("compile_error!"),
                "a spec that loads generated invalid Rust: {code}"
            );
        }
        Err(e) => {
            let rendered = e.render();
            assert!(!rendered.is_empty(), "a spec that fails has a diagnostic");
        }
    }
});
