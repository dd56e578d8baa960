//! Tasks: create, move, complete, update, assign, delete, plans and results, listing.

use std::collections::HashSet;

use jc_hub::model::*;
use jc_hub::service::*;
use jc_tests::{Backend, on_both_backends};

use crate::helpers::*;

async fn add_task_applies_defaults(backend: Backend) {
    let t = team(backend).await;
    let created = t.hub.add_task(&t.ag, task("Write copy")).await.unwrap();
    assert_eq!(created.task_ref, "KB-1");
    assert_eq!(created.status, TaskStatus::Backlog);
    assert_eq!(created.priority, Priority::Medium);
    assert_eq!(created.assignee, None);
    assert_eq!(created.summary, None);
    assert_eq!(created.description, "");
    assert_eq!(created.created_by, "antigravity");
    assert_eq!(created.updated_by, "antigravity");

    let read = t.hub.get_task(&t.cw, tref("KB-1")).await.unwrap();
    assert_eq!(read.task, created);
    assert!(read.plan.is_none());
    assert!(read.result.is_none());
}

async fn add_task_stores_every_field(backend: Backend) {
    let t = team(backend).await;
    let input = AddTask {
        description: Some("Landing page, 3 variants".into()),
        priority: Some(Priority::Urgent),
        status: Some(TaskStatus::Todo),
        assignee: Some("copywriter".into()),
        ..task("  Write copy  ")
    };
    t.hub.add_task(&t.ag, input).await.unwrap();
    let read = t.hub.get_task(&t.ag, tref("KB-1")).await.unwrap().task;
    assert_eq!(read.title, "Write copy", "title is trimmed");
    assert_eq!(read.description, "Landing page, 3 variants");
    assert_eq!(read.priority, Priority::Urgent);
    assert_eq!(read.status, TaskStatus::Todo);
    assert_eq!(read.assignee.as_deref(), Some("copywriter"));
}

async fn refs_count_up_per_project(backend: Backend) {
    let t = team(backend).await;
    t.f.project("website", &[&t.ag]).await;
    let a = t.hub.add_task(&t.ag, task("a")).await.unwrap();
    let b = t.hub.add_task(&t.ag, task("b")).await.unwrap();
    let w = t
        .hub
        .add_task(&t.ag, task_in("website", "w"))
        .await
        .unwrap();
    let c = t.hub.add_task(&t.ag, task("c")).await.unwrap();
    assert_eq!(
        [a.task_ref, b.task_ref, w.task_ref, c.task_ref],
        ["KB-1", "KB-2", "WEB-1", "KB-3"]
    );
}

async fn every_ref_form_finds_the_task(backend: Backend) {
    let t = team(backend).await;
    t.hub.add_task(&t.ag, task("a")).await.unwrap();
    t.hub.add_task(&t.ag, task("b")).await.unwrap();
    for form in ["KB-2", "kb-2", "2", " 2 ", "Kb-2"] {
        let got = t.hub.get_task(&t.ag, tref(form)).await.unwrap();
        assert_eq!(got.task.task_ref, "KB-2", "{form:?}");
        assert_eq!(got.task.title, "b");
    }
}

async fn get_missing_task_is_not_found(backend: Backend) {
    let t = team(backend).await;
    t.hub.add_task(&t.ag, task("a")).await.unwrap();
    not_found(t.hub.get_task(&t.ag, tref("KB-2")).await);
}

async fn move_task_changes_status_and_author(backend: Backend) {
    let t = team(backend).await;
    t.hub.add_task(&t.ag, task("a")).await.unwrap();
    tick().await;
    let moved = t
        .hub
        .move_task(&t.cw, moving("KB-1", TaskStatus::InProgress))
        .await
        .unwrap();
    assert_eq!(moved.status, TaskStatus::InProgress);
    let read = t.hub.get_task(&t.ag, tref("1")).await.unwrap().task;
    assert_eq!(read.status, TaskStatus::InProgress);
    assert_eq!(read.created_by, "antigravity");
    assert_eq!(read.updated_by, "copywriter");
    assert!(read.updated_at > read.created_at);
    for status in TaskStatus::ALL {
        t.hub
            .move_task(&t.ag, moving("KB-1", *status))
            .await
            .unwrap();
        let read = t.hub.get_task(&t.ag, tref("1")).await.unwrap().task;
        assert_eq!(read.status, *status);
    }
}

