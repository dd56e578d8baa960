//! The one HTTP client of the process. rustls with the ring provider serves `https://`
//! hubs without aws-lc-rs's size and build cost; plain `http://` hubs never touch TLS.

use std::time::Duration;

/// How long to wait for a TCP (and TLS) connection before calling the hub unreachable.
pub const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);

/// Installs rustls' ring provider (reqwest is built without a default one). Idempotent.
pub fn install_crypto_provider() {
    let _ = rustls::crypto::ring::default_provider().install_default();
}

/// Builds the client used for MCP and for `doctor`'s REST checks.
pub fn client() -> reqwest::Client {
    install_crypto_provider();
    reqwest::Client::builder()
        .user_agent(concat!("jc-bridge/", env!("CARGO_PKG_VERSION")))
        .connect_timeout(CONNECT_TIMEOUT)
        .tcp_nodelay(true)
        .pool_idle_timeout(Duration::from_secs(60))
        .build()
        .expect("the HTTP client builds (TLS provider installed)")
}

/// The most specific message in an error's chain, e.g. "Connection refused (os error 111)"
/// rather than rmcp's transport wrapper.
pub fn root_cause(error: &(dyn std::error::Error + 'static)) -> String {
    let mut current = error;
    while let Some(next) = current.source() {
        current = next;
    }
    current.to_string()
}
