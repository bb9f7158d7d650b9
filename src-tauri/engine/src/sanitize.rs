//! The one HTML allowlist. Everything stored passes through here first.
//!
//! This module owns the ammonia configuration (tags, attributes, URL schemes,
//! `srcset` rebuilding, lazy-image promotion, tracking-pixel removal), the
//! pre-parse complexity guard that keeps html5ever away from pathological input,
//! and the plain-text views (search text, excerpts) of sanitized HTML.
//!
//! It must never let through an element or attribute that can run script,
//! load a frame or stylesheet, submit a form, or point at a URL whose scheme is
//! not http, https (or mailto for links); and it must never leave a relative URL,
//! since the webview would resolve it against the app's own origin.

use crate::error_kind::ErrorKind;
use std::borrow::Cow;
use std::collections::{HashMap, HashSet};

use ammonia::{Builder, UrlRelative};
use dom_query::{Document, NodeRef};
use thiserror::Error;
use url::Url;

/// Largest article HTML accepted, in bytes; larger input is refused unparsed.
pub const MAX_HTML_BYTES: usize = 5 * 1024 * 1024;

/// Most elements open at once that the complexity guard accepts; news pages stay under 60.
pub const MAX_OPEN_ELEMENTS: usize = 256;

/// Most attributes on one tag that the complexity guard accepts.
pub const MAX_ATTRIBUTES_PER_TAG: usize = 512;

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
    pub fn kind(&self) -> ErrorKind {
        match self {
            SanitizeError::TooLarge { .. } => ErrorKind::TooLarge,
            SanitizeError::TooComplex => ErrorKind::TooComplex,
        }
    }
}

/// Sanitized article HTML and the images it shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SanitizedHtml {
    /// The sanitized HTML fragment; every URL in it is absolute.
    pub html: String,
    /// Every `img` src and srcset candidate and `source` srcset, absolute http(s), in document order, without duplicates.
    pub images: Vec<Url>,
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

/// Lazy-loading attributes that carry an image's real URL until a script swaps it in.
const LAZY_SRC_ATTRIBUTES: &[&str] = &["data-src", "data-lazy-src", "data-original"];

/// Per-tag attributes. No `style`, `on*`, `class` or `id` anywhere: ids would let
/// content shadow the app's own elements.
const TAG_ATTRIBUTES: &[(&str, &[&str])] = &[
    ("a", &["href", "hreflang"]),
    (
        "img",
        &[
            "src",
            "srcset",
            "sizes",
            "alt",
            "width",
            "height",
            "loading",
            "decoding",
            "data-src",
            "data-srcset",
            "data-lazy-src",
            "data-original",
        ],
    ),
    (
        "source",
        &[
            "src",
            "srcset",
            "sizes",
            "media",
            "type",
            "width",
            "height",
            "data-srcset",
        ],
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
    let web_base = matches!(base.scheme(), "http" | "https").then(|| base.clone());
    if web_base.is_none() {
        tracing::warn!(base = %base, "sanitize: non-http(s) base, relative URLs dropped");
    }
    let base = web_base;
    let cleaned = allowlist(base.clone()).clean(html).to_string();
    if !cleaned.contains("<img") && !cleaned.contains("<source") {
        return Ok(SanitizedHtml {
            html: cleaned,
            images: Vec::new(),
        });
    }
    Ok(finish_images(&cleaned, base.as_ref()))
}

/// The ammonia configuration: every option set explicitly, nothing left to defaults.
fn allowlist(base: Option<Url>) -> Builder<'static> {
    let mut builder = Builder::default();
    let tag_attributes: HashMap<&'static str, HashSet<&'static str>> = TAG_ATTRIBUTES
        .iter()
        .map(|(tag, attrs)| (*tag, attrs.iter().copied().collect()))
        .collect();
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
    match base.clone() {
        Some(base) => builder.url_relative(UrlRelative::RewriteWithBase(base)),
        None => builder.url_relative(UrlRelative::Deny),
    };
    builder.attribute_filter(move |_element, attribute, value| {
        filter_url_attribute(attribute, value, base.as_ref())
    });
    builder
}

