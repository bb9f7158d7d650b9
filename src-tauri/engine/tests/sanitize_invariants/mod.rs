//! The two checks every sanitizer output must pass (payloads README, INV-1 and INV-2).
//! Shared by the sanitize_* test files.

use broadsheet_engine::sanitize::{html_to_text, sanitize_article_html, SanitizedHtml};
use dom_query::Document;
use url::Url;

/// The URL every payload pretends to come from.
pub const ARTICLE: &str = "https://news.example/2024/a.html";

pub fn article() -> Url {
    Url::parse(ARTICLE).unwrap()
}

const FORBIDDEN_ELEMENTS: &[&str] = &[
    "script", "iframe", "frame", "object", "embed", "base", "meta", "link", "style", "form",
    "input", "button", "svg", "math", "template", "noscript",
];

fn fragment_html(doc: &Document) -> String {
    doc.html_root().try_inner_html().unwrap().to_string()
}

/// srcset candidate URLs, split the way a browser would (a test-side copy on purpose:
/// the checker must not trust the code under test).
fn srcset_urls(value: &str) -> Vec<String> {
    let mut urls = Vec::new();
    let mut rest = value;
    loop {
        rest = rest.trim_start_matches(|c: char| c.is_ascii_whitespace() || c == ',');
        if rest.is_empty() {
            return urls;
        }
        let end = rest
            .find(|c: char| c.is_ascii_whitespace())
            .unwrap_or(rest.len());
        let token = &rest[..end];
        rest = &rest[end..];
        if token.ends_with(',') {
            urls.push(token.trim_end_matches(',').to_string());
            continue;
        }
        urls.push(token.to_string());
        let mut depth = 0;
        let cut = rest
            .char_indices()
            .find(|&(_, c)| {
                match c {
                    '(' => depth += 1,
                    ')' => depth -= 1,
                    ',' if depth == 0 => return true,
                    _ => {}
                }
                false
            })
            .map_or(rest.len(), |(i, _)| i);
        rest = &rest[cut..];
    }
}

fn assert_web_url(value: &str, allow_mailto: bool, context: &str) {
    let url = article()
        .join(value)
        .unwrap_or_else(|e| panic!("{context}: unparsable URL {value:?}: {e}"));
    let ok = matches!(url.scheme(), "http" | "https") || (allow_mailto && url.scheme() == "mailto");
    assert!(ok, "{context}: URL {value:?} has scheme {}", url.scheme());
}

/// INV-1: no dangerous element or attribute, and every URL is http(s) (or mailto for href).
pub fn assert_inv1(html: &str) {
    let doc = Document::fragment(html);
    for node in doc.select("*").nodes() {
        let name = node.node_name().unwrap().to_string();
        assert!(
            !FORBIDDEN_ELEMENTS.contains(&name.as_str()),
            "forbidden <{name}> in {html}"
        );
        for attr in node.attrs() {
            let local = attr.name.local.to_string();
            let prefixed = attr.name.prefix.as_ref().map(|p| format!("{p}:{local}"));
            let attr_name = prefixed.unwrap_or_else(|| local.clone());
            let context = format!("<{name} {attr_name}> in {html}");
            assert!(
                !local.to_ascii_lowercase().starts_with("on"),
                "handler {context}"
            );
            for banned in ["style", "srcdoc", "formaction", "xlink:href"] {
                assert_ne!(attr_name, banned, "banned attribute {context}");
            }
            match local.as_str() {
                "href" => assert_web_url(&attr.value, true, &context),
                "src" | "poster" | "cite" => assert_web_url(&attr.value, false, &context),
                "srcset" => {
                    for url in srcset_urls(&attr.value) {
                        assert_web_url(&url, false, &context);
                    }
                }
                _ => {}
            }
        }
    }
}

fn clean(html: &str) -> SanitizedHtml {
    sanitize_article_html(html, &article()).unwrap()
}

/// INV-2: cleaning is idempotent, also across a parse/serialize round trip.
pub fn assert_inv2(input: &str, cleaned: &str) {
    let twice = clean(cleaned);
    assert_eq!(
        twice.html, cleaned,
        "clean(clean(x)) != clean(x) for {input:?}"
    );
    let round_tripped = fragment_html(&Document::fragment(cleaned));
    assert_eq!(
        clean(&round_tripped).html,
        cleaned,
        "clean(parse(serialize(clean(x)))) != clean(x) for {input:?}"
    );
}

/// The text the sanitizer gives with its HTML (read from its own tree) is the text of that
/// HTML, parsed anew.
pub fn assert_text_is_the_htmls(input: &str, out: &SanitizedHtml) {
    assert_eq!(
        out.text,
        html_to_text(&out.html),
        "the sanitizer's text is not its HTML's for {input:?}"
    );
}

/// Sanitizes `input` against ARTICLE and checks INV-1 and INV-2 on the result, and its text.
pub fn checked(input: &str) -> SanitizedHtml {
    let out = clean(input);
    assert_inv1(&out.html);
    assert_inv2(input, &out.html);
    assert_text_is_the_htmls(input, &out);
    out
}
