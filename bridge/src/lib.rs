//! # jc-bridge
//!
//! The stdio MCP server an agent host (Claude Code, Codex, Cursor…) launches. It forwards
//! `tools/list` and `tools/call` to a JustClone hub over Streamable HTTP and adds the
//! agent's identity (`Authorization: Bearer`, `X-JC-Project`). No tool is compiled in, so
//! new hub tools need no bridge release.
//!
//! ## Layout
//! - `cli`: the command line (`serve`, `init`, `doctor`, `print-config`), logging to
//!   stderr, the runtime and exit codes.
//! - `config`: `bridge.toml`, `JC_*` environment and flags merged (SPEC §6); the token
//!   type that never prints.
//! - `init`: `jc-bridge init`, writing `bridge.toml` with mode 0600.
//! - `http`: the one HTTP client (rustls with ring), shared by the proxy and `doctor`.
//! - `upstream`: the lazy MCP client to `<hub_url>/mcp`: connects on first need, drops a
//!   dead connection and reconnects, retries only read-only or idempotent tools.
//! - `proxy`: the `ServerHandler` served over stdio that forwards to `upstream`.
//! - `cache`: the last tool list (and the hub's instructions) on disk, for a hub that is
//!   down.
//! - `doctor`: checks config, hub, token, project and `/mcp`, and says what to fix.
//! - `snippets`: host configuration snippets for `print-config`.
#![forbid(unsafe_code)]

pub mod cache;
pub mod cli;
pub mod config;
pub mod doctor;
pub mod http;
pub mod init;
pub mod proxy;
pub mod snippets;
pub mod upstream;

/// The bridge's version, as reported in `initialize` and to the hub.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");
