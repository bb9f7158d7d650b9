//! Pictures kept in the library, so a stored story reads completely with the network off.
//!
//! This module owns the image cache: which picture URLs an article shows (`article_images`),
//! what was downloaded for each (`images`), the files under `<library>/images`, the size
//! budget with least-recently-used eviction (bookmarked articles' pictures pinned), and the
//! rewriting of stored HTML so the window loads pictures from the app's own scheme only.
//! It downloads only through [`Fetcher`] with the reach it is given, and keeps only bytes
//! that are a known raster format by their magic numbers: never SVG, never HTML, never the
//! server's word for the type. A picture that fails is recorded on its row; it never fails
//! the article. It must never serve a file by a name that did not come from its own tokens.

use crate::error_kind::ErrorKind;
use std::collections::{HashMap, HashSet};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use base64::Engine as _;
use dom_query::Document;
use rusqlite::{params, OptionalExtension, Transaction};
use sha2::{Digest, Sha256};
use thiserror::Error;
use tokio::task::JoinSet;
use url::Url;

use crate::fetch::{BodyKind, FetchError, FetchOutcome, FetchRequest, Fetcher, Reach};
use crate::model::{ArticleId, ArticleImage};
use crate::store::{Store, StoreError};

/// The cache's size budget unless the user chooses another: 500 MB.
pub const DEFAULT_BUDGET_BYTES: u64 = 500 * 1024 * 1024;

/// The URI scheme the window serves cached pictures from: `broadsheet-img://localhost/<token>`.
pub const IMAGE_SCHEME: &str = "broadsheet-img";

/// The address the window loads a cached picture from. WebView2 (Windows) reaches custom
/// schemes as `http://<scheme>.localhost/`; WebKit takes the scheme itself.
pub fn image_src(token: &str) -> String {
    if cfg!(windows) {
        format!("http://{IMAGE_SCHEME}.localhost/{token}")
    } else {
        format!("{IMAGE_SCHEME}://localhost/{token}")
    }
}

/// Pictures downloaded at once for one article, so one story cannot take every fetch slot.
const MAX_CONCURRENT_DOWNLOADS: usize = 4;

/// Pictures linked per article; a page listing thousands of images is not a story to keep whole.
pub const MAX_IMAGES_PER_ARTICLE: usize = 64;

/// Hex characters of a token: 128 bits of sha256, enough that distinct URLs never meet.
const TOKEN_LEN: usize = 32;

/// The `error_kind` of a picture removed to keep the cache within its budget.
const EVICTED: &str = "evicted";

/// Failures that will fail the same way next time, so a later call does not fetch them again.
const PERMANENT_FAILURES: &[&str] = &[
    "not_an_image",
    "tracking_pixel",
    "over_budget",
    "too_large",
    "blocked",
    "unsupported_scheme",
    "invalid_url",
    "too_many_redirects",
    "bad_redirect",
];

/// What can go wrong with the image cache, or with one picture.
#[derive(Debug, Error)]
pub enum ImageError {
    /// The library database failed.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// A file of the cache could not be read or written.
    #[error("image cache: {path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    /// Downloading the picture failed (recorded on the picture, not raised).
    #[error("image {url}: {source}")]
    Fetch { url: String, source: FetchError },
    /// The bytes are not a raster image we keep (SVG and HTML included).
    #[error("image {url}: not a picture (the bytes look like {looks_like})")]
    NotAnImage { url: String, looks_like: String },
    /// A 1×1 picture: a tracking pixel, not part of the story.
    #[error("image {url}: a 1x1 tracking pixel")]
    TrackingPixel { url: String },
    /// The picture alone is bigger than the whole cache budget.
    #[error("image {url}: {bytes} bytes is more than the whole image budget of {budget} bytes")]
    OverBudget {
        url: String,
        bytes: u64,
        budget: u64,
    },
}

