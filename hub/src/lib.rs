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
//! - `store`: the `Store` contract and its SQLite and PostgreSQL backends.
//! - `service`: every operation, written once, called by REST and MCP.
#![forbid(unsafe_code)]

pub mod auth;
pub mod error;
pub mod model;
pub mod service;
pub mod store;
pub mod validate;
