//! Pictures and icons: which pictures each article shows (`article_images`), what the cache
//! holds for each (`images`), the budget's eviction order, and each feed's icon (`feed_icons`).
//!
//! The cache's files live on disk under the image cache's care (`images`); these rows say what
//! is in them. Eviction is least recently used first, and pictures of bookmarked articles are
//! never evicted. This file never downloads, never checks bytes and never touches a file: it
//! records what the cache did and tells it which files to delete.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use rusqlite::{params, OptionalExtension, Transaction};

use super::{
    IconDue, IconLookup, ImageFetch, LinkedImage, PendingImages, Result, Store, StoreError,
    TrimmedImages,
};
use crate::model::{ArticleId, ArticleImage, FeedId};

/// The `error_kind` of a picture removed to keep the cache within its budget.
const EVICTED: &str = "evicted";

impl Store {
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

    /// Records the article's pictures (a row for each URL not known yet) and replaces its
    /// links with this list, in order. Gives back, for each `(url, token)`, the picture's row
    /// as recorded, or `None` when the token is taken by another URL (that picture is not
    /// linked).
    pub fn link_article_images(
        &self,
        article_id: ArticleId,
        images: &[(&str, &str)],
    ) -> Result<Vec<Option<LinkedImage>>> {
        self.write(|tx| {
            let exists: bool = tx.query_row(
                "SELECT EXISTS(SELECT 1 FROM articles WHERE id = ?1)",
                [article_id],
                |r| r.get(0),
            )?;
            if !exists {
                return Err(StoreError::NoSuchArticle(article_id));
            }
            tx.execute(
                "DELETE FROM article_images WHERE article_id = ?1",
                [article_id],
            )?;
            let mut linked = Vec::with_capacity(images.len());
            let mut position = 0i64;
            for (url, token) in images {
                // Any conflict (the URL known, or in theory a token taken) leaves the existing row.
                tx.prepare_cached(
                    "INSERT INTO images (url, token) VALUES (?1, ?2) ON CONFLICT DO NOTHING",
                )?
                .execute(params![url, token])?;
                let image = tx
                    .prepare_cached(
                        "SELECT id, token, bytes IS NOT NULL, error_kind FROM images WHERE url = ?1",
                    )?
                    .query_row([url], |r| {
                        Ok(LinkedImage {
                            image_id: r.get(0)?,
                            token: r.get(1)?,
                            cached: r.get(2)?,
                            error_kind: r.get(3)?,
                        })
                    })
                    .optional()?;
                if let Some(image) = &image {
                    tx.prepare_cached(
                        "INSERT OR IGNORE INTO article_images (article_id, image_id, position) VALUES (?1, ?2, ?3)",
                    )?
                    .execute(params![article_id, image.image_id, position])?;
                    position += 1;
                }
                linked.push(image);
            }
            Ok(linked)
        })
    }

    /// Records how pictures' downloads ended, at `at`: a kept picture becomes the one used
    /// last; a failure is recorded only on a picture that no other story cached meanwhile.
    pub fn save_image_fetches(
        &self,
        fetches: &[(i64, ImageFetch)],
        at: DateTime<Utc>,
    ) -> Result<()> {
        let now = at.timestamp();
        self.write(|tx| {
            for (image_id, fetch) in fetches {
                match fetch {
                    ImageFetch::Stored { mime, bytes } => {
                        let used = next_use(tx)?;
                        tx.prepare_cached(
                            "UPDATE images SET mime = ?2, bytes = ?3, fetched_at = ?4, last_used = ?5,
                                    error_kind = NULL, error_message = NULL
                             WHERE id = ?1",
                        )?
                        .execute(params![image_id, mime, bytes, now, used])?;
                    }
                    ImageFetch::Failed { kind, message } => {
                        tx.prepare_cached(
                            // Another story may have cached the same picture meanwhile: keep that.
                            "UPDATE images SET fetched_at = ?4, error_kind = ?2, error_message = ?3
                             WHERE id = ?1 AND bytes IS NULL",
                        )?
                        .execute(params![image_id, kind.as_str(), message, now])?;
                    }
                }
            }
            Ok(())
        })
    }

    /// The pictures of an article in document order, with whether each is cached.
    pub fn article_images(&self, article_id: ArticleId) -> Result<Vec<ArticleImage>> {
        self.read(|c| {
            let mut stmt = c.prepare_cached(
                "SELECT i.url, i.bytes IS NOT NULL FROM article_images ai
                 JOIN images i ON i.id = ai.image_id
                 WHERE ai.article_id = ?1 ORDER BY ai.position",
            )?;
            let rows = stmt
                .query_map([article_id], |r| {
                    Ok(ArticleImage {
                        url: r.get(0)?,
                        cached: r.get(1)?,
                    })
                })?
                .collect::<Result<Vec<_>, _>>()?;
            Ok(rows)
        })
    }

    /// url → token for the cached pictures of an article.
    pub fn cached_image_tokens(&self, article_id: ArticleId) -> Result<HashMap<String, String>> {
        self.read(|c| {
            let mut stmt = c.prepare_cached(
                "SELECT i.url, i.token FROM article_images ai
                 JOIN images i ON i.id = ai.image_id
                 WHERE ai.article_id = ?1 AND i.bytes IS NOT NULL",
            )?;
            let rows = stmt
                .query_map([article_id], |r| Ok((r.get(0)?, r.get(1)?)))?
                .collect::<Result<HashMap<_, _>, _>>()?;
            Ok(rows)
        })
    }

