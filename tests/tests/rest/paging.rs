//! Paging: tasks by `limit` + `cursor`, messages by `limit` + `before`.

use std::collections::HashSet;

use jc_tests::{Backend, on_both_backends};
use serde_json::{Value, json};

use crate::helpers::*;

/// Follows `next_cursor` from the first page; returns the pages' refs.
async fn task_pages(api: &Api, query: &str) -> Vec<Vec<String>> {
    let mut pages = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let q = match &cursor {
            Some(c) => format!("{query}&cursor={c}"),
            None => query.to_string(),
        };
        let page = api.tasks(&api.ag, P, &q).await.ok();
        pages.push(refs(&page["tasks"]));
        match page.get("next_cursor") {
            Some(Value::String(c)) => cursor = Some(c.clone()),
            None => break,
            Some(other) => panic!("next_cursor is not a string: {other}"),
        }
        assert!(pages.len() <= 20, "paging does not end");
    }
    pages
}

async fn task_pages_walk_everything_once(backend: Backend) {
    let api = Api::team(backend).await;
    for i in 1..=7 {
        api.add_task(&api.ag, &format!("task {i}")).await;
    }
    let first = api.tasks(&api.ag, P, "?limit=3").await.ok();
    assert_eq!(first["total"], 7);
    let pages = task_pages(&api, "?limit=3").await;
    let sizes: Vec<usize> = pages.iter().map(Vec::len).collect();
    assert_eq!(sizes, [3, 3, 1]);
    let all: Vec<String> = pages.concat();
    let unique: HashSet<&String> = all.iter().collect();
    assert_eq!(unique.len(), 7, "no duplicates: {all:?}");
    assert_eq!(
        all,
        api.task_refs(&api.ag).await,
        "pages follow the list order"
    );
}

async fn task_pages_of_exact_size_end_cleanly(backend: Backend) {
    let api = Api::team(backend).await;
    for i in 1..=4 {
        api.add_task(&api.ag, &format!("task {i}")).await;
    }
    let pages = task_pages(&api, "?limit=2").await;
    let sizes: Vec<usize> = pages.iter().map(Vec::len).collect();
    assert_eq!(sizes, [2, 2], "no empty trailing page");
}

async fn task_paging_keeps_the_filter(backend: Backend) {
    let api = Api::team(backend).await;
    for i in 1..=6 {
        let status = if i % 2 == 0 { "todo" } else { "backlog" };
        api.create_task(
            &api.ag,
            P,
            json!({"title": format!("t{i}"), "status": status}),
        )
        .await
        .created();
    }
    let pages = task_pages(&api, "?status=todo&limit=2").await;
    assert_eq!(pages.concat(), ["KB-6", "KB-4", "KB-2"]);
}

async fn task_cursor_survives_new_tasks(backend: Backend) {
    let api = Api::team(backend).await;
    for i in 1..=4 {
        api.add_task(&api.ag, &format!("task {i}")).await;
    }
    let first = api.tasks(&api.ag, P, "?limit=2").await.ok();
    assert_eq!(refs(&first["tasks"]), ["KB-4", "KB-3"]);
    let cursor = str_of(&first["next_cursor"]);
    api.add_task(&api.ag, "late arrival").await;
    let second = api
        .tasks(&api.ag, P, &format!("?limit=2&cursor={cursor}"))
        .await
        .ok();
    assert_eq!(refs(&second["tasks"]), ["KB-2", "KB-1"]);
}

async fn message_pages_walk_back_with_before(backend: Backend) {
    let api = Api::team(backend).await;
    let mut ids = Vec::new();
    for i in 1..=7 {
        let m = api
            .message(&api.ag, "copywriter", &format!("note {i}"))
            .await;
        ids.push(m["id"].as_i64().unwrap());
    }
    let mut seen = Vec::new();
    let mut query = "?limit=3".to_string();
    let mut sizes = Vec::new();
    loop {
        let page = api.messages(&api.cw, P, &query).await.ok();
        let msgs = page["messages"].as_array().unwrap();
        sizes.push(msgs.len());
        seen.extend(msgs.iter().map(|m| m["id"].as_i64().unwrap()));
        match page.get("next_before") {
            Some(b) => query = format!("?limit=3&before={}", b.as_i64().unwrap()),
            None => break,
        }
        assert!(sizes.len() <= 10, "paging does not end");
    }
    assert_eq!(sizes, [3, 3, 1]);
    ids.reverse();
    assert_eq!(seen, ids, "newest first, each once");
}

async fn message_before_returns_older_only(backend: Backend) {
    let api = Api::team(backend).await;
    let mut ids = Vec::new();
    for i in 1..=3 {
        ids.push(
            api.message(&api.ag, "copywriter", &format!("m{i}")).await["id"]
                .as_i64()
                .unwrap(),
        );
    }
    let older = api
        .messages(&api.ag, P, &format!("?before={}", ids[2]))
        .await
        .ok();
    let contents = field_of(&older["messages"], "content");
    assert_eq!(contents, ["m2", "m1"]);
    assert!(older.get("next_before").is_none());
}

async fn bad_message_paging_is_422(backend: Backend) {
    let api = Api::team(backend).await;
    api.message(&api.ag, "copywriter", "hello").await;
    for (query, field) in [
        ("?limit=0", "limit"),
        ("?limit=201", "limit"),
        ("?before=yesterday", "before"),
        ("?cursor=abc", "cursor"),
    ] {
        api.messages(&api.ag, P, query).await.invalid(field);
    }
    let ok = api.messages(&api.ag, P, "?limit=200").await.ok();
    assert_eq!(ok["messages"].as_array().unwrap().len(), 1);
}

on_both_backends!(
    task_pages_walk_everything_once,
    task_pages_of_exact_size_end_cleanly,
    task_paging_keeps_the_filter,
    task_cursor_survives_new_tasks,
    message_pages_walk_back_with_before,
    message_before_returns_older_only,
    bad_message_paging_is_422,
);
