//! Measures the story grouping: pairwise and B-cubed precision and recall on the labelled
//! fixture (`tests/fixtures/stories/news-week-ten-outlets.json`), the pairs it merges wrongly or
//! misses, how pair precision and recall move with the threshold, the Pearson correlation with
//! human ratings on the Lee corpus, and the cost of scoring a new article against candidates.
//!
//! Run: `cargo run --release -p broadsheet-engine --example story_grouping`
//! The Lee corpus lives in the shared folder, at `corpus/lee` (found as the tests find it).

use std::hint::black_box;
use std::time::Instant;

use broadsheet_engine::stories::{choose_story, similarity, Candidate, Profile, SAME_STORY};

#[path = "../tests/shared_folder/mod.rs"]
mod shared_folder;
#[path = "../tests/story_fixture/mod.rs"]
mod story_fixture;

#[global_allocator]
static ALLOCATOR: broadsheet_engine::Allocator = broadsheet_engine::Allocator;

fn main() {
    let fixture = story_fixture::load();
    let items = &fixture.items;
    let gold: Vec<&str> = items.iter().map(|i| i.event.as_str()).collect();
    let story = story_fixture::grouped(items);
    let s = story_fixture::score(&gold, &story);
    let events = gold.iter().collect::<std::collections::HashSet<_>>().len();
    println!(
        "fixture: {} items, {events} events (singletons included), threshold {SAME_STORY}",
        items.len()
    );
    println!(
        "pairwise precision {:.3} recall {:.3}; B-cubed precision {:.3} recall {:.3} F1 {:.3}",
        s.pair_precision, s.pair_recall, s.bcubed_precision, s.bcubed_recall, s.bcubed_f1
    );

    let decoys_merged = (0..items.len())
        .flat_map(|i| (0..items.len()).map(move |j| (i, j)))
        .filter(|&(i, j)| {
            story[i] == story[j]
                && fixture
                    .decoys
                    .iter()
                    .any(|(a, b)| gold[i] == a && gold[j] == b)
        })
        .count();
    println!("pairs of look-alike events merged: {decoys_merged}");
    let profiles = story_fixture::profiles(items);
    for i in 0..items.len() {
        for j in i + 1..items.len() {
            let together = story[i] == story[j];
            if together != (gold[i] == gold[j]) {
                println!(
                    "  {} {:.3} [{}] {} | [{}] {}",
                    if together { "WRONG MERGE" } else { "missed" },
                    similarity(&profiles[i], &profiles[j]),
                    gold[i],
                    items[i].title,
                    gold[j],
                    items[j].title
                );
            }
        }
    }

    // The pairs the rules let meet, by similarity: the closest pairs of different events, and
    // how precision and recall of "similarity >= t" move with t, before grouping.
    let pairs = story_fixture::pairs_in_reach(items);
    let wrong: Vec<_> = pairs.iter().filter(|p| gold[p.1] != gold[p.2]).collect();
    for (sim, i, j) in wrong.iter().take(3) {
        println!(
            "  closest different events: {sim:.3} [{}] {} | [{}] {}",
            gold[*i], items[*i].title, gold[*j], items[*j].title
        );
    }
    let positives = pairs.len() - wrong.len();
    for t in [0.15, 0.2, 0.25, 0.3, 0.35, 0.4, 0.5] {
        let above = pairs.iter().filter(|p| p.0 >= t).count();
        let right = pairs
            .iter()
            .filter(|p| p.0 >= t && gold[p.1] == gold[p.2])
            .count();
        println!(
            "  threshold {t:.2}: pair precision {:.3} recall {:.3} ({above} pairs above)",
            right as f64 / above.max(1) as f64,
            right as f64 / positives as f64,
        );
    }

    if let Some(lee) = shared_folder::shared("corpus/lee") {
        let (full, tfidf) = story_fixture::lee_pearson(&lee);
        println!("Lee: Pearson r {full:.3} (similarity), {tfidf:.3} (TF-IDF cosine alone)");
    }

    // Cost: one new article against 300 candidates (the fixture's items, repeated), as the
    // library would score an arrival.
    let feeds = story_fixture::feeds(items);
    let candidates: Vec<Candidate<'_, usize>> = (0..300)
        .map(|k| {
            let i = k % items.len();
            Candidate {
                story: k,
                story_began: items[i].published,
                story_ended: items[i].published,
                story_has_feed: false,
                feed: feeds[i] + 100 * (k / items.len()) as i64,
                published: items[i].published,
                profile: &profiles[i],
            }
        })
        .collect();
    let rounds = 200;
    let start = Instant::now();
    for round in 0..rounds {
        let i = round % items.len();
        black_box(choose_story(
            0,
            items[i].published,
            black_box(&profiles[i]),
            &candidates,
        ));
    }
    let per_arrival = start.elapsed() / rounds as u32;
    let start = Instant::now();
    let background = broadsheet_engine::stories::Background::from_documents(
        items.iter().map(|i| (i.title.as_str(), i.lead.as_str())),
    );
    for item in items {
        black_box(Profile::new(&background, &item.title, &item.lead));
    }
    let per_profile = start.elapsed() / items.len() as u32;
    println!(
        "speed: {per_arrival:?} to score an arrival against {} candidates ({:?} a candidate); \
         {per_profile:?} to profile an article",
        candidates.len(),
        per_arrival / candidates.len() as u32
    );
}
