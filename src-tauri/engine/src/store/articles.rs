//! Articles and the reader's state of each: storing what a refresh or an opened page brings,
//! listing (a search's page of matches is `search.rs`'s), read and bookmarked, retention.
//!
//! An update of a stored article keeps its read state, its bookmark and its first published
//! date; an article pruned by retention is never stored again while its feed still carries it.
//! This file never sanitizes or excerpts: the article arrives ready to store.

use chrono::{DateTime, Utc};
use rusqlite::{params, Connection, OptionalExtension, Transaction};

use super::packed::{self, Unpacked, Upto};
use super::rules::categories_json;
use super::search;
use super::stories::{group_article, StoryArrival, StoryJudge};
use super::{
    to_time, ApplyCounts, FeedUpdate, KnownItems, NewArticle, Result, Store, StoreError,
    UNFINISHED_HASH,
};
use crate::model::{
    Article, ArticleId, ArticleImage, ArticleQuery, ArticleSummary, FeedId, RelatedLink,
};

/// Longest list a single query returns.
pub(super) const MAX_PAGE: u32 = 500;

impl Store {
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
        self.write(|tx| {
            updates
                .iter()
                .map(|u| apply_update(tx, u, &pack_items(u), None))
                .collect()
        })
    }

    /// As [`Store::apply_updates`], for updates already packed; with a `judge`, each new
    /// article is grouped into a story by it as it is stored (articles stored before it in
    /// the same batch are candidates too).
    pub fn apply_packed(
        &self,
        updates: &[PackedUpdate],
        mut judge: Option<&mut dyn StoryJudge>,
    ) -> Result<Vec<ApplyCounts>> {
        self.write(|tx| {
            let mut counts = Vec::with_capacity(updates.len());
            for packed in updates {
                let judge: Option<&mut dyn StoryJudge> = match &mut judge {
                    Some(judge) => Some(&mut **judge),
                    None => None,
                };
                counts.push(apply_update(tx, &packed.update, &packed.bodies, judge)?);
            }
            Ok(counts)
        })
    }

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
            let (body, site_name, lead_image, related, language): (
                Unpacked,
                Option<String>,
                Option<String>,
                Option<String>,
                Option<String>,
            ) = c.query_row(
                "SELECT a.body, a.site_name, a.lead_image, a.related, f.language
                 FROM articles a LEFT JOIN feeds f ON f.id = a.feed_id WHERE a.id = ?1",
                [id],
                |r| {
                    Ok((
                        packed::column(r, 0, Upto::Html)?,
                        r.get(1)?,
                        r.get(2)?,
                        r.get(3)?,
                        r.get(4)?,
                    ))
                },
            )?;
            let Unpacked { html, text, .. } = body;
            let related: Vec<RelatedLink> = related
                .and_then(|j| serde_json::from_str(&j).ok())
                .unwrap_or_default();
            let coverage = super::stories::coverage_of(c, id)?;
            Ok(Article {
                summary,
                html,
                text,
                site_name,
                lead_image,
                related,
                images: Vec::<ArticleImage>::new(),
                language,
                coverage,
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
            "UPDATE article_state SET bookmarked = ?2, bookmarked_at = ?3, hidden = hidden AND NOT ?2
             WHERE article_id = ?1",
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

    /// Number of articles stored.
    pub fn article_count(&self) -> Result<i64> {
        self.read(|c| Ok(c.query_row("SELECT count(*) FROM articles", [], |r| r.get(0))?))
    }
}

pub(super) fn query_articles(c: &Connection, q: &ArticleQuery) -> Result<Vec<ArticleSummary>> {
    let limit = q.limit.unwrap_or(50).clamp(1, MAX_PAGE);
    let offset = q.offset.unwrap_or(0);
    let search = q.search.as_deref().and_then(search::fts_query);
    let mut conds: Vec<String> = Vec::new();
    let mut args: Vec<&dyn rusqlite::ToSql> = Vec::new();
    filters(q, "a", "s", &mut conds, &mut args);
    let other_filters = !conds.is_empty() || q.hidden_only;
    // Stories a rule hid are in no list but their own.
    let hidden = |s: &str| format!("{s}.hidden = {}", u8::from(q.hidden_only));
    if q.stories && search.is_none() {
        // One row per story: an article alone, or the article its story shows among those the
        // same filters let through (the one read first, else the newest).
        let mut member_conds = vec!["r.story_id = a.story_id".to_string(), hidden("rs")];
        filters(q, "r", "rs", &mut member_conds, &mut args);
        conds.push(format!(
            "(a.story_id IS NULL OR a.id = (SELECT r.id FROM articles r
                JOIN article_state rs ON rs.article_id = r.id WHERE {}
                ORDER BY rs.read DESC, rs.read_at, r.published DESC, r.id DESC LIMIT 1))",
            member_conds.join(" AND ")
        ));
    }
    conds.push(hidden("s"));
    let cond = conds.join(" AND ");
    let Some(search) = &search else {
        return query_articles_where(c, &cond, &args, limit, offset);
    };
    // Several statements: one snapshot for all of them (the caller's transaction, if any).
    let snapshot = if c.is_autocommit() {
        Some(c.unchecked_transaction()?)
    } else {
        None
    };
    let rows = search::search_articles(c, search, &cond, &args, other_filters, limit, offset)?;
    if let Some(tx) = snapshot {
        tx.commit()?;
    }
    Ok(rows)
}

