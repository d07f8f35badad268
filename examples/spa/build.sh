#!/usr/bin/env bash
# Builds the example app into examples/spa/dist: first the TypeScript client it depends on,
# then the app, each from its lock file.
set -euo pipefail
cd "$(dirname "$0")"
npm ci --prefix ../../clients/typescript --no-audit --no-fund --silent
npm run --prefix ../../clients/typescript --silent build
npm ci --no-audit --no-fund --silent
npm run --silent build
