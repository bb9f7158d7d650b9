//! feedparser's well-formed corpus: at least 99% parse, nothing panics, and a
//! handful of files mean what their `Expect:` comment says.
//! Skipped with a note when the shared folder's corpus is absent (see `shared_folder`).

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::{Path, PathBuf};

use broadsheet_engine::feed::{parse_feed, ParsedFeed};
use chrono::{TimeZone, Utc};
use url::Url;

mod shared_folder;

fn corpus_dir() -> Option<PathBuf> {
    shared_folder::shared("corpus/feedparser/wellformed")
}

fn collect_files(dir: &Path, files: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            collect_files(&path, files);
        } else {
            files.push(path);
        }
    }
}

fn parse_corpus_file(dir: &Path, relative: &str) -> ParsedFeed {
    let body = std::fs::read(dir.join(relative)).unwrap();
    let feed_url = Url::parse("http://corpus.example/")
        .unwrap()
        .join(relative)
        .unwrap();
    parse_feed(&body, None, &feed_url, Utc::now()).unwrap()
}

#[test]
fn at_least_99_percent_of_the_corpus_parses_and_nothing_panics() {
    let Some(dir) = corpus_dir() else { return };
    let mut files = Vec::new();
    collect_files(&dir, &mut files);
    assert!(files.len() > 1000, "only {} corpus files", files.len());
    let mut parsed = 0;
    let mut panicked = Vec::new();
    for path in &files {
        let body = std::fs::read(path).unwrap();
        let url = Url::parse("http://corpus.example/feed").unwrap();
        match catch_unwind(AssertUnwindSafe(|| {
            parse_feed(&body, None, &url, Utc::now())
        })) {
            Ok(Ok(_)) => parsed += 1,
            Ok(Err(_)) => {}
            Err(_) => panicked.push(path.display().to_string()),
        }
    }
    assert!(panicked.is_empty(), "panicked on {panicked:?}");
    let share = parsed as f64 / files.len() as f64;
    assert!(
        share >= 0.99,
        "parsed {parsed} of {} ({:.2}%)",
        files.len(),
        share * 100.0
    );
}

#[test]
fn corpus_spot_checks_match_their_expect_lines() {
    let Some(dir) = corpus_dir() else { return };

    // Expect: feed['title'] == 'Example feed'
    assert_eq!(
        parse_corpus_file(&dir, "rss/channel_title.xml").title,
        "Example feed"
    );
    // Expect: feed['title'] == 'Example Atom'
    assert_eq!(
        parse_corpus_file(&dir, "atom10/feed_title.xml").title,
        "Example Atom"
    );
    // Expect: entries[0]['link'] == 'http://example.com/'
    let feed = parse_corpus_file(&dir, "rss/item_link.xml");
    assert_eq!(
        feed.items[0].url.as_ref().unwrap().as_str(),
        "http://example.com/"
    );
    // Expect: entries[0]['guid'] == 'http://guid.example.com/'
    assert_eq!(
        parse_corpus_file(&dir, "rss/item_guid.xml").items[0].key,
        "http://guid.example.com/"
    );
    // Expect: entries[0]['enclosures'][0]['url'] == 'http://example.com/'
    let feed = parse_corpus_file(&dir, "rss/item_enclosure_url.xml");
    assert_eq!(
        feed.items[0].enclosures[0].url.as_str(),
        "http://example.com/"
    );
    // Expect: entries[0]['published'] == 'Thu, 01 Jan 2004 19:48:21 GMT'
    let feed = parse_corpus_file(&dir, "rss/item_pubDate.xml");
    assert_eq!(
        feed.items[0].published,
        Utc.with_ymd_and_hms(2004, 1, 1, 19, 48, 21).unwrap()
    );
    // Expect: entries[0]['content'][0]['base'] == 'http://example.com/test/'
    let feed = parse_corpus_file(&dir, "base/entry_content_xml_base_inherit_2.xml");
    assert_eq!(feed.items[0].base_url.as_str(), "http://example.com/test/");
}
