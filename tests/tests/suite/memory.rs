//! Memory: remember (upsert), recall (project first, then global), search, forget, tiers.

use jc_hub::model::*;
use jc_hub::service::*;
use jc_hub::store::SEARCH_CANDIDATES;
use jc_tests::{Backend, on_both_backends};

use crate::helpers::*;

fn keys(list: &MemoryList) -> Vec<String> {
    list.memories.iter().map(|m| m.key.clone()).collect()
}

async fn search(t: &Team, query: &str) -> MemoryList {
    t.hub
        .search_memory(&t.ag, searching(query))
        .await
        .expect("search")
}

fn forgetting(key: &str, scope: Option<Scope>) -> Forget {
    Forget {
        project: p(),
        key: key.into(),
        scope,
    }
}

fn tiering(key: &str, tier: Tier, scope: Option<Scope>) -> SetMemoryTier {
    SetMemoryTier {
        project: p(),
        key: key.into(),
        tier,
        scope,
    }
}

async fn remember_applies_defaults(backend: Backend) {
    let t = team(backend).await;
    let m = t
        .hub
        .remember(&t.ag, memo(Category::Term, "PSR", "Pipeline Status Report"))
        .await
        .unwrap();
    assert_eq!(m.scope, Scope::Project);
    assert_eq!(m.project.as_deref(), Some(P));
    assert_eq!(m.category, Category::Term);
    assert_eq!(m.key, "PSR");
    assert_eq!(m.value, "Pipeline Status Report");
    assert_eq!(m.tier, Tier::Hot);
    assert_eq!(m.usage_count, 0);
    assert_eq!(m.last_used, None);
    assert_eq!(m.created_by, "antigravity");
    assert_eq!(m.updated_by, "antigravity");

    let read = t.hub.recall(&t.cw, recalling("PSR")).await.unwrap();
    assert_eq!(read.value, "Pipeline Status Report");
    assert_eq!(read.scope, Scope::Project);
}

async fn remember_upserts_and_keeps_tier_when_omitted(backend: Backend) {
    let t = team(backend).await;
    let deep = Remember {
        tier: Some(Tier::Deep),
        ..memo(Category::Term, "PSR", "v1")
    };
    t.hub.remember(&t.ag, deep).await.unwrap();
    let again = t
        .hub
        .remember(&t.cw, memo(Category::Process, "PSR", "v2"))
        .await
        .unwrap();
    assert_eq!(again.tier, Tier::Deep, "tier kept when omitted");
    assert_eq!(again.value, "v2");
    assert_eq!(again.category, Category::Process);
    assert_eq!(again.created_by, "antigravity");
    assert_eq!(again.updated_by, "copywriter");

    let hot = Remember {
        tier: Some(Tier::Hot),
        ..memo(Category::Term, "PSR", "v3")
    };
    let hot = t.hub.remember(&t.ag, hot).await.unwrap();
    assert_eq!(hot.tier, Tier::Hot);

    let list = t.hub.list_memories(&t.ag, Some(P), None, None).await;
    let list = list.unwrap();
    assert_eq!(list.total, 1, "upsert, not a second row");
    assert_eq!(list.memories[0].value, "v3");
    assert_eq!(list.memories[0].tier, Tier::Hot);
}

async fn remember_upsert_keeps_usage(backend: Backend) {
    let t = team(backend).await;
    t.hub
        .remember(&t.ag, memo(Category::Term, "PSR", "v1"))
        .await
        .unwrap();
    t.hub.recall(&t.cw, recalling("PSR")).await.unwrap();
    let updated = t
        .hub
        .remember(&t.ag, memo(Category::Term, "PSR", "v2"))
        .await
        .unwrap();
    assert_eq!(updated.usage_count, 1);
}

async fn global_memories_are_seen_from_every_project(backend: Backend) {
    let t = team(backend).await;
    t.f.project("website", &[&t.ag]).await;
    let g = t
        .hub
        .remember(&t.cw, global_memo(Category::Person, "fedor", "Owner"))
        .await
        .unwrap();
    assert_eq!(g.scope, Scope::Global);
    assert_eq!(g.project, None);
    let from_web = Recall {
        project: Some("website".into()),
        key: "fedor".into(),
    };
    let got = t.hub.recall(&t.ag, from_web).await.unwrap();
    assert_eq!(got.value, "Owner");
    assert_eq!(got.scope, Scope::Global);
    let global_only = t.hub.list_memories(&t.ag, None, None, None).await.unwrap();
    assert_eq!(keys(&global_only), ["fedor"]);
}

