// Right-click menus (feeds, folders, articles): one small popup menu, opened by the mouse, the
// context-menu key or Shift+F10, and worked from the keyboard as a WAI-ARIA menu. It owns only
// the popup: what each item does is given by the caller. It never builds markup from strings.
import { h } from './dom.js';

/** @typedef {{label: string, run: () => unknown, disabled?: boolean}} MenuItem */

/** @type {{el: HTMLElement, back: HTMLElement|null}|null} the menu shown, and where focus returns */
let open = null;

/** Closes the menu, if one is shown; focus goes back where it was. @param {boolean} [refocus] */
export function closeMenu(refocus = true) {
  if (!open) return;
  const { el, back } = open;
  open = null;
  el.remove();
  if (refocus && back && back.isConnected) back.focus({ preventScroll: true });
}

/**
 * Whether a key or mouse event asks for a context menu: the context-menu key or Shift+F10.
 * @param {KeyboardEvent} e
 */
export function isMenuKey(e) {
  return e.key === 'ContextMenu' || (e.key === 'F10' && e.shiftKey);
}

/**
 * Shows a menu at a point (a right-click) or under an element (from the keyboard).
 * @param {MenuItem[]} items
 * @param {{x: number, y: number}|HTMLElement} at
 * @param {string} label the menu's accessible name
 */
export function openMenu(items, at, label) {
  closeMenu(false);
  const back = document.activeElement instanceof HTMLElement ? document.activeElement : null;
  /** @type {HTMLButtonElement[]} */
  const buttons = items.map((item) => h('button', {
    class: 'menu-item', type: 'button', role: 'menuitem', tabindex: '-1',
    disabled: item.disabled === true,
    onclick: () => {
      closeMenu();
      void item.run();
    },
  }, [item.label]));
  const el = h('div', { class: 'menu', role: 'menu', 'aria-label': label }, buttons);
  document.body.append(el);
  open = { el, back };
  // Placed inside the window however close to an edge it was asked for.
  const point = at instanceof HTMLElement
    ? { x: at.getBoundingClientRect().left + 16, y: at.getBoundingClientRect().bottom }
    : at;
  const box = el.getBoundingClientRect();
  const left = Math.max(4, Math.min(point.x, window.innerWidth - box.width - 4));
  const top = point.y + box.height > window.innerHeight - 4 ? Math.max(4, point.y - box.height) : point.y;
  el.style.left = `${left}px`;
  el.style.top = `${top}px`;
  const enabled = () => buttons.filter((b) => !b.disabled);
  enabled()[0]?.focus();
  el.addEventListener('keydown', (e) => {
    const list = enabled();
    const at = list.indexOf(/** @type {HTMLButtonElement} */ (document.activeElement));
    /** @type {HTMLButtonElement|undefined} */
    let next;
    if (e.key === 'ArrowDown') next = list[(at + 1) % list.length];
    else if (e.key === 'ArrowUp') next = list[(at - 1 + list.length) % list.length];
    else if (e.key === 'Home') next = list[0];
    else if (e.key === 'End') next = list[list.length - 1];
    else if (e.key === 'Escape' || e.key === 'Tab' || isMenuKey(e)) closeMenu();
    else if (e.key.length === 1) {
      // A letter goes to the next item starting with it.
      const letter = e.key.toLowerCase();
      next = [...list.slice(at + 1), ...list.slice(0, at + 1)].find((b) => (b.textContent ?? '').toLowerCase().startsWith(letter));
    } else if (e.key !== 'Enter' && e.key !== ' ') return;
    else {
      // Enter and Space press the button; the window's own keys must not see them.
      e.stopPropagation();
      return;
    }
    next?.focus();
    e.preventDefault();
    e.stopPropagation();
  });
  // A right-click's release can give the focus back to the element pressed: the menu takes it
  // again, so its keys keep working.
  window.addEventListener('mouseup', () => setTimeout(() => {
    if (open?.el === el && !el.contains(document.activeElement)) enabled()[0]?.focus();
  }, 0), { once: true });
}

// A press anywhere outside closes the menu (before the press does its own work).
document.addEventListener('pointerdown', (e) => {
  if (open && !(e.target instanceof Node && open.el.contains(e.target))) closeMenu(false);
}, true);
window.addEventListener('blur', () => closeMenu(false));
window.addEventListener('resize', () => closeMenu(false));
