//! A hub that is down, restarted or flaky: the bridge starts anyway, serves the cached
//! tool list, explains failures with the hub's URL, reconnects by itself, and never sends
//! a call twice unless the tool is read-only or idempotent.

use std::time::{Duration, Instant};

use jc_tests::{Backend, Fixture, TestHub};
use serde_json::json;

use crate::client::{self, Era, err, ok};
use crate::flaky::FlakyRelay;
use crate::harness::{BridgeEnv, Server, connect, free_addr};
use crate::on_backends_and_eras;

async fn hub_down_at_start(backend: Backend, era: Era) {
    let fixture = Fixture::new(backend).await;
    let (alice, token) = fixture.member("alice").await;
    fixture.project("kaoru-bot", &[&alice]).await;
    let addr = free_addr();
    let url = format!("http://{addr}");
    let env = BridgeEnv::new();
    env.write_config(&url, &token, Some("kaoru-bot"));

    // The handshake never touches the hub.
    let started = Instant::now();
    let bridge = connect(env.command(&[]), era).await;
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "handshake took {:?}",
        started.elapsed()
    );

    // No cached list yet: a JSON-RPC error that names the hub and how to start it.
    let e = bridge
        .client
        .list_tools(None)
        .await
        .expect_err("no hub, no cache");
    let message = e.to_string();
    assert!(message.contains(&url), "{message}");
    assert!(message.contains("jc-hub serve"), "{message}");

    // A call is an isError result the model can read.
    let text = err(&bridge.client, "jc_get_state", json!({})).await;
    assert!(text.contains(&url), "{text}");
    assert!(text.contains("jc-hub serve"), "{text}");
    assert!(text.contains("did not run"), "{text}");

    // The hub comes up: the next call connects by itself.
    let server = Server::start(&fixture.hub, addr).await;
    let (state, _) = ok(&bridge.client, "jc_get_state", json!({})).await;
    assert_eq!(state["project"]["name"], "kaoru-bot");
    assert_eq!(bridge.client.list_all_tools().await.unwrap().len(), 30);

    // Down again: the list comes from the cache, calls explain.
    server.stop().await;
    assert_eq!(
        bridge
            .client
            .list_all_tools()
            .await
            .expect("cached list")
            .len(),
        30
    );
    let text = err(&bridge.client, "jc_add_task", json!({"title": "t"})).await;
    assert!(
        text.contains(&url) && text.contains("did not run"),
        "{text}"
    );

    // A new bridge, hub still down: the disk cache serves the list.
    let fresh = connect(env.command(&[]), era).await;
    let tools = fresh.client.list_all_tools().await.expect("list from disk");
    assert_eq!(tools.len(), 30);
    assert_eq!(
        fixture.sql_i64("select count(*) from tasks").await,
        0,
        "nothing ran while the hub was down"
    );
}

async fn hub_restart_mid_session(backend: Backend, era: Era) {
    let fixture = Fixture::new(backend).await;
    let (alice, token) = fixture.member("alice").await;
    fixture.project("kaoru-bot", &[&alice]).await;
    let addr = free_addr();
    let url = format!("http://{addr}");
    let server = Server::start(&fixture.hub, addr).await;
    let env = BridgeEnv::new();
    env.write_config(&url, &token, Some("kaoru-bot"));
    let bridge = connect(env.command(&[]), era).await;
    assert_eq!(bridge.client.list_all_tools().await.unwrap().len(), 30);
    ok(&bridge.client, "jc_add_task", json!({"title": "before"})).await;

    // Killed and restarted with no call in between: the next call, a write, just works.
    server.stop().await;
    let server = Server::start(&fixture.hub, addr).await;
    let (task, _) = ok(&bridge.client, "jc_add_task", json!({"title": "after"})).await;
    assert_eq!(task["created_by"], "alice");

    // Down for a call (the connection is refused, so it certainly did not run), then back.
    server.stop().await;
    let text = err(&bridge.client, "jc_add_task", json!({"title": "lost"})).await;
    assert!(
        text.contains(&url) && text.contains("did not run"),
        "{text}"
    );
    let _server = Server::start(&fixture.hub, addr).await;
    let (state, _) = ok(&bridge.client, "jc_get_state", json!({})).await;
    assert_eq!(state["counts"]["backlog"], 2, "{state}");
    assert_eq!(
        fixture.sql_i64("select count(*) from tasks").await,
        2,
        "each write ran exactly once"
    );
}

async fn only_read_only_or_idempotent_calls_are_retried(backend: Backend) {
    let h = TestHub::spawn(backend).await;
    let (alice, token) = h.fixture.member("alice").await;
    h.fixture.project("kaoru-bot", &[&alice]).await;
    let relay = FlakyRelay::start(&h.url).await;
    let env = BridgeEnv::new();
    env.write_config(&relay.url, &token, Some("kaoru-bot"));
    let bridge = connect(env.command(&[]), Era::Current).await;
    // The bridge learns the annotations from tools/list.
    assert_eq!(bridge.client.list_all_tools().await.unwrap().len(), 30);

    // jc_add_task is neither read-only nor idempotent: sent once, even though the answer
    // was lost after the hub ran it.
    relay.drop_next_calls(1);
    let text = err(&bridge.client, "jc_add_task", json!({"title": "once"})).await;
    assert!(text.contains("may or may not have run"), "{text}");
    assert_eq!(relay.calls("jc_add_task"), 1);
    assert_eq!(h.fixture.sql_i64("select count(*) from tasks").await, 1);

    // jc_get_state is read-only: one lost answer is retried once and succeeds.
    relay.drop_next_calls(1);
    let (state, _) = ok(&bridge.client, "jc_get_state", json!({})).await;
    assert_eq!(state["counts"]["backlog"], 1);
    assert_eq!(relay.calls("jc_get_state"), 2);

    // jc_set_context is idempotent: retried once, never a third time.
    relay.drop_next_calls(5);
    let text = err(
        &bridge.client,
        "jc_set_context",
        json!({"key": "k", "value": 1}),
    )
    .await;
    assert!(text.contains("may or may not have run"), "{text}");
    assert_eq!(relay.calls("jc_set_context"), 2);

    // The connection recovers for the next call.
    relay.drop_next_calls(0);
    let result = client::call(&bridge.client, "jc_get_context", json!({"key": "k"})).await;
    assert_ne!(result.is_error, Some(true), "{}", client::text(&result));
}

on_backends_and_eras!(hub_down_at_start, hub_restart_mid_session);

jc_tests::on_both_backends!(only_read_only_or_idempotent_calls_are_retried);
