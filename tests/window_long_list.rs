//! The real window with a library of 100,000 stories over 250 feeds: the list keeps few rows
//! and loads pages as it scrolls, the sidebar scrolls inside the window, and the keyboard keeps
//! its place when the sidebar is drawn again. Driven through tauri-driver and WebKitWebDriver
//! under Xvfb, as tests/window.rs; without those tools the test prints a note and passes, unless
//! `BROADSHEET_E2E=1` (set by tests/run-all) demands them.

#[path = "e2e/webdriver.rs"]
mod webdriver;

#[path = "e2e/helpers.rs"]
mod helpers;

use std::time::Duration;

use broadsheet_engine::library::{Library, LibraryConfig};
use broadsheet_engine::store::{FeedMeta, FeedUpdate, NewFeed};
use helpers::story;
use webdriver::{Driver, Session};

#[tokio::test(flavor = "multi_thread")]
async fn a_long_list_keeps_few_rows_and_loads_pages_as_it_scrolls() {
    let Some(driver) = Driver::start() else {
        return;
    };
    // The issue's figure: 100,000 articles, here over 250 feeds (a sidebar far taller than the
    // window), written as a refresh writes them, many feeds per transaction.
    const FEEDS: usize = 250;
    const PER_FEED: usize = 400;
    let library = tempfile::tempdir().unwrap();
    {
        let lib = Library::open(library.path(), LibraryConfig::default()).unwrap();
        let store = lib.store();
        let now = chrono::Utc::now();
        let mut batch = Vec::new();
        for f in 0..FEEDS {
            let meta = FeedMeta {
                title: format!("Source {f:03}"),
                ..FeedMeta::default()
            };
            let new = NewFeed {
                // Loopback, on a port nothing listens on: the window's background worker looks for
                // these feeds' icons, and the test must not send it to the internet.
                url: format!("http://127.0.0.1:1/source{f}.xml"),
                folder: None,
                meta: meta.clone(),
            };
            let (feed_id, _) = store.add_feed(&new, now).unwrap();
            let items = (0..PER_FEED)
                .map(|i| {
                    // Article n is n minutes old across all feeds, so the list order is known.
                    let n = i * FEEDS + f;
                    story(
                        &format!("{f}-{i}"),
                        &format!("Story number {n}"),
                        &format!("Story {n}"),
                        now - chrono::Duration::minutes(n as i64),
                    )
                })
                .collect();
            batch.push(FeedUpdate::Fetched {
                feed_id,
                meta,
                etag: None,
                last_modified: None,
                body_hash: String::new(),
                items,
                at: now,
            });
            if batch.len() == 25 {
                store.apply_updates(&std::mem::take(&mut batch)).unwrap();
            }
        }
        // The first feed's icon on record is not a picture (a damaged row): the sidebar must
        // fall back to its monogram, as it shows for the feeds with no icon at all.
        store
            .write(|tx| {
                tx.execute(
                    "INSERT INTO feed_icons (feed_id, checked_at, url, token, mime, data)
                     SELECT min(id), strftime('%s', 'now'), 'http://127.0.0.1:1/favicon.ico',
                           'damaged-icon', 'image/png', X'3c68746d6c3e' FROM feeds",
                    [],
                )?;
                // And it sits in a folder, whose toggle the keyboard test below uses.
                tx.execute_batch(
                    "INSERT INTO folders (name) VALUES ('Wire');
                     UPDATE feeds SET folder_id = last_insert_rowid()
                     WHERE id = (SELECT min(id) FROM feeds);",
                )?;
                Ok(())
            })
            .unwrap();
    }
    let s = Session::start(&driver, library.path()).await;
    s.wait_for(
        "return document.querySelectorAll('#list .row').length > 0",
        "the first rows",
    )
    .await;
    s.wait_for(
        "const rows = [...document.querySelectorAll('#sources .feed-row')]; \
         return rows.length > 2 && !rows[0].querySelector('img') \
           && rows.slice(0, 3).every(r => r.querySelector('.monogram')?.textContent === 'S')",
        "monograms for a damaged icon and for feeds without one",
    )
    .await;
    // The window is exactly one screen: the sidebar scrolls inside it, its footer stays in view.
    let fits = s
        .exec(
            "const app = document.getElementById('app').getBoundingClientRect(); \
             const sources = document.getElementById('sources'); \
             const foot = document.querySelector('.sidebar-foot').getBoundingClientRect(); \
             return [app.height <= innerHeight, sources.scrollHeight > sources.clientHeight, \
                     foot.bottom <= innerHeight, sources.querySelectorAll('.feed').length]",
        )
        .await;
    assert_eq!(fits, serde_json::json!([true, true, true, FEEDS]), "{fits}");
    // Scroll to the end of what is loaded, again and again: pages arrive, rows stay few.
    for _ in 0..12 {
        s.exec("const l = document.getElementById('list'); l.scrollTop = l.scrollHeight; return 0")
            .await;
        tokio::time::sleep(Duration::from_millis(250)).await;
        let rows = s
            .exec("return document.querySelectorAll('#list .row').length")
            .await;
        assert!(rows.as_u64().unwrap() <= 40, "{rows} rows in the DOM");
    }
    // Twelve scrolls loaded twelve more pages of 100, not the whole library.
    let loaded = s
        .wait_for(
            "const n = document.getElementById('list-spacer').offsetHeight / 104; \
             return n >= 1200 ? n : 0",
            "twelve pages",
        )
        .await;
    let loaded = loaded.as_f64().unwrap();
    assert!(
        loaded < 5000.0,
        "{loaded} articles loaded after twelve scrolls"
    );
    // Row 1,199 is where the list says, newest first.
    s.exec("document.getElementById('list').scrollTop = 1199 * 104; return 0")
        .await;
    s.wait_for(
        "return [...document.querySelectorAll('#list .row .row-title')] \
           .some(e => e.textContent === 'Story number 1199')",
        "row 1,199",
    )
    .await;
    // j from the keyboard moves the selection and opens the story.
    s.exec("const l = document.getElementById('list'); l.scrollTop = 0; l.focus(); return 0")
        .await;
    s.press("jj").await;
    let exact =
        |t: &str| format!("return document.getElementById('story-title').textContent === {t:?}");
    s.wait_for(&exact("Story number 1"), "the second story")
        .await;
    // Clicking the story keeps the keys working (the frame never takes focus).
    s.click("#story-title").await;
    s.press("j").await;
    s.wait_for(&exact("Story number 2"), "j after clicking the story")
        .await;
    // A refresh draws the sidebar again (here every feed fails: nothing listens on their port,
    // which the engine reads as no network, so the offline line shows and no feed turns red);
    // the keyboard's place in it stays where it was.
    let focused = s
        .exec("const b = document.querySelectorAll('#sources .feed')[2]; b.focus(); return b.dataset.source")
        .await;
    s.press("r").await;
    s.wait_for(
        "return !document.getElementById('offline').hidden \
           && document.getElementById('progress').hidden",
        "the refresh that found no network, drawn in the window",
    )
    .await;
    assert_eq!(
        s.exec("return document.querySelectorAll('#sources .feed-row.has-error').length")
            .await,
        serde_json::json!(0),
        "no feed marked as failing when the network is gone"
    );
    let after = s
        .exec("return document.activeElement?.dataset?.source ?? document.activeElement?.tagName")
        .await;
    assert_eq!(after, focused, "focus after the sidebar was drawn again");
    // A folder closes from the keyboard (the tree's Left arrow); the focus stays on it all the
    // same, though the sidebar was drawn again.
    s.exec("document.querySelector(\"#sources [data-source='folder:Wire']\").focus(); return 0")
        .await;
    s.press("\u{E012}").await; // Left
    let folder = s
        .wait_for(
            "const t = document.querySelector(\"#sources [data-source='folder:Wire']\"); \
             return t.getAttribute('aria-expanded') === 'false' \
               && [document.activeElement === t, t.getAttribute('tabindex')]",
            "the folder closed",
        )
        .await;
    assert_eq!(folder, serde_json::json!([true, "0"]), "{folder}");
    s.quit().await;
}
