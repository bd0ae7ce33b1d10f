#!/usr/bin/env bash
# bench/profile.sh: where the backfill import spends its time.
#
#   bench/profile.sh perf      [TRACKSxDAYS]   perf record -g (cpu-clock) on the
#                                              backfill import, default 100000x100
#   bench/profile.sh callgrind [TRACKSxDAYS]   callgrind on a smaller one,
#                                              default 10000x30 (instruction counts)
#
# Uses the same generated CSV as bench/run.sh (build/bench-data) and the same
# ladder; writes the profile under build/bench-data/profile/ and prints the
# top of the report.  perf and valgrind come from Debian's packages.
set -euo pipefail
cd "$(dirname "$0")/.."
tool=${1:-perf}
case "$tool" in
    perf) size=${2:-100000x100} ;;
    callgrind) size=${2:-10000x30} ;;
    *) echo "usage: bench/profile.sh perf|callgrind [TRACKSxDAYS]" >&2; exit 2 ;;
esac
[[ "$size" =~ ^([0-9]+)x([0-9]+)$ ]] || { echo "profile.sh: TRACKSxDAYS, e.g. 100000x100" >&2; exit 2; }
tracks=${BASH_REMATCH[1]} days=${BASH_REMATCH[2]}
ladder=${LADDER:-1M,5M,10M,20M,50M,100M,200M,500M,1B,2B}
TR=${TRACKRECORD_BIN:-build/trackrecord}

if [ "$tool" = perf ]; then
    command -v perf >/dev/null || apt-get install -y -qq linux-perf >/dev/null
else
    command -v valgrind >/dev/null || apt-get install -y -qq valgrind >/dev/null
fi

make -s -f bench/Makefile >/dev/null
[ -x "$TR" ] || make -s "$TR" >/dev/null
dir=build/bench-data/profile
mkdir -p "$dir"
csv=$dir/streams-${tracks}x$days.csv
[ -f "$csv" ] || build/bench/gen --tracks "$tracks" --days "$days" --no-catalog --out "$dir" --streams "$csv" >/dev/null
rm -rf "$dir/store" && mkdir -p "$dir/store"
cmd=("$TR" --db "$dir/store/tr.db" import --ladder "$ladder" --add-tracks "$csv")

if [ "$tool" = perf ]; then
    perf record -q -e cpu-clock -F 2000 -g -o "$dir/perf.data" -- "${cmd[@]}" >/dev/null
    perf report -i "$dir/perf.data" --stdio --no-children --percent-limit 1 2>/dev/null |
        grep -E '^ +[0-9.]+%' | awk 'NR <= 40'
    echo "full report: perf report -i $dir/perf.data"
else
    valgrind --tool=callgrind --callgrind-out-file="$dir/callgrind.out" -- "${cmd[@]}" >/dev/null 2>"$dir/valgrind.log"
    callgrind_annotate "$dir/callgrind.out" 2>/dev/null | awk 'NR <= 45'
    echo "full report: callgrind_annotate $dir/callgrind.out (or kcachegrind)"
fi
