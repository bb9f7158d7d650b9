//! INV-1 and INV-2 over feedparser's 745 hostile "sanitize" test documents, fed both
//! as raw file text and with the XML escaping of their content undone (which is the
//! HTML a feed parser would hand us).

mod sanitize_invariants;
mod shared_folder;

use std::path::PathBuf;

use sanitize_invariants::checked;

fn corpus_dir() -> Option<PathBuf> {
    shared_folder::shared("corpus/feedparser/wellformed/sanitize")
}

/// Undoes one level of XML escaping, the way the feed parser decodes `type="html"` content.
fn unescape_xml(text: &str) -> String {
    text.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&apos;", "'")
        .replace("&amp;", "&")
}

#[test]
fn feedparser_sanitize_corpus_keeps_invariants() {
    let Some(dir) = corpus_dir() else { return };
    let entries = std::fs::read_dir(&dir).unwrap();
    let mut checked_files = 0;
    for entry in entries {
        let path = entry.unwrap().path();
        let text = String::from_utf8_lossy(&std::fs::read(&path).unwrap()).into_owned();
        checked(&text);
        checked(&unescape_xml(&text));
        checked_files += 1;
    }
    assert!(
        checked_files >= 700,
        "only {checked_files} corpus files found in {}",
        dir.display()
    );
}
