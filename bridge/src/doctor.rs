//! `jc-bridge doctor`: checks, in order, that the config is usable, the hub answers, the
//! token is valid, the member belongs to the project, and `/mcp` lists tools. Each line
//! is ✓ or ✗; a ✗ line says exactly what to fix. Later checks that need an earlier one
//! are skipped when it failed.

use std::io::Write;
use std::time::Duration;

use serde::Deserialize;

use crate::config::{self, Config, FileState, Overrides, Source};
use crate::upstream::{Failure, Upstream};

/// Per-request limit for the REST checks.
const CHECK_TIMEOUT: Duration = Duration::from_secs(5);

/// Runs every check, printing as it goes. Returns whether all passed.
pub async fn run(overrides: &Overrides, http: reqwest::Client, out: &mut dyn Write) -> bool {
    let mut report = Report { out, failed: false };
    let Some(config) = check_config(overrides, &mut report) else {
        report.skip("hub, token, project and MCP are not checked without a usable config");
        return false;
    };
    if !check_hub(&config, &http, &mut report).await {
        report.skip("token, project and MCP are not checked until the hub answers");
        return false;
    }
    let Some(me) = check_token(&config, &http, &mut report).await else {
        report.skip("project and MCP are not checked without a valid token");
        return false;
    };
    check_project(&config, &me, &http, &mut report).await;
    check_mcp(&config, http, &mut report).await;
    !report.failed
}

struct Report<'a> {
    out: &'a mut dyn Write,
    failed: bool,
}

impl Report<'_> {
    fn ok(&mut self, what: &str, detail: impl AsRef<str>) {
        let _ = writeln!(self.out, "✓ {what:<8} {}", detail.as_ref());
    }

    fn fail(&mut self, what: &str, problem: impl AsRef<str>, fix: impl AsRef<str>) {
        self.failed = true;
        let _ = writeln!(self.out, "✗ {what:<8} {}", problem.as_ref());
        let _ = writeln!(self.out, "  {:<8} fix: {}", "", fix.as_ref());
    }

    fn skip(&mut self, why: &str) {
        let _ = writeln!(self.out, "· {why}");
    }
}

fn check_config(overrides: &Overrides, report: &mut Report<'_>) -> Option<Config> {
    let config = match config::load(overrides) {
        Ok(c) => c,
        Err(e) => {
            let fix = match &e {
                config::ConfigError::MissingToken { .. } => {
                    "run `jc-bridge init --hub-url <url> --token <token>` with the token `jc-hub members add` printed".to_string()
                }
                config::ConfigError::Parse { path, .. } => format!(
                    "edit {} (keys: hub_url, token, project) or rewrite it with `jc-bridge init`",
                    path.display()
                ),
                config::ConfigError::Read { path, .. } => format!(
                    "make {} readable by you (`chmod 600`), or pass --config with another file",
                    path.display()
                ),
                config::ConfigError::BadUrl { .. } => format!(
                    "set hub_url to the address `jc-hub serve` listens on, e.g. {}",
                    config::DEFAULT_HUB_URL
                ),
                _ => "correct the setting named above (file, JC_* variable or flag)".to_string(),
            };
            report.fail("config", e.to_string(), fix);
            return None;
        }
    };
    let file = match &config.file {
        FileState::Loaded(p) => p.display().to_string(),
        FileState::Missing(p) => format!("no file at {} (using environment/flags)", p.display()),
        FileState::None => "no config file (using environment/flags)".to_string(),
    };
    let project = match (&config.project, config.project_source) {
        (Some(p), Some(source)) => format!("project {p} ({})", origin(source)),
        _ => "no default project".to_string(),
    };
    report.ok(
        "config",
        format!(
            "{file}: hub_url {} ({}), token ({}), {project}",
            config.hub,
            origin(config.hub_source),
            origin(config.token_source)
        ),
    );
    if let (FileState::Loaded(path), Source::File) = (&config.file, config.token_source)
        && let Some(mode) = config::readable_by_others(path)
    {
        report.fail(
            "config",
            format!(
                "{} holds the token but other users can read it (mode {mode:o})",
                path.display()
            ),
            format!("chmod 600 {}", path.display()),
        );
    }
    Some(config)
}

fn origin(source: Source) -> String {
    match source {
        Source::Default => "default".into(),
        Source::File => "from file".into(),
        Source::Env(var) => format!("from {var}"),
        Source::Flag(flag) => format!("from {flag}"),
    }
}

#[derive(Deserialize)]
struct Health {
    status: String,
    database: String,
    backend: String,
    version: String,
}

