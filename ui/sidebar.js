// The sidebar: All, Unread, Bookmarks, then folders and their feeds, with unread counts,
// icons (served from the library; a monogram when there is none) and each feed's health. Feed names are text; an error shows as an icon whose
// message is in its tooltip, its accessible name and the feed's details.
import { h, monogram, replace } from './dom.js';

/** @typedef {import('./api.js').Feed} Feed */
/** @typedef {import('./api.js').Folder} Folder */
/**
 * @typedef {{kind: 'all'} | {kind: 'unread'} | {kind: 'bookmarks'}
 *   | {kind: 'feed', id: number} | {kind: 'folder', name: string}} Source
 */

/** @param {Source} a @param {Source} b */
export function sameSource(a, b) {
  if (a.kind !== b.kind) return false;
  if (a.kind === 'feed' && b.kind === 'feed') return a.id === b.id;
  if (a.kind === 'folder' && b.kind === 'folder') return a.name === b.name;
  return true;
}

export class Sidebar {
  /**
   * @param {HTMLElement} el
   * @param {{onSelect: (source: Source) => void, onEdit: (feed: Feed) => void}} hooks
   */
  constructor(el, hooks) {
    this.el = el;
    this.hooks = hooks;
    /** @type {Source} */
    this.source = { kind: 'all' };
    /** @type {Feed[]} */
    this.feeds = [];
    /** @type {Set<string>} folders the reader closed */
    this.closed = new Set();
  }

  /** @param {Feed[]} feeds @param {Folder[]} folders */
  render(feeds, folders) {
    this.feeds = feeds;
    const total = feeds.reduce((n, f) => n + f.unread, 0);
    /** @type {Node[]} */
    const items = [
      this.item({ kind: 'all' }, 'All articles', total, glyph('all')),
      this.item({ kind: 'unread' }, 'Unread', total, glyph('unread')),
      this.item({ kind: 'bookmarks' }, 'Bookmarks', null, glyph('bookmarks')),
    ];
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
    if (feeds.length > 0) items.push(h('div', { class: 'sources-heading', role: 'presentation' }, ['Subscriptions']));
    for (const [name, list] of byFolder) {
      if (list.length === 0) continue;
      const open = !this.closed.has(name);
      const unread = list.reduce((n, f) => n + f.unread, 0);
      items.push(h('div', { class: 'folder' }, [
        h('div', { class: 'folder-row' }, [
          h('button', {
            class: 'folder-toggle', type: 'button', 'aria-expanded': open ? 'true' : 'false',
            'data-toggle': name,
            'aria-label': `${open ? 'Collapse' : 'Expand'} folder ${name}`,
            onclick: () => {
              if (open) this.closed.add(name); else this.closed.delete(name);
              this.render(this.feeds, folders);
            },
          }, [open ? '▾' : '▸']),
          this.item({ kind: 'folder', name }, name, unread, null),
        ]),
        open ? h('div', { class: 'folder-feeds' }, list.map((f) => this.feedItem(f))) : null,
      ]));
    }
    for (const feed of loose) items.push(this.feedItem(feed));
    // Rendering again (after a refresh, or when icons arrive) must not take the keyboard's
    // place away: the control that had focus gets it back in the new rows.
    const active = document.activeElement;
    const focused = active instanceof HTMLElement && this.el.contains(active) ? focusKey(active) : null;
    replace(this.el, items);
    if (focused) {
      const again = [...this.el.querySelectorAll('button')].find((b) => focusKey(b) === focused);
      if (again instanceof HTMLElement) again.focus({ preventScroll: true });
    }
  }

  /**
   * @param {Source} source @param {string} label @param {number|null} count
   * @param {Node|null} icon
   */
  item(source, label, count, icon) {
    const selected = sameSource(source, this.source);
    return h('button', {
      class: `source${selected ? ' is-selected' : ''}`,
      type: 'button',
      'aria-current': selected ? 'true' : 'false',
      'aria-label': count ? `${label}, ${count} unread` : label,
      'data-source': source.kind === 'feed' ? `feed:${source.id}` : source.kind === 'folder' ? `folder:${source.name}` : source.kind,
      onclick: () => this.select(source),
    }, [
      icon,
      h('span', { class: 'source-name' }, [label]),
      count ? h('span', { class: 'count', 'aria-hidden': 'true' }, [String(count)]) : null,
    ]);
  }

  /** @param {Feed} feed */
  feedItem(feed) {
    const source = /** @type {Source} */ ({ kind: 'feed', id: feed.id });
    const selected = sameSource(source, this.source);
    const error = feed.error
      ? h('span', {
        class: 'feed-error-icon', role: 'img',
        'aria-label': `Last refresh failed: ${feed.error.message}`,
        title: `Last refresh failed: ${feed.error.message}`,
      }, ['!'])
      : null;
    return h('div', { class: `feed-row${selected ? ' is-selected' : ''}${feed.error ? ' has-error' : ''}` }, [
      h('button', {
        class: 'source feed', type: 'button',
        'aria-current': selected ? 'true' : 'false',
        'aria-label': `${feed.title}${feed.unread ? `, ${feed.unread} unread` : ''}${feed.error ? ', last refresh failed' : ''}`,
        'data-source': `feed:${feed.id}`,
        onclick: () => this.select(source),
      }, [
        feed.icon ? feedIcon(feed.icon, feed.title) : monogram(feed.title),
        h('span', { class: 'source-name' }, [feed.title]),
        error,
        feed.unread ? h('span', { class: 'count', 'aria-hidden': 'true' }, [String(feed.unread)]) : null,
      ]),
      h('button', {
        class: 'feed-more', type: 'button', title: 'Feed details',
        'aria-label': `Details of ${feed.title}`, 'data-details': String(feed.id),
        onclick: () => this.hooks.onEdit(feed),
      }, ['⋯']),
    ]);
  }

  /** @param {Source} source */
  select(source) {
    this.source = source;
    for (const el of this.el.querySelectorAll('.source')) {
      const key = /** @type {HTMLElement} */ (el).dataset.source;
      const wanted = source.kind === 'feed' ? `feed:${source.id}` : source.kind === 'folder' ? `folder:${source.name}` : source.kind;
      const on = key === wanted;
      el.classList.toggle('is-selected', on);
      el.setAttribute('aria-current', on ? 'true' : 'false');
      el.parentElement?.classList.toggle('is-selected', on && el.classList.contains('feed'));
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
}

/**
 * What names a sidebar control across renders: its source, its feed's details, or its folder's
 * toggle (whose label changes with each click, so the label cannot name it).
 * @param {HTMLElement} el @returns {string|null}
 */
function focusKey(el) {
  if (el.dataset.source) return `source:${el.dataset.source}`;
  if (el.dataset.details) return `details:${el.dataset.details}`;
  if (el.dataset.toggle) return `toggle:${el.dataset.toggle}`;
  return null;
}

/**
 * A feed's icon from the library's image scheme. It is decoration (the row names the feed), and
 * an icon that fails to load gives way to the monogram. Lazy and async, so 500 feeds cost little.
 * @param {string} src @param {string} title @returns {HTMLElement}
 */
function feedIcon(src, title) {
  return h('img', {
    class: 'feed-icon', src, alt: '', 'aria-hidden': 'true', width: '16', height: '16',
    decoding: 'async', loading: 'lazy',
    onerror: (/** @type {Event} */ event) => {
      /** @type {HTMLElement} */ (event.currentTarget).replaceWith(monogram(title));
    },
  });
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
