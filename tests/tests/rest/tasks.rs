//! Tasks: create, read one, edit, delete, list with filters, history and project events,
//! and the ways each can be refused.

use jc_hub::service::{SavePlan, SaveResult};
use jc_tests::{Backend, on_both_backends};
use serde_json::json;

use crate::helpers::*;

async fn create_task_returns_201_with_defaults(backend: Backend) {
    let api = Api::team(backend).await;
    let task = api
        .create_task(&api.ag, P, json!({"title": "  Add login page  "}))
        .await
        .created();
    assert_eq!(task["ref"], "KB-1");
    assert_eq!(task["title"], "Add login page");
    assert_eq!(task["status"], "backlog");
    assert_eq!(task["priority"], "medium");
    assert_eq!(task["assignee"], json!(null));
    assert_eq!(task["created_by"], "antigravity");
    assert_eq!(task["updated_by"], "antigravity");
    assert!(task["created_at"].as_str().unwrap().ends_with('Z'));
    let second = api.add_task(&api.cw, "Write copy").await;
    assert_eq!(second, "KB-2");
    let list = api.tasks(&api.ag, P, "").await.ok();
    assert_eq!(list["total"], 2);
    assert_eq!(refs(&list["tasks"]), ["KB-2", "KB-1"]);
}

async fn create_task_with_every_field(backend: Backend) {
    let api = Api::team(backend).await;
    let task = api
        .create_task(
            &api.ag,
            P,
            json!({
                "title": "Launch post",
                "description": "Blog + socials",
                "priority": "urgent",
                "status": "todo",
                "assignee": "copywriter",
            }),
        )
        .await
        .created();
    assert_eq!(task["description"], "Blog + socials");
    assert_eq!(task["priority"], "urgent");
    assert_eq!(task["status"], "todo");
    assert_eq!(task["assignee"], "copywriter");
    let got = api.task(&api.cw, P, "KB-1").await.ok();
    assert_eq!(got["title"], "Launch post");
    assert_eq!(got["assignee"], "copywriter");
}

async fn title_of_200_characters_is_accepted(backend: Backend) {
    let api = Api::team(backend).await;
    let title = "é".repeat(200);
    let task = api
        .create_task(&api.ag, P, json!({"title": title}))
        .await
        .created();
    assert_eq!(task["title"], title);
}

async fn get_task_accepts_every_ref_form(backend: Backend) {
    let api = Api::team(backend).await;
    api.add_task(&api.ag, "First").await;
    for r in ["KB-1", "kb-1", "1"] {
        let got = api.task(&api.ag, P, r).await.ok();
        assert_eq!(got["ref"], "KB-1", "{r}");
        assert_eq!(got["title"], "First");
    }
}

async fn get_task_includes_plan_and_result(backend: Backend) {
    let api = Api::team(backend).await;
    api.add_task(&api.ag, "Research").await;
    let got = api.task(&api.ag, P, "KB-1").await.ok();
    assert_eq!(got["plan"], json!(null));
    assert_eq!(got["result"], json!(null));
    let ag = api.caller("antigravity").await;
    let cw = api.caller("copywriter").await;
    let hub = api.th.hub();
    hub.save_plan(
        &ag,
        SavePlan {
            project: Some(P.into()),
            task_ref: "1".into(),
            plan: "1. read\n2. write".into(),
        },
    )
    .await
    .unwrap();
    hub.save_result(
        &cw,
        SaveResult {
            project: Some(P.into()),
            task_ref: "KB-1".into(),
            result: "Found it".into(),
        },
    )
    .await
    .unwrap();
    api.task(&api.out, P, "KB-1").await.forbidden();
    let got = api.task(&api.cw, P, "KB-1").await.ok();
    assert_eq!(got["plan"]["content"], "1. read\n2. write");
    assert_eq!(got["plan"]["updated_by"], "antigravity");
    assert_eq!(got["result"]["content"], "Found it");
    assert_eq!(got["result"]["created_by"], "copywriter");
}

