//! What a server says a body is decides whether it is read: pages are extracted only as HTML or
//! XHTML, feeds are parsed only as XML, JSON or feed types (and the HTML page discovery reads),
//! and a feed served as `text/plain` or `application/octet-stream` (raw file hosts) is read
//! only when its body is XML or JSON.

use broadsheet_engine::fetch::{BodyKind, FetchConfig, FetchOutcome, FetchRequest, Fetcher, Reach};
use broadsheet_engine::library::{Library, LibraryConfig};
use broadsheet_engine::model::ArticleQuery;
use fixture_server::{FixtureServer, Reply};
use news_site::{news_site, site_dir};
use url::Url;

#[path = "../../../tests/support/news_site.rs"]
mod news_site;

const LOOPBACK: Reach = Reach {
    loopback: true,
    private: false,
    link_local: false,
};

/// Three of the site's teased stories, each served under a type that is not a web page.
const MISTYPED_PAGES: [(&str, &str); 3] = [
    (
        "/2024/09/01/tianjin-port-reopens-after-typhoon.html",
        "application/octet-stream",
    ),
    (
        "/2024/08/30/seoul-weighs-sanctions-after-missile-tests.html",
        "text/plain",
    ),
    (
        "/2024/08/29/indian-farmers-brace-for-tariff-fallout.html",
        "image/svg+xml",
    ),
];

const RSS: &str = r#"<?xml version="1.0"?><rss version="2.0"><channel><title>Plain</title>
<link>http://plain.example/</link><item><title>Served as text</title><guid>t1</guid>
<description>A raw file host serves this feed as text/plain.</description></item></channel></rss>"#;

fn library() -> (tempfile::TempDir, Library) {
    let dir = tempfile::tempdir().unwrap();
    let library = Library::open(dir.path(), LibraryConfig::default()).unwrap();
    (dir, library)
}

/// Serves the site's page at `path` (its real HTML) under `content_type`.
fn serve_page_as(server: &FixtureServer, path: &str, content_type: &str) {
    let html = std::fs::read(site_dir().join(path.trim_start_matches('/'))).unwrap();
    server.route(path, Reply::ok(content_type, html));
}

/// Whether the story at `path` still ends as its feed's teaser does.
async fn is_teaser(library: &Library, server: &FixtureServer, path: &str) -> bool {
    let url = server.url(path);
    let summaries = library.articles(ArticleQuery::default()).await.unwrap();
    let Some(summary) = summaries.iter().find(|a| a.url.as_deref() == Some(&url)) else {
        panic!("no story at {url}");
    };
    let text = library.article(summary.id).await.unwrap().text;
    text.trim_end().ends_with('…')
}

#[tokio::test(flavor = "multi_thread")]
async fn pages_not_served_as_html_keep_their_teaser_and_cannot_be_opened() {
    let server = news_site().await;
    for (path, content_type) in MISTYPED_PAGES {
        serve_page_as(&server, path, content_type);
    }
    let (_dir, library) = library();
    library.subscribe(&server.url("/"), None).await.unwrap();
    library.follow_up(&|_| {}).await.unwrap();
    // The one page served as text/html completes its story.
    let beijing = "/2024/09/02/beijing-summit-russia-north-korea-china.html";
    assert!(!is_teaser(&library, &server, beijing).await);
    for (path, content_type) in MISTYPED_PAGES {
        assert_eq!(server.hits(path), 1, "{path}");
        assert!(is_teaser(&library, &server, path).await, "{content_type}");
        // A library without the feed, so the page is fetched rather than found stored.
        let (_other_dir, other) = self::library();
        let error = other.open_link(&server.url(path), None).await.unwrap_err();
        assert_eq!(error.kind(), "unexpected_content_type", "{error}");
        let message = error.to_string();
        assert!(
            message.contains(content_type) && message.contains("not a web page"),
            "{message}"
        );
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_feed_served_as_a_picture_is_refused_naming_the_type() {
    let server = FixtureServer::start().await.unwrap();
    server.route("/feed.png", Reply::ok("image/png", RSS));
    let (_dir, library) = library();
    let error = library
        .subscribe(&server.url("/feed.png"), None)
        .await
        .unwrap_err();
    assert_eq!(error.kind(), "unexpected_content_type", "{error}");
    assert!(error.to_string().contains("image/png"), "{error}");
    assert!(library.feeds().await.unwrap().is_empty());
}

#[tokio::test(flavor = "multi_thread")]
async fn a_feed_served_as_plain_text_is_read_when_it_is_xml() {
    let server = FixtureServer::start().await.unwrap();
    server.route("/feed.txt", Reply::ok("text/plain", RSS));
    let (_dir, library) = library();
    let sub = library
        .subscribe(&server.url("/feed.txt"), None)
        .await
        .unwrap();
    assert_eq!(sub.feed.title, "Plain");
    assert_eq!(sub.feed.unread, 1);
}

// A raw file host's octet-stream is read only when it holds a document: these bytes are a PNG.
#[tokio::test]
async fn an_untyped_body_that_is_not_xml_or_json_is_not_a_feed() {
    let server = FixtureServer::start().await.unwrap();
    let png = std::fs::read(site_dir().join("img/ledger-icon-32.png")).unwrap();
    server.route("/feed", Reply::ok("application/octet-stream", png));
    server.route("/rss", Reply::ok("application/octet-stream", RSS));
    let fetcher = Fetcher::new(FetchConfig::default()).unwrap();
    let fetch = |path: &str| {
        let url = Url::parse(&server.url(path)).unwrap();
        let fetcher = fetcher.clone();
        async move {
            fetcher
                .fetch(FetchRequest {
                    reach: LOOPBACK,
                    ..FetchRequest::new(&url, BodyKind::Feed)
                })
                .await
        }
    };
    let error = fetch("/feed").await.unwrap_err();
    assert_eq!(error.kind(), "unexpected_content_type", "{error}");
    assert!(
        error.to_string().contains("application/octet-stream"),
        "{error}"
    );
    assert!(matches!(fetch("/rss").await, Ok(FetchOutcome::Fetched(_))));
}
