#!/usr/bin/env bash
# Instructions per request on the session path and its floors, counted by callgrind: a figure
# that stays the same from run to run and from machine to machine of one architecture, where
# requests per second move by a fifth between runs. For telling apart changes too small for
# benches/sessions.sh to see; the goals themselves are that script's ratios.
#
# Each server runs under `valgrind --tool=callgrind` and is sent WARMUP requests, then its
# counts are zeroed, then it is sent exactly COUNT requests (benches/fixed_requests.py: one
# connection, one request at a time) and its counts are written out. A row's figure is the
# whole process's instructions (every thread, the kernel's work excluded) over COUNT. The
# rows, as in benches/sessions.sh:
#
#   verify-bearer   GET /verify with one bearer access token
#   verify-session  GET /verify with the same user's session cookie
#   verify-many     GET /verify with TOKENS distinct users' tokens, round-robin
#   ceiling-many    the same requests to examples/bare_ceiling, which checks nothing
#   echo-many       the same requests to bare_ceiling's /echo, which answers as /verify does
#   api-session     GET /api/up/ with the session cookie, forwarded to a bare_ceiling
#   bare-proxy      examples/bare_proxy forwarding to the same bare_ceiling
#
# The counts files stay in OUT_DIR (default: a fresh directory under /tmp) for
# `callgrind_annotate OUT_DIR/ROW.out`; the release binary keeps function names.
# CALLGRIND_ARGS adds callgrind's own options: `--cache-sim=yes` also counts each row's
# simulated cache misses (D1mr, DLmr, ...), to see which data a request touches cold.
#
# Usage: benches/instructions.sh
#   COUNT=5000 WARMUP=2000 TOKENS=1000 OUT_DIR=DIR SKIP_BUILD=1 ROWS="verify-bearer ..."
#   CALLGRIND_ARGS=--cache-sim=yes
set -euo pipefail
cd "$(dirname "$0")/.."

COUNT=${COUNT:-5000}
WARMUP=${WARMUP:-2000}
TOKENS=${TOKENS:-1000}
ROWS=${ROWS:-verify-bearer verify-session verify-many ceiling-many echo-many api-session bare-proxy}
# shellcheck source=benches/common.sh
. benches/common.sh

case "$COUNT$WARMUP$TOKENS" in
    *[!0-9]*) die "COUNT, WARMUP and TOKENS must be whole numbers" ;;
esac
[ "$WARMUP" -ge "$TOKENS" ] || die "WARMUP must send every token once: at least TOKENS"
for tool in valgrind callgrind_control curl python3; do
    command -v "$tool" > /dev/null || die "$tool is not installed (apt-get install -y valgrind)"
done

bench_init instructions
tmp=$bench_tmp
OUT_DIR=${OUT_DIR:-$(mktemp -d -t cognito-bff-instructions.XXXXXX)}
mkdir -p "$OUT_DIR"
bench_build
bare_proxy_bin="$CARGO_TARGET_DIR/release/examples/bare_proxy"
if [ -z "${SKIP_BUILD:-}" ]; then
    cargo build --release --locked --example bare_proxy
fi
[ -x "$ceiling_bin" ] && [ -x "$bare_proxy_bin" ] || die "release examples missing; run without SKIP_BUILD"
bench_describe
bench_emulator

# Runs a program under callgrind, counting from the start; its counts are read per row.
callgrind_wrapper() {
    local name=$1 program=$2
    cat > "$tmp/$name-under-callgrind" << EOF
#!/bin/sh
exec valgrind --tool=callgrind --quiet --compress-strings=no ${CALLGRIND_ARGS:-} --callgrind-out-file="$tmp/$name.%p" "$program" "\$@"
EOF
    chmod +x "$tmp/$name-under-callgrind"
    echo "$tmp/$name-under-callgrind"
}

# The upstream of both forwarders runs natively: only the forwarders are counted.
upstream_port=$(free_port)
"$ceiling_bin" "127.0.0.1:$upstream_port" > "$tmp/upstream.log" 2>&1 &
bench_track $!
upstream="http://127.0.0.1:$upstream_port"
bench_wait_status "$!" "$upstream/" 200

