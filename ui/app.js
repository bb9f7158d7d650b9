// Startup, the window's state, refresh, keyboard and layout. The panes live in their own
// modules (sidebar.js, list.js, reader.js); this file connects them to each other and to
// the engine through api.js. Every call is awaited in a try/catch and errors become toasts.
import * as api from './api.js';
import { byId, errorText, searchWords } from './dom.js';
import { addSubscription, anyDialogOpen, chooseLinkAction, editFeed, showShortcuts } from './dialogs.js';
import { ArticleList } from './list.js';
import { Reader } from './reader.js';
import { isDark, onSystemThemeChange, openSettings } from './settings.js';
import { Sidebar } from './sidebar.js';
import { showError, toast } from './toast.js';

/** @typedef {import('./api.js').Settings} Settings */
/** @typedef {import('./api.js').Feed} Feed */
/** @typedef {import('./api.js').ArticleSummary} ArticleSummary */
/** @typedef {import('./sidebar.js').Source} Source */

/** Errors a refresh reports when the network itself is gone, rather than one feed failing. */
const NETWORK_ERROR_KINDS = new Set(['connect', 'timeout', 'dns', 'network']);

const state = {
  /** @type {Settings} */
  settings: {
    theme: 'system', text_size: 18, font: 'serif', refresh_minutes: 30, retention_days: 90,
    image_budget_mb: 500, sidebar_width: 240, list_width: 360,
  },
  /** @type {Feed[]} */
  feeds: [],
  /** @type {string[]} */
  folders: [],
  /** @type {'all'|'unread'|'bookmarked'} */
  filter: 'all',
  search: '',
  refreshing: false,
  /** True while the last refresh failed for network reasons only. */
  networkDown: false,
  /** @type {number|undefined} */
  timer: undefined,
};

window.addEventListener('unhandledrejection', (e) => {
  e.preventDefault();
  toast(errorText(e.reason), 'error');
});
window.addEventListener('error', (e) => {
  toast(errorText(e.error ?? e.message), 'error');
});

const app = byId('app', HTMLElement);
const sidebar = new Sidebar(byId('sources', HTMLElement), {
  onSelect: (source) => {
    setPane('list');
    void showList();
    void source;
  },
  onEdit: (feed) => void editFeedDetails(feed),
  onChanged: () => loadFeeds().then(() => showList(true)),
  onMarkAllRead: () => markAllRead(),
  // The details dialog holds Unsubscribe and its confirmation.
  onUnsubscribe: (feed) => editFeedDetails(feed),
});
const list = new ArticleList(
  byId('list', HTMLElement),
  byId('list-spacer', HTMLElement),
  byId('list-empty', HTMLElement),
  (article) => void openArticle(article),
  {
    setRead: (id, read) => setRead(id, read),
    changed: (id, patch) => { if (reader.view?.id === id) reader.patch(patch); },
  },
);
const reader = new Reader({
  onShown: (view) => {
    setPane('reader');
    list.update(view.id, { read: view.read, bookmarked: view.bookmarked });
  },
  onLink: (url) => void linkActivated(url),
  onKey: (e) => onKey(e),
});

/** Which pane a narrow window shows. @param {'sidebar'|'list'|'reader'} pane */
function setPane(pane) {
  app.dataset.pane = pane;
}

// ----- the list -----

/** The query for the selected source, filter and search. */
function currentQuery() {
  const source = sidebar.source;
  /** @type {import('./api.js').ArticleQuery} */
  const query = {
    unread_only: state.filter === 'unread' || source.kind === 'unread',
    bookmarked_only: state.filter === 'bookmarked' || source.kind === 'bookmarks',
    search: state.search.trim() || null,
  };
  if (source.kind === 'feed') query.feed_id = source.id;
  if (source.kind === 'folder') query.folder = source.name;
  return query;
}

