//! A real Miniflux for the tests, started by `tests/support/miniflux/start` and stopped by PID
//! when its guard is dropped (a panicking test included).
//!
//! Owns the ports, the throwaway state folder and the guard; the script owns the download,
//! PostgreSQL and Miniflux's settings. When the download itself is refused (no network to the
//! Debian mirror), [`Miniflux::start`] says why and gives `None`, and the test is skipped;
//! anything that fails after the download is a test failure. It also holds what the tests that
//! use it share: an RSS feed of numbered stories, and waiting for Miniflux to fetch them.

use std::net::TcpListener;
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use broadsheet_engine::sync::greader::{GReaderClient, ItemId, READING_LIST};
use fixture_server::FixtureServer;

/// The API user and password the tests log in with (the Google Reader integration's own).
pub const READER_USER: &str = "reader";
/// The Google Reader API password of [`READER_USER`].
pub const READER_PASSWORD: &str = "api-password-for-tests";

/// The script's exit status when the mirror refuses the download.
const DOWNLOAD_REFUSED: i32 = 3;
/// Download (first run only), initdb and start together; the first run here took about 30 s.
const START_LIMIT: Duration = Duration::from_secs(240);

/// A running Miniflux; dropping it stops Miniflux and PostgreSQL and deletes their data.
pub struct Miniflux {
    /// Its address, `http://127.0.0.1:PORT`.
    pub url: String,
    state: tempfile::TempDir,
}

/// The script, found from the engine crate's tests or the top-level ones (both include this).
fn script(name: &str) -> PathBuf {
    let manifest = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    ["tests/support/miniflux", "../../tests/support/miniflux"]
        .iter()
        .map(|folder| manifest.join(folder).join(name))
        .find(|path| path.exists())
        .unwrap_or_else(|| panic!("tests/support/miniflux/{name} not found from {manifest:?}"))
}

fn free_port() -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").expect("a free loopback port");
    listener.local_addr().expect("a bound address").port()
}

impl Miniflux {
    /// Starts one, or gives `None` (having said why) when the package cannot be downloaded.
    pub fn start() -> Option<Miniflux> {
        let state = tempfile::tempdir().expect("a state folder");
        let (pg_port, mf_port) = (free_port().to_string(), free_port().to_string());
        let mut child = Command::new("bash")
            .arg(script("start"))
            .arg(state.path())
            .args([&pg_port, &mf_port, "admin", "admin-password-for-tests"])
            .args([READER_USER, READER_PASSWORD])
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("bash runs the start script");
        // From here on the guard exists, so whatever started is stopped, even on a panic.
        let mut miniflux = Miniflux {
            url: String::new(),
            state,
        };
        let began = Instant::now();
        let status = loop {
            if let Some(status) = child
                .try_wait()
                .expect("the start script can be waited for")
            {
                break status;
            }
            if began.elapsed() > START_LIMIT {
                let _ = child.kill();
                let _ = child.wait();
                panic!(
                    "Miniflux did not start in {START_LIMIT:?}; logs in {:?}",
                    miniflux.state.path()
                );
            }
            std::thread::sleep(Duration::from_millis(100));
        };
        let mut stderr = String::new();
        if let Some(mut pipe) = child.stderr.take() {
            let _ = std::io::Read::read_to_string(&mut pipe, &mut stderr);
        }
        if status.code() == Some(DOWNLOAD_REFUSED) {
            eprintln!("skipped: {}", stderr.trim());
            return None;
        }
        assert!(
            status.success(),
            "Miniflux did not start: {}",
            stderr.trim()
        );
        let url = std::fs::read_to_string(miniflux.state.path().join("url"))
            .expect("the start script writes the address");
        eprintln!("Miniflux up at {} in {:?}", url.trim(), began.elapsed());
        miniflux.url = url.trim().to_owned();
        Some(miniflux)
    }
}

// Only the window's test stops the server mid-session; the other tests that include this
// module do not.
#[allow(dead_code)]
impl Miniflux {
    /// Stops Miniflux alone (its database and data stay): its address refuses connections,
    /// as a server that is down does, until [`Miniflux::resume`].
    pub fn pause(&self) {
        self.run("pause");
    }

    /// Starts the paused Miniflux again on the same data and address, once it answers.
    pub fn resume(&self) {
        self.run("resume");
    }

    fn run(&self, name: &str) {
        let status = Command::new("bash")
            .arg(script(name))
            .arg(self.state.path())
            .status()
            .expect("bash runs the script");
        assert!(
            status.success(),
            "miniflux {name} failed; logs in {:?}",
            self.state.path()
        );
    }
}

impl Drop for Miniflux {
    fn drop(&mut self) {
        let _ = Command::new("bash")
            .arg(script("stop"))
            .arg(self.state.path())
            .status();
    }
}

/// An RSS feed of `count` items titled `"{name} story {n}"`, linking to the same server.
pub fn rss(server: &FixtureServer, name: &str, count: usize) -> String {
    let items: String = (0..count)
        .map(|n| {
            format!(
                "<item><title>{name} story {n}</title><guid>{name}-{n}</guid>\
                 <link>{link}</link><description>Body of story {n}.</description></item>",
                link = server.url(&format!("/{name}/{n}.html")),
            )
        })
        .collect();
    format!(
        r#"<?xml version="1.0"?><rss version="2.0"><channel><title>{name}</title>
<link>{home}</link>{items}</channel></rss>"#,
        home = server.url("/"),
    )
}

/// The ids of the reading list, polled until there are `count` (Miniflux fetches a new
/// subscription at once, but give it time on a busy machine).
pub async fn wait_for_items(client: &GReaderClient, count: usize) -> Vec<ItemId> {
    let began = Instant::now();
    loop {
        let ids = client.item_ids(READING_LIST, None).await.unwrap();
        if ids.len() >= count || began.elapsed() > Duration::from_secs(30) {
            return ids;
        }
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
}
