//! Feed parsing (RSS 0.9x/1.0/2.0, Atom 0.3/1.0, JSON Feed 1.x) into our own
//! types, and feed discovery from a web page.
//!
//! This module owns the bytes-to-[`ParsedFeed`] step: charset decoding, the
//! leniency real feeds need, and settling every feed-rs quirk (random ids,
//! relative and non-http(s) URLs, impossible dates) once, here. It parses bytes
//! only: it must never fetch anything (no DTDs, no entities), never sanitize or
//! trust HTML (the caller sanitizes), and never panic on any input.

mod contact;
mod discover;
mod encoding;
mod parse;

use crate::error_kind::ErrorKind;
use std::panic::{catch_unwind, AssertUnwindSafe};

use chrono::{DateTime, Utc};
use feed_rs::model::{self, FeedType};
use sha2::{Digest, Sha256};
use url::Url;

use crate::fetch::{is_web_url, join_web_url};
use crate::hex;
use crate::sanitize::{escape_html, parse_fragment, text_without_tags};

pub(crate) use discover::base_url;
pub use discover::{discover_feed_links, FeedFormat, FeedLink};

use encoding::CharsetRefusal;

/// Paths tried on a site when its page advertises no feed.
pub const COMMON_FEED_PATHS: &[&str] = &[
    "/feed",
    "/feed/",
    "/rss",
    "/rss.xml",
    "/atom.xml",
    "/feed.xml",
    "/index.xml",
];

/// How often the pre-pass may edit a document before it is read: its edits are made once,
/// and the second pass over the result finds nothing more to do.
const PRESCAN_ROUNDS: usize = 3;

/// Items kept per feed; real feeds list newest first, so the first ones are kept.
pub const MAX_ITEMS_PER_FEED: usize = 500;

/// A feed as parsed: not a domain type, but every quirk of the source is settled.
#[derive(Debug, Clone, PartialEq)]
pub struct ParsedFeed {
    /// Plain text, entities decoded; may be empty.
    pub title: String,
    /// The site the feed belongs to (http(s) only).
    pub site_url: Option<Url>,
    /// The feed's description as plain text.
    pub description: Option<String>,
    /// The feed's icon or logo (http(s) only).
    pub icon_url: Option<Url>,
    /// The language the feed declares (RSS `<language>`, Atom `xml:lang`, JSON Feed
    /// `language`), as a BCP 47-looking tag; `None` when absent or not a tag.
    pub language: Option<String>,
    /// At most [`MAX_ITEMS_PER_FEED`] items, in document order.
    pub items: Vec<ParsedItem>,
}

/// One item (RSS item, Atom entry, JSON Feed item).
#[derive(Debug, Clone, PartialEq)]
pub struct ParsedItem {
    /// Stable identity within the feed: guid/id, else link, else `sha256:` of title and body.
    pub key: String,
    /// The item's link, absolute, http(s) only.
    pub url: Option<Url>,
    /// Plain text (entities decoded, never HTML); may be empty.
    pub title: String,
    /// The first author's name (or email).
    pub author: Option<String>,
    /// Item date; missing or before 1970 → the fetch time. A date after the fetch is kept here
    /// and clamped by `process` (the one rule for dates in the future).
    pub published: DateTime<Utc>,
    /// Last update, when the feed gives a plausible one.
    pub updated: Option<DateTime<Utc>>,
    /// RAW, unsanitized HTML (plain-text summaries are escaped into HTML).
    pub summary_html: Option<String>,
    /// RAW, unsanitized HTML (plain-text content is escaped into HTML).
    pub content_html: Option<String>,
    /// What relative URLs in summary/content resolve against.
    pub base_url: Url,
    /// Attached media (podcast audio, images), http(s) only.
    pub enclosures: Vec<Enclosure>,
    /// The item's categories (tags), as text, each once.
    pub categories: Vec<String>,
}

/// A media file attached to an item.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Enclosure {
    /// Absolute http(s) URL of the media.
    pub url: Url,
    /// Declared MIME type, if any.
    pub mime: Option<String>,
    /// Declared length in bytes, if any.
    pub length: Option<u64>,
}

