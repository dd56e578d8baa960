//! Memories: project + global, and global only.

use axum::extract::{Path, State};
use axum::routing::get;
use axum::{Json, Router};
use serde::Deserialize;

use crate::error::HubResult;
use crate::http::AppState;
use crate::http::extract::ApiQuery;
use crate::service::*;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/projects/{project}/memories", get(project_memories))
        .route("/api/memories/global", get(global_memories))
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Page {
    limit: Option<u32>,
    offset: Option<u32>,
}

async fn project_memories(
    State(s): State<AppState>,
    caller: Caller,
    Path(project): Path<String>,
    ApiQuery(p): ApiQuery<Page>,
) -> HubResult<Json<MemoryList>> {
    let list = s
        .hub
        .list_memories(&caller, Some(&project), p.limit, p.offset)
        .await?;
    Ok(Json(list))
}

async fn global_memories(
    State(s): State<AppState>,
    caller: Caller,
    ApiQuery(p): ApiQuery<Page>,
) -> HubResult<Json<MemoryList>> {
    Ok(Json(
        s.hub
            .list_memories(&caller, None, p.limit, p.offset)
            .await?,
    ))
}
