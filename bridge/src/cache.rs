//! The last tool list the hub served (and its instructions), on disk, one file per hub
//! URL. It lets a host list tools while the hub is down, and tells the proxy which tools
//! are safe to retry before the hub has answered `tools/list` in this process.
//!
//! The file lives in the user cache directory (`~/.cache/jc-bridge` on Linux), or next to
//! the config file when there is no home directory. Reads and writes never fail the
//! caller: a missing or damaged cache is simply absent.

use std::path::{Path, PathBuf};

use rmcp::model::Tool;
use serde::{Deserialize, Serialize};

/// What is kept for one hub.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Snapshot {
    /// The hub's base URL, checked on load (file names are only a key).
    pub hub_url: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub instructions: Option<String>,
    pub tools: Vec<Tool>,
}

/// The cache file of one hub.
#[derive(Debug, Clone)]
pub struct ToolCache {
    path: Option<PathBuf>,
    hub_url: String,
}

impl ToolCache {
    /// The cache for `hub_url`, under `dir` (the user cache directory) or else next to
    /// `config_file`.
    pub fn new(hub_url: &str, dir: Option<PathBuf>, config_file: Option<&Path>) -> ToolCache {
        let dir = dir.or_else(|| config_file.and_then(Path::parent).map(Path::to_path_buf));
        ToolCache {
            path: dir.map(|d| d.join(file_name(hub_url))),
            hub_url: hub_url.to_string(),
        }
    }

    pub fn path(&self) -> Option<&Path> {
        self.path.as_deref()
    }

    /// The snapshot for this hub, if one was saved and still parses.
    pub fn load(&self) -> Option<Snapshot> {
        let path = self.path.as_ref()?;
        let bytes = std::fs::read(path).ok()?;
        match serde_json::from_slice::<Snapshot>(&bytes) {
            Ok(s) if s.hub_url == self.hub_url => Some(s),
            Ok(_) => None,
            Err(e) => {
                tracing::debug!(path = %path.display(), "ignoring a damaged tool cache: {e}");
                None
            }
        }
    }

    /// Writes `snapshot` (to a temporary file, then renamed over the old one).
    pub fn save(&self, snapshot: &Snapshot) {
        let Some(path) = &self.path else { return };
        if let Err(e) = write(path, snapshot) {
            tracing::debug!(path = %path.display(), "could not save the tool cache: {e}");
        }
    }
}

fn write(path: &Path, snapshot: &Snapshot) -> std::io::Result<()> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)?;
    }
    let tmp = path.with_extension(format!("tmp{}", std::process::id()));
    std::fs::write(&tmp, serde_json::to_vec(snapshot)?)?;
    std::fs::rename(&tmp, path).inspect_err(|_| {
        let _ = std::fs::remove_file(&tmp);
    })
}

/// `tools-<readable url>-<hash>.json`: readable for people, unique for the bridge.
fn file_name(hub_url: &str) -> String {
    let readable: String = hub_url
        .trim_start_matches("http://")
        .trim_start_matches("https://")
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '.' {
                c
            } else {
                '-'
            }
        })
        .take(80)
        .collect();
    format!("tools-{readable}-{:016x}.json", fnv1a(hub_url.as_bytes()))
}

/// FNV-1a, 64 bits: stable across Rust versions, unlike `DefaultHasher`.
fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |hash, b| {
        (hash ^ u64::from(*b)).wrapping_mul(0x0000_0100_0000_01b3)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_names_are_keyed_by_url() {
        let a = file_name("http://127.0.0.1:8765");
        assert!(a.starts_with("tools-127.0.0.1-8765-"), "{a}");
        assert_ne!(a, file_name("https://127.0.0.1:8765"));
        assert_ne!(a, file_name("http://127.0.0.1:8766"));
    }

    #[test]
    fn snapshots_round_trip_and_check_the_url() {
        let dir = tempfile::tempdir().unwrap();
        let cache = ToolCache::new("http://h:1", Some(dir.path().to_path_buf()), None);
        assert!(cache.load().is_none());
        let tool: Tool = serde_json::from_value(serde_json::json!({
            "name": "jc_x", "inputSchema": {"type": "object"},
            "annotations": {"readOnlyHint": true}
        }))
        .unwrap();
        let snapshot = Snapshot {
            hub_url: "http://h:1".into(),
            instructions: Some("hi".into()),
            tools: vec![tool],
        };
        cache.save(&snapshot);
        assert_eq!(cache.load(), Some(snapshot.clone()));
        // Same file name, other hub: never served.
        let other = ToolCache {
            path: cache.path.clone(),
            hub_url: "http://other:1".into(),
        };
        assert!(other.load().is_none());
    }
}
