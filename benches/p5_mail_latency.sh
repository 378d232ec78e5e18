#!/usr/bin/env bash
# P5: a lead submitted → its sales notification accepted by a local SMTP
# server, 200 leads, p50/p99. Three legs, each on a database of its own:
# plain; every mail DKIM-signed (RSA 2048); and with inbound mail set up
# (every mail's envelope sender its own bounce address, the buyer's Reply-To
# the lead's reply address). `benches/run.sh` runs it; it also runs alone:
#
#   bash benches/p5_mail_latency.sh
set -euo pipefail
source "$(dirname "$0")/lib.sh"
bench_setup p5
export REPORTDESK_FORM_MIN_SECONDS=0
export REPORTDESK_RATE_LIMIT_PER_MINUTE=1000000000
export REPORTDESK_CONFIRMATIONS_PER_CLIENT_PER_HOUR=1000000000
smtp_port=$(free_port)
export REPORTDESK_MAIL_URL="smtp://127.0.0.1:$smtp_port"

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
