//! Search: what a person types as a full-text query, and a page of its matches, the newest
//! ranked best first and the older ones after them.
//!
//! Owns the order of a search's results and how the full-text index is read for them; the
//! list's columns and filters are the articles' (`articles.rs`), the ranking function
//! `rank.rs`'s. Never writes.

use rusqlite::Connection;

use super::articles::{summary_from_row, SUMMARY_COLUMNS};
use super::Result;
use crate::model::{ArticleId, ArticleSummary};

/// How many of a search's matches, the newest, are ranked by relevance; older matches follow
/// them, newest first. A word in fewer stories than this is ranked in all of them.
pub(super) const RANKED_MATCHES: u32 = 1000;

/// Turns what a person types into an FTS5 query: every word must match, the last one as a prefix.
pub(super) fn fts_query(input: &str) -> Option<String> {
    let words: Vec<String> = input
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .take(16)
        .map(|w| format!("\"{w}\""))
        .collect();
    if words.is_empty() {
        return None;
    }
    let mut q = words.join(" ");
    q.push('*');
    Some(q)
}

/// A page of the matches of the full-text query `search` that pass `cond` (with `args`, its
/// arguments): the newest RANKED_MATCHES matches best first, then the older ones newest first.
///
/// Each reading of a `MATCH` costs a few milliseconds whatever the number of rows it returns
/// (FTS5 merges the last word's prefix posting lists again, and `bm25` counts the word's
/// matches again to weigh it), so the index is read once for the ranked part, and a second
/// time only for a page that reaches past it (BENCHMARKS.md, "Search"). Ranking costs about a
/// microsecond a match, hence the cut: a word in half of 100,000 stories took 45 ms to rank.
/// Equal ranks are broken the same way on every page (newest first), so the pages neither
/// repeat nor skip a story.
pub(super) fn search_articles(
    c: &Connection,
    search: &str,
    cond: &str,
    args: &[&dyn rusqlite::ToSql],
    other_filters: bool,
    limit: u32,
    offset: u32,
) -> Result<Vec<ArticleSummary>> {
    let whole = whole_last_word(c, search)?;
    let search = whole.as_deref().unwrap_or(search);
    // The rank is only available inside the full-text query: rank there, order here.
    let mut ranked: Vec<(ArticleId, f64)> = c
        .prepare_cached(&format!(
            "SELECT rowid, broadsheet_rank(article_fts, 8.0, 1.0) FROM article_fts
             WHERE article_fts MATCH ?1 ORDER BY rowid DESC LIMIT {RANKED_MATCHES}"
        ))?
        .query_map([search], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<Result<_, _>>()?;
    let (Some(&(floor, _)), full) = (ranked.last(), ranked.len() as u32 == RANKED_MATCHES) else {
        return Ok(Vec::new());
    };
    ranked.sort_by(|a, b| a.1.total_cmp(&b.1).then(b.0.cmp(&a.0)));
    let mut order = String::with_capacity(ranked.len() * 8);
    for (i, (id, _)) in ranked.iter().enumerate() {
        order.push(if i == 0 { '[' } else { ',' });
        order.push_str(&id.to_string());
    }
    order.push(']');
    // Without other filters only a page of rows is joined, hidden stories left out before
    // the cut (few, through their partial index); with them, every ranked match is.
    let end = limit + offset;
    let hidden = "(SELECT article_id FROM article_state WHERE hidden = 1)";
    let ranked_page = if other_filters {
        String::new()
    } else {
        format!("WHERE value NOT IN {hidden} ORDER BY key LIMIT {end}")
    };
    let mut ranked_args = vec![&order as &dyn rusqlite::ToSql];
    ranked_args.extend_from_slice(args);
    let mut out = Vec::new();
    let mut seen = 0;
    {
        let mut stmt = c.prepare_cached(&format!(
            "SELECT {SUMMARY_COLUMNS}
             FROM (SELECT value AS id, key AS pos FROM json_each(?1) {ranked_page}) h
             JOIN articles a ON a.id = h.id JOIN article_state s ON s.article_id = a.id
             LEFT JOIN feeds f ON f.id = a.feed_id
             WHERE {cond} ORDER BY h.pos LIMIT {end}"
        ))?;
        let mut rows = stmt.query(ranked_args.as_slice())?;
        while let Some(r) = rows.next()? {
            if seen >= offset {
                out.push(summary_from_row(r)?);
            }
            seen += 1;
        }
    }
    // The page is full, or there is nothing older than the ranked matches.
    if seen == end || !full {
        return Ok(out);
    }
    let (limit, offset) = (limit - out.len() as u32, offset - offset.min(seen));
    let end = limit + offset;
    let older_page = if other_filters {
        String::new()
    } else {
        format!(" AND rowid NOT IN {hidden} ORDER BY rowid DESC LIMIT {end}")
    };
    // ?1 and ?2 come first, so the filters' own parameters follow them.
    let mut older_args = vec![&search as &dyn rusqlite::ToSql, &floor];
    older_args.extend_from_slice(args);
    let mut stmt = c.prepare_cached(&format!(
        "SELECT {SUMMARY_COLUMNS}
         FROM (SELECT rowid AS id FROM article_fts WHERE article_fts MATCH ?1 AND rowid < ?2{older_page}) h
         JOIN articles a ON a.id = h.id JOIN article_state s ON s.article_id = a.id
         LEFT JOIN feeds f ON f.id = a.feed_id
         WHERE {cond} ORDER BY h.id DESC LIMIT {limit} OFFSET {offset}"
    ))?;
    out.extend(
        stmt.query_map(older_args.as_slice(), summary_from_row)?
            .collect::<Result<Vec<_>, _>>()?,
    );
    Ok(out)
}

/// `search` with its last word searched whole when no other word of the index begins with
/// it (the same matches): FTS5 reads a prefix by merging the lists of every word it begins,
/// each time the query is read (3.4 ms for a word in 46,609 of 100,000 stories, 0.25 ms whole;
/// BENCHMARKS.md, "Search"). `None` when the prefix must stay, or for a word not in ASCII,
/// whose form in the index (case folded, diacritics removed) this does not reproduce.
fn whole_last_word(c: &Connection, search: &str) -> Result<Option<String>> {
    let Some(body) = search.strip_suffix("\"*") else {
        return Ok(None);
    };
    let word = body.rsplit('"').next().unwrap_or_default();
    if word.is_empty() || !word.is_ascii() {
        return Ok(None);
    }
    let word = word.to_ascii_lowercase();
    // Every longer word it begins sorts from `word` and byte 1 (no word holds a NUL) to just
    // before `word` with its last byte the next one.
    let longer = format!("{word}\u{1}");
    let mut past = word.clone();
    if let Some(last) = past.pop() {
        past.push(char::from(last as u8 + 1));
    }
    let other = c
        .prepare_cached(
            "SELECT 1 FROM temp.article_fts_terms WHERE term >= ?1 AND term < ?2 LIMIT 1",
        )?
        .exists([&longer, &past])?;
    Ok((!other).then(|| format!("{body}\"")))
}

#[cfg(test)]
mod tests {
    use super::super::tests_support::{article, fetched, store, subscribe, titles};
    use super::super::{NewArticle, Store};
    use super::RANKED_MATCHES;
    use crate::model::ArticleQuery;

    /// A library of one feed holding `stories`, stored 200 to a refresh.
    fn library_of(stories: &[NewArticle]) -> (tempfile::TempDir, Store) {
        let (d, store) = store();
        let feed = subscribe(&store, "https://news.example/feed.xml");
        for chunk in stories.chunks(200) {
            store
                .apply_updates(&[fetched(feed, chunk.to_vec())])
                .unwrap();
        }
        (d, store)
    }

    #[test]
    fn a_common_word_is_ranked_among_its_newest_matches_and_the_older_ones_follow_newest_first() {
        let total = RANKED_MATCHES + 30;
        // The first story to arrive is the best match of all (the word in its title); the rest
        // mention it once in their text, and one of the newest also has it in its title.
        let stories: Vec<_> = (0..total)
            .map(|i| {
                let title = match i {
                    0 => "Summit opens".to_string(),
                    i if i == total - 5 => "Summit closes".to_string(),
                    i => format!("Story {i}"),
                };
                let mut a = article(&format!("k{i}"), &title, "h", 1_000 + i64::from(i));
                a.text = format!("{title}: talks at the summit went on");
                a
            })
            .collect();
        let (_d, store) = library_of(&stories);
        let page = |offset: u32| {
            store
                .articles(&ArticleQuery {
                    search: Some("summit".into()),
                    limit: Some(100),
                    offset: Some(offset),
                    ..ArticleQuery::default()
                })
                .unwrap()
        };
        let first = page(0);
        assert_eq!(
            first[0].title, "Summit closes",
            "the best of the newest matches first"
        );
        let mut all: Vec<_> = (0..=total / 100).flat_map(|p| page(p * 100)).collect();
        assert_eq!(
            all.len(),
            total as usize,
            "every match once, across the pages"
        );
        // After the ranked ones, the older matches come newest first, down to the oldest.
        let older = &all[RANKED_MATCHES as usize..];
        assert!(older.windows(2).all(|w| w[0].published > w[1].published));
        assert_eq!(older.last().unwrap().title, "Summit opens");
        all.sort_by_key(|a| a.id);
        all.dedup_by_key(|a| a.id);
        assert_eq!(all.len(), total as usize);
    }

    #[test]
    fn a_word_searched_whole_where_no_longer_word_begins_with_it_still_finds_the_longer_ones_elsewhere(
    ) {
        let texts = ["summit talks", "summits", "harbour news", "Summitry"];
        let stories: Vec<_> = texts
            .iter()
            .enumerate()
            .map(|(i, text)| {
                let mut a = article(
                    &format!("k{i}"),
                    &format!("Story {i}"),
                    "h",
                    1_000 + i as i64,
                );
                a.text = (*text).to_string();
                a
            })
            .collect();
        let (_d, store) = library_of(&stories);
        let found = |search: &str| {
            let q = ArticleQuery {
                search: Some(search.into()),
                ..ArticleQuery::default()
            };
            titles(&store, &q)
        };
        assert_eq!(found("summit"), ["Story 0", "Story 1", "Story 3"]);
        assert_eq!(found("SUMMIT"), ["Story 0", "Story 1", "Story 3"]);
        assert_eq!(found("summits"), ["Story 1"]);
        assert_eq!(found("harbour"), ["Story 2"]);
        assert_eq!(found("Harbour NEWS"), ["Story 2"]);
        assert_eq!(found("talks summ"), ["Story 0"]);
        assert!(found("harbourmaster").is_empty());
    }

    #[test]
    fn pages_of_any_size_across_the_ranked_and_older_matches_show_each_listed_match_once() {
        let total = RANKED_MATCHES + 40;
        // Ranks vary (the word one to four times), a rule read every 7th story and hid every
        // 11th: the filters and the hidden stories leave gaps on both sides of the boundary.
        let stories: Vec<_> = (0..total)
            .map(|i| {
                let mut a = article(
                    &format!("k{i}"),
                    &format!("Story {i}"),
                    "h",
                    1_000 + i64::from(i),
                );
                a.text = format!("{} and more", "summit ".repeat(1 + i as usize % 4));
                a.rules.read = i % 7 == 0;
                a.rules.hide = i % 11 == 0;
                a
            })
            .collect();
        let (_d, store) = library_of(&stories);
        let newest: Vec<u32> = (total - RANKED_MATCHES..total).collect();
        // "summi" is read as a prefix ("summit" begins with it), "summit" whole.
        for (search, unread_only) in [("summit", false), ("summit", true), ("summi", false)] {
            let listed = |i: &u32| i % 11 != 0 && !(unread_only && i % 7 == 0);
            let pages = |size: u32| -> Vec<u32> {
                let mut all = Vec::new();
                loop {
                    let page = store
                        .articles(&ArticleQuery {
                            search: Some(search.into()),
                            unread_only,
                            limit: Some(size),
                            offset: Some(all.len() as u32),
                            ..ArticleQuery::default()
                        })
                        .unwrap();
                    let n = page.len() as u32;
                    all.extend(page.iter().map(|a| a.title[6..].parse::<u32>().unwrap()));
                    if n < size {
                        return all;
                    }
                }
            };
            let all = pages(500);
            for size in [7, 70, 333] {
                assert_eq!(
                    pages(size),
                    all,
                    "pages of {size}, unread only: {unread_only}"
                );
            }
            // The ranked part: exactly the listed ones of the newest matches; then the
            // listed older ones, newest first.
            let ranked = newest.iter().filter(|i| listed(i)).count();
            let mut head = all[..ranked].to_vec();
            head.sort_unstable();
            assert_eq!(
                head,
                newest.iter().copied().filter(listed).collect::<Vec<_>>()
            );
            let older: Vec<u32> = (0..total - RANKED_MATCHES).rev().filter(listed).collect();
            assert_eq!(
                all[ranked..],
                older[..],
                "{search}, unread only: {unread_only}"
            );
        }
    }
}
