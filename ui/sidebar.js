// The sidebar: All, Unread, Bookmarks, then folders and their feeds (this computer's, then each
// sync account's under its name), with unread counts,
// icons (served from the library; a monogram when there is none) and each feed's health.
// It is one WAI-ARIA tree (one Tab stop; arrows, Home/End, Enter inside), flat in the DOM with
// aria-level, so each item's name is its own row. It owns folder rename and delete (with their
// in-window dialogs and Undo), moving feeds by drag and drop, and the feed and folder menus.
// Feed and folder names are text, never markup; it never unsubscribes or marks read itself
// (app.js's functions do, through the hooks).
import * as api from './api.js';
import { byId, copyText, errorDetail, errorText, feedIcon, h, isolate, monogram, replace } from './dom.js';
import { accountName, syncText } from './accounts.js';
import { askInDialog } from './dialogs.js';
import { isMenuKey, openMenu } from './menu.js';
import { offerUndo, showError, toast } from './toast.js';

/** @typedef {import('./api.js').Feed} Feed */
/** @typedef {import('./api.js').Folder} Folder */
/** @typedef {import('./api.js').Account} Account */
/**
 * @typedef {{kind: 'all'} | {kind: 'unread'} | {kind: 'bookmarks'}
 *   | {kind: 'feed', id: number} | {kind: 'folder', name: string}} Source
 */
/**
 * @typedef {{
 *   onSelect: (source: Source) => void,
 *   onEdit: (feed: Feed) => void,
 *   onChanged?: () => unknown,
 *   onMarkAllRead?: () => unknown,
 *   onUnsubscribe?: (feed: Feed) => unknown,
 * }} SidebarHooks onSelect when a source is opened; onEdit for a feed's details; onChanged
 *   after folders or feeds were changed here; onMarkAllRead and onUnsubscribe are app.js's
 *   (with their confirmations and Undo), run on the source the menu was opened on
 */

/** @param {Source} a @param {Source} b */
export function sameSource(a, b) {
  if (a.kind !== b.kind) return false;
  if (a.kind === 'feed' && b.kind === 'feed') return a.id === b.id;
  if (a.kind === 'folder' && b.kind === 'folder') return a.name === b.name;
  return true;
}

/** The key an item carries in `data-source`. @param {Source} source @returns {string} */
function sourceKey(source) {
  if (source.kind === 'feed') return `feed:${source.id}`;
  if (source.kind === 'folder') return `folder:${source.name}`;
  return source.kind;
}

/** How far a press must move before it becomes a drag, in CSS pixels. */
const DRAG_START = 6;

export class Sidebar {
  /**
   * @param {HTMLElement} el the sidebar's navigation region; the tree is drawn inside it
   * @param {SidebarHooks} hooks
   */
  constructor(el, hooks) {
    this.el = el;
    this.hooks = hooks;
    /** @type {Source} */
    this.source = { kind: 'all' };
    /** @type {Feed[]} */
    this.feeds = [];
    /** @type {Folder[]} */
    this.folders = [];
    /** @type {Account[]} the sync accounts, whose feeds show under their names */
    this.accounts = [];
    /** @type {Set<string>} folders the reader closed */
    this.closed = new Set();
    /** `data-source` of the item that holds the tree's one Tab stop. */
    this.active = 'all';
    /** True from a drag's start until the click that ends it has been swallowed. */
    this.dragged = false;
    this.tree = h('ul', { class: 'tree', role: 'tree', 'aria-label': 'Feeds and folders' });
    replace(el, [this.tree]);
    this.tree.addEventListener('keydown', (e) => this.onKey(e));
    this.tree.addEventListener('click', (e) => this.onClick(e));
    this.tree.addEventListener('contextmenu', (e) => {
      const item = itemOf(e.target);
      if (!item) return;
      e.preventDefault();
      this.focusItem(item);
      // From the keyboard (no pointer position) the menu opens under the item.
      const keyboard = e.clientX === 0 && e.clientY === 0;
      this.menu(item, keyboard ? item : { x: e.clientX, y: e.clientY });
    });
    this.tree.addEventListener('focusin', (e) => {
      const item = itemOf(e.target);
      if (item) this.rove(item);
    });
    this.dragging();
  }

