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

# The same on either backend: a byte of the blob in column data of TABLE's
# row ROW (in KEY order), changed.
sql() {         # sql STORE STATEMENT
    if [ "$E2E_BACKEND" = sqlite ]; then
        sqlite3 "$1" "$2"
    else
        psql -X -q -t -A "$1" -c "$2"
    fi
}
flip_row() {    # flip_row STORE TABLE KEY ROW OFFSET XOR
    local db=$1 t=$2 key=$3 row=$4 at=$5 x=$6
    if [ "$E2E_BACKEND" = sqlite ]; then
        flip_blob "$db" "$t" "$row" "$at" "$x"
    else
        sql "$db" "UPDATE $t SET data = set_byte(data, $at, get_byte(data, $at) # $x)
                   WHERE $key = (SELECT $key FROM $t ORDER BY $key LIMIT 1 OFFSET $row)"
    fi
}
flip_catalog_cache() {  # flip_catalog_cache STORE: a byte of the catalog snapshot
    if [ "$E2E_BACKEND" = sqlite ]; then
        local f; f=$(ls "$1"-catalog.* | sort -t. -k3 -n | tail -n 1)
        flip_file "$f" 200 16
    else
        sql "$1" "UPDATE side_blobs SET data = set_byte(data, 200, get_byte(data, 200) # 16)
                  WHERE kind = 'catalog' AND part = 0 AND gen = (SELECT value::bigint FROM meta WHERE key = 'catalog')"
        rm -rf "$TRACKRECORD_CACHE"    # this machine's copy, else read first
    fi
}

t_check_passes_a_sound_store() {
    local db; db=$(layover_db sound) || { fail_msg="import failed"; return 1; }
    local out; out=$("$BIN" --db "$db" check)
    expect_eq "exit" "$?" 0 || return 1
    contains "summary" "$out" "4 side files: nothing damaged" || return 1
    "$BIN" --db "$db" check --bogus 2>/dev/null
    expect_eq "a bad option's exit" "$?" 2 || return 1
    "$BIN" --db "$WORK/none.db" check 2>/dev/null
    expect_eq "no store's exit" "$?" 1 || return 1
    [ ! -e "$WORK/none.db" ] || { fail_msg="check made a store"; return 1; }
    contains "help" "$("$BIN" check --help)" "usage: trackrecord check [--repair]"
}

t_check_names_a_damaged_chunk_and_repair_leaves_it() {
    local db; db=$(layover_db chunk) || { fail_msg="import failed"; return 1; }
    flip_row "$db" chunks key 3 1 4 || { fail_msg="no chunk to flip"; return 1; }
    local before; before=$(db_fingerprint "$db")
    local out; out=$("$BIN" --db "$db" check)
    expect_eq "exit" "$?" 1 || return 1
    contains "the damage" "$out" "damaged: play counts (2023-08-14, series 0-1023): fails its checksum" || return 1
    contains "what to do" "$out" "import the play counts again into a new store" || return 1
    contains "summary" "$out" "1 damaged (0 of them caches" || return 1
    out=$("$BIN" --db "$db" check --repair)
    expect_eq "--repair's exit" "$?" 1 || return 1
    contains "--repair" "$out" "1 damaged table blobs or pages, which the store cannot rebuild: nothing repaired" || return 1
    expect_eq "the store after --repair" "$(db_fingerprint "$db")" "$before"
}

t_check_repair_rebuilds_damaged_caches() {
    # the event log and the catalog snapshot, damaged: named, rebuilt, and
    # every read prints what it printed before
    local db; db=$(layover_db caches) || { fail_msg="import failed"; return 1; }
    local want; want=$("$BIN" --db "$db" milestones --csv; "$BIN" --db "$db" records --json)
    flip_row "$db" event_log seq 0 28 1 || { fail_msg="no event log"; return 1; }
    flip_catalog_cache "$db" || { fail_msg="no catalog snapshot"; return 1; }
    local out; out=$("$BIN" --db "$db" check)
    expect_eq "exit" "$?" 1 || return 1
    contains "the event log" "$out" "damaged: milestone event log (event_log row " || return 1
    contains "the catalog snapshot" "$out" "damaged: catalog snapshot (" || return 1
    contains "summary" "$out" "2 damaged (2 of them caches, which --repair rebuilds)" || return 1
    out=$("$BIN" --db "$db" check --repair)
    expect_eq "--repair's exit" "$?" 0 || return 1
    contains "--repair" "$out" "repair: the caches rebuilt from the tables; checked again: check:" || return 1
    out=$("$BIN" --db "$db" check)
    expect_eq "exit after --repair" "$?" 0 || return 1
    expect_eq "reads after --repair" "$("$BIN" --db "$db" milestones --csv; "$BIN" --db "$db" records --json)" "$want"
}

