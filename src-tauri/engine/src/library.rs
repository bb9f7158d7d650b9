//! The operations Broadsheet offers: subscribe, refresh, read, bookmark, search, import and
//! export. The window and the command line both call these and nothing below them.
//!
//! This module decides the order of the stages (fetch, parse, sanitize, store) and keeps a
//! failure inside the one feed or article it belongs to. It never parses HTML or XML itself
//! and never writes SQL.

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use chrono::{DateTime, Duration as TimeDelta, Utc};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use thiserror::Error;
use tokio::task::JoinSet;
use url::Url;

use crate::export;
use crate::extract::{self, ExtractedArticle};
use crate::feed::{self, FeedError, ParsedFeed, ParsedItem};
use crate::fetch::{BodyKind, FetchConfig, FetchError, FetchOutcome, FetchRequest, Fetcher, Reach};
use crate::icons::{self, IconSources};
use crate::images::{self, ImageCache};
use crate::model::{
    Article, ArticleId, ArticleQuery, ArticleSummary, ArticleView, Feed, FeedId, Folder,
    RefreshError, RefreshProgress, RefreshReport, RelatedLink, Settings,
};
use crate::opml::{self, OpmlError};
use crate::sanitize;
use crate::store::{
    FeedFetchState, FeedMeta, FeedUpdate, IconDue, IconLookup, KnownItems, NewArticle, NewFeed,
    PendingImages, Store, StoreError,
};

mod folder_edits;

/// The library file's name inside the data folder.
pub const LIBRARY_FILE: &str = "library.sqlite3";

/// The folder of cached pictures inside the data folder.
pub const IMAGES_DIR: &str = "images";

/// Stories whose pictures are fetched at once (each fetches up to 4 pictures at a time).
const IMAGE_TASKS: usize = 4;

/// A feed item's HTML larger than this is cut before sanitizing (payload 37: a 10 MB item
/// must not cost the rest of its feed).
const MAX_ITEM_HTML: usize = 2 * 1024 * 1024;

/// A found icon is looked for again after this long: icons change rarely.
const ICON_RECHECK_DAYS: i64 = 7;

/// A feed whose icon was not found is asked again after this long, not at every refresh.
const ICON_RETRY_DAYS: i64 = 1;

/// Feeds whose icon is looked for at once (the fetcher bounds the requests further).
const ICON_TASKS: usize = 8;

/// Longest one `update_icons` spends; the icons still due wait for the next call.
const ICON_PHASE: std::time::Duration = std::time::Duration::from_secs(15);

/// How long subscribing waits for the new feed's icon.
const ICON_AT_SUBSCRIBE: std::time::Duration = std::time::Duration::from_secs(3);

/// Feeds whose refresh runs at once (the fetcher bounds the requests in flight further).
const REFRESH_TASKS: usize = 32;

/// Feeds whose updates are written in one transaction.
const WRITE_BATCH: usize = 32;

/// Length of an article's excerpt, in characters.
const EXCERPT_CHARS: usize = 280;

/// How a library talks to the network. (The user's preferences are `Settings`, kept in the
/// library itself.)
#[derive(Debug, Clone, Default)]
pub struct LibraryConfig {
    pub fetch: FetchConfig,
}

/// What can go wrong with a library operation.
#[derive(Debug, Error)]
pub enum LibraryError {
    #[error("{0}")]
    Store(#[from] StoreError),
    #[error("{0}")]
    Fetch(#[from] FetchError),
    #[error("{url}: {source}")]
    Feed { url: String, source: FeedError },
    #[error("{0}")]
    Opml(#[from] OpmlError),
    #[error("{0}")]
    Extract(#[from] extract::ExtractError),
    #[error("{0}")]
    Images(#[from] images::ImageError),
    #[error("not a web address: {input}")]
    InvalidUrl { input: String },
    #[error("no feed found at {url}: the page links to no feed, and none of the usual feed addresses answered with one")]
    NoFeedFound { url: String },
    #[error("cannot use the library folder {path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("invalid setting: {message}")]
    InvalidSetting { message: String },
    #[error("internal error: {0}")]
    Internal(String),
}

impl LibraryError {
    /// A stable name for the kind of error, for scripts and the window.
    pub fn kind(&self) -> &'static str {
        match self {
            LibraryError::Store(e) => e.kind(),
            LibraryError::Fetch(e) => e.kind(),
            LibraryError::Feed { source, .. } => source.kind(),
            LibraryError::Opml(e) => e.kind(),
            LibraryError::Extract(e) => e.kind(),
            LibraryError::Images(e) => e.kind(),
            LibraryError::InvalidUrl { .. } => "invalid_url",
            LibraryError::NoFeedFound { .. } => "no_feed_found",
            LibraryError::Io { .. } => "io",
            LibraryError::InvalidSetting { .. } => "invalid_setting",
            LibraryError::Internal(_) => "internal",
        }
    }
}

type Result<T, E = LibraryError> = std::result::Result<T, E>;

/// The result of subscribing.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Subscription {
    #[serde(flatten)]
    pub feed: Feed,
    /// `false` when the feed was already in the library.
    pub created: bool,
}

/// A feed found for a site, before subscribing.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct FeedCandidate {
    pub url: String,
    pub title: Option<String>,
}

/// The file formats a story can be exported to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ExportFormat {
    Html,
    Markdown,
}

/// What an OPML import did.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct ImportReport {
    pub added: usize,
    pub already_subscribed: usize,
    /// Outlines whose address was not an http(s) URL.
    pub skipped: usize,
}

/// A library: one folder holding the database (and, later, cached pictures).
pub struct Library {
    dir: PathBuf,
    store: Arc<Store>,
    fetcher: Fetcher,
    images: std::sync::RwLock<ImageCache>,
}

impl Library {
    /// Opens the library in `dir`, creating the folder and the database if needed.
    pub fn open(dir: &Path, config: LibraryConfig) -> Result<Library> {
        std::fs::create_dir_all(dir).map_err(|source| LibraryError::Io {
            path: dir.to_path_buf(),
            source,
        })?;
        let store = Store::open(&dir.join(LIBRARY_FILE))?;
        let fetcher = Fetcher::new(config.fetch.clone())?;
        let budget = store.settings()?.image_budget_mb;
        let images = ImageCache::new(dir.join(IMAGES_DIR), u64::from(budget) * 1024 * 1024);
        Ok(Library {
            dir: dir.to_path_buf(),
            store: Arc::new(store),
            fetcher,
            images: std::sync::RwLock::new(images),
        })
    }