async fn same_key_in_both_scopes_are_two_memories(backend: Backend) {
    let t = team(backend).await;
    t.hub
        .remember(&t.ag, global_memo(Category::Person, "fedor", "global"))
        .await
        .unwrap();
    t.hub
        .remember(&t.ag, memo(Category::Person, "fedor", "project"))
        .await
        .unwrap();
    let list = t.hub.list_memories(&t.ag, Some(P), None, None).await;
    let list = list.unwrap();
    assert_eq!(list.total, 2);
    let mut scopes: Vec<(Scope, String)> = list
        .memories
        .iter()
        .map(|m| (m.scope, m.value.clone()))
        .collect();
    scopes.sort_by_key(|(s, _)| s.as_str());
    assert_eq!(
        scopes,
        [
            (Scope::Global, "global".to_string()),
            (Scope::Project, "project".to_string())
        ]
    );
}

async fn recall_prefers_project_then_global(backend: Backend) {
    let t = team(backend).await;
    t.f.project("website", &[&t.ag]).await;
    t.hub
        .remember(&t.ag, global_memo(Category::Person, "fedor", "everywhere"))
        .await
        .unwrap();
    t.hub
        .remember(&t.ag, memo(Category::Person, "fedor", "kaoru only"))
        .await
        .unwrap();

    let got = t.hub.recall(&t.cw, recalling("fedor")).await.unwrap();
    assert_eq!(got.value, "kaoru only");
    assert_eq!(got.scope, Scope::Project);

    let from_web = Recall {
        project: Some("website".into()),
        key: "fedor".into(),
    };
    let got = t.hub.recall(&t.ag, from_web).await.unwrap();
    assert_eq!(got.value, "everywhere");

    t.hub
        .forget(&t.ag, forgetting("fedor", None))
        .await
        .unwrap();
    let got = t.hub.recall(&t.cw, recalling("fedor")).await.unwrap();
    assert_eq!(got.value, "everywhere");
    assert_eq!(got.scope, Scope::Global);
}

async fn recall_bumps_usage(backend: Backend) {
    let t = team(backend).await;
    t.hub
        .remember(&t.ag, memo(Category::Term, "PSR", "x"))
        .await
        .unwrap();
    let first = t.hub.recall(&t.cw, recalling("PSR")).await.unwrap();
    assert_eq!(first.usage_count, 1);
    let used_at = first.last_used.expect("last_used set");
    tick().await;
    let second = t.hub.recall(&t.ag, recalling("PSR")).await.unwrap();
    assert_eq!(second.usage_count, 2);
    assert!(second.last_used.unwrap() > used_at);
    let listed = t.hub.list_memories(&t.ag, Some(P), None, None).await;
    assert_eq!(listed.unwrap().memories[0].usage_count, 2);
    // Recall is a read for authorship: it does not change updated_by.
    assert_eq!(second.updated_by, "antigravity");
}

async fn recall_missing_is_not_found(backend: Backend) {
    let t = team(backend).await;
    let message = not_found(t.hub.recall(&t.ag, recalling("nope")).await);
    assert!(message.contains("nope"), "{message}");
}

async fn project_memories_stay_in_their_project(backend: Backend) {
    let t = team(backend).await;
    t.f.project("website", &[&t.ag]).await;
    t.hub
        .remember(&t.ag, memo(Category::Client, "acme", "kaoru client"))
        .await
        .unwrap();
    let from_web = Recall {
        project: Some("website".into()),
        key: "acme".into(),
    };
    not_found(t.hub.recall(&t.ag, from_web).await);
    let search_web = SearchMemory {
        project: Some("website".into()),
        ..searching("acme")
    };
    let found = t.hub.search_memory(&t.ag, search_web).await.unwrap();
    assert_eq!(found.total, 0);
    let list_web = t
        .hub
        .list_memories(&t.ag, Some("website"), None, None)
        .await;
    assert_eq!(list_web.unwrap().total, 0);
}

async fn search_matches_key_and_value_ignoring_case(backend: Backend) {
    let t = team(backend).await;
    t.hub
        .remember(&t.ag, memo(Category::Term, "PSR", "Pipeline Status Report"))
        .await
        .unwrap();
    t.hub
        .remember(&t.ag, memo(Category::Person, "fedor", "Owner"))
        .await
        .unwrap();
    assert_eq!(keys(&search(&t, "status").await), ["PSR"]);
    assert_eq!(keys(&search(&t, "STATUS").await), ["PSR"]);
    assert_eq!(keys(&search(&t, "psr").await), ["PSR"]);
    assert_eq!(keys(&search(&t, "FeDoR").await), ["fedor"]);
    assert_eq!(search(&t, "nothing like it").await.total, 0);
}

