//! Whole-project backup and restore, for admins (`jc-hub export` / `jc-hub import`).

use std::collections::HashSet;
use std::hash::Hash;

use super::{Caller, Hub};
use crate::backup::{FORMAT, FORMAT_VERSION, ImportReport, ProjectBackup};
use crate::error::{HubError, HubResult};
use crate::model::Scope;
use crate::validate;

impl Hub {
    /// The whole project as one document; tokens are never included.
    pub async fn export_project(&self, caller: &Caller, project: &str) -> HubResult<ProjectBackup> {
        Self::require_admin(caller, "exporting a project")?;
        let project = self.project(caller, Some(project)).await?;
        self.store.export_project(&project).await
    }

    /// Restores a backup in one transaction; refuses when the project's name or key is
    /// taken. Members missing here are created without tokens.
    pub async fn import_project(
        &self,
        caller: &Caller,
        backup: &ProjectBackup,
    ) -> HubResult<ImportReport> {
        Self::require_admin(caller, "importing a project")?;
        check(backup)?;
        self.store.import_project(caller.name(), backup).await
    }
}

/// Rejects documents the database would reject less clearly: another format or version,
/// bad names, and duplicates of what must be unique.
fn check(b: &ProjectBackup) -> HubResult<()> {
    if b.format != FORMAT {
        return Err(HubError::validation(
            "format",
            format!("not a jc-hub project backup (format '{FORMAT}' expected)"),
        ));
    }
    if b.version != FORMAT_VERSION {
        return Err(HubError::validation(
            "version",
            format!(
                "backup format version {} is not supported; this hub reads version {FORMAT_VERSION}",
                b.version
            ),
        ));
    }
    validate::slug("name", &b.project.name)?;
    validate::project_key(&b.project.key)?;
    for m in &b.members {
        validate::slug("member", &m.name)?;
    }
    unique("members", b.members.iter().map(|m| &m.name))?;
    if let Some(t) = b.tasks.iter().find(|t| t.seq < 1) {
        return Err(HubError::validation(
            "tasks",
            format!("task seq {} is not a positive number", t.seq),
        ));
    }
    unique("tasks", b.tasks.iter().map(|t| t.seq))?;
    unique("context", b.context.iter().map(|c| &c.key))?;
    unique("sessions", b.sessions.iter().map(|s| s.id))?;
    unique("messages", b.messages.iter().map(|m| m.id))?;
    unique("memories", b.memories.iter().map(|m| (m.scope, &m.key)))?;
    let members: HashSet<&String> = b.members.iter().map(|m| &m.name).collect();
    for m in &b.memories {
        if let Some(u) = m.usage.iter().find(|u| !members.contains(&u.member)) {
            let scope = if m.scope == Scope::Global {
                "global "
            } else {
                ""
            };
            return Err(HubError::validation(
                "memories",
                format!(
                    "{scope}memory '{}' has usage by '{}', who is not among the backup's members",
                    m.key, u.member
                ),
            ));
        }
    }
    Ok(())
}

fn unique<T: Eq + Hash + std::fmt::Debug>(
    field: &str,
    items: impl Iterator<Item = T>,
) -> HubResult<()> {
    let mut seen = HashSet::new();
    for item in items {
        if let Some(dup) = seen.replace(item) {
            return Err(HubError::validation(
                field,
                format!("the backup lists {field} entry {dup:?} twice"),
            ));
        }
    }
    Ok(())
}
