#!/bin/bash
# End-to-end tests: runs every tests/e2e/t-*.sh (one script per area, over
# tests/e2e/lib.sh, which says how to run one script or one test and how to
# add one) and closes with "e2e: N passed, N failed".
#   tests/e2e/run.sh [-i] [-x]    -i: stop at the first failure, -x: trace
set -u
dir=$(cd "$(dirname "$0")" && pwd)
immediate=0
for a in "$@"; do [ "$a" = -i ] || [ "$a" = --immediate ] && immediate=1; done
results=$(mktemp)
trap 'rm -f "$results"' EXIT
for script in "$dir"/t-*.sh; do
    E2E_RESULTS=$results bash "$script" "$@"
    rc=$?
    [ $rc -eq 2 ] && exit 2                     # a usage error, not a test
    [ $rc -ne 0 ] && [ $immediate -eq 1 ] && break
done
read -r passed failed skipped < <(awk '{ p += $1; f += $2; s += $3 } END { print p + 0, f + 0, s + 0 }' "$results")
[ "$skipped" -gt 0 ] && echo "e2e: $skipped skipped (E2E_BACKEND=${E2E_BACKEND:-sqlite})"
echo "e2e: $passed passed, $failed failed"
[ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]
