//! The hand-written extraction pages of `tests/fixtures/extract/`, each named after the quirk of
//! its page, extracted as the library extracts a fetched page: the one loader behind the
//! extraction tests (`tests/extract_comments.rs`, `tests/extract_repairs.rs`).

use std::path::PathBuf;

use broadsheet_engine::extract::{extract_article, ExtractedArticle};
use url::Url;

/// `extract_article` on one fixture page, as if fetched from a news site's story address.
pub fn extract(fixture: &str) -> ExtractedArticle {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/extract")
        .join(fixture);
    let html = std::fs::read_to_string(&path).unwrap();
    let url = Url::parse("https://gazette.example/2024/03/04/library-reopens.html").unwrap();
    extract_article(&html, &url).unwrap()
}