/** What the empty list says, for the current source and filter. */
function emptyText() {
  if (state.search.trim()) return { title: 'No matches', text: `Nothing in this list mentions “${state.search.trim()}”.` };
  const source = sidebar.source;
  if (source.kind === 'bookmarks' || state.filter === 'bookmarked') {
    return { title: 'No bookmarks yet', text: 'Press b on a story to keep it here for good.' };
  }
  if (source.kind === 'unread' || state.filter === 'unread') {
    return { title: 'All caught up', text: 'There is nothing unread here.' };
  }
  return { title: 'No articles yet', text: 'New stories appear here after a refresh.' };
}

/** Reloads the list for the current source. @param {boolean} [keep] keep the selection */
async function showList(keep = false) {
  byId('list-title', HTMLElement).textContent = state.search.trim()
    ? `Search: ${state.search.trim()}`
    : sidebar.title(sidebar.source);
  const current = keep ? list.current() : null;
  await list.show(currentQuery(), searchWords(state.search), emptyText(), current ? current.id : null);
}

/** @param {'all'|'unread'|'bookmarked'} filter */
function setFilter(filter) {
  state.filter = filter;
  for (const f of /** @type {const} */ (['all', 'unread', 'bookmarked'])) {
    byId(`filter-${f}`, HTMLButtonElement).setAttribute('aria-pressed', f === filter ? 'true' : 'false');
  }
  void showList();
}

/** @param {ArticleSummary} article */
async function openArticle(article) {
  // The story already shown is not fetched again: a reply that raced a bookmark or a
  // mark-read made meanwhile would show the state from before it.
  if (reader.view?.id !== article.id) await reader.open(article.id);
  if (!article.read && reader.view && reader.view.id === article.id) {
    await setRead(article.id, true);
  }
}

/** @param {number} id @param {boolean} read */
async function setRead(id, read) {
  try {
    await api.setRead(id, read);
    list.update(id, { read });
    if (reader.view && reader.view.id === id) reader.patch({ read });
    await loadFeeds();
  } catch (err) {
    showError(err);
  }
}

async function toggleBookmark() {
  const view = reader.view;
  if (!view) return;
  const on = !view.bookmarked;
  try {
    await api.setBookmarked(view.id, on);
    reader.patch({ bookmarked: on });
    list.update(view.id, { bookmarked: on });
    toast(on ? 'Bookmarked: kept for good, pictures included.' : 'Bookmark removed.');
  } catch (err) {
    showError(err);
  }
}

async function toggleRead() {
  const view = reader.view ?? null;
  if (view) {
    await setRead(view.id, !view.read);
    return;
  }
  const current = list.current();
  if (current) await setRead(current.id, !current.read);
}

async function openOriginal() {
  const url = reader.view?.url ?? list.current()?.url ?? null;
  if (!url) return;
  try {
    await api.openExternal(url);
  } catch (err) {
    showError(err);
  }
}

/** @param {'html'|'markdown'} format */
async function exportStory(format) {
  const view = reader.view;
  if (!view) return;
  try {
    const path = await api.exportArticle(view.id, format);
    if (path) toast(`Saved to ${path}`);
  } catch (err) {
    showError(err);
  }
}

/** A link in the story was activated: read it here, or in the browser. @param {string} url */
async function linkActivated(url) {
  let absolute;
  try {
    absolute = new URL(url, reader.view?.url ?? undefined).href;
  } catch {
    toast(`Broadsheet cannot open “${url}”.`, 'error');
    return;
  }
  // Only web and mail links go anywhere; javascript:, file: and the like are inert.
  if (!/^(https?|mailto):/i.test(absolute)) {
    toast(`Broadsheet does not open ${absolute.split(':')[0]}: links.`, 'error');
    return;
  }
  if (absolute.startsWith('mailto:')) {
    await api.openExternal(absolute).catch(showError);
    return;
  }
  const choice = await chooseLinkAction(absolute);
  if (choice === 'here') await reader.follow(absolute);
  if (choice === 'browser') await api.openExternal(absolute).catch(showError);
}

