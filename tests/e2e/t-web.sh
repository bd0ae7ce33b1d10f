#!/bin/bash
# e2e, the web side: `trackrecord serve` on a free loopback port, asked
# with curl (each request bounded by --max-time), stopped at the end; and
# `trackrecord feed`.
# Run: tests/e2e/t-web.sh [-i] [-x] [TEST...]  (see tests/e2e/lib.sh)
. "$(dirname "$0")/lib.sh"

# serve_on DB NAME: starts the server on DB; sets URL and SERVE_PID
serve_on() {
    local log=$WORK/$2.serve.log
    "$BIN" --db "$1" serve --port 0 --threads 2 2>"$log" &
    SERVE_PID=$!
    local i
    for i in $(seq 1 100); do
        URL=$(sed -n 's|.*serving .* on \(http://[^ ]*\)/ .*|\1|p' "$log")
        [ -n "$URL" ] && return 0
        kill -0 "$SERVE_PID" 2>/dev/null || break
        sleep 0.1
    done
    fail_msg="serve did not start: $(cat "$log")"
    return 1
}
stop_serving() {
    kill "$SERVE_PID" 2>/dev/null
    wait "$SERVE_PID" 2>/dev/null
}
get() {             # get PATH [CURL ARGS]: the body
    local p=$1; shift
    curl -s --max-time 10 "$@" "$URL$p"
}
status_of() {       # status_of PATH [CURL ARGS]: the HTTP status
    local p=$1; shift
    curl -s --max-time 10 -o /dev/null -w '%{http_code}' "$@" "$URL$p"
}

