//! The lenient pre-pass over decoded XML that runs before feed-rs: one
//! borrowing quick-xml event scan that checks nesting depth, caps the item
//! count, and plans a few small edits where feed-rs is stricter than real
//! feeds (a versionless `<rss>`, items outside a `<channel>`, the Atom 0.3
//! namespace, unknown Atom `type` values, unusable `xml:base` values) or
//! panics on them (a contact's email touching a wide character, a clock time
//! it cannot read). It also records the `xml:base` in scope for each item.
//!
//! It must never rewrite text content (only attribute values, one inserted
//! attribute on the root, the document tail when capping items, a space
//! between an RSS contact's email and a character feed-rs would split, and a
//! duration or clock-time attribute feed-rs would panic on, removed), and it
//! stops scanning at the first XML error: feed-rs then reports the error.

use std::borrow::Cow;
use std::ops::Range;

use quick_xml::events::{BytesRef, BytesStart, Event};
use quick_xml::Reader;
use url::Url;

use super::contact;
use crate::fetch::is_web_url;

/// Deeper nesting than this is refused: real feeds stay far below it, and a
/// deep document is the cheapest way to make a parser slow.
pub(crate) const MAX_XML_DEPTH: usize = 512;

/// RSS `version` values feed-rs dispatches on; any other is rewritten to "2.0".
const RSS_VERSIONS_FEED_RS_ACCEPTS: &[&str] = &["2.0", "", "0.91", "0.92"];

const ATOM_03_NAMESPACE: &str = "http://purl.org/atom/ns#";
const ATOM_10_NAMESPACE: &str = "http://www.w3.org/2005/Atom";

/// Local names of the RSS elements feed-rs reads as "name email" contacts: RSS 2.0's own,
/// `dc:creator`, `itunes:author`, and `itunes:owner`'s `itunes:name`.
const RSS_CONTACTS: &[&str] = &["author", "managingEditor", "webMaster", "creator", "name"];

/// Atom elements whose `type` attribute feed-rs rejects unless it is known.
const ATOM_TEXT_CONSTRUCTS: &[&str] = &[
    "title",
    "subtitle",
    "summary",
    "content",
    "rights",
    "tagline",
    "info",
    "copyright",
];

/// What the pre-pass learnt and the edits it wants applied.
pub(crate) struct Prescan {
    /// Local name of the root element, if one was found.
    pub root: Option<String>,
    /// True when nesting exceeded [`MAX_XML_DEPTH`].
    pub too_deep: bool,
    /// Item-level elements seen (after capping), in document order.
    pub item_count: usize,
    /// Per item, the http(s) `xml:base` in scope for its content, when the document set one.
    pub item_bases: Vec<Option<Url>>,
    /// Byte ranges of the text to replace, with their replacements.
    edits: Vec<(Range<usize>, Cow<'static, str>)>,
}

impl Prescan {
    /// Whether the pass planned any edit.
    pub(crate) fn has_edits(&self) -> bool {
        !self.edits.is_empty()
    }

