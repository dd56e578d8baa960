//! Sessions, the `jc_start` briefing (SPEC §4) and the `jc_get_state` snapshot.

use jc_hub::model::*;
use jc_hub::service::*;
use jc_tests::{Backend, on_both_backends};
use serde_json::json;

use crate::helpers::*;

fn caps(names: &[&str]) -> Option<Vec<Capability>> {
    Some(
        names
            .iter()
            .map(|n| Capability {
                name: n.to_string(),
                desc: format!("when {n} helps"),
            })
            .collect(),
    )
}

async fn sessions(t: &Team) -> Vec<Session> {
    t.hub
        .list_sessions(
            &t.ag,
            ListSessions {
                project: p(),
                limit: None,
            },
        )
        .await
        .expect("list sessions")
        .sessions
}

async fn start_opens_a_session(backend: Backend) {
    let t = team(backend).await;
    let b = t.hub.start(&t.ag, starting()).await.unwrap();
    assert_eq!(b.you, "antigravity");
    let list = sessions(&t).await;
    assert_eq!(list.len(), 1);
    assert_eq!(list[0].id, b.session_id);
    assert_eq!(list[0].agent, "antigravity");
    assert_eq!(list[0].ended_at, None);
    assert_eq!(list[0].summary, None);
}

async fn starting_again_closes_the_open_session(backend: Backend) {
    let t = team(backend).await;
    let first = t.hub.start(&t.ag, starting()).await.unwrap();
    tick().await;
    let second = t.hub.start(&t.ag, starting()).await.unwrap();
    assert_ne!(first.session_id, second.session_id);
    let list = sessions(&t).await;
    assert_eq!(list.len(), 2);
    assert_eq!(list[0].id, second.session_id, "newest first");
    assert_eq!(list[0].ended_at, None);
    assert_eq!(list[1].id, first.session_id);
    assert!(list[1].ended_at.is_some());
}

async fn end_session_records_the_summary(backend: Backend) {
    let t = team(backend).await;
    let b = t.hub.start(&t.ag, starting()).await.unwrap();
    let ended = t
        .hub
        .end_session(&t.ag, ending("copy drafted; review left"))
        .await
        .unwrap();
    assert_eq!(ended.id, b.session_id);
    assert_eq!(ended.summary.as_deref(), Some("copy drafted; review left"));
    let ended_at = ended.ended_at.expect("ended_at");
    assert!(ended_at >= ended.started_at);
    let list = sessions(&t).await;
    assert_eq!(
        list[0].summary.as_deref(),
        Some("copy drafted; review left")
    );
    assert_eq!(list[0].ended_at, Some(ended_at));
    not_found(t.hub.end_session(&t.ag, ending("again")).await);
}

async fn end_session_without_start_is_not_found(backend: Backend) {
    let t = team(backend).await;
    let message = not_found(t.hub.end_session(&t.ag, ending("done")).await);
    assert!(message.contains("jc_start"), "{message}");
}

async fn end_session_only_ends_the_callers(backend: Backend) {
    let t = team(backend).await;
    let ag = t.hub.start(&t.ag, starting()).await.unwrap();
    let cw = t.hub.start(&t.cw, starting()).await.unwrap();
    t.hub.end_session(&t.ag, ending("done")).await.unwrap();
    let list = sessions(&t).await;
    let find = |id| list.iter().find(|s| s.id == id).unwrap();
    assert!(find(ag.session_id).ended_at.is_some());
    assert_eq!(find(cw.session_id).ended_at, None);
    assert_eq!(find(cw.session_id).agent, "copywriter");
}

async fn list_sessions_is_newest_first_and_limited(backend: Backend) {
    let t = team(backend).await;
    for who in [&t.ag, &t.cw, &t.ag] {
        t.hub.start(who, starting()).await.unwrap();
        tick().await;
    }
    let list = sessions(&t).await;
    let agents: Vec<&str> = list.iter().map(|s| s.agent.as_str()).collect();
    assert_eq!(agents, ["antigravity", "copywriter", "antigravity"]);
    let one = ListSessions {
        project: p(),
        limit: Some(1),
    };
    let one = t.hub.list_sessions(&t.ag, one).await.unwrap();
    assert_eq!(one.sessions.len(), 1);
    assert_eq!(one.sessions[0].id, list[0].id);
}

