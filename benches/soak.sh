#!/usr/bin/env bash
# Soak (not in CI): mixed load for SOAK_MINUTES (default 10) against a release
# build on SQLite; prints errors and the RSS every 30 s, which must stay flat.
set -euo pipefail
cd "$(dirname "$0")/.."
minutes=${SOAK_MINUTES:-10}
work=$(mktemp -d /tmp/reportdesk-soak.XXXXXX)
trap 'kill $app 2>/dev/null || true; rm -rf "$work"' EXIT
cargo build --release --quiet
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
export REPORTDESK_SECRET_KEY=$(python3 -c 'import secrets; print(secrets.token_hex(64))')
export REPORTDESK_DATABASE_URL="sqlite://$work/db.sqlite3" REPORTDESK_MAIL_URL="file://$work/mail"
export REPORTDESK_LOG=warn REPORTDESK_FORM_MIN_SECONDS=0 REPORTDESK_RATE_LIMIT_PER_MINUTE=1000000000 REPORTDESK_CONFIRMATIONS_PER_CLIENT_PER_HOUR=1000000000
export REPORTDESK_BIND="127.0.0.1:$port"
bin=$PWD/target/release/reportdesk
(cd "$work" && exec "$bin") >"$work/app.log" 2>&1 &
app=$!
for _ in $(seq 100); do curl -fs "http://127.0.0.1:$port/healthz" >/dev/null 2>&1 && break; sleep 0.1; done
"$bin" generate form-tokens --count 500000 >"$work/tokens"
echo "tangerine-orbit-42" | "$bin" user add --email soak@example.com --name Soak --role admin --password-stdin >/dev/null
csrf=$(curl -fs -c "$work/c" "http://127.0.0.1:$port/admin/login" | grep -o 'name="csrf_token" value="[^"]*"' | sed 's/.*value="//;s/"//')
curl -fs -b "$work/c" -c "$work/c" -o /dev/null -d "csrf_token=$csrf&email=soak@example.com&password=tangerine-orbit-42" "http://127.0.0.1:$port/admin/login"
cookie=$(awk '$6 == "rd_session" {print "rd_session=" $7}' "$work/c")
( for _ in $(seq $((minutes * 2))); do sleep 30; echo "rss $(awk '/^VmRSS/ {print $2}' /proc/$app/status) KiB"; done ) &
wrk -t2 -c32 -d"${minutes}m" -s benches/mixed.lua "http://127.0.0.1:$port" -- "$work/tokens" "$cookie" | grep -E 'Requests/sec|requests|Latency'
wait
echo "leads stored: $(sqlite3 "$work/db.sqlite3" 'SELECT count(*) FROM leads')"
