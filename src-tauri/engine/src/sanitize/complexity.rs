//! The complexity guard: refuses HTML that would make html5ever slow (deep nesting,
//! attribute floods, oversized input) before anything parses it, in one linear scan of the
//! bytes.
//!
//! Every parse of outside HTML (the sanitizer, the extractor, discovery, icons, feed titles,
//! the text views) goes through [`parse_page`] or [`parse_fragment`] here, which ask the guard
//! first: nothing else in the engine calls html5ever on such input (`tests/html_parse_shape.rs`
//! checks it). The scan models html5ever's stack of open elements closely enough to err only
//! toward refusing; it must never build a tree, allocate per byte, or accept input it cannot
//! bound.

use std::collections::HashMap;
use std::sync::LazyLock;

use dom_query::Document;

use super::SanitizeError;

/// Largest article HTML accepted, in bytes; larger input is refused unparsed.
pub const MAX_HTML_BYTES: usize = 5 * 1024 * 1024;

/// Most elements open at once that the complexity guard accepts; news pages stay under 60.
pub const MAX_OPEN_ELEMENTS: usize = 256;

/// Most attributes on one tag that the complexity guard accepts.
pub const MAX_ATTRIBUTES_PER_TAG: usize = 512;

/// Refuses HTML that would make html5ever slow (deep nesting, attribute floods, over
/// `MAX_HTML_BYTES`) before it is parsed: one linear scan of the bytes.
pub fn check_complexity(html: &str) -> Result<(), SanitizeError> {
    if html.len() > MAX_HTML_BYTES {
        return Err(SanitizeError::TooLarge {
            bytes: html.len(),
            limit: MAX_HTML_BYTES,
        });
    }
    let outcome = NestingScan::new(html.as_bytes()).run();
    if outcome.is_err() {
        tracing::debug!(bytes = html.len(), "sanitize: refused as too complex");
    }
    outcome
}

/// A whole page from outside (discovery, icons, extraction) as a tree, if the complexity guard
/// lets it through: the one way such a page reaches html5ever.
pub fn parse_page(html: &str) -> Result<Document, SanitizeError> {
    check_complexity(html)?;
    Ok(Document::from(html))
}

/// A fragment of HTML from outside (a feed's title, a summary) as a tree, if the complexity
/// guard lets it through: the one way such a fragment reaches html5ever.
pub fn parse_fragment(html: &str) -> Result<Document, SanitizeError> {
    check_complexity(html)?;
    Ok(Document::fragment(html))
}

/// A stored story's HTML (the sanitizer's own output) as a tree, for the views made from it
/// (the window's, the exports). It passed the guard before it was stored; should it not now,
/// its text alone is parsed, so nothing pathological ever reaches html5ever.
pub fn parse_stored_fragment(html: &str) -> Document {
    match parse_fragment(html) {
        Ok(document) => document,
        Err(error) => {
            tracing::warn!(%error, "stored story refused by the complexity guard: its text alone is kept");
            Document::fragment(super::escape_html(&super::text_without_tags(html)))
        }
    }
}

/// An approximate model of html5ever's stack of open elements and its list of
/// active formatting elements, built from one byte scan. It errs toward counting
/// deeper than html5ever would: a normal page nests far below the limit, so only
/// pathological input is refused.
struct NestingScan<'a> {
    bytes: &'a [u8],
    pos: usize,
    open: Vec<OpenElement<'a>>,
    /// html5ever reopens formatting elements (`<b>`, `<a>`…) that were closed
    /// implicitly, so entries not on the stack still count toward depth.
    formatting: Vec<FormattingEntry<'a>>,
    off_stack: usize,
    next_entry_id: u32,
    /// Stack-walk steps left. html5ever walks its stack the same way, so input that
    /// makes these walks long (end tags under a deep stack) is slow for it too.
    walk_budget: usize,
}

struct OpenElement<'a> {
    name: &'a [u8],
    /// What the tables say of its name ([`kinds`]).
    kinds: u16,
    foreign: bool,
    /// Whether it ends the search for an element "in scope".
    scope_boundary: bool,
    /// The active-formatting entry this element belongs to, if any.
    entry: Option<u32>,
}

