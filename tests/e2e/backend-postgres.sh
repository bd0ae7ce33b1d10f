# tests/e2e/backend-postgres.sh: the e2e stores as PostgreSQL databases
# (sourced by lib.sh with E2E_BACKEND=postgres).  $E2E_PG_HOST is the
# socket directory of a running cluster (scripts/pg-test-cluster.sh start;
# `make e2e-pg` starts one and stops it after).  Each store is a database
# of its own, named after the script and the store; an empty database is
# "no store here yet".  Each script keeps its own local cache of the side
# files (TRACKRECORD_CACHE under $WORK), as one machine does.
: "${E2E_PG_HOST:?E2E_PG_HOST: the socket directory of a running test cluster}"
PG_CLUSTER="$ROOT/scripts/pg-test-cluster.sh"
PGBIN=${PGBIN:-$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)}
pg_prefix="e2e_$(basename "$0" .sh | tr -c 'a-z0-9\n' _)_$$"
export TRACKRECORD_CACHE=$WORK/pg-cache

pg_db_of() {          # the database name of a store location (a URL)
    local u=${1#postgresql:///}; echo "${u%%\?*}"
}
store_at() {
    "$PG_CLUSTER" url "$E2E_PG_HOST" "${pg_prefix}_$(printf %s "$1" | tr -c 'a-z0-9' _)"
}
store_drop() {
    local db; db=$(pg_db_of "$1")
    "$PG_CLUSTER" dropdb "$E2E_PG_HOST" "$db" >/dev/null 2>&1
    "$PG_CLUSTER" createdb "$E2E_PG_HOST" "$db"
}
store_fingerprint() { # every row; the sequences a rolled-back write moved left out
    "$PGBIN/pg_dump" -h "$E2E_PG_HOST" -U trackrecord --data-only "$(pg_db_of "$1")" 2>/dev/null |
        grep -v -e 'setval' -e '^.restrict' -e '^.unrestrict' | sha256sum
}
store_drop "$(store_at default)"     # $TRACKRECORD_DB: an empty database
