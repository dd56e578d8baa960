//! Settings (SPEC §6): keys `hub_url`, `token`, `project` in `bridge.toml` (the user
//! config directory, or `--config PATH`); `JC_HUB_URL`, `JC_TOKEN`, `JC_PROJECT` override
//! the file, and flags override the environment.
//!
//! The token is a [`Token`], whose `Debug` never shows it, so no log line or error message
//! can leak it by accident.

use std::fmt;
use std::io;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

/// Where `jc-hub serve` listens by default; used when no `hub_url` is configured.
pub const DEFAULT_HUB_URL: &str = "http://127.0.0.1:8765";

/// The config file's name inside the user config directory.
pub const FILE_NAME: &str = "bridge.toml";

/// A bearer token. Neither `Debug` nor any error message shows it.
#[derive(Clone, PartialEq, Eq)]
pub struct Token(String);

impl Token {
    pub fn new(token: impl Into<String>) -> Token {
        Token(token.into())
    }

    /// The secret itself, for the `Authorization` header and the config file only.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Token {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Token(<redacted>)")
    }
}

/// Where a setting came from (shown by `doctor`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    Default,
    File,
    Env(&'static str),
    Flag(&'static str),
}

impl fmt::Display for Source {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Source::Default => f.write_str("default"),
            Source::File => f.write_str("file"),
            Source::Env(var) => write!(f, "{var}"),
            Source::Flag(flag) => write!(f, "{flag}"),
        }
    }
}

/// A value from the command line or the environment, with its origin.
#[derive(Debug, Clone)]
pub struct Given<T> {
    pub value: T,
    pub source: Source,
}

/// What the command line and environment supply; every field is optional.
#[derive(Debug, Clone, Default)]
pub struct Overrides {
    /// `--config PATH`; `None` means the default location.
    pub config: Option<PathBuf>,
    pub hub_url: Option<Given<String>>,
    pub token: Option<Given<Token>>,
    pub project: Option<Given<String>>,
}

/// The contents of `bridge.toml`.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FileConfig {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hub_url: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none", with = "token_field")]
    pub token: Option<Token>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub project: Option<String>,
}

mod token_field {
    use super::Token;
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(token: &Option<Token>, s: S) -> Result<S::Ok, S::Error> {
        match token {
            Some(t) => s.serialize_str(t.expose()),
            None => s.serialize_none(),
        }
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Token>, D::Error> {
        Ok(Option::<String>::deserialize(d)?.map(Token))
    }
}

/// The config file and whether it was there.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FileState {
    /// Read from this path.
    Loaded(PathBuf),
    /// The default path, which does not exist (settings came from elsewhere).
    Missing(PathBuf),
    /// No home directory, no `--config`: no file at all.
    None,
}

impl FileState {
    pub fn path(&self) -> Option<&Path> {
        match self {
            FileState::Loaded(p) | FileState::Missing(p) => Some(p),
            FileState::None => None,
        }
    }
}

/// Validated settings the bridge runs with.
#[derive(Debug, Clone)]
pub struct Config {
    pub hub: HubUrl,
    pub token: Token,
    pub project: Option<String>,
    pub file: FileState,
    pub hub_source: Source,
    pub token_source: Source,
    pub project_source: Option<Source>,
    /// `JC_HUB_PROTOCOL`: pins the MCP version of the hub link (e.g. `2025-03-26`), for
    /// an old hub or for testing the proxy across eras. Unset: negotiated.
    pub hub_protocol: Option<String>,
}

/// The hub's base URL (`http://host:port`, maybe with a path prefix), without a trailing
/// slash or `/mcp`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HubUrl(String);

impl HubUrl {
    /// Accepts `http(s)://host[:port][/prefix]`, with or without a trailing `/` or `/mcp`.
    pub fn parse(input: &str) -> Result<HubUrl, String> {
        let trimmed = input.trim();
        if !trimmed.contains("://") {
            return Err("it has no scheme; write it like http://127.0.0.1:8765".into());
        }
        let url = reqwest::Url::parse(trimmed).map_err(|e| e.to_string())?;
        if !matches!(url.scheme(), "http" | "https") {
            return Err(format!(
                "the scheme is {}; use http:// or https://",
                url.scheme()
            ));
        }
        if url.host_str().is_none_or(str::is_empty) {
            return Err("it has no host name".into());
        }
        if url.query().is_some() || url.fragment().is_some() {
            return Err("it must not carry a query or fragment".into());
        }
        if !url.username().is_empty() || url.password().is_some() {
            return Err("it must not carry credentials; put the token in `token`".into());
        }
        let mut base = url.as_str().trim_end_matches('/').to_string();
        if let Some(stripped) = base.strip_suffix("/mcp") {
            base = stripped.to_string();
        }
        Ok(HubUrl(base))
    }

    /// e.g. `http://127.0.0.1:8765`
    pub fn base(&self) -> &str {
        &self.0
    }

