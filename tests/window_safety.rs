//! Nothing lost by a click, and reading by keyboard, in the real window: every destructive or
//! bulk action asks in the window (never `window.confirm`), cancelling changes nothing, and Undo
//! puts back exactly what changed. Driven as tests/window.rs drives it (tauri-driver under
//! Xvfb); without those tools the tests print a note and pass, unless `BROADSHEET_E2E=1`.

#[path = "e2e/webdriver.rs"]
mod webdriver;

#[path = "e2e/helpers.rs"]
mod helpers;

#[path = "support/news_site.rs"]
mod news_site;

use std::time::Duration;

use broadsheet_engine::library::{Library, LibraryConfig};
use broadsheet_engine::model::{ArticleQuery, FeedId};
use broadsheet_engine::store::{FeedMeta, FeedUpdate, NewArticle, NewFeed};
use helpers::{click_row, dialog_is, set_control, story, title_is, FRAME_TEXT};
use webdriver::{Driver, Session};

const ESCAPE: &str = "\u{E00C}";
const ENTER: &str = "\u{E007}";
const CONTROL: &str = "\u{E009}";
const SHIFT: &str = "\u{E008}";

/// Writes a feed and its stories into the library at `dir`, as a refresh would. Its address is
/// on loopback, on a port nothing listens on: the window's refresh must not reach the internet.
fn add_feed(dir: &std::path::Path, title: &str, items: Vec<NewArticle>) -> FeedId {
    let lib = Library::open(dir, LibraryConfig::default()).unwrap();
    let store = lib.store();
    let meta = FeedMeta {
        title: title.into(),
        ..FeedMeta::default()
    };
    let new = NewFeed {
        url: format!("http://127.0.0.1:1/{}.xml", title.replace(' ', "-")),
        folder: None,
        meta: meta.clone(),
    };
    let now = chrono::Utc::now();
    let (id, _) = store.add_feed(&new, now).unwrap();
    store
        .apply_updates(&[FeedUpdate::Fetched {
            feed_id: id,
            meta,
            etag: None,
            last_modified: None,
            body_hash: String::new(),
            items,
            at: now,
        }])
        .unwrap();
    id
}

/// `n` stories titled `prefix 0`, `prefix 1`, ..., newest first, keyed after the prefix.
fn stories(prefix: &str, n: usize) -> Vec<NewArticle> {
    let now = chrono::Utc::now();
    (0..n)
        .map(|i| {
            story(
                &format!("{prefix}-{i}"),
                &format!("{prefix} {i}"),
                &format!("The {prefix} story number {i}."),
                now - chrono::Duration::minutes(i as i64),
            )
        })
        .collect()
}

/// Waits until the engine says `count` stories are unread, for the list query `query` (JSON).
async fn wait_unread(s: &Session, query: &str, count: usize, what: &str) {
    s.exec("window.__unread = undefined; return 0").await;
    s.wait_for(
        &format!(
            "window.__TAURI__.core.invoke('list_articles', {{query: {{...{query}, unread_only: true, limit: 500}}}}) \
               .then(l => {{ window.__unread = l.length; }}); \
             return window.__unread === {count}"
        ),
        what,
    )
    .await;
}

/// Waits for the in-window question; returns its text and the id of the focused control.
async fn question(s: &Session) -> (String, String) {
    let asked = s
        .wait_for(
            "const d = document.getElementById('dlg-confirm'); \
             return d.open && [d.innerText, document.activeElement.id]",
            "the question",
        )
        .await;
    let text = asked[0].as_str().unwrap_or_default().to_string();
    (text, asked[1].as_str().unwrap_or_default().to_string())
}

/// Waits for the toast that offers Undo; returns its text.
async fn undo_offered(s: &Session) -> String {
    let said = s
        .wait_for(
            "const b = document.querySelector('#toasts .toast-action'); return b && b.closest('.toast').innerText",
            "the Undo",
        )
        .await;
    said.as_str().unwrap_or_default().to_string()
}

