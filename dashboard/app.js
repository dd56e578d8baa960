// Entry point: sign-in (one-time link or pasted token), the project switcher, batched
// reloads of the page's areas, and the live stream that triggers them.

import { api, get, post, token, whenUnauthorized } from './api.js';
import { $, code, dialogClose, empty, fill, h } from './dom.js';
import { currentProject, isAdmin, state } from './state.js';
import { onRefresh } from './bus.js';
import { LiveStream } from './live.js';
import { loadBoard, renderBoard, renderStats } from './board.js';
import { closeDrawer, drawerRef, initDrawer, loadDrawer } from './drawer.js';
import { initTasks } from './tasks.js';
import { initPanels, loadActivity, loadContext, loadMessages, loadSessions, renderRecipients } from './panels.js';
import { initMemories, loadMemories } from './memories.js';
import { initMembers, loadMembers } from './members.js';
import { showError, toast } from './toast.js';

const PROJECT_KEY = 'jc.project';
let live = null;

// ---- Batched reloads --------------------------------------------------------

const LOADERS = {
  projects: loadProjects,
  board: loadBoard,
  drawer: loadDrawer,
  context: loadContext,
  messages: loadMessages,
  memories: loadMemories,
  members: loadMembers,
  sessions: loadSessions,
  activity: loadActivity,
};
const IMMEDIATE = { 'board-local': renderBoard, stats: renderStats, recipients: renderRecipients };
const pending = new Set();
const running = new Set();
let timer = null;

function request(areas) {
  for (const area of areas) {
    if (IMMEDIATE[area]) IMMEDIATE[area]();
    else if (LOADERS[area]) pending.add(area);
  }
  if (pending.size && !timer) timer = setTimeout(flush, 120);
}

async function flush() {
  timer = null;
  const now = [...pending].filter((a) => !running.has(a));
  for (const a of now) pending.delete(a);
  await Promise.all(now.map(async (area) => {
    running.add(area);
    try {
      await LOADERS[area]();
    } catch (err) {
      if (err.status !== 401) showError(err);
    } finally {
      running.delete(area);
    }
  }));
  if (pending.size && !timer) timer = setTimeout(flush, 50);
}

onRefresh(request);

// ---- Live stream ------------------------------------------------------------

const AREAS_BY_ENTITY = {
  task: ['board'],
  context: ['context'],
  message: ['messages'],
  memory: ['memories'],
  membership: ['members', 'board'],
  session: ['sessions'],
  member: ['members'],
  project: ['projects'],
};

function setLive(status) {
  const el = $('live');
  el.dataset.state = status;
  $('live-text').textContent = { live: 'live', connecting: 'connecting…', reconnecting: 'reconnecting…', off: 'offline' }[status] || status;
}

function startLive(after) {
  if (live) live.stop();
  const project = state.project;
  live = new LiveStream(project, after, token.get(), {
    onStatus: setLive,
    onEvent: (e) => {
      const areas = [...(AREAS_BY_ENTITY[e.entity] || []), 'activity'];
      if (e.entity === 'task' && e.entity_key === drawerRef()) areas.push('drawer');
      if (e.entity === 'project' && e.action === 'deleted') areas.push('projects');
      request(areas);
    },
    onDenied: (status) => {
      if (status === 401) signOut('Your session was refused by the hub (token revoked or member removed). Sign in again.');
      else request(['projects']);
    },
  });
}

// ---- Projects ---------------------------------------------------------------

async function loadProjects() {
  const { projects } = await get('/api/projects');
  state.projects = projects;
  const select = $('project-select');
  fill(select, projects.map((pr) => h('option', { value: pr.name }, `${pr.name} (${pr.key})`)));
  $('project-picker').hidden = !projects.length && !isAdmin();
  select.hidden = !projects.length;
  $('new-project').hidden = !isAdmin();
  if (!projects.length) {
    showNoProjects();
    return;
  }
  const wanted = state.project || localStorage.getItem(PROJECT_KEY);
  const chosen = projects.some((pr) => pr.name === wanted) ? wanted : projects[0].name;
  select.value = chosen;
  if (chosen !== state.project) await selectProject(chosen);
  else renderProjectHead();
}

function showNoProjects() {
  if (live) live.stop();
  setLive('off');
  state.project = null;
  closeDrawer();
  $('project-view').hidden = true;
  const box = $('empty-projects');
  box.hidden = false;
  fill(box, isAdmin()
    ? empty('No projects yet',
      'Create one with “+ Project” above, or on the hub’s machine: ', code('jc-hub projects create NAME'),
      '. Then add agents with ', code('jc-hub members add NAME --kind agent --project NAME'), '.')
    : empty('You are not on any project yet',
      'Ask an admin to add you: ', code(`jc-hub projects add-member PROJECT ${state.me.name}`), '.'));
}

