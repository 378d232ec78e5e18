#!/usr/bin/env bash
# P9: `GET /api/v1/leads` with the CRM's usual filters at 1,000,000 generated
# leads: p95 with one client, against `/healthz` on the same server in the
# same run (the ratio). Needs wrk, sqlite3, python3, curl.
#
#   bash benches/p9_api.sh
#   LEADS=100000 DURATION=5s bash benches/p9_api.sh
set -euo pipefail
source "$(dirname "$0")/lib.sh"
LEADS=${LEADS:-1000000}
DURATION=${DURATION:-10s}
bench_setup p9-api
export REPORTDESK_API_REQUESTS_PER_MINUTE=100000000

add_desk_users
start=$(date +%s.%N)
"$bin" generate leads --count "$LEADS" >/dev/null
printf 'generated %s leads in %.0f s\n' "$LEADS" "$(python3 -c "print($(date +%s.%N)-$start)")"

# A read token, stored as the admin page stores one (its SHA-256).
token=rdk_bench$(python3 -c 'import secrets; print(secrets.token_urlsafe(32))')
hash=$(printf '%s' "$token" | sha256sum | cut -d' ' -f1)
sqlite3 "$db_file" "INSERT INTO api_tokens (name, scope, token_hash, prefix, created_by, created_at)
  SELECT 'bench', 'read', '$hash', 'rdk_bench', id, 0 FROM users WHERE email = 'bench@example.com'"
owner=$(sqlite3 "$db_file" "SELECT id FROM users WHERE email = 'sales3@example.com'")

start_app
auth="Authorization: Bearer $token"
# A cursor from the middle of the list: the second page onwards.
cursor=$(curl -fs -H "$auth" "$base/api/v1/leads?limit=200" | python3 -c 'import json,sys; print(json.load(sys.stdin)["next_cursor"])')
api_p95() { p95 "$1" -H "$auth"; }
day=$(date -u +%Y-%m-%d)
printf 'P9 GET /api/v1/leads at %s leads, p95 ms: newest %s | next page %s | status=new %s | kind=discount %s | assignee %s | status=won&kind=inquiry %s | from..to today %s | q=company %s | baseline healthz %s\n' \
  "$LEADS" "$(api_p95 '/api/v1/leads')" "$(api_p95 "/api/v1/leads?cursor=$cursor")" "$(api_p95 '/api/v1/leads?status=new')" \
  "$(api_p95 '/api/v1/leads?kind=discount')" "$(api_p95 "/api/v1/leads?assignee=$owner")" "$(api_p95 '/api/v1/leads?status=won&kind=inquiry')" \
  "$(api_p95 "/api/v1/leads?from=$day&to=$day")" "$(api_p95 '/api/v1/leads?q=globex')" "$(api_p95 /healthz)"
