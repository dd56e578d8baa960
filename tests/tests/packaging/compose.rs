//! `docker-compose.yml`, `.env.example` and the README's "Run with Docker" section.

use std::collections::BTreeSet;

use yaml_rust2::Yaml;

use crate::parse::{self, compose, environment, scalar, strings};

const HUB: &str = "hub";
const POSTGRES: &str = "postgres";
const PORT: &str = "8765";

fn service<'a>(doc: &'a Yaml, name: &str) -> &'a Yaml {
    let s = &doc["services"][name];
    assert!(
        s.as_hash().is_some(),
        "docker-compose.yml: service `{name}` is missing"
    );
    s
}

/// (published, target) for each entry of `ports`, short or long syntax.
fn ports(service: &Yaml) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for p in service["ports"].as_vec().into_iter().flatten() {
        if p.as_hash().is_some() {
            out.push((
                scalar(&p["published"]).unwrap_or_default(),
                scalar(&p["target"]).unwrap_or_default(),
            ));
        } else {
            let s = scalar(p).expect("port entry is a scalar");
            let s = s.split('/').next().unwrap_or_default();
            let parts: Vec<&str> = s.rsplitn(3, ':').collect();
            match parts.as_slice() {
                [target, published, ..] => out.push((published.to_string(), target.to_string())),
                [target] => out.push((String::new(), target.to_string())),
                [] => {}
            }
        }
    }
    out
}

/// (source, target) for each entry of a service's `volumes`, short or long syntax.
fn mounts(service: &Yaml) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for v in service["volumes"].as_vec().into_iter().flatten() {
        if v.as_hash().is_some() {
            out.push((
                scalar(&v["source"]).unwrap_or_default(),
                scalar(&v["target"]).unwrap_or_default(),
            ));
        } else {
            let s = scalar(v).expect("volume entry is a scalar");
            let mut parts = s.split(':');
            let source = parts.next().unwrap_or_default().to_string();
            let target = parts.next().unwrap_or_default().to_string();
            out.push((source, target));
        }
    }
    out
}

fn declared_volumes(doc: &Yaml) -> BTreeSet<String> {
    doc["volumes"]
        .as_hash()
        .map(|h| h.keys().filter_map(scalar).collect())
        .unwrap_or_default()
}

/// Host, port, user, password and database of a `postgres://user:pw@host:port/db` URL.
struct PgUrl {
    user: String,
    password: String,
    host: String,
    port: String,
    database: String,
}

fn pg_url(url: &str) -> PgUrl {
    let rest = url
        .strip_prefix("postgres://")
        .or_else(|| url.strip_prefix("postgresql://"))
        .unwrap_or_else(|| panic!("DATABASE_URL {url:?} is not a postgres:// URL"));
    let (userinfo, hostpart) = rest
        .rsplit_once('@')
        .unwrap_or_else(|| panic!("DATABASE_URL {url:?} names no user"));
    let (user, password) = userinfo.split_once(':').unwrap_or((userinfo, ""));
    let (authority, path) = hostpart.split_once('/').unwrap_or((hostpart, ""));
    let (host, port) = authority.split_once(':').unwrap_or((authority, "5432"));
    let database = path.split('?').next().unwrap_or_default();
    PgUrl {
        user: user.to_string(),
        password: password.to_string(),
        host: host.to_string(),
        port: port.to_string(),
        database: database.to_string(),
    }
}

#[test]
fn both_services_exist() {
    let doc = compose();
    service(&doc, POSTGRES);
    service(&doc, HUB);
    assert!(
        doc["version"].is_badvalue(),
        "the top-level `version` key is obsolete in the Compose Specification"
    );
}

#[test]
fn postgres_is_16_with_a_volume_and_pg_isready_healthcheck() {
    let doc = compose();
    let pg = service(&doc, POSTGRES);
    let image = scalar(&pg["image"]).expect("postgres: image");
    let (name, tag) = image.split_once(':').expect("postgres image has a tag");
    assert_eq!(name, "postgres", "postgres: the official image");
    let major = tag.split(['.', '-']).next().unwrap_or_default();
    assert_eq!(major, "16", "postgres: major version 16, got {image}");

    let env = environment(pg);
    for key in ["POSTGRES_USER", "POSTGRES_PASSWORD", "POSTGRES_DB"] {
        assert!(env.contains_key(key), "postgres: environment sets {key}");
    }

    let mounts = mounts(pg);
    let data = mounts
        .iter()
        .find(|(_, target)| target == "/var/lib/postgresql/data")
        .expect("postgres: a volume on /var/lib/postgresql/data (PGDATA of postgres:16)");
    assert!(
        declared_volumes(&doc).contains(&data.0),
        "postgres: its data volume `{}` is a named volume declared under top-level `volumes`",
        data.0
    );

    let test = strings(&pg["healthcheck"]["test"]);
    assert!(
        test.iter().any(|t| t.contains("pg_isready")),
        "postgres: healthcheck runs pg_isready, got {test:?}"
    );
}

