//! Transport checks with a raw HTTP client: both paths answer without a redirect, tokens
//! are required, and foreign Host and Origin headers are refused (DNS rebinding).

use jc_tests::{Backend, TestHub, on_both_backends};
use serde_json::{Value, json};

fn initialize() -> Value {
    json!({"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {
        "protocolVersion": "2025-03-26", "capabilities": {},
        "clientInfo": {"name": "raw", "version": "1"}}})
}

async fn post(
    url: &str,
    token: Option<&str>,
    extra: &[(&str, &str)],
    body: &Value,
) -> reqwest::Response {
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let mut req = client
        .post(url)
        .header("content-type", "application/json")
        .header("accept", "application/json, text/event-stream")
        .json(body);
    if let Some(t) = token {
        req = req.bearer_auth(t);
    }
    for (k, v) in extra {
        req = req.header(*k, *v);
    }
    req.send().await.expect("request")
}

async fn both_paths_answer_without_redirect(backend: Backend) {
    let h = TestHub::spawn(backend).await;
    for path in ["/mcp", "/mcp/"] {
        let r = post(
            &format!("{}{path}", h.url),
            Some(h.admin_token()),
            &[],
            &initialize(),
        )
        .await;
        assert_eq!(r.status(), 200, "{path}");
        let body: Value = r.json().await.unwrap();
        assert_eq!(body["result"]["serverInfo"]["name"], "jc-hub", "{path}");
    }
}

async fn tokens_are_required(backend: Backend) {
    let h = TestHub::spawn(backend).await;
    let url = format!("{}/mcp", h.url);
    let r = post(&url, None, &[], &initialize()).await;
    assert_eq!(r.status(), 401);
    assert_eq!(r.headers()["www-authenticate"], "Bearer");
    let r = post(&url, Some("jc_wrong"), &[], &initialize()).await;
    assert_eq!(r.status(), 401);
    let body: Value = r.json().await.unwrap();
    assert_eq!(body["error"]["code"], "unauthorized");
}

async fn foreign_host_and_origin_are_refused(backend: Backend) {
    let h = TestHub::spawn(backend).await;
    let url = format!("{}/mcp", h.url);
    let token = Some(h.admin_token());
    let r = post(&url, token, &[("host", "evil.example")], &initialize()).await;
    assert_eq!(r.status(), 403, "foreign Host");
    let r = post(
        &url,
        token,
        &[("origin", "http://evil.example")],
        &initialize(),
    )
    .await;
    assert_eq!(r.status(), 403, "foreign Origin");
    let local = format!("http://127.0.0.1:{}", h.addr.port());
    let r = post(&url, token, &[("origin", &local)], &initialize()).await;
    assert_eq!(r.status(), 200, "loopback Origin");
}

on_both_backends!(
    both_paths_answer_without_redirect,
    tokens_are_required,
    foreign_host_and_origin_are_refused
);
