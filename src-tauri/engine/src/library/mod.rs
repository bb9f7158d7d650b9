//! The operations Broadsheet offers: subscribe, refresh, read, bookmark, search, import and
//! export. The window and the command line both call these and nothing below them.
//!
//! This is the only place that puts the stages in order (fetch, parse, process, sanitize,
//! store), one file per family of operations: `subscribe` (and discovery), `opml`, `refresh`,
//! `pages` (any page as an article, and a story as the window shows it or as a file),
//! `pictures` (pictures and icons, and what follows a refresh or a subscription), `rules`
//! (mute and notify rules, and the notification batch), `grouping` (new articles into stories
//! as they are stored), `reading` (the library opened to read only, for the command line).
//! `steps` holds the steps more than one of them runs. This file holds the library itself and
//! the small reading and state operations. A failure stays inside the one feed or article it
//! belongs to.
//!
//! Never parses HTML or XML, never decides what an item becomes (that is `process`), and never
//! writes SQL.

mod credentials;
mod feed_address;
mod folder_edits;
mod grouping;
mod marking;
mod opml;
mod pages;
mod pictures;
mod reading;
mod refresh;
mod rules;
mod steps;
mod subscribe;
mod sync;

use std::path::{Path, PathBuf};
use std::sync::Arc;

use chrono::{Duration as TimeDelta, Utc};
use thiserror::Error;
use url::Url;

use crate::credentials::{
    redact_text, take_userinfo, CredentialError, CredentialPlace, CredentialStore, SiteCredential,
};
use crate::error_kind::ErrorKind;
use crate::extract;
use crate::feed::FeedError;
use crate::fetch::{FetchConfig, FetchError, Fetcher};
use crate::images::{self, ImageCache};
use crate::model::{
    Article, ArticleId, ArticleQuery, ArticleSummary, Feed, FeedId, Folder, Settings,
};
use crate::opml::OpmlError;
use crate::store::{Store, StoreError, SyncEdit};
use crate::sync::greader::GReaderError;

pub use opml::ImportReport;
pub use pages::ExportFormat;
pub use pictures::FollowUp;
pub use reading::Reading;
pub use rules::RulesImport;
pub use subscribe::{FeedCandidate, Subscription};
pub use sync::GREADER;

/// The library file's name inside the data folder.
pub const LIBRARY_FILE: &str = "library.sqlite3";

/// The folder of cached pictures inside the data folder.
pub const IMAGES_DIR: &str = "images";

/// How a library talks to the network. (The user's preferences are `Settings`, kept in the
/// library itself.)
#[derive(Debug, Clone, Default)]
pub struct LibraryConfig {
    pub fetch: FetchConfig,
    /// Where passwords given in feed addresses are kept (never in the library).
    pub credentials: CredentialPlace,
    /// Stores a refresh's new articles without grouping them into stories: only to measure
    /// what grouping costs (the app always groups).
    pub without_story_grouping: bool,
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
    #[error("{0}")]
    Credentials(#[from] CredentialError),
    #[error("{0}")]
    Sync(#[from] GReaderError),
    /// The credential store has no password for a sync account (another computer's store, or
    /// one that was cleared): adding the account again asks for it.
    #[error("sync: no password is kept for the account at {url}; add the account again")]
    NoAccountPassword { url: String },
    #[error("not a web address: {input}")]
    InvalidUrl { input: String },
    #[error("no feed found at {url}: the page links to no feed, and none of the usual feed addresses answered with one")]
    NoFeedFound { url: String },
    #[error("cannot use the library folder {path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    /// A file the person named (an export, an OPML file) could not be read or written: the
    /// message names that file, never the library folder.
    #[error("cannot {action} {path}: {source}")]
    File {
        action: FileAction,
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("invalid setting: {message}")]
    InvalidSetting { message: String },
    #[error("rule refused: {0}")]
    Rule(crate::rules::RuleError),
    #[error("internal error: {0}")]
    Internal(String),
}

/// A blocking step that panicked or was cancelled is the library's own fault, never the input's.
impl From<tokio::task::JoinError> for LibraryError {
    fn from(e: tokio::task::JoinError) -> Self {
        LibraryError::Internal(e.to_string())
    }
}

impl LibraryError {
    /// A stable name for the kind of error, for scripts and the window.
    pub fn kind(&self) -> ErrorKind {
        match self {
            LibraryError::Store(e) => e.kind(),
            LibraryError::Fetch(e) => e.kind(),
            LibraryError::Feed { source, .. } => source.kind(),
            LibraryError::Opml(e) => e.kind(),
            LibraryError::Extract(e) => e.kind(),
            LibraryError::Images(e) => e.kind(),
            LibraryError::Credentials(e) => e.kind(),
            LibraryError::Sync(e) => e.kind(),
            LibraryError::NoAccountPassword { .. } => ErrorKind::Auth,
            LibraryError::InvalidUrl { .. } => ErrorKind::InvalidUrl,
            LibraryError::NoFeedFound { .. } => ErrorKind::NoFeedFound,
            LibraryError::Io { .. } | LibraryError::File { .. } => ErrorKind::Io,
            LibraryError::InvalidSetting { .. } => ErrorKind::InvalidSetting,
            LibraryError::Rule(e) => e.kind(),
            LibraryError::Internal(_) => ErrorKind::Internal,
        }
    }
}

/// What was being done to a file named in [`LibraryError::File`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileAction {
    Read,
    Write,
}

impl std::fmt::Display for FileAction {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            FileAction::Read => "read",
            FileAction::Write => "write",
        })
    }
}

