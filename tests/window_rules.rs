//! Rules and notifications in the real window, driven through tauri-driver and WebKitWebDriver
//! under Xvfb: the Rules pane (add, "matches N stored stories" as you type, a broken pattern
//! named, edit, remove), "Mute…" from a story, a feed's notify switch and "Mute for 7 days",
//! and the setting that turns notifications off. The stories are written straight into the
//! library; nothing is fetched. Without the tools the tests print a note and pass, unless
//! `BROADSHEET_E2E=1` demands them.

#[path = "e2e/webdriver.rs"]
mod webdriver;

#[path = "e2e/helpers.rs"]
mod helpers;

use broadsheet_engine::library::{Library, LibraryConfig};
use broadsheet_engine::model::Settings;
use broadsheet_engine::store::{FeedMeta, FeedUpdate, NewFeed};
use helpers::{click_row, dialog_is, set_control, story, title_is};
use webdriver::{Driver, Session};

const PENS: &str = "Sponsored: the best pens of the year";
const PIER: &str = "Storm damages pier at the old harbour";
const MARKETS: &str = "Markets steady ahead of talks";

/// A library with one feed of three stories, that never refreshes by itself.
async fn library_with_one_feed() -> (tempfile::TempDir, i64) {
    let dir = tempfile::tempdir().unwrap();
    let lib = Library::open(dir.path(), LibraryConfig::default()).unwrap();
    let now = chrono::Utc::now();
    let new = NewFeed {
        url: "https://harbour.example/feed.xml".into(),
        folder: None,
        meta: FeedMeta {
            title: "Harbour News".into(),
            ..FeedMeta::default()
        },
    };
    let (feed, _) = lib.store().add_feed(&new, now).unwrap();
    let hour = chrono::Duration::hours(1);
    let items = vec![
        story("pens", PENS, "The pens story.", now - hour * 3),
        story("pier", PIER, "Waves broke over the pier.", now - hour * 2),
        story("markets", MARKETS, "Traders wait.", now - hour),
    ];
    lib.store()
        .apply_updates(&[FeedUpdate::Fetched {
            feed_id: feed,
            meta: new.meta.clone(),
            etag: None,
            last_modified: None,
            body_hash: "b".into(),
            items,
            at: now,
        }])
        .unwrap();
    lib.save_settings(Settings {
        refresh_minutes: 0,
        ..Settings::default()
    })
    .await
    .unwrap();
    (dir, feed)
}

/// JS: the number of rows the article list shows.
const ROWS: &str = "document.querySelectorAll('#list .row').length";

/// JS: the Rules pane's rule lines.
const RULE_LINES: &str =
    "[...document.querySelectorAll('#rules-list .rule-text')].map(e => e.textContent)";

