//! The library file: one SQLite database, its schema, migrations and every query.
//!
//! Content (`articles`) and the user's state (`article_state`) live in separate tables, so
//! re-fetching or updating a story never touches whether it was read or bookmarked. One
//! connection writes, inside short transactions that may cover several feeds; readers use
//! connections of their own (WAL lets them read while the writer writes).
//!
//! This folder is the only place in the engine with SQL: this file opens the file and owns
//! [`Store`], [`StoreError`] and the types the rest of the engine hands in and gets back; each
//! table family has a file of its own (`feeds`: feeds and folders; `articles`: articles, their
//! state and search; `pictures`: the picture cache's rows and feed icons; `rules`: rules and
//! what they decided for each story; `stories`: which articles report one event, decided by a
//! `StoryJudge` the caller hands in; `settings`; `packed`: the byte format a story's long
//! texts are kept in; `migrations`: the schema). It knows nothing of HTTP or HTML and decides no policy of the
//! stages above it: it stores what it is given, already sanitized, and never imports a
//! module other than the leaves (`model`, `image_scheme`, `rules`' value types).

mod accounts;
mod articles;
mod feed_address;
mod feed_credentials;
mod feeds;
mod folder_edits;
mod marking;
mod migrations;
mod packed;
mod pictures;
mod rank;
mod rules;
mod search;
mod settings;
mod stories;

use crate::error_kind::ErrorKind;
use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use chrono::{DateTime, TimeZone, Utc};
use rusqlite::{Connection, OpenFlags, Transaction};
use thiserror::Error;

use crate::model::{AccountId, ArticleId, FeedId, RelatedLink};

pub use accounts::{AccountFeed, QueuedEdit, SyncEdit, SyncedArticle};
pub use articles::PackedUpdate;
pub use migrations::SCHEMA_VERSION;
pub use rules::{DueStories, RuleMarks, StoredSubject};
pub use stories::{StoredForStories, StoryArrival, StoryJudge, StoryMember};

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
    #[error("no account with id {0}")]
    NoSuchAccount(AccountId),
    #[error("no rule with id {0}")]
    NoSuchRule(crate::rules::RuleId),
    #[error("library: {0}")]
    Poisoned(&'static str),
}

impl StoreError {
    /// A stable name for the kind of error.
    pub fn kind(&self) -> ErrorKind {
        match self {
            StoreError::Open { .. } => ErrorKind::LibraryUnreadable,
            StoreError::TooNew { .. } => ErrorKind::LibraryTooNew,
            StoreError::Sql(_) | StoreError::Poisoned(_) => ErrorKind::Library,
            StoreError::NoSuchFeed(_) => ErrorKind::NoSuchFeed,
            StoreError::NoSuchArticle(_) => ErrorKind::NoSuchArticle,
            StoreError::NoSuchAccount(_) => ErrorKind::NoSuchAccount,
            StoreError::NoSuchRule(_) => ErrorKind::NoSuchRule,
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
    /// Whether the person allowed this feed the local network by name.
    pub local_network: bool,
    /// Whether the credential store holds a password for the feed's origin.
    pub has_credentials: bool,
    /// The feed's folder, for rules that apply to one folder.
    pub folder: Option<String>,
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
    /// The language the feed declares, already checked to be a tag.
    pub language: Option<String>,
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
    /// The feed's categories (tags) of the story.
    pub categories: Vec<String>,
    /// What the rules decided when it arrived (none for a page opened on its own).
    pub rules: crate::rules::Outcome,
}

/// An article whose pictures are still to be fetched.
#[derive(Debug, Clone)]
pub struct PendingImages {
    pub article_id: ArticleId,
    pub images: Vec<String>,
    /// Where the article came from: its feed's address, else its own.
    pub origin: Option<String>,
    /// Whether its feed may reach the local network (never for a page of no feed).
    pub local_network: bool,
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
    /// A new subscription's teasers, completed with their full stories after it was stored (the
    /// follow-up), with the feed's real validators. Replaces only what is still stored
    /// unfinished ([`UNFINISHED_HASH`]), and never the feed's health or refresh time: a refresh
    /// in between has recorded the feed's own state and completed the teasers itself.
    Completed {
        feed_id: FeedId,
        etag: Option<String>,
        last_modified: Option<String>,
        body_hash: String,
        items: Vec<NewArticle>,
    },
    /// The refresh of this feed failed; everything stored stays as it was.
    Failed {
        feed_id: FeedId,
        kind: ErrorKind,
        message: String,
        retry_after: Option<DateTime<Utc>>,
        at: DateTime<Utc>,
    },
}

/// The hash of a feed body or an item still to be completed (no real hash is empty): a new
/// subscription's teasers are stored with it until the follow-up completes them, and a refresh
/// that finds it reads the feed and the items again.
pub const UNFINISHED_HASH: &str = "";

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
    /// Whether the feed may reach the local network.
    pub local_network: bool,
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
    Missing { kind: ErrorKind, message: String },
}

/// A picture of an article, as the cache recorded it when the article was linked to it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LinkedImage {
    /// The picture's row.
    pub image_id: i64,
    /// Its name in the image scheme: the token of the row, which an older row may have made.
    pub token: String,
    /// Whether its bytes are in the cache.
    pub cached: bool,
    /// Why the last download of it failed, if it did.
    pub error_kind: Option<String>,
}

