//! The item-to-article step: what a parsed feed item or an extracted page becomes in the
//! library. It owns an item's identity across refreshes (the source hash), the teaser rule,
//! the excerpt rule, the size cap on an item's HTML, and which story wins when a page's
//! extract and a feed's item disagree.
//!
//! Pure and synchronous: it never touches the network, the database or the clock (times come
//! in as arguments), so every rule here is unit-tested on values alone. It calls only
//! `sanitize` for HTML and text, and `hex` for hashes.

use std::collections::HashSet;

use chrono::{DateTime, Utc};
use sha2::{Digest, Sha256};
use url::Url;

use crate::extract::ExtractedArticle;
use crate::feed::{ParsedFeed, ParsedItem};
use crate::hex;
use crate::model::{Article, ArticleId, ArticleSummary, FeedId, RelatedLink};
use crate::sanitize;
use crate::store::{FeedMeta, FeedUpdate, KnownItems, NewArticle};

/// A feed item's HTML larger than this is cut before sanitizing (payload 37: a 10 MB item
/// must not cost the rest of its feed).
pub const MAX_ITEM_HTML: usize = 2 * 1024 * 1024;

/// Length of an article's excerpt, in characters.
pub const EXCERPT_CHARS: usize = 280;

/// Shorter than this, a feed item's text is a teaser, not the story.
pub const TEASER_CHARS: usize = 500;

/// What a feed's fetch brought, before it becomes an update of the store.
pub struct FetchedFeed {
    pub feed_id: FeedId,
    pub parsed: ParsedFeed,
    /// The validators to send back next time.
    pub etag: Option<String>,
    pub last_modified: Option<String>,
    /// The hash of the whole body, to tell an unchanged feed without parsing it.
    pub body_hash: String,
    pub at: DateTime<Utc>,
}

/// Turns a parsed feed into what the store keeps, sanitizing only new or changed items: an
/// item whose hash is the one stored is left out, and so is an item retention pruned.
pub fn prepare_update(fetched: FetchedFeed, known: &KnownItems) -> FeedUpdate {
    let mut seen = HashSet::new();
    let mut items = Vec::new();
    let meta = feed_meta(&fetched.parsed);
    for item in fetched.parsed.items {
        // A feed that repeats a guid: the first copy wins, every time.
        if known.pruned.contains(&item.key) || !seen.insert(item.key.clone()) {
            continue;
        }
        let source_hash = item_hash(&item);
        if known.hashes.get(&item.key) == Some(&source_hash) {
            continue;
        }
        let mut article = prepare_article(item, source_hash);
        article.published = not_after(article.published, fetched.at);
        article.updated = article
            .updated
            .map(|updated| not_after(updated, fetched.at));
        items.push(article);
    }
    FeedUpdate::Fetched {
        feed_id: fetched.feed_id,
        meta,
        etag: fetched.etag,
        last_modified: fetched.last_modified,
        body_hash: fetched.body_hash,
        items,
        at: fetched.at,
    }
}

/// A source's date, never later than `now` (the fetch): a story dated ahead would stay pinned
/// above newer ones. The one rule for dates in the future, for feed items and pages alike.
pub fn not_after(date: DateTime<Utc>, now: DateTime<Utc>) -> DateTime<Utc> {
    date.min(now)
}

/// What a feed says of itself, as the store keeps it.
pub fn feed_meta(parsed: &ParsedFeed) -> FeedMeta {
    FeedMeta {
        title: parsed.title.clone(),
        site_url: parsed.site_url.as_ref().map(Url::to_string),
        description: parsed.description.clone(),
        icon_url: parsed.icon_url.as_ref().map(Url::to_string),
        language: parsed.language.clone(),
    }
}

/// A hash of everything of an item that we show, to tell an edit from a repeat.
pub fn item_hash(item: &ParsedItem) -> String {
    let mut h = Sha256::new();
    for part in [
        item.url.as_ref().map(Url::as_str),
        Some(item.title.as_str()),
        item.author.as_deref(),
        item.summary_html.as_deref(),
        item.content_html.as_deref(),
    ] {
        h.update(part.unwrap_or("").as_bytes());
        h.update([0u8]);
    }
    hex::encode(&h.finalize()[..16])
}

/// The first 16 bytes of a SHA-256, in hex: how a feed's body (or a page's story) is told
/// from the last one seen.
pub fn hash_hex(bytes: &[u8]) -> String {
    hex::encode(&Sha256::digest(bytes)[..16])
}

