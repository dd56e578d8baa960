//! The hub's one error type. REST maps it to a status and a JSON body (`rest::error`),
//! MCP maps it to an `isError` tool result (`mcp`). Internal details are logged, never sent.

use std::fmt;

/// Result alias used across the hub.
pub type HubResult<T> = Result<T, HubError>;

#[derive(Debug, thiserror::Error)]
pub enum HubError {
    /// The request could not be parsed (malformed JSON, wrong type). HTTP 400.
    #[error("{message}")]
    BadRequest {
        field: Option<String>,
        message: String,
    },
    /// Well-formed but invalid input (bad enum, empty title, bad slug). HTTP 422.
    #[error("{message}")]
    Validation { field: String, message: String },
    /// HTTP 404.
    #[error("{0}")]
    NotFound(String),
    /// Unique key taken, or a state that forbids the change. HTTP 409.
    #[error("{0}")]
    Conflict(String),
    /// Missing, unknown or revoked token. HTTP 401.
    #[error("{0}")]
    Unauthorized(String),
    /// Authenticated but not allowed. HTTP 403.
    #[error("{0}")]
    Forbidden(String),
    /// Input larger than the limit. HTTP 413.
    #[error("{message}")]
    TooLarge { field: String, message: String },
    /// Anything else. Logged in full; callers only see a generic message.
    #[error("internal error")]
    Internal(#[source] anyhow::Error),
}

impl HubError {
    pub fn validation(field: impl Into<String>, message: impl fmt::Display) -> Self {
        HubError::Validation {
            field: field.into(),
            message: message.to_string(),
        }
    }

    pub fn not_found(message: impl fmt::Display) -> Self {
        HubError::NotFound(message.to_string())
    }

    pub fn conflict(message: impl fmt::Display) -> Self {
        HubError::Conflict(message.to_string())
    }

    pub fn forbidden(message: impl fmt::Display) -> Self {
        HubError::Forbidden(message.to_string())
    }

    /// Stable machine-readable code, used in REST bodies.
    pub fn code(&self) -> &'static str {
        match self {
            HubError::BadRequest { .. } => "bad_request",
            HubError::Validation { .. } => "validation",
            HubError::NotFound(_) => "not_found",
            HubError::Conflict(_) => "conflict",
            HubError::Unauthorized(_) => "unauthorized",
            HubError::Forbidden(_) => "forbidden",
            HubError::TooLarge { .. } => "too_large",
            HubError::Internal(_) => "internal",
        }
    }

    /// The input field at fault, when there is one.
    pub fn field(&self) -> Option<&str> {
        match self {
            HubError::BadRequest { field, .. } => field.as_deref(),
            HubError::Validation { field, .. } | HubError::TooLarge { field, .. } => Some(field),
            _ => None,
        }
    }

    /// The text shown to the caller. For internal errors the cause is logged here, once.
    pub fn public_message(&self) -> String {
        match self {
            HubError::Internal(e) => {
                tracing::error!(error = ?e, "internal error");
                "internal error; the hub logged the details".to_string()
            }
            other => other.to_string(),
        }
    }
}

impl From<sqlx::Error> for HubError {
    fn from(e: sqlx::Error) -> Self {
        HubError::Internal(e.into())
    }
}

impl From<anyhow::Error> for HubError {
    fn from(e: anyhow::Error) -> Self {
        HubError::Internal(e)
    }
}

/// Parse a JSON value into `T`, naming the offending field on failure (a `Validation`
/// error: the JSON was well-formed but does not fit). REST bodies, REST query strings and
/// MCP arguments all go through here, so all report errors the same way.
pub fn parse_json<T: serde::de::DeserializeOwned>(value: serde_json::Value) -> HubResult<T> {
    deserialize(value)
}

/// Deserializes `T` from any serde source, turning failures into a `Validation` error
/// that names the field (the path serde was at) and says how to fix it.
pub fn deserialize<'de, D, T>(source: D) -> HubResult<T>
where
    D: serde::Deserializer<'de>,
    D::Error: std::fmt::Display,
    T: serde::Deserialize<'de>,
{
    serde_path_to_error::deserialize(source).map_err(|e| {
        let path = e.path().to_string();
        let inner = e.into_inner().to_string();
        let (field, message) = describe_serde_error(&path, &inner);
        let field = if field.is_empty() || field == "." {
            "input".to_string()
        } else {
            field
        };
        HubError::Validation { field, message }
    })
}

/// Turn serde's wording into a sentence that names the field and the fix.
fn describe_serde_error(path: &str, inner: &str) -> (String, String) {
    if let Some(rest) = inner.strip_prefix("missing field `") {
        let name = rest.split('`').next().unwrap_or_default();
        let field = if path == "." || path.is_empty() {
            name.to_string()
        } else {
            format!("{path}.{name}")
        };
        return (field.clone(), format!("missing required field '{field}'"));
    }
    if let Some(rest) = inner.strip_prefix("unknown field `") {
        let name = rest.split('`').next().unwrap_or_default();
        return (
            name.to_string(),
            format!(
                "unknown field '{name}'; {}",
                inner.split("`, ").last().unwrap_or("")
            ),
        );
    }
    if let Some(rest) = inner.strip_prefix("unknown variant `") {
        let value = rest.split('`').next().unwrap_or_default();
        let choices: Vec<&str> = inner
            .split("expected ")
            .nth(1)
            .unwrap_or("")
            .split('`')
            .skip(1)
            .step_by(2)
            .collect();
        return (
            path.to_string(),
            format!(
                "unknown {path} '{value}'; use one of {}",
                choices.join(", ")
            ),
        );
    }
    let message = if path == "." || path.is_empty() {
        format!("invalid input: {inner}")
    } else {
        format!("invalid '{path}': {inner}")
    };
    (path.to_string(), message)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::TaskStatus;
    use serde::Deserialize;
    use serde_json::json;

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Input {
        title: String,
        status: Option<TaskStatus>,
        limit: Option<u32>,
    }

    #[test]
    fn errors_name_field_and_fix() {
        let e = parse_json::<Input>(json!({"title": "x", "status": "doing"})).unwrap_err();
        assert_eq!(e.field(), Some("status"));
        assert_eq!(
            e.to_string(),
            "unknown status 'doing'; use one of backlog, todo, in_progress, done, blocked"
        );
        let e = parse_json::<Input>(json!({})).unwrap_err();
        assert_eq!(e.field(), Some("title"));
        assert_eq!(e.to_string(), "missing required field 'title'");
        let e = parse_json::<Input>(json!({"title": 5})).unwrap_err();
        assert_eq!(e.field(), Some("title"));
        assert!(e.to_string().contains("expected a string"), "{e}");
        let e = parse_json::<Input>(json!({"title": "a", "limit": -1})).unwrap_err();
        assert_eq!(e.field(), Some("limit"));
        let e = parse_json::<Input>(json!({"title": "a", "colour": 1})).unwrap_err();
        assert_eq!(e.field(), Some("colour"));
    }
}
