//! The member registry (create with a one-time token and connection config, update,
//! delete) and project membership.

use jc_tests::{Backend, on_both_backends};
use serde_json::json;

use crate::helpers::*;

async fn members_are_listed_without_secrets(backend: Backend) {
    let api = Api::team(backend).await;
    let list = api.members(&api.out).await.ok();
    assert_eq!(
        names(&list["members"]),
        ["admin", "antigravity", "copywriter", "outsider"]
    );
    let text = list.to_string();
    for token in [&api.admin, &api.ag, &api.cw, &api.out] {
        assert!(
            !text.contains(token.as_str()),
            "a token leaked into /api/members"
        );
    }
    assert!(!text.contains("token"), "{text}");
    assert!(list["members"][0].get("id").is_none());
}

async fn create_member_returns_token_and_config(backend: Backend) {
    let api = Api::team(backend).await;
    let created = api
        .create_member(
            &api.admin,
            json!({
                "name": "researcher",
                "kind": "agent",
                "role": "Market research",
                "capabilities": [{"name": "web-search", "desc": "finds sources"}],
            }),
        )
        .await
        .created();
    let member = &created["member"];
    assert_eq!(member["name"], "researcher");
    assert_eq!(member["kind"], "agent");
    assert_eq!(member["role"], "Market research");
    assert_eq!(member["admin"], false);
    assert_eq!(
        member["capabilities"],
        json!([{"name": "web-search", "desc": "finds sources"}])
    );
    let token = str_of(&created["token"]);
    assert!(token.starts_with("jc_") && token.len() > 40, "{token}");
    // The token authenticates at once.
    assert_eq!(api.me(&token).await.ok()["name"], "researcher");

    let config = &created["config"];
    let toml = str_of(&config["bridge_toml"]);
    let hub_url = api.th.hub().info().public_url.clone();
    assert!(toml.contains(&format!("hub_url = \"{hub_url}\"")), "{toml}");
    assert!(toml.contains(&format!("token = \"{token}\"")), "{toml}");
    let command = str_of(&config["claude_command"]);
    assert!(
        command.contains("claude mcp add") && command.contains("jc-bridge"),
        "{command}"
    );
    let entry = config["mcp_servers"]
        .as_object()
        .and_then(|servers| servers.values().next())
        .unwrap_or_else(|| panic!("one mcpServers entry: {config}"));
    let url = str_of(&entry["url"]);
    assert!(url.starts_with(&hub_url) && url.ends_with("/mcp"), "{url}");
    assert_eq!(entry["headers"]["Authorization"], format!("Bearer {token}"));
}

async fn the_token_is_shown_only_once(backend: Backend) {
    let api = Api::team(backend).await;
    let created = api
        .create_member(&api.admin, json!({"name": "once", "kind": "human"}))
        .await
        .created();
    let token = str_of(&created["token"]);
    let list = api.members(&api.admin).await.ok();
    assert!(!list.to_string().contains(&token));
    let me = api.me(&token).await.ok();
    assert!(!me.to_string().contains(&token));
    assert_eq!(me["kind"], "human");
}

async fn an_admin_member_can_administer(backend: Backend) {
    let api = Api::team(backend).await;
    let created = api
        .create_member(
            &api.admin,
            json!({"name": "ops", "kind": "human", "admin": true}),
        )
        .await
        .created();
    assert_eq!(created["member"]["admin"], true);
    let ops = str_of(&created["token"]);
    api.create_project(&ops, json!({"name": "ops-room"}))
        .await
        .created();
}

async fn tokens(api: &Api) -> i64 {
    api.th
        .fixture
        .sql_i64("select count(*) from api_tokens")
        .await
}

async fn duplicate_member_is_409(backend: Backend) {
    let api = Api::team(backend).await;
    let before = tokens(&api).await;
    api.create_member(&api.admin, json!({"name": "copywriter", "kind": "agent"}))
        .await
        .conflict()
        .says(&["copywriter", "already exists"]);
    assert_eq!(api.member_names().await.len(), 4);
    assert_eq!(tokens(&api).await, before, "no orphan token was stored");
    // The existing member's token still works: nothing was replaced.
    assert_eq!(api.me(&api.cw).await.ok()["name"], "copywriter");
}

