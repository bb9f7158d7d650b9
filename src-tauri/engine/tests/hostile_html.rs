//! HTML built to make html5ever slow, where the complexity guard once did not look (issue 10,
//! item 4): a site's page read for feed links while subscribing (a megabyte of nested `<div>`
//! took 114 s) and a feed's HTML-typed titles (100,000 nested elements in one title took 20 s,
//! and every other feed's new stories waited for it). Each must be over in moments, with a
//! clear error or a flattened title, and never hold up another feed.

use std::time::{Duration, Instant};

use broadsheet_engine::feed::parse_feed;
use broadsheet_engine::library::{Library, LibraryConfig};
use broadsheet_engine::model::{ArticleQuery, RefreshProgress};
use chrono::Utc;
use fixture_server::{FixtureServer, Reply};
use url::Url;

/// Generous for a debug build on a busy machine: there, reading the escaped markup of one
/// such title costs the XML reader about a second (linear, and milliseconds in a release build).
/// Parsing it as HTML unguarded took 20 s in a release build, minutes in a debug one.
const FAST: Duration = Duration::from_secs(15);

/// A site's home page: a megabyte of `<div>` opened and never closed, and no feed link.
fn nested_div_page() -> String {
    format!(
        "<!doctype html><html><head><title>Deep</title></head><body>{}</body></html>",
        "<div>".repeat(200_000)
    )
}

/// `depth` nested `<div>` as an Atom `type="html"` title carries them (escaped markup); each
/// start tag makes html5ever search its whole stack for a `<p>` to close.
fn nested_title(depth: usize, words: &str) -> String {
    format!("{}{words}", "&lt;div&gt;".repeat(depth))
}

/// An Atom feed whose own title and whose items' titles are each `depth` nested elements.
fn nested_title_feed(depth: usize, items: &[(&str, &str)]) -> String {
    let entries: String = items
        .iter()
        .map(|(id, title)| {
            format!(
                "<entry><id>{id}</id><title type=\"html\">{}</title>\
                 <updated>2025-06-01T10:00:00Z</updated>\
                 <content type=\"html\">&lt;p&gt;{}&lt;/p&gt;</content></entry>",
                nested_title(depth, title),
                "A whole story, long enough. ".repeat(30)
            )
        })
        .collect();
    format!(
        "<?xml version=\"1.0\" encoding=\"utf-8\"?>\
         <feed xmlns=\"http://www.w3.org/2005/Atom\"><title type=\"html\">{}</title>\
         <id>urn:deep</id><updated>2025-06-01T10:00:00Z</updated>{entries}</feed>",
        nested_title(depth, "Deep Titles Daily")
    )
}

/// A plain RSS feed of whole stories.
fn plain_feed(items: &[(&str, &str)]) -> String {
    let items: String = items
        .iter()
        .map(|(guid, title)| {
            format!(
                "<item><guid>{guid}</guid><title>{title}</title><description>{}</description></item>",
                "A sentence that makes the story whole. ".repeat(20)
            )
        })
        .collect();
    format!("<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>Plain</title>{items}</channel></rss>")
}

fn library() -> (tempfile::TempDir, Library) {
    let dir = tempfile::tempdir().unwrap();
    let library = Library::open(dir.path(), LibraryConfig::default()).unwrap();
    (dir, library)
}

fn no_progress(_: RefreshProgress) {}

#[tokio::test(flavor = "multi_thread")]
async fn subscribing_to_a_site_whose_page_is_a_megabyte_of_nested_divs_fails_fast_and_says_why() {
    let server = FixtureServer::start().await.unwrap();
    server.route("/", Reply::ok("text/html", nested_div_page()));
    let (_dir, library) = library();

    let started = Instant::now();
    let error = library
        .subscribe(&server.url("/"), None)
        .await
        .expect_err("no feed in that page");
    assert!(started.elapsed() < FAST, "took {:?}", started.elapsed());
    assert_eq!(error.kind(), "too_complex", "{error}");
    assert!(error.to_string().contains("too deeply nested"), "{error}");

    let started = Instant::now();
    let error = library
        .discover(&server.url("/"))
        .await
        .expect_err("no feed in that page");
    assert!(started.elapsed() < FAST, "took {:?}", started.elapsed());
    assert_eq!(error.kind(), "too_complex", "{error}");
}

#[test]
fn a_feed_title_of_a_hundred_thousand_nested_elements_is_flattened_fast() {
    let body = nested_title_feed(100_000, &[("urn:1", "Cranes move again")]);
    let url = Url::parse("https://deep.example/atom.xml").unwrap();
    let started = Instant::now();
    let feed = parse_feed(body.as_bytes(), None, &url, Utc::now()).unwrap();
    assert!(started.elapsed() < FAST, "took {:?}", started.elapsed());
    assert_eq!(feed.title, "Deep Titles Daily");
    assert_eq!(feed.items[0].title, "Cranes move again");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_hostile_feed_refreshed_beside_a_plain_one_holds_nothing_up() {
    let server = FixtureServer::start().await.unwrap();
    server.route(
        "/plain.xml",
        Reply::ok("application/rss+xml", plain_feed(&[("p1", "First")])),
    );
    server.route(
        "/deep.xml",
        Reply::ok(
            "application/atom+xml",
            nested_title_feed(50_000, &[("urn:1", "One")]),
        ),
    );
    let (_dir, library) = library();
    let plain = library
        .subscribe(&server.url("/plain.xml"), None)
        .await
        .unwrap();
    library
        .subscribe(&server.url("/deep.xml"), None)
        .await
        .unwrap();
    server.route(
        "/plain.xml",
        Reply::ok(
            "application/rss+xml",
            plain_feed(&[("p2", "Second"), ("p1", "First")]),
        ),
    );
    let many: Vec<(String, String)> = (0..2)
        .map(|i| (format!("urn:{i}"), format!("Deep story {i}")))
        .collect();
    let many: Vec<(&str, &str)> = many.iter().map(|(a, b)| (a.as_str(), b.as_str())).collect();
    server.route(
        "/deep.xml",
        Reply::ok("application/atom+xml", nested_title_feed(50_000, &many)),
    );

    let started = Instant::now();
    let report = library.refresh(None, &no_progress).await.unwrap();
    assert!(started.elapsed() < FAST, "took {:?}", started.elapsed());
    assert!(report.errors.is_empty(), "{report:?}");
    let stories = library
        .articles(ArticleQuery {
            feed_id: Some(plain.feed.id),
            ..ArticleQuery::default()
        })
        .await
        .unwrap();
    let titles: Vec<&str> = stories.iter().map(|s| s.title.as_str()).collect();
    assert!(titles.contains(&"Second"), "{titles:?}");
    let deep = library
        .articles(ArticleQuery {
            search: Some("Deep story".into()),
            ..ArticleQuery::default()
        })
        .await
        .unwrap();
    assert!(
        deep.iter().all(|s| s.title.starts_with("Deep story")),
        "titles flattened: {:?}",
        deep.iter().map(|s| &s.title).collect::<Vec<_>>()
    );
}
