//! The MCP server the host talks to over stdio. It knows no tool: `tools/list` and
//! `tools/call` go to the hub through [`Upstream`], so a new hub tool needs no bridge
//! release.
//!
//! `initialize` and `server/discover` are answered locally (with the hub's instructions
//! when known), so the host starts even when the hub is down. Results are re-normalised
//! for the host's protocol era: rmcp strips `resultType` for legacy hosts, and the proxy
//! fills it in when the hub link left it out, for 2026-07-28 hosts.

use std::sync::{Arc, RwLock};
use std::time::Instant;

use rmcp::model::{
    CallToolRequestParams, CallToolResponse, CallToolResult, ContentBlock, ErrorData,
    Implementation, ListToolsResult, PaginatedRequestParams, ResultType, ServerCapabilities,
    ServerConfig,
};
use rmcp::service::RequestContext;
use rmcp::{RoleServer, ServerHandler, ServiceExt};

use crate::cache::{Snapshot, ToolCache};
use crate::config::{Config, HubUrl};
use crate::upstream::{CallFailure, Failure, Upstream};

/// The stdio MCP server: a proxy to one hub with one member's identity.
pub struct Bridge {
    upstream: Upstream,
    cache: ToolCache,
    /// The last tool list seen (from the hub in this process, else from the disk cache).
    known: RwLock<Option<Arc<Snapshot>>>,
}

impl Bridge {
    /// A bridge for `config`, primed from the disk cache (no network).
    pub fn new(http: reqwest::Client, config: &Config) -> Bridge {
        let cache = ToolCache::new(
            config.hub.base(),
            crate::config::cache_dir(),
            config.file.path(),
        );
        let known = cache.load().map(Arc::new);
        Bridge {
            upstream: Upstream::new(http, config),
            cache,
            known: RwLock::new(known),
        }
    }

    fn hub(&self) -> &HubUrl {
        self.upstream.hub()
    }

    fn known(&self) -> Option<Arc<Snapshot>> {
        self.known.read().expect("tool list lock").clone()
    }

    /// Read-only and idempotent tools may be sent twice; everything else never is.
    fn retry_safe(&self, tool: &str) -> bool {
        self.known().is_some_and(|s| {
            s.tools.iter().any(|t| {
                t.name == tool
                    && t.annotations.as_ref().is_some_and(|a| {
                        a.read_only_hint == Some(true) || a.idempotent_hint == Some(true)
                    })
            })
        })
    }

    /// Keeps a complete tool list from the hub, and saves it when it changed.
    fn remember(&self, result: &ListToolsResult) {
        let snapshot = Snapshot {
            hub_url: self.hub().base().to_string(),
            instructions: self.upstream.info().and_then(|i| i.instructions),
            tools: result.tools.clone(),
        };
        let mut known = self.known.write().expect("tool list lock");
        if known.as_deref() == Some(&snapshot) {
            return;
        }
        let snapshot = Arc::new(snapshot);
        *known = Some(snapshot.clone());
        drop(known);
        let cache = self.cache.clone();
        tokio::task::spawn_blocking(move || cache.save(&snapshot));
    }
}

impl ServerHandler for Bridge {
    fn get_info(&self) -> ServerConfig {
        let mut info = ServerConfig::default();
        info.capabilities = ServerCapabilities::builder().enable_tools().build();
        info.server_info = Implementation::new("jc-bridge", crate::VERSION);
        info.instructions = self
            .upstream
            .info()
            .and_then(|i| i.instructions)
            .or_else(|| self.known().and_then(|s| s.instructions.clone()));
        info
    }

    async fn list_tools(
        &self,
        request: Option<PaginatedRequestParams>,
        _context: RequestContext<RoleServer>,
    ) -> Result<ListToolsResult, ErrorData> {
        // The host's `_meta` (its protocol version, progress token) is not the hub's.
        let request = request.map(|mut r| {
            r.meta = None;
            r
        });
        let first_page = request.as_ref().is_none_or(|r| r.cursor.is_none());
        match self.upstream.list_tools(request).await {
            Ok(mut result) => {
                result.result_type.get_or_insert(ResultType::COMPLETE);
                if first_page && result.next_cursor.is_none() {
                    self.remember(&result);
                }
                Ok(result)
            }
            Err(Failure::Protocol(e)) => Err(e),
            Err(failure) => match self.known().filter(|_| first_page) {
                Some(snapshot) => {
                    tracing::warn!(
                        hub = %self.hub(),
                        "the hub is unavailable ({}); serving the cached tool list",
                        describe(&failure)
                    );
                    Ok(ListToolsResult::with_all_items(snapshot.tools.clone()))
                }
                None => Err(ErrorData::internal_error(
                    list_unavailable(self.hub(), &failure),
                    None,
                )),
            },
        }
    }