async fn patch_task_changes_fields_and_author(backend: Backend) {
    let api = Api::team(backend).await;
    api.add_task(&api.ag, "Draft").await;
    let patched = api
        .patch_task(
            &api.cw,
            P,
            "KB-1",
            json!({
                "title": "Final",
                "description": "now with details",
                "priority": "high",
                "status": "in_progress",
                "assignee": "copywriter",
                "note": "taking it",
            }),
        )
        .await
        .ok();
    assert_eq!(patched["title"], "Final");
    assert_eq!(patched["updated_by"], "copywriter");
    assert_eq!(patched["created_by"], "antigravity");
    let got = api.task(&api.ag, P, "1").await.ok();
    assert_eq!(got["title"], "Final");
    assert_eq!(got["description"], "now with details");
    assert_eq!(got["priority"], "high");
    assert_eq!(got["status"], "in_progress");
    assert_eq!(got["assignee"], "copywriter");
    assert_eq!(got["updated_by"], "copywriter");
}

async fn patch_assignee_null_clears_it(backend: Backend) {
    let api = Api::team(backend).await;
    api.create_task(&api.ag, P, json!({"title": "t", "assignee": "copywriter"}))
        .await
        .created();
    // Omitting assignee leaves it.
    api.patch_task(&api.ag, P, "KB-1", json!({"priority": "low"}))
        .await
        .ok();
    assert_eq!(
        api.task(&api.ag, P, "KB-1").await.ok()["assignee"],
        "copywriter"
    );
    api.patch_task(&api.ag, P, "KB-1", json!({"assignee": null}))
        .await
        .ok();
    assert_eq!(
        api.task(&api.ag, P, "KB-1").await.ok()["assignee"],
        json!(null)
    );
}

async fn delete_task_removes_it(backend: Backend) {
    let api = Api::team(backend).await;
    api.add_task(&api.ag, "Keep").await;
    api.add_task(&api.ag, "Drop").await;
    let deleted = api.delete_task(&api.cw, P, "KB-2").await.ok();
    assert_eq!(deleted["deleted"], "task KB-2");
    api.task(&api.ag, P, "KB-2").await.not_found();
    assert_eq!(api.task_refs(&api.ag).await, ["KB-1"]);
    api.delete_task(&api.cw, P, "KB-2")
        .await
        .not_found()
        .says(&["KB-2"]);
    // Numbers are not reused.
    assert_eq!(api.add_task(&api.ag, "Next").await, "KB-3");
}

async fn list_filters_by_status_and_assignee(backend: Backend) {
    let api = Api::team(backend).await;
    let specs = [
        ("a", "todo", Some("copywriter")),
        ("b", "todo", Some("antigravity")),
        ("c", "done", Some("copywriter")),
        ("d", "backlog", None),
    ];
    for (title, status, assignee) in specs {
        api.create_task(
            &api.ag,
            P,
            json!({"title": title, "status": status, "assignee": assignee}),
        )
        .await
        .created();
    }
    let todo = api.tasks(&api.ag, P, "?status=todo").await.ok();
    assert_eq!(refs(&todo["tasks"]), ["KB-2", "KB-1"]);
    assert_eq!(todo["total"], 2);
    let cw = api.tasks(&api.ag, P, "?assignee=copywriter").await.ok();
    assert_eq!(refs(&cw["tasks"]), ["KB-3", "KB-1"]);
    let both = api
        .tasks(&api.ag, P, "?status=todo&assignee=copywriter")
        .await
        .ok();
    assert_eq!(refs(&both["tasks"]), ["KB-1"]);
    let in_progress = api.tasks(&api.ag, P, "?status=in_progress").await.ok();
    assert_eq!(in_progress["total"], 0);
    assert_eq!(in_progress["tasks"], json!([]));
}

