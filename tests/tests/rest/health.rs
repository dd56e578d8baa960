//! `GET /health`: liveness and database reachability, without a token.

use jc_tests::{Backend, on_both_backends};
use reqwest::Method;

use crate::helpers::*;

async fn health_needs_no_token(backend: Backend) {
    let api = Api::bare(backend).await;
    let body = api.health().await.ok();
    assert_eq!(body["status"], "ok");
    assert_eq!(body["database"], "ok");
    let expected = match backend {
        Backend::Sqlite => "sqlite",
        Backend::Postgres => "postgres",
    };
    assert_eq!(body["backend"], expected);
}

async fn health_ignores_a_bad_token(backend: Backend) {
    let api = Api::bare(backend).await;
    let body = api
        .send(Method::GET, "/health", Some("jc_not-a-token"), Body::None)
        .await
        .ok();
    assert_eq!(body["status"], "ok");
}

on_both_backends!(health_needs_no_token, health_ignores_a_bad_token);
