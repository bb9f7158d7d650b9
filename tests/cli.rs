//! End-to-end tests of the headless command line: the real `broadsheet` binary against feeds
//! served from a loopback server that the test starts. Nothing here touches the internet.

use std::process::Command;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use fixture_server::{FixtureServer, Reply};
use serde_json::Value;

#[path = "support/command_line.rs"]
mod command_line;
use command_line::{broadsheet, Run};

/// An RSS 2.0 document; items are (guid, title, description, RFC 2822 date). Its links are
/// relative, so they resolve to the loopback server that serves it: a short description makes
/// the engine fetch the item's page (a 404 here, so the item keeps its summary), and the icon
/// look asks the same server, never a name that would need DNS.
fn rss(title: &str, items: &[(&str, &str, &str, &str)]) -> String {
    let mut out = format!(
        "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<rss version=\"2.0\"><channel><title>{title}</title><link>/</link>"
    );
    for (guid, t, d, date) in items {
        out.push_str(&format!(
            "<item><guid isPermaLink=\"false\">{guid}</guid><title>{t}</title><link>/{guid}.html</link><description><![CDATA[{d}]]></description><pubDate>{date}</pubDate></item>"
        ));
    }
    out.push_str("</channel></rss>");
    out
}

fn two_stories() -> String {
    rss(
        "The Daily Fixture",
        &[
            (
                "summit",
                "Beijing summit brings three leaders together",
                "<p>Xi hosts Putin and Kim.</p><script>window.__TAURI_INTERNALS__.invoke('x')</script>",
                "Mon, 01 Sep 2025 08:00:00 GMT",
            ),
            (
                "markets",
                "Markets steady ahead of talks",
                "<p>Traders wait for news from Beijing.</p>",
                "Sun, 31 Aug 2025 18:30:00 GMT",
            ),
        ],
    )
}

#[tokio::test(flavor = "multi_thread")]
async fn subscribe_by_feed_url_then_again_keeps_one_feed() {
    let server = FixtureServer::start().await.unwrap();
    server.route("/feed.xml", Reply::ok("application/rss+xml", two_stories()));
    let dir = tempfile::tempdir().unwrap();
    let url = server.url("/feed.xml");

    let first = broadsheet(dir.path(), &["subscribe", &url, "--json"])
        .await
        .json();
    assert_eq!(first["created"], true);
    assert_eq!(first["title"], "The Daily Fixture");
    assert_eq!(first["unread"], 2);

    let again = broadsheet(dir.path(), &["subscribe", &url, "--json"])
        .await
        .json();
    assert_eq!(again["created"], false);
    assert_eq!(again["id"], first["id"]);

    let feeds = broadsheet(dir.path(), &["feeds", "--json"]).await.json();
    assert_eq!(feeds.as_array().unwrap().len(), 1);
    let feed = &feeds[0];
    for field in [
        "id",
        "title",
        "url",
        "site_url",
        "folder",
        "unread",
        "last_refreshed",
        "error",
        "icon",
    ] {
        assert!(feed.get(field).is_some(), "feeds lacks {field}: {feed}");
    }
}

// A feed on the person's NAS is reached by name: the setting is given at subscribe time and
// changed later with `feed-local-network`.
#[tokio::test(flavor = "multi_thread")]
async fn the_local_network_setting_is_set_by_subscribe_and_feed_local_network() {
    let server = FixtureServer::start().await.unwrap();
    server.route("/feed.xml", Reply::ok("application/rss+xml", two_stories()));
    let dir = tempfile::tempdir().unwrap();
    let url = server.url("/feed.xml");
    let sub = broadsheet(
        dir.path(),
        &["subscribe", "--local-network", &url, "--json"],
    )
    .await
    .json();
    assert_eq!(sub["local_network"], true, "{sub}");
    let id = sub["id"].to_string();
    let off = broadsheet(dir.path(), &["feed-local-network", &id, "off", "--json"])
        .await
        .json();
    assert_eq!(off["local_network"], false, "{off}");
    let on = broadsheet(dir.path(), &["feed-local-network", &id, "on", "--json"])
        .await
        .json();
    assert_eq!(on["local_network"], true, "{on}");
}

#[tokio::test(flavor = "multi_thread")]
async fn subscribe_by_site_address_finds_the_linked_feed() {
    let server = FixtureServer::start().await.unwrap();
    server.route(
        "/",
        Reply::ok(
            "text/html; charset=utf-8",
            "<!doctype html><html><head><title>News</title>\
             <link rel=\"alternate\" type=\"application/rss+xml\" title=\"Top stories\" href=\"/rss/top.xml\">\
             </head><body><h1>News</h1></body></html>",
        ),
    );
    server.route(
        "/rss/top.xml",
        Reply::ok("application/rss+xml", two_stories()),
    );
    let dir = tempfile::tempdir().unwrap();
    let sub = broadsheet(dir.path(), &["subscribe", &server.url("/"), "--json"])
        .await
        .json();
    assert_eq!(sub["url"], server.url("/rss/top.xml"));
    // The feed's own address, given later, is the same subscription.
    let again = broadsheet(
        dir.path(),
        &["subscribe", &server.url("/rss/top.xml"), "--json"],
    )
    .await
    .json();
    assert_eq!(again["created"], false);
}

