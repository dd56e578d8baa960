//! The issue's reference points, measured on the machine of the day: rmcp's own
//! Streamable HTTP server answering a tool call with a constant (and, for scale, a plain
//! axum handler sending the same reply), and single-row INSERT commits on PostgreSQL.
//! This shared VM's speed varies by day, so the hub's numbers are read against these,
//! taken in the same run.

use std::str::FromStr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use rmcp::handler::server::router::tool::ToolRouter;
use rmcp::model::{ServerCapabilities, ServerConfig};
use rmcp::transport::streamable_http_server::session::local::LocalSessionManager;
use rmcp::transport::streamable_http_server::{StreamableHttpServerConfig, StreamableHttpService};
use rmcp::{ServerHandler, tool, tool_handler, tool_router};

use crate::load::{self, Stats};
use crate::seed::Agent;

/// A server with one tool that returns a constant, configured as the hub's `/mcp` is.
#[derive(Clone)]
struct Constant {
    tool_router: ToolRouter<Constant>,
}

#[tool_router]
impl Constant {
    /// Returns a constant.
    #[tool]
    async fn ping(&self) -> String {
        "pong".into()
    }
}

#[tool_handler(router = self.tool_router)]
impl ServerHandler for Constant {
    fn get_info(&self) -> ServerConfig {
        let mut info = ServerConfig::default();
        info.capabilities = ServerCapabilities::builder().enable_tools().build();
        info
    }
}

/// [`Constant`] served as the hub's `/mcp` is: stateless, JSON responses.
fn constant_app() -> axum::Router {
    let config = StreamableHttpServerConfig::default()
        .with_legacy_session_mode(false)
        .with_json_response(true);
    let server = Constant {
        tool_router: Constant::tool_router(),
    };
    let service = StreamableHttpService::new(
        move || Ok(server.clone()),
        Arc::new(LocalSessionManager::default()),
        config,
    );
    axum::Router::new().route_service("/mcp", service)
}

/// What rmcp's server answers a raw-driver `ping` with ([`Constant`]; checked by a test).
const PONG: &str = r#"{"jsonrpc":"2.0","id":1,"result":{"content":[{"type":"text","text":"pong"}],"isError":false}}"#;

/// A plain axum handler answering every `tools/call` with [`PONG`], with no MCP layer.
fn plain_app() -> axum::Router {
    axum::Router::new().route(
        "/mcp",
        axum::routing::post(|body: axum::body::Bytes| async move {
            // Parsed (into a `Value`; rmcp parses into its typed message), so reading
            // the request's JSON is paid for here too.
            let _: serde_json::Value = serde_json::from_slice(&body).unwrap_or_default();
            ([(http::header::CONTENT_TYPE, "application/json")], PONG)
        }),
    )
}

/// `clients` raw-driver agents calling `ping` on `app`'s `/mcp` for `seconds`.
async fn drive_ping(
    app: axum::Router,
    team: &[Agent],
    clients: usize,
    seconds: f64,
) -> anyhow::Result<Stats> {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let url = format!("http://{}/mcp", listener.local_addr()?);
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    tokio::spawn(jc_hub::http::serve(listener, app, async {
        let _ = stopped.await;
    }));
    let plan: load::Plan = |_, _, _| ("ping", serde_json::json!({}));
    let stats = load::drive(&url, team, plan, clients, seconds, load::Driver::Raw)
        .await
        .map(|run| run.all);
    let _ = stop.send(());
    stats
}

/// What answers the reference `ping`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PingServer {
    /// rmcp's own server answering a constant: the issue's yardstick.
    Rmcp,
    /// The same reply from a plain axum handler: the floor set by HTTP, the load
    /// generator and the runtime, without rmcp's per-request service.
    PlainAxum,
}

/// `clients` raw-driver agents calling `ping` on `server` for `seconds`.
pub async fn ping(
    server: PingServer,
    team: &[Agent],
    clients: usize,
    seconds: f64,
) -> anyhow::Result<Stats> {
    let app = match server {
        PingServer::Rmcp => constant_app(),
        PingServer::PlainAxum => plain_app(),
    };
    drive_ping(app, team, clients, seconds).await
}

