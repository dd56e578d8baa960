use async_trait::async_trait;
use serde_json::json;

use super::{Backend, MemoryRow, Tx, event, logged, memories, memory_cols, memory_ret};
use crate::error::{HubError, HubResult};
use crate::model::*;
use crate::store::{
    MemoryStore, NewMemory, ProjectRef, SEARCH_CANDIDATES, SearchPage, like_pattern,
};

/// Memories visible in project `$1`, optionally of category `$2`.
macro_rules! visible {
    () => {
        " (m.project_id = $1 or m.project_id is null) and ($2 is null or m.category = $2) "
    };
}

/// Ranks the candidates `$cands`: exact key `$4`, key prefix `$5`, key substring `$3`,
/// value; project before global; most used; most recent. `total` counts the candidates.
macro_rules! ranked {
    ($cands:expr) => {
        concat!(
            "select m.*, count(*) over () as total from (",
            $cands,
            ") as m
             order by case when lower(m.key) = $4 then 0
                           when lower(m.key) like $5 escape '\\' then 1
                           when lower(m.key) like $3 escape '\\' then 2
                           else 3 end,
                      m.project_id is null, m.usage_count desc, m.updated_at desc, m.id desc
             limit $6"
        )
    };
}

/// [`ranked!`] over the candidates `$cands` (at most `$7` substring matches) and the
/// exact key match `$4` wherever it is.
macro_rules! search {
    ($cands:expr) => {
        ranked!(concat!(
            $cands,
            " union select ",
            memory_cols!(),
            " from memories m where lower(m.key) = $4 and",
            visible!()
        ))
    };
}

/// Substring matches by `like`.
macro_rules! like {
    () => {
        concat!(
            "select ",
            memory_cols!(),
            " from memories m where",
            visible!(),
            "and (lower(m.key) like $3 escape '\\' or lower(m.value) like $3 escape '\\')"
        )
    };
}
/// Short SQLite queries (the trigram index needs 3 characters).
const SEARCH_LIKE: &str = search!(concat!("select * from (", like!(), " limit $7) as c"));
/// PostgreSQL, newest first: its search index keys each memory's trigrams (of key and
/// value joined by a space) by its id's bucket of 65,536 (migration 0004), so the
/// buckets are probed from the newest, one index scan each, until the cap is reached.
/// One scan of a whole-table index would first collect every match of a common phrase,
/// however many. The lateral subquery is fenced (`offset 0`) so it stays one probe per
/// bucket; the bucket is a `bigint` as the index's operator class needs.
///
/// No union with the exact key match: a key equal to the query (both lower-cased the
/// same way) contains it, so below the cap the candidates hold every exact match, and
/// above it [`EXACT_KEY_PG`] fetches them. The union's plan nodes were a third of the
/// statement's cost on a small project (`pgbench`: 8,300 → 13,000 executions/s without).
const SEARCH_PG: &str = ranked!(concat!(
    "select * from (select c.* from generate_series((select max(id) from memories) >> 16,
                                                    0::bigint, -1::bigint) as b(n)
       cross join lateral (",
    like!(),
    " and (m.id >> 16) = b.n and lower(m.key) || ' ' || lower(m.value) like $3 escape '\\'
         offset 0) as c
       limit $7) as c"
));
/// The memories visible in project `$1` (category `$2`) whose key is `$3` lower-cased,
/// at most `$4`, in [`ranked!`]'s order: the first of a capped search's page.
const EXACT_KEY_PG: &str = concat!(
    "select ",
    memory_cols!(),
    " from memories m where lower(m.key) = $3 and (m.project_id = $1 or m.project_id is null)
        and ($2 is null or m.category = $2)
      order by m.project_id is null, m.usage_count desc, m.updated_at desc, m.id desc
      limit $4"
);
/// Substring matches from SQLite's trigram FTS5 index (phrase `$8`), newest first.
const SEARCH_FTS: &str = search!(concat!(
    "select * from (select ",
    memory_cols!(),
    " from memories_fts f join memories m on m.id = f.rowid
      where memories_fts match $8 and",
    visible!(),
    "order by f.rowid desc limit $7) as c"
));