/// The list's filters (feed, folder, unread, bookmarked) on the article `a` with state `s`,
/// added to `conds` with their arguments.
fn filters<'q>(
    q: &'q ArticleQuery,
    a: &str,
    s: &str,
    conds: &mut Vec<String>,
    args: &mut Vec<&'q dyn rusqlite::ToSql>,
) {
    if let Some(id) = &q.feed_id {
        conds.push(format!("{a}.feed_id = ?"));
        args.push(id);
    }
    if let Some(folder) = &q.folder {
        conds.push(format!("{a}.feed_id IN (SELECT f.id FROM feeds f JOIN folders d ON d.id = f.folder_id WHERE d.name = ?)"));
        args.push(folder);
    }
    if q.unread_only {
        conds.push(format!("{s}.read = 0"));
    }
    if q.bookmarked_only {
        conds.push(format!("{s}.bookmarked = 1"));
    }
}

/// The columns of a list row. A grouped article's other outlets come from its story's index
/// (a handful of rows); an article alone costs nothing more.
pub(super) const SUMMARY_COLUMNS: &str = "a.id, a.feed_id, coalesce(f.custom_title, nullif(f.title, ''), f.url), a.title, a.url, a.author, a.published, s.read, s.bookmarked, a.body,
     coalesce(a.story_id, a.id),
     CASE WHEN a.story_id IS NULL THEN NULL
          ELSE (SELECT group_concat(o.feed_id) FROM articles o WHERE o.story_id = a.story_id AND o.id != a.id) END";

