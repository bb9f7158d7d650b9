//! Finds the story in an article page: its text, its metadata and the links to related stories.
//!
//! This module owns turning one page's HTML into an [`ExtractedArticle`]. Only the
//! `<body>` is ever turned into the story; the `<head>` is read for metadata alone.
//! It must never fetch anything, never sanitize (the caller runs the one allowlist in
//! `sanitize` over `content_html`), and never parse HTML that
//! [`crate::sanitize::check_complexity`] refused. Relative URLs in the story resolve as a
//! browser resolves them: against the page's `<base href>` (http or https only), else the page.
//!
//! The extractor is dom_smoothie (a port of Mozilla's Readability), chosen by measuring it
//! on Readability's own test pages: see `examples/extract_corpus.rs`.

mod boilerplate;
mod charset;
mod pick;
mod related;

use crate::error_kind::ErrorKind;
use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use dom_query::{Document, NodeRef};
use dom_smoothie::{Config, ReadabilityError, TextMode};
use thiserror::Error;
use url::Url;

use crate::feed::base_url;
use crate::fetch::{is_web_url, join_web_url};
use crate::picture_rules::{is_tracking_pixel, reveal_lazy_picture, LazyLeftovers};
use crate::sanitize::{collapse_whitespace, parse_page, SanitizeError};

pub use charset::decode_html;
pub use related::{related_links, RelatedLink, MAX_RELATED};

/// More elements than this is no news page; Readability's scoring would only waste time on it.
const MAX_ELEMENTS: usize = 200_000;

/// The story found in a page, with what the page says about it.
#[derive(Debug, Clone, PartialEq)]
pub struct ExtractedArticle {
    /// The story's headline, from the page's metadata or its `<title>`.
    pub title: String,
    /// Who wrote it, as the page says.
    pub byline: Option<String>,
    /// When it was first published.
    pub published: Option<DateTime<Utc>>,
    /// The story's main picture, absolute and http(s) only.
    pub lead_image: Option<Url>,
    /// The publication's name.
    pub site_name: Option<String>,
    /// A short summary: the page's description, or the story's first paragraph.
    pub excerpt: Option<String>,
    /// The story's HTML, NOT sanitized, its URLs already absolute (resolved against the page's
    /// `<base href>` or address): the caller sanitizes it against the page URL.
    pub content_html: String,
    /// The story as plain text, paragraphs separated by blank lines.
    pub text: String,
    /// Links to other stories of the same site, best first.
    pub related: Vec<RelatedLink>,
}

/// Why no story could be taken from a page.
#[derive(Debug, Error, Clone, PartialEq, Eq)]
pub enum ExtractError {
    /// The page is bigger than the sanitizer's cap.
    #[error("page too large to extract: {url} ({bytes} bytes, limit {limit})")]
    TooLarge {
        url: String,
        bytes: usize,
        limit: usize,
    },
    /// The page is nested too deeply or has too many elements to parse in reasonable time.
    #[error("article too complex: {url}")]
    TooComplex { url: String },
    /// Nothing in the page looks like a story.
    #[error("no story found in {url}")]
    NoContent { url: String },
    /// The page's own URL is not http(s), so its relative links mean nothing.
    #[error("cannot extract a page whose URL is not http(s): {url}")]
    UnsupportedUrl { url: String },
}

impl ExtractError {
    /// A stable snake_case name for this error, for the UI and logs.
    pub fn kind(&self) -> ErrorKind {
        match self {
            ExtractError::TooLarge { .. } => ErrorKind::TooLarge,
            ExtractError::TooComplex { .. } => ErrorKind::TooComplex,
            ExtractError::NoContent { .. } => ErrorKind::NoContent,
            ExtractError::UnsupportedUrl { .. } => ErrorKind::UnsupportedUrl,
        }
    }

    fn from_sanitize(error: SanitizeError, url: &Url) -> Self {
        match error {
            SanitizeError::TooLarge { bytes, limit } => ExtractError::TooLarge {
                url: url.to_string(),
                bytes,
                limit,
            },
            SanitizeError::TooComplex => ExtractError::TooComplex {
                url: url.to_string(),
            },
        }
    }
}

