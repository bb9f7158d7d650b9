//! Runs of characters of one kind in text, found byte by byte: the one walk behind reading a
//! story's words (`stories`) and collapsing its whitespace (`sanitize`'s text views).
//!
//! Owns where such runs start and end, and nothing else: it never allocates, never copies,
//! and never decides what a word is (its callers' predicates do).

use std::ops::ControlFlow;

/// Calls `each` with where each run of characters that are `inside` starts and ends in `text`
/// (byte offsets), in order, until it breaks.
pub fn runs_of(
    text: &str,
    inside: impl Fn(char) -> bool,
    mut each: impl FnMut(usize, usize) -> ControlFlow<()>,
) {
    // Byte by byte, decoding only what is not ASCII: splitting at a character predicate
    // decoded every character, which cost more than the rest of reading the words.
    let bytes = text.as_bytes();
    let (mut start, mut at) = (None, 0);
    while let Some(&byte) = bytes.get(at) {
        let (is_inside, len) = if byte.is_ascii() {
            (inside(char::from(byte)), 1)
        } else {
            text.get(at..)
                .and_then(|rest| rest.chars().next())
                .map_or((false, 1), |c| (inside(c), c.len_utf8()))
        };
        match (is_inside, start) {
            (true, None) => start = Some(at),
            (false, Some(from)) => {
                start = None;
                if each(from, at).is_break() {
                    return;
                }
            }
            _ => {}
        }
        at += len;
    }
    if let Some(from) = start {
        let _ = each(from, at);
    }
}

/// Calls `each` with each whitespace-separated word of `text` (as `str::split_whitespace`
/// gives them) and where it starts and ends, until it breaks.
pub fn words_between_spaces(
    text: &str,
    mut each: impl FnMut(&str, usize, usize) -> ControlFlow<()>,
) {
    runs_of(
        text,
        |c| !c.is_whitespace(),
        |start, end| {
            text.get(start..end)
                .map_or(ControlFlow::Continue(()), |w| each(w, start, end))
        },
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(text: &str) -> Vec<(String, usize, usize)> {
        let mut found = Vec::new();
        words_between_spaces(text, |w, start, end| {
            found.push((w.to_string(), start, end));
            ControlFlow::Continue(())
        });
        found
    }

    #[test]
    fn words_between_spaces_are_those_split_whitespace_gives_whatever_the_spaces() {
        for text in [
            "",
            "   ",
            "one",
            " Officials in\u{a0}Beijing\u{3000}said\t3,000\r\nhomes\u{b}lost\u{85}power  ",
            "caf\u{e9} na\u{ef}ve \u{201c}quoted\u{201d}\u{2009}thin\u{202f}space",
        ] {
            let found: Vec<String> = words(text).into_iter().map(|w| w.0).collect();
            let expected: Vec<&str> = text.split_whitespace().collect();
            assert_eq!(found, expected, "{text:?}");
            for (word, start, end) in words(text) {
                assert_eq!(&text[start..end], word);
            }
        }
    }

    #[test]
    fn a_walk_that_breaks_reads_no_further_runs() {
        let mut seen = Vec::new();
        runs_of("ab cd ef", char::is_alphanumeric, |start, end| {
            seen.push((start, end));
            if seen.len() == 2 {
                ControlFlow::Break(())
            } else {
                ControlFlow::Continue(())
            }
        });
        assert_eq!(seen, [(0, 2), (3, 5)]);
    }
}
