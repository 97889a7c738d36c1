//! What the property tests share: the case runner and the NUL check.
// Each test file uses some of these items.
#![allow(dead_code)]

use proptest::prelude::*;
use proptest::test_runner::{Config, TestCaseError, TestRng, TestRunner};

/// Stack of the thread that runs a type's cases: generated types nest deeply.
const STACK: usize = 64 << 20;

/// Runs `case` on proptest's inputs of up to `max_input` bytes (256 cases
/// unless `PROPTEST_CASES` says otherwise; a fixed seed keeps CI repeatable,
/// `GENL_PROPTEST_RANDOM=1` explores), on a thread with a large stack, and
/// panics with `name` and the minimal failing input.
pub fn run_cases(
    name: &str,
    max_input: usize,
    case: impl Fn(&[u8]) -> Result<(), TestCaseError> + Sync,
) {
    let outcome = std::thread::scope(|s| {
        std::thread::Builder::new()
            .name(name.to_owned())
            .stack_size(STACK)
            .spawn_scoped(s, || {
                let config = Config {
                    failure_persistence: None,
                    ..Config::default()
                };
                let mut runner = if std::env::var_os("GENL_PROPTEST_RANDOM").is_some() {
                    TestRunner::new(config)
                } else {
                    let rng = TestRng::deterministic_rng(config.rng_algorithm);
                    TestRunner::new_with_rng(config, rng)
                };
                runner.run(&prop::collection::vec(any::<u8>(), 0..=max_input), |data| {
                    case(&data)
                })
            })
            .expect("spawn the test thread")
            .join()
            .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
    });
    if let Err(e) = outcome {
        panic!("{name}: {e}");
    }
}

/// Whether a value's `Debug` text shows a string holding a NUL (which the
/// wire cannot carry): `Debug` escapes it as `\0`, and writes byte vectors
/// and arrays as numbers, so an unescaped `\0` can only come from a string.
pub fn has_nul(debug: &str) -> bool {
    let mut chars = debug.chars();
    while let Some(c) = chars.next() {
        if c == '\\' && chars.next() == Some('0') {
            return true;
        }
    }
    false
}
