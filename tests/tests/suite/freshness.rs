//! Cached reads are never stale: the store's data version, and `jc_get_state`,
//! `jc_list_tasks`, `jc_get_task`, the project's context and its members served from
//! their caches only while no transaction committed, whichever hub or process wrote.

use std::sync::atomic::{AtomicI64, Ordering};

use jc_hub::model::*;
use jc_hub::service::{AddProjectMember, GetContext, ListTasks, SavePlan, UpdateMember};
use jc_tests::{Backend, on_both_backends};
use serde_json::json;

use crate::helpers::*;

/// Two reads of the version with no commit in between agree; a commit changes it. On
/// PostgreSQL the version is the server's snapshot, which other tests' commits move too,
/// so agreement is looked for among a few back-to-back pairs.
async fn data_version_changes_with_each_commit(backend: Backend) {
    let t = team(backend).await;
    let store = t.store();
    let mut agreed = false;
    for _ in 0..50 {
        let a = store.data_version().await.unwrap();
        let b = store.data_version().await.unwrap();
        if a == b {
            agreed = true;
            break;
        }
    }
    assert!(agreed, "the version moved with nothing committed");

    let before = store.data_version().await.unwrap();
    t.hub.add_task(&t.ag, task("one")).await.unwrap();
    let after = store.data_version().await.unwrap();
    assert_ne!(before, after, "a task added through the store");

    // A commit by another connection, outside the hub.
    let before = store.data_version().await.unwrap();
    t.sql_i64("update tasks set title = 'renamed' where seq = 1 returning cast(1 as bigint)")
        .await;
    let after = store.data_version().await.unwrap();
    assert_ne!(before, after, "a row updated by another connection");
}

/// A second hub on the same database writes; the first hub's next `jc_get_state` shows
/// it at once, for every part of the snapshot and for each caller.
async fn get_state_sees_another_hubs_writes(backend: Backend) {
    let t = team(backend).await;
    let other = t.second_hub().await;
    let first = t.hub.get_state(&t.cw, here()).await.unwrap();
    let again = t.hub.get_state(&t.cw, here()).await.unwrap();
    assert_eq!(first.counts, again.counts);
    assert_eq!(first.active_total, 0);

    other
        .add_task(&t.ag, task("from the other hub"))
        .await
        .unwrap();
    let state = t.hub.get_state(&t.cw, here()).await.unwrap();
    assert_eq!(state.counts.backlog, 1, "the other hub's task is counted");

    other
        .move_task(&t.ag, moving("KB-1", TaskStatus::Todo))
        .await
        .unwrap();
    let state = t.hub.get_state(&t.cw, here()).await.unwrap();
    assert_eq!((state.counts.backlog, state.counts.todo), (0, 1));
    assert_eq!(state.active_tasks.len(), 1);
    assert_eq!(state.active_tasks[0].title, "from the other hub");

    other
        .post_message(&t.ag, message("copywriter", "hello"))
        .await
        .unwrap();
    let mine = t.hub.get_state(&t.cw, here()).await.unwrap();
    assert_eq!(mine.unread, 1, "the recipient sees the other hub's message");
    let theirs = t.hub.get_state(&t.ag, here()).await.unwrap();
    assert_eq!(theirs.unread, 0, "entries are per caller");

    other
        .get_messages(&t.cw, inbox())
        .await
        .expect("read on the other hub");
    let mine = t.hub.get_state(&t.cw, here()).await.unwrap();
    assert_eq!(mine.unread, 0, "messages read on the other hub");

    // A change made by neither hub, straight in the database.
    t.sql_i64("update tasks set status = 'done' where seq = 1 returning cast(1 as bigint)")
        .await;
    let state = t.hub.get_state(&t.cw, here()).await.unwrap();
    assert_eq!((state.counts.todo, state.counts.done), (0, 1));
    assert!(state.active_tasks.is_empty());
}

/// Access is checked before the cache: a member's cached state is not served to a
/// caller outside the project, nor after the member leaves it.
async fn cached_state_still_checks_access(backend: Backend) {
    let t = team(backend).await;
    t.hub.get_state(&t.cw, here()).await.unwrap();
    t.hub.get_state(&t.cw, here()).await.unwrap();
    forbidden(t.hub.get_state(&t.out, here()).await);
    t.hub
        .remove_project_member(&t.f.admin, P, "copywriter")
        .await
        .unwrap();
    forbidden(t.hub.get_state(&t.cw, here()).await);
}

/// Each page and filter of `jc_list_tasks` follows writes by another hub and by a
/// connection outside any hub.
async fn list_tasks_sees_another_hubs_writes(backend: Backend) {
    let t = team(backend).await;
    let other = t.second_hub().await;
    let todo = || ListTasks {
        status: Some(TaskStatus::Todo),
        ..listing()
    };
    let page = |cursor: Option<String>| ListTasks {
        limit: Some(2),
        cursor,
        ..listing()
    };
    for title in ["a", "b", "c"] {
        t.hub.add_task(&t.ag, task(title)).await.unwrap();
        tick().await;
    }
    let first = t.hub.list_tasks(&t.cw, page(None)).await.unwrap();
    let cursor = first.next_cursor.clone().expect("a second page");
    let second = t
        .hub
        .list_tasks(&t.cw, page(Some(cursor.clone())))
        .await
        .unwrap();
    assert_eq!(second.tasks.len(), 1);
    assert!(
        t.hub
            .list_tasks(&t.cw, todo())
            .await
            .unwrap()
            .tasks
            .is_empty()
    );

    other
        .move_task(&t.ag, moving("KB-1", TaskStatus::Todo))
        .await
        .unwrap();
    let todos = t.hub.list_tasks(&t.cw, todo()).await.unwrap();
    assert_eq!(todos.tasks.len(), 1, "the other hub's move is seen");
    assert_eq!(todos.tasks[0].title, "a");
    let first = t.hub.list_tasks(&t.cw, page(None)).await.unwrap();
    assert_eq!(first.tasks[0].title, "a", "the moved task is the newest");
    assert_eq!(first.total, 3);

    other.add_task(&t.ag, task("d")).await.unwrap();
    let again = t.hub.list_tasks(&t.cw, page(Some(cursor))).await.unwrap();
    assert_eq!(again.total, 4, "the same cursor's page counts the new task");

    t.sql_i64("update tasks set title = 'edited' where seq = 1 returning cast(1 as bigint)")
        .await;
    let todos = t.hub.list_tasks(&t.cw, todo()).await.unwrap();
    assert_eq!(todos.tasks[0].title, "edited");
}

