//! MCP over Streamable HTTP at `/mcp` and `/mcp/`: the 30 tools of SPEC §3, each a thin
//! adapter over the service layer.
//!
//! - `args`: tool inputs (`Parameters<T>`, `Caller`) with errors the model can act on.
//! - `reply`: tool outputs (`Json<T>`): structured content plus compact text.
//! - `render`: the compact text of every output type.
//! - `tools`: the tools, one router per concept.
//!
//! The transport is stateless (no per-process session state), so any number of hubs can
//! serve one client behind a load balancer; identity comes from each request's token.

pub mod args;
pub mod render;
pub mod reply;
mod tools;

use std::sync::Arc;

use axum::Router;
use axum::extract::Request;
use axum::routing::any;
use rmcp::handler::server::router::tool::ToolRouter;
use rmcp::handler::server::tool::ToolCallContext;
use rmcp::model::{
    CallToolRequestParams, CallToolResponse, ErrorCode, Implementation, ListToolsResult,
    PaginatedRequestParams, ServerCapabilities, ServerConfig, Tool,
};
use rmcp::service::RequestContext;
use rmcp::transport::streamable_http_server::session::local::LocalSessionManager;
use rmcp::transport::streamable_http_server::{StreamableHttpServerConfig, StreamableHttpService};
use rmcp::{ErrorData, RoleServer, ServerHandler, tool_handler};
use tracing::Instrument;

use crate::http::{AppState, BODY_LIMIT, RouterOptions};
use crate::service::Hub;

const INSTRUCTIONS: &str = "JustClone Hub: a shared task board, context, messages and memory for a team of agents. Call jc_start first; end with jc_end_session.";

/// The MCP server: the hub plus its tool table.
#[derive(Clone)]
pub struct JcServer {
    hub: Hub,
    /// Shared: rmcp clones the server for every stateless request.
    tool_router: Arc<ToolRouter<JcServer>>,
    /// `tools/list`, compacted once (see [`compact`]).
    tools: Arc<Vec<Tool>>,
}

impl JcServer {
    pub fn new(hub: Hub) -> Self {
        JcServer {
            hub,
            tool_router: Arc::new(Self::router()),
            tools: Arc::new(tool_definitions()),
        }
    }

    fn router() -> ToolRouter<JcServer> {
        Self::session_tools()
            + Self::task_tools()
            + Self::context_tools()
            + Self::message_tools()
            + Self::memory_tools()
            + Self::admin_tools()
    }

    /// Every tool definition, as `tools/list` serves it.
    pub fn tools(&self) -> &[Tool] {
        &self.tools
    }
}

/// The 30 tool definitions exactly as `tools/list` serves them, sorted by name.
pub fn tool_definitions() -> Vec<Tool> {
    let mut tools: Vec<Tool> = JcServer::router()
        .list_all()
        .into_iter()
        .map(compact)
        .collect();
    tools.sort_by(|a, b| a.name.cmp(&b.name));
    tools
}

/// Agents pay for every token of `tools/list`, so schemas are trimmed of what a model
/// does not need: the `$schema` URI everywhere; `null` in the types of optional inputs
/// (omitting a field means the same), except where the field's description gives `null`
/// a meaning; and descriptions, titles, formats and `required` lists inside output
/// schemas (field meanings are documented on the inputs).
fn compact(mut tool: Tool) -> Tool {
    let mut input = tool.input_schema.as_ref().clone();
    input.remove("$schema");
    if let Some(serde_json::Value::Object(props)) = input.get_mut("properties") {
        props.values_mut().for_each(drop_null_type);
    }
    tool.input_schema = Arc::new(input);
    if let Some(output) = &tool.output_schema {
        let mut output = output.as_ref().clone();
        output.remove("$schema");
        let mut value = serde_json::Value::Object(output);
        strip_keys(&mut value, &["description", "title", "format", "required"]);
        if let serde_json::Value::Object(o) = value {
            tool.output_schema = Some(Arc::new(o));
        }
    }
    tool
}

/// `{"type": ["string", "null"], "enum": [.., null]}` → `{"type": "string", "enum": [..]}`.
fn drop_null_type(prop: &mut serde_json::Value) {
    let Some(map) = prop.as_object_mut() else {
        return;
    };
    let null_meaningful = map
        .get("description")
        .and_then(|d| d.as_str())
        .is_some_and(|d| d.contains("null"));
    if null_meaningful {
        return;
    }
    if let Some(serde_json::Value::Array(types)) = map.get("type") {
        let rest: Vec<_> = types.iter().filter(|t| *t != "null").cloned().collect();
        if rest.len() == 1 {
            map.insert("type".into(), rest[0].clone());
        }
    }
    if let Some(serde_json::Value::Array(values)) = map.get_mut("enum") {
        values.retain(|v| !v.is_null());
    }
}

