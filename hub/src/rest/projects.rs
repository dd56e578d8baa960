//! Projects, their members, context, messages and sessions.

use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::{delete, get};
use axum::{Json, Router};
use schemars::JsonSchema;
use serde::Deserialize;

use crate::error::HubResult;
use crate::http::AppState;
use crate::http::extract::{ApiJson, ApiPath, ApiQuery};
use crate::model::{ContextEntry, Member, Project};
use crate::service::*;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/projects", get(list).post(create))
        .route("/api/projects/{project}", delete(remove))
        .route("/api/projects/{project}/state", get(state))
        .route(
            "/api/projects/{project}/members",
            get(members).post(add_member),
        )
        .route(
            "/api/projects/{project}/members/{member}",
            delete(remove_member),
        )
        .route("/api/projects/{project}/context", get(context))
        .route(
            "/api/projects/{project}/context/{key}",
            delete(delete_context).put(put_context),
        )
        .route(
            "/api/projects/{project}/messages",
            get(messages).post(post_message),
        )
        .route("/api/projects/{project}/sessions", get(sessions))
}

/// Paging for messages and sessions.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct Page {
    /// Page size, 1-200.
    limit: Option<u32>,
    /// Messages only: return messages older than this id (`next_before` of the last page).
    before: Option<i64>,
}

async fn list(State(s): State<AppState>, caller: Caller) -> HubResult<Json<ProjectList>> {
    Ok(Json(s.hub.list_projects(&caller).await?))
}

async fn create(
    State(s): State<AppState>,
    caller: Caller,
    ApiJson(input): ApiJson<CreateProject>,
) -> HubResult<(StatusCode, Json<Project>)> {
    Ok((
        StatusCode::CREATED,
        Json(s.hub.create_project(&caller, input).await?),
    ))
}

async fn remove(
    State(s): State<AppState>,
    caller: Caller,
    ApiPath(project): ApiPath<String>,
) -> HubResult<Json<Deleted>> {
    let input = DeleteProject {
        confirm: project.clone(),
        project,
    };
    Ok(Json(s.hub.delete_project(&caller, input).await?))
}

async fn state(
    State(s): State<AppState>,
    caller: Caller,
    ApiPath(project): ApiPath<String>,
) -> HubResult<Json<StateSnapshot>> {
    let input = ProjectArgs {
        project: Some(project),
    };
    Ok(Json(s.hub.get_state(&caller, input).await?))
}

async fn members(
    State(s): State<AppState>,
    caller: Caller,
    ApiPath(project): ApiPath<String>,
) -> HubResult<Json<MemberList>> {
    let input = ProjectArgs {
        project: Some(project),
    };
    Ok(Json(s.hub.project_members(&caller, input).await?))
}

async fn add_member(
    State(s): State<AppState>,
    caller: Caller,
    ApiPath(project): ApiPath<String>,
    ApiJson(input): ApiJson<AddProjectMember>,
) -> HubResult<(StatusCode, Json<Member>)> {
    let member = s.hub.add_project_member(&caller, &project, input).await?;
    Ok((StatusCode::CREATED, Json(member)))
}

async fn remove_member(
    State(s): State<AppState>,
    caller: Caller,
    ApiPath((project, member)): ApiPath<(String, String)>,
) -> HubResult<Json<Deleted>> {
    Ok(Json(
        s.hub
            .remove_project_member(&caller, &project, &member)
            .await?,
    ))
}

async fn context(
    State(s): State<AppState>,
    caller: Caller,
    ApiPath(project): ApiPath<String>,
) -> HubResult<Json<ContextList>> {
    let input = GetContext {
        project: Some(project),
        key: None,
    };
    Ok(Json(s.hub.get_context(&caller, input).await?))
}

/// Body of `PUT …/context/{key}`.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct ContextValue {
    /// Any JSON value.
    value: serde_json::Value,
}

async fn put_context(
    State(s): State<AppState>,
    caller: Caller,
    ApiPath((project, key)): ApiPath<(String, String)>,
    ApiJson(body): ApiJson<ContextValue>,
) -> HubResult<Json<ContextEntry>> {
    let input = SetContext {
        project: Some(project),
        key,
        value: body.value,
    };
    Ok(Json(s.hub.set_context(&caller, input).await?))
}

async fn delete_context(
    State(s): State<AppState>,
    caller: Caller,
    ApiPath((project, key)): ApiPath<(String, String)>,
) -> HubResult<Json<Deleted>> {
    let input = DeleteContext {
        project: Some(project),
        key,
    };
    Ok(Json(s.hub.delete_context(&caller, input).await?))
}

async fn messages(
    State(s): State<AppState>,
    caller: Caller,
    ApiPath(project): ApiPath<String>,
    ApiQuery(page): ApiQuery<Page>,
) -> HubResult<Json<MessageList>> {
    let list = s
        .hub
        .list_messages(&caller, &project, page.limit, page.before)
        .await?;
    Ok(Json(list))
}

/// Body of `POST …/messages`.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct NewMessage {
    /// Member name of the recipient (a project member).
    recipient: String,
    /// The message.
    content: String,
}

async fn post_message(
    State(s): State<AppState>,
    caller: Caller,
    ApiPath(project): ApiPath<String>,
    ApiJson(body): ApiJson<NewMessage>,
) -> HubResult<(StatusCode, Json<crate::model::Message>)> {
    let input = PostMessage {
        project: Some(project),
        recipient: body.recipient,
        content: body.content,
    };
    Ok((
        StatusCode::CREATED,
        Json(s.hub.post_message(&caller, input).await?),
    ))
}

async fn sessions(
    State(s): State<AppState>,
    caller: Caller,
    ApiPath(project): ApiPath<String>,
    ApiQuery(page): ApiQuery<Page>,
) -> HubResult<Json<SessionList>> {
    let input = ListSessions {
        project: Some(project),
        limit: page.limit,
    };
    Ok(Json(s.hub.list_sessions(&caller, input).await?))
}
