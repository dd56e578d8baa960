// Messages in the page: errors with the API's own wording, and short confirmations.

import { $, h } from './dom.js';

export function toast(message, kind = 'info', ms = 5000) {
  const box = $('toasts');
  // An open modal dialog sits in the top layer, above everything else: show it there.
  const host = document.querySelector('dialog[open]') || document.body;
  if (box.parentElement !== host) host.appendChild(box);
  const close = h('button', { type: 'button', class: 'toast-close', 'aria-label': 'Dismiss' }, '×');
  const el = h('div', { class: `toast ${kind}`, role: kind === 'error' ? 'alert' : 'status' }, h('span', { class: 'toast-text' }, message), close);
  close.addEventListener('click', () => el.remove());
  box.appendChild(el);
  while (box.children.length > 4) box.firstChild.remove();
  if (ms) setTimeout(() => el.remove(), kind === 'error' ? ms * 2 : ms);
  return el;
}

/** Shows an error; for API errors, the hub's message (and the field it is about). */
export function showError(err) {
  const field = err && err.field ? ` (${err.field})` : '';
  toast(`${(err && err.message) || String(err)}${field}`, 'error');
}

/** Runs an async action and shows its error, if any, in the page. */
export async function attempt(fn) {
  try {
    return await fn();
  } catch (err) {
    showError(err);
    return undefined;
  }
}