    /// Applies the planned edits, borrowing `text` when there are none.
    pub(crate) fn apply<'a>(&self, text: &'a str) -> Cow<'a, str> {
        if self.edits.is_empty() {
            return Cow::Borrowed(text);
        }
        // Edits are planned per attribute, not in position order within a tag.
        let mut edits: Vec<&(Range<usize>, Cow<'static, str>)> = self.edits.iter().collect();
        edits.sort_by_key(|(range, _)| (range.start, range.end));
        let mut out = String::with_capacity(text.len() + 64);
        let mut at = 0;
        for (range, replacement) in edits {
            // An overlapping or off-boundary edit is skipped rather than trusted.
            let Some(kept) = text.get(at..range.start) else {
                continue;
            };
            if text.get(range.clone()).is_none() {
                continue;
            }
            out.push_str(kept);
            out.push_str(replacement);
            at = range.end;
        }
        out.push_str(text.get(at..).unwrap_or_default());
        Cow::Owned(out)
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum OpenKind {
    Root,
    Channel,
    Item,
    Other,
}

struct OpenElement {
    /// Byte offset of the `<` of the start tag, to recover the name when closing.
    tag_start: usize,
    kind: OpenKind,
    /// Whether feed-rs reads its text in a way the pre-pass must check first.
    watched: Option<Watched>,
}

/// Elements whose text feed-rs reads in a way that panics on some values.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Watched {
    /// An RSS contact, which feed-rs splits into name and email ([`contact`]).
    Contact,
    /// `itunes:duration`, which feed-rs reads as a clock time ([`is_safe_clock_time`]).
    Duration,
}

/// Scans `text` (a decoded document) once; `feed_url` is the outermost base.
pub(crate) fn prescan(text: &str, feed_url: &Url, max_items: usize) -> Prescan {
    let mut scan = Prescan {
        root: None,
        too_deep: false,
        item_count: 0,
        item_bases: Vec::new(),
        edits: Vec::new(),
    };
    let mut reader = Reader::from_str(text);
    let config = reader.config_mut();
    config.check_end_names = false;
    config.expand_empty_elements = false;
    config.trim_text(false);

    let mut open: Vec<OpenElement> = Vec::with_capacity(16);
    // (depth at which it was set, resolved base); only pushed when an xml:base appears.
    let mut bases: Vec<(usize, Url)> = Vec::new();
    let mut is_atom = false;
    // Inside inline XHTML content, element names are HTML, not Atom: leave them alone.
    let mut xhtml_until: Option<usize> = None;
    // feed-rs needs <rss><channel>; items placed straight under <rss> get a channel wrapped around them.
    let mut rss_root_open_end: Option<usize> = None;
    let mut saw_channel = false;
    // Whether markup came before: an XML declaration anywhere but first is not XML, and
    // quick-xml (under feed-rs) panics on one that names an encoding once it has decoded.
    let mut saw_markup = false;
    let mut watched_text = WatchedText::default();

    loop {
        let tag_start = reader.buffer_position() as usize;
        let event = match reader.read_event() {
            Ok(Event::Eof) => break,
            Ok(event) => event,
            Err(error) => {
                tracing::debug!(%error, "feed pre-pass stopped at an XML error");
                plan_late_declarations_removed(&mut scan, text, tag_start, saw_markup);
                break;
            }
        };
        let watched = open.last().and_then(|e| e.watched);
        let event_end = reader.buffer_position() as usize;
        // feed-rs joins text across everything but tags.
        if matches!(event, Event::Start(_) | Event::Empty(_) | Event::End(_)) {
            watched_text.plan(&mut scan);
        }
        let first_markup = !saw_markup && !matches!(event, Event::Text(_));
        saw_markup |= first_markup;
        let (start, is_empty) = match &event {
            Event::Decl(_) if !first_markup => {
                let end = reader.buffer_position() as usize;
                scan.edits.push((tag_start..end, Cow::Borrowed("")));
                continue;
            }
            Event::Start(start) => (start, false),
            Event::Empty(start) => (start, true),
            Event::End(_) => {
                open.pop();
                let depth = open.len();
                if depth == 0 {
                    if let (Some(open_end), false) = (rss_root_open_end, saw_channel) {
                        scan.edits
                            .push((open_end..open_end, Cow::Borrowed("<channel>")));
                        scan.edits
                            .push((tag_start..tag_start, Cow::Borrowed("</channel>")));
                    }
                }
                while bases.last().is_some_and(|(d, _)| *d > depth) {
                    bases.pop();
                }
                if xhtml_until.is_some_and(|d| depth < d) {
                    xhtml_until = None;
                }
                continue;
            }
            Event::Text(content) => {
                if let Some(watched) = watched {
                    watched_text.push(watched, content, tag_start, true, tag_start..event_end);
                }
                continue;
            }
            Event::CData(content) => {
                if let Some(watched) = watched {
                    let content_at = tag_start + "<![CDATA[".len();
                    watched_text.push(watched, content, content_at, true, tag_start..event_end);
                }
                continue;
            }
            Event::GeneralRef(reference) => {
                if let (Some(watched), Some(resolved)) = (watched, resolved_reference(reference)) {
                    watched_text.push(watched, &resolved, tag_start, false, tag_start..event_end);
                }
                continue;
            }
            _ => continue,
        };
        let depth = open.len() + 1;
        if depth > MAX_XML_DEPTH {
            scan.too_deep = true;
            return scan;
        }
        let name = start.name();
        let local = feed_rs_local_name(name.as_ref());
        let parent = open.last().map(|e| e.kind);
        let kind = match (parent, local) {
            (None, _) => OpenKind::Root,
            (Some(OpenKind::Root), "channel") => OpenKind::Channel,
            (Some(OpenKind::Root | OpenKind::Channel), "item" | "entry") => OpenKind::Item,
            _ => OpenKind::Other,
        };

        if kind == OpenKind::Root {
            scan.root = Some(local.to_owned());
            is_atom = local == "feed" || local == "entry";
            if is_atom {
                plan_atom03_namespace(&mut scan, text, start);
            }
            if local == "rss" {
                plan_rss_version(&mut scan, text, start, tag_start);
                if !is_empty {
                    rss_root_open_end = Some(reader.buffer_position() as usize);
                }
            }
        }

        saw_channel |= kind == OpenKind::Channel;
        if kind == OpenKind::Item {
            if scan.item_count == max_items {
                if let (Some(open_end), false) = (rss_root_open_end, saw_channel) {
                    scan.edits
                        .push((open_end..open_end, Cow::Borrowed("<channel>")));
                    plan_truncation(&mut scan, text, &open, tag_start, "</channel>");
                } else {
                    plan_truncation(&mut scan, text, &open, tag_start, "");
                }
                return scan;
            }
            scan.item_count += 1;
        }

        let base_changed = plan_xml_base(&mut scan, text, start, depth, feed_url, &mut bases);
        let in_item = open.iter().any(|e| e.kind == OpenKind::Item);
        if kind == OpenKind::Item {
            scan.item_bases.push(http_base(&bases));
        } else if base_changed && in_item && is_content_element(local) {
            if let Some(last) = scan.item_bases.last_mut() {
                *last = http_base(&bases);
            }
        }

        if is_atom && xhtml_until.is_none() && ATOM_TEXT_CONSTRUCTS.contains(&local) {
            let is_xhtml = plan_atom_type(&mut scan, text, start, local == "content");
            if is_xhtml && !is_empty {
                xhtml_until = Some(depth);
            }
        }

        if xhtml_until.is_none() && matches!(local, "text" | "thumbnail") {
            plan_clock_time_attributes(&mut scan, text, start);
        }

        if is_empty {
            while bases.last().is_some_and(|(d, _)| *d >= depth) {
                bases.pop();
            }
        } else {
            let watched = match local {
                _ if is_atom => None,
                "duration" => Some(Watched::Duration),
                _ if RSS_CONTACTS.contains(&local) => Some(Watched::Contact),
                _ => None,
            };
            open.push(OpenElement {
                tag_start,
                kind,
                watched,
            });
        }
    }
    watched_text.plan(&mut scan);
    scan
}

/// An element's local name as feed-rs takes it: after the last colon, where quick-xml's
/// `local_name` is after the first. They differ only on a malformed name, such as
/// `media:x"><media:thumbnail`, which feed-rs reads as a media thumbnail.
fn feed_rs_local_name(name: &str) -> &str {
    name.rsplit(':').next().unwrap_or(name)
}

/// Plans the removal of the XML declarations from `from` on, where the scan stopped at an
/// error: feed-rs may read on past it, and quick-xml under it panics on a declaration that
/// names another encoding once it has begun decoding. The first one is kept when no markup
/// came before it (`saw_markup`), as it may be the document's own. A declaration that never
/// ends is left: quick-xml reports it as an error, not as a declaration.
fn plan_late_declarations_removed(scan: &mut Prescan, text: &str, from: usize, saw_markup: bool) {
    let mut keep_first = !saw_markup;
    let mut at = from;
    while let Some(found) = text.get(at..).and_then(|rest| rest.find("<?xml")) {
        let start = at + found;
        let after = start + "<?xml".len();
        let rest = text.get(after..).unwrap_or_default();
        // "<?xml-stylesheet" and the like are other instructions.
        if !rest.starts_with(|c: char| c.is_ascii_whitespace() || c == '?') {
            at = after;
            continue;
        }
        let Some(close) = rest.find("?>") else {
            break;
        };
        let end = after + close + "?>".len();
        if !std::mem::take(&mut keep_first) {
            scan.edits.push((start..end, Cow::Borrowed("")));
        }
        at = end;
    }
}

fn is_content_element(local: &str) -> bool {
    matches!(local, "content" | "encoded" | "description" | "summary")
}

fn http_base(bases: &[(usize, Url)]) -> Option<Url> {
    bases
        .last()
        .map(|(_, url)| url)
        .filter(|url| is_web_url(url))
        .cloned()
}

/// The text of a [`Watched`] element as feed-rs reads it: it joins text, CDATA and references
/// up to the next tag, passing over comments and instructions. Kept per piece so that a space
/// planned in the decoded text can be put at its place in the document.
#[derive(Default)]
struct WatchedText {
    watched: Option<Watched>,
    decoded: String,
    /// Per piece: where it starts in `decoded`, where in the document, and whether the two
    /// advance together (text and CDATA do; a reference does not).
    pieces: Vec<(usize, usize, bool)>,
    /// Where the pieces' markup begins and ends in the document.
    markup: Range<usize>,
}

impl WatchedText {
    fn push(
        &mut self,
        watched: Watched,
        decoded: &str,
        document_at: usize,
        verbatim: bool,
        markup: Range<usize>,
    ) {
        if self.watched.is_none() {
            self.watched = Some(watched);
            self.markup.start = markup.start;
        }
        self.markup.end = markup.end;
        self.pieces
            .push((self.decoded.len(), document_at, verbatim));
        self.decoded.push_str(decoded);
    }

