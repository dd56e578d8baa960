//! Messages between project members: post, inbox (marks read), project history.

use jc_hub::service::*;
use jc_tests::{Backend, on_both_backends};

use crate::helpers::*;

fn contents(messages: &[jc_hub::model::Message]) -> Vec<String> {
    messages.iter().map(|m| m.content.clone()).collect()
}

async fn post(t: &Team, from: &Caller, to: &str, content: &str) -> jc_hub::model::Message {
    t.hub
        .post_message(from, message(to, content))
        .await
        .expect("post message")
}

async fn post_then_get_marks_read(backend: Backend) {
    let t = team(backend).await;
    let sent = post(&t, &t.ag, "copywriter", "draft is ready").await;
    assert_eq!(sent.sender, "antigravity");
    assert_eq!(sent.recipient, "copywriter");
    assert_eq!(sent.read_at, None);
    post(&t, &t.ag, "copywriter", "and the plan").await;

    let got = t.hub.get_messages(&t.cw, inbox()).await.unwrap();
    assert_eq!(contents(&got.messages), ["draft is ready", "and the plan"]);
    assert!(got.messages.iter().all(|m| m.sender == "antigravity"));
    assert_eq!(got.unread_remaining, 0);

    let again = t.hub.get_messages(&t.cw, inbox()).await.unwrap();
    assert!(
        again.messages.is_empty(),
        "read messages are not returned twice"
    );
    let state = t.hub.get_state(&t.cw, here()).await.unwrap();
    assert_eq!(state.unread, 0);
}

async fn unread_only_false_returns_read_messages_too(backend: Backend) {
    let t = team(backend).await;
    post(&t, &t.ag, "copywriter", "one").await;
    post(&t, &t.ag, "copywriter", "two").await;
    t.hub.get_messages(&t.cw, inbox()).await.unwrap();
    post(&t, &t.ag, "copywriter", "three").await;

    let everything = GetMessages {
        unread_only: Some(false),
        ..inbox()
    };
    let got = t.hub.get_messages(&t.cw, everything.clone()).await.unwrap();
    assert_eq!(contents(&got.messages), ["one", "two", "three"]);
    assert_eq!(
        got.unread_remaining, 0,
        "the unread one was returned, so read"
    );
    assert!(
        got.messages.iter().all(|m| m.read_at.is_some()),
        "messages marked read by this call show it"
    );
    let unread = t.hub.get_messages(&t.cw, inbox()).await.unwrap();
    assert!(unread.messages.is_empty());
    let got = t.hub.get_messages(&t.cw, everything).await.unwrap();
    assert_eq!(got.messages.len(), 3);
    assert!(got.messages.iter().all(|m| m.read_at.is_some()));
}

async fn inbox_limit_leaves_the_rest_unread(backend: Backend) {
    let t = team(backend).await;
    for i in 1..=5 {
        post(&t, &t.ag, "copywriter", &format!("m{i}")).await;
    }
    let two = GetMessages {
        limit: Some(2),
        ..inbox()
    };
    let first = t.hub.get_messages(&t.cw, two.clone()).await.unwrap();
    assert_eq!(
        contents(&first.messages),
        ["m1", "m2"],
        "oldest unread first"
    );
    assert_eq!(first.unread_remaining, 3);
    let second = t.hub.get_messages(&t.cw, two).await.unwrap();
    assert_eq!(contents(&second.messages), ["m3", "m4"]);
    assert_eq!(second.unread_remaining, 1);

    let latest_two = GetMessages {
        unread_only: Some(false),
        limit: Some(2),
        ..inbox()
    };
    let latest = t.hub.get_messages(&t.cw, latest_two).await.unwrap();
    assert_eq!(contents(&latest.messages), ["m4", "m5"]);
    assert_eq!(latest.unread_remaining, 0);
}

async fn inbox_holds_only_the_callers_messages(backend: Backend) {
    let t = team(backend).await;
    post(&t, &t.ag, "copywriter", "for cw").await;
    post(&t, &t.cw, "antigravity", "for ag").await;
    post(&t, &t.f.admin, "antigravity", "also for ag").await;
    let ag = t.hub.get_messages(&t.ag, inbox()).await.unwrap();
    assert_eq!(contents(&ag.messages), ["for ag", "also for ag"]);
    let cw = t.hub.get_messages(&t.cw, inbox()).await.unwrap();
    assert_eq!(contents(&cw.messages), ["for cw"]);
    assert_eq!(cw.messages[0].sender, "antigravity");
}

