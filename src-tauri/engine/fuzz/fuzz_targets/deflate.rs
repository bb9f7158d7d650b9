//! Fuzzes `deflate`: the checks live in `tests/fuzz_checks`, shared with the regression test.
#![no_main]

#[allow(dead_code)]
#[path = "../../tests/fuzz_checks/mod.rs"]
mod fuzz_checks;
#[allow(dead_code)]
#[path = "../../tests/sanitize_invariants/mod.rs"]
mod sanitize_invariants;

libfuzzer_sys::fuzz_target!(|data: &[u8]| fuzz_checks::deflate(data));
