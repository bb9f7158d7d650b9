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
        // The feed's name is isolated for bidirectional text (FSI … PDI).
        offered.contains("Unsubscribed from \u{2068}Harbour Ledger\u{2069}"),
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

/// JS: for every element of the window whose own text holds `text`, its id or class, computed
/// `direction`, whether it is isolated (`dir="auto"`, or `unicode-bidi` isolate or plaintext),
/// and whether its text has `text` between the isolates FSI and PDI (a name inside one of the
/// window's sentences).
fn bidi_of(text: &str) -> String {
    format!(
        "const t = {}; \
         return [...document.querySelectorAll('body *')] \
           .filter(e => [...e.childNodes].some(n => n.nodeType === 3 && n.data.includes(t))) \
           .map(e => {{ const c = getComputedStyle(e); \
             return [e.id || e.className, c.direction, \
               e.getAttribute('dir') === 'auto' || /isolate|plaintext/.test(c.unicodeBidi), \
               e.textContent.includes('\\u2068' + t + '\\u2069')]; }})",
        serde_json::to_string(text).unwrap()
    )
}

#[tokio::test(flavor = "multi_thread")]
async fn right_to_left_names_ending_in_punctuation_are_isolated_wherever_the_window_shows_them() {
    let Some(driver) = Driver::start() else {
        return;
    };
    // Arabic and Hebrew names that end with "!" or a number: without isolation the "!" and the
    // number land on the wrong side, and a name inside a sentence reorders the sentence.
    let feed_name = "حصاد الأخبار 24!";
    let title = "الأسواق تنتظر!";
    let author = "سارة 7";
    let related = "שלום עולם 2!";
    let library = tempfile::tempdir().unwrap();
    let now = chrono::Utc::now();
    let feed = add_feed(
        library.path(),
        feed_name,
        vec![NewArticle {
            author: Some(author.into()),
            related: vec![broadsheet_engine::model::RelatedLink {
                title: related.into(),
                url: "https://news.example/other.html".into(),
            }],
            ..story("rtl", title, "نص القصة.", now)
        }],
    );
    let s = Session::start(&driver, library.path()).await;
    click_row(&s, title).await;
    s.wait_for(&title_is(title), "the story in the reader")
        .await;

    // Elements holding nothing but a name take their direction from it (dir="auto").
    for name in [feed_name, title, related] {
        let shown = s.exec(&bidi_of(name)).await;
        let shown = shown.as_array().unwrap();
        assert!(!shown.is_empty(), "{name} is shown");
        for el in shown {
            assert_eq!(el[1], "rtl", "{name} in {el}");
            assert_eq!(el[2], true, "{name} isolated in {el}");
        }
    }
    // The author sits in the window's own line (date, reading time): isolated inside it, the
    // line itself keeping the window's direction.
    let byline = s.exec(&bidi_of(author)).await;
    assert_eq!(byline[0][0], "story-meta", "{byline}");
    assert_eq!(byline[0][1], "ltr", "{byline}");
    assert_eq!(byline[0][3], true, "{byline}");
    // A feed's name inside a question is isolated too.
    open_details(&s, feed).await;
    dialog_is(&s, "dlg-feed", true).await;
    s.click("#feed-delete").await;
    let (asked, _) = question(&s).await;
    assert!(
        asked.contains(&format!("\u{2068}{feed_name}\u{2069}")),
        "{asked:?}"
    );
    s.click("#confirm-cancel").await;
    s.quit().await;
}

