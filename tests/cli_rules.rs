//! Rules and notifications through the command line: the real `broadsheet` binary against
//! feeds served from a loopback server the test starts. Nothing here touches the internet.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use fixture_server::{FixtureServer, Reply};
use serde_json::Value;

#[path = "support/command_line.rs"]
mod command_line;
use command_line::broadsheet;

/// One item of a fixture feed: guid, title, author, category.
type Item<'a> = (&'a str, &'a str, &'a str, &'a str);

/// An RSS 2.0 document whose items carry an author and a category. Descriptions are long
/// enough that no item's page is fetched.
fn rss(title: &str, items: &[Item]) -> String {
    let mut out = format!(
        "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<rss version=\"2.0\" xmlns:dc=\"http://purl.org/dc/elements/1.1/\"><channel><title>{title}</title><link>/</link>"
    );
    for (i, (guid, t, author, category)) in items.iter().enumerate() {
        out.push_str(&format!(
            "<item><guid isPermaLink=\"false\">{guid}</guid><title>{t}</title><link>/{guid}.html</link>\
             <dc:creator>{author}</dc:creator><category>{category}</category>\
             <description><![CDATA[<p>{t}. The whole story is told here, at enough length that no page needs fetching for it, in several sentences of plain prose.</p>]]></description>\
             <pubDate>Mon, 0{} Sep 2025 08:00:00 GMT</pubDate></item>",
            i + 1
        ));
    }
    out.push_str("</channel></rss>");
    out
}

const PENS: Item = (
    "pens",
    "Sponsored: the best pens of the year",
    "Ad Desk",
    "Promo",
);
const PIER: Item = (
    "pier",
    "Storm damages pier at the old harbour",
    "Jane Roe",
    "Local",
);
const MARKETS: Item = (
    "markets",
    "Markets steady ahead of talks",
    "Sam Poe",
    "Business",
);
const MORE_PENS: Item = (
    "pens2",
    "Sponsored: pens for the new term",
    "Ad Desk",
    "Promo",
);
const FERRY: Item = ("ferry", "Storm halts the island ferry", "Jane Roe", "Local");

/// A feed that serves `versions[n]` while the counter holds `n`.
fn serve_versions(
    server: &FixtureServer,
    path: &str,
    title: &str,
    versions: Vec<Vec<Item<'static>>>,
) -> Arc<AtomicUsize> {
    let version = Arc::new(AtomicUsize::new(0));
    let v = Arc::clone(&version);
    let title = title.to_string();
    server.route_fn(path, move |_| {
        let items = &versions[v.load(Ordering::SeqCst).min(versions.len() - 1)];
        Reply::ok("application/rss+xml", rss(&title, items))
    });
    version
}

fn titles(list: &Value) -> Vec<String> {
    let mut out: Vec<String> = list
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["title"].as_str().unwrap().to_string())
        .collect();
    out.sort();
    out
}

fn sorted(titles: &[&str]) -> Vec<String> {
    let mut out: Vec<String> = titles.iter().map(|t| t.to_string()).collect();
    out.sort();
    out
}

/// Subscribes the library in `dir` to `url` and returns the feed's id.
async fn subscribe(dir: &std::path::Path, url: &str, folder: Option<&str>) -> String {
    let mut args = vec!["subscribe", url, "--json"];
    if let Some(folder) = folder {
        args.extend(["--folder", folder]);
    }
    let sub = broadsheet(dir, &args).await.json();
    sub["id"].to_string()
}

