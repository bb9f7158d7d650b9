//! Downloading a story's pictures and keeping them: the files under `<library>/images`, named
//! by token, and the size budget.
//!
//! Each picture is fetched through [`Fetcher`] with the reach the caller gives, checked by
//! [`sniff_image`], written atomically, and recorded through the store (which holds every
//! query). A picture that fails is recorded on its row and counted; it never fails the
//! article. A file is deleted only once no row claims it, and only by a name made from our
//! own tokens.

use crate::error_kind::ErrorKind;
use std::collections::{HashMap, HashSet};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use sha2::{Digest, Sha256};
use tokio::task::JoinSet;
use url::Url;

use super::sniff::{describe_non_image, sniff_image};
use super::{ImageError, MAX_IMAGES_PER_ARTICLE};
use crate::fetch::{is_web_url, BodyKind, FetchOutcome, FetchRequest, Fetcher, Reach};
use crate::hex;
use crate::image_scheme::{is_token, TOKEN_LEN};
use crate::model::{ArticleId, ArticleImage};
use crate::picture_rules::is_tracking_pixel_size;
use crate::store::{ImageFetch, Store, TrimmedImages};

/// Pictures downloaded at once for one article, so one story cannot take every fetch slot.
const MAX_CONCURRENT_DOWNLOADS: usize = 4;

/// Failures that will fail the same way next time, so a later call does not fetch them again.
const PERMANENT_FAILURES: &[ErrorKind] = &[
    ErrorKind::NotAnImage,
    ErrorKind::TrackingPixel,
    ErrorKind::OverBudget,
    ErrorKind::TooLarge,
    ErrorKind::Blocked,
    ErrorKind::UnsupportedScheme,
    ErrorKind::InvalidUrl,
    ErrorKind::TooManyRedirects,
    ErrorKind::BadRedirect,
];

fn io_error(path: &Path) -> impl FnOnce(std::io::Error) -> ImageError + '_ {
    move |source| ImageError::Io {
        path: path.to_path_buf(),
        source,
    }
}

/// What one call of [`ImageCache::cache_article_images`] did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ImageReport {
    /// Pictures downloaded and stored by this call.
    pub cached: usize,
    /// Pictures tried by this call that could not be kept (the reason is on the picture's row).
    pub failed: usize,
    /// Pictures not fetched: already cached, failed before for good, not http(s), or over the
    /// per-article limit.
    pub skipped: usize,
}

/// The cache of pictures under `<library>/images`; cheap to clone.
#[derive(Debug, Clone)]
pub struct ImageCache {
    inner: Arc<CacheConfig>,
}

#[derive(Debug)]
struct CacheConfig {
    dir: PathBuf,
    budget_bytes: u64,
}

/// A picture to download, as recorded before the download.
struct Job {
    image_id: i64,
    url: Url,
    token: String,
}

/// A picture written to its file.
struct Stored {
    mime: &'static str,
    bytes: i64,
}

impl ImageCache {
    /// A cache keeping its files under `dir` (created when the first picture is written).
    pub fn new(dir: PathBuf, budget_bytes: u64) -> ImageCache {
        ImageCache {
            inner: Arc::new(CacheConfig { dir, budget_bytes }),
        }
    }

    /// The folder holding the cached files.
    pub fn dir(&self) -> &Path {
        &self.inner.dir
    }

