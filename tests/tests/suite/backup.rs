//! `jc-hub export` / `jc-hub import`: a project round-trips between SQLite and PostgreSQL
//! with nothing lost, import is all-or-nothing, and a restored hub behaves the same.

use std::collections::HashMap;

use jc_hub::backup::*;
use jc_hub::error::HubError;
use jc_hub::model::*;
use jc_hub::service::*;
use jc_hub::store::Store;
use jc_tests::{Backend, Fixture, fresh_store, on_both_backends};
use serde_json::json;

const P: &str = "kaoru-bot";

fn p() -> Option<String> {
    Some(P.to_string())
}

/// A project with every kind of data, made through the service: tasks in all statuses
/// (one deleted, so `task_seq` is past the last task), plans, results, summaries,
/// assignees, JSON context, open and ended sessions, read and unread messages, project
/// and global memories in both tiers with usage by two members, and their events.
async fn populate(f: &Fixture) -> (Caller, Caller) {
    let hub = &f.hub;
    let (ag, _) = f.member("antigravity").await;
    let (cw, _) = f.member("human-copy").await;
    f.project(P, &[&ag, &cw]).await;
    let caps = vec![Capability {
        name: "systematic-debugging".into(),
        desc: "finds root causes".into(),
    }];
    let start = |caps: Option<Vec<Capability>>| Start {
        project: p(),
        agent: None,
        capabilities: caps,
    };
    hub.start(&ag, start(Some(caps))).await.unwrap();
    hub.start(&cw, start(None)).await.unwrap();
    let add = |title: &str, status: Option<TaskStatus>, assignee: Option<&str>| AddTask {
        project: p(),
        title: title.into(),
        description: Some(format!("{title}, in detail")),
        priority: Some(Priority::High),
        status,
        assignee: assignee.map(String::from),
    };
    let r = |n: i64| format!("KB-{n}");
    hub.add_task(&ag, add("Backlog idea", None, None))
        .await
        .unwrap();
    hub.add_task(&ag, add("Todo", Some(TaskStatus::Todo), Some("human-copy")))
        .await
        .unwrap();
    hub.add_task(
        &cw,
        add("Doing", Some(TaskStatus::InProgress), Some("antigravity")),
    )
    .await
    .unwrap();
    hub.add_task(&ag, add("Finish", Some(TaskStatus::Todo), None))
        .await
        .unwrap();
    hub.add_task(&ag, add("Stuck", None, None)).await.unwrap();
    hub.add_task(&ag, add("Gone", None, None)).await.unwrap();
    for (n, who) in [(2, &ag), (3, &cw)] {
        let input = SavePlan {
            project: p(),
            task_ref: r(n),
            plan: format!("plan for {n}"),
        };
        hub.save_plan(who, input).await.unwrap();
    }
    let input = SaveResult {
        project: p(),
        task_ref: r(3),
        result: "half done".into(),
    };
    hub.save_result(&ag, input).await.unwrap();
    let input = CompleteTask {
        project: p(),
        task_ref: r(4),
        summary: "shipped in v2".into(),
    };
    hub.complete_task(&cw, input).await.unwrap();
    let input = MoveTask {
        project: p(),
        task_ref: r(5),
        status: TaskStatus::Blocked,
        note: Some("waiting for keys".into()),
    };
    hub.move_task(&ag, input).await.unwrap();
    let input = TaskRefArgs {
        project: p(),
        task_ref: r(6),
    };
    hub.delete_task(&f.admin, input).await.unwrap();

    let values = [
        (
            "stack",
            json!({"db": ["sqlite", "postgres"], "rust": {"edition": 2024}}),
        ),
        ("count", json!(42)),
        ("note", json!("plain text")),
        ("flags", json!([true, null, 1.5])),
    ];
    for (key, value) in values {
        let input = SetContext {
            project: p(),
            key: key.into(),
            value,
        };
        hub.set_context(&ag, input).await.unwrap();
    }
    let input = SetContext {
        project: p(),
        key: "note".into(),
        value: json!("edited"),
    };
    hub.set_context(&cw, input).await.unwrap();

    for (from, to, text) in [
        (&ag, "human-copy", "copy is ready"),
        (&cw, "antigravity", "thanks, reviewing"),
        (&f.admin, "antigravity", "welcome"),
    ] {
        let input = PostMessage {
            project: p(),
            recipient: to.into(),
            content: text.into(),
        };
        hub.post_message(from, input).await.unwrap();
    }
    hub.get_messages(
        &cw,
        GetMessages {
            project: p(),
            ..GetMessages::default()
        },
    )
    .await
    .unwrap();
    let input = EndSession {
        project: p(),
        summary: "copy reviewed".into(),
    };
    hub.end_session(&cw, input).await.unwrap();

    let memories = [
        ("PSR", Category::Term, Scope::Project, Tier::Hot),
        ("cadence", Category::Process, Scope::Project, Tier::Hot),
        ("archive", Category::Other, Scope::Project, Tier::Deep),
        ("fedor", Category::Person, Scope::Global, Tier::Hot),
        ("tz", Category::Preference, Scope::Global, Tier::Hot),
        ("old", Category::Other, Scope::Global, Tier::Hot),
    ];
    for (key, category, scope, tier) in memories {
        let input = Remember {
            project: p(),
            category,
            key: key.into(),
            value: format!("about {key}"),
            scope: Some(scope),
            tier: Some(tier),
        };
        hub.remember(&ag, input).await.unwrap();
    }
    let input = Forget {
        project: p(),
        key: "old".into(),
        scope: Some(Scope::Global),
    };
    hub.forget(&cw, input).await.unwrap();
    for (who, key, times) in [
        (&ag, "fedor", 3),
        (&ag, "PSR", 1),
        (&cw, "tz", 2),
        (&cw, "cadence", 1),
    ] {
        for _ in 0..times {
            let input = Recall {
                project: p(),
                key: key.into(),
            };
            hub.recall(who, input).await.unwrap();
        }
    }
    (ag, cw)
}