impl ImageError {
    /// A stable name for the kind of error; for a failed download, the fetcher's kind.
    pub fn kind(&self) -> ErrorKind {
        match self {
            ImageError::Store(e) => e.kind(),
            ImageError::Io { .. } => ErrorKind::ImageCacheIo,
            ImageError::Fetch { source, .. } => source.kind(),
            ImageError::NotAnImage { .. } => ErrorKind::NotAnImage,
            ImageError::TrackingPixel { .. } => ErrorKind::TrackingPixel,
            ImageError::OverBudget { .. } => ErrorKind::OverBudget,
        }
    }
}

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
            if !matches!(url.scheme(), "http" | "https") {
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

        let jobs = store.write(|tx| link_article_images(tx, article_id, &wanted))?;
        report.skipped += wanted.len() - jobs.len();

        let tried = jobs.len();
        let results = self.download_all(fetcher, jobs, reach).await;
        let now = chrono::Utc::now().timestamp();
        store.write(|tx| {
            for (image_id, result) in &results {
                match result {
                    Ok(stored) => {
                        let used = next_use(tx)?;
                        tx.prepare_cached(
                            "UPDATE images SET mime = ?2, bytes = ?3, fetched_at = ?4, last_used = ?5,
                                    error_kind = NULL, error_message = NULL
                             WHERE id = ?1",
                        )?
                        .execute(params![image_id, stored.mime, stored.bytes, now, used])?;
                    }
                    Err(error) => {
                        tx.prepare_cached(
                            // Another story may have cached the same picture meanwhile: keep that.
                            "UPDATE images SET fetched_at = ?4, error_kind = ?2, error_message = ?3
                             WHERE id = ?1 AND bytes IS NULL",
                        )?
                        .execute(params![image_id, error.kind().as_str(), error.to_string(), now])?;
                    }
                }
            }
            Ok(())
        })?;
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
        Ok(store.read(|c| {
            let mut stmt = c.prepare_cached(
                "SELECT i.url, i.bytes IS NOT NULL FROM article_images ai
                 JOIN images i ON i.id = ai.image_id
                 WHERE ai.article_id = ?1 ORDER BY ai.position",
            )?;
            let rows = stmt
                .query_map([article_id], |r| {
                    Ok(ArticleImage {
                        url: r.get(0)?,
                        cached: r.get(1)?,
                    })
                })?
                .collect::<Result<Vec<_>, _>>()?;
            Ok(rows)
        })?)
    }

    /// url → token for the cached images of an article, for [`rewrite_image_urls`].
    pub fn tokens_for_article(
        &self,
        store: &Store,
        article_id: ArticleId,
    ) -> Result<HashMap<String, String>, ImageError> {
        Ok(store.read(|c| {
            let mut stmt = c.prepare_cached(
                "SELECT i.url, i.token FROM article_images ai
                 JOIN images i ON i.id = ai.image_id
                 WHERE ai.article_id = ?1 AND i.bytes IS NOT NULL",
            )?;
            let rows = stmt
                .query_map([article_id], |r| Ok((r.get(0)?, r.get(1)?)))?
                .collect::<Result<HashMap<_, _>, _>>()?;
            Ok(rows)
        })?)
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
        let row: Option<(String, i64)> = store.read(|c| {
            Ok(c.query_row(
                "SELECT mime, bytes FROM images WHERE token = ?1 AND bytes IS NOT NULL",
                [token],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?)
        })?;
        let Some((mime, expected)) = row else {
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
            store.write(|tx| {
                tx.execute(
                    "UPDATE images SET mime = NULL, bytes = NULL, error_kind = 'missing_file',
                            error_message = 'image cache: the file of ' || url || ' is missing or damaged'
                     WHERE token = ?1",
                    [token],
                )?;
                Ok(())
            })?;
            return Ok(None);
        }
        store.write(|tx| {
            let used = next_use(tx)?;
            tx.execute(
                "UPDATE images SET last_used = ?2 WHERE token = ?1",
                params![token, used],
            )?;
            Ok(())
        })?;
        Ok(Some((mime, bytes)))
    }

    /// Evicts least-recently-used images until the total is within budget. Pictures of
    /// bookmarked articles are never evicted. Also deletes rows and files of images no
    /// article links to any more. Returns the bytes freed.
    pub fn enforce_budget(&self, store: &Store) -> Result<u64, ImageError> {
        let budget = self.inner.budget_bytes;
        let (doomed, freed) = store.write(|tx| {
            let mut doomed: Vec<String> = Vec::new();
            let mut freed: u64 = 0;
            {
                let mut stmt = tx.prepare_cached(
                    "DELETE FROM images WHERE NOT EXISTS
                       (SELECT 1 FROM article_images ai WHERE ai.image_id = images.id)
                     RETURNING token, bytes",
                )?;
                let mut rows = stmt.query([])?;
                while let Some(r) = rows.next()? {
                    let bytes: Option<i64> = r.get(1)?;
                    if let Some(bytes) = bytes {
                        freed += u64::try_from(bytes).unwrap_or(0);
                        doomed.push(r.get(0)?);
                    }
                }
            }
            let total: i64 = tx.query_row(
                "SELECT coalesce(sum(bytes), 0) FROM images WHERE bytes IS NOT NULL",
                [],
                |r| r.get(0),
            )?;
            let mut total = u64::try_from(total).unwrap_or(0);
            if total <= budget {
                return Ok((doomed, freed));
            }
            let candidates: Vec<(i64, String, i64)> = {
                let mut stmt = tx.prepare_cached(
                    "SELECT i.id, i.token, i.bytes FROM images i
                     WHERE i.bytes IS NOT NULL AND NOT EXISTS
                       (SELECT 1 FROM article_images ai JOIN article_state s ON s.article_id = ai.article_id
                        WHERE ai.image_id = i.id AND s.bookmarked = 1)
                     ORDER BY i.last_used, i.id",
                )?;
                let rows = stmt
                    .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
                    .collect::<Result<Vec<_>, _>>()?;
                rows
            };
            let mut evict = tx.prepare_cached(
                "UPDATE images SET mime = NULL, bytes = NULL, error_kind = ?2,
                        error_message = 'image cache: ' || url || ' was evicted to keep the cache within its budget'
                 WHERE id = ?1",
            )?;
            for (id, token, bytes) in candidates {
                if total <= budget {
                    break;
                }
                let bytes = u64::try_from(bytes).unwrap_or(0);
                evict.execute(params![id, EVICTED])?;
                total = total.saturating_sub(bytes);
                freed += bytes;
                doomed.push(token);
            }
            if total > budget {
                tracing::info!(total, budget, "bookmarked pictures alone exceed the image budget");
            }
            Ok((doomed, freed))
        })?;
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
        let total: i64 = store.read(|c| {
            Ok(c.query_row(
                "SELECT coalesce(sum(bytes), 0) FROM images WHERE bytes IS NOT NULL",
                [],
                |r| r.get(0),
            )?)
        })?;
        Ok(u64::try_from(total).unwrap_or(0))
    }

    /// Where the file of a token lives: `<dir>/<first two characters>/<token>`.
    pub fn file_path(&self, token: &str) -> PathBuf {
        let shard = token.get(..2).unwrap_or("__");
        self.inner.dir.join(shard).join(token)
    }
}

