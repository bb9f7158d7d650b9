//! The pre-parse guard: it must refuse what makes html5ever slow, and accept the
//! sloppy-but-normal markup real news pages are made of.

use std::time::{Duration, Instant};

use broadsheet_engine::sanitize::{check_complexity, sanitize_article_html, SanitizeError};
use url::Url;

fn refused(html: &str) -> bool {
    check_complexity(html) == Err(SanitizeError::TooComplex)
}

#[test]
fn unclosed_paragraphs_list_items_and_cells_are_accepted() {
    // HTML lets these end tags be omitted; html5ever closes them implicitly.
    assert!(!refused(&"<p>para".repeat(5_000)));
    assert!(!refused(&format!("<ul>{}</ul>", "<li>item".repeat(5_000))));
    assert!(!refused(&format!(
        "<dl>{}</dl>",
        "<dt>t<dd>d".repeat(2_000)
    )));
    assert!(!refused(
        &"<table><tr><td>a<td>b<tr><td>c</table>".repeat(1_000)
    ));
    assert!(!refused(
        &"<p><a href=x>link</a> text <b>bold".repeat(2_000)
    ));
}

#[test]
fn inline_svg_with_many_self_closing_children_is_accepted() {
    let svg = format!("<svg>{}</svg>", "<path d='M0 0'/>".repeat(2_000));
    assert!(!refused(&svg));
}

#[test]
fn script_and_comment_text_is_not_counted() {
    let html = format!(
        "<script>{}</script><!-- {} --><p>x</p>",
        "<div>".repeat(5_000),
        "<div>".repeat(5_000)
    );
    assert!(!refused(&html));
}

#[test]
fn self_closing_html_elements_still_nest() {
    // `<div/>` is not self-closing in HTML: html5ever nests these 200 000 deep.
    assert!(refused(&"<div/>".repeat(200_000)));
    // Inside foreignObject, content is HTML again.
    assert!(refused(&format!(
        "<svg><foreignObject>{}",
        "<div/>".repeat(1_000)
    )));
}

#[test]
fn reopened_formatting_elements_count_as_depth() {
    // Each <p> implicitly closes the previous one and its <b>; html5ever reopens every
    // distinct <b> later, nesting ever deeper (quadratic time).
    let html: String = (0..20_000).map(|i| format!("<b id={i}><p>x")).collect();
    assert!(refused(&html));
    // A new <a> ends the previous one, and html5ever reopens the <b> it held, every time.
    assert!(refused(&"<a href=x><b>".repeat(20_000)));
    // With the same attributes, the "Noah's Ark" rule keeps at most three: accepted.
    assert!(!refused(&"<b><p>x".repeat(20_000)));
}

#[test]
fn many_attributes_refused_but_a_few_hundred_accepted() {
    let tag = |n: usize| {
        format!(
            "<p{}>x</p>",
            (0..n)
                .map(|i| format!(" data-a{i}=\"v>\""))
                .collect::<String>()
        )
    };
    assert!(!refused(&tag(300)));
    assert!(refused(&tag(600)));
}

#[test]
fn accepted_inputs_sanitize_quickly() {
    // Whatever the guard lets through must be cheap for html5ever and ammonia: linear, where an
    // unguarded quadratic case takes minutes in a debug build. The bound leaves room for a debug
    // build on a loaded 2-core machine cleaning to a fixed point (two passes at least): the
    // largest case took 3.4 to 4.3 s at a load of 14.
    let base = Url::parse("https://news.example/2024/a.html").unwrap();
    let cases = [
        "<p>para".repeat(20_000),
        "<b><p>x".repeat(20_000),
        "<table><tr><td>a<td>b</table>".repeat(5_000),
        "<a href=x><b>".repeat(5_000),
        "</div>".repeat(100_000),
        "<span>".repeat(250),
    ];
    for html in cases {
        let started = Instant::now();
        let outcome = sanitize_article_html(&html, &base);
        let elapsed = started.elapsed();
        assert!(
            elapsed < Duration::from_secs(8),
            "{}… took {elapsed:?} ({:?})",
            &html[..30.min(html.len())],
            outcome.map(|o| o.html.len())
        );
    }
}

#[test]
fn end_tag_flood_under_a_deep_stack_is_refused() {
    // Every unmatched end tag makes html5ever search its whole stack: 250 open spans
    // times 200 000 end tags is quadratic work for it (7.6 s for this scan before the budget).
    let html = format!("{}{}", "<span>".repeat(250), "</x>".repeat(200_000));
    let started = Instant::now();
    assert!(refused(&html));
    assert!(started.elapsed() < Duration::from_secs(1));
}
