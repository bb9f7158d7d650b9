//! A sync account through the library against a mock Google Reader API in the loopback
//! fixture server (the real Miniflux is in tests/cli_sync.rs): a sync of an unchanged account
//! costs a handful of requests and fetches no contents; stories retention removed are not
//! fetched again while the server keeps them; a subscription the server lists without its
//! feed's address is not taken for one it dropped.

use std::sync::{Arc, Mutex};

use broadsheet_engine::credentials::CredentialPlace;
use broadsheet_engine::library::{Library, LibraryConfig, GREADER};
use broadsheet_engine::model::{ArticleQuery, SyncPhase, SyncProgress};
use fixture_server::{FixtureServer, Reply};

/// The server's two stories: 1 (read there, published long ago) and 2 (unread), teasers
/// linking to pages of `site` (which has none: each story stays as the server sent it).
fn contents(site: &str) -> String {
    serde_json::json!({"items": [
        {"id": "tag:google.com,2005:reader/item/0000000000000001", "title": "Old story",
         "published": 1_000_000_000, "categories": ["user/1/state/com.google/read"],
         "alternate": [{"href": format!("{site}old.html")}],
         "content": {"content": "<p>An old story, long enough to be a story and not a teaser.</p>"},
         "origin": {"streamId": "feed/1"}},
        {"id": "tag:google.com,2005:reader/item/0000000000000002", "title": "New story",
         "published": 1_700_000_000, "categories": [],
         "alternate": [{"href": format!("{site}new.html")}],
         "content": {"content": "<p>A new story, long enough to be a story and not a teaser.</p>"},
         "origin": {"streamId": "feed/1"}}
    ]})
    .to_string()
}

/// A Reader API at the site root with the account `reader`/`pw`; `subscriptions` is the
/// answer of `subscription/list`, changeable while the test runs.
async fn reader_api(subscriptions: Arc<Mutex<serde_json::Value>>) -> FixtureServer {
    let server = FixtureServer::start().await.unwrap();
    server.route_fn("/accounts/ClientLogin", |req| {
        if String::from_utf8_lossy(&req.body).contains("Passwd=pw") {
            Reply::ok("text/plain", "SID=x\nLSID=x\nAuth=session\n")
        } else {
            Reply::status(401)
        }
    });
    server.route_fn("/reader/api/0/stream/items/ids", |req| {
        let ids: &[&str] = if req.path.contains("starred") {
            &[]
        } else if req.path.contains("xt=") {
            &["2"]
        } else {
            &["2", "1"]
        };
        let refs: Vec<_> = ids.iter().map(|id| serde_json::json!({"id": id})).collect();
        Reply::ok(
            "application/json",
            serde_json::json!({ "itemRefs": refs }).to_string(),
        )
    });
    server.route_fn("/reader/api/0/subscription/list", move |_| {
        let list = subscriptions.lock().unwrap().clone();
        Reply::ok("application/json", list.to_string())
    });
    server.route("/reader/api/0/token", Reply::ok("text/plain", "edit-token"));
    server.route(
        "/reader/api/0/stream/items/contents",
        Reply::ok("application/json", contents(&server.url("/"))),
    );
    server
}

fn subscribed(server: &FixtureServer, with_address: bool) -> serde_json::Value {
    let url = with_address.then(|| server.url("/feed.xml"));
    serde_json::json!({"subscriptions": [
        {"id": "feed/1", "title": "News", "url": url,
         "categories": [{"id": "user/1/label/Tech", "label": "Tech"}]}
    ]})
}

/// A library folder and, outside it, the folder its password file goes to.
struct Folders {
    library: tempfile::TempDir,
    outside: tempfile::TempDir,
}

impl Folders {
    fn new() -> Folders {
        Folders {
            library: tempfile::tempdir().unwrap(),
            outside: tempfile::tempdir().unwrap(),
        }
    }

