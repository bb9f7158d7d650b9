//! Which Content-Types a feed or a page body is accepted under, and the sniffing that stands in
//! for a missing or meaningless type.
//!
//! Owns the two rules (what is read as a feed, what is extracted as a page) so that the fetcher
//! refuses an image, a PDF or a font before any parser sees it. It must never accept a type on
//! the body alone when the server named a type that says what the body is (`image/svg+xml` is
//! XML, and still a picture).

/// What a Content-Type says about a body of one kind.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum TypeVerdict {
    /// The type is one this kind is read as.
    Accepted,
    /// The type says nothing useful (missing, `text/plain`, `application/octet-stream`): the
    /// body decides.
    Sniff,
    /// The type is something else; the body is not read as this kind.
    Refused,
}

/// The media type of a Content-Type value, lowercased, without parameters (`text/html`).
pub(crate) fn media_type(content_type: &str) -> String {
    content_type
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase()
}

/// Types that say nothing about what the body is: raw file hosts and misconfigured servers
/// serve real feeds this way, so the body is sniffed instead.
fn says_nothing(media: &str) -> bool {
    matches!(
        media,
        "" | "text/plain" | "application/octet-stream" | "binary/octet-stream"
    )
}

/// The rule for feeds: XML, JSON and the feed types (RSS, Atom, RDF, JSON Feed, and their
/// legacy `x-` and `text/` spellings) are read; `text/html` and XHTML too, because the address
/// a person types is often the site's page, whose feed discovery then finds. Anything else
/// (pictures, audio, video, fonts, PDF, archives, scripts) is refused.
pub(crate) fn feed_verdict(content_type: Option<&str>) -> TypeVerdict {
    let media = media_type(content_type.unwrap_or(""));
    if says_nothing(&media) {
        return TypeVerdict::Sniff;
    }
    let Some((top, sub)) = media.split_once('/') else {
        return TypeVerdict::Refused;
    };
    let feed_like = ["xml", "json", "rss", "atom", "rdf", "feed", "html"]
        .iter()
        .any(|word| sub.contains(word));
    if matches!(top, "application" | "text") && feed_like {
        TypeVerdict::Accepted
    } else {
        TypeVerdict::Refused
    }
}

/// The rule for pages: only HTML and XHTML are extracted; a missing type is sniffed. A page
/// served as `text/plain` or `application/octet-stream` is not a web page, whatever it holds.
pub(crate) fn page_verdict(content_type: Option<&str>) -> TypeVerdict {
    match media_type(content_type.unwrap_or("")).as_str() {
        "text/html" | "application/xhtml+xml" => TypeVerdict::Accepted,
        "" => TypeVerdict::Sniff,
        _ => TypeVerdict::Refused,
    }
}

/// Whether a body whose type said nothing looks like a document at all: markup or JSON first
/// (after a byte order mark and white space). Used for feeds (XML or JSON) and pages (HTML).
pub(crate) fn sniffs_as_markup_or_json(body: &[u8]) -> bool {
    let (text, step) = match body {
        // UTF-16 feeds exist; look at every other byte past the mark.
        [0xFF, 0xFE, rest @ ..] => (rest, 2),
        [0xFE, 0xFF, _, rest @ ..] => (rest, 2),
        [0xEF, 0xBB, 0xBF, rest @ ..] => (rest, 1),
        _ => (body, 1),
    };
    text.iter()
        .step_by(step)
        .take(1024)
        .find(|b| !b.is_ascii_whitespace())
        .is_some_and(|b| matches!(b, b'<' | b'{' | b'['))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn feeds_are_read_under_feed_xml_json_and_html_types_only() {
        for accepted in [
            "application/rss+xml",
            "application/atom+xml; charset=utf-8",
            "application/rdf+xml",
            "application/feed+json",
            "application/json",
            "text/xml",
            "application/xml",
            "application/x-rss+xml",
            "text/html",
            "application/xhtml+xml",
        ] {
            assert_eq!(
                feed_verdict(Some(accepted)),
                TypeVerdict::Accepted,
                "{accepted}"
            );
        }
        for refused in [
            "image/png",
            "image/svg+xml",
            "audio/mpeg",
            "video/mp4",
            "font/woff2",
            "application/pdf",
            "application/zip",
            "text/javascript",
            "nonsense",
        ] {
            assert_eq!(
                feed_verdict(Some(refused)),
                TypeVerdict::Refused,
                "{refused}"
            );
        }
        for sniffed in [
            None,
            Some(""),
            Some("text/plain"),
            Some("application/octet-stream"),
        ] {
            assert_eq!(feed_verdict(sniffed), TypeVerdict::Sniff, "{sniffed:?}");
        }
    }

    #[test]
    fn pages_are_extracted_as_html_or_xhtml_only_and_sniffed_when_untyped() {
        assert_eq!(
            page_verdict(Some("text/html; charset=utf-8")),
            TypeVerdict::Accepted
        );
        assert_eq!(
            page_verdict(Some("Application/XHTML+XML")),
            TypeVerdict::Accepted
        );
        assert_eq!(page_verdict(None), TypeVerdict::Sniff);
        for refused in [
            "text/plain",
            "application/octet-stream",
            "image/svg+xml",
            "application/pdf",
        ] {
            assert_eq!(
                page_verdict(Some(refused)),
                TypeVerdict::Refused,
                "{refused}"
            );
        }
    }

    #[test]
    fn sniffing_finds_markup_or_json_after_marks_and_white_space() {
        assert!(sniffs_as_markup_or_json(
            b"  \n<?xml version=\"1.0\"?><rss/>"
        ));
        assert!(sniffs_as_markup_or_json(b"\xEF\xBB\xBF{\"version\":1}"));
        assert!(sniffs_as_markup_or_json(b"\xFF\xFE<\x00r\x00"));
        assert!(!sniffs_as_markup_or_json(b"\x89PNG\r\n\x1a\n"));
        assert!(!sniffs_as_markup_or_json(b"%PDF-1.7"));
        assert!(!sniffs_as_markup_or_json(b""));
    }
}
