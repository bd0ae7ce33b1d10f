#!/bin/bash
# e2e, records: the claims judged, kept by daily imports, and listed from a day on.
# Run: tests/e2e/t-records.sh [-i] [-x] [TEST...]  (see tests/e2e/lib.sh)
. "$(dirname "$0")/lib.sh"

t_kept_claims_are_judged_again() {
    # every import keeps the claims of every stored event (judging again
    # only what it can have changed): read back, they must be what judging
    # again gives, import after import
    needs_sqlite || return 0
    local db; db=$(new_store kept)
    check "catalogs" "$BIN" --db "$db" import -q --ladder 10M../10M "$DEMO/artists.csv" "$DEMO/releases.csv" \
        "$DEMO/tracks.csv" "$DEMO/tracklist.csv" "$ROOT/tests/data/records/artists.csv" \
        "$ROOT/tests/data/records/releases.csv" "$ROOT/tests/data/records/tracks.csv" \
        "$ROOT/tests/data/records/tracklist.csv" || return 1
    { tail -n +2 "$DEMO/streams.csv"; tail -n +2 "$ROOT/tests/data/records/streams.csv"; } |
        sort >"$WORK/all.csv"
    local range first kept=0
    judged() {   # records --json --since DAY, judged again on a copy without kept claims
        cp "$db" "$WORK/judged.db"
        for f in "$db"-*; do cp "$f" "$WORK/judged.db-${f#"$db"-}"; done
        sqlite3 "$WORK/judged.db" "DELETE FROM claims_kept"
        "$BIN" --db "$WORK/judged.db" records --json --since "$1"
        rm -f "$WORK/judged.db"*
    }
    for range in 2020-01-01:2023-09-09 2023-09-10:2023-10-31 2023-11-01:2024-01-27 \
                 2024-01-28:2024-03-31 2024-04-01:2024-06-30 2024-07-01:2025-12-31; do
        { echo "date,track,streams"; awk -F, -v a="${range%:*}" -v b="${range#*:}" '$1 >= a && $1 <= b' "$WORK/all.csv"; } >"$WORK/part.csv"
        first=$(sed -n 2p "$WORK/part.csv" | cut -d, -f1)
        check "import $range" "$BIN" --db "$db" import -q "$WORK/part.csv" || return 1
        # kept for the whole history (since: none, -2147483648)
        [ "$(sqlite3 "$db" "SELECT since FROM claims_kept")" = "-2147483648" ] && kept=$((kept + 1))
        expect_eq "kept = judged, from $first" "$("$BIN" --db "$db" records --json --since "$first")" \
            "$(judged "$first")" || return 1
    done
    expect_eq "claims kept by every import" "$kept" 6 || return 1
    expect_eq "kept = judged, the whole history" "$("$BIN" --db "$db" records --json)" "$(judged 2000-01-01)" || return 1
    contains "some claims kept" "$("$BIN" --db "$db" records --since "$first")" "first" || return 1
    # a changed byte (the first claim's member count, bytes 29-32 of the
    # blob, after its 24-byte header, set to 65535) fails the blob's seal:
    # the claims are judged again, never misread
    cp "$db" "$WORK/cut.db"
    for f in "$db"-checkpoint.*; do cp "$f" "$WORK/cut.db-checkpoint.${f##*.}"; done
    sqlite3 "$WORK/cut.db" "UPDATE claims_kept SET data = substr(data, 1, 28) || x'ffff0000' || substr(data, 33)" || return 1
    expect_eq "damaged kept claims judged again" "$("$BIN" --db "$WORK/cut.db" records --json --since "$first")" \
        "$(judged "$first")" || return 1
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
    # a catalog change judges every event again: V from Japan is no Korean soloist
    sed 's/^v,V,KR,/v,V,JP,/' "$DEMO/artists.csv" >"$WORK/artists.csv"
    check "a catalog change" "$BIN" --db "$db" import -q "$WORK/artists.csv" || return 1
    expect_eq "judged again after a catalog change" "$("$BIN" --db "$db" records --json)" "$(judged 2000-01-01)"
}

t_records_since_is_the_tail() {
    # judging only the events from a day on gives exactly their claims
    local db; db=$(new_store records-since)
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
    local db; db=$(new_store records)
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

run_tests "$@"
