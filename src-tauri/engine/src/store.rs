//! The library file: one SQLite database, its schema, migrations and queries.
//!
//! Content (`articles`) and the user's state (`article_state`) live in separate tables, so
//! re-fetching or updating a story never touches whether it was read or bookmarked. One
//! connection writes, inside short transactions that may cover several feeds; readers use
//! connections of their own (WAL lets them read while the writer writes). This module
//! knows nothing of HTTP or HTML: it stores what it is given, already sanitized.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use chrono::{DateTime, TimeZone, Utc};
use rusqlite::{params, Connection, OpenFlags, OptionalExtension, Transaction};
use thiserror::Error;

mod folder_edits;

use crate::model::{
    Article, ArticleId, ArticleImage, ArticleQuery, ArticleSummary, Feed, FeedHealth, FeedId,
    Folder, RelatedLink, Settings,
};

/// Schema changes, in order. `PRAGMA user_version` is the number applied; never edit one
/// that has shipped, add the next.
const MIGRATIONS: &[&str] = &[
    include_str!("store/migrations/0001_initial.sql"),
    include_str!("store/migrations/0002_images.sql"),
    include_str!("store/migrations/0003_feed_icons.sql"),
];

/// The schema version this build writes.
pub const SCHEMA_VERSION: i64 = MIGRATIONS.len() as i64;

/// Refreshes the planner's statistics for our own tables, cheaply (analysis_limit).
///
/// Never the full-text index's shadow tables: statistics taken while they were small made
/// every later insert into the index search them badly, and a 30,000-article import took 11
/// times as long as a 10,000-article one (measured here; with no statistics on them SQLite's
/// defaults stay right). Stale statistics on `article_state` made the planner sort every
/// unread article to show 50, hence refreshing these after big changes.
const OPTIMIZE: &str = "PRAGMA analysis_limit = 1000;
     ANALYZE feeds; ANALYZE articles; ANALYZE article_state;
     ANALYZE images; ANALYZE article_images; ANALYZE feed_icons;";

/// Longest list a single query returns.
const MAX_PAGE: u32 = 500;

/// What can go wrong with the library file.
#[derive(Debug, Error)]
pub enum StoreError {
    #[error("library at {path}: {source}")]
    Open {
        path: PathBuf,
        source: rusqlite::Error,
    },
    #[error(
        "library at {path} was written by a newer Broadsheet (schema {found}, this version knows {known}); update Broadsheet to open it"
    )]
    TooNew {
        path: PathBuf,
        found: i64,
        known: i64,
    },
    #[error("library: {0}")]
    Sql(#[from] rusqlite::Error),
    #[error("no feed with id {0}")]
    NoSuchFeed(FeedId),
    #[error("no article with id {0}")]
    NoSuchArticle(ArticleId),
    #[error("library: {0}")]
    Poisoned(&'static str),
}

impl StoreError {
    /// A stable name for the kind of error.
    pub fn kind(&self) -> &'static str {
        match self {
            StoreError::Open { .. } => "library_unreadable",
            StoreError::TooNew { .. } => "library_too_new",
            StoreError::Sql(_) | StoreError::Poisoned(_) => "library",
            StoreError::NoSuchFeed(_) => "no_such_feed",
            StoreError::NoSuchArticle(_) => "no_such_article",
        }
    }
}

type Result<T, E = StoreError> = std::result::Result<T, E>;

/// A feed as the refresh needs it: where it is and how to ask for it conditionally.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FeedFetchState {
    pub id: FeedId,
    pub url: String,
    pub etag: Option<String>,
    pub last_modified: Option<String>,
    pub body_hash: Option<String>,
    pub retry_after: Option<DateTime<Utc>>,
    pub full_story: bool,
}

/// A new subscription.
#[derive(Debug, Clone, Default)]
pub struct NewFeed {
    pub url: String,
    pub folder: Option<String>,
    /// What the feed says of itself, as far as it is known yet.
    pub meta: FeedMeta,
}

/// The feed-level facts a successful fetch brings.
#[derive(Debug, Clone, Default)]
pub struct FeedMeta {
    pub title: String,
    pub site_url: Option<String>,
    pub description: Option<String>,
    pub icon_url: Option<String>,
}

/// An article ready to store: its HTML is already sanitized.
#[derive(Debug, Clone)]
pub struct NewArticle {
    /// Identity within the feed (guid, else link, else content hash); stable across refreshes.
    pub key: String,
    pub url: Option<String>,
    pub title: String,
    pub author: Option<String>,
    pub published: DateTime<Utc>,
    pub updated: Option<DateTime<Utc>>,
    pub html: String,
    pub text: String,
    pub excerpt: String,
    /// Hash of the item as the feed sent it, to tell an update from a repeat without sanitizing.
    pub source_hash: String,
    pub site_name: Option<String>,
    pub lead_image: Option<String>,
    pub related: Vec<RelatedLink>,
    /// The story's pictures (absolute http(s) URLs), to be fetched for offline reading.
    pub images: Vec<String>,
}

/// An article whose pictures are still to be fetched.
#[derive(Debug, Clone)]
pub struct PendingImages {
    pub article_id: ArticleId,
    pub images: Vec<String>,
    /// Where the article came from: its feed's address, else its own.
    pub origin: Option<String>,
}

