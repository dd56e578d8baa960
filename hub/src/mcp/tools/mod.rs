//! The 30 tools of SPEC §3, one router per concept.

mod admin;
mod context;
mod memory;
mod messages;
mod session;
mod tasks;
