#!/bin/bash
# e2e, imports: idempotent, all-or-nothing, bad input refused with file, line and field; corrections, gaps, backfills, day-by-day imports.
# Run: tests/e2e/t-import.sh [-i] [-x] [TEST...]  (see tests/e2e/lib.sh)
. "$(dirname "$0")/lib.sh"

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

t_refuses_future_day() {
    # 7877 for 2023: taken, it stretched the store over millennia.  A
    # count is for a day that has begun somewhere: tomorrow (UTC) is the
    # latest, whatever the format or where the day comes from
    local tomorrow later; tomorrow=$(date -u -d tomorrow +%F) later=$(date -u -d '2 days' +%F)
    refused 'date,track,streams\n2024-01-01,54bg1e6ABcZfpU3yzwxnPf,1\n7877-09-15,54bg1e6ABcZfpU3yzwxnPf,2\n' \
        "streams.csv:3: date: 7877-09-15 is in the future (the latest day data can be for is tomorrow, $tomorrow UTC)" || return 1
    refused "date,track,streams\n$later,54bg1e6ABcZfpU3yzwxnPf,1\n" "streams.csv:2: date: $later is in the future" || return 1
    local db; db=$(layover_db future) || return 1
    local f=$WORK/saved.json err
    cp "$FEEDS/album_json/layover-getAlbum-2024-02-25.json" "$f"
    err=$("$BIN" --db "$db" import -q --date "$later" "$f" 2>&1)
    expect_eq "album json: exit" "$?" 3 || return 1
    contains "album json" "$err" "saved.json: --date: $later is in the future" || return 1
    cp "$FEEDS/album_json/love-me-again-s4a.csv" "$WORK/s4a.csv"
    sed -i "2s/^[0-9-]*/$later/" "$WORK/s4a.csv"
    err=$("$BIN" --db "$db" import -q --track 54bg1e6ABcZfpU3yzwxnPf "$WORK/s4a.csv" 2>&1)
    contains "s4a" "$err" "s4a.csv:2: date: $later is in the future" || return 1
    printf 'date,track,streams\n%s,54bg1e6ABcZfpU3yzwxnPf,999999999\n' "$tomorrow" >"$WORK/tomorrow.csv"
    check "tomorrow is taken" "$BIN" --db "$db" import -q "$WORK/tomorrow.csv"
}

t_refuses_day_before_1900() {
    # 1023 for 2023: a count a thousand years before its track, which would
    # stretch the store over millennia the other way
    refused 'date,track,streams\n2024-01-01,54bg1e6ABcZfpU3yzwxnPf,1\n1023-12-01,54bg1e6ABcZfpU3yzwxnPf,2\n' \
        "streams.csv:3: date: 1023-12-01 is before 1900 (a typo for a later year?)" || return 1
    local db; db=$(layover_db old_day) || return 1
    local f=$WORK/saved.json err
    cp "$FEEDS/album_json/layover-getAlbum-2024-02-25.json" "$f"
    err=$("$BIN" --db "$db" import -q --date 1899-12-31 "$f" 2>&1)
    expect_eq "album json: exit" "$?" 3 || return 1
    contains "album json" "$err" "saved.json: --date: 1899-12-31 is before 1900" || return 1
    printf 'date,track,streams\n1900-01-01,54bg1e6ABcZfpU3yzwxnPf,1\n' >"$WORK/first.csv"
    check "1900-01-01 is taken" "$BIN" --db "$db" import -q "$WORK/first.csv"
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
    local db; db=$(new_store timings)
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
    local db; db=$(new_store corr)
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
    local db; db=$(new_store gap)
    "$BIN" --db "$db" import -q "$DEMO/artists.csv" "$DEMO/releases.csv" "$DEMO/tracks.csv" "$DEMO/tracklist.csv" || return 1
    local f=$WORK/gap.csv
    printf 'date,track,streams\n2023-09-08,5h1BN75CEh8wdSwE1xrbSe,8000000\n2023-09-12,5h1BN75CEh8wdSwE1xrbSe,12000000\n' >"$f"
    check "import" "$BIN" --db "$db" import --ladder 10M "$f" || return 1
    local j; j=$("$BIN" --db "$db" milestones --json --kind track_total | jq -r '.[0] | [.date,.day,.between.after,.between.by] | @csv')
    expect_eq "bounded crossing" "$j" '"2023-09-12",4,"2023-09-08","2023-09-12"'
}

t_backfill_out_of_order() {
    # a later file filling an earlier gap re-encodes history correctly
    local db; db=$(new_store order)
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
    local db; db=$(new_store daily)
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
    local db one d v
    db=$(new_store drop); one=$(new_store drop1)
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

run_tests "$@"
