//! The connection pool both backends use in place of sqlx's.
//!
//! sqlx's pool pings every connection as it comes back, in a task spawned for it: on
//! PostgreSQL a round trip per statement, on SQLite a hop to the connection's thread and
//! back. The ping is there for a connection whose statement was cancelled mid-flight (its
//! reply still on the wire) or whose transaction was dropped (its rollback still queued).
//! This pool knows when that happened instead: a [`Lease`] is *settled* only once the work
//! it was taken for finished, so a settled lease goes straight back to the idle list. An
//! unsettled one (cancelled, failed, or a transaction dropped without commit) is cleaned up
//! in the background, still counted against the cap: the ping flushes any queued rollback
//! and waits out whatever the server still sends, and only then is the connection
//! returned; if that fails, it is closed.
//!
//! Idle connections are kept newest first. One idle for [`Settings::ping_idle`] is pinged
//! before use (a server or proxy may have dropped it); one idle for
//! [`Settings::idle_timeout`] or older than [`Settings::max_lifetime`] is closed (by
//! default after 10 and 30 minutes, as sqlx's pool does).

use std::fmt;
use std::ops::{Deref, DerefMut};
use std::sync::{Arc, Mutex, Weak};
use std::time::{Duration, Instant};

use futures::future::{self, BoxFuture};
use futures::stream::{self, BoxStream, StreamExt, TryStreamExt};
use sqlx::{
    ConnectOptions, Connection, Database, Describe, Either, Error, Execute, Executor, SqlStr,
};
use sqlx_core::transaction::TransactionManager;
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

/// How long a caller waits for a connection before the request fails (sqlx's default).
pub const ACQUIRE_TIMEOUT: Duration = Duration::from_secs(30);
/// A cancelled or failed connection that cannot be made ready in this long is closed.
const CLEANUP_TIMEOUT: Duration = Duration::from_secs(30);
/// Idle connections are checked against their limits at least this often.
const REAP_EVERY: Duration = Duration::from_secs(60);

/// The default most connections reading at once (SQLite's readers, besides its one
/// writer; PostgreSQL's reads): twice the CPU cores. Reads are CPU-bound work for the
/// database; more connections than cores can run only queue in the operating system's
/// scheduler, where a statement is preempted midway, instead of in the pool's fair queue.
/// On 2 cores and 16 clients, 4 PostgreSQL connections against 32 halved the p99 of
/// `jc_get_state` and `jc_search_memory` and of `jc_start` (docs/BENCHMARKS.md, round 7).
pub fn default_size() -> u32 {
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    (cores * 2).clamp(2, 64) as u32
}

/// The default most connections a PostgreSQL store opens: twice [`default_size`], of
/// which reads may use half (`PgStore`'s `reads_allowed`) and writes, which mostly wait
/// for their WAL flush, all. At most 64, as before writes had their own share, so a hub
/// on a big machine stays well inside PostgreSQL's default `max_connections` of 100.
pub fn default_pg_size() -> u32 {
    (default_size() * 2).min(64)
}

/// What a pool may hold and how it checks idle connections.
#[derive(Debug, Clone, Copy)]
pub struct Settings {
    /// At most this many connections, idle, in use or being cleaned up.
    pub max_connections: u32,
    /// Ping a connection before use if it sat idle this long; `None` never pings.
    pub ping_idle: Option<Duration>,
    /// Close a connection idle this long.
    pub idle_timeout: Duration,
    /// Close a connection this old rather than reuse it.
    pub max_lifetime: Duration,
}

impl Settings {
    /// At most `max_connections`, never pinged, closed after 10 minutes idle or 30
    /// minutes old (sqlx's defaults).
    pub fn new(max_connections: u32) -> Self {
        Settings {
            max_connections,
            ping_idle: None,
            idle_timeout: Duration::from_secs(600),
            max_lifetime: Duration::from_secs(1800),
        }
    }
}

