//! Links from a story's page to other stories of the same site.
//!
//! Two kinds of candidates, in this order: links inside blocks the page marks as related
//! (by a heading such as "More like this" or a class such as `related`), then other
//! same-site links whose URL looks like an article. Navigation, share, comment, tag,
//! author and account links are dropped, and so is the story itself. This never fetches.

use std::collections::{HashMap, HashSet};

use dom_query::{Document, NodeId, NodeRef};
use url::Url;

use crate::feed::base_url;
use crate::fetch::is_web_url;
use crate::sanitize::{collapse_whitespace, parse_page};

/// At most this many related links are kept: more is a site map, not a reading list.
pub const MAX_RELATED: usize = 20;

/// A link to another story: what it is called and where it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RelatedLink {
    /// The story's title, from the link text or the card's heading.
    pub title: String,
    /// Absolute http(s) URL, without fragment or tracking parameters.
    pub url: Url,
}

/// A link found on the page, before the story's own links are known.
#[derive(Debug)]
pub(super) struct Candidate {
    link: RelatedLink,
    /// Found in a block the page marks as related, rather than anywhere on the page.
    in_related_block: bool,
    article_like: bool,
    /// The title is the link's own text, not a fallback (card heading, `title`, image `alt`).
    title_from_text: bool,
}

/// Finds links to other stories in a page; a page that is too complex to parse has none.
pub fn related_links(html: &str, page_url: &Url) -> Vec<RelatedLink> {
    let doc = match parse_page(html) {
        Ok(doc) => doc,
        Err(error) => {
            tracing::debug!(url = %page_url, %error, "not looking for related links");
            return Vec::new();
        }
    };
    finish(collect_candidates(&doc, page_url), page_url, &[])
}

/// Headings of blocks that list other stories (lowercase).
const RELATED_HEADINGS: &[&str] = &[
    "related",
    "more like this",
    "more from",
    "more stories",
    "more news",
    "more on this",
    "read also",
    "also read",
    "read more",
    "read next",
    "see also",
    "you may also like",
    "you might also like",
    "you may like",
    "you might like",
    "recommended",
    "popular",
    "most read",
    "most viewed",
    "trending",
    "up next",
    "further reading",
    "what to read next",
];

/// Words in class or id names of blocks that list other stories.
const RELATED_CLASS_WORDS: &[&str] = &[
    "related",
    "more",
    "popular",
    "recommended",
    "recommendations",
    "readnext",
    "also",
    "similar",
    "mostread",
    "trending",
];

/// Words in class or id names of blocks whose links are never stories.
const JUNK_CLASS_WORDS: &[&str] = &[
    "menu",
    "menus",
    "breadcrumb",
    "breadcrumbs",
    "share",
    "shares",
    "sharing",
    "sharebar",
    "social",
    "comment",
    "comments",
    "disqus",
    "masthead",
    "cookie",
    "cookies",
    "consent",
    "newsletter",
    "subscribe",
    "subscription",
    "signup",
    "login",
    "pagination",
    "pager",
    "tags",
    "taglist",
    "byline",
    "author",
    "footer",
    "topbar",
    "skip",
    "ad",
    "ads",
    "advert",
    "advertisement",
    "sponsored",
    "promo",
    "outbrain",
    "taboola",
];

/// Whole class or id names of site headers (a `card-header` is part of a story card, so it is not here).
const JUNK_HEADER_NAMES: &[&str] = &[
    "header",
    "site-header",
    "page-header",
    "main-header",
    "global-header",
    "top-header",
];

/// First path segments of pages that are not stories.
const JUNK_PATH_SEGMENTS: &[&str] = &[
    "tag",
    "tags",
    "category",
    "categories",
    "topic",
    "topics",
    "section",
    "author",
    "authors",
    "user",
    "users",
    "profile",
    "people",
    "search",
    "login",
    "signin",
    "sign-in",
    "logout",
    "signup",
    "sign-up",
    "register",
    "subscribe",
    "subscription",
    "newsletter",
    "newsletters",
    "account",
    "comments",
    "comment",
    "feed",
    "rss",
    "page",
    "about",
    "contact",
    "privacy",
    "privacy-policy",
    "terms",
    "cookies",
    "cookie-policy",
    "wp-login.php",
    "wp-admin",
    "cart",
    "share",
    "print",
    "advertise",
    "careers",
    "jobs",
    "help",
    "support",
    "writer",
    "writers",
    "contributor",
    "contributors",
    "columnist",
    "columnists",
    "staff",
    "journalist",
    "journaliste",
    "auteur",
    "autor",
];