/// Remembers each `(key, value)` in the project, as `antigravity`.
async fn remember_each(t: &Team, category: Category, rows: &[(&str, &str)]) {
    for (key, value) in rows {
        t.hub
            .remember(&t.ag, memo(category, key, value))
            .await
            .unwrap();
    }
}

async fn search_ranks_key_matches_before_value_matches(backend: Backend) {
    let t = team(backend).await;
    // Inserted best match first: the tie-breakers (recency, id) would reverse this order.
    let rows = [
        ("deploy", "the command"),
        ("deploy-notes", "notes"),
        ("how-to-deploy", "steps"),
        ("runbook", "deploy via CI"),
    ];
    remember_each(&t, Category::Process, &rows).await;
    let found = search(&t, "deploy").await;
    assert_eq!(
        keys(&found),
        ["deploy", "deploy-notes", "how-to-deploy", "runbook"]
    );
    assert_eq!(found.total, 4);
}

async fn search_prefers_project_memories_on_equal_match(backend: Backend) {
    let t = team(backend).await;
    // The project memory is older: recency alone would put the global one first.
    t.hub
        .remember(&t.ag, memo(Category::Term, "style-local", "tone"))
        .await
        .unwrap();
    tick().await;
    t.hub
        .remember(&t.ag, global_memo(Category::Term, "style-global", "tone"))
        .await
        .unwrap();
    let found = search(&t, "style").await;
    assert_eq!(keys(&found), ["style-local", "style-global"]);
    assert_eq!(found.memories[0].scope, Scope::Project);
    assert_eq!(found.memories[1].scope, Scope::Global);
}

