//! A small MCP test client over rmcp's Streamable HTTP transport.

use std::collections::HashMap;

use rmcp::model::{CallToolRequestParams, CallToolResult, ClientConfig, ProtocolVersion};
use rmcp::service::RunningService;
use rmcp::transport::StreamableHttpClientTransport;
use rmcp::transport::streamable_http_client::StreamableHttpClientTransportConfig;
use rmcp::{ClientLifecycleMode, ClientServiceExt, RoleClient};
use serde_json::Value;

/// Which protocol generation the client speaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Era {
    /// 2026-07-28: stateless, `server/discover`, no session.
    Current,
    /// 2025-03-26: `initialize` handshake.
    Legacy,
}

pub type Client = RunningService<RoleClient, ClientConfig>;

/// Connects to `url` (ending in `/mcp` or `/mcp/`) with a bearer token and optional
/// default project.
pub async fn connect(url: &str, token: &str, project: Option<&str>, era: Era) -> Client {
    let mut headers = HashMap::new();
    if let Some(p) = project {
        headers.insert(
            http::HeaderName::from_static("x-jc-project"),
            http::HeaderValue::from_str(p).unwrap(),
        );
    }
    let config = StreamableHttpClientTransportConfig::with_uri(url.to_string())
        .auth_header(token.to_string())
        .custom_headers(headers);
    let transport = StreamableHttpClientTransport::from_config(config);
    let (mode, info) = match era {
        Era::Current => (
            ClientLifecycleMode::Discover {
                preferred_versions: vec![ProtocolVersion::V_2026_07_28],
            },
            ClientConfig::default(),
        ),
        Era::Legacy => {
            let mut info = ClientConfig::default();
            info.protocol_version = ProtocolVersion::V_2025_03_26;
            (ClientLifecycleMode::Initialize, info)
        }
    };
    info.serve_with_lifecycle(transport, mode)
        .await
        .expect("MCP client connects")
}

/// Calls a tool with JSON arguments.
pub async fn call(client: &Client, tool: &str, args: Value) -> CallToolResult {
    let args = match args {
        Value::Object(map) => map,
        Value::Null => Default::default(),
        other => panic!("arguments must be an object, got {other}"),
    };
    client
        .call_tool(CallToolRequestParams::new(tool.to_string()).with_arguments(args))
        .await
        .unwrap_or_else(|e| panic!("{tool} failed at the protocol level: {e}"))
}

/// The text of a result.
pub fn text(result: &CallToolResult) -> String {
    result
        .content
        .iter()
        .filter_map(|c| c.as_text().map(|t| t.text.clone()))
        .collect::<Vec<_>>()
        .join("\n")
}

/// Calls a tool that must succeed; returns its structured content and text.
pub async fn ok(client: &Client, tool: &str, args: Value) -> (Value, String) {
    let result = call(client, tool, args).await;
    assert_ne!(
        result.is_error,
        Some(true),
        "{tool} returned an error: {}",
        text(&result)
    );
    let structured = result
        .structured_content
        .clone()
        .unwrap_or_else(|| panic!("{tool} returned no structuredContent"));
    (structured, text(&result))
}

/// Calls a tool that must fail with `isError`; returns the error text.
pub async fn err(client: &Client, tool: &str, args: Value) -> String {
    let result = call(client, tool, args).await;
    assert_eq!(
        result.is_error,
        Some(true),
        "{tool} should have failed but returned: {}",
        text(&result)
    );
    text(&result)
}

/// Generates one test per backend and protocol era for each `async fn(Backend, Era)`.
#[macro_export]
macro_rules! on_backends_and_eras {
    ($($name:ident),+ $(,)?) => {
        $(
            mod $name {
                use jc_tests::Backend;
                use $crate::client::Era;
                #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
                async fn sqlite_current() { super::$name(Backend::Sqlite, Era::Current).await; }
                #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
                async fn sqlite_legacy() { super::$name(Backend::Sqlite, Era::Legacy).await; }
                #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
                async fn postgres_current() { super::$name(Backend::Postgres, Era::Current).await; }
                #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
                async fn postgres_legacy() { super::$name(Backend::Postgres, Era::Legacy).await; }
            }
        )+
    };
}
