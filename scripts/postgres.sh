#!/usr/bin/env bash
# The local PostGIS cluster under the repo: data in var/postgres, Unix socket in var/run, no TCP
# port and no system service. As root, the server runs as the unprivileged `postgres` user
# (PostgreSQL refuses to run as root). Does nothing when DATABASE_URL is set.
# Usage: scripts/postgres.sh start|stop|status|psql
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
PGDATA=$ROOT/var/postgres
SOCK=$ROOT/var/run
LOG=$ROOT/var/log/postgres.log
PORT=${GEITONIA_PGPORT:-5432}
DB=${GEITONIA_DB_NAME:-geitonia}
PGUSER_=geitonia
PGBIN=/usr/lib/postgresql/$(ls /usr/lib/postgresql/ | sort -V | tail -1)/bin

as_owner() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

init() {
  [ -f "$PGDATA/PG_VERSION" ] && return 0
  echo "==> Initialising a PostGIS cluster in var/postgres"
  mkdir -p "$PGDATA" "$SOCK" "$(dirname "$LOG")"
  if [ "$(id -u)" = 0 ]; then
    id postgres >/dev/null 2>&1 || { echo "No 'postgres' user: is the postgresql package installed?" >&2; exit 1; }
    chown postgres: "$PGDATA" "$SOCK" "$(dirname "$LOG")"
    # the server user must be able to reach the repo
    if ! runuser -u postgres -- test -x "$ROOT/var"; then
      echo "The 'postgres' user cannot enter $ROOT; make its parent directories world-executable" \
           "(chmod o+x) or set DATABASE_URL to an existing PostGIS." >&2
      exit 1
    fi
  fi
  chmod 700 "$PGDATA"
  as_owner "$PGBIN/initdb" -D "$PGDATA" -U "$PGUSER_" --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null
  cat >> "$PGDATA/postgresql.conf" <<CONF
# Geitonia: a private cluster reachable only through the socket in var/run
listen_addresses = ''
unix_socket_directories = '$SOCK'
unix_socket_permissions = 0770
port = $PORT
shared_buffers = 512MB
work_mem = 32MB
maintenance_work_mem = 256MB
jit = off
max_connections = 200
CONF
}

start() {
  init
  mkdir -p "$SOCK"
  [ "$(id -u)" = 0 ] && chown postgres: "$SOCK"
  if ! as_owner "$PGBIN/pg_ctl" -D "$PGDATA" status >/dev/null 2>&1; then
    echo "==> Starting PostgreSQL (socket in var/run)"
    as_owner "$PGBIN/pg_ctl" -D "$PGDATA" -l "$LOG" -w -t 60 start >/dev/null || {
      echo "PostgreSQL did not start; see $LOG:" >&2; tail -20 "$LOG" >&2; exit 1; }
  fi
  local exists
  exists=$("$PGBIN/psql" -h "$SOCK" -p "$PORT" -U "$PGUSER_" -d postgres -tAc \
    "SELECT 1 FROM pg_database WHERE datname = '$DB'")
  if [ "$exists" != 1 ]; then
    "$PGBIN/createdb" -h "$SOCK" -p "$PORT" -U "$PGUSER_" "$DB"
  fi
}

case "${1:-start}" in
  start) [ -n "${DATABASE_URL:-}" ] && exit 0; start ;;
  stop) [ -f "$PGDATA/PG_VERSION" ] && as_owner "$PGBIN/pg_ctl" -D "$PGDATA" -m fast stop || true ;;
  status) as_owner "$PGBIN/pg_ctl" -D "$PGDATA" status ;;
  psql) shift; exec "$PGBIN/psql" -h "$SOCK" -p "$PORT" -U "$PGUSER_" "$DB" "$@" ;;
  *) echo "usage: $0 start|stop|status|psql" >&2; exit 2 ;;
esac
