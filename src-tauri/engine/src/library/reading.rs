//! The library opened to read it: the feeds, a page of articles or a search, one article with
//! its pictures, straight from the store and the pictures folder, with no async runtime. The
//! command line's reading commands use it, so `broadsheet articles` links and starts nothing of
//! the network, the credential store or story grouping (BENCHMARKS.md, "The command line").
//!
//! Never fetches, never writes a story, and never reads a library whose older addresses still
//! hold a password: [`Library::open`] moves those out first.

use std::path::Path;
use std::sync::Arc;

use super::{credentials, Library, LibraryError, Result, IMAGES_DIR, LIBRARY_FILE};
use crate::images::ImageCache;
use crate::model::{Article, ArticleId, ArticleImage, ArticleQuery, ArticleSummary, Feed};
use crate::store::{Store, StoreError};

/// A library opened for reading only (see the module's note).
pub struct Reading {
    store: Arc<Store>,
    images: ImageCache,
}

impl Reading {
    /// Opens (or creates) the library in `dir` for reading. `None` when the library needs a
    /// step only [`Library::open`] takes first: passwords to move out of an older library's
    /// feed addresses.
    pub fn open(dir: &Path) -> Result<Option<Reading>> {
        let (store, images) = open_parts(dir)?;
        if credentials::passwords_in_addresses(&store)? {
            return Ok(None);
        }
        Ok(Some(Reading {
            store: Arc::new(store),
            images,
        }))
    }

    /// Every feed, with its unread count.
    pub fn feeds(&self) -> Result<Vec<Feed>> {
        Ok(self.store.feeds()?)
    }

    /// A page of articles, newest first (best match first when searching).
    pub fn articles(&self, query: &ArticleQuery) -> Result<Vec<ArticleSummary>> {
        Ok(self.store.articles(query)?)
    }

    /// One whole article, with its pictures and whether each is in the library.
    pub fn article(&self, id: ArticleId) -> Result<Article> {
        article_with_pictures(&self.store, &self.images, id)
    }
}

impl Library {
    /// This library's reading operations, as [`Reading`] offers them (the command line runs its
    /// reading commands through them whichever way it opened the library).
    pub fn reading(&self) -> Reading {
        Reading {
            store: Arc::clone(&self.store),
            images: self.image_cache(),
        }
    }
}

/// The library's folder, its store (created or migrated) and its picture cache, as both ways
/// of opening a library start.
pub(super) fn open_parts(dir: &Path) -> Result<(Store, ImageCache)> {
    std::fs::create_dir_all(dir).map_err(|source| LibraryError::Io {
        path: dir.to_path_buf(),
        source,
    })?;
    let store = Store::open(&dir.join(LIBRARY_FILE))?;
    let budget = store.settings()?.image_budget_mb;
    let images = ImageCache::new(dir.join(IMAGES_DIR), u64::from(budget) * 1024 * 1024);
    Ok((store, images))
}

/// Article `id` with its pictures: those kept in the library, or else the addresses the story
/// names (none of them kept yet).
pub(super) fn article_with_pictures(
    store: &Store,
    images: &ImageCache,
    id: ArticleId,
) -> Result<Article> {
    let mut article = store.article(id)?;
    article.images = pictures_of(images, store, id, || store.article_image_urls(id))?;
    Ok(article)
}

/// A story's pictures and whether each is in the library: the ones it `named`, none cached,
/// while their fetch is not recorded yet.
pub(super) fn pictures_of(
    images: &ImageCache,
    store: &Store,
    id: ArticleId,
    named: impl FnOnce() -> std::result::Result<Vec<String>, StoreError>,
) -> Result<Vec<ArticleImage>> {
    let found = images.article_images(store, id)?;
    if !found.is_empty() {
        return Ok(found);
    }
    Ok(named()?
        .into_iter()
        .map(|url| ArticleImage { url, cached: false })
        .collect())
}