fn cut_at_char_boundary(s: &str, max: usize) -> &str {
    if s.len() <= max {
        return s;
    }
    let mut end = max;
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    &s[..end]
}

/// The note kept in place of a story the sanitizer refused.
fn not_kept_note(error: &sanitize::SanitizeError) -> String {
    format!("Broadsheet did not keep this story's text ({error}). Open the original to read it.")
}

/// One feed item as a storable article: its content (else its summary) sanitized, cut at
/// [`MAX_ITEM_HTML`], with its excerpt.
pub fn prepare_article(item: ParsedItem, source_hash: String) -> NewArticle {
    let raw = item
        .content_html
        .as_deref()
        .or(item.summary_html.as_deref())
        .unwrap_or("");
    let cut = cut_at_char_boundary(raw, MAX_ITEM_HTML);
    let mut images = Vec::new();
    let (html, text) = match sanitize::sanitize_article_html(cut, &item.base_url) {
        Ok(clean) => {
            images = clean.images.iter().map(Url::to_string).collect();
            let (mut html, mut text) = (clean.html, clean.text);
            if cut.len() < raw.len() {
                html.push_str("<p><em>This story was too long to keep whole; open the original to read the rest.</em></p>");
                text = sanitize::html_to_text(&html);
            }
            (html, text)
        }
        Err(e) => {
            let note = not_kept_note(&e);
            (
                format!("<p><em>{}</em></p>", sanitize::escape_html(&note)),
                note,
            )
        }
    };
    // The excerpt is text only, so the summary needs no sanitizing pass of its own: the text
    // extraction drops scripts and the like, and guards against hostile nesting itself.
    let summary_text = match (&item.content_html, &item.summary_html) {
        (Some(_), Some(summary)) => Some(sanitize::html_to_text(cut_at_char_boundary(
            summary,
            MAX_ITEM_HTML,
        ))),
        _ => None,
    };
    let excerpt = sanitize::excerpt(
        summary_text
            .as_deref()
            .filter(|t| !t.trim().is_empty())
            .unwrap_or(&text),
        EXCERPT_CHARS,
    );
    NewArticle {
        key: item.key,
        url: item.url.map(|u| u.to_string()),
        title: item.title,
        author: item.author,
        published: item.published,
        updated: item.updated,
        html,
        text,
        excerpt,
        source_hash,
        site_name: None,
        lead_image: None,
        related: Vec::new(),
        images,
        categories: item.categories,
        rules: Default::default(),
    }
}

/// An extracted page as a storable article of no feed, keyed by its address. A publication
/// date after `now` is taken as `now`.
pub fn page_article(story: ExtractedArticle, page_url: &Url, now: DateTime<Utc>) -> NewArticle {
    let mut article = NewArticle {
        key: page_url.to_string(),
        url: Some(page_url.to_string()),
        title: story.title.clone(),
        author: story.byline.clone(),
        published: story.published.map_or(now, |p| not_after(p, now)),
        updated: None,
        html: String::new(),
        text: String::new(),
        excerpt: String::new(),
        source_hash: String::new(),
        site_name: None,
        lead_image: None,
        related: Vec::new(),
        images: Vec::new(),
        categories: Vec::new(),
        rules: Default::default(),
    };
    apply_story(&mut article, story, page_url);
    if article.title.trim().is_empty() {
        article.title = page_url.to_string();
    }
    article.source_hash = hash_hex(article.html.as_bytes());
    article
}

/// An article just stored under `id`, as reading it back would give it (unread, not
/// bookmarked, dated to the second as the store keeps times), without its pictures' state.
pub fn stored_article(id: ArticleId, new: NewArticle) -> Article {
    let to_second = |t: DateTime<Utc>| DateTime::from_timestamp(t.timestamp(), 0).unwrap_or(t);
    Article {
        summary: ArticleSummary {
            id,
            feed_id: None,
            feed_title: None,
            title: new.title,
            url: new.url,
            author: new.author,
            published: to_second(new.published),
            read: false,
            bookmarked: false,
            excerpt: new.excerpt,
            story: id,
            outlets: 1,
            outlet_feeds: Vec::new(),
        },
        html: new.html,
        text: new.text,
        site_name: new.site_name,
        lead_image: new.lead_image,
        related: new.related,
        images: Vec::new(),
        language: None,
        coverage: Vec::new(),
    }
}