#[tokio::test(flavor = "multi_thread")]
async fn a_hide_rule_mutes_stored_and_arriving_stories_until_it_is_removed() {
    let server = FixtureServer::start().await.unwrap();
    let version = serve_versions(
        &server,
        "/news.xml",
        "Harbour News",
        vec![
            vec![PENS, PIER, MARKETS],
            vec![PENS, PIER, MARKETS, MORE_PENS],
        ],
    );
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    subscribe(d, &server.url("/news.xml"), None).await;

    // A dry run counts and saves nothing.
    let dry = broadsheet(
        d,
        &[
            "rule",
            "add",
            "--match",
            "title=(?i)sponsored",
            "--dry-run",
            "--json",
        ],
    )
    .await
    .json();
    assert_eq!(dry["would_match"], 1);
    assert_eq!(
        broadsheet(d, &["rules", "--json"]).await.json(),
        Value::Array(vec![])
    );

    let rule = broadsheet(
        d,
        &["rule", "add", "--match", "title=(?i)sponsored", "--json"],
    )
    .await
    .json();
    assert_eq!(rule["field"], "title");
    assert_eq!(rule["action"], "hide");
    assert_eq!(rule["kind"], "regex");
    let rule_id = rule["id"].to_string();

    // Out of the list, the unread count and search; there on request.
    let shown = broadsheet(d, &["articles", "--json"]).await.json();
    assert_eq!(titles(&shown), sorted(&[MARKETS.1, PIER.1]));
    let feeds = broadsheet(d, &["feeds", "--json"]).await.json();
    assert_eq!(feeds[0]["unread"], 2);
    let found = broadsheet(d, &["articles", "--search", "pens", "--json"])
        .await
        .json();
    assert_eq!(found, Value::Array(vec![]));
    let hidden = broadsheet(d, &["articles", "--hidden", "--json"])
        .await
        .json();
    assert_eq!(titles(&hidden), sorted(&[PENS.1]));
    let hidden_found = broadsheet(d, &["articles", "--hidden", "--search", "pens", "--json"])
        .await
        .json();
    assert_eq!(titles(&hidden_found), sorted(&[PENS.1]));

    // A story that arrives matching is hidden as it is stored.
    version.store(1, Ordering::SeqCst);
    let report = broadsheet(d, &["refresh", "--json"]).await.json();
    assert_eq!(report["new_articles"], 1, "{report}");
    let shown = broadsheet(d, &["articles", "--json"]).await.json();
    assert_eq!(titles(&shown), sorted(&[MARKETS.1, PIER.1]));
    let hidden = broadsheet(d, &["articles", "--hidden", "--json"])
        .await
        .json();
    assert_eq!(titles(&hidden), sorted(&[MORE_PENS.1, PENS.1]));

    // Without the rule, every story is back.
    broadsheet(d, &["rule", "remove", &rule_id, "--json"])
        .await
        .json();
    let shown = broadsheet(d, &["articles", "--json"]).await.json();
    assert_eq!(shown.as_array().unwrap().len(), 4);
    let feeds = broadsheet(d, &["feeds", "--json"]).await.json();
    assert_eq!(feeds[0]["unread"], 4);
    let gone = broadsheet(d, &["rule", "remove", &rule_id, "--json"]).await;
    assert_ne!(gone.code, 0);
    let err: Value = serde_json::from_str(gone.stderr.trim()).unwrap();
    assert_eq!(err["kind"], "no_such_rule");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_broken_pattern_is_refused_with_an_error_naming_the_problem() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let run = broadsheet(
        d,
        &["rule", "add", "--match", "title=(?i)sponsored(", "--json"],
    )
    .await;
    assert_ne!(run.code, 0);
    assert!(run.stdout.is_empty());
    let err: Value = serde_json::from_str(run.stderr.trim()).unwrap();
    assert_eq!(err["kind"], "invalid_rule");
    let message = err["message"].as_str().unwrap();
    assert!(message.contains("unclosed group"), "{message}");
    let run = broadsheet(d, &["rule", "add", "--match", "body=x", "--json"]).await;
    let err: Value = serde_json::from_str(run.stderr.trim()).unwrap();
    assert_eq!(err["kind"], "invalid_rule");
    assert_eq!(
        broadsheet(d, &["rules", "--json"]).await.json(),
        Value::Array(vec![])
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn rules_keep_to_their_scope_and_action_and_never_hide_a_bookmark() {
    let server = FixtureServer::start().await.unwrap();
    serve_versions(&server, "/local.xml", "Local", vec![vec![PIER, PENS]]);
    serve_versions(&server, "/world.xml", "World", vec![vec![FERRY, MARKETS]]);
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let local = subscribe(d, &server.url("/local.xml"), Some("Town")).await;
    subscribe(d, &server.url("/world.xml"), None).await;

    // A folder's rule leaves the other feed's storm alone; the author field reads authors.
    broadsheet(
        d,
        &[
            "rule",
            "add",
            "--match",
            "author=(?i)roe",
            "--folder",
            "town",
            "--action",
            "read",
            "--json",
        ],
    )
    .await
    .json();
    let unread = broadsheet(d, &["articles", "--unread", "--json"])
        .await
        .json();
    assert_eq!(titles(&unread), sorted(&[PENS.1, MARKETS.1, FERRY.1]));

    // A bookmarked story is never hidden; a category rule hides by tag, in one feed only.
    let pens = broadsheet(d, &["articles", "--search", "pens", "--json"])
        .await
        .json();
    let pens_id = pens[0]["id"].to_string();
    broadsheet(d, &["bookmark", &pens_id, "--json"])
        .await
        .json();
    let promo = broadsheet(
        d,
        &[
            "rule",
            "add",
            "--match",
            "category=^Promo$",
            "--feed",
            &local,
            "--json",
        ],
    )
    .await
    .json();
    assert_eq!(promo["feed_id"].to_string(), local);
    let shown = broadsheet(d, &["articles", "--json"]).await.json();
    assert_eq!(shown.as_array().unwrap().len(), 4, "{shown}");
    let storms = broadsheet(
        d,
        &[
            "rule",
            "add",
            "--match",
            "any=(?i)storm",
            "--feed",
            &local,
            "--json",
        ],
    )
    .await
    .json();
    assert_eq!(storms["action"], "hide");
    let shown = broadsheet(d, &["articles", "--json"]).await.json();
    assert_eq!(titles(&shown), sorted(&[MARKETS.1, PENS.1, FERRY.1]));

    // An expired rule is listed but applies to nothing.
    broadsheet(
        d,
        &[
            "rule",
            "add",
            "--match",
            "title=Markets",
            "--until",
            "2020-01-01T00:00:00Z",
            "--json",
        ],
    )
    .await
    .json();
    let rules = broadsheet(d, &["rules", "--json"]).await.json();
    assert_eq!(rules.as_array().unwrap().len(), 4);
    assert_eq!(rules[3]["until"], "2020-01-01T00:00:00Z");
    let shown = broadsheet(d, &["articles", "--json"]).await.json();
    assert_eq!(shown.as_array().unwrap().len(), 3);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_rule_that_expires_gives_back_the_stories_it_hid() {
    let server = FixtureServer::start().await.unwrap();
    serve_versions(&server, "/news.xml", "Harbour News", vec![vec![PENS, PIER]]);
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let feed = subscribe(d, &server.url("/news.xml"), None).await;
    let until = (chrono::Utc::now() + chrono::Duration::seconds(3)).to_rfc3339();
    broadsheet(
        d,
        &[
            "rule", "add", "--match", "any=.", "--feed", &feed, "--until", &until, "--json",
        ],
    )
    .await
    .json();
    assert_eq!(
        broadsheet(d, &["articles", "--json"]).await.json(),
        Value::Array(vec![])
    );
    tokio::time::sleep(std::time::Duration::from_secs(4)).await;
    broadsheet(d, &["refresh", "--json"]).await.json();
    let shown = broadsheet(d, &["articles", "--json"]).await.json();
    assert_eq!(titles(&shown), sorted(&[PIER.1, PENS.1]));
}

#[tokio::test(flavor = "multi_thread")]
async fn miniflux_rule_lines_import_as_hide_rules_and_export_back() {
    let server = FixtureServer::start().await.unwrap();
    serve_versions(
        &server,
        "/news.xml",
        "Harbour News",
        vec![vec![PENS, PIER, MARKETS]],
    );
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    subscribe(d, &server.url("/news.xml"), None).await;
    let file = dir.path().join("miniflux-rules.txt");
    std::fs::write(
        &file,
        "EntryTitle=(?i)sponsored\nEntryAuthor=(?i)^sam\nEntryDate=future\n",
    )
    .unwrap();
    let report = broadsheet(d, &["rules", "import", file.to_str().unwrap(), "--json"])
        .await
        .json();
    assert_eq!(report["added"].as_array().unwrap().len(), 2, "{report}");
    assert_eq!(report["skipped"][0]["line"], 3);
    let shown = broadsheet(d, &["articles", "--json"]).await.json();
    assert_eq!(titles(&shown), sorted(&[PIER.1]));
    let exported = broadsheet(d, &["rules", "export"]).await;
    assert_eq!(exported.code, 0, "{}", exported.stderr);
    assert_eq!(
        exported.stdout,
        "EntryTitle=(?i)sponsored\nEntryAuthor=(?i)^sam\n"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_refresh_announces_each_new_story_once_from_listened_feeds_and_notify_rules() {
    let server = FixtureServer::start().await.unwrap();
    let news = serve_versions(
        &server,
        "/news.xml",
        "Harbour News",
        vec![vec![PIER], vec![PIER, MARKETS, MORE_PENS]],
    );
    let other = serve_versions(
        &server,
        "/other.xml",
        "Islands",
        vec![vec![PENS], vec![PENS, FERRY]],
    );
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let news_id = subscribe(d, &server.url("/news.xml"), None).await;
    subscribe(d, &server.url("/other.xml"), None).await;

    let feed = broadsheet(d, &["notify", &news_id, "on", "--json"])
        .await
        .json();
    assert_eq!(feed["notify"], true);
    broadsheet(
        d,
        &[
            "rule",
            "add",
            "--match",
            "title=(?i)storm",
            "--action",
            "notify",
            "--json",
        ],
    )
    .await
    .json();
    broadsheet(
        d,
        &["rule", "add", "--match", "title=(?i)sponsored", "--json"],
    )
    .await
    .json();
    // Nothing new: nothing to announce (the stories there before are never announced).
    let report = broadsheet(d, &["refresh", "--json"]).await.json();
    assert_eq!(report["notify"]["count"], 0, "{report}");

    news.store(1, Ordering::SeqCst);
    other.store(1, Ordering::SeqCst);
    let report = broadsheet(d, &["refresh", "--json"]).await.json();
    let batch = &report["notify"];
    // The listened feed's new story and the other feed's storm; the hidden one is not news.
    assert_eq!(batch["count"], 2, "{report}");
    let mut announced: Vec<&str> = batch["titles"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t.as_str().unwrap())
        .collect();
    announced.sort();
    assert_eq!(announced, sorted(&[MARKETS.1, FERRY.1]));
    let ids = batch["article_ids"].as_array().unwrap();
    assert_eq!(ids.len(), 2);
    let first = broadsheet(d, &["show", &ids[0].to_string(), "--json"])
        .await
        .json();
    assert!(announced.contains(&first["title"].as_str().unwrap()));

    // Never twice.
    let report = broadsheet(d, &["refresh", "--json"]).await.json();
    assert_eq!(report["notify"]["count"], 0, "{report}");
    assert_eq!(report["notify"]["article_ids"], Value::Array(vec![]));
}
