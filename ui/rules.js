// The Rules pane: the person's rules (mute, mark read, bookmark, notify), one editor to add or
// change one with "matches N stored stories" as they type, and the presets a story offers
// ("Mute stories like this", "Mute this feed for 7 days"). The engine checks, stores and
// applies every rule; this module only gathers what the person chose and shows the result.
import * as api from './api.js';
import { byId, errorText, h, isolate, replace } from './dom.js';
import { showError, toast } from './toast.js';

/** @typedef {import('./api.js').Rule} Rule */
/** @typedef {import('./api.js').RuleSpec} RuleSpec */
/** @typedef {import('./api.js').RuleField} RuleField */
/** @typedef {import('./api.js').RuleAction} RuleAction */
/** @typedef {import('./api.js').Feed} Feed */

/**
 * Where the pane was opened from: the feeds and folders a rule may keep to, the words to start
 * with (a story's), and the feed a "mute for 7 days" would silence.
 * @typedef {{
 *   feeds: Feed[],
 *   folders: string[],
 *   prefill?: {field: RuleField, pattern: string, feedId?: number|null},
 *   feed?: Feed|null,
 *   onChanged: () => void,
 * }} RulesContext
 */

/** How long "Mute this feed" lasts. */
export const MUTE_DAYS = 7;

/** Words of each field and action, as a rule's line reads them. */
const FIELD_WORDS = /** @type {Record<RuleField, string>} */ ({
  title: 'title', text: 'text', author: 'author', url: 'address', category: 'category', any: 'title, text, author, address or category',
});
const ACTION_WORDS = /** @type {Record<RuleAction, string>} */ ({
  hide: 'Hide', read: 'Mark read', bookmark: 'Bookmark', notify: 'Notify me of',
});

/**
 * A rule as one line of text.
 * @param {Rule} rule @param {Feed[]} feeds @returns {string}
 */
export function describeRule(rule, feeds) {
  const how = rule.kind === 'regex' ? 'matches' : 'has';
  let text = `${ACTION_WORDS[rule.action]} stories whose ${FIELD_WORDS[rule.field]} ${how} “${rule.pattern}”`;
  if (rule.feed_id !== null) {
    const feed = feeds.find((f) => f.id === rule.feed_id);
    text += `, in ${feed ? isolate(feed.title) : `feed ${rule.feed_id}`}`;
  } else if (rule.folder !== null) {
    text += `, in the folder ${isolate(rule.folder)}`;
  }
  if (rule.until !== null) {
    const until = new Date(rule.until);
    text += until.getTime() <= Date.now() ? ' (expired)' : `, until ${until.toLocaleString()}`;
  }
  return text;
}

/**
 * A time as a `datetime-local` field shows it (the person's own time zone).
 * @param {string} iso @returns {string}
 */
function localInput(iso) {
  const t = new Date(iso);
  const shifted = new Date(t.getTime() - t.getTimezoneOffset() * 60_000);
  return shifted.toISOString().slice(0, 16);
}

/**
 * Opens the Rules pane. Resolves when it closes.
 * @param {RulesContext} context
 * @returns {Promise<void>}
 */
