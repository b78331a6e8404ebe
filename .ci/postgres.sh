#!/usr/bin/env bash
# A throw-away PostgreSQL 15 cluster for the service's tests, from the machine's own packages.
#
#   .ci/postgres.sh start   initdb + pg_ctl start in a fresh temporary directory, on a free
#                           port of 127.0.0.1, trust authentication, superuser `mx`; prints
#                           `export MX_TEST_POSTGRES_URL=postgres://mx@127.0.0.1:PORT/postgres`
#                           (when the recorded cluster still runs, prints its line instead)
#   .ci/postgres.sh env     prints that export line again for the running cluster
#   .ci/postgres.sh stop    stops the cluster and deletes its directory
#
# PostgreSQL refuses to run as root, so when started as root the cluster belongs to an
# unprivileged system user (`MX_PG_USER`, default `nobody`). The cluster's directory is
# recorded in a state file (`MX_PG_STATE`, default /tmp/mx-aggregation-postgres.<uid>) so that
# `env` and `stop` find it. `eval "$(.ci/postgres.sh start)"` starts it and exports the URL.
set -euo pipefail

PG_BIN=${MX_PG_BIN:-/usr/lib/postgresql/15/bin}
STATE=${MX_PG_STATE:-/tmp/mx-aggregation-postgres.$(id -u)}
RUN_AS=${MX_PG_USER:-nobody}

say() { printf '%s\n' "$*" >&2; }

# Runs a PostgreSQL binary as the cluster's owner: ourselves, or RUN_AS when we are root.
as_owner() {
    if [ "$(id -u)" -eq 0 ]; then
        if command -v runuser >/dev/null 2>&1; then
            runuser -u "$RUN_AS" -- "$@"
        else
            su -s /bin/sh "$RUN_AS" -c "$(printf '%q ' "$@")"
        fi
    else
        "$@"
    fi
}

# A free TCP port on 127.0.0.1: bind port 0 and read what the kernel gave.
free_port() {
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

url_of() { printf 'postgres://mx@127.0.0.1:%s/postgres' "$1"; }

cmd_start() {
    if [ ! -x "$PG_BIN/initdb" ] || [ ! -x "$PG_BIN/pg_ctl" ]; then
        say "postgres.sh: no PostgreSQL binaries in $PG_BIN (install postgresql-15); not started"
        exit 2
    fi
    if [ -f "$STATE" ]; then
        local old
        old=$(sed -n 1p "$STATE")
        if [ -d "$old/data" ] && as_owner "$PG_BIN/pg_ctl" -D "$old/data" status >/dev/null 2>&1; then
            say "postgres.sh: the cluster recorded in $STATE runs already; reusing it"
            cmd_env
            return 0
        fi
        say "postgres.sh: the cluster recorded in $STATE is gone; starting a new one"
        cmd_stop
    fi
    local dir port
    dir=$(mktemp -d /tmp/mx-aggregation-pg.XXXXXX)
    chmod 0755 "$dir"
    mkdir "$dir/data" "$dir/socket"
    if [ "$(id -u)" -eq 0 ]; then
        chown "$RUN_AS" "$dir/data" "$dir/socket"
    fi
    as_owner "$PG_BIN/initdb" -D "$dir/data" -U mx --auth=trust --encoding=UTF8 --locale=C.UTF-8 \
        --no-sync >"$dir/initdb.log" 2>&1 || {
        cat "$dir/initdb.log" >&2
        exit 1
    }
    # A few retries: the free port can be taken between our probe and the server's bind.
    local attempt
    for attempt in 1 2 3 4 5; do
        port=$(free_port)
        printf '%s\n%s\n' "$dir" "$port" >"$STATE"
        if as_owner "$PG_BIN/pg_ctl" -D "$dir/data" -l "$dir/socket/server.log" -w -t 30 \
            -o "-c listen_addresses=127.0.0.1 -p $port -k $dir/socket -c fsync=off \
                -c synchronous_commit=off -c full_page_writes=off -c max_connections=300 \
                -c shared_buffers=64MB" start >"$dir/pg_ctl.log" 2>&1; then
            echo "export MX_TEST_POSTGRES_URL=$(url_of "$port")"
            say "postgres.sh: PostgreSQL 15 on 127.0.0.1:$port (data in $dir)"
            return 0
        fi
        say "postgres.sh: start on port $port failed (attempt $attempt)"
    done
    cat "$dir/pg_ctl.log" "$dir/socket/server.log" >&2 || true
    exit 1
}

cmd_env() {
    [ -f "$STATE" ] || { say "postgres.sh: no cluster recorded in $STATE"; exit 1; }
    local port
    port=$(sed -n 2p "$STATE")
    echo "export MX_TEST_POSTGRES_URL=$(url_of "$port")"
}

cmd_stop() {
    [ -f "$STATE" ] || return 0
    local dir
    dir=$(sed -n 1p "$STATE")
    if [ -n "$dir" ] && [ -d "$dir/data" ]; then
        as_owner "$PG_BIN/pg_ctl" -D "$dir/data" -m immediate -w stop >/dev/null 2>&1 || true
    fi
    case "$dir" in
    /tmp/mx-aggregation-pg.*) rm -rf "$dir" ;;
    esac
    rm -f "$STATE"
    say "postgres.sh: stopped"
}

case "${1:-}" in
start) cmd_start ;;
stop) cmd_stop ;;
env) cmd_env ;;
*)
    say "usage: $0 start|stop|env"
    exit 2
    ;;
esac
