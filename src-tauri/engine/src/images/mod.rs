//! Pictures kept in the library, so a stored story reads completely with the network off.
//!
//! Three parts, one file each: `cache` downloads a story's pictures and keeps them under
//! `<library>/images` within a size budget (least recently used evicted first, bookmarked
//! articles' pictures pinned); `sniff` is the bytes check that decides what is a picture at
//! all; `rewrite` turns stored HTML into what the window shows, pictures from the app's own
//! scheme only. The rows that say what is cached live in the store (`store::pictures`); the
//! scheme's addresses and token shape in `image_scheme`.
//!
//! Pictures are downloaded only through [`crate::fetch::Fetcher`] with the reach given, and
//! only bytes that are a known raster format by their magic numbers are kept: never SVG,
//! never HTML, never the server's word for the type. A picture that fails is recorded on its
//! row; it never fails the article. No file is ever served by a name that did not come from
//! our own tokens.

mod cache;
mod rewrite;
mod sniff;

use crate::error_kind::ErrorKind;
use std::path::PathBuf;

use thiserror::Error;

use crate::fetch::FetchError;
use crate::store::StoreError;

pub use crate::image_scheme::{image_src, IMAGE_SCHEME};
pub use cache::{image_token, ImageCache, ImageReport};
pub use rewrite::rewrite_image_urls;
pub use sniff::{describe_non_image, sniff_image, SniffedImage};

/// The cache's size budget unless the user chooses another: 500 MB.
pub const DEFAULT_BUDGET_BYTES: u64 = 500 * 1024 * 1024;

/// Pictures linked per article; a page listing thousands of images is not a story to keep whole.
pub const MAX_IMAGES_PER_ARTICLE: usize = 64;

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
