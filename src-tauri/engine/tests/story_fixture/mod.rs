//! The labelled story fixture and the Lee corpus, and how grouping is scored on them: the one
//! scorer behind the grouping test (`tests/story_grouping.rs`) and the benchmark
//! (`examples/story_grouping.rs`), so the floors the test guards are the figures the benchmark
//! reports.

use std::collections::HashMap;
use std::path::Path;

use broadsheet_engine::stories::{
    cosine, group, similarity, Arrival, Background, Profile, STORY_WINDOW,
};
use chrono::{DateTime, Utc};
use serde::Deserialize;

/// The fixture: invented news items of ten outlets over a week, each labelled with its event.
pub const FIXTURE: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/tests/fixtures/stories/news-week-ten-outlets.json"
);

/// One news item of the fixture.
#[derive(Debug, Deserialize)]
pub struct Item {
    pub outlet: String,
    pub published: DateTime<Utc>,
    pub title: String,
    pub lead: String,
    /// The gold label: items with the same event report the same news.
    pub event: String,
}

/// The fixture file.
#[derive(Debug, Deserialize)]
pub struct Fixture {
    /// Pairs of different events that look alike (two storms, two central banks...).
    pub decoys: Vec<(String, String)>,
    pub items: Vec<Item>,
}

/// Reads the fixture.
pub fn load() -> Fixture {
    let text = std::fs::read_to_string(FIXTURE).expect("the story fixture is readable");
    serde_json::from_str(&text).expect("the story fixture is valid")
}

/// Profiles of the fixture's items, the background being the items themselves (at run time,
/// the library's recent articles).
pub fn profiles(items: &[Item]) -> Vec<Profile> {
    let background =
        Background::from_documents(items.iter().map(|i| (i.title.as_str(), i.lead.as_str())));
    items
        .iter()
        .map(|i| Profile::new(&background, &i.title, &i.lead))
        .collect()
}

/// A feed id for each item: one per outlet.
pub fn feeds(items: &[Item]) -> Vec<i64> {
    let mut ids: HashMap<&str, i64> = HashMap::new();
    items
        .iter()
        .map(|item| {
            let next = ids.len() as i64 + 1;
            *ids.entry(item.outlet.as_str()).or_insert(next)
        })
        .collect()
}

/// Groups the fixture's items as the library would. Returns each item's story (an item index).
pub fn grouped(items: &[Item]) -> Vec<usize> {
    let profiles = profiles(items);
    let arrivals: Vec<Arrival<'_>> = items
        .iter()
        .zip(&profiles)
        .zip(feeds(items))
        .map(|((item, profile), feed)| Arrival {
            feed,
            published: item.published,
            profile,
        })
        .collect();
    group(&arrivals)
}

/// Every pair of items the grouping rules let meet (other outlets, published within
/// [`STORY_WINDOW`]), as `(similarity, i, j)`, the most similar first.
pub fn pairs_in_reach(items: &[Item]) -> Vec<(f64, usize, usize)> {
    let profiles = profiles(items);
    let feeds = feeds(items);
    let mut pairs = Vec::new();
    for i in 0..items.len() {
        for j in i + 1..items.len() {
            let apart = (items[i].published - items[j].published).abs();
            if feeds[i] != feeds[j] && apart <= STORY_WINDOW {
                pairs.push((similarity(&profiles[i], &profiles[j]), i, j));
            }
        }
    }
    pairs.sort_by(|a, b| b.0.total_cmp(&a.0));
    pairs
}

/// Pairwise and B-cubed precision and recall of a grouping against gold labels.
#[derive(Debug, Clone, Copy)]
pub struct Scores {
    /// Of the pairs grouped together, the share that report one event (1 when none are).
    pub pair_precision: f64,
    /// Of the pairs that report one event, the share grouped together.
    pub pair_recall: f64,
    pub bcubed_precision: f64,
    pub bcubed_recall: f64,
    pub bcubed_f1: f64,
}

/// Scores `story` (each item's story) against `gold` (each item's event).
pub fn score(gold: &[&str], story: &[usize]) -> Scores {
    let n = gold.len();
    let (mut both, mut grouped, mut same) = (0usize, 0usize, 0usize);
    let (mut precision, mut recall) = (0.0, 0.0);
    for i in 0..n {
        let (mut cluster, mut event, mut shared) = (0usize, 0usize, 0usize);
        for j in 0..n {
            let together = story[i] == story[j];
            let alike = gold[i] == gold[j];
            cluster += usize::from(together);
            event += usize::from(alike);
            shared += usize::from(together && alike);
            if j > i {
                grouped += usize::from(together);
                same += usize::from(alike);
                both += usize::from(together && alike);
            }
        }
        precision += shared as f64 / cluster as f64;
        recall += shared as f64 / event as f64;
    }
    let ratio = |a: usize, b: usize| if b == 0 { 1.0 } else { a as f64 / b as f64 };
    let (bp, br) = (precision / n as f64, recall / n as f64);
    Scores {
        pair_precision: ratio(both, grouped),
        pair_recall: ratio(both, same),
        bcubed_precision: bp,
        bcubed_recall: br,
        bcubed_f1: 2.0 * bp * br / (bp + br),
    }
}

/// Pearson correlation with the human ratings over the Lee corpus's 1,225 pairs, for the full
/// [`similarity`] and for the TF-IDF [`cosine`] alone; `lee` is the corpus folder.
pub fn lee_pearson(lee: &Path) -> (f64, f64) {
    // The corpus is not all UTF-8 (a few Latin-1 bytes); they fall outside any word anyway.
    let read = |name: &str| {
        String::from_utf8_lossy(&std::fs::read(lee.join(name)).expect("the Lee corpus"))
            .into_owned()
    };
    let documents = read("lee.cor");
    let documents: Vec<&str> = documents.lines().filter(|l| !l.trim().is_empty()).collect();
    let background_text = read("lee_background.cor");
    let background = Background::from_documents(background_text.lines().map(|l| ("", l)));
    let profiles: Vec<Profile> = documents
        .iter()
        .map(|d| Profile::new(&background, "", d))
        .collect();
    let ratings: Vec<Vec<f64>> = read("similarities0-1.txt")
        .lines()
        .map(|l| {
            l.split_whitespace()
                .map(|x| x.parse().expect("a rating"))
                .collect()
        })
        .collect();
    let (mut human, mut full, mut tfidf) = (Vec::new(), Vec::new(), Vec::new());
    for i in 0..profiles.len() {
        for j in i + 1..profiles.len() {
            human.push(ratings[i][j]);
            full.push(similarity(&profiles[i], &profiles[j]));
            tfidf.push(cosine(&profiles[i], &profiles[j]));
        }
    }
    assert_eq!(human.len(), 1225, "the Lee corpus has 50 documents");
    (pearson(&human, &full), pearson(&human, &tfidf))
}

fn pearson(x: &[f64], y: &[f64]) -> f64 {
    let n = x.len() as f64;
    let (mx, my) = (x.iter().sum::<f64>() / n, y.iter().sum::<f64>() / n);
    let cov: f64 = x.iter().zip(y).map(|(a, b)| (a - mx) * (b - my)).sum();
    let vx: f64 = x.iter().map(|a| (a - mx).powi(2)).sum();
    let vy: f64 = y.iter().map(|b| (b - my).powi(2)).sum();
    cov / (vx * vy).sqrt()
}
