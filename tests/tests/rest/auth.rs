//! Identity (SPEC §2): bearer tokens, rotation and revocation, `X-JC-Project`,
//! `--auth off` with `X-JC-Agent`, and `JC_ADMIN_TOKEN`.

use jc_hub::http::AuthMode;
use jc_tests::{Backend, on_both_backends};
use reqwest::Method;
use serde_json::json;

use crate::helpers::*;

async fn missing_token_is_401(backend: Backend) {
    let api = Api::team(backend).await;
    api.send(Method::GET, "/api/projects", None, Body::None)
        .await
        .unauthorized()
        .says(&["Authorization: Bearer"]);
    api.still_serves().await;
}

async fn wrong_token_is_401(backend: Backend) {
    let api = Api::team(backend).await;
    let wrong = format!("{}0", api.ag);
    api.projects(&wrong).await.unauthorized().says(&["token"]);
    api.projects("jc_0000").await.unauthorized();
    api.still_serves().await;
}

async fn other_auth_schemes_are_401(backend: Backend) {
    let api = Api::team(backend).await;
    for header in [
        format!("Basic {}", api.ag),
        api.ag.clone(),
        "Bearer".to_string(),
        "Bearer ".to_string(),
    ] {
        call(
            api.request(Method::GET, "/api/me", None)
                .header("authorization", header),
        )
        .await
        .unauthorized();
    }
    // The scheme is case-insensitive.
    let me = call(
        api.request(Method::GET, "/api/me", None)
            .header("authorization", format!("bearer {}", api.ag)),
    )
    .await
    .ok();
    assert_eq!(me["name"], "antigravity");
}

async fn every_api_route_needs_a_token(backend: Backend) {
    let api = Api::team(backend).await;
    let routes = [
        (Method::GET, "/api/me".to_string()),
        (Method::GET, "/api/projects".into()),
        (Method::POST, "/api/projects".into()),
        (Method::DELETE, format!("/api/projects/{P}")),
        (Method::GET, format!("/api/projects/{P}/state")),
        (Method::GET, format!("/api/projects/{P}/tasks")),
        (Method::POST, format!("/api/projects/{P}/tasks")),
        (Method::GET, format!("/api/projects/{P}/tasks/KB-1")),
        (Method::PATCH, format!("/api/projects/{P}/tasks/KB-1")),
        (Method::DELETE, format!("/api/projects/{P}/tasks/KB-1")),
        (Method::GET, format!("/api/projects/{P}/tasks/KB-1/history")),
        (Method::GET, format!("/api/projects/{P}/events")),
        (Method::GET, format!("/api/projects/{P}/context")),
        (Method::PUT, format!("/api/projects/{P}/context/k")),
        (Method::DELETE, format!("/api/projects/{P}/context/k")),
        (Method::GET, format!("/api/projects/{P}/messages")),
        (Method::POST, format!("/api/projects/{P}/messages")),
        (Method::GET, format!("/api/projects/{P}/sessions")),
        (Method::GET, format!("/api/projects/{P}/memories")),
        (
            Method::GET,
            format!("/api/projects/{P}/memories/search?q=a"),
        ),
        (Method::GET, "/api/memories/global".into()),
        (Method::GET, "/api/members".into()),
        (Method::POST, "/api/members".into()),
        (Method::PATCH, "/api/members/antigravity".into()),
        (Method::DELETE, "/api/members/antigravity".into()),
        (Method::POST, "/api/members/antigravity/token".into()),
        (Method::GET, format!("/api/projects/{P}/members")),
        (Method::POST, format!("/api/projects/{P}/members")),
        (
            Method::DELETE,
            format!("/api/projects/{P}/members/antigravity"),
        ),
    ];
    for (method, path) in routes {
        let body = match method {
            Method::GET | Method::DELETE => Body::None,
            _ => Body::Json(json!({"name": "x", "title": "x", "value": 1})),
        };
        let e = api.send(method.clone(), &path, None, body).await;
        assert_eq!(e.status, 401, "{method} {path} without a token: {}", e.text);
        e.unauthorized();
    }
    // None of those anonymous writes landed.
    assert_eq!(api.project_names(&api.admin).await, vec![P.to_string()]);
    assert!(api.task_refs(&api.ag).await.is_empty());
    assert_eq!(
        api.member_names().await,
        ["admin", "antigravity", "copywriter", "outsider"]
    );
}