    /// Plans what the text needs, and empties it: a contact, the spaces
    /// [`contact::address_spaces`] asks for; a duration feed-rs cannot read, its removal.
    fn plan(&mut self, scan: &mut Prescan) {
        match self.watched.take() {
            Some(Watched::Contact) => self.plan_spaces(scan),
            Some(Watched::Duration) if !is_safe_clock_time(&self.decoded) => {
                scan.edits.push((self.markup.clone(), Cow::Borrowed("")));
            }
            _ => {}
        }
        self.decoded.clear();
        self.pieces.clear();
    }

    fn plan_spaces(&self, scan: &mut Prescan) {
        for space in contact::address_spaces(&self.decoded) {
            // The last piece starting at or before the space; a space never falls inside a
            // reference, as both its neighbours would then be ASCII.
            let piece = self.pieces.iter().rev().find(|(at, _, _)| *at <= space);
            if let Some(&(at, document_at, verbatim)) = piece {
                if verbatim || at == space {
                    let edge = document_at + (space - at);
                    scan.edits.push((edge..edge, Cow::Borrowed(" ")));
                }
            }
        }
    }
}

/// Whether feed-rs (3.0) can read `value` as a clock time ("normal play time": `itunes:duration`,
/// `media:text`'s `start` and `end`, `media:thumbnail`'s `time`) without panicking. It finds
/// runs of digits of any script and unwraps their parse as a `u64`, then multiplies and adds
/// them as durations: a digit of another script ("١٢:٣٠") or a run too long for a `u64` ends
/// the whole feed. Plain ASCII with runs of at most 9 digits is safe; an entity is not known
/// to be. Broadsheet reads no duration, so one that is not safe is simply removed.
fn is_safe_clock_time(value: &str) -> bool {
    value.is_ascii()
        && !value.contains('&')
        && value
            .split(|c: char| !c.is_ascii_digit())
            .all(|digits| digits.len() <= 9)
}

/// Plans the removal of the clock-time attributes of a `media:text` or `media:thumbnail` that
/// feed-rs cannot read (see [`is_safe_clock_time`]). Every one is looked at, not only the first
/// of a name: feed-rs skips a repeated attribute only while the first is there.
fn plan_clock_time_attributes(scan: &mut Prescan, text: &str, start: &BytesStart<'_>) {
    for (key, whole, value) in attributes_at(text, start) {
        if matches!(key, "start" | "end" | "time") && !is_safe_clock_time(&text[value]) {
            plan_in_tag(scan, text, start, whole, Cow::Borrowed(""));
        }
    }
}

/// A reference as feed-rs resolves it: a character, a predefined entity, or else left as
/// written. `None` for a character reference quick-xml refuses (feed-rs then fails).
fn resolved_reference(reference: &BytesRef<'_>) -> Option<Cow<'static, str>> {
    if let Some(c) = reference.resolve_char_ref().ok()? {
        return Some(Cow::Owned(c.to_string()));
    }
    let name: &str = reference;
    Some(match quick_xml::escape::resolve_predefined_entity(name) {
        Some(resolved) => Cow::Borrowed(resolved),
        None => Cow::Owned(format!("&{name};")),
    })
}

/// Byte offset of `part` inside `whole`, when `part` borrows from it.
fn offset_in(whole: &str, part: &str) -> Option<usize> {
    let start = whole.as_ptr() as usize;
    let at = part.as_ptr() as usize;
    (at >= start && at + part.len() <= start + whole.len()).then(|| at - start)
}

/// Plans an edit inside the tag `start`: `replacement` (which holds no quote) for `range`.
/// quick-xml finds a tag's end by its quotes, and in a malformed tag its attribute reader can
/// see an attribute where its tag reader is inside quotes (`<a b.c" d="e" f=">` is one tag):
/// removing such an attribute's quotes would turn what follows into elements this pass never
/// checked. So when the edit would leave the tag reader in another quote state than the text
/// it replaces did, the replaced quotes are kept, in order; in a well-formed tag it never does.
fn plan_in_tag(
    scan: &mut Prescan,
    text: &str,
    start: &BytesStart<'_>,
    range: Range<usize>,
    replacement: Cow<'static, str>,
) {
    let tag_at = offset_in(text, start.name().as_ref()).unwrap_or(range.start);
    let replaced = text.get(range.clone()).unwrap_or_default();
    let entering = quote_after(
        Quote::Outside,
        text.get(tag_at..range.start).unwrap_or_default(),
    );
    let replacement = if quote_after(entering, replaced) == entering {
        replacement
    } else {
        let quotes = replaced.matches(['"', '\'']);
        Cow::Owned(quotes.fold(replacement.into_owned(), |out, quote| out + quote))
    };
    scan.edits.push((range, replacement));
}

/// Where a tag reader stands with its quotes.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Quote {
    Outside,
    Double,
    Single,
}

/// The quote state after reading `text` in a tag from `state`.
fn quote_after(state: Quote, text: &str) -> Quote {
    text.bytes().fold(state, |state, byte| match (state, byte) {
        (Quote::Outside, b'"') => Quote::Double,
        (Quote::Outside, b'\'') => Quote::Single,
        (Quote::Double, b'"') | (Quote::Single, b'\'') => Quote::Outside,
        (state, _) => state,
    })
}

/// Finds an attribute and the byte range of its value within `text`.
fn attribute_value<'t>(
    text: &'t str,
    start: &BytesStart<'_>,
    name: &str,
) -> Option<(Range<usize>, Range<usize>, &'t str)> {
    attributes_at(text, start)
        .find(|(key, _, _)| *key == name)
        .map(|(_, whole, value)| (whole, value.clone(), &text[value]))
}

