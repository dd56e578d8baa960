//! The REST client every test uses: one helper per endpoint, responses as JSON, and
//! assertions on the error shape `{"error": {"code", "message", "field"}}`.
//!
//! Most tests start from [`Api::team`]: project `kaoru-bot` (key `KB`) whose members are the
//! bootstrap admin, `antigravity` and `copywriter`, plus `outsider`, a member of no project.

#![allow(dead_code)]

use jc_hub::http::AuthMode;
use jc_hub::service::Caller;
use jc_tests::{Backend, TestHub};
use reqwest::{Method, RequestBuilder};
use serde_json::{Value, json};

pub use crate::response::*;

/// The project every [`Api::team`] works on.
pub const P: &str = "kaoru-bot";

/// A hub on port 0 and an HTTP client, with the tokens of the team's members.
pub struct Api {
    pub th: TestHub,
    http: reqwest::Client,
    /// The bootstrap admin (`admin`), member of `kaoru-bot`.
    pub admin: String,
    /// `antigravity`, member of `kaoru-bot`.
    pub ag: String,
    /// `copywriter`, member of `kaoru-bot`.
    pub cw: String,
    /// `outsider`, member of no project.
    pub out: String,
}

/// A body to send: JSON, or raw bytes (for malformed and oversized bodies).
pub enum Body {
    None,
    Json(Value),
    Raw(Vec<u8>),
}

impl Api {
    /// A hub with only its bootstrap admin.
    pub async fn bare(backend: Backend) -> Api {
        Self::with(backend, AuthMode::On, None).await
    }

    /// A hub with the given auth mode and `JC_ADMIN_TOKEN`, with only its bootstrap admin.
    pub async fn with(backend: Backend, mode: AuthMode, admin_token: Option<&str>) -> Api {
        // Plain http needs no TLS, but reqwest's rustls wants a provider to build a client.
        jc_tests::install_crypto_provider();
        let th = TestHub::spawn_with(backend, mode, admin_token).await;
        let admin = th.admin_token().to_string();
        Api {
            th,
            http: reqwest::Client::new(),
            admin,
            ag: String::new(),
            cw: String::new(),
            out: String::new(),
        }
    }

    /// The usual cast: `kaoru-bot` with `antigravity` and `copywriter`; `outsider` apart.
    pub async fn team(backend: Backend) -> Api {
        Self::team_with(backend, AuthMode::On, None).await
    }

    pub async fn team_with(backend: Backend, mode: AuthMode, admin_token: Option<&str>) -> Api {
        let mut api = Self::with(backend, mode, admin_token).await;
        let f = &api.th.fixture;
        let (ag, ag_token) = f.member("antigravity").await;
        let (cw, cw_token) = f.member("copywriter").await;
        let (_, out_token) = f.member("outsider").await;
        f.project(P, &[&ag, &cw]).await;
        api.ag = ag_token;
        api.cw = cw_token;
        api.out = out_token;
        api
    }

