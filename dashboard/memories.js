// The memory panel: 🌐 global and 📁 project memories with category, tier and usage, a
// scope filter and a search box (the hub's ranked search over keys and values).

import { get, p } from './api.js';
import { $, code, debounce, empty, fill, h } from './dom.js';
import { state } from './state.js';
import { refresh } from './bus.js';
import { showError } from './toast.js';

let scope = 'all';

function memory(m) {
  return h('li', { class: `memory tier-${m.tier}`, dataset: { key: m.key, scope: m.scope } },
    h('div', { class: 'memory-head' },
      h('span', { class: 'scope', title: m.scope === 'global' ? 'Global: every project' : 'This project only' }, m.scope === 'global' ? '🌐' : '📁'),
      h('span', { class: 'memory-key' }, m.key),
      h('span', { class: `badge cat cat-${m.category}` }, m.category),
      h('span', { class: `badge tier ${m.tier}`, title: m.tier === 'hot' ? 'Loaded into every jc_start briefing' : 'Found on recall and search only' }, m.tier)),
    h('p', { class: 'memory-value' }, m.value),
    h('div', { class: 'meta' }, `used ${m.usage_count}×`, ' · by ', m.updated_by));
}

/** Loads the panel: the search results when the box has text, else the most used memories. */
export async function loadMemories() {
  const project = state.project;
  const query = $('memory-search').value.trim();
  const list = await get(query
    ? p`/api/projects/${project}/memories/search` + `?q=${encodeURIComponent(query)}&limit=100`
    : p`/api/projects/${project}/memories` + '?limit=200');
  if (project !== state.project || query !== $('memory-search').value.trim()) return;
  if (!query) {
    state.memoryTotal = list.total;
    refresh('stats');
  }
  const shown = list.memories.filter((m) => scope === 'all' || m.scope === scope);
  const box = $('memory-list');
  if (!shown.length) {
    fill(box, query
      ? empty(`No memory matches “${query}”`, 'Search looks at keys and values of this project’s and global memories.')
      : empty('No memories yet', 'Agents store people, terms and decisions with ', code('jc_remember'), '; hot ones load into every session briefing.'));
    return;
  }
  const more = list.total > list.memories.length ? h('p', { class: 'muted small' }, `Showing ${list.memories.length} of ${list.total}; search to find the rest.`) : null;
  fill(box, h('ul', { class: 'memories' }, shown.map(memory)), more);
}

export function initMemories() {
  const reload = debounce(() => loadMemories().catch(showError), 250);
  $('memory-search').addEventListener('input', reload);
  $('memory-scope').addEventListener('click', (e) => {
    const btn = e.target.closest('button[data-scope]');
    if (!btn) return;
    scope = btn.dataset.scope;
    for (const b of $('memory-scope').querySelectorAll('button')) {
      b.classList.toggle('on', b === btn);
      b.setAttribute('aria-pressed', String(b === btn));
    }
    loadMemories().catch(showError);
  });
}