t_api_equals_the_command_line() {
    local db; db=$(layover_db api) || { fail_msg="import failed"; return 1; }
    serve_on "$db" api || return 1
    local rc=0
    # each object is show --json's (next milestones too), with the API's
    # fields added
    local api cli path id
    for path in releases/layover tracks/5h1BN75CEh8wdSwE1xrbSe artists/v; do
        id=${path#*/}
        api=$(get "/api/v1/$path" | jq -c 'del(.latest, .gains, .claims, .claims_since)')
        cli=$("$BIN" --db "$db" show --json "$id")
        [ $rc = 0 ] && { expect_eq "$path object" "$api" "$(jq -c . <<<"$cli")" || rc=1; }
    done
    # the newest milestone, as milestones --json gives it
    api=$(get '/api/v1/milestones?limit=1' | jq -c '.milestones[0]')
    cli=$("$BIN" --db "$db" milestones --json | jq -c '.[-1]')
    [ $rc = 0 ] && { expect_eq "newest milestone" "$api" "$cli" || rc=1; }
    # the latest total of a release is the sum of its tracks' latest
    api=$(get /api/v1/releases/layover | jq '.latest.total')
    cli=$("$BIN" --db "$db" show --json layover | jq '.total')
    [ $rc = 0 ] && { expect_eq "latest total" "$api" "$cli" || rc=1; }
    # a page of 3 and the next page follow on
    local p1 p2 all
    p1=$(get '/api/v1/milestones?limit=3' | jq -c '[.milestones[].threshold]')
    local next; next=$(get '/api/v1/milestones?limit=3' | jq '.next_cursor')
    p2=$(get "/api/v1/milestones?limit=3&cursor=$next" | jq -c '[.milestones[].threshold]')
    all=$(get '/api/v1/milestones?limit=6' | jq -c '[.milestones[].threshold]')
    [ $rc = 0 ] && { expect_eq "pages" "$(jq -nc "$p1 + $p2")" "$all" || rc=1; }
    # search: case and accents do not matter
    local hit; hit=$(get '/api/v1/search?q=L%C3%80YOVER' | jq -r '.results[0].id')
    [ $rc = 0 ] && { expect_eq "search" "$hit" layover || rc=1; }
    stop_serving
    return $rc
}

t_forecasts_are_the_command_lines() {
    local db; db=$(layover_db forecasts) || { fail_msg="import failed"; return 1; }
    serve_on "$db" forecasts || return 1
    local rc=0 api cli
    # the "almost there" list: forecast --within 30 --json, soonest first
    api=$(get '/api/v1/forecasts?within=30&limit=1000')
    cli=$("$BIN" --db "$db" forecast --within 30 --json | jq -c .)
    expect_eq "within 30" "$(jq -c .forecasts <<<"$api")" "$cli" || rc=1
    [ $rc = 0 ] && { expect_eq "some expected" "$(jq '.forecasts | length > 0' <<<"$api")" true || rc=1; }
    [ $rc = 0 ] && { expect_eq "all within" "$(jq '[.forecasts[].days] | all(. <= 30)' <<<"$api")" true || rc=1; }
    [ $rc = 0 ] && { expect_eq "as_of" "$(jq -r .as_of <<<"$api")" 2025-08-08 || rc=1; }
    # one subject's next three of each kind: the object's next_milestones
    api=$(get '/api/v1/forecasts?subject=layover&next=3' | jq -c .forecasts)
    cli=$(get /api/v1/releases/layover | jq -c .next_milestones)
    [ $rc = 0 ] && { expect_eq "subject" "$api" "$cli" || rc=1; }
    [ $rc = 0 ] && { expect_eq "every track next" \
        "$(jq -r '[.[] | select(.kind == "every_track")][0].post' <<<"$api")" \
        "$("$BIN" --db "$db" forecast --subject layover --kind every_track | sed -n 's/^  //p')" || rc=1; }
    # a track's are its recording's
    api=$(get /api/v1/tracks/5h1BN75CEh8wdSwE1xrbSe | jq -c '[.next_milestones[].threshold]')
    [ $rc = 0 ] && { expect_eq "track next" "$(jq length <<<"$api")" 3 || rc=1; }
    # pages follow on
    local p1 p2 all next
    p1=$(get '/api/v1/forecasts?limit=2' | jq -c '[.forecasts[].post]')
    next=$(get '/api/v1/forecasts?limit=2' | jq .next_cursor)
    p2=$(get "/api/v1/forecasts?limit=2&cursor=$next" | jq -c '[.forecasts[].post]')
    all=$(get '/api/v1/forecasts?limit=4' | jq -c '[.forecasts[].post]')
    [ $rc = 0 ] && { expect_eq "pages" "$(jq -nc "$p1 + $p2")" "$all" || rc=1; }
    local got="$(status_of '/api/v1/forecasts?within=0') $(status_of '/api/v1/forecasts?within=x')"
    got="$got $(status_of '/api/v1/forecasts?kind=chart_peak') $(status_of '/api/v1/forecasts?subject=nope')"
    [ $rc = 0 ] && { expect_eq "bad parameters" "$got" "400 400 400 404" || rc=1; }
    stop_serving
    return $rc
}

t_bad_requests_get_a_clear_status() {
    local db; db=$(layover_db bad) || { fail_msg="import failed"; return 1; }
    serve_on "$db" bad || return 1
    local rc=0 long
    long=$(head -c 5000 /dev/zero | tr '\0' a)
    local got="$(status_of /api/v1/tracks/nope) $(status_of /api/v1/nope) $(status_of '/api/v1/milestones?limit=x')"
    got="$got $(status_of '/api/v1/milestones?since=2024-13-01') $(status_of /api/v1 -X POST -d x=1)"
    got="$got $(status_of "/api/v1/search?q=$long") $(status_of '/api/v1/tracks/a%00b')"
    got="$got $(status_of /assets/../../etc/passwd --path-as-is) $(status_of '/assets/%2e%2e/%2e%2e/etc/passwd')"
    got="$got $(status_of /api/v1/search -H "X-Big: $(head -c 40000 /dev/zero | tr '\0' b)")"
    expect_eq "statuses" "$got" "404 404 400 400 405 414 400 404 404 431" || rc=1
    local msg; msg=$(get /api/v1/tracks/nope | jq -r '.error.message')
    [ $rc = 0 ] && { contains "error body" "$msg" "no track with id 'nope'" || rc=1; }
    # still answering after all that
    [ $rc = 0 ] && { expect_eq "alive" "$(status_of /api/v1)" 200 || rc=1; }
    stop_serving
    return $rc
}

t_connections_are_kept_alive() {
    local db; db=$(layover_db alive) || { fail_msg="import failed"; return 1; }
    serve_on "$db" alive || return 1
    local rc=0 connects
    # three requests on one connection: one connect, then none
    connects=$(curl -s --max-time 10 -o /dev/null -o /dev/null -o /dev/null -w '%{num_connects}\n' \
        "$URL/api/v1" "$URL/api/v1/releases/layover" "$URL/" | paste -sd' ')
    expect_eq "connects" "$connects" "1 0 0" || rc=1
    stop_serving
    return $rc
}

t_etag_answers_304() {
    local db; db=$(layover_db etag) || { fail_msg="import failed"; return 1; }
    serve_on "$db" etag || return 1
    local rc=0 tag cc
    tag=$(curl -s --max-time 10 -D - -o /dev/null "$URL/api/v1/artists/v" | tr -d '\r' | sed -n 's/^[Ee][Tt]ag: //p')
    cc=$(curl -s --max-time 10 -D - -o /dev/null "$URL/api/v1/artists/v" | tr -d '\r' | sed -n 's/^[Cc]ache-[Cc]ontrol: //p')
    contains "etag" "$tag" '"' || rc=1
    [ $rc = 0 ] && { expect_eq "cache-control" "$cc" "public, max-age=60" || rc=1; }
    [ $rc = 0 ] && { expect_eq "304" "$(status_of /api/v1/artists/v -H "If-None-Match: $tag")" 304 || rc=1; }
    [ $rc = 0 ] && { expect_eq "other tag" "$(status_of /api/v1/artists/v -H 'If-None-Match: "x"')" 200 || rc=1; }
    stop_serving
    return $rc
}

t_an_import_is_seen_without_a_restart() {
    local dir=$WORK/grow db; db=$(new_store grow)
    mkdir -p "$dir" && cp "$DEMO"/*.csv "$dir"/
    awk -F, 'NR == 1 || $1 <= "2024-06-30"' "$DEMO/streams.csv" >"$dir/streams.csv"
    "$BIN" --db "$db" import -q --ladder 10M../10M "$dir" >/dev/null || { fail_msg="import failed"; return 1; }
    serve_on "$db" grow || return 1
    local rc=0 before after i
    # asked a few times, so that each thread answers (and keeps) it
    for i in 1 2 3 4; do before=$(get /api/v1/releases/layover | jq -r '.latest.date'); done
    get '/api/v1/forecasts?within=30' >/dev/null
    "$BIN" --db "$db" import -q "$DEMO/streams.csv" >/dev/null || { fail_msg="second import failed"; rc=1; }
    [ $rc = 0 ] && { expect_eq "before" "$before" 2024-06-30 || rc=1; }
    for i in 1 2 3 4; do
        after=$(get /api/v1/releases/layover | jq -r '.latest.date')
        [ $rc = 0 ] && { expect_eq "after ($i)" "$after" "$("$BIN" --db "$db" show --json layover | jq -r '.tracks[0].date')" || rc=1; }
    done
    # the shared forecasts are the new version's too
    [ $rc = 0 ] && { expect_eq "next milestones after" "$(get /api/v1/releases/layover | jq -c .next_milestones)" \
        "$("$BIN" --db "$db" show --json layover | jq -c .next_milestones)" || rc=1; }
    [ $rc = 0 ] && { expect_eq "forecasts after" "$(get '/api/v1/forecasts?within=30&limit=1000' | jq -c .forecasts)" \
        "$("$BIN" --db "$db" forecast --within 30 --json | jq -c .)" || rc=1; }
    stop_serving
    return $rc
}

t_feeds_are_valid_and_stable() {
    local db; db=$(layover_db feeds) || { fail_msg="import failed"; return 1; }
    serve_on "$db" feeds || return 1
    local rc=0 atom json
    atom=$(get /feed.atom)
    json=$(get /feed.json)
    # Atom (RFC 4287): the feed's id, title, updated and author; each
    # entry's id, title and updated
    local entries; entries=$(printf %s "$atom" | grep -c '<entry>')
    for el in '<id>' '<title>' '<updated>'; do
        expect_eq "entries with $el" "$(printf %s "$atom" | grep -c "^    $el")" "$entries" || rc=1
    done
    contains "feed author" "$atom" '<author><name>' || rc=1
    [ "$entries" -gt 0 ] || { fail_msg="no entries"; rc=1; }
    # JSON Feed 1.1: version, title, items, each with an id and content
    [ $rc = 0 ] && { expect_eq "json feed" "$(printf %s "$json" | jq -r '.version + " " + (.title|type) + " " + ([.items[] | select(.id and (.content_text or .content_html))] | length | tostring)')" \
        "https://jsonfeed.org/version/1.1 string $entries" || rc=1; }
    # newest first, ids unique and the same on every read
    [ $rc = 0 ] && { expect_eq "newest first" "$(printf %s "$json" | jq '[.items[].date_published] == ([.items[].date_published] | sort | reverse)')" true || rc=1; }
    [ $rc = 0 ] && { expect_eq "unique ids" "$(printf %s "$json" | jq '[.items[].id] | length == (unique | length)')" true || rc=1; }
    # the command writes the same feed
    "$BIN" --db "$db" feed --json -o "$WORK/feed.json" || rc=1
    [ $rc = 0 ] && { expect_eq "feed --json" "$(cat "$WORK/feed.json")" "$json" || rc=1; }
    # per artist
    [ $rc = 0 ] && { expect_eq "artist feed" "$(status_of /artists/v/feed.atom) $(status_of /artists/nope/feed.atom)" "200 404" || rc=1; }
    # the artist's page names its own feed for feed readers
    [ $rc = 0 ] && { contains "artist page feed link" "$(get /artists/v)" 'title="V: milestones" href="../artists/v/feed.atom"' || rc=1; }
    # an artist without milestones: a valid empty feed, dated by the data
    # (the last day looked at), not 1970
    local empty; empty=$(get /artists/bts/feed.atom)
    [ $rc = 0 ] && { expect_eq "empty feed" "$(printf %s "$empty" | grep -c '<entry>') $(printf %s "$empty" | sed -n 's|^  <updated>\(.*\)</updated>|\1|p')" \
        "0 $("$BIN" --db "$db" stats --json | jq -r '.scanned_to')T00:00:00Z" || rc=1; }
    stop_serving
    return $rc
}

t_the_seed_claims_are_published() {
    # the headline of the fixture (every track on Layover past 80M on
    # 2024-02-25, day 170), two years before the store's last day: the API
    # and the release page carry its world claims and post; the feed of that
    # day (the data cut there) carries the post
    local db; db=$(new_store seed)
    check "import" "$BIN" --db "$db" import -q --ladder 10M../10M "$DEMO" "$ROOT/tests/data/records" || return 1
    local post="Every track on Layover has now passed 80M streams on Spotify. Layover is the first and only album by a Korean solo artist to achieve this, and the fastest album by a K-pop male act (170 days)."
    serve_on "$db" seed || return 1
    local rc=0
    expect_eq "API claims" "$(get /api/v1/releases/layover | jq -r '.claims[] | select(.kind == "every_track" and .threshold == 80000000) | "\(.claim) \(.group_name) \(.scope)"')" \
        "first_and_only album by a Korean solo artist world
fastest album by a K-pop male act world" || rc=1
    [ $rc = 0 ] && { expect_eq "API: the release's own" "$(get /api/v1/releases/layover | jq -r '[.claims[] | .subject] | unique | join(",")')" layover || rc=1; }
    [ $rc = 0 ] && { contains "the page's post" "$(get /releases/layover)" "$post" || rc=1; }
    stop_serving
    [ $rc = 0 ] || return 1
    local b
    rm -rf "$WORK/cut" && mkdir -p "$WORK/cut/demo" "$WORK/cut/records" &&
        cp "$DEMO"/*.csv "$WORK/cut/demo/" && cp "$ROOT"/tests/data/records/*.csv "$WORK/cut/records/" || return 1
    for b in demo records; do
        awk -F, 'NR == 1 || $1 <= "2024-02-25"' "$WORK/cut/$b/streams.csv" >"$WORK/cut/s.csv" &&
            mv "$WORK/cut/s.csv" "$WORK/cut/$b/streams.csv" || return 1
    done
    db=$(new_store seed-day)
    check "import to that day" "$BIN" --db "$db" import -q --ladder 10M../10M "$WORK/cut/demo" "$WORK/cut/records" || return 1
    expect_eq "the feed of that day" "$("$BIN" --db "$db" feed --json | jq -r '.items[] | select(.title == "Layover: every track >= 80M") | .content_text')" "$post"
}

t_many_connections_and_a_slow_client() {
    local db; db=$(layover_db load) || { fail_msg="import failed"; return 1; }
    serve_on "$db" load || return 1
    local rc=0 i
    # a client that sends half a request and stalls must not hold the others up
    (exec 3<>/dev/tcp/127.0.0.1/"${URL##*:}"; printf 'GET /api/v1 HTTP/1.1\r\nHost: x\r\n' >&3; sleep 3) &
    local slow=$!
    for i in $(seq 1 40); do
        curl -s --max-time 10 -o /dev/null -w '%{http_code}\n' "$URL/api/v1/releases/layover" &
    done >"$WORK/load.codes"
    wait $(jobs -p | grep -v "^$slow$" | grep -v "^$SERVE_PID$") 2>/dev/null
    expect_eq "40 answers" "$(sort "$WORK/load.codes" | uniq -c | tr -s ' ')" " 40 200" || rc=1
    kill $slow 2>/dev/null
    stop_serving
    return $rc
}

# required_of SCHEMA: the required fields docs/openapi.yaml lists for it
required_of() {
    awk -v name="    $1:" '$0 == name {on = 1; next}
        on && /^    [A-Za-z]/ {exit}
        on && /required: \[/ {sub(/.*required: \[/, ""); sub(/\].*/, ""); gsub(/[ ,]+/, " "); print; exit}' \
        "$ROOT/docs/openapi.yaml"
}
# has_required WHAT SCHEMA JSON: JSON has every field SCHEMA requires
has_required() {
    local f fields; fields=$(required_of "$2")
    [ -n "$fields" ] || { fail_msg="no schema $2"; return 1; }
    for f in $fields; do
        [ "$(printf %s "$3" | jq --arg f "$f" 'has($f)')" = true ] || { fail_msg="$1: no '$f' ($2)"; return 1; }
    done
}

