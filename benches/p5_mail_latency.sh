#!/usr/bin/env bash
# P5: a lead submitted → its sales notification accepted by a local SMTP
# server, 200 leads, p50/p99. Three legs, each on a database of its own:
# plain; every mail DKIM-signed (RSA 2048); and with inbound mail set up
# (every mail's envelope sender its own bounce address, the buyer's Reply-To
# the lead's reply address). `benches/run.sh` runs it; it also runs alone:
#
#   bash benches/p5_mail_latency.sh
set -euo pipefail
cd "$(dirname "$0")/.."

cargo build --release --quiet
work=$(mktemp -d /tmp/reportdesk-p5.XXXXXX)
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
port=$(free_port)
export REPORTDESK_BIND="127.0.0.1:$port"
base="http://127.0.0.1:$port"
smtp_port=$(free_port)
export REPORTDESK_MAIL_URL="smtp://127.0.0.1:$smtp_port"

start_app() {
  (cd "$work" && exec "$bin" serve) >>"$work/app.log" 2>&1 &
  app_pid=$!
  for _ in $(seq 100); do curl -fs "$base/healthz" >/dev/null 2>&1 && return; sleep 0.1; done
  echo "reportdesk did not start"; cat "$work/app.log"; exit 1
}
stop_app() { kill "$app_pid"; wait "$app_pid" 2>/dev/null || true; app_pid=; }

# One leg: a fresh database, 300 form tokens, 200 timed leads.
leg() {
  export REPORTDESK_DATABASE_URL="sqlite://$work/$1.sqlite3"
  "$bin" generate form-tokens --count 300 >"$work/$1-tokens.txt"
  start_app
  echo "$1:"
  python3 -W ignore benches/mail_latency.py "$base" "$smtp_port" "$work/$1-tokens.txt" 200
  stop_app
}

leg plain
openssl genrsa -traditional -out "$work/dkim.pem" 2048 2>/dev/null
REPORTDESK_DKIM_SELECTOR=bench REPORTDESK_DKIM_PRIVATE_KEY_FILE="$work/dkim.pem" leg dkim
REPORTDESK_INBOUND_DOMAIN=in.publisher.example leg inbound
