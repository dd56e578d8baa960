//! The hub under test, MCP clients, and the load scenarios.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use hdrhistogram::Histogram;
use jc_hub::http::{self as hub_http, AppState, AuthMode, Identity, RouterOptions};
use jc_hub::service::{Hub, HubInfo};
use rmcp::model::{CallToolRequestParams, ClientConfig, ProtocolVersion};
use rmcp::service::RunningService;
use rmcp::transport::StreamableHttpClientTransport;
use rmcp::transport::streamable_http_client::StreamableHttpClientTransportConfig;
use rmcp::{ClientLifecycleMode, ClientServiceExt, RoleClient};
use serde_json::{Value, json};

use crate::db::Database;
use crate::seed::Agent;

pub type Client = RunningService<RoleClient, ClientConfig>;

/// A hub served in-process on 127.0.0.1:0.
pub struct Server {
    pub hub: Hub,
    pub url: String,
    stop: tokio::sync::oneshot::Sender<()>,
}

impl Server {
    pub async fn start(db: &Database) -> anyhow::Result<Server> {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
        let addr = listener.local_addr()?;
        let hub = Hub::new(
            db.store.clone(),
            HubInfo {
                public_url: format!("http://{addr}"),
            },
        );
        hub.ensure_admin().await?;
        let state = AppState::new(hub.clone(), Identity::new(AuthMode::On, None));
        let app = hub_http::router(state, &RouterOptions::default());
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        tokio::spawn(hub_http::serve(listener, app, async {
            let _ = stopped.await;
        }));
        Ok(Server {
            hub,
            url: format!("http://{addr}/mcp"),
            stop,
        })
    }

    pub fn stop(self) {
        let _ = self.stop.send(());
    }
}

/// Connects an MCP client speaking 2026-07-28 with a token and default project.
pub async fn connect(url: &str, token: &str, project: &str) -> anyhow::Result<Client> {
    let mut headers = HashMap::new();
    headers.insert(
        http::HeaderName::from_static("x-jc-project"),
        http::HeaderValue::from_str(project)?,
    );
    let config = StreamableHttpClientTransportConfig::with_uri(url.to_string())
        .auth_header(token.to_string())
        .custom_headers(headers);
    // As jc-bridge builds its client: connections kept alive, TCP_NODELAY. rmcp's default
    // client (`from_config`) keeps no idle connection: about four calls in ten opened a
    // new TCP connection with it (measured in round 9).
    let http = reqwest::Client::builder().tcp_nodelay(true).build()?;
    let transport = StreamableHttpClientTransport::with_client(http, config);
    let client = ClientConfig::default()
        .serve_with_lifecycle(
            transport,
            ClientLifecycleMode::Discover {
                preferred_versions: vec![ProtocolVersion::V_2026_07_28],
            },
        )
        .await?;
    Ok(client)
}

/// One call; fails the benchmark on protocol errors or `isError` results.
pub async fn call(client: &Client, tool: &str, args: Value) -> anyhow::Result<()> {
    let Value::Object(args) = args else {
        anyhow::bail!("arguments must be an object");
    };
    let result = client
        .call_tool(CallToolRequestParams::new(tool.to_string()).with_arguments(args))
        .await?;
    if result.is_error == Some(true) {
        anyhow::bail!("{tool} failed: {:?}", result.content);
    }
    Ok(())
}

/// Latency histogram (microseconds) and call count of one run.
pub struct Stats {
    pub calls: u64,
    pub elapsed: Duration,
    pub hist: Histogram<u64>,
}

pub fn histogram() -> Histogram<u64> {
    Histogram::new_with_bounds(1, 60_000_000, 3).expect("histogram bounds")
}

