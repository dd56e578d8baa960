use jc_hub::model::*;
use jc_hub::service::*;
use jc_tests::{Backend, Fixture, on_both_backends};

async fn every_store_query_runs(backend: Backend) {
    let f = Fixture::new(backend).await;
    let (ag, _) = f.member("antigravity").await;
    let (cw, _) = f.member("copywriter").await;
    let p = f.project("kaoru-bot", &[&ag, &cw]).await;
    assert_eq!(p.key, "KB");
    let pr = Some("kaoru-bot".to_string());
    let t = f
        .hub
        .add_task(
            &ag,
            AddTask {
                project: pr.clone(),
                title: "Write copy".into(),
                description: None,
                priority: None,
                status: None,
                assignee: Some("copywriter".into()),
            },
        )
        .await
        .unwrap();
    assert_eq!(t.task_ref, "KB-1");
    f.hub
        .move_task(
            &ag,
            MoveTask {
                project: pr.clone(),
                task_ref: "KB-1".into(),
                status: TaskStatus::InProgress,
                note: Some("go".into()),
            },
        )
        .await
        .unwrap();
    f.hub
        .save_plan(
            &ag,
            SavePlan {
                project: pr.clone(),
                task_ref: "1".into(),
                plan: "p".into(),
            },
        )
        .await
        .unwrap();
    f.hub
        .save_result(
            &ag,
            SaveResult {
                project: pr.clone(),
                task_ref: "1".into(),
                result: "r".into(),
            },
        )
        .await
        .unwrap();
    let d = f
        .hub
        .get_task(
            &ag,
            TaskRefArgs {
                project: pr.clone(),
                task_ref: "KB-1".into(),
            },
        )
        .await
        .unwrap();
    assert_eq!(d.plan.unwrap().content, "p");
    f.hub
        .complete_task(
            &cw,
            CompleteTask {
                project: pr.clone(),
                task_ref: "KB-1".into(),
                summary: "done".into(),
            },
        )
        .await
        .unwrap();
    let l = f
        .hub
        .list_tasks(
            &ag,
            ListTasks {
                project: pr.clone(),
                limit: Some(1),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(l.total, 1);
    f.hub
        .update_task(
            &ag,
            UpdateTask {
                project: pr.clone(),
                task_ref: "KB-1".into(),
                title: Some("x".into()),
                description: None,
                priority: Some(Priority::High),
            },
        )
        .await
        .unwrap();
    f.hub
        .assign_task(
            &ag,
            AssignTask {
                project: pr.clone(),
                task_ref: "KB-1".into(),
                assignee: None,
            },
        )
        .await
        .unwrap();
    f.hub.my_tasks(&ag, MyTasks::default()).await.unwrap();
    f.hub
        .set_context(
            &ag,
            SetContext {
                project: pr.clone(),
                key: "stack".into(),
                value: serde_json::json!({"db": "pg"}),
            },
        )
        .await
        .unwrap();
    let c = f
        .hub
        .get_context(
            &ag,
            GetContext {
                project: pr.clone(),
                key: Some("stack".into()),
            },
        )
        .await
        .unwrap();
    assert_eq!(c.entries[0].value["db"], "pg");
    f.hub
        .delete_context(
            &ag,
            DeleteContext {
                project: pr.clone(),
                key: "stack".into(),
            },
        )
        .await
        .unwrap();
    let b = f
        .hub
        .start(
            &ag,
            Start {
                project: pr.clone(),
                agent: None,
                capabilities: Some(vec![Capability {
                    name: "x".into(),
                    desc: "y".into(),
                }]),
            },
        )
        .await
        .unwrap();
    assert_eq!(b.you, "antigravity");
    f.hub
        .remember(
            &ag,
            Remember {
                project: pr.clone(),
                category: Category::Term,
                key: "PSR".into(),
                value: "Pipeline Status Report".into(),
                scope: None,
                tier: None,
            },
        )
        .await
        .unwrap();
    f.hub
        .remember(
            &ag,
            Remember {
                project: pr.clone(),
                category: Category::Person,
                key: "fedor".into(),
                value: "Owner".into(),
                scope: Some(Scope::Global),
                tier: None,
            },
        )
        .await
        .unwrap();
    let m = f
        .hub
        .recall(
            &cw,
            Recall {
                project: pr.clone(),
                key: "fedor".into(),
            },
        )
        .await
        .unwrap();
    assert_eq!(m.usage_count, 1);
    let s = f
        .hub
        .search_memory(
            &cw,
            SearchMemory {
                project: pr.clone(),
                query: "status".into(),
                category: None,
                limit: None,
            },
        )
        .await
        .unwrap();
    assert_eq!(s.total, 1);
    f.hub
        .set_memory_tier(
            &ag,
            SetMemoryTier {
                project: pr.clone(),
                key: "PSR".into(),
                tier: Tier::Deep,
                scope: None,
            },
        )
        .await
        .unwrap();
    f.hub
        .post_message(
            &ag,
            PostMessage {
                project: pr.clone(),
                recipient: "copywriter".into(),
                content: "hi".into(),
            },
        )
        .await
        .unwrap();
    f.hub
        .end_session(
            &ag,
            EndSession {
                project: pr.clone(),
                summary: "ok".into(),
            },
        )
        .await
        .unwrap();
    let b2 = f
        .hub
        .start(
            &cw,
            Start {
                project: pr.clone(),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(b2.unread_total, 1);
    let inbox = f
        .hub
        .get_messages(
            &cw,
            GetMessages {
                project: pr.clone(),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(inbox.messages.len(), 1);
    f.hub
        .get_messages(
            &cw,
            GetMessages {
                project: pr.clone(),
                unread_only: Some(false),
                limit: None,
            },
        )
        .await
        .unwrap();
    f.hub
        .list_messages(&ag, "kaoru-bot", None, None)
        .await
        .unwrap();
    f.hub
        .get_state(
            &ag,
            ProjectArgs {
                project: pr.clone(),
            },
        )
        .await
        .unwrap();
    f.hub
        .list_sessions(
            &ag,
            ListSessions {
                project: pr.clone(),
                limit: None,
            },
        )
        .await
        .unwrap();
    f.hub
        .list_memories(&ag, Some("kaoru-bot"), None, None)
        .await
        .unwrap();
    f.hub.list_memories(&ag, None, None, None).await.unwrap();
    f.hub
        .forget(
            &ag,
            Forget {
                project: pr.clone(),
                key: "fedor".into(),
                scope: Some(Scope::Global),
            },
        )
        .await
        .unwrap();
    f.hub.list_projects(&ag).await.unwrap();
    f.hub
        .project_members(
            &ag,
            ProjectArgs {
                project: pr.clone(),
            },
        )
        .await
        .unwrap();
    f.hub.list_members(&ag).await.unwrap();
    f.hub
        .update_member(
            &f.admin,
            "copywriter",
            UpdateMember {
                role: Some("Writer".into()),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    f.hub.rotate_token(&f.admin, "copywriter").await.unwrap();
    f.store()
        .list_events(p.id, Some(("task", "KB-1")), 50)
        .await
        .unwrap();
    f.hub
        .remove_project_member(&f.admin, "kaoru-bot", "copywriter")
        .await
        .unwrap();
    f.hub
        .delete_task(
            &ag,
            TaskRefArgs {
                project: pr.clone(),
                task_ref: "KB-1".into(),
            },
        )
        .await
        .unwrap();
    f.hub.delete_member(&f.admin, "copywriter").await.unwrap();
    f.hub
        .delete_project(
            &f.admin,
            DeleteProject {
                project: "kaoru-bot".into(),
                confirm: "kaoru-bot".into(),
            },
        )
        .await
        .unwrap();
}

on_both_backends!(every_store_query_runs);
