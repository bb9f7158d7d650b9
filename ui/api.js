// The window's only door to the engine: one function per app command (src-tauri/commands.rs).
// Every value crossing here was produced, sanitized and stored by the engine; the UI renders.

/**
 * @typedef {{kind: string, message: string, at: string}} FeedHealth
 * @typedef {{id: number, title: string, url: string, site_url: string|null, folder: string|null,
 *   unread: number, full_story: boolean, last_refreshed: string|null, error: FeedHealth|null,
 *   icon: string|null}} Feed
 *   `icon` is the feed's icon on the app's image scheme, or null (the sidebar shows a monogram).
 * @typedef {{id: number, name: string}} Folder
 * @typedef {{id: number, feed_id: number|null, feed_title: string|null, title: string,
 *   url: string|null, author: string|null, published: string, read: boolean,
 *   bookmarked: boolean, excerpt: string}} ArticleSummary
 * @typedef {{title: string, url: string}} RelatedLink
 * @typedef {{url: string, cached: boolean}} ArticleImage
 * @typedef {ArticleSummary & {html: string, text: string, site_name: string|null,
 *   lead_image: string|null, related: RelatedLink[], images: ArticleImage[],
 *   reading_minutes: number}} ArticleView
 *   `html` is sanitized, with cached pictures pointing at the app's image scheme and uncached
 *   ones removed; `lead_image` likewise points at the image scheme, or is null.
 * @typedef {{feed_id?: number|null, folder?: string|null, unread_only?: boolean,
 *   bookmarked_only?: boolean, search?: string|null, limit?: number, offset?: number}} ArticleQuery
 * @typedef {{feed_id: number, kind: string, message: string}} RefreshError
 * @typedef {{feeds: number, refreshed: number, not_modified: number, new_articles: number,
 *   updated_articles: number, errors: RefreshError[]}} RefreshReport
 * @typedef {{done: number, total: number}} RefreshProgress
 * @typedef {{url: string, title: string|null}} FeedCandidate
 * @typedef {Feed & {created: boolean}} Subscription
 * @typedef {{added: number, already_subscribed: number, skipped: number}} ImportReport
 * @typedef {{theme: 'system'|'light'|'dark', text_size: number, font: 'serif'|'sans',
 *   refresh_minutes: number, retention_days: number, image_budget_mb: number,
 *   sidebar_width: number, list_width: number}} Settings
 * @typedef {{version: string, data_dir: string}} AppInfo
 * @typedef {{kind: string, message: string}} AppError  What every failed command rejects with.
 * @typedef {{icons: number, pictures: number}} LibraryUpdate  What the background worker added.
 */

/** The bridge Tauri injects (`withGlobalTauri`), or undefined outside the app window. @returns {any} */
const tauriGlobal = () => /** @type {any} */ (window).__TAURI__;

/** @returns {{invoke: (cmd: string, args?: object) => Promise<any>, Channel: any}} */
function tauriCore() {
  const tauri = tauriGlobal();
  if (!tauri || !tauri.core) {
    throw { kind: 'no_backend', message: 'Broadsheet must run inside its app window.' };
  }
  return tauri.core;
}

/**
 * Calls a command; failures always reject with an AppError, never a bare string.
 * @param {string} cmd
 * @param {object} [args]
 */
async function call(cmd, args) {
  try {
    return await tauriCore().invoke(cmd, args);
  } catch (e) {
    const err = /** @type {any} */ (e);
    if (err && typeof err === 'object' && typeof err.kind === 'string') throw err;
    throw { kind: 'internal', message: String(err && err.message ? err.message : err) };
  }
}

/** @returns {Promise<AppInfo>} */
export const appInfo = () => call('app_info');
/** @returns {Promise<Feed[]>} */
export const listFeeds = () => call('list_feeds');
/**
 * Calls `handler` each time the engine's background worker has added feed icons or story
 * pictures (after a refresh or a subscription, the stories show first and these follow).
 * @param {(update: LibraryUpdate) => void} handler
 */
