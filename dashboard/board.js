// The stat cards and the 5-column kanban: drag a card to another column, or focus it and
// press Shift+←/→, to change its status.

import { get, p } from './api.js';
import { $, empty, fill, h, code } from './dom.js';
import { PRIORITIES, STATUSES, state } from './state.js';
import { moveTask } from './tasks.js';
import { memberIcon, priorityBadge, PRIORITY_LABEL } from './badges.js';
import { openTask } from './drawer.js';

const PRIORITY_RANK = Object.fromEntries(PRIORITIES.map(([prio], i) => [prio, i]));
let counts = null;

/** Loads every task of the project (all pages) and the status counts. */
export async function loadBoard() {
  const project = state.project;
  const tasks = [];
  let cursor = null;
  for (let page = 0; page < 10; page++) {
    const q = cursor ? `?limit=200&cursor=${encodeURIComponent(cursor)}` : '?limit=200';
    const list = await get(p`/api/projects/${project}/tasks` + q);
    tasks.push(...list.tasks);
    cursor = list.next_cursor;
    if (!cursor) break;
  }
  const snapshot = await get(p`/api/projects/${project}/state`);
  if (project !== state.project) return;
  state.tasks = tasks;
  counts = snapshot.counts;
  renderBoard();
  renderStats();
}

export function renderStats() {
  const c = counts || {};
  const cards = [
    ['backlog', 'Backlog', c.backlog],
    ['todo', 'To Do', c.todo],
    ['in_progress', 'In Progress', c.in_progress],
    ['done', 'Done', c.done],
    ['blocked', 'Blocked', c.blocked],
    ['memories', 'Memories', state.memoryTotal],
    ['members', 'Members', state.projectMembers.length],
  ];
  fill($('stats'), cards.map(([key, label, n]) =>
    h('div', { class: `stat stat-${key}`, dataset: { stat: key } },
      h('span', { class: 'stat-value' }, n ?? '–'),
      h('span', { class: 'stat-label' }, label))));
}

function card(task) {
  const el = h('article', {
    class: `card prio-${task.priority}`,
    draggable: 'true',
    tabindex: '0',
    role: 'button',
    dataset: { ref: task.ref, status: task.status },
    'aria-label': `${task.ref}: ${task.title}. ${PRIORITY_LABEL[task.priority]} priority. ${task.assignee ? `Assigned to ${task.assignee}` : 'Unassigned'}. Shift+arrow keys move it.`,
    ondragstart: (e) => {
      e.dataTransfer.setData('text/plain', task.ref);
      e.dataTransfer.effectAllowed = 'move';
      el.classList.add('dragging');
    },
    ondragend: () => el.classList.remove('dragging'),
    onclick: () => openTask(task.ref),
    onkeydown: (e) => onCardKey(e, task),
  },
  h('div', { class: 'card-top' }, h('span', { class: 'ref' }, task.ref), priorityBadge(task.priority)),
  h('p', { class: 'card-title' }, task.title),
  h('div', { class: 'card-foot' },
    task.assignee
      ? h('span', { class: 'assignee' }, `${memberIcon(task.assignee)} ${task.assignee}`)
      : h('span', { class: 'assignee none' }, 'Unassigned')));
  return el;
}

async function onCardKey(e, task) {
  if (e.key === 'Enter' || e.key === ' ') {
    e.preventDefault();
    openTask(task.ref);
    return;
  }
  if (!e.shiftKey || (e.key !== 'ArrowRight' && e.key !== 'ArrowLeft')) return;
  e.preventDefault();
  const i = STATUSES.findIndex(([s]) => s === task.status);
  const next = STATUSES[i + (e.key === 'ArrowRight' ? 1 : -1)];
  if (!next) return;
  await moveTask(task.ref, next[0]);
  const moved = document.querySelector(`.card[data-ref="${CSS.escape(task.ref)}"]`);
  if (moved) moved.focus();
}

function column([status, label], tasks) {
  const body = h('div', { class: 'column-body', dataset: { status } },
    tasks.length ? tasks.map(card) : h('p', { class: 'column-empty' }, status === 'backlog' ? 'Nothing in the backlog' : 'Drop a card here'));
  const col = h('section', {
    class: `column col-${status}`,
    dataset: { status },
    'aria-label': `${label}: ${tasks.length} tasks`,
    ondragover: (e) => {
      e.preventDefault();
      e.dataTransfer.dropEffect = 'move';
      col.classList.add('drop');
    },
    ondragleave: (e) => {
      if (!col.contains(e.relatedTarget)) col.classList.remove('drop');
    },
    ondrop: (e) => {
      e.preventDefault();
      col.classList.remove('drop');
      const ref = e.dataTransfer.getData('text/plain');
      if (ref) moveTask(ref, status);
    },
  },
  h('header', { class: 'column-head' }, h('h3', null, label), h('span', { class: 'count' }, tasks.length)),
  body);
  return col;
}

export function renderBoard() {
  const board = $('board');
  $('board-hint').hidden = !state.tasks.length;
  if (!state.tasks.length) {
    board.classList.add('is-empty');
    fill(board, empty('No tasks yet',
      'Create one with “+ New task”, or let an agent add one: ', code('jc_add_task'), '.'));
    return;
  }
  board.classList.remove('is-empty');
  const byStatus = Object.fromEntries(STATUSES.map(([s]) => [s, []]));
  for (const t of state.tasks) (byStatus[t.status] || byStatus.backlog).push(t);
  for (const list of Object.values(byStatus)) {
    list.sort((a, b) => (PRIORITY_RANK[a.priority] - PRIORITY_RANK[b.priority]) || (b.updated_at < a.updated_at ? -1 : 1));
  }
  fill(board, STATUSES.map((s) => column(s, byStatus[s[0]])));
}
