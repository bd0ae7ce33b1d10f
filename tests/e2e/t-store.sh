#!/bin/bash
# e2e, the store's files: the catalog and checkpoint files beside it, a store of an earlier build, the journal mode, the event log.
# Run: tests/e2e/t-store.sh [-i] [-x] [TEST...]  (see tests/e2e/lib.sh)
. "$(dirname "$0")/lib.sh"

t_catalog_file() {
    # the catalog snapshot lives beside the store, one file a generation,
    # written when the catalog changes; a missing or damaged one reads as
    # none (the tables are read, in the catalog's order: the store's events
    # name subjects by their place in it) and the next import writes it again
    needs_sqlite || return 0
    local db; db=$(new_store cat)
    check "import" "$BIN" --db "$db" import -q --ladder 10M../10M "$DEMO" || return 1
    local part
    for part in 1 2; do
        printf 'id,title,artists,released,same_as,version_of
new%s,New %s,v,2025-01-0%s,,\n' \
            "$part" "$part" "$part" >"$WORK/t.csv"
        check "import track $part" "$BIN" --db "$db" import -q "$WORK/t.csv" || return 1
    done
    # and an artist and a release changed in place (the first of each: their
    # rows must keep their places, the order the tables are read in below)
    sed 's/^v,V,KR,solo,male,k-pop;r&b,/v,V,KR,solo,male,k-pop;r\&b;soul,/' "$DEMO/artists.csv" >"$WORK/artists.csv"
    sed 's/^layover-pre,Layover (pre-release),/layover-pre,Layover (Pre-release),/' "$DEMO/releases.csv" \
        >"$WORK/releases.csv"
    check "import changed" "$BIN" --db "$db" import -q "$WORK/artists.csv" "$WORK/releases.csv" "$WORK/t.csv" || return 1
    contains "changed" "$("$BIN" --db "$db" show v)" "soul" || return 1
    expect_eq "two generations kept" "$(cd "$WORK" && ls cat.db-catalog.* | tr '\n' ' ')" \
        "cat.db-catalog.3 cat.db-catalog.4 " || return 1
    expect_eq "no blob in the table" "$(sqlite3 "$db" 'SELECT count(*) FROM catalog_snapshot')" 0 || return 1
    local want; want=$("$BIN" --db "$db" show new2 --json)
    contains "the new track" "$want" '"New 2"' || return 1
    local view; view=$("$BIN" --db "$db" records --json)
    # play counts alone leave the catalog and its file as they were
    printf 'date,track,streams\n2025-09-01,5h1BN75CEh8wdSwE1xrbSe,9990000000\n' >"$WORK/p.csv"
    check "import counts" "$BIN" --db "$db" import -q "$WORK/p.csv" || return 1
    expect_eq "unchanged" "$(cd "$WORK" && ls cat.db-catalog.* | tr '\n' ' ')" \
        "cat.db-catalog.3 cat.db-catalog.4 " || return 1
    view=$("$BIN" --db "$db" records --json)
    # the engine's preparation is kept beside the catalog it was made for;
    # every milestone computed afresh is the same with it, without it, and
    # with one made for another catalog
    expect_eq "prep kept" "$(cd "$WORK" && ls cat.db-prep.* | tr '\n' ' ')" "cat.db-prep.3 cat.db-prep.4 " || return 1
    # a catalog file that changes nothing takes the kept one too
    head -1 "$DEMO/tracks.csv" >"$WORK/none.csv"
    check "import no change" "$BIN" --db "$db" import -q "$WORK/none.csv" || return 1
    expect_eq "prep as it was" "$(cd "$WORK" && ls cat.db-prep.* | tr '\n' ' ')" "cat.db-prep.3 cat.db-prep.4 " || return 1
    expect_eq "prep for the catalog" "$(sqlite3 "$db" "SELECT value FROM meta WHERE key = 'prep_catalog'")" 4 || return 1
    local computed; computed=$("$BIN" --db "$db" milestones --ladder 10M../10M --csv)
    contains "computed" "$computed" "layover" || return 1
    sqlite3 "$db" "UPDATE meta SET value = '3' WHERE key = 'prep_catalog'"
    expect_eq "prep of another catalog" "$("$BIN" --db "$db" milestones --ladder 10M../10M --csv)" "$computed" || return 1
    sqlite3 "$db" "UPDATE meta SET value = '4' WHERE key = 'prep_catalog'"
    mv "$db-prep.4" "$WORK/prep.keep"
    expect_eq "no prep" "$("$BIN" --db "$db" milestones --ladder 10M../10M --csv)" "$computed" || return 1
    mv "$WORK/prep.keep" "$db-prep.4"
    # damaged: one byte changed in the middle, then missing altogether
    local f=$db-catalog.4 size
    size=$(stat -c %s "$f")
    printf 'X' | dd of="$f" bs=1 seek=$((size / 2)) conv=notrunc status=none
    expect_eq "damaged: show" "$("$BIN" --db "$db" show new2 --json)" "$want" || return 1
    expect_eq "damaged: records" "$("$BIN" --db "$db" records --json)" "$view" || return 1
    rm -f "$db"-catalog.*
    expect_eq "missing: show" "$("$BIN" --db "$db" show new2 --json)" "$want" || return 1
    expect_eq "missing: records" "$("$BIN" --db "$db" records --json)" "$view" || return 1
    expect_eq "a reader writes none" "$(cd "$WORK" && ls cat.db-catalog.* 2>/dev/null)" "" || return 1
    check "import after" "$BIN" --db "$db" import -q "$WORK/p.csv" || return 1
    expect_eq "written again" "$(cd "$WORK" && ls cat.db-catalog.* | tr '\n' ' ')" "cat.db-catalog.5 " || return 1
    expect_eq "then read" "$("$BIN" --db "$db" show new2 --json)" "$want"
}

