//! The reference points, measured on the machine of the day: rmcp's own
//! Streamable HTTP server answering a tool call with a constant, and single-row INSERT
//! commits on PostgreSQL. This shared VM's speed varies by day, so the hub's numbers
//! are read against these, taken in the same run.

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

/// `clients` raw-driver agents calling `ping` on [`Constant`] for `seconds`.
pub async fn constant_tool(team: &[Agent], clients: usize, seconds: f64) -> anyhow::Result<Stats> {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let url = format!("http://{}/mcp", listener.local_addr()?);
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
    let app = axum::Router::new().route_service("/mcp", service);
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    tokio::spawn(jc_hub::http::serve(listener, app, async {
        let _ = stopped.await;
    }));
    let plan: load::Plan = |_, _, _| ("ping", serde_json::json!({}));
    let stats = load::drive(&url, team, plan, clients, seconds, load::Driver::Raw).await;
    let _ = stop.send(());
    stats
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