#[cfg(unix)] // the stand-in opener is a shell script
/// Starts the tools with a stand-in `xdg-open` (and `gio`) first on the app's PATH: it writes
/// what it was asked to open into `opened`, so a test sees whether any link left the window.
fn driver_with_recording_opener(bin: &std::path::Path, opened: &std::path::Path) -> Option<Driver> {
    use std::os::unix::fs::PermissionsExt;
    for name in ["xdg-open", "gio", "gnome-open", "kde-open", "wslview"] {
        let script = bin.join(name);
        std::fs::write(
            &script,
            format!("#!/bin/sh\necho \"$@\" >> '{}'\n", opened.display()),
        )
        .unwrap();
        std::fs::set_permissions(&script, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
    let path = format!(
        "{}:{}",
        bin.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    Driver::start_with(|c| {
        c.env("PATH", &path);
    })
}

#[cfg(unix)]
#[tokio::test(flavor = "multi_thread")]
async fn the_link_dialog_shows_a_homographs_punycode_host_and_mail_links_ask_before_the_mail_program(
) {
    let tools = tempfile::tempdir().unwrap();
    let opened = tools.path().join("opened");
    let Some(driver) = driver_with_recording_opener(tools.path(), &opened) else {
        return;
    };
    let library = tempfile::tempdir().unwrap();
    {
        let lib = Library::open(library.path(), LibraryConfig::default()).unwrap();
        let now = chrono::Utc::now();
        // "аpple.com" with a Cyrillic "а": it reads as apple.com, and its real name is
        // xn--pple-43d.com. The link text claims the real site.
        let page = NewArticle {
            html: "<p>Sign in at <a id=\"idn\" href=\"https://\u{0430}pple.com/login\">https://apple.com/login</a> \
                   or write to <a id=\"mail\" href=\"mailto:desk@news.example?subject=Hello\">the desk</a>.</p>"
                .into(),
            ..story("links", "Two links", "Sign in or write to the desk.", now)
        };
        lib.store().add_page_article(&page, now).unwrap();
        let settings = lib.settings().await.unwrap();
        lib.save_settings(broadsheet_engine::model::Settings {
            link_open: "ask".into(),
            ..settings
        })
        .await
        .unwrap();
    }
    let s = Session::start(&driver, library.path()).await;
    click_row(&s, "Two links").await;
    s.wait_for(
        &format!("return {FRAME_TEXT}.includes('write to the desk')"),
        "the story",
    )
    .await;
    let dialog = "const d = document.getElementById('dlg-link'); \
                  return d.open && [document.getElementById('link-host').textContent, \
                    document.getElementById('link-here').hidden, \
                    document.getElementById('link-browser').textContent]";

    s.frame(Some("#story-frame")).await;
    s.click("#idn").await;
    s.frame(None).await;
    let shown = s.wait_for(dialog, "the link dialog").await;
    assert_eq!(
        shown,
        serde_json::json!(["xn--pple-43d.com", false, "Open in browser"]),
        "{shown}"
    );
    s.click("#link-cancel").await;
    dialog_is(&s, "dlg-link", false).await;

    // A mail link asks too (it used to start the mail program at once), naming the address.
    s.frame(Some("#story-frame")).await;
    s.click("#mail").await;
    s.frame(None).await;
    let shown = s
        .wait_for(dialog, "the link dialog for the mail link")
        .await;
    assert_eq!(
        shown,
        serde_json::json!(["desk@news.example", true, "Open mail program"]),
        "{shown}"
    );
    assert!(
        !opened.exists(),
        "the mail program was started before asking"
    );
    s.click("#link-cancel").await;
    dialog_is(&s, "dlg-link", false).await;
    s.quit().await;
    assert!(
        !opened.exists(),
        "something was opened: {:?}",
        std::fs::read_to_string(&opened)
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn the_canary_the_hostile_story_test_watches_answers_the_window_itself_in_test_builds() {
    // The positive control of tests/window.rs's hostile story: `__canary` exists and is granted
    // only in builds with debug assertions (build.rs, src-tauri/capabilities-debug/), so a
    // story that reached the IPC bridge would leave its mark there.
    let Some(driver) = Driver::start() else {
        return;
    };
    let library = tempfile::tempdir().unwrap();
    let s = Session::start(&driver, library.path()).await;
    s.exec("window.__TAURI__.core.invoke('__canary'); return 0")
        .await;
    let canary = library.path().join("canary-called");
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    while !canary.exists() && std::time::Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    s.quit().await;
    assert!(
        canary.exists(),
        "the window's own call to __canary left no mark"
    );
}
