//! The audit trail: every mutation writes one event naming the caller, the entity and the
//! action; reads and usage counters write none.

use jc_hub::model::*;
use jc_hub::service::*;
use jc_tests::{Backend, on_both_backends};
use serde_json::json;

use crate::helpers::*;

/// Asserts the newest event of the project and returns it.
#[track_caller]
fn assert_event(events: &[Event], actor: &str, entity: &str, key: &str, action: &str) -> Event {
    let last = events.last().expect("an event");
    assert_eq!(
        (
            last.actor.as_str(),
            last.entity.as_str(),
            last.entity_key.as_str(),
            last.action.as_str()
        ),
        (actor, entity, key, action),
        "newest event: {last:?}"
    );
    last.clone()
}

/// How many events the project has.
async fn count(t: &Team) -> usize {
    events(&t.f, t.project.id).await.len()
}

async fn task_lifecycle_events(backend: Backend) {
    let t = team(backend).await;
    let n = count(&t).await;
    let input = AddTask {
        assignee: Some("copywriter".into()),
        ..task("Write copy")
    };
    t.hub.add_task(&t.ag, input).await.unwrap();
    let all = events(&t.f, t.project.id).await;
    assert_eq!(all.len(), n + 1);
    let created = assert_event(&all, "antigravity", "task", "KB-1", "created");
    assert_eq!(created.detail["title"], "Write copy");
    assert_eq!(created.detail["assignee"], "copywriter");

    let note = MoveTask {
        note: Some("waiting on brief".into()),
        ..moving("KB-1", TaskStatus::Blocked)
    };
    t.hub.move_task(&t.cw, note).await.unwrap();
    let all = events(&t.f, t.project.id).await;
    assert_eq!(all.len(), n + 2);
    let moved = assert_event(&all, "copywriter", "task", "KB-1", "moved");
    assert_eq!(moved.detail["status"], json!(["backlog", "blocked"]));
    assert_eq!(moved.detail["note"], "waiting on brief");

    let update = UpdateTask {
        project: p(),
        task_ref: "KB-1".into(),
        title: Some("Write landing copy".into()),
        description: None,
        priority: Some(Priority::High),
    };
    t.hub.update_task(&t.ag, update).await.unwrap();
    let all = events(&t.f, t.project.id).await;
    let updated = assert_event(&all, "antigravity", "task", "KB-1", "updated");
    assert_eq!(
        updated.detail["title"],
        json!(["Write copy", "Write landing copy"])
    );
    assert_eq!(updated.detail["priority"], json!(["medium", "high"]));

    t.hub
        .assign_task(&t.ag, assigning("KB-1", Some("antigravity")))
        .await
        .unwrap();
    let all = events(&t.f, t.project.id).await;
    let assigned = assert_event(&all, "antigravity", "task", "KB-1", "assigned");
    assert_eq!(
        assigned.detail["assignee"],
        json!(["copywriter", "antigravity"])
    );

    let complete = CompleteTask {
        project: p(),
        task_ref: "KB-1".into(),
        summary: "done".into(),
    };
    t.hub.complete_task(&t.cw, complete).await.unwrap();
    let all = events(&t.f, t.project.id).await;
    let completed = assert_event(&all, "copywriter", "task", "KB-1", "completed");
    assert_eq!(completed.detail["status"], json!(["blocked", "done"]));

    t.hub.delete_task(&t.ag, tref("KB-1")).await.unwrap();
    let all = events(&t.f, t.project.id).await;
    assert_eq!(all.len(), n + 6, "one event per mutation");
    assert_event(&all, "antigravity", "task", "KB-1", "deleted");

    // The per-entity view holds the task's whole history, newest first.
    let history = t
        .store()
        .list_events(t.project.id, Some(("task", "KB-1")), 50)
        .await
        .unwrap();
    let actions: Vec<&str> = history.iter().map(|e| e.action.as_str()).collect();
    assert_eq!(
        actions,
        [
            "deleted",
            "completed",
            "assigned",
            "updated",
            "moved",
            "created"
        ]
    );
}

/// The change's detail holds exactly the fields that changed, on both backends (PostgreSQL
/// builds it in SQL, SQLite in Rust).
async fn task_change_details_are_exact(backend: Backend) {
    let t = team(backend).await;
    let input = AddTask {
        description: Some("first".into()),
        assignee: Some("copywriter".into()),
        ..task("a")
    };
    t.hub.add_task(&t.ag, input).await.unwrap();
    let detail = || async { last_event(&t.f, t.project.id, "task", "KB-1").await.detail };

    let update = UpdateTask {
        project: p(),
        task_ref: "KB-1".into(),
        title: None,
        description: Some("second".into()),
        priority: None,
    };
    t.hub.update_task(&t.ag, update).await.unwrap();
    assert_eq!(detail().await, json!({"description": "changed"}));

    t.hub
        .move_task(&t.ag, moving("KB-1", TaskStatus::Backlog))
        .await
        .unwrap();
    assert_eq!(detail().await, json!({}), "moving to the same status");

    t.hub
        .assign_task(&t.ag, assigning("KB-1", None))
        .await
        .unwrap();
    assert_eq!(detail().await, json!({"assignee": ["copywriter", null]}));

    let complete = CompleteTask {
        project: p(),
        task_ref: "KB-1".into(),
        summary: "shipped".into(),
    };
    t.hub.complete_task(&t.ag, complete).await.unwrap();
    assert_eq!(
        detail().await,
        json!({"status": ["backlog", "done"], "summary": "shipped"})
    );
}

