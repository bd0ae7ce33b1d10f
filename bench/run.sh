#!/usr/bin/env bash
# bench/run.sh: trackrecord's benchmarks in one command (make bench runs it).
# See bench/README.md for what each benchmark does and docs/performance.md
# for the figures.
#
#   bench/run.sh                 backfill 100k x 100 with its peers (DuckDB,
#                                SQLite), then daily / recompute / storage
#                                on a 100k-track x 365-day store
#   bench/run.sh --quick         small sizes, 3 repetitions: a smoke run
#   bench/run.sh --full          daily / recompute / storage on 1M x 365
#   bench/run.sh --scaling       backfill cost against tracks and days
#
# Options: --reps N  --only backfill,daily,recompute,storage,micro  --data DIR
#   --ladder L  --seed S  --ids short|spotify  --backfill TRACKSxDAYS
#   --store TRACKSxDAYS  --chunk DAYS  --rebuild-store  --no-peers
#   --no-sqlite  --peers-only  --no-setup  --strict  --wait-quiet SECONDS
#
# Every figure is the median of --reps runs (default 5) of a whole command,
# with the input files in the page cache.  Generated data is cached under
# --data (build/bench-data) and reused while the parameters and the
# generator are unchanged; the store the daily benchmarks need is built once
# and copied before each run that writes to it.  Exits non-zero when a run
# fails or the backfill outputs of trackrecord, DuckDB and SQLite disagree;
# with --strict, also when a target is missed.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)

reps=5 data=build/bench-data only=backfill,daily,recompute,storage,micro
ladder="1M,5M,10M,20M,50M,100M,200M,500M,1B,2B"
seed=1 ids=short start=2024-01-01
bf_size=100000x100 st_size=100000x365 chunk=92
peers=1 sqlite=1 peers_only=0 setup=1 rebuild=0 strict=0 scaling=0 quick=0 wait_quiet=60
reps_given=0

die() { echo "run.sh: $*" >&2; exit 2; }
while [ $# -gt 0 ]; do
    case "$1" in
        --quick) quick=1; shift ;;
        --full) st_size=1000000x365; shift ;;
        --scaling) scaling=1; shift ;;
        --reps) reps=$2; reps_given=1; shift 2 ;;
        --only) only=$2; shift 2 ;;
        --data) data=$2; shift 2 ;;
        --ladder) ladder=$2; shift 2 ;;
        --seed) seed=$2; shift 2 ;;
        --ids) ids=$2; shift 2 ;;
        --backfill) bf_size=$2; shift 2 ;;
        --store) st_size=$2; shift 2 ;;
        --chunk) chunk=$2; shift 2 ;;
        --rebuild-store) rebuild=1; shift ;;
        --no-peers) peers=0; shift ;;
        --no-sqlite) sqlite=0; shift ;;
        --peers-only) peers_only=1; shift ;;
        --no-setup) setup=0; shift ;;
        --strict) strict=1; shift ;;
        --wait-quiet) wait_quiet=$2; shift 2 ;;
        -h|--help) sed -n '2,28p' "$0"; exit 0 ;;
        *) die "unknown option '$1' (try --help)" ;;
    esac
done
if [ "$quick" = 1 ]; then
    bf_size=10000x30 st_size=10000x60 chunk=30
    [ "$reps_given" = 1 ] || reps=3
fi
[[ "$reps" =~ ^[1-9][0-9]*$ ]] || die "--reps: a positive integer"
[[ "$bf_size" =~ ^([0-9]+)x([0-9]+)$ ]] || die "--backfill: TRACKSxDAYS, e.g. 100000x100"
bf_tracks=${BASH_REMATCH[1]} bf_days=${BASH_REMATCH[2]}
[[ "$st_size" =~ ^([0-9]+)x([0-9]+)$ ]] || die "--store: TRACKSxDAYS, e.g. 1000000x365"
st_tracks=${BASH_REMATCH[1]} st_days=${BASH_REMATCH[2]}
wants() { [[ ",$only," == *",$1,"* ]]; }

GEN=$ROOT/build/bench/gen
TIMEIT=$ROOT/build/bench/timeit
TR=${TRACKRECORD_BIN:-$ROOT/build/trackrecord}   # the e2e tests honour the same variable
mkdir -p "$data"
data=$(cd "$data" && pwd)
RES=$data/results
mkdir -p "$RES"
SUMMARY=$RES/summary.txt
: >"$SUMMARY"
status=0

