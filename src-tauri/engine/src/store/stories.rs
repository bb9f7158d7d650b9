//! Stories: which stored articles report the same event. Finding a new article's candidates
//! (recent articles of other feeds that share its rarest words, through the full-text index),
//! recording the story it joins, and reading a story back (its other articles, marking it read).
//!
//! The decision itself is the caller's ([`StoryJudge`]): this file runs SQL and never judges
//! similarity, never picks the words, and never groups an article with one of its own feed's
//! on its own account.

use std::collections::HashMap;

use chrono::{DateTime, Duration as TimeDelta, Utc};
use rusqlite::{params, Connection, OptionalExtension, Transaction};

use super::packed::{self, Upto};
use super::{to_time, NewArticle, Result, Store, StoreError};
use crate::model::{ArticleId, FeedId, StoryLink};

/// Most candidates one new article is compared with: those that share the most of its words
/// (best-ranked by the full-text index). Bounds the cost of comparing an arrival.
const STORY_CANDIDATES: u32 = 30;

/// Only the articles stored last (this many) can be candidates, whatever their dates say: a
/// feed's archive spanning a year would otherwise make every arrival rank the whole library's
/// matches. Stories are news, and news is stored as it comes.
const RECENT_ARTICLES: i64 = 10_000;

/// Characters of a candidate's text read as its lead: enough for the measure's first words in
/// any language, without reading whole stories.
const LEAD_CHARS: usize = 1000;

/// Decides which story a newly stored article joins, from inside the write that stores it (so
/// the articles stored just before it in the same batch are candidates too).
pub trait StoryJudge {
    /// How far apart in time two articles of one story may be published.
    fn window(&self) -> TimeDelta;
    /// The words to look for the article's candidates with; none leaves it alone.
    fn search_words(&mut self, article: &NewArticle) -> Vec<String>;
    /// The story the article joins, among its candidates' stories, if any.
    fn choose(
        &mut self,
        arrival: StoryArrival<'_>,
        candidates: &[StoryCandidate],
    ) -> Option<ArticleId>;
}

/// A newly stored article to be grouped.
#[derive(Debug, Clone, Copy)]
pub struct StoryArrival<'a> {
    pub id: ArticleId,
    pub feed_id: FeedId,
    pub article: &'a NewArticle,
}

/// A stored article of another feed that a new article might join, with the facts of its story.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoryCandidate {
    pub id: ArticleId,
    /// Its story (its own id when it is alone).
    pub story: ArticleId,
    pub feed_id: FeedId,
    pub published: DateTime<Utc>,
    pub title: String,
    /// The start of its text (at most [`LEAD_CHARS`] characters).
    pub lead: String,
    /// When the story's first and latest articles were published.
    pub story_began: DateTime<Utc>,
    pub story_ended: DateTime<Utc>,
    /// Whether the story already holds an article of the new article's feed.
    pub story_has_feed: bool,
}

impl Store {
    /// Marks every article of `id`'s story read or unread (just `id` when it is alone).
    /// Returns how many changed.
    pub fn set_story_read(&self, id: ArticleId, read: bool, now: DateTime<Utc>) -> Result<usize> {
        self.write(|tx| {
            let story: Option<Option<ArticleId>> = tx
                .query_row("SELECT story_id FROM articles WHERE id = ?1", [id], |r| {
                    r.get(0)
                })
                .optional()?;
            let Some(story) = story else {
                return Err(StoreError::NoSuchArticle(id));
            };
            let n = tx.execute(
                "UPDATE article_state SET read = ?2, read_at = ?3
                 WHERE read != ?2 AND article_id IN
                       (SELECT id FROM articles WHERE id = ?1 OR story_id = ?4)",
                params![id, read, now.timestamp(), story],
            )?;
            Ok(n)
        })
    }

    /// The titles and leads of the `limit` articles stored last, for the word statistics the
    /// grouping measures rarity with.
    pub fn recent_leads(&self, limit: u32) -> Result<Vec<(String, String)>> {
        self.read(|c| {
            let mut stmt =
                c.prepare_cached("SELECT title, body FROM articles ORDER BY id DESC LIMIT ?1")?;
            let rows = stmt
                .query_map([limit], |r| Ok((r.get(0)?, lead(r, 1)?)))?
                .collect::<Result<Vec<_>, _>>()?;
            Ok(rows)
        })
    }
}

/// The other articles of `id`'s story, newest first (none for an article alone).
pub(super) fn coverage_of(c: &Connection, id: ArticleId) -> Result<Vec<StoryLink>> {
    let mut stmt = c.prepare_cached(
        "SELECT o.id, o.feed_id, coalesce(f.custom_title, nullif(f.title, ''), f.url), o.title,
                o.url, o.published
         FROM articles a JOIN articles o ON o.story_id = a.story_id AND o.id != a.id
         LEFT JOIN feeds f ON f.id = o.feed_id
         WHERE a.id = ?1 ORDER BY o.published DESC, o.id DESC",
    )?;
    let rows = stmt
        .query_map([id], |r| {
            Ok(StoryLink {
                id: r.get(0)?,
                feed_id: r.get(1)?,
                feed_title: r.get(2)?,
                title: r.get(3)?,
                url: r.get(4)?,
                published: to_time(r.get(5)?),
            })
        })?
        .collect::<Result<Vec<_>, _>>()?;
    Ok(rows)
}

