//! Character encoding of feed bodies: decides the charset (BOM > HTTP header >
//! XML declaration) and transcodes to UTF-8 before any XML parser sees the bytes.
//!
//! It must never hand feed-rs a document whose declaration names another
//! encoding (quick-xml would decode it a second time, and panics on a late
//! switch from UTF-16), and must never reinterpret UTF-7 into markup.

use std::borrow::Cow;

use encoding_rs::Encoding;

use crate::fetch::charset_param;

/// How far into the body we look for an XML declaration; real ones are tiny.
const DECLARATION_WINDOW: usize = 512;

/// Why a body could not be turned into text.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum CharsetRefusal {
    /// The charset is UTF-7 or maps to encoding_rs's "replacement" encoding.
    Unsupported(String),
}

/// Decodes `body` to UTF-8 text, replacing invalid sequences with U+FFFD, and
/// drops a leading XML declaration so no later parser re-decodes the text.
pub(crate) fn decode_feed_text<'a>(
    body: &'a [u8],
    content_type: Option<&str>,
) -> Result<Cow<'a, str>, CharsetRefusal> {
    let (encoding, bom_len) = detect_encoding(body, content_type)?;
    let bytes = &body[bom_len..];
    let (text, had_errors) = encoding.decode_without_bom_handling(bytes);
    if had_errors {
        tracing::debug!(
            encoding = encoding.name(),
            "feed body had invalid byte sequences, replaced with U+FFFD"
        );
    }
    Ok(match text {
        Cow::Borrowed(s) => Cow::Borrowed(strip_xml_declaration(s)),
        Cow::Owned(s) => {
            let start = s.len() - strip_xml_declaration(&s).len();
            if start == 0 {
                Cow::Owned(s)
            } else {
                Cow::Owned(s[start..].to_owned())
            }
        }
    })
}

/// Picks the encoding and the BOM length to skip, by BOM > HTTP charset > XML declaration.
pub(crate) fn detect_encoding(
    body: &[u8],
    content_type: Option<&str>,
) -> Result<(&'static Encoding, usize), CharsetRefusal> {
    if let Some((encoding, bom_len)) = Encoding::for_bom(body) {
        return Ok((encoding, bom_len));
    }
    if let Some(label) = content_type.and_then(charset_param) {
        if let Some(encoding) = encoding_for_label(label.as_bytes())? {
            return Ok((encoding, 0));
        }
    }
    // Without a BOM, a UTF-16 document still starts with "<?" in 16-bit units (XML 1.0 appendix F).
    if body.starts_with(&[0x00, b'<', 0x00, b'?']) {
        return Ok((encoding_rs::UTF_16BE, 0));
    }
    if body.starts_with(&[b'<', 0x00, b'?', 0x00]) {
        return Ok((encoding_rs::UTF_16LE, 0));
    }
    if let Some(label) = declared_encoding(body) {
        if let Some(encoding) = encoding_for_label(label)? {
            // A declaration naming UTF-16 in a body without BOM or 16-bit pattern is a lie.
            if encoding != encoding_rs::UTF_16BE && encoding != encoding_rs::UTF_16LE {
                return Ok((encoding, 0));
            }
        }
    }
    Ok((encoding_rs::UTF_8, 0))
}

/// Maps a charset label; unknown labels yield `None` (we fall back), refused ones an error.
fn encoding_for_label(label: &[u8]) -> Result<Option<&'static Encoding>, CharsetRefusal> {
    let trimmed = label.trim_ascii();
    let is_utf7 = trimmed.eq_ignore_ascii_case(b"utf-7")
        || trimmed.eq_ignore_ascii_case(b"utf7")
        || trimmed.eq_ignore_ascii_case(b"unicode-1-1-utf-7")
        || trimmed.eq_ignore_ascii_case(b"csunicode11utf7");
    if is_utf7 {
        return Err(CharsetRefusal::Unsupported(
            String::from_utf8_lossy(trimmed).into_owned(),
        ));
    }
    match Encoding::for_label(trimmed) {
        Some(encoding) if encoding == encoding_rs::REPLACEMENT => Err(CharsetRefusal::Unsupported(
            String::from_utf8_lossy(trimmed).into_owned(),
        )),
        Some(encoding) => Ok(Some(encoding)),
        None => {
            tracing::debug!(
                label = %String::from_utf8_lossy(trimmed),
                "unknown charset label, falling back"
            );
            Ok(None)
        }
    }
}

