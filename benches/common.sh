# Shared by the load scripts: where the release binaries are, the local admin user, and how
# a script says what it does or why it stops. Sourced, not run.
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/cognito-bff/target}"
bff_bin="$CARGO_TARGET_DIR/release/cognito-bff"
ceiling_bin="$CARGO_TARGET_DIR/release/examples/bare_ceiling"
admin_user="admin"
admin_password="Admin-Passw0rd"

die() {
    echo "error: $*" >&2
    exit 1
}
log() { echo "== $*" >&2; }

free_port() {
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}
