//! Projects: creation and task keys, listing, deletion, membership.

use jc_hub::service::*;
use jc_tests::{Backend, Fixture, on_both_backends};

use crate::helpers::*;

fn new_project(name: &str, key: Option<&str>) -> CreateProject {
    CreateProject {
        name: name.into(),
        key: key.map(str::to_string),
        description: None,
    }
}

fn deleting(project: &str, confirm: &str) -> DeleteProject {
    DeleteProject {
        project: project.into(),
        confirm: confirm.into(),
    }
}

fn is_task_key(key: &str) -> bool {
    (2..=6).contains(&key.len()) && key.bytes().all(|b| b.is_ascii_uppercase())
}

async fn project_names(f: &Fixture, caller: &Caller) -> Vec<String> {
    f.hub
        .list_projects(caller)
        .await
        .expect("list projects")
        .projects
        .into_iter()
        .map(|p| p.project.name)
        .collect()
}

async fn create_project_derives_the_key(backend: Backend) {
    let f = Fixture::new(backend).await;
    let input = CreateProject {
        description: Some("Telegram bot".into()),
        ..new_project("kaoru-bot", None)
    };
    let p = f.hub.create_project(&f.admin, input).await.unwrap();
    assert_eq!(p.name, "kaoru-bot");
    assert_eq!(p.key, "KB");
    assert_eq!(p.description, "Telegram bot");
    assert_eq!(p.created_by, "admin");
    let web = f
        .hub
        .create_project(&f.admin, new_project("website", None))
        .await
        .unwrap();
    assert_eq!(web.key, "WEB");
    assert_eq!(web.description, "");
    let members = ProjectArgs {
        project: Some("kaoru-bot".into()),
    };
    let members = f.hub.project_members(&f.admin, members).await.unwrap();
    let names: Vec<&str> = members.members.iter().map(|m| m.name.as_str()).collect();
    assert_eq!(names, ["admin"], "the creator is the first member");
}

async fn derived_key_collision_picks_another_key(backend: Backend) {
    let f = Fixture::new(backend).await;
    let first = f
        .hub
        .create_project(&f.admin, new_project("kaoru-bot", None))
        .await
        .unwrap();
    let second = f
        .hub
        .create_project(&f.admin, new_project("kaoru-blog", None))
        .await
        .unwrap();
    let third = f
        .hub
        .create_project(&f.admin, new_project("kilo-byte", None))
        .await
        .unwrap();
    assert_eq!(first.key, "KB");
    let keys = [&first.key, &second.key, &third.key];
    assert!(keys.iter().all(|k| is_task_key(k)), "{keys:?}");
    assert_ne!(second.key, first.key);
    assert_ne!(third.key, first.key);
    assert_ne!(third.key, second.key);
    let (a, _) = f.member("antigravity").await;
    f.hub
        .add_project_member(
            &f.admin,
            "kaoru-blog",
            AddProjectMember {
                member: "antigravity".into(),
            },
        )
        .await
        .unwrap();
    let task = f
        .hub
        .add_task(&a, task_in("kaoru-blog", "post"))
        .await
        .unwrap();
    assert_eq!(task.task_ref, format!("{}-1", second.key));
}

async fn explicit_key_is_used(backend: Backend) {
    let f = Fixture::new(backend).await;
    let p = f
        .hub
        .create_project(&f.admin, new_project("kaoru-bot", Some("KAORU")))
        .await
        .unwrap();
    assert_eq!(p.key, "KAORU");
    let t = f.hub.add_task(&f.admin, task("first")).await.unwrap();
    assert_eq!(t.task_ref, "KAORU-1");
}

async fn explicit_key_must_be_free_and_well_formed(backend: Backend) {
    let f = Fixture::new(backend).await;
    f.hub
        .create_project(&f.admin, new_project("kaoru-bot", None))
        .await
        .unwrap();
    conflict(
        f.hub
            .create_project(&f.admin, new_project("other", Some("KB")))
            .await,
    );
    for bad in ["K", "kb", "K1", "KAOROBO", "K-B", ""] {
        validation(
            f.hub
                .create_project(&f.admin, new_project("other", Some(bad)))
                .await,
            "key",
        );
    }
    assert_eq!(project_names(&f, &f.admin).await, ["kaoru-bot"]);
}

async fn duplicate_project_name_conflicts(backend: Backend) {
    let f = Fixture::new(backend).await;
    f.hub
        .create_project(&f.admin, new_project("kaoru-bot", None))
        .await
        .unwrap();
    let message = conflict(
        f.hub
            .create_project(&f.admin, new_project("kaoru-bot", None))
            .await,
    );
    assert!(message.contains("kaoru-bot"), "{message}");
    conflict(
        f.hub
            .create_project(&f.admin, new_project("kaoru-bot", Some("ZZ")))
            .await,
    );
    let all = f.hub.list_projects(&f.admin).await.unwrap().projects;
    assert_eq!(all.len(), 1);
    assert_eq!(all[0].project.key, "KB");
}

async fn project_names_must_be_slugs(backend: Backend) {
    let f = Fixture::new(backend).await;
    for bad in ["", "Kaoru", "kaoru bot", "kaoru/bot", &"k".repeat(65)] {
        validation(
            f.hub.create_project(&f.admin, new_project(bad, None)).await,
            "name",
        );
    }
    let long_description = CreateProject {
        description: Some("d".repeat(20_001)),
        ..new_project("fine", None)
    };
    validation(
        f.hub.create_project(&f.admin, long_description).await,
        "description",
    );
    assert!(project_names(&f, &f.admin).await.is_empty());
}