/// Puts an extracted story into an article, sanitized against the page's address.
fn apply_story(article: &mut NewArticle, story: ExtractedArticle, page_url: &Url) {
    let (html, images, text) = match sanitize::sanitize_article_html(&story.content_html, page_url)
    {
        Ok(clean) => (clean.html, clean.images, clean.text),
        Err(e) => {
            let note = not_kept_note(&e);
            let html = format!("<p><em>{}</em></p>", sanitize::escape_html(&note));
            (html, Vec::new(), note)
        }
    };
    article.text = text;
    article.html = html;
    article.images = images.iter().map(Url::to_string).collect();
    if let Some(lead) = &story.lead_image {
        if !article.images.iter().any(|i| i == lead.as_str()) {
            article.images.insert(0, lead.to_string());
        }
    }
    let excerpt_source = story
        .excerpt
        .as_deref()
        .filter(|e| !e.trim().is_empty())
        .unwrap_or(&article.text);
    article.excerpt = sanitize::excerpt(excerpt_source, EXCERPT_CHARS);
    if article.author.is_none() {
        article.author = story.byline;
    }
    article.site_name = story.site_name;
    article.lead_image = story.lead_image.map(|u| u.to_string());
    article.related = story
        .related
        .into_iter()
        .map(|r| RelatedLink {
            title: r.title,
            url: r.url.to_string(),
        })
        .collect();
}

/// Completes a feed item with the story extracted from its page, unless the extract's text is
/// shorter than the item's own (a page whose extraction caught only part of the story, or a
/// paywall's first paragraph, never replaces what the feed gave). Whether it was completed.
pub fn complete_story(item: &mut NewArticle, story: ExtractedArticle, page_url: &Url) -> bool {
    let mut completed = item.clone();
    apply_story(&mut completed, story, page_url);
    if completed.text.chars().count() < item.text.chars().count() {
        return false;
    }
    *item = completed;
    true
}

/// Whether a feed item's linked page is fetched for its full story: always when the feed asks
/// for it, else when the item is a teaser.
pub fn wants_full_story(item: &NewArticle, always: bool) -> bool {
    always || is_teaser(&item.text)
}

