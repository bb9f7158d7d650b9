//! The window's commands: each is an adapter of a few lines over one engine call. Arguments
//! in, a typed result or an `AppError {kind, message}` out. `ui/api.js` is the other side.

use std::path::PathBuf;
use std::sync::Arc;

use broadsheet_engine::error_kind::ErrorKind;
use broadsheet_engine::library::{
    ExportFormat, FeedCandidate, FollowUp, ImportReport, Library, LibraryError, Subscription,
};
use broadsheet_engine::model::{
    Account, ArticleQuery, ArticleSummary, ArticleView, Feed, Folder, NotifyBatch, RefreshProgress,
    RefreshReport, Settings, SyncProgress, SyncReport,
};
use broadsheet_engine::rules::{Rule, RuleSpec};
use serde::Serialize;
use tauri::ipc::Channel;
use tauri::{AppHandle, Emitter, Manager, State};
use tauri_plugin_dialog::DialogExt;
use tauri_plugin_notification::NotificationExt;
use tauri_plugin_opener::OpenerExt;
use tokio::sync::Notify;

/// What the window holds: the library, a lock so two refreshes never overlap, and the bell of
/// the background worker.
pub struct AppState {
    pub library: Arc<Library>,
    pub refreshing: tokio::sync::Mutex<()>,
    pub background: Arc<Notify>,
}

/// The event the window hears when the background worker has added something it can show.
pub const LIBRARY_UPDATED: &str = "library-updated";

/// The event the window hears as each account's sync goes ([`SyncProgress`]), whoever started
/// the sync: a refresh, "sync now", a subscription.
pub const SYNC_PROGRESS: &str = "sync-progress";

/// Tells the window how each account's sync goes, as [`SYNC_PROGRESS`] events.
pub fn watch_sync(app: AppHandle, library: &Library) {
    library.watch_sync(Box::new(move |progress: SyncProgress| {
        // No window listening yet (or any more): the sync goes on regardless.
        let _ = app.emit(SYNC_PROGRESS, progress);
    }));
}

/// What the background worker added since its last event.
#[derive(Debug, Clone, Copy, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct LibraryUpdated {
    /// Stories of a new subscription completed with their pages: the list may reload them.
    pub stories: usize,
    pub icons: usize,
    pub pictures: usize,
}

/// Starts the worker that runs what follows a refresh or a subscription ([`Library::follow_up`]:
/// new subscriptions' full stories, the feeds' icons, then the stories' pictures, newest first)
/// behind the window, so the new stories show at once. One run at a time; a ring during a run
/// starts another after it. The first run, for what an earlier session left pending, starts
/// when the window has its first article list ([`list_articles`] rings), or after
/// [`FIRST_RUN_WAIT`] if it never asks, so its icon and picture fetches never compete with the
/// window's start.
/// The window hears [`LIBRARY_UPDATED`] after the stories and icons and after each batch of
/// pictures.
pub fn start_background(app: AppHandle, library: Arc<Library>, bell: Arc<Notify>) {
    tauri::async_runtime::spawn(async move {
        let _ = tokio::time::timeout(FIRST_RUN_WAIT, bell.notified()).await;
        loop {
            let tell = |added: FollowUp| {
                if added.stories > 0 || added.icons > 0 || added.pictures > 0 {
                    let update = LibraryUpdated {
                        stories: added.stories,
                        icons: added.icons,
                        pictures: added.pictures,
                    };
                    let _ = app.emit(LIBRARY_UPDATED, update);
                }
            };
            if let Err(error) = library.follow_up(&tell).await {
                tracing::warn!(%error, "background: the run stopped");
            }
            bell.notified().await;
        }
    });
}

/// The longest the background worker's first run waits for the window's first article list.
const FIRST_RUN_WAIT: std::time::Duration = std::time::Duration::from_secs(10);

/// An error as the window sees it: a stable `kind` to act on and a readable `message`.
#[derive(Debug, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct AppError {
    kind: ErrorKind,
    message: String,
}

impl AppError {
    fn new(kind: ErrorKind, message: impl Into<String>) -> AppError {
        AppError {
            kind,
            message: message.into(),
        }
    }
}

