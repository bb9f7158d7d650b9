//! Refreshing: every feed (or one) fetched at once, each feed's result written in batches.
//!
//! Owns the order (fetch with the feed's validators, tell an unchanged body, parse, the shared
//! `steps::feed_update`, the rules' decisions, write, the notification batch) and keeps each
//! failure on its own feed: a feed that fails gets its error recorded and the others go on.
//! Never parses a feed itself, never decides what an item becomes (that is `process`), never
//! writes SQL. When no feed could reach its server the network is down: the failures are
//! reported, not recorded on the feeds.

use std::collections::HashMap;
use std::sync::Arc;

use chrono::{DateTime, Duration as TimeDelta, Utc};
use tokio::sync::mpsc::{Receiver, Sender};
use tokio::task::JoinSet;
use url::Url;

use super::grouping::ReadyUpdate;
use super::{credentials, rules, steps, Library, LibraryError, Result};
use crate::credentials::CredentialStore;
use crate::error_kind::ErrorKind;
use crate::feed;
use crate::fetch::{BodyKind, FetchError, FetchOutcome, FetchRequest, Fetcher, Reach};
use crate::model::{FeedId, RefreshError, RefreshProgress, RefreshReport, SyncReport};
use crate::process::{self, FetchedFeed};
use crate::rules::RuleSet;
use crate::store::{FeedFetchState, FeedUpdate, Store};

/// Feeds whose refresh runs at once (the fetcher bounds the requests in flight further).
const REFRESH_TASKS: usize = 32;

/// Feeds whose updates are written in one transaction.
const WRITE_BATCH: usize = 32;

/// Longest a finished feed's update waits for others to share its transaction: a slow feed
/// (a hostile one, a slow server) never holds back the stories of the feeds done before it.
const BATCH_WAIT: std::time::Duration = std::time::Duration::from_millis(500);

/// Whether a feed's failure says only that its server could not be reached (when every feed of
/// a refresh fails so, the network is down).
fn unreachable(update: &FeedUpdate) -> bool {
    matches!(update, FeedUpdate::Failed { kind, .. } if kind.is_network())
}

/// Whether the failures of a refresh are the network's rather than the feeds': every feed tried
/// could not reach its server. One feed alone cannot tell its server's outage from the
/// network's, so it needs two or more.
fn network_down(tried: usize, unreachable: usize) -> bool {
    tried >= 2 && unreachable == tried
}

impl Library {
    /// Refreshes every feed (or one), reporting progress after each feed. A feed that fails
    /// gets its error recorded and the others go on.
    pub async fn refresh(
        &self,
        only: Option<FeedId>,
        progress: &(dyn Fn(RefreshProgress) + Send + Sync),
    ) -> Result<RefreshReport> {
        // The accounts sync with each refresh; an account's feed refreshes with its account
        // (never feed by feed). Their failures are recorded on the accounts.
        let account = match only {
            Some(id) => self.blocking(move |s| s.feed_account(id)).await?,
            None => None,
        };
        let synced = match (only, account) {
            (None, _) => self.sync_only(None).await?,
            (Some(_), Some((account, _))) => {
                let synced = self.sync(Some(account)).await?;
                return Ok(RefreshReport {
                    feeds: 1,
                    refreshed: usize::from(synced.errors.is_empty()),
                    new_articles: synced.new_articles,
                    notify: synced.notify,
                    ..RefreshReport::default()
                });
            }
            (Some(_), None) => SyncReport::default(),
        };
        let states = self.blocking(move |s| s.feeds_to_refresh(only)).await?;
        let total = states.len();
        let mut report = RefreshReport {
            feeds: total,
            new_articles: synced.new_articles,
            ..RefreshReport::default()
        };
        progress(RefreshProgress { done: 0, total });
        let rules = Arc::new(self.active_rules().await?);

        // The writer stores batches while the loop goes on fetching and preparing the next
        // feeds: when the loop waited for each write, the feeds' work and the writing took
        // turns, and a first import kept only one of two cores busy (BENCHMARKS.md).
        let (writes, to_write) = tokio::sync::mpsc::channel::<Vec<ReadyUpdate>>(1);
        let (fetched, written) = tokio::join!(
            self.fetch_feeds(states, rules, &mut report, progress, writes),
            self.write_batches(to_write)
        );
        // The writer's error first: a failed write is what stopped the loop's sending.
        let (new_articles, updated_articles) = written?;
        fetched?;
        report.new_articles += new_articles;
        report.updated_articles += updated_articles;
        if report.new_articles > 0 {
            self.blocking(|s| s.optimize()).await?;
        }
        report.notify = self.take_notifications().await?;
        Ok(report)
    }

