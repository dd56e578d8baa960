// The dashboard in headless Chromium (Debian's, driven by playwright-core). Run by the Rust
// test tests/tests/browser, which starts a hub, prepares data through MCP and checks the
// database afterwards. It talks to this script over stdin/stdout: a line `@@ {json}` from
// here is a request (e.g. "add a task through MCP now"); the answer comes back on stdin.
//
// Environment: HUB_URL, SIGNIN_CODE (one-time link code of the admin), HUMAN_TOKEN and
// HUMAN_NAME (a non-admin human member), PROJECT, TASKS (JSON [{ref, title, status}] made
// through MCP), XSS (a hostile string stored in a memory, a task, a message), SCREENSHOT_DIR,
// CHROMIUM (default /usr/bin/chromium).

import { createInterface } from 'node:readline';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium } from 'playwright-core';

const env = (name, fallback) => {
  const v = process.env[name] ?? fallback;
  if (v === undefined) throw new Error(`${name} is not set`);
  return v;
};
const HUB = env('HUB_URL');
const PROJECT = env('PROJECT');
const HUMAN = env('HUMAN_NAME');
const TASKS = JSON.parse(env('TASKS'));
const XSS = env('XSS');
const SHOTS = env('SCREENSHOT_DIR');
mkdirSync(SHOTS, { recursive: true });

// ---- Talking to the Rust side ----------------------------------------------

const replies = new Map();
let nextId = 1;
createInterface({ input: process.stdin }).on('line', (line) => {
  if (!line.startsWith('@@ ')) return;
  const msg = JSON.parse(line.slice(3));
  const waiter = replies.get(msg.id);
  if (waiter) {
    replies.delete(msg.id);
    waiter(msg);
  }
});
function ask(op, args = {}) {
  const id = nextId++;
  return new Promise((resolve) => {
    replies.set(id, resolve);
    process.stdout.write(`@@ ${JSON.stringify({ id, op, ...args })}\n`);
  });
}

// ---- A tiny test runner ------------------------------------------------------

let passed = 0;
let failed = 0;
async function check(name, fn) {
  const started = Date.now();
  try {
    await fn();
    passed++;
    console.log(`ok - ${name} (${Date.now() - started} ms)`);
  } catch (err) {
    failed++;
    console.log(`FAIL - ${name}: ${err && err.stack ? err.stack : err}`);
  }
}
function assert(cond, message) {
  if (!cond) throw new Error(message);
}

// ---- The browser -------------------------------------------------------------

const browser = await chromium.launch({
  executablePath: env('CHROMIUM', '/usr/bin/chromium'),
  headless: true,
  // playwright gives every launch a fresh temporary --user-data-dir of its own.
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
    '--no-first-run', '--disable-sync', '--disable-quic'],
});

const dialogs = [];
const problems = [];
const secretsInUrls = [];

/** A fresh browser profile (own localStorage) with the page's alarms wired up. */
async function newPage(viewport) {
  const context = await browser.newContext({ viewport, serviceWorkers: 'block' });
  const page = await context.newPage();
  page.on('dialog', async (d) => {
    dialogs.push(`${d.type()}: ${d.message()}`);
    await d.dismiss();
  });
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('console', (m) => {
    if (/Content.Security.Policy|Refused to/i.test(m.text())) problems.push(`CSP: ${m.text()}`);
  });
  page.on('request', (r) => {
    // The one-time code may only travel in the fragment (never sent) and in the POST body.
    if (/jc_[0-9a-f]{16}|jcs_/.test(r.url())) secretsInUrls.push(r.url());
  });
  page.on('framenavigated', (f) => {
    if (f === page.mainFrame() && /jc_[0-9a-f]{16}/.test(f.url())) secretsInUrls.push(f.url());
  });
  return { context, page };
}

const column = (page, status) => page.locator(`.column[data-status="${status}"]`);
const card = (page, ref) => page.locator(`.card[data-ref="${ref}"]`);

// ---- The admin, signed in through the one-time link ------------------------------

const admin = await newPage({ width: 1280, height: 900 });
const a = admin.page;

await check('sign in with the one-time link', async () => {
  await a.goto(`${HUB}/#signin=${encodeURIComponent(env('SIGNIN_CODE'))}`);
  await a.locator('#me', { hasText: 'admin' }).waitFor({ timeout: 5000 });
  const url = a.url();
  assert(!url.includes('#'), `the fragment is still in the address: ${url}`);
  assert(!/signin|jcs_|jc_/.test(url), `a secret is in the address: ${url}`);
  const stored = await a.evaluate(() => localStorage.getItem('jc.token'));
  assert(/^jc_[0-9a-f]{64}$/.test(stored || ''), 'no member token in localStorage');
});

