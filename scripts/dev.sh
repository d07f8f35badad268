#!/usr/bin/env bash
# Starts cognito-bff on its embedded default: a local Cognito emulator (moto server) with a
# pool, an app client and an admin user bootstrapped, and SQLite, serving on :8080.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/emulator-venv.sh

# The emulator lives as long as this script: it exits when its standard input closes.
coproc MOTO { exec .venv/bin/python scripts/moto_server.py "${MOTO_PORT:-0}"; }
read -r moto_port <&"${MOTO[0]}"
endpoint="http://127.0.0.1:${moto_port}"

admin_user=admin
admin_password=Admin-Passw0rd
eval "$(.venv/bin/python scripts/bootstrap_local.py "$endpoint" "$admin_user" "$admin_password")"

export COGNITO_ENDPOINT="$endpoint"
# Choice-based sign-in: the password, an emailed code or a passkey, as the local pool allows.
export COGNITO_AUTH_FLOW="${COGNITO_AUTH_FLOW:-USER_AUTH}"
export COOKIE_SECURE=false
export LISTEN_ADDR="${LISTEN_ADDR:-127.0.0.1:8080}"
export LOG_FORMAT="${LOG_FORMAT:-pretty}"
# No load balancer to drain from: Ctrl-C skips the drain.
export SHUTDOWN_DRAIN_SECONDS="${SHUTDOWN_DRAIN_SECONDS:-0}"
# The emulator accepts any credentials; real deployments use the default provider chain.
export AWS_ACCESS_KEY_ID=local AWS_SECRET_ACCESS_KEY=local AWS_EC2_METADATA_DISABLED=true

base="http://${LISTEN_ADDR}"
cat <<MSG

Local Cognito emulator: ${endpoint}  (pool ${COGNITO_USER_POOL_ID})
cognito-bff:            ${base}      (SQLite file ./cognito-bff.db)
Metrics:                http://${METRICS_ADDR:-127.0.0.1:9090}/metrics
Admin user:             ${admin_user} / ${admin_password}  (group: admin)
Sign-in pages:          http://localhost:${LISTEN_ADDR##*:}/ui/  (a browser gets a session cookie, never a token;
                        passkeys need the name localhost)
Codes "sent":           ${endpoint}/emulator/codes?username=NAME  (the emulator mails nothing)

Try:
  # sign in as the admin and keep the access token
  TOKEN=\$(curl -s ${base}/login -H 'content-type: application/json' \\
    -d '{"username":"${admin_user}","password":"${admin_password}"}' | python3 -c 'import json,sys; print(json.load(sys.stdin)["tokens"]["access_token"])')

  # invite a user with a temporary password
  curl -s ${base}/admin/users -H "authorization: Bearer \$TOKEN" -H 'content-type: application/json' \\
    -d '{"username":"jin","attributes":{"email":"jin@example.com","updated_at":1700000000},"temporary_password":"Temp-Passw0rd"}'

  # the user signs in: NEW_PASSWORD_REQUIRED, with the challenge in a cookie
  curl -s -c jar.txt ${base}/login -H 'content-type: application/json' \\
    -d '{"username":"jin","password":"Temp-Passw0rd"}'

  # answer the challenge with the cookie: tokens
  curl -s -b jar.txt -c jar.txt ${base}/challenge -H 'content-type: application/json' \\
    -d '{"responses":{"NEW_PASSWORD":"N3w-Passw0rd"}}'

MSG
cargo run --quiet -- serve
