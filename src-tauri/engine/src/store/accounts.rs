//! Sync accounts: the accounts themselves, which feeds and articles are a server's, the edits
//! waiting to be pushed (`sync_queue`, filled by triggers when a synced article is read or
//! bookmarked, and by the library for subscription edits), and applying the server's read and
//! starred states.
//!
//! It stores what it is given and never decides what a sync does; it never holds a password.

use std::collections::HashSet;

use chrono::{DateTime, Utc};
use rusqlite::{params, Connection, OptionalExtension, Transaction};

use super::articles::insert_article;
use super::feeds::{drop_empty_folders, folder_id, stored_health};
use super::stories::{group_article, StoryArrival, StoryJudge};
use super::{opt_time, NewArticle, Result, Store, StoreError};
use crate::error_kind::ErrorKind;
use crate::model::{Account, AccountId, ArticleId, FeedId};

/// An edit made here that the account's server has not taken yet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SyncEdit {
    /// Mark the server's item read (`true`) or unread.
    Read { item: i64, on: bool },
    /// Star (`true`, a bookmark here) or unstar the server's item.
    Star { item: i64, on: bool },
    /// Subscribe to the feed at this address, into a folder if given.
    Subscribe { url: String, folder: Option<String> },
    /// Unsubscribe from the subscription with this stream id.
    Unsubscribe { stream: String },
    /// Rename the subscription.
    Rename { stream: String, title: String },
    /// Move the subscription from one folder into another.
    Move {
        stream: String,
        from: Option<String>,
        to: String,
    },
}

/// A queued edit and its place in the queue.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueuedEdit {
    pub id: i64,
    pub edit: SyncEdit,
}

/// A feed of an account as a sync compares it with the server's list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccountFeed {
    pub id: FeedId,
    /// The server's stream id, once known.
    pub remote_id: Option<String>,
    pub url: String,
    /// Whether every story's page is fetched for the full story (the person's choice here).
    pub full_story: bool,
}

/// An article from the server, ready to store under one of the account's feeds.
#[derive(Debug, Clone)]
pub struct SyncedArticle {
    pub feed_id: FeedId,
    /// The server's item id, bit for bit.
    pub remote_id: i64,
    pub article: NewArticle,
}

impl Store {
    /// Adds an account, or returns the one with the same kind, address and user. `true` when added.
    pub fn add_account(
        &self,
        kind: &str,
        url: &str,
        user: &str,
        now: DateTime<Utc>,
    ) -> Result<(AccountId, bool)> {
        self.write(|tx| {
            if let Some(id) = tx
                .query_row(
                    "SELECT id FROM accounts WHERE kind = ?1 AND url = ?2 AND user = ?3",
                    params![kind, url, user],
                    |r| r.get(0),
                )
                .optional()?
            {
                return Ok((id, false));
            }
            tx.execute(
                "INSERT INTO accounts (kind, url, user, created_at) VALUES (?1, ?2, ?3, ?4)",
                params![kind, url, user, now.timestamp()],
            )?;
            Ok((tx.last_insert_rowid(), true))
        })
    }

    /// Every account, oldest first.
    pub fn accounts(&self) -> Result<Vec<Account>> {
        self.read(|c| query_accounts(c, None))
    }

    /// The account with this id.
    pub fn account(&self, id: AccountId) -> Result<Account> {
        self.read(|c| {
            query_accounts(c, Some(id))?
                .pop()
                .ok_or(StoreError::NoSuchAccount(id))
        })
    }

    /// Removes an account with its feeds, their articles and its queue; its bookmarked
    /// articles stay, as articles of no feed.
    pub fn remove_account(&self, id: AccountId) -> Result<()> {
        self.write(|tx| {
            tx.execute(
                "UPDATE articles SET feed_id = NULL, key = 'kept:' || id, remote_id = NULL
                 WHERE feed_id IN (SELECT id FROM feeds WHERE account_id = ?1)
                   AND id IN (SELECT article_id FROM article_state WHERE bookmarked = 1)",
                [id],
            )?;
            tx.execute("DELETE FROM feeds WHERE account_id = ?1", [id])?;
            let n = tx.execute("DELETE FROM accounts WHERE id = ?1", [id])?;
            if n == 0 {
                return Err(StoreError::NoSuchAccount(id));
            }
            drop_empty_folders(tx)?;
            Ok(())
        })
    }