say() { echo "$*" | tee -a "$SUMMARY"; }
note() { echo "== $*" >&2; }
fail() { say "FAIL: $*"; status=1; }

# ---- ladder: "1M,1.6B,10M..100M/10M" -> plain integers for the peers ------
count_of() {   # 1.6B -> 1600000000
    local x=$1 num suf zeros=0 frac=""
    num=${x%[KkMmBbTt]}
    suf=${x:${#num}}
    case "$suf" in K|k) zeros=3 ;; M|m) zeros=6 ;; B|b) zeros=9 ;; T|t) zeros=12 ;; "") ;; esac
    [[ "$num" =~ ^[0-9]+(\.[0-9]+)?$ ]] || die "ladder: bad count '$x'"
    if [[ "$num" == *.* ]]; then frac=${num#*.}; num=${num%.*}; fi
    [ ${#frac} -le "$zeros" ] || die "ladder: '$x' is not a whole number"
    local digits="$num$frac" pad=$((zeros - ${#frac}))
    while [ "$pad" -gt 0 ]; do digits+=0; pad=$((pad - 1)); done
    echo $((10#$digits))
}
expand_ladder() {
    local out=() item a b step v
    IFS=, read -r -a items <<<"$1"
    for item in "${items[@]}"; do
        if [[ "$item" =~ ^([^.]+(\.[0-9]+)?)\.\.([^/]+)/(.+)$ ]]; then
            a=$(count_of "${BASH_REMATCH[1]}") b=$(count_of "${BASH_REMATCH[3]}")
            step=$(count_of "${BASH_REMATCH[4]}")
            [ "$step" -gt 0 ] || die "ladder: zero step in '$item'"
            for ((v = a; v <= b; v += step)); do out+=("$v"); done
        elif [[ "$item" == *..* ]]; then
            die "ladder: the peers need runs with an end ('$item')"
        else
            out+=("$(count_of "$item")")
        fi
    done
    printf '%s\n' "${out[@]}" | sort -n -u | paste -sd, -
}
ladder_ints=$(expand_ladder "$ladder")

# ---- build and setup ------------------------------------------------------
note "building the bench tools"
make -s -f bench/Makefile >/dev/null
have_tr=0
if [ "$peers_only" = 0 ]; then
    if [ ! -x "$TR" ]; then
        note "building build/trackrecord"
        make -s "$TR" >/dev/null || die "build/trackrecord does not build (--peers-only runs the peers alone)"
    fi
    have_tr=1
fi
if [ "$peers" = 1 ] && [ "$setup" = 1 ]; then
    note "setting up the peers (bench/setup.sh)"
    bench/setup.sh
fi

# Subcommands of the CLI: a benchmark whose command is missing is skipped.
# They are read from the "Commands:" block of `trackrecord --help`.
tr_cmds=""
if [ "$have_tr" = 1 ]; then
    tr_cmds=$({ "$TR" --help 2>&1 || true; } |
        awk '/^Commands:/ { f = 1; next } f && /^[^ \t]/ { f = 0 } f && NF { print $1 }')
fi
tr_has() { grep -qx -- "$1" <<<"$tr_cmds"; }

field() {   # field KEY LINE: the value of KEY=VALUE in LINE
    sed -n "s/.*[[:space:]]$1=\([^[:space:]]*\).*/\1/p; s/^$1=\([^[:space:]]*\).*/\1/p" <<<"$2" | awk 'NR == 1'
}
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "-" }'; }
le() { awk -v a="$1" -v b="$2" 'BEGIN { exit !(a <= b) }'; }
ms() { awk -v s="$1" 'BEGIN { printf "%.0f", s * 1000 }'; }   # seconds as whole milliseconds
target() {   # target NAME OK(0/1) TEXT
    if [ "$2" = 1 ]; then say "  target $1: met ($3)"
    else say "  target $1: NOT met ($3)"; [ "$strict" = 0 ] || status=1; fi
}
human() { numfmt --to=iec-i --suffix=B "$1" 2>/dev/null || echo "$1 B"; }

# ---- generated data, cached by parameters --------------------------------
gen_sum=$(cat bench/gen.c src/lib/base/date.c | cksum | cut -d' ' -f1)
# ensure_gen DIR ARGS...: runs gen into DIR unless DIR/.stamp records the same call.
ensure_gen() {
    local dir=$1; shift
    local key="gen=$gen_sum $*"
    if [ -f "$dir/.stamp" ] && [ "$(cat "$dir/.stamp")" = "$key" ]; then
        return 0
    fi
    rm -rf "$dir"
    mkdir -p "$dir"
    local line
    line=$("$GEN" "$@" --out "$dir")
    echo "$line" >"$dir/.gen"
    note "generated $dir: $line"
    echo "$key" >"$dir/.stamp"
}

# The agreed output format: track,threshold,date sorted by track then threshold.
normalize() { LC_ALL=C sort -t, -k1,1 -k2,2n | grep -v '^track,threshold,date$' || true; }
tr_milestones() {   # tr_milestones DB: the store's track milestones, normalized
    "$TR" --db "$1" milestones --kind track_total --csv | awk -F, '
        NR == 1 { for (i = 1; i <= NF; i++) col[$i] = i; next }
        $(col["kind"]) == "track_total" { print $(col["subject"]) "," $(col["threshold"]) "," $(col["date"]) }' |
        normalize
}

say "trackrecord benchmarks, $(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores, $(awk '/MemTotal/ { printf "%.0f GiB", $2 / 1048576 }' /proc/meminfo)"
say "cpu: $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | awk 'NR == 1')"
say "medians of $reps runs; ladder $ladder; ids $ids; seed $seed"
# Other work on the machine skews every figure: wait a while for the cores
# to be idle before each benchmark, and say how idle they were.
idle_pct() {   # share of CPU time idle over the next second, in percent
    local a b
    a=($(head -1 /proc/stat)); sleep 1; b=($(head -1 /proc/stat))
    local ti=$(( (b[4] + b[5]) - (a[4] + a[5]) )) tt=0 i
    for i in 1 2 3 4 5 6 7 8; do tt=$((tt + b[i] - a[i])); done
    echo $(( tt > 0 ? 100 * ti / tt : 100 ))
}
quiet() {   # quiet NAME: waits up to $wait_quiet s for >= 90% idle cores
    local waited=0 idle
    idle=$(idle_pct)
    while [ "$idle" -lt 90 ] && [ "$waited" -lt "$wait_quiet" ]; do
        [ "$waited" = 0 ] && note "waiting up to ${wait_quiet}s for idle cores before $1 (idle $idle%)"
        sleep 4; waited=$((waited + 5)); idle=$(idle_pct)
    done
    if [ "$idle" -lt 90 ]; then
        busy=$(ps -eo pcpu=,comm= --sort=-pcpu | awk 'NR == 1 { print $2 " (" $1 "% cpu)" }')
        say "  WARNING: cores only $idle% idle before $1 (busiest: $busy): figures are noisy"
    fi
}
[ -n "$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null)" ] && say "commit: $(git -C "$ROOT" rev-parse --short HEAD)"

# ---- backfill ---------------------------------------------------------------
# backfill TRACKS DAYS TAG: one backfill with every side; prints the summary.
backfill() {
    local tracks=$1 days=$2 tag=$3
    local dir=$data/backfill-${tracks}x${days}-s$seed-$ids
    ensure_gen "$dir" --tracks "$tracks" --days "$days" --start "$start" --seed "$seed" --ids "$ids" --no-catalog
    local csv=$dir/streams.csv rows size
    rows=$(field rows "$(cat "$dir/.gen")")
    size=$(stat -c %s "$csv")
    say ""
    say "backfill${tag:+ $tag}: $tracks tracks x $days days = $rows rows, $(human "$size") CSV"
    local tr_med="" tr_query="" duck_q="" duck_t="" sq_t="" out
    rm -f "$RES/backfill$tag"-*.csv "$RES/backfill$tag"-*.diff
    quiet "backfill$tag"
    if [ "$have_tr" = 1 ]; then
        local work=$data/work/backfill
        out=$("$TIMEIT" -n "$reps" --label trackrecord \
            --prepare "rm -rf '$work' && mkdir -p '$work'" \
            -- "$TR" --db "$work/tr.db" import -q --ladder "$ladder" --add-tracks "$csv") ||
            { fail "trackrecord backfill import failed"; out=""; }
        if [ -n "$out" ]; then
            tr_med=$(field median "$out")
            say "  trackrecord import+milestones  $tr_med s  (min $(field min "$out"), peak $(field rss_mb "$out") MB)"
            tr_milestones "$work/tr.db" >"$RES/backfill$tag-trackrecord.csv" ||
                fail "trackrecord milestones --csv failed"
            # the query alone, like DuckDB's: every milestone computed afresh
            # over the series the import stored (whole process, CSV written)
            out=$("$TIMEIT" -n "$reps" --label query --stdout /dev/null -- \
                  "$TR" --db "$work/tr.db" milestones --ladder "$ladder" --csv) ||
                { fail "trackrecord milestones --ladder failed"; out=""; }
            [ -n "$out" ] && tr_query=$(field median "$out") &&
                say "  trackrecord query alone          $tr_query s  (every milestone over the stored series, milestones --ladder --csv)"
        fi
    else
        say "  trackrecord: pending (not built)"
    fi
    if [ "$peers" = 1 ]; then
        out=$(node bench/peers/duckdb_backfill.mjs --csv "$csv" --ladder "$ladder_ints" --reps "$reps" \
              --out "$RES/backfill$tag-duckdb.raw.csv") || { fail "duckdb peer failed"; out=""; }
        if [ -n "$out" ]; then
            echo "$out" >"$RES/backfill$tag-duckdb.txt"
            local m; m=$(grep '^median' <<<"$out")
            duck_q=$(field query "$m") duck_t=$(field total "$m")
            say "  DuckDB $(field duckdb "$(grep '^info' <<<"$out")") query alone       $duck_q s  (load $(field load "$m") s, load+query $duck_t s)"
            normalize <"$RES/backfill$tag-duckdb.raw.csv" >"$RES/backfill$tag-duckdb.csv"
        fi
        if [ "$sqlite" = 1 ]; then
            out=$(bench/peers/sqlite_backfill.sh --csv "$csv" --ladder "$ladder_ints" --reps "$reps" \
                  --out "$RES/backfill$tag-sqlite.raw.csv") || { fail "sqlite peer failed"; out=""; }
            if [ -n "$out" ]; then
                echo "$out" >"$RES/backfill$tag-sqlite.txt"
                local m; m=$(grep '^median' <<<"$out")
                sq_t=$(field total "$m")
                say "  SQLite $(field sqlite "$(grep '^info' <<<"$out")") import+query    $sq_t s  (import $(field load "$m") s, query $(field query "$m") s)"
                normalize <"$RES/backfill$tag-sqlite.raw.csv" >"$RES/backfill$tag-sqlite.csv"
            fi
        fi
    fi
    # Agreement: every side must find the same (track, threshold, date) rows.
    local sides=() s n
    [ -n "$tr_med" ] && sides+=(trackrecord)
    [ -n "$duck_q" ] && sides+=(duckdb)
    [ -n "$sq_t" ] && sides+=(sqlite)
    if [ "${#sides[@]}" -ge 2 ]; then
        local ref=${sides[0]} agree=1
        n=$(wc -l <"$RES/backfill$tag-$ref.csv")
        for s in "${sides[@]:1}"; do
            if ! cmp -s "$RES/backfill$tag-$ref.csv" "$RES/backfill$tag-$s.csv"; then
                agree=0
                fail "backfill${tag:+ $tag}: $ref and $s disagree ($(wc -l <"$RES/backfill$tag-$ref.csv") vs $(wc -l <"$RES/backfill$tag-$s.csv") milestones); first differences (all in $RES/backfill$tag-$ref-$s.diff):"
                diff "$RES/backfill$tag-$ref.csv" "$RES/backfill$tag-$s.csv" >"$RES/backfill$tag-$ref-$s.diff" || true
                head -10 "$RES/backfill$tag-$ref-$s.diff" | tee -a "$SUMMARY"
            fi
        done
        [ "$agree" = 1 ] && say "  outputs agree: ${sides[*]} find the same $n milestones"
        [ "$n" -gt 0 ] || fail "backfill${tag:+ $tag}: no milestones at all"
    fi
    if [ -n "$tr_med" ]; then
        [ -n "$duck_q" ] && say "  ratio: DuckDB query alone / trackrecord = $(ratio "$duck_q" "$tr_med")x, DuckDB load+query / trackrecord = $(ratio "$duck_t" "$tr_med")x"
        [ -n "$duck_q" ] && [ -n "$tr_query" ] &&
            say "  ratio: DuckDB query alone / trackrecord query alone = $(ratio "$duck_q" "$tr_query")x"
        [ -n "$sq_t" ] && say "  ratio: SQLite / trackrecord = $(ratio "$sq_t" "$tr_med")x"
        if [ -n "$duck_q" ] && [ -z "$tag" ]; then
            local r; r=$(ratio "$duck_q" "$tr_med")
            target "backfill >= 3x DuckDB's query alone" "$(le 3 "$r" && echo 1 || echo 0)" "${r}x"
        fi
    fi
    BF_LAST="tracks=$tracks days=$days rows=$rows tr=$tr_med tr_query=$tr_query duck_query=$duck_q duck_total=$duck_t sqlite=$sq_t"
}

if wants backfill; then
    backfill "$bf_tracks" "$bf_days" ""
fi

if [ "$scaling" = 1 ]; then
    say ""
    say "scaling of the backfill (tracks x days -> seconds; SQLite left out)"
    save_sqlite=$sqlite sqlite=0
    grid=()
    for t in $((bf_tracks / 4)) $((bf_tracks / 2)) "$bf_tracks" $((bf_tracks * 2)); do grid+=("${t}x$bf_days"); done
    for d in $((bf_days / 4)) $((bf_days / 2)) $((bf_days * 2)); do grid+=("${bf_tracks}x$d"); done
    scale_rows=()
    for g in "${grid[@]}"; do
        backfill "${g%x*}" "${g#*x}" "-$g" >/dev/null
        scale_rows+=("$BF_LAST")
    done
    sqlite=$save_sqlite
    say "  tracks    days   rows        trackrecord  DuckDB query  DuckDB load+query"
    for r in "${scale_rows[@]}"; do
        printf '  %-9s %-6s %-11s %-12s %-13s %s\n' "$(field tracks " $r")" "$(field days "$r")" \
            "$(field rows "$r")" "$(field tr "$r")" "$(field duck_query "$r")" "$(field duck_total "$r")" |
            tee -a "$SUMMARY"
    done
fi

# ---- the big store: daily, recompute, storage ------------------------------
if [ "$have_tr" = 1 ] && { wants daily || wants recompute || wants storage; }; then
    say ""
    say "store: $st_tracks tracks x $st_days days, then day $st_days as the daily snapshot"
    world=(--tracks "$st_tracks" --days $((st_days + 1)) --start "$start" --seed "$seed" --ids "$ids")
    sdir=$data/store-${st_tracks}x${st_days}-s$seed-$ids
    mkdir -p "$sdir"
    ensure_gen "$sdir/catalog" "${world[@]}" --no-streams
    ensure_gen "$sdir/daily" "${world[@]}" --daily-only "$st_days"
    daily_csv=$(ls "$sdir"/daily/streams-*.csv)
    daily_rows=$(field rows "$(cat "$sdir/daily/.gen")")
    store=$sdir/store
    # A store written by another version of trackrecord may not be readable:
    # the version is part of the key (--rebuild-store forces a rebuild).
    store_key="gen=$gen_sum ${world[*]} chunk=$chunk ladder=$ladder tr=$("$TR" --version 2>&1 | awk 'NR == 1')"
    if [ -f "$store/.stamp" ] && [ "$rebuild" = 0 ] && ! "$TR" --db "$store/tr.db" stats >/dev/null 2>&1; then
        note "the cached store is not readable by this build (format changed?): rebuilding it"
        rebuild=1
    fi
    # The daily run resumes from the milestone checkpoint; one written by an
    # older engine does not fit, and the import would rescan every day.
    if [ -f "$store/.stamp" ] && [ "$rebuild" = 0 ] &&
        [ "$("$TR" --db "$store/tr.db" stats --json | jq -r .scanned_to)" = null ]; then
        note "the cached store's milestone checkpoint does not fit this build: rebuilding it"
        rebuild=1
    fi
    # A store of a build that kept the checkpoint inside the database would
    # move it to its file at each run's import.
    if [ -f "$store/.stamp" ] && [ "$rebuild" = 0 ] && ! ls "$store"/tr.db-checkpoint.* >/dev/null 2>&1; then
        note "the cached store keeps its checkpoint in the database (an older build): rebuilding it"
        rebuild=1
    fi
    # A store of a build that kept the catalog snapshot inside the database
    # would read it from there and write its file at each run's import.
    if [ -f "$store/.stamp" ] && [ "$rebuild" = 0 ] && ! ls "$store"/tr.db-catalog.* >/dev/null 2>&1; then
        note "the cached store keeps its catalog snapshot in the database (an older build): rebuilding it"
        rebuild=1
    fi
    # ... or kept no engine preparation, which each run's import would make
    if [ -f "$store/.stamp" ] && [ "$rebuild" = 0 ] && ! ls "$store"/tr.db-prep.* >/dev/null 2>&1; then
        note "the cached store keeps no engine preparation (an older build): rebuilding it"
        rebuild=1
    fi
    # A store written before the event log would write it at each run's import.
    if [ -f "$store/.stamp" ] && [ "$rebuild" = 0 ] &&
        [ "$(sqlite3 "$store/tr.db" "SELECT count(*) = 0 FROM event_log" 2>/dev/null || echo 1)" = 1 ]; then
        note "the cached store has no event log (an older build wrote it): rebuilding it"
        rebuild=1
    fi
    if [ "$rebuild" = 1 ] || [ ! -f "$store/.stamp" ] || [ "$(cat "$store/.stamp")" != "$store_key" ]; then
        note "building the store (once; cached in $store)"
        rm -rf "$store" "$sdir/chunks"
        mkdir -p "$store" "$sdir/chunks"
        obs=0 build_secs=0 first=1
        for ((from = 0; from < st_days; from += chunk)); do
            to=$((from + chunk - 1)); [ "$to" -lt "$st_days" ] || to=$((st_days - 1))
            f=$sdir/chunks/streams-$from-$to.csv
            line=$("$GEN" "${world[@]}" --no-catalog --from "$from" --to "$to" --out "$sdir/chunks" --streams "$f")
            obs=$((obs + $(field rows "$line")))
            args=(import -q)
            if [ "$first" = 1 ]; then args+=(--ladder "$ladder" "$sdir/catalog"); first=0; fi
            out=$("$TIMEIT" -n 1 --label "import days $from..$to" -- "$TR" --db "$store/tr.db" "${args[@]}" "$f") ||
                { rm -rf "$store"; die "building the store failed on days $from..$to"; }
            note "$out"
            build_secs=$(awk -v a="$build_secs" -v b="$(field median "$out")" 'BEGIN { printf "%.3f", a + b }')
            rm -f "$f"
        done
        echo "observations=$obs build_seconds=$build_secs chunk=$chunk" >"$store/.info"
        echo "$store_key" >"$store/.stamp"
    fi
    info=$(cat "$store/.info")
    obs=$(field observations "$info")
    say "  store build (one-off, $chunk-day imports): $(field build_seconds "$info") s for $obs observations"
    run=$sdir/run
    copy_store="rm -rf '$run' && cp -a --reflink=auto '$store' '$run' && sync"

    if wants daily; then
        say ""
        say "daily: import day $st_days ($daily_rows rows) into the $st_tracks x $st_days store"
        day=$(basename "$daily_csv" .csv); day=${day#streams-}
        # the whole daily job in one process: the import finds the day's
        # milestones, judges their records, keeps and prints them
        rcmd=(import -q "$daily_csv")
        tr_has records && rcmd=(import -q --records "$daily_csv")
        quiet daily
        out=$("$TIMEIT" -n "$reps" --label daily --prepare "$copy_store" \
              --stdout "$RES/daily-records.txt" -- "$TR" --db "$run/tr.db" "${rcmd[@]}") ||
            { fail "daily import failed (a store cached by an older build? try --rebuild-store)"; out=""; }
        if [ -n "$out" ]; then
            total=$(field median "$out")
            say "  ${rcmd[*]:0:3}: import + milestones + records  $total s  (min $(field min "$out"), peak $(field rss_mb "$out") MB; $(grep -c '^  [^ ]' "$RES/daily-records.txt" || true) posts)"
            if tr_has records; then
                out=$("$TIMEIT" -n "$reps" --label records -- "$TR" --db "$run/tr.db" records --since "$day") ||
                    { fail "records failed"; out=""; }
                [ -n "$out" ] &&
                    say "  records --since $day (the kept claims read back, another process)  $(field median "$out") s"
            fi
            if [ "$st_tracks" -ge 1000000 ]; then
                target "daily 1M-track snapshot <= 1 s" "$(le "$total" 1 && echo 1 || echo 0)" "$total s"
            else
                say "  (the 1 s target is for 1M tracks: run with --full)"
            fi
            # the forecasts the daily import keeps: its `forecasts` phase
            # (every subject dated; docs/forecasts.md), median of the runs
            if tr_has forecast; then
                fsecs=()
                for ((k = 0; k < reps; k++)); do
                    eval "$copy_store"
                    t=$("$TR" --db "$run/tr.db" import -q --timings "$daily_csv" 2>&1 >/dev/null |
                        sed -n 's/.* forecasts \([0-9.]*\) s.*/\1/p')
                    [ -n "$t" ] && fsecs+=("$t")
                done
                if [ "${#fsecs[@]}" -gt 0 ]; then
                    fmed=$(printf '%s\n' "${fsecs[@]}" | sort -g | awk '{v[NR] = $1} END {print v[int((NR + 1) / 2)]}')
                    say "  forecasts of every subject, beside the daily import (its forecasts phase)  $fmed s (of ${fsecs[*]})"
                    onesub=$("$TIMEIT" -n "$reps" --label forecast-one -- "$TR" --db "$run/tr.db" forecast --subject "$(sqlite3 "$run/tr.db" 'SELECT id FROM tracks ORDER BY rowid LIMIT 1')") &&
                        say "  forecast --subject (one track, kept forecasts, whole process)  $(ms "$(field median "$onesub")") ms (min $(ms "$(field min "$onesub")") ms)"
                    [ "$st_tracks" -ge 1000000 ] &&
                        target "forecasts of every subject <= 2 s beside the daily import" "$(le "$fmed" 2 && echo 1 || echo 0)" "$fmed s"
                fi
            fi
        fi
    fi

    if wants recompute; then
        say ""
        # A 'recompute' command if the CLI has one; else `milestones --ladder`,
        # which computes every milestone over the stored series afresh.
        rcmd=()
        if tr_has recompute; then rcmd=(recompute)
        elif tr_has milestones; then rcmd=(milestones --ladder "$ladder" --csv); fi
        if [ "${#rcmd[@]}" -gt 0 ]; then
            quiet recompute
            out=$("$TIMEIT" -n "$reps" --label recompute --prepare "$copy_store" \
                  --stdout "$RES/recompute.csv" -- "$TR" --db "$run/tr.db" "${rcmd[@]}") ||
                { fail "recompute failed"; out=""; }
            if [ -n "$out" ]; then
                r_med=$(field median "$out")
                say "recompute ($(basename "$TR") ${rcmd[*]}): every milestone over $obs observations:" \
                    "$r_med s, $(($(wc -l <"$RES/recompute.csv") - 1)) events (peak $(field rss_mb "$out") MB)"
                if [ "$st_tracks" -ge 1000000 ] && [ "$st_days" -ge 365 ]; then
                    target "recompute 1M x 365 <= 5 s" "$(le "$r_med" 5 && echo 1 || echo 0)" "$r_med s"
                fi
            fi
        else
            say "recompute: skipped (build/trackrecord has neither 'recompute' nor 'milestones')"
        fi
    fi

    if wants storage; then
        say ""
        bytes=$(du -sb --exclude=.stamp --exclude=.info "$store" | cut -f1)
        bpo=$(awk -v a="$bytes" -v b="$obs" 'BEGIN { printf "%.2f", a / b }')
        say "storage: store $(human "$bytes") for $obs observations = $bpo bytes per observation (whole store: catalog, milestones, indexes)"
        if tr_has stats; then
            "$TR" --db "$store/tr.db" stats >"$RES/stats.txt" 2>&1 || true
            "$TR" --db "$store/tr.db" stats --json >"$RES/stats.json" 2>&1 || true
            sb=$(sed -n 's/.*"series_bytes": *\([0-9]*\).*/\1/p' "$RES/stats.json" | awk 'NR == 1')
            so=$(sed -n 's/.*"observations": *\([0-9]*\).*/\1/p' "$RES/stats.json" | awk 'NR == 1')
            if [ -n "$sb" ] && [ -n "$so" ] && [ "$so" -gt 0 ]; then
                sbpo=$(awk -v a="$sb" -v b="$so" 'BEGIN { printf "%.2f", a / b }')
                say "  series alone (stats): $(human "$sb") for $so observations = $sbpo bytes per observation"
            fi
            sed 's/^/  stats: /' "$RES/stats.txt" | awk 'NR <= 12' >>"$SUMMARY"
        else
            say "  (no 'stats' command yet)"
        fi
        # the target is the observations' own storage (the series); the whole
        # file adds the catalog, the milestones and their indexes
        if [ -n "${sbpo:-}" ]; then
            target "<= 3 bytes per stored observation" "$(le "$sbpo" 3 && echo 1 || echo 0)" "$sbpo B/obs, series (whole store $bpo)"
        else
            target "<= 3 bytes per stored observation" "$(le "$bpo" 3 && echo 1 || echo 0)" "$bpo B/obs, whole store"
        fi
        if tr_has show; then
            quiet reads
            out=$("$TIMEIT" -n $((reps * 4)) --label floor -- "$TR" --version) &&
                say "  process start floor (trackrecord --version): $(awk -v a="$(field median "$out")" 'BEGIN { printf "%.2f", a * 1000 }') ms"
            # The most popular track (a full history) and the biggest release.
            top=$(sort -t, -k3,3n "$daily_csv" | tail -1 | cut -d, -f2)
            out=$("$TIMEIT" -n $((reps * 4)) --label history --stdout "$RES/show-track.json" \
                  -- "$TR" --db "$store/tr.db" show "$top" --json) || { fail "show $top failed"; out=""; }
            h_ms=""
            if [ -n "$out" ]; then
                h_ms=$(awk -v a="$(field median "$out")" 'BEGIN { printf "%.2f", a * 1000 }')
                say "  one track's history (show $top --json, whole process, its catalog load included): $h_ms ms"
            fi
            # the read alone, store open and catalog loaded, as the API server
            # and the dashboard hold it: what the target judges
            if make -s build/libtrackrecord.a >/dev/null && make -s -f bench/Makefile build/bench/history_bench >/dev/null; then
                line=$("$ROOT/build/bench/history_bench" "$store/tr.db" "$top" $((reps * 4)))
                say "  library read: $line"
                lib_ms=$(printf '%s\n' "$line" | sed -n 's/.*: median \([0-9.]*\) ms.*/\1/p')
                if [ -n "$lib_ms" ]; then
                    target "one track's history <= 5 ms" "$(le "$lib_ms" 5 && echo 1 || echo 0)" \
                        "$lib_ms ms with the store open; ${h_ms:-?} ms as a whole process"
                fi
            fi
            rel=$(awk -F, 'NR > 1 { n[$1]++ } END { for (r in n) if (n[r] > best) { best = n[r]; id = r } print id }' \
                  "$sdir/catalog/tracklist.csv")
            if out=$("$TIMEIT" -n $((reps * 4)) --label release --stdout "$RES/show-release.json" \
                     -- "$TR" --db "$store/tr.db" show "$rel" --json 2>/dev/null); then
                say "  one release's every-track status (show $rel --json): $(awk -v a="$(field median "$out")" 'BEGIN { printf "%.2f", a * 1000 }') ms"
            else
                say "  release status: skipped ('show $rel --json' does not take a release yet)"
            fi
        else
            say "  reads: skipped (build/trackrecord has no 'show' command yet)"
        fi
    fi
elif [ "$have_tr" = 0 ] && { wants daily || wants recompute || wants storage; }; then
    say ""
    say "daily, recompute, storage: pending (need build/trackrecord)"
fi

# ---- in-process: the records engine and the series codec -----------------
if wants micro && [ "$peers_only" = 0 ]; then
    say ""
    if make -s build/libtrackrecord.a >/dev/null && make -s -f bench/Makefile micro >/dev/null; then
        say "records: claims for 100k milestone events, and for one new event"
        build/bench/records_bench --events 100000 --reps "$reps" | sed 's/^/  /' | tee -a "$SUMMARY"
        say "series codec: encode, decode, apply, one slot"
        build/bench/codec_bench | sed 's/^/  /' | tee -a "$SUMMARY"
    else
        fail "the in-process benchmarks do not build"
    fi
fi

say ""
if [ "$status" = 0 ]; then say "all benchmarks ran; results in $RES"; else say "some benchmarks FAILED; see above ($RES)"; fi
exit "$status"
