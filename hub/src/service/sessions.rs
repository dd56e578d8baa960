//! Sessions, the `jc_start` briefing (SPEC §4) and the project snapshot.
//!
//! Briefing parts are compact views with hard caps, so its size stays bounded however
//! large the project grows.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::cache::TextBytes;
use super::members::check_capabilities;
use super::{Caller, Hub, ProjectArgs};
use crate::error::{HubError, HubResult};
use crate::model::*;
use crate::store::ProjectRef;
use crate::validate::{self, limits};

/// How agents coordinate; the first thing every briefing says.
pub const PROTOCOL: &[&str] = &[
    "Session: jc_start → work → jc_end_session(summary). Report real skill names as capabilities.",
    "Tasks: backlog → todo → in_progress → done (or blocked). Move a task to in_progress before working on it; save a plan for non-trivial work; jc_complete_task with a summary; store outputs with jc_save_result.",
    "Context = current project decisions (jc_set_context). Memory = durable facts: people, terms, clients (jc_remember; recall with jc_recall or jc_search_memory).",
    "Hand-offs go through jc_post_message to the member who continues; check jc_get_messages.",
    "Authorship is automatic: every change is recorded under your name.",
];

// Caps that keep the briefing near 2,000 tokens however large the project grows.
pub const ACTIVE_CAP: i64 = 12;
pub const CONTEXT_CAP: usize = 30;
pub const UNREAD_CAP: i64 = 5;
pub const HOT_CACHE: i64 = 30;
pub const TEAM_CAP: usize = 20;
const MESSAGE_CHARS: usize = 200;
const MEMORY_CHARS: usize = 80;

#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Start {
    /// Project name (optional if a default applies).
    pub project: Option<String>,
    /// Your member name (optional; must match your token if given).
    pub agent: Option<String>,
    /// Skills you have loaded, as {name, desc}: real skill names, not generic labels.
    pub capabilities: Option<Vec<Capability>>,
}

#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct EndSession {
    /// Project name (optional if a default applies).
    pub project: Option<String>,
    /// What you did and what is left, for the next session.
    pub summary: String,
}

#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ListSessions {
    /// Project name (optional if a default applies).
    pub project: Option<String>,
    /// At most this many, 1-200 (default 20).
    pub limit: Option<u32>,
}

/// A task in one line.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct BriefTask {
    #[serde(rename = "ref")]
    pub task_ref: String,
    pub title: String,
    pub status: TaskStatus,
    pub priority: Priority,
    pub assignee: Option<String>,
}

impl From<Task> for BriefTask {
    fn from(t: Task) -> Self {
        BriefTask {
            task_ref: t.task_ref,
            title: t.title,
            status: t.status,
            priority: t.priority,
            assignee: t.assignee,
        }
    }
}

/// A context key and who set it.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct BriefContextKey {
    pub key: String,
    pub updated_by: String,
}

/// A hot-cache line.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct BriefMemory {
    pub scope: Scope,
    pub category: Category,
    pub key: String,
    /// Truncated to 80 characters; jc_recall gives the whole value.
    pub value: String,
}

/// A teammate, for routing work.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct TeamMember {
    pub name: String,
    pub kind: MemberKind,
    pub role: String,
    /// Capability names; jc_list_members has the descriptions.
    pub capabilities: Vec<String>,
}

/// The project in a briefing or snapshot.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct BriefProject {
    pub name: String,
    pub key: String,
    pub description: String,
}

/// Everything an agent needs at the start of a session (SPEC §4).
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct Briefing {
    pub you: String,
    pub session_id: i64,
    pub project: BriefProject,
    pub protocol: Vec<String>,
    /// todo / in_progress / blocked, yours first.
    pub active_tasks: Vec<BriefTask>,
    pub active_total: i64,
    pub context_keys: Vec<BriefContextKey>,
    pub context_total: usize,
    /// Oldest first; not marked read (jc_get_messages does that).
    pub unread_messages: Vec<Message>,
    pub unread_total: i64,
    /// Up to 30 hot memories, ranked by your own use, then everyone's, then recency.
    pub hot_cache: Vec<BriefMemory>,
    pub team: Vec<TeamMember>,
    pub team_total: usize,
}

/// Counts and recent activity of a project.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct StateSnapshot {
    pub project: BriefProject,
    pub counts: StatusCounts,
    pub active_tasks: Vec<BriefTask>,
    pub active_total: i64,
    pub context_keys: Vec<BriefContextKey>,
    pub context_total: usize,
    /// Your unread messages.
    pub unread: i64,
    pub recent_sessions: Vec<Session>,
}

impl TextBytes for StateSnapshot {
    fn text_bytes(&self) -> usize {
        let p = &self.project;
        let tasks: usize = (self.active_tasks.iter())
            .map(|t| t.task_ref.len() + t.title.len() + t.assignee.as_ref().map_or(0, String::len))
            .sum();
        let keys: usize = (self.context_keys.iter())
            .map(|k| k.key.len() + k.updated_by.len())
            .sum();
        let sessions: usize = (self.recent_sessions.iter())
            .map(|s| s.agent.len() + s.summary.as_ref().map_or(0, String::len))
            .sum();
        p.name.len() + p.key.len() + p.description.len() + tasks + keys + sessions
    }
}

#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct SessionList {
    pub sessions: Vec<Session>,
}

fn brief_project(p: &ProjectRef) -> BriefProject {
    BriefProject {
        name: p.name.clone(),
        key: p.key.clone(),
        description: p.description.clone(),
    }
}

