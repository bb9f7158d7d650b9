//! Feed icons: where a feed's icon is looked for, and what counts as one.
//!
//! This module owns the order of the search (the feed's own icon or logo, then the site's
//! `<link rel="icon">` and `apple-touch-icon`, then `/favicon.ico` at the site's origin) and the
//! check of what comes back: a raster picture by its magic numbers (ICO included), at most
//! [`ICON_CAP`] bytes, through [`Fetcher`] with the reach it is given. It never keeps SVG or
//! HTML (an SVG can carry script), never follows a non-http(s) address, and never writes to
//! the library: the caller records what was found. A missing icon is never an error of the feed.

use crate::error_kind::ErrorKind;
use std::collections::HashSet;
use std::time::Duration;

use sha2::{Digest, Sha256};
use thiserror::Error;
use url::Url;

use crate::feed::base_url;
pub use crate::fetch::ICON_CAP;
use crate::fetch::{is_web_url, BodyKind, FetchError, FetchOutcome, FetchRequest, Fetcher, Reach};
use crate::hex;
use crate::images::{describe_non_image, image_token, sniff_image};
use crate::model::FeedId;
use crate::sanitize::parse_page;

/// Longest one feed's whole search may take; a slow site keeps its monogram instead.
pub const LOOKUP_DEADLINE: Duration = Duration::from_secs(10);

/// Bytes of a home page searched for icon links: they sit in `<head>`, near the top.
const HEAD_SEARCH_BYTES: usize = 128 * 1024;

/// Why no icon was found for a feed (recorded on the feed's icon row, never on the feed).
#[derive(Debug, Error)]
pub enum IconError {
    /// Fetching a candidate failed.
    #[error("icon {url}: {source}")]
    Fetch { url: String, source: FetchError },
    /// A candidate answered with something that is not a raster picture.
    #[error("icon {url}: not a picture (the bytes look like {looks_like})")]
    NotAnImage {
        url: String,
        looks_like: &'static str,
    },
    /// The feed names no icon, its site links none, and it has no usable address to ask.
    #[error("no icon found for {feed_url}")]
    NoCandidate { feed_url: String },
    /// The search took longer than [`LOOKUP_DEADLINE`].
    #[error("looking for the icon of {feed_url} took too long")]
    TimedOut { feed_url: String },
}

impl IconError {
    /// A stable name for the kind of error; for a failed fetch, the fetcher's kind.
    pub fn kind(&self) -> ErrorKind {
        match self {
            IconError::Fetch { source, .. } => source.kind(),
            IconError::NotAnImage { .. } => ErrorKind::NotAnImage,
            IconError::NoCandidate { .. } => ErrorKind::NoIcon,
            IconError::TimedOut { .. } => ErrorKind::Timeout,
        }
    }
}

/// Where a feed's icon may be found.
#[derive(Debug, Clone, Default)]
pub struct IconSources {
    /// The feed document's address.
    pub feed_url: Option<Url>,
    /// The site the feed belongs to.
    pub site_url: Option<Url>,
    /// The icon or logo the feed names for itself.
    pub feed_icon: Option<Url>,
    /// Icon links of the site's page, when it was already fetched (while subscribing); `None`
    /// makes the search fetch the site's home page once.
    pub page_icons: Option<Vec<Url>>,
}

/// An icon found and checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FoundIcon {
    /// Where it was fetched from (after redirects).
    pub url: Url,
    /// The MIME type its bytes are.
    pub mime: &'static str,
    pub data: Vec<u8>,
}

/// The image-scheme name of a feed's icon: new bytes get a new name, so the window never shows
/// a stale copy it cached, and two feeds never share one.
pub fn icon_token(feed_id: FeedId, data: &[u8]) -> String {
    let digest = hex::encode(&Sha256::digest(data)[..16]);
    image_token(&format!("feed-icon:{feed_id}:{digest}"))
}

/// Finds a feed's icon: the first candidate that is a raster picture, in the order this
/// module's doc gives. Gives up after [`LOOKUP_DEADLINE`].
pub async fn find_icon(
    fetcher: &Fetcher,
    sources: &IconSources,
    reach: Reach,
) -> Result<FoundIcon, IconError> {
    let feed_url = sources
        .feed_url
        .as_ref()
        .or(sources.site_url.as_ref())
        .map_or_else(String::new, Url::to_string);
    match tokio::time::timeout(LOOKUP_DEADLINE, search(fetcher, sources, reach)).await {
        Ok(result) => result,
        Err(_) => Err(IconError::TimedOut { feed_url }),
    }
}

