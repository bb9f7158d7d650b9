//! The library's domain values: what the app, the command line and the store agree on.
//!
//! These are ours, not feed-rs's: parsed feeds are converted into them once, in `library`.
//! Every value here crosses the IPC and the `--json` output as it is, so field names are a
//! stable interface.

use crate::error_kind::ErrorKind;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

mod settings_limits;
use settings_limits as limits;
pub use settings_limits::{settings_limits, Range, SettingsLimits};

/// Identifier of a feed in the library.
pub type FeedId = i64;
/// Identifier of an article in the library.
pub type ArticleId = i64;
/// Identifier of a sync account in the library.
pub type AccountId = i64;

/// A sync account: a server that holds the person's subscriptions and read and starred
/// states. Its password is never here (the credential store keeps it).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Account {
    pub id: AccountId,
    /// The protocol it speaks: `greader` (the Google Reader API).
    pub kind: String,
    /// The server's address, as typed.
    pub url: String,
    pub user: String,
    /// When a sync last went through.
    pub last_sync: Option<DateTime<Utc>>,
    /// The last sync's failure, kept until one succeeds.
    pub error: Option<FeedHealth>,
}

/// The last failed refresh of a feed, kept until a refresh succeeds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct FeedHealth {
    /// Stable, machine-readable reason (`timeout`, `http_status`, `not_a_feed`, ...).
    pub kind: ErrorKind,
    /// What went wrong, in words, naming the URL.
    pub message: String,
    /// When it happened.
    pub at: DateTime<Utc>,
}

/// A subscription as the user sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Feed {
    pub id: FeedId,
    /// The name shown: the user's own name for it if they renamed it, else the feed's title.
    pub title: String,
    /// The feed document's address.
    pub url: String,
    /// The site the feed belongs to.
    pub site_url: Option<String>,
    pub folder: Option<String>,
    pub unread: i64,
    /// Whether every item's linked page is fetched for the full story.
    pub full_story: bool,
    pub last_refreshed: Option<DateTime<Utc>>,
    pub error: Option<FeedHealth>,
    /// The feed's icon as the window loads it (`broadsheet-img:` URL), `None` until one is found.
    #[serde(default)]
    pub icon: Option<String>,
    /// Whether the person allowed this feed to reach their local network by name.
    #[serde(default)]
    pub local_network: bool,
    /// The sync account it belongs to; `None` for a feed of this computer only.
    #[serde(default)]
    pub account: Option<AccountId>,
    /// Whether the person hears of this feed's new stories (off until asked).
    #[serde(default)]
    pub notify: bool,
}

/// One line of an article list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ArticleSummary {
    pub id: ArticleId,
    /// `None` for a page opened on its own, outside any feed.
    pub feed_id: Option<FeedId>,
    /// The feed's name, for lists that mix feeds.
    pub feed_title: Option<String>,
    pub title: String,
    pub url: Option<String>,
    pub author: Option<String>,
    pub published: DateTime<Utc>,
    pub read: bool,
    pub bookmarked: bool,
    pub excerpt: String,
    /// The story it belongs to: equal for every article reporting the same event (an article
    /// alone has its own).
    #[serde(default)]
    pub story: ArticleId,
    /// How many outlets its story has (1 for an article alone).
    #[serde(default)]
    pub outlets: u32,
    /// The feeds of its story's other articles, for their icons.
    #[serde(default)]
    pub outlet_feeds: Vec<FeedId>,
}

/// Another outlet's article on the same event, as the reader lists it under a story.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct StoryLink {
    pub id: ArticleId,
    pub feed_id: Option<FeedId>,
    pub feed_title: Option<String>,
    pub title: String,
    pub url: Option<String>,
    pub published: DateTime<Utc>,
}

/// A link to another story, found on the story's page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct RelatedLink {
    pub title: String,
    pub url: String,
}

/// A picture of a story and whether it is in the library for offline reading.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ArticleImage {
    pub url: String,
    pub cached: bool,
}

/// A whole stored story.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Article {
    #[serde(flatten)]
    pub summary: ArticleSummary,
    /// Sanitized HTML, safe to show in a sandboxed frame.
    pub html: String,
    /// Plain text of the story.
    pub text: String,
    pub site_name: Option<String>,
    pub lead_image: Option<String>,
    pub related: Vec<RelatedLink>,
    pub images: Vec<ArticleImage>,
    /// The story's language as a BCP 47-looking tag (its feed's declared language), for the
    /// story frame's `lang`; `None` when unknown.
    #[serde(default)]
    pub language: Option<String>,
    /// The other outlets' articles of its story, newest first.
    #[serde(default)]
    pub coverage: Vec<StoryLink>,
}

/// An article as the window shows it: pictures point at the app's image scheme (those not in
/// the library are left out, since the window never loads anything remote).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ArticleView {
    #[serde(flatten)]
    pub article: Article,
    /// Minutes a reader takes, at about 230 words a minute.
    pub reading_minutes: u32,
}

