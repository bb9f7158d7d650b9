//! The library's operations in process, against the loopback news site
//! (`tests/fixtures/news-site`, a teaser-only feed whose stories are on the site's pages) and
//! small feeds of our own: subscribing (by the feed's address and by the site's), refreshing
//! (new, edited and unchanged items, a failing feed among healthy ones), opening a page as an
//! article, and what follows them (pictures).

use broadsheet_engine::library::{FollowUp, Library, LibraryConfig};
use broadsheet_engine::model::{ArticleQuery, ArticleSummary, Feed, RefreshProgress};
use fixture_server::{FixtureServer, Reply};
use news_site::news_site;

#[path = "../../../tests/support/news_site.rs"]
mod news_site;

/// A story of the site that the feed only teases.
const TIANJIN: &str = "/2024/09/01/tianjin-port-reopens-after-typhoon.html";

/// An RSS feed of whole stories (long enough not to be teasers): `(guid, title, body)`.
fn rss(server: &FixtureServer, items: &[(&str, &str, &str)]) -> String {
    let items: String = items
        .iter()
        .map(|(guid, title, body)| {
            format!(
                "<item><title>{title}</title><guid>{guid}</guid><link>{link}</link>\
                 <description>{body} {filler}</description></item>",
                link = server.url(&format!("/{guid}.html")),
                filler = "A sentence that makes the story whole. ".repeat(20),
            )
        })
        .collect();
    format!(
        r#"<?xml version="1.0"?><rss version="2.0"><channel><title>Whole stories</title>
<link>{home}</link>{items}</channel></rss>"#,
        home = server.url("/"),
    )
}

fn serve_rss(server: &FixtureServer, path: &str, items: &[(&str, &str, &str)]) {
    server.route(path, Reply::ok("application/rss+xml", rss(server, items)));
}

fn library() -> (tempfile::TempDir, Library) {
    let dir = tempfile::tempdir().unwrap();
    let library = Library::open(dir.path(), LibraryConfig::default()).unwrap();
    (dir, library)
}

fn no_progress(_: RefreshProgress) {}

async fn articles_of(library: &Library, feed: &Feed) -> Vec<ArticleSummary> {
    library
        .articles(ArticleQuery {
            feed_id: Some(feed.id),
            ..ArticleQuery::default()
        })
        .await
        .unwrap()
}

async fn text_of(library: &Library, title_part: &str) -> String {
    let all = library.articles(ArticleQuery::default()).await.unwrap();
    let found = all
        .iter()
        .find(|a| a.title.contains(title_part))
        .unwrap_or_else(|| panic!("no article titled like {title_part:?}"));
    library.article(found.id).await.unwrap().text
}

#[tokio::test(flavor = "multi_thread")]
async fn subscribing_to_a_site_finds_its_feed_and_the_follow_up_completes_the_teasers() {
    let server = news_site().await;
    let (_dir, library) = library();
    let sub = library.subscribe(&server.url("/"), None).await.unwrap();
    assert!(sub.created);
    assert_eq!(sub.feed.url, server.url("/feed.xml"));
    assert_eq!(sub.feed.title, "The Harbour Ledger");
    assert_eq!(sub.feed.unread, 4);
    // The subscription stores what the feed says, "Cranes ... after three days of closure…",
    // and leaves the pages to the follow-up.
    assert!(text_of(&library, "Tianjin Port Reopens")
        .await
        .trim_end()
        .ends_with('…'));
    assert_eq!(server.hits(TIANJIN), 0);

    let done = library.follow_up(&|_| {}).await.unwrap();
    assert_eq!(done.stories, 4, "{done:?}");
    assert_eq!(done.icons, 1, "{done:?}");
    let story = text_of(&library, "Tianjin Port Reopens").await;
    assert!(
        story.len() > 600 && !story.trim_end().ends_with('…'),
        "the teaser was kept: {story}"
    );
    assert_eq!(server.hits(TIANJIN), 1);
    // The stories are finished: the next refresh finds the feed unchanged.
    let report = library.refresh(None, &no_progress).await.unwrap();
    assert_eq!(
        (report.not_modified, report.updated_articles),
        (1, 0),
        "{report:?}"
    );

    let again = library
        .subscribe(&server.url("/feed.xml"), None)
        .await
        .unwrap();
    assert!(!again.created);
    assert_eq!(again.feed.id, sub.feed.id);
    assert_eq!(library.feeds().await.unwrap().len(), 1);
}

