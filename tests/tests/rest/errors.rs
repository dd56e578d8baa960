//! Errors every endpoint shares: malformed and oversized bodies, wrong shapes, unknown
//! routes, unknown projects, and callers outside the project. Each check is followed by
//! one that proves the hub still serves and that nothing was written.

use jc_tests::{Backend, on_both_backends};
use reqwest::Method;
use serde_json::json;

use crate::helpers::*;

async fn invalid_json_is_400(backend: Backend) {
    let api = Api::team(backend).await;
    let path = format!("/api/projects/{P}/tasks");
    api.send(
        Method::POST,
        &path,
        Some(&api.ag),
        Body::Raw(b"{\"title\": \"unterminated".to_vec()),
    )
    .await
    .bad_request()
    .field("body")
    .says(&["not valid JSON"]);
    assert!(api.task_refs(&api.ag).await.is_empty());
    api.still_serves().await;
}

async fn trailing_garbage_after_json_is_400(backend: Backend) {
    let api = Api::team(backend).await;
    let path = format!("/api/projects/{P}/tasks");
    api.send(
        Method::POST,
        &path,
        Some(&api.ag),
        Body::Raw(b"{\"title\": \"a\"} {\"title\": \"b\"}".to_vec()),
    )
    .await
    .bad_request()
    .field("body");
    assert!(api.task_refs(&api.ag).await.is_empty());
}

async fn empty_body_is_400(backend: Backend) {
    let api = Api::team(backend).await;
    let path = format!("/api/projects/{P}/tasks");
    api.send(Method::POST, &path, Some(&api.ag), Body::Raw(Vec::new()))
        .await
        .bad_request()
        .field("body")
        .says(&["empty", "JSON"]);
    api.send(Method::POST, "/api/members", Some(&api.admin), Body::None)
        .await
        .bad_request()
        .field("body");
    assert!(api.task_refs(&api.ag).await.is_empty());
    api.still_serves().await;
}

async fn json_that_is_not_an_object_is_422(backend: Backend) {
    let api = Api::team(backend).await;
    for body in [
        json!([1, 2]),
        json!("a title"),
        json!(42),
        json!(null),
        json!(true),
    ] {
        api.create_task(&api.ag, P, body)
            .await
            .invalid("input")
            .says(&["JSON object"]);
    }
    // serde would fill a struct from an array, field by field: not through this API.
    api.create_task(&api.ag, P, json!([null, "Positional title"]))
        .await
        .invalid("input");
    api.create_member(&api.admin, json!(["sneaky", "agent", null, null, true]))
        .await
        .invalid("input");
    assert!(!api.member_names().await.contains(&"sneaky".to_string()));
    assert!(api.task_refs(&api.ag).await.is_empty());
}

async fn body_over_one_mebibyte_is_413(backend: Backend) {
    let api = Api::team(backend).await;
    let title = "x".repeat(jc_hub::http::BODY_LIMIT);
    let body = serde_json::to_vec(&json!({ "title": title })).unwrap();
    assert!(body.len() > jc_hub::http::BODY_LIMIT);
    let path = format!("/api/projects/{P}/tasks");
    api.send(Method::POST, &path, Some(&api.ag), Body::Raw(body))
        .await
        .error(413, "too_large")
        .says(&[&jc_hub::http::BODY_LIMIT.to_string()]);
    assert!(api.task_refs(&api.ag).await.is_empty());
    api.still_serves().await;
}

async fn oversized_body_is_413_on_every_write(backend: Backend) {
    let api = Api::team(backend).await;
    let big =
        serde_json::to_vec(&json!({ "value": "y".repeat(jc_hub::http::BODY_LIMIT) })).unwrap();
    let writes = [
        (Method::PUT, format!("/api/projects/{P}/context/k")),
        (Method::POST, format!("/api/projects/{P}/messages")),
        (Method::PATCH, format!("/api/projects/{P}/tasks/KB-1")),
        (Method::POST, "/api/members".to_string()),
        (Method::POST, "/api/projects".to_string()),
        (Method::PATCH, "/api/members/antigravity".to_string()),
        (Method::POST, format!("/api/projects/{P}/members")),
    ];
    for (method, path) in writes {
        api.send(method, &path, Some(&api.admin), Body::Raw(big.clone()))
            .await
            .error(413, "too_large");
    }
    let context = api.context(&api.admin, P).await.ok();
    assert_eq!(context["entries"], json!([]));
    api.still_serves().await;
}

