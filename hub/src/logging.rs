//! The log subscriber `jc-hub` installs, shared with the benchmark so that it measures
//! the hub as served: `RUST_LOG` when set, else [`default_directives`]; to stderr, as
//! text or JSON lines.

use tracing_subscriber::EnvFilter;

/// `level` for everything but rmcp, which logs three info lines for every MCP request
/// in stateless mode (its per-request service starting and stopping): noise, and in the
/// benchmark 5-18% fewer `jc_get_task` calls/s even with stderr sent to `/dev/null`. Its
/// warnings and errors still show.
pub fn default_directives(level: &str) -> String {
    format!("{level},rmcp=warn")
}

/// Installs the process's subscriber; call once, before anything logs.
pub fn init(default_level: &str, json: bool) {
    let filter = EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| EnvFilter::new(default_directives(default_level)));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    if json {
        builder.json().init();
    } else {
        builder.init();
    }
}
