// Panels: Project Context, Recent Messages, Sessions and the activity feed.

import { del, get, post, put, p } from './api.js';
import { $, ago, code, confirmButton, dialogClose, empty, fill, h, options } from './dom.js';
import { STATUS_LABEL, state } from './state.js';
import { who } from './badges.js';
import { refresh } from './bus.js';
import { showError, toast } from './toast.js';

// ---- Context ----------------------------------------------------------------

function valueView(value) {
  if (typeof value === 'string') return h('div', { class: 'ctx-value prose' }, value);
  return h('pre', { class: 'ctx-value' }, JSON.stringify(value, null, 2));
}

function openContextDialog(entry = null) {
  const f = $('context-form').elements;
  f.key.value = entry ? entry.key : '';
  f.key.readOnly = Boolean(entry);
  f.value.value = entry ? (typeof entry.value === 'string' ? entry.value : JSON.stringify(entry.value, null, 2)) : '';
  $('context-dialog').showModal();
  (entry ? f.value : f.key).focus();
}

/** Text that parses as a JSON object, array, number, boolean or null is stored as JSON. */
function parseValue(text) {
  const t = text.trim();
  if (/^[[{]/.test(t) || /^(-?\d+(\.\d+)?|true|false|null)$/.test(t)) {
    try {
      return JSON.parse(t);
    } catch {
      return text;
    }
  }
  return text;
}

async function saveContext(e) {
  e.preventDefault();
  const f = e.target.elements;
  try {
    await put(p`/api/projects/${state.project}/context/${f.key.value.trim()}`, { value: parseValue(f.value.value) });
    $('context-dialog').close();
    toast('Context saved', 'ok', 2000);
    refresh('context', 'activity');
  } catch (err) {
    showError(err);
  }
}

export async function loadContext() {
  const project = state.project;
  const { entries } = await get(p`/api/projects/${project}/context`);
  if (project !== state.project) return;
  const list = $('context-list');
  if (!entries.length) {
    fill(list, empty('No context yet',
      'Shared facts for everyone on the project (stack, decisions, blockers). Add one here, or an agent calls ', code('jc_set_context'), '.'));
    return;
  }
  fill(list, h('dl', { class: 'ctx' }, entries.map((e) => h('div', { class: 'ctx-item', dataset: { key: e.key } },
    h('dt', null, h('span', { class: 'ctx-key' }, e.key),
      h('span', { class: 'item-actions' },
        h('button', { type: 'button', class: 'btn ghost small', onclick: () => openContextDialog(e) }, 'Edit'),
        confirmButton('Delete', 'Sure?', async () => {
          try {
            await del(p`/api/projects/${state.project}/context/${e.key}`);
            refresh('context', 'activity');
          } catch (err) {
            showError(err);
          }
        }))),
    h('dd', null, valueView(e.value), h('span', { class: 'meta' }, who(e.updated_by), ' · ', ago(e.updated_at)))))));
}

// ---- Messages ---------------------------------------------------------------

export async function loadMessages() {
  const project = state.project;
  const { messages } = await get(p`/api/projects/${project}/messages?limit=30`);
  if (project !== state.project) return;
  const list = $('message-list');
  if (!messages.length) {
    fill(list, empty('No messages yet', 'Agents hand work over with ', code('jc_post_message'), '; you can write to one above.'));
    return;
  }
  fill(list, h('ul', { class: 'messages' }, messages.map((m) => h('li', {
    class: `message${m.recipient === state.me.name ? ' to-me' : ''}${m.sender === state.me.name ? ' from-me' : ''}`,
  },
  h('div', { class: 'message-head' },
    h('span', { class: 'who' }, who(m.sender), ' → ', who(m.recipient)),
    m.read_at ? null : h('span', { class: 'badge unread' }, 'unread'),
    ago(m.created_at)),
  h('p', { class: 'message-text' }, m.content)))));
}

/** Fills the recipient list: every project member but the signed-in one. */
export function renderRecipients() {
  const select = $('message-to');
  const keep = select.value;
  const others = state.projectMembers.filter((m) => m.name !== state.me.name);
  options(select, [['', others.length ? 'To…' : 'No one else on this project'], ...others.map((m) => [m.name, who(m.name)])], keep);
  if (!others.some((m) => m.name === keep)) select.value = '';
  const member = state.projectMembers.some((m) => m.name === state.me.name);
  $('message-form').hidden = !member;
}

async function sendMessage(e) {
  e.preventDefault();
  const recipient = $('message-to').value;
  const content = $('message-text').value.trim();
  if (!recipient || !content) return;
  try {
    await post(p`/api/projects/${state.project}/messages`, { recipient, content });
    $('message-text').value = '';
    toast(`Sent to ${recipient}`, 'ok', 2000);
    refresh('messages', 'activity');
  } catch (err) {
    showError(err);
  }
}

// ---- Sessions ---------------------------------------------------------------

export async function loadSessions() {
  const project = state.project;
  const { sessions } = await get(p`/api/projects/${project}/sessions?limit=15`);
  if (project !== state.project) return;
  const list = $('session-list');
  if (!sessions.length) {
    fill(list, empty('No sessions yet', 'An agent opens one with ', code('jc_start'), ' and closes it with ', code('jc_end_session'), '.'));
    return;
  }
  fill(list, h('ul', { class: 'sessions' }, sessions.map((s) => h('li', { class: 'session' },
    h('div', { class: 'session-head' },
      h('strong', null, who(s.agent)),
      s.ended_at ? h('span', { class: 'badge' }, 'ended') : h('span', { class: 'badge active' }, 'active'),
      ago(s.started_at)),
    s.summary ? h('p', { class: 'muted small' }, s.summary) : null))));
}

// ---- Activity ---------------------------------------------------------------

const ref = (text) => h('span', { class: 'ref' }, text);

/** "moved KB-3 to Done", "remembered 🌐 fedor", … for one audit event. */
function phrase(e) {
  const d = e.detail || {};
  const to = (field) => (Array.isArray(d[field]) ? d[field][1] : null);
  const key = e.entity_key;
  switch (e.entity) {
    case 'task':
      switch (e.action) {
        case 'moved': return ['moved ', ref(key), ` to ${STATUS_LABEL[to('status')] || to('status') || '?'}`];
        case 'assigned': return to('assignee') ? ['assigned ', ref(key), ` to ${to('assignee')}`] : ['unassigned ', ref(key)];
        case 'plan_saved': return ['saved the plan of ', ref(key)];
        case 'result_saved': return ['saved the result of ', ref(key)];
        default: return [`${e.action} task `, ref(key)];
      }
    case 'memory': {
      const [scope, ...rest] = key.split(':');
      const verb = { remembered: 'remembered', forgotten: 'forgot', tier_set: `moved to ${d.tier || '?'} tier:` }[e.action] || e.action;
      return [`${verb} `, `${scope === 'global' ? '🌐' : '📁'} `, ref(rest.join(':'))];
    }
    case 'message': return ['sent message ', ref(`#${key}`), d.recipient ? ` to ${d.recipient}` : ''];
    case 'context': return [e.action === 'deleted' ? 'deleted context ' : 'set context ', ref(key)];
    case 'session': return [e.action === 'ended' ? 'ended session ' : 'started session ', ref(`#${key}`)];
    case 'membership': return [e.action === 'removed' ? 'removed ' : 'added ', ref(key), e.action === 'removed' ? ' from the project' : ' to the project'];
    case 'project': return [`${e.action} the project`];
    default: return [`${e.action.replace(/_/g, ' ')} ${e.entity} `, ref(key)];
  }
}

/** Loads the feed; returns the newest event id (where the live stream resumes). */
export async function loadActivity() {
  const project = state.project;
  const { events } = await get(p`/api/projects/${project}/events?limit=30`);
  if (project !== state.project) return 0;
  const list = $('activity-list');
  if (!events.length) {
    fill(list, empty('Nothing has happened yet', 'Every change by an agent or a person shows up here as it happens.'));
  } else {
    fill(list, h('ul', { class: 'activity' }, events.map((e) => h('li', { class: 'event', dataset: { entity: e.entity } },
      h('span', null, h('strong', null, who(e.actor)), ' ', phrase(e)),
      ago(e.created_at)))));
  }
  return events.length ? events[0].id : 0;
}

export function initPanels() {
  $('context-add').addEventListener('click', () => openContextDialog());
  $('context-form').addEventListener('submit', saveContext);
  dialogClose($('context-dialog'));
  $('message-form').addEventListener('submit', sendMessage);
}
