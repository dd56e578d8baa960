//! Persistence. [`Store`] is the contract and holds no SQL; `sqlite` and `postgres` are
//! the two backends. Their queries are identical text, so they live once in
//! `queries.rs`, which each backend module mounts with `#[path]` and compiles against its
//! own typed driver. Dialect differences (write transactions, migrations) stay in the
//! backend modules. Both get their connections from [`pool`], the hub's own pool, which
//! takes a connection back without a round trip once its work finished.
//!
//! Every mutation writes its `events` row in the same transaction as the change, and
//! constraint violations are mapped to [`HubError`] here, once.

pub mod pool;
pub mod postgres;
pub mod sqlite;
pub mod version;

use async_trait::async_trait;

use crate::backup::{ImportReport, ProjectBackup};
use crate::error::{HubError, HubResult};
use crate::model::*;

/// A project as seen by one member: enough to scope queries and check access.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProjectRef {
    pub id: i64,
    pub name: String,
    pub key: String,
    pub description: String,
    /// Whether the member asking is a project member.
    pub is_member: bool,
}

#[derive(Debug, Clone)]
pub struct NewMember {
    pub name: String,
    pub kind: MemberKind,
    pub role: String,
    pub capabilities: Vec<Capability>,
    pub admin: bool,
}

#[derive(Debug, Clone, Default)]
pub struct MemberPatch {
    pub role: Option<String>,
    pub capabilities: Option<Vec<Capability>>,
    pub kind: Option<MemberKind>,
    pub admin: Option<bool>,
}

#[derive(Debug, Clone)]
pub struct NewProject {
    pub name: String,
    pub key: String,
    pub description: String,
}

#[derive(Debug, Clone)]
pub struct NewTask {
    pub title: String,
    pub description: String,
    pub status: TaskStatus,
    pub priority: Priority,
    pub assignee: Option<String>,
}

/// A change to a task. `None` leaves a field alone; `assignee: Some(None)` clears it.
#[derive(Debug, Clone, Default)]
pub struct TaskChange {
    pub title: Option<String>,
    pub description: Option<String>,
    pub priority: Option<Priority>,
    pub status: Option<TaskStatus>,
    pub assignee: Option<Option<String>>,
    pub summary: Option<String>,
    /// Free text kept in the event row (e.g. why a task was blocked).
    pub note: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct TaskFilter {
    pub status: Option<TaskStatus>,
    pub assignee: Option<String>,
}

/// Keyset cursor over `(updated_at, id)` descending.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct TaskCursor {
    pub updated_at: i64,
    pub id: i64,
}

#[derive(Debug, Clone)]
pub struct TaskPage {
    pub tasks: Vec<Task>,
    pub next: Option<TaskCursor>,
    pub total: i64,
}

#[derive(Debug, Clone)]
pub struct NewMemory {
    pub scope: Scope,
    pub category: Category,
    pub key: String,
    pub value: String,
    /// `None` keeps the current tier on update and means `hot` on insert.
    pub tier: Option<Tier>,
}

/// How many substring matches a search ranks. A query matching more (a common word in a
/// large memory) ranks the exact key match and this many others, so its cost stays
/// bounded (about 10 ms at a million memories); its total then reads "500+".
pub const SEARCH_CANDIDATES: i64 = 500;

/// One page of search results.
#[derive(Debug, Clone)]
pub struct SearchPage {
    pub memories: Vec<Memory>,
    /// Matches, counted up to [`SEARCH_CANDIDATES`].
    pub total: i64,
    /// More than [`SEARCH_CANDIDATES`] matched.
    pub capped: bool,
}

/// One project the caller belongs to, with its size.
#[derive(Debug, Clone, PartialEq, serde::Serialize, schemars::JsonSchema)]
pub struct ProjectSummary {
    #[serde(flatten)]
    pub project: Project,
    pub task_count: i64,
    pub member_count: i64,
}

/// A context key and who set it, without the value (for briefings).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContextKey {
    pub key: String,
    pub updated_by: String,
}

