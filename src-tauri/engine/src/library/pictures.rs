//! Pictures and icons: the stories' pictures kept for offline reading, the feeds' icons, and
//! what follows a refresh or a subscription ([`Library::follow_up`]), decided here once for
//! the window and the command line.
//!
//! Owns the order and the pace (a few stories or feeds at a time, icons within a time budget).
//! Never fails a refresh or a subscription: a picture or an icon that cannot be had is recorded
//! on its row and logged. Never checks image bytes or rewrites HTML itself (that is `images`
//! and `icons`) and never writes SQL.

use std::sync::Arc;

use chrono::{Duration as TimeDelta, Utc};
use serde::{Deserialize, Serialize};
use tokio::task::JoinSet;
use url::Url;

use super::{Library, Result};
use crate::fetch::{Fetcher, Reach};
use crate::icons::{self, IconSources};
use crate::images::ImageCache;
use crate::model::ArticleId;
use crate::store::{IconDue, IconLookup, PendingImages, Store};

/// Stories whose pictures are fetched at once (each fetches up to 4 pictures at a time).
const IMAGE_TASKS: usize = 4;

/// A found icon is looked for again after this long: icons change rarely.
const ICON_RECHECK_DAYS: i64 = 7;

/// A feed whose icon was not found is asked again after this long, not at every refresh.
const ICON_RETRY_DAYS: i64 = 1;

/// Feeds whose icon is looked for at once (the fetcher bounds the requests further).
const ICON_TASKS: usize = 8;

/// Longest one `update_icons` spends; the icons still due wait for the next call.
const ICON_PHASE: std::time::Duration = std::time::Duration::from_secs(15);

/// What a [`Library::follow_up`] added: the whole run's totals, or one stage's share.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FollowUp {
    /// Stories of new subscriptions finished (their full text taken from their pages).
    pub stories: usize,
    /// Feed icons found.
    pub icons: usize,
    /// Pictures saved for offline reading.
    pub pictures: usize,
}

impl Library {
    /// What follows a refresh or a subscription, behind the new stories: new subscriptions'
    /// full stories and icons, the other feeds' icons that are due, then the pictures of every
    /// story that has not had them fetched, newest first. `tell` hears each stage's share as it
    /// comes (the stories and icons once, the pictures after each batch of stories), so a window
    /// can show them at once. Returns the totals.
    pub async fn follow_up(&self, tell: &(dyn Fn(FollowUp) + Send + Sync)) -> Result<FollowUp> {
        let (stories, new_icons) = self.finish_subscriptions().await;
        let icons = new_icons + self.update_icons().await;
        tell(FollowUp {
            stories,
            icons,
            pictures: 0,
        });
        let pictures = self
            .cache_images_each(&|pictures| {
                tell(FollowUp {
                    pictures,
                    ..FollowUp::default()
                })
            })
            .await?;
        Ok(FollowUp {
            stories,
            icons,
            pictures,
        })
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
    pub(super) async fn cache_images_of(&self, id: ArticleId) -> Result<usize> {
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
        .await?
    }
}

/// Looks for one feed's icon and records what was found. Never fails: a feed without an icon
/// keeps its monogram, and the reason is logged at debug level and kept on the icon row.
pub(super) async fn look_for_icon(
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
    let reach = Reach::of_subscription(&feed_url, due.local_network);
    let feed_id = due.feed_id;
    let lookup = match icons::find_icon(&fetcher, &sources, reach).await {
        Ok(found) => IconLookup::Found {
            token: icons::icon_token(feed_id, &found.data),
            url: found.url.to_string(),
            mime: found.mime.to_string(),
            data: found.data,
        },
        Err(error) => {
            tracing::debug!(feed_id, kind = %error.kind(), %error, "feed icon not found");
            IconLookup::Missing {
                kind: error.kind(),
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
            Some(origin) => Reach::of_subscription(&origin, pending.local_network),
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
