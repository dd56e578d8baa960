// Task writes: moving a card (PATCH status) and the create/edit dialog.

import { patch, post, p } from './api.js';
import { $, dialogClose, options } from './dom.js';
import { PRIORITIES, STATUSES, STATUS_LABEL, state } from './state.js';
import { refresh } from './bus.js';
import { showError, toast } from './toast.js';

/** Changes a task's status, showing the move at once and undoing it if the hub refuses. */
export async function moveTask(ref, status) {
  const task = state.tasks.find((t) => t.ref === ref);
  if (!task || task.status === status) return;
  const before = task.status;
  task.status = status;
  refresh('board-local');
  try {
    await patch(p`/api/projects/${state.project}/tasks/${ref}`, { status });
    toast(`${ref} moved to ${STATUS_LABEL[status]}`, 'ok', 2500);
  } catch (err) {
    task.status = before;
    showError(err);
  }
  refresh('board', 'drawer', 'activity');
}

let editing = null;

function assigneeChoices() {
  return [['', 'Unassigned'], ...state.projectMembers.map((m) => [m.name, `${m.kind === 'human' ? '👤' : '🤖'} ${m.name}`])];
}

/** Opens the dialog for a new task, or for editing `task`. */
export function openTaskDialog(task = null) {
  editing = task;
  const form = $('task-form');
  $('task-dialog-title').textContent = task ? `Edit ${task.ref}` : 'New task';
  form.elements.title.value = task ? task.title : '';
  form.elements.description.value = task ? task.description || '' : '';
  options(form.elements.status, STATUSES, task ? task.status : 'backlog');
  options(form.elements.priority, PRIORITIES, task ? task.priority : 'medium');
  options(form.elements.assignee, assigneeChoices(), task ? task.assignee || '' : '');
  $('task-dialog').showModal();
  form.elements.title.focus();
}

async function save(e) {
  e.preventDefault();
  const f = e.target.elements;
  const body = {
    title: f.title.value.trim(),
    description: f.description.value,
    priority: f.priority.value,
    status: f.status.value,
  };
  const submit = e.target.querySelector('[type=submit]');
  submit.disabled = true;
  try {
    if (editing) {
      body.assignee = f.assignee.value || null;
      const t = await patch(p`/api/projects/${state.project}/tasks/${editing.ref}`, body);
      $('task-dialog').close();
      toast(`${t.ref} saved`, 'ok', 2500);
    } else {
      if (f.assignee.value) body.assignee = f.assignee.value;
      if (!body.description) delete body.description;
      const t = await post(p`/api/projects/${state.project}/tasks`, body);
      $('task-dialog').close();
      toast(`${t.ref} created`, 'ok', 2500);
    }
    refresh('board', 'drawer', 'activity');
  } catch (err) {
    showError(err);
  } finally {
    submit.disabled = false;
  }
}

export function initTasks() {
  $('task-form').addEventListener('submit', save);
  dialogClose($('task-dialog'));
  $('new-task').addEventListener('click', () => openTaskDialog());
}