    /// The library folder.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The store underneath, for checks and benchmarks.
    pub fn store(&self) -> &Store {
        &self.store
    }

    async fn blocking<T: Send + 'static>(
        &self,
        f: impl FnOnce(&Store) -> Result<T, StoreError> + Send + 'static,
    ) -> Result<T> {
        let store = Arc::clone(&self.store);
        tokio::task::spawn_blocking(move || f(&store))
            .await
            .map_err(|e| LibraryError::Internal(e.to_string()))?
            .map_err(LibraryError::from)
    }

    // ----- subscribing -----

    /// Subscribes to a feed, given its address or a site's address (whose feed is found).
    /// Subscribing again to a feed already in the library returns it unchanged.
    pub async fn subscribe(&self, input: &str, folder: Option<&str>) -> Result<Subscription> {
        let url = parse_user_url(input)?;
        if let Some(feed) = self.existing_feed(url.as_str()).await? {
            return Ok(Subscription {
                feed,
                created: false,
            });
        }
        let found = self.find_feed(&url).await?;
        if let Some(feed) = self.existing_feed(found.url.as_str()).await? {
            return Ok(Subscription {
                feed,
                created: false,
            });
        }
        let now = Utc::now();
        let new = NewFeed {
            url: found.url.to_string(),
            folder: folder.map(str::to_string),
            meta: feed_meta(&found.parsed),
        };
        // Where the icon search starts, once the feed is stored.
        let (site_url, icon_url) = (new.meta.site_url.clone(), new.meta.icon_url.clone());
        let (feed_id, created) = self.blocking(move |s| s.add_feed(&new, now)).await?;
        if created {
            // The first fetch already has the items: store them now, so the new feed is not empty.
            let reach = Reach::of_origin(&found.url).await;
            let parsed = found.parsed;
            let (etag, last_modified, body_hash) =
                (found.etag, found.last_modified, found.body_hash);
            let mut update = tokio::task::spawn_blocking(move || {
                prepare_update(
                    feed_id,
                    parsed,
                    KnownItems::default(),
                    etag,
                    last_modified,
                    body_hash,
                    now,
                )
            })
            .await
            .map_err(|e| LibraryError::Internal(e.to_string()))?;
            if let FeedUpdate::Fetched { items, .. } = &mut update {
                let job = RefreshJob {
                    store: Arc::clone(&self.store),
                    fetcher: self.fetcher.clone(),
                };
                job.complete_stories(items, reach, false).await;
            }
            self.blocking(move |s| s.apply_updates(&[update])).await?;
            let due = IconDue {
                feed_id,
                feed_url: found.url.to_string(),
                site_url,
                icon_url,
            };
            let lookup = look_for_icon(
                Arc::clone(&self.store),
                self.fetcher.clone(),
                due,
                found.page_icons,
            );
            // The person waits on this: a slow icon server is left to the next
            // `update_icons` (a feed with no icon on record is due then).
            if tokio::time::timeout(ICON_AT_SUBSCRIBE, lookup)
                .await
                .is_err()
            {
                tracing::debug!(feed_id, "icon: left to the next update_icons");
            }
        }
        let feed = self.blocking(move |s| s.feed(feed_id)).await?;
        Ok(Subscription { feed, created })
    }

    /// The feeds a site offers (or the feed itself when given a feed's address), without subscribing.
    pub async fn discover(&self, input: &str) -> Result<Vec<FeedCandidate>> {
        let url = parse_user_url(input)?;
        let reach = Reach::of_origin(&url).await;
        let page = self.fetch_document(&url, reach).await?;
        if feed::looks_like_feed(&page.body, page.content_type.as_deref()) {
            let title = feed::parse_feed(
                &page.body,
                page.content_type.as_deref(),
                &page.final_url,
                Utc::now(),
            )
            .ok()
            .map(|f| f.title);
            return Ok(vec![FeedCandidate {
                url: page.final_url.to_string(),
                title,
            }]);
        }
        let html = String::from_utf8_lossy(&page.body);
        let mut found: Vec<FeedCandidate> = feed::discover_feed_links(&html, &page.final_url)
            .into_iter()
            .map(|l| FeedCandidate {
                url: l.url.to_string(),
                title: l.title,
            })
            .collect();
        if found.is_empty() {
            if let Ok(f) = self.find_feed(&url).await {
                found.push(FeedCandidate {
                    url: f.url.to_string(),
                    title: Some(f.parsed.title),
                });
            }
        }
        Ok(found)
    }

    async fn existing_feed(&self, url: &str) -> Result<Option<Feed>> {
        let url = url.to_string();
        self.blocking(move |s| match s.feed_id_by_url(&url)? {
            Some(id) => s.feed(id).map(Some),
            None => Ok(None),
        })
        .await
    }

    async fn fetch_document(&self, url: &Url, reach: Reach) -> Result<crate::fetch::FetchedBody> {
        let req = FetchRequest {
            url,
            kind: BodyKind::Feed,
            reach,
            etag: None,
            last_modified: None,
        };
        match self.fetcher.fetch(req).await? {
            FetchOutcome::Fetched(body) => Ok(body),
            // Without validators a server has no business answering 304.
            FetchOutcome::NotModified { .. } => Err(LibraryError::NoFeedFound {
                url: url.to_string(),
            }),
        }
    }

    /// Finds the feed behind a user's address: the address itself, the page's alternate
    /// links, then the usual paths.
    async fn find_feed(&self, url: &Url) -> Result<FoundFeed> {
        let reach = Reach::of_origin(url).await;
        let page = self.fetch_document(url, reach).await?;
        let now = Utc::now();
        if feed::looks_like_feed(&page.body, page.content_type.as_deref()) {
            return found_feed(page, now);
        }
        let html = String::from_utf8_lossy(&page.body);
        let mut candidates: Vec<Url> = feed::discover_feed_links(&html, &page.final_url)
            .into_iter()
            .map(|l| l.url)
            .collect();
        // The page is at hand: its icon links spare a second fetch of it for the feed's icon.
        let page_icons = icons::icon_links(&html, &page.final_url);
        for path in feed::COMMON_FEED_PATHS {
            if let Ok(u) = page.final_url.join(path) {
                candidates.push(u);
            }
        }
        let mut seen = HashSet::new();
        for candidate in candidates {
            if !seen.insert(candidate.clone()) || candidate == page.final_url {
                continue;
            }
            if !matches!(candidate.scheme(), "http" | "https") {
                continue;
            }
            // Candidates found in the page are content: they may reach only where the site is.
            match self.fetch_document(&candidate, reach).await {
                Ok(body) if feed::looks_like_feed(&body.body, body.content_type.as_deref()) => {
                    if let Ok(mut found) = found_feed(body, now) {
                        found.page_icons = Some(page_icons);
                        return Ok(found);
                    }
                }
                Ok(_) => {}
                Err(e) => tracing::debug!(url = %candidate, error = %e, "feed candidate failed"),
            }
        }
        Err(LibraryError::NoFeedFound {
            url: url.to_string(),
        })
    }

    // ----- refreshing -----

    /// Refreshes every feed (or one), reporting progress after each feed. A feed that fails
    /// gets its error recorded and the others go on.
    pub async fn refresh(
        &self,
        only: Option<FeedId>,
        progress: &(dyn Fn(RefreshProgress) + Send + Sync),
    ) -> Result<RefreshReport> {
        let states = self.blocking(move |s| s.feeds_to_refresh(only)).await?;
        let total = states.len();
        let mut report = RefreshReport {
            feeds: total,
            ..RefreshReport::default()
        };
        let mut done = 0usize;
        progress(RefreshProgress { done, total });
        let now = Utc::now();

        let mut pending = states.into_iter();
        let mut tasks: JoinSet<FeedUpdate> = JoinSet::new();
        let mut task_feed = std::collections::HashMap::new();
        let mut batch: Vec<FeedUpdate> = Vec::new();
        loop {
            while tasks.len() < REFRESH_TASKS {
                let Some(state) = pending.next() else { break };
                if let Some(until) = state.retry_after.filter(|t| *t > now) {
                    report.errors.push(RefreshError {
                        feed_id: state.id,
                        kind: "rate_limited".into(),
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
                };
                let handle = tasks.spawn(async move { job.refresh_feed(state).await });
                task_feed.insert(handle.id(), feed_id);
            }
            let Some(joined) = tasks.join_next_with_id().await else {
                break;
            };
            let update = match joined {
                Ok((_, update)) => update,
                Err(e) => FeedUpdate::Failed {
                    feed_id: task_feed.get(&e.id()).copied().unwrap_or_default(),
                    kind: "internal".into(),
                    message: format!("refresh stopped unexpectedly: {e}"),
                    retry_after: None,
                    at: Utc::now(),
                },
            };
            match &update {
                FeedUpdate::Fetched { .. } => report.refreshed += 1,
                FeedUpdate::NotModified { .. } => report.not_modified += 1,
                FeedUpdate::Failed {
                    feed_id,
                    kind,
                    message,
                    ..
                } => report.errors.push(RefreshError {
                    feed_id: *feed_id,
                    kind: kind.clone(),
                    message: message.clone(),
                }),
            }
            batch.push(update);
            done += 1;
            if batch.len() >= WRITE_BATCH || tasks.is_empty() {
                self.write_batch(std::mem::take(&mut batch), &mut report)
                    .await?;
            }
            progress(RefreshProgress { done, total });
        }
        if !batch.is_empty() {
            self.write_batch(batch, &mut report).await?;
        }
        if report.new_articles > 0 {
            self.blocking(|s| s.optimize()).await?;
        }
        Ok(report)
    }

    /// Looks for the feed icons that are due: never looked for, found over a week ago, or not
    /// found over a day ago, among the feeds whose last refresh succeeded (a feed whose server
    /// is down would only fail again). A few at a time, for at most [`ICON_PHASE`]; the rest
    /// wait for the next call. Returns how many icons were found. Never fails: an icon not
    /// found is recorded on its feed's icon row and logged.
    ///
    /// Separate from [`Library::refresh`] so that a window can show the new stories at once and
    /// fetch icons (and pictures, [`Library::cache_images`]) behind them.
    pub async fn update_icons(&self) -> usize {
        let now = Utc::now();
        let due = self
            .blocking(move |s| {
                s.icons_due(
                    now - TimeDelta::days(ICON_RECHECK_DAYS),
                    now - TimeDelta::days(ICON_RETRY_DAYS),
                )
            })
            .await;
        let due: Vec<IconDue> = match due {
            Ok(due) => due,
            Err(error) => {
                tracing::warn!(%error, "icons: cannot list the feeds due");
                return 0;
            }
        };
        let mut found = 0;
        let deadline = tokio::time::Instant::now() + ICON_PHASE;
        let mut pending = due.into_iter();
        let mut tasks = JoinSet::new();
        loop {
            while tasks.len() < ICON_TASKS {
                let Some(due) = pending.next() else { break };
                let (store, fetcher) = (Arc::clone(&self.store), self.fetcher.clone());
                tasks.spawn(look_for_icon(store, fetcher, due, None));
            }
            match tokio::time::timeout_at(deadline, tasks.join_next()).await {
                Ok(Some(Ok(true))) => found += 1,
                Ok(Some(Ok(false))) => {}
                Ok(Some(Err(error))) => tracing::warn!(%error, "icons: a task stopped"),
                Ok(None) => break,
                Err(_) => {
                    // Not recorded: the feeds still due are asked at the next call.
                    tracing::debug!(left = tasks.len() + pending.len(), "icons: out of time");
                    tasks.abort_all();
                    break;
                }
            }
        }
        found
    }

    async fn write_batch(&self, batch: Vec<FeedUpdate>, report: &mut RefreshReport) -> Result<()> {
        let counts = self.blocking(move |s| s.apply_updates(&batch)).await?;
        for c in counts {
            report.new_articles += c.new_articles;
            report.updated_articles += c.updated_articles;
        }
        Ok(())
    }

    // ----- any page as an article -----

    /// Opens any web page as an article of no feed: fetched, the story extracted, sanitized and
    /// kept. Opening the same address again returns the stored article. `from` is the article
    /// whose link was followed: the page may reach only the kinds of addresses that article's
    /// source lives on.
    pub async fn open_link(&self, input: &str, from: Option<ArticleId>) -> Result<Article> {
        let url = parse_user_url(input)?;
        let mut page_url = url.clone();
        page_url.set_fragment(None);
        if let Some(id) = self.stored_article_for(page_url.as_str()).await? {
            return self.article(id).await;
        }
        let origin = match from {
            Some(id) => self.article_origin(id).await?,
            None => page_url.clone(),
        };
        let reach = Reach::of_origin(&origin).await;
        let body = match self
            .fetcher
            .fetch(FetchRequest {
                url: &page_url,
                kind: BodyKind::Page,
                reach,
                etag: None,
                last_modified: None,
            })
            .await?
        {
            FetchOutcome::Fetched(body) => body,
            FetchOutcome::NotModified { .. } => {
                return Err(LibraryError::Internal(format!(
                    "{page_url}: the server answered 304 to a plain request"
                )))
            }
        };
        let mut final_url = body.final_url.clone();
        final_url.set_fragment(None);
        if final_url != page_url {
            if let Some(id) = self.stored_article_for(final_url.as_str()).await? {
                return self.article(id).await;
            }
        }
        let now = Utc::now();
        let article = tokio::task::spawn_blocking(move || {
            let html = extract::decode_html(&body.body, body.content_type.as_deref());
            let story = extract::extract_article(&html, &final_url)?;
            Ok::<_, LibraryError>(page_article(story, &final_url, now))
        })
        .await
        .map_err(|e| LibraryError::Internal(e.to_string()))??;
        let (id, _) = self
            .blocking(move |s| s.add_page_article(&article, now))
            .await?;
        // Only this story's pictures: the person is waiting for it, not for the library's.
        self.cache_images_of(id).await?;
        self.article(id).await
    }

    async fn stored_article_for(&self, url: &str) -> Result<Option<ArticleId>> {
        let url = url.to_string();
        self.blocking(move |s| s.article_id_by_url(&url)).await
    }

    /// Where an article came from: its feed's address, else its own.
    async fn article_origin(&self, id: ArticleId) -> Result<Url> {
        let article = self.article(id).await?;
        let feed_url = match article.summary.feed_id {
            Some(feed) => Some(self.blocking(move |s| s.feed(feed)).await?.url),
            None => None,
        };
        feed_url
            .or(article.summary.url)
            .and_then(|u| Url::parse(&u).ok())
            .ok_or_else(|| LibraryError::InvalidUrl {
                input: format!("article {id} has no address"),
            })
    }

    // ----- reading -----

    /// Every feed, with unread counts and health.
    pub async fn feeds(&self) -> Result<Vec<Feed>> {
        self.blocking(|s| s.feeds()).await
    }

    /// Every folder.
    pub async fn folders(&self) -> Result<Vec<Folder>> {
        self.blocking(|s| s.folders()).await
    }

    /// A page of articles, newest first (best match first when searching).
    pub async fn articles(&self, query: ArticleQuery) -> Result<Vec<ArticleSummary>> {
        self.blocking(move |s| s.articles(&query)).await
    }

    /// One whole article, with its pictures and whether each is in the library.
    pub async fn article(&self, id: ArticleId) -> Result<Article> {
        let images = self.image_cache();
        let store = Arc::clone(&self.store);
        tokio::task::spawn_blocking(move || {
            let mut article = store.article(id)?;
            article.images = images.article_images(&store, id)?;
            if article.images.is_empty() {
                // Not fetched yet: list them as not cached.
                article.images = store
                    .article_image_urls(id)?
                    .into_iter()
                    .map(|url| crate::model::ArticleImage { url, cached: false })
                    .collect();
            }
            Ok::<_, LibraryError>(article)
        })
        .await
        .map_err(|e| LibraryError::Internal(e.to_string()))?
    }

    /// Marks an article read or unread.
    pub async fn set_read(&self, id: ArticleId, read: bool) -> Result<()> {
        self.blocking(move |s| s.set_read(id, read, Utc::now()))
            .await
    }

    /// Bookmarks an article, or removes its bookmark.
    pub async fn set_bookmarked(&self, id: ArticleId, on: bool) -> Result<()> {
        self.blocking(move |s| s.set_bookmarked(id, on, Utc::now()))
            .await
    }

    /// Marks all articles (of one feed, or everywhere) read; returns how many changed.
    pub async fn mark_all_read(&self, feed: Option<FeedId>) -> Result<usize> {
        self.blocking(move |s| s.mark_all_read(feed, Utc::now()))
            .await
    }

    /// Renames a feed (`None` restores the feed's own title).
    pub async fn rename_feed(&self, id: FeedId, title: Option<String>) -> Result<()> {
        self.blocking(move |s| s.rename_feed(id, title.as_deref()))
            .await
    }

    /// Moves a feed to a folder, or out of folders.
    pub async fn move_feed(&self, id: FeedId, folder: Option<String>) -> Result<()> {
        self.blocking(move |s| s.set_feed_folder(id, folder.as_deref()))
            .await
    }

    /// Sets "always fetch the full story" for a feed.
    pub async fn set_full_story(&self, id: FeedId, on: bool) -> Result<()> {
        self.blocking(move |s| s.set_full_story(id, on)).await
    }

    /// Unsubscribes; bookmarked articles stay in the library.
    pub async fn unsubscribe(&self, id: FeedId) -> Result<()> {
        self.blocking(move |s| s.delete_feed(id)).await
    }

    /// Removes read, unbookmarked articles older than the retention period. Returns how many.
    pub async fn prune(&self) -> Result<usize> {
        let days = self.settings().await?.retention_days;
        let cutoff = Utc::now() - TimeDelta::days(i64::from(days));
        let pruned = self.blocking(move |s| s.prune(cutoff)).await?;
        let images = self.image_cache();
        let store = Arc::clone(&self.store);
        tokio::task::spawn_blocking(move || images.enforce_budget(&store))
            .await
            .map_err(|e| LibraryError::Internal(e.to_string()))??;
        Ok(pruned)
    }

    /// The user's settings.
    pub async fn settings(&self) -> Result<Settings> {
        self.blocking(|s| s.settings()).await
    }

    /// Saves the user's settings (brought into range); returns what was saved.
    pub async fn save_settings(&self, settings: Settings) -> Result<Settings> {
        let saved = self.blocking(move |s| s.save_settings(settings)).await?;
        let budget = u64::from(saved.image_budget_mb) * 1024 * 1024;
        if let Ok(mut images) = self.images.write() {
            if images.budget_bytes() != budget {
                *images = ImageCache::new(self.dir.join(IMAGES_DIR), budget);
            }
        }
        Ok(saved)
    }

    fn image_cache(&self) -> ImageCache {
        match self.images.read() {
            Ok(images) => images.clone(),
            Err(poisoned) => poisoned.into_inner().clone(),
        }
    }

    // ----- pictures -----

    /// Fetches the pictures of every stored story that has not had them fetched yet, newest
    /// stories first, so the stories read completely offline. Returns how many pictures were
    /// added.
    pub async fn cache_images(&self) -> Result<usize> {
        self.cache_images_each(&|_| {}).await
    }

    /// [`Library::cache_images`], calling `after_batch` with the pictures added by each batch of
    /// stories, so a window can show them as they come rather than after the last one.
    pub async fn cache_images_each(
        &self,
        after_batch: &(dyn Fn(usize) + Send + Sync),
    ) -> Result<usize> {
        let mut added = 0;
        loop {
            let pending = self.blocking(|s| s.pending_images(64)).await?;
            if pending.is_empty() {
                break;
            }
            let mut batch = 0;
            let mut tasks = JoinSet::new();
            let mut pending = pending.into_iter();
            loop {
                while tasks.len() < IMAGE_TASKS {
                    let Some(p) = pending.next() else { break };
                    let (store, fetcher, images) = (
                        Arc::clone(&self.store),
                        self.fetcher.clone(),
                        self.image_cache(),
                    );
                    tasks.spawn(async move { cache_pictures_of(store, fetcher, images, p).await });
                }
                match tasks.join_next().await {
                    Some(Ok(n)) => batch += n,
                    Some(Err(e)) => tracing::warn!(error = %e, "picture task stopped"),
                    None => break,
                }
            }
            added += batch;
            after_batch(batch);
        }
        Ok(added)
    }

    /// Fetches the pictures of one story if they have not been fetched yet.
    async fn cache_images_of(&self, id: ArticleId) -> Result<usize> {
        let Some(pending) = self.blocking(move |s| s.pending_images_of(id)).await? else {
            return Ok(0);
        };
        let (store, fetcher, images) = (
            Arc::clone(&self.store),
            self.fetcher.clone(),
            self.image_cache(),
        );
        Ok(cache_pictures_of(store, fetcher, images, pending).await)
    }

    /// The bytes and MIME type of a cached picture or a feed icon, for the window's image scheme.
    pub async fn image(&self, token: String) -> Result<Option<(String, Vec<u8>)>> {
        let images = self.image_cache();
        let store = Arc::clone(&self.store);
        tokio::task::spawn_blocking(move || match images.read(&store, &token)? {
            Some(found) => Ok(Some(found)),
            None => Ok(store.feed_icon(&token)?),
        })
        .await
        .map_err(|e| LibraryError::Internal(e.to_string()))?
    }

    /// One article as a file to keep: self-contained HTML (pictures inlined) or Markdown.
    pub async fn export_article(&self, id: ArticleId, format: ExportFormat) -> Result<String> {
        let article = self.article(id).await?;
        let images = self.image_cache();
        let store = Arc::clone(&self.store);
        tokio::task::spawn_blocking(move || match format {
            ExportFormat::Markdown => export::export_markdown(&article),
            ExportFormat::Html => {
                let lookup = |url: &str| {
                    images
                        .read(&store, &images::image_token(url))
                        .ok()
                        .flatten()
                };
                export::export_html(&article, &lookup)
            }
        })
        .await
        .map_err(|e| LibraryError::Internal(e.to_string()))
    }

    /// An article as the window shows it: pictures from the library, nothing remote.
    pub async fn article_for_display(&self, id: ArticleId) -> Result<ArticleView> {
        let mut article = self.article(id).await?;
        let images = self.image_cache();
        let store = Arc::clone(&self.store);
        let html = std::mem::take(&mut article.html);
        let lead = article.lead_image.take();
        let (html, lead) = tokio::task::spawn_blocking(move || {
            let tokens = images.tokens_for_article(&store, id)?;
            let html = images::rewrite_image_urls(&html, &tokens);
            let lead = lead.and_then(|u| tokens.get(&u).map(|t| images::image_src(t)));
            Ok::<_, LibraryError>((html, lead))
        })
        .await
        .map_err(|e| LibraryError::Internal(e.to_string()))??;
        article.html = html;
        article.lead_image = lead;
        let words = article.text.split_whitespace().count();
        Ok(ArticleView {
            article,
            reading_minutes: u32::try_from(words.div_ceil(230))
                .unwrap_or(u32::MAX)
                .max(1),
        })
    }

    // ----- OPML -----

    /// Subscribes to every feed of an OPML document, keeping its folders. Feeds are fetched
    /// at the next refresh.
    pub async fn import_opml(&self, text: &str) -> Result<ImportReport> {
        let outlines = opml::parse_opml(text)?;
        self.blocking(move |s| {
            let mut report = ImportReport::default();
            let now = Utc::now();
            for o in outlines {
                let url = match Url::parse(o.xml_url.trim()) {
                    Ok(u) if matches!(u.scheme(), "http" | "https") => u,
                    _ => {
                        report.skipped += 1;
                        continue;
                    }
                };
                let new = NewFeed {
                    url: url.to_string(),
                    folder: o.folder,
                    meta: FeedMeta {
                        title: o.title,
                        site_url: o
                            .html_url
                            .and_then(|h| Url::parse(&h).ok())
                            .filter(|u| matches!(u.scheme(), "http" | "https"))
                            .map(|u| u.to_string()),
                        ..FeedMeta::default()
                    },
                };
                if s.add_feed(&new, now)?.1 {
                    report.added += 1;
                } else {
                    report.already_subscribed += 1;
                }
            }
            Ok(report)
        })
        .await
    }

    /// The subscriptions as an OPML 2.0 document, with folders.
    pub async fn export_opml(&self) -> Result<String> {
        let feeds = self.feeds().await?;
        Ok(opml::write_opml(&feeds, Utc::now()))
    }
}

/// Looks for one feed's icon and records what was found. Never fails: a feed without an icon
/// keeps its monogram, and the reason is logged at debug level and kept on the icon row.
async fn look_for_icon(
    store: Arc<Store>,
    fetcher: Fetcher,
    due: IconDue,
    page_icons: Option<Vec<Url>>,
) -> bool {
    let Ok(feed_url) = Url::parse(&due.feed_url) else {
        return false;
    };
    let sources = IconSources {
        site_url: due.site_url.as_deref().and_then(|u| Url::parse(u).ok()),
        feed_icon: due.icon_url.as_deref().and_then(|u| Url::parse(u).ok()),
        feed_url: Some(feed_url.clone()),
        page_icons,
    };
    // The feed named these addresses: they may reach only where the feed itself lives.
    let reach = Reach::of_origin(&feed_url).await;
    let feed_id = due.feed_id;
    let lookup = match icons::find_icon(&fetcher, &sources, reach).await {
        Ok(found) => IconLookup::Found {
            token: icons::icon_token(feed_id, &found.data),
            url: found.url.to_string(),
            mime: found.mime.to_string(),
            data: found.data,
        },
        Err(error) => {
            tracing::debug!(feed_id, kind = error.kind(), %error, "feed icon not found");
            IconLookup::Missing {
                kind: error.kind().to_string(),
                message: error.to_string(),
            }
        }
    };
    let found = matches!(lookup, IconLookup::Found { .. });
    let saved =
        tokio::task::spawn_blocking(move || store.save_feed_icon(feed_id, &lookup, Utc::now()))
            .await;
    match saved {
        Ok(Ok(())) => found,
        Ok(Err(error)) => {
            tracing::warn!(feed_id, %error, "feed icon not recorded");
            false
        }
        Err(error) => {
            tracing::warn!(feed_id, %error, "feed icon not recorded");
            false
        }
    }
}

/// Fetches one story's pictures; whatever fails is recorded on the picture, never raised.
async fn cache_pictures_of(
    store: Arc<Store>,
    fetcher: Fetcher,
    images: ImageCache,
    pending: PendingImages,
) -> usize {
    let urls: Vec<Url> = pending
        .images
        .iter()
        .filter_map(|u| Url::parse(u).ok())
        .collect();
    let mut added = 0;
    if !urls.is_empty() {
        let reach = match pending.origin.as_deref().and_then(|o| Url::parse(o).ok()) {
            Some(origin) => Reach::of_origin(&origin).await,
            None => Reach::PUBLIC,
        };
        match images
            .cache_article_images(&store, &fetcher, pending.article_id, &urls, reach)
            .await
        {
            Ok(report) => added = report.cached,
            Err(e) => {
                tracing::warn!(article = pending.article_id, error = %e, "pictures not cached")
            }
        }
    }
    let id = pending.article_id;
    if let Err(e) = tokio::task::spawn_blocking(move || store.set_images_done(id)).await {
        tracing::warn!(article = id, error = %e, "could not record pictures as fetched");
    }
    added
}

/// A user's address as a URL: a bare `example.com` means `https://example.com/`.
fn parse_user_url(input: &str) -> Result<Url> {
    let trimmed = input.trim();
    let invalid = || LibraryError::InvalidUrl {
        input: input.to_string(),
    };
    if trimmed.is_empty() || trimmed.chars().any(char::is_whitespace) {
        return Err(invalid());
    }
    let with_scheme = if trimmed.contains("://") {
        trimmed.to_string()
    } else {
        format!("https://{trimmed}")
    };
    let url = Url::parse(&with_scheme).map_err(|_| invalid())?;
    if !matches!(url.scheme(), "http" | "https") || url.host_str().is_none() {
        return Err(invalid());
    }
    Ok(url)
}

struct FoundFeed {
    url: Url,
    parsed: ParsedFeed,
    /// Icon links of the page the feed was discovered from, if it was a page.
    page_icons: Option<Vec<Url>>,
    etag: Option<String>,
    last_modified: Option<String>,
    body_hash: String,
}

fn found_feed(body: crate::fetch::FetchedBody, now: DateTime<Utc>) -> Result<FoundFeed> {
    let parsed = feed::parse_feed(
        &body.body,
        body.content_type.as_deref(),
        &body.final_url,
        now,
    )
    .map_err(|source| LibraryError::Feed {
        url: body.final_url.to_string(),
        source,
    })?;
    Ok(FoundFeed {
        body_hash: hash_hex(&body.body),
        url: body.final_url,
        page_icons: None,
        parsed,
        etag: body.etag,
        last_modified: body.last_modified,
    })
}

fn hash_hex(bytes: &[u8]) -> String {
    let digest = Sha256::digest(bytes);
    digest[..16].iter().map(|b| format!("{b:02x}")).collect()
}

/// What a refresh task needs, owned, so it can run on its own.
struct RefreshJob {
    store: Arc<Store>,
    fetcher: Fetcher,
}

impl RefreshJob {
    /// Fetches and parses one feed; whatever happens becomes a `FeedUpdate` for that feed alone.
    async fn refresh_feed(self, state: FeedFetchState) -> FeedUpdate {
        let feed_id = state.id;
        let failed =
            |kind: &str, message: String, retry_after: Option<DateTime<Utc>>| FeedUpdate::Failed {
                feed_id,
                kind: kind.to_string(),
                message,
                retry_after,
                at: Utc::now(),
            };
        let url = match Url::parse(&state.url) {
            Ok(u) => u,
            Err(e) => return failed("invalid_url", format!("{}: {e}", state.url), None),
        };
        let reach = Reach::of_origin(&url).await;
        let req = FetchRequest {
            url: &url,
            kind: BodyKind::Feed,
            reach,
            etag: state.etag.as_deref(),
            last_modified: state.last_modified.as_deref(),
        };
        let body = match self.fetcher.fetch(req).await {
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
        let body_hash = hash_hex(&body.body);
        if state.body_hash.as_deref() == Some(body_hash.as_str()) {
            return FeedUpdate::NotModified {
                feed_id,
                etag: body.etag,
                last_modified: body.last_modified,
                at,
            };
        }
        let store = Arc::clone(&self.store);
        let work = tokio::task::spawn_blocking(move || {
            let known = match store.known_items(feed_id) {
                Ok(k) => k,
                Err(e) => return Err(("library", e.to_string())),
            };
            let parsed = feed::parse_feed(
                &body.body,
                body.content_type.as_deref(),
                &body.final_url,
                at,
            )
            .map_err(|e| (e.kind(), format!("{}: {e}", body.final_url)))?;
            Ok(prepare_update(
                feed_id,
                parsed,
                known,
                body.etag,
                body.last_modified,
                body_hash,
                at,
            ))
        })
        .await;
        match work {
            Ok(Ok(mut update)) => {
                if let FeedUpdate::Fetched { items, .. } = &mut update {
                    self.complete_stories(items, reach, state.full_story).await;
                }
                update
            }
            Ok(Err((kind, message))) => failed(kind, message, None),
            Err(e) => failed(
                "internal",
                format!("{}: reading the feed failed unexpectedly ({e})", state.url),
                None,
            ),
        }
    }
}

impl RefreshJob {
    /// Replaces teasers with the story from the linked page; a page that fails keeps its teaser.
    async fn complete_stories(&self, items: &mut [NewArticle], reach: Reach, always: bool) {
        let mut pages = JoinSet::new();
        for (index, item) in items.iter().enumerate() {
            if !(always || is_teaser(&item.text)) {
                continue;
            }
            let Some(url) = item.url.as_deref().and_then(|u| Url::parse(u).ok()) else {
                continue;
            };
            let fetcher = self.fetcher.clone();
            pages.spawn(async move {
                let body = match fetcher
                    .fetch(FetchRequest {
                        url: &url,
                        kind: BodyKind::Page,
                        reach,
                        etag: None,
                        last_modified: None,
                    })
                    .await
                {
                    Ok(FetchOutcome::Fetched(body)) => body,
                    Ok(FetchOutcome::NotModified { .. }) => return None,
                    Err(e) => {
                        tracing::debug!(url = %url, error = %e, "full story: page not fetched");
                        return None;
                    }
                };
                tokio::task::spawn_blocking(move || {
                    let html = extract::decode_html(&body.body, body.content_type.as_deref());
                    match extract::extract_article(&html, &body.final_url) {
                        Ok(story) => Some((index, story, body.final_url)),
                        Err(e) => {
                            tracing::debug!(url = %body.final_url, error = %e, "full story: not extracted");
                            None
                        }
                    }
                })
                .await
                .ok()
                .flatten()
            });
        }
        let mut stories = Vec::new();
        while let Some(joined) = pages.join_next().await {
            if let Ok(Some(found)) = joined {
                stories.push(found);
            }
        }
        if stories.is_empty() {
            return;
        }
        // Sanitizing is CPU work: off the async threads.
        let mut owned: Vec<NewArticle> = items.to_vec();
        let done = tokio::task::spawn_blocking(move || {
            for (index, story, page_url) in stories {
                if let Some(item) = owned.get_mut(index) {
                    apply_story(item, story, &page_url);
                }
            }
            owned
        })
        .await;
        if let Ok(done) = done {
            for (slot, item) in items.iter_mut().zip(done) {
                *slot = item;
            }
        }
    }
}

/// Turns a parsed feed into what the store keeps, sanitizing only new or changed items.
fn prepare_update(
    feed_id: FeedId,
    parsed: ParsedFeed,
    known: KnownItems,
    etag: Option<String>,
    last_modified: Option<String>,
    body_hash: String,
    at: DateTime<Utc>,
) -> FeedUpdate {
    let mut seen = HashSet::new();
    let mut items = Vec::new();
    let meta = feed_meta(&parsed);
    for item in parsed.items {
        // A feed that repeats a guid: the first copy wins, every time.
        if known.pruned.contains(&item.key) || !seen.insert(item.key.clone()) {
            continue;
        }
        let source_hash = item_hash(&item);
        if known.hashes.get(&item.key) == Some(&source_hash) {
            continue;
        }
        items.push(prepare_article(item, source_hash));
    }
    FeedUpdate::Fetched {
        feed_id,
        meta,
        etag,
        last_modified,
        body_hash,
        items,
        at,
    }
}

/// What a feed says of itself, as the store keeps it.
fn feed_meta(parsed: &ParsedFeed) -> FeedMeta {
    FeedMeta {
        title: parsed.title.clone(),
        site_url: parsed.site_url.as_ref().map(Url::to_string),
        description: parsed.description.clone(),
        icon_url: parsed.icon_url.as_ref().map(Url::to_string),
    }
}

/// A hash of everything of an item that we show, to tell an edit from a repeat.
fn item_hash(item: &ParsedItem) -> String {
    let mut h = Sha256::new();
    for part in [
        item.url.as_ref().map(Url::as_str),
        Some(item.title.as_str()),
        item.author.as_deref(),
        item.summary_html.as_deref(),
        item.content_html.as_deref(),
    ] {
        h.update(part.unwrap_or("").as_bytes());
        h.update([0u8]);
    }
    h.finalize()[..16]
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

fn cut_at_char_boundary(s: &str, max: usize) -> &str {
    if s.len() <= max {
        return s;
    }
    let mut end = max;
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    &s[..end]
}

fn prepare_article(item: ParsedItem, source_hash: String) -> NewArticle {
    let raw = item
        .content_html
        .as_deref()
        .or(item.summary_html.as_deref())
        .unwrap_or("");
    let cut = cut_at_char_boundary(raw, MAX_ITEM_HTML);
    let mut images = Vec::new();
    let (html, text) = match sanitize::sanitize_article_html(cut, &item.base_url) {
        Ok(clean) => {
            images = clean.images.iter().map(Url::to_string).collect();
            let mut html = clean.html;
            if cut.len() < raw.len() {
                html.push_str("<p><em>This story was too long to keep whole; open the original to read the rest.</em></p>");
            }
            let text = sanitize::html_to_text(&html);
            (html, text)
        }
        Err(e) => {
            let note = format!(
                "Broadsheet did not keep this story's text ({e}). Open the original to read it."
            );
            (
                format!("<p><em>{}</em></p>", sanitize::escape_html(&note)),
                note,
            )
        }
    };
    // The excerpt is text only, so the summary needs no sanitizing pass of its own: the text
    // extraction drops scripts and the like, and guards against hostile nesting itself.
    let summary_text = match (&item.content_html, &item.summary_html) {
        (Some(_), Some(summary)) => Some(sanitize::html_to_text(cut_at_char_boundary(
            summary,
            MAX_ITEM_HTML,
        ))),
        _ => None,
    };
    let excerpt = sanitize::excerpt(
        summary_text
            .as_deref()
            .filter(|t| !t.trim().is_empty())
            .unwrap_or(&text),
        EXCERPT_CHARS,
    );
    NewArticle {
        key: item.key,
        url: item.url.map(|u| u.to_string()),
        title: item.title,
        author: item.author,
        published: item.published,
        updated: item.updated,
        html,
        text,
        excerpt,
        source_hash,
        site_name: None,
        lead_image: None,
        related: Vec::new(),
        images,
    }
}

/// An extracted page as a storable article.
fn page_article(story: ExtractedArticle, page_url: &Url, now: DateTime<Utc>) -> NewArticle {
    let mut article = NewArticle {
        key: page_url.to_string(),
        url: Some(page_url.to_string()),
        title: story.title.clone(),
        author: story.byline.clone(),
        published: story.published.filter(|p| *p <= now).unwrap_or(now),
        updated: None,
        html: String::new(),
        text: String::new(),
        excerpt: String::new(),
        source_hash: String::new(),
        site_name: None,
        lead_image: None,
        related: Vec::new(),
        images: Vec::new(),
    };
    apply_story(&mut article, story, page_url);
    if article.title.trim().is_empty() {
        article.title = page_url.to_string();
    }
    article.source_hash = hash_hex(article.html.as_bytes());
    article
}

/// Puts an extracted story into an article, sanitized against the page's address.
fn apply_story(article: &mut NewArticle, story: ExtractedArticle, page_url: &Url) {
    let (html, images) = match sanitize::sanitize_article_html(&story.content_html, page_url) {
        Ok(clean) => (clean.html, clean.images),
        Err(e) => {
            let note = format!(
                "Broadsheet did not keep this story's text ({e}). Open the original to read it."
            );
            (
                format!("<p><em>{}</em></p>", sanitize::escape_html(&note)),
                Vec::new(),
            )
        }
    };
    article.text = sanitize::html_to_text(&html);
    article.html = html;
    article.images = images.iter().map(Url::to_string).collect();
    if let Some(lead) = &story.lead_image {
        if !article.images.iter().any(|i| i == lead.as_str()) {
            article.images.insert(0, lead.to_string());
        }
    }
    let excerpt_source = story
        .excerpt
        .as_deref()
        .filter(|e| !e.trim().is_empty())
        .unwrap_or(&article.text);
    article.excerpt = sanitize::excerpt(excerpt_source, EXCERPT_CHARS);
    if article.author.is_none() {
        article.author = story.byline;
    }
    article.site_name = story.site_name;
    article.lead_image = story.lead_image.map(|u| u.to_string());
    article.related = story
        .related
        .into_iter()
        .map(|r| RelatedLink {
            title: r.title,
            url: r.url.to_string(),
        })
        .collect();
}

/// Shorter than this, a feed item's text is a teaser, not the story.
const TEASER_CHARS: usize = 500;

/// Whether a feed item carries only a teaser of its story.
fn is_teaser(text: &str) -> bool {
    let t = text.trim_end();
    let lower_tail: String = t
        .chars()
        .rev()
        .take(40)
        .collect::<Vec<_>>()
        .into_iter()
        .rev()
        .collect::<String>()
        .to_lowercase();
    t.chars().count() < TEASER_CHARS
        || t.ends_with('…')
        || t.ends_with("...")
        || t.ends_with("[…]")
        || t.ends_with("[...]")
        || lower_tail.ends_with("read more")
        || lower_tail.ends_with("continue reading")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn item(summary: Option<&str>, content: Option<&str>) -> ParsedItem {
        ParsedItem {
            key: "k".into(),
            url: None,
            title: "T".into(),
            author: None,
            published: Utc::now(),
            updated: None,
            summary_html: summary.map(str::to_owned),
            content_html: content.map(str::to_owned),
            base_url: Url::parse("https://news.example/a/").unwrap(),
            enclosures: vec![],
        }
    }

    // A feed's summary is its own excerpt of the story; only its text is kept, never markup or
    // script, whatever the summary holds.
    #[test]
    fn the_excerpt_is_the_summary_as_text_when_the_item_has_both() {
        let article = prepare_article(
            item(
                Some(
                    "<p>The <b>short</b> version.<script>alert('x')</script><style>p{}</style></p>",
                ),
                Some("<p>The whole story, much longer.</p>"),
            ),
            String::new(),
        );
        assert_eq!(article.excerpt, "The short version.");
        assert!(article.html.contains("The whole story"));
        let only_content =
            prepare_article(item(None, Some("<p>Just <i>this</i>.</p>")), String::new());
        assert_eq!(only_content.excerpt, "Just this.");
        // A summary that is nothing but markup falls back to the story's text.
        let empty = prepare_article(
            item(Some("<img src=x>"), Some("<p>Body.</p>")),
            String::new(),
        );
        assert_eq!(empty.excerpt, "Body.");
    }

    #[test]
    fn a_bare_site_address_means_https() {
        assert_eq!(
            parse_user_url(" example.com ").unwrap().as_str(),
            "https://example.com/"
        );
        assert_eq!(
            parse_user_url("http://127.0.0.1:8080/feed.xml")
                .unwrap()
                .as_str(),
            "http://127.0.0.1:8080/feed.xml"
        );
    }

    #[test]
    fn addresses_that_are_not_web_addresses_are_refused() {
        for bad in [
            "",
            "javascript:alert(1)",
            "file:///etc/passwd",
            "ftp://x.example/f",
            "two words",
        ] {
            assert_eq!(
                parse_user_url(bad).unwrap_err().kind(),
                "invalid_url",
                "{bad}"
            );
        }
    }

    #[test]
    fn cutting_never_splits_a_character() {
        assert_eq!(cut_at_char_boundary("aé", 2), "a");
        assert_eq!(cut_at_char_boundary("abc", 10), "abc");
    }
}