    /// Records how a sync of the account went: a success clears the last error.
    pub fn record_sync(
        &self,
        id: AccountId,
        at: DateTime<Utc>,
        error: Option<(ErrorKind, &str)>,
    ) -> Result<()> {
        self.write(|tx| {
            match error {
                None => tx.execute(
                    "UPDATE accounts SET last_sync = ?2, error_kind = NULL, error_message = NULL,
                            error_at = NULL WHERE id = ?1",
                    params![id, at.timestamp()],
                )?,
                Some((kind, message)) => tx.execute(
                    "UPDATE accounts SET error_kind = ?2, error_message = ?3, error_at = ?4
                     WHERE id = ?1",
                    params![id, kind.as_str(), message, at.timestamp()],
                )?,
            };
            Ok(())
        })
    }

    /// The account's feeds.
    pub fn account_feeds(&self, account: AccountId) -> Result<Vec<AccountFeed>> {
        self.read(|c| {
            let mut stmt = c.prepare(
                "SELECT id, remote_id, url, full_story FROM feeds WHERE account_id = ?1 ORDER BY id",
            )?;
            let rows = stmt
                .query_map([account], |r| {
                    Ok(AccountFeed {
                        id: r.get(0)?,
                        remote_id: r.get(1)?,
                        url: r.get(2)?,
                        full_story: r.get(3)?,
                    })
                })?
                .collect::<Result<Vec<_>, _>>()?;
            Ok(rows)
        })
    }

