//! Input validation: every refusal is a `Validation` error naming the field at fault.

use jc_hub::model::*;
use jc_hub::service::*;
use jc_tests::{Backend, on_both_backends};

use crate::helpers::*;

async fn task_titles_must_be_present_and_short(backend: Backend) {
    let t = team(backend).await;
    for bad in ["", "   ", "\n\t"] {
        validation(t.hub.add_task(&t.ag, task(bad)).await, "title");
    }
    validation(t.hub.add_task(&t.ag, task(&"t".repeat(201))).await, "title");
    // The limit counts characters, not bytes.
    let longest = "é".repeat(200);
    let created = t.hub.add_task(&t.ag, task(&longest)).await.unwrap();
    assert_eq!(created.title, longest);
    t.hub.add_task(&t.ag, task("ok")).await.unwrap();
    let update = UpdateTask {
        project: p(),
        task_ref: "KB-1".into(),
        title: Some(" ".into()),
        description: None,
        priority: None,
    };
    validation(t.hub.update_task(&t.ag, update).await, "title");
}

async fn task_texts_have_limits(backend: Backend) {
    let t = team(backend).await;
    let long = AddTask {
        description: Some("d".repeat(20_001)),
        ..task("x")
    };
    validation(t.hub.add_task(&t.ag, long).await, "description");
    t.hub.add_task(&t.ag, task("x")).await.unwrap();
    let update = UpdateTask {
        project: p(),
        task_ref: "KB-1".into(),
        title: None,
        description: Some("d".repeat(20_001)),
        priority: None,
    };
    validation(t.hub.update_task(&t.ag, update).await, "description");
    let note = MoveTask {
        note: Some("n".repeat(2_001)),
        ..moving("KB-1", TaskStatus::Blocked)
    };
    validation(t.hub.move_task(&t.ag, note).await, "note");
    for summary in ["", "  "] {
        let complete = CompleteTask {
            project: p(),
            task_ref: "KB-1".into(),
            summary: summary.into(),
        };
        validation(t.hub.complete_task(&t.ag, complete).await, "summary");
    }
    let plan = SavePlan {
        project: p(),
        task_ref: "KB-1".into(),
        plan: " ".into(),
    };
    validation(t.hub.save_plan(&t.ag, plan).await, "plan");
    let plan = SavePlan {
        project: p(),
        task_ref: "KB-1".into(),
        plan: "p".repeat(200_001),
    };
    validation(t.hub.save_plan(&t.ag, plan).await, "plan");
    let result = SaveResult {
        project: p(),
        task_ref: "KB-1".into(),
        result: String::new(),
    };
    validation(t.hub.save_result(&t.ag, result).await, "result");

    let read = t.hub.get_task(&t.ag, tref("KB-1")).await.unwrap();
    assert_eq!(read.task.status, TaskStatus::Backlog);
    assert!(read.plan.is_none() && read.result.is_none());
}

async fn bad_refs_are_refused(backend: Backend) {
    let t = team(backend).await;
    t.hub.add_task(&t.ag, task("a")).await.unwrap();
    for bad in [
        "", " ", "KB-", "KB-x", "KB-0", "0", "-1", "KB--1", "KB-1.5", "one", "KB 1",
    ] {
        let message = validation(t.hub.get_task(&t.ag, tref(bad)).await, "ref");
        assert!(message.contains("KB-"), "{bad:?}: {message}");
    }
    validation(
        t.hub
            .move_task(&t.ag, moving("KB-x", TaskStatus::Todo))
            .await,
        "ref",
    );
    validation(t.hub.delete_task(&t.ag, tref("x")).await, "ref");
    validation(t.hub.assign_task(&t.ag, assigning("?", None)).await, "ref");
}

async fn refs_of_another_project_are_refused(backend: Backend) {
    let t = team(backend).await;
    t.f.project("website", &[&t.ag]).await;
    t.hub.add_task(&t.ag, task("a")).await.unwrap();
    t.hub
        .add_task(&t.ag, task_in("website", "w"))
        .await
        .unwrap();
    for bad in ["WEB-1", "XY-1", "KBX-1"] {
        let message = validation(t.hub.get_task(&t.ag, tref(bad)).await, "ref");
        assert!(message.contains("KB-<number>"), "{bad}: {message}");
    }
    validation(t.hub.delete_task(&t.ag, tref("WEB-1")).await, "ref");
    let web = TaskRefArgs {
        project: Some("website".into()),
        task_ref: "WEB-1".into(),
    };
    t.hub.get_task(&t.ag, web).await.unwrap();
}

