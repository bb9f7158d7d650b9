//! Stories in the real window (issue 12): an article reported by another outlet shows that
//! outlet's write-up under "Also covered by", which opens inside the reader, with Back.
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

/// A feed of one outlet's write-up of the storm, its link on the loopback server.
fn outlet(name: &str, title: &str, date: &str) -> String {
    format!(
        "<?xml version=\"1.0\" encoding=\"utf-8\"?><rss version=\"2.0\"><channel><title>{name}</title><link>/</link>\
         <item><guid>{name}-1</guid><title>{title}</title><link>/{name}/orla.html</link><pubDate>{date}</pubDate>\
         <description>{LEAD}</description></item></channel></rss>"
    )
}

#[tokio::test(flavor = "multi_thread")]
async fn another_outlets_write_up_is_also_covered_by_and_opens_in_the_reader_with_back() {
    let Some(driver) = Driver::start() else {
        return;
    };
    let server = FixtureServer::start().await.unwrap();
    let library = tempfile::tempdir().unwrap();
    {
        let lib = Library::open(library.path(), LibraryConfig::default()).unwrap();
        for (name, title, date) in [
            (
                "wire",
                "Storm Orla: red warning in the west",
                "Mon, 02 Mar 2026 10:00:00 GMT",
            ),
            (
                "paper",
                "Storm Orla batters the west coast",
                "Mon, 02 Mar 2026 11:00:00 GMT",
            ),
        ] {
            let path = format!("/{name}.xml");
            server.route(
                &path,
                Reply::ok("application/rss+xml", outlet(name, title, date)),
            );
            lib.subscribe(&server.url(&path), None).await.unwrap();
        }
    }
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
    assert!(covered.to_lowercase().contains("also covered by"), "{covered}");
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
