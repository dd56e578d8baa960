//! Projects and project membership.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::cache::TextBytes;
use super::{Caller, Deleted, Hub};
use crate::error::{HubError, HubResult};
use crate::model::*;
use crate::store::{NewProject, ProjectSummary};
use crate::validate::{self, limits};

#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateProject {
    /// Slug: lowercase letters, digits, '-' or '_' (e.g. "kaoru-bot").
    pub name: String,
    /// Task prefix, 2-6 uppercase letters; derived from the name when omitted ("KB").
    pub key: Option<String>,
    /// What the project is about.
    pub description: Option<String>,
}

#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DeleteProject {
    /// Project to delete.
    pub project: String,
    /// The project name again, to confirm.
    pub confirm: String,
}

#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ProjectArgs {
    /// Project name (optional if a default applies).
    pub project: Option<String>,
}

#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AddProjectMember {
    /// Name of an existing member.
    pub member: String,
}

#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct ProjectList {
    pub projects: Vec<ProjectSummary>,
}

#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct MemberList {
    pub members: Vec<Member>,
}

impl TextBytes for MemberList {
    fn text_bytes(&self) -> usize {
        (self.members.iter())
            .map(|m| {
                let skills: usize = (m.capabilities.iter())
                    .map(|c| c.name.len() + c.desc.len())
                    .sum();
                m.name.len() + m.role.len() + skills
            })
            .sum()
    }
}

impl Hub {
    pub async fn list_projects(&self, caller: &Caller) -> HubResult<ProjectList> {
        let projects = self
            .store
            .list_projects(caller.member.id, caller.member.admin)
            .await?;
        Ok(ProjectList { projects })
    }

    pub async fn create_project(
        &self,
        caller: &Caller,
        input: CreateProject,
    ) -> HubResult<Project> {
        Self::require_admin(caller, "creating a project")?;
        validate::slug("name", &input.name)?;
        let description = input.description.unwrap_or_default();
        validate::text("description", &description, limits::DESCRIPTION, false)?;
        if let Some(key) = &input.key {
            validate::project_key(key)?;
        }
        let explicit = input.key.is_some();
        let base = input
            .key
            .unwrap_or_else(|| validate::derive_key(&input.name));
        // A derived key that is taken gets a letter appended (KB → KBA, KBB, …).
        let mut candidates = vec![base.clone()];
        if !explicit && base.len() < 6 {
            candidates.extend(('A'..='Z').map(|c| format!("{base}{c}")));
        }
        let mut last = None;
        for key in candidates {
            let new = NewProject {
                name: input.name.clone(),
                key,
                description: description.clone(),
            };
            match self.store.create_project(&caller.member, &new).await {
                Err(HubError::Conflict(msg)) if !explicit && msg.starts_with("task key") => {
                    last = Some(HubError::Conflict(msg));
                }
                other => return other,
            }
        }
        Err(last.unwrap_or_else(|| HubError::conflict("no free task key; pass key")))
    }

    pub async fn delete_project(
        &self,
        caller: &Caller,
        input: DeleteProject,
    ) -> HubResult<Deleted> {
        Self::require_admin(caller, "deleting a project")?;
        if input.confirm != input.project {
            return Err(HubError::validation(
                "confirm",
                format!(
                    "confirm must repeat the project name '{}' exactly",
                    validate::clip(&input.project, 64)
                ),
            ));
        }
        let project = self.project(caller, Some(&input.project)).await?;
        self.store.delete_project(caller.name(), &project).await?;
        self.caches.clear();
        Ok(Deleted {
            deleted: format!("project '{}' and all its data", project.name),
        })
    }

    /// Members of a project with their capabilities, for routing work.
    pub async fn project_members(
        &self,
        caller: &Caller,
        input: ProjectArgs,
    ) -> HubResult<MemberList> {
        let project = self.project(caller, input.project.as_deref()).await?;
        let read = async {
            let members = self.store.project_members(project.id).await?;
            Ok(MemberList { members })
        };
        self.versioned(&self.caches.rosters, project.id, read).await
    }

    pub async fn add_project_member(
        &self,
        caller: &Caller,
        project: &str,
        input: AddProjectMember,
    ) -> HubResult<Member> {
        Self::require_admin(caller, "managing project membership")?;
        validate::slug("member", &input.member)?;
        let project = self.project(caller, Some(project)).await?;
        let member = self
            .store
            .add_project_member(caller.name(), &project, &input.member)
            .await?;
        self.caches.clear();
        Ok(member)
    }

    pub async fn remove_project_member(
        &self,
        caller: &Caller,
        project: &str,
        member: &str,
    ) -> HubResult<Deleted> {
        Self::require_admin(caller, "managing project membership")?;
        let project = self.project(caller, Some(project)).await?;
        self.store
            .remove_project_member(caller.name(), &project, member)
            .await?;
        self.caches.clear();
        Ok(Deleted {
            deleted: format!("'{member}' from project '{}'", project.name),
        })
    }
}