async fn move_missing_task_is_not_found(backend: Backend) {
    let t = team(backend).await;
    not_found(
        t.hub
            .move_task(&t.ag, moving("KB-1", TaskStatus::Todo))
            .await,
    );
}

async fn complete_task_sets_done_and_summary(backend: Backend) {
    let t = team(backend).await;
    t.hub.add_task(&t.ag, task("a")).await.unwrap();
    let done = t
        .hub
        .complete_task(
            &t.cw,
            CompleteTask {
                project: p(),
                task_ref: "KB-1".into(),
                summary: "Shipped in PR #4".into(),
            },
        )
        .await
        .unwrap();
    assert_eq!(done.status, TaskStatus::Done);
    let read = t.hub.get_task(&t.ag, tref("KB-1")).await.unwrap().task;
    assert_eq!(read.status, TaskStatus::Done);
    assert_eq!(read.summary.as_deref(), Some("Shipped in PR #4"));
    assert_eq!(read.updated_by, "copywriter");
}

async fn update_task_changes_only_given_fields(backend: Backend) {
    let t = team(backend).await;
    let input = AddTask {
        description: Some("old description".into()),
        status: Some(TaskStatus::Todo),
        assignee: Some("antigravity".into()),
        ..task("old title")
    };
    t.hub.add_task(&t.ag, input).await.unwrap();
    let update = UpdateTask {
        project: p(),
        task_ref: "KB-1".into(),
        title: Some("new title".into()),
        description: None,
        priority: None,
    };
    t.hub.update_task(&t.cw, update).await.unwrap();
    let read = t.hub.get_task(&t.ag, tref("KB-1")).await.unwrap().task;
    assert_eq!(read.title, "new title");
    assert_eq!(read.description, "old description");
    assert_eq!(read.priority, Priority::Medium);
    assert_eq!(read.status, TaskStatus::Todo);
    assert_eq!(read.assignee.as_deref(), Some("antigravity"));
    assert_eq!(read.updated_by, "copywriter");

    let update = UpdateTask {
        project: p(),
        task_ref: "KB-1".into(),
        title: None,
        description: Some(String::new()),
        priority: Some(Priority::Low),
    };
    t.hub.update_task(&t.ag, update).await.unwrap();
    let read = t.hub.get_task(&t.ag, tref("KB-1")).await.unwrap().task;
    assert_eq!(read.title, "new title");
    assert_eq!(read.description, "");
    assert_eq!(read.priority, Priority::Low);
}

async fn update_task_needs_something_to_change(backend: Backend) {
    let t = team(backend).await;
    t.hub.add_task(&t.ag, task("a")).await.unwrap();
    let update = UpdateTask {
        project: p(),
        task_ref: "KB-1".into(),
        title: None,
        description: None,
        priority: None,
    };
    validation(t.hub.update_task(&t.ag, update).await, "title");
}

async fn delete_task_removes_it_with_plan_and_result(backend: Backend) {
    let t = team(backend).await;
    t.hub.add_task(&t.ag, task("a")).await.unwrap();
    t.hub.add_task(&t.ag, task("b")).await.unwrap();
    for n in ["1", "2"] {
        let plan = SavePlan {
            project: p(),
            task_ref: n.into(),
            plan: "plan".into(),
        };
        t.hub.save_plan(&t.ag, plan).await.unwrap();
        let result = SaveResult {
            project: p(),
            task_ref: n.into(),
            result: "result".into(),
        };
        t.hub.save_result(&t.ag, result).await.unwrap();
    }
    let deleted = t.hub.delete_task(&t.cw, tref("KB-1")).await.unwrap();
    assert_eq!(deleted.deleted, "task KB-1");
    not_found(t.hub.get_task(&t.ag, tref("KB-1")).await);
    not_found(t.hub.get_doc(&t.ag, tref("KB-1"), DocKind::Plan).await);
    not_found(t.hub.delete_task(&t.ag, tref("KB-1")).await);
    let list = t.hub.list_tasks(&t.ag, listing()).await.unwrap();
    assert_eq!(refs(&list.tasks), ["KB-2"]);
    assert_eq!(list.total, 1);
    // KB-2 keeps its documents; KB-1's are gone.
    assert_eq!(t.sql_i64("select count(*) from plans").await, 1);
    assert_eq!(t.sql_i64("select count(*) from results").await, 1);
    // A deleted ref is not reused.
    let next = t.hub.add_task(&t.ag, task("c")).await.unwrap();
    assert_eq!(next.task_ref, "KB-3");
}