async fn start_stores_capabilities(backend: Backend) {
    let t = team(backend).await;
    let input = Start {
        capabilities: caps(&["systematic-debugging", "copywriting"]),
        ..starting()
    };
    let b = t.hub.start(&t.cw, input).await.unwrap();
    let me = b.team.iter().find(|m| m.name == "copywriter").unwrap();
    assert_eq!(me.capabilities, ["systematic-debugging", "copywriting"]);

    let members = t.hub.project_members(&t.ag, here()).await.unwrap();
    let cw = members.members.iter().find(|m| m.name == "copywriter");
    let cw = cw.unwrap();
    assert_eq!(
        cw.capabilities,
        caps(&["systematic-debugging", "copywriting"]).unwrap()
    );

    // Omitting capabilities keeps them; an empty list clears them.
    t.hub.start(&t.cw, starting()).await.unwrap();
    let all = t.hub.list_members(&t.ag).await.unwrap();
    let cw = all.members.iter().find(|m| m.name == "copywriter").unwrap();
    assert_eq!(cw.capabilities.len(), 2);
    let clear = Start {
        capabilities: Some(vec![]),
        ..starting()
    };
    t.hub.start(&t.cw, clear).await.unwrap();
    let all = t.hub.list_members(&t.ag).await.unwrap();
    let cw = all.members.iter().find(|m| m.name == "copywriter").unwrap();
    assert!(cw.capabilities.is_empty());
}

async fn start_checks_the_agent_name(backend: Backend) {
    let t = team(backend).await;
    let wrong = Start {
        agent: Some("copywriter".into()),
        ..starting()
    };
    let message = forbidden(t.hub.start(&t.ag, wrong).await);
    assert!(message.contains("copywriter"), "{message}");
    assert!(sessions(&t).await.is_empty(), "no session opened");
    let right = Start {
        agent: Some("antigravity".into()),
        ..starting()
    };
    let b = t.hub.start(&t.ag, right).await.unwrap();
    assert_eq!(b.you, "antigravity");
}

async fn start_checks_capabilities(backend: Backend) {
    let t = team(backend).await;
    let names: Vec<String> = (0..101).map(|i| format!("skill-{i}")).collect();
    let refs: Vec<&str> = names.iter().map(String::as_str).collect();
    let too_many = Start {
        capabilities: caps(&refs),
        ..starting()
    };
    validation(t.hub.start(&t.ag, too_many).await, "capabilities");
    let unnamed = Start {
        capabilities: caps(&[" "]),
        ..starting()
    };
    validation(t.hub.start(&t.ag, unnamed).await, "capabilities.name");
    assert!(sessions(&t).await.is_empty());
}

async fn briefing_has_protocol_project_and_team(backend: Backend) {
    let t = team(backend).await;
    let b = t.hub.start(&t.ag, starting()).await.unwrap();
    assert_eq!(b.project.name, P);
    assert_eq!(b.project.key, "KB");
    assert_eq!(b.project.description, "kaoru-bot description");
    let protocol = b.protocol.join("\n");
    for needle in [
        "jc_start",
        "jc_end_session",
        "in_progress",
        "jc_post_message",
    ] {
        assert!(protocol.contains(needle), "protocol lacks {needle}");
    }
    assert!(b.protocol.len() <= 10, "a few lines only");

    let names: Vec<&str> = b.team.iter().map(|m| m.name.as_str()).collect();
    assert_eq!(names, ["admin", "antigravity", "copywriter"]);
    assert_eq!(b.team_total, 3);
    let cw = &b.team[2];
    assert_eq!(cw.kind, MemberKind::Agent);
    assert_eq!(cw.role, "copywriter role");
    assert_eq!(b.team[0].kind, MemberKind::Human);
}

