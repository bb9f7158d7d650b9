// Short, non-blocking messages at the bottom of the window: errors as readable sentences (the
// technical message folded under "Details"), and the one action that can still be undone (a
// toast with an Undo button, and Ctrl+Z). This module keeps the undo's bookkeeping only; what an
// undo does is given by the caller, and it never calls the engine itself.
import { byId, errorDetail, errorText, h } from './dom.js';

/** How long an undoable action can be undone, in milliseconds. */
export const UNDO_MS = 10_000;

/**
 * Shows a message for a few seconds (errors longer), with a button to dismiss it; a message
 * with actions stays until one is used or it is dismissed.
 * @param {string} message @param {'info'|'error'} [kind]
 * @param {{actions?: HTMLElement[], detail?: string}} [extra] buttons shown before the dismiss
 *   button, and the technical message, folded under "Details"
 * @returns {HTMLElement} the toast
 */
export function toast(message, kind = 'info', extra = {}) {
  const box = byId('toasts', HTMLElement);
  const { actions = [], detail } = extra;
  const item = h('div', { class: `toast toast-${kind}` }, [
    h('div', { class: 'toast-text' }, [
      message,
      detail ? h('details', { class: 'toast-detail' }, [h('summary', {}, ['Details']), h('p', {}, [detail])]) : null,
    ]),
    ...actions,
    h('button', {
      class: 'toast-close', type: 'button', 'aria-label': 'Dismiss',
      onclick: () => item.remove(),
    }, ['×']),
  ]);
  box.appendChild(item);
  while (box.children.length > 4) box.firstElementChild?.remove();
  if (actions.length === 0) setTimeout(() => item.remove(), kind === 'error' ? 9000 : 4000);
  return item;
}

/** Shows what went wrong, from any rejected command or thrown value. @param {unknown} err */
export function showError(err) {
  toast(errorText(err), 'error', { detail: errorDetail(err) });
}

/**
 * What an undoable action leaves to do: `undo` puts things back; `settle` (optional) makes the
 * action final once it can no longer be undone.
 * @typedef {{undo: () => Promise<void>, settle?: () => Promise<void>}} Undoable
 */

/** @type {{action: Undoable, item: HTMLElement, timer: number}|null} the latest undoable action */
let pending = null;

/**
 * Offers to undo an action just done: a toast with an Undo button for UNDO_MS, and Ctrl+Z
 * meanwhile. A newer undoable action settles the one before it.
 * @param {string} message @param {Undoable} action
 */
export function offerUndo(message, action) {
  void settleUndo();
  const button = h('button', {
    class: 'toast-action', type: 'button',
    onclick: () => void undoLast(),
  }, ['Undo']);
  const item = toast(message, 'info', { actions: [button] });
  const timer = window.setTimeout(() => void settleUndo(), UNDO_MS);
  pending = { action, item, timer };
}

/** Undoes the latest undoable action; false when there is none any more. */
export async function undoLast() {
  const last = pending;
  if (!last) return false;
  pending = null;
  clearTimeout(last.timer);
  last.item.remove();
  try {
    await last.action.undo();
  } catch (err) {
    showError(err);
  }
  return true;
}

/** Makes the latest undoable action final now (its time ran out, or the window closes). */
export async function settleUndo() {
  const last = pending;
  if (!last) return;
  pending = null;
  clearTimeout(last.timer);
  last.item.remove();
  try {
    await last.action.settle?.();
  } catch (err) {
    showError(err);
  }
}
