//! Running the real `jc-bridge` binary: its path (built once per test run), a private
//! config and cache per test, an MCP client over the child's stdio, and a hub that can be
//! stopped and started again on the same port.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::sync::{Arc, Mutex, OnceLock};
use std::time::Duration;

use jc_hub::service::Hub;
use rmcp::model::{ClientConfig, ProtocolVersion};
use rmcp::transport::TokioChildProcess;
use rmcp::{ClientLifecycleMode, ClientServiceExt};
use tokio::io::AsyncReadExt;

use crate::client::{Client, Era};

/// The `jc-bridge` executable under test.
///
/// `JC_BRIDGE_BIN` names one explicitly. Otherwise cargo builds the workspace's binary
/// (a no-op when it is fresh) in the profile this test runs in: cargo builds only this
/// package's own binaries for its integration tests, and a stale `target/debug/jc-bridge`
/// would test old code.
pub fn bridge_bin() -> &'static Path {
    static BIN: OnceLock<PathBuf> = OnceLock::new();
    BIN.get_or_init(|| {
        if let Some(bin) = std::env::var_os("JC_BRIDGE_BIN") {
            return PathBuf::from(bin);
        }
        // target/<profile>/deps/bridge-<hash>
        let exe = std::env::current_exe().expect("test executable path");
        let profile_dir = exe
            .parent()
            .and_then(Path::parent)
            .expect("test binary lives in target/<profile>/deps");
        let profile = profile_dir
            .file_name()
            .and_then(|n| n.to_str())
            .expect("profile directory name");
        let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
        let mut build = std::process::Command::new(cargo);
        build
            .current_dir(env!("CARGO_MANIFEST_DIR"))
            // With jc-tests in the build, features unify as in a workspace build, so
            // no shared dependency is compiled a second time.
            .args([
                "build",
                "-p",
                "jc-bridge",
                "-p",
                "jc-tests",
                "--bin",
                "jc-bridge",
            ]);
        // Cargo describes this test package to the test process (CARGO_PKG_NAME…). Some
        // build scripts (ring's) track those variables, so passing them on would make
        // every run rebuild them, and the next plain `cargo build` rebuild them again.
        for (name, _) in std::env::vars_os() {
            let name = name.to_string_lossy();
            if name.starts_with("CARGO_PKG_")
                || name.starts_with("CARGO_MANIFEST_")
                || matches!(
                    name.as_ref(),
                    "CARGO_CRATE_NAME"
                        | "CARGO_PRIMARY_PACKAGE"
                        | "CARGO_TARGET_TMPDIR"
                        | "CARGO_BIN_NAME"
                        | "CARGO_RUSTC_CURRENT_DIR"
                )
            {
                build.env_remove(name.as_ref());
            }
        }
        match profile {
            "debug" => {}
            "release" => {
                build.arg("--release");
            }
            other => {
                build.args(["--profile", other]);
            }
        }
        let status = build.status().expect("run cargo to build jc-bridge");
        assert!(status.success(), "building jc-bridge failed");
        let bin = profile_dir.join(format!("jc-bridge{}", std::env::consts::EXE_SUFFIX));
        assert!(bin.exists(), "{} was not built", bin.display());
        bin
    })
}

/// A private home for one bridge: config file, config and cache directories.
pub struct BridgeEnv {
    pub dir: tempfile::TempDir,
}

impl BridgeEnv {
    pub fn new() -> BridgeEnv {
        BridgeEnv {
            dir: tempfile::tempdir().expect("tempdir"),
        }
    }

    /// `--config` points here.
    pub fn config_path(&self) -> PathBuf {
        self.dir.path().join("bridge.toml")
    }

    /// `$XDG_CACHE_HOME`: the bridge's tool cache lives in `jc-bridge/` below it.
    pub fn cache_home(&self) -> PathBuf {
        self.dir.path().join("cache")
    }

    /// `$XDG_CONFIG_HOME`: the default config is `jc-bridge/bridge.toml` below it.
    pub fn config_home(&self) -> PathBuf {
        self.dir.path().join("config")
    }

    /// Writes `bridge.toml` with these keys (TOML-quoted).
    pub fn write_config(&self, hub_url: &str, token: &str, project: Option<&str>) {
        let mut text = format!("hub_url = {hub_url:?}\ntoken = {token:?}\n");
        if let Some(p) = project {
            text.push_str(&format!("project = {p:?}\n"));
        }
        std::fs::write(self.config_path(), text).expect("write bridge.toml");
    }

    /// The bridge command with `--config` set and this environment only: no `JC_*` from
    /// the developer's shell, private XDG directories.
    pub fn command(&self, args: &[&str]) -> tokio::process::Command {
        let mut cmd = self.bare_command(&[]);
        cmd.arg("--config").arg(self.config_path()).args(args);
        cmd
    }

