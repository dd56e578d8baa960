//! Projects and members.

use rmcp::{tool, tool_router};

use crate::mcp::JcServer;
use crate::mcp::args::Parameters;
use crate::mcp::reply::Json;
use crate::service::*;

#[tool_router(router = admin_tools, vis = "pub(crate)")]
impl JcServer {
    /// Projects you belong to (all projects for an admin).
    #[tool(annotations(read_only_hint = true, idempotent_hint = true))]
    async fn jc_list_projects(&self, caller: Caller) -> Json<ProjectList> {
        Json(self.hub.list_projects(&caller).await)
    }

    /// Project members with kind, role and full capabilities: use it to route work.
    #[tool(annotations(read_only_hint = true, idempotent_hint = true))]
    async fn jc_list_members(
        &self,
        caller: Caller,
        Parameters(args): Parameters<ProjectArgs>,
    ) -> Json<MemberList> {
        Json(self.hub.project_members(&caller, args).await)
    }

    /// Admin only: delete a project and all its data. confirm must repeat the project name.
    #[tool(annotations(
        read_only_hint = false,
        destructive_hint = true,
        idempotent_hint = false
    ))]
    async fn jc_delete_project(
        &self,
        caller: Caller,
        Parameters(args): Parameters<DeleteProject>,
    ) -> Json<Deleted> {
        Json(self.hub.delete_project(&caller, args).await)
    }
}
