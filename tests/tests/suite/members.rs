//! The member registry: create, update, delete, tokens, and the last-admin guard.

use jc_hub::model::*;
use jc_hub::service::*;
use jc_tests::{Backend, Fixture, on_both_backends};

use crate::helpers::*;

fn new_member(name: &str) -> CreateMember {
    CreateMember {
        name: name.into(),
        kind: MemberKind::Agent,
        role: None,
        capabilities: None,
        admin: None,
    }
}

async fn find(f: &Fixture, name: &str) -> Option<Member> {
    let all = f.hub.list_members(&f.admin).await.expect("list members");
    all.members.into_iter().find(|m| m.name == name)
}

async fn create_member_stores_every_field(backend: Backend) {
    let f = Fixture::new(backend).await;
    let input = CreateMember {
        kind: MemberKind::Human,
        role: Some("Owner, Tech Lead".into()),
        capabilities: Some(vec![Capability {
            name: "code-review".into(),
            desc: "reviews PRs".into(),
        }]),
        admin: Some(true),
        ..new_member("fedor")
    };
    let created = f.hub.create_member(&f.admin, input).await.unwrap();
    assert!(created.token.starts_with("jc_"));
    assert!(created.config.bridge_toml.contains(&created.token));
    let m = find(&f, "fedor").await.expect("listed");
    assert_eq!(m, created.member);
    assert_eq!(m.kind, MemberKind::Human);
    assert_eq!(m.role, "Owner, Tech Lead");
    assert_eq!(m.capabilities[0].name, "code-review");
    assert_eq!(m.capabilities[0].desc, "reviews PRs");
    assert!(m.admin);
    let me = f.hub.authenticate(&created.token).await.unwrap();
    assert_eq!(me.name, "fedor");
}

async fn create_member_defaults(backend: Backend) {
    let f = Fixture::new(backend).await;
    let created = f
        .hub
        .create_member(&f.admin, new_member("scout"))
        .await
        .unwrap();
    let m = created.member;
    assert_eq!(m.role, "");
    assert!(m.capabilities.is_empty());
    assert!(!m.admin);
    let names: Vec<String> = f
        .hub
        .list_members(&f.admin)
        .await
        .unwrap()
        .members
        .into_iter()
        .map(|m| m.name)
        .collect();
    assert_eq!(names, ["admin", "scout"]);
}

async fn duplicate_member_name_conflicts(backend: Backend) {
    let f = Fixture::new(backend).await;
    f.member("copywriter").await;
    conflict(
        f.hub
            .create_member(&f.admin, new_member("copywriter"))
            .await,
    );
    conflict(f.hub.create_member(&f.admin, new_member("admin")).await);
    let count = f.hub.list_members(&f.admin).await.unwrap().members.len();
    assert_eq!(count, 2);
}

async fn create_member_checks_input(backend: Backend) {
    let f = Fixture::new(backend).await;
    for bad in [
        "",
        "Copywriter",
        "copy writer",
        "copy.writer",
        &"a".repeat(65),
    ] {
        validation(f.hub.create_member(&f.admin, new_member(bad)).await, "name");
    }
    f.hub
        .create_member(&f.admin, new_member(&"a".repeat(64)))
        .await
        .unwrap();
    let long_role = CreateMember {
        role: Some("r".repeat(201)),
        ..new_member("writer")
    };
    validation(f.hub.create_member(&f.admin, long_role).await, "role");
    let caps = (0..101)
        .map(|i| Capability {
            name: format!("c{i}"),
            desc: String::new(),
        })
        .collect();
    let too_many = CreateMember {
        capabilities: Some(caps),
        ..new_member("writer")
    };
    validation(
        f.hub.create_member(&f.admin, too_many).await,
        "capabilities",
    );
    let long_desc = CreateMember {
        capabilities: Some(vec![Capability {
            name: "x".into(),
            desc: "d".repeat(501),
        }]),
        ..new_member("writer")
    };
    validation(
        f.hub.create_member(&f.admin, long_desc).await,
        "capabilities.desc",
    );
    assert!(find(&f, "writer").await.is_none());
}

async fn admin_updates_a_member(backend: Backend) {
    let f = Fixture::new(backend).await;
    f.member("copywriter").await;
    let patch = UpdateMember {
        role: Some("Senior writer".into()),
        capabilities: Some(vec![Capability {
            name: "seo".into(),
            desc: String::new(),
        }]),
        kind: Some(MemberKind::Human),
        admin: Some(true),
    };
    let updated = f
        .hub
        .update_member(&f.admin, "copywriter", patch)
        .await
        .unwrap();
    let m = find(&f, "copywriter").await.unwrap();
    assert_eq!(m, updated);
    assert_eq!(m.role, "Senior writer");
    assert_eq!(m.capabilities.len(), 1);
    assert_eq!(m.kind, MemberKind::Human);
    assert!(m.admin);

    let role_only = UpdateMember {
        role: Some("Writer".into()),
        ..Default::default()
    };
    f.hub
        .update_member(&f.admin, "copywriter", role_only)
        .await
        .unwrap();
    let m = find(&f, "copywriter").await.unwrap();
    assert_eq!(m.role, "Writer");
    assert_eq!(m.capabilities.len(), 1, "untouched fields stay");
    assert!(m.admin);
}

