#!/usr/bin/env bash
# A PostgreSQL server for the storage tests, on this machine only: installs Debian's postgresql if missing, keeps
# its own cluster (not Debian's "main") in $CONFIGURATOR_TEST_POSTGRES_DIR (default /var/tmp/configurator-test-
# postgres-<user>), listening on 127.0.0.1 alone at $CONFIGURATOR_TEST_POSTGRES_PORT (default 55432), starts it
# unless it is already running, makes sure the test role and database exist, and prints the URL for
# CONFIGURATOR_TEST_POSTGRES_URL on stdout (also written to <dir>/url); everything else goes to stderr.
# Safe to run again at any time, as root (the server then runs as the postgres user) or as an ordinary user.
set -euo pipefail

PORT="${CONFIGURATOR_TEST_POSTGRES_PORT:-55432}"
DIR="${CONFIGURATOR_TEST_POSTGRES_DIR:-/var/tmp/configurator-test-postgres-$(id -un)}"
ROLE=configurator_test
DB=configurator_test

log() { echo "postgres.sh: $*" >&2; }

as_root() {
    if [[ $(id -u) -eq 0 ]]; then "$@"; else sudo "$@"; fi
}

newest_bindir() {
    local dirs
    dirs=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V || true)
    for dir in $dirs; do [[ -x "$dir/initdb" ]] && echo "$dir"; done | tail -n 1
}

BIN=$(newest_bindir)
if [[ -z "$BIN" ]]; then
    log "installing Debian's postgresql"
    as_root apt-get update -qq >&2
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
    BIN=$(newest_bindir)
    [[ -n "$BIN" ]] || { log "postgresql installed but no initdb under /usr/lib/postgresql/*/bin"; exit 1; }
fi

# The server refuses to run as root: as root, every server command runs as the postgres user (made by the package).
if [[ $(id -u) -eq 0 ]]; then
    OWNER=postgres
    pg() { (cd / && runuser -u postgres -- "$@"); }
else
    OWNER=$(id -un)
    pg() { (cd / && "$@"); }
fi

DATA="$DIR/data"
SOCKETS="$DIR/run"
if [[ ! -d "$DIR" ]]; then
    mkdir -p -m 700 "$DIR"
    if [[ $(id -u) -eq 0 ]]; then chown "$OWNER:" "$DIR"; fi
fi
if [[ ! -s "$DIR/password" ]]; then
    pg sh -c "umask 077 && od -An -N16 -tx1 /dev/urandom | tr -d ' \n' > '$DIR/password'"
fi
PASSWORD=$(cat "$DIR/password")

if [[ ! -s "$DATA/PG_VERSION" ]]; then
    log "creating a cluster in $DATA"
    pg mkdir -p -m 700 "$SOCKETS"
    # Local socket: the server's owner by peer; TCP: passwords only.
    pg "$BIN/initdb" --pgdata="$DATA" --encoding=UTF8 --locale=C.UTF-8 --auth-local=peer \
        --auth-host=scram-sha-256 >"$DIR/initdb.log" 2>&1 || { cat "$DIR/initdb.log" >&2; exit 1; }
fi

gone_or_zombie() { [[ ! -e "/proc/$1" || "$(awk '/^State:/ {print $2}' "/proc/$1/status" 2>/dev/null)" == Z ]]; }

start() {
    # A lock file naming a process that is gone or a zombie not yet reaped (a killed server) would stop the start.
    local lock pid
    for lock in "$DATA/postmaster.pid" "$SOCKETS"/.s.PGSQL.*.lock; do
        pid=$(head -n 1 "$lock" 2>/dev/null || true)
        if [[ "$pid" =~ ^[0-9]+$ ]] && gone_or_zombie "$pid"; then
            log "removing $lock of the killed server $pid"
            rm -f "$lock"
        fi
    done
    log "starting on 127.0.0.1:$PORT ($DATA, log $DIR/server.log)"
    pg mkdir -p -m 700 "$SOCKETS"
    # listen_addresses: loopback IPv4 only; the socket sits in our own folder, not /var/run/postgresql.
    if ! pg "$BIN/pg_ctl" start --pgdata="$DATA" --log="$DIR/server.log" --wait --timeout=60 --silent \
        -o "-c listen_addresses=127.0.0.1 -p $PORT -c unix_socket_directories=$SOCKETS" >&2; then
        log "the server did not start; the end of $DIR/server.log:"
        tail -n 20 "$DIR/server.log" >&2 || true
        exit 1
    fi
}
pid_file_field() { sed -n "${1}p" "$DATA/postmaster.pid" 2>/dev/null || true; }
ready() { pg "$BIN/pg_isready" --quiet --host="$SOCKETS" --port="$(pid_file_field 4)" --timeout=2; }

# Already running and answering: use it. A server still starting (crash recovery) gets 30 s. A postmaster.pid whose
# process is a zombie not yet reaped (the server was killed) is stale: the server is started again.
for attempt in $(seq 30); do
    if pg "$BIN/pg_ctl" status --pgdata="$DATA" >/dev/null 2>&1; then
        if ready; then
            log "already running ($DATA)"
            break
        fi
        if gone_or_zombie "$(pid_file_field 1)"; then
            start
            break
        fi
        (( attempt < 30 )) || { log "a server runs in $DATA but does not answer; see $DIR/server.log"; exit 1; }
        sleep 1
    else
        start
        break
    fi
done
PORT=$(pid_file_field 4)  # the port the running server really uses (one started before keeps its own)

psql_admin() {
    pg "$BIN/psql" --host="$SOCKETS" --port="$PORT" --dbname=postgres --no-psqlrc --quiet --tuples-only \
        --no-align -v ON_ERROR_STOP=1 "$@"
}
# The password is hex, so it needs no quoting inside the SQL literal.
psql_admin >&2 <<SQL
SELECT 'CREATE ROLE $ROLE LOGIN' WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '$ROLE')
\gexec
ALTER ROLE $ROLE LOGIN PASSWORD '$PASSWORD';
SELECT 'CREATE DATABASE $DB OWNER $ROLE' WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = '$DB')
\gexec
SQL

URL="postgresql+psycopg://$ROLE:$PASSWORD@127.0.0.1:$PORT/$DB"
pg sh -c "umask 077 && echo '$URL' > '$DIR/url'"
echo "$URL"
