//! Stored story HTML as the window shows it: every picture from the app's own image scheme,
//! nothing loaded from the web.
//!
//! A pure function over sanitized HTML and the tokens of the pictures cached for the story.
//! It must never leave a remote address the window would load (pictures not cached lose their
//! `src` and `srcset`, audio and video their remote sources), and never add markup of its own.

use std::collections::HashMap;

use url::Url;

use crate::sanitize::{fragment_html, parse_stored_fragment};

use crate::image_scheme::image_src;
use crate::picture_rules::parse_srcset;

/// Rewrites `src`/`srcset` of `<img>` and `<source>` (and `poster`) whose URL has a token to
/// `broadsheet-img://localhost/<token>`; pictures not cached lose their `src`/`srcset` (the
/// window never loads anything remote) but keep their alt text. Audio and video lose their
/// remote `src` for the same reason. Pure function over sanitized HTML.
pub fn rewrite_image_urls(html: &str, tokens: &HashMap<String, String>) -> String {
    let local = |url: &str| lookup(tokens, url).map(image_src);
    let doc = parse_stored_fragment(html);
    for node in doc.select("img, source, video, audio, track").nodes() {
        let is_picture = node.has_name("img") || node.has_name("source");
        if let Some(src) = node.attr("src") {
            match local(&src).filter(|_| is_picture) {
                Some(new) => node.set_attr("src", &new),
                None => node.remove_attr("src"),
            }
        }
        if let Some(poster) = node.attr("poster") {
            match local(&poster) {
                Some(new) => node.set_attr("poster", &new),
                None => node.remove_attr("poster"),
            }
        }
        if let Some(srcset) = node.attr("srcset") {
            let kept: Vec<String> = parse_srcset(&srcset)
                .into_iter()
                .filter_map(|candidate| {
                    local(candidate.url).map(|new| join_candidate(&new, candidate.descriptor))
                })
                .collect();
            if kept.is_empty() {
                node.remove_attr("srcset");
            } else {
                node.set_attr("srcset", &kept.join(", "));
            }
        }
    }
    fragment_html(&doc)
}

/// Finds a URL's token, also under the URL's normalized spelling.
fn lookup<'a>(tokens: &'a HashMap<String, String>, url: &str) -> Option<&'a str> {
    if let Some(token) = tokens.get(url) {
        return Some(token);
    }
    let normalized = Url::parse(url).ok()?;
    tokens.get(normalized.as_str()).map(String::as_str)
}

fn join_candidate(url: &str, descriptor: &str) -> String {
    if descriptor.is_empty() {
        url.to_owned()
    } else {
        format!("{url} {descriptor}")
    }
}
