//! Sync accounts end to end through the command line, against a real Miniflux 2.2 (Debian
//! trixie's package on a throwaway PostgreSQL, loopback only; see
//! `src-tauri/engine/tests/miniflux`) subscribed to this test's own loopback feeds: two
//! libraries ("devices") on one account see each other's reads and bookmarks; a story read on
//! the server shows read; edits made while the server is down wait in the queue and are pushed
//! when it is back; a wrong password stores nothing; the password is in no library file,
//! output or log. When the Miniflux package cannot be downloaded the tests say so and pass.

#[path = "support/command_line.rs"]
mod command_line;
#[path = "../src-tauri/engine/tests/miniflux/mod.rs"]
mod miniflux;

use std::ffi::OsStr;
use std::net::SocketAddr;

use broadsheet_engine::fetch::{FetchConfig, Fetcher};
use broadsheet_engine::sync::greader::{GReaderClient, Secret, StateTag, READING_LIST};
use command_line::{broadsheet_with_stdin, Run};
use fixture_server::{FixtureServer, Reply};
use miniflux::{rss, wait_for_items, Miniflux, READER_PASSWORD, READER_USER};
use serde_json::Value;
use tokio::net::{TcpListener, TcpSocket, TcpStream};
use tokio::task::JoinHandle;

/// One device: a library folder and, outside it, the file its passwords are kept in.
struct Device {
    library: tempfile::TempDir,
    config: tempfile::TempDir,
    /// Everything the command line printed, to look for the password in.
    printed: String,
}

impl Device {
    fn new() -> Device {
        Device {
            library: tempfile::tempdir().unwrap(),
            config: tempfile::tempdir().unwrap(),
            printed: String::new(),
        }
    }

    async fn run_with(&mut self, args: &[&str], stdin: &str) -> Run {
        let credentials = self.config.path().join("credentials");
        let env = [
            ("BROADSHEET_CREDENTIALS_FILE", credentials.as_os_str()),
            ("BROADSHEET_LOG", OsStr::new("debug")),
        ];
        let run = broadsheet_with_stdin(self.library.path(), args, &env, stdin).await;
        self.printed.push_str(&run.stdout);
        self.printed.push_str(&run.stderr);
        run
    }

    async fn run(&mut self, args: &[&str]) -> Run {
        self.run_with(args, "").await
    }

    async fn json(&mut self, args: &[&str]) -> Value {
        let mut with_json = args.to_vec();
        with_json.push("--json");
        self.run(&with_json).await.json()
    }

    async fn add_account(&mut self, url: &str) -> Value {
        self.run_with(
            &[
                "account",
                "add",
                "--kind",
                "greader",
                "--url",
                url,
                "--user",
                READER_USER,
                "--password-stdin",
                "--json",
            ],
            &format!("{READER_PASSWORD}\n"),
        )
        .await
        .json()
    }

    /// The stories by title: (article id, read, bookmarked).
    async fn stories(&mut self) -> Vec<(String, i64, bool, bool)> {
        let list = self.json(&["articles", "--limit", "500"]).await;
        list.as_array()
            .unwrap()
            .iter()
            .map(|a| {
                (
                    a["title"].as_str().unwrap().to_owned(),
                    a["id"].as_i64().unwrap(),
                    a["read"].as_bool().unwrap(),
                    a["bookmarked"].as_bool().unwrap(),
                )
            })
            .collect()
    }

    async fn story(&mut self, title: &str) -> (i64, bool, bool) {
        let stories = self.stories().await;
        let (_, id, read, bookmarked) = stories
            .into_iter()
            .find(|(t, ..)| t == title)
            .unwrap_or_else(|| panic!("no story {title:?}"));
        (id, read, bookmarked)
    }

    /// Every file of the library, as text, to look for the password in.
    fn library_text(&self) -> String {
        let mut text = String::new();
        let mut folders = vec![self.library.path().to_path_buf()];
        while let Some(folder) = folders.pop() {
            for entry in std::fs::read_dir(&folder).unwrap() {
                let path = entry.unwrap().path();
                if path.is_dir() {
                    folders.push(path);
                } else {
                    text.push_str(&String::from_utf8_lossy(&std::fs::read(&path).unwrap()));
                }
            }
        }
        text
    }
}

/// A door in front of the server: open, the server answers through it; shut, nothing
/// listens at its address (the server is down, as far as a device can tell).
struct Door {
    port: u16,
    accepting: Option<JoinHandle<()>>,
}

impl Door {
    async fn open_to(server: SocketAddr) -> Door {
        let mut door = Door {
            port: 0,
            accepting: None,
        };
        door.reopen(server).await;
        door
    }

    fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    async fn reopen(&mut self, server: SocketAddr) {
        let socket = TcpSocket::new_v4().unwrap();
        socket.set_reuseaddr(true).unwrap();
        socket
            .bind(SocketAddr::from(([127, 0, 0, 1], self.port)))
            .unwrap();
        let listener: TcpListener = socket.listen(64).unwrap();
        self.port = listener.local_addr().unwrap().port();
        self.accepting = Some(tokio::spawn(async move {
            while let Ok((mut inbound, _)) = listener.accept().await {
                tokio::spawn(async move {
                    if let Ok(mut outbound) = TcpStream::connect(server).await {
                        let _ = tokio::io::copy_bidirectional(&mut inbound, &mut outbound).await;
                    }
                });
            }
        }));
    }

    fn shut(&mut self) {
        if let Some(task) = self.accepting.take() {
            task.abort();
        }
    }
}

/// The test's own view of the server (as a phone would be), straight to Miniflux.
async fn server_client(miniflux: &Miniflux) -> GReaderClient {
    let fetcher = Fetcher::new(FetchConfig::default()).unwrap();
    GReaderClient::login(
        &fetcher,
        &miniflux.url,
        READER_USER,
        &Secret::new(READER_PASSWORD),
    )
    .await
    .unwrap()
}

