//! The command line. `jc-bridge` with no command serves MCP on stdio: stdout then
//! carries protocol only, and every log line goes to stderr (quiet unless `JC_LOG` or
//! `RUST_LOG` asks for more). Settings that make serving impossible end the process with
//! a message on stderr and exit code 1 before anything is read from stdin.

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::parser::ValueSource;
use clap::{ArgMatches, Args, CommandFactory, FromArgMatches, Parser, Subcommand};

use crate::config::{self, Given, Overrides, Source, Token};
use crate::snippets::Host;

#[derive(Debug, Parser)]
#[command(
    name = "jc-bridge",
    version,
    about = "Connects an agent host (Claude Code, Codex, Cursor…) to a JustClone hub: a stdio MCP server that forwards every hub tool with the agent's identity.",
    after_help = "Settings: bridge.toml in the user config directory (or --config), overridden by JC_HUB_URL, JC_TOKEN, JC_PROJECT, overridden by flags. Logs go to stderr; JC_LOG=debug shows more."
)]
pub struct Cli {
    #[command(flatten)]
    pub settings: SettingArgs,
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Clone, Args)]
pub struct SettingArgs {
    /// Config file to use instead of bridge.toml in the user config directory.
    #[arg(long, global = true, value_name = "PATH")]
    pub config: Option<PathBuf>,
    /// The hub's address, e.g. http://127.0.0.1:8765 (default: that).
    #[arg(long, env = "JC_HUB_URL", global = true, value_name = "URL")]
    pub hub_url: Option<String>,
    /// The member's token (`jc_…`). Prefer the config file: flags show in process lists.
    #[arg(
        long,
        env = "JC_TOKEN",
        global = true,
        hide_env_values = true,
        value_name = "TOKEN"
    )]
    pub token: Option<String>,
    /// Default project, sent as X-JC-Project so tool calls may omit `project`.
    #[arg(long, env = "JC_PROJECT", global = true, value_name = "NAME")]
    pub project: Option<String>,
}

#[derive(Debug, Clone, Subcommand)]
pub enum Command {
    /// Serve MCP on stdin/stdout (the default; this is what the host runs).
    Serve,
    /// Write bridge.toml (mode 0600) from --hub-url, --token and --project.
    Init,
    /// Check config, hub, token, project membership and /mcp; say what to fix.
    Doctor,
    /// Print config snippets that register the bridge with an agent host.
    PrintConfig {
        /// The agent host.
        #[arg(value_enum)]
        host: Host,
    },
}

/// Entry point of the `jc-bridge` binary.
pub fn main() -> ExitCode {
    let matches = Cli::command().get_matches();
    let cli = match Cli::from_arg_matches(&matches) {
        Ok(cli) => cli,
        Err(e) => e.exit(),
    };
    init_logging();
    let overrides = overrides(&cli.settings, &matches);
    match cli.command.unwrap_or(Command::Serve) {
        Command::Serve => serve(&overrides),
        Command::Init => init(&overrides),
        Command::Doctor => doctor(&overrides),
        Command::PrintConfig { host } => print_config(host, &overrides),
    }
}

/// Logs to stderr: warnings of the bridge itself unless `JC_LOG` (or `RUST_LOG`) says
/// otherwise. rmcp's own lines are off by default: the bridge reports every failure it
/// handles (a hub that is down is expected, not an error of the protocol library).
fn init_logging() {
    let directives = std::env::var("JC_LOG")
        .or_else(|_| std::env::var("RUST_LOG"))
        .unwrap_or_else(|_| "warn,rmcp=off".into());
    let filter = tracing_subscriber::EnvFilter::try_new(&directives)
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("warn"));
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(std::io::stderr().is_terminal())
        .with_target(false)
        .init();
}

