#!/bin/bash
# Noteworthy milestones: the default ladders per kind, baselines (where a
# subject stood when the data began), multi-disc track lists, one song
# under several ids on the charts.  On the real feeds sampled in
# tests/data/feeds and the Layover fixture.
# Run: tests/e2e/t-noteworthy.sh [-i] [-x] [TEST...]  (see tests/e2e/lib.sh)
. "$(dirname "$0")/lib.sh"

# the rows of the Layover fixture's table (../shared/fixtures/layover/README.md):
# subject,kind,threshold,date,day
layover_rows="layover,every_track,60000000,2023-12-16,99
layover,every_track,70000000,2024-01-14,128
layover,every_track,80000000,2024-02-25,170
layover,every_track,100000000,2024-05-23,258
layover,release_total,500000000,2023-10-11,33
layover,release_total,1600000000,2024-06-24,290
5h1BN75CEh8wdSwE1xrbSe,track_total,100000000,2023-09-30,22
54bg1e6ABcZfpU3yzwxnPf,track_total,260000000,2024-07-07,303
0SftJDguUa1F5SsQwwkLw4,track_total,1000000000,2025-03-21,560
5h1BN75CEh8wdSwE1xrbSe,track_total,500000000,2025-05-21,621"

t_layover_table_on_the_default_ladders() {
    # the default ladders find every row of the table whose threshold is
    # one of theirs, on its day; 1.6B (releases go 1.5B, 2B) and 260M
    # (tracks go 250M, 300M) are the demo's 10M steps only
    local db; db=$(new_store nw-layover)
    check "import" "$BIN" --db "$db" import -q "$DEMO" || return 1
    local csv; csv=$("$BIN" --db "$db" milestones --csv)
    local found=0 r
    while IFS=, read -r subj kind thr date day; do
        r=$(printf '%s\n' "$csv" | awk -F, -v s="$subj" -v k="$kind" -v t="$thr" \
            '$1==s && $3==k && $4==t {print $5","$6}')
        case "$thr" in
        1600000000|260000000) expect_eq "$subj $kind $thr is not a default threshold" "$r" "" || return 1 ;;
        *) expect_eq "$subj $kind $thr" "$r" "$date,$day" || return 1; found=$((found + 1)) ;;
        esac
    done <<<"$layover_rows"
    expect_eq "rows found" "$found" 8 || return 1
    # the fixture's data begin before the release: no baseline at all
    expect_eq "baselines" "$("$BIN" --db "$db" milestones --csv --baseline | grep -c ',1$')" 0 || return 1
    # the demo's 10M ladder finds every row, as t_layover_table checks, and
    # the same rows with --ladder on the fly
    csv=$("$BIN" --db "$db" milestones --csv --ladder 10M../10M)
    while IFS=, read -r subj kind thr date day; do
        r=$(printf '%s\n' "$csv" | awk -F, -v s="$subj" -v k="$kind" -v t="$thr" \
            '$1==s && $3==k && $4==t {print $5","$6}')
        expect_eq "10M: $subj $kind $thr" "$r" "$date,$day" || return 1
    done <<<"$layover_rows"
}