  /**
   * Shows the feeds: those of this computer, then each sync account's under its name.
   * @param {Feed[]} feeds @param {Folder[]} folders @param {Account[]} [accounts]
   */
  render(feeds, folders, accounts = this.accounts) {
    this.feeds = feeds;
    this.folders = folders;
    this.accounts = accounts;
    const total = feeds.reduce((n, f) => n + f.unread, 0);
    /** @type {Node[]} */
    const items = [
      this.item({ kind: 'all' }, 'All articles', total, glyph('all'), 1),
      this.item({ kind: 'unread' }, 'Unread', total, glyph('unread'), 1),
      this.item({ kind: 'bookmarks' }, 'Bookmarks', null, glyph('bookmarks'), 1),
    ];
    const local = feeds.filter((f) => f.account === null || f.account === undefined);
    const synced = accounts.map((a) => ({ account: a, feeds: feeds.filter((f) => f.account === a.id) }))
      .filter((group) => group.feeds.length > 0);
    // A heading for the eye; the tree's levels say the same to a screen reader. Dropping a
    // feed on it takes the feed out of its folder.
    if (local.length > 0) {
      items.push(heading(synced.length > 0 ? 'On this computer' : 'Subscriptions'));
      items.push(...this.folderTree(local, folders));
    }
    for (const group of synced) {
      const failed = group.account.error ? `Last sync failed: ${errorText(group.account.error, 'Sync')}` : '';
      items.push(heading(accountName(group.account), failed, group.account.id));
      items.push(...this.folderTree(group.feeds, folders));
    }
    // Rendering again (after a refresh, or when icons arrive) must not take the keyboard's
    // place away: the item that had focus gets it back in the new rows.
    const hadFocus = this.tree.contains(document.activeElement);
    replace(this.tree, items);
    const all = this.items();
    const active = all.find((i) => i.dataset.source === this.active)
      ?? all.find((i) => i.dataset.source === sourceKey(this.source)) ?? all[0];
    this.rove(active);
    if (hadFocus) active.focus({ preventScroll: true });
  }

  /**
   * Feeds in their folders, then those in none. @param {Feed[]} feeds @param {Folder[]} folders
   * @returns {Node[]}
   */
  folderTree(feeds, folders) {
    /** @type {Node[]} */
    const items = [];
    /** @type {Map<string, Feed[]>} */
    const byFolder = new Map(folders.map((f) => [f.name, []]));
    const loose = [];
    for (const feed of feeds) {
      if (feed.folder) {
        const list = byFolder.get(feed.folder) ?? [];
        list.push(feed);
        byFolder.set(feed.folder, list);
      } else {
        loose.push(feed);
      }
    }
    for (const [name, list] of byFolder) {
      if (list.length === 0) continue;
      const open = !this.closed.has(name);
      const unread = list.reduce((n, f) => n + f.unread, 0);
      const folder = this.item({ kind: 'folder', name }, name, unread, h('span', {
        class: 'folder-toggle', 'aria-hidden': 'true', 'data-toggle': name,
        title: open ? 'Collapse' : 'Expand',
      }, [open ? '▾' : '▸']), 1);
      folder.classList.add('folder');
      folder.setAttribute('aria-expanded', open ? 'true' : 'false');
      folder.dataset.drop = name;
      items.push(folder);
      if (open) for (const f of list) items.push(this.feedItem(f, 2));
    }
    for (const feed of loose) items.push(this.feedItem(feed, 1));
    return items;
  }

  /**
   * One tree item: a fixed source, or a folder. Its name is its own text (the count is
   * spoken as "N unread", shown as a badge).
   * @param {Source} source @param {string} label @param {number|null} count
   * @param {Node|null} icon @param {number} level
   */
  item(source, label, count, icon, level) {
    const selected = sameSource(source, this.source);
    return h('li', {
      class: `source${selected ? ' is-selected' : ''}`,
      role: 'treeitem',
      tabindex: '-1',
      'aria-level': String(level),
      'aria-selected': selected ? 'true' : 'false',
      'data-source': sourceKey(source),
    }, [
      icon,
      h('span', { class: 'source-name', dir: 'auto' }, [label]),
      count ? h('span', { class: 'count' }, [String(count), h('span', { class: 'visually-hidden' }, [' unread'])]) : null,
    ]);
  }

