//! `init`, `doctor`, `print-config`, and serving with settings it cannot use.

use jc_tests::{Backend, TestHub};

use crate::harness::{BridgeEnv, Output};

#[track_caller]
fn assert_refused(out: &Output, needles: &[&str]) {
    assert_eq!(out.code, Some(1), "exit code; stderr: {}", out.stderr);
    assert!(
        out.stdout.is_empty(),
        "stdout is protocol only: {:?}",
        out.stdout
    );
    for needle in needles {
        assert!(
            out.stderr.contains(needle),
            "stderr should mention {needle:?}: {}",
            out.stderr
        );
    }
}

#[tokio::test]
async fn serving_without_a_token_fails_with_the_fix() {
    let env = BridgeEnv::new();
    std::fs::write(env.config_path(), "hub_url = \"http://127.0.0.1:8765\"\n").unwrap();
    let out = env.run(&[]).await;
    assert_refused(&out, &["no token configured", "jc-bridge init", "JC_TOKEN"]);
}

#[tokio::test]
async fn serving_with_a_bad_url_fails_naming_it() {
    let env = BridgeEnv::new();
    env.write_config("127.0.0.1:8765", "jc_abc", None);
    let out = env.run(&[]).await;
    assert_refused(&out, &["hub_url", "127.0.0.1:8765", "no scheme"]);
    assert!(!out.stderr.contains("jc_abc"), "the token is never printed");

    // The environment overrides the file, and is checked the same way.
    env.write_config("http://127.0.0.1:8765", "jc_abc", None);
    let mut cmd = env.command(&[]);
    cmd.env("JC_HUB_URL", "ftp://hub");
    let out = env.run_with(cmd).await;
    assert_refused(&out, &["JC_HUB_URL", "ftp://hub", "http://"]);
}

#[tokio::test]
async fn serving_with_an_unreadable_config_fails_naming_the_file() {
    let env = BridgeEnv::new();
    // Missing file given explicitly.
    let out = env.run(&[]).await;
    assert_refused(
        &out,
        &[
            "cannot read the config file",
            &env.config_path().display().to_string(),
        ],
    );
    // A directory where the file should be (tests may run as root, so modes prove nothing).
    std::fs::create_dir(env.config_path()).unwrap();
    let out = env.run(&[]).await;
    assert_refused(&out, &["cannot read the config file"]);
    std::fs::remove_dir(env.config_path()).unwrap();
    // Not TOML, or an unknown key.
    std::fs::write(env.config_path(), "token = jc_unquoted\n").unwrap();
    let out = env.run(&[]).await;
    assert_refused(&out, &["is not valid", "hub_url, token and project"]);
    assert!(!out.stderr.contains("jc_unquoted"), "{}", out.stderr);
    std::fs::write(env.config_path(), "hub-url = \"http://h\"\ntoken = \"t\"\n").unwrap();
    let out = env.run(&[]).await;
    assert_refused(&out, &["hub-url"]);
}

#[tokio::test]
async fn init_writes_a_private_file_that_serve_can_use() {
    let env = BridgeEnv::new();
    // Default location: bridge.toml in the user config directory, directories created.
    let cmd = env.bare_command(&[
        "init",
        "--hub-url",
        "http://127.0.0.1:9/mcp",
        "--token",
        "jc_0123",
        "--project",
        "kaoru-bot",
    ]);
    let out = env.run_with(cmd).await;
    assert_eq!(out.code, Some(0), "{out:?}");
    let path = env.config_home().join("jc-bridge").join("bridge.toml");
    assert!(out.stdout.contains(&path.display().to_string()), "{out:?}");
    assert!(
        !out.stdout.contains("jc_0123"),
        "init does not echo the token"
    );
    let text = std::fs::read_to_string(&path).unwrap();
    let table: toml::Table = toml::from_str(&text).unwrap();
    assert_eq!(table["hub_url"].as_str(), Some("http://127.0.0.1:9/mcp"));
    assert_eq!(table["token"].as_str(), Some("jc_0123"));
    assert_eq!(table["project"].as_str(), Some("kaoru-bot"));
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600, "bridge.toml is private");
        let dir_mode = std::fs::metadata(path.parent().unwrap())
            .unwrap()
            .permissions()
            .mode()
            & 0o777;
        assert_eq!(dir_mode, 0o700);
    }

    // --config PATH, into directories that do not exist yet; rewriting keeps it private.
    let nested = env.dir.path().join("a/b/bridge.toml");
    let nested_arg = nested.display().to_string();
    for token in ["jc_first", "jc_second"] {
        let cmd = env.bare_command(&["init", "--config", &nested_arg, "--token", token]);
        let out = env.run_with(cmd).await;
        assert_eq!(out.code, Some(0), "{out:?}");
    }
    let table: toml::Table = toml::from_str(&std::fs::read_to_string(&nested).unwrap()).unwrap();
    assert_eq!(table["token"].as_str(), Some("jc_second"));
    assert_eq!(table["hub_url"].as_str(), Some("http://127.0.0.1:8765"));
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&nested).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600);
    }

    // Nothing written without a token or with a bad URL.
    let out = env
        .run_with(env.bare_command(&["init", "--config", "/nonexistent-dir/x.toml"]))
        .await;
    assert_eq!(out.code, Some(1));
    assert!(out.stderr.contains("--token"), "{}", out.stderr);
    let out = env
        .run(&["init", "--hub-url", "localhost:8765", "--token", "jc_x"])
        .await;
    assert_eq!(out.code, Some(1));
    assert!(out.stderr.contains("no scheme"), "{}", out.stderr);
}

