//! The real window, readable everywhere and by everyone: two-line titles, right-to-left text,
//! the offline banner and errors in plain words, the sidebar as a keyboard tree, folder rename
//! and delete, drag and drop, right-click menus, and axe-core run inside the window in both
//! themes. Driven through tauri-driver and WebKitWebDriver under Xvfb, as tests/window.rs;
//! without those tools the tests print a note and pass, unless `BROADSHEET_E2E=1`.

#[path = "e2e/webdriver.rs"]
mod webdriver;

#[path = "e2e/helpers.rs"]
mod helpers;

#[path = "support/news_site.rs"]
mod news_site;

use std::path::{Path, PathBuf};
use std::time::Duration;

use broadsheet_engine::library::{Library, LibraryConfig};
use fixture_server::{FixtureServer, Reply};
use helpers::{click_row, made_up_feed};
use news_site::news_site;
use serde_json::json;
use webdriver::{Driver, Session};

const MAIN_TITLE: &str = "Beijing Summit Brings Russia, North Korea, and China Together";
const ARABIC_FIRST_WORD: &str = "البداية";
const ARABIC_LAST_WORD: &str = "النهاية";

fn fixture(name: &str) -> Vec<u8> {
    std::fs::read(
        PathBuf::from(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures/feeds")
            .join(name),
    )
    .unwrap()
}

/// A reader's library: the news site in "News", a serial in "Reading" with a second feed, feeds
/// with right-to-left and missing titles in no folder, and one whose last refresh failed (404).
async fn reading_library(server: &FixtureServer) -> tempfile::TempDir {
    let feed = |name: &str| Reply::ok("application/rss+xml; charset=utf-8", fixture(name));
    server.route(
        "/serial.xml",
        feed("serial-titles-differ-only-at-the-end.xml"),
    );
    server.route("/rtl.xml", feed("rtl-arabic-and-hebrew-titles.xml"));
    server.route("/notes.xml", feed("microblog-untitled-items.xml"));
    server.route(
        "/weather.xml",
        Reply::ok(
            "application/rss+xml",
            made_up_feed(
                "Harbour Weather",
                &[(
                    "Fog until midweek",
                    "Sat, 31 Aug 2024 06:00:00 GMT",
                    "Ferries plan extra time.",
                )],
            ),
        ),
    );
    let library = tempfile::tempdir().unwrap();
    let lib = Library::open(library.path(), LibraryConfig::default()).unwrap();
    lib.subscribe(&server.url("/"), Some("News")).await.unwrap();
    lib.subscribe(&server.url("/serial.xml"), Some("Reading"))
        .await
        .unwrap();
    lib.subscribe(&server.url("/rtl.xml"), None).await.unwrap();
    lib.subscribe(&server.url("/notes.xml"), Some("Reading"))
        .await
        .unwrap();
    lib.subscribe(&server.url("/weather.xml"), None)
        .await
        .unwrap();
    server.route("/weather.xml", Reply::status(404));
    lib.refresh(None, &|_| {}).await.unwrap();
    lib.cache_images().await.unwrap();
    library
}

/// The app on a fresh reading library (served by the returned server), 1280 by 800.
async fn reading_window(driver: &Driver) -> (FixtureServer, tempfile::TempDir, Session) {
    let server = news_site().await;
    let library = reading_library(&server).await;
    let s = Session::start(driver, library.path()).await;
    s.set_window_size(1280, 800).await;
    (server, library, s)
}

/// Sets the theme the next session starts with, on the list of everything with no story open
/// (not where the last session was left: a narrow window would come back to the story alone).
async fn set_theme(library: &Path, theme: &str) {
    let lib = Library::open(library, LibraryConfig::default()).unwrap();
    let mut settings = lib.settings().await.unwrap();
    settings.theme = theme.into();
    settings.last_source = "all".into();
    settings.last_article = 0;
    lib.save_settings(settings).await.unwrap();
}

/// The centre of the first element matching `css`, in viewport pixels, once there is one.
async fn centre(s: &Session, css: &str) -> (i64, i64) {
    let element = format!(
        "document.querySelector({})",
        serde_json::to_string(css).unwrap()
    );
    centre_of(s, &element, css).await
}

/// The centre of the sidebar item named `name`, once it is drawn. Found and measured in one
/// script: the sidebar may be drawn again between two, and a mark set on its item by the first
/// would be gone by the second.
async fn item_centre(s: &Session, name: &str) -> (i64, i64) {
    centre_of(s, &sidebar_item(name), name).await
}

/// The centre of the element the JS expression `element` finds, in viewport pixels, waiting
/// until it finds one (`what` names it).
async fn centre_of(s: &Session, element: &str, what: &str) -> (i64, i64) {
    let v = s
        .wait_for(
            &format!(
                "const e = {element}; if (!e) return null; const r = e.getBoundingClientRect(); \
                 return [Math.round(r.left + r.width / 2), Math.round(r.top + r.height / 2)]"
            ),
            what,
        )
        .await;
    (v[0].as_i64().unwrap(), v[1].as_i64().unwrap())
}

/// JS: the sidebar item whose name is `name`.
fn sidebar_item(name: &str) -> String {
    format!(
        "[...document.querySelectorAll('#sources [role=treeitem]')].find(i => i.querySelector('.source-name')?.textContent === {})",
        serde_json::to_string(name).unwrap()
    )
}

/// JS: where the focus is in the sidebar, as the name of the focused item.
const FOCUSED_NAME: &str = "return document.activeElement?.querySelector?.('.source-name')?.textContent ?? document.activeElement?.id";

/// Runs axe-core (from node_modules, as npm installed it) inside the window and returns its
/// serious and critical violations, one line per element.
async fn serious_violations(s: &Session) -> Vec<String> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("node_modules/axe-core/axe.min.js");
    let axe = std::fs::read_to_string(&path).unwrap_or_else(|e| {
        panic!(
            "{}: {e}; `npm ci` installs axe-core (a devDependency)",
            path.display()
        )
    });
    let loaded = s.exec(&format!("{axe}\n;return typeof axe.run")).await;
    assert_eq!(loaded, "function", "axe-core did not load in the window");
    // The story frame runs no scripts, so axe cannot run inside it; its HTML is the sanitizer's.
    // label-content-name-mismatch is experimental in axe, and was one of the issue's findings.
    s.exec(
        "window.__axe = null; \
         axe.run(document, {iframes: false, rules: {'label-content-name-mismatch': {enabled: true}}}) \
           .then(r => { window.__axe = r.violations; }, e => { window.__axe = [{id: 'axe-failed', impact: 'critical', nodes: [{target: [String(e)], failureSummary: ''}]}]; }); \
         return 0",
    )
    .await;
    let found = s
        .wait_for(
            "return window.__axe && window.__axe.filter(v => v.impact === 'serious' || v.impact === 'critical') \
               .flatMap(v => v.nodes.map(n => `${v.id} (${v.impact}): ${n.target.join(' ')}: ${n.failureSummary}`))",
            "axe-core's results",
        )
        .await;
    found
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap_or_default().to_string())
        .collect()
}