async function markAllRead() {
  const source = sidebar.source;
  const feedId = source.kind === 'feed' ? source.id : null;
  try {
    if (source.kind === 'folder') {
      await Promise.all(state.feeds.filter((f) => f.folder === source.name).map((f) => api.markAllRead(f.id)));
    } else {
      await api.markAllRead(feedId);
    }
    list.markAllShownRead();
    await loadFeeds();
    await showList(true);
  } catch (err) {
    showError(err);
  }
}

// ----- feeds -----

async function loadFeeds() {
  try {
    const [feeds, folders] = await Promise.all([api.listFeeds(), api.listFolders()]);
    state.feeds = feeds;
    state.folders = folders.map((f) => f.name);
    sidebar.render(feeds, folders);
    byId('welcome', HTMLElement).hidden = feeds.length > 0 || list.items.length > 0;
    app.classList.toggle('is-welcome', feeds.length === 0 && list.items.length === 0);
  } catch (err) {
    showError(err);
  }
}

async function addFeed() {
  if (anyDialogOpen()) return;
  const sub = await addSubscription(state.folders);
  if (!sub) return;
  toast(sub.created ? `Subscribed to ${sub.title}.` : `You already follow ${sub.title}.`);
  await loadFeeds();
  sidebar.select({ kind: 'feed', id: sub.id });
  byId('welcome', HTMLElement).hidden = true;
  app.classList.remove('is-welcome');
}

/** @param {Feed} feed */
async function editFeedDetails(feed) {
  const changed = await editFeed(feed, state.folders);
  if (!changed) return;
  await loadFeeds();
  if (sidebar.source.kind === 'feed' && !state.feeds.some((f) => f.id === feed.id)) {
    sidebar.select({ kind: 'all' });
  } else {
    await showList(true);
  }
}

async function importOpml() {
  try {
    const report = await api.importOpml();
    if (!report) return;
    toast(`Imported ${report.added} feeds (${report.already_subscribed} already followed, ${report.skipped} skipped). Fetching them now…`);
    await loadFeeds();
    await refresh();
  } catch (err) {
    showError(err);
  }
}

async function exportOpml() {
  try {
    const path = await api.exportOpml();
    if (path) toast(`Subscriptions saved to ${path}`);
  } catch (err) {
    showError(err);
  }
}

// ----- refresh and the offline state -----

async function refresh() {
  if (state.refreshing || state.feeds.length === 0) return;
  state.refreshing = true;
  const progress = byId('progress', HTMLElement);
  const bar = byId('progress-bar', HTMLElement);
  const button = byId('btn-refresh', HTMLButtonElement);
  button.classList.add('is-spinning');
  button.setAttribute('aria-label', 'Refreshing…');
  progress.hidden = false;
  bar.style.width = '3%';
  try {
    const report = await api.refresh(null, (p) => {
      const percent = p.total > 0 ? Math.round((p.done / p.total) * 100) : 0;
      bar.style.width = `${Math.max(3, percent)}%`;
      progress.setAttribute('aria-valuenow', String(percent));
    });
    const networkOnly = report.errors.length > 0
      && report.errors.length >= report.feeds
      && report.errors.every((e) => NETWORK_ERROR_KINDS.has(e.kind));
    state.networkDown = networkOnly;
    updateOffline();
    if (report.errors.length > 0 && !networkOnly) {
      toast(`${report.errors.length} of ${report.feeds} feeds could not be refreshed; their stories stay as they were.`, 'error');
    }
    await loadFeeds();
    await showList(true);
  } catch (err) {
    showError(err);
  } finally {
    state.refreshing = false;
    progress.hidden = true;
    button.classList.remove('is-spinning');
    button.setAttribute('aria-label', 'Refresh all feeds');
  }
}

function updateOffline() {
  byId('offline', HTMLElement).hidden = navigator.onLine && !state.networkDown;
}

function scheduleRefresh() {
  if (state.timer !== undefined) clearInterval(state.timer);
  state.timer = undefined;
  const minutes = state.settings.refresh_minutes;
  if (minutes > 0) state.timer = window.setInterval(() => void refresh(), minutes * 60_000);
}

