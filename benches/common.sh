# shellcheck shell=bash disable=SC2034  # sourced: the scripts that source it use these
# Shared by the load scripts: where the release binaries are, the local admin user, how a
# script says what it does or why it stops, what a process used (CPU, memory), and the table
# of medians over rounds. Sourced, not run.
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/cognito-bff/target}"
bff_bin="$CARGO_TARGET_DIR/release/cognito-bff"
ceiling_bin="$CARGO_TARGET_DIR/release/examples/bare_ceiling"
admin_user="admin"
admin_password="Admin-Passw0rd"
hz=$(getconf CLK_TCK)

die() {
    echo "error: $*" >&2
    exit 1
}
log() { echo "== $*" >&2; }

free_port() {
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

# The direct children of a process (Node's cluster workers).
children_of() {
    cat /proc/"$1"/task/*/children 2> /dev/null || true
}

# CPU ticks (user + system) used so far by a process and its direct children.
cpu_ticks() {
    local pid=$1 total=0 p
    for p in "$pid" $(children_of "$pid"); do
        if [ -r /proc/"$p"/stat ]; then
            # Fields 14 and 15, counted after the parenthesised command name.
            total=$((total + $(sed 's/.*) //' /proc/"$p"/stat | awk '{ print $12 + $13 }')))
        fi
    done
    echo "$total"
}

# Context switches, voluntary and not, of every live thread of a process plus its children's:
# a server whose threads hand a request to each other switches more per request. A thread that
# ends between two readings takes its count with it (the servers here keep their threads; a
# Tokio blocking thread idle for 10 s would be missed).
ctx_switches() {
    local pid=$1 total=0 p
    for p in "$pid" $(children_of "$pid"); do
        total=$((total + $(cat /proc/"$p"/task/*/status 2> /dev/null |
            awk '/^(non)?voluntary_ctxt_switches:/ { n += $2 } END { print n + 0 }')))
    done
    echo "$total"
}

# Resident set in KiB (field VmHWM: the peak; VmRSS: now) of a process plus its children's.
rss_kib() {
    local pid=$1 field=$2 total=0 p kib
    for p in "$pid" $(children_of "$pid"); do
        kib=$(awk -v f="$field:" '$1 == f { print $2 }' /proc/"$p"/status 2> /dev/null || true)
        total=$((total + ${kib:-0}))
    done
    echo "$total"
}

