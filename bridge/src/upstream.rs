//! The MCP client to the hub: `<hub_url>/mcp` over Streamable HTTP, with the member's
//! bearer token and default project on every request.
//!
//! It connects on first need, not at start, so the bridge answers `initialize` while the
//! hub is down. A connection that failed is dropped and the next request makes a new one,
//! which is all a hub restart needs. A request that may have reached the hub is sent again
//! only when the caller says it is safe (read-only or idempotent tools).

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use rmcp::model::{
    CallToolRequestParams, CallToolResponse, ClientCapabilities, ClientConfig, ErrorData,
    Implementation, ListToolsResult, PaginatedRequestParams, ProtocolVersion,
};
use rmcp::service::ClientInitializeError;
use rmcp::service::RunningService;
use rmcp::transport::StreamableHttpClientTransport;
use rmcp::transport::streamable_http_client::{
    StreamableHttpClientTransportConfig, StreamableHttpError,
};
use rmcp::{ClientLifecycleMode, ClientServiceExt, RoleClient, ServiceError};

use crate::config::{Config, HubUrl, Token};
use crate::http::root_cause;

/// Longest wait for the MCP handshake (`server/discover`, or `initialize` for an old hub).
const HANDSHAKE_TIMEOUT: Duration = Duration::from_secs(10);

type HubClient = RunningService<RoleClient, ClientConfig>;

/// Why a request to the hub did not produce an answer.
#[derive(Debug, Clone)]
pub enum Failure {
    /// No connection, or it broke: the detail is the most specific cause.
    Unreachable(String),
    /// The hub rejected the token (HTTP 401); the hub's own message.
    Unauthorized(String),
    /// The hub refused the request for another reason (e.g. HTTP 403 on an unlisted Host).
    Refused(String),
    /// The hub answered with a JSON-RPC error: passed to the host unchanged.
    Protocol(ErrorData),
}

/// A failed tool call, and whether the request may have reached the hub.
#[derive(Debug, Clone)]
pub struct CallFailure {
    pub failure: Failure,
    /// `false` when the call certainly did not run (no connection could be made).
    pub maybe_applied: bool,
}

/// What the hub said about itself in the handshake.
#[derive(Debug, Clone, Default)]
pub struct HubInfo {
    pub instructions: Option<String>,
    pub protocol_version: Option<String>,
}

/// The lazily connected MCP client to one hub.
pub struct Upstream {
    http: reqwest::Client,
    hub: HubUrl,
    token: Token,
    project: Option<String>,
    /// The live connection, if any. Held across `connect` so concurrent requests share one
    /// handshake.
    slot: tokio::sync::Mutex<Option<Arc<HubClient>>>,
    info: Mutex<Option<HubInfo>>,
    /// A pinned protocol version for the hub link (`JC_HUB_PROTOCOL`), else negotiated.
    protocol: Option<String>,
}

impl Upstream {
    pub fn new(http: reqwest::Client, config: &Config) -> Upstream {
        Upstream {
            http,
            hub: config.hub.clone(),
            token: config.token.clone(),
            project: config.project.clone(),
            slot: tokio::sync::Mutex::new(None),
            info: Mutex::new(None),
            protocol: config.hub_protocol.clone(),
        }
    }

    pub fn hub(&self) -> &HubUrl {
        &self.hub
    }

    /// The hub's handshake answer from the current or last connection.
    pub fn info(&self) -> Option<HubInfo> {
        self.info.lock().expect("hub info lock").clone()
    }

    /// `tools/list` on the hub. Sent again once after a broken connection: listing is
    /// read-only.
    pub async fn list_tools(
        &self,
        params: Option<PaginatedRequestParams>,
    ) -> Result<ListToolsResult, Failure> {
        let mut retried = false;
        loop {
            let client = self.client().await?;
            match client.peer().list_tools(params.clone()).await {
                Ok(result) => return Ok(result),
                Err(e) => {
                    let failure = self.after_error(&client, &e).await;
                    if retried || !matches!(failure, Failure::Unreachable(_)) {
                        return Err(failure);
                    }
                    tracing::debug!("tools/list failed ({e}); reconnecting once");
                    retried = true;
                }
            }
        }
    }

