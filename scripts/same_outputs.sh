#!/bin/bash
# scripts/same_outputs.sh [COMMIT [AFTER]]: shows that this tree's
# build/trackrecord (or AFTER's) prints byte for byte what COMMIT's build
# printed (default c27b7d8, the last commit before the restructure of issue
# 12; a restructuring commit is compared with its parent), on
#   - the demo (make demo's two commands),
#   - every command of the README's examples, and listings in every format
#     (milestones, records, show, forecast, charts, corrections, imports,
#     stats),
#   - bench/run.sh --quick: the milestones of its backfill, the claims its
#     daily import prints, its recompute, its stats and its show outputs.
# COMMIT is exported into a temporary directory and built there; nothing of
# this tree is touched but build/.  Prints one line per output compared and
# a diff of the first that differs; exits 1 when any differs.
#   SAME_OUTPUTS_KEEP=1 keeps the temporary directory (its path is printed).
set -u
cd "$(dirname "$0")/.."
ROOT=$(pwd)
base=${1:-c27b7d8}
tmp=$(mktemp -d)
[ "${SAME_OUTPUTS_KEEP:-0}" = 1 ] && echo "same_outputs: keeping $tmp" || trap 'rm -rf "$tmp"' EXIT

echo "same_outputs: building $base and this tree" >&2
mkdir -p "$tmp/base"
git archive "$base" | tar -x -C "$tmp/base" || exit 2
make -s -C "$tmp/base" -j2 build/trackrecord >/dev/null || { echo "same_outputs: $base does not build" >&2; exit 2; }
after_bin=$ROOT/build/trackrecord
if [ -n "${2:-}" ]; then
    mkdir -p "$tmp/after-src"
    git archive "$2" | tar -x -C "$tmp/after-src" || exit 2
    make -s -C "$tmp/after-src" -j2 build/trackrecord >/dev/null || { echo "same_outputs: $2 does not build" >&2; exit 2; }
    after_bin=$tmp/after-src/build/trackrecord
else
    make -s -j2 build/trackrecord >/dev/null || { echo "same_outputs: this tree does not build" >&2; exit 2; }
fi