async fn project_ref(store: &dyn Store, member: &str) -> (i64, jc_hub::store::ProjectRef) {
    let m = store.member_by_name(member).await.unwrap().expect("member");
    let p = store.project_for(P, m.id).await.unwrap().expect("project");
    (m.id, p)
}

async fn export(store: &dyn Store) -> ProjectBackup {
    let (_, project) = project_ref(store, "admin").await;
    store.export_project(&project).await.unwrap()
}

/// The document with what legitimately differs between hubs blanked out: the export
/// time, and session and message ids (replaced by their position, in the rows and in
/// the events that name them).
fn normalise(mut b: ProjectBackup) -> ProjectBackup {
    b.exported_at = Timestamp(0);
    let mut sessions = HashMap::new();
    for (i, s) in b.sessions.iter_mut().enumerate() {
        sessions.insert(s.id.to_string(), i.to_string());
        s.id = i as i64;
    }
    let mut messages = HashMap::new();
    for (i, m) in b.messages.iter_mut().enumerate() {
        messages.insert(m.id.to_string(), i.to_string());
        m.id = i as i64;
    }
    for e in &mut b.events {
        let ids = match e.entity.as_str() {
            "session" => &sessions,
            "message" => &messages,
            _ => continue,
        };
        e.entity_key = ids.get(&e.entity_key).expect("event names a row").clone();
    }
    b
}

/// Compares section by section, so a failure shows only what differs.
#[track_caller]
fn same_document(got: ProjectBackup, want: ProjectBackup) {
    assert_eq!(got.project, want.project);
    assert_eq!(got.members, want.members);
    assert_eq!(got.tasks, want.tasks);
    assert_eq!(got.context, want.context);
    assert_eq!(got.sessions, want.sessions);
    assert_eq!(got.messages, want.messages);
    assert_eq!(got.memories, want.memories);
    for (i, (g, w)) in got.events.iter().zip(&want.events).enumerate() {
        assert_eq!(g, w, "event {i}");
    }
    assert_eq!(got, want);
}

async fn hot_keys(store: &dyn Store, member: &str) -> Vec<(Scope, String)> {
    let (id, project) = project_ref(store, member).await;
    let hot = store.hot_cache(id, &project, 30).await.unwrap();
    hot.into_iter().map(|m| (m.scope, m.key)).collect()
}