async fn briefing_lists_active_tasks_callers_first_and_capped(backend: Backend) {
    let t = team(backend).await;
    // Copywriter's tasks are the oldest, so recency alone would list them last.
    let statuses = [
        TaskStatus::Todo,
        TaskStatus::InProgress,
        TaskStatus::Blocked,
    ];
    for (i, status) in statuses.into_iter().enumerate() {
        let input = AddTask {
            status: Some(status),
            assignee: Some("copywriter".into()),
            ..task(&format!("cw {i}"))
        };
        t.hub.add_task(&t.ag, input).await.unwrap();
    }
    // Enough to pass the cap whatever it is tuned to.
    let others = ACTIVE_CAP + 2;
    for i in 0..others {
        let input = AddTask {
            status: Some(TaskStatus::Todo),
            assignee: (i % 2 == 0).then(|| "antigravity".to_string()),
            ..task(&format!("other {i}"))
        };
        t.hub.add_task(&t.ag, input).await.unwrap();
    }
    for status in [TaskStatus::Backlog, TaskStatus::Done] {
        let input = AddTask {
            status: Some(status),
            assignee: Some("copywriter".into()),
            ..task("inactive")
        };
        t.hub.add_task(&t.ag, input).await.unwrap();
    }

    let b = t.hub.start(&t.cw, starting()).await.unwrap();
    assert_eq!(b.active_total, 3 + others);
    assert_eq!(b.active_tasks.len() as i64, ACTIVE_CAP, "capped");
    let first: Vec<Option<&str>> = b.active_tasks[..3]
        .iter()
        .map(|t| t.assignee.as_deref())
        .collect();
    assert_eq!(first, [Some("copywriter"); 3], "the caller's own first");
    assert!(
        b.active_tasks[3..]
            .iter()
            .all(|t| t.assignee.as_deref() != Some("copywriter"))
    );
    assert!(b.active_tasks.iter().all(|t| t.status.is_active()));
    assert!(b.active_tasks.iter().all(|t| t.title != "inactive"));
}

/// `jc_get_state` passes the active count it just read, which picks one sorted range for
/// a project with few active tasks; `jc_start` counts them and reads six ranges. Both
/// plans must list the same tasks in the same order, whatever the limit.
async fn active_tasks_are_the_same_with_either_plan(backend: Backend) {
    let t = team(backend).await;
    let statuses = [
        TaskStatus::Todo,
        TaskStatus::InProgress,
        TaskStatus::Blocked,
        TaskStatus::Backlog,
        TaskStatus::Done,
    ];
    let assignees = [Some("copywriter"), Some("antigravity"), None];
    for i in 0..30 {
        let input = AddTask {
            status: Some(statuses[i % statuses.len()]),
            assignee: assignees[i % assignees.len()].map(str::to_string),
            ..task(&format!("task {i}"))
        };
        t.hub.add_task(&t.ag, input).await.unwrap();
    }
    // Moves change the recency order away from creation order.
    for seq in [3, 8, 14] {
        let change = MoveTask {
            project: None,
            task_ref: seq.to_string(),
            status: TaskStatus::InProgress,
            note: None,
        };
        t.hub.move_task(&t.ag, change).await.unwrap();
    }
    let store = t.hub.store();
    let member = store.member_by_name("copywriter").await.unwrap().unwrap();
    let project = store
        .project_for(&t.project.name, member.id)
        .await
        .unwrap()
        .unwrap();
    let refs = |tasks: Vec<Task>| tasks.into_iter().map(|t| t.task_ref).collect::<Vec<_>>();
    for limit in [1, 4, 10, 40] {
        let (counted, total) = store
            .active_tasks(&project, "copywriter", limit, None)
            .await
            .unwrap();
        let active = total.expect("counted");
        assert!(
            active > 6,
            "the project needs more active tasks than the smallest limit"
        );
        let (few, _) = store
            .active_tasks(&project, "copywriter", limit, Some(1))
            .await
            .unwrap();
        let (many, _) = store
            .active_tasks(&project, "copywriter", limit, Some(1_000_000))
            .await
            .unwrap();
        assert_eq!(
            refs(few),
            refs(counted.clone()),
            "one sorted range, limit {limit}"
        );
        assert_eq!(
            refs(many),
            refs(counted.clone()),
            "six ranges, limit {limit}"
        );
        assert_eq!(counted.len() as i64, limit.min(active));
    }
    let (none, _) = store
        .active_tasks(&project, "copywriter", 10, Some(0))
        .await
        .unwrap();
    assert!(none.is_empty(), "a count of none reads none");
}

