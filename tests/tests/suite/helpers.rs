//! Setup and assertions shared by the suite's modules.
//!
//! Most tests start from [`team`]: project `kaoru-bot` (key `KB`) whose members are the
//! bootstrap admin, `antigravity` and `copywriter`, plus `outsider`, a member of no project.

#![allow(dead_code)]

use std::fmt::Debug;
use std::ops::Deref;
use std::time::Duration;

use jc_hub::error::{HubError, HubResult};
use jc_hub::model::*;
use jc_hub::service::*;
use jc_tests::{Backend, Fixture};

/// The project every [`team`] works on.
pub const P: &str = "kaoru-bot";

pub fn p() -> Option<String> {
    Some(P.to_string())
}

/// A fixture with one project and three non-admin members.
pub struct Team {
    pub f: Fixture,
    /// `antigravity`, member of `kaoru-bot`.
    pub ag: Caller,
    /// `copywriter`, member of `kaoru-bot`.
    pub cw: Caller,
    /// `outsider`, member of no project.
    pub out: Caller,
    pub project: Project,
}

impl Deref for Team {
    type Target = Fixture;
    fn deref(&self) -> &Fixture {
        &self.f
    }
}

pub async fn team(backend: Backend) -> Team {
    let f = Fixture::new(backend).await;
    let (ag, _) = f.member("antigravity").await;
    let (cw, _) = f.member("copywriter").await;
    let (out, _) = f.member("outsider").await;
    let project = f.project(P, &[&ag, &cw]).await;
    Team {
        f,
        ag,
        cw,
        out,
        project,
    }
}

/// Lets timestamps (milliseconds) move on, for tests about ordering by time.
pub async fn tick() {
    tokio::time::sleep(Duration::from_millis(3)).await;
}

// ----- input builders: defaults for `kaoru-bot`, override with `..` -----

/// A task as the store takes it (for tests that call the store directly).
pub fn new_task(title: &str) -> jc_hub::store::NewTask {
    jc_hub::store::NewTask {
        title: title.into(),
        description: String::new(),
        status: TaskStatus::Todo,
        priority: Priority::Medium,
        assignee: None,
    }
}

pub fn task(title: &str) -> AddTask {
    AddTask {
        project: p(),
        title: title.into(),
        description: None,
        priority: None,
        status: None,
        assignee: None,
    }
}

pub fn task_in(project: &str, title: &str) -> AddTask {
    AddTask {
        project: Some(project.into()),
        ..task(title)
    }
}

pub fn tref(task_ref: &str) -> TaskRefArgs {
    TaskRefArgs {
        project: p(),
        task_ref: task_ref.into(),
    }
}

pub fn moving(task_ref: &str, status: TaskStatus) -> MoveTask {
    MoveTask {
        project: p(),
        task_ref: task_ref.into(),
        status,
        note: None,
    }
}

pub fn assigning(task_ref: &str, assignee: Option<&str>) -> AssignTask {
    AssignTask {
        project: p(),
        task_ref: task_ref.into(),
        assignee: assignee.map(str::to_string),
    }
}

pub fn listing() -> ListTasks {
    ListTasks {
        project: p(),
        ..Default::default()
    }
}

pub fn memo(category: Category, key: &str, value: &str) -> Remember {
    Remember {
        project: p(),
        category,
        key: key.into(),
        value: value.into(),
        scope: None,
        tier: None,
    }
}

pub fn global_memo(category: Category, key: &str, value: &str) -> Remember {
    Remember {
        scope: Some(Scope::Global),
        ..memo(category, key, value)
    }
}

pub fn recalling(key: &str) -> Recall {
    Recall {
        project: p(),
        key: key.into(),
    }
}

pub fn searching(query: &str) -> SearchMemory {
    SearchMemory {
        project: p(),
        query: query.into(),
        category: None,
        limit: None,
    }
}

pub fn message(recipient: &str, content: &str) -> PostMessage {
    PostMessage {
        project: p(),
        recipient: recipient.into(),
        content: content.into(),
    }
}

pub fn inbox() -> GetMessages {
    GetMessages {
        project: p(),
        ..Default::default()
    }
}

pub fn context(key: &str, value: serde_json::Value) -> SetContext {
    SetContext {
        project: p(),
        key: key.into(),
        value,
    }
}

pub fn starting() -> Start {
    Start {
        project: p(),
        ..Default::default()
    }
}

pub fn ending(summary: &str) -> EndSession {
    EndSession {
        project: p(),
        summary: summary.into(),
    }
}

pub fn here() -> ProjectArgs {
    ProjectArgs { project: p() }
}

pub fn refs(tasks: &[Task]) -> Vec<String> {
    tasks.iter().map(|t| t.task_ref.clone()).collect()
}

// ----- error assertions -----

/// Asserts a validation error on `field` and returns its message.
#[track_caller]
pub fn validation<T: Debug>(result: HubResult<T>, field: &str) -> String {
    match result {
        Err(HubError::Validation { field: f, message }) if f == field => message,
        other => panic!("expected a validation error on '{field}', got {other:?}"),
    }
}

/// Asserts a `Forbidden` error and returns its message.
#[track_caller]
pub fn forbidden<T: Debug>(result: HubResult<T>) -> String {
    match result {
        Err(HubError::Forbidden(message)) => message,
        other => panic!("expected Forbidden, got {other:?}"),
    }
}

#[track_caller]
pub fn not_found<T: Debug>(result: HubResult<T>) -> String {
    match result {
        Err(HubError::NotFound(message)) => message,
        other => panic!("expected NotFound, got {other:?}"),
    }
}

#[track_caller]
pub fn conflict<T: Debug>(result: HubResult<T>) -> String {
    match result {
        Err(HubError::Conflict(message)) => message,
        other => panic!("expected Conflict, got {other:?}"),
    }
}

#[track_caller]
pub fn unauthorized<T: Debug>(result: HubResult<T>) {
    match result {
        Err(HubError::Unauthorized(_)) => {}
        other => panic!("expected Unauthorized, got {other:?}"),
    }
}

// ----- direct reads -----

/// Every event of the project, oldest first.
pub async fn events(f: &Fixture, project_id: i64) -> Vec<Event> {
    let mut all = f
        .store()
        .list_events(project_id, None, 10_000)
        .await
        .expect("list events");
    all.reverse();
    all
}

/// The newest event about one entity.
pub async fn last_event(f: &Fixture, project_id: i64, entity: &str, key: &str) -> Event {
    f.store()
        .list_events(project_id, Some((entity, key)), 1)
        .await
        .expect("list events")
        .pop()
        .unwrap_or_else(|| panic!("no event for {entity} {key}"))
}

/// Rows in the whole `events` table (any project, or none).
pub async fn all_events(f: &Fixture) -> i64 {
    f.sql_i64("select count(*) from events").await
}