#[tokio::test(flavor = "multi_thread")]
async fn subscribe_by_site_without_a_link_tries_the_usual_feed_paths() {
    let server = FixtureServer::start().await.unwrap();
    server.route(
        "/",
        Reply::ok("text/html", "<html><body>No links here</body></html>"),
    );
    server.route("/index.xml", Reply::ok("application/xml", two_stories()));
    let dir = tempfile::tempdir().unwrap();
    let sub = broadsheet(dir.path(), &["subscribe", &server.url("/"), "--json"])
        .await
        .json();
    assert_eq!(sub["url"], server.url("/index.xml"));
}

#[tokio::test(flavor = "multi_thread")]
async fn a_site_without_any_feed_gets_a_plain_error_and_nothing_on_stdout() {
    let server = FixtureServer::start().await.unwrap();
    server.route(
        "/",
        Reply::ok("text/html", "<html><body>Just a page</body></html>"),
    );
    let dir = tempfile::tempdir().unwrap();
    let run = broadsheet(dir.path(), &["subscribe", &server.url("/")]).await;
    assert_ne!(run.code, 0);
    assert!(run.stdout.is_empty(), "stdout: {}", run.stdout);
    assert!(
        run.stderr.contains("no feed found"),
        "stderr: {}",
        run.stderr
    );

    let run = broadsheet(dir.path(), &["subscribe", &server.url("/"), "--json"]).await;
    assert_ne!(run.code, 0);
    let err: Value = serde_json::from_str(run.stderr.trim()).unwrap();
    assert_eq!(err["kind"], "no_feed_found");
}

#[tokio::test(flavor = "multi_thread")]
async fn refresh_uses_etags_then_body_hashes_and_updates_in_place() {
    let server = FixtureServer::start().await.unwrap();
    let version = Arc::new(AtomicUsize::new(1));
    let v = Arc::clone(&version);
    // The ETag feed answers 304 when asked with its current tag.
    server.route_fn("/etag.xml", move |req| {
        let tag = format!("\"v{}\"", v.load(Ordering::SeqCst));
        if req.header("if-none-match") == Some(tag.as_str()) {
            return Reply::status(304).header("ETag", &tag);
        }
        let title = if v.load(Ordering::SeqCst) == 1 {
            "Markets steady ahead of talks"
        } else {
            "Markets rise after talks"
        };
        Reply::ok(
            "application/rss+xml",
            rss(
                "Tagged",
                &[(
                    "m",
                    title,
                    "<p>Traders.</p>",
                    "Sun, 31 Aug 2025 18:30:00 GMT",
                )],
            ),
        )
        .header("ETag", &tag)
    });
    // This one has no validators at all: only the body hash can tell it did not change.
    server.route(
        "/plain.xml",
        Reply::ok("application/rss+xml", two_stories()),
    );
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    broadsheet(d, &["subscribe", &server.url("/etag.xml"), "--json"])
        .await
        .json();
    broadsheet(d, &["subscribe", &server.url("/plain.xml"), "--json"])
        .await
        .json();

    let report = broadsheet(d, &["refresh", "--json"]).await.json();
    assert_eq!(report["feeds"], 2);
    assert_eq!(report["not_modified"], 2, "{report}");
    assert_eq!(report["new_articles"], 0);
    assert_eq!(report["errors"].as_array().unwrap().len(), 0);

    // Read and bookmark the story, then the feed edits it: same article, state kept.
    let list = broadsheet(d, &["articles", "--search", "markets", "--json"])
        .await
        .json();
    let tagged = list
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["excerpt"] == "Traders.")
        .unwrap()
        .clone();
    let id = tagged["id"].as_i64().unwrap().to_string();
    broadsheet(d, &["mark-read", &id, "--json"]).await.json();
    broadsheet(d, &["bookmark", &id, "--json"]).await.json();
    version.store(2, Ordering::SeqCst);

    let report = broadsheet(d, &["refresh", "--json"]).await.json();
    assert_eq!(report["refreshed"], 1, "{report}");
    assert_eq!(report["updated_articles"], 1);
    assert_eq!(report["new_articles"], 0);
    let shown = broadsheet(d, &["show", &id, "--json"]).await.json();
    assert_eq!(shown["title"], "Markets rise after talks");
    assert_eq!(shown["read"], true);
    assert_eq!(shown["bookmarked"], true);
    let all = broadsheet(d, &["articles", "--json"]).await.json();
    assert_eq!(
        all.as_array().unwrap().len(),
        3,
        "no duplicate after an update"
    );
    // Each command closes the library whole: no write-ahead log is left beside it.
    let logs: Vec<String> = std::fs::read_dir(d)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|name| name.ends_with("-wal"))
        .collect();
    assert!(logs.is_empty(), "left behind: {logs:?}");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_failing_feed_records_its_error_and_the_others_refresh() {
    let server = FixtureServer::start().await.unwrap();
    server.route("/good.xml", Reply::ok("application/rss+xml", two_stories()));
    let broken = Arc::new(AtomicUsize::new(0));
    let b = Arc::clone(&broken);
    server.route_fn("/flaky.xml", move |_| {
        if b.load(Ordering::SeqCst) == 0 {
            Reply::ok(
                "application/rss+xml",
                rss(
                    "Flaky",
                    &[(
                        "f1",
                        "Flaky one",
                        "<p>x</p>",
                        "Mon, 01 Sep 2025 08:00:00 GMT",
                    )],
                ),
            )
        } else {
            Reply::status(500).body("oops")
        }
    });
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    broadsheet(d, &["subscribe", &server.url("/flaky.xml"), "--json"])
        .await
        .json();
    broadsheet(d, &["subscribe", &server.url("/good.xml"), "--json"])
        .await
        .json();
    broken.store(1, Ordering::SeqCst);

    let report = broadsheet(d, &["refresh", "--json"]).await.json();
    let errors = report["errors"].as_array().unwrap();
    assert_eq!(errors.len(), 1, "{report}");
    assert_eq!(errors[0]["kind"], "http_status");
    assert!(errors[0]["message"].as_str().unwrap().contains("500"));

    let feeds = broadsheet(d, &["feeds", "--json"]).await.json();
    let flaky = feeds
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["title"] == "Flaky")
        .unwrap();
    assert_eq!(flaky["error"]["kind"], "http_status");
    assert_eq!(flaky["unread"], 1, "what was stored stays");
    let good = feeds
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["title"] == "The Daily Fixture")
        .unwrap();
    assert!(good["error"].is_null());
}

