//! The service layer: every operation of the hub, written once. REST handlers and MCP
//! tools are thin adapters that parse input, call a method here with the authenticated
//! [`Caller`], and render the typed result.
//!
//! Each method validates its input, resolves the project (SPEC §2), checks authorization
//! and calls the store. Input types derive `Deserialize + JsonSchema` with a doc comment
//! per field: the same struct is the REST body and the MCP tool's input schema.

mod backup;
mod cache;
mod context;
mod members;
mod memory;
mod messages;
mod projects;
mod sessions;
mod tasks;

use std::sync::Arc;

pub use context::*;
pub use members::*;
pub use memory::*;
pub use messages::*;
pub use projects::*;
pub use sessions::*;
pub use tasks::*;

use crate::error::{HubError, HubResult};
use crate::model::Member;
use crate::store::{ProjectRef, Store};

/// Settings the service needs to render connection instructions.
#[derive(Debug, Clone)]
pub struct HubInfo {
    /// Base URL agents use to reach this hub, e.g. `http://127.0.0.1:8765`.
    pub public_url: String,
}

/// The hub's operations over one store.
#[derive(Clone)]
pub struct Hub {
    store: Arc<dyn Store>,
    info: Arc<HubInfo>,
    caches: Arc<cache::Caches>,
}

/// The authenticated member making a call, and its default project (`X-JC-Project`).
#[derive(Debug, Clone)]
pub struct Caller {
    pub member: Member,
    pub default_project: Option<String>,
}

impl Caller {
    pub fn new(member: Member) -> Self {
        Caller {
            member,
            default_project: None,
        }
    }

    pub fn name(&self) -> &str {
        &self.member.name
    }
}

impl Hub {
    pub fn new(store: Arc<dyn Store>, info: HubInfo) -> Self {
        Hub {
            store,
            info: Arc::new(info),
            caches: Arc::default(),
        }
    }

    pub fn store(&self) -> &dyn Store {
        self.store.as_ref()
    }

    pub fn info(&self) -> &HubInfo {
        &self.info
    }

    /// Resolves the project a call acts on: the explicit parameter, else the caller's
    /// default project, else its only project. Members of the project and admins pass.
    pub async fn project(&self, caller: &Caller, project: Option<&str>) -> HubResult<ProjectRef> {
        let name = match project.or(caller.default_project.as_deref()) {
            Some(name) => name.to_string(),
            None => {
                let mine = self.store.member_project_names(caller.member.id).await?;
                match mine.as_slice() {
                    [only] => only.clone(),
                    [] => {
                        return Err(HubError::validation(
                            "project",
                            "you belong to no project yet; ask an admin to add you to one",
                        ));
                    }
                    many => {
                        return Err(HubError::validation(
                            "project",
                            format!("pass project: one of {}", many.join(", ")),
                        ));
                    }
                }
            }
        };
        let key = (name, caller.member.id);
        let found = match self.caches.projects.get(&key) {
            Some(p) => Some(p),
            None => {
                let found = self.store.project_for(&key.0, key.1).await?;
                if let Some(p) = &found {
                    self.caches.projects.put(key.clone(), p.clone());
                }
                found
            }
        };
        let name = key.0;
        match found {
            Some(p) if p.is_member || caller.member.admin => Ok(p),
            Some(_) => Err(HubError::forbidden(format!(
                "you are not a member of project '{name}'; ask an admin to add you{}",
                self.your_projects(caller).await?
            ))),
            None => Err(HubError::not_found(format!(
                "no project '{name}'{}",
                self.your_projects(caller).await?
            ))),
        }
    }

    /// Like [`Hub::project`], but admins must also be members (messages, sessions).
    async fn member_project(
        &self,
        caller: &Caller,
        project: Option<&str>,
    ) -> HubResult<ProjectRef> {
        let p = self.project(caller, project).await?;
        if !p.is_member {
            return Err(HubError::forbidden(format!(
                "you are not a member of project '{}'; add yourself with POST /api/projects/{}/members first",
                p.name, p.name
            )));
        }
        Ok(p)
    }

    async fn your_projects(&self, caller: &Caller) -> HubResult<String> {
        let mine = self.store.member_project_names(caller.member.id).await?;
        Ok(if mine.is_empty() {
            "; you belong to no project yet".to_string()
        } else {
            format!("; your projects: {}", mine.join(", "))
        })
    }

    fn require_admin(caller: &Caller, what: &str) -> HubResult<()> {
        if caller.member.admin {
            Ok(())
        } else {
            Err(HubError::forbidden(format!(
                "{what} needs an admin; ask an admin member to do it"
            )))
        }
    }
}

/// Parses `KB-12`, `kb-12` or `12` into the sequence number, checking the key prefix.
pub fn parse_ref(project: &ProjectRef, task_ref: &str) -> HubResult<i64> {
    let task_ref = task_ref.trim();
    let (prefix, number) = match task_ref.rsplit_once('-') {
        Some((p, n)) => (Some(p), n),
        None => (None, task_ref),
    };
    let bad = || {
        HubError::validation(
            "ref",
            format!(
                "invalid task ref '{}'; use {}-<number> or just the number",
                crate::validate::clip(task_ref, 40),
                project.key
            ),
        )
    };
    if let Some(prefix) = prefix
        && !prefix.eq_ignore_ascii_case(&project.key)
    {
        return Err(HubError::validation(
            "ref",
            format!(
                "task ref '{}' does not belong to project '{}', whose tasks are {}-<number>",
                crate::validate::clip(task_ref, 40),
                project.name,
                project.key
            ),
        ));
    }
    match number.parse::<i64>() {
        Ok(n) if n > 0 => Ok(n),
        _ => Err(bad()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refs() {
        let p = ProjectRef {
            id: 1,
            name: "kaoru-bot".into(),
            key: "KB".into(),
            description: String::new(),
            is_member: true,
        };
        assert_eq!(parse_ref(&p, "KB-12").unwrap(), 12);
        assert_eq!(parse_ref(&p, "kb-3").unwrap(), 3);
        assert_eq!(parse_ref(&p, " 7 ").unwrap(), 7);
        assert!(
            parse_ref(&p, "XY-1")
                .unwrap_err()
                .to_string()
                .contains("KB-<number>")
        );
        assert!(parse_ref(&p, "KB-0").is_err());
        assert!(parse_ref(&p, "KB-x").is_err());
        assert!(parse_ref(&p, "").is_err());
    }
}
