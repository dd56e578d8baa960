//! Tasks of a project.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::routing::get;
use axum::{Json, Router};
use serde::Deserialize;

use crate::error::HubResult;
use crate::http::AppState;
use crate::http::extract::{ApiJson, ApiQuery};
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

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ListQuery {
    status: Option<TaskStatus>,
    assignee: Option<String>,
    limit: Option<u32>,
    cursor: Option<String>,
}

async fn list(
    State(s): State<AppState>,
    caller: Caller,
    Path(project): Path<String>,
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
    Path(project): Path<String>,
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
    Path((project, task_ref)): Path<(String, String)>,
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
    Path((project, task_ref)): Path<(String, String)>,
    ApiJson(input): ApiJson<EditTask>,
) -> HubResult<Json<Task>> {
    Ok(Json(
        s.hub.edit_task(&caller, &project, &task_ref, input).await?,
    ))
}

async fn remove(
    State(s): State<AppState>,
    caller: Caller,
    Path((project, task_ref)): Path<(String, String)>,
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
    Path((project, task_ref)): Path<(String, String)>,
) -> HubResult<Json<EventList>> {
    Ok(Json(
        s.hub.task_history(&caller, &project, &task_ref).await?,
    ))
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct EventsQuery {
    limit: Option<u32>,
}

async fn events(
    State(s): State<AppState>,
    caller: Caller,
    Path(project): Path<String>,
    ApiQuery(q): ApiQuery<EventsQuery>,
) -> HubResult<Json<EventList>> {
    Ok(Json(
        s.hub.project_events(&caller, &project, q.limit).await?,
    ))
}