t_rows_out_of_place_are_put_back() {
    # a store of a build before the rows were upserts: a changed artist's
    # row moved to the end (a new rowid). The first import puts the rows
    # back in the catalog's order, so that losing the catalog file later
    # still reads every artist at its place
    needs_sqlite || return 0
    local db; db=$(new_store rows)
    check "import" "$BIN" --db "$db" import -q --ladder 10M../10M "$DEMO" || return 1
    local want; want=$("$BIN" --db "$db" records --json)
    sqlite3 "$db" "UPDATE artists SET rowid = 1000 WHERE id = 'v'; DELETE FROM meta WHERE key = 'rows_in_order'" || return 1
    head -1 "$DEMO/tracks.csv" >"$WORK/none.csv"
    check "an import" "$BIN" --db "$db" import -q "$WORK/none.csv" || return 1
    expect_eq "in order" "$(sqlite3 "$db" "SELECT group_concat(id) FROM (SELECT id FROM artists ORDER BY rowid)")" "v,bts" || return 1
    expect_eq "done once" "$(sqlite3 "$db" "SELECT value FROM meta WHERE key = 'rows_in_order'")" 1 || return 1
    rm -f "$db"-catalog.*
    expect_eq "the file lost: records" "$("$BIN" --db "$db" records --json)" "$want"
}

