//! Authorization and project resolution (SPEC §2): who may reach which project, admin-only
//! operations, and how an omitted `project` is resolved.

use jc_hub::model::*;
use jc_hub::service::*;
use jc_tests::{Backend, on_both_backends};
use serde_json::json;

use crate::helpers::*;

/// `outsider` is a member of another project, so it is a real, authenticated member that
/// simply does not belong to `kaoru-bot`.
async fn non_member_is_refused_everywhere(backend: Backend) {
    let t = team(backend).await;
    t.f.project("elsewhere", &[&t.out]).await;
    t.hub.add_task(&t.ag, task("a")).await.unwrap();
    t.hub
        .set_context(&t.ag, context("stack", json!(1)))
        .await
        .unwrap();
    t.hub
        .remember(&t.ag, memo(Category::Term, "PSR", "x"))
        .await
        .unwrap();
    let h = &t.hub;
    let o = &t.out;

    forbidden(h.add_task(o, task("x")).await);
    forbidden(h.get_task(o, tref("KB-1")).await);
    forbidden(h.list_tasks(o, listing()).await);
    forbidden(h.move_task(o, moving("KB-1", TaskStatus::Done)).await);
    let complete = CompleteTask {
        project: p(),
        task_ref: "KB-1".into(),
        summary: "s".into(),
    };
    forbidden(h.complete_task(o, complete).await);
    let update = UpdateTask {
        project: p(),
        task_ref: "KB-1".into(),
        title: Some("x".into()),
        description: None,
        priority: None,
    };
    forbidden(h.update_task(o, update).await);
    forbidden(h.assign_task(o, assigning("KB-1", Some("outsider"))).await);
    forbidden(h.delete_task(o, tref("KB-1")).await);
    let plan = SavePlan {
        project: p(),
        task_ref: "KB-1".into(),
        plan: "p".into(),
    };
    forbidden(h.save_plan(o, plan).await);
    let result = SaveResult {
        project: p(),
        task_ref: "KB-1".into(),
        result: "r".into(),
    };
    forbidden(h.save_result(o, result).await);
    forbidden(h.get_doc(o, tref("KB-1"), DocKind::Plan).await);
    let mine = MyTasks {
        project: p(),
        status: None,
    };
    forbidden(h.my_tasks(o, mine).await);

    let get = GetContext {
        project: p(),
        key: None,
    };
    forbidden(h.get_context(o, get).await);
    forbidden(h.set_context(o, context("k", json!(1))).await);
    let delete = DeleteContext {
        project: p(),
        key: "stack".into(),
    };
    forbidden(h.delete_context(o, delete).await);

    forbidden(h.remember(o, memo(Category::Term, "k", "v")).await);
    forbidden(h.remember(o, global_memo(Category::Term, "k", "v")).await);
    forbidden(h.recall(o, recalling("PSR")).await);
    forbidden(h.search_memory(o, searching("PSR")).await);
    let forget = Forget {
        project: p(),
        key: "PSR".into(),
        scope: None,
    };
    forbidden(h.forget(o, forget).await);
    let tier = SetMemoryTier {
        project: p(),
        key: "PSR".into(),
        tier: Tier::Deep,
        scope: None,
    };
    forbidden(h.set_memory_tier(o, tier).await);
    forbidden(h.list_memories(o, Some(P), None, None).await);

    forbidden(h.start(o, starting()).await);
    forbidden(h.end_session(o, ending("x")).await);
    let sessions = ListSessions {
        project: p(),
        limit: None,
    };
    forbidden(h.list_sessions(o, sessions).await);
    forbidden(h.get_state(o, here()).await);
    forbidden(h.project_members(o, here()).await);
    forbidden(h.post_message(o, message("antigravity", "hi")).await);
    forbidden(h.get_messages(o, inbox()).await);
    forbidden(h.list_messages(o, P, None, None).await);

    // Nothing changed.
    let kb1 = t.hub.get_task(&t.ag, tref("KB-1")).await.unwrap().task;
    assert_eq!(kb1.title, "a");
    assert_eq!(kb1.status, TaskStatus::Backlog);
    let memory = t.hub.recall(&t.ag, recalling("PSR")).await.unwrap();
    assert_eq!(memory.usage_count, 1, "the refused recall did not count");
}

