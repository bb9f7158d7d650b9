//! Benchmark: a library of 100,000 articles. Measures opening it and listing the first 50
//! articles (what a window does at start), the same by story (one row per story, the window's
//! default), and one-word full-text searches (median).
//!
//! Reproduce: `cargo run --release -p broadsheet-engine --example library_100k [ARTICLES]`
//! The library is built once in a temporary folder; "cold" means a new connection after the
//! file was closed (the OS cache may be warm, as it is when a person reopens the app).

use std::time::Instant;

#[path = "support/cpu.rs"]
mod cpu;
use cpu::thread_cpu_ms;

use std::collections::{HashMap, HashSet};

use broadsheet_engine::model::{ArticleId, ArticleQuery, FeedId};
use broadsheet_engine::store::{
    FeedMeta, FeedUpdate, NewArticle, NewFeed, PackedUpdate, Store, StoryArrival, StoryJudge,
};
use chrono::{DateTime, Duration as TimeDelta, TimeZone, Utc};

/// Words from this Zipf rank on group articles into stories: two articles of other feeds within
/// 48 hours that share one join one story. The text is random, so this stands in for the
/// engine's measure (whose cost BENCHMARKS.md gives apart); what it gives the list is many
/// stories of several articles, as a real library has.
const STORY_WORD_RANK: usize = 2000;

/// An article as the stand-in remembers it: (id, feed, published, story).
type Seen = (ArticleId, FeedId, DateTime<Utc>, ArticleId);
/// A story's first and latest publication and its feeds.
type Span = (DateTime<Utc>, DateTime<Utc>, Vec<FeedId>);

/// Groups each new article with the latest article of another feed within 48 hours that
/// shares a rare title word, when that story has no article of its feed and spans at most 24
/// hours (so stories stay a few articles each).
struct RareWordJudge {
    rare: HashSet<String>,
    /// Each rare word's last articles.
    last: HashMap<String, Vec<Seen>>,
    stories: HashMap<ArticleId, Span>,
}

/// Articles kept per rare word: enough to find a story, bounded whatever the library.
const KEPT_PER_WORD: usize = 8;

impl StoryJudge for RareWordJudge {
    fn choose(&mut self, arrival: StoryArrival<'_>) -> Option<ArticleId> {
        let (feed, published) = (arrival.feed_id, arrival.article.published);
        let words: Vec<&str> = arrival
            .article
            .title
            .split(' ')
            .filter(|w| self.rare.contains(*w))
            .collect();
        let stories = &self.stories;
        let fits = |&&(_, other, at, story): &&Seen| {
            let (began, ended, feeds) =
                stories
                    .get(&story)
                    .cloned()
                    .unwrap_or((at, at, vec![other]));
            other != feed
                && (published - at).abs() <= TimeDelta::hours(48)
                && !feeds.contains(&feed)
                && ended.max(published) - began.min(published) <= TimeDelta::hours(24)
        };
        let chosen = words
            .iter()
            .filter_map(|w| self.last.get(*w)?.iter().rev().find(fits))
            .map(|&(_, other, at, story)| (other, at, story))
            .next();
        if let Some((other, at, story)) = chosen {
            let entry = self.stories.entry(story).or_insert((at, at, vec![other]));
            entry.0 = entry.0.min(published);
            entry.1 = entry.1.max(published);
            entry.2.push(feed);
        }
        let story = chosen.map_or(arrival.id, |c| c.2);
        for w in words {
            let last = self.last.entry(w.to_string()).or_default();
            if last.len() == KEPT_PER_WORD {
                last.remove(0);
            }
            last.push((arrival.id, feed, published, story));
        }
        chosen.map(|c| c.2)
    }
}

/// Vocabulary size; word frequencies follow Zipf's law, as in real text.
const VOCABULARY: usize = 8000;
/// The most common words are like "the" and "said": nobody searches for them.
const STOPWORDS: usize = 50;

/// A made-up but pronounceable word for each rank.
fn word(rank: usize) -> String {
    const SYLLABLES: &[&str] = &[
        "ba", "ke", "lo", "mi", "nu", "ra", "se", "ti", "vo", "za", "chen", "dor", "gal", "har",
        "jin", "kur", "lan", "mor", "pet", "quin", "ros", "sun", "tal", "ver", "wen", "yor",
    ];
    let n = SYLLABLES.len();
    format!(
        "{}{}{}",
        SYLLABLES[rank % n],
        SYLLABLES[(rank / n) % n],
        SYLLABLES[(rank / (n * n)) % n]
    )
}