t_every_write_is_recorded() {
    # meta.changes (store/changes.c): each write transaction that wrote play
    # counts or the catalog leaves one line, "STATE FIRST-DAY CATALOG", with
    # the earliest day whose counts it wrote; the site carries its pages'
    # past across a change by these lines, so one missing is a stale page
    needs_sqlite || return 0
    local db; db=$(new_store changes)
    changes() { sqlite3 "$1" "SELECT value FROM meta WHERE key = 'changes'" | awk 'NF { print $2, $3 }' | tr '\n' ';'; }
    day() { echo $(( $(date -ud "$1" +%s) / 86400 )); }
    check "import" "$BIN" --db "$db" import -q "$DEMO" || return 1
    local base; base="$(day 2023-08-11) 1;"
    expect_eq "the first import" "$(changes "$db")" "$base" || return 1
    printf 'date,track,streams\n2025-08-09,4HAOgAnILvXCbSODMoRnmD,189500000\n' >"$WORK/next.csv"
    check "the next day" "$BIN" --db "$db" import -q "$WORK/next.csv" || return 1
    base="$base$(day 2025-08-09) 0;"
    expect_eq "a daily import: its day" "$(changes "$db")" "$base" || return 1
    check "again" "$BIN" --db "$db" import -q "$WORK/next.csv" || return 1
    check "the demo again" "$BIN" --db "$db" import -q "$DEMO" || return 1
    expect_eq "nothing new: no line" "$(changes "$db")" "$base" || return 1
    # a day within the history: the days after it are encoded again, and it
    # is the earliest written
    printf 'date,track,streams\n2024-08-09,4HAOgAnILvXCbSODMoRnmD,120000001\n' >"$WORK/fix.csv"
    check "a correction" "$BIN" --db "$db" import -q "$WORK/fix.csv" || return 1
    base="$base$(day 2024-08-09) 0;"
    expect_eq "a correction: its day" "$(changes "$db")" "$base" || return 1
    printf 'id,title,artists,released,same_as,version_of\nnew1,New 1,v,2025-01-01,,\n' >"$WORK/t.csv"
    check "a track" "$BIN" --db "$db" import -q "$WORK/t.csv" || return 1
    base="$base- 1;"
    expect_eq "the catalog alone" "$(changes "$db")" "$base" || return 1
    printf 'date,track,streams\n2025-08-10,4HAOgAnILvXCbSODMoRnmD,190000000\n2025-08-10,nope,1\nx,y\n' >"$WORK/bad.csv"
    "$BIN" --db "$db" import -q "$WORK/bad.csv" >/dev/null 2>&1
    expect_eq "a failed import: no line" "$(changes "$db")" "$base" || return 1
    # a copy is a store of its own: a state of its own, never the source's
    local to; to=$(new_store changes-copy)
    check "copy" "$BIN" --db "$db" copy --to "$to" || return 1
    expect_eq "the copy's one change: all of it" "$(changes "$to")" "$(day 2023-08-11) 1;" || return 1
    lacks "the copy's state" "$(sqlite3 "$db" "SELECT value FROM meta WHERE key = 'changes'")" \
        "$(sqlite3 "$to" "SELECT value FROM meta WHERE key = 'changes'" | cut -c1-16)"
}

