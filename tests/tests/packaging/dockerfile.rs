//! `Dockerfile` and `.dockerignore`: a multi-stage build of the release `jc-hub` binary from
//! a build context that holds every file that build reads, into a small non-root image.

use std::collections::BTreeMap;
use std::path::{Component, Path, PathBuf};

use crate::parse::{self, Stage};

const PORT: &str = "8765";
const DEBIAN_RELEASES: [&str; 4] = ["bullseye", "bookworm", "trixie", "forky"];

fn stages() -> Vec<Stage> {
    parse::stages(&parse::read("Dockerfile"))
}

/// The stage that runs `cargo build`.
fn builder(stages: &[Stage]) -> &Stage {
    let found: Vec<&Stage> = stages
        .iter()
        .filter(|s| s.all("RUN").any(|r| r.args.contains("cargo build")))
        .collect();
    assert_eq!(found.len(), 1, "exactly one stage runs `cargo build`");
    found[0]
}

fn runtime(stages: &[Stage]) -> &Stage {
    stages.last().expect("Dockerfile has a FROM")
}

/// A RUN's shell command, without its leading `--mount=…`/`--network=…` flags.
fn shell(args: &str) -> String {
    args.split_whitespace()
        .skip_while(|w| w.starts_with("--"))
        .collect::<Vec<_>>()
        .join(" ")
}

/// The `--mount=type=cache,target=…` targets of a RUN.
fn cache_targets(args: &str) -> Vec<String> {
    args.split_whitespace()
        .take_while(|w| w.starts_with("--"))
        .filter_map(|w| w.strip_prefix("--mount="))
        .filter(|m| m.split(',').any(|kv| kv == "type=cache"))
        .filter_map(|m| {
            m.split(',')
                .find_map(|kv| kv.strip_prefix("target=").map(str::to_string))
        })
        .collect()
}

/// `ENV` settings of a stage (`ENV K=V K2=V2` and the legacy `ENV K V`).
fn env(stage: &Stage) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    for ins in stage.all("ENV") {
        if ins.args.contains('=') {
            for word in ins.args.split_whitespace() {
                if let Some((k, v)) = word.split_once('=') {
                    out.insert(k.to_string(), v.trim_matches('"').to_string());
                }
            }
        } else if let Some((k, v)) = ins.args.split_once(char::is_whitespace) {
            out.insert(k.to_string(), v.trim().to_string());
        }
    }
    out
}

fn debian_release(image: &str) -> Option<&'static str> {
    DEBIAN_RELEASES.into_iter().find(|r| image.contains(r))
}

/// Whether the runtime image has `tool`: the hub binary itself, or a package the runtime
/// stage installs with apt-get.
pub fn runtime_has_tool(tool: &str) -> bool {
    let stages = stages();
    let (_, bin) = parse::hub_package_and_bin();
    if tool == bin || tool == format!("/usr/local/bin/{bin}") {
        return true;
    }
    let name = tool.rsplit('/').next().unwrap_or(tool);
    runtime(&stages).all("RUN").any(|r| {
        r.args
            .split("&&")
            .filter(|cmd| cmd.contains("apt-get install") || cmd.contains("apk add"))
            .any(|cmd| cmd.split_whitespace().any(|w| w == name))
    })
}

fn normalize(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in path.components() {
        match c {
            Component::ParentDir => {
                out.pop();
            }
            Component::CurDir => {}
            other => out.push(other),
        }
    }
    out
}