t_ladder_per_kind() {
    needs_sqlite || return 0            # reads the kept ladder from the file
    needs_sqlite || return 0
    local db; db=$(new_store nw-ladder)
    check "import" "$BIN" --db "$db" import -q --ladder track=100M../100M,every_track=60M,80M,release=1B../1B "$DEMO" ||
        return 1
    local csv; csv=$("$BIN" --db "$db" milestones --csv --subject layover)
    expect_eq "every track at 60M and 80M alone" \
        "$(printf '%s\n' "$csv" | awk -F, '$3=="every_track" {print $4","$5}' | tr '\n' ' ')" \
        "60000000,2023-12-16 80000000,2024-02-25 " || return 1
    expect_eq "release every 1B" \
        "$(printf '%s\n' "$csv" | awk -F, '$3=="release_total" {print $4}' | tr '\n' ' ')" \
        "1000000000 2000000000 " || return 1
    # the tracks were followed at 60M and 80M too, but list only their own ladder's
    csv=$("$BIN" --db "$db" milestones --csv --kind track_total)
    expect_eq "track events off the track ladder" \
        "$(printf '%s\n' "$csv" | awk -F, 'NR > 1 && $4 % 100000000 != 0' | wc -l)" 0 || return 1
    contains "track at 100M" "$csv" "5h1BN75CEh8wdSwE1xrbSe,track,track_total,100000000,2023-09-30,22," || return 1
    # the artist kept its default ladder: V's total every 500M from 1B
    csv=$("$BIN" --db "$db" milestones --csv --kind artist_total)
    expect_eq "artist default" "$(printf '%s\n' "$csv" | awk -F, 'NR > 1 {print $4}' | head -4 | tr '\n' ' ')" \
        "100000000 500000000 1000000000 1500000000 " || return 1
    # the same ladders written another way are the same: kept as one text
    local kept; kept=$(sqlite3 "$db" "SELECT value FROM meta WHERE key = 'ladder'")
    expect_eq "kept" "$kept" "track=100M../100M,every_track=60M,80M,release=1B../1B,artist=100M,500M,1B..10B/500M,11B../1B" ||
        return 1
    local before; before=$(sqlite3 "$db" "SELECT * FROM milestones ORDER BY 1, 2, 3, 4" | sha256sum)
    check "same ladders" "$BIN" --db "$db" import -q \
        --ladder release=1B../1B,every_track=60M,80M,track_total=100M../100M "$DEMO" || return 1
    expect_eq "unchanged" "$(sqlite3 "$db" "SELECT * FROM milestones ORDER BY 1, 2, 3, 4" | sha256sum)" "$before" ||
        return 1
    expect_eq "still kept" "$(sqlite3 "$db" "SELECT value FROM meta WHERE key = 'ladder'")" "$kept" || return 1
    local err; err=$("$BIN" --db "$db" milestones --ladder genre=1M 2>&1)
    expect_eq "unknown kind exits 2" "$?" 2 || return 1
    contains "unknown kind" "$err" "ladder: unknown kind 'genre' (track, every_track, release or artist)"
}

t_default_ladders_on_the_2023_export() {
    # the real export sampled: past its first day (where every subject has
    # a baseline), an artist passes at most a couple of totals in 9 days
    local db; db=$(new_store nw-pc)
    check "import" "$BIN" --db "$db" import -q --on-duplicate max "$FEEDS/playcounts" || return 1
    local csv; csv=$("$BIN" --db "$db" milestones --csv)
    expect_eq "nothing on the first day" "$(printf '%s\n' "$csv" | awk -F, '$5=="2023-03-04"' | wc -l)" 0 || return 1
    expect_eq "at most 2 artist events each" \
        "$(printf '%s\n' "$csv" | awk -F, '$3=="artist_total" {n[$1]++} END {for (a in n) if (n[a] > 2) print a}')" "" ||
        return 1
    # what the first day holds, as baselines: BTS's sampled total past 12B
    local all; all=$("$BIN" --db "$db" milestones --csv --baseline --kind artist_total)
    contains "BTS baseline" "$all" "3Nrfpe0tUJi4K4DXYWgMUX,artist,artist_total,12000000000,2023-03-04,509,12169985552,2021-10-10,,,1" || return 1
    expect_eq "all first-day events are baselines" \
        "$("$BIN" --db "$db" milestones --csv --baseline | awk -F, '$5=="2023-03-04" && $11!="1"' | wc -l)" 0 || return 1
    # records leave baselines out too, and say so when asked
    lacks "records" "$("$BIN" --db "$db" records)" "2023-03-04" || return 1
    contains "records --baseline" "$("$BIN" --db "$db" records --baseline --kind artist_total)" \
        "[baseline: already past it when first seen]"
}

