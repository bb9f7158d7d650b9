// Where a story's link goes: read here (fetched, cleaned and kept like any story), in the
// browser, or nowhere (anything but web and mail links is inert). Owns that decision and the
// messages about it; never fetches or shows anything itself.
import * as api from './api.js';
import { isolate } from './dom.js';
import { chooseLinkAction } from './dialogs.js';
import { showError, toast } from './toast.js';

/**
 * What routing a link needs to know.
 * @typedef {object} LinkContext
 * @property {string|null} base the address of the story the link is in (relative links)
 * @property {import('./api.js').LinkOpen} setting the `link_open` setting
 * @property {(url: string) => Promise<void>} follow reads an address here
 */

/**
 * A link in the story was activated: read it here, or in the browser, as the person chose in
 * the settings (`link_open`). `how` says what the click asked for: `default`, `other` (with a
 * modifier key: the other way than the setting's), `browser` (a middle click) or `related`
 * (one of the story's related links).
 * @param {string} url @param {import('./reader.js').LinkHow} how @param {LinkContext} ctx
 */
export async function routeLink(url, how, ctx) {
  let absolute;
  try {
    absolute = new URL(url, ctx.base ?? undefined).href;
  } catch {
    toast(`Broadsheet cannot open “${isolate(url)}”.`, 'error');
    return;
  }
  // Only web and mail links go anywhere; javascript:, file: and the like are inert.
  if (!/^(https?|mailto):/i.test(absolute)) {
    toast(`Broadsheet does not open ${absolute.split(':')[0]}: links.`, 'error');
    return;
  }
  // A mail link always asks first, whatever the click or the setting: it starts another program.
  const mail = absolute.toLowerCase().startsWith('mailto:');
  const choice = mail ? await chooseLinkAction(absolute)
    : how === 'browser' ? 'browser' : await linkChoice(absolute, how, ctx);
  if (choice === 'here' && !mail) await ctx.follow(absolute);
  if (choice === 'browser') await api.openExternal(absolute).catch(showError);
}

/**
 * Where a story's link opens under the `link_open` setting; a modifier key turns it round.
 * @param {string} url absolute @param {import('./reader.js').LinkHow} how @param {LinkContext} ctx
 * @returns {Promise<'here'|'browser'|null>}
 */
async function linkChoice(url, how, ctx) {
  const setting = ctx.setting;
  if (setting === 'ask') return how === 'other' ? 'browser' : chooseLinkAction(url);
  /** @type {'here'|'browser'} */
  let choice;
  if (setting === 'broadsheet') choice = 'here';
  else if (setting === 'browser') choice = 'browser';
  else choice = how === 'related' || sameSite(url, ctx.base) ? 'here' : 'browser';
  if (how === 'other') return choice === 'here' ? 'browser' : 'here';
  return choice;
}

/**
 * Whether two addresses are on the same site: the same host, ignoring a leading `www.`.
 * @param {string} a @param {string|null} b
 */
function sameSite(a, b) {
  if (!b) return false;
  try {
    const host = (/** @type {string} */ u) => new URL(u).host.replace(/^www\./, '');
    return host(a) === host(b);
  } catch {
    return false;
  }
}
