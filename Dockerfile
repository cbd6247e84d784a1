# syntax=docker/dockerfile:1

# ---- build stage ------------------------------------------------------------
FROM rust:1.95-bookworm AS builder
WORKDIR /app

# Compile-time-checked sqlx queries use the committed .sqlx/ metadata;
# no database is reachable during `docker build`.
ENV SQLX_OFFLINE=true

# Build inputs: Cargo.toml/Cargo.lock, build.rs, src/, migrations/
# (embedded by sqlx::migrate!, the seed with the source text), .sqlx/.
COPY . .

# Cache mounts keep the crates.io registry and compiled dependencies between
# builds; the binary is copied out because the target/ mount is not part of
# the image layer.
RUN --mount=type=cache,target=/usr/local/cargo/registry \
    --mount=type=cache,target=/usr/local/cargo/git \
    --mount=type=cache,target=/app/target \
    cargo build --release --locked --bin district-indicators \
    && install -D -m 0755 target/release/district-indicators /out/district-indicators

# ---- runtime stage ----------------------------------------------------------
FROM debian:bookworm-slim AS runtime

RUN apt-get update \
    && apt-get install -y --no-install-recommends ca-certificates \
    && rm -rf /var/lib/apt/lists/* \
    && groupadd --system --gid 10001 app \
    && useradd --system --uid 10001 --gid app --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin app

COPY --from=builder /out/district-indicators /usr/local/bin/district-indicators

USER 10001:10001

# The service reads only the real environment. Inside a container it must
# listen on all interfaces. DATABASE_URL and RUST_LOG are supplied at run time.
ENV HOST=0.0.0.0 \
    PORT=8080

EXPOSE 8080

ENTRYPOINT ["district-indicators"]
CMD ["serve"]
