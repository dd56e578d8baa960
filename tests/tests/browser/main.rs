//! The dashboard in a real browser: headless Debian Chromium driven by playwright-core
//! (`dashboard/tests/dashboard.mjs`) against a hub on port 0 (SQLite; the data paths are
//! covered on both backends by the other suites). Agents' work is prepared through MCP with
//! rmcp's client; during the run the script asks this test to add a task through MCP and
//! checks it appears without reload; afterwards the database must show the human's writes.
//!
//! Needs `node`, `dashboard/tests/node_modules` and `/usr/bin/chromium`: `.ci/run` installs
//! them. When they are missing the test fails (it never skips).

use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::Duration;

use jc_hub::model::TaskStatus;
use jc_hub::service::{Caller, TaskRefArgs};
use jc_tests::{Backend, TestHub};
use rmcp::model::{CallToolRequestParams, ClientConfig, ProtocolVersion};
use rmcp::service::RunningService;
use rmcp::transport::StreamableHttpClientTransport;
use rmcp::transport::streamable_http_client::StreamableHttpClientTransportConfig;
use rmcp::{ClientLifecycleMode, ClientServiceExt, RoleClient};
use serde_json::{Value, json};
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};

const PROJECT: &str = "kaoru-bot";
const HUMAN: &str = "human-fedor";
const XSS: &str = "<img src=x onerror=alert(1)>";
/// The whole browser run; it normally takes 10-20 s.
const RUN_LIMIT: Duration = Duration::from_secs(150);

type McpClient = RunningService<RoleClient, ClientConfig>;

fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("workspace root")
        .to_path_buf()
}

fn chromium() -> PathBuf {
    std::env::var_os("CHROMIUM")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("/usr/bin/chromium"))
}

/// Fails with what to do when the browser toolchain is missing.
fn require_toolchain(root: &Path) {
    let mut missing = Vec::new();
    if !chromium().exists() {
        missing.push(format!(
            "{} (apt-get install chromium)",
            chromium().display()
        ));
    }
    if !root
        .join("dashboard/tests/node_modules/playwright-core")
        .exists()
    {
        missing.push("dashboard/tests/node_modules (npm ci --prefix dashboard/tests)".into());
    }
    if std::process::Command::new("node")
        .arg("--version")
        .output()
        .is_err()
    {
        missing.push("node".into());
    }
    assert!(
        missing.is_empty(),
        "the browser tests need {}; run .ci/run, which installs them",
        missing.join(", ")
    );
}

async fn mcp_connect(url: &str, token: &str) -> McpClient {
    let mut headers = std::collections::HashMap::new();
    headers.insert(
        http::HeaderName::from_static("x-jc-project"),
        http::HeaderValue::from_static(PROJECT),
    );
    let config = StreamableHttpClientTransportConfig::with_uri(format!("{url}/mcp"))
        .auth_header(token.to_string())
        .custom_headers(headers);
    let transport = StreamableHttpClientTransport::from_config(config);
    let mode = ClientLifecycleMode::Discover {
        preferred_versions: vec![ProtocolVersion::V_2026_07_28],
    };
    ClientConfig::default()
        .serve_with_lifecycle(transport, mode)
        .await
        .expect("MCP client connects")
}

/// Calls a tool that must succeed; returns its structured content.
async fn mcp(client: &McpClient, tool: &str, args: Value) -> Value {
    let Value::Object(args) = args else {
        panic!("arguments must be an object")
    };
    let result = client
        .call_tool(CallToolRequestParams::new(tool.to_string()).with_arguments(args))
        .await
        .unwrap_or_else(|e| panic!("{tool}: {e}"));
    assert_ne!(result.is_error, Some(true), "{tool} failed: {result:?}");
    result.structured_content.expect("structuredContent")
}

/// What an agent did before the human opened the dashboard.
async fn prepare(agent: &McpClient) -> Vec<Value> {
    mcp(
        agent,
        "jc_start",
        json!({"capabilities": [{"name": "systematic-debugging", "desc": "Use when encountering bugs"}]}),
    )
    .await;
    let tasks = [
        ("Persona routing for incoming messages", "backlog", "high"),
        ("Stripe webhook for subscriptions", "todo", "urgent"),
        ("Landing page copy", "todo", "medium"),
        ("Daily analytics digest", "in_progress", "low"),
        ("Set up CI", "done", "medium"),
        (XSS, "blocked", "high"),
    ];
    let mut made = Vec::new();
    for (title, status, priority) in tasks {
        let t = mcp(
            agent,
            "jc_add_task",
            json!({"title": title, "status": status, "priority": priority, "assignee": "antigravity"}),
        )
        .await;
        made.push(json!({"ref": t["ref"], "title": title, "status": status}));
    }
    let first = made[0]["ref"].as_str().unwrap().to_string();
    mcp(
        agent,
        "jc_save_plan",
        json!({"ref": first, "plan": "Step 1: classify the message\nStep 2: pick the persona"}),
    )
    .await;
    mcp(
        agent,
        "jc_set_context",
        json!({"key": "stack", "value": {"lang": "rust", "db": "sqlite"}}),
    )
    .await;
    mcp(
        agent,
        "jc_remember",
        json!({"category": "other", "key": "xss-probe", "value": XSS}),
    )
    .await;
    mcp(
        agent,
        "jc_remember",
        json!({"category": "person", "key": "fedor", "value": "Owner, Tech Lead", "scope": "global"}),
    )
    .await;
    mcp(
        agent,
        "jc_post_message",
        json!({"recipient": HUMAN, "content": XSS}),
    )
    .await;
    made
}