  /** @param {Feed} feed @param {number} level */
  feedItem(feed, level) {
    const source = /** @type {Source} */ ({ kind: 'feed', id: feed.id });
    const selected = sameSource(source, this.source);
    // The mark's sentence shows on hover (title) and is read with the feed's name.
    const failed = feed.error ? `Last refresh failed: ${errorText(feed.error, 'Feed')}` : '';
    const detail = feed.error ? errorDetail(feed.error) : '';
    return h('li', {
      class: `source feed feed-row${selected ? ' is-selected' : ''}${feed.error ? ' has-error' : ''}`,
      role: 'treeitem',
      tabindex: '-1',
      'aria-level': String(level),
      'aria-selected': selected ? 'true' : 'false',
      'data-source': `feed:${feed.id}`,
      'data-feed': String(feed.id),
    }, [
      feed.icon ? feedIcon(feed.icon, feed.title) : monogram(feed.title),
      h('span', { class: 'source-name', dir: 'auto' }, [feed.title]),
      feed.error ? h('span', {
        class: 'feed-error-icon', title: detail ? `${failed}\n${detail}` : failed,
      }, [h('span', { 'aria-hidden': 'true' }, ['!']), h('span', { class: 'visually-hidden' }, [`, ${failed}`])]) : null,
      h('span', { class: 'count' }, feed.unread ? [String(feed.unread), h('span', { class: 'visually-hidden' }, [' unread'])] : []),
      // For the pointer; the keyboard has "i" and the menu.
      h('span', {
        class: 'feed-more', 'aria-hidden': 'true', title: 'Feed details (i)', 'data-details': String(feed.id),
      }, ['⋯']),
    ]);
  }

  /** Every item shown, in order. @returns {HTMLElement[]} */
  items() {
    return /** @type {HTMLElement[]} */ ([...this.tree.querySelectorAll('[role="treeitem"]')]);
  }

  /** Gives an item the tree's one Tab stop. @param {HTMLElement} item */
  rove(item) {
    for (const other of this.tree.querySelectorAll('[role="treeitem"][tabindex="0"]')) {
      if (other !== item) other.setAttribute('tabindex', '-1');
    }
    item.setAttribute('tabindex', '0');
    this.active = item.dataset.source ?? 'all';
  }

  /** @param {HTMLElement} item */
  focusItem(item) {
    this.rove(item);
    item.focus();
  }

  /** The source an item stands for. @param {HTMLElement} item @returns {Source} */
  sourceOf(item) {
    const key = item.dataset.source ?? 'all';
    if (key.startsWith('feed:')) return { kind: 'feed', id: Number(key.slice(5)) };
    if (key.startsWith('folder:')) return { kind: 'folder', name: key.slice(7) };
    return /** @type {Source} */ ({ kind: key });
  }

  /** @param {HTMLElement} item @returns {Feed|null} */
  feedOf(item) {
    const id = Number(item.dataset.feed);
    return item.dataset.feed ? this.feeds.find((f) => f.id === id) ?? null : null;
  }

  /** Opens or closes a folder. @param {string} name @param {boolean} open */
  setOpen(name, open) {
    if (open) this.closed.delete(name); else this.closed.add(name);
    this.render(this.feeds, this.folders);
  }

  /** @param {MouseEvent} e */
  onClick(e) {
    if (this.dragged) {
      this.dragged = false;
      return;
    }
    const target = /** @type {Element} */ (e.target);
    const item = itemOf(target);
    if (!item) return;
    const toggle = target.closest('[data-toggle]');
    if (toggle instanceof HTMLElement) {
      this.focusItem(item);
      this.setOpen(toggle.dataset.toggle ?? '', item.getAttribute('aria-expanded') !== 'true');
      return;
    }
    const feed = this.feedOf(item);
    if (target.closest('[data-details]') && feed) {
      this.hooks.onEdit(feed);
      return;
    }
    this.focusItem(item);
    this.select(this.sourceOf(item));
  }

