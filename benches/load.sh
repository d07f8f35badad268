#!/usr/bin/env bash
# Load test of token verification over HTTP, side by side in one run, on loopback only.
#
# Servers:
#   ceiling      examples/bare_ceiling: same axum/tokio, answers 200 without checking anything
#   bff-cache    cognito-bff GET /verify, verified-token cache on (the default, 10000)
#   bff-nocache  the same with TOKEN_CACHE_CAPACITY=0: an RSA check on every request
#   bff-quiet    cache on and RUST_LOG=warn (not in the default rows: /verify writes no
#                per-request log line, so it only shows noise)
#   node         benches/node/server.js: aws-jwt-verify, node:cluster with one worker per core
#
# Workloads:
#   one    every request carries the same access token (the HTTP floor: after the first
#          request every one is a cache hit)
#   many   TOKENS distinct users' tokens, sent round-robin (benches/tokens.lua); after the
#          warm-up every one is in the cache when it comes round again
#   fresh  as `many`, but every FRESH_EVERY-th request carries a valid token no request carried
#          before, which pays the whole check with the RSA signature
#
# The tokens: a real access token from the local Cognito emulator (moto server) through
# cognito-bff's POST /login for `one`; for the others, tokens shaped like it, one per user,
# signed with the emulator's key (benches/mint_tokens.py), which the pool's JWKS verifies.
# Every server gets the same wrk settings and the same tokens.
#
# ROUNDS rounds alternate the rows (workload/server pairs); each run is a fresh server
# process, a warm-up (the `many` tokens, or the one token), then the measured run. The summary
# gives each row's median and its range (min-max) over the rounds, and the targets' ratios
# from the medians with their range over the rounds' own ratios. Peak RSS is the kernel's
# VmHWM after the run (for Node, the primary plus its workers, summed).
#
# wrk runs on the same cores as the server it measures, so every figure is for the pair:
# what the server gets is what wrk leaves it. The CPU columns show the split, in % of one
# core (200% is the whole machine); "other" is whatever else ran meanwhile, which should be
# near 0 for the figures to count.
#
# How long: each run takes about WARMUP + DURATION + 4 seconds, plus the wait for an idle
# machine. The defaults (10 rows, 3 rounds, 10-second runs) take about 10 minutes after the
# release build, of which up to a minute mints the tokens. A quick check that the script
# works: DURATION=1 WARMUP=1 ROUNDS=1 TOKENS=1000 SKIP_BUILD=1 benches/load.sh (about a minute).
#
# Usage: benches/load.sh
#   DURATION=10 WARMUP=3 THREADS=2 CONNECTIONS=64   wrk settings (seconds, counts)
#   ROUNDS=3       rounds over the rows
#   ROWS="one/ceiling one/bff-cache ..."   the workload/server pairs, in the order run
#   TOKENS=10000   distinct users' tokens in `many` and `fresh`
#   FRESH_EVERY=10 in `fresh`, one request in this many carries a token never sent before
#   FRESH_TOKENS=N never-sent tokens minted for `fresh` (default: enough for 150000 requests
#                  a second; a run of cognito-bff or Node that runs out is flagged, the
#                  ceiling checks no token and may)
#   ATTEMPTS=3     times a run is repeated while other processes skew it
#   SKIP_BUILD=1   use the release binaries as they are instead of running cargo build first
#   BFF_ENV="VAR=value ..."   extra environment for every cognito-bff run (e.g. MALLOC_ARENA_MAX=2)
#   METRICS_SCRAPE=N   fetch cognito-bff's /metrics every N seconds during its runs, as a
#                  Prometheus would (by default nothing scrapes it)
#   KEEP_LOGS=DIR  copy the servers' logs, wrk outputs and results there before cleaning up
set -euo pipefail
cd "$(dirname "$0")/.."

DURATION=${DURATION:-10}
WARMUP=${WARMUP:-3}
THREADS=${THREADS:-2}
CONNECTIONS=${CONNECTIONS:-64}
ATTEMPTS=${ATTEMPTS:-3}
ROUNDS=${ROUNDS:-3}
TOKENS=${TOKENS:-10000}
FRESH_EVERY=${FRESH_EVERY:-10}
FRESH_TOKENS=${FRESH_TOKENS:-$((DURATION * 150000 / FRESH_EVERY))}
ROWS=${ROWS:-one/ceiling one/bff-cache one/bff-nocache one/node many/ceiling many/bff-cache many/node fresh/ceiling fresh/bff-cache fresh/node}
# shellcheck source=benches/common.sh
. benches/common.sh