/// A pool of connections to one database. Cloning shares it.
pub struct Pool<DB: Database> {
    inner: Arc<Inner<DB>>,
    /// A [`Pool::limited`] view's own cap, taken before the pool's.
    lane: Option<Arc<Semaphore>>,
}

impl<DB: Database> Clone for Pool<DB> {
    fn clone(&self) -> Self {
        Pool {
            inner: self.inner.clone(),
            lane: self.lane.clone(),
        }
    }
}

impl<DB: Database> fmt::Debug for Pool<DB> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Pool")
            .field("settings", &self.inner.settings)
            .field("idle", &self.idle_count())
            .finish()
    }
}

struct Inner<DB: Database> {
    options: <DB::Connection as Connection>::Options,
    settings: Settings,
    /// One per connection the pool may have; a lease (or a cleanup) holds one.
    permits: Arc<Semaphore>,
    /// Newest last.
    idle: Mutex<Vec<Idle<DB>>>,
}

struct Idle<DB: Database> {
    conn: DB::Connection,
    born: Instant,
    since: Instant,
}

impl<DB: Database> Inner<DB> {
    async fn open(&self) -> Result<DB::Connection, Error> {
        ConnectOptions::connect(&self.options).await
    }

    fn idle(&self) -> std::sync::MutexGuard<'_, Vec<Idle<DB>>> {
        // The lock only guards pushes and pops, which cannot panic halfway.
        self.idle.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn give_back(&self, conn: DB::Connection, born: Instant) {
        if born.elapsed() < self.settings.max_lifetime {
            let since = Instant::now();
            self.idle().push(Idle { conn, born, since });
        }
    }

    fn expired(&self, c: &Idle<DB>) -> bool {
        c.since.elapsed() >= self.settings.idle_timeout
            || c.born.elapsed() >= self.settings.max_lifetime
    }

    /// Closes idle connections past their idle timeout or lifetime.
    fn reap(&self) {
        let stale: Vec<Idle<DB>> = {
            let mut idle = self.idle();
            let (keep, stale) = std::mem::take(&mut *idle)
                .into_iter()
                .partition(|c| !self.expired(c));
            *idle = keep;
            stale
        };
        for c in stale {
            tokio::spawn(async move {
                let _ = c.conn.close().await;
            });
        }
    }
}

impl<DB: Database> Pool<DB> {
    /// Opens one connection (so a bad URL or an unreachable server fails here, not on the
    /// first request) and keeps it idle. Must be called inside a Tokio runtime.
    pub async fn connect(
        options: <DB::Connection as Connection>::Options,
        settings: Settings,
    ) -> Result<Self, Error> {
        let max = settings.max_connections.max(1) as usize;
        let inner = Arc::new(Inner {
            options,
            settings,
            permits: Arc::new(Semaphore::new(max)),
            idle: Mutex::new(Vec::with_capacity(max)),
        });
        let first = inner.open().await?;
        inner.give_back(first, Instant::now());
        let every = (settings.idle_timeout / 2).clamp(Duration::from_millis(10), REAP_EVERY);
        tokio::spawn(reaper(Arc::downgrade(&inner), every));
        Ok(Pool { inner, lane: None })
    }

    /// A view of this pool's connections through which at most `max` are in use at once
    /// (besides what the pool itself allows): the pool's other users can still take the
    /// rest. Views share the idle connections, and each is a lane of its own.
    pub fn limited(&self, max: u32) -> Self {
        Pool {
            inner: self.inner.clone(),
            lane: Some(Arc::new(Semaphore::new(max.max(1) as usize))),
        }
    }

    /// Connections idle right now.
    pub fn idle_count(&self) -> usize {
        self.inner.idle().len()
    }

