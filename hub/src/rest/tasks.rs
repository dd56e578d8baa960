//! Tasks of a project.

use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::get;
use axum::{Json, Router};
use schemars::JsonSchema;
use serde::Deserialize;

use crate::error::HubResult;
use crate::http::AppState;
use crate::http::extract::{ApiJson, ApiPath, ApiQuery};
use crate::model::{Task, TaskStatus};
use crate::service::*;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/projects/{project}/tasks", get(list).post(create))
        .route(
            "/api/projects/{project}/tasks/{ref}",
            get(detail).patch(edit).delete(remove),
        )
        .route("/api/projects/{project}/tasks/{ref}/history", get(history))
        .route("/api/projects/{project}/events", get(events))
}

/// Filters and paging for the task list.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct ListQuery {
    /// Only tasks with this status.
    status: Option<TaskStatus>,
    /// Only tasks assigned to this member.
    assignee: Option<String>,
    /// Page size, 1-200 (default 50).
    limit: Option<u32>,
    /// `next_cursor` from the previous page.
    cursor: Option<String>,
}

async fn list(
    State(s): State<AppState>,
    caller: Caller,
    ApiPath(project): ApiPath<String>,
    ApiQuery(q): ApiQuery<ListQuery>,
) -> HubResult<Json<TaskList>> {
    let input = ListTasks {
        project: Some(project),
        status: q.status,
        assignee: q.assignee,
        limit: q.limit,
        cursor: q.cursor,
    };
    Ok(Json(s.hub.list_tasks(&caller, input).await?))
}

async fn create(
    State(s): State<AppState>,
    caller: Caller,
    ApiPath(project): ApiPath<String>,
    ApiJson(mut input): ApiJson<AddTask>,
) -> HubResult<(StatusCode, Json<Task>)> {
    input.project = Some(project);
    Ok((
        StatusCode::CREATED,
        Json(s.hub.add_task(&caller, input).await?),
    ))
}

async fn detail(
    State(s): State<AppState>,
    caller: Caller,
    ApiPath((project, task_ref)): ApiPath<(String, String)>,
) -> HubResult<Json<TaskDetail>> {
    let input = TaskRefArgs {
        project: Some(project),
        task_ref,
    };
    Ok(Json(s.hub.get_task(&caller, input).await?))
}

async fn edit(
    State(s): State<AppState>,
    caller: Caller,
    ApiPath((project, task_ref)): ApiPath<(String, String)>,
    ApiJson(input): ApiJson<EditTask>,
) -> HubResult<Json<Task>> {
    Ok(Json(
        s.hub.edit_task(&caller, &project, &task_ref, input).await?,
    ))
}

async fn remove(
    State(s): State<AppState>,
    caller: Caller,
    ApiPath((project, task_ref)): ApiPath<(String, String)>,
) -> HubResult<Json<Deleted>> {
    let input = TaskRefArgs {
        project: Some(project),
        task_ref,
    };
    Ok(Json(s.hub.delete_task(&caller, input).await?))
}

async fn history(
    State(s): State<AppState>,
    caller: Caller,
    ApiPath((project, task_ref)): ApiPath<(String, String)>,
) -> HubResult<Json<EventList>> {
    Ok(Json(
        s.hub.task_history(&caller, &project, &task_ref).await?,
    ))
}

/// Paging for the activity feed.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct EventsQuery {
    /// Page size, 1-200 (default 50).
    limit: Option<u32>,
}

async fn events(
    State(s): State<AppState>,
    caller: Caller,
    ApiPath(project): ApiPath<String>,
    ApiQuery(q): ApiQuery<EventsQuery>,
) -> HubResult<Json<EventList>> {
    Ok(Json(
        s.hub.project_events(&caller, &project, q.limit).await?,
    ))
}