#[tokio::test(flavor = "multi_thread")]
async fn articles_filters_show_and_state_commands() {
    let server = FixtureServer::start().await.unwrap();
    server.route("/feed.xml", Reply::ok("application/rss+xml", two_stories()));
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let feed = broadsheet(d, &["subscribe", &server.url("/feed.xml"), "--json"])
        .await
        .json();
    let feed_id = feed["id"].as_i64().unwrap().to_string();

    let list = broadsheet(d, &["articles", "--json"]).await.json();
    let list = list.as_array().unwrap();
    assert_eq!(list.len(), 2);
    // Newest first.
    assert_eq!(
        list[0]["title"],
        "Beijing summit brings three leaders together"
    );
    for field in [
        "id",
        "feed_id",
        "title",
        "url",
        "author",
        "published",
        "read",
        "bookmarked",
        "excerpt",
    ] {
        assert!(list[0].get(field).is_some(), "articles lacks {field}");
    }
    assert_eq!(list[0]["published"], "2025-09-01T08:00:00Z");
    let id = list[0]["id"].as_i64().unwrap().to_string();

    let shown = broadsheet(d, &["show", &id, "--json"]).await.json();
    let html = shown["html"].as_str().unwrap();
    assert!(html.contains("Xi hosts Putin and Kim."));
    assert!(
        !html.contains("script") && !html.contains("__TAURI"),
        "{html}"
    );
    for field in ["text", "site_name", "lead_image", "related", "images"] {
        assert!(shown.get(field).is_some(), "show lacks {field}");
    }

    broadsheet(d, &["bookmark", &id, "--json"]).await.json();
    let marked = broadsheet(d, &["articles", "--bookmarked", "--json"])
        .await
        .json();
    assert_eq!(marked.as_array().unwrap().len(), 1);
    broadsheet(d, &["mark-read", &id, "--json"]).await.json();
    let unread = broadsheet(d, &["articles", "--unread", "--json"])
        .await
        .json();
    assert_eq!(unread.as_array().unwrap().len(), 1);
    let found = broadsheet(d, &["articles", "--search", "traders", "--json"])
        .await
        .json();
    assert_eq!(found[0]["title"], "Markets steady ahead of talks");
    let page = broadsheet(d, &["articles", "--limit", "1", "--offset", "1", "--json"])
        .await
        .json();
    assert_eq!(page[0]["title"], "Markets steady ahead of talks");

    let all_read = broadsheet(d, &["mark-all-read", "--feed", &feed_id, "--json"])
        .await
        .json();
    assert_eq!(all_read["marked"], 1);
    broadsheet(d, &["mark-unread", &id, "--json"]).await.json();
    broadsheet(d, &["unbookmark", &id, "--json"]).await.json();
    let shown = broadsheet(d, &["show", &id, "--json"]).await.json();
    assert_eq!(
        (shown["read"].as_bool(), shown["bookmarked"].as_bool()),
        (Some(false), Some(false))
    );

    // Plain text output is for people: titles, no JSON.
    let text = broadsheet(d, &["articles"]).await;
    assert_eq!(text.code, 0);
    assert!(text.stdout.contains("Markets steady ahead of talks"));

    let missing = broadsheet(d, &["show", "999999"]).await;
    assert_ne!(missing.code, 0);
    assert!(missing.stdout.is_empty());
    assert!(missing.stderr.contains("999999"));
}