    /// The size budget, in bytes.
    pub fn budget_bytes(&self) -> u64 {
        self.inner.budget_bytes
    }
    /// Downloads the pictures of one article that are not cached yet (at most 4 at a time),
    /// records them and links them to the article in document order. Never fails the article:
    /// per-image errors are recorded on the image row (kind + message) and counted.
    pub async fn cache_article_images(
        &self,
        store: &Store,
        fetcher: &Fetcher,
        article_id: ArticleId,
        urls: &[Url],
        reach: Reach,
    ) -> Result<ImageReport, ImageError> {
        let mut report = ImageReport::default();
        let mut seen = HashSet::new();
        let mut wanted = Vec::new();
        for url in urls {
            if !is_web_url(url) {
                report.skipped += 1;
                continue;
            }
            if !seen.insert(url.as_str()) {
                continue;
            }
            if wanted.len() == MAX_IMAGES_PER_ARTICLE {
                report.skipped += 1;
                continue;
            }
            wanted.push(url);
        }
        if wanted.len() == MAX_IMAGES_PER_ARTICLE && report.skipped > 0 {
            tracing::debug!(
                article_id,
                limit = MAX_IMAGES_PER_ARTICLE,
                "article has more pictures than are kept"
            );
        }

        let tokens: Vec<String> = wanted.iter().map(|url| image_token(url.as_str())).collect();
        let links: Vec<(&str, &str)> = wanted
            .iter()
            .zip(&tokens)
            .map(|(url, token)| (url.as_str(), token.as_str()))
            .collect();
        let linked = store.link_article_images(article_id, &links)?;
        let mut jobs = Vec::new();
        for (url, image) in wanted.iter().zip(linked) {
            let Some(image) = image else {
                tracing::warn!(%url, "picture token collides with another URL; not kept");
                continue;
            };
            let failed_for_good = image
                .error_kind
                .as_deref()
                .is_some_and(|kind| PERMANENT_FAILURES.contains(&ErrorKind::from_stored(kind)));
            if !image.cached && !failed_for_good {
                jobs.push(Job {
                    image_id: image.image_id,
                    url: (*url).clone(),
                    token: image.token,
                });
            }
        }
        report.skipped += wanted.len() - jobs.len();

        let tried = jobs.len();
        let results = self.download_all(fetcher, jobs, reach).await;
        let fetches: Vec<(i64, ImageFetch)> = results
            .iter()
            .map(|(image_id, result)| {
                let fetch = match result {
                    Ok(stored) => ImageFetch::Stored {
                        mime: stored.mime.to_owned(),
                        bytes: stored.bytes,
                    },
                    Err(error) => ImageFetch::Failed {
                        kind: error.kind(),
                        message: error.to_string(),
                    },
                };
                (*image_id, fetch)
            })
            .collect();
        store.save_image_fetches(&fetches, chrono::Utc::now())?;
        for (_, result) in &results {
            match result {
                Ok(_) => report.cached += 1,
                Err(_) => report.failed += 1,
            }
        }
        // A panicked download left no result; it counts as a failure and is retried next time.
        report.failed += tried - results.len();
        if report.cached > 0 {
            self.enforce_budget(store)?;
        }
        tracing::debug!(article_id, ?report, "article pictures cached");
        Ok(report)
    }

    async fn download_all(
        &self,
        fetcher: &Fetcher,
        jobs: Vec<Job>,
        reach: Reach,
    ) -> Vec<(i64, Result<Stored, ImageError>)> {
        let mut pending = jobs.into_iter();
        let mut tasks = JoinSet::new();
        let mut results = Vec::new();
        loop {
            while tasks.len() < MAX_CONCURRENT_DOWNLOADS {
                let Some(job) = pending.next() else { break };
                let fetcher = fetcher.clone();
                let config = self.inner.clone();
                tasks.spawn(async move {
                    let result = download(&fetcher, &config, &job, reach).await;
                    if let Err(error) = &result {
                        tracing::debug!(url = %job.url, kind = %error.kind(), %error, "picture not kept");
                    }
                    (job.image_id, result)
                });
            }
            match tasks.join_next().await {
                Some(Ok(done)) => results.push(done),
                Some(Err(error)) => {
                    tracing::warn!(%error, "a picture download task ended abnormally");
                }
                None => break,
            }
        }
        results
    }

    /// The images of an article in document order with whether each is cached: what `show` prints.
    pub fn article_images(
        &self,
        store: &Store,
        article_id: ArticleId,
    ) -> Result<Vec<ArticleImage>, ImageError> {
        Ok(store.article_images(article_id)?)
    }

    /// url → token for the cached images of an article, for [`super::rewrite_image_urls`].
    pub fn tokens_for_article(
        &self,
        store: &Store,
        article_id: ArticleId,
    ) -> Result<HashMap<String, String>, ImageError> {
        Ok(store.cached_image_tokens(article_id)?)
    }

    /// The MIME type and bytes behind a token (for the app's image scheme), marking it used
    /// now. `None` if the token is unknown, malformed, evicted or its file has gone.
    pub fn read(
        &self,
        store: &Store,
        token: &str,
    ) -> Result<Option<(String, Vec<u8>)>, ImageError> {
        // The token becomes a file name: anything but our own hex never reaches the disk.
        if !is_token(token) {
            return Ok(None);
        }
        let Some((mime, expected)) = store.cached_image(token)? else {
            return Ok(None);
        };
        let path = self.file_path(token);
        let bytes = match std::fs::read(&path) {
            Ok(bytes) => bytes,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Vec::new(),
            Err(e) => return Err(io_error(&path)(e)),
        };
        if i64::try_from(bytes.len()).ok() != Some(expected) {
            // Deleted or damaged behind our back: say so, so `show` stops calling it cached.
            tracing::warn!(path = %path.display(), "cached picture missing or damaged; forgetting it");
            store.forget_image_file(token)?;
            return Ok(None);
        }
        store.touch_image(token)?;
        Ok(Some((mime, bytes)))
    }