#[tokio::test(flavor = "multi_thread")]
async fn the_rules_pane_mutes_stories_as_you_type_and_gives_them_back() {
    let Some(driver) = Driver::start() else {
        return;
    };
    let (library, _feed) = library_with_one_feed().await;
    let s = Session::start(&driver, library.path()).await;
    s.wait_for(&format!("return {ROWS} === 3"), "the three stories")
        .await;

    // "Mute…" from a story: the pane opens on its title's words.
    click_row(&s, PENS).await;
    s.wait_for(&title_is(PENS), "the story").await;
    s.click("#btn-mute").await;
    dialog_is(&s, "dlg-rules", true).await;
    let prefilled = s
        .exec("return [document.getElementById('rule-field').value, document.getElementById('rule-pattern').value]")
        .await;
    assert_eq!(prefilled, serde_json::json!(["title", PENS]));
    s.wait_for(
        "return document.getElementById('rule-matches').textContent === 'Matches 1 stored story.'",
        "the count for the whole title",
    )
    .await;

    // As the person types, the count follows; a broken expression is named, not saved.
    s.exec(&set_control("rule-field", "any")).await;
    s.exec(&set_control("rule-pattern", "the")).await;
    s.wait_for(
        "return document.getElementById('rule-matches').textContent === 'Matches 2 stored stories.'",
        "two stories with the word 'the'",
    )
    .await;
    s.exec("document.getElementById('rule-regex').checked = true; return 0")
        .await;
    s.exec(&set_control("rule-pattern", "(?i)sponsored(")).await;
    let problem = s
        .wait_for(
            "const m = document.getElementById('rule-matches'); \
             return m.classList.contains('is-error') && m.textContent",
            "the broken pattern's problem",
        )
        .await;
    assert!(
        problem.as_str().unwrap().contains("unclosed group"),
        "{problem}"
    );
    s.click("#rule-save").await;
    assert_eq!(
        s.exec(&format!("return {RULE_LINES}.length")).await,
        0,
        "a broken rule is not saved"
    );

    s.exec(&set_control("rule-pattern", "(?i)^sponsored")).await;
    s.exec(&set_control("rule-field", "title")).await;
    s.click("#rule-save").await;
    let lines = s
        .wait_for(
            &format!("return {RULE_LINES}.length === 1 && {RULE_LINES}"),
            "the new rule in the list",
        )
        .await;
    assert!(
        lines[0]
            .as_str()
            .unwrap()
            .starts_with("Hide stories whose title matches “(?i)^sponsored”"),
        "{lines}"
    );
    s.click("#rules-close").await;
    dialog_is(&s, "dlg-rules", false).await;
    s.wait_for(
        &format!("return {ROWS} === 2"),
        "the muted story gone from the list",
    )
    .await;

    // From Settings: edit the rule, then remove it; the story comes back.
    s.click("#btn-settings").await;
    dialog_is(&s, "dlg-settings", true).await;
    s.click("#settings-rules").await;
    dialog_is(&s, "dlg-rules", true).await;
    s.wait_for(&format!("return {RULE_LINES}.length === 1"), "the rule")
        .await;
    s.click("#rules-list button[aria-label^='Edit']").await;
    s.wait_for(
        "return document.getElementById('rule-save').textContent === 'Save rule' && \
         document.getElementById('rule-pattern').value === '(?i)^sponsored'",
        "the rule in the editor",
    )
    .await;
    s.exec(&set_control("rule-pattern", "(?i)storm")).await;
    s.click("#rule-save").await;
    s.wait_for(
        &format!("return {RULE_LINES}.length === 1 && {RULE_LINES}[0].includes('storm')"),
        "the changed rule",
    )
    .await;
    s.click("#rules-close").await;
    s.wait_for(
        &format!(
            "return {ROWS} === 2 && [...document.querySelectorAll('#list .row')].some(r => r.innerText.includes({PENS:?}))"
        ),
        "the pens story back, the storm hidden",
    )
    .await;
    s.click("#btn-settings").await;
    s.click("#settings-rules").await;
    dialog_is(&s, "dlg-rules", true).await;
    s.wait_for(&format!("return {RULE_LINES}.length === 1"), "the rule")
        .await;
    s.click("#rules-list button[aria-label^='Remove']").await;
    s.wait_for(&format!("return {RULE_LINES}.length === 0"), "no rule left")
        .await;
    s.click("#rules-close").await;
    s.wait_for(&format!("return {ROWS} === 3"), "every story back")
        .await;
    s.quit().await;

    let lib = Library::open(library.path(), LibraryConfig::default()).unwrap();
    assert!(lib.rules().await.unwrap().is_empty());
}

#[tokio::test(flavor = "multi_thread")]
async fn a_feeds_details_switch_notifications_and_mute_it_for_a_week() {
    let Some(driver) = Driver::start() else {
        return;
    };
    let (library, feed) = library_with_one_feed().await;
    let s = Session::start(&driver, library.path()).await;
    s.wait_for(&format!("return {ROWS} === 3"), "the three stories")
        .await;

    // The notify switch starts off and is kept when switched on.
    s.click(&format!("#sources [data-source='feed:{feed}']"))
        .await;
    s.click(&format!("[data-details='{feed}']")).await;
    dialog_is(&s, "dlg-feed", true).await;
    assert_eq!(
        s.exec("return document.getElementById('feed-notify').checked")
            .await,
        false
    );
    s.click("#feed-notify").await;
    s.click("#feed-save").await;
    dialog_is(&s, "dlg-feed", false).await;

    // Mute for 7 days: every story of the feed leaves the list.
    s.click(&format!("[data-details='{feed}']")).await;
    dialog_is(&s, "dlg-feed", true).await;
    assert_eq!(
        s.exec("return document.getElementById('feed-notify').checked")
            .await,
        true
    );
    s.click("#feed-mute").await;
    dialog_is(&s, "dlg-feed", false).await;
    s.wait_for(
        &format!("return {ROWS} === 0"),
        "the muted feed's stories gone",
    )
    .await;

    // Notifications can be turned off altogether.
    s.click("#btn-settings").await;
    dialog_is(&s, "dlg-settings", true).await;
    assert_eq!(
        s.exec("return document.getElementById('set-notifications').checked")
            .await,
        true
    );
    s.click("#set-notifications").await;
    s.click("#settings-close").await;
    dialog_is(&s, "dlg-settings", false).await;
    s.quit().await;

    let lib = Library::open(library.path(), LibraryConfig::default()).unwrap();
    assert!(lib.feeds().await.unwrap()[0].notify);
    assert!(!lib.settings().await.unwrap().notifications);
    let rules = lib.rules().await.unwrap();
    assert_eq!(rules.len(), 1);
    assert_eq!(rules[0].spec.feed_id, Some(feed));
    let until = rules[0].spec.until.unwrap() - chrono::Utc::now();
    assert!(
        until > chrono::Duration::days(6) && until <= chrono::Duration::days(7),
        "{until}"
    );
}