/// Checks the URL-bearing attributes ammonia does not check itself (`srcset`, `cite`,
/// the lazy-loading `data-*` ones): resolved against the base, kept only if http(s).
fn filter_url_attribute<'u>(
    attribute: &str,
    value: &'u str,
    base: Option<&Url>,
) -> Option<Cow<'u, str>> {
    match attribute {
        "srcset" | "data-srcset" => {
            let rebuilt = rebuild_srcset(value, base);
            (!rebuilt.is_empty()).then_some(Cow::Owned(rebuilt))
        }
        "cite" | "data-src" | "data-lazy-src" | "data-original" => {
            resolve_web_url(value, base).map(|url| Cow::Owned(url.into()))
        }
        _ => Some(Cow::Borrowed(value)),
    }
}

/// Resolves `value` against `base` and keeps it only if it is an http(s) URL.
fn resolve_web_url(value: &str, base: Option<&Url>) -> Option<Url> {
    let url = match base {
        Some(base) => base.join(value).ok()?,
        None => Url::parse(value).ok()?,
    };
    matches!(url.scheme(), "http" | "https").then_some(url)
}

/// One `srcset` candidate: a URL and its optional width/density descriptor.
struct SrcsetCandidate<'s> {
    url: &'s str,
    descriptor: &'s str,
}

/// Splits a `srcset` value into candidates the way the HTML standard's parser does
/// (URLs may contain commas; a trailing comma ends a URL).
fn parse_srcset(value: &str) -> Vec<SrcsetCandidate<'_>> {
    let bytes = value.as_bytes();
    let mut candidates = Vec::new();
    let mut i = 0;
    loop {
        while i < bytes.len() && (bytes[i].is_ascii_whitespace() || bytes[i] == b',') {
            i += 1;
        }
        if i >= bytes.len() {
            return candidates;
        }
        let url_start = i;
        while i < bytes.len() && !bytes[i].is_ascii_whitespace() {
            i += 1;
        }
        let mut url_end = i;
        if bytes[url_end - 1] == b',' {
            while url_end > url_start && bytes[url_end - 1] == b',' {
                url_end -= 1;
            }
            candidates.push(SrcsetCandidate {
                url: &value[url_start..url_end],
                descriptor: "",
            });
            continue;
        }
        let descriptor_start = i;
        let mut in_parens = false;
        while i < bytes.len() {
            match bytes[i] {
                b'(' => in_parens = true,
                b')' => in_parens = false,
                b',' if !in_parens => break,
                _ => {}
            }
            i += 1;
        }
        candidates.push(SrcsetCandidate {
            url: &value[url_start..url_end],
            descriptor: value[descriptor_start..i].trim(),
        });
    }
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

