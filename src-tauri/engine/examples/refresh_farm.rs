//! Benchmark: refreshing a farm of 500 feeds × 50 items served from loopback hosts spread over
//! 127.0.0.0/8, so the per-host limit acts as it would on the internet.
//!
//! Prints three figures: the first import (every item new), a refresh where every feed answers
//! 304, and a refresh of feeds without validators whose bodies did not change. Then a fourth: the
//! first look for the feeds' icons (`Library::update_icons`, which the window runs behind a
//! refresh, so it is not part of the refresh figures); every host serves a `/favicon.ico`.
//!
//! Reproduce: `cargo run --release -p broadsheet-engine --example refresh_farm [FEEDS] [ITEMS]`

use std::sync::atomic::Ordering;
use std::time::Instant;

use broadsheet_engine::library::{Library, LibraryConfig};

#[path = "support/farm.rs"]
mod farm;
use farm::HOSTS;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let (feeds, items, _) = farm::size_from_args();

    let farm = farm::Farm::start(feeds, items).await?;
    let dir = tempfile::tempdir()?;
    let library = Library::open(dir.path(), LibraryConfig::default())?;
    library.import_opml(&farm.opml()).await?;

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

    farm.use_etags.store(false, Ordering::Relaxed);
    let t = Instant::now();
    let unchanged = library.refresh(None, &quiet).await?;
    let unchanged_ms = t.elapsed().as_secs_f64() * 1000.0;

    println!("refresh farm: {feeds} feeds x {items} items over {HOSTS} loopback hosts");
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
    println!("reproduce: cargo run --release -p broadsheet-engine --example refresh_farm {feeds} {items}");
    Ok(())
}