/// How one picture's download ended, as the cache records it on the picture's row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ImageFetch {
    /// Kept: its file holds `bytes` bytes of type `mime`.
    Stored { mime: String, bytes: i64 },
    /// Not kept, for this reason.
    Failed { kind: ErrorKind, message: String },
}

/// What trimming the picture cache to its budget took out.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TrimmedImages {
    /// Tokens whose files are to be deleted now that no row claims them.
    pub tokens: Vec<String>,
    /// Bytes those files held.
    pub freed: u64,
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
        migrations::migrate(&writer, path)?;
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

    /// Runs `f` on a read connection (taken from a small pool). For this folder's queries;
    /// outside it only tests use it, to look at rows (code outside `store/` never builds SQL).
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
                rank::register(&c)?;
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

    /// Runs `f` inside one write transaction, committed if it returns `Ok`. For this folder's
    /// queries; outside it only tests use it.
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
        self.run_on_writer(OPTIMIZE)
    }

    /// Runs statements on the writer outside any transaction (PRAGMAs, VACUUM).
    fn run_on_writer(&self, sql: &str) -> Result<()> {
        let conn = self
            .writer
            .lock()
            .map_err(|_| StoreError::Poisoned("writer"))?;
        conn.execute_batch(sql)?;
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
}

impl Drop for Store {
    /// Closes the readers before the writer. SQLite checkpoints the write-ahead log into the
    /// database and deletes it when the last connection closes, but only if that connection
    /// can write: with a read-only reader closing last, the log (17.8 MB after a first import
    /// here) stayed beside the library after every command.
    fn drop(&mut self) {
        match self.readers.get_mut() {
            Ok(readers) => readers.clear(),
            Err(poisoned) => poisoned.into_inner().clear(),
        }
    }
}

fn configure(conn: &Connection) -> rusqlite::Result<()> {
    conn.busy_timeout(std::time::Duration::from_secs(5))?;
    packed::register(conn)?;
    conn.execute_batch(
        "PRAGMA journal_mode = WAL;
         PRAGMA synchronous = NORMAL;
         PRAGMA foreign_keys = ON;
         PRAGMA temp_store = MEMORY;
         PRAGMA cache_size = -32768;",
    )?;
    // After `temp_store`: setting it drops the temporary schema, where the search's table is.
    rank::register(conn)
}

#[cfg(test)]
pub(crate) mod tests_support {
    use super::*;

