//! Tool outputs. [`Json`] carries a service result: on success, `structuredContent` (its
//! schema is the tool's `outputSchema`, found by the tool macro through the name `Json`)
//! plus a compact text rendering; on failure, an `isError` result whose text says what to
//! do next.

use rmcp::ErrorData;
use rmcp::handler::server::tool::IntoCallToolResult;
use rmcp::model::{CallToolResponse, CallToolResult, ContentBlock};
use serde::Serialize;

use super::render::Render;
use crate::error::{HubError, HubResult};

/// A tool's result.
pub struct Json<T>(pub HubResult<T>);

impl<T: Serialize + Render> IntoCallToolResult for Json<T> {
    fn into_call_tool_result(self) -> Result<CallToolResponse, ErrorData> {
        Ok(CallToolResponse::Complete(match self.0 {
            Ok(value) => success(&value)?,
            Err(e) => error_result(&e),
        }))
    }
}

fn success<T: Serialize + Render>(value: &T) -> Result<CallToolResult, ErrorData> {
    let structured = serde_json::to_value(value)
        .map_err(|e| ErrorData::internal_error(format!("could not encode result: {e}"), None))?;
    let mut result = CallToolResult::success(vec![ContentBlock::text(value.render())]);
    result.structured_content = Some(structured);
    Ok(result)
}

/// An `isError` result for a service error: the message, plus the field when known.
pub fn error_result(e: &HubError) -> CallToolResult {
    let text = match e.field() {
        Some(field) if !e.to_string().contains(field) => {
            format!("error ({}): {}", field, e.public_message())
        }
        _ => format!("error: {}", e.public_message()),
    };
    CallToolResult::error(vec![ContentBlock::text(text)])
}

/// An `isError` result from plain text (argument and routing errors).
pub fn error_text(text: impl Into<String>) -> CallToolResult {
    CallToolResult::error(vec![ContentBlock::text(format!("error: {}", text.into()))])
}