async fn body_at_the_limit_is_read(backend: Backend) {
    // Exactly BODY_LIMIT bytes gets past the size check and fails on content instead.
    let api = Api::team(backend).await;
    let prefix = "{\"title\": \"ok\", \"description\": \"";
    let suffix = "\"}";
    let filler = jc_hub::http::BODY_LIMIT - prefix.len() - suffix.len();
    let body = format!("{prefix}{}{suffix}", "d".repeat(filler));
    assert_eq!(body.len(), jc_hub::http::BODY_LIMIT);
    let path = format!("/api/projects/{P}/tasks");
    api.send(
        Method::POST,
        &path,
        Some(&api.ag),
        Body::Raw(body.into_bytes()),
    )
    .await
    .invalid("description")
    .says(&["too long", "20000"]);
    assert!(api.task_refs(&api.ag).await.is_empty());
}

async fn unknown_route_is_404_json(backend: Backend) {
    let api = Api::team(backend).await;
    api.get(&api.ag, "/api/nope")
        .await
        .not_found()
        .says(&["/api/nope"]);
    api.get(&api.ag, &format!("/api/projects/{P}/tasks/KB-1/nope"))
        .await
        .not_found();
    for trailing in ["/api/projects/", &format!("/api/projects/{P}/tasks/")] {
        api.get(&api.ag, trailing).await.not_found();
    }
    api.send(Method::GET, "/api/whatever", None, Body::None)
        .await
        .not_found();
    api.send(Method::GET, "/definitely/not/here", None, Body::None)
        .await
        .not_found();
    api.still_serves().await;
}

async fn wrong_method_is_405_json(backend: Backend) {
    let api = Api::team(backend).await;
    let e = api
        .send(
            Method::PUT,
            "/api/projects",
            Some(&api.admin),
            Body::Json(json!({})),
        )
        .await
        .error(405, "method_not_allowed")
        .says(&["PUT", "/api/projects"]);
    let allow = e
        .headers
        .get("allow")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    assert!(
        allow.contains("GET") && allow.contains("POST"),
        "Allow: {allow:?}"
    );
    api.delete(&api.admin, "/api/members")
        .await
        .error(405, "method_not_allowed");
    api.send(Method::POST, "/health", None, Body::None)
        .await
        .error(405, "method_not_allowed");
    assert_eq!(api.project_names(&api.admin).await, [P]);
}

async fn undecodable_path_is_400_json(backend: Backend) {
    let api = Api::team(backend).await;
    // %FF is not UTF-8, so the segment cannot be decoded into a name.
    api.get(&api.ag, "/api/projects/%FF/tasks")
        .await
        .bad_request()
        .field("path")
        .says(&["UTF-8"]);
    api.delete(&api.admin, "/api/members/%C3%28")
        .await
        .bad_request()
        .field("path");
    assert_eq!(api.member_names().await.len(), 4);
    api.still_serves().await;
}

