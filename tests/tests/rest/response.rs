//! Responses and what tests assert about them: status, JSON body, and the error shape
//! `{"error": {"code", "message", "field"}}` with a message that names the fix.

use reqwest::header::HeaderMap;
use reqwest::{RequestBuilder, StatusCode};
use serde_json::Value;

/// Sends a prepared request and reads the whole response.
pub async fn call(rb: RequestBuilder) -> Resp {
    let response = rb.send().await.expect("the hub answers");
    let status = response.status();
    let headers = response.headers().clone();
    let text = response.text().await.expect("read the response body");
    let body = serde_json::from_str(&text).unwrap_or(Value::Null);
    Resp {
        status,
        headers,
        text,
        body,
    }
}

pub fn str_of(v: &Value) -> String {
    v.as_str()
        .unwrap_or_else(|| panic!("expected a string, got {v}"))
        .to_string()
}

/// The `ref` of each task in a JSON list.
pub fn refs(list: &Value) -> Vec<String> {
    field_of(list, "ref")
}

/// The `name` of each item in a JSON list.
pub fn names(list: &Value) -> Vec<String> {
    field_of(list, "name")
}

/// One string field of each item in a JSON list.
pub fn field_of(list: &Value, field: &str) -> Vec<String> {
    list.as_array()
        .unwrap_or_else(|| panic!("expected a list, got {list}"))
        .iter()
        .map(|item| str_of(&item[field]))
        .collect()
}

/// An HTTP response with its body parsed as JSON (`Null` when it is not JSON).
#[derive(Debug)]
pub struct Resp {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub text: String,
    pub body: Value,
}

impl Resp {
    /// Asserts `status` and a JSON body, and returns the body.
    #[track_caller]
    pub fn expect(self, status: u16) -> Value {
        assert_eq!(
            self.status.as_u16(),
            status,
            "unexpected status; body: {}",
            self.text
        );
        assert!(
            !self.body.is_null(),
            "expected a JSON body, got {:?}",
            self.text
        );
        self.body
    }

    /// 200 with a JSON body.
    #[track_caller]
    pub fn ok(self) -> Value {
        self.expect(200)
    }

    /// 201 with a JSON body.
    #[track_caller]
    pub fn created(self) -> Value {
        self.expect(201)
    }

    /// Asserts an error response: `status`, a JSON content type, exactly
    /// `{"error": {"code", "message", "field"}}` with this `code` and a non-empty message.
    #[track_caller]
    pub fn error(self, status: u16, code: &str) -> ApiError {
        assert_eq!(
            self.status.as_u16(),
            status,
            "unexpected status; body: {}",
            self.text
        );
        let content_type = self
            .headers
            .get("content-type")
            .and_then(|v| v.to_str().ok())
            .unwrap_or("");
        assert!(
            content_type.starts_with("application/json"),
            "error content type {content_type:?}; body: {}",
            self.text
        );
        let outer = self
            .body
            .as_object()
            .unwrap_or_else(|| panic!("error body is not a JSON object: {:?}", self.text));
        assert_eq!(outer.len(), 1, "only `error` at the top: {}", self.text);
        let err = outer["error"]
            .as_object()
            .unwrap_or_else(|| panic!("`error` is not an object: {}", self.text));
        let keys: Vec<&str> = err.keys().map(String::as_str).collect();
        assert_eq!(
            keys.len(),
            3,
            "error has code, message, field: {}",
            self.text
        );
        assert_eq!(err["code"], code, "error code; body: {}", self.text);
        let message = str_of(&err["message"]);
        assert!(!message.trim().is_empty(), "empty message: {}", self.text);
        let field = match &err["field"] {
            Value::Null => None,
            Value::String(s) => Some(s.clone()),
            other => panic!("field is neither null nor a string: {other}"),
        };
        ApiError {
            headers: self.headers,
            message,
            field,
        }
    }

    /// 422 `validation` naming `field`.
    #[track_caller]
    pub fn invalid(self, field: &str) -> ApiError {
        self.error(422, "validation").field(field)
    }

    /// 404 `not_found`.
    #[track_caller]
    pub fn not_found(self) -> ApiError {
        self.error(404, "not_found")
    }

    /// 403 `forbidden`.
    #[track_caller]
    pub fn forbidden(self) -> ApiError {
        self.error(403, "forbidden")
    }

    /// 409 `conflict`.
    #[track_caller]
    pub fn conflict(self) -> ApiError {
        self.error(409, "conflict")
    }

    /// 401 `unauthorized`, with `WWW-Authenticate: Bearer`.
    #[track_caller]
    pub fn unauthorized(self) -> ApiError {
        let e = self.error(401, "unauthorized");
        assert_eq!(
            e.headers
                .get("www-authenticate")
                .and_then(|v| v.to_str().ok()),
            Some("Bearer"),
            "401 without WWW-Authenticate: Bearer ({})",
            e.message
        );
        e
    }

    /// 400 `bad_request`.
    #[track_caller]
    pub fn bad_request(self) -> ApiError {
        self.error(400, "bad_request")
    }
}

/// The parts of an error response, for further assertions.
#[derive(Debug)]
pub struct ApiError {
    pub headers: HeaderMap,
    pub message: String,
    pub field: Option<String>,
}

impl ApiError {
    #[track_caller]
    pub fn field(self, field: &str) -> Self {
        assert_eq!(
            self.field.as_deref(),
            Some(field),
            "error field; message: {}",
            self.message
        );
        self
    }

    /// The message contains every one of `parts` (it names the problem and the fix).
    #[track_caller]
    pub fn says(self, parts: &[&str]) -> Self {
        for part in parts {
            assert!(
                self.message.contains(part),
                "message {:?} does not mention {part:?}",
                self.message
            );
        }
        self
    }
}
