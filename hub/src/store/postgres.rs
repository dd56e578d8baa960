//! PostgreSQL backend, for teams and production. Several hubs may share one database:
//! nothing here keeps state outside it.

use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;

use sqlx::postgres::PgConnectOptions;

use super::pool::{Pool, Settings, Tx};
use super::version::VersionReader;

pub type Db = sqlx::Postgres;
type Backend = PgStore;

// The shared SQL is compiled once per backend, against each backend's driver types.
#[allow(clippy::duplicate_mod)]
#[path = "queries/mod.rs"]
mod queries;

/// Connections idle this long are pinged before use: under load none are, and one the
/// server dropped while it sat idle is replaced rather than failing a request.
const PING_IDLE: Duration = Duration::from_secs(1);

static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("../migrations/postgres");

/// How many of a store's `max` connections reads may use at once: half, rounded up.
///
/// Reads are CPU work for the server, on cores it may share with the hub, so more of
/// them at once than cores only queue in the scheduler (round 7 of docs/BENCHMARKS.md).
/// A write spends most of its time on a connection waiting for its commit's WAL flush,
/// which takes no CPU, so writes may use all of them: on 2 cores, 8 connections for
/// writes against 4 gave the writes 7-50% more calls/s at 16 clients in most rounds
/// (round 15).
pub fn reads_allowed(max: u32) -> u32 {
    max.div_ceil(2).max(1)
}

/// The PostgreSQL store.
#[derive(Clone)]
pub struct PgStore {
    /// Reads: at most half of the connections ([`reads_allowed`]).
    pool: Pool<Db>,
    /// Writes: any of them.
    writer: Pool<Db>,
    /// Reads the server's snapshot on a connection of its own: a statement's snapshot (the
    /// transactions committed and in progress) is the same text exactly when no writing
    /// transaction (one given a transaction id) began or ended in between.
    version: Arc<VersionReader<Db>>,
}

impl PgStore {
    /// Connects to `postgres://…` with at most `max_connections` (see [`reads_allowed`])
    /// and applies migrations.
    pub async fn connect(url: &str, max_connections: u32) -> anyhow::Result<Self> {
        let mut options = PgConnectOptions::from_str(url)?;
        // JIT compiling pays off for long analytical queries, not for the hub's: memory
        // search's estimate (a probe per id bucket) crosses `jit_above_cost`, and
        // compiling then took 200 ms of a 2 ms query. A `jit` set in the URL's
        // `options` is kept.
        if !options.get_options().is_some_and(|o| o.contains("jit")) {
            options = options.options([("jit", "off")]);
        }
        // Only a connection that sat idle long enough for the server or a proxy to have
        // dropped it is pinged before use (a failed ping discards it and takes another).
        let settings = Settings {
            ping_idle: Some(PING_IDLE),
            ..Settings::new(max_connections)
        };
        let version = VersionReader::new(options.clone(), "select pg_current_snapshot()::text");
        let writer = Pool::connect(options, settings).await?;
        let store = PgStore {
            pool: writer.limited(reads_allowed(max_connections)),
            writer,
            version: Arc::new(version),
        };
        store.migrate().await?;
        Ok(store)
    }

    /// Applies pending migrations (idempotent; safe with several hubs starting at once,
    /// since sqlx takes an advisory lock).
    pub async fn migrate(&self) -> anyhow::Result<()> {
        let mut conn = self.writer.acquire().await?;
        MIGRATOR.run(&mut *conn).await?;
        conn.settle();
        Ok(())
    }

    async fn begin_write(&self) -> sqlx::Result<Tx<Db>> {
        self.writer.begin(None).await
    }

    /// A read-only transaction in which every query sees the same snapshot.
    async fn begin_read(&self) -> sqlx::Result<Tx<Db>> {
        self.pool
            .begin(Some("begin isolation level repeatable read read only"))
            .await
    }

    const BACKEND: &'static str = "postgres";
}
