#!/bin/bash
# End-to-end tests: the real binary on real files, checking what a user
# would check.  Each test is a function named t_*; the runner prints one
# line per test and closes with "N passed, N failed".
set -u
BIN=${TRACKRECORD_BIN:-$(cd "$(dirname "$0")/../.." && pwd)/build/trackrecord}
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
DEMO=$ROOT/data/demo/layover
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
export TRACKRECORD_DB=$WORK/default.db

fail_msg=""
check() {           # check DESCRIPTION COMMAND...: the command must succeed
    local what=$1; shift
    if ! "$@" >/dev/null 2>&1; then fail_msg="$what"; return 1; fi
}
expect_eq() {       # expect_eq WHAT ACTUAL EXPECTED
    if [ "$2" != "$3" ]; then fail_msg="$1: expected '$3', got '$2'"; return 1; fi
}
lacks() {           # lacks WHAT HAYSTACK NEEDLE
    case "$2" in *"$3"*) fail_msg="$1: '$3' should not be in the output"; return 1 ;; esac
}
contains() {        # contains WHAT HAYSTACK NEEDLE
    case "$2" in *"$3"*) return 0 ;; esac
    fail_msg="$1: '$3' not in: $(printf %s "$2" | head -c 400)"; return 1
}
db_fingerprint() {  # every table's rows, so "unchanged" can be compared
    sqlite3 "$1" .dump 2>/dev/null | sha256sum
}
layover_db() {      # a store with the demo imported at every 10M
    local db=$WORK/$1.db
    rm -f "$db"*
    "$BIN" --db "$db" import -q --ladder 10M../10M "$DEMO" >/dev/null || return 1
    echo "$db"
}

# ---- the seed's own case ------------------------------------------------

t_layover_table() {
    local db; db=$(layover_db layover) || { fail_msg="import failed"; return 1; }
    local csv; csv=$("$BIN" --db "$db" milestones --csv)
    # subject,kind,threshold,date,day from ../shared/fixtures/layover/README.md
    local rows="layover,every_track,60000000,2023-12-16,99
layover,every_track,70000000,2024-01-14,128
layover,every_track,80000000,2024-02-25,170
layover,every_track,100000000,2024-05-23,258
layover,release_total,500000000,2023-10-11,33
layover,release_total,1600000000,2024-06-24,290
5h1BN75CEh8wdSwE1xrbSe,track_total,100000000,2023-09-30,22
54bg1e6ABcZfpU3yzwxnPf,track_total,260000000,2024-07-07,303
0SftJDguUa1F5SsQwwkLw4,track_total,1000000000,2025-03-21,560
5h1BN75CEh8wdSwE1xrbSe,track_total,500000000,2025-05-21,621"
    local r
    while IFS=, read -r subj kind thr date day; do
        r=$(printf '%s\n' "$csv" | awk -F, -v s="$subj" -v k="$kind" -v t="$thr" \
            '$1==s && $3==k && $4==t {print $5","$6}')
        expect_eq "$subj $kind $thr" "$r" "$date,$day" || return 1
    done <<<"$rows"
    # the 100M every-track milestone names its slowest track
    r=$(printf '%s\n' "$csv" | awk -F, '$1=="layover" && $3=="every_track" && $4==100000000 {print $9}')
    expect_eq "slowest at 100M" "$r" "7pgbDdy7ax962o9d2xJceV"
}