fn context_keys(keys: Vec<crate::store::ContextKey>) -> (Vec<BriefContextKey>, usize) {
    let total = keys.len();
    let keys = keys.into_iter().take(CONTEXT_CAP).map(brief_key).collect();
    (keys, total)
}

fn brief_key(k: crate::store::ContextKey) -> BriefContextKey {
    BriefContextKey {
        key: k.key,
        updated_by: k.updated_by,
    }
}

impl Hub {
    pub async fn start(&self, caller: &Caller, input: Start) -> HubResult<Briefing> {
        if let Some(agent) = &input.agent
            && agent != caller.name()
        {
            return Err(HubError::forbidden(format!(
                "agent '{}' does not match your token, which belongs to '{}'; omit agent or use your own name",
                validate::clip(agent, 64),
                caller.name()
            )));
        }
        if let Some(caps) = &input.capabilities {
            check_capabilities(caps)?;
        }
        let project = self
            .member_project(caller, input.project.as_deref())
            .await?;
        let me = caller.name();
        let store = &self.store;
        let caps = input.capabilities.as_deref();
        let session = store.start_session(&caller.member, &project, caps);
        let reads = async {
            tokio::try_join!(
                store.active_tasks(&project, me, ACTIVE_CAP, None),
                store.context_keys(project.id),
                store.peek_unread(me, project.id, UNREAD_CAP),
                store.hot_cache(caller.member.id, &project, HOT_CACHE),
                store.project_members(project.id),
            )
        };
        // The briefing reads nothing the session row holds, so they run alongside its
        // write, unless the write replaces the caller's capabilities, which the team
        // part shows: then the reads wait for it.
        let (session, ((active, active_total), keys, (unread, unread_total), hot, team)) =
            if caps.is_some() {
                let session = session.await?;
                // Cached members carry the capabilities just replaced.
                self.caches.tokens.clear();
                (session, reads.await?)
            } else {
                tokio::try_join!(session, reads)?
            };
        let (context_keys, context_total) = context_keys(keys);
        let team_total = team.len();
        Ok(Briefing {
            you: me.to_string(),
            session_id: session.id,
            project: brief_project(&project),
            protocol: PROTOCOL.iter().map(|s| s.to_string()).collect(),
            active_tasks: active.into_iter().map(BriefTask::from).collect(),
            active_total: active_total.unwrap_or_default(),
            context_keys,
            context_total,
            unread_messages: unread
                .into_iter()
                .map(|mut m| {
                    m.content = validate::clip(&m.content, MESSAGE_CHARS);
                    m
                })
                .collect(),
            unread_total,
            hot_cache: hot
                .into_iter()
                .map(|m| BriefMemory {
                    scope: m.scope,
                    category: m.category,
                    key: m.key,
                    value: validate::clip(&m.value, MEMORY_CHARS),
                })
                .collect(),
            team: team
                .into_iter()
                .take(TEAM_CAP)
                .map(|m| TeamMember {
                    name: m.name,
                    kind: m.kind,
                    role: m.role,
                    capabilities: m.capabilities.into_iter().map(|c| c.name).collect(),
                })
                .collect(),
            team_total,
        })
    }

    pub async fn end_session(&self, caller: &Caller, input: EndSession) -> HubResult<Session> {
        validate::text("summary", &input.summary, limits::SUMMARY, true)?;
        let project = self
            .member_project(caller, input.project.as_deref())
            .await?;
        self.store
            .end_session(caller.name(), &project, &input.summary)
            .await
    }

    pub async fn list_sessions(
        &self,
        caller: &Caller,
        input: ListSessions,
    ) -> HubResult<SessionList> {
        let limit = validate::limit(input.limit, 20)?;
        let project = self.project(caller, input.project.as_deref()).await?;
        Ok(SessionList {
            sessions: self.store.list_sessions(project.id, limit).await?,
        })
    }

    /// The project's state for the caller, from the cache while the data is unchanged.
    pub async fn get_state(&self, caller: &Caller, input: ProjectArgs) -> HubResult<StateSnapshot> {
        let project = self.project(caller, input.project.as_deref()).await?;
        let key = (project.id, caller.name().to_string());
        let read = self.read_state(caller, &project);
        self.versioned(&self.caches.states, key, read).await
    }

    async fn read_state(&self, caller: &Caller, project: &ProjectRef) -> HubResult<StateSnapshot> {
        let me = caller.name();
        let store = &self.store;
        // One after the other rather than concurrently: under load (16 clients) that
        // measured 5-30% more calls/s and a lower p99 on PostgreSQL (the database's CPU is
        // the limit, and a second connection per call only adds backends competing for
        // it), for 0.05 ms more latency when the hub is idle. And the counts tell the
        // active tasks' query how many there are, which picks its plan.
        let summary = store
            .state_summary(project.id, me, CONTEXT_CAP as i64, 5)
            .await?;
        let counts = summary.counts;
        let active_total = counts.todo + counts.in_progress + counts.blocked;
        let (active, _) = store
            .active_tasks(project, me, 20, Some(active_total))
            .await?;
        Ok(StateSnapshot {
            project: brief_project(project),
            active_tasks: active.into_iter().map(BriefTask::from).collect(),
            active_total,
            counts,
            context_keys: summary.context_keys.into_iter().map(brief_key).collect(),
            context_total: summary.context_total as usize,
            unread: summary.unread,
            recent_sessions: summary.sessions,
        })
    }
}