/// The opaque token of a picture URL: the first 32 hex characters of its sha256.
pub fn image_token(url: &str) -> String {
    let digest = Sha256::digest(url.as_bytes());
    let mut out = String::with_capacity(TOKEN_LEN);
    for byte in digest.iter().take(TOKEN_LEN / 2) {
        out.push_str(&format!("{byte:02x}"));
    }
    out
}

fn is_token(token: &str) -> bool {
    token.len() == TOKEN_LEN
        && token
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

/// The next value of the use clock: wall time in milliseconds, but always after every earlier
/// use, so two pictures used within one millisecond still have an order.
fn next_use(tx: &Transaction) -> Result<i64, StoreError> {
    let latest: Option<i64> =
        tx.query_row("SELECT max(last_used) FROM images", [], |r| r.get(0))?;
    let now = chrono::Utc::now().timestamp_millis();
    Ok(latest.map_or(now, |l| now.max(l + 1)))
}

/// Records the article's pictures (creating rows for new URLs), replaces its links with this
/// list in order, and returns the pictures that need downloading.
fn link_article_images(
    tx: &Transaction,
    article_id: ArticleId,
    urls: &[&Url],
) -> Result<Vec<Job>, StoreError> {
    let exists: bool = tx.query_row(
        "SELECT EXISTS(SELECT 1 FROM articles WHERE id = ?1)",
        [article_id],
        |r| r.get(0),
    )?;
    if !exists {
        return Err(StoreError::NoSuchArticle(article_id));
    }
    tx.execute(
        "DELETE FROM article_images WHERE article_id = ?1",
        [article_id],
    )?;
    let mut jobs = Vec::new();
    let mut position = 0i64;
    for url in urls {
        let token = image_token(url.as_str());
        // Any conflict (the URL known, or in theory a token taken) leaves the existing row.
        tx.prepare_cached(
            "INSERT INTO images (url, token) VALUES (?1, ?2) ON CONFLICT DO NOTHING",
        )?
        .execute(params![url.as_str(), token])?;
        let row: Option<(i64, String, bool, Option<String>)> = tx
            .prepare_cached(
                "SELECT id, token, bytes IS NOT NULL, error_kind FROM images WHERE url = ?1",
            )?
            .query_row([url.as_str()], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?))
            })
            .optional()?;
        let Some((image_id, token, cached, error_kind)) = row else {
            tracing::warn!(%url, "picture token collides with another URL; not kept");
            continue;
        };
        tx.prepare_cached(
            "INSERT OR IGNORE INTO article_images (article_id, image_id, position) VALUES (?1, ?2, ?3)",
        )?
        .execute(params![article_id, image_id, position])?;
        position += 1;
        let failed_for_good = error_kind
            .as_deref()
            .is_some_and(|kind| PERMANENT_FAILURES.contains(&kind));
        if !cached && !failed_for_good {
            jobs.push(Job {
                image_id,
                url: (*url).clone(),
                token,
            });
        }
    }
    Ok(jobs)
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
    if sniffed.dimensions.is_some_and(|(w, h)| w <= 1 && h <= 1) {
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

/// A raster image recognised by its magic numbers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SniffedImage {
    /// The MIME type the bytes are.
    pub mime: &'static str,
    /// Width and height, when the header gives them cheaply (PNG, GIF).
    pub dimensions: Option<(u32, u32)>,
}

