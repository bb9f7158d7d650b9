//! Sync accounts: adding one (logged in first), listing, removing, and syncing each with its
//! server.
//!
//! Owns the order of a sync: push the queued edits first (so a pending edit is never
//! overwritten by an older server state), then read the item ids (reading list, unread,
//! starred) and the subscriptions with their folders, fetch contents only for the ids the
//! library lacks, turn them into articles through the same `process`, sanitizer and full-story
//! step as a feed's items (pictures follow as for any new story), and take the server's read
//! and starred states. A failure stays on its account, recorded with a stable kind. The
//! password is read from the credential store for each sync and never written anywhere else.
//! Never writes SQL, never speaks the protocol itself (that is `sync::greader`).

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use chrono::{DateTime, Utc};
use url::Url;

use super::{parse_user_url, rules, steps, Library, LibraryError, Result};
use crate::credentials::{Credential, ServiceKind};
use crate::feed::ParsedItem;
use crate::fetch::Reach;
use crate::model::{Account, AccountId, FeedId, SyncError, SyncPhase, SyncProgress, SyncReport};
use crate::process;
use crate::store::{AccountFeed, QueuedEdit, SyncEdit, SyncedArticle};
use crate::sync::greader::{
    GReaderClient, GReaderError, Item, ItemId, Secret, StateTag, READING_LIST,
};

/// The one protocol spoken today.
pub const GREADER: &str = "greader";

/// Most read stories fetched per sync beyond the unread and starred ones: the newest of the
/// reading list, so a first sync of a years-old account stays short.
const READ_ITEMS_PER_SYNC: usize = 500;

/// Stories fetched and stored between two progress reports: a few contents batches, so a
/// first sync of thousands shows its count moving, and each group is stored as it comes.
const STORIES_PER_REPORT: usize = 500;

/// An account's feed as a sync files the server's items under it.
struct SyncedFeed {
    id: FeedId,
    /// The feed's own address: what its stories' relative links and pages reach from.
    url: Url,
    /// "Always fetch the full story", as set here.
    full_story: bool,
    /// Its folder on the server, for rules scoped to a folder.
    folder: Option<String>,
    /// Whether its new stories are news: not for a feed this sync brought in (as a new
    /// subscription's stories are not).
    announce: bool,
}

/// What one account's sync changed.
#[derive(Default)]
struct AccountCounts {
    feeds_added: usize,
    feeds_removed: usize,
    new_articles: usize,
    pushed: usize,
    pulled: usize,
}

/// The key of an account's password in the credential store.
fn secret_key(account: &Account) -> String {
    format!("{} {} {}", account.kind, account.url, account.user)
}

impl Library {
    /// Adds a sync account after logging in with `password`: a server that refuses it stores
    /// nothing and answers an `auth` error. The password goes to the credential store only.
    pub async fn add_account(
        &self,
        kind: &str,
        address: &str,
        user: &str,
        password: &str,
    ) -> Result<Account> {
        if kind != GREADER {
            return Err(LibraryError::InvalidSetting {
                message: format!("unknown account kind {kind:?} (known: {GREADER})"),
            });
        }
        let (url, _) = parse_user_url(address)?;
        let url = url.to_string();
        GReaderClient::login(&self.fetcher, &url, user, &Secret::new(password)).await?;
        let (kind, user_owned) = (kind.to_owned(), user.to_owned());
        let (id, _) = {
            let url = url.clone();
            self.blocking(move |s| s.add_account(&kind, &url, &user_owned, Utc::now()))
                .await?
        };
        let account = self.blocking(move |s| s.account(id)).await?;
        let credential = Credential {
            user: user.to_owned(),
            password: password.to_owned(),
        };
        if let Err(e) = self.keep_account_password(&account, credential).await {
            // An account whose password could not be kept is not kept either.
            self.blocking(move |s| s.remove_account(id)).await?;
            return Err(e);
        }
        Ok(account)
    }

    /// Sets what hears how each account's sync goes, whoever started it (a refresh, "sync
    /// now", a subscription): the window shows it on the account. Set once; later calls are
    /// ignored.
    pub fn watch_sync(&self, watcher: super::SyncWatcher) {
        let _ = self.sync_watcher.set(watcher);
    }

