//! Request extractors whose failures are `HubError`s, so every bad request gets the same
//! JSON error shape: `ApiJson` for bodies, `ApiQuery` for query strings, and `Caller`.

use axum::body::Bytes;
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::StatusCode;
use axum::http::request::Parts;
use serde::de::DeserializeOwned;

use crate::error::{HubError, parse_json};
use crate::service::Caller;

/// A JSON body parsed into `T`: malformed JSON is a 400, JSON of the wrong shape a 422
/// naming the field, and a body over the limit a 413.
pub struct ApiJson<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for ApiJson<T> {
    type Rejection = HubError;

    async fn from_request(req: Request, state: &S) -> Result<Self, HubError> {
        let bytes = Bytes::from_request(req, state).await.map_err(|e| {
            if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
                HubError::TooLarge {
                    field: "body".into(),
                    message: format!(
                        "request body is larger than {} bytes; send less",
                        super::BODY_LIMIT
                    ),
                }
            } else {
                HubError::BadRequest {
                    field: Some("body".into()),
                    message: format!("could not read the request body: {}", e.body_text()),
                }
            }
        })?;
        if bytes.is_empty() {
            return Err(HubError::BadRequest {
                field: Some("body".into()),
                message: "request body is empty; send a JSON object".into(),
            });
        }
        let value: serde_json::Value =
            serde_json::from_slice(&bytes).map_err(|e| HubError::BadRequest {
                field: Some("body".into()),
                message: format!("request body is not valid JSON: {e}"),
            })?;
        Ok(ApiJson(parse_json(value)?))
    }
}

/// Query-string parameters parsed into `T`, with the same errors as bodies.
pub struct ApiQuery<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequestParts<S> for ApiQuery<T> {
    type Rejection = HubError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, HubError> {
        let query = parts.uri.query().unwrap_or("");
        let source = serde_urlencoded::Deserializer::new(form_urlencoded::parse(query.as_bytes()));
        Ok(ApiQuery(crate::error::deserialize(source)?))
    }
}

impl<S: Send + Sync> FromRequestParts<S> for Caller {
    type Rejection = HubError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, HubError> {
        parts.extensions.get::<Caller>().cloned().ok_or_else(|| {
            HubError::Unauthorized("missing token; send Authorization: Bearer <token>".into())
        })
    }
}
