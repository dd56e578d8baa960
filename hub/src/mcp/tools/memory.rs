//! Two-tier memory.

use rmcp::{tool, tool_router};

use crate::mcp::JcServer;
use crate::mcp::args::Parameters;
use crate::mcp::reply::Json;
use crate::model::Memory;
use crate::service::*;

#[tool_router(router = memory_tools, vis = "pub(crate)")]
impl JcServer {
    /// Remember a durable fact (person, term, client, process…) for this project or globally; upserts by key.
    #[tool(annotations(
        read_only_hint = false,
        destructive_hint = false,
        idempotent_hint = true
    ))]
    async fn jc_remember(
        &self,
        caller: Caller,
        Parameters(args): Parameters<Remember>,
    ) -> Json<Memory> {
        Json(self.hub.remember(&caller, args).await)
    }

    /// Look up a memory by exact key: project scope first, then global. Counts as a use (ranks your hot cache).
    #[tool(annotations(
        read_only_hint = false,
        destructive_hint = false,
        idempotent_hint = false
    ))]
    async fn jc_recall(
        &self,
        caller: Caller,
        Parameters(args): Parameters<Recall>,
    ) -> Json<Memory> {
        Json(self.hub.recall(&caller, args).await)
    }

    /// Search memory keys and values (project + global), best matches first.
    #[tool(annotations(read_only_hint = true, idempotent_hint = true))]
    async fn jc_search_memory(
        &self,
        caller: Caller,
        Parameters(args): Parameters<SearchMemory>,
    ) -> Json<MemoryList> {
        Json(self.hub.search_memory(&caller, args).await)
    }

    /// Delete a memory.
    #[tool(annotations(
        read_only_hint = false,
        destructive_hint = true,
        idempotent_hint = true
    ))]
    async fn jc_forget(
        &self,
        caller: Caller,
        Parameters(args): Parameters<Forget>,
    ) -> Json<Deleted> {
        Json(self.hub.forget(&caller, args).await)
    }

    /// Move a memory between hot (loaded at every jc_start) and deep (recall/search only).
    #[tool(annotations(
        read_only_hint = false,
        destructive_hint = false,
        idempotent_hint = true
    ))]
    async fn jc_set_memory_tier(
        &self,
        caller: Caller,
        Parameters(args): Parameters<SetMemoryTier>,
    ) -> Json<Memory> {
        Json(self.hub.set_memory_tier(&caller, args).await)
    }
}
