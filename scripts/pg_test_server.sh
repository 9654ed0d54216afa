#!/usr/bin/env bash
# A throwaway PostgreSQL server for the `--features postgres` tests, on 127.0.0.1 only.
#
#   scripts/pg_test_server.sh start [PORT]   # prints the URL to export as SITREP_TEST_POSTGRES
#   scripts/pg_test_server.sh stop [PORT]
#
# Needs Debian's `postgresql` package (initdb and pg_ctl under /usr/lib/postgresql/*/bin).
# The cluster lives in /tmp/sitrep-pg-PORT (removed by `stop`); its one role `sitrep`
# (password `sitrep`) owns it and may create databases. Run as root, the server runs as the
# `postgres` user the package creates (PostgreSQL refuses to run as root).
set -euo pipefail

cmd=${1:-start}
port=${2:-54329}
dir=/tmp/sitrep-pg-$port
bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
if [ -z "$bin" ]; then
    echo "no PostgreSQL under /usr/lib/postgresql (apt-get install postgresql)" >&2
    exit 1
fi

as_owner() {
    if [ "$(id -u)" = 0 ]; then
        runuser -u postgres -- "$@"
    else
        "$@"
    fi
}

case "$cmd" in
start)
    if [ -f "$dir/data/postmaster.pid" ]; then
        as_owner "$bin/pg_ctl" -D "$dir/data" -m immediate stop >/dev/null 2>&1 || true
    fi
    rm -rf "$dir"
    mkdir -p "$dir"
    echo sitrep >"$dir/pwfile"
    if [ "$(id -u)" = 0 ]; then
        chown -R postgres:postgres "$dir"
    fi
    as_owner "$bin/initdb" -D "$dir/data" -U sitrep --pwfile="$dir/pwfile" \
        --auth=scram-sha-256 -E UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 ||
        { cat "$dir/initdb.log" >&2; exit 1; }
    as_owner "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w \
        -o "-c listen_addresses=127.0.0.1 -p $port -k $dir -c fsync=off" start >/dev/null ||
        { cat "$dir/server.log" >&2; exit 1; }
    echo "postgres://sitrep:sitrep@127.0.0.1:$port/postgres"
    ;;
stop)
    if [ -d "$dir/data" ]; then
        as_owner "$bin/pg_ctl" -D "$dir/data" -m fast stop >/dev/null 2>&1 || true
    fi
    rm -rf "$dir"
    ;;
*)
    echo "usage: $0 start|stop [PORT]" >&2
    exit 2
    ;;
esac