/// What one feed's refresh brought, applied in one go by the writer.
#[derive(Debug, Clone)]
pub enum FeedUpdate {
    /// New or changed items (only those: unchanged ones are left out before sanitizing).
    Fetched {
        feed_id: FeedId,
        meta: FeedMeta,
        etag: Option<String>,
        last_modified: Option<String>,
        body_hash: String,
        items: Vec<NewArticle>,
        at: DateTime<Utc>,
    },
    /// 304, or the same body as last time.
    NotModified {
        feed_id: FeedId,
        etag: Option<String>,
        last_modified: Option<String>,
        at: DateTime<Utc>,
    },
    /// The refresh of this feed failed; everything stored stays as it was.
    Failed {
        feed_id: FeedId,
        kind: String,
        message: String,
        retry_after: Option<DateTime<Utc>>,
        at: DateTime<Utc>,
    },
}

/// What applying one feed's update changed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ApplyCounts {
    pub new_articles: usize,
    pub updated_articles: usize,
}

/// Items of a feed already stored, so a refresh sanitizes only what is new or changed.
#[derive(Debug, Clone, Default)]
pub struct KnownItems {
    /// key → hash of the item as last received.
    pub hashes: HashMap<String, String>,
    /// Keys pruned by retention: never stored again while the feed carries them.
    pub pruned: HashSet<String>,
}

/// A feed whose icon is due to be looked for, with the addresses the look starts from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IconDue {
    pub feed_id: FeedId,
    pub feed_url: String,
    pub site_url: Option<String>,
    /// The icon or logo the feed names for itself.
    pub icon_url: Option<String>,
}

/// What one look for a feed's icon found, as the store records it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum IconLookup {
    /// A picture to keep: it replaces the feed's icon.
    Found {
        url: String,
        /// Its name in the image scheme (32 lowercase hex characters).
        token: String,
        mime: String,
        data: Vec<u8>,
    },
    /// Nothing usable; an icon found earlier stays.
    Missing { kind: String, message: String },
}

/// The library database.
pub struct Store {
    path: PathBuf,
    writer: Mutex<Connection>,
    readers: Mutex<Vec<Connection>>,
}

fn to_time(secs: i64) -> DateTime<Utc> {
    Utc.timestamp_opt(secs, 0).single().unwrap_or_default()
}

fn opt_time(secs: Option<i64>) -> Option<DateTime<Utc>> {
    secs.map(to_time)
}

impl Store {
    /// Opens (creating if needed) the library at `path`, migrating it to this version's schema.
    pub fn open(path: &Path) -> Result<Store> {
        let open_err = |source| StoreError::Open {
            path: path.to_path_buf(),
            source,
        };
        let writer = Connection::open(path).map_err(open_err)?;
        configure(&writer).map_err(open_err)?;
        migrate(&writer, path)?;
        Ok(Store {
            path: path.to_path_buf(),
            writer: Mutex::new(writer),
            readers: Mutex::new(Vec::new()),
        })
    }

    /// The library file's path.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Runs `f` on a read connection (taken from a small pool).
    pub fn read<T>(&self, f: impl FnOnce(&Connection) -> Result<T>) -> Result<T> {
        let conn = {
            let mut pool = self
                .readers
                .lock()
                .map_err(|_| StoreError::Poisoned("reader pool"))?;
            pool.pop()
        };
        let conn = match conn {
            Some(c) => c,
            None => {
                let c = Connection::open_with_flags(
                    &self.path,
                    OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
                )?;
                c.busy_timeout(std::time::Duration::from_secs(5))?;
                c.execute_batch("PRAGMA cache_size = -4096;")?;
                c
            }
        };
        let out = f(&conn);
        if let Ok(mut pool) = self.readers.lock() {
            if pool.len() < 4 {
                pool.push(conn);
            }
        }
        out
    }

    /// Runs `f` inside one write transaction, committed if it returns `Ok`.
    pub fn write<T>(&self, f: impl FnOnce(&Transaction) -> Result<T>) -> Result<T> {
        let mut conn = self
            .writer
            .lock()
            .map_err(|_| StoreError::Poisoned("writer"))?;
        let tx = conn.transaction()?;
        let out = f(&tx)?;
        tx.commit()?;
        Ok(out)
    }

    /// Lets SQLite refresh its planner statistics; cheap, run after big changes and on close.
    pub fn optimize(&self) -> Result<()> {
        let conn = self
            .writer
            .lock()
            .map_err(|_| StoreError::Poisoned("writer"))?;
        conn.execute_batch(OPTIMIZE)?;
        Ok(())
    }

    /// Checks the file's integrity (`PRAGMA integrity_check`); `Ok(())` when it is sound.
    pub fn integrity_check(&self) -> Result<Vec<String>> {
        self.read(|c| {
            let mut stmt = c.prepare("PRAGMA integrity_check")?;
            let rows = stmt
                .query_map([], |r| r.get::<_, String>(0))?
                .collect::<Result<Vec<_>, _>>()?;
            Ok(rows)
        })
    }