#[test]
fn hub_builds_from_the_dockerfile() {
    let doc = compose();
    let hub = service(&doc, HUB);
    let build = &hub["build"];
    let (context, dockerfile) = if build.as_hash().is_some() {
        (
            scalar(&build["context"]).unwrap_or_else(|| ".".into()),
            scalar(&build["dockerfile"]).unwrap_or_else(|| "Dockerfile".into()),
        )
    } else {
        (
            scalar(build).expect("hub: `build`"),
            "Dockerfile".to_string(),
        )
    };
    assert_eq!(
        context.trim_end_matches('/'),
        ".",
        "hub: builds from the repository root"
    );
    assert_eq!(dockerfile, "Dockerfile", "hub: builds ./Dockerfile");
    assert!(parse::root().join(&dockerfile).is_file());
}

#[test]
fn hub_waits_for_a_healthy_postgres_and_connects_to_it() {
    let doc = compose();
    let hub = service(&doc, HUB);
    let pg = service(&doc, POSTGRES);
    assert_eq!(
        scalar(&hub["depends_on"][POSTGRES]["condition"]).as_deref(),
        Some("service_healthy"),
        "hub: depends_on postgres with condition service_healthy"
    );

    let env = environment(hub);
    let pg_env = environment(pg);
    let url = pg_url(env.get("DATABASE_URL").expect("hub: DATABASE_URL"));
    assert_eq!(
        url.host, POSTGRES,
        "DATABASE_URL points at the postgres service"
    );
    assert_eq!(url.port, "5432");
    assert_eq!(url.user, pg_env["POSTGRES_USER"], "DATABASE_URL's user");
    assert_eq!(
        url.password, pg_env["POSTGRES_PASSWORD"],
        "DATABASE_URL's password is postgres' POSTGRES_PASSWORD"
    );
    let db = pg_env
        .get("POSTGRES_DB")
        .unwrap_or(&pg_env["POSTGRES_USER"]);
    assert_eq!(&url.database, db, "DATABASE_URL's database");
}

#[test]
fn admin_token_comes_from_the_environment_and_is_required() {
    let doc = compose();
    let env = environment(service(&doc, HUB));
    let token = env.get("JC_ADMIN_TOKEN").expect("hub: JC_ADMIN_TOKEN");
    assert_eq!(
        parse::interpolated(token),
        vec!["JC_ADMIN_TOKEN"],
        "JC_ADMIN_TOKEN is interpolated from the environment, never a literal: {token:?}"
    );
    assert!(
        token.starts_with("${JC_ADMIN_TOKEN:?") && token.ends_with('}'),
        "JC_ADMIN_TOKEN uses ${{JC_ADMIN_TOKEN:?message}} so compose refuses to start without it"
    );
}

#[test]
fn hub_service_name_is_an_allowed_host() {
    let doc = compose();
    let env = environment(service(&doc, HUB));
    let hosts: Vec<&str> = env
        .get("JC_ALLOWED_HOSTS")
        .expect("hub: JC_ALLOWED_HOSTS")
        .split(',')
        .map(str::trim)
        .collect();
    assert!(
        hosts.contains(&HUB),
        "JC_ALLOWED_HOSTS includes the service name `{HUB}` so other containers reach /mcp: {hosts:?}"
    );
    let public = env.get("JC_PUBLIC_URL").expect("hub: JC_PUBLIC_URL");
    assert!(
        public.ends_with(&format!(":{PORT}")),
        "JC_PUBLIC_URL uses the published port: {public}"
    );
    if let Some(listen) = env.get("JC_LISTEN") {
        assert_eq!(listen, &format!("0.0.0.0:{PORT}"), "hub: JC_LISTEN");
    }
}

