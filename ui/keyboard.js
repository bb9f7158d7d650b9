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
      case 'j': case 'ArrowDown':
        if (e.key === 'ArrowDown' && target?.id !== 'list') return;
        list.move(1); break;
      case 'k': case 'ArrowUp':
        if (e.key === 'ArrowUp' && target?.id !== 'list') return;
        list.move(-1); break;
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