    pub(crate) fn article(key: &str, title: &str, hash: &str, published: i64) -> NewArticle {
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
            categories: vec![],
            rules: Default::default(),
        }
    }

    /// A feed's update bringing `items` (for the table families' tests too).
    pub(crate) fn fetched(feed_id: FeedId, items: Vec<NewArticle>) -> FeedUpdate {
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

    pub(crate) fn store() -> (tempfile::TempDir, Store) {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&dir.path().join("library.sqlite3")).unwrap();
        (dir, store)
    }

    /// The titles of the articles `q` lists, sorted.
    pub(crate) fn titles(store: &Store, q: &crate::model::ArticleQuery) -> Vec<String> {
        let mut titles: Vec<String> = store
            .articles(q)
            .unwrap()
            .into_iter()
            .map(|a| a.title)
            .collect();
        titles.sort();
        titles
    }

    pub(crate) fn subscribe(store: &Store, url: &str) -> FeedId {
        let new = NewFeed {
            url: url.into(),
            ..NewFeed::default()
        };
        store.add_feed(&new, Utc::now()).unwrap().0
    }
}

#[cfg(test)]
mod tests {
    use super::tests_support::*;
    use super::*;
    use crate::model::ArticleQuery;

    #[test]
    fn closing_the_library_leaves_no_write_ahead_log_beside_it() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("library.sqlite");
        let wal = dir.path().join("library.sqlite-wal");
        {
            let store = Store::open(&path).unwrap();
            let feed = NewFeed {
                url: "https://news.example/feed".into(),
                folder: None,
                meta: FeedMeta::default(),
            };
            store.add_feed(&feed, to_time(1_700_000_000)).unwrap();
            // A reader in the pool, as every listing leaves one.
            assert_eq!(store.feeds().unwrap().len(), 1);
            assert!(wal.exists(), "the log is there while the library is open");
        }
        assert!(
            !wal.exists(),
            "the log was checkpointed and removed on close"
        );
        assert_eq!(Store::open(&path).unwrap().feeds().unwrap().len(), 1);
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
}

#[cfg(test)]
mod story_tests {
    use super::tests_support::*;
    use super::*;
    use crate::model::ArticleQuery;

    /// Joins the story of the first earlier article of another feed whose title begins with
    /// the same word (a stand-in for the library's measure).
    #[derive(Default)]
    struct FirstWord {
        seen: Vec<(ArticleId, FeedId, String, ArticleId)>,
    }

    impl StoryJudge for FirstWord {
        fn choose(&mut self, arrival: StoryArrival<'_>) -> Option<ArticleId> {
            let word = arrival
                .article
                .title
                .split(' ')
                .next()
                .unwrap_or("")
                .to_string();
            let chosen = self
                .seen
                .iter()
                .find(|(_, feed, w, _)| *feed != arrival.feed_id && *w == word)
                .map(|&(_, _, _, story)| story);
            let story = chosen.unwrap_or(arrival.id);
            self.seen.push((arrival.id, arrival.feed_id, word, story));
            chosen
        }
    }

    /// Always names a story that does not exist (one whose articles were deleted).
    struct Gone;

    impl StoryJudge for Gone {
        fn choose(&mut self, _: StoryArrival<'_>) -> Option<ArticleId> {
            Some(999_999)
        }
    }

    const HOUR: i64 = 3600;

    fn three_feeds() -> (tempfile::TempDir, Store, [FeedId; 3]) {
        let (dir, store) = store();
        let feeds =
            ["a", "b", "c"].map(|n| subscribe(&store, &format!("https://{n}.example/feed")));
        (dir, store, feeds)
    }

    /// Stores the updates, each new article judged by a [`FirstWord`].
    fn group(store: &Store, updates: &[FeedUpdate]) {
        let packed: Vec<PackedUpdate> = updates.iter().cloned().map(PackedUpdate::from).collect();
        store
            .apply_packed(&packed, Some(&mut FirstWord::default()))
            .unwrap();
    }