#[test]
fn hub_is_published_on_8765_with_a_data_volume_and_restarts() {
    let doc = compose();
    let hub = service(&doc, HUB);
    assert!(
        ports(hub)
            .iter()
            .any(|(published, target)| published == PORT && target == PORT),
        "hub: publishes {PORT}:{PORT}, got {:?}",
        ports(hub)
    );
    let mounts = mounts(hub);
    let data = mounts
        .iter()
        .find(|(_, target)| target == "/data")
        .expect("hub: a volume on /data (JC_DATA_DIR)");
    assert!(
        declared_volumes(&doc).contains(&data.0),
        "hub: its /data volume `{}` is declared under top-level `volumes`",
        data.0
    );
    if let Some(dir) = environment(hub).get("JC_DATA_DIR") {
        assert_eq!(dir, "/data");
    }
    assert_eq!(
        scalar(&hub["restart"]).as_deref(),
        Some("unless-stopped"),
        "hub: restart unless-stopped"
    );
}

#[test]
fn every_named_volume_used_is_declared() {
    let doc = compose();
    let declared = declared_volumes(&doc);
    assert!(!declared.is_empty(), "top-level `volumes` declared");
    for name in [HUB, POSTGRES] {
        for (source, _) in mounts(service(&doc, name)) {
            let named = !source.is_empty()
                && !source.starts_with('.')
                && !source.starts_with('/')
                && !source.starts_with('~');
            if named {
                assert!(
                    declared.contains(&source),
                    "{name}: volume `{source}` is declared"
                );
            }
        }
    }
}

#[test]
fn hub_healthcheck_hits_health_with_a_tool_the_image_has() {
    let doc = compose();
    let test = strings(&service(&doc, HUB)["healthcheck"]["test"]);
    assert!(!test.is_empty(), "hub: a healthcheck");
    let joined = test.join(" ");
    assert!(
        joined.contains(&format!(":{PORT}/health")),
        "hub: healthcheck requests /health on {PORT}: {joined}"
    );
    let tool = match test[0].as_str() {
        "CMD" => test[1].clone(),
        "CMD-SHELL" => test[1].split_whitespace().next().unwrap_or_default().into(),
        other => other.split_whitespace().next().unwrap_or_default().into(),
    };
    assert!(
        crate::dockerfile::runtime_has_tool(&tool),
        "hub: healthcheck tool `{tool}` is installed in the runtime image"
    );
}

#[test]
fn env_example_names_every_variable_the_compose_file_reads() {
    let compose_text = parse::read("docker-compose.yml");
    let example = parse::read(".env.example");
    let keys: BTreeSet<String> = example
        .lines()
        .map(str::trim)
        .filter(|l| !l.starts_with('#'))
        .filter_map(|l| l.split_once('=').map(|(k, _)| k.trim().to_string()))
        .collect();
    for line in compose_text.lines() {
        let code = line.split(" #").next().unwrap_or_default();
        if code.trim_start().starts_with('#') {
            continue;
        }
        for name in parse::interpolated(code) {
            assert!(
                keys.contains(&name),
                ".env.example lists `{name}`, which docker-compose.yml reads"
            );
        }
    }
    assert!(
        example.lines().any(|l| l.trim() == "JC_ADMIN_TOKEN="),
        ".env.example leaves JC_ADMIN_TOKEN empty for the operator to fill"
    );
    assert!(
        example.contains("openssl rand -hex 32") && example.contains("jc_"),
        ".env.example says how to generate a token (jc_ + openssl rand -hex 32)"
    );
    assert!(
        parse::ignored(&parse::dockerignore(), ".env"),
        ".dockerignore keeps .env (the admin token) out of the build context"
    );
}

#[test]
fn readme_explains_running_with_docker() {
    let readme = parse::read("README.md");
    let start = readme
        .find("## Run with Docker")
        .expect("README: a \"Run with Docker\" section");
    let section = &readme[start..];
    let section = &section[..section[3..].find("\n## ").map_or(section.len(), |i| i + 3)];
    for needle in [
        "cp .env.example .env",
        "docker compose up -d --build",
        "http://localhost:8765",
        "docker compose exec hub jc-hub members add",
    ] {
        assert!(
            section.contains(needle),
            "README's Docker section shows `{needle}`"
        );
    }
}
