// Short, non-blocking messages at the bottom of the window: errors as readable sentences.
import { byId, errorDetail, errorText, h } from './dom.js';

/**
 * Shows a message for a few seconds (errors longer), with a button to dismiss it.
 * `extra.detail` is the technical message, folded under "Details"; `extra.action` is a button
 * (such as Undo) that runs once and dismisses the message.
 * @param {string} message @param {'info'|'error'} [kind]
 * @param {{detail?: string, action?: {label: string, run: () => unknown}}} [extra]
 */
export function toast(message, kind = 'info', extra = {}) {
  const box = byId('toasts', HTMLElement);
  const { detail, action } = extra;
  const item = h('div', { class: `toast toast-${kind}` }, [
    h('div', { class: 'toast-text' }, [
      message,
      detail ? h('details', { class: 'toast-detail' }, [h('summary', {}, ['Details']), h('p', {}, [detail])]) : null,
    ]),
    action ? h('button', {
      class: 'toast-action', type: 'button',
      onclick: () => { item.remove(); void action.run(); },
    }, [action.label]) : null,
    h('button', {
      class: 'toast-close', type: 'button', 'aria-label': 'Dismiss',
      onclick: () => item.remove(),
    }, ['×']),
  ]);
  box.appendChild(item);
  while (box.children.length > 4) box.firstElementChild?.remove();
  setTimeout(() => item.remove(), kind === 'error' || action ? 9000 : 4000);
}

/** Shows what went wrong, from any rejected command or thrown value. @param {unknown} err */
export function showError(err) {
  toast(errorText(err), 'error', { detail: errorDetail(err) });
}
