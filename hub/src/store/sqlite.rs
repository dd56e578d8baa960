//! Embedded SQLite backend: one file in the data directory, WAL journal, foreign keys on.
//!
//! SQLite runs one writer at a time. Write transactions therefore go through a pool of a
//! single connection, so concurrent writers wait their turn in a fair in-process queue
//! instead of sleeping in SQLite's busy handler (which made tail latency spike); reads use
//! their own pool and, in WAL mode, never wait for the writer. Writes still `begin
//! immediate`, in case another process writes to the same file.
//!
//! The WAL is copied back into the database file by a connection of its own, in the
//! background, rather than by the writer after every 1,000 pages as SQLite does by
//! default: each such checkpoint stalled every write queued behind it. With the copying
//! in the background the writes did 9-30% more calls/s at 16 clients, p99 no worse
//! (docs/BENCHMARKS.md, round 7). A passive checkpoint cannot restart the WAL while
//! writes keep coming, so under sustained writes the writer still checkpoints, and
//! restarts it, at [`WRITER_CHECKPOINT_PAGES`], by then with little left to copy; the WAL
//! file then stays about 40 MB.

use std::path::Path;
use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;

use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqliteSynchronous};

use super::pool::{Pool, Settings, Tx};
use super::version::VersionReader;

pub type Db = sqlx::Sqlite;
type Backend = SqliteStore;

// The shared SQL is compiled once per backend, against each backend's driver types.
#[allow(clippy::duplicate_mod)]
#[path = "queries/mod.rs"]
mod queries;

/// Up to this much of the database file is memory-mapped (address space, not memory).
const MMAP_SIZE: u64 = 1 << 30;

/// How often the background connection checkpoints the WAL (a passive checkpoint, which
/// neither waits for nor blocks the writer or the readers).
const CHECKPOINT_EVERY: Duration = Duration::from_millis(100);

/// The writer checkpoints only past this many WAL pages (40 MB; SQLite's default is
/// 1,000): a backstop for a background checkpointer that cannot keep up.
const WRITER_CHECKPOINT_PAGES: u32 = 10_000;

static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("../migrations/sqlite");

/// The SQLite store.
#[derive(Clone)]
pub struct SqliteStore {
    /// Readers (and migrations).
    pool: Pool<Db>,
    /// The one writer.
    writer: Pool<Db>,
    /// Reads `pragma data_version` on a connection of its own that never writes, so
    /// that every commit (by the writer or by another process) changes it.
    version: Arc<VersionReader<Db>>,
    /// Stops the background checkpoints when the last clone of the store is dropped.
    _checkpoints: Arc<Checkpoints>,
}

/// The background checkpoint task, stopped on drop.
struct Checkpoints(tokio::task::JoinHandle<()>);

impl Drop for Checkpoints {
    fn drop(&mut self) {
        self.0.abort();
    }
}

/// Checkpoints the WAL every [`CHECKPOINT_EVERY`] on `pool`'s connection, forever.
async fn checkpoint_forever(pool: Pool<Db>) {
    let mut tick = tokio::time::interval(CHECKPOINT_EVERY);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let mut failing = false;
    loop {
        tick.tick().await;
        match sqlx::query("pragma wal_checkpoint(passive)")
            .execute(&pool)
            .await
        {
            Ok(_) => failing = false,
            // Logged once per run of failures, not every tick.
            Err(e) if !failing => {
                failing = true;
                tracing::warn!(error = %e, "WAL checkpoint failed; the writer checkpoints past 40 MB of WAL instead");
            }
            Err(_) => {}
        }
    }
}

impl SqliteStore {
    /// Opens (creating if needed) the database file and applies migrations; at most
    /// `readers` connections read at once, besides the one writer.
    pub async fn open(path: &Path, readers: u32) -> anyhow::Result<Self> {
        let options = SqliteConnectOptions::new().filename(path);
        Self::connect(options, readers).await
    }

    /// Opens a `sqlite:` URL (e.g. `sqlite::memory:` or `sqlite:///tmp/x.db`).
    pub async fn open_url(url: &str, readers: u32) -> anyhow::Result<Self> {
        Self::connect(SqliteConnectOptions::from_str(url)?, readers).await
    }

    async fn connect(options: SqliteConnectOptions, readers: u32) -> anyhow::Result<Self> {
        let options = options
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Normal)
            .foreign_keys(true)
            .busy_timeout(Duration::from_secs(10))
            // Reads of a large database go through memory-mapped pages shared by every
            // connection instead of a `pread` and a copy into each connection's own small
            // page cache. Mapped pages belong to the OS page cache, not the heap.
            .pragma("mmap_size", MMAP_SIZE.to_string())
            .pragma("wal_autocheckpoint", WRITER_CHECKPOINT_PAGES.to_string());
        // The connections live in this process and cannot be dropped by a server, so
        // they are never pinged before use.
        let pool = Pool::connect(options.clone(), Settings::new(readers)).await?;
        let writer = Pool::connect(options.clone(), Settings::new(1)).await?;
        let checkpointer = Pool::connect(options.clone(), Settings::new(1)).await?;
        let checkpoints = Checkpoints(tokio::spawn(checkpoint_forever(checkpointer)));
        let version = VersionReader::new(
            options,
            "select cast(data_version as text) from pragma_data_version",
        );
        let store = SqliteStore {
            pool,
            writer,
            version: Arc::new(version),
            _checkpoints: Arc::new(checkpoints),
        };
        store.migrate().await?;
        Ok(store)
    }

    /// Applies pending migrations (idempotent).
    pub async fn migrate(&self) -> anyhow::Result<()> {
        let mut conn = self.pool.acquire().await?;
        MIGRATOR.run(&mut *conn).await?;
        conn.settle();
        Ok(())
    }

    async fn begin_write(&self) -> sqlx::Result<Tx<Db>> {
        self.writer.begin(Some("begin immediate")).await
    }

    /// A read transaction: in WAL mode every query in it sees the same snapshot.
    async fn begin_read(&self) -> sqlx::Result<Tx<Db>> {
        self.pool.begin(None).await
    }

    const BACKEND: &'static str = "sqlite";
}
