//! The command line against a realistic loopback news site (tests/fixtures/news-site): a home
//! page with a feed link, a teaser-only feed, story pages full of clutter, related stories and
//! pictures. Checks that what a reader keeps is the story, whole and clean.

#[path = "support/news_site.rs"]
mod news_site;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use broadsheet_engine::library::{Library, LibraryConfig};

use fixture_server::{Behaviour, FixtureServer, Reply};
use news_site::news_site;
use serde_json::Value;

const MAIN_STORY: &str = "/2024/09/02/beijing-summit-russia-north-korea-china.html";

/// Page furniture that must never reach a stored story.
const CLUTTER: &[&str] = &[
    "We use cookies",
    "Share on Facebook",
    "Advertisement",
    "The Morning Ledger",
    "More like this",
    "Trending topics",
    "Sign in to comment",
    "Great analysis",
    "All rights reserved",
    "dataLayer",
];

fn seed_sentence() -> String {
    // The seed's opening sentence is the story's; it must arrive whole.
    let seeds = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/news-site");
    let page = std::fs::read_to_string(seeds.join(MAIN_STORY.trim_start_matches('/'))).unwrap();
    assert!(page.contains("In a rare show of unity"));
    "In a rare show of unity among some of the world".to_string()
}

async fn broadsheet(dir: &Path, args: &[&str]) -> Value {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_broadsheet"));
    cmd.arg("--data-dir").arg(dir).args(args).arg("--json");
    let out = tokio::task::spawn_blocking(move || cmd.output())
        .await
        .unwrap()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{args:?} failed: {stderr}");
    serde_json::from_slice(&out.stdout).unwrap()
}

#[tokio::test(flavor = "multi_thread")]
async fn a_teaser_feed_becomes_whole_clean_stories_with_related_links() {
    let server = news_site().await;
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();

    // Subscribing by the home page finds the feed through its <link rel="alternate">.
    let feed = broadsheet(d, &["subscribe", &server.url("/")]).await;
    assert_eq!(feed["title"], "The Harbour Ledger");
    assert_eq!(feed["unread"], 4);
    // Its icon, from the home page's <link rel="icon">, is served from the library.
    assert_eq!(server.hits("/img/ledger-icon-32.png"), 1);
    assert!(
        feed["icon"]
            .as_str()
            .is_some_and(|icon| icon.contains("broadsheet-img")),
        "{feed}"
    );

    let list = broadsheet(d, &["articles"]).await;
    let main = list
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["url"] == server.url(MAIN_STORY))
        .expect("the main story is listed")
        .clone();
    let shown = broadsheet(d, &["show", &main["id"].to_string()]).await;
    let text = shown["text"].as_str().unwrap();
    let html = shown["html"].as_str().unwrap();

    // The feed had a one-line teaser; the library has the story from the page.
    assert!(text.contains(&seed_sentence()), "{text}");
    assert!(text.len() > 2000, "only {} characters kept", text.len());
    for clutter in CLUTTER {
        assert!(!text.contains(clutter), "text keeps {clutter:?}");
        assert!(!html.contains(clutter), "html keeps {clutter:?}");
    }
    assert!(!html.contains("<script") && !html.contains("px.gif"));
    assert_eq!(shown["site_name"], "The Harbour Ledger");
    assert!(shown["lead_image"]
        .as_str()
        .unwrap()
        .starts_with(&server.url("/img/")));

    // Its pictures are in the library: the lead picture, not the tracking pixel.
    let images = shown["images"].as_array().unwrap();
    assert!(!images.is_empty());
    assert!(images.iter().all(|i| i["cached"] == true), "{images:?}");
    assert!(images
        .iter()
        .all(|i| !i["url"].as_str().unwrap().contains("px.gif")));

    // The related stories are the site's three other stories, never the story itself.
    let related = shown["related"].as_array().unwrap();
    assert_eq!(related.len(), 3, "{related:?}");
    for r in related {
        let url = r["url"].as_str().unwrap();
        assert!(url.starts_with(&server.url("/2024/")), "{url}");
        assert_ne!(url, server.url(MAIN_STORY));
        assert!(!r["title"].as_str().unwrap().is_empty());
    }

    // With the site gone, the story still reads whole, pictures included.
    let server_url_prefix = server.url("/img/");
    drop(server);
    let offline = broadsheet(d, &["show", &main["id"].to_string()]).await;
    assert_eq!(offline["text"], shown["text"]);
    assert_eq!(offline["images"], shown["images"]);
    let html_file = d.join("story.html");
    let id = main["id"].to_string();
    let wrote = broadsheet(
        d,
        &[
            "export",
            &id,
            "--format",
            "html",
            "--output",
            html_file.to_str().unwrap(),
        ],
    )
    .await;
    assert_eq!(wrote["path"], html_file.to_str().unwrap());
    let exported = std::fs::read_to_string(&html_file).unwrap();
    assert!(
        exported.contains("data:image/jpeg;base64,"),
        "pictures inlined"
    );
    assert!(
        !exported.contains(&server_url_prefix),
        "nothing left to fetch"
    );
    assert!(exported.contains("In a rare show of unity"));
    let md_file = d.join("story.md");
    broadsheet(
        d,
        &[
            "export",
            &id,
            "--format",
            "markdown",
            "--output",
            md_file.to_str().unwrap(),
        ],
    )
    .await;
    let md = std::fs::read_to_string(&md_file).unwrap();
    assert!(md.starts_with("# Beijing Summit"), "{md}");
    assert!(!md.contains('<'), "no raw HTML in Markdown");
    let cached_files = walk_files(&d.join("images"));
    assert!(
        cached_files >= images.len(),
        "{cached_files} files for {} pictures",
        images.len()
    );
}