async fn plan_and_result_are_stored_and_replaced(backend: Backend) {
    let t = team(backend).await;
    t.hub.add_task(&t.ag, task("a")).await.unwrap();
    let plan = t.hub.get_doc(&t.ag, tref("KB-1"), DocKind::Plan).await;
    let plan = plan.unwrap();
    assert_eq!(plan.kind, "plan");
    assert!(plan.doc.is_none());

    let save = |plan: &str| SavePlan {
        project: p(),
        task_ref: "KB-1".into(),
        plan: plan.into(),
    };
    let saved = t.hub.save_plan(&t.ag, save("1. draft")).await.unwrap();
    assert_eq!(saved.task_ref, "KB-1");
    assert_eq!(saved.doc.unwrap().content, "1. draft");
    t.hub
        .save_plan(&t.cw, save("1. draft\n2. review"))
        .await
        .unwrap();

    let result = SaveResult {
        project: p(),
        task_ref: "kb-1".into(),
        result: "copy in docs/copy.md".into(),
    };
    t.hub.save_result(&t.cw, result).await.unwrap();

    let detail = t.hub.get_task(&t.ag, tref("KB-1")).await.unwrap();
    let plan = detail.plan.unwrap();
    assert_eq!(plan.content, "1. draft\n2. review");
    assert_eq!(plan.created_by, "antigravity");
    assert_eq!(plan.updated_by, "copywriter");
    let result = detail.result.unwrap();
    assert_eq!(result.content, "copy in docs/copy.md");
    assert_eq!(result.created_by, "copywriter");
    assert_eq!(
        detail.task.updated_by, "copywriter",
        "saving a doc touches the task"
    );

    let via_doc = t.hub.get_doc(&t.ag, tref("1"), DocKind::Result).await;
    let via_doc = via_doc.unwrap();
    assert_eq!(via_doc.kind, "result");
    assert_eq!(via_doc.doc.unwrap().content, "copy in docs/copy.md");
}

async fn documents_of_missing_task_are_not_found(backend: Backend) {
    let t = team(backend).await;
    let plan = SavePlan {
        project: p(),
        task_ref: "KB-9".into(),
        plan: "p".into(),
    };
    not_found(t.hub.save_plan(&t.ag, plan).await);
    let result = SaveResult {
        project: p(),
        task_ref: "KB-9".into(),
        result: "r".into(),
    };
    not_found(t.hub.save_result(&t.ag, result).await);
    not_found(t.hub.get_doc(&t.ag, tref("KB-9"), DocKind::Result).await);
    assert_eq!(t.sql_i64("select count(*) from plans").await, 0);
}

async fn assign_and_unassign(backend: Backend) {
    let t = team(backend).await;
    t.hub.add_task(&t.ag, task("a")).await.unwrap();
    let a = t
        .hub
        .assign_task(&t.ag, assigning("KB-1", Some("copywriter")))
        .await
        .unwrap();
    assert_eq!(a.assignee.as_deref(), Some("copywriter"));
    let read = t.hub.get_task(&t.cw, tref("KB-1")).await.unwrap().task;
    assert_eq!(read.assignee.as_deref(), Some("copywriter"));

    t.hub
        .assign_task(&t.ag, assigning("KB-1", None))
        .await
        .unwrap();
    let read = t.hub.get_task(&t.cw, tref("KB-1")).await.unwrap().task;
    assert_eq!(read.assignee, None);

    t.hub
        .assign_task(&t.ag, assigning("KB-1", Some("admin")))
        .await
        .unwrap();
    t.hub
        .assign_task(&t.ag, assigning("KB-1", Some("")))
        .await
        .unwrap();
    let read = t.hub.get_task(&t.cw, tref("KB-1")).await.unwrap().task;
    assert_eq!(read.assignee, None, "an empty name unassigns");
}

async fn assignee_must_be_project_member(backend: Backend) {
    let t = team(backend).await;
    let input = AddTask {
        assignee: Some("copywriter".into()),
        ..task("a")
    };
    t.hub.add_task(&t.ag, input).await.unwrap();
    for who in ["outsider", "nobody"] {
        let err = t.hub.assign_task(&t.ag, assigning("KB-1", Some(who))).await;
        let message = validation(err, "assignee");
        assert!(message.contains(who), "{message}");
    }
    let read = t.hub.get_task(&t.ag, tref("KB-1")).await.unwrap().task;
    assert_eq!(read.assignee.as_deref(), Some("copywriter"));
    assert_eq!(read.updated_by, "antigravity");

    let input = AddTask {
        assignee: Some("outsider".into()),
        ..task("b")
    };
    validation(t.hub.add_task(&t.ag, input).await, "assignee");
}