/// Second pass over sanitized HTML that holds images: promotes lazy-loading URLs,
/// drops tracking pixels and empty images, strips the `data-*` leftovers, and
/// collects the image URLs. All URLs it reads were already checked by the filter.
fn finish_images(cleaned: &str, base: Option<&Url>) -> SanitizedHtml {
    let doc = Document::fragment(cleaned);
    let mut images = ImageList::default();
    for node in doc.select("img, source").nodes() {
        let is_img = node.node_name().is_some_and(|name| &*name == "img");
        if is_img && is_tracking_pixel(node) {
            node.remove_from_parent();
            continue;
        }
        let lazy_src = LAZY_SRC_ATTRIBUTES.iter().find_map(|name| node.attr(name));
        let lazy_srcset = node.attr("data-srcset");
        let src_is_stand_in = node.attr("src").is_none_or(|src| is_placeholder_src(&src));
        if is_img && src_is_stand_in {
            if let Some(lazy) = &lazy_src {
                node.set_attr("src", lazy);
            } else if lazy_srcset.is_some() {
                // The placeholder would be downloaded and shown for nothing: srcset has the image.
                node.remove_attr("src");
            }
        }
        if node.attr("srcset").is_none() {
            if let Some(lazy) = &lazy_srcset {
                node.set_attr("srcset", lazy);
            }
        }
        node.remove_attrs(&["data-src", "data-srcset", "data-lazy-src", "data-original"]);
        let src = node.attr("src");
        let srcset = node.attr("srcset");
        if is_img && src.is_none() && srcset.is_none() {
            node.remove_from_parent();
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
    let html = doc
        .html_root()
        .try_inner_html()
        .map(|html| html.to_string())
        .unwrap_or_default();
    SanitizedHtml {
        html,
        images: images.urls,
    }
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

/// A 1×1 (or 0-sized) image exists to track the reader, not to be seen.
fn is_tracking_pixel(node: &NodeRef) -> bool {
    let size = |name: &str| {
        node.attr(name).and_then(|value| {
            value
                .trim()
                .trim_end_matches("px")
                .trim()
                .parse::<f64>()
                .ok()
        })
    };
    match (size("width"), size("height")) {
        (Some(0.0), _) | (_, Some(0.0)) => true,
        (Some(w), Some(h)) => w <= 1.0 && h <= 1.0,
        _ => false,
    }
}

/// A `src` that only holds the place of a lazy-loaded image (blank or spacer gifs and the like).
fn is_placeholder_src(src: &str) -> bool {
    let lower = src.to_ascii_lowercase();
    let path = lower.split(['?', '#']).next().unwrap_or_default();
    let file = path.rsplit('/').next().unwrap_or_default();
    file.ends_with(".gif")
        || [
            "placeholder",
            "blank",
            "spacer",
            "transparent",
            "1x1",
            "lazy",
            "pixel",
        ]
        .iter()
        .any(|word| file.contains(word))
}

/// Plain text of HTML, whitespace collapsed, block elements separated by newlines: for search
/// and excerpts. Any HTML will do (the output is text, never markup): the content of scripts,
/// styles and the like is dropped, and input that fails the complexity guard gives "".
pub fn html_to_text(html: &str) -> String {
    if let Err(error) = check_complexity(html) {
        tracing::warn!(%error, "html_to_text: refused input");
        return String::new();
    }
    let doc = Document::fragment(html);
    let mut text = TextBuilder::default();
    // An explicit stack, not recursion: the input may nest up to the guard's limit.
    let mut stack: Vec<(NodeRef, bool)> = vec![(doc.html_root(), false)];
    while let Some((node, leaving)) = stack.pop() {
        if leaving {
            text.block_boundary();
            continue;
        }
        if node.is_text() {
            text.push_text(&node.text());
            continue;
        }
        if !node.is_element() {
            continue;
        }
        let name = node.node_name().unwrap_or_default();
        if CONTENT_DROPPED_TAGS.contains(&&*name) {
            continue;
        }
        if &*name == "br" {
            text.block_boundary();
            continue;
        }
        let block = is_block_element(&name);
        if block {
            text.block_boundary();
            stack.push((node, true));
        }
        let children: Vec<NodeRef> = node.children_it(true).collect();
        stack.extend(children.into_iter().map(|child| (child, false)));
    }
    text.finish()
}

fn is_block_element(name: &str) -> bool {
    matches!(
        name,
        "p" | "h1"
            | "h2"
            | "h3"
            | "h4"
            | "h5"
            | "h6"
            | "div"
            | "section"
            | "article"
            | "header"
            | "footer"
            | "aside"
            | "blockquote"
            | "figure"
            | "figcaption"
            | "ul"
            | "ol"
            | "li"
            | "dl"
            | "dt"
            | "dd"
            | "table"
            | "caption"
            | "tr"
            | "td"
            | "th"
            | "pre"
            | "hr"
            | "details"
            | "summary"
            | "video"
            | "audio"
            | "picture"
            | "main"
            | "nav"
            | "address"
    )
}

/// Accumulates text with whitespace collapsed and at most one newline between blocks.
#[derive(Default)]
struct TextBuilder {
    out: String,
    pending_space: bool,
    pending_newline: bool,
}

impl TextBuilder {
    fn push_text(&mut self, text: &str) {
        for word_or_space in text.split_inclusive(char::is_whitespace) {
            let word = word_or_space.trim_end_matches(char::is_whitespace);
            if !word.is_empty() {
                if !self.out.is_empty() {
                    if self.pending_newline {
                        self.out.push('\n');
                    } else if self.pending_space {
                        self.out.push(' ');
                    }
                }
                self.pending_newline = false;
                self.pending_space = false;
                self.out.push_str(word);
            }
            if word.len() != word_or_space.len() {
                self.pending_space = true;
            }
        }
    }

    fn block_boundary(&mut self) {
        self.pending_newline = true;
    }

    fn finish(self) -> String {
        self.out
    }
}

/// An excerpt: the first ~`max_chars` characters of text, cut at a word boundary, with "…" when cut.
pub fn excerpt(text: &str, max_chars: usize) -> String {
    let collapsed = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if collapsed.chars().count() <= max_chars {
        return collapsed;
    }
    // Leave room for the ellipsis so the result never exceeds `max_chars`.
    let budget = max_chars.saturating_sub(1);
    let cut = collapsed
        .char_indices()
        .nth(budget)
        .map_or(collapsed.len(), |(index, _)| index);
    let head = &collapsed[..cut];
    let at_word_end = collapsed[cut..].starts_with(' ');
    let head = if at_word_end {
        head
    } else {
        match head.rfind(' ') {
            Some(space) if space > 0 => &head[..space],
            // One word longer than the budget: cut inside it rather than return nothing.
            _ => head,
        }
    };
    let head = head.trim_end_matches(|c: char| c.is_whitespace() || matches!(c, ',' | ';' | ':'));
    format!("{head}…")
}

/// Text made safe to place in HTML content or in a quoted attribute: for the few places that
/// build HTML around text (a plain-text summary, an export's title), never for stored HTML.
pub fn escape_html(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 16);
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

/// Refuses HTML that would make html5ever slow (deep nesting, attribute floods, over
/// `MAX_HTML_BYTES`) before it is parsed: one linear scan of the bytes.
pub fn check_complexity(html: &str) -> Result<(), SanitizeError> {
    if html.len() > MAX_HTML_BYTES {
        return Err(SanitizeError::TooLarge {
            bytes: html.len(),
            limit: MAX_HTML_BYTES,
        });
    }
    let outcome = NestingScan::new(html.as_bytes()).run();
    if outcome.is_err() {
        tracing::debug!(bytes = html.len(), "sanitize: refused as too complex");
    }
    outcome
}

/// An approximate model of html5ever's stack of open elements and its list of
/// active formatting elements, built from one byte scan. It errs toward counting
/// deeper than html5ever would: a normal page nests far below the limit, so only
/// pathological input is refused.
struct NestingScan<'a> {
    bytes: &'a [u8],
    pos: usize,
    open: Vec<OpenElement<'a>>,
    /// html5ever reopens formatting elements (`<b>`, `<a>`…) that were closed
    /// implicitly, so entries not on the stack still count toward depth.
    formatting: Vec<FormattingEntry<'a>>,
    off_stack: usize,
    next_entry_id: u32,
    /// Stack-walk steps left. html5ever walks its stack the same way, so input that
    /// makes these walks long (end tags under a deep stack) is slow for it too.
    walk_budget: usize,
}

struct OpenElement<'a> {
    name: &'a [u8],
    foreign: bool,
    /// Whether it ends the search for an element "in scope".
    scope_boundary: bool,
    /// The active-formatting entry this element belongs to, if any.
    entry: Option<u32>,
}

impl<'a> OpenElement<'a> {
    fn new(name: &'a [u8], foreign: bool, entry: Option<u32>) -> Self {
        OpenElement {
            name,
            foreign,
            scope_boundary: is_one_of(name, SCOPE_BOUNDARIES),
            entry,
        }
    }
}

/// An entry of the list of active formatting elements, or a marker (table cells,
/// captions, objects) that scopes the entries after it.
struct FormattingEntry<'a> {
    id: u32,
    name: &'a [u8],
    raw_tag: &'a [u8],
    on_stack: bool,
    marker: bool,
}

