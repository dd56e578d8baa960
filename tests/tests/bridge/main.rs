//! End-to-end tests of `jc-bridge`: the real binary, launched as an agent host launches
//! it, driven over stdio by rmcp's client in the 2026-07-28 and a legacy (2025-03-26)
//! protocol era, against a real hub on SQLite and PostgreSQL.

// The MCP tests' client helpers; this binary uses some of them.
#[allow(dead_code)]
#[path = "../mcp/client.rs"]
mod client;

mod commands;
mod flaky;
mod harness;
mod proxy;
mod resilience;
