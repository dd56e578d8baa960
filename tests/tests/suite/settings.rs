//! `--db-connections` bounds the connections a hub opens.

use clap::Parser;
use jc_hub::config::Cli;
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

/// The PostgreSQL connections a hub opens with `--db-connections` set to `max` while `n`
/// concurrent reads wait on a lock, each holding its connection: the pool opens as many
/// as it may, whatever the machine's speed. (Counting after `n` quick pings instead
/// depended on how fast they finished: under the full suite's load it once found a
/// single connection with 6 allowed.)
async fn postgres_connections_opened(max: u32, n: usize) -> i64 {
    let db = fresh_db(Backend::Postgres).await;
    let app = format!("jc-settings-{}-{max}", std::process::id());
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
    let mut locker = sqlx::PgConnection::connect(&db.url()).await.unwrap();
    let mut lock = locker.begin().await.unwrap();
    sqlx::query("lock table members in access exclusive mode")
        .execute(&mut *lock)
        .await
        .unwrap();
    let reads: Vec<_> = (0..n)
        .map(|_| {
            let store = store.clone();
            tokio::spawn(async move { store.member_by_name("nobody").await })
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
    // Until `max` wait on the lock (or 10 s pass), then a little longer, in case the pool
    // would open more.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    while count(true).await < i64::from(max) && std::time::Instant::now() < deadline {
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    let opened = count(false).await;
    lock.rollback().await.unwrap();
    for read in reads {
        read.await.unwrap().expect("read");
    }
    opened
}

#[tokio::test]
async fn postgres_opens_at_most_db_connections() {
    let opened = postgres_connections_opened(2, 64).await;
    assert!((1..=2).contains(&opened), "{opened} connections open");
    // The same load opens more when allowed: the bound above is the setting's doing.
    let opened = postgres_connections_opened(6, 64).await;
    assert!(opened > 2, "{opened} connections open with 6 allowed");
}
