// The Accounts part of Settings: each sync account with its last sync and error, adding one
// (the engine logs in first, so a wrong password adds nothing) and removing one after a
// confirmation that says what goes and what stays. Names and messages are text, never markup;
// the password is handed to the engine and never kept here.
import * as api from './api.js';
import { byId, h, hostOf, isolate, longTime, replace, errorText } from './dom.js';
import { confirmAction } from './dialogs.js';
import { showError, toast } from './toast.js';

/** @typedef {import('./api.js').Account} Account */

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
  const synced = a.last_sync ? `Last synced ${longTime(a.last_sync)}` : 'Not synced yet';
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
  return h('li', { class: 'account-row' }, [
    h('span', { class: 'account-name', dir: 'auto' }, [name]),
    h('span', { class: 'dialog-note' }, [synced]),
    a.error ? h('span', { class: 'account-error', role: 'status' }, [`Last sync failed: ${errorText(a.error, 'Sync')}`]) : null,
    remove,
  ]);
}
