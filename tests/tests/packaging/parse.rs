//! Readers for the packaging files: the repository root, the compose file (YAML), the
//! Dockerfile (stages and instructions), `.dockerignore` patterns and the Cargo manifests.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use yaml_rust2::{Yaml, YamlLoader};

/// The workspace root (the parent of the `jc-tests` crate).
pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("tests/ has a parent")
        .to_path_buf()
}

pub fn read(rel: &str) -> String {
    let path = root().join(rel);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("read {}: {e}", path.display()))
}

pub fn toml_file(rel: &str) -> toml::Table {
    read(rel)
        .parse::<toml::Table>()
        .unwrap_or_else(|e| panic!("parse {rel}: {e}"))
}

// ---- Cargo -------------------------------------------------------------------------------

/// `hub/Cargo.toml`'s package name and the name of its one binary.
pub fn hub_package_and_bin() -> (String, String) {
    let manifest = toml_file("hub/Cargo.toml");
    let package = manifest["package"]["name"]
        .as_str()
        .expect("hub/Cargo.toml: package.name")
        .to_string();
    let bins = manifest
        .get("bin")
        .and_then(|b| b.as_array())
        .expect("hub/Cargo.toml declares [[bin]]");
    assert_eq!(bins.len(), 1, "hub/Cargo.toml: exactly one [[bin]]");
    let bin = bins[0]["name"]
        .as_str()
        .expect("hub/Cargo.toml: bin.name")
        .to_string();
    (package, bin)
}

/// The workspace members' folders, from the root `Cargo.toml`.
pub fn workspace_members() -> Vec<String> {
    let manifest = toml_file("Cargo.toml");
    manifest["workspace"]["members"]
        .as_array()
        .expect("workspace.members")
        .iter()
        .map(|m| m.as_str().expect("member is a string").to_string())
        .collect()
}

/// `workspace.package.rust-version` as (major, minor).
pub fn workspace_rust_version() -> (u32, u32) {
    let manifest = toml_file("Cargo.toml");
    let v = manifest["workspace"]["package"]["rust-version"]
        .as_str()
        .expect("workspace.package.rust-version");
    major_minor(v).unwrap_or_else(|| panic!("rust-version {v:?} is not MAJOR.MINOR"))
}

pub fn major_minor(v: &str) -> Option<(u32, u32)> {
    let mut parts = v.split('.');
    let major = parts.next()?.parse().ok()?;
    let minor = parts.next()?.parse().ok()?;
    Some((major, minor))
}

// ---- compose (YAML) ----------------------------------------------------------------------

pub fn compose() -> Yaml {
    let mut docs = YamlLoader::load_from_str(&read("docker-compose.yml"))
        .unwrap_or_else(|e| panic!("docker-compose.yml is not valid YAML: {e}"));
    assert_eq!(docs.len(), 1, "docker-compose.yml holds one YAML document");
    docs.remove(0)
}

/// A scalar as compose reads it (numbers and booleans as their text).
pub fn scalar(y: &Yaml) -> Option<String> {
    match y {
        Yaml::String(s) | Yaml::Real(s) => Some(s.clone()),
        Yaml::Integer(i) => Some(i.to_string()),
        Yaml::Boolean(b) => Some(b.to_string()),
        _ => None,
    }
}

/// A service's `environment`, in either compose form (mapping or `KEY=VALUE` list).
pub fn environment(service: &Yaml) -> BTreeMap<String, String> {
    let env = &service["environment"];
    let mut out = BTreeMap::new();
    if let Some(map) = env.as_hash() {
        for (k, v) in map {
            let k = scalar(k).expect("environment key is a scalar");
            out.insert(k, scalar(v).unwrap_or_default());
        }
    } else if let Some(list) = env.as_vec() {
        for item in list {
            let item = scalar(item).expect("environment entry is a scalar");
            let (k, v) = item.split_once('=').unwrap_or((&item, ""));
            out.insert(k.to_string(), v.to_string());
        }
    }
    out
}

/// A list of strings, or one string (compose accepts both for `test`, `command`, …).
pub fn strings(y: &Yaml) -> Vec<String> {
    match y.as_vec() {
        Some(list) => list.iter().filter_map(scalar).collect(),
        None => scalar(y).into_iter().collect(),
    }
}

