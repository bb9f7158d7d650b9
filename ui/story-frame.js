// The pointer in the script-less story frame: clicks on its links, and text selection.
// WebKit runs no listener at all inside a frame without allow-scripts, not even the parent's,
// so the frame takes no pointer events (CSS) and everything is resolved from the window: the
// point under the pointer, looked up in the story's document. This module owns only that
// translation; it never decides what a link does (the reader's onLink hook does) and never
// runs anything inside the frame.
import { byId, copyText } from './dom.js';

/**
 * Wires clicks, hovering and selecting with the mouse over the story frame.
 * @param {HTMLElement} story the element holding the frame @param {HTMLIFrameElement} frame
 * @param {(href: string, how: import('./reader.js').LinkHow) => void} onLink called with a
 *   clicked link's href: `other` with Ctrl, Cmd or Shift held, `browser` for a middle click
 */
export function wireStoryPointer(story, frame, onLink) {
  const linkAt = (/** @type {MouseEvent} */ e) => {
    const doc = frame.contentDocument;
    const rect = frame.getBoundingClientRect();
    if (!doc || e.clientX < rect.left || e.clientX > rect.right || e.clientY < rect.top || e.clientY > rect.bottom) return null;
    const el = doc.elementFromPoint(e.clientX - rect.left, e.clientY - rect.top);
    return el ? el.closest('a[href]') : null;
  };
  const onClick = (/** @type {MouseEvent} */ e) => {
    // Only the main and the middle button open links; a right click is not a click on them.
    if (e.button !== 0 && e.button !== 1) return;
    const link = linkAt(e);
    if (!link) return;
    e.preventDefault();
    const href = link.getAttribute('href');
    if (!href) return;
    if (e.button === 1) onLink(href, 'browser');
    else onLink(href, e.ctrlKey || e.metaKey || e.shiftKey ? 'other' : 'default');
  };
  story.addEventListener('click', onClick);
  story.addEventListener('auxclick', onClick);
  story.addEventListener('mousemove', (e) => {
    story.classList.toggle('over-link', linkAt(e) !== null);
  });
  selectWithPointer(story, frame, linkAt);
}

/**
 * Text selection in the story with the mouse, done from here for the same reason as clicks:
 * drag to select, double-click for a word, triple-click for a paragraph. `copySelection`
 * copies it.
 * @param {HTMLElement} story @param {HTMLIFrameElement} frame
 * @param {(e: MouseEvent) => Element|null} linkAt
 */
function selectWithPointer(story, frame, linkAt) {
  /** @type {{node: Node, offset: number}|null} */
  let anchor = null;
  const caretAt = (/** @type {MouseEvent} */ e) => {
    const doc = frame.contentDocument;
    const rect = frame.getBoundingClientRect();
    if (!doc || e.clientX < rect.left || e.clientX > rect.right || e.clientY < rect.top || e.clientY > rect.bottom) return null;
    const range = doc.caretRangeFromPoint(e.clientX - rect.left, e.clientY - rect.top);
    return range ? { node: range.startContainer, offset: range.startOffset } : null;
  };
  story.addEventListener('mousedown', (e) => {
    if (e.button !== 0) return;
    const caret = caretAt(e);
    if (!caret) return;
    const selection = frame.contentDocument?.getSelection();
    if (!selection) return;
    // Keep the window's own selection out of the way while the story's is made.
    window.getSelection()?.removeAllRanges();
    e.preventDefault();
    if (e.detail >= 2) {
      selection.collapse(caret.node, caret.offset);
      const unit = e.detail === 2 ? 'word' : 'paragraphboundary';
      selection.modify('move', 'backward', unit);
      selection.modify('extend', 'forward', unit);
      anchor = null;
      return;
    }
    if (e.shiftKey && selection.anchorNode) {
      selection.extend(caret.node, caret.offset);
    } else if (!linkAt(e)) {
      selection.collapse(caret.node, caret.offset);
    }
    anchor = linkAt(e) ? null : caret;
  });
  window.addEventListener('mousemove', (e) => {
    if (!anchor || (e.buttons & 1) === 0) {
      anchor = null;
      return;
    }
    const caret = caretAt(e);
    if (caret) frame.contentDocument?.getSelection()?.setBaseAndExtent(anchor.node, anchor.offset, caret.node, caret.offset);
  });
  window.addEventListener('mouseup', () => { anchor = null; });
}

/** The text selected in the story, or '' when nothing is. @param {HTMLIFrameElement} frame */
export function selectedText(frame) {
  return frame.contentDocument?.getSelection()?.toString() ?? '';
}

/**
 * Copies the story's selected text to the clipboard (Ctrl+C or Cmd+C while the window has
 * focus, which it always keeps). Returns false when nothing in the story is selected.
 * @param {HTMLIFrameElement} frame
 */
export function copySelection(frame) {
  const text = selectedText(frame);
  if (!text) return false;
  const copied = copyText(text);
  byId('story-status', HTMLElement).textContent = copied ? 'Copied the selected text.' : 'Could not copy the selected text.';
  return true;
}