async fn racing_duplicate_creates_give_one_201_and_409s(backend: Backend) {
    let api = Api::team(backend).await;
    let creates =
        (0..6).map(|_| api.create_member(&api.admin, json!({"name": "twin", "kind": "agent"})));
    let results = futures::future::join_all(creates).await;
    let statuses: Vec<u16> = results.iter().map(|r| r.status.as_u16()).collect();
    assert_eq!(
        statuses.iter().filter(|s| **s == 201).count(),
        1,
        "{statuses:?}"
    );
    for r in results.into_iter().filter(|r| r.status != 201) {
        r.conflict();
    }
    let names = api.member_names().await;
    assert_eq!(names.iter().filter(|n| *n == "twin").count(), 1);
    assert_eq!(tokens(&api).await, 5, "one token per member");
}

async fn non_admin_cannot_create_a_member(backend: Backend) {
    let api = Api::team(backend).await;
    api.create_member(&api.ag, json!({"name": "sidekick", "kind": "agent"}))
        .await
        .forbidden()
        .says(&["admin"]);
    assert!(!api.member_names().await.contains(&"sidekick".to_string()));
}

async fn invalid_member_input_is_422(backend: Backend) {
    let api = Api::team(backend).await;
    let cases = [
        (json!({"name": "bot"}), "kind", "missing"),
        (
            json!({"name": "bot", "kind": "robot"}),
            "kind",
            "agent, human",
        ),
        (json!({"name": "Bot", "kind": "agent"}), "name", "lowercase"),
        (json!({"name": "a b", "kind": "agent"}), "name", "lowercase"),
        (
            json!({"name": "x".repeat(65), "kind": "agent"}),
            "name",
            "1-64",
        ),
        (json!({"kind": "agent"}), "name", "missing"),
        (
            json!({"name": "bot", "kind": "agent", "admin": "yes"}),
            "admin",
            "boolean",
        ),
        (
            json!({"name": "bot", "kind": "agent", "token": "jc_mine"}),
            "token",
            "unknown field",
        ),
        (
            json!({"name": "bot", "kind": "agent", "role": "r".repeat(201)}),
            "role",
            "too long",
        ),
        (
            json!({"name": "bot", "kind": "agent", "capabilities": [{"desc": "no name"}]}),
            "capabilities[0].name",
            "missing",
        ),
        (
            json!({"name": "bot", "kind": "agent", "capabilities": [{"name": " "}]}),
            "capabilities.name",
            "empty",
        ),
    ];
    for (body, field, hint) in cases {
        api.create_member(&api.admin, body)
            .await
            .invalid(field)
            .says(&[hint]);
    }
    assert_eq!(api.member_names().await.len(), 4);
}

async fn admin_updates_a_member(backend: Backend) {
    let api = Api::team(backend).await;
    let updated = api
        .patch_member(
            &api.admin,
            "antigravity",
            json!({
                "role": "Tech Lead",
                "capabilities": [{"name": "systematic-debugging", "desc": ""}],
                "kind": "human",
                "admin": true,
            }),
        )
        .await
        .ok();
    assert_eq!(updated["role"], "Tech Lead");
    let me = api.me(&api.ag).await.ok();
    assert_eq!(me["role"], "Tech Lead");
    assert_eq!(me["kind"], "human");
    assert_eq!(me["admin"], true);
    assert_eq!(me["capabilities"][0]["name"], "systematic-debugging");
    // Now an admin, antigravity may create projects.
    api.create_project(&api.ag, json!({"name": "promoted"}))
        .await
        .created();
}

