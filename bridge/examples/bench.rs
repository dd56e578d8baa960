//! Bridge benchmark (a program, not a timed test): start-up to an answered `tools/list`,
//! idle memory, and per-call overhead over a direct Streamable HTTP call.
//!
//! ```sh
//! cargo build --release -p jc-hub -p jc-bridge
//! cargo run --release -p jc-bridge --example bench
//! ```
//!
//! It starts `target/release/jc-hub serve` on a free port with a fresh data directory,
//! creates a project and a member over REST, warms the hub up, then measures
//! `target/release/jc-bridge` launched the way an agent host launches it. Override the
//! binaries with `--hub PATH` and `--bridge PATH`, the call count with `--calls N`.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::{Duration, Instant};

use rmcp::model::{CallToolRequestParams, ClientConfig, ProtocolVersion};
use rmcp::service::RunningService;
use rmcp::transport::streamable_http_client::StreamableHttpClientTransportConfig;
use rmcp::transport::{StreamableHttpClientTransport, TokioChildProcess};
use rmcp::{ClientLifecycleMode, ClientServiceExt, RoleClient};
use serde_json::json;

type Client = RunningService<RoleClient, ClientConfig>;

struct Args {
    hub: PathBuf,
    bridge: PathBuf,
    calls: usize,
    starts: usize,
}

