//! A sync account in the real window, against a real Miniflux (see
//! `src-tauri/engine/tests/miniflux`): Settings adds an account (a wrong password adds nothing
//! and says why), the sidebar shows the account's feeds under its name and Settings its last
//! sync, and removing it asks first, saying what goes and what stays. Two devices on one
//! account: what the window reads and bookmarks, the server (another device's view) has after
//! a sync, and what the server changes, the window shows; with the server down, an edit waits,
//! the account says why, and the edit goes out once the server is back. The window shows each
//! sync's progress as it runs. Without the window's tools or the Miniflux package the test says
//! so and passes (unless `BROADSHEET_E2E=1` demands the tools).

#[path = "e2e/webdriver.rs"]
mod webdriver;

#[path = "e2e/helpers.rs"]
mod helpers;

#[path = "../src-tauri/engine/tests/miniflux/mod.rs"]
mod miniflux;

use broadsheet_engine::fetch::{FetchConfig, Fetcher};
use broadsheet_engine::sync::greader::{GReaderClient, Item, Secret, StateTag, READING_LIST};
use fixture_server::{FixtureServer, Reply};
use helpers::{click_row, dialog_is, set_control, title_is};
use miniflux::{rss, wait_for_items, Miniflux, READER_PASSWORD, READER_USER};
use webdriver::{Driver, Session};

/// JS: the sidebar's headings, joined by `|`.
const HEADINGS: &str =
    "[...document.querySelectorAll('.tree .sources-heading')].map(h => h.textContent).join('|')";

/// JS: the names of the feeds in the sidebar, joined by `|`.
const FEED_NAMES: &str = "[...document.querySelectorAll('.tree .feed .source-name')]\
     .map(n => n.textContent).join('|')";

/// Adds the account in the open Settings with the right password; returns once it has synced
/// and its feed shows under its name.
async fn add_account(s: &Session, miniflux: &Miniflux) {
    s.exec(&set_control("account-url", &miniflux.url)).await;
    s.exec(&set_control("account-user", READER_USER)).await;
    s.exec(&set_control("account-password", READER_PASSWORD))
        .await;
    s.click("#account-add").await;
    s.wait_for(
        "return document.getElementById('account-list').textContent.includes('Last synced')",
        "the account's last sync in Settings",
    )
    .await;
    let name = format!(
        "{READER_USER} at {}",
        miniflux.url.trim_start_matches("http://")
    );
    s.wait_for(
        &format!("return {FEED_NAMES} === 'news' && {HEADINGS}.includes({name:?})"),
        "the account's feed under its name in the sidebar",
    )
    .await;
}

/// What the window's sync tests start from.
struct Setup {
    _config: tempfile::TempDir,
    /// The file the app keeps the account's password in (outside its library).
    credentials: std::path::PathBuf,
    miniflux: Miniflux,
    driver: Driver,
    _feeds: FixtureServer,
    /// A session of the Reader API: the "other device".
    server: GReaderClient,
}

/// Miniflux with the feed `news` of three stories, the window's tools (the app's password file
/// in a folder of its own), and a session of the Reader API; `None` when the package or the
/// tools are missing.
async fn account_with_three_stories() -> Option<Setup> {
    let config = tempfile::tempdir().unwrap();
    let credentials = config.path().join("credentials");
    let miniflux = Miniflux::start()?;
    let driver = Driver::start_with(|cmd| {
        cmd.env("BROADSHEET_CREDENTIALS_FILE", &credentials);
    })?;
    let feeds = FixtureServer::start().await.unwrap();
    feeds.route(
        "/news.xml",
        Reply::ok("application/rss+xml", rss(&feeds, "news", 3)),
    );
    let fetcher = Fetcher::new(FetchConfig::default()).unwrap();
    let server = GReaderClient::login(
        &fetcher,
        &miniflux.url,
        READER_USER,
        &Secret::new(READER_PASSWORD),
    )
    .await
    .unwrap();
    server.subscribe(&feeds.url("/news.xml")).await.unwrap();
    assert_eq!(wait_for_items(&server, 3).await.len(), 3);
    Some(Setup {
        _config: config,
        credentials,
        miniflux,
        driver,
        _feeds: feeds,
        server,
    })
}

/// A new library in the window, its Settings open; the folder lives as long as the session.
async fn settings_of_a_new_library(driver: &Driver) -> (tempfile::TempDir, Session) {
    let library = tempfile::tempdir().unwrap();
    let s = Session::start(driver, library.path()).await;
    s.click("#btn-settings").await;
    dialog_is(&s, "dlg-settings", true).await;
    (library, s)
}

