//! REST API tests (SPEC §5): a hub on port 0, on SQLite and PostgreSQL, driven over plain
//! HTTP by `reqwest`. Each module holds one concept; every test runs on both backends,
//! starts from its own database and checks the effect of a call through another endpoint.

mod auth;
mod context;
mod errors;
mod health;
mod helpers;
mod members;
mod memories;
mod messages;
mod paging;
mod projects;
mod response;
mod sessions;
mod task_errors;
mod tasks;