t_milestones_json_fields() {
    local db; db=$(layover_db json) || return 1
    local out; out=$("$BIN" --db "$db" milestones --json --subject layover --kind every_track)
    local r; r=$(printf '%s' "$out" | jq -r '.[] | select(.threshold==80000000) |
        [.subject,.subject_type,.kind,.date,.day,.slowest] | @csv')
    expect_eq "json 80M" "$r" '"layover","release","every_track","2024-02-25",170,"7pgbDdy7ax962o9d2xJceV"'
}

t_default_db_from_env() {
    rm -f "$TRACKRECORD_DB"*
    check "import into \$TRACKRECORD_DB" "$BIN" import -q "$DEMO" || return 1
    [ -f "$TRACKRECORD_DB" ] || { fail_msg="no store at \$TRACKRECORD_DB"; return 1; }
}

t_milestones_other_ladder() {
    local db; db=$(layover_db ladder) || return 1
    local out; out=$("$BIN" --db "$db" milestones --csv --ladder 80M --kind every_track --subject layover)
    local n; n=$(printf '%s\n' "$out" | tail -n +2 | wc -l)
    expect_eq "rows for --ladder 80M" "$n" 1 || return 1
    contains "80M row" "$out" "layover,release,every_track,80000000,2024-02-25,170"
}

t_show() {
    local db; db=$(layover_db show) || return 1
    local out; out=$("$BIN" --db "$db" show 5h1BN75CEh8wdSwE1xrbSe)
    contains "show title" "$out" "Slow Dancing" || return 1
    contains "show total" "$out" "total: " || return 1
    contains "show gains" "$out" "recent daily gains" || return 1
    contains "show milestones" "$out" ">= 500M" || return 1
    out=$("$BIN" --db "$db" show layover --json)
    expect_eq "release tracks" "$(printf '%s' "$out" | jq '.tracks | length')" 6
}

t_show_unknown_is_4() {
    local db; db=$(layover_db show4) || return 1
    "$BIN" --db "$db" show nope >/dev/null 2>&1
    expect_eq "exit code" "$?" 4
}

# ---- idempotence and atomicity -------------------------------------------

t_import_twice_changes_nothing() {
    local db; db=$(layover_db twice) || return 1
    local logged; logged=$("$BIN" --db "$db" imports --json | jq length)
    local before; before=$("$BIN" --db "$db" milestones --csv; "$BIN" --db "$db" stats)
    local out; out=$("$BIN" --db "$db" import --ladder 10M../10M "$DEMO")
    contains "second import" "$out" "observations: 0 new, 0 changed, 4262 already stored; catalog: 0 new or changed" || return 1
    local after; after=$("$BIN" --db "$db" milestones --csv; "$BIN" --db "$db" stats)
    expect_eq "milestones and stats after a second import" "$after" "$before" || return 1
    # the log records both imports, file by file
    expect_eq "import log entries" "$("$BIN" --db "$db" imports --json | jq length)" $((2 * logged))
}

# refused INPUT-CONTENT EXPECTED-MESSAGE [OPTIONS]: the import fails with
# exit 3, the message names file, line and field, the store is unchanged.
refused() {
    local content=$1 message=$2; shift 2
    local db; db=$(layover_db refused) || return 1
    local f=$WORK/streams.csv
    printf '%b' "$content" >"$f"
    local before; before=$(db_fingerprint "$db")
    local err; err=$("$BIN" --db "$db" import "$@" "$f" 2>&1 >/dev/null)
    local code=$?
    expect_eq "exit code ($message)" "$code" 3 || return 1
    contains "message" "$err" "$message" || return 1
    contains "unchanged note" "$err" "store is unchanged" || return 1
    expect_eq "store after a refused import" "$(db_fingerprint "$db")" "$before"
}

t_refuses_unknown_track() {
    refused 'date,track,streams\n2024-01-01,54bg1e6ABcZfpU3yzwxnPf,1\n2024-01-01,nosuchtrack,5\n' \
        "streams.csv:3: track: unknown track 'nosuchtrack'"
}
t_refuses_bad_date() {
    refused 'date,track,streams\n2024-02-30,54bg1e6ABcZfpU3yzwxnPf,1\n' \
        "streams.csv:2: date: not a date (YYYY-MM-DD): '2024-02-30'"
}
t_refuses_negative() {
    refused 'date,track,streams\n2024-01-01,54bg1e6ABcZfpU3yzwxnPf,-5\n' \
        "streams.csv:2: streams: not a non-negative integer: '-5'"
}
t_refuses_non_numeric() {
    refused 'date,track,streams\n2024-01-01,54bg1e6ABcZfpU3yzwxnPf,12x\n' \
        "streams.csv:2: streams: not an integer: '12x'"
}
t_refuses_conflicting_duplicate() {
    refused 'date,track,streams\n2026-01-01,54bg1e6ABcZfpU3yzwxnPf,900000000\n2026-01-02,54bg1e6ABcZfpU3yzwxnPf,901000000\n2026-01-01,54bg1e6ABcZfpU3yzwxnPf,900000001\n' \
        "streams.csv:4: streams: 900000001 for track '54bg1e6ABcZfpU3yzwxnPf' on 2026-01-01 conflicts with 900000000 on line 2"
}
t_refuses_conflict_through_same_as() {
    # the pre-release id shares the album version's count
    refused 'date,track,streams\n2026-01-01,54bg1e6ABcZfpU3yzwxnPf,900000000\n2026-01-01,5ydjxBSUIDn26MFzU3asP4,900000005\n' \
        "conflicts with 900000000 on line 2"
}
t_refuses_wrong_header() {
    refused 'day,track,streams\n2024-01-01,54bg1e6ABcZfpU3yzwxnPf,5\n' "streams.csv: format not recognised" || return 1
    # forced format: the header names the missing column
    refused 'day,track,streams\n2024-01-01,54bg1e6ABcZfpU3yzwxnPf,5\n' "header: missing column 'date'" --format streams
}
t_refuses_truncated_line() {
    refused 'date,track,streams\n2024-01-01,54bg1e6ABcZfpU3yzwxnPf,5\n2024-01-02,54bg1e6A' \
        "streams.csv:3: expected 3 fields, found 2"
}
t_refuses_past_64_bits() {
    refused 'date,track,streams\n2024-01-01,54bg1e6ABcZfpU3yzwxnPf,18446744073709551616\n' \
        "streams.csv:2: streams: number too large for 64 bits: '18446744073709551616'"
}

t_accepts_real_file_quirks() {
    local db; db=$(layover_db quirks) || return 1
    local f=$WORK/quirks.csv
    # BOM, CRLF, quoted fields, a count past 32 bits, no final newline
    printf '\xef\xbb\xbf"date","track","streams"\r\n"2026-01-01","54bg1e6ABcZfpU3yzwxnPf","5000000000"\r\n2026-01-02,54bg1e6ABcZfpU3yzwxnPf,5000000100' >"$f"
    check "import with BOM, CRLF, quotes" "$BIN" --db "$db" import "$f" || return 1
    local total; total=$("$BIN" --db "$db" show 54bg1e6ABcZfpU3yzwxnPf --json | jq '.total')
    expect_eq "total past 32 bits" "$total" 5000000100
}

t_import_timings() {
    # --timings: one line on stderr, every phase, summing to the whole
    local db=$WORK/timings.db
    rm -f "$db"*
    local err; err=$("$BIN" --db "$db" import -q --timings --ladder 10M../10M "$DEMO" 2>&1 >/dev/null)
    contains "phases" "$err" "timings: load " || return 1
    local p
    for p in read catalog series milestones records commit; do
        contains "phase $p" "$err" " $p " || return 1
    done
    awk '{ s = 0; for (i = 2; i < NF; i++) if ($(i + 1) == "s" && $i ~ /^[0-9.]+$/ && $(i - 1) != "all") s += $i;
           t = $(NF - 1); if (s > t + 0.01 || s < t - 0.01) exit 1 }' <<<"${err//;/}" ||
        { fail_msg="the phases do not add up: $err"; return 1; }
}

t_add_tracks_option() {
    local db; db=$(layover_db add) || return 1
    local f=$WORK/new.csv
    printf 'date,track,streams\n2026-01-01,brandnew,1500000\n2026-01-02,brandnew,2500000\n' >"$f"
    "$BIN" --db "$db" import "$f" >/dev/null 2>&1 && { fail_msg="unknown track accepted"; return 1; }
    check "import --add-tracks" "$BIN" --db "$db" import --add-tracks "$f" || return 1
    local out; out=$("$BIN" --db "$db" milestones --csv --subject brandnew)
    lacks "10M is not crossed" "$out" "brandnew,track,track_total,10000000" || return 1
    # 1.5M crosses nothing at 10M steps; at 1M the track (no release day
    # known) was past it when first seen: a baseline, listed when asked
    out=$("$BIN" --db "$db" milestones --csv --ladder 1M --subject brandnew)
    lacks "1M is a baseline" "$out" "brandnew,track,track_total,1000000" || return 1
    out=$("$BIN" --db "$db" milestones --csv --baseline --ladder 1M --subject brandnew)
    contains "1M baseline" "$out" "brandnew,track,track_total,1000000,2026-01-01,,1500000,open,,,1"
}