async fn briefing_lists_context_keys_with_authors(backend: Backend) {
    let t = team(backend).await;
    t.hub
        .set_context(&t.ag, context("stack", json!({"db": "pg"})))
        .await
        .unwrap();
    t.hub
        .set_context(&t.cw, context("tone", json!("friendly")))
        .await
        .unwrap();
    let b = t.hub.start(&t.ag, starting()).await.unwrap();
    let keys: Vec<(&str, &str)> = b
        .context_keys
        .iter()
        .map(|k| (k.key.as_str(), k.updated_by.as_str()))
        .collect();
    assert_eq!(keys, [("stack", "antigravity"), ("tone", "copywriter")]);
    assert_eq!(b.context_total, 2);
}

async fn briefing_shows_unread_without_marking_them(backend: Backend) {
    let t = team(backend).await;
    let total = UNREAD_CAP + 2;
    for i in 1..=total {
        t.hub
            .post_message(&t.ag, message("copywriter", &format!("m{i}")))
            .await
            .unwrap();
    }
    t.hub
        .post_message(&t.cw, message("antigravity", "not for cw"))
        .await
        .unwrap();
    let b = t.hub.start(&t.cw, starting()).await.unwrap();
    assert_eq!(b.unread_total, total);
    let shown: Vec<&str> = b
        .unread_messages
        .iter()
        .map(|m| m.content.as_str())
        .collect();
    let expected: Vec<String> = (1..=UNREAD_CAP).map(|i| format!("m{i}")).collect();
    assert_eq!(shown, expected, "capped, oldest first");
    assert!(b.unread_messages.iter().all(|m| m.read_at.is_none()));

    let inbox = t.hub.get_messages(&t.cw, inbox()).await.unwrap();
    assert_eq!(
        inbox.messages.len() as i64,
        total,
        "the briefing did not mark them read"
    );
    let b = t.hub.start(&t.cw, starting()).await.unwrap();
    assert_eq!(b.unread_total, 0);
    assert!(b.unread_messages.is_empty());
}

fn hot_keys(b: &Briefing) -> Vec<&str> {
    b.hot_cache.iter().map(|m| m.key.as_str()).collect()
}

async fn hot_cache_ranks_own_use_then_global_use_then_recency(backend: Backend) {
    let t = team(backend).await;
    let remember = |input: Remember| async { t.hub.remember(&t.ag, input).await.unwrap() };
    remember(memo(Category::Term, "alpha", "a")).await;
    remember(memo(Category::Term, "beta", "b")).await;
    remember(global_memo(Category::Person, "gamma", "g")).await;
    remember(memo(Category::Term, "delta", "d")).await;
    remember(memo(Category::Term, "epsilon", "e")).await;
    tick().await;
    // Touching alpha makes it more recent than epsilon, though epsilon is newer by id.
    remember(memo(Category::Term, "alpha", "a2")).await;
    tick().await;
    for _ in 0..3 {
        t.hub.recall(&t.ag, recalling("beta")).await.unwrap();
    }
    for _ in 0..2 {
        t.hub.recall(&t.ag, recalling("gamma")).await.unwrap();
    }
    t.hub.recall(&t.cw, recalling("delta")).await.unwrap();

    let cw = t.hub.start(&t.cw, starting()).await.unwrap();
    assert_eq!(
        hot_keys(&cw),
        ["delta", "beta", "gamma", "alpha", "epsilon"],
        "copywriter: own use, then global use, then recency"
    );
    let ag = t.hub.start(&t.ag, starting()).await.unwrap();
    assert_eq!(
        hot_keys(&ag),
        ["beta", "gamma", "delta", "alpha", "epsilon"],
        "antigravity: own use differs, so does the order"
    );
    let gamma = &cw.hot_cache[2];
    assert_eq!(gamma.scope, Scope::Global);
    assert_eq!(gamma.category, Category::Person);
    assert_eq!(gamma.value, "g");
    assert_eq!(cw.hot_cache[3].value, "a2");
}

