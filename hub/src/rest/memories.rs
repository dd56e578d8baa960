//! Memories: project + global, and global only.

use axum::extract::State;
use axum::routing::get;
use axum::{Json, Router};
use schemars::JsonSchema;
use serde::Deserialize;

use crate::error::{HubError, HubResult};
use crate::http::AppState;
use crate::http::extract::{ApiPath, ApiQuery};
use crate::service::*;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/projects/{project}/memories", get(project_memories))
        .route("/api/projects/{project}/memories/search", get(search))
        .route("/api/memories/global", get(global_memories))
}

/// Paging for memory lists.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct Page {
    /// Page size, 1-200 (default 100).
    limit: Option<u32>,
    /// Memories to skip.
    offset: Option<u32>,
}

async fn project_memories(
    State(s): State<AppState>,
    caller: Caller,
    ApiPath(project): ApiPath<String>,
    ApiQuery(p): ApiQuery<Page>,
) -> HubResult<Json<MemoryList>> {
    let list = s
        .hub
        .list_memories(&caller, Some(&project), p.limit, p.offset)
        .await?;
    Ok(Json(list))
}

/// Query of the memory search (the dashboard's search box).
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct SearchQuery {
    /// Text to find in keys and values (case-insensitive; `%` and `_` match literally).
    q: String,
    /// Only this category.
    category: Option<crate::model::Category>,
    /// At most this many, 1-200 (default 20).
    limit: Option<u32>,
}

async fn search(
    State(s): State<AppState>,
    caller: Caller,
    ApiPath(project): ApiPath<String>,
    ApiQuery(q): ApiQuery<SearchQuery>,
) -> HubResult<Json<MemoryList>> {
    let input = SearchMemory {
        project: Some(project),
        query: q.q,
        category: q.category,
        limit: q.limit,
    };
    // The service calls its input `query`; here the parameter is `q`, so errors name `q`.
    let found = s
        .hub
        .search_memory(&caller, input)
        .await
        .map_err(|e| match e {
            HubError::Validation { field, message } if field == "query" => HubError::Validation {
                field: "q".into(),
                message: message.replacen("query", "q", 1),
            },
            e => e,
        })?;
    Ok(Json(found))
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
