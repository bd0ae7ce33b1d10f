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
# the JSON of a data shard (a script that files it under window.TR_DATA)
shard() { sed 's/^(window\.TR_DATA=window\.TR_DATA||{})\["[^"]*"\]=//; s/;$//' "$1"; }
# page SITE TYPE NAME [EXT]: the file of a subject, TYPE/BBB/NAME.html (BBB:
# its folder, the FNV-1a hash of NAME modulo 1024 in hex, as app.js has it)
page() {
    local h=2166136261 i c
    for ((i = 0; i < ${#3}; i++)); do
        printf -v c '%d' "'${3:i:1}"
        h=$(( ((h ^ c) * 16777619) & 0xffffffff ))
    done
    printf '%s/%s/%03x/%s%s\n' "$1" "$2" $((h % 1024)) "$3" "${4:-.html}"
}
# the subjects' pages of a site
pages() { find "$1/tracks" "$1/releases" "$1/artists" -name '*.html' | wc -l; }

t_every_subject_has_a_page() {
    local db; db=$(demo_db all) || { fail_msg="import failed"; return 1; }
    "$BIN" --db "$db" site -q "$WORK/site" || { fail_msg="site failed"; return 1; }
    local stats; stats=$("$BIN" --db "$db" stats)
    local tracks releases artists
    tracks=$(find "$WORK/site/tracks" -name '*.html' | wc -l)
    releases=$(find "$WORK/site/releases" -name '*.html' | wc -l)
    artists=$(find "$WORK/site/artists" -name '*.html' | wc -l)
    contains "tracks" "$stats" "$artists artists, $releases releases, $tracks tracks" || return 1
    for f in index.html assets/app.js assets/style.css assets/uplot.js assets/uplot.css \
             data/tracks/0.js data/releases/0.js data/artists/0.js; do
        [ -s "$WORK/site/$f" ] || { fail_msg="no $f"; return 1; }
    done
}

t_links_are_relative_and_lead_somewhere() {
    local db; db=$(demo_db links) || { fail_msg="import failed"; return 1; }
    "$BIN" --db "$db" site -q "$WORK/links" || { fail_msg="site failed"; return 1; }
    local page broken=0 n=0
    for page in "$WORK/links/index.html" "$(page "$WORK/links" releases layover)" "$(page "$WORK/links" artists v)" \
                "$(page "$WORK/links" artists v .feed.atom)"; do
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
    local show; show=$("$BIN" --db "$db" show --json layover)
    local rel; rel=$(shard "$WORK/fig/data/releases/0.js")
    expect_eq "Layover's total" "$(jq .s.layover.total <<<"$rel")" "$(jq .total <<<"$show")" || return 1
    expect_eq "Layover's track totals" "$(jq -c '[.s.layover.rows[][0]]' <<<"$rel")" "$(jq -c '[.tracks[].total]' <<<"$show")" || return 1
    # a track's total: the last point of its series' tail
    local t; t=$(jq -r '.tracks[0].id' <<<"$show")
    expect_eq "a track's total" "$(shard "$WORK/fig/data/tracks/0.js" | jq --arg t "$t" '.s[$t].tail | .y0 + (.dy | add)')" \
        "$("$BIN" --db "$db" show --json "$t" | jq .total)" || return 1
    # the slowest track is the one that holds the release back
    expect_eq "slowest" "$(jq -r --argjson k "$(jq .s.layover.slow <<<"$rel")" '.tracks[$k].title' <<<"$show")" \
        "$(jq -r '.tracks | min_by(.total) | .title' <<<"$show")" || return 1
    # the page names its tracks and loads its shard; its figures are not in its HTML
    local page; page=$(cat "$(page "$WORK/fig" releases layover)")
    contains "shard script" "$page" '<script src="../../data/releases/0.js">' || return 1
    contains "tracks listed" "$page" "$(jq -r '.tracks | min_by(.total) | .title' <<<"$show")" || return 1
    if grep -q "data-figure=\"total\"" "$(page "$WORK/fig" releases layover)"; then
        fail_msg="a daily figure in the static page's HTML"; return 1
    fi
}

t_a_rerun_writes_only_what_changed() {
    local db; db=$(demo_db inc 2025-08-01) || { fail_msg="import failed"; return 1; }
    local out; out=$("$BIN" --db "$db" site "$WORK/inc") || { fail_msg="site failed"; return 1; }
    local files; files=$(printf '%s' "$out" | awk '{print $2}')
    out=$("$BIN" --db "$db" site "$WORK/inc")
    contains "nothing changed" "$out" "$files files, 0 written" || return 1
    # a later week for Layover's tracks: the data shards (3) and the home page
    # change, and the pages of those subjects whose tail day came round
    awk -F, 'NR == 1 || $1 > "2025-08-01"' "$DEMO/streams.csv" >"$WORK/later.csv"
    "$BIN" --db "$db" import -q "$WORK/later.csv" >/dev/null || { fail_msg="later import failed"; return 1; }
    out=$("$BIN" --db "$db" site "$WORK/inc")
    local written; written=$(printf '%s' "$out" | awk '{print $4}')
    [ "$written" -ge 4 ] && [ "$written" -lt "$files" ] || { fail_msg="written $written of $files"; return 1; }
    expect_eq "the shards' day" "$(shard "$WORK/inc/data/releases/0.js" | jq .asof)" \
        $(( $(date -u -d 2025-08-08 +%s) / 86400 )) || return 1
    # one more day without a milestone: the shards, the home page and the few
    # pages whose tail day came round, nothing else
    local n_pages; n_pages=$(pages "$WORK/inc")
    awk -F, 'NR == 1 { print; next } $1 == "2025-08-08" { OFS = ","; $1 = "2025-08-09"; $NF = $NF + 1000; print }' \
        "$DEMO/streams.csv" >"$WORK/next.csv"
    "$BIN" --db "$db" import -q "$WORK/next.csv" >/dev/null || { fail_msg="next day's import failed"; return 1; }
    out=$("$BIN" --db "$db" site "$WORK/inc")
    written=$(printf '%s' "$out" | awk '{print $4}')
    [ "$written" -ge 4 ] && [ "$written" -le $((4 + n_pages / 32 + 2)) ] ||
        { fail_msg="a quiet day wrote $written files ($n_pages pages)"; return 1; }
    # --full trusts no manifest: it writes the files whose bytes differ from
    # the file there (here: one page changed by hand, one file removed)
    local home; home=$(page "$WORK/inc" releases layover)
    echo "changed" >>"$home"
    rm "$WORK/inc/assets/app.js"
    out=$("$BIN" --db "$db" site "$WORK/inc")
    contains "the manifest trusted" "$out" "$files files, 0 written" || return 1
    out=$("$BIN" --db "$db" site --full "$WORK/inc")
    contains "full" "$out" "$files files, 2 written" || return 1
    "$BIN" --db "$db" site -q "$WORK/inc.fresh" || { fail_msg="fresh site failed"; return 1; }
    cmp -s "$home" "$(page "$WORK/inc.fresh" releases layover)" && cmp -s "$WORK/inc/assets/app.js" "$WORK/inc.fresh/assets/app.js" ||
        { fail_msg="--full did not restore the files"; return 1; }
}

# same_as_fresh SITE DB WHEN: SITE holds, file for file, what a fresh site of DB
# writes into an empty directory (the manifest aside)
same_as_fresh() {
    rm -rf "$1.fresh"
    "$BIN" --db "$2" site -q "$1.fresh" || { fail_msg="$3: the fresh site failed"; return 1; }
    local d; d=$(diff -rq "$1" "$1.fresh" | head -5)
    [ -z "$d" ] || { fail_msg="$3: the incremental site is not a fresh one: $d"; return 1; }
}

# A daily run carries the digest of each page's past points from the last
# run when the store says that nothing before the page's tail day was
# written since (docs/dashboard.md); anything else digests them again.  Each
# step's incremental site must be the fresh site of the same store.
t_an_incremental_site_is_a_fresh_one() {
    local db; db=$(demo_db carry 2025-07-01) || { fail_msg="import failed"; return 1; }
    "$BIN" --db "$db" site -q "$WORK/carry.site" || { fail_msg="site failed"; return 1; }
    # 32 days, a daily import and site each: every page's tail day comes
    # round once (a page left as it was when its tail moved stays so)
    local day k
    for k in $(seq 1 32); do
        day=$(date -u -d "2025-07-01 + $k days" +%F)
        awk -F, -v d="$day" 'NR == 1 || $1 == d' "$DEMO/streams.csv" >"$WORK/day.csv"
        "$BIN" --db "$db" import -q "$WORK/day.csv" >/dev/null || { fail_msg="import of $day failed"; return 1; }
        "$BIN" --db "$db" site -q "$WORK/carry.site" || { fail_msg="site of $day failed"; return 1; }
        [ "$k" -gt 1 ] || same_as_fresh "$WORK/carry.site" "$db" "after $day" || return 1
    done
    same_as_fresh "$WORK/carry.site" "$db" "after $day" || return 1
    # a correction of old days (before every page's tail day): one stream
    # more for a Layover track from 2025-05-01 on, no milestone moved
    local track=0SftJDguUa1F5SsQwwkLw4 before; before=$(ls -l --time-style=+%s.%N "$(page "$WORK/carry.site" releases layover)")
    awk -F, -v t="$track" 'NR == 1 { print; next } $1 >= "2025-05-01" && $1 <= "2025-08-02" && $2 == t {
        OFS = ","; $3 = $3 + 1; print }' "$DEMO/streams.csv" >"$WORK/fix.csv"
    "$BIN" --db "$db" import -q "$WORK/fix.csv" >/dev/null || { fail_msg="the correction failed"; return 1; }
    "$BIN" --db "$db" site -q "$WORK/carry.site" || { fail_msg="site after the correction failed"; return 1; }
    same_as_fresh "$WORK/carry.site" "$db" "after a correction of old days" || return 1
    [ "$(ls -l --time-style=+%s.%N "$(page "$WORK/carry.site" releases layover)")" != "$before" ] ||
        { fail_msg="the correction did not rewrite Layover's page"; return 1; }
    # a catalog change that moves past points with no day written: a third
    # track on the pre-release (its totals gain that track's counts); a
    # carried digest would be the old points' (the manifest, compared too,
    # would keep it)
    { cat "$DEMO/tracklist.csv"; echo "layover-pre,3,2UU11hvjN1JIn4iihEodNT"; } >"$WORK/tracklist.csv"
    "$BIN" --db "$db" import -q "$WORK/tracklist.csv" >/dev/null || { fail_msg="the catalog change failed"; return 1; }
    "$BIN" --db "$db" site -q "$WORK/carry.site" || { fail_msg="site after the catalog change failed"; return 1; }
    same_as_fresh "$WORK/carry.site" "$db" "after a catalog change" || return 1
    # the next day again carries
    awk -F, 'NR == 1 || $1 == "2025-08-03"' "$DEMO/streams.csv" >"$WORK/day.csv"
    "$BIN" --db "$db" import -q "$WORK/day.csv" >/dev/null || { fail_msg="import of 2025-08-03 failed"; return 1; }
    "$BIN" --db "$db" site -q "$WORK/carry.site" || { fail_msg="site of 2025-08-03 failed"; return 1; }
    same_as_fresh "$WORK/carry.site" "$db" "after 2025-08-03" || return 1
    # a site written from another store (the same files imported apart,
    # then the correction there alone) carries nothing of it
    local one other
    one=$(demo_db carry-one 2025-07-01) && other=$(demo_db carry-other 2025-07-01) || { fail_msg="import failed"; return 1; }
    "$BIN" --db "$one" site -q "$WORK/elsewhere.site" || { fail_msg="site failed"; return 1; }
    awk -F, -v t="$track" 'NR == 1 { print; next } $1 >= "2025-05-01" && $1 <= "2025-07-01" && $2 == t {
        OFS = ","; $3 = $3 + 2; print }' "$DEMO/streams.csv" >"$WORK/fix2.csv"
    "$BIN" --db "$other" import -q "$WORK/fix2.csv" >/dev/null || { fail_msg="the other correction failed"; return 1; }
    "$BIN" --db "$other" site -q "$WORK/elsewhere.site" || { fail_msg="site of the other store failed"; return 1; }
    same_as_fresh "$WORK/elsewhere.site" "$other" "a site of another store" || return 1
}

# A run removes the files the last run's manifest lists that it did not
# make (here: the subjects of the records fixture, gone from the catalog of
# a store without it, and their shards), and nothing else.
t_files_no_longer_in_the_site_are_removed() {
    local big small; big=$(demo_db stale-big) || { fail_msg="import failed"; return 1; }
    small=$(new_store stale-small)
    "$BIN" --db "$small" import -q --ladder every_track=10M../10M "$DEMO" >/dev/null || { fail_msg="import failed"; return 1; }
    "$BIN" --db "$big" site -q "$WORK/stale" || { fail_msg="site failed"; return 1; }
    local before; before=$(pages "$WORK/stale")
    # a file of the user's beside the site's, in its folders and in one of
    # the site's own names' folders
    echo mine >"$WORK/stale/notes.txt"
    local bucket; bucket=$(dirname "$(page "$WORK/stale" releases layover)")
    echo mine >"$bucket/mine.html"
    local out; out=$("$BIN" --db "$small" site "$WORK/stale") || { fail_msg="second site failed"; return 1; }
    local removed; removed=$(printf '%s' "$out" | awk '{print $(NF - 1)}')
    local after; after=$(pages "$WORK/stale")
    [ "$removed" -gt 0 ] && [ "$after" -lt "$before" ] || { fail_msg="removed $removed, pages $before -> $after"; return 1; }
    expect_eq "the user's files" "$(cat "$WORK/stale/notes.txt" "$bucket/mine.html")" "$(printf 'mine\nmine')" || return 1
    rm "$WORK/stale/notes.txt" "$bucket/mine.html"
    same_as_fresh "$WORK/stale" "$small" "a smaller catalog" || return 1
    # and back: the pages come again; a third run removes nothing
    "$BIN" --db "$big" site -q "$WORK/stale" || { fail_msg="third site failed"; return 1; }
    same_as_fresh "$WORK/stale" "$big" "the catalog again" || return 1
    out=$("$BIN" --db "$big" site "$WORK/stale")
    contains "nothing removed" "$out" "0 written" || return 1
    contains "nothing removed" "$out" ", 0 removed"
}

# Each artist has its Atom feed beside its page, the bytes of the served
# feed but for the links, which lead to the site's files; the page names it.
t_each_artist_has_its_feed() {
    local db; db=$(demo_db afeeds) || { fail_msg="import failed"; return 1; }
    "$BIN" --db "$db" site -q "$WORK/afeeds" || { fail_msg="site failed"; return 1; }
    local atom; atom=$(page "$WORK/afeeds" artists v .feed.atom)
    [ -s "$atom" ] || { fail_msg="no feed of v"; return 1; }
    contains "the page's link" "$(cat "$(page "$WORK/afeeds" artists v)")" \
        "href=\"../../${atom#"$WORK/afeeds/"}\"" || return 1
    local n; n=$(grep -c '<entry>' "$atom")
    [ "$n" -gt 0 ] || { fail_msg="v's feed has no entries"; return 1; }
    # every link of the feed leads to a file of the site, itself among them
    local href broken=0
    for href in $(grep -o 'href="[^"]*"' "$atom" | sed 's/href="//; s/"$//'); do
        [ -e "$(dirname "$atom")/$href" ] || { broken=$((broken + 1)); echo "broken: $href" >&2; }
    done
    expect_eq "broken feed links" "$broken" 0 || return 1
    # the feed serve answers (as `feed` writes it), its links aside
    local served; served=$("$BIN" --db "$db" feed --atom --artist v) || { fail_msg="feed failed"; return 1; }
    expect_eq "the served feed" "$(grep -v 'href=' "$atom")" "$(printf '%s\n' "$served" | grep -v 'href=')" || return 1
    # a rerun leaves it as it was
    local before; before=$(md5sum <"$atom")
    "$BIN" --db "$db" site -q "$WORK/afeeds"
    expect_eq "a rerun's feed" "$(md5sum <"$atom")" "$before"
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