/// Storage of members and tokens.
#[async_trait]
pub trait MemberStore: Send + Sync {
    async fn member_by_token_hash(&self, hash: &str) -> HubResult<Option<Member>>;
    async fn member_by_name(&self, name: &str) -> HubResult<Option<Member>>;
    async fn list_members(&self) -> HubResult<Vec<Member>>;
    /// The oldest admin, if any.
    async fn first_admin(&self) -> HubResult<Option<Member>>;
    /// Creates a member and its first token (given as a hash).
    async fn create_member(
        &self,
        actor: &str,
        new: &NewMember,
        token_hash: &str,
    ) -> HubResult<Member>;
    async fn update_member(
        &self,
        actor: &str,
        name: &str,
        patch: &MemberPatch,
    ) -> HubResult<Member>;
    /// Deletes a member, its tokens, memberships and usage, and clears its assignments.
    async fn delete_member(&self, actor: &str, name: &str) -> HubResult<()>;
    /// Stores an additional token for the member (e.g. a dashboard sign-in).
    async fn add_token(
        &self,
        actor: &str,
        member_id: i64,
        token_hash: &str,
        label: &str,
    ) -> HubResult<()>;
    /// Revokes every live token of the member and stores a new one.
    async fn rotate_token(&self, actor: &str, name: &str, token_hash: &str) -> HubResult<()>;
}

/// Storage of projects and membership.
#[async_trait]
pub trait ProjectStore: Send + Sync {
    async fn project_for(&self, name: &str, member_id: i64) -> HubResult<Option<ProjectRef>>;
    /// Names of the projects the member belongs to, alphabetical.
    async fn member_project_names(&self, member_id: i64) -> HubResult<Vec<String>>;
    /// The member's projects, or all projects when `all` is set.
    async fn list_projects(&self, member_id: i64, all: bool) -> HubResult<Vec<ProjectSummary>>;
    /// Creates a project and makes `creator` its first member.
    async fn create_project(&self, creator: &Member, new: &NewProject) -> HubResult<Project>;
    async fn delete_project(&self, actor: &str, project: &ProjectRef) -> HubResult<()>;
    async fn project_members(&self, project_id: i64) -> HubResult<Vec<Member>>;
    async fn add_project_member(
        &self,
        actor: &str,
        project: &ProjectRef,
        member: &str,
    ) -> HubResult<Member>;
    /// Removes a member from a project and unassigns its tasks there.
    async fn remove_project_member(
        &self,
        actor: &str,
        project: &ProjectRef,
        member: &str,
    ) -> HubResult<()>;
}

/// Storage of tasks.
#[async_trait]
pub trait TaskStore: Send + Sync {
    async fn add_task(&self, actor: &str, project: &ProjectRef, new: &NewTask) -> HubResult<Task>;
    async fn get_task(&self, project: &ProjectRef, seq: i64) -> HubResult<Task>;
    /// The task with its plan and result, in one query.
    async fn task_detail(
        &self,
        project: &ProjectRef,
        seq: i64,
    ) -> HubResult<(Task, Option<TaskDoc>, Option<TaskDoc>)>;
    async fn change_task(
        &self,
        actor: &str,
        project: &ProjectRef,
        seq: i64,
        action: &str,
        change: &TaskChange,
    ) -> HubResult<Task>;
    async fn delete_task(&self, actor: &str, project: &ProjectRef, seq: i64) -> HubResult<Task>;
    async fn list_tasks(
        &self,
        project: &ProjectRef,
        filter: &TaskFilter,
        limit: i64,
        cursor: Option<TaskCursor>,
    ) -> HubResult<TaskPage>;
    /// Tasks assigned to `member` in the given projects (all of its projects if `None`),
    /// with the project name of each.
    async fn tasks_assigned(
        &self,
        member: &Member,
        project_id: Option<i64>,
        status: Option<TaskStatus>,
        limit: i64,
    ) -> HubResult<(Vec<(String, Task)>, i64)>;
    /// Active tasks (todo, in progress, blocked), the given member's first. `known` is
    /// how many are active when the caller has just counted them (the choice of plan
    /// depends on it; none are read when it is 0); without it they are counted too, and
    /// the count returned.
    async fn active_tasks(
        &self,
        project: &ProjectRef,
        first_for: &str,
        limit: i64,
        known: Option<i64>,
    ) -> HubResult<(Vec<Task>, Option<i64>)>;
    async fn save_doc(
        &self,
        actor: &str,
        project: &ProjectRef,
        seq: i64,
        kind: DocKind,
        content: &str,
    ) -> HubResult<TaskDoc>;
    async fn get_doc(
        &self,
        project: &ProjectRef,
        seq: i64,
        kind: DocKind,
    ) -> HubResult<Option<TaskDoc>>;
}