async fn list_projects_shows_members_theirs_and_admins_all(backend: Backend) {
    let t = team(backend).await;
    t.f.project("website", &[&t.cw]).await;
    t.f.project("secret", &[]).await;
    t.hub.add_task(&t.ag, task("a")).await.unwrap();
    t.hub.add_task(&t.ag, task("b")).await.unwrap();

    assert_eq!(project_names(&t.f, &t.ag).await, ["kaoru-bot"]);
    assert_eq!(project_names(&t.f, &t.cw).await, ["kaoru-bot", "website"]);
    assert!(project_names(&t.f, &t.out).await.is_empty());
    // An admin sees every project, even one it has left.
    t.hub
        .remove_project_member(&t.f.admin, "secret", "admin")
        .await
        .unwrap();
    assert_eq!(
        project_names(&t.f, &t.f.admin).await,
        ["kaoru-bot", "secret", "website"]
    );

    let kb = t.hub.list_projects(&t.ag).await.unwrap().projects;
    assert_eq!(kb[0].task_count, 2);
    assert_eq!(kb[0].member_count, 3);
    assert_eq!(kb[0].project.key, "KB");
}

async fn delete_project_needs_the_name_confirmed(backend: Backend) {
    let t = team(backend).await;
    t.hub.add_task(&t.ag, task("a")).await.unwrap();
    for confirm in ["", "kaoru", "KAORU-BOT", "kaoru-bot "] {
        validation(
            t.hub.delete_project(&t.f.admin, deleting(P, confirm)).await,
            "confirm",
        );
    }
    assert_eq!(project_names(&t.f, &t.ag).await, [P]);
    let still = t.hub.get_task(&t.ag, tref("KB-1")).await.unwrap();
    assert_eq!(still.task.title, "a");
}

async fn delete_project_removes_it(backend: Backend) {
    let t = team(backend).await;
    t.hub.add_task(&t.ag, task("a")).await.unwrap();
    let done = t
        .hub
        .delete_project(&t.f.admin, deleting(P, P))
        .await
        .unwrap();
    assert!(done.deleted.contains(P));
    assert!(project_names(&t.f, &t.f.admin).await.is_empty());
    not_found(t.hub.get_task(&t.ag, tref("KB-1")).await);
    not_found(t.hub.delete_project(&t.f.admin, deleting(P, P)).await);

    // Name and key are free again; the sequence starts over.
    let again = t
        .hub
        .create_project(&t.f.admin, new_project(P, None))
        .await
        .unwrap();
    assert_eq!(again.key, "KB");
    let task = t.hub.add_task(&t.f.admin, task("fresh")).await.unwrap();
    assert_eq!(task.task_ref, "KB-1");
}

async fn membership_is_managed_by_admins(backend: Backend) {
    let t = team(backend).await;
    let added = t
        .hub
        .add_project_member(
            &t.f.admin,
            P,
            AddProjectMember {
                member: "outsider".into(),
            },
        )
        .await
        .unwrap();
    assert_eq!(added.name, "outsider");
    let members = t.hub.project_members(&t.out, here()).await.unwrap();
    let names: Vec<&str> = members.members.iter().map(|m| m.name.as_str()).collect();
    assert_eq!(names, ["admin", "antigravity", "copywriter", "outsider"]);
    let input = AddTask {
        assignee: Some("outsider".into()),
        ..task("for the newcomer")
    };
    t.hub.add_task(&t.out, input).await.unwrap();

    t.hub
        .remove_project_member(&t.f.admin, P, "outsider")
        .await
        .unwrap();
    forbidden(t.hub.list_tasks(&t.out, listing()).await);
    let kb1 = t.hub.get_task(&t.ag, tref("KB-1")).await.unwrap().task;
    assert_eq!(kb1.assignee, None, "removal unassigns the member's tasks");
    assert_eq!(kb1.created_by, "outsider");
    let members = t.hub.project_members(&t.ag, here()).await.unwrap();
    assert_eq!(members.members.len(), 3);
}

async fn adding_twice_is_harmless(backend: Backend) {
    let t = team(backend).await;
    let again = AddProjectMember {
        member: "copywriter".into(),
    };
    t.hub
        .add_project_member(&t.f.admin, P, again)
        .await
        .unwrap();
    let members = t.hub.project_members(&t.ag, here()).await.unwrap();
    assert_eq!(members.members.len(), 3);
}

async fn membership_changes_need_real_members(backend: Backend) {
    let t = team(backend).await;
    let ghost = AddProjectMember {
        member: "ghost".into(),
    };
    not_found(t.hub.add_project_member(&t.f.admin, P, ghost).await);
    let bad = AddProjectMember {
        member: "Not A Slug".into(),
    };
    validation(t.hub.add_project_member(&t.f.admin, P, bad).await, "member");
    not_found(t.hub.remove_project_member(&t.f.admin, P, "outsider").await);
    not_found(t.hub.remove_project_member(&t.f.admin, P, "ghost").await);
    let nowhere = AddProjectMember {
        member: "copywriter".into(),
    };
    not_found(
        t.hub
            .add_project_member(&t.f.admin, "nowhere", nowhere)
            .await,
    );
}

on_both_backends!(
    create_project_derives_the_key,
    derived_key_collision_picks_another_key,
    explicit_key_is_used,
    explicit_key_must_be_free_and_well_formed,
    duplicate_project_name_conflicts,
    project_names_must_be_slugs,
    list_projects_shows_members_theirs_and_admins_all,
    delete_project_needs_the_name_confirmed,
    delete_project_removes_it,
    membership_is_managed_by_admins,
    adding_twice_is_harmless,
    membership_changes_need_real_members,
);
