#!/bin/bash
# e2e, the scope of claims: what each claim is true of (world or tracked,
# since when), on the real files, and that posts state only what is true in
# the world.  docs/records.md, "Scope".
# Run: tests/e2e/t-scope.sh [-i] [-x] [TEST...]  (see tests/e2e/lib.sh)
. "$(dirname "$0")/lib.sh"

CHARTS_2019=$FEEDS/charts_2019
COVERAGE_HEADER="country,kind,gender,genre,release_type,since"

# Over records --json: the events whose post is wrong, grouped by event.  A
# post states a claim (" is the ...", " is possibly ...") only when the event
# has a certain world claim; a chart post that states one says since when.
POSTS_CHECK='[group_by("\(.subject) \(.kind) \(.threshold) \(.date) \(.chart) \(.country)")[] |
    (.[0].text | test(" is (the|possibly) ")) as $stated |
    (map(select(.scope == "world" and .uncertain == false)) | length > 0) as $world |
    select($stated != $world or ($stated and .[0].chart != null and (.[0].text | test(" since [A-Z][a-z]+ [0-9]") | not)))] | length'

t_weekly_charts_2019_say_since_when() {
    # the real US, JP and PH weekly charts, from the first week of 2019: the
    # files begin two years after the charts did (or on a day no source
    # gives), so no chart claim is world with since null, and every world
    # claim's post says since when
    local c db j
    for c in us jp ph; do
        db=$(new_store "weekly-$c")
        check "import $c" "$BIN" --db "$db" import -q "$FEEDS/bts" "$CHARTS_2019/$c" || return 1
        j=$("$BIN" --db "$db" records --json)
        expect_eq "$c: some world claims" "$(jq '[.[] | select(.scope == "world")] | length > 0' <<<"$j")" true || return 1
        expect_eq "$c: world with since null" "$(jq '[.[] | select(.scope == "world" and .since == null)] | length' <<<"$j")" 0 || return 1
        expect_eq "$c: since the first week (debuts: the second)" \
            "$(jq '[.[] | select(.scope == "world") |
                    select(.since != (if .kind == "chart_debut" then "2019-01-11" else "2019-01-04" end))] | length' <<<"$j")" 0 || return 1
        # a post states claims only when its event has a certain world
        # claim, and then says since when
        expect_eq "$c: posts" "$(jq "$POSTS_CHECK" <<<"$j")" 0 || return 1
        # and each world claim, worded alone, says since when too
        expect_eq "$c: world claims say since when" \
            "$(jq '[.[] | select(.scope == "world" and (.claim_text | test(" since [A-Z][a-z]+ [0-9]") | not))] | length' <<<"$j")" 0 || return 1
    done
    # the debut at #1 of the US week of 2019-01-18, as the post words it
    db=$(store_at weekly-us)
    local posts; posts=$("$BIN" --db "$db" records --scope world --certain --kind chart_debut)
    contains "7 rings" "$posts" "7 rings by Ariana Grande debuted at #1 on Spotify's weekly US chart. Ariana Grande is the first and only act since January 11, 2019 to achieve this." || return 1
    contains "its line" "$posts" "[world since 2019-01-11]" || return 1
    # a claim about Korean acts needs the country of every act that got
    # there: the chart's other acts have none in the catalog, so Dynamite's
    # "first Korean act to reach the top 10" is tracked; its debut, in the
    # first week whose debuts can be seen (2020-08-21), has no earlier week
    # to be first against: "the first since August 21, 2020" on that very
    # day is no record, and no post says it
    db=$(new_store weekly-dynamite)
    check "import" "$BIN" --db "$db" import -q "$FEEDS/bts" "$FEEDS/charts_us" || return 1
    j=$("$BIN" --db "$db" records --json --subject 0v1x6rN6JHRapa03JElljE)
    expect_eq "Dynamite's claims" "$(jq -r '.[] | "\(.kind) \(.group_name) \(.scope) \(.since)"' <<<"$j")" \
        "chart_peak Korean act tracked null" || return 1
    lacks "no first-since-today post" "$("$BIN" --db "$db" records --subject 0v1x6rN6JHRapa03JElljE)" \
        "since August 21, 2020"
}