/// Storage of context.
#[async_trait]
pub trait ContextStore: Send + Sync {
    async fn list_context(&self, project_id: i64) -> HubResult<Vec<ContextEntry>>;
    async fn context_keys(&self, project_id: i64) -> HubResult<Vec<ContextKey>>;
    async fn get_context(&self, project_id: i64, key: &str) -> HubResult<Option<ContextEntry>>;
    async fn set_context(
        &self,
        actor: &str,
        project: &ProjectRef,
        key: &str,
        value: &serde_json::Value,
    ) -> HubResult<ContextEntry>;
    async fn delete_context(&self, actor: &str, project: &ProjectRef, key: &str) -> HubResult<()>;
}

/// Storage of sessions.
#[async_trait]
pub trait SessionStore: Send + Sync {
    /// Closes the member's open sessions on the project, opens a new one and stores the
    /// capabilities (when given) on the member.
    async fn start_session(
        &self,
        member: &Member,
        project: &ProjectRef,
        capabilities: Option<&[Capability]>,
    ) -> HubResult<Session>;
    async fn end_session(
        &self,
        member: &str,
        project: &ProjectRef,
        summary: &str,
    ) -> HubResult<Session>;
    async fn list_sessions(&self, project_id: i64, limit: i64) -> HubResult<Vec<Session>>;
    /// What `jc_get_state` shows besides the active tasks, in one statement.
    async fn state_summary(
        &self,
        project_id: i64,
        recipient: &str,
        keys: i64,
        sessions: i64,
    ) -> HubResult<StateSummary>;
}

/// A project's task counts, `recipient`'s unread messages there, its first `keys`
/// context keys by name and its latest `sessions` sessions, newest first.
#[derive(Debug, Clone)]
pub struct StateSummary {
    pub counts: StatusCounts,
    pub unread: i64,
    pub context_keys: Vec<ContextKey>,
    pub context_total: i64,
    pub sessions: Vec<Session>,
}

/// Storage of messages.
#[async_trait]
pub trait MessageStore: Send + Sync {
    async fn post_message(
        &self,
        sender: &str,
        project: &ProjectRef,
        recipient: &str,
        content: &str,
    ) -> HubResult<Message>;
    /// The recipient's messages, oldest first; unread ones are marked read.
    async fn take_messages(
        &self,
        recipient: &str,
        project_id: i64,
        unread_only: bool,
        limit: i64,
    ) -> HubResult<(Vec<Message>, i64)>;
    /// Unread messages for the recipient without marking them, oldest first, and the total
    /// (counted with the rows, so `limit` must be at least 1).
    async fn peek_unread(
        &self,
        recipient: &str,
        project_id: i64,
        limit: i64,
    ) -> HubResult<(Vec<Message>, i64)>;
    /// All messages of the project, newest first, before message id `before`.
    async fn list_messages(
        &self,
        project_id: i64,
        limit: i64,
        before: Option<i64>,
    ) -> HubResult<Vec<Message>>;
}

