#!/usr/bin/env bash
# The session path beside the bearer path and beside its anchors, side by side in one run, on
# loopback only. The rows (workload on server):
#
#   verify-bearer   GET /verify with a bearer access token (the gateway path for apps)
#   verify-session  GET /verify with the same user's session cookie (for browsers)
#   verify-session-db  the same, on a second cognito-bff on the same store with
#                   SESSION_CACHE_CAPACITY=0: every request reads the database
#   verify-many     GET /verify with TOKENS distinct users' tokens, round-robin
#   ceiling-many    the same script against examples/bare_ceiling, which checks nothing
#   echo-many       the same script against bare_ceiling's /echo, which checks nothing and
#                   answers what /verify answers (the token back, the identity, a request
#                   id): the floor of /verify's answer
#   ceiling-many-workers, echo-many-workers
#                   the same two against bare_ceiling --workers, which serves as the service
#                   does (one single-threaded runtime per CPU): the floor of the service's
#                   own way of serving
#   node-many       the same script against benches/node/server.js (aws-jwt-verify)
#   sessions-many   GET /verify with TOKENS distinct sessions' cookies, round-robin, among
#                   SESSIONS stored sessions
#   api-session     GET /api/up/ with the session cookie: the token handler, forwarding to
#                   examples/bare_ceiling with the session's access token attached
#   nginx           nginx proxy_pass to the same ceiling, attaching a fixed Authorization
#                   (2 workers, keepalive to the upstream, no access log): any proxy's floor
#   bare-proxy      examples/bare_proxy: the same axum and hyper client as the service,
#                   forwarding with a fixed Authorization and nothing else: the token
#                   handler's own floor, served as axum::serve serves
#   bare-proxy-workers  the same with --workers, served as the service serves
#   node-bff        benches/node/bff.js: express + express-session (memory store) +
#                   http-proxy-middleware, attaching the session's token
#   upstream        GET on examples/bare_ceiling directly
#
# Every server is started once and serves every round; the rounds alternate the rows ROUNDS
# times, each run after a warm-up, and the summary gives each row's median and its range over
# the rounds, then the goals' ratios per round. Before the rounds, SESSIONS sessions are added
# to the store (TOKENS of them in use), and the service's memory is read as they are used.
#
# Installs what is missing: wrk and nginx (Debian's packages), and the Node packages
# (benches/node, `npm ci`).
#
# PROFILE_DIR=DIR also records each row's server with `perf record` during its first
# measured run (perf from Debian's linux-perf; the release binary keeps function names) and
# prints where the time went, grouped by benches/perf_groups.py. PERF_ARGS replaces the
# sampling options (default `-F 999`; `-F 499 --call-graph dwarf` with a binary built with
# CARGO_PROFILE_RELEASE_DEBUG=line-tables-only gives call chains). Sampling costs the server
# some throughput: take the figures of record from a run without it.
#
# Usage: benches/sessions.sh
#   DURATION=6 WARMUP=2 THREADS=2 CONNECTIONS=64 ROUNDS=3 TOKENS=10000 SESSIONS=100000
#   SKIP_BUILD=1 ROWS="verify-bearer verify-session ..." PROFILE_DIR=DIR
set -euo pipefail
cd "$(dirname "$0")/.."

DURATION=${DURATION:-6}
WARMUP=${WARMUP:-2}
THREADS=${THREADS:-2}
CONNECTIONS=${CONNECTIONS:-64}
ROUNDS=${ROUNDS:-3}
TOKENS=${TOKENS:-10000}
SESSIONS=${SESSIONS:-100000}
ROWS=${ROWS:-verify-bearer verify-session verify-session-db verify-many ceiling-many echo-many ceiling-many-workers echo-many-workers node-many sessions-many api-session nginx bare-proxy bare-proxy-workers node-bff upstream}
# shellcheck source=benches/common.sh
. benches/common.sh

case "$DURATION$WARMUP$THREADS$CONNECTIONS$ROUNDS$TOKENS$SESSIONS" in
    *[!0-9]*) die "DURATION, WARMUP, THREADS, CONNECTIONS, ROUNDS, TOKENS and SESSIONS must be whole numbers" ;;
