//! `jc-bench`: starts a hub on SQLite and/or PostgreSQL, loads realistic data, drives it
//! over real MCP (Streamable HTTP, protocol 2026-07-28) with N concurrent simulated
//! agents, and prints a Markdown table of calls/s and latency percentiles per tool, for a
//! realistic mix, for `jc_start` at scale and for memory search over a million memories.
//!
//! The load generator runs in the same process and on the same cores as the hub, as an
//! agent host on the same machine would.

mod db;
mod load;
mod reference;
mod report;
mod seed;

use clap::Parser;

/// The allocator `jc-hub serve` uses, so the in-process hub behaves as the real one.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[derive(Debug, Clone, Parser)]
#[command(name = "jc-bench", about = "Benchmark JustClone Hub over real MCP")]
pub struct Args {
    /// Backends to measure.
    #[arg(long, value_delimiter = ',', default_value = "sqlite,postgres")]
    pub backend: Vec<db::Kind>,
    /// Concurrent simulated agents.
    #[arg(long, default_value_t = 16)]
    pub clients: usize,
    /// How agents talk to the hub: `raw` HTTP posts (the hub's own cost) and/or `rmcp`
    /// clients (client cost included).
    #[arg(long, value_delimiter = ',', default_value = "raw,rmcp")]
    pub driver: Vec<load::Driver>,
    /// Only these per-tool scenarios (e.g. `jc_get_task,mix`); all when omitted.
    #[arg(long, value_delimiter = ',')]
    pub scenario: Vec<String>,
    /// Skip the at-scale scenarios (`jc_start` at scale, search over a million memories).
    #[arg(long)]
    pub no_scale: bool,
    /// Skip the reference points (rmcp's constant tool; PostgreSQL one-row INSERTs).
    #[arg(long)]
    pub no_reference: bool,
    /// Keep the benchmark database afterwards and print where it is (to study query
    /// plans on the loaded data).
    #[arg(long)]
    pub keep_database: bool,
    /// Seconds per scenario.
    #[arg(long, default_value_t = 5.0)]
    pub seconds: f64,
    /// Tasks, memories and members for the `jc_start`-at-scale scenario.
    #[arg(long, default_value_t = 10_000)]
    pub scale_tasks: i64,
    #[arg(long, default_value_t = 100_000)]
    pub scale_memories: i64,
    #[arg(long, default_value_t = 50)]
    pub scale_members: usize,
    /// Searches measured in the search scenario.
    #[arg(long, default_value_t = 300)]
    pub search_samples: usize,
    /// Memories for the search scenario (0 skips it).
    #[arg(long, default_value_t = 1_000_000)]
    pub search_memories: i64,
    /// PostgreSQL server used to create the benchmark database.
    #[arg(
        long,
        env = "JC_BENCH_DATABASE_URL",
        default_value = "postgres://postgres@127.0.0.1:5432/postgres"
    )]
    pub pg_admin_url: String,
    /// The hub's database connections (its `--db-connections`); the hub's default when
    /// omitted.
    #[arg(long)]
    pub db_connections: Option<u32>,
}

impl Args {
    /// The hub's database connections on `kind`: as set, else the hub's default there.
    pub fn db_connections(&self, kind: db::Kind) -> u32 {
        self.db_connections.unwrap_or_else(|| match kind {
            db::Kind::Sqlite => jc_hub::store::pool::default_size(),
            db::Kind::Postgres => jc_hub::store::pool::default_pg_size(),
        })
    }

    fn connections_label(&self) -> String {
        match self.db_connections {
            Some(n) => format!("{n} (set)"),
            None => format!(
                "the hub's defaults ({} SQLite readers, {} PostgreSQL)",
                self.db_connections(db::Kind::Sqlite),
                self.db_connections(db::Kind::Postgres)
            ),
        }
    }
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    // As `jc-hub serve` logs (info unless `RUST_LOG` says otherwise): its request and
    // tool spans are part of every call's cost.
    jc_hub::logging::init("info", false);
    let _ = rustls::crypto::ring::default_provider().install_default();
    println!("{}", report::machine(&args.connections_label()));
    for kind in &args.backend {
        let rows = run_backend(*kind, &args).await?;
        println!("{}", report::table(*kind, &args, &rows));
    }
    Ok(())
}

