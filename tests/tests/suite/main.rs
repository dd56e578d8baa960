//! The conformance suite: the service layer and the store, run on SQLite and PostgreSQL.
//!
//! One module per concept; each test is an `async fn(Backend)` registered with
//! `on_both_backends!`, so every behaviour is checked on both stores.

mod atomicity;
mod auth;
mod backup;
mod cascade;
mod checkpoints;
mod concurrency;
mod context;
mod events;
mod freshness;
mod helpers;
mod members;
mod memory;
mod messages;
mod migrations;
mod pool;
mod projects;
mod resilience;
mod sessions;
mod settings;
mod smoke;
mod tasks;
mod validation;