/// Why a body could not be parsed as a feed.
#[derive(Debug, thiserror::Error)]
pub enum FeedError {
    /// The body is something else (an HTML page, an unknown root element).
    #[error("{url} is not a feed: {reason}")]
    NotAFeed { url: String, reason: String },
    /// The body looks like a feed but is broken beyond what we repair.
    #[error("malformed feed at {url}: {message}")]
    Malformed { url: String, message: String },
    /// The declared charset is refused (UTF-7) or unknown to us.
    #[error("feed at {url} uses unsupported encoding {name}")]
    UnsupportedEncoding { url: String, name: String },
    /// Elements nest deeper than any real feed does.
    #[error("feed at {url} nests elements deeper than {limit} levels")]
    TooDeep { url: String, limit: usize },
    /// feed-rs panicked; caught so one feed cannot take the refresh down.
    #[error("feed parser crashed on {url}")]
    ParserPanic { url: String },
    /// A site's page to look for feed links in is too large or too deeply nested to parse.
    #[error("the page at {url} is too large or too deeply nested to look for feeds in")]
    PageTooComplex { url: String },
}

impl FeedError {
    /// Stable, snake_case name of the error, for the UI and logs.
    pub fn kind(&self) -> ErrorKind {
        match self {
            FeedError::NotAFeed { .. } => ErrorKind::NotAFeed,
            FeedError::Malformed { .. } => ErrorKind::MalformedFeed,
            FeedError::UnsupportedEncoding { .. } => ErrorKind::UnsupportedEncoding,
            FeedError::TooDeep { .. } => ErrorKind::FeedTooDeep,
            FeedError::ParserPanic { .. } => ErrorKind::FeedParserPanic,
            FeedError::PageTooComplex { .. } => ErrorKind::TooComplex,
        }
    }
}

/// Parses a feed body (any supported format and charset) fetched from `feed_url` at `fetched_at`.
pub fn parse_feed(
    body: &[u8],
    content_type: Option<&str>,
    feed_url: &Url,
    fetched_at: DateTime<Utc>,
) -> Result<ParsedFeed, FeedError> {
    let url = || feed_url.to_string();
    let text = encoding::decode_feed_text(body, content_type).map_err(|refusal| match refusal {
        CharsetRefusal::Unsupported(name) => FeedError::UnsupportedEncoding { url: url(), name },
    })?;

    let first = text.trim_start().chars().next();
    let (document, item_bases) = match first {
        Some('<') => {
            // The edited document is scanned again: an edit must never bring out markup this
            // pass did not see (one that does is a bug, and the feed fails, not the parser).
            let mut scan = parse::prescan(&text, feed_url, MAX_ITEMS_PER_FEED);
            let mut edited: Option<String> = None;
            let mut rounds = 0;
            loop {
                if scan.too_deep {
                    return Err(FeedError::TooDeep {
                        url: url(),
                        limit: parse::MAX_XML_DEPTH,
                    });
                }
                if !scan.has_edits() {
                    break;
                }
                if rounds == PRESCAN_ROUNDS {
                    return Err(FeedError::Malformed {
                        url: url(),
                        message: "markup too broken to mend".to_owned(),
                    });
                }
                rounds += 1;
                let next = scan.apply(edited.as_deref().unwrap_or(&text)).into_owned();
                scan = parse::prescan(&next, feed_url, MAX_ITEMS_PER_FEED);
                edited = Some(next);
            }
            let document = edited.map_or(DocumentText::Borrowed, DocumentText::Owned);
            (document, Some((scan.item_count, scan.item_bases)))
        }
        Some('{') => match contact::json_with_address_spaces(&text) {
            Some(mended) => (DocumentText::Owned(mended), None),
            None => (DocumentText::Borrowed, None),
        },
        _ => {
            return Err(FeedError::NotAFeed {
                url: url(),
                reason: "neither XML nor JSON".to_owned(),
            })
        }
    };
    let source = match &document {
        DocumentText::Borrowed => text.as_bytes(),
        DocumentText::Owned(edited) => edited.as_bytes(),
    };

    let parser = feed_rs::parser::Builder::new()
        .base_uri(Some(feed_url.as_str()))
        // An empty id marks "the feed gave none": we derive a stable key ourselves.
        .id_generator(|_, _, _| String::new())
        .sanitize_content(false)
        .build();
    let parsed = catch_unwind(AssertUnwindSafe(|| parser.parse(source))).map_err(|_| {
        tracing::error!(url = %feed_url, "feed-rs panicked");
        FeedError::ParserPanic { url: url() }
    })?;
    let feed = parsed.map_err(|error| classify_feed_rs_error(error, feed_url))?;

    // Item bases line up with entries only if both saw the same items.
    let item_bases = item_bases
        .filter(|(count, _)| *count == feed.entries.len())
        .map(|(_, bases)| bases);
    Ok(convert_feed(feed, feed_url, fetched_at, item_bases))
}

/// The document feed-rs reads: the decoded text itself, or an edited copy.
enum DocumentText {
    Borrowed,
    Owned(String),
}

