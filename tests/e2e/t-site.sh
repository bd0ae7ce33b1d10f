#!/bin/bash
# e2e, `trackrecord site`: the static site of the bundled Layover data (beside
# tests/data/records): its files, its relative links, its figures against
# `show --json`, the incremental rewrite.  The pages in a browser: tests/browser/.
# Run: tests/e2e/t-site.sh [-i] [-x] [TEST...]  (see tests/e2e/lib.sh)
. "$(dirname "$0")/lib.sh"

# demo_db NAME [UNTIL]: the demo and the records fixture, play counts up to UNTIL
demo_db() {
    local dir=$WORK/$1 db; db=$(new_store "$1")
    rm -rf "$dir"
    mkdir -p "$dir"
    cp "$DEMO"/*.csv "$dir"/
    if [ -n "${2:-}" ]; then
        awk -F, -v d="$2" 'NR == 1 || $1 <= d' "$DEMO/streams.csv" >"$dir/streams.csv"
    fi
    "$BIN" --db "$db" import -q --ladder every_track=10M../10M "$dir" "$ROOT/tests/data/records" >/dev/null || return 1
    echo "$db"
}
# the number in data-figure="NAME" of a page
figure() { grep -o "data-figure=\"$2\" data-v=\"[0-9-]*\"" "$1" | head -1 | grep -o '[0-9-]*"$' | tr -d '"'; }

t_every_subject_has_a_page() {
    local db; db=$(demo_db all) || { fail_msg="import failed"; return 1; }
    "$BIN" --db "$db" site -q "$WORK/site" || { fail_msg="site failed"; return 1; }
    local stats; stats=$("$BIN" --db "$db" stats)
    local tracks releases artists
    tracks=$(ls "$WORK/site/tracks" | wc -l); releases=$(ls "$WORK/site/releases" | wc -l)
    artists=$(ls "$WORK/site/artists" | wc -l)
    contains "tracks" "$stats" "$artists artists, $releases releases, $tracks tracks" || return 1
    for f in index.html assets/app.js assets/style.css assets/uplot.js assets/uplot.css; do
        [ -s "$WORK/site/$f" ] || { fail_msg="no $f"; return 1; }
    done
}

t_links_are_relative_and_lead_somewhere() {
    local db; db=$(demo_db links) || { fail_msg="import failed"; return 1; }
    "$BIN" --db "$db" site -q "$WORK/links" || { fail_msg="site failed"; return 1; }
    local page broken=0 n=0
    for page in "$WORK/links/index.html" "$WORK/links/releases/layover.html" "$WORK/links/artists/v.html"; do
        for href in $(grep -o 'href="[^"]*"' "$page" | sed 's/href="//; s/"$//'); do
            case "$href" in data:*) continue ;; /*|http:*|https:*) fail_msg="$page: absolute link $href"; return 1 ;; esac
            n=$((n + 1))
            [ -e "$(dirname "$page")/$href" ] || { broken=$((broken + 1)); echo "broken: $page -> $href" >&2; }
        done
    done
    [ "$n" -gt 10 ] || { fail_msg="only $n links"; return 1; }
    expect_eq "broken links" "$broken" 0
}

t_figures_are_the_stores() {
    local db; db=$(demo_db figures) || { fail_msg="import failed"; return 1; }
    "$BIN" --db "$db" site -q "$WORK/fig" || { fail_msg="site failed"; return 1; }
    expect_eq "Layover's total" "$(figure "$WORK/fig/releases/layover.html" total)" \
        "$("$BIN" --db "$db" show --json layover | jq .total)" || return 1
    local t; t=$("$BIN" --db "$db" show --json layover | jq -r '.tracks[0].id')
    expect_eq "a track's total" "$(figure "$WORK/fig/tracks/$t.html" total)" \
        "$("$BIN" --db "$db" show --json "$t" | jq .total)" || return 1
    # the slowest track is named as the one that holds the release back
    local slow; slow=$("$BIN" --db "$db" show --json layover | jq -r '.tracks | min_by(.total) | .title')
    contains "slowest" "$(grep -o 'class="slowest">.*holds it back' "$WORK/fig/releases/layover.html")" "$slow"
}

t_a_rerun_writes_only_what_changed() {
    local db; db=$(demo_db inc 2025-08-01) || { fail_msg="import failed"; return 1; }
    local out; out=$("$BIN" --db "$db" site "$WORK/inc") || { fail_msg="site failed"; return 1; }
    local files; files=$(printf '%s' "$out" | awk '{print $2}')
    out=$("$BIN" --db "$db" site "$WORK/inc")
    contains "nothing changed" "$out" "$files files, 0 written" || return 1
    # a later day for Layover's tracks: their pages, Layover's, V's and the home page change
    awk -F, 'NR == 1 || $1 > "2025-08-01"' "$DEMO/streams.csv" >"$WORK/later.csv"
    "$BIN" --db "$db" import -q "$WORK/later.csv" >/dev/null || { fail_msg="later import failed"; return 1; }
    out=$("$BIN" --db "$db" site "$WORK/inc")
    local written; written=$(printf '%s' "$out" | awk '{print $4}')
    [ "$written" -gt 6 ] && [ "$written" -lt "$files" ] || { fail_msg="written $written of $files"; return 1; }
    contains "Layover rewritten" "$(cat "$WORK/inc/releases/layover.html")" "data to 2025-08-08" || return 1
    # --full rewrites everything
    out=$("$BIN" --db "$db" site --full "$WORK/inc")
    contains "full" "$out" "$files files, $files written"
}

t_usage() {
    local none; none=$(new_store none)
    "$BIN" --db "$none" site >/dev/null 2>&1; expect_eq "no directory" $? 2 || return 1
    "$BIN" --db "$none" site "$WORK/x" >/dev/null 2>&1; expect_eq "no store" $? 1 || return 1
    local db; db=$(demo_db usage) || return 1
    : >"$WORK/file"
    "$BIN" --db "$db" site "$WORK/file" >/dev/null 2>&1; expect_eq "not a directory" $? 1
}

run_tests "$@"