    /// The MCP endpoint, `<base>/mcp`.
    pub fn mcp(&self) -> String {
        format!("{}/mcp", self.0)
    }

    /// A REST path under the base, e.g. `endpoint("/health")`.
    pub fn endpoint(&self, path: &str) -> String {
        format!("{}{path}", self.0)
    }
}

impl fmt::Display for HubUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Why the settings cannot be used. Every message says what to do.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("cannot read the config file {}: {source}; fix its permissions or pass another --config", path.display())]
    Read { path: PathBuf, source: io::Error },
    #[error("the config file {} is not valid: {message}; the keys are hub_url, token and project", path.display())]
    Parse { path: PathBuf, message: String },
    #[error(
        "no token configured ({where_}); run `jc-bridge init --hub-url <url> --token <token>` or set JC_TOKEN"
    )]
    MissingToken { where_: String },
    #[error(
        "the token from {origin} is not usable: {reason}; paste it exactly as jc-hub printed it"
    )]
    BadToken {
        origin: Source,
        reason: &'static str,
    },
    #[error("hub_url {value:?} (from {origin}) is not a valid hub address: {reason}")]
    BadUrl {
        value: String,
        origin: Source,
        reason: String,
    },
    #[error("project {value:?} (from {origin}) is not usable: {reason}")]
    BadProject {
        value: String,
        origin: Source,
        reason: &'static str,
    },
    #[error("no home directory to keep bridge.toml in; pass --config PATH")]
    NoConfigDir,
}

/// The platform's user config directory for the bridge, e.g. `~/.config/jc-bridge`.
fn project_dirs() -> Option<directories::ProjectDirs> {
    directories::ProjectDirs::from("dev", "justclone", "jc-bridge")
}

/// `bridge.toml` in the user config directory.
pub fn default_path() -> Option<PathBuf> {
    project_dirs().map(|d| d.config_dir().join(FILE_NAME))
}

/// The user cache directory for the bridge, e.g. `~/.cache/jc-bridge`.
pub fn cache_dir() -> Option<PathBuf> {
    project_dirs().map(|d| d.cache_dir().to_path_buf())
}

/// The file `init` writes and `load` reads: `--config`, else the default location.
pub fn file_path(overrides: &Overrides) -> Result<PathBuf, ConfigError> {
    overrides
        .config
        .clone()
        .or_else(default_path)
        .ok_or(ConfigError::NoConfigDir)
}

/// Reads the file (if any) and merges the overrides over it.
pub fn load(overrides: &Overrides) -> Result<Config, ConfigError> {
    let (file, state) = read_file(overrides)?;
    let where_ = match &state {
        FileState::Loaded(p) => format!("not in {} nor JC_TOKEN", p.display()),
        FileState::Missing(p) => format!("no file at {} and no JC_TOKEN", p.display()),
        FileState::None => "no config file and no JC_TOKEN".into(),
    };

    let (token, token_source) = match (&overrides.token, file.token) {
        (Some(given), _) => (given.value.clone(), given.source),
        (None, Some(token)) => (token, Source::File),
        (None, None) => return Err(ConfigError::MissingToken { where_ }),
    };
    check_token(&token, token_source)?;

    let (hub_value, hub_source) = match (&overrides.hub_url, file.hub_url) {
        (Some(given), _) => (given.value.clone(), given.source),
        (None, Some(url)) => (url, Source::File),
        (None, None) => (DEFAULT_HUB_URL.to_string(), Source::Default),
    };
    let hub = HubUrl::parse(&hub_value).map_err(|reason| ConfigError::BadUrl {
        value: hub_value.clone(),
        origin: hub_source,
        reason,
    })?;

    let (project, project_source) = match (&overrides.project, file.project) {
        (Some(given), _) => (Some(given.value.clone()), Some(given.source)),
        (None, Some(p)) => (Some(p), Some(Source::File)),
        (None, None) => (None, None),
    };
    let project = match (project, project_source) {
        (Some(p), Some(source)) => Some(check_project(p, source)?),
        _ => None,
    };

    Ok(Config {
        hub,
        token,
        project,
        file: state,
        hub_source,
        token_source,
        project_source,
        hub_protocol: std::env::var("JC_HUB_PROTOCOL")
            .ok()
            .filter(|v| !v.trim().is_empty()),
    })
}

fn read_file(overrides: &Overrides) -> Result<(FileConfig, FileState), ConfigError> {
    let (path, explicit) = match &overrides.config {
        Some(p) => (p.clone(), true),
        None => match default_path() {
            Some(p) => (p, false),
            None => return Ok((FileConfig::default(), FileState::None)),
        },
    };
    let text = match std::fs::read_to_string(&path) {
        Ok(text) => text,
        Err(e) if e.kind() == io::ErrorKind::NotFound && !explicit => {
            return Ok((FileConfig::default(), FileState::Missing(path)));
        }
        Err(source) => return Err(ConfigError::Read { path, source }),
    };
    let file: FileConfig = toml::from_str(&text).map_err(|e| ConfigError::Parse {
        path: path.clone(),
        // toml's message spans lines (it quotes the input); keep the first one.
        message: e
            .message()
            .lines()
            .next()
            .unwrap_or("syntax error")
            .to_string(),
    })?;
    Ok((file, FileState::Loaded(path)))
}