async fn inbox_is_per_project(backend: Backend) {
    let t = team(backend).await;
    t.f.project("website", &[&t.ag, &t.cw]).await;
    post(&t, &t.ag, "copywriter", "kaoru news").await;
    let web = PostMessage {
        project: Some("website".into()),
        ..message("copywriter", "web news")
    };
    t.hub.post_message(&t.ag, web).await.unwrap();
    let kb = t.hub.get_messages(&t.cw, inbox()).await.unwrap();
    assert_eq!(contents(&kb.messages), ["kaoru news"]);
    let web_inbox = GetMessages {
        project: Some("website".into()),
        ..inbox()
    };
    let web = t.hub.get_messages(&t.cw, web_inbox).await.unwrap();
    assert_eq!(contents(&web.messages), ["web news"]);
}

async fn list_messages_is_newest_first_and_pages(backend: Backend) {
    let t = team(backend).await;
    for i in 1..=5 {
        post(&t, &t.ag, "copywriter", &format!("m{i}")).await;
    }
    post(&t, &t.cw, "antigravity", "reply").await;
    let all = t.hub.list_messages(&t.ag, P, None, None).await.unwrap();
    assert_eq!(
        contents(&all.messages),
        ["reply", "m5", "m4", "m3", "m2", "m1"]
    );
    assert_eq!(all.next_before, None);

    let page1 = t.hub.list_messages(&t.ag, P, Some(4), None).await.unwrap();
    assert_eq!(contents(&page1.messages), ["reply", "m5", "m4", "m3"]);
    let before = page1.next_before.expect("more pages");
    let page2 = t.hub.list_messages(&t.ag, P, Some(4), Some(before)).await;
    assert_eq!(contents(&page2.unwrap().messages), ["m2", "m1"]);

    // Listing is not reading: copywriter still has five unread.
    let state = t.hub.get_state(&t.cw, here()).await.unwrap();
    assert_eq!(state.unread, 5);
}

async fn recipient_must_be_a_project_member(backend: Backend) {
    let t = team(backend).await;
    for who in ["outsider", "nobody"] {
        let err = t.hub.post_message(&t.ag, message(who, "hi")).await;
        let text = validation(err, "recipient");
        assert!(text.contains(who), "{text}");
    }
    validation(
        t.hub.post_message(&t.ag, message("", "hi")).await,
        "recipient",
    );
    let all = t.hub.list_messages(&t.ag, P, None, None).await.unwrap();
    assert!(all.messages.is_empty());
}

async fn sender_must_be_a_project_member(backend: Backend) {
    let t = team(backend).await;
    forbidden(
        t.hub
            .post_message(&t.out, message("copywriter", "hi"))
            .await,
    );
    forbidden(t.hub.get_messages(&t.out, inbox()).await);
    forbidden(t.hub.list_messages(&t.out, P, None, None).await);
}

async fn message_content_is_checked(backend: Backend) {
    let t = team(backend).await;
    validation(
        t.hub.post_message(&t.ag, message("copywriter", "")).await,
        "content",
    );
    validation(
        t.hub
            .post_message(&t.ag, message("copywriter", " \n "))
            .await,
        "content",
    );
    let long = "x".repeat(20_001);
    validation(
        t.hub
            .post_message(&t.ag, message("copywriter", &long))
            .await,
        "content",
    );
    let longest = "é".repeat(20_000);
    let sent = post(&t, &t.ag, "copywriter", &longest).await;
    assert_eq!(sent.content, longest);
}

on_both_backends!(
    post_then_get_marks_read,
    unread_only_false_returns_read_messages_too,
    inbox_limit_leaves_the_rest_unread,
    inbox_holds_only_the_callers_messages,
    inbox_is_per_project,
    list_messages_is_newest_first_and_pages,
    recipient_must_be_a_project_member,
    sender_must_be_a_project_member,
    message_content_is_checked,
);
