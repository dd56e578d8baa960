//! Request extractors whose failures are `HubError`s, so every bad request gets the same
//! JSON error shape: `ApiJson` for bodies, `ApiQuery` for query strings, `ApiPath` for
//! path parameters, and `Caller`.

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
        // serde accepts a JSON array as a struct, field by field in declaration order; a
        // body of the wrong shape must not slip through that way (deny_unknown_fields
        // cannot see it).
        if !value.is_object() {
            return Err(HubError::validation(
                "input",
                "request body must be a JSON object with named fields, not an array or a bare value",
            ));
        }
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

/// Percent-decoded path parameters. A segment that does not decode (e.g. `%FF`, not UTF-8)
/// is a 400 in the JSON error shape instead of axum's plain-text rejection.
pub struct ApiPath<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned + Send> FromRequestParts<S> for ApiPath<T> {
    type Rejection = HubError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, HubError> {
        match axum::extract::Path::<T>::from_request_parts(parts, state).await {
            Ok(axum::extract::Path(value)) => Ok(ApiPath(value)),
            Err(e) if e.status().is_server_error() => {
                Err(HubError::Internal(anyhow::anyhow!(e.body_text())))
            }
            Err(e) => Err(HubError::BadRequest {
                field: Some("path".into()),
                message: format!("{}; percent-encode the path as UTF-8", e.body_text()),
            }),
        }
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
