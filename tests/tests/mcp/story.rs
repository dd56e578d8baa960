//! The two-agent story of issue 3: antigravity hands over to copywriter.

use jc_tests::{Backend, TestHub};
use serde_json::json;

use crate::client::{Era, connect, err, ok};
use crate::on_backends_and_eras;

async fn antigravity_hands_over_to_copywriter(backend: Backend, era: Era) {
    let h = TestHub::spawn(backend).await;
    let (ag, ag_token) = h.fixture.member("antigravity").await;
    let (cw, cw_token) = h.fixture.member("copywriter").await;
    h.fixture.project("kaoru-bot", &[&ag, &cw]).await;
    let url = format!("{}/mcp", h.url);

    // Session 1: antigravity.
    let a = connect(&url, &ag_token, None, era).await;
    let caps = json!([{"name": "systematic-debugging", "desc": "Use when encountering bugs"},
                      {"name": "brainstorming", "desc": "Use before creative work"}]);
    ok(
        &a,
        "jc_start",
        json!({"project": "kaoru-bot", "agent": "antigravity", "capabilities": caps}),
    )
    .await;
    ok(&a, "jc_remember", json!({"project": "kaoru-bot", "category": "term", "key": "PSR", "value": "Pipeline Status Report"})).await;
    ok(&a, "jc_post_message", json!({"project": "kaoru-bot", "recipient": "copywriter", "content": "Landing page copy ready for review"})).await;
    ok(
        &a,
        "jc_end_session",
        json!({"project": "kaoru-bot", "summary": "Landing page done"}),
    )
    .await;

    // antigravity cannot pose as copywriter.
    let e = err(
        &a,
        "jc_start",
        json!({"project": "kaoru-bot", "agent": "copywriter"}),
    )
    .await;
    assert!(
        e.contains("does not match your token") && e.contains("antigravity"),
        "{e}"
    );

    // Session 2: copywriter.
    let c = connect(&url, &cw_token, None, era).await;
    let (brief, text) = ok(
        &c,
        "jc_start",
        json!({"project": "kaoru-bot", "agent": "copywriter"}),
    )
    .await;
    assert!(
        text.contains("term: 📁 PSR — Pipeline Status Report"),
        "{text}"
    );
    assert!(
        text.contains("Landing page copy ready for review"),
        "{text}"
    );
    assert_eq!(brief["unread_total"], 1);
    assert_eq!(brief["unread_messages"][0]["sender"], "antigravity");
    let team = brief["team"].as_array().unwrap();
    let ag_entry = team.iter().find(|m| m["name"] == "antigravity").unwrap();
    assert_eq!(
        ag_entry["capabilities"],
        json!(["systematic-debugging", "brainstorming"])
    );

    // Authorship shows antigravity on what it wrote.
    let (m, _) = ok(
        &c,
        "jc_recall",
        json!({"project": "kaoru-bot", "key": "PSR"}),
    )
    .await;
    assert_eq!(m["created_by"], "antigravity");
    let (inbox, _) = ok(&c, "jc_get_messages", json!({"project": "kaoru-bot"})).await;
    assert_eq!(inbox["messages"][0]["sender"], "antigravity");
    let project = h
        .hub()
        .store()
        .project_for("kaoru-bot", ag.member.id)
        .await
        .unwrap()
        .unwrap();
    let events = h
        .hub()
        .store()
        .list_events(project.id, None, 50)
        .await
        .unwrap();
    let by = |entity: &str| {
        events
            .iter()
            .find(|e| e.entity == entity)
            .map(|e| e.actor.clone())
    };
    assert_eq!(by("memory").as_deref(), Some("antigravity"));
    assert_eq!(by("message").as_deref(), Some("antigravity"));
}

on_backends_and_eras!(antigravity_hands_over_to_copywriter);
