//! The steps that subscribing, refreshing and opening a page share, so each runs one way:
//! fetch a page and extract its story; turn a fetched feed into an update of the store, its
//! teasers completed with their pages.
//!
//! Owns the order within a step and where CPU work runs (off the async threads). Never decides
//! what an item becomes (that is `process`) and never touches the store.

use std::num::NonZeroUsize;
use std::sync::LazyLock;

use tokio::sync::Semaphore;
use tokio::task::{JoinError, JoinSet};
use url::Url;

use super::{LibraryError, Result};
use crate::credentials::SiteCredential;
use crate::extract::{self, ExtractedArticle};
use crate::fetch::{BodyKind, FetchOutcome, FetchRequest, FetchedBody, Fetcher, Reach};
use crate::process::{self, FetchedFeed};
use crate::store::{FeedUpdate, KnownItems, NewArticle};

/// As many CPU-bound steps at once as the machine has cores.
static CORES: LazyLock<Semaphore> = LazyLock::new(|| {
    Semaphore::new(std::thread::available_parallelism().map_or(2, NonZeroUsize::get))
});

/// Runs a CPU-bound step (parsing, sanitizing, packing) off the async threads, waiting for a
/// core first: more at once would only wait for one, each on a thread of its own holding its
/// half-done work (a first import of 500 feeds kept twice the threads and 60 MB more without
/// this; BENCHMARKS.md, "First import").
pub(super) async fn on_a_core<T: Send + 'static>(
    step: impl FnOnce() -> T + Send + 'static,
) -> std::result::Result<T, JoinError> {
    // The semaphore is never closed, so a permit always comes.
    let _core = CORES.acquire().await.ok();
    tokio::task::spawn_blocking(step).await
}

/// Fetches a web page (as a page: its size cap and accepted types), without validators,
/// sending `login` only if the page is on its origin (a feed's site behind a password).
pub(super) async fn fetch_page(
    fetcher: &Fetcher,
    url: &Url,
    reach: Reach,
    login: Option<&SiteCredential>,
) -> Result<FetchedBody> {
    let request = FetchRequest {
        url,
        kind: BodyKind::Page,
        reach,
        etag: None,
        last_modified: None,
    };
    match fetcher.fetch_signed_in(request, login).await? {
        FetchOutcome::Fetched(body) => Ok(body),
        FetchOutcome::NotModified { .. } => Err(LibraryError::Internal(format!(
            "{url}: the server answered 304 to a plain request"
        ))),
    }
}

/// Decodes a fetched page and extracts its story (CPU work: off the async threads).
/// `page_url` is what the story's links resolve against.
pub(super) async fn extract_page(body: FetchedBody, page_url: Url) -> Result<ExtractedArticle> {
    on_a_core(move || {
        let html = extract::decode_html(&body.body, body.content_type.as_deref());
        extract::extract_article(&html, &page_url)
    })
    .await?
    .map_err(LibraryError::from)
}

/// The story of the page at `url`, with the page's address after redirects.
async fn fetch_story(
    fetcher: &Fetcher,
    url: &Url,
    reach: Reach,
    login: Option<&SiteCredential>,
) -> Result<(ExtractedArticle, Url)> {
    let body = fetch_page(fetcher, url, reach, login).await?;
    let page_url = body.final_url.clone();
    let story = extract_page(body, page_url.clone()).await?;
    Ok((story, page_url))
}

/// A fetched feed as an update of the store: new and changed items made articles, and those
/// that want it completed with their page's story (`always`: the feed's "always fetch the full
/// story"); `login` is the feed's password, sent to pages on the feed's own origin.
pub(super) async fn feed_update(
    fetcher: &Fetcher,
    fetched: FetchedFeed,
    known: KnownItems,
    (reach, login): (Reach, Option<&SiteCredential>),
    always: bool,
) -> Result<FeedUpdate> {
    let mut update = on_a_core(move || process::prepare_update(fetched, &known)).await?;
    if let FeedUpdate::Fetched { items, .. } = &mut update {
        complete_stories(fetcher, items, (reach, login), always).await;
    }
    Ok(update)
}

/// Completes the items that want it with the story of their linked page; a page that fails, or
/// whose story is shorter than the item's, keeps its item as it was. `login` (the feed's
/// password) goes only to pages on its own origin, as a feed's own site behind a password has
/// its stories behind it too.
pub(super) async fn complete_stories(
    fetcher: &Fetcher,
    items: &mut [NewArticle],
    (reach, login): (Reach, Option<&SiteCredential>),
    always: bool,
) {
    let mut pages = JoinSet::new();
    for (index, item) in items.iter().enumerate() {
        if !process::wants_full_story(item, always) {
            continue;
        }
        let Some(url) = item.url.as_deref().and_then(|u| Url::parse(u).ok()) else {
            continue;
        };
        let (fetcher, login) = (fetcher.clone(), login.cloned());
        pages.spawn(async move {
            match fetch_story(&fetcher, &url, reach, login.as_ref()).await {
                Ok((story, page_url)) => Some((index, story, page_url)),
                Err(e) => {
                    tracing::debug!(url = %url, error = %e, "full story: no story from the page");
                    None
                }
            }
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
    let done = on_a_core(move || {
        for (index, story, page_url) in stories {
            if let Some(item) = owned.get_mut(index) {
                if !process::complete_story(item, story, &page_url) {
                    tracing::debug!(url = %page_url, "full story: the page's extract is shorter than the item; the item stays");
                }
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
