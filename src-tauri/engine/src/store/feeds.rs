//! Feeds and folders: subscribing, renaming, filing, unsubscribing, and the state a refresh
//! reads before it fetches.
//!
//! A folder exists while a feed is in it: the last feed to leave takes it away. This file
//! never decides which feeds are due or how to fetch them; it answers and records.

use crate::error_kind::ErrorKind;
use chrono::{DateTime, Utc};
use rusqlite::{params, Connection, OptionalExtension, Transaction};

use super::{opt_time, to_time, FeedFetchState, NewFeed, Result, Store, StoreError};
use crate::image_scheme::image_src;
use crate::model::{Feed, FeedHealth, FeedId, Folder};

impl Store {
    /// Adds a feed, or returns the one already there with the same URL. `true` when added.
    pub fn add_feed(&self, new: &NewFeed, now: DateTime<Utc>) -> Result<(FeedId, bool)> {
        self.write(|tx| {
            if let Some(id) = tx
                .query_row("SELECT id FROM feeds WHERE url = ?1", [&new.url], |r| {
                    r.get(0)
                })
                .optional()?
            {
                return Ok((id, false));
            }
            let folder_id = match &new.folder {
                Some(name) => Some(folder_id(tx, name)?),
                None => None,
            };
            tx.execute(
                "INSERT INTO feeds (url, title, site_url, description, icon_url, folder_id, created_at,
                                    language)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
                params![
                    new.url,
                    new.meta.title,
                    new.meta.site_url,
                    new.meta.description,
                    new.meta.icon_url,
                    folder_id,
                    now.timestamp(),
                    new.meta.language
                ],
            )?;
            Ok((tx.last_insert_rowid(), true))
        })
    }

    /// The feed with this id.
    pub fn feed(&self, id: FeedId) -> Result<Feed> {
        self.read(|c| {
            let mut feeds = query_feeds(c, Some(id))?;
            feeds.pop().ok_or(StoreError::NoSuchFeed(id))
        })
    }

    /// The feed subscribed at exactly this URL, if any.
    pub fn feed_id_by_url(&self, url: &str) -> Result<Option<FeedId>> {
        self.read(|c| {
            Ok(
                c.query_row("SELECT id FROM feeds WHERE url = ?1", [url], |r| r.get(0))
                    .optional()?,
            )
        })
    }

    /// Every feed, by folder then name, with unread counts.
    pub fn feeds(&self) -> Result<Vec<Feed>> {
        self.read(|c| query_feeds(c, None))
    }

    /// Every folder, by name.
    pub fn folders(&self) -> Result<Vec<Folder>> {
        self.read(|c| {
            let mut stmt =
                c.prepare("SELECT id, name FROM folders ORDER BY name COLLATE NOCASE")?;
            let rows = stmt
                .query_map([], |r| {
                    Ok(Folder {
                        id: r.get(0)?,
                        name: r.get(1)?,
                    })
                })?
                .collect::<Result<Vec<_>, _>>()?;
            Ok(rows)
        })
    }

    /// Gives a feed a name of the user's choosing (`None` goes back to the feed's own title).
    pub fn rename_feed(&self, id: FeedId, title: Option<&str>) -> Result<()> {
        self.write(|tx| {
            let n = tx.execute(
                "UPDATE feeds SET custom_title = ?2 WHERE id = ?1",
                params![id, title.map(str::trim).filter(|t| !t.is_empty())],
            )?;
            if n == 0 {
                return Err(StoreError::NoSuchFeed(id));
            }
            Ok(())
        })
    }

    /// Moves a feed into a folder (created if needed), or out of any folder.
    pub fn set_feed_folder(&self, id: FeedId, folder: Option<&str>) -> Result<()> {
        self.write(|tx| {
            let folder_id = match folder.map(str::trim).filter(|f| !f.is_empty()) {
                Some(name) => Some(folder_id(tx, name)?),
                None => None,
            };
            let n = tx.execute(
                "UPDATE feeds SET folder_id = ?2 WHERE id = ?1",
                params![id, folder_id],
            )?;
            if n == 0 {
                return Err(StoreError::NoSuchFeed(id));
            }
            drop_empty_folders(tx)?;
            Ok(())
        })
    }

    /// Sets whether every item of the feed has its page fetched for the full story.
    pub fn set_full_story(&self, id: FeedId, on: bool) -> Result<()> {
        self.set_feed_flag(id, "full_story", on)
    }

    /// Sets whether the feed may reach the local network (loopback and private addresses) by
    /// name.
    pub fn set_local_network(&self, id: FeedId, on: bool) -> Result<()> {
        self.set_feed_flag(id, "local_network", on)
    }

    /// Sets one of a feed's yes-or-no columns (`column` is always a literal of this module's
    /// callers, never outside input).
    pub(super) fn set_feed_flag(&self, id: FeedId, column: &'static str, on: bool) -> Result<()> {
        self.write(|tx| {
            let n = tx.execute(
                &format!("UPDATE feeds SET {column} = ?2 WHERE id = ?1"),
                params![id, on],
            )?;
            if n == 0 {
                return Err(StoreError::NoSuchFeed(id));
            }
            Ok(())
        })
    }

    /// Unsubscribes: the feed and its articles go, except bookmarked ones, which stay as
    /// articles of no feed.
    pub fn delete_feed(&self, id: FeedId) -> Result<()> {
        self.write(|tx| {
            tx.execute(
                "UPDATE articles SET feed_id = NULL, key = 'kept:' || id
                 WHERE feed_id = ?1 AND id IN (SELECT article_id FROM article_state WHERE bookmarked = 1)",
                [id],
            )?;
            let n = tx.execute("DELETE FROM feeds WHERE id = ?1", [id])?;
            if n == 0 {
                return Err(StoreError::NoSuchFeed(id));
            }
            drop_empty_folders(tx)?;
            Ok(())
        })
    }

    /// The feeds a refresh would fetch (all, or one), with their conditional-GET state: those
    /// of this computer only (an account's feeds come from its server, never feed by feed).
    pub fn feeds_to_refresh(&self, only: Option<FeedId>) -> Result<Vec<FeedFetchState>> {
        self.read(|c| {
            let mut stmt = c.prepare(
                "SELECT f.id, f.url, f.etag, f.last_modified, f.body_hash, f.retry_after, f.full_story,
                        f.local_network, f.has_credentials, d.name
                 FROM feeds f LEFT JOIN folders d ON d.id = f.folder_id
                 WHERE f.account_id IS NULL AND (?1 IS NULL OR f.id = ?1) ORDER BY f.id",
            )?;
            let rows = stmt
                .query_map([only], |r| {
                    Ok(FeedFetchState {
                        id: r.get(0)?,
                        url: r.get(1)?,
                        etag: r.get(2)?,
                        last_modified: r.get(3)?,
                        body_hash: r.get(4)?,
                        retry_after: opt_time(r.get(5)?),
                        full_story: r.get(6)?,
                        local_network: r.get(7)?,
                        has_credentials: r.get(8)?,
                        folder: r.get(9)?,
                    })
                })?
                .collect::<Result<Vec<_>, _>>()?;
            if let Some(id) = only {
                if rows.is_empty() {
                    return Err(StoreError::NoSuchFeed(id));
                }
            }
            Ok(rows)
        })
    }
}