impl<'a> OpenElement<'a> {
    /// An element of this name, whose [`kinds`] are `kinds`.
    fn new(name: &'a [u8], kinds: u16, foreign: bool, entry: Option<u32>) -> Self {
        OpenElement {
            name,
            kinds,
            foreign,
            scope_boundary: kinds & SCOPE_BOUNDARY != 0,
            entry,
        }
    }
}

/// An entry of the list of active formatting elements, or a marker (table cells,
/// captions, objects) that scopes the entries after it.
struct FormattingEntry<'a> {
    id: u32,
    name: &'a [u8],
    raw_tag: &'a [u8],
    on_stack: bool,
    marker: bool,
}

/// Elements that never have content.
const VOID_ELEMENTS: &[&str] = &[
    "area", "base", "basefont", "bgsound", "br", "col", "embed", "frame", "hr", "img", "input",
    "keygen", "link", "meta", "param", "source", "track", "wbr", "image",
];

/// Elements whose content the tokenizer reads as text up to the matching end tag.
const RAW_TEXT_ELEMENTS: &[&str] = &[
    "script", "style", "textarea", "title", "xmp", "iframe", "noembed", "noframes", "noscript",
];

/// Start tags that close an open `<p>` (HTML standard, "in body" insertion mode).
#[rustfmt::skip]
const CLOSES_P: &[&str] = &[
    "address", "article", "aside", "blockquote", "center", "details", "dialog", "dir", "div",
    "dl", "fieldset", "figcaption", "figure", "footer", "form", "header", "hgroup", "main",
    "menu", "nav", "ol", "p", "search", "section", "summary", "ul", "h1", "h2", "h3", "h4",
    "h5", "h6", "pre", "listing", "table", "hr", "xmp", "li", "dd", "dt",
];

/// Elements that stop the search for an element "in scope".
#[rustfmt::skip]
const SCOPE_BOUNDARIES: &[&str] = &[
    "applet", "caption", "html", "table", "td", "th", "marquee", "object", "template", "mi",
    "mo", "mn", "ms", "mtext", "annotation-xml", "foreignobject", "desc", "title", "button",
];

/// Formatting elements: html5ever reopens them after an implicit close.
#[rustfmt::skip]
const FORMATTING_ELEMENTS: &[&str] = &[
    "a", "b", "big", "code", "em", "font", "i", "nobr", "s", "small", "strike", "strong", "tt",
    "u",
];

/// Elements that put a marker in the list of active formatting elements.
const MARKER_ELEMENTS: &[&str] = &[
    "td", "th", "caption", "object", "applet", "marquee", "template",
];

/// Start tags before which html5ever does not reopen formatting elements.
#[rustfmt::skip]
const NO_RECONSTRUCT: &[&str] = &[
    "table", "caption", "colgroup", "col", "tbody", "thead", "tfoot", "tr", "td", "th",
    "html", "body", "head", "frameset", "select", "option", "optgroup", "template",
];

/// Foreign elements whose content is parsed as HTML again.
#[rustfmt::skip]
const INTEGRATION_POINTS: &[&str] = &[
    "foreignobject", "desc", "title", "mi", "mo", "mn", "ms", "mtext", "annotation-xml",
];

/// HTML start tags that end foreign (SVG/MathML) content.
#[rustfmt::skip]
const FOREIGN_BREAKOUT: &[&str] = &[
    "b", "big", "blockquote", "body", "br", "center", "code", "dd", "div", "dl", "dt", "em",
    "embed", "h1", "h2", "h3", "h4", "h5", "h6", "head", "hr", "i", "img", "li", "listing",
    "menu", "meta", "nobr", "ol", "p", "pre", "ruby", "s", "small", "span", "strong", "strike",
    "sub", "sup", "table", "tt", "u", "ul", "var",
];

/// The tables above as bits: which of them hold a name.
const VOID: u16 = 1;
const RAW_TEXT: u16 = 1 << 1;
const CLOSES_P_TAG: u16 = 1 << 2;
const SCOPE_BOUNDARY: u16 = 1 << 3;
const FORMATTING: u16 = 1 << 4;
const MARKER: u16 = 1 << 5;
const NO_RECONSTRUCT_TAG: u16 = 1 << 6;
const INTEGRATION_POINT: u16 = 1 << 7;
const BREAKOUT: u16 = 1 << 8;

