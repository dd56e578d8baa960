//! The SQL shared by both backends. This folder is mounted twice, once by `sqlite.rs` and
//! once by `postgres.rs`, each of which defines `Db` (the sqlx driver) and `Backend` (its
//! store type with `pool`, `version`, `begin_write` and `BACKEND`). Queries use only syntax both
//! databases accept: `$n` parameters, `returning`, `on conflict`, row values, `filter`.

mod backup;
mod context;
mod events;
mod members;
mod memories;
mod messages;
mod projects;
mod sessions;
mod tasks;

use std::str::FromStr;

use async_trait::async_trait;
use serde_json::Value;
use sqlx::types::Json;

use super::{Backend, Db};
use crate::error::{HubError, HubResult};
use crate::model::*;
use crate::store::{ProjectRef, Store};

type Tx = crate::store::pool::Tx<Db>;

#[async_trait]
impl Store for Backend {
    fn backend(&self) -> &'static str {
        Backend::BACKEND
    }

    async fn ping(&self) -> HubResult<()> {
        sqlx::query("select 1").execute(&self.pool).await?;
        Ok(())
    }

    async fn data_version(&self) -> HubResult<String> {
        Ok(self.version.read().await?)
    }
}

/// Parses an enumeration stored as text; a bad value means the database was edited by hand.
fn parse<T: FromStr<Err = String>>(text: &str) -> HubResult<T> {
    text.parse()
        .map_err(|e: String| HubError::Internal(anyhow::anyhow!("corrupt row: {e}")))
}