ceiling_port=$(free_port)
"$(callgrind_wrapper ceiling "$ceiling_bin")" "127.0.0.1:$ceiling_port" > "$tmp/ceiling.log" 2>&1 &
ceiling_pid=$!
bench_track "$ceiling_pid"
bench_wait_status "$ceiling_pid" "http://127.0.0.1:$ceiling_port/" 200

real_bff_bin=$bff_bin
bff_bin=$(callgrind_wrapper bff "$real_bff_bin")
key=$(python3 -c 'import base64, os; print(base64.b64encode(os.urandom(32)).decode())')
bench_bff bff RUST_LOG=warn MIMALLOC_ARENA_EAGER_COMMIT=0 API_UPSTREAMS="up=$upstream" \
    TRUSTED_PROXIES=127.0.0.1/32 VERIFY_SESSION_GATEWAYS=127.0.0.1/32 \
    SESSION_ENCRYPTION_KEY="$key" RATE_LIMIT_PER_USER=0 \
    TOKEN_CACHE_CAPACITY=$((TOKENS * 2 + 100)) SESSION_CACHE_CAPACITY=$((TOKENS * 2 + 100))
bff=$bff_url

bench_sign_in "$bff"

bare_proxy_port=$(free_port)
"$(callgrind_wrapper bare-proxy "$bare_proxy_bin")" "$upstream" "$token" "127.0.0.1:$bare_proxy_port" > "$tmp/bare-proxy.log" 2>&1 &
bare_proxy_pid=$!
bench_track "$bare_proxy_pid"
bench_wait_status "$bare_proxy_pid" "http://127.0.0.1:$bare_proxy_port/" 200

log "minting $TOKENS users' tokens"
echo "$token" > "$tmp/sample.txt"
"$bench_python" benches/mint_tokens.py "$tmp/sample.txt" "$TOKENS" "$tmp/tokens.txt" user

many=(--lines "$tmp/tokens.txt" --name Authorization --prefix "Bearer ")
printf 'row\tinstructions per request\n' > "$tmp/results"
for row in $ROWS; do
    case $row in
        verify-bearer) url=$bff/verify load=(--header "Authorization: Bearer $token") pid=$bff_pid ;;
        verify-session) url=$bff/verify load=(--header "$cookie") pid=$bff_pid ;;
        verify-many) url=$bff/verify load=("${many[@]}") pid=$bff_pid ;;
        ceiling-many) url=http://127.0.0.1:$ceiling_port/ load=("${many[@]}") pid=$ceiling_pid ;;
        echo-many) url=http://127.0.0.1:$ceiling_port/echo load=("${many[@]}") pid=$ceiling_pid ;;
        api-session) url=$bff/api/up/ load=(--header "$cookie") pid=$bff_pid ;;
        bare-proxy) url=http://127.0.0.1:$bare_proxy_port/ load=(--header "X-Nothing: 1") pid=$bare_proxy_pid ;;
        *) die "unknown row $row" ;;
    esac
    log "$row: $WARMUP requests, then $COUNT counted"
    python3 benches/fixed_requests.py "$url" "$WARMUP" "${load[@]}" || die "$row: warm-up failed"
    callgrind_control --zero "$pid" > /dev/null 2>&1
    python3 benches/fixed_requests.py "$url" "$COUNT" "${load[@]}" || die "$row: a request failed"
    callgrind_control --dump="$row" "$pid" > /dev/null 2>&1
    # The newest dump of that process holds the counted requests alone.
    dump=$(ls -t "$tmp"/*."$pid".* 2> /dev/null | head -n 1)
    [ -n "$dump" ] || die "$row: no counts written"
    cp "$dump" "$OUT_DIR/$row.out"
    total=$(awk '/^(summary|totals):/ { print $2; exit }' "$dump")
    printf '%s\t%d\n' "$row" $((total / COUNT)) >> "$tmp/results"
    rm -f "$dump"
done

echo
echo "instructions per request (callgrind, user space only; $COUNT requests after $WARMUP, one connection):"
column -t -s $'\t' "$tmp/results"
echo
echo "counts kept in $OUT_DIR (callgrind_annotate $OUT_DIR/ROW.out)"
