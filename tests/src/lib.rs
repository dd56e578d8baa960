//! Test harness shared by every test in this crate: fresh databases on both backends,
//! fixtures for members and projects, and a hub served on port 0.
//!
//! PostgreSQL tests use the server at `JC_TEST_DATABASE_URL` (default
//! `postgres://postgres@127.0.0.1:5432/postgres`). Each test gets a schema of its own in
//! the database `jc_test` (see [`pg`]: creating a database per test cost about 250 ms, and
//! the suite runs hundreds of tests). The test's URL pins `search_path` to its schema, so
//! the hub, sqlx migrations and direct SQL all see only that test's tables. A PostgreSQL
//! test that cannot reach the server fails; it never skips.

mod pg;

use std::sync::Arc;

use jc_hub::model::{MemberKind, Project};
use jc_hub::service::{Caller, CreateMember, CreateProject, Hub, HubInfo};
use jc_hub::store::Store;
use jc_hub::store::postgres::PgStore;
use jc_hub::store::sqlite::SqliteStore;

/// Which storage backend a test runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// The PostgreSQL server for tests; its database only serves to create `jc_test`.
pub fn pg_admin_url() -> String {
    std::env::var("JC_TEST_DATABASE_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".to_string())
}

/// A database that belongs to one test while the guard lives. Dropping it deletes the
/// SQLite directory, or returns the PostgreSQL schema to the process's pool.
pub enum DbGuard {
    Sqlite(tempfile::TempDir),
    /// A schema of the PostgreSQL test database, named `name`.
    Postgres {
        name: String,
    },
}

impl DbGuard {
    /// A `DATABASE_URL` for this database (PostgreSQL, with `search_path` set to the
    /// test's schema), or a `sqlite://` URL of the SQLite file.
    pub fn url(&self) -> String {
        match self {
            DbGuard::Sqlite(dir) => format!("sqlite://{}", dir.path().join("hub.db").display()),
            DbGuard::Postgres { name } => pg::schema_url(name),
        }
    }
}

impl Drop for DbGuard {
    fn drop(&mut self) {
        if let DbGuard::Postgres { name } = self {
            pg::release(std::mem::take(name));
        }
    }
}

fn with_database(url: &str, db: &str) -> String {
    let base = match url.rfind('/') {
        Some(i) if url[..i].contains("://") && i > url.find("://").unwrap() + 2 => &url[..i],
        _ => url,
    };
    let query = url.find('?').map(|i| &url[i..]).unwrap_or("");
    format!("{base}/{db}{query}")
}

/// Creates an empty database for one test.
pub async fn fresh_db(backend: Backend) -> DbGuard {
    match backend {
        Backend::Sqlite => DbGuard::Sqlite(tempfile::tempdir().expect("tempdir")),
        Backend::Postgres => DbGuard::Postgres {
            name: pg::acquire().await,
        },
    }
}

/// A PostgreSQL schema that has never been migrated, for tests that run the migrations
/// step by step.
pub async fn unmigrated_pg_db() -> DbGuard {
    DbGuard::Postgres {
        name: pg::acquire_new().await,
    }
}

/// Opens a migrated store on a fresh database.
pub async fn fresh_store(backend: Backend) -> (Arc<dyn Store>, DbGuard) {
    let guard = fresh_db(backend).await;
    let store: Arc<dyn Store> = match &guard {
        DbGuard::Sqlite(dir) => Arc::new(
            SqliteStore::open(&dir.path().join("hub.db"), 8)
                .await
                .expect("open sqlite"),
        ),
        DbGuard::Postgres { .. } => Arc::new(
            PgStore::connect(&guard.url(), 16)
                .await
                .expect("connect postgres"),
        ),
    };
    (store, guard)
}

/// A hub over a fresh database, with its bootstrap admin.
pub struct Fixture {
    pub hub: Hub,
    pub admin: Caller,
    pub admin_token: String,
    pub backend: Backend,
    /// The connection `sql_i64` reuses; declared before `_db` so it closes first.
    sql: tokio::sync::Mutex<Option<DirectConnection>>,
    _db: DbGuard,
}

/// A connection that bypasses the hub, for checks on raw tables.
enum DirectConnection {
    Sqlite(sqlx::SqliteConnection),
    Postgres(sqlx::PgConnection),
}

impl Fixture {
    pub async fn new(backend: Backend) -> Fixture {
        let (store, db) = fresh_store(backend).await;
        let hub = Hub::new(
            store,
            HubInfo {
                public_url: "http://127.0.0.1:8765".into(),
            },
        );
        let (admin, admin_token) = hub
            .ensure_admin()
            .await
            .expect("bootstrap admin")
            .expect("a fresh hub creates an admin");
        Fixture {
            hub,
            admin: Caller::new(admin),
            admin_token,
            backend,
            sql: tokio::sync::Mutex::new(None),
            _db: db,
        }
    }

    pub fn store(&self) -> &dyn Store {
        self.hub.store()
    }

    /// This test's database URL, for checks that bypass the hub.
    pub fn db_url(&self) -> String {
        self._db.url()
    }

    /// Another hub on this test's database, with stores and caches of its own, as a
    /// second `jc-hub serve` sharing the database would be.
    pub async fn second_hub(&self) -> Hub {
        let url = self.db_url();
        let store: Arc<dyn Store> = match self.backend {
            Backend::Sqlite => Arc::new(SqliteStore::open_url(&url, 4).await.expect("open sqlite")),
            Backend::Postgres => {
                Arc::new(PgStore::connect(&url, 4).await.expect("connect postgres"))
            }
        };
        Hub::new(
            store,
            HubInfo {
                public_url: "http://127.0.0.1:8766".into(),
            },
        )
    }

