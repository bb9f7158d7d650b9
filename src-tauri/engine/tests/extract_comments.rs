//! Readers' comments never reach the story (issue 15): `extract_article` on hand-written pages
//! (`tests/fixtures/extract/`), each named after the way its page marks, or fails to mark, its
//! comment section. Readability keeps such comments as more story, because they read like prose.

use broadsheet_engine::extract::ExtractedArticle;

mod extract_fixture;

use extract_fixture::extract;

/// A sentence from the story's first and last paragraphs, which must stay.
const STORY: [&str; 2] = [
    "The town library on Mill Street reopened on Saturday",
    "stays open until seven on Thursdays and Fridays",
];

/// A sentence from each reader's comment, none of which may stay.
const COMMENTS: [&str; 6] = [
    "We missed the old reading room terribly",
    "the tool library in the next village lost half its drills",
    "the car park is still far too small",
    "The oak shelving looks beautiful in the photographs",
    "Will the children's floor have the story sessions again",
    "Ninety thousand pounds from an appeal is remarkable",
];

/// The story's text, spaces squeezed; fails unless both ends of the story are in it.
fn story_kept(article: &ExtractedArticle) -> String {
    let text = article
        .text
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    for sentence in STORY {
        assert!(text.contains(sentence), "story lost {sentence:?}: {text}");
    }
    text
}

fn assert_story_without_comments(article: &ExtractedArticle) {
    let text = story_kept(article);
    for sentence in COMMENTS {
        assert!(
            !text.contains(sentence),
            "comment kept {sentence:?}: {text}"
        );
    }
}

#[test]
fn comments_in_a_class_that_also_says_body_are_left_out() {
    assert_story_without_comments(&extract("comments-in-a-class-that-also-says-body.html"));
}

#[test]
fn comments_opened_by_a_heading_only_are_left_out_with_their_heading() {
    let article = extract("comments-opened-by-a-heading-only.html");
    assert_story_without_comments(&article);
    assert!(!article.text.contains("6 Comments"), "{}", article.text);
}

#[test]
fn a_story_wrapper_whose_class_mentions_comments_keeps_the_story() {
    story_kept(&extract("story-wrapper-whose-class-mentions-comments.html"));
}
