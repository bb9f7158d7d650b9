//! What each fuzz target checks, one function per target: the engine's promises on any input
//! (no panic, bounded output, only absolute http(s) addresses, the sanitizer's INV-1 and INV-2).
//!
//! Shared by the cargo-fuzz targets (`src-tauri/engine/fuzz`, which include this file by path)
//! and `tests/fuzz_regressions.rs`, which replays every input a fuzzer ever crashed on, on
//! stable. Both crates must declare `mod sanitize_invariants` at their root. A check panics on
//! a broken promise; it must never trust the code under test to say what is safe.

use std::io::Read;

use broadsheet_engine::credentials::redact_text;
use broadsheet_engine::deflate::deflate as deflate_stream;
use broadsheet_engine::extract::{
    extract_article, parse_date, related_links, RelatedLink, MAX_RELATED,
};
use broadsheet_engine::feed::{discover_feed_links, parse_feed, FeedError, MAX_ITEMS_PER_FEED};
use broadsheet_engine::model::Feed;
use broadsheet_engine::opml::{parse_opml, write_opml, OpmlFeed};
use broadsheet_engine::sanitize::sanitize_article_html;
use chrono::{DateTime, Utc};
use url::Url;

use crate::sanitize_invariants::{article, assert_inv1, assert_inv2, assert_text_is_the_htmls};

/// The longest Content-Type line [`feed_parse`] reads before the body.
const MAX_CONTENT_TYPE: usize = 128;

fn is_web(url: &Url) -> bool {
    matches!(url.scheme(), "http" | "https")
}

/// The fetch time every fuzzed feed is parsed at.
fn fetched_at() -> DateTime<Utc> {
    DateTime::parse_from_rfc3339("2024-06-01T12:00:00Z")
        .map(|d| d.with_timezone(&Utc))
        .unwrap_or_default()
}

/// Splits a fuzz input into the server's Content-Type (the first line, if short; empty means
/// none) and the body, so the fuzzer varies both what the server says and what it sends.
pub fn content_type_and_body(data: &[u8]) -> (Option<&str>, &[u8]) {
    let head = &data[..data.len().min(MAX_CONTENT_TYPE + 1)];
    let Some(newline) = head.iter().position(|&b| b == b'\n') else {
        return (None, data);
    };
    let body = &data[newline + 1..];
    match std::str::from_utf8(&data[..newline]) {
        Ok("") => (None, body),
        Ok(content_type) => (Some(content_type), body),
        Err(_) => (None, data),
    }
}

/// Feed parsing with charset detection: never panics (not even a caught feed-rs panic), keeps
/// at most [`MAX_ITEMS_PER_FEED`] items, every address http(s), every date in 1970..fetch + 1 day.
pub fn feed_parse(data: &[u8]) {
    let (content_type, body) = content_type_and_body(data);
    let feed_url = Url::parse("https://feeds.example/news/feed.xml").expect("a valid URL");
    let fetched_at = fetched_at();
    let feed = match parse_feed(body, content_type, &feed_url, fetched_at) {
        Ok(feed) => feed,
        Err(FeedError::ParserPanic { .. }) => panic!("the feed parser panicked"),
        Err(_) => return,
    };
    assert!(
        feed.items.len() <= MAX_ITEMS_PER_FEED,
        "{} items",
        feed.items.len()
    );
    for url in feed.site_url.iter().chain(&feed.icon_url) {
        assert!(is_web(url), "feed address {url}");
    }
    for item in &feed.items {
        assert!(!item.key.is_empty(), "an item without a key");
        for url in item
            .url
            .iter()
            .chain(item.enclosures.iter().map(|e| &e.url))
        {
            assert!(is_web(url), "item address {url}");
        }
        // A date in the future is the parser's to report and `process::not_after`'s to clamp
        // to the fetch time (one rule, in the item-to-article step), so only the past is bounded.
        for date in std::iter::once(item.published).chain(item.updated) {
            assert!(date >= DateTime::UNIX_EPOCH, "item date {date}");
        }
    }
}

/// Feed discovery: every link absolute http(s), no address twice, at most one per `<link` tag.
pub fn feed_discovery(data: &[u8]) {
    let html = String::from_utf8_lossy(data);
    // A page too complex to read is refused whole: nothing to check.
    let Ok(links) = discover_feed_links(&html, &article()) else {
        return;
    };
    let link_tags = html.to_ascii_lowercase().matches("<link").count();
    assert!(
        links.len() <= link_tags,
        "{} links from {link_tags} tags",
        links.len()
    );
    for (i, link) in links.iter().enumerate() {
        assert!(is_web(&link.url), "feed link {}", link.url);
        assert!(
            !links[..i].iter().any(|l| l.url == link.url),
            "{} twice",
            link.url
        );
        if let Some(title) = &link.title {
            assert!(
                !title.is_empty() && title.trim() == title,
                "title {title:?}"
            );
        }
    }
}

