//! Exporting one stored story as a file the user keeps: a self-contained HTML page or Markdown.
//!
//! This module owns the shape of those files: the page around the story, the inlining of
//! cached pictures, and the conversion to CommonMark. It works only from what is stored: it
//! never fetches (pictures come through the caller's cache lookup) and never re-sanitizes
//! (the story's HTML was sanitized before it was stored). Titles, authors, feed names and
//! related-link titles are text: they are escaped here, never allowed to become markup.

use std::collections::HashMap;
use std::fmt::Write as _;
use std::rc::Rc;

use base64::Engine as _;
use dom_query::{Document, NodeRef};
use tracing::{debug, warn};

use crate::fetch::{is_web_url, redacted};
use crate::model::Article;
use crate::picture_rules::parse_srcset;
use crate::sanitize::{collapse_whitespace, escape_html, fragment_html, parse_stored_fragment};

/// A picture from the library's cache: its MIME type and its bytes.
pub type CachedPicture = (String, Vec<u8>);

/// Scripts, frames, forms, remote styles, fonts and media are all refused; pictures may only be
/// the inlined ones. Opening the exported file loads nothing from the web (a picture the library
/// does not have is left out), and a browser enforces this even if a sanitizer missed something.
const CSP: &str = "default-src 'none'; img-src data:; style-src 'unsafe-inline'";

/// Inlined pictures stop at this many bytes of `data:` URIs: a story can show one cached
/// picture thousands of times, and every copy would grow the file and the memory building it.
const INLINE_BUDGET_BYTES: usize = 64 * 1024 * 1024;