    // ----- feeds and folders -----

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
                "INSERT INTO feeds (url, title, site_url, description, icon_url, folder_id, created_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                params![
                    new.url,
                    new.meta.title,
                    new.meta.site_url,
                    new.meta.description,
                    new.meta.icon_url,
                    folder_id,
                    now.timestamp()
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
            tx.execute(
                "DELETE FROM folders WHERE id NOT IN (SELECT folder_id FROM feeds WHERE folder_id IS NOT NULL)",
                [],
            )?;
            Ok(())
        })
    }

    /// Sets whether every item of the feed has its page fetched for the full story.
    pub fn set_full_story(&self, id: FeedId, on: bool) -> Result<()> {
        self.write(|tx| {
            let n = tx.execute(
                "UPDATE feeds SET full_story = ?2 WHERE id = ?1",
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
            tx.execute(
                "DELETE FROM folders WHERE id NOT IN (SELECT folder_id FROM feeds WHERE folder_id IS NOT NULL)",
                [],
            )?;
            Ok(())
        })
    }

    // ----- refresh -----

    /// The feeds a refresh would fetch (all, or one), with their conditional-GET state.
    pub fn feeds_to_refresh(&self, only: Option<FeedId>) -> Result<Vec<FeedFetchState>> {
        self.read(|c| {
            let mut stmt = c.prepare(
                "SELECT id, url, etag, last_modified, body_hash, retry_after, full_story FROM feeds
                 WHERE ?1 IS NULL OR id = ?1 ORDER BY id",
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

    /// What of this feed is already stored, so only new or changed items get sanitized.
    pub fn known_items(&self, feed_id: FeedId) -> Result<KnownItems> {
        self.read(|c| {
            let mut known = KnownItems::default();
            let mut stmt =
                c.prepare_cached("SELECT key, source_hash FROM articles WHERE feed_id = ?1")?;
            let mut rows = stmt.query([feed_id])?;
            while let Some(r) = rows.next()? {
                known.hashes.insert(r.get(0)?, r.get(1)?);
            }
            let mut stmt = c.prepare_cached("SELECT key FROM pruned_keys WHERE feed_id = ?1")?;
            let mut rows = stmt.query([feed_id])?;
            while let Some(r) = rows.next()? {
                known.pruned.insert(r.get(0)?);
            }
            Ok(known)
        })
    }

    /// Applies several feeds' updates in one transaction. Returns the counts per update, in order.
    pub fn apply_updates(&self, updates: &[FeedUpdate]) -> Result<Vec<ApplyCounts>> {
        self.write(|tx| updates.iter().map(|u| apply_update(tx, u)).collect())
    }

    // ----- articles -----

    /// Stores an article that belongs to no feed (a page opened on its own), or returns the one
    /// already stored for that URL. `true` when added.
    pub fn add_page_article(
        &self,
        article: &NewArticle,
        now: DateTime<Utc>,
    ) -> Result<(ArticleId, bool)> {
        self.write(|tx| {
            if let Some(id) = tx
                .query_row(
                    "SELECT id FROM articles WHERE feed_id IS NULL AND key = ?1",
                    [&article.key],
                    |r| r.get(0),
                )
                .optional()?
            {
                return Ok((id, false));
            }
            let id = insert_article(tx, None, article, now)?;
            Ok((id, true))
        })
    }

    /// A list of articles, newest first (best match first when searching).
    pub fn articles(&self, q: &ArticleQuery) -> Result<Vec<ArticleSummary>> {
        self.read(|c| query_articles(c, q))
    }

    /// A whole article.
    pub fn article(&self, id: ArticleId) -> Result<Article> {
        self.read(|c| {
            let summary = query_articles_where(c, "a.id = ?1", &[&id], 1, 0)?
                .pop()
                .ok_or(StoreError::NoSuchArticle(id))?;
            let (html, text, site_name, lead_image, related): (
                String,
                String,
                Option<String>,
                Option<String>,
                Option<String>,
            ) = c.query_row(
                "SELECT html, text, site_name, lead_image, related FROM articles WHERE id = ?1",
                [id],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)),
            )?;
            let related: Vec<RelatedLink> = related
                .and_then(|j| serde_json::from_str(&j).ok())
                .unwrap_or_default();
            Ok(Article {
                summary,
                html,
                text,
                site_name,
                lead_image,
                related,
                images: Vec::<ArticleImage>::new(),
            })
        })
    }

    /// Marks an article read or unread.
    pub fn set_read(&self, id: ArticleId, read: bool, now: DateTime<Utc>) -> Result<()> {
        self.set_state(
            id,
            "UPDATE article_state SET read = ?2, read_at = ?3 WHERE article_id = ?1",
            read,
            now,
        )
    }

    /// Bookmarks an article (kept for good) or removes the bookmark.
    pub fn set_bookmarked(&self, id: ArticleId, on: bool, now: DateTime<Utc>) -> Result<()> {
        self.set_state(
            id,
            "UPDATE article_state SET bookmarked = ?2, bookmarked_at = ?3 WHERE article_id = ?1",
            on,
            now,
        )
    }

    /// Runs one of the two state updates above (`?1` id, `?2` on, `?3` when).
    fn set_state(&self, id: ArticleId, sql: &str, on: bool, now: DateTime<Utc>) -> Result<()> {
        self.write(|tx| {
            let n = tx.execute(sql, params![id, on, now.timestamp()])?;
            if n == 0 {
                return Err(StoreError::NoSuchArticle(id));
            }
            Ok(())
        })
    }

    /// Marks every article (of one feed, or all) as read. Returns how many changed.
    pub fn mark_all_read(&self, feed: Option<FeedId>, now: DateTime<Utc>) -> Result<usize> {
        self.write(|tx| {
            if let Some(id) = feed {
                let exists: bool = tx.query_row(
                    "SELECT EXISTS(SELECT 1 FROM feeds WHERE id = ?1)",
                    [id],
                    |r| r.get(0),
                )?;
                if !exists {
                    return Err(StoreError::NoSuchFeed(id));
                }
            }
            let n = tx.execute(
                "UPDATE article_state SET read = 1, read_at = ?2
                 WHERE read = 0 AND (?1 IS NULL OR article_id IN (SELECT id FROM articles WHERE feed_id = ?1))",
                params![feed, now.timestamp()],
            )?;
            Ok(n)
        })
    }

    /// Deletes read, unbookmarked articles published before `cutoff`, remembering their keys so
    /// a feed that still carries them does not bring them back. Returns how many went.
    pub fn prune(&self, cutoff: DateTime<Utc>) -> Result<usize> {
        let n = self.write(|tx| {
            let doomed = "SELECT a.id FROM articles a JOIN article_state s ON s.article_id = a.id
                          WHERE s.read = 1 AND s.bookmarked = 0 AND a.published < ?1";
            tx.execute(
                &format!(
                    "INSERT OR IGNORE INTO pruned_keys (feed_id, key)
                     SELECT feed_id, key FROM articles WHERE feed_id IS NOT NULL AND id IN ({doomed})"
                ),
                [cutoff.timestamp()],
            )?;
            let n = tx.execute(
                &format!("DELETE FROM articles WHERE id IN ({doomed})"),
                [cutoff.timestamp()],
            )?;
            Ok(n)
        })?;
        self.optimize()?;
        Ok(n)
    }

    /// The article stored for this exact URL, if any (a feed's or a page opened on its own).
    pub fn article_id_by_url(&self, url: &str) -> Result<Option<ArticleId>> {
        self.read(|c| {
            Ok(c.query_row(
                "SELECT id FROM articles WHERE url = ?1 ORDER BY feed_id IS NULL, id LIMIT 1",
                [url],
                |r| r.get(0),
            )
            .optional()?)
        })
    }

    /// Articles whose pictures have not been fetched yet, newest first.
    pub fn pending_images(&self, limit: u32) -> Result<Vec<PendingImages>> {
        self.read(|c| {
            let mut stmt = c.prepare_cached(&format!(
                "{PENDING_IMAGES} WHERE a.images_done = 0 ORDER BY a.published DESC LIMIT ?1"
            ))?;
            let rows = stmt
                .query_map([limit], pending_images_row)?
                .collect::<Result<Vec<_>, _>>()?;
            Ok(rows)
        })
    }

    /// One article's pictures, if they have not been fetched yet.
    pub fn pending_images_of(&self, id: ArticleId) -> Result<Option<PendingImages>> {
        self.read(|c| {
            let mut stmt = c.prepare_cached(&format!(
                "{PENDING_IMAGES} WHERE a.id = ?1 AND a.images_done = 0"
            ))?;
            Ok(stmt.query_row([id], pending_images_row).optional()?)
        })
    }

    /// Records that an article's pictures were fetched (or tried).
    pub fn set_images_done(&self, id: ArticleId) -> Result<()> {
        self.write(|tx| {
            tx.execute("UPDATE articles SET images_done = 1 WHERE id = ?1", [id])?;
            Ok(())
        })
    }

    /// The picture URLs of an article, in document order.
    pub fn article_image_urls(&self, id: ArticleId) -> Result<Vec<String>> {
        self.read(|c| {
            let images: Option<String> = c
                .query_row("SELECT images FROM articles WHERE id = ?1", [id], |r| {
                    r.get(0)
                })
                .optional()?
                .ok_or(StoreError::NoSuchArticle(id))?;
            Ok(images
                .and_then(|j| serde_json::from_str(&j).ok())
                .unwrap_or_default())
        })
    }

    /// The user's settings (defaults for anything never saved).
    pub fn settings(&self) -> Result<Settings> {
        self.read(|c| {
            let json: Option<String> = c
                .query_row(
                    "SELECT value FROM settings WHERE key = 'settings'",
                    [],
                    |r| r.get(0),
                )
                .optional()?;
            Ok(json
                .and_then(|j| serde_json::from_str::<Settings>(&j).ok())
                .unwrap_or_default()
                .normalized())
        })
    }

    /// Saves the user's settings, brought into range first; returns what was saved.
    pub fn save_settings(&self, settings: Settings) -> Result<Settings> {
        let settings = settings.normalized();
        let json = serde_json::to_string(&settings)
            .map_err(|_| StoreError::Poisoned("settings are not serializable"))?;
        self.write(|tx| {
            tx.execute(
                "INSERT INTO settings (key, value) VALUES ('settings', ?1)
                 ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                [json],
            )?;
            Ok(())
        })?;
        Ok(settings)
    }

    // ----- feed icons -----

    /// Feeds whose icon is due: never looked for, found before `found_before`, or last failed
    /// before `failed_before`; only feeds whose last refresh succeeded.
    pub fn icons_due(
        &self,
        found_before: DateTime<Utc>,
        failed_before: DateTime<Utc>,
    ) -> Result<Vec<IconDue>> {
        self.read(|c| {
            let mut stmt = c.prepare_cached(
                "SELECT f.id, f.url, f.site_url, f.icon_url FROM feeds f
                 LEFT JOIN feed_icons i ON i.feed_id = f.id
                 WHERE f.last_refreshed IS NOT NULL AND f.error_kind IS NULL
                   AND (i.feed_id IS NULL
                        OR (i.token IS NOT NULL AND i.checked_at < ?1)
                        OR (i.token IS NULL AND i.checked_at < ?2))
                 ORDER BY f.id",
            )?;
            let rows = stmt
                .query_map(
                    params![found_before.timestamp(), failed_before.timestamp()],
                    |r| {
                        Ok(IconDue {
                            feed_id: r.get(0)?,
                            feed_url: r.get(1)?,
                            site_url: r.get(2)?,
                            icon_url: r.get(3)?,
                        })
                    },
                )?
                .collect::<Result<Vec<_>, _>>()?;
            Ok(rows)
        })
    }

    /// Records a look for a feed's icon. A feed unsubscribed meanwhile is left alone.
    pub fn save_feed_icon(
        &self,
        feed_id: FeedId,
        lookup: &IconLookup,
        at: DateTime<Utc>,
    ) -> Result<()> {
        self.write(|tx| {
            match lookup {
                IconLookup::Found {
                    url,
                    token,
                    mime,
                    data,
                } => tx.execute(
                    "INSERT INTO feed_icons (feed_id, checked_at, url, token, mime, data)
                     SELECT ?1, ?2, ?3, ?4, ?5, ?6 WHERE EXISTS (SELECT 1 FROM feeds WHERE id = ?1)
                     ON CONFLICT(feed_id) DO UPDATE SET checked_at = excluded.checked_at,
                        url = excluded.url, token = excluded.token, mime = excluded.mime,
                        data = excluded.data, error_kind = NULL, error_message = NULL",
                    params![feed_id, at.timestamp(), url, token, mime, data],
                )?,
                IconLookup::Missing { kind, message } => tx.execute(
                    "INSERT INTO feed_icons (feed_id, checked_at, error_kind, error_message)
                     SELECT ?1, ?2, ?3, ?4 WHERE EXISTS (SELECT 1 FROM feeds WHERE id = ?1)
                     ON CONFLICT(feed_id) DO UPDATE SET checked_at = excluded.checked_at,
                        error_kind = excluded.error_kind, error_message = excluded.error_message",
                    params![feed_id, at.timestamp(), kind, message],
                )?,
            };
            Ok(())
        })
    }

    /// The MIME type and bytes of the feed icon named `token`, if there is one.
    pub fn feed_icon(&self, token: &str) -> Result<Option<(String, Vec<u8>)>> {
        self.read(|c| {
            Ok(
                c.prepare_cached("SELECT mime, data FROM feed_icons WHERE token = ?1")?
                    .query_row([token], |r| Ok((r.get(0)?, r.get(1)?)))
                    .optional()?,
            )
        })
    }

    /// Number of articles stored.
    pub fn article_count(&self) -> Result<i64> {
        self.read(|c| Ok(c.query_row("SELECT count(*) FROM articles", [], |r| r.get(0))?))
    }
}

fn configure(conn: &Connection) -> rusqlite::Result<()> {
    conn.busy_timeout(std::time::Duration::from_secs(5))?;
    conn.execute_batch(
        "PRAGMA journal_mode = WAL;
         PRAGMA synchronous = NORMAL;
         PRAGMA foreign_keys = ON;
         PRAGMA temp_store = MEMORY;
         PRAGMA cache_size = -32768;",
    )
}

fn migrate(conn: &Connection, path: &Path) -> Result<()> {
    let found: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
    if found > SCHEMA_VERSION {
        return Err(StoreError::TooNew {
            path: path.to_path_buf(),
            found,
            known: SCHEMA_VERSION,
        });
    }
    for (i, sql) in MIGRATIONS.iter().enumerate().skip(found.max(0) as usize) {
        let version = i as i64 + 1;
        conn.execute_batch(&format!(
            "BEGIN IMMEDIATE; {sql}; PRAGMA user_version = {version}; COMMIT;"
        ))
        .inspect_err(|_| {
            let _ = conn.execute_batch("ROLLBACK");
        })?;
        tracing::info!(version, "library migrated");
    }
    Ok(())
}

fn folder_id(tx: &Transaction, name: &str) -> Result<i64> {
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
             WHERE s.read = 0 AND a.feed_id IS NOT NULL AND (?1 IS NULL OR a.feed_id = ?1)
             GROUP BY a.feed_id)
         SELECT f.id, coalesce(f.custom_title, nullif(f.title, ''), f.url), f.url, f.site_url, d.name,
                coalesce(u.n, 0),
                f.full_story, f.last_refreshed, f.error_kind, f.error_message, f.error_at,
                i.token
         FROM feeds f LEFT JOIN folders d ON d.id = f.folder_id
         LEFT JOIN unread u ON u.feed_id = f.id
         LEFT JOIN feed_icons i ON i.feed_id = f.id
         WHERE ?1 IS NULL OR f.id = ?1
         ORDER BY d.name IS NOT NULL, d.name COLLATE NOCASE, 2 COLLATE NOCASE",
    )?;
    let rows = stmt
        .query_map([only], |r| {
            let error = match (
                r.get::<_, Option<String>>(8)?,
                r.get::<_, Option<String>>(9)?,
            ) {
                (Some(kind), Some(message)) => Some(FeedHealth {
                    kind,
                    message,
                    at: to_time(r.get::<_, Option<i64>>(10)?.unwrap_or(0)),
                }),
                _ => None,
            };
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
                    .map(|token| crate::images::image_src(&token)),
            })
        })?
        .collect::<Result<Vec<_>, _>>()?;
    Ok(rows)
}

