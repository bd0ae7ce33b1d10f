#!/usr/bin/env bash
# The backfill in SQLite through the sqlite3 shell, the way a data person
# would do it: .import the long CSV into a typed table in an in-memory
# database, then one pass of MIN(date) FILTER (WHERE streams >= T) per
# threshold, grouped by track.  Dates are ISO text, so MIN is the earliest.
#
# usage: sqlite_backfill.sh --csv FILE --ladder 1000000,5000000,... [--reps N] [--out FILE]
# Prints "rep=I load=SECONDS query=SECONDS" per repetition (each in a fresh
# sqlite3 process), then "median load=... query=... total=...".  With --out,
# writes "track,threshold,date" rows sorted by track then threshold (untimed).
# Timestamps come from `.shell date +%s.%N` between the steps (about 1 ms each).
set -euo pipefail

csv="" ladder="" reps=5 out=""
while [ $# -gt 0 ]; do
    case "$1" in
        --csv) csv=$2; shift 2 ;;
        --ladder) ladder=$2; shift 2 ;;
        --reps) reps=$2; shift 2 ;;
        --out) out=$2; shift 2 ;;
        *) echo "sqlite_backfill: unknown option '$1'" >&2; exit 2 ;;
    esac
done
[ -n "$csv" ] && [ -n "$ladder" ] || { echo "sqlite_backfill: --csv and --ladder are required" >&2; exit 2; }
command -v sqlite3 >/dev/null || { echo "sqlite_backfill: sqlite3 not installed (run bench/setup.sh)" >&2; exit 1; }
case "$csv" in *\'*|*\"*) echo "sqlite_backfill: quotes in the path are not supported" >&2; exit 2 ;; esac

IFS=, read -r -a ths <<<"$ladder"
for t in "${ths[@]}"; do
    [[ "$t" =~ ^[0-9]+$ ]] || { echo "sqlite_backfill: ladder: bad threshold '$t'" >&2; exit 2; }
done

firsts="" long=""
for i in "${!ths[@]}"; do
    t=${ths[$i]}
    firsts+="${firsts:+, }MIN(date) FILTER (WHERE streams >= $t) AS m$i"
    long+="${long:+ UNION ALL }SELECT track, $t AS threshold, m$i AS date FROM firsts WHERE m$i IS NOT NULL"
done

script() {   # $1: where to write the milestones, or empty
    cat <<EOF
PRAGMA temp_store = MEMORY;
CREATE TABLE streams(date TEXT NOT NULL, track TEXT NOT NULL, streams INTEGER NOT NULL);
.shell date +t0=%s.%N
.import --csv --skip 1 $csv streams
.shell date +t1=%s.%N
CREATE TEMP TABLE firsts AS SELECT track, $firsts FROM streams GROUP BY track;
.shell date +t2=%s.%N
SELECT 'rows=' || count(*) FROM streams;
EOF
    if [ -n "$1" ]; then
        printf '.headers on\n.mode list\n.separator , "\\n"\n.output %s\n' "$1"
        echo "SELECT track, threshold, date FROM ($long) ORDER BY track, threshold;"
    fi
}

loads=() queries=()
for rep in $(seq 1 "$reps"); do
    target=""
    [ "$rep" = 1 ] && target=$out
    res=$(script "$target" | sqlite3 -batch -bail :memory:)
    t0=$(sed -n 's/^t0=//p' <<<"$res")
    t1=$(sed -n 's/^t1=//p' <<<"$res")
    t2=$(sed -n 's/^t2=//p' <<<"$res")
    rows=$(sed -n 's/^rows=//p' <<<"$res")
    load=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.4f", b - a }')
    query=$(awk -v a="$t1" -v b="$t2" 'BEGIN { printf "%.4f", b - a }')
    loads+=("$load") queries+=("$query")
    echo "rep=$rep load=$load query=$query"
done

median() { sort -g | awk '{ v[NR] = $1 } END { if (NR % 2) printf "%.4f", v[(NR + 1) / 2]; else printf "%.4f", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
totals=()
for i in "${!loads[@]}"; do
    totals+=("$(awk -v a="${loads[$i]}" -v b="${queries[$i]}" 'BEGIN { printf "%.4f", a + b }')")
done
echo "info sqlite=$(sqlite3 -version | cut -d' ' -f1) rows=$rows"
echo "median load=$(printf '%s\n' "${loads[@]}" | median) query=$(printf '%s\n' "${queries[@]}" | median)" \
     "total=$(printf '%s\n' "${totals[@]}" | median)"
