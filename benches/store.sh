#!/usr/bin/env bash
# The challenge store under load, on loopback only: complete sign-ins that meet a challenge
# (POST /login stores the SOFTWARE_TOKEN_MFA challenge, POST /challenge claims, answers and
# deletes it), CONCURRENCY at a time, through nginx:
#
#   postgres, 2 replicas  two cognito-bff sharing DATABASE_URL (a Postgres database created
#                         for the run) and SESSION_ENCRYPTION_KEY; every flow's challenge is
#                         answered by the other replica than the one that issued it (nginx
#                         routes each step by a header the driver sets, alternating which
#                         replica goes first; its access log shows where each step went)
#   postgres, 1 replica   the first replica alone, through nginx
#   sqlite, 1 replica     a third cognito-bff on SQLite, through nginx
#   emulator directly     the same two Cognito calls (InitiateAuth, RespondToAuthChallenge)
#                         straight to the emulator: the ceiling the emulator sets
#
# The emulator (moto server, Python) answers a call in milliseconds of one core, so it bounds
# every row; the CPU columns show what the service, Postgres and nginx spend per flow next to
# it. nginx keeps connections to the replicas alive, as a production balancer would. Rows run
# one after the other in ROUNDS rounds, each round in a rotated order; the table gives the
# median over the rounds and the range. Each driver thread signs in as a user of its own.
#
# Then what a live browser session costs in Postgres: one real browser sign-in through nginx,
# SESSIONS copies of its row with fresh ids and random sealed tokens of the same length (as
# benches/sessions.sh does on SQLite, where it also shows the process's memory does not grow
# with sessions: they live in the database), and the table's size before and after, indexes
# and TOAST included.
#
# Usage: benches/store.sh
#   DURATION=10 WARMUP=1 ROUNDS=3 CONCURRENCY=8 SESSIONS=20000
#   PG_URL=postgres://postgres@127.0.0.1:5432   the Postgres server; a database bench_store_<pid>
#                  is created there and dropped at exit
#   WAIT_QUIET=0   don't wait for the machine to go idle before each round
#   SKIP_BUILD=1   use the release binary as it is
#   BFF_ENV="VAR=value ..."  extra settings for every cognito-bff
#   KEEP_LOGS=DIR  keep the logs and the runs' JSON lines
# Needs nginx (Debian: nginx-light) and psql. A full run with the defaults takes about 3
# minutes after the build.
set -euo pipefail
cd "$(dirname "$0")/.."

DURATION=${DURATION:-10}
WARMUP=${WARMUP:-1}
ROUNDS=${ROUNDS:-3}
CONCURRENCY=${CONCURRENCY:-8}
SESSIONS=${SESSIONS:-20000}
WAIT_QUIET=${WAIT_QUIET:-1}
# shellcheck source=benches/common.sh
. benches/common.sh

nginx=$(command -v nginx || ls /usr/sbin/nginx 2> /dev/null || true)
[ -n "$nginx" ] || die "nginx is not installed (apt-get install -y nginx-light)"
for tool in curl psql python3; do
    command -v "$tool" > /dev/null || die "$tool is not installed"
done
case "$DURATION$WARMUP$ROUNDS$CONCURRENCY$SESSIONS" in
    *[!0-9.]*) die "DURATION, WARMUP, ROUNDS, CONCURRENCY and SESSIONS must be numbers" ;;
esac
if [ "$ROUNDS" -lt 1 ] || [ "$CONCURRENCY" -lt 1 ]; then
    die "ROUNDS and CONCURRENCY must be at least 1"
fi

bench_build
bench_init store
bench_describe

# --- The emulator, users with TOTP, the database ---------------------------------------------
bench_emulator
mfa_password=Bench-Passw0rd
users=()
for i in $(seq 0 $((CONCURRENCY - 1))); do
    users+=("bench-totp-$i")
done
log "setting up ${#users[@]} users with TOTP MFA"
bench_mfa_users "$mfa_password" "${users[@]}"
users_csv=$(IFS=,; echo "${users[*]}")

bench_pg_create bench_store
log "database $bench_pg_name"
key=$(python3 -c 'import base64, os; print(base64.b64encode(os.urandom(32)).decode())')