for tool in wrk node npm curl python3; do
    command -v "$tool" > /dev/null || die "$tool is not installed (wrk: apt-get install -y wrk)"
done
case "$DURATION$WARMUP$THREADS$CONNECTIONS$ATTEMPTS$ROUNDS$TOKENS$FRESH_EVERY$FRESH_TOKENS${METRICS_SCRAPE:-}" in
    *[!0-9]*) die "DURATION, WARMUP, THREADS, CONNECTIONS, ATTEMPTS, ROUNDS, TOKENS, FRESH_EVERY, FRESH_TOKENS and METRICS_SCRAPE must be whole numbers" ;;
esac
for n in "${METRICS_SCRAPE:-1}" "$ATTEMPTS" "$ROUNDS" "$TOKENS" "$FRESH_EVERY" "$FRESH_TOKENS" "$DURATION" "$THREADS"; do
    [ "$n" -ge 1 ] || die "METRICS_SCRAPE, ATTEMPTS, ROUNDS, TOKENS, FRESH_EVERY, FRESH_TOKENS, DURATION and THREADS must be at least 1"
done
for row in $ROWS; do
    case "$row" in
        one/* | many/* | fresh/*) ;;
        *) die "unknown workload in row $row (one, many, fresh)" ;;
    esac
    case "${row#*/}" in
        ceiling | bff-cache | bff-nocache | bff-quiet | node) ;;
        *) die "unknown server in row $row (ceiling, bff-cache, bff-nocache, bff-quiet, node)" ;;
    esac
done
read -r -a bff_env <<< "${BFF_ENV:-}"

tmp=$(mktemp -d -t cognito-bff-load.XXXXXX)
pids=()
moto_pid=