async fn search(
    fetcher: &Fetcher,
    sources: &IconSources,
    reach: Reach,
) -> Result<FoundIcon, IconError> {
    let mut attempts = Attempts {
        fetcher,
        reach,
        tried: HashSet::new(),
        last_error: None,
    };
    if let Some(found) = attempts.first(sources.feed_icon.clone()).await {
        return Ok(found);
    }

    let home = sources
        .site_url
        .clone()
        .filter(is_web_url)
        .or_else(|| sources.feed_url.as_ref().and_then(|f| f.join("/").ok()));
    let page_icons = match (&sources.page_icons, &home) {
        (Some(links), _) => links.clone(),
        (None, Some(home)) => home_page_icons(fetcher, home, reach).await,
        (None, None) => Vec::new(),
    };
    if let Some(found) = attempts.first(page_icons).await {
        return Ok(found);
    }

    let favicons: Vec<Url> = [home.as_ref(), sources.feed_url.as_ref()]
        .into_iter()
        .flatten()
        .filter_map(|origin| origin.join("/favicon.ico").ok())
        .collect();
    if let Some(found) = attempts.first(favicons).await {
        return Ok(found);
    }
    Err(attempts
        .last_error
        .unwrap_or_else(|| IconError::NoCandidate {
            feed_url: sources
                .feed_url
                .as_ref()
                .map_or_else(String::new, Url::to_string),
        }))
}

/// The candidates tried so far in one search (each address at most once), and why the last
/// one failed.
struct Attempts<'a> {
    fetcher: &'a Fetcher,
    reach: Reach,
    tried: HashSet<Url>,
    last_error: Option<IconError>,
}

impl Attempts<'_> {
    /// The first of `urls` that gives an icon, skipping addresses tried before and any that
    /// are not http(s).
    async fn first(&mut self, urls: impl IntoIterator<Item = Url>) -> Option<FoundIcon> {
        for url in urls {
            if !is_web_url(&url) || !self.tried.insert(url.clone()) {
                continue;
            }
            match fetch_icon(self.fetcher, &url, self.reach).await {
                Ok(found) => return Some(found),
                Err(error) => self.last_error = Some(error),
            }
        }
        None
    }
}

/// The icon links of a site's home page; none if the page cannot be fetched.
async fn home_page_icons(fetcher: &Fetcher, home: &Url, reach: Reach) -> Vec<Url> {
    let request = FetchRequest {
        reach,
        ..FetchRequest::new(home, BodyKind::Page)
    };
    match fetcher.fetch(request).await {
        // Parsing a page is CPU work on outside input: off the async threads.
        Ok(FetchOutcome::Fetched(page)) => tokio::task::spawn_blocking(move || {
            icon_links(&String::from_utf8_lossy(&page.body), &page.final_url)
        })
        .await
        .unwrap_or_default(),
        Ok(FetchOutcome::NotModified { .. }) => Vec::new(),
        Err(error) => {
            tracing::debug!(url = %home, %error, "icon: home page not fetched");
            Vec::new()
        }
    }
}

async fn fetch_icon(fetcher: &Fetcher, url: &Url, reach: Reach) -> Result<FoundIcon, IconError> {
    let request = FetchRequest {
        reach,
        ..FetchRequest::new(url, BodyKind::Icon)
    };
    let fetched = match fetcher.fetch(request).await {
        Ok(FetchOutcome::Fetched(body)) => body,
        Ok(FetchOutcome::NotModified { .. }) => {
            return Err(IconError::NotAnImage {
                url: url.to_string(),
                looks_like: "a 304 answer to a plain request",
            })
        }
        Err(source) => {
            return Err(IconError::Fetch {
                url: url.to_string(),
                source,
            })
        }
    };
    let Some(sniffed) = sniff_image(&fetched.body) else {
        return Err(IconError::NotAnImage {
            url: url.to_string(),
            looks_like: describe_non_image(&fetched.body),
        });
    };
    Ok(FoundIcon {
        url: fetched.final_url,
        mime: sniffed.mime,
        data: fetched.body,
    })
}

