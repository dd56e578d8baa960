//! The hub's connection pool: a connection goes straight back only when its work finished;
//! one left mid-statement or mid-transaction (cancelled, failed, dropped) is rolled back
//! and drained before anyone else gets it, and never holds locks meanwhile.
//!
//! The same tests run on both drivers; `$outside` opens a connection of the test's own
//! (not from the pool) to look at the database from another session.

use std::time::Duration;

use jc_hub::store::pool::{Pool, Settings};
use jc_tests::{Backend, DbGuard, fresh_db};

/// Long enough to be cancelled mid-flight, short enough to keep the tests quick.
const CANCEL_AFTER: Duration = Duration::from_millis(50);

fn settings(max_connections: u32) -> Settings {
    Settings::new(max_connections)
}

/// Polls `check` for up to five seconds.
async fn eventually<F: AsyncFnMut() -> bool>(mut check: F) -> bool {
    for _ in 0..100 {
        if check().await {
            return true;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    false
}

macro_rules! pool_tests {
    ($module:ident, $backend:ident, $db:ty, $conn:ty, $options:path, $slow:expr, $try_lock:path) => {
        mod $module {
            use sqlx::{Connection, Executor};

            use super::*;

            type Db = $db;

            async fn open(settings: Settings) -> (Pool<Db>, DbGuard) {
                let db = fresh_db(Backend::$backend).await;
                let pool = Pool::<Db>::connect($options(&db.url()), settings)
                    .await
                    .expect("connect");
                (pool, db)
            }

            /// A pool on a fresh database with an empty `pool_probe` table.
            async fn setup(max_connections: u32) -> (Pool<Db>, DbGuard) {
                let (pool, db) = open(settings(max_connections)).await;
                sqlx::query("drop table if exists pool_probe")
                    .execute(&pool)
                    .await
                    .unwrap();
                sqlx::query("create table pool_probe (x bigint)")
                    .execute(&pool)
                    .await
                    .unwrap();
                (pool, db)
            }

            async fn outside(db: &DbGuard) -> $conn {
                <$conn>::connect_with(&$options(&db.url()))
                    .await
                    .expect("outside connection")
            }

            async fn count(c: &mut $conn, x: i64) -> i64 {
                sqlx::query_scalar("select count(*) from pool_probe where x = $1")
                    .bind(x)
                    .fetch_one(c)
                    .await
                    .expect("count")
            }

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn settled_work_reuses_one_connection() {
                let (pool, db) = setup(4).await;
                for i in 0..20_i64 {
                    let got: i64 = sqlx::query_scalar("select $1")
                        .bind(i)
                        .fetch_one(&pool)
                        .await
                        .unwrap();
                    assert_eq!(got, i);
                }
                let mut tx = pool.begin(None).await.unwrap();
                sqlx::query("insert into pool_probe values (1)")
                    .execute(&mut *tx)
                    .await
                    .unwrap();
                tx.commit().await.unwrap();
                assert_eq!(pool.idle_count(), 1, "one connection served every call");
                assert_eq!(count(&mut outside(&db).await, 1).await, 1);
            }

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn a_cancelled_statement_never_reaches_the_next_caller() {
                let (pool, _db) = setup(1).await;
                let slow = tokio::time::timeout(
                    CANCEL_AFTER,
                    sqlx::query_scalar::<_, i64>($slow).fetch_one(&pool),
                )
                .await;
                assert!(
                    slow.is_err(),
                    "the slow statement should have been cancelled"
                );
                // The only connection is the cancelled one: the next caller must get its
                // own reply, not the slow statement's.
                let got: i64 = sqlx::query_scalar("select cast(2 as bigint)")
                    .fetch_one(&pool)
                    .await
                    .unwrap();
                assert_eq!(got, 2);
                assert!(
                    eventually(async || pool.idle_count() == 1).await,
                    "the cleaned connection went back to the pool"
                );
            }

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn a_dropped_transaction_is_rolled_back_without_waiting_for_reuse() {
                let (pool, db) = setup(2).await;
                let mut tx = pool.begin(None).await.unwrap();
                sqlx::query("insert into pool_probe values (1)")
                    .execute(&mut *tx)
                    .await
                    .unwrap();
                drop(tx);
                // Nobody uses the pool again: the rollback must still go out, so the
                // row's lock (SQLite: the write lock) is released.
                let mut other = outside(&db).await;
                assert!(
                    eventually(async || $try_lock(&mut other).await).await,
                    "the dropped transaction still holds its lock"
                );
                assert_eq!(count(&mut other, 1).await, 0, "the insert was rolled back");
                assert!(eventually(async || pool.idle_count() == 1).await);
            }

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn a_transaction_cancelled_mid_statement_leaves_none_open() {
                let (pool, db) = setup(1).await;
                let work = async {
                    let mut tx = pool.begin(None).await.unwrap();
                    sqlx::query("insert into pool_probe values (1)")
                        .execute(&mut *tx)
                        .await
                        .unwrap();
                    let _: i64 = sqlx::query_scalar($slow).fetch_one(&mut *tx).await.unwrap();
                    tx.commit().await.unwrap();
                };
                assert!(tokio::time::timeout(CANCEL_AFTER, work).await.is_err());
                // The same (only) connection, outside any transaction now: this insert
                // commits on its own.
                sqlx::query("insert into pool_probe values (2)")
                    .execute(&pool)
                    .await
                    .unwrap();
                let mut other = outside(&db).await;
                assert_eq!(count(&mut other, 2).await, 1, "the later insert committed");
                assert_eq!(count(&mut other, 1).await, 0, "the cancelled one did not");
            }

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn a_failed_statement_leaves_the_connection_usable() {
                let (pool, _db) = setup(1).await;
                let failed = sqlx::query("select * from no_such_table")
                    .execute(&pool)
                    .await;
                assert!(failed.is_err());
                let mut tx = pool.begin(None).await.unwrap();
                let failed = sqlx::query("insert into no_such_table values (1)")
                    .execute(&mut *tx)
                    .await;
                assert!(failed.is_err());
                drop(tx);
                let got: i64 = sqlx::query_scalar("select cast(3 as bigint)")
                    .fetch_one(&pool)
                    .await
                    .unwrap();
                assert_eq!(got, 3);
                assert!(eventually(async || pool.idle_count() == 1).await);
            }

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn idle_connections_are_closed_after_their_timeout() {
                let idle_timeout = Duration::from_millis(300);
                let (pool, _db) = open(Settings {
                    idle_timeout,
                    ..settings(4)
                })
                .await;
                let mut held = Vec::new();
                for _ in 0..3 {
                    let mut lease = pool.acquire().await.unwrap();
                    lease.settle();
                    held.push(lease);
                }
                drop(held);
                assert_eq!(pool.idle_count(), 3);
                tokio::time::sleep(idle_timeout).await;
                assert!(
                    eventually(async || pool.idle_count() == 0).await,
                    "idle connections outlived their timeout"
                );
                let got: i64 = sqlx::query_scalar("select cast(4 as bigint)")
                    .fetch_one(&pool)
                    .await
                    .unwrap();
                assert_eq!(got, 4, "a new connection serves the next caller");
            }

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn connections_past_their_lifetime_are_not_reused() {
                let max_lifetime = Duration::from_millis(200);
                let (pool, _db) = open(Settings {
                    max_lifetime,
                    ..settings(2)
                })
                .await;
                // Taken while young (`connect` opened it just now), given back too old.
                let mut lease = pool.acquire().await.unwrap();
                tokio::time::sleep(max_lifetime).await;
                lease.settle();
                drop(lease);
                assert_eq!(
                    pool.idle_count(),
                    0,
                    "an expired connection went back to the pool"
                );
                let mut young = pool.acquire().await.unwrap();
                young.settle();
                drop(young);
                assert_eq!(pool.idle_count(), 1, "a young connection goes back");
            }

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn the_cap_holds_and_a_returned_connection_wakes_a_waiter() {
                let (pool, _db) = setup(2).await;
                let a = pool.acquire().await.unwrap();
                let mut b = pool.acquire().await.unwrap();
                let third = tokio::time::timeout(Duration::from_millis(100), pool.acquire()).await;
                assert!(
                    third.is_err(),
                    "a third connection was handed out with a cap of 2"
                );
                drop(a);
                let third = tokio::time::timeout(Duration::from_secs(5), pool.acquire()).await;
                assert!(
                    matches!(third, Ok(Ok(_))),
                    "the returned connection was not handed on"
                );
                b.execute("select 1").await.unwrap();
            }

            /// A limited view holds at most its own cap, and the pool's other users can
            /// take the rest; all wait for the pool's cap.
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn a_limited_view_holds_its_cap_and_leaves_the_rest() {
                let (pool, _db) = setup(3).await;
                let reads = pool.limited(1);
                let short = Duration::from_millis(100);
                let long = Duration::from_secs(5);
                let r1 = reads.acquire().await.unwrap();
                let more = tokio::time::timeout(short, reads.acquire()).await;
                assert!(more.is_err(), "a view capped at 1 handed out a second");
                let w1 = pool.acquire().await.unwrap();
                let w2 = pool.acquire().await.unwrap();
                let more = tokio::time::timeout(short, pool.acquire()).await;
                assert!(more.is_err(), "the pool's cap of 3 let a fourth through");
                drop(r1);
                let mut r2 = tokio::time::timeout(long, reads.acquire())
                    .await
                    .expect("the view's returned place was not handed on")
                    .unwrap();
                r2.execute("select 1").await.unwrap();
                drop((w1, w2));
                let more = tokio::time::timeout(short, reads.acquire()).await;
                assert!(
                    more.is_err(),
                    "the view went past its cap once the pool had room"
                );
                let w = tokio::time::timeout(long, async {
                    (pool.acquire().await.unwrap(), pool.acquire().await.unwrap())
                })
                .await;
                assert!(w.is_ok(), "the places the writes freed were not handed on");
            }
        }
    };
}

fn sqlite_options(url: &str) -> sqlx::sqlite::SqliteConnectOptions {
    use std::str::FromStr;
    sqlx::sqlite::SqliteConnectOptions::from_str(url)
        .expect("sqlite url")
        .create_if_missing(true)
        .journal_mode(sqlx::sqlite::SqliteJournalMode::Wal)
        // A lock held elsewhere fails at once instead of waiting.
        .busy_timeout(Duration::ZERO)
}

fn pg_options(url: &str) -> sqlx::postgres::PgConnectOptions {
    use std::str::FromStr;
    sqlx::postgres::PgConnectOptions::from_str(url).expect("postgres url")
}

/// Whether this connection can take the write lock right now.
async fn sqlite_try_lock(c: &mut sqlx::SqliteConnection) -> bool {
    let locked = sqlx::query("begin immediate")
        .execute(&mut *c)
        .await
        .is_ok();
    if locked {
        sqlx::query("rollback")
            .execute(&mut *c)
            .await
            .expect("rollback");
    }
    locked
}

/// Whether this connection can lock the probe table exclusively right now.
async fn pg_try_lock(c: &mut sqlx::PgConnection) -> bool {
    use sqlx::Connection;
    let mut tx = c.begin().await.expect("begin");
    let locked = sqlx::query("lock table pool_probe in access exclusive mode nowait")
        .execute(&mut *tx)
        .await
        .is_ok();
    tx.rollback().await.expect("rollback");
    locked
}

pool_tests!(
    sqlite,
    Sqlite,
    sqlx::Sqlite,
    sqlx::SqliteConnection,
    super::sqlite_options,
    "with recursive c(n) as (select 1 union all select n + 1 from c where n < 5000000)
     select count(*) from c",
    super::sqlite_try_lock
);

pool_tests!(
    postgres,
    Postgres,
    sqlx::Postgres,
    sqlx::PgConnection,
    super::pg_options,
    "select 7::bigint from pg_sleep(0.5)",
    super::pg_try_lock
);

/// A connection the server ends while a statement runs on it fails that statement, is
/// closed rather than returned, and the next caller gets a new one.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_connection_killed_mid_statement_is_not_reused() {
    use sqlx::Connection;
    let db = fresh_db(Backend::Postgres).await;
    let app = format!("jc-pool-kill-{}", std::process::id());
    let options = pg_options(&db.url()).application_name(&app);
    let pool = Pool::<sqlx::Postgres>::connect(options, settings(1))
        .await
        .unwrap();
    let slow = {
        let pool = pool.clone();
        tokio::spawn(async move {
            sqlx::query("select pg_sleep(5)")
                .execute(&pool)
                .await
                .map(|_| ())
        })
    };
    let mut admin = sqlx::PgConnection::connect(&jc_tests::pg_admin_url())
        .await
        .unwrap();
    let killed = eventually(async || {
        sqlx::query_scalar::<_, bool>(
            "select coalesce(bool_or(pg_terminate_backend(pid)), false) from pg_stat_activity
             where application_name = $1 and query like 'select pg_sleep%'",
        )
        .bind(&app)
        .fetch_one(&mut admin)
        .await
        .unwrap()
    })
    .await;
    assert!(killed, "the slow statement was never seen running");
    let failed = tokio::time::timeout(Duration::from_secs(5), slow).await;
    assert!(
        matches!(failed, Ok(Ok(Err(_)))),
        "the statement on the killed connection should fail: {failed:?}"
    );
    let got: i64 = sqlx::query_scalar("select cast(5 as bigint)")
        .fetch_one(&pool)
        .await
        .expect("a new connection serves the next caller");
    assert_eq!(got, 5);
    assert!(eventually(async || pool.idle_count() == 1).await);
}
