//! End-to-end MCP tests: a hub on port 0 (SQLite and PostgreSQL) driven by rmcp's own
//! client over Streamable HTTP, in the 2026-07-28 (stateless) and a legacy protocol era.

mod client;
mod errors;
mod logging;
mod security;
mod size;
mod story;
mod tools;