/// Takes the story, its metadata and its related links out of an article page.
pub fn extract_article(html: &str, page_url: &Url) -> Result<ExtractedArticle, ExtractError> {
    if !is_web_url(page_url) {
        return Err(ExtractError::UnsupportedUrl {
            url: page_url.to_string(),
        });
    }
    let doc = parse_page(html).map_err(|e| ExtractError::from_sanitize(e, page_url))?;
    let base = base_url(&doc, page_url);
    // Related links are read from the page as published, before Readability rewrites it.
    let candidates = related::collect_candidates(&doc, page_url);
    // Readability would resolve against any `<base>` (a `javascript:` one too): it gets the
    // base checked above instead, and the element goes.
    doc.select("base").remove();
    let body_published = published_from_body(&doc);
    reveal_lazy_images(&doc);
    remove_tracking_pixels(&doc);
    remove_ad_slots(&doc);
    remove_embeds(&doc);
    // Readers' comments read like prose to Readability: they go before it scores the page.
    boilerplate::remove_comment_sections(&doc);
    boilerplate::remove_comment_threads(&doc);

    let config = Config {
        max_elements_to_parse: MAX_ELEMENTS,
        text_mode: TextMode::Formatted,
        ..Config::default()
    };
    let no_content = || ExtractError::NoContent {
        url: page_url.to_string(),
    };
    let (readability, article) =
        pick::pick_story(doc, base.as_str(), config).map_err(|e| match e {
            ReadabilityError::TooManyElements(found, limit) => {
                tracing::debug!(url = %page_url, found, limit, "page has too many elements");
                ExtractError::TooComplex {
                    url: page_url.to_string(),
                }
            }
            ReadabilityError::BadDocumentURL => ExtractError::UnsupportedUrl {
                url: page_url.to_string(),
            },
            ReadabilityError::GrabFailed => no_content(),
        })?;

    let text = article.text_content.trim().to_string();
    // Readability always returns its best attempt, even a menu: text that is all links is no story.
    if text.is_empty() || pick::link_share(&readability.doc) >= 1.0 {
        return Err(no_content());
    }
    let story_links = readability
        .doc
        .select("#readability-page-1 a[href]")
        .nodes()
        .iter()
        .filter_map(|a| a.attr("href"))
        .filter_map(|href| base.join(href.trim()).ok())
        .collect::<Vec<_>>();
    let lead_image = article
        .image
        .as_deref()
        .and_then(|src| join_web_url(&base, src))
        .or_else(|| first_story_image(&readability.doc, &base));
    let published = article
        .published_time
        .as_deref()
        .and_then(parse_date)
        .or(body_published);

    Ok(ExtractedArticle {
        title: article.title.trim().to_string(),
        byline: article
            .byline
            .map(|b| collapse_whitespace(&b))
            .filter(|b| !b.is_empty()),
        published,
        lead_image,
        site_name: article.site_name.filter(|s| !s.trim().is_empty()),
        excerpt: article.excerpt.filter(|s| !s.trim().is_empty()),
        content_html: article.content.to_string(),
        text,
        related: related::finish(candidates, page_url, &story_links),
    })
}

/// Lazy-loading pages put the real picture in `data-src` and a placeholder in `src`;
/// without this the story would keep only the placeholder (or lose the image).
fn reveal_lazy_images(doc: &Document) {
    for img in doc.select("body img").nodes() {
        // Readability reads the lazy attributes too: they stay for it.
        reveal_lazy_picture(img, LazyLeftovers::Keep);
    }
}

/// A tracking pixel is never part of the story ([`is_tracking_pixel`]: the sanitizer's rule).
fn remove_tracking_pixels(doc: &Document) {
    for img in doc.select("body img").nodes() {
        if is_tracking_pixel(img.attr("width").as_deref(), img.attr("height").as_deref()) {
            img.remove_from_parent();
        }
    }
}

/// Readability keeps an ad slot that sits between two paragraphs (its class names are not
/// on Readability's list), so slots named as ads, with little text, go first.
fn remove_ad_slots(doc: &Document) {
    const AD_WORDS: &[&str] = &[
        "ad",
        "ads",
        "adslot",
        "adunit",
        "advert",
        "adverts",
        "advertisement",
        "sponsored",
    ];
    for node in doc.select("body [class], body [id]").nodes() {
        if related::has_class_word(node, AD_WORDS)
            && node.text().trim().len() < 300
            && shows_something(node)
        {
            node.remove_from_parent();
        }
    }
}