/// A folder of feeds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Folder {
    pub id: i64,
    pub name: String,
}

/// Which articles a list shows, newest first. Every field may be left out (the window's
/// `ui/api.js` types them as optional): no filter, the engine's default page.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(default)]
#[cfg_attr(feature = "ts", ts(optional_fields = nullable))]
pub struct ArticleQuery {
    pub feed_id: Option<FeedId>,
    pub folder: Option<String>,
    #[cfg_attr(feature = "ts", ts(as = "Option<bool>", optional))]
    pub unread_only: bool,
    #[cfg_attr(feature = "ts", ts(as = "Option<bool>", optional))]
    pub bookmarked_only: bool,
    /// Only the stories rules hid (otherwise they are left out of every list).
    #[cfg_attr(feature = "ts", ts(as = "Option<bool>", optional))]
    pub hidden_only: bool,
    /// Words to find in titles and text; results are best-ranked first instead of newest first.
    pub search: Option<String>,
    /// One row per story (its newest article, or the one read first) instead of one per
    /// article. Ignored when searching: search results stay per article.
    #[cfg_attr(feature = "ts", ts(as = "Option<bool>", optional))]
    pub stories: bool,
    pub limit: Option<u32>,
    pub offset: Option<u32>,
}

/// A refresh error of one feed, as reported at the end of a refresh.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct RefreshError {
    pub feed_id: FeedId,
    pub kind: ErrorKind,
    pub message: String,
}

/// What an account's sync is doing now.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum SyncPhase {
    /// Sending the edits made here.
    Sending,
    /// Reading which stories the server holds, and its subscriptions.
    Checking,
    /// Fetching the stories this library lacks (`done` of `total`).
    Fetching,
    /// Over: the account's last sync and error are recorded.
    Finished,
}

/// How far an account's sync has got, reported at each phase and after each batch of stories.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct SyncProgress {
    pub account_id: AccountId,
    pub phase: SyncPhase,
    /// Stories fetched so far (while fetching).
    pub done: usize,
    /// Stories to fetch (while fetching).
    pub total: usize,
}

/// What a sync of the accounts did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct SyncReport {
    /// Accounts synced (or tried).
    pub accounts: usize,
    /// Subscriptions of a server new to this library.
    pub feeds_added: usize,
    /// Feeds gone from their server, removed here.
    pub feeds_removed: usize,
    /// Stories new to this library.
    pub new_articles: usize,
    /// Edits made here that the servers took.
    pub pushed: usize,
    /// Stories whose read or bookmarked state came from their server.
    pub pulled: usize,
    /// The accounts whose sync failed (nothing is lost: their edits stay queued).
    pub errors: Vec<SyncError>,
    /// The new stories due to be announced (feeds the person listens to, `notify` rules).
    #[serde(default)]
    pub notify: NotifyBatch,
}

/// Why one account's sync failed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct SyncError {
    pub account_id: AccountId,
    /// `auth`, `unreachable`, `rate_limited`, ...
    pub kind: ErrorKind,
    pub message: String,
}

/// What a refresh did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct RefreshReport {
    /// Feeds considered.
    pub feeds: usize,
    /// Feeds fetched with new content parsed.
    pub refreshed: usize,
    /// Feeds whose server said 304, or whose body had not changed.
    pub not_modified: usize,
    pub new_articles: usize,
    pub updated_articles: usize,
    pub errors: Vec<RefreshError>,
    /// Pictures saved for offline reading after the refresh (0 when the caller did not ask).
    #[serde(default)]
    pub images_cached: usize,
    /// Every feed tried (two or more) failed to reach its server: the network is down, so the
    /// failures were not recorded on the feeds. `errors` still lists them.
    #[serde(default)]
    pub network_down: bool,
    /// The new stories to announce (feeds the person listens to, `notify` rules), each only
    /// once ever.
    #[serde(default)]
    pub notify: NotifyBatch,
}

/// One notification's worth of new stories.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct NotifyBatch {
    /// How many stories (every one, however many titles are given).
    pub count: usize,
    /// The first stories' titles, oldest first.
    pub titles: Vec<String>,
    /// Every story's id, oldest first (the window opens the first).
    pub article_ids: Vec<ArticleId>,
}

/// Longest notification text, in characters: a system notification shows a few lines.
const NOTIFICATION_BODY_CHARS: usize = 240;

impl NotifyBatch {
    /// The notification's title: "1 new story", "3 new stories".
    pub fn headline(&self) -> String {
        match self.count {
            1 => "1 new story".to_string(),
            n => format!("{n} new stories"),
        }
    }