cleanup() {
    local status=$?
    trap - EXIT INT TERM
    for pid in "${pids[@]}"; do
        stop_pid "$pid"
    done
    if [ -n "$moto_pid" ]; then
        stop_pid "$moto_pid"
    fi
    if [ -n "${KEEP_LOGS:-}" ]; then
        if mkdir -p "$KEEP_LOGS"; then
            cp "$tmp"/*.log "$tmp"/*.wrk "$tmp"/results.tsv "$KEEP_LOGS"/ 2> /dev/null || true
        fi
    fi
    rm -rf "$tmp"
    exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# Waits up to 30 s for `curl` on the URL to answer the expected status; fails if the process
# died or never answered.
wait_for() {
    local pid=$1 url=$2 expected=$3 i code
    for i in $(seq 1 150); do
        kill -0 "$pid" 2> /dev/null || die "the server for $url exited; see its log"
        code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 1 -H "authorization: Bearer ${token:-none}" "$url" || true)
        [ "$code" = "$expected" ] && return 0
        sleep 0.2
    done
    die "$url did not answer $expected within 30 s (last: $code)"
}

results="$tmp/results.tsv"
printf 'round\trow\trps\tp50\tp99\tus_per_req\tpeak_mib\tidle_mib\tserver_cpu\twrk_cpu\tother_cpu\tfresh_pct\n' > "$results"

# Warms up, then measures one server; writes its line of results to $tmp/row and its "other
# CPU" to $last_other.
measure() {
    local round=$1 workload=$2 name=$3 pid=$4 url=$5 out before after busy_before busy_after
    local idle_rss wrk_cpu server_cpu rps p50 p99 non2xx errors rss total fresh_sent fresh_pct
    local -a warm run
    out="$tmp/$round-$workload-$name.wrk"
    # The load: the one token in a header, or the token files through benches/tokens.lua.
    # The warm-up of `fresh` leaves the never-sent tokens out.
    if [ "$workload" = one ]; then
        warm=(-H "Authorization: Bearer $token" "$url")
        run=("${warm[@]}")
    else
        warm=(-s benches/tokens.lua "$url" -- "$tmp/tokens.txt" - "$FRESH_EVERY" "$THREADS")
        run=("${warm[@]}")
        [ "$workload" != fresh ] || run[5]="$tmp/fresh.txt"
    fi
    idle_rss=$(rss_kib "$pid" VmRSS)
    wait_quiet
    log "round $round: $workload/$name: warm-up ${WARMUP}s"
    timeout $((WARMUP + 30)) wrk -t"$THREADS" -c"$CONNECTIONS" -d"${WARMUP}s" "${warm[@]}" > /dev/null
    log "round $round: $workload/$name: wrk -t$THREADS -c$CONNECTIONS -d${DURATION}s --latency"
    before=$(cpu_ticks "$pid")
    busy_before=$(machine_busy_ticks)
    TIMEFORMAT='%U %S'
    { time timeout $((DURATION + 30)) wrk -t"$THREADS" -c"$CONNECTIONS" -d"${DURATION}s" \
        --latency "${run[@]}" > "$out"; } 2> "$out.time"
    busy_after=$(machine_busy_ticks)
    after=$(cpu_ticks "$pid")
    kill -0 "$pid" 2> /dev/null || die "$name exited during the run"
    rss=$(rss_kib "$pid" VmHWM)
    wrk_cpu=$(awk -v d="$DURATION" '{ printf "%.0f", ($1 + $2) / d * 100 }' "$out.time")
    server_cpu=$(awk -v a="$before" -v b="$after" -v hz="$hz" -v d="$DURATION" \
        'BEGIN { printf "%.0f", (b - a) / hz / d * 100 }')
    last_other=$(awk -v a="$busy_before" -v b="$busy_after" -v hz="$hz" -v d="$DURATION" \
        -v s="$server_cpu" -v w="$wrk_cpu" 'BEGIN { o = (b - a) / hz / d * 100 - s - w; printf "%.0f", o < 0 ? 0 : o }')
    rps=$(awk '/^Requests\/sec:/ { print $2 }' "$out")
    total=$(awk '/ requests in / { print $1 }' "$out")
    p50=$(to_ms "$(awk '$1 == "50%" { print $2 }' "$out")")
    p99=$(to_ms "$(awk '$1 == "99%" { print $2 }' "$out")")
    non2xx=$(awk '/Non-2xx or 3xx responses:/ { print $NF }' "$out")
    errors=$(awk '/Socket errors:/ { sub(/.*Socket errors: /, ""); print }' "$out")
    fresh_sent=$(awk '/^fresh tokens sent:/ { print $NF }' "$out")
    [ -n "$rps" ] && [ -n "$total" ] || die "$name: no Requests/sec in wrk's output: $(cat "$out")"
    if [ -n "$non2xx" ] || [ -n "$errors" ]; then
        echo "warning: $workload/$name: non-2xx responses: ${non2xx:-0}; socket errors: ${errors:-none}" >&2
        invalid=1
    fi
    if [ "$name" != ceiling ] && grep -q '^fresh tokens ran out' "$out"; then
        echo "warning: $workload/$name: the never-sent tokens ran out (raise FRESH_TOKENS)" >&2
        invalid=1
    fi
    fresh_pct=$(awk -v f="${fresh_sent:-0}" -v t="$total" 'BEGIN { printf "%.1f", (t > 0 ? f / t * 100 : 0) }')
    printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$round" "$workload/$name" "$rps" \
        "$p50" "$p99" \
        "$(awk -v c="$server_cpu" -v r="$rps" 'BEGIN { printf "%.1f", c / 100 / r * 1e6 }')" \
        "$(awk -v k="$rss" 'BEGIN { printf "%.1f", k / 1024 }')" \
        "$(awk -v k="$idle_rss" 'BEGIN { printf "%.1f", k / 1024 }')" \
        "$server_cpu" "$wrk_cpu" "$last_other" "$fresh_pct" > "$tmp/row"
}

# Starts cognito-bff with extra settings and waits until its JWKS is loaded.
start_bff() {
    local name=$1 port
    shift
    port=$(free_port)
    metrics_url="http://127.0.0.1:$(free_port)"
    env COGNITO_ENDPOINT="$endpoint" COGNITO_USER_POOL_ID="$pool_id" \
        COGNITO_CLIENT_ID="$client_id" COGNITO_CLIENT_SECRET="$client_secret" \
        COOKIE_SECURE=false LISTEN_ADDR="127.0.0.1:$port" LOG_FORMAT=json \
        METRICS_ADDR="${metrics_url#http://}" \
        DATABASE_URL="sqlite://$tmp/$name.db" \
        AWS_ACCESS_KEY_ID=local AWS_SECRET_ACCESS_KEY=local AWS_EC2_METADATA_DISABLED=true \
        "${bff_env[@]}" "$@" "$bff_bin" serve > "$tmp/$name.log" 2>&1 &
    srv_pid=$!
    pids+=("$srv_pid")
    srv_url="http://127.0.0.1:$port"
    wait_for "$srv_pid" "$srv_url/readyz" 200
}

# Starts one server on a free port: sets srv_pid, srv_url.
start_server() {
    local server=$1 log_name=$2 port i
    scraper=
    case "$server" in
        ceiling)
            port=$(free_port)
            "$ceiling_bin" "127.0.0.1:$port" > "$tmp/$log_name.log" 2>&1 &
            srv_pid=$!
            pids+=("$srv_pid")
            srv_url="http://127.0.0.1:$port"
            ;;
        bff-*)
            case "$server" in
                bff-cache) start_bff "$log_name" ;;
                bff-nocache) start_bff "$log_name" TOKEN_CACHE_CAPACITY=0 ;;
                bff-quiet) start_bff "$log_name" RUST_LOG=warn ;;
            esac
            if [ -n "${METRICS_SCRAPE:-}" ]; then
                # Bounded: long enough for a wait for idleness, the warm-up and the run.
                for i in $(seq 1 $(((WARMUP + DURATION + 330) / METRICS_SCRAPE + 1))); do
                    curl -s -o /dev/null --max-time 2 "$metrics_url/metrics" || true
                    sleep "$METRICS_SCRAPE"
                done &
                scraper=$!
                pids+=("$scraper")
            fi
            ;;
        node)
            port=$(free_port)
            env USER_POOL_ID="$pool_id" CLIENT_ID="$client_id" JWKS_FILE="$tmp/jwks.json" \
                PORT="$port" WORKERS="$(nproc)" node benches/node/server.js > "$tmp/$log_name.log" 2>&1 &
            srv_pid=$!
            pids+=("$srv_pid")
            srv_url="http://127.0.0.1:$port"
            ;;
    esac
    # Every server must accept the token before it is measured.
    wait_for "$srv_pid" "$srv_url/verify" 200
}

# One run of a row: a fresh server, measured; again (up to ATTEMPTS times) while other
# processes used the CPU during the run, so that a busy moment elsewhere doesn't count.
run_row() {
    local round=$1 row=$2 workload=${2%%/*} server=${2#*/} attempt
    for attempt in $(seq 1 "$ATTEMPTS"); do
        start_server "$server" "$round-$workload-$server"
        measure "$round" "$workload" "$server" "$srv_pid" "$srv_url/verify"
        [ -z "$scraper" ] || stop_pid "$scraper"
        stop_pid "$srv_pid"
        [ "$last_other" -gt 10 ] || break
        echo "warning: $row: other processes used ${last_other}% CPU during the run (attempt $attempt of $ATTEMPTS)" >&2
    done
    [ "$last_other" -le 10 ] || skewed=1
    cat "$tmp/row" >> "$results"
}