t_store_of_an_earlier_build() {
    # tests/data/legacy: a store whose catalog snapshot is a blob in its
    # table (packed layout); it reads as a store written now, and the first
    # import moves the snapshot to a file
    needs_sqlite || return 0
    local old new
    old=$(new_store old); new=$(new_store new)
    gunzip -c "$ROOT/tests/data/legacy/store.db.gz" >"$old"
    cp "$ROOT/tests/data/legacy/store.db-checkpoint.1" "$old-checkpoint.1"
    # the old store was made from the bundle before it declared its coverage
    rm -rf "$WORK/records-then" && mkdir "$WORK/records-then" &&
        cp "$ROOT"/tests/data/records/*.csv "$WORK/records-then/" && rm "$WORK/records-then/coverage.csv"
    check "import now" "$BIN" --db "$new" import -q --ladder 10M../10M "$WORK/records-then" || return 1
    local cmd
    for cmd in "records --json" "milestones --csv" "show nova7-road --json" "stats --json"; do
        # shellcheck disable=SC2086
        # (the series' bytes apart: a store written now seals each blob)
        expect_eq "$cmd" "$("$BIN" --db "$old" $cmd | sed 's/old\.db/X/g' | grep -v 'bytes')" \
            "$("$BIN" --db "$new" $cmd | sed 's/new\.db/X/g' | grep -v 'bytes')" || return 1
    done
    expect_eq "a reader writes none" "$(cd "$WORK" && ls old.db-catalog.* 2>/dev/null)" "" || return 1
    head -1 "$ROOT/tests/data/records/artists.csv" >"$WORK/none.csv"
    check "import into it" "$BIN" --db "$old" import -q "$WORK/none.csv" || return 1
    expect_eq "moved to a file" "$(cd "$WORK" && ls old.db-catalog.* | tr '\n' ' ')" "old.db-catalog.1 " || return 1
    expect_eq "no blob in the table" "$(sqlite3 "$old" 'SELECT count(*) FROM catalog_snapshot')" 0 || return 1
    expect_eq "same records after" "$("$BIN" --db "$old" records --json)" "$("$BIN" --db "$new" records --json)"
}

t_checkpoint_file() {
    # the engine's checkpoint lives beside the store, one file a generation;
    # the store works without it (read as none: claims the same, the next
    # import scans every day and writes it again)
    needs_sqlite || return 0
    local db; db=$(new_store ckpt)
    check "import" "$BIN" --db "$db" import -q --ladder 10M../10M "$DEMO" "$ROOT/tests/data/records" || return 1
    local part
    for part in 2025-09 2025-10 2025-11; do
        printf 'date,track,streams\n%s-01,5h1BN75CEh8wdSwE1xrbSe,99%s000000\n' "$part" "${part#2025-}" >"$WORK/p.csv"
        check "import $part" "$BIN" --db "$db" import -q "$WORK/p.csv" || return 1
    done
    local files; files=$(cd "$WORK" && ls ckpt.db-checkpoint.* | tr '\n' ' ')
    expect_eq "two generations kept" "$files" "ckpt.db-checkpoint.3 ckpt.db-checkpoint.4 " || return 1
    expect_eq "covered" "$("$BIN" --db "$db" stats --json | jq -r .scanned_to)" "2025-11-01" || return 1
    local claims; claims=$("$BIN" --db "$db" records --json)
    # a refused import writes none
    printf 'date,track,streams\n2025-12-01,5h1BN75CEh8wdSwE1xrbSe,-5\n' >"$WORK/bad.csv"
    "$BIN" --db "$db" import -q "$WORK/bad.csv" 2>/dev/null && return 1
    expect_eq "unchanged" "$(cd "$WORK" && ls ckpt.db-checkpoint.* | tr '\n' ' ')" "$files" || return 1
    rm -f "$db"-checkpoint.*
    expect_eq "none" "$("$BIN" --db "$db" stats --json | jq -r .scanned_to)" null || return 1
    expect_eq "claims without it" "$("$BIN" --db "$db" records --json)" "$claims" || return 1
    printf 'date,track,streams\n2025-12-01,5h1BN75CEh8wdSwE1xrbSe,9990000000\n' >"$WORK/p.csv"
    check "import after" "$BIN" --db "$db" import -q "$WORK/p.csv" || return 1
    expect_eq "written again" "$("$BIN" --db "$db" stats --json | jq -r .scanned_to)" "2025-12-01"
}

t_first_write_returns_to_wal() {
    # the first write of series goes through a rollback journal (its pages
    # written once), and the store is back in WAL mode when it ends, after
    # a refused import as after a taken one; with another connection open
    # the switch is refused and the import goes through the WAL
    needs_sqlite || return 0
    local db; db=$(new_store first)
    printf 'date,track,streams\n2025-12-01,5h1BN75CEh8wdSwE1xrbSe,-5\n' >"$WORK/bad.csv"
    "$BIN" --db "$db" import -q --add-tracks "$WORK/bad.csv" 2>/dev/null && return 1
    expect_eq "refused: WAL" "$(sqlite3 "$db" 'PRAGMA journal_mode')" wal || return 1
    check "import" "$BIN" --db "$db" import -q --ladder 10M../10M "$DEMO" || return 1
    expect_eq "taken: WAL" "$(sqlite3 "$db" 'PRAGMA journal_mode')" wal || return 1
    [ ! -e "$db-journal" ] || { fail_msg="a rollback journal was left behind"; return 1; }
    expect_eq "taken: the demo's milestones" "$("$BIN" --db "$db" stats --json | jq .milestones)" \
        "$("$BIN" --db "$(layover_db first_ref)" stats --json | jq .milestones)" || return 1
    local busy; busy=$(new_store busy)
    check "a catalog alone" "$BIN" --db "$busy" import -q "$DEMO/artists.csv" || return 1   # no series yet
    { echo "BEGIN; SELECT count(*) FROM meta;"; sleep 2; echo "COMMIT;"; } | sqlite3 "$busy" >/dev/null &
    local reader=$!
    sleep 0.5
    check "import beside a reader" "$BIN" --db "$busy" import -q --ladder 10M../10M "$DEMO" || return 1
    wait "$reader"
    expect_eq "beside a reader: WAL" "$(sqlite3 "$busy" 'PRAGMA journal_mode')" wal
}

t_event_log_matches_rows() {
    # every event is read from the event log, a filtered read from the
    # rows: both must give the same events, play counts and charts alike
    needs_sqlite || return 0
    local db; db=$(new_store eventlog)
    check "import" "$BIN" --db "$db" import -q --ladder 10M../10M "$DEMO" "$FEEDS/bts" "$FEEDS/charts_us" || return 1
    local logged; logged=$("$BIN" --db "$db" milestones --csv)
    local rows; rows=$("$BIN" --db "$db" milestones --csv --since 1900-01-01)
    contains "chart events" "$logged" "chart_debut" || return 1
    expect_eq "log and rows" "$logged" "$rows" || return 1
    # a store written before the log: read from the rows, and the next
    # write of events writes the log of the rows it holds
    sqlite3 "$db" "DELETE FROM event_log" || return 1
    expect_eq "without the log" "$("$BIN" --db "$db" milestones --csv)" "$rows" || return 1
    printf 'date,track,streams\n2026-01-01,5h1BN75CEh8wdSwE1xrbSe,990000000\n' >"$WORK/later.csv"
    check "a later day" "$BIN" --db "$db" import -q "$WORK/later.csv" || return 1
    expect_eq "log rebuilt" "$(sqlite3 "$db" "SELECT count(*) > 1 FROM event_log")" 1 || return 1
    expect_eq "log and rows after" "$("$BIN" --db "$db" milestones --csv)" \
        "$("$BIN" --db "$db" milestones --csv --since 1900-01-01)"
}

t_event_log_read_in_pieces() {
    # 40,000 events: a log row of 1.6 MB, read in many pieces.  The rows
    # are then changed behind the log's back, so the listing shows which
    # of the two it was read from: the log, whole.
    needs_sqlite || return 0
    local db; db=$(new_store pieces)
    awk 'BEGIN { print "date,track,streams";
                 for (d = 1; d <= 20; d++) for (t = 0; t < 2000; t++)
                     printf "2024-01-%02d,p%04d,%d\n", d, t, d * 1000 + t % 7 }' >"$WORK/pieces.csv"
    check "import" "$BIN" --db "$db" import -q --ladder 1K../1K --add-tracks "$WORK/pieces.csv" || return 1
    # (the first day's are baselines: 2,000 tracks first seen past 1K)
    local before; before=$("$BIN" --db "$db" milestones --csv --baseline)
    expect_eq "events" "$(printf '%s\n' "$before" | wc -l)" 40001 || return 1
    expect_eq "baselines" "$(printf '%s\n' "$before" | grep -c ',1$')" 2000 || return 1
    sqlite3 "$db" "UPDATE milestones SET value = value + 1" || return 1
    expect_eq "read from the log" "$("$BIN" --db "$db" milestones --csv --baseline)" "$before" || return 1
    [ "$("$BIN" --db "$db" milestones --csv --baseline --since 1900-01-01)" != "$before" ] ||
        { echo "  the rows were not changed"; return 1; }
}

run_tests "$@"
