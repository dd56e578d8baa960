//! Tasks, their plans and results.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::cache::TextBytes;
use super::{Caller, Hub, parse_ref};
use crate::error::{HubError, HubResult};
use crate::model::*;
use crate::store::{NewTask, TaskChange, TaskCursor, TaskFilter};
use crate::validate::{self, limits};

#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AddTask {
    /// Project name (optional if a default applies).
    pub project: Option<String>,
    /// Short imperative title, e.g. "Add login page".
    pub title: String,
    /// Details, acceptance criteria, links.
    pub description: Option<String>,
    /// Default medium.
    pub priority: Option<Priority>,
    /// Default backlog.
    pub status: Option<TaskStatus>,
    /// Project member to assign; see jc_list_members.
    pub assignee: Option<String>,
}

#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct MoveTask {
    /// Project name (optional if a default applies).
    pub project: Option<String>,
    /// Task ref, e.g. "KB-12" or "12".
    #[serde(rename = "ref")]
    pub task_ref: String,
    /// New status.
    pub status: TaskStatus,
    /// Why (kept in the task's history), e.g. what blocks it.
    pub note: Option<String>,
}

#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CompleteTask {
    /// Project name (optional if a default applies).
    pub project: Option<String>,
    /// Task ref, e.g. "KB-12" or "12".
    #[serde(rename = "ref")]
    pub task_ref: String,
    /// What was done and where the output is.
    pub summary: String,
}

#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ListTasks {
    /// Project name (optional if a default applies).
    pub project: Option<String>,
    /// Only tasks with this status.
    pub status: Option<TaskStatus>,
    /// Only tasks assigned to this member.
    pub assignee: Option<String>,
    /// Page size, 1-200 (default 50).
    pub limit: Option<u32>,
    /// `next_cursor` from the previous page.
    pub cursor: Option<String>,
}

#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TaskRefArgs {
    /// Project name (optional if a default applies).
    pub project: Option<String>,
    /// Task ref, e.g. "KB-12" or "12".
    #[serde(rename = "ref")]
    pub task_ref: String,
}

#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateTask {
    /// Project name (optional if a default applies).
    pub project: Option<String>,
    /// Task ref, e.g. "KB-12" or "12".
    #[serde(rename = "ref")]
    pub task_ref: String,
    /// New title.
    pub title: Option<String>,
    /// New description (replaces the old one).
    pub description: Option<String>,
    /// New priority.
    pub priority: Option<Priority>,
}

#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SavePlan {
    /// Project name (optional if a default applies).
    pub project: Option<String>,
    /// Task ref, e.g. "KB-12" or "12".
    #[serde(rename = "ref")]
    pub task_ref: String,
    /// The plan (Markdown); replaces any previous plan.
    pub plan: String,
}

#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SaveResult {
    /// Project name (optional if a default applies).
    pub project: Option<String>,
    /// Task ref, e.g. "KB-12" or "12".
    #[serde(rename = "ref")]
    pub task_ref: String,
    /// The result (Markdown): outputs, links, findings; replaces any previous result.
    pub result: String,
}

#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AssignTask {
    /// Project name (optional if a default applies).
    pub project: Option<String>,
    /// Task ref, e.g. "KB-12" or "12".
    #[serde(rename = "ref")]
    pub task_ref: String,
    /// Project member to assign, or null to unassign.
    pub assignee: Option<String>,
}

/// Several task fields at once, applied atomically (REST `PATCH`, the dashboard).
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct EditTask {
    /// New title.
    pub title: Option<String>,
    /// New description.
    pub description: Option<String>,
    /// New priority: low | medium | high | urgent.
    pub priority: Option<Priority>,
    /// New status: backlog | todo | in_progress | done | blocked.
    pub status: Option<TaskStatus>,
    /// New assignee (a project member), or null to unassign; omit to leave it.
    #[serde(default, deserialize_with = "present")]
    pub assignee: Option<Option<String>>,
    /// Why (kept in the task's history).
    pub note: Option<String>,
}

/// Distinguishes an explicit `null` (`Some(None)`) from an absent field (`None`).
fn present<'de, D, T>(d: D) -> Result<Option<T>, D::Error>
where
    D: serde::Deserializer<'de>,
    T: Deserialize<'de>,
{
    T::deserialize(d).map(Some)
}

#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct MyTasks {
    /// Only this project (default: all your projects).
    pub project: Option<String>,
    /// Only tasks with this status.
    pub status: Option<TaskStatus>,
}

