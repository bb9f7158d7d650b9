//! Scores `extract_article` on the shared corpora, folder by folder: Readability's test pages
//! (`corpus/readability`: the text of `expected.html`, and the title of
//! `expected-metadata.json`) and Dragnet's news pages (`corpus/dragnet`: the main text a person
//! copied out, `expected.txt`). For each folder it prints the mean bag-of-words F1, its
//! distribution, the worst pages with what went wrong on each, and the speed per page; beside
//! every page it scores plain Readability (dom_smoothie alone on the same page) as the reference
//! a change must not fall below.
//!
//! Run: `cargo run --release -p broadsheet-engine --example extract_corpus [FOLDER] [CASE_FILTER]`
//! where FOLDER is `readability`, `dragnet` or `all` (the default). `EXTRACT_ROUNDS` sets how
//! many times each page is extracted for the timing (3); `EXTRACT_TSV=FILE` writes one line per
//! page (for comparing two builds); `EXTRACT_EXPLAIN=CASE` prints, for that case, the expected
//! lines we missed and the blocks we added. The corpora live in the shared folder: `../shared`
//! beside the repository, or wherever `BROADSHEET_SHARED` says (found as the tests find it).

use std::collections::HashMap;
use std::io::Write;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use broadsheet_engine::extract::{decode_html, extract_article, ExtractedArticle};
use broadsheet_engine::sanitize::{parse_fragment, sanitize_article_html};
use cpu::thread_cpu_ms;
use dom_query::{Document, NodeRef};
use url::Url;

#[path = "support/cpu.rs"]
mod cpu;
#[path = "../tests/shared_folder/mod.rs"]
mod shared_folder;
#[path = "../tests/text_similarity/mod.rs"]
mod text_similarity;

use text_similarity::{f1, words};

/// What Readability's own tests use as the page URL when the metadata names none; Dragnet's
/// pages come without their address, so they get it too.
const DEFAULT_PAGE_URL: &str = "http://fakehost/test/page.html";

/// Below this a page counts as a failure and is given a kind.
const FAILURE_F1: f64 = 0.9;

/// How many of the worst pages each folder lists.
const WORST: usize = 15;

/// The two shapes of corpus folder.
#[derive(Clone, Copy, PartialEq)]
enum Corpus {
    /// `source.html`, `expected.html`, `expected-metadata.json`.
    Readability,
    /// `source.html` (bytes as crawled), `expected.txt` (title, byline lines, body).
    Dragnet,
}

impl Corpus {
    fn folder(self) -> &'static str {
        match self {
            Corpus::Readability => "readability",
            Corpus::Dragnet => "dragnet",
        }
    }
}

/// One page's expected story.
struct Case {
    name: String,
    source: String,
    page_url: Url,
    expected_text: String,
    /// Readability's pages name their title; Dragnet's gold has it as its first line.
    expected_title: Option<String>,
}

/// How one page went.
struct Score {
    case: String,
    bytes: usize,
    f1: f64,
    precision: f64,
    recall: f64,
    /// dom_smoothie alone on the same page: plain Readability.
    plain_f1: f64,
    title: Option<(String, String)>,
    kind: &'static str,
    error: Option<String>,
    extract_ms: f64,
    /// The CPU time of one extraction (what a busy machine's waits leave out).
    extract_cpu_ms: f64,
    pipeline_ms: f64,
    plain_ms: f64,
}