const STYLESHEET: &str = "\
:root { color-scheme: light dark; --fg: #1d1d1f; --bg: #fdfcf8; --muted: #6b6b6b; --link: #1a5fb4; --rule: #d8d4c8; }
@media (prefers-color-scheme: dark) { :root { --fg: #e6e3da; --bg: #1b1b1d; --muted: #a09c92; --link: #8ab4f8; --rule: #3a3a3d; } }
body { margin: 0 auto; max-width: 40em; padding: 2em 1.25em 4em; font: 1.125rem/1.6 Georgia, 'Iowan Old Style', 'Times New Roman', serif; color: var(--fg); background: var(--bg); }
h1 { font-size: 2rem; line-height: 1.2; margin: 0 0 .4em; }
a { color: var(--link); }
img, video { max-width: 100%; height: auto; }
figure { margin: 1.5em 0; } figcaption, .byline, .original { color: var(--muted); font-size: .9rem; }
blockquote { margin: 1em 0; padding-left: 1em; border-left: 3px solid var(--rule); }
pre { overflow-x: auto; padding: .75em; border: 1px solid var(--rule); }
table { border-collapse: collapse; } td, th { border: 1px solid var(--rule); padding: .25em .5em; }
hr, .related { border: 0; border-top: 1px solid var(--rule); margin-top: 2em; }
";

/// A complete HTML document for `article`, its cached pictures inlined as `data:` URIs.
///
/// `images` resolves a picture's URL to `(mime, bytes)` when it is in the library; a picture
/// it does not know (never cached, or refused, as addresses on private networks are) is
/// replaced by its alt text, so the file never reaches for it.
pub fn export_html(article: &Article, images: &dyn Fn(&str) -> Option<CachedPicture>) -> String {
    let body = inline_pictures(&article.html, images);
    let csp = CSP;
    let title = escape_html(&article.summary.title);

    let mut out = String::with_capacity(body.len() + STYLESHEET.len() + 1024);
    out.push_str("<!doctype html>\n<html>\n<head>\n<meta charset=\"utf-8\">\n");
    let _ = writeln!(
        out,
        "<meta http-equiv=\"Content-Security-Policy\" content=\"{csp}\">"
    );
    out.push_str("<meta name=\"referrer\" content=\"no-referrer\">\n");
    out.push_str("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
    let _ = writeln!(
        out,
        "<title>{title}</title>\n<style>\n{STYLESHEET}</style>\n</head>"
    );
    let _ = writeln!(out, "<body>\n<article>\n<header>\n<h1>{title}</h1>");
    let byline: Vec<String> = byline_parts(article)
        .iter()
        .map(|p| escape_html(p))
        .collect();
    let _ = writeln!(out, "<p class=\"byline\">{}</p>", byline.join(" · "));
    if let Some(url) = web_url(article.summary.url.as_deref()) {
        let _ = writeln!(
            out,
            "<p class=\"original\"><a href=\"{}\">Original story</a></p>",
            escape_html(&url)
        );
    }
    let _ = writeln!(out, "</header>\n{body}\n</article>");
    let related = related_links(article);
    if !related.is_empty() {
        out.push_str("<aside class=\"related\">\n<h2>Related</h2>\n<ul>\n");
        for (url, title) in related {
            let _ = writeln!(
                out,
                "<li><a href=\"{}\">{}</a></li>",
                escape_html(&url),
                escape_html(title)
            );
        }
        out.push_str("</ul>\n</aside>\n");
    }
    out.push_str("</body>\n</html>\n");
    out
}

/// The story as CommonMark: title, metadata line, link to the original, the body, related links.
pub fn export_markdown(article: &Article) -> String {
    let mut out = format!("# {}\n\n", escape_markdown(&article.summary.title));
    let byline: Vec<String> = byline_parts(article)
        .iter()
        .map(|p| escape_markdown(p))
        .collect();
    let _ = writeln!(out, "{}\n", escape_line_start(&byline.join(" · ")));
    if let Some(url) = web_url(article.summary.url.as_deref()) {
        let _ = writeln!(out, "[Original story]({})\n", markdown_destination(&url));
    }
    let body = story_markdown(&article.html);
    // Only blank lines are trimmed: leading spaces may belong to the first block.
    let body = body.trim_start_matches('\n').trim_end();
    if !body.is_empty() {
        let _ = writeln!(out, "{body}\n");
    }
    let related = related_links(article);
    if !related.is_empty() {
        out.push_str("## Related\n\n");
        for (url, title) in related {
            let _ = writeln!(
                out,
                "- [{}]({})",
                escape_markdown(title),
                markdown_destination(&url)
            );
        }
        out.push('\n');
    }
    // One final newline, whatever the last block left.
    let trimmed = out.trim_end().len();
    out.truncate(trimmed);
    out.push('\n');
    out
}

/// The story's HTML with every cached picture as a `data:` URI; every other picture replaced
/// by its alt text, and media (`<picture>` sources, audio, video) without their remote sources,
/// so that nothing in it points a browser at the web.
fn inline_pictures(html: &str, images: &dyn Fn(&str) -> Option<CachedPicture>) -> String {
    let doc = parse_stored_fragment(html);
    // A story may show one picture many times: look each URL up and encode it once.
    let mut data_uris: HashMap<String, Option<Rc<str>>> = HashMap::new();
    let mut budget = INLINE_BUDGET_BYTES;
    let mut over_budget = 0usize;
    for img in doc.select("img").nodes() {
        // The cache may hold the plain `src` or one of the `srcset` candidates.
        let mut candidates: Vec<String> =
            img.attr("src").map(|s| s.to_string()).into_iter().collect();
        if let Some(srcset) = img.attr("srcset") {
            candidates.extend(parse_srcset(&srcset).iter().map(|c| c.url.to_string()));
        }
        let found = candidates.iter().find_map(|url| {
            data_uris
                .entry(url.clone())
                .or_insert_with(|| data_uri(url, images))
                .clone()
        });
        match found {
            Some(uri) if uri.len() <= budget => {
                budget -= uri.len();
                img.set_attr("src", &uri);
                // Left in place, a `srcset` would win over the inlined picture.
                img.remove_attr("srcset");
            }
            Some(_) => {
                over_budget += 1;
                replace_by_alt_text(&doc, img);
            }
            None => replace_by_alt_text(&doc, img),
        }
    }
    if over_budget > 0 {
        warn!(
            pictures = over_budget,
            budget_bytes = INLINE_BUDGET_BYTES,
            "export: inlined pictures reached the budget; the rest are left out"
        );
    }
    // Every `<source>` points at the web (a `<picture>`'s would win over the inlined picture),
    // and so do audio, video and their tracks: only their controls and fallback text stay.
    for source in doc.select("source").nodes() {
        source.remove_from_parent();
    }
    for media in doc.select("video, audio, track").nodes() {
        for attribute in ["src", "poster"] {
            media.remove_attr(attribute);
        }
    }
    fragment_html(&doc)
}

/// A picture the file cannot carry gives way to its alt text, if it has any.
fn replace_by_alt_text(doc: &Document, img: &NodeRef) {
    let alt = img.attr("alt").map(|a| collapse_whitespace(&a));
    if let Some(alt) = alt.filter(|a| !a.is_empty()) {
        img.insert_before(&doc.tree.new_text(alt));
    }
    img.remove_from_parent();
}

/// `url`'s cached picture as a `data:` URI, if the cache has it and it is an image.
fn data_uri(url: &str, images: &dyn Fn(&str) -> Option<CachedPicture>) -> Option<Rc<str>> {
    let (mime, bytes) = images(url)?;
    // The MIME type lands inside the URI: anything but a plain `image/...` token could reshape it.
    let plain_token = |s: &str| {
        !s.is_empty()
            && s.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"+-.".contains(&b))
    };
    match mime.split_once('/') {
        Some(("image", subtype)) if plain_token(subtype) => Some(
            format!(
                "data:{mime};base64,{}",
                base64::engine::general_purpose::STANDARD.encode(&bytes)
            )
            .into(),
        ),
        _ => {
            debug!(%url, %mime, "export: cached file is not a picture; left out");
            None
        }
    }
}

/// The story's HTML as CommonMark, through dom_query's converter after reshaping what it reads poorly.
fn story_markdown(html: &str) -> String {
    let doc = parse_stored_fragment(html);
    // A caption is a paragraph of its own, not text glued to the picture before it.
    for caption in doc.select("figcaption").nodes() {
        caption.rename("p");
    }
    // A table too irregular for GFM becomes lines of text; a space keeps its cells apart.
    for cell in doc.select("td, th").nodes() {
        if cell.next_element_sibling().is_some() {
            cell.append_child(&doc.tree.new_text(" "));
        }
    }
    doc.root().md(None).to_string()
}

/// Source and author as far as they are known, then the date.
fn byline_parts(article: &Article) -> Vec<String> {
    let summary = &article.summary;
    let source = article.site_name.as_ref().or(summary.feed_title.as_ref());
    let mut parts: Vec<String> = [source, summary.author.as_ref()]
        .into_iter()
        .flatten()
        .map(|s| collapse_whitespace(s))
        .filter(|s| !s.is_empty())
        .collect();
    parts.push(summary.published.format("%-d %B %Y").to_string());
    parts
}

/// `url` if it is an absolute http(s) URL (stored links may be inert strings like
/// `javascript:`), without any `user:password@`: an export is shared, a password is not.
fn web_url(url: Option<&str>) -> Option<String> {
    let parsed = url::Url::parse(url?).ok()?;
    is_web_url(&parsed).then(|| redacted(&parsed))
}

/// The story's related links that are web addresses, with their titles.
fn related_links(article: &Article) -> Vec<(String, &str)> {
    article
        .related
        .iter()
        .filter_map(|link| Some((web_url(Some(&link.url))?, link.title.as_str())))
        .collect()
}

/// One line of text that Markdown shows literally, wherever in a line it is put.
///
/// Every character that can open inline syntax (emphasis, code, links, raw HTML, entities,
/// table cells, a heading's closing `#`) gets a backslash, which CommonMark allows before any
/// ASCII punctuation.
fn escape_markdown(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in collapse_whitespace(text).chars() {
        if matches!(
            c,
            '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '&' | '#' | '|' | '~' | '!'
        ) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// `line` with a backslash before anything at its start that would make it a block: a list
/// item (`-`, `+`, `1.`, `1)`), or a setext underline or thematic break (`=`, `-`).
fn escape_line_start(line: &str) -> String {
    let digits = line.chars().take_while(char::is_ascii_digit).count();
    let after_digits = line[digits..].chars().next();
    if line.starts_with(['-', '+', '=']) {
        format!("\\{line}")
    } else if digits > 0 && matches!(after_digits, Some('.' | ')')) {
        format!("{}\\{}", &line[..digits], &line[digits..])
    } else {
        line.to_string()
    }
}

/// A link destination that cannot end the `(...)` early: the characters that would are
/// percent-encoded, which leaves an http(s) URL meaning the same.
fn markdown_destination(url: &str) -> String {
    let mut out = String::with_capacity(url.len());
    for c in url.chars() {
        match c {
            ' ' => out.push_str("%20"),
            '(' => out.push_str("%28"),
            ')' => out.push_str("%29"),
            '<' => out.push_str("%3C"),
            '>' => out.push_str("%3E"),
            _ => out.push(c),
        }
    }
    out
}