async fn member_updates_own_profile_only(backend: Backend) {
    let f = Fixture::new(backend).await;
    let (cw, _) = f.member("copywriter").await;
    f.member("antigravity").await;
    let own = UpdateMember {
        role: Some("Writer".into()),
        ..Default::default()
    };
    f.hub.update_member(&cw, "copywriter", own).await.unwrap();
    assert_eq!(find(&f, "copywriter").await.unwrap().role, "Writer");

    let other = UpdateMember {
        role: Some("hijacked".into()),
        ..Default::default()
    };
    forbidden(f.hub.update_member(&cw, "antigravity", other).await);
    let promote = UpdateMember {
        admin: Some(true),
        ..Default::default()
    };
    forbidden(f.hub.update_member(&cw, "copywriter", promote).await);
    let kind = UpdateMember {
        kind: Some(MemberKind::Human),
        ..Default::default()
    };
    forbidden(f.hub.update_member(&cw, "copywriter", kind).await);
    let m = find(&f, "copywriter").await.unwrap();
    assert!(!m.admin);
    assert_eq!(m.kind, MemberKind::Agent);
    assert_eq!(
        find(&f, "antigravity").await.unwrap().role,
        "antigravity role"
    );
}

async fn update_member_needs_a_change_and_a_member(backend: Backend) {
    let f = Fixture::new(backend).await;
    f.member("copywriter").await;
    validation(
        f.hub
            .update_member(&f.admin, "copywriter", UpdateMember::default())
            .await,
        "role",
    );
    let patch = UpdateMember {
        role: Some("x".into()),
        ..Default::default()
    };
    not_found(f.hub.update_member(&f.admin, "ghost", patch).await);
}

async fn delete_member_clears_assignments_and_keeps_history(backend: Backend) {
    let t = team(backend).await;
    let cw_token = t.hub.rotate_token(&t.cw, "copywriter").await.unwrap().token;
    let input = AddTask {
        assignee: Some("copywriter".into()),
        ..task("assigned to cw")
    };
    t.hub.add_task(&t.ag, input).await.unwrap();
    t.hub.add_task(&t.cw, task("created by cw")).await.unwrap();
    t.hub
        .post_message(&t.cw, message("antigravity", "from cw"))
        .await
        .unwrap();
    t.hub.start(&t.cw, starting()).await.unwrap();
    t.hub
        .remember(&t.cw, memo(Category::Term, "PSR", "x"))
        .await
        .unwrap();
    t.hub.recall(&t.cw, recalling("PSR")).await.unwrap();

    let done = t.hub.delete_member(&t.f.admin, "copywriter").await.unwrap();
    assert!(done.deleted.contains("copywriter"));

    assert!(find(&t.f, "copywriter").await.is_none());
    unauthorized(t.hub.authenticate(&cw_token).await);
    let members = t.hub.project_members(&t.ag, here()).await.unwrap();
    assert!(members.members.iter().all(|m| m.name != "copywriter"));

    let kb1 = t.hub.get_task(&t.ag, tref("KB-1")).await.unwrap().task;
    assert_eq!(kb1.assignee, None, "assignment cleared");
    let kb2 = t.hub.get_task(&t.ag, tref("KB-2")).await.unwrap().task;
    assert_eq!(kb2.created_by, "copywriter", "history keeps the name");
    let inbox = t.hub.get_messages(&t.ag, inbox()).await.unwrap();
    assert_eq!(inbox.messages[0].sender, "copywriter");
    let sessions = ListSessions {
        project: p(),
        limit: None,
    };
    let sessions = t.hub.list_sessions(&t.ag, sessions).await.unwrap();
    assert_eq!(sessions.sessions[0].agent, "copywriter");
    let memory = t.hub.recall(&t.ag, recalling("PSR")).await.unwrap();
    assert_eq!(memory.created_by, "copywriter");
    assert_eq!(memory.usage_count, 2, "global usage survives");
    let usage = t.sql_i64("select count(*) from memory_usage").await;
    assert_eq!(usage, 1, "only antigravity's per-member usage remains");
    let tokens = t.sql_i64("select count(*) from api_tokens").await;
    let live_members = t.sql_i64("select count(*) from members").await;
    assert_eq!(tokens, live_members, "its tokens are gone");
}

async fn delete_missing_member_is_not_found(backend: Backend) {
    let f = Fixture::new(backend).await;
    not_found(f.hub.delete_member(&f.admin, "ghost").await);
}

