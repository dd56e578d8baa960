//! Bad calls return `isError` results an agent can act on, and write nothing.

use jc_tests::{Backend, TestHub};
use serde_json::json;

use crate::client::{Era, call, connect, err, ok, text};
use crate::on_backends_and_eras;

async fn bad_calls_get_actionable_errors(backend: Backend, era: Era) {
    let h = TestHub::spawn(backend).await;
    let (ag, ag_token) = h.fixture.member("antigravity").await;
    let (cw, _) = h.fixture.member("copywriter").await;
    let (outsider, _) = h.fixture.member("outsider").await;
    h.fixture.project("kaoru-bot", &[&ag, &cw]).await;
    h.fixture.project("secret", &[&outsider]).await;
    let c = connect(&format!("{}/mcp", h.url), &ag_token, Some("kaoru-bot"), era).await;
    ok(&c, "jc_add_task", json!({"title": "Existing"})).await;

    // (tool, arguments, words the error must contain)
    let table: Vec<(&str, serde_json::Value, &[&str])> = vec![
        (
            "jc_does_not_exist",
            json!({}),
            &["unknown tool", "tools/list"],
        ),
        (
            "jc_list_tasks",
            json!({"project": "nope"}),
            &["no project 'nope'", "kaoru-bot"],
        ),
        (
            "jc_get_task",
            json!({"ref": "KB-99"}),
            &["no task KB-99", "jc_list_tasks"],
        ),
        (
            "jc_get_task",
            json!({"ref": "XY-1"}),
            &["does not belong", "KB-<number>"],
        ),
        (
            "jc_move_task",
            json!({"ref": "KB-1", "status": "doing"}),
            &[
                "unknown status 'doing'",
                "backlog, todo, in_progress, done, blocked",
            ],
        ),
        (
            "jc_add_task",
            json!({"priority": "high"}),
            &["missing required field 'title'"],
        ),
        ("jc_add_task", json!({"title": 42}), &["title"]),
        (
            "jc_add_task",
            json!({"title": "x", "colour": "red"}),
            &["unknown field 'colour'"],
        ),
        (
            "jc_add_task",
            json!({"title": "   "}),
            &["title must not be empty"],
        ),
        (
            "jc_add_task",
            json!({"title": "x".repeat(201)}),
            &["title is too long", "200"],
        ),
        (
            "jc_add_task",
            json!({"title": "x", "assignee": "outsider"}),
            &["'outsider' is not a member", "jc_list_members"],
        ),
        (
            "jc_post_message",
            json!({"recipient": "outsider", "content": "hi"}),
            &["'outsider' is not a member"],
        ),
        (
            "jc_list_tasks",
            json!({"project": "secret"}),
            &["not a member of project 'secret'"],
        ),
        ("jc_list_tasks", json!({"limit": 0}), &["limit", "1 to 200"]),
        (
            "jc_remember",
            json!({"category": "gossip", "key": "k", "value": "v"}),
            &["unknown category 'gossip'", "person"],
        ),
        (
            "jc_end_session",
            json!({"summary": "nothing open"}),
            &["no open session", "jc_start"],
        ),
        (
            "jc_delete_project",
            json!({"project": "kaoru-bot", "confirm": "kaoru-bot"}),
            &["needs an admin"],
        ),
    ];
    for (tool, args, words) in table {
        let e = err(&c, tool, args.clone()).await;
        for w in words {
            assert!(e.contains(w), "{tool} {args}: expected {w:?} in {e:?}");
        }
    }

    // Nothing was written by the failed calls: still exactly one task, no messages.
    let (l, _) = ok(&c, "jc_list_tasks", json!({})).await;
    assert_eq!(l["total"], 1);
    let msgs = h
        .hub()
        .store()
        .project_for("kaoru-bot", ag.member.id)
        .await
        .unwrap()
        .unwrap();
    assert!(
        h.hub()
            .store()
            .list_messages(msgs.id, 10, None)
            .await
            .unwrap()
            .is_empty()
    );

    // A member of several projects must say which one when no default applies.
    h.fixture.project("second", &[&ag]).await;
    let c2 = connect(&format!("{}/mcp", h.url), &ag_token, None, era).await;
    let r = call(&c2, "jc_list_tasks", json!({})).await;
    assert_eq!(r.is_error, Some(true));
    let t = text(&r);
    assert!(
        t.contains("pass project") && t.contains("kaoru-bot") && t.contains("second"),
        "{t}"
    );
}

on_backends_and_eras!(bad_calls_get_actionable_errors);
