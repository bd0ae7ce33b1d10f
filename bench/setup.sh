#!/usr/bin/env bash
# Installs the peers the benchmarks compare trackrecord against, and does
# nothing when they are already there (safe to run every time):
#   - DuckDB for Node (@duckdb/node-api, pinned in bench/package-lock.json)
#     into bench/node_modules;
#   - the sqlite3 command-line shell, from Debian's packages;
#   - wrk and nginx-light (bench/serve.sh: the server beside nginx), from
#     Debian's packages.
# Needs node (>= 18) and npm; installs them from Debian's packages when absent.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)

apt_updated=0
apt_install() {
    if [ "$(id -u)" != 0 ]; then
        echo "setup: $* missing and not root: install it (apt-get install $*)" >&2
        exit 1
    fi
    if [ "$apt_updated" = 0 ]; then
        apt-get update -qq
        apt_updated=1
    fi
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}

if ! command -v sqlite3 >/dev/null; then
    echo "setup: installing sqlite3" >&2
    apt_install sqlite3
fi

if ! command -v wrk >/dev/null || { ! command -v nginx >/dev/null && [ ! -x /usr/sbin/nginx ]; }; then
    echo "setup: installing wrk and nginx-light" >&2
    apt_install wrk nginx-light
fi

if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
    echo "setup: installing node and npm" >&2
    apt_install nodejs npm
fi
major=$(node -p 'process.versions.node.split(".")[0]')
if [ "$major" -lt 18 ]; then
    echo "setup: node $(node --version) is too old for @duckdb/node-api (need >= 18)" >&2
    exit 1
fi

# npm ci only when the pinned tree is missing or the lock file changed.
stamp=$here/node_modules/.package-lock.json
if [ ! -d "$here/node_modules/@duckdb/node-api" ] || [ "$here/package-lock.json" -nt "$stamp" ]; then
    echo "setup: installing @duckdb/node-api into bench/node_modules" >&2
    (cd "$here" && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
fi
(cd "$here" && node --input-type=module -e \
    "import { version } from '@duckdb/node-api'; console.log('setup: duckdb ' + version() + ', sqlite ' + process.argv[1]);" \
    "$(sqlite3 -version | cut -d' ' -f1)") >&2
