// The window's only door to the engine: one function per app command (src-tauri/commands.rs).
// Every value crossing here was produced, sanitized and stored by the engine; the UI renders.

/**
 * The types of what crosses the bridge are generated from the Rust types (src-tauri/bindings.rs),
 * so they cannot drift from the engine; see ui/bindings.d.ts.
 * @typedef {import('./bindings').ErrorKind} ErrorKind
 * @typedef {import('./bindings').AppError} AppError
 * @typedef {import('./bindings').AppInfo} AppInfo
 * @typedef {import('./bindings').FeedHealth} FeedHealth
 * @typedef {import('./bindings').Feed} Feed
 * @typedef {import('./bindings').Folder} Folder
 * @typedef {import('./bindings').ArticleSummary} ArticleSummary
 * @typedef {import('./bindings').RelatedLink} RelatedLink
 * @typedef {import('./bindings').ArticleImage} ArticleImage
 * @typedef {import('./bindings').Article} Article
 * @typedef {import('./bindings').ArticleView} ArticleView
 * @typedef {import('./bindings').ArticleQuery} ArticleQuery
 * @typedef {import('./bindings').RefreshError} RefreshError
 * @typedef {import('./bindings').RefreshReport} RefreshReport
 * @typedef {import('./bindings').RefreshProgress} RefreshProgress
 * @typedef {import('./bindings').Settings} Settings
 * @typedef {import('./bindings').FeedCandidate} FeedCandidate
 * @typedef {import('./bindings').Subscription} Subscription
 * @typedef {import('./bindings').ImportReport} ImportReport
 * @typedef {import('./bindings').ExportFormat} ExportFormat
 * @typedef {import('./bindings').Range} Range
 * @typedef {import('./bindings').SettingsLimits} SettingsLimits  The engine's defaults and ranges.
 * @typedef {Settings['link_open']} LinkOpen  How a story's link opens.
 * @typedef {import('./bindings').LibraryUpdated} LibraryUpdate  What the background worker added.
 * @typedef {import('./bindings').Account} Account  A sync account (its password is never here).
 * @typedef {import('./bindings').SyncReport} SyncReport
 * @typedef {import('./bindings').SyncProgress} SyncProgress  How far an account's sync has got.
 * @typedef {import('./bindings').Rule} Rule
 * @typedef {import('./bindings').RuleSpec} RuleSpec
 * @typedef {import('./bindings').RuleField} RuleField
 * @typedef {import('./bindings').RuleAction} RuleAction
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
/**
 * Calls `handler` with a story's id when the person clicked a notification of new stories
 * (the engine has brought the window forward; the first story it named is to be opened).
 * @param {(id: number) => void} handler
 */
export function onOpenArticle(handler) {
  const tauri = tauriGlobal();
  if (!tauri || !tauri.event) return;
  void tauri.event.listen('open-article', (/** @type {{payload: number}} */ e) => handler(e.payload));
}
/**
 * Calls `handler` as each account's sync goes (its phase, then the stories fetched so far, then
 * "finished"), whoever started the sync: a refresh, a new account, a subscription.
 * @param {(progress: SyncProgress) => void} handler
 */
export function onSyncProgress(handler) {
  const tauri = tauriGlobal();
  if (!tauri || !tauri.event) return;
  void tauri.event.listen('sync-progress', (/** @type {{payload: SyncProgress}} */ e) => handler(e.payload));
}
/** @returns {Promise<Folder[]>} */
export const listFolders = () => call('list_folders');
/** @param {ArticleQuery} query @returns {Promise<ArticleSummary[]>} */
export const listArticles = (query) => call('list_articles', { query });
/** @param {number} id @returns {Promise<ArticleView>} */
export const getArticle = (id) => call('get_article', { id });
/** @param {number} id @param {boolean} read @returns {Promise<void>} */
export const setRead = (id, read) => call('set_read', { id, read });
/** Marks every article of `id`'s story (the same event from other outlets) read or unread.
 * @param {number} id @param {boolean} read @returns {Promise<number>} how many changed */
