//! Hostile and quirky feeds (payloads section B, and feed-rs's strict spots):
//! each test names the payload it guards against.

use std::net::TcpListener;
use std::path::Path;
use std::time::{Duration, Instant};

use broadsheet_engine::feed::{parse_feed, FeedError, ParsedFeed, MAX_ITEMS_PER_FEED};
use chrono::{DateTime, TimeZone, Utc};
use url::Url;

fn fixture(name: &str) -> Vec<u8> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/feeds")
        .join(name);
    std::fs::read(&path).unwrap_or_else(|e| panic!("fixture {}: {e}", path.display()))
}

fn fetched_at() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2025, 6, 1, 12, 0, 0).unwrap()
}

fn feed_url() -> Url {
    Url::parse("https://feeds.example/news/rss.xml").unwrap()
}

fn parse(name: &str) -> ParsedFeed {
    parse_feed(&fixture(name), None, &feed_url(), fetched_at()).unwrap()
}

fn parse_err(body: &[u8], content_type: Option<&str>) -> FeedError {
    parse_feed(body, content_type, &feed_url(), fetched_at()).unwrap_err()
}

// 39 billion_laughs: no entity expansion, fast.
#[test]
fn billion_laughs_stays_literal_and_fast() {
    let started = Instant::now();
    let feed = parse("billion-laughs-doctype.xml");
    assert!(started.elapsed() < Duration::from_millis(500));
    assert_eq!(feed.items[0].title, "&h;");
}

// 40 xxe_file: the external entity is never resolved.
#[test]
fn xxe_entity_is_not_read() {
    let feed = parse("xxe-file-entity.xml");
    assert_eq!(feed.items[0].title, "&x;");
}

// 41 external_dtd: parsing bytes never connects to the DTD's host.
#[test]
fn external_dtd_is_never_fetched() {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    listener.set_nonblocking(true).unwrap();
    let port = listener.local_addr().unwrap().port();
    let body = format!(
        "<!DOCTYPE rss SYSTEM \"http://127.0.0.1:{port}/evil.dtd\"><rss version=\"2.0\"><channel><title>t</title><item><title>x</title><guid>1</guid></item></channel></rss>"
    );
    let feed = parse_feed(body.as_bytes(), None, &feed_url(), fetched_at()).unwrap();
    assert_eq!(feed.items.len(), 1);
    let hit = listener.accept();
    assert!(
        matches!(&hit, Err(e) if e.kind() == std::io::ErrorKind::WouldBlock),
        "the DTD listener was contacted: {hit:?}"
    );
}

// 43 deep_xml: a clean error, quickly.
#[test]
fn deep_nesting_is_a_clean_error() {
    let body = format!(
        "<rss version=\"2.0\"><channel><item>{}",
        "<x>".repeat(100_000)
    );
    let started = Instant::now();
    let error = parse_err(body.as_bytes(), None);
    assert!(started.elapsed() < Duration::from_secs(1));
    assert_eq!(error.kind(), "feed_too_deep");
    assert!(error
        .to_string()
        .contains("https://feeds.example/news/rss.xml"));
}

// 44 100k_items: capped at MAX_ITEMS_PER_FEED, keeping the first ones, fast.
#[test]
fn hundred_thousand_items_are_capped() {
    let mut body = String::from("<rss version=\"2.0\"><channel><title>big</title>");
    for n in 0..100_000 {
        body.push_str(&format!("<item><title>{n}</title><guid>{n}</guid></item>"));
    }
    body.push_str("</channel></rss>");
    let started = Instant::now();
    let feed = parse_feed(body.as_bytes(), None, &feed_url(), fetched_at()).unwrap();
    assert!(
        started.elapsed() < Duration::from_secs(2),
        "took {:?}",
        started.elapsed()
    );
    assert_eq!(feed.items.len(), MAX_ITEMS_PER_FEED);
    assert_eq!(feed.items[0].key, "0");
    assert_eq!(feed.items[MAX_ITEMS_PER_FEED - 1].key, "499");
    assert_eq!(feed.title, "big");
}