t_kworb_first_day_is_baselines() {
    # kworb's song totals: the first day's are where each song stood, not
    # hundreds of milestones; what the later days cross is listed
    local db; db=$(new_store nw-kworb)
    check "import" "$BIN" --db "$db" import -q --add-tracks "$FEEDS/kworb" || return 1
    local out; out=$("$BIN" --db "$db" milestones --no-claims)
    expect_eq "milestones" "$(printf '%s\n' "$out" | awk '{print $1}' | sort | uniq -c | awk '{print $2":"$1}' | tr '\n' ' ')" \
        "2025-10-03:1 2025-10-04:3 " || return 1
    contains "The Hills" "$out" "2025-10-04            track    The Hills  >= 2.8B" || return 1
    local n; n=$("$BIN" --db "$db" milestones --csv --baseline | awk -F, '$11=="1"' | wc -l)
    [ "$n" -gt 3000 ] || { fail_msg="baselines: $n"; return 1; }
    expect_eq "json marks them" "$("$BIN" --db "$db" milestones --json --baseline --no-claims |
        jq '[.[] | select(.baseline)] | length')" "$n" || return 1
    # show lists the milestones passed, not the baselines
    lacks "show" "$("$BIN" --db "$db" show 'kworb:blinding lights@unknown')" "2025-10-01"
}

t_multi_disc_tracklist() {
    # Proof (BTS, 2022) has three discs, its track numbers starting again on
    # each: the export's rows turned into a bundle with a disc column
    local dir=$WORK/nw-proof db; db=$(new_store nw-proof)
    rm -rf "$dir"
    mkdir -p "$dir"
    local proof=6al2VdKbb6FIz9d7lU7WRB
    printf 'id,name,country,kind,gender,genres,member_of\nbts,BTS,KR,group,male,k-pop,\n' >"$dir/artists.csv"
    printf 'id,title,artists,type,date\n%s,Proof,bts,album,2022-06-10\n' "$proof" >"$dir/releases.csv"
    {
        echo "id,title,artists,released,same_as,version_of"
        grep ",$proof\$" "$FEEDS/playcounts/tracks.csv" | awk -F, '{print $(NF-3)",t"NR",bts,2022-06-10,,"}'
    } >"$dir/tracks.csv"
    {
        echo "release,disc,position,track"
        grep ",$proof\$" "$FEEDS/playcounts/tracks.csv" |
            awk -F, -v r="$proof" '{ if ($(NF-1) <= last) disc++; if (!disc) disc = 1; last = $(NF-1);
                                     print r","disc","$(NF-1)","$(NF-3) }'
    } >"$dir/tracklist.csv"
    expect_eq "three discs" "$(cut -d, -f2 "$dir/tracklist.csv" | sort -u | tr '\n' ' ')" "1 2 3 disc " || return 1
    check "import" "$BIN" --db "$db" import -q "$dir" || return 1
    local j; j=$("$BIN" --db "$db" show "$proof" --json)
    expect_eq "35 tracks" "$(printf '%s' "$j" | jq '.tracks | length')" 35 || return 1
    # disc 1 first, then 2, then 3, each in its order
    local want; want=$(tail -n +2 "$dir/tracklist.csv" | cut -d, -f4 | tr '\n' ' ')
    expect_eq "order" "$(printf '%s' "$j" | jq -r '.tracks[].id' | tr '\n' ' ')" "$want" || return 1
    # the rows shuffled: the same list
    { head -1 "$dir/tracklist.csv"; tail -n +2 "$dir/tracklist.csv" | sort -t, -k3,3n -k2,2nr; } >"$dir/t2"
    mv "$dir/t2" "$dir/tracklist.csv"
    check "import shuffled" "$BIN" --db "$db" import -q "$dir/tracklist.csv" || return 1
    expect_eq "same order" "$("$BIN" --db "$db" show "$proof" --json | jq -r '.tracks[].id' | tr '\n' ' ')" "$want" ||
        return 1
    # without the disc column the restarting numbers are refused, naming both lines
    { echo "release,position,track"; tail -n +2 "$dir/tracklist.csv" | cut -d, -f1,3,4; } >"$dir/flat.csv"
    local err; err=$("$BIN" --db "$db" import "$dir/flat.csv" 2>&1)
    expect_eq "refused" "$?" 3 || return 1
    contains "duplicate position" "$err" "position: release '$proof' has position 1 twice" || return 1
    # a position twice on one disc is refused too
    printf 'release,disc,position,track\n%s,2,1,%s\n%s,2,1,%s\n' "$proof" \
        "$(sed -n 2p "$dir/tracklist.csv" | cut -d, -f4)" "$proof" "$(sed -n 3p "$dir/tracklist.csv" | cut -d, -f4)" \
        >"$dir/dup.csv"
    err=$("$BIN" --db "$db" import "$dir/dup.csv" 2>&1)
    contains "same disc" "$err" "dup.csv:3: position: release '$proof' has position 1 on disc 2 twice (also line 2)"
}

