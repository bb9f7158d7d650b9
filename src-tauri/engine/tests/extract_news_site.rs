//! `extract_article` and `related_links` on the loopback news site fixture
//! (`tests/fixtures/news-site`): a real story (the seed in `../shared/seeds`) wrapped in the
//! clutter news pages carry (cookie banner, navigation, share bar, ads, newsletter form,
//! comments, "Popular" and "More like this" blocks, tracking pixel, footer), and three short
//! stories of our own with the same template. Pages are read from disk at the URL the
//! fixture server would serve them from; they only use root-relative links, so any port works.

use std::collections::HashMap;
use std::path::PathBuf;

use broadsheet_engine::extract::{extract_article, related_links, ExtractedArticle};
use url::Url;

mod shared_folder;

const ORIGIN: &str = "http://127.0.0.1:8080";
const MAIN_STORY: &str = "/2024/09/02/beijing-summit-russia-north-korea-china.html";
const SEED: &str = "000_1c6ad7407978cc4b.txt";

/// The other stories of the site, in the order the main story's "More like this" lists them.
const OTHER_STORIES: [(&str, &str); 3] = [
    (
        "/2024/09/01/tianjin-port-reopens-after-typhoon.html",
        "Tianjin Port Reopens After Typhoon Disrupts Shipping Across Northern China",
    ),
    (
        "/2024/08/30/seoul-weighs-sanctions-after-missile-tests.html",
        "Seoul Weighs New Sanctions as Pyongyang Tests Cruise Missiles Off East Coast",
    ),
    (
        "/2024/08/29/indian-farmers-brace-for-tariff-fallout.html",
        "Indian Farmers Brace for Tariff Fallout as Trade Talks With Washington Stall",
    ),
];

/// Text of the page's clutter: none of it may reach the story.
const CLUTTER: &[&str] = &[
    "We use cookies",
    "Accept all cookies",
    "Share post",
    "Share on Facebook",
    "Copy link to this story",
    "Advertisement",
    "Sponsored",
    "river cruises",
    "The Morning Ledger",
    "inbox every weekday",
    "More like this",
    "Popular",
    "Trending topics",
    "Tianjin Port Reopens",
    "Seoul Weighs New Sanctions",
    "Indian Farmers Brace",
    "Great analysis",
    "harbourwatcher",
    "Sign in to comment",
    "3 comments",
    "Markets open higher",
    "From the archive",
    "All rights reserved",
    "Topics:",
    "dataLayer",
    "Subscribe",
];

fn site_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/news-site")
}

fn page(path: &str) -> (String, Url) {
    let html = std::fs::read_to_string(site_dir().join(path.trim_start_matches('/'))).unwrap();
    (html, Url::parse(ORIGIN).unwrap().join(path).unwrap())
}

fn extract(path: &str) -> ExtractedArticle {
    let (html, url) = page(path);
    extract_article(&html, &url).unwrap()
}

/// The seed's story paragraphs: between its "Date:" line and the "Share post:" clutter it was scraped with.
fn seed_story() -> Option<(String, String)> {
    let seed = std::fs::read_to_string(shared_folder::shared("seeds")?.join(SEED)).unwrap();
    let lines: Vec<&str> = seed.lines().map(str::trim).collect();
    let start = lines.iter().position(|l| *l == "Date:").unwrap() + 1;
    let end = lines.iter().position(|l| *l == "Share post:").unwrap();
    Some((lines[0].to_string(), lines[start..end].join("\n")))
}

fn f1(ours: &str, expected: &str) -> f64 {
    let bag = |text: &str| {
        let mut bag: HashMap<String, usize> = HashMap::new();
        for word in text
            .to_lowercase()
            .split(|c: char| !c.is_alphanumeric())
            .filter(|w| !w.is_empty())
        {
            *bag.entry(word.to_string()).or_default() += 1;
        }
        bag
    };
    let (ours, expected) = (bag(ours), bag(expected));
    let common: usize = ours
        .iter()
        .map(|(w, n)| (*n).min(expected.get(w).copied().unwrap_or(0)))
        .sum();
    let precision = common as f64 / ours.values().sum::<usize>().max(1) as f64;
    let recall = common as f64 / expected.values().sum::<usize>().max(1) as f64;
    if common == 0 {
        0.0
    } else {
        2.0 * precision * recall / (precision + recall)
    }
}

fn absolute(path: &str) -> Url {
    Url::parse(ORIGIN).unwrap().join(path).unwrap()
}