/// Each table with its bit.
const KIND_TABLES: [(&[&str], u16); 9] = [
    (VOID_ELEMENTS, VOID),
    (RAW_TEXT_ELEMENTS, RAW_TEXT),
    (CLOSES_P, CLOSES_P_TAG),
    (SCOPE_BOUNDARIES, SCOPE_BOUNDARY),
    (FORMATTING_ELEMENTS, FORMATTING),
    (MARKER_ELEMENTS, MARKER),
    (NO_RECONSTRUCT, NO_RECONSTRUCT_TAG),
    (INTEGRATION_POINTS, INTEGRATION_POINT),
    (FOREIGN_BREAKOUT, BREAKOUT),
];

/// Which of the tables hold `name`, in any case, as [`VOID`] and the other bits: looked up
/// once per tag. Comparing each tag with each table in turn made the guard take 1.6 µs of a
/// farm story, 1.0 µs so (BENCHMARKS.md, 2026-12-01, night).
fn kinds(name: &[u8]) -> u16 {
    static TABLES: LazyLock<HashMap<&'static [u8], u16>> = LazyLock::new(|| {
        let mut kinds = HashMap::new();
        for (table, bit) in KIND_TABLES {
            for name in table {
                *kinds.entry(name.as_bytes()).or_insert(0) |= bit;
            }
        }
        kinds
    });
    // Every name in the tables is lowercase ASCII and shorter than this.
    let mut lower = [0u8; 16];
    let Some(lower) = lower.get_mut(..name.len()) else {
        return 0;
    };
    for (to, from) in lower.iter_mut().zip(name) {
        *to = from.to_ascii_lowercase();
    }
    TABLES.get(&*lower).copied().unwrap_or(0)
}

fn is_one_of(name: &[u8], list: &[&str]) -> bool {
    list.iter()
        .any(|item| name.eq_ignore_ascii_case(item.as_bytes()))
}

fn is_html_space(byte: u8) -> bool {
    matches!(byte, b' ' | b'\t' | b'\n' | b'\r' | 0x0c)
}

/// A start or end tag as the scanner read it.
struct ScannedTag<'a> {
    name: &'a [u8],
    raw: &'a [u8],
    self_closing: bool,
}

impl<'a> NestingScan<'a> {
    fn new(bytes: &'a [u8]) -> Self {
        NestingScan {
            bytes,
            pos: 0,
            open: Vec::new(),
            formatting: Vec::new(),
            off_stack: 0,
            next_entry_id: 0,
            walk_budget: bytes.len().saturating_mul(16).saturating_add(100_000),
        }
    }

    fn run(mut self) -> Result<(), SanitizeError> {
        while let Some(offset) = self.find_byte(b'<', self.pos) {
            if self.bytes[self.pos..offset]
                .iter()
                .any(|&b| !is_html_space(b))
            {
                // Text is where html5ever reopens closed formatting elements.
                self.reopen_formatting()?;
            }
            self.pos = offset + 1;
            match self.bytes.get(self.pos) {
                Some(b'!') => {
                    if self.bytes[self.pos..].starts_with(b"!--") {
                        self.pos = self
                            .find_seq(b"-->", self.pos + 3)
                            .map_or(self.bytes.len(), |i| i + 3);
                    } else {
                        self.skip_past(b'>');
                    }
                }
                Some(b'?') => self.skip_past(b'>'),
                Some(b'/') => {
                    self.pos += 1;
                    if self
                        .bytes
                        .get(self.pos)
                        .is_some_and(u8::is_ascii_alphabetic)
                    {
                        let tag = self.read_tag()?;
                        self.close(tag.name);
                        self.check_depth()?;
                    } else {
                        self.skip_past(b'>');
                    }
                }
                Some(byte) if byte.is_ascii_alphabetic() => {
                    let tag = self.read_tag()?;
                    self.open(&tag)?;
                    if tag.name.eq_ignore_ascii_case(b"plaintext") {
                        return Ok(());
                    }
                    if !tag.self_closing && kinds(tag.name) & RAW_TEXT != 0 {
                        self.skip_raw_text(tag.name);
                    }
                }
                _ => {}
            }
        }
        Ok(())
    }

