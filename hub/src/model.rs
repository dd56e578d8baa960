//! Domain types shared by the store, the service layer, REST and MCP.
//!
//! Enumerations carry the exact spellings of SPEC §1; their `FromStr` errors list the
//! accepted values so a caller can fix the input without reading docs.

use std::fmt;
use std::str::FromStr;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// Milliseconds since the Unix epoch; rendered as RFC 3339 in JSON.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Timestamp(pub i64);

impl Timestamp {
    pub fn now() -> Self {
        let ms = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| d.as_millis() as i64)
            .unwrap_or(0);
        Timestamp(ms)
    }

    pub fn rfc3339(self) -> String {
        let t = UNIX_EPOCH + Duration::from_millis(self.0.max(0) as u64);
        humantime::format_rfc3339_millis(t).to_string()
    }
}

impl Serialize for Timestamp {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.rfc3339())
    }
}

impl<'de> Deserialize<'de> for Timestamp {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        let t = humantime::parse_rfc3339_weak(&s).map_err(serde::de::Error::custom)?;
        let ms = t
            .duration_since(UNIX_EPOCH)
            .map_err(serde::de::Error::custom)?
            .as_millis() as i64;
        Ok(Timestamp(ms))
    }
}

impl JsonSchema for Timestamp {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Timestamp".into()
    }
    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({"type": "string", "format": "date-time"})
    }
    fn inline_schema() -> bool {
        true
    }
}

/// Defines a string enumeration with serde, JSON Schema, `FromStr` and `as_str`, so the
/// accepted spellings live in exactly one place.
macro_rules! string_enum {
    ($(#[$meta:meta])* $name:ident, $what:literal { $($variant:ident = $text:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
        #[serde(rename_all = "snake_case")]
        #[schemars(inline)]
        pub enum $name { $($variant),+ }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];
            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $text),+ }
            }
            /// The accepted values, comma-separated, for error messages.
            pub fn choices() -> String {
                [$($text),+].join(", ")
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl FromStr for $name {
            type Err = String;
            fn from_str(s: &str) -> Result<Self, String> {
                match s {
                    $($text => Ok($name::$variant),)+
                    _ => Err(format!("unknown {} '{}'; use one of {}", $what, s, $name::choices())),
                }
            }
        }
    };
}

string_enum!(
    /// Where a task stands on the board.
    TaskStatus, "status" {
        Backlog = "backlog", Todo = "todo", InProgress = "in_progress", Done = "done", Blocked = "blocked",
    }
);

string_enum!(
    /// Task urgency.
    Priority, "priority" { Low = "low", Medium = "medium", High = "high", Urgent = "urgent" }
);

string_enum!(
    /// Whether a member is an AI agent or a person.
    MemberKind, "kind" { Agent = "agent", Human = "human" }
);

string_enum!(
    /// Visibility of a memory: one project, or every project.
    Scope, "scope" { Project = "project", Global = "global" }
);

string_enum!(
    /// `hot` memories load into every `jc_start` briefing; `deep` ones only on recall/search.
    Tier, "tier" { Hot = "hot", Deep = "deep" }
);

string_enum!(
    /// What a memory is about.
    Category, "category" {
        Person = "person", Project = "project", Term = "term", Client = "client",
        Deal = "deal", Process = "process", Preference = "preference", Other = "other",
    }
);

impl TaskStatus {
    /// Statuses shown as "active" in briefings and snapshots.
    pub fn is_active(self) -> bool {
        matches!(
            self,
            TaskStatus::Todo | TaskStatus::InProgress | TaskStatus::Blocked
        )
    }
}

/// A skill an agent has loaded, self-reported at `jc_start`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct Capability {
    /// The skill's real name, e.g. "systematic-debugging" (not a generic label).
    pub name: String,
    /// One line on when the skill is used.
    #[serde(default)]
    pub desc: String,
}