// The window discovers first, then subscribes to what was found: an 8-second site held its
// dialog 25 s, fetching the feed twice and every teaser's page before answering.
#[tokio::test(flavor = "multi_thread")]
async fn subscribing_to_a_discovered_feed_fetches_it_once_and_waits_for_no_page() {
    let server = news_site().await;
    let slow = std::time::Duration::from_secs(3);
    for path in [TIANJIN, "/favicon.ico", "/img/ledger-icon-32.png"] {
        let body = std::fs::read(news_site::site_dir().join(path.trim_start_matches('/'))).unwrap();
        server.route(
            path,
            Reply::ok("text/html; charset=utf-8", body)
                .behaviour(fixture_server::Behaviour::Delay(slow)),
        );
    }
    let (_dir, library) = library();
    let found = library.discover(&server.url("/feed.xml")).await.unwrap();
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].title.as_deref(), Some("The Harbour Ledger"));

    let started = std::time::Instant::now();
    let sub = library.subscribe(&found[0].url, None).await.unwrap();
    assert!(
        started.elapsed() < slow,
        "subscribing waited {:?}",
        started.elapsed()
    );
    assert_eq!(sub.feed.unread, 4);
    assert_eq!(server.hits("/feed.xml"), 1, "the feed was downloaded twice");
    assert_eq!(server.hits(TIANJIN), 0);

    library.follow_up(&|_| {}).await.unwrap();
    assert!(!text_of(&library, "Tianjin Port Reopens")
        .await
        .trim_end()
        .ends_with('…'));
    assert_eq!(server.hits("/feed.xml"), 1);
}

// Should the app quit before the follow-up, the teasers are not left as they are for good: the
// next refresh reads the feed again and completes them.
#[tokio::test(flavor = "multi_thread")]
async fn teasers_left_unfinished_by_a_quit_are_completed_at_the_next_refresh() {
    let server = news_site().await;
    let dir = tempfile::tempdir().unwrap();
    {
        let library = Library::open(dir.path(), LibraryConfig::default()).unwrap();
        library.subscribe(&server.url("/"), None).await.unwrap();
    }
    let library = Library::open(dir.path(), LibraryConfig::default()).unwrap();
    let report = library.refresh(None, &no_progress).await.unwrap();
    assert_eq!(
        (report.refreshed, report.updated_articles),
        (1, 4),
        "{report:?}"
    );
    assert!(!text_of(&library, "Tianjin Port Reopens")
        .await
        .trim_end()
        .ends_with('…'));
}

// Found in the screenshots' library: a feed subscribed to, then refreshed (and failing)
// before the follow-up ran, lost its red mark when the follow-up completed the subscription's
// teasers, because completing them wrote the whole first fetch again, health included.
#[tokio::test(flavor = "multi_thread")]
async fn a_refresh_before_the_follow_up_keeps_what_it_recorded_and_the_teasers_are_completed() {
    let server = news_site().await;
    let (_dir, library) = library();
    let sub = library.subscribe(&server.url("/"), None).await.unwrap();
    let feed_url = sub.feed.url.clone();
    let path = url::Url::parse(&feed_url).unwrap().path().to_string();
    server.route(&path, Reply::status(503));
    let report = library.refresh(None, &no_progress).await.unwrap();
    assert_eq!(report.errors.len(), 1, "{report:?}");

    let done = library.follow_up(&|_| {}).await.unwrap();
    assert_eq!(
        done.stories, 4,
        "the teasers completed all the same: {done:?}"
    );
    let feeds = library.feeds().await.unwrap();
    let error = feeds[0].error.clone();
    assert_eq!(
        error.map(|e| e.kind),
        Some(broadsheet_engine::error_kind::ErrorKind::HttpStatus),
        "the refresh's failure is still on the feed"
    );
    assert!(!text_of(&library, "Tianjin Port Reopens")
        .await
        .trim_end()
        .ends_with('…'));
}