async fn limits_must_be_in_range(backend: Backend) {
    let t = team(backend).await;
    for bad in [0, 201, u32::MAX] {
        let tasks = ListTasks {
            limit: Some(bad),
            ..listing()
        };
        validation(t.hub.list_tasks(&t.ag, tasks).await, "limit");
        let sessions = ListSessions {
            project: p(),
            limit: Some(bad),
        };
        validation(t.hub.list_sessions(&t.ag, sessions).await, "limit");
        let inbox = GetMessages {
            limit: Some(bad),
            ..inbox()
        };
        validation(t.hub.get_messages(&t.ag, inbox).await, "limit");
        let search = SearchMemory {
            limit: Some(bad),
            ..searching("x")
        };
        validation(t.hub.search_memory(&t.ag, search).await, "limit");
        validation(
            t.hub.list_messages(&t.ag, P, Some(bad), None).await,
            "limit",
        );
        validation(
            t.hub.list_memories(&t.ag, Some(P), Some(bad), None).await,
            "limit",
        );
    }
    for ok in [1, 200] {
        let tasks = ListTasks {
            limit: Some(ok),
            ..listing()
        };
        t.hub.list_tasks(&t.ag, tasks).await.unwrap();
    }
}

async fn bad_cursors_are_refused(backend: Backend) {
    let t = team(backend).await;
    for bad in ["", "garbage", "12", "x_1", "1_x", "_", "1-2"] {
        let input = ListTasks {
            cursor: Some(bad.into()),
            ..listing()
        };
        let message = validation(t.hub.list_tasks(&t.ag, input).await, "cursor");
        assert!(message.contains("next_cursor"), "{message}");
    }
}

async fn memory_inputs_are_checked(backend: Backend) {
    let t = team(backend).await;
    for key in ["", "  "] {
        validation(
            t.hub.remember(&t.ag, memo(Category::Term, key, "v")).await,
            "key",
        );
        validation(t.hub.recall(&t.ag, recalling(key)).await, "key");
    }
    validation(
        t.hub
            .remember(&t.ag, memo(Category::Term, &"k".repeat(201), "v"))
            .await,
        "key",
    );
    validation(
        t.hub.remember(&t.ag, memo(Category::Term, "k", "")).await,
        "value",
    );
    validation(
        t.hub
            .remember(&t.ag, memo(Category::Term, "k", &"v".repeat(20_001)))
            .await,
        "value",
    );
    validation(t.hub.search_memory(&t.ag, searching("")).await, "query");
    validation(t.hub.search_memory(&t.ag, searching("  ")).await, "query");
    validation(
        t.hub
            .search_memory(&t.ag, searching(&"q".repeat(201)))
            .await,
        "query",
    );
    let forget = Forget {
        project: p(),
        key: String::new(),
        scope: None,
    };
    validation(t.hub.forget(&t.ag, forget).await, "key");
    let tier = SetMemoryTier {
        project: p(),
        key: " ".into(),
        tier: Tier::Hot,
        scope: None,
    };
    validation(t.hub.set_memory_tier(&t.ag, tier).await, "key");
    let list = t.hub.list_memories(&t.ag, Some(P), None, None).await;
    assert_eq!(list.unwrap().total, 0);
}

async fn memory_keys_are_trimmed(backend: Backend) {
    let t = team(backend).await;
    let m = t
        .hub
        .remember(&t.ag, memo(Category::Term, "  PSR  ", "v"))
        .await
        .unwrap();
    assert_eq!(m.key, "PSR");
    let got = t.hub.recall(&t.ag, recalling(" PSR ")).await.unwrap();
    assert_eq!(got.key, "PSR");
}

async fn session_summary_is_required(backend: Backend) {
    let t = team(backend).await;
    t.hub.start(&t.ag, starting()).await.unwrap();
    validation(t.hub.end_session(&t.ag, ending("")).await, "summary");
    validation(
        t.hub.end_session(&t.ag, ending(&"s".repeat(20_001))).await,
        "summary",
    );
    let sessions = ListSessions {
        project: p(),
        limit: None,
    };
    let open = t.hub.list_sessions(&t.ag, sessions).await.unwrap();
    assert_eq!(open.sessions[0].ended_at, None, "still open");
}

on_both_backends!(
    task_titles_must_be_present_and_short,
    task_texts_have_limits,
    bad_refs_are_refused,
    refs_of_another_project_are_refused,
    limits_must_be_in_range,
    bad_cursors_are_refused,
    memory_inputs_are_checked,
    memory_keys_are_trimmed,
    session_summary_is_required,
);
