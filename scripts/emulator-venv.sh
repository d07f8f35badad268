#!/usr/bin/env bash
# Installs the pinned test tools from tests/requirements.txt into .venv: the local Cognito
# emulator (moto server) and the contract tester (schemathesis). Does nothing when .venv
# already holds exactly those pins.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ -x .venv/bin/python ] && cmp -s tests/requirements.txt .venv/.installed-requirements; then
    exit 0
fi
python3 -m venv .venv
.venv/bin/pip install --quiet --disable-pip-version-check -r tests/requirements.txt
cp tests/requirements.txt .venv/.installed-requirements