/// The first string literal after each occurrence of `marker` in `text`.
fn literals_after<'a>(text: &'a str, marker: &str) -> Vec<&'a str> {
    text.match_indices(marker)
        .filter_map(|(i, _)| {
            let rest = &text[i + marker.len()..];
            let start = rest.find('"')? + 1;
            let len = rest[start..].find('"')?;
            Some(&rest[start..start + len])
        })
        .collect()
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("read hub/src") {
        let path = entry.expect("dir entry").path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// Files and folders outside `hub/` that compiling jc-hub reads: `sqlx::migrate!` and
/// rust-embed folders (relative to the crate) and `include_str!`/`include_bytes!` (relative
/// to the source file), as paths relative to the repository root.
fn hub_compile_time_inputs() -> Vec<String> {
    let root = parse::root();
    let crate_dir = root.join("hub");
    let mut files = Vec::new();
    rust_files(&crate_dir.join("src"), &mut files);
    let mut inputs = Vec::new();
    for file in files {
        let text = std::fs::read_to_string(&file).expect("read source");
        let mut found: Vec<PathBuf> = Vec::new();
        for marker in ["migrate!(", "#[folder"] {
            found.extend(
                literals_after(&text, marker)
                    .iter()
                    .map(|p| crate_dir.join(p)),
            );
        }
        for marker in ["include_str!(", "include_bytes!("] {
            let dir = file.parent().expect("file has a folder");
            found.extend(literals_after(&text, marker).iter().map(|p| dir.join(p)));
        }
        for path in found {
            let path = normalize(&path);
            let rel = path
                .strip_prefix(&root)
                .unwrap_or_else(|_| panic!("{} is outside the repository", path.display()));
            inputs.push(rel.to_string_lossy().replace('\\', "/"));
        }
    }
    inputs.sort();
    inputs.dedup();
    inputs
}

#[test]
fn multi_stage_rust_builder_and_small_runtime_on_the_same_debian() {
    let stages = stages();
    assert!(stages.len() >= 2, "Dockerfile is multi-stage");
    let build = builder(&stages);
    let run = runtime(&stages);
    assert!(
        !std::ptr::eq(build, run),
        "the runtime stage is not the build stage"
    );

    let (name, tag) = build
        .image
        .split_once(':')
        .expect("builder image has a tag");
    assert_eq!(name, "rust", "builder: the official Rust image");
    let version = parse::major_minor(tag.split('-').next().unwrap_or_default())
        .unwrap_or_else(|| panic!("builder: pin a Rust version (rust:X.Y-…), got {tag}"));
    let wanted = parse::workspace_rust_version();
    assert!(
        version >= wanted,
        "builder: Rust {version:?} is at least the workspace rust-version {wanted:?}"
    );

    assert!(
        run.image.starts_with("debian:") && run.image.contains("slim")
            || run.image.starts_with("gcr.io/distroless/cc"),
        "runtime: debian slim or distroless cc, got {}",
        run.image
    );
    // The binary links glibc dynamically: build and run on the same Debian release.
    let built_on = debian_release(&build.image).expect("builder names its Debian release");
    let runs_on = debian_release(&run.image).unwrap_or_else(|| {
        assert!(
            run.image.contains("debian12"),
            "runtime names its Debian release"
        );
        "bookworm"
    });
    assert_eq!(
        built_on, runs_on,
        "builder and runtime on the same Debian release"
    );
}

#[test]
fn builds_the_release_binary_of_hub_cargo_toml() {
    let (package, bin) = parse::hub_package_and_bin();
    let stages = stages();
    let build = builder(&stages);
    let run_ins = build
        .all("RUN")
        .find(|r| r.args.contains("cargo build"))
        .expect("cargo build");
    let command = shell(&run_ins.args);
    let cargo: Vec<&str> = command
        .split("&&")
        .map(str::trim)
        .filter(|c| c.starts_with("cargo build"))
        .collect();
    assert_eq!(
        cargo,
        vec![format!("cargo build --release --locked -p {package}")],
        "builder: the release build of hub/Cargo.toml's package, as `cargo build --release` builds it"
    );
    for ins in build.all("ENV").chain(build.all("ARG")) {
        for var in ["RUSTFLAGS", "CARGO_PROFILE_", "CARGO_BUILD_"] {
            assert!(
                !ins.args.contains(var),
                "builder: {var} would make the binary differ from `cargo build --release`"
            );
        }
    }

    // The binary leaves the builder: out of the cached target dir in the same RUN, or by a
    // COPY --from of target/release/<bin>.
    let release = format!("target/release/{bin}");
    let target_cached = cache_targets(&run_ins.args)
        .iter()
        .any(|t| t.trim_end_matches('/').ends_with("/target") || t == "target");
    if target_cached {
        assert!(
            command.contains(&release),
            "builder: the target dir is a cache mount, so the RUN copies {release} out of it"
        );
    }
    let stages_by_name: Vec<String> = stages
        .iter()
        .enumerate()
        .map(|(i, s)| s.name.clone().unwrap_or_else(|| i.to_string()))
        .collect();
    let build_name =
        stages_by_name[stages.iter().position(|s| std::ptr::eq(s, build)).unwrap()].clone();
    let run = runtime(&stages);
    let copied: Vec<(Vec<String>, String)> = run
        .all("COPY")
        .map(|c| parse::copy_parts(&c.args))
        .filter(|(flags, _, _)| flags.get("from") == Some(&build_name))
        .map(|(_, sources, dest)| (sources, dest))
        .collect();
    assert_eq!(
        copied.len(),
        1,
        "runtime: one COPY --from={build_name} (only the binary)"
    );
    let (sources, dest) = &copied[0];
    assert_eq!(sources.len(), 1, "runtime: copies only the binary");
    assert!(
        sources[0].ends_with(&format!("/{bin}")) || sources[0] == bin,
        "runtime: copies the `{bin}` binary, got {}",
        sources[0]
    );
    if !target_cached {
        assert!(sources[0].ends_with(&release));
    }
    assert_eq!(
        dest,
        &format!("/usr/local/bin/{bin}"),
        "runtime: the binary on PATH (so `docker compose exec hub {bin} …` works)"
    );

    assert_eq!(
        parse::exec_form(&run.last("ENTRYPOINT").expect("ENTRYPOINT").args),
        Some(vec![bin.clone()]),
        "ENTRYPOINT [\"{bin}\"]"
    );
    assert_eq!(
        parse::exec_form(&run.last("CMD").expect("CMD").args),
        Some(vec!["serve".to_string()]),
        "CMD [\"serve\"]"
    );
}

#[test]
fn runtime_runs_as_a_fixed_non_root_user_owning_data() {
    let stages = stages();
    let run = runtime(&stages);
    let user = run.last("USER").expect("runtime: USER").args.clone();
    let uid = user.split(':').next().unwrap_or_default();
    assert!(
        !matches!(uid, "root" | "0" | ""),
        "runtime: USER is not root, got {user:?}"
    );
    let uid: u32 = uid
        .parse()
        .unwrap_or_else(|_| panic!("runtime: USER is a fixed numeric UID, got {user:?}"));
    assert!(uid >= 1000, "runtime: UID {uid} is outside system ranges");
    let runs: Vec<String> = run.all("RUN").map(|r| r.args.clone()).collect();
    let all = runs.join(" ");
    if !run.image.contains("distroless") {
        assert!(
            all.contains(&format!("--uid {uid}")) || all.contains(&format!("-u {uid}")),
            "runtime: creates the user with UID {uid}"
        );
    }
    let data_dir = env(run).get("JC_DATA_DIR").cloned().expect("JC_DATA_DIR");
    assert_eq!(data_dir, "/data");
    assert!(
        all.contains(&format!("chown {uid}")) && all.contains(&data_dir)
            || run.image.contains("distroless"),
        "runtime: {data_dir} is owned by UID {uid}"
    );
    let volumes: Vec<String> = run
        .all("VOLUME")
        .flat_map(|v| {
            parse::exec_form(&v.args)
                .unwrap_or_else(|| v.args.split_whitespace().map(String::from).collect())
        })
        .collect();
    assert!(
        volumes.contains(&data_dir),
        "runtime: VOLUME {data_dir}, got {volumes:?}"
    );
}

#[test]
fn runtime_listens_on_8765_on_every_interface_with_a_healthcheck() {
    let stages = stages();
    let run = runtime(&stages);
    let env = env(run);
    assert_eq!(
        env.get("JC_LISTEN").map(String::as_str),
        Some("0.0.0.0:8765"),
        "runtime: JC_LISTEN=0.0.0.0:{PORT} (the default 127.0.0.1 is unreachable from outside)"
    );
    let exposed: Vec<String> = run
        .all("EXPOSE")
        .flat_map(|e| {
            e.args
                .split_whitespace()
                .map(String::from)
                .collect::<Vec<_>>()
        })
        .collect();
    assert!(
        exposed.iter().any(|p| p.split('/').next() == Some(PORT)),
        "runtime: EXPOSE {PORT}"
    );

    // A HEALTHCHECK in the image, or (checked in compose.rs) in the compose file.
    let compose_has_one =
        !parse::strings(&parse::compose()["services"]["hub"]["healthcheck"]["test"]).is_empty();
    match run.last("HEALTHCHECK") {
        Some(h) => {
            let cmd = h
                .args
                .split_once("CMD ")
                .map(|(_, c)| c)
                .expect("HEALTHCHECK … CMD […]");
            let argv =
                parse::exec_form(cmd).expect("HEALTHCHECK CMD in exec form (no shell needed)");
            assert!(
                runtime_has_tool(&argv[0]),
                "HEALTHCHECK's `{}` is installed in the runtime image",
                argv[0]
            );
            assert!(
                argv.iter().any(|a| a.contains(&format!(":{PORT}/health"))),
                "HEALTHCHECK requests /health on {PORT}: {argv:?}"
            );
        }
        None => assert!(
            compose_has_one,
            "a HEALTHCHECK in the Dockerfile or the compose file"
        ),
    }
}

#[test]
fn build_context_holds_every_file_the_build_reads() {
    let root = parse::root();
    let patterns = parse::dockerignore();
    let stages = stages();
    let build = builder(&stages);
    let workdir = build
        .last("WORKDIR")
        .map(|w| w.args.trim_end_matches('/').to_string())
        .unwrap_or_default();

    for (pattern, negated) in [("target", false), (".git", false)] {
        assert!(
            parse::ignored(&patterns, pattern) != negated,
            ".dockerignore leaves out {pattern}/"
        );
    }

    // Every COPY from the build context names something that exists and is not ignored.
    let mut copied: Vec<(String, String)> = Vec::new();
    for stage in &stages {
        for ins in stage.all("COPY").chain(stage.all("ADD")) {
            let (flags, sources, dest) = parse::copy_parts(&ins.args);
            if flags.contains_key("from") {
                continue;
            }
            for source in sources {
                let source = source
                    .trim_start_matches("./")
                    .trim_end_matches('/')
                    .to_string();
                let source = if source.is_empty() {
                    ".".to_string()
                } else {
                    source
                };
                assert!(
                    root.join(&source).exists(),
                    "COPY {source}: no such path in the repository"
                );
                if source != "." {
                    assert!(
                        !parse::ignored(&patterns, &source),
                        "COPY {source}: .dockerignore leaves it out"
                    );
                }
                if std::ptr::eq(stage, build) {
                    copied.push((source, dest.trim_end_matches('/').to_string()));
                }
            }
        }
    }

    // What `cargo build --locked -p jc-hub` reads: the workspace manifest and lock file,
    // every member's manifest and targets, and jc-hub's compile-time inputs.
    let mut needed = vec!["Cargo.toml".to_string(), "Cargo.lock".to_string()];
    for member in parse::workspace_members() {
        assert!(
            !member.contains('*'),
            "workspace member globs are not supported by this check: {member}"
        );
        needed.push(format!("{member}/Cargo.toml"));
        needed.push(format!("{member}/src"));
    }
    let inputs = hub_compile_time_inputs();
    for expected in ["migrations/sqlite", "migrations/postgres", "dashboard"] {
        assert!(
            inputs.iter().any(|i| i == expected),
            "found jc-hub's compile-time input {expected} (got {inputs:?})"
        );
    }
    needed.extend(inputs);

    for path in needed {
        assert!(root.join(&path).exists(), "{path} exists");
        assert!(
            !parse::ignored(&patterns, &path),
            ".dockerignore leaves out {path}, which the build reads"
        );
        let covered = copied.iter().any(|(source, dest)| {
            let layout_kept = if source == "." {
                dest == "." || dest.is_empty() || *dest == workdir
            } else {
                *dest == *source || *dest == format!("{workdir}/{source}")
            };
            layout_kept
                && (source == "." || path == *source || path.starts_with(&format!("{source}/")))
        });
        assert!(covered, "builder: COPY brings {path} into the workspace");
    }
}
