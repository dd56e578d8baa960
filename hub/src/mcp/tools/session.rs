//! Session lifecycle and project snapshots.

use rmcp::{tool, tool_router};

use crate::mcp::JcServer;
use crate::mcp::args::Parameters;
use crate::mcp::reply::Json;
use crate::model::Session;
use crate::service::*;

#[tool_router(router = session_tools, vis = "pub(crate)")]
impl JcServer {
    /// Start here: opens your session on the project, records your loaded skills, and returns the briefing (protocol, active tasks, context keys, unread messages, your hot memory cache, team).
    #[tool(annotations(
        read_only_hint = false,
        destructive_hint = false,
        idempotent_hint = false
    ))]
    async fn jc_start(
        &self,
        caller: Caller,
        Parameters(args): Parameters<Start>,
    ) -> Json<Briefing> {
        Json(self.hub.start(&caller, args).await)
    }

    /// Project snapshot: task counts per status, active tasks, context keys, your unread count, recent sessions.
    #[tool(annotations(read_only_hint = true, idempotent_hint = true))]
    async fn jc_get_state(
        &self,
        caller: Caller,
        Parameters(args): Parameters<ProjectArgs>,
    ) -> Json<StateSnapshot> {
        Json(self.hub.get_state(&caller, args).await)
    }

    /// End your open session with a summary of what you did and what is left.
    #[tool(annotations(
        read_only_hint = false,
        destructive_hint = false,
        idempotent_hint = false
    ))]
    async fn jc_end_session(
        &self,
        caller: Caller,
        Parameters(args): Parameters<EndSession>,
    ) -> Json<Session> {
        Json(self.hub.end_session(&caller, args).await)
    }

    /// Recent sessions on the project: who worked, when, and their summaries.
    #[tool(annotations(read_only_hint = true, idempotent_hint = true))]
    async fn jc_list_sessions(
        &self,
        caller: Caller,
        Parameters(args): Parameters<ListSessions>,
    ) -> Json<SessionList> {
        Json(self.hub.list_sessions(&caller, args).await)
    }
}