/// The sanitizer: whatever it returns passes INV-1 and INV-2, its text that of its HTML.
pub fn sanitize(data: &[u8]) {
    let html = String::from_utf8_lossy(data);
    if let Ok(out) = sanitize_article_html(&html, &article()) {
        assert_inv1(&out.html);
        assert_inv2(&html, &out.html);
        assert_text_is_the_htmls(&html, &out);
    }
}

/// Related links: at most [`MAX_RELATED`], absolute http(s), no fragment, never the page itself.
fn check_related(related: &[RelatedLink], page: &Url) {
    assert!(
        related.len() <= MAX_RELATED,
        "{} related links",
        related.len()
    );
    for link in related {
        assert!(is_web(&link.url), "related link {}", link.url);
        assert!(
            link.url.fragment().is_none(),
            "related link {} has a fragment",
            link.url
        );
        assert!(link.url != *page, "the page links to itself as related");
    }
}

/// The extractor and related links: what it returns, once sanitized as the library does,
/// passes INV-1 and INV-2; its lead picture is http(s); its related links pass [`check_related`].
pub fn extract(data: &[u8]) {
    let html = String::from_utf8_lossy(data);
    let page = article();
    check_related(&related_links(&html, &page), &page);
    let Ok(story) = extract_article(&html, &page) else {
        return;
    };
    if let Some(image) = &story.lead_image {
        assert!(is_web(image), "lead picture {image}");
    }
    check_related(&story.related, &page);
    if let Ok(out) = sanitize_article_html(&story.content_html, &page) {
        assert_inv1(&out.html);
        assert_inv2(&story.content_html, &out.html);
    }
}

/// OPML import: at most one feed per `xmlUrl` attribute, addresses and titles trimmed, and
/// what Broadsheet exports of an import reads back as the same feeds.
pub fn opml_import(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    let Ok(feeds) = parse_opml(&text) else {
        return;
    };
    let attributes = text.to_ascii_lowercase().matches("xmlurl").count();
    assert!(
        feeds.len() <= attributes,
        "{} feeds from {attributes} xmlUrl",
        feeds.len()
    );
    for feed in &feeds {
        assert!(!feed.xml_url.is_empty() && feed.xml_url.trim() == feed.xml_url);
        assert_eq!(feed.title.trim(), feed.title);
    }
    let library: Vec<Feed> = feeds.iter().enumerate().map(library_feed).collect();
    let exported = write_opml(&library, fetched_at());
    let reread = parse_opml(&exported).unwrap_or_else(|e| panic!("export unreadable: {e}"));
    let key = |f: &OpmlFeed| {
        (
            f.folder.clone(),
            f.xml_url.clone(),
            f.title.clone(),
            f.html_url.clone(),
        )
    };
    // The library keeps no `user:password@` in an address (it goes to the credential store at
    // import), so what it can export is the imported address without it.
    let as_kept = |f: &OpmlFeed| {
        let (folder, url, title, site) = key(f);
        (
            folder,
            redact_text(&url),
            title,
            site.map(|s| redact_text(&s)),
        )
    };
    let mut before: Vec<_> = feeds.iter().map(as_kept).collect();
    let mut after: Vec<_> = reread.iter().map(key).collect();
    before.sort();
    after.sort();
    assert_eq!(before, after, "export then import changed the feeds");
}

/// An imported outline as the library holds it, for the export round trip.
fn library_feed((i, o): (usize, &OpmlFeed)) -> Feed {
    Feed {
        id: i64::try_from(i).unwrap_or(i64::MAX),
        title: o.title.clone(),
        url: o.xml_url.clone(),
        site_url: o.html_url.clone(),
        folder: o.folder.clone(),
        unread: 0,
        full_story: false,
        local_network: false,
        account: None,
        notify: false,
        last_refreshed: None,
        error: None,
        icon: None,
    }
}

/// The page date parser: a date it reads, written as RFC 3339, reads back as the same date.
pub fn date_parse(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    if let Some(date) = parse_date(&text) {
        let written = date.to_rfc3339();
        assert_eq!(
            parse_date(&written),
            Some(date),
            "{text:?} read as {written}"
        );
    }
}

/// The store's compressor: what it writes inflates (flate2, as the store reads it) to the input
/// exactly, and never grows it by more than a stored block's few bytes per 32 KiB.
pub fn deflate(data: &[u8]) {
    let mut stream = Vec::new();
    deflate_stream(data, &mut stream);
    let mut back = Vec::new();
    if let Err(e) = flate2::read::DeflateDecoder::new(&stream[..]).read_to_end(&mut back) {
        panic!(
            "{} bytes deflated into a stream flate2 rejects: {e}",
            data.len()
        );
    }
    assert!(back == data, "{} bytes came back changed", data.len());
    let most = data.len() + 6 * (data.len() / 32_768 + 1) + 2;
    assert!(
        stream.len() <= most,
        "{} bytes grew to {}",
        data.len(),
        stream.len()
    );
}
