//! Concurrent callers: sequences, counters and upserts stay exact under contention.

use std::collections::HashSet;

use futures::future::join_all;
use jc_hub::model::*;
use jc_hub::service::*;
use jc_tests::{Backend, on_both_backends};
use serde_json::json;

use crate::helpers::*;

async fn concurrent_task_creation_gets_distinct_refs(backend: Backend) {
    let t = team(backend).await;
    let handles: Vec<_> = (0..50)
        .map(|i| {
            let hub = t.hub.clone();
            let who = if i % 2 == 0 {
                t.ag.clone()
            } else {
                t.cw.clone()
            };
            tokio::spawn(async move { hub.add_task(&who, task(&format!("task {i}"))).await })
        })
        .collect();
    let mut got = HashSet::new();
    for h in join_all(handles).await {
        let created = h.expect("join").expect("add task");
        assert!(
            got.insert(created.task_ref.clone()),
            "duplicate {}",
            created.task_ref
        );
    }
    let expected: HashSet<String> = (1..=50).map(|n| format!("KB-{n}")).collect();
    assert_eq!(got, expected);
    let all = ListTasks {
        limit: Some(200),
        ..listing()
    };
    let list = t.hub.list_tasks(&t.ag, all).await.unwrap();
    assert_eq!(list.total, 50);
    let titles: HashSet<String> = list.tasks.into_iter().map(|t| t.title).collect();
    assert_eq!(titles.len(), 50);
    let next = t.hub.add_task(&t.ag, task("after")).await.unwrap();
    assert_eq!(next.task_ref, "KB-51");
}

async fn concurrent_recalls_count_exactly(backend: Backend) {
    let t = team(backend).await;
    let memory = t
        .hub
        .remember(&t.ag, memo(Category::Term, "PSR", "Pipeline Status Report"))
        .await
        .unwrap();
    let handles: Vec<_> = (0..100)
        .map(|i| {
            let hub = t.hub.clone();
            // 60 recalls by antigravity, 40 by copywriter.
            let who = if i % 5 < 3 {
                t.ag.clone()
            } else {
                t.cw.clone()
            };
            tokio::spawn(async move { hub.recall(&who, recalling("PSR")).await })
        })
        .collect();
    let mut counts = HashSet::new();
    for h in join_all(handles).await {
        let seen = h.expect("join").expect("recall");
        assert!(
            counts.insert(seen.usage_count),
            "two recalls saw the same count"
        );
    }
    assert_eq!(counts, (1..=100).collect::<HashSet<i64>>());

    let found = t.hub.search_memory(&t.ag, searching("PSR")).await.unwrap();
    assert_eq!(found.memories[0].usage_count, 100);
    let per_member = |name: &str| {
        format!(
            "select cast(coalesce(sum(u.usage_count), 0) as bigint) from memory_usage u
             join members m on m.id = u.member_id
             where u.memory_id = {} and m.name = '{name}'",
            memory.id
        )
    };
    let ag = t.sql_i64(&per_member("antigravity")).await;
    let cw = t.sql_i64(&per_member("copywriter")).await;
    assert_eq!((ag, cw), (60, 40));
    let rows = format!(
        "select count(*) from memory_usage where memory_id = {}",
        memory.id
    );
    assert_eq!(t.sql_i64(&rows).await, 2, "one usage row per member");
}

async fn concurrent_recalls_rank_the_hot_cache(backend: Backend) {
    let t = team(backend).await;
    for key in ["ag-fav", "cw-fav"] {
        t.hub
            .remember(&t.ag, memo(Category::Term, key, "x"))
            .await
            .unwrap();
    }
    let handles: Vec<_> = (0..30)
        .map(|i| {
            let hub = t.hub.clone();
            let (who, key) = if i < 20 {
                (t.ag.clone(), "ag-fav")
            } else {
                (t.cw.clone(), "cw-fav")
            };
            tokio::spawn(async move { hub.recall(&who, recalling(key)).await })
        })
        .collect();
    for h in join_all(handles).await {
        h.expect("join").expect("recall");
    }
    let keys = |b: &Briefing| {
        b.hot_cache
            .iter()
            .map(|m| m.key.clone())
            .collect::<Vec<_>>()
    };
    let ag = t.hub.start(&t.ag, starting()).await.unwrap();
    assert_eq!(keys(&ag), ["ag-fav", "cw-fav"]);
    let cw = t.hub.start(&t.cw, starting()).await.unwrap();
    assert_eq!(keys(&cw), ["cw-fav", "ag-fav"], "own use beats global use");
}