async fn hot_cache_holds_only_hot_memories_visible_here(backend: Backend) {
    let t = team(backend).await;
    t.f.project("website", &[&t.ag]).await;
    t.hub
        .remember(&t.ag, memo(Category::Term, "hot-here", "x"))
        .await
        .unwrap();
    t.hub
        .remember(&t.ag, global_memo(Category::Term, "hot-global", "x"))
        .await
        .unwrap();
    let deep = Remember {
        tier: Some(Tier::Deep),
        ..memo(Category::Term, "deep-here", "x")
    };
    t.hub.remember(&t.ag, deep).await.unwrap();
    let deep_global = Remember {
        tier: Some(Tier::Deep),
        ..global_memo(Category::Term, "deep-global", "x")
    };
    t.hub.remember(&t.ag, deep_global).await.unwrap();
    let elsewhere = Remember {
        project: Some("website".into()),
        ..memo(Category::Term, "hot-web", "x")
    };
    t.hub.remember(&t.ag, elsewhere).await.unwrap();
    t.hub
        .remember(&t.ag, memo(Category::Term, "demoted", "x"))
        .await
        .unwrap();
    let demote = SetMemoryTier {
        project: p(),
        key: "demoted".into(),
        tier: Tier::Deep,
        scope: None,
    };
    t.hub.set_memory_tier(&t.ag, demote).await.unwrap();
    // Using a deep memory does not bring it into the cache.
    t.hub.recall(&t.cw, recalling("deep-here")).await.unwrap();

    let b = t.hub.start(&t.cw, starting()).await.unwrap();
    let mut got = hot_keys(&b);
    got.sort();
    assert_eq!(got, ["hot-global", "hot-here"]);
}

async fn hot_cache_leaves_out_memories_used_elsewhere_or_deep(backend: Backend) {
    let t = team(backend).await;
    t.f.project("website", &[&t.ag]).await;
    let web = Remember {
        project: Some("website".into()),
        ..memo(Category::Term, "hot-web", "x")
    };
    t.hub.remember(&t.ag, web).await.unwrap();
    let deep = Remember {
        tier: Some(Tier::Deep),
        ..memo(Category::Term, "deep-here", "x")
    };
    t.hub.remember(&t.ag, deep).await.unwrap();
    t.hub
        .remember(&t.ag, memo(Category::Term, "unused-here", "x"))
        .await
        .unwrap();
    // The caller's own most-used memories are the first part of the ranking; those of
    // another project, or deep ones, must not come in with them.
    let on_web = Recall {
        project: Some("website".into()),
        ..recalling("hot-web")
    };
    for _ in 0..3 {
        t.hub.recall(&t.ag, on_web.clone()).await.unwrap();
    }
    t.hub.recall(&t.ag, recalling("deep-here")).await.unwrap();
    let b = t.hub.start(&t.ag, starting()).await.unwrap();
    assert_eq!(hot_keys(&b), ["unused-here"]);
}

async fn hot_cache_is_capped_at_30(backend: Backend) {
    let t = team(backend).await;
    for i in 0..35 {
        let input = if i % 5 == 0 {
            global_memo(Category::Other, &format!("g{i:02}"), "x")
        } else {
            memo(Category::Other, &format!("p{i:02}"), "x")
        };
        t.hub.remember(&t.ag, input).await.unwrap();
    }
    // The oldest memory, used once, must make the cut.
    t.hub.recall(&t.ag, recalling("p01")).await.unwrap();
    let b = t.hub.start(&t.cw, starting()).await.unwrap();
    assert_eq!(b.hot_cache.len(), 30);
    assert_eq!(b.hot_cache[0].key, "p01");
}