/// Where each reference INSERT gets its connection.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InsertVia {
    /// One connection per client, held throughout: PostgreSQL's own speed.
    OwnConnection,
    /// sqlx's pool, a connection taken for every INSERT. sqlx pings each connection as
    /// it goes back (a `Sync` and its reply: a round trip).
    SqlxPool,
    /// The hub's pool (`jc_hub::store::pool`), which takes a finished connection back
    /// without a ping.
    HubPool,
}

/// `clients` connections each committing one-row INSERTs (autocommit, the server's
/// default `synchronous_commit`) into a scratch table for `seconds`, getting their
/// connection as `via` says: the differences are each pool's price per statement.
pub async fn postgres_inserts(
    url: &str,
    clients: usize,
    seconds: f64,
    via: InsertVia,
) -> anyhow::Result<Stats> {
    let pool = sqlx::postgres::PgPoolOptions::new()
        .max_connections(clients as u32)
        .connect(url)
        .await?;
    let settings = jc_hub::store::pool::Settings::new(clients as u32);
    let hub_pool = jc_hub::store::pool::Pool::<sqlx::Postgres>::connect(
        sqlx::postgres::PgConnectOptions::from_str(url)?,
        settings,
    )
    .await?;
    sqlx::query("create table if not exists bench_reference_inserts (id bigint generated always as identity primary key, agent int not null, at bigint not null)")
        .execute(&pool)
        .await?;
    let deadline = Instant::now() + Duration::from_secs_f64(seconds);
    let started = Instant::now();
    // Spawned, so the clients' work spreads over the runtime's threads as pgbench's
    // does over its own.
    let runs = (0..clients).map(|c| {
        let pool = pool.clone();
        let hub_pool = hub_pool.clone();
        tokio::spawn(async move {
            let mut hist = load::histogram();
            let mut own = match via {
                InsertVia::OwnConnection => Some(pool.acquire().await?),
                InsertVia::SqlxPool | InsertVia::HubPool => None,
            };
            while Instant::now() < deadline {
                let t = Instant::now();
                let insert =
                    sqlx::query("insert into bench_reference_inserts (agent, at) values ($1, $2)")
                        .bind(c as i32)
                        .bind(started.elapsed().as_micros() as i64);
                match (own.as_mut(), via) {
                    (Some(conn), _) => insert.execute(&mut **conn).await?,
                    (None, InsertVia::HubPool) => insert.execute(&hub_pool).await?,
                    (None, _) => insert.execute(&pool).await?,
                };
                hist.record(t.elapsed().as_micros().max(1) as u64)?;
            }
            anyhow::Ok(hist)
        })
    });
    let results = futures::future::try_join_all(runs).await?;
    let results = results.into_iter().collect::<anyhow::Result<Vec<_>>>()?;
    let stats = load::merge(&results, started.elapsed())?;
    sqlx::query("drop table bench_reference_inserts")
        .execute(&pool)
        .await?;
    pool.close().await;
    Ok(stats)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The plain handler must answer what rmcp's server answers, byte for byte.
    #[tokio::test]
    async fn plain_reply_is_rmcps_reply() {
        let _ = rustls::crypto::ring::default_provider().install_default();
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}/mcp", listener.local_addr().unwrap());
        tokio::spawn(jc_hub::http::serve(
            listener,
            constant_app(),
            std::future::pending(),
        ));
        let body = serde_json::json!({"jsonrpc": "2.0", "id": 1, "method": "tools/call",
                                      "params": {"name": "ping", "arguments": {}}});
        let reply = reqwest::Client::new()
            .post(&url)
            .header("accept", "application/json, text/event-stream")
            .header("mcp-protocol-version", "2025-03-26")
            .json(&body)
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert_eq!(reply, PONG);
    }
}