export const setStoryRead = (id, read) => call('set_story_read', { id, read });
/** @param {number} id @param {boolean} bookmarked @returns {Promise<void>} */
export const setBookmarked = (id, bookmarked) => call('set_bookmarked', { id, bookmarked });
/**
 * Marks read every unread story the list `query` shows (all pages of it).
 * @param {ArticleQuery} query @returns {Promise<number[]>} the ids marked, for an undo
 */
export const markQueryRead = (query) => call('mark_query_read', { query });
/** Marks exactly these stories read or unread (an undo of markQueryRead).
 * @param {number[]} ids @param {boolean} read @returns {Promise<number>} how many changed */
export const setReadMany = (ids, read) => call('set_read_many', { ids, read });
/** @param {string} url @param {boolean} [localNetwork] look on the local network by name too
 * @returns {Promise<FeedCandidate[]>} */
export const discoverFeeds = (url, localNetwork = false) => call('discover_feeds', { url, localNetwork });
/** @param {string} url @param {string|null} folder
 * @param {boolean} [localNetwork] let the feed reach the local network by name
 * @returns {Promise<Subscription>} */
export const subscribe = (url, folder, localNetwork = false) => call('subscribe', { url, folder, localNetwork });
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
/** Whether a feed may reach the local network by name. @param {number} id @param {boolean} on
 * @returns {Promise<void>} */
export const setLocalNetwork = (id, on) => call('set_local_network', { id, on });
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
/** Every setting's default and allowed values (the engine owns them). @returns {Promise<SettingsLimits>} */
export const settingsLimits = () => call('settings_limits');
/** Points a feed at a new address, keeping its stories (a bare `example.com` means https).
 * @param {number} id @param {string} url @returns {Promise<void>} */
export const setFeedUrl = (id, url) => call('set_feed_url', { id, url });
/** Renames a folder (into another's name: the two become one).
 * @param {string} name @param {string} newName @returns {Promise<number[]>} the feeds that were in it */
export const renameFolder = (name, newName) => call('rename_folder', { name, newName });
/** Deletes a folder; its feeds stay, out of any folder.
 * @param {string} name @returns {Promise<number[]>} those feeds, for restoreFolder */
export const deleteFolder = (name) => call('delete_folder', { name });
/** Puts a deleted folder's feeds back into it (Undo).
 * @param {string} name @param {number[]} feeds @returns {Promise<void>} */
export const restoreFolder = (name, feeds) => call('restore_folder', { name, feeds });
/** @returns {Promise<Account[]>} */
export const listAccounts = () => call('list_accounts');
/**
 * Logs in, then keeps the account (the password goes to the system's credential store).
 * @param {string} url @param {string} user @param {string} password @returns {Promise<Account>}
 */
export const addAccount = (url, user, password) => call('add_account', { kind: 'greader', url, user, password });
/** @param {number} id @returns {Promise<void>} */
export const removeAccount = (id) => call('remove_account', { id });
/** @returns {Promise<SyncReport>} */
export const syncAccounts = () => call('sync_accounts');
/** Every rule, oldest first (expired ones too). @returns {Promise<Rule[]>} */
export const listRules = () => call('list_rules');
/** Adds a rule; it applies to the stored stories at once. @param {RuleSpec} spec @returns {Promise<Rule>} */
export const addRule = (spec) => call('add_rule', { spec });
/** @param {number} id @param {RuleSpec} spec @returns {Promise<Rule>} */
export const updateRule = (id, spec) => call('update_rule', { id, spec });
/** Removes a rule; what only it hid comes back. @param {number} id @returns {Promise<Rule>} */
export const removeRule = (id) => call('remove_rule', { id });
/** How many stored stories a rule would match, without saving it.
 * @param {RuleSpec} spec @returns {Promise<number>} */
export const countRuleMatches = (spec) => call('count_rule_matches', { spec });
/** Whether the person hears of a feed's new stories. @param {number} id @param {boolean} on
 * @returns {Promise<void>} */
export const setFeedNotify = (id, on) => call('set_feed_notify', { id, on });
