//! The bridge as a proxy: the hub's tools unchanged, the configured member's identity and
//! default project on every call, results normalised per protocol era, no token in logs.

use std::time::Duration;

use jc_tests::{Backend, TestHub};
use rmcp::model::{CallToolRequestParams, ResultType};
use serde_json::json;

use crate::client::{self, Era, err, ok};
use crate::harness::{BridgeEnv, connect};
use crate::on_backends_and_eras;

async fn tools_list_equals_the_hubs(backend: Backend, era: Era) {
    let h = TestHub::spawn(backend).await;
    let (alice, token) = h.fixture.member("alice").await;
    h.fixture.project("kaoru-bot", &[&alice]).await;
    let env = BridgeEnv::new();
    env.write_config(&h.url, &token, None);

    let bridge = connect(env.command(&[]), era).await;
    let via_bridge = bridge.client.list_all_tools().await.expect("tools/list");
    let direct = client::connect(&format!("{}/mcp", h.url), &token, None, era).await;
    let from_hub = direct.list_all_tools().await.expect("direct tools/list");

    assert_eq!(via_bridge.len(), 30, "the bridge lists the hub's 30 tools");
    assert_eq!(
        via_bridge, from_hub,
        "names, descriptions, schemas and annotations pass through unchanged"
    );
    let defined: Vec<_> = jc_hub::mcp::tool_definitions()
        .into_iter()
        .map(|t| (t.name, t.input_schema))
        .collect();
    let listed: Vec<_> = via_bridge
        .iter()
        .map(|t| (t.name.clone(), t.input_schema.clone()))
        .collect();
    assert_eq!(listed, defined);

    // The first listing is cached; a new bridge then knows the hub's instructions before
    // it has talked to the hub.
    let hub_instructions = direct
        .peer_info()
        .and_then(|i| i.instructions.clone())
        .expect("the hub sends instructions");
    let cache_dir = env.cache_home().join("jc-bridge");
    for _ in 0..100 {
        if std::fs::read_dir(&cache_dir).is_ok_and(|mut d| d.next().is_some()) {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let second = connect(env.command(&[]), era).await;
    let info = second.client.peer_info().expect("handshake info");
    assert_eq!(
        info.instructions.as_deref(),
        Some(hub_instructions.as_str())
    );
    assert!(info.capabilities.tools.is_some(), "tools capability");
    assert_eq!(
        info.server_info.as_ref().map(|s| s.name.as_str()),
        Some("jc-bridge")
    );
}

async fn writes_are_attributed_and_the_default_project_applies(backend: Backend, era: Era) {
    let h = TestHub::spawn(backend).await;
    let (alice, token) = h.fixture.member("alice").await;
    let (bob, _) = h.fixture.member("bob").await;
    let alpha = h.fixture.project("alpha", &[&alice, &bob]).await;
    h.fixture.project("beta", &[&alice]).await;

    let env = BridgeEnv::new();
    env.write_config(&h.url, &token, Some("alpha"));
    let bridge = connect(env.command(&[]), era).await;

    // No `project` argument: the bridge's X-JC-Project picks alpha.
    let result = client::call(
        &bridge.client,
        "jc_add_task",
        json!({"title": "Landing page", "assignee": "bob"}),
    )
    .await;
    assert_ne!(result.is_error, Some(true), "{}", client::text(&result));
    let expected_type = match era {
        Era::Current => Some(ResultType::COMPLETE),
        Era::Legacy => None,
    };
    assert_eq!(result.result_type, expected_type, "resultType for {era:?}");
    let task = result.structured_content.expect("structured task");
    assert_eq!(task["created_by"], "alice");
    assert_eq!(task["ref"], format!("{}-1", alpha.key));
    let (state, _) = ok(&bridge.client, "jc_get_state", json!({})).await;
    assert_eq!(state["project"]["name"], "alpha", "{state}");

    // The hub recorded the configured member as the author, whatever the arguments say.
    ok(
        &bridge.client,
        "jc_set_context",
        json!({"key": "stack", "value": {"lang": "rust"}}),
    )
    .await;
    assert_eq!(
        h.fixture
            .sql_i64("select count(*) from tasks where created_by = 'alice'")
            .await,
        1
    );
    assert_eq!(
        h.fixture
            .sql_i64("select count(*) from context where updated_by = 'alice'")
            .await,
        1
    );

    // Without a default project, alice (in two projects) must name one.
    let env2 = BridgeEnv::new();
    env2.write_config(&h.url, &token, None);
    let plain = connect(env2.command(&[]), era).await;
    let message = err(&plain.client, "jc_get_state", json!({})).await;
    assert!(
        message.contains("alpha") && message.contains("beta"),
        "{message}"
    );
    // JC_PROJECT overrides the file, and a flag overrides JC_PROJECT.
    let mut cmd = env.command(&["--project", "beta"]);
    cmd.env("JC_PROJECT", "alpha");
    let flagged = connect(cmd, era).await;
    let (state, _) = ok(&flagged.client, "jc_get_state", json!({})).await;
    assert_eq!(state["project"]["name"], "beta");
}

async fn legacy_hub_link_still_gives_modern_hosts_result_type(backend: Backend, era: Era) {
    let h = TestHub::spawn(backend).await;
    let (alice, token) = h.fixture.member("alice").await;
    h.fixture.project("kaoru-bot", &[&alice]).await;
    let env = BridgeEnv::new();
    env.write_config(&h.url, &token, None);
    let mut cmd = env.command(&[]);
    // The hub link speaks 2025-03-26, whose results carry no resultType.
    cmd.env("JC_HUB_PROTOCOL", "2025-03-26");
    let bridge = connect(cmd, era).await;
    let expected = match era {
        Era::Current => Some(ResultType::COMPLETE),
        Era::Legacy => None,
    };
    let list = bridge.client.list_tools(None).await.expect("tools/list");
    assert_eq!(list.tools.len(), 30);
    assert_eq!(list.result_type, expected, "tools/list resultType");
    let result = bridge
        .client
        .call_tool(CallToolRequestParams::new("jc_get_state"))
        .await
        .expect("tools/call");
    assert_ne!(result.is_error, Some(true), "{}", client::text(&result));
    assert_eq!(result.result_type, expected, "tools/call resultType");
}

async fn the_token_never_reaches_the_logs(backend: Backend) {
    let h = TestHub::spawn(backend).await;
    let (alice, token) = h.fixture.member("alice").await;
    h.fixture.project("kaoru-bot", &[&alice]).await;
    let env = BridgeEnv::new();
    env.write_config(&h.url, &token, Some("kaoru-bot"));
    let mut cmd = env.command(&[]);
    cmd.env("JC_LOG", "trace");
    let bridge = connect(cmd, Era::Current).await;
    bridge.client.list_all_tools().await.expect("tools/list");
    ok(
        &bridge.client,
        "jc_add_task",
        json!({"title": "secret-free"}),
    )
    .await;
    err(&bridge.client, "jc_get_task", json!({"ref": "KB-99"})).await;
    let stderr = bridge.close().await;
    assert!(
        stderr.contains("tools/call"),
        "trace logging is on (stderr: {} bytes)",
        stderr.len()
    );
    assert!(!stderr.contains(&token), "the token leaked into the logs");
    assert!(!stderr.contains(&token[3..20]), "part of the token leaked");
}

async fn a_revoked_token_is_explained(backend: Backend) {
    let h = TestHub::spawn(backend).await;
    let (alice, token) = h.fixture.member("alice").await;
    h.fixture.project("kaoru-bot", &[&alice]).await;
    let env = BridgeEnv::new();
    env.write_config(&h.url, &token, None);
    let bridge = connect(env.command(&[]), Era::Current).await;
    ok(&bridge.client, "jc_get_state", json!({})).await;

    h.hub()
        .rotate_token(&h.fixture.admin, "alice")
        .await
        .expect("rotate");
    let text = err(&bridge.client, "jc_add_task", json!({"title": "t"})).await;
    assert!(text.contains("rejected the bridge's token"), "{text}");
    assert!(
        text.contains("rotate-token") && text.contains(&h.url),
        "{text}"
    );
    assert!(text.contains("did not run"), "{text}");
    assert!(!text.contains(&token));
    assert_eq!(h.fixture.sql_i64("select count(*) from tasks").await, 0);
}

on_backends_and_eras!(
    tools_list_equals_the_hubs,
    writes_are_attributed_and_the_default_project_applies,
    legacy_hub_link_still_gives_modern_hosts_result_type,
);

jc_tests::on_both_backends!(
    the_token_never_reaches_the_logs,
    a_revoked_token_is_explained
);