/// A page of tasks.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct TaskList {
    pub tasks: Vec<Task>,
    /// Tasks matching the filter, across all pages.
    pub total: i64,
    /// Pass as `cursor` to get the next page; absent on the last page.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_cursor: Option<String>,
}

/// The bytes of a task's text.
fn task_bytes(t: &Task) -> usize {
    let summary = t.summary.as_ref().map_or(0, String::len);
    let assignee = t.assignee.as_ref().map_or(0, String::len);
    t.task_ref.len()
        + t.title.len()
        + t.description.len()
        + summary
        + assignee
        + t.created_by.len()
        + t.updated_by.len()
}

impl TextBytes for TaskList {
    fn text_bytes(&self) -> usize {
        self.tasks.iter().map(task_bytes).sum()
    }
}

impl TextBytes for TaskDetail {
    fn text_bytes(&self) -> usize {
        let docs: usize = [&self.plan, &self.result]
            .into_iter()
            .flatten()
            .map(|d| d.content.len() + d.created_by.len() + d.updated_by.len())
            .sum();
        task_bytes(&self.task) + docs
    }
}

/// A task with its plan and result.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct TaskDetail {
    #[serde(flatten)]
    pub task: Task,
    pub plan: Option<TaskDoc>,
    pub result: Option<TaskDoc>,
}

/// A task's plan or result.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct TaskDocView {
    #[serde(rename = "ref")]
    pub task_ref: String,
    /// "plan" or "result".
    pub kind: String,
    /// Absent when none has been saved yet.
    pub doc: Option<TaskDoc>,
}

/// A task assigned to the caller, with its project.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct AssignedTask {
    pub project: String,
    #[serde(flatten)]
    pub task: Task,
}

#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct AssignedTasks {
    pub tasks: Vec<AssignedTask>,
    pub total: i64,
}

/// Audit rows, newest first.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct EventList {
    pub events: Vec<Event>,
}

/// Confirmation of a deletion.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct Deleted {
    /// What was deleted, e.g. "task KB-3".
    pub deleted: String,
}

const MY_TASKS_CAP: i64 = 100;

fn encode_cursor(c: TaskCursor) -> String {
    format!("{}_{}", c.updated_at, c.id)
}

fn decode_cursor(s: &str) -> HubResult<TaskCursor> {
    let parsed = s
        .split_once('_')
        .and_then(|(a, b)| Some((a.parse().ok()?, b.parse().ok()?)));
    parsed
        .map(|(updated_at, id)| TaskCursor { updated_at, id })
        .ok_or_else(|| {
            HubError::validation(
                "cursor",
                "invalid cursor; pass next_cursor from the previous page unchanged",
            )
        })
}

impl Hub {
    pub async fn add_task(&self, caller: &Caller, input: AddTask) -> HubResult<Task> {
        validate::text("title", &input.title, limits::TITLE, true)?;
        let description = input.description.unwrap_or_default();
        validate::text("description", &description, limits::DESCRIPTION, false)?;
        let project = self.project(caller, input.project.as_deref()).await?;
        let new = NewTask {
            title: input.title.trim().to_string(),
            description,
            status: input.status.unwrap_or(TaskStatus::Backlog),
            priority: input.priority.unwrap_or(Priority::Medium),
            assignee: input.assignee.filter(|a| !a.is_empty()),
        };
        self.store.add_task(caller.name(), &project, &new).await
    }

    pub async fn move_task(&self, caller: &Caller, input: MoveTask) -> HubResult<Task> {
        if let Some(note) = &input.note {
            validate::text("note", note, limits::NOTE, false)?;
        }
        let project = self.project(caller, input.project.as_deref()).await?;
        let seq = parse_ref(&project, &input.task_ref)?;
        let change = TaskChange {
            status: Some(input.status),
            note: input.note,
            ..TaskChange::default()
        };
        self.store
            .change_task(caller.name(), &project, seq, "moved", &change)
            .await
    }

    pub async fn complete_task(&self, caller: &Caller, input: CompleteTask) -> HubResult<Task> {
        validate::text("summary", &input.summary, limits::SUMMARY, true)?;
        let project = self.project(caller, input.project.as_deref()).await?;
        let seq = parse_ref(&project, &input.task_ref)?;
        let change = TaskChange {
            status: Some(TaskStatus::Done),
            summary: Some(input.summary),
            ..TaskChange::default()
        };
        self.store
            .change_task(caller.name(), &project, seq, "completed", &change)
            .await
    }