async fn list_is_newest_activity_first(backend: Backend) {
    let t = team(backend).await;
    for title in ["a", "b", "c"] {
        t.hub.add_task(&t.ag, task(title)).await.unwrap();
        tick().await;
    }
    let list = t.hub.list_tasks(&t.ag, listing()).await.unwrap();
    assert_eq!(refs(&list.tasks), ["KB-3", "KB-2", "KB-1"]);
    assert_eq!(list.total, 3);
    assert!(list.next_cursor.is_none());

    t.hub
        .move_task(&t.cw, moving("KB-1", TaskStatus::Todo))
        .await
        .unwrap();
    tick().await;
    let plan = SavePlan {
        project: p(),
        task_ref: "KB-2".into(),
        plan: "p".into(),
    };
    t.hub.save_plan(&t.cw, plan).await.unwrap();
    let list = t.hub.list_tasks(&t.ag, listing()).await.unwrap();
    assert_eq!(refs(&list.tasks), ["KB-2", "KB-1", "KB-3"]);
}

/// Five todo (two for copywriter), three backlog (one for copywriter), one done.
async fn seed_filter_tasks(t: &Team) {
    let spec = [
        (TaskStatus::Todo, Some("copywriter")),
        (TaskStatus::Backlog, None),
        (TaskStatus::Todo, None),
        (TaskStatus::Todo, Some("antigravity")),
        (TaskStatus::Backlog, Some("copywriter")),
        (TaskStatus::Todo, Some("copywriter")),
        (TaskStatus::Done, Some("copywriter")),
        (TaskStatus::Backlog, None),
        (TaskStatus::Todo, None),
    ];
    for (i, (status, assignee)) in spec.into_iter().enumerate() {
        let input = AddTask {
            status: Some(status),
            assignee: assignee.map(str::to_string),
            ..task(&format!("task {i}"))
        };
        t.hub.add_task(&t.ag, input).await.unwrap();
    }
}

async fn list_filters_by_status(backend: Backend) {
    let t = team(backend).await;
    seed_filter_tasks(&t).await;
    let todo = ListTasks {
        status: Some(TaskStatus::Todo),
        ..listing()
    };
    let list = t.hub.list_tasks(&t.ag, todo).await.unwrap();
    assert_eq!(list.total, 5);
    assert_eq!(refs(&list.tasks), ["KB-9", "KB-6", "KB-4", "KB-3", "KB-1"]);
    let blocked = ListTasks {
        status: Some(TaskStatus::Blocked),
        ..listing()
    };
    let list = t.hub.list_tasks(&t.ag, blocked).await.unwrap();
    assert_eq!(list.total, 0);
    assert!(list.tasks.is_empty());
}

async fn list_filters_by_assignee(backend: Backend) {
    let t = team(backend).await;
    seed_filter_tasks(&t).await;
    let mine = ListTasks {
        assignee: Some("copywriter".into()),
        ..listing()
    };
    let list = t.hub.list_tasks(&t.ag, mine).await.unwrap();
    assert_eq!(list.total, 4);
    assert_eq!(refs(&list.tasks), ["KB-7", "KB-6", "KB-5", "KB-1"]);
}

async fn list_filters_by_status_and_assignee(backend: Backend) {
    let t = team(backend).await;
    seed_filter_tasks(&t).await;
    let both = ListTasks {
        status: Some(TaskStatus::Todo),
        assignee: Some("copywriter".into()),
        ..listing()
    };
    let list = t.hub.list_tasks(&t.ag, both).await.unwrap();
    assert_eq!(list.total, 2);
    assert_eq!(refs(&list.tasks), ["KB-6", "KB-1"]);
}