#[global_allocator]
static ALLOCATOR: broadsheet_engine::Allocator = broadsheet_engine::Allocator;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let folder = std::env::args().nth(1).unwrap_or_else(|| "all".into());
    let filter = std::env::args().nth(2).unwrap_or_default();
    let rounds: u32 = std::env::var("EXTRACT_ROUNDS")
        .ok()
        .and_then(|r| r.parse().ok())
        .unwrap_or(3)
        .max(1);
    let explain = std::env::var("EXTRACT_EXPLAIN").ok();
    let mut tsv = match std::env::var_os("EXTRACT_TSV") {
        Some(path) => Some(std::fs::File::create(path)?),
        None => None,
    };
    if let Some(out) = tsv.as_mut() {
        writeln!(
            out,
            "folder\tcase\tf1\tprecision\trecall\tplain_f1\tms\tkind"
        )?;
    }
    let corpora = match folder.as_str() {
        "readability" => vec![Corpus::Readability],
        "dragnet" => vec![Corpus::Dragnet],
        "all" => vec![Corpus::Readability, Corpus::Dragnet],
        other => return Err(format!("unknown corpus folder {other:?}").into()),
    };
    for corpus in corpora {
        let dir = shared_folder::shared(&format!("corpus/{}", corpus.folder()))
            .ok_or("no corpus to score")?;
        let scores = score_folder(corpus, &dir, &filter, rounds, explain.as_deref())?;
        if scores.is_empty() {
            return Err(format!("no case matches {filter:?} in {}", dir.display()).into());
        }
        if let Some(out) = tsv.as_mut() {
            for s in &scores {
                writeln!(
                    out,
                    "{}\t{}\t{:.4}\t{:.4}\t{:.4}\t{:.4}\t{:.3}\t{}",
                    corpus.folder(),
                    s.case,
                    s.f1,
                    s.precision,
                    s.recall,
                    s.plain_f1,
                    s.extract_ms,
                    s.kind
                )?;
            }
        }
        report(corpus, &dir, scores, rounds);
    }
    println!("reproduce: cargo run --release -p broadsheet-engine --example extract_corpus");
    Ok(())
}

fn case_dirs(dir: &Path, filter: &str) -> Result<Vec<PathBuf>, Box<dyn std::error::Error>> {
    let mut cases: Vec<PathBuf> = std::fs::read_dir(dir)
        .map_err(|e| format!("cannot read the corpus at {}: {e}", dir.display()))?
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .filter(|p| p.join("source.html").is_file())
        .filter(|p| {
            p.file_name()
                .is_some_and(|n| n.to_string_lossy().contains(filter))
        })
        .collect();
    // Dragnet's cases are numbers: in number order.
    cases.sort_by_key(|p| {
        let name = p
            .file_name()
            .unwrap_or_default()
            .to_string_lossy()
            .to_string();
        (name.parse::<u64>().unwrap_or(u64::MAX), name)
    });
    Ok(cases)
}

fn load(corpus: Corpus, dir: &Path) -> Result<Case, Box<dyn std::error::Error>> {
    let name = dir
        .file_name()
        .unwrap_or_default()
        .to_string_lossy()
        .to_string();
    // Readability's pages are stored as UTF-8 whatever their `<meta charset>` says; Dragnet's
    // are the bytes as crawled, decoded as the library decodes a fetched page.
    let source = match corpus {
        Corpus::Readability => std::fs::read_to_string(dir.join("source.html"))?,
        Corpus::Dragnet => decode_html(&std::fs::read(dir.join("source.html"))?, None),
    };
    let default_url = || Url::parse(DEFAULT_PAGE_URL).expect("constant URL");
    Ok(match corpus {
        Corpus::Readability => {
            let expected_html = std::fs::read_to_string(dir.join("expected.html"))?;
            let metadata: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(
                dir.join("expected-metadata.json"),
            )?)?;
            Case {
                name,
                source,
                page_url: metadata["url"]
                    .as_str()
                    .and_then(|u| Url::parse(u).ok())
                    .unwrap_or_else(default_url),
                expected_text: Document::from(expected_html.as_str()).text().to_string(),
                expected_title: Some(metadata["title"].as_str().unwrap_or_default().to_string()),
            }
        }
        Corpus::Dragnet => Case {
            name,
            source,
            page_url: default_url(),
            expected_text: std::fs::read_to_string(dir.join("expected.txt"))?,
            expected_title: None,
        },
    })
}

