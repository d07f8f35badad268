# syntax=docker/dockerfile:1

# The base images. A build without a registry passes images of its own, for example Debian
# bookworm made with debootstrap (scripts/image-test.sh does this).
ARG BUILD_IMAGE=rust:1-bookworm
ARG RUNTIME_IMAGE=debian:bookworm-slim

# The runtime's root filesystem, taken from Debian: the shared libraries of libc6 and
# libgcc-s1 (the binary links nothing else), the CA certificates for AWS and the JWKS, the
# service's user, and /data. No shell, no package manager.
FROM ${RUNTIME_IMAGE} AS rootfs
RUN if ! dpkg-query -W -f '${Status}' ca-certificates 2>/dev/null | grep -q ' installed$'; then \
        apt-get update \
        && apt-get install -y --no-install-recommends ca-certificates \
        && rm -rf /var/lib/apt/lists/*; \
    fi
RUN set -eu; \
    mkdir -p /rootfs/etc/ssl/certs /rootfs/usr/local/bin /rootfs/data /rootfs/usr/share/doc; \
    # The merged-/usr links to the libraries, as in Debian: the binary names its dynamic
    # loader by such a path (/lib64/ld-linux-x86-64.so.2).
    for link in lib lib64; do \
        if [ -L "/$link" ]; then cp -a "/$link" /rootfs/; fi; \
    done; \
    # Each library (or its symlink) under its directory's real path. Not glibc's iconv modules.
    dpkg -L libc6 libgcc-s1 | grep -E '\.so(\.[0-9]+)*$' | grep -v '/gconv/' \
    | while read -r file; do \
        dir=$(readlink -f "$(dirname "$file")"); \
        mkdir -p "/rootfs$dir"; \
        cp -a "$dir/$(basename "$file")" "/rootfs$dir/"; \
    done; \
    cp /etc/ssl/certs/ca-certificates.crt /rootfs/etc/ssl/certs/; \
    for package in libc6 libgcc-s1 ca-certificates; do \
        mkdir -p "/rootfs/usr/share/doc/$package"; \
        cp "/usr/share/doc/$package/copyright" "/rootfs/usr/share/doc/$package/"; \
    done; \
    printf 'root:x:0:0:root:/root:/usr/sbin/nologin\ncognito-bff:x:10001:10001::/data:/usr/sbin/nologin\n' \
        > /rootfs/etc/passwd; \
    printf 'root:x:0:\ncognito-bff:x:10001:\n' > /rootfs/etc/group; \
    printf 'passwd: files\ngroup: files\nhosts: files dns\n' > /rootfs/etc/nsswitch.conf; \
    chown 10001:10001 /rootfs/data

# What every variant shares: the root filesystem and how the service runs in it.
FROM scratch AS base
COPY --from=rootfs /rootfs/ /
ENV PATH=/usr/local/bin:/usr/bin
USER 10001:10001
# The default DATABASE_URL, sqlite://cognito-bff.db, creates its file here.
WORKDIR /data
ENV LISTEN_ADDR=0.0.0.0:8080
# Prometheus scrapes /metrics here, inside the cluster network; route only 8080 from the
# load balancer.
ENV METRICS_ADDR=0.0.0.0:9090
# The allocator (mimalloc) commits its arenas as it uses them rather than up front: about
# 22 MiB resident at idle instead of 33 (BENCHMARKS.md, "The session path at the floor").
ENV MIMALLOC_ARENA_EAGER_COMMIT=0
EXPOSE 8080 9090
HEALTHCHECK --interval=10s --timeout=5s --start-period=10s --retries=3 \
    CMD ["cognito-bff", "healthcheck"]
ENTRYPOINT ["cognito-bff"]
CMD ["serve"]

# A release binary built beforehand, from a build context that holds it as `cognito-bff`:
#   docker build --target prebuilt -f Dockerfile DIR
FROM base AS prebuilt
COPY cognito-bff /usr/local/bin/cognito-bff

# Build. Cargo's registry and target directory live in build caches, so dependencies are
# downloaded and compiled once and later builds recompile only this crate.
FROM ${BUILD_IMAGE} AS build
WORKDIR /src
COPY . .
RUN --mount=type=cache,target=/usr/local/cargo/registry,sharing=locked \
    --mount=type=cache,target=/usr/local/cargo/git,sharing=locked \
    --mount=type=cache,target=/src/target,sharing=locked \
    cargo build --release --locked --bin cognito-bff \
    && cp target/release/cognito-bff /usr/local/bin/cognito-bff \
    && strip --strip-all /usr/local/bin/cognito-bff

# docker/compose.yaml's image: the service's, with a POSIX shell for the compose file's
# entrypoint, which reads the ids the bootstrap job wrote.
FROM base AS local
COPY --from=rootfs /usr/bin/dash /usr/bin/sh
COPY --from=build /usr/local/bin/cognito-bff /usr/local/bin/cognito-bff

# The image (the default target): the binary built above.
FROM base AS runtime
COPY --from=build /usr/local/bin/cognito-bff /usr/local/bin/cognito-bff