pub(super) fn folder_id(tx: &Transaction, name: &str) -> Result<i64> {
    let name = name.trim();
    if let Some(id) = tx
        .query_row("SELECT id FROM folders WHERE name = ?1", [name], |r| {
            r.get(0)
        })
        .optional()?
    {
        return Ok(id);
    }
    tx.execute("INSERT INTO folders (name) VALUES (?1)", [name])?;
    Ok(tx.last_insert_rowid())
}

fn query_feeds(c: &Connection, only: Option<FeedId>) -> Result<Vec<Feed>> {
    let mut stmt = c.prepare_cached(
        "WITH unread AS (
             SELECT a.feed_id, count(*) AS n FROM article_state s
             JOIN articles a ON a.id = s.article_id
             WHERE s.read = 0 AND s.hidden = 0 AND a.feed_id IS NOT NULL
               AND (?1 IS NULL OR a.feed_id = ?1)
             GROUP BY a.feed_id)
         SELECT f.id, coalesce(f.custom_title, nullif(f.title, ''), f.url), f.url, f.site_url, d.name,
                coalesce(u.n, 0),
                f.full_story, f.last_refreshed, f.error_kind, f.error_message, f.error_at,
                i.token, f.local_network, f.account_id, f.notify
         FROM feeds f LEFT JOIN folders d ON d.id = f.folder_id
         LEFT JOIN unread u ON u.feed_id = f.id
         LEFT JOIN feed_icons i ON i.feed_id = f.id
         WHERE ?1 IS NULL OR f.id = ?1
         ORDER BY d.name IS NOT NULL, d.name COLLATE NOCASE, 2 COLLATE NOCASE",
    )?;
    let rows = stmt
        .query_map([only], |r| {
            let error = stored_health(r.get(8)?, r.get(9)?, r.get(10)?);
            Ok(Feed {
                id: r.get(0)?,
                title: r.get(1)?,
                url: r.get(2)?,
                site_url: r.get(3)?,
                folder: r.get(4)?,
                unread: r.get(5)?,
                full_story: r.get(6)?,
                last_refreshed: opt_time(r.get(7)?),
                error,
                icon: r
                    .get::<_, Option<String>>(11)?
                    .map(|token| image_src(&token)),
                local_network: r.get(12)?,
                account: r.get(13)?,
                notify: r.get(14)?,
            })
        })?
        .collect::<Result<Vec<_>, _>>()?;
    Ok(rows)
}

/// A failure as stored (kind, message, when), if there is one.
pub(super) fn stored_health(
    kind: Option<String>,
    message: Option<String>,
    at: Option<i64>,
) -> Option<FeedHealth> {
    match (kind, message) {
        (Some(kind), Some(message)) => Some(FeedHealth {
            kind: ErrorKind::from_stored(&kind),
            message,
            at: to_time(at.unwrap_or(0)),
        }),
        _ => None,
    }
}

/// A folder lives as long as it holds a feed: removes the folders left empty by a move or an
/// unsubscribe.
pub(super) fn drop_empty_folders(tx: &Transaction) -> Result<()> {
    tx.execute(
        "DELETE FROM folders WHERE id NOT IN (SELECT folder_id FROM feeds WHERE folder_id IS NOT NULL)",
        [],
    )?;
    Ok(())
}