    /// Evicts least-recently-used images until the total is within budget. Pictures of
    /// bookmarked articles are never evicted. Also deletes rows and files of images no
    /// article links to any more. Returns the bytes freed.
    pub fn enforce_budget(&self, store: &Store) -> Result<u64, ImageError> {
        let TrimmedImages {
            tokens: doomed,
            freed,
        } = store.trim_images(self.inner.budget_bytes)?;
        // Files go only once the rows no longer claim them, so a failed commit loses nothing.
        for token in &doomed {
            let path = self.file_path(token);
            match std::fs::remove_file(&path) {
                Ok(()) => {}
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                Err(e) => {
                    tracing::warn!(path = %path.display(), error = %e, "cannot delete an evicted picture")
                }
            }
        }
        if freed > 0 {
            tracing::debug!(freed, files = doomed.len(), "image cache trimmed");
        }
        Ok(freed)
    }

    /// Total bytes of the pictures currently cached.
    pub fn cached_bytes(&self, store: &Store) -> Result<u64, ImageError> {
        Ok(store.cached_image_bytes()?)
    }

    /// Where the file of a token lives: `<dir>/<first two characters>/<token>`.
    pub fn file_path(&self, token: &str) -> PathBuf {
        let shard = token.get(..2).unwrap_or("__");
        self.inner.dir.join(shard).join(token)
    }
}

/// The opaque token of a picture URL: the first 32 hex characters of its sha256.
pub fn image_token(url: &str) -> String {
    hex::encode(&Sha256::digest(url.as_bytes())[..TOKEN_LEN / 2])
}

async fn download(
    fetcher: &Fetcher,
    config: &CacheConfig,
    job: &Job,
    reach: Reach,
) -> Result<Stored, ImageError> {
    let url = job.url.as_str();
    let request = FetchRequest {
        reach,
        ..FetchRequest::new(&job.url, BodyKind::Image)
    };
    let body = match fetcher.fetch(request).await {
        Ok(FetchOutcome::Fetched(fetched)) => fetched.body,
        Ok(FetchOutcome::NotModified { .. }) => {
            return Err(ImageError::NotAnImage {
                url: url.to_owned(),
                looks_like: "a 304 answer to an unconditional request".to_owned(),
            })
        }
        Err(source) => {
            return Err(ImageError::Fetch {
                url: url.to_owned(),
                source,
            })
        }
    };
    let Some(sniffed) = sniff_image(&body) else {
        return Err(ImageError::NotAnImage {
            url: url.to_owned(),
            looks_like: describe_non_image(&body).to_owned(),
        });
    };
    if sniffed
        .dimensions
        .is_some_and(|(w, h)| is_tracking_pixel_size(f64::from(w), f64::from(h)))
    {
        return Err(ImageError::TrackingPixel {
            url: url.to_owned(),
        });
    }
    let bytes = body.len() as u64;
    if bytes > config.budget_bytes {
        return Err(ImageError::OverBudget {
            url: url.to_owned(),
            bytes,
            budget: config.budget_bytes,
        });
    }
    let shard = config.dir.join(job.token.get(..2).unwrap_or("__"));
    let path = shard.join(&job.token);
    tokio::task::spawn_blocking(move || write_atomically(&shard, &path, &body))
        .await
        .map_err(|e| ImageError::Io {
            path: config.dir.clone(),
            source: std::io::Error::other(e.to_string()),
        })??;
    Ok(Stored {
        mime: sniffed.mime,
        bytes: i64::try_from(bytes).unwrap_or(i64::MAX),
    })
}

/// Writes to a temporary name, syncs, then renames, so a crash never leaves half a picture
/// under the real name.
fn write_atomically(dir: &Path, path: &Path, bytes: &[u8]) -> Result<(), ImageError> {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    std::fs::create_dir_all(dir).map_err(io_error(dir))?;
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let temp = dir.join(format!(
        ".{name}.{}.{}.part",
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::Relaxed)
    ));
    let written = (|| {
        let mut file = std::fs::File::create(&temp)?;
        file.write_all(bytes)?;
        file.sync_all()?;
        std::fs::rename(&temp, path)
    })();
    if let Err(source) = written {
        let _ = std::fs::remove_file(&temp);
        return Err(ImageError::Io {
            path: path.to_path_buf(),
            source,
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_32_lowercase_hex_and_nothing_else_passes() {
        let token = image_token("https://news.example/a.png");
        assert!(is_token(&token));
        assert_eq!(token, image_token("https://news.example/a.png"));
        assert_ne!(token, image_token("https://news.example/b.png"));
        assert!(!is_token("../../etc/passwd"));
        assert!(!is_token(&token.to_uppercase()));
        assert!(!is_token(&token[..31]));
    }
}