/// The settings clap found, with where each came from (flag or environment).
fn overrides(settings: &SettingArgs, matches: &ArgMatches) -> Overrides {
    fn given<T>(
        value: Option<T>,
        matches: &ArgMatches,
        id: &str,
        flag: &'static str,
        env: &'static str,
    ) -> Option<Given<T>> {
        let source = match matches.value_source(id) {
            Some(ValueSource::EnvVariable) => Source::Env(env),
            _ => Source::Flag(flag),
        };
        value.map(|value| Given { value, source })
    }
    // An exported but empty variable means "not set", as shells usually intend.
    fn non_empty_env<T>(given: Option<Given<T>>, text: impl Fn(&T) -> &str) -> Option<Given<T>> {
        given.filter(|g| !(matches!(g.source, Source::Env(_)) && text(&g.value).trim().is_empty()))
    }
    Overrides {
        config: settings.config.clone(),
        hub_url: non_empty_env(
            given(
                settings.hub_url.clone(),
                matches,
                "hub_url",
                "--hub-url",
                "JC_HUB_URL",
            ),
            String::as_str,
        ),
        token: non_empty_env(
            given(
                settings.token.clone().map(Token::new),
                matches,
                "token",
                "--token",
                "JC_TOKEN",
            ),
            Token::expose,
        ),
        project: non_empty_env(
            given(
                settings.project.clone(),
                matches,
                "project",
                "--project",
                "JC_PROJECT",
            ),
            String::as_str,
        ),
    }
}

/// A small runtime: one thread is plenty for a proxy and keeps start-up and memory low.
fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("the tokio runtime starts")
}

fn serve(overrides: &Overrides) -> ExitCode {
    let config = match config::load(overrides) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("jc-bridge: {e}");
            eprintln!("jc-bridge: cannot serve; `jc-bridge doctor` checks the setup");
            return ExitCode::FAILURE;
        }
    };
    if let (config::FileState::Loaded(path), Source::File) = (&config.file, config.token_source)
        && let Some(mode) = config::readable_by_others(path)
    {
        tracing::warn!(
            "{} holds a token but other users can read it (mode {mode:o}); run chmod 600 on it",
            path.display()
        );
    }
    if std::io::stdin().is_terminal() {
        eprintln!(
            "jc-bridge: serving MCP on stdin/stdout for an agent host (hub {}); \
             `jc-bridge doctor` checks the setup, `jc-bridge print-config claude` shows how \
             to register it. Ctrl-D ends.",
            config.hub
        );
    }
    tracing::debug!(hub = %config.hub, project = ?config.project, "serving MCP on stdio");
    let http = crate::http::client();
    let runtime = runtime();
    let result = runtime.block_on(async {
        let bridge = crate::proxy::Bridge::new(http, &config);
        crate::proxy::serve_stdio(bridge).await
    });
    // Pending blocking work (a DNS lookup, a cache write) must not hold the exit.
    runtime.shutdown_timeout(std::time::Duration::from_millis(200));
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("jc-bridge: the MCP session with the host failed: {e}");
            ExitCode::FAILURE
        }
    }
}

fn init(overrides: &Overrides) -> ExitCode {
    match crate::init::run(overrides) {
        Ok(written) => {
            let verb = if written.replaced { "updated" } else { "wrote" };
            println!("{verb} {} (mode 0600)", written.path.display());
            println!(
                "next: `jc-bridge doctor` checks it; `jc-bridge print-config claude` shows how to register the bridge"
            );
            ExitCode::SUCCESS
        }
        Err(message) => {
            eprintln!("jc-bridge: {message}");
            ExitCode::FAILURE
        }
    }
}

fn doctor(overrides: &Overrides) -> ExitCode {
    let http = crate::http::client();
    let mut stdout = std::io::stdout().lock();
    let ok = runtime().block_on(crate::doctor::run(overrides, http, &mut stdout));
    let _ = stdout.flush();
    if ok {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}

fn print_config(host: Host, overrides: &Overrides) -> ExitCode {
    // Only a project given here is pinned in the snippet; the token never is.
    let project = overrides
        .project
        .as_ref()
        .filter(|g| matches!(g.source, Source::Flag(_)))
        .map(|g| g.value.as_str());
    print!(
        "{}",
        crate::snippets::render(host, &bridge_command(), project)
    );
    ExitCode::SUCCESS
}

/// `jc-bridge` when that name on PATH is this program, else this program's full path.
fn bridge_command() -> String {
    let Ok(me) = std::env::current_exe() else {
        return "jc-bridge".into();
    };
    let on_path = std::env::var_os("PATH").is_some_and(|paths| {
        std::env::split_paths(&paths).any(|dir| same_file(&dir.join("jc-bridge"), &me))
    });
    if on_path {
        "jc-bridge".into()
    } else {
        me.display().to_string()
    }
}

fn same_file(a: &Path, b: &Path) -> bool {
    match (a.canonicalize(), b.canonicalize()) {
        (Ok(a), Ok(b)) => a == b,
        _ => false,
    }
}
