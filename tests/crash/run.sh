#!/bin/bash
# The crash test: imports killed with SIGKILL at random moments, and what a
# user then finds.  Usage: tests/crash/run.sh [--trials N] [--seed S]
#   TRACKRECORD_CRASH_BIN  a build made with -DTR_CRASH_POINTS (`make crash`
#                          builds build/crash/trackrecord and runs this)
# Each trial takes a fresh store holding a catalog and runs three imports:
# the first play counts (the bulk path, a rollback journal), a day more
# (the write-ahead log, incremental), and one that changes the catalog.
# One of them is killed: at a named point of the import, commit or side
# file writer (crash_point.h), at the Nth write or sync of SQLite, or after
# a random delay.  Then, at once:
#   - every read command works (stats, milestones, imports, corrections,
#     records), also from a process that may not write the store;
#   - `trackrecord check` passes;
#   - re-running the killed import and the ones after gives the outputs of
#     an uninterrupted run, byte for byte.
# It prints one line per failure and a summary: trials, kills, stores a
# read could not open, results that differed.
set -u
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
BIN=${TRACKRECORD_CRASH_BIN:-$ROOT/build/crash/trackrecord}
TRIALS=40 SEED=1
while [ $# -gt 0 ]; do
    case $1 in
    --trials) TRIALS=$2; shift 2 ;;
    --seed) SEED=$2; shift 2 ;;
    *) echo "usage: $0 [--trials N] [--seed S]" >&2; exit 2 ;;
    esac
done
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
chmod 755 "$WORK"
RANDOM=$SEED