/// Whether a block shows anything without its scripts: text, a picture or a frame. An empty ad
/// placeholder (a script that would fill it) stays for Readability, which empties it itself:
/// removing such placeholders moved Readability's pick to a page's footer (Dragnet's page 76).
fn shows_something(node: &NodeRef) -> bool {
    let block = dom_query::Selection::from(*node);
    solid_chars(&node.text()) > solid_chars_each(&block.select("script, style"))
        || block
            .select("img, picture, iframe, object, embed, video")
            .exists()
}

/// The characters a reader sees in `text`: whitespace, which layout adds, left out.
fn solid_chars(text: &str) -> usize {
    text.chars().filter(|c| !c.is_whitespace()).count()
}

/// [`solid_chars`] summed over the text of each element of `selection`.
fn solid_chars_each(selection: &dom_query::Selection) -> usize {
    selection
        .nodes()
        .iter()
        .map(|node| solid_chars(&node.text()))
        .sum()
}

/// Frames and plugins never reach a story (the sanitizer drops them), and dom_smoothie panics
/// on some of their addresses (a multi-byte character just before a video host such as
/// `youtube.com`), so Readability never sees them.
fn remove_embeds(doc: &Document) {
    for node in doc.select("body iframe, body embed, body object").nodes() {
        node.remove_from_parent();
    }
}

/// The date a page shows in its body, for pages without a published-time meta tag.
fn published_from_body(doc: &Document) -> Option<DateTime<Utc>> {
    let date_of = |node: &NodeRef| {
        node.attr("datetime")
            .or_else(|| node.attr("content"))
            .and_then(|v| parse_date(&v))
    };
    for selector in [
        "body [itemprop=datePublished]",
        "body time[pubdate]",
        "body article time[datetime]",
        "body main time[datetime]",
    ] {
        if let Some(date) = doc.select(selector).nodes().iter().find_map(date_of) {
            return Some(date);
        }
    }
    None
}

/// Reads the date formats pages use: RFC 3339, RFC 2822, and ISO dates without a zone (taken as UTC).
pub fn parse_date(s: &str) -> Option<DateTime<Utc>> {
    let s = s.trim();
    if let Ok(date) = DateTime::parse_from_rfc3339(s) {
        return Some(date.with_timezone(&Utc));
    }
    if let Ok(date) = DateTime::parse_from_rfc2822(s) {
        return Some(date.with_timezone(&Utc));
    }
    for format in ["%Y-%m-%dT%H:%M:%S%.f%z", "%Y-%m-%d %H:%M:%S%.f%z"] {
        if let Ok(date) = DateTime::parse_from_str(s, format) {
            return Some(date.with_timezone(&Utc));
        }
    }
    for format in [
        "%Y-%m-%dT%H:%M:%S%.f",
        "%Y-%m-%d %H:%M:%S%.f",
        "%Y-%m-%dT%H:%M",
    ] {
        if let Ok(date) = NaiveDateTime::parse_from_str(s, format) {
            return Some(date.and_utc());
        }
    }
    NaiveDate::parse_from_str(s.get(..10)?, "%Y-%m-%d")
        .ok()?
        .and_hms_opt(0, 0, 0)
        .map(|d| d.and_utc())
}