/// Every attribute of `start` as it sits in `text`: its name, the byte range of the whole
/// attribute (from its name to the closing quote) and that of its value. An attribute that
/// does not borrow from `text` is left out.
fn attributes_at<'t: 's, 's>(
    text: &'t str,
    start: &'s BytesStart<'_>,
) -> impl Iterator<Item = (&'t str, Range<usize>, Range<usize>)> + 's {
    let mut attributes = start.attributes();
    attributes.with_checks(false);
    attributes.flatten().filter_map(move |attribute| {
        let key = attribute.key.as_ref();
        let key_at = offset_in(text, key)?;
        let value_at = offset_in(text, &attribute.value)?;
        let value = value_at..value_at + attribute.value.len();
        let whole = key_at..(value.end + 1).min(text.len());
        Some((text.get(key_at..key_at + key.len())?, whole, value))
    })
}

fn plan_rss_version(scan: &mut Prescan, text: &str, start: &BytesStart<'_>, tag_start: usize) {
    match attribute_value(text, start, "version") {
        Some((_, range, value)) if !RSS_VERSIONS_FEED_RS_ACCEPTS.contains(&value) => {
            plan_in_tag(scan, text, start, range, Cow::Borrowed("2.0"));
        }
        Some(_) => {}
        None => {
            let name_end = tag_start + 1 + start.name().as_ref().len();
            if text.get(tag_start..name_end).is_some() {
                scan.edits
                    .push((name_end..name_end, Cow::Borrowed(" version=\"2.0\"")));
            }
        }
    }
}

/// feed-rs ignores every element in the Atom 0.3 namespace; 0.3 is close enough
/// to 1.0 (title, link, id, entry, content, summary) to be read as 1.0.
fn plan_atom03_namespace(scan: &mut Prescan, text: &str, start: &BytesStart<'_>) {
    for (key, _, value) in attributes_at(text, start) {
        if (key == "xmlns" || key.starts_with("xmlns:"))
            && text[value.clone()].trim() == ATOM_03_NAMESPACE
        {
            plan_in_tag(scan, text, start, value, Cow::Borrowed(ATOM_10_NAMESPACE));
        }
    }
}

/// Normalises an Atom `type`; returns whether the element holds inline XHTML.
fn plan_atom_type(
    scan: &mut Prescan,
    text: &str,
    start: &BytesStart<'_>,
    is_content: bool,
) -> bool {
    let Some((_, range, value)) = attribute_value(text, start, "type") else {
        return false;
    };
    let normalised = normalise_atom_type(value, is_content);
    if normalised != value {
        plan_in_tag(scan, text, start, range, Cow::Owned(normalised.to_owned()));
    }
    normalised == "xhtml"
}

/// Maps the `type` values seen in the wild (Atom 0.3 MIME types, odd case) to ones feed-rs knows.
fn normalise_atom_type(value: &str, is_content: bool) -> &str {
    let trimmed = value.trim();
    let lower = trimmed.to_ascii_lowercase();
    match lower.as_str() {
        "text" | "text/plain" => "text",
        "html" | "text/html" => "html",
        "xhtml" | "application/xhtml+xml" => "xhtml",
        _ if is_content && is_plain_media_type(trimmed) => value,
        _ if lower.contains("html") => "html",
        _ => "text",
    }
}

/// A `type/subtype` made of token characters, which feed-rs's MIME parser accepts.
fn is_plain_media_type(value: &str) -> bool {
    let Some((kind, subtype)) = value.split_once('/') else {
        return false;
    };
    let token = |s: &str| {
        !s.is_empty()
            && s.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"!#$&-^_.+".contains(&b))
    };
    token(kind) && token(subtype)
}