    fn tell(&self, account_id: AccountId, phase: SyncPhase, done: usize, total: usize) {
        if let Some(watcher) = self.sync_watcher.get() {
            watcher(SyncProgress {
                account_id,
                phase,
                done,
                total,
            });
        }
    }

    /// Every sync account, with its last sync and error.
    pub async fn accounts(&self) -> Result<Vec<Account>> {
        self.blocking(|s| s.accounts()).await
    }

    /// Removes an account: its feeds and their stories go, its bookmarks stay as stories of no
    /// feed, and its password leaves the credential store.
    pub async fn remove_account(&self, id: AccountId) -> Result<()> {
        let account = self.blocking(move |s| s.account(id)).await?;
        self.blocking(move |s| s.remove_account(id)).await?;
        let credentials = Arc::clone(&self.credentials);
        let key = secret_key(&account);
        tokio::task::spawn_blocking(move || credentials.remove(ServiceKind::SyncAccount, &key))
            .await??;
        Ok(())
    }

    /// Subscribes the account to a feed on its server (which finds the feed of a site's
    /// address itself), into `folder` if given, and syncs the account so the feed arrives
    /// with its stories. What the server refused is in the report.
    pub async fn subscribe_in_account(
        &self,
        account: AccountId,
        input: &str,
        folder: Option<&str>,
    ) -> Result<SyncReport> {
        self.blocking(move |s| s.account(account)).await?;
        // The server fetches the feed: a password typed in the address is not sent to it.
        let (url, _) = parse_user_url(input)?;
        let edit = SyncEdit::Subscribe {
            url: url.to_string(),
            folder: folder.map(str::to_owned),
        };
        self.blocking(move |s| s.enqueue_edit(account, &edit, Utc::now()))
            .await?;
        self.sync(Some(account)).await
    }

    /// Syncs every account (or one), one after the other; a failure is recorded on its account
    /// and reported, and the others go on.
    pub async fn sync(&self, only: Option<AccountId>) -> Result<SyncReport> {
        let mut report = self.sync_only(only).await?;
        report.notify = self.take_notifications().await?;
        Ok(report)
    }

    /// [`Library::sync`] without taking the stories due to be announced: a refresh takes them
    /// once, with its own.
    pub(super) async fn sync_only(&self, only: Option<AccountId>) -> Result<SyncReport> {
        let _one_at_a_time = self.sync_lock.lock().await;
        let accounts = match only {
            Some(id) => vec![self.blocking(move |s| s.account(id)).await?],
            None => self.accounts().await?,
        };
        let mut report = SyncReport {
            accounts: accounts.len(),
            ..SyncReport::default()
        };
        for account in accounts {
            let id = account.id;
            // Logging in, then the edits made here.
            self.tell(id, SyncPhase::Sending, 0, 0);
            let outcome = self.sync_account(&account).await;
            let error = outcome.as_ref().err().map(|e| (e.kind(), e.to_string()));
            let recorded = error.clone();
            self.blocking(move |s| {
                s.record_sync(
                    id,
                    Utc::now(),
                    recorded.as_ref().map(|(k, m)| (*k, m.as_str())),
                )
            })
            .await?;
            self.tell(id, SyncPhase::Finished, 0, 0);
            match outcome {
                Ok(counts) => {
                    report.feeds_added += counts.feeds_added;
                    report.feeds_removed += counts.feeds_removed;
                    report.new_articles += counts.new_articles;
                    report.pushed += counts.pushed;
                    report.pulled += counts.pulled;
                }
                Err(_) => {
                    if let Some((kind, message)) = error {
                        tracing::debug!(account = id, %kind, "sync failed");
                        report.errors.push(SyncError {
                            account_id: id,
                            kind,
                            message,
                        });
                    }
                }
            }
        }
        if report.new_articles > 0 {
            self.blocking(|s| s.optimize()).await?;
        }
        Ok(report)
    }