    /// `tools/call` on the hub. A call that failed to connect never left, so it is sent
    /// (once) on a new connection; a call that may have reached the hub is sent again only
    /// if `retry_safe` (the tool is annotated read-only or idempotent). At most two
    /// attempts either way.
    pub async fn call_tool(
        &self,
        params: CallToolRequestParams,
        retry_safe: bool,
    ) -> Result<CallToolResponse, CallFailure> {
        // Whether some attempt may have reached the hub.
        let mut delivered = false;
        let mut attempt = 0;
        loop {
            attempt += 1;
            let client = self.client().await.map_err(|failure| CallFailure {
                failure,
                maybe_applied: delivered,
            })?;
            let error = match client.peer().call_tool_once(params.clone()).await {
                Ok(response) => return Ok(response),
                Err(e) => e,
            };
            let unsent = never_sent(&error);
            let failure = self.after_error(&client, &error).await;
            delivered |= match failure {
                Failure::Unreachable(_) => !unsent,
                Failure::Refused(_) => true,
                Failure::Unauthorized(_) | Failure::Protocol(_) => false,
            };
            let broken = matches!(failure, Failure::Unreachable(_));
            if attempt >= 2 || !broken || !(unsent || retry_safe) {
                return Err(CallFailure {
                    failure,
                    maybe_applied: delivered,
                });
            }
            tracing::debug!(tool = %params.name, unsent, "call failed ({error}); trying once more");
        }
    }

    /// The live client, connecting first if there is none (or it died).
    async fn client(&self) -> Result<Arc<HubClient>, Failure> {
        let mut slot = self.slot.lock().await;
        if let Some(client) = slot.as_ref() {
            if !client.is_closed() && !client.peer().is_transport_closed() {
                return Ok(client.clone());
            }
            tracing::debug!("the connection to the hub is closed; reconnecting");
            *slot = None;
        }
        let client = Arc::new(self.connect().await?);
        *slot = Some(client.clone());
        Ok(client)
    }

    async fn connect(&self) -> Result<HubClient, Failure> {
        let url = self.hub.mcp();
        let mut headers = HashMap::new();
        if let Some(project) = &self.project {
            let value = http::HeaderValue::from_str(project).map_err(|_| {
                Failure::Refused(format!("project {project:?} is not a valid header value"))
            })?;
            headers.insert(http::HeaderName::from_static("x-jc-project"), value);
        }
        let config = StreamableHttpClientTransportConfig::with_uri(url.clone())
            .auth_header(self.token.expose().to_string())
            .custom_headers(headers)
            .reinit_on_expired_session(true);
        let transport = StreamableHttpClientTransport::with_client(self.http.clone(), config);
        let client_info = ClientConfig::new(
            ClientCapabilities::default(),
            Implementation::new("jc-bridge", crate::VERSION),
        );
        let (client_info, lifecycle) = lifecycle(client_info, self.protocol.as_deref());
        tracing::debug!(%url, "connecting to the hub");
        let handshake = client_info.serve_with_lifecycle(transport, lifecycle);
        let client = match tokio::time::timeout(HANDSHAKE_TIMEOUT, handshake).await {
            Ok(Ok(client)) => client,
            Ok(Err(e)) => {
                let failure = classify_handshake(&e);
                tracing::debug!(%url, "could not connect: {e}");
                return Err(failure);
            }
            Err(_) => {
                return Err(Failure::Unreachable(format!(
                    "no answer within {} s",
                    HANDSHAKE_TIMEOUT.as_secs()
                )));
            }
        };
        if let Some(peer) = client.peer().peer_info() {
            tracing::debug!(version = %peer.protocol_version, "connected to the hub");
            *self.info.lock().expect("hub info lock") = Some(HubInfo {
                instructions: peer.instructions.clone(),
                protocol_version: Some(peer.protocol_version.to_string()),
            });
        }
        Ok(client)
    }

    /// Classifies `error` and drops the connection unless the hub itself answered.
    async fn after_error(&self, client: &Arc<HubClient>, error: &ServiceError) -> Failure {
        let failure = match error {
            ServiceError::McpError(e) => Failure::Protocol(e.clone()),
            ServiceError::UnexpectedResponse => Failure::Protocol(ErrorData::internal_error(
                "the hub sent an unexpected response type",
                None,
            )),
            other => classify(other),
        };
        if !matches!(failure, Failure::Protocol(_)) {
            self.forget(client).await;
        }
        failure
    }

    /// Drops `client` if it is still the current one; the next request reconnects.
    async fn forget(&self, client: &Arc<HubClient>) {
        let mut slot = self.slot.lock().await;
        if slot.as_ref().is_some_and(|c| Arc::ptr_eq(c, client)) {
            *slot = None;
        }
    }
}