impl From<LibraryError> for AppError {
    fn from(e: LibraryError) -> AppError {
        AppError::new(e.kind(), e.to_string())
    }
}

type Result<T> = std::result::Result<T, AppError>;

/// The version and the library folder, for the About and Settings panes.
#[derive(Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct AppInfo {
    version: &'static str,
    data_dir: PathBuf,
}

#[tauri::command]
pub fn app_info(state: State<'_, AppState>) -> AppInfo {
    AppInfo {
        version: env!("CARGO_PKG_VERSION"),
        data_dir: state.library.dir().to_path_buf(),
    }
}

#[tauri::command]
pub async fn list_feeds(state: State<'_, AppState>) -> Result<Vec<Feed>> {
    Ok(state.library.feeds().await?)
}

#[tauri::command]
pub async fn list_folders(state: State<'_, AppState>) -> Result<Vec<Folder>> {
    Ok(state.library.folders().await?)
}

#[tauri::command]
pub async fn list_articles(
    state: State<'_, AppState>,
    query: ArticleQuery,
) -> Result<Vec<ArticleSummary>> {
    let list = state.library.articles(query).await?;
    // The first list the window asks for is the one it paints first: the background worker's
    // first run may start (see `start_background`), and the start-up benchmark
    // (BROADSHEET_LOG=broadsheet::startup=info) stops its clock.
    static FIRST: std::sync::Once = std::sync::Once::new();
    FIRST.call_once(|| {
        state.background.notify_one();
        tracing::info!(
            target: "broadsheet::startup",
            ms = crate::STARTED.elapsed().as_millis() as u64,
            "first article list served"
        );
    });
    Ok(list)
}

#[tauri::command]
pub async fn get_article(state: State<'_, AppState>, id: i64) -> Result<ArticleView> {
    Ok(state.library.article_for_display(id).await?)
}

#[tauri::command]
pub async fn set_read(state: State<'_, AppState>, id: i64, read: bool) -> Result<()> {
    Ok(state.library.set_read(id, read).await?)
}

#[tauri::command]
pub async fn set_bookmarked(state: State<'_, AppState>, id: i64, bookmarked: bool) -> Result<()> {
    Ok(state.library.set_bookmarked(id, bookmarked).await?)
}

#[tauri::command]
pub async fn discover_feeds(
    state: State<'_, AppState>,
    url: String,
    local_network: Option<bool>,
) -> Result<Vec<FeedCandidate>> {
    let local_network = local_network.unwrap_or(false);
    Ok(state.library.discover_with(&url, local_network).await?)
}

#[tauri::command]
pub async fn subscribe(
    state: State<'_, AppState>,
    url: String,
    folder: Option<String>,
    local_network: Option<bool>,
) -> Result<Subscription> {
    let local_network = local_network.unwrap_or(false);
    let sub = state
        .library
        .subscribe_with(&url, folder.as_deref(), local_network)
        .await?;
    // The list can show the new stories now; their full stories, icon and pictures follow.
    state.background.notify_one();
    Ok(sub)
}

#[tauri::command]
pub async fn refresh(
    app: AppHandle,
    state: State<'_, AppState>,
    feed_id: Option<i64>,
    on_progress: Channel<RefreshProgress>,
) -> Result<RefreshReport> {
    let _one_at_a_time = state.refreshing.lock().await;
    let progress = move |p: RefreshProgress| {
        // A closed window stops listening; the refresh goes on regardless.
        let _ = on_progress.send(p);
    };
    let report = state.library.refresh(feed_id, &progress).await?;
    // The list can show the new stories now; icons and pictures follow.
    state.background.notify_one();
    announce(&app, &state.library, &report.notify).await;
    Ok(report)
}

/// The event the window hears when the person clicked a notification: the id of the story to
/// open (the first of those it named).
pub const OPEN_ARTICLE: &str = "open-article";

/// Where a notification keeps the story a click opens.
const ARTICLE_KEY: &str = "article_id";