t_corrections_do_not_uncross() {
    local db=$WORK/corr.db
    rm -f "$db"*
    "$BIN" --db "$db" import -q "$DEMO/artists.csv" "$DEMO/releases.csv" "$DEMO/tracks.csv" "$DEMO/tracklist.csv" || return 1
    local f=$WORK/corr.csv
    printf 'date,track,streams\n2023-09-08,5h1BN75CEh8wdSwE1xrbSe,9000000\n2023-09-09,5h1BN75CEh8wdSwE1xrbSe,10500000\n2023-09-10,5h1BN75CEh8wdSwE1xrbSe,9800000\n2023-09-11,5h1BN75CEh8wdSwE1xrbSe,10900000\n' >"$f"
    check "import" "$BIN" --db "$db" import --ladder 10M "$f" || return 1
    local ms; ms=$("$BIN" --db "$db" milestones --csv)
    contains "10M on the first day above" "$ms" "5h1BN75CEh8wdSwE1xrbSe,track,track_total,10000000,2023-09-09,1,10500000,," || return 1
    local n; n=$(printf '%s\n' "$ms" | grep -c 'track_total,10000000,')
    expect_eq "10M crossed once" "$n" 1 || return 1
    local c; c=$("$BIN" --db "$db" corrections --json | jq -r '.[0] | [.track,.date,.previous,.value] | @csv')
    expect_eq "correction" "$c" '"5h1BN75CEh8wdSwE1xrbSe","2023-09-10",10500000,9800000'
}

t_gap_gives_between() {
    local db=$WORK/gap.db
    rm -f "$db"*
    "$BIN" --db "$db" import -q "$DEMO/artists.csv" "$DEMO/releases.csv" "$DEMO/tracks.csv" "$DEMO/tracklist.csv" || return 1
    local f=$WORK/gap.csv
    printf 'date,track,streams\n2023-09-08,5h1BN75CEh8wdSwE1xrbSe,8000000\n2023-09-12,5h1BN75CEh8wdSwE1xrbSe,12000000\n' >"$f"
    check "import" "$BIN" --db "$db" import --ladder 10M "$f" || return 1
    local j; j=$("$BIN" --db "$db" milestones --json --kind track_total | jq -r '.[0] | [.date,.day,.between.after,.between.by] | @csv')
    expect_eq "bounded crossing" "$j" '"2023-09-12",4,"2023-09-08","2023-09-12"'
}

t_backfill_out_of_order() {
    # a later file filling an earlier gap re-encodes history correctly
    local db=$WORK/order.db
    rm -f "$db"*
    "$BIN" --db "$db" import -q "$DEMO/artists.csv" "$DEMO/releases.csv" "$DEMO/tracks.csv" "$DEMO/tracklist.csv" || return 1
    printf 'date,track,streams\n2023-09-08,5h1BN75CEh8wdSwE1xrbSe,8000000\n2023-09-12,5h1BN75CEh8wdSwE1xrbSe,12000000\n' >"$WORK/a.csv"
    printf 'date,track,streams\n2023-09-10,5h1BN75CEh8wdSwE1xrbSe,10100000\n2023-09-09,5h1BN75CEh8wdSwE1xrbSe,9000000\n' >"$WORK/b.csv"
    check "first" "$BIN" --db "$db" import --ladder 10M "$WORK/a.csv" || return 1
    check "second" "$BIN" --db "$db" import "$WORK/b.csv" || return 1
    local h; h=$("$BIN" --db "$db" show 5h1BN75CEh8wdSwE1xrbSe --json | jq -c '[.history[].streams]')
    expect_eq "history" "$h" "[8000000,9000000,10100000,12000000]" || return 1
    local j; j=$("$BIN" --db "$db" milestones --json --kind track_total | jq -r '.[0] | [.date, (.between == null)] | @csv')
    expect_eq "now exact" "$j" '"2023-09-10",true'
}

t_daily_imports_match_one_import() {
    # day-by-day imports resume from the engine's checkpoint; the events
    # must be those of one import of everything
    local full; full=$(layover_db full) || return 1
    local db=$WORK/daily.db
    rm -f "$db"*
    "$BIN" --db "$db" import -q --ladder 10M../10M "$DEMO/artists.csv" "$DEMO/releases.csv" \
        "$DEMO/tracks.csv" "$DEMO/tracklist.csv" || return 1
    local part
    for part in 2023-08 2023-09 2023-1 2024-0 2024-1 2025; do
        { echo "date,track,streams"; grep "^$part" "$DEMO/streams.csv"; } >"$WORK/part.csv"
        check "import $part" "$BIN" --db "$db" import -q "$WORK/part.csv" || return 1
    done
    # the checkpoint covers the last day imported: the next day scans alone
    expect_eq "checkpoint" "$("$BIN" --db "$db" stats --json | jq -r .scanned_to)" \
        "$(cut -d, -f1 "$DEMO/streams.csv" | grep "^[0-9]" | sort | tail -1)" || return 1
    expect_eq "milestones" "$("$BIN" --db "$db" milestones --csv | sort | sha256sum)" \
        "$("$BIN" --db "$full" milestones --csv | sort | sha256sum)" || return 1
    expect_eq "corrections" "$("$BIN" --db "$db" corrections)" "$("$BIN" --db "$full" corrections)"
}