fn classify_feed_rs_error(error: feed_rs::parser::ParseFeedError, feed_url: &Url) -> FeedError {
    use feed_rs::parser::{ParseErrorKind, ParseFeedError};
    let url = feed_url.to_string();
    match error {
        ParseFeedError::ParseError(ParseErrorKind::NoFeedRoot) => FeedError::NotAFeed {
            url,
            reason: "no RSS, Atom, RDF or JSON Feed root".to_owned(),
        },
        ParseFeedError::JsonUnsupportedVersion(version) => FeedError::NotAFeed {
            url,
            reason: format!("unsupported JSON Feed version {version}"),
        },
        other => FeedError::Malformed {
            url,
            message: other.to_string(),
        },
    }
}

/// Quick sniff: XML whose root is rss/feed/RDF, or JSON naming a jsonfeed.org version.
pub fn looks_like_feed(body: &[u8], content_type: Option<&str>) -> bool {
    // Sniffing needs only the head of the document; decode at most this much.
    const SNIFF_BYTES: usize = 4096;
    let Ok((encoding, bom_len)) = encoding::detect_encoding(body, content_type) else {
        return false;
    };
    let head = &body[bom_len..body.len().min(bom_len + SNIFF_BYTES)];
    let (head, _) = encoding.decode_without_bom_handling(head);
    let trimmed = head.trim_start();
    if trimmed.starts_with('{') {
        // The version key may come after the items, so look through the whole body.
        let whole = String::from_utf8_lossy(&body[bom_len..]);
        return whole.contains("\"version\"") && whole.contains("jsonfeed.org/version");
    }
    root_element_name(trimmed).is_some_and(|name| matches!(name.as_str(), "rss" | "feed" | "RDF"))
}

/// Local name of the first element in an XML head, skipping prolog, comments and doctype.
fn root_element_name(head: &str) -> Option<String> {
    let mut reader = quick_xml::Reader::from_str(head);
    loop {
        match reader.read_event() {
            Ok(quick_xml::events::Event::Start(e) | quick_xml::events::Event::Empty(e)) => {
                return Some(e.local_name().as_ref().to_owned())
            }
            Ok(quick_xml::events::Event::Eof) | Err(_) => return None,
            Ok(_) => {}
        }
    }
}

fn convert_feed(
    feed: model::Feed,
    feed_url: &Url,
    fetched_at: DateTime<Utc>,
    item_bases: Option<Vec<Option<Url>>>,
) -> ParsedFeed {
    let is_rss = matches!(
        feed.feed_type,
        FeedType::RSS0 | FeedType::RSS2 | FeedType::RSS1
    );
    let site_url = feed
        .links
        .iter()
        .filter(|link| is_alternate(link))
        .find_map(|link| join_web_url(feed_url, &link.href));
    let icon_url = [feed.icon.as_ref(), feed.logo.as_ref()]
        .into_iter()
        .flatten()
        .find_map(|image| join_web_url(feed_url, &image.uri));
    let title = feed.title.as_ref().map(text_of).unwrap_or_default();
    let description = feed
        .description
        .as_ref()
        .map(text_of)
        .filter(|d| !d.is_empty());
    let language = feed.language.as_deref().and_then(language_tag);

    let mut bases = item_bases.map(Vec::into_iter);
    let items = feed
        .entries
        .into_iter()
        .take(MAX_ITEMS_PER_FEED)
        .map(|entry| {
            let xml_base = bases.as_mut().and_then(Iterator::next).flatten();
            convert_item(entry, feed_url, fetched_at, xml_base, is_rss)
        })
        .collect();

    ParsedFeed {
        title,
        site_url,
        description,
        icon_url,
        language,
        items,
    }
}

/// Longest tag kept: BCP 47 tags in real use are far shorter, and a long one is not a tag.
const MAX_LANGUAGE_TAG: usize = 35;

/// A declared language as a BCP 47-looking tag (`en_US` → `en-US`, ` EN-gb ` → `en-GB`), or
/// `None` when it is empty or not made of letters, digits and hyphens. Only the shape is
/// checked: the tag ends up in a `lang` attribute, where an unknown one does no harm.
pub(crate) fn language_tag(raw: &str) -> Option<String> {
    let tag = raw.trim().replace('_', "-");
    if tag.is_empty()
        || tag.len() > MAX_LANGUAGE_TAG
        || !tag.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
    {
        return None;
    }
    let subtags: Vec<&str> = tag.split('-').collect();
    if subtags.iter().any(|s| s.is_empty() || s.len() > 8)
        || !subtags[0].chars().all(|c| c.is_ascii_alphabetic())
    {
        return None;
    }
    // The conventional casing: language lower, script title, region upper (RSS feed-rs lowercases).
    let cased: Vec<String> = subtags
        .iter()
        .enumerate()
        .map(|(i, s)| match (i, s.len()) {
            (0, _) => s.to_ascii_lowercase(),
            (_, 2) => s.to_ascii_uppercase(),
            (_, 4) if s.chars().all(|c| c.is_ascii_alphabetic()) => {
                let lower = s.to_ascii_lowercase();
                lower[..1].to_ascii_uppercase() + &lower[1..]
            }
            _ => s.to_ascii_lowercase(),
        })
        .collect();
    Some(cased.join("-"))
}