    /// Files a subscription of the server under the account: a new feed, or the feed of this
    /// computer with the same address (it becomes the account's). `None` when another account
    /// already has that address. `true` with the id when the feed is new to the library.
    pub fn add_account_feed(
        &self,
        account: AccountId,
        remote_id: &str,
        url: &str,
        title: &str,
        folder: Option<&str>,
        now: DateTime<Utc>,
    ) -> Result<Option<(FeedId, bool)>> {
        self.write(|tx| {
            let existing: Option<(FeedId, Option<AccountId>)> = tx
                .query_row(
                    "SELECT id, account_id FROM feeds WHERE url = ?1",
                    [url],
                    |r| Ok((r.get(0)?, r.get(1)?)),
                )
                .optional()?;
            let folder_id = match folder {
                Some(name) if !name.trim().is_empty() => Some(folder_id(tx, name)?),
                _ => None,
            };
            match existing {
                Some((_, Some(other))) if other != account => Ok(None),
                Some((id, _)) => {
                    tx.execute(
                        "UPDATE feeds SET account_id = ?2, remote_id = ?3, folder_id = ?4,
                                title = CASE WHEN title = '' THEN ?5 ELSE title END
                         WHERE id = ?1",
                        params![id, account, remote_id, folder_id, title],
                    )?;
                    drop_empty_folders(tx)?;
                    Ok(Some((id, false)))
                }
                None => {
                    tx.execute(
                        "INSERT INTO feeds (url, title, folder_id, created_at, account_id, remote_id,
                                            last_refreshed)
                         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?4)",
                        params![url, title, folder_id, now.timestamp(), account, remote_id],
                    )?;
                    Ok(Some((tx.last_insert_rowid(), true)))
                }
            }
        })
    }

    /// The account and the server's stream id of a feed, if it is an account's.
    pub fn feed_account(&self, feed: FeedId) -> Result<Option<(AccountId, Option<String>)>> {
        self.read(|c| {
            let row: Option<(Option<AccountId>, Option<String>)> = c
                .query_row(
                    "SELECT account_id, remote_id FROM feeds WHERE id = ?1",
                    [feed],
                    |r| Ok((r.get(0)?, r.get(1)?)),
                )
                .optional()?;
            let (account, remote) = row.ok_or(StoreError::NoSuchFeed(feed))?;
            Ok(account.map(|account| (account, remote)))
        })
    }

    /// The keys of the account's articles removed by retention (the server's long-form item
    /// ids), so a sync never fetches them again while the server keeps them.
    pub fn pruned_keys_of_account(&self, account: AccountId) -> Result<Vec<String>> {
        self.read(|c| {
            let mut stmt = c.prepare(
                "SELECT p.key FROM pruned_keys p JOIN feeds f ON f.id = p.feed_id
                 WHERE f.account_id = ?1",
            )?;
            let keys = stmt
                .query_map([account], |r| r.get(0))?
                .collect::<Result<Vec<String>, _>>()?;
            Ok(keys)
        })
    }

    /// The server's item ids this library holds for the account.
    pub fn known_remote_items(&self, account: AccountId) -> Result<HashSet<i64>> {
        self.read(|c| {
            let mut known = HashSet::new();
            let mut stmt = c.prepare(
                "SELECT a.remote_id FROM articles a JOIN feeds f ON f.id = a.feed_id
                 WHERE f.account_id = ?1 AND a.remote_id IS NOT NULL",
            )?;
            let mut rows = stmt.query([account])?;
            while let Some(r) = rows.next()? {
                known.insert(r.get(0)?);
            }
            Ok(known)
        })
    }

    /// Stores articles from the server (skipping those already stored); returns the new ids.
    pub fn add_synced_articles(
        &self,
        articles: &[SyncedArticle],
        now: DateTime<Utc>,
        judge: &mut dyn StoryJudge,
    ) -> Result<Vec<ArticleId>> {
        self.write(|tx| {
            let mut added = Vec::new();
            for synced in articles {
                let id = insert_article(tx, Some(synced.feed_id), &synced.article, now)?;
                if id == 0 {
                    continue;
                }
                tx.prepare_cached("UPDATE articles SET remote_id = ?2 WHERE id = ?1")?
                    .execute(params![id, synced.remote_id])?;
                added.push(id);
                // Grouped into a story as a refresh's articles are.
                let arrival = StoryArrival {
                    id,
                    feed_id: synced.feed_id,
                    article: &synced.article,
                };
                group_article(tx, judge, arrival)?;
            }
            Ok(added)
        })
    }

    /// Takes the server's read and starred states for the account's articles: read unless
    /// in `unread`, bookmarked when in `starred`. Articles with an edit still queued keep
    /// theirs, and applying queues nothing. Returns how many articles changed.
    pub fn apply_remote_states(
        &self,
        account: AccountId,
        unread: &HashSet<i64>,
        starred: &HashSet<i64>,
        now: DateTime<Utc>,
    ) -> Result<usize> {
        self.write(|tx| {
            let queued_before: i64 =
                tx.query_row("SELECT coalesce(max(id), 0) FROM sync_queue", [], |r| {
                    r.get(0)
                })?;
            let pending: HashSet<i64> = {
                let mut stmt = tx.prepare(
                    "SELECT item_id FROM sync_queue WHERE account_id = ?1 AND item_id IS NOT NULL",
                )?;
                let ids = stmt
                    .query_map([account], |r| r.get(0))?
                    .collect::<Result<HashSet<i64>, _>>()?;
                ids
            };
            let rows: Vec<(ArticleId, i64, bool, bool)> = {
                let mut stmt = tx.prepare(
                    "SELECT a.id, a.remote_id, s.read, s.bookmarked
                     FROM articles a JOIN feeds f ON f.id = a.feed_id
                     JOIN article_state s ON s.article_id = a.id
                     WHERE f.account_id = ?1 AND a.remote_id IS NOT NULL",
                )?;
                let rows = stmt
                    .query_map([account], |r| {
                        Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?))
                    })?
                    .collect::<Result<Vec<_>, _>>()?;
                rows
            };
            let mut changed = 0;
            for (id, remote, read, bookmarked) in rows {
                if pending.contains(&remote) {
                    continue;
                }
                let (want_read, want_star) = (!unread.contains(&remote), starred.contains(&remote));
                if want_read != read {
                    tx.prepare_cached(
                        "UPDATE article_state SET read = ?2, read_at = ?3 WHERE article_id = ?1",
                    )?
                    .execute(params![id, want_read, now.timestamp()])?;
                }
                if want_star != bookmarked {
                    tx.prepare_cached(
                        "UPDATE article_state SET bookmarked = ?2, bookmarked_at = ?3
                         WHERE article_id = ?1",
                    )?
                    .execute(params![id, want_star, now.timestamp()])?;
                }
                changed += usize::from(want_read != read || want_star != bookmarked);
            }
            // The triggers queued these as if made here: they are the server's own state.
            tx.execute("DELETE FROM sync_queue WHERE id > ?1", [queued_before])?;
            Ok(changed)
        })
    }

    /// Queues subscription edits for the account's server.
    pub fn enqueue_edit(
        &self,
        account: AccountId,
        edit: &SyncEdit,
        now: DateTime<Utc>,
    ) -> Result<()> {
        self.write(|tx| insert_edit(tx, account, edit, now))
    }

    /// The account's queued edits, oldest first.
    pub fn queued_edits(&self, account: AccountId) -> Result<Vec<QueuedEdit>> {
        self.read(|c| {
            let mut stmt = c.prepare(
                "SELECT id, action, item_id, stream, value, previous FROM sync_queue
                 WHERE account_id = ?1 ORDER BY id",
            )?;
            let rows = stmt
                .query_map([account], |r| {
                    Ok((
                        r.get::<_, i64>(0)?,
                        r.get::<_, String>(1)?,
                        r.get::<_, Option<i64>>(2)?,
                        r.get::<_, Option<String>>(3)?,
                        r.get::<_, Option<String>>(4)?,
                        r.get::<_, Option<String>>(5)?,
                    ))
                })?
                .collect::<Result<Vec<_>, _>>()?;
            Ok(rows
                .into_iter()
                .filter_map(|(id, action, item, stream, value, previous)| {
                    let edit = match (action.as_str(), item, stream, value) {
                        ("read" | "unread", Some(item), _, _) => SyncEdit::Read {
                            item,
                            on: action == "read",
                        },
                        ("star" | "unstar", Some(item), _, _) => SyncEdit::Star {
                            item,
                            on: action == "star",
                        },
                        ("subscribe", _, Some(url), folder) => SyncEdit::Subscribe { url, folder },
                        ("unsubscribe", _, Some(stream), _) => SyncEdit::Unsubscribe { stream },
                        ("rename", _, Some(stream), Some(title)) => {
                            SyncEdit::Rename { stream, title }
                        }
                        ("move", _, Some(stream), Some(to)) => SyncEdit::Move {
                            stream,
                            from: previous,
                            to,
                        },
                        _ => return None,
                    };
                    Some(QueuedEdit { id, edit })
                })
                .collect())
        })
    }

    /// Forgets queued edits the server has taken.
    pub fn forget_edits(&self, ids: &[i64]) -> Result<()> {
        self.write(|tx| {
            let mut stmt = tx.prepare_cached("DELETE FROM sync_queue WHERE id = ?1")?;
            for id in ids {
                stmt.execute([id])?;
            }
            Ok(())
        })
    }
}