fn miniflux_addr(miniflux: &Miniflux) -> SocketAddr {
    miniflux.url.trim_start_matches("http://").parse().unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_devices_on_one_account_see_each_others_reads_and_bookmarks_and_edits_made_while_the_server_is_down_wait_for_it(
) {
    let Some(miniflux) = Miniflux::start() else {
        return;
    };
    let feeds = FixtureServer::start().await.unwrap();
    feeds.route(
        "/news.xml",
        Reply::ok("application/rss+xml", rss(&feeds, "news", 5)),
    );
    feeds.route(
        "/more.xml",
        Reply::ok("application/rss+xml", rss(&feeds, "more", 2)),
    );
    let server = server_client(&miniflux).await;
    server.subscribe(&feeds.url("/news.xml")).await.unwrap();
    assert_eq!(wait_for_items(&server, 5).await.len(), 5);
    let mut door = Door::open_to(miniflux_addr(&miniflux)).await;

    // Two devices add the account and sync: the subscription, its folder and stories arrive.
    let (mut laptop, mut desktop) = (Device::new(), Device::new());
    for device in [&mut laptop, &mut desktop] {
        let added = device.add_account(&door.url()).await;
        assert_eq!(added["kind"], "greader");
        assert_eq!(added["user"], READER_USER);
        assert_eq!(added["url"], format!("{}/", door.url()));
        let synced = device.json(&["sync"]).await;
        assert_eq!(synced["accounts"], 1, "{synced}");
        assert_eq!(synced["feeds_added"], 1, "{synced}");
        assert_eq!(synced["new_articles"], 5, "{synced}");
        assert_eq!(synced["errors"], Value::Array(vec![]), "{synced}");
        let feeds = device.json(&["feeds"]).await;
        assert_eq!(feeds[0]["account"], added["id"], "{feeds}");
        assert_eq!(feeds[0]["folder"], "All", "Miniflux's default folder");
        assert_eq!(device.stories().await.len(), 5);
    }

    // What the laptop reads and bookmarks, the desktop sees after its sync.
    let (read_here, ..) = laptop.story("news story 0").await;
    let (kept_here, ..) = laptop.story("news story 1").await;
    assert_eq!(
        laptop
            .run(&["mark-read", &read_here.to_string()])
            .await
            .code,
        0
    );
    assert_eq!(
        laptop.run(&["bookmark", &kept_here.to_string()]).await.code,
        0
    );
    let pushed = laptop.json(&["sync"]).await;
    assert_eq!(pushed["pushed"], 2, "{pushed}");
    let pulled = desktop.json(&["sync"]).await;
    assert_eq!(pulled["pulled"], 2, "{pulled}");
    assert!(desktop.story("news story 0").await.1, "read on the laptop");
    assert!(
        desktop.story("news story 1").await.2,
        "bookmarked on the laptop"
    );
    assert!(!desktop.story("news story 2").await.1);

    // A story read on the server (a phone) shows read after a sync.
    let unread = server
        .item_ids(READING_LIST, Some(StateTag::Read))
        .await
        .unwrap();
    let titled = server.items(&unread).await.unwrap();
    let on_phone = titled
        .iter()
        .find(|i| i.title.as_deref() == Some("news story 2"))
        .unwrap();
    server
        .set_state(&[on_phone.id], StateTag::Read, true)
        .await
        .unwrap();
    laptop.json(&["sync"]).await;
    assert!(laptop.story("news story 2").await.1, "read on the phone");

    // The server goes down: an edit made now waits in the queue, across runs.
    door.shut();
    let (offline, ..) = laptop.story("news story 3").await;
    assert_eq!(
        laptop.run(&["mark-read", &offline.to_string()]).await.code,
        0
    );
    let down = laptop.json(&["sync"]).await;
    assert_eq!(down["errors"][0]["kind"], "unreachable", "{down}");
    assert_eq!(down["pushed"], 0);
    let accounts = laptop.json(&["account", "list"]).await;
    assert_eq!(accounts[0]["error"]["kind"], "unreachable", "{accounts}");
    assert!(
        laptop.story("news story 3").await.1,
        "the change shows at once"
    );

    // Back up: the queued edit is pushed, the error cleared, and the desktop sees it.
    door.reopen(miniflux_addr(&miniflux)).await;
    let back = laptop.json(&["sync"]).await;
    assert_eq!(back["pushed"], 1, "{back}");
    assert_eq!(back["errors"], Value::Array(vec![]), "{back}");
    let accounts = laptop.json(&["account", "list"]).await;
    assert_eq!(accounts[0]["error"], Value::Null, "{accounts}");
    assert!(accounts[0]["last_sync"].is_string(), "{accounts}");
    desktop.json(&["sync"]).await;
    assert!(
        desktop.story("news story 3").await.1,
        "pushed after the outage"
    );
    let still_unread = server
        .item_ids(READING_LIST, Some(StateTag::Read))
        .await
        .unwrap();
    // Stories 1 (bookmarked, never read) and 4 are all that is left unread there.
    assert_eq!(still_unread.len(), 2, "story 3 was read on the server");

    // Subscribing, renaming and unsubscribing an account's feed here goes to the server.
    let account = laptop.json(&["account", "list"]).await[0]["id"].to_string();
    let more = feeds.url("/more.xml");
    let subscribed = laptop
        .json(&[
            "subscribe",
            &more,
            "--account",
            &account,
            "--folder",
            "Tech",
        ])
        .await;
    assert_eq!(subscribed["feeds_added"], 1, "{subscribed}");
    assert_eq!(subscribed["pushed"], 1, "{subscribed}");
    let listed = laptop.json(&["feeds"]).await;
    let added = listed
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["url"] == more.as_str())
        .unwrap_or_else(|| panic!("{listed}"))
        .clone();
    assert_eq!(added["folder"], "Tech", "{added}");
    assert_eq!(added["account"].to_string(), account);
    let on_server = server.subscriptions().await.unwrap();
    let remote = on_server
        .iter()
        .find(|s| s.feed_url.as_deref() == Some(more.as_str()))
        .unwrap();
    assert_eq!(remote.folders, ["Tech"]);
    let feed_id = added["id"].to_string();
    assert_eq!(laptop.run(&["rename", &feed_id, "More news"]).await.code, 0);
    laptop.json(&["sync"]).await;
    let renamed = server.subscriptions().await.unwrap();
    assert!(
        renamed.iter().any(|s| s.title == "More news"),
        "{renamed:?}"
    );
    let desktop_sees = desktop.json(&["sync"]).await;
    assert_eq!(desktop_sees["feeds_added"], 1, "{desktop_sees}");
    assert_eq!(laptop.run(&["unsubscribe", &feed_id]).await.code, 0);
    laptop.json(&["sync"]).await;
    let left = server.subscriptions().await.unwrap();
    assert_eq!(left.len(), 1, "{left:?}");
    let desktop_sees = desktop.json(&["sync"]).await;
    assert_eq!(desktop_sees["feeds_removed"], 1, "{desktop_sees}");

    // The password is in no library file, output or log line of either device.
    for device in [&laptop, &desktop] {
        assert!(!device.printed.contains(READER_PASSWORD), "printed");
        assert!(
            !device.library_text().contains(READER_PASSWORD),
            "a library file"
        );
        assert!(!device.printed.is_empty());
    }

    // Removing the account removes its feeds and stories but keeps the bookmark.
    let id = laptop.json(&["account", "list"]).await[0]["id"].to_string();
    assert_eq!(laptop.run(&["account", "remove", &id]).await.code, 0);
    assert_eq!(laptop.json(&["feeds"]).await, Value::Array(vec![]));
    let left = laptop.stories().await;
    assert_eq!(left.len(), 1, "{left:?}");
    assert_eq!(left[0].0, "news story 1");
    assert!(left[0].3);
    assert_eq!(
        laptop.json(&["account", "list"]).await,
        Value::Array(vec![])
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_wrong_password_is_a_clear_auth_error_and_stores_nothing() {
    let Some(miniflux) = Miniflux::start() else {
        return;
    };
    let mut device = Device::new();
    let refused = device
        .run_with(
            &[
                "account",
                "add",
                "--kind",
                "greader",
                "--url",
                &miniflux.url,
                "--user",
                READER_USER,
                "--password-stdin",
                "--json",
            ],
            "not-the-password\n",
        )
        .await;
    assert_ne!(refused.code, 0);
    assert!(refused.stdout.is_empty());
    let error: Value = serde_json::from_str(refused.stderr.lines().last().unwrap()).unwrap();
    assert_eq!(error["kind"], "auth", "{}", refused.stderr);
    assert!(
        error["message"]
            .as_str()
            .unwrap()
            .contains("refused the user name or API password"),
        "{error}"
    );
    assert_eq!(
        device.json(&["account", "list"]).await,
        Value::Array(vec![])
    );
    assert!(!device.printed.contains("not-the-password"));
    assert!(!device.library_text().contains("not-the-password"));
    assert!(!device.config.path().join("credentials").exists());
}