# --- The replicas and nginx -----------------------------------------------------------------
replica=(DATABASE_URL="$bench_pg_url" SESSION_ENCRYPTION_KEY="$key" TRUSTED_PROXIES=127.0.0.1/32)
bench_bff pg-a "${replica[@]}"
pg_a_pid=$bff_pid pg_a=${bff_url#http://}
bench_bff pg-b "${replica[@]}"
pg_b_pid=$bff_pid pg_b=${bff_url#http://}
bench_bff sqlite TRUSTED_PROXIES=127.0.0.1/32
sqlite_pid=$bff_pid sqlite=${bff_url#http://}

nginx_dir="$bench_tmp/nginx"
mkdir -p "$nginx_dir"
pair_port=$(free_port) one_port=$(free_port) sqlite_port=$(free_port)
cat > "$nginx_dir/nginx.conf" << EOF
daemon off;
master_process off;
worker_processes 1;
error_log $nginx_dir/error.log warn;
pid $nginx_dir/nginx.pid;

events {
    worker_connections 4096;
}

http {
    client_body_temp_path $nginx_dir/client_body;
    proxy_temp_path $nginx_dir/proxy;
    fastcgi_temp_path $nginx_dir/fastcgi;
    uwsgi_temp_path $nginx_dir/uwsgi;
    scgi_temp_path $nginx_dir/scgi;
    access_log off;
    log_format steps '\$http_x_request_id \$upstream_addr';
    keepalive_requests 1000000;

    # Connections to the replicas stay open between requests.
    proxy_http_version 1.1;
    proxy_set_header Connection "";
    proxy_set_header Host \$http_host;
    proxy_set_header X-Forwarded-For \$remote_addr;

    upstream pg_a { server $pg_a; keepalive 64; }
    upstream pg_b { server $pg_b; keepalive 64; }
    upstream pg_both { server $pg_a; server $pg_b; keepalive 64; }
    upstream sqlite { server $sqlite; keepalive 64; }

    # The driver names the replica of each step; without the header, round robin.
    map \$http_x_bench_replica \$pair {
        a pg_a;
        b pg_b;
        default pg_both;
    }

    server {
        listen 127.0.0.1:$pair_port;
        access_log $nginx_dir/steps.log steps buffer=64k flush=1s;
        location / { proxy_pass http://\$pair; }
    }
    server {
        listen 127.0.0.1:$one_port;
        location / { proxy_pass http://pg_a; }
    }
    server {
        listen 127.0.0.1:$sqlite_port;
        location / { proxy_pass http://sqlite; }
    }
}
EOF
"$nginx" -p "$nginx_dir" -c "$nginx_dir/nginx.conf" 2> "$nginx_dir/stderr.log" &
nginx_pid=$!
bench_track "$nginx_pid"
for port in "$pair_port" "$one_port" "$sqlite_port"; do
    bench_wait_status "$nginx_pid" "http://127.0.0.1:$port/readyz" 200
done

# --- The runs --------------------------------------------------------------------------------
runs="$bench_tmp/runs.jsonl"
: > "$runs"
rows=("postgres, 2 replicas" "postgres, 1 replica" "sqlite, 1 replica" "emulator directly")

measure() {
    local row=$1 round=$2 out args=()
    case "$row" in
        "postgres, 2 replicas")
            args=(--target bff --url "http://127.0.0.1:$pair_port" --cross-header X-Bench-Replica
                --request-ids "r$round" --cpu "bff-a=$pg_a_pid" --cpu "bff-b=$pg_b_pid"
                --cpu-cmdline "postgres=$bench_pg_name" --cpu "nginx=$nginx_pid") ;;
        "postgres, 1 replica")
            args=(--target bff --url "http://127.0.0.1:$one_port" --cpu "bff-a=$pg_a_pid"
                --cpu-cmdline "postgres=$bench_pg_name" --cpu "nginx=$nginx_pid") ;;
        "sqlite, 1 replica")
            args=(--target bff --url "http://127.0.0.1:$sqlite_port" --cpu "bff=$sqlite_pid"
                --cpu "nginx=$nginx_pid") ;;
        "emulator directly")
            args=(--target direct --url "$endpoint") ;;
    esac
    log "round $round: $row, ${DURATION}s, $CONCURRENCY at a time"
    if ! out=$("$bench_python" benches/flows.py run --flow mfa "${args[@]}" \
        --client-id "$client_id" --client-secret "$client_secret" --users "$users_csv" \
        --password "$mfa_password" --duration "$DURATION" --warmup "$WARMUP" \
        --concurrency "$CONCURRENCY" --cpu "emulator=$moto_pid" --label "$row" --round "$round"); then
        echo "$out" >&2
        die "$row failed; logs in $bench_tmp (KEEP_LOGS=DIR keeps them)"
    fi
    echo "$out" >> "$runs"
}

for round in $(seq 1 "$ROUNDS"); do
    [ "$WAIT_QUIET" = 0 ] || wait_quiet
    for i in "${!rows[@]}"; do
        measure "${rows[$(((i + round - 1) % ${#rows[@]}))]}" "$round"
    done
done

# --- A live browser session in Postgres -------------------------------------------------------
log "a browser sign-in, then $SESSIONS copies of its session row"
nginx_url="http://127.0.0.1:$pair_port"
code=$(curl -s -o /dev/null -w '%{http_code}' "$nginx_url/login" -H 'content-type: application/json' \
    -H 'sec-fetch-site: same-origin' -H "origin: $nginx_url" \
    -d '{"username":"'"$admin_user"'","password":"'"$admin_password"'"}')
[ "$code" = 200 ] || die "the browser sign-in through nginx answered $code"
size_of() { psql "$bench_pg_url" -qAtc "SELECT pg_total_relation_size('browser_sessions')"; }
[ "$(psql "$bench_pg_url" -qAtc 'SELECT count(*) FROM browser_sessions')" = 1 ] ||
    die "expected one browser session in the database"
psql "$bench_pg_url" -qc "COPY (SELECT * FROM browser_sessions) TO STDOUT WITH (FORMAT csv, HEADER)" \
    > "$bench_tmp/session.csv"
"$bench_python" - "$bench_tmp/session.csv" "$SESSIONS" > "$bench_tmp/sessions.csv" << 'PY'
import csv, secrets, sys, time
with open(sys.argv[1], newline="") as f:
    reader = csv.DictReader(f)
    columns, real = reader.fieldnames, next(reader)
out = csv.DictWriter(sys.stdout, columns)
out.writeheader()
now = int(time.time() * 1000)
length = len(real["tokens"])
for i in range(int(sys.argv[2])):
    row = dict(real)
    row["id_hash"] = secrets.token_hex(32)
    row["public_id"] = secrets.token_urlsafe(16)
    row["sub"] = f"bench-{i}"
    # As long as the real sealed tokens, and as incompressible, so the row is as large.
    row["tokens"] = "v1." + secrets.token_urlsafe(length)[: length - 3]
    row["last_seen_at"] = now
    out.writerow(row)
with open(sys.argv[1] + ".tokens", "w") as f:
    print(length, file=f)
PY
tokens_length=$(cat "$bench_tmp/session.csv.tokens")
psql "$bench_pg_url" -qc "VACUUM ANALYZE browser_sessions"
size_before=$(size_of)
psql "$bench_pg_url" -qc "\\copy browser_sessions FROM '$bench_tmp/sessions.csv' WITH (FORMAT csv, HEADER)"
psql "$bench_pg_url" -qc "VACUUM ANALYZE browser_sessions"
size_after=$(size_of)

# --- Summary ---------------------------------------------------------------------------------
sleep 1.5 # nginx writes its access log buffer within a second
echo
echo "The challenge store: sign-ins with a TOTP challenge through nginx, loopback, ${DURATION}s per run,"
echo "all on the same $(nproc) cores (cognito-bff release builds; Postgres $(psql "$bench_pg_url" -qAtc 'SHOW server_version'))."
echo
"$bench_python" benches/flows.py report-store "$runs" --access-log "$nginx_dir/steps.log"
echo
echo "A live browser session in Postgres (sealed tokens $tokens_length bytes, as the emulator's):"
echo "  $(((size_after - size_before) / SESSIONS)) bytes per session, indexes and TOAST included ($SESSIONS sessions)"
echo "  in the process: none; see benches/sessions.sh (SQLite, 100,000 sessions)"
