#!/bin/bash
# The daily import on PostgreSQL beside the embedded store's, on the same
# store: the T x D store bench/run.sh builds (SQLite, cached in DATA), copied
# once into a durable PostgreSQL cluster (scripts/pg-test-cluster.sh start
# --durable, in DATA/pg-cluster) with `trackrecord copy`, then REPS runs of
# each, alternating: a fresh copy of the store, then the day's snapshot
# imported with its milestones and records in one process (`import -q
# --records`, as run.sh's daily benchmark).  Prints each run, the medians of
# each phase (`import --timings`) and the medians.
#
#   bench/pg_daily.sh [--data DIR] [--store TRACKSxDAYS] [--reps N] [--lock FILE]
#
# Needs the SQLite store first: bench/run.sh --full --only daily --data DIR
# (flock /work/bench-data.lock around both when the data is shared).  With
# --lock, the copy and each run's two imports hold FILE (flock), let go
# between runs, so that a long series does not keep a shared machine's
# other benchmarks waiting (--lock /work/bench-heavy.lock).
set -eu
ROOT=$(cd "$(dirname "$0")/.." && pwd)
data=build/bench-data store=1000000x365 reps=3 lock=""
while [ $# -gt 0 ]; do
    case $1 in
    --data) data=$2; shift ;;
    --store) store=$2; shift ;;
    --reps) reps=$2; shift ;;
    --lock) lock=$2; shift ;;
    *) echo "usage: $0 [--data DIR] [--store TRACKSxDAYS] [--reps N] [--lock FILE]" >&2; exit 2 ;;
    esac
    shift
done
TR=${TRACKRECORD_BIN:-$ROOT/build/trackrecord}
CLUSTER=$ROOT/scripts/pg-test-cluster.sh
sdir=$(ls -d "$data/store-$store-"* | head -n 1)
daily=$(ls "$sdir"/daily/streams-*.csv)
[ -f "$sdir/store/tr.db" ] || { echo "no store in $sdir: run bench/run.sh first" >&2; exit 1; }
pg=$(cd "$data" && pwd)/pg-cluster
export TRACKRECORD_CACHE=$(cd "$data" && pwd)/pg-cache
if [ -n "$lock" ]; then exec 9>>"$lock"; fi
hold() { [ -z "$lock" ] || flock 9; }
release() { [ -z "$lock" ] || flock -u 9; }
"$CLUSTER" start "$pg" --durable
timings=$(mktemp -d)
trap '"$CLUSTER" pause "$pg"; rm -rf "$timings"' EXIT
psql_() { psql -h "$pg" -U trackrecord -d postgres -qAt "$@"; }
# the template: the SQLite store copied once, named after what built it
tmpl="bench_$(md5sum <"$sdir/store/.stamp" | cut -c1-12)"
if [ "$(psql_ -c "SELECT count(*) FROM pg_database WHERE datname = '$tmpl'")" = 0 ]; then
    hold
    "$CLUSTER" createdb "$pg" "$tmpl"
    echo "copying the store into PostgreSQL (once): $tmpl"
    /usr/bin/time -f "  copy: %e s, peak %M KB" "$TR" --db "$sdir/store/tr.db" copy --to "$("$CLUSTER" url "$pg" "$tmpl")" ||
        { psql_ -c "DROP DATABASE $tmpl"; exit 1; }
    release
fi
run=$sdir/run-pg
url=$("$CLUSTER" url "$pg" bench_run)
sq=() pq=()
for ((i = 1; i <= reps; i++)); do
    rm -rf "$run" && cp -a "$sdir/store" "$run" && sync
    psql_ -c "DROP DATABASE IF EXISTS bench_run" -c "CREATE DATABASE bench_run TEMPLATE $tmpl" -c CHECKPOINT
    hold
    t0=$(date +%s.%N)
    "$TR" --db "$run/tr.db" import -q --records --timings "$daily" 2>>"$timings/sqlite" >/dev/null
    sq+=("$(echo "$(date +%s.%N) - $t0" | bc)")
    t0=$(date +%s.%N)
    "$TR" --db "$url" import -q --records --timings "$daily" 2>>"$timings/postgresql" >/dev/null
    pq+=("$(echo "$(date +%s.%N) - $t0" | bc)")
    release
    echo "run $i: sqlite ${sq[-1]} s, postgresql ${pq[-1]} s"
done
rm -rf "$run"
median() { printf '%s\n' "$@" | sort -n | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
# each phase's median over the runs' "timings: load 0.58 s read 0.08 s ... ; in all 3.3 s"
phases() {
    sed -n 's/^timings: //; s/; in all.*//p' "$1" | tr ' ' '\n' | paste - - - |
        while read -r name secs _; do echo "$name $secs"; done |
        awk '{ v[$1] = v[$1] " " $2; if (!($1 in seen)) { seen[$1] = 1; order[++n] = $1 } }
             END { for (i = 1; i <= n; i++) { m = split(substr(v[order[i]], 2), a, " ")
                       for (j = 2; j <= m; j++) for (k = j; k > 1 && a[k - 1] > a[k]; k--) { t = a[k]; a[k] = a[k - 1]; a[k - 1] = t }
                       printf "%s %.2f  ", order[i], (m % 2) ? a[(m + 1) / 2] : (a[m / 2] + a[m / 2 + 1]) / 2 }
                   print "" }'
}
echo "phases, medians in s: sqlite      $(phases "$timings/sqlite")"
echo "phases, medians in s: postgresql  $(phases "$timings/postgresql")"
ms=$(median "${sq[@]}") mp=$(median "${pq[@]}")
echo "daily $store, medians of $reps: sqlite $ms s, postgresql $mp s, ratio $(echo "scale=2; $mp / $ms" | bc)"