/// Reads racing writes: once a write on the other hub is acknowledged, every
/// `jc_get_state` that starts afterwards counts it, however many calls share a version
/// read.
async fn concurrent_reads_never_miss_an_acknowledged_write(backend: Backend) {
    let t = std::sync::Arc::new(team(backend).await);
    let other = t.second_hub().await;
    let acknowledged = std::sync::Arc::new(AtomicI64::new(0));
    let mut tasks = Vec::new();
    for worker in 0..8 {
        let (t, other, acknowledged) = (t.clone(), other.clone(), acknowledged.clone());
        tasks.push(tokio::spawn(async move {
            for i in 0..6 {
                if (worker + i) % 2 == 0 {
                    other.add_task(&t.ag, task("racing")).await.unwrap();
                    acknowledged.fetch_add(1, Ordering::SeqCst);
                }
                let seen = acknowledged.load(Ordering::SeqCst);
                let state = t.hub.get_state(&t.cw, here()).await.unwrap();
                assert!(
                    state.counts.backlog >= seen,
                    "{} tasks counted, {seen} acknowledged before the read",
                    state.counts.backlog
                );
            }
        }));
    }
    for task in tasks {
        task.await.unwrap();
    }
    let state = t.hub.get_state(&t.cw, here()).await.unwrap();
    assert_eq!(state.counts.backlog, 24);
}

/// The project's context (listed without a key) and its members follow the other hub's
/// writes.
async fn context_and_members_see_another_hubs_writes(backend: Backend) {
    let t = team(backend).await;
    let other = t.second_hub().await;
    let all = || GetContext {
        project: p(),
        key: None,
    };
    assert!(
        t.hub
            .get_context(&t.cw, all())
            .await
            .unwrap()
            .entries
            .is_empty()
    );
    let before = members(&t).await;
    assert!(before.iter().all(|m| m.name != "outsider"));

    (other
        .set_context(&t.ag, context("stack", json!("pg")))
        .await)
        .unwrap();
    let listed = t.hub.get_context(&t.cw, all()).await.unwrap().entries;
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0].value, json!("pg"));
    (other
        .set_context(&t.ag, context("stack", json!("sqlite")))
        .await)
        .unwrap();
    let listed = t.hub.get_context(&t.cw, all()).await.unwrap().entries;
    assert_eq!(listed[0].value, json!("sqlite"), "an overwrite is seen");

    let joining = AddProjectMember {
        member: "outsider".into(),
    };
    (other.add_project_member(&t.f.admin, P, joining).await).unwrap();
    let after = members(&t).await;
    assert_eq!(after.len(), before.len() + 1);
    let role = UpdateMember {
        role: Some("reviewer".into()),
        capabilities: None,
        kind: None,
        admin: None,
    };
    (other.update_member(&t.ag, "antigravity", role).await).unwrap();
    let after = members(&t).await;
    let ag = after.iter().find(|m| m.name == "antigravity").unwrap();
    assert_eq!(ag.role, "reviewer");
}

/// `jc_get_task` follows the other hub's plan and move, and a direct SQL change.
async fn get_task_sees_another_hubs_writes(backend: Backend) {
    let t = team(backend).await;
    let other = t.second_hub().await;
    t.hub.add_task(&t.ag, task("one")).await.unwrap();
    let read = t.hub.get_task(&t.cw, tref("KB-1")).await.unwrap();
    assert!(read.plan.is_none());
    let plan = SavePlan {
        project: p(),
        task_ref: "KB-1".into(),
        plan: "1. do it".into(),
    };
    other.save_plan(&t.ag, plan).await.unwrap();
    let read = t.hub.get_task(&t.cw, tref("KB-1")).await.unwrap();
    assert_eq!(read.plan.map(|d| d.content).as_deref(), Some("1. do it"));
    other
        .move_task(&t.ag, moving("KB-1", TaskStatus::InProgress))
        .await
        .unwrap();
    let read = t.hub.get_task(&t.cw, tref("KB-1")).await.unwrap();
    assert_eq!(read.task.status, TaskStatus::InProgress);
    assert_eq!(read.plan.map(|d| d.content).as_deref(), Some("1. do it"));
    t.sql_i64("update tasks set title = 'edited' where seq = 1 returning cast(1 as bigint)")
        .await;
    let read = t.hub.get_task(&t.cw, tref("KB-1")).await.unwrap();
    assert_eq!(read.task.title, "edited");
}

async fn members(t: &Team) -> Vec<Member> {
    t.hub.project_members(&t.cw, here()).await.unwrap().members
}

on_both_backends!(
    concurrent_reads_never_miss_an_acknowledged_write,
    context_and_members_see_another_hubs_writes,
    get_task_sees_another_hubs_writes,
    data_version_changes_with_each_commit,
    get_state_sees_another_hubs_writes,
    list_tasks_sees_another_hubs_writes,
    cached_state_still_checks_access,
);