t_dynamite_one_run_across_ids() {
    # BTS "Dynamite" is 0v1x6rN6JHRapa03JElljE in its first US week and
    # 0t1kP63rueHleOhQkYSXFY after: one run, figures computed here from the
    # chart files themselves
    local db; db=$(new_store nw-dynamite)
    check "import" "$BIN" --db "$db" import -q "$FEEDS/bts" "$FEEDS/charts_us" || return 1
    local f want=""
    want=$(for f in "$FEEDS"/charts_us/*.csv.gz; do
        zcat "$f" | awk -F, -v week="$(basename "$f" | cut -c1-10)" \
            '$6 ~ /(0v1x6rN6JHRapa03JElljE|0t1kP63rueHleOhQkYSXFY)$/ {print week, $2, $5}'
    done | awk 'NR == 1 {debut = $1; debut_rank = $2; peak = $2; peak_date = $1}
                $2 < peak {peak = $2; peak_date = $1}
                {weeks++; streams += $3; last = $1}
                END {print debut, debut_rank, peak, peak_date, last, weeks, streams}')
    [ -n "$want" ] || { fail_msg="no Dynamite rows in the files"; return 1; }
    local id
    for id in 0v1x6rN6JHRapa03JElljE 0t1kP63rueHleOhQkYSXFY; do
        local j; j=$("$BIN" --db "$db" charts --json "$id")
        expect_eq "one run from $id" "$(printf '%s' "$j" | jq length)" 1 || return 1
        expect_eq "run from $id" "$(printf '%s' "$j" | jq -r '.[0] | "\(.debut_date) \(.debut_rank) \(.peak_rank) \(.peak_date) \(.last_date) \(.periods_on_chart) \(.chart_streams)"')" \
            "$want" || return 1
        expect_eq "ids from $id" "$(printf '%s' "$j" | jq -c '.[0].ids')" \
            '["0v1x6rN6JHRapa03JElljE","0t1kP63rueHleOhQkYSXFY"]' || return 1
    done
    contains "text names both ids" "$("$BIN" --db "$db" charts 0t1kP63rueHleOhQkYSXFY)" \
        "Dynamite (0v1x6rN6JHRapa03JElljE, 0t1kP63rueHleOhQkYSXFY): us weekly: debut 2020-08-21 at #4" || return 1
    # its chart milestones are the song's, once, under the id it debuted as
    local m; m=$("$BIN" --db "$db" milestones --csv --kind chart_debut | grep -c 'Dynamite\|0v1x6rN6JHRapa03JElljE\|0t1kP63rueHleOhQkYSXFY')
    expect_eq "one top-10 debut" "$m" 1 || return 1
    contains "under the first id" "$("$BIN" --db "$db" milestones --csv --kind chart_debut)" \
        "0v1x6rN6JHRapa03JElljE,track,chart_debut,10,2020-08-21" || return 1
    # the artist's runs list the song once
    expect_eq "BTS's runs" "$("$BIN" --db "$db" charts bts | grep -c '^Dynamite')" 1
}

run_tests "$@"