/// A registered agent or human.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Member {
    #[serde(skip)]
    #[schemars(skip)]
    pub id: i64,
    pub name: String,
    pub kind: MemberKind,
    pub role: String,
    pub capabilities: Vec<Capability>,
    pub admin: bool,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
}

/// A project and its task-key prefix.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Project {
    #[serde(skip)]
    #[schemars(skip)]
    pub id: i64,
    pub name: String,
    pub key: String,
    pub description: String,
    pub created_by: String,
    pub created_at: Timestamp,
}

/// A task on a project's board.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Task {
    #[serde(skip)]
    #[schemars(skip)]
    pub id: i64,
    /// `KEY-n`, e.g. `KB-12`.
    #[serde(rename = "ref")]
    pub task_ref: String,
    pub title: String,
    #[serde(skip_serializing_if = "String::is_empty", default)]
    pub description: String,
    pub status: TaskStatus,
    pub priority: Priority,
    pub assignee: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub summary: Option<String>,
    pub created_by: String,
    pub updated_by: String,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
}

/// A task's plan or result text.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct TaskDoc {
    pub content: String,
    pub created_by: String,
    pub updated_by: String,
    pub updated_at: Timestamp,
}

/// Which of the two per-task documents.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DocKind {
    Plan,
    Result,
}

impl DocKind {
    pub fn as_str(self) -> &'static str {
        match self {
            DocKind::Plan => "plan",
            DocKind::Result => "result",
        }
    }
}

/// One project context entry.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct ContextEntry {
    pub key: String,
    pub value: serde_json::Value,
    pub updated_by: String,
    pub updated_at: Timestamp,
}

/// An agent's working session on a project.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Session {
    pub id: i64,
    pub agent: String,
    pub started_at: Timestamp,
    pub ended_at: Option<Timestamp>,
    pub summary: Option<String>,
}

/// A message between two project members.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Message {
    pub id: i64,
    pub sender: String,
    pub recipient: String,
    pub content: String,
    pub created_at: Timestamp,
    pub read_at: Option<Timestamp>,
}

/// A memory, project-scoped or global.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Memory {
    #[serde(skip)]
    #[schemars(skip)]
    pub id: i64,
    pub scope: Scope,
    /// The project, for project-scoped memories.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub project: Option<String>,
    pub category: Category,
    pub key: String,
    pub value: String,
    pub tier: Tier,
    pub usage_count: i64,
    pub last_used: Option<Timestamp>,
    pub created_by: String,
    pub updated_by: String,
    pub updated_at: Timestamp,
}

/// One row of the audit trail: who changed what, when.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Event {
    pub id: i64,
    pub actor: String,
    pub entity: String,
    pub entity_key: String,
    pub action: String,
    pub detail: serde_json::Value,
    pub created_at: Timestamp,
}

/// Task counts per status.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct StatusCounts {
    pub backlog: i64,
    pub todo: i64,
    pub in_progress: i64,
    pub done: i64,
    pub blocked: i64,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn enum_errors_list_choices() {
        let err = "doing".parse::<TaskStatus>().unwrap_err();
        assert_eq!(
            err,
            "unknown status 'doing'; use one of backlog, todo, in_progress, done, blocked"
        );
        assert_eq!(
            "in_progress".parse::<TaskStatus>(),
            Ok(TaskStatus::InProgress)
        );
        assert_eq!(TaskStatus::InProgress.as_str(), "in_progress");
        let json = serde_json::to_string(&TaskStatus::InProgress).unwrap();
        assert_eq!(json, "\"in_progress\"");
    }

    #[test]
    fn timestamps_render_rfc3339() {
        assert_eq!(Timestamp(0).rfc3339(), "1970-01-01T00:00:00.000Z");
        let back: Timestamp = serde_json::from_str("\"1970-01-01T00:00:01.500Z\"").unwrap();
        assert_eq!(back, Timestamp(1500));
    }
}
