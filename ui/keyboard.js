// The window's keyboard: which key does what, whenever no dialog is open and focus is not in a
// field. It owns only the mapping from keys to actions; the actions themselves (and the state
// they change) belong to app.js and the panes, which this module must never reach into.
import { anyDialogOpen, showShortcuts } from './dialogs.js';

/**
 * What the keys can do; app.js provides each one.
 * @typedef {{
 *   list: import('./list.js').ArticleList,
 *   reader: import('./reader.js').Reader,
 *   clearSearch: (field: HTMLInputElement) => void,
 *   focusSearch: () => void,
 *   openOriginal: () => Promise<void>,
 *   toggleBookmark: () => Promise<void>,
 *   toggleRead: () => Promise<void>,
 *   refresh: () => Promise<void>,
 *   addFeed: () => Promise<void>,
 *   escape: () => Promise<void>,
 *   undo: () => Promise<void>,
 *   nextUnread: () => Promise<void>,
 *   markAllRead: () => Promise<void>,
 *   textSize: (step: number) => void,
 * }} KeyActions
 */

/**
 * The window's keydown handler, for the document (and for keys the reader passes on).
 * @param {KeyActions} k @returns {(e: KeyboardEvent) => void}
 */
export function keyHandler(k) {
  const { list, reader } = k;
  return (e) => {
    // Copy what is selected in the story, unless the window has a selection of its own.
    const inField = e.target instanceof HTMLInputElement || e.target instanceof HTMLTextAreaElement;
    if ((e.ctrlKey || e.metaKey) && !e.altKey && e.key.toLowerCase() === 'c' && !inField
      && (window.getSelection()?.isCollapsed ?? true) && reader.copySelection()) {
      e.preventDefault();
      return;
    }
    if ((e.ctrlKey || e.metaKey) && !e.altKey && !e.shiftKey && e.key.toLowerCase() === 'z' && !inField
      && !anyDialogOpen()) {
      void k.undo();
      e.preventDefault();
      return;
    }
    // Ctrl+= and Ctrl+- (Cmd on a Mac) change the story's text size; `+` is Shift+= on many
    // keyboards, so it counts too.
    if ((e.ctrlKey || e.metaKey) && !e.altKey && ['=', '+', '-'].includes(e.key) && !anyDialogOpen()) {
      k.textSize(e.key === '-' ? -1 : 1);
      e.preventDefault();
      return;
    }
    if (e.ctrlKey || e.metaKey || e.altKey) return;
    if (anyDialogOpen()) return;
    const target = /** @type {HTMLElement|null} */ (e.target instanceof HTMLElement ? e.target : null);
    const typing = target && (target.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(target.tagName));
    if (typing) {
      if (e.key === 'Escape' && target instanceof HTMLInputElement && target.id === 'search') {
        k.clearSearch(target);
        e.preventDefault();
      }
      return;
    }
    const onControl = target && (target.tagName === 'BUTTON' || target.tagName === 'A');
    switch (e.key) {
      case 'j': list.move(1); break;
      case 'k': list.move(-1); break;
      // In the list the arrows move its selection; in the sidebar they are its own keys;
      // anywhere else they scroll the story. (Space on a button still presses it, below.)
      case 'ArrowDown': case 'ArrowUp': {
        const step = e.key === 'ArrowDown' ? 1 : -1;
        if (target?.id === 'list') list.move(step);
        else if (target?.closest('#sources')) return;
        else reader.scrollBy('line', step);
        break;
      }
      case 'PageDown': reader.scrollBy('page', 1); break;
      case 'PageUp': reader.scrollBy('page', -1); break;
      case ' ':
        if (onControl) return;
        if (e.shiftKey) reader.scrollBy('page', -1);
        // At the end of a story, Space goes on to the next unread one (as in NetNewsWire).
        else if (!reader.scrollBy('page', 1)) void k.nextUnread();
        break;
      case 'n': void k.nextUnread(); break;
      // Shift+A only: with Caps Lock on, a plain `a` (add a subscription) also reads 'A'.
      case 'A': if (!e.shiftKey) return; void k.markAllRead(); break;
      case 'Enter':
        if (onControl) return;
        if (!reader.activateLink()) void k.openOriginal();
        break;
      case 'l': if (!reader.cycleLink(1)) return; break;
      case 'L': if (!reader.cycleLink(-1)) return; break;
      case 'o': void k.openOriginal(); break;
      case 'b': void k.toggleBookmark(); break;
      case 'm': void k.toggleRead(); break;
      case 'r': void k.refresh(); break;
      case '/': k.focusSearch(); break;
      case 'a': void k.addFeed(); break;
      case '?': showShortcuts(); break;
      case 'Escape': void k.escape(); break;
      default: return;
    }
    e.preventDefault();
  };
}