fn insert_edit(
    tx: &Transaction,
    account: AccountId,
    edit: &SyncEdit,
    now: DateTime<Utc>,
) -> Result<()> {
    let (action, item, stream, value, previous): (
        &str,
        Option<i64>,
        Option<&str>,
        Option<&str>,
        Option<&str>,
    ) = match edit {
        SyncEdit::Read { item, on } => (
            if *on { "read" } else { "unread" },
            Some(*item),
            None,
            None,
            None,
        ),
        SyncEdit::Star { item, on } => (
            if *on { "star" } else { "unstar" },
            Some(*item),
            None,
            None,
            None,
        ),
        SyncEdit::Subscribe { url, folder } => {
            ("subscribe", None, Some(url), folder.as_deref(), None)
        }
        SyncEdit::Unsubscribe { stream } => ("unsubscribe", None, Some(stream), None, None),
        SyncEdit::Rename { stream, title } => ("rename", None, Some(stream), Some(title), None),
        SyncEdit::Move { stream, from, to } => {
            ("move", None, Some(stream), Some(to), from.as_deref())
        }
    };
    tx.execute(
        "INSERT INTO sync_queue (account_id, action, item_id, stream, value, previous, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        params![
            account,
            action,
            item,
            stream,
            value,
            previous,
            now.timestamp()
        ],
    )?;
    Ok(())
}

