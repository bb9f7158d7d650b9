//! "Mark all read" marks exactly what the list shows, and undo puts exactly those back.

use broadsheet_engine::model::{ArticleQuery, FeedId};
use broadsheet_engine::store::{FeedMeta, FeedUpdate, NewArticle, NewFeed, Store};
use chrono::{TimeZone, Utc};

fn item(key: &str, title: &str, published: i64) -> NewArticle {
    NewArticle {
        key: key.into(),
        url: Some(format!("https://news.example/{key}")),
        title: title.into(),
        author: None,
        published: Utc.timestamp_opt(published, 0).unwrap(),
        updated: None,
        html: format!("<p>{title}</p>"),
        text: title.into(),
        excerpt: title.into(),
        source_hash: key.into(),
        site_name: None,
        lead_image: None,
        related: vec![],
        images: vec![],
        categories: vec![],
        rules: Default::default(),
    }
}

fn feed(store: &Store, url: &str, folder: Option<&str>, items: Vec<NewArticle>) -> FeedId {
    let new = NewFeed {
        url: url.into(),
        folder: folder.map(str::to_string),
        ..NewFeed::default()
    };
    let id = store.add_feed(&new, Utc::now()).unwrap().0;
    store
        .apply_updates(&[FeedUpdate::Fetched {
            feed_id: id,
            meta: FeedMeta {
                title: url.into(),
                ..FeedMeta::default()
            },
            etag: None,
            last_modified: None,
            body_hash: "b".into(),
            items,
            at: Utc::now(),
        }])
        .unwrap();
    id
}

fn library() -> (tempfile::TempDir, Store) {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(&dir.path().join("library.sqlite3")).unwrap();
    (dir, store)
}

fn unread(store: &Store, q: ArticleQuery) -> usize {
    let q = ArticleQuery {
        unread_only: true,
        limit: Some(500),
        ..q
    };
    store.articles(&q).unwrap().len()
}

#[test]
fn marking_a_searched_feed_read_marks_only_the_stories_the_search_shows() {
    let (_d, store) = library();
    let items = (0..10)
        .map(|i| {
            let title = if i < 3 {
                format!("Harbour part {i}")
            } else {
                format!("Budget {i}")
            };
            item(&format!("k{i}"), &title, 1_700_000_000 + i)
        })
        .collect();
    let id = feed(&store, "https://news.example/feed", None, items);
    let shown = ArticleQuery {
        feed_id: Some(id),
        search: Some("harbour".into()),
        ..ArticleQuery::default()
    };
    let marked = store.mark_query_read(&shown, Utc::now()).unwrap();
    assert_eq!(marked.len(), 3);
    assert_eq!(unread(&store, shown.clone()), 0);
    let whole_feed = ArticleQuery {
        feed_id: Some(id),
        ..ArticleQuery::default()
    };
    assert_eq!(
        unread(&store, whole_feed),
        7,
        "the stories the search hid stay unread"
    );
}

#[test]
fn marking_a_folder_read_is_one_call_that_leaves_other_feeds_alone() {
    let (_d, store) = library();
    feed(
        &store,
        "https://a.example/feed",
        Some("Tech"),
        vec![item("a1", "A one", 1), item("a2", "A two", 2)],
    );
    feed(
        &store,
        "https://b.example/feed",
        Some("Tech"),
        vec![item("b1", "B one", 3)],
    );
    let other = feed(
        &store,
        "https://c.example/feed",
        None,
        vec![item("c1", "C one", 4)],
    );
    let folder = ArticleQuery {
        folder: Some("Tech".into()),
        ..ArticleQuery::default()
    };
    assert_eq!(store.mark_query_read(&folder, Utc::now()).unwrap().len(), 3);
    let outside = ArticleQuery {
        feed_id: Some(other),
        ..ArticleQuery::default()
    };
    assert_eq!(unread(&store, outside), 1);
}

#[test]
fn undo_marks_exactly_the_marked_stories_unread_again() {
    let (_d, store) = library();
    let id = feed(
        &store,
        "https://news.example/feed",
        None,
        (0..5)
            .map(|i| item(&format!("k{i}"), &format!("Story {i}"), i))
            .collect(),
    );
    let all = ArticleQuery {
        feed_id: Some(id),
        ..ArticleQuery::default()
    };
    // One story was read before: the undo must not make it unread.
    let before = store.articles(&all).unwrap()[0].id;
    store.set_read(before, true, Utc::now()).unwrap();
    let marked = store.mark_query_read(&all, Utc::now()).unwrap();
    assert_eq!(marked.len(), 4);
    assert!(!marked.contains(&before));
    assert_eq!(store.set_read_many(&marked, false, Utc::now()).unwrap(), 4);
    assert_eq!(unread(&store, all.clone()), 4);
    let read_before = store
        .articles(&all)
        .unwrap()
        .into_iter()
        .find(|a| a.id == before)
        .unwrap();
    assert!(read_before.read);
}

#[test]
fn a_list_longer_than_one_page_is_marked_read_to_its_end() {
    let (_d, store) = library();
    let items = (0..1_203)
        .map(|i| item(&format!("k{i}"), &format!("Story {i}"), i))
        .collect();
    feed(&store, "https://news.example/feed", None, items);
    let marked = store
        .mark_query_read(&ArticleQuery::default(), Utc::now())
        .unwrap();
    assert_eq!(marked.len(), 1_203);
    assert_eq!(unread(&store, ArticleQuery::default()), 0);
}

#[test]
fn marking_a_feed_that_is_gone_marks_nothing() {
    let (_d, store) = library();
    feed(
        &store,
        "https://news.example/feed",
        None,
        vec![item("k1", "One", 1)],
    );
    let q = ArticleQuery {
        feed_id: Some(99),
        ..ArticleQuery::default()
    };
    assert!(store.mark_query_read(&q, Utc::now()).unwrap().is_empty());
    assert_eq!(unread(&store, ArticleQuery::default()), 1);
}
