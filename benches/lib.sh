# The bench scripts' shared set-up: sourced by each of them, never run alone.
# One copy on purpose: the P1 and P7 baselines were measured against nginx's
# 403 page for six sessions because two copies of this set-up had the same
# flaw and nothing checked what the baseline sent.
#
#   source benches/lib.sh
#   bench_setup p7        # work folder, release build, port, the app's settings
#   start_app             # serve, wait until healthy (the log if it never is)

# A TCP port nothing listens on now.
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
say() { printf '%s\n' "$*"; }

# Builds the release binary and prepares a run named $1: `work` (a folder
# removed on exit with everything started from here), `bin`, `port`, `base`,
# `db_file`, and the app's settings for a quiet server on that port with its
# own SQLite file and mail folder. Scripts export more settings after it.
bench_setup() {
  cd "$(dirname "${BASH_SOURCE[0]}")/.."
  cargo build --release --quiet
  work=$(mktemp -d "/tmp/reportdesk-$1.XXXXXX")
  bin=$PWD/target/release/reportdesk
  pids=()
  app_pid=
  trap bench_cleanup EXIT
  export REPORTDESK_SECRET_KEY
  REPORTDESK_SECRET_KEY=$(python3 -c 'import secrets; print(secrets.token_hex(64))')
  db_file=$work/$1.sqlite3
  export REPORTDESK_DATABASE_URL="sqlite://$db_file"
  export REPORTDESK_MAIL_URL="file://$work/mail"
  export REPORTDESK_LOG=warn
  port=$(free_port)
  export REPORTDESK_BIND="127.0.0.1:$port"
  base="http://127.0.0.1:$port"
}

bench_cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  [ -f "$work/nginx.pid" ] && kill "$(cat "$work/nginx.pid")" 2>/dev/null
  # Until they have stopped, the server may still be writing into $work.
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  rm -rf "$work"
}

# Starts the server (its log in $work/app.log) and waits until it answers.
# In a session of its own, as nginx puts itself (it daemonises) and as a
# service manager starts it: with the kernel's autogroups on, a server left in
# the script's session shares wrk's CPU group and is scheduled unlike nginx.
start_app() {
  (cd "$work" && exec setsid "$bin" serve) >>"$work/app.log" 2>&1 &
  app_pid=$!
  pids+=("$app_pid")
  for _ in $(seq 100); do curl -fs "$base/healthz" >/dev/null 2>&1 && return; sleep 0.1; done
  say "reportdesk did not start"
  cat "$work/app.log"
  exit 1
}
stop_app() { kill "$app_pid"; wait "$app_pid" 2>/dev/null || true; app_pid=; }

# An admin (bench@example.com) and nine sales people, all with $password.
password=tangerine-orbit-42
add_desk_users() {
  echo "$password" | "$bin" user add --email bench@example.com --name Bench --role admin --password-stdin >/dev/null
  for n in $(seq 9); do
    echo "$password" | "$bin" user add --email "sales$n@example.com" --name "Sales $n" --role sales --password-stdin >/dev/null
  done
}

# Signs bench@example.com in; prints the session cookie ("rd_session=…").
session_cookie() {
  local jar=$work/cookies csrf
  csrf=$(curl -fs -c "$jar" "$base/admin/login" | grep -o 'name="csrf_token" value="[^"]*"' | sed 's/.*value="//;s/"//')
  curl -fs -b "$jar" -c "$jar" -o /dev/null -d "csrf_token=$csrf&email=bench@example.com&password=$password" "$base/admin/login"
  awk '$6 == "rd_session" {print "rd_session=" $7}' "$jar"
}

# p95 in ms of one client asking for $base$1 for $DURATION (more wrk
# arguments after it, e.g. -H "Cookie: …"); "failed" if any answer was an
# error (benches/p95.lua).
p95() {
  local path=$1
  shift
  wrk -t1 -c1 -d"$DURATION" -s benches/p95.lua "$@" "$base$path" | awk '/^p95_ms/ {print $2}'
}

# "req/s p99_ms" of 64 connections on the URL $1 for $DURATION; nothing when
# any answer was an error, so `read -r rps p99 < <(wrk_figures …)` stops the
# script instead of reporting an error page's speed.
wrk_figures() {
  wrk -t2 -c64 -d"$DURATION" --latency -s benches/p95.lua "$1" | awk '
    /Requests\/sec/ {rps=$2} /^p99_ms/ {p99=$2} END {if (p99 != "failed") print rps, p99}'
}

# nginx serving the folder $1 (default type $2) on a port of its own, with
# `sendfile` $5 (`off` is nginx's own default, `on` is Debian's nginx.conf;
# each bench takes the one nginx does better at on its measure); sets
# `nginx_base`. nginx's workers run as nobody, so the 0700 work folder is
# opened to them. The URL $3 must send exactly the file $4, checked before
# anything is measured.
start_nginx() {
  local root=$1 type=$2 url_path=$3 file=$4 sendfile=$5 nginx_port
  nginx_port=$(free_port)
  cat >"$work/nginx.conf" <<NGINX
worker_processes auto;
pid $work/nginx.pid;
error_log $work/nginx-error.log;
events { worker_connections 1024; }
http {
  access_log off;
  sendfile $sendfile;
  server {
    listen 127.0.0.1:$nginx_port;
    root $root;
    location / { default_type $type; try_files \$uri \$uri/index.html =404; }
  }
}
NGINX
  chmod 755 "$work"
  nginx -c "$work/nginx.conf"
  nginx_base="http://127.0.0.1:$nginx_port"
  curl -fs "$nginx_base$url_path" | cmp -s - "$file" || {
    say "nginx does not send the same bytes as $file"
    cat "$work/nginx-error.log"
    exit 1
  }
}