async fn plan_and_result_events(backend: Backend) {
    let t = team(backend).await;
    t.hub.add_task(&t.ag, task("a")).await.unwrap();
    let plan = SavePlan {
        project: p(),
        task_ref: "1".into(),
        plan: "the plan".into(),
    };
    t.hub.save_plan(&t.ag, plan).await.unwrap();
    let e = last_event(&t.f, t.project.id, "task", "KB-1").await;
    assert_eq!(
        (e.actor.as_str(), e.action.as_str()),
        ("antigravity", "plan_saved")
    );
    let result = SaveResult {
        project: p(),
        task_ref: "kb-1".into(),
        result: "the result".into(),
    };
    t.hub.save_result(&t.cw, result).await.unwrap();
    let e = last_event(&t.f, t.project.id, "task", "KB-1").await;
    assert_eq!(
        (e.actor.as_str(), e.action.as_str()),
        ("copywriter", "result_saved")
    );
}

async fn context_events(backend: Backend) {
    let t = team(backend).await;
    t.hub
        .set_context(&t.ag, context("stack", json!({"db": "pg"})))
        .await
        .unwrap();
    let all = events(&t.f, t.project.id).await;
    assert_event(&all, "antigravity", "context", "stack", "set");
    t.hub
        .set_context(&t.cw, context("stack", json!("sqlite")))
        .await
        .unwrap();
    let all = events(&t.f, t.project.id).await;
    assert_event(&all, "copywriter", "context", "stack", "set");
    let delete = DeleteContext {
        project: p(),
        key: "stack".into(),
    };
    t.hub.delete_context(&t.ag, delete).await.unwrap();
    let all = events(&t.f, t.project.id).await;
    assert_event(&all, "antigravity", "context", "stack", "deleted");
}

async fn memory_events(backend: Backend) {
    let t = team(backend).await;
    t.hub
        .remember(&t.ag, memo(Category::Term, "PSR", "x"))
        .await
        .unwrap();
    let all = events(&t.f, t.project.id).await;
    let e = assert_event(&all, "antigravity", "memory", "project:PSR", "remembered");
    assert_eq!(e.detail["category"], "term");
    t.hub
        .remember(&t.cw, global_memo(Category::Person, "fedor", "Owner"))
        .await
        .unwrap();
    let all = events(&t.f, t.project.id).await;
    assert_event(&all, "copywriter", "memory", "global:fedor", "remembered");
    let tier = SetMemoryTier {
        project: p(),
        key: "PSR".into(),
        tier: Tier::Deep,
        scope: None,
    };
    t.hub.set_memory_tier(&t.cw, tier).await.unwrap();
    let all = events(&t.f, t.project.id).await;
    let e = assert_event(&all, "copywriter", "memory", "project:PSR", "tier_set");
    assert_eq!(e.detail["tier"], "deep");
    let forget = Forget {
        project: p(),
        key: "fedor".into(),
        scope: Some(Scope::Global),
    };
    t.hub.forget(&t.ag, forget).await.unwrap();
    let all = events(&t.f, t.project.id).await;
    assert_event(&all, "antigravity", "memory", "global:fedor", "forgotten");
}

async fn message_events(backend: Backend) {
    let t = team(backend).await;
    let sent = t
        .hub
        .post_message(&t.ag, message("copywriter", "ready"))
        .await
        .unwrap();
    let all = events(&t.f, t.project.id).await;
    let e = assert_event(
        &all,
        "antigravity",
        "message",
        &sent.id.to_string(),
        "posted",
    );
    assert_eq!(e.detail["recipient"], "copywriter");
}

async fn membership_events(backend: Backend) {
    let t = team(backend).await;
    let all = events(&t.f, t.project.id).await;
    let added: Vec<(&str, &str)> = all
        .iter()
        .filter(|e| e.entity == "membership" && e.action == "added")
        .map(|e| (e.actor.as_str(), e.entity_key.as_str()))
        .collect();
    assert_eq!(
        added,
        [("admin", "antigravity"), ("admin", "copywriter")],
        "the fixture's additions"
    );
    let add = AddProjectMember {
        member: "outsider".into(),
    };
    t.hub.add_project_member(&t.f.admin, P, add).await.unwrap();
    let all = events(&t.f, t.project.id).await;
    assert_event(&all, "admin", "membership", "outsider", "added");
    t.hub
        .remove_project_member(&t.f.admin, P, "outsider")
        .await
        .unwrap();
    let all = events(&t.f, t.project.id).await;
    assert_event(&all, "admin", "membership", "outsider", "removed");
}

