//! Two-tier memory: project scope falling back to global, hot and deep tiers.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::{Caller, Deleted, Hub};
use crate::error::{HubError, HubResult};
use crate::model::*;
use crate::store::NewMemory;
use crate::validate::{self, limits};

#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Remember {
    /// Project name (optional if a default applies).
    pub project: Option<String>,
    /// What the memory is about.
    pub category: Category,
    /// Short lookup key, e.g. "PSR" or "fedor".
    pub key: String,
    /// What to remember, e.g. "Pipeline Status Report".
    pub value: String,
    /// project (default; this project only) or global (every project).
    pub scope: Option<Scope>,
    /// hot (default; loaded at jc_start) or deep (recall/search only). Kept on update if omitted.
    pub tier: Option<Tier>,
}

#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Recall {
    /// Project name (optional if a default applies).
    pub project: Option<String>,
    /// Exact key; project scope is checked first, then global.
    pub key: String,
}

#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SearchMemory {
    /// Project name (optional if a default applies).
    pub project: Option<String>,
    /// Text to find in keys and values (case-insensitive; % and _ match literally).
    pub query: String,
    /// Only this category.
    pub category: Option<Category>,
    /// At most this many, 1-200 (default 20).
    pub limit: Option<u32>,
}

#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Forget {
    /// Project name (optional if a default applies).
    pub project: Option<String>,
    /// Key of the memory to delete.
    pub key: String,
    /// project (default) or global.
    pub scope: Option<Scope>,
}

#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SetMemoryTier {
    /// Project name (optional if a default applies).
    pub project: Option<String>,
    /// Key of the memory.
    pub key: String,
    /// hot (loaded at jc_start) or deep.
    pub tier: Tier,
    /// project (default) or global.
    pub scope: Option<Scope>,
}

/// Memories with the number that matched in all.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct MemoryList {
    pub memories: Vec<Memory>,
    pub total: i64,
    /// Set when more than `total` (500) matched: results are the best of those 500 and
    /// the exact key match; narrow the query to rank the rest.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub capped: bool,
}

fn check_key(key: &str) -> HubResult<()> {
    validate::text("key", key, limits::MEMORY_KEY, true)
}

impl Hub {
    pub async fn remember(&self, caller: &Caller, input: Remember) -> HubResult<Memory> {
        check_key(&input.key)?;
        validate::text("value", &input.value, limits::MEMORY_VALUE, true)?;
        let project = self.project(caller, input.project.as_deref()).await?;
        let new = NewMemory {
            scope: input.scope.unwrap_or(Scope::Project),
            category: input.category,
            key: input.key.trim().to_string(),
            value: input.value,
            tier: input.tier,
        };
        self.store.remember(caller.name(), &project, &new).await
    }

    pub async fn recall(&self, caller: &Caller, input: Recall) -> HubResult<Memory> {
        check_key(&input.key)?;
        let project = self.project(caller, input.project.as_deref()).await?;
        let found = self
            .store
            .recall(&caller.member, &project, input.key.trim())
            .await?;
        found.ok_or_else(|| {
            HubError::not_found(format!(
                "no memory '{}' in project '{}' or global; try jc_search_memory",
                validate::clip(&input.key, 80),
                project.name
            ))
        })
    }

    pub async fn search_memory(
        &self,
        caller: &Caller,
        input: SearchMemory,
    ) -> HubResult<MemoryList> {
        validate::text("query", &input.query, limits::QUERY, true)?;
        let limit = validate::limit(input.limit, 20)?;
        let project = self.project(caller, input.project.as_deref()).await?;
        let page = self
            .store
            .search_memories(&project, input.query.trim(), input.category, limit)
            .await?;
        Ok(MemoryList {
            memories: page.memories,
            total: page.total,
            capped: page.capped,
        })
    }

    pub async fn forget(&self, caller: &Caller, input: Forget) -> HubResult<Deleted> {
        check_key(&input.key)?;
        let scope = input.scope.unwrap_or(Scope::Project);
        let project = self.project(caller, input.project.as_deref()).await?;
        self.store
            .forget(caller.name(), &project, scope, input.key.trim())
            .await?;
        Ok(Deleted {
            deleted: format!("{scope} memory '{}'", input.key.trim()),
        })
    }

    pub async fn set_memory_tier(
        &self,
        caller: &Caller,
        input: SetMemoryTier,
    ) -> HubResult<Memory> {
        check_key(&input.key)?;
        let scope = input.scope.unwrap_or(Scope::Project);
        let project = self.project(caller, input.project.as_deref()).await?;
        self.store
            .set_tier(caller.name(), &project, scope, input.key.trim(), input.tier)
            .await
    }

    /// Project and global memories, most used first (REST and dashboard).
    pub async fn list_memories(
        &self,
        caller: &Caller,
        project: Option<&str>,
        limit: Option<u32>,
        offset: Option<u32>,
    ) -> HubResult<MemoryList> {
        let limit = validate::limit(limit, 100)?;
        let project = match project {
            Some(p) => Some(self.project(caller, Some(p)).await?),
            None => None,
        };
        let (memories, total) = self
            .store
            .list_memories(project.as_ref(), limit, offset.unwrap_or(0) as i64)
            .await?;
        Ok(MemoryList {
            memories,
            total,
            capped: false,
        })
    }
}