/// What a reader of the story sees, as text. Dragnet's gold starts with the headline and the
/// byline lines, so for Dragnet the title and byline go above the story, each unless the story
/// already shows it (a reader that printed it twice would be wrong too, but that is the
/// window's concern, not the extractor's); Readability's `expected.html` is the story alone.
fn shown_text(corpus: Corpus, article: &ExtractedArticle) -> String {
    match corpus {
        Corpus::Readability => article.text.clone(),
        Corpus::Dragnet => {
            let mut shown = String::new();
            if !article.text.starts_with(&article.title) {
                shown.push_str(&article.title);
                shown.push('\n');
            }
            if let Some(byline) = article.byline.as_deref() {
                if !article.text.contains(byline) {
                    shown.push_str(byline);
                    shown.push('\n');
                }
            }
            shown.push_str(&article.text);
            shown
        }
    }
}

fn score_folder(
    corpus: Corpus,
    dir: &Path,
    filter: &str,
    rounds: u32,
    explain: Option<&str>,
) -> Result<Vec<Score>, Box<dyn std::error::Error>> {
    let mut scores = Vec::new();
    for case_dir in case_dirs(dir, filter)? {
        let case = load(corpus, &case_dir)?;
        let url = &case.page_url;

        let (started, cpu) = (Instant::now(), thread_cpu_ms());
        let mut result = extract_article(&case.source, url);
        for _ in 1..rounds {
            result = extract_article(&case.source, url);
        }
        let extract_ms = ms_per_round(started.elapsed(), rounds);
        let extract_cpu_ms = (thread_cpu_ms() - cpu) / f64::from(rounds);
        // What the library does with a page: extract, then sanitize the story it found.
        let started = Instant::now();
        for _ in 0..rounds {
            if let Ok(article) = extract_article(&case.source, url) {
                let _ = sanitize_article_html(&article.content_html, url);
            }
        }
        let pipeline_ms = ms_per_round(started.elapsed(), rounds);
        let started = Instant::now();
        let mut plain = None;
        for _ in 0..rounds {
            plain = plain_readability(&case.source, url);
        }
        let plain_ms = ms_per_round(started.elapsed(), rounds);
        let plain_f1 = plain.map_or(0.0, |text| f1(&text, &case.expected_text));

        let score = match result {
            Ok(article) => {
                let ours = shown_text(corpus, &article);
                let (precision, recall) = precision_recall(&ours, &case.expected_text);
                let f1 = f1(&ours, &case.expected_text);
                if explain == Some(case.name.as_str()) {
                    explain_case(&case, &article, &ours);
                }
                Score {
                    kind: failure_kind(f1, precision, recall, &article, &case.expected_text),
                    f1,
                    precision,
                    recall,
                    plain_f1,
                    title: case
                        .expected_title
                        .clone()
                        .map(|expected| (article.title.clone(), expected)),
                    error: None,
                    case: case.name,
                    bytes: case.source.len(),
                    extract_ms,
                    extract_cpu_ms,
                    pipeline_ms,
                    plain_ms,
                }
            }
            Err(e) => Score {
                kind: "no story",
                f1: 0.0,
                precision: 0.0,
                recall: 0.0,
                plain_f1,
                title: case
                    .expected_title
                    .clone()
                    .map(|expected| (String::new(), expected)),
                error: Some(format!("{} ({})", e, e.kind())),
                case: case.name,
                bytes: case.source.len(),
                extract_ms,
                extract_cpu_ms,
                pipeline_ms,
                plain_ms,
            },
        };
        scores.push(score);
    }
    Ok(scores)
}

fn ms_per_round(spent: Duration, rounds: u32) -> f64 {
    spent.as_secs_f64() * 1e3 / f64::from(rounds)
}

/// dom_smoothie alone, as Readability.js would run: its text, or `None` when it finds nothing
/// (or panics: it does on some embed addresses, which `extract_article` removes first).
fn plain_readability(source: &str, url: &Url) -> Option<String> {
    catch_unwind(AssertUnwindSafe(|| {
        let mut readability =
            dom_smoothie::Readability::new(source, Some(url.as_str()), None).ok()?;
        readability.parse().ok().map(|a| a.text_content.to_string())
    }))
    .ok()
    .flatten()
}

