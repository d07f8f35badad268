# syntax=docker/dockerfile:1

# Build. Cargo's registry and target directory live in build caches, so dependencies are
# downloaded and compiled once and later builds recompile only this crate.
FROM rust:1-bookworm AS build
WORKDIR /src
COPY . .
RUN --mount=type=cache,target=/usr/local/cargo/registry,sharing=locked \
    --mount=type=cache,target=/usr/local/cargo/git,sharing=locked \
    --mount=type=cache,target=/src/target,sharing=locked \
    cargo build --release --locked --bin cognito-bff \
    && cp target/release/cognito-bff /usr/local/bin/cognito-bff

# Run: the binary, CA certificates for AWS and the JWKS, and nothing else.
FROM debian:bookworm-slim
RUN apt-get update \
    && apt-get install -y --no-install-recommends ca-certificates \
    && rm -rf /var/lib/apt/lists/*
RUN groupadd --gid 10001 cognito-bff \
    && useradd --uid 10001 --gid 10001 --no-create-home --home-dir /data \
       --shell /usr/sbin/nologin cognito-bff \
    && mkdir /data \
    && chown cognito-bff:cognito-bff /data
COPY --from=build /usr/local/bin/cognito-bff /usr/local/bin/cognito-bff
USER 10001:10001
# The default DATABASE_URL, sqlite://cognito-bff.db, creates its file here.
WORKDIR /data
ENV LISTEN_ADDR=0.0.0.0:8080
# Prometheus scrapes /metrics here, inside the cluster network; route only 8080 from the
# load balancer.
ENV METRICS_ADDR=0.0.0.0:9090
EXPOSE 8080 9090
HEALTHCHECK --interval=10s --timeout=5s --start-period=10s --retries=3 \
    CMD ["cognito-bff", "healthcheck"]
ENTRYPOINT ["cognito-bff"]
CMD ["serve"]
