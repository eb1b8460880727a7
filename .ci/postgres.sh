#!/usr/bin/env bash
# Starts a throwaway PostgreSQL server (Debian's packages, installed when
# missing) with its data directory and unix socket in a fresh temporary
# directory, and prints the variables the tests read, one KEY=VALUE per
# line on stdout, for .ci/run to set (eval "$(.ci/postgres.sh)"); progress
# goes to stderr. Exports nothing. The server listens on no TCP port: only
# on the socket in its own directory, so that it never collides with
# another server on the machine.
#
#   ANSWERDESK_TEST_POSTGRES  postgres://answerdesk@/answerdesk?host=DIR (the
#                             tests create a schema per test inside it)
#   ANSWERDESK_POSTGRES_DIR   the temporary directory (data, socket, log)
#
# Stop it and remove the directory with `.ci/postgres.sh stop DIR`.
# Exit status 1 when PostgreSQL cannot be installed or does not start
# within 60 s.
set -uo pipefail

log() { echo "postgres.sh: $*" >&2; }

pgbin() {
  local d
  for d in /usr/lib/postgresql/*/bin; do
    if [ -x "$d/initdb" ]; then echo "$d"; return 0; fi
  done
  return 1
}

# as runs a command as the postgres user when we are root: the server
# refuses to run as root.
as() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

if [ "${1:-}" = stop ]; then
  dir="${2:?usage: postgres.sh stop DIR}"
  if bin="$(pgbin)" && [ -d "$dir/data" ]; then
    as "$bin/pg_ctl" -D "$dir/data" -m immediate -w stop >/dev/null 2>&1 || true
  fi
  rm -rf "$dir"
  exit 0
fi

if ! bin="$(pgbin)"; then
  log "installing postgresql from Debian's packages"
  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null) ||
    { log "could not install postgresql"; exit 1; }
  bin="$(pgbin)" || { log "postgresql installed but no initdb found"; exit 1; }
fi

dir="$(mktemp -d "${TMPDIR:-/tmp}/answerdesk-postgres.XXXXXX")"
if [ "$(id -u)" = 0 ]; then
  chown postgres "$dir" || { log "could not hand $dir to the postgres user"; exit 1; }
fi
log "initdb in $dir/data ($("$bin/postgres" --version))"
if ! as "$bin/initdb" -D "$dir/data" -U answerdesk --auth=trust -E UTF8 --no-locale --no-sync >"$dir/initdb.log" 2>&1; then
  log "initdb failed:"; tail -20 "$dir/initdb.log" >&2; rm -rf "$dir"; exit 1
fi
# A throwaway server: no fsync, no TCP, room for the tests' pools.
if ! as "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
  -o "-c listen_addresses= -k $dir -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=300" start >/dev/null; then
  log "server did not start:"; tail -20 "$dir/server.log" >&2; rm -rf "$dir"; exit 1
fi
if ! as "$bin/createdb" -h "$dir" -U answerdesk answerdesk; then
  log "createdb failed"; as "$bin/pg_ctl" -D "$dir/data" -m immediate stop >/dev/null 2>&1; rm -rf "$dir"; exit 1
fi
echo "ANSWERDESK_TEST_POSTGRES=postgres://answerdesk@/answerdesk?host=$dir"
echo "ANSWERDESK_POSTGRES_DIR=$dir"