/// Brings the window forward on the first story of a notification the person clicks.
pub fn open_from_notifications(app: &AppHandle) {
    let handle = app.clone();
    let registered = app.notification().on_action(move |performed| {
        let first = performed
            .notification()
            .and_then(|n| n.extra().get(ARTICLE_KEY))
            .and_then(serde_json::Value::as_i64);
        if let (Some(id), "tap") = (first, performed.action_id()) {
            crate::focus_main_window(&handle);
            let _ = handle.emit(OPEN_ARTICLE, id);
        }
    });
    if let Err(error) = registered {
        tracing::warn!(%error, "clicks on notifications will not open their stories");
    }
}

/// Shows what a refresh brought that deserves it as one system notification, unless the
/// person turned notifications off or the window is in front (its list shows them already).
/// Either way the engine has marked the stories announced: none comes up twice.
async fn announce(app: &AppHandle, library: &Library, batch: &NotifyBatch) {
    if batch.count == 0 {
        return;
    }
    let in_front = app
        .get_webview_window("main")
        .and_then(|w| w.is_focused().ok())
        .unwrap_or(false);
    let wanted = library.settings().await.is_ok_and(|s| s.notifications);
    if in_front || !wanted {
        return;
    }
    let shown = app
        .notification()
        .builder()
        .title(batch.headline())
        .body(batch.body())
        .extra(ARTICLE_KEY, batch.article_ids.first())
        .show();
    if let Err(error) = shown {
        tracing::warn!(%error, "the new stories' notification could not be shown");
    }
}

#[tauri::command]
pub async fn list_accounts(state: State<'_, AppState>) -> Result<Vec<Account>> {
    Ok(state.library.accounts().await?)
}

#[tauri::command]
pub async fn add_account(
    state: State<'_, AppState>,
    kind: String,
    url: String,
    user: String,
    password: String,
) -> Result<Account> {
    Ok(state
        .library
        .add_account(&kind, &url, &user, &password)
        .await?)
}

#[tauri::command]
pub async fn remove_account(state: State<'_, AppState>, id: i64) -> Result<()> {
    Ok(state.library.remove_account(id).await?)
}

#[tauri::command]
pub async fn sync_accounts(app: AppHandle, state: State<'_, AppState>) -> Result<SyncReport> {
    let report = state.library.sync(None).await?;
    // Pictures of the new stories follow, as after a refresh.
    state.background.notify_one();
    announce(&app, &state.library, &report.notify).await;
    Ok(report)
}

#[tauri::command]
pub async fn rename_feed(state: State<'_, AppState>, id: i64, title: Option<String>) -> Result<()> {
    Ok(state.library.rename_feed(id, title).await?)
}

#[tauri::command]
pub async fn move_feed(state: State<'_, AppState>, id: i64, folder: Option<String>) -> Result<()> {
    Ok(state.library.move_feed(id, folder).await?)
}

#[tauri::command]
pub async fn unsubscribe(state: State<'_, AppState>, id: i64) -> Result<()> {
    Ok(state.library.unsubscribe(id).await?)
}

#[tauri::command]
pub async fn set_full_story(state: State<'_, AppState>, id: i64, on: bool) -> Result<()> {
    Ok(state.library.set_full_story(id, on).await?)
}

/// Whether a feed may reach the local network by name (the feed details' setting).
#[tauri::command]
pub async fn set_local_network(state: State<'_, AppState>, id: i64, on: bool) -> Result<()> {
    Ok(state.library.set_local_network(id, on).await?)
}

#[tauri::command]
pub async fn open_link(
    state: State<'_, AppState>,
    url: String,
    from_article: Option<i64>,
) -> Result<ArticleView> {
    Ok(state
        .library
        .open_link_for_display(&url, from_article)
        .await?)
}

/// Whether the system browser may be asked to open this address.
pub fn may_open_externally(url: &str) -> bool {
    url::Url::parse(url)
        .map(|u| matches!(u.scheme(), "http" | "https" | "mailto"))
        .unwrap_or(false)
}

#[tauri::command]
pub fn open_external(app: AppHandle, url: String) -> Result<()> {
    if !may_open_externally(&url) {
        return Err(AppError::new(
            ErrorKind::RefusedScheme,
            format!("Broadsheet opens only web and mail links, not {url}"),
        ));
    }
    app.opener()
        .open_url(url, None::<&str>)
        .map_err(|e| AppError::new(ErrorKind::Opener, e.to_string()))
}

