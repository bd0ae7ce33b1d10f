#!/bin/bash
# e2e, damage: flipped bytes in a store's blobs and in the files beside it
# are detected (an error, or a cache read again from the tables), never
# printed as data.
# Run: tests/e2e/t-damage.sh [-i] [-x] [TEST...]  (see tests/e2e/lib.sh)
. "$(dirname "$0")/lib.sh"

flip_blob() {   # flip_blob DB TABLE ROW OFFSET XOR: one byte of a blob, changed
    local db=$1 t=$2 row=$3 at=$4 x=$5 old
    old=$(sqlite3 "$db" "SELECT hex(substr(data, $((at + 1)), 1)) FROM $t LIMIT 1 OFFSET $row")
    [ -n "$old" ] || return 1
    local new; new=$(printf '%02X' $(( 0x$old ^ x )))
    sqlite3 "$db" "UPDATE $t SET data = CAST(substr(data, 1, $at) || x'$new' || substr(data, $((at + 2))) AS BLOB)
                   WHERE rowid = (SELECT rowid FROM $t LIMIT 1 OFFSET $row)"
}

flip_file() {   # flip_file FILE OFFSET XOR
    local old; old=$(od -An -tu1 -j "$2" -N1 "$1" | tr -d ' ')
    [ -n "$old" ] || return 1
    printf "$(printf '\\%03o' $(( old ^ $3 )))" | dd of="$1" bs=1 seek="$2" conv=notrunc status=none
}

READS=("milestones --csv" "show layover --json" "show 54bg1e6ABcZfpU3yzwxnPf --json" "records --json"
       "corrections" "stats")
reads() {       # reads DB I: read command I's output (stats without the state of
                # the checkpoint, a cache that a damaged file truly leaves none of)
    # shellcheck disable=SC2086
    "$BIN" --db "$1" ${READS[$2]} 2>&1 | grep -v '^checkpoint: '
    return "${PIPESTATUS[0]}"
}

t_event_log_flip_is_not_printed() {
    # the regression case: a flipped byte in the day of an event-log record
    # (bytes 28-31 of its 40) printed a wrong day with exit 0
    needs_sqlite || return 0
    local db; db=$(layover_db flipped_log) || { fail_msg="import failed"; return 1; }
    local want; want=$("$BIN" --db "$db" milestones --csv)
    flip_blob "$db" event_log 0 28 1 || { fail_msg="no event log"; return 1; }
    local got; got=$("$BIN" --db "$db" milestones --csv)
    expect_eq "milestones --csv, exit $?" "$got" "$want"
}

t_damaged_chunk_is_an_error_naming_it() {
    needs_sqlite || return 0
    local db; db=$(layover_db flipped_chunk) || { fail_msg="import failed"; return 1; }
    flip_blob "$db" chunks 3 1 4 || return 1
    local err; err=$("$BIN" --db "$db" show 54bg1e6ABcZfpU3yzwxnPf 2>&1 >/dev/null)
    expect_eq "exit" "$?" 1 || return 1
    contains "message" "$err" "damaged: the play counts of 2023-08-14 for series 0-1023"
}

t_random_flips_never_print_a_wrong_number() {
    # a byte flipped at random in a blob (chunks, tails, event log, kept
    # claims) or a file beside the store: every read command either fails
    # or prints what it printed before
    needs_sqlite || return 0
    local db; db=$(layover_db flips) || { fail_msg="import failed"; return 1; }
    printf 'date,track,streams\n2025-07-01,54bg1e6ABcZfpU3yzwxnPf,400000000\n' >"$WORK/later.csv"
    check "a later day" "$BIN" --db "$db" import -q "$WORK/later.csv" || return 1
    local -a want
    local i cmd
    for i in "${!READS[@]}"; do
        want[i]=$(reads "$db" "$i") || { fail_msg="${READS[i]} failed"; return 1; }
    done
    local -a sides
    # (not the kept forecasts: without them `show` computes forecasts afresh,
    # whose interval can differ from the kept one by a day, damage or not)
    mapfile -t sides < <(cd "$WORK" && ls flips.db-* | grep -v -- '-wal\|-shm\|-journal\|-forecasts')
    RANDOM=16
    local trial flipped=0 caught=0
    for ((trial = 0; trial < 60; trial++)); do
        rm -rf "$WORK/flip" && mkdir "$WORK/flip" && cp "$WORK"/flips.db* "$WORK/flip/"
        local copy=$WORK/flip/flips.db x=$((1 + RANDOM % 255)) where
        case $((trial % 5)) in
        0|1|2)
            local t; t=$(printf 'chunks\ntails\nevent_log\nclaims_kept\n' | sed -n "$((1 + RANDOM % 4))p")
            local rows; rows=$(sqlite3 "$copy" "SELECT count(*) FROM $t")
            [ "$rows" -gt 0 ] || continue
            local row=$((RANDOM % rows))
            local len; len=$(sqlite3 "$copy" "SELECT length(data) FROM $t LIMIT 1 OFFSET $row")
            local at=$(( (RANDOM * 32768 + RANDOM) % len ))
            flip_blob "$copy" "$t" "$row" "$at" "$x" || continue
            where="$t row $row byte $at" ;;
        *)
            local f=$WORK/flip/${sides[$((RANDOM % ${#sides[@]}))]}
            local size; size=$(stat -c %s "$f")
            local at=$(( (RANDOM * 32768 + RANDOM) % size ))
            flip_file "$f" "$at" "$x" || continue
            where="${f##*/} byte $at" ;;
        esac
        flipped=$((flipped + 1))
        for i in "${!READS[@]}"; do
            local got
            if got=$(reads "$copy" "$i"); then
                expect_eq "${READS[i]} after a flip in $where" "$got" "${want[i]}" || return 1
            else
                caught=$((caught + 1))
            fi
        done
    done
    [ "$flipped" -ge 40 ] || { fail_msg="only $flipped flips made"; return 1; }
    [ "$caught" -gt 0 ] || { fail_msg="no flip was ever reported"; return 1; }
}

run_tests "$@"