# The data: a generated catalog of 3000 tracks and 40 days of counts,
# 39 days then one, and the demo catalog as the catalog change.
GEN=$ROOT/build/bench/gen
[ -x "$GEN" ] || make -s -C "$ROOT" -f bench/Makefile >/dev/null || exit 1
"$GEN" --tracks 3000 --days 40 --start 2024-01-01 --seed 7 --out "$WORK/gen" >/dev/null || exit 1
mkdir -p "$WORK/catalog" "$WORK/change"
mv "$WORK"/gen/{artists,releases,tracks,tracklist}.csv "$WORK/catalog/"
last=$(tail -n 1 "$WORK/gen/streams.csv" | cut -d, -f1)
awk -F, -v d="$last" 'NR == 1 || $1 != d' "$WORK/gen/streams.csv" > "$WORK/days.csv"
awk -F, -v d="$last" 'NR == 1 || $1 == d' "$WORK/gen/streams.csv" > "$WORK/day.csv"
cp "$ROOT"/data/demo/layover/*.csv "$WORK/change/"
STEPS=("$WORK/days.csv" "$WORK/day.csv" "$WORK/change")

reads() {   # reads DB: every read command's output, the import log without its times
    local db=$1
    "$BIN" --db "$db" stats || return 1
    "$BIN" --db "$db" milestones --csv || return 1
    # each file once, however often it was imported (a killed import may have committed)
    "$BIN" --db "$db" imports | awk '{ $1 = $2 = ""; print }' | sort -u || return 1
    "$BIN" --db "$db" corrections || return 1
    "$BIN" --db "$db" records || return 1
}
ro_copy() {   # the store, in a directory where its files are not the reader's to write
    rm -rf "$WORK/ro"; mkdir "$WORK/ro"; cp -p "$WORK"/s/* "$WORK/ro/"
    chmod a+r "$WORK"/ro/*; chmod a-w "$WORK"/ro/*; chmod 1777 "$WORK/ro"
}
fresh_store() {
    rm -rf "$WORK/s"; mkdir -p "$WORK/s"; chmod 755 "$WORK/s"
    "$BIN" --db "$WORK/s/t.db" import -q "$WORK/catalog" >/dev/null
}

# the reference: every step uninterrupted
fresh_store || { echo "crash test: the catalog import failed" >&2; exit 1; }
for st in "${STEPS[@]}"; do "$BIN" --db "$WORK/s/t.db" import -q "$st" >/dev/null || exit 1; done
reads "$WORK/s/t.db" > "$WORK/expected" 2>&1 || { echo "crash test: reads failed" >&2; exit 1; }

as_reader=()
if [ "$(id -u)" -eq 0 ] && setpriv --reuid=nobody --regid=nogroup --clear-groups true 2>/dev/null; then
    as_reader=(setpriv --reuid=nobody --regid=nogroup --clear-groups)
fi

# The regression case: the first play counts after a catalog (the bulk
# path, a rollback journal) killed in its commit leave a hot journal; every
# read command works at once, also from a process that may not write.
regressions=0
fresh_store
TRACKRECORD_CRASH_AT=commit.sides "$BIN" --db "$WORK/s/t.db" import -q "${STEPS[0]}" >/dev/null 2>&1 &
wait $! 2>/dev/null
if [ ! -e "$WORK/s/t.db-journal" ]; then
    echo "regression: the killed bulk import left no journal"; regressions=1
else
    ro_copy
    for cmd in stats "milestones --csv" imports corrections records; do
        if [ ${#as_reader[@]} -gt 0 ] && ! "${as_reader[@]}" "$BIN" --db "$WORK/ro/t.db" $cmd >/dev/null; then
            echo "regression: '$cmd' from a process that may not write fails on a hot journal"; regressions=1
        fi
        if ! "$BIN" --db "$WORK/s/t.db" $cmd >/dev/null; then
            echo "regression: '$cmd' fails on a hot journal"; regressions=1
        fi
    done
fi

POINTS=(import.read import.write commit.begin commit.sides commit.done side.half side.rename
        sqlite.write sqlite.sync delay)
kills=0 unreadable=0 differ=0 unchecked=0
exec 3>&2 2>/dev/null   # not the shell's notice of each killed job
for ((t = 1; t <= TRIALS; t++)); do
    fresh_store || { echo "trial $t: catalog import failed"; differ=$((differ + 1)); continue; }
    db=$WORK/s/t.db
    k=$((RANDOM % ${#STEPS[@]}))
    for ((i = 0; i < k; i++)); do "$BIN" --db "$db" import -q "${STEPS[$i]}" >/dev/null; done
    point=${POINTS[$((RANDOM % ${#POINTS[@]}))]}
    case $point in
    sqlite.write) at="$point:$((1 + RANDOM % 400))" ;;
    sqlite.sync) at="$point:$((1 + RANDOM % 4))" ;;
    side.*) at="$point:$((1 + RANDOM % 2))" ;;
    *) at=$point ;;
    esac
    if [ "$point" = delay ]; then
        us=$((RANDOM % 60000))
        "$BIN" --db "$db" import -q "${STEPS[$k]}" >/dev/null 2>&1 &
        pid=$!
        sleep "$(printf '0.%06d' "$us")"
        kill -9 "$pid" 2>/dev/null && at="delay ${us}us"
        wait "$pid" 2>/dev/null
        rc=$?
    else
        TRACKRECORD_CRASH_AT=$at "$BIN" --db "$db" import -q "${STEPS[$k]}" >/dev/null 2>&1 &
        wait $!
        rc=$?
    fi
    [ "$rc" -eq 137 ] && kills=$((kills + 1))
    what="trial $t: step $((k + 1)) killed at $at (exit $rc)"
    # a reader that may not write the store: a copy, read as another user
    if [ ${#as_reader[@]} -gt 0 ]; then
        ro_copy
        if ! "${as_reader[@]}" "$BIN" --db "$WORK/ro/t.db" stats >/dev/null 2>"$WORK/err" ||
           ! "${as_reader[@]}" "$BIN" --db "$WORK/ro/t.db" milestones --csv >/dev/null 2>>"$WORK/err"; then
            echo "$what: a read-only process cannot read: $(head -c 300 "$WORK/err")"
            unreadable=$((unreadable + 1))
        fi
    fi
    if ! reads "$db" >/dev/null 2>"$WORK/err"; then
        echo "$what: a read command failed: $(head -c 300 "$WORK/err")"
        unreadable=$((unreadable + 1))
    fi
    if "$BIN" check --help >/dev/null 2>&1; then
        if ! "$BIN" --db "$db" check >"$WORK/err" 2>&1; then
            echo "$what: check fails: $(head -c 300 "$WORK/err")"
            unchecked=$((unchecked + 1))
        fi
    fi
    for ((i = k; i < ${#STEPS[@]}; i++)); do
        "$BIN" --db "$db" import -q "${STEPS[$i]}" >/dev/null 2>"$WORK/err" ||
            echo "$what: re-run of step $((i + 1)) failed: $(head -c 300 "$WORK/err")"
    done
    if ! reads "$db" > "$WORK/got" 2>&1 || ! cmp -s "$WORK/got" "$WORK/expected"; then
        echo "$what: the outputs after the re-run differ:"
        diff "$WORK/expected" "$WORK/got" | head -n 6
        differ=$((differ + 1))
    fi
done
exec 2>&3
echo "crash test: $TRIALS trials, $kills killed, $unreadable unreadable, $unchecked failing check, $differ differing"
[ $regressions -eq 0 ] && [ $unreadable -eq 0 ] && [ $differ -eq 0 ] && [ $unchecked -eq 0 ]