export function onLibraryUpdated(handler) {
  const tauri = tauriGlobal();
  if (!tauri || !tauri.event) return;
  void tauri.event.listen('library-updated', (/** @type {{payload: LibraryUpdate}} */ e) => handler(e.payload));
}
/** @returns {Promise<Folder[]>} */
export const listFolders = () => call('list_folders');
/** @param {ArticleQuery} query @returns {Promise<ArticleSummary[]>} */
export const listArticles = (query) => call('list_articles', { query });
/** @param {number} id @returns {Promise<ArticleView>} */
export const getArticle = (id) => call('get_article', { id });
/** @param {number} id @param {boolean} read @returns {Promise<void>} */
export const setRead = (id, read) => call('set_read', { id, read });
/** @param {number} id @param {boolean} bookmarked @returns {Promise<void>} */
export const setBookmarked = (id, bookmarked) => call('set_bookmarked', { id, bookmarked });
/** @param {number|null} feedId @returns {Promise<number>} how many were marked */
export const markAllRead = (feedId) => call('mark_all_read', { feedId });
/** @param {string} url @returns {Promise<FeedCandidate[]>} */
export const discoverFeeds = (url) => call('discover_feeds', { url });
/** @param {string} url @param {string|null} folder @returns {Promise<Subscription>} */
export const subscribe = (url, folder) => call('subscribe', { url, folder });
/**
 * Refreshes every feed (feedId null) or one, reporting progress as it goes.
 * @param {number|null} feedId
 * @param {(p: RefreshProgress) => void} onProgress
 * @returns {Promise<RefreshReport>}
 */
export function refresh(feedId, onProgress) {
  const channel = new (tauriCore().Channel)();
  channel.onmessage = onProgress;
  return call('refresh', { feedId, onProgress: channel });
}
/** @param {number} id @param {string|null} title @returns {Promise<void>} */
export const renameFeed = (id, title) => call('rename_feed', { id, title });
/** @param {number} id @param {string|null} folder @returns {Promise<void>} */
export const moveFeed = (id, folder) => call('move_feed', { id, folder });
/** @param {number} id @returns {Promise<void>} */
export const unsubscribe = (id) => call('unsubscribe', { id });
/** @param {number} id @param {boolean} on @returns {Promise<void>} */
export const setFullStory = (id, on) => call('set_full_story', { id, on });
/**
 * Opens a link inside the reader: fetched, extracted, sanitized and kept by the engine.
 * @param {string} url @param {number|null} fromArticle the article whose link was followed
 * @returns {Promise<ArticleView>}
 */
export const openLink = (url, fromArticle) => call('open_link', { url, fromArticle });
/** Opens http, https or mailto links in the system browser; anything else is refused.
 * @param {string} url @returns {Promise<void>} */
export const openExternal = (url) => call('open_external', { url });
/** Native open dialog, then import. @returns {Promise<ImportReport|null>} null if cancelled */
export const importOpml = () => call('import_opml');
/** Native save dialog, then export. @returns {Promise<string|null>} the path, null if cancelled */
export const exportOpml = () => call('export_opml');
/** Native save dialog, then export one article.
 * @param {number} id @param {'html'|'markdown'} format @returns {Promise<string|null>} */
export const exportArticle = (id, format) => call('export_article', { id, format });
/** @returns {Promise<Settings>} */
export const getSettings = () => call('get_settings');
/** @param {Settings} settings @returns {Promise<Settings>} what was saved (values in range) */
export const saveSettings = (settings) => call('save_settings', { settings });
/** Renames a folder (into another's name: the two become one).
 * @param {string} name @param {string} newName @returns {Promise<number[]>} the feeds that were in it */
export const renameFolder = (name, newName) => call('rename_folder', { name, newName });
/** Deletes a folder; its feeds stay, out of any folder.
 * @param {string} name @returns {Promise<number[]>} those feeds, for restoreFolder */
export const deleteFolder = (name) => call('delete_folder', { name });
/** Puts a deleted folder's feeds back into it (Undo).
 * @param {string} name @param {number[]} feeds @returns {Promise<void>} */
export const restoreFolder = (name, feeds) => call('restore_folder', { name, feeds });