/// A person as a reader wants to see them. RSS `<author>` is "email (Name)" by the spec, and
/// feed-rs hands back "(Name)" or the whole string: keep the name alone.
fn person_name(raw: &str) -> String {
    let raw = raw.trim();
    if let (Some(open), true) = (raw.find('('), raw.ends_with(')')) {
        let name = raw[open + 1..raw.len() - 1].trim();
        let before = raw[..open].trim();
        if !name.is_empty() && (before.is_empty() || before.contains('@')) {
            return name.to_string();
        }
    }
    raw.to_string()
}

fn convert_item(
    entry: model::Entry,
    feed_url: &Url,
    fetched_at: DateTime<Utc>,
    xml_base: Option<Url>,
    is_rss: bool,
) -> ParsedItem {
    let link_base = xml_base.as_ref().unwrap_or(feed_url);
    let id = entry.id.trim();
    let url = entry
        .links
        .iter()
        .filter(|link| is_alternate(link))
        .find_map(|link| join_web_url(link_base, &link.href))
        // An RSS guid is a permalink unless it says otherwise; only an absolute http(s) one counts.
        .or_else(|| {
            is_rss
                .then(|| Url::parse(id).ok())
                .flatten()
                .filter(is_web_url)
        });

    let title = entry.title.as_ref().map(text_of).unwrap_or_default();
    let summary_html = entry.summary.as_ref().and_then(|text| {
        html_of(
            text.content_type.essence().to_string().as_str(),
            &text.content,
        )
    });
    let content_html = entry.content.as_ref().and_then(|content| {
        let body = content.body.as_deref()?;
        html_of(content.content_type.essence().to_string().as_str(), body)
    });

    let key = if !id.is_empty() {
        id.to_owned()
    } else if let Some(url) = &url {
        url.to_string()
    } else {
        content_key(&title, content_html.as_deref().or(summary_html.as_deref()))
    };

    let author = entry
        .authors
        .iter()
        .find_map(|person| {
            person
                .name
                .as_deref()
                .or(person.email.as_deref())
                .map(str::trim)
                .filter(|name| !name.is_empty())
        })
        .map(person_name);

    let plausible = |date: DateTime<Utc>| date.timestamp() >= 0;
    let updated = entry.updated.filter(|d| plausible(*d));
    let published = entry
        .published
        .filter(|d| plausible(*d))
        .or(updated)
        .unwrap_or(fetched_at);

    let mut enclosures: Vec<Enclosure> = Vec::new();
    let media = entry.media.iter().flat_map(|object| object.content.iter());
    for content in media {
        let Some(media_url) = content.url.as_ref() else {
            continue;
        };
        let Some(media_url) = join_web_url(link_base, media_url.as_str()) else {
            continue;
        };
        push_enclosure(
            &mut enclosures,
            Enclosure {
                url: media_url,
                mime: content.content_type.as_ref().map(|m| m.to_string()),
                length: content.size,
            },
        );
    }
    for link in entry
        .links
        .iter()
        .filter(|l| l.rel.as_deref() == Some("enclosure"))
    {
        if let Some(media_url) = join_web_url(link_base, &link.href) {
            push_enclosure(
                &mut enclosures,
                Enclosure {
                    url: media_url,
                    mime: link.media_type.clone(),
                    length: link.length,
                },
            );
        }
    }

    let base_url = xml_base
        .or_else(|| url.clone())
        .unwrap_or_else(|| feed_url.clone());

    ParsedItem {
        key,
        url,
        title,
        author,
        published,
        updated,
        summary_html,
        content_html,
        base_url,
        enclosures,
        categories: categories_of(&entry.categories),
    }
}

/// Most categories kept for one item, and the longest one: enough for rules, and a hostile
/// feed's thousands of tags cost nothing.
const MAX_CATEGORIES: usize = 32;
const MAX_CATEGORY_CHARS: usize = 200;

