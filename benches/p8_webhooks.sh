#!/usr/bin/env bash
# P8: a lead submitted → its `lead.created` webhook received by a local
# receiver, at 50 leads/s for 20 s, p50/p99; the baseline is the same body
# posted straight to the same receiver by the load script (the ratio).
# Needs python3, curl.
#
#   bash benches/p8_webhooks.sh
set -euo pipefail
source "$(dirname "$0")/lib.sh"
bench_setup p8
export REPORTDESK_FORM_MIN_SECONDS=0
export REPORTDESK_RATE_LIMIT_PER_MINUTE=1000000000
export REPORTDESK_CONFIRMATIONS_PER_CLIENT_PER_HOUR=1000000000
export REPORTDESK_WEBHOOK_ALLOW_INSECURE=1
export REPORTDESK_WEBHOOK_ALLOW_PRIVATE=1
receiver_port=$(free_port)

"$bin" generate form-tokens --count 1100 >"$work/tokens.txt"
start_app
# The endpoint, as the admin page stores it.
python3 - "$db_file" "http://127.0.0.1:$receiver_port/hook" <<'PY'
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
db.execute("INSERT INTO webhook_endpoints (url, description, events, format, secret, enabled, created_at, updated_at)"
           " VALUES (?, 'bench', 'lead.created', 'standard', 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw', 1, 0, 0)", (sys.argv[2],))
db.commit()
PY
python3 -W ignore benches/webhook_latency.py "$base" "$receiver_port" "$work/tokens.txt" "${RATE:-50}" "${SECONDS_RUN:-20}"