// ----- settings and layout -----

/** @param {Settings} s */
function applySettings(s) {
  state.settings = s;
  const dark = isDark(s);
  document.documentElement.dataset.theme = dark ? 'dark' : 'light';
  reader.setAppearance({ dark, font: s.font, size: s.text_size });
  app.style.setProperty('--sidebar-width', `${s.sidebar_width}px`);
  app.style.setProperty('--list-width', `${s.list_width}px`);
  byId('split-sidebar', HTMLElement).setAttribute('aria-valuenow', String(s.sidebar_width));
  byId('split-list', HTMLElement).setAttribute('aria-valuenow', String(s.list_width));
  scheduleRefresh();
}

/**
 * A draggable, keyboard-operable divider between two panes; the width is saved on release.
 * @param {string} id @param {'sidebar_width'|'list_width'} key @param {number} min @param {number} max
 */
function splitter(id, key, min, max) {
  const el = byId(id, HTMLElement);
  const cssVar = key === 'sidebar_width' ? '--sidebar-width' : '--list-width';
  const set = (/** @type {number} */ width) => {
    const clamped = Math.round(Math.max(min, Math.min(max, width)));
    state.settings = { ...state.settings, [key]: clamped };
    app.style.setProperty(cssVar, `${clamped}px`);
    el.setAttribute('aria-valuenow', String(clamped));
  };
  const save = async () => {
    try {
      state.settings = await api.saveSettings(state.settings);
    } catch (err) {
      showError(err);
    }
  };
  el.setAttribute('aria-valuemin', String(min));
  el.setAttribute('aria-valuemax', String(max));
  el.addEventListener('pointerdown', (e) => {
    el.setPointerCapture(e.pointerId);
    const startX = e.clientX;
    const start = state.settings[key];
    const move = (/** @type {PointerEvent} */ m) => set(start + m.clientX - startX);
    const up = () => {
      el.removeEventListener('pointermove', move);
      el.removeEventListener('pointerup', up);
      void save();
    };
    el.addEventListener('pointermove', move);
    el.addEventListener('pointerup', up);
  });
  el.addEventListener('keydown', (e) => {
    const step = e.shiftKey ? 40 : 10;
    if (e.key === 'ArrowLeft') set(state.settings[key] - step);
    else if (e.key === 'ArrowRight') set(state.settings[key] + step);
    else return;
    e.preventDefault();
    e.stopPropagation();
    void save();
  });
}

// ----- keyboard -----

/** @param {KeyboardEvent} e */
function onKey(e) {
  // Copy what is selected in the story, unless the window has a selection of its own.
  const inField = e.target instanceof HTMLInputElement || e.target instanceof HTMLTextAreaElement;
  if ((e.ctrlKey || e.metaKey) && !e.altKey && e.key.toLowerCase() === 'c' && !inField
    && (window.getSelection()?.isCollapsed ?? true) && reader.copySelection()) {
    e.preventDefault();
    return;
  }
  if (e.ctrlKey || e.metaKey || e.altKey) return;
  if (anyDialogOpen()) return;
  const target = /** @type {HTMLElement|null} */ (e.target instanceof HTMLElement ? e.target : null);
  const typing = target && (target.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(target.tagName));
  if (typing) {
    if (e.key === 'Escape' && target instanceof HTMLInputElement && target.id === 'search') {
      target.value = '';
      state.search = '';
      target.blur();
      byId('list', HTMLElement).focus();
      void showList();
      e.preventDefault();
    }
    return;
  }
  const onControl = target && (target.tagName === 'BUTTON' || target.tagName === 'A');
  switch (e.key) {
    case 'j': case 'ArrowDown':
      if (e.key === 'ArrowDown' && target?.id !== 'list') return;
      list.move(1); break;
    case 'k': case 'ArrowUp':
      if (e.key === 'ArrowUp' && target?.id !== 'list') return;
      list.move(-1); break;
    case 'Enter':
      if (onControl) return;
      if (!reader.activateLink()) void openOriginal();
      break;
    case 'l': if (!reader.cycleLink(1)) return; break;
    case 'L': if (!reader.cycleLink(-1)) return; break;
    case 'o': void openOriginal(); break;
    case 'b': void toggleBookmark(); break;
    case 'm': void toggleRead(); break;
    case 'r': void refresh(); break;
    case '/': byId('search', HTMLInputElement).focus(); break;
    case 'a': void addFeed(); break;
    case '?': showShortcuts(); break;
    case 'Escape': void escape(); break;
    default: return;
  }
  e.preventDefault();
}

