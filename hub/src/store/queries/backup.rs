//! Whole-project export (one query per table, from one snapshot) and import (one write
//! transaction). Rows are matched by natural keys (member name, task seq, memory key);
//! ids are the database's own on each side.

mod restore;

use std::collections::HashMap;

use async_trait::async_trait;
use serde_json::Value;
use sqlx::types::Json;

use super::{Backend, MessageRow, SessionRow, TaskRow, parse, project_gone};
use crate::backup::*;
use crate::error::HubResult;
use crate::model::*;
use crate::store::{BackupStore, ProjectRef};

#[derive(sqlx::FromRow)]
struct ProjectRow {
    name: String,
    key: String,
    description: String,
    task_seq: i64,
    created_by: String,
    created_at: i64,
    updated_at: i64,
}

#[derive(sqlx::FromRow)]
struct MemberRow {
    name: String,
    kind: String,
    role: String,
    capabilities: Json<Vec<Capability>>,
    admin: bool,
    created_at: i64,
    updated_at: i64,
    added_by: String,
    added_at: i64,
}

#[derive(sqlx::FromRow)]
struct DocRow {
    kind: String,
    seq: i64,
    content: String,
    created_by: String,
    updated_by: String,
    created_at: i64,
    updated_at: i64,
}

#[derive(sqlx::FromRow)]
struct MemoryRow {
    id: i64,
    scope: String,
    category: String,
    key: String,
    value: String,
    tier: String,
    usage_count: i64,
    last_used: Option<i64>,
    created_by: String,
    updated_by: String,
    created_at: i64,
    updated_at: i64,
}

type ContextRow = (String, Json<Value>, String, i64);
type UsageRow = (i64, String, i64, i64);
type EventRow = (String, String, String, String, Json<Value>, i64);

fn ts(ms: i64) -> Timestamp {
    Timestamp(ms)
}

/// A project's row, with its last task number as `$task_seq`.
macro_rules! project {
    ($task_seq:literal) => {
        concat!(
            "select name, key, description, ",
            $task_seq,
            " as task_seq, created_by, created_at, updated_at from projects where id = $1"
        )
    };
}
const PROJECT: &str = project!("task_seq");
/// PostgreSQL numbers tasks from a sequence per project (migration 0006), whose last
/// value is null until it hands out a number.
const PROJECT_PG: &str =
    project!("coalesce(pg_sequence_last_value(('task_seq_' || id)::regclass), task_seq)");

