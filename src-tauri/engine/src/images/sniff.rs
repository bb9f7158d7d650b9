//! The bytes check: what counts as a picture. A raster format recognised by its magic numbers
//! (PNG, JPEG, GIF, WebP, AVIF, BMP, ICO), with its size when the header gives it cheaply.
//!
//! Both the picture cache and the feed icons keep only what passes here. It must never trust
//! a label (a Content-Type, a file name) over the bytes, and never accept SVG or HTML: an SVG
//! can carry script.

/// A raster image recognised by its magic numbers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SniffedImage {
    /// The MIME type the bytes are.
    pub mime: &'static str,
    /// Width and height, when the header gives them cheaply (PNG, GIF).
    pub dimensions: Option<(u32, u32)>,
}

/// Recognises PNG, JPEG, GIF, WebP, AVIF, BMP and ICO by their first bytes; anything else
/// (SVG, HTML, text, truncated headers) is `None`.
pub fn sniff_image(bytes: &[u8]) -> Option<SniffedImage> {
    let image = |mime, dimensions| Some(SniffedImage { mime, dimensions });
    let be32 = |at: usize| -> Option<u32> {
        Some(u32::from_be_bytes(bytes.get(at..at + 4)?.try_into().ok()?))
    };
    let le16 = |at: usize| -> Option<u32> {
        Some(u16::from_le_bytes(bytes.get(at..at + 2)?.try_into().ok()?).into())
    };
    if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        // The first chunk must be IHDR: width and height, big-endian (PNG spec, 11.2.2).
        if bytes.get(12..16) != Some(b"IHDR") {
            return None;
        }
        return image("image/png", Some((be32(16)?, be32(20)?)));
    }
    if bytes.starts_with(b"\xff\xd8\xff") {
        return image("image/jpeg", None);
    }
    if bytes.starts_with(b"GIF87a") || bytes.starts_with(b"GIF89a") {
        // The logical screen size follows the signature, little-endian.
        return image("image/gif", Some((le16(6)?, le16(8)?)));
    }
    if bytes.starts_with(b"RIFF") && bytes.get(8..12) == Some(b"WEBP") {
        return image("image/webp", None);
    }
    if bytes.get(4..8) == Some(b"ftyp") {
        // ISO-BMFF: the major brand and the compatible brands of the ftyp box name AVIF.
        let box_len = usize::try_from(be32(0)?).ok()?.min(bytes.len());
        let brands = bytes.get(8..box_len)?;
        let is_avif = brands
            .chunks_exact(4)
            .enumerate()
            .any(|(i, brand)| i != 1 && (brand == b"avif" || brand == b"avis"));
        return if is_avif {
            image("image/avif", None)
        } else {
            None
        };
    }
    if bytes.starts_with(b"BM") {
        // Two letters are weak evidence: also require a known DIB header size.
        let dib = u32::from_le_bytes(bytes.get(14..18)?.try_into().ok()?);
        return matches!(dib, 12 | 40 | 52 | 56 | 64 | 108 | 124).then_some(SniffedImage {
            mime: "image/bmp",
            dimensions: None,
        });
    }
    if bytes.starts_with(b"\0\0\x01\0") && le16(4).is_some_and(|count| count > 0) {
        return image("image/x-icon", None);
    }
    None
}

/// A word on what a refused body seems to be, for the error message.
pub fn describe_non_image(bytes: &[u8]) -> &'static str {
    if bytes.is_empty() {
        return "nothing (empty body)";
    }
    let head = String::from_utf8_lossy(&bytes[..bytes.len().min(512)]).to_ascii_lowercase();
    let head = head.trim_start_matches('\u{feff}').trim_start();
    if head.contains("<svg") {
        "SVG"
    } else if head.starts_with("<!doctype html") || head.contains("<html") || head.contains("<body")
    {
        "HTML"
    } else if head.starts_with('<') {
        "markup"
    } else {
        "an unknown format"
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sniffing_knows_raster_formats_and_refuses_markup() {
        let mut gif = b"GIF89a".to_vec();
        gif.extend_from_slice(&[1, 0, 1, 0, 0, 0, 0]);
        assert_eq!(
            sniff_image(&gif),
            Some(SniffedImage {
                mime: "image/gif",
                dimensions: Some((1, 1))
            })
        );
        assert_eq!(
            sniff_image(b"\xff\xd8\xff\xe0rest").map(|s| s.mime),
            Some("image/jpeg")
        );
        assert_eq!(
            sniff_image(b"RIFF\0\0\0\0WEBPVP8 ").map(|s| s.mime),
            Some("image/webp")
        );
        assert_eq!(
            sniff_image(b"\0\0\0\x1cftypmif1\0\0\0\0mif1avifmiaf").map(|s| s.mime),
            Some("image/avif")
        );
        // An MP4 is ISO-BMFF too, but not a picture.
        assert_eq!(sniff_image(b"\0\0\0\x18ftypmp42\0\0\0\0mp42isom"), None);
        assert_eq!(
            sniff_image(b"\0\0\x01\0\x01\0\x10\x10").map(|s| s.mime),
            Some("image/x-icon")
        );
        assert_eq!(sniff_image(b"BMxx"), None);
        assert_eq!(
            sniff_image(b"<svg xmlns='http://www.w3.org/2000/svg'/>"),
            None
        );
        assert_eq!(sniff_image(b"<!DOCTYPE html><html></html>"), None);
        // A PNG signature alone, cut before IHDR.
        assert_eq!(sniff_image(b"\x89PNG\r\n\x1a\n"), None);
        assert_eq!(describe_non_image(b"<?xml version='1.0'?><svg/>"), "SVG");
        assert_eq!(describe_non_image(b"\n<!doctype html><p>x"), "HTML");
    }
}