t_openapi_matches_the_server() {
    local db; db=$(layover_db openapi) || { fail_msg="import failed"; return 1; }
    serve_on "$db" openapi || return 1
    local rc=0 doc srv
    doc=$(sed -n 's|^  \(/[^:]*\):$|\1|p' "$ROOT/docs/openapi.yaml" | sort)
    srv=$( (echo /api/v1; get /api/v1 | jq -r '.endpoints[]') | sort)
    expect_eq "routes" "$doc" "$srv" || rc=1
    local ms; ms=$(get '/api/v1/milestones?limit=50')
    [ $rc = 0 ] && { has_required index Index "$(get /api/v1)" || rc=1; }
    [ $rc = 0 ] && { has_required release Subject "$(get /api/v1/releases/layover)" || rc=1; }
    [ $rc = 0 ] && { has_required artist Subject "$(get /api/v1/artists/v)" || rc=1; }
    [ $rc = 0 ] && { has_required series Series "$(get /api/v1/releases/layover/series)" || rc=1; }
    [ $rc = 0 ] && { has_required point Point "$(get /api/v1/releases/layover/series | jq -c '.points[-1]')" || rc=1; }
    [ $rc = 0 ] && { has_required page MilestonePage "$ms" || rc=1; }
    [ $rc = 0 ] && { has_required milestone Milestone "$(printf %s "$ms" | jq -c '.milestones[0]')" || rc=1; }
    [ $rc = 0 ] && { has_required claim Claim "$(printf %s "$ms" | jq -c '[.milestones[].claims[]][0]')" || rc=1; }
    [ $rc = 0 ] && { has_required record Milestone "$(get /api/v1/records | jq -c '.[0]')" || rc=1; }
    [ $rc = 0 ] && { has_required forecasts ForecastPage "$(get '/api/v1/forecasts?within=30')" || rc=1; }
    [ $rc = 0 ] && { has_required forecast Forecast "$(get '/api/v1/forecasts?within=30' | jq -c '.forecasts[0]')" || rc=1; }
    [ $rc = 0 ] && { has_required search Search "$(get '/api/v1/search?q=v')" || rc=1; }
    [ $rc = 0 ] && { has_required feed JsonFeed "$(get /feed.json)" || rc=1; }
    [ $rc = 0 ] && { has_required error Error "$(get /api/v1/tracks/nope)" || rc=1; }
    stop_serving
    return $rc
}

run_tests "$@"