/// The `encoding` pseudo-attribute of an ASCII-compatible XML declaration at the start of `body`.
fn declared_encoding(body: &[u8]) -> Option<&[u8]> {
    let window = &body[..body.len().min(DECLARATION_WINDOW)];
    let start = window.trim_ascii_start();
    if !start.starts_with(b"<?xml") {
        return None;
    }
    let end = find(start, b"?>")?;
    let declaration = &start[..end];
    let at = find(declaration, b"encoding")?;
    let rest = declaration[at + b"encoding".len()..].trim_ascii_start();
    let rest = rest.strip_prefix(b"=")?.trim_ascii_start();
    let quote = *rest.first()?;
    if quote != b'"' && quote != b'\'' {
        return None;
    }
    let value = &rest[1..];
    let close = value.iter().position(|&b| b == quote)?;
    Some(&value[..close])
}

/// Skips leading whitespace and XML declarations (`<?xml ...?>`), if present: all of them, as
/// one left behind a first would become the document's own and name an encoding again (quick-xml
/// under feed-rs panics on that once it has decoded).
fn strip_xml_declaration(mut text: &str) -> &str {
    loop {
        let trimmed = text.trim_start();
        let Some(after) = trimmed.strip_prefix("<?xml") else {
            return text;
        };
        // "<?xml-stylesheet" is a processing instruction, not the declaration.
        if !after.starts_with(|c: char| c.is_ascii_whitespace() || c == '?') {
            return text;
        }
        match after.find("?>") {
            Some(end) => text = &after[end + 2..],
            None => return text,
        }
    }
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bom_beats_http_header_and_declaration() {
        let body = b"\xEF\xBB\xBF<?xml version='1.0' encoding='ISO-8859-1'?><rss/>";
        let (encoding, bom) =
            detect_encoding(body, Some("text/xml; charset=windows-1252")).unwrap();
        assert_eq!((encoding, bom), (encoding_rs::UTF_8, 3));
    }

    #[test]
    fn http_header_beats_declaration() {
        let body = b"<?xml version='1.0' encoding='utf-8'?><rss/>";
        let (encoding, _) =
            detect_encoding(body, Some("text/xml; charset=\"windows-1252\"")).unwrap();
        assert_eq!(encoding, encoding_rs::WINDOWS_1252);
    }

    #[test]
    fn declaration_is_stripped_after_decoding() {
        let body = b"<?xml version=\"1.0\" encoding=\"iso-8859-1\"?>\n<rss>caf\xE9</rss>";
        let text = decode_feed_text(body, None).unwrap();
        assert_eq!(text, "\n<rss>caf\u{e9}</rss>");
    }

    #[test]
    fn every_leading_declaration_is_stripped_not_just_the_first() {
        let body = b"<?xml?> <?xml version=\"1.0\" encoding=\"iso-8859-1\"?><rss>news</rss>";
        let text = decode_feed_text(body, None).unwrap();
        assert_eq!(text, "<rss>news</rss>");
    }

    #[test]
    fn stylesheet_instruction_is_not_a_declaration() {
        let text = decode_feed_text(b"<?xml-stylesheet href='a.xsl'?><rss/>", None).unwrap();
        assert_eq!(text, "<?xml-stylesheet href='a.xsl'?><rss/>");
    }

    #[test]
    fn utf7_is_refused_from_either_source() {
        let body = b"<?xml version='1.0' encoding='UTF-7'?><rss/>";
        assert!(decode_feed_text(body, None).is_err());
        assert!(decode_feed_text(b"<rss/>", Some("text/xml; charset=utf-7")).is_err());
    }
}