/// An item's categories as text: the label, else the term, trimmed, each once.
fn categories_of(categories: &[model::Category]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for category in categories {
        let name = category.label.as_deref().unwrap_or(&category.term).trim();
        if name.is_empty() || name.chars().count() > MAX_CATEGORY_CHARS {
            continue;
        }
        if !out.iter().any(|c| c == name) {
            out.push(name.to_string());
        }
        if out.len() == MAX_CATEGORIES {
            break;
        }
    }
    out
}

fn push_enclosure(enclosures: &mut Vec<Enclosure>, enclosure: Enclosure) {
    if !enclosures.iter().any(|e| e.url == enclosure.url) {
        enclosures.push(enclosure);
    }
}

/// A link to the page itself (not comments, not self, not enclosure).
fn is_alternate(link: &model::Link) -> bool {
    link.target.is_none() && matches!(link.rel.as_deref(), None | Some("alternate"))
}

/// A feed-rs text construct as plain text: HTML-typed text loses its tags and entities.
fn text_of(text: &model::Text) -> String {
    let essence = text.content_type.essence().to_string();
    let content = text.content.trim();
    let is_markup = essence == "text/html" || essence == "application/xhtml+xml";
    if is_markup && (content.contains('<') || content.contains('&')) {
        match parse_fragment(content) {
            Ok(fragment) => fragment.text().trim().to_owned(),
            // Markup nested too deep to parse quickly (quadratic in html5ever) is still a
            // title: flattened without parsing.
            Err(_) => text_without_tags(content).trim().to_owned(),
        }
    } else {
        content.to_owned()
    }
}

/// A body as HTML: markup passes through raw, plain text is escaped, binary types are dropped.
fn html_of(essence: &str, body: &str) -> Option<String> {
    if body.trim().is_empty() {
        return None;
    }
    let is_markup = essence == "text/html"
        || essence == "application/xhtml+xml"
        || essence.ends_with("+xml")
        || essence.ends_with("/xml");
    if is_markup {
        Some(body.to_owned())
    } else if essence.starts_with("text/") {
        Some(escape_html(body))
    } else {
        None
    }
}

/// A key for items with neither id nor link: the same bytes always give the same key.
fn content_key(title: &str, body: Option<&str>) -> String {
    let mut hasher = Sha256::new();
    hasher.update(title.as_bytes());
    hasher.update([0u8]);
    hasher.update(body.unwrap_or("").as_bytes());
    format!("sha256:{}", hex::encode(&hasher.finalize()))
}

#[cfg(test)]
mod person_tests {
    use super::person_name;

    #[test]
    fn rss_author_email_with_name_shows_the_name() {
        assert_eq!(
            person_name("newsdesk@ledger.example (Mei Lin Tan)"),
            "Mei Lin Tan"
        );
        assert_eq!(person_name("(Mei Lin Tan)"), "Mei Lin Tan");
        assert_eq!(person_name("Jane Doe"), "Jane Doe");
        // Parentheses that are part of a name stay.
        assert_eq!(person_name("Jane Doe (Reuters)"), "Jane Doe (Reuters)");
        assert_eq!(person_name("desk@news.example"), "desk@news.example");
    }
}

#[cfg(test)]
mod language_tag_tests {
    use super::language_tag;

    // Java and gettext write locales with an underscore; `lang` wants a hyphen.
    #[test]
    fn en_us_with_an_underscore_becomes_a_hyphenated_tag() {
        assert_eq!(language_tag("en_US").as_deref(), Some("en-US"));
    }

    // Feeds shout and pad: `<language>EN-gb </language>`.
    #[test]
    fn en_gb_shouted_and_padded_is_trimmed_and_cased() {
        assert_eq!(language_tag("EN-gb ").as_deref(), Some("en-GB"));
        assert_eq!(language_tag("zh-hant-tw").as_deref(), Some("zh-Hant-TW"));
        assert_eq!(language_tag("fr").as_deref(), Some("fr"));
    }

    // Whatever is not letters, digits and hyphens never reaches a `lang` attribute.
    #[test]
    fn garbage_is_no_language() {
        for garbage in [
            "en\"><script>",
            "English (US)",
            "en--us",
            "-en",
            "12-US",
            "fr;q=0.8",
            "en-US-abcdefghijklmnopqrstuvwxyz-0123456789",
        ] {
            assert_eq!(language_tag(garbage), None, "{garbage:?}");
        }
    }

    #[test]
    fn an_empty_language_is_no_language() {
        assert_eq!(language_tag(""), None);
        assert_eq!(language_tag("  \t"), None);
    }
}
