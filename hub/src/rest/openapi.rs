//! The OpenAPI 3.1 document of the REST API, served at `/api/openapi.json`.
//!
//! Each operation names the Rust types its handler takes and returns; their JSON Schemas
//! come from the same `JsonSchema` derives, so the document cannot describe a field the
//! handlers do not have. A test checks that every operation here is routed and every
//! routed path is documented.

use schemars::generate::SchemaSettings;
use schemars::{JsonSchema, Schema, SchemaGenerator};
use serde_json::{Map, Value, json};

use crate::http::live::StreamQuery;
use crate::http::signin::{SignInRequest, SignedIn};
use crate::http::{ErrorBody, Health};
use crate::model::{ContextEntry, Member, Message, Project};
use crate::service::*;

type SchemaFn = fn(&mut SchemaGenerator) -> Schema;

fn schema_of<T: JsonSchema>(g: &mut SchemaGenerator) -> Schema {
    g.subschema_for::<T>()
}

/// One documented REST operation.
#[derive(Clone)]
pub struct Operation {
    pub method: &'static str,
    pub path: &'static str,
    pub summary: &'static str,
    /// Needs a bearer token.
    pub auth: bool,
    /// Needs an admin member.
    pub admin: bool,
    pub status: u16,
    pub query: Option<(&'static str, SchemaFn)>,
    pub body: Option<(&'static str, SchemaFn)>,
    pub response: (&'static str, SchemaFn),
    /// Response media type (JSON unless a stream).
    pub media: &'static str,
}

fn op(method: &'static str, path: &'static str, summary: &'static str) -> Operation {
    Operation {
        method,
        path,
        summary,
        auth: true,
        admin: false,
        status: 200,
        query: None,
        body: None,
        response: ("Deleted", schema_of::<Deleted>),
        media: "application/json",
    }
}

fn short_name<T>() -> &'static str {
    let full = std::any::type_name::<T>();
    full.rsplit("::").next().unwrap_or(full)
}

impl Operation {
    fn returns<T: JsonSchema>(mut self) -> Self {
        self.response = (short_name::<T>(), schema_of::<T>);
        self
    }
    fn body<T: JsonSchema>(mut self) -> Self {
        self.body = Some((short_name::<T>(), schema_of::<T>));
        self
    }
    fn query<T: JsonSchema>(mut self) -> Self {
        self.query = Some((short_name::<T>(), root_schema_of::<T>));
        self
    }
    fn created(mut self) -> Self {
        self.status = 201;
        self
    }
    fn admin(mut self) -> Self {
        self.admin = true;
        self
    }
    fn public(mut self) -> Self {
        self.auth = false;
        self
    }
    fn stream(mut self) -> Self {
        self.media = "text/event-stream";
        self
    }
}

/// Query types are expanded into parameters, so they are generated inline.
fn root_schema_of<T: JsonSchema>(_: &mut SchemaGenerator) -> Schema {
    SchemaSettings::openapi3()
        .into_generator()
        .into_root_schema_for::<T>()
}

/// Every REST operation, in the order of the reference.
pub fn operations() -> Vec<Operation> {
    use super::memories::{Page as MemoryPage, SearchQuery as MemorySearch};
    use super::projects::{ContextValue, NewMessage, Page};
    use super::tasks::{EventsQuery, ListQuery};
    vec![
        op("GET", "/health", "Liveness and database reachability.")
            .public()
            .returns::<Health>(),
        op("GET", "/api/openapi.json", "This document.")
            .public()
            .returns::<serde_json::Value>(),
        op(
            "POST",
            "/api/signin",
            "Exchange a one-time dashboard sign-in code for a token.",
        )
        .public()
        .body::<SignInRequest>()
        .returns::<SignedIn>(),
        op("GET", "/api/me", "The calling member.").returns::<Member>(),
        op(
            "GET",
            "/api/projects",
            "Projects you belong to (all for an admin).",
        )
        .returns::<ProjectList>(),
        op(
            "POST",
            "/api/projects",
            "Create a project; you become its first member.",
        )
        .admin()
        .created()
        .body::<CreateProject>()
        .returns::<Project>(),
        op(
            "DELETE",
            "/api/projects/{project}",
            "Delete a project and all its data.",
        )
        .admin(),
        op(
            "GET",
            "/api/projects/{project}/state",
            "Counts per status, active tasks, context keys, recent sessions.",
        )
        .returns::<StateSnapshot>(),
        op(
            "GET",
            "/api/projects/{project}/tasks",
            "List tasks, newest activity first, paged.",
        )
        .query::<ListQuery>()
        .returns::<TaskList>(),
        op("POST", "/api/projects/{project}/tasks", "Create a task.")
            .created()
            .body::<AddTask>()
            .returns::<crate::model::Task>(),
        op(
            "GET",
            "/api/projects/{project}/tasks/{ref}",
            "A task with its plan and result.",
        )
        .returns::<TaskDetail>(),
        op(
            "PATCH",
            "/api/projects/{project}/tasks/{ref}",
            "Change several task fields at once, atomically.",
        )
        .body::<EditTask>()
        .returns::<crate::model::Task>(),
        op(
            "DELETE",
            "/api/projects/{project}/tasks/{ref}",
            "Delete a task with its plan and result.",
        ),
        op(
            "GET",
            "/api/projects/{project}/tasks/{ref}/history",
            "The task's audit events, newest first.",
        )
        .returns::<EventList>(),
        op(
            "GET",
            "/api/projects/{project}/events",
            "Recent activity in the project, newest first.",
        )
        .query::<EventsQuery>()
        .returns::<EventList>(),
        op(
            "GET",
            "/api/projects/{project}/stream",
            "Live audit events as server-sent events (`event: change`).",
        )
        .query::<StreamQuery>()
        .returns::<crate::model::Event>()
        .stream(),
        op(
            "GET",
            "/api/projects/{project}/context",
            "All context entries.",
        )
        .returns::<ContextList>(),
        op(
            "PUT",
            "/api/projects/{project}/context/{key}",
            "Set a context entry.",
        )
        .body::<ContextValue>()
        .returns::<ContextEntry>(),
        op(
            "DELETE",
            "/api/projects/{project}/context/{key}",
            "Delete a context entry.",
        ),
        op(
            "GET",
            "/api/projects/{project}/messages",
            "The project's messages, newest first.",
        )
        .query::<Page>()
        .returns::<MessageList>(),
        op(
            "POST",
            "/api/projects/{project}/messages",
            "Send a message as the caller.",
        )
        .created()
        .body::<NewMessage>()
        .returns::<Message>(),
        op(
            "GET",
            "/api/projects/{project}/sessions",
            "Recent sessions.",
        )
        .query::<Page>()
        .returns::<SessionList>(),
        op(
            "GET",
            "/api/projects/{project}/memories",
            "Project and global memories, most used first.",
        )
        .query::<MemoryPage>()
        .returns::<MemoryList>(),
        op(
            "GET",
            "/api/projects/{project}/memories/search",
            "Search project and global memories by key and value, ranked.",
        )
        .query::<MemorySearch>()
        .returns::<MemoryList>(),
        op("GET", "/api/memories/global", "Global memories only.")
            .query::<MemoryPage>()
            .returns::<MemoryList>(),
        op("GET", "/api/members", "Every registered member.").returns::<MemberList>(),
        op(
            "POST",
            "/api/members",
            "Register a member; returns its token (once) and ready-to-paste config.",
        )
        .admin()
        .created()
        .body::<CreateMember>()
        .returns::<CreatedMember>(),
        op(
            "PATCH",
            "/api/members/{name}",
            "Update role and capabilities (yourself or admin); kind and admin (admin).",
        )
        .body::<UpdateMember>()
        .returns::<Member>(),
        op(
            "DELETE",
            "/api/members/{name}",
            "Delete a member; history keeps its name.",
        )
        .admin(),
        op(
            "POST",
            "/api/members/{name}/token",
            "Revoke the member's tokens and issue a new one (yourself or admin).",
        )
        .returns::<RotatedToken>(),
        op(
            "GET",
            "/api/projects/{project}/members",
            "Members of the project.",
        )
        .returns::<MemberList>(),
        op(
            "POST",
            "/api/projects/{project}/members",
            "Add a member to the project.",
        )
        .admin()
        .created()
        .body::<AddProjectMember>()
        .returns::<Member>(),
        op(
            "DELETE",
            "/api/projects/{project}/members/{member}",
            "Remove a member from the project.",
        )
        .admin(),
    ]
}

fn path_params(path: &str) -> Vec<Value> {
    path.split('/')
        .filter_map(|seg| seg.strip_prefix('{')?.strip_suffix('}'))
        .map(|name| json!({"name": name, "in": "path", "required": true, "schema": {"type": "string"}}))
        .collect()
}

fn query_params(schema: &Schema) -> Vec<Value> {
    let required: Vec<&str> = schema
        .get("required")
        .and_then(Value::as_array)
        .map(|r| r.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    let Some(props) = schema.get("properties").and_then(Value::as_object) else {
        return vec![];
    };
    props
        .iter()
        .map(|(name, prop)| {
            let mut prop = prop.clone();
            let description = prop
                .as_object_mut()
                .and_then(|p| p.remove("description"))
                .unwrap_or(Value::Null);
            json!({"name": name, "in": "query", "required": required.contains(&name.as_str()),
                   "description": description, "schema": prop})
        })
        .collect()
}

/// The OpenAPI 3.1 document.
pub fn document() -> Value {
    let mut generator = SchemaSettings::openapi3().into_generator();
    let error = generator.subschema_for::<ErrorBody>();
    let mut paths = Map::new();
    for o in operations() {
        let mut parameters = path_params(o.path);
        if let Some((_, f)) = o.query {
            parameters.extend(query_params(&f(&mut generator)));
        }
        let response_schema = (o.response.1)(&mut generator);
        let mut operation = json!({
            "summary": o.summary,
            "operationId": format!("{} {}", o.method, o.path),
            "parameters": parameters,
            "responses": {
                o.status.to_string(): {
                    "description": o.response.0,
                    "content": {o.media: {"schema": response_schema}},
                },
                "default": {
                    "description": "Error: 400, 401, 403, 404, 409, 413 or 422",
                    "content": {"application/json": {"schema": error.clone()}},
                },
            },
        });
        if let Some((_, f)) = o.body {
            operation["requestBody"] = json!({
                "required": true,
                "content": {"application/json": {"schema": f(&mut generator)}},
            });
        }
        if o.auth {
            operation["security"] = json!([{"bearer": []}]);
        } else {
            operation["security"] = json!([]);
        }
        if o.admin {
            operation["x-admin-only"] = json!(true);
        }
        let entry = paths.entry(o.path.to_string()).or_insert_with(|| json!({}));
        entry[o.method.to_lowercase()] = operation;
    }
    json!({
        "openapi": "3.1.0",
        "info": {
            "title": "JustClone Hub REST API",
            "version": env!("CARGO_PKG_VERSION"),
            "description": "Tasks, context, messages, memory and members for teams of AI agents. Every call except /health, /api/openapi.json and /api/signin needs Authorization: Bearer <token>.",
        },
        "paths": paths,
        "components": {
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
            "schemas": generator.take_definitions(true),
        },
    })
}
