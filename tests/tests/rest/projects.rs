//! Projects: list, create, delete with cascade, and the state snapshot.

use jc_hub::model::Category;
use jc_hub::service::{Remember, Start};
use jc_tests::{Backend, on_both_backends};
use serde_json::json;

use crate::helpers::*;

async fn members_see_their_projects_admins_see_all(backend: Backend) {
    let api = Api::team(backend).await;
    api.create_project(&api.admin, json!({"name": "other"}))
        .await
        .created();
    assert_eq!(api.project_names(&api.admin).await, ["kaoru-bot", "other"]);
    assert_eq!(api.project_names(&api.ag).await, ["kaoru-bot"]);
    assert!(api.project_names(&api.out).await.is_empty());
}

async fn project_list_carries_key_and_sizes(backend: Backend) {
    let api = Api::team(backend).await;
    api.add_task(&api.ag, "One").await;
    api.add_task(&api.ag, "Two").await;
    let list = api.projects(&api.ag).await.ok();
    let p = &list["projects"][0];
    assert_eq!(p["name"], P);
    assert_eq!(p["key"], "KB");
    assert_eq!(p["description"], "kaoru-bot description");
    assert_eq!(p["task_count"], 2);
    assert_eq!(p["member_count"], 3);
}

async fn create_project_derives_the_key(backend: Backend) {
    let api = Api::team(backend).await;
    let made = api
        .create_project(&api.admin, json!({"name": "website"}))
        .await
        .created();
    assert_eq!(made["name"], "website");
    assert_eq!(made["key"], "WEB");
    assert_eq!(made["description"], "");
    assert_eq!(made["created_by"], "admin");
    assert!(made.get("id").is_none());
    // Its tasks use the key, and the creator is a member.
    let task = api
        .create_task(&api.admin, "website", json!({"title": "Landing page"}))
        .await
        .created();
    assert_eq!(task["ref"], "WEB-1");
    let members = api.project_members(&api.admin, "website").await.ok();
    assert_eq!(names(&members["members"]), ["admin"]);
}

async fn create_project_with_key_and_description(backend: Backend) {
    let api = Api::team(backend).await;
    let made = api
        .create_project(
            &api.admin,
            json!({"name": "sales-ops", "key": "SALES", "description": "Pipeline work"}),
        )
        .await
        .created();
    assert_eq!(made["key"], "SALES");
    let list = api.projects(&api.admin).await.ok();
    let found = list["projects"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["name"] == "sales-ops")
        .expect("listed");
    assert_eq!(found["description"], "Pipeline work");
    assert_eq!(found["key"], "SALES");
}

async fn derived_key_that_is_taken_gets_a_letter(backend: Backend) {
    let api = Api::team(backend).await;
    let made = api
        .create_project(&api.admin, json!({"name": "kaoru-books"}))
        .await
        .created();
    assert_eq!(made["key"], "KBA");
}

async fn duplicate_project_name_is_409(backend: Backend) {
    let api = Api::team(backend).await;
    api.create_project(&api.admin, json!({"name": P, "key": "ZZ"}))
        .await
        .conflict()
        .says(&["kaoru-bot", "already exists"]);
    assert_eq!(api.project_names(&api.admin).await, [P]);
    api.still_serves().await;
}

async fn explicit_duplicate_key_is_409(backend: Backend) {
    let api = Api::team(backend).await;
    api.create_project(&api.admin, json!({"name": "kb-two", "key": "KB"}))
        .await
        .conflict()
        .says(&["KB", "key"]);
    assert_eq!(api.project_names(&api.admin).await, [P]);
}

async fn non_admin_cannot_create_a_project(backend: Backend) {
    let api = Api::team(backend).await;
    api.create_project(&api.ag, json!({"name": "mine"}))
        .await
        .forbidden()
        .says(&["admin"]);
    assert_eq!(api.project_names(&api.admin).await, [P]);
}

async fn invalid_project_input_is_422(backend: Backend) {
    let api = Api::team(backend).await;
    let cases = [
        (json!({"name": "Kaoru Bot"}), "name", "lowercase"),
        (json!({"name": ""}), "name", "lowercase"),
        (json!({"name": "a".repeat(65)}), "name", "1-64"),
        (json!({}), "name", "missing"),
        (json!({"name": 7}), "name", "string"),
        (json!({"name": "ok", "key": "kb"}), "key", "uppercase"),
        (json!({"name": "ok", "key": "K"}), "key", "2-6"),
        (json!({"name": "ok", "key": "ABCDEFG"}), "key", "2-6"),
        (
            json!({"name": "ok", "owner": "me"}),
            "owner",
            "unknown field",
        ),
        (
            json!({"name": "ok", "description": "d".repeat(20_001)}),
            "description",
            "too long",
        ),
    ];
    for (body, field, hint) in cases {
        api.create_project(&api.admin, body)
            .await
            .invalid(field)
            .says(&[hint]);
    }
    assert_eq!(api.project_names(&api.admin).await, [P]);
}