esac
[ "$TOKENS" -le "$SESSIONS" ] || die "TOKENS sessions in use must be at most SESSIONS"

missing=()
command -v wrk > /dev/null || missing+=(wrk)
command -v nginx > /dev/null || missing+=(nginx-light)
if [ ${#missing[@]} -gt 0 ]; then
    log "installing ${missing[*]}"
    apt-get update -qq && apt-get install -y -qq "${missing[@]}" > /dev/null
fi
[ -z "${PROFILE_DIR:-}" ] || { mkdir -p "$PROFILE_DIR" && command -v perf > /dev/null; } ||
    die "PROFILE_DIR needs perf (apt-get install -y linux-perf)"
for tool in wrk nginx curl python3 node npm; do
    command -v "$tool" > /dev/null || die "$tool is not installed"
done
[ -d benches/node/node_modules/express-session ] ||
    npm ci --prefix benches/node --no-audit --no-fund --silent

bench_init sessions
tmp=$bench_tmp
bench_build
bare_proxy_bin="$CARGO_TARGET_DIR/release/examples/bare_proxy"
if [ -z "${SKIP_BUILD:-}" ]; then
    cargo build --release --locked --example bare_proxy
fi
[ -x "$ceiling_bin" ] && [ -x "$bare_proxy_bin" ] || die "release examples missing; run without SKIP_BUILD"
bench_describe
bench_emulator
curl -fsS --max-time 10 "$endpoint/$pool_id/.well-known/jwks.json" > "$tmp/jwks.json"

# Waits up to 30 s for the URL to answer 200.
wait_ok() {
    local pid=$1 url=$2
    bench_wait_status "$pid" "$url" 200
}

ceiling_port=$(free_port)
"$ceiling_bin" "127.0.0.1:$ceiling_port" > "$tmp/ceiling.log" 2>&1 &
ceiling_pid=$!
bench_track "$ceiling_pid"
upstream="http://127.0.0.1:$ceiling_port"
wait_ok "$ceiling_pid" "$upstream/"
ceiling_workers_port=$(free_port)
"$ceiling_bin" --workers "127.0.0.1:$ceiling_workers_port" > "$tmp/ceiling-workers.log" 2>&1 &
ceiling_workers_pid=$!
bench_track "$ceiling_workers_pid"
ceiling_workers="http://127.0.0.1:$ceiling_workers_port"
wait_ok "$ceiling_workers_pid" "$ceiling_workers/"

key=$(python3 -c 'import base64, os; print(base64.b64encode(os.urandom(32)).decode())')
# As the container image runs it (Dockerfile): mimalloc commits its arenas as it uses them.
# Both caches hold twice the TOKENS in use: at their default of 10,000, TOKENS=10000 and
# the run's own few would cycle through one more entry than they hold, and every request
# would miss (as any working set above a cache's size does; see configuration.md).
caches=(TOKEN_CACHE_CAPACITY=$((TOKENS * 2)) SESSION_CACHE_CAPACITY=$((TOKENS * 2)))
bench_bff bff "${caches[@]}" MIMALLOC_ARENA_EAGER_COMMIT=0 RUST_LOG=warn API_UPSTREAMS="up=$upstream" TRUSTED_PROXIES=127.0.0.1/32 \
    VERIFY_SESSION_GATEWAYS=127.0.0.1/32 SESSION_ENCRYPTION_KEY="$key" RATE_LIMIT_PER_USER=0
bff=$bff_url
bff_pid_main=$bff_pid

bench_sign_in "$bff"
[ "$(curl -s -o /dev/null -w '%{http_code}' -H "$cookie" "$bff/verify")" = 200 ] ||
    die "/verify refuses the session"
answer=$(curl -s -w ' %{http_code}' -H "$cookie" "$bff/api/up/")
[ "${answer##* }" = 200 ] || die "/api/up/ refuses the session: $answer"

# The same service on the same store, without its session cache.
nocache_port=$(free_port)
env COGNITO_ENDPOINT="$endpoint" COGNITO_USER_POOL_ID="$pool_id" \
    COGNITO_CLIENT_ID="$client_id" COGNITO_CLIENT_SECRET="$client_secret" \
    COOKIE_SECURE=false LISTEN_ADDR="127.0.0.1:$nocache_port" LOG_FORMAT=json METRICS_ADDR= \
    DATABASE_URL="sqlite://$tmp/bff.db" SHUTDOWN_DRAIN_SECONDS=0 RUST_LOG=warn \
    RATE_LIMIT_PER_IP=0 RATE_LIMIT_PER_USERNAME=0 RATE_LIMIT_MFA_FAILURES_PER_USER=0 RATE_LIMIT_PER_USER=0 \
    TRUSTED_PROXIES=127.0.0.1/32 VERIFY_SESSION_GATEWAYS=127.0.0.1/32 SESSION_ENCRYPTION_KEY="$key" \
    SESSION_CACHE_CAPACITY=0 TOKEN_CACHE_CAPACITY=$((TOKENS * 2)) MIMALLOC_ARENA_EAGER_COMMIT=0 AWS_ACCESS_KEY_ID=local AWS_SECRET_ACCESS_KEY=local AWS_EC2_METADATA_DISABLED=true \
    "$bff_bin" serve > "$tmp/bff-nocache.log" 2>&1 &
nocache_pid=$!
bench_track "$nocache_pid"
nocache="http://127.0.0.1:$nocache_port"
bench_wait_status "$nocache_pid" "$nocache/readyz" 200
[ "$(curl -s -o /dev/null -w '%{http_code}' -H "$cookie" "$nocache/verify")" = 200 ] ||
    die "/verify without the cache refuses the session"

# The anchors: nginx and the Node servers.
nginx_port=$(free_port)
mkdir -p "$tmp/nginx"
cat > "$tmp/nginx/nginx.conf" << EOF
worker_processes 2;
pid $tmp/nginx/nginx.pid;
error_log $tmp/nginx/error.log warn;
events { worker_connections 4096; }
http {
    access_log off;
    client_body_temp_path $tmp/nginx/body;
    proxy_temp_path $tmp/nginx/proxy;
    fastcgi_temp_path $tmp/nginx/fastcgi;
    uwsgi_temp_path $tmp/nginx/uwsgi;
    scgi_temp_path $tmp/nginx/scgi;
    upstream up {
        server 127.0.0.1:$ceiling_port;
        keepalive 64;
    }
    server {
        listen 127.0.0.1:$nginx_port;
        location / {
            proxy_pass http://up;
            proxy_http_version 1.1;
            proxy_set_header Connection "";
            proxy_set_header Authorization "Bearer $token";
        }
    }
}
EOF
nginx -p "$tmp/nginx" -c "$tmp/nginx/nginx.conf" -g 'daemon off;' > "$tmp/nginx.log" 2>&1 &
nginx_pid=$!
bench_track "$nginx_pid"
wait_ok "$nginx_pid" "http://127.0.0.1:$nginx_port/"

bare_proxy_port=$(free_port)
"$bare_proxy_bin" "$upstream" "$token" "127.0.0.1:$bare_proxy_port" > "$tmp/bare-proxy.log" 2>&1 &
bare_proxy_pid=$!
bench_track "$bare_proxy_pid"
wait_ok "$bare_proxy_pid" "http://127.0.0.1:$bare_proxy_port/"
bare_proxy_workers_port=$(free_port)
"$bare_proxy_bin" --workers "$upstream" "$token" "127.0.0.1:$bare_proxy_workers_port" > "$tmp/bare-proxy-workers.log" 2>&1 &
bare_proxy_workers_pid=$!
bench_track "$bare_proxy_workers_pid"
wait_ok "$bare_proxy_workers_pid" "http://127.0.0.1:$bare_proxy_workers_port/"

node_bff_port=$(free_port)
env PORT="$node_bff_port" UPSTREAM="$upstream" node benches/node/bff.js > "$tmp/node-bff.log" 2>&1 &
node_bff_pid=$!
bench_track "$node_bff_pid"
node_bff="http://127.0.0.1:$node_bff_port"
for _ in $(seq 1 100); do
    curl -s -o /dev/null "$node_bff/" && break
    sleep 0.1
done
curl -fsS -o /dev/null -c "$tmp/node-jar" "$node_bff/login" -H 'content-type: application/json' \
    -d '{"access_token":"'"$token"'"}'
node_cookie="Cookie: connect.sid=$(awk '$6 == "connect.sid" { print $7 }' "$tmp/node-jar")"
[ "$(curl -s -o /dev/null -w '%{http_code}' -H "$node_cookie" "$node_bff/api/up/")" = 200 ] ||
    die "the Node BFF refuses its session"

node_port=$(free_port)
env USER_POOL_ID="$pool_id" CLIENT_ID="$client_id" JWKS_FILE="$tmp/jwks.json" PORT="$node_port" \
    node benches/node/server.js > "$tmp/node.log" 2>&1 &
node_pid=$!
bench_track "$node_pid"
node_url="http://127.0.0.1:$node_port"
for _ in $(seq 1 100); do
    [ "$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $token" "$node_url/verify")" = 200 ] && break
    sleep 0.1
done

# TOKENS users' tokens, and as many sessions holding them among SESSIONS stored.
log "minting $TOKENS users' tokens"
echo "$token" > "$tmp/sample.txt"
"$bench_python" benches/mint_tokens.py "$tmp/sample.txt" "$TOKENS" "$tmp/tokens.txt" user
log "adding $SESSIONS sessions shaped like the real one, $TOKENS of them in use"
rss_idle=$(rss_kib "$bff_pid_main" VmRSS)
size_before=$(stat -c %s "$tmp/bff.db")
sealed_bytes=$("$bench_python" benches/seed_sessions.py "$tmp/bff.db" "$key" "$SESSIONS" \
    "$tmp/tokens.txt" "$tmp/cookies.txt" cognito-bff-session)
size_after=$(stat -c %s "$tmp/bff.db")
first_cookie="Cookie: $(head -n 1 "$tmp/cookies.txt")"
[ "$(curl -s -o /dev/null -w '%{http_code}' -H "$first_cookie" "$bff/verify")" = 200 ] ||
    die "/verify refuses a seeded session"

# The service's memory as the sessions come into use: first every token (the verified-token
# cache fills), then every session holding them (the session cache fills).
many_tokens=(-s benches/tokens.lua "$bff/verify" -- "$tmp/tokens.txt" - 10 "$THREADS")
many_cookies=(-s benches/cookies.lua "$bff/verify" -- "$tmp/cookies.txt" "$THREADS")
wrk -t"$THREADS" -c"$CONNECTIONS" -d3s "${many_tokens[@]}" > /dev/null
rss_tokens=$(rss_kib "$bff_pid_main" VmRSS)
wrk -t"$THREADS" -c"$CONNECTIONS" -d3s "${many_cookies[@]}" > /dev/null
rss_sessions=$(rss_kib "$bff_pid_main" VmRSS)

# One row: its URL, load and process. Appends "row rps p50 p99 cpu ctx" to the results: ctx
# is the server's context switches (every thread, voluntary or not) per request.
results="$tmp/results"
printf 'row\trps\tp50\tp99\tcpu\tctx\n' > "$results"
row_load() {
    case $1 in
        verify-bearer) load=(-H "Authorization: Bearer $token" "$bff/verify") pid=$bff_pid_main ;;
        verify-session) load=(-H "$cookie" "$bff/verify") pid=$bff_pid_main ;;
        verify-session-db) load=(-H "$cookie" "$nocache/verify") pid=$nocache_pid ;;
        verify-many) load=("${many_tokens[@]}") pid=$bff_pid_main ;;
        ceiling-many) load=(-s benches/tokens.lua "$upstream/" -- "$tmp/tokens.txt" - 10 "$THREADS") pid=$ceiling_pid ;;
        echo-many) load=(-s benches/tokens.lua "$upstream/echo" -- "$tmp/tokens.txt" - 10 "$THREADS") pid=$ceiling_pid ;;
        ceiling-many-workers) load=(-s benches/tokens.lua "$ceiling_workers/" -- "$tmp/tokens.txt" - 10 "$THREADS") pid=$ceiling_workers_pid ;;
        echo-many-workers) load=(-s benches/tokens.lua "$ceiling_workers/echo" -- "$tmp/tokens.txt" - 10 "$THREADS") pid=$ceiling_workers_pid ;;
        node-many) load=(-s benches/tokens.lua "$node_url/verify" -- "$tmp/tokens.txt" - 10 "$THREADS") pid=$node_pid ;;
        sessions-many) load=("${many_cookies[@]}") pid=$bff_pid_main ;;
        api-session) load=(-H "$cookie" "$bff/api/up/") pid=$bff_pid_main ;;
        nginx) load=(-H "X-Nothing: 1" "http://127.0.0.1:$nginx_port/") pid=$nginx_pid ;;
        bare-proxy) load=(-H "X-Nothing: 1" "http://127.0.0.1:$bare_proxy_port/") pid=$bare_proxy_pid ;;
        bare-proxy-workers) load=(-H "X-Nothing: 1" "http://127.0.0.1:$bare_proxy_workers_port/") pid=$bare_proxy_workers_pid ;;
        node-bff) load=(-H "$node_cookie" "$node_bff/api/up/") pid=$node_bff_pid ;;
        upstream) load=(-H "X-Nothing: 1" "$upstream/") pid=$ceiling_pid ;;
        *) die "unknown row $1" ;;
    esac
}
run() {
    local name=$1 before after switched out="$tmp/$1.wrk" load pid
    row_load "$name"
    wait_quiet
    wrk -t"$THREADS" -c"$CONNECTIONS" -d"${WARMUP}s" "${load[@]}" > /dev/null
    before=$(cpu_ticks "$pid")
    switched=$(ctx_switches "$pid")
    local perf_pid=
    if [ -n "${PROFILE_DIR:-}" ] && [ ! -e "$PROFILE_DIR/$name.data" ]; then
        # shellcheck disable=SC2086 # PERF_ARGS is a list of perf's own options
        perf record -q ${PERF_ARGS:--F 999} -p "$pid" -o "$PROFILE_DIR/$name.data" -- sleep "$DURATION" 2> /dev/null &
        perf_pid=$!
    fi
    wrk -t"$THREADS" -c"$CONNECTIONS" -d"${DURATION}s" --latency "${load[@]}" > "$out"
    [ -z "$perf_pid" ] || wait "$perf_pid" || true
    after=$(cpu_ticks "$pid")
    switched=$(($(ctx_switches "$pid") - switched))
    if grep -q 'Non-2xx\|Socket errors' "$out"; then
        cat "$out" >&2
        die "$name: errors or non-2xx answers"
    fi
    awk -v name="$name" -v a="$before" -v b="$after" -v hz="$hz" -v d="$DURATION" -v cs="$switched" '
        function ms(v,   n) { n = v + 0; if (v ~ /us$/) n /= 1000; else if (v ~ /ms$/) n = n; else if (v ~ /s$/) n *= 1000; return n }
        /^Requests\/sec:/ { rps = $2 }
        $1 == "50%" { p50 = ms($2) }
        $1 == "99%" { p99 = ms($2) }
        END { printf "%s\t%.0f\t%.3f\t%.3f\t%.1f\t%.2f\n", name, rps, p50, p99, (b - a) / hz / (rps * d) * 1e6, cs / (rps * d) }
    ' "$out" >> "$results"
}

