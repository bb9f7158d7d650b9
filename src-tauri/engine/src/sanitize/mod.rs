//! The one HTML allowlist. Everything stored passes through here first.
//!
//! This module owns the ammonia configuration (tags, attributes, URL schemes,
//! `srcset` rebuilding, lazy-image promotion, tracking-pixel removal) in this file, the
//! pre-parse complexity guard that keeps html5ever away from pathological input
//! (`complexity`), and the plain-text views (search text, excerpts) of sanitized HTML
//! (`text`). What a srcset, a lazy picture or a tracking pixel is comes from
//! [`crate::picture_rules`], which the extractor applies too.
//!
//! It must never let through an element or attribute that can run script,
//! load a frame or stylesheet, submit a form, or point at a URL whose scheme is
//! not http, https (or mailto for links); and it must never leave a relative URL,
//! since the webview would resolve it against the app's own origin.

mod complexity;
mod text;

use std::borrow::Cow;
use std::collections::{HashMap, HashSet};
use std::io;

use ammonia::{Builder, UrlRelative};
use dom_query::{Document, Matcher, SerializableNodeRef};
use html5ever::serialize::{SerializeOpts, TraversalScope};
use thiserror::Error;
use url::Url;

use crate::fetch::is_web_url;
use crate::picture_rules::{
    is_tracking_pixel, parse_srcset, reveal_lazy_picture, LazyLeftovers, LAZY_SRCSET_ATTRIBUTES,
    LAZY_SRC_ATTRIBUTES,
};

pub use complexity::{
    check_complexity, parse_fragment, parse_page, parse_stored_fragment, MAX_ATTRIBUTES_PER_TAG,
    MAX_HTML_BYTES, MAX_OPEN_ELEMENTS,
};
pub use text::{collapse_whitespace, escape_html, excerpt, html_to_text, text_without_tags};

/// Why a piece of HTML was refused before parsing.
#[derive(Debug, Error, Clone, PartialEq, Eq)]
pub enum SanitizeError {
    /// The input is bigger than the caller's cap.
    #[error("article too large ({bytes} bytes, limit {limit})")]
    TooLarge { bytes: usize, limit: usize },
    /// Too deeply nested, or too many attributes: parsing it would take too long.
    #[error("article too complex")]
    TooComplex,
}

impl SanitizeError {
    /// A stable, snake_case name for this error, for the UI and logs.
    pub fn kind(&self) -> &'static str {
        match self {
            SanitizeError::TooLarge { .. } => "too_large",
            SanitizeError::TooComplex => "too_complex",
        }
    }
}

/// Sanitized article HTML, the images it shows and its plain text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SanitizedHtml {
    /// The sanitized HTML fragment; every URL in it is absolute.
    pub html: String,
    /// Every `img` src and srcset candidate and `source` srcset, absolute http(s), in document order, without duplicates.
    pub images: Vec<Url>,
    /// The plain text of `html`, as [`html_to_text`] gives it (read from the tree already
    /// parsed, not parsed again).
    pub text: String,
}

/// Tags a story needs. Anything else is unwrapped (its text kept) or, if listed in
/// `CONTENT_DROPPED_TAGS`, removed with its content.
#[rustfmt::skip]
const ALLOWED_TAGS: &[&str] = &[
    "p", "h1", "h2", "h3", "h4", "h5", "h6", "a", "img", "picture", "source", "figure",
    "figcaption", "blockquote", "q", "cite", "ul", "ol", "li", "dl", "dt", "dd", "table",
    "caption", "colgroup", "col", "thead", "tbody", "tfoot", "tr", "td", "th", "pre", "code",
    "em", "strong", "b", "i", "u", "s", "sub", "sup", "small", "mark", "abbr", "time", "br",
    "hr", "span", "div", "section", "article", "header", "footer", "aside", "details",
    "summary", "video", "audio", "track", "del", "ins", "kbd", "samp", "var", "ruby", "rt",
    "rp", "wbr",
];