await check('the board shows the tasks created through MCP, in their columns', async () => {
  await card(a, TASKS[0].ref).waitFor({ timeout: 5000 });
  for (const t of TASKS) {
    const c = column(a, t.status).locator(`.card[data-ref="${t.ref}"]`);
    await c.waitFor({ timeout: 2000 });
    const title = await c.locator('.card-title').textContent();
    assert(title === t.title, `${t.ref} shows "${title}", expected "${t.title}"`);
  }
  const cols = await a.locator('.column .column-head h3').allTextContents();
  assert(cols.join('|') === 'Backlog|To Do|In Progress|Done|Blocked', `columns: ${cols.join('|')}`);
  const badge = await card(a, TASKS[0].ref).locator('.badge.prio').count();
  assert(badge === 1, 'a card has no priority badge');
});

await check('seven stat cards with the right counts', async () => {
  const labels = await a.locator('.stat .stat-label').allTextContents();
  assert(labels.join('|') === 'Backlog|To Do|In Progress|Done|Blocked|Memories|Members', `stat cards: ${labels.join('|')}`);
  for (const status of ['backlog', 'todo', 'in_progress', 'done', 'blocked']) {
    const want = String(TASKS.filter((t) => t.status === status).length);
    const got = await a.locator(`.stat-${status} .stat-value`).textContent();
    assert(got === want, `${status}: shows ${got}, expected ${want}`);
  }
  const members = await a.locator('.stat-members .stat-value').textContent();
  assert(members === '3', `members card shows ${members}, expected 3`);
});

await check('hostile text in a memory, a task and a message shows as text, and no dialog fires', async () => {
  const mem = a.locator('#memory-list .memory', { hasText: 'xss-probe' });
  await mem.waitFor({ timeout: 5000 });
  assert((await mem.locator('.memory-value').textContent()) === XSS, 'memory value is not shown literally');
  assert((await mem.locator('.scope').textContent()) === '📁', 'project scope icon missing');
  assert((await mem.locator('.badge.cat').textContent()) === 'other', 'category badge missing');
  assert((await mem.locator('.badge.tier').textContent()) === 'hot', 'tier badge missing');
  assert((await mem.locator('.meta').textContent()).includes('used 0×'), 'usage count missing');
  const hostileCard = a.locator('.card', { hasText: XSS });
  assert((await hostileCard.count()) === 1, 'the hostile task title is not shown as text');
  assert((await a.locator('#message-list .message-text', { hasText: XSS }).count()) === 1, 'hostile message not shown as text');
  assert((await a.locator('main img').count()) === 0, 'an <img> was injected into the page');
  await a.waitForTimeout(300);
  assert(dialogs.length === 0, `dialogs fired: ${dialogs.join('; ')}`);
});

await check('memory search finds by value through the hub', async () => {
  await a.fill('#memory-search', 'onerror');
  await a.locator('#memory-list .memory[data-key="xss-probe"]').waitFor({ timeout: 3000 });
  await a.waitForFunction(() => document.querySelectorAll('#memory-list .memory').length === 1, null, { timeout: 3000 });
  await a.fill('#memory-search', 'no-such-memory-anywhere');
  await a.locator('#memory-list .empty').waitFor({ timeout: 3000 });
  await a.fill('#memory-search', '');
  await a.locator('#memory-list .memory[data-key="fedor"]').waitFor({ timeout: 3000 });
  await a.click('#memory-scope button[data-scope="global"]');
  await a.waitForFunction(() => [...document.querySelectorAll('#memory-list .memory')].every((m) => m.dataset.scope === 'global'), null, { timeout: 3000 });
  await a.click('#memory-scope button[data-scope="all"]');
});

await check('screenshots of the board at laptop and tablet widths', async () => {
  await a.waitForTimeout(300);
  await a.screenshot({ path: join(SHOTS, 'board-laptop.png'), fullPage: true });
  await a.setViewportSize({ width: 768, height: 1024 });
  await a.waitForTimeout(200);
  const overflow = await a.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert(overflow <= 0, `the page scrolls sideways by ${overflow}px at 768px`);
  await a.screenshot({ path: join(SHOTS, 'board-tablet.png'), fullPage: true });
  await a.setViewportSize({ width: 1280, height: 900 });
});

await check('an API error is shown in the page', async () => {
  await a.click('#member-add');
  await a.fill('#member-form input[name=name]', 'antigravity');
  await a.click('#member-form button[type=submit]');
  await a.locator('.toast.error', { hasText: "member 'antigravity' already exists" }).waitFor({ timeout: 3000 });
  await a.click('#member-form button:has-text("Cancel")');
});