/// Opens a feed's details with the pointer, as a person does: the "⋯" shows on the selected
/// (or hovered) feed.
async fn open_details(s: &Session, feed: FeedId) {
    s.click(&format!("#sources [data-source='feed:{feed}']"))
        .await;
    s.click(&format!("[data-details='{feed}']")).await;
}

/// The feeds of the library in `dir`, as the window left them.
async fn feeds_of(dir: &std::path::Path) -> Vec<broadsheet_engine::model::Feed> {
    let library = Library::open(dir, LibraryConfig::default()).unwrap();
    library.feeds().await.unwrap()
}

/// JS: whether the feed `id` is in the sidebar.
fn in_sidebar(id: FeedId) -> String {
    format!("!!document.querySelector(\"[data-source='feed:{id}']\")")
}

#[tokio::test(flavor = "multi_thread")]
async fn unsubscribing_asks_first_cancelling_keeps_the_feed_and_undo_brings_it_back() {
    let Some(driver) = Driver::start() else {
        return;
    };
    let library = tempfile::tempdir().unwrap();
    let doomed = add_feed(library.path(), "Harbour Ledger", stories("Harbour", 3));
    let kept = add_feed(library.path(), "Budget Weekly", stories("Budget", 2));
    {
        let lib = Library::open(library.path(), LibraryConfig::default()).unwrap();
        let q = ArticleQuery {
            feed_id: Some(doomed),
            ..ArticleQuery::default()
        };
        let first = lib.store().articles(&q).unwrap()[0].id;
        lib.store()
            .set_bookmarked(first, true, chrono::Utc::now())
            .unwrap();
    }
    let s = Session::start(&driver, library.path()).await;
    s.wait_for(&format!("return {}", in_sidebar(doomed)), "the feed")
        .await;

    // The question names the feed, what goes and what stays, with Cancel focused.
    open_details(&s, doomed).await;
    s.click("#feed-delete").await;
    let (text, focused) = question(&s).await;
    assert!(text.contains("Harbour Ledger"), "{text}");
    assert!(text.contains("stories"), "{text}");
    assert!(
        text.contains("bookmarked stories from it are kept"),
        "{text}"
    );
    assert_eq!(focused, "confirm-cancel");

    // Enter on the focused Cancel, then Esc on the details: nothing changed.
    s.press(ENTER).await;
    s.wait_for(
        "return !document.getElementById('dlg-confirm').open && document.getElementById('dlg-feed').open",
        "back to the details",
    )
    .await;
    s.press(ESCAPE).await;
    dialog_is(&s, "dlg-feed", false).await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(
        s.exec(&format!("return {}", in_sidebar(doomed))).await,
        true
    );
    wait_unread(
        &s,
        &format!("{{feed_id: {doomed}}}"),
        3,
        "the feed's three stories",
    )
    .await;

    // Unsubscribe, then Undo: the feed is back, and stays after a restart.
    open_details(&s, doomed).await;
    s.click("#feed-delete").await;
    question(&s).await;
    s.click("#confirm-ok").await;
    s.wait_for(
        &format!("return !{}", in_sidebar(doomed)),
        "the feed to go from the sidebar",
    )
    .await;
    let offered = undo_offered(&s).await;
    assert!(
        offered.contains("Unsubscribed from Harbour Ledger"),
        "{offered}"
    );
    s.click("#toasts .toast-action").await;
    s.wait_for(&format!("return {}", in_sidebar(doomed)), "the feed back")
        .await;
    s.quit().await;
    let feeds = Library::open(library.path(), LibraryConfig::default())
        .unwrap()
        .feeds()
        .await
        .unwrap();
    assert_eq!(feeds.len(), 2, "the undone unsubscribe removed the feed");

    // Unsubscribe and let the Undo run out: now it is gone, its bookmark is not.
    let s = Session::start(&driver, library.path()).await;
    open_details(&s, doomed).await;
    s.click("#feed-delete").await;
    question(&s).await;
    s.click("#confirm-ok").await;
    tokio::time::sleep(Duration::from_secs(11)).await;
    s.wait_for(
        "return !document.querySelector('#toasts .toast-action')",
        "the Undo to expire",
    )
    .await;
    s.quit().await;
    let lib = Library::open(library.path(), LibraryConfig::default()).unwrap();
    let feeds = lib.feeds().await.unwrap();
    assert_eq!(feeds.iter().map(|f| f.id).collect::<Vec<_>>(), vec![kept]);
    let bookmarks = ArticleQuery {
        bookmarked_only: true,
        ..ArticleQuery::default()
    };
    assert_eq!(lib.articles(bookmarks).await.unwrap().len(), 1);
}