// 45 duplicate_guids: both are returned, with the same deterministic key.
#[test]
fn duplicate_guids_are_both_returned() {
    let feed = parse("rss-duplicate-guids.xml");
    let keys: Vec<&str> = feed.items.iter().map(|i| i.key.as_str()).collect();
    assert_eq!(keys, ["dup", "dup"]);
    assert_eq!(feed.items[1].title, "second");
}

// 46 missing_ids: a content hash, equal across parses, different between items.
#[test]
fn items_without_ids_get_stable_distinct_keys() {
    let first = parse("rss-items-without-guid-or-link.xml");
    let second = parse("rss-items-without-guid-or-link.xml");
    let keys = |f: &ParsedFeed| f.items.iter().map(|i| i.key.clone()).collect::<Vec<_>>();
    assert_eq!(keys(&first), keys(&second));
    assert_ne!(first.items[0].key, first.items[1].key);
    assert!(
        first.items[0].key.starts_with("sha256:"),
        "{}",
        first.items[0].key
    );
}

// 48 xml_base: entry xml:base resolves the link and is the content base.
#[test]
fn relative_xml_base_resolves_link_and_content_base() {
    let feed = parse("atom-relative-xml-base.xml");
    let item = &feed.items[0];
    assert_eq!(
        item.url.as_ref().unwrap().as_str(),
        "https://a.example/dir/sub/page.html"
    );
    assert_eq!(item.base_url.as_str(), "https://a.example/dir/sub/");
    assert_eq!(
        item.content_html.as_deref(),
        Some("<a href=\"rel.html\">x</a>")
    );
}

// 48 xml_base variant: a javascript: base is ignored in favour of the feed URL.
#[test]
fn javascript_xml_base_is_ignored() {
    let feed = parse("atom-javascript-xml-base.xml");
    let item = &feed.items[0];
    assert_eq!(
        item.url.as_ref().unwrap().as_str(),
        "https://feeds.example/news/page.html"
    );
    assert_eq!(item.base_url.scheme(), "https");
}

// 49 feed_level_bad_urls: non-http(s) link, enclosure, permalink guid are dropped.
#[test]
fn non_http_urls_are_dropped_from_rss() {
    let feed = parse("rss-non-http-urls.xml");
    assert_eq!(feed.site_url, None);
    let item = &feed.items[0];
    assert_eq!(item.url, None);
    assert!(item.enclosures.is_empty());
    assert_eq!(item.base_url, feed_url());
    assert!(
        item.key.starts_with("data:"),
        "the guid is still the identity: {}",
        item.key
    );
}

#[test]
fn non_http_urls_are_dropped_from_json_feed() {
    let feed = parse("json-feed-non-http-urls.json");
    assert_eq!(feed.site_url, None);
    assert_eq!(feed.items[0].url, None);
    assert_eq!(feed.items[0].key, "1");
    assert_eq!(feed.items[0].content_html.as_deref(), Some("x"));
}

// 50 json_feed_html: the title is text, the content stays raw for the sanitizer.
#[test]
fn json_feed_title_markup_stays_text() {
    let feed = parse("json-feed-html-title.json");
    assert_eq!(feed.items[0].title, "<b>t</b>");
    assert_eq!(
        feed.items[0].content_html.as_deref(),
        Some("<img src=x onerror=alert(1)>")
    );
}

// 21 double_decode_title: decoded once, shown as literal text.
#[test]
fn escaped_markup_title_is_literal_text() {
    let feed = parse("rss-escaped-markup-title.xml");
    assert_eq!(feed.items[0].title, "<img src=x onerror=alert(1)>");
    // The description decodes once to escaped markup: as HTML it shows "<script>" as text.
    assert_eq!(
        feed.items[0].summary_html.as_deref(),
        Some("&lt;script&gt;alert(1)&lt;/script&gt;")
    );
}

