//! Feed icons end to end, against the loopback server: where the icon is found (the feed's own
//! `<image>`/`<icon>`/`favicon`, the site's `<link rel="icon">`, `/favicon.ico`), what is refused
//! (SVG, HTML, oversize), that a missing icon is never a feed error, that icons are not fetched
//! at every refresh, and that they go with their feed. The pictures are the news site's
//! (`tests/fixtures/news-site`): `favicon.ico` (16×16 ICO) and `img/ledger-icon-32.png`.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use broadsheet_engine::images::IMAGE_SCHEME;
use broadsheet_engine::library::{Library, LibraryConfig, Subscription};
use broadsheet_engine::model::Feed;
use fixture_server::{FixtureServer, Reply};

fn news_site_file(name: &str) -> Vec<u8> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/news-site");
    std::fs::read(dir.join(name)).unwrap()
}

fn image_fixture(name: &str) -> Vec<u8> {
    std::fs::read(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures/images")
            .join(name),
    )
    .unwrap()
}

fn png_icon() -> Vec<u8> {
    news_site_file("img/ledger-icon-32.png")
}

fn ico_icon() -> Vec<u8> {
    news_site_file("favicon.ico")
}

/// An RSS feed with one story; `image` goes in the channel's `<image><url>`.
fn rss(server: &FixtureServer, image: Option<&str>) -> String {
    let image = image.map_or(String::new(), |path| {
        format!(
            "<image><url>{}</url><title>t</title><link>{}</link></image>",
            server.url(path),
            server.url("/")
        )
    });
    format!(
        r#"<?xml version="1.0"?><rss version="2.0"><channel><title>Icons</title>
<link>{home}</link>{image}
<item><title>One</title><guid>one</guid><link>{home}one</link>
<description>{body}</description></item></channel></rss>"#,
        home = server.url("/"),
        body = "A story long enough not to be a teaser. ".repeat(20),
    )
}

fn serve_feed(server: &FixtureServer, path: &str, feed: String) {
    server.route(path, Reply::ok("application/rss+xml", feed));
}

async fn library() -> (tempfile::TempDir, Library) {
    let dir = tempfile::tempdir().unwrap();
    let library = Library::open(dir.path(), LibraryConfig::default()).unwrap();
    (dir, library)
}

/// The token of a feed's icon URL (`broadsheet-img://localhost/<token>`, or the WebView2 form).
fn token_of(feed: &Feed) -> String {
    let icon = feed.icon.as_deref().expect("the feed has an icon");
    assert!(icon.contains(IMAGE_SCHEME), "{icon}");
    icon.rsplit('/').next().unwrap().to_owned()
}

async fn feed_by_url(library: &Library, url: &str) -> Feed {
    library
        .feeds()
        .await
        .unwrap()
        .into_iter()
        .find(|f| f.url == url)
        .unwrap()
}

/// What the icon row says about the last look, for checks on refused icons.
fn icon_error(library: &Library, feed_id: i64) -> Option<String> {
    library
        .store()
        .read(|c| {
            Ok(c.query_row(
                "SELECT error_kind FROM feed_icons WHERE feed_id = ?1",
                [feed_id],
                |r| r.get(0),
            )?)
        })
        .unwrap()
}

fn no_progress(_: broadsheet_engine::model::RefreshProgress) {}

/// A refresh as the command line and the window run it: feeds first, then the icons due.
async fn refresh_then_icons(library: &Library) -> usize {
    let report = library.refresh(None, &no_progress).await.unwrap();
    assert!(report.errors.is_empty(), "{report:?}");
    library.update_icons().await
}

/// Subscribes as the command line does: the icon follows the subscription
/// (`Library::follow_up`), and the feed is shown as it then is.
async fn subscribe(library: &Library, url: &str) -> Subscription {
    let mut sub = library.subscribe(url, None).await.unwrap();
    library.follow_up(&|_| {}).await.unwrap();
    sub.feed = feed_by_url(library, &sub.feed.url).await;
    sub
}

/// A new library subscribed to the server's /feed.xml.
async fn subscribe_to_feed(server: &FixtureServer) -> (tempfile::TempDir, Library, Subscription) {
    let (dir, library) = library().await;
    let sub = subscribe(&library, &server.url("/feed.xml")).await;
    (dir, library, sub)
}