t_check_repair_makes_a_damaged_tail_again() {
    # a tail (the latest counts of a group) follows from the group's chunks:
    # made again byte for byte, and every read as before
    local db; db=$(layover_db tail) || { fail_msg="import failed"; return 1; }
    local want; want=$("$BIN" --db "$db" show layover --json; "$BIN" --db "$db" stats)
    local bytes; bytes=$(sql "$db" "SELECT md5(data) FROM tails" 2>/dev/null || sql "$db" "SELECT hex(data) FROM tails")
    flip_row "$db" tails grp 0 100 5 || { fail_msg="no tail"; return 1; }
    local out; out=$("$BIN" --db "$db" check)
    expect_eq "exit" "$?" 1 || return 1
    contains "the damage" "$out" "damaged: latest counts (2025-08-08, series 0-1023): fails its checksum; made again from the play counts by --repair" || return 1
    check "--repair" "$BIN" --db "$db" check --repair || return 1
    expect_eq "the tail" "$(sql "$db" "SELECT md5(data) FROM tails" 2>/dev/null || sql "$db" "SELECT hex(data) FROM tails")" "$bytes" || return 1
    expect_eq "reads after --repair" "$("$BIN" --db "$db" show layover --json; "$BIN" --db "$db" stats)" "$want"
}

t_damaged_kept_forecasts_are_an_error_not_others() {
    # computed afresh they could differ from the kept ones: an error that
    # names them, until --repair makes them again
    needs_sqlite || return 0
    local db; db=$(layover_db forecasts) || { fail_msg="import failed"; return 1; }
    local f; f=$(ls "$db"-forecasts.* | sort -t. -k3 -n | tail -n 1)
    flip_file "$f" 100 1 || return 1
    local err; err=$("$BIN" --db "$db" forecast --json 2>&1 >/dev/null)
    expect_eq "forecast's exit" "$?" 1 || return 1
    contains "message" "$err" "the kept forecasts, fails its checksum (\`trackrecord check --repair\` rebuilds them)" || return 1
    check "milestones still read" "$BIN" --db "$db" milestones --csv || return 1
    check "--repair" "$BIN" --db "$db" check --repair || return 1
    check "forecast after --repair" "$BIN" --db "$db" forecast --json
}

READS=("milestones --csv" "show layover --json" "show 54bg1e6ABcZfpU3yzwxnPf --json" "records --json"
       "corrections" "stats" "forecast --json" "forecast --subject layover --json" "charts 0v1x6rN6JHRapa03JElljE --json" "feed --json"
       "site")
reads() {       # reads DB I: read command I's output (stats without the state of
                # the checkpoint, a cache that a damaged file truly leaves none of;
                # site: the hashes of the files it wrote)
    if [ "${READS[$2]}" = site ]; then
        rm -rf "$1.site"
        "$BIN" --db "$1" site -q "$1.site" 2>&1 || return 1
        (cd "$1.site" && find . -type f ! -name .trackrecord-site | sort | xargs sha256sum)
        return 0
    fi
    # shellcheck disable=SC2086
    "$BIN" --db "$1" ${READS[$2]} 2>&1 | grep -v '^checkpoint: '
    return "${PIPESTATUS[0]}"
}