/// Recognises PNG, JPEG, GIF, WebP, AVIF, BMP and ICO by their first bytes; anything else
/// (SVG, HTML, text, truncated headers) is `None`.
pub fn sniff_image(bytes: &[u8]) -> Option<SniffedImage> {
    let image = |mime, dimensions| Some(SniffedImage { mime, dimensions });
    let be32 = |at: usize| -> Option<u32> {
        Some(u32::from_be_bytes(bytes.get(at..at + 4)?.try_into().ok()?))
    };
    let le16 = |at: usize| -> Option<u32> {
        Some(u16::from_le_bytes(bytes.get(at..at + 2)?.try_into().ok()?).into())
    };
    if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        // The first chunk must be IHDR: width and height, big-endian (PNG spec, 11.2.2).
        if bytes.get(12..16) != Some(b"IHDR") {
            return None;
        }
        return image("image/png", Some((be32(16)?, be32(20)?)));
    }
    if bytes.starts_with(b"\xff\xd8\xff") {
        return image("image/jpeg", None);
    }
    if bytes.starts_with(b"GIF87a") || bytes.starts_with(b"GIF89a") {
        // The logical screen size follows the signature, little-endian.
        return image("image/gif", Some((le16(6)?, le16(8)?)));
    }
    if bytes.starts_with(b"RIFF") && bytes.get(8..12) == Some(b"WEBP") {
        return image("image/webp", None);
    }
    if bytes.get(4..8) == Some(b"ftyp") {
        // ISO-BMFF: the major brand and the compatible brands of the ftyp box name AVIF.
        let box_len = usize::try_from(be32(0)?).ok()?.min(bytes.len());
        let brands = bytes.get(8..box_len)?;
        let is_avif = brands
            .chunks_exact(4)
            .enumerate()
            .any(|(i, brand)| i != 1 && (brand == b"avif" || brand == b"avis"));
        return if is_avif {
            image("image/avif", None)
        } else {
            None
        };
    }
    if bytes.starts_with(b"BM") {
        // Two letters are weak evidence: also require a known DIB header size.
        let dib = u32::from_le_bytes(bytes.get(14..18)?.try_into().ok()?);
        return matches!(dib, 12 | 40 | 52 | 56 | 64 | 108 | 124).then_some(SniffedImage {
            mime: "image/bmp",
            dimensions: None,
        });
    }
    if bytes.starts_with(b"\0\0\x01\0") && le16(4).is_some_and(|count| count > 0) {
        return image("image/x-icon", None);
    }
    None
}