fn walk_files(dir: &Path) -> usize {
    std::fs::read_dir(dir)
        .map(|entries| {
            entries
                .flatten()
                .map(|e| {
                    let p = e.path();
                    if p.is_dir() {
                        walk_files(&p)
                    } else {
                        1
                    }
                })
                .sum()
        })
        .unwrap_or(0)
}

#[tokio::test(flavor = "multi_thread")]
async fn any_page_opens_as_an_article_once() {
    let server = news_site().await;
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let url = server.url("/2024/09/01/tianjin-port-reopens-after-typhoon.html");

    let first = broadsheet(d, &["open", &url]).await;
    assert!(first["feed_id"].is_null());
    assert!(first["title"]
        .as_str()
        .unwrap()
        .starts_with("Tianjin Port Reopens"));
    assert!(!first["text"].as_str().unwrap().contains("We use cookies"));
    assert!(!first["related"].as_array().unwrap().is_empty());
    let hits = server.hits("/2024/09/01/tianjin-port-reopens-after-typhoon.html");

    // Again: the stored article, without fetching the page again.
    let again = broadsheet(d, &["open", &url]).await;
    assert_eq!(again["id"], first["id"]);
    assert_eq!(
        server.hits("/2024/09/01/tianjin-port-reopens-after-typhoon.html"),
        hits
    );
    let list = broadsheet(d, &["articles"]).await;
    assert_eq!(list.as_array().unwrap().len(), 1);
}

