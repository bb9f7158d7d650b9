//! Stories in the real window (issue 12): an article reported by another outlet shows that
//! outlet's write-up under "Also covered by", which opens inside the reader, with Back; the list
//! shows one row per story (a toggle in its header), and marking a story read marks all of it.
//! Without the WebDriver tools the test prints a note and passes, unless `BROADSHEET_E2E=1`.

#[path = "e2e/webdriver.rs"]
mod webdriver;

#[path = "e2e/helpers.rs"]
mod helpers;

use broadsheet_engine::library::{Library, LibraryConfig};
use fixture_server::{FixtureServer, Reply};
use helpers::{click_row, title_is};
use webdriver::Driver;
use webdriver::Session;

const LEAD: &str = "Met Eireann issued a red wind warning for Galway, Mayo and Clare as Storm \
    Orla brought gusts of 150 km/h to the west coast, and 90,000 homes were without power.";

const QUAKE: &str = "A magnitude 6.8 earthquake struck southern Peru near Arequipa, shaking \
    buildings in Lima 700 km away; the Pacific Tsunami Warning Center said there was no threat.";

/// A feed of one outlet's write-up, its link on the loopback server.
fn outlet(name: &str, title: &str, date: &str, lead: &str) -> String {
    format!(
        "<?xml version=\"1.0\" encoding=\"utf-8\"?><rss version=\"2.0\"><channel><title>{name}</title><link>/</link>\
         <item><guid>{name}-1</guid><title>{title}</title><link>/{name}/story.html</link><pubDate>{date}</pubDate>\
         <description>{lead}</description></item></channel></rss>"
    )
}

/// A library subscribed to two outlets' write-ups of the storm and a third outlet's of a quake.
async fn storm_and_quake(server: &FixtureServer) -> tempfile::TempDir {
    let library = tempfile::tempdir().unwrap();
    let lib = Library::open(library.path(), LibraryConfig::default()).unwrap();
    for (name, title, date, lead) in [
        (
            "wire",
            "Storm Orla: red warning in the west",
            "Mon, 02 Mar 2026 10:00:00 GMT",
            LEAD,
        ),
        (
            "paper",
            "Storm Orla batters the west coast",
            "Mon, 02 Mar 2026 11:00:00 GMT",
            LEAD,
        ),
        (
            "andes",
            "Earthquake strikes southern Peru",
            "Mon, 02 Mar 2026 09:00:00 GMT",
            QUAKE,
        ),
    ] {
        let path = format!("/{name}.xml");
        server.route(
            &path,
            Reply::ok("application/rss+xml", outlet(name, title, date, lead)),
        );
        lib.subscribe(&server.url(&path), None).await.unwrap();
    }
    library
}

#[tokio::test(flavor = "multi_thread")]
async fn another_outlets_write_up_is_also_covered_by_and_opens_in_the_reader_with_back() {
    let Some(driver) = Driver::start() else {
        return;
    };
    let server = FixtureServer::start().await.unwrap();
    let library = storm_and_quake(&server).await;
    let s = Session::start(&driver, library.path()).await;
    click_row(&s, "Storm Orla batters the west coast").await;
    s.wait_for(
        &title_is("Storm Orla batters the west coast"),
        "the paper's story",
    )
    .await;
    let covered = s
        .wait_for(
            "const c = document.getElementById('coverage'); \
             return !c.hidden && c.innerText",
            "Also covered by",
        )
        .await;
    let covered = covered.as_str().unwrap();
    // innerText is as shown: the heading is in capitals.
    assert!(
        covered.to_lowercase().contains("also covered by"),
        "{covered}"
    );
    assert!(
        covered.contains("Storm Orla: red warning in the west"),
        "{covered}"
    );
    assert!(covered.contains("wire"), "the outlet is named: {covered}");

    s.click(".coverage-link").await;
    s.wait_for(
        &title_is("Storm Orla: red warning in the west"),
        "the wire's story",
    )
    .await;
    s.click("#btn-back").await;
    s.wait_for(
        &title_is("Storm Orla batters the west coast"),
        "back to the paper's",
    )
    .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn the_list_shows_one_row_per_story_and_marking_the_story_read_marks_every_outlets() {
    let Some(driver) = Driver::start() else {
        return;
    };
    let server = FixtureServer::start().await.unwrap();
    let library = storm_and_quake(&server).await;
    let s = Session::start(&driver, library.path()).await;

    // By story (the default): the storm once, newest write-up first, with its other outlet.
    let rows = s
        .wait_for(
            "const r = [...document.querySelectorAll('#list .row')]; return r.length === 2 && r.map(x => x.innerText)",
            "two stories",
        )
        .await;
    let rows: Vec<String> = serde_json::from_value(rows).unwrap();
    assert!(
        rows[0].contains("Storm Orla batters the west coast"),
        "{rows:?}"
    );
    assert!(rows[0].contains("+1 outlet"), "{rows:?}");
    assert!(!rows[1].contains("outlet"), "{rows:?}");
    let icons = s
        .exec("return document.querySelectorAll('#list .row .row-outlet-icons > *').length")
        .await;
    assert_eq!(icons, 1, "the other outlet's icon");
    let pressed = s
        .exec("return document.getElementById('btn-stories').getAttribute('aria-pressed')")
        .await;
    assert_eq!(pressed, "true");

    // One row per article, then back.
    s.click("#btn-stories").await;
    s.wait_for(
        "return document.querySelectorAll('#list .row').length === 3",
        "three articles",
    )
    .await;
    s.click("#btn-stories").await;
    s.wait_for(
        "return document.querySelectorAll('#list .row').length === 2",
        "two stories again",
    )
    .await;

    // The story row's menu marks the whole story read: both outlets' articles, not the quake.
    s.exec(
        "const r = document.querySelector('#list .row'); const b = r.getBoundingClientRect(); \
         r.dispatchEvent(new MouseEvent('contextmenu', {bubbles: true, clientX: b.x + 20, clientY: b.y + 20})); return 0",
    )
    .await;
    let items = s
        .wait_for(
            "const m = document.querySelector('.menu[role=menu]'); \
             return m && [...m.querySelectorAll('[role=menuitem]')].map(b => b.textContent)",
            "the story's menu",
        )
        .await;
    assert_eq!(items[3], "Mark story as read", "{items}");
    s.click(".menu [role=menuitem]:nth-child(4)").await;
    s.wait_for(
        "return document.querySelector('#list .row').classList.contains('is-read')",
        "the story row read",
    )
    .await;
    s.click("#btn-stories").await;
    let rows = s
        .wait_for(
            "const r = [...document.querySelectorAll('#list .row')]; \
             return r.length === 3 && r.map(x => [x.innerText.includes('Storm'), x.classList.contains('is-read')])",
            "three articles",
        )
        .await;
    let rows: Vec<(bool, bool)> = serde_json::from_value(rows).unwrap();
    for (storm, read) in rows {
        assert_eq!(
            storm, read,
            "storm articles read, the quake not: {storm} {read}"
        );
    }
}