fn check_token(token: &Token, source: Source) -> Result<(), ConfigError> {
    let t = token.expose();
    let reason = if t.trim().is_empty() {
        Some("it is empty")
    } else if !t.bytes().all(|b| b.is_ascii_graphic()) {
        Some("it contains spaces or characters that cannot go in an HTTP header")
    } else {
        None
    };
    match reason {
        Some(reason) => Err(ConfigError::BadToken {
            origin: source,
            reason,
        }),
        None => Ok(()),
    }
}

fn check_project(project: String, source: Source) -> Result<String, ConfigError> {
    let trimmed = project.trim();
    let reason = if trimmed.is_empty() {
        Some("it is empty; remove the setting or name a project")
    } else if !trimmed.bytes().all(|b| b.is_ascii_graphic()) {
        Some("project names are slugs (lowercase letters, digits, - and _)")
    } else {
        None
    };
    match reason {
        Some(reason) => Err(ConfigError::BadProject {
            value: project.clone(),
            origin: source,
            reason,
        }),
        None => Ok(trimmed.to_string()),
    }
}

/// Checks `file` as `load` would (token, URL, project), for `init`.
pub fn validate(file: &FileConfig) -> Result<(), ConfigError> {
    let token = file.token.as_ref().ok_or(ConfigError::MissingToken {
        where_: "init needs --token".into(),
    })?;
    check_token(token, Source::Flag("--token"))?;
    if let Some(url) = &file.hub_url {
        HubUrl::parse(url).map_err(|reason| ConfigError::BadUrl {
            value: url.clone(),
            origin: Source::Flag("--hub-url"),
            reason,
        })?;
    }
    if let Some(p) = &file.project {
        check_project(p.clone(), Source::Flag("--project"))?;
    }
    Ok(())
}

/// On Unix, the permission bits of `path` that let others read it, if any.
#[cfg(unix)]
pub fn readable_by_others(path: &Path) -> Option<u32> {
    use std::os::unix::fs::PermissionsExt;
    let mode = std::fs::metadata(path).ok()?.permissions().mode() & 0o777;
    (mode & 0o077 != 0).then_some(mode)
}

#[cfg(not(unix))]
pub fn readable_by_others(_path: &Path) -> Option<u32> {
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hub_urls_are_normalised() {
        for (input, base) in [
            ("http://127.0.0.1:8765", "http://127.0.0.1:8765"),
            ("http://127.0.0.1:8765/", "http://127.0.0.1:8765"),
            ("http://127.0.0.1:8765/mcp", "http://127.0.0.1:8765"),
            (
                "https://hub.example.com/jc/mcp/",
                "https://hub.example.com/jc",
            ),
            (" http://localhost:1 ", "http://localhost:1"),
        ] {
            assert_eq!(HubUrl::parse(input).unwrap().base(), base, "{input}");
        }
        assert_eq!(
            HubUrl::parse("http://h:1").unwrap().mcp(),
            "http://h:1/mcp".to_string()
        );
    }

    #[test]
    fn bad_hub_urls_say_why() {
        for input in [
            "127.0.0.1:8765",
            "localhost",
            "ftp://h",
            "http://",
            "http://u:p@h",
            "http://h?x=1",
        ] {
            assert!(HubUrl::parse(input).is_err(), "{input} should be refused");
        }
        assert!(
            HubUrl::parse("hub.example.com")
                .unwrap_err()
                .contains("scheme")
        );
    }

    #[test]
    fn token_never_prints() {
        let overrides = Overrides {
            config: Some(PathBuf::from("/nonexistent/bridge.toml")),
            token: Some(Given {
                value: Token::new("jc_secret"),
                source: Source::Env("JC_TOKEN"),
            }),
            ..Default::default()
        };
        let debug = format!("{overrides:?}");
        assert!(!debug.contains("jc_secret"), "{debug}");
        let err = check_token(&Token::new("jc secret"), Source::File).unwrap_err();
        assert!(!err.to_string().contains("secret"));
    }

    #[test]
    fn file_round_trips_and_rejects_unknown_keys() {
        let file = FileConfig {
            hub_url: Some("http://h:1".into()),
            token: Some(Token::new("jc_t\"x")),
            project: Some("p".into()),
        };
        let text = toml::to_string(&file).unwrap();
        let back: FileConfig = toml::from_str(&text).unwrap();
        assert_eq!(back.token.unwrap().expose(), "jc_t\"x");
        assert!(toml::from_str::<FileConfig>("hub-url = \"x\"").is_err());
    }
}