    /// The refresh's loop: runs up to [`REFRESH_TASKS`] feeds at once, counts each finished
    /// feed into `report`, and hands their updates to the writer in batches. A feed's failure
    /// to reach its server is held back until the end, and recorded only if some feed did
    /// reach its own (otherwise the network is down). Drops `writes` when done, which ends
    /// the writer.
    async fn fetch_feeds(
        &self,
        states: Vec<FeedFetchState>,
        rules: Arc<RuleSet>,
        report: &mut RefreshReport,
        progress: &(dyn Fn(RefreshProgress) + Send + Sync),
        writes: Sender<Vec<ReadyUpdate>>,
    ) -> Result<()> {
        let now = Utc::now();
        let total = states.len();
        let mut done = 0usize;
        let mut pending = states.into_iter();
        let mut tasks: JoinSet<ReadyUpdate> = JoinSet::new();
        let mut task_feed = HashMap::new();
        let mut batch: Vec<ReadyUpdate> = Vec::new();
        let mut batch_deadline = tokio::time::Instant::now();
        let mut unreached: Vec<ReadyUpdate> = Vec::new();
        let mut tried = 0usize;
        let words = self.grouping.reads_words();
        loop {
            while tasks.len() < REFRESH_TASKS {
                let Some(state) = pending.next() else { break };
                if let Some(until) = state.retry_after.filter(|t| *t > now) {
                    report.errors.push(RefreshError {
                        feed_id: state.id,
                        kind: ErrorKind::RateLimited,
                        message: format!(
                            "{} asked to be left alone until {}",
                            state.url,
                            until.to_rfc3339()
                        ),
                    });
                    done += 1;
                    progress(RefreshProgress { done, total });
                    continue;
                }
                let feed_id = state.id;
                let job = RefreshJob {
                    store: Arc::clone(&self.store),
                    fetcher: self.fetcher.clone(),
                    credentials: Arc::clone(&self.credentials),
                    rules: Arc::clone(&rules),
                };
                let handle =
                    tasks.spawn(async move { ready(job.refresh_feed(state).await, words).await });
                task_feed.insert(handle.id(), feed_id);
            }
            let next = if batch.is_empty() {
                tasks.join_next_with_id().await
            } else {
                match tokio::time::timeout_at(batch_deadline, tasks.join_next_with_id()).await {
                    Ok(next) => next,
                    Err(_) => {
                        write(&writes, std::mem::take(&mut batch)).await?;
                        continue;
                    }
                }
            };
            let Some(joined) = next else {
                break;
            };
            let update = match joined {
                Ok((_, update)) => update,
                Err(e) => ReadyUpdate::from(FeedUpdate::Failed {
                    feed_id: task_feed.get(&e.id()).copied().unwrap_or_default(),
                    kind: ErrorKind::Internal,
                    message: format!("refresh stopped unexpectedly: {e}"),
                    retry_after: None,
                    at: Utc::now(),
                }),
            };
            count(report, update.update());
            tried += 1;
            if unreachable(update.update()) {
                unreached.push(update);
            } else {
                if batch.is_empty() {
                    batch_deadline = tokio::time::Instant::now() + BATCH_WAIT;
                }
                batch.push(update);
            }
            done += 1;
            if !batch.is_empty() && (batch.len() >= WRITE_BATCH || tasks.is_empty()) {
                write(&writes, std::mem::take(&mut batch)).await?;
            }
            progress(RefreshProgress { done, total });
        }
        report.network_down = network_down(tried, unreached.len());
        if !report.network_down {
            batch.append(&mut unreached);
        }
        if !batch.is_empty() {
            write(&writes, batch).await?;
        }
        Ok(())
    }

    /// The refresh's writer: stores each batch it is handed (one transaction each) until the
    /// loop drops its end; returns the new and the updated articles. It owns the receiving
    /// end: should it fail, the loop's next send fails too instead of waiting for ever.
    async fn write_batches(
        &self,
        mut to_write: Receiver<Vec<ReadyUpdate>>,
    ) -> Result<(usize, usize)> {
        let mut counts = (0, 0);
        while let Some(batch) = to_write.recv().await {
            for c in self.store_updates(batch).await? {
                counts.0 += c.new_articles;
                counts.1 += c.updated_articles;
            }
        }
        Ok(counts)
    }
}

/// Counts a finished feed into the refresh's report.
fn count(report: &mut RefreshReport, update: &FeedUpdate) {
    match update {
        // A refresh fetches; completing a subscription's teasers is the follow-up's.
        FeedUpdate::Fetched { .. } | FeedUpdate::Completed { .. } => report.refreshed += 1,
        FeedUpdate::NotModified { .. } => report.not_modified += 1,
        FeedUpdate::Failed {
            feed_id,
            kind,
            message,
            ..
        } => report.errors.push(RefreshError {
            feed_id: *feed_id,
            kind: *kind,
            message: message.clone(),
        }),
    }
}

/// Hands a batch of feeds' updates to the refresh's writer (one transaction each).
async fn write(writes: &Sender<Vec<ReadyUpdate>>, batch: Vec<ReadyUpdate>) -> Result<()> {
    writes
        .send(batch)
        .await
        .map_err(|_| LibraryError::Internal("the refresh's writer stopped".into()))
}

