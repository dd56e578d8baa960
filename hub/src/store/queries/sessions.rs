use async_trait::async_trait;
use serde_json::json;
use sqlx::types::Json;

use super::{Backend, SessionRow, event};
use crate::error::{HubError, HubResult};
use crate::model::*;
use crate::store::{ProjectRef, SessionStore};

#[async_trait]
impl SessionStore for Backend {
    async fn start_session(
        &self,
        member: &Member,
        project: &ProjectRef,
        capabilities: Option<&[Capability]>,
    ) -> HubResult<Session> {
        let now = Timestamp::now().0;
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
        let detail = json!({"capabilities": capabilities.map(|c| c.len())});
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
}
