//! The conformance suite: the service layer and the store, run on SQLite and PostgreSQL.

mod smoke;
