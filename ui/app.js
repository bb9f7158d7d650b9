// Startup, the window's state, refresh and layout. The panes live in their own
// modules (sidebar.js, list.js, reader.js); this file connects them to each other and to
// the engine through api.js. Every call is awaited in a try/catch and errors become toasts.
import * as api from './api.js';
import { byId, errorText, isolate, searchWords } from './dom.js';
import { addSubscription, anyDialogOpen, confirmAction, confirmUnsubscribe, editFeed, showShortcuts } from './dialogs.js';
import { keyHandler } from './keyboard.js';
import { routeLink } from './links.js';
import { announceSyncChanges, noteSync, syncText } from './accounts.js';
import { ArticleList, ROW_HEIGHT } from './list.js';
import { Reader } from './reader.js';
import { MUTE_DAYS, muteFeedFor, openRules } from './rules.js';
import { isDark, onSystemThemeChange, openSettings } from './settings.js';
import { Sidebar } from './sidebar.js';
import { offerUndo, settleUndo, showError, toast, undoLast } from './toast.js';

/** @typedef {import('./api.js').Settings} Settings */
/** @typedef {import('./api.js').Feed} Feed */
/** @typedef {import('./api.js').ArticleSummary} ArticleSummary */
/** @typedef {import('./sidebar.js').Source} Source */

const state = {
  // Both come from the engine, which owns the defaults and ranges, before anything reads them.
  /** @type {Settings} */
  settings: /** @type {any} */ (null),
  /** @type {import('./api.js').SettingsLimits} */
  limits: /** @type {any} */ (null),
  /** @type {Feed[]} */
  feeds: [],
  /** Feeds unsubscribed while their Undo is still offered: hidden, not yet removed. */
  hiddenFeeds: /** @type {Set<number>} */ (new Set()),
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
    remember(sourceKey(source), 0);
  },
  onEdit: (feed) => void editFeedDetails(feed),
  onChanged: () => loadFeeds().then(() => showList(true)),
  onMarkAllRead: () => markAllRead(),
  onUnsubscribe: async (feed) => {
    if (await confirmUnsubscribe(feed)) await unsubscribe(feed);
  },
});
const list = new ArticleList(
  byId('list', HTMLElement),
  byId('list-spacer', HTMLElement),
  byId('list-empty', HTMLElement),
  (article) => void openArticle(article),
  {
    setRead: (id, read) => setRead(id, read),
    setStoryRead: (id, read) => setStoryRead(id, read),
    feed: (id) => state.feeds.find((f) => f.id === id),
    changed: (id, patch) => { if (reader.view?.id === id) reader.patch(patch); },
  },
);
const reader = new Reader({
  onShown: (view) => {
    setPane('reader');
    list.update(view.id, { read: view.read, bookmarked: view.bookmarked });
    remember(state.settings.last_source, view.id);
  },
  onLink: (url, how) => void linkActivated(url, how),
  onKey: (e) => onKey(e),
});

/** @param {Source} source @returns {string} the source as the sidebar's data-source names it */
function sourceKey(source) {
  if (source.kind === 'feed') return `feed:${source.id}`;
  if (source.kind === 'folder') return `folder:${source.name}`;
  return source.kind;
}

/** @param {string} key @returns {Source|null} the source a key names, if it still exists */
function sourceOf(key) {
  if (key === 'all' || key === 'unread' || key === 'bookmarks') return { kind: key };
  if (key.startsWith('feed:')) {
    const id = Number(key.slice(5));
    return state.feeds.some((f) => f.id === id) ? { kind: 'feed', id } : null;
  }
  if (key.startsWith('folder:')) {
    const name = key.slice(7);
    return state.folders.includes(name) ? { kind: 'folder', name } : null;
  }
  return null;
}

/** @type {number|undefined} */
let rememberTimer;

/**
 * Keeps where the person is (the list's source and the open story), so the next start comes
 * back to it. Saved a moment later, so reading quickly through stories saves once.
 * @param {string} source @param {number} article
 */
function remember(source, article) {
  if (!state.settings) return;
  if (state.settings.last_source === source && state.settings.last_article === article) return;
  state.settings = { ...state.settings, last_source: source, last_article: article };
  clearTimeout(rememberTimer);
  rememberTimer = window.setTimeout(() => {
    api.saveSettings(state.settings).catch(showError);
  }, 800);
}

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
    // One row per story (the engine lists a search per article whatever this says).
    stories: state.settings?.group_stories ?? true,
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

