#!/usr/bin/env bash
# Builds the container image without a registry and checks it.
#
# Builds the release binary; a Debian bookworm base image with debootstrap (its tarball is
# kept in ~/.cache/cognito-bff/images and the image in podman's store, so later runs reuse
# both); and the image from the Dockerfile's `prebuilt` target with podman. Then it runs the
# image with a read-only root filesystem and a new volume on /data, against a local Cognito
# emulator, and checks that:
#   - the service runs as uid 10001, cannot write to its root filesystem, and keeps its
#     SQLite file in /data (the image gives the volume its owner);
#   - /readyz answers 200 "ready" (the pool's signing keys came through);
#   - the image's HEALTHCHECK command passes;
#   - an invited user signs in: NEW_PASSWORD_REQUIRED, answered with the challenge cookie,
#     gives tokens, which /me accepts;
#   - SIGTERM while a request is in flight (its Cognito call held by scripts/hold_proxy.py)
#     closes the listener, lets the request finish, and ends the process with exit code 0
#     within SHUTDOWN_TIMEOUT;
#   - the image is at most 50 MB.
#
# Needs root, podman, runc and debootstrap. To rebuild the base (for Debian's latest
# updates): podman rmi localhost/cognito-bff-debian:bookworm, and delete the cached tarball.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/emulator-venv.sh

cache="$HOME/.cache/cognito-bff/images"
base_image=localhost/cognito-bff-debian:bookworm
image=localhost/cognito-bff:image-test
# The binary is most of it; the rest (glibc, libgcc_s, the CA certificates) is about 5 MB.
max_image_mb=50
shutdown_timeout=20
podman=(podman --runtime runc)
python=.venv/bin/python

fail() {
    echo "image-test: FAIL: $*" >&2
    exit 1
}
step() { echo "== $* (${SECONDS} s)"; }

[ "$(id -u)" = 0 ] || fail "needs root (debootstrap, and podman's root store)"
./scripts/podman.sh

work=$(mktemp -d)
container=""
pids=()
# A root filesystem debootstrap is making: debootstrap mounts /proc and /sys in it (and may
# bind /dev), so unmount whatever is left there before removing it, and never cross into
# another file system.
new_root=""
remove_root() {
    grep -o " $new_root/[^ ]*" /proc/self/mounts | sort -r | xargs -r -n 1 umount -l || true
    rm -rf --one-file-system "$new_root"
    new_root=""
}
cleanup() {
    local status=$?
    if [ -n "$new_root" ]; then
        remove_root
    fi
    if [ -n "$container" ]; then
        if [ "$status" -ne 0 ]; then
            echo "-- the container's last log lines" >&2
            "${podman[@]}" logs --tail 30 "$container" >&2 || true
        fi
        "${podman[@]}" rm --force --time 0 "$container" >/dev/null 2>&1 || true
        "${podman[@]}" volume rm --force "$container-data" >/dev/null 2>&1 || true
    fi
    for pid in "${pids[@]}"; do
        kill "$pid" 2>/dev/null || true
    done
    rm -rf "$work"
}
trap cleanup EXIT

# Waits up to $1 seconds for a command to succeed, trying every 0.1 s.
wait_for() {
    local deadline=$((SECONDS + $1))
    shift
    until "$@"; do
        [ "$SECONDS" -lt "$deadline" ] || return 1
        sleep 0.1
    done
}

# Starts a helper process that exits when its standard input closes (at the latest when this
# script does), with its output in $work/NAME.out; ${input[NAME]} is its standard input.
# Usage: start NAME COMMAND...
declare -A input
start() {
    local name=$1 fd
    shift
    mkfifo "$work/$name.in"
    "$@" <"$work/$name.in" >"$work/$name.out" &
    pids+=("$!")
    exec {fd}>"$work/$name.in"
    input[$name]=$fd
}

# The first line a helper printed. Usage: first_line NAME
first_line() {
    wait_for 30 test -s "$work/$1.out" || fail "$1 printed nothing"
    head -n 1 "$work/$1.out"
}

# One HTTP call to the service. Sets $code and leaves the body in $work/body.json.
# Usage: call METHOD PATH [CURL_ARGUMENT...]
call() {
    local method=$1 path=$2
    shift 2
    code=$(curl -sS -o "$work/body.json" -w '%{http_code}' -X "$method" "$base$path" "$@")
}