/// First labels of a site's hosts that serve shops, accounts and campaigns, not stories.
const JUNK_HOST_LABELS: &[&str] = &[
    "store",
    "shop",
    "action",
    "donate",
    "account",
    "accounts",
    "myaccount",
    "login",
    "auth",
    "subscribe",
    "subscription",
    "help",
    "support",
    "jobs",
    "careers",
    "ads",
];

/// File types that are never story pages.
const JUNK_EXTENSIONS: &[&str] = &[
    ".jpg", ".jpeg", ".png", ".gif", ".webp", ".svg", ".pdf", ".xml", ".rss", ".zip", ".mp3",
    ".mp4",
];

/// Query parameters that only track where a click came from.
fn is_tracking_param(name: &str) -> bool {
    let name = name.to_ascii_lowercase();
    name.starts_with("utm_")
        || matches!(
            name.as_str(),
            "fbclid"
                | "gclid"
                | "mc_cid"
                | "mc_eid"
                | "ref"
                | "ref_src"
                | "cmpid"
                | "icid"
                | "intcmp"
                | "ocid"
                | "ito"
                | "smid"
                | "tid"
                | "adid"
                | "ns_mchannel"
                | "ns_source"
                | "ns_campaign"
        )
}

/// Link texts that name an action, not a story.
const GENERIC_TITLES: &[&str] = &[
    "read more",
    "more",
    "continue reading",
    "full story",
    "click here",
    "here",
    "comments",
    "comment",
    "share",
    "reply",
    "next",
    "previous",
    "see more",
    "view more",
    "»",
    "›",
];

pub(super) fn collect_candidates(doc: &Document, page_url: &Url) -> Vec<Candidate> {
    let mut in_block: HashSet<NodeId> = HashSet::new();
    for block in related_blocks(doc) {
        for a in block.descendants_it().filter(|n| n.has_name("a")) {
            in_block.insert(a.id);
        }
    }
    // Relative links resolve against the page's `<base href>`, as a browser resolves them.
    let base = base_url(doc, page_url);
    let self_keys = self_keys(doc, page_url, &base);

    let mut candidates = Vec::new();
    for a in doc.select("body a[href]").nodes() {
        let Some(href) = a.attr("href") else { continue };
        let Some(url) = story_url(page_url, &base, &href) else {
            continue;
        };
        if self_keys.contains(&identity(&url)) || is_junk_placement(a) {
            continue;
        }
        let in_related_block = in_block.contains(&a.id);
        if !in_related_block && is_in_prose(a) {
            continue;
        }
        let Some((title, title_from_text)) = link_title(a) else {
            continue;
        };
        let article_like = is_article_like(&url);
        let headline_like = title.split_whitespace().count() >= 3;
        // Outside a related block only an article-looking URL with a headline is a story;
        // inside one, either will do (a one-word link to a section page will not).
        let keep = if in_related_block {
            article_like || headline_like
        } else {
            article_like && headline_like
        };
        if !keep {
            continue;
        }
        candidates.push(Candidate {
            link: RelatedLink { title, url },
            in_related_block,
            article_like,
            title_from_text,
        });
    }
    candidates
}

/// Orders, de-duplicates and caps the candidates, dropping those the story itself links to
/// (a link in the story's text is part of the story, not a suggestion beside it).
pub(super) fn finish(
    mut candidates: Vec<Candidate>,
    page_url: &Url,
    story_links: &[Url],
) -> Vec<RelatedLink> {
    let in_story: HashSet<String> = story_links.iter().map(identity).collect();
    candidates.sort_by_key(|c| (!c.in_related_block, !c.article_like));
    let mut seen: HashMap<String, usize> = HashMap::new();
    let mut links: Vec<(RelatedLink, bool)> = Vec::new();
    for candidate in candidates {
        let key = identity(&candidate.link.url);
        if !candidate.in_related_block && in_story.contains(&key) {
            continue;
        }
        match seen.get(&key) {
            // A card often links its picture and its headline to the same story: keep the headline.
            Some(&i) if !links[i].1 && candidate.title_from_text => {
                links[i] = (candidate.link, true);
            }
            Some(_) => {}
            None if links.len() < MAX_RELATED => {
                seen.insert(key, links.len());
                links.push((candidate.link, candidate.title_from_text));
            }
            None => {}
        }
    }
    let links: Vec<RelatedLink> = links.into_iter().map(|(link, _)| link).collect();
    tracing::trace!(url = %page_url, count = links.len(), "related links");
    links
}

