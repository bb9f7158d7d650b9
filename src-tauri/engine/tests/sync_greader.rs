//! The Google Reader API client against a real Miniflux 2.2 (Debian trixie's package, on a
//! throwaway PostgreSQL, loopback only) subscribed to feeds of the test's own loopback server,
//! and against mocks in the fixture server for what Miniflux does not show: an edit token that
//! expires, FreshRSS's API path, `200 []` for an unknown path, rate limiting, a server that is
//! down, paging that repeats an id or never ends. When the Miniflux package cannot be downloaded the real-server test says why and is
//! skipped.

mod miniflux;

use std::collections::BTreeSet;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use broadsheet_engine::fetch::{FetchConfig, Fetcher};
use broadsheet_engine::sync::greader::{
    GReaderClient, GReaderError, ItemId, Limits, Secret, StateTag, READING_LIST,
};
use fixture_server::{FixtureServer, Reply};
use miniflux::{rss, wait_for_items, Miniflux, READER_PASSWORD, READER_USER};

async fn login(address: &str, password: &str) -> Result<GReaderClient, GReaderError> {
    GReaderClient::login(
        &Fetcher::new(FetchConfig::default()).unwrap(),
        address,
        READER_USER,
        &Secret::new(password),
    )
    .await
}

/// The ids of the unread items.
async fn unread_ids(client: &GReaderClient) -> Vec<ItemId> {
    client
        .item_ids(READING_LIST, Some(StateTag::Read))
        .await
        .unwrap()
}

