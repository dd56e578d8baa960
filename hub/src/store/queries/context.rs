use async_trait::async_trait;
use serde_json::{Value, json};
use sqlx::types::Json;

use super::{Backend, event, logged};
use crate::error::{HubError, HubResult};
use crate::model::*;
use crate::store::{ContextKey, ContextStore, ProjectRef};

type Row = (String, Json<Value>, String, i64);

fn entry((key, value, updated_by, updated_at): Row) -> ContextEntry {
    ContextEntry {
        key,
        value: value.0,
        updated_by,
        updated_at: Timestamp(updated_at),
    }
}

macro_rules! set_context {
    () => {
        "insert into context (project_id, key, value, updated_by, updated_at)
         values ($1, $2, $3, $4, $5)
         on conflict (project_id, key) do update set value = excluded.value,
             updated_by = excluded.updated_by, updated_at = excluded.updated_at
         returning key, value, updated_by, updated_at"
    };
}

#[async_trait]
impl ContextStore for Backend {
    async fn list_context(&self, project_id: i64) -> HubResult<Vec<ContextEntry>> {
        let rows: Vec<Row> = sqlx::query_as(
            "select key, value, updated_by, updated_at from context
             where project_id = $1 order by key",
        )
        .bind(project_id)
        .fetch_all(&self.pool)
        .await?;
        Ok(rows.into_iter().map(entry).collect())
    }

    async fn context_keys(&self, project_id: i64) -> HubResult<Vec<ContextKey>> {
        let rows: Vec<(String, String)> = sqlx::query_as(
            "select key, updated_by from context where project_id = $1 order by key",
        )
        .bind(project_id)
        .fetch_all(&self.pool)
        .await?;
        Ok(rows
            .into_iter()
            .map(|(key, updated_by)| ContextKey { key, updated_by })
            .collect())
    }

    async fn get_context(&self, project_id: i64, key: &str) -> HubResult<Option<ContextEntry>> {
        let row: Option<Row> = sqlx::query_as(
            "select key, value, updated_by, updated_at from context
             where project_id = $1 and key = $2",
        )
        .bind(project_id)
        .bind(key)
        .fetch_optional(&self.pool)
        .await?;
        Ok(row.map(entry))
    }

    async fn set_context(
        &self,
        actor: &str,
        project: &ProjectRef,
        key: &str,
        value: &Value,
    ) -> HubResult<ContextEntry> {
        let now = Timestamp::now().0;
        let detail = json!({"bytes": value.to_string().len()});
        if Backend::BACKEND == "postgres" {
            let row: Row = sqlx::query_as(logged!(
                set_context!(),
                "$1, $4, 'context', $2, 'set', $6, $5"
            ))
            .bind(project.id)
            .bind(key)
            .bind(Json(value))
            .bind(actor)
            .bind(now)
            .bind(Json(detail))
            .fetch_one(&self.writer)
            .await?;
            return Ok(entry(row));
        }
        let mut tx = self.begin_write().await?;
        let row: Row = sqlx::query_as(set_context!())
            .bind(project.id)
            .bind(key)
            .bind(Json(value))
            .bind(actor)
            .bind(now)
            .fetch_one(&mut *tx)
            .await?;
        event(
            &mut tx,
            Some(project.id),
            actor,
            "context",
            key,
            "set",
            detail,
            now,
        )
        .await?;
        tx.commit().await?;
        Ok(entry(row))
    }

    async fn delete_context(&self, actor: &str, project: &ProjectRef, key: &str) -> HubResult<()> {
        let now = Timestamp::now().0;
        let mut tx = self.begin_write().await?;
        let done = sqlx::query("delete from context where project_id = $1 and key = $2")
            .bind(project.id)
            .bind(key)
            .execute(&mut *tx)
            .await?;
        if done.rows_affected() == 0 {
            return Err(HubError::not_found(format!(
                "no context key '{key}' in project '{}'; list keys with jc_get_context",
                project.name
            )));
        }
        event(
            &mut tx,
            Some(project.id),
            actor,
            "context",
            key,
            "deleted",
            json!({}),
            now,
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }
}