// Opening a page waits for its own pictures, not for the library's backlog of other stories'.
#[tokio::test(flavor = "multi_thread")]
async fn opening_a_page_fetches_its_own_pictures_not_the_librarys_backlog() {
    let server = news_site().await;
    let slow = Duration::from_secs(5);
    for name in ["port.jpg", "missiles.jpg", "farmers.jpg"] {
        let bytes = std::fs::read(news_site::site_dir().join("img").join(name)).unwrap();
        server.route(
            &format!("/img/{name}"),
            Reply::ok("image/jpeg", bytes).behaviour(Behaviour::Delay(slow)),
        );
    }
    let page =
        std::fs::read(news_site::site_dir().join(MAIN_STORY.trim_start_matches('/'))).unwrap();
    server.route(
        "/saved/summit.html",
        Reply::ok("text/html; charset=utf-8", page),
    );
    let dir = tempfile::tempdir().unwrap();
    {
        // A subscription whose pictures are still to come: the engine's subscribe leaves them
        // to its caller, as the window's background worker takes them.
        let lib = Library::open(dir.path(), LibraryConfig::default()).unwrap();
        lib.subscribe(&server.url("/"), None).await.unwrap();
    }

    let started = Instant::now();
    let opened = broadsheet(dir.path(), &["open", &server.url("/saved/summit.html")]).await;
    assert!(
        started.elapsed() < slow,
        "open waited for other stories' pictures: {:?}",
        started.elapsed()
    );
    let images = opened["images"].as_array().unwrap();
    assert!(
        !images.is_empty() && images.iter().all(|i| i["cached"] == true),
        "{images:?}"
    );
    assert_eq!(
        server.hits("/img/port.jpg"),
        0,
        "the backlog was left alone"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_page_that_is_not_a_story_gets_a_clear_error() {
    let server = FixtureServer::start().await.unwrap();
    server.route(
        "/menu",
        Reply::ok(
            "text/html",
            "<html><body><nav><a href=\"/a\">A</a><a href=\"/b\">B</a></nav></body></html>",
        ),
    );
    server.route("/deep", Reply::ok("text/html", "<div>".repeat(200_000)));
    let dir = tempfile::tempdir().unwrap();
    for (path, kind) in [
        ("/menu", "no_content"),
        ("/deep", "too_complex"),
        ("/missing", "http_status"),
    ] {
        let started = std::time::Instant::now();
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_broadsheet"));
        cmd.arg("--data-dir")
            .arg(dir.path())
            .args(["open", &server.url(path), "--json"]);
        let out = tokio::task::spawn_blocking(move || cmd.output())
            .await
            .unwrap()
            .unwrap();
        assert!(!out.status.success(), "{path} should fail");
        assert!(out.stdout.is_empty());
        let err: Value = serde_json::from_slice(&out.stderr).unwrap();
        assert_eq!(err["kind"], kind, "{path}: {err}");
        assert!(
            started.elapsed() < std::time::Duration::from_secs(5),
            "{path} took too long"
        );
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn always_fetch_the_full_story_replaces_even_long_summaries() {
    use fixture_server::Reply;
    let server = news_site().await;
    // A feed whose item carries a long summary (not a teaser), linking to the site's story.
    let long = "Officials met for talks. ".repeat(40);
    // One item, linking to the main story, with a summary long enough not to be a teaser.
    let feed = |title: &str, summary: &str| {
        format!(
            "<rss version=\"2.0\"><channel><title>Long summaries</title><item><guid>s</guid><title>{title}</title>\
             <link>{}</link><description>{summary}</description></item></channel></rss>",
            server.url(MAIN_STORY)
        )
    };
    server.route(
        "/long.xml",
        Reply::ok("application/rss+xml", feed("Summit", &long)),
    );
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let sub = broadsheet(d, &["subscribe", &server.url("/long.xml")]).await;
    let id = sub["id"].to_string();
    let list = broadsheet(d, &["articles"]).await;
    let article = list[0]["id"].to_string();
    let before = broadsheet(d, &["show", &article]).await;
    assert!(
        before["text"]
            .as_str()
            .unwrap()
            .starts_with("Officials met"),
        "a long summary is kept as it is"
    );

    let on = broadsheet(d, &["full-story", &id, "on"]).await;
    assert_eq!(on["full_story"], true);
    // The feed edits its item: the update now brings the whole story from the page.
    let edited = feed("Summit, updated", &format!("{long} More."));
    server.route("/long.xml", Reply::ok("application/rss+xml", edited));
    broadsheet(d, &["refresh"]).await;
    let after = broadsheet(d, &["show", &article]).await;
    assert!(
        after["text"]
            .as_str()
            .unwrap()
            .contains("In a rare show of unity"),
        "{}",
        after["text"]
    );
}