  /** The tree pattern's keys, and a few of the sidebar's own. @param {KeyboardEvent} e */
  onKey(e) {
    const item = itemOf(e.target);
    if (!item || e.ctrlKey || e.metaKey || e.altKey) return;
    const all = this.items();
    const at = all.indexOf(item);
    const level = Number(item.getAttribute('aria-level'));
    const expanded = item.getAttribute('aria-expanded');
    const folder = item.dataset.drop && expanded !== null ? item.dataset.drop : null;
    const feed = this.feedOf(item);
    /** @type {HTMLElement|undefined} */
    let next;
    if (isMenuKey(e)) {
      this.menu(item, item);
    } else if (e.shiftKey && e.key !== 'Tab') {
      return;
    } else if (e.key === 'ArrowDown') next = all[at + 1];
    else if (e.key === 'ArrowUp') next = all[at - 1];
    else if (e.key === 'Home') next = all[0];
    else if (e.key === 'End') next = all[all.length - 1];
    else if (e.key === 'ArrowRight') {
      if (folder !== null && expanded === 'false') this.setOpen(folder, true);
      else if (folder !== null) next = all[at + 1];
    } else if (e.key === 'ArrowLeft') {
      if (folder !== null && expanded === 'true') this.setOpen(folder, false);
      else if (level > 1) next = all.slice(0, at).reverse().find((i) => i.getAttribute('aria-level') === '1');
    } else if (e.key === 'Enter' || e.key === ' ') {
      this.select(this.sourceOf(item));
    } else if (e.key === 'i' && feed) {
      this.hooks.onEdit(feed);
    } else if (e.key === 'F2' && (feed || folder !== null)) {
      if (feed) this.hooks.onEdit(feed); else if (folder !== null) void this.renameFolder(folder);
    } else if (e.key === 'Delete' && folder !== null) {
      void this.deleteFolder(folder);
    } else {
      return;
    }
    if (next) this.focusItem(next);
    // Handled here: the window's own keys (Enter opens the original there) must not run too.
    e.preventDefault();
    e.stopPropagation();
  }

  /**
   * The menu of a feed or a folder.
   * @param {HTMLElement} item @param {{x: number, y: number}|HTMLElement} at
   */
  menu(item, at) {
    const source = this.sourceOf(item);
    const feed = this.feedOf(item);
    const markAllRead = () => {
      this.select(source);
      return this.hooks.onMarkAllRead?.();
    };
    if (feed) {
      openMenu([
        { label: 'Mark all as read', run: markAllRead },
        { label: 'Copy feed address', run: () => copied(copyText(feed.url), 'feed address') },
        {
          label: 'Open home page', disabled: !feed.site_url,
          run: () => feed.site_url && api.openExternal(feed.site_url).catch(showError),
        },
        { label: 'Rename…', run: () => this.hooks.onEdit(feed) },
        { label: 'Details…', run: () => this.hooks.onEdit(feed) },
        { label: 'Unsubscribe…', run: () => this.hooks.onUnsubscribe?.(feed) },
      ], at, `Feed ${feed.title}`);
    } else if (source.kind === 'folder') {
      openMenu([
        { label: 'Mark all as read', run: markAllRead },
        { label: 'Rename folder…', run: () => this.renameFolder(source.name) },
        { label: 'Delete folder…', run: () => this.deleteFolder(source.name) },
      ], at, `Folder ${source.name}`);
    } else {
      openMenu([{ label: 'Mark all as read', run: markAllRead }], at, this.title(source));
    }
  }

