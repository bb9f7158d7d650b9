//! Marking many articles read or unread at once: exactly the ones a list query shows, and
//! exactly a given set of ids (which is how an undo puts them back).
//!
//! It selects with the same query the list is drawn with (`query_articles`), so "mark all
//! read" can never mark a story the list did not show. It must never touch bookmarks,
//! content, or any article outside the query or the given ids.

use chrono::{DateTime, Utc};
use rusqlite::params;

use super::articles::{query_articles, MAX_PAGE};
use super::{Result, Store};
use crate::model::{ArticleId, ArticleQuery};

impl Store {
    /// Marks read every unread article the list `q` shows (its feed, folder, filter and
    /// search, every page of it), in one transaction. Returns the ids that changed (none for a
    /// feed that is gone: its list is empty).
    pub fn mark_query_read(&self, q: &ArticleQuery, now: DateTime<Utc>) -> Result<Vec<ArticleId>> {
        self.write(|tx| {
            // The list's own query, every page of it, limited to what is still unread.
            let mut page = ArticleQuery {
                unread_only: true,
                // Every article the list covers, not only the one each story row shows.
                stories: false,
                limit: Some(MAX_PAGE),
                offset: Some(0),
                ..q.clone()
            };
            let mut ids = Vec::new();
            loop {
                let rows = query_articles(tx, &page)?;
                let len = rows.len() as u32;
                ids.extend(rows.into_iter().map(|a| a.id));
                if len < MAX_PAGE {
                    break;
                }
                page.offset = Some(page.offset.unwrap_or(0) + len);
            }
            set_read_ids(tx, &ids, true, now)?;
            Ok(ids)
        })
    }

    /// Marks exactly these articles read or unread (ids no longer stored are skipped).
    /// Returns how many changed.
    pub fn set_read_many(
        &self,
        ids: &[ArticleId],
        read: bool,
        now: DateTime<Utc>,
    ) -> Result<usize> {
        self.write(|tx| set_read_ids(tx, ids, read, now))
    }
}

/// One statement run per id, inside the caller's transaction.
fn set_read_ids(
    tx: &rusqlite::Transaction,
    ids: &[ArticleId],
    read: bool,
    now: DateTime<Utc>,
) -> Result<usize> {
    let mut stmt = tx.prepare_cached(
        "UPDATE article_state SET read = ?2, read_at = ?3 WHERE article_id = ?1 AND read != ?2",
    )?;
    let mut changed = 0;
    for id in ids {
        changed += stmt.execute(params![id, read, now.timestamp()])?;
    }
    Ok(changed)
}