async fn refusal_names_the_callers_projects(backend: Backend) {
    let t = team(backend).await;
    t.f.project("elsewhere", &[&t.out]).await;
    let message = forbidden(t.hub.list_tasks(&t.out, listing()).await);
    assert!(message.contains(P), "{message}");
    assert!(message.contains("elsewhere"), "{message}");
}

async fn unknown_project_is_not_found(backend: Backend) {
    let t = team(backend).await;
    let nowhere = ListTasks {
        project: Some("nowhere".into()),
        ..Default::default()
    };
    let message = not_found(t.hub.list_tasks(&t.ag, nowhere.clone()).await);
    assert!(message.contains("nowhere"), "{message}");
    assert!(
        message.contains(P),
        "lists the caller's projects: {message}"
    );
    not_found(t.hub.list_tasks(&t.f.admin, nowhere).await);
}

async fn only_admins_create_or_delete_projects(backend: Backend) {
    let t = team(backend).await;
    let create = CreateProject {
        name: "mine".into(),
        key: None,
        description: None,
    };
    forbidden(t.hub.create_project(&t.ag, create).await);
    let delete = DeleteProject {
        project: P.into(),
        confirm: P.into(),
    };
    forbidden(t.hub.delete_project(&t.ag, delete).await);
    let all = t.hub.list_projects(&t.f.admin).await.unwrap().projects;
    let names: Vec<&str> = all.iter().map(|p| p.project.name.as_str()).collect();
    assert_eq!(names, [P]);
}

async fn only_admins_manage_membership(backend: Backend) {
    let t = team(backend).await;
    let add = AddProjectMember {
        member: "outsider".into(),
    };
    forbidden(t.hub.add_project_member(&t.ag, P, add).await);
    forbidden(t.hub.remove_project_member(&t.ag, P, "copywriter").await);
    forbidden(t.hub.remove_project_member(&t.ag, P, "antigravity").await);
    let members = t.hub.project_members(&t.ag, here()).await.unwrap();
    let names: Vec<&str> = members.members.iter().map(|m| m.name.as_str()).collect();
    assert_eq!(names, ["admin", "antigravity", "copywriter"]);
}

async fn admin_reads_any_project_without_membership(backend: Backend) {
    let t = team(backend).await;
    t.hub.add_task(&t.ag, task("a")).await.unwrap();
    t.hub
        .remove_project_member(&t.f.admin, P, "admin")
        .await
        .unwrap();
    let list = t.hub.list_tasks(&t.f.admin, listing()).await.unwrap();
    assert_eq!(list.total, 1);
    // Messages and sessions need membership even for an admin.
    forbidden(
        t.hub
            .post_message(&t.f.admin, message("antigravity", "hi"))
            .await,
    );
    forbidden(t.hub.get_messages(&t.f.admin, inbox()).await);
    forbidden(t.hub.start(&t.f.admin, starting()).await);
}

async fn default_project_applies_when_omitted(backend: Backend) {
    let t = team(backend).await;
    t.f.project("website", &[&t.ag]).await;
    let mut ag = t.ag.clone();
    ag.default_project = Some("website".into());
    let input = AddTask {
        project: None,
        ..task("via default")
    };
    let created = t.hub.add_task(&ag, input).await.unwrap();
    assert_eq!(created.task_ref, "WEB-1");
    let list = ListTasks::default();
    let list = t.hub.list_tasks(&ag, list).await.unwrap();
    assert_eq!(refs(&list.tasks), ["WEB-1"]);
    let resolved = t.hub.project(&ag, None).await.unwrap();
    assert_eq!(resolved.name, "website");

    // An explicit project wins over the default.
    let explicit = t.hub.add_task(&ag, task("explicit")).await.unwrap();
    assert_eq!(explicit.task_ref, "KB-1");
}

