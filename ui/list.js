// The article list: a virtualized listbox. Only the visible rows (plus a few) exist in the DOM,
// whatever the library holds; pages of articles are fetched as the reader scrolls towards them.
import * as api from './api.js';
import { h, highlighted, replace, shortTime } from './dom.js';
import { showError } from './toast.js';

/** Height of one row in CSS pixels; fixed so the list can place any row without measuring. */
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
   */
  constructor(el, spacer, empty, onOpen) {
    this.el = el;
    this.spacer = spacer;
    this.empty = empty;
    this.onOpen = onOpen;
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
    return `${a.id}:${a.read ? 1 : 0}:${a.bookmarked ? 1 : 0}:${i === this.selected ? 1 : 0}`;
  }

  /** @param {number} i */
  buildRow(i) {
    const a = this.items[i];
    const source = a.feed_title ?? hostOf(a.url) ?? 'Saved page';
    const classes = ['row', a.read ? 'is-read' : 'is-unread'];
    if (i === this.selected) classes.push('is-selected');
    const row = h('div', {
      class: classes.join(' '),
      role: 'option',
      id: `article-${a.id}`,
      'aria-selected': i === this.selected ? 'true' : 'false',
      'aria-label': `${a.title}, ${source}${a.read ? '' : ', unread'}${a.bookmarked ? ', bookmarked' : ''}`,
      'data-index': i,
      'data-id': a.id,
      'data-key': this.rowKey(i),
    }, [
      h('div', { class: 'row-meta' }, [
        h('span', { class: 'row-dot', 'aria-hidden': 'true' }),
        h('span', { class: 'row-source' }, [source]),
        a.bookmarked ? h('span', { class: 'row-bookmark', 'aria-hidden': 'true', title: 'Bookmarked' }, ['★']) : null,
        h('time', { class: 'row-time', datetime: a.published }, [shortTime(a.published)]),
      ]),
      h('div', { class: 'row-title' }, highlighted(a.title || 'Untitled', this.words)),
      h('div', { class: 'row-excerpt' }, highlighted(a.excerpt, this.words)),
    ]);
    row.style.transform = `translateY(${i * ROW_HEIGHT}px)`;
    return row;
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

/** @param {string|null} url @returns {string|null} */
function hostOf(url) {
  if (!url) return null;
  try {
    return new URL(url).host;
  } catch {
    return null;
  }
}