    /// A member as a service-layer caller, for setup the REST API has no endpoint for
    /// (sessions, memories).
    pub async fn caller(&self, name: &str) -> Caller {
        let member = self
            .th
            .hub()
            .store()
            .member_by_name(name)
            .await
            .expect("look up member")
            .unwrap_or_else(|| panic!("no member {name}"));
        Caller::new(member)
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.th.url)
    }

    /// A request with an optional bearer token.
    pub fn request(&self, method: Method, path: &str, token: Option<&str>) -> RequestBuilder {
        let rb = self.http.request(method, self.url(path));
        match token {
            Some(t) => rb.bearer_auth(t),
            None => rb,
        }
    }

    /// Sends a request and reads the response.
    pub async fn send(&self, method: Method, path: &str, token: Option<&str>, body: Body) -> Resp {
        let rb = self.request(method, path, token);
        call(with_body(rb, body)).await
    }

    pub async fn get(&self, token: &str, path: &str) -> Resp {
        self.send(Method::GET, path, Some(token), Body::None).await
    }

    pub async fn post(&self, token: &str, path: &str, body: Value) -> Resp {
        self.send(Method::POST, path, Some(token), Body::Json(body))
            .await
    }

    pub async fn put(&self, token: &str, path: &str, body: Value) -> Resp {
        self.send(Method::PUT, path, Some(token), Body::Json(body))
            .await
    }

    pub async fn patch(&self, token: &str, path: &str, body: Value) -> Resp {
        self.send(Method::PATCH, path, Some(token), Body::Json(body))
            .await
    }

    pub async fn delete(&self, token: &str, path: &str) -> Resp {
        self.send(Method::DELETE, path, Some(token), Body::None)
            .await
    }

    // ----- one helper per endpoint -----

    pub async fn health(&self) -> Resp {
        self.send(Method::GET, "/health", None, Body::None).await
    }

    pub async fn me(&self, token: &str) -> Resp {
        self.get(token, "/api/me").await
    }

    pub async fn projects(&self, token: &str) -> Resp {
        self.get(token, "/api/projects").await
    }

    pub async fn create_project(&self, token: &str, body: Value) -> Resp {
        self.post(token, "/api/projects", body).await
    }

    pub async fn delete_project(&self, token: &str, project: &str) -> Resp {
        self.delete(token, &format!("/api/projects/{}", seg(project)))
            .await
    }

    pub async fn state(&self, token: &str, project: &str) -> Resp {
        self.get(token, &format!("/api/projects/{}/state", seg(project)))
            .await
    }

    /// `query` is appended as is, e.g. `"?status=todo&limit=5"` or `""`.
    pub async fn tasks(&self, token: &str, project: &str, query: &str) -> Resp {
        self.get(
            token,
            &format!("/api/projects/{}/tasks{query}", seg(project)),
        )
        .await
    }

    pub async fn create_task(&self, token: &str, project: &str, body: Value) -> Resp {
        self.post(
            token,
            &format!("/api/projects/{}/tasks", seg(project)),
            body,
        )
        .await
    }

    pub async fn task(&self, token: &str, project: &str, task_ref: &str) -> Resp {
        self.get(token, &task_path(project, task_ref)).await
    }

    pub async fn patch_task(
        &self,
        token: &str,
        project: &str,
        task_ref: &str,
        body: Value,
    ) -> Resp {
        self.patch(token, &task_path(project, task_ref), body).await
    }

    pub async fn delete_task(&self, token: &str, project: &str, task_ref: &str) -> Resp {
        self.delete(token, &task_path(project, task_ref)).await
    }

    pub async fn task_history(&self, token: &str, project: &str, task_ref: &str) -> Resp {
        self.get(token, &format!("{}/history", task_path(project, task_ref)))
            .await
    }

    pub async fn events(&self, token: &str, project: &str, query: &str) -> Resp {
        self.get(
            token,
            &format!("/api/projects/{}/events{query}", seg(project)),
        )
        .await
    }

    pub async fn context(&self, token: &str, project: &str) -> Resp {
        self.get(token, &format!("/api/projects/{}/context", seg(project)))
            .await
    }

    pub async fn put_context(&self, token: &str, project: &str, key: &str, body: Value) -> Resp {
        self.put(token, &context_path(project, key), body).await
    }

    pub async fn delete_context(&self, token: &str, project: &str, key: &str) -> Resp {
        self.delete(token, &context_path(project, key)).await
    }

    pub async fn messages(&self, token: &str, project: &str, query: &str) -> Resp {
        self.get(
            token,
            &format!("/api/projects/{}/messages{query}", seg(project)),
        )
        .await
    }

    pub async fn post_message(&self, token: &str, project: &str, body: Value) -> Resp {
        self.post(
            token,
            &format!("/api/projects/{}/messages", seg(project)),
            body,
        )
        .await
    }

    /// Posts `content` to `recipient` and expects it stored.
    pub async fn message(&self, token: &str, recipient: &str, content: &str) -> Value {
        self.post_message(
            token,
            P,
            json!({"recipient": recipient, "content": content}),
        )
        .await
        .created()
    }

    pub async fn sessions(&self, token: &str, project: &str, query: &str) -> Resp {
        self.get(
            token,
            &format!("/api/projects/{}/sessions{query}", seg(project)),
        )
        .await
    }

    pub async fn project_memories(&self, token: &str, project: &str, query: &str) -> Resp {
        self.get(
            token,
            &format!("/api/projects/{}/memories{query}", seg(project)),
        )
        .await
    }

    pub async fn global_memories(&self, token: &str, query: &str) -> Resp {
        self.get(token, &format!("/api/memories/global{query}"))
            .await
    }

    pub async fn members(&self, token: &str) -> Resp {
        self.get(token, "/api/members").await
    }

    pub async fn create_member(&self, token: &str, body: Value) -> Resp {
        self.post(token, "/api/members", body).await
    }

    pub async fn patch_member(&self, token: &str, name: &str, body: Value) -> Resp {
        self.patch(token, &format!("/api/members/{}", seg(name)), body)
            .await
    }

    pub async fn delete_member(&self, token: &str, name: &str) -> Resp {
        self.delete(token, &format!("/api/members/{}", seg(name)))
            .await
    }

    pub async fn rotate_token(&self, token: &str, name: &str) -> Resp {
        self.send(
            Method::POST,
            &format!("/api/members/{}/token", seg(name)),
            Some(token),
            Body::None,
        )
        .await
    }

    pub async fn project_members(&self, token: &str, project: &str) -> Resp {
        self.get(token, &format!("/api/projects/{}/members", seg(project)))
            .await
    }

    pub async fn add_project_member(&self, token: &str, project: &str, member: &str) -> Resp {
        self.post(
            token,
            &format!("/api/projects/{}/members", seg(project)),
            json!({ "member": member }),
        )
        .await
    }

    pub async fn remove_project_member(&self, token: &str, project: &str, member: &str) -> Resp {
        self.delete(
            token,
            &format!("/api/projects/{}/members/{}", seg(project), seg(member)),
        )
        .await
    }

    // ----- shortcuts for setup and checks -----

    /// Creates a task in `kaoru-bot` and returns its ref.
    pub async fn add_task(&self, token: &str, title: &str) -> String {
        let task = self
            .create_task(token, P, json!({ "title": title }))
            .await
            .created();
        str_of(&task["ref"])
    }

    /// Refs of the `kaoru-bot` tasks `token` sees, in list order.
    pub async fn task_refs(&self, token: &str) -> Vec<String> {
        let list = self.tasks(token, P, "?limit=200").await.ok();
        refs(&list["tasks"])
    }

    /// Names of the registered members.
    pub async fn member_names(&self) -> Vec<String> {
        let list = self.members(&self.admin).await.ok();
        names(&list["members"])
    }

    /// Names of the projects `token` sees.
    pub async fn project_names(&self, token: &str) -> Vec<String> {
        let list = self.projects(token).await.ok();
        names(&list["projects"])
    }

    /// A quick request that must still succeed: the hub survived what came before.
    pub async fn still_serves(&self) {
        let list = self.projects(&self.admin).await.ok();
        assert!(list["projects"].is_array(), "{list}");
    }
}

fn with_body(rb: RequestBuilder, body: Body) -> RequestBuilder {
    match body {
        Body::None => rb,
        Body::Json(v) => rb.json(&v),
        Body::Raw(bytes) => rb.header("content-type", "application/json").body(bytes),
    }
}

/// Percent-encodes one path segment.
pub fn seg(s: &str) -> String {
    let mut out = String::new();
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

fn task_path(project: &str, task_ref: &str) -> String {
    format!("/api/projects/{}/tasks/{}", seg(project), seg(task_ref))
}

fn context_path(project: &str, key: &str) -> String {
    format!("/api/projects/{}/context/{}", seg(project), seg(key))
}
