#!/usr/bin/env bash
# A private PostgreSQL server for the tests (Debian's postgresql package, no
# system service): its own data directory and port, listening on 127.0.0.1
# only, with its unix socket inside the data directory. Idempotent: a server
# already running is reused. Prints the URL tests read from
# OSSEMU_TEST_POSTGRES_URL.
#
#   scripts/start-postgres.sh [start]   initialise if needed, start, print the URL
#   scripts/start-postgres.sh stop      stop the server (the data stays)
#   scripts/start-postgres.sh url       print the URL only
#
# OSSEMU_PG_DIR and OSSEMU_PG_PORT override the directory and the port; by
# default both derive from this checkout's path, so two checkouts on one
# machine get two servers. As root, the server runs as the postgres user
# (PostgreSQL refuses to run as root).
set -euo pipefail
cd "$(dirname "$0")/.."
sum=$(printf '%s' "$PWD" | cksum | cut -d' ' -f1)
dir=${OSSEMU_PG_DIR:-${TMPDIR:-/tmp}/ossemu-pg-$sum}
port=${OSSEMU_PG_PORT:-$((20000 + sum % 20000))}
url="postgres://ossemu@127.0.0.1:$port/ossemu?sslmode=disable"

bindir=$(find /usr/lib/postgresql -maxdepth 2 -name bin -type d 2>/dev/null | sort -V | tail -n1)
if [ -z "$bindir" ] || [ ! -x "$bindir/initdb" ]; then
  echo "start-postgres: the PostgreSQL server is not installed (scripts/install-deps.sh installs Debian's postgresql)" >&2
  exit 1
fi
as_pg() {
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

case "${1:-start}" in
start) ;;
stop)
  if [ -f "$dir/data/postmaster.pid" ]; then
    as_pg "$bindir/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null
  fi
  exit 0
  ;;
url)
  echo "$url"
  exit 0
  ;;
*)
  echo "usage: $0 [start|stop|url]" >&2
  exit 2
  ;;
esac

if [ ! -f "$dir/data/PG_VERSION" ]; then
  mkdir -p "$dir"
  chmod 700 "$dir"
  [ "$(id -u)" -eq 0 ] && chown postgres: "$dir"
  # trust: the server accepts only loopback connections and holds test data.
  as_pg "$bindir/initdb" -D "$dir/data" -U ossemu -A trust -E UTF8 --no-sync >"$dir/initdb.log" 2>&1 || {
    cat "$dir/initdb.log" >&2
    exit 1
  }
fi
if ! as_pg "$bindir/pg_ctl" -D "$dir/data" status >/dev/null 2>&1; then
  # max_connections: each test opens its own pool (and LISTEN connection).
  as_pg "$bindir/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 120 \
    -o "-c listen_addresses=127.0.0.1 -c port=$port -c unix_socket_directories=$dir -c max_connections=500" \
    start >/dev/null || {
    tail -n 20 "$dir/server.log" >&2
    exit 1
  }
fi
psql=("$bindir/psql" -h 127.0.0.1 -p "$port" -U ossemu -d postgres -tAq)
if [ "$(as_pg "${psql[@]}" -c "SELECT 1 FROM pg_database WHERE datname = 'ossemu'")" != 1 ]; then
  as_pg "${psql[@]}" -c "CREATE DATABASE ossemu" >/dev/null
fi
echo "$url"
