#!/usr/bin/env bash
# Installs what the tests of the sign-in pages drive: Debian's headless Chromium, its
# chromedriver, and a Korean font so the Korean pages' screenshots show their text. Does
# nothing when they are there.
set -euo pipefail
missing=()
[ -x /usr/bin/chromium ] || missing+=(chromium)
[ -x /usr/bin/chromedriver ] || missing+=(chromium-driver)
fc-list 2>/dev/null | grep -qi nanum || missing+=(fonts-nanum)
[ ${#missing[@]} -eq 0 ] && exit 0
echo "installing ${missing[*]} for the browser tests"
as_root=()
[ "$(id -u)" -eq 0 ] || as_root=(sudo)
"${as_root[@]}" apt-get update -qq
"${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
