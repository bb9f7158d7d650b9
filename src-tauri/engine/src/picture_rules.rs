//! How story HTML shows pictures, as every stage that reads it must agree: the candidates of a
//! `srcset`, the attributes lazy-loading pages hide the real address in, the stand-in sources
//! that only hold a picture's place, and what counts as a tracking pixel.
//!
//! The extractor, the sanitizer, the image cache and the export each apply these rules to
//! their own elements; the rules themselves are written here once. This module never fetches,
//! never resolves or checks a URL (the caller does, with its own base and policy) and never
//! decides which elements a stage keeps.

use dom_query::NodeRef;

/// Attributes that carry an image's real address until a script swaps it into `src`.
pub const LAZY_SRC_ATTRIBUTES: &[&str] =
    &["data-src", "data-lazy-src", "data-original", "data-url"];

/// Attributes that carry an image's real `srcset` until a script swaps it in.
pub const LAZY_SRCSET_ATTRIBUTES: &[&str] = &["data-srcset", "data-lazy-srcset"];

/// One `srcset` candidate: a URL as written and its width or density descriptor ("" if none).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SrcsetCandidate<'s> {
    pub url: &'s str,
    pub descriptor: &'s str,
}

/// Splits a `srcset` value into candidates the way the HTML standard's parser does: URLs may
/// contain commas, a comma that ends a URL ends the candidate, and a descriptor runs to the
/// next comma outside parentheses. Nothing is resolved or checked.
pub fn parse_srcset(value: &str) -> Vec<SrcsetCandidate<'_>> {
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

/// A `src` that only holds the place of a lazy-loaded picture: empty, a `data:` stand-in, or a
/// file named like a blank, spacer or placeholder (any GIF counts: real story pictures are
/// not GIFs often enough to matter, and a lazy attribute must also be there to replace it).
pub fn is_placeholder_src(src: &str) -> bool {
    let src = src.trim();
    if src.is_empty()
        || src
            .get(..5)
            .is_some_and(|s| s.eq_ignore_ascii_case("data:"))
    {
        return true;
    }
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

/// What [`reveal_lazy_picture`] leaves of the lazy-loading markup once the real addresses are
/// in place.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LazyLeftovers {
    /// Leave the lazy attributes (and any stand-in `src`) for a later reader: the extractor's
    /// Readability reads them too.
    Keep,
    /// The final word on the HTML (the sanitizer's): the lazy attributes go, and an `img` whose
    /// only real address is a lazy `srcset` loses its stand-in `src`, which would be
    /// downloaded and shown for nothing.
    Drop,
}

/// Puts a lazy-loaded picture's real address where a reader without scripts looks for it:
/// the first non-empty lazy `src` replaces a stand-in `src` of an `img`, and the first lazy
/// `srcset` fills a missing `srcset`. `leftovers` says what happens to the rest.
pub fn reveal_lazy_picture(node: &NodeRef, leftovers: LazyLeftovers) {
    let first = |names: &[&str]| {
        names.iter().find_map(|name| {
            node.attr(name)
                .map(|value| value.trim().to_owned())
                .filter(|value| !value.is_empty())
        })
    };
    let lazy_src = first(LAZY_SRC_ATTRIBUTES);
    let lazy_srcset = first(LAZY_SRCSET_ATTRIBUTES);
    if node.has_name("img") && node.attr("src").is_none_or(|src| is_placeholder_src(&src)) {
        if let Some(src) = &lazy_src {
            node.set_attr("src", src);
        } else if lazy_srcset.is_some() && leftovers == LazyLeftovers::Drop {
            node.remove_attr("src");
        }
    }
    if node.attr("srcset").is_none() {
        if let Some(srcset) = &lazy_srcset {
            node.set_attr("srcset", srcset);
        }
    }
    if leftovers == LazyLeftovers::Drop {
        node.remove_attrs(LAZY_SRC_ATTRIBUTES);
        node.remove_attrs(LAZY_SRCSET_ATTRIBUTES);
    }
}

/// Whether a picture of this size is a tracking pixel, not part of the story: 1 px or less on
/// both sides, or nothing at all on one.
///
/// One pixel, not two: the sanitizer (which decides what every stored story keeps) and the
/// image cache (which checks the real size of the bytes) both drew the line at 1×1, and the
/// extractor's 2×2 was the one rule that had drifted from its own doc ("a 1×1 image").
pub fn is_tracking_pixel_size(width: f64, height: f64) -> bool {
    width == 0.0 || height == 0.0 || (width <= 1.0 && height <= 1.0)
}

