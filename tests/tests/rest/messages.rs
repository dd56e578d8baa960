//! Messages between project members: post, list, and who may do either.

use jc_hub::service::GetMessages;
use jc_tests::{Backend, on_both_backends};
use serde_json::json;

use crate::helpers::*;

async fn post_message_returns_201_and_is_listed(backend: Backend) {
    let api = Api::team(backend).await;
    let m = api
        .post_message(
            &api.ag,
            P,
            json!({"recipient": "copywriter", "content": "Draft is ready"}),
        )
        .await
        .created();
    assert_eq!(m["sender"], "antigravity");
    assert_eq!(m["recipient"], "copywriter");
    assert_eq!(m["content"], "Draft is ready");
    assert_eq!(m["read_at"], json!(null));
    assert!(m["id"].is_i64());
    let list = api.messages(&api.cw, P, "").await.ok();
    assert_eq!(list["messages"].as_array().unwrap().len(), 1);
    assert_eq!(list["messages"][0], m);
}

async fn messages_are_listed_newest_first(backend: Backend) {
    let api = Api::team(backend).await;
    api.message(&api.ag, "copywriter", "first").await;
    api.message(&api.cw, "antigravity", "second").await;
    api.message(&api.admin, "antigravity", "third").await;
    let list = api.messages(&api.ag, P, "").await.ok();
    assert_eq!(
        field_of(&list["messages"], "content"),
        ["third", "second", "first"]
    );
    assert_eq!(
        field_of(&list["messages"], "sender"),
        ["admin", "copywriter", "antigravity"]
    );
}

async fn the_sender_cannot_be_forged(backend: Backend) {
    let api = Api::team(backend).await;
    api.post_message(
        &api.ag,
        P,
        json!({"recipient": "copywriter", "content": "hi", "sender": "admin"}),
    )
    .await
    .invalid("sender")
    .says(&["unknown field"]);
    assert_eq!(
        api.messages(&api.ag, P, "").await.ok()["messages"],
        json!([])
    );
}

async fn recipient_must_be_a_project_member(backend: Backend) {
    let api = Api::team(backend).await;
    for who in ["outsider", "nobody"] {
        api.post_message(&api.ag, P, json!({"recipient": who, "content": "hi"}))
            .await
            .invalid("recipient")
            .says(&[who, "not a member"]);
    }
    assert_eq!(
        api.messages(&api.ag, P, "").await.ok()["messages"],
        json!([])
    );
}

async fn bad_message_bodies_are_422(backend: Backend) {
    let api = Api::team(backend).await;
    let cases = [
        (json!({"recipient": "copywriter"}), "content", "missing"),
        (json!({"content": "hi"}), "recipient", "missing"),
        (
            json!({"recipient": "copywriter", "content": ""}),
            "content",
            "empty",
        ),
        (
            json!({"recipient": "copywriter", "content": " \n "}),
            "content",
            "empty",
        ),
        (
            json!({"recipient": "copywriter", "content": 42}),
            "content",
            "string",
        ),
        (
            json!({"recipient": "copywriter", "content": "x".repeat(20_001)}),
            "content",
            "too long",
        ),
    ];
    for (body, field, hint) in cases {
        api.post_message(&api.ag, P, body)
            .await
            .invalid(field)
            .says(&[hint]);
    }
    assert_eq!(
        api.messages(&api.ag, P, "").await.ok()["messages"],
        json!([])
    );
}

async fn listing_does_not_mark_messages_read(backend: Backend) {
    let api = Api::team(backend).await;
    api.message(&api.ag, "copywriter", "unread until fetched")
        .await;
    api.messages(&api.cw, P, "").await.ok();
    assert_eq!(api.state(&api.cw, P).await.ok()["unread"], 1);
    // Reading the inbox (jc_get_messages) marks it; the REST list then shows read_at.
    let cw = api.caller("copywriter").await;
    let inbox = api
        .th
        .hub()
        .get_messages(
            &cw,
            GetMessages {
                project: Some(P.into()),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(inbox.messages.len(), 1);
    assert_eq!(api.state(&api.cw, P).await.ok()["unread"], 0);
    let list = api.messages(&api.ag, P, "").await.ok();
    assert!(list["messages"][0]["read_at"].is_string(), "{list}");
}

async fn admin_must_join_before_posting(backend: Backend) {
    let api = Api::team(backend).await;
    api.remove_project_member(&api.admin, P, "admin").await.ok();
    // An admin may still read the project…
    api.messages(&api.admin, P, "").await.ok();
    // …but speaks in it only as a member.
    api.post_message(
        &api.admin,
        P,
        json!({"recipient": "copywriter", "content": "hi"}),
    )
    .await
    .forbidden()
    .says(&[&format!("POST /api/projects/{P}/members")]);
    assert_eq!(
        api.messages(&api.ag, P, "").await.ok()["messages"],
        json!([])
    );
    api.add_project_member(&api.admin, P, "admin")
        .await
        .created();
    api.post_message(
        &api.admin,
        P,
        json!({"recipient": "copywriter", "content": "hi"}),
    )
    .await
    .created();
}

on_both_backends!(
    post_message_returns_201_and_is_listed,
    messages_are_listed_newest_first,
    the_sender_cannot_be_forged,
    recipient_must_be_a_project_member,
    bad_message_bodies_are_422,
    listing_does_not_mark_messages_read,
    admin_must_join_before_posting,
);
