//! Token economy: `tools/list` and the `jc_start` briefing stay within their budgets.

use jc_hub::model::{Category, Scope};
use jc_hub::service::{ACTIVE_CAP, AddTask, PostMessage, Remember, UNREAD_CAP};
use jc_tests::{Backend, TestHub, on_both_backends};
use serde_json::{Value, json};

/// The whole `tools/list` answer, as sent on the wire, is under 32,000 characters.
async fn tools_list_fits_the_budget(backend: Backend) {
    let h = TestHub::spawn(backend).await;
    let body = reqwest::Client::new()
        .post(format!("{}/mcp", h.url))
        .bearer_auth(h.admin_token())
        .header("accept", "application/json, text/event-stream")
        .json(&json!({"jsonrpc": "2.0", "id": 1, "method": "tools/list"}))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let parsed: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(parsed["result"]["tools"].as_array().unwrap().len(), 30);
    let chars = body.chars().count();
    assert!(chars < 32_000, "tools/list is {chars} characters");
    for tool in parsed["result"]["tools"].as_array().unwrap() {
        let name = tool["name"].as_str().unwrap();
        assert!(
            tool["outputSchema"].is_object(),
            "{name} has an outputSchema"
        );
        let annotations = &tool["annotations"];
        assert!(
            annotations["readOnlyHint"].is_boolean(),
            "{name} readOnlyHint"
        );
        assert!(
            annotations["idempotentHint"].is_boolean(),
            "{name} idempotentHint"
        );
        if annotations["readOnlyHint"] == false {
            assert!(
                annotations["destructiveHint"].is_boolean(),
                "{name} destructiveHint"
            );
        }
        let props = tool["inputSchema"]["properties"].as_object().unwrap();
        for (field, schema) in props {
            assert!(
                schema["description"].is_string(),
                "{name}.{field} has a description"
            );
        }
    }
}

/// With 200 tasks, 500 memories and 50 unread messages, the briefing text stays under
/// 8,000 characters and is capped with "+N more" lines.
async fn briefing_is_bounded_at_scale(backend: Backend) {
    let h = TestHub::spawn(backend).await;
    let (ag, ag_token) = h.fixture.member("antigravity").await;
    let (cw, _) = h.fixture.member("copywriter").await;
    h.fixture.project("kaoru-bot", &[&ag, &cw]).await;
    let hub = h.hub();
    let project = Some("kaoru-bot".to_string());
    let statuses = ["todo", "in_progress", "blocked", "backlog", "done"];
    for i in 0..200 {
        let status = serde_json::from_value(json!(statuses[i % 5])).unwrap();
        let input = AddTask {
            project: project.clone(),
            title: format!("Task number {i} with a reasonably descriptive title for the board"),
            description: Some("d".repeat(500)),
            priority: None,
            status: Some(status),
            assignee: Some(
                if i % 2 == 0 {
                    "antigravity"
                } else {
                    "copywriter"
                }
                .into(),
            ),
        };
        hub.add_task(&ag, input).await.unwrap();
    }
    for i in 0..500 {
        let input = Remember {
            project: project.clone(),
            category: Category::Term,
            key: format!("term-{i}"),
            value: format!("A long explanation of term {i}: {}", "x".repeat(400)),
            scope: Some(if i % 3 == 0 {
                Scope::Global
            } else {
                Scope::Project
            }),
            tier: None,
        };
        hub.remember(&ag, input).await.unwrap();
    }
    for i in 0..50 {
        let input = PostMessage {
            project: project.clone(),
            recipient: "antigravity".into(),
            content: format!("Message {i}: {}", "m".repeat(600)),
        };
        hub.post_message(&cw, input).await.unwrap();
    }
    let c = crate::client::connect(
        &format!("{}/mcp", h.url),
        &ag_token,
        Some("kaoru-bot"),
        crate::client::Era::Current,
    )
    .await;
    let (brief, text) = crate::client::ok(&c, "jc_start", json!({})).await;
    let chars = text.chars().count();
    assert!(chars < 8_000, "briefing is {chars} characters:\n{text}");
    assert_eq!(brief["active_total"], 120);
    assert_eq!(brief["unread_total"], 50);
    assert_eq!(brief["hot_cache"].as_array().unwrap().len(), 30);
    let more_tasks = format!("+{} more (jc_list_tasks)", 120 - ACTIVE_CAP);
    let more_messages = format!("+{} more (jc_get_messages)", 50 - UNREAD_CAP);
    assert!(text.contains(&more_tasks), "{text}");
    assert!(text.contains(&more_messages), "{text}");
    let first = &brief["active_tasks"][0];
    assert_eq!(
        first["assignee"], "antigravity",
        "the caller's own tasks come first"
    );
}

on_both_backends!(tools_list_fits_the_budget, briefing_is_bounded_at_scale);
