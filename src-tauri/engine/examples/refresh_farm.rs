//! Benchmark: refreshing a farm of 500 feeds × 50 items served from loopback hosts spread over
//! 127.0.0.0/8, so the per-host limit acts as it would on the internet.
//!
//! Prints three figures: the first import (every item new), a refresh where every feed answers
//! 304, and a refresh of feeds without validators whose bodies did not change. Then a fourth: the
//! first look for the feeds' icons (`Library::update_icons`, which the window runs behind a
//! refresh, so it is not part of the refresh figures); every host serves a `/favicon.ico`.
//!
//! With RULES (default 0), that many rules are in place before the first import, half of them
//! plain words and half regular expressions, over every field, matching none of the stories: the
//! cost of the rules on arrival (issue 13 asks under 10% more at 50 rules than at none).
//!
//! Reproduce: `cargo run --release -p broadsheet-engine --example refresh_farm [FEEDS] [ITEMS] [RULES]`

use std::net::{IpAddr, Ipv4Addr};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Instant;

use broadsheet_engine::library::{Library, LibraryConfig};
use broadsheet_engine::rules::{PatternKind, RuleAction, RuleField, RuleSpec};
use fixture_server::{FixtureServer, Reply};

const HOSTS: usize = 100;

/// A 16×16 icon, as a site would serve at /favicon.ico.
const ICON: &[u8] = include_bytes!("../../../tests/fixtures/news-site/favicon.ico");

fn feed_body(feed: usize, items: usize, site: &str) -> String {
    let mut out = format!(
        "<?xml version=\"1.0\" encoding=\"utf-8\"?><rss version=\"2.0\" xmlns:content=\"http://purl.org/rss/1.0/modules/content/\"><channel><title>Farm feed {feed}</title><link>{site}</link>"
    );
    for i in 0..items {
        out.push_str(&format!(
            "<item><guid>farm-{feed}-{i}</guid><title>Story {i} of feed {feed}: leaders meet as markets wait</title>\
             <link>http://farm.example/{feed}/story-{i}.html</link><pubDate>Mon, 01 Sep 2025 {:02}:{:02}:00 GMT</pubDate>\
             <description><![CDATA[<p>In a rare show of unity, leaders met in Beijing this week for talks on trade, security and energy. \
             Story {i} of feed {feed} follows the talks as they unfold, with <a href=\"/more/{i}\">more here</a>.</p>\
             <p>Analysts said the meeting <em>signalled</em> a shift, while markets held steady ahead of the outcome.</p>\
             <p>Officials from both delegations described the first session as frank and useful. Trade ministers met separately \
             to discuss tariffs on steel and farm goods, and energy officials reviewed a pipeline agreement that has been delayed \
             for more than a year. Diplomats expect a joint statement on the final day.</p>\
             <img src=\"/img/{i}.jpg\" alt=\"The summit\" width=\"640\" height=\"360\">]]></description></item>",
            i % 24,
            i % 60
        ));
    }
    out.push_str("</channel></rss>");
    out
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<usize> = std::env::args()
        .skip(1)
        .filter_map(|a| a.parse().ok())
        .collect();
    let feeds = args.first().copied().unwrap_or(500);
    let items = args.get(1).copied().unwrap_or(50);
    let rules = args.get(2).copied().unwrap_or(0);

    // Feeds answer with an ETag while `use_etags` is on, and without validators after.
    let use_etags = Arc::new(AtomicBool::new(true));
    let mut servers = Vec::new();
    for h in 0..HOSTS {
        let ip = IpAddr::V4(Ipv4Addr::new(
            127,
            0,
            1 + (h / 250) as u8,
            1 + (h % 250) as u8,
        ));
        let server = FixtureServer::start_on(ip, 0).await?;
        server.route("/favicon.ico", Reply::ok("image/x-icon", ICON));
        servers.push(server);
    }
    let mut urls = Vec::new();
    for f in 0..feeds {
        let server = &servers[f % HOSTS];
        let path = format!("/feed{f}.xml");
        let body = feed_body(f, items, &server.url(&format!("/{f}/")));
        let tag = format!("\"farm-{f}\"");
        let etags = Arc::clone(&use_etags);
        server.route_fn(&path, move |req| {
            if !etags.load(Ordering::Relaxed) {
                return Reply::ok("application/rss+xml", body.clone());
            }
            if req.header("if-none-match") == Some(tag.as_str()) {
                return Reply::status(304).header("ETag", &tag);
            }
            Reply::ok("application/rss+xml", body.clone()).header("ETag", &tag)
        });
        urls.push(server.url(&path));
    }

    let dir = tempfile::tempdir()?;
    let library = Library::open(dir.path(), LibraryConfig::default())?;
    for n in 0..rules {
        let (kind, pattern) = if n % 2 == 0 {
            (PatternKind::Words, format!("sponsored post {n}"))
        } else {
            (
                PatternKind::Regex,
                format!(r"(?i)\b(promo|deal)\s+code\s*{n}\b"),
            )
        };
        library
            .add_rule(RuleSpec {
                field: RuleField::ALL[n % RuleField::ALL.len()],
                pattern,
                kind,
                feed_id: None,
                folder: None,
                action: RuleAction::Hide,
                until: None,
            })
            .await?;
    }
    let opml: String = urls
        .iter()
        .map(|u| format!("<outline text=\"f\" xmlUrl=\"{u}\"/>"))
        .collect();
    library
        .import_opml(&format!("<opml version=\"2.0\"><body>{opml}</body></opml>"))
        .await?;

    let quiet = |_| {};
    let t = Instant::now();
    let first = library.refresh(None, &quiet).await?;
    let first_ms = t.elapsed().as_secs_f64() * 1000.0;
    assert!(
        first.errors.is_empty(),
        "errors: {:?}",
        &first.errors[..first.errors.len().min(3)]
    );

    let t = Instant::now();
    let not_modified = library.refresh(None, &quiet).await?;
    let not_modified_ms = t.elapsed().as_secs_f64() * 1000.0;

    use_etags.store(false, Ordering::Relaxed);
    let t = Instant::now();
    let unchanged = library.refresh(None, &quiet).await?;
    let unchanged_ms = t.elapsed().as_secs_f64() * 1000.0;

    println!(
        "refresh farm: {feeds} feeds x {items} items over {HOSTS} loopback hosts, {rules} rules"
    );
    println!(
        "  first import:          {first_ms:8.0} ms  ({} new articles, {} errors)",
        first.new_articles,
        first.errors.len()
    );
    println!(
        "  all 304 Not Modified:  {not_modified_ms:8.0} ms  ({} not modified)",
        not_modified.not_modified
    );
    println!(
        "  unchanged, no ETag:    {unchanged_ms:8.0} ms  ({} not modified, {} new)",
        unchanged.not_modified, unchanged.new_articles
    );
    let t = Instant::now();
    let icons = library.update_icons().await;
    let icons_ms = t.elapsed().as_secs_f64() * 1000.0;
    println!("  icons, first look:     {icons_ms:8.0} ms  ({icons} found)");
    println!("reproduce: cargo run --release -p broadsheet-engine --example refresh_farm {feeds} {items} {rules}");
    Ok(())
}
