use async_trait::async_trait;
use serde_json::json;
use sqlx::types::Json;

use super::{Backend, SessionRow, event};
use crate::error::{HubError, HubResult};
use crate::model::*;
use crate::store::{ContextKey, ProjectRef, SessionStore, StateSummary};

/// PostgreSQL: ends the member's open session in the project, starts a new one, stores
/// capabilities `$5` when given, and logs it, in one statement.
const START_PG: &str = "with ended as (
        update sessions set ended_at = $3
        where project_id = $1 and member_name = $2 and ended_at is null),
     caps as (
        update members set capabilities = $5, updated_at = $3 where id = $4 and $5 is not null),
     w as (
        insert into sessions (project_id, member_name, started_at) values ($1, $2, $3)
        returning id, member_name, started_at, ended_at, summary),
     e as (
        insert into events (project_id, actor, entity, entity_key, action, detail, created_at)
        select $1, $2, 'session', w.id::text, 'started', $6, $3 from w)
     select * from w";

/// `jc_get_state`'s summary of project `$1` for recipient `$2`, with at most `$3` context
/// keys and `$4` sessions as JSON arrays of arrays (`$agg` and `$array` are the backend's
/// JSON aggregate and array functions). One statement, its parts scalar subqueries.
macro_rules! state_summary {
    ($agg:literal, $array:literal) => {
        concat!(
            "select count(*) filter (where status = 'backlog') as backlog,
                    count(*) filter (where status = 'todo') as todo,
                    count(*) filter (where status = 'in_progress') as in_progress,
                    count(*) filter (where status = 'done') as done,
                    count(*) filter (where status = 'blocked') as blocked,
                    (select count(*) from messages
                     where project_id = $1 and recipient = $2 and read_at is null) as unread,
                    (select count(*) from context where project_id = $1) as context_total,
                    (select ",
            $agg,
            "(",
            $array,
            "(key, updated_by) order by key)
                     from (select key, updated_by from context where project_id = $1
                           order by key limit $3) as k) as context_keys,
                    (select ",
            $agg,
            "(",
            $array,
            "(id, member_name, started_at, ended_at, summary)
                            order by started_at desc, id desc)
                     from (select id, member_name, started_at, ended_at, summary from sessions
                           where project_id = $1 order by started_at desc, id desc
                           limit $4) as s) as sessions
             from tasks where project_id = $1"
        )
    };
}

const STATE_SUMMARY_PG: &str = state_summary!("json_agg", "json_build_array");
const STATE_SUMMARY_SQLITE: &str = state_summary!("json_group_array", "json_array");

type SessionTuple = (i64, String, i64, Option<i64>, Option<String>);

#[derive(sqlx::FromRow)]
struct SummaryRow {
    backlog: i64,
    todo: i64,
    in_progress: i64,
    done: i64,
    blocked: i64,
    unread: i64,
    context_total: i64,
    /// `null` on PostgreSQL when there are none.
    context_keys: Option<Json<Vec<(String, String)>>>,
    sessions: Option<Json<Vec<SessionTuple>>>,
}