/// Turns what a person types into an FTS5 query: every word must match, the last one as a prefix.
fn fts_query(input: &str) -> Option<String> {
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

fn query_articles(c: &Connection, q: &ArticleQuery) -> Result<Vec<ArticleSummary>> {
    let limit = q.limit.unwrap_or(50).clamp(1, MAX_PAGE);
    let offset = q.offset.unwrap_or(0);
    let search = q.search.as_deref().and_then(fts_query);
    let mut conds: Vec<&str> = vec!["1"];
    let mut args: Vec<&dyn rusqlite::ToSql> = Vec::new();
    if let Some(m) = &search {
        args.push(m);
    }
    if let Some(id) = &q.feed_id {
        conds.push("a.feed_id = ?");
        args.push(id);
    }
    if let Some(folder) = &q.folder {
        conds.push("a.feed_id IN (SELECT f.id FROM feeds f JOIN folders d ON d.id = f.folder_id WHERE d.name = ?)");
        args.push(folder);
    }
    if q.unread_only {
        conds.push("s.read = 0");
    }
    if q.bookmarked_only {
        conds.push("s.bookmarked = 1");
    }
    let cond = conds.join(" AND ");
    if search.is_none() {
        return query_articles_where(c, &cond, &args, limit, offset);
    }
    // bm25() is only available inside the full-text query: rank there, then join. Without
    // other filters the page can be cut inside the full-text query, so only 50 rows are joined.
    let page_in_fts = conds.len() == 1;
    let fts_page = if page_in_fts {
        format!(" ORDER BY rank LIMIT {limit} OFFSET {offset}")
    } else {
        String::new()
    };
    let offset = if page_in_fts { 0 } else { offset };
    let sql = format!(
        "WITH hits AS (SELECT rowid AS id, bm25(article_fts, 8.0, 1.0) AS rank FROM article_fts WHERE article_fts MATCH ?{fts_page})
         SELECT {SUMMARY_COLUMNS}
         FROM hits h JOIN articles a ON a.id = h.id JOIN article_state s ON s.article_id = a.id
         LEFT JOIN feeds f ON f.id = a.feed_id
         WHERE {cond} ORDER BY h.rank, a.published DESC LIMIT {limit} OFFSET {offset}"
    );
    let mut stmt = c.prepare_cached(&sql)?;
    let rows = stmt
        .query_map(args.as_slice(), summary_from_row)?
        .collect::<Result<Vec<_>, _>>()?;
    Ok(rows)
}

const SUMMARY_COLUMNS: &str = "a.id, a.feed_id, coalesce(f.custom_title, nullif(f.title, ''), f.url), a.title, a.url, a.author, a.published, s.read, s.bookmarked, a.excerpt";

fn summary_from_row(r: &rusqlite::Row) -> rusqlite::Result<ArticleSummary> {
    Ok(ArticleSummary {
        id: r.get(0)?,
        feed_id: r.get(1)?,
        feed_title: r.get(2)?,
        title: r.get(3)?,
        url: r.get(4)?,
        author: r.get(5)?,
        published: to_time(r.get(6)?),
        read: r.get(7)?,
        bookmarked: r.get(8)?,
        excerpt: r.get(9)?,
    })
}

fn query_articles_where(
    c: &Connection,
    cond: &str,
    args: &[&dyn rusqlite::ToSql],
    limit: u32,
    offset: u32,
) -> Result<Vec<ArticleSummary>> {
    let sql = format!(
        "SELECT {SUMMARY_COLUMNS}
         FROM articles a JOIN article_state s ON s.article_id = a.id
         LEFT JOIN feeds f ON f.id = a.feed_id
         WHERE {cond} ORDER BY a.published DESC, a.id DESC LIMIT {limit} OFFSET {offset}"
    );
    let mut stmt = c.prepare_cached(&sql)?;
    let rows = stmt
        .query_map(args, summary_from_row)?
        .collect::<Result<Vec<_>, _>>()?;
    Ok(rows)
}

fn insert_article(
    tx: &Transaction,
    feed_id: Option<FeedId>,
    a: &NewArticle,
    now: DateTime<Utc>,
) -> Result<ArticleId> {
    let related = if a.related.is_empty() {
        None
    } else {
        serde_json::to_string(&a.related).ok()
    };
    let mut stmt = tx.prepare_cached(
        "INSERT INTO articles (feed_id, key, url, title, author, published, updated, fetched_at,
                               html, text, excerpt, source_hash, site_name, lead_image, related,
                               images, images_done)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17)
         ON CONFLICT DO NOTHING",
    )?;
    let n = stmt.execute(params![
        feed_id,
        a.key,
        a.url,
        a.title,
        a.author,
        a.published.timestamp(),
        a.updated.map(|t| t.timestamp()),
        now.timestamp(),
        a.html,
        a.text,
        a.excerpt,
        a.source_hash,
        a.site_name,
        a.lead_image,
        related,
        images_json(&a.images),
        a.images.is_empty(),
    ])?;
    if n == 0 {
        return Ok(0);
    }
    let id = tx.last_insert_rowid();
    tx.prepare_cached("INSERT INTO article_state (article_id) VALUES (?1)")?
        .execute([id])?;
    Ok(id)
}