#[test]
fn the_main_story_keeps_the_seed_text_and_its_metadata() {
    let Some((title, story)) = seed_story() else {
        return;
    };
    let article = extract(MAIN_STORY);
    assert_eq!(article.title, title);
    assert_eq!(article.byline.as_deref(), Some("Mei Lin Tan"));
    assert_eq!(
        article.published.map(|d| d.to_rfc3339()).as_deref(),
        Some("2024-09-02T00:30:00+00:00")
    );
    assert_eq!(article.lead_image, Some(absolute("/img/lead-800.jpg")));
    assert_eq!(article.site_name.as_deref(), Some("The Harbour Ledger"));
    let score = f1(&article.text, &story);
    assert!(score >= 0.95, "F1 {score:.3}\n{}", article.text);
    // Paragraphs stay apart in the plain text, so words of two paragraphs never run together.
    assert!(article.text.contains("Western-led global order.\n"));
}

#[test]
fn the_main_story_carries_none_of_the_page_clutter() {
    let article = extract(MAIN_STORY);
    for clutter in CLUTTER {
        assert!(
            !article.text.contains(clutter),
            "text has {clutter:?}:\n{}",
            article.text
        );
        assert!(
            !article.content_html.contains(clutter),
            "content_html has {clutter:?}:\n{}",
            article.content_html
        );
    }
    for url_part in [
        "px.gif",
        "twitter.com",
        "facebook.com",
        "ads.example",
        "/tag/",
        "#comments",
    ] {
        assert!(
            !article.content_html.contains(url_part),
            "content_html links {url_part:?}"
        );
    }
}

#[test]
fn the_lazy_lead_image_is_revealed_with_its_srcset_and_caption() {
    let article = extract(MAIN_STORY);
    let html = &article.content_html;
    assert!(html.contains("/img/lead-800.jpg"), "{html}");
    assert!(
        html.contains("/img/lead-400.jpg 400w"),
        "srcset lost: {html}"
    );
    assert!(!html.contains("R0lGOD"), "placeholder kept: {html}");
    assert!(
        html.contains("Flags outside the venue"),
        "caption lost: {html}"
    );
}

#[test]
fn the_head_is_read_for_metadata_but_never_rendered() {
    let article = extract(MAIN_STORY);
    for head_only in [
        "| The Harbour Ledger",
        "NewsArticle",
        "pageview",
        "application/ld+json",
        "site.css",
    ] {
        assert!(!article.content_html.contains(head_only), "{head_only:?}");
        assert!(!article.text.contains(head_only), "{head_only:?}");
    }
}

#[test]
fn related_links_of_the_main_story_are_exactly_the_other_stories() {
    let expected: Vec<(String, Url)> = OTHER_STORIES
        .iter()
        .map(|(path, title)| (title.to_string(), absolute(path)))
        .collect();
    let article = extract(MAIN_STORY);
    let got: Vec<(String, Url)> = article
        .related
        .iter()
        .map(|l| (l.title.clone(), l.url.clone()))
        .collect();
    assert_eq!(got, expected);

    let (html, url) = page(MAIN_STORY);
    assert_eq!(related_links(&html, &url), article.related);
}

#[test]
fn every_other_story_extracts_and_links_to_the_three_others() {
    let mut all = vec![(
        MAIN_STORY,
        "Beijing Summit Brings Russia, North Korea, and China Together Amid Global Tensions",
    )];
    all.extend(OTHER_STORIES);
    for (path, title) in OTHER_STORIES {
        let article = extract(path);
        assert_eq!(article.title, title);
        assert!(article.text.len() > 600, "{path}: {}", article.text);
        for clutter in CLUTTER.iter().filter(|c| !title.starts_with(**c)) {
            assert!(!article.text.contains(clutter), "{path}: {clutter:?}");
        }
        let mut related: Vec<String> = article
            .related
            .iter()
            .map(|l| l.url.path().to_string())
            .collect();
        related.sort();
        let mut expected: Vec<String> = all
            .iter()
            .filter(|(p, _)| *p != path)
            .map(|(p, _)| p.to_string())
            .collect();
        expected.sort();
        assert_eq!(related, expected, "{path}");
    }
}

#[test]
fn the_home_page_and_feed_point_at_the_stories() {
    let index = std::fs::read_to_string(site_dir().join("index.html")).unwrap();
    assert!(index.contains(r#"<link rel="alternate" type="application/rss+xml" title="The Harbour Ledger" href="/feed.xml">"#));
    let feed = std::fs::read_to_string(site_dir().join("feed.xml")).unwrap();
    for (path, _) in OTHER_STORIES.iter().chain([(MAIN_STORY, "")].iter()) {
        assert!(index.contains(&format!(r#"href="{path}""#)), "{path}");
        assert!(
            feed.contains(&format!("<link>http://{{{{HOST}}}}{path}</link>")),
            "{path}"
        );
    }
    // A teaser-only feed: every description is a short summary ending in an ellipsis.
    assert_eq!(feed.matches("…</description>").count(), 4);
}