async fn list_puts_latest_activity_first(backend: Backend) {
    let api = Api::team(backend).await;
    for t in ["one", "two", "three"] {
        api.add_task(&api.ag, t).await;
    }
    tokio::time::sleep(std::time::Duration::from_millis(5)).await;
    api.patch_task(&api.ag, P, "KB-1", json!({"status": "todo"}))
        .await
        .ok();
    assert_eq!(api.task_refs(&api.ag).await, ["KB-1", "KB-3", "KB-2"]);
}

async fn history_lists_changes_newest_first(backend: Backend) {
    let api = Api::team(backend).await;
    api.add_task(&api.ag, "Tracked").await;
    api.patch_task(
        &api.cw,
        P,
        "KB-1",
        json!({"status": "todo", "note": "ready"}),
    )
    .await
    .ok();
    api.patch_task(&api.ag, P, "KB-1", json!({"assignee": "copywriter"}))
        .await
        .ok();
    let history = api.task_history(&api.ag, P, "1").await.ok();
    let events = history["events"].as_array().unwrap();
    let actions: Vec<&str> = events
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    assert_eq!(actions, ["assigned", "moved", "created"]);
    let actors: Vec<&str> = events
        .iter()
        .map(|e| e["actor"].as_str().unwrap())
        .collect();
    assert_eq!(actors, ["antigravity", "copywriter", "antigravity"]);
    assert!(events.iter().all(|e| e["entity_key"] == "KB-1"));
    api.task_history(&api.ag, P, "KB-9").await.not_found();
}

async fn history_outlives_a_deleted_task(backend: Backend) {
    let api = Api::team(backend).await;
    api.add_task(&api.ag, "Short-lived").await;
    api.delete_task(&api.cw, P, "KB-1").await.ok();
    let history = api.task_history(&api.ag, P, "KB-1").await.ok();
    let actions = field_of(&history["events"], "action");
    assert_eq!(actions, ["deleted", "created"]);
    assert_eq!(history["events"][0]["actor"], "copywriter");
}

async fn concurrent_creates_get_distinct_refs(backend: Backend) {
    let api = Api::team(backend).await;
    let creates = (0..12).map(|i| {
        let token = if i % 2 == 0 { &api.ag } else { &api.cw };
        api.create_task(token, P, json!({"title": format!("parallel {i}")}))
    });
    let results = futures::future::join_all(creates).await;
    let mut made: Vec<String> = results
        .into_iter()
        .map(|r| str_of(&r.created()["ref"]))
        .collect();
    made.sort_by_key(|r| r[3..].parse::<u32>().unwrap());
    let expected: Vec<String> = (1..=12).map(|n| format!("KB-{n}")).collect();
    assert_eq!(made, expected);
    assert_eq!(api.tasks(&api.ag, P, "").await.ok()["total"], 12);
}

async fn events_show_project_activity(backend: Backend) {
    let api = Api::team(backend).await;
    api.add_task(&api.ag, "Visible").await;
    api.put_context(&api.cw, P, "k", json!({"value": 1}))
        .await
        .ok();
    let all = api.events(&api.ag, P, "").await.ok();
    let events = all["events"].as_array().unwrap();
    assert!(
        events.iter().any(|e| e["entity"] == "task"
            && e["action"] == "created"
            && e["actor"] == "antigravity"),
        "{all}"
    );
    assert!(events.iter().any(|e| e["actor"] == "copywriter"), "{all}");
    let one = api.events(&api.ag, P, "?limit=1").await.ok();
    assert_eq!(one["events"].as_array().unwrap().len(), 1);
    api.events(&api.ag, P, "?limit=0").await.invalid("limit");
}

on_both_backends!(
    create_task_returns_201_with_defaults,
    create_task_with_every_field,
    title_of_200_characters_is_accepted,
    get_task_accepts_every_ref_form,
    get_task_includes_plan_and_result,
    patch_task_changes_fields_and_author,
    patch_assignee_null_clears_it,
    delete_task_removes_it,
    list_filters_by_status_and_assignee,
    list_puts_latest_activity_first,
    history_lists_changes_newest_first,
    history_outlives_a_deleted_task,
    concurrent_creates_get_distinct_refs,
    events_show_project_activity,
);