/// A cheap deterministic generator, so every run builds the same library.
struct Lcg {
    state: u64,
    /// Cumulative Zipf weights over the vocabulary.
    cdf: Vec<f64>,
    words: Vec<String>,
}
impl Lcg {
    fn new(seed: u64) -> Lcg {
        let mut cdf = Vec::with_capacity(VOCABULARY);
        let mut sum = 0.0;
        for r in 1..=VOCABULARY {
            sum += 1.0 / r as f64;
            cdf.push(sum);
        }
        Lcg {
            state: seed,
            cdf,
            words: (0..VOCABULARY).map(word).collect(),
        }
    }
    fn next(&mut self) -> usize {
        self.state = self
            .state
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (self.state >> 33) as usize
    }
    fn zipf_rank(&mut self) -> usize {
        let total = self.cdf[VOCABULARY - 1];
        let x = (self.next() % 1_000_000) as f64 / 1_000_000.0 * total;
        self.cdf.partition_point(|c| *c < x).min(VOCABULARY - 1)
    }
    fn words(&mut self, n: usize) -> String {
        (0..n)
            .map(|_| {
                let r = self.zipf_rank();
                self.words[r].clone()
            })
            .collect::<Vec<_>>()
            .join(" ")
    }
}

#[global_allocator]
static ALLOCATOR: broadsheet_engine::Allocator = broadsheet_engine::Allocator;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let total: usize = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(100_000);
    let feeds = 500usize;
    // BENCH_LIBRARY=path keeps the built library there (and reuses it on the next run).
    let dir = tempfile::tempdir()?;
    let path = std::env::var_os("BENCH_LIBRARY")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| dir.path().join("library.sqlite3"));
    let mut rng = Lcg::new(42);

    let t = Instant::now();
    if !path.exists() {
        let store = Store::open(&path)?;
        let mut judge = RareWordJudge {
            rare: (STORY_WORD_RANK..VOCABULARY).map(word).collect(),
            last: HashMap::new(),
            stories: HashMap::new(),
        };
        let mut ids = Vec::new();
        for f in 0..feeds {
            let new = NewFeed {
                url: format!("https://feed{f}.example/rss"),
                folder: None,
                meta: FeedMeta {
                    title: format!("Feed {f}"),
                    ..FeedMeta::default()
                },
            };
            ids.push(store.add_feed(&new, Utc::now())?.0);
        }
        let per_feed = total / feeds;
        let mut batch = Vec::new();
        for (f, id) in ids.iter().enumerate() {
            let items = (0..per_feed)
                .map(|i| {
                    let text = rng.words(300);
                    NewArticle {
                        key: format!("{f}-{i}"),
                        url: Some(format!("https://feed{f}.example/{i}.html")),
                        title: rng.words(8),
                        author: Some("A. Writer".into()),
                        published: Utc
                            .timestamp_opt(1_700_000_000 + (rng.next() % 30_000_000) as i64, 0)
                            .single()
                            .unwrap_or_default(),
                        updated: None,
                        html: format!("<p>{text}</p>"),
                        excerpt: text.chars().take(280).collect(),
                        text,
                        source_hash: format!("{f}-{i}"),
                        site_name: None,
                        lead_image: None,
                        related: Vec::new(),
                        images: Vec::new(),
                        categories: vec![],
                        rules: Default::default(),
                    }
                })
                .collect();
            batch.push(PackedUpdate::from(FeedUpdate::Fetched {
                feed_id: *id,
                meta: FeedMeta {
                    title: format!("Feed {f}"),
                    ..FeedMeta::default()
                },
                etag: None,
                last_modified: None,
                body_hash: String::new(),
                items,
                at: Utc::now(),
            }));
            // As a refresh does: several feeds per transaction.
            if batch.len() == 32 || f + 1 == feeds {
                store.apply_packed(&std::mem::take(&mut batch), Some(&mut judge))?;
            }
        }
        store.optimize()?;
    }
    let build_s = t.elapsed().as_secs_f64();

    // Cold: a new Store on the closed file, then what the window shows first.
    let mut open_list = Vec::new();
    let mut parts = Vec::new();
    for _ in 0..5 {
        let t = Instant::now();
        let store = Store::open(&path)?;
        let opened = t.elapsed().as_secs_f64() * 1000.0;
        let list = store.articles(&ArticleQuery {
            limit: Some(50),
            ..ArticleQuery::default()
        })?;
        let listed = t.elapsed().as_secs_f64() * 1000.0;
        let feeds_list = store.feeds()?;
        let total = t.elapsed().as_secs_f64() * 1000.0;
        open_list.push(total);
        parts.push((opened, listed - opened, total - listed));
        assert_eq!(list.len(), 50);
        assert_eq!(feeds_list.len(), feeds);
    }
    let (o, l, f) = parts[parts.len() / 2];
    println!(
        "  (one run: open {o:.1} ms, first 50 {l:.1} ms, feed list with unread counts {f:.1} ms)"
    );
    let store = Store::open(&path)?;
    let t = Instant::now();
    store.articles(&ArticleQuery {
        limit: Some(50),
        unread_only: true,
        ..ArticleQuery::default()
    })?;
    let unread_ms = t.elapsed().as_secs_f64() * 1000.0;

    // By story: cold as above, then the unread stories.
    let mut by_story = Vec::new();
    let mut grouped = 0;
    for _ in 0..5 {
        let t = Instant::now();
        let store = Store::open(&path)?;
        let list = store.articles(&ArticleQuery {
            limit: Some(50),
            stories: true,
            ..ArticleQuery::default()
        })?;
        by_story.push(t.elapsed().as_secs_f64() * 1000.0);
        grouped = list.iter().filter(|a| a.outlets > 1).count();
    }
    by_story.sort_by(f64::total_cmp);
    let t = Instant::now();
    store.articles(&ArticleQuery {
        limit: Some(50),
        unread_only: true,
        stories: true,
        ..ArticleQuery::default()
    })?;
    let unread_stories_ms = t.elapsed().as_secs_f64() * 1000.0;
    let in_stories = store
        .articles(&ArticleQuery {
            limit: Some(500),
            ..ArticleQuery::default()
        })?
        .iter()
        .filter(|a| a.outlets > 1)
        .count();

    let mut search_ms = Vec::new();
    let mut queries = Vec::new();
    while queries.len() < 200 {
        let r = rng.zipf_rank();
        if r >= STOPWORDS {
            queries.push(word(r));
        }
    }
    let mut search_cpu_ms = Vec::new();
    for q in &queries {
        let (t, cpu) = (Instant::now(), thread_cpu_ms());
        let hits = store.articles(&ArticleQuery {
            search: Some(q.clone()),
            limit: Some(50),
            ..ArticleQuery::default()
        })?;
        search_ms.push(t.elapsed().as_secs_f64() * 1000.0);
        search_cpu_ms.push(thread_cpu_ms() - cpu);
        assert!(hits.len() <= 50);
    }
    search_ms.sort_by(f64::total_cmp);
    search_cpu_ms.sort_by(f64::total_cmp);
    open_list.sort_by(f64::total_cmp);

    println!(
        "library of {} articles in {feeds} feeds (built in {build_s:.1} s)",
        store.article_count()?
    );
    println!(
        "  open + first 50 articles + feed list: median {:.1} ms, worst {:.1} ms",
        open_list[open_list.len() / 2],
        open_list[open_list.len() - 1]
    );
    println!("  first 50 unread:                      {unread_ms:.1} ms");
    println!(
        "  open + first 50 by story:             median {:.1} ms, worst {:.1} ms ({grouped} of the 50 rows are stories of several outlets; {in_stories} of the newest 500 articles are in one)",
        by_story[by_story.len() / 2],
        by_story[by_story.len() - 1]
    );
    println!("  first 50 unread by story:             {unread_stories_ms:.1} ms");
    println!(
        "  one-word search, best 50:             median {:.2} ms, p90 {:.2} ms (CPU: median {:.2} ms, p90 {:.2} ms)",
        search_ms[search_ms.len() / 2],
        search_ms[search_ms.len() * 9 / 10],
        search_cpu_ms[search_cpu_ms.len() / 2],
        search_cpu_ms[search_cpu_ms.len() * 9 / 10]
    );
    println!("reproduce: cargo run --release -p broadsheet-engine --example library_100k {total}");
    Ok(())
}
