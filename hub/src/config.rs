//! Command line and settings (SPEC §6). Every setting is a flag and an environment
//! variable; `JC_ADMIN_TOKEN` is environment-only so it never shows in process lists.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;

use anyhow::Context;
use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::model::MemberKind;
use crate::store::Store;
use crate::store::pool::{default_pg_size, default_size};
use crate::store::postgres::PgStore;
use crate::store::sqlite::SqliteStore;

#[derive(Debug, Parser)]
#[command(
    name = "jc-hub",
    version,
    about = "JustClone Hub: shared tasks, context, messages and memory for teams of AI agents"
)]
pub struct Cli {
    #[command(flatten)]
    pub db: DbArgs,
    /// Print JSON instead of text (for scripts).
    #[arg(long, global = true)]
    pub json: bool,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Clone, Args)]
pub struct DbArgs {
    /// `postgres://…` for PostgreSQL; when unset, embedded SQLite in the data directory.
    #[arg(long, env = "DATABASE_URL", global = true, hide_env_values = true)]
    pub database_url: Option<String>,
    /// Where the SQLite database and the admin token file live.
    #[arg(long, env = "JC_DATA_DIR", global = true)]
    pub data_dir: Option<PathBuf>,
    /// Most database connections: PostgreSQL's pool (reads use at most half of it, writes
    /// all), or SQLite's readers (besides its one writer). Default: four times the CPU
    /// cores on PostgreSQL, twice on SQLite (at most 64).
    #[arg(long, env = "JC_DB_CONNECTIONS", global = true,
          value_parser = clap::value_parser!(u32).range(1..=1000))]
    pub db_connections: Option<u32>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the hub: REST, MCP and the dashboard.
    Serve(ServeArgs),
    /// Apply database migrations and exit.
    Migrate,
    /// Write the generated tool and REST references (for the agent skill folder).
    Docs {
        /// Folder to write `tools-reference.md` and `rest-reference.md` into.
        #[arg(long, default_value = "skills/using-justclone-mcp")]
        out: PathBuf,
    },
    /// Manage members (acts as the hub's first admin).
    #[command(subcommand)]
    Members(MembersCmd),
    /// Manage projects (acts as the hub's first admin).
    #[command(subcommand)]
    Projects(ProjectsCmd),
    /// Write a whole project (tasks, context, sessions, messages, memories, members,
    /// events; never tokens) as one JSON document.
    Export(ExportArgs),
    /// Restore a project written by `jc-hub export`, in one transaction.
    Import(ImportArgs),
}

#[derive(Debug, Clone, Args)]
pub struct ExportArgs {
    /// The project to export.
    #[arg(long)]
    pub project: String,
    /// File to write (created with mode 0600); standard output when omitted.
    #[arg(long)]
    pub out: Option<PathBuf>,
}

#[derive(Debug, Clone, Args)]
pub struct ImportArgs {
    /// A file written by `jc-hub export`, or `-` for standard input.
    pub file: PathBuf,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum AuthArg {
    On,
    Off,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum LogFormat {
    Text,
    Json,
}

#[derive(Debug, Clone, Args)]
pub struct ServeArgs {
    /// Address to listen on.
    #[arg(long, env = "JC_LISTEN", default_value = "127.0.0.1:8765")]
    pub listen: SocketAddr,
    /// Extra Host names accepted on /mcp, comma-separated (loopback names always are).
    #[arg(long, env = "JC_ALLOWED_HOSTS", value_delimiter = ',')]
    pub allowed_hosts: Vec<String>,
    /// `off` names callers by X-JC-Agent instead of tokens; refused on non-loopback addresses.
    #[arg(long, env = "JC_AUTH", value_enum, default_value = "on")]
    pub auth: AuthArg,
    /// URL agents use to reach this hub, for generated configs (default: from --listen).
    #[arg(long, env = "JC_PUBLIC_URL")]
    pub public_url: Option<String>,
    /// Log format.
    #[arg(long, env = "JC_LOG_FORMAT", value_enum, default_value = "text")]
    pub log_format: LogFormat,
}

#[derive(Debug, Subcommand)]
pub enum MembersCmd {
    /// Register a member and print its token (shown once) and connection config.
    Add {
        name: String,
        #[arg(long, value_enum, default_value = "agent")]
        kind: KindArg,
        #[arg(long)]
        role: Option<String>,
        #[arg(long)]
        admin: bool,
        /// Also add the member to this project.
        #[arg(long)]
        project: Option<String>,
    },
    /// List members.
    List,
    /// Delete a member (history keeps its name).
    Remove { name: String },
    /// Revoke a member's tokens and print a new one.
    RotateToken { name: String },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum KindArg {
    Agent,
    Human,
}

impl From<KindArg> for MemberKind {
    fn from(k: KindArg) -> Self {
        match k {
            KindArg::Agent => MemberKind::Agent,
            KindArg::Human => MemberKind::Human,
        }
    }
}

#[derive(Debug, Subcommand)]
pub enum ProjectsCmd {
    /// Create a project.
    Create {
        name: String,
        /// Task prefix, 2-6 uppercase letters (default: derived from the name).
        #[arg(long)]
        key: Option<String>,
        #[arg(long)]
        description: Option<String>,
    },
    /// List projects.
    List,
    /// Delete a project and all its data.
    Delete { name: String },
    /// Add a member to a project.
    AddMember { project: String, member: String },
    /// Remove a member from a project.
    RemoveMember { project: String, member: String },
}

impl DbArgs {
    /// The data directory: `--data-dir`, or the platform's user data directory.
    pub fn data_dir(&self) -> anyhow::Result<PathBuf> {
        if let Some(dir) = &self.data_dir {
            return Ok(dir.clone());
        }
        directories::ProjectDirs::from("dev", "justclone", "jc-hub")
            .map(|d| d.data_dir().to_path_buf())
            .context("no home directory to put the data in; pass --data-dir or set JC_DATA_DIR")
    }

    /// Opens the configured store, creating the data directory and applying migrations.
    pub async fn open(&self) -> anyhow::Result<Arc<dyn Store>> {
        let readers = self.db_connections.unwrap_or_else(default_size);
        match self.database_url.as_deref() {
            Some(url) if url.starts_with("postgres://") || url.starts_with("postgresql://") => {
                let connections = self.db_connections.unwrap_or_else(default_pg_size);
                let store = PgStore::connect(url, connections)
                    .await
                    .context("could not connect to PostgreSQL (check DATABASE_URL)")?;
                Ok(Arc::new(store))
            }
            Some(url) if url.starts_with("sqlite:") => {
                let store = SqliteStore::open_url(url, readers)
                    .await
                    .with_context(|| format!("could not open SQLite database {url}"))?;
                Ok(Arc::new(store))
            }
            Some(_) => anyhow::bail!(
                "DATABASE_URL must start with postgres:// (or sqlite:); unset it to use embedded SQLite"
            ),
            None => {
                let dir = self.data_dir()?;
                create_private_dir(&dir)?;
                let path = dir.join("hub.db");
                let store = SqliteStore::open(&path, readers).await.with_context(|| {
                    format!("could not open SQLite database {}", path.display())
                })?;
                Ok(Arc::new(store))
            }
        }
    }
}

/// Creates a directory readable only by its owner.
pub fn create_private_dir(dir: &std::path::Path) -> anyhow::Result<()> {
    std::fs::create_dir_all(dir)
        .with_context(|| format!("could not create data directory {}", dir.display()))?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let _ = std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700));
    }
    Ok(())
}