fn args() -> Args {
    let release = Path::new(env!("CARGO_MANIFEST_DIR")).join("../target/release");
    let mut args = Args {
        hub: release.join("jc-hub"),
        bridge: release.join("jc-bridge"),
        calls: 2000,
        starts: 30,
    };
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        let value = it.next().unwrap_or_else(|| panic!("{flag} needs a value"));
        match flag.as_str() {
            "--hub" => args.hub = value.into(),
            "--bridge" => args.bridge = value.into(),
            "--calls" => args.calls = value.parse().expect("--calls N"),
            "--starts" => args.starts = value.parse().expect("--starts N"),
            other => panic!("unknown flag {other}"),
        }
    }
    for bin in [&args.hub, &args.bridge] {
        assert!(
            bin.exists(),
            "{} is missing: cargo build --release -p jc-hub -p jc-bridge",
            bin.display()
        );
    }
    args
}

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let args = args();
    jc_bridge::http::install_crypto_provider();
    let work = tempfile::tempdir().expect("tempdir");
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("free port")
        .port();
    let url = format!("http://127.0.0.1:{port}");

    let mut hub = tokio::process::Command::new(&args.hub)
        .args(["serve", "--listen", &format!("127.0.0.1:{port}")])
        .arg("--data-dir")
        .arg(work.path().join("hub"))
        .env("RUST_LOG", "warn")
        .env_remove("DATABASE_URL")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .kill_on_drop(true)
        .spawn()
        .expect("start jc-hub");
    let http = jc_bridge::http::client();
    wait_for(&http, &format!("{url}/health")).await;
    let admin = std::fs::read_to_string(work.path().join("hub/admin-token"))
        .expect("admin token")
        .trim()
        .to_string();
    let token = setup(&http, &url, &admin).await;

    let config = work.path().join("bridge.toml");
    std::fs::write(
        &config,
        format!("hub_url = {url:?}\ntoken = {token:?}\nproject = \"bench\"\n"),
    )
    .unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&config, std::fs::Permissions::from_mode(0o600)).unwrap();
    }
    let bridge_cmd = || {
        let mut cmd = tokio::process::Command::new(&args.bridge);
        cmd.arg("--config")
            .arg(&config)
            .env("XDG_CACHE_HOME", work.path().join("cache"))
            .env_remove("JC_LOG")
            .env_remove("RUST_LOG")
            .kill_on_drop(true);
        cmd
    };

    // Warm the hub: connections, SQLite pages, tool table.
    let direct = connect_http(&http, &url, &token).await;
    for _ in 0..200 {
        call(&direct, "jc_get_state").await;
    }
    direct.list_all_tools().await.expect("tools/list");

    println!("jc-bridge benchmark");
    println!("  machine: {}", machine());
    println!(
        "  bridge binary: {} ({:.1} MB)",
        args.bridge.display(),
        size_mb(&args.bridge)
    );
    println!("  hub: {url} (SQLite, warm)");
    println!(
        "  load average at start: {}\n",
        std::fs::read_to_string("/proc/loadavg")
            .unwrap_or_default()
            .split(' ')
            .take(3)
            .collect::<Vec<_>>()
            .join(" ")
    );

    // 1. Start-up: spawn → handshake → answered tools/list, per host era.
    for (era, legacy) in [
        ("2026-07-28 (discover)", false),
        ("2025-03-26 (initialize)", true),
    ] {
        let mut samples = Vec::with_capacity(args.starts);
        for _ in 0..args.starts {
            let started = Instant::now();
            let client = connect_child(bridge_cmd(), legacy).await;
            let tools = client
                .list_all_tools()
                .await
                .expect("tools/list via bridge");
            samples.push(started.elapsed());
            assert_eq!(tools.len(), 30);
            let _ = client.cancel().await;
        }
        report(
            &format!("start-up to answered tools/list, host {era}"),
            &mut samples,
            args.starts,
        );
    }

    // 2. Idle memory: after the handshake (hub not contacted yet), then after a listing
    // and one call.
    let (transport, pid) = spawn_child(bridge_cmd());
    let via_bridge = serve(transport, false).await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    let started = proc_status(pid);
    println!(
        "idle memory after the handshake: VmRSS {} kB",
        started.get("VmRSS").map_or("?", String::as_str)
    );
    via_bridge.list_all_tools().await.expect("tools/list");
    call(&via_bridge, "jc_get_state").await;
    tokio::time::sleep(Duration::from_secs(1)).await;
    let idle = proc_status(pid);
    println!(
        "idle memory (after tools/list and one call): VmRSS {} kB, VmHWM {} kB",
        idle.get("VmRSS").map_or("?", String::as_str),
        idle.get("VmHWM").map_or("?", String::as_str)
    );

    // 3. Per-call overhead: the same tool, direct and through the bridge, alternating
    // blocks so both see the same machine load.
    let mut direct_samples = Vec::with_capacity(args.calls);
    let mut bridge_samples = Vec::with_capacity(args.calls);
    for _ in 0..100 {
        call(&via_bridge, "jc_get_state").await;
    }
    let block = 100;
    while direct_samples.len() < args.calls {
        for _ in 0..block.min(args.calls - direct_samples.len()) {
            let t = Instant::now();
            call(&direct, "jc_get_state").await;
            direct_samples.push(t.elapsed());
        }
        for _ in 0..block.min(args.calls - bridge_samples.len()) {
            let t = Instant::now();
            call(&via_bridge, "jc_get_state").await;
            bridge_samples.push(t.elapsed());
        }
    }
    println!("\njc_get_state, {} calls each, one at a time:", args.calls);
    let d = report("  direct Streamable HTTP", &mut direct_samples, args.calls);
    let b = report(
        "  through jc-bridge (stdio)",
        &mut bridge_samples,
        args.calls,
    );
    println!(
        "  overhead: mean {:+.3} ms, p50 {:+.3} ms, p99 {:+.3} ms",
        ms(b.mean) - ms(d.mean),
        ms(b.p50) - ms(d.p50),
        ms(b.p99) - ms(d.p99)
    );
    let after = proc_status(pid);
    println!(
        "bridge memory after the calls: VmRSS {} kB",
        after.get("VmRSS").map_or("?", String::as_str)
    );

    let _ = via_bridge.cancel().await;
    let _ = direct.cancel().await;
    let _ = hub.kill().await;
}

struct Stats {
    mean: Duration,
    p50: Duration,
    p99: Duration,
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn report(label: &str, samples: &mut [Duration], n: usize) -> Stats {
    samples.sort();
    let pick = |q: f64| samples[((samples.len() - 1) as f64 * q).round() as usize];
    let mean = samples.iter().sum::<Duration>() / samples.len() as u32;
    let stats = Stats {
        mean,
        p50: pick(0.5),
        p99: pick(0.99),
    };
    println!(
        "{label} (n={n}): mean {:.3} ms, p50 {:.3} ms, p99 {:.3} ms, min {:.3} ms, max {:.3} ms",
        ms(stats.mean),
        ms(stats.p50),
        ms(stats.p99),
        ms(samples[0]),
        ms(samples[samples.len() - 1])
    );
    stats
}

/// CPU model, core count, kernel and rustc, for the record.
fn machine() -> String {
    let cpu = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|t| {
            t.lines()
                .find(|l| l.starts_with("model name"))
                .and_then(|l| l.split_once(':'))
                .map(|(_, v)| v.trim().to_string())
        })
        .unwrap_or_else(|| "unknown CPU".into());
    let cores = std::thread::available_parallelism().map_or(0, |n| n.get());
    let run = |cmd: &str, arg: &str| {
        std::process::Command::new(cmd)
            .arg(arg)
            .output()
            .ok()
            .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
            .unwrap_or_default()
    };
    format!(
        "{cpu}, {cores} cores, Linux {}, {}",
        run("uname", "-r"),
        run("rustc", "--version")
    )
}

