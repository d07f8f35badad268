#!/usr/bin/env bash
# Browser sessions under load, side by side in one run, on loopback only:
#
#   verify-bearer   GET /verify with a bearer access token (the gateway path for apps)
#   verify-session  GET /verify with the session cookie (the gateway path for browsers)
#   api-session     GET /api/up/ with the session cookie: the token handler, forwarding to
#                   examples/bare_ceiling with the session's access token attached
#   upstream        GET on examples/bare_ceiling directly: what /api/up/ costs on top
#
# One cognito-bff (release build, SQLite) and one bare_ceiling serve every round; the rounds
# alternate the four workloads ROUNDS times, and the summary gives each one's median and its
# range over the rounds. Then SESSIONS synthetic sessions (rows shaped like a real one) are
# added to the store, to show what a live session costs on disk and in the process.
#
# Usage: benches/sessions.sh
#   DURATION=6 THREADS=2 CONNECTIONS=32 ROUNDS=3 SESSIONS=100000 SKIP_BUILD=1
set -euo pipefail
cd "$(dirname "$0")/.."

DURATION=${DURATION:-6}
THREADS=${THREADS:-2}
CONNECTIONS=${CONNECTIONS:-32}
ROUNDS=${ROUNDS:-3}
SESSIONS=${SESSIONS:-100000}
# shellcheck source=benches/common.sh
. benches/common.sh

for tool in wrk curl python3; do
    command -v "$tool" > /dev/null || die "$tool is not installed (wrk: apt-get install -y wrk)"
done
case "$DURATION$THREADS$CONNECTIONS$ROUNDS$SESSIONS" in
    *[!0-9]*) die "DURATION, THREADS, CONNECTIONS, ROUNDS and SESSIONS must be whole numbers" ;;
esac