for round in $(seq 1 "$ROUNDS"); do
    log "round $round of $ROUNDS"
    # Each round starts one row later, so no row always follows the same one.
    read -r -a rows <<< "$ROWS"
    shift_by=$(((round - 1) % ${#rows[@]}))
    for row in "${rows[@]:shift_by}" "${rows[@]:0:shift_by}"; do
        run "$row"
    done
done

echo
echo "wrk -t$THREADS -c$CONNECTIONS -d${DURATION}s after ${WARMUP}s, loopback, wrk sharing the $(nproc) cores; $ROUNDS rounds: median (min-max)"
echo
rounds_table "$results" rps:.0f:req/s "p50:.2f:p50 ms" "p99:.2f:p99 ms" "cpu:.1f:server CPU us/req" \
    "ctx:.2f:switches/req"
python3 - "$results" << 'PY'
import csv, statistics, sys
rows = {}
for run in csv.DictReader(open(sys.argv[1]), delimiter="\t"):
    rows.setdefault(run["row"], []).append(run)
def ratio(title, top, bottom, column, goal=None, higher=True):
    if top not in rows or bottom not in rows:
        return
    per = [float(a[column]) / float(b[column]) for a, b in zip(rows[top], rows[bottom])]
    mid = statistics.median(per)
    figure = f"{title:<52} {mid:6.2f} ({min(per):.2f}-{max(per):.2f})"
    if goal is None:
        print(f"{figure}  (no goal)")
        return
    met = mid >= goal if higher else mid <= goal
    sign = ">=" if higher else "<="
    print(f"{figure}  goal {sign} {goal}: {'met' if met else 'NOT met'}")
print()
print("ratios of the same round's runs: median (min-max)")
ratio("verify-session / verify-bearer, req/s", "verify-session", "verify-bearer", "rps", 0.8)
ratio("verify-session-db / verify-bearer, req/s (no cache)", "verify-session-db", "verify-bearer", "rps")
ratio("api-session / nginx, req/s", "api-session", "nginx", "rps", 0.6)
ratio("api-session / nginx, p99", "api-session", "nginx", "p99", 2, higher=False)
ratio("api-session / node-bff, req/s", "api-session", "node-bff", "rps", 10)
ratio("bare-proxy / nginx, req/s (the floor of the stack)", "bare-proxy", "nginx", "rps")
ratio("bare-proxy-workers / nginx, req/s (the same, served as the service serves)", "bare-proxy-workers", "nginx", "rps")
ratio("api-session / bare-proxy-workers, req/s (the service's own work)", "api-session", "bare-proxy-workers", "rps")
ratio("verify-many / ceiling-many, req/s", "verify-many", "ceiling-many", "rps", 0.8)
ratio("echo-many / ceiling-many, req/s (the answer's floor)", "echo-many", "ceiling-many", "rps")
ratio("verify-many / echo-many, req/s", "verify-many", "echo-many", "rps")
ratio("verify-many / ceiling-many-workers, req/s (served alike)", "verify-many", "ceiling-many-workers", "rps")
ratio("verify-many / echo-many-workers, req/s (the service's own work)", "verify-many", "echo-many-workers", "rps")
ratio("verify-many / node-many, p99", "verify-many", "node-many", "p99", 1, higher=False)
ratio("sessions-many / verify-many, req/s", "sessions-many", "verify-many", "rps")
PY

if [ -n "${PROFILE_DIR:-}" ]; then
    echo
    echo "where each server's CPU went (perf, one run per row; share of its samples):"
    for data in "$PROFILE_DIR"/*.data; do
        python3 benches/perf_groups.py "$data" "$(basename "$data" .data)"
    done
fi

echo
echo "memory of the cognito-bff process (sealed tokens $sealed_bytes bytes per session, as the emulator's):"
echo "  $SESSIONS sessions stored: $(((size_after - size_before) / SESSIONS)) bytes per session on disk (SQLite, indexes included)"
echo "  idle, before any was used:             $((rss_idle / 1024)) MiB"
echo "  after $TOKENS users' tokens verified:   $((rss_tokens / 1024)) MiB ($(((rss_tokens - rss_idle) * 1024 / TOKENS)) bytes per token)"
echo "  after $TOKENS of the sessions in use:   $((rss_sessions / 1024)) MiB ($(((rss_sessions - rss_tokens) * 1024 / TOKENS)) bytes per session held)"
echo "  peak over the whole run:               $(($(rss_kib "$bff_pid_main" VmHWM) / 1024)) MiB"