async fn check_hub(config: &Config, http: &reqwest::Client, report: &mut Report<'_>) -> bool {
    let url = config.hub.endpoint("/health");
    let response = match http.get(&url).timeout(CHECK_TIMEOUT).send().await {
        Ok(r) => r,
        Err(e) => {
            report.fail(
                "hub",
                format!(
                    "{} is not reachable ({})",
                    config.hub,
                    crate::http::root_cause(&e)
                ),
                format!(
                    "start the hub with `jc-hub serve`, or set hub_url (now {}) to the address it listens on",
                    origin(config.hub_source)
                ),
            );
            return false;
        }
    };
    let status = response.status();
    match response.json::<Health>().await {
        Ok(h) if h.status == "ok" => {
            report.ok(
                "hub",
                format!(
                    "{} answers (jc-hub {}, {} database {})",
                    config.hub, h.version, h.backend, h.database
                ),
            );
            true
        }
        Ok(h) => {
            report.fail(
                "hub",
                format!(
                    "{} answers but its {} database is {}",
                    config.hub, h.backend, h.database
                ),
                "check the hub's log, and its DATABASE_URL or data directory",
            );
            false
        }
        Err(_) => {
            report.fail(
                "hub",
                format!(
                    "{url} answered HTTP {status}, which is not a JustClone hub's health check"
                ),
                format!(
                    "set hub_url to the hub's address (what `jc-hub serve` prints, by default {})",
                    config::DEFAULT_HUB_URL
                ),
            );
            false
        }
    }
}

/// The calling member, as `/api/me` returns it.
#[derive(Debug, Deserialize)]
pub struct Me {
    pub name: String,
    pub kind: String,
    #[serde(default)]
    pub admin: bool,
}

#[derive(Deserialize)]
struct ErrorBody {
    error: ErrorDetail,
}

#[derive(Deserialize)]
struct ErrorDetail {
    message: String,
}

/// The hub's error message from a REST error response, or the status.
async fn error_message(response: reqwest::Response) -> String {
    let status = response.status();
    match response.json::<ErrorBody>().await {
        Ok(body) => body.error.message,
        Err(_) => format!("HTTP {status}"),
    }
}

async fn check_token(
    config: &Config,
    http: &reqwest::Client,
    report: &mut Report<'_>,
) -> Option<Me> {
    let response = http
        .get(config.hub.endpoint("/api/me"))
        .bearer_auth(config.token.expose())
        .timeout(CHECK_TIMEOUT)
        .send()
        .await;
    let response = match response {
        Ok(r) => r,
        Err(e) => {
            report.fail(
                "token",
                format!("could not ask the hub ({})", crate::http::root_cause(&e)),
                "run `jc-bridge doctor` again once the hub answers",
            );
            return None;
        }
    };
    let status = response.status();
    if status.is_success() {
        match response.json::<Me>().await {
            Ok(me) => {
                let admin = if me.admin { ", admin" } else { "" };
                report.ok(
                    "token",
                    format!("valid: acting as '{}' ({}{admin})", me.name, me.kind),
                );
                return Some(me);
            }
            Err(e) => {
                report.fail(
                    "token",
                    format!("/api/me answered something unexpected ({e})"),
                    "check that hub_url points at a JustClone hub of a matching version",
                );
                return None;
            }
        }
    }
    let message = error_message(response).await;
    let store = match config.token_source {
        Source::File => {
            let project = match (&config.project, config.project_source) {
                (Some(p), Some(Source::File)) => format!(" --project {p}"),
                _ => String::new(),
            };
            format!(
                "`jc-bridge init --hub-url {} --token <new token>{project}`",
                config.hub
            )
        }
        Source::Env(var) => format!("set {var} to it"),
        _ => "pass it with --token".to_string(),
    };
    report.fail(
        "token",
        format!("the hub rejected the token (HTTP {}: {message})", status.as_u16()),
        format!(
            "get a new token (an admin runs `jc-hub members rotate-token <member>` or `jc-hub members add …`), then {store}"
        ),
    );
    None
}

#[derive(Deserialize)]
struct MemberList {
    members: Vec<Me>,
}

#[derive(Deserialize)]
struct ProjectList {
    projects: Vec<ProjectName>,
}

#[derive(Deserialize)]
struct ProjectName {
    name: String,
}

