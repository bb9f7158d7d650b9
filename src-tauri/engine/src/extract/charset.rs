//! Bytes of a fetched page to text: BOM, then the HTTP charset, then `<meta charset>` in the
//! first bytes, else UTF-8. Invalid bytes become U+FFFD; nothing is rejected.

use encoding_rs::Encoding;

use crate::fetch::charset_param;

/// How far into the page a `<meta charset>` is looked for (the HTML spec says 1024 bytes).
const META_SCAN_BYTES: usize = 1024;

/// Decodes a page's bytes to text.
pub fn decode_html(bytes: &[u8], content_type: Option<&str>) -> String {
    if let Some((encoding, bom_len)) = Encoding::for_bom(bytes) {
        return encoding
            .decode_without_bom_handling(&bytes[bom_len..])
            .0
            .into_owned();
    }
    let declared = content_type
        .and_then(charset_param)
        .map(str::to_owned)
        .or_else(|| meta_charset(&bytes[..bytes.len().min(META_SCAN_BYTES)]))
        .and_then(|label| Encoding::for_label(label.as_bytes()))
        // UTF-16 cannot be declared from inside an ASCII-compatible document, and the
        // "replacement" encoding would turn the page into one U+FFFD.
        .filter(|e| e.is_ascii_compatible() && *e != encoding_rs::REPLACEMENT)
        .unwrap_or(encoding_rs::UTF_8);
    declared.decode_without_bom_handling(bytes).0.into_owned()
}

fn meta_charset(head: &[u8]) -> Option<String> {
    let text = String::from_utf8_lossy(head).to_ascii_lowercase();
    let at = text.find("charset=")? + "charset=".len();
    let rest = text[at..].trim_start_matches(['"', '\'', ' ']);
    let label: String = rest
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | ':' | '.'))
        .collect();
    (!label.is_empty()).then_some(label)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn http_charset_then_meta_then_utf8() {
        // "café" in windows-1252.
        let latin = b"<html><head></head><body>caf\xe9</body></html>";
        assert!(decode_html(latin, Some("text/html; charset=windows-1252")).contains("café"));
        let meta = b"<html><head><meta charset=\"iso-8859-1\"></head><body>caf\xe9</body></html>";
        assert!(decode_html(meta, Some("text/html")).contains("café"));
        let utf8 = "<p>café</p>".as_bytes();
        assert!(decode_html(utf8, None).contains("café"));
    }

    #[test]
    fn a_bom_wins_and_bad_bytes_are_replaced() {
        let mut bom = vec![0xEF, 0xBB, 0xBF];
        bom.extend_from_slice("<p>ok</p>".as_bytes());
        assert_eq!(
            decode_html(&bom, Some("text/html; charset=windows-1252")),
            "<p>ok</p>"
        );
        assert_eq!(decode_html(b"<p>\xC3\x28</p>", None), "<p>\u{FFFD}(</p>");
    }

    #[test]
    fn utf16_declared_inside_an_ascii_page_is_ignored() {
        assert_eq!(
            decode_html(b"<meta charset=utf-16><p>x</p>", None),
            "<meta charset=utf-16><p>x</p>"
        );
    }
}
