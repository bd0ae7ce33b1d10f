#!/bin/sh
# scripts/check_function_length.sh [MAX]: no function in src/lib, src/web or
# src/cli is longer than MAX lines (default 120, the house rule) unless the
# comment right above it says why it must be one piece, in words that hold
# "one piece:" (make check runs it).  A function is counted from the "{"
# that opens its body at the start of a line to the "}" that closes it
# there, as the code is formatted.  Prints each long function without that
# comment as FILE:LINE: NAME: N lines, and exits 1 when there is any.
set -eu
cd "$(dirname "$0")/.."
max=${1:-120}
find src/lib src/web src/cli -name '*.c' | sort | xargs awk -v max="$max" '
    FNR == 1 { why = 0; incomment = 0; head = ""; start = 0 }
    start == 0 && incomment {                 # inside a comment above top-level code
        if (/one piece:/) why = 1
        if (/\*\//) incomment = 0
        next
    }
    start == 0 && /^\/\*/ {                   # a comment opens: it may give the reason
        why = /one piece:/ ? 1 : 0
        incomment = !/\*\//
        next
    }
    start == 0 && /^[A-Za-z_].*\(/ && !/;[[:space:]]*$/ { head = $0; at = FNR; said = why; why = 0; next }
    start == 0 && /^\{/ && head != "" { start = FNR; next }
    start == 0 && /^[^[:space:]]/ { why = 0; head = "" }   # other top-level code
    start && /^\}/ {
        n = FNR - start - 1
        if (n > max && !said) {
            name = head; sub(/\(.*/, "", name); sub(/.*[ *]/, "", name)
            printf "%s:%d: %s: %d lines (over %d, and no \"one piece:\" comment above it)\n", FILENAME, at, name, n, max
            bad = 1
        }
        start = 0; head = ""
    }
    END { exit bad }
' || { echo "check_function_length: split these functions, or say in the comment above each why it is one piece (\"one piece: ...\")" >&2; exit 1; }