#[tokio::test(flavor = "multi_thread")]
async fn a_refresh_stores_new_items_updates_edited_ones_and_leaves_an_unchanged_feed_alone() {
    let server = FixtureServer::start().await.unwrap();
    serve_rss(
        &server,
        "/feed.xml",
        &[
            ("a", "First", "The first story."),
            ("b", "Second", "The second story."),
        ],
    );
    let (_dir, library) = library();
    let sub = library
        .subscribe(&server.url("/feed.xml"), None)
        .await
        .unwrap();
    assert_eq!(sub.feed.unread, 2);

    serve_rss(
        &server,
        "/feed.xml",
        &[
            ("c", "Third", "The third story."),
            ("a", "First", "The first story."),
            ("b", "Second", "The second story, corrected."),
        ],
    );
    let report = library.refresh(None, &no_progress).await.unwrap();
    assert_eq!(
        (
            report.refreshed,
            report.new_articles,
            report.updated_articles
        ),
        (1, 1, 1),
        "{report:?}"
    );
    assert!(text_of(&library, "Second").await.contains("corrected"));
    assert_eq!(articles_of(&library, &sub.feed).await.len(), 3);

    let unchanged = library.refresh(None, &no_progress).await.unwrap();
    assert_eq!(
        (
            unchanged.not_modified,
            unchanged.new_articles,
            unchanged.updated_articles
        ),
        (1, 0, 0),
        "{unchanged:?}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_failing_feed_keeps_its_stories_and_gets_its_error_while_the_others_refresh() {
    let server = FixtureServer::start().await.unwrap();
    serve_rss(&server, "/up.xml", &[("u", "Up", "Still here.")]);
    serve_rss(&server, "/down.xml", &[("d", "Down", "Stored before.")]);
    let (_dir, library) = library();
    let up = library
        .subscribe(&server.url("/up.xml"), None)
        .await
        .unwrap();
    let down = library
        .subscribe(&server.url("/down.xml"), None)
        .await
        .unwrap();
    server.route("/down.xml", Reply::status(500));
    serve_rss(
        &server,
        "/up.xml",
        &[("u2", "Up again", "New."), ("u", "Up", "Still here.")],
    );

    let report = library.refresh(None, &no_progress).await.unwrap();
    assert_eq!(report.refreshed, 1, "{report:?}");
    assert_eq!(report.errors.len(), 1, "{report:?}");
    assert_eq!(report.errors[0].feed_id, down.feed.id);
    assert_eq!(report.errors[0].kind, "http_status");
    let feeds = library.feeds().await.unwrap();
    let health = |id| feeds.iter().find(|f| f.id == id).unwrap().error.clone();
    assert!(health(up.feed.id).is_none());
    assert_eq!(health(down.feed.id).unwrap().kind, "http_status");
    assert_eq!(articles_of(&library, &down.feed).await.len(), 1);
    assert_eq!(articles_of(&library, &up.feed).await.len(), 2);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_refresh_whose_writes_fail_reports_the_stores_error_instead_of_waiting_for_ever() {
    // The refresh writes batches while it fetches on; its writer failing must stop the loop,
    // whose sends would otherwise wait for a writer that is gone. Seventy feeds make three
    // batches of a refresh (32, 32 and 6), more than the one the writer's queue holds.
    let server = FixtureServer::start().await.unwrap();
    let (dir, library) = library();
    for feed in 0..70 {
        let path = format!("/feed-{feed}.xml");
        serve_rss(&server, &path, &[("old", "Stored before", "Kept.")]);
        library.subscribe(&server.url(&path), None).await.unwrap();
        serve_rss(&server, &path, &[("new", "Brought now", "Not kept.")]);
    }
    let db = rusqlite::Connection::open(dir.path().join("library.sqlite3")).unwrap();
    db.execute_batch(
        "CREATE TRIGGER refuse_new_articles BEFORE INSERT ON articles
         BEGIN SELECT RAISE(ABORT, 'the disk refused the write'); END;",
    )
    .unwrap();

    let refreshed = tokio::time::timeout(
        std::time::Duration::from_secs(60),
        library.refresh(None, &no_progress),
    )
    .await
    .expect("the refresh waited for a writer that had failed");
    let error = refreshed.expect_err("the store's failure was not reported");
    assert!(
        error.to_string().contains("the disk refused the write"),
        "{error}"
    );
    let all = ArticleQuery {
        limit: Some(100),
        ..ArticleQuery::default()
    };
    let stored = library.articles(all).await.unwrap();
    assert_eq!(stored.len(), 70, "what was stored before stays");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_page_opened_once_is_kept_and_opening_it_again_fetches_nothing() {
    let server = news_site().await;
    let (_dir, library) = library();
    let opened = library.open_link(&server.url(TIANJIN), None).await.unwrap();
    assert_eq!(
        opened.summary.title,
        "Tianjin Port Reopens After Typhoon Disrupts Shipping Across Northern China"
    );
    assert!(opened.summary.feed_id.is_none());
    assert!(opened.text.contains("Cranes"), "{}", opened.text);
    assert_eq!(server.hits(TIANJIN), 1);

    let again = library
        .open_link(&format!("{}#comments", server.url(TIANJIN)), None)
        .await
        .unwrap();
    assert_eq!(again.summary.id, opened.summary.id);
    assert_eq!(server.hits(TIANJIN), 1, "the page was fetched again");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_page_reached_through_a_redirect_is_the_article_already_kept() {
    let server = news_site().await;
    server.route("/short", Reply::redirect(301, TIANJIN));
    let (_dir, library) = library();
    let direct = library.open_link(&server.url(TIANJIN), None).await.unwrap();
    let redirected = library
        .open_link(&server.url("/short"), None)
        .await
        .unwrap();
    assert_eq!(redirected.summary.id, direct.summary.id);
    assert_eq!(
        library
            .articles(ArticleQuery::default())
            .await
            .unwrap()
            .len(),
        1
    );
}

// The article `open_link` returns is built from what it stored, not read back: it must be
// exactly what reading it back gives, pictures and their state included.
#[tokio::test(flavor = "multi_thread")]
async fn the_article_a_page_opens_as_is_the_one_the_library_then_reads() {
    let server = news_site().await;
    let (_dir, library) = library();
    let opened = library.open_link(&server.url(TIANJIN), None).await.unwrap();
    assert!(
        opened.images.iter().any(|i| i.cached),
        "no picture of the page was kept: {:?}",
        opened.images
    );
    let read = library.article(opened.summary.id).await.unwrap();
    assert_eq!(opened, read);
    let shown = library
        .article_for_display(opened.summary.id)
        .await
        .unwrap();
    assert_eq!(shown.article.summary, read.summary);
}

#[tokio::test(flavor = "multi_thread")]
async fn what_follows_a_subscription_keeps_the_pictures_and_says_so_as_it_goes() {
    let server = news_site().await;
    let (_dir, library) = library();
    library.subscribe(&server.url("/"), None).await.unwrap();
    let heard = std::sync::Mutex::new(FollowUp::default());
    let tell = |added: FollowUp| {
        let mut heard = heard.lock().unwrap();
        heard.stories += added.stories;
        heard.icons += added.icons;
        heard.pictures += added.pictures;
    };
    let total = library.follow_up(&tell).await.unwrap();
    assert!(total.pictures > 0, "{total:?}");
    assert_eq!(*heard.lock().unwrap(), total);
    let story = library
        .articles(ArticleQuery::default())
        .await
        .unwrap()
        .into_iter()
        .find(|a| a.title.contains("Tianjin"))
        .unwrap();
    let article = library.article(story.id).await.unwrap();
    assert!(
        article.images.iter().any(|i| i.cached),
        "{:?}",
        article.images
    );
    // Nothing is left to do a second time.
    assert_eq!(library.follow_up(&|_| {}).await.unwrap().pictures, 0);
}

/// A library subscribed to one feed on each of two servers, with the servers.
async fn two_sites() -> (FixtureServer, FixtureServer, tempfile::TempDir, Library) {
    let (one, two) = (
        FixtureServer::start().await.unwrap(),
        FixtureServer::start().await.unwrap(),
    );
    serve_rss(&one, "/feed.xml", &[("a", "One", "From the first site.")]);
    serve_rss(&two, "/feed.xml", &[("b", "Two", "From the second site.")]);
    let (dir, library) = library();
    for server in [&one, &two] {
        library
            .subscribe(&server.url("/feed.xml"), None)
            .await
            .unwrap();
    }
    (one, two, dir, library)
}

/// Stops a server: its port refuses connections from then on.
async fn gone(server: FixtureServer) {
    drop(server);
    tokio::time::sleep(std::time::Duration::from_millis(100)).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn with_every_server_gone_the_refresh_finds_no_network_and_marks_no_feed() {
    let (one, two, dir, library) = two_sites().await;
    gone(one).await;
    gone(two).await;
    let report = library.refresh(None, &no_progress).await.unwrap();
    assert!(report.network_down, "{report:?}");
    assert_eq!(report.errors.len(), 2, "{report:?}");
    assert!(
        report.errors.iter().all(|e| e.kind == "connect"),
        "{report:?}"
    );
    for feed in library.feeds().await.unwrap() {
        assert!(feed.error.is_none(), "marked: {feed:?}");
    }
    // Nor after a restart.
    drop(library);
    let reopened = Library::open(dir.path(), LibraryConfig::default()).unwrap();
    for feed in reopened.feeds().await.unwrap() {
        assert!(feed.error.is_none(), "marked after a restart: {feed:?}");
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn one_server_gone_while_another_answers_is_that_feeds_error() {
    let (one, two, _dir, library) = two_sites().await;
    let gone_url = one.url("/feed.xml");
    gone(one).await;
    let report = library.refresh(None, &no_progress).await.unwrap();
    assert!(!report.network_down, "{report:?}");
    assert_eq!(report.errors.len(), 1, "{report:?}");
    let feeds = library.feeds().await.unwrap();
    let by_url = |url: &str| feeds.iter().find(|f| f.url == url).unwrap().clone();
    assert_eq!(by_url(&gone_url).error.unwrap().kind, "connect");
    assert!(by_url(&two.url("/feed.xml")).error.is_none());
}