async fn member_updates_own_role_but_not_own_rank(backend: Backend) {
    let api = Api::team(backend).await;
    api.patch_member(&api.ag, "antigravity", json!({"role": "Builder"}))
        .await
        .ok();
    assert_eq!(api.me(&api.ag).await.ok()["role"], "Builder");
    api.patch_member(&api.ag, "antigravity", json!({"admin": true}))
        .await
        .forbidden()
        .says(&["admin"]);
    api.patch_member(&api.ag, "antigravity", json!({"kind": "human"}))
        .await
        .forbidden();
    api.patch_member(&api.ag, "copywriter", json!({"role": "Minion"}))
        .await
        .forbidden();
    let me = api.me(&api.ag).await.ok();
    assert_eq!(me["admin"], false);
    assert_eq!(me["kind"], "agent");
    assert_eq!(api.me(&api.cw).await.ok()["role"], "copywriter role");
}

async fn bad_member_updates_are_refused(backend: Backend) {
    let api = Api::team(backend).await;
    api.patch_member(&api.admin, "nobody", json!({"role": "x"}))
        .await
        .not_found()
        .says(&["nobody"]);
    api.patch_member(&api.admin, "antigravity", json!({}))
        .await
        .error(422, "validation")
        .says(&["nothing to update"]);
    api.patch_member(&api.admin, "antigravity", json!({"kind": "robot"}))
        .await
        .invalid("kind")
        .says(&["agent, human"]);
    api.patch_member(&api.admin, "antigravity", json!({"name": "renamed"}))
        .await
        .invalid("name");
    api.patch_member(&api.admin, "antigravity", json!({"role": "r".repeat(201)}))
        .await
        .invalid("role");
    assert_eq!(api.me(&api.ag).await.ok()["role"], "antigravity role");
}

async fn the_last_admin_cannot_step_down(backend: Backend) {
    let api = Api::team(backend).await;
    api.patch_member(&api.admin, "admin", json!({"admin": false}))
        .await
        .conflict()
        .says(&["admin"]);
    api.delete_member(&api.admin, "admin")
        .await
        .conflict()
        .says(&["admin"]);
    assert_eq!(api.me(&api.admin).await.ok()["admin"], true);
}

async fn delete_member_revokes_access_and_keeps_history(backend: Backend) {
    let api = Api::team(backend).await;
    api.create_task(
        &api.cw,
        P,
        json!({"title": "Copy", "assignee": "copywriter"}),
    )
    .await
    .created();
    api.message(&api.cw, "antigravity", "handing over").await;
    let deleted = api.delete_member(&api.admin, "copywriter").await.ok();
    assert!(
        str_of(&deleted["deleted"]).contains("copywriter"),
        "{deleted}"
    );
    assert!(!api.member_names().await.contains(&"copywriter".to_string()));
    api.me(&api.cw).await.unauthorized();
    let members = api.project_members(&api.ag, P).await.ok();
    assert_eq!(names(&members["members"]), ["admin", "antigravity"]);
    // History keeps the name; the task is no longer assigned to a ghost.
    let task = api.task(&api.ag, P, "KB-1").await.ok();
    assert_eq!(task["created_by"], "copywriter");
    assert_eq!(task["assignee"], json!(null));
    let list = api.messages(&api.ag, P, "").await.ok();
    assert_eq!(list["messages"][0]["sender"], "copywriter");
    // The name may be registered again, with a fresh token.
    let again = api
        .create_member(&api.admin, json!({"name": "copywriter", "kind": "agent"}))
        .await
        .created();
    assert_ne!(str_of(&again["token"]), api.cw);
}

async fn bad_member_deletes_are_refused(backend: Backend) {
    let api = Api::team(backend).await;
    api.delete_member(&api.ag, "copywriter")
        .await
        .forbidden()
        .says(&["admin"]);
    api.delete_member(&api.admin, "nobody")
        .await
        .not_found()
        .says(&["nobody"]);
    assert_eq!(api.member_names().await.len(), 4);
    assert_eq!(api.me(&api.cw).await.ok()["name"], "copywriter");
}

async fn project_members_lists_the_team(backend: Backend) {
    let api = Api::team(backend).await;
    let list = api.project_members(&api.cw, P).await.ok();
    assert_eq!(
        names(&list["members"]),
        ["admin", "antigravity", "copywriter"]
    );
    assert_eq!(list["members"][1]["kind"], "agent");
    assert_eq!(list["members"][1]["role"], "antigravity role");
    assert!(list["members"][1]["capabilities"].is_array());
}