pub(super) fn summary_from_row(r: &rusqlite::Row) -> rusqlite::Result<ArticleSummary> {
    let outlet_feeds: Vec<FeedId> = r
        .get::<_, Option<String>>(11)?
        .map(|list| list.split(',').filter_map(|id| id.parse().ok()).collect())
        .unwrap_or_default();
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
        excerpt: packed::column(r, 9, Upto::Excerpt)?.excerpt,
        story: r.get(10)?,
        outlets: 1 + outlet_feeds.len() as u32,
        outlet_feeds,
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

/// Stores a new article; returns its id, or 0 when its feed already has one of its key.
pub(super) fn insert_article(
    tx: &Transaction,
    feed_id: Option<FeedId>,
    a: &NewArticle,
    now: DateTime<Utc>,
) -> Result<ArticleId> {
    insert_packed(
        tx,
        feed_id,
        a,
        &packed::pack(&a.excerpt, &a.text, &a.html),
        now,
    )
}

/// As [`insert_article`], its texts already packed into `body`: a refresh packs an item once
/// whether it is new or an update of one stored.
fn insert_packed(
    tx: &Transaction,
    feed_id: Option<FeedId>,
    a: &NewArticle,
    body: &[u8],
    now: DateTime<Utc>,
) -> Result<ArticleId> {
    let related = related_json(&a.related);
    let mut stmt = tx.prepare_cached(
        "INSERT INTO articles (feed_id, key, url, title, author, published, updated, fetched_at,
                               body, source_hash, site_name, lead_image, related,
                               images, images_done, categories)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16)
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
        body,
        a.source_hash,
        a.site_name,
        a.lead_image,
        related,
        images_json(&a.images),
        a.images.is_empty(),
        categories_json(&a.categories),
    ])?;
    if n == 0 {
        return Ok(0);
    }
    let id = tx.last_insert_rowid();
    index_text(tx, id, &a.title, &a.text)?;
    // What the rules decided goes with the story; a bookmarked story is never hidden, a hidden
    // one never announced, and a story of a feed the person listens to is due to be announced.
    let r = &a.rules;
    let hidden = r.hide && !r.bookmark;
    tx.prepare_cached(
        "INSERT INTO article_state (article_id, read, read_at, bookmarked, bookmarked_at, hidden, notify)
         VALUES (?1, ?2, CASE WHEN ?2 THEN ?4 END, ?3, CASE WHEN ?3 THEN ?4 END, ?5,
                 CASE WHEN ?5 THEN 0
                      WHEN ?6 OR coalesce((SELECT notify FROM feeds WHERE id = ?7), 0) THEN 1
                      ELSE 0 END)",
    )?
    .execute(params![
        id,
        r.read,
        r.bookmark,
        now.timestamp(),
        hidden,
        r.notify,
        feed_id
    ])?;
    Ok(id)
}

/// Adds a stored story's title and text to the full-text index, which keeps no copy of its
/// own (schema 10: contentless); the delete trigger takes the row out with the story.
fn index_text(tx: &Transaction, id: ArticleId, title: &str, text: &str) -> Result<()> {
    tx.prepare_cached("INSERT INTO article_fts (rowid, title, text) VALUES (?1, ?2, ?3)")?
        .execute(params![id, title, text])?;
    Ok(())
}

/// Indexes story `id` as it now reads: its old entry out, the new title and text in.
pub(super) fn reindex_text(tx: &Transaction, id: ArticleId, title: &str, text: &str) -> Result<()> {
    tx.prepare_cached("DELETE FROM article_fts WHERE rowid = ?1")?
        .execute([id])?;
    index_text(tx, id, title, text)
}

/// An article's related links as stored: JSON, or NULL for none.
fn related_json(related: &[RelatedLink]) -> Option<String> {
    if related.is_empty() {
        None
    } else {
        serde_json::to_string(related).ok()
    }
}

fn images_json(images: &[String]) -> Option<String> {
    if images.is_empty() {
        None
    } else {
        serde_json::to_string(images).ok()
    }
}

/// A feed's update with its items' texts packed for the store. Packing is CPU work (a tenth of
/// a first import's): a refresh packs in each feed's own task, so the one writer, which the
/// feeds' transactions wait for in turn, only writes (BENCHMARKS.md, "First import").
pub struct PackedUpdate {
    update: FeedUpdate,
    /// The packed body of each of the update's items, in order.
    bodies: Vec<Vec<u8>>,
}

impl PackedUpdate {
    /// The update as it was given.
    pub fn update(&self) -> &FeedUpdate {
        &self.update
    }
}

impl From<FeedUpdate> for PackedUpdate {
    fn from(update: FeedUpdate) -> PackedUpdate {
        let bodies = pack_items(&update);
        PackedUpdate { update, bodies }
    }
}

/// The packed bodies of an update's items, in order (none for an update without items).
fn pack_items(update: &FeedUpdate) -> Vec<Vec<u8>> {
    match update {
        FeedUpdate::Fetched { items, .. } | FeedUpdate::Completed { items, .. } => items
            .iter()
            .map(|item| packed::pack(&item.excerpt, &item.text, &item.html))
            .collect(),
        FeedUpdate::NotModified { .. } | FeedUpdate::Failed { .. } => Vec::new(),
    }
}