/// The icons a page links to (`rel="icon"`, `"shortcut icon"`, then `apple-touch-icon`),
/// absolute http(s) URLs without SVG, best first: the smallest size of at least 32 pixels
/// (a 16-pixel icon on a 2x screen), then unsized ones, then smaller ones; document order
/// among equals. Only the page's `<head>` is parsed, and none that the complexity guard refuses.
pub fn icon_links(html: &str, page_url: &Url) -> Vec<Url> {
    let document = match parse_page(head_of(html)) {
        Ok(document) => document,
        Err(error) => {
            tracing::debug!(url = %page_url, %error, "icon: page refused");
            return Vec::new();
        }
    };
    let base = base_url(&document, page_url);

    // (is a touch icon, size rank, url)
    let mut found: Vec<(bool, (u8, u32), Url)> = Vec::new();
    for node in document.select("link[rel][href]").nodes() {
        let rel = node.attr("rel").unwrap_or_default().to_ascii_lowercase();
        let tokens: Vec<&str> = rel.split_ascii_whitespace().collect();
        let touch = tokens
            .iter()
            .any(|t| matches!(*t, "apple-touch-icon" | "apple-touch-icon-precomposed"));
        if !touch && !tokens.contains(&"icon") {
            continue;
        }
        let kind = node.attr("type").unwrap_or_default().to_ascii_lowercase();
        if kind.contains("svg") {
            continue;
        }
        let Some(url) = node.attr("href").and_then(|h| base.join(h.trim()).ok()) else {
            continue;
        };
        if !is_web_url(&url)
            || url.path().to_ascii_lowercase().ends_with(".svg")
            || found.iter().any(|(_, _, u)| *u == url)
        {
            continue;
        }
        let size = node.attr("sizes").and_then(|s| largest_size(&s));
        let rank = match size {
            Some(n) if n >= 32 => (0, n),
            None => (1, 0),
            Some(n) => (2, u32::MAX - n),
        };
        found.push((touch, rank, url));
    }
    found.sort_by_key(|(touch, rank, _)| (*touch, *rank));
    found.into_iter().map(|(_, _, url)| url).collect()
}

/// The largest `WxH` of a `sizes` attribute (`any` and nonsense count as unsized).
fn largest_size(sizes: &str) -> Option<u32> {
    sizes
        .split_ascii_whitespace()
        .filter_map(|s| {
            let (w, h) = s
                .to_ascii_lowercase()
                .split_once('x')
                .map(|(w, h)| (w.parse::<u32>().ok(), h.parse::<u32>().ok()))?;
            Some(w?.max(h?))
        })
        .max()
}

/// The page up to its `</head>` (at most [`HEAD_SEARCH_BYTES`]), so a huge or deeply nested
/// body never reaches the HTML parser.
fn head_of(html: &str) -> &str {
    let mut end = html.len().min(HEAD_SEARCH_BYTES);
    while !html.is_char_boundary(end) {
        end -= 1;
    }
    let window = &html[..end];
    let lower = window.to_ascii_lowercase();
    match lower.find("</head") {
        Some(at) => &window[..at],
        None => window,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn links(html: &str) -> Vec<String> {
        let page = Url::parse("https://news.example/section/page.html").unwrap();
        icon_links(html, &page)
            .into_iter()
            .map(|u| u.to_string())
            .collect()
    }

    #[test]
    fn icon_links_prefer_a_small_raster_icon_and_skip_svg_and_other_schemes() {
        let html = r#"<html><head>
            <link rel="apple-touch-icon" href="/apple-180.png" sizes="180x180">
            <link rel="icon" type="image/svg+xml" href="/icon.svg">
            <link rel="icon" href="/vector.SVG">
            <link rel="mask-icon" href="/mask.png">
            <link rel="shortcut icon" href="favicon-16.ico" sizes="16x16">
            <link rel="icon" href="/icon-192.png" sizes="192x192">
            <link rel="icon" href="/icon-32.png" sizes="32x32">
            <link rel="icon" href="javascript:alert(1)">
            <link rel="icon" href="data:image/png;base64,AAAA">
            <link rel="alternate" type="application/rss+xml" href="/feed.xml">
            </head><body><link rel="icon" href="/in-body.png"></body></html>"#;
        assert_eq!(
            links(html),
            [
                "https://news.example/icon-32.png",
                "https://news.example/icon-192.png",
                "https://news.example/section/favicon-16.ico",
                "https://news.example/apple-180.png",
            ]
        );
    }

    #[test]
    fn icon_links_honour_base_href_and_ignore_a_body_past_the_head() {
        let html =
            r#"<head><base href="https://cdn.example/s/"><link rel="icon" href="i.png"></head>"#;
        assert_eq!(links(html), ["https://cdn.example/s/i.png"]);
        // A deeply nested body after </head> is never parsed.
        let huge = format!(
            "<head><link rel=icon href=/a.png></head>{}",
            "<div>".repeat(200_000)
        );
        let started = std::time::Instant::now();
        assert_eq!(links(&huge), ["https://news.example/a.png"]);
        assert!(started.elapsed() < Duration::from_secs(1));
    }

    #[test]
    fn sizes_attribute_reads_the_largest_dimension() {
        assert_eq!(largest_size("16x16 32x32"), Some(32));
        assert_eq!(largest_size("any"), None);
        assert_eq!(largest_size("48X48"), Some(48));
        assert_eq!(largest_size("x"), None);
    }

    #[test]
    fn icon_tokens_differ_by_feed_and_by_bytes_and_look_like_image_tokens() {
        let a = icon_token(1, b"png");
        assert_eq!(a.len(), 32);
        assert!(a
            .bytes()
            .all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase()));
        assert_eq!(a, icon_token(1, b"png"));
        assert_ne!(a, icon_token(2, b"png"));
        assert_ne!(a, icon_token(1, b"ico"));
    }
}
