//! Which of Readability's attempts is the story. Readability tries the page up to four times,
//! relaxing its rules each time the story it finds is under 500 characters, and then keeps
//! the longest attempt: on a photo post or a short note that is the whole page, menus and
//! footer included. A short story found under the strict rules is kept instead when the longer
//! attempt is mostly links (a page's navigation, not more story), or when it lies outside the
//! block that holds the page's headline and the short story (a sidebar or an author's box
//! beside a photo post).
//!
//! This module owns that choice. It must never change what Readability finds on a page whose
//! strict attempt is long enough (the page Readability is tuned for), and never parse HTML.

use std::collections::HashSet;

use dom_query::Document;
use dom_smoothie::{Article, Config, ParsePolicy, Readability, ReadabilityError};

use super::solid_chars_each;

/// A relaxed attempt with at least this share of its text in links is a page's navigation.
/// Measured on Dragnet's pages and Readability's: 0.25 gains more on Dragnet (0.9256 against
/// 0.9227) but takes a Japanese page's story (hukumusume: links 0.35) for its menu.
const MIN_NAVIGATION_LINK_SHARE: f64 = 0.4;

/// A relaxed attempt with less than this share of its words in the headline's block (the
/// smallest block around the headline that holds the short story) is found beside the story.
const MIN_SHARE_IN_HEADLINE_BLOCK: f64 = 0.5;

/// The headline's block is the smallest around the headline holding this share of the short
/// story's words.
const MIN_STORY_SHARE_IN_BLOCK: f64 = 0.8;

/// Readability on `doc`, keeping the strict attempt's short story over a relaxed attempt
/// that is mostly links or lies outside the headline's block (Dragnet: ten photo posts and
/// short notes whose relaxed attempt was a sidebar or an author's box, better by 0.2 to 0.8;
/// one worse, R281, whose gold keeps the readers' comments). Returns the Readability that
/// found the story (its `doc` holds it) and the story.
pub(super) fn pick_story(
    doc: Document,
    base: &str,
    config: Config,
) -> Result<(Readability, Article), ReadabilityError> {
    let threshold = config.char_threshold;
    let mut strict = Readability::with_document(doc.clone(), Some(base), Some(config.clone()))?;
    let short = match strict.parse_with_policy(ParsePolicy::Strict) {
        // What Readability's own first attempt would keep.
        Ok(article) if article.length >= threshold => return Ok((strict, article)),
        Ok(article) => Some(article),
        Err(error @ ReadabilityError::TooManyElements(..)) => return Err(error),
        Err(_) => None,
    };
    // Read before the relaxed attempt rewrites the page.
    let headline_block = short
        .as_ref()
        .and_then(|short| headline_block_words(&doc, &short.title, &short.text_content));
    let mut relaxed = Readability::with_document(doc, Some(base), Some(config))?;
    let longest = relaxed.parse();
    match (short, longest) {
        (Some(short), Ok(longest))
            if !short.text_content.trim().is_empty()
                && (link_share(&relaxed.doc) >= MIN_NAVIGATION_LINK_SHARE
                    || headline_block.as_ref().is_some_and(|block| {
                        share_in(&longest.text_content, block) < MIN_SHARE_IN_HEADLINE_BLOCK
                    })) =>
        {
            Ok((strict, short))
        }
        (_, Ok(longest)) => Ok((relaxed, longest)),
        (Some(short), Err(_)) => Ok((strict, short)),
        (None, Err(error)) => Err(error),
    }
}

/// The share of the story's visible characters that are link text.
pub(super) fn link_share(doc: &Document) -> f64 {
    let links = solid_chars_each(&doc.select("#readability-page-1 a"));
    let all = solid_chars_each(&doc.select("#readability-page-1"));
    links as f64 / all.max(1) as f64
}

