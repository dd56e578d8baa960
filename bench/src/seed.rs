//! Data for the benchmark: a working team through the service, and large-scale data
//! through bulk SQL (the service would take minutes to insert a million rows).

use jc_hub::model::{Category, MemberKind, Scope, TaskStatus, Timestamp};
use jc_hub::service::*;
use serde_json::json;

use crate::Args;
use crate::db::{Database, Kind};
use crate::load::{Client, Server, connect};

async fn admin(server: &Server) -> anyhow::Result<Caller> {
    Ok(Caller::new(server.hub.first_admin().await?))
}

async fn agents(
    server: &Server,
    admin: &Caller,
    project: &str,
    prefix: &str,
    n: usize,
) -> anyhow::Result<Vec<(Caller, String)>> {
    let mut out = Vec::new();
    for i in 0..n {
        let created = server
            .hub
            .create_member(
                admin,
                CreateMember {
                    name: format!("{prefix}-{i}"),
                    kind: MemberKind::Agent,
                    role: Some("Benchmark agent".into()),
                    capabilities: Some(vec![jc_hub::model::Capability {
                        name: "systematic-debugging".into(),
                        desc: "Use when encountering bugs".into(),
                    }]),
                    admin: None,
                },
            )
            .await?;
        let member = created.member.name.clone();
        server
            .hub
            .add_project_member(admin, project, AddProjectMember { member })
            .await?;
        out.push((Caller::new(created.member), created.token));
    }
    Ok(out)
}

/// A simulated agent: an rmcp client and the token for raw requests.
pub struct Agent {
    pub client: Client,
    pub token: String,
}

/// Project `bench` with `n` agents, 200 tasks, 500 memories and some context; returns one
/// connected MCP client per agent.
pub async fn team(server: &Server, n: usize) -> anyhow::Result<Vec<Agent>> {
    let admin = admin(server).await?;
    let hub = &server.hub;
    hub.create_project(
        &admin,
        CreateProject {
            name: "bench".into(),
            key: Some("BN".into()),
            description: Some("Benchmark project".into()),
        },
    )
    .await?;
    let members = agents(server, &admin, "bench", "agent", n.max(2)).await?;
    let me = &members[0].0;
    let project = Some("bench".to_string());
    for i in 0..200 {
        let status = TaskStatus::ALL[i % TaskStatus::ALL.len()];
        hub.add_task(
            me,
            AddTask {
                project: project.clone(),
                title: format!("Benchmark task {i}"),
                description: Some("Realistic description of the work to do.".into()),
                priority: None,
                status: Some(status),
                assignee: Some(format!("agent-{}", i % n.max(2))),
            },
        )
        .await?;
    }
    for i in 0..500 {
        hub.remember(
            me,
            Remember {
                project: project.clone(),
                category: Category::Term,
                key: format!("term-{i}"),
                value: format!("Term {i}: pipeline status report number {i}"),
                scope: Some(if i % 5 == 0 {
                    Scope::Global
                } else {
                    Scope::Project
                }),
                tier: None,
            },
        )
        .await?;
    }
    for i in 0..20 {
        hub.set_context(
            me,
            SetContext {
                project: project.clone(),
                key: format!("decision-{i}"),
                value: json!({"choice": i, "why": "measured"}),
            },
        )
        .await?;
    }
    let mut clients = Vec::new();
    for (_, token) in members.iter().take(n) {
        clients.push(Agent {
            client: connect(&server.url, token, "bench").await?,
            token: token.clone(),
        });
    }
    Ok(clients)
}

/// The `jc_start`-at-scale project.
pub struct Scale {
    /// The measuring member, who has used every hot memory of the project.
    pub client: Client,
    /// A member who has used no memory yet (a new agent on the team).
    pub newcomer: Client,
    pub project_id: i64,
}

fn generator(kind: Kind) -> &'static str {
    match kind {
        Kind::Sqlite => "sqlite",
        Kind::Postgres => "postgres",
    }
}

