//! Memories: a project's view (its own + global) and the global list.

use jc_hub::model::{Category, Scope, Tier};
use jc_hub::service::Remember;
use jc_tests::{Backend, on_both_backends};
use serde_json::json;

use crate::helpers::*;

async fn remember(api: &Api, project: &str, key: &str, scope: Scope) {
    let admin = api.caller("admin").await;
    api.th
        .hub()
        .remember(
            &admin,
            Remember {
                project: Some(project.into()),
                category: Category::Term,
                key: key.into(),
                value: format!("meaning of {key}"),
                scope: Some(scope),
                tier: Some(Tier::Hot),
            },
        )
        .await
        .expect("remember");
}

/// Memories seen by kaoru-bot: PSR and CRM (project), TZ (global); WEB belongs to `other`.
async fn with_memories(backend: Backend) -> Api {
    let api = Api::team(backend).await;
    api.create_project(&api.admin, json!({"name": "other"}))
        .await
        .created();
    remember(&api, P, "PSR", Scope::Project).await;
    remember(&api, P, "CRM", Scope::Project).await;
    remember(&api, P, "TZ", Scope::Global).await;
    remember(&api, "other", "WEB", Scope::Project).await;
    api
}

fn keys(list: &serde_json::Value) -> Vec<String> {
    let mut keys = field_of(&list["memories"], "key");
    keys.sort();
    keys
}

async fn project_memories_include_global_ones(backend: Backend) {
    let api = with_memories(backend).await;
    let list = api.project_memories(&api.ag, P, "").await.ok();
    assert_eq!(keys(&list), ["CRM", "PSR", "TZ"]);
    assert_eq!(list["total"], 3);
    let psr = list["memories"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["key"] == "PSR")
        .unwrap();
    assert_eq!(psr["scope"], "project");
    assert_eq!(psr["project"], P);
    assert_eq!(psr["category"], "term");
    assert_eq!(psr["value"], "meaning of PSR");
    assert_eq!(psr["tier"], "hot");
    assert_eq!(psr["created_by"], "admin");
    let other = api.project_memories(&api.admin, "other", "").await.ok();
    assert_eq!(keys(&other), ["TZ", "WEB"]);
}

async fn global_memories_are_only_global(backend: Backend) {
    let api = with_memories(backend).await;
    let list = api.global_memories(&api.ag, "").await.ok();
    assert_eq!(keys(&list), ["TZ"]);
    assert_eq!(list["total"], 1);
    assert_eq!(list["memories"][0]["scope"], "global");
    // Global memories belong to no project, so any member may read them.
    let seen_by_outsider = api.global_memories(&api.out, "").await.ok();
    assert_eq!(keys(&seen_by_outsider), ["TZ"]);
}

async fn memory_lists_page_with_limit_and_offset(backend: Backend) {
    let api = with_memories(backend).await;
    let mut seen = Vec::new();
    for offset in 0..3 {
        let page = api
            .project_memories(&api.ag, P, &format!("?limit=1&offset={offset}"))
            .await
            .ok();
        assert_eq!(page["total"], 3);
        seen.extend(field_of(&page["memories"], "key"));
    }
    seen.sort();
    assert_eq!(seen, ["CRM", "PSR", "TZ"]);
    let past = api.project_memories(&api.ag, P, "?offset=3").await.ok();
    assert_eq!(past["memories"], json!([]));
}

async fn bad_memory_queries_are_422(backend: Backend) {
    let api = with_memories(backend).await;
    for (query, field) in [
        ("?limit=0", "limit"),
        ("?limit=201", "limit"),
        ("?offset=-1", "offset"),
        ("?tier=hot", "tier"),
    ] {
        api.project_memories(&api.ag, P, query).await.invalid(field);
        api.global_memories(&api.ag, query).await.invalid(field);
    }
    api.project_memories(&api.out, P, "").await.forbidden();
    api.project_memories(&api.ag, "ghost", "").await.not_found();
}

async fn search_finds_keys_and_values_in_project_and_global(backend: Backend) {
    let api = with_memories(backend).await;
    let path = |q: &str| format!("/api/projects/{P}/memories/search{q}");
    // Key match, case-insensitive.
    let found = api.get(&api.ag, &path("?q=psr")).await.ok();
    assert_eq!(keys(&found), ["PSR"]);
    assert_eq!(found["total"], 1);
    // Value match across scopes ("meaning of …" is in every value); `other` stays out.
    let all = api.get(&api.ag, &path("?q=meaning&limit=200")).await.ok();
    assert_eq!(keys(&all), ["CRM", "PSR", "TZ"]);
    let none = api.get(&api.ag, &path("?q=nowhere")).await.ok();
    assert_eq!(none["memories"], json!([]));
    assert_eq!(none["total"], 0);
    let by_category = api
        .get(&api.ag, &path("?q=meaning&category=person"))
        .await
        .ok();
    assert_eq!(by_category["total"], 0);
}

async fn search_wildcards_are_literal(backend: Backend) {
    let api = with_memories(backend).await;
    let path = |q: &str| format!("/api/projects/{P}/memories/search{q}");
    // `%` (URL-encoded as %25) and `_` would match anything in SQL LIKE.
    for q in ["?q=%25", "?q=_", "?q=%25%25%25", "?q=___"] {
        let found = api.get(&api.ag, &path(q)).await.ok();
        assert_eq!(found["memories"], json!([]), "{q}");
    }
}

async fn bad_searches_are_422(backend: Backend) {
    let api = with_memories(backend).await;
    let path = |q: &str| format!("/api/projects/{P}/memories/search{q}");
    api.get(&api.ag, &path(""))
        .await
        .invalid("q")
        .says(&["missing"]);
    api.get(&api.ag, &path("?q="))
        .await
        .invalid("q")
        .says(&["empty"]);
    api.get(&api.ag, &path("?q=a&category=people"))
        .await
        .invalid("category")
        .says(&[
            "people",
            "person, project, term, client, deal, process, preference, other",
        ]);
    api.get(&api.ag, &path("?q=a&limit=0"))
        .await
        .invalid("limit");
    api.get(&api.ag, &path("?q=a&query=b"))
        .await
        .invalid("query");
    api.get(&api.out, &path("?q=a")).await.forbidden();
    api.get(&api.ag, "/api/projects/ghost/memories/search?q=a")
        .await
        .not_found();
}

on_both_backends!(
    search_finds_keys_and_values_in_project_and_global,
    search_wildcards_are_literal,
    bad_searches_are_422,
    project_memories_include_global_ones,
    global_memories_are_only_global,
    memory_lists_page_with_limit_and_offset,
    bad_memory_queries_are_422,
);
