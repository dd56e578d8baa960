//! # JustClone Hub
//!
//! ## Layout
//! - `model`: domain types and the enumerations of SPEC §1.
//! - `error`: the one error type, `HubError`.
//! - `store`: the `Store` contract and its SQLite and PostgreSQL backends.
#![forbid(unsafe_code)]

pub mod error;
pub mod model;
pub mod store;
