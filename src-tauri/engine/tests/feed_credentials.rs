//! Feeds behind a password (`http://user:password@host/feed`), against a loopback server that
//! answers 401 without `Authorization: Basic`: the password is kept in the credential store's
//! file (the headless fallback), never in the library, its errors, its OPML or its stories'
//! addresses, and is sent to the feed's own origin only.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU16, Ordering};
use std::sync::Arc;

use broadsheet_engine::credentials::{take_userinfo, CredentialPlace};
use broadsheet_engine::fetch::{BodyKind, FetchConfig, FetchRequest, Fetcher, Reach};
use broadsheet_engine::library::{Library, LibraryConfig, Reading, LIBRARY_FILE};
use broadsheet_engine::model::ArticleQuery;
use fixture_server::{FixtureServer, Reply};
use url::Url;

const SECRET: &str = "s3cret-word";

/// `Basic base64("ann:s3cret-word")`.
const AUTHORIZATION: &str = "Basic YW5uOnMzY3JldC13b3Jk";

/// A feed whose channel link and one item's link are relative (so they resolve against the
/// feed's own address) and one item has no link at all.
fn rss() -> String {
    let long = "A story long enough not to be a teaser, so no page is fetched. ".repeat(10);
    format!(
        r#"<?xml version="1.0"?><rss version="2.0"><channel><title>Private news</title>
<link>/</link><image><url>/icon.png</url><title>i</title><link>/</link></image>
<item><title>Linked</title><guid>linked</guid><link>/linked.html</link><description>{long}</description></item>
<item><title>Unlinked</title><description>{long} <a href="/relative.html">more</a></description></item>
</channel></rss>"#
    )
}

/// A server whose `/feed` wants the password; `status` is what it answers when given it.
async fn private_server(status: Arc<AtomicU16>) -> FixtureServer {
    let server = FixtureServer::start().await.unwrap();
    server.route_fn("/feed", move |req| {
        if req.header("authorization") != Some(AUTHORIZATION) {
            return Reply::status(401).header("WWW-Authenticate", "Basic realm=\"news\"");
        }
        match status.load(Ordering::SeqCst) {
            200 => Reply::ok("application/rss+xml", rss()),
            other => Reply::status(other),
        }
    });
    server
}

/// A library subscribed, with the password, to the feed of a new [`private_server`].
async fn subscribed(status: Arc<AtomicU16>) -> (FixtureServer, Folders, Library) {
    let server = private_server(status).await;
    let folders = Folders::new();
    let library = folders.open();
    library.subscribe(&typed(&server), None).await.unwrap();
    (server, folders, library)
}

/// The address with the password in it, as a person would type it.
fn typed(server: &FixtureServer) -> String {
    server
        .url("/feed")
        .replace("http://", &format!("http://ann:{SECRET}@"))
}

struct Folders {
    library: tempfile::TempDir,
    config: tempfile::TempDir,
}

impl Folders {
    fn new() -> Folders {
        Folders {
            library: tempfile::tempdir().unwrap(),
            config: tempfile::tempdir().unwrap(),
        }
    }

    fn credentials_file(&self) -> PathBuf {
        self.config.path().join("broadsheet").join("credentials")
    }

    fn open(&self) -> Library {
        let config = LibraryConfig {
            credentials: CredentialPlace::File(self.credentials_file()),
            ..LibraryConfig::default()
        };
        Library::open(self.library.path(), config).unwrap()
    }
}

/// Every file of the library folder, read as bytes, does not contain the password.
fn assert_library_files_clean(dir: &Path) {
    for entry in walk(dir) {
        let bytes = std::fs::read(&entry).unwrap();
        let found = bytes.windows(SECRET.len()).any(|w| w == SECRET.as_bytes());
        assert!(!found, "{} holds the password", entry.display());
    }
}

fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            files.extend(walk(&path));
        } else {
            files.push(path);
        }
    }
    files
}

/// Refreshes every feed and checks that none failed (a missing password is a 401).
async fn refresh_without_errors(library: &Library) {
    let report = library.refresh(None, &|_| {}).await.unwrap();
    assert!(report.errors.is_empty(), "{:?}", report.errors);
}

/// Closes the library, then checks that no file of its folder holds the password.
fn close_and_check_files(library: Library, folders: &Folders) {
    drop(library);
    assert_library_files_clean(folders.library.path());
}

async fn everything_shown(library: &Library) -> String {
    let feeds = serde_json::to_string(&library.feeds().await.unwrap()).unwrap();
    let articles = library.articles(ArticleQuery::default()).await.unwrap();
    let mut shown = format!("{feeds}\n{}", serde_json::to_string(&articles).unwrap());
    for summary in &articles {
        let article = library.article(summary.id).await.unwrap();
        shown.push_str(&serde_json::to_string(&article).unwrap());
    }
    shown.push_str(&library.export_opml().await.unwrap());
    shown
}