/// Appends one audit row inside the caller's transaction.
#[allow(clippy::too_many_arguments)]
async fn event(
    tx: &mut Tx,
    project_id: Option<i64>,
    actor: &str,
    entity: &str,
    entity_key: &str,
    action: &str,
    detail: Value,
    now: i64,
) -> HubResult<()> {
    sqlx::query(
        "insert into events (project_id, actor, entity, entity_key, action, detail, created_at)
         values ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(project_id)
    .bind(actor)
    .bind(entity)
    .bind(entity_key)
    .bind(action)
    .bind(Json(detail))
    .bind(now)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// PostgreSQL only: the write `$write` and its audit row in one statement, so one round
/// trip commits both atomically (SQLite has no data-modifying `with`; it keeps the
/// transaction). `$event` is the select list (project_id, actor, entity, entity_key,
/// action, detail, created_at), which may read the written row as `w`; no row written,
/// no event.
macro_rules! logged {
    ($write:expr, $event:expr) => {
        concat!(
            "with w as (",
            $write,
            "), e as (insert into events (project_id, actor, entity, entity_key, action, \
             detail, created_at) select ",
            $event,
            " from w) select * from w"
        )
    };
}
pub(crate) use logged;

/// The project was deleted after the call found it.
fn project_gone(project: &ProjectRef) -> HubError {
    HubError::not_found(format!(
        "project '{}' no longer exists; list projects with jc_list_projects",
        project.name
    ))
}

/// Whether `name` is a member of the project (in a transaction or on the pool).
async fn is_member<'c, E: sqlx::Executor<'c, Database = Db>>(
    db: E,
    project_id: i64,
    name: &str,
) -> HubResult<bool> {
    let n: i64 = sqlx::query_scalar(
        "select count(*) from project_members pm join members m on m.id = pm.member_id
         where pm.project_id = $1 and m.name = $2",
    )
    .bind(project_id)
    .bind(name)
    .fetch_one(db)
    .await?;
    Ok(n > 0)
}

macro_rules! member_cols {
    () => {
        "m.id, m.name, m.kind, m.role, m.capabilities, m.admin, m.created_at, m.updated_at"
    };
}
pub(crate) use member_cols;

/// The same columns unqualified, for `returning` clauses.
macro_rules! member_ret {
    () => {
        "id, name, kind, role, capabilities, admin, created_at, updated_at"
    };
}
pub(crate) use member_ret;

#[derive(sqlx::FromRow)]
struct MemberRow {
    id: i64,
    name: String,
    kind: String,
    role: String,
    capabilities: Json<Vec<Capability>>,
    admin: bool,
    created_at: i64,
    updated_at: i64,
}

impl MemberRow {
    fn into_model(self) -> HubResult<Member> {
        Ok(Member {
            id: self.id,
            name: self.name,
            kind: parse(&self.kind)?,
            role: self.role,
            capabilities: self.capabilities.0,
            admin: self.admin,
            created_at: Timestamp(self.created_at),
            updated_at: Timestamp(self.updated_at),
        })
    }
}

fn members(rows: Vec<MemberRow>) -> HubResult<Vec<Member>> {
    rows.into_iter().map(MemberRow::into_model).collect()
}

macro_rules! task_cols {
    () => {
        "t.id, t.seq, t.title, t.description, t.status, t.priority, t.assignee, t.summary, \
         t.created_by, t.updated_by, t.created_at, t.updated_at"
    };
}
pub(crate) use task_cols;

macro_rules! task_ret {
    () => {
        "id, seq, title, description, status, priority, assignee, summary, \
         created_by, updated_by, created_at, updated_at"
    };
}
pub(crate) use task_ret;

#[derive(sqlx::FromRow)]
struct TaskRow {
    id: i64,
    seq: i64,
    title: String,
    description: String,
    status: String,
    priority: String,
    assignee: Option<String>,
    summary: Option<String>,
    created_by: String,
    updated_by: String,
    created_at: i64,
    updated_at: i64,
}

impl TaskRow {
    fn into_model(self, key: &str) -> HubResult<Task> {
        Ok(Task {
            id: self.id,
            task_ref: format!("{key}-{}", self.seq),
            title: self.title,
            description: self.description,
            status: parse(&self.status)?,
            priority: parse(&self.priority)?,
            assignee: self.assignee,
            summary: self.summary,
            created_by: self.created_by,
            updated_by: self.updated_by,
            created_at: Timestamp(self.created_at),
            updated_at: Timestamp(self.updated_at),
        })
    }
}

fn tasks(rows: Vec<TaskRow>, key: &str) -> HubResult<Vec<Task>> {
    rows.into_iter().map(|r| r.into_model(key)).collect()
}

macro_rules! memory_cols {
    () => {
        "m.id, m.project_id, m.scope, m.category, m.key, m.value, m.tier, m.usage_count, \
         m.last_used, m.created_by, m.updated_by, m.updated_at"
    };
}
pub(crate) use memory_cols;

macro_rules! memory_ret {
    () => {
        "id, project_id, scope, category, key, value, tier, usage_count, \
         last_used, created_by, updated_by, updated_at"
    };
}
pub(crate) use memory_ret;

#[derive(sqlx::FromRow)]
struct MemoryRow {
    id: i64,
    project_id: Option<i64>,
    scope: String,
    category: String,
    key: String,
    value: String,
    tier: String,
    usage_count: i64,
    last_used: Option<i64>,
    created_by: String,
    updated_by: String,
    updated_at: i64,
}

impl MemoryRow {
    /// `project` names the project that project-scoped rows belong to.
    fn into_model(self, project: &str) -> HubResult<Memory> {
        Ok(Memory {
            id: self.id,
            scope: parse(&self.scope)?,
            project: self.project_id.map(|_| project.to_string()),
            category: parse(&self.category)?,
            key: self.key,
            value: self.value,
            tier: parse(&self.tier)?,
            usage_count: self.usage_count,
            last_used: self.last_used.map(Timestamp),
            created_by: self.created_by,
            updated_by: self.updated_by,
            updated_at: Timestamp(self.updated_at),
        })
    }
}

fn memories(rows: Vec<MemoryRow>, project: &str) -> HubResult<Vec<Memory>> {
    rows.into_iter().map(|r| r.into_model(project)).collect()
}

macro_rules! message_cols {
    () => {
        "id, sender, recipient, content, created_at, read_at"
    };
}
pub(crate) use message_cols;

#[derive(sqlx::FromRow)]
struct MessageRow {
    id: i64,
    sender: String,
    recipient: String,
    content: String,
    created_at: i64,
    read_at: Option<i64>,
}

impl From<MessageRow> for Message {
    fn from(r: MessageRow) -> Self {
        Message {
            id: r.id,
            sender: r.sender,
            recipient: r.recipient,
            content: r.content,
            created_at: Timestamp(r.created_at),
            read_at: r.read_at.map(Timestamp),
        }
    }
}

#[derive(sqlx::FromRow)]
struct SessionRow {
    id: i64,
    member_name: String,
    started_at: i64,
    ended_at: Option<i64>,
    summary: Option<String>,
}

impl From<SessionRow> for Session {
    fn from(r: SessionRow) -> Self {
        Session {
            id: r.id,
            agent: r.member_name,
            started_at: Timestamp(r.started_at),
            ended_at: r.ended_at.map(Timestamp),
            summary: r.summary,
        }
    }
}
