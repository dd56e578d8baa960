//! Project context: key/value entries holding any JSON.

use jc_hub::service::*;
use jc_tests::{Backend, on_both_backends};
use serde_json::{Value, json};

use crate::helpers::*;

fn get_one(key: &str) -> GetContext {
    GetContext {
        project: p(),
        key: Some(key.into()),
    }
}

fn get_all() -> GetContext {
    GetContext {
        project: p(),
        key: None,
    }
}

fn delete(key: &str) -> DeleteContext {
    DeleteContext {
        project: p(),
        key: key.into(),
    }
}

fn samples() -> Vec<(&'static str, Value)> {
    vec![
        ("string", json!("PostgreSQL 15")),
        ("empty_string", json!("")),
        ("integer", json!(42)),
        ("negative", json!(-7)),
        ("big", json!(9_007_199_254_740_993_i64)),
        ("float", json!(3.25)),
        ("true", json!(true)),
        ("false", json!(false)),
        ("null", Value::Null),
        ("list", json!([1, "two", null, {"three": 3}])),
        ("empty_list", json!([])),
        ("empty_object", json!({})),
        (
            "nested",
            json!({"db": {"engine": "pg", "replicas": [1, 2]}, "ok": true}),
        ),
        ("unicode", json!("Кагуя 🌐 \"quoted\" \\ back\nslash")),
        ("decisions/db", json!("slashes in keys are fine")),
    ]
}

async fn any_json_value_round_trips(backend: Backend) {
    let t = team(backend).await;
    for (key, value) in samples() {
        let set = t.hub.set_context(&t.ag, context(key, value.clone())).await;
        let set = set.unwrap();
        assert_eq!(set.key, key);
        assert_eq!(set.value, value, "{key}: returned value");
        assert_eq!(set.updated_by, "antigravity");
    }
    for (key, value) in samples() {
        let got = t.hub.get_context(&t.cw, get_one(key)).await.unwrap();
        assert_eq!(got.entries.len(), 1);
        assert_eq!(got.entries[0].key, key);
        assert_eq!(got.entries[0].value, value, "{key}: read back");
    }
}

async fn get_all_lists_every_key_in_order(backend: Backend) {
    let t = team(backend).await;
    for (key, value) in [("b", json!(2)), ("a", json!(1)), ("c", json!(3))] {
        t.hub.set_context(&t.ag, context(key, value)).await.unwrap();
    }
    let all = t.hub.get_context(&t.cw, get_all()).await.unwrap();
    let keys: Vec<&str> = all.entries.iter().map(|e| e.key.as_str()).collect();
    assert_eq!(keys, ["a", "b", "c"]);
    assert_eq!(all.entries[1].value, json!(2));
}

async fn set_context_upserts(backend: Backend) {
    let t = team(backend).await;
    t.hub
        .set_context(&t.ag, context("stack", json!({"db": "sqlite"})))
        .await
        .unwrap();
    tick().await;
    t.hub
        .set_context(&t.cw, context("stack", json!(["pg", "redis"])))
        .await
        .unwrap();
    let all = t.hub.get_context(&t.ag, get_all()).await.unwrap();
    assert_eq!(all.entries.len(), 1);
    let entry = &all.entries[0];
    assert_eq!(entry.value, json!(["pg", "redis"]));
    assert_eq!(entry.updated_by, "copywriter");
}

async fn get_missing_key_is_not_found(backend: Backend) {
    let t = team(backend).await;
    let message = not_found(t.hub.get_context(&t.ag, get_one("nope")).await);
    assert!(message.contains("nope"), "{message}");
    let all = t.hub.get_context(&t.ag, get_all()).await.unwrap();
    assert!(all.entries.is_empty());
}

async fn delete_context_removes_the_key(backend: Backend) {
    let t = team(backend).await;
    t.hub
        .set_context(&t.ag, context("keep", json!(1)))
        .await
        .unwrap();
    t.hub
        .set_context(&t.ag, context("drop", json!(2)))
        .await
        .unwrap();
    let deleted = t.hub.delete_context(&t.cw, delete("drop")).await.unwrap();
    assert!(deleted.deleted.contains("drop"), "{}", deleted.deleted);
    not_found(t.hub.get_context(&t.ag, get_one("drop")).await);
    let all = t.hub.get_context(&t.ag, get_all()).await.unwrap();
    let keys: Vec<&str> = all.entries.iter().map(|e| e.key.as_str()).collect();
    assert_eq!(keys, ["keep"]);
    not_found(t.hub.delete_context(&t.cw, delete("drop")).await);
}

async fn context_is_per_project(backend: Backend) {
    let t = team(backend).await;
    t.f.project("website", &[&t.ag]).await;
    t.hub
        .set_context(&t.ag, context("stack", json!("kb")))
        .await
        .unwrap();
    let web = SetContext {
        project: Some("website".into()),
        ..context("stack", json!("web"))
    };
    t.hub.set_context(&t.ag, web).await.unwrap();
    let kb = t.hub.get_context(&t.ag, get_one("stack")).await.unwrap();
    assert_eq!(kb.entries[0].value, json!("kb"));
    let web = GetContext {
        project: Some("website".into()),
        key: Some("stack".into()),
    };
    let web = t.hub.get_context(&t.ag, web).await.unwrap();
    assert_eq!(web.entries[0].value, json!("web"));

    let gone = DeleteContext {
        project: Some("website".into()),
        key: "stack".into(),
    };
    t.hub.delete_context(&t.ag, gone).await.unwrap();
    let kb = t.hub.get_context(&t.ag, get_one("stack")).await.unwrap();
    assert_eq!(kb.entries[0].value, json!("kb"));
}

async fn context_value_size_is_limited(backend: Backend) {
    let t = team(backend).await;
    // A JSON string of n characters serializes to n + 2 bytes.
    let fits = json!("x".repeat(64 * 1024 - 2));
    t.hub
        .set_context(&t.ag, context("fits", fits.clone()))
        .await
        .unwrap();
    let got = t.hub.get_context(&t.ag, get_one("fits")).await.unwrap();
    assert_eq!(got.entries[0].value, fits);

    let too_big = json!("x".repeat(64 * 1024 - 1));
    let err = t.hub.set_context(&t.ag, context("big", too_big)).await;
    validation(err, "value");
    not_found(t.hub.get_context(&t.ag, get_one("big")).await);
}

async fn context_keys_are_checked(backend: Backend) {
    let t = team(backend).await;
    validation(t.hub.set_context(&t.ag, context("", json!(1))).await, "key");
    validation(
        t.hub.set_context(&t.ag, context("   ", json!(1))).await,
        "key",
    );
    let long = "k".repeat(129);
    validation(
        t.hub.set_context(&t.ag, context(&long, json!(1))).await,
        "key",
    );
    let longest = "k".repeat(128);
    t.hub
        .set_context(&t.ag, context(&longest, json!(1)))
        .await
        .unwrap();
    validation(t.hub.delete_context(&t.ag, delete("")).await, "key");
}

on_both_backends!(
    any_json_value_round_trips,
    get_all_lists_every_key_in_order,
    set_context_upserts,
    get_missing_key_is_not_found,
    delete_context_removes_the_key,
    context_is_per_project,
    context_value_size_is_limited,
    context_keys_are_checked,
);
