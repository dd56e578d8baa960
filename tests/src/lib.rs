//! Test harness shared by every test in this crate: fresh databases on both backends,
//! fixtures for members and projects, and a hub served on port 0.
//!
//! PostgreSQL tests use `JC_TEST_DATABASE_URL` (default
//! `postgres://postgres@127.0.0.1:5432/postgres`) to create one database per test and drop
//! it afterwards. A PostgreSQL test that cannot reach the server fails; it never skips.

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

/// Admin connection used to create and drop per-test databases.
pub fn pg_admin_url() -> String {
    std::env::var("JC_TEST_DATABASE_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".to_string())
}

/// A database that exists for one test and is removed when dropped.
pub enum DbGuard {
    Sqlite(tempfile::TempDir),
    Postgres { name: String },
}

impl DbGuard {
    /// A `DATABASE_URL` for this database (PostgreSQL), or the SQLite file path.
    pub fn url(&self) -> String {
        match self {
            DbGuard::Sqlite(dir) => format!("sqlite://{}", dir.path().join("hub.db").display()),
            DbGuard::Postgres { name } => with_database(&pg_admin_url(), name),
        }
    }
}

impl Drop for DbGuard {
    fn drop(&mut self) {
        if let DbGuard::Postgres { name } = self {
            let name = name.clone();
            // Drop runs outside async; use a private runtime on a plain thread.
            let _ = std::thread::spawn(move || {
                let rt = tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                    .expect("runtime");
                rt.block_on(async {
                    use sqlx::Connection;
                    if let Ok(mut c) = sqlx::PgConnection::connect(&pg_admin_url()).await {
                        let sql = format!("drop database if exists \"{name}\" with (force)");
                        let _ = sqlx::raw_sql(sqlx::AssertSqlSafe(sql))
                            .execute(&mut c)
                            .await;
                    }
                });
            })
            .join();
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
        Backend::Postgres => {
            use sqlx::Connection;
            let name = format!(
                "jc_test_{}",
                jc_hub::auth::generate_token()[3..19].to_owned()
            );
            let mut c = sqlx::PgConnection::connect(&pg_admin_url())
                .await
                .unwrap_or_else(|e| {
                    panic!(
                        "PostgreSQL tests need a server at {} (set JC_TEST_DATABASE_URL): {e}",
                        pg_admin_url()
                    )
                });
            let sql = format!("create database \"{name}\"");
            sqlx::raw_sql(sqlx::AssertSqlSafe(sql))
                .execute(&mut c)
                .await
                .expect("create test database");
            DbGuard::Postgres { name }
        }
    }
}

/// Opens a migrated store on a fresh database.
pub async fn fresh_store(backend: Backend) -> (Arc<dyn Store>, DbGuard) {
    let guard = fresh_db(backend).await;
    let store: Arc<dyn Store> = match &guard {
        DbGuard::Sqlite(dir) => Arc::new(
            SqliteStore::open(&dir.path().join("hub.db"))
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
    _db: DbGuard,
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
            _db: db,
        }
    }

    pub fn store(&self) -> &dyn Store {
        self.hub.store()
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