/// The blocks the page marks as lists of other stories, by heading text or class/id.
fn related_blocks<'a>(doc: &'a Document) -> Vec<NodeRef<'a>> {
    let mut blocks = Vec::new();
    for heading in doc
        .select("body h2, body h3, body h4, body h5, body h6, body [role=heading]")
        .nodes()
    {
        let text = heading.text().to_lowercase();
        let text = text.trim();
        if text.len() > 60 || !RELATED_HEADINGS.iter().any(|h| text.starts_with(h)) {
            continue;
        }
        // The block is the smallest ancestor that holds links besides the heading's own.
        let mut node = *heading;
        for _ in 0..3 {
            let Some(parent) = node.parent() else { break };
            node = parent;
            if !node.is_element() || node.has_name("body") {
                break;
            }
            if is_list_sized(&node) && count_links(&node) > count_links(heading) {
                blocks.push(node);
                break;
            }
        }
    }
    for node in doc.select("body [class], body [id]").nodes() {
        if has_class_word(node, RELATED_CLASS_WORDS) && is_list_sized(node) {
            blocks.push(*node);
        }
    }
    blocks
}

fn count_links(node: &NodeRef) -> usize {
    node.descendants_it().filter(|n| n.has_name("a")).count()
}

/// A list of stories is short; a block as big as the page is a wrapper, not a list.
fn is_list_sized(node: &NodeRef) -> bool {
    count_links(node) <= 60 && node.text().len() <= 6000
}

/// Splits class and id names into lowercase words (`read-next__list` gives read, next, list)
/// and reports whether any is one of `words`; joined pairs such as `readnext` also count.
pub(super) fn has_class_word(node: &NodeRef, words: &[&str]) -> bool {
    // Runs for every element with a class on every page: no allocation per part or pair.
    let is_word = |part: &str| words.iter().any(|w| w.eq_ignore_ascii_case(part));
    let is_pair = |a: &str, b: &str| {
        words.iter().any(|w| {
            w.len() == a.len() + b.len()
                && w[..a.len()].eq_ignore_ascii_case(a)
                && w[a.len()..].eq_ignore_ascii_case(b)
        })
    };
    let names = [node.attr("class"), node.attr("id")];
    names.iter().flatten().any(|names| {
        names.split_whitespace().any(|name| {
            let mut previous: Option<&str> = None;
            for part in name
                .split(|c: char| !c.is_ascii_alphanumeric())
                .filter(|p| !p.is_empty())
            {
                if is_word(part) || previous.is_some_and(|prev| is_pair(prev, part)) {
                    return true;
                }
                previous = Some(part);
            }
            false
        })
    })
}

fn has_nav_word(node: &NodeRef) -> bool {
    let names = [node.attr("class"), node.attr("id")];
    names.iter().flatten().any(|names| {
        names.split_whitespace().any(|name| {
            let name = name.to_ascii_lowercase();
            JUNK_HEADER_NAMES.contains(&name.as_str())
                || name.split(|c: char| !c.is_ascii_alphanumeric()).any(|p| {
                    p == "nav"
                        || p.starts_with("navbar")
                        || p.starts_with("navigation")
                        || p.ends_with("nav")
                })
        })
    })
}

