use async_trait::async_trait;
use serde_json::Value;
use sqlx::types::Json;

use super::Backend;
use crate::error::HubResult;
use crate::model::*;
use crate::store::EventStore;

type Row = (i64, String, String, String, String, Json<Value>, i64);

fn event((id, actor, entity, entity_key, action, detail, at): Row) -> Event {
    Event {
        id,
        actor,
        entity,
        entity_key,
        action,
        detail: detail.0,
        created_at: Timestamp(at),
    }
}

#[async_trait]
impl EventStore for Backend {
    async fn list_events(
        &self,
        project_id: i64,
        entity: Option<(&str, &str)>,
        limit: i64,
    ) -> HubResult<Vec<Event>> {
        let rows: Vec<Row> = sqlx::query_as(
            "select id, actor, entity, entity_key, action, detail, created_at from events
             where project_id = $1 and ($2 is null or (entity = $2 and entity_key = $3))
             order by id desc limit $4",
        )
        .bind(project_id)
        .bind(entity.map(|e| e.0))
        .bind(entity.map(|e| e.1))
        .bind(limit)
        .fetch_all(&self.pool)
        .await?;
        Ok(rows.into_iter().map(event).collect())
    }

    async fn events_after(&self, project_id: i64, after: i64, limit: i64) -> HubResult<Vec<Event>> {
        let rows: Vec<Row> = sqlx::query_as(
            "select id, actor, entity, entity_key, action, detail, created_at from events
             where project_id = $1 and id > $2 order by id limit $3",
        )
        .bind(project_id)
        .bind(after)
        .bind(limit)
        .fetch_all(&self.pool)
        .await?;
        Ok(rows.into_iter().map(event).collect())
    }
}
