// The modal dialogs: add a subscription (with a choice when a site offers several feeds), a
// feed's details (rename, folder, full story, unsubscribe), and what to do with a link.
import * as api from './api.js';
import { byId, errorText, h, replace } from './dom.js';
import { showError } from './toast.js';

/** @typedef {import('./api.js').Feed} Feed */
/** @typedef {import('./api.js').Subscription} Subscription */

/** @param {string} id */
const dialog = (id) => byId(id, HTMLDialogElement);

/** Whether any dialog is open (the window's shortcuts then stay quiet). */
export function anyDialogOpen() {
  return document.querySelector('dialog[open]') !== null;
}

/**
 * The Add subscription dialog. Resolves with the subscription, or null when cancelled.
 * @param {string[]} folders existing folder names to suggest
 * @returns {Promise<Subscription|null>}
 */
export function addSubscription(folders) {
  const dlg = dialog('dlg-add');
  const form = byId('add-form', HTMLFormElement);
  const url = byId('add-url', HTMLInputElement);
  const folder = byId('add-folder', HTMLInputElement);
  const status = byId('add-status', HTMLElement);
  const candidates = byId('add-candidates', HTMLFieldSetElement);
  const candidateList = byId('add-candidate-list', HTMLElement);
  const submit = byId('add-submit', HTMLButtonElement);
  replace(byId('folder-names', HTMLDataListElement), folders.map((f) => h('option', { value: f })));
  url.value = '';
  folder.value = '';
  status.textContent = '';
  status.classList.remove('is-error');
  candidates.hidden = true;
  replace(candidateList, []);
  submit.disabled = false;
  submit.textContent = 'Subscribe';

  return new Promise((resolve) => {
    /** @type {string|null} the address the candidates were found for */
    let discoveredFor = null;
    const finish = (/** @type {Subscription|null} */ result) => {
      form.removeEventListener('submit', onSubmit);
      byId('add-cancel', HTMLButtonElement).removeEventListener('click', onCancel);
      dlg.removeEventListener('cancel', onCancel);
      if (dlg.open) dlg.close();
      resolve(result);
    };
    const onCancel = (/** @type {Event} */ e) => {
      e.preventDefault();
      finish(null);
    };
    const onSubmit = async (/** @type {Event} */ e) => {
      e.preventDefault();
      const input = url.value.trim();
      if (!input) return;
      submit.disabled = true;
      status.classList.remove('is-error');
      try {
        let target = input;
        const chosen = candidateList.querySelector('input:checked');
        if (discoveredFor === input && chosen instanceof HTMLInputElement) {
          target = chosen.value;
        } else {
          status.textContent = 'Looking for feeds…';
          const found = await api.discoverFeeds(input);
          if (found.length > 1) {
            discoveredFor = input;
            candidates.hidden = false;
            replace(candidateList, found.map((c, i) => h('label', { class: 'check candidate' }, [
              h('input', { type: 'radio', name: 'candidate', value: c.url, checked: i === 0 }),
              h('span', {}, [
                h('span', { class: 'candidate-title' }, [c.title ?? c.url]),
                h('span', { class: 'candidate-url' }, [c.url]),
              ]),
            ])));
            status.textContent = '';
            submit.disabled = false;
            return;
          }
          if (found.length === 1) target = found[0].url;
        }
        status.textContent = 'Subscribing and fetching the stories…';
        const sub = await api.subscribe(target, folder.value.trim() || null);
        finish(sub);
      } catch (err) {
        status.textContent = errorText(err);
        status.classList.add('is-error');
        submit.disabled = false;
      }
    };
    form.addEventListener('submit', onSubmit);
    byId('add-cancel', HTMLButtonElement).addEventListener('click', onCancel);
    dlg.addEventListener('cancel', onCancel);
    dlg.showModal();
    url.focus();
  });
}

/**
 * A feed's details. Resolves true when something changed.
 * @param {Feed} feed @param {string[]} folders
 * @returns {Promise<boolean>}
 */