    async fn call_tool(
        &self,
        mut request: CallToolRequestParams,
        _context: RequestContext<RoleServer>,
    ) -> Result<CallToolResponse, ErrorData> {
        request.meta = None;
        let name = request.name.to_string();
        let retry_safe = self.retry_safe(&name);
        let started = Instant::now();
        let outcome = self.upstream.call_tool(request, retry_safe).await;
        tracing::debug!(tool = %name, elapsed_us = started.elapsed().as_micros() as u64, ok = outcome.is_ok(), "tools/call");
        match outcome {
            Ok(CallToolResponse::Complete(mut result)) => {
                result.result_type.get_or_insert(ResultType::COMPLETE);
                Ok(CallToolResponse::Complete(result))
            }
            Ok(other) => Ok(other),
            Err(CallFailure {
                failure: Failure::Protocol(e),
                ..
            }) => Err(e),
            Err(failure) => {
                tracing::warn!(tool = %name, hub = %self.hub(), "{}", describe(&failure.failure));
                Ok(CallToolResponse::Complete(CallToolResult::error(vec![
                    ContentBlock::text(call_failed(self.hub(), &name, &failure)),
                ])))
            }
        }
    }
}

/// Serves `bridge` on stdin/stdout until the host closes them.
pub async fn serve_stdio(bridge: Bridge) -> Result<(), rmcp::service::ServerInitializeError> {
    let service = match bridge.serve(rmcp::transport::io::stdio_pipes()).await {
        Ok(service) => service,
        // The host went away before saying anything: nothing to serve.
        Err(rmcp::service::ServerInitializeError::ConnectionClosed(_)) => return Ok(()),
        Err(e) => return Err(e),
    };
    match service.waiting().await {
        Ok(reason) => tracing::debug!(?reason, "the host closed the connection"),
        Err(e) => tracing::warn!("the stdio service stopped: {e}"),
    }
    Ok(())
}

fn describe(failure: &Failure) -> String {
    match failure {
        Failure::Unreachable(detail) => format!("not reachable: {detail}"),
        Failure::Unauthorized(message) => format!("token rejected: {message}"),
        Failure::Refused(message) => format!("request refused: {message}"),
        Failure::Protocol(e) => format!("protocol error: {}", e.message),
    }
}

/// What to do, for a failure with no cached list to fall back on.
fn remedy(hub: &HubUrl, failure: &Failure) -> String {
    match failure {
        Failure::Unreachable(detail) => format!(
            "The JustClone hub at {hub} is not reachable ({detail}). Start it with `jc-hub serve`, \
             or fix hub_url in the bridge config (or JC_HUB_URL); `jc-bridge doctor` checks the setup."
        ),
        Failure::Unauthorized(message) => format!(
            "The JustClone hub at {hub} rejected the bridge's token ({message}). Get a new token \
             (`jc-hub members rotate-token <name>`), store it with `jc-bridge init`, and run `jc-bridge doctor`."
        ),
        Failure::Refused(message) => format!(
            "The JustClone hub at {hub} refused the request ({message}). If hub_url uses a name other \
             than localhost or 127.0.0.1, start the hub with --allowed-hosts <that name>; \
             `jc-bridge doctor` checks the setup."
        ),
        Failure::Protocol(e) => format!("The JustClone hub at {hub} answered: {}", e.message),
    }
}

fn list_unavailable(hub: &HubUrl, failure: &Failure) -> String {
    format!(
        "{} No tool list is cached yet for this hub.",
        remedy(hub, failure)
    )
}

fn call_failed(hub: &HubUrl, tool: &str, failure: &CallFailure) -> String {
    if failure.maybe_applied {
        format!(
            "{tool} may or may not have run: the connection to the hub broke before its answer \
             came back. Check the result with a read-only tool before calling it again. {}",
            remedy(hub, &failure.failure)
        )
    } else {
        format!(
            "{tool} did not run. {} Then call {tool} again.",
            remedy(hub, &failure.failure)
        )
    }
}