async fn session_events(backend: Backend) {
    let t = team(backend).await;
    let b = t.hub.start(&t.ag, starting()).await.unwrap();
    let key = b.session_id.to_string();
    let all = events(&t.f, t.project.id).await;
    assert_event(&all, "antigravity", "session", &key, "started");
    t.hub.end_session(&t.ag, ending("done")).await.unwrap();
    let all = events(&t.f, t.project.id).await;
    let e = assert_event(&all, "antigravity", "session", &key, "ended");
    assert_eq!(e.detail["summary"], "done");
}

async fn project_creation_event(backend: Backend) {
    let t = team(backend).await;
    let all = events(&t.f, t.project.id).await;
    let first = &all[0];
    assert_eq!(
        (
            first.actor.as_str(),
            first.entity.as_str(),
            first.entity_key.as_str(),
            first.action.as_str()
        ),
        ("admin", "project", P, "created")
    );
    assert_eq!(first.detail["key"], "KB");
}

async fn reads_and_usage_bumps_write_no_events(backend: Backend) {
    let t = team(backend).await;
    t.hub.add_task(&t.ag, task("a")).await.unwrap();
    t.hub
        .remember(&t.ag, memo(Category::Term, "PSR", "x"))
        .await
        .unwrap();
    t.hub
        .set_context(&t.ag, context("stack", json!(1)))
        .await
        .unwrap();
    t.hub
        .post_message(&t.ag, message("copywriter", "hi"))
        .await
        .unwrap();
    let before = all_events(&t.f).await;

    t.hub.recall(&t.cw, recalling("PSR")).await.unwrap();
    t.hub.recall(&t.ag, recalling("PSR")).await.unwrap();
    t.hub.get_messages(&t.cw, inbox()).await.unwrap();
    let everything = GetMessages {
        unread_only: Some(false),
        ..inbox()
    };
    t.hub.get_messages(&t.cw, everything).await.unwrap();
    t.hub.search_memory(&t.cw, searching("PSR")).await.unwrap();
    t.hub.get_task(&t.cw, tref("KB-1")).await.unwrap();
    t.hub
        .get_doc(&t.cw, tref("KB-1"), DocKind::Plan)
        .await
        .unwrap();
    t.hub.list_tasks(&t.cw, listing()).await.unwrap();
    t.hub.my_tasks(&t.cw, MyTasks::default()).await.unwrap();
    let all_ctx = GetContext {
        project: p(),
        key: None,
    };
    t.hub.get_context(&t.cw, all_ctx).await.unwrap();
    t.hub.get_state(&t.cw, here()).await.unwrap();
    t.hub.list_messages(&t.cw, P, None, None).await.unwrap();
    t.hub
        .list_memories(&t.cw, Some(P), None, None)
        .await
        .unwrap();
    t.hub.project_members(&t.cw, here()).await.unwrap();
    t.hub.list_projects(&t.cw).await.unwrap();
    t.hub.list_members(&t.cw).await.unwrap();
    let sessions = ListSessions {
        project: p(),
        limit: None,
    };
    t.hub.list_sessions(&t.cw, sessions).await.unwrap();

    assert_eq!(all_events(&t.f).await, before);
    // The counters did move.
    let memory = t.hub.search_memory(&t.cw, searching("PSR")).await.unwrap();
    assert_eq!(memory.memories[0].usage_count, 2);
}

async fn member_registry_events(backend: Backend) {
    let t = team(backend).await;
    let member_events = |action: &str, key: &str| {
        format!(
            "select count(*) from events where project_id is null and entity = 'member'
             and actor = 'admin' and entity_key = '{key}' and action = '{action}'"
        )
    };
    assert_eq!(t.sql_i64(&member_events("created", "copywriter")).await, 1);
    let patch = UpdateMember {
        role: Some("Writer".into()),
        ..Default::default()
    };
    t.hub
        .update_member(&t.f.admin, "copywriter", patch)
        .await
        .unwrap();
    assert_eq!(t.sql_i64(&member_events("updated", "copywriter")).await, 1);
    t.hub.rotate_token(&t.f.admin, "copywriter").await.unwrap();
    assert_eq!(
        t.sql_i64(&member_events("token_rotated", "copywriter"))
            .await,
        1
    );
    t.hub.delete_member(&t.f.admin, "copywriter").await.unwrap();
    assert_eq!(t.sql_i64(&member_events("deleted", "copywriter")).await, 1);
}

on_both_backends!(
    task_lifecycle_events,
    task_change_details_are_exact,
    plan_and_result_events,
    context_events,
    memory_events,
    message_events,
    membership_events,
    session_events,
    project_creation_event,
    reads_and_usage_bumps_write_no_events,
    member_registry_events,
);
