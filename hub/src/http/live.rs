//! Live updates for the dashboard: `GET /api/projects/{project}/stream` sends every new
//! audit event of the project as a server-sent event (`event: change`, `id`, JSON data).
//!
//! A stream wakes at once when this hub handles a write ([`announce`]) and polls the
//! events table every second otherwise, so writes made by other hubs sharing the same
//! PostgreSQL appear too. Clients resume after a reconnect with `?after=<last id>`.

use std::convert::Infallible;
use std::sync::Arc;
use std::time::Duration;

use axum::extract::{Path, Request, State};
use axum::http::Method;
use axum::middleware::Next;
use axum::response::Response;
use axum::response::sse::{Event as SseEvent, KeepAlive, Sse};
use futures::Stream;
use serde::Deserialize;
use tokio::sync::Notify;

use super::AppState;
use super::extract::ApiQuery;
use crate::error::HubResult;
use crate::service::Caller;

const POLL: Duration = Duration::from_secs(1);
const BATCH: i64 = 100;

/// Signals that this hub just handled a write.
#[derive(Clone, Default)]
pub struct Changes(Arc<Notify>);

/// Middleware: after a successful write request (REST or MCP), wake the live streams.
pub async fn announce(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let write = !matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS);
    let response = next.run(req).await;
    if write && response.status().is_success() {
        state.changes.0.notify_waiters();
    }
    response
}

#[derive(Debug, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct StreamQuery {
    /// Resume after this event id (default: only events from now on).
    after: Option<i64>,
}

struct Cursor {
    state: AppState,
    caller: Caller,
    project: String,
    last: i64,
    pending: std::collections::VecDeque<crate::model::Event>,
}

pub async fn stream(
    State(state): State<AppState>,
    caller: Caller,
    Path(project): Path<String>,
    ApiQuery(q): ApiQuery<StreamQuery>,
) -> HubResult<Sse<impl Stream<Item = Result<SseEvent, Infallible>>>> {
    // Resolves access (and the starting cursor) before the response starts, so refusals
    // are ordinary JSON errors.
    let (pending, last) = state
        .hub
        .events_since(&caller, &project, q.after, BATCH)
        .await?;
    let cursor = Cursor {
        state,
        caller,
        project,
        last,
        pending: pending.into(),
    };
    let events = futures::stream::unfold(cursor, next_event);
    Ok(Sse::new(events).keep_alive(KeepAlive::new().interval(Duration::from_secs(15))))
}

/// Yields the next event, waiting for a write or the poll interval. Ends the stream when
/// the caller loses access to the project, the database fails, or the server shuts down.
async fn next_event(mut c: Cursor) -> Option<(Result<SseEvent, Infallible>, Cursor)> {
    loop {
        if let Some(e) = c.pending.pop_front() {
            let data = serde_json::to_string(&e).ok()?;
            let sse = SseEvent::default()
                .event("change")
                .id(e.id.to_string())
                .data(data);
            return Some((Ok(sse), c));
        }
        if c.state.closing.is_cancelled() {
            return None;
        }
        let changes = c.state.changes.0.clone();
        let notified = changes.notified();
        tokio::pin!(notified);
        notified.as_mut().enable();
        let (batch, last) = c
            .state
            .hub
            .events_since(&c.caller, &c.project, Some(c.last), BATCH)
            .await
            .ok()?;
        c.last = last;
        if !batch.is_empty() {
            c.pending.extend(batch);
            continue;
        }
        tokio::select! {
            _ = &mut notified => {},
            _ = tokio::time::sleep(POLL) => {},
            _ = c.state.closing.cancelled() => return None,
        }
    }
}
