//! Admin commands run from the shell against the database directly, acting as the hub's
//! first admin. Output is text for people, or JSON with `--json`.

use anyhow::Context;
use serde::Serialize;

use crate::backup::{ImportReport, ProjectBackup};
use crate::config::{DbArgs, ExportArgs, ImportArgs, MembersCmd, ProjectsCmd};
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

/// `jc-hub export`: the project as pretty JSON, to `--out` (mode 0600) or stdout.
pub async fn run_export(db: &DbArgs, args: ExportArgs) -> anyhow::Result<()> {
    let (hub, admin) = open_as_admin(db).await?;
    let backup = hub.export_project(&admin, &args.project).await?;
    let mut text = serde_json::to_vec_pretty(&backup)?;
    text.push(b'\n');
    match &args.out {
        Some(path) => {
            use std::io::Write;
            let mut options = std::fs::OpenOptions::new();
            options.write(true).create(true).truncate(true);
            #[cfg(unix)]
            std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
            let mut file = options
                .open(path)
                .with_context(|| format!("could not create {}", path.display()))?;
            file.write_all(&text)
                .with_context(|| format!("could not write {}", path.display()))?;
            eprintln!(
                "exported project '{}' ({} tasks, {} memories, {} events) to {}",
                backup.project.name,
                backup.tasks.len(),
                backup.memories.len(),
                backup.events.len(),
                path.display()
            );
        }
        None => {
            use std::io::Write;
            std::io::stdout().lock().write_all(&text)?;
        }
    }
    Ok(())
}

/// `jc-hub import FILE|-`: restores a backup; nothing is written if any step fails.
pub async fn run_import(db: &DbArgs, json: bool, args: ImportArgs) -> anyhow::Result<()> {
    let text = if args.file.as_os_str() == "-" {
        let mut buf = Vec::new();
        std::io::Read::read_to_end(&mut std::io::stdin().lock(), &mut buf)
            .context("could not read the backup from standard input")?;
        buf
    } else {
        std::fs::read(&args.file)
            .with_context(|| format!("could not read {}", args.file.display()))?
    };
    let backup: ProjectBackup = serde_json::from_slice(&text).with_context(|| {
        format!(
            "{} is not a jc-hub project backup (write one with `jc-hub export`)",
            args.file.display()
        )
    })?;
    let (hub, admin) = open_as_admin(db).await?;
    let report = hub.import_project(&admin, &backup).await?;
    print(json, &report, || import_text(&report))
}

fn import_text(r: &ImportReport) -> String {
    let mut out = format!(
        "imported project '{}' (tasks {}-n): {} tasks, {} context entries, {} sessions, \
         {} messages, {} project memories, {} events",
        r.project, r.key, r.tasks, r.context, r.sessions, r.messages, r.project_memories, r.events
    );
    if !r.global_memories_inserted.is_empty() {
        out += &format!(
            "\nglobal memories added: {}",
            r.global_memories_inserted.join(", ")
        );
    }
    if !r.global_memories_kept.is_empty() {
        out += &format!(
            "\nglobal memories already in this hub, kept as they are: {}",
            r.global_memories_kept.join(", ")
        );
    }
    if !r.members_reused.is_empty() {
        out += &format!("\nexisting members reused: {}", r.members_reused.join(", "));
    }
    if !r.members_created.is_empty() {
        out += &format!(
            "\nmembers created without tokens: {}\n\
             issue a token for each with `jc-hub members rotate-token NAME`",
            r.members_created.join(", ")
        );
    }
    out
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
