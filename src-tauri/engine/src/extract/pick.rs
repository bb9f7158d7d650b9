//! Which of Readability's attempts is the story. Readability tries the page up to four times,
//! relaxing its rules each time the story it finds is under 500 characters, and then keeps
//! the longest attempt: on a photo post or a short note that is the whole page, menus and
//! footer included. A short story found under the strict rules is kept instead when the longer
//! attempt is mostly links (a page's navigation, not more story).
//!
//! This module owns that choice. It must never change what Readability finds on a page whose
//! strict attempt is long enough (the page Readability is tuned for), and never parse HTML.

use dom_query::Document;
use dom_smoothie::{Article, Config, ParsePolicy, Readability, ReadabilityError};

use super::solid_chars_each;

/// A relaxed attempt with at least this share of its text in links is a page's navigation.
/// Measured on Dragnet's pages and Readability's: 0.25 gains more on Dragnet (0.9256 against
/// 0.9227) but takes a Japanese page's story (hukumusume: links 0.35) for its menu.
const MIN_NAVIGATION_LINK_SHARE: f64 = 0.4;

/// Readability on `doc`, keeping the strict attempt's short story over a relaxed attempt
/// that is mostly links. Returns the Readability that found the story (its `doc` holds it)
/// and the story.
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
    let mut relaxed = Readability::with_document(doc, Some(base), Some(config))?;
    let longest = relaxed.parse();
    match (short, longest) {
        (Some(short), Ok(_))
            if !short.text_content.trim().is_empty()
                && link_share(&relaxed.doc) >= MIN_NAVIGATION_LINK_SHARE =>
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
