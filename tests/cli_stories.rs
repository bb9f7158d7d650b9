//! Stories through the command line (issue 12): the labelled story fixture's ten outlets
//! served as ten feeds from a loopback server, subscribed one after another as a person would,
//! then read back with `articles --json`, `articles --stories` and `show --json`. The grouping
//! happens as the articles arrive, inside the real binary.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use chrono::{DateTime, Duration, Utc};
use fixture_server::{FixtureServer, Reply};
use serde::Deserialize;
use serde_json::Value;

#[path = "support/command_line.rs"]
mod command_line;
use command_line::broadsheet;

/// The engine's labelled fixture: invented news items of ten outlets over a week.
const FIXTURE: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/src-tauri/engine/tests/fixtures/stories/news-week-ten-outlets.json"
);

#[derive(Debug, Deserialize)]
struct Item {
    outlet: String,
    published: DateTime<Utc>,
    title: String,
    lead: String,
    event: String,
}

#[derive(Debug, Deserialize)]
struct Fixture {
    items: Vec<Item>,
}

fn xml_text(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// One RSS feed per outlet, its items as the fixture has them (no links: nothing to fetch).
fn feeds(items: &[Item]) -> BTreeMap<String, String> {
    let mut feeds: BTreeMap<String, String> = BTreeMap::new();
    for (i, item) in items.iter().enumerate() {
        let feed = feeds.entry(item.outlet.clone()).or_insert_with(|| {
            format!(
                "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<rss version=\"2.0\"><channel><title>{}</title><link>/</link>",
                xml_text(&item.outlet)
            )
        });
        feed.push_str(&format!(
            "<item><guid isPermaLink=\"false\">item-{i}</guid><title>{}</title><description>{}</description><pubDate>{}</pubDate></item>",
            xml_text(&item.title),
            xml_text(&item.lead),
            item.published.to_rfc2822()
        ));
    }
    for feed in feeds.values_mut() {
        feed.push_str("</channel></rss>");
    }
    feeds
}

/// A library subscribed to the fixture's ten outlets, and every article as `articles --json`
/// lists it.
struct Grouped {
    _server: FixtureServer,
    dir: tempfile::TempDir,
    fixture: Fixture,
    articles: Vec<Value>,
}

impl Grouped {
    /// The fixture item an article was made from (a title two items share is one wire story's,
    /// so either tells its event).
    fn item(&self, article: &Value) -> &Item {
        let title = article["title"].as_str().unwrap();
        self.fixture
            .items
            .iter()
            .find(|i| i.title == title)
            .unwrap_or_else(|| panic!("no fixture item titled {title:?}"))
    }

    fn article(&self, title: &str) -> &Value {
        self.articles
            .iter()
            .find(|a| a["title"] == title)
            .unwrap_or_else(|| panic!("no article titled {title:?}"))
    }

    /// The articles of each story, by story id.
    fn stories(&self) -> BTreeMap<i64, Vec<&Value>> {
        let mut stories: BTreeMap<i64, Vec<&Value>> = BTreeMap::new();
        for a in &self.articles {
            stories
                .entry(a["story"].as_i64().unwrap())
                .or_default()
                .push(a);
        }
        stories
    }
}

async fn grouped_library() -> Grouped {
    let text = std::fs::read_to_string(FIXTURE).unwrap();
    let fixture: Fixture = serde_json::from_str(&text).unwrap();
    let server = FixtureServer::start().await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    for (n, (_, body)) in feeds(&fixture.items).into_iter().enumerate() {
        let path = format!("/outlet-{n}.xml");
        server.route(&path, Reply::ok("application/rss+xml", body));
        let run = broadsheet(dir.path(), &["subscribe", &server.url(&path), "--json"]).await;
        run.json();
    }
    let articles = broadsheet(dir.path(), &["articles", "--limit", "500", "--json"])
        .await
        .json();
    let articles = articles.as_array().unwrap().clone();
    assert_eq!(articles.len(), fixture.items.len());
    Grouped {
        _server: server,
        dir,
        fixture,
        articles,
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn the_fixtures_outlets_are_grouped_into_stories_by_event_and_never_across_events() {
    let g = grouped_library().await;
    // Two wordings of one decision, from two outlets, share a story.
    let fed = g.article("Fed holds rates steady, signals patience on cuts");
    let powell = g.article("Powell: no rush to cut as Fed stands pat");
    assert_eq!(fed["story"], powell["story"]);
    assert_ne!(fed["feed_id"], powell["feed_id"]);

    // Pairwise: every pair in one story reports one event (precision first), and most pairs
    // of one event from different outlets are found (0.727 measured; the engine's own measure
    // finds 0.718 when the items arrive in order of publication).
    let (mut grouped_pairs, mut right, mut same_event) = (0, 0, 0);
    for (i, a) in g.articles.iter().enumerate() {
        for b in &g.articles[i + 1..] {
            let together = a["story"] == b["story"];
            let (x, y) = (g.item(a), g.item(b));
            let one_event = x.event == y.event && x.outlet != y.outlet;
            grouped_pairs += usize::from(together);
            right += usize::from(together && x.event == y.event);
            same_event += usize::from(one_event);
        }
    }
    assert!(grouped_pairs > 0);
    assert_eq!(right, grouped_pairs, "pairs of different events grouped");
    let recall = right as f64 / same_event as f64;
    assert!(
        recall >= 0.6,
        "pair recall {recall:.3} ({right} of {same_event})"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_story_never_holds_two_articles_of_one_feed_nor_spans_more_than_48_hours() {
    let g = grouped_library().await;
    let stories = g.stories();
    assert!(
        stories.values().any(|s| s.len() >= 3),
        "some story has three outlets"
    );
    for (story, articles) in &stories {
        let feeds: BTreeSet<i64> = articles
            .iter()
            .map(|a| a["feed_id"].as_i64().unwrap())
            .collect();
        assert_eq!(feeds.len(), articles.len(), "story {story}: one feed twice");
        let times: Vec<DateTime<Utc>> = articles
            .iter()
            .map(|a| a["published"].as_str().unwrap().parse().unwrap())
            .collect();
        let span = *times.iter().max().unwrap() - *times.iter().min().unwrap();
        assert!(span <= Duration::hours(48), "story {story} spans {span}");
        // An article tells how many outlets its story has, and which feeds the others are.
        for a in articles {
            assert_eq!(a["outlets"], articles.len());
            assert_eq!(
                a["outlet_feeds"].as_array().unwrap().len(),
                articles.len() - 1
            );
        }
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn the_story_list_has_one_entry_per_story_and_show_tells_the_other_outlets() {
    let g = grouped_library().await;
    let stories = g.stories();
    let listed = broadsheet(
        g.dir.path(),
        &["articles", "--stories", "--limit", "500", "--json"],
    )
    .await
    .json();
    let listed = listed.as_array().unwrap();
    assert_eq!(listed.len(), stories.len());
    let mut seen = BTreeSet::new();
    for entry in listed {
        let story = entry["story"].as_i64().unwrap();
        assert!(seen.insert(story), "story {story} listed twice");
        let members = &stories[&story];
        assert_eq!(entry["outlets"], members.len());
        // Nothing read yet: the story's newest article stands for it.
        let newest = members
            .iter()
            .map(|a| a["published"].as_str().unwrap())
            .max();
        assert_eq!(entry["published"].as_str(), newest);
    }

    let fed = g.article("Fed holds rates steady, signals patience on cuts");
    let id = fed["id"].as_i64().unwrap().to_string();
    let shown = broadsheet(g.dir.path(), &["show", &id, "--json"])
        .await
        .json();
    let coverage = shown["coverage"].as_array().unwrap();
    let members = &stories[&fed["story"].as_i64().unwrap()];
    assert_eq!(coverage.len(), members.len() - 1);
    let by_id: HashMap<i64, &Value> = members
        .iter()
        .map(|a| (a["id"].as_i64().unwrap(), *a))
        .collect();
    for other in coverage {
        let article = by_id[&other["id"].as_i64().unwrap()];
        assert_ne!(other["id"], fed["id"]);
        for field in ["feed_title", "title", "url"] {
            assert_eq!(other[field], article[field], "{field}");
        }
    }
    // An article alone has no coverage.
    let alone = stories.values().find(|s| s.len() == 1).unwrap()[0];
    let id = alone["id"].as_i64().unwrap().to_string();
    let shown = broadsheet(g.dir.path(), &["show", &id, "--json"])
        .await
        .json();
    assert_eq!(shown["coverage"], serde_json::json!([]));
}

/// A feed of the given items (title, lead, RFC 3339 time), as the fixture feeds are written.
fn crafted_feed(name: &str, items: &[(&str, &str, &str)]) -> String {
    let mut out = format!(
        "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<rss version=\"2.0\"><channel><title>{name}</title><link>/</link>"
    );
    for (i, (title, lead, time)) in items.iter().enumerate() {
        let time: DateTime<Utc> = time.parse().unwrap();
        out.push_str(&format!(
            "<item><guid isPermaLink=\"false\">{name}-{i}</guid><title>{title}</title><description>{lead}</description><pubDate>{}</pubDate></item>",
            time.to_rfc2822()
        ));
    }
    out.push_str("</channel></rss>");
    out
}

const ORLA: &str =
    "Met Eireann issued a red wind warning for Galway, Mayo and Clare as Storm Orla \
    brought gusts of 150 km/h to the west coast, and 90,000 homes were without power.";
const QUAKE: &str =
    "A magnitude 6.8 earthquake struck southern Peru near Arequipa, shaking buildings \
    in Lima 700 km away; the Pacific Tsunami Warning Center said there was no threat.";

/// Two rules the text cannot override, on feeds written to tempt them: a feed that carries one
/// event twice (as a live page and its write-up do) joins that story once, and a story that
/// already spans 40 hours takes no article from 20 hours before its first.
#[tokio::test(flavor = "multi_thread")]
async fn one_feeds_two_write_ups_and_an_article_outside_48_hours_stay_out_of_a_story() {
    let server = FixtureServer::start().await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let feeds = [
        (
            "wire",
            vec![(
                "Storm Orla: red warning in the west",
                ORLA,
                "2026-03-02T10:00:00Z",
            )],
        ),
        (
            "paper",
            vec![
                (
                    "Storm Orla batters the west coast",
                    ORLA,
                    "2026-03-02T10:30:00Z",
                ),
                (
                    "Storm Orla: red warning, homes without power",
                    ORLA,
                    "2026-03-02T11:00:00Z",
                ),
            ],
        ),
        (
            "first",
            vec![(
                "Earthquake strikes southern Peru",
                QUAKE,
                "2026-03-05T00:00:00Z",
            )],
        ),
        (
            "later",
            vec![(
                "Peru earthquake: no tsunami threat",
                QUAKE,
                "2026-03-06T16:00:00Z",
            )],
        ),
        (
            "earlier",
            vec![("Magnitude 6.8 quake in Peru", QUAKE, "2026-03-04T04:00:00Z")],
        ),
    ];
    for (name, items) in &feeds {
        let path = format!("/{name}.xml");
        server.route(
            &path,
            Reply::ok("application/rss+xml", crafted_feed(name, items)),
        );
        broadsheet(dir.path(), &["subscribe", &server.url(&path), "--json"])
            .await
            .json();
    }
    let articles = broadsheet(dir.path(), &["articles", "--json"]).await.json();
    let story = |title: &str| {
        articles
            .as_array()
            .unwrap()
            .iter()
            .find(|a| a["title"] == title)
            .unwrap_or_else(|| panic!("no article titled {title:?}"))["story"]
            .clone()
    };
    let wire = story("Storm Orla: red warning in the west");
    let paper = [
        story("Storm Orla batters the west coast"),
        story("Storm Orla: red warning, homes without power"),
    ];
    assert!(
        paper.contains(&wire),
        "the paper's first write-up joins the wire's story"
    );
    assert_ne!(paper[0], paper[1], "one feed's two write-ups share a story");

    let first = story("Earthquake strikes southern Peru");
    assert_eq!(story("Peru earthquake: no tsunami threat"), first);
    assert_ne!(
        story("Magnitude 6.8 quake in Peru"),
        first,
        "a story spans 60 hours"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn the_list_by_story_is_a_setting_on_by_default_that_takes_true_or_false() {
    let dir = tempfile::tempdir().unwrap();
    let settings = broadsheet(dir.path(), &["settings", "--json"]).await.json();
    assert_eq!(settings["group_stories"], true);
    let off = ["settings", "--set", "group_stories=false", "--json"];
    let settings = broadsheet(dir.path(), &off).await.json();
    assert_eq!(settings["group_stories"], false);
    let wrong = broadsheet(dir.path(), &["settings", "--set", "group_stories=maybe"]).await;
    assert_ne!(wrong.code, 0);
    assert!(wrong.stderr.contains("true or false"), "{}", wrong.stderr);
}
