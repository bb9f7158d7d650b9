//! Every input a fuzzer ever failed on, replayed on stable through the fuzz target's own
//! checks (`tests/fuzz_checks`). The inputs live in `fixtures/fuzz-regressions/<target>/`,
//! each file named after what it shows; add a crash's input there when fixing it.

mod fuzz_checks;
#[allow(dead_code)] // `checked` is for the sanitizer's own tests
mod sanitize_invariants;

use std::path::PathBuf;

/// A fuzz target's checks, run on one input.
type Check = fn(&[u8]);

/// The fuzz targets, by the name of their folder of regressions and of their cargo-fuzz binary.
const TARGETS: &[(&str, Check)] = &[
    ("feed_parse", fuzz_checks::feed_parse),
    ("feed_discovery", fuzz_checks::feed_discovery),
    ("sanitize", fuzz_checks::sanitize),
    ("extract", fuzz_checks::extract),
    ("opml_import", fuzz_checks::opml_import),
    ("date_parse", fuzz_checks::date_parse),
    ("deflate", fuzz_checks::deflate),
];

fn regressions_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/fuzz-regressions")
}

/// The saved inputs of one target, sorted by name (none when the folder is missing).
fn inputs(target: &str) -> Vec<(String, Vec<u8>)> {
    let Ok(entries) = std::fs::read_dir(regressions_dir().join(target)) else {
        return Vec::new();
    };
    let mut files: Vec<_> = entries
        .map(|e| e.expect("a readable folder entry").path())
        .collect();
    files.sort();
    files
        .into_iter()
        .map(|path| {
            let name = path
                .file_name()
                .unwrap_or_default()
                .to_string_lossy()
                .into_owned();
            let bytes = std::fs::read(&path).expect("a readable regression input");
            (name, bytes)
        })
        .collect()
}

fn replay(target: &str) {
    let check = TARGETS
        .iter()
        .find(|(name, _)| *name == target)
        .map(|(_, check)| *check)
        .expect("a known target");
    for (name, bytes) in inputs(target) {
        eprintln!("replaying {target}/{name}");
        check(&bytes);
    }
}

#[test]
fn every_regression_folder_names_a_fuzz_target() {
    let Ok(entries) = std::fs::read_dir(regressions_dir()) else {
        return;
    };
    for entry in entries {
        let name = entry.expect("a readable folder entry").file_name();
        let name = name.to_string_lossy();
        assert!(
            TARGETS.iter().any(|(target, _)| *target == name),
            "fuzz-regressions/{name} is no fuzz target, so nothing replays it"
        );
    }
}

#[test]
fn feed_inputs_that_failed_the_fuzzer_now_parse_as_promised() {
    replay("feed_parse");
}

#[test]
fn pages_that_failed_feed_discovery_fuzzing_now_pass() {
    replay("feed_discovery");
}

#[test]
fn html_that_failed_sanitizer_fuzzing_now_passes_inv1_and_inv2() {
    replay("sanitize");
}

#[test]
fn pages_that_failed_extractor_fuzzing_now_pass() {
    replay("extract");
}

#[test]
fn opml_that_failed_import_fuzzing_now_passes() {
    replay("opml_import");
}

#[test]
fn dates_that_failed_date_parser_fuzzing_now_read_back() {
    replay("date_parse");
}

#[test]
fn inputs_that_failed_compressor_fuzzing_now_round_trip() {
    replay("deflate");
}