fn query_accounts(c: &Connection, only: Option<AccountId>) -> Result<Vec<Account>> {
    let mut stmt = c.prepare(
        "SELECT id, kind, url, user, last_sync, error_kind, error_message, error_at FROM accounts
         WHERE ?1 IS NULL OR id = ?1 ORDER BY id",
    )?;
    let rows = stmt
        .query_map([only], |r| {
            let error = stored_health(r.get(5)?, r.get(6)?, r.get(7)?);
            Ok(Account {
                id: r.get(0)?,
                kind: r.get(1)?,
                url: r.get(2)?,
                user: r.get(3)?,
                last_sync: opt_time(r.get(4)?),
                error,
            })
        })?
        .collect::<Result<Vec<_>, _>>()?;
    Ok(rows)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::ArticleQuery;

    /// Groups nothing: these tests are about accounts (grouping has its own).
    struct Alone;

    impl StoryJudge for Alone {
        fn choose(&mut self, _: StoryArrival<'_>) -> Option<ArticleId> {
            None
        }
    }

    fn synced(feed_id: FeedId, remote_id: i64, key: &str) -> SyncedArticle {
        SyncedArticle {
            feed_id,
            remote_id,
            article: super::super::tests_support::article(key, key, "h", 2_000_000_000),
        }
    }

    fn library_with_an_account() -> (tempfile::TempDir, Store, AccountId, FeedId, Vec<ArticleId>) {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&dir.path().join("library.sqlite3")).unwrap();
        let now = Utc::now();
        let (account, _) = store
            .add_account("greader", "http://127.0.0.1:1/", "reader", now)
            .unwrap();
        let (feed, added) = store
            .add_account_feed(
                account,
                "feed/1",
                "https://news.example/feed",
                "News",
                Some("Tech"),
                now,
            )
            .unwrap()
            .unwrap();
        assert!(added);
        // -1 is the id whose 64 bits are all set: it must come back bit for bit.
        let ids = store
            .add_synced_articles(
                &[synced(feed, 7, "a"), synced(feed, -1, "b")],
                now,
                &mut Alone,
            )
            .unwrap();
        (dir, store, account, feed, ids)
    }

    #[test]
    fn reading_or_bookmarking_a_synced_article_queues_the_edit_whatever_marked_it() {
        let (_dir, store, account, _feed, ids) = library_with_an_account();
        let now = Utc::now();
        store.set_read(ids[0], true, now).unwrap();
        // Setting the same state again queues nothing.
        store.set_read(ids[0], true, now).unwrap();
        store.set_bookmarked(ids[1], true, now).unwrap();
        store
            .mark_query_read(&ArticleQuery::default(), now)
            .unwrap();
        let edits: Vec<SyncEdit> = store
            .queued_edits(account)
            .unwrap()
            .into_iter()
            .map(|q| q.edit)
            .collect();
        assert_eq!(
            edits,
            [
                SyncEdit::Read { item: 7, on: true },
                SyncEdit::Star { item: -1, on: true },
                SyncEdit::Read { item: -1, on: true },
            ]
        );
    }

    #[test]
    fn the_servers_state_is_applied_without_queueing_and_never_over_a_pending_edit() {
        let (_dir, store, account, _feed, ids) = library_with_an_account();
        let now = Utc::now();
        // A pending local edit on item 7: the server's older state must not undo it.
        store.set_bookmarked(ids[0], true, now).unwrap();
        let unread = HashSet::from([7]);
        let starred = HashSet::from([-1]);
        let changed = store
            .apply_remote_states(account, &unread, &starred, now)
            .unwrap();
        assert_eq!(changed, 1);
        let a = store.article(ids[0]).unwrap().summary;
        let b = store.article(ids[1]).unwrap().summary;
        assert!(!a.read && a.bookmarked, "the pending bookmark stays");
        assert!(
            b.read && b.bookmarked,
            "the server's read and starred state"
        );
        assert_eq!(store.queued_edits(account).unwrap().len(), 1);
    }

    #[test]
    fn removing_an_account_keeps_its_bookmarks_as_stories_of_no_feed() {
        let (_dir, store, account, feed, ids) = library_with_an_account();
        store.set_bookmarked(ids[1], true, Utc::now()).unwrap();
        store.remove_account(account).unwrap();
        assert!(store.feeds().unwrap().is_empty());
        assert!(store.folders().unwrap().is_empty());
        assert!(store.accounts().unwrap().is_empty());
        assert!(matches!(store.feed(feed), Err(StoreError::NoSuchFeed(_))));
        let kept = store.article(ids[1]).unwrap().summary;
        assert!(kept.bookmarked && kept.feed_id.is_none());
        assert!(store.article(ids[0]).is_err());
        assert!(matches!(
            store.remove_account(account),
            Err(StoreError::NoSuchAccount(_))
        ));
    }

    #[test]
    fn an_accounts_feed_is_not_refreshed_feed_by_feed() {
        let (_dir, store, _account, _feed, _ids) = library_with_an_account();
        assert!(store.feeds_to_refresh(None).unwrap().is_empty());
        assert_eq!(store.feeds().unwrap()[0].account, Some(_account));
    }
}
