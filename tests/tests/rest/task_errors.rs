//! Tasks refused: unknown enum values, wrong shapes, bad refs and queries. Each refusal
//! leaves the board as it was.

use jc_tests::{Backend, on_both_backends};
use serde_json::json;

use crate::helpers::*;

const STATUS_CHOICES: &str = "backlog, todo, in_progress, done, blocked";

async fn patch_with_nothing_to_change_is_422(backend: Backend) {
    let api = Api::team(backend).await;
    api.add_task(&api.ag, "Same").await;
    api.patch_task(&api.ag, P, "KB-1", json!({}))
        .await
        .invalid("input")
        .says(&["nothing to change"]);
    let got = api.task(&api.ag, P, "KB-1").await.ok();
    assert_eq!(got["title"], "Same");
}

async fn patch_refusals_change_nothing(backend: Backend) {
    let api = Api::team(backend).await;
    api.add_task(&api.ag, "Stable").await;
    let before = api.task(&api.ag, P, "KB-1").await.ok();
    api.patch_task(
        &api.ag,
        P,
        "KB-1",
        json!({"title": "New", "assignee": "outsider"}),
    )
    .await
    .invalid("assignee")
    .says(&["outsider", "not a member"]);
    api.patch_task(
        &api.ag,
        P,
        "KB-1",
        json!({"title": "New", "status": "doing"}),
    )
    .await
    .invalid("status")
    .says(&[STATUS_CHOICES]);
    api.patch_task(&api.ag, P, "KB-1", json!({"title": ""}))
        .await
        .invalid("title");
    api.patch_task(&api.ag, P, "KB-1", json!({"title": "t".repeat(201)}))
        .await
        .invalid("title")
        .says(&["too long", "200"]);
    api.patch_task(&api.ag, P, "KB-1", json!({"title": "New", "ref": "KB-2"}))
        .await
        .invalid("ref")
        .says(&["unknown field"]);
    api.patch_task(&api.ag, P, "KB-1", json!({"updated_by": "admin"}))
        .await
        .invalid("updated_by");
    assert_eq!(api.task(&api.ag, P, "KB-1").await.ok(), before);
}

async fn unknown_status_in_query_lists_the_choices(backend: Backend) {
    let api = Api::team(backend).await;
    api.tasks(&api.ag, P, "?status=doing")
        .await
        .invalid("status")
        .says(&["doing", STATUS_CHOICES]);
    api.still_serves().await;
}

async fn unknown_status_in_body_lists_the_choices(backend: Backend) {
    let api = Api::team(backend).await;
    api.create_task(&api.ag, P, json!({"title": "t", "status": "doing"}))
        .await
        .invalid("status")
        .says(&["unknown status 'doing'", STATUS_CHOICES]);
    api.create_task(&api.ag, P, json!({"title": "t", "priority": "critical"}))
        .await
        .invalid("priority")
        .says(&["critical", "low, medium, high, urgent"]);
    assert!(api.task_refs(&api.ag).await.is_empty());
}

async fn bad_task_bodies_are_422_and_write_nothing(backend: Backend) {
    let api = Api::team(backend).await;
    let cases = [
        (json!({}), "title", "missing required field 'title'"),
        (json!({"title": 5}), "title", "string"),
        (json!({"title": ["a"]}), "title", "string"),
        (json!({"title": ""}), "title", "must not be empty"),
        (json!({"title": "   "}), "title", "must not be empty"),
        (json!({"title": "t".repeat(201)}), "title", "201"),
        (
            json!({"title": "t", "colour": "red"}),
            "colour",
            "unknown field 'colour'",
        ),
        (
            json!({"title": "t", "created_by": "admin"}),
            "created_by",
            "unknown field",
        ),
        (json!({"title": "t", "status": 3}), "status", "status"),
        (
            json!({"title": "t", "description": "d".repeat(20_001)}),
            "description",
            "too long",
        ),
        (
            json!({"title": "t", "assignee": "outsider"}),
            "assignee",
            "not a member",
        ),
        (
            json!({"title": "t", "assignee": "nobody"}),
            "assignee",
            "nobody",
        ),
    ];
    for (body, field, hint) in cases {
        api.create_task(&api.ag, P, body)
            .await
            .invalid(field)
            .says(&[hint]);
    }
    let list = api.tasks(&api.ag, P, "").await.ok();
    assert_eq!(list["total"], 0);
    assert_eq!(api.add_task(&api.ag, "First for real").await, "KB-1");
}

async fn unknown_task_ref_is_404(backend: Backend) {
    let api = Api::team(backend).await;
    api.add_task(&api.ag, "Only").await;
    api.task(&api.ag, P, "KB-99")
        .await
        .not_found()
        .says(&["KB-99"]);
    api.patch_task(&api.ag, P, "KB-99", json!({"title": "x"}))
        .await
        .not_found();
    api.delete_task(&api.ag, P, "99").await.not_found();
    assert_eq!(api.task_refs(&api.ag).await, ["KB-1"]);
}

async fn bad_ref_format_is_422(backend: Backend) {
    let api = Api::team(backend).await;
    api.add_task(&api.ag, "Only").await;
    for bad in ["KB-x", "0", "KB-0", "-3", "twelve", "KB-1.5"] {
        api.task(&api.ag, P, bad)
            .await
            .invalid("ref")
            .says(&["KB-<number>"]);
        api.delete_task(&api.ag, P, bad).await.invalid("ref");
    }
    api.task(&api.ag, P, "XY-1")
        .await
        .invalid("ref")
        .says(&["does not belong", "KB-<number>"]);
    api.patch_task(&api.ag, P, "XY-1", json!({"title": "x"}))
        .await
        .invalid("ref");
    assert_eq!(api.task_refs(&api.ag).await, ["KB-1"]);
}

async fn bad_list_queries_are_422(backend: Backend) {
    let api = Api::team(backend).await;
    api.add_task(&api.ag, "Only").await;
    for (query, field, hint) in [
        ("?limit=0", "limit", "1 to 200"),
        ("?limit=201", "limit", "1 to 200"),
        ("?limit=-1", "limit", "limit"),
        ("?limit=ten", "limit", "limit"),
        ("?cursor=garbage", "cursor", "next_cursor"),
        ("?cursor=1_x", "cursor", "next_cursor"),
        ("?sort=asc", "sort", "unknown field"),
    ] {
        api.tasks(&api.ag, P, query)
            .await
            .invalid(field)
            .says(&[hint]);
    }
    let ok = api.tasks(&api.ag, P, "?limit=200").await.ok();
    assert_eq!(ok["total"], 1);
    let one = api.tasks(&api.ag, P, "?limit=1").await.ok();
    assert_eq!(refs(&one["tasks"]), ["KB-1"]);
    assert!(one.get("next_cursor").is_none(), "{one}");
}

on_both_backends!(
    patch_with_nothing_to_change_is_422,
    patch_refusals_change_nothing,
    unknown_status_in_query_lists_the_choices,
    unknown_status_in_body_lists_the_choices,
    bad_task_bodies_are_422_and_write_nothing,
    unknown_task_ref_is_404,
    bad_ref_format_is_422,
    bad_list_queries_are_422,
);