/// Removes schema keywords recursively, leaving properties that happen to share a name
/// (e.g. a `description` field of a task) in place.
fn strip_keys(value: &mut serde_json::Value, keys: &[&str]) {
    match value {
        serde_json::Value::Object(map) => {
            for (k, v) in map.iter_mut() {
                if k == "properties" {
                    if let serde_json::Value::Object(props) = v {
                        props.values_mut().for_each(|p| strip_keys(p, keys));
                    }
                } else {
                    strip_keys(v, keys);
                }
            }
            map.retain(|k, _| !keys.contains(&k.as_str()));
        }
        serde_json::Value::Array(items) => items.iter_mut().for_each(|v| strip_keys(v, keys)),
        _ => {}
    }
}

#[tool_handler(router = self.tool_router)]
impl ServerHandler for JcServer {
    fn get_info(&self) -> ServerConfig {
        let mut info = ServerConfig::default();
        info.capabilities = ServerCapabilities::builder().enable_tools().build();
        info.server_info = Implementation::new("jc-hub", env!("CARGO_PKG_VERSION"));
        info.instructions = Some(INSTRUCTIONS.into());
        info
    }

    async fn list_tools(
        &self,
        _request: Option<PaginatedRequestParams>,
        _context: RequestContext<RoleServer>,
    ) -> Result<ListToolsResult, ErrorData> {
        Ok(ListToolsResult::with_all_items(self.tools.as_ref().clone()))
    }

    fn get_tool(&self, name: &str) -> Option<Tool> {
        self.tools.iter().find(|t| t.name == name).cloned()
    }

    /// Routes the call; argument errors and unknown tools become `isError` results the
    /// model can read and fix, rather than JSON-RPC errors (SEP-1303).
    async fn call_tool(
        &self,
        request: CallToolRequestParams,
        context: RequestContext<RoleServer>,
    ) -> Result<CallToolResponse, ErrorData> {
        let name = request.name.clone();
        if !self.tool_router.has_route(&name) {
            return Ok(CallToolResponse::Complete(reply::error_text(format!(
                "unknown tool '{}'; the hub's tools all start with jc_ (call tools/list)",
                crate::validate::clip(&name, 64)
            ))));
        }
        // Instrumented, not entered: a guard held across the `.await` would leave the
        // span current on this thread while the call waits, for other tasks to inherit.
        let span = tracing::info_span!("tool", name = %name);
        let tcc = ToolCallContext::new(self, request, context);
        match self.tool_router.call(tcc).instrument(span).await {
            Err(e) if e.code == ErrorCode::INVALID_PARAMS => Ok(CallToolResponse::Complete(
                reply::error_text(format!("{} (tool {name})", e.message)),
            )),
            other => other,
        }
    }
}

/// Mounts the MCP service at `/mcp` and `/mcp/` (both answer; no redirect).
pub fn router(state: AppState, options: &RouterOptions) -> Router<AppState> {
    let mut hosts: Vec<String> = ["localhost", "127.0.0.1", "::1", "[::1]"]
        .into_iter()
        .map(String::from)
        .collect();
    hosts.extend(options.allowed_hosts.iter().cloned());
    let mut origins: Vec<String> = Vec::new();
    for host in &hosts {
        let host = if host.contains(':') && !host.starts_with('[') {
            format!("[{host}]")
        } else {
            host.clone()
        };
        origins.push(format!("http://{host}:*"));
        origins.push(format!("https://{host}:*"));
    }
    let config = StreamableHttpServerConfig::default()
        .with_legacy_session_mode(false)
        .with_json_response(true)
        .with_allowed_hosts(hosts)
        .with_allowed_origins(origins)
        .enforce_origin_validation()
        .with_max_request_body_bytes(BODY_LIMIT);
    let server = JcServer::new(state.hub.clone());
    let service = Arc::new(StreamableHttpService::new(
        move || Ok(server.clone()),
        Arc::new(LocalSessionManager::default()),
        config,
    ));
    // Shared, not mounted as a service: axum clones a service for every request, and
    // rmcp's clones its whole config (the host and origin lists) again inside.
    let handle = move |request: Request| {
        let service = service.clone();
        async move { service.handle(request).await }
    };
    Router::new()
        .route("/mcp", any(handle.clone()))
        .route("/mcp/", any(handle))
}