/// Resolves an `xml:base` onto the stack; drops it from the text when it is not usable.
fn plan_xml_base(
    scan: &mut Prescan,
    text: &str,
    start: &BytesStart<'_>,
    depth: usize,
    feed_url: &Url,
    bases: &mut Vec<(usize, Url)>,
) -> bool {
    let Some((whole, _, value)) = attribute_value(text, start, "xml:base") else {
        return false;
    };
    let parent = bases.last().map_or(feed_url, |(_, url)| url);
    let resolved = match Url::parse(value.trim()) {
        Ok(url) => Some(url),
        Err(url::ParseError::RelativeUrlWithoutBase) => parent.join(value.trim()).ok(),
        Err(_) => None,
    };
    match resolved {
        Some(url) if is_web_url(&url) => {
            bases.push((depth, url));
            true
        }
        _ => {
            // A javascript: or broken base would either fail feed-rs outright or
            // poison every relative link below it: the feed URL stays the base.
            tracing::debug!(base = value, "ignoring a non-http(s) xml:base");
            plan_in_tag(scan, text, start, whole, Cow::Borrowed(""));
            false
        }
    }
}

/// Cuts the document at `cut` and closes the elements still open there.
fn plan_truncation(
    scan: &mut Prescan,
    text: &str,
    open: &[OpenElement],
    cut: usize,
    before_root_close: &str,
) {
    let mut closing = String::new();
    for element in open.iter().rev() {
        if element.kind == OpenKind::Root {
            closing.push_str(before_root_close);
        }
        let name: String = text[element.tag_start + 1..]
            .chars()
            .take_while(|c| !c.is_whitespace() && *c != '>' && *c != '/')
            .collect();
        closing.push_str("</");
        closing.push_str(&name);
        closing.push('>');
    }
    scan.edits.push((cut..text.len(), Cow::Owned(closing)));
}