#[tokio::test(flavor = "multi_thread")]
async fn prune_removes_old_read_articles_but_never_bookmarks() {
    let server = FixtureServer::start().await.unwrap();
    server.route(
        "/old.xml",
        Reply::ok(
            "application/rss+xml",
            rss(
                "Old news",
                &[
                    (
                        "a",
                        "Old and read",
                        "<p>a</p>",
                        "Mon, 03 Jan 2000 10:00:00 GMT",
                    ),
                    (
                        "b",
                        "Old and bookmarked",
                        "<p>b</p>",
                        "Mon, 03 Jan 2000 10:00:00 GMT",
                    ),
                    (
                        "c",
                        "Old and unread",
                        "<p>c</p>",
                        "Mon, 03 Jan 2000 10:00:00 GMT",
                    ),
                ],
            ),
        ),
    );
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    broadsheet(d, &["subscribe", &server.url("/old.xml"), "--json"])
        .await
        .json();
    let list = broadsheet(d, &["articles", "--json"]).await.json();
    let id_of = |title: &str| {
        list.as_array()
            .unwrap()
            .iter()
            .find(|a| a["title"] == title)
            .unwrap()["id"]
            .as_i64()
            .unwrap()
            .to_string()
    };
    broadsheet(d, &["mark-read", &id_of("Old and read"), "--json"])
        .await
        .json();
    broadsheet(d, &["mark-read", &id_of("Old and bookmarked"), "--json"])
        .await
        .json();
    broadsheet(d, &["bookmark", &id_of("Old and bookmarked"), "--json"])
        .await
        .json();
    let pruned = broadsheet(d, &["prune", "--json"]).await.json();
    assert_eq!(pruned["pruned"], 1);
    // The feed still carries the pruned story: a refresh must not bring it back.
    server.route(
        "/old.xml",
        Reply::ok(
            "application/rss+xml",
            rss(
                "Old news",
                &[(
                    "a",
                    "Old and read",
                    "<p>a, edited</p>",
                    "Mon, 03 Jan 2000 10:00:00 GMT",
                )],
            ),
        ),
    );
    broadsheet(d, &["refresh", "--json"]).await.json();
    let titles: Vec<String> = broadsheet(d, &["articles", "--json"])
        .await
        .json()
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["title"].as_str().unwrap().to_string())
        .collect();
    assert!(!titles.contains(&"Old and read".to_string()), "{titles:?}");
    assert!(titles.contains(&"Old and bookmarked".to_string()));
}

