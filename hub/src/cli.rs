//! Admin commands run from the shell against the database directly, acting as the hub's
//! first admin. Output is text for people, or JSON with `--json`.

use serde::Serialize;

use crate::config::{DbArgs, MembersCmd, ProjectsCmd};
use crate::mcp::render::Render;
use crate::service::*;

/// Runs one admin command and prints its result.
pub async fn run_members(db: &DbArgs, json: bool, cmd: MembersCmd) -> anyhow::Result<()> {
    let (hub, admin) = open_as_admin(db).await?;
    match cmd {
        MembersCmd::Add {
            name,
            kind,
            role,
            admin: is_admin,
            project,
        } => {
            let created = hub
                .create_member(
                    &admin,
                    CreateMember {
                        name: name.clone(),
                        kind: kind.into(),
                        role,
                        capabilities: None,
                        admin: Some(is_admin),
                    },
                )
                .await?;
            if let Some(project) = &project {
                hub.add_project_member(&admin, project, AddProjectMember { member: name })
                    .await?;
            }
            let config = hub.connect_config(&created.token, project.as_deref());
            let created = CreatedMember { config, ..created };
            print(json, &created, || {
                format!(
                    "created {} '{}'. Its token is shown only now:\n\n  {}\n\nbridge.toml:\n{}\nClaude Code:\n  {}\n",
                    created.member.kind,
                    created.member.name,
                    created.token,
                    created.config.bridge_toml,
                    created.config.claude_command
                )
            })
        }
        MembersCmd::List => {
            let list = hub.list_members(&admin).await?;
            print(json, &list, || list.render())
        }
        MembersCmd::Remove { name } => {
            let done = hub.delete_member(&admin, &name).await?;
            print(json, &done, || done.render())
        }
        MembersCmd::RotateToken { name } => {
            let rotated = hub.rotate_token(&admin, &name).await?;
            print(json, &rotated, || {
                format!(
                    "new token for '{}' (old ones are revoked):\n\n  {}",
                    rotated.member, rotated.token
                )
            })
        }
    }
}

pub async fn run_projects(db: &DbArgs, json: bool, cmd: ProjectsCmd) -> anyhow::Result<()> {
    let (hub, admin) = open_as_admin(db).await?;
    match cmd {
        ProjectsCmd::Create {
            name,
            key,
            description,
        } => {
            let project = hub
                .create_project(
                    &admin,
                    CreateProject {
                        name,
                        key,
                        description,
                    },
                )
                .await?;
            print(json, &project, || {
                format!(
                    "created project '{}' (tasks {}-n)",
                    project.name, project.key
                )
            })
        }
        ProjectsCmd::List => {
            let list = hub.list_projects(&admin).await?;
            print(json, &list, || list.render())
        }
        ProjectsCmd::Delete { name } => {
            let input = DeleteProject {
                confirm: name.clone(),
                project: name,
            };
            let done = hub.delete_project(&admin, input).await?;
            print(json, &done, || done.render())
        }
        ProjectsCmd::AddMember { project, member } => {
            let m = hub
                .add_project_member(&admin, &project, AddProjectMember { member })
                .await?;
            print(json, &m, || {
                format!("'{}' is a member of '{project}'", m.name)
            })
        }
        ProjectsCmd::RemoveMember { project, member } => {
            let done = hub.remove_project_member(&admin, &project, &member).await?;
            print(json, &done, || done.render())
        }
    }
}

/// Opens the store and returns the hub with its first admin as the caller, creating
/// that admin when the database has none.
async fn open_as_admin(db: &DbArgs) -> anyhow::Result<(Hub, Caller)> {
    let store = db.open().await?;
    let hub = Hub::new(
        store,
        HubInfo {
            public_url: std::env::var("JC_PUBLIC_URL")
                .unwrap_or_else(|_| "http://127.0.0.1:8765".into()),
        },
    );
    if let Some((admin, token)) = hub.ensure_admin().await? {
        crate::server::save_admin_token(db, &admin, &token)?;
    }
    let admin = hub.first_admin().await?;
    Ok((hub, Caller::new(admin)))
}

fn print<T: Serialize>(json: bool, value: &T, text: impl FnOnce() -> String) -> anyhow::Result<()> {
    if json {
        println!("{}", serde_json::to_string_pretty(value)?);
    } else {
        println!("{}", text());
    }
    Ok(())
}
