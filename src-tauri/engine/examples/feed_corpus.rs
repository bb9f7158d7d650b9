//! Parses every file of feedparser's well-formed corpus and reports how many
//! `parse_feed` accepts, why the others fail, and the throughput.
//!
//! Run: `cargo run --release -p broadsheet-engine --example feed_corpus [DIR]`
//! (DIR defaults to `corpus/feedparser/wellformed` in the shared folder: `../shared` beside
//! the repository, or wherever `BROADSHEET_SHARED` says, found as the tests find it).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use broadsheet_engine::feed::parse_feed;
use chrono::Utc;
use url::Url;

#[path = "../tests/shared_folder/mod.rs"]
mod shared_folder;

fn corpus_dir() -> Option<PathBuf> {
    match std::env::args_os().nth(1) {
        Some(dir) => Some(PathBuf::from(dir)),
        None => shared_folder::shared("corpus/feedparser/wellformed"),
    }
}

fn collect_files(dir: &Path, files: &mut Vec<PathBuf>) -> std::io::Result<()> {
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        if path.is_dir() {
            collect_files(&path, files)?;
        } else {
            files.push(path);
        }
    }
    Ok(())
}

/// Groups messages that differ only in positions and URLs.
fn reason_of(kind: &str, message: &str) -> String {
    let message = message.split(": ").skip(1).collect::<Vec<_>>().join(": ");
    let generic: String = message
        .chars()
        .map(|c| if c.is_ascii_digit() { '#' } else { c })
        .take(90)
        .collect();
    format!("{kind}: {generic}")
}

#[global_allocator]
static ALLOCATOR: broadsheet_engine::Allocator = broadsheet_engine::Allocator;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let dir = corpus_dir().ok_or("no corpus to parse")?;
    let mut files = Vec::new();
    collect_files(&dir, &mut files)
        .map_err(|e| format!("cannot read corpus at {}: {e}", dir.display()))?;
    files.sort();
    let bodies: Vec<(PathBuf, Vec<u8>)> = files
        .into_iter()
        .map(|path| std::fs::read(&path).map(|body| (path, body)))
        .collect::<Result<_, _>>()?;

    let fetched_at = Utc::now();
    let mut parsed = 0usize;
    let mut items = 0usize;
    let mut bytes = 0usize;
    let mut reasons: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let mut elapsed = Duration::ZERO;
    for (path, body) in &bodies {
        let relative = path.strip_prefix(&dir).unwrap_or(path).to_string_lossy();
        let feed_url = Url::parse("http://corpus.example/")?.join(&relative)?;
        bytes += body.len();
        let started = Instant::now();
        let result = parse_feed(body, None, &feed_url, fetched_at);
        elapsed += started.elapsed();
        match result {
            Ok(feed) => {
                parsed += 1;
                items += feed.items.len();
            }
            Err(error) => reasons
                .entry(reason_of(error.kind().as_str(), &error.to_string()))
                .or_default()
                .push(relative.into_owned()),
        }
    }

    let total = bodies.len();
    let seconds = elapsed.as_secs_f64().max(1e-9);
    println!(
        "parsed {parsed} of {total} ({:.2}%), {items} items",
        100.0 * parsed as f64 / total.max(1) as f64
    );
    println!(
        "throughput: {:.0} files/s, {:.2} MB/s ({} bytes in {:.1} ms)",
        total as f64 / seconds,
        bytes as f64 / 1e6 / seconds,
        bytes,
        seconds * 1e3
    );
    let mut by_count: Vec<_> = reasons.into_iter().collect();
    by_count.sort_by_key(|(_, examples)| std::cmp::Reverse(examples.len()));
    for (reason, examples) in &by_count {
        println!("  {:4}  {reason}", examples.len());
        for example in examples
            .iter()
            .take(if std::env::var_os("FEED_CORPUS_ALL").is_some() {
                usize::MAX
            } else {
                3
            })
        {
            println!("          e.g. {example}");
        }
    }
    refresh_benchmark(fetched_at)?;
    println!("reproduce: cargo run --release -p broadsheet-engine --example feed_corpus");
    Ok(())
}

/// A refresh-sized load: 500 feeds of 50 items with ~1 KB of HTML each.
fn refresh_benchmark(fetched_at: chrono::DateTime<Utc>) -> Result<(), Box<dyn std::error::Error>> {
    let mut body = String::from("<?xml version=\"1.0\" encoding=\"utf-8\"?><rss version=\"2.0\"><channel><title>Bench</title><link>https://bench.example/</link>");
    for n in 0..50 {
        body.push_str(&format!(
            "<item><title>Story {n} &amp; more</title><link>https://bench.example/{n}.html</link><guid>https://bench.example/{n}.html</guid><pubDate>Thu, 01 Jan 2004 19:48:21 GMT</pubDate><description><![CDATA[{}]]></description></item>",
            "<p>Lorem ipsum dolor sit amet, <a href=\"/x\">consectetur</a> adipiscing elit.</p>".repeat(12)
        ));
    }
    body.push_str("</channel></rss>");
    let feed_url = Url::parse("https://bench.example/rss")?;
    let started = Instant::now();
    let mut items = 0;
    for _ in 0..500 {
        items += parse_feed(body.as_bytes(), None, &feed_url, fetched_at)?
            .items
            .len();
    }
    let seconds = started.elapsed().as_secs_f64();
    println!(
        "refresh: 500 feeds x 50 items ({} KB each): {:.0} ms, {:.2} MB/s, {items} items",
        body.len() / 1024,
        seconds * 1e3,
        500.0 * body.len() as f64 / 1e6 / seconds
    );
    Ok(())
}