#[tokio::test]
async fn print_config_gives_snippets_for_each_host() {
    let env = BridgeEnv::new();
    let out = env.run(&["print-config", "claude"]).await;
    assert_eq!(out.code, Some(0), "{out:?}");
    assert!(
        out.stdout.contains("claude mcp add justclone -- "),
        "{}",
        out.stdout
    );
    let json_start = out.stdout.find("{\n").expect(".mcp.json snippet");
    let mcp_json: serde_json::Value = serde_json::from_str(&out.stdout[json_start..]).unwrap();
    assert_eq!(mcp_json["mcpServers"]["justclone"]["type"], "stdio");

    let out = env
        .run(&["print-config", "codex", "--project", "kaoru-bot"])
        .await;
    assert_eq!(out.code, Some(0), "{out:?}");
    let codex: toml::Table = toml::from_str(&out.stdout).expect("codex snippet is TOML");
    assert_eq!(
        codex["mcp_servers"]["justclone"]["env"]["JC_PROJECT"].as_str(),
        Some("kaoru-bot")
    );

    let out = env.run(&["print-config", "cursor"]).await;
    assert_eq!(out.code, Some(0), "{out:?}");
    let json_start = out.stdout.find('{').unwrap();
    let cursor: serde_json::Value = serde_json::from_str(&out.stdout[json_start..]).unwrap();
    assert!(cursor["mcpServers"]["justclone"]["command"].is_string());

    let out = env.run(&["print-config", "vim"]).await;
    assert_ne!(out.code, Some(0));
}

async fn doctor_passes_against_a_good_hub(backend: Backend) {
    let h = TestHub::spawn(backend).await;
    let (alice, token) = h.fixture.member("alice").await;
    h.fixture.project("kaoru-bot", &[&alice]).await;
    let env = BridgeEnv::new();
    env.write_config(&h.url, &token, Some("kaoru-bot"));
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(env.config_path(), std::fs::Permissions::from_mode(0o600))
            .unwrap();
    }
    let out = env.run(&["doctor"]).await;
    assert_eq!(out.code, Some(0), "{}{}", out.stdout, out.stderr);
    let lines: Vec<&str> = out.stdout.lines().collect();
    assert_eq!(lines.len(), 5, "{}", out.stdout);
    assert!(lines.iter().all(|l| l.starts_with('✓')), "{}", out.stdout);
    assert!(out.stdout.contains("acting as 'alice'"), "{}", out.stdout);
    assert!(out.stdout.contains("lists 30 tools"), "{}", out.stdout);
    assert!(!out.stdout.contains(&token));

    // Without a default project, a member of one project is told which one calls use.
    std::fs::write(
        env.config_path(),
        format!("hub_url = {:?}\ntoken = {token:?}\n", h.url),
    )
    .unwrap();
    let out = env.run(&["doctor"]).await;
    assert!(
        out.stdout.contains("calls use 'kaoru-bot'"),
        "{}",
        out.stdout
    );
}

async fn doctor_names_the_fix_for_a_bad_token(backend: Backend) {
    let h = TestHub::spawn(backend).await;
    let env = BridgeEnv::new();
    env.write_config(&h.url, "jc_not_a_real_token", None);
    let out = env.run(&["doctor"]).await;
    assert_eq!(out.code, Some(1), "{}", out.stdout);
    let token_line = out
        .stdout
        .lines()
        .position(|l| l.starts_with("✗ token"))
        .unwrap_or_else(|| panic!("a failed token line: {}", out.stdout));
    let fix = out.stdout.lines().nth(token_line + 1).unwrap();
    assert!(
        fix.contains("fix:") && fix.contains("rotate-token"),
        "{fix}"
    );
    assert!(fix.contains("jc-bridge init"), "{fix}");
    assert!(out.stdout.contains("✓ hub"), "{}", out.stdout);
    assert!(!out.stdout.contains("jc_not_a_real_token"));

    // A project the member is not in, and a hub that is down, are named too.
    let (alice, token) = h.fixture.member("alice").await;
    h.fixture.project("mine", &[&alice]).await;
    h.fixture.project("theirs", &[]).await;
    env.write_config(&h.url, &token, Some("theirs"));
    let out = env.run(&["doctor"]).await;
    assert_eq!(out.code, Some(1));
    assert!(
        out.stdout.contains("✗ project") && out.stdout.contains("add-member theirs alice"),
        "{}",
        out.stdout
    );
    let down = format!("http://{}", crate::harness::free_addr());
    env.write_config(&down, &token, None);
    let out = env.run(&["doctor"]).await;
    assert_eq!(out.code, Some(1));
    assert!(
        out.stdout.contains("✗ hub") && out.stdout.contains("jc-hub serve"),
        "{}",
        out.stdout
    );
}

jc_tests::on_both_backends!(
    doctor_passes_against_a_good_hub,
    doctor_names_the_fix_for_a_bad_token
);
