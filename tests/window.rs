//! The real window, end to end: the app built by this workspace, driven through tauri-driver
//! and WebKitWebDriver under Xvfb, against the loopback news site (tests/fixtures/news-site).
//! Without those tools the tests print a note and pass, unless `BROADSHEET_E2E=1` (set by
//! tests/run-all) demands them.

#[path = "e2e/webdriver.rs"]
mod webdriver;

#[path = "e2e/helpers.rs"]
mod helpers;

#[path = "support/news_site.rs"]
mod news_site;

use std::path::PathBuf;
use std::time::{Duration, Instant};

use broadsheet_engine::library::{Library, LibraryConfig};
use broadsheet_engine::store::NewArticle;
use fixture_server::{Behaviour, Reply};
use helpers::{click_row, made_up_feed, set_control, story, title_is, FRAME_TEXT};
use news_site::news_site;
use webdriver::{Driver, Session};

const MAIN_TITLE: &str = "Beijing Summit Brings Russia, North Korea, and China Together";
const SEED_SENTENCE: &str = "In a rare show of unity among some of the world";

/// Page furniture of the news site that must never reach the reader.
const CLUTTER: &[&str] = &[
    "We use cookies",
    "Share on Facebook",
    "Advertisement",
    "More like this",
    "Trending topics",
    "Sign in to comment",
];

#[tokio::test(flavor = "multi_thread")]
async fn subscribe_read_bookmark_follow_search_then_read_offline() {
    let Some(driver) = Driver::start() else {
        return;
    };
    let server = news_site().await;
    let library = tempfile::tempdir().unwrap();

    // First run: the welcome state, saying what to do.
    let s = Session::start(&driver, library.path()).await;
    let welcome = s
        .exec("const w = document.getElementById('welcome'); return w.hidden ? '' : w.innerText")
        .await;
    let welcome = welcome.as_str().unwrap_or_default();
    assert!(welcome.contains("Add a subscription"), "{welcome}");
    assert!(welcome.contains("Import OPML"), "{welcome}");

    // Subscribe by the site's home page address; the engine finds its feed.
    s.click("#welcome-add").await;
    s.type_into("#add-url", &server.url("/")).await;
    s.click("#add-submit").await;
    s.wait_for(
        "return document.querySelectorAll('#list .row').length === 4 && document.getElementById('welcome').hidden",
        "the list to fill with the site's four stories",
    )
    .await;
    let sidebar = s
        .exec("return document.getElementById('sources').innerText")
        .await;
    assert!(
        sidebar.as_str().unwrap().contains("The Harbour Ledger"),
        "{sidebar}"
    );
    // Its icon (the home page's <link rel="icon">) is drawn from the library, not the site.
    s.wait_for(
        "const i = document.querySelector('#sources .feed-row img.feed-icon'); \
         return !!i && i.src.includes('broadsheet-img') && i.complete && i.naturalWidth > 0",
        "the feed's icon in the sidebar",
    )
    .await;

    // Open the main story: its text, none of the page's clutter.
    let main_row = click_row(&s, MAIN_TITLE).await;
    s.wait_for(&title_is(MAIN_TITLE), "the main story").await;
    let text = s
        .wait_for(
            &format!("return {FRAME_TEXT}.includes({SEED_SENTENCE:?}) && {FRAME_TEXT}"),
            "the story's text",
        )
        .await;
    let text = text.as_str().unwrap();
    for clutter in CLUTTER {
        assert!(!text.contains(clutter), "clutter {clutter:?} in the story");
    }
    // The frame runs no scripts: its sandbox has no allow-scripts.
    let sandbox = s
        .exec("return document.getElementById('story-frame').getAttribute('sandbox')")
        .await;
    assert_eq!(sandbox, "allow-same-origin");

    // Bookmark it from the keyboard; the list remembers it was read.
    s.click(&format!("#{main_row}")).await;
    s.wait_for(
        "return document.getElementById('reader-loading').hidden",
        "the reader to be idle",
    )
    .await;
    s.press("b").await;
    s.wait_for(
        "return document.getElementById('btn-bookmark').getAttribute('aria-pressed') === 'true'",
        "the bookmark",
    )
    .await;

    // Follow a related story inside the app, then come back.
    let related = s
        .exec("return document.querySelectorAll('.related-link').length")
        .await;
    assert_eq!(related, 3, "the three other stories are related");
    let followed_title = s
        .exec("return document.querySelector('.related-link .related-link-title').textContent")
        .await;
    let followed_title = followed_title.as_str().unwrap().to_string();
    s.click(".related-link").await;
    s.wait_for(&title_is(&followed_title), "the followed story")
        .await;
    s.wait_for(&format!("return {FRAME_TEXT}.length > 200"), "its text")
        .await;
    s.click("#btn-back").await;
    s.wait_for(&title_is(MAIN_TITLE), "back to the main story")
        .await;
    s.click("#btn-forward").await;
    s.wait_for(&title_is(&followed_title), "forward again")
        .await;
    s.press("\u{E00C}").await; // Escape: back
    s.wait_for(&title_is(MAIN_TITLE), "Escape goes back").await;

    // Search finds the story, with the matched word highlighted.
    s.click("#search").await;
    s.type_into("#search", "Pyongyang summit").await;
    s.wait_for(
        "return document.getElementById('list-title').textContent.startsWith('Search') \
         && [...document.querySelectorAll('#list .row')].some(r => r.innerText.includes('Beijing Summit') && r.querySelector('mark'))",
        "the search result with a highlight",
    )
    .await;

    // The pictures are in the library before the network goes away.
    s.wait_for(
        "const i = document.getElementById('story-frame').contentDocument.querySelector('img'); \
         return i && i.complete && i.naturalWidth > 0",
        "the story's picture",
    )
    .await;
    s.quit().await;

    // Offline: the site is gone, the app restarts, the bookmarked story is all there.
    drop(server);
    let s = Session::start(&driver, library.path()).await;
    s.click("[data-source='bookmarks']").await;
    s.wait_for(
        "return document.querySelectorAll('#list .row').length === 1",
        "one bookmark",
    )
    .await;
    s.click("#list .row").await;
    s.wait_for(&title_is(MAIN_TITLE), "the bookmarked story offline")
        .await;
    let width = s
        .wait_for(
            "const i = document.getElementById('story-frame').contentDocument.querySelector('img'); \
             return i && i.complete ? i.naturalWidth : 0",
            "the picture offline",
        )
        .await;
    assert!(width.as_u64().unwrap() > 0, "picture width {width}");
    let text = s.exec(&format!("return {FRAME_TEXT}")).await;
    assert!(text.as_str().unwrap().contains(SEED_SENTENCE));
    s.quit().await;
}