let newToken = null;
await check('adding a member shows its token and config once', async () => {
  await a.click('#member-add');
  await a.fill('#member-form input[name=name]', 'researcher');
  await a.selectOption('#member-form select[name=kind]', 'agent');
  await a.fill('#member-form input[name=role]', 'Researcher');
  await a.fill('#member-form textarea[name=capabilities]', 'deep-research: use for market questions');
  await a.click('#member-form button[type=submit]');
  await a.locator('#member-created').waitFor({ timeout: 3000 });
  newToken = await a.locator('#new-token').textContent();
  assert(/^jc_[0-9a-f]{64}$/.test(newToken), `token looks wrong: ${newToken}`);
  const bridge = await a.locator('#new-bridge').textContent();
  assert(bridge.includes(`token = "${newToken}"`) && bridge.includes('hub_url'), `bridge config: ${bridge}`);
  assert(bridge.includes(`project = "${PROJECT}"`), 'bridge config lacks the project');
  assert((await a.locator('#new-claude').textContent()).startsWith('claude mcp add'), 'no Claude Code command');
  const mcp = JSON.parse(await a.locator('#new-mcp').textContent());
  assert(mcp.mcpServers.justclone.headers.Authorization === `Bearer ${newToken}`, 'mcpServers entry lacks the token');
  await a.screenshot({ path: join(SHOTS, 'member-added.png') });
  await a.click('#member-created button:has-text("Done")');
  await a.locator('#member-dialog').waitFor({ state: 'hidden', timeout: 2000 });
  const html = await a.content();
  assert(!html.includes(newToken), 'the token is still in the page after closing');
  await a.locator('#member-list .member[data-name="researcher"]').waitFor({ timeout: 3000 });
  const onProject = await a.locator('#member-list .member[data-name="researcher"] .on-project input').isChecked();
  assert(onProject, 'the new member is not on the project');
  await a.click('#member-add');
  assert(!(await a.content()).includes(newToken), 'reopening the dialog shows the token again');
  await a.click('#member-form button:has-text("Cancel")');
});

await check('membership checkboxes add and remove a member from the project', async () => {
  const box = a.locator('#member-list .member[data-name="researcher"] .on-project input');
  await box.uncheck();
  await a.waitForFunction(() => document.querySelector('.stat-members .stat-value').textContent === '3', null, { timeout: 3000 });
  await a.locator('#member-list .member[data-name="researcher"] .on-project input').check();
  await a.waitForFunction(() => document.querySelector('.stat-members .stat-value').textContent === '4', null, { timeout: 3000 });
});

// ---- A human member, signed in by pasting a token ---------------------------------

const human = await newPage({ width: 1280, height: 900 });
const b = human.page;

await check('sign in by pasting a member token', async () => {
  await b.goto(`${HUB}/`);
  await b.locator('#signin-view').waitFor({ timeout: 5000 });
  await b.fill('#token-input', 'jc_wrong');
  await b.click('#token-form button[type=submit]');
  await b.locator('.toast.error').waitFor({ timeout: 3000 });
  await b.fill('#token-input', env('HUMAN_TOKEN'));
  await b.click('#token-form button[type=submit]');
  await b.locator('#me', { hasText: HUMAN }).waitFor({ timeout: 5000 });
  assert(!b.url().includes('jc_'), `token in the address: ${b.url()}`);
  assert((await b.locator('#member-add').isHidden()), 'a non-admin sees "Add member"');
  await b.locator('#live[data-state="live"]').waitFor({ timeout: 5000 });
});

const dragged = TASKS.find((t) => t.status === 'backlog');
await check('dragging a card to another column changes its status, attributed to the human', async () => {
  const target = column(b, 'in_progress');
  await card(b, dragged.ref).dragTo(target.locator('.column-body'));
  await target.locator(`.card[data-ref="${dragged.ref}"]`).waitFor({ timeout: 3000 });
  // Still there after the board reloads from the hub.
  await b.waitForTimeout(400);
  await target.locator(`.card[data-ref="${dragged.ref}"]`).waitFor({ timeout: 3000 });
  await card(b, dragged.ref).click();
  const first = b.locator('#drawer .history-item').first();
  await first.waitFor({ timeout: 3000 });
  assert((await first.getAttribute('data-actor')) === HUMAN, `history's latest actor is ${await first.getAttribute('data-actor')}`);
  assert((await first.getAttribute('data-action')) === 'moved', 'latest history entry is not the move');
  assert((await first.textContent()).includes('Backlog → In Progress'), 'history does not show the status change');
  assert((await b.locator('#drawer select[name=status]').inputValue()) === 'in_progress', 'drawer status not updated');
});

