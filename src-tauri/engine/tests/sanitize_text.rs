//! `html_to_text` (search text) and `excerpt` (list previews).

use broadsheet_engine::sanitize::{excerpt, html_to_text};

#[test]
fn blocks_become_lines_and_whitespace_collapses() {
    let html = "<h1>Title &amp; more</h1><p>One  two\n three<br>four</p><ul><li>x</li><li>y</li></ul><p>a <em>b</em>c</p>";
    assert_eq!(
        html_to_text(html),
        "Title & more\nOne two three\nfour\nx\ny\na bc"
    );
}

#[test]
fn script_and_style_text_is_absent() {
    let html =
        "<p>shown</p><script>var hidden = 1;</script><style>p{}</style><noscript>nojs</noscript>";
    assert_eq!(html_to_text(html), "shown");
}

#[test]
fn entities_are_decoded() {
    assert_eq!(
        html_to_text("<p>caf&eacute; &lt;b&gt; &#8212; &nbsp;x</p>"),
        "café <b> — x",
        "nbsp counts as whitespace"
    );
}

#[test]
fn pathological_html_gives_empty_text() {
    assert_eq!(html_to_text(&"<div>".repeat(10_000)), "");
}

#[test]
fn excerpt_short_text_is_unchanged() {
    assert_eq!(excerpt("short  text\nhere", 50), "short text here");
}

#[test]
fn excerpt_cuts_at_word_boundary_with_ellipsis() {
    assert_eq!(
        excerpt("The quick brown fox jumps over the lazy dog", 20),
        "The quick brown fox…"
    );
    assert_eq!(
        excerpt("The quick brown fox jumps over the lazy dog", 18),
        "The quick brown…"
    );
    assert!(
        excerpt("The quick brown fox jumps over the lazy dog", 18)
            .chars()
            .count()
            <= 18
    );
}

#[test]
fn excerpt_counts_characters_not_bytes() {
    assert_eq!(excerpt("ééé ééé ééé", 8), "ééé ééé…");
}

#[test]
fn excerpt_cuts_inside_a_single_long_word() {
    assert_eq!(excerpt("abcdefghijklmnop", 5), "abcd…");
}