    /// Runs one query returning a single integer (e.g. `select count(*) from tasks`)
    /// directly on the database. Use `cast(… as bigint)` for sums: PostgreSQL returns
    /// `numeric` for `sum(bigint)`.
    pub async fn sql_i64(&self, sql: &str) -> i64 {
        use sqlx::Connection;
        let mut conn = self.sql.lock().await;
        if conn.is_none() {
            *conn = Some(match self.backend {
                Backend::Sqlite => DirectConnection::Sqlite(
                    sqlx::SqliteConnection::connect(&self.db_url())
                        .await
                        .expect("open sqlite"),
                ),
                Backend::Postgres => DirectConnection::Postgres(
                    sqlx::PgConnection::connect(&self.db_url())
                        .await
                        .expect("connect postgres"),
                ),
            });
        }
        let query = sqlx::AssertSqlSafe(sql.to_string());
        let result = match conn.as_mut().expect("connected") {
            DirectConnection::Sqlite(c) => sqlx::query_scalar(query).fetch_one(c).await,
            DirectConnection::Postgres(c) => sqlx::query_scalar(query).fetch_one(c).await,
        };
        result.unwrap_or_else(|e| panic!("{sql}: {e}"))
    }

    /// Creates a member (agent unless the name starts with "human") and returns it as a
    /// caller, with its token.
    pub async fn member(&self, name: &str) -> (Caller, String) {
        let kind = if name.starts_with("human") {
            MemberKind::Human
        } else {
            MemberKind::Agent
        };
        let created = self
            .hub
            .create_member(
                &self.admin,
                CreateMember {
                    name: name.into(),
                    kind,
                    role: Some(format!("{name} role")),
                    capabilities: None,
                    admin: None,
                },
            )
            .await
            .expect("create member");
        (Caller::new(created.member), created.token)
    }

    /// Creates a project (the admin becomes a member) and adds the given callers to it.
    pub async fn project(&self, name: &str, members: &[&Caller]) -> Project {
        let project = self
            .hub
            .create_project(
                &self.admin,
                CreateProject {
                    name: name.into(),
                    key: None,
                    description: Some(format!("{name} description")),
                },
            )
            .await
            .expect("create project");
        for m in members {
            self.hub
                .add_project_member(
                    &self.admin,
                    name,
                    jc_hub::service::AddProjectMember {
                        member: m.name().to_string(),
                    },
                )
                .await
                .expect("add member");
        }
        project
    }
}

/// Generates one `#[tokio::test]` per backend for each listed `async fn(Backend)`.
#[macro_export]
macro_rules! on_both_backends {
    ($($name:ident),+ $(,)?) => {
        $(
            mod $name {
                #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
                async fn sqlite() {
                    super::$name($crate::Backend::Sqlite).await;
                }
                #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
                async fn postgres() {
                    super::$name($crate::Backend::Postgres).await;
                }
            }
        )+
    };
}

/// Installs rustls' ring provider for HTTP clients (reqwest and rmcp are built without a
/// default provider to keep binaries small). Idempotent.
pub fn install_crypto_provider() {
    let _ = rustls::crypto::ring::default_provider().install_default();
}

/// A hub served on `127.0.0.1:0` for end-to-end tests; stops when dropped.
pub struct TestHub {
    pub fixture: Fixture,
    /// e.g. `http://127.0.0.1:41234`
    pub url: String,
    pub addr: std::net::SocketAddr,
    /// Issues dashboard sign-in codes, as `jc-hub serve` does at start.
    pub signin: Arc<jc_hub::http::signin::SignInCodes>,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    server: Option<tokio::task::JoinHandle<()>>,
}

impl TestHub {
    /// Starts a hub with token auth on a fresh database of the given backend.
    pub async fn spawn(backend: Backend) -> TestHub {
        Self::spawn_with(backend, jc_hub::http::AuthMode::On, None).await
    }

    /// Starts a hub with the given auth mode and `JC_ADMIN_TOKEN`.
    pub async fn spawn_with(
        backend: Backend,
        mode: jc_hub::http::AuthMode,
        admin_token: Option<&str>,
    ) -> TestHub {
        install_crypto_provider();
        let fixture = Fixture::new(backend).await;
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let addr = listener.local_addr().expect("addr");
        let state = jc_hub::http::AppState::new(
            fixture.hub.clone(),
            jc_hub::http::Identity::new(mode, admin_token),
        );
        let signin = state.signin.clone();
        let closing = state.closing.clone();
        let app = jc_hub::http::router(state, &jc_hub::http::RouterOptions::default());
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let server = tokio::spawn(async move {
            let shutdown = async move {
                let _ = stopped.await;
                closing.cancel();
            };
            jc_hub::http::serve(listener, app, shutdown)
                .await
                .expect("serve");
        });
        TestHub {
            fixture,
            url: format!("http://{addr}"),
            addr,
            signin,
            stop: Some(stop),
            server: Some(server),
        }
    }

    /// Starts a graceful shutdown and waits until the server has stopped serving.
    pub async fn shutdown(mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(server) = self.server.take() {
            server.await.expect("server task");
        }
    }

    pub fn hub(&self) -> &Hub {
        &self.fixture.hub
    }

    pub fn admin_token(&self) -> &str {
        &self.fixture.admin_token
    }
}

impl Drop for TestHub {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}
