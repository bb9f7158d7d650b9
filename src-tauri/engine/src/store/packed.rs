//! A story's three long texts (its excerpt, its plain text and its sanitized HTML) packed into
//! the one compressed column `articles.body`.
//!
//! Owns the byte format and nothing else: it never looks inside the texts, never decides what
//! they are, and is only called by the store. The three are compressed together because the
//! text repeats the HTML's words: packed, the 500 × 50 farm's stories take 513 bytes each
//! instead of 1,597 (excerpt 278, text 565, HTML 754), and the library on disk went from
//! 66.1 MB to the figure in BENCHMARKS.md ("Library size").
//!
//! The format: one version byte (1), the excerpt's and the text's lengths in bytes as LEB128
//! numbers, then one raw deflate stream of excerpt, text and HTML back to back. The excerpt
//! comes first and the HTML last, so the article list (which shows excerpts) and the search's
//! and rules' readers (which want the text) stop inflating early. The stream is written by the
//! engine's own `deflate` (tables sized to a story, not to megabytes) and read by flate2; any
//! raw deflate stream reads back, so bodies written by earlier versions (miniz's fastest level)
//! need no migration.

use std::io::Read;

use flate2::read::DeflateDecoder;
use rusqlite::functions::FunctionFlags;
use rusqlite::Connection;

/// The format's version, the first byte of every packed body.
const FORMAT: u8 = 1;

/// How far to unpack a body: everything up to and including this part.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Debug)]
pub(super) enum Upto {
    Excerpt,
    Text,
    Html,
}

/// What [`unpack`] read; the parts past the one asked for are empty.
#[derive(Debug, Default, PartialEq, Eq)]
pub(super) struct Unpacked {
    pub excerpt: String,
    pub text: String,
    pub html: String,
}

/// A body that is not in the format (damaged, or written by a newer Broadsheet).
#[derive(Debug, thiserror::Error)]
#[error("a stored story's body is damaged or of an unknown format")]
pub(super) struct Damaged;

/// Packs the three texts into one body.
pub(super) fn pack(excerpt: &str, text: &str, html: &str) -> Vec<u8> {
    let mut out = Vec::with_capacity(16 + (excerpt.len() + text.len() + html.len()) / 2);
    out.push(FORMAT);
    put_len(&mut out, excerpt.len());
    put_len(&mut out, text.len());
    let mut input = Vec::with_capacity(excerpt.len() + text.len() + html.len());
    for part in [excerpt, text, html] {
        input.extend_from_slice(part.as_bytes());
    }
    crate::deflate::deflate(&input, &mut out);
    out
}

/// Unpacks a body up to `upto`.
pub(super) fn unpack(body: &[u8], upto: Upto) -> Result<Unpacked, Damaged> {
    let (&format, mut rest) = body.split_first().ok_or(Damaged)?;
    if format != FORMAT {
        return Err(Damaged);
    }
    let excerpt_len = take_len(&mut rest)?;
    let text_len = take_len(&mut rest)?;
    let mut inflate = DeflateDecoder::new(rest);
    let mut part = |len: Option<usize>| -> Result<String, Damaged> {
        let mut bytes = Vec::new();
        match len {
            Some(len) => {
                bytes.resize(len, 0);
                inflate.read_exact(&mut bytes).map_err(|_| Damaged)?;
            }
            None => {
                inflate.read_to_end(&mut bytes).map_err(|_| Damaged)?;
            }
        }
        String::from_utf8(bytes).map_err(|_| Damaged)
    };
    let mut out = Unpacked {
        excerpt: part(Some(excerpt_len))?,
        ..Unpacked::default()
    };
    if upto >= Upto::Text {
        out.text = part(Some(text_len))?;
    }
    if upto >= Upto::Html {
        out.html = part(None)?;
    }
    Ok(out)
}

/// Reads column `i` of a row as a body unpacked up to `upto`, a damaged body as a conversion
/// error of that column.
pub(super) fn column(r: &rusqlite::Row, i: usize, upto: Upto) -> rusqlite::Result<Unpacked> {
    let body: Vec<u8> = r.get(i)?;
    unpack(&body, upto).map_err(|e| {
        rusqlite::Error::FromSqlConversionFailure(i, rusqlite::types::Type::Blob, e.into())
    })
}

