# syntax=docker/dockerfile:1
#
# JustClone Hub: `docker build -t jc-hub .` (BuildKit, the default builder since Docker 23).
# docker-compose.yml builds this file; see "Run with Docker" in README.md.
# This repository's CI has no Docker engine: tests/tests/packaging checks this file's structure.

# ---- build: the same release binary `cargo build --release` builds -----------------------
FROM rust:1.95-slim-bookworm AS build
WORKDIR /src
# The whole workspace (less what .dockerignore leaves out): `--locked` needs every member's
# manifest, and jc-hub embeds migrations/ and dashboard/ at compile time.
COPY . .
# The cache mounts keep the crates.io downloads and the target dir between builds, so a
# source change recompiles only the workspace crates. The binary is copied out of the
# target dir in the same step because a cache mount is not part of the image.
RUN --mount=type=cache,target=/usr/local/cargo/registry \
    --mount=type=cache,target=/usr/local/cargo/git \
    --mount=type=cache,target=/src/target \
    cargo build --release --locked -p jc-hub \
    && install -D -m 0755 target/release/jc-hub /out/jc-hub

# ---- runtime: glibc, CA certificates, curl for the healthcheck, the binary ----------------
FROM debian:bookworm-slim AS runtime
# curl is here only for HEALTHCHECK: the image has no other HTTP client and jc-hub has no
# health subcommand. It costs a few MB; a distroless image would need the check elsewhere.
RUN apt-get update \
    && apt-get install -y --no-install-recommends ca-certificates curl \
    && rm -rf /var/lib/apt/lists/* \
    && groupadd --system --gid 10001 jc \
    && useradd --system --uid 10001 --gid 10001 --home-dir /data --no-create-home \
        --shell /usr/sbin/nologin jc \
    && mkdir /data \
    && chown 10001:10001 /data
COPY --from=build /out/jc-hub /usr/local/bin/jc-hub

# Listen on every interface inside the container; the SQLite file (when DATABASE_URL is
# unset) and the admin-token file live in /data, a volume owned by the jc user.
ENV JC_LISTEN=0.0.0.0:8765 \
    JC_DATA_DIR=/data
VOLUME ["/data"]
EXPOSE 8765
USER 10001:10001

# /health answers 200 when the database is reachable and 503 otherwise; -f fails on 503.
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
    CMD ["curl", "-fsS", "-o", "/dev/null", "http://127.0.0.1:8765/health"]

ENTRYPOINT ["jc-hub"]
CMD ["serve"]
