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

/**
 * A feed's icon from the library's image scheme. It is decoration (the row names the feed), and
 * an icon that fails to load gives way to the monogram. Lazy and async, so 500 feeds cost little.
 * @param {string} src @param {string} title @returns {HTMLElement}
 */
export function feedIcon(src, title) {
  return h('img', {
    class: 'feed-icon', src, alt: '', 'aria-hidden': 'true', width: '16', height: '16',
    decoding: 'async', loading: 'lazy',
    onerror: (/** @type {Event} */ event) => {
      /** @type {HTMLElement} */ (event.currentTarget).replaceWith(monogram(title));
    },
  });
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

/** An address's host without a leading "www.", or null when it is not an address.
 * @param {string|null} url @returns {string|null} */
export function hostOf(url) {
  if (!url) return null;
  try {
    return new URL(url).host.replace(/^www\./, '') || null;
  } catch {
    return null;
  }
}

/**
 * A name from outside (a feed's, a story's, a folder's, an author's) inside one of the window's
 * own sentences, isolated for bidirectional text (Unicode FSI … PDI): an Arabic or Hebrew name
 * ending in "!" or a number keeps its own direction and never reorders the sentence around it.
 * Elements that hold nothing but a name get `dir="auto"` instead.
 * @param {string} name @returns {string}
 */
export function isolate(name) {
  return `\u2068${name}\u2069`;
}

/**
 * Where a link really goes, as the link dialog shows it before opening it: for a web link its
 * host as the WHATWG parser gives it (ASCII: an internationalized name in punycode, so
 * `аpple.com` in Cyrillic shows as `xn--pple-43d.com`), with any port; for a `mailto:` link the
 * address, its domain in punycode too. Null when the address does not parse.
 * @param {string} url absolute
 * @returns {{mail: boolean, where: string}|null}
 */
export function linkTarget(url) {
  let parsed;
  try {
    parsed = new URL(url);
  } catch {
    return null;
  }
  if (parsed.protocol !== 'mailto:') return parsed.host ? { mail: false, where: parsed.host } : null;
  let addresses;
  try {
    addresses = decodeURIComponent(parsed.pathname);
  } catch {
    addresses = parsed.pathname;
  }
  // Format and control characters (a right-to-left override) could make one address look like another.
  addresses = addresses.replace(/[\p{Cc}\p{Cf}]/gu, '');
  return { mail: true, where: addresses.split(',').map((one) => asciiMailDomain(one.trim())).join(', ') };
}

/** A mail address with its domain as the WHATWG parser writes hosts (punycode); as written
 * when its domain is not a plain host name. @param {string} address @returns {string} */
function asciiMailDomain(address) {
  const at = address.lastIndexOf('@');
  const domain = address.slice(at + 1);
  if (at < 1 || !/^[^/?#\\\s@:]+$/u.test(domain)) return address;
  try {
    return `${address.slice(0, at + 1)}${new URL(`http://${domain}`).hostname}`;
  } catch {
    return address;
  }
}

/** The first words of a text, for an item that has no title (a micro-blog post).
 * @param {string} text @param {number} [max] characters at most @returns {string} */
export function firstWords(text, max = 160) {
  const flat = text.replace(/\s+/g, ' ').trim();
  if (flat.length <= max) return flat;
  const cut = flat.slice(0, max);
  const space = cut.lastIndexOf(' ');
  return `${(space > max / 2 ? cut.slice(0, space) : cut).replace(/[\s.,;:!?]+$/u, '')}…`;
}

/**
 * Copies text to the clipboard through a hidden field of the window (the clipboard API is
 * not granted in the webview). Returns whether the copy worked.
 * @param {string} text @returns {boolean}
 */
export function copyText(text) {
  const field = document.createElement('textarea');
  field.value = text;
  field.setAttribute('aria-hidden', 'true');
  field.className = 'visually-hidden';
  document.body.append(field);
  field.select();
  const copied = document.execCommand('copy');
  field.remove();
  return copied;
}

/** @param {unknown} err @returns {{kind: string|null, message: string}} */
function errorParts(err) {
  let kind = null;
  let message = '';
  if (err && typeof err === 'object') {
    const e = /** @type {{kind?: unknown, message?: unknown}} */ (err);
    if (typeof e.kind === 'string') kind = e.kind;
    if (typeof e.message === 'string') message = e.message;
  } else if (typeof err === 'string') {
    message = err;
  }
  return { kind, message };
}

/** What a refused, unreachable or unknown host says, from the technical message of a `connect` error.
 * @param {string} message @returns {string} */
function connectSentence(message) {
  if (/refused|os error 111|os error 10061/i.test(message)) return 'The server refused the connection.';
  if (/dns|lookup|resolve|name or service not known|os error -[23]/i.test(message)) {
    return 'The site’s address could not be found. Check the address, or your connection.';
  }
  if (/unreachable|os error 101|os error 113/i.test(message)) return 'The network is unreachable. Check your connection.';
  return 'Could not connect to the server. Check your connection.';
}

/** The HTTP status in a `http_status` error's message ("fetch: 404 Not Found from …").
 * @param {string} message @returns {number|null} */
function statusIn(message) {
  const m = message.match(/\b([1-5]\d\d)\b/);
  return m ? Number(m[1]) : null;
}

/** @param {number|null} status @param {string} what @returns {string} */
function statusSentence(status, what) {
  if (status === 404) return `${what} not found (404).`;
  if (status === 410) return `${what} is gone for good (410).`;
  if (status === 401 || status === 403) return `The server refused access (${status}).`;
  if (status === 429) return 'The server asks Broadsheet to wait before asking again (429).';
  if (status !== null && status >= 500) return `The server had a problem (${status}). Try again later.`;
  return status === null ? 'The server answered with an error.' : `The server answered with an error (${status}).`;
}

/** Plain sentences for the engine's stable error kinds (src-tauri: each error's `kind()`). */
const SENTENCES = /** @type {{[kind: string]: string}} */ ({
  timeout: 'The server took too long to answer.',
  rate_limited: 'The server asks Broadsheet to wait before asking again.',
  too_large: 'It is too large for Broadsheet to download.',
  too_many_redirects: 'The address sends Broadsheet round in circles (too many redirects).',
  bad_redirect: 'The address redirects somewhere Broadsheet cannot follow.',
  blocked: 'Broadsheet does not fetch from that kind of address.',
  invalid_url: 'That is not a web address.',
  unsupported_scheme: 'Broadsheet fetches only http and https addresses.',
  unsupported_url: 'Broadsheet fetches only http and https addresses.',
  body: 'The server’s answer broke off. Try again later.',
  client: 'Broadsheet could not start its network connection.',
  not_a_feed: 'That address is not a feed.',
  malformed_feed: 'The feed is damaged and could not be read.',
  unsupported_encoding: 'The feed uses a text encoding Broadsheet cannot read.',
  feed_too_deep: 'The feed is too deeply nested to read safely.',
  feed_parser_panic: 'The feed could not be read.',
  no_feed_found: 'No feed was found at that address.',
  no_content: 'Broadsheet found no story on that page.',
  too_complex: 'The page is too complex to read safely.',
  opener: 'Could not open your browser.',
  refused_scheme: 'Broadsheet opens only web and mail links.',
  no_such_feed: 'That feed is no longer in your library.',
  no_such_article: 'That story is no longer in your library.',
  no_such_account: 'That account is no longer in your library.',
  auth: 'The server refused the user name or API password.',
  unreachable: 'The server could not be reached. Your changes wait and are sent when it answers.',
  unexpected_answer: 'That server does not answer as a Google Reader API server does. Check its address.',
  no_such_rule: 'That rule is no longer in your library.',
  opml_malformed: 'That file is not a subscription list (OPML) Broadsheet can read.',
  opml_too_large: 'That subscription list (OPML) is too large.',
  credentials: 'Broadsheet could not keep or read the feed’s password in your system’s password store.',
  library: 'Your library could not be read or written.',
  library_unreadable: 'Your library could not be opened.',
  library_too_new: 'Your library was written by a newer Broadsheet. Update Broadsheet to open it.',
  io: 'A file could not be read or written.',
  image_cache_io: 'A picture could not be saved.',
  no_backend: 'Broadsheet must run inside its app window.',
  internal: 'Something went wrong inside Broadsheet.',
});

/**
 * What went wrong, in plain words: the one place the window turns an error's stable `kind`
 * (and, for HTTP errors, its status) into a sentence. The engine's own message is technical
 * ("os error 111", a wait status) and is shown only as detail (`errorDetail`).
 * @param {unknown} err an AppError, a feed's health, or anything thrown
 * @param {string} [what] what was being fetched, for "… not found (404)"
 * @returns {string}
 */
export function errorText(err, what = 'Page') {
  const { kind, message } = errorParts(err);
  if (kind === 'connect') return connectSentence(message);
  if (kind === 'http_status') return statusSentence(statusIn(message), what);
  if (kind === 'invalid_setting' && message) return `${message.replace(/^invalid setting: /, '').replace(/^./, (c) => c.toUpperCase())}.`;
  // The engine names what is wrong with a pattern ("unclosed group"): that is the sentence.
  if (kind === 'invalid_rule' && message) return `${message.replace(/^rule refused: /, '').replace(/^./, (c) => c.toUpperCase())}.`;
  if (kind && SENTENCES[kind]) return SENTENCES[kind];
  // A sentence the window wrote itself; anything else thrown (a script's Error) is technical.
  if (!kind && typeof err === 'string' && err) return err;
  return 'Something went wrong.';
}

/** The technical message behind `errorText`, for a "Details" line; '' when it adds nothing.
 * @param {unknown} err @returns {string} */
export function errorDetail(err) {
  const { message } = errorParts(err);
  return message && message !== errorText(err) ? message : '';
}