/// Hot memories visible in project `$2` that member `$1` used: the member's usage `u`
/// joined to `memory_rank` `r` as `$ranked` says, ranked by the member's own use, then
/// everyone's, then recency. The tie-breakers come from that narrow table, so only the
/// ties at the cut are sorted and only the 30 shown are read from `memories`.
macro_rules! hot_used {
    ($ranked:literal) => {
        concat!(
            "select ",
            memory_cols!(),
            " from (select u.memory_id, u.usage_count as own, r.usage_count, r.ranked_at
                    from ",
            $ranked,
            " where u.member_id = $1
                    order by u.usage_count desc, r.usage_count desc, r.ranked_at desc,
                             r.memory_id desc
                    limit $3) as h
               join memories m on m.id = h.memory_id
              order by h.own desc, h.usage_count desc, h.ranked_at desc, h.memory_id desc"
        )
    };
}
/// SQLite (`memory_rank`: migration 0004): both indexes are named, as SQLite 3.51's
/// planner scanned the member's every usage row and sorted them all when the statistics
/// showed few members (at scale: 5.7–9.4 ms; 1.3 ms by the index, 0.21 ms with the narrow
/// table; docs/BENCHMARKS.md, round 14).
const HOT_USED: &str = hot_used!(
    "memory_usage u indexed by memory_usage_rank
     join memory_rank r on r.memory_id = u.memory_id
         and (r.project_id = $2 or r.project_id is null)"
);
/// PostgreSQL (`memory_rank`: migration 0005): the member's top count may be shared by
/// many memories (715 in the bench's data). The fenced lateral subquery keeps the planner
/// from hash-joining every hot memory of the project: it reads the member's usage in
/// index order and stops early.
const HOT_USED_PG: &str = hot_used!(
    "memory_usage u cross join lateral (
         select * from memory_rank r where r.memory_id = u.memory_id
           and (r.project_id = $2 or r.project_id is null) offset 0) r"
);

/// Hot memories visible in project `$2` that member `$1` never used, from `memory_rank`
/// read as `$project` and `$global` say (each `memory_rank r`, an index named on SQLite),
/// each scope's part in the order of its index (SQLite's migration 0004, PostgreSQL's
/// 0007); only the rows shown are read from `memories`.
macro_rules! hot_unused {
    ($project:literal, $global:literal) => {
        concat!(
            "select ",
            memory_cols!(),
            " from (",
            hot_unused!(@part $project, "r.project_id = $2"),
            " union all ",
            hot_unused!(@part $global, "r.project_id is null"),
            ") as h join memories m on m.id = h.memory_id
              order by h.usage_count desc, h.ranked_at desc, h.memory_id desc limit $3"
        )
    };
    (@part $from:literal, $scope:literal) => {
        concat!(
            "select * from (select r.memory_id, r.usage_count, r.ranked_at from ",
            $from,
            " where ",
            $scope,
            " and not exists (select 1 from memory_usage u
                              where u.member_id = $1 and u.memory_id = r.memory_id)
              order by r.usage_count desc, r.ranked_at desc, r.memory_id desc limit $3) as s"
        )
    };
}
/// SQLite names each index: its 3.51 planner took another for the global part and sorted
/// every global hot memory (2.65 ms a call with 1,100 of them, 0.08 ms in index order;
/// docs/BENCHMARKS.md, round 14).
const HOT_UNUSED: &str = hot_unused!(
    "memory_rank r indexed by memory_rank_project",
    "memory_rank r indexed by memory_rank_global"
);
const HOT_UNUSED_PG: &str = hot_unused!("memory_rank r", "memory_rank r");

