//! Sanitizer throughput on a realistic ~200 KB article page.
//!
//! Reproduce: `cargo run --release -p broadsheet-engine --example sanitize_speed -- 50`
//! (the argument is the number of runs; default 50).

use std::time::Instant;

use broadsheet_engine::sanitize::{
    check_complexity, html_to_text, sanitize_article_html, MAX_HTML_BYTES,
};
use url::Url;

/// A page shaped like a news article as published: head, navigation, scripts,
/// inline SVG icons, lazy images with srcset, figures, a table, lists, comments.
fn article_page() -> String {
    let mut page = String::from(
        r#"<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Budget vote delayed</title>
<link rel="stylesheet" href="/assets/site.css"><style>body{font:16px serif}.ad{display:none}</style>
<script>window.dataLayer=[];function gtag(){dataLayer.push(arguments)}</script></head><body>
<header class="site"><nav><ul><li><a href="/">Home</a><li><a href="/world/">World</a><li><a href="/politics/">Politics</a></ul>
<svg class="icon" viewBox="0 0 24 24"><path d="M3 6h18v2H3z"/><path d="M3 11h18v2H3z"/></svg></nav></header>
<main><article><h1>Budget vote delayed as talks run late</h1><p class="byline">By <a href="/authors/jane">Jane Doe</a>, <time datetime="2024-05-01T09:00:00Z">1 May 2024</time></p>
"#,
    );
    let mut n = 0;
    while page.len() < 200 * 1024 {
        n += 1;
        page.push_str(&format!(
            r#"<!-- section {n} --><section id="s{n}"><h2>Part {n}: what the committee said</h2>
<p class="lead" style="margin:0">Lawmakers met on <b>Tuesday</b> to discuss the <a href="/topics/budget?ref=s{n}" onclick="track({n})">budget</a>, which has been
delayed for the <em>third</em> time this year. &ldquo;We need more time,&rdquo; said the chair &mdash; a line repeated <i>often</i>.
Analysts at <a href="https://example.org/report-{n}.pdf" target="_blank">the institute</a> expect a vote next week.</p>
<figure><picture><source type="image/webp" data-srcset="/img/{n}-800.webp 800w, /img/{n}-400.webp 400w">
<img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=" data-src="/img/{n}-800.jpg" alt="The chamber" width="800" height="450" loading="lazy"></picture>
<figcaption>The chamber on Tuesday. <small>Photo: Agency</small></figcaption></figure>
<p>Opposition members said the delay was <strong>unacceptable</strong>; supporters said talks were <q cite="/quotes/{n}">productive</q>.</p>
<ul><li>Spending: up 3%<li>Revenue: flat<li>Deficit: <mark>widening</mark></ul>
<table><caption>Votes</caption><tr><th scope="col">Party<th scope="col">For<th>Against<tr><td>A<td>120<td>30<tr><td>B<td>45<td>99</table>
<blockquote cite="https://news.example/archive/{n}"><p>History repeats itself.</p></blockquote>
<div class="ad"><script async src="https://ads.example/tag.js"></script><iframe src="https://ads.example/frame"></iframe></div>
<img src="https://pixel.example/t.gif?s={n}" width="1" height="1"></section>
"#
        ));
    }
    page.push_str("</article></main><footer><p>&copy; 2024 News</p></footer></body></html>");
    page
}

#[global_allocator]
static ALLOCATOR: broadsheet_engine::Allocator = broadsheet_engine::Allocator;

fn main() {
    let runs: usize = std::env::args()
        .nth(1)
        .and_then(|arg| arg.parse().ok())
        .unwrap_or(50);
    let base = Url::parse("https://news.example/2024/a.html").expect("a valid base URL");
    let page = article_page();
    let first = sanitize_article_html(&page, &base).expect("the sample page is accepted");
    let started = Instant::now();
    let mut kept = 0;
    for _ in 0..runs {
        kept += sanitize_article_html(&page, &base)
            .expect("the sample page is accepted")
            .html
            .len();
    }
    let elapsed = started.elapsed();
    let text_started = Instant::now();
    let text = html_to_text(&first.html);
    let text_elapsed = text_started.elapsed();
    let per_page_ms = elapsed.as_secs_f64() * 1000.0 / runs as f64;
    let mb_per_s = (page.len() * runs) as f64 / elapsed.as_secs_f64() / 1_000_000.0;
    println!(
        "page {} bytes -> {} bytes sanitized, {} images, {} chars of text",
        page.len(),
        kept / runs.max(1),
        first.images.len(),
        text.chars().count()
    );
    println!(
        "sanitize_article_html: {per_page_ms:.2} ms per page, {mb_per_s:.1} MB/s over {runs} runs"
    );
    println!(
        "html_to_text: {:.2} ms",
        text_elapsed.as_secs_f64() * 1000.0
    );
    // The guard's own worst cases: inputs just under the size cap made of the tags it works hardest on.
    let deep_spans = "<span>".repeat(250);
    let fill = |unit: &str, prefix: &str| {
        let mut html = prefix.to_string();
        while html.len() + unit.len() <= MAX_HTML_BYTES {
            html.push_str(unit);
        }
        html
    };
    for (name, html) in [
        ("<i></i> flood", fill("<i></i>", "")),
        ("unmatched </x> at depth 250", fill("</x>", &deep_spans)),
        ("<p>x flood at depth 250", fill("<p>x", &deep_spans)),
        ("<div> x 200000", "<div>".repeat(200_000)),
    ] {
        let started = Instant::now();
        let outcome = check_complexity(&html);
        println!(
            "check_complexity on {name} ({} bytes): {:.1} ms, {}",
            html.len(),
            started.elapsed().as_secs_f64() * 1000.0,
            outcome.map_or_else(|e| e.kind().to_string(), |()| "accepted".to_string())
        );
    }
    println!(
        "reproduce: cargo run --release -p broadsheet-engine --example sanitize_speed -- {runs}"
    );
}