/// Precision (our words that are in the expected text) and recall (expected words we have),
/// counted with multiplicity as the F1 is.
fn precision_recall(ours: &str, expected: &str) -> (f64, f64) {
    let (ours, expected) = (words(ours), words(expected));
    let common: usize = ours
        .iter()
        .map(|(w, n)| (*n).min(expected.get(w).copied().unwrap_or(0)))
        .sum();
    let total = |bag: &HashMap<String, usize>| bag.values().sum::<usize>().max(1) as f64;
    (
        common as f64 / total(&ours),
        common as f64 / total(&expected),
    )
}

/// What went wrong on a page that scores under [`FAILURE_F1`]: most of the story missing and
/// most of what we kept not the story is a wrong container; more lost than added is missed
/// paragraphs; otherwise the kind of block that added the most words that are not the story.
fn failure_kind(
    f1: f64,
    precision: f64,
    recall: f64,
    article: &ExtractedArticle,
    expected: &str,
) -> &'static str {
    if f1 >= FAILURE_F1 {
        return "ok";
    }
    if recall < 0.3 && precision < 0.5 {
        return "wrong container";
    }
    if 1.0 - recall >= 1.0 - precision {
        return "missed paragraphs";
    }
    let gold = words(expected);
    let mut added: HashMap<&'static str, usize> = HashMap::new();
    for (kind, text) in added_blocks(&article.content_html, &gold) {
        *added.entry(kind).or_default() += words(&text).values().sum::<usize>();
    }
    added
        .into_iter()
        .max_by_key(|(kind, n)| (*n, *kind))
        .map_or("added other text", |(kind, _)| kind)
}

/// The blocks of our story that are mostly not in the expected text, each with the kind of
/// boilerplate it looks like.
fn added_blocks(html: &str, gold: &HashMap<String, usize>) -> Vec<(&'static str, String)> {
    let Ok(doc) = parse_fragment(html) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for node in doc
        .select(
            "p, li, figcaption, caption, h1, h2, h3, h4, h5, h6, td, dd, dt, blockquote, pre, div",
        )
        .nodes()
    {
        // Leaf blocks only: a block holding other blocks is judged by its children.
        let has_block_child = node
            .descendants()
            .iter()
            .any(|d| d.is_element() && is_block(d));
        if has_block_child {
            continue;
        }
        let text = node.text().to_string();
        let bag = words(&text);
        let total: usize = bag.values().sum();
        let foreign: usize = bag
            .iter()
            .filter(|(w, _)| !gold.contains_key(*w))
            .map(|(_, n)| n)
            .sum();
        if total == 0 || foreign * 2 < total {
            continue;
        }
        out.push((block_kind(node, &text), text));
    }
    out
}

fn is_block(node: &NodeRef) -> bool {
    matches!(
        node.node_name().as_deref(),
        Some(
            "p" | "li"
                | "figcaption"
                | "caption"
                | "h1"
                | "h2"
                | "h3"
                | "h4"
                | "h5"
                | "h6"
                | "td"
                | "dd"
                | "dt"
                | "blockquote"
                | "pre"
                | "div"
                | "ul"
                | "ol"
                | "table"
        )
    )
}

