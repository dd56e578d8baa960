//! Upgrades: a database migrated by an earlier release keeps working after the later
//! migrations run (PostgreSQL; SQLite's migrations only add indexes and tables).

use std::borrow::Cow;
use std::path::Path;

use jc_hub::store::postgres::PgStore;
use jc_hub::store::{BackupStore, ProjectRef, TaskStore};
use sqlx::migrate::Migrator;
use sqlx::{Connection, PgConnection};

use crate::helpers::new_task;

/// The first `n` of the hub's PostgreSQL migrations, read from the repository.
async fn first_migrations(n: usize) -> Migrator {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../migrations/postgres");
    let mut migrator = Migrator::new(dir).await.expect("read the migrations");
    assert!(migrator.migrations.len() > n, "no migration after {n}");
    migrator.migrations = Cow::Owned(migrator.migrations[..n].to_vec());
    migrator
}

/// Migration 0006 numbers tasks from a sequence per project: a project that existed
/// before it carries on after its last number, and one created after it starts at 1.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_task_numbers_carry_on_across_the_sequence_migration() {
    let db = jc_tests::unmigrated_pg_db().await;
    let mut c = PgConnection::connect(&db.url()).await.unwrap();
    first_migrations(5).await.run(&mut c).await.unwrap();
    let id: i64 = sqlx::query_scalar(
        "insert into projects (name, key, task_seq, created_by, created_at, updated_at)
         values ('old', 'OLD', 41, 'admin', 0, 0) returning id",
    )
    .fetch_one(&mut c)
    .await
    .unwrap();
    c.close().await.unwrap();

    let store = PgStore::connect(&db.url(), 4)
        .await
        .expect("migrate to the latest");
    let old = ProjectRef {
        id,
        name: "old".into(),
        key: "OLD".into(),
        description: String::new(),
        is_member: true,
    };
    assert_eq!(
        store.export_project(&old).await.unwrap().project.task_seq,
        41
    );
    let first = store.add_task("admin", &old, &new_task("a")).await.unwrap();
    let second = store.add_task("admin", &old, &new_task("b")).await.unwrap();
    assert_eq!(
        (first.task_ref.as_str(), second.task_ref.as_str()),
        ("OLD-42", "OLD-43")
    );
    assert_eq!(
        store.export_project(&old).await.unwrap().project.task_seq,
        43
    );

    // A project made after the migration (its insert trigger creates the sequence).
    let mut c = PgConnection::connect(&db.url()).await.unwrap();
    let id: i64 = sqlx::query_scalar(
        "insert into projects (name, key, created_by, created_at, updated_at)
         values ('fresh', 'FR', 'admin', 0, 0) returning id",
    )
    .fetch_one(&mut c)
    .await
    .unwrap();
    c.close().await.unwrap();
    let fresh = ProjectRef {
        id,
        name: "fresh".into(),
        key: "FR".into(),
        description: String::new(),
        is_member: true,
    };
    assert_eq!(
        store.export_project(&fresh).await.unwrap().project.task_seq,
        0
    );
    let task = store
        .add_task("admin", &fresh, &new_task("c"))
        .await
        .unwrap();
    assert_eq!(task.task_ref, "FR-1");
    assert_eq!(
        store.export_project(&fresh).await.unwrap().project.task_seq,
        1
    );
}