export async function openRules(context) {
  const dlg = byId('dlg-rules', HTMLDialogElement);
  const list = byId('rules-list', HTMLUListElement);
  const field = byId('rule-field', HTMLSelectElement);
  const pattern = byId('rule-pattern', HTMLInputElement);
  const regex = byId('rule-regex', HTMLInputElement);
  const scope = byId('rule-scope', HTMLSelectElement);
  const action = byId('rule-action', HTMLSelectElement);
  const until = byId('rule-until', HTMLInputElement);
  const matches = byId('rule-matches', HTMLElement);
  const save = byId('rule-save', HTMLButtonElement);
  const cancelEdit = byId('rule-cancel-edit', HTMLButtonElement);
  const legend = byId('rule-legend', HTMLElement);
  const muteFeed = byId('rules-mute-feed', HTMLButtonElement);

  replace(scope, [
    h('option', { value: '' }, ['every feed']),
    ...context.folders.map((name) => h('option', { value: `folder:${name}` }, [`the folder ${name}`])),
    ...context.feeds.map((f) => h('option', { value: `feed:${f.id}` }, [f.title])),
  ]);
  muteFeed.hidden = !context.feed;
  muteFeed.textContent = context.feed ? `Mute ${isolate(context.feed.title)} for ${MUTE_DAYS} days` : '';

  /** @type {Rule[]} */
  let rules = [];
  /** The rule being edited, or null for a new one. @type {number|null} */
  let editing = null;

  /** The editor's rule, as the engine takes it. @returns {RuleSpec} */
  const spec = () => {
    const [kind, value] = scope.value.split(/:(.*)/s);
    return {
      field: /** @type {RuleField} */ (field.value),
      pattern: pattern.value,
      kind: regex.checked ? 'regex' : 'words',
      feed_id: kind === 'feed' ? Number(value) : null,
      folder: kind === 'folder' ? value : null,
      action: /** @type {RuleAction} */ (action.value),
      until: until.value ? new Date(until.value).toISOString() : null,
    };
  };

  /** @param {{field?: RuleField, pattern?: string, feedId?: number|null}} [start] @param {Rule} [rule] */
  const fill = (start = {}, rule) => {
    editing = rule ? rule.id : null;
    legend.textContent = rule ? 'Change the rule' : 'New rule';
    save.textContent = rule ? 'Save rule' : 'Add rule';
    cancelEdit.hidden = !rule;
    field.value = rule?.field ?? start.field ?? 'title';
    pattern.value = rule?.pattern ?? start.pattern ?? '';
    regex.checked = rule ? rule.kind === 'regex' : false;
    const feedId = rule ? rule.feed_id : start.feedId ?? null;
    scope.value = feedId !== null ? `feed:${feedId}` : rule?.folder != null ? `folder:${rule.folder}` : '';
    action.value = rule?.action ?? 'hide';
    until.value = rule?.until ? localInput(rule.until) : '';
    void count();
  };

  // "Matches N stored stories", as the person types; a late answer never overwrites a newer one.
  let asked = 0;
  /** @type {number|undefined} */
  let debounce;
  const count = () => {
    clearTimeout(debounce);
    matches.classList.remove('is-error');
    if (!pattern.value.trim()) {
      matches.textContent = '';
      return;
    }
    const question = ++asked;
    debounce = window.setTimeout(async () => {
      try {
        const n = await api.countRuleMatches(spec());
        if (question !== asked) return;
        matches.textContent = `Matches ${n} stored ${n === 1 ? 'story' : 'stories'}.`;
      } catch (err) {
        if (question !== asked) return;
        matches.classList.add('is-error');
        matches.textContent = errorText(err);
      }
    }, 250);
  };

  const render = () => {
    replace(list, rules.map((rule) => {
      const text = describeRule(rule, context.feeds);
      const expired = rule.until !== null && new Date(rule.until).getTime() <= Date.now();
      return h('li', { class: expired ? 'rule-row is-expired' : 'rule-row' }, [
        h('span', { class: 'rule-text', dir: 'auto' }, [text]),
        h('button', { class: 'text-btn', type: 'button', 'aria-label': `Edit: ${text}`, onclick: () => { fill({}, rule); pattern.focus(); } }, ['Edit']),
        h('button', { class: 'text-btn', type: 'button', 'aria-label': `Remove: ${text}`, onclick: () => void remove(rule) }, ['Remove']),
      ]);
    }));
  };

  const reload = async () => {
    try {
      rules = await api.listRules();
    } catch (err) {
      showError(err);
    }
    render();
  };

  const onSave = async () => {
    if (!pattern.value.trim()) {
      pattern.focus();
      return;
    }
    try {
      if (editing === null) await api.addRule(spec());
      else await api.updateRule(editing, spec());
    } catch (err) {
      matches.classList.add('is-error');
      matches.textContent = errorText(err);
      return;
    }
    fill();
    await reload();
    context.onChanged();
  };

  /** @param {Rule} rule */
  const remove = async (rule) => {
    try {
      await api.removeRule(rule.id);
    } catch (err) {
      showError(err);
      return;
    }
    if (editing === rule.id) fill();
    await reload();
    context.onChanged();
  };

  const onMuteFeed = async () => {
    const feed = context.feed;
    if (!feed) return;
    try {
      await muteFeedFor(feed.id);
    } catch (err) {
      showError(err);
      return;
    }
    toast(`${isolate(feed.title)} is muted for ${MUTE_DAYS} days.`);
    await reload();
    context.onChanged();
  };

  const onKey = (/** @type {KeyboardEvent} */ e) => {
    // Enter in the editor saves the rule rather than closing the pane.
    if (e.key === 'Enter') {
      e.preventDefault();
      void onSave();
    }
  };
  // Every listener of the pane, taken off again when it closes.
  /** @type {[EventTarget, string, EventListener][]} */
  const listeners = [
    ...[field, regex, scope, action, until].map((input) => /** @type {[EventTarget, string, EventListener]} */ ([input, 'change', count])),
    [pattern, 'input', count],
    [pattern, 'keydown', /** @type {EventListener} */ (onKey)],
    [save, 'click', () => void onSave()],
    [cancelEdit, 'click', () => fill()],
    [muteFeed, 'click', () => void onMuteFeed()],
  ];
  for (const [target, type, listener] of listeners) target.addEventListener(type, listener);

  fill(context.prefill);
  await reload();
  return new Promise((resolve) => {
    dlg.addEventListener('close', () => {
      clearTimeout(debounce);
      for (const [target, type, listener] of listeners) target.removeEventListener(type, listener);
      resolve();
    }, { once: true });
    dlg.showModal();
    pattern.focus();
  });
}

/**
 * Hides every story of a feed, stored and arriving, for the next week: a rule that expires.
 * @param {number} feedId @returns {Promise<Rule>}
 */
export function muteFeedFor(feedId) {
  return api.addRule({
    field: 'any',
    // Any story has a character somewhere (at the least its address).
    pattern: '.',
    kind: 'regex',
    feed_id: feedId,
    folder: null,
    action: 'hide',
    until: new Date(Date.now() + MUTE_DAYS * 86_400_000).toISOString(),
  });
}
