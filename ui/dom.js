// Builds elements from data without ever parsing it as markup: every string becomes text.
// The one place the window creates DOM; nothing here uses innerHTML.

/**
 * @typedef {{[name: string]: string|number|boolean|null|undefined|EventListener}} Attrs
 * @typedef {Node|string|null|undefined|false} Child
 */

/**
 * Creates an element. Attributes named `on…` with a function become listeners; `class`
 * sets the class list; `false`/`null` attributes are left out; strings in children are text.
 * @template {keyof HTMLElementTagNameMap} K
 * @param {K} tag
 * @param {Attrs} [attrs]
 * @param {Child[]} [children]
 * @returns {HTMLElementTagNameMap[K]}
 */
export function h(tag, attrs = {}, children = []) {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === null || value === undefined || value === false) continue;
    if (typeof value === 'function') {
      el.addEventListener(name.slice(2), value);
    } else if (name === 'class') {
      el.className = String(value);
    } else if (value === true) {
      el.setAttribute(name, '');
    } else {
      el.setAttribute(name, String(value));
    }
  }
  append(el, children);
  return el;
}

/**
 * Appends children; strings become text nodes.
 * @param {Node} parent
 * @param {Child[]} children
 */
export function append(parent, children) {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    parent.appendChild(typeof child === 'string' ? document.createTextNode(child) : child);
  }
}

/**
 * Replaces every child of `parent`.
 * @param {Node} parent
 * @param {Child[]} children
 */
export function replace(parent, children) {
  while (parent.firstChild) parent.removeChild(parent.firstChild);
  append(parent, children);
}

/**
 * Looks up an element the page must have; a missing one is a bug in index.html.
 * @template {HTMLElement} T
 * @param {string} id
 * @param {new (...args: any[]) => T} type
 * @returns {T}
 */
export function byId(id, type) {
  const el = document.getElementById(id);
  if (!(el instanceof type)) throw new Error(`index.html lacks #${id}`);
  return el;
}

/**
 * Text with the searched words wrapped in <mark>, built node by node (never as markup).
 * A word matches at the start of a word, as the engine's prefix search does.
 * @param {string} text
 * @param {string[]} words lower-case search words
 * @returns {Node[]}
 */
export function highlighted(text, words) {
  if (words.length === 0) return [document.createTextNode(text)];
  const escaped = words.map((w) => w.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
  const re = new RegExp(`(?<![\\p{L}\\p{N}])(${escaped.join('|')})[\\p{L}\\p{N}]*`, 'giu');
  /** @type {Node[]} */
  const out = [];
  let last = 0;
  for (const m of text.matchAll(re)) {
    const at = m.index ?? 0;
    if (at > last) out.push(document.createTextNode(text.slice(last, at)));
    out.push(h('mark', {}, [m[0]]));
    last = at + m[0].length;
  }
  if (last < text.length) out.push(document.createTextNode(text.slice(last)));
  return out;
}

/**
 * The words of a search as the engine splits them.
 * @param {string|null} search
 * @returns {string[]}
 */
export function searchWords(search) {
  if (!search) return [];
  return search
    .toLowerCase()
    .split(/[^\p{L}\p{N}]+/u)
    .filter((w) => w.length > 0)
    .slice(0, 16);
}

/** A calm colour for a feed's monogram, the same for the same title every time.
 * @param {string} title @returns {string} */
export function monogramColour(title) {
  let hash = 0;
  for (const ch of title) hash = (hash * 31 + (ch.codePointAt(0) ?? 0)) >>> 0;
  return `hsl(${hash % 360} 42% 46%)`;
}

/** A feed's monogram: its first letter in a coloured circle (remote favicons cannot load).
 * @param {string} title @returns {HTMLElement} */
export function monogram(title) {
  const letter = (title.trim().match(/[\p{L}\p{N}]/u) ?? ['•'])[0].toUpperCase();
  const el = h('span', { class: 'monogram', 'aria-hidden': 'true' }, [letter]);
  el.style.backgroundColor = monogramColour(title);
  return el;
}

const dayFormat = new Intl.DateTimeFormat(undefined, { month: 'short', day: 'numeric' });
const yearFormat = new Intl.DateTimeFormat(undefined, { year: 'numeric', month: 'short', day: 'numeric' });
const fullFormat = new Intl.DateTimeFormat(undefined, { dateStyle: 'long', timeStyle: 'short' });

/** A short time for the list: "5 min", "3 h", "Sep 2", or with the year when not this year.
 * @param {string} iso @returns {string} */
export function shortTime(iso) {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return '';
  const minutes = (Date.now() - d.getTime()) / 60000;
  if (minutes >= 0 && minutes < 60) return `${Math.max(1, Math.round(minutes))} min`;
  if (minutes >= 0 && minutes < 24 * 60) return `${Math.round(minutes / 60)} h`;
  return d.getFullYear() === new Date().getFullYear() ? dayFormat.format(d) : yearFormat.format(d);
}

/** A full date for the reader. @param {string} iso @returns {string} */
export function longTime(iso) {
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? '' : fullFormat.format(d);
}

/** Readable text for anything thrown or rejected, never a stack.
 * @param {unknown} err @returns {string} */
export function errorText(err) {
  if (err && typeof err === 'object' && 'message' in err) {
    const message = /** @type {{message: unknown}} */ (err).message;
    if (typeof message === 'string' && message.length > 0) return message;
  }
  if (typeof err === 'string' && err.length > 0) return err;
  return 'Something went wrong.';
}