async fn me_is_the_caller(backend: Backend) {
    let api = Api::team(backend).await;
    let me = api.me(&api.ag).await.ok();
    assert_eq!(me["name"], "antigravity");
    assert_eq!(me["kind"], "agent");
    assert_eq!(me["admin"], false);
    assert_eq!(me["role"], "antigravity role");
    assert!(me.get("id").is_none(), "internal ids stay inside: {me}");
    assert!(!me.to_string().contains(&api.ag), "no token in /api/me");
    let admin = api.me(&api.admin).await.ok();
    assert_eq!(admin["name"], "admin");
    assert_eq!(admin["admin"], true);
}

async fn member_rotates_own_token_and_the_old_one_is_revoked(backend: Backend) {
    let api = Api::team(backend).await;
    let rotated = api.rotate_token(&api.ag, "antigravity").await.ok();
    assert_eq!(rotated["member"], "antigravity");
    let new = str_of(&rotated["token"]);
    assert!(new.starts_with("jc_"), "{new}");
    assert_ne!(new, api.ag);
    api.me(&api.ag).await.unauthorized().says(&["revoked"]);
    let me = api.me(&new).await.ok();
    assert_eq!(me["name"], "antigravity");
    // The new token works for real work, and writes are authored by the member.
    let task = api
        .create_task(&new, P, json!({"title": "After rotation"}))
        .await
        .created();
    assert_eq!(task["created_by"], "antigravity");
}

async fn admin_rotates_another_members_token(backend: Backend) {
    let api = Api::team(backend).await;
    let rotated = api.rotate_token(&api.admin, "copywriter").await.ok();
    let new = str_of(&rotated["token"]);
    api.me(&api.cw).await.unauthorized();
    assert_eq!(api.me(&new).await.ok()["name"], "copywriter");
    // The admin's own token is untouched.
    assert_eq!(api.me(&api.admin).await.ok()["name"], "admin");
}

async fn member_cannot_rotate_another_members_token(backend: Backend) {
    let api = Api::team(backend).await;
    api.rotate_token(&api.ag, "copywriter")
        .await
        .forbidden()
        .says(&["admin"]);
    assert_eq!(api.me(&api.cw).await.ok()["name"], "copywriter");
}

async fn rotating_an_unknown_member_is_404(backend: Backend) {
    let api = Api::team(backend).await;
    let before = api
        .th
        .fixture
        .sql_i64("select count(*) from api_tokens")
        .await;
    api.rotate_token(&api.admin, "nobody")
        .await
        .not_found()
        .says(&["nobody"]);
    let after = api
        .th
        .fixture
        .sql_i64("select count(*) from api_tokens")
        .await;
    assert_eq!(after, before);
    api.still_serves().await;
}

async fn x_jc_project_does_not_redirect_rest_calls(backend: Backend) {
    let api = Api::team(backend).await;
    api.create_project(&api.admin, json!({"name": "other"}))
        .await
        .created();
    // antigravity is not in `other`; the header naming it must not matter on REST paths.
    for header in ["other", "ghost", "", "  ", "Not A Slug!"] {
        let r = call(
            api.request(
                Method::POST,
                &format!("/api/projects/{P}/tasks"),
                Some(&api.ag),
            )
            .header("x-jc-project", header)
            .json(&json!({"title": format!("with header {header:?}")})),
        )
        .await
        .created();
        assert!(str_of(&r["ref"]).starts_with("KB-"), "{r}");
        let list = call(
            api.request(
                Method::GET,
                &format!("/api/projects/{P}/tasks"),
                Some(&api.ag),
            )
            .header("x-jc-project", header),
        )
        .await
        .ok();
        assert!(!list["tasks"].as_array().unwrap().is_empty());
    }
    assert_eq!(api.task_refs(&api.ag).await.len(), 5);
    let other = api.tasks(&api.admin, "other", "").await.ok();
    assert_eq!(other["total"], 0);
    // And it opens no door: the outsider naming kaoru-bot is still refused.
    call(
        api.request(
            Method::GET,
            &format!("/api/projects/{P}/tasks"),
            Some(&api.out),
        )
        .header("x-jc-project", P),
    )
    .await
    .forbidden();
}