export function editFeed(feed, folders) {
  const dlg = dialog('dlg-feed');
  const form = byId('feed-form', HTMLFormElement);
  const name = byId('feed-name', HTMLInputElement);
  const folder = byId('feed-folder', HTMLInputElement);
  const full = byId('feed-full', HTMLInputElement);
  const error = byId('feed-error', HTMLElement);
  replace(byId('folder-names', HTMLDataListElement), folders.map((f) => h('option', { value: f })));
  byId('dlg-feed-title', HTMLElement).textContent = feed.title;
  byId('feed-url', HTMLElement).textContent = feed.url;
  error.hidden = !feed.error;
  error.textContent = feed.error ? `Last refresh failed: ${errorText(feed.error, 'Feed')}` : '';
  name.value = feed.title;
  folder.value = feed.folder ?? '';
  full.checked = feed.full_story;

  return new Promise((resolve) => {
    const finish = (/** @type {boolean} */ changed) => {
      form.removeEventListener('submit', onSave);
      byId('feed-cancel', HTMLButtonElement).removeEventListener('click', onCancel);
      byId('feed-delete', HTMLButtonElement).removeEventListener('click', onDelete);
      dlg.removeEventListener('cancel', onCancel);
      if (dlg.open) dlg.close();
      resolve(changed);
    };
    const onCancel = (/** @type {Event} */ e) => { e.preventDefault(); finish(false); };
    const onSave = async (/** @type {Event} */ e) => {
      e.preventDefault();
      try {
        const title = name.value.trim();
        if (title !== feed.title) await api.renameFeed(feed.id, title || null);
        const newFolder = folder.value.trim() || null;
        if (newFolder !== feed.folder) await api.moveFeed(feed.id, newFolder);
        if (full.checked !== feed.full_story) await api.setFullStory(feed.id, full.checked);
        finish(true);
      } catch (err) {
        showError(err);
      }
    };
    const onDelete = async () => {
      if (!window.confirm(`Unsubscribe from “${feed.title}”? Its bookmarked stories are kept.`)) return;
      try {
        await api.unsubscribe(feed.id);
        finish(true);
      } catch (err) {
        showError(err);
      }
    };
    form.addEventListener('submit', onSave);
    byId('feed-cancel', HTMLButtonElement).addEventListener('click', onCancel);
    byId('feed-delete', HTMLButtonElement).addEventListener('click', onDelete);
    dlg.addEventListener('cancel', onCancel);
    dlg.showModal();
    name.focus();
  });
}

/**
 * Asks what to do with a link from a story.
 * @param {string} url @returns {Promise<'here'|'browser'|null>}
 */
export function chooseLinkAction(url) {
  const dlg = dialog('dlg-link');
  byId('link-url', HTMLElement).textContent = url;
  return new Promise((resolve) => {
    /** @type {[HTMLButtonElement, 'here'|'browser'|null][]} */
    const buttons = [
      [byId('link-here', HTMLButtonElement), 'here'],
      [byId('link-browser', HTMLButtonElement), 'browser'],
      [byId('link-cancel', HTMLButtonElement), null],
    ];
    /** @type {(() => void)[]} */
    const handlers = [];
    const finish = (/** @type {'here'|'browser'|null} */ choice) => {
      buttons.forEach(([b], i) => b.removeEventListener('click', handlers[i]));
      dlg.removeEventListener('cancel', onCancel);
      if (dlg.open) dlg.close();
      resolve(choice);
    };
    const onCancel = (/** @type {Event} */ e) => { e.preventDefault(); finish(null); };
    for (const [button, choice] of buttons) {
      const handler = () => finish(choice);
      handlers.push(handler);
      button.addEventListener('click', handler);
    }
    dlg.addEventListener('cancel', onCancel);
    dlg.showModal();
    byId('link-here', HTMLButtonElement).focus();
  });
}

/** Shows the keyboard shortcuts. */
export function showShortcuts() {
  const dlg = dialog('dlg-shortcuts');
  if (!dlg.open) dlg.showModal();
}
