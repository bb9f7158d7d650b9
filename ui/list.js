// The article list: a virtualized listbox. Only the visible rows (plus a few) exist in the DOM,
// whatever the library holds; pages of articles are fetched as the reader scrolls towards them.
// Each row shows its title on up to two lines (styles.css fits two title lines and one excerpt
// line, or one and two, in the same fixed height), and has a menu (open, copy, bookmark, read).
import * as api from './api.js';
import { copyText, feedIcon, firstWords, h, highlighted, hostOf, monogram, replace, shortTime } from './dom.js';
import { isMenuKey, openMenu } from './menu.js';
import { showError, toast } from './toast.js';

/** Height of one row in CSS pixels; fixed so the list can place any row without measuring.
 * styles.css's `.row` and `.row-text` heights are worked out from it. */
export const ROW_HEIGHT = 104;
const PAGE = 100;
const OVERSCAN = 6;

/** @typedef {import('./api.js').ArticleSummary} ArticleSummary */
/** @typedef {import('./api.js').ArticleQuery} ArticleQuery */

export class ArticleList {
  /**
   * @param {HTMLElement} el the scrolling listbox
   * @param {HTMLElement} spacer the element whose height is the whole list's
   * @param {HTMLElement} empty shown instead of the list when nothing matches
   * @param {(article: ArticleSummary, index: number) => void} onOpen called when a row is chosen
   * @param {{setRead?: (id: number, read: boolean) => unknown,
   *   setStoryRead?: (id: number, read: boolean) => unknown,
   *   feed?: (id: number) => {title: string, icon?: string|null}|undefined,
   *   changed?: (id: number, patch: Partial<ArticleSummary>) => void}} [actions] app.js's
   *   mark read of an article and of a story (with their counts), the feeds (for a story's
   *   outlets' icons), and what to tell the reader when a row's menu changed a story
   */
  constructor(el, spacer, empty, onOpen, actions = {}) {
    this.el = el;
    this.spacer = spacer;
    this.empty = empty;
    this.onOpen = onOpen;
    this.actions = actions;
    /** @type {ArticleSummary[]} */
    this.items = [];
    /** @type {ArticleQuery} */
    this.query = {};
    /** @type {string[]} */
    this.words = [];
    /** Nothing to load until `show` gives a query (a resize can render before that). */
    this.complete = true;
    this.loading = false;
    this.selected = -1;
    /** Bumped by each new query so late pages of an old one are dropped. */
    this.generation = 0;
    /** @type {Map<number, HTMLElement>} */
    this.rows = new Map();
    /** @type {{title: string, text: string}} */
    this.emptyText = { title: 'Nothing here', text: '' };
    this.frame = 0;
    el.addEventListener('scroll', () => this.schedule());
    el.addEventListener('click', (e) => {
      const row = /** @type {HTMLElement|null} */ (/** @type {Element} */ (e.target).closest('.row'));
      if (row) this.select(Number(row.dataset.index), true);
    });
    el.addEventListener('contextmenu', (e) => {
      e.preventDefault();
      const row = /** @type {HTMLElement|null} */ (/** @type {Element} */ (e.target).closest('.row'));
      // On the list itself (the menu key, as the system sends it): the selected row's menu.
      if (!row) {
        const selected = this.rows.get(this.selected);
        if (selected) this.menu(this.selected, selected);
        return;
      }
      this.menu(Number(row.dataset.index), { x: e.clientX, y: e.clientY });
    });
    el.addEventListener('keydown', (e) => {
      if (!isMenuKey(e)) return;
      e.preventDefault();
      const row = this.rows.get(this.selected);
      if (row) this.menu(this.selected, row);
    });
    new ResizeObserver(() => this.schedule()).observe(el);
  }

  /**
   * Shows a new query from the top.
   * @param {ArticleQuery} query @param {string[]} words search words to highlight
   * @param {{title: string, text: string}} emptyText what to say when nothing matches
   * @param {number|null} [keepId] keep this article selected if it is still listed
   */
  async show(query, words, emptyText, keepId = null) {
    this.generation += 1;
    this.query = query;
    this.words = words;
    this.emptyText = emptyText;
    this.items = [];
    this.complete = false;
    this.loading = false;
    this.selected = -1;
    for (const row of this.rows.values()) row.remove();
    this.rows.clear();
    await this.loadMore();
    if (keepId !== null) {
      this.selected = this.items.findIndex((a) => a.id === keepId);
    }
    if (keepId === null) this.el.scrollTop = 0;
    this.render();
  }

