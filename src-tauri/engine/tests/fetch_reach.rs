//! How far a feed's content may reach is decided from the address the person subscribed to and
//! the feed's "may reach the local network" setting, never from what its host name resolves to.
//!
//! The loopback news site is subscribed to by a name, `feed.example`, that the fetcher is told
//! to resolve to 127.0.0.1: the shape of a feed whose publisher added a DNS record pointing at
//! the reader's own machine. Its stories and pictures name 127.0.0.1 directly.

use std::net::{IpAddr, Ipv4Addr};

use broadsheet_engine::fetch::FetchConfig;
use broadsheet_engine::library::{Library, LibraryConfig, Subscription};
use broadsheet_engine::model::{ArticleQuery, ArticleSummary, RefreshProgress};
use fixture_server::FixtureServer;
use news_site::news_site;

#[path = "../../../tests/support/news_site.rs"]
mod news_site;

/// A story of the site that the feed only teases.
const TIANJIN: &str = "/2024/09/01/tianjin-port-reopens-after-typhoon.html";

/// A library whose fetcher resolves `feed.example` to loopback.
fn library() -> (tempfile::TempDir, Library) {
    let dir = tempfile::tempdir().unwrap();
    let config = LibraryConfig {
        fetch: FetchConfig {
            pinned_hosts: vec![("feed.example".into(), IpAddr::V4(Ipv4Addr::LOCALHOST))],
            ..FetchConfig::default()
        },
        ..LibraryConfig::default()
    };
    let library = Library::open(dir.path(), config).unwrap();
    (dir, library)
}

/// The site's feed, by the name that resolves to loopback.
fn named_feed(server: &FixtureServer) -> String {
    format!("http://feed.example:{}/feed.xml", server.addr().port())
}

/// Requests for the stories' pictures (the site's photos are JPEGs; its icon is not one).
fn story_picture_hits(server: &FixtureServer) -> usize {
    server
        .requests()
        .iter()
        .filter(|r| r.path_without_query().ends_with(".jpg"))
        .count()
}

async fn story(library: &Library, title_part: &str) -> ArticleSummary {
    library
        .articles(ArticleQuery::default())
        .await
        .unwrap()
        .into_iter()
        .find(|a| a.title.contains(title_part))
        .unwrap_or_else(|| panic!("no article titled like {title_part:?}"))
}

fn no_progress(_: RefreshProgress) {}

/// Subscribes to the named feed with the local network allowed.
async fn subscribe_allowed(library: &Library, server: &FixtureServer) -> Subscription {
    library
        .subscribe_with(&named_feed(server), None, true)
        .await
        .unwrap()
}

#[tokio::test(flavor = "multi_thread")]
async fn a_named_feed_that_resolves_to_loopback_is_refused_with_the_fix_in_the_message() {
    let server = news_site().await;
    let (_dir, library) = library();
    let error = library
        .subscribe(&named_feed(&server), None)
        .await
        .unwrap_err();
    assert_eq!(error.kind(), "local_network", "{error}");
    let message = error.to_string();
    assert!(
        message.contains("local network") && message.contains("--local-network"),
        "{message}"
    );
    assert_eq!(server.total_hits(), 0);
    assert!(library.feeds().await.unwrap().is_empty());
}

#[tokio::test(flavor = "multi_thread")]
async fn a_named_feed_allowed_the_local_network_reaches_its_pages_and_pictures() {
    let server = news_site().await;
    let (_dir, library) = library();
    let sub = subscribe_allowed(&library, &server).await;
    assert!(sub.created && sub.feed.local_network, "{:?}", sub.feed);
    let done = library.follow_up(&|_| {}).await.unwrap();
    assert_eq!(done.stories, 4, "{done:?}");
    assert!(done.pictures > 0, "{done:?}");
    assert!(story_picture_hits(&server) > 0);
    assert_eq!(server.hits(TIANJIN), 1);
    let report = library.refresh(None, &no_progress).await.unwrap();
    assert!(report.errors.is_empty(), "{report:?}");
}

#[tokio::test(flavor = "multi_thread")]
async fn without_the_setting_a_named_feeds_pictures_and_pages_never_reach_loopback() {
    let server = news_site().await;
    let (_dir, library) = library();
    let sub = subscribe_allowed(&library, &server).await;
    library.set_local_network(sub.feed.id, false).await.unwrap();
    let feed = &library.feeds().await.unwrap()[0];
    assert!(!feed.local_network);

    // The pictures are fetched after the setting went off: none of them is asked for.
    let done = library.follow_up(&|_| {}).await.unwrap();
    assert_eq!(done.pictures, 0, "{done:?}");
    assert_eq!(story_picture_hits(&server), 0);

    // A page opened from one of its stories (the site's home, not stored yet) reaches only as
    // far as the feed may.
    let from = story(&library, "Tianjin").await;
    let before = server.total_hits();
    let error = library
        .open_link(&server.url("/"), Some(from.id))
        .await
        .unwrap_err();
    assert_eq!(error.kind(), "blocked", "{error}");
    assert_eq!(server.total_hits(), before);

    // And the feed itself is refused, with the fix on its health record.
    let report = library.refresh(None, &no_progress).await.unwrap();
    assert_eq!(report.errors.len(), 1, "{report:?}");
    let health = library.feeds().await.unwrap()[0].error.clone().unwrap();
    assert_eq!(health.kind, "local_network");
    assert!(
        health.message.contains("--local-network"),
        "{}",
        health.message
    );
}