# A field of the last body, by a dotted path. Usage: field tokens.access_token
field() {
    "$python" - "$work/body.json" "$1" <<'PY'
import json, sys
value = json.load(open(sys.argv[1]))
for key in sys.argv[2].split("."):
    value = value.get(key) if isinstance(value, dict) else None
print("" if value is None else value)
PY
}

# Fails unless the last call answered $1 and each KEY=VALUE holds in its body.
expect() {
    local want=$1 pair
    shift
    [ "$code" = "$want" ] || fail "$what: HTTP $code, expected $want: $(cat "$work/body.json")"
    for pair in "$@"; do
        [ "$(field "${pair%%=*}")" = "${pair#*=}" ] \
            || fail "$what: ${pair%%=*} is not ${pair#*=}: $(cat "$work/body.json")"
    done
}

free_port() {
    "$python" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# The URI of this machine's apt sources that serves a suite (one-line or deb822 format).
apt_uri() {
    "$python" - "$1" /etc/apt/sources.list /etc/apt/sources.list.d/* <<'PY'
import sys

suite, paths = sys.argv[1], sys.argv[2:]
for path in paths:
    try:
        text = open(path).read()
    except OSError:
        continue
    if path.endswith(".sources"):
        for stanza in text.split("\n\n"):
            fields = {}
            for line in stanza.splitlines():
                if line and not line[0].isspace() and not line.startswith("#") and ":" in line:
                    key, value = line.split(":", 1)
                    fields[key.strip().lower()] = value.split()
            if "deb" in fields.get("types", []) and suite in fields.get("suites", []):
                if fields.get("enabled", ["yes"])[0].lower() != "no" and fields.get("uris"):
                    print(fields["uris"][0])
                    sys.exit()
    elif path.endswith(".list"):
        for line in text.splitlines():
            words = line.split("#", 1)[0].split()
            if words[:1] != ["deb"]:
                continue
            words = words[1:]
            if words and words[0].startswith("["):
                while words and not words[0].endswith("]"):
                    words = words[1:]
                words = words[1:]
            if len(words) >= 2 and words[1] == suite:
                print(words[0])
                sys.exit()
PY
}

# Debian bookworm, minbase with the CA certificates and the latest updates, as a tarball.
make_base_tarball() {
    local tarball=$1 mirror security
    mirror=$(apt_uri bookworm)
    mirror=${mirror:-http://deb.debian.org/debian}
    security=$(apt_uri bookworm-security)
    security=${security:-http://deb.debian.org/debian-security}
    new_root="$work/rootfs"
    mkdir -p "$new_root"
    echo "debootstrap from $mirror"
    debootstrap --variant=minbase --include=ca-certificates bookworm "$new_root" "$mirror" \
        >"$work/debootstrap.log" 2>&1 || { tail -n 20 "$work/debootstrap.log"; fail "debootstrap"; }
    printf 'deb %s bookworm main\ndeb %s bookworm-updates main\ndeb %s bookworm-security main\n' \
        "$mirror" "$mirror" "$security" >"$new_root/etc/apt/sources.list"
    chroot "$new_root" sh -c 'apt-get update -qq && apt-get upgrade -y -qq && apt-get clean' \
        >"$work/upgrade.log" 2>&1 || { tail -n 20 "$work/upgrade.log"; fail "apt-get upgrade"; }
    rm -rf "${new_root:?}"/var/lib/apt/lists/*
    # debootstrap copied this machine's resolver; a container gets its own.
    : >"$new_root/etc/resolv.conf"
    mkdir -p "$cache"
    tar -C "$new_root" -cf "$tarball.partial" .
    mv "$tarball.partial" "$tarball"
    remove_root
}

step "the release binary"
cargo build --release --locked --bin cognito-bff
target_dir=$(cargo metadata --format-version 1 --no-deps \
    | "$python" -c 'import json, sys; print(json.load(sys.stdin)["target_directory"])')
mkdir "$work/context"
cp "$target_dir/release/cognito-bff" "$work/context/cognito-bff"
# The release profile keeps function names for profiling; the image needs none.
strip --strip-all "$work/context/cognito-bff"

step "the base image, $base_image"
if "${podman[@]}" image exists "$base_image"; then
    echo "in podman's store"
else
    tarball="$cache/debian-bookworm-minbase.tar"
    if [ -f "$tarball" ]; then
        echo "from $tarball"
    else
        make_base_tarball "$tarball"
    fi
    "${podman[@]}" import --quiet "$tarball" "$base_image" >/dev/null
fi

step "the image, $image"
previous=$("${podman[@]}" image inspect --format '{{.Id}}' "$image" 2>/dev/null || true)
# The docker format keeps the HEALTHCHECK, which OCI image configs have no field for.
"${podman[@]}" build --isolation chroot --format docker --target prebuilt \
    --build-arg RUNTIME_IMAGE="$base_image" -f Dockerfile -t "$image" "$work/context" \
    >"$work/build.log" 2>&1 || { cat "$work/build.log" >&2; fail "podman build"; }
current=$("${podman[@]}" image inspect --format '{{.Id}}' "$image")
if [ -n "$previous" ] && [ "$previous" != "$current" ]; then
    "${podman[@]}" rmi "$previous" >/dev/null 2>&1 || true
fi

step "the emulator, and a proxy in front of it that can hold a call"
start moto "$python" scripts/moto_server.py 0
moto_port=$(first_line moto)
settings=$("$python" scripts/bootstrap_local.py "http://127.0.0.1:$moto_port" admin Admin-Passw0rd)
eval "$settings"
start proxy "$python" scripts/hold_proxy.py "$moto_port"
proxy_port=$(first_line proxy)

step "the container: read-only, a volume on /data"
port=$(free_port)
base="http://127.0.0.1:$port"
container="cognito-bff-image-test-$$"
# Host networking reaches the emulator on loopback; the service listens on loopback too, so
# plain-http cookies (COOKIE_SECURE=false) are allowed. SHUTDOWN_DRAIN_SECONDS=0: SIGTERM
# starts closing the listener at once.
"${podman[@]}" run --detach --name "$container" --network host \
    --read-only --volume "$container-data:/data" \
    -e COGNITO_ENDPOINT="http://127.0.0.1:$proxy_port" \
    -e COGNITO_USER_POOL_ID -e COGNITO_CLIENT_ID -e COGNITO_CLIENT_SECRET \
    -e LISTEN_ADDR="127.0.0.1:$port" -e METRICS_ADDR= -e COOKIE_SECURE=false \
    -e SHUTDOWN_TIMEOUT="$shutdown_timeout" -e SHUTDOWN_DRAIN_SECONDS=0 \
    -e AWS_ACCESS_KEY_ID=local -e AWS_SECRET_ACCESS_KEY=local -e AWS_EC2_METADATA_DISABLED=true \
    "$image" >/dev/null 2>"$work/run.err" || { cat "$work/run.err" >&2; fail "podman run"; }
# Without systemd, podman can't put the HEALTHCHECK on a timer and says so; the check runs
# below all the same.
grep -v 'unable to get systemd connection' "$work/run.err" >&2 || true

running() {
    [ "$("${podman[@]}" inspect --format '{{.State.Running}}' "$container")" = true ] \
        || fail "the container exited"
}
ready() {
    running
    call GET /readyz 2>/dev/null && [ "$code" = 200 ]
}
what="/readyz"
wait_for 60 ready || fail "/readyz never answered 200: HTTP $code $(cat "$work/body.json")"
expect 200 status=ready checks.database=ok checks.jwks=ok
echo "ready"

pid=$("${podman[@]}" inspect --format '{{.State.Pid}}' "$container")
ids=$(awk '/^[UG]id:/ { print $2, $3, $4, $5 }' "/proc/$pid/status" | tr '\n' ' ')
[ "$ids" = "10001 10001 10001 10001 10001 10001 10001 10001 " ] \
    || fail "the process's uids and gids are $ids, not all 10001"
[ "$("${podman[@]}" inspect --format '{{.HostConfig.ReadonlyRootfs}}' "$container")" = true ] \
    || fail "the root filesystem is not read-only"
if touch "/proc/$pid/root/usr/local/bin/probe" 2>/dev/null; then
    rm -f "/proc/$pid/root/usr/local/bin/probe"
    fail "the root filesystem took a write"
fi
[ "$(stat -c %u "/proc/$pid/root/data/cognito-bff.db")" = 10001 ] \
    || fail "no SQLite file of uid 10001 in /data"
echo "uid 10001, read-only root, SQLite file in /data"

"${podman[@]}" healthcheck run "$container" >/dev/null || fail "the HEALTHCHECK command failed"
echo "HEALTHCHECK passes"

step "an invited user signs in with a challenge"
json=(-H 'content-type: application/json')
what="the admin's sign-in"
call POST /login "${json[@]}" -d '{"username":"admin","password":"Admin-Passw0rd"}'
expect 200 status=authenticated next_step=DONE
admin_token=$(field tokens.access_token)

what="the invite"
call POST /admin/users "${json[@]}" -H "authorization: Bearer $admin_token" \
    -d '{"username":"jin","attributes":{"email":"jin@example.com"},"temporary_password":"Temp-Passw0rd1"}'
expect 201 username=jin status=FORCE_CHANGE_PASSWORD

what="the sign-in with the temporary password"
call POST /login "${json[@]}" -c "$work/cookies" -d '{"username":"jin","password":"Temp-Passw0rd1"}'
expect 200 status=challenge challenge=NEW_PASSWORD_REQUIRED \
    next_step=CONFIRM_SIGN_IN_WITH_NEW_PASSWORD_REQUIRED
# A cookie is a line of tab-separated fields (an HttpOnly one starts with #HttpOnly_).
grep -q $'\t' "$work/cookies" || fail "$what: no challenge cookie"

what="the challenge's answer"
call POST /challenge "${json[@]}" -b "$work/cookies" -d '{"responses":{"NEW_PASSWORD":"N3w-Passw0rd1"}}'
expect 200 status=authenticated next_step=DONE tokens.token_type=Bearer
user_token=$(field tokens.access_token)

what="/me with the new access token"
call GET /me -H "authorization: Bearer $user_token"
expect 200 username=jin
echo "challenge answered, tokens accepted"

step "SIGTERM with a request in flight"
# The next InitiateAuth stops at the proxy, so this sign-in stays in flight.
echo "hold InitiateAuth" >&"${input[proxy]}"
curl -sS -o "$work/slow.json" -w '%{http_code}' "$base/login" "${json[@]}" \
    -d '{"username":"jin","password":"N3w-Passw0rd1"}' >"$work/slow.code" &
slow=$!
pids+=("$slow")
wait_for 30 grep -qx 'held InitiateAuth' "$work/proxy.out" \
    || fail "the sign-in's InitiateAuth never reached the proxy"

signalled=$EPOCHREALTIME
"${podman[@]}" kill --signal TERM "$container" >/dev/null
listener_closed() {
    ! curl -s --max-time 2 -o /dev/null "$base/healthz"
}
wait_for 10 listener_closed || fail "the listener still accepts connections after SIGTERM"

echo release >&"${input[proxy]}"
wait "$slow" || fail "the in-flight sign-in got no answer (curl exit $?)"
what="the in-flight sign-in" code=$(cat "$work/slow.code")
cp "$work/slow.json" "$work/body.json"
expect 200 status=authenticated

exit_code=$(timeout $((shutdown_timeout + 10)) "${podman[@]}" wait "$container") \
    || fail "the container was still running $((shutdown_timeout + 10)) s after SIGTERM"
elapsed_ms=$(((${EPOCHREALTIME/./} - ${signalled/./}) / 1000))
[ "$exit_code" = 0 ] || fail "exit code $exit_code after SIGTERM"
[ "$elapsed_ms" -lt $((shutdown_timeout * 1000)) ] \
    || fail "the process took ${elapsed_ms} ms to stop, SHUTDOWN_TIMEOUT is ${shutdown_timeout} s"
echo "the in-flight sign-in finished; exit code 0, ${elapsed_ms} ms after SIGTERM"

step "the image's size"
size=$("${podman[@]}" image inspect --format '{{.Size}}' "$image")
size_mb=$(awk -v b="$size" 'BEGIN { printf "%.1f", b / 1000000 }')
echo "$image: $size_mb MB ($size bytes)"
[ "$size" -le $((max_image_mb * 1000000)) ] || fail "the image is over $max_image_mb MB"

echo "image-test: all checks passed"