/// Whether the link sits in navigation, a site header or footer, a share bar, comments or a form.
fn is_junk_placement(a: &NodeRef) -> bool {
    let ancestors: Vec<NodeRef> = a
        .ancestors_it(None)
        .filter(|n| n.is_element())
        .take_while(|n| !n.has_name("body") && !n.has_name("html"))
        .collect();
    let mut below_main = true;
    for (i, node) in ancestors.iter().enumerate() {
        let name = node
            .node_name()
            .map(|n| n.to_ascii_lowercase())
            .unwrap_or_default();
        if matches!(name.as_str(), "nav" | "menu" | "form") {
            return true;
        }
        if matches!(
            node.attr("role").as_deref(),
            Some("navigation" | "banner" | "contentinfo" | "menu" | "menubar" | "search")
        ) {
            return true;
        }
        // A story card may have its own <header>; only the page's header and footer are junk.
        if matches!(name.as_str(), "header" | "footer")
            && !ancestors[i + 1..]
                .iter()
                .any(|n| n.has_name("article") || n.has_name("li"))
        {
            return true;
        }
        // Wrappers around the main content carry page-wide classes; their words say nothing here.
        if below_main && (has_class_word(node, JUNK_CLASS_WORDS) || has_nav_word(node)) {
            return true;
        }
        if name == "main" || node.attr("role").as_deref() == Some("main") {
            below_main = false;
        }
    }
    false
}

/// A link inside a paragraph of running text is part of the story, not a list of stories.
fn is_in_prose(a: &NodeRef) -> bool {
    let Some(block) = a
        .ancestors_it(Some(4))
        .find(|n| n.is("p, blockquote, li, h1, h2, h3, h4, h5, h6"))
    else {
        return false;
    };
    // A headline in a list item or heading is a teaser, even with a summary beside it.
    if !block.is("p, blockquote") {
        return false;
    }
    let link_text = collapse_whitespace(&a.text()).chars().count();
    let block_text = collapse_whitespace(&block.text()).chars().count();
    block_text > 80 && block_text > link_text * 3
}

/// The link's title and whether it is the link's own text: its text, else the heading of
/// its card, else its `title` attribute or image `alt`.
fn link_title(a: &NodeRef) -> Option<(String, bool)> {
    let usable = |s: &str| {
        let s = collapse_whitespace(s);
        let lower = s.to_lowercase();
        let generic = GENERIC_TITLES.contains(&lower.as_str())
            || lower.chars().all(|c| !c.is_alphabetic())
            || lower.ends_with(" comments")
            || lower.ends_with(" comment");
        (!generic && s.chars().count() >= 3).then_some(s)
    };
    let mut text = String::new();
    headline_text(a, &mut text);
    if let Some(title) = usable(&text) {
        return Some((title, true));
    }
    let href = a.attr("href");
    for card in a.ancestors_it(Some(3)) {
        // A heading belongs to this link only while the block around it links nowhere else.
        let one_target = card
            .descendants_it()
            .filter(|n| n.has_name("a") && n.has_attr("href"))
            .all(|other| other.attr("href") == href);
        if !one_target {
            break;
        }
        let heading = card.descendants_it().find(|n| n.is("h2, h3, h4, h5"));
        if let Some(title) = heading.and_then(|h| usable(&h.text())) {
            return Some((title, false));
        }
    }
    let alt = a
        .descendants_it()
        .filter(|n| n.has_name("img"))
        .find_map(|img| img.attr("alt"));
    a.attr("title")
        .and_then(|t| usable(&t))
        .or_else(|| alt.and_then(|t| usable(&t)))
        .map(|title| (title, false))
}

/// The link's text without what news sites add around a headline in a list: ranks
/// ("1", "2") and dates or times ("4 hours ago", `<time>`).
fn headline_text(node: &NodeRef, out: &mut String) {
    for child in node.children_it(false) {
        if child.is_text() {
            out.push_str(&child.text());
            out.push(' ');
        } else if child.is_element() {
            let text = child.text();
            let decoration = child.has_name("time")
                || child.has_name("script")
                || child.has_name("style")
                || has_class_word(
                    &child,
                    &["date", "time", "timestamp", "ago", "rank", "number"],
                )
                || text.trim().chars().all(|c| c.is_ascii_digit() || c == '.');
            if !decoration {
                headline_text(&child, out);
            }
        }
    }
}