/// Stores a memory of scope `$scope`, replacing the one with its key (`$conflict` names
/// the unique index); `$5` sets the tier, else a new memory is hot and an old one keeps
/// its tier.
macro_rules! remember {
    ($scope:literal, $conflict:literal) => {
        concat!(
            "insert into memories (project_id, scope, category, key, value, tier,
                                   created_by, updated_by, created_at, updated_at)
             values ($1, '",
            $scope,
            "', $2, $3, $4, coalesce($5, 'hot'), $6, $6, $7, $7)
             on conflict ",
            $conflict,
            " do update set
                 category = excluded.category, value = excluded.value,
                 tier = coalesce($5, memories.tier),
                 updated_by = excluded.updated_by, updated_at = excluded.updated_at
             returning ",
            memory_ret!()
        )
    };
}
/// The event of a remembered memory (PostgreSQL; `$8` project, `$9` event key).
macro_rules! remembered_event {
    () => {
        "$8, $6, 'memory', $9, 'remembered',
         jsonb_build_object('category', w.category, 'tier', w.tier), $7"
    };
}

/// Counts a use of memory `$1` (project `$2` first, then global) by member `$4`.
macro_rules! recall {
    () => {
        concat!(
            "update memories set usage_count = usage_count + 1, last_used = $3
             where id = (select id from memories
                         where key = $1 and (project_id = $2 or project_id is null)
                         order by project_id is null limit 1)
             returning ",
            memory_ret!()
        )
    };
}
/// PostgreSQL: the memory's count and the member's in one statement.
const RECALL_PG: &str = concat!(
    "with w as (",
    recall!(),
    "), u as (insert into memory_usage (memory_id, member_id, usage_count, last_used)
             select id, $4, 1, $3 from w
             on conflict (member_id, memory_id) do update set
                 usage_count = memory_usage.usage_count + 1, last_used = excluded.last_used)
     select * from w"
);

fn no_memory(project: &ProjectRef, scope: Scope, key: &str) -> HubError {
    let place = match scope {
        Scope::Project => format!("project '{}'", project.name),
        Scope::Global => "global scope".to_string(),
    };
    HubError::not_found(format!(
        "no memory '{key}' in {place}; find keys with jc_search_memory"
    ))
}

/// Event key for a memory: `project:KEY` or `global:KEY`.
fn memory_key(scope: Scope, key: &str) -> String {
    format!("{scope}:{key}")
}

/// `project_id` to match for a scope: the project's id, or NULL for global.
fn scope_project(project: &ProjectRef, scope: Scope) -> Option<i64> {
    match scope {
        Scope::Project => Some(project.id),
        Scope::Global => None,
    }
}

async fn log(
    tx: &mut Tx,
    project: &ProjectRef,
    actor: &str,
    memory: &Memory,
    action: &str,
    now: i64,
) -> HubResult<()> {
    let detail = json!({"category": memory.category, "tier": memory.tier});
    let key = memory_key(memory.scope, &memory.key);
    event(
        tx,
        Some(project.id),
        actor,
        "memory",
        &key,
        action,
        detail,
        now,
    )
    .await
}

#[async_trait]
impl MemoryStore for Backend {
    async fn remember(
        &self,
        actor: &str,
        project: &ProjectRef,
        new: &NewMemory,
    ) -> HubResult<Memory> {
        let now = Timestamp::now().0;
        let pg = Backend::BACKEND == "postgres";
        let sql = match (new.scope, pg) {
            (Scope::Project, false) => {
                remember!("project", "(project_id, key) where project_id is not null")
            }
            (Scope::Global, false) => remember!("global", "(key) where project_id is null"),
            (Scope::Project, true) => logged!(
                remember!("project", "(project_id, key) where project_id is not null"),
                remembered_event!()
            ),
            (Scope::Global, true) => {
                logged!(
                    remember!("global", "(key) where project_id is null"),
                    remembered_event!()
                )
            }
        };
        let query = sqlx::query_as(sql)
            .bind(scope_project(project, new.scope))
            .bind(new.category.as_str())
            .bind(&new.key)
            .bind(&new.value)
            .bind(new.tier.map(Tier::as_str))
            .bind(actor)
            .bind(now);
        if pg {
            let row: MemoryRow = query
                .bind(project.id)
                .bind(memory_key(new.scope, &new.key))
                .fetch_one(&self.writer)
                .await?;
            return row.into_model(&project.name);
        }
        let mut tx = self.begin_write().await?;
        let row: MemoryRow = query.fetch_one(&mut *tx).await?;
        let memory = row.into_model(&project.name)?;
        log(&mut tx, project, actor, &memory, "remembered", now).await?;
        tx.commit().await?;
        Ok(memory)
    }