/// Past the cap in both scopes the ranking still runs across them: each scope's part is
/// read in its own index's order (SQLite names the index; PostgreSQL has one per scope,
/// migration 0007), for a member who used nothing as for one who did.
async fn hot_cache_ranks_both_scopes_past_the_cap(backend: Backend) {
    let t = team(backend).await;
    for i in 0..40 {
        let (g, p) = (format!("g{i:02}"), format!("p{i:02}"));
        t.hub
            .remember(&t.ag, global_memo(Category::Other, &g, "x"))
            .await
            .unwrap();
        t.hub
            .remember(&t.ag, memo(Category::Other, &p, "x"))
            .await
            .unwrap();
    }
    tick().await;
    for (key, times) in [("g05", 3), ("p10", 2), ("g30", 1), ("p00", 1)] {
        for _ in 0..times {
            t.hub.recall(&t.ag, recalling(key)).await.unwrap();
        }
        tick().await;
    }
    // Everyone's use first (p00's use is more recent than g30's), then the newest.
    let used = ["g05", "p10", "p00", "g30"];
    let mut expected: Vec<String> = used.iter().map(|k| k.to_string()).collect();
    for i in (0..40).rev() {
        for key in [format!("p{i:02}"), format!("g{i:02}")] {
            if !used.contains(&key.as_str()) && expected.len() < 30 {
                expected.push(key);
            }
        }
    }
    let cw = t.hub.start(&t.cw, starting()).await.unwrap();
    assert_eq!(hot_keys(&cw), expected, "a member who used nothing");
    let ag = t.hub.start(&t.ag, starting()).await.unwrap();
    assert_eq!(hot_keys(&ag), expected, "the member who used them");
}

/// The hot cache's ranking lives in `memory_rank`, kept by triggers (PostgreSQL's
/// migration 0005, SQLite's 0004): it must hold exactly the hot memories, with their
/// counters.
async fn assert_rank_mirrors_memories(t: &Team) {
    let mismatched = t
        .sql_i64(
            "select count(*) from (select id, project_id, usage_count,
                                          coalesce(last_used, updated_at) as ranked_at
                                   from memories where tier = 'hot') m
             full join memory_rank r on r.memory_id = m.id
             where m.id is null or r.memory_id is null
                or r.project_id is distinct from m.project_id
                or r.usage_count <> m.usage_count or r.ranked_at <> m.ranked_at",
        )
        .await;
    assert_eq!(mismatched, 0, "memory_rank differs from the hot memories");
}

async fn hot_cache_follows_forget_promotion_and_new_memories(backend: Backend) {
    let t = team(backend).await;
    let remember = |input: Remember| async { t.hub.remember(&t.ag, input).await.unwrap() };
    remember(memo(Category::Term, "alpha", "a")).await;
    remember(memo(Category::Term, "beta", "b")).await;
    remember(global_memo(Category::Term, "gamma", "g")).await;
    let deep = Remember {
        tier: Some(Tier::Deep),
        ..memo(Category::Term, "delta", "d")
    };
    remember(deep).await;
    for _ in 0..2 {
        t.hub.recall(&t.ag, recalling("beta")).await.unwrap();
    }
    t.hub.recall(&t.ag, recalling("gamma")).await.unwrap();
    assert_rank_mirrors_memories(&t).await;
    let b = t.hub.start(&t.cw, starting()).await.unwrap();
    assert_eq!(hot_keys(&b), ["beta", "gamma", "alpha"]);

    let forget = Forget {
        project: p(),
        key: "beta".into(),
        scope: None,
    };
    t.hub.forget(&t.ag, forget).await.unwrap();
    let promote = SetMemoryTier {
        project: p(),
        key: "delta".into(),
        tier: Tier::Hot,
        scope: None,
    };
    t.hub.set_memory_tier(&t.ag, promote).await.unwrap();
    for _ in 0..3 {
        t.hub.recall(&t.ag, recalling("delta")).await.unwrap();
    }
    assert_rank_mirrors_memories(&t).await;
    let b = t.hub.start(&t.cw, starting()).await.unwrap();
    assert_eq!(
        hot_keys(&b),
        ["delta", "gamma", "alpha"],
        "forgotten out, promoted in"
    );

    // A memory stored again under a forgotten key starts unused; demoting the global one
    // takes it out.
    tick().await;
    remember(memo(Category::Term, "beta", "b2")).await;
    let demote = SetMemoryTier {
        project: p(),
        key: "gamma".into(),
        tier: Tier::Deep,
        scope: Some(Scope::Global),
    };
    t.hub.set_memory_tier(&t.ag, demote).await.unwrap();
    assert_rank_mirrors_memories(&t).await;
    let b = t.hub.start(&t.cw, starting()).await.unwrap();
    assert_eq!(hot_keys(&b), ["delta", "beta", "alpha"]);
    assert_eq!(b.hot_cache[1].value, "b2");
}