#[tokio::test(flavor = "multi_thread")]
async fn opml_import_and_export_keep_folders() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let opml = d.join("subs.opml");
    std::fs::write(
        &opml,
        r#"<?xml version="1.0"?><opml version="2.0"><head><title>mine</title></head><body>
        <outline text="World"><outline text="Daily" type="rss" xmlUrl="http://127.0.0.1:9/daily.xml" htmlUrl="http://127.0.0.1:9/"/></outline>
        <outline text="Loose" type="rss" xmlUrl="http://127.0.0.1:9/loose.xml"/>
        <outline text="Bad" type="rss" xmlUrl="javascript:alert(1)"/>
        </body></opml>"#,
    )
    .unwrap();
    let report = broadsheet(d, &["import-opml", opml.to_str().unwrap(), "--json"])
        .await
        .json();
    assert_eq!(report["added"], 2);
    assert_eq!(report["skipped"], 1);
    let again = broadsheet(d, &["import-opml", opml.to_str().unwrap(), "--json"])
        .await
        .json();
    assert_eq!(again["already_subscribed"], 2);

    let feeds = broadsheet(d, &["feeds", "--json"]).await.json();
    let daily = feeds
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["title"] == "Daily")
        .unwrap();
    assert_eq!(daily["folder"], "World");

    let out = d.join("out.opml");
    broadsheet(d, &["export-opml", out.to_str().unwrap(), "--json"])
        .await
        .json();
    let exported = std::fs::read_to_string(&out).unwrap();
    assert!(exported.contains("<outline text=\"World\""));
    assert!(exported.contains("xmlUrl=\"http://127.0.0.1:9/daily.xml\""));
    // And to stdout.
    let run = broadsheet(d, &["export-opml"]).await;
    assert!(run.stdout.starts_with("<?xml"));
    // A second library reads it back the same.
    let other = tempfile::tempdir().unwrap();
    let back = broadsheet(
        other.path(),
        &["import-opml", out.to_str().unwrap(), "--json"],
    )
    .await
    .json();
    assert_eq!(back["added"], 2);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_refresh_killed_halfway_leaves_a_sound_library_with_its_bookmarks() {
    let server = FixtureServer::start().await.unwrap();
    server.route("/feed.xml", Reply::ok("application/rss+xml", two_stories()));
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    broadsheet(d, &["subscribe", &server.url("/feed.xml"), "--json"])
        .await
        .json();
    let list = broadsheet(d, &["articles", "--json"]).await.json();
    let id = list[0]["id"].as_i64().unwrap().to_string();
    broadsheet(d, &["bookmark", &id, "--json"]).await.json();

    // Many feeds, each slow, so the refresh is mid-way (some written, some in flight) when killed.
    for i in 0..60 {
        let path = format!("/slow{i}.xml");
        let body = rss(
            &format!("Slow {i}"),
            &[(
                &format!("s{i}"),
                "Slow story",
                "<p>slow</p>",
                "Mon, 01 Sep 2025 08:00:00 GMT",
            )],
        );
        server.route(&path, Reply::ok("application/rss+xml", body.clone()));
    }
    let opml: String = (0..60)
        .map(|i| {
            format!(
                "<outline text=\"S{i}\" xmlUrl=\"{}\"/>",
                server.url(&format!("/slow{i}.xml"))
            )
        })
        .collect();
    let opml_path = d.join("slow.opml");
    std::fs::write(
        &opml_path,
        format!("<opml version=\"2.0\"><body>{opml}</body></opml>"),
    )
    .unwrap();
    broadsheet(d, &["import-opml", opml_path.to_str().unwrap(), "--json"])
        .await
        .json();
    for i in 0..60 {
        let body = rss(
            &format!("Slow {i}"),
            &[(
                &format!("s{i}"),
                "Slow story",
                "<p>slow</p>",
                "Mon, 01 Sep 2025 08:00:00 GMT",
            )],
        );
        server.route(
            &format!("/slow{i}.xml"),
            Reply::ok("application/rss+xml", body).behaviour(fixture_server::Behaviour::Delay(
                std::time::Duration::from_millis(40 * i),
            )),
        );
    }

    let mut child = Command::new(env!("CARGO_BIN_EXE_broadsheet"))
        .arg("--data-dir")
        .arg(d)
        .args(["refresh", "--json"])
        .stdout(std::process::Stdio::null())
        .spawn()
        .unwrap();
    tokio::time::sleep(std::time::Duration::from_millis(900)).await;
    child.kill().unwrap(); // SIGKILL on Unix: no chance to clean up.
    child.wait().unwrap();

    let store = broadsheet_engine::store::Store::open(&d.join("library.sqlite3")).unwrap();
    assert_eq!(store.integrity_check().unwrap(), ["ok"]);
    drop(store);
    let marked = broadsheet(d, &["articles", "--bookmarked", "--json"])
        .await
        .json();
    assert_eq!(marked[0]["id"].as_i64().unwrap().to_string(), id);
    // And the library still refreshes.
    let report = broadsheet(d, &["refresh", "--json"]).await.json();
    assert_eq!(report["feeds"], 61);
}