    async fn sync_account(&self, account: &Account) -> Result<AccountCounts> {
        let password = self.account_password(account).await?;
        let client =
            GReaderClient::login(&self.fetcher, &account.url, &account.user, &password).await?;
        let id = account.id;
        let mut counts = AccountCounts {
            pushed: self.push_edits(id, &client).await?,
            ..AccountCounts::default()
        };
        self.tell(id, SyncPhase::Checking, 0, 0);
        // Every state the server holds (the unread and starred sets, in full: a story read
        // or starred there long ago changes here too), the newest of the reading list (for
        // new stories already read elsewhere), then the subscriptions. Nothing is bounded by
        // time: servers filter `ot` on the publication date, which a late-fetched story has
        // in the past, so a time window would miss it.
        let unread: HashSet<ItemId> = client
            .item_ids(READING_LIST, Some(StateTag::Read))
            .await?
            .into_iter()
            .collect();
        let starred: Vec<ItemId> = client.item_ids(StateTag::Starred.stream_id(), None).await?;
        let recent = client.newest_ids(READING_LIST, READ_ITEMS_PER_SYNC).await?;
        let feeds = self.pull_subscriptions(id, &client, &mut counts).await?;

        let mut known = self.blocking(move |s| s.known_remote_items(id)).await?;
        // Stories retention removed stay removed while the server keeps them.
        let pruned = self.blocking(move |s| s.pruned_keys_of_account(id)).await?;
        known.extend(
            pruned
                .iter()
                .filter_map(|key| ItemId::parse(key))
                .map(ItemId::as_stored),
        );
        let mut wanted: Vec<ItemId> = Vec::new();
        let mut seen = HashSet::new();
        let candidates = unread
            .iter()
            .copied()
            .chain(starred.iter().copied())
            .chain(recent.iter().copied());
        for item in candidates {
            if !known.contains(&item.as_stored()) && seen.insert(item) {
                wanted.push(item);
            }
        }
        let total = wanted.len();
        for (group, ids) in wanted.chunks(STORIES_PER_REPORT).enumerate() {
            self.tell(id, SyncPhase::Fetching, group * STORIES_PER_REPORT, total);
            let items = client.items(ids).await?;
            counts.new_articles += self.store_items(items, &feeds).await?;
        }

        let unread: HashSet<i64> = unread.iter().map(|i| i.as_stored()).collect();
        let starred: HashSet<i64> = starred.iter().map(|i| i.as_stored()).collect();
        counts.pulled = self
            .blocking(move |s| s.apply_remote_states(id, &unread, &starred, Utc::now()))
            .await?;
        tracing::debug!(
            account = id,
            requests = client.requests_made(),
            "account synced"
        );
        Ok(counts)
    }

