// Short, non-blocking messages at the bottom of the window: errors as readable sentences.
import { byId, errorText, h } from './dom.js';

/**
 * Shows a message for a few seconds (errors longer), with a button to dismiss it.
 * @param {string} message @param {'info'|'error'} [kind]
 */
export function toast(message, kind = 'info') {
  const box = byId('toasts', HTMLElement);
  const item = h('div', { class: `toast toast-${kind}` }, [
    h('span', { class: 'toast-text' }, [message]),
    h('button', {
      class: 'toast-close', type: 'button', 'aria-label': 'Dismiss',
      onclick: () => item.remove(),
    }, ['×']),
  ]);
  box.appendChild(item);
  while (box.children.length > 4) box.firstElementChild?.remove();
  setTimeout(() => item.remove(), kind === 'error' ? 9000 : 4000);
}

/** Shows what went wrong, from any rejected command or thrown value. @param {unknown} err */
export function showError(err) {
  toast(errorText(err), 'error');
}
