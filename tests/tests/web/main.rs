//! The dashboard's server side: one-time sign-in links, the live event stream, and the
//! security headers on the embedded pages.

use std::time::Duration;

use futures::StreamExt;
use jc_tests::{Backend, TestHub, on_both_backends};
use serde_json::{Value, json};

fn client() -> reqwest::Client {
    reqwest::Client::new()
}

async fn sign_in_code_works_once(backend: Backend) {
    let h = TestHub::spawn(backend).await;
    let admin = h.fixture.admin.member.clone();
    let code = h.signin.issue(admin.id);
    let url = format!("{}/api/signin", h.url);
    let r = client()
        .post(&url)
        .json(&json!({"code": code}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let body: Value = r.json().await.unwrap();
    let token = body["token"].as_str().unwrap().to_string();
    assert_eq!(body["member"]["name"], admin.name);
    let me: Value = client()
        .get(format!("{}/api/me", h.url))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(me["name"], admin.name);
    // A second use of the same code is refused.
    let again = client()
        .post(&url)
        .json(&json!({"code": code}))
        .send()
        .await
        .unwrap();
    assert_eq!(again.status(), 401);
    let body: Value = again.json().await.unwrap();
    assert!(
        body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("invalid, used or expired")
    );
    // So is a made-up one.
    let bogus = client()
        .post(&url)
        .json(&json!({"code": "jcs_nope"}))
        .send()
        .await
        .unwrap();
    assert_eq!(bogus.status(), 401);
}

/// Reads server-sent events until one with `event: change` arrives; returns its data.
async fn next_change(
    lines: &mut (impl futures::Stream<Item = reqwest::Result<bytes::Bytes>> + Unpin),
    buf: &mut String,
) -> Value {
    loop {
        if let Some(end) = buf.find("\n\n") {
            let block: String = buf.drain(..end + 2).collect();
            if block.lines().any(|l| l == "event: change") {
                let data = block
                    .lines()
                    .find_map(|l| l.strip_prefix("data: "))
                    .expect("data line");
                return serde_json::from_str(data).unwrap();
            }
            continue;
        }
        let chunk = lines.next().await.expect("stream open").expect("chunk");
        buf.push_str(&String::from_utf8_lossy(&chunk));
    }
}

async fn stream_pushes_changes_within_two_seconds(backend: Backend) {
    let h = TestHub::spawn(backend).await;
    let (ag, ag_token) = h.fixture.member("antigravity").await;
    h.fixture.project("kaoru-bot", &[&ag]).await;
    let response = client()
        .get(format!("{}/api/projects/kaoru-bot/stream", h.url))
        .bearer_auth(h.admin_token())
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    assert!(
        response.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/event-stream")
    );
    let mut body = response.bytes_stream();
    let mut buf = String::new();

    // A write through MCP (another client) shows up on the stream.
    let mcp = reqwest::Client::new();
    let call = json!({"jsonrpc": "2.0", "id": 1, "method": "tools/call", "params": {
        "name": "jc_add_task", "arguments": {"project": "kaoru-bot", "title": "Live task"}}});
    let started = std::time::Instant::now();
    let r = mcp
        .post(format!("{}/mcp", h.url))
        .bearer_auth(&ag_token)
        .header("accept", "application/json, text/event-stream")
        .json(&call)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let event = tokio::time::timeout(Duration::from_secs(2), next_change(&mut body, &mut buf))
        .await
        .expect("change arrives within 2 s");
    assert!(started.elapsed() < Duration::from_secs(2));
    assert_eq!(event["entity"], "task");
    assert_eq!(event["entity_key"], "KB-1");
    assert_eq!(event["action"], "created");
    assert_eq!(event["actor"], "antigravity");

    // A client that reconnects with `after` gets what it missed, in order.
    let first_id = event["id"].as_i64().unwrap();
    h.hub()
        .set_context(
            &ag,
            jc_hub::service::SetContext {
                project: Some("kaoru-bot".into()),
                key: "stack".into(),
                value: json!("rust"),
            },
        )
        .await
        .unwrap();
    let resumed = client()
        .get(format!("{}/api/projects/kaoru-bot/stream?after=0", h.url))
        .bearer_auth(h.admin_token())
        .send()
        .await
        .unwrap();
    let mut body = resumed.bytes_stream();
    let mut buf = String::new();
    // The backlog: project created, membership added, the task, then the context entry.
    let mut seen = Vec::new();
    while !seen.iter().any(|s: &(i64, String)| s.1 == "context") {
        let e = tokio::time::timeout(Duration::from_secs(3), next_change(&mut body, &mut buf))
            .await
            .expect("backlog arrives");
        seen.push((
            e["id"].as_i64().unwrap(),
            e["entity"].as_str().unwrap().to_string(),
        ));
    }
    let entities: Vec<&str> = seen.iter().map(|s| s.1.as_str()).collect();
    assert_eq!(entities, ["project", "membership", "task", "context"]);
    let ids: Vec<i64> = seen.iter().map(|s| s.0).collect();
    let mut sorted = ids.clone();
    sorted.sort();
    assert_eq!(ids, sorted, "events arrive in order");
    assert!(ids.contains(&first_id));
}

async fn stream_requires_access(backend: Backend) {
    let h = TestHub::spawn(backend).await;
    let (outsider, token) = h.fixture.member("outsider").await;
    let _ = outsider;
    h.fixture.project("kaoru-bot", &[]).await;
    let url = format!("{}/api/projects/kaoru-bot/stream", h.url);
    let r = client().get(&url).send().await.unwrap();
    assert_eq!(r.status(), 401);
    let r = client().get(&url).bearer_auth(&token).send().await.unwrap();
    assert_eq!(r.status(), 403);
    let r = client()
        .get(format!("{}/api/projects/nope/stream", h.url))
        .bearer_auth(h.admin_token())
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 404);
}

async fn dashboard_is_served_with_a_strict_csp(backend: Backend) {
    let h = TestHub::spawn(backend).await;
    let r = client().get(format!("{}/", h.url)).send().await.unwrap();
    assert_eq!(r.status(), 200);
    let headers = r.headers().clone();
    assert!(
        headers["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/html")
    );
    let csp = headers["content-security-policy"].to_str().unwrap();
    assert!(csp.contains("default-src 'self'"), "{csp}");
    assert!(csp.contains("script-src 'self'"), "{csp}");
    assert!(!csp.contains("unsafe-inline"), "{csp}");
    assert_eq!(headers["x-content-type-options"], "nosniff");
    let page = r.text().await.unwrap();
    assert!(page.contains("<html"), "{page}");
    let missing = client()
        .get(format!("{}/static/nope.js", h.url))
        .send()
        .await
        .unwrap();
    assert_eq!(missing.status(), 404);
}

/// An open live stream must not hold up a graceful shutdown.
async fn shutdown_ends_live_streams(backend: Backend) {
    let h = TestHub::spawn(backend).await;
    let (ag, _) = h.fixture.member("antigravity").await;
    h.fixture.project("kaoru-bot", &[&ag]).await;
    let response = client()
        .get(format!("{}/api/projects/kaoru-bot/stream", h.url))
        .bearer_auth(h.admin_token())
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let mut body = response.bytes_stream();
    tokio::time::timeout(Duration::from_secs(3), h.shutdown())
        .await
        .expect("the hub stops within 3 s although a stream is open");
    let end = tokio::time::timeout(Duration::from_secs(3), async {
        while let Some(Ok(_)) = body.next().await {}
    })
    .await;
    assert!(end.is_ok(), "the stream ends when the hub stops");
}

on_both_backends!(
    shutdown_ends_live_streams,
    sign_in_code_works_once,
    stream_pushes_changes_within_two_seconds,
    stream_requires_access,
    dashboard_is_served_with_a_strict_csp
);
