//! Deleting a project removes all of its data in one go, and nothing else.

use jc_hub::model::*;
use jc_hub::service::*;
use jc_tests::{Backend, on_both_backends};
use serde_json::json;

use crate::helpers::*;

/// Fills the project named `project` with one of everything, as `a` and `b`.
async fn fill(t: &Team, project: &str, a: &Caller, b: &Caller) {
    let pr = Some(project.to_string());
    let h = &t.hub;
    let input = AddTask {
        project: pr.clone(),
        assignee: Some(b.name().into()),
        ..task("work")
    };
    let created = h.add_task(a, input).await.unwrap();
    let plan = SavePlan {
        project: pr.clone(),
        task_ref: created.task_ref.clone(),
        plan: "plan".into(),
    };
    h.save_plan(a, plan).await.unwrap();
    let result = SaveResult {
        project: pr.clone(),
        task_ref: created.task_ref.clone(),
        result: "result".into(),
    };
    h.save_result(b, result).await.unwrap();
    let ctx = SetContext {
        project: pr.clone(),
        ..context("stack", json!({"db": "pg"}))
    };
    h.set_context(a, ctx).await.unwrap();
    let start = Start {
        project: pr.clone(),
        ..Default::default()
    };
    h.start(a, start).await.unwrap();
    let msg = PostMessage {
        project: pr.clone(),
        ..message(b.name(), "hand-off")
    };
    h.post_message(a, msg).await.unwrap();
    let mem = Remember {
        project: pr.clone(),
        ..memo(Category::Term, &format!("{project}-term"), "x")
    };
    h.remember(a, mem).await.unwrap();
    let recall = Recall {
        project: pr.clone(),
        key: format!("{project}-term"),
    };
    h.recall(b, recall).await.unwrap();
    let global = Remember {
        project: pr.clone(),
        ..global_memo(Category::Person, &format!("{project}-person"), "x")
    };
    h.remember(a, global).await.unwrap();
    let recall = Recall {
        project: pr.clone(),
        key: format!("{project}-person"),
    };
    h.recall(b, recall).await.unwrap();
}

/// Rows that reference project `id`, table by table.
async fn rows_of(t: &Team, id: i64) -> Vec<(&'static str, i64)> {
    let queries = [
        (
            "tasks",
            format!("select count(*) from tasks where project_id = {id}"),
        ),
        (
            "plans",
            format!(
                "select count(*) from plans d join tasks t on t.id = d.task_id
                 where t.project_id = {id}"
            ),
        ),
        (
            "results",
            format!(
                "select count(*) from results d join tasks t on t.id = d.task_id
                 where t.project_id = {id}"
            ),
        ),
        (
            "context",
            format!("select count(*) from context where project_id = {id}"),
        ),
        (
            "sessions",
            format!("select count(*) from sessions where project_id = {id}"),
        ),
        (
            "messages",
            format!("select count(*) from messages where project_id = {id}"),
        ),
        (
            "memories",
            format!("select count(*) from memories where project_id = {id}"),
        ),
        (
            "memory_usage",
            format!(
                "select count(*) from memory_usage u join memories m on m.id = u.memory_id
                 where m.project_id = {id}"
            ),
        ),
        (
            "project_members",
            format!("select count(*) from project_members where project_id = {id}"),
        ),
        (
            "events",
            format!("select count(*) from events where project_id = {id}"),
        ),
        (
            "projects",
            format!("select count(*) from projects where id = {id}"),
        ),
    ];
    let mut out = Vec::new();
    for (table, sql) in queries {
        out.push((table, t.sql_i64(&sql).await));
    }
    out
}

