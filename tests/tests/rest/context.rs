//! Project context: list, upsert (PUT), delete.

use jc_tests::{Backend, on_both_backends};
use reqwest::Method;
use serde_json::json;

use crate::helpers::*;

async fn put_context_stores_any_json(backend: Backend) {
    let api = Api::team(backend).await;
    let values = [
        ("tech_stack", json!({"db": "sqlite", "lang": ["rust"]})),
        ("launch", json!("2025-06-01")),
        ("budget", json!(1200.5)),
        ("flags", json!([true, false])),
        ("nothing", json!(null)),
    ];
    for (key, value) in &values {
        let entry = api
            .put_context(&api.ag, P, key, json!({ "value": value }))
            .await
            .ok();
        assert_eq!(entry["key"], *key);
        assert_eq!(entry["value"], *value);
        assert_eq!(entry["updated_by"], "antigravity");
    }
    let list = api.context(&api.cw, P).await.ok();
    let entries = list["entries"].as_array().unwrap();
    assert_eq!(entries.len(), values.len());
    for (key, value) in &values {
        let e = entries.iter().find(|e| e["key"] == *key).expect("listed");
        assert_eq!(e["value"], *value);
    }
}

async fn put_context_replaces_and_records_the_author(backend: Backend) {
    let api = Api::team(backend).await;
    api.put_context(&api.ag, P, "tone", json!({"value": "formal"}))
        .await
        .ok();
    api.put_context(&api.cw, P, "tone", json!({"value": "friendly"}))
        .await
        .ok();
    let list = api.context(&api.ag, P).await.ok();
    assert_eq!(list["entries"].as_array().unwrap().len(), 1);
    assert_eq!(list["entries"][0]["value"], "friendly");
    assert_eq!(list["entries"][0]["updated_by"], "copywriter");
}

async fn delete_context_removes_the_key(backend: Backend) {
    let api = Api::team(backend).await;
    api.put_context(&api.ag, P, "keep", json!({"value": 1}))
        .await
        .ok();
    api.put_context(&api.ag, P, "drop", json!({"value": 2}))
        .await
        .ok();
    let deleted = api.delete_context(&api.cw, P, "drop").await.ok();
    assert!(str_of(&deleted["deleted"]).contains("drop"), "{deleted}");
    let list = api.context(&api.ag, P).await.ok();
    assert_eq!(field_of(&list["entries"], "key"), ["keep"]);
    api.delete_context(&api.cw, P, "drop")
        .await
        .not_found()
        .says(&["drop"]);
}

async fn keys_with_slashes_and_spaces_round_trip(backend: Backend) {
    let api = Api::team(backend).await;
    for key in ["decisions/db", "open questions", "ключ"] {
        let entry = api
            .put_context(&api.ag, P, key, json!({"value": key}))
            .await
            .ok();
        assert_eq!(entry["key"], key);
    }
    let list = api.context(&api.ag, P).await.ok();
    assert_eq!(list["entries"].as_array().unwrap().len(), 3);
    api.delete_context(&api.ag, P, "decisions/db").await.ok();
    let list = api.context(&api.ag, P).await.ok();
    let keys = field_of(&list["entries"], "key");
    assert!(!keys.contains(&"decisions/db".to_string()), "{keys:?}");
    assert_eq!(keys.len(), 2);
}

async fn bad_context_writes_are_refused_and_write_nothing(backend: Backend) {
    let api = Api::team(backend).await;
    let huge = "v".repeat(65 * 1024);
    api.put_context(&api.ag, P, "big", json!({ "value": huge }))
        .await
        .invalid("value")
        .says(&["too large", "65536"]);
    api.put_context(&api.ag, P, &"k".repeat(129), json!({"value": 1}))
        .await
        .invalid("key")
        .says(&["too long", "128"]);
    api.put_context(&api.ag, P, "k", json!({}))
        .await
        .invalid("value")
        .says(&["missing"]);
    api.put_context(&api.ag, P, "k", json!({"value": 1, "updated_by": "admin"}))
        .await
        .invalid("updated_by");
    let path = format!("/api/projects/{P}/context/k");
    api.send(
        Method::PUT,
        &path,
        Some(&api.ag),
        Body::Raw(b"value=1".to_vec()),
    )
    .await
    .bad_request();
    api.send(Method::PUT, &path, Some(&api.ag), Body::None)
        .await
        .bad_request();
    let list = api.context(&api.ag, P).await.ok();
    assert_eq!(list["entries"], json!([]));
}

async fn context_of_another_project_is_separate(backend: Backend) {
    let api = Api::team(backend).await;
    api.create_project(&api.admin, json!({"name": "other"}))
        .await
        .created();
    api.put_context(&api.admin, "other", "stack", json!({"value": "go"}))
        .await
        .ok();
    api.put_context(&api.ag, P, "stack", json!({"value": "rust"}))
        .await
        .ok();
    assert_eq!(
        api.context(&api.ag, P).await.ok()["entries"][0]["value"],
        "rust"
    );
    assert_eq!(
        api.context(&api.admin, "other").await.ok()["entries"][0]["value"],
        "go"
    );
    api.context(&api.ag, "other").await.forbidden();
}

on_both_backends!(
    put_context_stores_any_json,
    put_context_replaces_and_records_the_author,
    delete_context_removes_the_key,
    keys_with_slashes_and_spaces_round_trip,
    bad_context_writes_are_refused_and_write_nothing,
    context_of_another_project_is_separate,
);