async fn body_project_field_does_not_redirect_a_task(backend: Backend) {
    let api = Api::team(backend).await;
    api.create_project(&api.admin, json!({"name": "other"}))
        .await
        .created();
    let task = api
        .create_task(&api.ag, P, json!({"title": "Here", "project": "other"}))
        .await
        .created();
    assert_eq!(task["ref"], "KB-1");
    assert_eq!(api.task_refs(&api.ag).await, ["KB-1"]);
    assert_eq!(api.tasks(&api.admin, "other", "").await.ok()["total"], 0);
}

async fn auth_off_acts_as_the_named_member(backend: Backend) {
    let api = Api::team_with(backend, AuthMode::Off, None).await;
    let as_ag = |m: Method, path: &str| {
        api.request(m, path, None)
            .header("x-jc-agent", "antigravity")
    };
    let me = call(as_ag(Method::GET, "/api/me")).await.ok();
    assert_eq!(me["name"], "antigravity");
    let task = call(
        as_ag(Method::POST, &format!("/api/projects/{P}/tasks")).json(&json!({"title": "Off"})),
    )
    .await
    .created();
    assert_eq!(task["created_by"], "antigravity");
    // Membership still applies: the outsider is refused, a non-admin cannot create projects.
    call(
        api.request(Method::GET, &format!("/api/projects/{P}/tasks"), None)
            .header("x-jc-agent", "outsider"),
    )
    .await
    .forbidden();
    call(as_ag(Method::POST, "/api/projects").json(&json!({"name": "nope"})))
        .await
        .forbidden();
    let made = call(
        api.request(Method::POST, "/api/projects", None)
            .header("x-jc-agent", "admin")
            .json(&json!({"name": "yes"})),
    )
    .await
    .created();
    assert_eq!(made["created_by"], "admin");
}

async fn auth_off_without_x_jc_agent_is_401(backend: Backend) {
    let api = Api::team_with(backend, AuthMode::Off, None).await;
    api.send(Method::GET, "/api/me", None, Body::None)
        .await
        .unauthorized()
        .says(&["X-JC-Agent"]);
    // A token is not a name: with auth off only X-JC-Agent identifies.
    api.me(&api.admin)
        .await
        .unauthorized()
        .says(&["X-JC-Agent"]);
    call(
        api.request(Method::GET, "/api/me", None)
            .header("x-jc-agent", "nobody"),
    )
    .await
    .unauthorized()
    .says(&["nobody"]);
    assert_eq!(api.th.hub().store().list_members().await.unwrap().len(), 4);
}

async fn jc_admin_token_acts_as_the_first_admin(backend: Backend) {
    let secret = "jc-admin-token-from-the-environment";
    let api = Api::team_with(backend, AuthMode::On, Some(secret)).await;
    let me = api.me(secret).await.ok();
    assert_eq!(me["name"], "admin");
    assert_eq!(me["admin"], true);
    let made = api
        .create_project(secret, json!({"name": "docker"}))
        .await
        .created();
    assert_eq!(made["created_by"], "admin");
    assert!(
        api.project_names(secret)
            .await
            .contains(&"docker".to_string())
    );
    let created = api
        .create_member(secret, json!({"name": "ci-bot", "kind": "agent"}))
        .await
        .created();
    assert_eq!(
        api.me(&str_of(&created["token"])).await.ok()["name"],
        "ci-bot"
    );
    // The stored admin token keeps working; near misses do not.
    assert_eq!(api.me(&api.admin).await.ok()["name"], "admin");
    api.me(&format!("{secret}x")).await.unauthorized();
}

async fn without_jc_admin_token_that_value_is_just_a_wrong_token(backend: Backend) {
    let api = Api::team(backend).await;
    api.me("jc-admin-token-from-the-environment")
        .await
        .unauthorized();
}

on_both_backends!(
    missing_token_is_401,
    wrong_token_is_401,
    other_auth_schemes_are_401,
    every_api_route_needs_a_token,
    me_is_the_caller,
    member_rotates_own_token_and_the_old_one_is_revoked,
    admin_rotates_another_members_token,
    member_cannot_rotate_another_members_token,
    rotating_an_unknown_member_is_404,
    x_jc_project_does_not_redirect_rest_calls,
    body_project_field_does_not_redirect_a_task,
    auth_off_acts_as_the_named_member,
    auth_off_without_x_jc_agent_is_401,
    jc_admin_token_acts_as_the_first_admin,
    without_jc_admin_token_that_value_is_just_a_wrong_token,
);