    /// The MIME type and size in bytes of the cached picture named `token`, if it is cached.
    pub fn cached_image(&self, token: &str) -> Result<Option<(String, i64)>> {
        self.read(|c| {
            Ok(c.query_row(
                "SELECT mime, bytes FROM images WHERE token = ?1 AND bytes IS NOT NULL",
                [token],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?)
        })
    }

    /// Records that the file of the picture named `token` is missing or damaged, so the
    /// picture no longer counts as cached.
    pub fn forget_image_file(&self, token: &str) -> Result<()> {
        self.write(|tx| {
            tx.execute(
                "UPDATE images SET mime = NULL, bytes = NULL, error_kind = 'missing_file',
                        error_message = 'image cache: the file of ' || url || ' is missing or damaged'
                 WHERE token = ?1",
                [token],
            )?;
            Ok(())
        })
    }

    /// Marks the picture named `token` as the one used last.
    pub fn touch_image(&self, token: &str) -> Result<()> {
        self.write(|tx| {
            let used = next_use(tx)?;
            tx.execute(
                "UPDATE images SET last_used = ?2 WHERE token = ?1",
                params![token, used],
            )?;
            Ok(())
        })
    }

    /// Brings the cached pictures within `budget` bytes: the rows of pictures no article links
    /// to any more go, then the least recently used pictures are evicted (their rows stay,
    /// marked evicted) until the total fits. Pictures of bookmarked articles are never
    /// evicted. Returns the tokens whose files are to be deleted, and their bytes.
    pub fn trim_images(&self, budget: u64) -> Result<TrimmedImages> {
        self.write(|tx| {
            let mut doomed: Vec<String> = Vec::new();
            let mut freed: u64 = 0;
            {
                let mut stmt = tx.prepare_cached(
                    "DELETE FROM images WHERE NOT EXISTS
                       (SELECT 1 FROM article_images ai WHERE ai.image_id = images.id)
                     RETURNING token, bytes",
                )?;
                let mut rows = stmt.query([])?;
                while let Some(r) = rows.next()? {
                    let bytes: Option<i64> = r.get(1)?;
                    if let Some(bytes) = bytes {
                        freed += u64::try_from(bytes).unwrap_or(0);
                        doomed.push(r.get(0)?);
                    }
                }
            }
            let mut total = cached_bytes(tx)?;
            if total <= budget {
                return Ok(TrimmedImages {
                    tokens: doomed,
                    freed,
                });
            }
            let candidates: Vec<(i64, String, i64)> = {
                let mut stmt = tx.prepare_cached(
                    "SELECT i.id, i.token, i.bytes FROM images i
                     WHERE i.bytes IS NOT NULL AND NOT EXISTS
                       (SELECT 1 FROM article_images ai JOIN article_state s ON s.article_id = ai.article_id
                        WHERE ai.image_id = i.id AND s.bookmarked = 1)
                     ORDER BY i.last_used, i.id",
                )?;
                let rows = stmt
                    .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
                    .collect::<Result<Vec<_>, _>>()?;
                rows
            };
            let mut evict = tx.prepare_cached(
                "UPDATE images SET mime = NULL, bytes = NULL, error_kind = ?2,
                        error_message = 'image cache: ' || url || ' was evicted to keep the cache within its budget'
                 WHERE id = ?1",
            )?;
            for (id, token, bytes) in candidates {
                if total <= budget {
                    break;
                }
                let bytes = u64::try_from(bytes).unwrap_or(0);
                evict.execute(params![id, EVICTED])?;
                total = total.saturating_sub(bytes);
                freed += bytes;
                doomed.push(token);
            }
            if total > budget {
                tracing::info!(total, budget, "bookmarked pictures alone exceed the image budget");
            }
            Ok(TrimmedImages {
                tokens: doomed,
                freed,
            })
        })
    }

    /// Total bytes of the pictures currently cached.
    pub fn cached_image_bytes(&self) -> Result<u64> {
        self.read(cached_bytes)
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
                "SELECT f.id, f.url, f.site_url, f.icon_url, f.local_network FROM feeds f
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
                            local_network: r.get(4)?,
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
                    params![feed_id, at.timestamp(), kind.as_str(), message],
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
}

/// Total bytes of the cached pictures.
fn cached_bytes(c: &rusqlite::Connection) -> Result<u64> {
    let total: i64 = c.query_row(
        "SELECT coalesce(sum(bytes), 0) FROM images WHERE bytes IS NOT NULL",
        [],
        |r| r.get(0),
    )?;
    Ok(u64::try_from(total).unwrap_or(0))
}

/// The next value of the use clock: wall time in milliseconds, but always after every earlier
/// use, so two pictures used within one millisecond still have an order.
fn next_use(tx: &Transaction) -> Result<i64> {
    let latest: Option<i64> =
        tx.query_row("SELECT max(last_used) FROM images", [], |r| r.get(0))?;
    let now = chrono::Utc::now().timestamp_millis();
    Ok(latest.map_or(now, |l| now.max(l + 1)))
}

/// The columns [`pending_images_row`] reads: an article, its pictures, and the address whose
/// reach their fetches get (its feed's, else its own).
const PENDING_IMAGES: &str = "SELECT a.id, a.images, coalesce(f.url, a.url),
            coalesce(f.local_network, 0) FROM articles a
     LEFT JOIN feeds f ON f.id = a.feed_id";

fn pending_images_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<PendingImages> {
    let images: Option<String> = r.get(1)?;
    Ok(PendingImages {
        article_id: r.get(0)?,
        images: images
            .and_then(|j| serde_json::from_str(&j).ok())
            .unwrap_or_default(),
        origin: r.get(2)?,
        local_network: r.get(3)?,
    })
}