    /// Pushes the queued edits, oldest first; the last state of an item wins. Returns how many
    /// queued edits the server took. An edit the server refuses for good (a feed it cannot
    /// subscribe to, one already gone) is dropped with a log line, so it never blocks the rest.
    async fn push_edits(&self, account: AccountId, client: &GReaderClient) -> Result<usize> {
        let queued = self.blocking(move |s| s.queued_edits(account)).await?;
        if queued.is_empty() {
            return Ok(0);
        }
        // The last read and star edit of each item, in a set per (tag, on).
        let mut last: HashMap<(i64, StateTag), bool> = HashMap::new();
        let mut taken: Vec<i64> = Vec::new();
        for QueuedEdit { id, edit } in &queued {
            let result = match edit {
                SyncEdit::Read { item, on } => {
                    last.insert((*item, StateTag::Read), *on);
                    continue;
                }
                SyncEdit::Star { item, on } => {
                    last.insert((*item, StateTag::Starred), *on);
                    continue;
                }
                // `quickadd` finds the feed of a site's address too; the move files it.
                SyncEdit::Subscribe { url, folder } => match client.subscribe(url).await {
                    Ok(stream) => match folder {
                        Some(folder) => client.move_to_folder(&stream, None, folder).await,
                        None => Ok(()),
                    },
                    Err(e) => Err(e),
                },
                SyncEdit::Unsubscribe { stream } => client.unsubscribe(stream).await,
                SyncEdit::Rename { stream, title } => client.rename(stream, title).await,
                SyncEdit::Move { stream, from, to } => {
                    client.move_to_folder(stream, from.as_deref(), to).await
                }
            };
            match result {
                Ok(()) => taken.push(*id),
                Err(e @ (GReaderError::Server { .. } | GReaderError::UnexpectedAnswer { .. })) => {
                    tracing::warn!(error = %e, "sync: the server refused a queued edit; dropped");
                    taken.push(*id);
                }
                Err(e) => {
                    self.forget(taken).await?;
                    return Err(e.into());
                }
            }
        }
        // Subscription edits the server took are forgotten before the states are pushed, so
        // a failure there never sends them twice.
        self.forget(taken.clone()).await?;
        let mut groups: HashMap<(StateTag, bool), Vec<ItemId>> = HashMap::new();
        for ((item, tag), on) in last {
            groups
                .entry((tag, on))
                .or_default()
                .push(ItemId::from_stored(item));
        }
        for ((tag, on), mut items) in groups {
            items.sort_unstable();
            client.set_state(&items, tag, on).await?;
        }
        let state_edits: Vec<i64> = queued
            .iter()
            .map(|q| q.id)
            .filter(|id| !taken.contains(id))
            .collect();
        let pushed = taken.len() + state_edits.len();
        self.forget(state_edits).await?;
        Ok(pushed)
    }

    async fn forget(&self, ids: Vec<i64>) -> Result<()> {
        self.blocking(move |s| s.forget_edits(&ids)).await
    }

    /// Files the server's subscriptions (with their folders) under the account, and removes
    /// the account's feeds the server no longer has. Returns the feeds by stream id.
    async fn pull_subscriptions(
        &self,
        account: AccountId,
        client: &GReaderClient,
        counts: &mut AccountCounts,
    ) -> Result<HashMap<String, SyncedFeed>> {
        let subscriptions = client.subscriptions().await?;
        // Every stream the server lists, even one whose feed address it does not say: only a
        // feed the server no longer lists at all is removed here.
        let listed: HashSet<String> = subscriptions.iter().map(|s| s.id.clone()).collect();
        let mut feeds = HashMap::new();
        for sub in subscriptions {
            let Some(url) = sub.feed_url.as_deref().and_then(|u| Url::parse(u).ok()) else {
                continue;
            };
            let (stream, title, folder) = (sub.id.clone(), sub.title, sub.folders.first().cloned());
            let address = url.to_string();
            let kept_folder = folder.clone();
            let filed = self
                .blocking(move |s| {
                    s.add_account_feed(
                        account,
                        &stream,
                        &address,
                        &title,
                        folder.as_deref(),
                        Utc::now(),
                    )
                })
                .await?;
            match filed {
                Some((feed, added)) => {
                    counts.feeds_added += usize::from(added);
                    feeds.insert(
                        sub.id,
                        SyncedFeed {
                            id: feed,
                            url,
                            full_story: false,
                            folder: kept_folder,
                            announce: !added,
                        },
                    );
                }
                None => tracing::debug!(url = %url, "sync: another account has this feed"),
            }
        }
        let ours: Vec<AccountFeed> = self.blocking(move |s| s.account_feeds(account)).await?;
        for feed in ours {
            if let Some(synced) = feed.remote_id.as_ref().and_then(|r| feeds.get_mut(r)) {
                synced.full_story = feed.full_story;
            }
            let on_server = feed.remote_id.as_ref().is_some_and(|r| listed.contains(r));
            if !on_server {
                let id = feed.id;
                self.blocking(move |s| s.delete_feed(id)).await?;
                counts.feeds_removed += 1;
            }
        }
        Ok(feeds)
    }

