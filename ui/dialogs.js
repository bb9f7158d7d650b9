// The modal dialogs: add a subscription (with a choice when a site offers several feeds), a
// feed's details (rename, folder, full story, notify, mute, unsubscribe), what to do with a link, and the
// in-window confirmation every destructive or bulk action asks first. `window.confirm` is never
// used: it goes to a dialog plugin the window is not granted, which answers yes.
import * as api from './api.js';
import { byId, errorText, h, isolate, linkTarget, replace } from './dom.js';
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
 * @param {string[]} subscribed the addresses of the feeds already followed, marked in the picker
 * @returns {Promise<Subscription|null>}
 */
export function addSubscription(folders, subscribed = []) {
  const dlg = dialog('dlg-add');
  const form = byId('add-form', HTMLFormElement);
  const url = byId('add-url', HTMLInputElement);
  const folder = byId('add-folder', HTMLInputElement);
  const local = byId('add-local', HTMLInputElement);
  const status = byId('add-status', HTMLElement);
  const candidates = byId('add-candidates', HTMLFieldSetElement);
  const candidateList = byId('add-candidate-list', HTMLElement);
  const submit = byId('add-submit', HTMLButtonElement);
  replace(byId('folder-names', HTMLDataListElement), folders.map((f) => h('option', { value: f })));
  url.value = '';
  folder.value = '';
  local.checked = false;
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
          const found = await api.discoverFeeds(input, local.checked);
          if (found.length > 1) {
            discoveredFor = input;
            candidates.hidden = false;
            // The first feed not yet followed is chosen to begin with.
            const first = Math.max(0, found.findIndex((c) => !subscribed.includes(c.url)));
            replace(candidateList, found.map((c, i) => h('label', { class: 'check candidate' }, [
              h('input', { type: 'radio', name: 'candidate', value: c.url, checked: i === first }),
              h('span', {}, [
                h('span', { class: 'candidate-title', dir: 'auto' }, [c.title ?? c.url]),
                h('span', { class: 'candidate-url' }, [c.url]),
                ...(subscribed.includes(c.url)
                  ? [h('span', { class: 'candidate-subscribed' }, ['Already subscribed'])] : []),
              ]),
            ])));
            status.textContent = '';
            submit.disabled = false;
            return;
          }
          if (found.length === 1) target = found[0].url;
        }
        status.textContent = 'Subscribing…';
        const sub = await api.subscribe(target, folder.value.trim() || null, local.checked);
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
 * Asks before an action that would lose something or change much at once. Cancel has the
 * focus, so Enter or Esc straight away changes nothing. Resolves true only for the action.
 * @param {{title: string, text: string, action: string}} ask the question, what goes and what
 *   stays, and the action button's label
 * @returns {Promise<boolean>}
 */
export function confirmAction(ask) {
  byId('confirm-title', HTMLElement).textContent = ask.title;
  byId('confirm-text', HTMLElement).textContent = ask.text;
  byId('confirm-ok', HTMLButtonElement).textContent = ask.action;
  return askInDialog('dlg-confirm', byId('confirm-cancel', HTMLButtonElement));
}

/**
 * Shows one of the window's small dialogs and resolves true when its form is submitted, false
 * when cancelled (its `data-cancel` button, Esc); the focus goes back where it was.
 * @param {string} id @param {HTMLElement} focus what has the focus first
 * @returns {Promise<boolean>}
 */
export function askInDialog(id, focus) {
  const dlg = byId(id, HTMLDialogElement);
  const form = /** @type {HTMLFormElement} */ (dlg.querySelector('form'));
  const cancel = /** @type {HTMLButtonElement} */ (dlg.querySelector('[data-cancel]'));
  const back = document.activeElement instanceof HTMLElement ? document.activeElement : null;
  return new Promise((resolve) => {
    const finish = (/** @type {boolean} */ ok) => {
      form.removeEventListener('submit', onSubmit);
      cancel.removeEventListener('click', onCancel);
      dlg.removeEventListener('cancel', onCancel);
      if (dlg.open) dlg.close();
      if (back?.isConnected) back.focus({ preventScroll: true });
      resolve(ok);
    };
    const onSubmit = (/** @type {Event} */ e) => { e.preventDefault(); finish(true); };
    const onCancel = (/** @type {Event} */ e) => { e.preventDefault(); finish(false); };
    form.addEventListener('submit', onSubmit);
    cancel.addEventListener('click', onCancel);
    dlg.addEventListener('cancel', onCancel);
    dlg.showModal();
    focus.focus();
    if (focus instanceof HTMLInputElement) focus.select();
  });
}

/**
 * Asks, in the window, whether to unsubscribe: names the feed, what goes (its stories) and what
 * stays (bookmarks); Cancel has the focus. @param {Feed} feed @returns {Promise<boolean>}
 */
export function confirmUnsubscribe(feed) {
  return confirmAction({
    title: `Unsubscribe from “${isolate(feed.title)}”?`,
    text: `Its ${feed.unread > 0 ? `stories (${feed.unread} unread)` : 'stories'} leave your library; `
      + 'your bookmarked stories from it are kept.',
    action: 'Unsubscribe',
  });
}

/**
 * A feed's details. Resolves 'saved' when something changed, 'unsubscribe' when the person
 * confirmed unsubscribing (the caller does it, with an undo), 'retry' when they asked to
 * refresh the feed now, 'mute' when they asked to mute it for a while (both after any change
 * was saved), null when nothing changed.
 * @param {Feed} feed @param {string[]} folders
 * @returns {Promise<'saved'|'unsubscribe'|'retry'|'mute'|null>}
 */