// Pictures come behind the stories: the list fills while a slow picture server is still
// sending, and the open story shows its picture when it arrives, without being opened again.
#[tokio::test(flavor = "multi_thread")]
async fn pictures_follow_the_stories_and_the_open_story_shows_them_when_they_arrive() {
    let Some(driver) = Driver::start() else {
        return;
    };
    let server = news_site().await;
    const SLOW: Duration = Duration::from_secs(8);
    for name in ["lead-400.jpg", "lead-800.jpg"] {
        let bytes = std::fs::read(news_site::site_dir().join("img").join(name)).unwrap();
        server.route(
            &format!("/img/{name}"),
            Reply::ok("image/jpeg", bytes).behaviour(Behaviour::Delay(SLOW)),
        );
    }
    let library = tempfile::tempdir().unwrap();
    let s = Session::start(&driver, library.path()).await;
    s.click("#welcome-add").await;
    s.type_into("#add-url", &server.url("/")).await;
    let started = Instant::now();
    s.click("#add-submit").await;
    s.wait_for(
        "return document.querySelectorAll('#list .row').length === 4",
        "the list to fill",
    )
    .await;
    assert!(
        started.elapsed() < SLOW,
        "the list waited for the pictures: {:?}",
        started.elapsed()
    );
    click_row(&s, MAIN_TITLE).await;
    s.wait_for(&title_is(MAIN_TITLE), "the main story").await;
    s.wait_for(
        &format!("return {FRAME_TEXT}.includes({SEED_SENTENCE:?})"),
        "the story's text",
    )
    .await;
    if started.elapsed() < SLOW {
        let pictures = s
            .exec("return [...document.getElementById('story-frame').contentDocument.querySelectorAll('img')].filter(i => i.getAttribute('src')).length")
            .await;
        // An uncached picture is shown as its place (and alt text), never fetched from the site.
        assert_eq!(pictures, 0, "the picture is still on its way");
    }
    s.wait_for(
        "const i = document.getElementById('story-frame').contentDocument.querySelector('img'); \
         return !!i && i.src.startsWith('broadsheet-img') && i.complete && i.naturalWidth > 0",
        "the picture, once it arrives, in the story already open",
    )
    .await;
    s.quit().await;
}

