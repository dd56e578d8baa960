//! Project context: current decisions as key/value.

use rmcp::{tool, tool_router};

use crate::mcp::JcServer;
use crate::mcp::args::Parameters;
use crate::mcp::reply::Json;
use crate::model::ContextEntry;
use crate::service::*;

#[tool_router(router = context_tools, vis = "pub(crate)")]
impl JcServer {
    /// Read the project's context (decisions, stack, conventions): all entries, or one key.
    #[tool(annotations(read_only_hint = true, idempotent_hint = true))]
    async fn jc_get_context(
        &self,
        caller: Caller,
        Parameters(args): Parameters<GetContext>,
    ) -> Json<ContextList> {
        Json(self.hub.get_context(&caller, args).await)
    }

    /// Set a project context entry (any JSON value), replacing the old value.
    #[tool(annotations(
        read_only_hint = false,
        destructive_hint = false,
        idempotent_hint = true
    ))]
    async fn jc_set_context(
        &self,
        caller: Caller,
        Parameters(args): Parameters<SetContext>,
    ) -> Json<ContextEntry> {
        Json(self.hub.set_context(&caller, args).await)
    }

    /// Delete a project context entry.
    #[tool(annotations(
        read_only_hint = false,
        destructive_hint = true,
        idempotent_hint = true
    ))]
    async fn jc_delete_context(
        &self,
        caller: Caller,
        Parameters(args): Parameters<DeleteContext>,
    ) -> Json<Deleted> {
        Json(self.hub.delete_context(&caller, args).await)
    }
}
