#!/bin/bash
# Runs the fuzz targets (built by `make fuzz` into build/fuzz) on their
# committed corpora, tests/fuzz/corpus/TARGET/.
#
#   tests/fuzz/run.sh [--time S] [--jobs N] [--long] [--merge] [TARGET...]
#
# Each target runs for S seconds (default 10; fuzz_import 3 S) under ASan+UBSan, starting from
# a copy of its corpus (build/fuzz/work/TARGET), so that what a run finds
# does not touch the repository; the targets run N at a time (default 2).
# Fails when any target crashes, leaks, times out (10 s an input) or runs out
# of memory (2 GB): the input is kept as build/fuzz/TARGET-crash-<sha1>, and
# the last lines of its log are printed.  `make fuzz-ci` is this with the
# default time, part of `make test`.
#
# --long keeps the work corpora between runs (a longer search continues
# where the last stopped); --merge then minimises each work corpus into
# tests/fuzz/corpus/TARGET (libFuzzer's -merge=1: the inputs that add
# coverage, the seeds kept).  Each run's figures (executions, coverage,
# corpus) are in build/fuzz/TARGET.log and summed up at the end.
set -eu
cd "$(dirname "$0")/../.."
ROOT=$(pwd)
B=$ROOT/build/fuzz
time=10 jobs=2 long=0 merge=0 targets=()
while [ $# -gt 0 ]; do
    case $1 in
    --time) time=$2; shift ;;
    --jobs) jobs=$2; shift ;;
    --long) long=1 ;;
    --merge) merge=1 ;;
    -h|--help) sed -n '2,20p' "$0"; exit 0 ;;
    -*) echo "run.sh: unknown option '$1' (try --help)" >&2; exit 2 ;;
    *) targets+=("$1") ;;
    esac
    shift
done
if [ ${#targets[@]} = 0 ]; then
    for f in tests/fuzz/fuzz_*.c; do targets+=("$(basename "$f" .c)"); done
fi

# the longest input each target takes: what its inputs are
max_len() {
    case $1 in
    fuzz_import) echo 65536 ;;
    fuzz_csv) echo 20000 ;;
    fuzz_codec | fuzz_snapshot | fuzz_events | fuzz_checkpoint) echo 32768 ;;
    fuzz_router) echo 5000 ;;
    *) echo 4096 ;;
    esac
}

# fuzz_import imports into a real store each run (about 100 a second, where
# the others run thousands): it gets three times the others' time
time_of() { [ "$1" = fuzz_import ] && echo $((3 * time)) || echo "$time"; }

run_one() {   # run_one TARGET: 0, or 1 after a crash
    local t=$1 work=$B/work/$1 log=$B/$1.log
    [ -x "$B/$t" ] || { echo "run.sh: no $B/$t (make fuzz builds it)" >&2; return 1; }
    [ "$long" = 1 ] || rm -rf "$work"
    mkdir -p "$work"
    cp -n tests/fuzz/corpus/"$t"/* "$work"/ 2>/dev/null || true
    rm -f "$B/$t"-crash-* "$B/$t"-leak-* "$B/$t"-timeout-* "$B/$t"-oom-*
    if (cd "$B" && "./$t" -max_total_time="$(time_of "$t")" -max_len="$(max_len "$t")" -timeout=10 \
            -rss_limit_mb=2048 -print_final_stats=1 -artifact_prefix="$B/$t-" "$work") >"$log" 2>&1; then
        return 0
    fi
    echo "== $t FAILED: $(ls "$B/$t"-* 2>/dev/null | grep -v '\.log$' | head -n 1)" >&2
    grep -E "ERROR|SUMMARY|#[0-9]+ in " "$log" | head -n 30 >&2
    return 1
}

status=0 running=0 pids=() names=()
for t in "${targets[@]}"; do
    run_one "$t" & pids+=($!) names+=("$t")
    running=$((running + 1))
    if [ "$running" -ge "$jobs" ]; then
        wait "${pids[0]}" || status=1
        pids=("${pids[@]:1}") running=$((running - 1))
    fi
done
for p in "${pids[@]}"; do wait "$p" || status=1; done

printf '%-16s %12s %10s %8s %8s\n' target executions exec/s cov corpus
for t in "${targets[@]}"; do
    log=$B/$t.log
    [ -f "$log" ] || continue
    execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
    rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log")
    cov=$(grep -oE 'cov: [0-9]+' "$log" | tail -n 1 | cut -d' ' -f2)
    corp=$(grep -oE 'corp: [0-9]+' "$log" | tail -n 1 | cut -d' ' -f2)
    printf '%-16s %12s %10s %8s %8s\n' "$t" "${execs:-?}" "${rate:-?}" "${cov:-?}" "${corp:-?}"
done

if [ "$merge" = 1 ] && [ "$status" = 0 ]; then
    for t in "${targets[@]}"; do
        mkdir -p "$B/merged/$t"
        rm -rf "${B:?}/merged/$t"/*
        (cd "$B" && "./$t" -merge=1 -max_len="$(max_len "$t")" -timeout=10 -rss_limit_mb=2048 \
            "$B/merged/$t" "$ROOT/tests/fuzz/corpus/$t" "$B/work/$t") >"$B/$t.merge.log" 2>&1
        # the hand-made seeds and the regression cases stay by name
        find tests/fuzz/corpus/"$t" -type f ! -name 'seed-*' ! -name 'regress-*' -delete
        for f in "$B/merged/$t"/*; do
            h=$(sha1sum "$f" | cut -c1-40)
            grep -qxF "$h" <(sha1sum tests/fuzz/corpus/"$t"/* 2>/dev/null | cut -c1-40) || cp "$f" tests/fuzz/corpus/"$t/$h"
        done
        echo "merged $t: $(ls tests/fuzz/corpus/"$t" | wc -l) inputs, $(du -sh tests/fuzz/corpus/"$t" | cut -f1)"
    done
fi
exit $status