    async fn recall(
        &self,
        member: &Member,
        project: &ProjectRef,
        key: &str,
    ) -> HubResult<Option<Memory>> {
        let now = Timestamp::now().0;
        if Backend::BACKEND == "postgres" {
            let row: Option<MemoryRow> = sqlx::query_as(RECALL_PG)
                .bind(key)
                .bind(project.id)
                .bind(now)
                .bind(member.id)
                .fetch_optional(&self.writer)
                .await?;
            return row.map(|r| r.into_model(&project.name)).transpose();
        }
        let mut tx = self.begin_write().await?;
        let row: Option<MemoryRow> = sqlx::query_as(recall!())
            .bind(key)
            .bind(project.id)
            .bind(now)
            .fetch_optional(&mut *tx)
            .await?;
        let Some(row) = row else {
            return Ok(None);
        };
        sqlx::query(
            "insert into memory_usage (memory_id, member_id, usage_count, last_used)
             values ($1, $2, 1, $3)
             on conflict (member_id, memory_id) do update set
                 usage_count = memory_usage.usage_count + 1, last_used = excluded.last_used",
        )
        .bind(row.id)
        .bind(member.id)
        .bind(now)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(Some(row.into_model(&project.name)?))
    }

    async fn search_memories(
        &self,
        project: &ProjectRef,
        query: &str,
        category: Option<Category>,
        limit: i64,
    ) -> HubResult<SearchPage> {
        #[derive(sqlx::FromRow)]
        struct Row {
            #[sqlx(flatten)]
            memory: MemoryRow,
            total: i64,
        }
        let lowered = query.to_lowercase();
        let contains = like_pattern(query);
        let prefix = format!("{}%", &contains[1..contains.len() - 1]);
        // SQLite answers 3+ character queries from its trigram FTS5 index; a quoted
        // phrase matches the substring literally. PostgreSQL probes its bucketed trigram
        // index.
        let use_fts = Backend::BACKEND == "sqlite" && query.chars().count() >= 3;
        let sql = match (Backend::BACKEND, use_fts) {
            ("postgres", _) => SEARCH_PG,
            (_, true) => SEARCH_FTS,
            _ => SEARCH_LIKE,
        };
        let mut q = sqlx::query_as(sql)
            .bind(project.id)
            .bind(category.map(Category::as_str))
            .bind(&contains)
            .bind(&lowered)
            .bind(&prefix)
            .bind(limit)
            .bind(SEARCH_CANDIDATES + 1);
        if use_fts {
            q = q.bind(format!("\"{}\"", query.replace('"', "\"\"")));
        }
        let rows: Vec<Row> = q.fetch_all(&self.pool).await?;
        let total = rows.first().map_or(0, |r| r.total);
        let capped = total > SEARCH_CANDIDATES;
        let mut page: Vec<MemoryRow> = rows.into_iter().map(|r| r.memory).collect();
        if Backend::BACKEND == "postgres" && capped {
            // Capped: an exact key match may be older than every candidate. They rank
            // first, in the same order among themselves; the page's others follow.
            let exact: Vec<MemoryRow> = sqlx::query_as(EXACT_KEY_PG)
                .bind(project.id)
                .bind(category.map(Category::as_str))
                .bind(&lowered)
                .bind(limit)
                .fetch_all(&self.pool)
                .await?;
            if !exact.is_empty() {
                let ids: Vec<i64> = exact.iter().map(|m| m.id).collect();
                page.retain(|m| !ids.contains(&m.id));
                page.splice(0..0, exact);
                page.truncate(usize::try_from(limit).unwrap_or(0));
            }
        }
        let memories = page
            .into_iter()
            .map(|m| m.into_model(&project.name))
            .collect::<HubResult<Vec<_>>>()?;
        Ok(SearchPage {
            memories,
            total: total.min(SEARCH_CANDIDATES),
            capped,
        })
    }

