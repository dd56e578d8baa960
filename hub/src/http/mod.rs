//! The HTTP server: one axum router for REST (`/api`), MCP (`/mcp`, `/mcp/`), `/health`
//! and the dashboard. Identity is resolved once, by [`identity::identify`], for REST and MCP
//! alike; handlers find the [`Caller`](crate::service::Caller) in request extensions.

mod error;
pub mod extract;
pub mod identity;

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::extract::{DefaultBodyLimit, MatchedPath, Request, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Json};
use axum::routing::get;
use axum::serve::ListenerExt;
use serde_json::json;
use tokio::net::TcpListener;
use tower_http::trace::TraceLayer;

pub use identity::{AuthMode, Identity};

use crate::error::HubError;
use crate::service::Hub;

/// Largest request body accepted on `/api` (and MCP posts).
pub const BODY_LIMIT: usize = 1024 * 1024;

/// Shared state of every handler.
#[derive(Clone)]
pub struct AppState {
    pub hub: Hub,
    pub identity: Arc<Identity>,
}

/// Options that shape the router.
#[derive(Debug, Clone, Default)]
pub struct RouterOptions {
    /// Extra `Host` names accepted on `/mcp` (loopback names always are).
    pub allowed_hosts: Vec<String>,
}

/// Builds the complete application router.
pub fn router(state: AppState, options: &RouterOptions) -> Router {
    let authenticated = crate::rest::router()
        .merge(crate::mcp::router(state.clone(), options))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            identity::identify,
        ));
    Router::new()
        .route("/health", get(health))
        .merge(authenticated)
        .fallback(not_found)
        .layer(DefaultBodyLimit::max(BODY_LIMIT))
        .layer(TraceLayer::new_for_http().make_span_with(|req: &Request| {
            let route = req
                .extensions()
                .get::<MatchedPath>()
                .map(MatchedPath::as_str)
                .unwrap_or("-");
            tracing::info_span!(
                "http",
                method = %req.method(),
                route,
                member = tracing::field::Empty
            )
        }))
        .with_state(state)
}

/// Serves `app` on `listener` until `shutdown` resolves, with TCP_NODELAY on every
/// accepted connection (without it, SSE responses stall ~40 ms on delayed ACKs).
pub async fn serve(
    listener: TcpListener,
    app: Router,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let listener = listener.tap_io(|tcp| {
        if let Err(e) = tcp.set_nodelay(true) {
            tracing::debug!("could not set TCP_NODELAY: {e}");
        }
    });
    axum::serve(listener, app)
        .with_graceful_shutdown(shutdown)
        .await
}

/// Liveness and database reachability; needs no token.
async fn health(State(state): State<AppState>) -> impl IntoResponse {
    let store = state.hub.store();
    let ping = tokio::time::timeout(Duration::from_secs(2), store.ping()).await;
    let ok = matches!(ping, Ok(Ok(())));
    let status = if ok {
        StatusCode::OK
    } else {
        StatusCode::SERVICE_UNAVAILABLE
    };
    let body = json!({
        "status": if ok { "ok" } else { "degraded" },
        "database": if ok { "ok" } else { "unreachable" },
        "backend": store.backend(),
        "version": env!("CARGO_PKG_VERSION"),
    });
    (status, Json(body))
}

async fn not_found(req: Request) -> HubError {
    HubError::not_found(format!(
        "no endpoint {} {}; see the REST reference in the README",
        req.method(),
        req.uri().path()
    ))
}
