//! Documents generated from the code cannot drift: the committed references equal what
//! `jc-hub docs` generates, and the OpenAPI document matches the router.

use std::path::{Path, PathBuf};

use jc_hub::rest::openapi::operations;
use jc_tests::{Backend, TestHub};

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_path_buf()
}

fn skill_file(name: &str) -> String {
    let path = repo().join("skills/using-justclone-mcp").join(name);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

#[test]
fn committed_references_match_the_code() {
    let hint = "run `cargo run -p jc-hub -- docs` and commit the result";
    assert!(
        skill_file(jc_hub::docs::TOOLS_FILE) == jc_hub::docs::tools_reference(),
        "tools-reference.md is stale; {hint}"
    );
    assert!(
        skill_file(jc_hub::docs::REST_FILE) == jc_hub::docs::rest_reference(),
        "rest-reference.md is stale; {hint}"
    );
}

#[test]
fn references_cover_every_tool_and_endpoint() {
    let tools = skill_file(jc_hub::docs::TOOLS_FILE);
    let defs = jc_hub::mcp::tool_definitions();
    assert_eq!(defs.len(), 30);
    for t in &defs {
        assert!(
            tools.contains(&format!("## {}\n", t.name)),
            "{} missing",
            t.name
        );
    }
    let rest = skill_file(jc_hub::docs::REST_FILE);
    for op in operations() {
        let heading = format!("## {} {}\n", op.method, op.path);
        assert!(rest.contains(&heading), "{heading} missing");
    }
    let skill = skill_file("SKILL.md");
    for word in [
        "jc_start",
        "jc_end_session",
        "capabilities",
        "context",
        "memory",
        "jc_post_message",
    ] {
        assert!(skill.contains(word), "SKILL.md should explain {word}");
    }
}

/// Every path routed in the REST and HTTP modules is documented.
#[test]
fn every_routed_path_is_documented() {
    let documented: Vec<&str> = operations().iter().map(|o| o.path).collect();
    let undocumented_by_design = ["/", "/static/{*path}", "/mcp", "/mcp/"];
    let mut sources = Vec::new();
    for dir in ["hub/src/rest", "hub/src/http"] {
        for entry in std::fs::read_dir(repo().join(dir)).unwrap() {
            sources.push(std::fs::read_to_string(entry.unwrap().path()).unwrap());
        }
    }
    let mut routed = Vec::new();
    for src in &sources {
        let flat: String = src.split_whitespace().collect::<Vec<_>>().join(" ");
        for piece in flat.split(".route(").skip(1) {
            if let Some(path) = piece
                .trim_start()
                .strip_prefix('"')
                .and_then(|p| p.split('"').next())
            {
                routed.push(path.to_string());
            }
        }
    }
    assert!(routed.len() > 20, "found routes: {routed:?}");
    for path in routed {
        assert!(
            documented.contains(&path.as_str()) || undocumented_by_design.contains(&path.as_str()),
            "{path} is routed but not in rest/openapi.rs"
        );
    }
}

/// Every documented operation is answered by the router (not 404 "no endpoint", not 405).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_documented_operation_is_routed() {
    let h = TestHub::spawn(Backend::Sqlite).await;
    let client = reqwest::Client::new();
    for op in operations() {
        let path = op
            .path
            .replace("{project}", "nope")
            .replace("{ref}", "1")
            .replace("{key}", "k")
            .replace("{name}", "nobody")
            .replace("{member}", "nobody");
        let method = reqwest::Method::from_bytes(op.method.as_bytes()).unwrap();
        let response = client
            .request(method, format!("{}{path}", h.url))
            .bearer_auth(h.admin_token())
            .header("content-type", "application/json")
            .body("{}")
            .send()
            .await
            .unwrap();
        let status = response.status().as_u16();
        let body = response.text().await.unwrap_or_default();
        assert_ne!(status, 405, "{} {} is not routed", op.method, op.path);
        assert!(
            !body.contains("no endpoint"),
            "{} {} is not routed: {body}",
            op.method,
            op.path
        );
    }
    let doc: serde_json::Value = client
        .get(format!("{}/api/openapi.json", h.url))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(doc["openapi"], "3.1.0");
    assert!(doc["paths"]["/api/members"]["post"]["requestBody"].is_object());
    assert!(doc["components"]["schemas"].as_object().unwrap().len() > 10);
}
