#!/bin/bash
# e2e, forecasts: `trackrecord forecast` on the bundled Layover data: the
# JSON the web side reads, --as-of reading nothing later, --within, the
# kept forecasts, the backtest.
# Run: tests/e2e/t-forecast.sh [-i] [-x] [TEST...]  (see tests/e2e/lib.sh)
. "$(dirname "$0")/lib.sh"

# layover_until NAME DATE [EXTRA_CSV]: a store of the demo's catalog with
# its play counts up to DATE (all: DATE empty), then EXTRA_CSV's rows
layover_until() {
    local dir=$WORK/$1 db; db=$(new_store "$1")
    rm -rf "$dir"
    mkdir -p "$dir"
    cp "$DEMO"/*.csv "$dir"/
    if [ -n "$2" ]; then
        awk -F, -v d="$2" 'NR == 1 || $1 <= d' "$DEMO/streams.csv" >"$dir/streams.csv"
    fi
    "$BIN" --db "$db" import -q "$dir" >/dev/null || return 1
    if [ -n "${3:-}" ]; then
        "$BIN" --db "$db" import -q "$3" >/dev/null || return 1
    fi
    echo "$db"
}

t_json_fields() {
    local db; db=$(layover_until all "") || { fail_msg="import failed"; return 1; }
    local out; out=$("$BIN" --db "$db" forecast --json) || { fail_msg="forecast failed"; return 1; }
    # every object has the fields the web side reads, dates in order
    local bad; bad=$(printf '%s' "$out" | jq '[.[] | select(
        ((has("subject") and has("subject_type") and has("kind") and has("threshold") and
          has("remaining") and has("daily") and has("eta") and has("eta_low") and
          has("eta_high") and has("method") and has("post")) | not)
        or (.eta != null and (.eta_low == null or .eta_low > .eta or .eta < .as_of))
        or (.eta != null and .eta_high != null and .eta_high < .eta)
        or (.kind != "every_track" and .threshold - .value != .remaining)
        )] | length')
    expect_eq "malformed forecasts" "$bad" 0 || return 1
    # the four kinds, and every-track names its slowest track
    expect_eq "kinds" "$(printf '%s' "$out" | jq -c '[.[].kind] | unique')" \
        '["artist_total","every_track","release_total","track_total"]' || return 1
    expect_eq "slowest" "$(printf '%s' "$out" | jq -r '[.[] | select(.kind == "every_track" and .subject == "layover")][0].slowest != null')" true || return 1
    # a post names its interval as a reader would: one day is "on DAY",
    # never "between DAY and DAY"; a wider one gives both ends
    bad=$(printf '%s' "$out" | jq '[.[] | select(.eta != null and .eta_high != null and
        (. as $f | if $f.eta_low == $f.eta_high and $f.eta == $f.eta_low
         then ($f.post | contains(" on \($f.eta) (") | not) or ($f.post | contains("between"))
         else ($f.post | contains("between \($f.eta_low) and \($f.eta_high)") | not) end))] | length')
    expect_eq "posts that misname their interval" "$bad" 0 || return 1
    expect_eq "one-day intervals in the demo" \
        "$(printf '%s' "$out" | jq '[.[] | select(.eta != null and .eta_low == .eta_high)] | length > 0')" true
}

t_as_of_reads_nothing_later() {
    # the same forecast from a store cut on the day and from the full
    # store with an absurd day after it: nothing after --as-of is read
    local cut; cut=$(layover_until cut 2024-03-01) || { fail_msg="import failed"; return 1; }
    printf 'date,track,streams\n2024-03-02,5h1BN75CEh8wdSwE1xrbSe,9000000000\n2024-03-03,0SftJDguUa1F5SsQwwkLw4,9000000000\n' \
        >"$WORK/absurd.csv"
    local full; full=$(layover_until full "" ) || { fail_msg="import failed"; return 1; }
    local later; later=$(layover_until later 2024-03-01 "$WORK/absurd.csv") || { fail_msg="import failed"; return 1; }
    local a b c
    a=$("$BIN" --db "$cut" forecast --json --next 2) || { fail_msg="forecast failed"; return 1; }
    b=$("$BIN" --db "$full" forecast --json --next 2 --as-of 2024-03-01) || { fail_msg="forecast --as-of failed"; return 1; }
    c=$("$BIN" --db "$later" forecast --json --next 2 --as-of 2024-03-01) || { fail_msg="forecast --as-of failed"; return 1; }
    expect_eq "as of the cut, full store" "$b" "$a" || return 1
    expect_eq "as of the cut, absurd day after" "$c" "$a" || return 1
    expect_eq "as_of" "$(printf '%s' "$a" | jq -r '.[0].as_of')" 2024-03-01 || return 1
    # and the absurd day does change the latest forecast
    [ "$("$BIN" --db "$later" forecast --json --next 2)" != "$a" ] || { fail_msg="the later day was not read at all"; return 1; }
}

t_within_soonest_first() {
    local db; db=$(layover_until within 2024-05-10) || { fail_msg="import failed"; return 1; }
    local out; out=$("$BIN" --db "$db" forecast --within 14 --json) || { fail_msg="forecast failed"; return 1; }
    expect_eq "within 14 days" "$(printf '%s' "$out" | jq '[.[] | select(.days == null or .days > 14)] | length')" 0 || return 1
    expect_eq "soonest first" "$(printf '%s' "$out" | jq '[.[].days] == ([.[].days] | sort)')" true || return 1
    # Layover's every track passed 100M on 2024-05-23 (its README)
    local e; e=$(printf '%s' "$out" | jq -c '[.[] | select(.subject == "layover" and .kind == "every_track")][0] | [.threshold, .eta_low <= "2024-05-23" and .eta_high >= "2024-05-23"]')
    expect_eq "every track 100M inside the interval" "$e" '[100000000,true]' || return 1
    local text; text=$("$BIN" --db "$db" forecast --within 14 --subject layover --kind every_track)
    contains "post" "$text" "Every track on Layover expected to pass 100M around 2024-05-" || return 1
    contains "slowest" "$text" "last: Slow Dancing (Piano Ver.)"
}

t_backtest() {
    local db; db=$(layover_until bt "") || { fail_msg="import failed"; return 1; }
    local out; out=$("$BIN" --db "$db" forecast --backtest --horizons 7,30,90 --json) || { fail_msg="backtest failed"; return 1; }
    expect_eq "horizons" "$(printf '%s' "$out" | jq -c '[.rows[].horizon] | unique')" '[7,30,90]' || return 1
    expect_eq "shares" "$(printf '%s' "$out" | jq '[.rows[] | select(.inside_80 < 0 or .inside_80 > 1 or .crossings < 1)] | length')" 0 || return 1
    # a crossing is scored from every cut whose lead fits the row: the
    # distinct ones are fewer (Layover's tracks at 90 days: 61 of 12)
    expect_eq "distinct crossings" "$(printf '%s' "$out" | jq -c '([.rows[] | select(.distinct < 1 or .distinct > .crossings)] | length), ([.rows[] | select(.horizon == 90 and .kind == "track_total")][0] | [.crossings, .distinct])')" \
        "$(printf '0\n[61,12]')" || return 1
    local text; text=$("$BIN" --db "$db" forecast --backtest)
    contains "table" "$text" "naive_mae" || return 1
    "$BIN" --db "$db" forecast --backtest --horizons 30,7 >/dev/null 2>&1 && { fail_msg="falling horizons taken"; return 1; }
    return 0
}

t_usage_errors() {
    local db; db=$(layover_until usage 2024-01-01) || { fail_msg="import failed"; return 1; }
    "$BIN" --db "$db" forecast --kind chart_peak >/dev/null 2>&1; expect_eq "chart kind" $? 2 || return 1
    "$BIN" --db "$db" forecast --as-of 2024-13-01 >/dev/null 2>&1; expect_eq "bad date" $? 2 || return 1
    "$BIN" --db "$db" forecast --subject nope >/dev/null 2>&1; expect_eq "unknown subject" $? 4
}

t_kept_equals_computed() {
    needs_sqlite || return 1
    local db; db=$(layover_until kept 2024-06-01) || { fail_msg="import failed"; return 1; }
    ls "$db"-forecasts.* >/dev/null 2>&1 || { fail_msg="the import kept no forecasts"; return 1; }
    local kept; kept=$("$BIN" --db "$db" forecast --json)
    rm -f "$db"-forecasts.*
    expect_eq "computed without the kept file" "$("$BIN" --db "$db" forecast --json)" "$kept"
}

run_tests "$@"