type Result<T, E = LibraryError> = std::result::Result<T, E>;

/// A library: one folder holding the database and the cached pictures.
pub struct Library {
    dir: PathBuf,
    store: Arc<Store>,
    fetcher: Fetcher,
    images: std::sync::RwLock<ImageCache>,
    handoffs: subscribe::Handoffs,
    credentials: Arc<CredentialStore>,
    /// Held while the accounts sync: a refresh and a "sync now" never push the same queue twice.
    sync_lock: tokio::sync::Mutex<()>,
    /// Told how each account's sync goes, whoever started it (set once, by the window).
    sync_watcher: std::sync::OnceLock<SyncWatcher>,
    grouping: grouping::SharedGrouping,
}

/// What hears how a sync goes ([`Library::watch_sync`]).
pub type SyncWatcher = Box<dyn Fn(crate::model::SyncProgress) + Send + Sync>;

impl Library {
    /// Opens the library in `dir`, creating the folder and the database if needed.
    pub fn open(dir: &Path, config: LibraryConfig) -> Result<Library> {
        let (store, images) = reading::open_parts(dir)?;
        let fetcher = Fetcher::new(config.fetch.clone())?;
        credentials::check_place(dir, &config.credentials)?;
        let credentials = Arc::new(CredentialStore::new(config.credentials));
        credentials::move_out_of_addresses(&store, &credentials)?;
        Ok(Library {
            dir: dir.to_path_buf(),
            store: Arc::new(store),
            fetcher,
            images: std::sync::RwLock::new(images),
            handoffs: subscribe::Handoffs::default(),
            credentials,
            sync_lock: tokio::sync::Mutex::new(()),
            sync_watcher: std::sync::OnceLock::new(),
            grouping: grouping::Grouping::shared(config.without_story_grouping),
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

    /// Runs a store call off the async threads.
    async fn blocking<T: Send + 'static>(
        &self,
        f: impl FnOnce(&Store) -> Result<T, StoreError> + Send + 'static,
    ) -> Result<T> {
        let store = Arc::clone(&self.store);
        tokio::task::spawn_blocking(move || f(&store))
            .await?
            .map_err(LibraryError::from)
    }

    /// The picture cache as it is now (the budget may change with the settings).
    fn image_cache(&self) -> ImageCache {
        match self.images.read() {
            Ok(images) => images.clone(),
            Err(poisoned) => poisoned.into_inner().clone(),
        }
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
        tokio::task::spawn_blocking(move || reading::article_with_pictures(&store, &images, id))
            .await?
    }

    // ----- state -----

    /// Marks an article read or unread.
    pub async fn set_read(&self, id: ArticleId, read: bool) -> Result<()> {
        self.blocking(move |s| s.set_read(id, read, Utc::now()))
            .await
    }

    /// Marks every article of `id`'s story (the same event from other outlets) read or unread;
    /// returns how many changed.
    pub async fn set_story_read(&self, id: ArticleId, read: bool) -> Result<usize> {
        self.blocking(move |s| s.set_story_read(id, read, Utc::now()))
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

    /// Renames a feed (`None` restores the feed's own title); an account's feed is renamed
    /// on its server at the next sync.
    pub async fn rename_feed(&self, id: FeedId, title: Option<String>) -> Result<()> {
        let name = title.clone();
        self.blocking(move |s| s.rename_feed(id, name.as_deref()))
            .await?;
        self.mirror_feed_edit(id, move |stream| {
            title.map(|title| SyncEdit::Rename { stream, title })
        })
        .await
    }

    /// Moves a feed to a folder, or out of folders; an account's feed moves on its server at
    /// the next sync (into a folder: the protocol has no "out of every folder").
    pub async fn move_feed(&self, id: FeedId, folder: Option<String>) -> Result<()> {
        let from = self.blocking(move |s| s.feed(id)).await?.folder;
        let to = folder.clone();
        self.blocking(move |s| s.set_feed_folder(id, to.as_deref()))
            .await?;
        self.mirror_feed_edit(id, move |stream| {
            folder.map(|to| SyncEdit::Move { stream, from, to })
        })
        .await
    }

    /// Sets "always fetch the full story" for a feed.
    pub async fn set_full_story(&self, id: FeedId, on: bool) -> Result<()> {
        self.blocking(move |s| s.set_full_story(id, on)).await
    }

    /// Sets whether a feed may reach the local network (loopback and private addresses) by
    /// name: for a feed on the person's NAS or a local bridge. What its stories link to and
    /// show reaches as far as the feed does.
    pub async fn set_local_network(&self, id: FeedId, on: bool) -> Result<()> {
        self.blocking(move |s| s.set_local_network(id, on)).await
    }

    /// Unsubscribes; bookmarked articles stay in the library. The feed's password, if it sent
    /// one, is forgotten when no other feed of its site sends it.
    pub async fn unsubscribe(&self, id: FeedId) -> Result<()> {
        // An account's feed is unsubscribed on its server at the next sync.
        self.mirror_feed_edit(id, |stream| Some(SyncEdit::Unsubscribe { stream }))
            .await?;
        let feed = match self.blocking(move |s| s.feed_account(id)).await? {
            Some(_) => Vec::new(),
            None => self.blocking(move |s| s.feeds_to_refresh(Some(id))).await?,
        };
        self.blocking(move |s| s.delete_feed(id)).await?;
        if let Some(sent) = feed.into_iter().find(|f| f.has_credentials) {
            // The feed is gone either way; a password store that does not answer now is told
            // in the log, not as a failed unsubscribe.
            if let Err(e) = self.forget_unused_login(&sent.url).await {
                tracing::warn!(error = %e, "could not forget an unsubscribed feed's password");
            }
        }
        Ok(())
    }

    /// Removes read, unbookmarked articles older than the retention period. Returns how many.
    pub async fn prune(&self) -> Result<usize> {
        let days = self.settings().await?.retention_days;
        let cutoff = Utc::now() - TimeDelta::days(i64::from(days));
        let pruned = self.blocking(move |s| s.prune(cutoff)).await?;
        let images = self.image_cache();
        let store = Arc::clone(&self.store);
        tokio::task::spawn_blocking(move || images.enforce_budget(&store)).await??;
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
}

/// A user's address as a URL: a bare `example.com` means `https://example.com/`. A
/// `user:password@` in it is taken out, as the password for the address's origin.
fn parse_user_url(input: &str) -> Result<(Url, Option<SiteCredential>)> {
    let trimmed = input.trim();
    let invalid = || LibraryError::InvalidUrl {
        input: redact_text(input),
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
    if !crate::fetch::is_web_url(&url) || url.host_str().is_none() {
        return Err(invalid());
    }
    Ok(take_userinfo(&url))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_bare_site_address_means_https() {
        assert_eq!(
            parse_user_url(" example.com ").unwrap().0.as_str(),
            "https://example.com/"
        );
        assert_eq!(
            parse_user_url("http://127.0.0.1:8080/feed.xml")
                .unwrap()
                .0
                .as_str(),
            "http://127.0.0.1:8080/feed.xml"
        );
    }

    #[test]
    fn a_password_in_a_typed_address_is_taken_out_and_never_shown() {
        let (url, login) = parse_user_url("http://ann:secret@127.0.0.1:8080/feed").unwrap();
        assert_eq!(url.as_str(), "http://127.0.0.1:8080/feed");
        assert_eq!(login.unwrap().credential.password, "secret");
        let refused = parse_user_url("http://ann:secret@/feed").unwrap_err();
        assert!(!refused.to_string().contains("secret"), "{refused}");
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
}