/// The boilerplate a block looks like, from its tag, its links and its words.
fn block_kind(node: &NodeRef, text: &str) -> &'static str {
    let name = node.node_name().unwrap_or_default();
    let in_figure = node
        .ancestors(None)
        .iter()
        .any(|a| a.node_name().as_deref() == Some("figure"));
    if matches!(name.as_ref(), "figcaption" | "caption") || in_figure {
        return "added captions";
    }
    let lower = text.to_lowercase();
    let has = |needles: &[&str]| needles.iter().any(|n| lower.contains(n));
    let word_count = lower.split_whitespace().count();
    let link_chars: usize = dom_query::Selection::from(*node)
        .select("a")
        .nodes()
        .iter()
        .map(|a| a.text().chars().filter(|c| !c.is_whitespace()).count())
        .sum();
    let solid = lower.chars().filter(|c| !c.is_whitespace()).count().max(1);
    if has(&[
        "newsletter",
        "subscribe",
        "sign up",
        "signup",
        "e-mail address",
        "email address",
    ]) {
        return "added newsletter boxes";
    }
    if has(&["comment", "reply", "replies", "said...", "wrote:"]) {
        return "added comments";
    }
    if has(&[
        "share this",
        "tweet",
        "facebook",
        "email this",
        "print this",
        "share on",
    ]) {
        return "added share bars";
    }
    if link_chars * 2 >= solid
        || has(&[
            "related",
            "read more",
            "more from",
            "you may also",
            "recommended",
            "popular",
        ])
    {
        return "added related blocks";
    }
    if word_count <= 20
        && (lower.starts_with("by ")
            || has(&[
                "posted",
                "updated",
                "published",
                "photo",
                "image",
                "credit",
                "getty",
                "reuters",
                "associated press",
            ]))
    {
        return "added bylines and credits";
    }
    "added other text"
}

/// For one case: the expected lines we mostly missed and the blocks we added.
fn explain_case(case: &Case, article: &ExtractedArticle, ours: &str) {
    let our_words = words(ours);
    println!(
        "== {}: title {:?}, byline {:?}; {} words ours, {} expected",
        case.name,
        article.title,
        article.byline,
        our_words.values().sum::<usize>(),
        words(&case.expected_text).values().sum::<usize>()
    );
    if let Ok(path) = std::env::var("EXTRACT_EXPLAIN_TEXT") {
        let _ = std::fs::write(path, ours);
    }
    println!("-- expected lines we missed (most of their words absent):");
    for line in case.expected_text.lines() {
        let bag = words(line);
        let total: usize = bag.values().sum();
        let missing: usize = bag
            .iter()
            .filter(|(w, _)| !our_words.contains_key(*w))
            .map(|(_, n)| n)
            .sum();
        if total > 0 && missing * 2 >= total {
            println!("  - {}", line.chars().take(160).collect::<String>());
        }
    }
    println!("-- blocks we added:");
    for (kind, text) in added_blocks(&article.content_html, &words(&case.expected_text)) {
        let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
        println!(
            "  + [{kind}] {}",
            text.chars().take(160).collect::<String>()
        );
    }
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let at = ((sorted.len() - 1) as f64 * p).round() as usize;
    sorted[at.min(sorted.len() - 1)]
}