#[tokio::test(flavor = "multi_thread")]
async fn an_account_added_in_settings_shows_its_feeds_under_its_name_and_is_removed_after_asking() {
    let Some(Setup {
        miniflux,
        driver,
        credentials,
        ..
    }) = account_with_three_stories().await
    else {
        return;
    };

    let (_library, s) = settings_of_a_new_library(&driver).await;
    s.exec(&set_control("account-url", &miniflux.url)).await;
    s.exec(&set_control("account-user", READER_USER)).await;

    // A wrong password adds nothing, and the window says why.
    s.exec(&set_control("account-password", "not-the-password"))
        .await;
    s.click("#account-add").await;
    s.wait_for(
        "return document.getElementById('toasts').textContent\
           .includes('The server refused the user name or API password.')",
        "the refusal",
    )
    .await;
    assert_eq!(
        s.exec("return document.querySelectorAll('#account-list li').length")
            .await,
        0
    );

    // The right one: the account is added and synced; its feed shows under its name.
    add_account(&s, &miniflux).await;
    assert_eq!(
        s.exec("return document.getElementById('account-password').value")
            .await,
        "",
        "the password field is emptied once the account is added"
    );

    // Removing asks first, saying what goes and what stays; then its feeds leave the sidebar.
    s.click("#account-list button").await;
    dialog_is(&s, "dlg-confirm", true).await;
    let asked = s
        .exec("return document.getElementById('confirm-text').textContent")
        .await;
    assert!(
        asked
            .as_str()
            .unwrap()
            .contains("bookmarked stories from it are kept"),
        "{asked}"
    );
    s.click("#confirm-ok").await;
    s.wait_for(
        &format!(
            "return {FEED_NAMES} === '' && document.querySelectorAll('#account-list li').length === 0"
        ),
        "the account and its feeds gone",
    )
    .await;
    s.quit().await;

    // The password was kept outside the library, and is gone with the account.
    let kept = std::fs::read_to_string(&credentials).unwrap_or_default();
    assert!(!kept.contains(READER_PASSWORD), "{kept}");
}

/// JS: whether the list's row whose text holds `title` shows as read.
fn row_is_read(title: &str) -> String {
    format!(
        "const row = [...document.querySelectorAll('#list .row')].find(r => r.innerText.includes({title:?}));\
         return !!row && row.classList.contains('is-read')"
    )
}

/// The server's story titled `title`, as another device reads it now.
async fn on_server(server: &GReaderClient, title: &str) -> Item {
    let ids = server.item_ids(READING_LIST, None).await.unwrap();
    let items = server.items(&ids).await.unwrap();
    items
        .into_iter()
        .find(|i| i.title.as_deref() == Some(title))
        .unwrap_or_else(|| panic!("{title} on the server"))
}

/// Opens the story titled `title` (which marks it read) and bookmarks it with the mouse.
async fn read_and_bookmark(s: &Session, title: &str) {
    click_row(s, title).await;
    s.wait_for(&title_is(title), "the story in the reader")
        .await;
    s.click("#btn-bookmark").await;
    s.wait_for(
        "return document.getElementById('btn-bookmark').getAttribute('aria-pressed') === 'true'",
        "the bookmark",
    )
    .await;
}

