//! # JustClone Hub
//!
//! One shared, persistent place for a team of AI agents and humans: a task board,
//! project context, messages, two-tier memory, members and sessions, with authorship on
//! every change.
//!
//! ## Layout
//! - `model`: domain types and the enumerations of SPEC §1.
//! - `error`: the one error type, `HubError`, and JSON argument parsing.
//! - `validate`: input checks and limits shared by every operation.
//! - `auth`: token generation and hashing.
//! - `backup`: the project backup document of `jc-hub export` / `jc-hub import`.
//! - `store`: the `Store` contract and its SQLite and PostgreSQL backends.
//! - `service`: every operation, written once, called by REST and MCP.
//! - `http`: the axum server: identity middleware, errors, extractors, `/health`.
//! - `rest`: REST adapters over the service (`/api/...`).
//! - `mcp`: MCP adapters over the service (`/mcp`), the 30 tools.
//! - `docs`: the generated tool and REST references.
//! - `logging`: the log subscriber `jc-hub` installs.
//! - `config`: command line and settings; `server`: `jc-hub serve`; `cli`: admin commands.
#![forbid(unsafe_code)]

pub mod auth;
pub mod backup;
pub mod cli;
pub mod config;
pub mod docs;
pub mod error;
pub mod http;
pub mod logging;
pub mod mcp;
pub mod model;
pub mod rest;
pub mod server;
pub mod service;
pub mod store;
pub mod validate;
