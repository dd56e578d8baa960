//! Per-test PostgreSQL schemas, recycled within a process.
//!
//! Creating a migrated schema costs about 50 ms of DDL, and sqlx runs migrations one at a
//! time per database, so hundreds of tests would spend most of their time there. Instead a
//! process keeps the schemas its finished tests used and hands each to a later test after
//! deleting every row and resetting the sequences (a few ms). Every test still starts
//! from empty, migrated tables that no other test touches while it runs.
//!
//! Schemas live in the database `jc_test` and are named `jct_<owner>_<n>`. `owner` is a
//! random number whose advisory lock the process holds, on a connection that lives as long
//! as the process. A process that finds schemas whose owner lock is free knows their
//! process has exited, and drops them. Processes sharing a server (parallel `cargo test`
//! runs, CI jobs) never touch each other's schemas.

use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};

use sqlx::{AssertSqlSafe, Connection, PgConnection};
use tokio::sync::OnceCell;

use super::{pg_admin_url, with_database};

/// The database holding every test schema.
const DB: &str = "jc_test";
/// First key of the two-key advisory locks that mark live owners ("jc"); keeps them apart
/// from sqlx's single-key migration locks.
const LOCK_CLASS: i32 = 0x6a63;

struct Owner {
    id: i32,
    free: Mutex<Vec<String>>,
    next: AtomicU64,
}

static OWNER: OnceCell<Owner> = OnceCell::const_new();

/// The test database, without a schema.
fn db_url() -> String {
    with_database(&pg_admin_url(), DB)
}

/// A URL whose connections see only `schema`. Commits do not wait for the WAL flush
/// (`synchronous_commit=off`): durability means nothing to a test, and a flush per commit
/// was most of the suite's time. Visibility and locking are unchanged.
pub(crate) fn schema_url(schema: &str) -> String {
    let base = db_url();
    let sep = if base.contains('?') { '&' } else { '?' };
    format!("{base}{sep}options=-c%20search_path%3D{schema}%20-c%20synchronous_commit%3Doff")
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

/// An empty schema for one test.
pub(crate) async fn acquire() -> String {
    let owner = owner().await;
    let reused = owner.free.lock().expect("pool").pop();
    let mut c = connect(&db_url()).await;
    if let Some(name) = reused {
        match reset(&mut c, &name).await {
            Ok(()) => return name,
            // Not resettable (e.g. a new non-cascading foreign key): start over.
            Err(_) => {
                let _ = exec(&mut c, "rollback".into()).await;
                let _ = exec(&mut c, format!("drop schema if exists \"{name}\" cascade")).await;
            }
        }
    }
    let name = format!(
        "jct_{:08x}_{}",
        owner.id,
        owner.next.fetch_add(1, Ordering::Relaxed)
    );
    exec(&mut c, format!("create schema \"{name}\""))
        .await
        .expect("create test schema");
    name
}

/// Returns a schema to the pool; the next test that takes it empties it first, so rows a
/// straggling task writes after this point cannot leak into that test.
pub(crate) fn release(name: String) {
    if let Some(owner) = OWNER.get() {
        owner.free.lock().expect("pool").push(name);
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
    let mut sql = String::from("begin;");
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

async fn owner() -> &'static Owner {
    OWNER
        .get_or_init(|| async {
            ensure_database().await;
            let token = jc_hub::auth::generate_token();
            let id = i32::from_str_radix(&token[3..10], 16).expect("hex");
            hold_owner_lock(id);
            sweep(id).await;
            Owner {
                id,
                free: Mutex::new(Vec::new()),
                next: AtomicU64::new(0),
            }
        })
        .await
}

/// Takes the owner lock on a connection kept by a thread of its own until the process
/// exits; the server releases the lock when that connection closes.
fn hold_owner_lock(id: i32) {
    let (locked, wait) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("runtime");
        rt.block_on(async move {
            let mut c = connect(&db_url()).await;
            sqlx::query("select pg_advisory_lock($1, $2)")
                .bind(LOCK_CLASS)
                .bind(id)
                .execute(&mut c)
                .await
                .expect("take owner lock");
            let _ = locked.send(());
            std::future::pending::<()>().await;
            drop(c);
        });
    });
    wait.recv().expect("owner lock taken");
}

/// Drops the schemas of processes that have exited.
async fn sweep(me: i32) {
    let mut c = connect(&db_url()).await;
    let names: Vec<String> = sqlx::query_scalar(
        "select nspname::text from pg_namespace where nspname like 'jct\\_%' order by 1",
    )
    .fetch_all(&mut c)
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
            .fetch_one(&mut c)
            .await
            .expect("probe owner lock");
        if !gone {
            continue;
        }
        let prefix = format!("jct_{id:08x}_");
        for name in names.iter().filter(|n| n.starts_with(&prefix)) {
            let _ = exec(&mut c, format!("drop schema if exists \"{name}\" cascade")).await;
        }
        let _ = sqlx::query("select pg_advisory_unlock($1, $2)")
            .bind(LOCK_CLASS)
            .bind(id)
            .execute(&mut c)
            .await;
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
    if exists {
        return;
    }
    if let Err(e) = exec(&mut c, format!("create database \"{DB}\"")).await {
        let code = e
            .as_database_error()
            .and_then(|d| d.code())
            .unwrap_or_default();
        // 42P04: duplicate_database; 23505: a concurrent create won the race.
        assert!(code == "42P04" || code == "23505", "create {DB}: {e}");
    }
}