# CPU ticks the whole machine spent busy so far.
machine_busy_ticks() {
    awk '$1 == "cpu" { print $2 + $3 + $4 + $7 + $8 + $9 }' /proc/stat
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

# Stops a process by its pid: SIGTERM, a bounded wait, then SIGKILL. Its children (Node's
# workers) go too.
stop_pid() {
    local pid=$1 children child alive i
    kill -0 "$pid" 2> /dev/null || return 0
    children=$(children_of "$pid")
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

# The table of rounds: FILE holds one line per run, tab-separated, under a header line whose
# first column is `row` (the workload); each COLUMN:FORMAT[:TITLE] argument adds that column's
# median and its range over the rounds, "median (min-max)", formatted with the Python format
# spec. Rows keep the order they first appear in.
rounds_table() {
    python3 - "$@" << 'PY'
import csv, statistics, sys
path = sys.argv[1]
specs = [(s.split(":", 2) + [s.split(":")[0]])[:3] for s in sys.argv[2:]]
rows = {}
with open(path) as f:
    for run in csv.DictReader(f, delimiter="\t"):
        rows.setdefault(run["row"], []).append(run)
def cell(runs, column, spec):
    values = [float(r[column]) for r in runs]
    lo, mid, hi = min(values), statistics.median(values), max(values)
    if len(values) == 1:
        return f"{mid:{spec}}"
    return f"{mid:{spec}} ({lo:{spec}}-{hi:{spec}})"
cells = {name: [cell(runs, c, s) for c, s, _ in specs] for name, runs in rows.items()}
widths = [max(len(t), *(len(cells[n][i]) for n in cells)) for i, (_, _, t) in enumerate(specs)]
first = max(len("workload"), *(len(n) for n in rows))
print(f"{'workload':<{first}}  " + "  ".join(f"{t:>{w}}" for (_, _, t), w in zip(specs, widths)))
for name in rows:
    print(f"{name:<{first}}  " + "  ".join(f"{v:>{w}}" for v, w in zip(cells[name], widths)))
PY
}

# ---------------------------------------------------------------------------------------------
# Shared by signin.sh, startup.sh and store.sh: a scratch directory and the processes a script
# started, stopped on exit; the build; the emulator; one cognito-bff. Names start with bench_
# so that none shadows what a script defines for itself; stop_pid above stops what they track.

# The Python the load driver (benches/flows.py) and the harnesses run on: the emulator's
# virtualenv, which also has boto3 for setting users up.
bench_python=.venv/bin/python

# Makes the scratch directory ($bench_tmp) and arranges for every process passed to
# bench_track to be stopped (last started, first stopped) and the directory removed when the
# script exits; then runs the function named by $bench_on_exit, if set. KEEP_LOGS=DIR keeps
# the logs and the runs' JSON lines.
bench_init() {
    bench_tmp=$(mktemp -d -t "cognito-bff-$1.XXXXXX")
    bench_pids=()
    trap bench_cleanup EXIT
    trap 'exit 130' INT
    trap 'exit 143' TERM
}

bench_track() { bench_pids+=("$1"); }

bench_cleanup() {
    local status=$? i
    trap - EXIT INT TERM
    for ((i = ${#bench_pids[@]} - 1; i >= 0; i--)); do
        stop_pid "${bench_pids[i]}"
    done
    if [ -n "${bench_on_exit:-}" ]; then
        "$bench_on_exit" || true
    fi
    if [ -n "${KEEP_LOGS:-}" ] && mkdir -p "$KEEP_LOGS"; then
        cp "$bench_tmp"/*.log "$bench_tmp"/*.jsonl "$KEEP_LOGS"/ 2> /dev/null || true
    fi
    rm -rf "$bench_tmp"
    exit "$status"
}

# The release binary, built unless SKIP_BUILD is set, and the emulator's virtualenv.
bench_build() {
    if [ -z "${SKIP_BUILD:-}" ]; then
        log "cargo build --release --locked --bin cognito-bff --example bare_ceiling"
        cargo build --release --locked --bin cognito-bff --example bare_ceiling
    fi
    [ -x "$bff_bin" ] || die "$bff_bin is missing; run without SKIP_BUILD"
    ./scripts/emulator-venv.sh
}

# One line on what is measured and where.
bench_describe() {
    local dirty=
    git diff --quiet HEAD -- src migrations Cargo.toml Cargo.lock 2> /dev/null ||
        dirty=" with uncommitted changes in src, migrations or Cargo"
    log "cognito-bff $(git rev-parse --short HEAD 2> /dev/null || echo '(no git)')$dirty; binary built $(date -r "$bff_bin" '+%F %T'); $(nproc) cores, $(free -m | awk '/^Mem:/ { print $2 }') MiB; load average $(cut -d' ' -f1-3 /proc/loadavg)"
}

# Starts the emulator (scripts/moto_server.py, which exits when its standard input closes) and
# bootstraps a pool with the admin user. Sets moto_pid, endpoint, pool_id, client_id and
# client_secret. The emulator checks TOTP codes only with MOTO_COGNITO_IDP_USER_POOL_ENABLE_TOTP
# set; it is left unset, so any six digits answer SOFTWARE_TOKEN_MFA.
bench_emulator() {
    local port
    coproc BENCH_MOTO { exec env -u MOTO_COGNITO_IDP_USER_POOL_ENABLE_TOTP "$bench_python" scripts/moto_server.py 0; }
    # shellcheck disable=SC2153 # set by coproc
    moto_pid=$BENCH_MOTO_PID
    bench_track "$moto_pid"
    read -r -t 60 port <&"${BENCH_MOTO[0]}" || die "the emulator did not start"
    endpoint="http://127.0.0.1:$port"
    eval "$("$bench_python" scripts/bootstrap_local.py "$endpoint" "$admin_user" "$admin_password")"
    pool_id=$COGNITO_USER_POOL_ID
    client_id=$COGNITO_CLIENT_ID
    client_secret=$COGNITO_CLIENT_SECRET
    unset COGNITO_USER_POOL_ID COGNITO_CLIENT_ID COGNITO_CLIENT_SECRET
}

# Gives users of the bootstrapped pool (created here) TOTP MFA, so that each of their
# sign-ins meets SOFTWARE_TOKEN_MFA: bench_mfa_users PASSWORD NAME...
bench_mfa_users() {
    local password=$1
    shift
    "$bench_python" benches/flows.py mfa-users --endpoint "$endpoint" --pool-id "$pool_id" \
        --client-id "$client_id" --client-secret "$client_secret" --password "$password" "$@"
}

# Waits up to 30 s for the URL to answer the status; fails if the process exits first.
bench_wait_status() {
    local pid=$1 url=$2 expected=$3 code="" i
    for i in $(seq 1 300); do
        kill -0 "$pid" 2> /dev/null || die "the process behind $url exited; see its log"
        code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 1 "$url" || true)
        [ "$code" = "$expected" ] && return 0
        sleep 0.1
    done
    die "$url did not answer $expected within 30 s (last: $code)"
}

# Starts cognito-bff against the emulator, logging to $bench_tmp/NAME.log, and waits until it
# is ready: bench_bff NAME [VAR=value...]. The arguments override the defaults below, and
# BFF_ENV="VAR=value ..." is added to every start. One client signs in over and over from one
# address, so the per-address and per-user limits are off; no drain on SIGTERM, so that it
# stops at once. Sets bff_pid and bff_url.
bench_bff() {
    local name=$1 port extra=()
    shift
    read -r -a extra <<< "${BFF_ENV:-}"
    port=$(free_port)
    env COGNITO_ENDPOINT="$endpoint" COGNITO_USER_POOL_ID="$pool_id" \
        COGNITO_CLIENT_ID="$client_id" COGNITO_CLIENT_SECRET="$client_secret" \
        COOKIE_SECURE=false LISTEN_ADDR="127.0.0.1:$port" LOG_FORMAT=json METRICS_ADDR= \
        DATABASE_URL="sqlite://$bench_tmp/$name.db" SHUTDOWN_DRAIN_SECONDS=0 \
        RATE_LIMIT_PER_IP=0 RATE_LIMIT_PER_USERNAME=0 RATE_LIMIT_MFA_FAILURES_PER_USER=0 \
        AWS_ACCESS_KEY_ID=local AWS_SECRET_ACCESS_KEY=local AWS_EC2_METADATA_DISABLED=true \
        "$@" "${extra[@]}" "$bff_bin" serve > "$bench_tmp/$name.log" 2>&1 &
    bff_pid=$!
    bench_track "$bff_pid"
    bff_url="http://127.0.0.1:$port"
    bench_wait_status "$bff_pid" "$bff_url/readyz" 200
}

# A Postgres database of the script's own, created on the server at PG_URL (default
# postgres://postgres@127.0.0.1:5432, as TEST_DATABASE_URL points to) and dropped on exit:
# bench_pg_create NAME. Sets bench_pg_url.
bench_pg_create() {
    local server=${PG_URL:-postgres://postgres@127.0.0.1:5432}
    command -v psql > /dev/null || die "psql is not installed (apt-get install -y postgresql-client)"
    bench_pg_name="$1_$$"
    bench_pg_admin="$server/postgres"
    psql "$bench_pg_admin" -v ON_ERROR_STOP=1 -qc "CREATE DATABASE \"$bench_pg_name\"" > /dev/null ||
        die "cannot create database $bench_pg_name on $server"
    bench_on_exit=bench_pg_drop
    bench_pg_url="$server/$bench_pg_name"
}

bench_pg_drop() {
    psql "$bench_pg_admin" -qc "DROP DATABASE IF EXISTS \"$bench_pg_name\" WITH (FORCE)" > /dev/null
}

# Signs the admin in at the cognito-bff at URL twice, as an app and as a browser: sets token
# (the access token), session (the session cookie's value) and cookie (its Cookie header).
bench_sign_in() {
    local url=$1 login
    login='{"username":"'"$admin_user"'","password":"'"$admin_password"'"}'
    token=$(curl -fsS "$url/login" -H 'content-type: application/json' -d "$login" |
        python3 -c 'import json, sys; print(json.load(sys.stdin)["tokens"]["access_token"])')
    curl -fsS -o /dev/null -c "$bench_tmp/jar" "$url/login" -H 'content-type: application/json' \
        -H 'sec-fetch-site: same-origin' -H "origin: $url" -d "$login"
    session=$(awk '$6 == "cognito-bff-session" { print $7 }' "$bench_tmp/jar")
    [ -n "$token" ] && [ -n "$session" ] || die "no token or no session from POST /login"
    cookie="Cookie: cognito-bff-session=$session"
}
