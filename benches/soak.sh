#!/usr/bin/env bash
# Soak (not in CI): mixed load for SOAK_MINUTES (default 10) against a release
# build on SQLite; prints errors and the RSS every 30 s, which must stay flat.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
minutes=${SOAK_MINUTES:-10}
bench_setup soak
export REPORTDESK_FORM_MIN_SECONDS=0 REPORTDESK_RATE_LIMIT_PER_MINUTE=1000000000 REPORTDESK_CONFIRMATIONS_PER_CLIENT_PER_HOUR=1000000000
start_app
"$bin" generate form-tokens --count 500000 >"$work/tokens"
echo "$password" | "$bin" user add --email bench@example.com --name Soak --role admin --password-stdin >/dev/null
cookie=$(session_cookie)
( for _ in $(seq $((minutes * 2))); do sleep 30; echo "rss $(awk '/^VmRSS/ {print $2}' "/proc/$app_pid/status") KiB"; done ) &
rss_sampler=$!
wrk -t2 -c32 -d"${minutes}m" -s benches/mixed.lua "$base" -- "$work/tokens" "$cookie" | grep -E 'Requests/sec|requests|Latency'
wait "$rss_sampler"  # not the server, which is a child too
echo "leads stored: $(sqlite3 "$db_file" 'SELECT count(*) FROM leads')"