    /// A connection of its own, newest idle first, else a new one. Fails with
    /// [`Error::PoolTimedOut`] after [`ACQUIRE_TIMEOUT`].
    pub async fn acquire(&self) -> Result<Lease<DB>, Error> {
        let permits = async {
            let lane = match &self.lane {
                Some(lane) => Some(lane.clone().acquire_owned().await?),
                None => None,
            };
            let pool = self.inner.permits.clone().acquire_owned().await?;
            Ok::<_, tokio::sync::AcquireError>(Permit {
                _pool: pool,
                _lane: lane,
            })
        };
        let permit = tokio::time::timeout(ACQUIRE_TIMEOUT, permits)
            .await
            .map_err(|_| Error::PoolTimedOut)?
            .map_err(|_| Error::PoolClosed)?;
        loop {
            let idle = self.inner.idle().pop();
            let (conn, born) = match idle {
                Some(c) if self.inner.expired(&c) => continue,
                Some(mut c) => {
                    let stale = self
                        .inner
                        .settings
                        .ping_idle
                        .is_some_and(|d| c.since.elapsed() >= d);
                    if stale && c.conn.ping().await.is_err() {
                        continue;
                    }
                    (c.conn, c.born)
                }
                None => (self.inner.open().await?, Instant::now()),
            };
            return Ok(Lease {
                conn: Some(conn),
                born,
                settled: false,
                permit: Some(permit),
                pool: self.inner.clone(),
            });
        }
    }

    /// Starts a transaction (`statement` replaces a plain `begin`, e.g. with an isolation
    /// level). Dropped without [`Tx::commit`], it is rolled back.
    pub async fn begin(&self, statement: Option<&'static str>) -> Result<Tx<DB>, Error> {
        let mut lease = self.acquire().await?;
        DB::TransactionManager::begin(lease.conn(), statement.map(SqlStr::from_static)).await?;
        Ok(Tx { lease, open: true })
    }
}

async fn reaper<DB: Database>(pool: Weak<Inner<DB>>, every: Duration) {
    let mut tick = tokio::time::interval(every);
    tick.tick().await;
    loop {
        tick.tick().await;
        match pool.upgrade() {
            Some(pool) => pool.reap(),
            None => return,
        }
    }
}

/// What a lease holds its place with: one of the pool's permits and, taken through a
/// [`Pool::limited`] view, one of the view's.
struct Permit {
    _pool: OwnedSemaphorePermit,
    _lane: Option<OwnedSemaphorePermit>,
}

/// A connection taken from the pool; dropped, it goes back (see the module's docs).
pub struct Lease<DB: Database> {
    conn: Option<DB::Connection>,
    born: Instant,
    settled: bool,
    permit: Option<Permit>,
    pool: Arc<Inner<DB>>,
}

impl<DB: Database> Lease<DB> {
    /// Marks the work done: the connection was used to the end of its last statement
    /// (and of any transaction), so it can go straight back to the pool.
    pub fn settle(&mut self) {
        self.settled = true;
    }

    fn conn(&mut self) -> &mut DB::Connection {
        self
    }
}

impl<DB: Database> Deref for Lease<DB> {
    type Target = DB::Connection;

    fn deref(&self) -> &DB::Connection {
        // `conn` is only taken in `drop`.
        self.conn
            .as_ref()
            .expect("lease holds its connection until dropped")
    }
}

impl<DB: Database> DerefMut for Lease<DB> {
    fn deref_mut(&mut self) -> &mut DB::Connection {
        self.conn
            .as_mut()
            .expect("lease holds its connection until dropped")
    }
}

impl<DB: Database> Drop for Lease<DB> {
    fn drop(&mut self) {
        let Some(mut conn) = self.conn.take() else {
            return;
        };
        let permit = self.permit.take();
        if self.settled && !conn.should_flush() && !conn.is_in_transaction() {
            self.pool.give_back(conn, self.born);
            drop(permit);
            return;
        }
        // Outside a runtime (shutting down) the connection is simply closed.
        let Ok(runtime) = tokio::runtime::Handle::try_current() else {
            return;
        };
        let pool = self.pool.clone();
        let born = self.born;
        runtime.spawn(async move {
            let ready = tokio::time::timeout(CLEANUP_TIMEOUT, conn.ping()).await;
            if matches!(ready, Ok(Ok(()))) && !conn.is_in_transaction() {
                pool.give_back(conn, born);
            }
            drop(permit);
        });
    }
}