    fn credentials(&self) -> std::path::PathBuf {
        self.outside.path().join("credentials")
    }

    fn open(&self) -> Library {
        let config = LibraryConfig {
            credentials: CredentialPlace::File(self.credentials()),
            ..LibraryConfig::default()
        };
        Library::open(self.library.path(), config).unwrap()
    }
}

fn paths(server: &FixtureServer, from: usize) -> Vec<String> {
    server.requests()[from..]
        .iter()
        .map(|r| r.path.split('?').next().unwrap_or("").to_owned())
        .collect()
}

#[tokio::test(flavor = "multi_thread")]
async fn an_unchanged_account_syncs_in_a_handful_of_requests_and_pruned_stories_stay_pruned() {
    let answer = Arc::new(Mutex::new(serde_json::Value::Null));
    let server = reader_api(answer.clone()).await;
    *answer.lock().unwrap() = subscribed(&server, true);
    let folders = Folders::new();
    let lib = folders.open();
    let account = lib
        .add_account(GREADER, &server.url("/"), "reader", "pw")
        .await
        .unwrap();

    let first = lib.sync(None).await.unwrap();
    assert_eq!((first.feeds_added, first.new_articles), (1, 2), "{first:?}");
    let feeds = lib.feeds().await.unwrap();
    assert_eq!(feeds[0].folder.as_deref(), Some("Tech"));
    assert_eq!(feeds[0].account, Some(account.id));
    let stories = lib.articles(ArticleQuery::default()).await.unwrap();
    let read: Vec<bool> = stories.iter().map(|a| a.read).collect();
    assert_eq!(read, [false, true], "the server's read state: {stories:?}");

    // Nothing new: log in, three id listings, the subscriptions. No contents.
    let before = server.requests().len();
    let again = lib.sync(None).await.unwrap();
    assert_eq!((again.new_articles, again.pulled, again.pushed), (0, 0, 0));
    let made = paths(&server, before);
    assert_eq!(made.len(), 5, "{made:?}");
    assert!(!made.iter().any(|p| p.ends_with("contents")), "{made:?}");

    // Retention removes the old read story; the server still lists it, and it stays removed.
    assert_eq!(lib.prune().await.unwrap(), 1);
    let before = server.requests().len();
    let after_prune = lib.sync(None).await.unwrap();
    assert_eq!(after_prune.new_articles, 0, "{after_prune:?}");
    assert!(!paths(&server, before)
        .iter()
        .any(|p| p.ends_with("contents")));

    // A subscription listed without its feed's address is still the server's: kept.
    *answer.lock().unwrap() = subscribed(&server, false);
    let unlisted = lib.sync(None).await.unwrap();
    assert_eq!(unlisted.feeds_removed, 0, "{unlisted:?}");
    assert_eq!(lib.feeds().await.unwrap().len(), 1);
    // One the server no longer lists at all goes.
    *answer.lock().unwrap() = serde_json::json!({"subscriptions": []});
    let dropped = lib.sync(None).await.unwrap();
    assert_eq!(dropped.feeds_removed, 1, "{dropped:?}");
    assert!(lib.feeds().await.unwrap().is_empty());
}

#[tokio::test(flavor = "multi_thread")]
async fn a_wrong_password_adds_no_account_and_keeps_no_password() {
    let answer = Arc::new(Mutex::new(serde_json::json!({"subscriptions": []})));
    let server = reader_api(answer).await;
    let folders = Folders::new();
    let credentials = folders.credentials();
    let lib = folders.open();
    let error = lib
        .add_account(GREADER, &server.url("/"), "reader", "hunter2")
        .await
        .unwrap_err();
    assert_eq!(error.kind(), "auth", "{error}");
    assert!(!error.to_string().contains("hunter2"));
    assert!(lib.accounts().await.unwrap().is_empty());
    assert!(!credentials.exists());
}