async fn delete_project_removes_it_and_its_data(backend: Backend) {
    let api = Api::team(backend).await;
    let task = api.add_task(&api.ag, "Doomed").await;
    api.put_context(&api.ag, P, "stack", json!({"value": "rust"}))
        .await
        .ok();
    api.message(&api.ag, "copywriter", "bye").await;
    let deleted = api.delete_project(&api.admin, P).await.ok();
    assert!(str_of(&deleted["deleted"]).contains(P), "{deleted}");
    assert!(api.project_names(&api.admin).await.is_empty());
    api.tasks(&api.ag, P, "").await.not_found();
    api.task(&api.admin, P, &task).await.not_found();
    for table in ["tasks", "context", "messages", "project_members"] {
        let n = api
            .th
            .fixture
            .sql_i64(&format!("select count(*) from {table}"))
            .await;
        assert_eq!(n, 0, "{table} rows left after the cascade");
    }
    // Members survive their project.
    assert_eq!(api.member_names().await.len(), 4);
    // The name is free again.
    api.create_project(&api.admin, json!({"name": P}))
        .await
        .created();
}

async fn non_admin_cannot_delete_a_project(backend: Backend) {
    let api = Api::team(backend).await;
    api.add_task(&api.ag, "Keep me").await;
    api.delete_project(&api.ag, P)
        .await
        .forbidden()
        .says(&["admin"]);
    assert_eq!(api.project_names(&api.ag).await, [P]);
    assert_eq!(api.task_refs(&api.ag).await, ["KB-1"]);
}

async fn deleting_an_unknown_project_is_404(backend: Backend) {
    let api = Api::team(backend).await;
    api.delete_project(&api.admin, "ghost")
        .await
        .not_found()
        .says(&["ghost"]);
    assert_eq!(api.project_names(&api.admin).await, [P]);
}

async fn state_counts_tasks_context_and_sessions(backend: Backend) {
    let api = Api::team(backend).await;
    for (title, status) in [
        ("a", "todo"),
        ("b", "todo"),
        ("c", "blocked"),
        ("d", "done"),
    ] {
        api.create_task(&api.ag, P, json!({"title": title, "status": status}))
            .await
            .created();
    }
    api.add_task(&api.ag, "e").await;
    api.put_context(&api.cw, P, "tone", json!({"value": "friendly"}))
        .await
        .ok();
    api.message(&api.cw, "antigravity", "ping").await;
    let ag = api.caller("antigravity").await;
    api.th
        .hub()
        .start(
            &ag,
            Start {
                project: Some(P.into()),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    let state = api.state(&api.ag, P).await.ok();
    assert_eq!(state["project"]["name"], P);
    assert_eq!(state["project"]["key"], "KB");
    assert_eq!(
        state["counts"],
        json!({"backlog": 1, "todo": 2, "in_progress": 0, "done": 1, "blocked": 1})
    );
    assert_eq!(state["active_total"], 3);
    assert_eq!(
        state["context_keys"],
        json!([{"key": "tone", "updated_by": "copywriter"}])
    );
    assert_eq!(state["unread"], 1);
    assert_eq!(state["recent_sessions"][0]["agent"], "antigravity");
    // Unread is per caller.
    assert_eq!(api.state(&api.cw, P).await.ok()["unread"], 0);
}

async fn memories_of_a_deleted_project_go_with_it(backend: Backend) {
    let api = Api::team(backend).await;
    let ag = api.caller("antigravity").await;
    api.th
        .hub()
        .remember(
            &ag,
            Remember {
                project: Some(P.into()),
                category: Category::Term,
                key: "PSR".into(),
                value: "Pipeline Status Report".into(),
                scope: None,
                tier: None,
            },
        )
        .await
        .unwrap();
    api.delete_project(&api.admin, P).await.ok();
    let n = api
        .th
        .fixture
        .sql_i64("select count(*) from memories")
        .await;
    assert_eq!(n, 0);
}

on_both_backends!(
    members_see_their_projects_admins_see_all,
    project_list_carries_key_and_sizes,
    create_project_derives_the_key,
    create_project_with_key_and_description,
    derived_key_that_is_taken_gets_a_letter,
    duplicate_project_name_is_409,
    explicit_duplicate_key_is_409,
    non_admin_cannot_create_a_project,
    invalid_project_input_is_422,
    delete_project_removes_it_and_its_data,
    non_admin_cannot_delete_a_project,
    deleting_an_unknown_project_is_404,
    state_counts_tasks_context_and_sessions,
    memories_of_a_deleted_project_go_with_it,
);