async fn rotate_token_revokes_the_old_one(backend: Backend) {
    let f = Fixture::new(backend).await;
    let (_, old) = f.member("copywriter").await;
    assert_eq!(f.hub.authenticate(&old).await.unwrap().name, "copywriter");
    let rotated = f.hub.rotate_token(&f.admin, "copywriter").await.unwrap();
    assert_eq!(rotated.member, "copywriter");
    assert_ne!(rotated.token, old);
    unauthorized(f.hub.authenticate(&old).await);
    let me = f.hub.authenticate(&rotated.token).await.unwrap();
    assert_eq!(me.name, "copywriter");

    let again = f.hub.rotate_token(&f.admin, "copywriter").await.unwrap();
    unauthorized(f.hub.authenticate(&rotated.token).await);
    assert_eq!(
        f.hub.authenticate(&again.token).await.unwrap().name,
        "copywriter"
    );
    // Other members' tokens are untouched.
    let admin = f.hub.authenticate(&f.admin_token).await.unwrap();
    assert_eq!(admin.name, "admin");
}

async fn member_rotates_only_its_own_token(backend: Backend) {
    let f = Fixture::new(backend).await;
    let (cw, cw_token) = f.member("copywriter").await;
    let (_, ag_token) = f.member("antigravity").await;
    forbidden(f.hub.rotate_token(&cw, "antigravity").await);
    assert_eq!(
        f.hub.authenticate(&ag_token).await.unwrap().name,
        "antigravity"
    );
    let own = f.hub.rotate_token(&cw, "copywriter").await.unwrap();
    unauthorized(f.hub.authenticate(&cw_token).await);
    assert_eq!(
        f.hub.authenticate(&own.token).await.unwrap().name,
        "copywriter"
    );
    not_found(f.hub.rotate_token(&f.admin, "ghost").await);
}

async fn unknown_tokens_are_unauthorized(backend: Backend) {
    let f = Fixture::new(backend).await;
    unauthorized(f.hub.authenticate("jc_nope").await);
    unauthorized(f.hub.authenticate("").await);
    let upper = f.admin_token.to_uppercase();
    unauthorized(f.hub.authenticate(&upper).await);
}

async fn last_admin_cannot_be_deleted(backend: Backend) {
    let f = Fixture::new(backend).await;
    f.member("copywriter").await;
    let message = conflict(f.hub.delete_member(&f.admin, "admin").await);
    assert!(message.contains("admin"), "{message}");
    let admin = f.hub.authenticate(&f.admin_token).await.unwrap();
    assert!(admin.admin);
}

async fn last_admin_cannot_be_demoted(backend: Backend) {
    let f = Fixture::new(backend).await;
    let demote = UpdateMember {
        admin: Some(false),
        ..Default::default()
    };
    conflict(f.hub.update_member(&f.admin, "admin", demote).await);
    assert!(find(&f, "admin").await.unwrap().admin);
}

async fn an_admin_can_go_once_another_exists(backend: Backend) {
    let f = Fixture::new(backend).await;
    let promoted = CreateMember {
        admin: Some(true),
        ..new_member("boss")
    };
    let boss = f.hub.create_member(&f.admin, promoted).await.unwrap();
    let boss = Caller::new(boss.member);
    f.hub.delete_member(&boss, "admin").await.unwrap();
    unauthorized(f.hub.authenticate(&f.admin_token).await);
    conflict(f.hub.delete_member(&boss, "boss").await);
    assert_eq!(f.hub.first_admin().await.unwrap().name, "boss");
}

async fn ensure_admin_runs_once(backend: Backend) {
    let f = Fixture::new(backend).await;
    assert!(f.hub.ensure_admin().await.unwrap().is_none());
    let admins: Vec<String> = f
        .hub
        .list_members(&f.admin)
        .await
        .unwrap()
        .members
        .into_iter()
        .filter(|m| m.admin)
        .map(|m| m.name)
        .collect();
    assert_eq!(admins, ["admin"]);
}

async fn non_admin_cannot_manage_members(backend: Backend) {
    let f = Fixture::new(backend).await;
    let (cw, _) = f.member("copywriter").await;
    f.member("antigravity").await;
    forbidden(f.hub.create_member(&cw, new_member("sneaky")).await);
    forbidden(f.hub.delete_member(&cw, "antigravity").await);
    forbidden(f.hub.delete_member(&cw, "admin").await);
    assert!(find(&f, "sneaky").await.is_none());
    assert!(find(&f, "antigravity").await.is_some());
    // Reading the registry is open to every member.
    assert_eq!(f.hub.list_members(&cw).await.unwrap().members.len(), 3);
}

on_both_backends!(
    create_member_stores_every_field,
    create_member_defaults,
    duplicate_member_name_conflicts,
    create_member_checks_input,
    admin_updates_a_member,
    member_updates_own_profile_only,
    update_member_needs_a_change_and_a_member,
    delete_member_clears_assignments_and_keeps_history,
    delete_missing_member_is_not_found,
    rotate_token_revokes_the_old_one,
    member_rotates_only_its_own_token,
    unknown_tokens_are_unauthorized,
    last_admin_cannot_be_deleted,
    last_admin_cannot_be_demoted,
    an_admin_can_go_once_another_exists,
    ensure_admin_runs_once,
    non_admin_cannot_manage_members,
);