/// Tags whose content must not show as text either (code, styles, hidden or foreign content).
const CONTENT_DROPPED_TAGS: &[&str] = &[
    "script", "style", "template", "noscript", "svg", "math", "iframe", "frame", "frameset",
    "object", "textarea", "select", "title", "noembed", "noframes",
];

/// Attributes allowed on every allowed tag.
const GENERIC_ATTRIBUTES: &[&str] = &["title", "lang", "dir"];

/// Per-tag attributes. No `style`, `on*`, `class` or `id` anywhere: ids would let
/// content shadow the app's own elements. The lazy-loading attributes of `img` and `source`
/// ([`LAZY_SRC_ATTRIBUTES`], [`LAZY_SRCSET_ATTRIBUTES`]) are added to these, checked as URLs,
/// and gone once the picture is revealed.
const TAG_ATTRIBUTES: &[(&str, &[&str])] = &[
    ("a", &["href", "hreflang"]),
    (
        "img",
        &[
            "src", "srcset", "sizes", "alt", "width", "height", "loading", "decoding",
        ],
    ),
    (
        "source",
        &["src", "srcset", "sizes", "media", "type", "width", "height"],
    ),
    (
        "video",
        &[
            "src",
            "poster",
            "controls",
            "width",
            "height",
            "loop",
            "muted",
            "playsinline",
            "preload",
        ],
    ),
    ("audio", &["src", "controls", "loop", "muted", "preload"]),
    ("track", &["src", "kind", "srclang", "label", "default"]),
    ("blockquote", &["cite"]),
    ("q", &["cite"]),
    ("del", &["cite", "datetime"]),
    ("ins", &["cite", "datetime"]),
    ("time", &["datetime"]),
    ("td", &["colspan", "rowspan", "headers"]),
    ("th", &["colspan", "rowspan", "headers", "scope", "abbr"]),
    ("col", &["span"]),
    ("colgroup", &["span"]),
    ("ol", &["start", "reversed", "type"]),
    ("li", &["value"]),
    ("details", &["open"]),
];

/// Sanitizes article HTML with the one allowlist, resolving every URL against `base` (the article's URL).
pub fn sanitize_article_html(html: &str, base: &Url) -> Result<SanitizedHtml, SanitizeError> {
    check_complexity(html)?;
    // A non-http(s) base (javascript:, data:, file:) must never prefix anything:
    // relative URLs are then dropped rather than resolved.
    let web_base = is_web_url(base).then(|| base.clone());
    if web_base.is_none() {
        tracing::warn!(base = %base, "sanitize: non-http(s) base, relative URLs dropped");
    }
    let base = web_base;
    let (cleaned, doc) = with_allowlist(base.as_ref(), |allowlist| {
        clean_to_fixed_point(allowlist, html)
    });
    let (html, images) = if !cleaned.contains("<img") && !cleaned.contains("<source") {
        (cleaned, Vec::new())
    } else {
        finish_images(&doc, base.as_ref(), cleaned)
    };
    Ok(SanitizedHtml {
        html,
        images,
        text: text::tree_text(&doc),
    })
}

/// Passes of the allowlist before settling for the last output (two always suffice in practice).
const MAX_CLEAN_PASSES: usize = 4;

/// `html` cleaned, again until a parse of the output gives back what the allowlist produced
/// (INV-2), with that parse. html5ever can build a tree whose serialization parses into
/// another one (the adoption agency, reopening a misnested `<a>` around a block, leaves an
/// `<h3>` inside an `<h3>`); stored as is, the webview would render a tree the allowlist
/// never saw. When the parse serializes to the output, it is the allowlist's own tree, and
/// the views made next (pictures, text) read it instead of parsing again: checking by a
/// second cleaning cost a parse more (BENCHMARKS.md, "First import", 2026-11-30).
fn clean_to_fixed_point(allowlist: &Builder, html: &str) -> (String, Document) {
    let mut cleaned = cleaned_html(allowlist, html);
    let mut doc = Document::fragment(cleaned.as_str());
    for _ in 1..MAX_CLEAN_PASSES {
        if serializes_to(&doc, &cleaned) {
            break;
        }
        cleaned = cleaned_html(allowlist, &cleaned);
        doc = Document::fragment(cleaned.as_str());
    }
    (cleaned, doc)
}

