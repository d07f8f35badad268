#!/usr/bin/env bash
# Runs every test: unit tests, integration tests against a local Cognito emulator and an
# OpenID Connect server standing in for the pool's domain, which the tests start themselves,
# and the sign-in pages in headless Chromium. The store-backed tests run on SQLite, and again
# on Postgres when TEST_DATABASE_URL is set (e.g. postgres://postgres@127.0.0.1:5432/test).
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/emulator-venv.sh
./scripts/browser.sh
# The OpenID Connect server that stands in for the pool's domain (tests/oidc-peer), exactly
# as its lock file pins it.
npm ci --prefix tests/oidc-peer --no-audit --no-fund --silent
# The example single-page app and the client it is built on; tests/api/spa.rs serves the
# build through nginx in both of its deployments.
./examples/spa/build.sh
# Seconds each fuzz target in tests/properties.rs runs, per pass.
export FUZZ_SECONDS="${FUZZ_SECONDS:-5}"

echo "== tests on SQLite"
# Tests marked #[ignore = "needs ..."] use a Postgres server (which some take away and bring
# back) or a real nginx; they run in the Postgres pass below, where both are at hand.
env -u TEST_DATABASE_URL cargo test --locked --workspace

if [ -n "${TEST_DATABASE_URL:-}" ]; then
    echo "== tests on Postgres, and the tests that need Postgres or nginx"
    cargo test --locked --workspace -- --include-ignored

    echo "== the container image, built without a registry and run against the emulator"
    ./scripts/podman.sh
    ./scripts/image-test.sh
fi

echo "== the deployment examples against their schemas"
./scripts/validate-deploy.sh

echo "== contract: the running service against openapi.yaml"
./scripts/contract.sh

echo "== the TypeScript client against the running service"
./clients/typescript/test/run.sh