/// The link's absolute URL (resolved against `base`) if it may be a story of the same site as
/// the page, cleaned of fragment and tracking.
fn story_url(page_url: &Url, base: &Url, href: &str) -> Option<Url> {
    let href = href.trim();
    if href.starts_with('#') {
        return None;
    }
    let mut url = base.join(href).ok()?;
    if !is_web_url(&url) || !same_site(page_url, &url) {
        return None;
    }
    let first_label = url.host_str()?.split('.').next()?.to_ascii_lowercase();
    if url.host_str() != page_url.host_str() && JUNK_HOST_LABELS.contains(&first_label.as_str()) {
        return None;
    }
    // Links to a comment thread (#comments, #respond, #comment-12) are not stories.
    if url
        .fragment()
        .is_some_and(|f| f.starts_with("comment") || f == "respond" || f == "disqus_thread")
    {
        return None;
    }
    url.set_fragment(None);
    let kept: Vec<(String, String)> = url
        .query_pairs()
        .filter(|(k, _)| !is_tracking_param(k))
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect();
    if kept
        .iter()
        .any(|(k, _)| matches!(k.as_str(), "share" | "replytocom" | "action" | "s" | "q"))
    {
        return None;
    }
    if kept.is_empty() {
        url.set_query(None);
    } else {
        url.query_pairs_mut().clear().extend_pairs(kept);
    }
    let path = url.path().to_ascii_lowercase();
    let segments: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
    let first = segments.first()?;
    if JUNK_PATH_SEGMENTS.contains(first)
        || segments
            .iter()
            .any(|s| matches!(*s, "comments" | "tag" | "author" | "feed"))
        || JUNK_EXTENSIONS.iter().any(|ext| path.ends_with(ext))
    {
        return None;
    }
    Some(url)
}

fn site_host(url: &Url) -> Option<String> {
    let host = url.host_str()?.to_ascii_lowercase();
    Some(host.strip_prefix("www.").unwrap_or(&host).to_string())
}

/// Same host, or one a subdomain of the other (`edition.cnn.com` and `cnn.com`).
fn same_site(a: &Url, b: &Url) -> bool {
    match (site_host(a), site_host(b)) {
        (Some(a), Some(b)) => {
            a == b || a.ends_with(&format!(".{b}")) || b.ends_with(&format!(".{a}"))
        }
        _ => false,
    }
}

/// What makes two URLs the same story: host without `www.`, path without trailing slash,
/// and the query only when the path alone does not name a story (`/article.php?id=3`);
/// scheme, fragment and tracking parameters do not count.
fn identity(url: &Url) -> String {
    let host_path = format!(
        "{}{}",
        site_host(url).unwrap_or_default(),
        url.path().trim_end_matches('/')
    );
    if is_article_like(url) {
        return host_path;
    }
    let mut query: Vec<(String, String)> = url
        .query_pairs()
        .filter(|(k, _)| !is_tracking_param(k))
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect();
    query.sort();
    format!("{host_path}?{query:?}")
}

/// The story's own identities: the page URL and the canonical and `og:url` it declares.
fn self_keys(doc: &Document, page_url: &Url, base: &Url) -> HashSet<String> {
    let mut keys = HashSet::from([identity(page_url)]);
    let declared = doc
        .select("head link[rel=canonical]")
        .nodes()
        .iter()
        .filter_map(|n| n.attr("href"))
        .chain(
            doc.select("head meta[property='og:url']")
                .nodes()
                .iter()
                .filter_map(|n| n.attr("content")),
        )
        .filter_map(|href| base.join(href.trim()).ok())
        .collect::<Vec<_>>();
    keys.extend(declared.iter().map(identity));
    keys
}