/// What one client calls on its `i`-th iteration.
pub type Plan = fn(client: usize, i: u64, agents: usize) -> (&'static str, Value);

pub struct Scenario {
    pub name: &'static str,
    /// `read`, `write` or `mix`.
    pub kind: &'static str,
    pub plan: Plan,
}

pub fn scenarios() -> Vec<Scenario> {
    vec![
        Scenario {
            name: "jc_get_state",
            kind: "read",
            plan: |_, _, _| ("jc_get_state", json!({})),
        },
        Scenario {
            name: "jc_list_tasks",
            kind: "read",
            plan: |_, _, _| ("jc_list_tasks", json!({"limit": 20})),
        },
        Scenario {
            name: "jc_get_task",
            kind: "read",
            plan: |_, i, _| ("jc_get_task", json!({"ref": (i % 200 + 1).to_string()})),
        },
        Scenario {
            name: "jc_get_context",
            kind: "read",
            plan: |_, _, _| ("jc_get_context", json!({})),
        },
        Scenario {
            name: "jc_list_members",
            kind: "read",
            plan: |_, _, _| ("jc_list_members", json!({})),
        },
        Scenario {
            name: "jc_search_memory",
            kind: "read",
            plan: |_, i, _| {
                (
                    "jc_search_memory",
                    json!({"query": format!("term {}", i % 50)}),
                )
            },
        },
        // Before the other writes, so it briefs the seeded project rather than the inbox
        // of thousands of messages the message scenario leaves.
        Scenario {
            name: "jc_start",
            kind: "write",
            plan: |_, _, _| ("jc_start", json!({})),
        },
        Scenario {
            name: "jc_add_task",
            kind: "write",
            plan: |c, i, _| {
                (
                    "jc_add_task",
                    json!({"title": format!("Bench task {c}-{i}")}),
                )
            },
        },
        Scenario {
            name: "jc_move_task",
            kind: "write",
            plan: |c, i, _| {
                let status = if i % 2 == 0 { "in_progress" } else { "todo" };
                (
                    "jc_move_task",
                    json!({"ref": (c + 1).to_string(), "status": status}),
                )
            },
        },
        Scenario {
            name: "jc_set_context",
            kind: "write",
            plan: |c, i, _| {
                (
                    "jc_set_context",
                    json!({"key": format!("agent-{c}"), "value": {"step": i}}),
                )
            },
        },
        Scenario {
            name: "jc_remember",
            kind: "write",
            plan: |c, i, _| {
                (
                    "jc_remember",
                    json!({"category": "term", "key": format!("note-{c}-{}", i % 100), "value": "A fact worth keeping"}),
                )
            },
        },
        Scenario {
            name: "jc_recall",
            kind: "write",
            plan: |_, i, _| ("jc_recall", json!({"key": format!("term-{}", i % 500)})),
        },
        Scenario {
            name: "jc_post_message",
            kind: "write",
            plan: |c, _, n| {
                (
                    "jc_post_message",
                    json!({"recipient": format!("agent-{}", (c + 1) % n), "content": "Ready for review"}),
                )
            },
        },
        Scenario {
            name: "mix (realistic)",
            kind: "mix",
            plan: mix,
        },
    ]
}

/// A working agent's day, in twentieths.
fn mix(c: usize, i: u64, n: usize) -> (&'static str, Value) {
    match i % 20 {
        0 | 1 => ("jc_get_state", json!({})),
        2..=4 => ("jc_list_tasks", json!({"limit": 20})),
        5 => (
            "jc_add_task",
            json!({"title": format!("Mixed task {c}-{i}")}),
        ),
        6 | 7 => (
            "jc_move_task",
            json!({"ref": (c + 1).to_string(), "status": if i % 40 < 20 { "in_progress" } else { "todo" }}),
        ),
        8 | 9 => (
            "jc_post_message",
            json!({"recipient": format!("agent-{}", (c + 1) % n), "content": "Handing over"}),
        ),
        10 | 11 => ("jc_get_messages", json!({})),
        12 => (
            "jc_remember",
            json!({"category": "process", "key": format!("mix-{c}-{}", i % 50), "value": "How we do it"}),
        ),
        13 | 14 => ("jc_recall", json!({"key": format!("term-{}", i % 500)})),
        15 | 16 => (
            "jc_search_memory",
            json!({"query": format!("term {}", i % 50)}),
        ),
        17 => (
            "jc_set_context",
            json!({"key": format!("mix-{c}"), "value": i}),
        ),
        _ => ("jc_get_context", json!({})),
    }
}

/// How the simulated agents talk to the hub.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Driver {
    /// rmcp's own client (what agents built on rmcp pay, client cost included).
    Rmcp,
    /// Plain HTTP POSTs of JSON-RPC `tools/call` bodies to the stateless transport: a
    /// light load generator, so the numbers show the hub's own cost.
    Raw,
}

/// One `tools/call` as a plain HTTP request; fails on HTTP errors and `isError` results.
async fn raw_call(
    http: &reqwest::Client,
    url: &str,
    token: &str,
    tool: &str,
    args: Value,
) -> anyhow::Result<()> {
    let body = json!({"jsonrpc": "2.0", "id": 1, "method": "tools/call",
                      "params": {"name": tool, "arguments": args}});
    let response = http
        .post(url)
        .bearer_auth(token)
        .header("x-jc-project", "bench")
        .header("accept", "application/json, text/event-stream")
        .header("mcp-protocol-version", "2025-03-26")
        .json(&body)
        .send()
        .await?;
    let status = response.status();
    let text = response.text().await?;
    if !status.is_success() || text.contains("\"isError\":true") || text.contains("\"error\":{") {
        anyhow::bail!("{tool} failed: {status} {text}");
    }
    Ok(())
}