async fn hot_cache_truncates_long_values(backend: Backend) {
    let t = team(backend).await;
    let long = "word ".repeat(400);
    t.hub
        .remember(&t.ag, memo(Category::Process, "runbook", &long))
        .await
        .unwrap();
    let b = t.hub.start(&t.ag, starting()).await.unwrap();
    let shown = &b.hot_cache[0].value;
    assert!(
        shown.chars().count() < 400,
        "{} chars",
        shown.chars().count()
    );
    assert!(long.starts_with(shown.trim_end_matches('…')));
    let full = t.hub.recall(&t.ag, recalling("runbook")).await.unwrap();
    assert_eq!(full.value, long);
}

async fn get_state_counts_and_summarises(backend: Backend) {
    let t = team(backend).await;
    let spec = [
        TaskStatus::Backlog,
        TaskStatus::Backlog,
        TaskStatus::Todo,
        TaskStatus::InProgress,
        TaskStatus::InProgress,
        TaskStatus::InProgress,
        TaskStatus::Done,
        TaskStatus::Blocked,
    ];
    for status in spec {
        let input = AddTask {
            status: Some(status),
            ..task("t")
        };
        t.hub.add_task(&t.ag, input).await.unwrap();
    }
    t.hub
        .move_task(&t.ag, moving("KB-1", TaskStatus::Done))
        .await
        .unwrap();
    t.hub
        .set_context(&t.ag, context("stack", json!("pg")))
        .await
        .unwrap();
    t.hub
        .post_message(&t.ag, message("copywriter", "one"))
        .await
        .unwrap();
    t.hub
        .post_message(&t.ag, message("copywriter", "two"))
        .await
        .unwrap();
    t.hub.start(&t.ag, starting()).await.unwrap();

    let state = t.hub.get_state(&t.cw, here()).await.unwrap();
    assert_eq!(
        state.counts,
        StatusCounts {
            backlog: 1,
            todo: 1,
            in_progress: 3,
            done: 2,
            blocked: 1,
        }
    );
    assert_eq!(state.active_total, 5);
    assert_eq!(state.active_tasks.len(), 5);
    assert_eq!(state.unread, 2);
    assert_eq!(state.context_total, 1);
    assert_eq!(state.context_keys[0].key, "stack");
    assert_eq!(state.recent_sessions.len(), 1);
    assert_eq!(state.recent_sessions[0].agent, "antigravity");
    assert_eq!(state.project.key, "KB");

    let mine = t.hub.get_state(&t.ag, here()).await.unwrap();
    assert_eq!(mine.unread, 0, "unread is per caller");
    let inbox = t.hub.get_messages(&t.cw, inbox()).await.unwrap();
    assert_eq!(inbox.messages.len(), 2, "get_state does not mark read");
}

/// Each part of the snapshot keeps its order and cap: the caller's active task first and
/// 20 of them with the full total, keys alphabetical, the five newest sessions first.
async fn get_state_orders_and_caps_each_part(backend: Backend) {
    let t = team(backend).await;
    let empty = t.hub.get_state(&t.cw, here()).await.unwrap();
    assert_eq!(empty.counts, StatusCounts::default());
    assert_eq!((empty.active_total, empty.active_tasks.len()), (0, 0));
    assert_eq!((empty.context_total, empty.recent_sessions.len()), (0, 0));

    let mine = AddTask {
        status: Some(TaskStatus::InProgress),
        assignee: Some("copywriter".into()),
        ..task("mine")
    };
    t.hub.add_task(&t.ag, mine).await.unwrap();
    for i in 0..22 {
        let input = AddTask {
            status: Some(TaskStatus::Todo),
            ..task(&format!("todo {i}"))
        };
        t.hub.add_task(&t.ag, input).await.unwrap();
        tick().await;
    }
    for key in ["b", "a", "c"] {
        t.hub
            .set_context(&t.ag, context(key, json!(1)))
            .await
            .unwrap();
    }
    for i in 0..7 {
        let who = if i % 2 == 0 { &t.ag } else { &t.cw };
        t.hub.start(who, starting()).await.unwrap();
        tick().await;
    }

    let state = t.hub.get_state(&t.cw, here()).await.unwrap();
    assert_eq!(state.active_total, 23);
    assert_eq!(state.active_tasks.len(), 20);
    assert_eq!(
        state.active_tasks[0].title, "mine",
        "the caller's own first"
    );
    assert_eq!(state.active_tasks[1].title, "todo 21", "then the newest");
    let keys: Vec<&str> = state.context_keys.iter().map(|k| k.key.as_str()).collect();
    assert_eq!(keys, ["a", "b", "c"]);
    assert_eq!(state.recent_sessions.len(), 5);
    let started: Vec<_> = state.recent_sessions.iter().map(|s| s.started_at).collect();
    let mut newest_first = started.clone();
    newest_first.sort_by(|a, b| b.cmp(a));
    assert_eq!(started, newest_first, "newest session first");
    assert_eq!(state.recent_sessions[0].agent, "antigravity");
}

