//! No partial writes: an operation that fails leaves no row and no event behind.

use jc_hub::model::*;
use jc_hub::service::*;
use jc_tests::{Backend, on_both_backends};
use serde_json::json;

use crate::helpers::*;

/// Rows in every table, to compare before and after a failed call.
async fn snapshot(t: &Team) -> Vec<(&'static str, i64)> {
    let tables = [
        "members",
        "api_tokens",
        "projects",
        "project_members",
        "tasks",
        "plans",
        "results",
        "context",
        "sessions",
        "messages",
        "memories",
        "memory_usage",
        "events",
    ];
    let mut out = Vec::new();
    for table in tables {
        let n = t.sql_i64(&format!("select count(*) from {table}")).await;
        out.push((table, n));
    }
    out
}

async fn add_task_with_non_member_assignee_writes_nothing(backend: Backend) {
    let t = team(backend).await;
    let before = snapshot(&t).await;
    let input = AddTask {
        assignee: Some("outsider".into()),
        ..task("for a stranger")
    };
    validation(t.hub.add_task(&t.ag, input).await, "assignee");
    assert_eq!(snapshot(&t).await, before);
    let list = t.hub.list_tasks(&t.ag, listing()).await.unwrap();
    assert_eq!(list.total, 0);
    let tasks = t
        .store()
        .list_events(t.project.id, Some(("task", "KB-1")), 10)
        .await
        .unwrap();
    assert!(tasks.is_empty());
}

async fn assign_to_non_member_changes_nothing(backend: Backend) {
    let t = team(backend).await;
    t.hub.add_task(&t.ag, task("a")).await.unwrap();
    let task_before = t.hub.get_task(&t.ag, tref("KB-1")).await.unwrap().task;
    let before = snapshot(&t).await;
    tick().await;
    validation(
        t.hub
            .assign_task(&t.cw, assigning("KB-1", Some("outsider")))
            .await,
        "assignee",
    );
    assert_eq!(snapshot(&t).await, before);
    let task_after = t.hub.get_task(&t.ag, tref("KB-1")).await.unwrap().task;
    assert_eq!(task_after, task_before, "not even updated_at moved");
}

async fn message_to_non_member_writes_nothing(backend: Backend) {
    let t = team(backend).await;
    let before = snapshot(&t).await;
    validation(
        t.hub.post_message(&t.ag, message("outsider", "psst")).await,
        "recipient",
    );
    assert_eq!(snapshot(&t).await, before);
}

async fn refused_admin_changes_write_nothing(backend: Backend) {
    let t = team(backend).await;
    let before = snapshot(&t).await;
    conflict(t.hub.delete_member(&t.f.admin, "admin").await);
    let demote = UpdateMember {
        admin: Some(false),
        ..Default::default()
    };
    conflict(t.hub.update_member(&t.f.admin, "admin", demote).await);
    let delete = DeleteProject {
        project: P.into(),
        confirm: "nope".into(),
    };
    validation(t.hub.delete_project(&t.f.admin, delete).await, "confirm");
    let dup = CreateMember {
        name: "copywriter".into(),
        kind: MemberKind::Agent,
        role: None,
        capabilities: None,
        admin: None,
    };
    conflict(t.hub.create_member(&t.f.admin, dup).await);
    let dup = CreateProject {
        name: P.into(),
        key: Some("NEW".into()),
        description: None,
    };
    conflict(t.hub.create_project(&t.f.admin, dup).await);
    assert_eq!(snapshot(&t).await, before);
}

async fn refused_and_missing_targets_write_nothing(backend: Backend) {
    let t = team(backend).await;
    t.hub.add_task(&t.ag, task("a")).await.unwrap();
    let before = snapshot(&t).await;
    forbidden(t.hub.add_task(&t.out, task("x")).await);
    forbidden(t.hub.set_context(&t.out, context("k", json!(1))).await);
    not_found(
        t.hub
            .move_task(&t.ag, moving("KB-9", TaskStatus::Done))
            .await,
    );
    not_found(t.hub.delete_task(&t.ag, tref("KB-9")).await);
    let plan = SavePlan {
        project: p(),
        task_ref: "KB-9".into(),
        plan: "p".into(),
    };
    not_found(t.hub.save_plan(&t.ag, plan).await);
    let delete = DeleteContext {
        project: p(),
        key: "nope".into(),
    };
    not_found(t.hub.delete_context(&t.ag, delete).await);
    let forget = Forget {
        project: p(),
        key: "nope".into(),
        scope: None,
    };
    not_found(t.hub.forget(&t.ag, forget).await);
    let tier = SetMemoryTier {
        project: p(),
        key: "nope".into(),
        tier: Tier::Deep,
        scope: None,
    };
    not_found(t.hub.set_memory_tier(&t.ag, tier).await);
    not_found(t.hub.recall(&t.ag, recalling("nope")).await);
    not_found(t.hub.end_session(&t.ag, ending("x")).await);
    forbidden(
        t.hub
            .start(
                &t.ag,
                Start {
                    agent: Some("x".into()),
                    ..starting()
                },
            )
            .await,
    );
    assert_eq!(snapshot(&t).await, before);
}

async fn invalid_input_writes_nothing(backend: Backend) {
    let t = team(backend).await;
    t.hub.add_task(&t.ag, task("a")).await.unwrap();
    let before = snapshot(&t).await;
    validation(t.hub.add_task(&t.ag, task("")).await, "title");
    let too_big = json!("x".repeat(70_000));
    validation(
        t.hub.set_context(&t.ag, context("big", too_big)).await,
        "value",
    );
    validation(
        t.hub.remember(&t.ag, memo(Category::Term, "k", "")).await,
        "value",
    );
    let complete = CompleteTask {
        project: p(),
        task_ref: "KB-1".into(),
        summary: String::new(),
    };
    validation(t.hub.complete_task(&t.ag, complete).await, "summary");
    let caps = Start {
        capabilities: Some(vec![Capability {
            name: String::new(),
            desc: String::new(),
        }]),
        ..starting()
    };
    validation(t.hub.start(&t.ag, caps).await, "capabilities.name");
    assert_eq!(snapshot(&t).await, before);
}

on_both_backends!(
    add_task_with_non_member_assignee_writes_nothing,
    assign_to_non_member_changes_nothing,
    message_to_non_member_writes_nothing,
    refused_admin_changes_write_nothing,
    refused_and_missing_targets_write_nothing,
    invalid_input_writes_nothing,
);