/// Elements that never have content.
const VOID_ELEMENTS: &[&str] = &[
    "area", "base", "basefont", "bgsound", "br", "col", "embed", "frame", "hr", "img", "input",
    "keygen", "link", "meta", "param", "source", "track", "wbr", "image",
];

/// Elements whose content the tokenizer reads as text up to the matching end tag.
const RAW_TEXT_ELEMENTS: &[&str] = &[
    "script", "style", "textarea", "title", "xmp", "iframe", "noembed", "noframes", "noscript",
];

/// Start tags that close an open `<p>` (HTML standard, "in body" insertion mode).
#[rustfmt::skip]
const CLOSES_P: &[&str] = &[
    "address", "article", "aside", "blockquote", "center", "details", "dialog", "dir", "div",
    "dl", "fieldset", "figcaption", "figure", "footer", "form", "header", "hgroup", "main",
    "menu", "nav", "ol", "p", "search", "section", "summary", "ul", "h1", "h2", "h3", "h4",
    "h5", "h6", "pre", "listing", "table", "hr", "xmp", "li", "dd", "dt",
];

/// Elements that stop the search for an element "in scope".
#[rustfmt::skip]
const SCOPE_BOUNDARIES: &[&str] = &[
    "applet", "caption", "html", "table", "td", "th", "marquee", "object", "template", "mi",
    "mo", "mn", "ms", "mtext", "annotation-xml", "foreignobject", "desc", "title", "button",
];