/// A run's calls, all of them and each tool's apart (by name).
pub struct Run {
    pub all: Stats,
    /// Each tool's calls, with the run's elapsed time: its calls/s are its share of the
    /// run's.
    pub by_tool: Vec<(&'static str, Stats)>,
}

/// Runs a scenario with `clients` concurrent agents for `seconds`.
pub async fn run(
    server: &Server,
    team: &[Agent],
    scenario: &Scenario,
    clients: usize,
    seconds: f64,
    driver: Driver,
) -> anyhow::Result<Run> {
    drive(&server.url, team, scenario.plan, clients, seconds, driver).await
}

/// `clients` agents calling what `plan` says on the MCP endpoint `url` for `seconds`.
pub async fn drive(
    url: &str,
    team: &[Agent],
    plan: Plan,
    clients: usize,
    seconds: f64,
    driver: Driver,
) -> anyhow::Result<Run> {
    let deadline = Instant::now() + Duration::from_secs_f64(seconds);
    let started = Instant::now();
    let http = reqwest::Client::new();
    let runs = team.iter().take(clients).enumerate().map(|(c, agent)| {
        let http = http.clone();
        async move {
            let mut hists: HashMap<&'static str, Histogram<u64>> = HashMap::new();
            let mut i = 0u64;
            while Instant::now() < deadline {
                let (tool, args) = plan(c, i, clients);
                let t = Instant::now();
                match driver {
                    Driver::Rmcp => call(&agent.client, tool, args).await?,
                    Driver::Raw => raw_call(&http, url, &agent.token, tool, args).await?,
                }
                let micros = t.elapsed().as_micros().max(1) as u64;
                hists.entry(tool).or_insert_with(histogram).record(micros)?;
                i += 1;
            }
            anyhow::Ok(hists)
        }
    });
    let results = futures::future::try_join_all(runs).await?;
    let elapsed = started.elapsed();
    let mut tools: Vec<&'static str> = results.iter().flat_map(|h| h.keys().copied()).collect();
    tools.sort_unstable();
    tools.dedup();
    let mut by_tool = Vec::with_capacity(tools.len());
    for tool in tools {
        let parts: Vec<_> = results
            .iter()
            .filter_map(|h| h.get(tool).cloned())
            .collect();
        by_tool.push((tool, merge(&parts, elapsed)?));
    }
    let all: Vec<_> = by_tool.iter().map(|(_, s)| s.hist.clone()).collect();
    Ok(Run {
        all: merge(&all, elapsed)?,
        by_tool,
    })
}

/// The clients' histograms as one run of `elapsed`.
pub fn merge(parts: &[Histogram<u64>], elapsed: Duration) -> anyhow::Result<Stats> {
    let mut hist = histogram();
    for h in parts {
        hist.add(h)?;
    }
    Ok(Stats {
        calls: hist.len(),
        elapsed,
        hist,
    })
}

/// The same call `n` times, one after another.
pub async fn repeat(client: &Client, tool: &str, args: Value, n: usize) -> anyhow::Result<Stats> {
    let mut hist = histogram();
    let started = Instant::now();
    for _ in 0..n {
        let t = Instant::now();
        call(client, tool, args.clone()).await?;
        hist.record(t.elapsed().as_micros().max(1) as u64)?;
    }
    Ok(Stats {
        calls: hist.len(),
        elapsed: started.elapsed(),
        hist,
    })
}

/// The kinds of query the search scenario takes turns with (see `search`).
pub const SEARCH_KINDS: [&str; 4] = ["`invoice N`", "`k10037`-like key", "`pipeline`", "miss"];

/// Searches with varied queries: word hits, key substrings, misses. Returns all of them
/// and each kind of query apart, in the order of [`SEARCH_KINDS`] (each kind's elapsed
/// time is the sum of its calls).
pub async fn search(client: &Client, n: usize) -> anyhow::Result<(Stats, Vec<Stats>)> {
    let mut hist = histogram();
    let mut kinds: Vec<Stats> = (0..SEARCH_KINDS.len())
        .map(|_| Stats {
            calls: 0,
            elapsed: Duration::ZERO,
            hist: histogram(),
        })
        .collect();
    let started = Instant::now();
    for i in 0..n {
        let query = match i % 4 {
            0 => format!("invoice {}", i % 97),
            1 => format!("k{}", 10_000 + i * 37),
            2 => "pipeline".to_string(),
            _ => "zzz-not-there".to_string(),
        };
        let t = Instant::now();
        call(
            client,
            "jc_search_memory",
            json!({"query": query, "limit": 20}),
        )
        .await?;
        let took = t.elapsed();
        let micros = took.as_micros().max(1) as u64;
        hist.record(micros)?;
        let kind = &mut kinds[i % 4];
        kind.hist.record(micros)?;
        kind.calls += 1;
        kind.elapsed += took;
    }
    let all = Stats {
        calls: hist.len(),
        elapsed: started.elapsed(),
        hist,
    };
    Ok((all, kinds))
}
