#!/usr/bin/env bash
# Waits until the service at BASE answers /readyz with 200 (the JWKS loads in the background),
# polling 100 times 0.1 s apart. Fails, with the service's log, if process PID exits first or
# it is not ready by then.
# Usage: scripts/wait-ready.sh BASE PID LOG
set -euo pipefail
base=$1 pid=$2 log=$3
cd "$(dirname "$0")/.."
for _ in $(seq 1 100); do
    if .venv/bin/python - "$base/readyz" <<'PY' 2>/dev/null; then exit 0; fi
import sys, urllib.request
sys.exit(0 if urllib.request.urlopen(sys.argv[1], timeout=1).status == 200 else 1)
PY
    kill -0 "$pid" 2>/dev/null || { echo "the service exited before it was ready"; cat "$log"; exit 1; }
    sleep 0.1
done
echo "the service was not ready after polling $base/readyz for 10 s"
cat "$log"
exit 1
