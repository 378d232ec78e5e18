#!/usr/bin/env bash
# P9: `GET /api/v1/leads` with the CRM's usual filters at 1,000,000 generated
# leads: p95 with one client, against `/healthz` on the same server in the
# same run (the ratio). Needs wrk, sqlite3, python3, curl.
#
#   bash benches/p9_api.sh
#   LEADS=100000 DURATION=5s bash benches/p9_api.sh
set -euo pipefail
cd "$(dirname "$0")/.."

LEADS=${LEADS:-1000000}
DURATION=${DURATION:-10s}
work=$(mktemp -d /tmp/reportdesk-p9.XXXXXX)
bin=$PWD/target/release/reportdesk
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

cargo build --release --quiet
export REPORTDESK_SECRET_KEY=$(python3 -c 'import secrets; print(secrets.token_hex(64))')
export REPORTDESK_DATABASE_URL="sqlite://$work/api.sqlite3"
export REPORTDESK_MAIL_URL="file://$work/mail"
export REPORTDESK_LOG=warn
export REPORTDESK_API_REQUESTS_PER_MINUTE=100000000
port=$(free_port)
export REPORTDESK_BIND="127.0.0.1:$port"
base="http://127.0.0.1:$port"

password=tangerine-orbit-42
echo "$password" | "$bin" user add --email bench@example.com --name Bench --role admin --password-stdin >/dev/null
for n in $(seq 9); do
  echo "$password" | "$bin" user add --email "sales$n@example.com" --name "Sales $n" --role sales --password-stdin >/dev/null
done
start=$(date +%s.%N)
"$bin" generate leads --count "$LEADS" >/dev/null
printf 'generated %s leads in %.0f s\n' "$LEADS" "$(python3 -c "print($(date +%s.%N)-$start)")"

# A read token, stored as the admin page stores one (its SHA-256).
token=rdk_bench$(python3 -c 'import secrets; print(secrets.token_urlsafe(32))')
hash=$(printf '%s' "$token" | sha256sum | cut -d' ' -f1)
sqlite3 "$work/api.sqlite3" "INSERT INTO api_tokens (name, scope, token_hash, prefix, created_by, created_at)
  SELECT 'bench', 'read', '$hash', 'rdk_bench', id, 0 FROM users WHERE email = 'bench@example.com'"
owner=$(sqlite3 "$work/api.sqlite3" "SELECT id FROM users WHERE email = 'sales3@example.com'")

(cd "$work" && exec "$bin" serve) >>"$work/app.log" 2>&1 &
pids+=("$!")
for _ in $(seq 100); do curl -fs "$base/healthz" >/dev/null 2>&1 && break; sleep 0.1; done
auth="Authorization: Bearer $token"
# A cursor from the middle of the list: the second page onwards.
cursor=$(curl -fs -H "$auth" "$base/api/v1/leads?limit=200" | python3 -c 'import json,sys; print(json.load(sys.stdin)["next_cursor"])')
p95() { wrk -t1 -c1 -d"$DURATION" -s benches/p95.lua -H "$auth" "$base$1" | awk '/^p95_ms/ {print $2}'; }
day=$(date -u +%Y-%m-%d)
printf 'P9 GET /api/v1/leads at %s leads, p95 ms: newest %s | next page %s | status=new %s | kind=discount %s | assignee %s | status=won&kind=inquiry %s | from..to today %s | q=company %s | baseline healthz %s\n' \
  "$LEADS" "$(p95 '/api/v1/leads')" "$(p95 "/api/v1/leads?cursor=$cursor")" "$(p95 '/api/v1/leads?status=new')" \
  "$(p95 '/api/v1/leads?kind=discount')" "$(p95 "/api/v1/leads?assignee=$owner")" "$(p95 '/api/v1/leads?status=won&kind=inquiry')" \
  "$(p95 "/api/v1/leads?from=$day&to=$day")" "$(p95 '/api/v1/leads?q=globex')" "$(p95 /healthz)"