/// Registers `broadsheet_pack(excerpt, text, html)` on `conn`, for the migration that packed
/// the bodies of libraries written before the format (SQL cannot compress).
pub(super) fn register(conn: &Connection) -> rusqlite::Result<()> {
    conn.create_scalar_function(
        "broadsheet_pack",
        3,
        FunctionFlags::SQLITE_UTF8 | FunctionFlags::SQLITE_DETERMINISTIC,
        |ctx| {
            let part = |i| ctx.get::<Option<String>>(i).map(Option::unwrap_or_default);
            Ok(pack(&part(0)?, &part(1)?, &part(2)?))
        },
    )
}

fn put_len(out: &mut Vec<u8>, mut n: usize) {
    loop {
        let byte = (n & 0x7f) as u8;
        n >>= 7;
        if n == 0 {
            out.push(byte);
            return;
        }
        out.push(byte | 0x80);
    }
}

fn take_len(rest: &mut &[u8]) -> Result<usize, Damaged> {
    let mut n: usize = 0;
    for shift in (0..usize::BITS).step_by(7) {
        let (&byte, tail) = rest.split_first().ok_or(Damaged)?;
        *rest = tail;
        n |= usize::from(byte & 0x7f).checked_shl(shift).ok_or(Damaged)?;
        if byte & 0x80 == 0 {
            return Ok(n);
        }
    }
    Err(Damaged)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_packed_body_unpacks_to_the_same_three_texts() {
        let html = "<p>Leaders met in Beijing.</p>".repeat(40);
        let body = pack("Leaders met…", "Leaders met in Beijing.", &html);
        let all = unpack(&body, Upto::Html).unwrap();
        assert_eq!(all.excerpt, "Leaders met…");
        assert_eq!(all.text, "Leaders met in Beijing.");
        assert_eq!(all.html, html);
        assert!(body.len() < html.len() / 4, "{} bytes", body.len());
    }

    #[test]
    fn unpacking_up_to_the_excerpt_leaves_the_text_and_html_empty() {
        let body = pack("é excerpt", "the text", "<p>the html</p>");
        let some = unpack(&body, Upto::Excerpt).unwrap();
        assert_eq!(
            some,
            Unpacked {
                excerpt: "é excerpt".into(),
                ..Unpacked::default()
            }
        );
        assert_eq!(unpack(&body, Upto::Text).unwrap().text, "the text");
    }

    #[test]
    fn empty_texts_and_lengths_past_one_byte_pack_too() {
        let long = "x".repeat(70_000);
        let body = pack("", &long, "");
        let all = unpack(&body, Upto::Html).unwrap();
        assert_eq!(
            (all.excerpt.len(), all.text.len(), all.html.len()),
            (0, 70_000, 0)
        );
    }

    #[test]
    fn a_body_that_does_not_compress_packs_and_unpacks_whole() {
        // Pseudo-random letters: the packed body outgrows the first guess at its size.
        let mut x: u32 = 1;
        let noise: String = (0..200_000)
            .map(|_| {
                x = x.wrapping_mul(1_103_515_245).wrapping_add(12_345);
                char::from(b'!' + ((x >> 16) % 90) as u8)
            })
            .collect();
        let body = pack(&noise[..300], &noise[300..90_000], &noise[90_000..]);
        let all = unpack(&body, Upto::Html).unwrap();
        assert_eq!(all.excerpt + &all.text + &all.html, noise);
    }

    #[test]
    fn a_damaged_or_unknown_body_is_an_error_not_a_panic() {
        let body = pack("a", "b", "c");
        for bad in [
            &[][..],
            &[2, 0, 0][..],
            &body[..body.len() - 2],
            &[
                1, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
            ][..],
            &[1, 5, 0, 0x03, 0x00][..],
        ] {
            assert!(unpack(bad, Upto::Html).is_err(), "{bad:?}");
        }
    }
}
