#!/usr/bin/env bash
# Start-up and footprint of the release binary, on loopback only: the time from exec to the
# "listening" log line and to ready (/readyz answering 200: the database open and migrated,
# the JWKS loaded), over RUNS starts each, its resident memory once idle, the time a SIGTERM
# takes to end it, and the binary's size.
#
# The harness (benches/startup.py) reads a monotonic clock just before it spawns the process,
# stamps each line of the process's standard output as it arrives (LOG_FORMAT=json), and polls
# /readyz every millisecond from the spawn on. The JWKS comes from a static file server on
# loopback (Python's http.server) serving the emulator's public keys, so nothing else is
# needed; Cognito itself is not called during start-up. The metrics listener is on (a free
# port), as by default. SHUTDOWN_DRAIN_SECONDS=0, so SIGTERM->exit is the shutdown without a
# drain: closing the listener (with its closing window) and stopping.
#
# Rows:
#   sqlite, new file    a new SQLite file every start: the migrations run each time
#   sqlite, migrated    one SQLite file, migrated by the first (discarded) start
#   postgres, migrated  a database created for the run on PG_URL and dropped after it
#                       (POSTGRES=0 leaves the row out; by default it is there when the
#                       server answers)
# Each row starts DISCARD times first (not counted: page cache, the first migration).
#
# Usage: benches/startup.sh
#   RUNS=10 DISCARD=1   starts counted, and run first without counting, per row
#   PG_URL=postgres://postgres@127.0.0.1:5432   the Postgres server for the postgres row
#   POSTGRES=0|1   leave the postgres row out, or require it
#   SKIP_BUILD=1 KEEP_LOGS=DIR
# A full run takes about a minute and a half after the build: each start sits idle for a
# second before its memory is read, then shuts down.
set -euo pipefail
cd "$(dirname "$0")/.."

RUNS=${RUNS:-10}
DISCARD=${DISCARD:-1}
POSTGRES=${POSTGRES:-auto}
# shellcheck source=benches/common.sh
. benches/common.sh

command -v python3 > /dev/null || die "python3 is not installed"
case "$RUNS$DISCARD" in
    *[!0-9]*) die "RUNS and DISCARD must be whole numbers" ;;
esac
[ "$RUNS" -ge 1 ] || die "RUNS must be at least 1"

bench_build
bench_init startup
bench_describe

# The emulator's public keys, served as a static file.
mkdir -p "$bench_tmp/jwks" "$bench_tmp/db"
"$bench_python" - "$bench_tmp/jwks/jwks.json" << 'PY'
import gzip, os, sys
import moto.cognitoidp
path = os.path.join(os.path.dirname(moto.cognitoidp.__file__), "resources", "jwks-public.json.gz")
with gzip.open(path) as f, open(sys.argv[1], "wb") as out:
    out.write(f.read())
PY
jwks_port=$(free_port)
python3 -m http.server "$jwks_port" --bind 127.0.0.1 --directory "$bench_tmp/jwks" \
    > "$bench_tmp/jwks-server.log" 2>&1 &
bench_track "$!"
bench_wait_status "$!" "http://127.0.0.1:$jwks_port/jwks.json" 200

export COGNITO_USER_POOL_ID=us-east-1_StartupBench COGNITO_CLIENT_ID=startupbench
export COGNITO_ENDPOINT="http://127.0.0.1:$jwks_port"
export COGNITO_JWKS_URL="http://127.0.0.1:$jwks_port/jwks.json"
export COOKIE_SECURE=false SHUTDOWN_DRAIN_SECONDS=0
export AWS_ACCESS_KEY_ID=local AWS_SECRET_ACCESS_KEY=local AWS_EC2_METADATA_DISABLED=true
unset DATABASE_URL SESSION_ENCRYPTION_KEY RUST_LOG

runs="$bench_tmp/runs.jsonl"
: > "$runs"
start_row() {
    local label=$1 url=$2
    log "$label: $DISCARD + $RUNS starts"
    "$bench_python" benches/startup.py run --bin "$bff_bin" --label "$label" \
        --database-url "$url" --runs "$RUNS" --discard "$DISCARD" \
        --log "$bench_tmp/service.log" >> "$runs"
}

start_row "sqlite, new file" "fresh-sqlite:$bench_tmp/db"
start_row "sqlite, migrated" "sqlite://$bench_tmp/db/migrated.db"

server=${PG_URL:-postgres://postgres@127.0.0.1:5432}
if [ "$POSTGRES" = 1 ] || { [ "$POSTGRES" = auto ] && psql "$server/postgres" -qAtc 'SELECT 1' > /dev/null 2>&1; }; then
    bench_pg_create bench_startup
    SESSION_ENCRYPTION_KEY=$(python3 -c 'import base64, os; print(base64.b64encode(os.urandom(32)).decode())') \
        start_row "postgres, migrated" "$bench_pg_url"
fi

echo
echo "Start-up of $bff_bin serve, $RUNS starts per row after $DISCARD discarded: median (min-max)"
echo
"$bench_python" benches/startup.py report "$runs" "$bff_bin"
