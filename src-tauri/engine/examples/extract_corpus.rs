//! Scores `extract_article` on Readability's test pages: bag-of-words F1 of the story text
//! against `expected.html`, title equality against `expected-metadata.json`, and speed.
//!
//! Run: `cargo run --release -p broadsheet-engine --example extract_corpus [CASE_FILTER]`
//! The corpus lives in the shared folder, at `corpus/readability`: `../shared` beside the
//! repository, or wherever `BROADSHEET_SHARED` says (found as the tests find it).

use std::path::PathBuf;
use std::time::{Duration, Instant};

use broadsheet_engine::extract::extract_article;
use dom_query::Document;
use url::Url;

#[path = "../tests/shared_folder/mod.rs"]
mod shared_folder;
#[path = "../tests/text_similarity/mod.rs"]
mod text_similarity;

use text_similarity::f1;

/// What Readability's own tests use as the page URL when the metadata names none.
const DEFAULT_PAGE_URL: &str = "http://fakehost/test/page.html";

struct Score {
    case: String,
    f1: f64,
    title_right: bool,
    title: String,
    expected_title: String,
    error: Option<String>,
}

fn main() -> anyhow_free::Result {
    let filter = std::env::args().nth(1).unwrap_or_default();
    let dir = shared_folder::shared("corpus/readability").ok_or("no corpus to score")?;
    let mut cases: Vec<PathBuf> = std::fs::read_dir(&dir)
        .map_err(|e| format!("cannot read the corpus at {}: {e}", dir.display()))?
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .filter(|p| p.join("source.html").is_file())
        .filter(|p| p.to_string_lossy().contains(&filter))
        .collect();
    cases.sort();

    let mut scores = Vec::new();
    let mut spent = Duration::ZERO;
    let mut pipeline = Duration::ZERO;
    let mut bytes = 0usize;
    const ROUNDS: u32 = 3;
    for case in &cases {
        let name = case
            .file_name()
            .unwrap_or_default()
            .to_string_lossy()
            .to_string();
        let source = std::fs::read_to_string(case.join("source.html"))?;
        let expected_html = std::fs::read_to_string(case.join("expected.html"))?;
        let metadata: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(
            case.join("expected-metadata.json"),
        )?)?;
        let page_url = metadata["url"]
            .as_str()
            .and_then(|u| Url::parse(u).ok())
            .unwrap_or_else(|| Url::parse(DEFAULT_PAGE_URL).expect("constant URL"));
        let expected_title = metadata["title"].as_str().unwrap_or_default().to_string();
        let expected_text = Document::from(expected_html.as_str()).text().to_string();

        let started = Instant::now();
        let mut result = extract_article(&source, &page_url);
        for _ in 1..ROUNDS {
            result = extract_article(&source, &page_url);
        }
        spent += started.elapsed();
        bytes += source.len() * ROUNDS as usize;
        // What the library does with a page: extract, then sanitize the story it found.
        let started = Instant::now();
        for _ in 0..ROUNDS {
            if let Ok(article) = extract_article(&source, &page_url) {
                let _ = broadsheet_engine::sanitize::sanitize_article_html(
                    &article.content_html,
                    &page_url,
                );
            }
        }
        pipeline += started.elapsed();

        scores.push(match result {
            Ok(article) => Score {
                f1: f1(&article.text, &expected_text),
                title_right: article.title == expected_title,
                title: article.title,
                expected_title,
                error: None,
                case: name,
            },
            Err(e) => Score {
                f1: 0.0,
                title_right: false,
                title: String::new(),
                expected_title,
                error: Some(format!("{} ({})", e, e.kind())),
                case: name,
            },
        });
    }
    if scores.is_empty() {
        return Err(format!("no case matches {filter:?} in {}", dir.display()).into());
    }

    let n = scores.len();
    let mean = scores.iter().map(|s| s.f1).sum::<f64>() / n as f64;
    let titles = scores.iter().filter(|s| s.title_right).count();
    let pages = (n as u32 * ROUNDS) as f64;
    println!("extract_article on {} ({} cases)", dir.display(), n);
    println!("mean F1        {mean:.4}");
    println!("titles right   {titles}/{n}");
    println!(
        "speed          {:.1} pages/s, {:.1} MB/s, {:.2} ms/page (mean page {:.0} KB)",
        pages / spent.as_secs_f64(),
        bytes as f64 / 1e6 / spent.as_secs_f64(),
        spent.as_secs_f64() * 1e3 / pages,
        bytes as f64 / pages / 1e3
    );
    println!(
        "with sanitize  {:.2} ms/page to extract and sanitize the story (the library's path for a page)",
        pipeline.as_secs_f64() * 1e3 / pages
    );
    // dom_smoothie alone on the same pages, under the same machine load, to show our overhead
    // (metadata fallbacks, ad and pixel removal, related links).
    let started = Instant::now();
    for case in &cases {
        let source = std::fs::read_to_string(case.join("source.html"))?;
        for _ in 0..ROUNDS {
            let mut readability =
                dom_smoothie::Readability::new(source.as_str(), Some(DEFAULT_PAGE_URL), None)?;
            let _ = readability.parse();
        }
    }
    let baseline = started.elapsed();
    println!(
        "dom_smoothie   {:.1} MB/s alone, {:.2} ms/page",
        bytes as f64 / 1e6 / baseline.as_secs_f64(),
        baseline.as_secs_f64() * 1e3 / pages
    );
    scores.sort_by(|a, b| a.f1.total_cmp(&b.f1));
    println!("worst cases:");
    for s in scores.iter().take(8) {
        println!(
            "  {:.3}  {}{}",
            s.f1,
            s.case,
            s.error
                .as_deref()
                .map(|e| format!("  error: {e}"))
                .unwrap_or_default()
        );
    }
    for s in scores.iter().filter(|s| !s.title_right) {
        println!(
            "  title wrong in {}: {:?}, expected {:?}",
            s.case, s.title, s.expected_title
        );
    }
    println!("reproduce: cargo run --release -p broadsheet-engine --example extract_corpus");
    Ok(())
}

/// A boxed error is enough at the top of a measuring tool.
mod anyhow_free {
    pub type Result = std::result::Result<(), Box<dyn std::error::Error>>;
}