/// How to open the hub link: `server/discover` on 2026-07-28 (stateless), falling back to
/// `initialize` for an older hub; or exactly the pinned version.
fn lifecycle(
    mut client_info: ClientConfig,
    pinned: Option<&str>,
) -> (ClientConfig, ClientLifecycleMode) {
    let modern = ProtocolVersion::V_2026_07_28;
    let known = pinned.and_then(|v| {
        let found = ProtocolVersion::KNOWN_VERSIONS
            .iter()
            .find(|k| k.as_str() == v.trim())
            .cloned();
        if found.is_none() {
            tracing::warn!("ignoring JC_HUB_PROTOCOL={v:?}: not a known MCP protocol version");
        }
        found
    });
    match known {
        Some(version) if version.has_initialize() => {
            client_info.protocol_version = version;
            (client_info, ClientLifecycleMode::Initialize)
        }
        Some(version) => (
            client_info,
            ClientLifecycleMode::Discover {
                preferred_versions: vec![version],
            },
        ),
        None => (
            client_info,
            ClientLifecycleMode::Auto {
                preferred_versions: vec![modern],
                legacy_version: Some(ProtocolVersion::LATEST_WITH_INITIALIZE),
            },
        ),
    }
}

/// Like [`classify`], for handshake errors (which do not expose their cause as `source`).
fn classify_handshake(error: &ClientInitializeError) -> Failure {
    match error {
        ClientInitializeError::TransportError { error, .. } => classify(error),
        ClientInitializeError::LegacyFallbackFailed { fallback, .. } => {
            classify_handshake(fallback)
        }
        ClientInitializeError::JsonRpcError(e) => Failure::Refused(e.message.to_string()),
        other => Failure::Unreachable(other.to_string()),
    }
}

/// Sorts a transport error into what the user can do about it.
fn classify(error: &(dyn std::error::Error + 'static)) -> Failure {
    let mut current = Some(error);
    let mut deepest = error;
    while let Some(e) = current {
        deepest = e;
        if let Some(http) = e.downcast_ref::<StreamableHttpError<reqwest::Error>>() {
            match http {
                StreamableHttpError::AuthRequired(_) => {
                    return Failure::Unauthorized("the hub asks for authorization".into());
                }
                StreamableHttpError::InsufficientScope(_) => {
                    return Failure::Refused("HTTP 403: insufficient scope".into());
                }
                StreamableHttpError::UnexpectedServerResponse(message) => {
                    if message.starts_with("HTTP 401") {
                        return Failure::Unauthorized(hub_message(message));
                    }
                    if message.starts_with("HTTP ") {
                        return Failure::Refused(short_status(message));
                    }
                }
                StreamableHttpError::HttpStatus(status) => {
                    return Failure::Refused(format!("HTTP {}", status.status));
                }
                // The HTTP client's error is not exposed as `source`; follow it by hand.
                StreamableHttpError::Client(inner) => {
                    current = Some(inner);
                    continue;
                }
                _ => {}
            }
        }
        current = e.source();
    }
    Failure::Unreachable(root_cause(deepest))
}

/// Whether the request failed while connecting, so it never reached the hub.
fn never_sent(error: &ServiceError) -> bool {
    let ServiceError::TransportSend(error) = error else {
        return false;
    };
    let mut current: Option<&(dyn std::error::Error + 'static)> = Some(error);
    while let Some(e) = current {
        if let Some(reqwest) = e.downcast_ref::<reqwest::Error>() {
            return reqwest.is_connect();
        }
        current = match e.downcast_ref::<StreamableHttpError<reqwest::Error>>() {
            Some(StreamableHttpError::Client(inner)) => Some(inner),
            _ => e.source(),
        };
    }
    false
}

/// `HTTP 401 Unauthorized: {"error":{"message":"…"}}` → the hub's message.
fn hub_message(response: &str) -> String {
    response
        .find('{')
        .and_then(|i| serde_json::from_str::<serde_json::Value>(&response[i..]).ok())
        .and_then(|v| v["error"]["message"].as_str().map(str::to_string))
        .unwrap_or_else(|| short_status(response))
}

/// The status line plus the hub's message when the body has one, clipped.
fn short_status(response: &str) -> String {
    let status = response.split(':').next().unwrap_or(response).trim();
    let body = response
        .find('{')
        .and_then(|i| serde_json::from_str::<serde_json::Value>(&response[i..]).ok())
        .and_then(|v| v["error"]["message"].as_str().map(str::to_string))
        .or_else(|| {
            response
                .split_once(": ")
                .map(|(_, rest)| rest.trim().chars().take(200).collect())
        })
        .filter(|b: &String| !b.is_empty());
    match body {
        Some(body) => format!("{status}: {body}"),
        None => status.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hub_messages_are_extracted() {
        let raw = r#"HTTP 401 Unauthorized: {"error":{"code":"unauthorized","message":"unknown or revoked token"}}"#;
        assert_eq!(hub_message(raw), "unknown or revoked token");
        assert_eq!(
            short_status("HTTP 403 Forbidden: Forbidden: Host header is not allowed"),
            "HTTP 403 Forbidden: Forbidden: Host header is not allowed"
        );
        assert_eq!(short_status("HTTP 404 Not Found: "), "HTTP 404 Not Found");
    }
}