/// Formatting elements: html5ever reopens them after an implicit close.
#[rustfmt::skip]
const FORMATTING_ELEMENTS: &[&str] = &[
    "a", "b", "big", "code", "em", "font", "i", "nobr", "s", "small", "strike", "strong", "tt",
    "u",
];

/// Elements that put a marker in the list of active formatting elements.
const MARKER_ELEMENTS: &[&str] = &[
    "td", "th", "caption", "object", "applet", "marquee", "template",
];

/// Start tags before which html5ever does not reopen formatting elements.
#[rustfmt::skip]
const NO_RECONSTRUCT: &[&str] = &[
    "table", "caption", "colgroup", "col", "tbody", "thead", "tfoot", "tr", "td", "th",
    "html", "body", "head", "frameset", "select", "option", "optgroup", "template",
];

/// Foreign elements whose content is parsed as HTML again.
#[rustfmt::skip]
const INTEGRATION_POINTS: &[&str] = &[
    "foreignobject", "desc", "title", "mi", "mo", "mn", "ms", "mtext", "annotation-xml",
];

/// HTML start tags that end foreign (SVG/MathML) content.
#[rustfmt::skip]
const FOREIGN_BREAKOUT: &[&str] = &[
    "b", "big", "blockquote", "body", "br", "center", "code", "dd", "div", "dl", "dt", "em",
    "embed", "h1", "h2", "h3", "h4", "h5", "h6", "head", "hr", "i", "img", "li", "listing",
    "menu", "meta", "nobr", "ol", "p", "pre", "ruby", "s", "small", "span", "strong", "strike",
    "sub", "sup", "table", "tt", "u", "ul", "var",
];

fn is_one_of(name: &[u8], list: &[&str]) -> bool {
    list.iter()
        .any(|item| name.eq_ignore_ascii_case(item.as_bytes()))
}

fn is_html_space(byte: u8) -> bool {
    matches!(byte, b' ' | b'\t' | b'\n' | b'\r' | 0x0c)
}

/// A start or end tag as the scanner read it.
struct ScannedTag<'a> {
    name: &'a [u8],
    raw: &'a [u8],
    self_closing: bool,
}

impl<'a> NestingScan<'a> {
    fn new(bytes: &'a [u8]) -> Self {
        NestingScan {
            bytes,
            pos: 0,
            open: Vec::new(),
            formatting: Vec::new(),
            off_stack: 0,
            next_entry_id: 0,
            walk_budget: bytes.len().saturating_mul(16).saturating_add(100_000),
        }
    }