#[cfg(test)]
mod tests {
    use super::*;

    fn feed_url() -> Url {
        Url::parse("https://feeds.example/rss").unwrap()
    }

    /// `text` with the pre-pass's edits applied (at most 10 items).
    fn prescanned(text: &str) -> String {
        prescan(text, &feed_url(), 10).apply(text).into_owned()
    }

    #[test]
    fn versionless_rss_gets_a_version() {
        let text = "<rss><channel><title>t</title></channel></rss>";
        let scan = prescan(text, &feed_url(), 10);
        assert_eq!(
            scan.apply(text),
            "<rss version=\"2.0\"><channel><title>t</title></channel></rss>"
        );
    }

    #[test]
    fn an_rss_contact_email_touching_a_wide_character_gets_a_space_and_nothing_else_changes() {
        let text = "<rss version=\"2.0\"><channel><managingEditor>编辑：ed@example.cn</managingEditor><item><author>Zoë&#183;zoe@example.com&#183;x</author><author>Jane (jane@example.com)</author><title>ü@example.com</title></item></channel></rss>";
        assert_eq!(
            prescanned(text),
            "<rss version=\"2.0\"><channel><managingEditor>编辑： ed@example.cn</managingEditor><item><author>Zoë&#183; zoe@example.com &#183;x</author><author>Jane (jane@example.com)</author><title>ü@example.com</title></item></channel></rss>"
        );
    }