t_gap_in_the_weeks_leaves_claims_uncertain() {
    # the US weeks of 2019 without the week of 2019-01-18 (when "7 rings"
    # debuted at #1): "MIDDLE CHILD", at #1 in its first week after the gap,
    # may not be the first since, so nothing about it is certain
    rm -rf "$WORK/gap" && mkdir "$WORK/gap" && cp "$CHARTS_2019"/us/*.gz "$WORK/gap/" &&
        rm "$WORK/gap/2019-01-18--"* || return 1
    local db; db=$(new_store gap)
    check "import" "$BIN" --db "$db" import -q "$FEEDS/bts" "$WORK/gap" || return 1
    local j; j=$("$BIN" --db "$db" records --json --kind chart_debut)
    expect_eq "MIDDLE CHILD's debut" \
        "$(jq -r '.[] | select(.name == "MIDDLE CHILD" and .threshold == 1) | "\(.between.after) \(.uncertain) \(.scope)"' <<<"$j")" \
        "2019-01-11 true world" || return 1
    expect_eq "not posted" "$(jq -r '.[] | select(.name == "MIDDLE CHILD" and .threshold == 1) | .text' <<<"$j")" \
        "MIDDLE CHILD by J. Cole debuted at #1 on Spotify's weekly US chart." || return 1
    expect_eq "nothing certain after the gap" \
        "$("$BIN" --db "$db" records --json | jq '[.[] | select(.date > "2019-01-11" and .uncertain == false)] | length')" 0 || return 1
    expect_eq "posts" "$("$BIN" --db "$db" records --json | jq "$POSTS_CHECK")" 0
}

t_posts_state_world_claims_only() {
    # every post of a chart store: a stated claim is a certain world claim
    local db; db=$(new_store posts-us)
    check "import" "$BIN" --db "$db" import -q "$FEEDS/bts" "$CHARTS_2019/us" || return 1
    local j; j=$("$BIN" --db "$db" records --json)
    expect_eq "posts" "$(jq "$POSTS_CHECK" <<<"$j")" 0 || return 1
    # the text lines say each claim's scope
    local text; text=$("$BIN" --db "$db" records)
    expect_eq "every claim line shows its scope" \
        "$(grep -E '^    ' <<<"$text" | grep -cvE '\[(world|world since [0-9-]+|tracked)\]$')" 0 || return 1
    expect_eq "--scope tracked" "$("$BIN" --db "$db" records --scope tracked --json | jq '[.[] | select(.scope != "tracked")] | length')" 0 || return 1
    expect_eq "--scope world" "$("$BIN" --db "$db" records --scope world --json | jq '[.[] | select(.scope != "world")] | length')" 0 || return 1
    expect_eq "--scope all is every claim" "$("$BIN" --db "$db" records --scope all --json)" "$j" || return 1
    "$BIN" --db "$db" records --scope everyone >/dev/null 2>&1
    expect_eq "bad --scope" "$?" 2
}

t_chart_bot_entries_are_tracked() {
    # Jimin's chart-bot file holds his rows alone: no period of it is a whole
    # chart, so nothing it says is world; and no post names a track as an act
    local db; db=$(new_store jimin)
    check "import" "$BIN" --db "$db" import -q "$FEEDS/bts" "$FEEDS/jimin_charts" || return 1
    local j; j=$("$BIN" --db "$db" records --json)
    expect_eq "some claims" "$(jq 'length > 0' <<<"$j")" true || return 1
    expect_eq "no world claim" "$(jq '[.[] | select(.scope == "world")] | length' <<<"$j")" 0 || return 1
    expect_eq "tracked, with their acts" "$(jq '[.[] | select(.tracked_members < 1)] | length' <<<"$j")" 0 || return 1
    expect_eq "no post states a claim" "$(jq '[.[] | select(.text | test(" is (the|possibly) "))] | length' <<<"$j")" 0 || return 1
    contains "worded as tracked" "$("$BIN" --db "$db" records)" "tracked acts:" || return 1
    # without the catalog the titles have no artist: no act claim at all
    # (the bot's "Who" is a song, not an act)
    db=$(new_store jimin-bare)
    check "import bare" "$BIN" --db "$db" import -q --add-tracks "$FEEDS/jimin_charts/jimin_spotify_chart_entries.csv" || return 1
    expect_eq "no claims" "$("$BIN" --db "$db" records --json | jq length)" 0 || return 1
    lacks "no track as an act" "$("$BIN" --db "$db" records)" "Who is the"
}

t_playcounts_need_declared_coverage() {
    # the 2023 export holds 12 artists: without a coverage file nothing is
    # true in the world; a row declaring the whole catalog the world makes
    # the same claims world (the sample's nine days hold few crossings: its
    # baselines, the totals it begins with, are judged too)
    local db; db=$(new_store export)
    check "import" "$BIN" --db "$db" import -q --on-duplicate max "$FEEDS/playcounts" || return 1
    local tracked; tracked=$("$BIN" --db "$db" records --baseline --json)
    expect_eq "some claims" "$(jq 'length > 0' <<<"$tracked")" true || return 1
    expect_eq "no world claim" "$(jq '[.[] | select(.scope == "world")] | length' <<<"$tracked")" 0 || return 1
    expect_eq "no post states one" "$(jq '[.[] | select(.text | test(" is (the|possibly) "))] | length' <<<"$tracked")" 0 || return 1
    expect_eq "posts" "$(jq "$POSTS_CHECK" <<<"$tracked")" 0 || return 1
    contains "among the tracked acts" "$("$BIN" --db "$db" records --baseline --kind artist_total)" "among the 12 tracked acts" || return 1
    expect_eq "each tracked claim worded so" \
        "$(jq '[.[] | select(.claim_text | test(" among the [0-9]+ tracked acts? ") | not)] | length' <<<"$tracked")" 0 || return 1
    printf '%s\n,,,,,\n' "$COVERAGE_HEADER" >"$WORK/everything.csv"
    check "declare the world" "$BIN" --db "$db" import -q "$WORK/everything.csv" || return 1
    local world; world=$("$BIN" --db "$db" records --baseline --json)
    expect_eq "the same claims" "$(jq -c 'map(del(.scope, .since, .tracked_members, .text, .claim_text))' <<<"$world")" \
        "$(jq -c 'map(del(.scope, .since, .tracked_members, .text, .claim_text))' <<<"$tracked")" || return 1
    expect_eq "all world, since null" "$(jq '[.[] | select(.scope != "world" or .since != null)] | length' <<<"$world")" 0 || return 1
    expect_eq "some stated" "$(jq '[.[] | select(.text | test(" is the first"))] | length > 0' <<<"$world")" true || return 1
    expect_eq "posts" "$(jq "$POSTS_CHECK" <<<"$world")" 0 || return 1
    # re-importing the declaration changes nothing
    check "again" "$BIN" --db "$db" import -q "$WORK/everything.csv" || return 1
    expect_eq "unchanged" "$("$BIN" --db "$db" records --baseline --json)" "$world"
}

t_coverage_rows_contain_groups() {
    # a row declares a group: claims in groups it contains are world (since
    # its day), the others tracked
    local db; db=$(new_store rows)
    rm -rf "$WORK/rows" && mkdir "$WORK/rows" && cp "$ROOT"/tests/data/records/*.csv "$WORK/rows/" &&
        rm "$WORK/rows/coverage.csv" || return 1
    printf '%s\nKR,solo,,,,\n' "$COVERAGE_HEADER" >"$WORK/rows/coverage.csv"
    check "import" "$BIN" --db "$db" import -q --ladder 10M../10M "$DEMO" "$WORK/rows" || return 1
    local j; j=$("$BIN" --db "$db" records --json --subject layover --kind every_track)
    expect_eq "Korean solo: world" "$(jq -r '[.[] | select(.date == "2024-02-25" and .group_name == "album by a Korean solo artist") | .scope] | join(",")' <<<"$j")" world || return 1
    expect_eq "K-pop male act: tracked" "$(jq -r '[.[] | select(.date == "2024-02-25" and .group_name == "album by a K-pop male act") | .scope] | join(",")' <<<"$j")" tracked || return 1
    contains "the post states the world one only" "$("$BIN" --db "$db" records --subject layover --kind every_track --since 2024-02-25)" \
        "Layover is the first and only album by a Korean solo artist to achieve this." || return 1
    lacks "not the tracked one" "$("$BIN" --db "$db" records --subject layover --kind every_track --since 2024-02-25 | sed -n 2p)" "fastest" || return 1
    # since a day: the album out after it is world since then
    printf '%s\nKR,solo,,,,2023-01-01\n' "$COVERAGE_HEADER" >"$WORK/since.csv"
    db=$(new_store rows-since)
    check "import since" "$BIN" --db "$db" import -q --ladder 10M../10M "$DEMO" "$WORK/rows" "$WORK/since.csv" || return 1
    j=$("$BIN" --db "$db" records --json --subject layover --kind every_track --since 2024-02-25)
    expect_eq "world since 2023-01-01" "$(jq -r '[.[] | select(.date == "2024-02-25" and .group_name == "album by a Korean solo artist") | "\(.scope) \(.since)"] | join(",")' <<<"$j")" "world 2023-01-01" || return 1
    contains "worded" "$(jq -r '.[0].text' <<<"$j")" "album by a Korean solo artist (releases out since January 2023) to achieve this" || return 1
    # a bad row is refused, naming file, line and field
    printf '%s\nKR,trio,,,,\n' "$COVERAGE_HEADER" >"$WORK/bad.csv"
    local err; err=$("$BIN" --db "$db" import -q "$WORK/bad.csv" 2>&1)
    contains "bad kind" "$err" "bad.csv:2: kind: expected solo or group, found 'trio'"
}

t_layover_fixture_world_and_tracked() {
    # the seed's claims: world with the test catalog's coverage file, the
    # same claims tracked without it, and then the post states none of them
    local db; db=$(new_store seed-world)
    check "import" "$BIN" --db "$db" import -q --ladder 10M../10M "$DEMO" "$ROOT/tests/data/records" || return 1
    local w; w=$("$BIN" --db "$db" records --json --subject layover --kind every_track)
    rm -rf "$WORK/nocov" && mkdir "$WORK/nocov" && cp "$ROOT"/tests/data/records/*.csv "$WORK/nocov/" &&
        rm "$WORK/nocov/coverage.csv" || return 1
    db=$(new_store seed-tracked)
    check "import without" "$BIN" --db "$db" import -q --ladder 10M../10M "$DEMO" "$WORK/nocov" || return 1
    local t; t=$("$BIN" --db "$db" records --json --subject layover --kind every_track)
    local seed='.[] | select(.date == "2024-02-25" or .date == "2023-12-16") | "\(.threshold) \(.claim) \(.group_name)"'
    expect_eq "the seed's claims" "$(jq -r "$seed" <<<"$w")" "60000000 first_and_only album by a Korean solo artist
80000000 first_and_only album by a Korean solo artist
80000000 fastest album by a K-pop male act" || return 1
    expect_eq "the same claims without" "$(jq -r "$seed" <<<"$t")" "$(jq -r "$seed" <<<"$w")" || return 1
    expect_eq "world with" "$(jq -r '[.[] | .scope] | unique | join(",")' <<<"$w")" world || return 1
    expect_eq "tracked without" "$(jq -r '[.[] | .scope] | unique | join(",")' <<<"$t")" tracked || return 1
    expect_eq "with: the seed's post" "$(jq -r '.[] | select(.date == "2024-02-25") | .text' <<<"$w" | head -1)" \
        "Every track on Layover has now passed 80M streams on Spotify. Layover is the first and only album by a Korean solo artist to achieve this, and the fastest album by a K-pop male act (170 days)." || return 1
    expect_eq "without: no claim stated" "$(jq -r '.[] | select(.date == "2024-02-25") | .text' <<<"$t" | head -1)" \
        "Every track on Layover has now passed 80M streams on Spotify." || return 1
    contains "listed as tracked" "$("$BIN" --db "$db" records --subject layover --kind every_track --since 2024-02-25)" \
        "first and only album by a Korean solo artist among the 4 tracked acts: 1 of 4 albums reached it by then [tracked]"
}

run_tests "$@"
