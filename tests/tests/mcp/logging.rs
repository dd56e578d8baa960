//! MCP under `jc-hub serve`'s logging: calls write no log lines by default (rmcp's
//! stateless transport would log three per request at info), and concurrent calls keep
//! their spans apart.

use std::io::Write;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

use jc_tests::{Backend, TestHub};
use serde_json::{Value, json};
use tracing_subscriber::EnvFilter;
use tracing_subscriber::fmt::MakeWriter;

/// Log output, captured.
#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl<'a> MakeWriter<'a> for Captured {
    type Writer = Captured;
    fn make_writer(&'a self) -> Captured {
        self.clone()
    }
}

/// Runs `body` on a one-thread runtime (so the subscriber sees every task) with a hub
/// on SQLite, logging under `directives` into `captured`.
fn on_one_thread<F: Future<Output = ()>>(
    directives: &str,
    captured: &Captured,
    body: impl FnOnce(TestHub) -> F,
) {
    let subscriber = tracing_subscriber::fmt()
        .with_env_filter(EnvFilter::new(directives))
        .with_writer(captured.clone())
        .with_ansi(false)
        .finish();
    let _default = tracing::subscriber::set_default(subscriber);
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async { body(TestHub::spawn(Backend::Sqlite).await).await });
}

/// Posts one JSON-RPC message to the hub's `/mcp` as its admin; expects a 200.
async fn post(client: &reqwest::Client, h: &TestHub, body: &Value) -> reqwest::Response {
    let r = client
        .post(format!("{}/mcp", h.url))
        .bearer_auth(h.admin_token())
        .header("accept", "application/json, text/event-stream")
        .header("mcp-protocol-version", "2025-03-26")
        .json(body)
        .send()
        .await
        .expect("request");
    assert_eq!(r.status(), 200);
    r
}

fn list_members() -> Value {
    json!({"jsonrpc": "2.0", "id": 2, "method": "tools/call",
        "params": {"name": "jc_list_members", "arguments": {}}})
}

/// What a hub logs under `directives` while answering a `tools/list` and three tool
/// calls.
fn logged_by_calls(directives: &str) -> String {
    let captured = Captured::default();
    let capture = captured.clone();
    on_one_thread(directives, &captured, |h| async move {
        let client = reqwest::Client::new();
        capture.0.lock().unwrap().clear();
        let list = json!({"jsonrpc": "2.0", "id": 1, "method": "tools/list"});
        let call = list_members();
        for body in [&list, &call, &call, &call] {
            let answer: Value = post(&client, &h, body).await.json().await.unwrap();
            assert!(answer.get("result").is_some(), "{answer}");
        }
    });
    String::from_utf8(captured.0.lock().unwrap().clone()).unwrap()
}

#[test]
fn tool_calls_write_no_log_lines_by_default() {
    let logged = logged_by_calls(&jc_hub::logging::default_directives("info"));
    assert!(logged.is_empty(), "logged per call:\n{logged}");
    // The capture does see rmcp's per-request lines when the filter lets them through.
    let everything = logged_by_calls("info");
    assert!(everything.contains("rmcp"), "{everything}");
}

/// While a tool call waits for the database, other tasks on its thread run under no
/// span of it. A span entered across an `.await` stays current on its thread while the
/// task is away: requests started there take it as their parent, and once it has closed
/// (its task finished on another thread) the subscriber panics in them and their
/// connections drop, as `jc-hub serve` did under concurrent calls.
#[test]
fn a_tool_call_in_flight_leaves_no_span_current_elsewhere() {
    let directives = jc_hub::logging::default_directives("info");
    on_one_thread(&directives, &Captured::default(), |h| async move {
        let done = Arc::new(AtomicBool::new(false));
        let watcher = tokio::spawn({
            let done = done.clone();
            async move {
                let mut seen = Vec::new();
                while !done.load(Ordering::Relaxed) {
                    if let Some(span) = tracing::Span::current().metadata() {
                        seen.push(span.name());
                    }
                    tokio::task::yield_now().await;
                }
                seen
            }
        });
        let client = reqwest::Client::new();
        let call = list_members();
        for _ in 0..200 {
            post(&client, &h, &call).await;
        }
        done.store(true, Ordering::Relaxed);
        let seen = watcher.await.unwrap();
        assert!(seen.is_empty(), "current outside their tasks: {seen:?}");
    });
}
