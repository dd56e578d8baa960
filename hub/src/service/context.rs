//! Project context: shared key/value decisions.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::cache::{TextBytes, json_bytes};
use super::{Caller, Deleted, Hub};
use crate::error::{HubError, HubResult};
use crate::model::ContextEntry;
use crate::validate::{self, limits};

#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct GetContext {
    /// Project name (optional if a default applies).
    pub project: Option<String>,
    /// One key to read; omit to get every entry.
    pub key: Option<String>,
}

#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SetContext {
    /// Project name (optional if a default applies).
    pub project: Option<String>,
    /// Key, e.g. "tech_stack" or "decisions/db".
    pub key: String,
    /// Any JSON value: string, number, object, list.
    pub value: serde_json::Value,
}

#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DeleteContext {
    /// Project name (optional if a default applies).
    pub project: Option<String>,
    /// Key to delete.
    pub key: String,
}

/// Context entries of a project.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct ContextList {
    pub entries: Vec<ContextEntry>,
}

impl TextBytes for ContextList {
    fn text_bytes(&self) -> usize {
        (self.entries.iter())
            .map(|e| e.key.len() + json_bytes(&e.value) + e.updated_by.len())
            .sum()
    }
}

fn check_key(key: &str) -> HubResult<()> {
    validate::text("key", key, limits::CONTEXT_KEY, true)
}

impl Hub {
    pub async fn get_context(&self, caller: &Caller, input: GetContext) -> HubResult<ContextList> {
        let project = self.project(caller, input.project.as_deref()).await?;
        let Some(key) = input.key else {
            let read = async {
                let entries = self.store.list_context(project.id).await?;
                Ok(ContextList { entries })
            };
            return self
                .versioned(&self.caches.contexts, project.id, read)
                .await;
        };
        let entry = self.store.get_context(project.id, &key).await?;
        let entry = entry.ok_or_else(|| {
            HubError::not_found(format!(
                "no context key '{}' in project '{}'; omit key to list all",
                validate::clip(&key, 80),
                project.name
            ))
        })?;
        Ok(ContextList {
            entries: vec![entry],
        })
    }

    pub async fn set_context(&self, caller: &Caller, input: SetContext) -> HubResult<ContextEntry> {
        check_key(&input.key)?;
        let size = input.value.to_string().len();
        if size > limits::CONTEXT_VALUE_BYTES {
            return Err(HubError::validation(
                "value",
                format!(
                    "value is too large ({size} bytes of JSON; the limit is {}); store large text in a task result instead",
                    limits::CONTEXT_VALUE_BYTES
                ),
            ));
        }
        let project = self.project(caller, input.project.as_deref()).await?;
        self.store
            .set_context(caller.name(), &project, &input.key, &input.value)
            .await
    }

    pub async fn delete_context(
        &self,
        caller: &Caller,
        input: DeleteContext,
    ) -> HubResult<Deleted> {
        check_key(&input.key)?;
        let project = self.project(caller, input.project.as_deref()).await?;
        self.store
            .delete_context(caller.name(), &project, &input.key)
            .await?;
        Ok(Deleted {
            deleted: format!("context key '{}'", input.key),
        })
    }
}