#[tokio::test(flavor = "multi_thread")]
async fn a_feed_behind_a_password_is_subscribed_and_refreshed_without_the_password_in_the_library()
{
    let status = Arc::new(AtomicU16::new(200));
    let server = private_server(status.clone()).await;
    let folders = Folders::new();
    {
        let library = folders.open();
        let subscribed = library.subscribe(&typed(&server), None).await.unwrap();
        assert_eq!(subscribed.feed.url, server.url("/feed"));
        let stories = library.articles(ArticleQuery::default()).await.unwrap();
        assert_eq!(stories.len(), 2, "both items, the one without a link too");
        library.follow_up(&|_| {}).await.unwrap();
        let shown = everything_shown(&library).await;
        assert!(!shown.contains(SECRET), "{shown}");
        assert!(!shown.contains("ann:"), "{shown}");
    }
    // Reopened, the password is read back from the credential store for the refresh.
    let library = folders.open();
    refresh_without_errors(&library).await;
    assert!(server
        .requests()
        .iter()
        .filter(|r| r.path == "/feed")
        .all(|r| r.header("authorization") == Some(AUTHORIZATION)));
    close_and_check_files(library, &folders);
}

#[tokio::test(flavor = "multi_thread")]
async fn the_password_file_is_the_users_alone_and_outside_the_library() {
    let (_server, folders, _library) = subscribed(Arc::new(AtomicU16::new(200))).await;
    let file = folders.credentials_file();
    assert!(!file.starts_with(folders.library.path()));
    let kept = std::fs::read_to_string(&file).unwrap();
    assert!(kept.contains(SECRET));
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&file).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600, "{mode:o}");
    }
    // A password file inside the library folder is refused outright.
    let inside = LibraryConfig {
        credentials: CredentialPlace::File(folders.library.path().join("credentials")),
        ..LibraryConfig::default()
    };
    let refused = Library::open(folders.library.path(), inside).err().unwrap();
    assert_eq!(refused.kind(), "invalid_setting");
}

#[tokio::test(flavor = "multi_thread")]
async fn an_error_from_a_feed_behind_a_password_never_shows_the_password() {
    let status = Arc::new(AtomicU16::new(200));
    let (server, _folders, library) = subscribed(status.clone()).await;
    status.store(500, Ordering::SeqCst);
    let report = library.refresh(None, &|_| {}).await.unwrap();
    assert_eq!(report.errors.len(), 1);
    let message = &report.errors[0].message;
    assert!(message.contains("500"), "{message}");
    assert!(!message.contains(SECRET), "{message}");
    let shown = everything_shown(&library).await;
    assert!(
        shown.contains("500"),
        "the feed's health shows the error: {shown}"
    );
    assert!(!shown.contains(SECRET), "{shown}");
    // Subscribing to another address of that server fails, and says so without the password.
    let missing = typed(&server).replace("/feed", "/missing");
    let error = library.subscribe(&missing, None).await.unwrap_err();
    assert!(!error.to_string().contains(SECRET), "{error}");
}

#[tokio::test(flavor = "multi_thread")]
async fn the_password_is_never_sent_to_another_origin_even_on_a_redirect() {
    let elsewhere = FixtureServer::start().await.unwrap();
    elsewhere.route("/feed", Reply::ok("application/rss+xml", rss()));
    let server = FixtureServer::start().await.unwrap();
    server.route("/feed", Reply::redirect(302, &elsewhere.url("/feed")));
    let fetcher = Fetcher::new(FetchConfig::default()).unwrap();
    let (url, login) = take_userinfo(&Url::parse(&typed(&server)).unwrap());
    let request = FetchRequest {
        reach: Reach {
            loopback: true,
            ..Reach::PUBLIC
        },
        ..FetchRequest::new(&url, BodyKind::Feed)
    };
    fetcher
        .fetch_signed_in(request, login.as_ref())
        .await
        .unwrap();
    assert_eq!(
        server.requests()[0].header("authorization"),
        Some(AUTHORIZATION),
        "the feed's own origin gets it"
    );
    assert_eq!(elsewhere.requests().len(), 1);
    assert_eq!(
        elsewhere.requests()[0].header("authorization"),
        None,
        "another origin (another port) never does"
    );
    // A password written into an address (here the one asked for) is never sent on its own.
    let typed_url = Url::parse(&typed(&elsewhere)).unwrap();
    let request = FetchRequest {
        reach: request.reach,
        ..FetchRequest::new(&typed_url, BodyKind::Feed)
    };
    fetcher.fetch(request).await.unwrap();
    assert_eq!(elsewhere.requests()[1].header("authorization"), None);
}