/// Applies one update whose items' packed `bodies` are given, in order.
fn apply_update(
    tx: &Transaction,
    update: &FeedUpdate,
    bodies: &[Vec<u8>],
    mut judge: Option<&mut dyn StoryJudge>,
) -> Result<ApplyCounts> {
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
                        retry_after = NULL, error_kind = NULL, error_message = NULL, error_at = NULL,
                        language = ?10
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
                    at.timestamp(),
                    meta.language
                ],
            )?;
            if n == 0 {
                // Unsubscribed while it was being fetched: nothing to store.
                return Ok(counts);
            }
            for (item, body) in items.iter().zip(bodies) {
                let id = insert_packed(tx, Some(*feed_id), item, body, *at)?;
                if id != 0 {
                    counts.new_articles += 1;
                    if let Some(judge) = judge.as_deref_mut() {
                        let arrival = StoryArrival {
                            id,
                            feed_id: *feed_id,
                            article: item,
                        };
                        group_article(tx, judge, arrival)?;
                    }
                    continue;
                }
                counts.updated_articles += update_item(tx, *feed_id, item, body, false)?;
            }
        }
        FeedUpdate::Completed {
            feed_id,
            etag,
            last_modified,
            body_hash,
            items,
        } => {
            tx.execute(
                "UPDATE feeds SET etag = ?2, last_modified = ?3, body_hash = ?4
                 WHERE id = ?1 AND body_hash = ?5",
                params![feed_id, etag, last_modified, body_hash, UNFINISHED_HASH],
            )?;
            for (item, body) in items.iter().zip(bodies) {
                counts.updated_articles += update_item(tx, *feed_id, item, body, true)?;
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
                    kind.as_str(),
                    message,
                    at.timestamp(),
                    retry_after.map(|t| t.timestamp())
                ],
            )?;
        }
    }
    Ok(counts)
}

/// Stores a new version of an item already kept (matched by its feed and key); returns 1 when
/// it changed. The published date stays as first seen: a story does not move up the list
/// because its feed entry was edited. With `only_unfinished`, only an item still stored
/// unfinished is replaced (a new subscription's completed teaser). `body` is the item's texts
/// packed.
fn update_item(
    tx: &Transaction,
    feed_id: FeedId,
    item: &NewArticle,
    body: &[u8],
    only_unfinished: bool,
) -> Result<usize> {
    let related = related_json(&item.related);
    let changed = tx
        .prepare_cached(
            "UPDATE articles SET url = ?3, title = ?4, author = ?5, updated = ?6,
                    body = ?7, source_hash = ?8,
                    site_name = coalesce(?9, site_name), lead_image = coalesce(?10, lead_image),
                    related = coalesce(?11, related),
                    images = ?12, images_done = ?13, categories = ?16
             WHERE feed_id = ?1 AND key = ?2
               AND CASE WHEN ?14 THEN source_hash = ?15 ELSE source_hash != ?8 END
             RETURNING id",
        )?
        .query_map(
            params![
                feed_id,
                item.key,
                item.url,
                item.title,
                item.author,
                item.updated.map(|t| t.timestamp()),
                body,
                item.source_hash,
                item.site_name,
                item.lead_image,
                related,
                images_json(&item.images),
                item.images.is_empty(),
                only_unfinished,
                UNFINISHED_HASH,
                categories_json(&item.categories),
            ],
            |r| r.get::<_, ArticleId>(0),
        )?
        .collect::<Result<Vec<_>, _>>()?;
    for &id in &changed {
        reindex_text(tx, id, &item.title, &item.text)?;
    }
    let changed = changed.len();
    if changed > 0 {
        // The changed story is matched as it now reads: hidden or shown again, marked read or
        // bookmarked if a rule says so (never unmarked: those are the person's own).
        let r = &item.rules;
        tx.prepare_cached(
            "UPDATE article_state
             SET bookmarked = bookmarked OR ?3, read = read OR ?4,
                 hidden = ?5 AND NOT (bookmarked OR ?3)
             WHERE article_id = (SELECT id FROM articles WHERE feed_id = ?1 AND key = ?2)",
        )?
        .execute(params![feed_id, item.key, r.bookmark, r.read, r.hide])?;
    }
    Ok(changed)
}
