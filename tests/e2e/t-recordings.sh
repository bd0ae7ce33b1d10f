#!/bin/bash
# One recording under several track ids: the ids a play-count export gives
# one count (Spotify's own grouping of a recording), the ids of one ISRC in
# tracks.csv, and the documented way to keep two ids apart.  (No file in
# the real data carries an ISRC: the ISRC tests use V's Rainy Days, whose
# single and album ids are one recording, with an ISRC of the right shape.)  On the 2023 play-count
# export sampled in tests/data/feeds/playcounts_recordings (Taylor Swift's
# "Wonderland" on three albums; Ariana Grande's two "Intro"s on five).
# Run: tests/e2e/t-recordings.sh [-i] [-x] [TEST...]  (see tests/e2e/lib.sh)
. "$(dirname "$0")/lib.sh"

REC=$FEEDS/playcounts_recordings

t_one_milestone_per_recording() {
    # Wonderland's three ids share one count: one milestone, not three
    local db; db=$(new_store rec-one)
    local out; out=$("$BIN" --db "$db" import --on-duplicate max "$REC") || { fail_msg="import: $out"; return 1; }
    contains "the note" "$out" "ids linked to another id of their recording" || return 1
    local ms; ms=$("$BIN" --db "$db" milestones --no-claims)
    expect_eq "Wonderland >= 90M" "$(printf '%s\n' "$ms" | grep -c 'Wonderland  >= 90M')" 1 || return 1
    # every id of the recording shows the same recording, named by the
    # first album's id
    local a b
    a=$("$BIN" --db "$db" milestones --csv | awk -F, '$4=="90000000" {print $1}')
    expect_eq "the recording's id" "$a" 0kNSWs0FONDMVNe1NWbwCK || return 1
    # the two Intros are two recordings (their counts differ on every day):
    # each keeps its own milestones
    b=$("$BIN" --db "$db" milestones --csv --baseline --kind track_total |
        awk -F, '$4=="20000000"' | grep -c -E '^(5h4Nb77ApXkgLhhJcVBMmC|6KfO5tEll4owFUX2vbFcVG),')
    expect_eq "two Intros" "$b" 2 || return 1
    # the artist total counts the recording once: the sum of the
    # recordings' last counts, not of the ids'
    local total; total=$("$BIN" --db "$db" milestones --csv --baseline --kind artist_total |
        awk -F, '$1=="06HL4z0CvFAxyc27GXpf02" {v=$7} END {print v}')
    local by_id; by_id=$(awk -F, 'FNR==1 {f++; next}
        f==1 && $7=="06HL4z0CvFAxyc27GXpf02" {tay[$3]=1}
        f==2 && ($5 in tay) {ids[$2]=1}
        f==3 && $1=="2023-03-12" && ($2 in ids) && !seen[$2]++ {s+=$3}
        END {printf "%.0f", s}' "$REC/albums.csv" "$REC/tracks.csv" "$REC/playcounts.csv")
    [ -n "$total" ] && [ "$total" -lt "$by_id" ] || { fail_msg="artist total $total, by id $by_id"; return 1; }
}

t_each_album_counts_its_own_track() {
    # the every-track status of each album still lists its own ids
    local db; db=$(new_store rec-albums)
    check "import" "$BIN" --db "$db" import -q --on-duplicate max "$REC" || return 1
    local d e
    d=$("$BIN" --db "$db" show 5LVuISYu2g4YbyxYhFPIbK)
    e=$("$BIN" --db "$db" show 34OkZVpuzBa9y40DCy0LPR)
    contains "1989 (Deluxe)" "$d" "Wonderland" || return 1
    contains "1989 (Deluxe Edition)" "$e" "Wonderland" || return 1
    expect_eq "same release total" "$(printf '%s\n' "$d" | grep -i 'total' | head -1 | grep -o '[0-9][0-9,.]*[MB]\?' | head -1)" \
        "$(printf '%s\n' "$e" | grep -i 'total' | head -1 | grep -o '[0-9][0-9,.]*[MB]\?' | head -1)"
}

t_reimport_changes_nothing() {
    local db; db=$(new_store rec-again)
    check "import" "$BIN" --db "$db" import -q --on-duplicate max "$REC" || return 1
    local before; before=$("$BIN" --db "$db" milestones --csv --baseline)
    local out; out=$("$BIN" --db "$db" import --on-duplicate max "$REC") || return 1
    contains "nothing new" "$out" "catalog: 0 new or changed" || return 1
    expect_eq "unchanged" "$("$BIN" --db "$db" milestones --csv --baseline)" "$before"
}

t_same_as_itself_keeps_ids_apart() {
    # a tracks.csv row whose same_as names the id itself keeps it apart
    local dir=$WORK/rec-apart db; db=$(new_store rec-apart)
    rm -rf "$dir" && mkdir -p "$dir/catalog" && cp "$REC"/{artists,albums,tracks}.csv "$dir/catalog"/
    check "catalog" "$BIN" --db "$db" import -q "$dir/catalog" || return 1
    printf 'id,title,artists,released,same_as,version_of\n6iWMI5oOhWrDbLbjmwTWFq,Wonderland,06HL4z0CvFAxyc27GXpf02,,6iWMI5oOhWrDbLbjmwTWFq,\n' >"$dir/apart.csv"
    check "apart" "$BIN" --db "$db" import -q "$dir/apart.csv" || return 1
    check "counts" "$BIN" --db "$db" import -q --on-duplicate max "$REC/playcounts.csv" || return 1
    expect_eq "two Wonderlands" "$("$BIN" --db "$db" milestones --no-claims | grep -c 'Wonderland  >= 90M')" 2
}

t_empty_same_as_keeps_a_link() {
    # the export linked Wonderland's ids; a later catalog row with an empty
    # same_as says nothing about it, so the link stays (it used to be
    # undone: the id showed no count at all); same_as itself undoes it
    local dir=$WORK/rec-keep db; db=$(new_store rec-keep)
    mkdir -p "$dir"
    check "import" "$BIN" --db "$db" import -q --on-duplicate max "$REC" || return 1
    local id=6iWMI5oOhWrDbLbjmwTWFq total; total=$("$BIN" --db "$db" show --json "$id" | jq .total)
    [ "$total" != null ] || { fail_msg="no total for $id"; return 1; }
    printf 'id,title,artists,released,same_as,version_of\n%s,Wonderland,06HL4z0CvFAxyc27GXpf02,,,\n' "$id" >"$dir/tracks.csv"
    local out; out=$("$BIN" --db "$db" import "$dir/tracks.csv") || return 1
    contains "nothing changed" "$out" "catalog: 0 new or changed" || return 1
    expect_eq "the link kept" "$("$BIN" --db "$db" show --json "$id" | jq .total)" "$total" || return 1
    printf 'id,title,artists,released,same_as,version_of\n%s,Wonderland,06HL4z0CvFAxyc27GXpf02,,%s,\n' "$id" "$id" >"$dir/tracks.csv"
    check "apart" "$BIN" --db "$db" import -q "$dir/tracks.csv" || return 1
    check "counts again" "$BIN" --db "$db" import -q --on-duplicate max "$REC/playcounts.csv" || return 1
    expect_eq "two Wonderlands" "$("$BIN" --db "$db" milestones --no-claims | grep -c 'Wonderland  >= 90M')" 2
}

# a bundle of two ids of Rainy Days (the single's and the album's), their
# ISRC given as ISRC1 and ISRC2, and one day of counts past 10M for each
isrc_bundle() {   # isrc_bundle DIR ISRC1 ISRC2 [SAME_AS2]
    rm -rf "$1" && mkdir -p "$1"
    printf 'id,name,country,kind,gender,genres,member_of\nv,V,KR,solo,male,k-pop,\n' >"$1/artists.csv"
    printf 'id,title,artists,released,same_as,version_of,isrc\n' >"$1/tracks.csv"
    printf '5ydjxBSUIDn26MFzU3asP4,Rainy Days,v,2023-08-11,,,%s\n' "$2" >>"$1/tracks.csv"
    printf '54bg1e6ABcZfpU3yzwxnPf,Rainy Days,v,2023-09-08,%s,,%s\n' "${4:-}" "$3" >>"$1/tracks.csv"
    printf 'date,track,streams\n2023-09-10,5ydjxBSUIDn26MFzU3asP4,9500000\n2023-09-10,54bg1e6ABcZfpU3yzwxnPf,9500000\n' >"$1/streams.csv"
    printf '2023-09-11,5ydjxBSUIDn26MFzU3asP4,10200000\n2023-09-11,54bg1e6ABcZfpU3yzwxnPf,10200000\n' >>"$1/streams.csv"
}

t_one_isrc_is_one_recording() {
    local dir=$WORK/rec-isrc db; db=$(new_store rec-isrc)
    isrc_bundle "$dir" KR-A40-23-00123 kra402300123
    check "import" "$BIN" --db "$db" import -q "$dir" || return 1
    local ms; ms=$("$BIN" --db "$db" milestones --no-claims)
    expect_eq "one Rainy Days >= 10M" "$(printf '%s\n' "$ms" | grep -c 'Rainy Days  >= 10M')" 1 || return 1
    # kept in the catalog, normalised, and read back (snapshot and tables)
    local j; j=$("$BIN" --db "$db" milestones --csv | awk -F, '$4=="10000000" {print $1}')
    expect_eq "the recording is the single's id" "$j" 5ydjxBSUIDn26MFzU3asP4 || return 1
    local out; out=$("$BIN" --db "$db" import "$dir/tracks.csv") || return 1
    contains "re-import changes nothing" "$out" "catalog: 0 new or changed" || return 1
    # a later file's id of the same ISRC joins the recording
    printf 'id,title,artists,released,same_as,version_of,isrc\n0000000000000000000003,Rainy Days,v,2024-01-01,,,KRA402300123\n' >"$dir/more.csv"
    printf 'date,track,streams\n2023-09-12,0000000000000000000003,10400000\n' >"$dir/more-streams.csv"
    check "more" "$BIN" --db "$db" import -q "$dir/more.csv" || return 1
    check "more counts" "$BIN" --db "$db" import -q "$dir/more-streams.csv" || return 1
    expect_eq "still one" "$("$BIN" --db "$db" milestones --no-claims | grep -c 'Rainy Days  >= 10M')" 1
}

t_isrc_kept_apart_and_different() {
    local dir=$WORK/rec-isrc2 db; db=$(new_store rec-isrc2)
    # different ISRCs: two recordings
    isrc_bundle "$dir" KRA402300123 KRA402300124
    check "import" "$BIN" --db "$db" import -q "$dir" || return 1
    expect_eq "two" "$("$BIN" --db "$db" milestones --no-claims | grep -c 'Rainy Days  >= 10M')" 2 || return 1
    # the same ISRC, the album's id same_as itself: kept apart
    db=$(new_store rec-isrc3)
    isrc_bundle "$dir" KRA402300123 KRA402300123 54bg1e6ABcZfpU3yzwxnPf
    check "import apart" "$BIN" --db "$db" import -q "$dir" || return 1
    expect_eq "apart" "$("$BIN" --db "$db" milestones --no-claims | grep -c 'Rainy Days  >= 10M')" 2
}

t_bad_isrc_is_refused() {
    local dir=$WORK/rec-isrc4 db; db=$(new_store rec-isrc4)
    isrc_bundle "$dir" KRA402300123 KR-A40-23-0012X
    local err; err=$("$BIN" --db "$db" import -q "$dir" 2>&1)
    expect_eq "exit: input refused" "$?" 3 || return 1
    contains "names file, line and field" "$err" \
        "tracks.csv:3: isrc: not an ISRC (CC-XXX-YY-NNNNN: 12 letters and digits): 'KR-A40-23-0012X'" || return 1
    isrc_bundle "$dir" KRA402300123 KRA4023001234
    err=$("$BIN" --db "$db" import -q "$dir" 2>&1)
    contains "13 characters" "$err" "'KRA4023001234'" || return 1
    lacks "nothing imported" "$("$BIN" --db "$db" milestones --no-claims 2>&1)" "Rainy Days"
}

run_tests "$@"