  /** Asks for a folder's new name in the window's own dialog, then renames it. @param {string} name */
  async renameFolder(name) {
    const input = byId('folder-name', HTMLInputElement);
    input.value = name;
    byId('dlg-folder-rename-title', HTMLElement).textContent = `Rename the folder “${isolate(name)}”`;
    const answer = await askInDialog('dlg-folder-rename', input);
    const to = input.value.trim();
    if (!answer || !to || to === name) return;
    try {
      await api.renameFolder(name, to);
      if (this.source.kind === 'folder' && this.source.name === name) this.source = { kind: 'folder', name: to };
      if (this.closed.delete(name)) this.closed.add(to);
      if (this.active === `folder:${name}`) this.active = `folder:${to}`;
      await this.hooks.onChanged?.();
      toast(`Folder renamed to “${isolate(to)}”.`);
    } catch (err) {
      showError(err);
    }
  }

  /**
   * Deletes a folder after asking in the window's own dialog (Cancel has the focus); its feeds
   * stay, out of any folder, and Undo puts them back. @param {string} name
   */
  async deleteFolder(name) {
    const count = this.feeds.filter((f) => f.folder === name).length;
    byId('dlg-folder-delete-title', HTMLElement).textContent = `Delete the folder “${isolate(name)}”?`;
    byId('folder-delete-text', HTMLElement).textContent = count === 1
      ? 'Its feed stays in your library, out of any folder. No stories are deleted.'
      : `Its ${count} feeds stay in your library, out of any folder. No stories are deleted.`;
    if (!await askInDialog('dlg-folder-delete', byId('folder-delete-cancel', HTMLButtonElement))) return;
    try {
      const feeds = await api.deleteFolder(name);
      if (this.source.kind === 'folder' && this.source.name === name) this.select({ kind: 'all' });
      await this.hooks.onChanged?.();
      offerUndo(`Folder “${isolate(name)}” deleted; its feeds are kept.`, {
        undo: async () => {
          await api.restoreFolder(name, feeds);
          await this.hooks.onChanged?.();
        },
      });
    } catch (err) {
      showError(err);
    }
  }

  /**
   * Moving feeds between folders with the pointer: press a feed, drag it onto a folder (or a
   * feed in it), or onto "Subscriptions" or a feed in no folder to take it out. Pointer events,
   * not HTML drag and drop, which the webview hands to the system for files.
   */
  dragging() {
    /** @type {{feed: Feed, x: number, y: number, item: HTMLElement, moved: boolean}|null} */
    let press = null;
    /** @type {HTMLElement|null} */
    let over = null;
    const target = (/** @type {PointerEvent} */ e) => {
      const el = document.elementFromPoint(e.clientX, e.clientY);
      const drop = el?.closest('[data-drop], .feed-row');
      if (!(drop instanceof HTMLElement) || !this.tree.contains(drop)) return null;
      return drop;
    };
    const folderOfDrop = (/** @type {HTMLElement} */ drop) => {
      if (drop.dataset.drop !== undefined) return drop.dataset.drop || null;
      return this.feedOf(drop)?.folder ?? null;
    };
    const mark = (/** @type {HTMLElement|null} */ el) => {
      over?.classList.remove('is-drop-target');
      over = el;
      over?.classList.add('is-drop-target');
    };
    this.tree.addEventListener('pointerdown', (e) => {
      const item = itemOf(e.target);
      const feed = item ? this.feedOf(item) : null;
      if (e.button !== 0 || !item || !feed) return;
      press = { feed, x: e.clientX, y: e.clientY, item, moved: false };
    });
    window.addEventListener('pointermove', (e) => {
      if (!press) return;
      if (!press.moved && Math.hypot(e.clientX - press.x, e.clientY - press.y) < DRAG_START) return;
      if (!press.moved) {
        press.moved = true;
        press.item.classList.add('is-dragged');
        this.tree.classList.add('is-dragging');
      }
      const drop = target(e);
      mark(drop && drop !== press.item && folderOfDrop(drop) !== press.feed.folder ? drop : null);
    });
    window.addEventListener('pointerup', (e) => {
      if (!press) return;
      const { feed, moved, item } = press;
      press = null;
      item.classList.remove('is-dragged');
      this.tree.classList.remove('is-dragging');
      const drop = over;
      mark(null);
      if (!moved) return;
      // The click that ends a drag is not a choice of feed.
      this.dragged = true;
      setTimeout(() => { this.dragged = false; }, 0);
      if (!drop) return;
      const folder = folderOfDrop(drop);
      void (async () => {
        try {
          await api.moveFeed(feed.id, folder);
          await this.hooks.onChanged?.();
          offerUndo(folder ? `Moved “${isolate(feed.title)}” to “${isolate(folder)}”.` : `Moved “${isolate(feed.title)}” out of its folder.`, {
            undo: async () => {
              await api.moveFeed(feed.id, feed.folder);
              await this.hooks.onChanged?.();
            },
          });
        } catch (err) {
          showError(err);
        }
      })();
      void e;
    });
  }

