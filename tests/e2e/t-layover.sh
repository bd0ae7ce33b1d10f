#!/bin/bash
# e2e, the seed's own case: Layover's milestones, shown and listed.
# Run: tests/e2e/t-layover.sh [-i] [-x] [TEST...]  (see tests/e2e/lib.sh)
. "$(dirname "$0")/lib.sh"

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
    needs_sqlite || return 0
    store_drop "$TRACKRECORD_DB"
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

t_show_sales_and_awards() {
    local db; db=$(layover_db extras) || return 1
    local j; j=$("$BIN" --db "$db" show layover --json)
    expect_eq "sales" "$(printf '%s' "$j" | jq -r '.sales[0] | [.source,.copies,.timezone] | @csv')" \
        '"hanteo",1670000,"Asia/Seoul"' || return 1
    expect_eq "album award" "$(printf '%s' "$j" | jq -r '.awards[0].category')" "Album of the Year"
}

run_tests "$@"