#[async_trait]
impl SessionStore for Backend {
    async fn start_session(
        &self,
        member: &Member,
        project: &ProjectRef,
        capabilities: Option<&[Capability]>,
    ) -> HubResult<Session> {
        let now = Timestamp::now().0;
        let detail = json!({"capabilities": capabilities.map(|c| c.len())});
        if Backend::BACKEND == "postgres" {
            let row: SessionRow = sqlx::query_as(START_PG)
                .bind(project.id)
                .bind(&member.name)
                .bind(now)
                .bind(member.id)
                .bind(capabilities.map(Json))
                .bind(Json(detail))
                .fetch_one(&self.writer)
                .await?;
            return Ok(row.into());
        }
        let mut tx = self.begin_write().await?;
        sqlx::query(
            "update sessions set ended_at = $3
             where project_id = $1 and member_name = $2 and ended_at is null",
        )
        .bind(project.id)
        .bind(&member.name)
        .bind(now)
        .execute(&mut *tx)
        .await?;
        let row: SessionRow = sqlx::query_as(
            "insert into sessions (project_id, member_name, started_at) values ($1, $2, $3)
             returning id, member_name, started_at, ended_at, summary",
        )
        .bind(project.id)
        .bind(&member.name)
        .bind(now)
        .fetch_one(&mut *tx)
        .await?;
        if let Some(caps) = capabilities {
            sqlx::query("update members set capabilities = $2, updated_at = $3 where id = $1")
                .bind(member.id)
                .bind(Json(caps))
                .bind(now)
                .execute(&mut *tx)
                .await?;
        }
        let key = row.id.to_string();
        event(
            &mut tx,
            Some(project.id),
            &member.name,
            "session",
            &key,
            "started",
            detail,
            now,
        )
        .await?;
        tx.commit().await?;
        Ok(row.into())
    }

    async fn end_session(
        &self,
        member: &str,
        project: &ProjectRef,
        summary: &str,
    ) -> HubResult<Session> {
        let now = Timestamp::now().0;
        let mut tx = self.begin_write().await?;
        let row: Option<SessionRow> = sqlx::query_as(
            "update sessions set ended_at = $3, summary = $4
             where id = (select id from sessions
                         where project_id = $1 and member_name = $2 and ended_at is null
                         order by started_at desc, id desc limit 1)
             returning id, member_name, started_at, ended_at, summary",
        )
        .bind(project.id)
        .bind(member)
        .bind(now)
        .bind(summary)
        .fetch_optional(&mut *tx)
        .await?;
        let row = row.ok_or_else(|| {
            HubError::not_found(format!(
                "you have no open session on project '{}'; call jc_start first",
                project.name
            ))
        })?;
        let key = row.id.to_string();
        let detail = json!({"summary": summary});
        event(
            &mut tx,
            Some(project.id),
            member,
            "session",
            &key,
            "ended",
            detail,
            now,
        )
        .await?;
        tx.commit().await?;
        Ok(row.into())
    }

    async fn list_sessions(&self, project_id: i64, limit: i64) -> HubResult<Vec<Session>> {
        let rows: Vec<SessionRow> = sqlx::query_as(
            "select id, member_name, started_at, ended_at, summary from sessions
             where project_id = $1 order by started_at desc, id desc limit $2",
        )
        .bind(project_id)
        .bind(limit)
        .fetch_all(&self.pool)
        .await?;
        Ok(rows.into_iter().map(Session::from).collect())
    }

    async fn state_summary(
        &self,
        project_id: i64,
        recipient: &str,
        keys: i64,
        sessions: i64,
    ) -> HubResult<StateSummary> {
        let sql = if Backend::BACKEND == "postgres" {
            STATE_SUMMARY_PG
        } else {
            STATE_SUMMARY_SQLITE
        };
        let r: SummaryRow = sqlx::query_as(sql)
            .bind(project_id)
            .bind(recipient)
            .bind(keys)
            .bind(sessions)
            .fetch_one(&self.pool)
            .await?;
        let context_keys = r.context_keys.map(|k| k.0).unwrap_or_default();
        let sessions = r.sessions.map(|s| s.0).unwrap_or_default();
        Ok(StateSummary {
            counts: StatusCounts {
                backlog: r.backlog,
                todo: r.todo,
                in_progress: r.in_progress,
                done: r.done,
                blocked: r.blocked,
            },
            unread: r.unread,
            context_keys: context_keys
                .into_iter()
                .map(|(key, updated_by)| ContextKey { key, updated_by })
                .collect(),
            context_total: r.context_total,
            sessions: sessions
                .into_iter()
                .map(|(id, member_name, started_at, ended_at, summary)| {
                    Session::from(SessionRow {
                        id,
                        member_name,
                        started_at,
                        ended_at,
                        summary,
                    })
                })
                .collect(),
        })
    }
}