  /** Fetches the next page, unless every article is already loaded. */
  async loadMore() {
    if (this.loading || this.complete) return;
    this.loading = true;
    const generation = this.generation;
    try {
      const page = await api.listArticles({ ...this.query, offset: this.items.length, limit: PAGE });
      if (generation !== this.generation) return;
      this.items.push(...page);
      if (page.length < PAGE) this.complete = true;
    } catch (err) {
      if (generation === this.generation) {
        this.complete = true;
        showError(err);
      }
    } finally {
      if (generation === this.generation) this.loading = false;
    }
    this.render();
  }

  schedule() {
    if (this.frame) return;
    this.frame = requestAnimationFrame(() => {
      this.frame = 0;
      this.render();
    });
  }

  /** Places the rows in view, recycling nothing but creating only what is visible. */
  render() {
    const count = this.items.length;
    this.spacer.style.height = `${count * ROW_HEIGHT}px`;
    const isEmpty = count === 0 && (this.complete || !this.loading);
    this.empty.hidden = !isEmpty;
    if (isEmpty) {
      replace(this.empty, [
        h('p', { class: 'empty-title' }, [this.emptyText.title]),
        this.emptyText.text ? h('p', {}, [this.emptyText.text]) : null,
      ]);
    }
    const top = this.el.scrollTop;
    const height = this.el.clientHeight || 600;
    const first = Math.max(0, Math.floor(top / ROW_HEIGHT) - OVERSCAN);
    const last = Math.min(count - 1, Math.ceil((top + height) / ROW_HEIGHT) + OVERSCAN);
    for (const [index, row] of this.rows) {
      if (index < first || index > last) {
        row.remove();
        this.rows.delete(index);
      }
    }
    for (let i = first; i <= last; i++) {
      const existing = this.rows.get(i);
      const wanted = this.rowKey(i);
      if (existing && existing.dataset.key === wanted) continue;
      const row = this.buildRow(i);
      if (existing) existing.replaceWith(row);
      else this.spacer.appendChild(row);
      this.rows.set(i, row);
    }
    const active = this.rows.get(this.selected);
    if (active) this.el.setAttribute('aria-activedescendant', active.id);
    else this.el.removeAttribute('aria-activedescendant');
    // Near the end of what is loaded: fetch the next page before the reader gets there.
    if (!this.complete && !this.loading && (last + OVERSCAN * 4 >= count)) {
      void this.loadMore();
    }
  }

  /** What a row shows; a row is rebuilt only when this changes. @param {number} i */
  rowKey(i) {
    const a = this.items[i];
    return `${a.id}:${a.read ? 1 : 0}:${a.bookmarked ? 1 : 0}:${i === this.selected ? 1 : 0}:${a.outlets}`;
  }

  /** @param {number} i */
  buildRow(i) {
    const a = this.items[i];
    // Inside one feed every row would repeat its name: it is left out.
    const source = this.query.feed_id ? null : a.feed_title ?? hostOf(a.url) ?? 'Saved page';
    // A micro-blog post has no title: its first words stand in, and it has no separate excerpt.
    const untitled = !a.title.trim();
    const title = untitled ? firstWords(a.excerpt) || 'Untitled' : a.title;
    const classes = ['row', a.read ? 'is-read' : 'is-unread'];
    if (i === this.selected) classes.push('is-selected');
    if (untitled) classes.push('is-untitled');
    const state = `${a.read ? '' : ', unread'}${a.bookmarked ? ', bookmarked' : ''}`;
    // The option's name is its own text, title first (CSS draws the source and time above it);
    // the state is spoken, not shown, and the excerpt is its description.
    const row = h('div', {
      class: classes.join(' '),
      role: 'option',
      id: `article-${a.id}`,
      'aria-selected': i === this.selected ? 'true' : 'false',
      'aria-describedby': untitled ? null : `excerpt-${a.id}`,
      'data-index': i,
      'data-id': a.id,
      'data-key': this.rowKey(i),
    }, [
      h('div', { class: 'row-text' }, [
        h('div', { class: 'row-title', dir: 'auto' }, highlighted(title, this.words)),
        untitled ? null : h('div', { class: 'row-excerpt', id: `excerpt-${a.id}`, dir: 'auto', 'aria-hidden': 'true' }, highlighted(a.excerpt, this.words)),
      ]),
      h('div', { class: 'row-meta' }, [
        h('span', { class: 'row-dot', 'aria-hidden': 'true' }),
        source ? h('span', { class: 'row-source', dir: 'auto' }, [source]) : h('span', { class: 'row-source' }),
        a.bookmarked ? h('span', { class: 'row-bookmark', 'aria-hidden': 'true', title: 'Bookmarked' }, ['★']) : null,
        a.outlets > 1 ? this.outlets(a) : null,
        h('time', { class: 'row-time', datetime: a.published }, [shortTime(a.published)]),
        state ? h('span', { class: 'visually-hidden' }, [state]) : null,
      ]),
    ]);
    row.style.transform = `translateY(${i * ROW_HEIGHT}px)`;
    return row;
  }

