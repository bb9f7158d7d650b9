//! The plain-text views of HTML: the search text and excerpts of a story, and the escaping of
//! text placed inside HTML.
//!
//! The output of these functions is text, never markup (except [`escape_html`], whose output
//! is text made safe to put in HTML). They must never parse input the complexity guard
//! refuses.

use std::ops::ControlFlow;

use dom_query::{Document, NodeData, NodeRef};

use super::{parse_fragment, CONTENT_DROPPED_TAGS};
use crate::runs::words_between_spaces;

/// Plain text of HTML, whitespace collapsed, block elements separated by newlines: for search
/// and excerpts. Any HTML will do (the output is text, never markup): the content of scripts,
/// styles and the like is dropped, and input that fails the complexity guard gives "".
pub fn html_to_text(html: &str) -> String {
    match parse_fragment(html) {
        Ok(doc) => tree_text(&doc),
        Err(error) => {
            tracing::warn!(%error, "html_to_text: refused input");
            String::new()
        }
    }
}

/// The plain text of a parsed fragment, as [`html_to_text`] gives it.
pub(super) fn tree_text(doc: &Document) -> String {
    let mut text = TextBuilder::default();
    // An explicit stack, not recursion: the input may nest up to the guard's limit. Each node
    // is read in place, its text and name borrowed and its children reached by their links
    // (copying each text and collecting each element's children cost 0.5 µs of a farm story's
    // 22.5 µs of sanitizing; BENCHMARKS.md, 2026-12-01, night).
    let mut stack: Vec<(NodeRef, bool)> = vec![(doc.html_root(), false)];
    while let Some((node, leaving)) = stack.pop() {
        if leaving {
            text.block_boundary();
            continue;
        }
        let visit = node.query_or(Visit::Skip, |n| match &n.data {
            NodeData::Text { contents } => {
                text.push_text(contents);
                Visit::Skip
            }
            NodeData::Element(element) => {
                let name = element.name.local.as_ref();
                if CONTENT_DROPPED_TAGS.contains(&name) {
                    Visit::Skip
                } else if name == "br" {
                    Visit::LineBreak
                } else {
                    Visit::Children {
                        block: is_block_element(name),
                    }
                }
            }
            _ => Visit::Skip,
        });
        match visit {
            Visit::Skip => {}
            Visit::LineBreak => text.block_boundary(),
            Visit::Children { block } => {
                if block {
                    text.block_boundary();
                    stack.push((node, true));
                }
                let mut child = node.last_child();
                while let Some(c) = child {
                    child = c.prev_sibling();
                    stack.push((c, false));
                }
            }
        }
    }
    text.finish()
}

/// What [`tree_text`] does next with a node it has read.
enum Visit {
    /// Nothing more: a text (read already), a dropped element, a comment.
    Skip,
    /// A line break.
    LineBreak,
    /// Reads its children, between block boundaries when it is a block.
    Children { block: bool },
}

fn is_block_element(name: &str) -> bool {
    matches!(
        name,
        "p" | "h1"
            | "h2"
            | "h3"
            | "h4"
            | "h5"
            | "h6"
            | "div"
            | "section"
            | "article"
            | "header"
            | "footer"
            | "aside"
            | "blockquote"
            | "figure"
            | "figcaption"
            | "ul"
            | "ol"
            | "li"
            | "dl"
            | "dt"
            | "dd"
            | "table"
            | "caption"
            | "tr"
            | "td"
            | "th"
            | "pre"
            | "hr"
            | "details"
            | "summary"
            | "video"
            | "audio"
            | "picture"
            | "main"
            | "nav"
            | "address"
    )
}

/// Accumulates text with whitespace collapsed and at most one newline between blocks.
#[derive(Default)]
struct TextBuilder {
    out: String,
    pending_space: bool,
    pending_newline: bool,
}

impl TextBuilder {
    fn push_text(&mut self, text: &str) {
        let mut last_end = 0;
        words_between_spaces(text, |word, start, end| {
            if start > last_end {
                self.pending_space = true;
            }
            if !self.out.is_empty() {
                if self.pending_newline {
                    self.out.push('\n');
                } else if self.pending_space {
                    self.out.push(' ');
                }
            }
            self.pending_newline = false;
            self.pending_space = false;
            self.out.push_str(word);
            last_end = end;
            ControlFlow::Continue(())
        });
        if last_end < text.len() {
            self.pending_space = true;
        }
    }

