#!/bin/sh
# The static site's benchmark on a benchmark store (default: the 1M x 365
# store that `bench/run.sh --full` builds), medians of --reps runs (3):
#   whole   `trackrecord site` of day N-1 into a new directory;
#   rerun   the same again, nothing changed (once);
#   full    `site --full` over that site: every file made again and
#           compared with the one there, none written (once);
#   daily   the daily run: a copy of the store at day N-1 with the site of
#           day N-1 written, the store's next-day snapshot (day N) imported
#           into the copy, then `trackrecord site` again (timed); the load
#           average before each timed run is printed beside it.
#     bench/site.sh [--data DIR] [--store NAME] [--work DIR] [--reps N] [--lock FILE]
# The copies and the site go under --work (default: a new directory in
# DIR); --lock FILE takes `flock FILE` around each timed run (a shared
# machine's heavy lock).  Targets (issue 15): the whole site within 2
# minutes, the daily rewrite within 10 s.  Prints each run's wall, user and
# system seconds and peak memory, then the medians.
set -eu
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BIN=${TRACKRECORD_BIN:-$ROOT/build/trackrecord}
DATA=$ROOT/build/bench-data
STORE=store-1000000x365-s1-short
WORKDIR=
REPS=3
LOCK=
while [ $# -gt 0 ]; do
    case $1 in
        --data) DATA=$2; shift 2 ;;
        --store) STORE=$2; shift 2 ;;
        --work) WORKDIR=$2; shift 2 ;;
        --reps) REPS=$2; shift 2 ;;
        --lock) LOCK=$2; shift 2 ;;
        *) echo "usage: bench/site.sh [--data DIR] [--store NAME] [--work DIR] [--reps N] [--lock FILE]" >&2; exit 2 ;;
    esac
done
SRC=$DATA/$STORE
[ -d "$SRC/store" ] || { echo "bench/site.sh: no store at $SRC (bench/run.sh --full builds it)" >&2; exit 1; }
daily=$(ls "$SRC/daily"/streams-*.csv | head -1)
[ -f "$daily" ] || { echo "bench/site.sh: no daily snapshot in $SRC/daily" >&2; exit 1; }
if [ -n "$WORKDIR" ]; then
    mkdir -p "$WORKDIR"
    WORK=$(mktemp -d "$WORKDIR/site-bench.XXXXXX")
else
    WORK=$(mktemp -d "$DATA/site-bench.XXXXXX")
fi
trap 'rm -rf "$WORK"' EXIT
SITE=$WORK/site
cp -a "$SRC/store" "$WORK/store0"       # day N-1, read only
db0=$WORK/store0/tr.db
# A store built before meta.changes (docs/store.md) has no record of its
# writes, so no site of it can carry anything to the next run; the copy is
# given one, as if its last import had left it (the state named 1, nothing
# written since), so that the daily run measures what a store of this
# build gives.
sqlite3 "$db0" "INSERT INTO meta(key, value) SELECT 'changes', printf('%016x - 0', 1) || char(10)
                WHERE NOT EXISTS (SELECT 1 FROM meta WHERE key = 'changes')"

locked() { if [ -n "$LOCK" ]; then flock "$LOCK" "$@"; else "$@"; fi; }
timed() {   # timed LABEL COMMAND...: one run, its figures on one line; its wall in $WORK/LABEL.walls
    label=$1; shift
    # the load average as the run starts (once the lock is held)
    locked sh -c 'cut -d" " -f1-3 /proc/loadavg >"$0.load"; exec /usr/bin/time -f "%e %U %S %M" -o "$0" "$@"' \
        "$WORK/time" "$@" >"$WORK/out"
    load=$(cat "$WORK/time.load")
    read -r wall user sys kb <"$WORK/time"
    echo "$wall" >>"$WORK/$label.walls"
    printf '%-8s %7.1f s wall  %6.1f s user  %6.1f s sys  %5d MiB  load %s  (%s)\n' "$label" "$wall" "$user" "$sys" \
        $((kb / 1024)) "$load" "$(cat "$WORK/out")"
}
median() { sort -n "$WORK/$1.walls" | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

echo "build $(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown), $(date -u '+%Y-%m-%d %H:%M UTC')"
"$BIN" --db "$db0" stats | head -1
# Each whole run writes into a directory of its own, none removed until
# the end: on a file system without a journal (ext4 so mounted, as the
# benchmark machine's) the kernel skips, when it makes a file, every inode
# freed in the last 100 minutes or so whose table block it still caches
# (ext4's recently_deleted), so a run right after the `rm -rf` of the last
# one's million files spent most of its time in that scan, more each run.
r=0
while [ "$r" -lt "$REPS" ]; do
    SITE=$WORK/site.$r
    timed whole "$BIN" --db "$db0" site "$SITE"
    r=$((r + 1))
done
du -sh "$SITE" | awk '{print "site size: " $1}'
timed rerun "$BIN" --db "$db0" site "$SITE"
# the whole site again over the last one, trusting no manifest
timed full "$BIN" --db "$db0" site --full "$SITE"
r=0
while [ "$r" -lt "$REPS" ]; do
    rm -rf "$WORK/store"
    cp -a "$WORK/store0" "$WORK/store"
    "$BIN" --db "$WORK/store/tr.db" site -q "$SITE"     # the site of day N-1
    timed import "$BIN" --db "$WORK/store/tr.db" import -q "$daily"
    timed daily "$BIN" --db "$WORK/store/tr.db" site "$SITE"
    r=$((r + 1))
done
whole=$(median whole)
dailym=$(median daily)
echo "medians of $REPS: whole site $whole s (target <= 120 s: $(awk -v v="$whole" 'BEGIN { print v <= 120 ? "met" : "NOT met" }'); over an existing site, once: $(median full) s), daily $dailym s (target <= 10 s: $(awk -v v="$dailym" 'BEGIN { print v <= 10 ? "met" : "NOT met" }')), import $(median import) s"
