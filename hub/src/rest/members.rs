//! The member registry and tokens.

use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::{get, patch, post};
use axum::{Json, Router};

use crate::error::HubResult;
use crate::http::AppState;
use crate::http::extract::{ApiJson, ApiPath};
use crate::model::Member;
use crate::service::*;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/me", get(me))
        .route("/api/members", get(list).post(create))
        .route("/api/members/{name}", patch(update).delete(remove))
        .route("/api/members/{name}/token", post(rotate))
}

async fn me(caller: Caller) -> Json<Member> {
    Json(caller.member)
}

async fn list(State(s): State<AppState>, caller: Caller) -> HubResult<Json<MemberList>> {
    Ok(Json(s.hub.list_members(&caller).await?))
}

async fn create(
    State(s): State<AppState>,
    caller: Caller,
    ApiJson(input): ApiJson<CreateMember>,
) -> HubResult<(StatusCode, Json<CreatedMember>)> {
    Ok((
        StatusCode::CREATED,
        Json(s.hub.create_member(&caller, input).await?),
    ))
}

async fn update(
    State(s): State<AppState>,
    caller: Caller,
    ApiPath(name): ApiPath<String>,
    ApiJson(input): ApiJson<UpdateMember>,
) -> HubResult<Json<Member>> {
    Ok(Json(s.hub.update_member(&caller, &name, input).await?))
}

async fn remove(
    State(s): State<AppState>,
    caller: Caller,
    ApiPath(name): ApiPath<String>,
) -> HubResult<Json<Deleted>> {
    Ok(Json(s.hub.delete_member(&caller, &name).await?))
}

async fn rotate(
    State(s): State<AppState>,
    caller: Caller,
    ApiPath(name): ApiPath<String>,
) -> HubResult<Json<RotatedToken>> {
    Ok(Json(s.hub.rotate_token(&caller, &name).await?))
}