// 51a: UTF-16LE with BOM.
#[test]
fn utf16le_with_bom_is_decoded() {
    let feed = parse("utf16le-bom.xml");
    assert_eq!(feed.title, "caf\u{e9} \u{65e5}\u{672c}");
    assert_eq!(feed.items[0].title, "\u{fc}ber");
}

// feed-rs 3.0.0 panics on UTF-16BE; transcoding first avoids it.
#[test]
fn utf16be_with_bom_is_decoded_without_panic() {
    let feed = parse("utf16be-bom.xml");
    assert_eq!(feed.title, "caf\u{e9} \u{65e5}\u{672c}");
}

// 51b: a UTF-8 BOM beats a declared ISO-8859-1.
#[test]
fn utf8_bom_beats_declared_latin1() {
    assert_eq!(parse("utf8-bom-declares-latin1.xml").title, "caf\u{e9}");
}

// 51c: the HTTP charset beats the XML declaration.
#[test]
fn http_charset_beats_declaration() {
    let body = fixture("http-windows-1252-curly-quotes.xml");
    let feed = parse_feed(
        &body,
        Some("application/rss+xml; charset=windows-1252"),
        &feed_url(),
        fetched_at(),
    )
    .unwrap();
    assert_eq!(feed.title, "\u{201c}quoted\u{201d}");
}

// 51d: one invalid byte becomes U+FFFD; the rest of the feed survives.
#[test]
fn invalid_utf8_is_replaced_not_fatal() {
    let feed = parse("invalid-utf8-in-title.xml");
    assert_eq!(feed.items[0].title, "bad \u{fffd}( byte");
    assert_eq!(feed.items[1].title, "fine");
}

// 51e: UTF-7 is refused, never reinterpreted into markup.
#[test]
fn utf7_is_refused() {
    let error = parse_err(&fixture("utf7-declared.xml"), None);
    assert_eq!(error.kind(), "unsupported_encoding");
    assert!(
        error.to_string().to_ascii_lowercase().contains("utf-7"),
        "{error}"
    );
}

#[test]
fn rss_without_version_is_parsed() {
    let feed = parse("rss-no-version.xml");
    assert_eq!(feed.title, "No version");
    assert_eq!(feed.items[0].title, "kept");
}

#[test]
fn atom_unknown_text_types_are_parsed() {
    let feed = parse("atom-unknown-text-type.xml");
    assert_eq!(feed.title, "Odd type");
    assert_eq!(feed.items[0].title, "Plain & simple");
    assert_eq!(feed.items[0].summary_html.as_deref(), Some("<p>hi</p>"));
}

#[test]
fn atom_html_title_becomes_plain_text_and_text_content_is_escaped() {
    let feed = parse("atom-html-title.xml");
    assert_eq!(feed.title, "Bold & co");
    assert_eq!(feed.items[0].title, "A fine \u{e9}t\u{e9}");
    assert_eq!(feed.items[0].content_html.as_deref(), Some("1 &lt; 2"));
}

#[test]
fn impossible_and_missing_dates_fall_back_to_fetch_time_and_future_ones_are_kept_for_process() {
    let feed = parse("rss-impossible-and-future-dates.xml");
    let date = |key: &str| feed.items.iter().find(|i| i.key == key).unwrap().published;
    assert_eq!(date("old"), fetched_at());
    assert_eq!(date("garbage"), fetched_at());
    // A date in the future is a date: `process` dates it to the fetch (the one rule for that).
    assert_eq!(
        date("far"),
        Utc.with_ymd_and_hms(2999, 1, 1, 0, 0, 0).unwrap()
    );
    assert_eq!(date("none"), fetched_at());
    assert_eq!(
        date("ok"),
        Utc.with_ymd_and_hms(2004, 1, 1, 19, 48, 21).unwrap()
    );
}

#[test]
fn html_page_is_not_a_feed() {
    let error = parse_err(
        b"<!DOCTYPE html><html><body>hi</body></html>",
        Some("text/html"),
    );
    assert_eq!(error.kind(), "not_a_feed");
    assert_eq!(parse_err(b"plain text", None).kind(), "not_a_feed");
}
