#!/usr/bin/env bash
# P3 for the desk's work queues: p95 of every queue tab, My day and the
# dashboard at 1,000,000 generated leads (owned by ten users, follow-ups in
# flight, some buyers' replies waiting), against `/healthz` on the same
# server in the same run. Needs wrk, sqlite3, python3, curl.
#
#   bash benches/p3_queues.sh
#   LEADS=100000 DURATION=5s bash benches/p3_queues.sh
set -euo pipefail
cd "$(dirname "$0")/.."

LEADS=${LEADS:-1000000}
DURATION=${DURATION:-10s}
work=$(mktemp -d /tmp/reportdesk-p3q.XXXXXX)
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
export REPORTDESK_DATABASE_URL="sqlite://$work/queues.sqlite3"
export REPORTDESK_MAIL_URL="file://$work/mail"
export REPORTDESK_LOG=warn
# Every hour counts, so how many leads are overdue does not depend on the
# weekday the benchmark runs. The generator records the escalations a desk
# would have made over its year, so only the last day's leads are escalated
# while the pages are measured.
export REPORTDESK_WORKING_HOURS=always
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

(cd "$work" && exec "$bin" serve) >>"$work/app.log" 2>&1 &
pids+=("$!")
for _ in $(seq 100); do curl -fs "$base/healthz" >/dev/null 2>&1 && break; sleep 0.1; done
csrf=$(curl -fs -c "$work/cookies" "$base/admin/login" | grep -o 'name="csrf_token" value="[^"]*"' | sed 's/.*value="//;s/"//')
curl -fs -b "$work/cookies" -c "$work/cookies" -o /dev/null -d "csrf_token=$csrf&email=bench@example.com&password=$password" "$base/admin/login"
cookie=$(awk '$6 == "rd_session" {print "rd_session=" $7}' "$work/cookies")
me=$(sqlite3 "$work/queues.sqlite3" "SELECT id FROM users WHERE email = 'bench@example.com'")

# The tabs' counts, as the list shows them (a sanity check that the queues
# hold leads), then each page's p95 with one client.
curl -fs -H "Cookie: $cookie" "$base/admin/leads" | tr -d '\n' | grep -o 'aria-label="Queues".*</nav>' \
  | grep -o '<li><a href="[^"]*">[^<]*<span class="count">[^<]*' | sed 's/.*">\([^<]*\)<span class="count">/\1/' | paste -sd'|' -
p95() { wrk -t1 -c1 -d"$DURATION" -s benches/p95.lua -H "Cookie: $cookie" "$base$1" | awk '/^p95_ms/ {print $2}'; }
printf 'P3 queues at %s leads, p95 ms: all %s | Mine %s | Unowned %s | Overdue %s | Follow-up due %s | Buyer replied %s | My day %s | dashboard %s | baseline healthz %s\n' \
  "$LEADS" "$(p95 /admin/leads)" "$(p95 "/admin/leads?assignee=$me")" "$(p95 '/admin/leads?assignee=none')" \
  "$(p95 '/admin/leads?queue=overdue')" "$(p95 '/admin/leads?queue=follow-up')" "$(p95 '/admin/leads?queue=replied')" \
  "$(p95 /admin/my-day)" "$(p95 /admin)" "$(p95 /healthz)"