async fn check_project(config: &Config, me: &Me, http: &reqwest::Client, report: &mut Report<'_>) {
    let add = |p: &str| format!("an admin runs `jc-hub projects add-member {p} {}`", me.name);
    match &config.project {
        Some(project) => {
            let mut url = match reqwest::Url::parse(&config.hub.endpoint("/api/projects")) {
                Ok(u) => u,
                Err(e) => return report.fail("project", e.to_string(), "check hub_url"),
            };
            url.path_segments_mut()
                .expect("http URLs have paths")
                .extend([project.as_str(), "members"]);
            let response = match get(http, config, url.as_str()).await {
                Ok(r) => r,
                Err(e) => {
                    return report.fail(
                        "project",
                        e,
                        "run `jc-bridge doctor` again once the hub answers",
                    );
                }
            };
            let status = response.status();
            if status.is_success() {
                let members = response.json::<MemberList>().await.map(|l| l.members);
                match members {
                    Ok(members) if members.iter().any(|m| m.name == me.name) => report.ok(
                        "project",
                        format!("'{project}': {} is a member ({} members)", me.name, members.len()),
                    ),
                    Ok(_) => report.fail(
                        "project",
                        format!(
                            "'{}' is an admin but not a member of '{project}': jc_start, sessions and messages need membership",
                            me.name
                        ),
                        add(project),
                    ),
                    Err(e) => report.fail(
                        "project",
                        format!("the member list of '{project}' was not readable ({e})"),
                        "check that the hub and bridge versions match",
                    ),
                }
                return;
            }
            let message = error_message(response).await;
            match status.as_u16() {
                404 => report.fail(
                    "project",
                    message,
                    format!(
                        "set project (now {}) to one of yours, or create it: `jc-hub projects create {project}`",
                        origin(config.project_source.unwrap_or(Source::File))
                    ),
                ),
                403 => report.fail(
                    "project",
                    format!("'{}' is not a member of '{project}'", me.name),
                    add(project),
                ),
                code => report.fail(
                    "project",
                    format!("checking '{project}' failed (HTTP {code}: {message})"),
                    "look at the hub's log",
                ),
            }
        }
        None => {
            let url = config.hub.endpoint("/api/projects");
            let response = match get(http, config, &url).await {
                Ok(r) if r.status().is_success() => r,
                Ok(r) => {
                    let code = r.status().as_u16();
                    let message = error_message(r).await;
                    return report.fail(
                        "project",
                        format!("listing projects failed (HTTP {code}: {message})"),
                        "look at the hub's log",
                    );
                }
                Err(e) => {
                    return report.fail(
                        "project",
                        e,
                        "run `jc-bridge doctor` again once the hub answers",
                    );
                }
            };
            let names: Vec<String> = match response.json::<ProjectList>().await {
                Ok(l) => l.projects.into_iter().map(|p| p.name).collect(),
                Err(e) => {
                    return report.fail(
                        "project",
                        format!("the project list was not readable ({e})"),
                        "check that the hub and bridge versions match",
                    );
                }
            };
            match names.as_slice() {
                [] => report.fail(
                    "project",
                    format!("'{}' belongs to no project, so every tool call will fail", me.name),
                    add("<project>"),
                ),
                [only] => report.ok(
                    "project",
                    format!("no default set; calls use '{only}', the only project {} can see", me.name),
                ),
                many => report.ok(
                    "project",
                    format!(
                        "no default set; calls must name one of {} (set `project` in bridge.toml or JC_PROJECT to pick one)",
                        many.join(", ")
                    ),
                ),
            }
        }
    }
}

async fn get(
    http: &reqwest::Client,
    config: &Config,
    url: &str,
) -> Result<reqwest::Response, String> {
    http.get(url)
        .bearer_auth(config.token.expose())
        .timeout(CHECK_TIMEOUT)
        .send()
        .await
        .map_err(|e| format!("could not ask the hub ({})", crate::http::root_cause(&e)))
}

async fn check_mcp(config: &Config, http: reqwest::Client, report: &mut Report<'_>) {
    let upstream = Upstream::new(http, config);
    match upstream.list_tools(None).await {
        Ok(list) => {
            let version = upstream
                .info()
                .and_then(|i| i.protocol_version)
                .unwrap_or_else(|| "unknown".into());
            report.ok(
                "mcp",
                format!(
                    "{} lists {} tools (protocol {version})",
                    config.hub.mcp(),
                    list.tools.len()
                ),
            );
        }
        Err(failure) => {
            let problem = match &failure {
                Failure::Unreachable(d) => format!("{} is not reachable ({d})", config.hub.mcp()),
                Failure::Unauthorized(m) => {
                    format!("{} rejected the token ({m})", config.hub.mcp())
                }
                Failure::Refused(m) => format!("{} refused the connection ({m})", config.hub.mcp()),
                Failure::Protocol(e) => {
                    format!("{} answered with an error: {}", config.hub.mcp(), e.message)
                }
            };
            let fix = match &failure {
                Failure::Refused(m) if m.contains("403") => {
                    "the hub accepts only loopback Host names on /mcp by default: start it with --allowed-hosts <the host in hub_url>".to_string()
                }
                _ => "look at the hub's log; `JC_LOG=debug jc-bridge doctor` shows the bridge's side".to_string(),
            };
            report.fail("mcp", problem, fix);
        }
    }
}