  /** @param {Source} source */
  select(source) {
    this.source = source;
    const wanted = sourceKey(source);
    for (const el of this.items()) {
      const on = el.dataset.source === wanted;
      el.classList.toggle('is-selected', on);
      el.setAttribute('aria-selected', on ? 'true' : 'false');
    }
    this.hooks.onSelect(source);
  }

  /** A readable name for a source, for the list's heading. @param {Source} source */
  title(source) {
    switch (source.kind) {
      case 'all': return 'All articles';
      case 'unread': return 'Unread';
      case 'bookmarks': return 'Bookmarks';
      case 'folder': return source.name;
      case 'feed': return this.feeds.find((f) => f.id === source.id)?.title ?? 'Feed';
    }
  }

  /**
   * Shows what an account's sync is doing under its heading (nothing once it is over).
   * @param {number} accountId @param {string|null} text
   */
  showSync(accountId, text) {
    const line = this.tree.querySelector(`.sources-heading[data-account="${accountId}"] .sources-sync`);
    if (!(line instanceof HTMLElement)) return;
    line.textContent = text ?? '';
    line.hidden = !text;
  }

  /** Whether the open source is one feed (its rows then leave the feed's name out). */
  isOneFeed() {
    return this.source.kind === 'feed';
  }
}

/**
 * A heading over a group of feeds (this computer's, or an account's), with the account's last
 * sync failure on hover and, under it, what a sync under way is doing (Settings says the same
 * to a screen reader, and the sync's failures are announced).
 * @param {string} text @param {string} [failed] @param {number} [account]
 */
function heading(text, failed = '', account) {
  const syncing = account === undefined ? null : syncText(account);
  return h('li', {
    class: `sources-heading${failed ? ' has-error' : ''}`, role: 'none', 'aria-hidden': 'true', 'data-drop': '',
    title: failed || null, 'data-account': account === undefined ? null : String(account),
  }, [
    failed ? `${text} (sync failed)` : text,
    account === undefined ? null : h('span', { class: 'sources-sync', hidden: !syncing }, [syncing ?? '']),
  ]);
}

/** The tree item an event happened in. @param {EventTarget|null} target @returns {HTMLElement|null} */
function itemOf(target) {
  const item = target instanceof Element ? target.closest('[role="treeitem"]') : null;
  return item instanceof HTMLElement ? item : null;
}

/** Says whether a copy worked. @param {boolean} ok @param {string} what */
function copied(ok, what) {
  toast(ok ? `Copied the ${what}.` : `Could not copy the ${what}.`, ok ? 'info' : 'error');
}

/** A small line icon for the three fixed sources. @param {'all'|'unread'|'bookmarks'} which */
function glyph(which) {
  const ns = 'http://www.w3.org/2000/svg';
  const svg = document.createElementNS(ns, 'svg');
  svg.setAttribute('viewBox', '0 0 20 20');
  svg.setAttribute('aria-hidden', 'true');
  svg.setAttribute('class', 'source-glyph');
  const path = document.createElementNS(ns, which === 'unread' ? 'circle' : 'path');
  if (which === 'all') path.setAttribute('d', 'M4 5.5h12M4 10h12M4 14.5h8');
  if (which === 'unread') {
    path.setAttribute('cx', '10'); path.setAttribute('cy', '10'); path.setAttribute('r', '4');
  }
  if (which === 'bookmarks') path.setAttribute('d', 'M6 3.5h8v13l-4-3-4 3z');
  svg.appendChild(path);
  return svg;
}