async fn search_treats_wildcards_literally(backend: Backend) {
    let t = team(backend).await;
    let rows = [
        ("discount", "50% off"),
        ("users", "500 users"),
        ("snake", "a_b"),
        ("plain", "axb"),
        ("regex", r"match \d+ digits"),
        ("dog", "a dog"),
        ("path", r"C:\temp"),
    ];
    for (key, value) in rows {
        t.hub
            .remember(&t.ag, memo(Category::Other, key, value))
            .await
            .unwrap();
    }
    assert_eq!(keys(&search(&t, "50%").await), ["discount"]);
    assert_eq!(keys(&search(&t, "%").await), ["discount"]);
    assert_eq!(keys(&search(&t, "a_b").await), ["snake"]);
    assert_eq!(keys(&search(&t, "_").await), ["snake"]);
    assert_eq!(keys(&search(&t, r"\d").await), ["regex"]);
    assert_eq!(keys(&search(&t, r"C:\temp").await), ["path"]);
    assert_eq!(keys(&search(&t, r"\").await).len(), 2);
    // Sanity: the same rows are found by plain text.
    assert_eq!(search(&t, "50").await.total, 2);
    assert_eq!(search(&t, "dog").await.total, 1);
}

async fn search_filters_by_category(backend: Backend) {
    let t = team(backend).await;
    t.hub
        .remember(&t.ag, memo(Category::Person, "kaoru", "client contact"))
        .await
        .unwrap();
    t.hub
        .remember(&t.ag, memo(Category::Client, "kaoru-co", "the client"))
        .await
        .unwrap();
    t.hub
        .remember(&t.ag, global_memo(Category::Client, "acme", "client too"))
        .await
        .unwrap();
    let clients = SearchMemory {
        category: Some(Category::Client),
        ..searching("client")
    };
    let found = t.hub.search_memory(&t.ag, clients).await.unwrap();
    let mut got = keys(&found);
    got.sort();
    assert_eq!(got, ["acme", "kaoru-co"]);
    assert_eq!(found.total, 2);
    let deals = SearchMemory {
        category: Some(Category::Deal),
        ..searching("client")
    };
    assert_eq!(t.hub.search_memory(&t.ag, deals).await.unwrap().total, 0);
}

async fn search_limit_caps_results_not_total(backend: Backend) {
    let t = team(backend).await;
    for i in 0..5 {
        t.hub
            .remember(&t.ag, memo(Category::Term, &format!("term-{i}"), "x"))
            .await
            .unwrap();
    }
    let two = SearchMemory {
        limit: Some(2),
        ..searching("term")
    };
    let found = t.hub.search_memory(&t.ag, two).await.unwrap();
    assert_eq!(found.memories.len(), 2);
    assert_eq!(found.total, 5);
}

async fn search_past_the_candidate_cap_counts_to_it_and_keeps_the_exact_key(backend: Backend) {
    let t = team(backend).await;
    // The exact key match is the oldest, so the newest matches alone would not hold it.
    t.hub
        .remember(&t.ag, memo(Category::Term, "Common", "the exact key"))
        .await
        .unwrap();
    for i in 0..SEARCH_CANDIDATES + 5 {
        let m = memo(Category::Term, &format!("k{i}"), "a common word");
        t.hub.remember(&t.ag, m).await.unwrap();
    }
    let found = search(&t, "common").await;
    assert!(found.capped, "more matched than are ranked");
    assert_eq!(found.total, SEARCH_CANDIDATES);
    assert_eq!(found.memories.len(), 20);
    assert_eq!(
        found.memories[0].key, "Common",
        "the exact key match ranks first"
    );
    // k50, and k500 .. k504 (keys run up to k504): few matches are counted exactly.
    let exact = format!("k{}", SEARCH_CANDIDATES / 10);
    let few = search(&t, &exact).await;
    assert!(!few.capped);
    assert_eq!(few.total, 6);
    assert_eq!(few.memories[0].key, exact);
}

async fn search_past_the_cap_ranks_every_exact_key_first_in_order(backend: Backend) {
    let t = team(backend).await;
    // Two exact key matches older than every other match, and one newer than all.
    t.hub
        .remember(&t.ag, memo(Category::Term, "Common", "old, project"))
        .await
        .unwrap();
    t.hub
        .remember(
            &t.ag,
            global_memo(Category::Process, "COMMON", "old, global"),
        )
        .await
        .unwrap();
    for i in 0..SEARCH_CANDIDATES + 5 {
        let m = memo(Category::Term, &format!("k{i}"), "a common word");
        t.hub.remember(&t.ag, m).await.unwrap();
    }
    tick().await;
    t.hub
        .remember(&t.ag, memo(Category::Term, "common", "new, project"))
        .await
        .unwrap();
    let found = search(&t, "common").await;
    assert!(found.capped);
    assert_eq!(found.total, SEARCH_CANDIDATES);
    let got = keys(&found);
    assert_eq!(got.len(), 20);
    assert_eq!(
        got[..3],
        ["common", "Common", "COMMON"],
        "exact keys first: project before global, newest first"
    );
    // Which of the others are ranked depends on the backend's candidates; ranked, the
    // newest comes first.
    let numbers: Vec<i64> = got[3..]
        .iter()
        .map(|k| k.strip_prefix('k').and_then(|n| n.parse().ok()).expect(k))
        .collect();
    assert!(numbers.is_sorted_by(|a, b| a > b), "{got:?}");
    let two = SearchMemory {
        limit: Some(2),
        ..searching("common")
    };
    let found = t.hub.search_memory(&t.ag, two).await.unwrap();
    assert_eq!(keys(&found), ["common", "Common"]);
    let terms = SearchMemory {
        category: Some(Category::Term),
        ..searching("common")
    };
    let found = t.hub.search_memory(&t.ag, terms).await.unwrap();
    assert!(found.capped);
    assert_eq!(keys(&found)[..2], ["common", "Common"]);
    assert!(
        !keys(&found).contains(&"COMMON".to_string()),
        "the category filters exact keys too"
    );
}

/// Moves memory ids on by `buckets` of PostgreSQL's search index (65,536 ids each), so
/// the next memory is that many buckets newer; SQLite has no buckets.
async fn skip_search_buckets(t: &Team, buckets: i64) {
    if t.backend == Backend::Postgres && buckets > 0 {
        t.sql_i64(&format!(
            "select setval(pg_get_serial_sequence('memories', 'id'),
                           coalesce((select max(id) from memories), 1) + {buckets} * 65536)"
        ))
        .await;
    }
}

async fn search_spans_old_and_new_memories(backend: Backend) {
    let t = team(backend).await;
    // Two memories at each end and two in the middle, with empty id ranges between.
    for (i, gap) in [0, 0, 3, 0, 40, 0].into_iter().enumerate() {
        skip_search_buckets(&t, gap).await;
        let m = memo(Category::Term, &format!("m{i}"), "Release train notes");
        t.hub.remember(&t.ag, m).await.unwrap();
    }
    let found = search(&t, "train").await;
    assert_eq!(found.total, 6);
    assert!(!found.capped);
    // Equal matches, equal use: newest first.
    assert_eq!(keys(&found), ["m5", "m4", "m3", "m2", "m1", "m0"]);
}

async fn search_past_the_cap_ranks_the_newest_matches(backend: Backend) {
    let t = team(backend).await;
    // The most used match is the oldest: ranked, it would come first.
    let old = memo(Category::Term, "old", "a common word");
    t.hub.remember(&t.ag, old).await.unwrap();
    for _ in 0..3 {
        t.hub.recall(&t.ag, recalling("old")).await.unwrap();
    }
    skip_search_buckets(&t, 2).await;
    for i in 0..SEARCH_CANDIDATES + 5 {
        let m = memo(Category::Term, &format!("k{i}"), "a common word");
        t.hub.remember(&t.ag, m).await.unwrap();
    }
    let found = search(&t, "common word").await;
    assert!(found.capped);
    assert_eq!(found.total, SEARCH_CANDIDATES);
    assert!(
        !keys(&found).contains(&"old".to_string()),
        "only the newest {SEARCH_CANDIDATES} matches are ranked"
    );
}

async fn search_finds_substrings_that_cut_words(backend: Backend) {
    let t = team(backend).await;
    let rows = [
        ("billing", "Invoice 8 for client 1234, sent monthly"),
        ("billing-late", "Invoice 9 for client 77 is late"),
        ("menu", "Café crème, naïve décor"),
    ];
    remember_each(&t, Category::Term, &rows).await;
    // Words cut at either end of the query; a separator inside it bounds a word.
    for (query, want) in [
        ("voice 8 f", vec!["billing"]),
        ("NVOICE", vec!["billing", "billing-late"]),
        ("t 12", vec!["billing"]),
        ("234, se", vec!["billing"]),
        ("nt 7", vec!["billing-late"]),
        ("voice 7", vec![]),
        // Across the end of the key into the value: PostgreSQL's index holds both
        // joined by a space, but neither holds the query.
        ("late invoice", vec![]),
        // Next to other characters, and too short for a trigram.
        ("é cr", vec!["menu"]),
        ("Naïve", vec!["menu"]),
        ("fé", vec!["menu"]),
        ("-l", vec!["billing-late"]),
    ] {
        let mut got = keys(&search(&t, query).await);
        got.sort();
        assert_eq!(got, want, "search {query:?}");
    }
}

async fn search_finds_every_substring(backend: Backend) {
    let t = team(backend).await;
    let texts = [
        ("t1", "Invoice #8: client_42's (re)order, naïve café—OK?"),
        ("t2", "a.b-c_d e  f9 x"),
        ("t3", "日本語 text 123abc ü-x"),
    ];
    remember_each(&t, Category::Term, &texts).await;
    // Whatever the query cuts through (words, digits, punctuation, other scripts), the
    // index must not hide a match.
    for (key, value) in texts {
        let chars: Vec<char> = value.chars().collect();
        for start in 0..chars.len() {
            for end in start + 1..=(start + 10).min(chars.len()) {
                let query: String = chars[start..end].iter().collect();
                if query.trim().is_empty() {
                    continue;
                }
                let found = search(&t, &query).await;
                assert!(
                    keys(&found).contains(&key.to_string()),
                    "search {query:?} missed {key}"
                );
            }
        }
    }
}

async fn search_finds_deep_memories(backend: Backend) {
    let t = team(backend).await;
    let deep = Remember {
        tier: Some(Tier::Deep),
        ..memo(Category::Term, "archive", "old decision")
    };
    t.hub.remember(&t.ag, deep).await.unwrap();
    let found = search(&t, "decision").await;
    assert_eq!(keys(&found), ["archive"]);
    assert_eq!(found.memories[0].tier, Tier::Deep);
}

async fn forget_deletes_in_the_given_scope(backend: Backend) {
    let t = team(backend).await;
    t.hub
        .remember(&t.ag, global_memo(Category::Person, "fedor", "Owner"))
        .await
        .unwrap();
    // Default scope is project: the global memory is not found there.
    not_found(t.hub.forget(&t.ag, forgetting("fedor", None)).await);
    t.hub.recall(&t.ag, recalling("fedor")).await.unwrap();
    let done = t
        .hub
        .forget(&t.cw, forgetting("fedor", Some(Scope::Global)))
        .await
        .unwrap();
    assert!(done.deleted.contains("fedor"), "{}", done.deleted);
    not_found(t.hub.recall(&t.ag, recalling("fedor")).await);
    not_found(
        t.hub
            .forget(&t.cw, forgetting("fedor", Some(Scope::Global)))
            .await,
    );
    let list = t.hub.list_memories(&t.ag, None, None, None).await.unwrap();
    assert_eq!(list.total, 0);
}

async fn set_tier_moves_a_memory(backend: Backend) {
    let t = team(backend).await;
    t.hub
        .remember(&t.ag, memo(Category::Term, "PSR", "x"))
        .await
        .unwrap();
    let deep = t
        .hub
        .set_memory_tier(&t.cw, tiering("PSR", Tier::Deep, None))
        .await
        .unwrap();
    assert_eq!(deep.tier, Tier::Deep);
    assert_eq!(deep.updated_by, "copywriter");
    let read = t.hub.recall(&t.ag, recalling("PSR")).await.unwrap();
    assert_eq!(read.tier, Tier::Deep);
    let hot = t
        .hub
        .set_memory_tier(&t.ag, tiering("PSR", Tier::Hot, Some(Scope::Project)))
        .await
        .unwrap();
    assert_eq!(hot.tier, Tier::Hot);
    assert_eq!(hot.value, "x");
}

async fn set_tier_needs_the_right_scope(backend: Backend) {
    let t = team(backend).await;
    t.hub
        .remember(&t.ag, global_memo(Category::Person, "fedor", "Owner"))
        .await
        .unwrap();
    not_found(
        t.hub
            .set_memory_tier(&t.ag, tiering("fedor", Tier::Deep, None))
            .await,
    );
    let g = t
        .hub
        .set_memory_tier(&t.ag, tiering("fedor", Tier::Deep, Some(Scope::Global)))
        .await
        .unwrap();
    assert_eq!(g.tier, Tier::Deep);
    assert_eq!(g.scope, Scope::Global);
}

async fn list_memories_shows_project_and_global(backend: Backend) {
    let t = team(backend).await;
    t.f.project("website", &[&t.ag]).await;
    t.hub
        .remember(&t.ag, memo(Category::Term, "kb-term", "x"))
        .await
        .unwrap();
    t.hub
        .remember(&t.ag, global_memo(Category::Person, "fedor", "x"))
        .await
        .unwrap();
    let web = Remember {
        project: Some("website".into()),
        ..memo(Category::Term, "web-term", "x")
    };
    t.hub.remember(&t.ag, web).await.unwrap();
    t.hub.recall(&t.ag, recalling("fedor")).await.unwrap();

    let kb = t
        .hub
        .list_memories(&t.ag, Some(P), None, None)
        .await
        .unwrap();
    assert_eq!(kb.total, 2);
    assert_eq!(keys(&kb), ["fedor", "kb-term"], "most used first");
    let global = t.hub.list_memories(&t.ag, None, None, None).await.unwrap();
    assert_eq!(keys(&global), ["fedor"]);
    let page = t.hub.list_memories(&t.ag, Some(P), Some(1), Some(1)).await;
    let page = page.unwrap();
    assert_eq!(keys(&page), ["kb-term"]);
    assert_eq!(page.total, 2);
}

on_both_backends!(
    remember_applies_defaults,
    remember_upserts_and_keeps_tier_when_omitted,
    remember_upsert_keeps_usage,
    global_memories_are_seen_from_every_project,
    same_key_in_both_scopes_are_two_memories,
    recall_prefers_project_then_global,
    recall_bumps_usage,
    recall_missing_is_not_found,
    project_memories_stay_in_their_project,
    search_matches_key_and_value_ignoring_case,
    search_ranks_key_matches_before_value_matches,
    search_prefers_project_memories_on_equal_match,
    search_treats_wildcards_literally,
    search_filters_by_category,
    search_limit_caps_results_not_total,
    search_past_the_candidate_cap_counts_to_it_and_keeps_the_exact_key,
    search_past_the_cap_ranks_every_exact_key_first_in_order,
    search_finds_deep_memories,
    search_spans_old_and_new_memories,
    search_past_the_cap_ranks_the_newest_matches,
    search_finds_substrings_that_cut_words,
    search_finds_every_substring,
    forget_deletes_in_the_given_scope,
    set_tier_moves_a_memory,
    set_tier_needs_the_right_scope,
    list_memories_shows_project_and_global,
);