#[tokio::test(flavor = "multi_thread")]
async fn renaming_a_folder_moves_the_accounts_feeds_into_it_on_the_server() {
    let answer = Arc::new(Mutex::new(serde_json::Value::Null));
    let server = reader_api(answer.clone()).await;
    *answer.lock().unwrap() = subscribed(&server, true);
    server.route(
        "/reader/api/0/subscription/edit",
        Reply::ok("text/plain", "OK"),
    );
    let folders = Folders::new();
    let lib = folders.open();
    lib.add_account(GREADER, &server.url("/"), "reader", "pw")
        .await
        .unwrap();
    lib.sync(None).await.unwrap();
    lib.rename_folder("Tech".into(), "Work".into())
        .await
        .unwrap();
    let pushed = lib.sync(None).await.unwrap();
    assert_eq!(pushed.pushed, 1, "{pushed:?}");
    let edit = server
        .requests()
        .into_iter()
        .find(|r| r.path.starts_with("/reader/api/0/subscription/edit"))
        .expect("a subscription edit");
    let body = String::from_utf8_lossy(&edit.body).into_owned();
    assert!(body.contains("s=feed%2F1"), "{body}");
    assert!(body.contains("a=user%2F-%2Flabel%2FWork"), "{body}");
    assert!(body.contains("r=user%2F-%2Flabel%2FTech"), "{body}");
}

