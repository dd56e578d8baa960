//! Writes a [`ProjectBackup`] into the database inside the caller's transaction. Every
//! row gets a new id; session and message ids named by events are rewritten to match.

use std::collections::HashMap;

use serde_json::json;
use sqlx::types::Json;

use super::super::{Tx, event};
use crate::backup::*;
use crate::error::{HubError, HubResult};
use crate::model::*;
use crate::store::on_unique;

/// One memory insert that skips a taken key; `$conflict` names the unique index.
macro_rules! insert_memory {
    ($conflict:literal) => {
        concat!(
            "insert into memories (project_id, scope, category, key, value, tier, usage_count,
                                   last_used, created_by, updated_by, created_at, updated_at)
             values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
             on conflict ",
            $conflict,
            " do nothing returning id"
        )
    };
}

pub(super) async fn restore(
    tx: &mut Tx,
    actor: &str,
    backup: &ProjectBackup,
) -> HubResult<ImportReport> {
    let now = Timestamp::now().0;
    let p = &backup.project;
    let mut report = ImportReport {
        project: p.name.clone(),
        key: p.key.clone(),
        ..ImportReport::default()
    };
    let taken: Option<(String, String)> =
        sqlx::query_as("select name, key from projects where name = $1 or key = $2 limit 1")
            .bind(&p.name)
            .bind(&p.key)
            .fetch_optional(&mut **tx)
            .await?;
    if let Some((name, key)) = taken {
        return Err(HubError::conflict(if name == p.name {
            format!(
                "a project named '{name}' already exists in this hub; nothing was imported \
                 (delete it first with `jc-hub projects delete {name}`, or import into another hub)"
            )
        } else {
            format!(
                "task key '{key}' is already used by project '{name}' in this hub; nothing was imported"
            )
        }));
    }
    // The sequence never goes backwards past an existing task, even in a hand-edited file.
    let max_seq = backup.tasks.iter().map(|t| t.seq).max().unwrap_or(0);
    let project_id: i64 = sqlx::query_scalar(
        "insert into projects (name, key, description, task_seq, created_by, created_at,
                               updated_at)
         values ($1, $2, $3, $4, $5, $6, $7) returning id",
    )
    .bind(&p.name)
    .bind(&p.key)
    .bind(&p.description)
    .bind(p.task_seq.max(max_seq))
    .bind(&p.created_by)
    .bind(p.created_at.0)
    .bind(p.updated_at.0)
    .fetch_one(&mut **tx)
    .await
    .map_err(|e| on_unique(e, || format!("project '{}' already exists", p.name)))?;

    let member_ids = restore_members(tx, actor, project_id, backup, &mut report, now).await?;

    for t in &backup.tasks {
        let task_id: i64 = sqlx::query_scalar(
            "insert into tasks (project_id, seq, title, description, status, priority, assignee,
                                summary, created_by, updated_by, created_at, updated_at)
             values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) returning id",
        )
        .bind(project_id)
        .bind(t.seq)
        .bind(&t.title)
        .bind(&t.description)
        .bind(t.status.as_str())
        .bind(t.priority.as_str())
        .bind(t.assignee.as_deref())
        .bind(t.summary.as_deref())
        .bind(&t.created_by)
        .bind(&t.updated_by)
        .bind(t.created_at.0)
        .bind(t.updated_at.0)
        .fetch_one(&mut **tx)
        .await?;
        if let Some(doc) = &t.plan {
            insert_doc(tx, true, task_id, doc).await?;
        }
        if let Some(doc) = &t.result {
            insert_doc(tx, false, task_id, doc).await?;
        }
    }
    report.tasks = backup.tasks.len();

    for c in &backup.context {
        sqlx::query(
            "insert into context (project_id, key, value, updated_by, updated_at)
             values ($1, $2, $3, $4, $5)",
        )
        .bind(project_id)
        .bind(&c.key)
        .bind(Json(&c.value))
        .bind(&c.updated_by)
        .bind(c.updated_at.0)
        .execute(&mut **tx)
        .await?;
    }
    report.context = backup.context.len();

    let mut session_ids = HashMap::new();
    for s in &backup.sessions {
        let id: i64 = sqlx::query_scalar(
            "insert into sessions (project_id, member_name, started_at, ended_at, summary)
             values ($1, $2, $3, $4, $5) returning id",
        )
        .bind(project_id)
        .bind(&s.member)
        .bind(s.started_at.0)
        .bind(s.ended_at.map(|t| t.0))
        .bind(s.summary.as_deref())
        .fetch_one(&mut **tx)
        .await?;
        session_ids.insert(s.id.to_string(), id.to_string());
    }
    report.sessions = backup.sessions.len();

    let mut message_ids = HashMap::new();
    for m in &backup.messages {
        let id: i64 = sqlx::query_scalar(
            "insert into messages (project_id, sender, recipient, content, created_at, read_at)
             values ($1, $2, $3, $4, $5, $6) returning id",
        )
        .bind(project_id)
        .bind(&m.sender)
        .bind(&m.recipient)
        .bind(&m.content)
        .bind(m.created_at.0)
        .bind(m.read_at.map(|t| t.0))
        .fetch_one(&mut **tx)
        .await?;
        message_ids.insert(m.id.to_string(), id.to_string());
    }
    report.messages = backup.messages.len();

    restore_memories(tx, project_id, backup, &member_ids, &mut report).await?;

    for e in &backup.events {
        let ids = match e.entity.as_str() {
            "session" => Some(&session_ids),
            "message" => Some(&message_ids),
            _ => None,
        };
        let key = ids
            .and_then(|ids| ids.get(&e.entity_key))
            .unwrap_or(&e.entity_key);
        event(
            tx,
            Some(project_id),
            &e.actor,
            &e.entity,
            key,
            &e.action,
            e.detail.clone(),
            e.created_at.0,
        )
        .await?;
    }
    report.events = backup.events.len();

    // Recorded outside the project so the restored trail stays exactly as exported.
    let detail = json!({
        "key": p.key, "tasks": report.tasks, "members_created": report.members_created,
        "global_memories_kept": report.global_memories_kept,
    });
    event(tx, None, actor, "project", &p.name, "imported", detail, now).await?;
    Ok(report)
}