/// A word on what a refused body seems to be, for the error message.
fn describe_non_image(bytes: &[u8]) -> &'static str {
    if bytes.is_empty() {
        return "nothing (empty body)";
    }
    let head = String::from_utf8_lossy(&bytes[..bytes.len().min(512)]).to_ascii_lowercase();
    let head = head.trim_start_matches('\u{feff}').trim_start();
    if head.contains("<svg") {
        "SVG"
    } else if head.starts_with("<!doctype html") || head.contains("<html") || head.contains("<body")
    {
        "HTML"
    } else if head.starts_with('<') {
        "markup"
    } else {
        "an unknown format"
    }
}

/// Answers a picture URL with its MIME type and bytes, when they are at hand.
pub type PictureLookup<'a> = dyn Fn(&str) -> Option<(String, Vec<u8>)> + 'a;

/// Rewrites `src`/`srcset` of `<img>` and `<source>` (and `poster`) whose URL has a token to
/// `broadsheet-img://localhost/<token>`; pictures not cached lose their `src`/`srcset` (the
/// window never loads anything remote) but keep their alt text. Audio and video lose their
/// remote `src` for the same reason. Pure function over sanitized HTML.
pub fn rewrite_image_urls(html: &str, tokens: &HashMap<String, String>) -> String {
    let local = |url: &str| lookup(tokens, url).map(image_src);
    let doc = Document::fragment(html);
    for node in doc.select("img, source, video, audio, track").nodes() {
        let is_picture = node.has_name("img") || node.has_name("source");
        if let Some(src) = node.attr("src") {
            match local(&src).filter(|_| is_picture) {
                Some(new) => node.set_attr("src", &new),
                None => node.remove_attr("src"),
            }
        }
        if let Some(poster) = node.attr("poster") {
            match local(&poster) {
                Some(new) => node.set_attr("poster", &new),
                None => node.remove_attr("poster"),
            }
        }
        if let Some(srcset) = node.attr("srcset") {
            let kept: Vec<String> = parse_srcset(&srcset)
                .into_iter()
                .filter_map(|(url, descriptor)| {
                    local(url).map(|new| join_candidate(&new, descriptor))
                })
                .collect();
            if kept.is_empty() {
                node.remove_attr("srcset");
            } else {
                node.set_attr("srcset", &kept.join(", "));
            }
        }
    }
    serialize_fragment(&doc)
}

/// Inlines cached pictures as `data:` URIs, for a self-contained HTML export. `images` is
/// asked for picture URLs as written in `html` and answers with their MIME type and bytes.
/// Each `<img>` gets the first picture it can show (its `<picture>` sources, its `src`, its
/// `srcset`) as its `src`; other candidates and `<source>` elements go, so the export never
/// loads anything and carries each picture once.
pub fn inline_images(html: &str, images: &PictureLookup<'_>) -> String {
    let doc = Document::fragment(html);
    for img in doc.select("img").nodes() {
        let mut candidates: Vec<String> = Vec::new();
        if let Some(parent) = img.parent().filter(|p| p.has_name("picture")) {
            for source in parent.element_children() {
                if source.has_name("source") {
                    if let Some(srcset) = source.attr("srcset") {
                        candidates
                            .extend(parse_srcset(&srcset).into_iter().map(|(u, _)| u.to_owned()));
                    }
                }
            }
        }
        candidates.extend(img.attr("src").map(|s| s.to_string()));
        if let Some(srcset) = img.attr("srcset") {
            candidates.extend(parse_srcset(&srcset).into_iter().map(|(u, _)| u.to_owned()));
        }
        let inlined = candidates.iter().find_map(|url| data_uri(images, url));
        img.remove_attr("srcset");
        match inlined {
            Some(uri) => img.set_attr("src", &uri),
            None => img.remove_attr("src"),
        }
    }
    doc.select("picture > source").remove();
    serialize_fragment(&doc)
}

fn data_uri(images: &PictureLookup<'_>, url: &str) -> Option<String> {
    let (_, bytes) = images(url)?;
    // Trust the bytes, not the label: only a recognised raster image becomes a data: URI.
    let sniffed = sniff_image(&bytes)?;
    let encoded = base64::engine::general_purpose::STANDARD.encode(&bytes);
    Some(format!("data:{};base64,{encoded}", sniffed.mime))
}

