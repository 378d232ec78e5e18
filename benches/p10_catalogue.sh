#!/usr/bin/env bash
# P10: the catalogue and the report page at 10,000 generated reports: p95
# with one client of a word search, an industry page, a search within an
# industry, a deep page, and a report page (cached and in another
# currency), against `/healthz` on the same server in the same run (the
# ratio). Needs wrk, python3, curl.
#
#   bash benches/p10_catalogue.sh
#   REPORTS=2000 DURATION=5s bash benches/p10_catalogue.sh
set -euo pipefail
source "$(dirname "$0")/lib.sh"
REPORTS=${REPORTS:-10000}
DURATION=${DURATION:-10s}
bench_setup p10-catalogue
export REPORTDESK_RATE_LIMIT_PER_MINUTE=100000000

(cd "$work" && "$bin" generate reports --count "$REPORTS")
start_app
slug=$(curl -fs "$base/industries/energy" | python3 -c 'import re,sys; print(re.search(r"<h2><a href=\"/reports/([^\"]+)\"", sys.stdin.read()).group(1))')
printf 'P10 at %s reports, p95 ms: catalogue %s | q=hydrogen %s | q=cloud+security %s | industry page %s | q=market&industry=energy %s | page 250 %s | report page %s | report in EUR %s | baseline healthz %s\n' \
  "$REPORTS" "$(p95 '/')" "$(p95 '/?q=hydrogen')" "$(p95 '/?q=cloud+security')" "$(p95 '/industries/healthcare')" \
  "$(p95 '/?q=market&industry=energy')" "$(p95 '/?page=250')" "$(p95 "/reports/$slug")" "$(p95 "/reports/$slug?currency=EUR")" "$(p95 /healthz)"
# First drawings (cache misses): 60 reports' pages (related reports read at
# 10,000 reports) and their share images (drawn by resvg), one request each.
slugs=$(for p in 2 3 4; do curl -fs "$base/?page=$p"; done | python3 -c 'import re,sys; print(" ".join(re.findall(r"<h2><a href=\"/reports/([^\"]+)\"", sys.stdin.read())))')
first() {
  for s in $slugs; do curl -fs -o /dev/null -w '%{time_total}\n' "$base/reports/$s$1"; done |
    python3 -c 'import sys; t=sorted(float(x)*1000 for x in sys.stdin); print(f"{t[int(len(t)*0.95)-1]:.2f} (median {t[len(t)//2]:.2f})")'
}
printf 'P10 first drawings, p95 ms of %s: report page %s | share image %s\n' \
  "$(echo $slugs | wc -w)" "$(first '')" "$(first '/share.png')"