/// A transaction on a leased connection. Use `&mut *tx` as the executor.
pub struct Tx<DB: Database> {
    lease: Lease<DB>,
    open: bool,
}

impl<DB: Database> Tx<DB> {
    /// Commits; the connection goes back to the pool when `self` is dropped.
    pub async fn commit(mut self) -> Result<(), Error> {
        DB::TransactionManager::commit(self.lease.conn()).await?;
        self.open = false;
        self.lease.settle();
        Ok(())
    }
}

impl<DB: Database> Deref for Tx<DB> {
    type Target = DB::Connection;

    fn deref(&self) -> &DB::Connection {
        &self.lease
    }
}

impl<DB: Database> DerefMut for Tx<DB> {
    fn deref_mut(&mut self) -> &mut DB::Connection {
        &mut self.lease
    }
}

impl<DB: Database> Drop for Tx<DB> {
    fn drop(&mut self) {
        if self.open {
            // Queued, not sent: the lease is unsettled, so its cleanup sends it.
            DB::TransactionManager::start_rollback(self.lease.conn());
        }
    }
}

/// Runs one call on a connection of its own (`$conn`), settling the lease only once the
/// call returned `Ok`: an error or a cancellation leaves it to the cleanup.
macro_rules! leased {
    ($pool:expr, $conn:ident => $call:expr) => {{
        let pool = $pool.clone();
        Box::pin(async move {
            let mut lease = pool.acquire().await?;
            let $conn = lease.conn();
            let out = $call.await?;
            lease.settle();
            Ok(out)
        })
    }};
}

/// `&pool` runs one statement on a connection of its own, like sqlx's `&Pool`. Rows are
/// collected before they are handed on, so the connection is settled (or not) right there.
impl<'p, DB: Database> Executor<'p> for &'_ Pool<DB>
where
    for<'c> &'c mut DB::Connection: Executor<'c, Database = DB>,
{
    type Database = DB;

    fn fetch_many<'e, 'q: 'e, E>(
        self,
        query: E,
    ) -> BoxStream<'e, Result<Either<DB::QueryResult, DB::Row>, Error>>
    where
        E: 'q + Execute<'q, DB>,
    {
        let all: BoxFuture<'e, Result<Vec<_>, Error>> =
            leased!(self, conn => conn.fetch_many(query).try_collect::<Vec<_>>());
        stream::once(all)
            .flat_map(|steps| match steps {
                Ok(steps) => stream::iter(steps.into_iter().map(Ok)).left_stream(),
                Err(e) => stream::once(future::ready(Err(e))).right_stream(),
            })
            .boxed()
    }

    fn fetch_optional<'e, 'q: 'e, E>(
        self,
        query: E,
    ) -> BoxFuture<'e, Result<Option<DB::Row>, Error>>
    where
        E: 'q + Execute<'q, DB>,
    {
        leased!(self, conn => conn.fetch_optional(query))
    }

    fn execute<'e, 'q: 'e, E>(self, query: E) -> BoxFuture<'e, Result<DB::QueryResult, Error>>
    where
        E: 'q + Execute<'q, DB>,
    {
        leased!(self, conn => conn.execute(query))
    }

    fn fetch_all<'e, 'q: 'e, E>(self, query: E) -> BoxFuture<'e, Result<Vec<DB::Row>, Error>>
    where
        E: 'q + Execute<'q, DB>,
    {
        leased!(self, conn => conn.fetch_all(query))
    }

    fn prepare_with<'e>(
        self,
        sql: SqlStr,
        parameters: &'e [DB::TypeInfo],
    ) -> BoxFuture<'e, Result<DB::Statement, Error>>
    where
        'p: 'e,
    {
        leased!(self, conn => conn.prepare_with(sql, parameters))
    }

    fn describe<'e>(self, sql: SqlStr) -> BoxFuture<'e, Result<Describe<DB>, Error>> {
        leased!(self, conn => conn.describe(sql))
    }
}
