//! Tool inputs. [`Parameters`] replaces rmcp's extractor of the same name (the tool macro
//! finds the input schema by that name): it parses arguments with the hub's own parser, so
//! a bad argument names the field and the fix. The failure is raised as `invalid_params`
//! and turned into an `isError` result in `call_tool`, where the model can read it
//! (SEP-1303) instead of a JSON-RPC error it never sees.

use std::borrow::Cow;

use rmcp::ErrorData;
use rmcp::handler::server::common::FromContextPart;
use rmcp::handler::server::tool::ToolCallContext;
use schemars::JsonSchema;
use serde::de::DeserializeOwned;

use crate::error::parse_json;
use crate::service::Caller;

/// Parsed tool arguments.
pub struct Parameters<T>(pub T);

impl<T: JsonSchema> JsonSchema for Parameters<T> {
    fn schema_name() -> Cow<'static, str> {
        T::schema_name()
    }
    fn json_schema(generator: &mut schemars::SchemaGenerator) -> schemars::Schema {
        T::json_schema(generator)
    }
}

impl<S, T: DeserializeOwned> FromContextPart<ToolCallContext<'_, S>> for Parameters<T> {
    fn from_context_part(context: &mut ToolCallContext<'_, S>) -> Result<Self, ErrorData> {
        let arguments = context.arguments.take().unwrap_or_default();
        parse_json(serde_json::Value::Object(arguments))
            .map(Parameters)
            .map_err(|e| ErrorData::invalid_params(e.to_string(), None))
    }
}

/// The authenticated caller, put in the HTTP request's extensions by the identity
/// middleware and carried into the tool call by rmcp.
impl<S> FromContextPart<ToolCallContext<'_, S>> for Caller {
    fn from_context_part(context: &mut ToolCallContext<'_, S>) -> Result<Self, ErrorData> {
        context
            .request_context
            .extensions
            .get::<http::request::Parts>()
            .and_then(|parts| parts.extensions.get::<Caller>())
            .cloned()
            .ok_or_else(|| ErrorData::internal_error("request has no authenticated caller", None))
    }
}
