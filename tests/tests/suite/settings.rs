//! `--db-connections` bounds the connections a hub opens.

use clap::Parser;
use jc_hub::config::Cli;
use jc_hub::model::MemberKind;
use jc_hub::store::postgres::reads_allowed;
use jc_hub::store::{NewMember, NewProject};
use jc_tests::{Backend, fresh_db, pg_admin_url};
use sqlx::Connection;

#[test]
fn db_connections_below_one_is_refused_by_name() {
    let err = Cli::try_parse_from(["jc-hub", "--db-connections", "0", "migrate"])
        .expect_err("0 connections accepted");
    let text = err.to_string();
    assert!(text.contains("--db-connections"), "{text}");
    assert!(text.contains("1..=1000"), "{text}");
}

fn member(name: &str) -> NewMember {
    NewMember {
        name: name.into(),
        kind: MemberKind::Agent,
        role: String::new(),
        capabilities: Vec::new(),
        admin: false,
    }
}

/// What the connections are opened for.
#[derive(Clone, Copy)]
enum Work {
    Reads,
    /// Transactions (creating members).
    Writes,
    /// Writes of one statement on PostgreSQL (setting context), which take a connection
    /// for the statement rather than begin a transaction.
    Statements,
}

/// The PostgreSQL connections a hub opens with `--db-connections` set to `max` while `n`
/// concurrent reads (or writes) wait on a lock, each holding its connection: the pool
/// opens as many as it may, whatever the machine's speed. (Counting after `n` quick pings
/// instead depended on how fast they finished: under the full suite's load it once found
/// a single connection with 6 allowed.)
async fn postgres_connections_opened(max: u32, n: usize, work: Work) -> i64 {
    let db = fresh_db(Backend::Postgres).await;
    // A name of its own, since the tests run at once in one process.
    static RUNS: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);
    let run = RUNS.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let app = format!("jc-settings-{}-{run}", std::process::id());
    let url = format!("{}&application_name={app}", db.url());
    let max_arg = max.to_string();
    let cli = Cli::try_parse_from([
        "jc-hub",
        "--database-url",
        &url,
        "--db-connections",
        &max_arg,
        "migrate",
    ])
    .expect("parse");
    let store = cli.db.open().await.expect("open");
    let owner = member("owner");
    let owner = store.create_member("test", &owner, "hash").await.unwrap();
    let new = NewProject {
        name: "p".into(),
        key: "P".into(),
        description: String::new(),
    };
    store.create_project(&owner, &new).await.unwrap();
    let project = store.project_for("p", owner.id).await.unwrap().unwrap();
    let mut locker = sqlx::PgConnection::connect(&db.url()).await.unwrap();
    let mut lock = locker.begin().await.unwrap();
    sqlx::query("lock table members, context in access exclusive mode")
        .execute(&mut *lock)
        .await
        .unwrap();
    let calls: Vec<_> = (0..n)
        .map(|i| {
            let store = store.clone();
            let project = project.clone();
            tokio::spawn(async move {
                match work {
                    Work::Reads => store.member_by_name("nobody").await.map(drop),
                    Work::Writes => {
                        let new = member(&format!("m{i}"));
                        let hash = format!("hash-{i}");
                        store.create_member("test", &new, &hash).await.map(drop)
                    }
                    Work::Statements => {
                        let value = serde_json::json!(i);
                        let key = format!("k{i}");
                        store
                            .set_context("owner", &project, &key, &value)
                            .await
                            .map(drop)
                    }
                }
            })
        })
        .collect();
    let mut admin = sqlx::PgConnection::connect(&pg_admin_url()).await.unwrap();
    let mut count = async |waiting: bool| -> i64 {
        sqlx::query_scalar(
            "select count(*) from pg_stat_activity
             where application_name = $1 and (not $2 or wait_event_type = 'Lock')",
        )
        .bind(&app)
        .bind(waiting)
        .fetch_one(&mut admin)
        .await
        .unwrap()
    };
    // Until as many as may wait on the lock (or 10 s pass), then a little longer, in case the pool
    // would open more.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    let waiting = match work {
        Work::Reads => reads_allowed(max),
        Work::Writes | Work::Statements => max,
    };
    while count(true).await < i64::from(waiting) && std::time::Instant::now() < deadline {
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    let opened = count(false).await;
    lock.rollback().await.unwrap();
    for call in calls {
        call.await.unwrap().expect("call");
    }
    opened
}

#[tokio::test]
async fn postgres_opens_at_most_db_connections() {
    let opened = postgres_connections_opened(2, 64, Work::Reads).await;
    assert!((1..=2).contains(&opened), "{opened} connections open");
    // The same load opens more when allowed: the bound above is the setting's doing.
    let opened = postgres_connections_opened(6, 64, Work::Reads).await;
    assert!(opened > 2, "{opened} connections open with 6 allowed");
}

/// Reads use at most half of the connections (rounded up); writes, which mostly wait
/// for their WAL flush, all of them.
#[tokio::test]
async fn postgres_reads_use_half_of_the_connections_and_writes_all() {
    let opened = postgres_connections_opened(6, 64, Work::Reads).await;
    assert_eq!(opened, 3, "connections open for reads with 6 allowed");
    let opened = postgres_connections_opened(1, 64, Work::Reads).await;
    assert_eq!(opened, 1, "connections open for reads with 1 allowed");
    let opened = postgres_connections_opened(6, 64, Work::Writes).await;
    assert_eq!(opened, 6, "connections open for writes with 6 allowed");
    let opened = postgres_connections_opened(6, 64, Work::Statements).await;
    assert_eq!(
        opened, 6,
        "connections open for one-statement writes with 6 allowed"
    );
}