/// The keys and sessions come back from the database as JSON: any text survives it, the
/// keys stop at 30 with the full total, and an ended session keeps its end and summary.
async fn get_state_caps_keys_and_keeps_text_intact(backend: Backend) {
    let t = team(backend).await;
    let odd = "naïve \"quoted\" back\\slash\ttab\nline 🚀 ключ";
    for i in 0..33 {
        let key = format!("{i:02} {odd}");
        t.hub
            .set_context(&t.ag, context(&key, json!(i)))
            .await
            .unwrap();
    }
    t.hub.start(&t.cw, starting()).await.unwrap();
    t.hub.end_session(&t.cw, ending(odd)).await.unwrap();

    let state = t.hub.get_state(&t.ag, here()).await.unwrap();
    assert_eq!(state.context_total, 33);
    assert_eq!(state.context_keys.len(), 30);
    let keys: Vec<String> = (0..30).map(|i| format!("{i:02} {odd}")).collect();
    let got: Vec<&str> = state.context_keys.iter().map(|k| k.key.as_str()).collect();
    assert_eq!(got, keys, "the first 30 by name, text intact");
    assert!(
        state
            .context_keys
            .iter()
            .all(|k| k.updated_by == "antigravity")
    );
    let session = &state.recent_sessions[0];
    assert_eq!(session.agent, "copywriter");
    assert_eq!(session.summary.as_deref(), Some(odd));
    assert!(
        session
            .ended_at
            .is_some_and(|end| end >= session.started_at)
    );
}

async fn sessions_need_project_membership(backend: Backend) {
    let t = team(backend).await;
    forbidden(t.hub.start(&t.out, starting()).await);
    forbidden(t.hub.end_session(&t.out, ending("x")).await);
    // An admin may read any project but works (sessions, messages) only where it is a member.
    t.hub
        .remove_project_member(&t.f.admin, P, "admin")
        .await
        .unwrap();
    forbidden(t.hub.start(&t.f.admin, starting()).await);
    assert!(sessions(&t).await.is_empty());
}

on_both_backends!(
    start_opens_a_session,
    starting_again_closes_the_open_session,
    end_session_records_the_summary,
    end_session_without_start_is_not_found,
    end_session_only_ends_the_callers,
    list_sessions_is_newest_first_and_limited,
    start_stores_capabilities,
    start_checks_the_agent_name,
    start_checks_capabilities,
    briefing_has_protocol_project_and_team,
    briefing_lists_active_tasks_callers_first_and_capped,
    active_tasks_are_the_same_with_either_plan,
    briefing_lists_context_keys_with_authors,
    briefing_shows_unread_without_marking_them,
    hot_cache_ranks_own_use_then_global_use_then_recency,
    hot_cache_holds_only_hot_memories_visible_here,
    hot_cache_leaves_out_memories_used_elsewhere_or_deep,
    hot_cache_is_capped_at_30,
    hot_cache_ranks_both_scopes_past_the_cap,
    hot_cache_follows_forget_promotion_and_new_memories,
    hot_cache_truncates_long_values,
    get_state_counts_and_summarises,
    get_state_orders_and_caps_each_part,
    get_state_caps_keys_and_keeps_text_intact,
    sessions_need_project_membership,
);