/// Whether a feed item carries only a teaser of its story: shorter than [`TEASER_CHARS`], or
/// ending in an ellipsis or a "read more".
pub fn is_teaser(text: &str) -> bool {
    let t = text.trim_end();
    let lower_tail: String = t
        .chars()
        .rev()
        .take(40)
        .collect::<Vec<_>>()
        .into_iter()
        .rev()
        .collect::<String>()
        .to_lowercase();
    t.chars().count() < TEASER_CHARS
        || t.ends_with('…')
        || t.ends_with("...")
        || t.ends_with("[…]")
        || t.ends_with("[...]")
        || lower_tail.ends_with("read more")
        || lower_tail.ends_with("continue reading")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn item(summary: Option<&str>, content: Option<&str>) -> ParsedItem {
        ParsedItem {
            key: "k".into(),
            url: None,
            title: "T".into(),
            author: None,
            published: Utc::now(),
            updated: None,
            summary_html: summary.map(str::to_owned),
            content_html: content.map(str::to_owned),
            base_url: Url::parse("https://news.example/a/").unwrap(),
            enclosures: vec![],
            categories: vec![],
        }
    }

    fn keyed(key: &str, content: &str) -> ParsedItem {
        ParsedItem {
            key: key.into(),
            url: Url::parse(&format!("https://news.example/{key}")).ok(),
            ..item(None, Some(content))
        }
    }

    fn fetched(items: Vec<ParsedItem>) -> FetchedFeed {
        FetchedFeed {
            feed_id: 7,
            parsed: ParsedFeed {
                title: "News".into(),
                site_url: Url::parse("https://news.example/").ok(),
                description: None,
                icon_url: None,
                language: None,
                items,
            },
            etag: None,
            last_modified: None,
            body_hash: "b".into(),
            at: Utc::now(),
        }
    }

    fn stored(update: &FeedUpdate) -> Vec<&NewArticle> {
        match update {
            FeedUpdate::Fetched { items, .. } => items.iter().collect(),
            other => panic!("not a fetched update: {other:?}"),
        }
    }

    fn story(content_html: &str) -> ExtractedArticle {
        ExtractedArticle {
            title: "Page".into(),
            byline: None,
            published: None,
            lead_image: None,
            site_name: None,
            excerpt: None,
            content_html: content_html.into(),
            text: String::new(),
            related: Vec::new(),
        }
    }

    /// What refreshing the same feed again stores, given what the first refresh stored.
    fn known_after(update: &FeedUpdate) -> KnownItems {
        KnownItems {
            hashes: stored(update)
                .into_iter()
                .map(|a| (a.key.clone(), a.source_hash.clone()))
                .collect(),
            pruned: HashSet::new(),
        }
    }

    // A feed's summary is its own excerpt of the story; only its text is kept, never markup or
    // script, whatever the summary holds.
    #[test]
    fn the_excerpt_is_the_summary_as_text_when_the_item_has_both() {
        let article = prepare_article(
            item(
                Some(
                    "<p>The <b>short</b> version.<script>alert('x')</script><style>p{}</style></p>",
                ),
                Some("<p>The whole story, much longer.</p>"),
            ),
            String::new(),
        );
        assert_eq!(article.excerpt, "The short version.");
        assert!(article.html.contains("The whole story"));
        let only_content =
            prepare_article(item(None, Some("<p>Just <i>this</i>.</p>")), String::new());
        assert_eq!(only_content.excerpt, "Just this.");
        // A summary that is nothing but markup falls back to the story's text.
        let empty = prepare_article(
            item(Some("<img src=x>"), Some("<p>Body.</p>")),
            String::new(),
        );
        assert_eq!(empty.excerpt, "Body.");
    }

    #[test]
    fn a_long_text_is_cut_to_the_excerpt_length() {
        let long = format!("<p>{}</p>", "word ".repeat(200));
        let article = prepare_article(item(None, Some(&long)), String::new());
        assert!(article.excerpt.chars().count() <= EXCERPT_CHARS);
        assert!(article.text.chars().count() > EXCERPT_CHARS);
    }

    #[test]
    fn cutting_never_splits_a_character() {
        assert_eq!(cut_at_char_boundary("aé", 2), "a");
        assert_eq!(cut_at_char_boundary("abc", 10), "abc");
    }

    #[test]
    fn an_unchanged_item_is_skipped_at_the_next_refresh_and_an_edited_one_is_not() {
        let first = prepare_update(
            fetched(vec![keyed("a", "<p>One.</p>"), keyed("b", "<p>Two.</p>")]),
            &KnownItems::default(),
        );
        assert_eq!(stored(&first).len(), 2);
        let known = known_after(&first);
        let again = prepare_update(
            fetched(vec![keyed("a", "<p>One.</p>"), keyed("b", "<p>Two.</p>")]),
            &known,
        );
        assert!(
            stored(&again).is_empty(),
            "unchanged items were prepared again"
        );
        let edited = prepare_update(
            fetched(vec![
                keyed("a", "<p>One.</p>"),
                keyed("b", "<p>Two, edited.</p>"),
            ]),
            &known,
        );
        let edited = stored(&edited);
        assert_eq!(edited.len(), 1);
        assert_eq!(edited[0].key, "b");
    }

    #[test]
    fn an_item_keeps_its_identity_across_refreshes_whatever_its_order() {
        let one = prepare_update(
            fetched(vec![keyed("a", "<p>One.</p>"), keyed("b", "<p>Two.</p>")]),
            &KnownItems::default(),
        );
        let two = prepare_update(
            fetched(vec![keyed("b", "<p>Two.</p>"), keyed("a", "<p>One.</p>")]),
            &KnownItems::default(),
        );
        let hash_of = |u: &FeedUpdate, key: &str| {
            stored(u)
                .into_iter()
                .find(|a| a.key == key)
                .map(|a| a.source_hash.clone())
        };
        assert_eq!(hash_of(&one, "a"), hash_of(&two, "a"));
        assert_ne!(hash_of(&one, "a"), hash_of(&one, "b"));
    }

    #[test]
    fn a_repeated_guid_keeps_its_first_copy() {
        let update = prepare_update(
            fetched(vec![
                keyed("a", "<p>First.</p>"),
                keyed("a", "<p>Second.</p>"),
            ]),
            &KnownItems::default(),
        );
        let items = stored(&update);
        assert_eq!(items.len(), 1);
        assert!(items[0].text.contains("First"), "{}", items[0].text);
    }

    #[test]
    fn an_item_pruned_by_retention_is_not_stored_again() {
        let known = KnownItems {
            pruned: HashSet::from(["a".to_string()]),
            ..KnownItems::default()
        };
        let update = prepare_update(
            fetched(vec![keyed("a", "<p>Old.</p>"), keyed("b", "<p>New.</p>")]),
            &known,
        );
        let keys: Vec<_> = stored(&update).iter().map(|a| a.key.clone()).collect();
        assert_eq!(keys, ["b"]);
    }

    #[test]
    fn an_oversized_item_is_cut_and_says_so() {
        let huge = format!("<p>{}</p>", "x".repeat(MAX_ITEM_HTML + 10));
        let article = prepare_article(item(None, Some(&huge)), String::new());
        assert!(article.html.len() < MAX_ITEM_HTML + 1024);
        assert!(
            article.html.contains("too long to keep whole"),
            "no note on a cut story"
        );
    }

    #[test]
    fn a_page_dated_in_the_future_is_dated_now() {
        let now = Utc::now();
        let page = Url::parse("https://news.example/story").unwrap();
        let mut future = story("<p>Tomorrow's news.</p>");
        future.published = Some(now + chrono::Duration::days(3));
        assert_eq!(page_article(future, &page, now).published, now);
        let mut past = story("<p>Yesterday's news.</p>");
        let yesterday = now - chrono::Duration::days(1);
        past.published = Some(yesterday);
        assert_eq!(page_article(past, &page, now).published, yesterday);
    }

    /// An item dated a few hours ahead (a wrong time zone) or years ahead (a typo) would stay
    /// pinned above every newer story: it is dated to the fetch, and so is its update.
    #[test]
    fn feed_items_dated_in_the_future_are_dated_to_the_fetch() {
        let mut feed = fetched(vec![
            keyed("soon", "<p>An hour ahead.</p>"),
            keyed("typo", "<p>Years ahead.</p>"),
            keyed("past", "<p>Yesterday.</p>"),
        ]);
        let at = feed.at;
        let yesterday = at - chrono::Duration::days(1);
        feed.parsed.items[0].published = at + chrono::Duration::hours(23);
        feed.parsed.items[0].updated = Some(at + chrono::Duration::hours(23));
        feed.parsed.items[1].published = at + chrono::Duration::days(3650);
        feed.parsed.items[2].published = yesterday;
        let update = prepare_update(feed, &KnownItems::default());
        let dates: Vec<_> = stored(&update)
            .iter()
            .map(|a| (a.published, a.updated))
            .collect();
        assert_eq!(dates, vec![(at, Some(at)), (at, None), (yesterday, None)]);
    }

    #[test]
    fn a_page_without_a_title_is_named_by_its_address() {
        let page = Url::parse("https://news.example/story").unwrap();
        let mut untitled = story("<p>Words.</p>");
        untitled.title = " ".into();
        let article = page_article(untitled, &page, Utc::now());
        assert_eq!(article.title, "https://news.example/story");
        assert_eq!(article.key, "https://news.example/story");
        assert!(!article.source_hash.is_empty());
    }

    #[test]
    fn short_or_cut_off_texts_are_teasers_and_long_whole_ones_are_not() {
        let long = "A sentence of the story. ".repeat(40);
        assert!(!is_teaser(&long));
        assert!(is_teaser("A short item."));
        assert!(is_teaser(&format!("{long}…")));
        assert!(is_teaser(&format!("{long}[...]")));
        assert!(is_teaser(&format!("{long} Continue reading")));
        assert!(is_teaser(&format!("{long} Read more  ")));
    }

    #[test]
    fn a_page_extract_shorter_than_the_item_never_replaces_it() {
        let page = Url::parse("https://news.example/story").unwrap();
        let whole = format!(
            "<p>{}</p>",
            "The whole story, as the feed gives it. ".repeat(30)
        );
        let mut item = prepare_article(item(None, Some(&whole)), "h".into());
        let before = item.clone();
        assert!(!complete_story(
            &mut item,
            story("<p>Only the first paragraph of the story.</p>"),
            &page
        ));
        assert_eq!(
            (&item.html, &item.text, &item.excerpt, &item.title),
            (&before.html, &before.text, &before.excerpt, &before.title)
        );
        // An extract at least as long as the item's text is the story.
        let longer = format!("<p>{}</p>", "The page's own longer story. ".repeat(60));
        assert!(complete_story(&mut item, story(&longer), &page));
        assert!(item.text.contains("The page's own longer story"));
        assert_eq!(
            item.source_hash, "h",
            "completing changed the item's identity"
        );
    }

    #[test]
    fn a_whole_item_is_completed_only_when_the_feed_always_asks_for_its_page() {
        let whole = prepare_article(
            item(None, Some(&format!("<p>{}</p>", "A sentence. ".repeat(60)))),
            String::new(),
        );
        assert!(!wants_full_story(&whole, false));
        assert!(wants_full_story(&whole, true));
        let teaser = prepare_article(item(None, Some("<p>Short.</p>")), String::new());
        assert!(wants_full_story(&teaser, false));
    }
}
