//! Sessions of a project (opened by `jc_start`, closed by `jc_end_session`).

use jc_hub::service::{EndSession, Start};
use jc_tests::{Backend, on_both_backends};
use serde_json::json;

use crate::helpers::*;

async fn start(api: &Api, name: &str) {
    let caller = api.caller(name).await;
    api.th
        .hub()
        .start(
            &caller,
            Start {
                project: Some(P.into()),
                ..Default::default()
            },
        )
        .await
        .expect("start");
}

async fn end(api: &Api, name: &str, summary: &str) {
    let caller = api.caller(name).await;
    api.th
        .hub()
        .end_session(
            &caller,
            EndSession {
                project: Some(P.into()),
                summary: summary.into(),
            },
        )
        .await
        .expect("end");
}

async fn no_sessions_is_an_empty_list(backend: Backend) {
    let api = Api::team(backend).await;
    let list = api.sessions(&api.ag, P, "").await.ok();
    assert_eq!(list["sessions"], json!([]));
}

async fn sessions_show_agent_times_and_summary(backend: Backend) {
    let api = Api::team(backend).await;
    start(&api, "antigravity").await;
    end(&api, "antigravity", "Shipped the login page").await;
    tokio::time::sleep(std::time::Duration::from_millis(5)).await;
    start(&api, "copywriter").await;
    let list = api.sessions(&api.ag, P, "").await.ok();
    let sessions = list["sessions"].as_array().unwrap();
    assert_eq!(sessions.len(), 2);
    assert_eq!(sessions[0]["agent"], "copywriter");
    assert_eq!(sessions[0]["ended_at"], json!(null));
    assert_eq!(sessions[0]["summary"], json!(null));
    assert_eq!(sessions[1]["agent"], "antigravity");
    assert!(sessions[1]["started_at"].is_string());
    assert!(sessions[1]["ended_at"].is_string());
    assert_eq!(sessions[1]["summary"], "Shipped the login page");
}

async fn sessions_honour_limit(backend: Backend) {
    let api = Api::team(backend).await;
    for name in ["antigravity", "copywriter", "admin"] {
        start(&api, name).await;
    }
    let one = api.sessions(&api.ag, P, "?limit=1").await.ok();
    assert_eq!(one["sessions"].as_array().unwrap().len(), 1);
    let all = api.sessions(&api.ag, P, "?limit=200").await.ok();
    assert_eq!(all["sessions"].as_array().unwrap().len(), 3);
    api.sessions(&api.ag, P, "?limit=0")
        .await
        .invalid("limit")
        .says(&["1 to 200"]);
    api.sessions(&api.ag, P, "?limit=201")
        .await
        .invalid("limit");
    api.sessions(&api.ag, P, "?agent=copywriter")
        .await
        .invalid("agent");
}

async fn sessions_of_other_projects_stay_apart(backend: Backend) {
    let api = Api::team(backend).await;
    start(&api, "antigravity").await;
    api.create_project(&api.admin, json!({"name": "other"}))
        .await
        .created();
    let other = api.sessions(&api.admin, "other", "").await.ok();
    assert_eq!(other["sessions"], json!([]));
    api.sessions(&api.out, P, "").await.forbidden();
}

on_both_backends!(
    no_sessions_is_an_empty_list,
    sessions_show_agent_times_and_summary,
    sessions_honour_limit,
    sessions_of_other_projects_stay_apart,
);