    pub async fn list_tasks(&self, caller: &Caller, input: ListTasks) -> HubResult<TaskList> {
        let limit = validate::limit(input.limit, 50)?;
        let cursor = input.cursor.as_deref().map(decode_cursor).transpose()?;
        let project = self.project(caller, input.project.as_deref()).await?;
        let filter = TaskFilter {
            status: input.status,
            assignee: input.assignee,
        };
        let read = async {
            let page = (self.store)
                .list_tasks(&project, &filter, limit, cursor)
                .await?;
            Ok(TaskList {
                tasks: page.tasks,
                total: page.total,
                next_cursor: page.next.map(encode_cursor),
            })
        };
        let key = (project.id, filter.clone(), limit, cursor);
        self.versioned(&self.caches.task_pages, key, read).await
    }

    pub async fn get_task(&self, caller: &Caller, input: TaskRefArgs) -> HubResult<TaskDetail> {
        let project = self.project(caller, input.project.as_deref()).await?;
        let seq = parse_ref(&project, &input.task_ref)?;
        let read = async {
            let (task, plan, result) = self.store.task_detail(&project, seq).await?;
            Ok(TaskDetail { task, plan, result })
        };
        self.versioned(&self.caches.tasks, (project.id, seq), read)
            .await
    }

    pub async fn update_task(&self, caller: &Caller, input: UpdateTask) -> HubResult<Task> {
        if let Some(t) = &input.title {
            validate::text("title", t, limits::TITLE, true)?;
        }
        if let Some(d) = &input.description {
            validate::text("description", d, limits::DESCRIPTION, false)?;
        }
        if input.title.is_none() && input.description.is_none() && input.priority.is_none() {
            return Err(HubError::validation(
                "title",
                "nothing to update; pass title, description or priority",
            ));
        }
        let project = self.project(caller, input.project.as_deref()).await?;
        let seq = parse_ref(&project, &input.task_ref)?;
        let change = TaskChange {
            title: input.title.map(|t| t.trim().to_string()),
            description: input.description,
            priority: input.priority,
            ..TaskChange::default()
        };
        self.store
            .change_task(caller.name(), &project, seq, "updated", &change)
            .await
    }

    /// Applies an [`EditTask`] in one transaction; the history names the kind of change.
    pub async fn edit_task(
        &self,
        caller: &Caller,
        project: &str,
        task_ref: &str,
        input: EditTask,
    ) -> HubResult<Task> {
        if let Some(t) = &input.title {
            validate::text("title", t, limits::TITLE, true)?;
        }
        if let Some(d) = &input.description {
            validate::text("description", d, limits::DESCRIPTION, false)?;
        }
        if let Some(n) = &input.note {
            validate::text("note", n, limits::NOTE, false)?;
        }
        let edits = [
            input.title.is_some(),
            input.description.is_some(),
            input.priority.is_some(),
        ];
        let action = match (edits.contains(&true), input.status, &input.assignee) {
            (false, None, None) => {
                return Err(HubError::validation(
                    "input",
                    "nothing to change; pass title, description, priority, status or assignee",
                ));
            }
            (false, Some(_), None) => "moved",
            (false, None, Some(_)) => "assigned",
            _ => "updated",
        };
        let project = self.project(caller, Some(project)).await?;
        let seq = parse_ref(&project, task_ref)?;
        let change = TaskChange {
            title: input.title.map(|t| t.trim().to_string()),
            description: input.description,
            priority: input.priority,
            status: input.status,
            assignee: input.assignee.map(|a| a.filter(|a| !a.is_empty())),
            summary: None,
            note: input.note,
        };
        self.store
            .change_task(caller.name(), &project, seq, action, &change)
            .await
    }

    /// The history of one task (newest first), from the audit trail.
    pub async fn task_history(
        &self,
        caller: &Caller,
        project: &str,
        task_ref: &str,
    ) -> HubResult<EventList> {
        let project = self.project(caller, Some(project)).await?;
        let seq = parse_ref(&project, task_ref)?;
        let key = format!("{}-{seq}", project.key);
        let events = self
            .store
            .list_events(project.id, Some(("task", &key)), 100)
            .await?;
        // Every task has a "created" event, and a deleted task keeps its history, so no
        // events means the task never existed: 404, like every other ref lookup.
        if events.is_empty() {
            self.store.get_task(&project, seq).await?;
        }
        Ok(EventList { events })
    }

