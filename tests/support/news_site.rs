//! The loopback news site of tests/fixtures/news-site, served the way its README says: `/` is
//! the home page, and the feed's `{{HOST}}` placeholders become this server's address.

use std::path::PathBuf;

use fixture_server::{FixtureServer, Reply};

/// The fixture site's folder.
pub fn site_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/news-site")
}

/// Starts a server for the news site on a free loopback port.
pub async fn news_site() -> FixtureServer {
    let server = FixtureServer::start().await.unwrap();
    server.serve_dir("/", site_dir());
    let home = std::fs::read(site_dir().join("index.html")).unwrap();
    server.route("/", Reply::ok("text/html; charset=utf-8", home));
    let feed = std::fs::read_to_string(site_dir().join("feed.xml"))
        .unwrap()
        .replace("{{HOST}}", &server.addr().to_string());
    server.route(
        "/feed.xml",
        Reply::ok("application/rss+xml; charset=utf-8", feed),
    );
    server
}
