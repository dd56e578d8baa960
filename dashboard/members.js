// The member registry: 🤖 agents and 👤 humans, membership of the selected project, adding
// a member (its token and connection config are shown once), deleting one.

import { del, get, post, p } from './api.js';
import { $, code, confirmButton, empty, fill, h } from './dom.js';
import { isAdmin, state } from './state.js';
import { refresh } from './bus.js';
import { showError, toast } from './toast.js';

export async function loadMembers() {
  const project = state.project;
  const [all, mine] = await Promise.all([
    get('/api/members'),
    project ? get(p`/api/projects/${project}/members`) : Promise.resolve({ members: [] }),
  ]);
  if (project !== state.project) return;
  state.members = all.members;
  state.projectMembers = mine.members;
  renderMembers();
  refresh('stats', 'recipients');
}

async function setMembership(name, on, box) {
  box.disabled = true;
  try {
    if (on) await post(p`/api/projects/${state.project}/members`, { member: name });
    else await del(p`/api/projects/${state.project}/members/${name}`);
    toast(on ? `${name} joined ${state.project}` : `${name} left ${state.project}`, 'ok', 2000);
  } catch (err) {
    box.checked = !on;
    showError(err);
  } finally {
    box.disabled = false;
  }
  refresh('members', 'activity');
}

function row(m) {
  const onProject = state.projectMembers.some((x) => x.name === m.name);
  const box = h('input', {
    type: 'checkbox',
    checked: onProject,
    disabled: !isAdmin(),
    'aria-label': `${m.name} is a member of ${state.project}`,
    onchange: () => setMembership(m.name, box.checked, box),
  });
  const caps = m.capabilities || [];
  return h('li', { class: 'member', dataset: { name: m.name } },
    h('span', { class: 'avatar', title: m.kind }, m.kind === 'human' ? '👤' : '🤖'),
    h('div', { class: 'member-main' },
      h('div', null, h('strong', { class: 'member-name' }, m.name),
        m.admin ? h('span', { class: 'badge admin' }, 'admin') : null,
        m.name === state.me.name ? h('span', { class: 'badge' }, 'you') : null),
      m.role ? h('div', { class: 'muted small' }, m.role) : null,
      caps.length ? h('div', { class: 'caps' }, caps.slice(0, 6).map((c) => h('span', { class: 'cap', title: c.desc }, c.name)),
        caps.length > 6 ? h('span', { class: 'cap more' }, `+${caps.length - 6}`) : null) : null),
    h('label', { class: 'on-project', title: isAdmin() ? 'Member of this project' : 'Only an admin can change membership' }, box, h('span', null, state.project)),
    isAdmin() && m.name !== state.me.name
      ? confirmButton('Delete', 'Sure?', () => deleteMember(m.name), { 'aria-label': `Delete ${m.name}` })
      : null);
}

async function deleteMember(name) {
  try {
    await del(p`/api/members/${name}`);
    toast(`${name} deleted; history keeps the name`, 'ok');
    refresh('members', 'board', 'activity');
  } catch (err) {
    showError(err);
  }
}

export function renderMembers() {
  $('member-add').hidden = !isAdmin();
  const list = $('member-list');
  if (!state.members.length) {
    fill(list, empty('No members yet', 'Add one with “+ Add member”, or ', code('jc-hub members add NAME --kind agent'), '.'));
    return;
  }
  const sorted = [...state.members].sort((a, b) => a.kind.localeCompare(b.kind) || a.name.localeCompare(b.name));
  fill(list,
    state.projectMembers.length <= 1
      ? h('p', { class: 'muted small' }, 'Tick a member to put them on this project; agents can only work where they are members.')
      : null,
    h('ul', { class: 'members' }, sorted.map(row)));
}

// ---- Add-member dialog ------------------------------------------------------

function parseCapabilities(text) {
  return text.split('\n').map((l) => l.trim()).filter(Boolean).map((l) => {
    const m = l.match(/^([^:—]+?)\s*(?:[:—]\s*(.*))?$/);
    return { name: (m ? m[1] : l).trim(), desc: (m && m[2] ? m[2] : '').trim() };
  });
}