/// Refreshes (which syncs the account first) and waits until it is over.
async fn refresh(s: &Session) {
    s.click("#btn-refresh").await;
    s.wait_for(
        "return !document.getElementById('btn-refresh').classList.contains('is-spinning')",
        "the refresh to end",
    )
    .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn two_devices_see_each_others_reads_and_an_edit_made_while_the_server_is_down_waits_for_it()
{
    let Some(Setup {
        miniflux,
        driver,
        server,
        ..
    }) = account_with_three_stories().await
    else {
        return;
    };
    let (_library, s) = settings_of_a_new_library(&driver).await;
    add_account(&s, &miniflux).await;
    s.press("\u{E00C}").await; // Escape: Settings closes
    dialog_is(&s, "dlg-settings", false).await;
    // What the account's row and heading say while a sync runs, as it changes.
    s.exec(
        "window.syncSaid = []; new MutationObserver(() => {\
           for (const el of document.querySelectorAll('.sources-sync, .account-sync')) {\
             const text = el.textContent;\
             if (text.startsWith('Syncing') && !el.hidden && !syncSaid.includes(text)) syncSaid.push(text);\
           }\
         }).observe(document.body, { subtree: true, childList: true, characterData: true, attributes: true });\
         return true",
    )
    .await;

    // Read and bookmarked here: after a sync, the other device sees both.
    read_and_bookmark(&s, "news story 1").await;
    refresh(&s).await;
    let story = on_server(&server, "news story 1").await;
    assert!(story.read && story.starred, "{story:?}");
    let said = s.exec("return syncSaid.join('|')").await;
    assert!(
        said.as_str().unwrap().contains("Syncing…"),
        "the sync showed on the account while it ran: {said}"
    );

    // Read on the other device: after a sync, the window shows it read.
    let other = on_server(&server, "news story 2").await;
    server
        .set_state(&[other.id], StateTag::Read, true)
        .await
        .unwrap();
    assert!(!s
        .exec(&row_is_read("news story 2"))
        .await
        .as_bool()
        .unwrap());
    refresh(&s).await;
    s.wait_for(
        &row_is_read("news story 2"),
        "the server's read state in the list",
    )
    .await;

    // The server down: the edit waits, and the account says why, once.
    miniflux.pause();
    read_and_bookmark(&s, "news story 0").await;
    refresh(&s).await;
    s.wait_for(
        &format!("return {HEADINGS}.includes('(sync failed)')"),
        "the failed sync on the account's heading",
    )
    .await;
    let told = s
        .exec("return document.getElementById('sync-status').textContent")
        .await;
    assert!(
        told.as_str().unwrap().contains("could not be reached"),
        "announced: {told}"
    );
    assert!(s
        .exec(&row_is_read("news story 0"))
        .await
        .as_bool()
        .unwrap());

    // The server back: the queued edit reaches it, and the account is well again.
    miniflux.resume();
    refresh(&s).await;
    s.wait_for(
        &format!("return !{HEADINGS}.includes('(sync failed)')"),
        "the account well again",
    )
    .await;
    let story = on_server(&server, "news story 0").await;
    assert!(story.read && story.starred, "{story:?}");
    let told = s
        .exec("return document.getElementById('sync-status').textContent")
        .await;
    assert!(
        told.as_str().unwrap().contains("syncs again"),
        "announced: {told}"
    );
    s.quit().await;
}

/// Photographs a sync under way (the account's row in Settings, its sidebar heading behind)
/// in light and dark and in a narrow window, into `BROADSHEET_SCREENSHOTS_DIR` (else
/// `target/sync-screenshots`), for a look; not in the README. The progress is the engine's
/// own event, sent from the page, so the picture does not depend on catching a real sync.
/// `BROADSHEET_E2E=1 cargo test --test window_sync sync_progress_screenshots -- --ignored`
#[tokio::test(flavor = "multi_thread")]
#[ignore = "makes pictures to look at"]
async fn sync_progress_screenshots() {
    let Some(Setup {
        miniflux, driver, ..
    }) = account_with_three_stories().await
    else {
        return;
    };
    let out = std::env::var_os("BROADSHEET_SCREENSHOTS_DIR")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| {
            std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target/sync-screenshots")
        });
    std::fs::create_dir_all(&out).unwrap();
    let (_library, s) = settings_of_a_new_library(&driver).await;
    add_account(&s, &miniflux).await;
    // Settings stays open (its account row in view), the sidebar's heading behind it.
    for (name, theme, width) in [
        ("light", "light", 1280),
        ("dark", "dark", 1280),
        ("narrow", "light", 720),
    ] {
        s.set_window_size(width, 800).await;
        s.exec(&format!(
            "document.documentElement.dataset.theme = {theme:?};\
             window.__TAURI__.event.emit('sync-progress', \
               {{ account_id: 1, phase: 'fetching', done: 1200, total: 25000 }});\
             document.activeElement.blur(); document.getElementById('toasts').replaceChildren();\
             document.getElementById('account-list').scrollIntoView(); return 0"
        ))
        .await;
        s.wait_for(
            "return /1.?200 of 25.?000/.test(document.getElementById('account-list').textContent)",
            "the progress in Settings",
        )
        .await;
        tokio::time::sleep(std::time::Duration::from_millis(400)).await;
        std::fs::write(out.join(format!("sync-{name}.png")), s.screenshot().await).unwrap();
    }
    s.quit().await;
}
