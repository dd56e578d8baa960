//! Packaging checks (issue 6, Docker): CI has no Docker engine, so instead of building and
//! running the image these tests read `Dockerfile`, `docker-compose.yml`, `.dockerignore`
//! and `.env.example` and check their structure against the workspace: the image builds the
//! same binary `cargo build --release` builds, from a build context that holds everything
//! that build reads; the compose file wires the hub to PostgreSQL 16 with healthchecks, start
//! order, volumes, the admin token from the environment and the hub's service name allowed
//! on `/mcp`.

mod compose;
mod dockerfile;
mod parse;
