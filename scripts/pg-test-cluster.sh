#!/bin/sh
# A throwaway PostgreSQL cluster for the tests and the benchmarks, from
# Debian's postgresql package: initdb in DIR/data, listening only on a
# Unix socket in DIR (no TCP port), run as an unprivileged user (nobody
# when started by root, which PostgreSQL refuses to run as).
#
#   scripts/pg-test-cluster.sh start DIR [--durable]   start it (made in DIR if absent)
#   scripts/pg-test-cluster.sh stop DIR                stop it and remove DIR
#   scripts/pg-test-cluster.sh pause DIR               stop it, keeping its data
#   scripts/pg-test-cluster.sh url DIR DB              the URL of database DB
#   scripts/pg-test-cluster.sh createdb DIR DB         a new empty database
#   scripts/pg-test-cluster.sh dropdb DIR DB
#
# The tests' cluster trades durability for speed (fsync off: a crash of
# the machine loses it, which a throwaway cluster may); --durable keeps
# PostgreSQL's defaults (an fsync at every commit), as the benchmarks
# compare with an embedded store that is durable too.
set -eu
PGBIN=${PGBIN:-$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)}
ROLE=trackrecord

die() { echo "pg-test-cluster: $*" >&2; exit 1; }
[ $# -ge 2 ] || die "usage: $0 start|stop|url|createdb|dropdb DIR [DB] [--durable]"
cmd=$1 dir=$2
[ -x "$PGBIN/initdb" ] || die "no PostgreSQL server binaries (install Debian's postgresql: scripts/bootstrap.sh)"

# runs a server binary as the cluster's owner
as_owner() {
    if [ "$(id -u)" -eq 0 ]; then runuser -u nobody -- "$@"; else "$@"; fi
}

case $cmd in
start)
    durable=false
    [ "${3:-}" = "--durable" ] && durable=true
    mkdir -p "$dir"
    dir=$(cd "$dir" && pwd)
    if [ "$(id -u)" -eq 0 ]; then chown nobody "$dir"; fi
    if [ ! -d "$dir/data" ]; then
        as_owner "$PGBIN/initdb" -D "$dir/data" -U "$ROLE" --auth=trust -E UTF8 --locale=C.UTF-8 \
            >"$dir/initdb.log" 2>&1 || { cat "$dir/initdb.log" >&2; die "initdb failed"; }
    fi
    as_owner "$PGBIN/pg_ctl" -D "$dir/data" status >/dev/null 2>&1 && exit 0   # running already
    opts="-c listen_addresses= -c unix_socket_directories=$dir -c max_connections=50"
    if $durable; then
        opts="$opts -c shared_buffers=1GB -c max_wal_size=8GB"
    else
        opts="$opts -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c shared_buffers=256MB"
    fi
    # the server outlives this script: it must not keep a caller's open
    # files, such as the lock of `flock LOCK bench/pg_daily.sh` (fd 3 up)
    as_owner "$PGBIN/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -o "$opts" start >/dev/null \
        3>&- 4>&- 5>&- 6>&- 7>&- 8>&- 9>&- ||
        { cat "$dir/server.log" >&2; die "the server did not start"; }
    ;;
stop)
    [ -d "$dir/data" ] && as_owner "$PGBIN/pg_ctl" -D "$dir/data" -m immediate -w stop >/dev/null 2>&1 || true
    rm -rf "$dir"
    ;;
pause)
    [ -d "$dir/data" ] && as_owner "$PGBIN/pg_ctl" -D "$dir/data" -w stop >/dev/null 2>&1 || true
    ;;
url)
    dir=$(cd "$dir" && pwd)
    echo "postgresql:///${3:?database}?host=$dir&user=$ROLE"
    ;;
createdb)
    "$PGBIN/createdb" -h "$dir" -U "$ROLE" "${3:?database}"
    ;;
dropdb)
    "$PGBIN/dropdb" -h "$dir" -U "$ROLE" --if-exists "${3:?database}"
    ;;
*)
    die "unknown command '$cmd'"
    ;;
esac
