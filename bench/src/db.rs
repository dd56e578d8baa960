//! A throwaway database per benchmark run, plus a raw pool for bulk seeding.

use std::sync::Arc;

use jc_hub::store::Store;
use jc_hub::store::postgres::PgStore;
use jc_hub::store::sqlite::SqliteStore;
use sqlx::Connection;

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Kind {
    Sqlite,
    Postgres,
}

pub struct Database {
    pub kind: Kind,
    pub store: Arc<dyn Store>,
    /// Connection string for bulk seeding with sqlx.
    pub url: String,
    admin_url: String,
    pg_name: Option<String>,
    dir: Option<tempfile::TempDir>,
}

impl Database {
    pub async fn create(kind: Kind, admin_url: &str, connections: u32) -> anyhow::Result<Database> {
        match kind {
            Kind::Sqlite => {
                let dir = tempfile::tempdir()?;
                let path = dir.path().join("bench.db");
                let store = SqliteStore::open(&path, connections).await?;
                Ok(Database {
                    kind,
                    store: Arc::new(store),
                    url: format!("sqlite://{}", path.display()),
                    admin_url: admin_url.into(),
                    pg_name: None,
                    dir: Some(dir),
                })
            }
            Kind::Postgres => {
                let name = format!("jc_bench_{}", std::process::id());
                let mut admin = sqlx::PgConnection::connect(admin_url).await?;
                let drop = format!("drop database if exists \"{name}\" with (force)");
                sqlx::raw_sql(sqlx::AssertSqlSafe(drop))
                    .execute(&mut admin)
                    .await?;
                let create = format!("create database \"{name}\"");
                sqlx::raw_sql(sqlx::AssertSqlSafe(create))
                    .execute(&mut admin)
                    .await?;
                let base = admin_url
                    .rsplit_once('/')
                    .map(|(b, _)| b)
                    .unwrap_or(admin_url);
                let url = format!("{base}/{name}");
                let store = PgStore::connect(&url, connections).await?;
                Ok(Database {
                    kind,
                    store: Arc::new(store),
                    url,
                    admin_url: admin_url.into(),
                    pg_name: Some(name),
                    dir: None,
                })
            }
        }
    }

    /// Runs one bulk-seeding statement (with `$1`… bound to `binds`).
    pub async fn exec(&self, sql: &'static str, binds: &[i64]) -> anyhow::Result<()> {
        match self.kind {
            Kind::Sqlite => {
                let mut c = sqlx::SqliteConnection::connect(&self.url).await?;
                let mut q = sqlx::query(sql);
                for b in binds {
                    q = q.bind(*b);
                }
                q.execute(&mut c).await?;
            }
            Kind::Postgres => {
                let mut c = sqlx::PgConnection::connect(&self.url).await?;
                let mut q = sqlx::query(sql);
                for b in binds {
                    q = q.bind(*b);
                }
                q.execute(&mut c).await?;
            }
        }
        Ok(())
    }

    /// What a live database's autovacuum does soon after a bulk load: fresh planner
    /// statistics and, on PostgreSQL, a visibility map that allows index-only scans.
    pub async fn settle(&self) -> anyhow::Result<()> {
        match self.kind {
            Kind::Sqlite => self.exec("analyze", &[]).await,
            Kind::Postgres => {
                let mut c = sqlx::PgConnection::connect(&self.url).await?;
                sqlx::raw_sql("vacuum analyze").execute(&mut c).await?;
                Ok(())
            }
        }
    }

    /// Leaves the database (and a SQLite file's directory) in place.
    pub fn keep(self) {
        if let Some(dir) = self.dir {
            let _ = dir.keep();
        }
    }

    pub async fn drop_database(self) {
        if let Some(name) = &self.pg_name {
            drop(self.store);
            if let Ok(mut admin) = sqlx::PgConnection::connect(&self.admin_url).await {
                let sql = format!("drop database if exists \"{name}\" with (force)");
                let _ = sqlx::raw_sql(sqlx::AssertSqlSafe(sql))
                    .execute(&mut admin)
                    .await;
            }
        }
    }
}