export function editFeed(feed, folders) {
  const dlg = dialog('dlg-feed');
  const form = byId('feed-form', HTMLFormElement);
  const name = byId('feed-name', HTMLInputElement);
  const folder = byId('feed-folder', HTMLInputElement);
  const full = byId('feed-full', HTMLInputElement);
  const local = byId('feed-local', HTMLInputElement);
  const notify = byId('feed-notify', HTMLInputElement);
  const mute = byId('feed-mute', HTMLButtonElement);
  const error = byId('feed-error', HTMLElement);
  replace(byId('folder-names', HTMLDataListElement), folders.map((f) => h('option', { value: f })));
  byId('dlg-feed-title', HTMLElement).textContent = feed.title;
  byId('feed-url', HTMLElement).textContent = feed.url;
  error.hidden = !feed.error;
  error.textContent = feed.error ? `Last refresh failed: ${errorText(feed.error, 'Feed')}` : '';
  name.value = feed.title;
  folder.value = feed.folder ?? '';
  full.checked = feed.full_story;
  local.checked = feed.local_network;
  notify.checked = feed.notify;
  const address = byId('feed-address', HTMLInputElement);
  const addressField = byId('feed-address-field', HTMLElement);
  const editUrl = byId('feed-edit-url', HTMLButtonElement);
  const retry = byId('feed-retry', HTMLButtonElement);
  address.value = feed.url;
  addressField.hidden = true;
  editUrl.hidden = false;
  // Retry is offered when the last refresh failed; Edit address always (a feed may move).
  retry.hidden = !feed.error;

  return new Promise((resolve) => {
    const finish = (/** @type {'saved'|'unsubscribe'|'retry'|'mute'|null} */ changed) => {
      form.removeEventListener('submit', onSave);
      retry.removeEventListener('click', onRetry);
      mute.removeEventListener('click', onMute);
      editUrl.removeEventListener('click', onEditUrl);
      byId('feed-cancel', HTMLButtonElement).removeEventListener('click', onCancel);
      byId('feed-delete', HTMLButtonElement).removeEventListener('click', onDelete);
      dlg.removeEventListener('cancel', onCancel);
      if (dlg.open) dlg.close();
      resolve(changed);
    };
    const onCancel = (/** @type {Event} */ e) => { e.preventDefault(); finish(null); };
    /** Saves what changed; true when it all was. @returns {Promise<boolean>} */
    const save = async () => {
      try {
        const url = address.value.trim();
        if (url && url !== feed.url) await api.setFeedUrl(feed.id, url);
        const title = name.value.trim();
        if (title !== feed.title) await api.renameFeed(feed.id, title || null);
        const newFolder = folder.value.trim() || null;
        if (newFolder !== feed.folder) await api.moveFeed(feed.id, newFolder);
        if (full.checked !== feed.full_story) await api.setFullStory(feed.id, full.checked);
        if (local.checked !== feed.local_network) await api.setLocalNetwork(feed.id, local.checked);
        if (notify.checked !== feed.notify) await api.setFeedNotify(feed.id, notify.checked);
        return true;
      } catch (err) {
        showError(err);
        return false;
      }
    };
    const onSave = async (/** @type {Event} */ e) => {
      e.preventDefault();
      if (await save()) finish('saved');
    };
    const onRetry = async () => {
      if (await save()) finish('retry');
    };
    const onMute = async () => {
      if (await save()) finish('mute');
    };
    const onEditUrl = () => {
      addressField.hidden = false;
      editUrl.hidden = true;
      address.focus();
      address.select();
    };
    const onDelete = async () => {
      if (await confirmUnsubscribe(feed)) finish('unsubscribe');
      else byId('feed-delete', HTMLButtonElement).focus();
    };
    form.addEventListener('submit', onSave);
    retry.addEventListener('click', onRetry);
    mute.addEventListener('click', onMute);
    editUrl.addEventListener('click', onEditUrl);
    byId('feed-cancel', HTMLButtonElement).addEventListener('click', onCancel);
    byId('feed-delete', HTMLButtonElement).addEventListener('click', onDelete);
    dlg.addEventListener('cancel', onCancel);
    dlg.showModal();
    name.focus();
  });
}

/**
 * Asks what to do with a link from a story, showing first where it really goes (linkTarget:
 * the host in punycode, or a mail link's address). A `mailto:` link can only go to the mail
 * program, so "Read here" is hidden for it and `browser` stands for opening the mail program.
 * @param {string} url absolute @returns {Promise<'here'|'browser'|null>}
 */
export function chooseLinkAction(url) {
  const dlg = dialog('dlg-link');
  const target = linkTarget(url);
  const mail = target?.mail ?? false;
  byId('dlg-link-title', HTMLElement).textContent = mail ? 'Write an email?' : 'Open this link?';
  byId('link-target-label', HTMLElement).textContent = mail ? 'To' : 'It goes to';
  byId('link-host', HTMLElement).textContent = target?.where ?? url;
  byId('link-url', HTMLElement).textContent = url;
  byId('link-browser', HTMLButtonElement).textContent = mail ? 'Open mail program' : 'Open in browser';
  byId('link-here', HTMLButtonElement).hidden = mail;
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
    // A mail link starts on Cancel: Enter alone never opens another program.
    byId(mail ? 'link-cancel' : 'link-here', HTMLButtonElement).focus();
  });
}

/** Shows the keyboard shortcuts. */
export function showShortcuts() {
  const dlg = dialog('dlg-shortcuts');
  if (!dlg.open) dlg.showModal();
}
