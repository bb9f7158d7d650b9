//! The loopback news site of tests/fixtures/news-site, served the way its README says: `/` is
//! the home page, and the feed's `{{HOST}}` placeholders become this server's address. The app's
//! tests and the engine's (`src-tauri/engine/tests`) both include this file.

use std::path::{Path, PathBuf};

use fixture_server::{FixtureServer, Reply};

/// The fixture site's folder.
pub fn site_dir() -> PathBuf {
    // The folder is at the workspace root, above whichever crate's tests include this file.
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .ancestors()
        .map(|dir| dir.join("tests/fixtures/news-site"))
        .find(|dir| dir.is_dir())
        .expect("tests/fixtures/news-site above the crate")
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