    fn find_byte(&self, needle: u8, from: usize) -> Option<usize> {
        self.bytes
            .get(from..)?
            .iter()
            .position(|&b| b == needle)
            .map(|i| i + from)
    }

    fn find_seq(&self, needle: &[u8], from: usize) -> Option<usize> {
        let hay = self.bytes.get(from..)?;
        hay.windows(needle.len())
            .position(|w| w == needle)
            .map(|i| i + from)
    }

    fn skip_past(&mut self, byte: u8) {
        self.pos = self
            .find_byte(byte, self.pos)
            .map_or(self.bytes.len(), |i| i + 1);
    }

    /// Skips raw text (a script's or style's body) up to its end tag.
    fn skip_raw_text(&mut self, name: &[u8]) {
        let mut from = self.pos;
        while let Some(lt) = self.find_seq(b"</", from) {
            let name_end = lt + 2 + name.len();
            let matches = self
                .bytes
                .get(lt + 2..name_end)
                .is_some_and(|candidate| candidate.eq_ignore_ascii_case(name))
                && self
                    .bytes
                    .get(name_end)
                    .is_none_or(|&b| is_html_space(b) || b == b'/' || b == b'>');
            if matches {
                self.pos = lt;
                return;
            }
            from = lt + 2;
        }
        self.pos = self.bytes.len();
    }