/// Storage of memories.
#[async_trait]
pub trait MemoryStore: Send + Sync {
    async fn remember(
        &self,
        actor: &str,
        project: &ProjectRef,
        new: &NewMemory,
    ) -> HubResult<Memory>;
    /// Project scope first, then global; bumps global and per-member usage in SQL.
    async fn recall(
        &self,
        member: &Member,
        project: &ProjectRef,
        key: &str,
    ) -> HubResult<Option<Memory>>;
    /// Literal, case-insensitive substring search over key and value, best matches first
    /// among at most [`SEARCH_CANDIDATES`] matches plus the exact key match.
    async fn search_memories(
        &self,
        project: &ProjectRef,
        query: &str,
        category: Option<Category>,
        limit: i64,
    ) -> HubResult<SearchPage>;
    async fn forget(
        &self,
        actor: &str,
        project: &ProjectRef,
        scope: Scope,
        key: &str,
    ) -> HubResult<()>;
    async fn set_tier(
        &self,
        actor: &str,
        project: &ProjectRef,
        scope: Scope,
        key: &str,
        tier: Tier,
    ) -> HubResult<Memory>;
    /// Hot memories visible in the project, ranked by the member's own usage, then
    /// global usage, then recency (SPEC §4).
    async fn hot_cache(
        &self,
        member_id: i64,
        project: &ProjectRef,
        limit: i64,
    ) -> HubResult<Vec<Memory>>;
    /// Project and global memories (`None` for global only), most used first.
    async fn list_memories(
        &self,
        project: Option<&ProjectRef>,
        limit: i64,
        offset: i64,
    ) -> HubResult<(Vec<Memory>, i64)>;
}

/// Storage of audit.
#[async_trait]
pub trait EventStore: Send + Sync {
    async fn list_events(
        &self,
        project_id: i64,
        entity: Option<(&str, &str)>,
        limit: i64,
    ) -> HubResult<Vec<Event>>;
    /// Events of the project with an id above `after`, oldest first (live streams).
    async fn events_after(&self, project_id: i64, after: i64, limit: i64) -> HubResult<Vec<Event>>;
}

/// Whole-project backup and restore (`jc-hub export` / `jc-hub import`).
#[async_trait]
pub trait BackupStore: Send + Sync {
    /// Reads the project, its members, tasks, context, sessions, messages, memories
    /// (project and global) with usage, and events, from one consistent snapshot.
    async fn export_project(&self, project: &ProjectRef) -> HubResult<ProjectBackup>;
    /// Restores a backup in one transaction, as `actor`. Fails with a conflict, writing
    /// nothing, when a project with the same name or key exists.
    async fn import_project(&self, actor: &str, backup: &ProjectBackup) -> HubResult<ImportReport>;
}

#[async_trait]
pub trait Store:
    MemberStore
    + ProjectStore
    + TaskStore
    + ContextStore
    + SessionStore
    + MessageStore
    + MemoryStore
    + EventStore
    + BackupStore
    + 'static
{
    /// `"sqlite"` or `"postgres"`.
    fn backend(&self) -> &'static str;
    /// Round-trips to the database (for `/health`).
    async fn ping(&self) -> HubResult<()>;
    /// The version of the data as committed: two equal values mean that no transaction
    /// committed in between, through this store, another hub or any other process. A
    /// cache reads it before the data it stores and serves an entry only while it is
    /// unchanged. PostgreSQL: the current snapshot (`pg_current_snapshot()`, cluster-wide,
    /// so a commit in any database of the server changes it); SQLite: `pragma
    /// data_version` on a connection of its own that never writes.
    async fn data_version(&self) -> HubResult<String>;
}

/// Maps a unique-constraint violation to a 409 with `message`; anything else is internal.
pub(crate) fn on_unique(e: sqlx::Error, message: impl FnOnce() -> String) -> HubError {
    match &e {
        sqlx::Error::Database(db) if db.is_unique_violation() => HubError::Conflict(message()),
        _ => HubError::from(e),
    }
}

/// Escapes `%`, `_` and `\` so a user query matches literally inside `like … escape '\'`.
pub(crate) fn like_pattern(query: &str) -> String {
    let mut out = String::with_capacity(query.len() + 2);
    out.push('%');
    for c in query.to_lowercase().chars() {
        if matches!(c, '%' | '_' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
    out.push('%');
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn like_pattern_escapes_wildcards() {
        assert_eq!(super::like_pattern("50%_a\\B"), "%50\\%\\_a\\\\b%");
    }
}
