//! Feed discovery: the `<link rel="alternate">` feeds a web page advertises.
//!
//! It must never fetch anything; trying [`super::COMMON_FEED_PATHS`] is the caller's job. It
//! never parses a page the complexity guard refuses.

use dom_query::Document;
use url::Url;

use super::FeedError;
use crate::fetch::join_web_url;
use crate::sanitize::parse_page;

/// The format a page claims for a feed link.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FeedFormat {
    /// RSS 2.0/0.9x, or RSS 1.0 (RDF).
    Rss,
    /// Atom.
    Atom,
    /// JSON Feed.
    Json,
    /// Not declared or not recognised.
    Unknown,
}

/// A feed advertised by a page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FeedLink {
    /// Absolute http(s) URL of the feed.
    pub url: Url,
    /// The link's `title` attribute, if not blank.
    pub title: Option<String>,
    /// The format the `type` attribute names.
    pub format: FeedFormat,
}

/// What a page's relative links resolve against: its first `<base href>` when that is an
/// http(s) address, else the page's own address.
pub(crate) fn base_url(document: &Document, page_url: &Url) -> Url {
    document
        .select("base[href]")
        .nodes()
        .first()
        .and_then(|node| node.attr("href"))
        .and_then(|href| join_web_url(page_url, &href))
        .unwrap_or_else(|| page_url.clone())
}

/// Feed links of a page, resolved against `<base href>` or `page_url`, deduplicated, in
/// document order; a page too large or too deeply nested to parse quickly is refused.
pub fn discover_feed_links(html: &str, page_url: &Url) -> Result<Vec<FeedLink>, FeedError> {
    let document = parse_page(html).map_err(|error| {
        tracing::debug!(url = %page_url, %error, "discovery: page refused");
        FeedError::PageTooComplex {
            url: page_url.to_string(),
        }
    })?;
    let base = base_url(&document, page_url);

    let mut links: Vec<FeedLink> = Vec::new();
    for node in document.select("link[rel][href]").nodes() {
        let rel = node.attr("rel").unwrap_or_default();
        if !rel
            .split_ascii_whitespace()
            .any(|token| token.eq_ignore_ascii_case("alternate"))
        {
            continue;
        }
        let kind = node.attr("type").unwrap_or_default();
        let Some(format) = format_of(&kind) else {
            continue;
        };
        let Some(href) = node.attr("href") else {
            continue;
        };
        let Some(url) = join_web_url(&base, &href) else {
            continue;
        };
        if links.iter().any(|l| l.url == url) {
            continue;
        }
        let title = node
            .attr("title")
            .map(|t| t.trim().to_owned())
            .filter(|t| !t.is_empty());
        links.push(FeedLink { url, title, format });
    }
    Ok(links)
}

/// Maps a link `type` to a feed format; `None` for types that are not feeds.
fn format_of(media_type: &str) -> Option<FeedFormat> {
    let essence = media_type
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    match essence.as_str() {
        "application/rss+xml" | "application/rdf+xml" => Some(FeedFormat::Rss),
        "application/atom+xml" => Some(FeedFormat::Atom),
        "application/feed+json" | "application/json" => Some(FeedFormat::Json),
        _ => None,
    }
}
