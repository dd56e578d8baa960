//! The project backup document written by `jc-hub export` and read by `jc-hub import`.
//!
//! It holds rows, not database ids: members, tasks and memories are named by their
//! natural keys (member name, task `seq`, memory scope + key), so a backup restores into
//! any hub on either backend. The two exceptions are `sessions[].id` and
//! `messages[].id`, kept because `session` and `message` events name their rows by id;
//! import gives the rows new ids and rewrites those event keys to match. API tokens are
//! never exported.

use serde::{Deserialize, Serialize};

use crate::model::{
    Capability, Category, MemberKind, Priority, Scope, TaskStatus, Tier, Timestamp,
};

/// Marks the document type, so `import` can reject other JSON with a clear message.
pub const FORMAT: &str = "jc-hub-project-backup";
/// Bumped on any incompatible change to the document.
pub const FORMAT_VERSION: u32 = 1;

/// A whole project: everything `jc-hub import` needs to restore it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ProjectBackup {
    /// Always [`FORMAT`].
    pub format: String,
    /// [`FORMAT_VERSION`] of the hub that wrote it.
    pub version: u32,
    pub exported_at: Timestamp,
    pub project: BackupProject,
    /// The project's members (never their tokens).
    pub members: Vec<BackupMember>,
    /// Ordered by `seq`.
    pub tasks: Vec<BackupTask>,
    /// Ordered by key.
    pub context: Vec<BackupContext>,
    /// Ordered by id (oldest first).
    pub sessions: Vec<BackupSession>,
    /// Ordered by id (oldest first).
    pub messages: Vec<BackupMessage>,
    /// The project's memories and every global memory, in creation (id) order so that
    /// ties in the hot-cache ranking break the same way after a restore.
    pub memories: Vec<BackupMemory>,
    /// The project's audit trail, oldest first.
    pub events: Vec<BackupEvent>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BackupProject {
    pub name: String,
    pub key: String,
    pub description: String,
    /// The last task number handed out; the next task gets `task_seq + 1`.
    pub task_seq: i64,
    pub created_by: String,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
}

/// A member and its membership of the project.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BackupMember {
    pub name: String,
    pub kind: MemberKind,
    pub role: String,
    pub capabilities: Vec<Capability>,
    pub admin: bool,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
    /// Who added the member to the project, and when.
    pub added_by: String,
    pub added_at: Timestamp,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BackupTask {
    pub seq: i64,
    pub title: String,
    pub description: String,
    pub status: TaskStatus,
    pub priority: Priority,
    pub assignee: Option<String>,
    pub summary: Option<String>,
    pub created_by: String,
    pub updated_by: String,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
    pub plan: Option<BackupDoc>,
    pub result: Option<BackupDoc>,
}

/// A task's plan or result.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BackupDoc {
    pub content: String,
    pub created_by: String,
    pub updated_by: String,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BackupContext {
    pub key: String,
    pub value: serde_json::Value,
    pub updated_by: String,
    pub updated_at: Timestamp,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BackupSession {
    /// The id in the exporting hub; `session` events refer to it.
    pub id: i64,
    pub member: String,
    pub started_at: Timestamp,
    pub ended_at: Option<Timestamp>,
    pub summary: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BackupMessage {
    /// The id in the exporting hub; `message` events refer to it.
    pub id: i64,
    pub sender: String,
    pub recipient: String,
    pub content: String,
    pub created_at: Timestamp,
    pub read_at: Option<Timestamp>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BackupMemory {
    /// `global` memories are shared by every project of the hub.
    pub scope: Scope,
    pub category: Category,
    pub key: String,
    pub value: String,
    pub tier: Tier,
    pub usage_count: i64,
    pub last_used: Option<Timestamp>,
    pub created_by: String,
    pub updated_by: String,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
    /// Per-member usage by the project's members, by member name.
    pub usage: Vec<BackupUsage>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BackupUsage {
    pub member: String,
    pub usage_count: i64,
    pub last_used: Timestamp,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BackupEvent {
    pub actor: String,
    pub entity: String,
    pub entity_key: String,
    pub action: String,
    pub detail: serde_json::Value,
    pub created_at: Timestamp,
}

/// What `import` did.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ImportReport {
    pub project: String,
    pub key: String,
    /// Members the backup named that did not exist here; they have no token yet.
    pub members_created: Vec<String>,
    /// Members that already existed here and were reused as they are.
    pub members_reused: Vec<String>,
    pub tasks: usize,
    pub context: usize,
    pub sessions: usize,
    pub messages: usize,
    pub project_memories: usize,
    /// Global memories whose key was free here, so they were inserted.
    pub global_memories_inserted: Vec<String>,
    /// Global memories whose key already exists here; the existing ones were kept.
    pub global_memories_kept: Vec<String>,
    pub events: usize,
}
