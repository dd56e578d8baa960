//! Every one of the 30 tools, each effect verified through another tool.

use jc_tests::{Backend, TestHub};
use serde_json::json;

use crate::client::{Era, connect, err, ok};
use crate::on_backends_and_eras;

fn path(era: Era) -> &'static str {
    match era {
        Era::Current => "/mcp",
        Era::Legacy => "/mcp/",
    }
}

async fn all_thirty_tools(backend: Backend, era: Era) {
    let h = TestHub::spawn(backend).await;
    let (ag, ag_token) = h.fixture.member("antigravity").await;
    let (cw, cw_token) = h.fixture.member("copywriter").await;
    h.fixture.project("kaoru-bot", &[&ag, &cw]).await;
    let url = format!("{}{}", h.url, path(era));
    let c = connect(&url, &ag_token, Some("kaoru-bot"), era).await;
    let tools = c.list_all_tools().await.expect("tools/list");
    assert_eq!(tools.len(), 30, "the hub serves the 30 tools of SPEC §3");

    // 1 jc_start
    let (brief, text) = ok(
        &c,
        "jc_start",
        json!({"agent": "antigravity", "capabilities": [{"name": "systematic-debugging", "desc": "Use when encountering bugs"}]}),
    )
    .await;
    assert_eq!(brief["you"], "antigravity");
    assert!(text.contains("Protocol:"), "{text}");

    // 3 jc_add_task, 7 jc_get_task
    let (t1, _) = ok(
        &c,
        "jc_add_task",
        json!({"title": "Landing page", "priority": "high"}),
    )
    .await;
    assert_eq!(t1["ref"], "KB-1");
    assert_eq!(t1["status"], "backlog");
    assert_eq!(t1["created_by"], "antigravity");
    let (t2, _) = ok(
        &c,
        "jc_add_task",
        json!({"title": "Pricing", "status": "todo"}),
    )
    .await;
    assert_eq!(t2["ref"], "KB-2");

    // 4 jc_move_task
    ok(
        &c,
        "jc_move_task",
        json!({"ref": "KB-1", "status": "in_progress", "note": "starting"}),
    )
    .await;
    let (d, _) = ok(&c, "jc_get_task", json!({"ref": "KB-1"})).await;
    assert_eq!(d["status"], "in_progress");

    // 29 jc_assign_task, 6 jc_list_tasks (filters)
    ok(
        &c,
        "jc_assign_task",
        json!({"ref": "1", "assignee": "copywriter"}),
    )
    .await;
    let (l, _) = ok(&c, "jc_list_tasks", json!({"assignee": "copywriter"})).await;
    assert_eq!(l["total"], 1);
    assert_eq!(l["tasks"][0]["ref"], "KB-1");

    // 8 jc_update_task
    ok(
        &c,
        "jc_update_task",
        json!({"ref": "KB-1", "title": "Landing page v2", "description": "Hero + CTA"}),
    )
    .await;
    let (d, _) = ok(&c, "jc_get_task", json!({"ref": "KB-1"})).await;
    assert_eq!(d["title"], "Landing page v2");
    assert_eq!(d["description"], "Hero + CTA");

    // 13 jc_save_plan, 14 jc_get_plan, 15 jc_save_result, 16 jc_get_result
    ok(
        &c,
        "jc_save_plan",
        json!({"ref": "KB-1", "plan": "1. hero\n2. CTA"}),
    )
    .await;
    let (p, ptext) = ok(&c, "jc_get_plan", json!({"ref": "KB-1"})).await;
    assert_eq!(p["doc"]["content"], "1. hero\n2. CTA");
    assert!(ptext.contains("1. hero"));
    ok(
        &c,
        "jc_save_result",
        json!({"ref": "KB-1", "result": "PR #12"}),
    )
    .await;
    let (r, _) = ok(&c, "jc_get_result", json!({"ref": "KB-1"})).await;
    assert_eq!(r["doc"]["content"], "PR #12");
    assert_eq!(r["doc"]["updated_by"], "antigravity");
    let (d, _) = ok(&c, "jc_get_task", json!({"ref": "KB-1"})).await;
    assert_eq!(d["plan"]["content"], "1. hero\n2. CTA");
    assert_eq!(d["result"]["content"], "PR #12");

    // 5 jc_complete_task
    ok(
        &c,
        "jc_complete_task",
        json!({"ref": "KB-1", "summary": "Shipped"}),
    )
    .await;
    let (l, _) = ok(&c, "jc_list_tasks", json!({"status": "done"})).await;
    assert_eq!(l["total"], 1);
    assert_eq!(l["tasks"][0]["summary"], "Shipped");

    // 30 jc_my_tasks
    ok(
        &c,
        "jc_assign_task",
        json!({"ref": "KB-2", "assignee": "antigravity"}),
    )
    .await;
    let (mine, _) = ok(&c, "jc_my_tasks", json!({})).await;
    assert_eq!(mine["total"], 1);
    assert_eq!(mine["tasks"][0]["ref"], "KB-2");
    assert_eq!(mine["tasks"][0]["project"], "kaoru-bot");

    // 9 jc_delete_task
    ok(&c, "jc_delete_task", json!({"ref": "KB-2"})).await;
    let e = err(&c, "jc_get_task", json!({"ref": "KB-2"})).await;
    assert!(e.contains("no task KB-2"), "{e}");

    // 11 jc_set_context, 10 jc_get_context, 12 jc_delete_context
    ok(
        &c,
        "jc_set_context",
        json!({"key": "stack", "value": {"db": "postgres", "n": 3}}),
    )
    .await;
    let (ctx, _) = ok(&c, "jc_get_context", json!({"key": "stack"})).await;
    assert_eq!(ctx["entries"][0]["value"]["db"], "postgres");
    assert_eq!(ctx["entries"][0]["updated_by"], "antigravity");
    ok(&c, "jc_delete_context", json!({"key": "stack"})).await;
    let (ctx, _) = ok(&c, "jc_get_context", json!({})).await;
    assert_eq!(ctx["entries"].as_array().unwrap().len(), 0);

    // 18 jc_post_message, 19 jc_get_messages (as the recipient)
    ok(
        &c,
        "jc_post_message",
        json!({"recipient": "copywriter", "content": "Copy ready for review"}),
    )
    .await;
    let cw_client = connect(&url, &cw_token, Some("kaoru-bot"), era).await;
    let (inbox, _) = ok(&cw_client, "jc_get_messages", json!({})).await;
    assert_eq!(inbox["messages"][0]["content"], "Copy ready for review");
    assert_eq!(inbox["messages"][0]["sender"], "antigravity");
    let (inbox, _) = ok(&cw_client, "jc_get_messages", json!({})).await;
    assert_eq!(
        inbox["messages"].as_array().unwrap().len(),
        0,
        "returned messages are marked read"
    );

    // 20 jc_remember, 21 jc_recall, 22 jc_search_memory, 24 jc_set_memory_tier, 23 jc_forget
    ok(
        &c,
        "jc_remember",
        json!({"category": "term", "key": "PSR", "value": "Pipeline Status Report"}),
    )
    .await;
    ok(&c, "jc_remember", json!({"category": "person", "key": "fedor", "value": "Owner, Tech Lead", "scope": "global"})).await;
    let (m, _) = ok(&c, "jc_recall", json!({"key": "fedor"})).await;
    assert_eq!(m["scope"], "global");
    assert_eq!(m["usage_count"], 1);
    let (s, _) = ok(&c, "jc_search_memory", json!({"query": "status"})).await;
    assert_eq!(s["total"], 1);
    assert_eq!(s["memories"][0]["key"], "PSR");
    let (m, _) = ok(
        &c,
        "jc_set_memory_tier",
        json!({"key": "PSR", "tier": "deep"}),
    )
    .await;
    assert_eq!(m["tier"], "deep");
    ok(&c, "jc_forget", json!({"key": "fedor", "scope": "global"})).await;
    let e = err(&c, "jc_recall", json!({"key": "fedor"})).await;
    assert!(e.contains("no memory 'fedor'"), "{e}");

    // 2 jc_get_state
    let (state, _) = ok(&c, "jc_get_state", json!({})).await;
    assert_eq!(state["counts"]["done"], 1);
    assert_eq!(state["counts"]["todo"], 0);

    // 25 jc_list_projects
    let (projects, _) = ok(&c, "jc_list_projects", json!({})).await;
    assert_eq!(projects["projects"][0]["name"], "kaoru-bot");

    // 28 jc_list_members: capabilities reported at jc_start are visible
    let (members, _) = ok(&c, "jc_list_members", json!({})).await;
    let ag_entry = members["members"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["name"] == "antigravity")
        .expect("antigravity listed");
    assert_eq!(ag_entry["capabilities"][0]["name"], "systematic-debugging");

    // 17 jc_end_session, 26 jc_list_sessions
    ok(
        &c,
        "jc_end_session",
        json!({"summary": "Landing page shipped"}),
    )
    .await;
    let (sessions, _) = ok(&c, "jc_list_sessions", json!({})).await;
    let first = &sessions["sessions"][0];
    assert_eq!(first["agent"], "antigravity");
    assert_eq!(first["summary"], "Landing page shipped");
    assert!(!first["ended_at"].is_null());

    // 27 jc_delete_project (admin only)
    let e = err(
        &c,
        "jc_delete_project",
        json!({"project": "kaoru-bot", "confirm": "kaoru-bot"}),
    )
    .await;
    assert!(e.contains("needs an admin"), "{e}");
    let admin = connect(&url, h.admin_token(), None, era).await;
    ok(
        &admin,
        "jc_delete_project",
        json!({"project": "kaoru-bot", "confirm": "kaoru-bot"}),
    )
    .await;
    let (projects, _) = ok(&admin, "jc_list_projects", json!({})).await;
    assert_eq!(projects["projects"].as_array().unwrap().len(), 0);
}

on_backends_and_eras!(all_thirty_tools);