async function escape() {
  if (await reader.back()) return;
  if (app.dataset.pane === 'reader') {
    setPane('list');
    byId('list', HTMLElement).focus();
  } else if (app.dataset.pane === 'sidebar') {
    setPane('list');
  }
}

// ----- wiring -----

function wire() {
  document.addEventListener('keydown', onKey);
  /** @param {string} id @param {() => unknown} f */
  const click = (id, f) => byId(id, HTMLButtonElement).addEventListener('click', () => void f());
  click('btn-add', addFeed);
  click('welcome-add', addFeed);
  click('btn-refresh', refresh);
  click('btn-import', importOpml);
  click('welcome-import', importOpml);
  click('btn-export', exportOpml);
  click('btn-shortcuts', showShortcuts);
  click('btn-settings', () => openSettings(state.settings, applySettings));
  click('btn-mark-all', markAllRead);
  click('filter-all', () => setFilter('all'));
  click('filter-unread', () => setFilter('unread'));
  click('filter-bookmarked', () => setFilter('bookmarked'));
  click('btn-bookmark', toggleBookmark);
  click('btn-unread', toggleRead);
  click('btn-original', openOriginal);
  click('btn-export-html', () => exportStory('html'));
  click('btn-export-md', () => exportStory('markdown'));
  click('btn-to-list', () => setPane('list'));
  click('btn-show-sidebar', () => setPane(app.dataset.pane === 'sidebar' ? 'list' : 'sidebar'));

  const search = byId('search', HTMLInputElement);
  /** @type {number|undefined} */
  let debounce;
  search.addEventListener('input', () => {
    clearTimeout(debounce);
    debounce = window.setTimeout(() => {
      state.search = search.value;
      void showList();
    }, 200);
  });
  search.addEventListener('keydown', (e) => {
    if (e.key === 'Enter') {
      clearTimeout(debounce);
      state.search = search.value;
      void showList().then(() => list.select(0, false));
      byId('list', HTMLElement).focus();
    }
  });

  splitter('split-sidebar', 'sidebar_width', 180, 420);
  splitter('split-list', 'list_width', 260, 640);
  window.addEventListener('online', updateOffline);
  window.addEventListener('offline', updateOffline);
  onSystemThemeChange(() => applySettings(state.settings));
}

async function start() {
  wire();
  api.onLibraryUpdated((update) => {
    if (update.icons > 0) void loadFeeds();
    if (update.pictures > 0) void reader.picturesArrived();
  });
  try {
    applySettings(await api.getSettings());
  } catch (err) {
    showError(err);
  }
  await loadFeeds();
  await showList();
  // A list with stories but no feeds (only saved pages) is not a first run.
  byId('welcome', HTMLElement).hidden = state.feeds.length > 0 || list.items.length > 0;
  app.classList.toggle('is-welcome', state.feeds.length === 0 && list.items.length === 0);
  updateOffline();
  document.documentElement.classList.add('is-ready');
  // Refresh at launch only when the last one is older than the interval.
  const minutes = state.settings.refresh_minutes;
  const newest = Math.max(0, ...state.feeds.map((f) => (f.last_refreshed ? Date.parse(f.last_refreshed) : 0)));
  if (minutes > 0 && state.feeds.length > 0 && Date.now() - newest > minutes * 60_000) void refresh();
}

void start();
