//! A sync account in the real window, against a real Miniflux (see
//! `src-tauri/engine/tests/miniflux`): Settings adds an account (a wrong password adds nothing
//! and says why), the sidebar shows the account's feeds under its name and Settings its last
//! sync, and removing it asks first, saying what goes and what stays. Without the window's
//! tools or the Miniflux package the test says so and passes (unless `BROADSHEET_E2E=1`
//! demands the tools).

#[path = "e2e/webdriver.rs"]
mod webdriver;

#[path = "e2e/helpers.rs"]
mod helpers;

#[path = "../src-tauri/engine/tests/miniflux/mod.rs"]
mod miniflux;

use broadsheet_engine::fetch::{FetchConfig, Fetcher};
use broadsheet_engine::sync::greader::{GReaderClient, Secret};
use fixture_server::{FixtureServer, Reply};
use helpers::{dialog_is, set_control};
use miniflux::{rss, wait_for_items, Miniflux, READER_PASSWORD, READER_USER};
use webdriver::{Driver, Session};

/// JS: the sidebar's headings, joined by `|`.
const HEADINGS: &str =
    "[...document.querySelectorAll('.tree .sources-heading')].map(h => h.textContent).join('|')";

/// JS: the names of the feeds in the sidebar, joined by `|`.
const FEED_NAMES: &str = "[...document.querySelectorAll('.tree .feed .source-name')]\
     .map(n => n.textContent).join('|')";

#[tokio::test(flavor = "multi_thread")]
async fn an_account_added_in_settings_shows_its_feeds_under_its_name_and_is_removed_after_asking() {
    let config = tempfile::tempdir().unwrap();
    let credentials = config.path().join("credentials");
    let Some(miniflux) = Miniflux::start() else {
        return;
    };
    let Some(driver) = Driver::start_with(|cmd| {
        cmd.env("BROADSHEET_CREDENTIALS_FILE", &credentials);
    }) else {
        return;
    };
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

    let library = tempfile::tempdir().unwrap();
    let s = Session::start(&driver, library.path()).await;
    s.click("#btn-settings").await;
    dialog_is(&s, "dlg-settings", true).await;
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