fn report(corpus: Corpus, dir: &Path, mut scores: Vec<Score>, rounds: u32) {
    let n = scores.len();
    let mean = |f: fn(&Score) -> f64| scores.iter().map(f).sum::<f64>() / n as f64;
    println!();
    println!("== {} ({} cases, {})", corpus.folder(), n, dir.display());
    println!(
        "mean F1        {:.4}   (precision {:.4}, recall {:.4}; plain Readability {:.4})",
        mean(|s| s.f1),
        mean(|s| s.precision),
        mean(|s| s.recall),
        mean(|s| s.plain_f1)
    );
    let mut f1s: Vec<f64> = scores.iter().map(|s| s.f1).collect();
    f1s.sort_by(f64::total_cmp);
    println!(
        "percentiles    p10 {:.3}  p25 {:.3}  median {:.3}  p75 {:.3}",
        percentile(&f1s, 0.10),
        percentile(&f1s, 0.25),
        percentile(&f1s, 0.50),
        percentile(&f1s, 0.75)
    );
    let bands = [0.0, 0.5, 0.7, 0.8, 0.9, 0.95, 0.99];
    let histogram: Vec<String> = bands
        .iter()
        .enumerate()
        .map(|(i, low)| {
            let high = bands.get(i + 1).copied().unwrap_or(f64::INFINITY);
            let count = f1s.iter().filter(|f| **f >= *low && **f < high).count();
            if high.is_finite() {
                format!("[{low:.2},{high:.2}) {count}")
            } else {
                format!("≥{low:.2} {count}")
            }
        })
        .collect();
    println!("distribution   {}", histogram.join("  "));
    if scores.iter().any(|s| s.title.is_some()) {
        let right = scores
            .iter()
            .filter(|s| s.title.as_ref().is_some_and(|(ours, want)| ours == want))
            .count();
        println!("titles right   {right}/{n}");
        for s in &scores {
            if let Some((ours, want)) = s.title.as_ref().filter(|(o, w)| o != w) {
                println!("  title wrong in {}: {ours:?}, expected {want:?}", s.case);
            }
        }
    }
    let mut kinds: HashMap<&str, usize> = HashMap::new();
    for s in scores.iter().filter(|s| s.kind != "ok") {
        *kinds.entry(s.kind).or_default() += 1;
    }
    let mut kinds: Vec<_> = kinds.into_iter().collect();
    kinds.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
    let kinds: Vec<String> = kinds.iter().map(|(k, c)| format!("{k} {c}")).collect();
    println!("under {FAILURE_F1:.1}      {}", kinds.join(", "));
    let lost: Vec<&Score> = scores
        .iter()
        .filter(|s| s.f1 < 0.5 && s.plain_f1 >= 0.5)
        .collect();
    println!(
        "under 0.5 where plain Readability is not: {}{}",
        lost.len(),
        lost.iter()
            .map(|s| format!(" {} ({:.3} vs {:.3})", s.case, s.f1, s.plain_f1))
            .collect::<String>()
    );
    let worse = scores.iter().filter(|s| s.f1 + 0.05 < s.plain_f1).count();
    let better = scores.iter().filter(|s| s.f1 > s.plain_f1 + 0.05).count();
    println!("against plain Readability: {better} pages better by over 0.05, {worse} worse");

    let total_bytes: usize = scores.iter().map(|s| s.bytes).sum();
    let total_ms: f64 = scores.iter().map(|s| s.extract_ms).sum();
    let mut per_page: Vec<f64> = scores.iter().map(|s| s.extract_ms).collect();
    per_page.sort_by(f64::total_cmp);
    println!(
        "speed          extract {:.2} ms/page mean, median {:.2}, p90 {:.2}, max {:.2} (mean page {:.0} KB; {:.2} ms per 200 KB; {rounds} rounds)",
        total_ms / n as f64,
        percentile(&per_page, 0.5),
        percentile(&per_page, 0.9),
        per_page.last().copied().unwrap_or_default(),
        total_bytes as f64 / n as f64 / 1e3,
        total_ms / total_bytes as f64 * 200e3
    );
    let total_cpu_ms: f64 = scores.iter().map(|s| s.extract_cpu_ms).sum();
    println!(
        "               extract CPU {:.2} ms/page mean ({:.2} ms per 200 KB)",
        total_cpu_ms / n as f64,
        total_cpu_ms / total_bytes as f64 * 200e3
    );
    println!(
        "               extract and sanitize {:.2} ms/page (the library's path); dom_smoothie alone {:.2} ms/page",
        mean(|s| s.pipeline_ms),
        mean(|s| s.plain_ms)
    );

    scores.sort_by(|a, b| a.f1.total_cmp(&b.f1));
    println!("worst pages (F1, precision, recall, plain Readability, kind):");
    for s in scores.iter().take(WORST) {
        println!(
            "  {:.3}  p {:.2} r {:.2}  plain {:.3}  {:<26} {}{}",
            s.f1,
            s.precision,
            s.recall,
            s.plain_f1,
            s.kind,
            s.case,
            s.error
                .as_deref()
                .map(|e| format!("  error: {e}"))
                .unwrap_or_default()
        );
    }
}
