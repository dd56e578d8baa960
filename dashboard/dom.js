// DOM helpers. Every piece of data reaches the page as a text node or a property, never
// as HTML: `h()` has no way to set innerHTML.

/** Creates an element: h('div', {class: 'x', onclick: fn}, 'text', child, [more]). */
export function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs || {})) {
    if (value === null || value === undefined || value === false) continue;
    if (name.startsWith('on') && typeof value === 'function') {
      el.addEventListener(name.slice(2), value);
    } else if (name === 'class') {
      el.className = value;
    } else if (name === 'dataset') {
      Object.assign(el.dataset, value);
    } else if (name === 'value' || name === 'checked' || name === 'selected' || name === 'disabled' || name === 'hidden') {
      el[name] = value;
    } else {
      el.setAttribute(name, value === true ? '' : String(value));
    }
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    if (Array.isArray(child)) append(el, child);
    else if (child instanceof Node) el.appendChild(child);
    else el.appendChild(document.createTextNode(String(child)));
  }
}

/** Replaces an element's children. */
export function fill(el, ...children) {
  el.replaceChildren();
  append(el, children);
  return el;
}

export const $ = (id) => document.getElementById(id);

/** An empty-state block: a title and a hint on what to do next. */
export function empty(title, ...hint) {
  return h('div', { class: 'empty' }, h('p', { class: 'empty-title' }, title), hint.length ? h('p', { class: 'muted small' }, ...hint) : null);
}

/** Inline code, for commands in hints. */
export const code = (text) => h('code', null, text);

/** "3 min ago", with the exact time as a tooltip. */
export function ago(ts) {
  if (!ts) return h('span', { class: 'time' }, '—');
  const t = new Date(ts);
  const s = Math.round((Date.now() - t.getTime()) / 1000);
  let text;
  if (s < 45) text = 'just now';
  else if (s < 3600) text = `${Math.round(s / 60)} min ago`;
  else if (s < 86400) text = `${Math.round(s / 3600)} h ago`;
  else if (s < 86400 * 7) text = `${Math.round(s / 86400)} d ago`;
  else text = t.toLocaleDateString();
  return h('time', { class: 'time', datetime: ts, title: t.toLocaleString() }, text);
}

/** Calls `fn` once, `ms` after the last call. */
export function debounce(fn, ms) {
  let timer = null;
  return (...args) => {
    clearTimeout(timer);
    timer = setTimeout(() => fn(...args), ms);
  };
}

/** A button that asks for a second click before doing something destructive. */
export function confirmButton(label, confirmLabel, action, attrs = {}) {
  let armed = null;
  const btn = h('button', {
    type: 'button',
    class: 'btn danger small',
    ...attrs,
    onclick: async () => {
      if (!armed) {
        btn.textContent = confirmLabel;
        btn.classList.add('armed');
        armed = setTimeout(() => {
          armed = null;
          btn.textContent = label;
          btn.classList.remove('armed');
        }, 4000);
        return;
      }
      clearTimeout(armed);
      armed = null;
      btn.disabled = true;
      try {
        await action();
      } finally {
        btn.disabled = false;
        btn.textContent = label;
        btn.classList.remove('armed');
      }
    },
  }, label);
  return btn;
}

/** Options for a <select>: [[value, label], …]. */
export function options(select, pairs, selected) {
  fill(select, pairs.map(([value, label]) => h('option', { value, selected: value === selected }, label)));
  if (selected !== undefined) select.value = selected;
}

/** Wires [data-close] buttons and Escape of a <dialog>. */
export function dialogClose(dialog, onClose) {
  dialog.querySelectorAll('[data-close]').forEach((b) => b.addEventListener('click', () => dialog.close()));
  if (onClose) dialog.addEventListener('close', onClose);
}
