#!/bin/bash
# e2e, moving a store between backends (`trackrecord copy`), and what the
# shared PostgreSQL store promises its writers.  Under E2E_BACKEND=postgres
# the copies go database -> file -> database.
# Run: tests/e2e/t-copy.sh [-i] [-x] [TEST...]  (see tests/e2e/lib.sh)
. "$(dirname "$0")/lib.sh"

same_outputs() {    # same_outputs STORE_A STORE_B: what a user reads is alike
    local cmd
    for cmd in "milestones --csv" "show layover --json" "stats" "imports" "records --json" \
               "corrections" "show 5h1BN75CEh8wdSwE1xrbSe"; do
        expect_eq "$cmd" "$("$BIN" --db "$2" $cmd 2>&1)" "$("$BIN" --db "$1" $cmd 2>&1)" || return 1
    done
}

t_copy_there_and_back() {
    local db; db=$(layover_db copysrc) || return 1
    local file=$WORK/copied.db back; back=$(new_store copyback)
    rm -f "$file"*
    local out; out=$("$BIN" --db "$db" copy --to "$file") || { fail_msg="copy to a file failed"; return 1; }
    contains "report" "$out" "checked equal" || return 1
    same_outputs "$db" "$file" || return 1
    check "copy back" "$BIN" --db "$file" copy --to "$back" || return 1
    same_outputs "$db" "$back" || return 1
    # the copy goes on as the store did: a later day imports alike
    printf 'date,track,streams\n2025-08-09,5h1BN75CEh8wdSwE1xrbSe,999000000\n' >"$WORK/next.csv"
    check "import into the original" "$BIN" --db "$db" import -q "$WORK/next.csv" || return 1
    check "import into the copy" "$BIN" --db "$back" import -q "$WORK/next.csv" || return 1
    expect_eq "after the next day" "$("$BIN" --db "$back" milestones --csv)" \
        "$("$BIN" --db "$db" milestones --csv)"
}

t_copy_never_merges() {
    local db; db=$(layover_db copyfull) || return 1
    local other; other=$(layover_db copyother) || return 1
    local before; before=$(db_fingerprint "$other")
    local err; err=$("$BIN" --db "$db" copy --to "$other" 2>&1) &&
        { fail_msg="a copy into a store that holds one succeeded"; return 1; }
    contains "message" "$err" "copy into a new" || return 1
    expect_eq "left as it was" "$(db_fingerprint "$other")" "$before"
}

t_second_writer_is_told() {
    [ "$E2E_BACKEND" = postgres ] || { skipped_why="the PostgreSQL writers' lock"; return 0; }
    local db; db=$(layover_db locked) || return 1
    # another writer holds the store's lock (as an import does while it runs)
    psql "$db" -qc "SELECT pg_advisory_lock(hashtext('trackrecord:' || current_schema()));
                    SELECT pg_sleep(4)" >/dev/null 2>&1 &
    local holder=$!
    sleep 1
    printf 'date,track,streams\n2025-08-09,5h1BN75CEh8wdSwE1xrbSe,999000000\n' >"$WORK/w.csv"
    local err; err=$("$BIN" --db "$db" import -q "$WORK/w.csv" 2>&1)
    local code=$?
    # a reader is never held up by the writer
    local read_ok=0; "$BIN" --db "$db" stats >/dev/null 2>&1 && read_ok=1
    wait "$holder"
    expect_eq "exit" "$code" 1 || return 1
    contains "message" "$err" "another import is writing to this store" || return 1
    expect_eq "reader" "$read_ok" 1 || return 1
    check "after the other writer" "$BIN" --db "$db" import -q "$WORK/w.csv"
}

run_tests "$@"