# outputs BIN DIR: every output compared, one file each, into DIR
outputs() {
    local bin=$1 out=$2 db
    mkdir -p "$out"
    cd "$out" || return 1
    # the demo
    db=demo.db
    "$bin" --db $db import --ladder 10M../10M "$ROOT/data/demo/layover" >demo-import.txt 2>&1
    "$bin" --db $db milestones --kind every_track --subject layover >demo-milestones.txt 2>&1
    # the README's quick start, then every listing of that store
    export TRACKRECORD_DB=layover.db
    "$bin" import --ladder 10M../10M "$ROOT/data/demo/layover" >quick-import.txt 2>&1
    "$bin" milestones --subject layover --kind every_track >quick-milestones.txt 2>&1
    "$bin" show layover >quick-show.txt 2>&1
    "$bin" milestones --json --since 2024-01-01 >quick-milestones-since.json 2>&1
    "$bin" milestones --csv >layover-milestones.csv 2>&1
    "$bin" milestones --json >layover-milestones.json 2>&1
    "$bin" milestones --ladder 1M --csv >layover-milestones-1M.csv 2>&1
    "$bin" show layover --json >layover-show.json 2>&1
    "$bin" show 5h1BN75CEh8wdSwE1xrbSe >layover-show-track.txt 2>&1
    "$bin" show v --json >layover-show-artist.json 2>&1
    "$bin" show 5h1BN75CEh8wdSwE1xrbSe --json >layover-show-track.json 2>&1
    "$bin" forecast --next 3 >layover-forecast.txt 2>&1
    "$bin" forecast --next 3 --json >layover-forecast.json 2>&1
    "$bin" forecast --subject layover --csv >layover-forecast.csv 2>&1
    "$bin" corrections >layover-corrections.txt 2>&1
    "$bin" stats >layover-stats.txt 2>&1
    "$bin" stats --json >layover-stats.json 2>&1
    "$bin" imports --json | jq 'map(del(.imported_at, .at, .time, .started, .finished))' >layover-imports.json 2>&1
    unset TRACKRECORD_DB
    # the README's charts and records examples
    "$bin" --db charts.db import "$ROOT/tests/data/feeds/bts" "$ROOT/tests/data/feeds/charts_us" >charts-import.txt 2>&1
    "$bin" --db charts.db charts 0v1x6rN6JHRapa03JElljE >charts-dynamite.txt 2>&1
    "$bin" --db charts.db charts 0v1x6rN6JHRapa03JElljE --json >charts-dynamite.json 2>&1
    "$bin" --db charts.db records --kind chart_debut >charts-records.txt 2>&1
    "$bin" --db charts.db milestones --csv >charts-milestones.csv 2>&1
    "$bin" --db records.db import --ladder 10M../10M "$ROOT/data/demo/layover" "$ROOT/tests/data/records" >records-import.txt 2>&1
    "$bin" --db records.db records --subject layover --kind every_track --since 2024-02-25 >records-layover.txt 2>&1
    "$bin" --db records.db records >records-all.txt 2>&1
    "$bin" --db records.db records --json >records-all.json 2>&1
    "$bin" --db records.db milestones --json >records-milestones.json 2>&1
    # the other real feeds
    "$bin" --db feeds.db import --add-tracks --on-duplicate max "$ROOT/tests/data/feeds/playcounts" \
        "$ROOT/tests/data/feeds/kworb" "$ROOT/tests/data/feeds/kworb_albums" >feeds-import.txt 2>&1
    "$bin" --db feeds.db milestones --csv >feeds-milestones.csv 2>&1
    "$bin" --db feeds.db corrections >feeds-corrections.txt 2>&1
    "$bin" --help >help.txt 2>&1
    cd "$ROOT" || return 1
    # bench/run.sh --quick, its own data directory per build (its cached
    # store must be built by the binary under test)
    TRACKRECORD_BIN=$bin bench/run.sh --quick --reps 1 --no-peers --wait-quiet 0 \
        --only backfill,daily,recompute,storage --data "$out/bench" >"$out/bench.log" 2>&1 ||
        echo "same_outputs: bench/run.sh --quick failed for $bin (see $out/bench.log)" >&2
    local f
    for f in backfill-trackrecord.csv daily-records.txt recompute.csv stats.txt stats.json \
             show-track.json show-release.json; do
        [ -f "$out/bench/results/$f" ] && cp "$out/bench/results/$f" "$out/bench-$f"
    done
    rm -rf "$out/bench" "$out"/*.db "$out"/*.db-*
}

outputs "$tmp/base/build/trackrecord" "$tmp/before"
outputs "$after_bin" "$tmp/after"

same=0 differ=0 first=""
for f in $(cd "$tmp/before" && ls | grep -v '^bench.log$'); do
    if [ ! -f "$tmp/after/$f" ]; then
        echo "missing  $f"; differ=$((differ + 1)); continue
    fi
    # store paths differ by design: the two runs write under different directories
    if cmp -s <(sed "s|$tmp/before|DIR|g" "$tmp/before/$f") <(sed "s|$tmp/after|DIR|g" "$tmp/after/$f"); then
        echo "same     $f ($(wc -c <"$tmp/before/$f") bytes)"; same=$((same + 1))
    else
        echo "DIFFERS  $f"; differ=$((differ + 1)); [ -n "$first" ] || first=$f
    fi
done
if [ -n "$first" ]; then
    diff -u <(sed "s|$tmp/before|DIR|g" "$tmp/before/$first") <(sed "s|$tmp/after|DIR|g" "$tmp/after/$first") | head -40
fi
echo "same_outputs: $same same, $differ differ (${2:-this tree} against $base)"
[ "$differ" -eq 0 ]
