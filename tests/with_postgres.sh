#!/usr/bin/env bash
# Run a command (the test suite) against a throwaway PostgreSQL 15 cluster, then remove it.
# Installs PostgreSQL with apt-get when absent and we are root; its binaries refuse to run
# as root, so the cluster runs as the `postgres` user. Skips (exit 0) on a machine that has
# no PostgreSQL and cannot install it, except in CI, where both legs must run.
set -euo pipefail

PG_BIN=${PG_BIN:-/usr/lib/postgresql/15/bin}

if [ ! -x "$PG_BIN/initdb" ] && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  echo "Installing PostgreSQL 15..."
  apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null || true
fi
if [ ! -x "$PG_BIN/initdb" ]; then
  if [ "${CI:-}" = "true" ]; then
    echo "PostgreSQL 15 is not available at $PG_BIN, and CI must test on it." >&2
    exit 1
  fi
  echo "PostgreSQL 15 not found at $PG_BIN: skipping the PostgreSQL leg."
  exit 0
fi

as_pg() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

workdir=$(mktemp -d /tmp/exchange-pg.XXXXXX)
chmod 755 "$workdir"
[ "$(id -u)" = 0 ] && chown postgres "$workdir"
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')

cleanup() {
  as_pg "$PG_BIN/pg_ctl" -D "$workdir/data" -m immediate stop >/dev/null 2>&1 || true
  rm -rf "$workdir"
}
trap cleanup EXIT

as_pg "$PG_BIN/initdb" -D "$workdir/data" -U postgres -A trust -E UTF8 >/dev/null
# The settings go in the cluster's own configuration, so that a bare `pg_ctl start` (the
# outage test stops and restarts the cluster) brings it back exactly as it was.
as_pg tee -a "$workdir/data/postgresql.conf" >/dev/null <<CONF
port = $port
unix_socket_directories = '$workdir'
listen_addresses = '127.0.0.1'
max_connections = 200
fsync = off
synchronous_commit = off
full_page_writes = off
CONF
as_pg "$PG_BIN/pg_ctl" -D "$workdir/data" -l "$workdir/server.log" -w start >/dev/null
as_pg "$PG_BIN/createdb" -h 127.0.0.1 -p "$port" -U postgres exchange_test

echo "PostgreSQL leg: running on port $port"
# For tests/test_database_outage.py: how to run pg_ctl on this cluster (as the postgres
# user when we are root), its data folder and its log.
pg_ctl_command="$PG_BIN/pg_ctl"
[ "$(id -u)" = 0 ] && pg_ctl_command="runuser -u postgres -- $PG_BIN/pg_ctl"
export EXCHANGE_TEST_PG_CTL="$pg_ctl_command"
export EXCHANGE_TEST_PG_DATA="$workdir/data"
export EXCHANGE_TEST_PG_LOG="$workdir/server.log"
TEST_DATABASE_URL="postgresql+psycopg://postgres@127.0.0.1:$port/exchange_test" "$@"
