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
//! With `BROADSHEET_BENCH_NO_STORIES=1` in the environment, new articles are stored without being
//! grouped into stories: the cost of grouping, measured against a run without it.
//!
//! Reproduce: `cargo run --release -p broadsheet-engine --example refresh_farm [FEEDS] [ITEMS] [RULES]`

use std::sync::atomic::Ordering;
use std::time::Instant;

use broadsheet_engine::library::{Library, LibraryConfig};
use broadsheet_engine::rules::{PatternKind, RuleAction, RuleField, RuleSpec};

#[path = "support/farm.rs"]
mod farm;
use farm::HOSTS;

#[global_allocator]
static ALLOCATOR: broadsheet_engine::Allocator = broadsheet_engine::Allocator;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let (feeds, items, more) = farm::size_from_args();
    let rules = more.first().copied().unwrap_or(0);

    let farm = farm::Farm::start(feeds, items).await?;
    let dir = tempfile::tempdir()?;
    let without_story_grouping = std::env::var_os("BROADSHEET_BENCH_NO_STORIES").is_some();
    let config = LibraryConfig {
        without_story_grouping,
        ..LibraryConfig::default()
    };
    let library = Library::open(dir.path(), config)?;
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

    let stories = if without_story_grouping {
        "not grouped"
    } else {
        "grouped"
    };
    println!(
        "refresh farm: {feeds} feeds x {items} items over {HOSTS} loopback hosts, {rules} rules, stories {stories}"
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
