#!/usr/bin/env bash
# Sign-in overhead: the latency cognito-bff adds to a sign-in over the same Cognito calls sent
# straight to the emulator, and the CPU it spends per sign-in, on loopback only.
#
#   USER_PASSWORD_AUTH  POST /login (COGNITO_AUTH_FLOW=USER_PASSWORD_AUTH, the default)
#                       against InitiateAuth with USER_PASSWORD_AUTH and SECRET_HASH
#   USER_SRP_AUTH       POST /login on a second cognito-bff with COGNITO_AUTH_FLOW=USER_SRP_AUTH,
#                       which runs the SRP exchange itself (InitiateAuth, then the
#                       PASSWORD_VERIFIER answer), against the same two calls. The emulator
#                       checks no SRP value, so the direct client skips the big-number work:
#                       the added latency includes cognito-bff's SRP computation, which a
#                       client talking to Cognito itself would do instead.
#   USER_PASSWORD_AUTH + TOTP  a user with TOTP MFA: POST /login, which stores the
#                       SOFTWARE_TOKEN_MFA challenge, then POST /challenge with the
#                       Challenge-Handle header; against InitiateAuth, then
#                       RespondToAuthChallenge with the Session. Each step apart, and both.
#
# The load driver is benches/flows.py: one sign-in at a time over one connection (kept alive
# to cognito-bff; the emulator closes every connection, for cognito-bff's calls as for the
# direct client's), the same Python client for both targets. The emulator (Python) takes
# milliseconds per call, so what counts is the difference: each flow runs through cognito-bff
# and directly, back to back, in ROUNDS rounds whose order alternates (bff first in odd
# rounds, direct first in even ones); the table gives the median over the rounds and the
# range, and the difference paired by round. CPU per sign-in is utime + stime from
# /proc/<pid>/stat over the run, divided by the sign-ins completed.
#
# Both cognito-bff processes are release builds on SQLite (in the scratch directory), with
# the default log level; rate limits are off, since one client signs in over and over.
#
# Usage: benches/signin.sh
#   DURATION=10 WARMUP=1 ROUNDS=3   seconds per run, seconds of warm-up before each (not
#                  counted), rounds
#   WAIT_QUIET=0   don't wait for the machine to go idle before each round
#   SKIP_BUILD=1   use the release binary as it is
#   BFF_ENV="VAR=value ..."  extra settings for both cognito-bff processes
#   KEEP_LOGS=DIR  keep the logs and the runs' JSON lines
# A full run with the defaults takes about 4 minutes after the build.
set -euo pipefail
cd "$(dirname "$0")/.."

DURATION=${DURATION:-10}
WARMUP=${WARMUP:-1}
ROUNDS=${ROUNDS:-3}
WAIT_QUIET=${WAIT_QUIET:-1}
# shellcheck source=benches/common.sh
. benches/common.sh

for tool in curl python3; do
    command -v "$tool" > /dev/null || die "$tool is not installed"
done
case "$DURATION$WARMUP$ROUNDS" in
    *[!0-9.]*) die "DURATION, WARMUP and ROUNDS must be numbers" ;;
esac
[ "$ROUNDS" -ge 1 ] || die "ROUNDS must be at least 1"

bench_build
bench_init signin
bench_describe

bench_emulator
mfa_user=bench-totp
mfa_password=Bench-Passw0rd
bench_mfa_users "$mfa_password" "$mfa_user"

bench_bff password COGNITO_AUTH_FLOW=USER_PASSWORD_AUTH
password_pid=$bff_pid password_url=$bff_url
bench_bff srp COGNITO_AUTH_FLOW=USER_SRP_AUTH
srp_pid=$bff_pid srp_url=$bff_url

runs="$bench_tmp/runs.jsonl"
: > "$runs"

# One timed run: measure FLOW TARGET ROUND
measure() {
    local flow=$1 target=$2 round=$3 url pid users password out
    case "$flow" in
        password) pid=$password_pid url=$password_url ;;
        srp) pid=$srp_pid url=$srp_url ;;
        mfa) pid=$password_pid url=$password_url ;;
    esac
    if [ "$flow" = mfa ]; then
        users=$mfa_user password=$mfa_password
    else
        users=$admin_user password=$admin_password
    fi
    [ "$target" = bff ] || url=$endpoint
    log "round $round: $flow via $target, ${DURATION}s"
    if ! out=$("$bench_python" benches/flows.py run --flow "$flow" --target "$target" \
        --url "$url" --client-id "$client_id" --client-secret "$client_secret" \
        --users "$users" --password "$password" --duration "$DURATION" --warmup "$WARMUP" \
        --concurrency 1 --cpu "bff=$pid" --cpu "emulator=$moto_pid" \
        --label "$flow-$target" --round "$round"); then
        echo "$out" >&2
        die "$flow via $target failed; logs in $bench_tmp (KEEP_LOGS=DIR keeps them)"
    fi
    echo "$out" >> "$runs"
}

for round in $(seq 1 "$ROUNDS"); do
    [ "$WAIT_QUIET" = 0 ] || wait_quiet
    for flow in password srp mfa; do
        if [ $((round % 2)) = 1 ]; then
            measure "$flow" bff "$round"
            measure "$flow" direct "$round"
        else
            measure "$flow" direct "$round"
            measure "$flow" bff "$round"
        fi
    done
done

echo
echo "Sign-in through cognito-bff (release, SQLite) against the same Cognito calls sent straight to"
echo "the emulator (moto server), loopback, ${DURATION}s per run, all on the same $(nproc) cores."
echo
"$bench_python" benches/flows.py report-signin "$runs"
