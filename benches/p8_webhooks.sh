#!/usr/bin/env bash
# P8: a lead submitted → its `lead.created` webhook received by a local
# receiver, at 50 leads/s for 20 s, p50/p99; the baseline is the same body
# posted straight to the same receiver by the load script (the ratio).
# Needs python3, curl.
#
#   bash benches/p8_webhooks.sh
set -euo pipefail
cd "$(dirname "$0")/.."

cargo build --release --quiet
work=$(mktemp -d /tmp/reportdesk-p8.XXXXXX)
bin=$PWD/target/release/reportdesk
app_pid=
cleanup() {
  [ -n "$app_pid" ] && kill "$app_pid" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

export REPORTDESK_SECRET_KEY=$(python3 -c 'import secrets; print(secrets.token_hex(64))')
export REPORTDESK_LOG=warn
export REPORTDESK_FORM_MIN_SECONDS=0
export REPORTDESK_RATE_LIMIT_PER_MINUTE=1000000000
export REPORTDESK_CONFIRMATIONS_PER_CLIENT_PER_HOUR=1000000000
export REPORTDESK_WEBHOOK_ALLOW_INSECURE=1
export REPORTDESK_WEBHOOK_ALLOW_PRIVATE=1
export REPORTDESK_DATABASE_URL="sqlite://$work/p8.sqlite3"
export REPORTDESK_MAIL_URL="file://$work/mail"
port=$(free_port)
export REPORTDESK_BIND="127.0.0.1:$port"
base="http://127.0.0.1:$port"
receiver_port=$(free_port)

"$bin" generate form-tokens --count 1100 >"$work/tokens.txt"
(cd "$work" && exec "$bin" serve) >>"$work/app.log" 2>&1 &
app_pid=$!
for _ in $(seq 100); do curl -fs "$base/healthz" >/dev/null 2>&1 && break; sleep 0.1; done
# The endpoint, as the admin page stores it.
python3 - "$work/p8.sqlite3" "http://127.0.0.1:$receiver_port/hook" <<'PY'
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
db.execute("INSERT INTO webhook_endpoints (url, description, events, format, secret, enabled, created_at, updated_at)"
           " VALUES (?, 'bench', 'lead.created', 'standard', 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw', 1, 0, 0)", (sys.argv[2],))
db.commit()
PY
python3 -W ignore benches/webhook_latency.py "$base" "$receiver_port" "$work/tokens.txt" "${RATE:-50}" "${SECONDS_RUN:-20}"
