//! Subscribing: finding a site's feed (discovery), adding it with its first items, and OPML
//! import and export.
//!
//! Owns the order: find the feed, store it, then its items through the same step a refresh
//! uses (`steps::feed_update`). Never parses a feed or a page itself (that is `feed`) and never
//! decides what an item becomes (that is `process`).

use std::collections::HashSet;
use std::sync::Arc;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use url::Url;

use super::{parse_user_url, pictures, steps, Library, LibraryError, Result};
use crate::feed::{self, ParsedFeed};
use crate::fetch::{BodyKind, FetchOutcome, FetchRequest, FetchedBody, Reach};
use crate::icons;
use crate::model::Feed;
use crate::opml;
use crate::process::{self, FetchedFeed};
use crate::store::{FeedMeta, IconDue, KnownItems, NewFeed};

/// How long subscribing waits for the new feed's icon.
const ICON_AT_SUBSCRIBE: std::time::Duration = std::time::Duration::from_secs(3);

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

/// What an OPML import did.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct ImportReport {
    pub added: usize,
    pub already_subscribed: usize,
    /// Outlines whose address was not an http(s) URL.
    pub skipped: usize,
}

/// A feed found behind a user's address, fetched and parsed.
struct FoundFeed {
    url: Url,
    parsed: ParsedFeed,
    /// Icon links of the page the feed was discovered from, if it was a page.
    page_icons: Option<Vec<Url>>,
    etag: Option<String>,
    last_modified: Option<String>,
    body_hash: String,
}

impl Library {
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
            meta: process::feed_meta(&found.parsed),
        };
        // Where the icon search starts, once the feed is stored.
        let (site_url, icon_url) = (new.meta.site_url.clone(), new.meta.icon_url.clone());
        let (feed_id, created) = self.blocking(move |s| s.add_feed(&new, now)).await?;
        if created {
            // The first fetch already has the items: store them now, so the new feed is not empty.
            let reach = Reach::of_origin(&found.url).await;
            let fetched = FetchedFeed {
                feed_id,
                parsed: found.parsed,
                etag: found.etag,
                last_modified: found.last_modified,
                body_hash: found.body_hash,
                at: now,
            };
            let update =
                steps::feed_update(&self.fetcher, fetched, KnownItems::default(), reach, false)
                    .await?;
            self.blocking(move |s| s.apply_updates(&[update])).await?;
            let due = IconDue {
                feed_id,
                feed_url: found.url.to_string(),
                site_url,
                icon_url,
            };
            let lookup = pictures::look_for_icon(
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

    /// Fetches an address that should be a feed (or a page naming one), without validators.
    async fn fetch_document(&self, url: &Url, reach: Reach) -> Result<FetchedBody> {
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

/// A fetched feed document, parsed.
fn found_feed(body: FetchedBody, now: DateTime<Utc>) -> Result<FoundFeed> {
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
        body_hash: process::hash_hex(&body.body),
        url: body.final_url,
        page_icons: None,
        parsed,
        etag: body.etag,
        last_modified: body.last_modified,
    })
}