fn size_mb(path: &Path) -> f64 {
    std::fs::metadata(path).map_or(0.0, |m| m.len() as f64 / 1_000_000.0)
}

/// `/proc/<pid>/status` as name → value (Linux only).
fn proc_status(pid: u32) -> HashMap<String, String> {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .unwrap_or_default()
        .lines()
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.to_string(), v.trim().trim_end_matches(" kB").to_string()))
        .collect()
}

async fn wait_for(http: &reqwest::Client, url: &str) {
    for _ in 0..200 {
        if http
            .get(url)
            .send()
            .await
            .is_ok_and(|r| r.status().is_success())
        {
            return;
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    panic!("the hub did not come up at {url}");
}

/// A project `bench` and a member `bench-agent` in it; returns the member's token.
async fn setup(http: &reqwest::Client, url: &str, admin: &str) -> String {
    let post = |path: &str, body: serde_json::Value| {
        http.post(format!("{url}{path}"))
            .bearer_auth(admin)
            .json(&body)
            .send()
    };
    let r = post("/api/projects", json!({"name": "bench"}))
        .await
        .unwrap();
    assert!(r.status().is_success(), "create project: {}", r.status());
    let r = post(
        "/api/members",
        json!({"name": "bench-agent", "kind": "agent"}),
    )
    .await
    .unwrap();
    assert!(r.status().is_success(), "create member: {}", r.status());
    let created: serde_json::Value = r.json().await.unwrap();
    let r = post(
        "/api/projects/bench/members",
        json!({"member": "bench-agent"}),
    )
    .await
    .unwrap();
    assert!(r.status().is_success(), "add member: {}", r.status());
    created["token"].as_str().expect("token").to_string()
}

async fn connect_http(http: &reqwest::Client, url: &str, token: &str) -> Client {
    let mut headers = HashMap::new();
    headers.insert(
        http::HeaderName::from_static("x-jc-project"),
        http::HeaderValue::from_static("bench"),
    );
    let config = StreamableHttpClientTransportConfig::with_uri(format!("{url}/mcp"))
        .auth_header(token.to_string())
        .custom_headers(headers);
    let transport = StreamableHttpClientTransport::with_client(http.clone(), config);
    ClientConfig::default()
        .serve_with_lifecycle(
            transport,
            ClientLifecycleMode::Discover {
                preferred_versions: vec![ProtocolVersion::V_2026_07_28],
            },
        )
        .await
        .expect("direct MCP connection")
}

fn spawn_child(cmd: tokio::process::Command) -> (TokioChildProcess, u32) {
    let (transport, _) = TokioChildProcess::builder(cmd)
        .stderr(Stdio::inherit())
        .spawn()
        .expect("spawn jc-bridge");
    let pid = transport.id().expect("pid");
    (transport, pid)
}

async fn serve(transport: TokioChildProcess, legacy: bool) -> Client {
    let (mode, info) = if legacy {
        let mut info = ClientConfig::default();
        info.protocol_version = ProtocolVersion::V_2025_03_26;
        (ClientLifecycleMode::Initialize, info)
    } else {
        (
            ClientLifecycleMode::Discover {
                preferred_versions: vec![ProtocolVersion::V_2026_07_28],
            },
            ClientConfig::default(),
        )
    };
    info.serve_with_lifecycle(transport, mode)
        .await
        .expect("MCP handshake with jc-bridge")
}

async fn connect_child(cmd: tokio::process::Command, legacy: bool) -> Client {
    serve(spawn_child(cmd).0, legacy).await
}

async fn call(client: &Client, tool: &'static str) {
    let result = client
        .call_tool(CallToolRequestParams::new(tool))
        .await
        .expect("tools/call");
    assert_ne!(result.is_error, Some(true), "{tool} failed: {result:?}");
}
