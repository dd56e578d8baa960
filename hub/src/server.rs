//! `jc-hub serve`: opens the store, makes sure an admin exists, and serves HTTP until
//! SIGINT or SIGTERM.

use std::net::SocketAddr;
use std::path::PathBuf;

use anyhow::Context;
use tokio::net::TcpListener;

use crate::config::{AuthArg, DbArgs, ServeArgs};
use crate::http::{self, AppState, AuthMode, Identity, RouterOptions};
use crate::model::Member;
use crate::service::{Hub, HubInfo};

/// Name of the file, in the data directory, that holds the bootstrap admin's token.
pub const ADMIN_TOKEN_FILE: &str = "admin-token";

pub async fn run(db: &DbArgs, args: ServeArgs) -> anyhow::Result<()> {
    let loopback = args.listen.ip().is_loopback();
    if args.auth == AuthArg::Off && !loopback {
        anyhow::bail!(
            "--auth off is only allowed on a loopback address (127.0.0.1 or ::1), not {}; \
             remove --auth off or listen on 127.0.0.1",
            args.listen
        );
    }
    let store = db.open().await?;
    tracing::info!(backend = store.backend(), "database ready");
    let public_url = args
        .public_url
        .clone()
        .unwrap_or_else(|| default_public_url(args.listen));
    let hub = Hub::new(
        store,
        HubInfo {
            public_url: public_url.clone(),
        },
    );
    let admin_token = std::env::var("JC_ADMIN_TOKEN")
        .ok()
        .filter(|t| !t.is_empty());
    if let Some((admin, token)) = hub.ensure_admin().await? {
        if admin_token.is_some() {
            tracing::info!(
                "created admin member '{}'; JC_ADMIN_TOKEN acts as it",
                admin.name
            );
        } else {
            let path = save_admin_token(db, &admin, &token)?;
            tracing::info!(
                "created admin member '{}'; its token is in {} (mode 0600)",
                admin.name,
                path.display()
            );
        }
    }
    let mode = match args.auth {
        AuthArg::On => AuthMode::On,
        AuthArg::Off => {
            tracing::warn!("auth is OFF: callers name themselves with X-JC-Agent (loopback only)");
            AuthMode::Off
        }
    };
    let first_admin = hub.first_admin().await?;
    let state = AppState::new(hub, Identity::new(mode, admin_token.as_deref()));
    let code = state.signin.issue(first_admin.id);
    let options = RouterOptions {
        allowed_hosts: args.allowed_hosts.clone(),
    };
    let closing = state.closing.clone();
    let app = http::router(state, &options);
    let listener = TcpListener::bind(args.listen)
        .await
        .with_context(|| format!("could not listen on {}", args.listen))?;
    tracing::info!(
        "JustClone Hub listening on http://{} (MCP at {public_url}/mcp)",
        listener.local_addr()?
    );
    // The code is single-use, expires in 15 minutes, and travels in the URL fragment,
    // which browsers do not send to servers.
    tracing::info!(
        "dashboard sign-in link for '{}' (one use, 15 minutes): {public_url}/#signin={code}",
        first_admin.name
    );
    http::serve(listener, app, async move {
        shutdown_signal().await;
        closing.cancel();
    })
    .await?;
    tracing::info!("stopped");
    Ok(())
}

fn default_public_url(listen: SocketAddr) -> String {
    if listen.ip().is_unspecified() {
        format!("http://localhost:{}", listen.port())
    } else {
        format!("http://{listen}")
    }
}

/// Writes the bootstrap admin's token to `<data dir>/admin-token` with mode 0600.
pub fn save_admin_token(db: &DbArgs, admin: &Member, token: &str) -> anyhow::Result<PathBuf> {
    let dir = db.data_dir()?;
    crate::config::create_private_dir(&dir)?;
    let path = dir.join(ADMIN_TOKEN_FILE);
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    use std::io::Write;
    let mut file = options
        .open(&path)
        .with_context(|| format!("could not write {}", path.display()))?;
    writeln!(file, "{token}")?;
    tracing::debug!(member = %admin.name, "saved admin token");
    Ok(path)
}

/// Resolves on SIGINT (Ctrl-C) or SIGTERM.
async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = term => {},
    }
    tracing::info!("shutting down");
}
