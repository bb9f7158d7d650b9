//! Subscribing: finding a site's feed (discovery) and adding it with its first items.
//!
//! Owns the order: find the feed (or take the one discovery just fetched), store it with its
//! items as the feed gives them, and hand what takes longer (teasers' full stories from their
//! pages, the icon) to [`Library::follow_up`], so that subscribing never waits on a slow site.
//! Never parses a feed or a page itself (that is `feed`) and never decides what an item becomes
//! (that is `process`).

use std::collections::HashSet;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use url::Url;

use super::grouping::ReadyUpdate;
use super::{parse_user_url, pictures, rules, steps, Library, LibraryError, Result};
use crate::credentials::SiteCredential;
use crate::feed::{self, ParsedFeed};
use crate::fetch::{BodyKind, FetchOutcome, FetchRequest, FetchedBody, Reach};
use crate::icons;
use crate::model::Feed;
use crate::process::{self, FetchedFeed};
use crate::store::{FeedUpdate, IconDue, KnownItems, NewArticle, NewFeed, UNFINISHED_HASH};

/// How long a feed fetched by discovery is kept for the subscription that follows.
const DISCOVERED_FOR: Duration = Duration::from_secs(10 * 60);

/// Feeds fetched by discovery kept at most (the newest).
const DISCOVERED_KEPT: usize = 4;

/// The result of subscribing.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Subscription {
    #[serde(flatten)]
    pub feed: Feed,
    /// `false` when the feed was already in the library.
    pub created: bool,
}

/// A feed found for a site, before subscribing.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct FeedCandidate {
    pub url: String,
    pub title: Option<String>,
}

/// What subscribing hands on between calls: the feeds discovery fetched, for the subscription
/// that follows (so a feed is downloaded once), and the new feeds whose full stories and icon
/// the next [`Library::follow_up`] finishes.
#[derive(Default)]
pub(super) struct Handoffs {
    discovered: Mutex<Vec<(Instant, FoundFeed)>>,
    unfinished: Mutex<Vec<Unfinished>>,
    /// Passwords typed into an address given to discovery, for the subscription that follows
    /// (the window subscribes to the found feed's address, which has none).
    logins: Mutex<Vec<(Instant, SiteCredential)>>,
}

impl Handoffs {
    fn keep_discovered(&self, found: FoundFeed) {
        let mut kept = self
            .discovered
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        kept.retain(|(at, f)| at.elapsed() < DISCOVERED_FOR && f.url != found.url);
        if kept.len() >= DISCOVERED_KEPT {
            kept.remove(0);
        }
        kept.push((Instant::now(), found));
    }

    fn keep_login(&self, login: SiteCredential) {
        let mut kept = self.logins.lock().unwrap_or_else(PoisonError::into_inner);
        kept.retain(|(at, l)| at.elapsed() < DISCOVERED_FOR && l.account() != login.account());
        kept.push((Instant::now(), login));
    }

    fn take_login(&self, url: &Url) -> Option<SiteCredential> {
        let mut kept = self.logins.lock().unwrap_or_else(PoisonError::into_inner);
        kept.retain(|(at, _)| at.elapsed() < DISCOVERED_FOR);
        let index = kept.iter().position(|(_, l)| l.covers(url))?;
        Some(kept.remove(index).1)
    }

    fn take_discovered(&self, url: &Url) -> Option<FoundFeed> {
        let mut kept = self
            .discovered
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        kept.retain(|(at, _)| at.elapsed() < DISCOVERED_FOR);
        let index = kept.iter().position(|(_, f)| &f.url == url)?;
        Some(kept.remove(index).1)
    }
}

/// A new feed's work left to the follow-up.
struct Unfinished {
    /// The feed's update with its teasers as the feed gives them and their real hashes, to be
    /// completed from their pages; `None` when the feed had no teaser.
    stories: Option<FeedUpdate>,
    /// Where the items' pages may be fetched from.
    reach: Reach,
    /// The feed's password, for its pages on its own origin.
    login: Option<SiteCredential>,
    icon: IconDue,
    /// Icon links of the page the feed was discovered from.
    page_icons: Option<Vec<Url>>,
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
    /// A password in the address (`https://user:password@host/feed`) is kept in the credential
    /// store for the feed's origin, never in the library; given again, it replaces the old one.
    pub async fn subscribe(&self, input: &str, folder: Option<&str>) -> Result<Subscription> {
        self.subscribe_with(input, folder, false).await
    }