    /// Turns the server's items into articles (the same `process` and full-story steps as a
    /// feed's items) and stores them. Returns how many are new.
    async fn store_items(
        &self,
        items: Vec<Item>,
        feeds: &HashMap<String, SyncedFeed>,
    ) -> Result<usize> {
        let now = Utc::now();
        // Each feed's items, with the server's id of each.
        type FeedItems<'a> = (&'a SyncedFeed, Vec<(i64, ParsedItem)>);
        let mut by_feed: HashMap<FeedId, FeedItems> = HashMap::new();
        for item in items {
            let Some(feed) = feeds.get(&item.feed_id) else {
                continue;
            };
            let remote = item.id.as_stored();
            let parsed = parsed_item(item, &feed.url, now);
            by_feed
                .entry(feed.id)
                .or_insert_with(|| (feed, Vec::new()))
                .1
                .push((remote, parsed));
        }
        let rules = self.active_rules().await?;
        let mut synced = Vec::new();
        for (feed_id, (feed, parsed)) in by_feed {
            let (remotes, mut articles) = tokio::task::spawn_blocking(move || {
                parsed
                    .into_iter()
                    .map(|(remote, item)| {
                        let hash = process::item_hash(&item);
                        (remote, process::prepare_article(item, hash))
                    })
                    .unzip::<_, _, Vec<i64>, Vec<_>>()
            })
            .await?;
            let reach = Reach::of_subscription(&feed.url, false);
            steps::complete_stories(&self.fetcher, &mut articles, (reach, None), feed.full_story)
                .await;
            let folder = feed.folder.as_deref();
            rules::decide_items(&rules, feed_id, folder, &mut articles, feed.announce);
            synced.extend(
                remotes
                    .into_iter()
                    .zip(articles)
                    .map(|(remote_id, article)| SyncedArticle {
                        feed_id,
                        remote_id,
                        article,
                    }),
            );
        }
        Ok(self.store_synced(synced).await?.len())
    }

    /// The account's password, from the credential store.
    async fn account_password(&self, account: &Account) -> Result<Secret> {
        let credentials = Arc::clone(&self.credentials);
        let key = secret_key(account);
        let found =
            tokio::task::spawn_blocking(move || credentials.get(ServiceKind::SyncAccount, &key))
                .await??;
        match found {
            Some(credential) => Ok(Secret::new(credential.password)),
            None => Err(LibraryError::NoAccountPassword {
                url: account.url.clone(),
            }),
        }
    }

    async fn keep_account_password(&self, account: &Account, credential: Credential) -> Result<()> {
        let credentials = Arc::clone(&self.credentials);
        let key = secret_key(account);
        tokio::task::spawn_blocking(move || {
            credentials.set(ServiceKind::SyncAccount, &key, &credential)
        })
        .await?
        .map_err(LibraryError::from)
    }

    /// Queues an edit of an account's feed for its server; `None` when the feed is this
    /// computer's only (nothing to mirror).
    pub(super) async fn mirror_feed_edit(
        &self,
        feed: FeedId,
        edit: impl FnOnce(String) -> Option<SyncEdit> + Send + 'static,
    ) -> Result<()> {
        let Some((account, Some(stream))) = self.blocking(move |s| s.feed_account(feed)).await?
        else {
            return Ok(());
        };
        let Some(edit) = edit(stream) else {
            return Ok(());
        };
        self.blocking(move |s| s.enqueue_edit(account, &edit, Utc::now()))
            .await
    }
}

/// A server's item as a parsed feed item, so it goes through the same `process` step: its
/// long-form id is its identity, its HTML the content (relative addresses resolve against its
/// own address, else its feed's), a date in the future taken as now.
fn parsed_item(item: Item, feed_url: &Url, now: DateTime<Utc>) -> ParsedItem {
    let url = item
        .url
        .as_deref()
        .and_then(|u| Url::parse(u).ok())
        .filter(crate::fetch::is_web_url);
    let published = process::not_after(item.published.unwrap_or(now), now);
    ParsedItem {
        key: item.id.long_form(),
        base_url: url.clone().unwrap_or_else(|| feed_url.clone()),
        url,
        title: item.title.unwrap_or_default(),
        author: item.author,
        published,
        updated: None,
        summary_html: None,
        content_html: Some(item.html),
        enclosures: Vec::new(),
        // The server's categories are its own labels and states, not the feed's.
        categories: Vec::new(),
    }
}
