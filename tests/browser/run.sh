#!/bin/sh
# The dashboard in a real browser: builds the demo store (data/demo/layover
# beside tests/data/records), writes its static site, and runs checks.mjs
# (Playwright driving Debian's chromium, headless) against the pages
# `trackrecord serve` answers and against the static site from file://.
# Screenshots go to build/browser/*.png.
#     TRACKRECORD_BIN=build/trackrecord tests/browser/run.sh
set -eu
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
BIN=${TRACKRECORD_BIN:-$ROOT/build/trackrecord}
NODE_DIR=${NODE_DIR:-$ROOT/build/node}
OUT=${BROWSER_OUT:-$ROOT/build/browser}
CHROMIUM=${CHROMIUM:-$(command -v chromium || true)}
[ -x "$BIN" ] || { echo "browser tests: no $BIN (run make)" >&2; exit 1; }
[ -d "$NODE_DIR/node_modules/playwright-core" ] || { echo "browser tests: no playwright-core in $NODE_DIR (run make)" >&2; exit 1; }
[ -n "$CHROMIUM" ] || { echo "browser tests: no chromium (run scripts/bootstrap.sh)" >&2; exit 1; }
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
mkdir -p "$OUT"
"$BIN" --db "$WORK/demo.db" import -q --ladder every_track=10M../10M "$ROOT/data/demo/layover" "$ROOT/tests/data/records"
"$BIN" --db "$WORK/demo.db" site -q "$WORK/site"
exec env NODE_DIR="$NODE_DIR" TRACKRECORD_BIN="$BIN" CHROMIUM="$CHROMIUM" \
    node "$ROOT/tests/browser/checks.mjs" --db "$WORK/demo.db" --site "$WORK/site" --out "$OUT"