    /// Like [`BridgeEnv::command`], without `--config`.
    pub fn bare_command(&self, args: &[&str]) -> tokio::process::Command {
        let mut cmd = tokio::process::Command::new(bridge_bin());
        for var in [
            "JC_HUB_URL",
            "JC_TOKEN",
            "JC_PROJECT",
            "JC_LOG",
            "RUST_LOG",
            "JC_HUB_PROTOCOL",
        ] {
            cmd.env_remove(var);
        }
        cmd.env("XDG_CONFIG_HOME", self.config_home())
            .env("XDG_CACHE_HOME", self.cache_home())
            .args(args)
            .kill_on_drop(true);
        cmd
    }

    /// Runs a command that does not serve (init, doctor, print-config, or a serve that
    /// must fail), with stdin closed.
    pub async fn run(&self, args: &[&str]) -> Output {
        self.run_with(self.command(args)).await
    }

    pub async fn run_with(&self, mut cmd: tokio::process::Command) -> Output {
        cmd.stdin(Stdio::null());
        let out = tokio::time::timeout(Duration::from_secs(30), cmd.output())
            .await
            .expect("jc-bridge finishes within 30 s")
            .expect("run jc-bridge");
        Output {
            code: out.status.code(),
            stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        }
    }
}

/// A finished `jc-bridge` run.
#[derive(Debug)]
pub struct Output {
    pub code: Option<i32>,
    pub stdout: String,
    pub stderr: String,
}

/// A bridge serving stdio, driven by rmcp's client.
pub struct Session {
    pub client: Client,
    stderr: Arc<Mutex<String>>,
}

impl Session {
    /// Closes stdin and waits for the bridge to exit; returns its stderr.
    pub async fn close(self) -> String {
        let stderr = self.stderr.clone();
        let _ = tokio::time::timeout(Duration::from_secs(10), self.client.cancel()).await;
        // Give the reader task a moment to drain the pipe after exit.
        tokio::time::sleep(Duration::from_millis(50)).await;
        stderr.lock().unwrap().clone()
    }
}

/// Spawns `cmd` (a serving bridge) and connects to it over stdio in `era`.
pub async fn connect(cmd: tokio::process::Command, era: Era) -> Session {
    let (transport, stderr) = TokioChildProcess::builder(cmd)
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn jc-bridge");
    let captured = Arc::new(Mutex::new(String::new()));
    if let Some(mut pipe) = stderr {
        let captured = captured.clone();
        tokio::spawn(async move {
            let mut buf = [0u8; 4096];
            while let Ok(n) = pipe.read(&mut buf).await {
                if n == 0 {
                    break;
                }
                captured
                    .lock()
                    .unwrap()
                    .push_str(&String::from_utf8_lossy(&buf[..n]));
            }
        });
    }
    let (mode, info) = match era {
        Era::Current => (
            ClientLifecycleMode::Discover {
                preferred_versions: vec![ProtocolVersion::V_2026_07_28],
            },
            ClientConfig::default(),
        ),
        Era::Legacy => {
            let mut info = ClientConfig::default();
            info.protocol_version = ProtocolVersion::V_2025_03_26;
            (ClientLifecycleMode::Initialize, info)
        }
    };
    let client = tokio::time::timeout(
        Duration::from_secs(10),
        info.serve_with_lifecycle(transport, mode),
    )
    .await
    .expect("the bridge answers the handshake quickly")
    .unwrap_or_else(|e| {
        panic!(
            "MCP handshake with the bridge: {e}\nstderr: {}",
            captured.lock().unwrap()
        )
    });
    Session {
        client,
        stderr: captured,
    }
}

/// A free loopback port (bound, then released), for a hub that is not running yet.
pub fn free_addr() -> SocketAddr {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    listener.local_addr().expect("addr")
}

/// A hub's HTTP server on a fixed address that can be stopped and started again, over
/// one fixture (so data survives the restart, as it does for a real hub).
pub struct Server {
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    task: tokio::task::JoinHandle<()>,
}

impl Server {
    /// Serves `hub` on `addr`, retrying briefly while the port is still being released.
    pub async fn start(hub: &Hub, addr: SocketAddr) -> Server {
        jc_tests::install_crypto_provider();
        let mut attempts = 0;
        let listener = loop {
            match tokio::net::TcpListener::bind(addr).await {
                Ok(l) => break l,
                Err(e) if attempts < 50 => {
                    attempts += 1;
                    let _ = e;
                    tokio::time::sleep(Duration::from_millis(20)).await;
                }
                Err(e) => panic!("bind {addr}: {e}"),
            }
        };
        let state = jc_hub::http::AppState::new(
            hub.clone(),
            jc_hub::http::Identity::new(jc_hub::http::AuthMode::On, None),
        );
        let app = jc_hub::http::router(state, &jc_hub::http::RouterOptions::default());
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let task = tokio::spawn(async move {
            let shutdown = async {
                let _ = stopped.await;
            };
            jc_hub::http::serve(listener, app, shutdown)
                .await
                .expect("serve");
        });
        Server {
            stop: Some(stop),
            task,
        }
    }

    /// Stops accepting, closes every connection and waits until the port is free.
    pub async fn stop(mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        let task = &mut self.task;
        if tokio::time::timeout(Duration::from_secs(5), &mut *task)
            .await
            .is_err()
        {
            task.abort();
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}
