//! Text around a story that Readability keeps but a reader does not want: readers' comments
//! (sections named as comments, or opened by a "Comments" heading).
//!
//! This module owns those rules, applied by kind of block, never by site. It must never remove
//! most of a page's text (a wrapper named after comments is a wrapper), and never parses HTML.

use dom_query::{Document, NodeRef, Selection};

use super::related::has_class_word;
use crate::sanitize::collapse_whitespace;

/// Class or id words of readers' comment sections (`comments-body`, `commentlist`, Disqus,
/// WordPress's `#respond` form).
const COMMENT_WORDS: &[&str] = &[
    "comment",
    "comments",
    "commentlist",
    "commentbody",
    "disqus",
    "respond",
];

/// A comment section holding more than this share of the page's text is the page's wrapper.
const MAX_COMMENT_SHARE: f64 = 0.5;

/// Headings that open a comment section (lowercase, numbers and punctuation left out).
const COMMENT_HEADINGS: &[&str] = &[
    "comments",
    "reader comments",
    "readers comments",
    "your comments",
    "user comments",
    "responses",
    "replies",
    "leave a reply",
    "leave a comment",
    "post a comment",
    "add a comment",
    "add your comment",
    "join the conversation",
    "join the discussion",
    "discussion",
    "what do you think",
];

/// What a comment section's heading counts, before "on" or "to" and the story's title.
const THREAD_NOUNS: &[&str] = &[
    "comment",
    "comments",
    "response",
    "responses",
    "reply",
    "replies",
    "thought",
    "thoughts",
];

/// A heading longer than this is a story's sub-heading, not a comment section's label.
const MAX_HEADING_WORDS: usize = 6;

/// Removes the page's readers' comment sections, named as such by class or id, before
/// Readability scores the page (it keeps them when their class also says `body` or `content`).
pub(super) fn remove_comment_sections(doc: &Document) {
    // The page's text is long to gather: only for a page that names a comment section.
    let mut page_chars = None;
    for node in doc.select("body [class], body [id]").nodes() {
        // A heading named `comments` labels the section that follows it: left for
        // `cut_at_comment_heading`, which needs it to find where the readers' part starts.
        if !has_class_word(node, COMMENT_WORDS) || node.has_name("body") || is_heading(node) {
            continue;
        }
        // Already gone with a comment section around it.
        if !node.ancestors_it(None).any(|a| a.has_name("body")) {
            continue;
        }
        let page_chars = *page_chars.get_or_insert_with(|| doc.select("body").text().len().max(1));
        let share = node.text().len() as f64 / page_chars as f64;
        if share <= MAX_COMMENT_SHARE && !Selection::from(*node).select("h1").exists() {
            node.remove_from_parent();
        }
    }
}

/// Removes a comment section that the page opens with a heading ("12 Comments", "Leave a
/// Reply") rather than names by class: the heading and what follows it in its block. Runs
/// before Readability, which drops such a heading (its id often says `comments`) and would then
/// keep the comments as more story. Nothing goes if what follows holds a headline or an article.
pub(super) fn remove_comment_threads(doc: &Document) {
    for heading in doc
        .select("body h1, body h2, body h3, body h4, body h5, body h6")
        .nodes()
    {
        if !is_comment_heading(&heading.text()) {
            continue;
        }
        let mut following = Vec::new();
        let mut next = heading.next_sibling();
        while let Some(node) = next {
            next = node.next_sibling();
            following.push(node);
        }
        let holds_story = following.iter().any(|n| {
            n.has_name("article")
                || n.has_name("h1")
                || Selection::from(*n).select("h1, article").exists()
        });
        if holds_story {
            continue;
        }
        for node in following {
            node.remove_from_parent();
        }
        heading.remove_from_parent();
    }
}

fn is_heading(node: &NodeRef) -> bool {
    matches!(
        node.node_name().as_deref(),
        Some("h1" | "h2" | "h3" | "h4" | "h5" | "h6")
    )
}

fn is_comment_heading(text: &str) -> bool {
    let label: String = text
        .to_lowercase()
        .chars()
        .map(|c| if c.is_alphabetic() { c } else { ' ' })
        .collect();
    let label = collapse_whitespace(&label);
    // A count, in figures ("12 Comments": the figures went with the punctuation) or as a word,
    // makes "Response" a thread's heading; alone it may be a section of the story (an article
    // on HTTP has one).
    let word_count = label
        .strip_prefix("one ")
        .or_else(|| label.strip_prefix("no "));
    let counted = word_count.is_some() || text.chars().any(|c| c.is_ascii_digit());
    let label = word_count.unwrap_or(&label);
    let mut words = label.split(' ');
    let (first, second) = (words.next(), words.next());
    if counted && first.is_some_and(|w| THREAD_NOUNS.contains(&w)) {
        return true;
    }
    // WordPress's "Responses to “Title”", "Thoughts on “Title”": any title may follow.
    if first.is_some_and(|w| THREAD_NOUNS.contains(&w)) && matches!(second, Some("on" | "to")) {
        return true;
    }
    label.split(' ').count() <= MAX_HEADING_WORDS && COMMENT_HEADINGS.contains(&label)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn comment_headings_are_told_from_a_storys_own_headings() {
        for heading in [
            "Comments",
            "12 Comments",
            "One Response",
            "1 Comment",
            "Responses",
            "Leave a Reply",
            "3 replies to “Harbour cranes”",
            "What do you think?",
        ] {
            assert!(is_comment_heading(heading), "{heading}");
        }
        for heading in [
            "Commentary",
            "Response",
            "The minister's comments on the budget drew anger from unions",
            "Reply from the council",
            "",
        ] {
            assert!(!is_comment_heading(heading), "{heading}");
        }
    }
}