#[tokio::test(flavor = "multi_thread")]
async fn mark_all_read_marks_only_what_the_search_shows_and_undo_restores_it() {
    let Some(driver) = Driver::start() else {
        return;
    };
    let library = tempfile::tempdir().unwrap();
    let mut items = stories("Harbour", 3);
    items.extend(stories("Budget", 7));
    let feed = add_feed(library.path(), "Harbour Ledger", items);
    let whole = format!("{{feed_id: {feed}}}");
    let s = Session::start(&driver, library.path()).await;
    s.click(&format!("[data-source='feed:{feed}']")).await;
    s.click("#search").await;
    s.type_into("#search", "harbour").await;
    s.press(ENTER).await;
    s.wait_for(
        "return document.querySelectorAll('#list .row').length === 3",
        "the three stories the search finds",
    )
    .await;

    // One feed's list is marked without a question, says how many, and offers Undo.
    s.click("#btn-mark-all").await;
    let said = undo_offered(&s).await;
    assert!(said.contains("Marked 3 stories as read"), "{said}");
    wait_unread(
        &s,
        &whole,
        7,
        "the seven stories the search hid, still unread",
    )
    .await;

    // Ctrl+Z marks exactly those three unread again.
    s.click("#list").await;
    s.chord(&[CONTROL, "z"]).await;
    wait_unread(&s, &whole, 10, "all ten unread again").await;

    // The same with the toast's Undo button, after Shift+A (mark all shown read).
    s.click("#list").await;
    s.chord(&[SHIFT, "A"]).await;
    wait_unread(&s, &whole, 7, "the search's stories read from the keyboard").await;
    s.click("#toasts .toast-action").await;
    wait_unread(&s, &whole, 10, "all ten unread again").await;
    s.quit().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn mark_all_read_in_all_articles_asks_first_and_cancelling_changes_nothing() {
    let Some(driver) = Driver::start() else {
        return;
    };
    let library = tempfile::tempdir().unwrap();
    add_feed(library.path(), "Harbour Ledger", stories("Harbour", 30));
    add_feed(library.path(), "Budget Weekly", stories("Budget", 30));
    let s = Session::start(&driver, library.path()).await;
    s.wait_for(
        "return document.querySelectorAll('#list .row').length > 0",
        "the list",
    )
    .await;
    s.click("#btn-mark-all").await;
    let (text, focused) = question(&s).await;
    assert!(text.contains("Mark 60 stories as read?"), "{text}");
    assert_eq!(focused, "confirm-cancel");
    s.press(ESCAPE).await;
    dialog_is(&s, "dlg-confirm", false).await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    wait_unread(&s, "{}", 60, "every story still unread").await;

    s.click("#btn-mark-all").await;
    question(&s).await;
    s.click("#confirm-ok").await;
    wait_unread(&s, "{}", 0, "every story read").await;
    s.click("#toasts .toast-action").await;
    wait_unread(&s, "{}", 60, "every story unread again").await;
    s.quit().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn space_reads_through_a_story_and_on_to_the_next_unread_one() {
    let Some(driver) = Driver::start() else {
        return;
    };
    let library = tempfile::tempdir().unwrap();
    let long = (0..80)
        .map(|i| format!("Paragraph {i} of a long story, with enough words to fill a line."))
        .collect::<Vec<_>>()
        .join("</p><p>");
    let now = chrono::Utc::now();
    let mut items = vec![
        story("long", "A long story", &long, now),
        story(
            "read",
            "Already read",
            "Read before.",
            now - chrono::Duration::minutes(1),
        ),
        story(
            "next",
            "The next unread",
            "Short.",
            now - chrono::Duration::minutes(2),
        ),
    ];
    items[0].text = "long".into();
    let feed = add_feed(library.path(), "Harbour Ledger", items);
    {
        let lib = Library::open(library.path(), LibraryConfig::default()).unwrap();
        let q = ArticleQuery {
            feed_id: Some(feed),
            ..ArticleQuery::default()
        };
        let all = lib.store().articles(&q).unwrap();
        let read = all.iter().find(|a| a.title == "Already read").unwrap().id;
        lib.store()
            .set_read(read, true, chrono::Utc::now())
            .unwrap();
    }
    let s = Session::start(&driver, library.path()).await;
    click_row(&s, "A long story").await;
    s.wait_for(&title_is("A long story"), "the long story")
        .await;
    s.wait_for(
        &format!("return {FRAME_TEXT}.includes('Paragraph 79')"),
        "its text",
    )
    .await;
    let scroll = "return document.getElementById('reader-scroll').scrollTop";
    assert_eq!(s.exec(scroll).await, 0);
    s.press(" ").await;
    let after_one = s.wait_for(scroll, "Space to scroll the story").await;
    s.chord(&[SHIFT, " "]).await;
    s.wait_for(
        "return document.getElementById('reader-scroll').scrollTop === 0",
        "Shift+Space to scroll back",
    )
    .await;
    s.press("\u{E00F}").await; // Page Down
    assert_eq!(s.wait_for(scroll, "Page Down to scroll").await, after_one);
    // Space to the end, then once more: the next unread story, past the one already read.
    for _ in 0..40 {
        s.press(" ").await;
        let title = s
            .exec("return document.getElementById('story-title').textContent")
            .await;
        if title != "A long story" {
            break;
        }
    }
    s.wait_for(&title_is("The next unread"), "the next unread story")
        .await;

    // `?` lists the new keys; Ctrl+= makes the text larger, and it is kept.
    s.press("?").await;
    let keys = s
        .wait_for(
            "const d = document.getElementById('dlg-shortcuts'); return d.open && d.innerText",
            "the shortcuts",
        )
        .await;
    for key in ["Space", "Page Down", "Ctrl", "Shift"] {
        assert!(keys.as_str().unwrap().contains(key), "{key} in {keys}");
    }
    s.press(ESCAPE).await;
    s.chord(&[CONTROL, "="]).await;
    s.wait_for(
        "const d = document.getElementById('story-frame').contentDocument; \
         return getComputedStyle(d.body).fontSize === '19px'",
        "larger story text",
    )
    .await;
    tokio::time::sleep(Duration::from_millis(1500)).await;
    s.quit().await;
    let saved = Library::open(library.path(), LibraryConfig::default())
        .unwrap()
        .settings()
        .await
        .unwrap();
    assert_eq!(saved.text_size, 19);
}

#[tokio::test(flavor = "multi_thread")]
async fn the_window_comes_back_to_the_feed_and_the_story_it_was_left_on() {
    let Some(driver) = Driver::start() else {
        return;
    };
    let library = tempfile::tempdir().unwrap();
    add_feed(library.path(), "Budget Weekly", stories("Budget", 4));
    let feed = add_feed(library.path(), "Harbour Ledger", stories("Harbour", 4));
    let s = Session::start(&driver, library.path()).await;
    s.click(&format!("[data-source='feed:{feed}']")).await;
    s.wait_for(
        "return document.querySelectorAll('#list .row').length === 4 \
         && [...document.querySelectorAll('#list .row')].every(r => r.innerText.includes('Harbour'))",
        "the feed's list",
    )
    .await;
    click_row(&s, "Harbour 2").await;
    s.wait_for(&title_is("Harbour 2"), "the story").await;
    // Where the person is, is saved a moment later.
    tokio::time::sleep(Duration::from_millis(1500)).await;
    s.quit().await;

    let s = Session::start(&driver, library.path()).await;
    s.wait_for(&title_is("Harbour 2"), "the same story after a restart")
        .await;
    let place = s
        .exec(
            "return [document.querySelector(\"#sources [aria-selected='true']\")?.dataset.source, \
             document.getElementById('list-title').textContent, \
             document.querySelector('#list .row.is-selected')?.innerText.includes('Harbour 2') ?? false]",
        )
        .await;
    assert_eq!(
        place,
        serde_json::json!([format!("feed:{feed}"), "Harbour Ledger", true]),
        "{place}"
    );
    s.quit().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_same_site_link_opens_in_the_reader_and_the_ask_setting_asks_first() {
    let Some(driver) = Driver::start() else {
        return;
    };
    let server = news_site::news_site().await;
    let library = tempfile::tempdir().unwrap();
    {
        let lib = Library::open(library.path(), LibraryConfig::default()).unwrap();
        let now = chrono::Utc::now();
        let page = NewArticle {
            url: Some(server.url("/2024/09/02/a-saved-page.html")),
            html: "<p>Read <a id=\"same\" href=\"/2024/08/29/indian-farmers-brace-for-tariff-fallout.html\">the farmers story</a> next.</p>".into(),
            ..story("page", "A saved page", "Read the farmers story next.", now)
        };
        lib.store().add_page_article(&page, now).unwrap();
    }
    let s = Session::start(&driver, library.path()).await;
    click_row(&s, "A saved page").await;
    s.wait_for(
        &format!("return {FRAME_TEXT}.includes('farmers story')"),
        "the page",
    )
    .await;

    // The default: a link to the same site is read here, without a question.
    s.frame(Some("#story-frame")).await;
    s.click("#same").await;
    s.frame(None).await;
    s.wait_for(
        &title_is("Indian Farmers Brace"),
        "the linked story in the reader",
    )
    .await;
    assert_eq!(
        s.exec("return document.getElementById('dlg-link').open")
            .await,
        false
    );
    s.click("#btn-back").await;
    s.wait_for(&title_is("A saved page"), "back to the page")
        .await;
    s.wait_for(
        &format!("return {FRAME_TEXT}.includes('farmers story')"),
        "its text",
    )
    .await;

    // "Ask each time": the same click asks, and Cancel leaves the page as it was.
    s.click("#btn-settings").await;
    dialog_is(&s, "dlg-settings", true).await;
    s.exec(&set_control("set-links", "ask")).await;
    s.click("#settings-close").await;
    dialog_is(&s, "dlg-settings", false).await;
    s.frame(Some("#story-frame")).await;
    s.click("#same").await;
    s.frame(None).await;
    dialog_is(&s, "dlg-link", true).await;
    s.click("#link-cancel").await;
    dialog_is(&s, "dlg-link", false).await;
    assert_eq!(s.exec(&title_is("A saved page")).await, true);
    s.quit().await;
    let saved = Library::open(library.path(), LibraryConfig::default())
        .unwrap()
        .settings()
        .await
        .unwrap();
    assert_eq!(saved.link_open, "ask");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_failing_feed_is_given_a_new_address_and_retried_from_its_details() {
    let Some(driver) = Driver::start() else {
        return;
    };
    let server = news_site::news_site().await;
    let library = tempfile::tempdir().unwrap();
    let feed = add_feed(library.path(), "Harbour Ledger", vec![]);
    {
        let lib = Library::open(library.path(), LibraryConfig::default()).unwrap();
        lib.store()
            .apply_updates(&[FeedUpdate::Failed {
                feed_id: feed,
                kind: broadsheet_engine::error_kind::ErrorKind::Connect,
                message: "The server refused the connection".into(),
                retry_after: None,
                at: chrono::Utc::now(),
            }])
            .unwrap();
    }
    let s = Session::start(&driver, library.path()).await;
    open_details(&s, feed).await;
    let shown = s
        .wait_for(
            "return document.getElementById('dlg-feed').open && \
             [document.getElementById('feed-retry').hidden, document.getElementById('feed-address-field').hidden]",
            "the details",
        )
        .await;
    assert_eq!(
        shown,
        serde_json::json!([false, true]),
        "Retry shown, the address not yet"
    );
    s.click("#feed-edit-url").await;
    s.wait_for(
        "return document.activeElement.id === 'feed-address'",
        "the address field, focused",
    )
    .await;
    s.exec(&set_control("feed-address", &server.url("/feed.xml")))
        .await;
    s.click("#feed-retry").await;
    s.wait_for(
        "return !document.getElementById('dlg-feed').open \
         && document.querySelectorAll('#list .row').length === 4",
        "the feed's stories from its new address",
    )
    .await;
    s.quit().await;
    let feeds = Library::open(library.path(), LibraryConfig::default())
        .unwrap()
        .feeds()
        .await
        .unwrap();
    assert_eq!(feeds[0].url, server.url("/feed.xml"));
    assert!(feeds[0].error.is_none(), "{:?}", feeds[0].error);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_feed_is_allowed_the_local_network_from_its_details_or_when_subscribing() {
    let Some(driver) = Driver::start() else {
        return;
    };
    let library = tempfile::tempdir().unwrap();
    let feed = add_feed(library.path(), "NAS feed", vec![]);
    let s = Session::start(&driver, library.path()).await;
    open_details(&s, feed).await;
    let checked = s
        .wait_for(
            "return document.getElementById('dlg-feed').open && \
             [document.getElementById('feed-local').checked]",
            "the details, the local network not allowed",
        )
        .await;
    assert_eq!(checked, serde_json::json!([false]));
    s.click("#feed-local").await;
    s.click("#feed-save").await;
    dialog_is(&s, "dlg-feed", false).await;

    // Subscribing with the box ticked gives the new feed the setting.
    let server = news_site::news_site().await;
    s.click("#btn-add").await;
    s.type_into("#add-url", &server.url("/feed.xml")).await;
    s.click("#add-local").await;
    s.click("#add-submit").await;
    dialog_is(&s, "dlg-add", false).await;
    s.quit().await;
    let feeds = feeds_of(library.path()).await;
    assert_eq!(feeds.len(), 2, "{feeds:?}");
    assert!(feeds.iter().all(|f| f.local_network), "{feeds:?}");
}

#[tokio::test(flavor = "multi_thread")]
async fn the_feed_picker_marks_the_feeds_already_followed_and_picks_a_new_one() {
    let Some(driver) = Driver::start() else {
        return;
    };
    let server = news_site::news_site().await;
    // A page offering two feeds: the site's, already followed, and a second one.
    server.route(
        "/two-feeds.html",
        fixture_server::Reply::ok(
            "text/html; charset=utf-8",
            "<!doctype html><html><head><title>Two feeds</title>\
             <link rel=\"alternate\" type=\"application/rss+xml\" title=\"The Harbour Ledger\" href=\"/feed.xml\">\
             <link rel=\"alternate\" type=\"application/rss+xml\" title=\"Second feed\" href=\"/second.xml\">\
             </head><body><p>Hello</p></body></html>",
        ),
    );
    let feed = std::fs::read(news_site::site_dir().join("feed.xml")).unwrap();
    server.route(
        "/second.xml",
        fixture_server::Reply::ok("application/rss+xml", feed),
    );
    let library = tempfile::tempdir().unwrap();
    Library::open(library.path(), LibraryConfig::default())
        .unwrap()
        .subscribe(&server.url("/feed.xml"), None)
        .await
        .unwrap();
    let s = Session::start(&driver, library.path()).await;
    s.click("#btn-add").await;
    s.type_into("#add-url", &server.url("/two-feeds.html"))
        .await;
    s.click("#add-submit").await;
    let picker = s
        .wait_for(
            "const c = [...document.querySelectorAll('#add-candidate-list .candidate')]; \
             return c.length === 2 && c.map(l => [l.querySelector('input').checked, \
               l.innerText.includes('Already subscribed')])",
            "the two feeds to pick from",
        )
        .await;
    assert_eq!(
        picker,
        serde_json::json!([[false, true], [true, false]]),
        "{picker}"
    );
    s.press(ESCAPE).await;
    s.quit().await;
}