#[async_trait]
impl BackupStore for Backend {
    async fn export_project(&self, project: &ProjectRef) -> HubResult<ProjectBackup> {
        let id = project.id;
        let mut tx = self.begin_read().await?;
        let query = if Backend::BACKEND == "postgres" {
            PROJECT_PG
        } else {
            PROJECT
        };
        let p: Option<ProjectRow> = sqlx::query_as(query)
            .bind(id)
            .fetch_optional(&mut *tx)
            .await?;
        let p = p.ok_or_else(|| project_gone(project))?;
        let member_rows: Vec<MemberRow> = sqlx::query_as(
            "select m.name, m.kind, m.role, m.capabilities, m.admin, m.created_at, m.updated_at,
                    pm.added_by, pm.added_at
             from project_members pm join members m on m.id = pm.member_id
             where pm.project_id = $1",
        )
        .bind(id)
        .fetch_all(&mut *tx)
        .await?;
        let task_rows: Vec<TaskRow> = sqlx::query_as(
            "select id, seq, title, description, status, priority, assignee, summary,
                    created_by, updated_by, created_at, updated_at
             from tasks where project_id = $1 order by seq",
        )
        .bind(id)
        .fetch_all(&mut *tx)
        .await?;
        let doc_rows: Vec<DocRow> = sqlx::query_as(
            "select 'plan' as kind, t.seq, d.content, d.created_by, d.updated_by,
                    d.created_at, d.updated_at
             from plans d join tasks t on t.id = d.task_id where t.project_id = $1
             union all
             select 'result' as kind, t.seq, d.content, d.created_by, d.updated_by,
                    d.created_at, d.updated_at
             from results d join tasks t on t.id = d.task_id where t.project_id = $1",
        )
        .bind(id)
        .fetch_all(&mut *tx)
        .await?;
        let context_rows: Vec<ContextRow> = sqlx::query_as(
            "select key, value, updated_by, updated_at from context where project_id = $1",
        )
        .bind(id)
        .fetch_all(&mut *tx)
        .await?;
        let session_rows: Vec<SessionRow> = sqlx::query_as(
            "select id, member_name, started_at, ended_at, summary from sessions
             where project_id = $1 order by id",
        )
        .bind(id)
        .fetch_all(&mut *tx)
        .await?;
        let message_rows: Vec<MessageRow> = sqlx::query_as(
            "select id, sender, recipient, content, created_at, read_at from messages
             where project_id = $1 order by id",
        )
        .bind(id)
        .fetch_all(&mut *tx)
        .await?;
        let memory_rows: Vec<MemoryRow> = sqlx::query_as(
            "select id, scope, category, key, value, tier, usage_count, last_used,
                    created_by, updated_by, created_at, updated_at
             from memories where project_id = $1 or project_id is null order by id",
        )
        .bind(id)
        .fetch_all(&mut *tx)
        .await?;
        // Usage of the exported memories by the project's members only: usage by members
        // of other projects belongs to those projects.
        let usage_rows: Vec<UsageRow> = sqlx::query_as(
            "select u.memory_id, m.name, u.usage_count, u.last_used
             from memory_usage u
             join memories x on x.id = u.memory_id
             join members m on m.id = u.member_id
             join project_members pm on pm.member_id = u.member_id and pm.project_id = $1
             where x.project_id = $1 or x.project_id is null",
        )
        .bind(id)
        .fetch_all(&mut *tx)
        .await?;
        let event_rows: Vec<EventRow> = sqlx::query_as(
            "select actor, entity, entity_key, action, detail, created_at from events
             where project_id = $1 order by id",
        )
        .bind(id)
        .fetch_all(&mut *tx)
        .await?;
        tx.commit().await?;

        // Text order differs between SQLite (bytes) and PostgreSQL (collation), so sorts
        // by name or key happen here for a document that is the same on both.
        let mut members = member_rows
            .into_iter()
            .map(|r| {
                Ok(BackupMember {
                    name: r.name,
                    kind: parse(&r.kind)?,
                    role: r.role,
                    capabilities: r.capabilities.0,
                    admin: r.admin,
                    created_at: ts(r.created_at),
                    updated_at: ts(r.updated_at),
                    added_by: r.added_by,
                    added_at: ts(r.added_at),
                })
            })
            .collect::<HubResult<Vec<_>>>()?;
        members.sort_by(|a, b| a.name.cmp(&b.name));

        let mut docs: HashMap<(i64, bool), BackupDoc> = doc_rows
            .into_iter()
            .map(|d| {
                let doc = BackupDoc {
                    content: d.content,
                    created_by: d.created_by,
                    updated_by: d.updated_by,
                    created_at: ts(d.created_at),
                    updated_at: ts(d.updated_at),
                };
                ((d.seq, d.kind == "plan"), doc)
            })
            .collect();
        let tasks = task_rows
            .into_iter()
            .map(|t| {
                Ok(BackupTask {
                    plan: docs.remove(&(t.seq, true)),
                    result: docs.remove(&(t.seq, false)),
                    seq: t.seq,
                    title: t.title,
                    description: t.description,
                    status: parse(&t.status)?,
                    priority: parse(&t.priority)?,
                    assignee: t.assignee,
                    summary: t.summary,
                    created_by: t.created_by,
                    updated_by: t.updated_by,
                    created_at: ts(t.created_at),
                    updated_at: ts(t.updated_at),
                })
            })
            .collect::<HubResult<Vec<_>>>()?;

        let mut context: Vec<BackupContext> = context_rows
            .into_iter()
            .map(|(key, value, updated_by, at)| BackupContext {
                key,
                value: value.0,
                updated_by,
                updated_at: ts(at),
            })
            .collect();
        context.sort_by(|a, b| a.key.cmp(&b.key));

        let sessions = session_rows
            .into_iter()
            .map(|s| BackupSession {
                id: s.id,
                member: s.member_name,
                started_at: ts(s.started_at),
                ended_at: s.ended_at.map(ts),
                summary: s.summary,
            })
            .collect();
        let messages = message_rows
            .into_iter()
            .map(|m| BackupMessage {
                id: m.id,
                sender: m.sender,
                recipient: m.recipient,
                content: m.content,
                created_at: ts(m.created_at),
                read_at: m.read_at.map(ts),
            })
            .collect();

        let mut usage: HashMap<i64, Vec<BackupUsage>> = HashMap::new();
        for (memory_id, member, count, last_used) in usage_rows {
            usage.entry(memory_id).or_default().push(BackupUsage {
                member,
                usage_count: count,
                last_used: ts(last_used),
            });
        }
        let memories = memory_rows
            .into_iter()
            .map(|m| {
                let mut usage = usage.remove(&m.id).unwrap_or_default();
                usage.sort_by(|a, b| a.member.cmp(&b.member));
                Ok(BackupMemory {
                    scope: parse(&m.scope)?,
                    category: parse(&m.category)?,
                    key: m.key,
                    value: m.value,
                    tier: parse(&m.tier)?,
                    usage_count: m.usage_count,
                    last_used: m.last_used.map(ts),
                    created_by: m.created_by,
                    updated_by: m.updated_by,
                    created_at: ts(m.created_at),
                    updated_at: ts(m.updated_at),
                    usage,
                })
            })
            .collect::<HubResult<Vec<_>>>()?;

        let events = event_rows
            .into_iter()
            .map(
                |(actor, entity, entity_key, action, detail, at)| BackupEvent {
                    actor,
                    entity,
                    entity_key,
                    action,
                    detail: detail.0,
                    created_at: ts(at),
                },
            )
            .collect();

        Ok(ProjectBackup {
            format: FORMAT.to_string(),
            version: FORMAT_VERSION,
            exported_at: Timestamp::now(),
            project: BackupProject {
                name: p.name,
                key: p.key,
                description: p.description,
                task_seq: p.task_seq,
                created_by: p.created_by,
                created_at: ts(p.created_at),
                updated_at: ts(p.updated_at),
            },
            members,
            tasks,
            context,
            sessions,
            messages,
            memories,
            events,
        })
    }

    async fn import_project(&self, actor: &str, backup: &ProjectBackup) -> HubResult<ImportReport> {
        let mut tx = self.begin_write().await?;
        let report = restore::restore(&mut tx, actor, backup).await?;
        tx.commit().await?;
        Ok(report)
    }
}