#[tokio::test(flavor = "multi_thread")]
async fn hostile_servers_fail_their_own_feed_and_nothing_else() {
    use fixture_server::Behaviour;
    let server = FixtureServer::start().await.unwrap();
    server.route("/good.xml", Reply::ok("application/rss+xml", two_stories()));
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    // Every hostile feed first answers honestly, so it is subscribed with a story stored.
    let bad = [
        "/endless.xml",
        "/loop.xml",
        "/broken.xml",
        "/liar.xml",
        "/limited.xml",
        "/half.xml",
    ];
    for path in bad {
        let honest = rss(
            path,
            &[(
                path,
                "Stored before",
                "<p>kept</p>",
                "Mon, 01 Sep 2025 08:00:00 GMT",
            )],
        );
        server.route(path, Reply::ok("application/rss+xml", honest));
        broadsheet(d, &["subscribe", &server.url(path), "--json"])
            .await
            .json();
    }
    broadsheet(d, &["subscribe", &server.url("/good.xml"), "--json"])
        .await
        .json();
    // Then each turns hostile.
    server.route(
        "/endless.xml",
        Reply::ok("application/rss+xml", "<rss>".repeat(1000)).behaviour(Behaviour::Endless),
    );
    server.route("/loop.xml", Reply::redirect(302, "/loop2.xml"));
    server.route("/loop2.xml", Reply::redirect(302, "/loop.xml"));
    server.route(
        "/broken.xml",
        Reply::ok(
            "application/rss+xml",
            "<rss version=\"2.0\"><channel><item><title>oops",
        ),
    );
    server.route(
        "/liar.xml",
        Reply::ok("application/rss+xml", "x").behaviour(Behaviour::LyingLength {
            claimed: 100,
            actual: 200_000_000,
        }),
    );
    server.route(
        "/limited.xml",
        Reply::status(429).header("Retry-After", "3600"),
    );
    server.route(
        "/half.xml",
        Reply::ok("application/rss+xml", two_stories()).behaviour(Behaviour::CloseMidBody),
    );

    let started = std::time::Instant::now();
    let report = broadsheet(d, &["refresh", "--json"]).await.json();
    assert!(
        started.elapsed() < std::time::Duration::from_secs(20),
        "took {:?}",
        started.elapsed()
    );
    let errors = report["errors"].as_array().unwrap();
    assert_eq!(errors.len(), bad.len(), "{report}");
    let kinds: std::collections::HashSet<&str> =
        errors.iter().map(|e| e["kind"].as_str().unwrap()).collect();
    for kind in ["too_large", "too_many_redirects", "rate_limited"] {
        assert!(kinds.contains(kind), "no {kind} in {kinds:?}");
    }
    // Every hostile feed keeps the story it had; the good one refreshed.
    let feeds = broadsheet(d, &["feeds", "--json"]).await.json();
    for f in feeds.as_array().unwrap() {
        if f["url"] == server.url("/good.xml") {
            assert!(f["error"].is_null());
        } else {
            assert!(!f["error"].is_null(), "{f}");
            assert_eq!(f["unread"], 1, "{f}");
        }
    }
    // The rate-limited feed is left alone until its Retry-After has passed.
    let hits = server.hits("/limited.xml");
    let again = broadsheet(d, &["refresh", "--json"]).await.json();
    assert_eq!(
        server.hits("/limited.xml"),
        hits,
        "asked again before Retry-After"
    );
    assert!(again["errors"]
        .as_array()
        .unwrap()
        .iter()
        .any(|e| e["kind"] == "rate_limited"));
}

#[tokio::test(flavor = "multi_thread")]
async fn a_damaged_library_is_reported_and_never_replaced() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let file = d.join("library.sqlite3");
    let garbage = b"this is not a database, but it may be someone's only copy".repeat(100);
    std::fs::write(&file, &garbage).unwrap();
    let run = broadsheet(d, &["feeds", "--json"]).await;
    assert_ne!(run.code, 0);
    assert!(run.stdout.is_empty());
    let err: Value = serde_json::from_str(run.stderr.trim()).unwrap();
    assert_eq!(err["kind"], "library_unreadable");
    assert!(
        err["message"]
            .as_str()
            .unwrap()
            .contains(file.to_str().unwrap()),
        "{err}"
    );
    assert_eq!(
        std::fs::read(&file).unwrap(),
        garbage,
        "the file was touched"
    );
}

// What the command line prints when a feed is hostile or a file cannot be written (issue 10,
// items 6 and 8). A feed's title, an item's title, author and text reach the terminal of
// whoever runs the command: none of their control characters may (ESC starts CSI sequences
// that clear the screen and OSC 52, which writes the clipboard; C1 controls do the same on
// some terminals).

/// OSC 52 (write "pwned" to the clipboard), CSI 2J (clear the screen), an 8-bit CSI and DEL.
const CLIPBOARD: &str = "\\u001b]52;c;cHduZWQ=\\u0007";
const CLEAR: &str = "\\u001b[2J";
const C1_CSI: &str = "\\u009b31m";
const DEL: &str = "\\u007f";

/// A JSON Feed (whose strings may carry any control character as an escape) with escape
/// sequences in its title, an item's title, its author and its text.
fn escaping_feed() -> String {
    format!(
        r#"{{"version": "https://jsonfeed.org/version/1.1",
  "title": "Escapes{CLIPBOARD} Daily{CLEAR}",
  "home_page_url": "/",
  "items": [{{
    "id": "one",
    "url": "/one.html",
    "title": "Harbour{CLEAR} cranes{C1_CSI} move{DEL} again{CLIPBOARD}",
    "authors": [{{"name": "Mallory{CLIPBOARD}"}}],
    "content_html": "<p>The cranes{CLEAR} at the harbour{CLIPBOARD} started moving again on Sunday.</p>",
    "date_published": "2025-09-01T08:00:00Z"
  }}]}}"#
    )
}

/// Bytes a terminal acts on rather than shows.
fn terminal_controls(text: &str) -> Vec<char> {
    text.chars()
        .filter(|c| c.is_control() && *c != '\n' && *c != '\t')
        .collect()
}

fn assert_printable(what: &str, run: &Run) {
    assert_eq!(run.code, 0, "{what}: {}", run.stderr);
    for (stream, text) in [("stdout", &run.stdout), ("stderr", &run.stderr)] {
        let found = terminal_controls(text);
        assert!(
            found.is_empty(),
            "{what} printed {found:?} on {stream}: {text:?}"
        );
    }
}