/// Follows `next_cursor` to the end, checking each page.
async fn all_pages(t: &Team, base: ListTasks, limit: u32) -> Vec<Vec<String>> {
    let mut pages = Vec::new();
    let mut cursor = None;
    loop {
        let input = ListTasks {
            limit: Some(limit),
            cursor: cursor.take(),
            ..base.clone()
        };
        let page = t.hub.list_tasks(&t.ag, input).await.unwrap();
        assert!(page.tasks.len() <= limit as usize);
        pages.push(refs(&page.tasks));
        match page.next_cursor {
            Some(next) => cursor = Some(next),
            None => break,
        }
        assert!(pages.len() < 50, "paging does not end");
    }
    pages
}

async fn list_pages_with_cursor(backend: Backend) {
    let t = team(backend).await;
    for i in 0..7 {
        t.hub.add_task(&t.ag, task(&format!("t{i}"))).await.unwrap();
    }
    let one_shot = t.hub.list_tasks(&t.ag, listing()).await.unwrap();
    let pages = all_pages(&t, listing(), 3).await;
    assert_eq!(pages.iter().map(Vec::len).collect::<Vec<_>>(), [3, 3, 1]);
    let flat: Vec<String> = pages.concat();
    assert_eq!(
        flat,
        refs(&one_shot.tasks),
        "pages follow the one-shot order"
    );
    assert_eq!(flat.iter().collect::<HashSet<_>>().len(), 7);

    let first = ListTasks {
        limit: Some(3),
        ..listing()
    };
    let page = t.hub.list_tasks(&t.ag, first).await.unwrap();
    assert_eq!(page.total, 7, "total counts every page");
}

/// Five tasks added a tick apart, and the first page of two.
async fn five_tasks_first_page(backend: Backend) -> (Team, TaskList) {
    let t = team(backend).await;
    for i in 0..5 {
        t.hub.add_task(&t.ag, task(&format!("t{i}"))).await.unwrap();
        tick().await;
    }
    let first = ListTasks {
        limit: Some(2),
        ..listing()
    };
    let page1 = t.hub.list_tasks(&t.ag, first).await.unwrap();
    (t, page1)
}

/// Every page carries the total of the whole filter, an empty page too.
async fn list_pages_keep_the_total(backend: Backend) {
    let (t, page1) = five_tasks_first_page(backend).await;
    assert_eq!((page1.tasks.len(), page1.total), (2, 5));
    let rest = ListTasks {
        limit: Some(2),
        cursor: page1.next_cursor.clone(),
        ..listing()
    };
    let page2 = t.hub.list_tasks(&t.ag, rest.clone()).await.unwrap();
    assert_eq!(
        (refs(&page2.tasks), page2.total),
        (vec!["KB-3".to_string(), "KB-2".into()], 5)
    );
    for r in ["KB-1", "KB-2", "KB-3"] {
        t.hub.delete_task(&t.ag, tref(r)).await.unwrap();
    }
    let empty = t.hub.list_tasks(&t.ag, rest).await.unwrap();
    assert_eq!(
        (empty.tasks.len(), empty.total),
        (0, 2),
        "an empty page still counts"
    );
}

async fn list_last_full_page_has_no_cursor(backend: Backend) {
    let t = team(backend).await;
    for i in 0..4 {
        t.hub.add_task(&t.ag, task(&format!("t{i}"))).await.unwrap();
    }
    let pages = all_pages(&t, listing(), 2).await;
    assert_eq!(pages, [vec!["KB-4", "KB-3"], vec!["KB-2", "KB-1"]]);
}

async fn list_pages_within_a_filter(backend: Backend) {
    let t = team(backend).await;
    seed_filter_tasks(&t).await;
    let todo = ListTasks {
        status: Some(TaskStatus::Todo),
        ..listing()
    };
    let pages = all_pages(&t, todo, 2).await;
    assert_eq!(
        pages,
        [vec!["KB-9", "KB-6"], vec!["KB-4", "KB-3"], vec!["KB-1"]]
    );
}

async fn list_paging_survives_activity_between_pages(backend: Backend) {
    let (t, page1) = five_tasks_first_page(backend).await;
    assert_eq!(refs(&page1.tasks), ["KB-5", "KB-4"]);
    // KB-1 moves to the top; the cursor still continues after KB-4 without repeats.
    t.hub
        .move_task(&t.ag, moving("KB-1", TaskStatus::Todo))
        .await
        .unwrap();
    let rest = ListTasks {
        limit: Some(10),
        cursor: page1.next_cursor,
        ..listing()
    };
    let page2 = t.hub.list_tasks(&t.ag, rest).await.unwrap();
    assert_eq!(refs(&page2.tasks), ["KB-3", "KB-2"]);
}

