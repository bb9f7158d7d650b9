//! Our repairs to Readability's pick (issue 15): `extract_article` on hand-written pages
//! (`tests/fixtures/extract/`), each named after the quirk of its page that the repair handles.

use broadsheet_engine::extract::ExtractedArticle;

mod extract_fixture;

use extract_fixture::extract;

/// The story's text with its spaces squeezed.
fn squeezed(article: &ExtractedArticle) -> String {
    article
        .text
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

#[test]
fn a_photo_post_whose_relaxed_attempt_is_the_sidebar_keeps_its_caption_alone() {
    let text = squeezed(&extract(
        "photo-post-whose-relaxed-attempt-is-the-sidebar.html",
    ));
    assert!(
        text.contains("The harbour cranes at dawn on Sunday"),
        "{text}"
    );
    assert!(!text.contains("Older story number"), "{text}");
    assert!(!text.contains("Pictures of the harbour"), "{text}");
}