t_crossings_across_a_drop() {
    # a count rises, drops, then rises to below its highest and past it,
    # one import a day (each resumes from the checkpoint): each million is
    # crossed once, on the day the count first reaches it, as one import of
    # all the days finds
    local db=$WORK/drop.db one=$WORK/drop1.db d v
    rm -f "$db"* "$one"*
    printf 'id,title,artists,released,same_as,version_of\nt,T,,2025-01-01,,\n' >"$WORK/t.csv"
    check "catalog" "$BIN" --db "$db" import -q --ladder 1M../1M "$WORK/t.csv" || return 1
    check "catalog, one" "$BIN" --db "$one" import -q --ladder 1M../1M "$WORK/t.csv" || return 1
    echo "date,track,streams" >"$WORK/all.csv"
    for d in 01:5500000 02:9200000 03:7100000 04:9600000 05:9900000 06:10300000 07:12100000; do
        v=${d#*:}
        printf 'date,track,streams\n2025-01-%s,t,%s\n' "${d%%:*}" "$v" >"$WORK/day.csv"
        check "day ${d%%:*}" "$BIN" --db "$db" import -q "$WORK/day.csv" || return 1
        printf '2025-01-%s,t,%s\n' "${d%%:*}" "$v" >>"$WORK/all.csv"
    done
    check "all days" "$BIN" --db "$one" import -q "$WORK/all.csv" || return 1
    local got; got=$("$BIN" --db "$db" milestones --csv | tail -n +2 | cut -d, -f4,5 | sort -n)
    expect_eq "crossings" "$(printf '%s\n' "$got" | tr '\n' ' ')" \
        "1000000,2025-01-01 2000000,2025-01-01 3000000,2025-01-01 4000000,2025-01-01 5000000,2025-01-01 6000000,2025-01-02 7000000,2025-01-02 8000000,2025-01-02 9000000,2025-01-02 10000000,2025-01-06 11000000,2025-01-07 12000000,2025-01-07 " || return 1
    expect_eq "as one import" "$got" "$("$BIN" --db "$one" milestones --csv | tail -n +2 | cut -d, -f4,5 | sort -n)" || return 1
    expect_eq "computed afresh" "$got" "$("$BIN" --db "$db" milestones --ladder 1M../1M --csv | tail -n +2 | cut -d, -f4,5 | sort -n)"
}

# ---- records ---------------------------------------------------------------

t_kept_claims_are_judged_again() {
    # an import that adds later days keeps the claims of its new events:
    # read back, they must be what judging again gives, import after import
    local db=$WORK/kept.db
    rm -f "$db"*
    check "catalogs" "$BIN" --db "$db" import -q --ladder 10M../10M "$DEMO/artists.csv" "$DEMO/releases.csv" \
        "$DEMO/tracks.csv" "$DEMO/tracklist.csv" "$ROOT/tests/data/records/artists.csv" \
        "$ROOT/tests/data/records/releases.csv" "$ROOT/tests/data/records/tracks.csv" \
        "$ROOT/tests/data/records/tracklist.csv" || return 1
    { tail -n +2 "$DEMO/streams.csv"; tail -n +2 "$ROOT/tests/data/records/streams.csv"; } |
        sort >"$WORK/all.csv"
    local range first kept=0
    judged() {   # records --json --since DAY, judged again on a copy without kept claims
        cp "$db" "$WORK/judged.db"
        sqlite3 "$WORK/judged.db" "DELETE FROM claims_kept"
        for f in "$db"-checkpoint.*; do cp "$f" "$WORK/judged.db-checkpoint.${f##*.}"; done
        "$BIN" --db "$WORK/judged.db" records --json --since "$1"
        rm -f "$WORK/judged.db"*
    }
    for range in 2020-01-01:2023-09-09 2023-09-10:2023-10-31 2023-11-01:2024-01-27 \
                 2024-01-28:2024-03-31 2024-04-01:2024-06-30 2024-07-01:2025-12-31; do
        { echo "date,track,streams"; awk -F, -v a="${range%:*}" -v b="${range#*:}" '$1 >= a && $1 <= b' "$WORK/all.csv"; } >"$WORK/part.csv"
        first=$(sed -n 2p "$WORK/part.csv" | cut -d, -f1)
        check "import $range" "$BIN" --db "$db" import -q "$WORK/part.csv" || return 1
        [ "$(sqlite3 "$db" "SELECT since FROM claims_kept")" = "$(( ($(date -ud "$first" +%s)) / 86400 ))" ] &&
            kept=$((kept + 1))
        expect_eq "kept = judged, from $first" "$("$BIN" --db "$db" records --json --since "$first")" \
            "$(judged "$first")" || return 1
    done
    expect_eq "claims kept by the later imports" "$kept" 5 || return 1
    contains "some claims kept" "$("$BIN" --db "$db" records --since "$first")" "first" || return 1
    # they are what is read: the first claim's member count (bytes 29-32 of
    # the blob, after its 24-byte header) set to 65535 shows
    cp "$db" "$WORK/cut.db"
    for f in "$db"-checkpoint.*; do cp "$f" "$WORK/cut.db-checkpoint.${f##*.}"; done
    sqlite3 "$WORK/cut.db" "UPDATE claims_kept SET data = substr(data, 1, 28) || x'ffff0000' || substr(data, 33)" || return 1
    expect_eq "read back" "$("$BIN" --db "$WORK/cut.db" records --json --since "$first" | jq '[.[].members] | max')" \
        65535 || return 1
    # a blob of the layout before claims had a scope (no mark: the header
    # began with the claim count) is judged again, never misread
    cp "$db" "$WORK/cut.db"
    sqlite3 "$WORK/cut.db" "UPDATE claims_kept SET data = substr(data, 9)" || return 1
    expect_eq "earlier layout judged again" "$("$BIN" --db "$WORK/cut.db" records --json --since "$first")" \
        "$(judged "$first")" || return 1
    rm -f "$WORK/cut.db"*
    # --no-records keeps none; any import that is not a later day drops them
    printf 'date,track,streams\n2026-01-01,5h1BN75CEh8wdSwE1xrbSe,990000000\n' >"$WORK/p.csv"
    check "no records" "$BIN" --db "$db" import -q --no-records "$WORK/p.csv" || return 1
    expect_eq "none kept" "$(sqlite3 "$db" "SELECT count(*) FROM claims_kept")" 0 || return 1
    # --records prints them, as records --since would
    # (every track's latest count tripled on a later day: milestones, claims)
    { echo "date,track,streams"; awk -F, '{ last[$2] = $3 } END { for (t in last) printf "2026-01-02,%s,%.0f\n", t, last[t] * 3 }' "$WORK/all.csv" | sort; } >"$WORK/p.csv"
    local printed; printed=$("$BIN" --db "$db" import -q --records "$WORK/p.csv") || return 1
    expect_eq "kept again" "$(sqlite3 "$db" "SELECT count(*) FROM claims_kept")" 1 || return 1
    contains "printed" "$printed" "passed" || return 1
    expect_eq "printed = records" "$printed" "$("$BIN" --db "$db" records --since 2026-01-02)" || return 1
    sed 's/^v,V,KR,/v,V,JP,/' "$DEMO/artists.csv" >"$WORK/artists.csv"
    check "a catalog change" "$BIN" --db "$db" import -q "$WORK/artists.csv" || return 1
    expect_eq "dropped" "$(sqlite3 "$db" "SELECT count(*) FROM claims_kept")" 0
}

t_records_since_is_the_tail() {
    # judging only the events from a day on gives exactly their claims
    local db=$WORK/records-since.db
    rm -f "$db"*
    check "import" "$BIN" --db "$db" import -q --ladder 10M../10M "$DEMO" "$ROOT/tests/data/records" || return 1
    local all; all=$("$BIN" --db "$db" records --json)
    local d
    for d in 2023-09-08 2024-03-01 2024-05-06 2025-01-01; do
        expect_eq "since $d" "$("$BIN" --db "$db" records --json --since "$d")" \
            "$(printf '%s' "$all" | jq --arg d "$d" '[.[] | select(.date >= $d)]')" || return 1
    done
    contains "some claims from 2024-05-06" "$("$BIN" --db "$db" records --since 2024-05-06)" "first"
}

t_records_seed_claims() {
    # Layover beside the fictional acts of tests/data/records: the seed's
    # claims at 80M and 60M, exactly, and nothing implied by a wider group
    local db=$WORK/records.db
    rm -f "$db"*
    check "import" "$BIN" --db "$db" import -q --ladder 10M../10M "$DEMO" "$ROOT/tests/data/records" || return 1
    local j; j=$("$BIN" --db "$db" records --json --subject layover --kind every_track)
    local r80; r80=$(printf '%s' "$j" | jq -c '[.[] | select(.threshold==80000000) |
        [.date,.day,.claim,.group,.reached,.previous,.previous_day,.margin,.uncertain]]')
    expect_eq "80M claims" "$r80" '[["2024-02-25",170,"first_and_only",{"country":"KR","kind":"solo","release_type":"album"},1,null,null,null,false],["2024-02-25",170,"fastest",{"gender":"male","genre":"k-pop","release_type":"album"},3,"nova7-road",400,230,false]]' || return 1
    local r60; r60=$(printf '%s' "$j" | jq -c '[.[] | select(.threshold==60000000) | [.date,.day,.claim,.group]]')
    expect_eq "60M claims" "$r60" '[["2023-12-16",99,"first_and_only",{"country":"KR","kind":"solo","release_type":"album"}]]' || return 1
    local text; text=$(printf '%s' "$j" | jq -r '[.[] | select(.threshold==80000000)][0].text')
    expect_eq "post" "$text" "Every track on Layover has now passed 80M streams on Spotify. Layover is the first and only album by a Korean solo artist to achieve this, and the fastest album by a K-pop male act (170 days)." || return 1
    [ "${#text}" -le 280 ] || { fail_msg="post longer than 280"; return 1; }
    # the same claims are listed under the event in `milestones`
    local m; m=$("$BIN" --db "$db" milestones --json --subject layover --kind every_track |
        jq -c '[.[] | select(.threshold==80000000) | .claims[] | .claim]')
    expect_eq "claims under milestones" "$m" '["first_and_only","fastest"]'
}

# ---- real feeds (samples of ../shared/data in tests/data/feeds) ------------

FEEDS=$ROOT/tests/data/feeds

t_real_weekly_chart_dynamite() {
    local db=$WORK/charts.db
    rm -f "$db"*
    check "import weekly charts" "$BIN" --db "$db" import "$FEEDS/charts_us" || return 1
    # BTS "Dynamite" entered the US weekly chart in the week from
    # 2020-08-21 at #4 (zcat ...2020-08-21--2020-08-28us_meta.csv.gz | grep Dynamite)
    local r; r=$("$BIN" --db "$db" charts 0v1x6rN6JHRapa03JElljE --json | jq -r '.[0] |
        [.chart,.country,.debut_date,.debut_rank,.peak_rank,.periods_on_chart,.chart_streams] | @csv')
    expect_eq "Dynamite run" "$r" '"weekly","us","2020-08-21",4,4,1,8547583'
}

t_chart_milestones_and_records() {
    local db=$WORK/chartms.db
    rm -f "$db"*
    check "import" "$BIN" --db "$db" import -q "$FEEDS/bts" "$FEEDS/charts_us" || return 1
    local j; j=$("$BIN" --db "$db" milestones --json --kind chart_debut)
    # nothing "debuts" in the first week imported (it may have been there before)
    expect_eq "debuts in the first week" "$(printf '%s' "$j" | jq '[.[] | select(.date=="2020-08-14")] | length')" 0 || return 1
    local d; d=$(printf '%s' "$j" | jq -c '[.[] | select(.subject=="0v1x6rN6JHRapa03JElljE") |
        [.date,.threshold,.value,.chart,.country]]')
    expect_eq "Dynamite debut" "$d" '[["2020-08-21",10,4,"weekly","us"]]' || return 1
    local r; r=$("$BIN" --db "$db" records --json --kind chart_debut --subject 0v1x6rN6JHRapa03JElljE |
        jq -r '.[0] | [.claim, .text] | @tsv')
    contains "chart record" "$r" "first_and_only	Dynamite by BTS debuted in the top 10 of Spotify's weekly US chart." || return 1
    # the first week's top 10 reached it "on or before": baselines, listed when asked
    expect_eq "no peak in the first week" "$("$BIN" --db "$db" milestones --json --kind chart_peak |
        jq '[.[] | select(.date=="2020-08-14")] | length')" 0 || return 1
    local p; p=$("$BIN" --db "$db" milestones --json --baseline --kind chart_peak |
        jq -c '[.[] | select(.date=="2020-08-14")][0] | [(.between != null), .between.after, .baseline]')
    expect_eq "peak in the first week is open" "$p" "[true,null,true]"
}

t_catalog_file() {
    # the catalog snapshot lives beside the store, one file a generation,
    # written when the catalog changes; a missing or damaged one reads as
    # none (the tables are read) and the next import writes it again
    local db=$WORK/cat.db
    rm -f "$db"*
    check "import" "$BIN" --db "$db" import -q --ladder 10M../10M "$DEMO" || return 1
    local part
    for part in 1 2; do
        printf 'id,title,artists,released,same_as,version_of
new%s,New %s,v,2025-01-0%s,,\n' \
            "$part" "$part" "$part" >"$WORK/t.csv"
        check "import track $part" "$BIN" --db "$db" import -q "$WORK/t.csv" || return 1
    done
    expect_eq "two generations kept" "$(cd "$WORK" && ls cat.db-catalog.* | tr '\n' ' ')" \
        "cat.db-catalog.2 cat.db-catalog.3 " || return 1
    expect_eq "no blob in the table" "$(sqlite3 "$db" 'SELECT count(*) FROM catalog_snapshot')" 0 || return 1
    local want; want=$("$BIN" --db "$db" show new2 --json)
    contains "the new track" "$want" '"New 2"' || return 1
    local view; view=$("$BIN" --db "$db" records --json)
    # play counts alone leave the catalog and its file as they were
    printf 'date,track,streams\n2025-09-01,5h1BN75CEh8wdSwE1xrbSe,9990000000\n' >"$WORK/p.csv"
    check "import counts" "$BIN" --db "$db" import -q "$WORK/p.csv" || return 1
    expect_eq "unchanged" "$(cd "$WORK" && ls cat.db-catalog.* | tr '\n' ' ')" \
        "cat.db-catalog.2 cat.db-catalog.3 " || return 1
    view=$("$BIN" --db "$db" records --json)
    # the engine's preparation is kept beside the catalog it was made for;
    # every milestone computed afresh is the same with it, without it, and
    # with one made for another catalog
    expect_eq "prep kept" "$(cd "$WORK" && ls cat.db-prep.* | tr '\n' ' ')" "cat.db-prep.2 cat.db-prep.3 " || return 1
    # a catalog file that changes nothing takes the kept one too
    head -1 "$DEMO/tracks.csv" >"$WORK/none.csv"
    check "import no change" "$BIN" --db "$db" import -q "$WORK/none.csv" || return 1
    expect_eq "prep as it was" "$(cd "$WORK" && ls cat.db-prep.* | tr '\n' ' ')" "cat.db-prep.2 cat.db-prep.3 " || return 1
    expect_eq "prep for the catalog" "$(sqlite3 "$db" "SELECT value FROM meta WHERE key = 'prep_catalog'")" 3 || return 1
    local computed; computed=$("$BIN" --db "$db" milestones --ladder 10M../10M --csv)
    contains "computed" "$computed" "layover" || return 1
    sqlite3 "$db" "UPDATE meta SET value = '2' WHERE key = 'prep_catalog'"
    expect_eq "prep of another catalog" "$("$BIN" --db "$db" milestones --ladder 10M../10M --csv)" "$computed" || return 1
    sqlite3 "$db" "UPDATE meta SET value = '3' WHERE key = 'prep_catalog'"
    mv "$db-prep.3" "$WORK/prep.keep"
    expect_eq "no prep" "$("$BIN" --db "$db" milestones --ladder 10M../10M --csv)" "$computed" || return 1
    mv "$WORK/prep.keep" "$db-prep.3"
    # damaged: one byte changed in the middle, then missing altogether
    local f=$db-catalog.3 size
    size=$(stat -c %s "$f")
    printf 'X' | dd of="$f" bs=1 seek=$((size / 2)) conv=notrunc status=none
    expect_eq "damaged: show" "$("$BIN" --db "$db" show new2 --json)" "$want" || return 1
    expect_eq "damaged: records" "$("$BIN" --db "$db" records --json)" "$view" || return 1
    rm -f "$db"-catalog.*
    expect_eq "missing: show" "$("$BIN" --db "$db" show new2 --json)" "$want" || return 1
    expect_eq "missing: records" "$("$BIN" --db "$db" records --json)" "$view" || return 1
    expect_eq "a reader writes none" "$(cd "$WORK" && ls cat.db-catalog.* 2>/dev/null)" "" || return 1
    check "import after" "$BIN" --db "$db" import -q "$WORK/p.csv" || return 1
    expect_eq "written again" "$(cd "$WORK" && ls cat.db-catalog.* | tr '\n' ' ')" "cat.db-catalog.4 " || return 1
    expect_eq "then read" "$("$BIN" --db "$db" show new2 --json)" "$want"
}

t_store_of_an_earlier_build() {
    # tests/data/legacy: a store whose catalog snapshot is a blob in its
    # table (packed layout); it reads as a store written now, and the first
    # import moves the snapshot to a file
    local old=$WORK/old.db new=$WORK/new.db
    rm -f "$old"* "$new"*
    gunzip -c "$ROOT/tests/data/legacy/store.db.gz" >"$old"
    cp "$ROOT/tests/data/legacy/store.db-checkpoint.1" "$old-checkpoint.1"
    # the old store was made from the bundle before it declared its coverage
    rm -rf "$WORK/records-then" && mkdir "$WORK/records-then" &&
        cp "$ROOT"/tests/data/records/*.csv "$WORK/records-then/" && rm "$WORK/records-then/coverage.csv"
    check "import now" "$BIN" --db "$new" import -q --ladder 10M../10M "$WORK/records-then" || return 1
    local cmd
    for cmd in "records --json" "milestones --csv" "show nova7-road --json" "stats --json"; do
        # shellcheck disable=SC2086
        expect_eq "$cmd" "$("$BIN" --db "$old" $cmd | sed 's/old\.db/X/g')" \
            "$("$BIN" --db "$new" $cmd | sed 's/new\.db/X/g')" || return 1
    done
    expect_eq "a reader writes none" "$(cd "$WORK" && ls old.db-catalog.* 2>/dev/null)" "" || return 1
    head -1 "$ROOT/tests/data/records/artists.csv" >"$WORK/none.csv"
    check "import into it" "$BIN" --db "$old" import -q "$WORK/none.csv" || return 1
    expect_eq "moved to a file" "$(cd "$WORK" && ls old.db-catalog.* | tr '\n' ' ')" "old.db-catalog.1 " || return 1
    expect_eq "no blob in the table" "$(sqlite3 "$old" 'SELECT count(*) FROM catalog_snapshot')" 0 || return 1
    expect_eq "same records after" "$("$BIN" --db "$old" records --json)" "$("$BIN" --db "$new" records --json)"
}

t_checkpoint_file() {
    # the engine's checkpoint lives beside the store, one file a generation;
    # the store works without it (read as none: claims the same, the next
    # import scans every day and writes it again)
    local db=$WORK/ckpt.db
    rm -f "$db"*
    check "import" "$BIN" --db "$db" import -q --ladder 10M../10M "$DEMO" "$ROOT/tests/data/records" || return 1
    local part
    for part in 2025-09 2025-10 2025-11; do
        printf 'date,track,streams\n%s-01,5h1BN75CEh8wdSwE1xrbSe,99%s000000\n' "$part" "${part#2025-}" >"$WORK/p.csv"
        check "import $part" "$BIN" --db "$db" import -q "$WORK/p.csv" || return 1
    done
    local files; files=$(cd "$WORK" && ls ckpt.db-checkpoint.* | tr '\n' ' ')
    expect_eq "two generations kept" "$files" "ckpt.db-checkpoint.3 ckpt.db-checkpoint.4 " || return 1
    expect_eq "covered" "$("$BIN" --db "$db" stats --json | jq -r .scanned_to)" "2025-11-01" || return 1
    local claims; claims=$("$BIN" --db "$db" records --json)
    # a refused import writes none
    printf 'date,track,streams\n2025-12-01,5h1BN75CEh8wdSwE1xrbSe,-5\n' >"$WORK/bad.csv"
    "$BIN" --db "$db" import -q "$WORK/bad.csv" 2>/dev/null && return 1
    expect_eq "unchanged" "$(cd "$WORK" && ls ckpt.db-checkpoint.* | tr '\n' ' ')" "$files" || return 1
    rm -f "$db"-checkpoint.*
    expect_eq "none" "$("$BIN" --db "$db" stats --json | jq -r .scanned_to)" null || return 1
    expect_eq "claims without it" "$("$BIN" --db "$db" records --json)" "$claims" || return 1
    printf 'date,track,streams\n2025-12-01,5h1BN75CEh8wdSwE1xrbSe,9990000000\n' >"$WORK/p.csv"
    check "import after" "$BIN" --db "$db" import -q "$WORK/p.csv" || return 1
    expect_eq "written again" "$("$BIN" --db "$db" stats --json | jq -r .scanned_to)" "2025-12-01"
}

t_first_write_returns_to_wal() {
    # the first write of series goes through a rollback journal (its pages
    # written once), and the store is back in WAL mode when it ends, after
    # a refused import as after a taken one; with another connection open
    # the switch is refused and the import goes through the WAL
    local db=$WORK/first.db
    rm -f "$db"*
    printf 'date,track,streams\n2025-12-01,5h1BN75CEh8wdSwE1xrbSe,-5\n' >"$WORK/bad.csv"
    "$BIN" --db "$db" import -q --add-tracks "$WORK/bad.csv" 2>/dev/null && return 1
    expect_eq "refused: WAL" "$(sqlite3 "$db" 'PRAGMA journal_mode')" wal || return 1
    check "import" "$BIN" --db "$db" import -q --ladder 10M../10M "$DEMO" || return 1
    expect_eq "taken: WAL" "$(sqlite3 "$db" 'PRAGMA journal_mode')" wal || return 1
    [ ! -e "$db-journal" ] || { fail_msg="a rollback journal was left behind"; return 1; }
    expect_eq "taken: the demo's milestones" "$("$BIN" --db "$db" stats --json | jq .milestones)" \
        "$("$BIN" --db "$(layover_db first_ref)" stats --json | jq .milestones)" || return 1
    local busy=$WORK/busy.db
    rm -f "$busy"*
    check "a catalog alone" "$BIN" --db "$busy" import -q "$DEMO/artists.csv" || return 1   # no series yet
    { echo "BEGIN; SELECT count(*) FROM meta;"; sleep 2; echo "COMMIT;"; } | sqlite3 "$busy" >/dev/null &
    local reader=$!
    sleep 0.5
    check "import beside a reader" "$BIN" --db "$busy" import -q --ladder 10M../10M "$DEMO" || return 1
    wait "$reader"
    expect_eq "beside a reader: WAL" "$(sqlite3 "$busy" 'PRAGMA journal_mode')" wal
}

t_event_log_matches_rows() {
    # every event is read from the event log, a filtered read from the
    # rows: both must give the same events, play counts and charts alike
    local db=$WORK/eventlog.db
    rm -f "$db"*
    check "import" "$BIN" --db "$db" import -q --ladder 10M../10M "$DEMO" "$FEEDS/bts" "$FEEDS/charts_us" || return 1
    local logged; logged=$("$BIN" --db "$db" milestones --csv)
    local rows; rows=$("$BIN" --db "$db" milestones --csv --since 1900-01-01)
    contains "chart events" "$logged" "chart_debut" || return 1
    expect_eq "log and rows" "$logged" "$rows" || return 1
    # a store written before the log: read from the rows, and the next
    # write of events writes the log of the rows it holds
    sqlite3 "$db" "DELETE FROM event_log" || return 1
    expect_eq "without the log" "$("$BIN" --db "$db" milestones --csv)" "$rows" || return 1
    printf 'date,track,streams\n2030-01-01,5h1BN75CEh8wdSwE1xrbSe,990000000\n' >"$WORK/later.csv"
    check "a later day" "$BIN" --db "$db" import -q "$WORK/later.csv" || return 1
    expect_eq "log rebuilt" "$(sqlite3 "$db" "SELECT count(*) > 1 FROM event_log")" 1 || return 1
    expect_eq "log and rows after" "$("$BIN" --db "$db" milestones --csv)" \
        "$("$BIN" --db "$db" milestones --csv --since 1900-01-01)"
}

t_event_log_read_in_pieces() {
    # 40,000 events: a log row of 1.6 MB, read in many pieces.  The rows
    # are then changed behind the log's back, so the listing shows which
    # of the two it was read from: the log, whole.
    local db=$WORK/pieces.db
    rm -f "$db"*
    awk 'BEGIN { print "date,track,streams";
                 for (d = 1; d <= 20; d++) for (t = 0; t < 2000; t++)
                     printf "2024-01-%02d,p%04d,%d\n", d, t, d * 1000 + t % 7 }' >"$WORK/pieces.csv"
    check "import" "$BIN" --db "$db" import -q --ladder 1K../1K --add-tracks "$WORK/pieces.csv" || return 1
    # (the first day's are baselines: 2,000 tracks first seen past 1K)
    local before; before=$("$BIN" --db "$db" milestones --csv --baseline)
    expect_eq "events" "$(printf '%s\n' "$before" | wc -l)" 40001 || return 1
    expect_eq "baselines" "$(printf '%s\n' "$before" | grep -c ',1$')" 2000 || return 1
    sqlite3 "$db" "UPDATE milestones SET value = value + 1" || return 1
    expect_eq "read from the log" "$("$BIN" --db "$db" milestones --csv --baseline)" "$before" || return 1
    [ "$("$BIN" --db "$db" milestones --csv --baseline --since 1900-01-01)" != "$before" ] ||
        { echo "  the rows were not changed"; return 1; }
}

t_real_playcounts_duplicate_and_quirks() {
    local db=$WORK/pc.db
    rm -f "$db"*
    local err; err=$("$BIN" --db "$db" import "$FEEDS/playcounts" 2>&1 >/dev/null)
    contains "conflict names both lines" "$err" \
        "playcounts.csv:171: streams: 26064701 for track '1DlczmjByrS4qxRVfGjpqN' on 2023-03-07 conflicts with 26031618 on line 170" || return 1
    local out; out=$("$BIN" --db "$db" import --on-duplicate max "$FEEDS/playcounts") ||
        { fail_msg="import --on-duplicate max failed"; return 1; }
    contains "unchanged and failed fetches reported" "$out" \
        "0 decreases, 8 unchanged day-to-day steps; 1 zero counts after a positive one left out as failed fetches" || return 1
    # the larger of the two counts was kept
    local v; v=$("$BIN" --db "$db" show 1DlczmjByrS4qxRVfGjpqN --json |
        jq '.history[] | select(.date=="2023-03-07") | .streams')
    expect_eq "kept the larger" "$v" 26064701
}

t_real_kworb_stale_day_and_jump() {
    local db=$WORK/kworb.db
    rm -f "$db"*
    local out; out=$("$BIN" --db "$db" import --add-tracks "$FEEDS/kworb") ||
        { fail_msg="import failed"; return 1; }
    contains "stale day" "$out" "stale day 2025-10-02: 315 of 315 totals equal those of 2025-10-01" || return 1
    contains "two-day jump" "$out" "two-day jump on 2025-10-04"
}

t_show_sales_and_awards() {
    local db; db=$(layover_db extras) || return 1
    local j; j=$("$BIN" --db "$db" show layover --json)
    expect_eq "sales" "$(printf '%s' "$j" | jq -r '.sales[0] | [.source,.copies,.timezone] | @csv')" \
        '"hanteo",1670000,"Asia/Seoul"' || return 1
    expect_eq "album award" "$(printf '%s' "$j" | jq -r '.awards[0].category')" "Album of the Year"
}

t_real_kworb_albums() {
    local db=$WORK/kworb_albums.db
    rm -f "$db"*
    local out; out=$("$BIN" --db "$db" import --add-tracks "$FEEDS/kworb_albums") ||
        { fail_msg="import failed"; return 1; }
    contains "stale day" "$out" "stale day 2025-10-02: 27 of 27 totals equal those of 2025-10-01" || return 1
    contains "two-day jump" "$out" "two-day jump on 2025-10-04: for 27 of 27 releases" || return 1
    local r; r=$("$BIN" --db "$db" show kworb:thehighlightsdeluxe --json |
        jq -c '[.reported_totals[] | [.date, .total, .daily]]')
    expect_eq "reported totals" "$r" \
        '[["2025-10-01",49058663406,22830328],["2025-10-03",49081843315,23179909],["2025-10-04",49127996681,22364363]]'
}

t_help_everywhere() {
    local c
    check "--help" "$BIN" --help || return 1
    for c in import milestones records show corrections imports stats charts; do
        local out; out=$("$BIN" "$c" --help) || { fail_msg="$c --help failed"; return 1; }
        contains "$c --help" "$out" "usage: trackrecord $c" || return 1
    done
}

t_usage_errors_are_2() {
    "$BIN" frobnicate >/dev/null 2>&1
    expect_eq "unknown command" "$?" 2 || return 1
    "$BIN" milestones --kind nope >/dev/null 2>&1
    expect_eq "bad --kind" "$?" 2 || return 1
    "$BIN" import --ladder 10M..x "$DEMO" >/dev/null 2>&1
    expect_eq "bad ladder" "$?" 2
}

t_missing_store_is_reported() {
    local err; err=$("$BIN" --db "$WORK/none.db" milestones 2>&1)
    expect_eq "exit" "$?" 1 || return 1
    contains "message" "$err" "no store here yet"
}

# the areas in scripts of their own
FEEDS=$ROOT/tests/data/feeds
. "$ROOT/tests/e2e/t-noteworthy.sh"

passed=0 failed=0
for t in $(declare -F | awk '{print $3}' | grep '^t_'); do
    fail_msg=""
    if $t && [ -z "$fail_msg" ]; then
        passed=$((passed + 1)); echo "ok   ${t#t_}"
    else
        failed=$((failed + 1)); echo "FAIL ${t#t_}: $fail_msg"
    fi
done
echo "e2e: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
