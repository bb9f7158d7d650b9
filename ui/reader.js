// The reader: one stored story at a time, with a browser-like Back/Forward history.
// The story's HTML (sanitized by the engine) is shown in an <iframe sandbox> WITHOUT
// allow-scripts, so nothing in it can run; the frame takes no pointer events and story-frame.js
// resolves clicks on its links and selection from the window. Titles, bylines and related
// links are set as text, never as markup.
import * as api from './api.js';
import { byId, h, hostOf, isolate, longTime, replace, shortTime } from './dom.js';
import { copySelection, wireStoryPointer } from './story-frame.js';
import { showError } from './toast.js';

/** @typedef {import('./api.js').ArticleView} ArticleView */
/** @typedef {{dark: boolean, font: 'serif'|'sans', size: number}} Appearance */
/**
 * What a link's activation asked for: `default`, `other` (a modifier key: the other way than
 * the setting's), `browser` (a middle click) or `related` (one of the story's related links).
 * @typedef {'default'|'other'|'browser'|'related'} LinkHow
 */

export class Reader {
  /**
   * @param {{
   *   onShown: (view: ArticleView) => void,
   *   onLink: (url: string, how: LinkHow) => void,
   *   onKey: (e: KeyboardEvent) => void,
   * }} hooks onShown after a story is displayed; onLink when a link in the story is
   *   activated; onKey for keys pressed while the story has focus
   */
  constructor(hooks) {
    this.hooks = hooks;
    /** @type {number[]} article ids, as a browser's history */
    this.history = [];
    this.position = -1;
    /** @type {ArticleView|null} */
    this.view = null;
    /** @type {Appearance} */
    this.appearance = { dark: false, font: 'serif', size: 18 };
    this.frame = byId('story-frame', HTMLIFrameElement);
    this.scroll = byId('reader-scroll', HTMLElement);
    this.empty = byId('reader-empty', HTMLElement);
    this.loading = byId('reader-loading', HTMLElement);
    /** @type {ResizeObserver|null} */
    this.sizer = null;
    /** index of the story link selected from the keyboard, -1 for none */
    this.linkIndex = -1;
    this.frame.addEventListener('load', () => this.frameLoaded());
    window.addEventListener('resize', () => this.fitFrame());
    // Clicks and selection over the script-less frame are resolved from the window.
    wireStoryPointer(byId('story', HTMLElement), this.frame, (href, how) => this.hooks.onLink(href, how));
    byId('btn-back', HTMLButtonElement).addEventListener('click', () => void this.back());
    byId('btn-forward', HTMLButtonElement).addEventListener('click', () => void this.forward());
    // No story yet: its actions start disabled.
    this.updateToolbar();
  }

  /** Copies the story's selected text; false when nothing in it is selected (story-frame.js). */
  copySelection() {
    return copySelection(this.frame);
  }

  /**
   * Shows an article and records it in the history, dropping anything "forward" of here.
   * @param {ArticleView} view
   */
  push(view) {
    this.history = this.history.slice(0, this.position + 1);
    if (this.history[this.position] !== view.id) {
      this.history.push(view.id);
      this.position = this.history.length - 1;
    }
    this.display(view);
  }

  /** Opens a stored article by id as a new history entry. @param {number} id */
  async open(id) {
    this.busy(true);
    try {
      this.push(await api.getArticle(id));
    } catch (err) {
      showError(err);
    } finally {
      this.busy(false);
    }
  }

  /**
   * Follows a link inside the reader: the engine fetches, extracts, sanitizes and keeps it.
   * @param {string} url
   */
  async follow(url) {
    this.busy(true);
    try {
      this.push(await api.openLink(url, this.view ? this.view.id : null));
    } catch (err) {
      showError(err);
    } finally {
      this.busy(false);
    }
  }

  canGoBack() { return this.position > 0; }

  /** Goes back one story; false when there is nothing to go back to. */
  async back() {
    if (!this.canGoBack()) return false;
    await this.go(this.position - 1);
    return true;
  }

  async forward() {
    if (this.position >= this.history.length - 1) return;
    await this.go(this.position + 1);
  }

  /** @param {number} position */
  async go(position) {
    this.busy(true);
    try {
      const view = await api.getArticle(this.history[position]);
      this.position = position;
      this.display(view);
    } catch (err) {
      showError(err);
    } finally {
      this.busy(false);
    }
  }

  /** Forgets the history and shows the empty state. */
  clear() {
    this.history = [];
    this.position = -1;
    this.view = null;
    this.scroll.hidden = true;
    this.empty.hidden = false;
    this.updateToolbar();
  }

  /** @param {boolean} on */
  busy(on) {
    this.loading.hidden = !on;
  }