/// [`is_tracking_pixel_size`] for the `width` and `height` an `<img>` declares ("1", "1px",
/// " 0 "). A single declared side counts only when it is zero; an undeclared size never does.
pub fn is_tracking_pixel(width: Option<&str>, height: Option<&str>) -> bool {
    let size = |value: &str| {
        value
            .trim()
            .trim_end_matches("px")
            .trim()
            .parse::<f64>()
            .ok()
    };
    match (width.and_then(size), height.and_then(size)) {
        (Some(w), Some(h)) => is_tracking_pixel_size(w, h),
        (Some(side), None) | (None, Some(side)) => side == 0.0,
        (None, None) => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use dom_query::Document;

    fn pairs(srcset: &str) -> Vec<(&str, &str)> {
        parse_srcset(srcset)
            .into_iter()
            .map(|c| (c.url, c.descriptor))
            .collect()
    }

    #[test]
    fn srcset_candidates_keep_commas_inside_urls() {
        assert_eq!(
            pairs("a.png 1x, https://x.example/b,c.png 2x,d.png"),
            [
                ("a.png", "1x"),
                ("https://x.example/b,c.png", "2x"),
                ("d.png", "")
            ]
        );
        assert_eq!(pairs(" , "), Vec::<(&str, &str)>::new());
        assert_eq!(
            pairs("a.png, b.png 100w"),
            [("a.png", ""), ("b.png", "100w")]
        );
        // A descriptor's parentheses hold commas too; trailing commas end a URL.
        assert_eq!(
            pairs("a.png 1x (x, y), b.png,, c.png"),
            [("a.png", "1x (x, y)"), ("b.png", ""), ("c.png", "")]
        );
    }

    #[test]
    fn tracking_pixels_are_one_pixel_or_less_never_two() {
        assert!(is_tracking_pixel(Some("1"), Some("1")));
        assert!(is_tracking_pixel(Some("1px"), Some(" 1 ")));
        assert!(is_tracking_pixel(Some("0"), Some("300")));
        assert!(is_tracking_pixel(None, Some("0px")));
        // The rule is 1 px: a 2×2 picture is small, not a tracker.
        assert!(!is_tracking_pixel(Some("2"), Some("2")));
        assert!(!is_tracking_pixel(Some("1"), Some("2")));
        // One side of 1 px alone says nothing of the other.
        assert!(!is_tracking_pixel(Some("1"), None));
        assert!(!is_tracking_pixel(None, None));
        assert!(!is_tracking_pixel(Some("auto"), Some("1")));
        // The same line for the size read from the picture's own bytes.
        assert!(is_tracking_pixel_size(1.0, 1.0));
        assert!(!is_tracking_pixel_size(2.0, 2.0));
        assert!(!is_tracking_pixel_size(1.0, 40.0));
    }

    #[test]
    fn placeholders_are_empty_data_or_named_like_spacers() {
        for src in [
            "",
            "  ",
            "data:image/gif;base64,R0lGODlhAQABAAAAACw=",
            "DATA:image/png;base64,AAAA",
            "/img/blank.png",
            "https://cdn.example/spacer.png?v=2",
            "https://cdn.example/a/lazy-placeholder.jpg",
            "/pixel.gif",
            "/x/1x1.png",
        ] {
            assert!(is_placeholder_src(src), "{src:?}");
        }
        for src in [
            "https://cdn.example/2024/harbour.jpg",
            "https://cdn.example/lazy/harbour.jpg",
        ] {
            assert!(!is_placeholder_src(src), "{src:?}");
        }
    }

    fn revealed_with(html: &str, leftovers: LazyLeftovers) -> String {
        let doc = Document::fragment(html);
        for node in doc.select("img, source").nodes() {
            reveal_lazy_picture(node, leftovers);
        }
        crate::sanitize::fragment_html(&doc)
    }

    fn revealed(html: &str) -> String {
        revealed_with(html, LazyLeftovers::Drop)
    }

    #[test]
    fn lazy_pictures_get_their_real_address_and_lose_the_lazy_attributes() {
        assert_eq!(
            revealed(r#"<img src="data:image/gif;base64,R0lGOD" data-src=" /a.jpg " alt="A">"#),
            r#"<img src="/a.jpg" alt="A">"#
        );
        // Every lazy attribute is read, the first non-empty one wins.
        assert_eq!(
            revealed(r#"<img data-src="" data-url="/u.jpg">"#),
            r#"<img src="/u.jpg">"#
        );
        // Only a lazy srcset: the stand-in goes, the srcset comes.
        assert_eq!(
            revealed(r#"<img src="/spacer.gif" data-lazy-srcset="/b.jpg 2x">"#),
            r#"<img srcset="/b.jpg 2x">"#
        );
        // A real src and srcset stay; the lazy copies only go.
        assert_eq!(
            revealed(
                r#"<img src="/real.jpg" srcset="/r.jpg 2x" data-src="/other.jpg" data-srcset="/o.jpg 2x">"#
            ),
            r#"<img src="/real.jpg" srcset="/r.jpg 2x">"#
        );
        // A <source> has no src to replace, only a srcset to fill.
        assert_eq!(
            revealed(r#"<picture><source data-srcset="/s.webp"><img src="/i.jpg"></picture>"#),
            r#"<picture><source srcset="/s.webp"><img src="/i.jpg"></picture>"#
        );
    }

    #[test]
    fn kept_leftovers_are_left_for_a_later_reader() {
        assert_eq!(
            revealed_with(
                r#"<img src="/spacer.gif" data-src="/a.jpg" data-srcset="/b.jpg 2x">"#,
                LazyLeftovers::Keep
            ),
            r#"<img src="/a.jpg" data-src="/a.jpg" data-srcset="/b.jpg 2x" srcset="/b.jpg 2x">"#
        );
        // Without a lazy src the stand-in stays too: only the final word drops it.
        assert_eq!(
            revealed_with(r#"<img data-srcset="/b.jpg 2x">"#, LazyLeftovers::Keep),
            r#"<img data-srcset="/b.jpg 2x" srcset="/b.jpg 2x">"#
        );
    }
}