/// Project `scale`: `scale_members` members, `scale_tasks` tasks, `scale_memories`
/// memories (5% hot; one in five global, as in the team's data; usage of every hot memory
/// of the project by the measuring member) and 50 unread messages.
pub async fn scale(server: &Server, db: &Database, args: &Args) -> anyhow::Result<Scale> {
    let admin = admin(server).await?;
    let project = server
        .hub
        .create_project(
            &admin,
            CreateProject {
                name: "scale".into(),
                key: Some("SC".into()),
                description: Some("Large project".into()),
            },
        )
        .await?;
    let members = agents(server, &admin, "scale", "scale", args.scale_members.max(2)).await?;
    let now = Timestamp::now().0;
    let (tasks_sql, memories_sql) = match generator(db.kind) {
        "sqlite" => (SQLITE_TASKS, SQLITE_MEMORIES),
        _ => (PG_TASKS, PG_MEMORIES),
    };
    db.exec(tasks_sql, &[project.id, now, args.scale_tasks])
        .await?;
    db.exec(
        "update projects set task_seq = $2 where id = $1",
        &[project.id, args.scale_tasks],
    )
    .await?;
    db.exec(memories_sql, &[project.id, now, args.scale_memories])
        .await?;
    db.exec(
        "insert into memory_usage (memory_id, member_id, usage_count, last_used)
         select id, $2, (id % 7) + 1, $3 from memories where project_id = $1 and tier = 'hot'",
        &[project.id, members[0].0.member.id, now],
    )
    .await?;
    db.settle().await?;
    for i in 0..50 {
        server
            .hub
            .post_message(
                &members[1].0,
                PostMessage {
                    project: Some("scale".into()),
                    recipient: "scale-0".into(),
                    content: format!("Update {i}: the pipeline report is ready for review."),
                },
            )
            .await?;
    }
    let client = connect(&server.url, &members[0].1, "scale").await?;
    let newcomer = connect(&server.url, &members[1].1, "scale").await?;
    Ok(Scale {
        client,
        newcomer,
        project_id: project.id,
    })
}

/// `n` more memories in the scale project, for search.
pub async fn search_corpus(db: &Database, scale: &Scale, n: i64) -> anyhow::Result<()> {
    let sql = match generator(db.kind) {
        "sqlite" => SQLITE_CORPUS,
        _ => PG_CORPUS,
    };
    db.exec(sql, &[scale.project_id, Timestamp::now().0, n])
        .await?;
    // So the planner sees 1.1 M rows rather than the statistics of a small table.
    db.settle().await
}

macro_rules! tasks_insert {
    () => {
        "insert into tasks (project_id, seq, title, description, status, priority, assignee,
                            created_by, updated_by, created_at, updated_at)
         select $1, x, 'Scale task ' || x, 'Description of scale task ' || x,
                case x % 5 when 0 then 'backlog' when 1 then 'todo' when 2 then 'in_progress'
                           when 3 then 'done' else 'blocked' end,
                'medium', 'scale-' || (x % 50), 'scale-0', 'scale-0', $2 + x, $2 + x"
    };
}
macro_rules! memories_insert {
    () => {
        "insert into memories (project_id, scope, category, key, value, tier, usage_count,
                               last_used, created_by, updated_by, created_at, updated_at)
         select case when (x / 5) % 5 = 0 then null else $1 end,
                case when (x / 5) % 5 = 0 then 'global' else 'project' end, 'term', 'scale-key-' || x,
                'Meaning of scale key ' || x || ': pipeline status and delivery notes',
                case when x % 20 = 0 then 'hot' else 'deep' end, x % 100, $2 + x,
                'scale-0', 'scale-0', $2, $2"
    };
}
macro_rules! corpus_insert {
    () => {
        "insert into memories (project_id, scope, category, key, value, tier, usage_count,
                               created_by, updated_by, created_at, updated_at)
         select $1, 'project', 'client', 'k' || x,
                'Invoice ' || (x % 97) || ' for client ' || x || ' sent with the monthly report',
                'deep', x % 10, 'scale-0', 'scale-0', $2, $2"
    };
}

const SQLITE_TASKS: &str = concat!(
    "with recursive g(x) as (select 1 union all select x + 1 from g where x < $3) ",
    tasks_insert!(),
    " from g"
);
const PG_TASKS: &str = concat!(tasks_insert!(), " from generate_series(1, $3) as g(x)");
const SQLITE_MEMORIES: &str = concat!(
    "with recursive g(x) as (select 1 union all select x + 1 from g where x < $3) ",
    memories_insert!(),
    " from g"
);
const PG_MEMORIES: &str = concat!(memories_insert!(), " from generate_series(1, $3) as g(x)");
const SQLITE_CORPUS: &str = concat!(
    "with recursive g(x) as (select 1 union all select x + 1 from g where x < $3) ",
    corpus_insert!(),
    " from g"
);
const PG_CORPUS: &str = concat!(corpus_insert!(), " from generate_series(1, $3) as g(x)");