/// A new library subscribed to [`escaping_feed`], with what `subscribe` printed.
async fn subscribed_to_escaping_feed() -> (FixtureServer, tempfile::TempDir, Run) {
    let server = FixtureServer::start().await.unwrap();
    server.route(
        "/feed.json",
        Reply::ok("application/feed+json", escaping_feed()),
    );
    let dir = tempfile::tempdir().unwrap();
    let subscribed = broadsheet(dir.path(), &["subscribe", &server.url("/feed.json")]).await;
    (server, dir, subscribed)
}

#[tokio::test(flavor = "multi_thread")]
async fn escape_sequences_in_a_feed_never_reach_the_terminal() {
    let (_server, dir, subscribed) = subscribed_to_escaping_feed().await;
    assert_printable("subscribe", &subscribed);
    assert!(
        subscribed.stdout.contains("Escapes"),
        "{}",
        subscribed.stdout
    );

    let feeds = broadsheet(dir.path(), &["feeds"]).await;
    assert_printable("feeds", &feeds);
    assert!(feeds.stdout.contains("Daily"), "{}", feeds.stdout);

    let articles = broadsheet(dir.path(), &["articles"]).await;
    assert_printable("articles", &articles);
    assert!(articles.stdout.contains("cranes"), "{}", articles.stdout);

    let found = broadsheet(dir.path(), &["articles", "--search", "Sunday"]).await;
    assert_printable("search", &found);
    assert!(found.stdout.contains("cranes"), "{}", found.stdout);

    let list = broadsheet(dir.path(), &["articles", "--json"]).await;
    assert_printable("articles --json", &list);
    let list = list.json();
    // The JSON keeps the data whole, every control escaped.
    let title = list[0]["title"].as_str().unwrap();
    assert!(title.contains('\u{1b}') && title.contains('\u{9b}') && title.contains('\u{7f}'));
    let id = list[0]["id"].to_string();

    let shown = broadsheet(dir.path(), &["show", &id]).await;
    assert_printable("show", &shown);
    for words in ["Harbour", "Mallory", "started moving again"] {
        assert!(shown.stdout.contains(words), "{words}: {}", shown.stdout);
    }

    let refreshed = broadsheet(dir.path(), &["refresh"]).await;
    assert_printable("refresh", &refreshed);
}

#[tokio::test(flavor = "multi_thread")]
async fn an_export_that_cannot_be_written_names_the_file_not_the_library() {
    let (_server, dir, subscribed) = subscribed_to_escaping_feed().await;
    assert_eq!(subscribed.code, 0, "{}", subscribed.stderr);
    let list = broadsheet(dir.path(), &["articles", "--json"]).await.json();
    let id = list[0]["id"].to_string();

    let target = dir.path().join("no such folder").join("story.html");
    let target = target.to_str().unwrap();
    let export = broadsheet(dir.path(), &["export", &id, "--output", target]).await;
    assert_ne!(export.code, 0);
    assert!(export.stderr.contains(target), "{}", export.stderr);
    assert!(export.stderr.contains("cannot write"), "{}", export.stderr);
    assert!(
        !export.stderr.contains("library folder"),
        "{}",
        export.stderr
    );
    assert!(export.stdout.is_empty());
}

/// The shared libraries a program loads, as `ldd` lists them (Linux only), or `None` where there
/// is no `ldd`.
#[cfg(target_os = "linux")]
fn loaded_libraries(program: &str) -> Option<String> {
    let out = Command::new("ldd").arg(program).output().ok()?;
    assert!(out.status.success(), "ldd {program}: {out:?}");
    Some(String::from_utf8_lossy(&out.stdout).into_owned())
}

#[test]
#[cfg(target_os = "linux")]
fn the_command_line_loads_no_gui_library_and_the_window_program_does() {
    let (Some(cli), Some(window)) = (
        loaded_libraries(env!("CARGO_BIN_EXE_broadsheet")),
        loaded_libraries(env!("CARGO_BIN_EXE_broadsheet-window")),
    ) else {
        eprintln!("note: skipping: no ldd");
        return;
    };
    // Loading GTK and WebKit is most of what `broadsheet --version` once cost (BENCHMARKS.md).
    for gui in [
        "libgtk-3",
        "libwebkit2gtk",
        "libjavascriptcoregtk",
        "libgdk-3",
        "libsoup",
    ] {
        assert!(!cli.contains(gui), "broadsheet loads {gui}:\n{cli}");
        assert!(
            window.contains(gui),
            "broadsheet-window should load {gui}:\n{window}"
        );
    }
    // Nor the network half of the engine: the reading commands need no TLS, and the commands
    // that fetch run in the window's program, so the engine's network code ships once.
    assert!(!cli.contains("libssl"), "broadsheet loads TLS:\n{cli}");
    assert!(window.contains("libssl"), "{window}");
}