function renderProjectHead() {
  const pr = currentProject();
  if (!pr) return;
  $('project-name').textContent = pr.name;
  fill($('project-desc'), pr.description || h('span', null, 'No description.'), h('span', { class: 'key' }, ` · tasks ${pr.key}-1, ${pr.key}-2, …`));
}

async function selectProject(name) {
  state.project = name;
  localStorage.setItem(PROJECT_KEY, name);
  state.tasks = [];
  state.projectMembers = [];
  state.memoryTotal = 0;
  closeDrawer();
  $('empty-projects').hidden = true;
  $('project-view').hidden = false;
  renderProjectHead();
  try {
    // Members first (names get their 🤖/👤), then the feed: its newest event is where the
    // live stream resumes, so nothing that happens while the rest loads is missed.
    await loadMembers();
    const after = await loadActivity();
    if (name !== state.project) return;
    startLive(after);
    await Promise.all([loadBoard(), loadContext(), loadMessages(), loadMemories(), loadSessions()]);
  } catch (err) {
    showError(err);
  }
}

async function createProject(e) {
  e.preventDefault();
  const f = e.target.elements;
  const body = { name: f.name.value.trim() };
  if (f.key.value.trim()) body.key = f.key.value.trim();
  if (f.description.value.trim()) body.description = f.description.value.trim();
  try {
    const created = await post('/api/projects', body);
    $('project-dialog').close();
    e.target.reset();
    toast(`Project ${created.name} created`, 'ok');
    state.project = null;
    localStorage.setItem(PROJECT_KEY, created.name);
    await loadProjects();
  } catch (err) {
    showError(err);
  }
}

// ---- Sign-in ----------------------------------------------------------------

function showSignIn() {
  $('app-view').hidden = true;
  $('signin-view').hidden = false;
  $('project-picker').hidden = true;
  $('me').hidden = true;
  $('sign-out').hidden = true;
  $('live').hidden = true;
  setLive('off');
  $('token-input').focus();
}

async function showApp() {
  $('signin-view').hidden = true;
  $('app-view').hidden = false;
  const me = $('me');
  me.hidden = false;
  fill(me, h('span', null, state.me.kind === 'human' ? '👤 ' : '🤖 '), h('strong', null, state.me.name), state.me.admin ? h('span', { class: 'badge admin' }, 'admin') : null);
  $('sign-out').hidden = false;
  $('live').hidden = false;
  await loadProjects().catch(showError);
}

function signOut(message) {
  if (live) live.stop();
  live = null;
  token.clear();
  state.me = null;
  state.project = null;
  state.projects = [];
  closeDrawer();
  showSignIn();
  if (message) toast(message, 'info');
}

/** Exchanges a `#signin=<code>` fragment for a token, and removes it from the address. */
async function redeemLink() {
  const m = location.hash.match(/[#&]signin=([^&]+)/);
  if (!m) return;
  history.replaceState(null, '', location.pathname + location.search);
  try {
    const r = await api('POST', '/api/signin', { code: decodeURIComponent(m[1]) }, { token: '' });
    token.set(r.token);
  } catch (err) {
    showError(err);
  }
}

async function signInWithToken(e) {
  e.preventDefault();
  const input = $('token-input');
  const t = input.value.trim();
  if (!t) return;
  try {
    state.me = await api('GET', '/api/me', undefined, { token: t });
  } catch (err) {
    showError(err.status === 401 ? { message: 'That token is not valid: check it, or ask an admin to rotate it.' } : err);
    return;
  }
  input.value = '';
  token.set(t);
  await showApp();
}

async function boot() {
  initTasks();
  initDrawer();
  initPanels();
  initMemories();
  initMembers();
  dialogClose($('project-dialog'));
  $('token-form').addEventListener('submit', signInWithToken);
  $('sign-out').addEventListener('click', () => signOut('Signed out.'));
  $('project-select').addEventListener('change', (e) => selectProject(e.target.value));
  $('new-project').addEventListener('click', () => $('project-dialog').showModal());
  $('project-form').addEventListener('submit', createProject);
  whenUnauthorized(() => signOut('Your session was refused by the hub (token revoked or member removed). Sign in again.'));

  await redeemLink();
  if (!token.get()) {
    showSignIn();
    return;
  }
  try {
    state.me = await get('/api/me');
  } catch (err) {
    if (err.status !== 401) {
      showSignIn();
      showError(err);
    }
    return;
  }
  await showApp();
}

boot();