async fn run_backend(kind: db::Kind, args: &Args) -> anyhow::Result<Vec<report::Row>> {
    eprintln!("== {kind:?}: preparing");
    let database =
        db::Database::create(kind, &args.pg_admin_url, args.db_connections(kind)).await?;
    let server = load::Server::start(&database).await?;
    let team = seed::team(&server, args.clients).await?;
    let mut rows = Vec::new();
    if !args.no_reference {
        eprintln!("== {kind:?}: reference points");
        for (server, name) in [
            (
                reference::PingServer::Rmcp,
                "reference: rmcp server, constant tool (raw)",
            ),
            (
                reference::PingServer::PlainAxum,
                "reference: plain axum handler, the same reply (raw)",
            ),
        ] {
            let stats = reference::ping(server, &team, args.clients, args.seconds).await?;
            rows.push(report::Row::new(name.into(), "ref", args.clients, stats));
        }
        if kind == db::Kind::Postgres {
            for (via, name) in [
                (
                    reference::InsertVia::OwnConnection,
                    "reference: PostgreSQL one-row INSERT commits, a connection each",
                ),
                (
                    reference::InsertVia::SqlxPool,
                    "reference: the same through sqlx's pool",
                ),
                (
                    reference::InsertVia::HubPool,
                    "reference: the same through the hub's pool",
                ),
            ] {
                let stats =
                    reference::postgres_inserts(&database.url, args.clients, args.seconds, via)
                        .await?;
                rows.push(report::Row::new(name.into(), "ref", args.clients, stats));
            }
        }
    }
    for driver in &args.driver {
        for scenario in load::scenarios() {
            let wanted = args.scenario.is_empty()
                || args
                    .scenario
                    .iter()
                    .any(|s| scenario.name.starts_with(s.as_str()));
            if !wanted {
                continue;
            }
            eprintln!("== {kind:?}: {} ({driver:?})", scenario.name);
            let run = load::run(
                &server,
                &team,
                &scenario,
                args.clients,
                args.seconds,
                *driver,
            )
            .await?;
            let name = format!("{} ({driver:?})", scenario.name).to_lowercase();
            rows.push(report::Row::new(name, scenario.kind, args.clients, run.all));
            // What the mix's calls cost, tool by tool.
            if scenario.kind == "mix" {
                for (tool, stats) in run.by_tool {
                    let name = format!("… of which {tool}");
                    rows.push(report::Row::new(name, scenario.kind, args.clients, stats));
                }
            }
            // A write scenario adds thousands of rows in seconds, faster than autovacuum
            // looks (every minute): without this, the next scenario would run on the plans
            // PostgreSQL cached for a table of 200 tasks (a scan of 10,000).
            database.settle().await?;
        }
    }
    if args.no_scale {
        server.stop();
        finish(database, args).await;
        return Ok(rows);
    }
    eprintln!("== {kind:?}: seeding jc_start scale data");
    let scale = seed::scale(&server, &database, args).await?;
    // The first calls run on connections that have not yet planned these statements:
    // PostgreSQL plans each statement afresh for its first five executions on a
    // connection (custom plans), up to 4 ms for the active tasks' union at this scale.
    // They are measured apart, then the steady state.
    let cold = load::repeat(&scale.client, "jc_start", serde_json::json!({}), 30).await?;
    let stats = load::repeat(&scale.client, "jc_start", serde_json::json!({}), 300).await?;
    rows.push(report::Row::new(
        "jc_start at scale (rmcp, 1 client)".into(),
        "scale",
        1,
        stats,
    ));
    rows.push(report::Row::new(
        "… its first 30 calls, on fresh connections".into(),
        "scale",
        1,
        cold,
    ));
    // A member who has used no memory: the hot cache is the most used hot memories of
    // the project and the global ones, read from the ranking indexes.
    let stats = load::repeat(&scale.newcomer, "jc_start", serde_json::json!({}), 300).await?;
    rows.push(report::Row::new(
        "jc_start at scale, a member who used no memory (rmcp, 1 client)".into(),
        "scale",
        1,
        stats,
    ));
    if args.search_memories > 0 {
        eprintln!(
            "== {kind:?}: seeding {} memories for search",
            args.search_memories
        );
        seed::search_corpus(&database, &scale, args.search_memories).await?;
        let (stats, kinds) = load::search(&scale.client, args.search_samples).await?;
        rows.push(report::Row::new(
            format!(
                "jc_search_memory, +{} memories (rmcp, 1 client)",
                args.search_memories
            ),
            "scale",
            1,
            stats,
        ));
        for (kind, stats) in load::SEARCH_KINDS.iter().zip(kinds) {
            rows.push(report::Row::new(
                format!("… of which {kind}"),
                "scale",
                1,
                stats,
            ));
        }
    }
    server.stop();
    finish(database, args).await;
    Ok(rows)
}

async fn finish(database: db::Database, args: &Args) {
    if args.keep_database {
        eprintln!("== kept database: {}", database.url);
        database.keep();
    } else {
        database.drop_database().await;
    }
}