function form() {
  const f = h('form', { class: 'stack', id: 'member-form' },
    h('h2', null, 'Add member'),
    h('label', null, 'Name', h('input', { name: 'name', required: true, maxlength: '64', placeholder: 'copywriter', autocomplete: 'off' })),
    h('div', { class: 'row' },
      h('label', null, 'Kind', h('select', { name: 'kind' }, h('option', { value: 'agent' }, '🤖 Agent'), h('option', { value: 'human' }, '👤 Human'))),
      h('label', null, 'Role', h('input', { name: 'role', maxlength: '200', placeholder: 'Coder, Copywriter, Owner…' }))),
    h('label', null, 'Skills (optional, one per line: name: when it is used)',
      h('textarea', { name: 'capabilities', rows: '3', placeholder: 'systematic-debugging: use when encountering bugs' })),
    h('label', { class: 'check' }, h('input', { type: 'checkbox', name: 'join', checked: true }), ` Add to ${state.project}`),
    h('label', { class: 'check' }, h('input', { type: 'checkbox', name: 'admin' }), ' Hub admin (manages projects and members)'),
    h('div', { class: 'dialog-actions' },
      h('button', { type: 'button', class: 'btn ghost', onclick: () => $('member-dialog').close() }, 'Cancel'),
      h('button', { type: 'submit', class: 'btn primary' }, 'Create member')));
  f.addEventListener('submit', (e) => create(e, f));
  return f;
}

async function create(e, f) {
  e.preventDefault();
  const v = f.elements;
  const body = { name: v.name.value.trim(), kind: v.kind.value };
  if (v.role.value.trim()) body.role = v.role.value.trim();
  const caps = parseCapabilities(v.capabilities.value);
  if (caps.length) body.capabilities = caps;
  if (v.admin.checked) body.admin = true;
  const submit = f.querySelector('[type=submit]');
  submit.disabled = true;
  try {
    const created = await post('/api/members', body);
    if (v.join.checked && state.project) {
      try {
        await post(p`/api/projects/${state.project}/members`, { member: created.member.name });
      } catch (err) {
        showError(err);
      }
    }
    fill($('member-dialog-body'), createdView(created, v.join.checked ? state.project : null));
    refresh('members', 'activity');
  } catch (err) {
    showError(err);
  } finally {
    submit.disabled = false;
  }
}

function copyable(label, text, id) {
  const pre = h('pre', { class: 'secret', id }, text);
  const btn = h('button', {
    type: 'button',
    class: 'btn ghost small',
    onclick: async () => {
      try {
        await navigator.clipboard.writeText(text);
        btn.textContent = 'Copied';
      } catch {
        getSelection().selectAllChildren(pre);
        btn.textContent = 'Selected: press Ctrl+C';
      }
    },
  }, 'Copy');
  return h('section', { class: 'copy-block' }, h('div', { class: 'copy-head' }, h('h3', null, label), btn), pre);
}

function createdView(created, project) {
  const { member, token, config } = created;
  return h('div', { class: 'stack', id: 'member-created' },
    h('h2', null, `${member.kind === 'human' ? '👤' : '🤖'} ${member.name} is registered`),
    h('p', { class: 'warn' }, 'Copy the token now. It is shown only this once; the hub keeps only its hash. Lost it? Rotate with ', code(`jc-hub members rotate-token ${member.name}`), '.'),
    copyable('Token', token, 'new-token'),
    copyable('Claude Code command', config.claude_command, 'new-claude'),
    copyable('Bridge config (bridge.toml)', config.bridge_toml + (project ? `project = "${project}"\n` : ''), 'new-bridge'),
    copyable('Direct HTTP (mcpServers entry)', JSON.stringify({ mcpServers: config.mcp_servers }, null, 2), 'new-mcp'),
    h('div', { class: 'dialog-actions' },
      h('button', { type: 'button', class: 'btn primary', onclick: closeCreated }, 'Done, I saved it')));
}

// The dialog's close event comes a task later; the token leaves the page before that.
function closeCreated() {
  fill($('member-dialog-body'));
  $('member-dialog').close();
}

export function initMembers() {
  const dialog = $('member-dialog');
  $('member-add').addEventListener('click', () => {
    fill($('member-dialog-body'), form());
    dialog.showModal();
    dialog.querySelector('input[name=name]').focus();
  });
  // The token and config leave the page as soon as the dialog closes.
  dialog.addEventListener('close', () => fill($('member-dialog-body')));
}