/// Names of the variables a compose value interpolates (`${NAME}`, `${NAME:-x}`, `$NAME`).
pub fn interpolated(value: &str) -> Vec<String> {
    let mut names = Vec::new();
    let bytes = value.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'$' {
            if bytes.get(i + 1) == Some(&b'$') {
                i += 2; // `$$` is a literal dollar
                continue;
            }
            let start = if bytes.get(i + 1) == Some(&b'{') {
                i + 2
            } else {
                i + 1
            };
            let end = bytes[start..]
                .iter()
                .position(|b| !(b.is_ascii_alphanumeric() || *b == b'_'))
                .map_or(bytes.len(), |p| start + p);
            if end > start {
                names.push(value[start..end].to_string());
            }
            i = end;
        } else {
            i += 1;
        }
    }
    names
}

// ---- Dockerfile --------------------------------------------------------------------------

#[derive(Debug, Clone)]
pub struct Instruction {
    /// Upper-cased keyword: `FROM`, `RUN`, `COPY`, …
    pub keyword: String,
    /// Everything after the keyword, continuation lines joined with spaces.
    pub args: String,
}

#[derive(Debug, Clone)]
pub struct Stage {
    /// The image after `FROM` (flags dropped).
    pub image: String,
    /// The name after `AS`, if any.
    pub name: Option<String>,
    pub instructions: Vec<Instruction>,
}

impl Stage {
    pub fn all<'a>(&'a self, keyword: &'a str) -> impl Iterator<Item = &'a Instruction> + 'a {
        self.instructions
            .iter()
            .filter(move |i| i.keyword == keyword)
    }

    pub fn last<'a>(&'a self, keyword: &'a str) -> Option<&'a Instruction> {
        self.all(keyword).last()
    }
}

/// Splits a Dockerfile into instructions: comment lines (and parser directives) skipped,
/// lines ending in `\` joined to the next.
pub fn instructions(text: &str) -> Vec<Instruction> {
    let mut out = Vec::new();
    let mut current = String::new();
    for line in text.lines() {
        let trimmed = line.trim();
        // Docker skips comment and empty lines, also inside a continued instruction.
        if trimmed.starts_with('#') || trimmed.is_empty() {
            continue;
        }
        let (body, continues) = match trimmed.strip_suffix('\\') {
            Some(body) => (body.trim_end(), true),
            None => (trimmed, false),
        };
        if !current.is_empty() && !body.is_empty() {
            current.push(' ');
        }
        current.push_str(body);
        if !continues {
            let (keyword, args) = current
                .split_once(char::is_whitespace)
                .unwrap_or((&current, ""));
            out.push(Instruction {
                keyword: keyword.to_ascii_uppercase(),
                args: args.trim().to_string(),
            });
            current.clear();
        }
    }
    assert!(
        current.is_empty(),
        "Dockerfile ends inside a continued line"
    );
    out
}

pub fn stages(text: &str) -> Vec<Stage> {
    let mut stages: Vec<Stage> = Vec::new();
    for ins in instructions(text) {
        if ins.keyword == "FROM" {
            let words: Vec<&str> = ins
                .args
                .split_whitespace()
                .filter(|w| !w.starts_with("--"))
                .collect();
            let image = words.first().expect("FROM names an image").to_string();
            let name = match words.as_slice() {
                [_, kw, name] if kw.eq_ignore_ascii_case("as") => Some(name.to_string()),
                [_] => None,
                other => panic!("unexpected FROM {other:?}"),
            };
            stages.push(Stage {
                image,
                name,
                instructions: Vec::new(),
            });
        } else if let Some(stage) = stages.last_mut() {
            stage.instructions.push(ins);
        } else {
            assert_eq!(
                ins.keyword, "ARG",
                "only ARG may come before the first FROM"
            );
        }
    }
    stages
}

/// An exec-form array (`["a", "b"]`), parsed as JSON as Docker does.
pub fn exec_form(args: &str) -> Option<Vec<String>> {
    serde_json::from_str(args.trim()).ok()
}

