//! `jc-bridge print-config <host>`: ready-to-paste snippets that register the bridge with
//! an agent host. The token never appears: the bridge reads it from `bridge.toml` (or
//! `JC_TOKEN`) when the host starts it. A project given with `--project` is pinned in the
//! snippet as `JC_PROJECT`, for per-repository config files.

use clap::ValueEnum;

/// Hosts `print-config` knows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Host {
    /// Claude Code (`claude mcp add`, or a project `.mcp.json`).
    Claude,
    /// OpenAI Codex (`~/.codex/config.toml`).
    Codex,
    /// Cursor (`.cursor/mcp.json` or `~/.cursor/mcp.json`).
    Cursor,
}

/// The snippets for `host`; `command` is how the host should start the bridge.
pub fn render(host: Host, command: &str, project: Option<&str>) -> String {
    match host {
        Host::Claude => claude(command, project),
        Host::Codex => codex(command, project),
        Host::Cursor => cursor(command, project),
    }
}

fn json_string(s: &str) -> String {
    serde_json::Value::from(s).to_string()
}

fn toml_string(s: &str) -> String {
    toml::Value::from(s).to_string()
}

/// The `mcpServers` entry shared by Claude Code's `.mcp.json` and Cursor.
fn mcp_servers_json(command: &str, project: Option<&str>, with_type: bool) -> String {
    let kind = if with_type {
        "      \"type\": \"stdio\",\n"
    } else {
        ""
    };
    let env = match project {
        Some(p) => format!(",\n      \"env\": {{\"JC_PROJECT\": {}}}", json_string(p)),
        None => String::new(),
    };
    format!(
        "{{\n  \"mcpServers\": {{\n    \"justclone\": {{\n{kind}      \"command\": {},\n      \"args\": []{env}\n    }}\n  }}\n}}\n",
        json_string(command)
    )
}

fn claude(command: &str, project: Option<&str>) -> String {
    let env = project
        .map(|p| format!(" -e JC_PROJECT={p}"))
        .unwrap_or_default();
    format!(
        "# Claude Code: register the bridge for you, in every project (user scope)\n\
         claude mcp add --scope user{env} justclone -- {command}\n\
         \n\
         # or only for the current project (local scope, the default)\n\
         claude mcp add{env} justclone -- {command}\n\
         \n\
         # or for everyone working in the repository: .mcp.json at its root (commit it;\n\
         # each person keeps their own token in bridge.toml)\n\
         {}",
        mcp_servers_json(command, project, true)
    )
}

fn codex(command: &str, project: Option<&str>) -> String {
    let env = project
        .map(|p| format!("env = {{ JC_PROJECT = {} }}\n", toml_string(p)))
        .unwrap_or_default();
    format!(
        "# OpenAI Codex: add to ~/.codex/config.toml\n\
         [mcp_servers.justclone]\n\
         command = {}\n\
         args = []\n\
         {env}\
         \n\
         # or from the command line:\n\
         # codex mcp add justclone -- {command}\n",
        toml_string(command)
    )
}

fn cursor(command: &str, project: Option<&str>) -> String {
    format!(
        "# Cursor: .cursor/mcp.json in the project (or ~/.cursor/mcp.json for every project)\n{}",
        mcp_servers_json(command, project, false)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_snippets_parse_after_the_comments() {
        for host in [Host::Claude, Host::Cursor] {
            let text = render(host, "jc-bridge", Some("kaoru-bot"));
            let json = &text[text.find('{').unwrap()..];
            let v: serde_json::Value = serde_json::from_str(json).unwrap();
            let entry = &v["mcpServers"]["justclone"];
            assert_eq!(entry["command"], "jc-bridge");
            assert_eq!(entry["env"]["JC_PROJECT"], "kaoru-bot");
        }
        assert!(
            render(Host::Claude, "jc-bridge", None)
                .contains("claude mcp add justclone -- jc-bridge")
        );
    }

    #[test]
    fn codex_snippet_is_toml() {
        let text = render(Host::Codex, "/usr/local/bin/jc-bridge", Some("p"));
        let v: toml::Table = toml::from_str(&text).unwrap();
        let entry = &v["mcp_servers"]["justclone"];
        assert_eq!(entry["command"].as_str(), Some("/usr/local/bin/jc-bridge"));
        assert_eq!(entry["env"]["JC_PROJECT"].as_str(), Some("p"));
    }
}
