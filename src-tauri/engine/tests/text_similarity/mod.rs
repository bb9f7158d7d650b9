//! How close extracted text is to the expected text: the one scorer behind the extraction
//! regression test (`tests/extract_corpus.rs`) and the benchmark (`examples/extract_corpus.rs`),
//! so the figure the test guards is the figure the benchmark reports.
//!
//! Bag-of-words F1 over lowercase alphanumeric words. It must stay a pure function of its two
//! texts: no stemming, no stop words, nothing that would move recorded scores.

use std::collections::HashMap;

/// Each word of `text` (lowercased, split at anything not alphanumeric) with its count.
pub fn words(text: &str) -> HashMap<String, usize> {
    let mut bag = HashMap::new();
    for word in text
        .to_lowercase()
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
    {
        *bag.entry(word.to_string()).or_insert(0) += 1;
    }
    bag
}

/// Bag-of-words F1: multiset intersection over our words (precision) and the expected words
/// (recall). Two texts without any word are a perfect match; otherwise nothing in common is 0.
pub fn f1(ours: &str, expected: &str) -> f64 {
    let (ours, expected) = (words(ours), words(expected));
    let total = |bag: &HashMap<String, usize>| bag.values().sum::<usize>() as f64;
    let common: usize = ours
        .iter()
        .map(|(w, n)| (*n).min(expected.get(w).copied().unwrap_or(0)))
        .sum();
    if common == 0 {
        return if total(&ours) == 0.0 && total(&expected) == 0.0 {
            1.0
        } else {
            0.0
        };
    }
    let precision = common as f64 / total(&ours);
    let recall = common as f64 / total(&expected);
    2.0 * precision * recall / (precision + recall)
}