    fn run(mut self) -> Result<(), SanitizeError> {
        while let Some(offset) = self.find_byte(b'<', self.pos) {
            if self.bytes[self.pos..offset]
                .iter()
                .any(|&b| !is_html_space(b))
            {
                // Text is where html5ever reopens closed formatting elements.
                self.reopen_formatting()?;
            }
            self.pos = offset + 1;
            match self.bytes.get(self.pos) {
                Some(b'!') => {
                    if self.bytes[self.pos..].starts_with(b"!--") {
                        self.pos = self
                            .find_seq(b"-->", self.pos + 3)
                            .map_or(self.bytes.len(), |i| i + 3);
                    } else {
                        self.skip_past(b'>');
                    }
                }
                Some(b'?') => self.skip_past(b'>'),
                Some(b'/') => {
                    self.pos += 1;
                    if self
                        .bytes
                        .get(self.pos)
                        .is_some_and(u8::is_ascii_alphabetic)
                    {
                        let tag = self.read_tag()?;
                        self.close(tag.name);
                        self.check_depth()?;
                    } else {
                        self.skip_past(b'>');
                    }
                }
                Some(byte) if byte.is_ascii_alphabetic() => {
                    let tag = self.read_tag()?;
                    self.open(&tag)?;
                    if tag.name.eq_ignore_ascii_case(b"plaintext") {
                        return Ok(());
                    }
                    if !tag.self_closing && is_one_of(tag.name, RAW_TEXT_ELEMENTS) {
                        self.skip_raw_text(tag.name);
                    }
                }
                _ => {}
            }
        }
        Ok(())
    }

    fn find_byte(&self, needle: u8, from: usize) -> Option<usize> {
        self.bytes
            .get(from..)?
            .iter()
            .position(|&b| b == needle)
            .map(|i| i + from)
    }

    fn find_seq(&self, needle: &[u8], from: usize) -> Option<usize> {
        let hay = self.bytes.get(from..)?;
        hay.windows(needle.len())
            .position(|w| w == needle)
            .map(|i| i + from)
    }

    fn skip_past(&mut self, byte: u8) {
        self.pos = self
            .find_byte(byte, self.pos)
            .map_or(self.bytes.len(), |i| i + 1);
    }

    /// Skips raw text (a script's or style's body) up to its end tag.
    fn skip_raw_text(&mut self, name: &[u8]) {
        let mut from = self.pos;
        while let Some(lt) = self.find_seq(b"</", from) {
            let name_end = lt + 2 + name.len();
            let matches = self
                .bytes
                .get(lt + 2..name_end)
                .is_some_and(|candidate| candidate.eq_ignore_ascii_case(name))
                && self
                    .bytes
                    .get(name_end)
                    .is_none_or(|&b| is_html_space(b) || b == b'/' || b == b'>');
            if matches {
                self.pos = lt;
                return;
            }
            from = lt + 2;
        }
        self.pos = self.bytes.len();
    }

