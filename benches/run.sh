#!/usr/bin/env bash
# Benchmarks, each against a baseline measured in the same run on the same
# machine. Needs: wrk, nginx, sqlite3, python3 (Debian packages). Prints one
# line per figure; BENCHMARKS.md records a run.
#
#   bash benches/run.sh            # 1,000,000 generated leads for P3/P4
#   LEADS=100000 bash benches/run.sh
#   ONLY_P1=1 bash benches/run.sh  # P1 and P6 only (P1_ROUNDS=5 rounds)
set -euo pipefail
source "$(dirname "$0")/lib.sh"
for tool in wrk nginx sqlite3 python3; do
  command -v "$tool" >/dev/null || { say "missing $tool (apt-get install wrk nginx-light sqlite3)"; exit 1; }
done

LEADS=${LEADS:-1000000}
DURATION=${DURATION:-10s}
bench_setup bench
rss_kib() { awk '/^VmRSS/ {print $2}' "/proc/$1/status"; }
peak_kib() { awk '/^VmHWM/ {print $2}' "/proc/$1/status"; }
export REPORTDESK_FORM_MIN_SECONDS=0
export REPORTDESK_RATE_LIMIT_PER_MINUTE=1000000000
export REPORTDESK_CONFIRMATIONS_PER_CLIENT_PER_HOUR=1000000000
page="/reports/global-medical-second-opinion-market"

say "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(uname -r)"
start_app
curl -fs "$base$page" >/dev/null
sleep 1
idle=$(rss_kib "$app_pid")

# --- P1: report page vs nginx serving the same bytes ------------------------
mkdir -p "$work/www$page"
curl -fs "$base$page" >"$work/www$page/index.html"
# sendfile off: nginx's p99 here was 4.7-6.7 ms with it off, 26-37 ms on.
start_nginx "$work/www" text/html "$page" "$work/www$page/index.html" off
# One run of each is a coin toss on two shared cores: in a single 10 s run
# either server's p99 moved 2-4x from run to run (nginx's 4.7-24 ms, ours
# 3-8 ms). So the two are measured in turns, $P1_ROUNDS rounds, and the
# figure is each side's median; every round is printed too.
P1_ROUNDS=${P1_ROUNDS:-5}
for round in $(seq "$P1_ROUNDS"); do
  read -r nginx_rps nginx_p99 < <(wrk_figures "$nginx_base$page")
  read -r app_rps app_p99 < <(wrk_figures "$base$page")
  say "P1 round $round: reportdesk $app_rps req/s p99 $app_p99 ms | nginx $nginx_rps req/s p99 $nginx_p99 ms"
  echo "$app_rps $app_p99 $nginx_rps $nginx_p99" >>"$work/p1.txt"
done
# The kernel's high-water mark, not a sampler: a sampler forking every 0.2 s
# on the two cores was itself a source of the tail being measured.
peak_load=$(peak_kib "$app_pid")
say "P1 report page, median of $P1_ROUNDS rounds: $(python3 - "$work/p1.txt" <<'PY'
import statistics, sys
rounds = [list(map(float, line.split())) for line in open(sys.argv[1])]
app_rps, app_p99, nginx_rps, nginx_p99 = (statistics.median(column) for column in zip(*rounds))
print(f"reportdesk {app_rps:.0f} req/s p99 {app_p99:.2f} ms | nginx {nginx_rps:.0f} req/s p99 {nginx_p99:.2f} ms"
      f" | ratio {app_rps / nginx_rps:.2f}x rps, {app_p99 / nginx_p99:.2f}x p99")
PY
)"
say "P6 RSS: idle $((idle / 1024)) MiB, under P1 load $((peak_load / 1024)) MiB"
# ONLY_P1=1 stops here: the report page check after a change to the page.
[ "${ONLY_P1:-}" = 1 ] && exit 0