#[tokio::test(flavor = "multi_thread")]
async fn an_opml_list_with_a_password_in_an_address_keeps_it_out_of_the_library() {
    let server = private_server(Arc::new(AtomicU16::new(200))).await;
    let folders = Folders::new();
    let library = folders.open();
    let opml = format!(
        r#"<?xml version="1.0"?><opml version="2.0"><head/><body>
<outline text="Private" xmlUrl="{}"/></body></opml>"#,
        typed(&server)
    );
    let report = library.import_opml(&opml).await.unwrap();
    assert_eq!(report.added, 1);
    refresh_without_errors(&library).await;
    let shown = everything_shown(&library).await;
    assert!(!shown.contains(SECRET), "{shown}");
    close_and_check_files(library, &folders);
}

#[tokio::test(flavor = "multi_thread")]
async fn an_older_library_with_a_password_in_an_address_is_cleaned_at_open() {
    let server = private_server(Arc::new(AtomicU16::new(200))).await;
    let folders = Folders::new();
    {
        let library = folders.open();
        library.subscribe(&typed(&server), None).await.unwrap();
    }
    // What an older Broadsheet stored: the password in the feed's address and in the addresses
    // derived from it, and no password in the credential store.
    std::fs::remove_file(folders.credentials_file()).unwrap();
    let bare = server.url("/");
    let with_password = typed(&server).replace("/feed", "/");
    {
        let db = rusqlite::Connection::open(folders.library.path().join(LIBRARY_FILE)).unwrap();
        db.execute(
            "UPDATE feeds SET url = replace(url, ?1, ?2), site_url = replace(site_url, ?1, ?2),
                 has_credentials = 0",
            [&bare, &with_password],
        )
        .unwrap();
        db.execute(
            "UPDATE articles SET url = replace(url, ?1, ?2)",
            [&bare, &with_password],
        )
        .unwrap();
        let stored: String = db
            .query_row("SELECT url FROM feeds", [], |r| r.get(0))
            .unwrap();
        assert!(
            stored.contains(SECRET),
            "the old library is as it was: {stored}"
        );
    }
    // The command line's reading commands do not read it before it is cleaned.
    assert!(Reading::open(folders.library.path()).unwrap().is_none());
    let library = folders.open();
    let shown = everything_shown(&library).await;
    assert!(!shown.contains(SECRET), "{shown}");
    let reading = Reading::open(folders.library.path()).unwrap().unwrap();
    assert_eq!(reading.feeds().unwrap()[0].url, server.url("/feed"));
    assert_eq!(library.feeds().await.unwrap()[0].url, server.url("/feed"));
    let kept = std::fs::read_to_string(folders.credentials_file()).unwrap();
    assert!(kept.contains(SECRET));
    refresh_without_errors(&library).await;
    close_and_check_files(library, &folders);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_password_given_to_discovery_goes_to_the_subscription_that_follows() {
    let server = private_server(Arc::new(AtomicU16::new(200))).await;
    let folders = Folders::new();
    let library = folders.open();
    // The window's way: discover with what was typed, then subscribe to a found address.
    let found = library.discover(&typed(&server)).await.unwrap();
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].url, server.url("/feed"));
    library.subscribe(&found[0].url, None).await.unwrap();
    refresh_without_errors(&library).await;
    assert!(!everything_shown(&library).await.contains(SECRET));
}