#[test]
#[cfg(target_os = "linux")]
fn both_programs_allocate_with_mimalloc_committing_its_arenas_as_they_fill() {
    for program in [
        env!("CARGO_BIN_EXE_broadsheet"),
        env!("CARGO_BIN_EXE_broadsheet-window"),
    ] {
        // mimalloc lists its options on standard error when asked to be verbose: only a program
        // that allocates with it answers so.
        let out = Command::new(program)
            .arg("--version")
            .env("MIMALLOC_VERBOSE", "1")
            .env_remove("MIMALLOC_ARENA_EAGER_COMMIT")
            .output()
            .unwrap();
        assert!(out.status.success(), "{program}: {out:?}");
        let stderr = String::from_utf8_lossy(&out.stderr);
        // Committed up front, its arenas cost a first import 90 MB more at the peak
        // (BENCHMARKS.md); the default comes from `.cargo/config.toml`, unless CFLAGS was set.
        assert!(
            stderr.contains("option 'arena_eager_commit': 0"),
            "{program} does not allocate with mimalloc, or commits its arenas up front:\n{stderr}"
        );
    }
}

/// A folder holding a copy of `broadsheet` and, if given, a stand-in `broadsheet-window` script.
#[cfg(unix)]
fn programs_folder(window_script: Option<&str>) -> tempfile::TempDir {
    use std::os::unix::fs::PermissionsExt;
    let folder = tempfile::tempdir().unwrap();
    std::fs::copy(
        env!("CARGO_BIN_EXE_broadsheet"),
        folder.path().join("broadsheet"),
    )
    .unwrap();
    if let Some(script) = window_script {
        let window = folder.path().join("broadsheet-window");
        std::fs::write(&window, script).unwrap();
        std::fs::set_permissions(&window, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
    folder
}

#[test]
#[cfg(unix)]
fn without_a_command_broadsheet_becomes_the_window_program_beside_it_with_its_arguments() {
    // The stand-in records its process id and arguments, and exits as a window might.
    let folder = programs_folder(Some(
        "#!/bin/sh\necho \"$$ $*\" > \"$(dirname \"$0\")/started\"\nexit 7\n",
    ));
    let child = Command::new(folder.path().join("broadsheet"))
        .args(["--data-dir", "/some/library"])
        .spawn()
        .unwrap();
    let pid = child.id();
    let status = child.wait_with_output().unwrap().status;
    let started = std::fs::read_to_string(folder.path().join("started")).unwrap();
    // Same process: the window's exit status is the launch's, and a desktop's startup
    // notification and the single-instance hand-over see one program.
    assert_eq!(started.trim(), format!("{pid} --data-dir /some/library"));
    assert_eq!(status.code(), Some(7));
}

#[test]
#[cfg(unix)]
fn without_the_window_program_broadsheet_says_where_it_looked() {
    let folder = programs_folder(None);
    let out = Command::new(folder.path().join("broadsheet"))
        .args(["--data-dir", "/some/library"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    let expected = folder.path().join("broadsheet-window");
    assert!(
        stderr.contains(&format!("cannot start {}", expected.display())),
        "{stderr}"
    );
    assert!(out.stdout.is_empty());
}

#[test]
#[cfg(unix)]
fn the_reading_commands_run_in_broadsheet_and_every_other_command_in_the_window_program() {
    // The stand-in records its process id and arguments, and exits as a failed refresh might.
    let folder = programs_folder(Some(
        "#!/bin/sh\necho \"$$ $*\" > \"$(dirname \"$0\")/started\"\nexit 3\n",
    ));
    let library = tempfile::tempdir().unwrap();
    let data_dir = library.path().to_str().unwrap();
    for reading in [
        &["feeds", "--json"][..],
        &["articles", "--json"],
        &["articles", "--search", "summit", "--json"],
    ] {
        let out = Command::new(folder.path().join("broadsheet"))
            .args(["--data-dir", data_dir])
            .args(reading)
            .output()
            .unwrap();
        assert!(out.status.success(), "{reading:?}: {out:?}");
        assert_eq!(String::from_utf8_lossy(&out.stdout).trim(), "[]");
        assert!(!folder.path().join("started").exists(), "{reading:?}");
    }
    let missing = Command::new(folder.path().join("broadsheet"))
        .args(["--data-dir", data_dir, "show", "7", "--json"])
        .output()
        .unwrap();
    assert_eq!(missing.status.code(), Some(1));
    assert!(!folder.path().join("started").exists());

    let child = Command::new(folder.path().join("broadsheet"))
        .args(["--data-dir", data_dir, "refresh", "--json"])
        .spawn()
        .unwrap();
    let pid = child.id();
    let status = child.wait_with_output().unwrap().status;
    let started = std::fs::read_to_string(folder.path().join("started")).unwrap();
    assert_eq!(
        started.trim(),
        format!("{pid} --data-dir {data_dir} refresh --json")
    );
    assert_eq!(status.code(), Some(3));
}
