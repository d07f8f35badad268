#!/usr/bin/env bash
# The TypeScript client's tests: installs what package-lock.json pins, type-checks with strict
# settings, checks the generated types against openapi.yaml, runs the checks that need no
# service (against a stand-in fetch), then runs the client in both modes against the real
# service and the local Cognito emulator, with Node's own test runner.
set -euo pipefail
client=$(cd "$(dirname "$0")/.." && pwd)
root=$(cd "$client/../.." && pwd)
cd "$root"
./scripts/emulator-venv.sh
cargo build --locked --quiet --bin cognito-bff
target_dir=$(cargo metadata --format-version 1 --no-deps \
    | .venv/bin/python -c 'import json, sys; print(json.load(sys.stdin)["target_directory"])')

echo "-- install, type-check, build"
npm ci --prefix "$client" --no-audit --no-fund --silent
npm run --prefix "$client" --silent typecheck
npm run --prefix "$client" --silent build
echo "-- the generated types against openapi.yaml"
(cd "$client" && node --test --test-reporter=spec test/generated.test.mjs)

work=$(mktemp -d)
service_pid=""
upstream_pid=""
cleanup() {
    local status=$?
    for pid in $service_pid $upstream_pid; do
        kill "$pid" 2>/dev/null || true
        wait "$pid" 2>/dev/null || true
    done
    rm -rf "$work"
    exit "$status"
}
trap cleanup EXIT

# A skipped test is not a pass.
none_skipped() {
    grep -q '^ℹ skipped 0$' "$1" && grep -q '^ℹ todo 0$' "$1" \
        || { echo "some tests were skipped"; exit 1; }
}

echo "-- the client on its own, against a stand-in for the service"
(cd "$client" && node --test --test-reporter=spec dist/test/unit/*.test.js) | tee "$work/unit.txt"
none_skipped "$work/unit.txt"

# The emulator lives as long as this script: it exits when its standard input closes. With
# TOTP checking on, a wrong authenticator code is refused as Cognito refuses it.
coproc MOTO { MOTO_COGNITO_IDP_USER_POOL_ENABLE_TOTP=true exec .venv/bin/python scripts/moto_server.py 0; }
read -r moto_port <&"${MOTO[0]}"
emulator="http://127.0.0.1:${moto_port}"
eval "$(.venv/bin/python scripts/bootstrap_local.py "$emulator" admin Admin-Passw0rd)"

# The upstream API behind the token handler (`echo`), which answers with what reached it.
node "$client/dist/test/support/upstream.js" > "$work/upstream.port" &
upstream_pid=$!
# Polls for the port it prints, 100 times 0.1 s apart.
for _ in $(seq 1 100); do
    [ -s "$work/upstream.port" ] && break
    kill -0 "$upstream_pid" 2>/dev/null || { echo "the upstream API exited before listening"; exit 1; }
    sleep 0.1
done
[ -s "$work/upstream.port" ] || { echo "the upstream API printed no port after polling for 10 s"; exit 1; }
upstream="http://127.0.0.1:$(cat "$work/upstream.port")"

port=$(.venv/bin/python -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
base="http://127.0.0.1:${port}"
(
    cd "$work"
    export COGNITO_ENDPOINT="$emulator" LISTEN_ADDR="127.0.0.1:${port}" COOKIE_SECURE=false
    # Choice-based sign-in, so first-factor selection, mailed codes and auto sign-in after a
    # confirmed sign-up are there to test; passwords sign in through it as well.
    export COGNITO_AUTH_FLOW=USER_AUTH
    export API_UPSTREAMS="echo=${upstream}"
    export METRICS_ADDR=
    # Every request comes from one address, and the suite makes more sign-ins a minute than
    # the per-address limit allows a real client. The per-username and per-user limits stay:
    # each test has users of its own.
    export RATE_LIMIT_PER_IP=0
    export AWS_ACCESS_KEY_ID=local AWS_SECRET_ACCESS_KEY=local AWS_EC2_METADATA_DISABLED=true
    export RUST_LOG=warn
    exec "$target_dir/debug/cognito-bff" serve
) > "$work/service.log" 2>&1 &
service_pid=$!

./scripts/wait-ready.sh "$base" "$service_pid" "$work/service.log"

echo "-- the client against the service, in both modes"
export BFF_URL="$base" BFF_EMULATOR_URL="$emulator" BFF_USER_POOL_ID="$COGNITO_USER_POOL_ID"
export BFF_UPSTREAM_URL="$upstream"
cd "$client"
# One file at a time: one test turns the pool's MFA to required for a while.
status=0
node --test --test-reporter=spec --test-concurrency=1 dist/test/service/*.test.js \
    | tee "$work/report.txt" || status=$?
if [ "$status" -ne 0 ]; then
    echo "-- the service's log"
    cat "$work/service.log"
    exit "$status"
fi
none_skipped "$work/report.txt"