    /// Reads a tag from its name (at `pos`) to its `>`, counting attributes.
    fn read_tag(&mut self) -> Result<ScannedTag<'a>, SanitizeError> {
        let bytes = self.bytes;
        let start = self.pos;
        let mut i = start;
        while i < bytes.len() && !is_html_space(bytes[i]) && bytes[i] != b'/' && bytes[i] != b'>' {
            i += 1;
        }
        let name = &bytes[start..i];
        let mut attributes = 0usize;
        let mut self_closing = false;
        loop {
            while i < bytes.len() && is_html_space(bytes[i]) {
                i += 1;
            }
            match bytes.get(i) {
                None => break,
                Some(b'>') => {
                    i += 1;
                    break;
                }
                Some(b'/') => {
                    i += 1;
                    if bytes.get(i) == Some(&b'>') {
                        self_closing = true;
                        i += 1;
                        break;
                    }
                    continue;
                }
                Some(_) => {}
            }
            // Attribute name: its first character may be '='.
            i += 1;
            while i < bytes.len()
                && !is_html_space(bytes[i])
                && !matches!(bytes[i], b'/' | b'>' | b'=')
            {
                i += 1;
            }
            attributes += 1;
            if attributes > MAX_ATTRIBUTES_PER_TAG {
                return Err(SanitizeError::TooComplex);
            }
            while i < bytes.len() && is_html_space(bytes[i]) {
                i += 1;
            }
            if bytes.get(i) != Some(&b'=') {
                continue;
            }
            i += 1;
            while i < bytes.len() && is_html_space(bytes[i]) {
                i += 1;
            }
            match bytes.get(i) {
                Some(&quote @ (b'"' | b'\'')) => {
                    i = self
                        .find_byte(quote, i + 1)
                        .map_or(bytes.len(), |end| end + 1);
                }
                _ => {
                    while i < bytes.len() && !is_html_space(bytes[i]) && bytes[i] != b'>' {
                        i += 1;
                    }
                }
            }
        }
        self.pos = i;
        Ok(ScannedTag {
            name,
            raw: &bytes[start..i.min(bytes.len())],
            self_closing,
        })
    }

    fn depth_or_work_exceeded(&self) -> bool {
        self.depth() > MAX_OPEN_ELEMENTS || self.walk_budget == 0
    }

    fn depth(&self) -> usize {
        self.open.len() + self.off_stack
    }

    fn check_depth(&self) -> Result<(), SanitizeError> {
        if self.depth_or_work_exceeded() {
            return Err(SanitizeError::TooComplex);
        }
        Ok(())
    }

    fn top_is_foreign_content(&self) -> bool {
        self.open
            .last()
            .is_some_and(|top| top.foreign && top.kinds & INTEGRATION_POINT == 0)
    }

    fn open(&mut self, tag: &ScannedTag<'a>) -> Result<(), SanitizeError> {
        let name = tag.name;
        let kinds = kinds(name);
        if self.top_is_foreign_content() && kinds & BREAKOUT != 0 {
            while self.top_is_foreign_content() {
                self.pop();
            }
        }
        let foreign = self.top_is_foreign_content()
            || name.eq_ignore_ascii_case(b"svg")
            || name.eq_ignore_ascii_case(b"math");
        if foreign {
            if tag.self_closing {
                return Ok(());
            }
            self.open.push(OpenElement::new(name, kinds, foreign, None));
            return self.check_depth();
        }
        if kinds & CLOSES_P_TAG != 0 {
            self.close_in_scope(b"p", &[]);
        }
        if name.eq_ignore_ascii_case(b"li") {
            self.close_in_scope(b"li", &["ul", "ol"]);
        } else if name.eq_ignore_ascii_case(b"dt") || name.eq_ignore_ascii_case(b"dd") {
            self.close_in_scope(b"dt", &["dl"]);
            self.close_in_scope(b"dd", &["dl"]);
        } else if name.eq_ignore_ascii_case(b"td") || name.eq_ignore_ascii_case(b"th") {
            self.close_in_scope(b"td", &["tr"]);
            self.close_in_scope(b"th", &["tr"]);
        } else if name.eq_ignore_ascii_case(b"tr") {
            self.close_through_table(b"tr");
        } else if name.eq_ignore_ascii_case(b"a") {
            // A new <a> ends the previous one (the adoption agency) and drops it
            // from the active formatting list.
            self.end_formatting(b"a");
        } else if (name.eq_ignore_ascii_case(b"option") || name.eq_ignore_ascii_case(b"optgroup"))
            && self
                .open
                .last()
                .is_some_and(|top| top.name.eq_ignore_ascii_case(b"option"))
        {
            self.pop();
        }
        if kinds & (CLOSES_P_TAG | NO_RECONSTRUCT_TAG) == 0 {
            self.reopen_formatting()?;
        }
        if kinds & VOID != 0 {
            return Ok(());
        }
        let mut entry = None;
        if kinds & FORMATTING != 0 {
            entry = Some(self.add_formatting_entry(name, tag.raw, false));
        } else if kinds & MARKER != 0 {
            self.add_formatting_entry(name, tag.raw, true);
        }
        self.open
            .push(OpenElement::new(name, kinds, foreign, entry));
        self.check_depth()
    }

    /// Appends to the active formatting list, applying html5ever's "Noah's Ark"
    /// rule (at most three identical entries after the last marker).
    fn add_formatting_entry(&mut self, name: &'a [u8], raw_tag: &'a [u8], marker: bool) -> u32 {
        if !marker {
            let after_marker = self
                .formatting
                .iter()
                .rposition(|e| e.marker)
                .map_or(0, |i| i + 1);
            let identical: Vec<usize> = (after_marker..self.formatting.len())
                .filter(|&i| self.formatting[i].raw_tag.eq_ignore_ascii_case(raw_tag))
                .collect();
            if identical.len() >= 3 {
                self.remove_entry_at(identical[0]);
            }
        }
        let id = self.next_entry_id;
        self.next_entry_id = self.next_entry_id.wrapping_add(1);
        self.formatting.push(FormattingEntry {
            id,
            name,
            raw_tag,
            on_stack: !marker,
            marker,
        });
        id
    }

    fn remove_entry_at(&mut self, index: usize) {
        let entry = self.formatting.remove(index);
        if !entry.on_stack && !entry.marker {
            self.off_stack -= 1;
        }
    }

    /// html5ever's "reconstruct the active formatting elements": every entry after
    /// the last marker that is not open is opened again.
    fn reopen_formatting(&mut self) -> Result<(), SanitizeError> {
        if self.off_stack == 0 {
            return Ok(());
        }
        let after_marker = self
            .formatting
            .iter()
            .rposition(|e| e.marker)
            .map_or(0, |i| i + 1);
        for index in after_marker..self.formatting.len() {
            let entry = &mut self.formatting[index];
            if !entry.on_stack {
                entry.on_stack = true;
                self.off_stack -= 1;
                let element =
                    OpenElement::new(entry.name, kinds(entry.name), false, Some(entry.id));
                self.open.push(element);
            }
        }
        self.check_depth()
    }

    /// An end tag (or a new `<a>`) for a formatting element: closes it and takes it
    /// out of the active formatting list.
    fn end_formatting(&mut self, name: &[u8]) -> bool {
        let after_marker = self
            .formatting
            .iter()
            .rposition(|e| e.marker)
            .map_or(0, |i| i + 1);
        let Some(index) = (after_marker..self.formatting.len())
            .rev()
            .find(|&i| self.formatting[i].name.eq_ignore_ascii_case(name))
        else {
            return false;
        };
        let id = self.formatting[index].id;
        if let Some(position) = self.open.iter().rposition(|e| e.entry == Some(id)) {
            self.truncate(position);
        }
        if let Some(index) = self.formatting.iter().position(|e| e.id == id) {
            self.remove_entry_at(index);
        }
        true
    }

    /// Pops through the nearest open `name`, unless a scope boundary (or one of
    /// `extra_boundaries`) comes first.
    fn close_in_scope(&mut self, name: &[u8], extra_boundaries: &[&str]) -> bool {
        for index in (0..self.open.len()).rev() {
            self.walk_budget = self.walk_budget.saturating_sub(1);
            let element = &self.open[index];
            if element.name.eq_ignore_ascii_case(name) {
                self.truncate(index);
                return true;
            }
            if element.scope_boundary
                || (!extra_boundaries.is_empty() && is_one_of(element.name, extra_boundaries))
            {
                return false;
            }
        }
        false
    }

    /// Pops through the nearest open `name` inside the current table.
    fn close_through_table(&mut self, name: &[u8]) -> bool {
        for index in (0..self.open.len()).rev() {
            self.walk_budget = self.walk_budget.saturating_sub(1);
            let element_name = self.open[index].name;
            if element_name.eq_ignore_ascii_case(name) {
                self.truncate(index);
                return true;
            }
            if element_name.eq_ignore_ascii_case(b"table")
                || element_name.eq_ignore_ascii_case(b"template")
            {
                return false;
            }
        }
        false
    }

    fn close(&mut self, name: &[u8]) {
        if kinds(name) & FORMATTING != 0 && self.end_formatting(name) {
            return;
        }
        if is_one_of(name, &["table", "tbody", "thead", "tfoot", "tr"]) {
            self.close_through_table(name);
        } else {
            self.close_in_scope(name, &[]);
        }
    }

    /// Pops the elements from `index` up.
    fn truncate(&mut self, index: usize) {
        while self.open.len() > index {
            self.pop();
        }
    }

    /// Pops the top element: a formatting one stays in the list, to be reopened;
    /// a marker element clears the list back to its marker.
    fn pop(&mut self) {
        let Some(element) = self.open.pop() else {
            return;
        };
        if let Some(id) = element.entry {
            if let Some(entry) = self.formatting.iter_mut().rev().find(|e| e.id == id) {
                if entry.on_stack {
                    entry.on_stack = false;
                    self.off_stack += 1;
                }
            }
        } else if !element.foreign && element.kinds & MARKER != 0 {
            if let Some(marker) = self.formatting.iter().rposition(|e| e.marker) {
                while self.formatting.len() > marker {
                    let last = self.formatting.len() - 1;
                    self.remove_entry_at(last);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_tags_kinds_are_the_tables_that_hold_its_name_in_any_case() {
        let tables = KIND_TABLES;
        let names = tables.iter().flat_map(|(table, _)| table.iter().copied());
        let others = [
            "span",
            "x",
            "",
            "annotation-xmls",
            "a-very-long-custom-element",
            "p\u{e9}",
        ];
        for name in names.chain(others) {
            for name in [name.to_string(), name.to_uppercase(), capitalized(name)] {
                let expected = (tables.iter())
                    .filter(|(table, _)| is_one_of(name.as_bytes(), table))
                    .fold(0, |kinds, (_, bit)| kinds | bit);
                assert_eq!(kinds(name.as_bytes()), expected, "{name}");
            }
        }
        assert_eq!(kinds(b"P"), CLOSES_P_TAG | BREAKOUT);
        assert_eq!(kinds(b"Td"), SCOPE_BOUNDARY | MARKER | NO_RECONSTRUCT_TAG);
    }

    fn capitalized(name: &str) -> String {
        let mut chars = name.chars();
        chars.next().map_or(String::new(), |first| {
            first.to_uppercase().chain(chars).collect()
        })
    }
}