/// A library subscribed to one feed that names a PNG logo as its icon.
async fn subscribed_with_png_logo() -> (FixtureServer, tempfile::TempDir, Library, Subscription) {
    let server = FixtureServer::start().await.unwrap();
    serve_feed(&server, "/feed.xml", rss(&server, Some("/logo.png")));
    server.route("/logo.png", Reply::ok("image/png", png_icon()));
    let (dir, library, sub) = subscribe_to_feed(&server).await;
    (server, dir, library, sub)
}

#[tokio::test(flavor = "multi_thread")]
async fn the_icon_a_feed_names_is_kept_and_served_from_the_library() {
    let server = FixtureServer::start().await.unwrap();
    server.route("/logo.png", Reply::ok("image/png", png_icon()));
    // RSS <image><url>, Atom <icon>, JSON Feed "favicon": each names its own icon.
    serve_feed(&server, "/rss.xml", rss(&server, Some("/logo.png")));
    server.route(
        "/atom.xml",
        Reply::ok(
            "application/atom+xml",
            format!(
                r#"<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"><title>A</title><id>a</id>
<icon>{}</icon><entry><id>e</id><title>E</title><content>x</content></entry></feed>"#,
                server.url("/logo.png?atom")
            ),
        ),
    );
    server.route(
        "/feed.json",
        Reply::ok(
            "application/feed+json",
            format!(
                r#"{{"version":"https://jsonfeed.org/version/1.1","title":"J","favicon":"{}","items":[{{"id":"1","content_text":"x"}}]}}"#,
                server.url("/logo.png?json")
            ),
        ),
    );
    let (_dir, library) = library().await;
    for path in ["/rss.xml", "/atom.xml", "/feed.json"] {
        let sub = subscribe(&library, &server.url(path)).await;
        let token = token_of(&sub.feed);
        let (mime, bytes) = library.image(token).await.unwrap().expect("served");
        assert_eq!(mime, "image/png", "{path}");
        assert_eq!(bytes, png_icon(), "{path}");
    }
    assert_eq!(server.hits("/logo.png"), 3);
    // The feed's own icon was enough: no home page, no /favicon.ico.
    assert_eq!(server.hits("/"), 0);
    assert_eq!(server.hits("/favicon.ico"), 0);
    // Three feeds, three icons of their own, even with the same bytes.
    let tokens: std::collections::HashSet<String> = library
        .feeds()
        .await
        .unwrap()
        .iter()
        .map(token_of)
        .collect();
    assert_eq!(tokens.len(), 3);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_site_address_gives_the_home_page_icon_without_fetching_the_page_twice() {
    let server = FixtureServer::start().await.unwrap();
    server.route(
        "/",
        Reply::ok(
            "text/html",
            r#"<!doctype html><html><head><title>Site</title>
<link rel="alternate" type="application/rss+xml" href="/feed.xml">
<link rel="icon" type="image/svg+xml" href="/icon.svg">
<link rel="icon" sizes="32x32" href="/img/icon-32.png"></head><body>Home</body></html>"#,
        ),
    );
    server.route(
        "/icon.svg",
        Reply::ok("image/svg+xml", image_fixture("script-in-svg.svg")),
    );
    server.route("/img/icon-32.png", Reply::ok("image/png", png_icon()));
    serve_feed(&server, "/feed.xml", rss(&server, None));
    let (_dir, library) = library().await;

    let sub = subscribe(&library, &server.url("/")).await;
    let (mime, bytes) = library.image(token_of(&sub.feed)).await.unwrap().unwrap();
    assert_eq!((mime.as_str(), bytes), ("image/png", png_icon()));
    assert_eq!(
        server.hits("/"),
        1,
        "the discovery page is searched as it is"
    );
    assert_eq!(
        server.hits("/icon.svg"),
        0,
        "an SVG icon is never asked for"
    );
    assert_eq!(server.hits("/favicon.ico"), 0);
}

#[tokio::test(flavor = "multi_thread")]
async fn without_any_icon_link_the_favicon_ico_of_the_site_is_used() {
    let server = FixtureServer::start().await.unwrap();
    // No <image> in the feed, and "/" answers 404: only /favicon.ico is left.
    serve_feed(&server, "/feed.xml", rss(&server, None));
    server.route("/favicon.ico", Reply::ok("image/x-icon", ico_icon()));
    let (_dir, library, sub) = subscribe_to_feed(&server).await;
    let (mime, bytes) = library.image(token_of(&sub.feed)).await.unwrap().unwrap();
    assert_eq!(mime, "image/x-icon");
    assert_eq!(bytes, ico_icon());
    assert_eq!(
        server.hits("/"),
        1,
        "one look at the home page for icon links"
    );
    assert_eq!(server.hits("/favicon.ico"), 1);
}

// Subscribing never waits for the icon; a slow icon comes with the next refresh.
#[tokio::test(flavor = "multi_thread")]
async fn a_slow_icon_does_not_hold_up_subscribing() {
    let server = FixtureServer::start().await.unwrap();
    serve_feed(&server, "/feed.xml", rss(&server, Some("/icon.png")));
    server.route(
        "/icon.png",
        Reply::ok("image/png", png_icon())
            .behaviour(fixture_server::Behaviour::Delay(Duration::from_secs(8))),
    );
    let (_dir, library) = library().await;

    let started = Instant::now();
    let sub = library
        .subscribe(&server.url("/feed.xml"), None)
        .await
        .unwrap();
    assert!(
        started.elapsed() < Duration::from_secs(6),
        "{:?}",
        started.elapsed()
    );
    assert_eq!(sub.feed.icon, None);
    assert!(sub.feed.error.is_none());

    server.route("/icon.png", Reply::ok("image/png", png_icon()));
    assert_eq!(refresh_then_icons(&library).await, 1);
    let feed = feed_by_url(&library, &server.url("/feed.xml")).await;
    let (_, bytes) = library.image(token_of(&feed)).await.unwrap().unwrap();
    assert_eq!(bytes, png_icon());
}

#[tokio::test(flavor = "multi_thread")]
async fn svg_html_and_oversize_icons_are_refused_and_the_feed_stays_healthy() {
    let server = FixtureServer::start().await.unwrap();
    // The feed's image is an SVG carrying script (served as image/png: the label is not trusted),
    // the home page's icon link is an HTML error page, /favicon.ico is far over the icon cap.
    serve_feed(&server, "/feed.xml", rss(&server, Some("/logo.png")));
    server.route(
        "/logo.png",
        Reply::ok("image/png", image_fixture("script-in-svg.svg")),
    );
    server.route(
        "/",
        Reply::ok(
            "text/html",
            r#"<html><head><link rel="shortcut icon" href="/icon.ico"></head></html>"#,
        ),
    );
    server.route(
        "/icon.ico",
        Reply::ok("image/x-icon", image_fixture("error-page.html")),
    );
    let mut huge = png_icon();
    huge.resize(300 * 1024, 0);
    server.route("/favicon.ico", Reply::ok("image/png", huge));
    let (_dir, library, sub) = subscribe_to_feed(&server).await;
    assert_eq!(sub.feed.icon, None);
    assert_eq!(sub.feed.error, None);
    assert_eq!(sub.feed.unread, 1);
    for path in ["/logo.png", "/icon.ico", "/favicon.ico"] {
        assert_eq!(server.hits(path), 1, "{path} tried once");
    }
    // The last candidate's reason is kept on the icon's row.
    assert_eq!(
        icon_error(&library, sub.feed.id).as_deref(),
        Some("too_large")
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_missing_icon_is_no_error_and_is_not_asked_for_at_every_refresh() {
    let server = FixtureServer::start().await.unwrap();
    // Everything but the feed answers 404.
    serve_feed(&server, "/feed.xml", rss(&server, Some("/gone.png")));
    let (_dir, library, sub) = subscribe_to_feed(&server).await;
    assert_eq!(sub.feed.icon, None);
    assert_eq!(
        icon_error(&library, sub.feed.id).as_deref(),
        Some("http_status")
    );
    for _ in 0..2 {
        assert_eq!(refresh_then_icons(&library).await, 0);
    }
    let feed = feed_by_url(&library, &server.url("/feed.xml")).await;
    assert_eq!((feed.icon, feed.error), (None, None));
    for path in ["/gone.png", "/", "/favicon.ico"] {
        assert_eq!(server.hits(path), 1, "{path} asked again too soon");
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_found_icon_is_fetched_again_only_after_a_week() {
    let (server, _dir, library, sub) = subscribed_with_png_logo().await;
    let first = token_of(&sub.feed);

    // The feed changes between refreshes, so each refresh stores something.
    for n in 0..2 {
        serve_feed(
            &server,
            "/feed.xml",
            rss(&server, Some("/logo.png"))
                .replace("<title>One</title>", &format!("<title>{n}</title>")),
        );
        assert_eq!(refresh_then_icons(&library).await, 0);
    }
    assert_eq!(server.hits("/logo.png"), 1);

    // Eight days later, the site has a new icon: it replaces the old one under a new name.
    library
        .store()
        .write(|tx| {
            tx.execute(
                "UPDATE feed_icons SET checked_at = checked_at - 8 * 86400",
                [],
            )?;
            Ok(())
        })
        .unwrap();
    server.route("/logo.png", Reply::ok("image/x-icon", ico_icon()));
    assert_eq!(refresh_then_icons(&library).await, 1);
    assert_eq!(server.hits("/logo.png"), 2);
    let feed = feed_by_url(&library, &server.url("/feed.xml")).await;
    let second = token_of(&feed);
    assert_ne!(first, second);
    assert_eq!(library.image(first).await.unwrap(), None);
    let (mime, _) = library.image(second).await.unwrap().unwrap();
    assert_eq!(mime, "image/x-icon");
}

#[tokio::test(flavor = "multi_thread")]
async fn an_imported_feed_gets_its_icon_at_its_first_refresh() {
    let server = FixtureServer::start().await.unwrap();
    serve_feed(&server, "/feed.xml", rss(&server, None));
    server.route("/favicon.ico", Reply::ok("image/x-icon", ico_icon()));
    let (_dir, library) = library().await;
    let opml = format!(
        r#"<opml version="2.0"><head/><body><outline text="I" xmlUrl="{}"/></body></opml>"#,
        server.url("/feed.xml")
    );
    library.import_opml(&opml).await.unwrap();
    assert_eq!(library.feeds().await.unwrap()[0].icon, None);
    assert_eq!(server.total_hits(), 0);

    // The refresh stores the stories without waiting on icons; the icon follows.
    library.refresh(None, &no_progress).await.unwrap();
    assert_eq!(server.hits("/favicon.ico"), 0);
    assert_eq!(library.update_icons().await, 1);
    let feed = feed_by_url(&library, &server.url("/feed.xml")).await;
    assert!(library.image(token_of(&feed)).await.unwrap().is_some());
}

#[tokio::test(flavor = "multi_thread")]
async fn a_feed_whose_refresh_failed_is_not_asked_for_its_icon() {
    let server = FixtureServer::start().await.unwrap();
    serve_feed(&server, "/good.xml", rss(&server, None));
    server.route("/favicon.ico", Reply::ok("image/x-icon", ico_icon()));
    server.route("/bad.xml", Reply::status(500));
    let (_dir, library) = library().await;
    let opml = format!(
        r#"<opml version="2.0"><head/><body><outline text="G" xmlUrl="{}"/><outline text="B" xmlUrl="{}"/></body></opml>"#,
        server.url("/good.xml"),
        server.url("/bad.xml")
    );
    library.import_opml(&opml).await.unwrap();
    let report = library.refresh(None, &no_progress).await.unwrap();
    assert_eq!(report.errors.len(), 1, "{report:?}");

    assert_eq!(library.update_icons().await, 1);
    assert_eq!(server.hits("/favicon.ico"), 1, "only the good feed asks");
    let bad = feed_by_url(&library, &server.url("/bad.xml")).await;
    assert_eq!(bad.icon, None);
    assert!(bad.error.is_some());
    let looked_for: i64 = library
        .store()
        .read(|c| {
            Ok(c.query_row(
                "SELECT count(*) FROM feed_icons WHERE feed_id = ?1",
                [bad.id],
                |r| r.get(0),
            )?)
        })
        .unwrap();
    assert_eq!(looked_for, 0, "never looked for");
}

#[tokio::test(flavor = "multi_thread")]
async fn unsubscribing_removes_the_icon() {
    let (_server, _dir, library, sub) = subscribed_with_png_logo().await;
    let token = token_of(&sub.feed);
    assert!(library.image(token.clone()).await.unwrap().is_some());

    library.unsubscribe(sub.feed.id).await.unwrap();
    assert_eq!(library.image(token).await.unwrap(), None);
    let rows: i64 = library
        .store()
        .read(|c| Ok(c.query_row("SELECT count(*) FROM feed_icons", [], |r| r.get(0))?))
        .unwrap();
    assert_eq!(rows, 0);
}
