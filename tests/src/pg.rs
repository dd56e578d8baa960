//! Per-test PostgreSQL schemas, recycled within a process.
//!
//! Creating a migrated schema costs about 50 ms of DDL, and sqlx runs migrations one at a
//! time per database, so hundreds of tests would spend most of their time there. Instead a
//! process keeps the schemas its finished tests used and hands each to a later test after
//! deleting every row and resetting the sequences. Every test still starts from empty,
//! migrated tables that no other test touches while it runs.
//!
//! A janitor thread does this work off the tests' path: it owns one connection, creates
//! schemas on request and empties released ones before they go back to the pool, so
//! taking a schema is usually just popping a name.
//!
//! Schemas live in the database `jc_test` and are named `jct_<owner>_<n>`. `owner` is a
//! random number whose advisory lock the janitor's connection holds for as long as the
//! process lives. A process that finds schemas whose owner lock is free knows their
//! process has exited, and drops them. Processes sharing a server (parallel `cargo test`
//! runs, CI jobs) never touch each other's schemas.

use std::sync::Mutex;

use sqlx::{AssertSqlSafe, Connection, PgConnection};
use tokio::sync::{OnceCell, mpsc, oneshot};

use super::{pg_admin_url, with_database};

/// The database holding every test schema.
const DB: &str = "jc_test";
/// First key of the two-key advisory locks that mark live owners ("jc"); keeps them apart
/// from sqlx's single-key migration locks.
const LOCK_CLASS: i32 = 0x6a63;

/// Work for the janitor.
enum Job {
    /// Create a new empty schema and reply with its name.
    Create(oneshot::Sender<String>),
    /// Empty a schema a test has finished with and return it to the pool.
    Release(String),
}

struct Pool {
    /// Empty, migrated (or never used) schemas ready for a test.
    free: Mutex<Vec<String>>,
    jobs: mpsc::UnboundedSender<Job>,
}

static POOL: OnceCell<Pool> = OnceCell::const_new();

/// The test database, without a schema.
fn db_url() -> String {
    with_database(&pg_admin_url(), DB)
}

/// A URL whose connections see only `schema` (and `public`, for extensions: see
/// [`prepare_extensions`]). Commits do not wait for the WAL flush
/// (`synchronous_commit=off`): durability means nothing to a test, and a flush per commit
/// was most of the suite's time. Visibility and locking are unchanged.
pub(crate) fn schema_url(schema: &str) -> String {
    let base = db_url();
    let sep = if base.contains('?') { '&' } else { '?' };
    format!(
        "{base}{sep}options=-c%20search_path%3D{schema}%2Cpublic%20-c%20synchronous_commit%3Doff"
    )
}

/// An empty schema for one test.
pub(crate) async fn acquire() -> String {
    let pool = pool().await;
    if let Some(name) = pool.free.lock().expect("pool").pop() {
        return name;
    }
    acquire_new().await
}

/// A schema no test has used, not yet migrated (for tests of the migrations themselves).
pub(crate) async fn acquire_new() -> String {
    let (reply, created) = oneshot::channel();
    pool()
        .await
        .jobs
        .send(Job::Create(reply))
        .expect("the schema janitor stopped");
    created.await.expect("the schema janitor stopped")
}

/// Hands a schema back; the janitor empties it before any other test can take it.
pub(crate) fn release(name: String) {
    if let Some(pool) = POOL.get() {
        let _ = pool.jobs.send(Job::Release(name));
    }
}

async fn pool() -> &'static Pool {
    POOL.get_or_init(|| async {
        let (jobs, queue) = mpsc::unbounded_channel();
        let (ready, started) = oneshot::channel();
        std::thread::Builder::new()
            .name("pg-schema-janitor".into())
            .spawn(move || {
                let rt = tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                    .expect("runtime");
                rt.block_on(janitor(queue, ready));
            })
            .expect("spawn the schema janitor");
        started.await.expect("the schema janitor failed to start");
        Pool {
            free: Mutex::new(Vec::new()),
            jobs,
        }
    })
    .await
}

async fn connect(url: &str) -> PgConnection {
    PgConnection::connect(url).await.unwrap_or_else(|e| {
        panic!(
            "PostgreSQL tests need a server at {} (set JC_TEST_DATABASE_URL): {e}",
            pg_admin_url()
        )
    })
}

async fn exec(c: &mut PgConnection, sql: String) -> sqlx::Result<()> {
    sqlx::raw_sql(AssertSqlSafe(sql))
        .execute(c)
        .await
        .map(|_| ())
}

/// Runs until the process exits. Its connection holds the owner lock all along.
async fn janitor(mut queue: mpsc::UnboundedReceiver<Job>, ready: oneshot::Sender<()>) {
    ensure_database().await;
    let mut c = connect(&db_url()).await;
    let token = jc_hub::auth::generate_token();
    let owner = i32::from_str_radix(&token[3..10], 16).expect("hex");
    sqlx::query("select pg_advisory_lock($1, $2)")
        .bind(LOCK_CLASS)
        .bind(owner)
        .execute(&mut c)
        .await
        .expect("take the owner lock");
    sweep(&mut c, owner).await;
    prepare_extensions(&mut c).await;
    let _ = ready.send(());

    let mut next = 0u64;
    while let Some(job) = queue.recv().await {
        match job {
            Job::Create(reply) => {
                let name = format!("jct_{owner:08x}_{next}");
                next += 1;
                exec(&mut c, format!("create schema \"{name}\""))
                    .await
                    .expect("create a test schema");
                let _ = reply.send(name);
            }
            Job::Release(name) => match reset(&mut c, &name).await {
                Ok(()) => {
                    if let Some(pool) = POOL.get() {
                        pool.free.lock().expect("pool").push(name);
                    }
                }
                // Not resettable (e.g. a new non-cascading foreign key): drop it; the
                // pool makes a new one when it runs dry.
                Err(_) => {
                    let _ = exec(&mut c, "rollback".into()).await;
                    let _ = exec(&mut c, format!("drop schema if exists \"{name}\" cascade")).await;
                }
            },
        }
    }
}

