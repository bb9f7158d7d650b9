// The Accounts part of Settings: each sync account with its last sync and error, adding one
// (the engine logs in first, so a wrong password adds nothing) and removing one after a
// confirmation that says what goes and what stays. Also what a sync under way is doing, for
// the account's row and its sidebar heading, and the one announcement a sync makes: that it
// started failing, or works again (never each step: a refresh syncs every few minutes).
// Names and messages are text, never markup; the password is handed to the engine and never
// kept here.
import * as api from './api.js';
import { byId, h, hostOf, isolate, longTime, replace, errorText } from './dom.js';
import { confirmAction } from './dialogs.js';
import { showError, toast } from './toast.js';

/** @typedef {import('./api.js').Account} Account */
/** @typedef {import('./api.js').SyncProgress} SyncProgress */

/** The syncs under way, by account id. @type {Map<number, SyncProgress>} */
const syncing = new Map();
/** Each account's last error as last shown (null: none), for announcing only changes. @type {Map<number, string|null>} */
const shownErrors = new Map();
/** What the rows' Remove buttons call after a removal (set when Settings is wired). */
let rowsChanged = () => {};

/**
 * What an account's sync under way is doing, for its row and heading; null when none runs.
 * @param {number} id @returns {string|null}
 */
export function syncText(id) {
  const p = syncing.get(id);
  if (!p) return null;
  if (p.phase === 'checking') return 'Syncing… checking for new stories';
  if (p.phase === 'fetching') {
    return `Syncing… ${p.done.toLocaleString()} of ${p.total.toLocaleString()} new stories`;
  }
  return 'Syncing…';
}

/**
 * Takes a step of a sync: its account's row in Settings shows it at once. Returns whether the
 * sync is over (the caller then reloads the accounts, with their last sync and error).
 * @param {SyncProgress} p @returns {boolean}
 */
export function noteSync(p) {
  const finished = p.phase === 'finished';
  if (finished) syncing.delete(p.account_id);
  else syncing.set(p.account_id, p);
  const status = document.querySelector(`#account-list [data-account="${p.account_id}"] .account-sync`);
  if (status && !finished) status.textContent = syncText(p.account_id);
  if (finished) void showAccounts(rowsChanged);
  return finished;
}

/**
 * Announces (politely, once) an account whose sync started failing or works again; the
 * first call only learns the accounts' states. @param {Account[]} accounts
 */
export function announceSyncChanges(accounts) {
  const region = document.getElementById('sync-status');
  for (const a of accounts) {
    const error = a.error ? errorText(a.error, 'Sync') : null;
    const before = shownErrors.get(a.id);
    shownErrors.set(a.id, error);
    if (before === undefined || before === error || !region) continue;
    region.textContent = error
      ? `Sync of ${accountName(a)} failed: ${error}`
      : `${accountName(a)} syncs again.`;
  }
}

/** How an account is named in the window. @param {Account} a */
export function accountName(a) {
  return `${a.user} at ${hostOf(a.url) ?? a.url}`;
}

/**
 * Fills the account list and wires the add form; `onChange` runs after an account was added
 * or removed (the sidebar shows its feeds). Returns what undoes the wiring.
 * @param {() => void} onChange @returns {() => void}
 */
export function wireAccounts(onChange) {
  rowsChanged = onChange;
  const add = byId('account-add', HTMLButtonElement);
  const url = byId('account-url', HTMLInputElement);
  const user = byId('account-user', HTMLInputElement);
  const password = byId('account-password', HTMLInputElement);
  const adding = async () => {
    if (!url.value.trim() || !user.value.trim() || !password.value) {
      toast('Give the server address, your user name and the API password.');
      return;
    }
    add.disabled = true;
    try {
      const account = await api.addAccount(url.value.trim(), user.value.trim(), password.value);
      password.value = '';
      toast(`Added ${isolate(accountName(account))}; syncing its feeds.`);
      await showAccounts(onChange);
      onChange();
      await api.syncAccounts();
      await showAccounts(onChange);
      onChange();
    } catch (err) {
      showError(err);
    } finally {
      add.disabled = false;
    }
  };
  add.addEventListener('click', adding);
  void showAccounts(onChange);
  return () => add.removeEventListener('click', adding);
}

/** Lists the accounts, each with its last sync, its error and a Remove button. @param {() => void} onChange */
async function showAccounts(onChange) {
  const list = byId('account-list', HTMLUListElement);
  try {
    const accounts = await api.listAccounts();
    replace(list, accounts.map((a) => accountRow(a, onChange)));
  } catch (err) {
    showError(err);
  }
}

/** @param {Account} a @param {() => void} onChange */
function accountRow(a, onChange) {
  const name = accountName(a);
  const synced = syncText(a.id) ?? (a.last_sync ? `Last synced ${longTime(a.last_sync)}` : 'Not synced yet');
  const remove = h('button', { class: 'text-btn', type: 'button', 'aria-label': `Remove the account ${name}` }, ['Remove']);
  remove.addEventListener('click', async () => {
    const ok = await confirmAction({
      title: `Remove the account “${isolate(name)}”?`,
      text: 'Its feeds and their stories leave this library (they stay on the server); '
        + 'your bookmarked stories from it are kept here.',
      action: 'Remove account',
    });
    if (!ok) return;
    try {
      await api.removeAccount(a.id);
      await showAccounts(onChange);
      onChange();
    } catch (err) {
      showError(err);
    }
  });
  return h('li', { class: 'account-row', 'data-account': String(a.id) }, [
    h('span', { class: 'account-name', dir: 'auto' }, [name]),
    h('span', { class: 'dialog-note account-sync' }, [synced]),
    a.error ? h('span', { class: 'account-error', role: 'status' }, [`Last sync failed: ${errorText(a.error, 'Sync')}`]) : null,
    remove,
  ]);
}