# --- P2: durable submits vs sqlite3 single-row autocommit inserts -----------
# Measured twice: with the outbox worker delivering every mail (to file://)
# on the same two cores at the same time, and with deliveries held by an SMTP
# server that accepts connections and never answers (the submit path alone).
"$bin" generate form-tokens --count 200000 >"$work/tokens.txt"
submits() { # prints "submits/s leads_stored"
  local db=$1
  wrk -t2 -c16 -d"$DURATION" -s benches/submit.lua "$base$page/inquiry" -- "$work/tokens.txt" >"$work/p2.txt"
  grep -q '^non-303 responses: 0$' "$work/p2.txt" || { say "P2: some submits were not accepted"; cat "$work/p2.txt" >&2; }
  echo "$(awk '/Requests\/sec/ {print $2}' "$work/p2.txt") $(sqlite3 "$db" 'SELECT count(*) FROM leads')"
}
read -r submit_rps stored < <(submits "$db_file")
stop_app
silent_port=$(free_port)
python3 -c "
import socket, sys, time
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(('127.0.0.1', int(sys.argv[1]))); s.listen(64); held = []
while True: held.append(s.accept()[0])
" "$silent_port" &
pids+=("$!")
export REPORTDESK_DATABASE_URL="sqlite://$work/submits-alone.sqlite3" REPORTDESK_MAIL_URL="smtp://127.0.0.1:$silent_port"
start_app
read -r alone_rps alone_stored < <(submits "$work/submits-alone.sqlite3")
rows=2000
{
  echo "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;"
  echo "CREATE TABLE t (id INTEGER PRIMARY KEY, email TEXT, company TEXT, message TEXT, created_at INTEGER);"
  for i in $(seq $rows); do echo "INSERT INTO t (email, company, message, created_at) VALUES ('b$i@acme.example', 'Acme', 'Benchmark inquiry', $i);"; done
} >"$work/baseline.sql"
start=$(date +%s.%N); sqlite3 "$work/baseline.db" <"$work/baseline.sql" >/dev/null; end=$(date +%s.%N)
baseline_rps=$(python3 -c "print(f'{$rows/($end-$start):.0f}')")
ratio() { python3 -c "print(f'{$1/$baseline_rps:.2f}x')"; }
say "P2 durable submits: reportdesk $submit_rps submits/s with mails delivered alongside ($stored leads stored), $alone_rps submits/s with deliveries held ($alone_stored stored) | sqlite3 autocommit inserts $baseline_rps rows/s | ratio $(ratio "$submit_rps"), $(ratio "$alone_rps")"

# --- P5: submit -> mail accepted by a local SMTP server (its own script) ----
stop_app
bash benches/p5_mail_latency.sh
export REPORTDESK_MAIL_URL="file://$work/mail"
export REPORTDESK_DATABASE_URL="sqlite://$work/million.sqlite3"
# The generated year of history holds ~300,000 `new` leads long past their
# first-response targets. A real desk escalated each as it went overdue; here
# the app would start mailing about them, 300 every 5 s, in the middle of the
# measurement. Targets of a year keep that background work out of P3 and P4.
export REPORTDESK_RESPONSE_TARGET_DISCOUNT_MINUTES=525600
export REPORTDESK_RESPONSE_TARGET_SAMPLE_REQUEST_MINUTES=525600
export REPORTDESK_RESPONSE_TARGET_INQUIRY_MINUTES=525600

# --- P3 and P4 at $LEADS leads ----------------------------------------------
start=$(date +%s.%N)
"$bin" generate leads --count "$LEADS" >/dev/null
say "generated $LEADS leads in $(python3 -c "print(f'{$(date +%s.%N)-$start:.0f}')") s"
echo "$password" | "$bin" user add --email bench@example.com --name Bench --role admin --password-stdin >/dev/null
start_app
cookie=$(session_cookie)
list_p95() { p95 "$1" -H "Cookie: $cookie"; }
say "P3 /admin/leads at $LEADS leads, p95: first page $(list_p95 /admin/leads) ms | status filter $(list_p95 '/admin/leads?status=new') ms | filter + search matching one person in 12 $(list_p95 '/admin/leads?status=new&q=acme') ms | filter + search matching a few people $(list_p95 '/admin/leads?status=new&q=buyer%2012345') ms | baseline: healthz $(list_p95 /healthz) ms"
stop_app
start_app
# Three exports; the median is the figure (the first also warms the caches).
for run in 1 2 3; do
  start=$(date +%s.%N)
  exported=$(curl -fs -H "Cookie: $cookie" "$base/admin/leads/export.csv?status=" | wc -l)
  end=$(date +%s.%N)
  python3 -c "print(f'{($exported-1)/($end-$start):.0f}')"
done >"$work/p4.txt"
say "P4 CSV export: $((exported - 1)) rows, three runs $(sort -n "$work/p4.txt" | paste -sd' ' -) rows/s, median $(sort -n "$work/p4.txt" | sed -n 2p) rows/s, peak RSS $(( $(peak_kib "$app_pid") / 1024 )) MiB"
bash benches/p7_samples.sh