    /// Recent activity in a project (newest first).
    pub async fn project_events(
        &self,
        caller: &Caller,
        project: &str,
        limit: Option<u32>,
    ) -> HubResult<EventList> {
        let limit = validate::limit(limit, 50)?;
        let project = self.project(caller, Some(project)).await?;
        let events = self.store.list_events(project.id, None, limit).await?;
        Ok(EventList { events })
    }

    /// Events of a project after event id `after` (oldest first), for live streams;
    /// `after: None` means "from now on" and returns no events, only the cursor. Access is
    /// checked on every call, so a member removed from the project stops receiving.
    pub async fn events_since(
        &self,
        caller: &Caller,
        project: &str,
        after: Option<i64>,
        limit: i64,
    ) -> HubResult<(Vec<Event>, i64)> {
        let project = self.project(caller, Some(project)).await?;
        let after = match after {
            Some(after) => after,
            None => {
                let newest = self.store.list_events(project.id, None, 1).await?;
                return Ok((vec![], newest.first().map(|e| e.id).unwrap_or(0)));
            }
        };
        let events = self.store.events_after(project.id, after, limit).await?;
        let last = events.last().map(|e| e.id).unwrap_or(after);
        Ok((events, last))
    }

    pub async fn delete_task(&self, caller: &Caller, input: TaskRefArgs) -> HubResult<Deleted> {
        let project = self.project(caller, input.project.as_deref()).await?;
        let seq = parse_ref(&project, &input.task_ref)?;
        let task = self.store.delete_task(caller.name(), &project, seq).await?;
        Ok(Deleted {
            deleted: format!("task {}", task.task_ref),
        })
    }

    pub async fn assign_task(&self, caller: &Caller, input: AssignTask) -> HubResult<Task> {
        let project = self.project(caller, input.project.as_deref()).await?;
        let seq = parse_ref(&project, &input.task_ref)?;
        let change = TaskChange {
            assignee: Some(input.assignee.filter(|a| !a.is_empty())),
            ..TaskChange::default()
        };
        self.store
            .change_task(caller.name(), &project, seq, "assigned", &change)
            .await
    }

    pub async fn my_tasks(&self, caller: &Caller, input: MyTasks) -> HubResult<AssignedTasks> {
        let project_id = match input.project.as_deref() {
            Some(p) => Some(self.project(caller, Some(p)).await?.id),
            None => None,
        };
        let (tasks, total) = self
            .store
            .tasks_assigned(&caller.member, project_id, input.status, MY_TASKS_CAP)
            .await?;
        Ok(AssignedTasks {
            tasks: tasks
                .into_iter()
                .map(|(project, task)| AssignedTask { project, task })
                .collect(),
            total,
        })
    }

    pub async fn save_plan(&self, caller: &Caller, input: SavePlan) -> HubResult<TaskDocView> {
        validate::text("plan", &input.plan, limits::DOC, true)?;
        self.save_doc(
            caller,
            input.project,
            &input.task_ref,
            DocKind::Plan,
            &input.plan,
        )
        .await
    }

    pub async fn save_result(&self, caller: &Caller, input: SaveResult) -> HubResult<TaskDocView> {
        validate::text("result", &input.result, limits::DOC, true)?;
        self.save_doc(
            caller,
            input.project,
            &input.task_ref,
            DocKind::Result,
            &input.result,
        )
        .await
    }

    async fn save_doc(
        &self,
        caller: &Caller,
        project: Option<String>,
        task_ref: &str,
        kind: DocKind,
        content: &str,
    ) -> HubResult<TaskDocView> {
        let project = self.project(caller, project.as_deref()).await?;
        let seq = parse_ref(&project, task_ref)?;
        let doc = self
            .store
            .save_doc(caller.name(), &project, seq, kind, content)
            .await?;
        Ok(TaskDocView {
            task_ref: format!("{}-{seq}", project.key),
            kind: kind.as_str().to_string(),
            doc: Some(doc),
        })
    }

    pub async fn get_doc(
        &self,
        caller: &Caller,
        input: TaskRefArgs,
        kind: DocKind,
    ) -> HubResult<TaskDocView> {
        let project = self.project(caller, input.project.as_deref()).await?;
        let seq = parse_ref(&project, &input.task_ref)?;
        let doc = self.store.get_doc(&project, seq, kind).await?;
        Ok(TaskDocView {
            task_ref: format!("{}-{seq}", project.key),
            kind: kind.as_str().to_string(),
            doc,
        })
    }
}
