# tests/e2e/lib.sh: what every end-to-end test script shares (sourced).
#
# The e2e tests run the real binary on real files and check what a user
# would check.  They are grouped by area, one script each (t-import.sh,
# t-records.sh, ...); tests/e2e/run.sh runs every script and closes with
# "e2e: N passed, N failed" (CI reads that line).
#
# Running them:
#   tests/e2e/run.sh [-i] [-x]                 every script
#   tests/e2e/t-import.sh [-i] [-x] [TEST...]  one script, or some of its tests
#                                              by name (refuses_bad_date or
#                                              t_refuses_bad_date)
#   -i  stop at the first failure       -x  trace the commands of each test
# The binary is $TRACKRECORD_BIN (default build/trackrecord); `make e2e`
# sets it.  A failed comparison of several lines shows a diff.
#
# Adding a test: in the script of its area, a function named t_something
# that returns non-zero (having set fail_msg, through the helpers below) when
# what it checks does not hold.  Tests run in the order they are written, each
# in its own subshell, so a test's variables and its `cd` stay its own; they
# share the script's $WORK directory, so name the stores they make after
# the test.  Adding an area: copy a short script (t-cli.sh): source this file
# first, end with `run_tests "$@"`; run.sh finds every tests/e2e/t-*.sh.
#
# The store: a test gets a fresh, empty store location from new_store NAME
# (NAME distinct within its script) and passes it as --db.  Where the stores
# live is decided here alone: by default an SQLite file under $WORK.  With
# E2E_BACKEND=NAME set, tests/e2e/backend-NAME.sh is sourced instead of the
# defaults below and gives its own store_at NAME (the --db location),
# store_drop LOCATION (make it empty) and store_fingerprint LOCATION (every
# row, hashed, so "unchanged" can be compared).  A test that looks inside
# the SQLite file or at the files beside it (sqlite3, STORE-checkpoint.N)
# starts with `needs_sqlite || return 0`: under another backend it is
# skipped, and counted as skipped.
set -u
E2E_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$E2E_DIR/../.." && pwd)
BIN=${TRACKRECORD_BIN:-$ROOT/build/trackrecord}
DEMO=$ROOT/data/demo/layover
FEEDS=$ROOT/tests/data/feeds
E2E_BACKEND=${E2E_BACKEND:-sqlite}
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT

# ---- the store ---------------------------------------------------------------

store_at() {          # store_at NAME: the --db location of the store NAME
    echo "$WORK/$1.db"
}
store_drop() {        # store_drop LOCATION: no store there any more
    rm -f "$1" "$1"-*
}
store_fingerprint() { # store_fingerprint LOCATION: every table's rows, hashed
    sqlite3 "$1" .dump 2>/dev/null | sha256sum
}
if [ "$E2E_BACKEND" != sqlite ]; then
    . "$E2E_DIR/backend-$E2E_BACKEND.sh" || { echo "e2e: no backend '$E2E_BACKEND'" >&2; exit 2; }
fi
new_store() {         # new_store NAME: prints the location of a fresh, empty store
    local at; at=$(store_at "$1")
    store_drop "$at"
    echo "$at"
}
needs_sqlite() {      # the test reads the SQLite file itself: skip it elsewhere
    [ "$E2E_BACKEND" = sqlite ] && return 0
    skipped_why="needs the SQLite store"
    return 1
}
export TRACKRECORD_DB; TRACKRECORD_DB=$(store_at default)

# ---- checks: each sets fail_msg and returns 1 when it does not hold -----------

fail_msg=""
skipped_why=""
check() {           # check DESCRIPTION COMMAND...: the command must succeed
    local what=$1; shift
    if ! "$@" >/dev/null 2>&1; then fail_msg="$what"; return 1; fi
}
expect_eq() {       # expect_eq WHAT ACTUAL EXPECTED
    [ "$2" = "$3" ] && return 0
    case "$2$3" in
    *$'\n'*) fail_msg="$1: differs (- expected, + actual):
$(diff -u <(printf '%s\n' "$3") <(printf '%s\n' "$2") | tail -n +3 | head -40)" ;;
    *) fail_msg="$1: expected '$3', got '$2'" ;;
    esac
    return 1
}
lacks() {           # lacks WHAT HAYSTACK NEEDLE
    case "$2" in *"$3"*) fail_msg="$1: '$3' should not be in the output"; return 1 ;; esac
}
contains() {        # contains WHAT HAYSTACK NEEDLE
    case "$2" in *"$3"*) return 0 ;; esac
    fail_msg="$1: '$3' not in: $(printf %s "$2" | head -c 400)"; return 1
}
db_fingerprint() {  # db_fingerprint STORE: its rows, so "unchanged" can be compared
    store_fingerprint "$1"
}
layover_db() {      # layover_db NAME: a store with the demo imported at every 10M
    local db; db=$(new_store "$1")
    "$BIN" --db "$db" import -q --ladder 10M../10M "$DEMO" >/dev/null || return 1
    echo "$db"
}

# ---- the runner ----------------------------------------------------------------

# run_tests [-i] [-x] [TEST...]: runs the script's tests (all, or those
# named) in the order they are written, one line each, then the script's
# counts; with E2E_RESULTS set, appends "passed failed skipped" to that file
# for run.sh.  Exits non-zero when a test failed.
run_tests() {
    local immediate=0 trace=0 names=() t
    while [ $# -gt 0 ]; do
        case "$1" in
        -i|--immediate) immediate=1 ;;
        -x|--trace) trace=1 ;;
        -h|--help) sed -n '/^# Running them/,/^# A failed/p' "$E2E_DIR/lib.sh" | cut -c3-; exit 0 ;;
        -*) echo "$(basename "$0"): unknown option $1" >&2; exit 2 ;;
        *) names+=("t_${1#t_}") ;;
        esac
        shift
    done
    local all; all=$(grep -o '^t_[A-Za-z0-9_]*()' "$0" | tr -d '()')
    if [ ${#names[@]} -eq 0 ]; then
        names=($all)
    else
        for t in "${names[@]}"; do
            grep -qx "$t" <<<"$all" || { echo "$(basename "$0"): no test $t" >&2; exit 2; }
        done
    fi
    local passed=0 failed=0 skipped=0 out
    for t in "${names[@]}"; do
        # the test runs in a subshell; its last line says how it went
        out=$( fail_msg="" skipped_why=""
               [ $trace -eq 1 ] && set -x
               $t >&2; rc=$?
               set +x
               if [ -n "$skipped_why" ]; then printf 'skip %s' "$skipped_why"
               elif [ $rc -eq 0 ] && [ -z "$fail_msg" ]; then printf ok
               else printf 'FAIL %s' "$fail_msg"; fi )
        case "$out" in
        ok) passed=$((passed + 1)); echo "ok   ${t#t_}" ;;
        skip*) skipped=$((skipped + 1)); echo "skip ${t#t_}: ${out#skip }" ;;
        *) failed=$((failed + 1)); echo "FAIL ${t#t_}: ${out#FAIL }"
           [ $immediate -eq 1 ] && break ;;
        esac
    done
    echo "# $(basename "$0"): $passed passed, $failed failed${skipped:+, $skipped skipped}" |
        sed 's/, 0 skipped$//'
    [ -n "${E2E_RESULTS:-}" ] && echo "$passed $failed $skipped" >>"$E2E_RESULTS"
    [ "$failed" -eq 0 ]
}
