#!/bin/sh
# Installs what building and testing trackrecord needs on Debian (12+):
# a C compiler, make, and the -dev packages of the libraries it links
# (SQLite, libpq, jansson, xxHash, zlib, cmocka, libmicrohttpd), plus sqlite3, jq, curl
# and the PostgreSQL server (the e2e suite runs on a throwaway cluster too) for the
# end-to-end tests; Node.js and npm (the build's `npm ci` of the dashboard's
# uPlot and playwright-core), chromium (the browser tests, headless), and clang
# with its libFuzzer runtime (make fuzz-ci, part of make test).
# Safe to run again: it installs only what is missing.
set -eu
pkgs="build-essential pkg-config libsqlite3-dev sqlite3 libpq-dev postgresql libjansson-dev libxxhash-dev zlib1g-dev libcmocka-dev libmicrohttpd-dev jq curl nodejs npm chromium clang libclang-rt-14-dev"
missing=""
for p in $pkgs; do
    # a Node.js from elsewhere (NodeSource's package) brings its own npm
    [ "$p" = npm ] && command -v npm >/dev/null 2>&1 && continue
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
[ -z "$missing" ] && exit 0
echo "bootstrap: installing$missing" >&2
if [ "$(id -u)" -eq 0 ]; then sudo=""; else sudo="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq $missing >/dev/null