async fn default_project_must_be_the_callers(backend: Backend) {
    let t = team(backend).await;
    t.f.project("website", &[&t.cw]).await;
    let mut ag = t.ag.clone();
    ag.default_project = Some("website".into());
    let input = AddTask {
        project: None,
        ..task("x")
    };
    forbidden(t.hub.add_task(&ag, input).await);
    ag.default_project = Some("nowhere".into());
    not_found(t.hub.list_tasks(&ag, ListTasks::default()).await);
}

async fn single_project_member_may_omit_project(backend: Backend) {
    let t = team(backend).await;
    let input = AddTask {
        project: None,
        ..task("implicit")
    };
    let created = t.hub.add_task(&t.ag, input).await.unwrap();
    assert_eq!(created.task_ref, "KB-1");
    let ctx = SetContext {
        project: None,
        ..context("k", json!(true))
    };
    t.hub.set_context(&t.ag, ctx).await.unwrap();
    let b = t.hub.start(&t.ag, Start::default()).await.unwrap();
    assert_eq!(b.project.name, P);
    assert_eq!(b.context_total, 1);
}

async fn multi_project_member_must_name_the_project(backend: Backend) {
    let t = team(backend).await;
    t.f.project("website", &[&t.ag]).await;
    let input = AddTask {
        project: None,
        ..task("where?")
    };
    let message = validation(t.hub.add_task(&t.ag, input).await, "project");
    assert!(message.contains(P), "{message}");
    assert!(message.contains("website"), "{message}");
    validation(t.hub.start(&t.ag, Start::default()).await, "project");
    validation(
        t.hub.list_tasks(&t.ag, ListTasks::default()).await,
        "project",
    );
    let all = ListTasks {
        project: p(),
        ..Default::default()
    };
    assert_eq!(t.hub.list_tasks(&t.ag, all).await.unwrap().total, 0);
}

async fn member_of_no_project_is_told_so(backend: Backend) {
    let t = team(backend).await;
    let input = AddTask {
        project: None,
        ..task("x")
    };
    let message = validation(t.hub.add_task(&t.out, input).await, "project");
    assert!(message.contains("no project"), "{message}");
}

async fn authorship_comes_from_the_caller(backend: Backend) {
    let t = team(backend).await;
    // Even with `agent` set to its own name, the author is the authenticated caller; a
    // different name is refused rather than used.
    let b = Start {
        agent: Some("copywriter".into()),
        ..starting()
    };
    t.hub.start(&t.cw, b).await.unwrap();
    forbidden(
        t.hub
            .start(
                &t.cw,
                Start {
                    agent: Some("antigravity".into()),
                    ..starting()
                },
            )
            .await,
    );
    let created = t.hub.add_task(&t.cw, task("by cw")).await.unwrap();
    assert_eq!(created.created_by, "copywriter");
    let sent = t
        .hub
        .post_message(&t.cw, message("antigravity", "hi"))
        .await
        .unwrap();
    assert_eq!(sent.sender, "copywriter");
    let sessions = ListSessions {
        project: p(),
        limit: None,
    };
    let sessions = t.hub.list_sessions(&t.ag, sessions).await.unwrap().sessions;
    assert!(sessions.iter().all(|s| s.agent == "copywriter"));
}

on_both_backends!(
    non_member_is_refused_everywhere,
    refusal_names_the_callers_projects,
    unknown_project_is_not_found,
    only_admins_create_or_delete_projects,
    only_admins_manage_membership,
    admin_reads_any_project_without_membership,
    default_project_applies_when_omitted,
    default_project_must_be_the_callers,
    single_project_member_may_omit_project,
    multi_project_member_must_name_the_project,
    member_of_no_project_is_told_so,
    authorship_comes_from_the_caller,
);
