//! The HTTP server: one axum router for REST (`/api`), MCP (`/mcp`, `/mcp/`), `/health`
//! and the dashboard. Identity is resolved once, by [`identity::identify`], for REST and MCP
//! alike; handlers find the [`Caller`](crate::service::Caller) in request extensions.

mod dashboard;
mod error;
pub mod extract;
pub mod identity;
pub mod live;
pub mod signin;

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::extract::{DefaultBodyLimit, MatchedPath, Request, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Json};
use axum::routing::{get, post};
use axum::serve::ListenerExt;
use tokio::net::TcpListener;
use tower_http::trace::TraceLayer;

pub use identity::{AuthMode, Identity};

use crate::error::HubError;
use crate::service::Hub;

/// Largest request body accepted on `/api` (and MCP posts).
pub const BODY_LIMIT: usize = 1024 * 1024;

/// Shared state of every handler. One `Arc`: axum clones the state for every extractor
/// and middleware layer of every request, and a clone of the parts (six reference
/// counts and a cancellation token, whose clone and drop take a lock) cost more.
#[derive(Clone)]
pub struct AppState(Arc<StateParts>);

/// What [`AppState`] holds.
pub struct StateParts {
    pub hub: Hub,
    pub identity: Identity,
    /// Wakes live streams after writes.
    pub changes: live::Changes,
    /// Outstanding one-time dashboard sign-in codes.
    pub signin: Arc<signin::SignInCodes>,
    /// Cancelled when the server starts shutting down, so long-lived responses (live
    /// streams) end and graceful shutdown does not wait for browsers to disconnect.
    pub closing: tokio_util::sync::CancellationToken,
}

impl AppState {
    pub fn new(hub: Hub, identity: Identity) -> Self {
        AppState(Arc::new(StateParts {
            hub,
            identity,
            changes: live::Changes::default(),
            signin: Default::default(),
            closing: Default::default(),
        }))
    }
}

impl std::ops::Deref for AppState {
    type Target = StateParts;

    fn deref(&self) -> &StateParts {
        &self.0
    }
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
        .route("/api/projects/{project}/stream", get(live::stream))
        .merge(crate::mcp::router(state.clone(), options))
        .method_not_allowed_fallback(method_not_allowed)
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            live::announce,
        ))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            identity::identify,
        ));
    Router::new()
        .route("/health", get(health))
        .route("/", get(dashboard::index))
        .route("/static/{*path}", get(dashboard::file))
        .route("/api/signin", post(signin::sign_in))
        .route("/api/openapi.json", get(openapi))
        .method_not_allowed_fallback(method_not_allowed)
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

/// The `/health` answer.
#[derive(Debug, serde::Serialize, schemars::JsonSchema)]
pub struct Health {
    /// `ok`, or `degraded` when the database does not answer.
    pub status: &'static str,
    /// `ok` or `unreachable`.
    pub database: &'static str,
    /// `sqlite` or `postgres`.
    pub backend: &'static str,
    pub version: &'static str,
}

/// The body of every REST error.
#[derive(Debug, serde::Serialize, schemars::JsonSchema)]
pub struct ErrorBody {
    pub error: ErrorDetail,
}

#[derive(Debug, serde::Serialize, schemars::JsonSchema)]
pub struct ErrorDetail {
    /// `bad_request`, `validation`, `not_found`, `conflict`, `unauthorized`, `forbidden`,
    /// `too_large` or `internal`.
    pub code: String,
    /// What went wrong and how to fix it.
    pub message: String,
    /// The input field at fault, when there is one.
    pub field: Option<String>,
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
    let body = Health {
        status: if ok { "ok" } else { "degraded" },
        database: if ok { "ok" } else { "unreachable" },
        backend: store.backend(),
        version: env!("CARGO_PKG_VERSION"),
    };
    (status, Json(body))
}

async fn openapi() -> Json<serde_json::Value> {
    Json(crate::rest::openapi::document())
}

/// 405 with the JSON error shape; axum keeps the `Allow` header it computed.
async fn method_not_allowed(req: Request) -> impl IntoResponse {
    let message = format!(
        "{} is not supported on {}; the Allow header lists the methods that are",
        req.method(),
        req.uri().path()
    );
    let body = ErrorBody {
        error: ErrorDetail {
            code: "method_not_allowed".into(),
            message,
            field: None,
        },
    };
    (StatusCode::METHOD_NOT_ALLOWED, Json(body))
}

async fn not_found(req: Request) -> HubError {
    HubError::not_found(format!(
        "no endpoint {} {}; see the REST reference in the README",
        req.method(),
        req.uri().path()
    ))
}
