#!/bin/sh
# The static site's benchmark: `trackrecord site` on a copy of a benchmark
# store (default: the 1M x 365 store that `bench/run.sh --full` builds),
# three runs: the whole site into an empty directory, a rerun with nothing
# changed (every page rendered and hashed, none written), and the daily
# run: the store's next-day snapshot imported, then the site again.
#     bench/site.sh [--data DIR] [--store NAME] [--out DIR]
# Targets (issue 15): the whole site within 2 minutes, the daily rewrite
# within 10 s.  Prints wall, user and system seconds and peak memory.
set -eu
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BIN=${TRACKRECORD_BIN:-$ROOT/build/trackrecord}
DATA=$ROOT/build/bench-data
STORE=store-1000000x365-s1-short
OUT=
while [ $# -gt 0 ]; do
    case $1 in
        --data) DATA=$2; shift 2 ;;
        --store) STORE=$2; shift 2 ;;
        --out) OUT=$2; shift 2 ;;
        *) echo "usage: bench/site.sh [--data DIR] [--store NAME] [--out DIR]" >&2; exit 2 ;;
    esac
done
SRC=$DATA/$STORE
[ -d "$SRC/store" ] || { echo "bench/site.sh: no store at $SRC (bench/run.sh --full builds it)" >&2; exit 1; }
WORK=$(mktemp -d "${TMPDIR:-/tmp}/trackrecord-site.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
OUT=${OUT:-$WORK/site}
cp -r "$SRC/store" "$WORK/store"
db=$WORK/store/tr.db
timed() {   # timed LABEL COMMAND...: one run, its figures on one line
    label=$1; shift
    /usr/bin/time -f "%e %U %S %M" -o "$WORK/time" "$@" >"$WORK/out"
    read -r wall user sys kb <"$WORK/time"
    printf '%-34s %7.1f s wall  %6.1f s user  %6.1f s sys  %5d MiB  (%s)\n' "$label" "$wall" "$user" "$sys" \
        $((kb / 1024)) "$(cat "$WORK/out")"
}
"$BIN" --db "$db" stats | head -1
timed "site, whole (empty directory)" "$BIN" --db "$db" site "$OUT"
timed "site, rerun (nothing changed)" "$BIN" --db "$db" site "$OUT"
daily=$(ls "$SRC/daily"/streams-*.csv | head -1)
timed "import $(basename "$daily")" "$BIN" --db "$db" import -q "$daily"
timed "site, daily rerun" "$BIN" --db "$db" site "$OUT"
du -sh "$OUT" | awk '{print "site size: " $1}'
