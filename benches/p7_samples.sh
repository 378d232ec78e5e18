#!/usr/bin/env bash
# P7: sample downloads per second through signed links (each one verified,
# counted and recorded as a lead event) against nginx serving the same PDF
# from disk, in the same run on the same machine. Needs wrk, nginx, sqlite3,
# python3, curl. `benches/run.sh` runs it last; it also runs alone:
#
#   DURATION=10s bash benches/p7_samples.sh
set -euo pipefail
source "$(dirname "$0")/lib.sh"
DURATION=${DURATION:-10s}
bench_setup p7
export REPORTDESK_FORM_MIN_SECONDS=0
# One link downloaded for the whole run.
export REPORTDESK_SAMPLE_MAX_DOWNLOADS=1000000000
export REPORTDESK_SAMPLE_LINK_DAYS=3650
form="$base/reports/global-medical-second-opinion-market/sample-request"
start_app

# One sample request from a business address: its confirmation has the link.
token=$(curl -fs "$form" | grep -o 'name="form_token" value="[^"]*"' | sed 's/.*value="//;s/"//')
curl -fs -o /dev/null --data-urlencode "form_token=$token" -d name=Jane+Doe \
  -d email=jane.doe@acme-health.com -d company=Acme+Health -d country=GB \
  -d consent=yes -d website= "$form"
link=$(sqlite3 "$db_file" \
  "SELECT body_text FROM outbox WHERE kind = 'buyer_confirmation'" | grep -o '/samples/[A-Za-z0-9_-]*' | head -1)
mkdir -p "$work/www"
curl -fs "$base$link" -o "$work/www/sample.pdf"
size=$(stat -c %s "$work/www/sample.pdf")

# sendfile on: nginx's faster setting for sending this file (about 25,000/s
# against 20,000-24,000 with it off).
start_nginx "$work/www" application/pdf /sample.pdf "$work/www/sample.pdf" on
read -r nginx_rps nginx_p99 < <(wrk_figures "$nginx_base/sample.pdf")
read -r app_rps app_p99 < <(wrk_figures "$base$link")
counted=$(sqlite3 "$db_file" "SELECT downloads FROM sample_deliveries")
printf 'P7 sample downloads (%s bytes): reportdesk %s req/s p99 %s ms (%s counted) | nginx %s req/s p99 %s ms | ratio %s\n' \
  "$size" "$app_rps" "$app_p99" "$counted" "$nginx_rps" "$nginx_p99" \
  "$(python3 -c "print(f'{$app_rps/$nginx_rps:.2f}x rps')")"
