#!/bin/bash
# e2e, real feeds (samples of ../shared/data in tests/data/feeds): charts, play-count exports, kworb.
# Run: tests/e2e/t-feeds.sh [-i] [-x] [TEST...]  (see tests/e2e/lib.sh)
. "$(dirname "$0")/lib.sh"

t_real_weekly_chart_dynamite() {
    local db; db=$(new_store charts)
    check "import weekly charts" "$BIN" --db "$db" import "$FEEDS/charts_us" || return 1
    # BTS "Dynamite" entered the US weekly chart in the week from
    # 2020-08-21 at #4 (zcat ...2020-08-21--2020-08-28us_meta.csv.gz | grep Dynamite),
    # then under the album's id for three weeks: one run (t-noteworthy.sh)
    local r; r=$("$BIN" --db "$db" charts 0v1x6rN6JHRapa03JElljE --json | jq -r '.[0] |
        [.chart,.country,.debut_date,.debut_rank,.peak_rank,.periods_on_chart,.chart_streams] | @csv')
    expect_eq "Dynamite run" "$r" '"weekly","us","2020-08-21",4,4,4,24827731'
}

t_chart_milestones_and_records() {
    local db; db=$(new_store chartms)
    check "import" "$BIN" --db "$db" import -q "$FEEDS/bts" "$FEEDS/charts_us" || return 1
    local j; j=$("$BIN" --db "$db" milestones --json --kind chart_debut)
    # nothing "debuts" in the first week imported (it may have been there before)
    expect_eq "debuts in the first week" "$(printf '%s' "$j" | jq '[.[] | select(.date=="2020-08-14")] | length')" 0 || return 1
    local d; d=$(printf '%s' "$j" | jq -c '[.[] | select(.subject=="0v1x6rN6JHRapa03JElljE") |
        [.date,.threshold,.value,.chart,.country]]')
    expect_eq "Dynamite debut" "$d" '[["2020-08-21",10,4,"weekly","us"]]' || return 1
    # its debut comes in the first week debuts can be seen: there is no
    # earlier week to be first against, so no record
    expect_eq "no record on the first week debuts are seen" "$("$BIN" --db "$db" records --json \
        --kind chart_debut --subject 0v1x6rN6JHRapa03JElljE | jq length)" 0 || return 1
    # the first week's top 10 reached it "on or before": baselines, listed when asked
    expect_eq "no peak in the first week" "$("$BIN" --db "$db" milestones --json --kind chart_peak |
        jq '[.[] | select(.date=="2020-08-14")] | length')" 0 || return 1
    local p; p=$("$BIN" --db "$db" milestones --json --baseline --kind chart_peak |
        jq -c '[.[] | select(.date=="2020-08-14")][0] | [(.between != null), .between.after, .baseline]')
    expect_eq "peak in the first week is open" "$p" "[true,null,true]"
}

t_real_playcounts_duplicate_and_quirks() {
    local db; db=$(new_store pc)
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
    local db; db=$(new_store kworb)
    local out; out=$("$BIN" --db "$db" import --add-tracks "$FEEDS/kworb") ||
        { fail_msg="import failed"; return 1; }
    contains "stale day" "$out" "stale day 2025-10-02: 315 of 315 totals equal those of 2025-10-01" || return 1
    contains "two-day jump" "$out" "two-day jump on 2025-10-04"
}

t_real_kworb_albums() {
    local db; db=$(new_store kworb_albums)
    local out; out=$("$BIN" --db "$db" import --add-tracks "$FEEDS/kworb_albums") ||
        { fail_msg="import failed"; return 1; }
    contains "stale day" "$out" "stale day 2025-10-02: 27 of 27 totals equal those of 2025-10-01" || return 1
    contains "two-day jump" "$out" "two-day jump on 2025-10-04: for 27 of 27 releases" || return 1
    local r; r=$("$BIN" --db "$db" show kworb:thehighlightsdeluxe --json |
        jq -c '[.reported_totals[] | [.date, .total, .daily]]')
    expect_eq "reported totals" "$r" \
        '[["2025-10-01",49058663406,22830328],["2025-10-03",49081843315,23179909],["2025-10-04",49127996681,22364363]]'
}

run_tests "$@"