/// Finds a URL's token, also under the URL's normalized spelling.
fn lookup<'a>(tokens: &'a HashMap<String, String>, url: &str) -> Option<&'a str> {
    if let Some(token) = tokens.get(url) {
        return Some(token);
    }
    let normalized = Url::parse(url).ok()?;
    tokens.get(normalized.as_str()).map(String::as_str)
}

fn join_candidate(url: &str, descriptor: &str) -> String {
    if descriptor.is_empty() {
        url.to_owned()
    } else {
        format!("{url} {descriptor}")
    }
}

/// Splits a `srcset` into (url, descriptor) candidates, following the HTML parsing rules
/// closely enough that a URL with commas in it stays whole.
fn parse_srcset(srcset: &str) -> Vec<(&str, &str)> {
    let mut out = Vec::new();
    let mut rest = srcset;
    loop {
        rest = rest.trim_start_matches(|c: char| c.is_ascii_whitespace() || c == ',');
        if rest.is_empty() {
            break;
        }
        let url_end = rest
            .find(|c: char| c.is_ascii_whitespace())
            .unwrap_or(rest.len());
        let (url, after) = rest.split_at(url_end);
        if url.ends_with(',') {
            out.push((url.trim_end_matches(','), ""));
            rest = after;
            continue;
        }
        // The descriptor runs to the next comma outside parentheses.
        let mut depth = 0usize;
        let mut end = after.len();
        for (i, c) in after.char_indices() {
            match c {
                '(' => depth += 1,
                ')' => depth = depth.saturating_sub(1),
                ',' if depth == 0 => {
                    end = i;
                    break;
                }
                _ => {}
            }
        }
        out.push((url, after[..end].trim()));
        rest = &after[end..];
    }
    out
}

fn serialize_fragment(doc: &Document) -> String {
    // A fragment parses into a synthetic <html> element; its contents are the fragment.
    doc.html_root().inner_html().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn srcset_candidates_keep_commas_inside_urls() {
        assert_eq!(
            parse_srcset("a.png 1x, https://x.example/b,c.png 2x,d.png"),
            [
                ("a.png", "1x"),
                ("https://x.example/b,c.png", "2x"),
                ("d.png", "")
            ]
        );
        assert_eq!(parse_srcset(" , "), Vec::<(&str, &str)>::new());
        assert_eq!(
            parse_srcset("a.png, b.png 100w"),
            [("a.png", ""), ("b.png", "100w")]
        );
    }

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

    #[test]
    fn sniffing_knows_raster_formats_and_refuses_markup() {
        let mut gif = b"GIF89a".to_vec();
        gif.extend_from_slice(&[1, 0, 1, 0, 0, 0, 0]);
        assert_eq!(
            sniff_image(&gif),
            Some(SniffedImage {
                mime: "image/gif",
                dimensions: Some((1, 1))
            })
        );
        assert_eq!(
            sniff_image(b"\xff\xd8\xff\xe0rest").map(|s| s.mime),
            Some("image/jpeg")
        );
        assert_eq!(
            sniff_image(b"RIFF\0\0\0\0WEBPVP8 ").map(|s| s.mime),
            Some("image/webp")
        );
        assert_eq!(
            sniff_image(b"\0\0\0\x1cftypmif1\0\0\0\0mif1avifmiaf").map(|s| s.mime),
            Some("image/avif")
        );
        // An MP4 is ISO-BMFF too, but not a picture.
        assert_eq!(sniff_image(b"\0\0\0\x18ftypmp42\0\0\0\0mp42isom"), None);
        assert_eq!(
            sniff_image(b"\0\0\x01\0\x01\0\x10\x10").map(|s| s.mime),
            Some("image/x-icon")
        );
        assert_eq!(sniff_image(b"BMxx"), None);
        assert_eq!(
            sniff_image(b"<svg xmlns='http://www.w3.org/2000/svg'/>"),
            None
        );
        assert_eq!(sniff_image(b"<!DOCTYPE html><html></html>"), None);
        // A PNG signature alone, cut before IHDR.
        assert_eq!(sniff_image(b"\x89PNG\r\n\x1a\n"), None);
        assert_eq!(describe_non_image(b"<?xml version='1.0'?><svg/>"), "SVG");
        assert_eq!(describe_non_image(b"\n<!doctype html><p>x"), "HTML");
    }
}
