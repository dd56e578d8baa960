// The task drawer: fields, description, plan, result, summary and the task's history.

import { del, get, patch, p } from './api.js';
import { $, ago, confirmButton, fill, h, options } from './dom.js';
import { PRIORITIES, STATUSES, STATUS_LABEL, state } from './state.js';
import { priorityBadge, who } from './badges.js';
import { openTaskDialog } from './tasks.js';
import { refresh } from './bus.js';
import { attempt, showError, toast } from './toast.js';

let openRef = null;

export const drawerRef = () => openRef;

export async function openTask(ref) {
  openRef = ref;
  const drawer = $('drawer');
  drawer.hidden = false;
  $('scrim').hidden = false;
  document.body.classList.add('drawer-open');
  fill(drawer, h('p', { class: 'muted pad' }, 'Loading…'));
  await loadDrawer();
  const close = drawer.querySelector('.drawer-close');
  if (close) close.focus();
}

export function closeDrawer() {
  openRef = null;
  $('drawer').hidden = true;
  $('scrim').hidden = true;
  document.body.classList.remove('drawer-open');
  fill($('drawer'));
}

/** Reloads the open task (after a change on the board or from the live stream). */
export async function loadDrawer() {
  const ref = openRef;
  if (!ref) return;
  let task;
  let history;
  try {
    [task, history] = await Promise.all([
      get(p`/api/projects/${state.project}/tasks/${ref}`),
      get(p`/api/projects/${state.project}/tasks/${ref}/history`),
    ]);
  } catch (err) {
    if (err.status === 404) {
      toast(`${ref} was deleted`, 'info');
      closeDrawer();
      return;
    }
    throw err;
  }
  if (openRef !== ref) return;
  render(task, history.events);
}

function section(title, content, emptyText) {
  return h('section', { class: 'drawer-section' },
    h('h3', null, title),
    content ? h('div', { class: 'prose' }, content) : h('p', { class: 'muted small' }, emptyText));
}

function doc(d, emptyText, title) {
  if (!d) return section(title, null, emptyText);
  return h('section', { class: 'drawer-section' },
    h('h3', null, title, h('span', { class: 'meta' }, ` · ${d.updated_by} · `, ago(d.updated_at))),
    h('div', { class: 'prose' }, d.content));
}

function field(label, control) {
  return h('label', { class: 'field' }, h('span', null, label), control);
}

function quickEdit(task, name, pairs, value) {
  const select = h('select', {
    name,
    onchange: () => attempt(async () => {
      const body = { [name]: select.value === '' ? null : select.value };
      await patch(p`/api/projects/${state.project}/tasks/${task.ref}`, body);
      toast(`${task.ref} updated`, 'ok', 2000);
      refresh('board', 'drawer', 'activity');
    }),
  });
  options(select, pairs, value);
  return select;
}

function describe(e) {
  const d = e.detail || {};
  const parts = [];
  for (const [k, v] of Object.entries(d)) {
    if (Array.isArray(v) && v.length === 2) {
      const fmt = (x) => (x === null ? 'none' : k === 'status' ? STATUS_LABEL[x] || x : String(x));
      parts.push(`${k}: ${fmt(v[0])} → ${fmt(v[1])}`);
    } else if (k === 'note') {
      parts.push(`note: “${v}”`);
    } else if (k === 'chars') {
      parts.push(`${v} characters`);
    } else if (k !== 'title' || e.action !== 'created') {
      parts.push(`${k}${typeof v === 'string' && v !== 'changed' ? `: ${v}` : ' changed'}`);
    }
  }
  return parts.join(' · ');
}

function historyList(events) {
  if (!events.length) return h('p', { class: 'muted small' }, 'No history yet.');
  return h('ol', { class: 'history' }, events.map((e) =>
    h('li', { class: 'history-item', dataset: { actor: e.actor, action: e.action } },
      h('div', null, h('strong', { class: 'actor' }, who(e.actor)), ' ', h('span', { class: 'action' }, e.action.replace(/_/g, ' '))),
      describe(e) ? h('div', { class: 'muted small' }, describe(e)) : null,
      ago(e.created_at))));
}

function render(task, events) {
  const assignees = [['', 'Unassigned'], ...state.projectMembers.map((m) => [m.name, who(m.name)])];
  if (task.assignee && !assignees.some(([n]) => n === task.assignee)) assignees.push([task.assignee, task.assignee]);
  fill($('drawer'),
    h('header', { class: 'drawer-head' },
      h('div', null,
        h('div', { class: 'drawer-ref' }, h('span', { class: 'ref' }, task.ref), priorityBadge(task.priority)),
        h('h2', { id: 'drawer-title' }, task.title)),
      h('button', { type: 'button', class: 'btn ghost drawer-close', 'aria-label': 'Close', onclick: closeDrawer }, '✕')),
    h('div', { class: 'drawer-fields' },
      field('Status', quickEdit(task, 'status', STATUSES, task.status)),
      field('Priority', quickEdit(task, 'priority', PRIORITIES, task.priority)),
      field('Assignee', quickEdit(task, 'assignee', assignees, task.assignee || ''))),
    h('p', { class: 'muted small' },
      'Created by ', who(task.created_by), ' · ', ago(task.created_at), ' · last change by ', who(task.updated_by), ' · ', ago(task.updated_at)),
    section('Description', task.description, 'No description.'),
    doc(task.plan, 'No plan yet. Agents save one with jc_save_plan.', 'Plan'),
    doc(task.result, 'No result yet. Agents save one with jc_save_result.', 'Result'),
    section('Summary', task.summary, 'Set when the task is completed (jc_complete_task).'),
    h('section', { class: 'drawer-section' }, h('h3', null, 'History'), historyList(events)),
    h('footer', { class: 'drawer-foot' },
      h('button', { type: 'button', class: 'btn', onclick: () => openTaskDialog(task) }, 'Edit'),
      confirmButton('Delete', 'Click again to delete', async () => {
        try {
          await del(p`/api/projects/${state.project}/tasks/${task.ref}`);
          toast(`${task.ref} deleted`, 'ok', 2500);
          closeDrawer();
          refresh('board', 'activity');
        } catch (err) {
          showError(err);
        }
      })));
}

export function initDrawer() {
  $('scrim').addEventListener('click', closeDrawer);
  document.addEventListener('keydown', (e) => {
    if (e.key === 'Escape' && openRef && !document.querySelector('dialog[open]')) closeDrawer();
  });
}
