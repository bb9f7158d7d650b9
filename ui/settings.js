// Settings: the dialog, and applying theme, story type and sizes to the window. The defaults,
// ranges and choices are the engine's (`settingsLimits`); this module never keeps its own.
import * as api from './api.js';
import { byId } from './dom.js';
import { wireAccounts } from './accounts.js';
import { showError } from './toast.js';

/** @typedef {import('./api.js').Settings} Settings */
/** @typedef {import('./api.js').SettingsLimits} SettingsLimits */

/**
 * Gives each number field of the dialog the engine's range.
 * @param {SettingsLimits} limits
 */
function applyRanges(limits) {
  /** @type {[string, import('./api.js').Range][]} */
  const fields = [
    ['set-size', limits.text_size], ['set-refresh', limits.refresh_minutes],
    ['set-retention', limits.retention_days], ['set-images', limits.image_budget_mb],
  ];
  for (const [id, range] of fields) {
    const input = byId(id, HTMLInputElement);
    input.min = String(range.min);
    input.max = String(range.max);
  }
}

const systemDark = window.matchMedia('(prefers-color-scheme: dark)');

/** Whether the window is dark now, given the setting and the system's preference.
 * @param {Settings} s */
export function isDark(s) {
  return s.theme === 'dark' || (s.theme === 'system' && systemDark.matches);
}

/** Calls `f` when the system switches between light and dark. @param {() => void} f */
export function onSystemThemeChange(f) {
  systemDark.addEventListener('change', f);
}

/**
 * Opens the Settings dialog; every change is saved at once and passed to `onChange`.
 * @param {Settings} current @param {SettingsLimits} limits
 * @param {(s: Settings) => void} onChange
 * @param {() => void} [onAccountsChange] after a sync account was added or removed
 */
export async function openSettings(current, limits, onChange, onAccountsChange = () => {}) {
  applyRanges(limits);
  const dlg = byId('dlg-settings', HTMLDialogElement);
  const theme = byId('set-theme', HTMLSelectElement);
  const size = byId('set-size', HTMLInputElement);
  const sizeValue = byId('set-size-value', HTMLOutputElement);
  const font = byId('set-font', HTMLSelectElement);
  const refresh = byId('set-refresh', HTMLInputElement);
  const retention = byId('set-retention', HTMLInputElement);
  const images = byId('set-images', HTMLInputElement);
  const links = byId('set-links', HTMLSelectElement);
  const notifications = byId('set-notifications', HTMLInputElement);
  links.value = current.link_open;
  notifications.checked = current.notifications;
  theme.value = current.theme;
  size.value = String(current.text_size);
  sizeValue.textContent = String(current.text_size);
  font.value = current.font;
  refresh.value = String(current.refresh_minutes);
  retention.value = String(current.retention_days);
  images.value = String(current.image_budget_mb);
  try {
    const info = await api.appInfo();
    byId('settings-info', HTMLElement).textContent = `Broadsheet ${info.version}. Library: ${info.data_dir}`;
  } catch (err) {
    showError(err);
  }

  let saved = current;
  const save = async () => {
    const number = (/** @type {HTMLInputElement} */ input, /** @type {number} */ fallback) => {
      const n = Math.round(Number(input.value));
      return Number.isFinite(n) && input.value !== '' ? n : fallback;
    };
    /** @type {Settings} */
    const wanted = {
      ...saved,
      theme: /** @type {Settings['theme']} */ (theme.value),
      text_size: number(size, saved.text_size),
      font: /** @type {Settings['font']} */ (font.value),
      refresh_minutes: number(refresh, saved.refresh_minutes),
      retention_days: number(retention, saved.retention_days),
      image_budget_mb: number(images, saved.image_budget_mb),
      link_open: /** @type {Settings['link_open']} */ (links.value),
      notifications: notifications.checked,
    };
    sizeValue.textContent = String(wanted.text_size);
    try {
      saved = await api.saveSettings(wanted);
      onChange(saved);
    } catch (err) {
      showError(err);
    }
  };
  const unwireAccounts = wireAccounts(onAccountsChange);
  const inputs = [theme, size, font, refresh, retention, images, links, notifications];
  for (const input of inputs) input.addEventListener('change', save);
  size.addEventListener('input', save);
  dlg.addEventListener('close', () => {
    for (const input of inputs) input.removeEventListener('change', save);
    size.removeEventListener('input', save);
    unwireAccounts();
  }, { once: true });
  dlg.showModal();
  theme.focus();
}
