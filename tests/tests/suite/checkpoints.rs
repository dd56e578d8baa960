//! SQLite's WAL is copied into the database file in the background, not by the writer.

use std::time::Duration;

use jc_tests::Backend;
use serde_json::json;

use crate::helpers::{context, team};

/// 8 MB of context values is 2,000 pages: short of the 10,000 past which the writer
/// checkpoints itself, so only the background checkpoints can move them into the file.
#[tokio::test]
async fn sqlite_writes_reach_the_database_file_in_the_background() {
    let t = team(Backend::Sqlite).await;
    let file = t
        .db_url()
        .strip_prefix("sqlite://")
        .expect("a sqlite:// URL")
        .to_string();
    let size = || std::fs::metadata(&file).expect("database file").len();
    let before = size();
    let value = json!("x".repeat(60_000));
    for i in 0..140 {
        t.hub
            .set_context(&t.ag, context(&format!("big-{i}"), value.clone()))
            .await
            .unwrap();
    }
    let mut after = size();
    for _ in 0..50 {
        if after >= before + 8_000_000 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
        after = size();
    }
    assert!(
        after >= before + 8_000_000,
        "the database file grew from {before} to {after} bytes: the WAL was not checkpointed"
    );
}