/// Asks where to read or write a file, without blocking the async runtime.
async fn pick_path(
    app: &AppHandle,
    save: bool,
    name: &str,
    filter: (&str, &[&str]),
) -> Option<PathBuf> {
    let (tx, rx) = tokio::sync::oneshot::channel();
    let dialog = app
        .dialog()
        .file()
        .add_filter(filter.0, filter.1)
        .set_file_name(name);
    let done = move |path: Option<tauri_plugin_dialog::FilePath>| {
        let _ = tx.send(path.and_then(|p| p.into_path().ok()));
    };
    if save {
        dialog.save_file(done);
    } else {
        dialog.pick_file(done);
    }
    rx.await.ok().flatten()
}

#[tauri::command]
pub async fn import_opml(
    app: AppHandle,
    state: State<'_, AppState>,
) -> Result<Option<ImportReport>> {
    let Some(path) = pick_path(
        &app,
        false,
        "subscriptions.opml",
        ("OPML", &["opml", "xml"]),
    )
    .await
    else {
        return Ok(None);
    };
    let text = tokio::fs::read_to_string(&path).await.map_err(|e| {
        AppError::new(
            ErrorKind::Io,
            format!("cannot read {}: {e}", path.display()),
        )
    })?;
    Ok(Some(state.library.import_opml(&text).await?))
}

#[tauri::command]
pub async fn export_opml(app: AppHandle, state: State<'_, AppState>) -> Result<Option<PathBuf>> {
    let opml = state.library.export_opml().await?;
    let Some(path) = pick_path(
        &app,
        true,
        "Broadsheet subscriptions.opml",
        ("OPML", &["opml"]),
    )
    .await
    else {
        return Ok(None);
    };
    tokio::fs::write(&path, opml).await.map_err(|e| {
        AppError::new(
            ErrorKind::Io,
            format!("cannot write {}: {e}", path.display()),
        )
    })?;
    Ok(Some(path))
}

#[tauri::command]
pub async fn export_article(
    app: AppHandle,
    state: State<'_, AppState>,
    id: i64,
    format: ExportFormat,
) -> Result<Option<PathBuf>> {
    let text = state.library.export_article(id, format).await?;
    let title = state.library.article(id).await?.summary.title;
    let stem: String = title
        .chars()
        .map(|c| {
            if c.is_alphanumeric() || c == ' ' || c == '-' {
                c
            } else {
                ' '
            }
        })
        .collect::<String>()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    let stem = if stem.is_empty() {
        "story".to_string()
    } else {
        stem.chars().take(80).collect()
    };
    let (ext, filter) = match format {
        ExportFormat::Html => ("html", ("Web page", &["html"][..])),
        ExportFormat::Markdown => ("md", ("Markdown", &["md"][..])),
    };
    let Some(path) = pick_path(&app, true, &format!("{stem}.{ext}"), filter).await else {
        return Ok(None);
    };
    tokio::fs::write(&path, text).await.map_err(|e| {
        AppError::new(
            ErrorKind::Io,
            format!("cannot write {}: {e}", path.display()),
        )
    })?;
    Ok(Some(path))
}

#[tauri::command]
pub async fn get_settings(state: State<'_, AppState>) -> Result<Settings> {
    Ok(state.library.settings().await?)
}

#[tauri::command]
pub async fn save_settings(state: State<'_, AppState>, settings: Settings) -> Result<Settings> {
    Ok(state.library.save_settings(settings).await?)
}

/// A command that must never be called: the hostile-article end-to-end test (INV-3) checks
/// that stored HTML can never reach the IPC bridge; a call is recorded in the library folder.
/// Only in builds with debug assertions (the tests'): release builds have no such command.
#[cfg(debug_assertions)]
#[tauri::command]
pub fn __canary(state: State<'_, AppState>) {
    let marker = state.library.dir().join("canary-called");
    let _ = std::fs::write(marker, b"called");
}

/// Marks read every unread story the list `query` shows; the ids, for an undo.
#[tauri::command]
pub async fn mark_query_read(state: State<'_, AppState>, query: ArticleQuery) -> Result<Vec<i64>> {
    Ok(state.library.mark_query_read(query).await?)
}