# flips_store NAME: the demo in two imports (the last day alone, so that
# claims are kept) and weekly charts (chart milestones in the event log)
flips_store() {
    local db; db=$(new_store "$1")
    mkdir -p "$WORK/$1.in"
    cp "$DEMO"/*.csv "$WORK/$1.in/"
    awk -F, 'NR == 1 || $1 != "2025-08-08"' "$DEMO/streams.csv" >"$WORK/$1.in/streams.csv"
    awk -F, 'NR == 1 || $1 == "2025-08-08"' "$DEMO/streams.csv" >"$WORK/$1.2025-08-08.csv"
    "$BIN" --db "$db" import -q --ladder 10M../10M "$WORK/$1.in" "$FEEDS/charts_us" >/dev/null &&
        "$BIN" --db "$db" import -q "$WORK/$1.2025-08-08.csv" >/dev/null || return 1
    echo "$db"
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

t_damaged_chart_event_log_is_read_from_rows() {
    # a byte of a chart milestone's blob that no longer unpacks: the reader
    # went on with an uninitialised length (SIGSEGV)
    needs_sqlite || return 0
    local db; db=$(flips_store chart_log) || { fail_msg="import failed"; return 1; }
    local want; want=$("$BIN" --db "$db" milestones --csv)
    local row; row=$(sqlite3 "$db" "SELECT count(*) FROM event_log WHERE seq < (SELECT min(seq) FROM event_log WHERE chart = 1)")
    flip_blob "$db" event_log "$row" 4331 7 || { fail_msg="no chart event log"; return 1; }
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
    # a byte flipped at random in each kind of blob (chunks, tails, event
    # log, kept claims) and of file beside the store (the current generation
    # of the catalog snapshot, checkpoint, preparation, kept forecasts): every
    # read command either fails naming the damage or prints what it printed
    # before, and `check` names it
    needs_sqlite || return 0
    local db; db=$(flips_store flips) || { fail_msg="import failed"; return 1; }
    local -a want
    local i
    for i in "${!READS[@]}"; do
        want[i]=$(reads "$db" "$i") || { fail_msg="${READS[i]} failed"; return 1; }
    done
    local -a kinds=(chunks tails event_log claims_kept catalog checkpoint prep forecasts)
    RANDOM=16
    local trial caught=0 same=0
    for ((trial = 0; trial < 48; trial++)); do
        rm -rf "$WORK/flip" && mkdir "$WORK/flip" && cp "$WORK"/flips.db "$WORK"/flips.db-* "$WORK/flip/"
        rm -rf "$WORK"/flip/*.site
        local copy=$WORK/flip/flips.db x=$((1 + RANDOM % 255)) kind=${kinds[trial % 8]} where named
        case $kind in
        chunks|tails|event_log|claims_kept)
            local rows; rows=$(sqlite3 "$copy" "SELECT count(*) FROM $kind")
            [ "$rows" -gt 0 ] || { fail_msg="no $kind to flip"; return 1; }
            local row=$((RANDOM % rows))
            local len; len=$(sqlite3 "$copy" "SELECT length(data) FROM $kind LIMIT 1 OFFSET $row")
            local at=$(( (RANDOM * 32768 + RANDOM) % len ))
            flip_blob "$copy" "$kind" "$row" "$at" "$x" || return 1
            where="$kind row $row byte $at"
            case $kind in
            chunks) named="damaged: play counts (" ;;
            tails) named="damaged: latest counts (" ;;  # (--repair: t_check_repair_makes_a_damaged_tail_again)
            event_log) named="damaged: milestone event log (event_log row " ;;
            claims_kept) named="damaged: kept claims (claims_kept)" ;;
            esac ;;
        *)
            local f; f=$(ls "$copy-$kind".* | sort -t. -k3 -n | tail -n 1)
            local size; size=$(stat -c %s "$f")
            local at=$(( (RANDOM * 32768 + RANDOM) % size ))
            flip_file "$f" "$at" "$x" || return 1
            where="${f##*/} byte $at"
            named="($f): " ;;
        esac
        for i in "${!READS[@]}"; do
            local got
            if got=$(reads "$copy" "$i"); then
                expect_eq "${READS[i]} after a flip in $where" "$got" "${want[i]}" || return 1
                same=$((same + 1))
            else
                contains "${READS[i]}'s error after a flip in $where" "$got" "damaged" || return 1
                caught=$((caught + 1))
            fi
        done
        local out; out=$("$BIN" --db "$copy" check)
        expect_eq "check's exit after a flip in $where" "$?" 1 || return 1
        contains "check after a flip in $where" "$out" "$named" || return 1
    done
    [ "$caught" -gt 0 ] || { fail_msg="no flip was ever reported"; return 1; }
    [ "$same" -gt 0 ] || { fail_msg="no read ever survived a flip"; return 1; }
}

run_tests "$@"