# --- Build and install what is missing -------------------------------------------------------
if [ -z "${SKIP_BUILD:-}" ]; then
    log "cargo build --release --bin cognito-bff --example bare_ceiling"
    cargo build --release --locked --bin cognito-bff --example bare_ceiling
fi
if [ ! -x "$bff_bin" ] || [ ! -x "$ceiling_bin" ]; then
    die "release binaries missing; run without SKIP_BUILD"
fi
if [ ! -d benches/node/node_modules/aws-jwt-verify ]; then
    log "npm ci in benches/node"
    (cd benches/node && npm ci --no-audit --no-fund --silent)
fi
./scripts/emulator-venv.sh

log "cognito-bff $(git rev-parse --short HEAD 2> /dev/null || echo '(no git)')$(git diff --quiet HEAD -- src crates Cargo.toml Cargo.lock 2> /dev/null || echo ' with uncommitted changes in src, crates or Cargo')"
log "machine: $(nproc) cores, $(free -m | awk '/^Mem:/ { print $2 }') MiB; load average: $(cut -d' ' -f1-3 /proc/loadavg)"

# --- The emulator, a pool with an admin user, and the tokens ----------------------------------
coproc MOTO { exec .venv/bin/python scripts/moto_server.py 0; }
# shellcheck disable=SC2153 # set by coproc
moto_pid=$MOTO_PID
read -r -t 60 moto_port <&"${MOTO[0]}" || die "the emulator did not start"
endpoint="http://127.0.0.1:${moto_port}"
eval "$(.venv/bin/python scripts/bootstrap_local.py "$endpoint" "$admin_user" "$admin_password")"
pool_id=$COGNITO_USER_POOL_ID
client_id=$COGNITO_CLIENT_ID
client_secret=$COGNITO_CLIENT_SECRET
unset COGNITO_USER_POOL_ID COGNITO_CLIENT_ID COGNITO_CLIENT_SECRET
curl -fsS --max-time 10 "$endpoint/$pool_id/.well-known/jwks.json" > "$tmp/jwks.json"

start_bff login
token=$(curl -fsS --max-time 30 "$srv_url/login" -H 'content-type: application/json' \
    -d "{\"username\":\"$admin_user\",\"password\":\"$admin_password\"}" |
    python3 -c 'import json, sys; print(json.load(sys.stdin)["tokens"]["access_token"])')
