#!/bin/bash
# Fault injection: a small import in which the Nth allocation or the Nth
# write fails (tests/crash/faults.c, loaded with LD_PRELOAD), and what a
# user then finds.  Usage: tests/crash/faults.sh [--all] [--malloc N] [--seed S]
#   TRACKRECORD_BIN  the binary (default build/trackrecord; not a sanitizer
#                    build, whose allocator the shim would stand in front of)
#   --all       every N of both kinds, 1 .. the number of calls the import
#               makes (the long form: minutes)
#   --malloc N  else: every write, and N allocations, one at random in each
#               of N equal stretches of the calls (default 100)
# The import: three days of play counts into a store holding a catalog and
# a month.  After each faulty run:
#   - it did not crash (no signal), and exited 0 or non-zero with a message
#     on standard error (trackrecord: ...);
#   - exit 0: every read command prints what an import without the fault
#     leaves; non-zero: what the store held before (or, when the fault came
#     after the commit, what the import leaves), and `check` passes;
#   - a re-run without the fault succeeds, and the reads are then those of
#     an import without the fault.
# It prints one line per failure and a summary.
set -u
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
BIN=${TRACKRECORD_BIN:-$ROOT/build/trackrecord}
ALL=0 MALLOCS=100 SEED=1
while [ $# -gt 0 ]; do
    case $1 in
    --all) ALL=1; shift ;;
    --malloc) MALLOCS=$2; shift 2 ;;
    --seed) SEED=$2; shift 2 ;;
    *) echo "usage: $0 [--all] [--malloc N] [--seed S]" >&2; exit 2 ;;
    esac
done
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
RANDOM=$SEED
SHIM=$WORK/faults.so
cc -shared -fPIC -O2 -o "$SHIM" "$ROOT/tests/crash/faults.c" -ldl || exit 1

# The store before: the demo's catalog and its first month; the import:
# the three days after.
DEMO=$ROOT/data/demo/layover
mkdir "$WORK/before"
awk -F, 'NR == 1 || $1 < "2023-09-01"' "$DEMO/streams.csv" >"$WORK/month.csv"
awk -F, 'NR == 1 || ($1 >= "2023-09-01" && $1 < "2023-09-04")' "$DEMO/streams.csv" >"$WORK/days.csv"
"$BIN" --db "$WORK/before/t.db" import -q "$DEMO"/{artists,releases,tracks,tracklist}.csv >/dev/null &&
    "$BIN" --db "$WORK/before/t.db" import -q "$WORK/month.csv" >/dev/null || exit 1

reads() {   # reads DB: every read command's output (the import log as its set of files)
    local db=$1
    "$BIN" --db "$db" stats | grep -v '^checkpoint: ' || return 1
    "$BIN" --db "$db" milestones --csv || return 1
    "$BIN" --db "$db" imports | awk '{ $1 = $2 = ""; print }' | sort -u || return 1
    "$BIN" --db "$db" corrections || return 1
    "$BIN" --db "$db" records --json || return 1
    "$BIN" --db "$db" forecast --json || return 1
}
fresh() { rm -rf "$WORK/s"; cp -a "$WORK/before" "$WORK/s"; }

reads "$WORK/before/t.db" >"$WORK/want_before" 2>&1 || { echo "faults: reads failed" >&2; exit 1; }
fresh
LD_PRELOAD=$SHIM TRACKRECORD_FAULT_COUNT=$WORK/count "$BIN" --db "$WORK/s/t.db" import -q "$WORK/days.csv" >/dev/null ||
    { echo "faults: the import failed without a fault" >&2; exit 1; }
reads "$WORK/s/t.db" >"$WORK/want_after" 2>&1 || exit 1
n_malloc=$(awk '$1 == "malloc" { print $2 }' "$WORK/count")
n_write=$(awk '$1 == "write" { print $2 }' "$WORK/count")

# The calls to fail: every write; every allocation, or a sample.
trials=()
for ((n = 1; n <= n_write; n++)); do trials+=("write:$n"); done
if [ "$ALL" -eq 1 ] || [ "$MALLOCS" -ge "$n_malloc" ]; then
    for ((n = 1; n <= n_malloc; n++)); do trials+=("malloc:$n"); done
else
    # one in each of MALLOCS equal stretches of the calls, at random within it
    for ((i = 0; i < MALLOCS; i++)); do
        lo=$((1 + i * n_malloc / MALLOCS)) hi=$(((i + 1) * n_malloc / MALLOCS))
        trials+=("malloc:$((lo + (RANDOM * 32768 + RANDOM) % (hi - lo + 1)))")
    done
fi

crashed=0 silent=0 changed=0 unchecked=0 rerun=0 failed=0 absorbed=0 after_commit=0
for at in "${trials[@]}"; do
    fresh
    db=$WORK/s/t.db
    LD_PRELOAD=$SHIM TRACKRECORD_FAULT=$at "$BIN" --db "$db" import -q "$WORK/days.csv" \
        >/dev/null 2>"$WORK/err"
    rc=$?
    what="$at: exit $rc"
    if [ "$rc" -ge 128 ]; then
        echo "$what: crashed: $(head -c 300 "$WORK/err")"; crashed=$((crashed + 1)); continue
    fi
    reads "$db" >"$WORK/got" 2>&1
    if [ "$rc" -eq 0 ]; then
        absorbed=$((absorbed + 1))
        if ! cmp -s "$WORK/got" "$WORK/want_after"; then
            echo "$what: succeeded, but the reads differ from an import without the fault:"
            diff "$WORK/want_after" "$WORK/got" | head -n 6; changed=$((changed + 1))
        fi
    else
        failed=$((failed + 1))
        if ! grep -q '^trackrecord: ' "$WORK/err"; then
            echo "$what: failed without a message"; silent=$((silent + 1))
        fi
        if cmp -s "$WORK/got" "$WORK/want_after"; then
            after_commit=$((after_commit + 1))
        elif ! cmp -s "$WORK/got" "$WORK/want_before"; then
            echo "$what: failed ($(head -c 200 "$WORK/err")), and the store changed:"
            diff "$WORK/want_before" "$WORK/got" | head -n 6; changed=$((changed + 1))
        fi
        if ! "$BIN" --db "$db" check >"$WORK/check" 2>&1; then
            echo "$what: check fails: $(head -c 300 "$WORK/check")"; unchecked=$((unchecked + 1))
        fi
    fi
    if ! "$BIN" --db "$db" import -q "$WORK/days.csv" >/dev/null 2>"$WORK/err"; then
        echo "$what: the re-run failed: $(head -c 300 "$WORK/err")"; rerun=$((rerun + 1))
    elif ! reads "$db" >"$WORK/got" 2>&1 || ! cmp -s "$WORK/got" "$WORK/want_after"; then
        echo "$what: after the re-run the reads differ:"
        diff "$WORK/want_after" "$WORK/got" | head -n 6; rerun=$((rerun + 1))
    fi
done
echo "faults: ${#trials[@]} faulty imports of $n_malloc allocations and $n_write writes:" \
     "$failed failed ($after_commit after their commit), $absorbed succeeded;" \
     "$crashed crashed, $silent without a message, $changed left the store changed," \
     "$unchecked failing check, $rerun re-runs failed"
[ $((crashed + silent + changed + unchecked + rerun)) -eq 0 ]