    fn block_boundary(&mut self) {
        self.pending_newline = true;
    }

    fn finish(self) -> String {
        self.out
    }
}

/// An excerpt: the first ~`max_chars` characters of text, cut at a word boundary, with "…" when cut.
pub fn excerpt(text: &str, max_chars: usize) -> String {
    let (mut collapsed, chars) = collapse_whitespace_upto(text, max_chars);
    if chars <= max_chars {
        return collapsed;
    }
    // Leave room for the ellipsis so the result never exceeds `max_chars`.
    let budget = max_chars.saturating_sub(1);
    let cut = if collapsed.is_ascii() {
        budget
    } else {
        collapsed
            .char_indices()
            .nth(budget)
            .map_or(collapsed.len(), |(index, _)| index)
    };
    let head = &collapsed[..cut];
    let at_word_end = collapsed[cut..].starts_with(' ');
    let head = if at_word_end {
        head
    } else {
        match head.rfind(' ') {
            Some(space) if space > 0 => &head[..space],
            // One word longer than the budget: cut inside it rather than return nothing.
            _ => head,
        }
    };
    let head = head.trim_end_matches(|c: char| c.is_whitespace() || matches!(c, ',' | ';' | ':'));
    collapsed.truncate(head.len());
    collapsed.push('…');
    collapsed
}

/// Text made safe to place in HTML content or in a quoted attribute: for the few places that
/// build HTML around text (a plain-text summary, an export's title), never for stored HTML.
pub fn escape_html(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 16);
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

/// Markup flattened to its text without parsing it, in one linear pass: what is between `<`
/// and `>` goes, entities stay as written. For HTML the complexity guard refused, where a
/// title or a note still needs words to show.
pub fn text_without_tags(html: &str) -> String {
    let mut out = String::with_capacity(html.len().min(4096));
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => in_tag = true,
            '>' if in_tag => in_tag = false,
            _ if !in_tag => out.push(c),
            _ => {}
        }
    }
    out
}

/// The start of [`collapse_whitespace`]'s output: whole words until it is longer than
/// `max_chars` characters (all of it when it is not), with its length in characters. An excerpt
/// reads no further, and a story's text is many times its excerpt.
fn collapse_whitespace_upto(text: &str, max_chars: usize) -> (String, usize) {
    let mut out = String::with_capacity(
        text.len()
            .min(max_chars.saturating_mul(4).saturating_add(8)),
    );
    let mut chars = 0;
    words_between_spaces(text, |word, _, _| {
        if chars > max_chars {
            return ControlFlow::Break(());
        }
        if !out.is_empty() {
            out.push(' ');
            chars += 1;
        }
        out.push_str(word);
        // Only a word that is not ASCII has fewer characters than bytes.
        chars += if word.is_ascii() {
            word.len()
        } else {
            word.chars().count()
        };
        ControlFlow::Continue(())
    });
    (out, chars)
}

/// Runs of whitespace (newlines included) as one space, with none at either end.
pub fn collapse_whitespace(text: &str) -> String {
    collapse_whitespace_upto(text, usize::MAX).0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_start_an_excerpt_reads_is_all_it_would_read_of_the_whole_collapsed_text() {
        // The excerpt looks at its text's first `max_chars + 1` characters at most (the cut and
        // the character after it), so a start holding those, or all of the text, gives the same.
        let words = [
            "Leaders",
            "met",
            "in",
            "Běijīng,",
            "x",
            "ünïcödé;",
            "talks",
            "\n\n",
            "a:",
        ];
        for length in 0..120 {
            let text: String = (0..length)
                .map(|i| words[(i * 7 + length) % words.len()])
                .collect::<Vec<_>>()
                .join(if length % 3 == 0 { "  " } else { " " });
            let whole = text.split_whitespace().collect::<Vec<_>>().join(" ");
            assert_eq!(collapse_whitespace(&text), whole);
            for max in [1, 2, 5, 17, 40, 280] {
                let (start, chars) = collapse_whitespace_upto(&text, max);
                assert_eq!(chars, start.chars().count(), "{text:?} at {max}");
                assert!(whole.starts_with(&start), "{text:?} at {max}");
                assert!(
                    start == whole || start.chars().count() > max,
                    "{text:?} at {max}: {start:?}"
                );
            }
        }
    }
}
