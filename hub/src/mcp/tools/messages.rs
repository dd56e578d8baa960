//! Messages between project members, for hand-offs.

use rmcp::{tool, tool_router};

use crate::mcp::JcServer;
use crate::mcp::args::Parameters;
use crate::mcp::reply::Json;
use crate::model::Message;
use crate::service::*;

#[tool_router(router = message_tools, vis = "pub(crate)")]
impl JcServer {
    /// Send a message to another project member (hand-offs, questions, "ready for review").
    #[tool(annotations(
        read_only_hint = false,
        destructive_hint = false,
        idempotent_hint = false
    ))]
    async fn jc_post_message(
        &self,
        caller: Caller,
        Parameters(args): Parameters<PostMessage>,
    ) -> Json<Message> {
        Json(self.hub.post_message(&caller, args).await)
    }

    /// Your messages, oldest unread first; the returned ones are marked read.
    #[tool(annotations(
        read_only_hint = false,
        destructive_hint = false,
        idempotent_hint = false
    ))]
    async fn jc_get_messages(
        &self,
        caller: Caller,
        Parameters(args): Parameters<GetMessages>,
    ) -> Json<Inbox> {
        Json(self.hub.get_messages(&caller, args).await)
    }
}
