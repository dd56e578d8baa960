//! REST adapters (SPEC §5 plus what the dashboard needs). Each handler extracts the
//! caller and input, calls one service method and wraps the result; no logic lives here.

mod members;
mod memories;
pub mod openapi;
mod projects;
mod tasks;

use axum::Router;

use crate::http::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .merge(projects::router())
        .merge(tasks::router())
        .merge(memories::router())
        .merge(members::router())
}
