//! `jc-bridge init`: writes `bridge.toml` from flags (or `JC_*`), readable by its owner
//! only, after the same checks `serve` makes.

use std::io;
use std::path::{Path, PathBuf};

use crate::config::{self, FileConfig, Overrides};

/// The file `init` wrote.
#[derive(Debug)]
pub struct Written {
    pub path: PathBuf,
    /// An older file was there and is replaced.
    pub replaced: bool,
}

/// Validates the settings and writes them; the error says what to pass instead.
pub fn run(overrides: &Overrides) -> Result<Written, String> {
    let path = config::file_path(overrides).map_err(|e| e.to_string())?;
    let Some(token) = overrides.token.as_ref() else {
        return Err(format!(
            "init needs --token (the token `jc-hub members add` printed); \
             e.g. jc-bridge init --hub-url {} --token jc_…",
            config::DEFAULT_HUB_URL
        ));
    };
    let file = FileConfig {
        hub_url: Some(
            overrides
                .hub_url
                .as_ref()
                .map(|g| g.value.trim().to_string())
                .unwrap_or_else(|| config::DEFAULT_HUB_URL.to_string()),
        ),
        token: Some(token.value.clone()),
        project: overrides
            .project
            .as_ref()
            .map(|g| g.value.trim().to_string()),
    };
    config::validate(&file).map_err(|e| e.to_string())?;
    let replaced = path.exists();
    write_file(&path, &file).map_err(|e| format!("could not write {}: {e}", path.display()))?;
    Ok(Written { path, replaced })
}

/// Writes `bridge.toml` readable by its owner only (0600), creating its directory (0700).
/// The file is written next to its final name and renamed, so a reader never sees half.
pub fn write_file(path: &Path, file: &FileConfig) -> io::Result<()> {
    let text = toml::to_string(file).map_err(io::Error::other)?;
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    create_private_dir(dir)?;
    let tmp = dir.join(format!(
        ".{}.tmp{}",
        path.file_name()
            .and_then(|n| n.to_str())
            .unwrap_or(config::FILE_NAME),
        std::process::id()
    ));
    let result = (|| {
        use std::io::Write;
        let mut f = private_file(&tmp)?;
        f.write_all(text.as_bytes())?;
        f.sync_all()?;
        std::fs::rename(&tmp, path)
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result
}

#[cfg(unix)]
fn create_private_dir(dir: &Path) -> io::Result<()> {
    use std::os::unix::fs::DirBuilderExt;
    std::fs::DirBuilder::new()
        .recursive(true)
        .mode(0o700)
        .create(dir)
}

#[cfg(not(unix))]
fn create_private_dir(dir: &Path) -> io::Result<()> {
    std::fs::create_dir_all(dir)
}

#[cfg(unix)]
fn private_file(path: &Path) -> io::Result<std::fs::File> {
    use std::os::unix::fs::OpenOptionsExt;
    std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)
}

#[cfg(not(unix))]
fn private_file(path: &Path) -> io::Result<std::fs::File> {
    std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)
}