    #[test]
    fn a_contact_split_over_cdata_comments_and_references_gets_its_space_where_feed_rs_joins_it() {
        let text = "<rss version=\"2.0\"><channel><item><dc:creator>编辑：<!-- c --><![CDATA[ed@example.cn]]>&#xFF09;</dc:creator><author>&#xFF08;&lt;[(a@example.com</author><itunes:owner><itunes:name>&amp;b@example.com&#183;</itunes:name></itunes:owner></item></channel></rss>";
        assert_eq!(
            prescanned(text),
            "<rss version=\"2.0\"><channel><item><dc:creator>编辑：<!-- c --><![CDATA[ ed@example.cn]]> &#xFF09;</dc:creator><author>&#xFF08; &lt;[(a@example.com</author><itunes:owner><itunes:name>&amp;b@example.com &#183;</itunes:name></itunes:owner></item></channel></rss>"
        );
    }

    #[test]
    fn clock_times_feed_rs_would_panic_on_are_removed_and_readable_ones_kept() {
        let text = "<rss version=\"2.0\"><channel><item><itunes:duration>١٢:٣٠</itunes:duration><itunes:duration>1<!-- -->2:05</itunes:duration><itunes:duration>99999999999999999999</itunes:duration><media:text start=\"00:01:0&#1635;\" end=\"00:00:09.5\">x</media:text><media:thumbnail url=\"https://a.example/t.jpg\" time=\"12:05:0٣\"/><media:thumbnail time=\"1٣\" time=\"2٣\"/></item></channel></rss>";
        assert_eq!(
            prescanned(text),
            "<rss version=\"2.0\"><channel><item><itunes:duration></itunes:duration><itunes:duration>1<!-- -->2:05</itunes:duration><itunes:duration></itunes:duration><media:text  end=\"00:00:09.5\">x</media:text><media:thumbnail url=\"https://a.example/t.jpg\" /><media:thumbnail  /></item></channel></rss>"
        );
    }

    #[test]
    fn an_edit_inside_a_tag_keeps_the_tag_reader_where_it_was() {
        // Well-formed: the attribute goes whole.
        let text = r#"<rss version="2.0"><channel><item><media:thumbnail url="u" time="1٣"/></item></channel></rss>"#;
        assert_eq!(
            prescanned(text),
            r#"<rss version="2.0"><channel><item><media:thumbnail url="u" /></item></channel></rss>"#
        );
        // Malformed: the attribute reader sees a base where the tag reader is inside quotes
        // (`x"` opens them, the base's `'` another pair); the tags read the same after the edit.
        let text = r#"<rss version="2.0"><channel><item x" xml:base="javascript:a'b" y='><title>t</title></item></channel></rss>"#;
        let out = prescanned(text);
        assert!(!out.contains("javascript"), "{out}");
        assert_eq!(element_names(&out), element_names(text), "{out}");
    }