/// The lowest article id that may be a candidate for articles published from `earliest` on:
/// every article published since then, less the window, has this id or a higher one, and it is
/// among the [`RECENT_ARTICLES`] stored last. Lets the full-text search skip older rows.
fn first_candidate_id(
    tx: &Transaction,
    earliest: DateTime<Utc>,
    window: TimeDelta,
) -> Result<ArticleId> {
    let since = (earliest - window).timestamp();
    let (in_window, newest): (Option<ArticleId>, Option<ArticleId>) = tx
        .prepare_cached(
            "SELECT (SELECT min(id) FROM articles WHERE published >= ?1), (SELECT max(id) FROM articles)",
        )?
        .query_row([since], |r| Ok((r.get(0)?, r.get(1)?)))?;
    let recent = newest.map_or(0, |n| n - RECENT_ARTICLES);
    Ok(in_window.unwrap_or(ArticleId::MAX).max(recent))
}

/// Groups the article just stored as `arrival` into a story, if `judge` finds one among the
/// articles of other feeds published within its window. `first_id` keeps, for the articles of
/// one batch published from `earliest` on, the lowest id worth searching (found the first time
/// it is needed: most arrivals of a busy refresh have no word rare enough to search with).
pub(super) fn group_article(
    tx: &Transaction,
    judge: &mut dyn StoryJudge,
    arrival: StoryArrival<'_>,
    earliest: DateTime<Utc>,
    first_id: &mut Option<ArticleId>,
) -> Result<()> {
    let Some(words) = fts_any_word(&judge.search_words(arrival.article)) else {
        return Ok(());
    };
    let window = judge.window();
    let first_id = match *first_id {
        Some(id) => id,
        None => *first_id.insert(first_candidate_id(tx, earliest, window)?),
    };
    let published = arrival.article.published;
    // Best-ranked first. Ranking reads every match in the window, which the judge keeps few by
    // searching with rare words only.
    let mut stmt = tx.prepare_cached(&format!(
        "SELECT a.id, coalesce(a.story_id, a.id), a.feed_id, a.published, a.title,
                a.body, a.story_id IS NOT NULL
         FROM article_fts JOIN articles a ON a.id = article_fts.rowid
         WHERE article_fts MATCH ?1 AND article_fts.rowid >= ?2
           AND a.feed_id != ?3 AND a.published BETWEEN ?4 AND ?5
         ORDER BY article_fts.rank LIMIT {STORY_CANDIDATES}"
    ))?;
    let mut rows = stmt.query(params![
        words,
        first_id,
        arrival.feed_id,
        (published - window).timestamp(),
        (published + window).timestamp(),
    ])?;
    let mut candidates = Vec::new();
    // Whether each candidate's story has other articles (else its facts are the candidate's).
    let mut grouped = Vec::new();
    while let Some(r) = rows.next()? {
        let published = to_time(r.get(3)?);
        candidates.push(StoryCandidate {
            id: r.get(0)?,
            story: r.get(1)?,
            feed_id: r.get(2)?,
            published,
            title: r.get(4)?,
            lead: lead(r, 5)?,
            story_began: published,
            story_ended: published,
            story_has_feed: false,
        });
        grouped.push(r.get::<_, bool>(6)?);
    }
    drop(rows);
    let mut facts = tx.prepare_cached(
        "SELECT (SELECT min(published) FROM articles WHERE story_id = ?1),
                (SELECT max(published) FROM articles WHERE story_id = ?1),
                EXISTS (SELECT 1 FROM articles WHERE story_id = ?1 AND feed_id = ?2)",
    )?;
    let mut known: HashMap<ArticleId, (i64, i64, bool)> = HashMap::new();
    for (candidate, _) in candidates.iter_mut().zip(&grouped).filter(|(_, g)| **g) {
        let (began, ended, has_feed) = match known.get(&candidate.story) {
            Some(found) => *found,
            None => {
                let found = facts.query_row(params![candidate.story, arrival.feed_id], |r| {
                    Ok((r.get(0)?, r.get(1)?, r.get(2)?))
                })?;
                known.insert(candidate.story, found);
                found
            }
        };
        candidate.story_began = to_time(began);
        candidate.story_ended = to_time(ended);
        candidate.story_has_feed = has_feed;
    }
    if candidates.is_empty() {
        return Ok(());
    }
    if let Some(story) = judge.choose(arrival, &candidates) {
        // The story is named after the article it began with, which names it too from now on.
        tx.prepare_cached("UPDATE articles SET story_id = ?1 WHERE id = ?1 AND story_id IS NULL")?
            .execute([story])?;
        tx.prepare_cached("UPDATE articles SET story_id = ?1 WHERE id = ?2")?
            .execute([story, arrival.id])?;
    }
    Ok(())
}

/// A full-text query matching any of `words` (each quoted, so it is a word and never syntax).
/// The start of the text of the story in column `i` (at most [`LEAD_CHARS`] characters).
fn lead(r: &rusqlite::Row, i: usize) -> rusqlite::Result<String> {
    let mut text = packed::column(r, i, Upto::Text)?.text;
    if let Some((cut, _)) = text.char_indices().nth(LEAD_CHARS) {
        text.truncate(cut);
    }
    Ok(text)
}

fn fts_any_word(words: &[String]) -> Option<String> {
    let quoted: Vec<String> = words
        .iter()
        .map(|w| w.replace('"', ""))
        .filter(|w| !w.is_empty())
        .map(|w| format!("\"{w}\""))
        .collect();
    (!quoted.is_empty()).then(|| quoted.join(" OR "))
}