    /// The notification's text: the titles, comma-separated, cut at a word with "…".
    pub fn body(&self) -> String {
        let all = self.titles.join(", ");
        if all.chars().count() <= NOTIFICATION_BODY_CHARS && self.titles.len() == self.count {
            return all;
        }
        let cut: String = all.chars().take(NOTIFICATION_BODY_CHARS).collect();
        let cut = match cut.rfind(' ') {
            Some(space) if all.chars().count() > NOTIFICATION_BODY_CHARS => &cut[..space],
            _ => cut.as_str(),
        };
        format!("{}, …", cut.trim_end_matches([',', ' ']))
    }
}

/// How far a refresh has got, reported after each feed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct RefreshProgress {
    pub done: usize,
    pub total: usize,
}

/// The user's preferences, kept in the library so the window and the command line agree.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(default)]
pub struct Settings {
    /// `system`, `light` or `dark`.
    #[cfg_attr(feature = "ts", ts(type = "\"system\" | \"light\" | \"dark\""))]
    pub theme: String,
    /// The story's text size in CSS pixels.
    pub text_size: u32,
    /// `serif` or `sans` for the story.
    #[cfg_attr(feature = "ts", ts(type = "\"serif\" | \"sans\""))]
    pub font: String,
    /// Minutes between automatic refreshes; 0 turns them off.
    pub refresh_minutes: u32,
    /// Read, unbookmarked articles older than this many days are pruned.
    pub retention_days: u32,
    /// Megabytes of pictures kept for offline reading.
    pub image_budget_mb: u32,
    /// Widths of the sidebar and the article list, in CSS pixels.
    pub sidebar_width: u32,
    pub list_width: u32,
    /// How a click on a story's link opens it: `auto`, `broadsheet`, `browser` or `ask`.
    #[cfg_attr(
        feature = "ts",
        ts(type = "\"auto\" | \"broadsheet\" | \"browser\" | \"ask\"")
    )]
    pub link_open: String,
    /// Where the person was when the window last closed: the list's source (`all`, `unread`,
    /// `bookmarks`, `feed:ID`, `folder:NAME`) and the story open in it (0 for none).
    pub last_source: String,
    pub last_article: i64,
    /// Whether new stories are announced by a system notification (while the window is in
    /// the background).
    pub notifications: bool,
    /// Whether the article list shows one row per story (the same event from several outlets)
    /// rather than one per article.
    pub group_stories: bool,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            theme: limits::THEMES[0].into(),
            text_size: 18,
            font: limits::FONTS[0].into(),
            refresh_minutes: 30,
            retention_days: 90,
            image_budget_mb: 500,
            sidebar_width: 250,
            list_width: 380,
            link_open: limits::LINK_OPEN[0].into(),
            last_source: "all".into(),
            last_article: 0,
            notifications: true,
            group_stories: true,
        }
    }
}

impl Settings {
    /// The same settings with every value brought into its allowed range.
    pub fn normalized(mut self) -> Settings {
        self.theme = limits::choice(self.theme, limits::THEMES);
        self.font = limits::choice(self.font, limits::FONTS);
        self.link_open = limits::choice(self.link_open, limits::LINK_OPEN);
        self.text_size = limits::TEXT_SIZE.clamp(self.text_size);
        self.refresh_minutes = limits::REFRESH_MINUTES.clamp(self.refresh_minutes);
        self.retention_days = limits::RETENTION_DAYS.clamp(self.retention_days);
        self.image_budget_mb = limits::IMAGE_BUDGET_MB.clamp(self.image_budget_mb);
        self.sidebar_width = limits::SIDEBAR_WIDTH.clamp(self.sidebar_width);
        self.list_width = limits::LIST_WIDTH.clamp(self.list_width);
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_notification_names_the_count_and_the_first_titles() {
        let batch = |titles: &[&str], count| NotifyBatch {
            count,
            titles: titles.iter().map(|t| t.to_string()).collect(),
            article_ids: (1..=count as i64).collect(),
        };
        let one = batch(&["Storm damages pier"], 1);
        assert_eq!(
            (one.headline(), one.body()),
            ("1 new story".into(), "Storm damages pier".into())
        );
        let three = batch(&["Storm damages pier", "Markets steady"], 3);
        assert_eq!(three.headline(), "3 new stories");
        assert_eq!(three.body(), "Storm damages pier, Markets steady, …");
        let long = "word ".repeat(100);
        let body = batch(&[long.trim()], 1).body();
        assert!(
            body.chars().count() <= NOTIFICATION_BODY_CHARS + 3,
            "{body}"
        );
        assert!(body.ends_with("word, …"), "{body}");
    }

    // The window sends only the filters it uses; a missing one means "no filter".
    #[test]
    fn an_article_query_may_leave_out_any_field() {
        let q: ArticleQuery = serde_json::from_str(r#"{"feed_id": 3}"#).unwrap();
        assert_eq!(
            q,
            ArticleQuery {
                feed_id: Some(3),
                ..ArticleQuery::default()
            }
        );
        let empty: ArticleQuery = serde_json::from_str("{}").unwrap();
        assert!(!empty.unread_only && empty.search.is_none());
    }
}
