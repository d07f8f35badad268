#!/usr/bin/env bash
# Load test of token verification over HTTP, side by side in one run, on loopback only:
#
#   ceiling    examples/bare_ceiling: same axum/tokio, answers 200 without checking anything
#   bff-cache  cognito-bff GET /verify, verified-token cache on (the default, 10000)
#   bff-nocache  the same with TOKEN_CACHE_CAPACITY=0: an RSA check on every request
#   bff-quiet  cache on and RUST_LOG=warn: shows what the per-request log line costs
#   node       benches/node/server.js: aws-jwt-verify, node:cluster with one worker per core
#
# Every server gets the same wrk settings and the same real access token, issued by the local
# Cognito emulator (moto server) through cognito-bff's POST /login. Servers run one at a time,
# each on a fresh process; each gets a short warm-up, then the measured run. Peak RSS is the
# kernel's VmHWM after the run (for Node, the primary plus its workers, summed).
#
# wrk runs on the same cores as the server it measures, so every figure is for the pair:
# what the server gets is what wrk leaves it. The CPU columns show the split, in % of one
# core (200% is the whole machine); "other" is whatever else ran meanwhile, which should be
# near 0 for the figures to count.
#
# Usage: benches/load.sh
#   DURATION=15 WARMUP=3 THREADS=2 CONNECTIONS=64   wrk settings (seconds, counts)
#   ATTEMPTS=3     times a server is measured afresh while other processes skew its run
#   SKIP_BUILD=1   use the release binaries as they are instead of running cargo build first
#   BFF_ENV="VAR=value ..."   extra environment for every cognito-bff run (e.g. MALLOC_ARENA_MAX=2)
#   METRICS_SCRAPE=N   fetch cognito-bff's /metrics every N seconds during its runs, as a
#                  Prometheus would (by default nothing scrapes it)
#   KEEP_LOGS=DIR  copy the servers' logs and wrk outputs there before cleaning up
set -euo pipefail
cd "$(dirname "$0")/.."

DURATION=${DURATION:-15}
WARMUP=${WARMUP:-3}
THREADS=${THREADS:-2}
CONNECTIONS=${CONNECTIONS:-64}
ATTEMPTS=${ATTEMPTS:-3}
# shellcheck source=benches/common.sh
. benches/common.sh

for tool in wrk node npm curl python3; do
    command -v "$tool" > /dev/null || die "$tool is not installed (wrk: apt-get install -y wrk)"
done
case "$DURATION$WARMUP$THREADS$CONNECTIONS$ATTEMPTS${METRICS_SCRAPE:-}" in
    *[!0-9]*) die "DURATION, WARMUP, THREADS, CONNECTIONS, ATTEMPTS and METRICS_SCRAPE must be whole numbers" ;;
esac
if [ "${METRICS_SCRAPE:-1}" -lt 1 ] || [ "$ATTEMPTS" -lt 1 ]; then
    die "METRICS_SCRAPE and ATTEMPTS must be at least 1"
fi
read -r -a bff_env <<< "${BFF_ENV:-}"

tmp=$(mktemp -d -t cognito-bff-load.XXXXXX)
pids=()
moto_pid=

# Stops a server by its pid: SIGTERM, a bounded wait, then SIGKILL. Node's workers go too.
stop_pid() {
    local pid=$1 children child alive i
    kill -0 "$pid" 2> /dev/null || return 0
    children=$(cat /proc/"$pid"/task/*/children 2> /dev/null || true)
    kill -TERM "$pid" 2> /dev/null || true
    for i in $(seq 1 50); do
        kill -0 "$pid" 2> /dev/null || break
        sleep 0.1
    done
    kill -KILL "$pid" 2> /dev/null || true
    for child in $children; do
        kill -KILL "$child" 2> /dev/null || true
    done
    wait "$pid" 2> /dev/null || true
    # Node's workers are not this shell's children: wait until they are gone too.
    for i in $(seq 1 50); do
        alive=
        for child in $children; do
            kill -0 "$child" 2> /dev/null && alive=1
        done
        [ -n "$alive" ] || break
        sleep 0.1
    done
}

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
            cp "$tmp"/*.log "$tmp"/*.wrk "$KEEP_LOGS"/ 2> /dev/null || true
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

# CPU ticks (user + system) used so far by a process and its children.
cpu_ticks() {
    local pid=$1 total=0 p
    for p in "$pid" $(cat /proc/"$pid"/task/*/children 2> /dev/null || true); do
        if [ -r /proc/"$p"/stat ]; then
            # Fields 14 and 15, counted after the parenthesised command name.
            total=$((total + $(sed 's/.*) //' /proc/"$p"/stat | awk '{ print $12 + $13 }')))
        fi
    done
    echo "$total"
}

