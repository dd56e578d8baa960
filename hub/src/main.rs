//! `jc-hub`: parses settings, sets up logging, and hands over to the library.

use clap::Parser;
use jc_hub::config::{Cli, Command, LogFormat};

/// glibc's allocator spent about a tenth of the hub's CPU time under load (many small
/// short-lived allocations across threads); mimalloc handles that pattern far better.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[tokio::main]
async fn main() -> std::process::ExitCode {
    let cli = Cli::parse();
    let json_logs = matches!(&cli.command, Command::Serve(a) if a.log_format == LogFormat::Json);
    let default_level = if matches!(cli.command, Command::Serve(_)) {
        "info"
    } else {
        "warn"
    };
    jc_hub::logging::init(default_level, json_logs);
    let result = match cli.command {
        Command::Serve(args) => jc_hub::server::run(&cli.db, args).await,
        Command::Docs { out } => jc_hub::docs::write_references(&out).map(|()| {
            println!("wrote references into {}", out.display());
        }),
        Command::Migrate => cli.db.open().await.map(|s| {
            println!("migrations applied ({})", s.backend());
        }),
        Command::Members(cmd) => jc_hub::cli::run_members(&cli.db, cli.json, cmd).await,
        Command::Projects(cmd) => jc_hub::cli::run_projects(&cli.db, cli.json, cmd).await,
        Command::Export(args) => jc_hub::cli::run_export(&cli.db, args).await,
        Command::Import(args) => jc_hub::cli::run_import(&cli.db, cli.json, args).await,
    };
    match result {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("jc-hub: {e:#}");
            std::process::ExitCode::FAILURE
        }
    }
}