fn images_json(images: &[String]) -> Option<String> {
    if images.is_empty() {
        None
    } else {
        serde_json::to_string(images).ok()
    }
}

fn apply_update(tx: &Transaction, update: &FeedUpdate) -> Result<ApplyCounts> {
    let mut counts = ApplyCounts::default();
    match update {
        FeedUpdate::Fetched {
            feed_id,
            meta,
            etag,
            last_modified,
            body_hash,
            items,
            at,
        } => {
            let n = tx.execute(
                "UPDATE feeds SET title = ?2, site_url = coalesce(?3, site_url),
                        description = coalesce(?4, description), icon_url = coalesce(?5, icon_url),
                        etag = ?6, last_modified = ?7, body_hash = ?8, last_refreshed = ?9,
                        retry_after = NULL, error_kind = NULL, error_message = NULL, error_at = NULL
                 WHERE id = ?1",
                params![
                    feed_id,
                    meta.title,
                    meta.site_url,
                    meta.description,
                    meta.icon_url,
                    etag,
                    last_modified,
                    body_hash,
                    at.timestamp()
                ],
            )?;
            if n == 0 {
                // Unsubscribed while it was being fetched: nothing to store.
                return Ok(counts);
            }
            for item in items {
                if insert_article(tx, Some(*feed_id), item, *at)? != 0 {
                    counts.new_articles += 1;
                    continue;
                }
                let related = if item.related.is_empty() {
                    None
                } else {
                    serde_json::to_string(&item.related).ok()
                };
                // The published date stays as first seen: a story does not move up the list
                // because its feed entry was edited.
                let changed = tx
                    .prepare_cached(
                        "UPDATE articles SET url = ?3, title = ?4, author = ?5, updated = ?6,
                                html = ?7, text = ?8, excerpt = ?9, source_hash = ?10,
                                site_name = coalesce(?11, site_name), lead_image = coalesce(?12, lead_image),
                                related = coalesce(?13, related),
                                images = ?14, images_done = ?15
                         WHERE feed_id = ?1 AND key = ?2 AND source_hash != ?10",
                    )?
                    .execute(params![
                        feed_id,
                        item.key,
                        item.url,
                        item.title,
                        item.author,
                        item.updated.map(|t| t.timestamp()),
                        item.html,
                        item.text,
                        item.excerpt,
                        item.source_hash,
                        item.site_name,
                        item.lead_image,
                        related,
                        images_json(&item.images),
                        item.images.is_empty(),
                    ])?;
                counts.updated_articles += changed;
            }
        }
        FeedUpdate::NotModified {
            feed_id,
            etag,
            last_modified,
            at,
        } => {
            tx.execute(
                "UPDATE feeds SET etag = coalesce(?2, etag), last_modified = coalesce(?3, last_modified),
                        last_refreshed = ?4, retry_after = NULL,
                        error_kind = NULL, error_message = NULL, error_at = NULL
                 WHERE id = ?1",
                params![feed_id, etag, last_modified, at.timestamp()],
            )?;
        }
        FeedUpdate::Failed {
            feed_id,
            kind,
            message,
            retry_after,
            at,
        } => {
            tx.execute(
                "UPDATE feeds SET error_kind = ?2, error_message = ?3, error_at = ?4,
                        retry_after = ?5
                 WHERE id = ?1",
                params![
                    feed_id,
                    kind,
                    message,
                    at.timestamp(),
                    retry_after.map(|t| t.timestamp())
                ],
            )?;
        }
    }
    Ok(counts)
}