/// Creates missing members (without tokens), reuses existing ones by name, and restores
/// the project membership. Returns member ids by name.
async fn restore_members(
    tx: &mut Tx,
    actor: &str,
    project_id: i64,
    backup: &ProjectBackup,
    report: &mut ImportReport,
    now: i64,
) -> HubResult<HashMap<String, i64>> {
    let mut ids = HashMap::new();
    for m in &backup.members {
        let existing: Option<i64> = sqlx::query_scalar("select id from members where name = $1")
            .bind(&m.name)
            .fetch_optional(&mut **tx)
            .await?;
        let id = match existing {
            Some(id) => {
                report.members_reused.push(m.name.clone());
                id
            }
            None => {
                let id: i64 = sqlx::query_scalar(
                    "insert into members (name, kind, role, capabilities, admin, created_at,
                                          updated_at)
                     values ($1, $2, $3, $4, $5, $6, $7) returning id",
                )
                .bind(&m.name)
                .bind(m.kind.as_str())
                .bind(&m.role)
                .bind(Json(&m.capabilities))
                .bind(m.admin)
                .bind(m.created_at.0)
                .bind(m.updated_at.0)
                .fetch_one(&mut **tx)
                .await?;
                let detail = json!({
                    "kind": m.kind, "admin": m.admin, "role": m.role, "via": "import",
                });
                event(tx, None, actor, "member", &m.name, "created", detail, now).await?;
                report.members_created.push(m.name.clone());
                id
            }
        };
        sqlx::query(
            "insert into project_members (project_id, member_id, added_by, added_at)
             values ($1, $2, $3, $4)",
        )
        .bind(project_id)
        .bind(id)
        .bind(&m.added_by)
        .bind(m.added_at.0)
        .execute(&mut **tx)
        .await?;
        ids.insert(m.name.clone(), id);
    }
    Ok(ids)
}

/// Inserts project memories, and global memories whose key is free; a global key that
/// exists here keeps its current memory and usage.
async fn restore_memories(
    tx: &mut Tx,
    project_id: i64,
    backup: &ProjectBackup,
    member_ids: &HashMap<String, i64>,
    report: &mut ImportReport,
) -> HubResult<()> {
    for m in &backup.memories {
        let (owner, sql) = match m.scope {
            Scope::Project => (
                Some(project_id),
                insert_memory!("(project_id, key) where project_id is not null"),
            ),
            Scope::Global => (None, insert_memory!("(key) where project_id is null")),
        };
        let id: Option<i64> = sqlx::query_scalar(sql)
            .bind(owner)
            .bind(m.scope.as_str())
            .bind(m.category.as_str())
            .bind(&m.key)
            .bind(&m.value)
            .bind(m.tier.as_str())
            .bind(m.usage_count)
            .bind(m.last_used.map(|t| t.0))
            .bind(&m.created_by)
            .bind(&m.updated_by)
            .bind(m.created_at.0)
            .bind(m.updated_at.0)
            .fetch_optional(&mut **tx)
            .await?;
        let Some(id) = id else {
            if m.scope == Scope::Global {
                report.global_memories_kept.push(m.key.clone());
                continue;
            }
            return Err(HubError::validation(
                "memories",
                format!("the backup holds project memory '{}' twice", m.key),
            ));
        };
        match m.scope {
            Scope::Project => report.project_memories += 1,
            Scope::Global => report.global_memories_inserted.push(m.key.clone()),
        }
        for u in &m.usage {
            let member_id = member_ids.get(&u.member).ok_or_else(|| {
                HubError::validation(
                    "memories",
                    format!(
                        "memory '{}' has usage by '{}', who is not among the backup's members",
                        m.key, u.member
                    ),
                )
            })?;
            sqlx::query(
                "insert into memory_usage (memory_id, member_id, usage_count, last_used)
                 values ($1, $2, $3, $4)",
            )
            .bind(id)
            .bind(member_id)
            .bind(u.usage_count)
            .bind(u.last_used.0)
            .execute(&mut **tx)
            .await?;
        }
    }
    Ok(())
}

macro_rules! insert_doc {
    ($table:literal) => {
        concat!(
            "insert into ",
            $table,
            " (task_id, content, created_by, updated_by, created_at, updated_at)
             values ($1, $2, $3, $4, $5, $6)"
        )
    };
}

/// Inserts a task's plan (`plan`) or result.
async fn insert_doc(tx: &mut Tx, plan: bool, task_id: i64, doc: &BackupDoc) -> HubResult<()> {
    let sql = if plan {
        insert_doc!("plans")
    } else {
        insert_doc!("results")
    };
    sqlx::query(sql)
        .bind(task_id)
        .bind(&doc.content)
        .bind(&doc.created_by)
        .bind(&doc.updated_by)
        .bind(doc.created_at.0)
        .bind(doc.updated_at.0)
        .execute(&mut **tx)
        .await?;
    Ok(())
}