/// `html` through the allowlist, serialized straight into the string returned (ammonia's
/// `to_string` serializes into a buffer of its own, then checks and copies it).
fn cleaned_html(allowlist: &Builder, html: &str) -> String {
    let mut out = Vec::with_capacity(html.len() + html.len() / 4);
    // Writing to a vector fails only when memory does, and html5ever writes only UTF-8.
    match allowlist.clean(html).write_to(&mut out) {
        Ok(()) => String::from_utf8(out).unwrap_or_default(),
        Err(_) => String::new(),
    }
}

/// The HTML of a parsed fragment (one from [`parse_stored_fragment`] or `Document::fragment`),
/// as it would be stored: the children of the synthetic `<html>` the fragment parses into.
/// Empty if serializing fails, never a panic (dom_query's `inner_html` panics then).
pub(crate) fn fragment_html(doc: &Document) -> String {
    let mut out = Vec::new();
    match serialize_fragment(doc, &mut out) {
        Ok(()) => String::from_utf8(out).unwrap_or_default(),
        Err(_) => String::new(),
    }
}

/// Whether a parsed fragment's HTML ([`fragment_html`]) is `expected`, compared as it is
/// written: nothing is kept, and the first difference ends the writing.
fn serializes_to(doc: &Document, expected: &str) -> bool {
    struct Compare<'a>(&'a [u8]);
    impl io::Write for Compare<'_> {
        fn write(&mut self, written: &[u8]) -> io::Result<usize> {
            match self.0.strip_prefix(written) {
                Some(rest) => {
                    self.0 = rest;
                    Ok(written.len())
                }
                None => Err(io::ErrorKind::InvalidData.into()),
            }
        }
        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }
    let mut compare = Compare(expected.as_bytes());
    serialize_fragment(doc, &mut compare).is_ok() && compare.0.is_empty()
}

/// Writes a parsed fragment's HTML (see [`fragment_html`]) to `out`.
fn serialize_fragment(doc: &Document, out: &mut impl io::Write) -> io::Result<()> {
    let root: SerializableNodeRef = doc.html_root().into();
    let options = SerializeOpts {
        scripting_enabled: false,
        create_missing_parent: false,
        traversal_scope: TraversalScope::ChildrenOnly(None),
    };
    html5ever::serialize::serialize(out, &root, options)
}

thread_local! {
    /// The base the allowlist of this thread resolves against while it cleans (set by
    /// [`with_allowlist`] around each use): the allowlist is built once per thread, not once
    /// per story (building it was 4% of a first import), so its base cannot be built in.
    static CLEANING_BASE: std::cell::RefCell<Option<Url>> = const { std::cell::RefCell::new(None) };
    /// The allowlist for stories with an http(s) base, relative URLs resolved against it.
    static WEB_ALLOWLIST: Builder<'static> = allowlist(true);
    /// The allowlist for stories without one, relative URLs dropped.
    static BASELESS_ALLOWLIST: Builder<'static> = allowlist(false);
}