/// Answers one request of the browser script.
async fn answer(agent: &McpClient, request: &Value) -> Value {
    match request["op"].as_str() {
        Some("mcp_add_task") => {
            let t = mcp(
                agent,
                "jc_add_task",
                json!({"title": request["title"], "priority": "high", "status": "todo"}),
            )
            .await;
            json!({"id": request["id"], "ref": t["ref"]})
        }
        other => panic!("the browser script asked for an unknown operation {other:?}"),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn dashboard_in_headless_chromium() {
    let root = repo_root();
    require_toolchain(&root);

    let h = TestHub::spawn(Backend::Sqlite).await;
    let (agent_caller, agent_token) = h.fixture.member("antigravity").await;
    let (human, human_token) = h.fixture.member(HUMAN).await;
    h.fixture.project(PROJECT, &[&agent_caller, &human]).await;
    let agent = mcp_connect(&h.url, &agent_token).await;
    let tasks = prepare(&agent).await;
    let code = h.signin.issue(h.fixture.admin.member.id);
    let shots = root.join("target/screenshots");

    let mut child = tokio::process::Command::new("node")
        .arg(root.join("dashboard/tests/dashboard.mjs"))
        .current_dir(&root)
        .env("HUB_URL", &h.url)
        .env("SIGNIN_CODE", &code)
        .env("HUMAN_TOKEN", &human_token)
        .env("HUMAN_NAME", HUMAN)
        .env("PROJECT", PROJECT)
        .env("TASKS", serde_json::to_string(&tasks).unwrap())
        .env("XSS", XSS)
        .env("SCREENSHOT_DIR", &shots)
        .env("CHROMIUM", chromium())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .expect("start node");
    let mut stdin = child.stdin.take().unwrap();
    let mut stdout = BufReader::new(child.stdout.take().unwrap()).lines();
    let mut stderr = child.stderr.take().unwrap();
    let stderr_task = tokio::spawn(async move {
        let mut s = String::new();
        let _ = tokio::io::AsyncReadExt::read_to_string(&mut stderr, &mut s).await;
        s
    });

    let mut transcript = String::new();
    let run = async {
        while let Some(line) = stdout.next_line().await.expect("read node output") {
            if let Some(request) = line.strip_prefix("@@ ") {
                let request: Value = serde_json::from_str(request).expect("request JSON");
                let reply = answer(&agent, &request).await;
                stdin
                    .write_all(format!("@@ {reply}\n").as_bytes())
                    .await
                    .expect("answer the script");
                stdin.flush().await.unwrap();
            }
            transcript.push_str(&line);
            transcript.push('\n');
        }
        child.wait().await.expect("node exits")
    };
    let status = tokio::time::timeout(RUN_LIMIT, run)
        .await
        .unwrap_or_else(|_| panic!("the browser run took over {RUN_LIMIT:?}"));
    let errors = stderr_task.await.unwrap();
    // Shown with --nocapture (and on failure).
    println!("{transcript}");
    assert!(
        status.success() && transcript.contains("passed, 0 failed"),
        "browser tests failed ({status}):\n{transcript}\n{errors}"
    );
    assert!(
        shots.join("board-laptop.png").exists() && shots.join("board-tablet.png").exists(),
        "no board screenshots in {}",
        shots.display()
    );

    // The human's writes reached the database, attributed to the human.
    let dragged = tasks[0]["ref"].as_str().unwrap();
    let hub = h.hub();
    let admin: &Caller = &h.fixture.admin;
    let task = hub
        .get_task(
            admin,
            TaskRefArgs {
                project: Some(PROJECT.into()),
                task_ref: dragged.into(),
            },
        )
        .await
        .unwrap();
    assert_eq!(task.task.status, TaskStatus::InProgress);
    assert_eq!(task.task.updated_by, HUMAN);
    let history = hub.task_history(admin, PROJECT, dragged).await.unwrap();
    let moved = history
        .events
        .iter()
        .find(|e| e.action == "moved")
        .expect("a move in the history");
    assert_eq!(moved.actor, HUMAN);
    assert_eq!(moved.detail["status"], json!(["backlog", "in_progress"]));

    let messages = hub
        .list_messages(admin, PROJECT, Some(50), None)
        .await
        .unwrap();
    assert!(
        messages
            .messages
            .iter()
            .any(|m| m.sender == HUMAN && m.recipient == "antigravity"),
        "the human's message is not in the database"
    );
    let members = hub.list_members(admin).await.unwrap();
    assert!(
        members.members.iter().any(|m| m.name == "researcher"),
        "the member added in the dashboard is not registered"
    );
}