tmp=$(mktemp -d -t cognito-bff-sessions.XXXXXX)
pids=()
cleanup() {
    local status=$? pid
    trap - EXIT INT TERM
    for pid in "${pids[@]}"; do
        kill "$pid" 2> /dev/null || true
        wait "$pid" 2> /dev/null || true
    done
    rm -rf "$tmp"
    exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# Waits up to 30 s for the URL to answer 200.
wait_ok() {
    local url=$1 i
    for i in $(seq 1 150); do
        [ "$(curl -s -o /dev/null -w '%{http_code}' --max-time 1 "$url" || true)" = 200 ] && return 0
        sleep 0.2
    done
    die "$url did not answer 200 within 30 s"
}

if [ -z "${SKIP_BUILD:-}" ]; then
    log "cargo build --release --bin cognito-bff --example bare_ceiling"
    cargo build --release --locked --bin cognito-bff --example bare_ceiling
fi
[ -x "$bff_bin" ] && [ -x "$ceiling_bin" ] || die "release binaries missing; run without SKIP_BUILD"
./scripts/emulator-venv.sh
log "cognito-bff $(git rev-parse --short HEAD 2> /dev/null || echo '(no git)'); $(nproc) cores"

coproc MOTO { exec .venv/bin/python scripts/moto_server.py 0; }
# shellcheck disable=SC2153 # set by coproc
pids+=("$MOTO_PID")
read -r -t 60 moto_port <&"${MOTO[0]}" || die "the emulator did not start"
endpoint="http://127.0.0.1:${moto_port}"
eval "$(.venv/bin/python scripts/bootstrap_local.py "$endpoint" "$admin_user" "$admin_password")"

ceiling_port=$(free_port)
"$ceiling_bin" "127.0.0.1:$ceiling_port" > "$tmp/ceiling.log" 2>&1 &
pids+=("$!")
upstream="http://127.0.0.1:$ceiling_port"
wait_ok "$upstream/"

port=$(free_port)
bff="http://127.0.0.1:$port"
env COGNITO_ENDPOINT="$endpoint" COOKIE_SECURE=false LISTEN_ADDR="127.0.0.1:$port" \
    METRICS_ADDR= LOG_FORMAT=json RUST_LOG=warn DATABASE_URL="sqlite://$tmp/bff.db" \
    API_UPSTREAMS="up=$upstream" TRUSTED_PROXIES=127.0.0.1/32 VERIFY_SESSION_GATEWAYS=127.0.0.1/32 \
    AWS_ACCESS_KEY_ID=local AWS_SECRET_ACCESS_KEY=local AWS_EC2_METADATA_DISABLED=true \
    "$bff_bin" serve > "$tmp/bff.log" 2>&1 &
bff_pid=$!
pids+=("$bff_pid")
wait_ok "$bff/readyz"

login='{"username":"'"$admin_user"'","password":"'"$admin_password"'"}'
token=$(curl -fsS "$bff/login" -H 'content-type: application/json' -d "$login" |
    python3 -c 'import json, sys; print(json.load(sys.stdin)["tokens"]["access_token"])')
curl -fsS -o /dev/null -c "$tmp/jar" "$bff/login" -H 'content-type: application/json' \
    -H 'sec-fetch-site: same-origin' -H "origin: $bff" -d "$login"
session=$(awk '$6 == "cognito-bff-session" { print $7 }' "$tmp/jar")
[ -n "$token" ] && [ -n "$session" ] || die "no token or no session from POST /login"
cookie="Cookie: cognito-bff-session=$session"
[ "$(curl -s -o /dev/null -w '%{http_code}' -H "$cookie" "$bff/verify")" = 200 ] ||
    die "/verify refuses the session"
answer=$(curl -s -w ' %{http_code}' -H "$cookie" "$bff/api/up/")
[ "${answer##* }" = 200 ] || die "/api/up/ refuses the session: $answer"

# One wrk run; appends "name rps p99_ms server_us_per_request" to results.
results="$tmp/results"
printf 'row\trps\tp99\tcpu\n' > "$results"
run() {
    local name=$1 url=$2 header=$3 pid=$4 before after out="$tmp/$1.wrk"
    before=$(cpu_ticks "$pid")
    wrk -t"$THREADS" -c"$CONNECTIONS" -d"${DURATION}s" --latency -H "$header" "$url" > "$out"
    after=$(cpu_ticks "$pid")
    if grep -q 'Non-2xx\|Socket errors' "$out"; then
        cat "$out" >&2
        die "$name: errors or non-2xx answers"
    fi
    awk -v name="$name" -v a="$before" -v b="$after" -v hz="$hz" '
        /^Requests\/sec:/ { rps = $2 }
        $1 == "99%" { v = $2; n = v + 0; if (v ~ /us$/) n /= 1000; else if (v ~ /ms$/) n = n; else if (v ~ /s$/) n *= 1000; p99 = n }
        END { printf "%s\t%.0f\t%.3f\t%.1f\n", name, rps, p99, (b - a) / hz / (rps * '"$DURATION"') * 1e6 }
    ' "$out" >> "$results"
}

ceiling_pid=${pids[1]}
for round in $(seq 1 "$ROUNDS"); do
    log "round $round of $ROUNDS"
    run verify-bearer "$bff/verify" "Authorization: Bearer $token" "$bff_pid"
    run verify-session "$bff/verify" "$cookie" "$bff_pid"
    run api-session "$bff/api/up/" "$cookie" "$bff_pid"
    run upstream "$upstream/" "X-Nothing: 1" "$ceiling_pid"
done

echo
echo "wrk -t$THREADS -c$CONNECTIONS -d${DURATION}s, loopback, wrk sharing the $(nproc) cores; $ROUNDS alternating rounds: median (min-max)"
echo
rounds_table "$results" rps:.0f:req/s "p99:.2f:p99 ms" "cpu:.1f:server CPU us/req"
python3 - "$results" << 'PY'
import csv, statistics, sys
rows = {}
for run in csv.DictReader(open(sys.argv[1]), delimiter="\t"):
    rows.setdefault(run["row"], []).append(float(run["rps"]))
med = {n: statistics.median(r) for n, r in rows.items()}
rounds = list(zip(rows["verify-bearer"], rows["verify-session"]))
print()
print(f"verify-session / verify-bearer throughput: {med['verify-session'] / med['verify-bearer']:.2f}"
      f" (per round: {', '.join(f'{s / b:.2f}' for b, s in rounds)})")
print(f"api-session / upstream throughput:         {med['api-session'] / med['upstream']:.2f}")
PY

# --- What a live session costs ------------------------------------------------------------------
log "adding $SESSIONS sessions shaped like the real one"
rss_before=$(rss_kib "$bff_pid" VmRSS)
size_before=$(stat -c %s "$tmp/bff.db")
.venv/bin/python - "$tmp/bff.db" "$SESSIONS" << 'PY'
import os, secrets, sqlite3, sys, time
db = sqlite3.connect(sys.argv[1], timeout=30)
real = db.execute("SELECT * FROM browser_sessions LIMIT 1").fetchone()
columns = [d[0] for d in db.execute("SELECT * FROM browser_sessions LIMIT 1").description]
row = dict(zip(columns, real))
now = int(time.time() * 1000)
def fake(i):
    r = dict(row)
    r["id_hash"] = secrets.token_hex(32)
    r["public_id"] = secrets.token_urlsafe(16)
    r["sub"] = f"bench-{i}"
    # The same length as the real sealed tokens, so the row is as large.
    r["tokens"] = "v1." + secrets.token_urlsafe(len(row["tokens"]))[: len(row["tokens"]) - 3]
    r["last_seen_at"] = now
    return tuple(r[c] for c in columns)
marks = ",".join("?" * len(columns))
with db:
    db.executemany(f"INSERT INTO browser_sessions VALUES ({marks})", (fake(i) for i in range(int(sys.argv[2]))))
db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
print(len(row["tokens"]), file=open(sys.argv[1] + ".tokens", "w"))
PY
# The service reads them as any request would: a session lookup per request, for a while.
wrk -t"$THREADS" -c"$CONNECTIONS" -d3s -H "$cookie" "$bff/verify" > /dev/null
rss_after=$(rss_kib "$bff_pid" VmRSS)
size_after=$(stat -c %s "$tmp/bff.db")
echo
echo "$SESSIONS live sessions (sealed tokens $(cat "$tmp/bff.db.tokens") bytes each, as the emulator's):"
echo "  on disk (SQLite, indexes included): $(((size_after - size_before) / SESSIONS)) bytes per session"
echo "  process RSS: $((rss_before / 1024)) MiB before, $((rss_after / 1024)) MiB after ($(((rss_after - rss_before) * 1024 / SESSIONS)) bytes per session)"
