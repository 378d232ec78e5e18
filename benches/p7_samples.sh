#!/usr/bin/env bash
# P7: sample downloads per second through signed links (each one verified,
# counted and recorded as a lead event) against nginx serving the same PDF
# from disk, in the same run on the same machine. Needs wrk, nginx, sqlite3,
# python3, curl. `benches/run.sh` runs it last; it also runs alone:
#
#   DURATION=10s bash benches/p7_samples.sh
set -euo pipefail
cd "$(dirname "$0")/.."

DURATION=${DURATION:-10s}
work=$(mktemp -d /tmp/reportdesk-p7.XXXXXX)
bin=$PWD/target/release/reportdesk
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  [ -f "$work/nginx.pid" ] && kill "$(cat "$work/nginx.pid")" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

export REPORTDESK_SECRET_KEY=$(python3 -c 'import secrets; print(secrets.token_hex(64))')
export REPORTDESK_DATABASE_URL="sqlite://$work/reportdesk.sqlite3"
export REPORTDESK_MAIL_URL="file://$work/mail"
export REPORTDESK_LOG=warn
export REPORTDESK_FORM_MIN_SECONDS=0
# One link downloaded for the whole run.
export REPORTDESK_SAMPLE_MAX_DOWNLOADS=1000000000
export REPORTDESK_SAMPLE_LINK_DAYS=3650
port=$(free_port)
export REPORTDESK_BIND="127.0.0.1:$port"
base="http://127.0.0.1:$port"
form="$base/reports/global-medical-second-opinion-market/sample-request"

(cd "$work" && exec "$bin" serve) >>"$work/app.log" 2>&1 &
pids+=("$!")
for _ in $(seq 100); do curl -fs "$base/healthz" >/dev/null 2>&1 && break; sleep 0.1; done

# One sample request from a business address: its confirmation has the link.
token=$(curl -fs "$form" | grep -o 'name="form_token" value="[^"]*"' | sed 's/.*value="//;s/"//')
curl -fs -o /dev/null --data-urlencode "form_token=$token" -d name=Jane+Doe \
  -d email=jane.doe@acme-health.com -d company=Acme+Health -d country=GB \
  -d consent=yes -d website= "$form"
link=$(sqlite3 "$work/reportdesk.sqlite3" \
  "SELECT body_text FROM outbox WHERE kind = 'buyer_confirmation'" | grep -o '/samples/[A-Za-z0-9_-]*' | head -1)
mkdir -p "$work/www"
curl -fs "$base$link" -o "$work/www/sample.pdf"
size=$(stat -c %s "$work/www/sample.pdf")

nginx_port=$(free_port)
cat >"$work/nginx.conf" <<NGINX
worker_processes auto;
pid $work/nginx.pid;
error_log $work/nginx-error.log;
events { worker_connections 1024; }
http {
  access_log off;
  sendfile on;  # as Debian's own nginx.conf: the baseline at its best
  server {
    listen 127.0.0.1:$nginx_port;
    root $work/www;
    location / { default_type application/pdf; }
  }
}
NGINX
# nginx's workers run as nobody: they need to enter the 0700 mktemp folder,
# or every baseline request is a fast 403 (the P1 and P7 figures before the
# twelfth session were). The baseline must send the very bytes we send.
chmod 755 "$work"
nginx -c "$work/nginx.conf"
curl -fs "http://127.0.0.1:$nginx_port/sample.pdf" | cmp -s - "$work/www/sample.pdf" || { echo "nginx does not serve the same bytes" >&2; exit 1; }
wrk_figures() { # prints "req/s p99_ms", nothing (so `read` stops the script) on error statuses
  wrk -t2 -c64 -d"$DURATION" --latency -s benches/p95.lua "$1" | awk '
    /Requests\/sec/ {rps=$2} /^p99_ms/ {p99=$2} END {if (p99 != "failed") print rps, p99}'
}
read -r nginx_rps nginx_p99 < <(wrk_figures "http://127.0.0.1:$nginx_port/sample.pdf")
read -r app_rps app_p99 < <(wrk_figures "$base$link")
counted=$(sqlite3 "$work/reportdesk.sqlite3" "SELECT downloads FROM sample_deliveries")
printf 'P7 sample downloads (%s bytes): reportdesk %s req/s p99 %s ms (%s counted) | nginx %s req/s p99 %s ms | ratio %s\n' \
  "$size" "$app_rps" "$app_p99" "$counted" "$nginx_rps" "$nginx_p99" \
  "$(python3 -c "print(f'{$app_rps/$nginx_rps:.2f}x rps')")"