async fn unknown_project_is_404_everywhere(backend: Backend) {
    let api = Api::team(backend).await;
    let g = "ghost";
    let reads = [
        format!("/api/projects/{g}/tasks"),
        format!("/api/projects/{g}/tasks/1"),
        format!("/api/projects/{g}/tasks/1/history"),
        format!("/api/projects/{g}/events"),
        format!("/api/projects/{g}/state"),
        format!("/api/projects/{g}/context"),
        format!("/api/projects/{g}/messages"),
        format!("/api/projects/{g}/sessions"),
        format!("/api/projects/{g}/memories"),
        format!("/api/projects/{g}/memories/search?q=a"),
        format!("/api/projects/{g}/members"),
    ];
    for path in &reads {
        for token in [&api.ag, &api.admin] {
            api.get(token, path)
                .await
                .not_found()
                .says(&["no project 'ghost'"]);
        }
    }
    api.create_task(&api.ag, g, json!({"title": "t"}))
        .await
        .not_found();
    api.put_context(&api.ag, g, "k", json!({"value": 1}))
        .await
        .not_found();
    api.delete_context(&api.ag, g, "k").await.not_found();
    api.post_message(
        &api.ag,
        g,
        json!({"recipient": "copywriter", "content": "hi"}),
    )
    .await
    .not_found();
    api.delete_task(&api.ag, g, "1").await.not_found();
    api.patch_task(&api.ag, g, "1", json!({"title": "x"}))
        .await
        .not_found();
    api.delete_project(&api.admin, g).await.not_found();
    api.add_project_member(&api.admin, g, "outsider")
        .await
        .not_found();
    api.remove_project_member(&api.admin, g, "antigravity")
        .await
        .not_found();
    // The 404 lists the caller's projects, so it can pick the right one.
    api.tasks(&api.ag, g, "")
        .await
        .not_found()
        .says(&["kaoru-bot"]);
}

async fn outsider_is_403_everywhere(backend: Backend) {
    let api = Api::team(backend).await;
    let task = api.add_task(&api.ag, "Secret plan").await;
    let reads = [
        format!("/api/projects/{P}/tasks"),
        format!("/api/projects/{P}/tasks/{task}"),
        format!("/api/projects/{P}/tasks/{task}/history"),
        format!("/api/projects/{P}/events"),
        format!("/api/projects/{P}/state"),
        format!("/api/projects/{P}/context"),
        format!("/api/projects/{P}/messages"),
        format!("/api/projects/{P}/sessions"),
        format!("/api/projects/{P}/memories"),
        format!("/api/projects/{P}/memories/search?q=a"),
        format!("/api/projects/{P}/members"),
    ];
    for path in &reads {
        api.get(&api.out, path)
            .await
            .forbidden()
            .says(&["not a member of project 'kaoru-bot'", "ask an admin"]);
    }
    api.create_task(&api.out, P, json!({"title": "sneaky"}))
        .await
        .forbidden();
    api.patch_task(&api.out, P, &task, json!({"title": "mine now"}))
        .await
        .forbidden();
    api.delete_task(&api.out, P, &task).await.forbidden();
    api.put_context(&api.out, P, "k", json!({"value": 1}))
        .await
        .forbidden();
    api.delete_context(&api.out, P, "k").await.forbidden();
    api.post_message(
        &api.out,
        P,
        json!({"recipient": "copywriter", "content": "hi"}),
    )
    .await
    .forbidden();
    // Nothing the outsider tried was written.
    assert_eq!(api.task_refs(&api.ag).await, vec![task.clone()]);
    let detail = api.task(&api.ag, P, &task).await.ok();
    assert_eq!(detail["title"], "Secret plan");
    assert_eq!(api.context(&api.ag, P).await.ok()["entries"], json!([]));
    assert_eq!(
        api.messages(&api.ag, P, "").await.ok()["messages"],
        json!([])
    );
}

async fn errors_after_errors_leave_the_hub_serving(backend: Backend) {
    let api = Api::team(backend).await;
    let path = format!("/api/projects/{P}/tasks");
    for _ in 0..3 {
        api.send(Method::POST, &path, Some(&api.ag), Body::Raw(b"{".to_vec()))
            .await
            .bad_request();
        api.create_task(&api.ag, P, json!({"title": ""}))
            .await
            .invalid("title");
        api.get(&api.ag, "/api/nope").await.not_found();
    }
    let r = api.add_task(&api.ag, "After the storm").await;
    assert_eq!(r, "KB-1", "rejected creates do not use up task numbers");
}

on_both_backends!(
    invalid_json_is_400,
    trailing_garbage_after_json_is_400,
    empty_body_is_400,
    json_that_is_not_an_object_is_422,
    body_over_one_mebibyte_is_413,
    oversized_body_is_413_on_every_write,
    body_at_the_limit_is_read,
    unknown_route_is_404_json,
    wrong_method_is_405_json,
    undecodable_path_is_400_json,
    unknown_project_is_404_everywhere,
    outsider_is_403_everywhere,
    errors_after_errors_leave_the_hub_serving,
);
