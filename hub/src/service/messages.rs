//! Messages between project members.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::{Caller, Hub};
use crate::error::HubResult;
use crate::model::Message;
use crate::validate::{self, limits};

#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PostMessage {
    /// Project name (optional if a default applies).
    pub project: Option<String>,
    /// Member name of the recipient (a project member; see jc_list_members).
    pub recipient: String,
    /// The message; say what is ready, needed or decided.
    pub content: String,
}

#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct GetMessages {
    /// Project name (optional if a default applies).
    pub project: Option<String>,
    /// Only unread messages (default true).
    pub unread_only: Option<bool>,
    /// At most this many, 1-200 (default 50).
    pub limit: Option<u32>,
}

/// Messages for the caller, oldest first.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct Inbox {
    pub messages: Vec<Message>,
    /// Unread messages still waiting after this call.
    pub unread_remaining: i64,
}

/// A page of a project's messages, newest first.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct MessageList {
    pub messages: Vec<Message>,
    /// Pass as `before` to get older messages.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_before: Option<i64>,
}

impl Hub {
    pub async fn post_message(&self, caller: &Caller, input: PostMessage) -> HubResult<Message> {
        validate::text("content", &input.content, limits::MESSAGE, true)?;
        validate::text("recipient", &input.recipient, limits::NAME, true)?;
        let project = self
            .member_project(caller, input.project.as_deref())
            .await?;
        self.store
            .post_message(caller.name(), &project, &input.recipient, &input.content)
            .await
    }

    pub async fn get_messages(&self, caller: &Caller, input: GetMessages) -> HubResult<Inbox> {
        let limit = validate::limit(input.limit, 50)?;
        let project = self
            .member_project(caller, input.project.as_deref())
            .await?;
        let (messages, unread_remaining) = self
            .store
            .take_messages(
                caller.name(),
                project.id,
                input.unread_only.unwrap_or(true),
                limit,
            )
            .await?;
        Ok(Inbox {
            messages,
            unread_remaining,
        })
    }

    /// Every message of the project, newest first (for the dashboard and REST).
    pub async fn list_messages(
        &self,
        caller: &Caller,
        project: &str,
        limit: Option<u32>,
        before: Option<i64>,
    ) -> HubResult<MessageList> {
        let limit = validate::limit(limit, 50)?;
        let project = self.project(caller, Some(project)).await?;
        let messages = self.store.list_messages(project.id, limit, before).await?;
        let next_before = (messages.len() as i64 == limit)
            .then(|| messages.last().map(|m| m.id))
            .flatten();
        Ok(MessageList {
            messages,
            next_before,
        })
    }
}
