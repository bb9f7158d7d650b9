//! The command line with a feed behind a password: `subscribe http://user:password@…` works,
//! later refreshes are signed in, and nothing it prints (`feeds`, errors, OPML) holds the
//! password. The password goes to the file `BROADSHEET_CREDENTIALS_FILE` names, outside the
//! library folder; nothing here touches the internet or the machine's own credential store.

use std::ffi::OsStr;
use std::path::Path;
use std::sync::atomic::{AtomicU16, Ordering};
use std::sync::Arc;

use fixture_server::{FixtureServer, Reply};

const SECRET: &str = "s3cret-word";

/// `Basic base64("ann:s3cret-word")`.
const AUTHORIZATION: &str = "Basic YW5uOnMzY3JldC13b3Jk";

#[path = "support/command_line.rs"]
mod command_line;
use command_line::{broadsheet_with_env, Run};

/// Runs `broadsheet --data-dir DIR ARGS…` with its passwords kept in `credentials`, logging.
async fn broadsheet(dir: &Path, credentials: &Path, args: &[&str]) -> Run {
    let env = [
        ("BROADSHEET_CREDENTIALS_FILE", credentials.as_os_str()),
        ("BROADSHEET_LOG", OsStr::new("debug")),
    ];
    broadsheet_with_env(dir, args, &env).await
}

fn rss() -> String {
    let long = "A story long enough not to be a teaser, so no page is fetched. ".repeat(10);
    format!(
        r#"<?xml version="1.0"?><rss version="2.0"><channel><title>Private news</title><link>/</link>
<item><title>Unlinked</title><description>{long}</description></item></channel></rss>"#
    )
}

#[tokio::test(flavor = "multi_thread")]
async fn a_feed_behind_a_password_never_shows_it_in_what_the_command_line_prints() {
    let status = Arc::new(AtomicU16::new(200));
    let server = FixtureServer::start().await.unwrap();
    let answer = status.clone();
    server.route_fn("/feed", move |req| {
        if req.header("authorization") != Some(AUTHORIZATION) {
            return Reply::status(401);
        }
        match answer.load(Ordering::SeqCst) {
            200 => Reply::ok("application/rss+xml", rss()),
            other => Reply::status(other),
        }
    });
    let library = tempfile::tempdir().unwrap();
    let config = tempfile::tempdir().unwrap();
    let credentials = config.path().join("credentials");
    let typed = server
        .url("/feed")
        .replace("http://", &format!("http://ann:{SECRET}@"));

    let mut printed = String::new();
    for args in [
        vec!["--json", "subscribe", typed.as_str()],
        vec!["--json", "refresh"],
        vec!["--json", "feeds"],
        vec!["feeds"],
        vec!["export-opml"],
    ] {
        let run = broadsheet(library.path(), &credentials, &args).await;
        assert_eq!(run.code, 0, "{args:?}: {}", run.stderr);
        printed.push_str(&run.stdout);
        printed.push_str(&run.stderr);
    }
    assert!(printed.contains(&server.url("/feed")), "{printed}");
    // A failing refresh says why, and still without the password.
    status.store(500, Ordering::SeqCst);
    let run = broadsheet(library.path(), &credentials, &["--json", "refresh"]).await;
    assert!(run.stdout.contains("500"), "{}", run.stdout);
    printed.push_str(&run.stdout);
    printed.push_str(&run.stderr);
    assert!(!printed.contains(SECRET), "{printed}");
    assert!(std::fs::read_to_string(&credentials)
        .unwrap()
        .contains(SECRET));
}
