//! Who is calling. Every `/api` and `/mcp` request passes through [`identify`], which turns
//! `Authorization: Bearer <token>` (or, with auth off, `X-JC-Agent`) into a
//! [`Caller`] stored in the request's extensions, with `X-JC-Project` as its default project.

use axum::extract::{Request, State};
use axum::http::HeaderMap;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use super::AppState;
use crate::auth;
use crate::error::{HubError, HubResult};
use crate::service::{Caller, Hub};

/// Whether tokens are required.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AuthMode {
    /// Bearer tokens (the default).
    On,
    /// Loopback experiments only: the caller names itself with `X-JC-Agent`.
    Off,
}

/// How callers are identified.
#[derive(Debug, Clone)]
pub struct Identity {
    pub mode: AuthMode,
    /// Hash of `JC_ADMIN_TOKEN`, accepted as the oldest admin.
    pub admin_token_hash: Option<String>,
}

impl Identity {
    pub fn new(mode: AuthMode, admin_token: Option<&str>) -> Self {
        Identity {
            mode,
            admin_token_hash: admin_token.filter(|t| !t.is_empty()).map(auth::hash_token),
        }
    }

    /// Resolves the caller from request headers.
    pub async fn resolve(&self, hub: &Hub, headers: &HeaderMap) -> HubResult<Caller> {
        let header = |name: &str| {
            headers
                .get(name)
                .and_then(|v| v.to_str().ok())
                .map(str::trim)
                .filter(|v| !v.is_empty())
        };
        let member = match self.mode {
            AuthMode::Off => {
                let name = header("x-jc-agent").ok_or_else(|| {
                    HubError::Unauthorized(
                        "auth is off on this hub; name yourself with the X-JC-Agent header".into(),
                    )
                })?;
                hub.store().member_by_name(name).await?.ok_or_else(|| {
                    HubError::Unauthorized(format!(
                        "X-JC-Agent names unknown member '{}'",
                        crate::validate::clip(name, 64)
                    ))
                })?
            }
            AuthMode::On => {
                let token = header("authorization")
                    .and_then(auth::bearer)
                    .ok_or_else(|| {
                        HubError::Unauthorized(
                            "missing token; send Authorization: Bearer <token>".into(),
                        )
                    })?;
                match &self.admin_token_hash {
                    Some(hash) if *hash == auth::hash_token(token) => hub.first_admin().await?,
                    _ => hub.authenticate(token).await?,
                }
            }
        };
        Ok(Caller {
            member,
            default_project: header("x-jc-project").map(str::to_string),
        })
    }
}

/// Middleware: resolves the caller or answers 401.
pub async fn identify(State(state): State<AppState>, mut req: Request, next: Next) -> Response {
    match state.identity.resolve(&state.hub, req.headers()).await {
        Ok(caller) => {
            tracing::Span::current().record("member", caller.name());
            req.extensions_mut().insert(caller);
            next.run(req).await
        }
        Err(e) => e.into_response(),
    }
}
