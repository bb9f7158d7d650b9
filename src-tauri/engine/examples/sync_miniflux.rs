//! Benchmark: the first sync of an account holding FEEDS × ITEMS stories (500 × 50 by default)
//! from a real Miniflux on loopback, a second sync with nothing new, and the same feeds
//! refreshed feed by feed into another library, for comparison (issue 11).
//!
//! The farm (`support/farm.rs`) serves the feeds; Miniflux (started and stopped as the tests
//! do, `tests/support/miniflux/`) subscribes to each and fetches it; then Broadsheet adds the
//! account and syncs. Requests are the sync client's own count (its "account synced" log line).
//!
//! Reproduce: `cargo run --release -p broadsheet-engine --example sync_miniflux [FEEDS] [ITEMS]`
//! (needs PostgreSQL 15 and the network to Debian's mirror once, as `cli_sync` does).

use std::io::Write;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use broadsheet_engine::credentials::CredentialPlace;
use broadsheet_engine::fetch::{FetchConfig, Fetcher};
use broadsheet_engine::library::{Library, LibraryConfig};
use broadsheet_engine::sync::greader::{GReaderClient, Secret, READING_LIST};

#[path = "support/farm.rs"]
mod farm;
#[allow(dead_code)]
#[path = "../tests/miniflux/mod.rs"]
mod miniflux;

type Error = Box<dyn std::error::Error>;

/// The engine's log lines, kept to read the sync's request count from.
#[derive(Clone, Default)]
struct Log(Arc<Mutex<Vec<u8>>>);

impl Write for Log {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        if let Ok(mut kept) = self.0.lock() {
            kept.extend_from_slice(bytes);
        }
        Ok(bytes.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl Log {
    /// The `requests=N` of the last "account synced" line, and forgets the lines read.
    fn last_requests(&self) -> Option<usize> {
        let mut kept = self.0.lock().ok()?;
        let text = String::from_utf8_lossy(&kept).into_owned();
        kept.clear();
        text.lines()
            .rev()
            .filter(|line| line.contains("account synced"))
            .find_map(|line| {
                line.split("requests=")
                    .nth(1)?
                    .split_whitespace()
                    .next()?
                    .parse()
                    .ok()
            })
    }
}

#[global_allocator]
static ALLOCATOR: broadsheet_engine::Allocator = broadsheet_engine::Allocator;

#[tokio::main]
async fn main() -> Result<(), Error> {
    let (feeds, items, _) = farm::size_from_args();
    let log = Log::default();
    let writer = log.clone();
    tracing_subscriber::fmt()
        .with_env_filter("broadsheet_engine::library::sync=debug")
        .with_ansi(false)
        .with_writer(move || writer.clone())
        .init();

    let farm = farm::Farm::start(feeds, items).await?;
    let Some(server) = miniflux::Miniflux::start() else {
        println!("no Miniflux here (see above): nothing measured");
        return Ok(());
    };
    let fetcher = Fetcher::new(FetchConfig::default())?;
    let password = Secret::new(miniflux::READER_PASSWORD);
    let client =
        GReaderClient::login(&fetcher, &server.url, miniflux::READER_USER, &password).await?;
    let started = Instant::now();
    for url in &farm.urls {
        client.subscribe(url).await?;
    }
    let total = feeds * items;
    let mut held = 0;
    while started.elapsed() < Duration::from_secs(1800) {
        held = client.item_ids(READING_LIST, None).await?.len();
        if held >= total {
            break;
        }
        tokio::time::sleep(Duration::from_secs(2)).await;
    }
    println!(
        "Miniflux subscribed to {feeds} feeds and holds {held} of {total} stories ({:.0} s)",
        started.elapsed().as_secs_f64()
    );

    let dir = tempfile::tempdir()?;
    let passwords = tempfile::tempdir()?;
    let config = LibraryConfig {
        credentials: CredentialPlace::File(passwords.path().join("credentials")),
        ..LibraryConfig::default()
    };
    let library = Library::open(dir.path(), config)?;
    library
        .add_account(
            "greader",
            &server.url,
            miniflux::READER_USER,
            miniflux::READER_PASSWORD,
        )
        .await?;
    for name in ["first sync", "nothing new"] {
        let started = Instant::now();
        let report = library.sync(None).await?;
        let seconds = started.elapsed().as_secs_f64();
        let requests = log.last_requests().map_or("?".into(), |n| n.to_string());
        println!(
            "  {name:<12} {seconds:7.2} s  {requests:>5} requests  ({} feeds, {} new stories, {} errors)",
            report.feeds_added,
            report.new_articles,
            report.errors.len()
        );
    }
    drop(library);

    let dir = tempfile::tempdir()?;
    let library = Library::open(dir.path(), LibraryConfig::default())?;
    library.import_opml(&farm.opml()).await?;
    let started = Instant::now();
    let report = library.refresh(None, &|_| {}).await?;
    println!(
        "  feed by feed {:7.2} s  {:>5} requests  ({} new stories, {} errors)",
        started.elapsed().as_secs_f64(),
        feeds,
        report.new_articles,
        report.errors.len()
    );
    println!("reproduce: cargo run --release -p broadsheet-engine --example sync_miniflux {feeds} {items}");
    Ok(())
}