/// A story's URL has a path of more than one segment, or a slug, date or long number in it.
fn is_article_like(url: &Url) -> bool {
    let segments: Vec<&str> = url
        .path_segments()
        .into_iter()
        .flatten()
        .filter(|s| !s.is_empty())
        .collect();
    let Some(last) = segments.last() else {
        return false;
    };
    let slug = last.len() >= 15 && last.split(['-', '_']).filter(|w| !w.is_empty()).count() >= 3;
    let number = last.chars().filter(|c| c.is_ascii_digit()).count() >= 5;
    let dated = segments
        .iter()
        .any(|s| s.len() == 4 && s.starts_with("20") && s.chars().all(|c| c.is_ascii_digit()));
    slug || number || dated || (segments.len() > 1 && last.len() > 8)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn url(s: &str) -> Url {
        Url::parse(s).unwrap()
    }

    #[test]
    fn identity_ignores_fragment_trailing_slash_www_and_tracking() {
        let a = url("https://www.news.example/2024/a-story/?utm_source=x&id=3#top");
        let b = url("http://news.example/2024/a-story?id=3");
        assert_eq!(identity(&a), identity(&b));
        assert_ne!(
            identity(&a),
            identity(&url("https://news.example/2024/other"))
        );
    }

    #[test]
    fn story_url_refuses_other_sites_schemes_and_non_story_paths() {
        let page = url("https://news.example/2024/09/02/story.html");
        assert_eq!(
            story_url(&page, &page, "/2024/b.html?utm_medium=rss#x").map(|u| u.to_string()),
            Some("https://news.example/2024/b.html".into())
        );
        for href in [
            "https://twitter.com/intent/tweet?url=x",
            "mailto:a@news.example",
            "javascript:void(0)",
            "#comments",
            "/2024/b.html#comments",
            "/tag/asia",
            "/category/world/",
            "/author/jane-doe",
            "/2024/b.html?share=facebook",
            "/img/lead.jpg",
            "/",
        ] {
            assert_eq!(story_url(&page, &page, href), None, "{href}");
        }
    }

    #[test]
    fn article_like_urls_have_a_slug_a_date_or_an_id() {
        assert!(is_article_like(&url(
            "https://n.example/world/asia-summit-opens"
        )));
        assert!(is_article_like(&url(
            "https://n.example/2024/09/02/story.html"
        )));
        assert!(is_article_like(&url("https://n.example/news/123456")));
        assert!(!is_article_like(&url("https://n.example/world")));
        assert!(!is_article_like(&url("https://n.example/")));
    }

    #[test]
    fn related_block_links_come_first_and_junk_is_dropped() {
        let page = url("https://news.example/2024/09/main-story.html");
        let html = r##"<html><head><link rel="canonical" href="https://news.example/2024/09/main-story.html"></head><body>
            <header><a href="/2024/09/header-story-with-slug">A header story link here</a></header>
            <nav><a href="/2024/09/nav-story-with-slug">A nav story link here</a></nav>
            <article><h1>Main</h1><p>Long text of the story, long enough to be prose, with
            <a href="/2024/09/inline-story-link">an inline link</a> inside it and more words after it.</p>
            <div class="share-buttons"><a href="/2024/09/share-this-story-now">Share this story on the site</a></div>
            <a href="/2024/09/main-story.html#comments">12 comments</a>
            <a href="/2024/09/main-story.html?utm_source=self">Main story again, itself</a>
            </article>
            <aside><h3>More like this</h3><ul>
              <li><a href="/2024/09/second-story.html?utm_campaign=x">Second story</a></li>
              <li><a href="/tag/politics">Politics</a></li>
              <li><a href="https://other.example/2024/09/elsewhere-story-slug">Elsewhere story</a></li>
            </ul></aside>
            <div class="latest"><a href="/2024/09/third-story-of-the-day">The third story of the day</a>
            <a href="/about">About us here</a></div>
            <footer><a href="/2024/09/footer-story-with-slug">A footer story link here</a></footer>
            </body></html>"##;
        let links = related_links(html, &page);
        let got: Vec<(&str, &str)> = links
            .iter()
            .map(|l| (l.title.as_str(), l.url.as_str()))
            .collect();
        assert_eq!(
            got,
            vec![
                (
                    "Second story",
                    "https://news.example/2024/09/second-story.html"
                ),
                (
                    "The third story of the day",
                    "https://news.example/2024/09/third-story-of-the-day"
                ),
            ]
        );
    }

    #[test]
    fn a_card_link_without_text_takes_the_card_heading() {
        let page = url("https://news.example/2024/a.html");
        let html = r#"<body><section class="related-stories">
            <div class="card"><a href="/2024/b-story-slug-here"><img src="/b.jpg" alt=""></a>
            <h3>The heading of card B</h3><a href="/2024/b-story-slug-here">Read more</a></div>
            </section></body>"#;
        let links = related_links(html, &page);
        assert_eq!(links.len(), 1);
        assert_eq!(links[0].title, "The heading of card B");
    }
}
