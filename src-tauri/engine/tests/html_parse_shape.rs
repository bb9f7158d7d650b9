//! Every parse of outside HTML goes through the complexity guard, by construction: outside
//! `src/sanitize/`, no engine source calls an HTML parser itself (html5ever through dom_query,
//! dom_smoothie or ammonia); it calls `sanitize::parse_page`, `parse_fragment` or
//! `parse_stored_fragment`, which ask the guard first (issue 10: discovery and feed titles once
//! parsed pages the guard never saw, for minutes).
//!
//! It reads the sources as text; an inline `#[cfg(test)]` module is not counted (tests build
//! their own trusted HTML).

use std::path::{Path, PathBuf};

/// Calls that hand HTML text to a parser.
const PARSER_ENTRY_POINTS: &[&str] = &[
    "Document::from(",
    "Document::fragment(",
    "Document::from_",
    "Readability::new(",
    "ammonia::clean(",
    ".clean(",
    "html5ever::",
    "parse_document(",
    "parse_fragment_with",
];

/// Where the guarded entry points live.
const GUARDED_MODULE: &str = "src/sanitize/";

fn engine_sources(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap().flatten() {
        let path = entry.path();
        if path.is_dir() {
            engine_sources(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The lines of `text` (1-based) that call a parser, its inline test module left out.
fn unguarded_parses(text: &str) -> Vec<(usize, String)> {
    let code = text.split("#[cfg(test)]").next().unwrap_or(text);
    code.lines()
        .enumerate()
        .filter(|(_, line)| !line.trim_start().starts_with("//"))
        .filter(|(_, line)| PARSER_ENTRY_POINTS.iter().any(|call| line.contains(call)))
        .map(|(index, line)| (index + 1, line.trim().to_string()))
        .collect()
}

#[test]
fn no_engine_source_outside_the_sanitizer_parses_html_itself() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    engine_sources(&root.join("src"), &mut files);
    files.sort();
    assert!(files.len() > 20, "found only {} sources", files.len());
    let mut findings = Vec::new();
    for file in files {
        let relative = file
            .strip_prefix(&root)
            .unwrap()
            .to_string_lossy()
            .replace('\\', "/");
        if relative.starts_with(GUARDED_MODULE) {
            continue;
        }
        let text = std::fs::read_to_string(&file).unwrap();
        for (line, code) in unguarded_parses(&text) {
            findings.push(format!("{relative}:{line}: {code}"));
        }
    }
    assert!(
        findings.is_empty(),
        "HTML parsed without the complexity guard (use sanitize::parse_page or parse_fragment):\n{}",
        findings.join("\n")
    );
}

#[test]
fn the_check_sees_a_parse_and_ignores_comments_and_tests() {
    let source = "fn f(html: &str) {\n    let doc = Document::from(html);\n    // Document::fragment(x) in a comment\n}\n#[cfg(test)]\nmod tests { fn g() { Document::fragment(\"<p>\"); } }\n";
    assert_eq!(
        unguarded_parses(source),
        vec![(2, "let doc = Document::from(html);".to_string())]
    );
}
