//! A feed's address can be edited from its details: the feed keeps its stories, and two feeds
//! never end up with one address.

use broadsheet_engine::library::{Library, LibraryConfig};
use broadsheet_engine::model::ArticleQuery;
use broadsheet_engine::store::{FeedMeta, FeedUpdate, NewArticle, NewFeed};
use chrono::Utc;

fn item(key: &str) -> NewArticle {
    NewArticle {
        key: key.into(),
        url: None,
        title: key.into(),
        author: None,
        published: Utc::now(),
        updated: None,
        html: "<p>x</p>".into(),
        text: "x".into(),
        excerpt: "x".into(),
        source_hash: key.into(),
        site_name: None,
        lead_image: None,
        related: vec![],
        images: vec![],
        categories: vec![],
        rules: Default::default(),
    }
}

fn feed(lib: &Library, url: &str) -> i64 {
    let new = NewFeed {
        url: url.into(),
        ..NewFeed::default()
    };
    let id = lib.store().add_feed(&new, Utc::now()).unwrap().0;
    lib.store()
        .apply_updates(&[FeedUpdate::Fetched {
            feed_id: id,
            meta: FeedMeta::default(),
            etag: Some("\"v1\"".into()),
            last_modified: None,
            body_hash: "b".into(),
            items: vec![item(&format!("{url}-1")), item(&format!("{url}-2"))],
            at: Utc::now(),
        }])
        .unwrap();
    id
}

#[tokio::test]
async fn a_moved_feed_keeps_its_stories_at_its_new_address() {
    let dir = tempfile::tempdir().unwrap();
    let lib = Library::open(dir.path(), LibraryConfig::default()).unwrap();
    let id = feed(&lib, "https://old.example/feed.xml");
    lib.set_feed_url(id, "new.example/rss").await.unwrap();
    let feeds = lib.feeds().await.unwrap();
    assert_eq!(feeds[0].url, "https://new.example/rss");
    let q = ArticleQuery {
        feed_id: Some(id),
        ..ArticleQuery::default()
    };
    assert_eq!(lib.articles(q).await.unwrap().len(), 2);
}

#[tokio::test]
async fn an_address_another_feed_has_is_refused_and_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let lib = Library::open(dir.path(), LibraryConfig::default()).unwrap();
    let a = feed(&lib, "https://a.example/feed.xml");
    feed(&lib, "https://b.example/feed.xml");
    let err = lib
        .set_feed_url(a, "https://b.example/feed.xml")
        .await
        .unwrap_err();
    assert_eq!(err.kind(), "invalid_setting");
    assert!(err.to_string().contains("already has the address"), "{err}");
    let urls: Vec<String> = lib
        .feeds()
        .await
        .unwrap()
        .into_iter()
        .map(|f| f.url)
        .collect();
    assert!(
        urls.contains(&"https://a.example/feed.xml".to_string()),
        "{urls:?}"
    );
}

#[tokio::test]
async fn an_address_that_is_not_a_web_address_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let lib = Library::open(dir.path(), LibraryConfig::default()).unwrap();
    let a = feed(&lib, "https://a.example/feed.xml");
    for bad in ["", "file:///etc/passwd", "not an address"] {
        let err = lib.set_feed_url(a, bad).await.unwrap_err();
        assert_eq!(err.kind(), "invalid_url", "{bad}");
    }
}