/// A `COPY`/`ADD`'s flags (`--from=build` → `from` → `build`) and its sources and destination.
pub fn copy_parts(args: &str) -> (BTreeMap<String, String>, Vec<String>, String) {
    let mut flags = BTreeMap::new();
    let mut words = Vec::new();
    for word in args.split_whitespace() {
        match word.strip_prefix("--") {
            Some(flag) if words.is_empty() => {
                let (k, v) = flag.split_once('=').unwrap_or((flag, ""));
                flags.insert(k.to_string(), v.to_string());
            }
            _ => words.push(word.to_string()),
        }
    }
    let dest = words.pop().expect("COPY has a destination");
    assert!(!words.is_empty(), "COPY {args} has no source");
    (flags, words, dest)
}

// ---- .dockerignore -----------------------------------------------------------------------

/// `.dockerignore` patterns: (pattern, negated), in file order.
pub fn dockerignore() -> Vec<(String, bool)> {
    read(".dockerignore")
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(|l| match l.strip_prefix('!') {
            Some(p) => (clean(p), true),
            None => (clean(l), false),
        })
        .collect()
}

fn clean(pattern: &str) -> String {
    pattern
        .trim()
        .trim_start_matches("./")
        .trim_start_matches('/')
        .trim_end_matches('/')
        .to_string()
}

/// Whether the build context leaves `path` (relative, `/`-separated) out: the last pattern
/// matching the path or one of its parent folders decides, as Docker does.
pub fn ignored(patterns: &[(String, bool)], path: &str) -> bool {
    let segments: Vec<&str> = path.split('/').collect();
    let mut excluded = false;
    for (pattern, negated) in patterns {
        let pat: Vec<&str> = pattern.split('/').collect();
        let hit = (1..=segments.len()).any(|n| glob(&pat, &segments[..n]));
        if hit {
            excluded = !negated;
        }
    }
    excluded
}

fn glob(pat: &[&str], path: &[&str]) -> bool {
    match (pat.first(), path.first()) {
        (None, None) => true,
        (Some(&"**"), _) => glob(&pat[1..], path) || (!path.is_empty() && glob(pat, &path[1..])),
        (Some(p), Some(s)) => segment(p.as_bytes(), s.as_bytes()) && glob(&pat[1..], &path[1..]),
        _ => false,
    }
}

/// `*` and `?` within one path segment.
fn segment(p: &[u8], s: &[u8]) -> bool {
    match (p.first(), s.first()) {
        (None, None) => true,
        (Some(b'*'), _) => segment(&p[1..], s) || (!s.is_empty() && segment(p, &s[1..])),
        (Some(b'?'), Some(_)) => segment(&p[1..], &s[1..]),
        (Some(a), Some(b)) if a == b => segment(&p[1..], &s[1..]),
        _ => false,
    }
}

#[test]
fn dockerignore_matcher_follows_docker_rules() {
    let pats = vec![
        ("**/target".to_string(), false),
        (".git".to_string(), false),
        ("docs/*.md".to_string(), false),
        ("docs/keep.md".to_string(), true),
    ];
    assert!(ignored(&pats, "target"));
    assert!(ignored(&pats, "target/release/jc-hub"));
    assert!(ignored(&pats, "hub/target/x"));
    assert!(ignored(&pats, ".git/HEAD"));
    assert!(ignored(&pats, "docs/a.md"));
    assert!(!ignored(&pats, "docs/keep.md"));
    assert!(!ignored(&pats, "hub/Cargo.toml"));
    assert!(!ignored(&pats, "targets"));
}

#[test]
fn dockerfile_reader_joins_continuations_and_splits_stages() {
    let text = "# syntax=docker/dockerfile:1\nFROM a:1 AS build\nRUN x \\\n    # note\n    && y\n\nFROM b\nUSER 1\n";
    let stages = stages(text);
    assert_eq!(stages.len(), 2);
    assert_eq!(stages[0].name.as_deref(), Some("build"));
    assert_eq!(stages[0].instructions[0].args, "x && y");
    assert_eq!(stages[1].image, "b");
    assert_eq!(stages[1].last("USER").unwrap().args, "1");
}

#[test]
fn interpolation_names_are_found() {
    assert_eq!(
        interpolated("postgres://jc:${PW:-x}@h/$DB and $$LITERAL"),
        vec!["PW", "DB"]
    );
}