[ -n "$token" ] || die "no access token from POST /login"
log "access token: ${#token} bytes, from POST /login"
echo "$token" > "$tmp/sample.txt"
case " $ROWS" in
    *" many/"* | *" fresh/"*)
        log "minting $TOKENS users' tokens"
        .venv/bin/python benches/mint_tokens.py "$tmp/sample.txt" "$TOKENS" "$tmp/tokens.txt" user
        ;;
esac
case " $ROWS" in
    *" fresh/"*)
        log "minting $FRESH_TOKENS never-sent tokens"
        .venv/bin/python benches/mint_tokens.py "$tmp/sample.txt" "$FRESH_TOKENS" "$tmp/fresh.txt" new
        ;;
esac
# The minted tokens must pass as the real one does (this process is stopped before the runs).
for file in tokens fresh; do
    if [ -s "$tmp/$file.txt" ]; then
        minted=$(head -n 1 "$tmp/$file.txt")
        code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 5 -H "authorization: Bearer $minted" "$srv_url/verify")
        [ "$code" = 200 ] || die "/verify answers $code to a minted token"
        log "minted tokens: ${#minted} bytes"
    fi
done
stop_pid "$srv_pid"

# --- The runs: every row once per round, one server at a time ---------------------------------
invalid=
skewed=
for round in $(seq 1 "$ROUNDS"); do
    for row in $ROWS; do
        run_row "$round" "$row"
    done
done

# --- Summary -----------------------------------------------------------------------------------
echo
echo "wrk -t$THREADS -c$CONNECTIONS -d${DURATION}s --latency, loopback, wrk sharing the $(nproc) cores${BFF_ENV:+; cognito-bff with $BFF_ENV}${METRICS_SCRAPE:+; /metrics scraped every ${METRICS_SCRAPE}s}"
echo "one: a single token; many: $TOKENS users' tokens round-robin; fresh: the same, and 1 request in $FRESH_EVERY with a token never sent before"
echo "$ROUNDS alternating rounds: median (min-max); CPU in % of one core"
echo
rounds_table "$results" rps:.0f:req/s "p50:.2f:p50 ms" "p99:.2f:p99 ms" \
    "us_per_req:.1f:server us/req" "peak_mib:.1f:peak RSS MiB" "idle_mib:.1f:idle RSS MiB" \
    "server_cpu:.0f:server CPU" "wrk_cpu:.0f:wrk CPU" "other_cpu:.0f:other CPU"
echo
python3 - "$results" << 'PY'
import csv, statistics, sys
runs = {}
for run in csv.DictReader(open(sys.argv[1]), delimiter="\t"):
    runs.setdefault(run["row"], {})[run["round"]] = run

def ratio(a, b, column, target=""):
    """a/b for one column: the ratio of the medians, and the range of the rounds' ratios."""
    if a not in runs or b not in runs:
        return
    med = lambda row: statistics.median(float(r[column]) for r in runs[row].values())
    per_round = [float(runs[a][k][column]) / float(runs[b][k][column])
                 for k in runs[a] if k in runs[b] and float(runs[b][k][column]) > 0]
    spread = f"({min(per_round):.2f}-{max(per_round):.2f})" if len(per_round) > 1 else ""
    label = f"{a} vs {b}, {dict(rps='req/s', p99='p99', us_per_req='server CPU per request')[column]}"
    print(f"{label:<58} {med(a) / med(b):6.2f} {spread:>13}  {target}")

print(f"{'ratio of medians (range of the rounds own ratios)':<58} {'':>6} {'':>13}  target")
for workload in ("one", "many", "fresh"):
    ratio(f"{workload}/bff-cache", f"{workload}/node", "rps", ">= 5" if workload == "many" else "")
    ratio(f"{workload}/bff-cache", f"{workload}/node", "p99", "<= 1" if workload == "many" else "")
    ratio(f"{workload}/bff-cache", f"{workload}/ceiling", "rps", ">= 0.8" if workload == "one" else "")
    ratio(f"{workload}/bff-cache", f"{workload}/ceiling", "us_per_req", "<= 1.2" if workload == "one" else "")
ratio("one/bff-nocache", "one/node", "rps")
ratio("one/bff-cache", "one/bff-nocache", "rps")
fresh = [float(r["fresh_pct"]) for row, rs in runs.items() if row.startswith("fresh/") for r in rs.values()]
if fresh:
    print(f"\nfresh: requests with a never-sent token: {min(fresh):.1f}-{max(fresh):.1f}% of all")
PY

[ -z "$skewed" ] || echo "warning: other processes ran during some runs (\"other CPU\" column); rerun on an idle machine" >&2
[ -z "$invalid" ] || die "some runs had errors, non-2xx responses or ran out of never-sent tokens; their figures are not valid"
