//! The loopback farm the refresh benchmarks share: `feeds` RSS feeds of `items` items each
//! (about 1 KB of HTML an item), spread over 100 loopback hosts in 127.0.0.0/8 so per-host
//! limits act as they would on the internet; every host serves `/favicon.ico`. Feeds answer with
//! an ETag (and 304 to it) while `use_etags` is on, without validators after.
//!
//! Included by the examples with `#[path = "support/farm.rs"] mod farm;`.

use std::net::{IpAddr, Ipv4Addr};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use fixture_server::{FixtureServer, Reply};

pub const HOSTS: usize = 100;

/// A 16×16 icon, as a site would serve at /favicon.ico.
const ICON: &[u8] = include_bytes!("../../../../tests/fixtures/news-site/favicon.ico");

pub fn feed_body(feed: usize, items: usize, site: &str) -> String {
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

/// The farm's size from the command line, `[FEEDS] [ITEMS] [MORE...]` (500 and 50 when not
/// given), with the numbers after them.
pub fn size_from_args() -> (usize, usize, Vec<usize>) {
    let args: Vec<usize> = std::env::args()
        .skip(1)
        .filter_map(|a| a.parse().ok())
        .collect();
    let feeds = args.first().copied().unwrap_or(500);
    let items = args.get(1).copied().unwrap_or(50);
    (feeds, items, args.into_iter().skip(2).collect())
}

/// A running farm: its servers stop when it is dropped.
pub struct Farm {
    _servers: Vec<FixtureServer>,
    /// Every feed's address.
    pub urls: Vec<String>,
    /// Whether feeds send (and honour) ETags; on from the start (not every benchmark turns it off).
    #[allow(dead_code)]
    pub use_etags: Arc<AtomicBool>,
}

impl Farm {
    /// Starts the farm's servers.
    pub async fn start(feeds: usize, items: usize) -> std::io::Result<Farm> {
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
        Ok(Farm {
            _servers: servers,
            urls,
            use_etags,
        })
    }

    /// The farm's feeds as an OPML list.
    pub fn opml(&self) -> String {
        let outlines: String = self
            .urls
            .iter()
            .map(|u| format!("<outline text=\"f\" xmlUrl=\"{u}\"/>"))
            .collect();
        format!("<opml version=\"2.0\"><body>{outlines}</body></opml>")
    }
}