  /** @param {Appearance} appearance */
  setAppearance(appearance) {
    this.appearance = appearance;
    if (this.view) this.applyAppearance();
  }

  /**
   * Pictures or the full story (of a teaser) arrived in the library: the open story's document
   * is loaded again with them, unless the person has started reading it (scrolled, or selected text), which a new
   * document would undo. Only the frame changes: the title, toolbar and related links stay the
   * same elements, so nothing under the pointer or the keyboard moves.
   */
  async storyUpdated() {
    const view = this.view;
    const reading = () => this.scroll.scrollTop > 0
      || this.frame.contentDocument?.getSelection()?.isCollapsed === false;
    if (!view || reading()) return;
    try {
      const fresh = await api.getArticle(view.id);
      // Pictures that arrived change the stored HTML's addresses, a full story its text.
      if (this.view !== view || fresh.html === view.html || reading()) return;
      // The read and bookmark state are the window's (it may have changed them meanwhile).
      this.view = { ...fresh, read: view.read, bookmarked: view.bookmarked };
      this.frame.srcdoc = frameDocument(fresh.html, fresh.language, this.appearance);
    } catch {
      // The story stays as it is; the pictures show the next time it is opened.
    }
  }

  /** @param {ArticleView} view */
  display(view) {
    this.view = view;
    const source = view.feed_title ?? view.site_name ?? hostOf(view.url) ?? '';
    byId('story-source', HTMLElement).textContent = source;
    const title = byId('story-title', HTMLElement);
    title.textContent = view.title || 'Untitled';
    // The title is in the story's language; the source and the date line are the window's.
    if (view.language) title.lang = view.language;
    else title.removeAttribute('lang');
    const meta = [];
    if (view.author) meta.push(isolate(view.author));
    const when = longTime(view.published);
    if (when) meta.push(when);
    meta.push(`${view.reading_minutes} min read`);
    byId('story-meta', HTMLElement).textContent = meta.join(' · ');

    const related = byId('related', HTMLElement);
    related.hidden = view.related.length === 0;
    replace(byId('related-list', HTMLElement), view.related.map((link) => h('li', {}, [
      h('button', {
        class: 'related-link', type: 'button',
        onclick: (/** @type {Event} */ e) => {
          const turned = e instanceof MouseEvent && (e.ctrlKey || e.metaKey || e.shiftKey);
          this.hooks.onLink(link.url, turned ? 'other' : 'related');
        },
      }, [
        h('span', { class: 'related-link-title', dir: 'auto' }, [link.title || link.url]),
        h('span', { class: 'related-link-host' }, [hostOf(link.url) ?? '']),
      ]),
    ])));

    // The same event from other outlets, opened inside the reader as related stories are (so
    // Back and Forward work): their addresses are stored articles, which open as they are.
    const others = view.coverage.filter((c) => c.url);
    byId('coverage', HTMLElement).hidden = others.length === 0;
    replace(byId('coverage-list', HTMLElement), others.map((c) => h('li', {}, [
      h('button', {
        class: 'related-link coverage-link', type: 'button',
        onclick: () => { if (c.url) this.hooks.onLink(c.url, 'related'); },
      }, [
        h('span', { class: 'related-link-title', dir: 'auto' }, [c.title || c.url || '']),
        h('span', { class: 'related-link-host' }, [
          [c.feed_title ?? hostOf(c.url) ?? '', shortTime(c.published)].filter(Boolean).join(' · '),
        ]),
      ]),
    ])));

    this.frame.classList.add('is-loading');
    this.frame.srcdoc = frameDocument(view.html, view.language, this.appearance);
    this.empty.hidden = true;
    this.scroll.hidden = false;
    this.scroll.scrollTop = 0;
    this.updateToolbar();
    this.hooks.onShown(view);
  }

  /** Wires the freshly loaded story document: links, keys, size and appearance. */
  frameLoaded() {
    const doc = this.frame.contentDocument;
    if (!doc || !this.view) return;
    // Keys pressed inside the frame would reach no listener (see the constructor), so focus
    // never goes there: the story's links are reached with `l` / `L` from the window instead.
    for (const link of this.storyLinks()) link.setAttribute('tabindex', '-1');
    this.linkIndex = -1;
    this.applyAppearance();
    this.sizer?.disconnect();
    if (doc.body) {
      this.sizer = new ResizeObserver(() => this.fitFrame());
      this.sizer.observe(doc.body);
    }
    this.fitFrame();
    this.frame.classList.remove('is-loading');
  }

  /** The story's links, in document order (none before a story is loaded). */
  storyLinks() {
    return [...(this.frame.contentDocument?.querySelectorAll('a[href]') ?? [])];
  }