/// Runs `f` with the allowlist for `base` (an http(s) URL, or none), resolving against it.
fn with_allowlist<T>(base: Option<&Url>, f: impl FnOnce(&Builder<'static>) -> T) -> T {
    match base {
        Some(base) => {
            let previous = CLEANING_BASE.with_borrow_mut(|b| b.replace(base.clone()));
            let out = WEB_ALLOWLIST.with(f);
            CLEANING_BASE.with_borrow_mut(|b| *b = previous);
            out
        }
        None => BASELESS_ALLOWLIST.with(f),
    }
}

/// `f` of the base the allowlist resolves against now: none outside [`with_allowlist`].
fn with_cleaning_base<T>(f: impl FnOnce(Option<&Url>) -> T) -> T {
    CLEANING_BASE.with_borrow(|base| f(base.as_ref()))
}

/// The ammonia configuration: every option set explicitly, nothing left to defaults. With
/// `web_base`, relative URLs are resolved against the base [`with_allowlist`] sets (as
/// `UrlRelative::RewriteWithBase` would); without, they are dropped.
fn allowlist(web_base: bool) -> Builder<'static> {
    let mut builder = Builder::default();
    let mut tag_attributes: HashMap<&'static str, HashSet<&'static str>> = TAG_ATTRIBUTES
        .iter()
        .map(|(tag, attrs)| (*tag, attrs.iter().copied().collect()))
        .collect();
    for (tag, lazy) in [
        ("img", LAZY_SRC_ATTRIBUTES),
        ("img", LAZY_SRCSET_ATTRIBUTES),
        ("source", LAZY_SRCSET_ATTRIBUTES),
    ] {
        tag_attributes.entry(tag).or_default().extend(lazy);
    }
    builder
        .tags(ALLOWED_TAGS.iter().copied().collect())
        .clean_content_tags(CONTENT_DROPPED_TAGS.iter().copied().collect())
        .generic_attributes(GENERIC_ATTRIBUTES.iter().copied().collect())
        .generic_attribute_prefixes(HashSet::new())
        .tag_attributes(tag_attributes)
        .tag_attribute_values(HashMap::new())
        .set_tag_attribute_values(HashMap::new())
        .allowed_classes(HashMap::new())
        .url_schemes(["http", "https", "mailto"].into_iter().collect())
        .link_rel(Some("noopener noreferrer nofollow"))
        .strip_comments(true)
        .id_prefix(None);
    if web_base {
        builder.url_relative(UrlRelative::Custom(Box::new(resolve_against_cleaning_base)));
        builder.attribute_filter(|_element, attribute, value| {
            with_cleaning_base(|base| filter_url_attribute(attribute, value, base))
        });
    } else {
        builder.url_relative(UrlRelative::Deny);
        builder.attribute_filter(|_element, attribute, value| {
            filter_url_attribute(attribute, value, None)
        });
    }
    builder
}

/// A relative URL resolved against the allowlist's base, as `UrlRelative::RewriteWithBase`
/// resolves: the base is http(s), so is what it gives.
fn resolve_against_cleaning_base(url: &str) -> Option<Cow<'_, str>> {
    with_cleaning_base(|base| base?.join(url).ok()).map(|url| Cow::Owned(String::from(url)))
}

/// Checks the URL-bearing attributes ammonia does not check itself (`srcset`, `cite`,
/// the lazy-loading `data-*` ones): resolved against the base, kept only if http(s).
fn filter_url_attribute<'u>(
    attribute: &str,
    value: &'u str,
    base: Option<&Url>,
) -> Option<Cow<'u, str>> {
    if attribute == "srcset" || LAZY_SRCSET_ATTRIBUTES.contains(&attribute) {
        let rebuilt = rebuild_srcset(value, base);
        (!rebuilt.is_empty()).then_some(Cow::Owned(rebuilt))
    } else if attribute == "cite" || LAZY_SRC_ATTRIBUTES.contains(&attribute) {
        resolve_web_url(value, base).map(|url| Cow::Owned(url.into()))
    } else {
        Some(Cow::Borrowed(value))
    }
}

/// Resolves `value` against `base` and keeps it only if it is an http(s) URL.
fn resolve_web_url(value: &str, base: Option<&Url>) -> Option<Url> {
    let url = match base {
        Some(base) => base.join(value).ok()?,
        None => Url::parse(value).ok()?,
    };
    is_web_url(&url).then_some(url)
}

/// True for an empty descriptor or one `<number>w`, `<number>x` or `<number>h` token.
fn is_valid_descriptor(descriptor: &str) -> bool {
    if descriptor.is_empty() {
        return true;
    }
    let Some(unit) = descriptor.chars().last() else {
        return false;
    };
    let number = &descriptor[..descriptor.len() - unit.len_utf8()];
    matches!(unit, 'w' | 'x' | 'h')
        && !number.is_empty()
        && number
            .parse::<f64>()
            .is_ok_and(|n| n.is_finite() && n > 0.0)
}

