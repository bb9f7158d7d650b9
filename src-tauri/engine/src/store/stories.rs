//! Stories: which stored articles report the same event. Recording the story a new article
//! joins, reading back what grouping needs to remember of the library's recent articles, and
//! reading a story back (its other articles, marking it read).
//!
//! The decision itself is the caller's ([`StoryJudge`]), and so is finding the candidates (in
//! memory: a search per article inside the write cost as much as the rest of a first import):
//! this file runs SQL and never judges similarity nor groups an article on its own account.

use chrono::{DateTime, Utc};
use rusqlite::{params, Connection, OptionalExtension, Transaction};

use super::packed::{self, Upto};
use super::{to_time, NewArticle, Result, Store, StoreError};
use crate::model::{ArticleId, FeedId, StoryLink};

/// Characters of an article's text read as its lead: enough for the measure's first words in
/// any language, without reading whole stories.
const LEAD_CHARS: usize = 1000;

/// Decides which story a newly stored article joins, from inside the write that stores it (so
/// the articles stored just before it in the same batch can be in it too).
pub trait StoryJudge {
    /// The story the article joins (named by its first article's id), if any.
    fn choose(&mut self, arrival: StoryArrival<'_>) -> Option<ArticleId>;
}

/// A newly stored article to be grouped.
#[derive(Debug, Clone, Copy)]
pub struct StoryArrival<'a> {
    pub id: ArticleId,
    pub feed_id: FeedId,
    pub article: &'a NewArticle,
}

/// A stored article of a feed, as grouping remembers it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredForStories {
    pub id: ArticleId,
    pub feed_id: FeedId,
    pub published: DateTime<Utc>,
    /// Its story, when it is in one with other articles.
    pub story: Option<ArticleId>,
    pub title: String,
    /// The start of its text (at most [`LEAD_CHARS`] characters).
    pub lead: String,
}

/// An article of a story, with the story it is in (for a story's span and outlets).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StoryMember {
    pub story: ArticleId,
    pub feed_id: FeedId,
    pub published: DateTime<Utc>,
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

    /// The `limit` articles of feeds stored last, oldest first, and every article of the
    /// stories they are in (some may be older), for grouping to remember.
    pub fn recent_for_stories(
        &self,
        limit: u32,
    ) -> Result<(Vec<StoredForStories>, Vec<StoryMember>)> {
        self.read(|c| {
            let mut stmt = c.prepare_cached(
                "SELECT id, feed_id, published, story_id, title, body
                 FROM articles WHERE feed_id IS NOT NULL ORDER BY id DESC LIMIT ?1",
            )?;
            let mut recent = stmt
                .query_map([limit], |r| {
                    Ok(StoredForStories {
                        id: r.get(0)?,
                        feed_id: r.get(1)?,
                        published: to_time(r.get(2)?),
                        story: r.get(3)?,
                        title: r.get(4)?,
                        lead: lead(r, 5)?,
                    })
                })?
                .collect::<Result<Vec<_>, _>>()?;
            recent.reverse();
            let mut stmt = c.prepare_cached(
                "SELECT story_id, feed_id, published FROM articles
                 WHERE feed_id IS NOT NULL AND story_id IN
                       (SELECT story_id FROM (SELECT story_id FROM articles
                                              WHERE feed_id IS NOT NULL ORDER BY id DESC LIMIT ?1)
                        WHERE story_id IS NOT NULL)",
            )?;
            let members = stmt
                .query_map([limit], |r| {
                    Ok(StoryMember {
                        story: r.get(0)?,
                        feed_id: r.get(1)?,
                        published: to_time(r.get(2)?),
                    })
                })?
                .collect::<Result<Vec<_>, _>>()?;
            Ok((recent, members))
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

/// Puts the article just stored as `arrival` in the story `judge` chooses for it, if any and
/// if that story still has an article (one deleted since the judge last read the library is
/// not joined: the article stays alone).
pub(super) fn group_article(
    tx: &Transaction,
    judge: &mut dyn StoryJudge,
    arrival: StoryArrival<'_>,
) -> Result<()> {
    let Some(story) = judge.choose(arrival) else {
        return Ok(());
    };
    // The story is named after the article it began with, which names it too from now on.
    tx.prepare_cached("UPDATE articles SET story_id = ?1 WHERE id = ?1 AND story_id IS NULL")?
        .execute([story])?;
    tx.prepare_cached(
        "UPDATE articles SET story_id = ?1
         WHERE id = ?2 AND EXISTS (SELECT 1 FROM articles WHERE story_id = ?1)",
    )?
    .execute([story, arrival.id])?;
    Ok(())
}

/// The start of the text of the story in column `i` (at most [`LEAD_CHARS`] characters).
fn lead(r: &rusqlite::Row, i: usize) -> rusqlite::Result<String> {
    let mut text = packed::column(r, i, Upto::Text)?.text;
    if let Some((cut, _)) = text.char_indices().nth(LEAD_CHARS) {
        text.truncate(cut);
    }
    Ok(text)
}