/// Deletes every row (all foreign keys cascade, so order does not matter) and restarts
/// the identity sequences, keeping the tables and sqlx's migration record.
async fn reset(c: &mut PgConnection, schema: &str) -> sqlx::Result<()> {
    let tables: Vec<String> = sqlx::query_scalar(
        "select tablename::text from pg_tables
         where schemaname = $1 and tablename <> '_sqlx_migrations'",
    )
    .bind(schema)
    .fetch_all(&mut *c)
    .await?;
    // Triggers run as the hub's connections would, with the schema first on the path
    // (the hot cache's ranking trigger names its table unqualified).
    let mut sql = format!("begin; set local search_path = \"{schema}\", public;");
    for table in tables {
        sql.push_str(&format!("delete from \"{schema}\".\"{table}\";"));
    }
    sql.push_str(&format!(
        "select setval(c.oid::regclass, 1, false) from pg_class c
         join pg_namespace n on n.oid = c.relnamespace
         where n.nspname = '{schema}' and c.relkind = 'S';
         commit;"
    ));
    exec(c, sql).await
}

/// Drops the schemas of processes that have exited.
async fn sweep(c: &mut PgConnection, me: i32) {
    let names: Vec<String> = sqlx::query_scalar(
        "select nspname::text from pg_namespace where nspname like 'jct\\_%' order by 1",
    )
    .fetch_all(&mut *c)
    .await
    .expect("list test schemas");
    let mut owners: Vec<i32> = names
        .iter()
        .filter_map(|n| i32::from_str_radix(n.split('_').nth(1)?, 16).ok())
        .filter(|id| *id != me)
        .collect();
    owners.dedup();
    for id in owners {
        let gone: bool = sqlx::query_scalar("select pg_try_advisory_lock($1, $2)")
            .bind(LOCK_CLASS)
            .bind(id)
            .fetch_one(&mut *c)
            .await
            .expect("probe an owner lock");
        if !gone {
            continue;
        }
        let prefix = format!("jct_{id:08x}_");
        for name in names.iter().filter(|n| n.starts_with(&prefix)) {
            let _ = exec(c, format!("drop schema if exists \"{name}\" cascade")).await;
        }
        let _ = sqlx::query("select pg_advisory_unlock($1, $2)")
            .bind(LOCK_CLASS)
            .bind(id)
            .execute(&mut *c)
            .await;
    }
}

/// Extensions exist once per database, in the schema that was current when they were
/// created. A migration's `create extension if not exists` would put one in the first test
/// schema, out of the other schemas' sight, and dropping that schema would drop it. So
/// every extension the PostgreSQL migrations create is installed in `public` up front
/// (or moved there), where every test connection's `search_path` finds it.
async fn prepare_extensions(c: &mut PgConnection) {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../migrations/postgres");
    let mut names = std::collections::BTreeSet::new();
    for entry in std::fs::read_dir(&dir).expect("read the PostgreSQL migrations") {
        let sql = std::fs::read_to_string(entry.expect("migration").path()).unwrap_or_default();
        for line in sql.to_lowercase().lines() {
            if let Some(rest) = line.trim().strip_prefix("create extension if not exists ") {
                let name = rest.trim_matches(|ch: char| ch == ';' || ch.is_whitespace());
                let name = name.split_whitespace().next().unwrap_or_default();
                names.insert(name.trim_matches('"').to_string());
            }
        }
    }
    for name in names.into_iter().filter(|n| !n.is_empty()) {
        // Another process may be doing the same: errors here are checked just below.
        let _ = exec(
            c,
            format!("create extension if not exists \"{name}\" schema public"),
        )
        .await;
        let schema: Option<String> = sqlx::query_scalar(
            "select extnamespace::regnamespace::text from pg_extension where extname = $1",
        )
        .bind(&name)
        .fetch_optional(&mut *c)
        .await
        .expect("look up an extension");
        if schema.as_deref() != Some("public") {
            let _ = exec(c, format!("alter extension \"{name}\" set schema public")).await;
        }
    }
}

/// Creates the test database unless it exists (another process may be creating it at the
/// same moment: "already exists" in any form is fine).
async fn ensure_database() {
    let mut c = connect(&pg_admin_url()).await;
    let exists: bool =
        sqlx::query_scalar("select exists(select 1 from pg_database where datname = $1)")
            .bind(DB)
            .fetch_one(&mut c)
            .await
            .expect("look up the test database");
    if !exists && let Err(e) = exec(&mut c, format!("create database \"{DB}\"")).await {
        let code = e
            .as_database_error()
            .and_then(|d| d.code())
            .unwrap_or_default();
        // 42P04: duplicate_database; 23505: a concurrent create won the race.
        assert!(code == "42P04" || code == "23505", "create {DB}: {e}");
    }
}