/// A feed's finished update made ready for the writer (packed, and its words read if
/// `read_words`), off the async threads when it has items.
async fn ready(update: FeedUpdate, read_words: bool) -> ReadyUpdate {
    let (FeedUpdate::Fetched { feed_id, .. } | FeedUpdate::Completed { feed_id, .. }) = &update
    else {
        return ReadyUpdate::from(update);
    };
    let feed_id = *feed_id;
    steps::on_a_core(move || ReadyUpdate::new(update, read_words))
        .await
        .unwrap_or_else(|e| {
            ReadyUpdate::from(FeedUpdate::Failed {
                feed_id,
                kind: ErrorKind::Internal,
                message: format!("packing the feed's stories stopped unexpectedly: {e}"),
                retry_after: None,
                at: Utc::now(),
            })
        })
}

/// What a refresh task needs, owned, so it can run on its own.
struct RefreshJob {
    store: Arc<Store>,
    fetcher: Fetcher,
    credentials: Arc<CredentialStore>,
    /// The rules active when the refresh began.
    rules: Arc<RuleSet>,
}

impl RefreshJob {
    /// Fetches and parses one feed; whatever happens becomes a `FeedUpdate` for that feed alone.
    async fn refresh_feed(self, state: FeedFetchState) -> FeedUpdate {
        let feed_id = state.id;
        let failed = |kind: ErrorKind, message: String, retry_after: Option<DateTime<Utc>>| {
            FeedUpdate::Failed {
                feed_id,
                kind,
                message,
                retry_after,
                at: Utc::now(),
            }
        };
        let url = match Url::parse(&state.url) {
            Ok(u) => u,
            Err(e) => return failed(ErrorKind::InvalidUrl, format!("{}: {e}", state.url), None),
        };
        let reach = Reach::of_subscription(&url, state.local_network);
        let req = FetchRequest {
            url: &url,
            kind: BodyKind::Feed,
            reach,
            etag: state.etag.as_deref(),
            last_modified: state.last_modified.as_deref(),
        };
        // Only feeds that have a password ask the credential store, and one server's feeds ask once.
        let login = match state.has_credentials {
            true => credentials::login_for(&self.credentials, &url).await,
            false => None,
        };
        let body = match self.fetcher.fetch_signed_in(req, login.as_ref()).await {
            Ok(FetchOutcome::Fetched(body)) => body,
            Ok(FetchOutcome::NotModified { .. }) => {
                return FeedUpdate::NotModified {
                    feed_id,
                    etag: None,
                    last_modified: None,
                    at: Utc::now(),
                }
            }
            Err(e) => {
                let retry_after = match &e {
                    FetchError::RateLimited { retry_after, .. } => retry_after
                        .and_then(|d| TimeDelta::from_std(d).ok())
                        .map(|d| Utc::now() + d),
                    _ => None,
                };
                return failed(e.kind(), e.to_string(), retry_after);
            }
        };
        let at = Utc::now();
        let body_hash = process::hash_hex(&body.body);
        if state.body_hash.as_deref() == Some(body_hash.as_str()) {
            return FeedUpdate::NotModified {
                feed_id,
                etag: body.etag,
                last_modified: body.last_modified,
                at,
            };
        }
        let store = Arc::clone(&self.store);
        let read = steps::on_a_core(move || {
            let known = match store.known_items(feed_id) {
                Ok(k) => k,
                Err(e) => return Err((e.kind(), e.to_string())),
            };
            let parsed = feed::parse_feed(
                &body.body,
                body.content_type.as_deref(),
                &body.final_url,
                at,
            )
            .map_err(|e| (e.kind(), format!("{}: {e}", body.final_url)))?;
            let fetched = FetchedFeed {
                feed_id,
                parsed,
                etag: body.etag,
                last_modified: body.last_modified,
                body_hash,
                at,
            };
            Ok((fetched, known))
        })
        .await;
        let unexpected = |e: &dyn std::fmt::Display| {
            failed(
                ErrorKind::Internal,
                format!("{}: reading the feed failed unexpectedly ({e})", state.url),
                None,
            )
        };
        match read {
            Ok(Ok((fetched, known))) => {
                match steps::feed_update(
                    &self.fetcher,
                    fetched,
                    known,
                    (reach, login.as_ref()),
                    state.full_story,
                )
                .await
                {
                    Ok(mut update) => {
                        rules::decide(&self.rules, state.folder.as_deref(), &mut update, true);
                        update
                    }
                    Err(e) => unexpected(&e),
                }
            }
            Ok(Err((kind, message))) => failed(kind, message, None),
            Err(e) => unexpected(&e),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_every_feed_of_two_or_more_unreached_means_the_network_is_down() {
        assert!(network_down(2, 2));
        assert!(network_down(40, 40));
        assert!(!network_down(40, 39));
        assert!(!network_down(1, 1), "one feed cannot tell");
        assert!(!network_down(0, 0));
    }
}