  /**
   * Selects the next (1) or previous (-1) link of the story, for keyboard users; Enter then
   * opens it. Returns false when the story has no links.
   * @param {number} delta
   */
  cycleLink(delta) {
    if (!this.view) return false;
    const links = this.storyLinks();
    if (links.length === 0) return false;
    links[this.linkIndex]?.classList.remove('kbd-link');
    this.linkIndex = (Math.max(this.linkIndex, delta > 0 ? -1 : 0) + delta + links.length) % links.length;
    const link = links[this.linkIndex];
    link.classList.add('kbd-link');
    const top = this.frame.getBoundingClientRect().top + link.getBoundingClientRect().top;
    if (top < 80 || top > window.innerHeight - 80) this.scroll.scrollBy({ top: top - window.innerHeight / 3 });
    byId('story-status', HTMLElement).textContent = `Link ${this.linkIndex + 1} of ${links.length}: ${link.textContent ?? ''}`;
    return true;
  }

  /** Opens the link selected with cycleLink, if any. @returns {boolean} whether one was */
  activateLink() {
    const href = this.storyLinks()[this.linkIndex]?.getAttribute('href');
    if (!href) return false;
    this.hooks.onLink(href, 'default');
    return true;
  }

  applyAppearance() {
    const root = this.frame.contentDocument?.documentElement;
    if (!root) return;
    root.classList.toggle('dark', this.appearance.dark);
    root.classList.toggle('sans', this.appearance.font === 'sans');
    root.style.fontSize = `${this.appearance.size}px`;
    this.fitFrame();
  }

  /**
   * Scrolls the story by a line or a page (up when `direction` is negative). Returns false when
   * it could not move (no story, or already at that end).
   * @param {'line'|'page'} unit @param {number} direction
   */
  scrollBy(unit, direction) {
    const el = this.scroll;
    if (!this.view || el.hidden) return false;
    const before = el.scrollTop;
    const step = unit === 'line' ? 40 : Math.max(40, el.clientHeight - 60);
    el.scrollTop = before + Math.sign(direction) * step;
    return el.scrollTop !== before;
  }

  /** Makes the frame as tall as its story, so the reader pane scrolls as one page. */
  fitFrame() {
    const body = this.frame.contentDocument?.body;
    if (!body) return;
    const height = Math.ceil(body.getBoundingClientRect().height);
    if (height > 0) this.frame.style.height = `${height}px`;
  }

  updateToolbar() {
    const view = this.view;
    byId('btn-back', HTMLButtonElement).disabled = !this.canGoBack();
    byId('btn-forward', HTMLButtonElement).disabled = this.position >= this.history.length - 1;
    const bookmark = byId('btn-bookmark', HTMLButtonElement);
    bookmark.setAttribute('aria-pressed', view && view.bookmarked ? 'true' : 'false');
    bookmark.setAttribute('aria-label', view && view.bookmarked ? 'Remove bookmark' : 'Bookmark');
    for (const id of ['btn-bookmark', 'btn-unread', 'btn-mute', 'btn-export-html', 'btn-export-md']) {
      byId(id, HTMLButtonElement).disabled = !view;
    }
    byId('btn-original', HTMLButtonElement).disabled = !view || !view.url;
    const unread = byId('btn-unread', HTMLButtonElement);
    unread.setAttribute('aria-label', view && !view.read ? 'Mark as read' : 'Mark as unread');
    unread.title = view && !view.read ? 'Mark as read (m)' : 'Mark as unread (m)';
    unread.classList.toggle('is-on', !!view && !view.read);
  }

  /** @param {Partial<ArticleView>} patch */
  patch(patch) {
    if (!this.view) return;
    this.view = { ...this.view, ...patch };
    this.updateToolbar();
  }
}

/**
 * The story's own document. Its only style is the app's reader-frame.css (the window's CSP
 * forbids inline styles here too); its HTML was sanitized by the engine before it was stored.
 * `language` is the feed's declared language (a tag the engine checked), so hyphenation, quotes
 * and screen readers follow the story rather than the window.
 * @param {string} html @param {string|null} language @param {Appearance} appearance
 * @returns {string}
 */
function frameDocument(html, language, appearance) {
  const classes = [appearance.dark ? 'dark' : '', appearance.font === 'sans' ? 'sans' : ''].join(' ').trim();
  const lang = language ? ` lang="${attribute(language)}"` : '';
  return `<!doctype html><html class="${classes}"${lang}><head><meta charset="utf-8">`
    + '<meta name="referrer" content="no-referrer">'
    + '<link rel="stylesheet" href="reader-frame.css"></head>'
    + `<body><div class="story-body" dir="auto">${html}</div></body></html>`;
}

/**
 * Text made safe inside a double-quoted attribute.
 * @param {string} text @returns {string}
 */
function attribute(text) {
  return text.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