/// The words of the smallest block around the page's headline (a heading whose words are the
/// story's title, [`is_headline_of`]) that holds most of `story`'s words; `None` when no
/// heading is the title or no block short of the whole body holds the story.
fn headline_block_words(doc: &Document, title: &str, story: &str) -> Option<HashSet<String>> {
    let title = words(title).collect::<Vec<_>>();
    if title.is_empty() {
        return None;
    }
    let story = words(story).collect::<HashSet<_>>();
    let headings = doc.select("body h1, body h2, body h3");
    let headline = headings.nodes().iter().find(|h| {
        let heading = words(&h.text()).collect::<Vec<_>>();
        is_headline_of(&heading, &title)
    })?;
    for block in headline.ancestors_it(None) {
        if block.has_name("body") || block.has_name("html") {
            return None;
        }
        let block_words = words(&block.text()).collect::<HashSet<_>>();
        let held = story.iter().filter(|w| block_words.contains(*w)).count();
        if held as f64 >= MIN_STORY_SHARE_IN_BLOCK * story.len() as f64 {
            return Some(block_words);
        }
    }
    None
}

/// Whether a heading's words are the title's, or most of them with the site's name before or
/// after (a `<title>` says "Headline | Site").
fn is_headline_of(heading: &[String], title: &[String]) -> bool {
    !heading.is_empty()
        && heading.len() * 2 >= title.len()
        && (title.starts_with(heading) || title.ends_with(heading))
}

/// The share of `text`'s words (counted with repeats) that are in `block`.
fn share_in(text: &str, block: &HashSet<String>) -> f64 {
    let (mut inside, mut all) = (0usize, 0usize);
    for word in words(text) {
        all += 1;
        inside += usize::from(block.contains(&word));
    }
    inside as f64 / all.max(1) as f64
}

/// The lowercase words of `text`, split at anything not a letter or digit.
fn words(text: &str) -> impl Iterator<Item = String> + '_ {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::extract::extract_article;
    use url::Url;

    /// A comic post: the headline, the picture and a few lines under it, then, outside the
    /// post's block, the blog's sidebar with more text than the post. Readability's strict
    /// attempt finds the post (short: the sidebar is stripped as unlikely); its relaxed
    /// attempts keep the sidebar, the longer text.
    const SHORT_POST_WITH_A_LONGER_SIDEBAR: &str = r#"<html><head><title>Harbour Comic 12: Cranes | Harbour Weekly</title></head><body>
        <div class="wrap">
          <div id="header"><a href="/">Harbour Weekly</a></div>
          <div class="post" id="post-12">
            <h1>Harbour Comic 12: Cranes</h1>
            <ul class="the_post_meta"><li><a href="/author/ann/">Ann Lee</a> | </li><li>May 3rd 2024</li></ul>
            <div class="post_inner_wrap">
              <p><img src="/comics/12.jpg" alt="Harbour Comic 12" width="550" height="700"></p>
              <p>Each week we print a harbour comic from our staff artist, drawn in ink, coloured by hand, and scanned at the studio on the quay. Why not look through the archive of older strips, or send us the idea for the next one?</p>
            </div>
          </div>
        </div>
        <div id="primary" class="sidebar">
            <ul><li>Ann Lee</li><li><a href="https://ann.example/">Website</a></li></ul>
            <p>Ann Lee has drawn the harbour for twenty years, first for the port authority, then for the weekly, and now for her own books of sketches.</p>
            <p>When she is not drawing comics, she paints the boats and cranes of the old port in oils, teaches a drawing class at the library, and walks her dogs along the breakwater.</p>
            <p>Her books of harbour sketches are sold in the shop by the ferry terminal, at the museum, and at the market on Saturdays, and her paintings hang in the town hall.</p>
        </div>
        </body></html>"#;

    #[test]
    fn a_short_post_is_kept_over_a_longer_block_beside_its_headline_block() {
        let url = Url::parse("https://harbour.example/comics/12").unwrap();
        let article = extract_article(SHORT_POST_WITH_A_LONGER_SIDEBAR, &url).unwrap();
        assert!(
            article.text.contains("Each week we print"),
            "{}",
            article.text
        );
        assert!(!article.text.contains("twenty years"), "{}", article.text);
    }

    #[test]
    fn a_page_without_a_heading_that_is_the_title_has_no_headline_block() {
        let doc = Document::from(
            "<html><body><div><h2>Other news</h2><p>Each week we print a comic.</p></div></body></html>",
        );
        assert_eq!(
            headline_block_words(&doc, "Harbour Comic 12", "Each week we print a comic."),
            None
        );
        let block = headline_block_words(&doc, "Other news", "Each week we print a comic.");
        assert!(block.is_some_and(|b| b.contains("week") && b.contains("other")));
    }
}