  /**
   * A story's other outlets: up to three icons (a monogram for a feed without one) and
   * "+N outlets". @param {ArticleSummary} a
   */
  outlets(a) {
    const icons = a.outlet_feeds.slice(0, 3).map((id) => {
      const feed = this.actions.feed?.(id);
      const title = feed?.title ?? '';
      return feed?.icon ? feedIcon(feed.icon, title) : monogram(title);
    });
    const more = a.outlets - 1;
    return h('span', { class: 'row-outlets', title: `Also covered by ${more} other outlet${more === 1 ? '' : 's'}` }, [
      h('span', { class: 'row-outlet-icons', 'aria-hidden': 'true' }, icons),
      `+${more} outlet${more === 1 ? '' : 's'}`,
    ]);
  }

  /**
   * The menu of one article: open the original, copy its link, bookmark, mark read or unread.
   * @param {number} index @param {{x: number, y: number}|HTMLElement} at
   */
  menu(index, at) {
    const a = this.items[index];
    if (!a) return;
    const url = a.url;
    const story = a.outlets > 1 && Boolean(this.query.stories) && !this.query.search;
    openMenu([
      { label: 'Open original', disabled: !url, run: () => url && api.openExternal(url).catch(showError) },
      {
        label: 'Copy link', disabled: !url,
        run: () => url && toast(copyText(url) ? 'Copied the link.' : 'Could not copy the link.'),
      },
      { label: a.bookmarked ? 'Remove bookmark' : 'Bookmark', run: () => this.setBookmarked(a.id, !a.bookmarked) },
      story
        // A row that stands for a story marks every article of it.
        ? { label: a.read ? 'Mark story as unread' : 'Mark story as read', run: () => this.actions.setStoryRead?.(a.id, !a.read) }
        : { label: a.read ? 'Mark as unread' : 'Mark as read', run: () => this.actions.setRead?.(a.id, !a.read) },
    ], at, a.title.trim() ? `Story ${a.title}` : 'Story');
  }

  /** Bookmarks a listed story (the menu's; `b` works on the open one). @param {number} id @param {boolean} on */
  async setBookmarked(id, on) {
    try {
      await api.setBookmarked(id, on);
      this.update(id, { bookmarked: on });
      this.actions.changed?.(id, { bookmarked: on });
      toast(on ? 'Bookmarked: kept for good, pictures included.' : 'Bookmark removed.');
    } catch (err) {
      showError(err);
    }
  }

  /**
   * Selects a row, scrolls it into view and opens it.
   * @param {number} index @param {boolean} open
   */
  select(index, open) {
    if (index < 0 || index >= this.items.length) return;
    this.selected = index;
    const top = index * ROW_HEIGHT;
    if (top < this.el.scrollTop) this.el.scrollTop = top;
    else if (top + ROW_HEIGHT > this.el.scrollTop + this.el.clientHeight) {
      this.el.scrollTop = top + ROW_HEIGHT - this.el.clientHeight;
    }
    this.render();
    if (open) this.onOpen(this.items[index], index);
  }

  /** Moves the selection by `delta` rows and opens the article there. @param {number} delta */
  move(delta) {
    const next = this.selected < 0 ? 0 : this.selected + delta;
    if (next >= this.items.length && !this.complete) {
      void this.loadMore().then(() => this.select(Math.min(next, this.items.length - 1), true));
      return;
    }
    this.select(Math.max(0, Math.min(next, this.items.length - 1)), true);
  }

  /** The selected article, if any. @returns {ArticleSummary|null} */
  current() {
    return this.items[this.selected] ?? null;
  }

  /**
   * Reflects a change made elsewhere (read, bookmark) without reloading.
   * @param {number} id @param {Partial<ArticleSummary>} patch
   */
  update(id, patch) {
    const i = this.items.findIndex((a) => a.id === id);
    if (i < 0) return;
    this.items[i] = { ...this.items[i], ...patch };
    this.render();
  }

  /** Every article currently listed, read. */
  markAllShownRead() {
    this.items = this.items.map((a) => ({ ...a, read: true }));
    this.render();
  }
}