#[tokio::test(flavor = "multi_thread")]
async fn axe_core_finds_no_serious_violation_in_either_theme() {
    let Some(driver) = Driver::start() else {
        return;
    };
    let server = news_site().await;
    let library = reading_library(&server).await;
    let shots = std::env::var_os("BROADSHEET_READABLE_SHOTS").map(PathBuf::from);
    for (theme, width) in [("light", 1280), ("dark", 1280), ("light", 720)] {
        set_theme(library.path(), theme).await;
        let s = Session::start(&driver, library.path()).await;
        s.set_window_size(width, 800).await;
        // A library with feeds, folders and a failed feed, and a story open.
        s.wait_for(
            "return document.querySelectorAll('#sources .feed-row.has-error').length === 1",
            "the failed feed in the sidebar",
        )
        .await;
        click_row(&s, MAIN_TITLE).await;
        s.wait_for(
            "return document.getElementById('story-title').textContent.includes('Beijing')",
            "the open story",
        )
        .await;
        let found = serious_violations(&s).await;
        assert!(
            found.is_empty(),
            "axe-core, {theme} theme, {width} px:\n{}",
            found.join("\n")
        );
        if let Some(dir) = &shots {
            std::fs::create_dir_all(dir).unwrap();
            s.exec("document.activeElement.blur(); return 0").await;
            tokio::time::sleep(Duration::from_millis(300)).await;
            let png = s.screenshot().await;
            std::fs::write(dir.join(format!("{theme}-{width}.png")), png).unwrap();
        }
        s.quit().await;
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn titles_take_two_lines_untitled_items_show_their_words_and_rtl_titles_are_cut_at_their_end()
{
    let Some(driver) = Driver::start() else {
        return;
    };
    let (_server, _library, s) = reading_window(&driver).await;
    s.set_window_size(1280, 900).await;

    // The serial's five parts: each title whole on its two lines, so the parts are told apart.
    s.exec(&format!(
        "{}.click(); return 0",
        sidebar_item("The Long Read")
    ))
    .await;
    let parts = s
        .wait_for(
            "const rows = [...document.querySelectorAll('#list .row')]; \
             if (rows.length !== 5) return null; \
             return rows.map(r => { const t = r.querySelector('.row-title'); \
               return [t.textContent.slice(-6), t.getClientRects().length > 0 && t.scrollHeight <= t.clientHeight + 1, \
                       Math.round(t.clientHeight / parseFloat(getComputedStyle(t).lineHeight)), r.offsetHeight, \
                       r.querySelector('.row-source').textContent]; })",
            "the serial's five rows",
        )
        .await;
    for (i, part) in parts.as_array().unwrap().iter().enumerate() {
        assert_eq!(
            part,
            &json!([format!("part {}", i + 1), true, 2, 104, ""]),
            "row {i}: [end of title, whole, lines, row height, feed name inside its feed]"
        );
    }
    // The fixed row height still places every row: row i starts at i * 104.
    let tops = s
        .exec("return [...document.querySelectorAll('#list .row')].map(r => r.offsetTop + new DOMMatrix(getComputedStyle(r).transform).m42)")
        .await;
    assert_eq!(tops, json!([0, 104, 208, 312, 416]));

    // A micro-blog's items have no title: their first words stand in.
    s.exec(&format!("{}.click(); return 0", sidebar_item("Quay Notes")))
        .await;
    let notes = s
        .wait_for(
            "const rows = [...document.querySelectorAll('#list .row .row-title')]; \
             return rows.length === 2 && rows.map(t => t.textContent)",
            "the notes",
        )
        .await;
    assert!(
        notes[0]
            .as_str()
            .unwrap()
            .starts_with("Saw the first heron of the autumn"),
        "{notes}"
    );
    assert!(!notes.to_string().contains("Untitled"), "{notes}");

    // In "All articles" each row names its feed.
    s.click("[data-source='all']").await;
    s.wait_for(
        "return [...document.querySelectorAll('#list .row-source')].some(e => e.textContent === 'Quay Notes')",
        "feed names in All articles",
    )
    .await;

    // Right to left: the Arabic title runs right to left and is cut at its end (the left, last
    // line): its first word is on the first line at the right, its last word is not shown.
    s.exec(&format!(
        "{}.click(); return 0",
        sidebar_item("نشرة المرفأ")
    ))
    .await;
    let rtl = s
        .wait_for(
            &format!(
                "const t = [...document.querySelectorAll('#list .row-title')].find(e => e.textContent.startsWith({first:?})); \
                 if (!t) return null; \
                 const box = t.getBoundingClientRect(); \
                 const word = (w) => {{ const n = t.firstChild; const at = n.textContent.indexOf(w); \
                   const r = document.createRange(); r.setStart(n, at); r.setEnd(n, at + w.length); return r.getBoundingClientRect(); }}; \
                 const first = word({first:?}), last = word({last:?}); \
                 return [getComputedStyle(t).direction, Math.abs(first.right - box.right) < 2, first.top - box.top < 4, \
                         last.top >= box.bottom - 1, t.closest('.row').querySelector('.row-excerpt').dir]",
                first = ARABIC_FIRST_WORD,
                last = ARABIC_LAST_WORD,
            ),
            "the Arabic title",
        )
        .await;
    assert_eq!(
        rtl,
        json!(["rtl", true, true, true, "auto"]),
        "[direction, first word at the right, on the first line, last word cut, excerpt dir]"
    );
    let hebrew = s
        .exec("const t = [...document.querySelectorAll('#list .row-title')].find(e => e.textContent.startsWith('גשם')); return getComputedStyle(t).direction")
        .await;
    assert_eq!(hebrew, "rtl");
    // The feed's name in the sidebar and the open story's title also take their own direction.
    let sidebar_dir = s
        .exec(&format!(
            "return getComputedStyle({}.querySelector('.source-name')).direction",
            sidebar_item("نشرة المرفأ")
        ))
        .await;
    assert_eq!(sidebar_dir, "rtl");
    s.click("#list .row").await;
    let story = s
        .wait_for(
            "const t = document.getElementById('story-title'); \
             const d = document.getElementById('story-frame').contentDocument; \
             const body = d && d.querySelector('.story-body'); \
             return t.textContent.startsWith('البداية') && body && body.textContent.length > 10 \
               && [getComputedStyle(t).direction, getComputedStyle(body).direction]",
            "the Arabic story",
        )
        .await;
    assert_eq!(story, json!(["rtl", "rtl"]));
    s.quit().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn offline_the_banner_covers_no_control_at_any_width_and_errors_are_plain_words() {
    let Some(driver) = Driver::start() else {
        return;
    };
    // The failed feed's mark: its error in plain words under the pointer, never the engine's
    // technical message alone.
    let (server, library, s) = reading_window(&driver).await;
    let mark = format!(
        "{}.querySelector('.feed-error-icon')",
        sidebar_item("Harbour Weather")
    );
    let hover = s
        .exec(&format!(
            "const m = {mark}; const r = m.getBoundingClientRect(); \
             const hit = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2); \
             return [m.contains(hit), m.title.split('\\n')[0]]"
        ))
        .await;
    assert_eq!(
        hover,
        json!([true, "Last refresh failed: Feed not found (404)."]),
        "[the mark is under the pointer, its tooltip]"
    );
    s.quit().await;

    // One server refuses while the others answer: that feed alone is marked, in plain words.
    {
        let lib = Library::open(library.path(), LibraryConfig::default()).unwrap();
        let notes = lib.feeds().await.unwrap();
        let notes = notes.iter().find(|f| f.title == "Quay Notes").unwrap();
        let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let port = closed.local_addr().unwrap().port();
        drop(closed);
        lib.set_feed_url(notes.id, &format!("http://127.0.0.1:{port}/notes.xml"))
            .await
            .unwrap();
    }
    let s = Session::start(&driver, library.path()).await;
    s.set_window_size(1280, 800).await;
    s.press("r").await;
    let quay_mark = format!(
        "{}.querySelector('.feed-error-icon')",
        sidebar_item("Quay Notes")
    );
    s.wait_for(
        &format!("return {quay_mark} !== null && document.getElementById('progress').hidden"),
        "the refused feed marked",
    )
    .await;
    let refused = s.exec(&format!("return {quay_mark}.title")).await;
    let refused = refused.as_str().unwrap();
    assert!(
        refused.starts_with("Last refresh failed: The server refused the connection."),
        "{refused}"
    );

    // Now the network is gone: a refresh fails for every feed; the window says it is offline,
    // and no feed's mark changes (the engine records no failure then).
    drop(server);
    s.press("r").await;
    s.wait_for(
        "return !document.getElementById('offline').hidden && document.getElementById('progress').hidden",
        "the offline banner",
    )
    .await;
    let marks = s
        .exec("return [...document.querySelectorAll('#sources .feed-error-icon')].length")
        .await;
    assert_eq!(
        marks,
        json!(2),
        "the two feeds that failed on their own, and no other"
    );
    for width in [1280, 900, 720, 480, 420] {
        s.set_window_size(width, 700).await;
        tokio::time::sleep(Duration::from_millis(200)).await;
        let covered = s
            .exec(
                "const b = document.getElementById('offline').getBoundingClientRect(); \
                 const app = document.getElementById('app').getBoundingClientRect(); \
                 const controls = [...document.querySelectorAll('button, input, select, [tabindex], [role=treeitem], .row')] \
                   .filter(e => e.getClientRects().length > 0 && e.id !== 'offline'); \
                 const over = controls.filter(e => { const r = e.getBoundingClientRect(); \
                   return r.width > 0 && r.height > 0 && r.top < b.bottom && r.bottom > b.top && r.left < b.right && r.right > b.left; }); \
                 return [b.height > 0, app.top >= b.bottom - 0.5, app.bottom <= innerHeight + 0.5, \
                         over.map(e => e.id || e.className)]",
            )
            .await;
        assert_eq!(
            covered,
            json!([true, true, true, []]),
            "{width} px: [banner shown, panes below it, window fits, controls under it]"
        );
    }
    s.quit().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn the_sidebar_is_one_tab_stop_with_the_tree_keys_inside() {
    let Some(driver) = Driver::start() else {
        return;
    };
    let (_server, _library, s) = reading_window(&driver).await;
    // Tab from the Refresh button enters the tree once, on its one Tab stop; the next Tab
    // leaves it for the footer.
    s.exec("document.getElementById('btn-refresh').focus(); return 0")
        .await;
    s.press("\u{E004}").await; // Tab
    assert_eq!(s.exec(FOCUSED_NAME).await, "All articles");
    let stops = s
        .exec("return document.querySelectorAll('#sources [tabindex=\"0\"]').length")
        .await;
    assert_eq!(stops, 1, "one Tab stop in the sidebar");
    s.press("\u{E004}").await;
    assert_eq!(s.exec(FOCUSED_NAME).await, "btn-import");
    s.chord(&["\u{E008}", "\u{E004}"]).await; // Shift+Tab comes back to the same item
    assert_eq!(s.exec(FOCUSED_NAME).await, "All articles");

    // Down, down, down: Unread, Bookmarks, then the first folder.
    s.press("\u{E015}\u{E015}\u{E015}").await;
    assert_eq!(s.exec(FOCUSED_NAME).await, "News");
    // Left closes the folder, Right opens it, Right again goes to its first feed, Left back.
    s.press("\u{E012}").await;
    s.wait_for(
        &format!(
            "return {}.getAttribute('aria-expanded') === 'false'",
            sidebar_item("News")
        ),
        "News closed",
    )
    .await;
    assert_eq!(s.exec(FOCUSED_NAME).await, "News");
    let hidden = s
        .exec(&format!("return !{}", sidebar_item("The Harbour Ledger")))
        .await;
    assert_eq!(hidden, true, "a closed folder's feeds are not in the tree");
    s.press("\u{E014}").await; // Right
    s.wait_for(
        &format!(
            "return {}.getAttribute('aria-expanded') === 'true'",
            sidebar_item("News")
        ),
        "News open",
    )
    .await;
    s.press("\u{E014}").await;
    assert_eq!(s.exec(FOCUSED_NAME).await, "The Harbour Ledger");
    let level = s
        .exec("return document.activeElement.getAttribute('aria-level')")
        .await;
    assert_eq!(level, "2");
    s.press("\u{E012}").await;
    assert_eq!(s.exec(FOCUSED_NAME).await, "News");
    // End and Home.
    s.press("\u{E010}").await;
    let last = s
        .exec("const all = document.querySelectorAll('#sources [role=treeitem]'); return all[all.length - 1] === document.activeElement")
        .await;
    assert_eq!(last, true, "End goes to the last item");
    s.press("\u{E011}").await;
    assert_eq!(s.exec(FOCUSED_NAME).await, "All articles");

    // Enter opens the focused feed in the list (and opens no story in the browser).
    s.exec(&format!(
        "{}.focus(); return 0",
        sidebar_item("The Long Read")
    ))
    .await;
    s.press("\u{E007}").await;
    s.wait_for(
        "return document.getElementById('list-title').textContent === 'The Long Read' \
           && document.querySelectorAll('#list .row').length === 5",
        "the feed's stories",
    )
    .await;
    let selected = s
        .exec(&format!(
            "return {}.getAttribute('aria-selected')",
            sidebar_item("The Long Read")
        ))
        .await;
    assert_eq!(selected, "true");
    // "i" shows the feed's details.
    s.press("i").await;
    s.wait_for(
        "return document.getElementById('dlg-feed').open && document.getElementById('dlg-feed-title').textContent",
        "the feed's details",
    )
    .await;
    s.press("\u{E00C}").await;
    s.wait_for(
        "return !document.getElementById('dlg-feed').open",
        "details closed",
    )
    .await;
    s.quit().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn folders_are_renamed_and_deleted_in_the_window_and_deleting_can_be_cancelled_or_undone() {
    let Some(driver) = Driver::start() else {
        return;
    };
    let (_server, _library, s) = reading_window(&driver).await;

    // Rename from the folder's menu, opened from the keyboard (Shift+F10).
    s.exec(&format!("{}.focus(); return 0", sidebar_item("Reading")))
        .await;
    s.chord(&["\u{E008}", "\u{E03A}"]).await; // Shift+F10
    let items = s
        .wait_for(
            "const m = document.querySelector('.menu[role=menu]'); \
             return m && m.contains(document.activeElement) && [...m.querySelectorAll('[role=menuitem]')].map(b => b.textContent)",
            "the folder's menu",
        )
        .await;
    assert_eq!(
        items,
        json!(["Mark all as read", "Rename folder…", "Delete folder…"])
    );
    s.press("\u{E015}\u{E007}").await; // Down, Enter: Rename folder…
    s.wait_for(
        "return document.getElementById('dlg-folder-rename').open && document.activeElement.id === 'folder-name'",
        "the rename dialog",
    )
    .await;
    s.exec("document.getElementById('folder-name').value = ''; return 0")
        .await;
    s.type_into("#folder-name", "Long reads\u{E007}").await;
    s.wait_for(
        &format!(
            "return !!{} && !{}",
            sidebar_item("Long reads"),
            sidebar_item("Reading")
        ),
        "the renamed folder",
    )
    .await;

    // Delete, cancelled: Cancel has the focus, and nothing changes.
    let before = s
        .exec("return document.getElementById('sources').innerText")
        .await;
    s.exec(&format!("{}.focus(); return 0", sidebar_item("Long reads")))
        .await;
    s.press("\u{E017}").await; // Delete
    let asked = s
        .wait_for(
            "const d = document.getElementById('dlg-folder-delete'); \
             return d.open && [document.activeElement.id, d.innerText.includes('2 feeds stay')]",
            "the delete dialog",
        )
        .await;
    assert_eq!(asked, json!(["folder-delete-cancel", true]));
    s.press("\u{E007}").await; // Enter on Cancel
    s.wait_for(
        "return !document.getElementById('dlg-folder-delete').open",
        "the dialog closed",
    )
    .await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    let after = s
        .exec("return document.getElementById('sources').innerText")
        .await;
    assert_eq!(after, before, "cancelling changed nothing");

    // Delete, confirmed: the feeds stay, out of any folder; Undo puts them back.
    s.exec(&format!("{}.focus(); return 0", sidebar_item("Long reads")))
        .await;
    s.press("\u{E017}").await;
    s.wait_for(
        "return document.getElementById('dlg-folder-delete').open",
        "the delete dialog",
    )
    .await;
    s.click("#folder-delete-confirm").await;
    let loose = s
        .wait_for(
            &format!(
                "return !{} && [{}?.getAttribute('aria-level'), {}?.getAttribute('aria-level')]",
                sidebar_item("Long reads"),
                sidebar_item("The Long Read"),
                sidebar_item("Quay Notes")
            ),
            "the folder gone, its feeds kept",
        )
        .await;
    assert_eq!(loose, json!(["1", "1"]));
    s.click(".toast-action").await;
    s.wait_for(
        &format!(
            "return !!{} && {}?.getAttribute('aria-level') === '2'",
            sidebar_item("Long reads"),
            sidebar_item("Quay Notes")
        ),
        "the folder back after Undo",
    )
    .await;
    s.quit().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn feeds_move_between_folders_by_drag_and_drop() {
    let Some(driver) = Driver::start() else {
        return;
    };
    let (_server, _library, s) = reading_window(&driver).await;
    let folder_of = |name: &str| {
        format!(
            "const all = [...document.querySelectorAll('#sources [role=treeitem]')]; \
             const i = all.indexOf({}); \
             if (i < 0) return null; \
             if (all[i].getAttribute('aria-level') === '1') return 'none'; \
             return all.slice(0, i).reverse().find(e => e.getAttribute('aria-level') === '1').querySelector('.source-name').textContent",
            sidebar_item(name)
        )
    };
    // The Arabic feed (in no folder) onto "News".
    let from = item_centre(&s, "نشرة المرفأ").await;
    let to = item_centre(&s, "News").await;
    s.drag(from, to).await;
    s.wait_for(
        &format!("return ({})() === 'News'", js_fn(&folder_of("نشرة المرفأ"))),
        "the feed in News",
    )
    .await;
    // The list did not switch to the dragged feed: a drag is not a click.
    assert_eq!(
        s.exec("return document.getElementById('list-title').textContent")
            .await,
        "All articles"
    );
    // And out again, onto the "Subscriptions" heading.
    let from = item_centre(&s, "نشرة المرفأ").await;
    let to = centre(&s, "#sources .sources-heading").await;
    s.drag(from, to).await;
    s.wait_for(
        &format!("return ({})() === 'none'", js_fn(&folder_of("نشرة المرفأ"))),
        "the feed out of its folder",
    )
    .await;
    s.quit().await;
}

/// Wraps statements that `return` into a function expression, to call inside another script.
fn js_fn(body: &str) -> String {
    format!("() => {{ {body} }}")
}

#[tokio::test(flavor = "multi_thread")]
async fn right_click_menus_on_feeds_and_articles_work_by_mouse_and_keyboard() {
    let Some(driver) = Driver::start() else {
        return;
    };
    let (_server, _library, s) = reading_window(&driver).await;

    // A feed's menu, by the right button.
    let at = item_centre(&s, "The Long Read").await;
    s.right_click_at(at).await;
    let items = s
        .wait_for(
            "const m = document.querySelector('.menu[role=menu]'); \
             return m && [...m.querySelectorAll('[role=menuitem]')].map(b => b.textContent)",
            "the feed's menu",
        )
        .await;
    assert_eq!(
        items,
        json!([
            "Mark all as read",
            "Copy feed address",
            "Open home page",
            "Rename…",
            "Details…",
            "Unsubscribe…"
        ])
    );
    // Copy the feed's address; Esc would have closed the menu without doing anything.
    s.click(".menu [role=menuitem]:nth-child(2)").await;
    s.wait_for(
        "return [...document.querySelectorAll('.toast')].some(t => t.textContent.includes('Copied the feed address'))",
        "the address copied",
    )
    .await;
    assert_eq!(
        s.exec("return document.querySelector('.menu') === null")
            .await,
        true
    );

    // An article's menu, from the keyboard: Shift+F10 on the selected row; Bookmark.
    s.click("[data-source='all']").await;
    s.wait_for(
        "return document.querySelectorAll('#list .row').length > 5",
        "All articles",
    )
    .await;
    click_row(&s, MAIN_TITLE).await;
    s.wait_for(
        "return document.querySelector('#list .row.is-selected.is-read') !== null",
        "the story read",
    )
    .await;
    s.exec("document.getElementById('list').focus(); return 0")
        .await;
    s.chord(&["\u{E008}", "\u{E03A}"]).await;
    let items = s
        .wait_for(
            "const m = document.querySelector('.menu[role=menu]'); \
             return m && m.contains(document.activeElement) && [...m.querySelectorAll('[role=menuitem]')].map(b => b.textContent)",
            "the article's menu",
        )
        .await;
    assert_eq!(
        items,
        json!(["Open original", "Copy link", "Bookmark", "Mark as unread"])
    );
    s.press("\u{E015}\u{E015}\u{E007}").await; // Down, Down, Enter: Bookmark
    s.wait_for(
        "return document.querySelector('#list .row.is-selected .row-bookmark') !== null \
           && document.getElementById('btn-bookmark').getAttribute('aria-pressed') === 'true'",
        "the bookmark in the list and the reader",
    )
    .await;
    // Esc closes a menu and gives the focus back.
    s.chord(&["\u{E008}", "\u{E03A}"]).await;
    s.wait_for(
        "return document.querySelector('.menu') !== null",
        "the menu",
    )
    .await;
    s.press("\u{E00C}").await;
    let back = s
        .exec("return document.querySelector('.menu') === null && document.activeElement.id")
        .await;
    assert_eq!(back, "list");
    // The right button on a row opens the same menu.
    let at = centre(&s, "#list .row.is-selected").await;
    s.right_click_at(at).await;
    s.wait_for(
        "const m = document.querySelector('.menu[role=menu]'); \
         return m && m.innerText.includes('Remove bookmark')",
        "the article's menu by mouse",
    )
    .await;
    s.quit().await;
}