    /// [`Library::subscribe`], with the feed allowed the local network by name when
    /// `local_network` (a feed on the person's NAS); subscribing so to a feed already in the
    /// library turns the setting on for it.
    pub async fn subscribe_with(
        &self,
        input: &str,
        folder: Option<&str>,
        local_network: bool,
    ) -> Result<Subscription> {
        let (url, typed) = parse_user_url(input)?;
        let login = typed.or_else(|| self.handoffs.take_login(&url));
        if let Some(feed) = self
            .already_subscribed(&url, login.as_ref(), local_network)
            .await?
        {
            return Ok(feed);
        }
        // The window discovers first, then subscribes to what it found: no second download.
        let found = match self.handoffs.take_discovered(&url) {
            Some(found) => found,
            None => {
                let reach = Reach::of_subscription(&url, local_network);
                self.find_feed(&url, reach, login.as_ref()).await?
            }
        };
        // A password goes only to the origin it was given for, not to a feed found elsewhere.
        let login = login.filter(|login| login.covers(&found.url));
        if let Some(feed) = self
            .already_subscribed(&found.url, login.as_ref(), local_network)
            .await?
        {
            return Ok(feed);
        }
        if let Some(login) = &login {
            self.keep_login(login).await?;
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
        if local_network {
            self.blocking(move |s| s.set_local_network(feed_id, true))
                .await?;
        }
        if login.is_some() {
            self.blocking(move |s| s.set_feed_credentials(feed_id, true))
                .await?;
        }
        if created {
            // The first fetch already has the items: store them now, so the new feed is not empty.
            let reach = Reach::of_subscription(&found.url, local_network);
            let fetched = FetchedFeed {
                feed_id,
                parsed: found.parsed,
                etag: found.etag,
                last_modified: found.last_modified,
                body_hash: found.body_hash,
                at: now,
            };
            let mut update =
                steps::on_a_core(move || process::prepare_update(fetched, &KnownItems::default()))
                    .await?;
            // A new feed's back catalogue is matched, never announced.
            let rules = self.active_rules().await?;
            rules::decide(&rules, folder, &mut update, false);
            let (first, stories) = first_and_rest(update);
            let words = self.grouping.reads_words();
            let first = steps::on_a_core(move || ReadyUpdate::new(first, words)).await?;
            self.store_updates(vec![first]).await?;
            let icon = IconDue {
                feed_id,
                feed_url: found.url.to_string(),
                site_url,
                icon_url,
                local_network,
            };
            self.handoffs
                .unfinished
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .push(Unfinished {
                    stories,
                    reach,
                    login,
                    icon,
                    page_icons: found.page_icons,
                });
        }
        let feed = self.blocking(move |s| s.feed(feed_id)).await?;
        Ok(Subscription { feed, created })
    }

    /// Finishes the feeds subscribed since the last call: their teasers completed with their
    /// pages' stories, then their icons looked for (from the discovery page's icon links when
    /// there was one). Returns the stories finished and the icons found. Never fails: what
    /// cannot be had is logged, and an unfinished story is prepared again at the next refresh.
    pub(super) async fn finish_subscriptions(&self) -> (usize, usize) {
        let unfinished = std::mem::take(
            &mut *self
                .handoffs
                .unfinished
                .lock()
                .unwrap_or_else(PoisonError::into_inner),
        );
        let (mut stories, mut icons) = (0, 0);
        for new in unfinished {
            if let Some(mut update) = new.stories {
                if let FeedUpdate::Completed { items, .. } = &mut update {
                    let access = (new.reach, new.login.as_ref());
                    steps::complete_stories(&self.fetcher, items, access, false).await;
                }
                match self.blocking(move |s| s.apply_updates(&[update])).await {
                    Ok(counts) => {
                        stories += counts.iter().map(|c| c.updated_articles).sum::<usize>()
                    }
                    Err(error) => tracing::warn!(%error, "subscription: full stories not stored"),
                }
            }
            let (store, fetcher) = (Arc::clone(&self.store), self.fetcher.clone());
            if pictures::look_for_icon(store, fetcher, new.icon, new.page_icons).await {
                icons += 1;
            }
        }
        (stories, icons)
    }

    /// The feeds a site offers (or the feed itself when given a feed's address), without subscribing.
    pub async fn discover(&self, input: &str) -> Result<Vec<FeedCandidate>> {
        self.discover_with(input, false).await
    }

    /// [`Library::discover`] on the local network by name when `local_network`.
    pub async fn discover_with(
        &self,
        input: &str,
        local_network: bool,
    ) -> Result<Vec<FeedCandidate>> {
        let (url, login) = parse_user_url(input)?;
        if let Some(login) = &login {
            self.handoffs.keep_login(login.clone());
        }
        let reach = Reach::of_subscription(&url, local_network);
        let page = self.fetch_document(&url, reach, login.as_ref()).await?;
        if feed::looks_like_feed(&page.body, page.content_type.as_deref()) {
            let url = page.final_url.to_string();
            let title = match found_feed(page, Utc::now()).await {
                Ok(found) => {
                    let title = found.parsed.title.clone();
                    self.handoffs.keep_discovered(found);
                    Some(title)
                }
                Err(_) => None,
            };
            return Ok(vec![FeedCandidate { url, title }]);
        }
        let links = page_links(page).await?;
        let refused = links.feeds.is_err();
        let mut found: Vec<FeedCandidate> = links
            .feeds
            .unwrap_or_default()
            .into_iter()
            .map(|l| FeedCandidate {
                url: l.url.to_string(),
                title: l.title,
            })
            .collect();
        if found.is_empty() {
            match self.find_feed(&url, reach, login.as_ref()).await {
                Ok(f) => {
                    found.push(FeedCandidate {
                        url: f.url.to_string(),
                        title: Some(f.parsed.title.clone()),
                    });
                    self.handoffs.keep_discovered(f);
                }
                // A page too complex to read is said so, not taken for a site without feeds.
                Err(error) if refused => return Err(error),
                Err(_) => {}
            }
        }
        Ok(found)
    }

    /// The feed at `url` if the library has it, given `login` when one came with the address,
    /// and the local network if this subscription asks for it.
    async fn already_subscribed(
        &self,
        url: &Url,
        login: Option<&SiteCredential>,
        local_network: bool,
    ) -> Result<Option<Subscription>> {
        let Some(feed) = self.existing_feed(url.as_str()).await? else {
            return Ok(None);
        };
        if let Some(login) = login {
            self.give_feed_login(feed.id, login).await?;
        }
        let widen = local_network && !feed.local_network;
        let feed = if login.is_some() || widen {
            let id = feed.id;
            self.blocking(move |s| {
                if widen {
                    s.set_local_network(id, true)?;
                }
                s.feed(id)
            })
            .await?
        } else {
            feed
        };
        Ok(Some(Subscription {
            feed,
            created: false,
        }))
    }

    async fn existing_feed(&self, url: &str) -> Result<Option<Feed>> {
        let url = url.to_string();
        self.blocking(move |s| match s.feed_id_by_url(&url)? {
            Some(id) => s.feed(id).map(Some),
            None => Ok(None),
        })
        .await
    }

    /// Fetches an address that should be a feed (or a page naming one), without validators,
    /// signed in with `login` where it covers the address.
    async fn fetch_document(
        &self,
        url: &Url,
        reach: Reach,
        login: Option<&SiteCredential>,
    ) -> Result<FetchedBody> {
        let req = FetchRequest {
            url,
            kind: BodyKind::Feed,
            reach,
            etag: None,
            last_modified: None,
        };
        match self.fetcher.fetch_signed_in(req, login).await? {
            FetchOutcome::Fetched(body) => Ok(body),
            // Without validators a server has no business answering 304.
            FetchOutcome::NotModified { .. } => Err(LibraryError::NoFeedFound {
                url: url.to_string(),
            }),
        }
    }

    /// Finds the feed behind a user's address: the address itself, the page's alternate
    /// links, then the usual paths, reaching as far as `reach` (the typed address's).
    async fn find_feed(
        &self,
        url: &Url,
        reach: Reach,
        login: Option<&SiteCredential>,
    ) -> Result<FoundFeed> {
        let page = self.fetch_document(url, reach, login).await?;
        let now = Utc::now();
        if feed::looks_like_feed(&page.body, page.content_type.as_deref()) {
            return found_feed(page, now).await;
        }
        let page_url = page.final_url.clone();
        let links = page_links(page).await?;
        // A page refused as too complex has no links to offer; the usual paths may still answer.
        let (mut candidates, refusal): (Vec<Url>, _) = match links.feeds {
            Ok(feeds) => (feeds.into_iter().map(|l| l.url).collect(), None),
            Err(refusal) => (Vec::new(), Some(refusal)),
        };
        // The page is at hand: its icon links spare a second fetch of it for the feed's icon.
        let page_icons = links.icons;
        for path in feed::COMMON_FEED_PATHS {
            if let Ok(u) = page_url.join(path) {
                candidates.push(u);
            }
        }
        let mut seen = HashSet::new();
        for candidate in candidates {
            if !seen.insert(candidate.clone()) || candidate == page_url {
                continue;
            }
            if !crate::fetch::is_web_url(&candidate) {
                continue;
            }
            // An https site's page naming an http feed would make the subscription plain text.
            if crate::fetch::is_downgrade(&page_url, &candidate) {
                tracing::debug!(url = %candidate, "skipping an http feed named by an https page");
                continue;
            }
            // Candidates found in the page are content: they may reach only where the site is.
            match self.fetch_document(&candidate, reach, login).await {
                Ok(body) if feed::looks_like_feed(&body.body, body.content_type.as_deref()) => {
                    if let Ok(mut found) = found_feed(body, now).await {
                        found.page_icons = Some(page_icons);
                        return Ok(found);
                    }
                }
                Ok(_) => {}
                Err(e) => tracing::debug!(url = %candidate, error = %e, "feed candidate failed"),
            }
        }
        Err(match refusal {
            Some(source) => LibraryError::Feed {
                url: url.to_string(),
                source,
            },
            None => LibraryError::NoFeedFound {
                url: url.to_string(),
            },
        })
    }
}

/// What a site's page offers: its feed links (or why it was not read) and its icon links.
struct PageLinks {
    feeds: std::result::Result<Vec<feed::FeedLink>, feed::FeedError>,
    icons: Vec<Url>,
}

/// Reads a fetched page's feed and icon links: parsing outside HTML is CPU work, done off the
/// async threads so that a hostile page never holds up other feeds.
async fn page_links(page: FetchedBody) -> Result<PageLinks> {
    steps::on_a_core(move || {
        let html = String::from_utf8_lossy(&page.body);
        PageLinks {
            feeds: feed::discover_feed_links(&html, &page.final_url),
            icons: icons::icon_links(&html, &page.final_url),
        }
    })
    .await
    .map_err(LibraryError::from)
}

/// A fetched feed document, parsed (off the async threads: parsing is CPU work).
async fn found_feed(body: FetchedBody, now: DateTime<Utc>) -> Result<FoundFeed> {
    steps::on_a_core(move || parse_found_feed(body, now)).await?
}

fn parse_found_feed(body: FetchedBody, now: DateTime<Utc>) -> Result<FoundFeed> {
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

/// A new feed's first update split in two: what is stored at once (every item as the feed gives
/// it, teasers marked unfinished, and no validators, so a refresh before the follow-up reads
/// the feed again) and the teasers to complete, with the real hashes and validators.
fn first_and_rest(mut first: FeedUpdate) -> (FeedUpdate, Option<FeedUpdate>) {
    let FeedUpdate::Fetched {
        feed_id,
        etag,
        last_modified,
        body_hash,
        items,
        ..
    } = &mut first
    else {
        return (first, None);
    };
    let teasers: Vec<NewArticle> = items
        .iter()
        .filter(|item| process::wants_full_story(item, false))
        .cloned()
        .collect();
    if teasers.is_empty() {
        return (first, None);
    }
    let rest = FeedUpdate::Completed {
        feed_id: *feed_id,
        etag: etag.take(),
        last_modified: last_modified.take(),
        body_hash: std::mem::replace(body_hash, UNFINISHED_HASH.to_string()),
        items: teasers,
    };
    for item in items.iter_mut() {
        if process::wants_full_story(item, false) {
            item.source_hash = UNFINISHED_HASH.to_string();
        }
    }
    (first, Some(rest))
}
