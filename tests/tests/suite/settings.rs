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

/// The PostgreSQL connections open under `n` concurrent requests, with `--db-connections`
/// set to `max`.
async fn postgres_connections_opened(max: u32, n: usize) -> i64 {
    let db = fresh_db(Backend::Postgres).await;
    let app = format!("jc-settings-{}-{max}", std::process::id());
    let url = format!("{}&application_name={app}", db.url());
    let max = max.to_string();
    let cli = Cli::try_parse_from([
        "jc-hub",
        "--database-url",
        &url,
        "--db-connections",
        &max,
        "migrate",
    ])
    .expect("parse");
    let store = cli.db.open().await.expect("open");
    let pings = (0..n).map(|_| store.ping());
    for r in futures::future::join_all(pings).await {
        r.expect("ping");
    }
    let mut admin = sqlx::PgConnection::connect(&pg_admin_url()).await.unwrap();
    sqlx::query_scalar("select count(*) from pg_stat_activity where application_name = $1")
        .bind(&app)
        .fetch_one(&mut admin)
        .await
        .unwrap()
}

#[tokio::test]
async fn postgres_opens_at_most_db_connections() {
    let opened = postgres_connections_opened(2, 64).await;
    assert!((1..=2).contains(&opened), "{opened} connections open");
    // The same load opens more when allowed: the bound above is the setting's doing.
    let opened = postgres_connections_opened(6, 64).await;
    assert!(opened > 2, "{opened} connections open with 6 allowed");
}