async fn concurrent_upserts_leave_one_row(backend: Backend) {
    let t = team(backend).await;
    let handles: Vec<_> = (0..12)
        .map(|i| {
            let hub = t.hub.clone();
            let who = if i % 2 == 0 {
                t.ag.clone()
            } else {
                t.cw.clone()
            };
            tokio::spawn(async move {
                let ctx = hub.set_context(&who, context("stack", json!(i))).await;
                let mem = hub
                    .remember(&who, memo(Category::Term, "PSR", &format!("v{i}")))
                    .await;
                let global = hub
                    .remember(
                        &who,
                        global_memo(Category::Person, "fedor", &format!("v{i}")),
                    )
                    .await;
                (ctx.map(|_| ()), mem.map(|_| ()), global.map(|_| ()))
            })
        })
        .collect();
    for h in join_all(handles).await {
        let (ctx, mem, global) = h.expect("join");
        ctx.expect("set context");
        mem.expect("remember");
        global.expect("remember global");
    }
    let all = GetContext {
        project: p(),
        key: None,
    };
    let ctx = t.hub.get_context(&t.ag, all).await.unwrap();
    assert_eq!(ctx.entries.len(), 1);
    let mems = t
        .hub
        .list_memories(&t.ag, Some(P), None, None)
        .await
        .unwrap();
    assert_eq!(mems.total, 2, "one project and one global memory");
    let set_events = events(&t.f, t.project.id).await;
    let sets = set_events
        .iter()
        .filter(|e| e.entity == "context" && e.action == "set")
        .count();
    assert_eq!(sets, 12);
}

async fn concurrent_inbox_reads_deliver_each_message_once(backend: Backend) {
    let t = team(backend).await;
    for i in 0..30 {
        t.hub
            .post_message(&t.ag, message("copywriter", &format!("m{i}")))
            .await
            .unwrap();
    }
    let handles: Vec<_> = (0..6)
        .map(|_| {
            let hub = t.hub.clone();
            let cw = t.cw.clone();
            let input = GetMessages {
                limit: Some(10),
                ..inbox()
            };
            tokio::spawn(async move { hub.get_messages(&cw, input).await })
        })
        .collect();
    let mut seen = Vec::new();
    for h in join_all(handles).await {
        let got = h.expect("join").expect("get messages");
        seen.extend(got.messages.into_iter().map(|m| m.id));
    }
    // A reader that lost a race may come back short; what is left stays unread.
    let rest = GetMessages {
        limit: Some(200),
        ..inbox()
    };
    let rest = t.hub.get_messages(&t.cw, rest).await.unwrap();
    seen.extend(rest.messages.into_iter().map(|m| m.id));
    let distinct: HashSet<i64> = seen.iter().copied().collect();
    assert_eq!(distinct.len(), seen.len(), "a message was delivered twice");
    assert_eq!(seen.len(), 30, "every message delivered");
}

async fn concurrent_project_creation_gets_distinct_keys(backend: Backend) {
    let t = team(backend).await;
    let handles: Vec<_> = ["kaoru-blog", "kilo-byte", "kite-board", "kind-bear"]
        .into_iter()
        .map(|name| {
            let hub = t.hub.clone();
            let admin = t.f.admin.clone();
            tokio::spawn(async move {
                let input = CreateProject {
                    name: name.into(),
                    key: None,
                    description: None,
                };
                hub.create_project(&admin, input).await
            })
        })
        .collect();
    let mut keys: HashSet<String> = HashSet::from(["KB".to_string()]);
    for h in join_all(handles).await {
        let project = h.expect("join").expect("create project");
        assert!(
            keys.insert(project.key.clone()),
            "duplicate key {}",
            project.key
        );
    }
    assert_eq!(keys.len(), 5);
}

on_both_backends!(
    concurrent_task_creation_gets_distinct_refs,
    concurrent_recalls_count_exactly,
    concurrent_recalls_rank_the_hot_cache,
    concurrent_upserts_leave_one_row,
    concurrent_inbox_reads_deliver_each_message_once,
    concurrent_project_creation_gets_distinct_keys,
);