    async fn forget(
        &self,
        actor: &str,
        project: &ProjectRef,
        scope: Scope,
        key: &str,
    ) -> HubResult<()> {
        let now = Timestamp::now().0;
        let mut tx = self.begin_write().await?;
        let row: Option<MemoryRow> = sqlx::query_as(concat!(
            "delete from memories
             where key = $2 and (($1 is null and project_id is null) or project_id = $1)
             returning ",
            memory_ret!()
        ))
        .bind(scope_project(project, scope))
        .bind(key)
        .fetch_optional(&mut *tx)
        .await?;
        let memory = row
            .ok_or_else(|| no_memory(project, scope, key))?
            .into_model(&project.name)?;
        log(&mut tx, project, actor, &memory, "forgotten", now).await?;
        tx.commit().await?;
        Ok(())
    }

    async fn set_tier(
        &self,
        actor: &str,
        project: &ProjectRef,
        scope: Scope,
        key: &str,
        tier: Tier,
    ) -> HubResult<Memory> {
        let now = Timestamp::now().0;
        let mut tx = self.begin_write().await?;
        let row: Option<MemoryRow> = sqlx::query_as(concat!(
            "update memories set tier = $3, updated_by = $4, updated_at = $5
             where key = $2 and (($1 is null and project_id is null) or project_id = $1)
             returning ",
            memory_ret!()
        ))
        .bind(scope_project(project, scope))
        .bind(key)
        .bind(tier.as_str())
        .bind(actor)
        .bind(now)
        .fetch_optional(&mut *tx)
        .await?;
        let memory = row
            .ok_or_else(|| no_memory(project, scope, key))?
            .into_model(&project.name)?;
        log(&mut tx, project, actor, &memory, "tier_set", now).await?;
        tx.commit().await?;
        Ok(memory)
    }

    async fn hot_cache(
        &self,
        member_id: i64,
        project: &ProjectRef,
        limit: i64,
    ) -> HubResult<Vec<Memory>> {
        // Ranked by the member's own use, then everyone's, then recency. Memories the
        // member used come first, read in order of that use; the rest follow, read in
        // index order. Neither part ranks every hot memory of a large project.
        let (used, unused) = if Backend::BACKEND == "postgres" {
            (HOT_USED_PG, HOT_UNUSED_PG)
        } else {
            (HOT_USED, HOT_UNUSED)
        };
        let mut rows: Vec<MemoryRow> = sqlx::query_as(used)
            .bind(member_id)
            .bind(project.id)
            .bind(limit)
            .fetch_all(&self.pool)
            .await?;
        let rest = limit - rows.len() as i64;
        if rest > 0 {
            let more: Vec<MemoryRow> = sqlx::query_as(unused)
                .bind(member_id)
                .bind(project.id)
                .bind(rest)
                .fetch_all(&self.pool)
                .await?;
            rows.extend(more);
        }
        memories(rows, &project.name)
    }

    async fn list_memories(
        &self,
        project: Option<&ProjectRef>,
        limit: i64,
        offset: i64,
    ) -> HubResult<(Vec<Memory>, i64)> {
        let project_id = project.map(|p| p.id);
        let rows: Vec<MemoryRow> = sqlx::query_as(concat!(
            "select ",
            memory_cols!(),
            " from memories m
              where m.project_id is null or m.project_id = $1
              order by m.usage_count desc, m.updated_at desc, m.id desc
              limit $2 offset $3"
        ))
        .bind(project_id)
        .bind(limit)
        .bind(offset)
        .fetch_all(&self.pool)
        .await?;
        let total: i64 = sqlx::query_scalar(
            "select count(*) from memories m where m.project_id is null or m.project_id = $1",
        )
        .bind(project_id)
        .fetch_one(&self.pool)
        .await?;
        let name = project.map(|p| p.name.as_str()).unwrap_or_default();
        Ok((memories(rows, name)?, total))
    }
}
