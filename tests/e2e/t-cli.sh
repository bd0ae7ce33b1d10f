#!/bin/bash
# e2e, the command line: help, usage errors, a missing store.
# Run: tests/e2e/t-cli.sh [-i] [-x] [TEST...]  (see tests/e2e/lib.sh)
. "$(dirname "$0")/lib.sh"

t_help_everywhere() {
    local c
    check "--help" "$BIN" --help || return 1
    for c in import milestones records show corrections imports stats charts; do
        local out; out=$("$BIN" "$c" --help) || { fail_msg="$c --help failed"; return 1; }
        contains "$c --help" "$out" "usage: trackrecord $c" || return 1
    done
}

t_usage_errors_are_2() {
    "$BIN" frobnicate >/dev/null 2>&1
    expect_eq "unknown command" "$?" 2 || return 1
    "$BIN" milestones --kind nope >/dev/null 2>&1
    expect_eq "bad --kind" "$?" 2 || return 1
    "$BIN" import --ladder 10M..x "$DEMO" >/dev/null 2>&1
    expect_eq "bad ladder" "$?" 2
}

t_missing_store_is_reported() {
    local err; err=$("$BIN" --db "$(store_at none)" milestones 2>&1)
    expect_eq "exit" "$?" 1 || return 1
    contains "message" "$err" "no store here yet"
}

run_tests "$@"