    #[test]
    fn grouping_reads_back_the_last_articles_and_every_article_of_their_stories() {
        let (_d, store, [a, b, c]) = three_feeds();
        let t = 1_900_000_000;
        group(
            &store,
            &[
                fetched(a, vec![article("a1", "Summit opens", "1", t)]),
                fetched(b, vec![article("b1", "Storm nears", "2", t + HOUR)]),
                fetched(c, vec![article("c1", "Summit ends", "3", t + 2 * HOUR)]),
            ],
        );
        let (recent, members) = store.recent_for_stories(2).unwrap();
        let titles: Vec<&str> = recent.iter().map(|r| r.title.as_str()).collect();
        assert_eq!(
            titles,
            ["Storm nears", "Summit ends"],
            "the last two, oldest first"
        );
        assert_eq!(recent[0].story, None);
        let summit = recent[1].story.expect("in a story");
        // The story's first article is older than those read, and still told.
        let mut told: Vec<(ArticleId, FeedId, i64)> = members
            .iter()
            .map(|m| (m.story, m.feed_id, m.published.timestamp()))
            .collect();
        told.sort_unstable();
        assert_eq!(told, [(summit, a, t), (summit, c, t + 2 * HOUR)]);
    }

    #[test]
    fn an_article_is_not_put_in_a_story_that_no_longer_has_articles() {
        let (_d, store, [a, _, _]) = three_feeds();
        store
            .apply_packed(
                &[fetched(a, vec![article("a1", "Summit opens", "1", 1_900_000_000)]).into()],
                Some(&mut Gone),
            )
            .unwrap();
        let all = store.articles(&ArticleQuery::default()).unwrap();
        assert_eq!(all[0].story, all[0].id, "alone: its own story");
    }

    #[test]
    fn a_story_list_shows_one_row_per_story_and_its_article_tells_the_others() {
        let (_d, store, [a, b, c]) = three_feeds();
        let t = 1_900_000_000;
        group(
            &store,
            &[
                fetched(a, vec![article("a1", "Summit opens", "1", t)]),
                fetched(b, vec![article("b1", "Summit begins", "2", t + HOUR)]),
                fetched(c, vec![article("c1", "Summit starts", "3", t + 2 * HOUR)]),
                fetched(c, vec![article("c2", "Storm nears", "4", t + 3 * HOUR)]),
            ],
        );
        let by_story = ArticleQuery {
            stories: true,
            ..ArticleQuery::default()
        };
        let rows = store.articles(&by_story).unwrap();
        let titles: Vec<(&str, u32)> = rows.iter().map(|r| (r.title.as_str(), r.outlets)).collect();
        // The newest article stands for the story until one is read.
        assert_eq!(titles, [("Storm nears", 1), ("Summit starts", 3)]);
        let first = store.articles(&ArticleQuery::default()).unwrap();
        let begins = first.iter().find(|x| x.title == "Summit begins").unwrap();
        store.set_read(begins.id, true, Utc::now()).unwrap();
        let rows = store.articles(&by_story).unwrap();
        assert_eq!(
            rows[1].title, "Summit begins",
            "the one read first stands for it"
        );
        // Unread only: the story's unread articles still show it.
        let unread = ArticleQuery {
            unread_only: true,
            ..by_story.clone()
        };
        let rows = store.articles(&unread).unwrap();
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[1].title, "Summit starts");
        // Coverage: the other outlets, newest first.
        let coverage: Vec<String> = store
            .article(begins.id)
            .unwrap()
            .coverage
            .into_iter()
            .map(|l| l.title)
            .collect();
        assert_eq!(coverage, ["Summit starts", "Summit opens"]);
        // Marking the story read marks its three articles, and nothing else.
        assert_eq!(
            store.set_story_read(begins.id, true, Utc::now()).unwrap(),
            2
        );
        let rows = store.articles(&unread).unwrap();
        assert_eq!(rows.len(), 1);
        assert_eq!(rows[0].title, "Storm nears");
        // Search stays per article.
        let search = ArticleQuery {
            search: Some("summit".into()),
            ..by_story
        };
        assert_eq!(store.articles(&search).unwrap().len(), 3);
    }
}