/// The columns [`pending_images_row`] reads: an article, its pictures, and the address whose
/// reach their fetches get (its feed's, else its own).
const PENDING_IMAGES: &str = "SELECT a.id, a.images, coalesce(f.url, a.url) FROM articles a
     LEFT JOIN feeds f ON f.id = a.feed_id";

fn pending_images_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<PendingImages> {
    let images: Option<String> = r.get(1)?;
    Ok(PendingImages {
        article_id: r.get(0)?,
        images: images
            .and_then(|j| serde_json::from_str(&j).ok())
            .unwrap_or_default(),
        origin: r.get(2)?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn article(key: &str, title: &str, hash: &str, published: i64) -> NewArticle {
        NewArticle {
            key: key.into(),
            url: Some(format!("https://news.example/{key}")),
            title: title.into(),
            author: None,
            published: to_time(published),
            updated: None,
            html: format!("<p>{title} body</p>"),
            text: format!("{title} body"),
            excerpt: format!("{title} body"),
            source_hash: hash.into(),
            site_name: None,
            lead_image: None,
            related: vec![],
            images: vec![],
        }
    }

    fn fetched(feed_id: FeedId, items: Vec<NewArticle>) -> FeedUpdate {
        FeedUpdate::Fetched {
            feed_id,
            meta: FeedMeta {
                title: "News".into(),
                ..FeedMeta::default()
            },
            etag: None,
            last_modified: None,
            body_hash: "b".into(),
            items,
            at: to_time(2_000_000_000),
        }
    }

    fn store() -> (tempfile::TempDir, Store) {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&dir.path().join("library.sqlite3")).unwrap();
        (dir, store)
    }

    fn subscribe(store: &Store, url: &str) -> FeedId {
        let new = NewFeed {
            url: url.into(),
            ..NewFeed::default()
        };
        store.add_feed(&new, Utc::now()).unwrap().0
    }

    #[test]
    fn subscribing_twice_to_one_url_keeps_one_feed() {
        let (_d, store) = store();
        let a = subscribe(&store, "https://news.example/feed.xml");
        let b = subscribe(&store, "https://news.example/feed.xml");
        assert_eq!(a, b);
        assert_eq!(store.feeds().unwrap().len(), 1);
    }

    #[test]
    fn an_updated_item_keeps_its_read_state_and_bookmark() {
        let (_d, store) = store();
        let feed = subscribe(&store, "https://news.example/feed.xml");
        let counts = store
            .apply_updates(&[fetched(feed, vec![article("k1", "First", "h1", 100)])])
            .unwrap();
        assert_eq!(counts[0].new_articles, 1);
        let id = store.articles(&ArticleQuery::default()).unwrap()[0].id;
        store.set_read(id, true, Utc::now()).unwrap();
        store.set_bookmarked(id, true, Utc::now()).unwrap();

        let counts = store
            .apply_updates(&[fetched(
                feed,
                vec![article("k1", "First, corrected", "h2", 100)],
            )])
            .unwrap();
        assert_eq!(
            counts[0],
            ApplyCounts {
                new_articles: 0,
                updated_articles: 1
            }
        );
        let a = store.article(id).unwrap();
        assert_eq!(a.summary.title, "First, corrected");
        assert!(a.summary.read && a.summary.bookmarked);

        // The same item again is neither new nor an update.
        let counts = store
            .apply_updates(&[fetched(
                feed,
                vec![article("k1", "First, corrected", "h2", 100)],
            )])
            .unwrap();
        assert_eq!(counts[0], ApplyCounts::default());
        assert_eq!(store.article_count().unwrap(), 1);
    }

    #[test]
    fn the_same_guid_in_two_feeds_is_two_articles() {
        let (_d, store) = store();
        let a = subscribe(&store, "https://a.example/feed");
        let b = subscribe(&store, "https://b.example/feed");
        store
            .apply_updates(&[
                fetched(a, vec![article("dup", "From A", "ha", 1)]),
                fetched(b, vec![article("dup", "From B", "hb", 2)]),
            ])
            .unwrap();
        let titles: Vec<String> = store
            .articles(&ArticleQuery::default())
            .unwrap()
            .into_iter()
            .map(|a| a.title)
            .collect();
        assert_eq!(titles, ["From B", "From A"]);
    }

    #[test]
    fn pruning_keeps_bookmarks_and_unread_and_never_brings_pruned_items_back() {
        let (_d, store) = store();
        let feed = subscribe(&store, "https://news.example/feed.xml");
        let items = vec![
            article("old-read", "Old read", "1", 100),
            article("old-bookmarked", "Old bookmarked", "2", 100),
            article("old-unread", "Old unread", "3", 100),
            article("new-read", "New read", "4", 1_900_000_000),
        ];
        store
            .apply_updates(&[fetched(feed, items.clone())])
            .unwrap();
        for a in store.articles(&ArticleQuery::default()).unwrap() {
            if a.title != "Old unread" {
                store.set_read(a.id, true, Utc::now()).unwrap();
            }
            if a.title == "Old bookmarked" {
                store.set_bookmarked(a.id, true, Utc::now()).unwrap();
            }
        }
        assert_eq!(store.prune(to_time(1_000_000_000)).unwrap(), 1);
        let left: HashSet<String> = store
            .articles(&ArticleQuery::default())
            .unwrap()
            .into_iter()
            .map(|a| a.title)
            .collect();
        assert_eq!(left.len(), 3);
        assert!(!left.contains("Old read"));

        // The feed still carries the pruned item: it must not come back as a new, unread one.
        assert!(store.known_items(feed).unwrap().pruned.contains("old-read"));
    }

    #[test]
    fn search_ranks_title_matches_first_and_filters_combine() {
        let (_d, store) = store();
        let feed = subscribe(&store, "https://news.example/feed.xml");
        let mut in_text = article("a", "Markets today", "1", 200);
        in_text.text = "The summit in Beijing was discussed".into();
        let in_title = article("b", "Beijing summit opens", "2", 100);
        store
            .apply_updates(&[fetched(feed, vec![in_text, in_title])])
            .unwrap();
        let q = ArticleQuery {
            search: Some("beijing".into()),
            ..ArticleQuery::default()
        };
        let hits = store.articles(&q).unwrap();
        assert_eq!(hits.len(), 2);
        assert_eq!(hits[0].title, "Beijing summit opens");
        // A prefix of the last word matches as the user types.
        let q = ArticleQuery {
            search: Some("summ".into()),
            bookmarked_only: true,
            ..ArticleQuery::default()
        };
        assert!(store.articles(&q).unwrap().is_empty());
        // Quotes and operators are words, not FTS syntax.
        let q = ArticleQuery {
            search: Some("\"beijing OR NEAR(".into()),
            ..ArticleQuery::default()
        };
        assert!(store.articles(&q).is_ok());
    }

    #[test]
    fn deleting_a_feed_keeps_its_bookmarked_articles() {
        let (_d, store) = store();
        let feed = subscribe(&store, "https://news.example/feed.xml");
        store
            .apply_updates(&[fetched(
                feed,
                vec![
                    article("a", "Keep me", "1", 1),
                    article("b", "Let go", "2", 2),
                ],
            )])
            .unwrap();
        let keep = store
            .articles(&ArticleQuery::default())
            .unwrap()
            .into_iter()
            .find(|a| a.title == "Keep me")
            .unwrap();
        store.set_bookmarked(keep.id, true, Utc::now()).unwrap();
        store.delete_feed(feed).unwrap();
        let left = store.articles(&ArticleQuery::default()).unwrap();
        assert_eq!(left.len(), 1);
        assert_eq!(left[0].id, keep.id);
        assert!(left[0].bookmarked);
        assert_eq!(left[0].feed_id, None);
    }

    #[test]
    fn a_library_from_a_newer_version_is_refused_not_migrated_down() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("library.sqlite3");
        {
            let c = Connection::open(&path).unwrap();
            c.execute_batch(&format!("PRAGMA user_version = {}", SCHEMA_VERSION + 1))
                .unwrap();
        }
        let err = Store::open(&path).err().unwrap();
        assert_eq!(err.kind(), "library_too_new");
    }

    #[test]
    fn every_earlier_schema_version_migrates_to_the_current_one() {
        for start in 0..SCHEMA_VERSION {
            let dir = tempfile::tempdir().unwrap();
            let path = dir.path().join("library.sqlite3");
            {
                let c = Connection::open(&path).unwrap();
                for sql in &MIGRATIONS[..start as usize] {
                    c.execute_batch(sql).unwrap();
                }
                c.execute_batch(&format!("PRAGMA user_version = {start}"))
                    .unwrap();
            }
            let store = Store::open(&path).unwrap();
            let v: i64 = store
                .read(|c| Ok(c.query_row("PRAGMA user_version", [], |r| r.get(0))?))
                .unwrap();
            assert_eq!(v, SCHEMA_VERSION);
            assert_eq!(store.integrity_check().unwrap(), ["ok"]);
        }
    }
}