    /// The names of the elements quick-xml reads in `doc`, opening and closing, in order.
    fn element_names(doc: &str) -> Vec<String> {
        let mut reader = Reader::from_str(doc);
        reader.config_mut().check_end_names = false;
        let mut names = Vec::new();
        loop {
            match reader.read_event() {
                Ok(Event::Start(e) | Event::Empty(e)) => names.push(format!("<{:?}", e.name())),
                Ok(Event::End(e)) => names.push(format!("/{:?}", e.name())),
                Ok(Event::Eof) | Err(_) => return names,
                Ok(_) => {}
            }
        }
    }

    #[test]
    fn an_element_is_known_by_its_name_after_the_last_colon_as_feed_rs_knows_it() {
        // One tag (its quotes pair up), named `media:x"><media:thumbnail`: to feed-rs, a thumbnail.
        let text = r#"<rss version="2.0"><channel><item><media:x"><media:thumbnail url="u" time="1٣"/></media:y"></item></channel></rss>"#;
        assert_eq!(
            prescanned(text),
            r#"<rss version="2.0"><channel><item><media:x"><media:thumbnail url="u" /></media:y"></item></channel></rss>"#
        );
    }

    #[test]
    fn unknown_rss_version_becomes_2_0() {
        let text = "<rss version='0.94'><channel/></rss>";
        assert_eq!(prescanned(text), "<rss version='2.0'><channel/></rss>");
    }

    #[test]
    fn atom_types_are_normalised_but_text_is_untouched() {
        let text = r#"<feed xmlns="http://www.w3.org/2005/Atom"><title type="TEXT/PLAIN">type="x"</title><content type="application/xhtml+xml"><div><title type="odd">t</title></div></content></feed>"#;
        let out = prescan(text, &feed_url(), 10).apply(text).into_owned();
        assert_eq!(
            out,
            r#"<feed xmlns="http://www.w3.org/2005/Atom"><title type="text">type="x"</title><content type="xhtml"><div><title type="odd">t</title></div></content></feed>"#
        );
    }

    #[test]
    fn items_beyond_the_cap_are_cut_and_the_tail_closed() {
        let text = "<rss version=\"2.0\"><channel><item><guid>1</guid></item><item><guid>2</guid></item><item/></channel></rss>";
        let scan = prescan(text, &feed_url(), 1);
        assert_eq!(scan.item_count, 1);
        assert_eq!(
            scan.apply(text),
            "<rss version=\"2.0\"><channel><item><guid>1</guid></item></channel></rss>"
        );
    }

    #[test]
    fn javascript_xml_base_is_removed() {
        let text = r#"<feed xml:base="javascript:alert(1)//"><entry xml:base="sub/"><id>e</id></entry></feed>"#;
        let scan = prescan(text, &feed_url(), 10);
        assert_eq!(
            scan.apply(text),
            r#"<feed ><entry xml:base="sub/"><id>e</id></entry></feed>"#
        );
        assert_eq!(
            scan.item_bases,
            vec![Some(Url::parse("https://feeds.example/sub/").unwrap())]
        );
    }

    #[test]
    fn items_straight_under_rss_get_a_channel() {
        let text = "<rss><item><title>t</title></item></rss>";
        assert_eq!(
            prescanned(text),
            "<rss version=\"2.0\"><channel><item><title>t</title></item></channel></rss>"
        );
    }

    #[test]
    fn deep_nesting_is_reported() {
        let text = "<x>".repeat(MAX_XML_DEPTH + 1);
        assert!(prescan(&text, &feed_url(), 10).too_deep);
    }

    #[test]
    fn declarations_past_an_xml_error_are_removed_and_other_instructions_kept() {
        // The DOCTYPE never closes: the scan stops there, feed-rs may read on.
        let text = r#"<?xml version="1.0"?><rss version="2.0"><!DOCTYPE x [<!ENTIT <channel>
<?xml-stylesheet href="a.xsl"?><?xml version="1.0" encoding="ISO-8859-1"?><title>T</title>"#;
        let out = prescan(text, &feed_url(), 10).apply(text).into_owned();
        assert!(out.starts_with(r#"<?xml version="1.0"?><rss"#), "{out}");
        assert!(
            out.contains(r#"<?xml-stylesheet href="a.xsl"?><title>"#),
            "{out}"
        );
        assert!(!out.contains("ISO-8859-1"), "{out}");
    }
}