async fn add_project_member_grants_access(backend: Backend) {
    let api = Api::team(backend).await;
    api.tasks(&api.out, P, "").await.forbidden();
    let added = api
        .add_project_member(&api.admin, P, "outsider")
        .await
        .created();
    assert_eq!(added["name"], "outsider");
    api.tasks(&api.out, P, "").await.ok();
    assert_eq!(api.project_names(&api.out).await, [P]);
    // Adding again changes nothing.
    api.add_project_member(&api.admin, P, "outsider")
        .await
        .created();
    let list = api.project_members(&api.ag, P).await.ok();
    assert_eq!(
        names(&list["members"]),
        ["admin", "antigravity", "copywriter", "outsider"]
    );
}

async fn bad_project_member_adds_are_refused(backend: Backend) {
    let api = Api::team(backend).await;
    api.add_project_member(&api.ag, P, "outsider")
        .await
        .forbidden()
        .says(&["admin"]);
    api.add_project_member(&api.admin, P, "nobody")
        .await
        .not_found()
        .says(&["nobody", "POST /api/members"]);
    api.add_project_member(&api.admin, P, "Not Valid")
        .await
        .invalid("member");
    api.post(
        &api.admin,
        &format!("/api/projects/{P}/members"),
        json!({"name": "outsider"}),
    )
    .await
    .invalid("name");
    api.post(&api.admin, &format!("/api/projects/{P}/members"), json!({}))
        .await
        .invalid("member")
        .says(&["missing"]);
    let list = api.project_members(&api.ag, P).await.ok();
    assert_eq!(list["members"].as_array().unwrap().len(), 3);
}

async fn remove_project_member_revokes_access(backend: Backend) {
    let api = Api::team(backend).await;
    api.create_task(
        &api.ag,
        P,
        json!({"title": "Copy", "assignee": "copywriter"}),
    )
    .await
    .created();
    let removed = api
        .remove_project_member(&api.admin, P, "copywriter")
        .await
        .ok();
    assert!(
        str_of(&removed["deleted"]).contains("copywriter"),
        "{removed}"
    );
    api.tasks(&api.cw, P, "").await.forbidden();
    let list = api.project_members(&api.ag, P).await.ok();
    assert_eq!(names(&list["members"]), ["admin", "antigravity"]);
    assert_eq!(
        api.task(&api.ag, P, "KB-1").await.ok()["assignee"],
        json!(null)
    );
    // Still a registered member, just not on this project.
    assert!(api.member_names().await.contains(&"copywriter".to_string()));
    api.remove_project_member(&api.admin, P, "copywriter")
        .await
        .not_found()
        .says(&["not a member"]);
}

async fn bad_project_member_removals_are_refused(backend: Backend) {
    let api = Api::team(backend).await;
    api.remove_project_member(&api.ag, P, "copywriter")
        .await
        .forbidden();
    api.remove_project_member(&api.admin, P, "outsider")
        .await
        .not_found();
    api.remove_project_member(&api.admin, P, "nobody")
        .await
        .not_found();
    let list = api.project_members(&api.ag, P).await.ok();
    assert_eq!(list["members"].as_array().unwrap().len(), 3);
}

on_both_backends!(
    members_are_listed_without_secrets,
    create_member_returns_token_and_config,
    the_token_is_shown_only_once,
    an_admin_member_can_administer,
    duplicate_member_is_409,
    racing_duplicate_creates_give_one_201_and_409s,
    non_admin_cannot_create_a_member,
    invalid_member_input_is_422,
    admin_updates_a_member,
    member_updates_own_role_but_not_own_rank,
    bad_member_updates_are_refused,
    the_last_admin_cannot_step_down,
    delete_member_revokes_access_and_keeps_history,
    bad_member_deletes_are_refused,
    project_members_lists_the_team,
    add_project_member_grants_access,
    bad_project_member_adds_are_refused,
    remove_project_member_revokes_access,
    bad_project_member_removals_are_refused,
);