/// Marks every article of `id`'s story (the same event from other outlets) read or unread.
#[tauri::command]
pub async fn set_story_read(state: State<'_, AppState>, id: i64, read: bool) -> Result<usize> {
    Ok(state.library.set_story_read(id, read).await?)
}

/// Marks exactly these stories read or unread (an undo of `mark_query_read`).
#[tauri::command]
pub async fn set_read_many(state: State<'_, AppState>, ids: Vec<i64>, read: bool) -> Result<usize> {
    Ok(state.library.set_read_many(ids, read).await?)
}

/// Every setting's default and allowed values, which the engine owns and the window asks for.
#[tauri::command]
pub fn settings_limits() -> broadsheet_engine::model::SettingsLimits {
    broadsheet_engine::model::settings_limits()
}

/// Points a feed at a new address (its details' Edit address), keeping its stories.
#[tauri::command]
pub async fn set_feed_url(state: State<'_, AppState>, id: i64, url: String) -> Result<()> {
    Ok(state.library.set_feed_url(id, &url).await?)
}

/// Every rule, oldest first (the Rules pane).
#[tauri::command]
pub async fn list_rules(state: State<'_, AppState>) -> Result<Vec<Rule>> {
    Ok(state.library.rules().await?)
}

/// Adds a rule; it applies to the stored stories at once.
#[tauri::command]
pub async fn add_rule(state: State<'_, AppState>, spec: RuleSpec) -> Result<Rule> {
    Ok(state.library.add_rule(spec).await?)
}

/// Changes a rule; the stored stories are matched again.
#[tauri::command]
pub async fn update_rule(state: State<'_, AppState>, id: i64, spec: RuleSpec) -> Result<Rule> {
    Ok(state.library.update_rule(id, spec).await?)
}

/// Removes a rule; what only it hid comes back.
#[tauri::command]
pub async fn remove_rule(state: State<'_, AppState>, id: i64) -> Result<Rule> {
    Ok(state.library.remove_rule(id).await?)
}

/// How many stored stories a rule being written would match ("matches N stored stories").
#[tauri::command]
pub async fn count_rule_matches(state: State<'_, AppState>, spec: RuleSpec) -> Result<usize> {
    Ok(state.library.count_rule_matches(spec).await?)
}

/// Whether the person hears of a feed's new stories (the feed details' switch).
#[tauri::command]
pub async fn set_feed_notify(state: State<'_, AppState>, id: i64, on: bool) -> Result<()> {
    Ok(state.library.set_feed_notify(id, on).await?)
}

/// Renames a folder; returns the feeds that were in it.
#[tauri::command]
pub async fn rename_folder(
    state: State<'_, AppState>,
    name: String,
    new_name: String,
) -> Result<Vec<i64>> {
    Ok(state.library.rename_folder(name, new_name).await?)
}

/// Deletes a folder, keeping its feeds; returns them, for `restore_folder` (Undo).
#[tauri::command]
pub async fn delete_folder(state: State<'_, AppState>, name: String) -> Result<Vec<i64>> {
    Ok(state.library.delete_folder(name).await?)
}

/// Puts a deleted folder's feeds back into it.
#[tauri::command]
pub async fn restore_folder(
    state: State<'_, AppState>,
    name: String,
    feeds: Vec<i64>,
) -> Result<()> {
    Ok(state.library.restore_folder(name, feeds).await?)
}

#[cfg(test)]
mod tests {
    use super::may_open_externally;

    #[test]
    fn only_web_and_mail_links_open_in_the_system_browser() {
        for ok in [
            "https://news.example/a",
            "http://news.example/",
            "mailto:desk@news.example",
        ] {
            assert!(may_open_externally(ok), "{ok}");
        }
        for bad in [
            "javascript:alert(1)",
            "file:///etc/passwd",
            "smb://10.0.0.5/s",
            "ms-msdt:/id PCWDiagnostic",
            "ssh://h",
            "magnet:?xt=urn:x",
            "data:text/html,x",
            "not a url",
        ] {
            assert!(!may_open_externally(bad), "{bad}");
        }
    }
}