    /// Reads a tag from its name (at `pos`) to its `>`, counting attributes.
    fn read_tag(&mut self) -> Result<ScannedTag<'a>, SanitizeError> {
        let bytes = self.bytes;
        let start = self.pos;
        let mut i = start;
        while i < bytes.len() && !is_html_space(bytes[i]) && bytes[i] != b'/' && bytes[i] != b'>' {
            i += 1;
        }
        let name = &bytes[start..i];
        let mut attributes = 0usize;
        let mut self_closing = false;
        loop {
            while i < bytes.len() && is_html_space(bytes[i]) {
                i += 1;
            }
            match bytes.get(i) {
                None => break,
                Some(b'>') => {
                    i += 1;
                    break;
                }
                Some(b'/') => {
                    i += 1;
                    if bytes.get(i) == Some(&b'>') {
                        self_closing = true;
                        i += 1;
                        break;
                    }
                    continue;
                }
                Some(_) => {}
            }
            // Attribute name: its first character may be '='.
            i += 1;
            while i < bytes.len()
                && !is_html_space(bytes[i])
                && !matches!(bytes[i], b'/' | b'>' | b'=')
            {
                i += 1;
            }
            attributes += 1;
            if attributes > MAX_ATTRIBUTES_PER_TAG {
                return Err(SanitizeError::TooComplex);
            }
            while i < bytes.len() && is_html_space(bytes[i]) {
                i += 1;
            }
            if bytes.get(i) != Some(&b'=') {
                continue;
            }
            i += 1;
            while i < bytes.len() && is_html_space(bytes[i]) {
                i += 1;
            }
            match bytes.get(i) {
                Some(&quote @ (b'"' | b'\'')) => {
                    i = self
                        .find_byte(quote, i + 1)
                        .map_or(bytes.len(), |end| end + 1);
                }
                _ => {
                    while i < bytes.len() && !is_html_space(bytes[i]) && bytes[i] != b'>' {
                        i += 1;
                    }
                }
            }
        }
        self.pos = i;
        Ok(ScannedTag {
            name,
            raw: &bytes[start..i.min(bytes.len())],
            self_closing,
        })
    }

    fn depth_or_work_exceeded(&self) -> bool {
        self.depth() > MAX_OPEN_ELEMENTS || self.walk_budget == 0
    }

    fn depth(&self) -> usize {
        self.open.len() + self.off_stack
    }

    fn check_depth(&self) -> Result<(), SanitizeError> {
        if self.depth_or_work_exceeded() {
            return Err(SanitizeError::TooComplex);
        }
        Ok(())
    }

    fn top_is_foreign_content(&self) -> bool {
        self.open
            .last()
            .is_some_and(|top| top.foreign && !is_one_of(top.name, INTEGRATION_POINTS))
    }

    fn open(&mut self, tag: &ScannedTag<'a>) -> Result<(), SanitizeError> {
        let name = tag.name;
        if self.top_is_foreign_content() && is_one_of(name, FOREIGN_BREAKOUT) {
            while self.top_is_foreign_content() {
                self.pop();
            }
        }
        let foreign = self.top_is_foreign_content()
            || name.eq_ignore_ascii_case(b"svg")
            || name.eq_ignore_ascii_case(b"math");
        if foreign {
            if tag.self_closing {
                return Ok(());
            }
            self.open.push(OpenElement::new(name, foreign, None));
            return self.check_depth();
        }
        if is_one_of(name, CLOSES_P) {
            self.close_in_scope(b"p", &[]);
        }
        if name.eq_ignore_ascii_case(b"li") {
            self.close_in_scope(b"li", &["ul", "ol"]);
        } else if name.eq_ignore_ascii_case(b"dt") || name.eq_ignore_ascii_case(b"dd") {
            self.close_in_scope(b"dt", &["dl"]);
            self.close_in_scope(b"dd", &["dl"]);
        } else if name.eq_ignore_ascii_case(b"td") || name.eq_ignore_ascii_case(b"th") {
            self.close_in_scope(b"td", &["tr"]);
            self.close_in_scope(b"th", &["tr"]);
        } else if name.eq_ignore_ascii_case(b"tr") {
            self.close_through_table(b"tr");
        } else if name.eq_ignore_ascii_case(b"a") {
            // A new <a> ends the previous one (the adoption agency) and drops it
            // from the active formatting list.
            self.end_formatting(b"a");
        } else if (name.eq_ignore_ascii_case(b"option") || name.eq_ignore_ascii_case(b"optgroup"))
            && self
                .open
                .last()
                .is_some_and(|top| top.name.eq_ignore_ascii_case(b"option"))
        {
            self.pop();
        }
        if !is_one_of(name, CLOSES_P) && !is_one_of(name, NO_RECONSTRUCT) {
            self.reopen_formatting()?;
        }
        if is_one_of(name, VOID_ELEMENTS) {
            return Ok(());
        }
        let mut entry = None;
        if is_one_of(name, FORMATTING_ELEMENTS) {
            entry = Some(self.add_formatting_entry(name, tag.raw, false));
        } else if is_one_of(name, MARKER_ELEMENTS) {
            self.add_formatting_entry(name, tag.raw, true);
        }
        self.open.push(OpenElement::new(name, foreign, entry));
        self.check_depth()
    }

    /// Appends to the active formatting list, applying html5ever's "Noah's Ark"
    /// rule (at most three identical entries after the last marker).
    fn add_formatting_entry(&mut self, name: &'a [u8], raw_tag: &'a [u8], marker: bool) -> u32 {
        if !marker {
            let after_marker = self
                .formatting
                .iter()
                .rposition(|e| e.marker)
                .map_or(0, |i| i + 1);
            let identical: Vec<usize> = (after_marker..self.formatting.len())
                .filter(|&i| self.formatting[i].raw_tag.eq_ignore_ascii_case(raw_tag))
                .collect();
            if identical.len() >= 3 {
                self.remove_entry_at(identical[0]);
            }
        }
        let id = self.next_entry_id;
        self.next_entry_id = self.next_entry_id.wrapping_add(1);
        self.formatting.push(FormattingEntry {
            id,
            name,
            raw_tag,
            on_stack: !marker,
            marker,
        });
        id
    }

    fn remove_entry_at(&mut self, index: usize) {
        let entry = self.formatting.remove(index);
        if !entry.on_stack && !entry.marker {
            self.off_stack -= 1;
        }
    }

    /// html5ever's "reconstruct the active formatting elements": every entry after
    /// the last marker that is not open is opened again.
    fn reopen_formatting(&mut self) -> Result<(), SanitizeError> {
        if self.off_stack == 0 {
            return Ok(());
        }
        let after_marker = self
            .formatting
            .iter()
            .rposition(|e| e.marker)
            .map_or(0, |i| i + 1);
        for index in after_marker..self.formatting.len() {
            let entry = &mut self.formatting[index];
            if !entry.on_stack {
                entry.on_stack = true;
                self.off_stack -= 1;
                let element = OpenElement::new(entry.name, false, Some(entry.id));
                self.open.push(element);
            }
        }
        self.check_depth()
    }

    /// An end tag (or a new `<a>`) for a formatting element: closes it and takes it
    /// out of the active formatting list.
    fn end_formatting(&mut self, name: &[u8]) -> bool {
        let after_marker = self
            .formatting
            .iter()
            .rposition(|e| e.marker)
            .map_or(0, |i| i + 1);
        let Some(index) = (after_marker..self.formatting.len())
            .rev()
            .find(|&i| self.formatting[i].name.eq_ignore_ascii_case(name))
        else {
            return false;
        };
        let id = self.formatting[index].id;
        if let Some(position) = self.open.iter().rposition(|e| e.entry == Some(id)) {
            self.truncate(position);
        }
        if let Some(index) = self.formatting.iter().position(|e| e.id == id) {
            self.remove_entry_at(index);
        }
        true
    }

    /// Pops through the nearest open `name`, unless a scope boundary (or one of
    /// `extra_boundaries`) comes first.
    fn close_in_scope(&mut self, name: &[u8], extra_boundaries: &[&str]) -> bool {
        for index in (0..self.open.len()).rev() {
            self.walk_budget = self.walk_budget.saturating_sub(1);
            let element = &self.open[index];
            if element.name.eq_ignore_ascii_case(name) {
                self.truncate(index);
                return true;
            }
            if element.scope_boundary
                || (!extra_boundaries.is_empty() && is_one_of(element.name, extra_boundaries))
            {
                return false;
            }
        }
        false
    }

    /// Pops through the nearest open `name` inside the current table.
    fn close_through_table(&mut self, name: &[u8]) -> bool {
        for index in (0..self.open.len()).rev() {
            self.walk_budget = self.walk_budget.saturating_sub(1);
            let element_name = self.open[index].name;
            if element_name.eq_ignore_ascii_case(name) {
                self.truncate(index);
                return true;
            }
            if element_name.eq_ignore_ascii_case(b"table")
                || element_name.eq_ignore_ascii_case(b"template")
            {
                return false;
            }
        }
        false
    }

    fn close(&mut self, name: &[u8]) {
        if is_one_of(name, FORMATTING_ELEMENTS) && self.end_formatting(name) {
            return;
        }
        if is_one_of(name, &["table", "tbody", "thead", "tfoot", "tr"]) {
            self.close_through_table(name);
        } else {
            self.close_in_scope(name, &[]);
        }
    }

    /// Pops the elements from `index` up.
    fn truncate(&mut self, index: usize) {
        while self.open.len() > index {
            self.pop();
        }
    }

    /// Pops the top element: a formatting one stays in the list, to be reopened;
    /// a marker element clears the list back to its marker.
    fn pop(&mut self) {
        let Some(element) = self.open.pop() else {
            return;
        };
        if let Some(id) = element.entry {
            if let Some(entry) = self.formatting.iter_mut().rev().find(|e| e.id == id) {
                if entry.on_stack {
                    entry.on_stack = false;
                    self.off_stack += 1;
                }
            }
        } else if !element.foreign && is_one_of(element.name, MARKER_ELEMENTS) {
            if let Some(marker) = self.formatting.iter().rposition(|e| e.marker) {
                while self.formatting.len() > marker {
                    let last = self.formatting.len() - 1;
                    self.remove_entry_at(last);
                }
            }
        }
    }
}