/// A headless Linux machine (CI, a server): no session bus, so no Secret Service. The app's
/// own choice, the system store, falls back to the file, and says so once in the log.
#[cfg(all(
    unix,
    not(any(target_os = "macos", target_os = "ios", target_os = "android"))
))]
#[test]
fn without_a_system_credential_store_passwords_go_to_the_fallback_file() {
    use broadsheet_engine::credentials::{Credential, CredentialStore, ServiceKind};
    // The only test here that asks for the system store: no other test reads this variable.
    std::env::set_var(
        "DBUS_SESSION_BUS_ADDRESS",
        "unix:path=/nonexistent/broadsheet-test-bus",
    );
    let config = tempfile::tempdir().unwrap();
    let fallback = config.path().join("broadsheet").join("credentials");
    let store = CredentialStore::new(CredentialPlace::System {
        fallback: fallback.clone(),
    });
    let credential = Credential {
        user: "ann".into(),
        password: SECRET.into(),
    };
    store
        .set(ServiceKind::Feed, "http://127.0.0.1:1", &credential)
        .unwrap();
    assert!(std::fs::read_to_string(&fallback).unwrap().contains(SECRET));
    // Another store (the next start of the app) reads it back from the file.
    let again = CredentialStore::new(CredentialPlace::System { fallback });
    assert_eq!(
        again.get(ServiceKind::Feed, "http://127.0.0.1:1").unwrap(),
        Some(credential)
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn unsubscribing_forgets_the_password_once_no_feed_of_its_site_sends_it() {
    let status = Arc::new(AtomicU16::new(200));
    let (server, folders, library) = subscribed(Arc::clone(&status)).await;
    let first = library.feeds().await.unwrap()[0].id;
    // A second feed of the same site, behind the same password.
    server.route("/other", Reply::ok("application/rss+xml", rss()));
    let other = library
        .subscribe(&typed(&server).replace("/feed", "/other"), None)
        .await
        .unwrap();
    let file = || std::fs::read_to_string(folders.credentials_file()).unwrap_or_default();
    assert!(file().contains(SECRET), "the password is kept: {}", file());

    library.unsubscribe(first).await.unwrap();
    assert!(
        file().contains(SECRET),
        "another feed of the site still sends it: {}",
        file()
    );
    library.unsubscribe(other.feed.id).await.unwrap();
    assert!(!file().contains(SECRET), "forgotten: {}", file());
}

/// A story page long enough to be extracted as the full story of a teaser.
fn story_page(marker: &str) -> String {
    let paragraph = format!(
        "<p>{marker}: the harbour board met on Tuesday to decide the pier's future, and the \
         engineers' report said the storm had cracked two of its oldest piles.</p>"
    );
    format!(
        "<!doctype html><html><head><title>{marker}</title></head><body><article><h1>{marker}</h1>{}</article></body></html>",
        paragraph.repeat(8)
    )
}

#[tokio::test(flavor = "multi_thread")]
async fn a_teasers_full_story_on_the_feeds_own_site_is_fetched_with_its_password_and_elsewhere_without(
) {
    let elsewhere = FixtureServer::start().await.unwrap();
    elsewhere.route("/away.html", Reply::ok("text/html", story_page("Away")));
    let server = FixtureServer::start().await.unwrap();
    let teasers = format!(
        r#"<?xml version="1.0"?><rss version="2.0"><channel><title>Private news</title><link>/</link>
<item><title>Home</title><guid>home</guid><link>/story.html</link><description>The pier…</description></item>
<item><title>Away</title><guid>away</guid><link>{}</link><description>Elsewhere…</description></item>
</channel></rss>"#,
        elsewhere.url("/away.html")
    );
    for (path, reply) in [
        ("/feed", Reply::ok("application/rss+xml", teasers)),
        ("/story.html", Reply::ok("text/html", story_page("Home"))),
    ] {
        server.route_fn(path, move |req| match req.header("authorization") {
            Some(AUTHORIZATION) => reply.clone(),
            _ => Reply::status(401).header("WWW-Authenticate", "Basic realm=\"news\""),
        });
    }
    let folders = Folders::new();
    let library = folders.open();
    library.subscribe(&typed(&server), None).await.unwrap();
    library.follow_up(&|_| {}).await.unwrap();
    let stories = library.articles(ArticleQuery::default()).await.unwrap();
    for summary in &stories {
        let article = library.article(summary.id).await.unwrap();
        let title = summary.title.as_str();
        assert!(
            article.text.contains("cracked two of its oldest piles"),
            "{title}: the full story from its page, got {:?}",
            article.text
        );
    }
    assert!(server
        .requests()
        .iter()
        .any(|r| r.path == "/story.html" && r.header("authorization") == Some(AUTHORIZATION)));
    assert!(elsewhere
        .requests()
        .iter()
        .all(|r| r.header("authorization").is_none()));
    assert!(!elsewhere.requests().is_empty());
    close_and_check_files(library, &folders);
}

#[tokio::test(flavor = "multi_thread")]
async fn an_at_sign_in_a_feeds_path_is_no_password_and_the_library_reads_as_it_is() {
    let server = FixtureServer::start().await.unwrap();
    server.route("/feed/@ann", Reply::ok("application/rss+xml", rss()));
    let folders = Folders::new();
    let library = folders.open();
    let url = server.url("/feed/@ann");
    library.subscribe(&url, None).await.unwrap();
    drop(library);
    let reading = Reading::open(folders.library.path())
        .unwrap()
        .expect("an address like medium.com/feed/@name holds no password to move out");
    assert_eq!(reading.feeds().unwrap()[0].url, url);
    assert!(!reading
        .articles(&ArticleQuery::default())
        .unwrap()
        .is_empty());
}