await check('the task drawer shows description, plan, result, summary and history', async () => {
  const sections = await b.locator('#drawer .drawer-section h3').allTextContents();
  for (const s of ['Description', 'Plan', 'Result', 'Summary', 'History']) {
    assert(sections.some((x) => x.startsWith(s)), `drawer lacks ${s}: ${sections.join(', ')}`);
  }
  assert((await b.locator('#drawer .prose', { hasText: 'Step 1: classify' }).count()) === 1, 'plan text missing');
  await b.screenshot({ path: join(SHOTS, 'task-drawer.png') });
  await b.keyboard.press('Escape');
  await b.locator('#drawer').waitFor({ state: 'hidden', timeout: 2000 });
});

await check('keyboard: Shift+→ on a focused card moves it one column', async () => {
  const t = TASKS.find((x) => x.status === 'todo');
  await card(b, t.ref).focus();
  await b.keyboard.press('Shift+ArrowRight');
  await column(b, 'in_progress').locator(`.card[data-ref="${t.ref}"]`).waitFor({ timeout: 3000 });
  await b.waitForFunction((ref) => document.activeElement && document.activeElement.dataset.ref === ref, t.ref, { timeout: 2000 });
});

await check('a task added by an MCP client appears without reload within 2 s', async () => {
  await b.evaluate(() => {
    window.__sameDocument = true;
  });
  const reply = await ask('mcp_add_task', { title: 'Added live by an agent' });
  const started = Date.now();
  await card(b, reply.ref).waitFor({ timeout: 2000 });
  const ms = Date.now() - started;
  assert(await b.evaluate(() => window.__sameDocument === true), 'the page reloaded');
  assert((await card(b, reply.ref).locator('.card-title').textContent()) === 'Added live by an agent', 'wrong title');
  console.log(`   live card shown ${ms} ms after the MCP call returned`);
  await b.locator('#activity-list .event', { hasText: reply.ref }).waitFor({ timeout: 2000 });
});

await check('create and edit a task from the dashboard', async () => {
  await b.click('#new-task');
  await b.fill('#task-form input[name=title]', 'Write the onboarding guide');
  await b.fill('#task-form textarea[name=description]', 'For new agents.');
  await b.selectOption('#task-form select[name=priority]', 'high');
  await b.selectOption('#task-form select[name=status]', 'todo');
  await b.click('#task-form button[type=submit]');
  const created = column(b, 'todo').locator('.card', { hasText: 'Write the onboarding guide' });
  await created.waitFor({ timeout: 3000 });
  await created.click();
  await b.click('#drawer button:has-text("Edit")');
  await b.fill('#task-form input[name=title]', 'Write the onboarding guide v2');
  await b.selectOption('#task-form select[name=assignee]', HUMAN);
  await b.click('#task-form button[type=submit]');
  await b.locator('#drawer-title', { hasText: 'Write the onboarding guide v2' }).waitFor({ timeout: 3000 });
  await column(b, 'todo').locator('.card', { hasText: 'Write the onboarding guide v2' }).locator('.assignee', { hasText: HUMAN }).waitFor({ timeout: 3000 });
  await b.keyboard.press('Escape');
});

await check('the human sends a message to an agent', async () => {
  await b.selectOption('#message-to', 'antigravity');
  await b.fill('#message-text', 'Please pick up the Stripe webhook next.');
  await b.click('#message-form button[type=submit]');
  await b.locator('#message-list .message', { hasText: 'Please pick up the Stripe webhook next.' }).locator('.who', { hasText: HUMAN }).waitFor({ timeout: 3000 });
});

await check('context can be set from the dashboard', async () => {
  await b.click('#context-add');
  await b.fill('#context-form input[name=key]', 'release');
  await b.fill('#context-form textarea[name=value]', '{"date": "2026-12-01"}');
  await b.click('#context-form button[type=submit]');
  await b.locator('#context-list .ctx-item[data-key="release"] pre', { hasText: '2026-12-01' }).waitFor({ timeout: 3000 });
});

await check("the admin's page follows the human's changes live", async () => {
  await column(a, 'in_progress').locator(`.card[data-ref="${dragged.ref}"]`).waitFor({ timeout: 3000 });
  await a.locator('#context-list .ctx-item[data-key="release"]').waitFor({ timeout: 3000 });
});

await check('sign out forgets the token', async () => {
  await b.click('#sign-out');
  await b.locator('#signin-view').waitFor({ timeout: 2000 });
  assert((await b.evaluate(() => localStorage.getItem('jc.token'))) === null, 'token still stored');
});

await check('no secret in any URL, no CSP violation, no script error, no dialog', async () => {
  assert(secretsInUrls.length === 0, `secrets in URLs: ${secretsInUrls.join(', ')}`);
  assert(problems.length === 0, problems.join('\n'));
  assert(dialogs.length === 0, `dialogs: ${dialogs.join('; ')}`);
});

await browser.close();
console.log(`browser: ${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
