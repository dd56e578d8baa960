//! PostgreSQL connections the server drops are replaced before a request uses them.

use std::time::Duration;

use jc_hub::store::Store;
use jc_hub::store::postgres::PgStore;
use jc_tests::{Backend, fresh_db, pg_admin_url};
use sqlx::Connection;

/// The hub pings only connections that sat idle (not each one it hands out); one the
/// server terminated while idle must still not fail the next request.
#[tokio::test]
async fn postgres_connections_dropped_while_idle_are_replaced() {
    let db = fresh_db(Backend::Postgres).await;
    let app = format!("jc-resilience-{}", std::process::id());
    let store = PgStore::connect(&format!("{}&application_name={app}", db.url()), 4)
        .await
        .expect("connect");
    // Open a few connections, then let the server drop them all.
    let (a, b, c) = tokio::join!(store.ping(), store.ping(), store.ping());
    a.and(b).and(c).expect("first pings");
    let mut admin = sqlx::PgConnection::connect(&pg_admin_url()).await.unwrap();
    let killed: i64 = sqlx::query_scalar(
        "select count(*) from (select pg_terminate_backend(pid) from pg_stat_activity
                               where application_name = $1) as t",
    )
    .bind(&app)
    .fetch_one(&mut admin)
    .await
    .unwrap();
    assert!(killed >= 1, "no connection of the store was found");
    tokio::time::sleep(Duration::from_millis(1200)).await;
    for i in 0..6 {
        store
            .ping()
            .await
            .unwrap_or_else(|e| panic!("request {i} after the server dropped connections: {e}"));
    }
}
