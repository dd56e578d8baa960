// Small labels shared by the board, the drawer and the panels.

import { h } from './dom.js';
import { PRIORITIES, state } from './state.js';

export const PRIORITY_LABEL = Object.fromEntries(PRIORITIES);

export function priorityBadge(priority) {
  return h('span', { class: `badge prio prio-${priority}` }, PRIORITY_LABEL[priority] || priority);
}

/** 👤 for a human, 🤖 for an agent, • for a name no longer registered. */
export function memberIcon(name) {
  const m = state.members.find((x) => x.name === name) || state.projectMembers.find((x) => x.name === name);
  if (!m) return '•';
  return m.kind === 'human' ? '👤' : '🤖';
}

/** A member's name with its icon. */
export function who(name) {
  return `${memberIcon(name)} ${name}`;
}