/// The story's first real picture, for pages without an `og:image`.
fn first_story_image(doc: &Document, page_url: &Url) -> Option<Url> {
    doc.select("#readability-page-1 img")
        .nodes()
        .iter()
        .filter_map(|img| img.attr("src"))
        .find_map(|src| join_web_url(page_url, &src))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parse_date_reads_the_formats_pages_use() {
        let expect = |s: &str, want: &str| {
            assert_eq!(
                parse_date(s).map(|d| d.to_rfc3339()),
                Some(want.to_string()),
                "{s}"
            );
        };
        expect("2024-09-02T08:30:00+08:00", "2024-09-02T00:30:00+00:00");
        expect("2024-09-02T08:30:00Z", "2024-09-02T08:30:00+00:00");
        expect("Mon, 02 Sep 2024 08:30:00 GMT", "2024-09-02T08:30:00+00:00");
        expect(
            "2024-09-02T08:30:00.123+0000",
            "2024-09-02T08:30:00.123+00:00",
        );
        expect("2024-09-02 08:30:00", "2024-09-02T08:30:00+00:00");
        expect("2024-09-02", "2024-09-02T00:00:00+00:00");
        assert_eq!(parse_date("last Tuesday"), None);
        assert_eq!(parse_date(""), None);
    }

    #[test]
    fn error_kinds_are_stable_and_messages_name_the_url() {
        let error = ExtractError::NoContent {
            url: "https://news.example/a".into(),
        };
        assert_eq!(error.kind(), "no_content");
        assert!(error.to_string().contains("https://news.example/a"));
        let url = Url::parse("https://news.example/b").unwrap();
        let error = ExtractError::from_sanitize(SanitizeError::TooComplex, &url);
        assert_eq!(error.kind(), "too_complex");
        assert_eq!(
            error.to_string(),
            "article too complex: https://news.example/b"
        );
    }

    #[test]
    fn a_page_url_that_is_not_http_is_refused() {
        let url = Url::parse("file:///etc/passwd").unwrap();
        let error = extract_article("<p>x</p>", &url).unwrap_err();
        assert_eq!(error.kind(), "unsupported_url");
    }

    /// A story page as lazy-loading sites write it: the real picture only in `data-src`,
    /// a 1×1 tracker and an ad slot between two paragraphs, and a refresh in the head.
    const LAZY_PAGE: &str = r#"<html><head><title>Harbour cranes move again</title>
        <meta http-equiv="refresh" content="0;url=https://evil.example/"></head><body><article>
        <h1>Harbour cranes move again</h1>
        <p>The cranes at the harbour started moving again on Sunday after three days of closure caused by the storm that crossed the coast, port officials said in a statement.</p>
        <figure><img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=" data-src="/img/cranes.jpg" data-srcset="/img/cranes-400.jpg 400w"></figure>
        <div class="ad-slot"><span>Advertisement</span><p>Buy a boat today</p></div>
        <p>Shipping agents said more than two hundred vessels had been waiting at anchor outside the breakwater, most of them carrying containers bound for ports across the region.</p>
        <img src="https://t.example/p.gif?uid=42" width="1" height="1">
        <p>Officials expect the backlog to ease within a week if the weather holds, although freight forwarders warned that schedules could slip for longer than that.</p>
        </article></body></html>"#;

    #[test]
    fn lazy_images_are_revealed_and_trackers_and_ads_dropped() {
        let url = Url::parse("https://news.example/2024/09/01/cranes.html").unwrap();
        let article = extract_article(LAZY_PAGE, &url).unwrap();
        let html = &article.content_html;
        assert!(html.contains("/img/cranes.jpg"), "{html}");
        assert!(html.contains("/img/cranes-400.jpg 400w"), "{html}");
        assert!(!html.contains("data:image"), "{html}");
        assert!(!html.contains("t.example"), "{html}");
        assert!(!article.text.contains("Advertisement"), "{}", article.text);
        assert!(!article.text.contains("Buy a boat"), "{}", article.text);
        assert!(
            !html.contains("evil.example") && !html.contains("refresh"),
            "{html}"
        );
        // No og:image: the story's first picture is the lead image.
        assert_eq!(
            article.lead_image.map(String::from).as_deref(),
            Some("https://news.example/img/cranes.jpg")
        );
        assert_eq!(article.title, "Harbour cranes move again");
    }

    /// One tracking-pixel rule for the extractor and the sanitizer: 1 px, so a 2×2 picture
    /// survives both (the extractor used to drop it and the sanitizer to keep it).
    #[test]
    fn the_extractor_and_the_sanitizer_agree_on_tracking_pixels() {
        let url = Url::parse("https://news.example/2024/09/01/cranes.html").unwrap();
        let page = LAZY_PAGE.replace(
            r#"<img src="https://t.example/p.gif?uid=42" width="1" height="1">"#,
            r#"<img src="https://t.example/p.gif?uid=42" width="1" height="1"><img src="https://news.example/img/dot.png" width="2" height="2">"#,
        );
        let article = extract_article(&page, &url).unwrap();
        let html = &article.content_html;
        assert!(!html.contains("t.example"), "{html}");
        assert!(html.contains("/img/dot.png"), "{html}");
        let clean = crate::sanitize::sanitize_article_html(html, &url).unwrap();
        assert!(clean.html.contains("/img/dot.png"), "{}", clean.html);
        let tracker = r#"<p>x</p><img src="https://t.example/p.gif" width="1" height="1">"#;
        let clean = crate::sanitize::sanitize_article_html(tracker, &url).unwrap();
        assert!(!clean.html.contains("t.example"), "{}", clean.html);
    }

    /// A script-only ad placeholder shows nothing: it stays for Readability (which empties it),
    /// while a slot that shows an advertisement goes.
    #[test]
    fn a_script_only_ad_placeholder_is_left_for_readability() {
        let doc = Document::from(
            r#"<html><body><div class="story">
            <div class="advert-placeholder"><script>render("advert", "leaderboard");</script></div>
            <div class="ad-slot"><span>Advertisement</span></div>
            <div class="ad-banner"><img src="/banner.png"></div>
            </div></body></html>"#,
        );
        remove_ad_slots(&doc);
        assert!(doc.select(".advert-placeholder").exists());
        assert!(!doc.select(".ad-slot").exists());
        assert!(!doc.select(".ad-banner").exists());
    }

    #[test]
    fn a_page_without_a_story_is_no_content() {
        let url = Url::parse("https://news.example/empty").unwrap();
        let error = extract_article(
            "<html><body><nav><a href=/>Home</a></nav></body></html>",
            &url,
        )
        .unwrap_err();
        assert_eq!(error.kind(), "no_content");
        assert!(error.to_string().contains("https://news.example/empty"));
    }

    /// A page that says `<base href>`: its relative links and pictures resolve against it, as
    /// in a browser, and the base itself resolves against the page's address.
    #[test]
    fn relative_urls_resolve_against_the_pages_base_href() {
        let url = Url::parse("https://news.example/2024/09/01/cranes.html").unwrap();
        let page = LAZY_PAGE
            .replace("<title>", r#"<base href="/static/story/"><title>"#)
            .replace(
                "<h1>Harbour",
                r#"<p>See <a href="more.html">the earlier report on the cranes</a> for the background of this story and its beginnings.</p><h1>Harbour"#,
            );
        let page = page.replace(
            "</article>",
            r#"</article><aside class="related"><h2>Related</h2><a href="harbour-strike-ends-after-long-talks">Harbour strike ends after long talks</a></aside>"#,
        );
        let article = extract_article(&page, &url).unwrap();
        let html = &article.content_html;
        assert!(
            html.contains("https://news.example/static/story/more.html"),
            "{html}"
        );
        assert!(!html.contains("<base"), "{html}");
        let related: Vec<String> = article.related.iter().map(|r| r.url.to_string()).collect();
        assert_eq!(
            related,
            ["https://news.example/static/story/harbour-strike-ends-after-long-talks"]
        );
    }

    /// A `<base>` that is not http(s) would turn every relative link into script or a file:
    /// it is ignored, and links resolve against the page's own address.
    #[test]
    fn a_base_href_that_is_not_http_is_ignored() {
        let url = Url::parse("https://news.example/2024/09/01/cranes.html").unwrap();
        let page = LAZY_PAGE
            .replace("<title>", r#"<base href="javascript:alert(1)//"><title>"#)
            .replace(
                "<h1>Harbour",
                r#"<p>See <a href="more.html">the earlier report on the cranes</a> for the background of this story and its beginnings.</p><h1>Harbour"#,
            );
        let article = extract_article(&page, &url).unwrap();
        let html = &article.content_html;
        assert!(!html.contains("javascript"), "{html}");
        assert!(
            html.contains("https://news.example/2024/09/01/more.html"),
            "{html}"
        );
    }

    #[test]
    fn a_lead_image_that_is_not_http_is_dropped() {
        let url = Url::parse("https://news.example/2024/09/01/cranes.html").unwrap();
        let page = LAZY_PAGE.replace(
            "<title>",
            r#"<meta property="og:image" content="javascript:alert(1)"><title>"#,
        );
        let article = extract_article(&page, &url).unwrap();
        // The javascript: og:image is refused; the story's own picture takes its place.
        assert_eq!(
            article.lead_image.map(String::from).as_deref(),
            Some("https://news.example/img/cranes.jpg")
        );
    }
}