/**
 * Reloads the list for the current source.
 * @param {boolean} [keep] keep the selection @param {number|null} [keepId] or select this story
 */
async function showList(keep = false, keepId = null) {
  byId('list-title', HTMLElement).textContent = state.search.trim()
    ? `Search: ${state.search.trim()}`
    : sidebar.title(sidebar.source);
  const current = keep ? list.current() : null;
  await list.show(currentQuery(), searchWords(state.search), emptyText(), current ? current.id : keepId);
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

/**
 * Marks every article of a listed story read or unread; its row stands for them all.
 * @param {number} id @param {boolean} read
 */
async function setStoryRead(id, read) {
  try {
    await api.setStoryRead(id, read);
    list.update(id, { read });
    if (reader.view && reader.view.id === id) reader.patch({ read });
    await loadFeeds();
  } catch (err) {
    showError(err);
  }
}

/** Lists one row per story, or one per article again, and keeps the choice. */
async function toggleStories() {
  const on = !(state.settings?.group_stories ?? true);
  state.settings = { ...state.settings, group_stories: on };
  showStoriesToggle();
  api.saveSettings(state.settings).catch(showError);
  await showList(true);
}

/** The list header's toggle says whether the list is by story. */
function showStoriesToggle() {
  byId('btn-stories', HTMLButtonElement).setAttribute('aria-pressed', state.settings?.group_stories ?? true ? 'true' : 'false');
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

/**
 * A link in the story was activated: routed as the settings say (links.js).
 * @param {string} url @param {import('./reader.js').LinkHow} how
 */
async function linkActivated(url, how) {
  await routeLink(url, how, {
    base: reader.view?.url ?? null,
    setting: state.settings.link_open,
    follow: (absolute) => reader.follow(absolute),
  });
}

/** How many stories the list could show at once: "a screenful". */
function screenful() {
  return Math.max(1, Math.floor(byId('list', HTMLElement).clientHeight / ROW_HEIGHT));
}

/** How many unread stories the list shows, as far as the window knows before asking. */
function unreadShown() {
  const source = sidebar.source;
  const noFilter = !state.search.trim() && state.filter !== 'bookmarked' && source.kind !== 'bookmarks';
  if (noFilter && (source.kind === 'all' || source.kind === 'unread')) {
    return state.feeds.reduce((n, f) => n + f.unread, 0);
  }
  return list.items.filter((a) => !a.read).length;
}

/**
 * Marks read exactly what the list shows (its source, filter and search) in one engine call,
 * says how many, and offers Undo, which marks exactly those stories unread again. In "All
 * articles", marking more than a screenful asks first.
 */
async function markAllRead() {
  const source = sidebar.source;
  const estimate = unreadShown();
  if (estimate === 0 && list.complete) {
    toast('Nothing here is unread.');
    return;
  }
  if ((source.kind === 'all' || source.kind === 'unread') && estimate > screenful()) {
    const yes = await confirmAction({
      title: `Mark ${estimate} stories as read?`,
      text: 'Every unread story in this list becomes read. Bookmarks stay as they are, and Undo puts them back.',
      action: 'Mark as read',
    });
    if (!yes) return;
  }
  try {
    const ids = await api.markQueryRead(currentQuery());
    list.markAllShownRead();
    await loadFeeds();
    await showList(true);
    if (ids.length === 0) {
      toast('Nothing here was unread.');
      return;
    }
    offerUndo(`Marked ${ids.length} ${ids.length === 1 ? 'story' : 'stories'} as read.`, {
      undo: async () => {
        await api.setReadMany(ids, false);
        if (reader.view && ids.includes(reader.view.id)) reader.patch({ read: false });
        await loadFeeds();
        await showList(true);
      },
    });
  } catch (err) {
    showError(err);
  }
}

// ----- feeds -----

async function loadFeeds() {
  try {
    const [feeds, folders, accounts] = await Promise.all([api.listFeeds(), api.listFolders(), api.listAccounts()]);
    state.feeds = feeds.filter((f) => !state.hiddenFeeds.has(f.id));
    state.folders = folders.map((f) => f.name);
    sidebar.render(state.feeds, folders, accounts);
    announceSyncChanges(accounts);
    byId('welcome', HTMLElement).hidden = feeds.length > 0 || list.items.length > 0;
    app.classList.toggle('is-welcome', feeds.length === 0 && list.items.length === 0);
  } catch (err) {
    showError(err);
  }
}

async function addFeed() {
  if (anyDialogOpen()) return;
  const sub = await addSubscription(state.folders, state.feeds.map((f) => f.url));
  if (!sub) return;
  toast(sub.created ? `Subscribed to ${isolate(sub.title)}.` : `You already follow ${isolate(sub.title)}.`);
  await loadFeeds();
  sidebar.select({ kind: 'feed', id: sub.id });
  byId('welcome', HTMLElement).hidden = true;
  app.classList.remove('is-welcome');
}

/** @param {Feed} feed */
async function editFeedDetails(feed) {
  const changed = await editFeed(feed, state.folders);
  if (changed === 'unsubscribe') {
    await unsubscribe(feed);
    return;
  }
  if (changed === 'retry') await refreshFeed(feed);
  if (changed === 'mute') {
    try {
      await muteFeedFor(feed.id);
      toast(`${isolate(feed.title)} is muted for ${MUTE_DAYS} days.`);
    } catch (err) {
      showError(err);
    }
  }
  if (!changed) return;
  await loadFeeds();
  if (sidebar.source.kind === 'feed' && !state.feeds.some((f) => f.id === feed.id)) {
    sidebar.select({ kind: 'all' });
  } else {
    await showList(true);
  }
}

/**
 * The Rules pane; from a story, prefilled to mute stories like it (its title's words, or its
 * author when the title is empty) and offering to mute its feed for a while.
 * @param {boolean} fromStory
 */
async function showRules(fromStory) {
  const view = fromStory ? reader.view : null;
  const feed = view ? state.feeds.find((f) => f.id === view.feed_id) ?? null : null;
  const byAuthor = !!view && !view.title.trim() && !!view.author;
  await openRules({
    feeds: state.feeds,
    folders: state.folders,
    prefill: view
      ? { field: byAuthor ? 'author' : 'title', pattern: (byAuthor ? view.author : view.title) ?? '', feedId: null }
      : undefined,
    feed,
    onChanged: () => void loadFeeds().then(() => showList(true)),
  });
}

/**
 * Unsubscribes with an Undo. The feed is hidden at once and removed from the library only when
 * the Undo is no longer offered (its time ran out, another undoable action replaced it, or the
 * window closes). Chosen over removing at once and restoring: a restore would need the engine
 * to bring back deleted stories with their read state, while a delayed removal fails safe (if
 * the app dies before it, the feed is still there, and nothing was lost).
 * @param {Feed} feed
 */
async function unsubscribe(feed) {
  state.hiddenFeeds.add(feed.id);
  await loadFeeds();
  if (sidebar.source.kind === 'feed' && sidebar.source.id === feed.id) sidebar.select({ kind: 'all' });
  offerUndo(`Unsubscribed from ${isolate(feed.title)}.`, {
    undo: async () => {
      state.hiddenFeeds.delete(feed.id);
      await loadFeeds();
      sidebar.select({ kind: 'feed', id: feed.id });
    },
    settle: async () => {
      try {
        await api.unsubscribe(feed.id);
      } finally {
        state.hiddenFeeds.delete(feed.id);
        await loadFeeds();
        await showList(true);
      }
    },
  });
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
    // The engine tells a network that is gone from feeds that failed, and marks no feed then.
    const networkOnly = report.network_down;
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

/** Refreshes one feed now (its details' Retry) and says how it went. @param {Feed} feed */
async function refreshFeed(feed) {
  try {
    const report = await api.refresh(feed.id, () => {});
    const error = report.errors[0];
    if (error) toast(`${isolate(feed.title)} could not be refreshed: ${error.message}`, 'error');
    else toast(`${isolate(feed.title)} is up to date.`);
  } catch (err) {
    showError(err);
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
  showStoriesToggle();
  scheduleRefresh();
}

/**
 * A draggable, keyboard-operable divider between two panes; the width is saved on release.
 * Its range is the engine's, read when it is used (the limits arrive after wiring).
 * @param {string} id @param {'sidebar_width'|'list_width'} key
 */
function splitter(id, key) {
  const el = byId(id, HTMLElement);
  const range = () => state.limits?.[key] ?? { min: 0, max: 10_000 };
  const cssVar = key === 'sidebar_width' ? '--sidebar-width' : '--list-width';
  const set = (/** @type {number} */ width) => {
    const { min, max } = range();
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

const onKey = keyHandler({
  list,
  reader,
  clearSearch: (field) => {
    field.value = '';
    state.search = '';
    field.blur();
    byId('list', HTMLElement).focus();
    void showList();
  },
  focusSearch: () => byId('search', HTMLInputElement).focus(),
  openOriginal,
  toggleBookmark,
  toggleRead,
  refresh,
  addFeed,
  escape,
  undo: async () => { await undoLast(); },
  nextUnread,
  markAllRead,
  textSize,
});

/**
 * Opens the next unread article after the selected one, loading further pages of the list as
 * needed, then from the top; says so when nothing in the list is unread.
 */
async function nextUnread() {
  const after = list.selected;
  for (;;) {
    const i = list.items.findIndex((a, index) => index > after && !a.read && a.id !== reader.view?.id);
    if (i >= 0) {
      list.select(i, true);
      return;
    }
    if (list.complete) break;
    const before = list.items.length;
    await list.loadMore();
    if (list.items.length === before) break;
  }
  const first = list.items.findIndex((a, index) => index < after && !a.read);
  if (first >= 0) list.select(first, true);
  else toast('Nothing unread left in this list.');
}

/** Makes the story's text a step larger or smaller, and keeps it. @param {number} step */
function textSize(step) {
  const size = state.settings.text_size + step;
  if (size < state.limits.text_size.min || size > state.limits.text_size.max) return;
  applySettings({ ...state.settings, text_size: size });
  void api.saveSettings(state.settings).then(applySettings, showError);
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
  // An action whose Undo is still offered becomes final when the window goes (best effort: if
  // the call does not get through, the action is simply not done, which loses nothing).
  window.addEventListener('pagehide', () => void settleUndo());
  /** @param {string} id @param {() => unknown} f */
  const click = (id, f) => byId(id, HTMLButtonElement).addEventListener('click', () => void f());
  click('btn-add', addFeed);
  click('welcome-add', addFeed);
  click('btn-refresh', refresh);
  click('btn-import', importOpml);
  click('welcome-import', importOpml);
  click('btn-export', exportOpml);
  click('btn-shortcuts', showShortcuts);
  click('btn-settings', () => openSettings(state.settings, state.limits, applySettings, () => {
    void loadFeeds();
    void showList(true);
  }));
  click('settings-rules', () => {
    byId('dlg-settings', HTMLDialogElement).close();
    return showRules(false);
  });
  click('btn-mute', () => showRules(true));
  click('btn-mark-all', markAllRead);
  click('btn-stories', toggleStories);
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

  splitter('split-sidebar', 'sidebar_width');
  splitter('split-list', 'list_width');
  window.addEventListener('online', updateOffline);
  window.addEventListener('offline', updateOffline);
  onSystemThemeChange(() => applySettings(state.settings));
}

/** Shows the source and the story the person left last time (if they still exist). */
async function comeBack() {
  const { last_source: key, last_article: article } = state.settings ?? {};
  const source = key ? sourceOf(key) : null;
  // Selecting shows that source's list too; the list is then drawn once more, keeping the story.
  if (source && source.kind !== 'all') sidebar.select(source);
  await showList(false, article || null);
  if (article) await showStory(article);
}

/** Opens a story: selected in the list when the list shows it, else on its own. @param {number} id */
async function showStory(id) {
  const index = list.items.findIndex((a) => a.id === id);
  if (index >= 0) list.select(index, true);
  else await reader.open(id);
}

async function start() {
  wire();
  api.onLibraryUpdated((update) => {
    if (update.icons > 0) void loadFeeds();
    // Teasers completed with their full story: the list's excerpts and the open story change.
    if (update.stories > 0) void showList(true);
    if (update.pictures > 0 || update.stories > 0) void reader.storyUpdated();
  });
  // Each account's sync, whoever started it: its row and heading say what it is doing; once
  // over, the accounts reload with their last sync and error.
  api.onSyncProgress((p) => {
    const finished = noteSync(p);
    sidebar.showSync(p.account_id, syncText(p.account_id));
    if (finished) void loadFeeds();
  });
  // A click on a notification of new stories: the first of them, in the reader.
  api.onOpenArticle((id) => {
    setPane('reader');
    void showStory(id);
  });
  try {
    state.limits = await api.settingsLimits();
    state.settings = state.limits.defaults;
    for (const [id, key] of /** @type {const} */ ([['split-sidebar', 'sidebar_width'], ['split-list', 'list_width']])) {
      byId(id, HTMLElement).setAttribute('aria-valuemin', String(state.limits[key].min));
      byId(id, HTMLElement).setAttribute('aria-valuemax', String(state.limits[key].max));
    }
    applySettings(await api.getSettings());
  } catch (err) {
    showError(err);
  }
  await loadFeeds();
  await comeBack();
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