fn titles(items: &[broadsheet_engine::sync::greader::Item]) -> BTreeSet<String> {
    items.iter().filter_map(|i| i.title.clone()).collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_real_miniflux_syncs_subscriptions_items_and_states_through_the_reader_api() {
    let Some(miniflux) = Miniflux::start() else {
        return;
    };
    let feeds = FixtureServer::start().await.unwrap();
    feeds.route(
        "/news.xml",
        Reply::ok("application/rss+xml", rss(&feeds, "news", 30)),
    );
    feeds.route(
        "/third.xml",
        Reply::ok("application/rss+xml", rss(&feeds, "third", 1)),
    );
    feeds.route(
        "/other.xml",
        Reply::ok("application/rss+xml", rss(&feeds, "other", 3)),
    );

    // A wrong password is a clear `auth` error that does not repeat the password.
    let wrong = login(&miniflux.url, "not-the-password").await.unwrap_err();
    assert_eq!(wrong.kind(), "auth", "{wrong}");
    assert!(!format!("{wrong} {wrong:?}").contains("not-the-password"));

    // Typed as a person copies it from Miniflux's settings page.
    let typed = format!("{}/reader/api/0", miniflux.url);
    let mut client = login(&typed, READER_PASSWORD).await.unwrap();
    assert_eq!(client.base().as_str(), format!("{}/", miniflux.url));
    assert!(!format!("{client:?}").contains(READER_PASSWORD));
    // Small pages and batches, so 33 items take several of each.
    client.set_limits(Limits {
        ids_page: 7,
        contents_batch: 4,
        edit_batch: 2,
        ..Limits::default()
    });

    let news = client.subscribe(&feeds.url("/news.xml")).await.unwrap();
    let other = client.subscribe(&feeds.url("/other.xml")).await.unwrap();
    let subscriptions = client.subscriptions().await.unwrap();
    let mine = subscriptions.iter().find(|s| s.id == news).unwrap();
    assert_eq!(mine.title, "news");
    assert_eq!(
        mine.feed_url.as_deref(),
        Some(feeds.url("/news.xml").as_str())
    );
    assert_eq!(
        mine.folders,
        ["All"],
        "Miniflux puts new feeds in its default folder"
    );
    let folders = client.folders().await.unwrap();
    assert_eq!(
        folders.iter().map(|f| f.name.as_str()).collect::<Vec<_>>(),
        ["All"]
    );

    // Every id, once, across five pages of seven: the continuation is followed exactly.
    let ids = wait_for_items(&client, 33).await;
    assert_eq!(ids.len(), 33, "{ids:?}");
    assert_eq!(ids.iter().collect::<BTreeSet<_>>().len(), 33);
    // The newest ten: two pages, the second asking only for the three still wanted.
    let newest = client.newest_ids(READING_LIST, 10).await.unwrap();
    assert_eq!(newest, ids[..10], "newest first, as the full listing");
    let items = client.items(&ids).await.unwrap();
    assert_eq!(items.len(), 33);
    let expected: BTreeSet<String> = (0..30)
        .map(|n| format!("news story {n}"))
        .chain((0..3).map(|n| format!("other story {n}")))
        .collect();
    assert_eq!(titles(&items), expected);
    // The ids of `stream/items/ids` (decimal) and of the contents (long form) are one number.
    assert_eq!(
        items.iter().map(|i| i.id).collect::<BTreeSet<_>>(),
        ids.iter().copied().collect()
    );
    assert!(items.iter().all(|i| !i.read && !i.starred));
    let story = items
        .iter()
        .find(|i| i.title.as_deref() == Some("news story 7"))
        .unwrap();
    assert_eq!(story.feed_id, news);
    assert_eq!(
        story.url.as_deref(),
        Some(feeds.url("/news/7.html").as_str())
    );
    assert!(story.html.contains("Body of story 7."));

    // Read and starred, pushed in batches of two, read back from both kinds of stream.
    let news_ids: Vec<ItemId> = items
        .iter()
        .filter(|i| i.feed_id == news)
        .map(|i| i.id)
        .collect();
    let (read, starred) = (&news_ids[..5], &news_ids[3..6]);
    client.set_state(read, StateTag::Read, true).await.unwrap();
    client
        .set_state(starred, StateTag::Starred, true)
        .await
        .unwrap();
    let unread = unread_ids(&client).await;
    assert_eq!(unread.len(), 28);
    assert!(read.iter().all(|id| !unread.contains(id)));
    let starred_ids = client
        .item_ids(StateTag::Starred.stream_id(), None)
        .await
        .unwrap();
    assert_eq!(
        starred_ids.iter().collect::<BTreeSet<_>>(),
        starred.iter().collect()
    );
    let again = client.items(read).await.unwrap();
    assert!(again.iter().all(|i| i.read));
    assert_eq!(again.iter().filter(|i| i.starred).count(), 2);
    // And back again.
    client
        .set_state(&read[..1], StateTag::Read, false)
        .await
        .unwrap();
    client
        .set_state(starred, StateTag::Starred, false)
        .await
        .unwrap();
    assert_eq!(unread_ids(&client).await.len(), 29);
    assert!(client
        .item_ids(StateTag::Starred.stream_id(), None)
        .await
        .unwrap()
        .is_empty());

    // Rename, and move into a new folder.
    client.rename(&news, "Loopback News").await.unwrap();
    client
        .move_to_folder(&news, Some("All"), "Tech")
        .await
        .unwrap();
    let subscriptions = client.subscriptions().await.unwrap();
    let mine = subscriptions.iter().find(|s| s.id == news).unwrap();
    assert_eq!(
        (mine.title.as_str(), mine.folders.as_slice()),
        ("Loopback News", &["Tech".to_owned()][..])
    );
    let folders = client.folders().await.unwrap();
    assert!(folders.iter().any(|f| f.name == "Tech"), "{folders:?}");

    // Miniflux 2.2 has no `mark-all-as-read`: it answers `200 []`, which must not pass for
    // done. The items are marked by id instead: four of them are read already, which
    // Miniflux 2.2 would flip back to unread if it were sent `a=read` for them.
    let error = client
        .mark_all_read(&news, chrono::Utc::now())
        .await
        .unwrap_err();
    assert_eq!(error.kind(), "unexpected_answer", "{error}");
    let unread = unread_ids(&client).await;
    assert_eq!(unread.len(), 29, "nothing was marked by the refused call");
    client
        .set_state(&news_ids, StateTag::Read, true)
        .await
        .unwrap();
    let unread = unread_ids(&client).await;
    assert_eq!(
        unread.len(),
        3,
        "only the other feed's items are left unread"
    );

    // Subscribe straight into a folder, under a name of our own.
    client
        .subscribe_into(&feeds.url("/third.xml"), Some("Third"), "Later")
        .await
        .unwrap();
    let subscriptions = client.subscriptions().await.unwrap();
    let third = subscriptions
        .iter()
        .find(|s| s.feed_url.as_deref() == Some(feeds.url("/third.xml").as_str()))
        .unwrap();
    assert_eq!(
        (third.title.as_str(), third.folders.as_slice()),
        ("Third", &["Later".to_owned()][..])
    );
    let third = third.id.clone();

    // Unsubscribe.
    client.unsubscribe(&other).await.unwrap();
    client.unsubscribe(&third).await.unwrap();
    let subscriptions = client.subscriptions().await.unwrap();
    assert_eq!(
        subscriptions
            .iter()
            .map(|s| s.id.as_str())
            .collect::<Vec<_>>(),
        [news.as_str()]
    );
    drop(miniflux);
}

/// A mock Reader API at the site root that accepts `reader`/`pw` and whose `ClientLogin`
/// answers `Auth=session`.
async fn mock_server() -> FixtureServer {
    let server = FixtureServer::start().await.unwrap();
    server.route_fn("/accounts/ClientLogin", |req| {
        if String::from_utf8_lossy(&req.body).contains("Passwd=pw") {
            Reply::ok("text/plain", "SID=x\nLSID=x\nAuth=session\n")
        } else {
            Reply::status(401)
        }
    });
    server
}

#[tokio::test]
async fn an_expired_edit_token_is_fetched_afresh_once_and_the_edit_goes_through() {
    let server = mock_server().await;
    let tokens = Arc::new(AtomicUsize::new(0));
    let issued = tokens.clone();
    server.route_fn("/reader/api/0/token", move |_| {
        let n = issued.fetch_add(1, Ordering::SeqCst) + 1;
        Reply::ok("text/plain", format!("token{n}\n"))
    });
    // The first token has expired by the time it is used; the server says so as FreshRSS and
    // Miniflux do.
    server.route_fn("/reader/api/0/edit-tag", |req| {
        if String::from_utf8_lossy(&req.body).contains("T=token2") {
            Reply::ok("text/plain", "OK")
        } else {
            Reply::status(401).header("X-Reader-Google-Bad-Token", "true")
        }
    });
    let client = login(&server.url("/"), "pw").await.unwrap();
    client
        .set_state(&[ItemId(1)], StateTag::Read, false)
        .await
        .unwrap();
    assert_eq!(server.hits("/reader/api/0/token"), 2);
    assert_eq!(server.hits("/reader/api/0/edit-tag"), 2);
    let edit = server
        .requests()
        .into_iter()
        .rfind(|r| r.path_without_query() == "/reader/api/0/edit-tag")
        .unwrap();
    assert_eq!(
        edit.header("authorization"),
        Some("GoogleLogin auth=session")
    );
    let body = String::from_utf8(edit.body).unwrap();
    // Ids go out in the long form, state tags as `user/-`.
    assert!(
        body.contains("i=tag%3Agoogle.com%2C2005%3Areader%2Fitem%2F0000000000000001"),
        "{body}"
    );
    assert!(
        body.contains("r=user%2F-%2Fstate%2Fcom.google%2Fread"),
        "{body}"
    );
    // The token, once fetched, is reused.
    client
        .set_state(&[ItemId(2)], StateTag::Read, false)
        .await
        .unwrap();
    assert_eq!(server.hits("/reader/api/0/token"), 2);
}

#[tokio::test]
async fn a_token_refused_twice_is_an_auth_error_not_a_loop() {
    let server = mock_server().await;
    server.route("/reader/api/0/token", Reply::ok("text/plain", "token"));
    server.route("/reader/api/0/edit-tag", Reply::status(401));
    let client = login(&server.url("/"), "pw").await.unwrap();
    let error = client
        .set_state(&[ItemId(1)], StateTag::Starred, false)
        .await
        .unwrap_err();
    assert_eq!(error.kind(), "auth");
    assert_eq!(server.hits("/reader/api/0/edit-tag"), 2);
}

#[tokio::test]
async fn a_freshrss_address_typed_without_its_api_path_finds_it() {
    let server = FixtureServer::start().await.unwrap();
    // FreshRSS answers only under /api/greader.php; its root is the web app.
    server.route("/freshrss/accounts/ClientLogin", Reply::status(404));
    server.route(
        "/freshrss/api/greader.php/accounts/ClientLogin",
        Reply::ok("text/plain", "SID=x\nAuth=reader/abc\n"),
    );
    server.route(
        "/freshrss/api/greader.php/reader/api/0/tag/list",
        Reply::ok("application/json", r#"{"tags":[{"id":"user/-/state/com.google/starred"},{"id":"user/-/label/Tech","type":"folder"}]}"#),
    );
    let typed = format!("{}/freshrss", server.url("").trim_end_matches('/'));
    let client = login(&typed, "pw").await.unwrap();
    assert!(client
        .base()
        .as_str()
        .ends_with("/freshrss/api/greader.php/"));
    assert_eq!(client.requests_made(), 2, "both bases tried count");
    let folders = client.folders().await.unwrap();
    assert_eq!(
        folders.iter().map(|f| f.name.as_str()).collect::<Vec<_>>(),
        ["Tech"]
    );
}

#[tokio::test]
async fn an_unknown_path_answering_200_empty_list_is_not_taken_for_an_empty_account() {
    let server = mock_server().await;
    server.route(
        "/reader/api/0/subscription/list",
        Reply::ok("application/json", "[]"),
    );
    server.route("/reader/api/0/token", Reply::ok("text/plain", "token"));
    server.route(
        "/reader/api/0/subscription/edit",
        Reply::ok("application/json", "[]"),
    );
    let client = login(&server.url("/"), "pw").await.unwrap();
    let error = client.subscriptions().await.unwrap_err();
    assert_eq!(error.kind(), "unexpected_answer", "{error}");
    let error = client.unsubscribe("feed/1").await.unwrap_err();
    assert_eq!(error.kind(), "unexpected_answer", "{error}");
}

#[tokio::test]
async fn a_rate_limited_answer_says_when_to_come_back() {
    let server = mock_server().await;
    server.route(
        "/reader/api/0/tag/list",
        Reply::status(429).header("Retry-After", "120"),
    );
    let client = login(&server.url("/"), "pw").await.unwrap();
    let error = client.folders().await.unwrap_err();
    assert_eq!(error.kind(), "rate_limited");
    assert!(matches!(
        error,
        GReaderError::RateLimited { retry_after: Some(d), .. } if d == Duration::from_secs(120)
    ));
}

#[tokio::test]
async fn the_password_travels_in_the_login_body_only_and_a_wrong_one_is_an_auth_error() {
    let server = mock_server().await;
    let error = login(&server.url("/"), "hunter2").await.unwrap_err();
    assert_eq!(error.kind(), "auth");
    assert!(!format!("{error} {error:?}").contains("hunter2"));
    let login = &server.requests()[0];
    assert_eq!(login.method, "POST");
    assert!(!login.path.contains("hunter2"));
    assert!(String::from_utf8_lossy(&login.body).contains("Passwd=hunter2"));
}

#[tokio::test]
async fn an_account_named_by_a_host_that_resolves_to_loopback_is_refused_by_the_network_policy() {
    let server = mock_server().await;
    // A name (not `localhost`, not an address) gives only public reach, whatever DNS answers:
    // the account's requests go through the fetcher's policy like every other.
    let fetcher = Fetcher::new(FetchConfig {
        pinned_hosts: vec![("reader.example".to_owned(), [127, 0, 0, 1].into())],
        ..FetchConfig::default()
    })
    .unwrap();
    let address = format!("http://reader.example:{}/", server.addr().port());
    let error = GReaderClient::login(&fetcher, &address, READER_USER, &Secret::new("pw"))
        .await
        .unwrap_err();
    assert_eq!(error.kind(), "local_network", "{error}");
    assert!(server.requests().is_empty());
}

#[tokio::test]
async fn a_server_that_is_down_is_unreachable() {
    // A port that was free a moment ago: nothing listens there.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let error = login(&format!("http://127.0.0.1:{port}"), "pw")
        .await
        .unwrap_err();
    assert_eq!(error.kind(), "unreachable", "{error}");
}

#[tokio::test]
async fn an_item_arriving_while_ids_are_paged_is_listed_once() {
    let server = mock_server().await;
    // Miniflux's continuation is an offset: a new item pushes "2" onto the second page too.
    server.route_fn("/reader/api/0/stream/items/ids", |req| {
        let body = if req.path.contains("&c=2") {
            r#"{"itemRefs":[{"id":"2"},{"id":"3"}]}"#
        } else {
            r#"{"itemRefs":[{"id":"1"},{"id":"2"}],"continuation":"2"}"#
        };
        Reply::ok("application/json", body)
    });
    let client = login(&server.url("/"), "pw").await.unwrap();
    let ids = client.item_ids(READING_LIST, None).await.unwrap();
    assert_eq!(ids, [ItemId(1), ItemId(2), ItemId(3)]);
}

#[tokio::test]
async fn a_continuation_that_never_moves_ends_the_listing() {
    let server = mock_server().await;
    server.route(
        "/reader/api/0/stream/items/ids",
        Reply::ok(
            "application/json",
            r#"{"itemRefs":[{"id":"7"}],"continuation":"same"}"#,
        ),
    );
    let client = login(&server.url("/"), "pw").await.unwrap();
    let ids = client.item_ids(READING_LIST, None).await.unwrap();
    assert_eq!(ids, [ItemId(7)]);
    assert_eq!(server.hits("/reader/api/0/stream/items/ids"), 2);
}
