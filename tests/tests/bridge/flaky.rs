//! An HTTP/1.1 relay between the bridge and a hub that can break the connection after
//! the hub has handled a `tools/call` (so the call ran, but its answer never arrives),
//! and counts the `tools/call` requests it sees per tool.

use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

#[derive(Default)]
struct Shared {
    /// How many of the next `tools/call` answers to swallow.
    drops: AtomicUsize,
    calls: Mutex<HashMap<String, usize>>,
}

pub struct FlakyRelay {
    pub url: String,
    shared: Arc<Shared>,
    task: tokio::task::JoinHandle<()>,
}

impl FlakyRelay {
    /// Relays to the hub at `hub` (e.g. `http://127.0.0.1:1234`).
    pub async fn start(hub: &str) -> FlakyRelay {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind relay");
        let addr = listener.local_addr().expect("relay addr");
        let shared = Arc::new(Shared::default());
        jc_tests::install_crypto_provider();
        let http = reqwest::Client::new();
        let hub = hub.trim_end_matches('/').to_string();
        let task = {
            let shared = shared.clone();
            tokio::spawn(async move {
                while let Ok((socket, _)) = listener.accept().await {
                    let shared = shared.clone();
                    let http = http.clone();
                    let hub = hub.clone();
                    tokio::spawn(async move {
                        let _ = relay(socket, &hub, &http, &shared).await;
                    });
                }
            })
        };
        FlakyRelay {
            url: format!("http://{addr}"),
            shared,
            task,
        }
    }

    /// Breaks the connection after the hub answers each of the next `n` tool calls.
    pub fn drop_next_calls(&self, n: usize) {
        self.shared.drops.store(n, Ordering::SeqCst);
    }

    /// How many `tools/call` requests for `tool` reached the relay.
    pub fn calls(&self, tool: &str) -> usize {
        self.shared
            .calls
            .lock()
            .unwrap()
            .get(tool)
            .copied()
            .unwrap_or(0)
    }
}

impl Drop for FlakyRelay {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// Serves one client connection, request by request (keep-alive).
async fn relay(
    mut socket: TcpStream,
    hub: &str,
    http: &reqwest::Client,
    shared: &Shared,
) -> std::io::Result<()> {
    let mut buf = Vec::new();
    loop {
        let Some((method, path, headers, body)) = read_request(&mut socket, &mut buf).await? else {
            return Ok(());
        };
        let tool = serde_json::from_slice::<serde_json::Value>(&body)
            .ok()
            .filter(|v| v["method"] == "tools/call")
            .and_then(|v| v["params"]["name"].as_str().map(str::to_string));
        if let Some(tool) = &tool {
            *shared
                .calls
                .lock()
                .unwrap()
                .entry(tool.clone())
                .or_default() += 1;
        }
        let method = reqwest::Method::from_bytes(method.as_bytes()).expect("method");
        let mut request = http.request(method, format!("{hub}{path}")).body(body);
        for (name, value) in &headers {
            if !matches!(
                name.as_str(),
                "host" | "content-length" | "connection" | "transfer-encoding"
            ) {
                request = request.header(name, value);
            }
        }
        let response = request.send().await.map_err(std::io::Error::other)?;
        let status = response.status();
        let content_type = response
            .headers()
            .get("content-type")
            .and_then(|v| v.to_str().ok())
            .map(str::to_string);
        let bytes = response.bytes().await.map_err(std::io::Error::other)?;
        let swallow = tool.is_some()
            && shared
                .drops
                .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| n.checked_sub(1))
                .is_ok();
        if swallow {
            // The hub ran the call; the bridge never hears back.
            return Ok(());
        }
        let mut head = format!(
            "HTTP/1.1 {} {}\r\ncontent-length: {}\r\n",
            status.as_u16(),
            status.canonical_reason().unwrap_or(""),
            bytes.len()
        );
        if let Some(ct) = content_type {
            head.push_str(&format!("content-type: {ct}\r\n"));
        }
        head.push_str("\r\n");
        socket.write_all(head.as_bytes()).await?;
        socket.write_all(&bytes).await?;
    }
}

type Request = (String, String, Vec<(String, String)>, Vec<u8>);

/// Reads one request (head, then a `content-length` body); `None` at a clean close.
async fn read_request(
    socket: &mut TcpStream,
    buf: &mut Vec<u8>,
) -> std::io::Result<Option<Request>> {
    let head_end = loop {
        if let Some(i) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            break i + 4;
        }
        let mut chunk = [0u8; 8192];
        let n = socket.read(&mut chunk).await?;
        if n == 0 {
            return Ok(None);
        }
        buf.extend_from_slice(&chunk[..n]);
    };
    let head = String::from_utf8_lossy(&buf[..head_end]).into_owned();
    let mut lines = head.split("\r\n");
    let mut request_line = lines.next().unwrap_or("").split(' ');
    let method = request_line.next().unwrap_or("GET").to_string();
    let path = request_line.next().unwrap_or("/").to_string();
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_string()))
        .collect();
    let length = headers
        .iter()
        .find(|(k, _)| k == "content-length")
        .and_then(|(_, v)| v.parse::<usize>().ok())
        .unwrap_or(0);
    while buf.len() < head_end + length {
        let mut chunk = [0u8; 8192];
        let n = socket.read(&mut chunk).await?;
        if n == 0 {
            return Ok(None);
        }
        buf.extend_from_slice(&chunk[..n]);
    }
    let body = buf[head_end..head_end + length].to_vec();
    buf.drain(..head_end + length);
    Ok(Some((method, path, headers, body)))
}