#[tokio::test(flavor = "multi_thread")]
async fn an_account_whose_password_is_gone_from_the_store_says_to_add_it_again() {
    let answer = Arc::new(Mutex::new(serde_json::json!({"subscriptions": []})));
    let server = reader_api(answer).await;
    let folders = Folders::new();
    let credentials = folders.credentials();
    let lib = folders.open();
    lib.add_account(GREADER, &server.url("/"), "reader", "pw")
        .await
        .unwrap();
    assert!(std::fs::read_to_string(&credentials)
        .unwrap()
        .contains("pw"));
    drop(lib);
    std::fs::remove_file(&credentials).unwrap();
    let lib = folders.open();
    let report = lib.sync(None).await.unwrap();
    assert_eq!(report.errors[0].kind, "auth");
    assert!(
        report.errors[0].message.contains("add the account again"),
        "{report:?}"
    );
    let accounts = lib.accounts().await.unwrap();
    assert_eq!(
        accounts[0].error.as_ref().map(|e| e.kind),
        Some(report.errors[0].kind)
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_synced_feeds_address_is_the_servers_and_is_not_edited_here() {
    let answer = Arc::new(Mutex::new(serde_json::Value::Null));
    let server = reader_api(answer.clone()).await;
    *answer.lock().unwrap() = subscribed(&server, true);
    let folders = Folders::new();
    let lib = folders.open();
    lib.add_account(GREADER, &server.url("/"), "reader", "pw")
        .await
        .unwrap();
    lib.sync(None).await.unwrap();
    let feed = lib.feeds().await.unwrap().remove(0);
    let refused = lib
        .set_feed_url(feed.id, "https://elsewhere.example/feed")
        .await
        .unwrap_err();
    assert_eq!(refused.kind(), "invalid_setting", "{refused}");
    assert_eq!(lib.feeds().await.unwrap()[0].url, feed.url);
}

#[tokio::test(flavor = "multi_thread")]
async fn rules_decide_for_synced_stories_and_a_feed_new_to_this_sync_announces_nothing() {
    use broadsheet_engine::rules::{PatternKind, RuleAction, RuleField, RuleSpec};
    let answer = Arc::new(Mutex::new(serde_json::Value::Null));
    let server = reader_api(answer.clone()).await;
    *answer.lock().unwrap() = subscribed(&server, true);
    let folders = Folders::new();
    let lib = folders.open();
    let rule = |pattern: &str, folder: Option<&str>, action| RuleSpec {
        field: RuleField::Title,
        pattern: pattern.into(),
        kind: PatternKind::Words,
        feed_id: None,
        folder: folder.map(str::to_owned),
        action,
        until: None,
    };
    // Scoped to the folder the server files the feed in.
    lib.add_rule(rule("old story", Some("Tech"), RuleAction::Hide))
        .await
        .unwrap();
    lib.add_rule(rule("new story", None, RuleAction::Notify))
        .await
        .unwrap();
    lib.add_account(GREADER, &server.url("/"), "reader", "pw")
        .await
        .unwrap();

    let first = lib.sync(None).await.unwrap();
    assert_eq!(first.new_articles, 2, "{first:?}");
    let shown = lib.articles(ArticleQuery::default()).await.unwrap();
    let titles: Vec<&str> = shown.iter().map(|a| a.title.as_str()).collect();
    assert_eq!(titles, ["New story"], "the hide rule took the old one out");
    assert_eq!(
        first.notify.count, 0,
        "a feed this sync brought in is not news: {first:?}"
    );
}

/// What the paging mock holds: its reading list (newest first) and which of it is unread.
#[derive(Default)]
struct Account {
    reading_list: Vec<u64>,
    unread: std::collections::HashSet<u64>,
}

/// A query parameter of a request's path.
fn param(path: &str, name: &str) -> Option<String> {
    let query = path.split_once('?')?.1;
    url::form_urlencoded::parse(query.as_bytes())
        .find(|(key, _)| key == name)
        .map(|(_, value)| value.into_owned())
}

/// A Reader API that pages its ids as the current Miniflux does: `n` honoured up to 10,000,
/// the continuation an offset; its contents are made up for whatever ids are asked for.
async fn paging_reader_api(account: Arc<Mutex<Account>>) -> FixtureServer {
    let subscriptions = Arc::new(Mutex::new(serde_json::Value::Null));
    let server = reader_api(subscriptions.clone()).await;
    *subscriptions.lock().unwrap() = subscribed(&server, true);
    let listed = account.clone();
    server.route_fn("/reader/api/0/stream/items/ids", move |req| {
        let account = listed.lock().unwrap();
        let ids: Vec<u64> = if param(&req.path, "s").is_some_and(|s| s.ends_with("/starred")) {
            Vec::new()
        } else if param(&req.path, "xt").is_some() {
            let unread = &account.unread;
            account.reading_list.iter().copied().filter(|id| unread.contains(id)).collect()
        } else {
            account.reading_list.clone()
        };
        let n = param(&req.path, "n").and_then(|n| n.parse().ok()).unwrap_or(0usize);
        let n = if n == 0 || n > 10_000 { 10_000 } else { n };
        let offset: usize = param(&req.path, "c").and_then(|c| c.parse().ok()).unwrap_or(0);
        let page: Vec<_> = ids.iter().skip(offset).take(n).collect();
        let mut answer = serde_json::json!({
            "itemRefs": page.iter().map(|id| serde_json::json!({"id": id.to_string()})).collect::<Vec<_>>()
        });
        if offset + page.len() < ids.len() {
            answer["continuation"] = (offset + page.len()).to_string().into();
        }
        Reply::ok("application/json", answer.to_string())
    });
    // Whole stories (no page to complete them from), linking to this server.
    let (site, body) = (server.url("/"), "A sentence of the story. ".repeat(30));
    server.route_fn("/reader/api/0/stream/items/contents", move |req| {
        let account = account.lock().unwrap();
        let items: Vec<_> = url::form_urlencoded::parse(&req.body)
            .filter(|(key, _)| key == "i")
            .filter_map(|(_, id)| u64::from_str_radix(id.rsplit('/').next()?, 16).ok())
            .filter(|id| account.reading_list.contains(id))
            .map(|id| {
                let read =
                    (!account.unread.contains(&id)).then_some("user/1/state/com.google/read");
                serde_json::json!({
                    "id": format!("tag:google.com,2005:reader/item/{id:016x}"),
                    "title": format!("Story {id}"), "published": 1_700_000_000 + id,
                    "categories": read.into_iter().collect::<Vec<_>>(),
                    "alternate": [{"href": format!("{site}{id}.html")}],
                    "content": {"content": format!("<p>{body}</p>")},
                    "origin": {"streamId": "feed/1"}
                })
            })
            .collect();
        Reply::ok(
            "application/json",
            serde_json::json!({ "items": items }).to_string(),
        )
    });
    server
}

#[tokio::test(flavor = "multi_thread")]
async fn a_sync_with_nothing_new_lists_each_id_set_in_one_page_however_many_stories_are_unread() {
    // 3,000 stories, the odd ones unread: beyond the 1,000 ids a page used to hold.
    let account = Arc::new(Mutex::new(Account {
        reading_list: (1..=3000).rev().collect(),
        unread: (1..=3000).filter(|id| id % 2 == 1).collect(),
    }));
    let server = paging_reader_api(account.clone()).await;
    let folders = Folders::new();
    let lib = folders.open();
    let heard = Arc::new(Mutex::new(Vec::new()));
    let hearing = heard.clone();
    lib.watch_sync(Box::new(move |p| hearing.lock().unwrap().push(p)));
    let account_id = lib
        .add_account(GREADER, &server.url("/"), "reader", "pw")
        .await
        .unwrap()
        .id;
    let first = lib.sync(None).await.unwrap();
    // The unread ones, and the read ones among the newest 500 of the reading list.
    assert_eq!(first.new_articles, 1750, "{first:?}");
    // The window hears each phase, and the count of stories fetched as it grows.
    let heard: Vec<_> = std::mem::take(&mut *heard.lock().unwrap());
    let said = |phase, done, total| SyncProgress {
        account_id,
        phase,
        done,
        total,
    };
    assert_eq!(
        heard[..3],
        [
            said(SyncPhase::Sending, 0, 0),
            said(SyncPhase::Checking, 0, 0),
            said(SyncPhase::Fetching, 0, 1750)
        ]
    );
    assert_eq!(
        heard[5..],
        [
            said(SyncPhase::Fetching, 1500, 1750),
            said(SyncPhase::Finished, 0, 0)
        ]
    );

    // Nothing new: log in, the unread ids, the starred ids, the newest of the reading list,
    // the subscriptions. Paged by 1,000 it took eight.
    let before = server.requests().len();
    let again = lib.sync(None).await.unwrap();
    assert_eq!((again.new_articles, again.pulled), (0, 0), "{again:?}");
    let made = paths(&server, before);
    assert_eq!(made.len(), 5, "{made:?}");

    // Marked unread there (one held here, one never fetched), one marked read there, and one
    // gone from the server: the states arrive, the gone one breaks nothing.
    {
        let mut account = account.lock().unwrap();
        account.unread.extend([2600, 2]);
        account.unread.remove(&2999);
        account.reading_list.retain(|id| *id != 3000);
    }
    let changed = lib.sync(None).await.unwrap();
    assert!(changed.errors.is_empty(), "{changed:?}");
    // The list comes in pages of at most 500.
    let mut titles = std::collections::HashSet::new();
    for page in 0.. {
        let query = ArticleQuery {
            unread_only: true,
            limit: Some(500),
            offset: Some(page * 500),
            ..ArticleQuery::default()
        };
        let unread = lib.articles(query).await.unwrap();
        if unread.is_empty() {
            break;
        }
        titles.extend(unread.into_iter().map(|a| a.title));
    }
    assert!(titles.contains("Story 2600"), "unread on the server now");
    assert!(
        titles.contains("Story 2"),
        "read long ago, unread on the server now"
    );
    assert!(!titles.contains("Story 2999"), "read on the server");
    assert_eq!(titles.len(), 1501, "{changed:?}");
}
