#!/usr/bin/env bash
# P3 for the desk's work queues: p95 of every queue tab, My day and the
# dashboard at 1,000,000 generated leads (owned by ten users, follow-ups in
# flight, some buyers' replies waiting), against `/healthz` on the same
# server in the same run. Needs wrk, sqlite3, python3, curl.
#
#   bash benches/p3_queues.sh
#   LEADS=100000 DURATION=5s bash benches/p3_queues.sh
set -euo pipefail
source "$(dirname "$0")/lib.sh"
LEADS=${LEADS:-1000000}
DURATION=${DURATION:-10s}
bench_setup p3-queues
# Every hour counts, so how many leads are overdue does not depend on the
# weekday the benchmark runs. The generator records the escalations a desk
# would have made over its year, so only the last day's leads are escalated
# while the pages are measured.
export REPORTDESK_WORKING_HOURS=always

add_desk_users
start=$(date +%s.%N)
"$bin" generate leads --count "$LEADS" >/dev/null
printf 'generated %s leads in %.0f s\n' "$LEADS" "$(python3 -c "print($(date +%s.%N)-$start)")"

start_app
cookie=$(session_cookie)
me=$(sqlite3 "$db_file" "SELECT id FROM users WHERE email = 'bench@example.com'")

# The tabs' counts, as the list shows them (a sanity check that the queues
# hold leads), then each page's p95 with one client.
curl -fs -H "Cookie: $cookie" "$base/admin/leads" | tr -d '\n' | grep -o 'aria-label="Queues".*</nav>' \
  | grep -o '<li><a href="[^"]*">[^<]*<span class="count">[^<]*' | sed 's/.*">\([^<]*\)<span class="count">/\1/' | paste -sd'|' -
desk_p95() { p95 "$1" -H "Cookie: $cookie"; }
printf 'P3 queues at %s leads, p95 ms: all %s | Mine %s | Unowned %s | Overdue %s | Follow-up due %s | Buyer replied %s | My day %s | dashboard %s | baseline healthz %s\n' \
  "$LEADS" "$(desk_p95 /admin/leads)" "$(desk_p95 "/admin/leads?assignee=$me")" "$(desk_p95 '/admin/leads?assignee=none')" \
  "$(desk_p95 '/admin/leads?queue=overdue')" "$(desk_p95 '/admin/leads?queue=follow-up')" "$(desk_p95 '/admin/leads?queue=replied')" \
  "$(desk_p95 /admin/my-day)" "$(desk_p95 /admin)" "$(desk_p95 /healthz)"
