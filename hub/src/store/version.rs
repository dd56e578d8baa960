//! The data version ([`Store::data_version`](super::Store::data_version)), read on a
//! connection of its own and shared by the calls that ask at the same time.
//!
//! A connection of its own: on SQLite, `pragma data_version` counts the commits of
//! *other* connections, so it must be a connection that never writes; on PostgreSQL, a
//! check never waits in the pool's queue behind writes holding its connections for their
//! WAL flush (with the pool's, the realistic mix lost 10-20% of its calls/s).
//!
//! A read that takes longer than a caller may wait for a pooled connection
//! ([`ACQUIRE_TIMEOUT`]) fails as such a wait does, and its connection is replaced.
//!
//! Shared, as commits are in a group commit: while one read is in flight, the calls that
//! arrive wait for the next one, which starts after they arrived and answers them all. A
//! version read before a call arrived could predate a write that call has already seen
//! acknowledged, so a call never takes one.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use sqlx::{ColumnIndex, ConnectOptions, Connection, Database, Decode, Executor, Row, Type};
use tokio::sync::Mutex;

use super::pool::ACQUIRE_TIMEOUT;

/// Reads the data version with `sql`, a statement returning it as one text column.
pub struct VersionReader<DB: Database> {
    /// Calls so far; a call's ticket is its place among them.
    arrivals: AtomicU64,
    state: Arc<Mutex<State<DB>>>,
}

struct State<DB: Database> {
    options: <DB::Connection as Connection>::Options,
    sql: &'static str,
    conn: Option<DB::Connection>,
    /// Connections opened so far. SQLite numbers versions per connection, so a version
    /// carries the number of the connection that read it.
    generation: u64,
    /// The last version read, and the last ticket that had arrived when its read began.
    last: Option<(String, u64)>,
}

impl<DB: Database> VersionReader<DB>
where
    for<'c> &'c mut DB::Connection: Executor<'c, Database = DB>,
    for<'r> String: Decode<'r, DB> + Type<DB>,
    usize: ColumnIndex<DB::Row>,
{
    /// Connects on first use.
    pub fn new(options: <DB::Connection as Connection>::Options, sql: &'static str) -> Self {
        let state = State {
            options,
            sql,
            conn: None,
            generation: 0,
            last: None,
        };
        VersionReader {
            arrivals: AtomicU64::new(0),
            state: Arc::new(Mutex::new(state)),
        }
    }

    /// A version read after this call began.
    pub async fn read(&self) -> sqlx::Result<String> {
        let ticket = self.arrivals.fetch_add(1, Ordering::SeqCst) + 1;
        let mut state = self.state.clone().lock_owned().await;
        if let Some((version, covers)) = &state.last
            && *covers >= ticket
        {
            return Ok(version.clone());
        }
        let covers = self.arrivals.load(Ordering::SeqCst);
        // In a task of its own, so a caller that goes away cannot stop the read midway
        // and leave the connection with a reply still to come.
        let read = tokio::spawn(async move {
            let result = match tokio::time::timeout(ACQUIRE_TIMEOUT, state.read()).await {
                Ok(result) => result,
                // A connection that does not answer is dropped, not waited on again.
                Err(_) => {
                    state.conn = None;
                    Err(sqlx::Error::PoolTimedOut)
                }
            };
            state.last = result.as_ref().ok().map(|v| (v.clone(), covers));
            result
        });
        read.await
            .unwrap_or_else(|e| Err(sqlx::Error::Protocol(format!("version read failed: {e}"))))
    }
}

impl<DB: Database> State<DB>
where
    for<'c> &'c mut DB::Connection: Executor<'c, Database = DB>,
    for<'r> String: Decode<'r, DB> + Type<DB>,
    usize: ColumnIndex<DB::Row>,
{
    /// Reads on the connection, opening one if there is none. A failure on a connection
    /// that was open (closed by the server while idle, say) is retried once on a new one.
    async fn read(&mut self) -> sqlx::Result<String> {
        let mut retry = self.conn.is_some();
        loop {
            if self.conn.is_none() {
                self.conn = Some(self.options.connect().await?);
                self.generation += 1;
            }
            let conn = self.conn.as_mut().expect("opened above");
            match conn
                .fetch_one(self.sql)
                .await
                .and_then(|row| row.try_get::<String, _>(0))
            {
                Ok(version) => return Ok(format!("{}/{version}", self.generation)),
                Err(e) => {
                    self.conn = None;
                    if !std::mem::take(&mut retry) {
                        return Err(e);
                    }
                }
            }
        }
    }
}