/// HTML the sanitizer would never let through, written straight into the library to simulate a
/// sanitizer miss: every way it tries to reach the IPC bridge or the top window must fail.
const HOSTILE_HTML: &str = concat!(
    "<p id=hostile>Hostile story</p>",
    "<img src=x onerror=\"window.top.__TAURI_INTERNALS__.invoke('__canary')\">",
    "<script>parent.__TAURI__.core.invoke('__canary'); window.top.__pwned = 1</script>",
    "<a id=js-link href=\"javascript:top.__pwned=1;top.__TAURI_INTERNALS__.invoke('__canary')\">click me</a>",
    "<iframe srcdoc=\"<script>top.__TAURI_INTERNALS__.invoke('__canary');top.__pwned=1</script>\"></iframe>",
    "<details open ontoggle=\"top.__TAURI_INTERNALS__.invoke('__canary')\"><summary>s</summary></details>",
    "<svg onload=\"top.__pwned=1\"><circle r=5 /></svg>",
    "<form action=\"javascript:top.__pwned=1\"><button id=form-button>Go</button></form>",
);

#[tokio::test(flavor = "multi_thread")]
async fn a_story_that_tries_to_call_the_ipc_bridge_reaches_nothing() {
    let Some(driver) = Driver::start() else {
        return;
    };
    let library = tempfile::tempdir().unwrap();
    {
        let lib = Library::open(library.path(), LibraryConfig::default()).unwrap();
        let hostile = NewArticle {
            url: Some("https://news.example/2024/a.html".into()),
            title: "<img src=x onerror=alert(1)> Hostile".into(),
            author: Some("'onmouseover='alert(1)".into()),
            html: HOSTILE_HTML.into(),
            excerpt: "<b>not bold</b>".into(),
            ..story("hostile", "", "Hostile story", chrono::Utc::now())
        };
        lib.store()
            .add_page_article(&hostile, chrono::Utc::now())
            .unwrap();
    }
    let canary = library.path().join("canary-called");
    // The app through a script that keeps what it prints: a debug build prints its page's
    // console, where WebKit reports every Content Security Policy violation.
    let console_log = library.path().join("console.log");
    let program = library.path().join("broadsheet-logged");
    std::fs::write(
        &program,
        format!(
            "#!/bin/sh\nexec {:?} \"$@\" >>{:?} 2>&1\n",
            env!("CARGO_BIN_EXE_broadsheet"),
            console_log
        ),
    )
    .unwrap();
    std::fs::set_permissions(
        &program,
        std::os::unix::fs::PermissionsExt::from_mode(0o755),
    )
    .unwrap();

    let s = Session::start_program(&driver, &program, library.path()).await;
    s.wait_for(
        "return document.querySelectorAll('#list .row').length === 1",
        "the hostile story in the list",
    )
    .await;
    // Titles are text: the markup in the title shows literally and creates no element.
    let row = s
        .exec("const r = document.querySelector('#list .row'); return [r.innerText, r.querySelectorAll('img, b').length]")
        .await;
    assert!(
        row[0]
            .as_str()
            .unwrap()
            .contains("<img src=x onerror=alert(1)>"),
        "{row}"
    );
    assert_eq!(
        row[1], 0,
        "markup from the title or excerpt became elements"
    );
    s.click("#list .row").await;
    s.wait_for(
        &format!("return {FRAME_TEXT}.includes('Hostile story')"),
        "the hostile story",
    )
    .await;
    let title_elements = s
        .exec("return document.getElementById('story-title').children.length")
        .await;
    assert_eq!(title_elements, 0);

    // Click the javascript: link and the form button inside the story, for real.
    s.frame(Some("#story-frame")).await;
    s.click("#js-link").await;
    s.frame(None).await;
    s.frame(Some("#story-frame")).await;
    s.click("#form-button").await;
    s.frame(None).await;
    tokio::time::sleep(Duration::from_millis(1500)).await;
    // The click was seen by the window, which refused the javascript: link.
    s.wait_for(
        "return document.getElementById('toasts').innerText.includes('does not open javascript')",
        "the refusal of the javascript: link",
    )
    .await;

    // The same link from the keyboard: `l` selects it, Enter hands it to the same refusal.
    s.exec("document.getElementById('toasts').replaceChildren(); return null")
        .await;
    s.click("#story-title").await;
    s.press("l").await;
    s.wait_for(
        "return document.getElementById('story-status').textContent.startsWith('Link 1 of')",
        "the first link selected from the keyboard",
    )
    .await;
    s.press("\u{E007}").await; // Enter
    s.wait_for(
        "return document.getElementById('toasts').innerText.includes('does not open javascript')",
        "the refusal of the javascript: link opened from the keyboard",
    )
    .await;

    assert!(!canary.exists(), "the story reached the IPC bridge");
    let pwned = s.exec("return typeof window.__pwned").await;
    assert_eq!(pwned, "undefined", "the story ran code in the window");
    let url = s.exec("return location.href").await;
    assert!(
        url.as_str().unwrap().starts_with("tauri://localhost"),
        "the window navigated to {url}"
    );
    // The frame is still the story (not navigated to a javascript: or form URL).
    let frame_url = s
        .exec("return document.getElementById('story-frame').contentWindow.location.href")
        .await;
    assert_eq!(frame_url, "about:srcdoc");
    // The window itself can still reach the backend: the bridge was there to be attacked.
    let alive = s
        .exec("return typeof window.__TAURI_INTERNALS__.invoke")
        .await;
    assert_eq!(alive, "function");
    // INV-3: no Content Security Policy violation anywhere in the window or the story. The
    // console reaches the file when the app exits (the web process buffers it), after the marker.
    s.exec("console.log('end of the hostile story test'); return 0")
        .await;
    s.quit().await;
    let deadline = std::time::Instant::now() + Duration::from_secs(15);
    let console = loop {
        let text = std::fs::read_to_string(&console_log).unwrap_or_default();
        if text.contains("end of the hostile story test") {
            break text;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "the console never reached {console_log:?}: {text:?}"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    };
    assert!(
        !console.contains("Content Security Policy"),
        "CSP violations in the console:\n{console}"
    );
}

/// Makes the README's screenshots (light, dark, narrow) from a realistic library; run by
/// tests/screenshots.sh. Ignored in the ordinary test run.
#[tokio::test(flavor = "multi_thread")]
#[ignore = "makes docs/screenshots; run by tests/screenshots.sh"]
async fn screenshots() {
    let Some(driver) = Driver::start() else {
        return;
    };
    let out = std::env::var_os("BROADSHEET_SCREENSHOTS_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("docs/screenshots"));
    std::fs::create_dir_all(&out).unwrap();
    let server = news_site().await;
    server.route(
        "/science.xml",
        Reply::ok(
            "application/rss+xml",
            made_up_feed(
                "Tidewater Science Notes",
                &[
                    ("Estuary oysters filter more than expected, survey finds", "Sun, 01 Sep 2024 09:00:00 GMT",
                     "A summer-long count in the lower estuary found oyster beds clearing the water faster than older models assumed."),
                    ("Why the autumn plankton bloom came early this year", "Fri, 30 Aug 2024 15:30:00 GMT",
                     "Warmer surface water and calm weeks in August gave the bloom a head start, researchers say."),
                    ("A quiet comeback for the harbour seal", "Wed, 28 Aug 2024 07:10:00 GMT",
                     "Counts on the sandbanks have doubled in a decade, helped by cleaner water and fewer nets."),
                ],
            ),
        ),
    );
    server.route(
        "/rail.xml",
        Reply::ok(
            "application/rss+xml",
            made_up_feed(
                "Northern Rail Gazette",
                &[
                    ("Night trains return to the coast line in October", "Sat, 31 Aug 2024 18:00:00 GMT",
                     "Sleeper services will run three nights a week, with bicycles welcome in the first carriage."),
                    ("Signal upgrade means weekend closures near the junction", "Thu, 29 Aug 2024 11:45:00 GMT",
                     "Replacement buses will run every twenty minutes while engineers finish the new signalling."),
                ],
            ),
        ),
    );
    // A feed that worked once and now fails: the sidebar shows its health.
    server.route(
        "/weather.xml",
        Reply::ok(
            "application/rss+xml",
            made_up_feed(
                "Harbour Weather Desk",
                &[("Fog banks expected along the bay until midweek", "Sat, 31 Aug 2024 06:00:00 GMT",
                   "Visibility may drop below a kilometre in the mornings; ferries plan extra time.")],
            ),
        ),
    );
    // The made-up feeds are sites of their own (`NAME.localhost` reaches the same loopback
    // server), without icons: their sidebar rows keep the monogram beside the news site's icon.
    let port = server.addr().port();
    let other_site = |name: &str, path: &str| format!("http://{name}.localhost:{port}{path}");
    let favicon = std::fs::read(
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/news-site/favicon.ico"),
    )
    .unwrap();
    server.route_fn("/favicon.ico", move |request| {
        if request
            .header("host")
            .is_some_and(|h| h.contains(".localhost"))
        {
            Reply::status(404)
        } else {
            Reply::ok("image/x-icon", favicon.clone())
        }
    });
    let library = tempfile::tempdir().unwrap();
    {
        let lib = Library::open(library.path(), LibraryConfig::default()).unwrap();
        lib.subscribe(&server.url("/"), Some("News")).await.unwrap();
        lib.subscribe(&other_site("science", "/science.xml"), Some("Science"))
            .await
            .unwrap();
        lib.subscribe(&other_site("rail", "/rail.xml"), None)
            .await
            .unwrap();
        lib.subscribe(&other_site("weather", "/weather.xml"), None)
            .await
            .unwrap();
        server.route("/weather.xml", Reply::status(503));
        lib.refresh(None, &|_| {}).await.unwrap();
        lib.follow_up(&|_| {}).await.unwrap();
        let articles = lib
            .articles(broadsheet_engine::model::ArticleQuery::default())
            .await
            .unwrap();
        for a in &articles {
            if a.title.contains("Indian Farmers") || a.title.contains("harbour seal") {
                lib.set_read(a.id, true).await.unwrap();
            }
            if a.title.contains("Tianjin") {
                lib.set_bookmarked(a.id, true).await.unwrap();
            }
        }
    }

    for (name, theme, width) in [
        ("light", "light", 1280),
        ("dark", "dark", 1280),
        ("narrow", "light", 720),
    ] {
        {
            let lib = Library::open(library.path(), LibraryConfig::default()).unwrap();
            let mut settings = lib.settings().await.unwrap();
            settings.theme = theme.into();
            // Each picture starts from the list of everything, not where the last one was left.
            settings.last_source = "all".into();
            settings.last_article = 0;
            lib.save_settings(settings).await.unwrap();
        }
        let s = Session::start(&driver, library.path()).await;
        s.set_window_size(width, 800).await;
        click_row(&s, MAIN_TITLE).await;
        s.wait_for(
            "const i = document.getElementById('story-frame').contentDocument.querySelector('img'); \
             return i && i.complete && i.naturalWidth > 0",
            "the story's picture",
        )
        .await;
        // The toasts and focus rings of the clicks are not part of the picture.
        s.exec("document.getElementById('toasts').replaceChildren(); document.activeElement.blur(); return 0")
            .await;
        tokio::time::sleep(Duration::from_millis(400)).await;
        let png = s.screenshot().await;
        assert!(png.starts_with(b"\x89PNG"), "a PNG");
        std::fs::write(out.join(format!("{name}.png")), png).unwrap();
        // The settings and the rules, for a look at them (not in the README); in the narrow
        // window the story covers the sidebar and its settings button.
        if std::env::var_os("BROADSHEET_SCREENSHOTS_PANES").is_some() && width > 1000 {
            s.click("#btn-settings").await;
            s.wait_for(
                "return document.getElementById('dlg-settings').open ? 1 : 0",
                "the settings",
            )
            .await;
            tokio::time::sleep(Duration::from_millis(400)).await;
            std::fs::write(
                out.join(format!("{name}-settings.png")),
                s.screenshot().await,
            )
            .unwrap();
            s.click("#settings-rules").await;
            s.wait_for(
                "return document.getElementById('dlg-rules').open ? 1 : 0",
                "the rules",
            )
            .await;
            tokio::time::sleep(Duration::from_millis(400)).await;
            std::fs::write(out.join(format!("{name}-rules.png")), s.screenshot().await).unwrap();
        }
        s.quit().await;
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn settings_apply_at_once_and_are_kept() {
    let Some(driver) = Driver::start() else {
        return;
    };
    let library = tempfile::tempdir().unwrap();
    {
        let lib = Library::open(library.path(), LibraryConfig::default()).unwrap();
        let now = chrono::Utc::now();
        let article = story("page", "A saved page", "Some words of the story.", now);
        lib.store().add_page_article(&article, now).unwrap();
    }
    let story_style = "const d = document.getElementById('story-frame').contentDocument; \
         const s = getComputedStyle(d.body); \
         return [document.documentElement.dataset.theme, d.documentElement.classList.contains('dark'), \
                 s.fontSize, d.documentElement.classList.contains('sans')]";

    let s = Session::start(&driver, library.path()).await;
    s.click("#list .row").await;
    s.wait_for(&title_is("A saved page"), "the story").await;
    // The defaults: light, 18 px serif (once the frame has loaded and been styled).
    s.wait_for(
        &format!("{story_style}.join() === 'light,false,18px,false' ? 1 : 0"),
        "the story in the default style",
    )
    .await;

    // The story's text can be selected with the mouse (the frame itself takes no pointer
    // events) and copied with Ctrl+C.
    let line = s
        .exec(
            "const f = document.getElementById('story-frame'); const r = f.getBoundingClientRect(); \
             const p = f.contentDocument.querySelector('p').getBoundingClientRect(); \
             return [Math.round(r.left + p.left + 2), Math.round(r.top + p.top + p.height / 2), \
                     Math.round(r.left + p.right - 2)]",
        )
        .await;
    let (x0, y, x1) = (
        line[0].as_i64().unwrap(),
        line[1].as_i64().unwrap(),
        line[2].as_i64().unwrap(),
    );
    s.drag((x0, y), (x1, y)).await;
    let selected = s
        .exec("return document.getElementById('story-frame').contentDocument.getSelection().toString()")
        .await;
    assert!(
        selected.as_str().unwrap().contains("words of the story"),
        "selected {selected}"
    );
    // A double click selects the word under the pointer, a triple click the paragraph.
    let selection = "return document.getElementById('story-frame').contentDocument.getSelection().toString().trim()";
    s.click_at((x0 + 4, y), 2).await;
    assert_eq!(s.exec(selection).await, "Some");
    s.click_at((x0 + 4, y), 3).await;
    assert_eq!(s.exec(selection).await, "Some words of the story.");
    s.chord(&["\u{E009}", "c"]).await; // Control+C
    s.wait_for(
        "return document.getElementById('story-status').textContent === 'Copied the selected text.'",
        "the selection to be copied",
    )
    .await;

    s.click("#btn-settings").await;
    s.wait_for(
        "return document.getElementById('dlg-settings').open && \
         document.getElementById('settings-info').textContent.includes('Library: ')",
        "the settings dialog with the library's folder",
    )
    .await;
    for (id, value) in [
        ("set-theme", "dark"),
        ("set-size", "24"),
        ("set-font", "sans"),
        ("set-refresh", "0"),
        ("set-retention", "30"),
        ("set-images", "200"),
    ] {
        s.exec(&set_control(id, value)).await;
    }
    // Each change shows at once, behind the dialog.
    s.wait_for(
        &format!("{story_style}.join() === 'dark,true,24px,true' ? 1 : 0"),
        "dark, 24 px sans story text",
    )
    .await;
    // A cleared number field keeps the value it had instead of saving nonsense.
    s.exec(&set_control("set-retention", "")).await;
    s.click("#settings-close").await;
    s.wait_for(
        "return !document.getElementById('dlg-settings').open",
        "the dialog to close",
    )
    .await;
    s.quit().await;

    // Kept in the library: the engine reads them back, and the next start shows them.
    let saved = Library::open(library.path(), LibraryConfig::default())
        .unwrap()
        .settings()
        .await
        .unwrap();
    assert_eq!(
        (
            saved.theme.as_str(),
            saved.text_size,
            saved.font.as_str(),
            saved.refresh_minutes,
            saved.retention_days,
            saved.image_budget_mb
        ),
        ("dark", 24, "sans", 0, 30, 200)
    );
    let s = Session::start(&driver, library.path()).await;
    assert_eq!(
        s.exec("return document.documentElement.dataset.theme")
            .await,
        "dark"
    );
    s.click("#btn-settings").await;
    let shown = s
        .wait_for(
            "const v = ['set-theme', 'set-size', 'set-font', 'set-refresh', 'set-retention', 'set-images'] \
             .map(id => document.getElementById(id).value); \
             return document.getElementById('dlg-settings').open ? v : null",
            "the dialog again",
        )
        .await;
    assert_eq!(
        shown,
        serde_json::json!(["dark", "24", "sans", "0", "30", "200"])
    );
    s.press("\u{E00C}").await; // Escape closes it
    s.wait_for(
        "return !document.getElementById('dlg-settings').open",
        "Escape to close the dialog",
    )
    .await;
    s.quit().await;
}