async fn delete_project_leaves_no_rows_behind(backend: Backend) {
    let t = team(backend).await;
    let web = t.f.project("website", &[&t.ag, &t.cw]).await;
    fill(&t, P, &t.ag, &t.cw).await;
    fill(&t, "website", &t.cw, &t.ag).await;
    let before = rows_of(&t, t.project.id).await;
    assert!(
        before.iter().all(|(_, n)| *n > 0),
        "the fixture must touch every table: {before:?}"
    );
    let web_before = rows_of(&t, web.id).await;

    let delete = DeleteProject {
        project: P.into(),
        confirm: P.into(),
    };
    t.hub.delete_project(&t.f.admin, delete).await.unwrap();

    let after = rows_of(&t, t.project.id).await;
    assert!(after.iter().all(|(_, n)| *n == 0), "left behind: {after:?}");
    assert_eq!(
        rows_of(&t, web.id).await,
        web_before,
        "other project untouched"
    );
    // No orphans anywhere, whatever the foreign keys say.
    for sql in [
        "select count(*) from plans where task_id not in (select id from tasks)",
        "select count(*) from results where task_id not in (select id from tasks)",
        "select count(*) from memory_usage where memory_id not in (select id from memories)",
    ] {
        assert_eq!(t.sql_i64(sql).await, 0, "{sql}");
    }
    // The hot cache's ranking table has no foreign key; its trigger does the cascade.
    let sql = "select count(*) from memory_rank where memory_id not in (select id from memories)";
    assert_eq!(t.sql_i64(sql).await, 0, "{sql}");
    if t.backend == Backend::Postgres {
        // Task numbers come from a sequence per project, dropped with it.
        let sql = "select count(*) from pg_class c where c.relkind = 'S'
                     and c.relnamespace = current_schema()::text::regnamespace
                     and c.relname like 'task\\_seq\\_%'
                     and not exists (select 1 from projects p where c.relname = 'task_seq_' || p.id)";
        assert_eq!(t.sql_i64(sql).await, 0, "{sql}");
        let sql = "select count(*) from projects p where to_regclass('task_seq_' || p.id) is null";
        assert_eq!(t.sql_i64(sql).await, 0, "{sql}");
    }
}

async fn delete_project_keeps_global_memories_and_their_usage(backend: Backend) {
    let t = team(backend).await;
    t.f.project("website", &[&t.ag]).await;
    fill(&t, P, &t.ag, &t.cw).await;
    let delete = DeleteProject {
        project: P.into(),
        confirm: P.into(),
    };
    t.hub.delete_project(&t.f.admin, delete).await.unwrap();

    let global = t.hub.list_memories(&t.ag, None, None, None).await.unwrap();
    assert_eq!(global.total, 1);
    let person = &global.memories[0];
    assert_eq!(person.key, "kaoru-bot-person");
    assert_eq!(person.usage_count, 1);
    let usage = t
        .sql_i64(
            "select count(*) from memory_usage u join memories m on m.id = u.memory_id
             where m.project_id is null",
        )
        .await;
    assert_eq!(usage, 1, "per-member usage of the global memory survives");
    let from_web = Recall {
        project: Some("website".into()),
        key: "kaoru-bot-person".into(),
    };
    t.hub.recall(&t.ag, from_web).await.unwrap();
}

async fn delete_project_is_recorded_outside_the_project(backend: Backend) {
    let t = team(backend).await;
    fill(&t, P, &t.ag, &t.cw).await;
    let before = all_events(&t.f).await;
    let project_events = events(&t.f, t.project.id).await.len() as i64;
    let delete = DeleteProject {
        project: P.into(),
        confirm: P.into(),
    };
    t.hub.delete_project(&t.f.admin, delete).await.unwrap();
    assert_eq!(all_events(&t.f).await, before - project_events + 1);
    let recorded = t
        .sql_i64(
            "select count(*) from events where project_id is null and entity = 'project'
             and entity_key = 'kaoru-bot' and action = 'deleted' and actor = 'admin'",
        )
        .await;
    assert_eq!(recorded, 1);
}

async fn delete_project_keeps_members(backend: Backend) {
    let t = team(backend).await;
    t.f.project("website", &[&t.cw]).await;
    fill(&t, P, &t.ag, &t.cw).await;
    let delete = DeleteProject {
        project: P.into(),
        confirm: P.into(),
    };
    t.hub.delete_project(&t.f.admin, delete).await.unwrap();
    let names: Vec<String> = t
        .hub
        .list_members(&t.ag)
        .await
        .unwrap()
        .members
        .into_iter()
        .map(|m| m.name)
        .collect();
    assert_eq!(names, ["admin", "antigravity", "copywriter", "outsider"]);
    // copywriter still works in its other project, now its only one.
    let implicit = AddTask {
        project: None,
        ..task("carry on")
    };
    let created = t.hub.add_task(&t.cw, implicit).await.unwrap();
    assert_eq!(created.task_ref, "WEB-1");
    let mine = t.hub.my_tasks(&t.cw, MyTasks::default()).await.unwrap();
    assert_eq!(mine.total, 0, "assignments in the deleted project are gone");
}

on_both_backends!(
    delete_project_leaves_no_rows_behind,
    delete_project_keeps_global_memories_and_their_usage,
    delete_project_is_recorded_outside_the_project,
    delete_project_keeps_members,
);