/// Rebuilds a `srcset` from its valid http(s) candidates, each resolved to an absolute URL.
fn rebuild_srcset(value: &str, base: Option<&Url>) -> String {
    let mut rebuilt = String::new();
    for candidate in parse_srcset(value) {
        if !is_valid_descriptor(candidate.descriptor) {
            continue;
        }
        let Some(url) = resolve_web_url(candidate.url, base) else {
            continue;
        };
        let mut url = String::from(url);
        // A URL ending in a comma would lose it when the srcset is parsed again.
        if url.ends_with(',') {
            url.truncate(url.len() - 1);
            url.push_str("%2C");
        }
        if !rebuilt.is_empty() {
            rebuilt.push_str(", ");
        }
        rebuilt.push_str(&url);
        if !candidate.descriptor.is_empty() {
            rebuilt.push(' ');
            rebuilt.push_str(candidate.descriptor);
        }
    }
    rebuilt
}

/// The pictures' pass over the sanitized tree (`doc`, which holds images and serializes to
/// `cleaned`): promotes lazy-loading URLs, drops tracking pixels and empty images, strips the
/// `data-*` leftovers, and collects the image URLs; gives the HTML it leaves (`cleaned` itself
/// when it changed nothing: serializing the tree again took 1.5 µs of a farm story's 21.4 µs
/// of sanitizing). All URLs it reads were already checked by the filter.
fn finish_images(doc: &Document, base: Option<&Url>, cleaned: String) -> (String, Vec<Url>) {
    thread_local! {
        static PICTURES: Matcher = Matcher::new("img, source").expect("a valid selector");
    }
    let mut images = ImageList::default();
    let mut changed = false;
    let pictures = PICTURES.with(|pictures| doc.select_matcher(pictures));
    for node in pictures.nodes() {
        let is_img = node.has_name("img");
        if is_img
            && is_tracking_pixel(
                node.attr("width").as_deref(),
                node.attr("height").as_deref(),
            )
        {
            node.remove_from_parent();
            changed = true;
            continue;
        }
        let lazy = (LAZY_SRC_ATTRIBUTES.iter())
            .chain(LAZY_SRCSET_ATTRIBUTES)
            .any(|name| node.has_attr(name));
        if lazy {
            reveal_lazy_picture(node, LazyLeftovers::Drop);
            changed = true;
        }
        let src = node.attr("src");
        let srcset = node.attr("srcset");
        if is_img && src.is_none() && srcset.is_none() {
            node.remove_from_parent();
            changed = true;
            continue;
        }
        if is_img {
            if let Some(src) = src {
                images.push(resolve_web_url(&src, base));
            }
        }
        if let Some(srcset) = srcset {
            for candidate in parse_srcset(&srcset) {
                images.push(resolve_web_url(candidate.url, base));
            }
        }
    }
    let html = if changed { fragment_html(doc) } else { cleaned };
    (html, images.urls)
}

/// Image URLs in first-seen order, without duplicates.
#[derive(Default)]
struct ImageList {
    urls: Vec<Url>,
    seen: HashSet<Url>,
}

impl ImageList {
    fn push(&mut self, url: Option<Url>) {
        if let Some(url) = url {
            if self.seen.insert(url.clone()) {
                self.urls.push(url);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_parsed_fragment_serializes_to_its_own_html_and_to_nothing_shorter_longer_or_else() {
        let doc = Document::fragment("<p>One <em>two</em></p><p>three &amp; four</p>");
        let html = fragment_html(&doc);
        assert_eq!(html, "<p>One <em>two</em></p><p>three &amp; four</p>");
        assert!(serializes_to(&doc, &html));
        assert!(!serializes_to(&doc, &html[..html.len() - 1]));
        assert!(!serializes_to(&doc, &format!("{html} ")));
        assert!(!serializes_to(&doc, &html.replace("two", "tw0")));
        assert!(!serializes_to(&doc, ""));
    }
}