async fn my_tasks_spans_projects(backend: Backend) {
    let t = team(backend).await;
    t.f.project("website", &[&t.cw, &t.ag]).await;
    let mine = |title: &str, project: &str, status| AddTask {
        status: Some(status),
        assignee: Some("copywriter".into()),
        ..task_in(project, title)
    };
    t.hub
        .add_task(&t.ag, mine("kb todo", P, TaskStatus::Todo))
        .await
        .unwrap();
    t.hub
        .add_task(&t.ag, mine("web todo", "website", TaskStatus::Todo))
        .await
        .unwrap();
    t.hub
        .add_task(&t.ag, mine("web done", "website", TaskStatus::Done))
        .await
        .unwrap();
    let other = AddTask {
        assignee: Some("antigravity".into()),
        ..task("not mine")
    };
    t.hub.add_task(&t.ag, other).await.unwrap();
    t.hub.add_task(&t.ag, task("unassigned")).await.unwrap();

    let all = t.hub.my_tasks(&t.cw, MyTasks::default()).await.unwrap();
    assert_eq!(all.total, 3);
    let mut got: Vec<(String, String)> = all
        .tasks
        .iter()
        .map(|a| (a.project.clone(), a.task.task_ref.clone()))
        .collect();
    got.sort();
    assert_eq!(
        got,
        [
            ("kaoru-bot".to_string(), "KB-1".to_string()),
            ("website".to_string(), "WEB-1".to_string()),
            ("website".to_string(), "WEB-2".to_string()),
        ]
    );
    assert!(
        all.tasks
            .iter()
            .all(|a| a.task.assignee.as_deref() == Some("copywriter"))
    );

    let web = MyTasks {
        project: Some("website".into()),
        status: None,
    };
    let web = t.hub.my_tasks(&t.cw, web).await.unwrap();
    assert_eq!(web.total, 2);
    assert!(web.tasks.iter().all(|a| a.project == "website"));

    let todo = MyTasks {
        project: None,
        status: Some(TaskStatus::Todo),
    };
    let todo = t.hub.my_tasks(&t.cw, todo).await.unwrap();
    assert_eq!(todo.total, 2);
    let mut titles: Vec<&str> = todo.tasks.iter().map(|a| a.task.title.as_str()).collect();
    titles.sort();
    assert_eq!(titles, ["kb todo", "web todo"]);

    let outsider = t.hub.my_tasks(&t.out, MyTasks::default()).await.unwrap();
    assert_eq!(outsider.total, 0);
}

/// A call resolves its project and then adds the task; when the project is deleted in
/// between, the add reports the project gone and writes nothing.
async fn add_task_to_a_project_deleted_meanwhile_is_not_found(backend: Backend) {
    let t = team(backend).await;
    let resolved = t
        .store()
        .project_for(P, t.ag.member.id)
        .await
        .unwrap()
        .expect("project");
    let delete = DeleteProject {
        project: P.into(),
        confirm: P.into(),
    };
    t.hub.delete_project(&t.f.admin, delete).await.unwrap();
    let late = new_task("late");
    let message = not_found(t.store().add_task("antigravity", &resolved, &late).await);
    assert!(
        message.contains("'kaoru-bot' no longer exists"),
        "{message}"
    );
    assert_eq!(t.sql_i64("select count(*) from tasks").await, 0);
}

on_both_backends!(
    add_task_applies_defaults,
    add_task_to_a_project_deleted_meanwhile_is_not_found,
    add_task_stores_every_field,
    refs_count_up_per_project,
    every_ref_form_finds_the_task,
    get_missing_task_is_not_found,
    move_task_changes_status_and_author,
    move_missing_task_is_not_found,
    complete_task_sets_done_and_summary,
    update_task_changes_only_given_fields,
    update_task_needs_something_to_change,
    delete_task_removes_it_with_plan_and_result,
    plan_and_result_are_stored_and_replaced,
    documents_of_missing_task_are_not_found,
    assign_and_unassign,
    assignee_must_be_project_member,
    list_is_newest_activity_first,
    list_filters_by_status,
    list_filters_by_assignee,
    list_filters_by_status_and_assignee,
    list_pages_with_cursor,
    list_pages_keep_the_total,
    list_last_full_page_has_no_cursor,
    list_pages_within_a_filter,
    list_paging_survives_activity_between_pages,
    my_tasks_spans_projects,
);