/// Export from `from`, import into a fresh `to`, export again: the same document.
async fn round_trip(from: Backend, to: Backend) {
    let f = Fixture::new(from).await;
    populate(&f).await;
    let first = export(f.store()).await;
    // Through the file format, as the CLI does.
    let text = serde_json::to_string_pretty(&first).unwrap();
    let parsed: ProjectBackup = serde_json::from_str(&text).unwrap();
    assert_eq!(parsed, first);

    let (store, _db) = fresh_store(to).await;
    let report = store.import_project("restorer", &parsed).await.unwrap();
    assert_eq!(
        report.members_created,
        ["admin", "antigravity", "human-copy"]
    );
    assert_eq!(report.global_memories_inserted, ["fedor", "tz"]);
    assert_eq!((report.tasks, report.project_memories), (5, 3));
    let second = export(store.as_ref()).await;
    assert_eq!(second.events.len(), first.events.len());
    same_document(normalise(second), normalise(first.clone()));

    // Spot checks of what the comparison covers, so a bug in export cannot hide.
    assert_eq!(first.project.task_seq, 6);
    assert_eq!(first.tasks.len(), 5);
    let t3 = &first.tasks[2];
    assert_eq!(t3.plan.as_ref().unwrap().created_by, "human-copy");
    assert_eq!(t3.result.as_ref().unwrap().content, "half done");
    assert_eq!(first.tasks[3].summary.as_deref(), Some("shipped in v2"));
    assert!(first.sessions.iter().any(|s| s.ended_at.is_none()));
    assert!(first.sessions.iter().any(|s| s.summary.is_some()));
    assert!(first.messages.iter().any(|m| m.read_at.is_some()));
    assert!(first.messages.iter().any(|m| m.read_at.is_none()));
    let fedor = first.memories.iter().find(|m| m.key == "fedor").unwrap();
    assert_eq!((fedor.scope, fedor.usage_count), (Scope::Global, 3));
    assert_eq!(fedor.usage[0].member, "antigravity");
    assert!(first.memories.iter().all(|m| m.key != "old"));
    let caps = &first.members[1].capabilities;
    assert_eq!(caps[0].name, "systematic-debugging");
    assert!(first.events.iter().any(|e| e.action == "forgotten"));

    for member in ["admin", "antigravity", "human-copy"] {
        let before = hot_keys(f.store(), member).await;
        assert_eq!(hot_keys(store.as_ref(), member).await, before, "{member}");
    }

    // The restored hub carries on: the next task continues the sequence.
    let hub = Hub::new(
        store,
        HubInfo {
            public_url: "http://127.0.0.1:8765".into(),
        },
    );
    let admin = Caller::new(hub.first_admin().await.unwrap());
    let input = AddTask {
        project: p(),
        title: "After restore".into(),
        description: None,
        priority: None,
        status: None,
        assignee: None,
    };
    let task = hub.add_task(&admin, input).await.unwrap();
    assert_eq!(task.task_ref, "KB-7");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn round_trip_sqlite_to_postgres() {
    round_trip(Backend::Sqlite, Backend::Postgres).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn round_trip_postgres_to_sqlite() {
    round_trip(Backend::Postgres, Backend::Sqlite).await;
}

/// Counts of every table an import writes to.
async fn row_counts(f: &Fixture) -> Vec<i64> {
    let mut counts = Vec::new();
    for table in [
        "projects",
        "members",
        "project_members",
        "tasks",
        "plans",
        "results",
        "context",
        "sessions",
        "messages",
        "memories",
        "memory_usage",
        "events",
    ] {
        counts.push(f.sql_i64(&format!("select count(*) from {table}")).await);
    }
    counts
}

#[track_caller]
fn assert_conflict(result: Result<ImportReport, HubError>, needle: &str) {
    match result {
        Err(HubError::Conflict(msg)) => assert!(msg.contains(needle), "{msg}"),
        other => panic!("expected a conflict about {needle}, got {other:?}"),
    }
}

async fn import_refuses_existing_name_or_key(backend: Backend) {
    let f = Fixture::new(backend).await;
    populate(&f).await;
    let backup = f.hub.export_project(&f.admin, P).await.unwrap();
    let before = row_counts(&f).await;
    let same = f.hub.import_project(&f.admin, &backup).await;
    assert_conflict(same, "a project named 'kaoru-bot' already exists");
    let mut renamed = backup.clone();
    renamed.project.name = "kaoru-copy".into();
    let same_key = f.hub.import_project(&f.admin, &renamed).await;
    assert_conflict(
        same_key,
        "task key 'KB' is already used by project 'kaoru-bot'",
    );
    assert_eq!(row_counts(&f).await, before);
}

/// A failure after rows were written (here a usage row naming nobody, which only the
/// store notices) rolls the whole import back.
async fn failed_import_writes_nothing(backend: Backend) {
    let source = Fixture::new(backend).await;
    populate(&source).await;
    let mut backup = export(source.store()).await;
    let last = backup.memories.last_mut().unwrap();
    last.usage.push(BackupUsage {
        member: "nobody".into(),
        usage_count: 1,
        last_used: Timestamp(1),
    });
    let f = Fixture::new(backend).await;
    let before = row_counts(&f).await;
    let err = f
        .store()
        .import_project("admin", &backup)
        .await
        .unwrap_err();
    assert!(matches!(err, HubError::Validation { .. }), "{err:?}");
    assert_eq!(row_counts(&f).await, before);
    // The service says so before touching the database.
    let err = f.hub.import_project(&f.admin, &backup).await.unwrap_err();
    assert!(err.to_string().contains("'nobody'"), "{err}");
}

/// Importing into a hub in use: existing members and global memories are reused as they
/// are, missing members are created without tokens, and work continues from the backup.
async fn import_into_a_hub_in_use(backend: Backend) {
    let source = Fixture::new(backend).await;
    let (ag, _) = populate(&source).await;
    let backup = source.hub.export_project(&source.admin, P).await.unwrap();

    let f = Fixture::new(backend).await;
    let (local, _) = f.member("antigravity").await;
    let input = Remember {
        project: None,
        category: Category::Person,
        key: "fedor".into(),
        value: "the local fedor".into(),
        scope: Some(Scope::Global),
        tier: None,
    };
    f.project("other", &[&local]).await;
    f.hub.remember(&local, input).await.unwrap();
    let report = f.hub.import_project(&f.admin, &backup).await.unwrap();
    assert_eq!(report.members_reused, ["admin", "antigravity"]);
    assert_eq!(report.members_created, ["human-copy"]);
    assert_eq!(report.global_memories_kept, ["fedor"]);
    assert_eq!(report.global_memories_inserted, ["tz"]);
    let recalled = f
        .hub
        .recall(
            &local,
            Recall {
                project: p(),
                key: "fedor".into(),
            },
        )
        .await
        .unwrap();
    assert_eq!(recalled.value, "the local fedor");

    // The created member has no token until an admin issues one.
    let tokens = "select count(*) from api_tokens t join members m on m.id = t.member_id
                  where m.name = 'human-copy'";
    assert_eq!(f.sql_i64(tokens).await, 0);
    let rotated = f.hub.rotate_token(&f.admin, "human-copy").await.unwrap();
    let copy = Caller::new(f.hub.authenticate(&rotated.token).await.unwrap());
    let inbox = f
        .hub
        .get_messages(
            &copy,
            GetMessages {
                project: p(),
                unread_only: Some(false),
                limit: None,
            },
        )
        .await
        .unwrap();
    assert_eq!(inbox.messages.len(), 1);

    let input = AddTask {
        project: p(),
        title: "Next".into(),
        description: None,
        priority: None,
        status: None,
        assignee: Some(ag.name().into()),
    };
    let task = f.hub.add_task(&copy, input).await.unwrap();
    assert_eq!(task.task_ref, "KB-7");
    // One audit row for the import itself, outside the project's restored trail.
    let imported = "select count(*) from events where action = 'imported' and project_id is null";
    assert_eq!(f.sql_i64(imported).await, 1);
}

async fn only_admins_back_up(backend: Backend) {
    let f = Fixture::new(backend).await;
    let (ag, _) = populate(&f).await;
    let backup = f.hub.export_project(&f.admin, P).await.unwrap();
    let err = f.hub.export_project(&ag, P).await.unwrap_err();
    assert!(matches!(err, HubError::Forbidden(_)), "{err:?}");
    let err = f.hub.import_project(&ag, &backup).await.unwrap_err();
    assert!(matches!(err, HubError::Forbidden(_)), "{err:?}");
    let mut other = backup.clone();
    other.format = "something-else".into();
    let err = f.hub.import_project(&f.admin, &other).await.unwrap_err();
    assert_eq!(err.field(), Some("format"));
    let text = serde_json::to_string(&backup).unwrap();
    assert!(!text.contains("token"), "a backup never holds tokens");
}

on_both_backends!(
    import_refuses_existing_name_or_key,
    failed_import_writes_nothing,
    import_into_a_hub_in_use,
    only_admins_back_up,
);