# Resident set in KiB (field VmHWM: the peak; VmRSS: now) of a process plus its children's.
rss_kib() {
    local pid=$1 field=$2 total=0 p kib
    for p in "$pid" $(cat /proc/"$pid"/task/*/children 2> /dev/null || true); do
        kib=$(awk -v f="$field:" '$1 == f { print $2 }' /proc/"$p"/status 2> /dev/null || true)
        total=$((total + ${kib:-0}))
    done
    echo "$total"
}

# CPU ticks the whole machine spent busy so far.
machine_busy_ticks() {
    awk '$1 == "cpu" { print $2 + $3 + $4 + $7 + $8 + $9 }' /proc/stat
}

# Converts wrk's latency (e.g. 812.00us, 1.20ms, 1.05s) to milliseconds.
to_ms() {
    awk -v v="$1" 'BEGIN {
        n = v + 0
        if (v ~ /us$/) n /= 1000
        else if (v ~ /ms$/) n = n
        else if (v ~ /m$/) n *= 60000
        else if (v ~ /s$/) n *= 1000
        printf "%.3f", n
    }'
}

# Waits, up to about 5 minutes, until the machine is idle, so that other work doesn't skew a
# run; a run that starts anyway is flagged by its "other CPU" column.
wait_quiet() {
    local i a b
    for i in $(seq 1 100); do
        a=$(machine_busy_ticks)
        sleep 1
        b=$(machine_busy_ticks)
        [ $(((b - a) * 100 / hz)) -le 10 ] && return 0
        [ "$i" != 1 ] || log "waiting for the machine to go idle"
        sleep 2
    done
    echo "warning: the machine did not go idle; the next run will be skewed" >&2
}

results="$tmp/results.tsv"
: > "$results"
hz=$(getconf CLK_TCK)

# Warms up, then measures one server; writes its row to $tmp/row and its "other CPU" to
# $last_other.
measure() {
    local name=$1 pid=$2 url=$3 out="$tmp/$1.wrk" before after busy_before busy_after idle_rss
    local wrk_cpu server_cpu rps p50 p99 non2xx errors rss
    idle_rss=$(rss_kib "$pid" VmRSS)
    wait_quiet
    log "$name: warm-up ${WARMUP}s"
    timeout $((WARMUP + 30)) wrk -t"$THREADS" -c"$CONNECTIONS" -d"${WARMUP}s" \
        -H "Authorization: Bearer $token" "$url" > /dev/null
    log "$name: wrk -t$THREADS -c$CONNECTIONS -d${DURATION}s --latency"
    before=$(cpu_ticks "$pid")
    busy_before=$(machine_busy_ticks)
    TIMEFORMAT='%U %S'
    { time timeout $((DURATION + 30)) wrk -t"$THREADS" -c"$CONNECTIONS" -d"${DURATION}s" \
        --latency -H "Authorization: Bearer $token" "$url" > "$out"; } 2> "$tmp/$name.time"
    busy_after=$(machine_busy_ticks)
    after=$(cpu_ticks "$pid")
    kill -0 "$pid" 2> /dev/null || die "$name exited during the run"
    rss=$(rss_kib "$pid" VmHWM)
    wrk_cpu=$(awk -v d="$DURATION" '{ printf "%.0f", ($1 + $2) / d * 100 }' "$tmp/$name.time")
    server_cpu=$(awk -v a="$before" -v b="$after" -v hz="$hz" -v d="$DURATION" \
        'BEGIN { printf "%.0f", (b - a) / hz / d * 100 }')
    last_other=$(awk -v a="$busy_before" -v b="$busy_after" -v hz="$hz" -v d="$DURATION" \
        -v s="$server_cpu" -v w="$wrk_cpu" 'BEGIN { o = (b - a) / hz / d * 100 - s - w; printf "%.0f", o < 0 ? 0 : o }')
    rps=$(awk '/^Requests\/sec:/ { print $2 }' "$out")
    p50=$(to_ms "$(awk '$1 == "50%" { print $2 }' "$out")")
    p99=$(to_ms "$(awk '$1 == "99%" { print $2 }' "$out")")
    non2xx=$(awk '/Non-2xx or 3xx responses:/ { print $NF }' "$out")
    errors=$(awk '/Socket errors:/ { sub(/.*Socket errors: /, ""); print }' "$out")
    [ -n "$rps" ] || die "$name: no Requests/sec in wrk's output: $(cat "$out")"
    if [ -n "$non2xx" ] || [ -n "$errors" ]; then
        echo "warning: $name: non-2xx responses: ${non2xx:-0}; socket errors: ${errors:-none}" >&2
        invalid=1
    fi
    printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$name" "$rps" "$p50" "$p99" "$rss" \
        "$server_cpu" "$wrk_cpu" "$last_other" "$idle_rss" > "$tmp/row"
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

# Starts one server of a kind (ceiling, bff or node) on a free port: sets srv_pid, srv_url.
start_server() {
    local kind=$1 name=$2 port i
    shift 2
    scraper=
    case "$kind" in
        ceiling)
            port=$(free_port)
            "$ceiling_bin" "127.0.0.1:$port" > "$tmp/$name.log" 2>&1 &
            srv_pid=$!
            pids+=("$srv_pid")
            srv_url="http://127.0.0.1:$port"
            ;;
        bff)
            start_bff "$name" "$@"
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
                PORT="$port" WORKERS="$(nproc)" node benches/node/server.js > "$tmp/$name.log" 2>&1 &
            srv_pid=$!
            pids+=("$srv_pid")
            srv_url="http://127.0.0.1:$port"
            ;;
    esac
    # Every server must accept the token before it is measured.
    wait_for "$srv_pid" "$srv_url/verify" 200
}

# One row of the table: a fresh server, measured; again (up to ATTEMPTS times) while other
# processes used the CPU during the run, so that a busy moment elsewhere doesn't count.
run_row() {
    local name=$1 kind=$2 attempt
    shift 2
    for attempt in $(seq 1 "$ATTEMPTS"); do
        start_server "$kind" "$name" "$@"
        measure "$name" "$srv_pid" "$srv_url/verify"
        [ -z "$scraper" ] || stop_pid "$scraper"
        stop_pid "$srv_pid"
        [ "$last_other" -gt 10 ] || break
        echo "warning: $name: other processes used ${last_other}% CPU during the run (attempt $attempt of $ATTEMPTS)" >&2
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

log "cognito-bff $(git rev-parse --short HEAD 2> /dev/null || echo '(no git)')$(git diff --quiet HEAD -- src Cargo.toml Cargo.lock 2> /dev/null || echo ' with uncommitted changes in src or Cargo')"
log "machine: $(nproc) cores, $(free -m | awk '/^Mem:/ { print $2 }') MiB; load average: $(cut -d' ' -f1-3 /proc/loadavg)"

# --- The emulator, a pool with an admin user, and a real access token -------------------------
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
stop_pid "$srv_pid"
log "access token: ${#token} bytes, from POST /login"

# --- The runs, one server at a time ------------------------------------------------------------
invalid=
skewed=
run_row ceiling ceiling
run_row bff-cache bff
run_row bff-nocache bff TOKEN_CACHE_CAPACITY=0
run_row bff-quiet bff RUST_LOG=warn
run_row node node

# --- Summary -----------------------------------------------------------------------------------
echo
echo "wrk -t$THREADS -c$CONNECTIONS -d${DURATION}s --latency, loopback, wrk sharing the $(nproc) cores${BFF_ENV:+; cognito-bff with $BFF_ENV}${METRICS_SCRAPE:+; /metrics scraped every ${METRICS_SCRAPE}s}"
echo
awk -F'\t' '
    { name[NR] = $1; rps[$1] = $2; p50[$1] = $3; p99[$1] = $4; rss[$1] = $5; cpu[$1] = $6; wcpu[$1] = $7; ocpu[$1] = $8; idle[$1] = $9 }
    END {
        printf "%-12s %8s %8s %8s %9s %9s %7s %5s %6s %8s\n", "server", "req/s", "p50 ms", "p99 ms", "peak RSS", "idle RSS", "server", "wrk", "other", "CPU us/req"
        printf "%-12s %8s %8s %8s %9s %9s %7s %5s %6s %8s\n", "", "", "", "", "MiB", "MiB", "CPU %", "CPU %", "CPU %", "(server)"
        for (i = 1; i <= NR; i++) {
            n = name[i]
            printf "%-12s %8.0f %8.2f %8.2f %9.1f %9.1f %7s %5s %6s %8.1f\n", n, rps[n], p50[n], p99[n], rss[n] / 1024, idle[n] / 1024, cpu[n], wcpu[n], ocpu[n], cpu[n] / 100 / rps[n] * 1e6
        }
        print ""
        printf "%-44s %8s %8s %8s\n", "ratio", "cache on", "cache off", "target"
        printf "%-44s %8.2f %8.2f %8s\n", "/verify vs Node throughput", rps["bff-cache"] / rps["node"], rps["bff-nocache"] / rps["node"], ">= 5"
        printf "%-44s %8.2f %8.2f %8s\n", "/verify vs ceiling throughput", rps["bff-cache"] / rps["ceiling"], rps["bff-nocache"] / rps["ceiling"], ">= 0.7"
        printf "%-44s %8.2f %8.2f %8s\n", "/verify p99 vs ceiling p99", p99["bff-cache"] / p99["ceiling"], p99["bff-nocache"] / p99["ceiling"], "<= 2"
        printf "%-44s %8.1f %8.1f %8s\n", "/verify peak RSS (MiB)", rss["bff-cache"] / 1024, rss["bff-nocache"] / 1024, "<= 30"
        printf "%-44s %8.2f %8s\n", "cache on vs cache off throughput", rps["bff-cache"] / rps["bff-nocache"], ""
        printf "%-44s %8.2f %8s\n", "RUST_LOG=warn vs default (info), cache on", rps["bff-quiet"] / rps["bff-cache"], ""
    }' "$results"

[ -z "$skewed" ] || echo "warning: other processes ran during some runs (\"other\" column); rerun on an idle machine" >&2
[ -z "$invalid" ] || die "some runs had errors or non-2xx responses; their figures are not valid"
