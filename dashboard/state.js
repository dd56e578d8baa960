// What the page knows right now, shared by the views, and the fixed vocabularies of SPEC §1.

export const STATUSES = [
  ['backlog', 'Backlog'],
  ['todo', 'To Do'],
  ['in_progress', 'In Progress'],
  ['done', 'Done'],
  ['blocked', 'Blocked'],
];
export const STATUS_LABEL = Object.fromEntries(STATUSES);
export const PRIORITIES = [
  ['urgent', 'Urgent'],
  ['high', 'High'],
  ['medium', 'Medium'],
  ['low', 'Low'],
];

export const state = {
  /** The signed-in member. */
  me: null,
  /** Projects visible to the member. */
  projects: [],
  /** The selected project's name. */
  project: null,
  /** The selected project's tasks. */
  tasks: [],
  /** Members of the selected project. */
  projectMembers: [],
  /** The global member registry. */
  members: [],
  /** Totals for the stat cards. */
  memoryTotal: 0,
};

export const currentProject = () => state.projects.find((p) => p.name === state.project) || null;
export const isAdmin = () => Boolean(state.me && state.me.admin);
